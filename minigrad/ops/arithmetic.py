"""Elementwise arithmetic with broadcasting: + - * / ** and negation: pure math on arrays, in torch's result
dtypes. Operands torch refuses (bool for − and unary −, integers to negative powers...) are refused by the
callers, in ``minigrad/surface/arithmetic.py``."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._cpu import CPU_CAPABILITY
from minigrad._dtype import get_default_dtype, result_type, scalar_as
from minigrad.autograd.function import Function

__all__ = ["promote", "scaled", "Add", "Sub", "Rsub", "Mul", "Div", "DivRounded", "rounded_quotient", "Neg", "Pow",
           "PowTensor", "RPow", "Reciprocal", "Maximum", "Minimum", "Where"]


def promote(x: np.ndarray, y: Any) -> tuple[Any, Any]:
    """Cast the operands of a binary op to torch's result dtype where NumPy's promotion would differ."""
    if type(y) is np.ndarray:
        if x.dtype == y.dtype:
            return x, y
    elif type(y) is float:
        if x.dtype.kind == "f":
            return x, y
    elif type(y) is int and (x.dtype.kind == "f" or (x.dtype.kind in "iu" and _fits(y, x.dtype))):
        return x, y
    dt = result_type(x, y)
    if x.dtype != dt:
        x = x.astype(dt)
    if isinstance(y, np.ndarray):
        if y.dtype != dt:
            y = y.astype(dt)
    else:
        try:
            y = scalar_as(dt, y)
        except OverflowError:  # a Python int outside the integer dtype: torch wraps it (two's complement)
            if not -(2**63) <= y < 2**64:
                raise
            y = np.array(y % 2**64, dtype=np.uint64).astype(dt)[()]
    return x, y


_INT_LIMITS = {np.dtype(t): (int(np.iinfo(t).min), int(np.iinfo(t).max))
               for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)}


def _fits(y: int, dt: np.dtype) -> bool:
    """Does the Python int ``y`` fit the integer dtype ``dt`` (else NumPy raises; torch wraps)?"""
    low, high = _INT_LIMITS[dt]
    return low <= y <= high


_F32 = np.dtype(np.float32)


_F16 = np.dtype(np.float16)
_INT64_MAX = 2**63 - 1


def _pow_float(x: np.ndarray, e: Any) -> np.ndarray:
    """x ** e for a float array and a Python number, as torch's pow(Tensor, Scalar) computes it: float32 is raised
    to the double exponent in double (0 ** 1e-155 is 0, not 0 ** 0; (-1) ** 2.000000001 is nan), -0.5 is rsqrt in
    float32 and float64 ((-inf) ** -0.5 is nan), 3 and -2 are products, float16 takes C's pow with no sqrt
    shortcut ((-inf) ** 0.5 is inf)."""
    dt = x.dtype
    if dt == _F16:
        return np.power(x, e)
    if e == -0.5:
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1 / np.sqrt(x)
    if e == 3 or e == -2:  # torch's x·x·x and 1/(x·x)
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            return x * x * x if e == 3 else 1 / (x * x)
    if dt == _F32 and e not in _EXACT_POWERS:
        out = _pow32(x, e)
        if type(e) is float and float(np.float32(e)) != e and x.flags.c_contiguous and x.size >= _vec_block():
            # torch's vectorized loop raises whole blocks of a contiguous tensor to the exponent rounded to
            # float32; only the tail is computed with the double (zeros(32) ** 1e-265 is ones, zeros(31) zeros)
            n = x.size // _vec_block() * _vec_block()
            with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
                out.reshape(-1)[:n] = x.reshape(-1)[:n] ** np.float32(e)
        return out
    return x**e


def _vec_block() -> int:
    """Elements per iteration of ATen's vectorized float32 loop: two AVX512 (16-float) or 8-float vectors."""
    return 32 if CPU_CAPABILITY == "avx512" else 16


_EXACT_POWERS = (2.0, 0.5, 1.0, -1.0, 0.0)  # NumPy's float32 square, sqrt, copy and reciprocal: exact like torch's


def _pow32(x: np.ndarray, e: Any) -> np.ndarray:
    """float32 x ** e (e a number or a float32 array) computed in double and rounded once, which is what torch's pow
    gives element by element (NumPy's float32 pow is off by an ulp for ~20% of the values); a float exponent
    stays a double (0 ** 1e-155 is 0, not 0 ** 0)."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):  # (x ** 1e39 is inf)
        return (x.astype(np.float64) ** (e.astype(np.float64) if isinstance(e, np.ndarray) else e)).astype(_F32)


def scaled(dt: np.dtype, y: Any, alpha: Any) -> np.ndarray:
    """alpha·y in the result dtype ``dt``, as torch computes it: alpha is converted to ``dt`` first (a float rounds:
    5e-324·inf is nan in float32; an integer wraps), so the product neither climbs a type nor leaves int64."""
    if dt.kind in "iu" and type(alpha) is int and not _fits(alpha, dt):
        alpha = promote(np.zeros((), dt), alpha)[1]
    if dt.kind in "iu" and type(y) is int and not _fits(y, dt):
        y = promote(np.zeros((), dt), y)[1]  # (an out-of-range Python int operand wraps too)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.multiply(np.asarray(y, dtype=dt), dt.type(alpha))  # (a float16 alpha beyond its range: inf)


def _float(x: np.ndarray) -> np.ndarray:
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)


def _int_pow(x: Any, y: Any) -> np.ndarray:
    """x**y for integers with torch's rule for negative exponents: 1 for x = 1, ±1 for x = −1, else 0."""
    y = np.asarray(y)
    neg = y < 0
    z = np.power(x, np.where(neg, 0, y))
    if neg.any():
        ones = np.where(x == -1, np.where(y % 2 == 0, 1, -1), np.where(x == 1, 1, 0))
        z = np.where(neg, ones, z).astype(z.dtype, copy=False)
    return z


class Add(Function):
    """z = x + alpha·y.   dL/dx = dL/dz,  dL/dy = alpha·dL/dz."""

    node_name = "AddBackward0"
    formula = "dL/dx = dL/dz ; dL/dy = α·dL/dz"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, y, alpha=1):
        x, y = promote(x, y)
        ctx.alpha = alpha
        if alpha == 1:
            return x + y
        z = x + scaled(x.dtype, y, alpha)
        return z if z.dtype == x.dtype else z.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, (grad if ctx.alpha == 1 else grad * ctx.alpha)


class Sub(Function):
    """z = x − alpha·y.   dL/dx = dL/dz,  dL/dy = −alpha·dL/dz."""

    node_name = "SubBackward0"
    formula = "dL/dx = dL/dz ; dL/dy = −α·dL/dz"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, y, alpha=1):
        x, y = promote(x, y)
        ctx.alpha = alpha
        if alpha == 1:
            return x - y
        z = x - scaled(x.dtype, y, alpha)
        return z if z.dtype == x.dtype else z.astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.alpha == 1 else grad * -ctx.alpha)


class Rsub(Function):
    """z = c − alpha·x for a Python number c (``c - tensor``).   dL/dx = −alpha·dL/dz."""

    node_name = "RsubBackward1"
    formula = "dL/dx = −α·dL/dz"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, c, alpha=1):
        x, c = promote(x, c)
        ctx.alpha = alpha
        return c - x if alpha == 1 else c - alpha * x

    @staticmethod
    def backward(ctx, grad):
        return -grad if ctx.alpha == 1 else grad * -ctx.alpha


class Mul(Function):
    """z = x·y.   dL/dx = dL/dz·y,  dL/dy = dL/dz·x."""

    node_name = "MulBackward0"
    formula = "dL/dx = dL/dz·y ; dL/dy = dL/dz·x"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, y):
        x, y = promote(x, y)
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        gx = grad * y if ctx.next_functions[0][0] is not None else None
        gy = grad * x if ctx.next_functions[1][0] is not None else None
        return gx, gy


class Div(Function):
    """z = x / y.   dL/dx = dL/dz / y,  dL/dy = −dL/dz·x / y²."""

    node_name = "DivBackward0"
    formula = "dL/dx = dL/dz / y ; dL/dy = −dL/dz·x / y²"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, y):
        if type(y) is int:  # true division: a Python int divides as a number, never cast to an integer dtype first
            y = float(y)
        if isinstance(y, np.ndarray) and result_type(x, y).kind != "f":
            x, y = _float(x), _float(y)  # two integer tensors: each goes straight to the float (no integer cast first)
        x, y = promote(x, y)
        x = _float(x)
        if isinstance(y, np.ndarray):
            y = _float(y)
        elif type(y) is not float:
            y = float(y)  # a Python float stays "weak" in NumPy: int tensor / 3 divides in float32, not float64
        ctx.save_for_backward(x, y)
        return x / y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        gx = grad / y if ctx.next_functions[0][0] is not None else None
        gy = -grad * ((x / y) / y) if ctx.next_functions[1][0] is not None else None  # torch's order: no y² overflow
        return gx, gy


class DivRounded(Function):
    """z = x / y with torch's ``rounding_mode``: None (true division, Div's derivative), 'trunc' (toward zero) or
    'floor' (toward −∞, Python's ⌊x/y⌋). A rounded quotient is piecewise constant: dL/dx = dL/dy = 0 (torch's
    zeros, not an error)."""

    node_name = "DivBackward2"
    formula = "None: dL/dx = dL/dz / y ; dL/dy = −dL/dz·x / y²  —  'trunc', 'floor': dL/dx = dL/dy = 0"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, y, mode):
        ctx.mode = mode
        if mode is None:
            return Div.forward(ctx, x, y)
        return rounded_quotient(x, y, mode)

    @staticmethod
    def backward(ctx, grad):
        if ctx.mode is None:
            return Div.backward(ctx, grad)
        zero = np.zeros_like(grad)
        return tuple(zero if fn is not None else None for fn, _ in ctx.next_functions)


def rounded_quotient(x: np.ndarray, y: Any, mode: str) -> np.ndarray:
    """x / y rounded toward zero ('trunc') or down ('floor') in torch's result dtype: integers stay integers.
    Floats: floor is NumPy's floor_divide (the algorithm torch's div_floor uses: (x − fmod(x, y)) / y, corrected),
    trunc is trunc(x / y); a zero divisor gives ±inf or nan, as in torch (integer zero divisors are refused
    before). Integers: trunc is the floor quotient plus 1 where the division is inexact and the signs differ."""
    x, y = promote(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "floor":
            return np.asarray(np.floor_divide(x, y))
        if np.result_type(x, y).kind == "f":
            return np.asarray(np.trunc(np.true_divide(x, y)))
        q = np.asarray(np.floor_divide(x, y))
        inexact = np.subtract(x, np.multiply(q, y)) != 0
        return np.asarray(q + (inexact & (np.less(x, 0) != np.less(y, 0))))


class Neg(Function):
    """z = −x.   dL/dx = −dL/dz."""

    node_name = "NegBackward0"
    formula = "dL/dx = −dL/dz"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Function):
    """z = x^c for a Python number c.   dL/dx = dL/dz · c·x^(c−1)  (0 when c = 0).  (An integral x with c < 0, or
    an integer c beyond x's dtype, is refused by the caller.)"""

    node_name = "PowBackward0"
    formula = "dL/dx = dL/dz · c·x^(c−1)"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, c):
        c0 = c
        ctx.bool_exponent = type(c) is bool
        x, c = promote(x, c)
        ctx.save_for_backward(x)
        if x.dtype.kind == "b":  # bool ** bool stays bool in torch: x^1 = x, x^0 = 1 (NumPy gives int8)
            ctx.exponent = c
            return np.logical_or(x, not c)
        if type(c0) is float or (type(c0) is int and c0 != 2 and x.dtype.kind == "f"):
            ctx.exponent = c0  # (an integer x was cast to float; the exponent stays a double, as in torch)
            return _pow_float(x, c0)
        ctx.exponent = c
        return x**c

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        c = ctx.exponent
        if c == 0 and not ctx.bool_exponent:  # torch's special case; x ** False takes the formula (0·0⁻¹ = nan)
            return np.zeros_like(grad)
        # torch: grad · (c · x.pow(c − 1)), c − 1 computed in double and the product in the op-math type (float32
        # for float16); the pow as forward's
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            e = c - 1
            p = _pow_float(x, e) if type(e) in (float, int) else x**e
            if x.dtype == _F16:
                return grad * (np.float32(c) * p.astype(_F32)).astype(_F16)
            return grad * (c * p)


class PowTensor(Function):
    """z = x^y for tensors.   dL/dx = dL/dz · y·x^(y−1),  dL/dy = dL/dz · z·ln x  (0 where x = 0, y ≥ 0)."""

    node_name = "PowBackward1"
    formula = "dL/dx = dL/dz · y·x^(y−1) ; dL/dy = dL/dz · x^y·ln x"
    array_api = True
    broadcasting = True

    @staticmethod
    def forward(ctx, x, y):
        x0, y0 = x, y
        x, y = promote(x, y)
        z = _int_pow(x, y) if x.dtype.kind in "iu" else _pow32(x, y) if x.dtype == _F32 else x**y
        ctx.save_for_backward(x, y, z)
        # torch's backward tests x == 0 and y == 0, and computes y - 1, before the cast to the result dtype (a 0-d
        # float64 exponent 1e-100 is not 0, though it is 0 in float32)
        ctx.original = (x0, y0) if (x0.dtype != x.dtype or y0.dtype != y.dtype) else None
        return z

    @staticmethod
    def backward(ctx, grad):
        x, y, z = ctx.saved_tensors
        x0, y0 = (x, y) if ctx.original is None else ctx.original
        gx = gy = None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if ctx.next_functions[0][0] is not None:
                if y0.dtype == np.bool_:  # torch's backward computes y - 1 on the bool tensor
                    raise RuntimeError(
                        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                        "invert a mask, use the `~` or `logical_not()` operator instead."
                    )
                e = y0 - 1
                e = e if e.dtype == y.dtype else e.astype(y.dtype)
                gx = np.where(y0 == 0, 0, grad * (y * (_pow32(x, e) if x.dtype == _F32 else x**e)))
            if ctx.next_functions[1][0] is not None:
                gy = np.where((x0 == 0) & (y0 >= 0), 0, grad * (z * np.log(x)))
        return gx, gy


class RPow(Function):
    """z = c^x for a Python number c.   dL/dx = dL/dz · z·ln c  (0 where c = 0 and x ≥ 0)."""

    node_name = "PowBackward2"
    formula = "dL/dx = dL/dz · c^x·ln c"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, c):
        x, c = promote(x, c)
        z = _int_pow(c, x) if x.dtype.kind in "iu" else np.power(c, x)
        ctx.save_for_backward(x, z)
        ctx.base = c
        return z

    @staticmethod
    def backward(ctx, grad):
        x, z = ctx.saved_tensors
        c = ctx.base
        if c == 0:
            return np.where(x >= 0, 0, grad * (z * -np.inf))
        if type(c) is int and c > _INT64_MAX:  # torch takes the log of a uint64 base as of an int64: nan
            return grad * (z * np.nan)
        return grad * (z * np.log(c))


class Reciprocal(Function):
    """z = 1/x.   dL/dx = −dL/dz · z²."""

    node_name = "ReciprocalBackward0"
    formula = "dL/dx = −dL/dz · (1/x)²"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        z = 1 / _float(x)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.saved_tensors
        return -grad * (z * z)


class Maximum(Function):
    """z = max(a, b) elementwise (NaN where either is NaN).   dL/da = dL/dz where a > b, half of it where a = b,
    0 where a < b; dL/db the other way round (torch's rule: a NaN sends the whole gradient to both)."""

    node_name = "MaximumBackward0"
    formula = "dL/da = dL/dz·([a > b] + ½[a = b]) ; dL/db = dL/dz·([b > a] + ½[a = b])  (NaN: both)"
    array_api = True
    broadcasting = True
    ufunc = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx, a, b):
        a, b = promote(a, b)
        ctx.save_for_backward(a, b)
        return cls.ufunc(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_at_ties(grad, a, b, a < b, a > b)


class Minimum(Maximum):
    """z = min(a, b) elementwise (NaN where either is NaN).   dL/da = dL/dz where a < b, half of it where a = b,
    0 where a > b; dL/db the other way round (a NaN sends the whole gradient to both)."""

    node_name = "MinimumBackward0"
    formula = "dL/da = dL/dz·([a < b] + ½[a = b]) ; dL/db = dL/dz·([b < a] + ½[a = b])  (NaN: both)"
    ufunc = staticmethod(np.minimum)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_at_ties(grad, a, b, a > b, a < b)


def _split_at_ties(grad: np.ndarray, a: np.ndarray, b: np.ndarray, a_loses: np.ndarray,
                   b_loses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """torch's where(a == b, g / 2, g) with the loser's positions zeroed, for each side."""
    shared = np.where(a == b, grad / 2, grad)
    zero = grad.dtype.type(0)
    return np.where(a_loses, zero, shared), np.where(b_loses, zero, shared)


class Where(Function):
    """z = a where c else b.   dL/da = dL/dz where c else 0,  dL/db = dL/dz where not c else 0."""

    node_name = "WhereBackward0"
    formula = "dL/da = dL/dz·[c] ; dL/db = dL/dz·[not c]"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, a, b, cond):
        if type(a) is np.ndarray:  # (a Python number is torch's wrapped scalar: it ranks below any tensor)
            a, b = promote(a, b)
        elif type(b) is np.ndarray:
            b, a = promote(b, a)
        else:
            dt = result_type(a, b)
            a, b = dt.type(a), dt.type(b)
        ctx.cond = cond
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        c = ctx.cond
        return np.where(c, grad, 0), np.where(c, 0, grad)
