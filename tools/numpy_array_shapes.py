#!/usr/bin/env python3
"""Shapes NumPy and scikit-learn give arrays of data, answered by NumPy and scikit-learn themselves.

usage: /usr/bin/python3 tools/numpy_array_shapes.py [OUT.json]   (stdout when OUT is left out)

NormLens follows what notebooks do to their data before a model reads its shape
(`x_train.reshape(-1, 28, 28, 1)`, `np.expand_dims(x, -1)`, `train_test_split(X, y, test_size=0.2)`,
`make_circles(1000)`): per case the JSON records the array's shape, the expression as Python source
(`x` is the array), and the shape NumPy gives, the length or int it gives, or that it raised.
test/unit/core/numpyArrays.test.ts reads the file. Needs Debian's python3-numpy and python3-sklearn
(NumPy 1.24, scikit-learn 1.2 here). Deterministic: the same libraries give the same file.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.datasets import make_blobs, make_circles, make_classification, make_moons, make_regression
from sklearn.model_selection import train_test_split

SHAPES = [(6, 4, 5), (10, 1, 3, 1), (12,)]

ARRAY_EXPRESSIONS = [
    "x.reshape(-1)",
    "x.reshape(-1, 2)",
    "x.reshape((3, -1))",
    "x.reshape(x.shape[0], -1)",
    "x.reshape(x.shape[0], *x.shape[1:], 1)",
    "x.reshape(5, 7)",
    "x.reshape(-1, -1)",
    "x.reshape(-1, 7)",
    "np.reshape(x, (-1, 1))",
    "np.reshape(x, newshape=(2, -1))",
    "np.expand_dims(x, 0)",
    "np.expand_dims(x, -1)",
    "np.expand_dims(x, axis=1)",
    "np.expand_dims(x, (0, -1))",
    "np.expand_dims(x, 5)",
    "np.expand_dims(x, (1, 1))",
    "np.squeeze(x)",
    "np.squeeze(x, 1)",
    "np.squeeze(x, axis=(1, -1))",
    "np.squeeze(x, 0)",
    "x.squeeze()",
    "x.T",
    "np.transpose(x)",
    "np.transpose(x, (1, 0, 2))",
    "x.transpose(2, 0, 1)",
    "x.transpose((0, 2, 1, 3))",
    "x.flatten()",
    "x.ravel()",
    "np.ravel(x)",
    "x.astype('float32') / 255",
    "np.asarray(x, dtype='float32')",
    "x[..., np.newaxis]",
    "x[:4]",
    "x[2:, 0]",
    "len(x)",
    "x.ndim",
    "x.size",
    "x.shape[1:]",
]

SKLEARN_EXPRESSIONS = [
    ("train_test_split(x, y, test_size=0.2)", [(100, 3), (100,)]),
    ("train_test_split(x, y, test_size=0.33)", [(5, 2), (5,)]),
    ("train_test_split(x, y)", [(10, 4), (10,)]),
    ("train_test_split(x, y, train_size=0.7)", [(31, 2), (31,)]),
    ("train_test_split(x, y, test_size=7)", [(50, 2, 2), (50, 1)]),
    ("train_test_split(x, y, train_size=0.5, test_size=0.25)", [(41, 3), (41,)]),
    ("train_test_split(x, test_size=0.1)", [(60000, 28, 28)]),
    ("train_test_split(x, y, test_size=0.2)", [(10, 3), (9,)]),
    ("make_circles(1000, noise=0.03, random_state=42)", []),
    ("make_circles(n_samples=(30, 20))", []),
    ("make_moons()", []),
    ("make_moons(n_samples=200, noise=0.1)", []),
    ("make_blobs(n_samples=300, n_features=5, centers=4)", []),
    ("make_blobs(150, 3)", []),
    ("make_classification(n_samples=500, n_features=8, n_informative=4)", []),
    ("make_classification()", []),
    ("make_regression(n_samples=50, n_features=3, noise=0.1)", []),
    ("make_regression(n_samples=40, n_features=6, n_targets=2)", []),
]


def answer(value):
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape)}
    if isinstance(value, (list, tuple)) and all(isinstance(v, np.ndarray) for v in value):
        return {"shapes": [list(v.shape) for v in value]}
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        return {"tuple": list(value)}
    if isinstance(value, (int, np.integer)):
        return {"int": int(value)}
    raise TypeError(f"unexpected result {value!r}")


def run(expression, env):
    try:
        return answer(eval(expression, env))  # noqa: S307 - our own fixed expressions
    except (ValueError, TypeError, IndexError, np.AxisError) as e:
        return {"error": type(e).__name__}


def main():
    cases = []
    for shape in SHAPES:
        x = np.zeros(shape, dtype=np.uint8)
        for expression in ARRAY_EXPRESSIONS:
            cases.append({"arrays": [list(shape)], "expression": expression, **run(expression, {"np": np, "x": x})})
    for expression, shapes in SKLEARN_EXPRESSIONS:
        env = {
            "np": np,
            "train_test_split": train_test_split,
            "make_circles": make_circles,
            "make_moons": make_moons,
            "make_blobs": make_blobs,
            "make_classification": make_classification,
            "make_regression": make_regression,
        }
        for name, shape in zip(["x", "y"], shapes):
            env[name] = np.zeros(shape)
        cases.append({"arrays": [list(s) for s in shapes], "expression": expression, **run(expression, env)})
    out = json.dumps(
        {"numpy": np.__version__, "sklearn": sklearn.__version__, "cases": cases}, indent=1
    )
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as f:
            f.write(out + "\n")
    else:
        print(out)


if __name__ == "__main__":
    main()
