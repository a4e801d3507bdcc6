// Small library helpers that model code imports for sizes, as Python the interpreter runs: what the
// library documents them to return, written for NormLens (not the libraries' code).

/** `torch.nn.modules.utils`: `_pair(3)` is `(3, 3)`, `_pair((3, 5))` is `(3, 5)` (PyTorch's `_ntuple`). */
export const torchModuleUtils = String.raw`# torch.nn.modules.utils as NormLens reads it: an iterable becomes a tuple of its items, anything
# else a tuple of n copies of it.


def _ntuple(n, name="parse"):
    def parse(x):
        if isinstance(x, (list, tuple, str)):
            return tuple(x)
        return tuple([x] * n)

    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")
`;

/** `typing.cast(T, v)` returns `v` unchanged (a hint for type checkers only). */
export const typingHelpers = String.raw`# typing.cast as NormLens reads it: the value, unchanged.


def cast(typ, val):
    return val
`;
