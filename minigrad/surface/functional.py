"""Layer 4: top-level functions (``minigrad.exp(t)``, ``minigrad.cat([...])``...) that mirror torch's namespace:
argument checks and torch's messages, then a Tensor method or an op of ``minigrad.ops``."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from minigrad._dtype import dtype as _DtypeClass
from minigrad._dtype import from_numpy_dtype, get_default_dtype, result_type
from minigrad._tensor_base import TensorBase as Tensor  # (layer 4: tensors are known by their base class)
from minigrad.ops import shape as _shape
from minigrad.ops.arithmetic import Maximum, Minimum, Where
from minigrad.surface.arithmetic import check_sub
from minigrad.surface.arithmetic import operand as _other
from minigrad.surface.creation import tensor
from minigrad.surface.parser import ALL_DIMS
from minigrad.surface.parser import UNSET as _UNSET
from minigrad.surface.parser import deprecated_alpha as _deprecated_alpha
from minigrad.surface.parser import tensor_arg as _tensor_arg
from minigrad.surface.shape import normalize_dims

__all__ = [
    "abs", "cat", "clamp", "clip", "exp", "log", "max", "mean", "min", "relu", "sigmoid", "sqrt", "stack", "sum",
    "tanh", "transpose", "unsqueeze", "squeeze", "flatten", "reshape", "t", "mm", "dot", "round", "where",
    "allclose", "equal", "is_tensor", "numel", "argmax", "argmin", "isnan", "maximum", "minimum", "add", "sub",
    "mul", "div", "pow", "neg", "reciprocal",
]


def tensor_input(x: Any, name: str) -> Tensor:
    """``x`` if it is a Tensor, else torch's TypeError for the ``input`` argument of ``name``."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x


def exp(input: Tensor) -> Tensor:
    return tensor_input(input, "exp").exp()


def log(input: Tensor) -> Tensor:
    return tensor_input(input, "log").log()


def sigmoid(input: Tensor) -> Any:
    return tensor_input(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Any:
    return tensor_input(input, "tanh").tanh()


def relu(input: Tensor) -> Any:
    return tensor_input(input, "relu").relu()


def abs(input: Tensor) -> Tensor:
    return tensor_input(input, "abs").abs()


def sqrt(input: Tensor) -> Tensor:
    return tensor_input(input, "sqrt").sqrt()


def neg(input: Tensor) -> Tensor:
    return -tensor_input(input, "neg")


def reciprocal(input: Tensor) -> Tensor:
    return tensor_input(input, "reciprocal").reciprocal()


def round(input: Tensor, decimals: int = 0) -> Tensor:
    return tensor_input(input, "round").round(decimals)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return tensor_input(input, "clamp").clamp(min, max)


clip = clamp


def _tensor_list(tensors: Any, name: str) -> list[Tensor]:
    """The ``tensors`` argument of cat/stack: a list or tuple of Tensors (torch's TypeErrors otherwise)."""
    if not isinstance(tensors, list | tuple):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    return list(tensors)


def _t_or_number(x: Any, name: str, other: Any = None, true_division: bool = False) -> Tensor:
    """``input`` of add/sub/mul/div: a Tensor, or a Python number that torch takes as a 0-d "wrapped number"
    tensor, which does not decide the result dtype (it is made in the dtype the op will produce: for a true
    division, integer operands divide in the default float dtype, the number cast to it directly)."""
    if isinstance(x, bool | int | float) and not isinstance(x, Tensor):
        if type(x) is int and not -(2**63) <= x < 2**63:  # torch: a uint64 tensor, or an overflow
            raise NotImplementedError(f"{name}(): a Python int beyond int64 as 'input' is not supported by minigrad")
        if isinstance(other, Tensor):
            dt = result_type(other._data, x)
            if true_division and dt.kind in "biu":
                dt = get_default_dtype().np
            if type(x) is int and dt.kind in "iu" and not np.iinfo(dt).min <= x <= np.iinfo(dt).max:
                return Tensor._wrap(np.array(x % 2**64, dtype=np.uint64).astype(dt))  # torch wraps it around
            return tensor(x, dtype=from_numpy_dtype(dt))
        return tensor(x)
    return tensor_input(x, name)


def add(input: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:
    """``input + alpha·other``; ``add(input, alpha, other)`` is torch's deprecated spelling."""
    if deprecated:
        other, alpha = _deprecated_alpha("add", other, deprecated, alpha)
    return _t_or_number(input, "add", other).add(other, alpha=alpha)


def sub(input: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:
    """``input − alpha·other``; ``sub(input, alpha, other)`` is torch's deprecated spelling."""
    if deprecated:
        other, alpha = _deprecated_alpha("sub", other, deprecated, alpha)
    if type(input) is bool:  # (a wrapped bool input is refused before it takes the result dtype)
        check_sub(input, other._data if isinstance(other, Tensor) else other)
    return _t_or_number(input, "sub", other).sub(other, alpha=alpha)


def mul(input: Any, other: Any) -> Tensor:
    return _t_or_number(input, "mul", other) * other


def div(input: Any, other: Any, *, rounding_mode: Any = _UNSET) -> Tensor:
    """``input / other``; ``rounding_mode`` 'trunc' or 'floor' rounds the quotient (integers stay integers)."""
    if rounding_mode is _UNSET:
        return _t_or_number(input, "div", other, true_division=True) / other
    return _t_or_number(input, "div", other, true_division=rounding_mode is None).div(other,
                                                                                       rounding_mode=rounding_mode)


divide = div


def pow(input: Any, exponent: Any) -> Tensor:
    if isinstance(input, Tensor):
        return input**exponent
    return tensor_input(exponent, "pow").__rpow__(input)


def sum(input: Tensor, dim: Any = ALL_DIMS, keepdim: bool = False, dtype: Any = None) -> Tensor:
    return tensor_input(input, "sum").sum(dim, keepdim, dtype=dtype)


def mean(input: Tensor, dim: Any = ALL_DIMS, keepdim: bool = False, dtype: Any = None) -> Tensor:
    return tensor_input(input, "mean").mean(dim, keepdim, dtype=dtype)


def max(input: Tensor, dim_or_other: Any = None, /, keepdim: Any = _UNSET, *, dim: Any = _UNSET) -> Any:
    return tensor_input(input, "max").max(dim_or_other, keepdim, dim=dim)


def min(input: Tensor, dim_or_other: Any = None, /, keepdim: Any = _UNSET, *, dim: Any = _UNSET) -> Any:
    return tensor_input(input, "min").min(dim_or_other, keepdim, dim=dim)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return tensor_input(input, "argmax").argmax(dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return tensor_input(input, "argmin").argmin(dim, keepdim)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return tensor_input(input, "transpose").transpose(dim0, dim1)


def t(input: Tensor) -> Tensor:
    return tensor_input(input, "t").t()


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return tensor_input(input, "unsqueeze").unsqueeze(dim)


def squeeze(input: Tensor, dim: int | None = None) -> Tensor:
    return tensor_input(input, "squeeze").squeeze(dim)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return tensor_input(input, "flatten").flatten(start_dim, end_dim)


def reshape(input: Tensor, shape: Any) -> Tensor:
    return tensor_input(input, "reshape").reshape(shape)


def mm(input: Tensor, mat2: Tensor, out_dtype: Any = None) -> Tensor:
    """The matrix product; torch's ``out_dtype`` overload has no CPU kernel (its NotImplementedError)."""
    if out_dtype is not None:
        if not isinstance(out_dtype, _DtypeClass):
            raise TypeError(f"mm() received an invalid combination of arguments - got (Tensor, Tensor, "
                            f"{type(out_dtype).__name__})")
        raise NotImplementedError("Could not run 'aten::mm.dtype' with arguments from the 'CPU' backend.")
    return tensor_input(input, "mm").mm(mat2)


def dot(input: Tensor, other: Tensor) -> Tensor:
    return tensor_input(input, "dot").dot(other)


def cat(tensors: Any, dim: int = 0) -> Tensor:
    """Concatenate along ``dim`` (``CatBackward0``)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not x._data.ndim:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    numbered = list(enumerate(tensors))
    everything = tensors
    if any(x._data.shape == (0,) for x in tensors):
        # torch's legacy rule: a 1-d empty tensor is skipped, whatever the others' shapes (and dim, when all are);
        # it still takes part in the result dtype and in the graph (Cat skips it)
        numbered = [(i, x) for i, x in numbered if x._data.shape != (0,)]
        if not numbered:
            return _shape.Cat.apply(*tensors, 0)
        tensors = [x for _, x in numbered]
    d = tensors[0]._dim(dim)
    try:
        return _shape.Cat.apply(*everything, d)
    except ValueError:  # NumPy's shape errors, as torch words them (in its order)
        ref = tensors[0]._data.shape
        for i, x in numbered:
            shape = x._data.shape
            if len(shape) != len(ref):
                raise RuntimeError(
                    f"Tensors must have same number of dimensions: got {len(ref)} and {len(shape)}"
                ) from None
            for k, (a, b) in enumerate(zip(ref, shape)):
                if k != d and a != b:
                    raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {a} but "
                                       f"got size {b} for tensor number {i} in the list.") from None
        raise


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """Stack along a new ``dim`` (``StackBackward0``)."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    try:
        dim = operator.index(dim)
    except TypeError:
        raise TypeError(f"stack(): argument 'dim' (position 2) must be int, not {type(dim).__name__}") from None
    (dim,) = normalize_dims(dim, tensors[0]._data.ndim + 1)  # (torch's IndexError comes before the sizes)
    first = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != first:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                               f"{list(x._data.shape)} at entry {i}")
    return _shape.Stack.apply(*tensors, dim)


def where(condition: Tensor, input: Any, other: Any) -> Tensor:
    """Elementwise choice: ``input`` where ``condition`` else ``other`` (``WhereBackward0``)."""
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not {type(condition).__name__}")
    if condition._data.dtype.kind != "b" and condition._data.dtype != np.uint8:  # (uint8: torch's deprecated mask)
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{condition.dtype.scalar_name}")
    return Where.apply(_other(input), _other(other), condition._data.astype(bool))


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise max (``MaximumBackward0``); NaN where either is NaN, as in torch."""
    tensor_input(input, "maximum"), _tensor_arg(other, "maximum", "other", 2)
    return Maximum.apply(input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise min (``MinimumBackward0``); NaN where either is NaN, as in torch."""
    tensor_input(input, "minimum"), _tensor_arg(other, "minimum", "other", 2)
    return Minimum.apply(input, other)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    return tensor_input(input, "allclose").allclose(other, rtol, atol, equal_nan)


def equal(input: Tensor, other: Tensor) -> bool:
    return tensor_input(input, "equal").equal(other)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return tensor_input(input, "numel").numel()


def isnan(input: Tensor) -> Tensor:
    return tensor_input(input, "isnan").isnan()
