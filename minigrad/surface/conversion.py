"""Conversions: ``to()``/``type()`` and the dtype shortcuts, a tensor as a Python value (``item``, ``bool(t)``,
``numpy()``), and how a Python number is converted into a dtype (torch's overflow checks).

A cast is one op (``ToCopyBackward0``, ``minigrad.ops.shape.ToCopy``); everything else here is reading the
arguments the way torch reads them (``parse_to``) and torch's errors for values that do not fit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import _dtype, _tensor_base
from minigrad._device import check_device, device_type, is_device
from minigrad._dtype import dtype as _DtypeClass
from minigrad._dtype import to_numpy_dtype
from minigrad._tensor_base import TensorBase, wrap
from minigrad.autograd.observers import notify_value_read, value_read_observers
from minigrad.ops import arithmetic as _arith
from minigrad.ops import shape as _shape
from minigrad.surface import parser

__all__ = [
    "CTYPES", "check_float_fits", "checked_bound", "overflow_error", "parse_to", "scalar_value", "to", "type_",
    "item", "numpy", "cuda",
]

CTYPES = {"int32": "int", "float16": "c10::Half", "float32": "float", "float64": "double"}


def overflow_error(dt: np.dtype) -> RuntimeError:
    """torch's error for a scalar that does not fit the dtype (its C++ type names)."""
    ctype = CTYPES.get(dt.name, f"{dt.name}_t")
    return RuntimeError(f"value cannot be converted to type {ctype} without overflow")


def scalar_value(x: Any) -> Any:
    """A 0-d tensor's value (torch's Scalar argument); anything else as given."""
    return x.item() if isinstance(x, TensorBase) else x


def check_float_fits(dt: np.dtype, v: float, floats: bool = True) -> None:
    """torch's overflow error for a Python float written into ``dt`` that cannot hold it: outside an integer
    dtype's range (NaN too), or finite beyond a float dtype's range (NumPy would cast silently)."""
    limits = _arith._INT_LIMITS.get(dt)
    if limits is not None and not limits[0] <= v <= limits[1]:
        raise overflow_error(dt)
    if floats and dt.kind == "f" and math.isfinite(v) and abs(v) > float(np.finfo(dt).max):
        raise overflow_error(dt)


def checked_bound(dt: np.dtype, v: Any) -> Any:
    """A Python number converted to ``dt`` as torch's checked cast does: an integer outside an integer dtype is an
    overflow error (a negative one wraps into an unsigned type), and so is a finite number beyond float16/32."""
    if type(v) is int and dt.kind in "iu":
        low, high = _arith._INT_LIMITS[dt]
        if not low <= v <= high:
            if dt.kind == "u" and -high <= v < 0:
                return v % (high + 1)
            raise overflow_error(dt)
    elif type(v) in (int, float) and dt.kind == "f" and dt.itemsize < 8 and math.isfinite(v) and (
            abs(v) > float(np.finfo(dt).max)):
        raise overflow_error(dt)
    return v


# ---------------------------------------------------------------------------------------------- to() and type()
def to(input: Any, *args: Any, **kwargs: Any) -> Any:
    """``to(dtype)``, ``to("cpu")``, ``to(other_tensor)``, ``copy=True``; a cast is recorded as
    ``ToCopyBackward0``. The arguments are read as torch's parser reads them (``parse_to``)."""
    if len(args) == 1 and not kwargs and isinstance(args[0], _DtypeClass):
        target, copy = args[0], False
    else:
        target, copy, _ = parse_to(args, kwargs)
    if target is None or to_numpy_dtype(target) == input._data.dtype:
        if not copy:
            return input
        target = input.dtype
    dt = to_numpy_dtype(target)
    if dt.kind != "f":  # only floating tensors can require grad: a cast to ints or bool leaves the graph
        return wrap(_dtype.cast(input._data, dt))
    return _shape.ToCopy.apply(input, dt)


def type_(input: Any, dtype: Any = None, non_blocking: bool = False) -> Any:
    """The type name (``minigrad.FloatTensor``), or a copy of another dtype; ``non_blocking`` (a copy to a
    device in torch) changes nothing on the CPU."""
    parser.bool_arg(non_blocking, "type", "non_blocking", 2)
    if dtype is None:
        return f"{_tensor_base.display_module}.{input.dtype.scalar_name}Tensor"
    if isinstance(dtype, type) and hasattr(dtype, "_dtype_name"):  # FloatTensor & co (_tensor/factories.py)
        dtype = dtype.dtype  # type: ignore[attr-defined]  # (the legacy constructors' metaclass property)
    if isinstance(dtype, str):  # "torch.DoubleTensor" / "minigrad.DoubleTensor"
        name = dtype.split(".")[-1].removesuffix("Tensor")
        match = [d for d in _dtype._FROM_NP.values() if d.scalar_name == name and dtype.count(".") == 1]
        if not match:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = match[0]
    return to(input, dtype)


def cuda(input: Any, device: Any = None, non_blocking: bool = False) -> Any:
    """Refused: minigrad has no CUDA (an AssertionError, as from torch's CPU build; a bad device string is
    torch's parse error first)."""
    parser.bool_arg(non_blocking, "cuda", "non_blocking", 2)
    parser.device_arg(device, "cuda")
    if device_type(device) != "cuda" and device is not None:
        raise RuntimeError("Invalid device, must be cuda device")
    raise AssertionError("minigrad is not compiled with CUDA enabled: it runs on the CPU only")


_PYTHON_TYPE_DTYPES = {bool: "bool", int: "int64", float: "float64"}


def _to_dtype(a: Any, first: bool = False) -> Any:
    """A dtype argument of to() as torch's parser reads it: a dtype, the Python types bool/int/float (and, as the
    first argument, a bool or float value: to(0.0) is float64, to(True) bool); None if it is none of these."""
    if isinstance(a, _DtypeClass):
        return a
    if a in _PYTHON_TYPE_DTYPES and isinstance(a, type):
        return getattr(_dtype, _PYTHON_TYPE_DTYPES[a])
    if first and isinstance(a, bool):
        return _dtype.bool
    if first and isinstance(a, float):
        return _dtype.float64
    return None


def parse_to(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, bool, bool]:
    """(dtype or None, copy, whether copy was given) from the arguments of ``Tensor.to``/``Module.to``, read like
    torch's parser: (device, dtype, non_blocking, copy), (dtype, non_blocking, copy) or (tensor, non_blocking,
    copy), with device/dtype/non_blocking/copy/memory_format keywords. A device must be the CPU: an int device
    index is torch's error when no accelerator is available. Other argument combinations are torch's TypeError."""
    def invalid() -> TypeError:
        got = ", ".join([type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()])
        return TypeError(f"to() received an invalid combination of arguments - got ({got})")

    if set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}:
        raise invalid()
    device, dtype, flags = kwargs.get("device"), None, list(args)
    if "dtype" in kwargs and kwargs["dtype"] is not None:
        dtype = _to_dtype(kwargs["dtype"])
        if dtype is None:
            raise invalid()
    if flags:
        a = flags.pop(0)
        if isinstance(a, TensorBase):
            dtype = a.dtype
        elif _to_dtype(a, first=True) is not None:
            dtype = _to_dtype(a, first=True)
        elif isinstance(a, int) and not isinstance(a, bool) and flags and isinstance(flags[0], bool):
            dtype = _dtype.int64  # (an int then a bool: the (dtype, non_blocking, ...) overload reads it as int64)
        elif a is None or isinstance(a, str) or is_device(a) or (
                isinstance(a, int | np.integer) and not isinstance(a, bool)):
            device = a
            if flags:  # (after a device comes the dtype, or None)
                d = flags.pop(0)
                if d is not None and _to_dtype(d) is None:
                    raise invalid()
                dtype = dtype if d is None else _to_dtype(d)
        else:
            raise invalid()
    if len(flags) > 2 or not all(isinstance(f, bool) for f in flags):
        raise invalid()
    for name in ("non_blocking", "copy"):
        if name in kwargs and not isinstance(kwargs[name], bool):
            raise invalid()
    check_device(device)
    indexed = ":" in str(device)  # (torch: "cpu:0" is not the tensor's device "cpu", so it copies)
    if len(flags) == 2:
        return dtype, flags[1] or indexed, True
    return dtype, kwargs.get("copy", False) or indexed, "copy" in kwargs


# ---------------------------------------------------------------------------------------------- to Python values
def item(input: Any) -> Any:
    """The single value as a Python number."""
    if value_read_observers:  # minigrad.compile: a value read cannot be replayed
        notify_value_read(input, "item")
    if input._data.size != 1:
        raise RuntimeError(f"a Tensor with {input._data.size} elements cannot be converted to Scalar")
    return input._data.item()


def numpy(input: Any, *, force: bool = False) -> np.ndarray:
    """The underlying array (shared memory). Refused on a tensor that requires grad, as in torch."""
    if value_read_observers:
        notify_value_read(input, "numpy")
    if input._requires_grad and not force:
        raise RuntimeError(
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
        )
    return input._data


def to_bool(input: Any) -> bool:
    if value_read_observers:  # minigrad.compile: a value read cannot be replayed
        notify_value_read(input, "bool")
    if input._data.size != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data)


def to_float(input: Any) -> float:
    if value_read_observers:  # minigrad.compile: a value read cannot be replayed
        notify_value_read(input, "float")
    if input._data.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return float(input._data.item())


def to_int(input: Any) -> int:
    if value_read_observers:  # minigrad.compile: a value read cannot be replayed
        notify_value_read(input, "int")
    if input._data.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return int(input._data.item())


def to_index(input: Any) -> int:
    if value_read_observers:  # minigrad.compile: a value read cannot be replayed
        notify_value_read(input, "index")
    if input._data.dtype.kind not in "biu" or input._data.size != 1:
        raise TypeError("only integer tensors of a single element can be converted to an index")
    return int(input._data.item())
