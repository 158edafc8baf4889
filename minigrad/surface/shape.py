"""Shape functions (view, reshape, permute, transpose, squeeze, unsqueeze, expand, flatten) as torch takes
their arguments, with torch's checks. The ops (views and their backward rules) are in ``minigrad/ops/shape.py``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad._dtype import dtype as _DtypeClass
from minigrad._tensor_base import Size, TensorBase
from minigrad.ops import shape as _shape
from minigrad.ops.reduction import normalize_dims
from minigrad.surface.parser import shape_arg, tensor_arg

__all__ = [
    "dim_index", "size", "view", "reshape", "view_as", "reshape_as", "flatten", "t", "T", "mT", "permute",
    "transpose", "unsqueeze", "squeeze", "expand", "clone",
]

_T_DEPRECATED_0D = "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
_T_DEPRECATED = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an "
    "error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - "
    "1, -1, -1))` to reverse the dimensions of a tensor."
)


def dim_index(t: Any, dim: Any) -> int:
    """``dim`` of ``t`` as a non-negative index (torch's IndexError when it is out of range)."""
    return normalize_dims(dim, t._data.ndim)[0]


def size(input: Any, dim: int | None = None) -> Any:
    if dim is None:
        return Size(input._data.shape)
    return input._data.shape[dim_index(input, dim)]


def view(input: Any, *shape: Any, dtype: Any = None) -> Any:
    if dtype is not None or (len(shape) == 1 and isinstance(shape[0], _DtypeClass)):
        if dtype is not None and (shape or not isinstance(dtype, _DtypeClass)):
            raise TypeError("view() received an invalid combination of arguments")
        raise NotImplementedError("view(dtype) is not supported by minigrad")
    return _shape.View.apply(input, shape_arg(shape))


def _reshape(input: Any, shape: tuple[int, ...]) -> Any:
    try:
        return _shape.View.apply(input, shape)
    except RuntimeError as e:
        if not str(e).startswith("view size is not compatible"):
            raise
    return _shape.UnsafeView.apply(_shape.Clone.apply(input), shape)


def reshape(input: Any, *shape: Any) -> Any:
    """A view with the new shape when the memory layout allows one, else a copy (torch's rule and nodes)."""
    return _reshape(input, shape_arg(shape))


def view_as(input: Any, other: Any) -> Any:
    return _shape.View.apply(input, tensor_arg(other, "view_as")._data.shape)


def reshape_as(input: Any, other: Any) -> Any:
    return _reshape(input, tensor_arg(other, "reshape_as")._data.shape)


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    shape = input._data.shape
    if not shape:
        dim_index(input, start_dim), dim_index(input, end_dim)  # (torch's IndexError for a dim out of [-1, 0])
        return _reshape(input, (1,))
    s, e = dim_index(input, start_dim), dim_index(input, end_dim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input  # torch returns the input itself
    n = 1
    for d in shape[s : e + 1]:
        n *= d
    return _reshape(input, (*shape[:s], n, *shape[e + 1 :]))


def t(input: Any) -> Any:
    return _shape.T.apply(input)


def T(input: Any) -> Any:  # noqa: N802 - torch's name
    """All dims reversed (``PermuteBackward0``); like torch, deprecated (with a warning) unless 2-d."""
    nd = input._data.ndim
    if nd != 2:
        warnings.warn(_T_DEPRECATED_0D if nd == 0 else _T_DEPRECATED, UserWarning, stacklevel=2)  # (T: the property)
    return _shape.Permute.apply(input, tuple(range(nd - 1, -1, -1)))


def mT(input: Any) -> Any:  # noqa: N802
    return transpose(input, -2, -1)


def permute(input: Any, *dims: Any) -> Any:
    if len(dims) == 1 and isinstance(dims[0], TensorBase):  # torch's dims parser: a one-element tensor (bool too)
        if dims[0]._data.size != 1:                         # is one dim, any other tensor a TypeError
            raise TypeError("permute(): argument 'dims' (position 1) must be tuple of ints, not Tensor")
        dims = (int(dims[0]._data.reshape(())),)
    dims_t = shape_arg(dims)
    nd: tuple[int, ...] = ()
    if len(dims_t) == input._data.ndim:
        for d in dims_t:  # torch's checks, one dim after the other: its range, then whether it came before
            d = dim_index(input, d)
            if d in nd:
                raise RuntimeError("permute(): duplicate dims are not allowed.")
            nd += (d,)
    if len(dims_t) != input._data.ndim:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           "length of the desired ordering of dimensions i.e. input.dim() = "
                           f"{input._data.ndim} is not equal to len(dims) = {len(dims_t)}")
    return _shape.Permute.apply(input, nd)


def transpose(input: Any, dim0: int, dim1: int) -> Any:
    d0, d1 = dim_index(input, dim0), dim_index(input, dim1)
    return _shape.Transpose.apply(input, d0, d1)  # (a 0-d tensor: dims 0 and -1 are allowed, nothing moves)


def unsqueeze(input: Any, dim: int) -> Any:
    (d,) = normalize_dims(dim, input._data.ndim + 1)
    return _shape.Unsqueeze.apply(input, d)


def squeeze(input: Any, dim: Any = None, *more_dims: int) -> Any:
    if more_dims:  # squeeze(0, 1): torch's dims as separate arguments
        dim = (dim, *more_dims)
    if dim is None:
        return _shape.Squeeze.apply(input)
    if isinstance(dim, TensorBase) and dim._data.ndim:  # (a 1-d tensor is a list of dims for torch's parser)
        dim = [int(d) for d in dim._data.reshape(-1)]
    if isinstance(dim, np.ndarray):  # torch's parser: a 0-d integer array is a list of one dim, nothing else
        if dim.ndim or dim.dtype.kind not in "iu":
            raise TypeError("squeeze() received an invalid combination of arguments - got (numpy.ndarray)")
        dim = [int(dim)]
    if isinstance(dim, tuple | list):
        dims: list[int] = []
        for d in dim:  # torch's checks, one dim after the other: its range, then whether it came before
            d = dim_index(input, d)
            if d in dims:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            dims.append(d)
        return _shape.SqueezeDims.apply(input, tuple(dims))  # (the listed dims of size 1; SqueezeBackward2)
    d = dim_index(input, dim)  # torch's IndexError for a dim out of range, 0-d tensors included
    return _shape.SqueezeDim.apply(input, d)  # (a 0-d tensor too: a new view, SqueezeBackward1, as in torch)


def expand(input: Any, *sizes: Any) -> Any:
    """The tensor broadcast to ``sizes`` (-1 keeps a dim; ``ExpandBackward0``): torch's checks first. A copy, not
    a view: a size too large to allocate is a RuntimeError (torch's expand allocates nothing)."""
    shape = shape_arg(sizes)
    have, lead = input._data.shape, len(shape) - input._data.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand({input.type()}{{{list(have)}}}, size={list(shape)}): the number of sizes provided "
            f"({len(shape)}) must be greater or equal to the number of dimensions in the tensor ({len(have)})"
        )
    target = []
    for i, s in enumerate(shape):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}"
                )
        elif s == -1:
            s = have[i - lead]
        elif have[i - lead] != 1 and s != have[i - lead]:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({have[i - lead]}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(shape)}.  Tensor sizes: {list(have)}"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
        target.append(s)
    try:
        return _shape.Expand.apply(input, tuple(target))
    except (MemoryError, ValueError) as e:
        raise RuntimeError(f"cannot allocate a tensor of shape {target}: {e}") from None


def clone(input: Any) -> Any:
    return _shape.Clone.apply(input)
