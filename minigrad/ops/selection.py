"""Selection ops: gather/scatter, index_select, masked_fill/masked_select, topk/sort, repeat, split, tril/triu.

Each picks, places or copies elements; its backward sends each output gradient back to the element it came from
(and sums where one element fed several outputs).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.autograd.function import Function

__all__ = [
    "Gather", "Scatter", "ScatterValue", "ScatterAdd", "IndexSelect", "MaskedFill", "MaskedFillTensor",
    "MaskedSelect", "Topk", "Sort", "StableSort", "Repeat", "Split", "SplitWithSizes", "Tril", "Triu", "index_grid",
]


def index_grid(index: np.ndarray, dim: int) -> tuple[np.ndarray, ...]:
    """The full NumPy index of gather/scatter: position (i₀, …, iₙ) of ``index`` addresses element
    (i₀, …, index[i₀…iₙ], …, iₙ), i.e. ``index`` replaces the coordinate along ``dim``."""
    if index.ndim == 0:
        return (index.reshape(()),)
    grid: list[np.ndarray] = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _grid(index: np.ndarray, dim: int, ndim: int) -> tuple[np.ndarray, ...]:
    return index_grid(index, dim) if ndim else ()


class Gather(Function):
    """y[i…] = x[i…, index[i…], …] (index along ``dim``).   dL/dx = dL/dy scattered back and added at the
    gathered positions (an element gathered twice gets both gradients)."""

    node_name = "GatherBackward0"
    formula = "dL/dx = scatter_add(0, dim, index, dL/dy)"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        if x.ndim == 0:
            return x.copy()
        return x[index_grid(index, dim)]

    @staticmethod
    def backward(ctx, grad):
        if not ctx.shape:
            return grad
        gx = np.zeros(ctx.shape, grad.dtype)
        np.add.at(gx, index_grid(ctx.index, ctx.dim), grad)
        return gx


class Scatter(Function):
    """y = x with y[i…, index[i…], …] = src[i…].   dL/dx = dL/dy with the overwritten positions zeroed;
    dL/dsrc = dL/dy gathered at the written positions."""

    node_name = "ScatterBackward0"
    formula = "dL/dx = dL/dy.scatter(dim, index, 0) ; dL/dsrc = dL/dy.gather(dim, index)"
    array_api = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index = dim, index
        y = x.copy()
        if x.ndim == 0:
            return src.reshape(()).astype(x.dtype) if index.size else y
        part = src[tuple(slice(0, n) for n in index.shape)] if src.ndim else src
        y[index_grid(index, dim)] = part
        return y

    @staticmethod
    def backward(ctx, grad):
        where = _grid(ctx.index, ctx.dim, grad.ndim)
        gx = grad.copy()
        gx[where] = 0
        nf = ctx.next_functions
        gsrc = grad[where] if nf[1][0] is not None else None
        return gx, gsrc


class ScatterValue(Function):
    """y = x with y[i…, index[i…], …] = value (a number).   dL/dx = dL/dy with the written positions zeroed."""

    node_name = "ScatterBackward1"
    formula = "dL/dx = dL/dy.scatter(dim, index, 0)"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        y = x.copy()
        y[_grid(index, dim, x.ndim)] = value
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = grad.copy()
        gx[_grid(ctx.index, ctx.dim, grad.ndim)] = 0
        return gx


class ScatterAdd(Function):
    """y = x, then y[i…, index[i…], …] += src[i…].   dL/dx = dL/dy;  dL/dsrc = dL/dy gathered at the
    positions each src element was added to."""

    node_name = "ScatterAddBackward0"
    formula = "dL/dx = dL/dy ; dL/dsrc = dL/dy.gather(dim, index)"
    array_api = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index = dim, index
        y = x.copy()
        part = src[tuple(slice(0, n) for n in index.shape)] if src.ndim else src
        np.add.at(y, _grid(index, dim, x.ndim), part)
        return y

    @staticmethod
    def backward(ctx, grad):
        nf = ctx.next_functions
        gsrc = grad[_grid(ctx.index, ctx.dim, grad.ndim)] if nf[1][0] is not None else None
        return grad, gsrc


class IndexSelect(Function):
    """y = the slices x[…, index[k], …] along ``dim``.   dL/dx = dL/dy added back at each selected slice
    (index_add: a slice selected twice gets both gradients)."""

    node_name = "IndexSelectBackward0"
    formula = "dL/dx = zeros.index_add(dim, index, dL/dy)"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        if x.ndim == 0:
            return x.copy()
        return np.take(x, index.reshape(-1), axis=dim)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.shape:
            return grad
        gx = np.zeros(ctx.shape, grad.dtype)
        where: list[Any] = [slice(None)] * len(ctx.shape)
        where[ctx.dim] = ctx.index.reshape(-1)
        np.add.at(gx, tuple(where), grad)
        return gx


class MaskedFill(Function):
    """y = value where mask else x (mask broadcast).   dL/dx = dL/dy where not mask, else 0."""

    node_name = "MaskedFillBackward0"
    formula = "dL/dx = dL/dy · [not mask]"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.mask = mask
        return np.where(mask, x.dtype.type(value), x)

    @staticmethod
    def backward(ctx, grad):
        return np.where(ctx.mask, grad.dtype.type(0), grad)


class MaskedFillTensor(Function):
    """y = v where mask else x, for a 0-d tensor v.   dL/dx = dL/dy where not mask;  dL/dv = Σ dL/dy over the
    masked positions."""

    node_name = "MaskedFillBackward1"
    formula = "dL/dx = dL/dy · [not mask] ; dL/dv = Σ_{mask} dL/dy"
    array_api = True
    edge_args = 2

    @staticmethod
    def forward(ctx, x, value, mask):
        ctx.mask = mask
        return np.where(mask, value.astype(x.dtype), x)

    @staticmethod
    def backward(ctx, grad):
        mask = np.broadcast_to(ctx.mask, grad.shape)
        gv = np.asarray(grad[mask].sum()) if ctx.next_functions[1][0] is not None else None
        return np.where(mask, grad.dtype.type(0), grad), gv


class MaskedSelect(Function):
    """y = the elements of x where mask (both broadcast), in order, as a 1-d tensor.   dL/dx = dL/dy put back at
    the selected positions (summed over the dims x was broadcast along, by the engine)."""

    node_name = "MaskedSelectBackward0"
    formula = "dL/dx = zeros.masked_scatter(mask, dL/dy)"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, mask):
        shape = np.broadcast_shapes(x.shape, mask.shape)
        m = np.broadcast_to(mask, shape)
        ctx.mask = m
        return np.broadcast_to(x, shape)[m]

    @staticmethod
    def backward(ctx, grad):
        gx = np.zeros(ctx.mask.shape, grad.dtype)
        gx[ctx.mask] = grad
        return gx


class Topk(Function):
    """values = x at ``idx`` along ``dim`` (the k largest or smallest, chosen by the caller).
    dL/dx = dL/dvalues put back at the chosen positions, 0 elsewhere."""

    node_name = "TopkBackward0"
    formula = "dL/dx = zeros.scatter(dim, indices, dL/dvalues)"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, dim, idx):
        ctx.shape, ctx.dim, ctx.idx = x.shape, dim, idx
        if x.ndim == 0:
            return x.copy()
        return np.take_along_axis(x, idx, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.shape:
            return grad
        gx = np.zeros(ctx.shape, grad.dtype)
        np.put_along_axis(gx, ctx.idx, grad, axis=ctx.dim)
        return gx


class Sort(Topk):
    """values = x sorted along ``dim`` (the permutation ``idx`` chosen by the caller).
    dL/dx = dL/dvalues sent back through the permutation."""

    node_name = "SortBackward0"
    formula = "dL/dx = zeros.scatter(dim, indices, dL/dvalues)"


class StableSort(Topk):
    """values = x sorted along ``dim`` by torch's stable overload (``sort(stable=...)``).
    dL/dx = dL/dvalues sent back through the permutation."""

    node_name = "SortBackward1"
    formula = "dL/dx = zeros.scatter(dim, indices, dL/dvalues)"


class Repeat(Function):
    """y = x tiled ``reps`` times along each dim (leading dims added when reps is longer).
    dL/dx = Σ over the copies of dL/dy (the gradient viewed as (r₀, s₀, r₁, s₁, …) summed over the r axes)."""

    node_name = "RepeatBackward0"
    formula = "dL/dx = Σ_copies dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, x, reps):
        ctx.shape, ctx.reps = x.shape, reps
        padded = x.reshape((1,) * (len(reps) - x.ndim) + x.shape)
        return np.tile(padded, reps)

    @staticmethod
    def backward(ctx, grad):
        reps = ctx.reps
        sizes = (1,) * (len(reps) - len(ctx.shape)) + ctx.shape
        split = []
        for r, s in zip(reps, sizes):
            split += [r, s]
        g = grad.reshape(split).sum(axis=tuple(range(0, 2 * len(reps), 2)))
        return g.reshape(ctx.shape)


class Split(Function):
    """y = x[start:stop] along ``dim`` (one piece of split/chunk, a view).   dL/dx = dL/dy in that piece's place,
    0 elsewhere."""

    node_name = "SplitBackward0"
    formula = "dL/dx = dL/dy in the piece's place, 0 elsewhere"
    array_api = True
    is_view = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, dim, start, stop):
        ctx.shape, ctx.where = x.shape, (slice(None),) * dim + (slice(start, stop),)
        return x[ctx.where]

    @staticmethod
    def backward(ctx, grad):
        gx = np.zeros(ctx.shape, grad.dtype)
        gx[ctx.where] = grad
        return gx


class SplitWithSizes(Split):
    """y = x[start:stop] along ``dim`` (one piece of split with a list of sizes, a view).   dL/dx = dL/dy in that
    piece's place, 0 elsewhere."""

    node_name = "SplitWithSizesBackward0"


class Tril(Function):
    """y = x with the elements above the k-th diagonal zeroed (last two dims).   dL/dx = tril(dL/dy, k)."""

    node_name = "TrilBackward0"
    formula = "dL/dx = tril(dL/dy, k)"
    array_api = True
    edge_args = 1
    _keep = staticmethod(np.tril)  # the triangle kept, forward and backward

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return ctx._function._keep(x, k)

    @staticmethod
    def backward(ctx, grad):
        return ctx._function._keep(grad, ctx.k)


class Triu(Tril):
    """y = x with the elements below the k-th diagonal zeroed (last two dims).   dL/dx = triu(dL/dy, k)."""

    node_name = "TriuBackward0"
    formula = "dL/dx = triu(dL/dy, k)"
    _keep = staticmethod(np.triu)
