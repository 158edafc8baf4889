"""Reductions: sum, mean, max, min (whole tensor or along dims)."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from minigrad.autograd.function import Function

__all__ = ["Sum", "SumDim", "Mean", "MeanDim", "MaxAll", "MinAll", "MaxDim", "MinDim", "normalize_dims"]


def normalize_dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """Dims as a tuple of non-negative ints; IndexError like torch for a dim out of range, TypeError for a
    dim that is not an int (or an integer scalar such as a 0-d int tensor)."""
    dims = (dim,) if isinstance(dim, int) else tuple(dim) if isinstance(dim, tuple | list) else (_as_dim(dim),)
    out = []
    rank = max(ndim, 1)
    for d in dims:
        if type(d) is not int:
            d = _as_dim(d)
        if not -rank <= d < rank:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {d})"
            )
        out.append(d % rank)
    if len(out) > 1 and len(set(out)) < len(out):  # (after every dim's range check, as torch's reductions)
        raise RuntimeError(f"dim {next(d for i, d in enumerate(out) if d in out[:i])} appears multiple times in the "
                           "list of dims")
    return tuple(out)


def _as_dim(d: Any) -> int:
    try:
        return operator.index(d)
    except TypeError:
        raise TypeError(f"dim must be an int or a tuple of ints, not {type(d).__name__}") from None


def _expand(grad: np.ndarray, shape: tuple[int, ...], dims: tuple[int, ...], keepdim: bool) -> np.ndarray:
    """Broadcast the gradient of a reduction back over the reduced dims (a view, no copy)."""
    if not keepdim and dims and len(shape):
        grad = np.expand_dims(grad, dims)
    return np.broadcast_to(grad, shape)


def _in_dtype(ctx: Any, x: np.ndarray, dtype: np.dtype | None) -> tuple[np.ndarray, Any]:
    """The input of a sum and the dtype it is summed in: ``dtype`` when given (torch casts the input first, and
    int32 stays int32; an integer one for an input that needs a gradient is torch's error), else int64 for bool
    and integer inputs (torch's accumulation) and x's own otherwise."""
    if dtype is None:
        return x, (np.int64 if x.dtype.kind in "biu" else None)
    if ctx.next_functions and dtype.kind != "f":  # (recording: the result would need a gradient)
        from minigrad._dtype import from_numpy_dtype

        raise RuntimeError(f"Autograd not support dtype: {from_numpy_dtype(dtype).scalar_name}")
    return x.astype(dtype, copy=False), dtype


class Sum(Function):
    """y = Σ x.   dL/dx = dL/dy broadcast to x's shape."""

    node_name = "SumBackward0"
    formula = "dL/dx = dL/dy · 1 (broadcast)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dtype=None):  # type: ignore[no-untyped-def]
        ctx.shape = x.shape
        x, dt = _in_dtype(ctx, x, dtype)
        return np.asarray(x.sum(dtype=dt))

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        return np.broadcast_to(grad, ctx.shape)


class SumDim(Function):
    """y = Σ over ``dims`` of x.   dL/dx = dL/dy broadcast back over ``dims``."""

    node_name = "SumBackward1"
    formula = "dL/dx = dL/dy · 1 (broadcast over the summed dims)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype=None):  # type: ignore[no-untyped-def]
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        x, dt = _in_dtype(ctx, x, dtype)
        return np.asarray(x.sum(axis=dims if x.ndim else None, keepdims=keepdim, dtype=dt))

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        return _expand(grad, ctx.shape, ctx.dims, ctx.keepdim)


def _mean_input(x: np.ndarray, dtype: np.dtype | None) -> np.ndarray:
    """The input of a mean, in ``dtype`` when given; torch's error unless the dtype it averages in is floating."""
    kind = (x.dtype if dtype is None else dtype).kind
    if kind != "f":
        from minigrad._dtype import from_numpy_dtype

        which = "Input" if dtype is None else "Optional"
        raise RuntimeError(
            f"mean(): could not infer output dtype. {which} dtype must be either a floating point or complex dtype. "
            f"Got: {from_numpy_dtype(x.dtype if dtype is None else dtype).scalar_name}"
        )
    return x if dtype is None else x.astype(dtype, copy=False)


class Mean(Function):
    """y = (1/n) Σ x.   dL/dx = dL/dy / n, broadcast to x's shape."""

    node_name = "MeanBackward0"
    formula = "dL/dx = dL/dy / n"
    array_api = True

    @staticmethod
    def forward(ctx, x, dtype=None):  # type: ignore[no-untyped-def]
        x = _mean_input(x, dtype)
        ctx.shape = x.shape
        return np.asarray(x.mean())

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        n = max(int(np.prod(ctx.shape)), 1) if ctx.shape else 1
        return np.broadcast_to(grad / n, ctx.shape)


class MeanDim(Function):
    """y = mean over ``dims`` of x.   dL/dx = dL/dy / n (n = number of reduced elements), broadcast back."""

    node_name = "MeanBackward1"
    formula = "dL/dx = dL/dy / n (broadcast over the averaged dims)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype=None):  # type: ignore[no-untyped-def]
        x = _mean_input(x, dtype)
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return np.asarray(x.mean(axis=dims if x.ndim else None, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        n = int(np.prod([ctx.shape[d] for d in ctx.dims])) if ctx.shape else 1
        return _expand(grad / n, ctx.shape, ctx.dims, ctx.keepdim)


class MaxAll(Function):
    """y = max x.   dL/dx = dL/dy / k at the k positions equal to the max (shared evenly, like torch)."""

    node_name = "MaxBackward1"
    formula = "dL/dx = dL/dy / k where x = max x (k ties), else 0"
    array_api = True

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        if x.size == 0:
            raise RuntimeError(
                "max(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        y = np.asarray(x.max())
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        x, y = ctx.saved_tensors
        mask = (x == y) | (np.isnan(x) & np.isnan(y))
        return np.where(mask, grad / mask.sum(), 0).astype(grad.dtype, copy=False)


class MinAll(MaxAll):
    """y = min x.   dL/dx = dL/dy / k at the k positions equal to the min."""

    node_name = "MinBackward1"
    formula = "dL/dx = dL/dy / k where x = min x (k ties), else 0"

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        if x.size == 0:
            raise RuntimeError(
                "min(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        y = np.asarray(x.min())
        ctx.save_for_backward(x, y)
        return y


class MaxDim(Function):
    """values = max of x along ``dim`` (at the positions ``idx``, which are also the returned indices).
    dL/dx = dL/dvalues at the chosen position along ``dim``, 0 elsewhere."""

    node_name = "MaxBackward0"
    formula = "dL/dx = dL/dy at argmax along dim, else 0"
    array_api = True

    @staticmethod
    def forward(ctx, x, dim, keepdim, idx):  # type: ignore[no-untyped-def]
        ctx.shape, ctx.dim, ctx.idx = x.shape, dim, idx
        values = np.take_along_axis(x.reshape(1) if x.ndim == 0 else x, idx, axis=dim)  # idx keeps the dim
        return values.reshape(()) if x.ndim == 0 else values if keepdim else np.squeeze(values, dim)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        idx = ctx.idx
        gx = np.zeros(ctx.shape or (1,), grad.dtype)  # (a 0-d input as its one element)
        np.put_along_axis(gx, idx, grad.reshape(idx.shape), axis=ctx.dim)
        return gx.reshape(ctx.shape)


class MinDim(MaxDim):
    """values = min of x along ``dim``.   dL/dx = dL/dvalues at the chosen position along ``dim``, 0 elsewhere."""

    node_name = "MinBackward0"
    formula = "dL/dx = dL/dy at argmin along dim, else 0"

