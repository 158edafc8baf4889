"""Reductions (sum, mean, max/min, argmax/argmin, all/any) as torch takes their arguments.

The math and backward rules are in ``minigrad/ops/reduction.py``. ``sum()`` with no dim and ``sum(dim)`` are
different torch nodes (``SumBackward0``/``SumBackward1``): ``ALL_DIMS`` is the "no dim given" default.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from minigrad import _tensor_base
from minigrad._dtype import from_numpy_dtype, to_numpy_dtype
from minigrad._tensor_base import wrap
from minigrad.autograd import grad_mode
from minigrad.ops import reduction as _red
from minigrad.surface.parser import ALL_DIMS, UNSET, max_min_overload
from minigrad.surface.shape import dim_index, normalize_dims

__all__ = ["sum", "mean", "max", "min", "argmax", "argmin"]


def sum(input: Any, dim: Any = ALL_DIMS, keepdim: bool = False, dtype: Any = None) -> Any:
    """The sum over every dim (``SumBackward0``) or over ``dim`` (``SumBackward1``; an explicit None or ()
    means every dim, as in torch)."""
    dt = None if dtype is None else to_numpy_dtype(dtype)  # one node, as torch: the input is cast inside it
    if dim is ALL_DIMS:
        _check_sum_dtype(input, dt)
        return _red.Sum.apply(input, dt)
    nd = input._data.ndim
    dims = (None if dim is None else normalize_dims(dim, nd)) or tuple(range(nd))
    _check_sum_dtype(input, dt)
    return _red.SumDim.apply(input, dims, keepdim, dt)


def _check_sum_dtype(input: Any, dt: np.dtype | None) -> None:
    """torch refuses a non-floating ``dtype=`` when the sum would need a gradient."""
    if dt is not None and dt.kind != "f" and input._requires_grad and grad_mode.state.enabled:
        raise RuntimeError(f"Autograd not support dtype: {from_numpy_dtype(dt).scalar_name}")


def _check_mean_dtype(input: Any, dt: np.dtype | None) -> None:
    """torch averages in a floating dtype only: the input's, or ``dtype=``."""
    if (input._data.dtype if dt is None else dt).kind != "f":
        which = "Input" if dt is None else "Optional"
        raise RuntimeError(
            f"mean(): could not infer output dtype. {which} dtype must be either a floating point or complex dtype. "
            f"Got: {from_numpy_dtype(input._data.dtype if dt is None else dt).scalar_name}"
        )


def _check_nonempty(input: Any, name: str) -> None:
    """max()/min() of every element needs one."""
    if input._data.size == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument."
        )


def mean(input: Any, dim: Any = ALL_DIMS, keepdim: bool = False, dtype: Any = None) -> Any:
    """The mean over every dim (``MeanBackward0``) or over ``dim`` (``MeanBackward1``; None or () means every
    dim)."""
    dt = None if dtype is None else to_numpy_dtype(dtype)
    if dim is ALL_DIMS:
        _check_mean_dtype(input, dt)
        return _red.Mean.apply(input, dt)
    nd = input._data.ndim
    dims = (None if dim is None else normalize_dims(dim, nd)) or tuple(range(nd))
    _check_mean_dtype(input, dt)
    return _red.MeanDim.apply(input, dims, keepdim, dt)


class _MaxMin(namedtuple("_MaxMin", ["values", "indices"])):
    """(values, indices) of ``max(dim)``/``min(dim)``; prints like torch's ``torch.return_types.max(...)``."""

    __slots__ = ()
    _op = "max"

    def __repr__(self) -> str:
        return (f"{_tensor_base.display_module}.return_types.{self._op}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")


class _Min(_MaxMin):
    __slots__ = ()
    _op = "min"


def _nonempty_dim(t: Any, dim: Any, name: str) -> int:
    """``dim`` normalised; torch's IndexError when that dim has no elements to reduce."""
    d = dim_index(t, dim)
    if t._data.ndim and t._data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return d


def _by_index(t: Any, dim: int, keepdim: bool, arg: Any) -> Any:
    """``max(dim)``/``min(dim)``: (values, indices); one ``MaxBackward0``/``MinBackward0`` node, as in torch."""
    d = _nonempty_dim(t, dim, "max" if arg is np.argmax else "min")
    x = t._data.reshape(1) if t._data.ndim == 0 else t._data  # (a 0-d tensor reduces over its one element)
    idx = arg(x, axis=d, keepdims=True)
    values = (_red.MaxDim if arg is np.argmax else _red.MinDim).apply(t, d, keepdim, idx)
    indices = wrap(idx.reshape(values._data.shape).astype(np.int64))
    return (_MaxMin if arg is np.argmax else _Min)(values, indices)


def max(input: Any, dim_or_other: Any = None, /, keepdim: Any = UNSET, *, dim: Any = UNSET) -> Any:
    """The largest value, or (values, indices) along ``dim``; ``max(other)`` (elementwise) is not supported."""
    by_dim = max_min_overload("max", dim_or_other, keepdim, dim)
    if by_dim is None:
        _check_nonempty(input, "max")
        return _red.MaxAll.apply(input)
    return _by_index(input, by_dim[0], by_dim[1], np.argmax)


def min(input: Any, dim_or_other: Any = None, /, keepdim: Any = UNSET, *, dim: Any = UNSET) -> Any:
    """The smallest value, or (values, indices) along ``dim``; ``min(other)`` (elementwise) is not supported."""
    by_dim = max_min_overload("min", dim_or_other, keepdim, dim)
    if by_dim is None:
        _check_nonempty(input, "min")
        return _red.MinAll.apply(input)
    return _by_index(input, by_dim[0], by_dim[1], np.argmin)


def _arg(input: Any, dim: Any, keepdim: bool, name: str, fn: Any) -> Any:
    if dim is None:
        if input._data.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        out = np.asarray(fn(input._data), dtype=np.int64)
        return wrap(out.reshape((1,) * input._data.ndim) if keepdim else out)
    return wrap(fn(input._data, axis=_nonempty_dim(input, dim, name), keepdims=keepdim).astype(np.int64))


def argmax(input: Any, dim: int | None = None, keepdim: bool = False) -> Any:
    return _arg(input, dim, keepdim, "argmax", np.argmax)


def argmin(input: Any, dim: int | None = None, keepdim: bool = False) -> Any:
    return _arg(input, dim, keepdim, "argmin", np.argmin)
