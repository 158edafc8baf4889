"""The negative log-likelihood loss, and the scalar nodes cross_entropy's composite graph is made of.

``NllLoss`` takes log-probabilities with the classes on dim 1 ((C,), (N, C) or (N, C, d1, ...)) and picks
−w[t]·x[t] for each target; torch records it as ``NllLossBackward0`` for 1-d/2-d input and
``NllLoss2DBackward0`` for 4-d input (the surface views other layouts into 4-d, as torch's nll_loss_nd does).

cross_entropy with label smoothing or class probabilities is not one node in torch: its C++ composes it
from log_softmax, nll_loss, ``tensor * number`` (``MulBackward1``), ``tensor / number`` (``DivBackward1``)
and ``masked_fill_`` (``MaskedFillBackward0``). The first two are here so that the graph is torch's; the
masked fill is ``minigrad.ops.selection.MaskedFill``, the node ``masked_fill`` itself records.
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function

__all__ = ["NllLoss", "NllLoss2d", "MulScalar", "DivScalar", "DivByCount"]


def _picked(x: np.ndarray, t: np.ndarray, weight: np.ndarray | None, ignore_index: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x[t] per target, w[t] per target with 0 where ignored, safe class index per target, kept-target mask)."""
    keep = t != ignore_index
    idx = t.astype(np.intp, copy=False)
    if not keep.all():
        idx = np.where(keep, idx, 0)
    if x.ndim == 1:  # (C,) with a 0-d target
        picked = x[idx]
    elif x.ndim == 2:
        picked = x[np.arange(x.shape[0]), idx]
    else:
        picked = np.take_along_axis(x, idx[:, None], axis=1)[:, 0]
    if weight is None:
        w = keep.astype(x.dtype)
    else:
        w = weight.astype(x.dtype, copy=False)[idx]
        w[~keep] = 0
    return picked, w, idx, keep


class NllLoss(Function):
    """ℓ_n = −w[t_n]·x[n, t_n] (0 where t_n = ignore_index).  'mean': Σ ℓ_n / Σ w[t_n]; 'sum': Σ ℓ_n.
    dL/dx[n, t_n] = −w[t_n]·dL/dℓ_n (/ Σ w[t_n] for 'mean') for each kept target; every other entry is 0."""

    node_name = "NllLossBackward0"
    formula = "dL/dx[n, t_n] = −w[t_n]·dL/dℓ  (/ Σ w[t] for mean), 0 elsewhere"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, t, weight, reduction, ignore_index):
        picked, w, idx, keep = _picked(x, t, weight, ignore_index)
        losses = -(w * picked)
        ctx.save_for_backward(w, idx, keep)
        ctx.reduction = reduction
        ctx.shape = x.shape
        if reduction == "none":
            return losses
        total = np.add.reduce(losses, axis=None, dtype=x.dtype)
        if reduction == "sum":
            return np.asarray(total)
        total_weight = np.add.reduce(w, axis=None, dtype=x.dtype)
        ctx.total_weight = total_weight
        with np.errstate(invalid="ignore", divide="ignore"):  # everything ignored: 0/0 = nan, as in torch
            return np.asarray(total / total_weight)

    @staticmethod
    def backward(ctx, grad):
        w, idx, keep = ctx.saved_tensors
        g = -w * grad
        if ctx.reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                g = g / ctx.total_weight
        g = np.where(keep, g, w.dtype.type(0))  # an ignored target sends nothing (not 0/0 when all are ignored)
        out = np.zeros(ctx.shape, dtype=w.dtype)
        if len(ctx.shape) == 1:
            out[idx] = g
        elif len(ctx.shape) == 2:
            out[np.arange(ctx.shape[0]), idx] = g
        else:
            np.put_along_axis(out, idx[:, None], g[:, None], axis=1)
        return out


class NllLoss2d(NllLoss):
    """nll_loss of (N, C, H, W) log-probabilities against (N, H, W) targets: the same rule per pixel."""

    node_name = "NllLoss2DBackward0"


class MulScalar(Function):
    """y = x·c for a number c (torch's ``mul.Scalar``, recorded by its C++ composites).   dL/dx = c·dL/dy."""

    node_name = "MulBackward1"
    formula = "dL/dx = c·dL/dy"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, c):
        ctx.c = c
        return np.asarray(x * x.dtype.type(c))

    @staticmethod
    def backward(ctx, grad):
        return grad * grad.dtype.type(ctx.c)


class DivScalar(Function):
    """y = x / c for a number c (torch's ``div.Scalar``).   dL/dx = dL/dy / c."""

    node_name = "DivBackward1"
    formula = "dL/dx = dL/dy / c"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, c):
        ctx.c = c
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(x / x.dtype.type(c))

    @staticmethod
    def backward(ctx, grad):
        with np.errstate(invalid="ignore", divide="ignore"):
            return grad / grad.dtype.type(ctx.c)


class DivByCount(Function):
    """y = x / d for a graph-less tensor d (label smoothing's mean: Σ smooth / Σ w[t] of the kept targets, torch's
    ``div.Tensor``, hence ``DivBackward0`` with an empty second slot).   dL/dx = dL/dy / d; d = 0 (every target
    ignored) gives nan/inf silently, as in torch."""

    node_name = "DivBackward0"
    formula = "dL/dx = dL/dy / d"
    array_api = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, d):
        d = d.astype(x.dtype) if d.dtype != x.dtype else d
        ctx.d = d
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(x / d)

    @staticmethod
    def backward(ctx, grad):
        with np.errstate(invalid="ignore", divide="ignore"):
            return grad / ctx.d, None
