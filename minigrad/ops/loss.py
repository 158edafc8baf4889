"""Loss functions as single graph nodes with closed-form backward, as in torch: pure math on arrays.

The argument checks and torch's error messages live in ``minigrad/surface/loss.py``, which calls these ops; the
only error raised here is BCE's domain error (probabilities must lie in [0, 1]).
"""

from __future__ import annotations

import numpy as np

from minigrad._dtype import promote_types, result_type
from minigrad.autograd.function import Function
from minigrad.ops.unary import sigmoid_array

__all__ = ["MseLoss", "BinaryCrossEntropy", "BinaryCrossEntropyWithLogits", "REDUCTIONS", "reduce"]

REDUCTIONS = ("none", "mean", "sum")
# torch's floor on x(1−x) in the BCE gradient. torch keeps it as a C++ float, so in float64 it is float32(1e-12)
# = 9.99999996e-13 (the gradient at x = 0 or 1 differs from −g/1e-12 by 4e-9 relative).
_EPSILON = float(np.float32(1e-12))


def reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    """Apply 'mean' | 'sum' | 'none' to elementwise losses."""
    if reduction == "mean":
        return np.add.reduce(loss, axis=None) / loss.size  # = loss.mean(), without its Python wrapper
    if reduction == "sum":
        return np.add.reduce(loss, axis=None)
    return loss


def _scale(grad: np.ndarray, n: int, reduction: str) -> np.ndarray:
    return grad / n if reduction == "mean" else grad


class MseLoss(Function):
    """L = reduce((x − t)²).   dL/dx = 2(x − t)·g (/n for 'mean'),  dL/dt = −dL/dx."""

    node_name = "MseLossBackward0"
    formula = "dL/dx = (2/n)·(x − t)·dL/dℓ ; dL/dt = −dL/dx"
    array_api = True
    broadcasting = True

    @staticmethod
    def forward(ctx, x, t, reduction):
        if x.dtype != t.dtype:  # torch promotes the two dtypes alone (f32 input, i64 target: f32; 0-d or not)
            dt = promote_types(x.dtype, t.dtype)
            xp, tp = x.astype(dt, copy=False), t.astype(dt, copy=False)
        else:
            xp, tp = x, t
        d = xp - tp
        # backward needs x − t only; x and t are kept too so that, as in torch, changing either in place before
        # backward is an error
        ctx.save_for_backward(d, x, t)
        ctx.reduction = reduction
        return reduce(d * d, reduction)

    @staticmethod
    def backward(ctx, grad):
        d = ctx.saved_tensors[0]
        norm = 2.0 / d.size if ctx.reduction == "mean" and d.size else 2.0  # (no elements: an empty gradient)
        gx = np.asarray(np.multiply(norm, d))  # torch's order: (norm·(x − t))·g
        gx *= grad
        return gx, (-gx if ctx.next_functions[1][0] is not None else None)


class BinaryCrossEntropy(Function):
    """ℓ = −w·[t·max(ln x, −100) + (1 − t)·max(ln(1 − x), −100)]  for x, t ∈ [0, 1] (else a domain error).
    dL/dx = w·g·(x − t) / max(x(1 − x), 1e-12),  dL/dt = −w·g·logit(x) = −w·g·ln(x / (1 − x))  (/n for 'mean').
    The weight ``w`` broadcasts to x's shape (checked by the caller)."""

    node_name = "BinaryCrossEntropyBackward0"
    formula = "dL/dx = dL/dℓ·(x − t) / max(x(1 − x), 1e-12) ; dL/dt = −dL/dℓ·ln(x / (1 − x))  (/n for mean)"
    array_api = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, t, weight, reduction):
        exact_0_or_1 = False
        if x.size:
            lo, hi = np.minimum.reduce(x, axis=None), np.maximum.reduce(x, axis=None)
            if not (lo >= 0 and hi <= 1):  # the domain error; NaN fails both tests, as in torch
                raise RuntimeError("all elements of input should be between 0 and 1")
            exact_0_or_1 = lo == 0 or hi == 1
            if not (np.minimum.reduce(t, axis=None) >= 0 and np.maximum.reduce(t, axis=None) <= 1):
                raise RuntimeError("all elements of target should be between 0 and 1")  # (torch checks it too)
        if exact_0_or_1:  # ln 0 = −inf is clamped to −100 below: no divide-by-zero warning
            with np.errstate(divide="ignore"):
                log_x, log_1mx = _clamped_logs(x)
        else:
            log_x, log_1mx = _clamped_logs(x)
        # torch's (t − 1)·max(ln(1 − x), −100) − t·max(ln x, −100), computed in place
        loss = np.asarray(np.subtract(t, 1, dtype=log_x.dtype))  # (asarray: a 0-d result is a scalar)
        loss *= log_1mx
        loss -= np.multiply(t, log_x, out=log_x)
        if weight is not None:
            weight = weight.astype(loss.dtype, copy=False)  # torch reads the weight in the input's dtype
            loss *= weight  # in place, as torch: a weight that would enlarge the loss is NumPy's ValueError
        ctx.save_for_backward(x, t, weight)
        ctx.reduction = reduction
        return reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, t, weight = ctx.saved_tensors
        gx = gt = None
        if ctx.next_functions[0][0] is not None:
            # torch's g·(x − t) / max((1 − x)·x, ε), computed in place
            gx = np.asarray(np.subtract(x, t))  # (asarray: a 0-d result is a scalar)
            np.multiply(grad, gx, out=gx)
            den = np.asarray(np.subtract(1, x))
            den *= x
            gx /= np.maximum(den, x.dtype.type(_EPSILON), out=den)
            if weight is not None:
                gx = gx * weight
            if ctx.reduction == "mean":
                gx /= x.size
        if ctx.next_functions[1][0] is not None:
            with np.errstate(divide="ignore"):  # logit(0) = −inf and logit(1) = inf, as in torch
                gt = -np.log(x / (1 - x)) * grad
            if weight is not None:
                gt = gt * weight
            gt = _scale(gt, t.size, ctx.reduction)
        return gx, gt


def _clamped_logs(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """max(ln x, −100) and max(ln(1 − x), −100), each in one new array."""
    log_x = np.asarray(np.log(x))  # (asarray: a 0-d result is a scalar, and the buffers are reused)
    np.maximum(log_x, -100, out=log_x)
    log_1mx = np.asarray(np.negative(x))
    np.log1p(log_1mx, out=log_1mx)
    np.maximum(log_1mx, -100, out=log_1mx)
    return log_x, log_1mx


class BinaryCrossEntropyWithLogits(Function):
    """ℓ = w·[(1 − t)·z + k·softplus(−z)],  k = 1 + (p − 1)·t,  softplus(−z) = ln(1 + e^−|z|) + max(−z, 0)
    (stable for any z; p = pos_weight, 1 by default).
    dL/dz = w·g·(k·σ(z) − p·t),  dL/dt = −w·g·(p·ln σ(z) − ln σ(−z))  (/n for 'mean')."""

    node_name = "BinaryCrossEntropyWithLogitsBackward0"
    formula = "dL/dz = dL/dℓ·(σ(z) − t)  (with pos_weight p: k·σ(z) − p·t)"
    array_api = True
    edge_args = 2

    @staticmethod
    def forward(ctx, z, t, weight, pos_weight, reduction):
        dz = z.dtype
        if t.dtype != dz or (weight is not None and weight.dtype != dz) or (
                pos_weight is not None and pos_weight.dtype != dz):
            ctx.save_for_backward(z, t, weight, pos_weight)
            ctx.reduction, ctx.mixed = reduction, True
            return reduce(_bce_logits_mixed(z, t, weight, pos_weight), reduction)
        ctx.mixed = False
        softplus = np.log1p(np.exp(-np.abs(z))) + np.maximum(-z, 0)  # ln(1 + e^−z), stable
        if pos_weight is not None:
            k = (pos_weight - 1) * t + 1
            loss = (1 - t) * z + k * softplus
        else:
            loss = (1 - t) * z + softplus
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(z, t, weight, pos_weight)
        ctx.reduction = reduction
        return reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        z, t, weight, pos_weight = ctx.saved_tensors
        if ctx.mixed:
            return _bce_logits_mixed_backward(ctx, grad, z, t, weight, pos_weight)
        s = sigmoid_array(z)
        if pos_weight is not None:
            gz = grad * (((pos_weight - 1) * t + 1) * s - pos_weight * t)
        else:
            gz = grad * (s - t)
        gt = None
        if ctx.next_functions[1][0] is not None:
            log_sig = -(np.log1p(np.exp(-np.abs(z))) + np.maximum(-z, 0))
            log_sig_neg = -(np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0))
            p = 1 if pos_weight is None else pos_weight
            gt = -grad * (p * log_sig - log_sig_neg)
            if weight is not None:
                gt = gt * weight
            gt = _scale(gt, z.size, ctx.reduction)
        if weight is not None:
            gz = gz * weight
        return _scale(gz, z.size, ctx.reduction), gt


def _bce_logits_mixed(z: np.ndarray, t: np.ndarray, weight: np.ndarray | None,
                      pos_weight: np.ndarray | None) -> np.ndarray:
    """The elementwise loss for operands of different dtypes, step by step as torch computes it (in place):
    log_sigmoid(z) in z's dtype, times (pos_weight − 1)·t + 1; then (1 − t) in t's dtype, times z, minus that,
    times weight, each result cast back to t's dtype. So the loss has the target's dtype (float64 target, float32
    logits: float64; float16 target: float16). The caller refuses what torch refuses here: a bool target or
    pos_weight (1 − t), an integer target (it cannot hold the float product)."""
    with np.errstate(over="ignore", invalid="ignore"):
        log_sig = _log_sigmoid(z)
        if pos_weight is not None:
            log_sig = _inplace(log_sig, _mul(pos_weight - 1, t) + 1, np.multiply)
        loss = _inplace(_inplace(1 - t, z, np.multiply), log_sig, np.subtract)
        if weight is not None:
            loss = _inplace(loss, weight, np.multiply)
    return loss


def _bce_logits_mixed_backward(ctx, grad, z, t, weight, pos_weight):
    """torch's backward for operands of different dtypes, in place as it computes it: dL/dz from σ(z) − t (with
    pos_weight: (p·t + 1 − t)·σ(z) − p·t, in the dtype of p·t), dL/dt from −z (with pos_weight:
    log σ(−z) − p·log σ(z)), each times the gradient and the weight, /n for 'mean'."""
    with np.errstate(over="ignore", invalid="ignore"):
        s = _f16_via_f32(sigmoid_array, z)
        if pos_weight is not None:
            pt = _mul(pos_weight, t)
            gz = _inplace(_inplace(_inplace(pt + 1, t, np.subtract), s, np.multiply), pt, np.subtract)
        else:
            gz = _inplace(s, t, np.subtract)
        gz = _inplace(gz, np.asarray(grad), np.multiply)
        if weight is not None:
            gz = _inplace(gz, weight, np.multiply)
        gt = None
        if ctx.next_functions[1][0] is not None:
            if pos_weight is not None:
                gt = _inplace(_log_sigmoid(-z), _inplace(_log_sigmoid(z), pos_weight, np.multiply), np.subtract)
            else:
                gt = -z
            gt = _inplace(gt, np.asarray(grad), np.multiply)
            if weight is not None:
                gt = _inplace(gt, weight, np.multiply)
            gt = _scale(gt, t.size, ctx.reduction)
        return _scale(gz, z.size, ctx.reduction), gt


def _f16_via_f32(fn, z):
    """torch computes float16 math in float32 and rounds once."""
    return fn(z.astype(np.float32)).astype(np.float16) if z.dtype == np.float16 else fn(z)


def _log_sigmoid(z: np.ndarray) -> np.ndarray:
    """log σ(z), stable, in z's dtype; float32 and float16 computed in double and rounded once (closest to torch's
    kernel: it matches its float32 bits ~85% of the time, NumPy's float32 exp/log1p ~75%)."""
    a = z.astype(np.float64) if z.dtype.itemsize < 8 else z
    return (-(np.log1p(np.exp(-np.abs(a))) + np.maximum(-a, 0))).astype(z.dtype, copy=False)


def _mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a·b in torch's result dtype."""
    a, b = np.asarray(a), np.asarray(b)  # (NumPy gives 0-d results as scalars, which would promote as numbers)
    dt = result_type(a, b)
    return a.astype(dt, copy=False) * b.astype(dt, copy=False)


def _inplace(a: np.ndarray, b: np.ndarray, op: np.ufunc) -> np.ndarray:
    """torch's in-place ``a.op_(b)``: computed in the result dtype, written back in a's dtype and shape (the caller
    has checked that the result fits a: same shape, and no float result into an integer a)."""
    a, b = np.asarray(a), np.asarray(b)  # (NumPy gives 0-d results as scalars, which would promote as numbers)
    dt = result_type(a, b)
    out = op(a.astype(dt, copy=False), b.astype(dt, copy=False))
    return out.astype(a.dtype, copy=False)
