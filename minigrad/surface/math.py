"""torch's elementwise math functions (``torch.sin``, ``torch.atan2``, ``torch.remainder``...): the checks torch
makes and its error text, then the op from ``minigrad.ops.math``."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from minigrad import _tensor_base as _base  # (module: read at call time, see _tensor/math.py)
from minigrad._dtype import from_numpy_dtype, get_default_dtype
from minigrad.ops import arithmetic as _arith
from minigrad.ops import math as _m
from minigrad.surface.arithmetic import check_int_zero
from minigrad.surface.conversion import check_float_fits
from minigrad.surface.functional import div

__all__ = [
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "arctan2", "sinh", "cosh", "exp2", "expm1", "log2",
    "log10", "log1p", "rsqrt", "square", "sign", "floor", "ceil", "trunc", "fix", "frac", "erf", "logit",
    "true_divide", "floor_divide", "remainder", "fmod", "arcsin", "arccos", "arctan",
]


def _input(x: Any, name: str) -> Any:
    if not isinstance(x, _base.TensorBase):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x


def sin(input: Any) -> Any:
    return _m.Sin.apply(_input(input, "sin"))


def cos(input: Any) -> Any:
    return _m.Cos.apply(_input(input, "cos"))


def tan(input: Any) -> Any:
    return _m.Tan.apply(_input(input, "tan"))


def asin(input: Any) -> Any:
    return _m.Asin.apply(_input(input, "asin"))


def acos(input: Any) -> Any:
    return _m.Acos.apply(_input(input, "acos"))


def atan(input: Any) -> Any:
    return _m.Atan.apply(_input(input, "atan"))


arcsin, arccos, arctan = asin, acos, atan


def atan2(input: Any, other: Any) -> Any:
    """The angle of the point (other, input), broadcast (``Atan2Backward0``)."""
    _input(input, "atan2")
    if not isinstance(other, _base.TensorBase):
        raise TypeError(f"atan2(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return _m.Atan2.apply(input, other)


arctan2 = atan2


def sinh(input: Any) -> Any:
    return _m.Sinh.apply(_input(input, "sinh"))


def cosh(input: Any) -> Any:
    return _m.Cosh.apply(_input(input, "cosh"))


def exp2(input: Any) -> Any:
    return _m.Exp2.apply(_input(input, "exp2"))


def expm1(input: Any) -> Any:
    return _m.Expm1.apply(_input(input, "expm1"))


def log2(input: Any) -> Any:
    return _m.Log2.apply(_input(input, "log2"))


def log10(input: Any) -> Any:
    return _m.Log10.apply(_input(input, "log10"))


def log1p(input: Any) -> Any:
    return _m.Log1p.apply(_input(input, "log1p"))


def rsqrt(input: Any) -> Any:
    return _m.Rsqrt.apply(_input(input, "rsqrt"))


def square(input: Any) -> Any:
    """x², as torch records it: pow(x, 2) (``PowBackward0``); bool becomes int64."""
    x = _input(input, "square")
    if x._data.dtype.kind == "b":
        x = _base.wrap(x._data.astype(np.int64))
    return _arith.Pow.apply(x, 2)


def sign(input: Any) -> Any:
    return _m.Sign.apply(_input(input, "sign"))


def _rounding(x: Any, op: Any, name: str) -> Any:
    _input(x, name)
    if x._data.dtype.kind == "b":
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Bool'")
    return op.apply(x)


def floor(input: Any) -> Any:
    return _rounding(input, _m.Floor, "floor")


def ceil(input: Any) -> Any:
    return _rounding(input, _m.Ceil, "ceil")


def trunc(input: Any) -> Any:
    return _rounding(input, _m.Trunc, "trunc")


fix = trunc


def frac(input: Any) -> Any:
    """x − trunc(x), floating tensors only (torch's "frac_cpu" error otherwise)."""
    x = _input(input, "frac")
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{from_numpy_dtype(x._data.dtype).scalar_name}'")
    return _m.Frac.apply(x)


def erf(input: Any) -> Any:
    return _m.Erf.apply(_input(input, "erf"))


def logit(input: Any, eps: float | None = None) -> Any:
    """ln(z/(1 − z)), z = x clamped to [eps, 1 − eps] when eps is given."""
    x = _input(input, "logit")
    if eps is not None:
        eps = float(eps)  # torch's checked cast to the computation's float dtype (1e308 overflows float32)
        check_float_fits(x._data.dtype if x._data.dtype.kind == "f" else get_default_dtype().np, eps)
    return _m.Logit.apply(x, eps)


def true_divide(dividend: Any, divisor: Any) -> Any:
    """``div`` (true division) under its old name: ``DivBackward0`` as torch records it; a Python number as the
    dividend is torch's wrapped number, as for ``div``."""
    if isinstance(dividend, bool | int | float):
        return div(dividend, divisor)
    return _input(dividend, "true_divide") / divisor


def _operand(x: Any, name: str) -> Any:
    """A binary op's second operand: a tensor's array or a Python number (0-d arrays count as numbers)."""
    if isinstance(x, _base.TensorBase):
        return x
    if isinstance(x, bool | int | float):
        return x
    if isinstance(x, numbers.Number | np.generic):
        return x.item() if isinstance(x, np.generic) else float(x)  # type: ignore[arg-type]  # (a number or a 0-d value)
    raise TypeError(f"{name}(): argument 'other' (position 2) must be Number or Tensor, not {type(x).__name__}")


def _wrapped_number(other: Any, x: Any) -> Any:
    """A Python number first operand of a binary op with a tensor: a 0-d tensor in the op's result dtype (an int
    beyond an integer dtype wraps), as torch's wrapped number."""
    a, y = _arith.promote(other._data, x)  # (a is in the result dtype)
    return _base.wrap(np.asarray(y, dtype=a.dtype))


def remainder(input: Any, other: Any) -> Any:
    """Python's modulo: the result has the divisor's sign (``RemainderBackward0`` for a number divisor,
    ``RemainderBackward1`` for a tensor)."""
    if not isinstance(input, _base.TensorBase) and isinstance(other, _base.TensorBase):  # remainder(Scalar, Tensor)
        x = _wrapped_number(other, _operand(input, "remainder"))
        check_int_zero(x, other, "remainder_cpu")
        return _m.RemainderScalarTensor.apply(x, other)  # (torch's node: NotImplemented)
    o = _operand(other, "remainder")
    check_int_zero(_input(input, "remainder"), o, "remainder_cpu")
    if isinstance(o, _base.TensorBase):
        return _m.RemainderTensor.apply(input, o)
    return _m.Remainder.apply(input, o)


def fmod(input: Any, other: Any) -> Any:
    """C's fmod: the result has the dividend's sign (``FmodBackward0`` / ``FmodBackward1``)."""
    o = _operand(other, "fmod")
    check_int_zero(_input(input, "fmod"), o, "fmod_cpu")
    if isinstance(o, _base.TensorBase):
        return _m.FmodTensor.apply(input, o)
    return _m.Fmod.apply(input, o)


def floor_divide(input: Any, other: Any) -> Any:
    """⌊input/other⌋ (torch has no derivative for it: backward through the result raises, as in torch)."""
    o = _operand(other, "floor_divide")
    if isinstance(input, bool | int | float) and not isinstance(o, _base.TensorBase):  # two numbers: torch wraps
        input = _base.wrap(np.asarray(input, dtype=np.int64 if isinstance(input, int) and isinstance(o, int)
                                      else get_default_dtype().np))
    elif isinstance(input, bool | int | float) and isinstance(o, _base.TensorBase):
        input = _wrapped_number(o, input)
    check_int_zero(_input(input, "floor_divide"), o, "div_floor_cpu")
    return _m.FloorDivide.apply(input, o)
