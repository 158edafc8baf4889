"""``Tensor``'s arithmetic: operators, elementwise functions, comparisons and products (layer 5).

Each method is the layer-4 function of the same name (``minigrad/surface/arithmetic.py``), which reads the
arguments and calls the op (``minigrad/ops/``); ``t.exp()`` and friends call their op directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad._tensor_base import wrap
from minigrad.ops import unary as _unary
from minigrad.surface import arithmetic as _s

if TYPE_CHECKING:  # (the type checker reads a mixin's self as a tensor: TensorBase's slots and layer 5's methods)
    from minigrad._tensor_base import TensorBase as _Storage
else:
    _Storage = object

__all__ = ["ArithmeticMethods"]


class ArithmeticMethods(_Storage):
    """``+ - * / // % ** @ & | ^ ~``, comparisons, and the elementwise functions."""

    __slots__ = ()

    # -------------------------------------------------------------- operators
    __add__ = __radd__ = _s.add_operator
    __sub__ = _s.sub_operator
    __rsub__ = _s.rsub_operator
    __mul__ = __rmul__ = _s.mul
    __truediv__ = _s.div
    __rtruediv__ = _s.rtruediv_operator
    __floordiv__ = _s.floordiv_operator
    __rfloordiv__ = _s.rfloordiv_operator
    __mod__ = _s.mod_operator
    __rmod__ = _s.rmod_operator
    __pow__ = _s.pow
    __rpow__ = _s.rpow_operator
    __neg__ = _s.neg
    __invert__ = _s.invert_operator
    __and__ = __rand__ = _s.and_operator
    __or__ = __ror__ = _s.or_operator
    __xor__ = __rxor__ = _s.xor_operator
    __matmul__ = _s.matmul
    __rmatmul__ = _s.rmatmul_operator

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _s.abs(self)

    # -------------------------------------------------------------- named arithmetic
    add = _s.add
    sub = _s.sub
    subtract = _s.subtract
    mul = multiply = _s.mul
    div = divide = _s.div
    pow = _s.pow
    neg = negative = _s.neg
    reciprocal = _s.reciprocal
    matmul = _s.matmul
    mm = _s.mm
    dot = _s.dot

    # -------------------------------------------------------------- elementwise functions
    def exp(self) -> Any:
        return _unary.Exp.apply(self)

    def log(self) -> Any:
        return _unary.Log.apply(self)

    def sigmoid(self) -> Any:
        return _unary.Sigmoid.apply(self)

    def tanh(self) -> Any:
        return _unary.Tanh.apply(self)

    relu = _s.relu

    def sqrt(self) -> Any:
        return _unary.Sqrt.apply(self)

    abs = _s.abs
    clamp = clip = _s.clamp
    round = _s.round

    # -------------------------------------------------------------- comparisons (no gradient)
    eq = _s.eq
    ne = _s.ne
    lt = __lt__ = _s.lt
    le = __le__ = _s.le
    gt = __gt__ = _s.gt
    ge = __ge__ = _s.ge
    __eq__ = _s.eq_operator  # elementwise, as torch: not object's bool __eq__
    __ne__ = _s.ne_operator  # the same
    equal = _s.equal
    allclose = _s.allclose
    __contains__ = _s.contains

    def __hash__(self) -> int:  # (a class defining __eq__ must say it stays hashable: by identity)
        return id(self)

    def isnan(self) -> Any:
        return wrap(np.isnan(self._data))
