"""Pointwise activations beyond relu/sigmoid/tanh: leaky_relu, elu, gelu, silu, softplus, hardtanh.

Each is one torch node; the backward uses the same case split as the forward, at the same boundary torch
uses (x > 0 for leaky_relu, x ≤ 0 for elu, x·β > threshold for softplus, lo < x < hi for hardtanh).
"""

from __future__ import annotations

import math

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops.unary import sigmoid_array

__all__ = ["in_float32", "LeakyRelu", "LeakyRelu_", "Elu", "Elu_", "Gelu", "Silu", "Softplus", "Hardtanh",
           "erf_array"]

_erf = np.frompyfunc(math.erf, 1, 1)
_SQRT1_2 = math.sqrt(0.5)
_GELU_PDF = 2 / math.sqrt(math.pi) * _SQRT1_2 * 0.5  # 1/√(2π)
_GELU_BETA = math.sqrt(2) * 2 / math.sqrt(math.pi) * 0.5  # √(2/π)
_GELU_KAPPA = 0.044715


def in_float32(forward):
    """torch's CPU kernels compute float16 in float32 and round once: a float16 input runs ``forward`` in float32
    (what it saves is float32 too, so backward also computes in float32; the engine rounds its gradient)."""

    def run(ctx, x, *args):
        if x.dtype == np.float16:
            return forward(ctx, x.astype(np.float32), *args).astype(np.float16)
        return forward(ctx, x, *args)

    run.__doc__ = forward.__doc__
    return run


def erf_array(x: np.ndarray) -> np.ndarray:
    """erf elementwise, in x's dtype (C's erf through ``math.erf``, computed in double: NumPy has no erf)."""
    return np.asarray(_erf(x.astype(np.float64, copy=False)), dtype=np.float64).astype(x.dtype, copy=False)


class LeakyRelu(Function):
    """y = x if x > 0 else s·x.   dL/dx = dL/dy if x > 0 else s·dL/dy."""

    node_name = "LeakyReluBackward0"
    formula = "dL/dx = dL/dy · (1 if x > 0 else s)"
    array_api = True

    @staticmethod
    @in_float32
    def forward(ctx, x, slope):
        pos = x > 0
        ctx.slope = slope
        ctx.save_for_backward(x)
        return np.where(pos, x, x * x.dtype.type(slope))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return np.where(x > 0, grad, grad * grad.dtype.type(ctx.slope))


class LeakyRelu_(LeakyRelu):  # noqa: N801 - torch's in-place spelling
    """leaky_relu_ (in place), torch's ``LeakyReluBackward1``. torch reads the rule from the result y (y > 0
    exactly when x > 0, for s ≥ 0); minigrad's in-place ops keep a copy of the input, so the same rule is read
    from x:  dL/dx = dL/dy if x > 0 else s·dL/dy."""

    node_name = "LeakyReluBackward1"
    formula = "dL/dx = dL/dy · (1 if x > 0 else s)   (torch: y > 0, the same set)"


class Elu(Function):
    """y = σ·x if x > 0 else σ·α·(e^(ι·x) − 1)   (α = alpha, σ = scale, ι = input_scale; selu and celu reuse it).
    dL/dx = σ·dL/dy if x > 0 else ι·σ·α·e^(ι·x)·dL/dy."""

    node_name = "EluBackward0"
    formula = "dL/dx = dL/dy · (σ if x > 0 else ι·σ·α·e^(ι·x))"
    array_api = True

    @staticmethod
    @in_float32
    def forward(ctx, x, alpha, scale=1.0, input_scale=1.0):
        ctx.coef = (alpha, scale, input_scale)
        ctx.save_for_backward(x)
        t = x.dtype.type
        with np.errstate(over="ignore"):
            neg = np.expm1(x * t(input_scale)) * t(alpha * scale)
        return np.where(x > 0, x * t(scale), neg)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.coef
        t = x.dtype.type
        with np.errstate(over="ignore", invalid="ignore"):
            neg = grad * t(input_scale) * t(alpha * scale) * np.exp(x * t(input_scale))
        return np.where(x <= 0, neg, grad * t(scale))


class Elu_(Elu):  # noqa: N801 - torch's in-place spelling
    """elu_ (in place), torch's ``EluBackward1``. torch reads the rule from the result (for y ≤ 0,
    ι·σ·α·e^(ι·x) = ι·(y + σ·α)); minigrad's in-place ops keep a copy of the input, so it is read from x:
    dL/dx = σ·dL/dy if x > 0 else ι·σ·α·e^(ι·x)·dL/dy."""

    node_name = "EluBackward1"
    formula = "dL/dx = dL/dy · (σ if x > 0 else ι·σ·α·e^(ι·x))   (torch: ι·(y + σ·α) for y ≤ 0, the same value)"


class Gelu(Function):
    """Exact: y = x·Φ(x), Φ(x) = ½(1 + erf(x/√2)).   dL/dx = dL/dy·(Φ(x) + x·φ(x)), φ(x) = e^(−x²/2)/√(2π).
    'tanh': y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³).
    dL/dx = dL/dy·(½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²))."""

    node_name = "GeluBackward0"
    formula = "dL/dx = dL/dy · (Φ(x) + x·φ(x))   ('tanh': derivative of ½x(1 + tanh(√(2/π)(x + 0.044715x³))))"
    array_api = True

    @staticmethod
    @in_float32
    def forward(ctx, x, approximate):
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        t = x.dtype.type
        with np.errstate(over="ignore", invalid="ignore"):  # ±inf: torch's inf·0 = nan, x³ overflow, as in C
            if approximate == "tanh":
                inner = t(_GELU_BETA) * (x + t(_GELU_KAPPA) * (x * x * x))
                return t(0.5) * x * (t(1) + np.tanh(inner))
            return x * t(0.5) * (t(1) + erf_array(x * t(_SQRT1_2)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with np.errstate(over="ignore", invalid="ignore"):
            return Gelu._grad(x, grad, ctx.approximate)

    @staticmethod
    def _grad(x: np.ndarray, grad: np.ndarray, approximate: str) -> np.ndarray:
        t = x.dtype.type
        if approximate == "tanh":
            x_sq = x * x
            inner = t(_GELU_BETA) * (x + t(_GELU_KAPPA) * (x_sq * x))
            tanh_inner = np.tanh(inner)
            left_derivative = t(0.5) * (t(1) + tanh_inner)
            inner_derivative = t(_GELU_BETA) * (t(1) + t(3 * _GELU_KAPPA) * x_sq)
            right_derivative = t(0.5) * x * (t(1) - tanh_inner * tanh_inner) * inner_derivative
            return grad * (left_derivative + right_derivative)
        cdf = t(0.5) * (t(1) + erf_array(x * t(_SQRT1_2)))
        pdf = t(_GELU_PDF) * np.exp(t(-0.5) * x * x)
        return grad * (cdf + x * pdf)


class Silu(Function):
    """y = x·σ(x).   dL/dx = dL/dy·σ(x)·(1 + x·(1 − σ(x)))."""

    node_name = "SiluBackward0"
    formula = "dL/dx = dL/dy · σ(x)·(1 + x·(1 − σ(x)))"
    array_api = True

    @staticmethod
    @in_float32
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(over="ignore", invalid="ignore"):  # (e^−x of −inf or a NaN row: inf, as in torch)
            return x * sigmoid_array(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with np.errstate(over="ignore", invalid="ignore"):
            s = sigmoid_array(x)
            return grad * (s * (1 + x * (1 - s)))


class Softplus(Function):
    """y = ln(1 + e^(β·x))/β, or x where β·x > threshold (linear there, as in torch).
    dL/dx = dL/dy·σ(β·x) = dL/dy·z/(z + 1) with z = e^(β·x), or dL/dy where β·x > threshold."""

    node_name = "SoftplusBackward0"
    formula = "dL/dx = dL/dy · σ(β·x)   (dL/dy where β·x > threshold)"
    array_api = True

    @staticmethod
    @in_float32
    def forward(ctx, x, beta, threshold):
        ctx.beta, ctx.threshold = beta, threshold
        ctx.save_for_backward(x)
        t = x.dtype.type
        bx = x * t(beta)
        with np.errstate(over="ignore"):
            soft = np.log1p(np.exp(bx)) / t(beta)
        return np.where(bx > t(threshold), x, soft)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = x.dtype.type
        bx = x * t(ctx.beta)
        with np.errstate(over="ignore", invalid="ignore"):
            z = np.exp(bx)
            soft = grad * z / (z + t(1))
        return np.where(bx > t(ctx.threshold), grad, soft)


class Hardtanh(Function):
    """y = min(max(x, lo), hi).   dL/dx = dL/dy where lo < x < hi, else 0 (0 at the bounds, as in torch)."""

    node_name = "HardtanhBackward0"
    formula = "dL/dx = dL/dy · [lo < x < hi]"
    array_api = True

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.bounds = (lo, hi)
        ctx.save_for_backward(x)
        if x.dtype.kind != "f":
            lo, hi = int(lo), int(hi)
            return np.minimum(np.maximum(x, x.dtype.type(lo)), x.dtype.type(hi))
        t = x.dtype.type
        return np.minimum(np.maximum(x, t(lo)), t(hi))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        return np.where((x <= lo) | (x >= hi), grad.dtype.type(0), grad)
