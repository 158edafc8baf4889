"""Indexing: ``t[key]`` and ``t[key] = value``, read as torch reads an index.

An index is normalised first (``index_part``: tensors become arrays or ints, lists arrays); then basic parts
become torch's view nodes one dim at a time (``SelectBackward0``, ``SliceBackward0``, ``UnsqueezeBackward0``) and
advanced parts one ``IndexBackward0``. ``t[key] = value`` writes into the selection (``CopySlices`` when
autograd records it). The rest of this file is torch's checks, in torch's order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import _dtype
from minigrad._tensor_base import TensorBase, bump_version, wrap
from minigrad.autograd import grad_mode
from minigrad.ops import shape as _shape
from minigrad.surface.arithmetic import operand
from minigrad.surface.conversion import check_float_fits, checked_bound, overflow_error
from minigrad.surface.inplace import VIEW_OF_LEAF_INPLACE, check_inplace, rebind

__all__ = ["getitem", "setitem", "index_part", "check_index_count"]

_state = grad_mode.state


def getitem(t: Any, key: Any) -> Any:
    """``t[key]``: basic parts as views, one dim after the other; advanced parts as one ``Index`` op."""
    s = _shape
    single_slice = isinstance(key, slice)  # torch records SliceBackward0 even for x[:]
    ndim = t._data.ndim
    check_index_count(key, ndim)
    key = key if isinstance(key, tuple) else (key,)
    key = tuple(index_part(k) for k in key)
    if len(key) > 1 and sum(k is Ellipsis for k in key) > 1:
        key = _one_ellipsis(key, ndim)
    if not all(k is None or k is Ellipsis or isinstance(k, int | slice) for k in key):
        if any(isinstance(k, slice) and k.step is not None and k.step <= 0 for k in key):
            raise ValueError("step must be greater than zero")  # (NumPy would reverse)
        if any(type(k) is int for k in key):  # torch selects with the integers first (NumPy counts them as
            basic, rest = _split_integers(key, ndim)  # advanced: x[0, :, [1]] would move dims)
            return s.Index.apply(getitem(t, basic), rest if len(rest) > 1 else rest[0])
        return s.Index.apply(t, key if len(key) > 1 else key[0])
    n_dims = sum(1 for k in key if isinstance(k, int | slice))
    if n_dims > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (ndim - n_dims) + key[i + 1 :]
    out, dim = t, 0
    for k in key:
        if isinstance(k, int):
            out = s.Select.apply(out, dim, k)
        elif isinstance(k, slice):
            # torch skips a slice inside a tuple when it is literally the whole dim: start 0, stop ≥ size, step 1
            whole = k.start in (None, 0) and k.step in (None, 1) and (k.stop is None or k.stop >= out._data.shape[dim])
            if single_slice or not whole:
                out = s.Slice.apply(out, dim, k)
            dim += 1
        else:  # None: a new axis
            out = s.Unsqueeze.apply(out, dim)
            dim += 1
    if out is t:
        out = s.Alias.apply(t)
    return out


def setitem(t: Any, key: Any, value: Any) -> None:
    """``t[key] = value``: the value is written into the selection (recorded as ``CopySlices`` when autograd
    must see it, else written into the array; version + 1)."""
    raw_key = key
    key, value = _setitem_args(t, key, value)
    if raw_key is False:  # torch does nothing for x[False] = v (no graph, no in-place check) but read v
        return
    if isinstance(value, TensorBase) and value._data.ndim and not value._data.size:
        _check_empty_value(t._data, key, value._data)
    if _state.enabled and (t._requires_grad or (isinstance(value, TensorBase) and value._requires_grad
                                                and t._data.dtype.kind == "f")):
        _setitem_recorded(t, raw_key, key, value)
    else:
        _setitem_array(t, raw_key, key, value)


def _setitem_recorded(t: Any, raw_key: Any, key: Any, value: Any) -> None:
    """``t[key] = value`` in the graph: a copy into the view ``t[key]`` (``CopySlices``)."""
    if t.grad_fn is None and t._requires_grad:
        raise RuntimeError(VIEW_OF_LEAF_INPLACE)  # x[key] = v is a copy_ into the view x[key]
    check_inplace(t)
    if isinstance(value, TensorBase) and value._data.dtype != t._data.dtype:
        _check_index_put_dtype(t, raw_key, key, value)
    v = value if isinstance(value, TensorBase) else wrap(np.asarray(value, dtype=t._data.dtype))
    try:
        rebind(t, _shape.CopySlices.apply(t, v, key))
    except ValueError as e:  # NumPy: the value does not broadcast to the selection
        _check_index(t._data, key)
        raise RuntimeError(str(e)) from None


def _setitem_array(t: Any, raw_key: Any, key: Any, value: Any) -> None:
    """``t[key] = value`` outside the graph: written into the array (cast to its dtype)."""
    data = t._data
    if isinstance(value, TensorBase) and value._data.dtype != data.dtype:
        _check_index_put_dtype(t, raw_key, key, value)
    try:
        v = value._data if isinstance(value, TensorBase) else value
        data[key] = _dtype.cast(v, data.dtype) if type(v) is np.ndarray else v
    except OverflowError:
        raise RuntimeError(f"value cannot be converted to type {data.dtype.name} without overflow") from None
    except ValueError as e:  # a value that does not broadcast to the selection
        v = np.asarray(value._data if isinstance(value, TensorBase) else value)
        if v.dtype == object or v.size != 1:
            _check_index(data, key)
            raise RuntimeError(str(e)) from None
        data[key] = v.reshape(())  # torch fits a one-element value into a single element
    bump_version(t._vc)


def _setitem_args(t: Any, key: Any, value: Any) -> tuple[Any, Any]:
    """The key (``index_part`` of each part) and the value (a tensor, or a number converted to ``t``'s dtype as
    torch converts it, before it reads the index), with torch's checks of both, in its order."""
    raw_key = key
    key = tuple(index_part(k) for k in key) if isinstance(key, tuple) else index_part(key)
    value = operand(value)
    dt = t._data.dtype
    if type(value) is float and dt == np.float32 and math.isfinite(value) and (
            abs(value) > float(np.finfo(np.float32).max)):
        raise overflow_error(dt)  # (torch makes the value a float32 tensor first; float16: inf)
    if type(value) is int and not -(2**63) <= value < 2**63:
        raise ValueError("Overflow when unpacking long long")  # (torch reads the value as an int64 first)
    if type(value) is float:  # torch makes a number a tensor of t's dtype before it reads the index
        check_float_fits(dt, value, floats=False)  # (x[k] = 1e10 is inf in float16, as in torch)
        if dt == np.float16:
            value = _dtype.scalar_as(dt, value)  # (through float32, as torch)
    elif type(value) is int and dt.kind in "iu":
        value = checked_bound(dt, value)  # (-255..-1 wraps into uint8 as torch's cast allows)
    check_index_count(raw_key, t._data.ndim)
    if type(key) is tuple and len(key) > 1 and sum(k is Ellipsis for k in key) > 1:
        key = _one_ellipsis(key, t._data.ndim)
    if any(isinstance(k, slice) and k.step is not None and k.step <= 0
           for k in (key if isinstance(key, tuple) else (key,))):
        raise ValueError("step must be greater than zero")
    return key, value


def _check_index_put_dtype(t: Any, raw_key: Any, key: Any, value: Any) -> None:
    """torch's index_put_ (an integer-array index, or a bool mask with a value of several elements) requires the
    value tensor to have the destination's dtype; basic indexing (a Python bool too) and a mask filled with one
    value cast it."""
    if any(isinstance(k, float | str) for k in (key if type(key) is tuple else (key,))):
        return  # (an invalid index part is torch's IndexError first)
    python_bool = False
    if type(key) is tuple:  # (a Python bool in a tuple is an index_put_ mask, whatever the value's size)
        arrays = [k for k in key if isinstance(k, np.ndarray)]
        python_bool = type(raw_key) is tuple and any(isinstance(r, bool) for r in raw_key)
    else:  # (a bare Python bool is basic indexing)
        arrays = [key] if isinstance(key, np.ndarray) and not isinstance(raw_key, bool) else []
    if arrays and (python_bool or not (value._data.size == 1 and all(k.dtype == np.bool_ for k in arrays))):
        _check_index(t._data, key)  # (an index into a dim of size 0 is reported first)
        try:
            t._data[key]
        except IndexError as e:  # (index arrays that do not broadcast together: torch's IndexError first too)
            if "shape mismatch" in str(e):
                raise IndexError(str(e)) from None
        basic: list[Any] = []  # torch applies the basic parts (ints, slices) first: their IndexError comes first
        for k in key if type(key) is tuple else (key,):
            if isinstance(k, np.ndarray):
                basic += [slice(None)] * k.ndim if k.dtype == np.bool_ and k.ndim else [
                    None if k.dtype == np.bool_ else slice(None)]
            else:
                basic.append(k)
        try:
            t._data[tuple(basic)]
        except IndexError as e:
            raise IndexError(str(e)) from None
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got {t.dtype.scalar_name} for the "
            f"destination and {value.dtype.scalar_name} for the source."
        )


def _check_empty_value(a: np.ndarray, key: Any, v: np.ndarray) -> None:
    """torch's shape check of an empty value against the selection (its leading 1-dims dropped, it must broadcast
    to the selection's shape); NumPy lets an empty value through."""
    try:
        shape = a[key].shape
    except Exception:
        return  # (the index's own error comes later)
    vs = v.shape
    while vs and vs[0] == 1:
        vs = vs[1:]
    try:
        ok = np.broadcast_shapes(shape, vs) == shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast to indexing "
                           f"result of shape {list(shape)}")


def _check_index(a: np.ndarray, key: Any) -> None:
    """torch's IndexError for an index into a dim of size 0, which it reports before a value that does not
    broadcast (NumPy checks the value first; in a tensor with elements torch checks the value first too)."""
    if a.size:
        return
    try:
        a[key]
    except IndexError as e:
        if str(e).endswith("with size 0"):  # (an index out of another dim: torch reports the value first)
            raise IndexError(str(e)) from None
    except Exception:
        pass


def check_index_count(key: Any, ndim: int) -> None:
    """torch's first check of an index: it may not name more dims than the tensor has. Each part names one dim,
    except None, Ellipsis and Python bools (none) and a bool or uint8 Tensor (as many as it has). A lone int,
    slice, None, Ellipsis or bool is not a tuple to torch and has its own checks (a slice's is here)."""
    if isinstance(key, slice):
        if ndim == 0:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        return
    if key is None or key is Ellipsis or isinstance(key, bool | int | np.integer):
        return
    count = 0
    for k in key if isinstance(key, tuple) else (key,):
        if isinstance(k, TensorBase):
            count += k._data.ndim if k._data.dtype in (np.bool_, np.uint8) else 1
        elif not (k is None or k is Ellipsis or isinstance(k, bool)):
            count += 1
    if count > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")


def _one_ellipsis(key: tuple[Any, ...], ndim: int) -> tuple[Any, ...]:
    """An index with several Ellipses, as torch reads it (NumPy allows one): each Ellipsis skips the dims the other
    parts leave unindexed, so the later ones point past the last dim. They select nothing, and a part after them is
    out of range (torch's IndexError); the key is returned with its first Ellipsis only."""

    def width(k: Any) -> int:  # the dims a part indexes
        if k is None or k is Ellipsis:
            return 0
        return k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1

    extra = ndim - sum(width(k) for k in key)
    dim, nd = 0, ndim  # torch's position in the result, and the result's dims so far
    dropped = set()  # positions of slices torch skips past the last dim
    for i, k in enumerate(key):
        if k is Ellipsis:
            dim += max(extra, 0)
            continue
        new_axis = k is None or (isinstance(k, np.ndarray) and k.ndim == 0 and k.dtype == np.bool_)  # (a bool too)
        top = nd if new_axis else nd - 1
        if dim > top:
            if isinstance(k, slice) and k.start in (None, 0) and k.step in (None, 1) and (
                    k.stop is None or k.stop >= 0):  # torch's no-op slice: skipped (a negative stop is not one)
                dropped.add(i)
                dim += 1
                continue
            raise IndexError(f"Dimension out of range (expected to be in range of [{-top - 1}, {top}], but got {dim})")
        if new_axis:
            nd, dim = nd + 1, dim + 1
        elif isinstance(k, int):
            nd -= 1
        else:
            dim += 1
    first = next(i for i, k in enumerate(key) if k is Ellipsis)  # (key.index compares arrays with ==)
    return key[: first + 1] + tuple(k for i, k in enumerate(key)
                                    if i > first and k is not Ellipsis and i not in dropped)


def _split_integers(key: tuple[Any, ...], ndim: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """An index with integers and advanced parts, as torch applies it: first the basic part (integers select,
    slices slice, None adds a dim; each advanced part keeps its dims whole), then the advanced parts on what is
    left, at their new positions."""
    used = sum(k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 0 if k is None or k is Ellipsis
               else 1 for k in key)
    basic: list[Any] = []
    rest: list[Any] = []
    for k in key:
        if k is Ellipsis:
            basic.extend([slice(None)] * max(ndim - used, 0))
            rest.extend([slice(None)] * max(ndim - used, 0))
        elif type(k) is int:
            basic.append(k)
        elif k is None or isinstance(k, slice):
            basic.append(k)
            rest.append(slice(None))
        else:  # an advanced part: its dims stay for the second step (a bool mask covers as many as it has)
            basic.extend([slice(None)] * (k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1))
            rest.append(k)
    return tuple(basic), tuple(rest)


def index_part(k: Any) -> Any:
    """One element of an index: Tensors become arrays (int or bool), numpy ints become ints."""
    if isinstance(k, TensorBase):
        return int(k._data) if k._data.ndim == 0 and k._data.dtype.kind in "iu" else k._data
    if isinstance(k, np.integer):
        return int(k)
    if isinstance(k, bool):
        return np.asarray(k)
    if isinstance(k, list):
        return np.asarray(k) if k else np.zeros(0, dtype=np.int64)  # [] selects nothing (NumPy: a float array)
    return k
