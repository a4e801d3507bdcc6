#!/usr/bin/env python3
"""Ground truth from real PyTorch for NormLens's tests (run with Debian's /usr/bin/python3).

usage: torch_reference.py FILE NAME [NAME ...]

Forward hooks record output shapes of the calls FILE itself makes (e.g. `y = model(torch.randn(…))`)
and, when FILE declares `# normlens: input (...)`, of one more call with that input.

Runs FILE, builds each NAME (a module bound at module level, or a function / class called with its
defaults), and prints JSON: PyTorch's own parameter and buffer totals, and per module (dotted path)
its type, own parameter and buffer counts, ε and momentum where it has them, and — when FILE declares `# normlens: input (...)` — the
output shape recorded by a forward hook.
"""
import json
import re
import runpy
import sys

import torch
import torch.nn as nn


def no_weight_downloads():
    """Offline: `weights=` / `pretrained=True` build the model with its fresh weights, as NormLens
    counts it (the counts do not depend on the values), instead of downloading a checkpoint."""
    torch.hub.load_state_dict_from_url = lambda *args, **kwargs: None
    load = nn.Module.load_state_dict

    def load_state_dict(self, state_dict, *args, **kwargs):
        return None if state_dict is None else load(self, state_dict, *args, **kwargs)

    nn.Module.load_state_dict = load_state_dict


def main():
    path, names = sys.argv[1], sys.argv[2:]
    source = open(path).read()
    m = re.search(r"^\s*#\s*normlens:\s*input\s*[\(\[]([\d\s,]+)[\)\]]", source, re.M)
    shape = [int(d) for d in m.group(1).split(",") if d.strip()] if m else None
    # Record the first output of every module call, including the calls FILE makes itself.
    first_output = {}

    def hook(mod, _inputs, output):
        if isinstance(output, tuple):
            output = output[0]
        if isinstance(output, torch.Tensor) and id(mod) not in first_output:
            first_output[id(mod)] = list(output.shape)

    no_weight_downloads()
    handle = nn.modules.module.register_module_forward_hook(hook)
    ns = runpy.run_path(path, run_name="normlens_reference")
    out = {}
    for name in names:
        obj = ns[name]
        model = obj if isinstance(obj, nn.Module) else obj()
        if shape and id(model) not in first_output:
            model.eval()
            with torch.no_grad():
                model(torch.randn(*shape))
        modules = {}
        for mod_name, mod in model.named_modules():
            modules[mod_name] = {
                "type": type(mod).__name__,
                "params": sum(p.numel() for p in mod.parameters(recurse=False)),
                "buffers": sum(b.numel() for b in mod.buffers(recurse=False)),
                "outputShape": first_output.get(id(mod)),
                "leaf": len(list(mod.children())) == 0,
            }
            # The ε and momentum a normalization layer runs with (hovers and the panel show them).
            for attr in ("eps", "momentum"):
                value = getattr(mod, attr, False)
                if value is None or isinstance(value, float):
                    modules[mod_name][attr] = value
        out[name] = {
            "total": sum(p.numel() for p in model.parameters()),
            "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "buffers": sum(b.numel() for b in model.buffers()),
            "modules": modules,
        }
    handle.remove()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
