#!/usr/bin/env python3
"""Conformance grid for NormLens's torch.nn catalogue, answered by real PyTorch.

usage: /usr/bin/python3 tools/torch_conformance.py [OUT.json]   (stdout when OUT is left out)

For every module type of the NormLens torch catalogue, a grid of constructor arguments (mostly not
the defaults) is generated from the compact per-type tables below — each table row is a base, a set
of axes whose cartesian product is taken, and the inputs to run — and each case is built and run
forward (training mode, the default) on small random inputs. Per case the JSON records the
constructor's positional and keyword arguments, the input shapes, and PyTorch's answer: the
parameter and buffer element counts and the shape of the (first) output, or the error PyTorch raised
while constructing (`ctorError`) or running (`forwardError`) it.

Arguments this PyTorch does not accept (e.g. LayerNorm's `bias`, new in 2.1) are left out of the
grid and listed under `unsupported`; module types it does not have (RMSNorm before 2.4) likewise.
Deterministic: the same PyTorch gives the same file.
"""
import inspect
import itertools
import json
import os
import sys
import warnings

if os.environ.get("PYTHONHASHSEED") != "0":
    # Error messages that print sets must read the same on every run.
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})

import torch
import torch.nn as nn

warnings.filterwarnings("ignore")
torch.manual_seed(0)

TABLES = {}

# Arguments newer PyTorch added, with their default: where this PyTorch lacks one, a case giving it
# this value runs without it, and a case giving another value is left out.
NEW_ARG_DEFAULTS = {"bias": True}


def grid(name, base, axes, inputs, positional=None):
    """One table row: `base` kwargs, the cartesian product of `axes`, each run on every input.

    An input is a list of tensors; a tensor is a shape (float) or ("long", shape, high) for indices.
    `positional` names how many leading arguments go positionally (default: the required ones, in
    every other case all of them up to the last given one, in the signature's order).
    """
    TABLES.setdefault(name, []).append((base, axes, inputs, positional))


def F(*shape):
    return list(shape)


class TensorArg:
    """A tensor given to a constructor (a loss's class weights): positive values of this shape."""

    def __init__(self, *shape):
        self.shape = list(shape)

    def __eq__(self, other):
        return isinstance(other, TensorArg) and other.shape == self.shape

    def make(self):
        return torch.rand(*self.shape) + 0.5


def L(high, *shape):
    return ("long", list(shape), high)


def OFFSETS(n, step):
    return ("offsets", [n], step)


def TARGET(*shape):
    """A float target that does not require grad (losses refuse to differentiate some targets)."""
    return ("target", list(shape), None)


# --- linear ---------------------------------------------------------------------------------
grid("Linear", dict(in_features=5, out_features=3), dict(bias=[True, False]), [[F(2, 5)], [F(5)], [F(2, 4, 5)], [F(2, 4)]])
grid("LazyLinear", dict(out_features=3), dict(bias=[True, False]), [[F(2, 5)], [F(3, 2, 7)]])
grid("Bilinear", dict(in1_features=4, in2_features=5, out_features=3), dict(bias=[True, False]), [[F(2, 4), F(2, 5)], [F(3, 2, 4), F(3, 2, 5)], [F(2, 4), F(2, 6)], [F(2, 6), F(2, 5)]])
grid("Identity", {}, {}, [[F(2, 3)], [F(2, 3, 4, 5)]])

# --- convolutions -----------------------------------------------------------------------------
SPATIAL = {1: (9,), 2: (9, 8), 3: (7, 6, 5)}
SMALL = {1: (2,), 2: (2, 3), 3: (2, 2, 3)}


def tup(rank, *vals):
    return tuple(vals[:rank])


for r in (1, 2, 3):
    s = SPATIAL[r]
    base = dict(in_channels=4, out_channels=6)
    ins = [[F(2, 4, *s)], [F(4, *s)]]
    grid(f"Conv{r}d", base, dict(kernel_size=[1, 3, tup(r, 3, 2, 1)], stride=[1, 2, tup(r, 2, 1, 3)], padding=[0, 2, tup(r, 1, 0, 2), "same", "valid"], dilation=[1, tup(r, 2, 1, 2)]), ins)
    grid(f"Conv{r}d", dict(kernel_size=3), dict(in_channels=[4, 6], out_channels=[6, 4], groups=[1, 2, 3, 4], bias=[True, False]), [[F(2, 4, *s)], [F(2, 6, *s)]])
    grid(f"Conv{r}d", dict(base, kernel_size=3), dict(padding_mode=["zeros", "reflect", "replicate", "circular"], padding=[0, 1, 2, "same"], stride=[1, 2]), [[F(2, 4, *s)]])
    grid(f"Conv{r}d", dict(base, kernel_size=3), dict(padding=[0, "same"], dilation=[1, 4]), [[F(2, 4, *SMALL[r])], [F(2, 3, *s)], [F(2, 4)]])
    grid(f"Conv{r}d", dict(base, kernel_size=3), dict(padding=["full"], stride=[0]), [[F(2, 4, *s)]])
    tbase = dict(in_channels=4, out_channels=6)
    grid(f"ConvTranspose{r}d", tbase, dict(kernel_size=[1, 3, tup(r, 3, 2, 1)], stride=[1, 2, tup(r, 3, 1, 2)], padding=[0, 1, tup(r, 1, 0, 2)], output_padding=[0, 1], dilation=[1, 2]), [[F(2, 4, *SMALL[r])], [F(4, *SMALL[r])]])
    grid(f"ConvTranspose{r}d", dict(kernel_size=3), dict(in_channels=[4, 6], out_channels=[6, 4], groups=[1, 2, 3], bias=[True, False]), [[F(2, 4, *SMALL[r])], [F(2, 6, *SMALL[r])]])
    grid(f"ConvTranspose{r}d", dict(tbase, kernel_size=3), dict(padding_mode=["zeros", "reflect"], padding=[0, "same", "valid"]), [[F(2, 4, *SMALL[r])], [F(2, 5, *SMALL[r])]])
    grid(f"ConvTranspose{r}d", dict(tbase, kernel_size=2), dict(stride=[1, 2], padding=[0, 3]), [[F(2, 4, *SMALL[r])]])
    grid(f"LazyConv{r}d", dict(out_channels=6), dict(kernel_size=[1, 3], stride=[1, 2], padding=[0, 1, "same"], groups=[1, 2], bias=[True, False]), [[F(2, 4, *s)], [F(4, *s)]])
    grid(f"LazyConvTranspose{r}d", dict(out_channels=6), dict(kernel_size=[1, 3], stride=[1, 2], groups=[1, 2]), [[F(2, 4, *SMALL[r])], [F(4, *SMALL[r])]])

# --- pooling ----------------------------------------------------------------------------------
for r in (1, 2, 3):
    ins = [[F(2, 3, *SPATIAL[r])], [F(2, 3, *SMALL[r])]]
    unbatched = [[F(3, *SPATIAL[r])], [F(3, *SMALL[r])], [F(2, 3, *SPATIAL[r], 2)]]
    windows = dict(kernel_size=[2, 3, tup(r, 3, 2, 2)], stride=[None, 2, tup(r, 2, 3, 1)], padding=[0, 1, 2], ceil_mode=[False, True])
    grid(f"MaxPool{r}d", {}, dict(windows, dilation=[1, 2]), ins)
    grid(f"MaxPool{r}d", dict(kernel_size=2), dict(return_indices=[True], stride=[0, 2]), ins[:1] + unbatched)
    grid(f"AvgPool{r}d", {}, windows, ins)
    grid(f"AvgPool{r}d", dict(kernel_size=3, stride=2), dict(padding=[1], ceil_mode=[False, True], count_include_pad=[True, False]), ins + unbatched)
    for kind in ("Avg", "Max"):
        grid(f"Adaptive{kind}Pool{r}d", {}, dict(output_size=[1, 3, tup(r, 2, 5, 1), tup(r, None, 2, None)]), ins + unbatched)
    grid(f"LPPool{r}d", dict(norm_type=2), dict(kernel_size=[2, 3], stride=[None, 1], ceil_mode=[False, True]), ins)
    # MaxUnpool: indices all 0 are valid for every output size; indices of another shape are an error.
    unpool_ins = [[F(2, 3, *SMALL[r]), L(1, 2, 3, *SMALL[r])], [F(3, *SMALL[r]), L(1, 3, *SMALL[r])], [F(2, 3, *SMALL[r]), L(1, 2, 4, *SMALL[r])]]
    grid(f"MaxUnpool{r}d", {}, dict(kernel_size=[2, 3, tup(r, 3, 2, 2)], stride=[None, 1, 2], padding=[0, 1]), unpool_ins)

# --- normalization ----------------------------------------------------------------------------
BN_INPUTS = {
    1: [[F(2, 5)], [F(2, 5, 7)], [F(1, 5)], [F(1, 5, 1)], [F(2, 7, 5)], [F(2, 6)], [F(5)], [F(2, 5, 3, 3)]],
    2: [[F(2, 5, 3, 4)], [F(1, 5, 1, 1)], [F(1, 5, 2, 1)], [F(2, 6, 3, 4)], [F(5, 3, 4)], [F(2, 5, 3)]],
    3: [[F(2, 5, 3, 2, 2)], [F(1, 5, 1, 1, 1)], [F(2, 6, 3, 2, 2)], [F(5, 3, 2, 2)]],
}
for r in (1, 2, 3):
    grid(f"BatchNorm{r}d", dict(num_features=5), dict(affine=[True, False], track_running_stats=[True, False], momentum=[0.1, None]), BN_INPUTS[r])
    grid(f"LazyBatchNorm{r}d", {}, dict(affine=[True, False], track_running_stats=[True, False]), BN_INPUTS[r][:2])
    grid(f"InstanceNorm{r}d", dict(num_features=5), dict(affine=[False, True], track_running_stats=[False, True]), [[F(2, 5, *SPATIAL[r])], [F(5, *SPATIAL[r])], [F(2, 6, *SPATIAL[r])], [F(2, 5)]])
    # Batched only: on an unbatched input PyTorch 1.13 reads num_features from dim 1 (not the channels) and then fails.
    grid(f"LazyInstanceNorm{r}d", {}, dict(affine=[False, True], track_running_stats=[False, True]), [[F(2, 5, *SPATIAL[r])]])
grid("SyncBatchNorm", dict(num_features=5), dict(affine=[True, False], track_running_stats=[True, False]), [[F(2, 5, 3, 4)]])
grid("LayerNorm", {}, dict(normalized_shape=[4, (3, 4), (2, 3, 4), (4, 3)], elementwise_affine=[True, False], bias=[True, False]), [[F(2, 3, 4)], [F(4)]])
grid("GroupNorm", {}, dict(num_groups=[1, 2, 3, 6], num_channels=[6, 4], affine=[True, False]), [[F(2, 6, 5)], [F(2, 6)], [F(2, 4, 3, 3)]])
grid("RMSNorm", {}, dict(normalized_shape=[4, (3, 4)], elementwise_affine=[True, False]), [[F(2, 3, 4)]])
grid("LocalResponseNorm", dict(size=2), dict(alpha=[1e-4, 1e-2], k=[1, 2]), [[F(2, 5, 4)], [F(2, 5, 3, 3)], [F(2, 5)]])

# --- embeddings -------------------------------------------------------------------------------
grid("Embedding", dict(num_embeddings=10, embedding_dim=4), dict(padding_idx=[None, 0, -1, 9, 10, -11], max_norm=[None, 1.0]), [[L(10, 2, 5)], [L(10, 5)], [L(10, 2, 3, 4)]])
grid("EmbeddingBag", dict(num_embeddings=10, embedding_dim=4), dict(mode=["mean", "sum", "max"], max_norm=[None, 1.0]), [[L(10, 2, 5)], [L(10, 7), OFFSETS(3, 2)], [L(10, 7)], [L(10, 2, 3, 4)]])

# --- recurrent --------------------------------------------------------------------------------
RNN_INPUTS = [[F(5, 2, 3)], [F(5, 3)], [F(5, 2, 4)], [F(2, 5, 2, 3)]]
for name in ("RNN", "GRU", "LSTM"):
    axes = dict(num_layers=[1, 2], bias=[True, False], batch_first=[False, True], bidirectional=[False, True])
    if name == "LSTM":
        axes["proj_size"] = [0, 2, 4, 5]
    if name == "RNN":
        axes["nonlinearity"] = ["tanh", "relu"]
    grid(name, dict(input_size=3, hidden_size=4), axes, RNN_INPUTS)
    grid(name, dict(input_size=3, hidden_size=4), dict(num_layers=[0, 3], dropout=[0.0, 0.5]), RNN_INPUTS[:1])
grid("RNN", dict(input_size=3, hidden_size=4), dict(nonlinearity=["sigmoid"]), RNN_INPUTS[:1])
CELL_INPUTS = [[F(2, 3)], [F(3)], [F(2, 4)], [F(5, 2, 3)]]
for name in ("RNNCell", "GRUCell", "LSTMCell"):
    grid(name, dict(input_size=3, hidden_size=4), dict(bias=[True, False]), CELL_INPUTS)
grid("RNNCell", dict(input_size=3, hidden_size=4), dict(nonlinearity=["relu", "sigmoid"]), CELL_INPUTS[:1])

# --- transformer ------------------------------------------------------------------------------
grid(
    "MultiheadAttention",
    dict(embed_dim=8),
    dict(num_heads=[1, 2, 3], bias=[True, False], add_bias_kv=[False, True], add_zero_attn=[False, True], kdim=[None, 8, 5], vdim=[None, 6]),
    [[F(4, 2, 8), F(3, 2, 8), F(3, 2, 8)]],
)
grid("MultiheadAttention", dict(embed_dim=8, num_heads=2), dict(kdim=[None, 5], vdim=[None, 6], batch_first=[False, True]), [[F(4, 2, 8), F(3, 2, 5), F(3, 2, 6)], [F(4, 8), F(3, 5), F(3, 6)], [F(4, 2, 8), F(3, 2, 8), F(3, 2, 8)]])
grid("TransformerEncoderLayer", dict(d_model=8), dict(nhead=[1, 2, 3], dim_feedforward=[16, 8], norm_first=[False, True], batch_first=[False, True], bias=[True, False]), [[F(4, 2, 8)], [F(4, 8)], [F(4, 2, 6)]])
grid("TransformerDecoderLayer", dict(d_model=8), dict(nhead=[1, 2, 3], dim_feedforward=[16, 8], norm_first=[False, True], batch_first=[False, True], bias=[True, False]), [[F(4, 2, 8), F(5, 2, 8)], [F(4, 8), F(5, 8)], [F(4, 2, 6), F(5, 2, 6)], [F(4, 2, 8), F(5, 3, 8)]])
grid("Transformer", dict(d_model=8, nhead=2, dim_feedforward=16), dict(num_encoder_layers=[0, 1, 2], num_decoder_layers=[1, 3], batch_first=[False, True], bias=[True, False]), [[F(5, 2, 8), F(4, 2, 8)], [F(5, 8), F(4, 8)], [F(5, 2, 8), F(4, 3, 8)], [F(5, 2, 6), F(4, 2, 6)]])

# --- dropout and activations ------------------------------------------------------------------
for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout"):
    grid(name, {}, dict(p=[0.0, 0.5]), [[F(2, 3)], [F(2, 3, 4)], [F(2, 3, 4, 5)], [F(2, 3, 4, 5, 2)]])
    grid(name, {}, dict(p=[1.5]), [[F(2, 3, 4)]])
ACT_INPUTS = [[F(2, 3)], [F(2, 3, 4, 5)], [F(3)]]
ACTS = {
    "ReLU": dict(inplace=[False, True]),
    "ReLU6": dict(inplace=[False, True]),
    "LeakyReLU": dict(negative_slope=[0.01, 0.2]),
    "ELU": dict(alpha=[1.0, 0.5]),
    "SELU": {},
    "CELU": dict(alpha=[1.0, 2.0]),
    "GELU": dict(approximate=["none", "tanh", "cubic"]),
    "SiLU": {},
    "Mish": {},
    "Sigmoid": {},
    "Tanh": {},
    "Hardswish": {},
    "Hardsigmoid": {},
    "Hardtanh": dict(min_val=[-1.0, -2.0, 3.0], max_val=[1.0, 2.0]),
    "Softplus": dict(beta=[1, 2], threshold=[20, 5]),
    "Softmax": dict(dim=[None, 0, 1, -1, 4]),
    "LogSoftmax": dict(dim=[None, 1, -1, 4]),
    "Softmax2d": {},
    "Softmin": dict(dim=[None, 1, -1, 4]),
    "Softsign": {},
    "Tanhshrink": {},
}
for name, axes in ACTS.items():
    grid(name, {}, axes, ACT_INPUTS)
for name, axes in {"LogSigmoid": {}, "Softshrink": dict(lambd=[0.5, 1.0]), "Hardshrink": dict(lambd=[0.5]), "RReLU": dict(lower=[0.1], upper=[0.3]), }.items():
    grid(name, {}, axes, ACT_INPUTS)
# Its 1-D refusal depends on training mode and p (NormLens does not check it): inputs of 2 dims and more.
grid("FeatureAlphaDropout", {}, dict(p=[0.0, 0.5]), ACT_INPUTS[:2])
grid("Threshold", dict(threshold=0.1, value=20.0), {}, ACT_INPUTS)
grid("GLU", {}, dict(dim=[-1, 0, 1, 3]), [[F(2, 4)], [F(4, 6, 3, 2)], [F(3, 5)], [F(4)]])
grid("CosineSimilarity", {}, dict(dim=[1, 0, -1, 3]), [[F(2, 3), F(2, 3)], [F(2, 3, 4), F(1, 3, 4)], [F(5, 3), F(2, 3)], [F(3), F(3)]])
grid("PairwiseDistance", {}, dict(keepdim=[False, True], p=[2.0, 1.0]), [[F(2, 3), F(2, 3)], [F(2, 3, 4), F(1, 3, 4)], [F(3), F(3)]])
grid("PReLU", {}, dict(num_parameters=[1, 3, 4]), [[F(2, 3)], [F(2, 3, 4, 5)], [F(3)], [F(4)]])

# --- reshaping --------------------------------------------------------------------------------
grid("Flatten", {}, dict(start_dim=[0, 1, 2, -1, -3], end_dim=[-1, 2, 1, -2, 0]), [[F(2, 3, 4, 5)], [F(3)]])
grid("Unflatten", {}, dict(dim=[1, -1], unflattened_size=[(3, 4), (2, 6), (-1, 4), (5, -1), (2, 2, 3), (5, 3)]), [[F(2, 12)], [F(2, 12, 7)]])
grid("Upsample", {}, dict(size=[None, 6, (6, 7)], scale_factor=[None, 2, 1.5, (2, 3)], mode=["nearest", "linear", "bilinear"]), [[F(2, 3, 5)], [F(2, 3, 5, 4)]])
grid("Upsample", dict(scale_factor=2), dict(mode=["bicubic", "trilinear"], align_corners=[None, True]), [[F(2, 3, 5, 4)], [F(2, 3, 2, 2, 2)]])
grid("UpsamplingNearest2d", {}, dict(size=[None, 6, (6, 7)], scale_factor=[None, 2, 1.5]), [[F(2, 3, 5, 4)], [F(2, 3, 5)]])
grid("PixelShuffle", {}, dict(upscale_factor=[1, 2, 3]), [[F(2, 8, 3, 4)], [F(2, 18, 2, 2)], [F(8, 3, 4)], [F(2, 4, 2, 3, 4)], [F(8, 3)]])
grid("PixelUnshuffle", {}, dict(downscale_factor=[1, 2, 3]), [[F(2, 2, 6, 4)], [F(2, 3, 6, 6)], [F(2, 6, 4)], [F(2, 4, 2, 6, 6)], [F(8, 3)]])
PAD_INPUTS = {1: [[F(2, 3, 5)], [F(3, 5)], [F(2, 3, 4, 5)], [F(5)]], 2: [[F(2, 3, 4, 5)], [F(3, 4, 5)], [F(2, 3, 4)], [F(4, 5)], [F(2, 2, 3, 4, 5)]], 3: [[F(2, 3, 4, 5, 6)], [F(3, 4, 5, 6)], [F(2, 3, 4)], [F(1, 2, 2, 3, 4, 5)]]}
PADS = {1: [1, 3, (1, 2), (-1, 2), (4, 0)], 2: [1, 3, (1, 2, 0, 3), (-1, 0, 2, -2)], 3: [1, (1, 2, 0, 3, 2, 1), (-1, 0, 2, -2, 1, 1)]}
for r in (1, 2, 3):
    for kind in ("ZeroPad", "ReflectionPad", "ReplicationPad"):
        grid(f"{kind}{r}d", {}, dict(padding=PADS[r]), PAD_INPUTS[r])
    grid(f"ConstantPad{r}d", dict(value=0.5), dict(padding=PADS[r]), PAD_INPUTS[r])
grid("ChannelShuffle", {}, dict(groups=[1, 2, 3]), [[F(2, 6, 3, 3)], [F(2, 6, 4)], [F(2, 6)], [F(2, 4, 3, 3)]])
grid("Unfold", dict(kernel_size=2), dict(stride=[1, 2], padding=[0, 1], dilation=[1, 2]), [[F(2, 3, 5, 6)], [F(3, 5, 6)], [F(2, 3, 1, 1)]])
grid("Unfold", {}, dict(kernel_size=[(2, 3), 3], stride=[(1, 2)]), [[F(2, 3, 7, 8)]])
grid("Fold", dict(output_size=(4, 5), kernel_size=2), dict(stride=[1, 2], padding=[0, 1]), [[F(2, 12, 12)], [F(2, 12, 6)], [F(12, 12)], [F(2, 10, 12)], [F(2, 12, 30)], [F(2, 12, 20)]])
grid("UpsamplingBilinear2d", {}, dict(size=[None, 6, (6, 7)], scale_factor=[None, 2, 1.5]), [[F(2, 3, 5, 4)], [F(2, 3, 5)]])

# --- losses -----------------------------------------------------------------------------------
for name in ("L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "SoftMarginLoss", "KLDivLoss", "PoissonNLLLoss"):
    grid(name, {}, dict(reduction=["mean", "sum", "none"]), [[F(2, 3), TARGET(2, 3)], [F(4), TARGET(4)], [F(2, 3), TARGET(3, 2)]])
grid("BCEWithLogitsLoss", {}, dict(reduction=["mean", "none"]), [[F(2, 3), F(2, 3)]])
grid("BCEWithLogitsLoss", dict(pos_weight=TensorArg(3)), dict(weight=[None, TensorArg(2, 3)]), [[F(2, 3), F(2, 3)]])
grid("CrossEntropyLoss", {}, dict(reduction=["mean", "sum", "none"], label_smoothing=[0.0, 0.1]), [[F(4, 5), L(5, 4)], [F(4, 5, 3), L(5, 4, 3)], [F(4, 5), F(4, 5)]])
grid("CrossEntropyLoss", dict(weight=TensorArg(5)), dict(ignore_index=[-100, 0]), [[F(4, 5), L(5, 4)]])
grid("NLLLoss", {}, dict(reduction=["mean", "none"], weight=[None, TensorArg(5)]), [[F(4, 5), L(5, 4)], [F(4, 5, 2, 2), L(5, 4, 2, 2)]])
grid("MultiLabelSoftMarginLoss", {}, dict(weight=[None, TensorArg(3)]), [[F(2, 3), F(2, 3)]])
grid("MultiMarginLoss", {}, dict(weight=[None, TensorArg(3)]), [[F(2, 3), L(3, 2)]])
grid("BCELoss", {}, dict(weight=[None, TensorArg(2, 3)]), [[F(2, 3), F(2, 3)]])
grid("GaussianNLLLoss", {}, dict(full=[False, True]), [[F(2, 3), F(2, 3), F(2, 3)]])
for name in ("CosineEmbeddingLoss", "MarginRankingLoss"):
    grid(name, {}, dict(margin=[0.0, 0.5]), [[F(2, 3), F(2, 3), F(2, 3)]])
grid("HingeEmbeddingLoss", {}, dict(margin=[1.0]), [[F(2, 3), F(2, 3)]])
grid("TripletMarginLoss", {}, dict(margin=[1.0], swap=[False, True]), [[F(2, 3), F(2, 3), F(2, 3)]])
grid("CTCLoss", {}, dict(blank=[0], zero_infinity=[False, True]), [[F(5, 2, 4), L(4, 2, 3)]])

# --- containers -------------------------------------------------------------------------------
grid("Sequential", {}, {}, [[F(2, 3)]])
grid("ModuleList", {}, {}, [[F(2, 3)]])
grid("ModuleDict", {}, {}, [[F(2, 3)]])


def make_input(t):
    if isinstance(t, tuple):
        kind, shape, high = t
        # offsets of an EmbeddingBag: increasing, from 0
        if kind == "target":
            return torch.randn(*shape)
        return torch.arange(shape[0]) * high if kind == "offsets" else torch.randint(0, high, shape)
    # As an activation inside a model in training: it requires grad (PyTorch picks other kernels
    # without grad, e.g. max_pool1d then returns empty outputs where it otherwise raises).
    return torch.randn(*t, requires_grad=True) * 1  # not a leaf: in-place modules may write to it


def jsonable(v):
    if isinstance(v, TensorArg):
        return {"tensor": v.shape}
    return list(v) if isinstance(v, tuple) else v


def made(v):
    return v.make() if isinstance(v, TensorArg) else v


def numel(tensors):
    return sum(t.numel() for t in tensors if t is not None)


def run_case(cls, args, kwargs, inputs):
    out = {}
    try:
        m = cls(*[made(a) for a in args], **{k: made(v) for k, v in kwargs.items()})
    except Exception as e:  # noqa: BLE001 — the error is the answer
        out["ctorError"] = f"{type(e).__name__}: {e}".split("\n")[0][:160]
        return out
    try:
        m(*[make_input(t) for t in inputs])  # materialise lazy modules
    except Exception:  # noqa: BLE001
        pass
    out["params"] = numel(p for p in m.parameters() if not isinstance(p, nn.parameter.UninitializedParameter))
    out["buffers"] = numel(b for b in m.buffers() if not isinstance(b, nn.parameter.UninitializedBuffer))
    try:
        y = m(*[make_input(t) for t in inputs])
        if isinstance(y, tuple):
            y = y[0]
        out["outputShape"] = list(y.shape)
    except Exception as e:  # noqa: BLE001
        msg = f"{type(e).__name__}: {e}".split("\n")[0][:160]
        # SyncBatchNorm runs on GPUs only: no shape to compare on this machine.
        out["forwardSkipped" if "expected input tensor to be on GPU" in msg else "forwardError"] = msg
    return out


def signature_names(cls):
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def main():
    cases, unsupported = [], []
    for name, rows in TABLES.items():
        cls = getattr(nn, name, None)
        if cls is None:
            unsupported.append({"type": name, "reason": f"torch {torch.__version__} has no nn.{name}"})
            continue
        order = signature_names(cls)
        sig = inspect.signature(cls.__init__).parameters
        accepts_kwargs = any(p.kind == p.VAR_KEYWORD for p in sig.values())
        required = [n for n, p in list(sig.items())[1:] if p.default is inspect.Parameter.empty and p.kind == p.POSITIONAL_OR_KEYWORD]
        for base, axes, inputs, _ in rows:
            keys = list(axes)
            for combo in itertools.product(*(axes[k] for k in keys)):
                kw = dict(base, **dict(zip(keys, combo)))
                for k in [k for k in kw if k not in sig and not accepts_kwargs and NEW_ARG_DEFAULTS.get(k, object()) == kw[k]]:
                    del kw[k]
                dropped = sorted(k for k in kw if k not in sig and not accepts_kwargs)
                if dropped:
                    for k in dropped:
                        rec = {"type": name, "reason": f"torch {torch.__version__} nn.{name} takes no `{k}`"}
                        if rec not in unsupported:
                            unsupported.append(rec)
                    continue
                for inp in inputs:
                    # Alternate: required arguments positionally, or every argument up to the last
                    # one given positionally (the catalogue's positional order is under test too).
                    n = len(cases)
                    if order is not None and n % 2 == 1:
                        given = [i for i, a in enumerate(order) if a in kw]
                        npos = max(given) + 1 if given else 0
                    else:
                        npos = len([a for a in required if a in kw])
                    pos_names = (order or required)[:npos]
                    args = [kw[a] if a in kw else sig[a].default for a in pos_names]
                    if not all(a is None or isinstance(a, (int, float, str, tuple)) for a in args):
                        pos_names = [a for a in required if a in kw]
                        args = [kw[a] for a in pos_names]
                    kwargs = {k: v for k, v in kw.items() if k not in pos_names}
                    case = {
                        "type": name,
                        "args": [jsonable(a) for a in args],
                        "kwargs": {k: jsonable(v) for k, v in kwargs.items()},
                        "inputs": [{"shape": t[1], "dtype": t[0]} if isinstance(t, tuple) else {"shape": t} for t in inp],
                    }
                    case.update(run_case(cls, args, kwargs, inp))
                    cases.append(case)
    doc = {"torch": torch.__version__, "unsupported": unsupported, "cases": cases}
    text = json.dumps(doc, indent=None, separators=(",", ":"))
    text = text.replace('{"type"', '\n{"type"')
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
