"""Shape functions (view, reshape, permute, transpose, squeeze, unsqueeze, expand, flatten) as torch takes
their arguments, with torch's checks. The ops (views and their backward rules) are in ``minigrad/ops/shape.py``.
"""

from __future__ import annotations

import operator
import warnings
from typing import Any

from minigrad._dtype import dtype as _DtypeClass
from minigrad._tensor_base import Size
from minigrad.ops import shape as _shape
from minigrad.surface import parser
from minigrad.surface.parser import shape_arg, tensor_arg

__all__ = [
    "normalize_dims", "resolve_shape", "check_t", "dim_index", "size", "view", "reshape", "view_as", "reshape_as",
    "flatten", "t", "T", "mT",
    "permute", "transpose", "unsqueeze", "squeeze", "expand", "clone",
]

_T_DEPRECATED_0D = "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
_T_DEPRECATED = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an "
    "error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - "
    "1, -1, -1))` to reverse the dimensions of a tensor."
)


def normalize_dims(dim: Any, ndim: int) -> tuple[int, ...]:
    """Dims as a tuple of non-negative ints; IndexError like torch for a dim out of range, TypeError for a
    dim that is not an int (or an integer scalar such as a 0-d int tensor)."""
    dims = (dim,) if isinstance(dim, int) else tuple(dim) if isinstance(dim, tuple | list) else (_as_dim(dim),)
    out = []
    rank = max(ndim, 1)
    for d in dims:
        if type(d) is not int:
            d = _as_dim(d)
        if not -rank <= d < rank:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {d})"
            )
        out.append(d % rank)
    if len(out) > 1 and len(set(out)) < len(out):  # (after every dim's range check, as torch's reductions)
        raise RuntimeError(f"dim {next(d for i, d in enumerate(out) if d in out[:i])} appears multiple times in the "
                           "list of dims")
    return tuple(out)


def _as_dim(d: Any) -> int:
    try:
        return operator.index(d)
    except TypeError:
        raise TypeError(f"dim must be an int or a tuple of ints, not {type(d).__name__}") from None


def dim_index(t: Any, dim: Any) -> int:
    """``dim`` of ``t`` as a non-negative index (torch's IndexError when it is out of range)."""
    return normalize_dims(dim, t._data.ndim)[0]


def size(input: Any, dim: int | None = None) -> Any:
    if dim is None:
        return Size(input._data.shape)
    return input._data.shape[dim_index(input, dim)]


def view(input: Any, *shape: Any, dtype: Any = None) -> Any:
    parser.view_dtype_overload(shape, dtype, _DtypeClass)
    return _view(input, shape_arg(shape))


def resolve_shape(shape: tuple[int, ...], size: int) -> tuple[int, ...]:
    """``shape`` with its -1 resolved; torch's RuntimeError when the shape can't hold ``size`` elements."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if -1 in shape:
        if known == 0 or size % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
        return tuple(size // known if s == -1 else s for s in shape)
    if known != size:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
    return shape


def _view(input: Any, shape: tuple[int, ...]) -> Any:
    shape = resolve_shape(shape, input._data.size)
    try:
        return _shape.View.apply(input, shape)
    except AttributeError:  # NumPy: no view of these strides has that shape
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans "
            "across two contiguous subspaces). Use .reshape(...) instead."
        ) from None


def _reshape(input: Any, shape: tuple[int, ...]) -> Any:
    shape = resolve_shape(shape, input._data.size)
    try:
        return _shape.View.apply(input, shape)
    except AttributeError:  # no view: a copy
        return _shape.UnsafeView.apply(_shape.Clone.apply(input), shape)


def reshape(input: Any, *shape: Any) -> Any:
    """A view with the new shape when the memory layout allows one, else a copy (torch's rule and nodes)."""
    return _reshape(input, shape_arg(shape))


def view_as(input: Any, other: Any) -> Any:
    return _view(input, tensor_arg(other, "view_as")._data.shape)


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
    check_t(input)
    return _shape.T.apply(input)


def check_t(input: Any) -> None:
    """t() transposes tensors of at most 2 dims."""
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input._data.ndim}D")


def T(input: Any) -> Any:  # noqa: N802 - torch's name
    """All dims reversed (``PermuteBackward0``); like torch, deprecated (with a warning) unless 2-d."""
    nd = input._data.ndim
    if nd != 2:
        warnings.warn(_T_DEPRECATED_0D if nd == 0 else _T_DEPRECATED, UserWarning, stacklevel=2)  # (T: the property)
    return _shape.Permute.apply(input, tuple(range(nd - 1, -1, -1)))


def mT(input: Any) -> Any:  # noqa: N802
    return transpose(input, -2, -1)


def permute(input: Any, *dims: Any) -> Any:
    dims_t = shape_arg(parser.permute_dims(dims))
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
    dim = parser.squeeze_dims(dim)
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
