"""Batch and layer normalization, each one node with torch's name and its closed-form backward.

Notation: x̂ = (x − μ)·σ⁻¹ with σ⁻¹ = 1/√(var + eps) (``invstd``), var the biased variance over the normalized
elements (M of them per statistic), y = x̂·w + b. The gradient through μ and var folds into one formula:

    dL/dx = σ⁻¹ · (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)),   ĝ = dL/dy · w,
    dL/dw = Σ dL/dy · x̂,   dL/db = Σ dL/dy.
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function

__all__ = ["NativeBatchNorm", "NativeLayerNorm"]


class NativeBatchNorm(Function):
    """Batch norm over (N, C, *): statistics per channel c over the batch and spatial dims.

    Training (or no running stats): μ, var of this batch; the running stats, when given, are updated in place:
    r_μ ← m·μ + (1 − m)·r_μ and r_var ← m·var·M/(M − 1) + (1 − m)·r_var (unbiased). Evaluation: μ, var = r_μ, r_var,
    which are constants, so dL/dx = dL/dy·w·σ⁻¹ and dL/dw = Σ dL/dy·x̂.
    """

    node_name = "NativeBatchNormBackward0"
    formula = "train: dL/dx = σ⁻¹(ĝ − mean ĝ − x̂·mean(ĝx̂)) ; eval: dL/dx = ĝ·σ⁻¹ ; dL/dw = Σ g·x̂ ; dL/db = Σ g"
    array_api = True
    edge_args = 3

    @staticmethod
    def forward(ctx, x, w, b, running_mean, running_var, use_batch_stats, momentum, eps):
        axes = (0, *range(2, x.ndim))
        bshape = (1, -1) + (1,) * (x.ndim - 2)
        if use_batch_stats:
            m = x.size // x.shape[1]
            mean = x.mean(axis=axes)
            xc = x - mean.reshape(bshape)
            var = np.mean(xc * xc, axis=axes)
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * (var * m / (m - 1))
        else:
            mean, var = running_mean, running_var
            xc = x - mean.reshape(bshape)
        invstd = 1 / np.sqrt(var + eps)
        alpha = invstd if w is None else invstd * w
        y = xc * alpha.reshape(bshape)
        if b is not None:
            y += b.reshape(bshape)
        ctx.save_for_backward(xc, invstd, w)
        ctx.use_batch_stats = use_batch_stats
        return y

    @staticmethod
    def backward(ctx, grad):
        xc, invstd, w = ctx.saved_tensors
        nf = ctx.next_functions
        axes = (0, *range(2, grad.ndim))
        bshape = (1, -1) + (1,) * (grad.ndim - 2)
        xhat = xc * invstd.reshape(bshape)
        gw = (grad * xhat).sum(axis=axes) if nf[1][0] is not None else None
        gb = grad.sum(axis=axes) if nf[2][0] is not None else None
        gx = None
        if nf[0][0] is not None:
            gh = grad if w is None else grad * w.reshape(bshape)
            if ctx.use_batch_stats:
                gx = gh - gh.mean(axis=axes).reshape(bshape)
                gx -= xhat * (gh * xhat).mean(axis=axes).reshape(bshape)
                gx *= invstd.reshape(bshape)
            else:
                gx = gh * invstd.reshape(bshape)
        return gx, gw, gb


class NativeLayerNorm(Function):
    """Layer norm over the last ``nd`` dims: one μ, var per leading index (see the module docstring); w and b
    have the normalized shape."""

    node_name = "NativeLayerNormBackward0"
    formula = "dL/dx = σ⁻¹(ĝ − mean ĝ − x̂·mean(ĝx̂)) ; dL/dw = Σ_batch g·x̂ ; dL/db = Σ_batch g"
    array_api = True
    edge_args = 3

    @staticmethod
    def forward(ctx, x, w, b, nd, eps):
        axes = tuple(range(x.ndim - nd, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = np.mean(xc * xc, axis=axes, keepdims=True)
        invstd = 1 / np.sqrt(var + eps)
        xhat = xc * invstd
        y = xhat * w if w is not None else xhat.copy()
        if b is not None:
            y += b
        ctx.save_for_backward(xhat, invstd, w)
        ctx.axes = axes
        return y

    @staticmethod
    def backward(ctx, grad):
        xhat, invstd, w = ctx.saved_tensors
        nf = ctx.next_functions
        axes = ctx.axes
        batch = tuple(range(grad.ndim - len(axes)))
        gw = (grad * xhat).sum(axis=batch) if nf[1][0] is not None else None
        gb = grad.sum(axis=batch) if nf[2][0] is not None else None
        gx = None
        if nf[0][0] is not None:
            gh = grad if w is None else grad * w
            gx = gh - gh.mean(axis=axes, keepdims=True)
            gx -= xhat * (gh * xhat).mean(axis=axes, keepdims=True)
            gx *= invstd
        return gx, gw, gb
