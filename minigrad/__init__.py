"""minigrad: a from-scratch autograd engine on NumPy that mirrors PyTorch's API, graph and numbers.

``import minigrad`` gives the same names as ``import torch`` for what it implements: ``minigrad.tensor``,
``minigrad.nn``, ``minigrad.optim``, ``minigrad.autograd``, ``minigrad.no_grad``, ``minigrad.float32``...
"""

from minigrad import _dtype, autograd, nn, ops, optim
from minigrad._creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    initial_seed,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
    tensor,
    zeros,
    zeros_like,
)
from minigrad._dtype import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from minigrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.functional_api import (
    abs,
    add,
    allclose,
    argmax,
    argmin,
    cat,
    clamp,
    clip,
    div,
    dot,
    equal,
    exp,
    flatten,
    is_tensor,
    isnan,
    log,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    mul,
    neg,
    numel,
    pow,
    reciprocal,
    relu,
    reshape,
    round,
    sigmoid,
    sqrt,
    squeeze,
    stack,
    sub,
    sum,
    t,
    tanh,
    transpose,
    unsqueeze,
    where,
)
from minigrad.serialization import load, save
from minigrad.surface.conv import conv1d, conv2d
from minigrad.surface.normalization import layer_norm
from minigrad.surface.pooling import adaptive_avg_pool1d, avg_pool1d, max_pool1d, max_pool2d
from minigrad.tensor import Size, Tensor, matmul

__version__ = "0.1.0"
_ = _dtype

__all__ = [
    "Tensor", "Size", "dtype", "tensor", "as_tensor", "from_numpy", "zeros", "ones", "empty", "full", "zeros_like",
    "ones_like", "empty_like", "full_like", "arange", "linspace", "eye", "rand", "randn", "randint", "rand_like",
    "randn_like", "randperm", "manual_seed", "initial_seed", "seed", "float16", "float32", "float64", "half",
    "float", "double", "int8", "int16", "int32", "int64", "uint8", "short", "int", "long", "bool",
    "get_default_dtype", "set_default_dtype", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
    "matmul", "autograd", "nn", "optim", "ops", "abs", "cat", "clamp", "clip", "exp", "log", "max", "mean", "min",
    "relu", "sigmoid", "sqrt", "stack", "sum", "tanh", "transpose", "unsqueeze", "squeeze", "flatten", "reshape",
    "t", "mm", "dot", "round", "where", "allclose", "equal", "is_tensor", "numel", "argmax", "argmin", "isnan",
    "maximum", "minimum", "add", "sub", "mul", "div", "pow", "neg", "reciprocal",
    "save", "load",
    "conv1d", "conv2d", "layer_norm", "adaptive_avg_pool1d", "avg_pool1d", "max_pool1d", "max_pool2d",
]
