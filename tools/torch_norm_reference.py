#!/usr/bin/env python3
"""Real PyTorch on a .npy tensor, for the engine's cross-check (run with /usr/bin/python3).

usage: torch_norm_reference.py FILE.npy KIND [ARGS_JSON]
KIND: batch (F.batch_norm, training, momentum from ARGS), layer (F.layer_norm over the last ARGS.dims
dims), group (F.group_norm, ARGS.groups), instance (F.instance_norm).
Prints JSON: the output's mean and std per statistic group, and running statistics for batch.
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F


def main():
    path, kind = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    x = torch.from_numpy(np.load(path)).float()
    eps = args.get("eps", 1e-5)
    out = {}
    if kind == "batch":
        c = x.shape[1]
        rm, rv = torch.zeros(c), torch.ones(c)
        y = F.batch_norm(x, rm, rv, training=True, momentum=args.get("momentum", 0.1), eps=eps)
        dims = [d for d in range(x.dim()) if d != 1]
        g = y.transpose(0, 1).reshape(c, -1)
        out["running_mean"], out["running_var"] = rm.tolist(), rv.tolist()
    elif kind == "layer":
        d = args["dims"]
        y = F.layer_norm(x, x.shape[-d:], eps=eps)
        g = y.reshape(-1, int(np.prod(x.shape[-d:])))
    elif kind == "group":
        y = F.group_norm(x, args["groups"], eps=eps)
        g = y.reshape(x.shape[0] * args["groups"], -1)
    elif kind == "instance":
        y = F.instance_norm(x, eps=eps)
        g = y.reshape(x.shape[0] * x.shape[1], -1)
    else:
        raise SystemExit(f"unknown kind {kind}")
    g = g.double()
    out["mean"] = g.mean(dim=1).tolist()
    out["std"] = g.std(dim=1, unbiased=False).tolist()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
