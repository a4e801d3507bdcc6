#!/usr/bin/env python3
"""The data-flow graph of a PyTorch model from torch.fx, as NormLens reduces it (run with /usr/bin/python3).

usage: torch_flow.py FILE NAME [NAME ...]

Runs FILE, traces each module NAME bound at module level with torch.fx.symbolic_trace, and prints
JSON per NAME: "calls", the leaf module calls in order as [path#k, inbound] (k counts the calls of
one path), "ops", the merge ops as [name, inbound], and "outputs". A source is `input:i`,
`call:path#k` or `op:i`. The reduction is NormLens's (src/core/frameworks/torch/flow.ts): an op
whose tensor inputs come from one source passes it on; from two or more it is a merge op; an
attribute (a parameter) is no source.
"""
import json
import operator
import runpy
import sys

import torch
import torch.fx


def union(lists):
    out = []
    for xs in lists:
        for x in xs:
            if x not in out:
                out.append(x)
    return out


def flow(model):
    graph = torch.fx.symbolic_trace(model).graph
    prod, calls, ops, seen, outputs = {}, [], [], {}, []
    inputs = 0

    def sources(args):
        found = []
        torch.fx.node.map_arg(args, lambda n: found.append(prod.get(n, [])))
        return union(found)

    for n in graph.nodes:
        if n.op == 'placeholder':
            prod[n] = [f'input:{inputs}']
            inputs += 1
        elif n.op == 'get_attr':
            prod[n] = []
        elif n.op == 'call_module':
            k = seen.get(n.target, 0)
            seen[n.target] = k + 1
            ref = f'call:{n.target}#{k}'
            calls.append([f'{n.target}#{k}', sources((n.args, n.kwargs))])
            prod[n] = [ref]
        elif n.op in ('call_function', 'call_method'):
            src = sources((n.args, n.kwargs))
            if len(src) >= 2:
                name = n.target if isinstance(n.target, str) else n.target.__name__
                ops.append([name.strip('_'), src])
                prod[n] = [f'op:{len(ops) - 1}']
            else:
                prod[n] = src
        elif n.op == 'output':
            outputs = sources(n.args)
    return {'calls': calls, 'ops': ops, 'outputs': outputs}


def main():
    scope = runpy.run_path(sys.argv[1], run_name='__normlens__')
    print(json.dumps({name: flow(scope[name]) for name in sys.argv[2:]}))


if __name__ == '__main__':
    main()
