#!/usr/bin/env python3
"""Ground truth from real PyTorch for NormLens's tests (run with Debian's /usr/bin/python3).

usage: torch_reference.py FILE NAME [NAME ...]

Forward hooks record output shapes of the calls FILE itself makes (e.g. `y = model(torch.randn(…))`)
and, when FILE declares `# normlens: input (...)`, of one more call with that input.

Runs FILE, builds each NAME (a module bound at module level, or a function / class called with its
defaults), and prints JSON: PyTorch's own parameter and buffer totals, and per module (dotted path)
its type, own parameter and buffer counts, ε and momentum where it has them, and — when FILE declares `# normlens: input (...)` — the
output shape recorded by a forward hook; and "calls", the model's first forward call by call as
torchinfo lists it (name, type, depth, output shape), from global pre- and post-forward hooks.
Calls inside torch.nn's own layers (a TransformerEncoderLayer's linear1) are left out: NormLens
computes those layers by rule, as one call.
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

    # The call trees: each module call with the calls made inside it, in order.
    top_calls, stack = [], []
    # Containers, and the stacks whose copies of a layer are called one by one.
    containers = (nn.Sequential, nn.ModuleList, nn.ModuleDict, nn.TransformerEncoder, nn.TransformerDecoder)

    def enter(mod, _inputs):
        node = {"mod": mod, "children": [], "output": None}
        (stack[-1]["children"] if stack else top_calls).append(node)
        stack.append(node)

    def leave(mod, _inputs, output):
        while stack and stack[-1]["mod"] is not mod:
            stack.pop()
        if stack:
            node = stack.pop()
            out = output[0] if isinstance(output, tuple) and output else output
            node["output"] = list(out.shape) if isinstance(out, torch.Tensor) else None

    def first_call(model):
        pending = list(top_calls)
        while pending:
            node = pending.pop(0)
            if node["mod"] is model:
                return node
            pending = node["children"] + pending
        return None

    def call_rows(model, node):
        names = {id(m): n for n, m in reversed(list(model.named_modules()))}
        rows = [[type(model).__name__, type(model).__name__, 0, node["output"]]]

        def visit(n, depth):
            for c in n["children"]:
                mod = c["mod"]
                rows.append([names.get(id(mod), type(mod).__name__), type(mod).__name__, depth, c["output"]])
                builtin = type(mod).__module__.startswith("torch.nn.modules") and not isinstance(mod, containers)
                if not builtin:
                    visit(c, depth + 1)

        visit(node, 1)
        return rows

    no_weight_downloads()
    handle = nn.modules.module.register_module_forward_hook(hook)
    pre = nn.modules.module.register_module_forward_pre_hook(enter)
    post = nn.modules.module.register_module_forward_hook(leave)
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
        node = first_call(model)
        out[name] = {
            "calls": call_rows(model, node) if node else None,
            "total": sum(p.numel() for p in model.parameters()),
            "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "buffers": sum(b.numel() for b in model.buffers()),
            "modules": modules,
        }
    handle.remove()
    pre.remove()
    post.remove()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
