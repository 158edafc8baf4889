"""Elementwise functions of one tensor: exp, log, sigmoid, tanh, relu, abs, clamp, round, sqrt."""

from __future__ import annotations

import numpy as np

from minigrad._dtype import get_default_dtype, result_type
from minigrad.autograd.function import Function

__all__ = ["Exp", "Log", "Sigmoid", "Tanh", "Relu", "Abs", "Clamp", "Round", "Sqrt", "sigmoid_array"]


def _float(x: np.ndarray) -> np.ndarray:
    """Integer inputs of a floating function compute in the default float dtype, as in torch."""
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)


# At or above these inputs exp(-x) is finite; below them it may overflow to inf (and 1 / (1 + inf) = 0, as in torch).
_SIGMOID_FLOOR = {np.dtype(np.float16): -11.08, np.dtype(np.float32): -88.72, np.dtype(np.float64): -709.78}


def sigmoid_array(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^−x), torch's formula, in one buffer. Where e^−x overflows, σ = 1 / (1 + inf) = 0 as in
    torch (and the denormals just above it are kept, as torch keeps them), without NumPy's overflow warning."""
    y = np.asarray(np.negative(x))  # (asarray: a 0-d result is a scalar)
    if x.size and not np.minimum.reduce(x, axis=None) >= _SIGMOID_FLOOR[x.dtype]:  # (a NaN makes the min NaN)
        with np.errstate(over="ignore"):
            np.exp(y, out=y)
    else:
        np.exp(y, out=y)
    y += 1
    return np.divide(1, y, out=y)


class Exp(Function):
    """y = eˣ.   dL/dx = dL/dy · y."""

    node_name = "ExpBackward0"
    formula = "dL/dx = dL/dy · eˣ"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        y = np.exp(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class Log(Function):
    """y = ln x.   dL/dx = dL/dy / x.  (ln 0 = −inf and ln of a negative = nan, as in torch.)"""

    node_name = "LogBackward0"
    formula = "dL/dx = dL/dy / x"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return grad / x


class Sigmoid(Function):
    """y = σ(x) = 1 / (1 + e^−x).   dL/dx = dL/dy · (1 − y) · y."""

    node_name = "SigmoidBackward0"
    formula = "dL/dx = dL/dy · (1 − y)·y,  y = σ(x)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        y = sigmoid_array(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        g = np.asarray(np.subtract(1, y))  # torch's order, (g·(1 − y))·y, in one buffer
        np.multiply(grad, g, out=g)
        g *= y
        return g


class Tanh(Function):
    """y = tanh x.   dL/dx = dL/dy · (1 − y²)."""

    node_name = "TanhBackward0"
    formula = "dL/dx = dL/dy · (1 − y²),  y = tanh x"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y)


class Relu(Function):
    """y = max(x, 0).   dL/dx = dL/dy where y > 0, else 0 (torch's choice at x = 0)."""

    node_name = "ReluBackward0"
    formula = "dL/dx = dL/dy · [y > 0]"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        y = np.maximum(x, 0, dtype=x.dtype)  # (a bool x is refused by the caller)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return np.where(y <= 0, 0, grad)


class Abs(Function):
    """y = |x|.   dL/dx = dL/dy · sign(x)."""

    node_name = "AbsBackward0"
    formula = "dL/dx = dL/dy · sign(x)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.sign(x)


class Clamp(Function):
    """y = min(max(x, lo), hi) (at least one bound given: checked by the caller).
    dL/dx = dL/dy where lo ≤ x ≤ hi, else 0."""

    node_name = "ClampBackward1"
    formula = "dL/dx = dL/dy · [lo ≤ x ≤ hi]"
    array_api = True

    @staticmethod
    def forward(ctx, x, lo, hi):
        if x.dtype.kind != "f":  # torch promotes: an integer tensor with a float bound gives the default float
            if type(lo) is float or type(hi) is float:
                x = _float(x)
            elif x.dtype.kind == "b":
                x = x.astype(np.int64)
        ctx.save_for_backward(x)
        ctx.bounds = (lo, hi)
        y = x
        if lo is not None:
            y = np.maximum(y, lo)
        if hi is not None:
            y = np.minimum(y, hi)
        return y.astype(x.dtype, copy=False) if x.dtype.kind == "f" else y

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        return np.where(inside, grad, 0)


class ClampTensor(Function):
    """y = min(max(x, lo), hi) with tensor bounds (either may be None), broadcast, in the promoted dtype.
    dL/dx = dL/dy where lo ≤ x ≤ hi;  dL/dlo = dL/dy where x < lo (and lo < hi);
    dL/dhi = dL/dy where x > hi (or hi < lo), each 0 elsewhere (torch's clamp_backward and
    clamp_backward_min_max)."""

    node_name = "ClampBackward0"
    formula = "dL/dx = dL/dy · [lo ≤ x ≤ hi] ; dL/dlo = dL/dy · [x < lo < hi] ; dL/dhi = dL/dy · [x > hi or hi < lo]"
    array_api = True
    broadcasting = True
    edge_args = 3

    @staticmethod
    def forward(ctx, x, lo, hi):
        given = [v for v in (x, lo, hi) if v is not None]
        np.broadcast_shapes(*(v.shape for v in given))  # shapes first (a ValueError: torch's broadcast error)
        dt = result_type(*given)  # (bool with both bounds: refused by the caller)
        x, lo, hi = (None if v is None else v.astype(dt, copy=False) for v in (x, lo, hi))
        ctx.save_for_backward(x, lo, hi)
        y = x if lo is None else np.maximum(x, lo)
        return y if hi is None else np.minimum(y, hi)  # (a bound is given: y is a new array)

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors
        need = [fn is not None for fn, _ in ctx.next_functions]
        both = lo is not None and hi is not None
        masks: list[np.ndarray | None] = [None, None, None]
        if need[0]:
            masks[0] = _in_place(np.logical_and, x >= lo, x <= hi) if both else (x >= lo if hi is None else x <= hi)
        if need[1]:
            masks[1] = _in_place(np.logical_and, x < lo, lo < hi) if both else x < lo
        if need[2]:
            masks[2] = _in_place(np.logical_or, x > hi, hi < lo) if both else x > hi
        zero = grad.dtype.type(0)
        return tuple(None if m is None else np.where(m, grad, zero) for m in masks)


def _in_place(op: np.ufunc, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a.logical_and_(b)`` / ``a.logical_or_(b)`` as torch's clamp backward computes them: in place into ``a``,
    so ``b`` may not broadcast ``a`` to a larger shape (torch's error, raised by its backward)."""
    shape = np.broadcast_shapes(a.shape, b.shape)
    if shape != a.shape:
        raise RuntimeError(f"output with shape {list(a.shape)} doesn't match the broadcast shape {list(shape)}")
    return op(a, b)  # (a 0-d comparison is a NumPy bool, not an array: no out=)


class Round(Function):
    """y = round(x) (half to even, like torch).   dL/dx = 0."""

    node_name = "RoundBackward0"
    formula = "dL/dx = 0"
    array_api = True

    @staticmethod
    def forward(ctx, x, decimals=0):
        return np.round(x, decimals)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class Sqrt(Function):
    """y = √x.   dL/dx = dL/dy / (2y)."""

    node_name = "SqrtBackward0"
    formula = "dL/dx = dL/dy / (2√x)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):
            y = np.sqrt(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return grad / (2 * y)
