"""minigrad: a from-scratch autograd engine on NumPy that mirrors PyTorch's API, graph and numbers.

``import minigrad`` gives the same names as ``import torch`` for what it implements: ``minigrad.tensor``,
``minigrad.nn``, ``minigrad.optim``, ``minigrad.autograd``, ``minigrad.no_grad``, ``minigrad.float32``...
"""

import typing as _typing

if _typing.TYPE_CHECKING:  # (named in the from_numpy cast below; kept out of the package's namespace)
    from collections.abc import Callable

    import numpy as np

from minigrad import _dtype, autograd, linalg, nn, ops, optim, utils
from minigrad._device_api import device, get_default_device, set_default_device
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
from minigrad._tensor import Size, Tensor
from minigrad._tensor.factories import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from minigrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.autograd.inference_mode import inference_mode
from minigrad.compiler import compile
from minigrad.random import Generator, get_rng_state, set_rng_state
from minigrad.serialization import load, save
from minigrad.surface.activation import log_softmax_dim_required as log_softmax
from minigrad.surface.activation import softmax_dim_required as softmax
from minigrad.surface.arithmetic import matmul
from minigrad.surface.batched import baddbmm, bmm, einsum, ger, matrix_power, outer
from minigrad.surface.conv import conv1d, conv2d
from minigrad.surface.creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
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
from minigrad.surface.creation import (
    from_numpy as _from_numpy,
)
from minigrad.surface.functional import (
    abs,
    add,
    allclose,
    argmax,
    argmin,
    cat,
    clamp,
    clip,
    div,
    divide,
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
from minigrad.surface.math import (
    acos,
    arccos,
    arcsin,
    arctan,
    arctan2,
    asin,
    atan,
    atan2,
    ceil,
    cos,
    cosh,
    erf,
    exp2,
    expm1,
    fix,
    floor,
    floor_divide,
    fmod,
    frac,
    log1p,
    log2,
    log10,
    logit,
    remainder,
    rsqrt,
    sign,
    sin,
    sinh,
    square,
    tan,
    true_divide,
    trunc,
)
from minigrad.surface.normalization import layer_norm
from minigrad.surface.pooling import adaptive_avg_pool1d, avg_pool1d, max_pool1d, max_pool2d
from minigrad.surface.random import bernoulli, multinomial, normal
from minigrad.surface.selection import (
    argsort,
    chunk,
    gather,
    index_select,
    masked_fill,
    masked_select,
    scatter,
    scatter_add,
    sort,
    split,
    tile,
    topk,
    tril,
    triu,
)
from minigrad.surface.stats import (
    all,
    amax,
    amin,
    any,
    cumprod,
    cumsum,
    logsumexp,
    norm,
    prod,
    std,
    std_mean,
    var,
    var_mean,
)

# from_numpy is layer 4, typed with TensorBase (layer 4 may not import Tensor); what it returns at run time is a
# Tensor, the class the core registers with autograd. This cast says so to type checkers of user code (the seed
# examples declare torch.Tensor); it is the same function object.
from_numpy = _typing.cast("Callable[[np.ndarray], Tensor]", _from_numpy)

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
    "maximum", "minimum", "add", "sub", "mul", "div", "divide", "pow", "neg", "reciprocal",
    "save", "load", "compile",
    "Generator", "get_rng_state", "set_rng_state",
    "utils", "device", "set_default_device", "get_default_device", "inference_mode", "FloatTensor",
    "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
    "softmax", "log_softmax",
    # ops14: elementwise math, reductions, selection/batched ops, random factories
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh",
    "exp2", "expm1", "log2", "log10", "log1p", "rsqrt", "square", "sign", "floor", "ceil", "trunc", "fix", "frac",
    "erf", "logit", "true_divide", "floor_divide", "remainder", "fmod", "prod", "var", "std", "var_mean",
    "std_mean", "norm", "logsumexp", "cumsum", "cumprod", "amax", "amin", "all", "any", "gather", "scatter",
    "scatter_add", "index_select", "masked_fill", "masked_select", "topk", "sort", "argsort", "tile", "chunk",
    "split", "tril", "triu", "bmm", "baddbmm", "einsum", "matrix_power", "outer", "ger", "normal", "bernoulli",
    "multinomial", "linalg",
    "conv1d", "conv2d", "layer_norm", "adaptive_avg_pool1d", "avg_pool1d", "max_pool1d", "max_pool2d",
]
