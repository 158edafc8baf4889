"""Reductions: sum, mean, max, min (whole tensor or along dims): pure math on arrays.

The dims arrive normalised and the dtypes allowed (``minigrad/surface/reduction.py`` raises torch's errors)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.autograd.function import Function

__all__ = ["Sum", "SumDim", "Mean", "MeanDim", "MaxAll", "MinAll", "MaxDim", "MinDim"]


def _expand(grad: np.ndarray, shape: tuple[int, ...], dims: tuple[int, ...], keepdim: bool) -> np.ndarray:
    """Broadcast the gradient of a reduction back over the reduced dims (a view, no copy)."""
    if not keepdim and dims and len(shape):
        grad = np.expand_dims(grad, dims)
    return np.broadcast_to(grad, shape)


def _in_dtype(x: np.ndarray, dtype: np.dtype | None) -> tuple[np.ndarray, Any]:
    """The input of a sum and the dtype it is summed in: ``dtype`` when given (torch casts the input first, and
    int32 stays int32), else int64 for bool and integer inputs (torch's accumulation) and x's own otherwise."""
    if dtype is None:
        return x, (np.int64 if x.dtype.kind in "biu" else None)
    return x.astype(dtype, copy=False), dtype


class Sum(Function):
    """y = Σ x.   dL/dx = dL/dy broadcast to x's shape."""

    node_name = "SumBackward0"
    formula = "dL/dx = dL/dy · 1 (broadcast)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dtype=None):
        ctx.shape = x.shape
        x, dt = _in_dtype(x, dtype)
        return np.asarray(x.sum(dtype=dt))

    @staticmethod
    def backward(ctx, grad):
        return np.broadcast_to(grad, ctx.shape)


class SumDim(Function):
    """y = Σ over ``dims`` of x.   dL/dx = dL/dy broadcast back over ``dims``."""

    node_name = "SumBackward1"
    formula = "dL/dx = dL/dy · 1 (broadcast over the summed dims)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        x, dt = _in_dtype(x, dtype)
        return np.asarray(x.sum(axis=dims if x.ndim else None, keepdims=keepdim, dtype=dt))

    @staticmethod
    def backward(ctx, grad):
        return _expand(grad, ctx.shape, ctx.dims, ctx.keepdim)


def _mean_input(x: np.ndarray, dtype: np.dtype | None) -> np.ndarray:
    """The input of a mean, in ``dtype`` when given (a floating dtype: checked by the caller)."""
    return x if dtype is None else x.astype(dtype, copy=False)


class Mean(Function):
    """y = (1/n) Σ x.   dL/dx = dL/dy / n, broadcast to x's shape."""

    node_name = "MeanBackward0"
    formula = "dL/dx = dL/dy / n"
    array_api = True

    @staticmethod
    def forward(ctx, x, dtype=None):
        x = _mean_input(x, dtype)
        ctx.shape = x.shape
        return np.asarray(x.mean())

    @staticmethod
    def backward(ctx, grad):
        n = max(int(np.prod(ctx.shape)), 1) if ctx.shape else 1
        return np.broadcast_to(grad / n, ctx.shape)


class MeanDim(Function):
    """y = mean over ``dims`` of x.   dL/dx = dL/dy / n (n = number of reduced elements), broadcast back."""

    node_name = "MeanBackward1"
    formula = "dL/dx = dL/dy / n (broadcast over the averaged dims)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype=None):
        x = _mean_input(x, dtype)
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return np.asarray(x.mean(axis=dims if x.ndim else None, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        n = int(np.prod([ctx.shape[d] for d in ctx.dims])) if ctx.shape else 1
        return _expand(grad / n, ctx.shape, ctx.dims, ctx.keepdim)


class MaxAll(Function):
    """y = max x.   dL/dx = dL/dy / k at the k positions equal to the max (shared evenly, like torch)."""

    node_name = "MaxBackward1"
    formula = "dL/dx = dL/dy / k where x = max x (k ties), else 0"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        y = np.asarray(x.max())  # (x has elements: checked by the caller)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        mask = (x == y) | (np.isnan(x) & np.isnan(y))
        return np.where(mask, grad / mask.sum(), 0).astype(grad.dtype, copy=False)


class MinAll(MaxAll):
    """y = min x.   dL/dx = dL/dy / k at the k positions equal to the min."""

    node_name = "MinBackward1"
    formula = "dL/dx = dL/dy / k where x = min x (k ties), else 0"

    @staticmethod
    def forward(ctx, x):
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
    def forward(ctx, x, dim, keepdim, idx):
        ctx.shape, ctx.dim, ctx.idx = x.shape, dim, idx
        values = np.take_along_axis(x.reshape(1) if x.ndim == 0 else x, idx, axis=dim)  # idx keeps the dim
        return values.reshape(()) if x.ndim == 0 else values if keepdim else np.squeeze(values, dim)

    @staticmethod
    def backward(ctx, grad):
        idx = ctx.idx
        gx = np.zeros(ctx.shape or (1,), grad.dtype)  # (a 0-d input as its one element)
        np.put_along_axis(gx, idx, grad.reshape(idx.shape), axis=ctx.dim)
        return gx.reshape(ctx.shape)


class MinDim(MaxDim):
    """values = min of x along ``dim``.   dL/dx = dL/dvalues at the chosen position along ``dim``, 0 elsewhere."""

    node_name = "MinBackward0"
    formula = "dL/dx = dL/dy at argmin along dim, else 0"

