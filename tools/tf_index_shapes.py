#!/usr/bin/env python3
"""Shapes of basic indexing (`x[:, 0]`, `x[..., ::-2]`, `x[:, None]`), answered by NumPy.

usage: /usr/bin/python3 tools/tf_index_shapes.py [OUT.json]   (stdout when OUT is left out)

TensorFlow's `__getitem__` on a tensor of known shape (a strided slice) and Keras 3's GetItem give
the shape NumPy's basic indexing gives for ints, slices (any step but 0), `None` and `...`; an int
out of bounds is an error in all three. TensorFlow is not installable here, NumPy is (Debian's
python3-numpy), so NumPy answers: per case the JSON records the shape, the index as Python source,
and NumPy's shape or the error it raised. test/unit/core/kerasIndexing.test.ts reads the file.
Deterministic: the same NumPy gives the same file.
"""
import itertools
import json
import sys

import numpy as np

SHAPES = [(4, 7, 5), (2, 9), (3, 1, 6, 2)]

# Slices over one axis, with bounds before, inside and past its ends, and negative steps.
SLICES = [
    ":", "1:", ":3", "-2:", ":-1", "2:5", "5:2", "::2", "1::3", "::-1", "::-2", "4:1:-1",
    "-1:-6:-2", "10:", ":10", "-10:", "3:3", "6:0:-3",
]
INTS = ["0", "1", "-1", "4", "-5", "6", "-8"]
SPECIAL = ["...", "None"]


def cases():
    out = []
    for shape in SHAPES:
        items = SLICES + INTS
        for a in items:
            out.append((shape, f"[:, {a}]"))
        for a, b in itertools.product(["0", "-1", "1:", "::-2", "None"], ["...", "None", ":2", "-1"]):
            out.append((shape, f"[{a}, {b}]"))
        out.append((shape, "[..., 0]"))
        out.append((shape, "[..., None, ::2]"))
        out.append((shape, "[None, ..., None]"))
        out.append((shape, "[0, ..., 0, ...]"))
        out.append((shape, "[" + ", ".join(["0"] * (len(shape) + 1)) + "]"))
        out.append((shape, "[:, :, None, -1]" if len(shape) >= 3 else "[:, None, -1]"))
    return out


def main():
    rows = []
    for shape, key in cases():
        x = np.empty(shape)
        try:
            y = eval(f"x{key}", {"x": x})
            rows.append({"shape": list(shape), "index": key, "result": list(y.shape)})
        except IndexError as e:
            rows.append({"shape": list(shape), "index": key, "error": str(e)})
    text = json.dumps({"numpy": np.__version__, "cases": rows}, indent=1) + "\n"
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


main()
