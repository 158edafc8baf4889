"""torch's selection functions (``gather``, ``scatter``, ``index_select``, ``masked_fill``, ``topk``, ``sort``,
``repeat``, ``tile``, ``chunk``, ``split``, ``tril``/``triu``): argument reading, torch's checks and messages,
then the op from ``minigrad.ops.selection``."""

from __future__ import annotations

import numbers
import operator
import sys
from collections import namedtuple
from typing import Any

import numpy as np

from minigrad import _tensor_base as _base  # (module: read at call time, see _tensor/math.py)
from minigrad.autograd.function import _broadcast_error
from minigrad.ops import selection as _sel
from minigrad.surface.shape import normalize_dims

__all__ = ["gather", "scatter", "scatter_add", "index_select", "masked_fill", "masked_select", "topk", "sort",
           "argsort", "repeat", "tile", "chunk", "split", "tril", "triu", "sort_indices"]


def _input(x: Any, name: str) -> Any:
    if not isinstance(x, _base.TensorBase):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x


def _dim(x: Any, dim: Any) -> int:
    return normalize_dims(dim, x._data.ndim)[0]


def _index(x: Any, dim: int, index: Any, name: str, src: Any = None) -> np.ndarray:
    """gather/scatter's index checks, in torch's words: int64 or int32 (any dtype when empty), as many dims as the
    input, no larger than the input (and the source) apart from ``dim``, each value in [0, size)."""
    if not isinstance(index, _base.TensorBase):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    idx = index._data
    if idx.dtype != np.int64:
        if idx.dtype != np.int32 and idx.size:  # (an empty index of any dtype is taken)
            raise RuntimeError(f"{'gather' if name == 'gather' else 'scatter'}(): Expected dtype int32/int64 for index")
        idx = idx.astype(np.int64)
    a = x._data
    if idx.ndim != a.ndim and idx.size and a.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if a.ndim and idx.ndim == a.ndim:
        for d in range(a.ndim):
            if d != dim and idx.shape[d] > a.shape[d]:
                raise RuntimeError(f"Size does not match at dimension {d} expected index {list(idx.shape)} to be no "
                                   f"larger than self {list(a.shape)} apart from dimension {dim}")
            if src is not None and src.ndim and idx.shape[d] > src.shape[d]:
                raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(a.shape)} "
                                   f"apart from dimension {dim} and to be no larger size than src "
                                   f"{list(src.shape)}")
    size = a.shape[dim] if a.ndim else 1
    if idx.size:
        low, high = int(idx.min()), int(idx.max())
        if low < 0 or high >= size:  # (a negative index is out of bounds too)
            bad = idx[(idx < 0) | (idx >= size)]
            raise RuntimeError(f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension {dim} with size {size}")
    return idx


def gather(input: Any, dim: Any, index: Any, *, sparse_grad: bool = False) -> Any:
    """out[i][j] = input[i][index[i][j]] along ``dim`` (``GatherBackward0``)."""
    x = _input(input, "gather")
    d = _dim(x, dim)
    return _sel.Gather.apply(x, d, _index(x, d, index, "gather"))


def scatter(input: Any, dim: Any, index: Any, src: Any = None, *, value: Any = None, reduce: Any = None) -> Any:
    """A copy of ``input`` with ``src`` (a tensor: ``ScatterBackward0``) or ``value`` (a number:
    ``ScatterBackward1``) written at ``index`` along ``dim``."""
    x = _input(input, "scatter")
    if reduce is not None:
        raise NotImplementedError("minigrad's scatter does not implement reduce=")
    d = _dim(x, dim)
    if src is None:
        src = value
    if isinstance(src, _base.TensorBase):
        if src._data.dtype != x._data.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        return _sel.Scatter.apply(x, src, d, _index(x, d, index, "scatter", src._data))
    if not isinstance(src, numbers.Number):
        raise TypeError(f"scatter(): argument 'src' must be Tensor or Number, not {type(src).__name__}")
    return _sel.ScatterValue.apply(x, d, _index(x, d, index, "scatter"), src)


def scatter_add(input: Any, dim: Any, index: Any, src: Any) -> Any:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (``ScatterAddBackward0``)."""
    x = _input(input, "scatter_add")
    d = _dim(x, dim)
    if not isinstance(src, _base.TensorBase):
        raise TypeError(f"scatter_add(): argument 'src' (position 4) must be Tensor, not {type(src).__name__}")
    if src._data.dtype != x._data.dtype:
        raise RuntimeError("scatter_add(): Expected self.dtype to be equal to src.dtype")
    return _sel.ScatterAdd.apply(x, src, d, _index(x, d, index, "scatter_add", src._data))


def index_select(input: Any, dim: Any, index: Any) -> Any:
    """The slices of ``input`` at ``index`` along ``dim`` (``IndexSelectBackward0``)."""
    x = _input(input, "index_select")
    d = _dim(x, dim)
    if not isinstance(index, _base.TensorBase):
        raise TypeError(f"index_select(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}")
    idx = index._data
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if idx.dtype not in (np.int32, np.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    size = x._data.shape[d] if x._data.ndim else 1
    bad = idx[(idx < 0) | (idx >= size)]
    if bad.size:
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(bad.reshape(-1)[0])} axis_dim={size}")
    return _sel.IndexSelect.apply(x, d, idx.astype(np.int64))


# the C++ type names torch's messages print for a dtype
_C_TYPES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int8": "signed char",
            "int16": "short int", "int32": "int", "int64": "long int", "uint8": "unsigned char", "bool": "bool"}


def _mask(x: Any, mask: Any, name: str) -> np.ndarray:
    if not isinstance(mask, _base.TensorBase):
        raise TypeError(f"{name}(): argument 'mask' (position 2) must be Tensor, not {type(mask).__name__}")
    m = mask._data
    if m.dtype != np.bool_:
        if name == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_C_TYPES[m.dtype.name]}")
    try:
        np.broadcast_shapes(x._data.shape, m.shape)
    except ValueError:
        raise _broadcast_error(m, x._data) from None
    return m


def masked_fill(input: Any, mask: Any, value: Any) -> Any:
    """``input`` with ``value`` where ``mask`` is True (``MaskedFillBackward0``; a 0-d tensor value is
    ``MaskedFillBackward1`` and gets a gradient)."""
    x = _input(input, "masked_fill")
    m = _mask(x, mask, "masked_fill")
    if isinstance(value, _base.TensorBase):
        if value._data.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value._data.ndim} dimension(s).")
        return _sel.MaskedFillTensor.apply(x, value, m)
    if not isinstance(value, numbers.Number):
        raise TypeError(f"masked_fill(): argument 'value' (position 3) must be Number, not {type(value).__name__}")
    if x._data.dtype.kind in "biu" and isinstance(value, float) and not value.is_integer():
        pass  # torch truncates a float fill into an integer tensor
    return _sel.MaskedFill.apply(x, m, value)


def masked_select(input: Any, mask: Any) -> Any:
    """The elements where ``mask`` is True, as a 1-d tensor (``MaskedSelectBackward0``)."""
    x = _input(input, "masked_select")
    return _sel.MaskedSelect.apply(x, _mask(x, mask, "masked_select"))


def sort_indices(a: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """A stable sorting permutation along ``dim``: ties keep their order; NaN counts as the largest value (torch's
    order). Descending is the stable ascending order of the reversed array, reversed back."""
    if a.ndim == 0:
        return np.zeros((), np.int64)
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    if a.dtype.kind == "f" and not np.isnan(a).any():  # -a keeps ties in order (−0.0 and 0.0 stay equal)
        return np.argsort(-a, axis=dim, kind="stable")
    n = a.shape[dim]
    rev = np.flip(np.argsort(np.flip(a, dim), axis=dim, kind="stable"), dim)
    return (n - 1) - rev


class ValuesIndices(namedtuple("ValuesIndices", ["values", "indices"])):
    """(values, indices) of topk/sort; prints like torch's ``torch.return_types.topk(...)``."""

    __slots__ = ()
    _op = ""

    def __repr__(self) -> str:
        # read at call time (run-as-torch renames it): layer 1's after the layers refactor, minigrad.tensor's before
        display_module = getattr(_base, "display_module", None) or sys.modules["minigrad.tensor"].display_module
        return f"{display_module}.return_types.{self._op}(\nvalues={self.values!r},\nindices={self.indices!r})"


class _TopkResult(ValuesIndices):
    __slots__ = ()
    _op = "topk"


class _SortResult(ValuesIndices):
    __slots__ = ()
    _op = "sort"


def _values_indices(values: Any, indices: np.ndarray, name: str) -> Any:
    return (_TopkResult if name == "topk" else _SortResult)(values, _base.wrap(indices))


def topk(input: Any, k: Any, dim: Any = -1, largest: bool = True, sorted: bool = True) -> Any:
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices (``TopkBackward0``). Among equal
    values the first in the tensor comes first (torch's order among ties may differ; the values never do)."""
    x = _input(input, "topk")
    k = operator.index(k)
    a = x._data
    d = _dim(x, dim)  # (a 0-d tensor has dims -1 and 0)
    size = a.shape[d] if a.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if a.ndim == 0:
        return _values_indices(_sel.Topk.apply(x, d, np.zeros((), np.int64)), np.zeros((), np.int64), "topk")
    idx = sort_indices(a, d, descending=largest)[(slice(None),) * d + (slice(0, k),)]
    return _values_indices(_sel.Topk.apply(x, d, idx), idx, "topk")


_NOT_GIVEN: Any = object()


def sort(input: Any, dim: Any = -1, descending: bool = False, stable: Any = _NOT_GIVEN) -> Any:
    """Values sorted along ``dim`` and the permutation (``SortBackward0``; ``SortBackward1`` when ``stable=`` is
    given, torch's stable overload). Always a stable sort here: torch's default sort may order ties otherwise."""
    x = _input(input, "sort")
    a = x._data
    d = _dim(x, dim)  # (a 0-d tensor has dims -1 and 0)
    idx = sort_indices(a, d, bool(descending))
    op = _sel.Sort if stable is _NOT_GIVEN else _sel.StableSort
    return _values_indices(op.apply(x, d, idx), idx, "sort")


def argsort(input: Any, dim: Any = -1, descending: bool = False, stable: bool = False) -> Any:
    """The permutation that sorts ``input`` along ``dim`` (int64, no gradient)."""
    x = _input(input, "argsort")
    d = _dim(x, dim)  # (a 0-d tensor has dims -1 and 0)
    return _base.wrap(sort_indices(x._data, d, bool(descending)))


def _sizes(args: tuple[Any, ...]) -> tuple[int, ...]:
    if len(args) == 1 and isinstance(args[0], tuple | list):
        args = tuple(args[0])
    elif len(args) == 1 and isinstance(args[0], _base.TensorBase):
        args = tuple(np.atleast_1d(args[0]._data).tolist())  # (a 0-d tensor is one size)
    return tuple(operator.index(a) for a in args)


def repeat(input: Any, *sizes: Any) -> Any:
    """``input`` tiled ``sizes`` times along each dim (``RepeatBackward0``)."""
    x = _input(input, "repeat")
    reps = _sizes(sizes)
    if len(reps) < x._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    if any(r < 0 for r in reps):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(reps)}: "
                           f"{[r * s for r, s in zip(reps, (1,) * (len(reps) - x._data.ndim) + x._data.shape)]}")
    try:
        return _sel.Repeat.apply(x, reps)
    except (MemoryError, ValueError) as e:  # far too large: torch's allocator fails at once too
        shape = [r * s for r, s in zip(reps, (1,) * (len(reps) - x._data.ndim) + x._data.shape)]
        raise RuntimeError(f"cannot allocate a tensor of shape {shape}: {e}") from None


def tile(input: Any, dims: Any) -> Any:
    """``repeat`` with ``dims`` padded with leading 1s to the input's rank (``RepeatBackward0``)."""
    x = _input(input, "tile")
    reps = _sizes((dims,))
    reps = (1,) * (x._data.ndim - len(reps)) + reps
    return repeat(x, reps)


def chunk(input: Any, chunks: Any, dim: Any = 0) -> tuple[Any, ...]:
    """``chunks`` pieces (the last may be smaller; fewer when the dim is short) along ``dim``: views, each
    ``SplitBackward0``."""
    x = _input(input, "chunk")
    chunks = operator.index(chunks)
    if not x._data.ndim:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _dim(x, dim)
    size = x._data.shape[d]
    if size == 0:  # torch: `chunks` empty pieces, through split_with_sizes
        return split(x, [0] * chunks, d)
    return split(x, -(-size // chunks), d)


def split(tensor: Any, split_size_or_sections: Any, dim: Any = 0) -> tuple[Any, ...]:
    """Pieces of ``split_size`` along ``dim`` (``SplitBackward0``), or of the listed sizes
    (``SplitWithSizesBackward0``); views of the input."""
    x = _input(tensor, "split")
    if not x._data.ndim:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _dim(x, dim)
    size = x._data.shape[d]
    if isinstance(split_size_or_sections, list | tuple):
        sizes = [operator.index(s) for s in split_size_or_sections]
        if sum(sizes) != size or any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size "
                               f"at dimension {d}), but got split_sizes={sizes}")
        op: Any = _sel.SplitWithSizes
    else:
        step = operator.index(split_size_or_sections)
        if step < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
        if step == 0:
            if size:
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
            sizes = [0]
        else:
            sizes = [min(step, size - s) for s in range(0, size, step)] or [0]
        op = _sel.Split
    out, start = [], 0
    for s in sizes:
        out.append(op.apply(x, d, start, start + s))
        start += s
    return tuple(out)


def _triangle(x: Any, diagonal: Any, op: Any, name: str) -> Any:
    _input(x, name)
    if x._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return op.apply(x, operator.index(diagonal))


def tril(input: Any, diagonal: Any = 0) -> Any:
    """``input`` with the elements above the ``diagonal``-th diagonal zeroed (``TrilBackward0``)."""
    return _triangle(input, diagonal, _sel.Tril, "tril")


def triu(input: Any, diagonal: Any = 0) -> Any:
    """``input`` with the elements below the ``diagonal``-th diagonal zeroed (``TriuBackward0``)."""
    return _triangle(input, diagonal, _sel.Triu, "triu")
