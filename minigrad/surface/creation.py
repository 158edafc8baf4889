"""Layer 4: the tensor factories (torch.tensor, zeros, arange, rand...) with torch's names, argument parsing and dtype
rules (Python floats → float32, ints → int64)."""

from __future__ import annotations

import contextlib
import math
import numbers
import operator
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from minigrad import random
from minigrad._device import check_device, device_type, refuse_accelerator
from minigrad._dtype import cast, from_numpy_dtype, get_default_dtype, promote_types, scalar_as, to_numpy_dtype
from minigrad._tensor_base import TensorBase as Tensor  # (layer 4: tensors are known by their base class)
from minigrad.autograd.observers import Recompute, factory, notify_recompute, recompute_observers
from minigrad.surface.conversion import check_float_fits as _check_float_fits
from minigrad.surface.conversion import checked_bound as _checked_bound
from minigrad.surface.inplace import generator as _generator
from minigrad.surface.parser import factory_args as _factory_args
from minigrad.surface.parser import is_index as _is_index

__all__ = [
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "empty", "full", "zeros_like", "ones_like",
    "empty_like", "full_like", "arange", "linspace", "eye", "rand", "randn", "randint", "rand_like",
    "randn_like", "randperm", "manual_seed", "initial_seed", "seed",
]


def _finish(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._wrap(arr)
    if requires_grad:
        if arr.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


def _infer(data: Any) -> np.ndarray:
    """An array with torch's inferred dtype: NumPy input keeps its dtype, Python floats give the default."""
    if isinstance(data, np.ndarray | np.generic):
        arr = np.array(data)
        from_numpy_dtype(arr.dtype)  # TypeError for types torch lacks
        return arr
    if isinstance(data, str) or (isinstance(data, list | tuple) and _has_str(data)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__ if isinstance(data, str) else 'str'}'")
    try:
        arr = np.array(data)
    except ValueError as e:
        shape = _ragged_shape(data)
        if shape is not None:
            return np.zeros(shape, dtype=get_default_dtype().np)
        raise ValueError(f"expected a rectangular nested sequence of numbers: {e}") from None
    if arr.dtype == object:
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    if arr.dtype.kind == "f":
        return arr.astype(get_default_dtype().np, copy=False)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "b":
        return arr
    raise TypeError(f"Could not infer dtype of {arr.dtype}")


def _ragged_shape(data: Any) -> tuple[int, ...] | None:
    """A ragged nested list read as torch reads it: the sizes come from the chain of first elements (stopping at an
    empty one), then every element must match them: torch's ValueError ("expected sequence of length 2 at dim 1
    (got 1)") or TypeError (a number where a list should be, or a list where a number should be). A shape with no
    elements needs no element at all ([[], [1]] is a (2, 0) tensor): returned. None if ``data`` is not ragged."""
    if not isinstance(data, list | tuple):
        return None
    sizes: list[int] = []
    seq = data
    while isinstance(seq, list | tuple):
        sizes.append(len(seq))
        if not seq:
            break
        seq = seq[0]
    if math.prod(sizes) == 0:
        return tuple(sizes)

    def walk(obj: Any, dim: int) -> None:
        if dim == len(sizes):
            if isinstance(obj, list | tuple):
                raise TypeError(f"'{type(obj).__name__}' object cannot be interpreted as an integer")
            return
        if not isinstance(obj, list | tuple):
            raise TypeError("not a sequence")
        if len(obj) != sizes[dim]:
            raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(obj)})")
        for x in obj:
            walk(x, dim + 1)

    walk(data, 0)
    return None


def _check_floats_fit(data: Any, dt: np.dtype) -> None:
    """torch's checked cast of each Python float into an integer dtype: NaN, or a value beyond the dtype's range
    (below 0 for unsigned: -1.0 is refused where the int -1 wraps to 255), is an overflow error."""
    if type(data) is float:
        _check_float_fits(dt, data)
    elif isinstance(data, list | tuple):
        for x in data:
            if type(x) is float or isinstance(x, list | tuple):
                _check_floats_fit(x, dt)


def _scalar_dtype(x: Any) -> np.dtype | None:
    """The dtype torch infers for a Python number in a list (None for anything else: a nested list...)."""
    if isinstance(x, bool):
        return np.dtype(np.bool_)
    if isinstance(x, int):
        return np.dtype(np.int64)
    if isinstance(x, float):
        return get_default_dtype().np
    return None


def _has_str(data: Any) -> bool:
    return any(isinstance(x, str) or (isinstance(x, list | tuple) and _has_str(x)) for x in data)


def tensor(data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, numbers, NumPy arrays or tensors). As in torch, the
    data is read on the CPU before an accelerator ``device`` is refused."""
    _factory_args("tensor", dtype, device, requires_grad, refuse=False, none_ok=False)
    kind = device_type(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
            "sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        data = data._data
    if isinstance(data, list | tuple) and any(isinstance(x, Tensor) for x in data):
        if any(isinstance(x, Tensor) and x._data.size != 1 for x in data):
            raise ValueError("only one element tensors can be converted to Python scalars")
        if dtype is None:  # torch promotes the elements' dtypes (tensor([int32 0-d]) is int32; f64 with f32: f64)
            dt = None
            for x in data:
                d = x._data.dtype if isinstance(x, Tensor) else _scalar_dtype(x)
                if d is not None:
                    dt = d if dt is None else promote_types(dt, d)
            if dt is not None:
                dtype = from_numpy_dtype(dt)
        data = [x._data.reshape(()) if isinstance(x, Tensor) else x for x in data]  # one-element: a number
    if isinstance(data, str) or (isinstance(data, list | tuple) and _has_str(data)):  # (with a dtype too)
        raise TypeError(f"new(): invalid data type '{type(data).__name__ if isinstance(data, str) else 'str'}'")
    if dtype is not None and isinstance(data, list | tuple | float) and to_numpy_dtype(dtype).kind in "iu":
        _check_floats_fit(data, to_numpy_dtype(dtype))
    try:
        arr = _infer(data) if dtype is None else _as_dtype(data, to_numpy_dtype(dtype))
    except (ValueError, OverflowError) as e:
        if dtype is not None and isinstance(e, ValueError) and (shape := _ragged_shape(data)) is not None:
            refuse_accelerator(kind)
            return _finish(np.zeros(shape, dtype=to_numpy_dtype(dtype)), requires_grad)
        if "cannot convert float" not in str(e) and not isinstance(e, OverflowError):
            raise
        wrapped = _wrapped_unsigned(data, to_numpy_dtype(dtype))
        if wrapped is None:
            raise RuntimeError(f"value cannot be converted to type {to_numpy_dtype(dtype)} without overflow") from None
        arr = wrapped
    refuse_accelerator(kind)
    return _finish(arr, requires_grad)


def _as_dtype(data: Any, dt: np.dtype) -> np.ndarray:
    """``data`` as an array of ``dt``, converted as torch converts: an array by ``cast`` (a float into uint8 through
    int64...), numbers into float16 through float32."""
    if isinstance(data, np.ndarray):
        return cast(data, dt)
    if dt == np.float16:
        with np.errstate(over="ignore"):
            return np.array(data, dtype=np.float32).astype(dt)
    return np.array(data, dtype=dt)


def as_tensor(data: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array or tensor when no conversion is needed."""
    check_device(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or to_numpy_dtype(dtype) == data.dtype):
        return from_numpy(data)
    return tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array`` (writes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    from_numpy_dtype(array.dtype)
    return Tensor._wrap(array)


def _wrapped_unsigned(data: Any, dt: np.dtype) -> np.ndarray | None:
    """Integers for an unsigned dtype, a negative one wrapping around as torch allows (-1 is 255 in uint8, down
    to -255); None if some value does not fit."""
    if dt.kind != "u":
        return None
    try:
        wide = np.array(data, dtype=np.int64)
    except (ValueError, OverflowError, TypeError):
        return None
    high = int(np.iinfo(dt).max)
    if wide.size and not ((wide >= -high) & (wide <= high)).all():
        return None
    return wide.astype(dt)


def _dtype_of(dtype: Any) -> np.dtype:
    return get_default_dtype().np if dtype is None else to_numpy_dtype(dtype)


def _check_size(shape: tuple[int, ...]) -> tuple[int, ...]:
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
    return shape


def _alloc(fill: Any, size: tuple[Any, ...], dtype: Any, requires_grad: bool, device: Any = None,
           fn: str = "empty") -> Tensor:
    """A new tensor of ``size`` filled with ``fill`` (None: uninitialised), after torch's checks in its order
    (``_factory_args``, then the values)."""
    shape = _factory_args(fn, dtype, device, requires_grad, size)
    assert shape is not None
    if fn == "zeros" and any(s < 0 for s in shape):
        raise RuntimeError("zeros: Dimension size must be non-negative.")  # torch's wording for zeros only
    _check_size(shape)
    dt = _dtype_of(dtype)
    if type(fill) is int and dt.kind in "iu":  # torch's checked cast of the fill value
        fill = _checked_bound(dt, fill)  # (a negative int wraps into an unsigned type)
    elif type(fill) is float:
        # an integer dtype: NaN and beyond its range refused; float32: beyond its range refused (float16: inf)
        _check_float_fits(dt, fill, floats=dt == np.float32)
        fill = scalar_as(dt, fill) if dt == np.float16 else fill  # (through float32, as torch)
    try:
        arr = np.full(shape, fill, dtype=dt) if fill is not None else np.empty(shape, dt)
    except (MemoryError, ValueError) as e:
        raise RuntimeError(f"cannot allocate a tensor of shape {list(shape)}: {e}") from None
    return _finish(arr, requires_grad)


def sized(fn: str, shape: tuple[Any, ...], size: Any) -> tuple[Any, ...]:
    """The size given positionally (``zeros(2, 3)``, ``zeros((2, 3))``) or as the keyword ``size=`` (one sequence:
    ``size=2`` is torch's TypeError), never both."""
    if size is None:
        return shape
    if shape:
        raise TypeError(f"{fn}() got multiple values for argument 'size'")
    if isinstance(size, numbers.Integral):
        raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    return (size,)


@factory
def zeros(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    return _alloc(0, sized("zeros", shape, size), dtype, requires_grad, device, "zeros")


@factory
def ones(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    return _alloc(1, sized("ones", shape, size), dtype, requires_grad, device, "ones")


@factory
def empty(*shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    return _alloc(None, sized("empty", shape, size), dtype, requires_grad, device, "empty")


def _check_fill(fill_value: Any, fn: str) -> None:
    if not isinstance(fill_value, numbers.Number | np.generic | Tensor | np.ndarray):
        raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, not {type(fill_value).__name__}")


@factory
def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    _check_fill(fill_value, "full")
    if isinstance(size, numbers.Integral):  # (a size is a sequence: full(2, 1) is torch's TypeError)
        raise TypeError(f"full(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    if dtype is None:
        dtype = _infer(fill_value).dtype
    return _alloc(fill_value, (size,), dtype, requires_grad, device, "full")


def _like(t: Tensor, dtype: Any, name: str) -> tuple[tuple[int, ...], Any]:
    """Shape and dtype of ``t`` for ``name`` (``zeros_like``...); torch's TypeError if ``t`` is no Tensor."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(t).__name__}")
    return t._data.shape, (t._data.dtype if dtype is None else dtype)


def _made_like(out: Tensor, fill: Any, shape: tuple[int, ...], dtype: Any) -> Tensor:
    """``out``, made by a ``*_like`` factory: for ``minigrad.compile``, the same as ``full(shape, fill, dtype)``
    (``empty`` for no fill), which a replay calls again (the other tensor gave only its shape and dtype)."""
    if recompute_observers and not out._requires_grad and not isinstance(fill, Tensor | np.ndarray):
        call = Recompute(empty, (shape,), {"dtype": dtype}) if fill is None else Recompute(full, (shape, fill),
                                                                                           {"dtype": dtype})
        notify_recompute(out, call, ())
    return out


def zeros_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype, "zeros_like")
    return _made_like(_alloc(0, (shape,), dt, requires_grad, device, "zeros_like"), 0, shape, dt)


def ones_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype, "ones_like")
    return _made_like(_alloc(1, (shape,), dt, requires_grad, device, "ones_like"), 1, shape, dt)


def empty_like(t: Tensor, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype, "empty_like")
    return _made_like(_alloc(None, (shape,), dt, requires_grad, device, "empty_like"), None, shape, dt)


def full_like(t: Tensor, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    shape, dt = _like(t, dtype, "full_like")
    _check_fill(fill_value, "full_like")
    return _made_like(_alloc(fill_value, (shape,), dt, requires_grad, device, "full_like"), fill_value, shape, dt)


def _num(v: Any) -> str:
    """A number as torch prints it in range errors (0 for 0.0, nan, inf)."""
    return str(math.trunc(v)) if isinstance(v, numbers.Real) and math.isfinite(v) and v == math.trunc(v) else str(v)


@factory
def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """Values start, start+step, … below end; int64 when all arguments are ints, else the default float."""
    if end is None:
        start, end = 0, start
    # a 0-d tensor is read as its number, as torch's Scalar arguments are (the bound check then runs in double);
    # any other tensor is torch's parser TypeError
    for name, position, v in (("end", 1, end), ("start", 0, start), ("step", 2, step)):
        if isinstance(v, Tensor) and v._data.ndim:
            raise TypeError(f"arange(): argument '{name}' (position {position}) must be Number, not Tensor")
        if not isinstance(v, numbers.Number | Tensor | np.ndarray):
            raise TypeError(f"arange(): argument '{name}' (position {position}) must be Number, not "
                            f"{type(v).__name__}")
    start, end, step = (v.item() if isinstance(v, Tensor) and v._data.ndim == 0 else v for v in (start, end, step))
    _factory_args("arange", dtype, device, requires_grad)
    for v in (start, end):  # (an infinite step is taken: arange(0, 1, inf) is empty)
        if isinstance(v, numbers.Real) and not math.isfinite(v):
            raise RuntimeError(f"unsupported range: {_num(start)} -> {_num(end)}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    fstart, fend, fstep = float(start), float(end), float(step)  # (torch compares the bounds as doubles)
    if not ((fstep > 0 and fend >= fstart) or (fstep < 0 and fend <= fstart)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    dt = _dtype_of(dtype) if dtype is not None else (np.dtype(np.int64) if ints else get_default_dtype().np)
    if dt.kind == "b":
        raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
    # torch's kernel: integer results compute in int64 from start and step truncated to int64 (checked), floats in
    # double (float16 in float); the size is ceil((end − start) / step) in double, except for int64 results,
    # where it is (end − start + step − sign(step)) / step in int64 (which wraps around: arange(-2**63, 2**63 - 1,
    # 2**62) is empty)
    if dt.kind in "iu":
        xstart, xstep = _to_int64(start), _to_int64(step)
        if dt == np.int64:
            xend = _to_int64(end)
            if xstep == 0:
                raise ValueError("step must be nonzero")
            sign = 1 if xstep > 0 else -1
            num = _wrap64(xend - xstart + xstep - sign)
            size = abs(num) // abs(xstep) * (1 if (num >= 0) == (xstep > 0) else -1)  # (C's division)
        else:
            size = _arange_size(start, end, step)
    else:
        size = _arange_size(start, end, step)
    if size < 0:
        raise RuntimeError("invalid size, possible overflow?")
    if float(size) >= 2**63:  # (torch casts the size as a double, 2**63, to int64)
        raise RuntimeError("IntArrayRef contains an int that cannot be represented as a SymInt: -9223372036854775808")
    try:
        if dt.kind in "iu":
            with np.errstate(over="ignore"):
                values = np.int64(xstart) + np.int64(xstep) * np.arange(size, dtype=np.int64)
        else:
            acc = np.float32 if dt.itemsize < 4 else np.float64
            values = np.add(acc(start), np.multiply(acc(step), np.arange(size, dtype=acc)))
    except (MemoryError, ValueError) as e:  # far too many values: fail fast, as torch's allocator does
        raise RuntimeError(f"arange({start}, {end}, {step}): cannot allocate the result: {e}") from None
    with np.errstate(over="ignore"):
        return _finish(values.astype(dt), requires_grad)


def _to_int64(v: Any) -> int:
    """A bound converted to int64 as torch's checked cast does (a float truncates toward zero)."""
    i = int(v)
    if not -(2**63) <= i < 2**63:
        raise RuntimeError("value cannot be converted to type int64_t without overflow")
    return i


def _wrap64(v: int) -> int:
    return (v + 2**63) % 2**64 - 2**63


def _arange_size(start: Any, end: Any, step: Any) -> int:
    size = (float(end) - float(start)) / float(step)
    if not 0 <= size <= 2**63:  # (inf too: arange(0, 1, 5e-324))
        raise RuntimeError("invalid size, possible overflow?")
    return math.ceil(size)


@factory
def linspace(start: float, end: float, steps: int, *, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` values from start to end, as torch's kernel computes them: 0-d tensor bounds are read as numbers
    (no graph); one step is start; more convert both bounds to the dtype (checked: float16 refuses 1e30, uint8
    wraps -1 to 255), then step = (end − start)/(steps − 1) in the dtype (double for integers), the first half
    counting up from start and the second down from end."""
    if isinstance(start, Tensor) or isinstance(end, Tensor):
        dims = [f"{name} with {v._data.ndim} dimension(s)" for name, v in (("start", start), ("end", end))
                if isinstance(v, Tensor) and v._data.ndim]
        if dims:
            raise RuntimeError(
                f"linspace only supports 0-dimensional start and end tensors, but got {' and '.join(dims)}."
            )
        start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    if isinstance(steps, Tensor):  # (a one-element integer tensor is read as its number)
        steps = operator.index(steps)
    _factory_args("linspace", dtype, device, requires_grad)
    if isinstance(steps, numbers.Integral) and steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _dtype_of(dtype)
    if isinstance(steps, numbers.Integral) and steps * dt.itemsize >= 2**63:
        raise RuntimeError(f"Storage size calculation overflowed with sizes=[{steps}]")
    with _allocation((steps,)):
        if steps == 0:
            values = np.empty(0, dtype=dt)
        elif steps == 1:
            values = np.full(1, _linspace_bound(dt, start, fill=True), dtype=dt)
        else:
            n = operator.index(steps)
            lo, hi = _linspace_bound(dt, start), _linspace_bound(dt, end)
            acc = np.float64 if dt.kind != "f" else np.float32 if dt.itemsize < 4 else dt.type
            with np.errstate(over="ignore", invalid="ignore"):
                lo, hi = acc(lo), acc(hi)
                step = (hi - lo) / acc(n - 1)
                i = np.arange(n, dtype=acc)
                half = n // 2
                values = np.concatenate([lo + step * i[:half], hi - step * (acc(n - 1) - i[half:])])
                if dt.kind in "iu":
                    values = np.trunc(values).astype(np.int64)
                values = values.astype(dt)
    return _finish(values, requires_grad)


def _linspace_bound(dt: np.dtype, v: Any, fill: bool = False) -> Any:
    """A bound converted to ``dt`` by torch's checked cast."""
    if dt.kind == "b":
        return bool(v)
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return _checked_bound(dt, int(v)) if dt.kind in "iu" else v
    if isinstance(v, numbers.Real):
        if not (fill and dt == np.float16):  # (fill_ takes any float for float16: 1e300 is inf)
            _check_float_fits(dt, float(v))
        return math.trunc(v) if dt.kind in "iu" else v
    return v


@factory
def eye(n: int, m: int | None = None, *, dtype: Any = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    for name, v in (("n", n), ("m", m)):
        if v is not None and not (isinstance(v, numbers.Integral) or _is_index(v)):
            raise TypeError(f"eye(): argument '{name}' must be int, not {type(v).__name__}")
    _factory_args("eye", dtype, device, requires_grad)
    for name, v in (("n", n), ("m", m)):
        if isinstance(v, numbers.Integral) and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    with _allocation((n, n if m is None else m)):
        return _finish(np.eye(n, m, dtype=_dtype_of(dtype)), requires_grad)


# ---------------------------------------------------------------------- random (torch's CPU generator)
_gen = _generator
_NO_LOW: Any = object()  # (randint's ``low`` when only ``high=`` and ``size=`` are given)


@contextlib.contextmanager
def _allocation(shape: tuple[int, ...]) -> Iterator[None]:
    """NumPy's MemoryError / "array is too big" ValueError as torch's RuntimeError (fast: nothing is filled)."""
    try:
        yield
    except (MemoryError, ValueError) as e:
        raise RuntimeError(f"cannot allocate a tensor of shape {list(shape)}: {e}") from None


def _check_float(dtype: Any, kernel: str) -> None:
    """rand/randn draw float32 or float64: torch's error for other dtypes (float16: minigrad's own)."""
    dt = _dtype_of(dtype)
    if dt.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{from_numpy_dtype(dt).scalar_name}\'')
    if dt.itemsize < 4:
        raise NotImplementedError("minigrad's generator draws float32 and float64 values only, not float16")


@factory
def rand(*dims: Any, size: Any = None, generator: Any = None, dtype: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1), the same numbers as torch.rand for the same seed."""
    shape = _factory_args("rand", dtype, device, requires_grad, sized("rand", dims, size))
    assert shape is not None
    _check_size(shape)
    _check_float(dtype, "check_uniform_bounds")
    with _allocation(shape):
        return _finish(_gen(generator).uniform(shape, _dtype_of(dtype)), requires_grad)


@factory
def randn(*dims: Any, size: Any = None, generator: Any = None, dtype: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal, the same numbers as torch.randn for the same seed."""
    shape = _factory_args("randn", dtype, device, requires_grad, sized("randn", dims, size))
    assert shape is not None
    _check_size(shape)
    _check_float(dtype, "normal_kernel_cpu")
    with _allocation(shape):
        return _finish(_gen(generator).normal(shape, _dtype_of(dtype)), requires_grad)


@factory
def randint(low: Any = _NO_LOW, high: Any = None, size: Any = None, *, generator: Any = None, dtype: Any = None,
            device: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers in [low, high), the same numbers as torch.randint for the same seed: ``randint(low, high, size)``,
    ``randint(high, size)``, ``randint(high, size=...)``, ``randint(high=..., size=...)``."""
    if size is None:
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if low is _NO_LOW:
        low = 0
    if size is None or high is _NO_LOW:
        raise TypeError("randint() missing required argument 'size'")
    if isinstance(size, numbers.Integral):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    shape = _factory_args("randint", dtype, device, requires_grad, (size,))
    assert shape is not None
    _check_size(shape)
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = np.dtype(np.int64) if dtype is None else to_numpy_dtype(dtype)
    with _allocation(shape):
        return _finish(_gen(generator).randint(low, high, shape, dt), requires_grad)


def rand_like(t: Tensor, *, dtype: Any = None, generator: Any = None,
              device: Any = None, requires_grad: bool = False) -> Tensor:
    _like(t, dtype, "rand_like")
    _factory_args("rand_like", dtype, device, requires_grad)
    return rand(t._data.shape, dtype=dtype or t.dtype, generator=generator, requires_grad=requires_grad)


def randn_like(t: Tensor, *, dtype: Any = None, generator: Any = None,
               device: Any = None, requires_grad: bool = False) -> Tensor:
    _like(t, dtype, "randn_like")
    _factory_args("randn_like", dtype, device, requires_grad)
    return randn(t._data.shape, dtype=dtype or t.dtype, generator=generator, requires_grad=requires_grad)


@factory
def randperm(n: int, *, generator: Any = None, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    if isinstance(n, bool) or not (isinstance(n, numbers.Integral) or _is_index(n)):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    dt = np.dtype(np.int64) if dtype is None else to_numpy_dtype(dtype)
    _factory_args("randperm", dtype, device, requires_grad)
    if isinstance(n, numbers.Integral) and n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    with _allocation((n,)):
        return _finish(_gen(generator).randperm(n, dt), requires_grad)


def manual_seed(seed: int) -> Any:
    """Seed the default generator (as torch.manual_seed); returns it."""
    return random.manual_seed(seed)


def initial_seed() -> int:
    return random.initial_seed()


def seed() -> int:
    return random.seed()
