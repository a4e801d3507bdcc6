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

/**
 * timm's size and initialisation helpers (`timm.layers`, formerly `timm.models.layers`):
 * `to_2tuple(224)` is `(224, 224)`; `trunc_normal_(p, std=.02)` fills `p` in place and returns it,
 * changing no size (PVT, Swin, CvT and most vision transformers written on timm).
 */
export const timmLayerHelpers = String.raw`# timm.layers' helpers as NormLens reads them: an iterable becomes a tuple of its items, anything
# else a tuple of n copies of it; an initialiser returns its tensor, whose size it never changes.


def _ntuple(n):
    def parse(x):
        if isinstance(x, (list, tuple)):
            return tuple(x)
        return tuple([x] * n)

    return parse


to_1tuple = _ntuple(1)
to_2tuple = _ntuple(2)
to_3tuple = _ntuple(3)
to_4tuple = _ntuple(4)
to_ntuple = _ntuple


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    return tensor


def trunc_normal_tf_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    return tensor


def lecun_normal_(tensor):
    return tensor


def variance_scaling_(tensor, scale=1.0, mode="fan_in", distribution="normal"):
    return tensor
`;

/** `typing.cast(T, v)` returns `v` unchanged (a hint for type checkers only). */
export const typingHelpers = String.raw`# typing.cast as NormLens reads it: the value, unchanged.


def cast(typ, val):
    return val
`;

/**
 * `dataclasses.field(…)` keeps its options for the `@dataclass` that owns it to read
 * (src/core/python/evaluator/dataclasses.ts): its default, its factory, whether `__init__` takes it.
 */
export const dataclassHelpers = String.raw`# dataclasses.field as NormLens reads it: the options, which @dataclass reads.


class _MISSING_TYPE:
    pass


MISSING = _MISSING_TYPE()


class Field:
    def __init__(self, default, default_factory, init, kw_only):
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.kw_only = kw_only


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None,
          compare=True, metadata=None, kw_only=MISSING):
    return Field(default, default_factory, init, kw_only)
`;
