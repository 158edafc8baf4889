"""``Tensor``'s conversions (layer 5): casts (``to``, ``type``, ``float()``...), Python values (``item``,
``bool(t)``, ``numpy()``), printing, and new tensors like this one. The argument reading and torch's errors are
in ``minigrad/surface/conversion.py``."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import _creation, _dtype, _tensor_base
from minigrad._dtype import get_default_dtype
from minigrad._tensor_str import tensor_repr
from minigrad.autograd.observers import notify_value_read, value_read_observers
from minigrad.surface import conversion as _s
from minigrad.surface.parser import tensor_arg

__all__ = ["ConversionMethods"]


class ConversionMethods:
    """Casts, Python values, NumPy, printing."""

    __slots__ = ()
    _data: np.ndarray  # (TensorBase's slots, for the type checker)
    _requires_grad: bool
    grad_fn: Any

    to = _s.to
    type = _s.type_
    cuda = _s.cuda
    item = _s.item
    numpy = _s.numpy
    __bool__ = _s.to_bool
    __float__ = _s.to_float
    __int__ = _s.to_int
    __index__ = _s.to_index

    def float(self) -> Any:
        return _s.to(self, _dtype.float32)

    def double(self) -> Any:
        return _s.to(self, _dtype.float64)

    def half(self) -> Any:
        return _s.to(self, _dtype.float16)

    def long(self) -> Any:
        return _s.to(self, _dtype.int64)

    def int(self) -> Any:
        return _s.to(self, _dtype.int32)

    def bool(self) -> Any:
        return _s.to(self, _dtype.bool)

    def type_as(self, other: Any) -> Any:
        return _s.to(self, tensor_arg(other, "type_as").dtype)

    def cpu(self) -> Any:
        return self

    def contiguous(self) -> Any:
        return self

    def tolist(self) -> Any:
        if value_read_observers:
            notify_value_read(self, "tolist")
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = _s.numpy(self)
        return arr if dtype is None else arr.astype(dtype)

    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Any:
        dtype = dtype or _dtype.from_numpy_dtype(self._data.dtype)
        return _creation.tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)

    # -------------------------------------------------------------- printing
    def __repr__(self) -> str:
        name = self.grad_fn.name() if self.grad_fn is not None else None
        return tensor_repr(self._data, requires_grad=self._requires_grad, grad_fn_name=name,
                           default_float_dtype=get_default_dtype().np, module_name=_tensor_base.display_module)

    def __str__(self) -> str:
        return self.__repr__()

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            if value_read_observers:
                notify_value_read(self, "__format__")
            return self._data.item().__format__(spec)
        return object.__format__(self, spec)
