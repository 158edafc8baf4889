"""Arithmetic, comparisons, elementwise functions and matrix products, as torch takes their arguments.

Each function reads its operands (``operand``: a Tensor or a Python number), checks what torch checks, and
calls one op of ``minigrad.ops``; the operators of ``Tensor`` (``a + b``, ``a @ b``) are these functions. The
math (and each backward rule) is in ``minigrad/ops/arithmetic.py``, ``unary.py`` and ``linalg.py``.
"""

from __future__ import annotations

import builtins
import math
import numbers
from typing import Any

import numpy as np

from minigrad import _dtype
from minigrad._dtype import from_numpy_dtype
from minigrad._tensor_base import TensorBase, wrap
from minigrad.autograd import grad_mode
from minigrad.autograd.function import _broadcast_error
from minigrad.ops import arithmetic as _arith
from minigrad.ops import shape as _shape
from minigrad.ops import unary as _unary
from minigrad.surface import linear as _products
from minigrad.surface import parser
from minigrad.surface.conversion import checked_bound, overflow_error, scalar_value
from minigrad.surface.parser import UNSET, tensor_arg

__all__ = [
    "operand", "check_alpha", "check_sub", "add", "sub", "subtract", "mul", "div", "pow", "matmul", "mm", "dot",
    "broadcastable", "eq", "ne", "lt", "le", "gt", "ge", "equal", "allclose", "abs", "relu", "clamp", "clamp_bounds",
    "round",
]

_state = grad_mode.state
_Add, _Sub, _Mul, _Div = _arith.Add, _arith.Sub, _arith.Mul, _arith.Div


def operand(x: Any) -> Any:
    """The operand a binary op works with: a Tensor, or a Python number; anything else is a TypeError."""
    if isinstance(x, TensorBase):
        return x
    if isinstance(x, bool | int | float):
        return x
    if isinstance(x, np.ndarray | np.generic):
        return wrap(np.asarray(x))
    if isinstance(x, numbers.Number):
        return float(x)  # type: ignore[arg-type]  # (a Number without __float__, e.g. complex, is a TypeError too)
    raise TypeError(f"unsupported operand type for a Tensor operation: '{type(x).__name__}'")


def broadcastable(a: np.ndarray, b: Any) -> bool:
    try:
        np.broadcast_shapes(a.shape, np.shape(b))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------- + - * / **
def add_operator(input: Any, other: Any) -> Any:
    """``input + other`` (and ``other + input``)."""
    return _Add.apply(input, operand(other))


def sub_operator(input: Any, other: Any) -> Any:
    other = operand(other)
    check_sub(input._data, other._data if isinstance(other, TensorBase) else other)
    return _Sub.apply(input, other)


def rsub_operator(input: Any, other: Any) -> Any:
    """``other - input``."""
    other = operand(other)
    if isinstance(other, TensorBase):
        check_sub(other._data, input._data)
        return _Sub.apply(other, input)
    check_sub(other, input._data)
    return _arith.Rsub.apply(input, other)


def check_sub(x: Any, y: Any) -> None:
    """torch refuses ``-`` when an operand (an array or a Python scalar) is bool."""
    bx = x.dtype.kind == "b" if isinstance(x, np.ndarray) else type(x) is bool
    by = y.dtype.kind == "b" if isinstance(y, np.ndarray) else type(y) is bool
    if bx and by:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` "
            "operator instead."
        )
    if bx or by:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, "
            "use the `~` or `logical_not()` operator instead."
        )


def mul(input: Any, other: Any) -> Any:
    """``input · other``."""
    return _Mul.apply(input, operand(other))


def div(input: Any, other: Any, *, rounding_mode: Any = UNSET) -> Any:
    """``input / other``; with ``rounding_mode`` (None, 'trunc' or 'floor'), torch's ``DivBackward2``."""
    if rounding_mode is UNSET:
        return _Div.apply(input, operand(other))
    return rounded_div(input, other, rounding_mode)


def rounded_div(input: Any, other: Any, rounding_mode: Any) -> Any:
    """``div(input, other, rounding_mode=...)``: the mode checked as torch checks it, integer zero divisors refused."""
    if rounding_mode is not None and not isinstance(rounding_mode, str):
        raise TypeError(f"div() received an invalid combination of arguments - got rounding_mode="
                        f"{type(rounding_mode).__name__}, but expected str rounding_mode")
    if rounding_mode not in (None, "trunc", "floor"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    o = operand(other)
    if rounding_mode is not None:
        check_int_zero(input, o, f"div_{rounding_mode}_cpu")
    return _arith.DivRounded.apply(input, o, rounding_mode)


def check_int_zero(x: Any, y: Any, kernel: str) -> None:
    """Integer division by zero is torch's RuntimeError; bool operands its not-implemented error."""
    xa = x._data
    ya = y._data if isinstance(y, TensorBase) else np.asarray(y)
    if xa.dtype.kind == "b" and ya.dtype.kind == "b":
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    if xa.dtype.kind in "biu" and ya.dtype.kind in "biu" and xa.size:
        try:  # the divisor as the op reads it: in the result dtype (a Python int beyond it wraps, 2**40 → 0)
            ya = np.asarray(_arith.promote(xa, y._data if isinstance(y, TensorBase) else y)[1])
        except OverflowError:
            return  # (the op raises torch's error)
        if np.any(ya == 0):
            raise RuntimeError("ZeroDivisionError")


def rtruediv_operator(input: Any, other: Any) -> Any:
    """``other / input``."""
    other = operand(other)
    if isinstance(other, TensorBase):
        return _Div.apply(other, input)
    return _Mul.apply(_arith.Reciprocal.apply(input), other)  # torch: reciprocal(x)·c


def pow(input: Any, exponent: Any) -> Any:
    exponent = operand(exponent)
    if isinstance(exponent, TensorBase):
        _check_pow_tensors(input._data, exponent._data)
        return _arith.PowTensor.apply(input, exponent)
    _check_pow_number(input._data, exponent)
    return _arith.Pow.apply(input, exponent)


def rpow_operator(input: Any, other: Any) -> Any:
    """``other ** input``."""
    other = operand(other)
    if isinstance(other, TensorBase):
        _check_pow_tensors(other._data, input._data)
        return _arith.PowTensor.apply(other, input)
    return _arith.RPow.apply(input, other)


def _check_pow_number(x: np.ndarray, c: Any) -> None:
    """torch's errors for ``tensor ** number``: an integral tensor to a negative integer power; an integer exponent
    beyond the tensor's integer dtype."""
    if type(c) is int:
        if x.dtype.kind in "biu" and c < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if x.dtype.kind in "iu" and not _arith._fits(c, x.dtype):
            name = {"int32": "int"}.get(x.dtype.name, f"{x.dtype.name}_t")
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
        if x.dtype.kind == "b" and not _arith._fits(c, np.dtype(np.int64)):  # (bool ** int computes in int64)
            raise RuntimeError("value cannot be converted to type int64_t without overflow")


def _check_pow_tensors(x: np.ndarray, y: np.ndarray) -> None:
    if x.dtype.kind == "b" and y.dtype.kind == "b":
        raise NotImplementedError('"pow" not implemented for \'Bool\'')


def neg(input: Any) -> Any:
    if input._data.dtype.kind == "b":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    return _arith.Neg.apply(input)


def reciprocal(input: Any) -> Any:
    return _arith.Reciprocal.apply(input)


def check_alpha(t: Any, other: Any, alpha: Any, name: str = "add") -> Any:
    """``alpha`` as a number (a 0-d tensor gives its value, as in torch). torch refuses a floating ``alpha`` when
    both operands are integral (or bool), and a bool ``alpha`` unless the result is bool."""
    alpha = parser.alpha_number(alpha, name)
    o_kind = (other._data.dtype.kind if isinstance(other, TensorBase)
              else "b" if isinstance(other, bool) else "f" if isinstance(other, float) else "i")
    if isinstance(alpha, float) and t._data.dtype.kind in "biu" and o_kind in "biu":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if isinstance(alpha, bool):
        o = other._data if isinstance(other, TensorBase) else other
        if _dtype.result_type(t._data, o).kind != "b":
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        return alpha
    if type(alpha) is int and not -127 <= alpha <= 127:
        sub = name.startswith("sub")
        if sub and not -(2**63) < alpha < 2**63:
            # torch's sub adds other·(−alpha), negated in int64 (two's complement: −(−2**63) is −2**63 and
            # −(2**64 − 1) is 1)
            alpha = -((2**63 - alpha) % 2**64 - 2**63)
        res = _dtype.result_type(t._data, other._data if isinstance(other, TensorBase) else other)
        if res.kind in "iu":  # torch's checked cast to the result dtype (-255..-1 wraps into uint8)
            if sub:
                checked_bound(res, -alpha)
            else:
                alpha = checked_bound(res, alpha)
    if isinstance(alpha, int | float) and math.isfinite(alpha) and builtins.abs(alpha) > 65504:  # float16's largest
        res = _dtype.result_type(t._data, other._data if isinstance(other, TensorBase) else other)
        if res.kind == "f" and res.itemsize < 8 and builtins.abs(alpha) > float(np.finfo(res).max):
            raise overflow_error(res)
    return alpha


def _with_alpha(fn: Any, name: str, input: Any, other: Any, deprecated: tuple[Any, ...], alpha: Any) -> Any:
    if deprecated:
        other, alpha = parser.deprecated_alpha(name, other, deprecated, alpha)
    other = operand(other)
    if type(alpha) is not int or alpha != 1:
        alpha = check_alpha(input, other, alpha, name)
    if fn is _Sub:
        check_sub(input._data, other._data if isinstance(other, TensorBase) else other)
    return fn.apply(input, other, alpha)


def add(input: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Any:
    """``input + alpha·other``; ``add(alpha, other)`` is torch's deprecated spelling."""
    return _with_alpha(_Add, "add", input, other, deprecated, alpha)


def sub(input: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Any:
    """``input − alpha·other``; ``sub(alpha, other)`` is torch's deprecated spelling."""
    return _with_alpha(_Sub, "sub", input, other, deprecated, alpha)


def subtract(input: Any, other: Any, *positional_alpha: Any, alpha: Any = UNSET) -> Any:
    """``input − alpha·other`` (``subtract(other, alpha)`` is torch's Scalar overload: see the parser)."""
    if positional_alpha:
        alpha = parser.subtract_scalar_alpha(other, positional_alpha, alpha)
    return _with_alpha(_Sub, "subtract", input, other, (), 1 if alpha is UNSET else alpha)


# ---------------------------------------------------------------------------------------------- // % & | ^ ~
def _floor_or_mod(input: Any, other: Any, ufunc: Any, kernel: str, reflected: bool = False) -> Any:
    """``//`` and ``%`` (floor division, Python-style remainder) in torch's result dtype, with torch's
    errors: integer division by zero, bool operands. No graph is recorded."""
    o = operand(other)
    x, y = _arith.promote(input._data, o._data if isinstance(o, TensorBase) else o)
    if reflected:
        x, y = y, x
    dt = np.result_type(x, y)
    if dt.kind == "b":
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    yo = o._data if isinstance(o, TensorBase) else o
    if dt == np.float16 and ufunc is np.floor_divide and not reflected and np.ndim(yo) == 0 and not isinstance(
            yo, bool) and np.asarray(yo).dtype.kind in "fiu":
        # torch's div_floor kernel reads a float16 op's 0-d second operand in float32, unrounded (0.4683 // a
        # float32 0.46827602 is 0, not float16's 0.4683 // 0.4683 = 1); its remainder rounds it
        x, y = x.astype(np.float32), np.float32(yo)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # x // 0. is ±inf or nan, silently, as in torch
            out = np.asarray(ufunc(x, y))
    except ValueError:
        raise _broadcast_error(x, y) from None
    if out.dtype != dt:
        out = out.astype(dt)
    if dt.kind in "iu" and out.size and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    return wrap(out)


def floordiv_operator(input: Any, other: Any) -> Any:
    return _floor_or_mod(input, other, np.floor_divide, "div_floor_cpu")


def rfloordiv_operator(input: Any, other: Any) -> Any:
    return _floor_or_mod(input, other, np.floor_divide, "div_floor_cpu", reflected=True)


def mod_operator(input: Any, other: Any) -> Any:
    return _floor_or_mod(input, other, np.mod, "remainder_cpu")


def rmod_operator(input: Any, other: Any) -> Any:
    return _floor_or_mod(input, other, np.mod, "remainder_cpu", reflected=True)


def invert_operator(input: Any) -> Any:
    if input._data.dtype.kind not in "biu":
        raise TypeError("~ (bitwise not) is only supported for integer and bool tensors")
    return wrap(~input._data)


def _bitwise(input: Any, other: Any, ufunc: Any, kernel: str) -> Any:
    """``&``, ``|``, ``^`` of integer or bool operands, in torch's result dtype (no gradient)."""
    o = operand(other)
    a, b = _arith.promote(input._data, o._data if isinstance(o, TensorBase) else o)
    dt = np.result_type(a, b)
    if dt.kind == "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{from_numpy_dtype(dt).scalar_name}\'')
    try:
        return wrap(np.asarray(ufunc(a, b)))
    except ValueError:
        raise _broadcast_error(a, b) from None


def and_operator(input: Any, other: Any) -> Any:
    return _bitwise(input, other, np.bitwise_and, "bitwise_and_cpu")


def or_operator(input: Any, other: Any) -> Any:
    return _bitwise(input, other, np.bitwise_or, "bitwise_or_cpu")


def xor_operator(input: Any, other: Any) -> Any:
    return _bitwise(input, other, np.bitwise_xor, "bitwise_xor_cpu")


# ---------------------------------------------------------------------------------------------- comparisons
def _compare(input: Any, other: Any, op: Any) -> Any:
    """An elementwise comparison (no gradient), in torch's promoted dtype."""
    o = operand(other)
    a, b = _arith.promote(input._data, o._data if isinstance(o, TensorBase) else o)
    if type(b) is float and a.dtype == np.float16:
        b = _dtype.scalar_as(a.dtype, b)  # (torch compares with the number made a float16 through float32)
    try:
        return wrap(np.asarray(op(a, b)))
    except ValueError:
        raise _broadcast_error(a, b) from None


def eq(input: Any, other: Any) -> Any:
    return _compare(input, other, np.equal)


def ne(input: Any, other: Any) -> Any:
    return _compare(input, other, np.not_equal)


def lt(input: Any, other: Any) -> Any:
    return _compare(input, other, np.less)


def le(input: Any, other: Any) -> Any:
    return _compare(input, other, np.less_equal)


def gt(input: Any, other: Any) -> Any:
    return _compare(input, other, np.greater)


def ge(input: Any, other: Any) -> Any:
    return _compare(input, other, np.greater_equal)


_COMPARABLE = TensorBase | numbers.Number | np.ndarray | np.generic


def eq_operator(input: Any, other: Any) -> Any:
    """Elementwise ``==``; against a non-numeric object (None, a string, a list) Python's fallback decides
    (False), as with torch."""
    if not isinstance(other, _COMPARABLE):
        return NotImplemented
    return _compare(input, other, np.equal)


def ne_operator(input: Any, other: Any) -> Any:
    if not isinstance(other, _COMPARABLE):
        return NotImplemented
    return _compare(input, other, np.not_equal)


def equal(input: Any, other: Any) -> bool:
    tensor_arg(other, "equal")
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


def allclose(input: Any, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    rtol, atol = parser.float_arg(rtol, "allclose", "rtol", 2), parser.float_arg(atol, "allclose", "atol", 3)
    rtol, atol = (float(v) if isinstance(v, numbers.Real) else v for v in (rtol, atol))  # (torch reads doubles)
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if isinstance(tol, numbers.Real) and not tol >= 0:  # (NaN too)
            raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tol:g}")
    if tensor_arg(other, "allclose")._data.dtype != input._data.dtype:
        raise RuntimeError(f"{input.dtype.scalar_name} did not match {other.dtype.scalar_name}")
    try:
        return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))
    except ValueError:
        raise _broadcast_error(input._data, other._data) from None


def contains(input: Any, element: Any) -> bool:
    """``element in t``: any element equal to it (torch's rule: a Tensor or a number only)."""
    if isinstance(element, TensorBase | numbers.Number):
        return bool(eq(input, element)._data.any())
    raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}.")


# ---------------------------------------------------------------------------------------------- elementwise
def abs(input: Any) -> Any:
    if input._data.dtype.kind == "b":
        raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
    return _unary.Abs.apply(input)


def relu(input: Any) -> Any:
    if input._data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return _unary.Relu.apply(input)


def clamp(input: Any, min: Any = None, max: Any = None) -> Any:
    if parser.clamp_overload(min, max):  # torch's clamp.Tensor overload: elementwise bounds, with gradients
        check_clamp_tensors(input, min, max)
        return _unary.ClampTensor.apply(input, min, max)
    lo, hi = clamp_bounds(input, min, max)
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _unary.Clamp.apply(input, lo, hi)


def check_clamp_tensors(input: Any, lo: Any, hi: Any) -> None:
    """torch has no bool kernel for clamp with both tensor bounds (checked after the shapes broadcast: the op
    raises torch's broadcast error otherwise)."""
    if lo is None or hi is None:
        return
    arrays = [input._data, lo._data, hi._data]
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        return
    if _dtype.result_type(*arrays).kind == "b":
        raise NotImplementedError('"clamp_cpu" not implemented for \'Bool\'')


def clamp_bounds(t: Any, lo: Any, hi: Any, inplace: bool = False) -> tuple[Any, Any]:
    """clamp's bounds as numbers, converted to the result dtype as torch converts them: an integer outside an
    integer dtype is an overflow error (a negative one wraps into an unsigned type), and so is a finite number
    beyond a float dtype's range. (An integer tensor with a float bound computes in the default float dtype.) A 0-d
    tensor given with a number is read as a number, and checked as one (torch's Scalar overload)."""
    lo, hi = scalar_value(lo), scalar_value(hi)
    if (type(lo) is float and math.isnan(lo)) or (type(hi) is float and math.isnan(hi)):
        return lo, hi  # (a NaN bound: every value is NaN, and torch checks neither bound)
    dt = t._data.dtype
    if dt.kind != "f" and (type(lo) is float or type(hi) is float):
        if inplace:
            return lo, hi  # torch refuses to cast the float result into the tensor
        dt = _dtype.get_default_dtype().np
    elif dt.kind == "b":
        dt = np.dtype(np.int64)
    return checked_bound(dt, lo), checked_bound(dt, hi)


def round(input: Any, decimals: int = 0) -> Any:
    parser.int64_arg(decimals, "round", "decimals")
    if not -(2**31) <= decimals < 2**31:  # NumPy's limit (torch returns NaN: 10**decimals overflows)
        raise NotImplementedError("minigrad's round() supports |decimals| < 2**31")
    if input._data.dtype.kind == "b":
        raise NotImplementedError('"round_vml_cpu" not implemented for \'Bool\'')
    return _unary.Round.apply(input, decimals)


# ---------------------------------------------------------------------------------------------- products
def mm(input: Any, mat2: Any) -> Any:
    return _products.apply_mm(input, tensor_arg(mat2, "mm", "mat2"))


def dot(input: Any, other: Any) -> Any:
    tensor_arg(other, "dot", "tensor")
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    return _products.apply_dot(input, other)


def _batched_dtypes(a: Any, b: Any, na: int) -> Any:
    """torch's dtype rules for a batched matmul of different (or bool) dtypes: a vector times an empty batch is
    an mv (same dtypes required); with an empty operand the result takes ``b``'s dtype (``a`` is returned cast);
    otherwise bmm refuses (different dtypes; bool)."""
    sa, sb = a._data.shape, b._data.shape
    if sa[-1] != sb[-2]:
        return a  # torch's size errors come first (raised by the product)
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        return a
    da, db = a._data.dtype, b._data.dtype
    name_a, name_b = from_numpy_dtype(da).scalar_name, from_numpy_dtype(db).scalar_name
    if na == 1 and not b._data.size:
        if da != db:
            raise RuntimeError(
                f"addmv input tensors must have the same dtype, but got {name_a}, {name_b}, and {name_a}")
        return a
    if not a._data.size or not b._data.size:
        if da != db and db.kind != "f" and _state.enabled and (a._requires_grad or b._requires_grad):
            raise RuntimeError(f"Autograd not support dtype: {name_b}")  # (the result, b's dtype, needs a graph)
        return a if da == db else a.to(b.dtype)
    if da != db:
        raise RuntimeError(f"expected scalar type {name_a} but found {name_b}")
    raise NotImplementedError('"bmm" not implemented for \'Bool\'')


def matmul(input: Any, other: Any) -> Any:
    """torch.matmul: dot (1-d·1-d), mv, mm, vector·matrix (unsqueeze → mm → squeeze) and batched."""
    a, b = operand(input), operand(other)
    if not isinstance(a, TensorBase) or not isinstance(b, TensorBase):
        raise TypeError("matmul(): argument 'other' must be Tensor")
    na, nb = a._data.ndim, b._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    if na == 1 and nb == 1:
        return _products.apply_dot(a, b)
    if na == 2 and nb == 1:
        return _products.apply_mv(a, b)
    if na == 2 and nb == 2:
        return _products.apply_mm(a, b)
    if na == 1 and nb == 2:
        return _shape.SqueezeMatmul.apply(_products.apply_mm(a.unsqueeze(0), b), 0)
    if na >= 3 and nb <= 2 and (b._requires_grad or a._data.flags.c_contiguous or not a._data.size):
        # torch folds the batch into the rows: reshape (ViewBackward0), one mm or mv, then UnsafeViewBackward0
        lead = a._data.shape[:-1]
        rows = 1
        for s in lead:
            rows *= s
        folded = a.reshape(rows, a._data.shape[-1])
        if nb == 2:
            return _shape.UnsafeView.apply(_products.apply_mm(folded, b), (*lead, b._data.shape[1]))
        return _shape.UnsafeView.apply(_products.apply_mv(folded, b), lead)
    if a._data.dtype != b._data.dtype or a._data.dtype.kind == "b":
        a = _batched_dtypes(a, b, na)
    try:
        if na == 1:
            if a._requires_grad or b._requires_grad or not b._data.size:  # torch folds the batch: one mv, a view
                rows_shape = b._data.shape[:-2] + b._data.shape[-1:]
                n = 1
                for s in rows_shape:
                    n *= s
                return _shape.UnsafeView.apply(_products.apply_mv(b.mT.reshape(n, b._data.shape[-2]), a), rows_shape)
            return _products.apply_bmm(a.unsqueeze(0), b).squeeze(-2)
        if nb == 1:
            return _products.apply_bmm(a, b.unsqueeze(-1)).squeeze(-1)
        return _products.apply_bmm(a, b)
    except ValueError:  # NumPy: the batch dims do not broadcast
        raise _broadcast_error(*(np.broadcast_to(np.empty((), bool), t._data.shape[:-2]) for t in (a, b))) from None


def rmatmul_operator(input: Any, other: Any) -> Any:
    return matmul(operand(other), input)
