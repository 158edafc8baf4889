"""Layer 4: ``F.linear``'s torch surface and the checks of the matrix products (torch's errors for addmm, mm, mv,
dot and bmm operands). The math is in ``minigrad.ops.linalg`` (``Addmm``: y = b + X·Wᵀ, forward and backward)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad._dtype import from_numpy_dtype
from minigrad._tensor_base import TensorBase
from minigrad.ops import linalg, shape
from minigrad.surface.arithmetic import matmul
from minigrad.surface.parser import tensor_arg as _tensor_arg

__all__ = ["linear", "check_mm", "check_mv", "check_dot", "check_bmm"]


def linear(input: TensorBase, weight: TensorBase, bias: TensorBase | None = None) -> Any:
    """y = x·Wᵀ + b with W of shape (out, in). On 2-d input one ``AddmmBackward0`` node (W enters through
    ``TBackward0``), as in torch; other contiguous input (1-d, 3-d...) with a bias of one non-1 dim is viewed as
    rows (``ViewBackward0``), multiplied by one addmm and viewed back, as torch's linear does; otherwise a matmul,
    then the bias added in place (it may not widen the output or change its dtype)."""
    _check_linear(input, weight, bias)
    wt = shape.T.apply(weight)  # Wᵀ (TBackward0)
    if bias is None:
        return matmul(input, wt)
    x = input._data
    _check_bias_dtype(x, weight, bias)
    if x.ndim == 2:
        return _addmm(bias, input, wt)
    if x.flags.c_contiguous and _flattens(bias._data):
        lead = x.shape[:-1]
        rows = math.prod(lead)
        out = _addmm(bias, shape.View.apply(input, (rows, x.shape[-1])), wt)
        return shape.View.apply(out, (*lead, out._data.shape[1]))
    return matmul(input, wt).add_(bias)  # (torch adds in place: the output's shape and dtype stay)


def _addmm(bias: TensorBase, x: TensorBase, wt: TensorBase) -> Any:
    """``Addmm`` (b + X·Wᵀ) with addmm's checks: shapes and dtypes first, the bias's broadcast after."""
    check_mm(x._data, wt._data, linear=True)
    try:
        return linalg.Addmm.apply(bias, x, wt)
    except ValueError:  # NumPy: the bias does not broadcast to (rows, out)
        raise _addmm_bias_error(bias, x, wt) from None


def _check_linear(input: Any, weight: Any, bias: Any) -> None:
    """linear's argument types and dims."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"linear(): argument 'input' must be Tensor, not {type(input).__name__}")
    if not isinstance(weight, TensorBase) or not (bias is None or isinstance(bias, TensorBase)):
        _tensor_arg(weight, "linear", "weight", 2)
        _tensor_arg(bias, "linear", "bias", 3)
    x, w = input._data, weight._data
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {x.ndim}D and {w.ndim}D")


def _check_bias_dtype(x: np.ndarray, weight: TensorBase, bias: TensorBase) -> None:
    """addmm checks the bias's dtype before the shapes (a matmul then add_ checks it later, its own way)."""
    b, w = bias._data, weight._data
    if b.dtype is not w.dtype and b.dtype != w.dtype:
        if x.ndim == 2 or (x.flags.c_contiguous and _flattens(b)):
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {bias.dtype.scalar_name} and "
                               f"{weight.dtype.scalar_name}")


def _flattens(b: np.ndarray) -> bool:
    """torch's linear folds n-d input into one addmm when the bias has a single non-1 dim."""
    return b.ndim == 1 or sum(n != 1 for n in b.shape) == 1


def _addmm_bias_error(bias: TensorBase, x: TensorBase, wt: TensorBase) -> Exception:
    """torch's error for an addmm bias that does not broadcast to the product's (rows, out)."""
    b, w = bias._data, wt._data
    target = [x._data.shape[0], w.shape[1]] if x._data.ndim == 2 and w.ndim == 2 else None
    if target is not None:
        if b.ndim > 2:
            return RuntimeError(f"expand({bias.type()}{{{list(b.shape)}}}, size={target}): the number of sizes "
                                f"provided (2) must be greater or equal to the number of dimensions in the tensor "
                                f"({b.ndim})")
        for i in range(1, b.ndim + 1):
            if b.shape[-i] not in (1, target[-i]):
                return RuntimeError(f"The expanded size of the tensor ({target[-i]}) must match the existing size "
                                    f"({b.shape[-i]}) at non-singleton dimension {2 - i}.  Target sizes: {target}.  "
                                    f"Tensor sizes: {list(b.shape)}")
    return RuntimeError(f"linear: the bias of shape {list(b.shape)} does not broadcast to the product")


# ------------------------------------------------------------------------------------------ matrix products
# the C++ type names torch's mm/bmm dtype error prints ("got: float != double")
_CPP_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int8": "signed char",
              "int16": "short int", "int32": "int", "int64": "long int", "uint8": "unsigned char", "bool": "bool"}


def _scalar_names(a: np.ndarray, b: np.ndarray) -> tuple[str, str]:
    return from_numpy_dtype(a.dtype).scalar_name, from_numpy_dtype(b.dtype).scalar_name


def check_mm(a: np.ndarray, b: np.ndarray, *, linear: bool) -> None:
    """torch's errors for a 2-d matrix product: shapes first, then dtypes (as addmm/mm word them)."""
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError("self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})"
        )
    if a.dtype != b.dtype:
        na, nb = _scalar_names(a, b)
        if linear:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {na} and {nb}")
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_CPP_NAMES[a.dtype.name]} != "
                           f"{_CPP_NAMES[b.dtype.name]}")


def check_mv(a: np.ndarray, v: np.ndarray) -> None:
    """torch's errors for a matrix·vector product (``Mv``)."""
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})"
        )
    if a.dtype != v.dtype:
        nv, na = _scalar_names(v, a)
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {nv}, {na}, and {nv}")


def check_dot(u: np.ndarray, v: np.ndarray) -> None:
    """torch's errors for a dot product of two vectors (``Dot``)."""
    if u.shape != v.shape:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{u.shape[0]}] and src [{v.shape[0]}] to have the same "
            f"number of elements, but got {u.shape[0]} and {v.shape[0]} elements respectively"
        )
    if u.dtype != v.dtype:
        na, nb = _scalar_names(u, v)
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {na} and {nb}")


def check_bmm(a: np.ndarray, b: np.ndarray) -> None:
    """torch's error for a batched product whose inner dims differ (``Bmm``)."""
    if a.shape[-1] != b.shape[-2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{b.shape[0]}, {a.shape[-1]}] "
            f"but got: [{b.shape[0]}, {b.shape[-2]}]."
        )
