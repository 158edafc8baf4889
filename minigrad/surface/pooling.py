"""Pooling functions (torch.nn.functional's names): checks and torch's messages, then the ops."""

from __future__ import annotations

from typing import Any

from minigrad._tensor_base import TensorBase, wrap
from minigrad.ops.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, pool_out_size
from minigrad.ops.reduction import MeanDim
from minigrad.ops.shape import SqueezeDim, Unsqueeze

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d"]


def _ints(v: Any, n: int) -> tuple[int, ...]:
    if isinstance(v, int):
        return (int(v),) * n
    t = tuple(int(i) for i in v)
    return t * n if len(t) == 1 else t


def _geometry(x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
              ceil_mode: bool) -> tuple[tuple[int, int], ...]:
    k = _ints(kernel_size, 2)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _ints(stride, 2)
    p, d = _ints(padding, 2), _ints(dilation, 2)
    if any(v == 0 for v in s):
        raise RuntimeError("stride should not be zero")
    for i in range(2):
        if p[i] > (d[i] * (k[i] - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p[i]}, "
                               f"kernel_size={k[i]} and dilation={d[i]}")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:  # (the kernel of max_pool2d_with_indices / avg_pool2d)
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {p[1]}, "
                           f"padH = {p[0]}, kW = {k[1]}, kH = {k[0]}")
    h, w = x.shape[-2:]
    out = (pool_out_size(h, k[0], s[0], p[0], d[0], ceil_mode), pool_out_size(w, k[1], s[1], p[1], d[1], ceil_mode))
    if out[0] < 1 or out[1] < 1:
        c = x.shape[-3]
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{out[0]}x{out[1]}). "
                           "Output size is too small")
    return (k[0], k[1]), (s[0], s[1]), (p[0], p[1]), (d[0], d[1]), out


def _length(v: Any) -> int | None:
    """How many ints a size argument lists (None for a single int or anything unsized)."""
    if isinstance(v, int) or v is None:
        return None
    try:
        return len(v)
    except TypeError:
        return None


def _check_sizes(name: str, args: tuple[tuple[str, Any, tuple[int, ...], str], ...]) -> None:
    """torch's refusal of a size argument listing the wrong number of ints: (argument, value, lengths allowed,
    message with {n} for the length given)."""
    for arg, v, allowed, message in args:
        n = _length(v)
        if n is not None and n not in allowed:
            raise RuntimeError(message.format(name=name, arg=arg, n=n))


_TWO = "{name}: {arg} must either be a single int, or a tuple of two ints"


def _check_2d(name: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any = 1) -> None:
    _check_sizes(name, (("kernel_size", kernel_size, (1, 2), _TWO),
                        ("stride", stride, (0, 1, 2), "{name}: stride must either be omitted, a single int, or a tuple "
                                                      "of two ints"),
                        ("padding", padding, (1, 2), _TWO),
                        ("dilation", dilation, (1, 2), "{name}: dilation must be either a single int, or a tuple of "
                                                       "two ints")))


def _check(input: Any, name: str, dims: tuple[int, ...], message: str) -> None:
    if not isinstance(input, TensorBase):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input._data.ndim not in dims or 0 in input._data.shape[1:]:
        raise RuntimeError(message.format(shape=list(input._data.shape)))


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over each window of the last two dims (``MaxPool2DWithIndicesBackward0``); with ``return_indices``
    also the int64 argmax of each window as a flat index into its input plane."""
    _check_2d("max_pool2d", kernel_size, stride, padding, dilation)
    _check(input, "max_pool2d", (3, 4), "non-empty 3D or 4D (batch mode) tensor expected for input")
    k, s, p, d, out = _geometry(input._data, kernel_size, stride, padding, dilation, ceil_mode)
    box: list[Any] | None = [] if return_indices else None  # (the op puts the argmax indices in it)
    y = MaxPool2d.apply(input, k, s, p, d, out, box)
    return (y, wrap(box[0])) if box is not None else y


def max_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """max_pool2d over (…, 1, L), as torch computes it (unsqueeze, 2-d pool, squeeze)."""
    _check(input, "max_pool1d", (2, 3), "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
           "batch size for input, but got:{shape}")
    _check_sizes("max_pool1d", (
        ("kernel_size", kernel_size, (1,), "{name}() {arg} must be an int, list of ints or tuple of ints of size 1 but "
                                           "got size {n}"),
        ("stride", stride, (0, 1), "{name}() {arg} must be None, an int, list of ints, or tuple of ints of size 1 but "
                                   "got size {n}"),
        ("padding", padding, (1,), "{name}() {arg} must be an int, list of ints, or tuple of ints of size 1 but got "
                                   "size {n}"),
        ("dilation", dilation, (1,), "{name}() {arg} must be an int, list of ints or tuple of ints of size 1 but got "
                                     "size {n}")))
    if _length(stride) == 0:
        stride = None  # (an empty stride is the kernel size)
    k, p = _ints(kernel_size, 1)[0], _ints(padding, 1)[0]
    if not return_indices and p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    one = lambda v: (1, *_ints(v, 1)) if v is not None else None
    res = max_pool2d(Unsqueeze.apply(input, -2), one(kernel_size), one(stride) if stride is not None else None,
                     (0, _ints(padding, 1)[0]), one(dilation), ceil_mode, return_indices)
    if return_indices:
        y, idx = res
        return SqueezeDim.apply(y, -2), wrap(idx._data[..., 0, :])
    return SqueezeDim.apply(res, -2)


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Any:
    """Mean over each window (``AvgPool2DBackward0``); padding counts in the divisor if ``count_include_pad``."""
    _check_2d("avg_pool2d", kernel_size, stride, padding)
    _check(input, "avg_pool2d", (3, 4), "non-empty 3D or 4D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    k, s, p, _, out = _geometry(input._data, kernel_size, stride, padding, 1, ceil_mode)
    return AvgPool2d.apply(input, k, s, p, out, count_include_pad, divisor_override)


def avg_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Any:
    """avg_pool2d over (…, 1, L) (unsqueeze, 2-d pool, squeeze, as torch)."""
    one = "{name}() argument '{arg}' should contain one int (got {n})"
    _check_sizes("avg_pool1d", (("kernel_size", kernel_size, (1,), one), ("stride", stride, (0, 1), one),
                                ("padding", padding, (1,), one)))
    if _length(stride) == 0:
        stride = None  # (an empty stride is the kernel size)
    _check(input, "avg_pool1d", (2, 3), "non-empty 2D or 3D (batch mode) tensor expected for input")
    st = None if stride is None else (1, *_ints(stride, 1))
    y = avg_pool2d(Unsqueeze.apply(input, -2), (1, *_ints(kernel_size, 1)), st, (0, _ints(padding, 1)[0]),
                   ceil_mode, count_include_pad)
    return SqueezeDim.apply(y, -2)


def adaptive_avg_pool2d(input: Any, output_size: Any) -> Any:
    """Mean over windows [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉) (``AdaptiveAvgPool2DBackward0``); to 1×1 it is a mean over the
    last two dims (``MeanBackward1``), as torch computes it."""
    _check_sizes("adaptive_avg_pool2d", (("output_size", output_size, (2,), "{name}: output_size must be 2"),))
    _check(input, "adaptive_avg_pool2d", (3, 4), "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {shape}")
    h, w = input._data.shape[-2:]
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    out = (h if size[0] is None else int(size[0]), w if size[1] is None else int(size[1]))
    if out == (1, 1):
        nd = input._data.ndim
        return MeanDim.apply(input, (nd - 2, nd - 1), True)
    return AdaptiveAvgPool2d.apply(input, out)


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Any:
    """adaptive_avg_pool2d over (…, 1, L)."""
    _check_sizes("adaptive_avg_pool1d", (("output_size", output_size, (1,), "{name}() argument '{arg}' should "
                                                                           "contain one int (got {n})"),))
    _check(input, "adaptive_avg_pool1d", (2, 3), "adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got {shape}")
    n = output_size if isinstance(output_size, int) else output_size[0]
    y = AdaptiveAvgPool2d.apply(Unsqueeze.apply(input, -2), (1, int(n)))
    return SqueezeDim.apply(y, -2)
