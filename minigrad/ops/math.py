"""Elementwise math: trigonometric, hyperbolic, exponentials and logs, roots, rounding, erf, logit, and the
division variants (remainder, fmod, floor_divide).

One Function per torch node; each backward is torch's derivative formula (tools/autograd/derivatives.yaml),
written as NumPy. Integer inputs of a floating function compute in the default float dtype, as in torch.
"""

from __future__ import annotations

import math

import numpy as np

from minigrad._dtype import get_default_dtype
from minigrad.autograd.function import Function
from minigrad.ops.arithmetic import promote

__all__ = [
    "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Atan2", "Sinh", "Cosh", "Exp2", "Expm1", "Log2", "Log10",
    "Log1p", "Rsqrt", "Sign", "Floor", "Ceil", "Trunc", "Frac", "Erf", "Logit", "Remainder", "RemainderTensor",
    "Fmod", "FmodTensor", "FloorDivide", "erf_array", "NormalFromTensors", "NormalMeanTensor", "NormalStdTensor",
    "BernoulliDraw", "RemainderScalarTensor", "BernoulliDrawP", "BernoulliFill", "BernoulliFillTensor", "RandomFill",
    "UniformFill", "NormalFill", "ExponentialFill", "RandomFromToFill", "RandomToFill", "RandomIntFill",
]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _float(x: np.ndarray) -> np.ndarray:
    """Integer and bool inputs compute in the default float dtype (torch's promotion for floating functions)."""
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype().np)


def _quiet() -> np.errstate:
    """Domain errors give nan/inf silently, as in torch."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore")


class Sin(Function):
    """y = sin x.   dL/dx = dL/dy · cos x."""

    node_name = "SinBackward0"
    formula = "dL/dx = dL/dy · cos x"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * np.cos(x)


class Cos(Function):
    """y = cos x.   dL/dx = dL/dy · (−sin x)."""

    node_name = "CosBackward0"
    formula = "dL/dx = dL/dy · (−sin x)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * -np.sin(x)


class Tan(Function):
    """y = tan x.   dL/dx = dL/dy · (1 + y²)."""

    node_name = "TanBackward0"
    formula = "dL/dx = dL/dy · (1 + y²),  y = tan x"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        with _quiet():
            y = np.tan(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        with _quiet():
            return grad * (1 + y * y)


class Asin(Function):
    """y = asin x.   dL/dx = dL/dy / √(1 − x²)  (nan outside [−1, 1])."""

    node_name = "AsinBackward0"
    formula = "dL/dx = dL/dy / √(1 − x²)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad * (1 / np.sqrt(1 - x * x))


class Acos(Function):
    """y = acos x.   dL/dx = −dL/dy / √(1 − x²)."""

    node_name = "AcosBackward0"
    formula = "dL/dx = −dL/dy / √(1 − x²)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.arccos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad * -(1 / np.sqrt(1 - x * x))


class Atan(Function):
    """y = atan x.   dL/dx = dL/dy / (1 + x²)."""

    node_name = "AtanBackward0"
    formula = "dL/dx = dL/dy / (1 + x²)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return np.arctan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad / (x * x + 1)


class Atan2(Function):
    """z = atan2(y, x) (the angle of the point (x, y)), broadcast.
    dL/dy = dL/dz · x / (x² + y²),  dL/dx = dL/dz · (−y) / (x² + y²), 0 where x² + y² is 0."""

    node_name = "Atan2Backward0"
    formula = "dL/dy = dL/dz · x/(x² + y²) ; dL/dx = −dL/dz · y/(x² + y²)"
    array_api = True
    broadcasting = True
    edge_args = 2

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)  # (torch's backward reads the operands in their own dtypes)
        y, x = promote(y, x)
        return np.arctan2(_float(y), _float(x))

    @staticmethod
    def backward(ctx, grad):
        y, x = ctx.saved_tensors
        dt = grad.dtype
        need_y, need_x = ctx.needs_input_grad[:2]
        if need_x and y.dtype.kind == "b":  # torch's −y of a bool tensor
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                               "invert a mask, use the `~` or `logical_not()` operator instead.")
        with _quiet():  # torch's steps: y·y and x·x each in its operand's dtype (integers wrap), summed in the
            # result's; recip = 1/that (0 where it is 0); then (dL/dz·x)·recip and (dL/dz·(−y))·recip
            denom = (y * y).astype(dt) + (x * x).astype(dt)
            recip = np.where(denom == 0, dt.type(0), np.reciprocal(denom)).astype(dt, copy=False)
            gy = grad * x.astype(dt) * recip if need_y else None
            gx = grad * np.negative(y).astype(dt) * recip if need_x else None
            return gy, gx


class Sinh(Function):
    """y = sinh x.   dL/dx = dL/dy · cosh x."""

    node_name = "SinhBackward0"
    formula = "dL/dx = dL/dy · cosh x"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad * np.cosh(x)


class Cosh(Function):
    """y = cosh x.   dL/dx = dL/dy · sinh x."""

    node_name = "CoshBackward0"
    formula = "dL/dx = dL/dy · sinh x"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad * np.sinh(x)


class Exp2(Function):
    """y = 2ˣ.   dL/dx = dL/dy · y · ln 2."""

    node_name = "Exp2Backward0"
    formula = "dL/dx = dL/dy · 2ˣ · ln 2"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        with _quiet():
            y = np.exp2(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        with _quiet():
            return grad * y * y.dtype.type(_LN2)


class Expm1(Function):
    """y = eˣ − 1 (accurate near 0).   dL/dx = dL/dy · (y + 1)."""

    node_name = "Expm1Backward0"
    formula = "dL/dx = dL/dy · (y + 1),  y = eˣ − 1"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        with _quiet():
            y = np.expm1(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        with _quiet():
            return grad * (y + 1)


class Log2(Function):
    """y = log₂ x.   dL/dx = dL/dy / (x · ln 2)."""

    node_name = "Log2Backward0"
    formula = "dL/dx = dL/dy / (x · ln 2)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.log2(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad / (x * x.dtype.type(_LN2))


class Log10(Function):
    """y = log₁₀ x.   dL/dx = dL/dy / (x · ln 10)."""

    node_name = "Log10Backward0"
    formula = "dL/dx = dL/dy / (x · ln 10)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.log10(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad / (x * x.dtype.type(_LN10))


class Log1p(Function):
    """y = ln(1 + x) (accurate near 0).   dL/dx = dL/dy / (x + 1)."""

    node_name = "Log1PBackward0"
    formula = "dL/dx = dL/dy / (x + 1)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        with _quiet():
            return np.log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad / (x + 1)


class Rsqrt(Function):
    """y = 1/√x.   dL/dx = −½ · dL/dy · y³."""

    node_name = "RsqrtBackward0"
    formula = "dL/dx = −½ · dL/dy · y³,  y = 1/√x"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        with _quiet():
            y = 1 / np.sqrt(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        with _quiet():
            return -0.5 * grad * (y * y * y)


class _ZeroGrad:
    """Mixin of the step functions (sign, floor, ceil, trunc): the derivative is 0 wherever it exists, and torch
    defines it as 0 everywhere."""

    formula = "dL/dx = 0"
    array_api = True

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class Sign(_ZeroGrad, Function):
    """y = sign x ∈ {−1, 0, 1} (sign of nan is 0, as in torch; bool stays bool).   dL/dx = 0."""

    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind == "b":
            return x.copy()
        s = np.sign(x)
        if x.dtype.kind == "f":
            s = np.where(np.isnan(s), s.dtype.type(0), s)
        return s


class Floor(_ZeroGrad, Function):
    """y = ⌊x⌋ (integers unchanged).   dL/dx = 0."""

    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.floor(x) if x.dtype.kind == "f" else x.copy()


class Ceil(_ZeroGrad, Function):
    """y = ⌈x⌉ (integers unchanged).   dL/dx = 0."""

    node_name = "CeilBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.ceil(x) if x.dtype.kind == "f" else x.copy()


class Trunc(_ZeroGrad, Function):
    """y = x rounded toward 0 (integers unchanged).   dL/dx = 0."""

    node_name = "TruncBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.trunc(x) if x.dtype.kind == "f" else x.copy()


class Frac(Function):
    """y = x − trunc(x).   dL/dx = dL/dy."""

    node_name = "FracBackward0"
    formula = "dL/dx = dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        with _quiet():
            return x - np.trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


# math.erf is C's erf (glibc: accurate to within 1 ulp in float64, and the float32 result of a float64 erf
# rounded once is what torch's float32 kernel gives to within its own error); NumPy has no erf, and scipy is not
# a run-time dependency. np.frompyfunc runs it per element: correct, not fast.
_erf = np.frompyfunc(math.erf, 1, 1)


def erf_array(x: np.ndarray) -> np.ndarray:
    """erf x elementwise in x's dtype, by C's double erf (see above)."""
    return np.asarray(_erf(x.astype(np.float64)), dtype=np.float64).astype(x.dtype, copy=False)


class Erf(Function):
    """y = erf x = 2/√π ∫₀ˣ e^(−t²) dt.   dL/dx = dL/dy · 2/√π · e^(−x²)."""

    node_name = "ErfBackward0"
    formula = "dL/dx = dL/dy · 2/√π · e^(−x²)"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return erf_array(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        with _quiet():
            return grad * (x.dtype.type(_TWO_OVER_SQRT_PI) * np.exp(-(x * x)))


class Logit(Function):
    """y = ln(z / (1 − z)) with z = clamp(x, eps, 1 − eps) when eps is given, else z = x.
    dL/dx = dL/dy / (x(1 − x)) inside [eps, 1 − eps] (0 outside it); without eps (or a negative one) nan outside
    [0, 1]."""

    node_name = "LogitBackward0"
    formula = "dL/dx = dL/dy / (x·(1 − x))  (0 where x was clamped; nan outside [0, 1] without eps)"
    array_api = True

    @staticmethod
    def forward(ctx, x, eps):
        x = _float(x)
        ctx.save_for_backward(x)
        ctx.eps = eps
        t = x.dtype.type  # torch's bounds, in x's dtype: lo = eps, hi = 1 − lo
        z = x if eps is None else np.clip(x, t(eps), t(1) - t(eps))
        with _quiet():
            return np.log(z / (1 - z))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        eps = ctx.eps
        with _quiet():  # torch's kernel: dL/dy·inf at x = 0 or 1 (±0 alike); no eps reads as a negative eps
            t = x.dtype.type
            g = np.where((x == 0) | (x == 1), grad * t(np.inf), grad / (x * (1 - x)))
            if eps is None or eps < 0:
                return np.where((x < 0) | (x > 1), t(np.nan), g)
            return np.where((x < t(eps)) | (x > t(1) - t(eps)), t(0), g)


def _python_mod(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x mod y with the divisor's sign (torch's remainder: fmod, then + y when the signs differ)."""
    with _quiet():
        return np.remainder(x, y)


class Remainder(Function):
    """z = x − ⌊x/c⌋·c for a number c (the result has c's sign).   dL/dx = dL/dz."""

    node_name = "RemainderBackward0"
    formula = "dL/dx = dL/dz"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, c):
        x, c = promote(x, c)
        return _python_mod(x, c)

    @staticmethod
    def backward(ctx, grad):
        return grad


class RemainderTensor(Function):
    """z = x − ⌊x/y⌋·y, broadcast.   dL/dx = dL/dz,  dL/dy = −dL/dz · ⌊x/y⌋."""

    node_name = "RemainderBackward1"
    formula = "dL/dx = dL/dz ; dL/dy = −dL/dz · ⌊x/y⌋"
    array_api = True
    broadcasting = True

    @staticmethod
    def forward(ctx, x, y):
        x, y = promote(x, y)
        ctx.save_for_backward(x, y)
        return _python_mod(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        with _quiet():
            return grad, -grad * np.floor_divide(x, y)


class RemainderScalarTensor(RemainderTensor):
    """z = c mod y for a number c (``torch.remainder(c, y)``): torch defines no derivative, its node is
    ``NotImplemented`` and backward through it raises."""

    node_name = "NotImplemented"
    node_label = "torch::autograd::NotImplemented"
    formula = "not differentiable (torch raises)"

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::remainder is not implemented")


class Fmod(Function):
    """z = x − trunc(x/c)·c for a number c (C's fmod: the result has x's sign).   dL/dx = dL/dz."""

    node_name = "FmodBackward0"
    formula = "dL/dx = dL/dz"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, c):
        x, c = promote(x, c)
        with _quiet():
            return np.fmod(x, c)

    @staticmethod
    def backward(ctx, grad):
        return grad


class FmodTensor(Function):
    """z = x − trunc(x/y)·y, broadcast.   dL/dx = dL/dz,  dL/dy = −dL/dz · trunc(x/y)."""

    node_name = "FmodBackward1"
    formula = "dL/dx = dL/dz ; dL/dy = −dL/dz · trunc(x/y)"
    array_api = True
    broadcasting = True

    @staticmethod
    def forward(ctx, x, y):
        x, y = promote(x, y)
        ctx.save_for_backward(x, y)
        with _quiet():
            return np.fmod(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        with _quiet():
            return grad, -grad * np.trunc(x / y)


class FloorDivide(Function):
    """z = ⌊x/y⌋ (Python's floor division).  torch defines no derivative: its node is ``NotImplemented`` and
    backward through it raises."""

    node_name = "NotImplemented"
    node_label = "torch::autograd::NotImplemented"  # torch's name() for this node
    formula = "not differentiable (torch raises)"
    array_api = True
    broadcasting = True

    @staticmethod
    def forward(ctx, x, y):
        x, y = promote(x, y)
        with _quiet():
            return np.asarray(np.floor_divide(x, y))

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


class NormalFromTensors(Function):
    """out = mean + std·z with z ~ N(0, 1) drawn by the caller (``torch.normal`` with a tensor mean and/or std).
    dL/dmean = 0,  dL/dstd = 0: torch defines the gradient as 0 for both (the draw is not reparameterised)
    (``NormalBackward1``: tensor mean; ``NormalBackward2``: tensor std; ``NormalBackward3``: both)."""

    node_name = "NormalBackward3"
    formula = "dL/dmean = 0 ; dL/dstd = 0"
    array_api = True
    edge_args = 2

    @staticmethod
    def forward(ctx, mean, std, z):
        # torch: output (mean's dtype).normal_(0, 1), then output.mul_(std).add_(mean), in the output's dtype
        out = np.asarray(z * std).astype(z.dtype, copy=False)
        out += mean
        return out

    @staticmethod
    def backward(ctx, grad):
        nf = ctx.next_functions
        return tuple(None if fn is None else np.zeros_like(grad) for fn, _ in nf)


class NormalMeanTensor(NormalFromTensors):
    """out = mean + std·z for a tensor mean and a number std.   dL/dmean = 0 (torch's definition)."""

    node_name = "NormalBackward1"


class NormalStdTensor(NormalFromTensors):
    """out = mean + std·z for a number mean and a tensor std.   dL/dstd = 0 (torch's definition)."""

    node_name = "NormalBackward2"


class BernoulliDraw(Function):
    """out = the 0/1 draws made by the caller with probabilities p (``torch.bernoulli(p)``).
    dL/dp = 0: torch defines the gradient as 0 (the draw is not reparameterised)."""

    node_name = "BernoulliBackward0"
    formula = "dL/dp = 0"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, p, drawn):
        return drawn

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class BernoulliDrawP(BernoulliDraw):
    """out = 0/1 draws with a probability p given apart from the input (``torch.bernoulli(x, p)``): torch defines no
    derivative, its node is ``NotImplemented`` and backward through it raises."""

    node_name = "NotImplemented"
    node_label = "torch::autograd::NotImplemented"
    formula = "not differentiable (torch raises)"

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::bernoulli is not implemented")


class RandomFill(Function):
    """x filled in place with random draws made by the caller (``x.uniform_()``, ``normal_``, ``exponential_``,
    ``random_``, ``bernoulli_(p)``): one node class per torch node name.   dL/dx = 0."""

    node_name = "UniformBackward0"
    formula = "dL/dx = 0"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, drawn):
        return drawn

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class UniformFill(RandomFill):
    """x filled in place with uniform draws (``x.uniform_()``).   dL/dx = 0."""

    node_name = "UniformBackward0"


class NormalFill(RandomFill):
    """x filled in place with normal draws (``x.normal_()``).   dL/dx = 0."""

    node_name = "NormalBackward0"


class ExponentialFill(RandomFill):
    """x filled in place with exponential draws (``x.exponential_()``).   dL/dx = 0."""

    node_name = "ExponentialBackward0"


class RandomFromToFill(RandomFill):
    """x filled in place with integers in [from, to) (``x.random_(from, to)``).   dL/dx = 0."""

    node_name = "RandomBackward0"


class RandomToFill(RandomFill):
    """x filled in place with integers in [0, to) (``x.random_(to)``).   dL/dx = 0."""

    node_name = "RandomBackward1"


class RandomIntFill(RandomFill):
    """x filled in place with integers over the dtype's range (``x.random_()``).   dL/dx = 0."""

    node_name = "RandomBackward2"


class BernoulliFill(RandomFill):
    """x filled in place with 0/1 draws of a number probability (``x.bernoulli_(p)``).   dL/dx = 0."""

    node_name = "BernoulliBackward2"


class BernoulliFillTensor(Function):
    """x filled in place with 0/1 draws of probabilities p, a tensor (``x.bernoulli_(p)``).   dL/dx = 0, dL/dp = 0."""

    node_name = "BernoulliBackward1"
    formula = "dL/dx = 0 ; dL/dp = 0"
    array_api = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, p, drawn):
        ctx.p_shape, ctx.p_dtype = p.shape, p.dtype
        return drawn

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad), np.zeros(ctx.p_shape, ctx.p_dtype)
