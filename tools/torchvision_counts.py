#!/usr/bin/env python3
"""Parameter counts of torchvision model builders from real torchvision (Debian's
python3-torchvision), for NormLens's zoo test: each builder called with its defaults, and with
weights="DEFAULT" (the model torchvision documents `num_params` for; no weights are downloaded —
the architecture is built as the weights need it, with fresh values).

usage: torchvision_counts.py NAME [NAME ...]   →   {"NAME": {"default": n, "weights": n}, ...}
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torchvision.models as models  # noqa: E402

from torchvision.models._api import WeightsEnum  # noqa: E402

WeightsEnum.get_state_dict = lambda self, *args, **kwargs: {}
nn.Module.load_state_dict = lambda self, state_dict, *args, **kwargs: None
# Counts do not depend on the values: skip weight initialisation (seconds per model for the large ones).
for _name in dir(nn.init):
    if _name.endswith("_") and not _name.startswith("_"):
        setattr(nn.init, _name, lambda tensor, *args, **kwargs: tensor)
for _cls in (nn.Linear, nn.Bilinear, nn.modules.conv._ConvNd, nn.Embedding, nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm, nn.MultiheadAttention):
    for _method in ("reset_parameters", "_reset_parameters"):
        if hasattr(_cls, _method):
            setattr(_cls, _method, lambda self, *args, **kwargs: None)


def count(model):
    return sum(p.numel() for p in model.parameters())


def counts(name):
    return {"default": count(getattr(models, name)()), "weights": count(getattr(models, name)(weights="DEFAULT"))}


print(json.dumps({name: counts(name) for name in sys.argv[1:]}))
