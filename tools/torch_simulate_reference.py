#!/usr/bin/env python3
"""Real PyTorch training steps on .npy batches, for the simulation's cross-check (run with /usr/bin/python3).

usage: torch_simulate_reference.py DIR KIND ARGS_JSON
DIR holds step0.npy, step1.npy, ... (one batch per training step, in order).
KIND: batch (nn.BatchNorm1d/2d/3d by rank) or instance (nn.InstanceNorm1d/2d/3d with
track_running_stats=True); ARGS: channels, eps, momentum (null = cumulative average).
Each batch goes through the module in train() mode (one step: the running statistics update);
then, in eval() mode on the same batch, the RMS difference between the two outputs, per channel.
Prints JSON: running_mean, running_var, num_batches_tracked, and per step the gap's mean and max
over channels.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn


def main():
    folder, kind = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3])
    steps = sorted((f for f in os.listdir(folder) if f.startswith("step")), key=lambda f: int(f[4:-4]))
    batches = [torch.from_numpy(np.load(os.path.join(folder, f))).float() for f in steps]
    rank = batches[0].dim()
    c = args["channels"]
    kw = dict(eps=args["eps"], momentum=args["momentum"])
    if kind == "batch":
        m = {2: nn.BatchNorm1d, 3: nn.BatchNorm1d, 4: nn.BatchNorm2d, 5: nn.BatchNorm3d}[rank](c, affine=False, **kw)
    else:
        m = {3: nn.InstanceNorm1d, 4: nn.InstanceNorm2d, 5: nn.InstanceNorm3d}[rank](c, affine=False, track_running_stats=True, **kw)
    m = m.double()
    gap_mean, gap_max = [], []
    with torch.no_grad():
        for x in batches:
            x = x.double()
            m.train()
            y_train = m(x)
            m.eval()
            y_eval = m(x)
            d = (y_train - y_eval).transpose(0, 1).reshape(c, -1)
            rms = d.pow(2).mean(dim=1).sqrt()
            gap_mean.append(rms.mean().item())
            gap_max.append(rms.max().item())
    print(json.dumps({
        "running_mean": m.running_mean.tolist(),
        "running_var": m.running_var.tolist(),
        "num_batches_tracked": int(m.num_batches_tracked),
        "gap_mean": gap_mean,
        "gap_max": gap_max,
    }))


if __name__ == "__main__":
    main()
