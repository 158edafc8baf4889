"""Ops that move or copy elements without arithmetic: view, transpose, indexing, cat, dtype casts: pure math on
arrays (shapes, dims and indices arrive checked: torch's errors are in ``minigrad/surface/shape.py`` and
``indexing.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._dtype import cast, promote_types
from minigrad.autograd.function import Function

__all__ = [
    "View", "T", "Permute", "Transpose", "Unsqueeze", "Squeeze", "SqueezeDims", "Select", "Slice", "Index",
    "CopySlices",
    "Cat", "Stack", "Expand", "Clone", "ToCopy", "infer_shape", "Alias", "UnsafeView", "Copy", "Zero", "Fill",
    "FillTensor",
]


def infer_shape(shape: tuple[int, ...], size: int) -> tuple[int, ...]:
    """``shape`` with its one -1 (if any) made the dim that gives ``size`` elements. (A shape that cannot hold
    ``size`` elements is refused by the caller: ``surface.shape.resolve_shape`` has torch's errors.)"""
    if -1 not in shape:
        return shape
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    return tuple(size // known if s == -1 else s for s in shape)


class View(Function):
    """y = x seen with another shape (same elements).   dL/dx = dL/dy reshaped to x's shape."""

    node_name = "ViewBackward0"
    formula = "dL/dx = reshape(dL/dy, shape of x)"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x, shape, copy_ok=False):
        shape = infer_shape(shape, x.size)
        ctx.shape = x.shape
        if copy_ok:
            return x.reshape(shape)
        y = x.view()
        y.shape = shape  # (NumPy's AttributeError when the strides allow no view: the caller words it)
        return y

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class UnsafeView(Function):
    """``reshape`` of a tensor that no view can reshape: a copy (``CloneBackward0``) seen with the new shape.
    dL/dx = dL/dy reshaped to x's shape."""

    node_name = "UnsafeViewBackward0"
    formula = "dL/dx = reshape(dL/dy, shape of x)"
    array_api = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        return x.reshape(infer_shape(shape, x.size))

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class Alias(Function):
    """y = x, a new view of all of it (``x[...]``, ``x[:, :]``).   dL/dx = dL/dy."""

    node_name = "AliasBackward0"
    formula = "dL/dx = dL/dy"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x):
        return x.view()

    @staticmethod
    def backward(ctx, grad):
        return grad


class T(Function):
    """y = xᵀ (a 0-, 1- or 2-d tensor).   dL/dx = (dL/dy)ᵀ."""

    node_name = "TBackward0"
    formula = "dL/dx = (dL/dy)ᵀ"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x):
        return x.T

    @staticmethod
    def backward(ctx, grad):
        return grad.T


class Permute(Function):
    """y = x with its dims reordered by ``dims``.   dL/dx = dL/dy with the inverse reordering."""

    node_name = "PermuteBackward0"
    formula = "dL/dx = permute(dL/dy, inverse of dims)"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(np.argsort(ctx.dims))


class Transpose(Function):
    """y = x with dims d0 and d1 swapped.   dL/dx = dL/dy with them swapped back."""

    node_name = "TransposeBackward0"
    formula = "dL/dx = swap dims d0, d1 of dL/dy"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return np.swapaxes(x, d0, d1) if x.ndim else x.view()  # (a 0-d tensor: nothing moves)

    @staticmethod
    def backward(ctx, grad):
        return np.swapaxes(grad, *ctx.dims) if grad.ndim else grad


class Unsqueeze(Function):
    """y = x with a new dim of size 1 at ``dim``.   dL/dx = dL/dy with that dim removed."""

    node_name = "UnsqueezeBackward0"
    formula = "dL/dx = squeeze(dL/dy, dim)"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.expand_dims(x, dim)

    @staticmethod
    def backward(ctx, grad):
        return np.squeeze(grad, ctx.dim)


class Squeeze(Function):
    """y = x without its size-1 dims (or only ``dim``).   dL/dx = dL/dy reshaped to x's shape."""

    node_name = "SqueezeBackward0"
    formula = "dL/dx = reshape(dL/dy, shape of x)"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x, dim=None):
        ctx.shape = x.shape
        if dim is None:
            return np.squeeze(x)
        return np.squeeze(x, dim) if x.ndim and x.shape[dim] == 1 else x.view()

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class SqueezeDim(Squeeze):
    """``squeeze(dim)``: torch names its node SqueezeBackward1."""

    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    """``squeeze(dims)``: only those of ``dims`` that have size 1 go (torch's SqueezeBackward2)."""

    node_name = "SqueezeBackward2"

    @staticmethod
    # override: squeeze(dims) takes a required tuple of dims where Squeeze takes one optional dim (torch's own
    # overloads); apply() passes it positionally, so no caller mixes the two
    def forward(ctx, x, dims):  # type: ignore[override]  # SqueezeDims takes a dims tuple where Squeeze takes one dim
        ctx.shape = x.shape
        return x.squeeze(axis=tuple(d for d in dims if x.ndim and x.shape[d] == 1))


class SqueezeMatmul(Squeeze):
    """The squeeze that ends ``vector @ matrix`` (torch's SqueezeBackward4)."""

    node_name = "SqueezeBackward4"
    is_view = False  # torch squeezes its own fresh mm result in place: no view of a user's tensor


class Select(Function):
    """y = x[..., i, ...] (integer index at ``dim``).   dL/dx = zeros with dL/dy placed at index i."""

    node_name = "SelectBackward0"
    formula = "dL/dx = zeros; dL/dx[i] = dL/dy"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.key = x.shape, (slice(None),) * dim + (index,)
        return x[ctx.key]

    @staticmethod
    def backward(ctx, grad):
        out = np.zeros(ctx.shape, dtype=grad.dtype)
        out[ctx.key] = grad
        return out


class Slice(Function):
    """y = x[..., a:b:s, ...] at ``dim``.   dL/dx = zeros with dL/dy placed in the slice."""

    node_name = "SliceBackward0"
    formula = "dL/dx = zeros; dL/dx[a:b:s] = dL/dy"
    array_api = True
    is_view = True

    @staticmethod
    def forward(ctx, x, dim, sl):
        ctx.shape, ctx.key = x.shape, (slice(None),) * dim + (sl,)
        return x[ctx.key]

    @staticmethod
    def backward(ctx, grad):
        out = np.zeros(ctx.shape, dtype=grad.dtype)
        out[ctx.key] = grad
        return out


class Index(Function):
    """y = x[idx] with integer arrays or a boolean mask.   dL/dx = zeros, then dL/dy added at idx
    (repeated indices add up)."""

    node_name = "IndexBackward0"
    formula = "dL/dx = zeros; dL/dx[idx] += dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, x, key):
        y = x[key]
        ctx.shape, ctx.key = x.shape, key
        return np.asarray(y)

    @staticmethod
    def backward(ctx, grad):
        out = np.zeros(ctx.shape, dtype=grad.dtype)
        np.add.at(out, ctx.key, grad)
        return out


class CopySlices(Function):
    """y = x with y[idx] = v (``x[idx] = v``).   dL/dx = dL/dy with zeros at idx,  dL/dv = dL/dy[idx]."""

    node_name = "CopySlices"
    formula = "dL/dx = dL/dy, zero at idx ; dL/dv = dL/dy[idx]"
    array_api = True

    @staticmethod
    def forward(ctx, x, v, key):
        y = x.copy()
        try:
            y[key] = v
        except ValueError:  # (NumPy refuses a one-element array for a single element; torch fits it in)
            if v.size != 1:
                raise
            y[key] = v.reshape(())
        ctx.key = key
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = grad.copy()
        gx[ctx.key] = 0
        return gx, grad[ctx.key]


class Copy(Function):
    """y = src broadcast and cast into x's shape and dtype (``x.copy_(src)``).   dL/dx = 0,  dL/dsrc = dL/dy
    (summed over the broadcast copies and cast back to src's dtype by the engine)."""

    node_name = "CopyBackwards"
    formula = "dL/dx = 0 ; dL/dsrc = dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, x, src):
        y = np.empty_like(x)
        np.copyto(y, src, casting="unsafe")
        return y

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad), grad


class Zero(Function):
    """y = 0 everywhere (``x.zero_()``).   dL/dx = 0."""

    node_name = "ZeroBackward0"
    formula = "dL/dx = 0"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        return np.zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class Fill(Function):
    """y = c everywhere, c a Python number (``x.fill_(c)``).   dL/dx = 0."""

    node_name = "FillBackward2"
    formula = "dL/dx = 0"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, x, value):
        return np.full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad)


class FillTensor(Function):
    """y = v everywhere, v a 0-d tensor (``x.fill_(v)``).   dL/dx = 0,  dL/dv = Σ dL/dy."""

    node_name = "FillBackward3"
    formula = "dL/dx = 0 ; dL/dv = Σ dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, x, value):
        return np.full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return np.zeros_like(grad), np.asarray(grad.sum())


class Cat(Function):
    """y = concatenation of the inputs along ``dim``.   dL/dxᵢ = the slice of dL/dy that came from xᵢ."""

    node_name = "CatBackward0"
    formula = "dL/dxᵢ = dL/dy[offsetᵢ : offsetᵢ + nᵢ]"
    array_api = True

    @staticmethod
    def forward(ctx, *args):
        *xs, dim = args
        dt = promote_types(*(x.dtype for x in xs))  # torch's promotion, skipped inputs included (f32 + i64: f32)
        ctx.skipped = None
        if len(xs) > 1 and any(x.shape == (0,) for x in xs) and any(x.shape != (0,) for x in xs):
            ctx.skipped = [x.shape == (0,) for x in xs]  # torch's legacy 1-d empty inputs: skipped (but promoted)
            xs = [x for x in xs if x.shape != (0,)]
        ctx.dim, ctx.splits = dim, np.cumsum([x.shape[dim] for x in xs])[:-1]
        return np.concatenate(xs, axis=dim, dtype=dt)

    @staticmethod
    def backward(ctx, grad):
        parts = np.split(grad, ctx.splits, axis=ctx.dim)
        if ctx.skipped is None:
            return tuple(parts)
        kept = iter(parts)
        return tuple(np.zeros(0, grad.dtype) if s else next(kept) for s in ctx.skipped)


class Stack(Function):
    """y = the inputs stacked along a new ``dim``.   dL/dxᵢ = dL/dy indexed at i along ``dim``."""

    node_name = "StackBackward0"
    formula = "dL/dxᵢ = dL/dy[i] along dim"
    array_api = True

    @staticmethod
    def forward(ctx, *args):
        *xs, dim = args
        ctx.dim, ctx.n = dim, len(xs)
        return np.stack(xs, axis=dim, dtype=promote_types(*(x.dtype for x in xs)))  # as cat

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.take(grad, i, axis=ctx.dim) for i in range(ctx.n))


class Expand(Function):
    """y = x broadcast to ``shape`` (torch's expand; here a copy, not a view).   dL/dx = dL/dy summed over the
    broadcast dims (by the engine, which reduces every gradient to its input's shape)."""

    node_name = "ExpandBackward0"
    formula = "dL/dx = Σ over the expanded dims of dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, x, shape):
        return np.array(np.broadcast_to(x, shape))

    @staticmethod
    def backward(ctx, grad):
        return grad


class Clone(Function):
    """y = a copy of x.   dL/dx = dL/dy."""

    node_name = "CloneBackward0"
    formula = "dL/dx = dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


class ToCopy(Function):
    """y = x converted to another dtype.   dL/dx = dL/dy converted back to x's dtype."""

    node_name = "ToCopyBackward0"
    formula = "dL/dx = dL/dy (cast to x's dtype)"
    array_api = True

    @staticmethod
    def forward(ctx, x, dtype: Any):
        return cast(x, np.dtype(dtype))

    @staticmethod
    def backward(ctx, grad):
        return grad


# torch defines these two nodes in C++ and their name() is qualified (the Python class name stays short)
for _f in (Copy, CopySlices):
    _f._node_cls._name = "torch::autograd::" + _f.node_name
del _f
