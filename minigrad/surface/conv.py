"""``conv1d`` / ``conv2d``: torch's argument checks and messages, then one ``Convolution`` node."""

from __future__ import annotations

import warnings
from typing import Any

from minigrad._tensor_base import TensorBase
from minigrad.ops.conv import Convolution
from minigrad.ops.shape import SqueezeDim, Unsqueeze

__all__ = ["conv1d", "conv2d", "pair", "single", "same_padding"]


def _tuple(v: Any, n: int, name: str) -> tuple[int, ...]:
    if isinstance(v, int):
        return (int(v),) * n
    t = tuple(int(i) for i in v)
    if len(t) == 1:
        return t * n
    if len(t) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={list(t)}")
    return t


def pair(v: Any, name: str = "stride") -> tuple[int, int]:
    a, b = _tuple(v, 2, name)
    return a, b


def single(v: Any, name: str = "stride") -> tuple[int]:
    (a,) = _tuple(v, 1, name)
    return (a,)


def same_padding(kernel: tuple[int, ...], dilation: tuple[int, ...]) -> tuple[int, ...]:
    """'same': a total of d·(k − 1) per dim, the odd one out on the right/bottom (as torch pads), as
    (before, after) pairs flattened."""
    out: list[int] = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        out += [total // 2, total - total // 2]
    return tuple(out)


def _conv(input: Any, weight: Any, bias: Any, stride: Any, padding: Any, dilation: Any, groups: int,
          nd: int) -> Any:
    name = f"conv{nd}d"
    for arg, what in ((input, "input"), (weight, "weight")):
        if not isinstance(arg, TensorBase):
            raise TypeError(f"{name}() argument '{what}' must be Tensor, not {type(arg).__name__}")
    x, w = input._data, weight._data
    if w.ndim < 3:
        raise RuntimeError("weight should have at least three dimensions")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(x.shape)}")
    if w.ndim != nd + 2:
        raise RuntimeError(f"Expected {nd + 2}-dimensional input for {nd + 2}-dimensional weight {list(w.shape)}, "
                           f"but got {x.ndim}-dimensional input of size {list(x.shape)} instead")
    st = _tuple(stride, nd, "stride")
    dil = _tuple(dilation, nd, "dilation")
    if any(s <= 0 for s in st):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dil):
        raise RuntimeError("dilation should be greater than zero")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    kernel = tuple(w.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads: tuple[int, ...] = (0,) * (2 * nd)
        elif padding == "same":
            if any(s != 1 for s in st):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = same_padding(kernel, dil)
            if any((d * (k - 1)) % 2 for k, d in zip(kernel, dil)):
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                              "zero-padded copy of the input be created", UserWarning, stacklevel=3)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        p = _tuple(padding, nd, "padding")
        if any(v < 0 for v in p):
            raise RuntimeError("negative padding is not supported")
        pads = tuple(v for q in p for v in (q, q))
    batched = x.ndim == nd + 2
    shape = x.shape if batched else (1, *x.shape)
    if w.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {list(w.shape)} instead")
    if shape[1] != w.shape[1] * groups or w.shape[0] % groups:
        if w.shape[0] % groups:
            raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                               f"but got weight of size {list(w.shape)} instead")
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected input{list(shape)} to "
                           f"have {w.shape[1] * groups} channels, but got {shape[1]} channels instead")
    if bias is not None:
        if not isinstance(bias, TensorBase):
            raise TypeError(f"{name}() argument 'bias' must be Tensor, not {type(bias).__name__}")
        if bias._data.ndim != 1 or bias._data.shape[0] != w.shape[0]:
            raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be 1-dimensional with "
                               f"{w.shape[0]} elements, but got bias of size {list(bias._data.shape)} instead")
    padded = [shape[2 + i] + pads[2 * i] + pads[2 * i + 1] for i in range(nd)]
    eff = [dil[i] * (kernel[i] - 1) + 1 for i in range(nd)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input size")
    for t in (weight, bias):
        if t is not None and t._data.dtype != x.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype.scalar_name} but found {t.dtype.scalar_name}")
    if not batched:
        input = Unsqueeze.apply(input, 0)
    if nd == 1:
        out = Convolution.apply(input, weight, bias, (1, st[0]), (0, 0, *pads), (1, dil[0]), groups, True)
    else:
        out = Convolution.apply(input, weight, bias, st, pads, dil, groups, False)
    return out if batched else SqueezeDim.apply(out, 0)


def conv1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
           groups: int = 1) -> Any:
    """1-d convolution over (N, C, L) or (C, L) input, weight (O, C/groups, K)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
           groups: int = 1) -> Any:
    """2-d convolution over (N, C, H, W) or (C, H, W) input, weight (O, C/groups, KH, KW)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2)
