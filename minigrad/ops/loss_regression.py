"""The two piecewise regression losses torch computes as single nodes: smooth L1 and Huber.

With d = x − t, both are quadratic for |d| below a knee and linear above it; they differ in scale:
smooth_l1 = huber / β (β = delta). l1_loss is composed from sub, abs and mean/sum (as torch records it).
"""

from __future__ import annotations

import numpy as np

from minigrad._dtype import from_numpy_dtype
from minigrad.autograd.function import Function
from minigrad.ops.loss import reduce

__all__ = ["SmoothL1Loss", "HuberLoss", "Xlogy", "xlogy_array"]


def _diff(x: np.ndarray, t: np.ndarray, dtype: np.dtype) -> np.ndarray:
    return np.asarray(np.subtract(x.astype(dtype, copy=False), t.astype(dtype, copy=False)))


class SmoothL1Loss(Function):
    """ℓ = ½d²/β if |d| < β else |d| − ½β   (d = x − t).
    dL/dx = dL/dℓ·d/β if |d| < β else dL/dℓ·sign(d)   (/n for 'mean');   dL/dt = −dL/dx."""

    node_name = "SmoothL1LossBackward0"
    formula = "dL/dx = dL/dℓ · clamp(d/β, −1, 1) (/n for mean) ; dL/dt = −dL/dx"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, t, reduction, beta, dtype):
        d = _diff(x, t, dtype)
        ad = np.abs(d)
        b = d.dtype.type(beta)
        loss = np.where(ad < b, d.dtype.type(0.5) * d * d / b, ad - d.dtype.type(0.5) * b)
        ctx.save_for_backward(d)
        ctx.reduction, ctx.beta = reduction, beta
        return reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        (d,) = ctx.saved_tensors
        b = d.dtype.type(ctx.beta)
        norm = d.dtype.type(1 / d.size if ctx.reduction == "mean" and d.size else 1)
        g = np.where(d < -b, -norm * grad, np.where(d > b, norm * grad, norm * d / b * grad))
        return g, (-g if ctx.next_functions[1][0] is not None else None)


class HuberLoss(Function):
    """ℓ = ½d² if |d| < δ else δ·(|d| − ½δ)   (d = x − t).
    dL/dx = dL/dℓ·d if |d| ≤ δ else dL/dℓ·δ·sign(d)   (/n for 'mean');   dL/dt = −dL/dx."""

    node_name = "HuberLossBackward0"
    formula = "dL/dx = dL/dℓ · clamp(d, −δ, δ) (/n for mean) ; dL/dt = −dL/dx"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, t, reduction, delta, dtype):
        """(``dtype``: the two operands' common dtype, which the math runs in; the loss has x's dtype.)"""
        d = _diff(x, t, dtype)
        ad = np.abs(d)
        dl = d.dtype.type(delta)
        half = d.dtype.type(0.5)
        loss = np.where(ad < dl, half * d * d, dl * (ad - half * dl))
        loss = loss.astype(x.dtype, copy=False)  # torch writes it into a tensor of the input's dtype
        ctx.save_for_backward(d)
        ctx.reduction, ctx.delta = reduction, delta
        ctx.dtypes = (x.dtype, t.dtype)
        return reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        (d,) = ctx.saved_tensors
        if ctx.dtypes[0] != ctx.dtypes[1]:  # torch's huber_loss_backward takes one dtype only
            x_name, t_name = (from_numpy_dtype(dt).scalar_name for dt in ctx.dtypes)
            raise RuntimeError(f"Found dtype {t_name} but expected {x_name}")
        dl = d.dtype.type(ctx.delta)
        norm = d.dtype.type(1 / d.size if ctx.reduction == "mean" and d.size else 1)
        g = np.where(d < -dl, -norm * dl * grad, np.where(d > dl, norm * dl * grad, norm * d * grad))
        return g, (-g if ctx.next_functions[1][0] is not None else None)


def xlogy_array(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x·ln y, 0 where x = 0 (unless y is NaN), as torch.xlogy."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where((x == 0) & ~np.isnan(y), 0, x * np.log(y)))


class Xlogy(Function):
    """z = x·ln y (0 where x = 0), kl_div's t·ln t.
    dL/dx = xlogy(dL/dz, y), 0 where x = 0 and y ≤ 0;   dL/dy = dL/dz·x / y."""

    node_name = "XlogyBackward0"
    formula = "dL/dx = dL/dz·ln y ; dL/dy = dL/dz·x / y"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return xlogy_array(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        gx = gy = None
        if ctx.next_functions[0][0] is not None:
            gx = np.where((x == 0) & (y <= 0), 0, xlogy_array(grad, y)).astype(grad.dtype, copy=False)
        if ctx.next_functions[1][0] is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                gy = grad * x / y
        return gx, gy
