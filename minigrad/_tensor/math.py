"""Tensor methods of the curriculum ops: elementwise math and its in-place ``_`` variants, the reductions,
selection/batched ops and the random fills. Each delegates to the torch-facing function of ``minigrad.surface``."""

from __future__ import annotations

from typing import Any

from minigrad.autograd import grad_mode
from minigrad.autograd.function import bump_version
from minigrad.surface import arithmetic as _arithmetic
from minigrad.surface import batched as _batched
from minigrad.surface import inplace as _inplace
from minigrad.surface import math as _math
from minigrad.surface import random as _random
from minigrad.surface import selection as _sel
from minigrad.surface import stats as _stats
from minigrad.surface.parser import UNSET

__all__ = ["MathMethods"]

_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _in_place(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """``self = fn(self, ...)`` in place: recorded in the graph when autograd must see it (a copy of the old self
    is the op's input, self becomes its output), else the values written into self's memory. torch's errors for a
    result of a higher type than self (a float result into an integer tensor) and for a broadcast result."""
    needs = grad_mode.state.enabled and (
        self.requires_grad or any(getattr(a, "requires_grad", False) for a in args))
    if needs:
        self._check_inplace()
        out = fn(self._snapshot(), *args, **kwargs)
    else:
        with grad_mode.no_grad():
            out = fn(self, *args, **kwargs)
    a, r = self._data, out._data
    if r.shape != a.shape:  # (torch checks the shape first)
        raise RuntimeError(f"output with shape {list(a.shape)} doesn't match the broadcast shape {list(r.shape)}")
    if _KIND_RANK[r.dtype.kind] > _KIND_RANK[a.dtype.kind]:
        raise RuntimeError(f"result type {out.dtype.scalar_name} can't be cast to the desired output type "
                           f"{self.dtype.scalar_name}")
    if needs:
        return self._rebind(out)
    a[...] = r
    bump_version(self._vc)
    return self


class MathMethods:
    """Mixin of ``Tensor``: the math, reduction, selection, batched and random methods of the curriculum."""

    __slots__ = ()

    # ---------------------------------------------------------------- elementwise
    sin = _math.sin
    cos = _math.cos
    tan = _math.tan
    asin = arcsin = _math.asin
    acos = arccos = _math.acos
    atan = arctan = _math.atan
    atan2 = arctan2 = _math.atan2
    sinh = _math.sinh
    cosh = _math.cosh
    exp2 = _math.exp2
    expm1 = _math.expm1
    log2 = _math.log2
    log10 = _math.log10
    log1p = _math.log1p
    rsqrt = _math.rsqrt
    square = _math.square
    sign = _math.sign
    floor = _math.floor
    ceil = _math.ceil
    trunc = fix = _math.trunc
    frac = _math.frac
    erf = _math.erf
    logit = _math.logit
    true_divide = _math.true_divide
    floor_divide = _math.floor_divide
    remainder = _math.remainder
    fmod = _math.fmod

    def sin_(self) -> Any:
        return _in_place(self, _math.sin)

    def cos_(self) -> Any:
        return _in_place(self, _math.cos)

    def tan_(self) -> Any:
        return _in_place(self, _math.tan)

    def asin_(self) -> Any:
        return _in_place(self, _math.asin)

    def acos_(self) -> Any:
        return _in_place(self, _math.acos)

    def atan_(self) -> Any:
        return _in_place(self, _math.atan)

    def atan2_(self, other: Any) -> Any:
        return _in_place(self, _math.atan2, other)

    arcsin_, arccos_, arctan_, arctan2_ = asin_, acos_, atan_, atan2_

    def sinh_(self) -> Any:
        return _in_place(self, _math.sinh)

    def cosh_(self) -> Any:
        return _in_place(self, _math.cosh)

    def exp2_(self) -> Any:
        return _in_place(self, _math.exp2)

    def expm1_(self) -> Any:
        return _in_place(self, _math.expm1)

    def log2_(self) -> Any:
        return _in_place(self, _math.log2)

    def log10_(self) -> Any:
        return _in_place(self, _math.log10)

    def log1p_(self) -> Any:
        return _in_place(self, _math.log1p)

    def rsqrt_(self) -> Any:
        return _in_place(self, _math.rsqrt)

    def square_(self) -> Any:
        return _in_place(self, _math.square)

    def sign_(self) -> Any:
        return _in_place(self, _math.sign)

    def floor_(self) -> Any:
        return _in_place(self, _math.floor)

    def ceil_(self) -> Any:
        return _in_place(self, _math.ceil)

    def trunc_(self) -> Any:
        return _in_place(self, _math.trunc)

    fix_ = trunc_

    def frac_(self) -> Any:
        return _in_place(self, _math.frac)

    def erf_(self) -> Any:
        return _in_place(self, _math.erf)

    def logit_(self, eps: float | None = None) -> Any:
        return _in_place(self, _math.logit, eps)

    def div_(self, other: Any, *, rounding_mode: Any = UNSET) -> Any:
        """``self /= other``; with ``rounding_mode``, the rounded quotient (``DivBackward2``) written into self."""
        if rounding_mode is UNSET:
            return _inplace.div_(self, other)
        return _in_place(self, _arithmetic.div, other, rounding_mode=rounding_mode)

    divide_ = div_

    def true_divide_(self, other: Any) -> Any:
        return _in_place(self, _math.true_divide, other)

    def floor_divide_(self, other: Any) -> Any:
        return _in_place(self, _math.floor_divide, other)

    def remainder_(self, other: Any) -> Any:
        return _in_place(self, _math.remainder, other)

    def fmod_(self, other: Any) -> Any:
        return _in_place(self, _math.fmod, other)

    # ---------------------------------------------------------------- reductions
    prod = _stats.prod
    var = _stats.var
    std = _stats.std
    norm = _stats.norm
    logsumexp = _stats.logsumexp
    cumsum = _stats.cumsum
    cumprod = _stats.cumprod
    amax = _stats.amax
    amin = _stats.amin
    all = _stats.all
    any = _stats.any

    def cumsum_(self, dim: Any, *, dtype: Any = None) -> Any:
        if _stats.scan_in_place_is_noop(self, "cumsum", dim, dtype):
            return self
        return _in_place(self, _stats.cumsum, dim, dtype=dtype)

    def cumprod_(self, dim: Any, *, dtype: Any = None) -> Any:
        if _stats.scan_in_place_is_noop(self, "cumprod", dim, dtype):
            return self
        return _in_place(self, _stats.cumprod, dim, dtype=dtype)

    # ---------------------------------------------------------------- selection
    gather = _sel.gather
    scatter = _sel.scatter
    scatter_add = _sel.scatter_add
    index_select = _sel.index_select
    masked_fill = _sel.masked_fill
    masked_select = _sel.masked_select
    topk = _sel.topk
    sort = _sel.sort
    argsort = _sel.argsort
    repeat = _sel.repeat
    tile = _sel.tile
    chunk = _sel.chunk
    split = _sel.split
    tril = _sel.tril
    triu = _sel.triu

    def scatter_(self, dim: Any, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None) -> Any:
        return _in_place(self, _sel.scatter, dim, index, src, value=value, reduce=reduce)

    def scatter_add_(self, dim: Any, index: Any, src: Any) -> Any:
        return _in_place(self, _sel.scatter_add, dim, index, src)

    def masked_fill_(self, mask: Any, value: Any) -> Any:
        return _in_place(self, _sel.masked_fill, mask, value)

    def tril_(self, diagonal: Any = 0) -> Any:
        return _in_place(self, _sel.tril, diagonal)

    def triu_(self, diagonal: Any = 0) -> Any:
        return _in_place(self, _sel.triu, diagonal)

    # ---------------------------------------------------------------- batched / linear algebra
    bmm = _batched.bmm
    baddbmm = _batched.baddbmm
    matrix_power = _batched.matrix_power
    outer = ger = _batched.outer

    def baddbmm_(self, batch1: Any, batch2: Any, *deprecated: Any, beta: Any = UNSET, alpha: Any = UNSET) -> Any:
        return _in_place(self, _batched.baddbmm, batch1, batch2, *deprecated, beta=beta, alpha=alpha)

    # ---------------------------------------------------------------- random
    bernoulli = _random.bernoulli
    bernoulli_ = _random.bernoulli_
    multinomial = _random.multinomial
    exponential_ = _random.exponential_
    random_ = _random.random_
