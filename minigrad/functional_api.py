"""Top-level functions (``minigrad.exp(t)``, ``minigrad.cat([...])``...) that mirror torch's namespace."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.ops import shape as _shape
from minigrad.tensor import Tensor, _other

__all__ = [
    "abs", "cat", "clamp", "clip", "exp", "log", "max", "mean", "min", "relu", "sigmoid", "sqrt", "stack", "sum",
    "tanh", "transpose", "unsqueeze", "squeeze", "flatten", "reshape", "t", "mm", "dot", "round", "where",
    "allclose", "equal", "is_tensor", "numel", "argmax", "argmin", "isnan", "maximum", "minimum", "add", "sub",
    "mul", "div", "pow", "neg", "reciprocal",
]


def _t(x: Any, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x


def exp(input: Tensor) -> Tensor:
    return _t(input, "exp").exp()


def log(input: Tensor) -> Tensor:
    return _t(input, "log").log()


def sigmoid(input: Tensor) -> Tensor:
    return _t(input, "sigmoid").sigmoid()


def tanh(input: Tensor) -> Tensor:
    return _t(input, "tanh").tanh()


def relu(input: Tensor) -> Tensor:
    return _t(input, "relu").relu()


def abs(input: Tensor) -> Tensor:
    return _t(input, "abs").abs()


def sqrt(input: Tensor) -> Tensor:
    return _t(input, "sqrt").sqrt()


def neg(input: Tensor) -> Tensor:
    return -_t(input, "neg")


def reciprocal(input: Tensor) -> Tensor:
    return _t(input, "reciprocal").reciprocal()


def round(input: Tensor, decimals: int = 0) -> Tensor:
    return _t(input, "round").round(decimals)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return _t(input, "clamp").clamp(min, max)


clip = clamp


def add(input: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    return _t(input, "add").add(other, alpha=alpha)


def sub(input: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    return _t(input, "sub").sub(other, alpha=alpha)


def mul(input: Tensor, other: Any) -> Tensor:
    return _t(input, "mul") * other


def div(input: Tensor, other: Any) -> Tensor:
    return _t(input, "div") / other


def pow(input: Any, exponent: Any) -> Tensor:
    if isinstance(input, Tensor):
        return input**exponent
    return _t(exponent, "pow").__rpow__(input)


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    return _t(input, "sum").sum(dim, keepdim, dtype=dtype)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    return _t(input, "mean").mean(dim, keepdim, dtype=dtype)


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    return _t(input, "max").max(dim, keepdim)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    return _t(input, "min").min(dim, keepdim)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(input, "argmax").argmax(dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(input, "argmin").argmin(dim, keepdim)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return _t(input, "transpose").transpose(dim0, dim1)


def t(input: Tensor) -> Tensor:
    return _t(input, "t").t()


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return _t(input, "unsqueeze").unsqueeze(dim)


def squeeze(input: Tensor, dim: int | None = None) -> Tensor:
    return _t(input, "squeeze").squeeze(dim)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return _t(input, "flatten").flatten(start_dim, end_dim)


def reshape(input: Tensor, shape: Any) -> Tensor:
    return _t(input, "reshape").reshape(shape)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    return _t(input, "mm").mm(mat2)


def dot(input: Tensor, other: Tensor) -> Tensor:
    return _t(input, "dot").dot(other)


def cat(tensors: Any, dim: int = 0) -> Tensor:
    """Concatenate along ``dim`` (``CatBackward0``)."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    d = tensors[0]._dim(dim)
    return _shape.Cat.apply(*tensors, d)


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """Stack along a new ``dim`` (``StackBackward0``)."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    return _shape.Stack.apply(*tensors, dim)


def where(condition: Tensor, input: Any, other: Any) -> Tensor:
    """Elementwise choice: ``input`` where ``condition`` else ``other`` (``WhereBackward0``)."""
    from minigrad.ops.arithmetic import Where

    a, b = _other(input), _other(other)
    a = a if isinstance(a, Tensor) else Tensor._wrap(np.asarray(a))
    return Where.apply(a, b, condition._data.astype(bool))


def maximum(input: Tensor, other: Tensor) -> Tensor:
    return where(input >= other, input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    return where(input <= other, input, other)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    return input.allclose(other, rtol, atol, equal_nan)


def equal(input: Tensor, other: Tensor) -> bool:
    return input.equal(other)


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def isnan(input: Tensor) -> Tensor:
    return input.isnan()
