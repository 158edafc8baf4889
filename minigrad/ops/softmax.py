"""softmax and log_softmax along one dim: the two nodes every classifier ends in.

Both subtract the row maximum first, so e^(x − max) ≤ 1 never overflows: logits of 1000 stay finite, as in
torch. A 0-d input is one row of one element.
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops.activation import in_float32

__all__ = ["Softmax", "LogSoftmax"]


def _shifted(x: np.ndarray, dim: int | None) -> np.ndarray:
    """x − max(x) along ``dim`` (a row of −inf stays −inf − (−inf) = nan, as in torch)."""
    if x.size == 0:
        return x.copy()
    m = np.maximum.reduce(x, axis=dim, keepdims=True)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.subtract(x, m))


class Softmax(Function):
    """y_i = e^(x_i) / Σ_j e^(x_j) along ``dim``.
    dL/dx_i = y_i·(g_i − Σ_j g_j·y_j)   (the Jacobian diag(y) − y·yᵀ applied to g)."""

    node_name = "SoftmaxBackward0"
    formula = "dL/dx = y ⊙ (dL/dy − Σ_dim(dL/dy ⊙ y))"
    array_api = True

    @staticmethod
    @in_float32
    def forward(ctx, x, dim):
        d = dim if x.ndim else None
        e = _shifted(x, d)
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=d, keepdims=True)
        ctx.dim = d
        ctx.save_for_backward(e)
        return e

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        gy = grad * y
        gy -= y * np.add.reduce(gy, axis=ctx.dim, keepdims=True)
        return gy


class LogSoftmax(Function):
    """y_i = x_i − ln Σ_j e^(x_j) along ``dim``.
    dL/dx_i = g_i − e^(y_i)·Σ_j g_j   (softmax times the summed upstream gradient)."""

    node_name = "LogSoftmaxBackward0"
    formula = "dL/dx = dL/dy − softmax(x) ⊙ Σ_dim dL/dy"
    array_api = True

    @staticmethod
    @in_float32
    def forward(ctx, x, dim):
        d = dim if x.ndim else None
        s = _shifted(x, d)
        if s.size:
            s -= np.log(np.add.reduce(np.exp(s), axis=d, keepdims=True))
        ctx.dim = d
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - np.exp(y) * np.add.reduce(grad, axis=ctx.dim, keepdims=True)
