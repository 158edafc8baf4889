"""Reductions beyond sum/mean/max: prod, var/std, vector norms, logsumexp, cumsum/cumprod, amax/amin.

Each backward is torch's formula (derivatives.yaml / FunctionsManual.cpp) as NumPy; a reduction's gradient is
first given back the reduced dims (``_restore``) and then broadcast over them.
"""

from __future__ import annotations

import math

import numpy as np

from minigrad.autograd.function import Function

__all__ = ["Prod", "ProdDim", "Var", "Std", "VectorNorm", "Logsumexp", "Cumsum", "Cumprod", "Amax", "Amin"]


def _restore(g: np.ndarray, dims: tuple[int, ...], keepdim: bool, ndim: int) -> np.ndarray:
    """The reduced result (or its gradient) with the reduced dims back as size 1, so it broadcasts over x."""
    if keepdim or not ndim or not dims:
        return g
    return np.expand_dims(g, dims)


def _quiet() -> np.errstate:
    return np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore")


def _accumulator(x: np.ndarray, dtype: np.dtype | None) -> np.ndarray:
    """x in the type a product or running sum accumulates in: ``dtype`` when given, int64 for bool and integers
    (torch's promotion), else x's own."""
    if dtype is not None:
        return x.astype(dtype, copy=False)
    return x.astype(np.int64) if x.dtype.kind in "biu" else x


def _running(ufunc: np.ufunc, x: np.ndarray, axis: int) -> np.ndarray:
    """A running sum or product along ``axis`` as torch's CPU kernel computes it: float16/float32 accumulate in
    double, each output rounded once (NumPy would accumulate in the input's dtype)."""
    if x.dtype.kind == "f" and x.dtype.itemsize < 8:
        return ufunc.accumulate(x.astype(np.float64), axis=axis).astype(x.dtype)
    return ufunc.accumulate(x, axis=axis, dtype=x.dtype)  # (NumPy would widen int32 to int64)


def _reverse_cumsum(g: np.ndarray, axis: int) -> np.ndarray:
    """Σ_{k≥i} gₖ along ``axis`` (a running sum from the end)."""
    return np.flip(_running(np.add, np.flip(g, axis), axis), axis)


def _exclusive_products(x: np.ndarray, axis: int) -> np.ndarray:
    """∏_{j≠i} x_j along ``axis`` for each i, without dividing (zeros allowed): the product of everything before
    i times the product of everything after it (torch's prod_safe_zeros_backward)."""
    n = x.shape[axis]
    ones = np.ones_like(np.take(x, [0], axis=axis))
    before = np.cumprod(np.concatenate([ones, np.take(x, range(n - 1), axis=axis)], axis=axis), axis=axis)
    rev = np.flip(np.take(x, range(1, n), axis=axis), axis=axis)
    after = np.flip(np.cumprod(np.concatenate([ones, rev], axis=axis), axis=axis), axis=axis)
    return before * after


class Prod(Function):
    """y = ∏ xᵢ.   dL/dxᵢ = dL/dy · y / xᵢ, i.e. dL/dy · ∏_{j≠i} xⱼ (computed without dividing when some x is 0:
    with two or more zeros every gradient is 0)."""

    node_name = "ProdBackward0"
    formula = "dL/dxᵢ = dL/dy · ∏_{j≠i} xⱼ  (= dL/dy · y/xᵢ when no x is 0)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dtype):
        x = _accumulator(x, dtype)
        y = np.asarray(np.prod(x, dtype=x.dtype))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        if x.ndim == 0:
            return grad
        zeros = int(np.count_nonzero(x == 0))
        if zeros == 0:
            with _quiet():
                return grad * (y / x)
        if zeros > 1:
            return np.zeros(x.shape, grad.dtype)
        return (grad * _exclusive_products(x.reshape(-1), 0)).reshape(x.shape)


class ProdDim(Function):
    """y = ∏ along ``dim`` of x.   dL/dxᵢ = dL/dy · ∏_{j≠i} xⱼ along the dim (y / xᵢ when no x is 0)."""

    node_name = "ProdBackward1"
    formula = "dL/dxᵢ = dL/dy · ∏_{j≠i} xⱼ along dim"
    array_api = True

    @staticmethod
    def forward(ctx, x, dim, keepdim, dtype):
        x = _accumulator(x, dtype)
        y = np.asarray(np.prod(x, axis=dim if x.ndim else None, keepdims=keepdim, dtype=x.dtype))
        ctx.save_for_backward(x, y)
        ctx.dim, ctx.keepdim = dim, keepdim
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        if x.ndim == 0:
            return grad
        g = _restore(grad, (ctx.dim,), ctx.keepdim, x.ndim)
        if not np.any(x == 0):
            with _quiet():
                return g * (_restore(y, (ctx.dim,), ctx.keepdim, x.ndim) / x)
        return g * _exclusive_products(x, ctx.dim)


def _centered(x: np.ndarray, axis: tuple[int, ...] | None) -> np.ndarray:
    """x − mean x over ``axis`` (the mean as Σx / n: NumPy's ``mean`` costs ~10 µs of overhead on small arrays)."""
    n = x.size if axis is None else math.prod(x.shape[d] for d in axis)
    return x - np.add.reduce(x, axis=axis, keepdims=True) / x.dtype.type(max(n, 1))


def _dof(x: np.ndarray, dims: tuple[int, ...] | None, correction: float) -> float:
    """max(0, n − correction), the divisor of the variance."""
    n = x.size if dims is None else math.prod(x.shape[d] for d in dims) if x.ndim else 1
    return max(0.0, n - correction)


def _two_over_dof(x: np.ndarray, dims: tuple[int, ...] | None, correction: float) -> np.generic:
    """2/max(0, n − correction) in x's dtype, as torch's var_backward (inf when there is no degree of freedom)."""
    with _quiet():
        return x.dtype.type(np.float64(2.0) / np.float64(_dof(x, dims, correction)))


def _variance(x: np.ndarray, dims: tuple[int, ...], correction: float, keepdim: bool) -> np.ndarray:
    """Σ(x − x̄)²/(n − c) in double (torch's CPU kernel accumulates float16/float32 in double and rounds once)."""
    wide = x.astype(np.float64) if x.dtype.itemsize < 8 else x
    axis = dims if x.ndim else None
    centered = _centered(wide, axis)
    with _quiet():
        # numpy's stubs type reduce's keepdims as Literal[True] or Literal[False] only, never a bool variable
        ss = np.add.reduce(centered * centered, axis=axis, keepdims=keepdim)  # type: ignore[call-overload]  # (numpy stubs: keepdims must be a literal)
        return np.asarray(ss / _dof(x, dims, correction))


class Var(Function):
    """v = Σ(x − x̄)² / (n − c) over ``dims`` (c = ``correction``).   dL/dx = dL/dv · 2(x − x̄)/(n − c)."""

    node_name = "VarBackward0"
    formula = "dL/dx = dL/dv · 2·(x − mean x) / (n − correction)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.save_for_backward(x)
        ctx.dims, ctx.correction, ctx.keepdim = dims, correction, keepdim
        return _variance(x, dims, correction, keepdim).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        dims = ctx.dims
        g = _restore(grad, dims or (), ctx.keepdim, x.ndim)
        centered = _centered(x, dims if x.ndim else None)
        with _quiet():
            return (_two_over_dof(x, dims, ctx.correction) * g) * centered


class Std(Function):
    """s = √var(x).   dL/dx = dL/ds / (2s) · 2(x − x̄)/(n − c)  (0 where s = 0, as torch)."""

    node_name = "StdBackward0"
    formula = "dL/dx = dL/ds / (2s) · 2·(x − mean x)/(n − correction)  (0 where s = 0)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        s = np.sqrt(_variance(x, dims, correction, keepdim)).astype(x.dtype)
        ctx.save_for_backward(x, s)
        ctx.dims, ctx.correction, ctx.keepdim = dims, correction, keepdim
        return s

    @staticmethod
    def backward(ctx, grad):
        x, s = ctx.saved_tensors
        dims = ctx.dims
        with _quiet():
            gv = np.where(s == 0, grad.dtype.type(0), grad / (s * 2))
            g = _restore(gv, dims or (), ctx.keepdim, x.ndim)
            centered = _centered(x, dims if x.ndim else None)
            return (_two_over_dof(x, dims, ctx.correction) * g) * centered


def n_shape(a: np.ndarray, axis: tuple[int, ...] | None, keepdim: bool) -> tuple[int, ...]:
    """The shape of a reduction of ``a`` over ``axis`` (all axes for None)."""
    dims = range(a.ndim) if axis is None else [d % a.ndim for d in axis]
    return tuple(1 if i in dims else n for i, n in enumerate(a.shape)) if keepdim else \
        tuple(n for i, n in enumerate(a.shape) if i not in dims)


def n_out(a: np.ndarray, axis: tuple[int, ...] | None, keepdim: bool) -> int:
    """How many results a reduction of ``a`` over ``axis`` has."""
    return int(np.prod(n_shape(a, axis, keepdim), dtype=np.int64))


class VectorNorm(Function):
    """n = (Σ|x|ᵖ)^(1/p) over ``dims`` (p = ∞: max|x|, −∞: min|x|, 0: the count of non-zeros).
    dL/dx = dL/dn · sign(x)|x|^(p−1) / n^(p−1);  p = 2: dL/dn · x/n;  p = 1: dL/dn · sign(x);
    p = ±∞: dL/dn · sign(x) shared among the elements with |x| = n;  p = 0: none (torch gives no gradient).
    (0 where n = 0.)"""

    node_name = "LinalgVectorNormBackward0"
    formula = "dL/dx = dL/dn · sign(x)·|x|^(p−1) / n^(p−1)  (p=2: x/n ; p=1: sign x ; p=∞: shared at the max)"
    array_api = True

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        axis = dims if (x.ndim and dims is not None) else None
        a = np.abs(x)
        with _quiet():
            if p == 2:
                n = np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdim))
            elif p == 1:
                n = np.sum(a, axis=axis, keepdims=keepdim)
            elif p == math.inf:
                n = np.max(a, axis=axis, keepdims=keepdim, initial=x.dtype.type(0))
            elif p == -math.inf:
                n = np.min(a, axis=axis, keepdims=keepdim)
            elif p == 0:
                n = np.sum(a != 0, axis=axis, keepdims=keepdim).astype(x.dtype)
            elif a.size == n_out(a, axis, keepdim):  # one element per norm: |x| itself (as torch, for any p)
                n = a if keepdim or (axis is None and a.ndim == 0) else a.reshape(n_shape(a, axis, keepdim))
            else:  # (float16 in float32, torch's opmath: 1/p must not round to 0)
                w = a.astype(np.float32) if x.dtype == np.float16 else a
                n = np.sum(w ** w.dtype.type(p), axis=axis, keepdims=keepdim) ** w.dtype.type(1.0 / p)
        n = np.asarray(n, dtype=x.dtype)
        ctx.save_for_backward(x, n)
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        return n

    @staticmethod
    def backward(ctx, grad):
        x, n = ctx.saved_tensors
        p = ctx.p
        dims = tuple(range(x.ndim)) if ctx.dims is None else ctx.dims
        g = _restore(grad, dims, ctx.keepdim, x.ndim)
        n = _restore(n, dims, ctx.keepdim, x.ndim)
        t = x.dtype.type
        with _quiet():
            if p == 0:  # torch returns no gradient at all (an undefined tensor): x.grad stays None
                return None
            if p == 1:
                return np.sign(x) * g
            if p == 2:
                return g * np.where(n == 0, t(0), x / n)
            if math.isinf(p):
                a = np.abs(x)
                mask = (a == n) | np.isnan(a)
                return np.sign(x) * ((g / np.sum(mask, axis=dims, keepdims=True)) * mask)
            if p < 1:
                scaled = np.sign(x) * np.where(x == 0, t(0), np.abs(x) ** t(p - 1))
                return scaled * g * n ** t(1 - p)
            scale = np.where(n == 0, t(0), g / n ** t(p - 1))
            if p < 2:
                return np.sign(x) * np.abs(x) ** t(p - 1) * scale
            return x * np.abs(x) ** t(p - 2) * scale


class Logsumexp(Function):
    """y = ln Σ eˣ over ``dims`` (computed as m + ln Σ e^(x−m), m = max x, so large x stay finite).
    dL/dx = dL/dy · e^(x − y)."""

    node_name = "LogsumexpBackward0"
    formula = "dL/dx = dL/dy · e^(x − y)  (the softmax of x)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        axis = dims if x.ndim else None
        if x.size == 0:
            y = np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdim))
        else:
            m = np.max(x, axis=axis, keepdims=True)
            m = np.where(np.isinf(m), x.dtype.type(0), m)
            with _quiet():
                s = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
            y = s if keepdim else (np.squeeze(s, axis) if x.ndim else s.reshape(()))
        y = np.asarray(y)
        ctx.save_for_backward(x, y)
        ctx.dims, ctx.keepdim = dims, keepdim
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        g = _restore(grad, ctx.dims, ctx.keepdim, x.ndim)
        with _quiet():
            return g * np.exp(x - _restore(y, ctx.dims, ctx.keepdim, x.ndim))


class Cumsum(Function):
    """yₖ = Σ_{i≤k} xᵢ along ``dim``.   dL/dxᵢ = Σ_{k≥i} dL/dyₖ (a cumulative sum from the end)."""

    node_name = "CumsumBackward0"
    formula = "dL/dxᵢ = Σ_{k≥i} dL/dyₖ"
    array_api = True

    @staticmethod
    def forward(ctx, x, dim, dtype):
        x = _accumulator(x, dtype)
        ctx.dim = dim
        return _running(np.add, x, dim) if x.ndim else x.copy()

    @staticmethod
    def backward(ctx, grad):
        if grad.ndim == 0:
            return grad
        return _reverse_cumsum(grad, ctx.dim)


class Cumprod(Function):
    """yₖ = ∏_{i≤k} xᵢ along ``dim``.   dL/dxᵢ = Σ_{k≥i} dL/dyₖ · ∏_{j≤k, j≠i} xⱼ  (= Σ_{k≥i} dL/dyₖ·yₖ / xᵢ
    when no x is 0)."""

    node_name = "CumprodBackward0"
    formula = "dL/dxᵢ = Σ_{k≥i} dL/dyₖ · ∏_{j≤k, j≠i} xⱼ"
    array_api = True

    @staticmethod
    def forward(ctx, x, dim, dtype):
        x = _accumulator(x, dtype)
        y = _running(np.multiply, x, dim) if x.ndim else x.copy()
        ctx.save_for_backward(x, y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        if x.ndim == 0 or x.size == 0:
            return grad
        d = ctx.dim
        if not np.any(x == 0):
            with _quiet():
                return _reverse_cumsum(grad * y, d) / x
        # zeros: the product without xᵢ, element by element along the dim (exact, O(n²))
        xm = np.moveaxis(x, d, -1)
        gm = np.moveaxis(grad, d, -1)
        out = np.empty_like(xm)
        for i in range(xm.shape[-1]):
            without = xm.copy()
            without[..., i] = 1
            partial = np.cumprod(without, axis=-1)
            out[..., i] = np.sum(gm[..., i:] * partial[..., i:], axis=-1)
        return np.moveaxis(out, -1, d)


class Amax(Function):
    """y = max over ``dims`` of x.   dL/dx = dL/dy / k at the k elements equal to the max, 0 elsewhere."""

    node_name = "AmaxBackward0"
    formula = "dL/dx = dL/dy / k where x = y (k ties), else 0"
    array_api = True
    _reduce = staticmethod(np.max)

    @classmethod
    def _forward(cls, ctx, x, dims, keepdim):
        y = np.asarray(cls._reduce(x, axis=dims if x.ndim else None, keepdims=keepdim))
        ctx.save_for_backward(x, y)
        ctx.dims, ctx.keepdim = dims, keepdim
        return y

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        return Amax._forward(ctx, x, dims, keepdim)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        dims = ctx.dims if x.ndim else None
        mask = x == _restore(y, ctx.dims, ctx.keepdim, x.ndim)
        count = np.sum(mask, axis=dims, keepdims=True)
        return (_restore(grad, ctx.dims, ctx.keepdim, x.ndim) / count.astype(grad.dtype)) * mask


class Amin(Amax):
    """y = min over ``dims`` of x.   dL/dx = dL/dy / k at the k elements equal to the min, 0 elsewhere."""

    node_name = "AminBackward0"
    formula = "dL/dx = dL/dy / k where x = y (k ties), else 0"
    _reduce = staticmethod(np.min)

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        return Amin._forward(ctx, x, dims, keepdim)
