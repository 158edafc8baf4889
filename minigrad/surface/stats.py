"""torch's reductions beyond sum/mean/max (``prod``, ``var``/``std``, ``norm``, ``linalg.vector_norm``,
``logsumexp``, ``cumsum``/``cumprod``, ``amax``/``amin``, ``all``/``any``): argument reading, torch's checks and
messages, then the op from ``minigrad.ops.stats``."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from minigrad import _tensor_base as _base  # (module: read at call time, see _tensor/math.py)
from minigrad._dtype import from_numpy_dtype, get_default_dtype, to_numpy_dtype
from minigrad.ops import stats as _s
from minigrad.surface.linear import _CPP_NAMES
from minigrad.surface.shape import normalize_dims

__all__ = ["prod", "var", "std", "var_mean", "std_mean", "norm", "vector_norm", "logsumexp", "cumsum", "cumprod",
           "amax", "amin", "all", "any"]


def _input(x: Any, name: str) -> Any:
    if not isinstance(x, _base.TensorBase):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return x


def _dims(x: Any, dim: Any) -> tuple[int, ...]:
    """Reduced dims as a tuple; None or () mean every dim (torch's reading of an empty dim list)."""
    ndim = x._data.ndim
    if dim is None:
        return tuple(range(ndim))
    return normalize_dims(dim, ndim) or tuple(range(ndim))


def _dtype(dtype: Any) -> np.dtype | None:
    return None if dtype is None else to_numpy_dtype(dtype)


def _one_dim(x: Any, dim: Any) -> int:
    return normalize_dims(dim, x._data.ndim)[0]


def prod(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """∏ of every element (``ProdBackward0``) or along one dim (``ProdBackward1``); integers give int64."""
    x = _input(input, "prod")
    if dim is None:
        return _s.Prod.apply(x, _dtype(dtype))
    return _s.ProdDim.apply(x, _one_dim(x, dim), bool(keepdim), _dtype(dtype))


def _correction(name: str, args: tuple[Any, ...], dim: Any, unbiased: Any, correction: Any,
                keepdim: Any) -> tuple[Any, float, bool]:
    """torch's overloads of var/std: (dim, unbiased, keepdim), (unbiased,), or dim with keyword correction."""
    if args and isinstance(args[0], bool):  # var(unbiased)
        unbiased, args = args[0], args[1:]
    elif args:
        dim, args = args[0], args[1:]
        if args and isinstance(args[0], bool) and len(args) >= 1:
            if len(args) == 2 or (len(args) == 1 and unbiased is None and correction is None and keepdim is None):
                unbiased, args = args[0], args[1:]
        if args:
            keepdim = args[0]
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{name}: can't specify both correction and unbiased arguments")
    c = 1.0 if correction is None and unbiased is None else float(correction if correction is not None
                                                                   else int(bool(unbiased)))
    return dim, c, bool(keepdim) if keepdim is not None else False


def _var_args(x: Any, name: str, dim: Any, c: float) -> tuple[int, ...]:
    if x._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = _dims(x, dim)
    n = math.prod(x._data.shape[d] for d in dims) if x._data.ndim else 1
    if n - c <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction factor "
            "(input numel divided by output numel).", UserWarning, stacklevel=3)
    return dims


def var(input: Any, *args: Any, dim: Any = None, unbiased: Any = None, correction: Any = None,
        keepdim: Any = None) -> Any:
    """Σ(x − x̄)²/(n − correction) (``VarBackward0``); ``unbiased=False`` is correction 0."""
    x = _input(input, "var")
    dim, c, kd = _correction("var", args, dim, unbiased, correction, keepdim)
    return _s.Var.apply(x, _var_args(x, "var", dim, c), c, kd)


def std(input: Any, *args: Any, dim: Any = None, unbiased: Any = None, correction: Any = None,
        keepdim: Any = None) -> Any:
    """√var (``StdBackward0``)."""
    x = _input(input, "std")
    dim, c, kd = _correction("std", args, dim, unbiased, correction, keepdim)
    return _s.Std.apply(x, _var_args(x, "std", dim, c), c, kd)


def _with_mean(op: Any, name: str, input: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    x = _input(input, name)
    dim, c, kd = _correction(name, args, kwargs.get("dim"), kwargs.get("unbiased"), kwargs.get("correction"),
                             kwargs.get("keepdim"))
    dims = _var_args(x, name, dim, c)
    return op.apply(x, dims, c, kd), x.mean(dims, keepdim=kd)


def var_mean(input: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """(var, mean) over the same dims."""
    return _with_mean(_s.Var, "var_mean", input, args, kwargs)


def std_mean(input: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """(std, mean) over the same dims."""
    return _with_mean(_s.Std, "std_mean", input, args, kwargs)


def vector_norm(x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """(Σ|x|^ord)^(1/ord) over ``dim`` (every dim by default); ord = inf/-inf/0 are max|x|, min|x| and the count of
    non-zeros (``LinalgVectorNormBackward0``)."""
    _input(x, "linalg_vector_norm")
    if x._data.dtype.kind != "f":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{from_numpy_dtype(x._data.dtype).scalar_name}")
    if dtype is not None:
        x = x.to(dtype)
    p = float(ord)
    dims = _dims(x, dim) if dim is not None else None
    if x._data.size == 0 and p < 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                           "operation does not have an identity")
    return _s.VectorNorm.apply(x, p, dims, bool(keepdim))


def norm(input: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Any:
    """torch.norm: 'fro' and numbers are vector norms over ``dim`` (``LinalgVectorNormBackward0``); 'nuc' and
    matrix norms are not implemented."""
    x = _input(input, "norm")
    if p is None:  # torch: the 2-norm
        p = 2
    if isinstance(p, str):
        if p != "fro":
            raise NotImplementedError(f"minigrad's norm supports p='fro' and numbers, not p={p!r}")
        p = 2
    if isinstance(dim, int):
        dim = (dim,)
    return vector_norm(x, p, dim, keepdim, dtype=dtype)


def logsumexp(input: Any, dim: Any, keepdim: bool = False) -> Any:
    """ln Σ eˣ over ``dim``, computed stably (``LogsumexpBackward0``); integers in the default float dtype."""
    x = _input(input, "logsumexp")
    a = x._data
    if isinstance(dim, list | tuple) and not dim and not keepdim and a.ndim and a.size:
        # torch reduces over every dim into a 0-d output, then writes its keepdim-shaped result into it
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape {[1] * a.ndim}")
    if x._data.dtype.kind != "f":
        x = _base.wrap(x._data.astype(get_default_dtype().np))
    return _s.Logsumexp.apply(x, _dims(x, dim), bool(keepdim))


def cumsum(input: Any, dim: Any, *, dtype: Any = None) -> Any:
    """Running sums along ``dim`` (``CumsumBackward0``); bool and integers accumulate in int64."""
    x = _input(input, "cumsum")
    return _s.Cumsum.apply(x, _one_dim(x, dim), _dtype(dtype))


def cumprod(input: Any, dim: Any, *, dtype: Any = None) -> Any:
    """Running products along ``dim`` (``CumprodBackward0``)."""
    x = _input(input, "cumprod")
    return _s.Cumprod.apply(x, _one_dim(x, dim), _dtype(dtype))


def scan_in_place_is_noop(self: Any, name: str, dim: Any, dtype: Any) -> bool:
    """cumsum_/cumprod_'s checks, in torch's words: the result keeps self's dtype (a different ``dtype=`` is
    refused), and a bool tensor is refused unless it is empty or 0-d; True when there is nothing to compute (such
    a bool tensor is its own result, its version bumped)."""
    dt = self._data.dtype
    if dtype is not None and to_numpy_dtype(dtype) != dt:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {_CPP_NAMES[dt.name]} and output tensor dtype "
                           f"{_CPP_NAMES[to_numpy_dtype(dtype).name]} should match")
    if dt.kind == "b":  # (no graph: the dim is checked here; else after the in-place checks, as in torch)
        _one_dim(self, dim)
        if self._data.size and self._data.ndim:
            raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
        _base.bump_version(self._vc)  # (written in place, unchanged)
        return True
    return False


def _amax_dims(x: Any, dim: Any, name: str) -> tuple[int, ...]:
    dims = _dims(x, dim)
    if x._data.size == 0:
        empty = [d for d in dims if x._data.shape[d] == 0] if x._data.ndim else []
        if dim is None or dim == () or dim == []:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                               "the reduction dim with the 'dim' argument.")
        if empty:
            raise IndexError(f"{name}(): Expected reduction dim {empty[0]} to have non-zero size.")
    return dims


def amax(input: Any, dim: Any = (), keepdim: bool = False) -> Any:
    """The largest value over ``dim`` (every dim by default); ties share the gradient (``AmaxBackward0``)."""
    x = _input(input, "amax")
    return _s.Amax.apply(x, _amax_dims(x, dim, "amax"), bool(keepdim))


def amin(input: Any, dim: Any = (), keepdim: bool = False) -> Any:
    """The smallest value over ``dim``; ties share the gradient (``AminBackward0``)."""
    x = _input(input, "amin")
    return _s.Amin.apply(x, _amax_dims(x, dim, "amin"), bool(keepdim))


def _logical(x: Any, dim: Any, keepdim: bool, reduce: Any) -> Any:
    a = x._data
    axis = None if dim is None else _dims(x, dim)  # (checked for a 0-d tensor too: it has dims 0 and -1)
    axis = axis if a.ndim else None
    out = np.asarray(reduce(a, axis=axis, keepdims=bool(keepdim) and dim is not None))
    return _base.wrap(out.astype(np.uint8) if a.dtype == np.uint8 else out)


def all(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """True where every element (along ``dim``) is non-zero; uint8 in, uint8 out, as torch."""
    return _logical(_input(input, "all"), dim, keepdim, np.all)


def any(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """True where some element (along ``dim``) is non-zero; uint8 in, uint8 out, as torch."""
    return _logical(_input(input, "any"), dim, keepdim, np.any)
