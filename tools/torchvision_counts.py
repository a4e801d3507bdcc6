#!/usr/bin/env python3
"""Parameter counts of torchvision model builders from real torchvision (Debian's
python3-torchvision, no weights downloaded), for NormLens's zoo test.

usage: torchvision_counts.py NAME [NAME ...]   →   {"NAME": parameters, ...}
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")
import torchvision.models as models  # noqa: E402

print(json.dumps({name: sum(p.numel() for p in getattr(models, name)().parameters()) for name in sys.argv[1:]}))
