"""Spellings tutorials use to make tensors: ``x.new_ones(...)`` and friends (a Tensor mixin), and torch's legacy
typed constructors ``FloatTensor``/``DoubleTensor``/``LongTensor``/... (``torch.FloatTensor(2, 3)``,
``torch.LongTensor([1, 2])``, ``isinstance(x, torch.FloatTensor)``)."""

from __future__ import annotations

import numbers
from typing import Any

from minigrad import _dtype
from minigrad._device import device_type
from minigrad._tensor_base import Size, TensorBase
from minigrad.surface import creation

__all__ = ["FactoriesMethods", "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor",
           "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor", "legacy_new"]


def _size(size: tuple[Any, ...]) -> Any:
    """``f(2, 3)`` and ``f((2, 3))`` name the same size, as in torch's parser."""
    if len(size) == 1 and not isinstance(size[0], numbers.Integral):
        return size[0]
    return size


class FactoriesMethods:
    """``new_*``: a new tensor with this tensor's dtype (and device) unless given: ``x.new_zeros(2, 3)``."""

    __slots__ = ()

    def new_ones(self, *shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Any:
        return creation.ones(*creation.sized("new_ones", (_size(shape),) if shape else (), size),
                              dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)  # type: ignore[attr-defined]  # (a mixin: Tensor has dtype)

    def new_zeros(self, *shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Any:
        return creation.zeros(*creation.sized("new_zeros", (_size(shape),) if shape else (), size),
                              dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)  # type: ignore[attr-defined]  # (a mixin: Tensor has dtype)

    def new_empty(self, *shape: Any, size: Any = None, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Any:
        return creation.empty(*creation.sized("new_empty", (_size(shape),) if shape else (), size),
                              dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)  # type: ignore[attr-defined]  # (a mixin: Tensor has dtype)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Any:
        return creation.full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)  # type: ignore[attr-defined]  # (a mixin: Tensor has dtype)

    def ndimension(self) -> int:
        """The number of dimensions (``dim()``'s old name)."""
        return self.dim()  # type: ignore[attr-defined]  # (dim() is another mixin's: ShapeMethods)


def legacy_new(dtype: Any, args: tuple[Any, ...], device: Any = None) -> Any:
    """torch's legacy constructor ``torch.<Type>Tensor(...)``: no argument → an empty 1-d tensor; ints (or one
    size) → an uninitialised tensor of that shape; a sequence or array → its values converted; a tensor of the
    same dtype → the same data."""
    kind = device_type(device, "new")
    if kind != "cpu":
        raise RuntimeError(f"legacy constructor expects device type: cpu but device type: {kind} was passed")
    if not args:
        return creation.empty(0, dtype=dtype)
    if len(args) == 1 and isinstance(args[0], TensorBase):
        if args[0].dtype != dtype:
            raise TypeError(f"expected {dtype.scalar_name} (got {args[0].dtype.scalar_name})")
        return args[0].detach()
    if all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in args) or (
            len(args) == 1 and isinstance(args[0], Size)):
        return creation.empty(*args, dtype=dtype)
    if len(args) == 1:
        data = args[0]
        if isinstance(data, numbers.Number) or not hasattr(data, "__len__"):  # (a str: tensor's TypeError)
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return creation.tensor(data, dtype=dtype)
    raise TypeError("new() received an invalid combination of arguments")


class _LegacyTensorType(type):
    """The metaclass of ``FloatTensor`` & co.: calling the class constructs, ``isinstance`` checks the dtype."""

    _dtype_name: str

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, TensorBase) and obj.dtype.scalar_name == cls._scalar

    def __call__(cls, *args: Any, device: Any = None) -> Any:
        return legacy_new(getattr(_dtype, cls._dtype_name), args, device)

    @property
    def _scalar(cls) -> str:
        return getattr(_dtype, cls._dtype_name).scalar_name

    @property
    def dtype(cls) -> Any:
        return getattr(_dtype, cls._dtype_name)


def _legacy(name: str, dtype_name: str) -> Any:
    return _LegacyTensorType(name, (), {"_dtype_name": dtype_name, "__module__": "minigrad",
                                         "__doc__": f"torch.{name}: ``{name}(2, 3)``, ``{name}([1, 2])``."})


FloatTensor = _legacy("FloatTensor", "float32")
DoubleTensor = _legacy("DoubleTensor", "float64")
HalfTensor = _legacy("HalfTensor", "float16")
LongTensor = _legacy("LongTensor", "int64")
IntTensor = _legacy("IntTensor", "int32")
ShortTensor = _legacy("ShortTensor", "int16")
CharTensor = _legacy("CharTensor", "int8")
ByteTensor = _legacy("ByteTensor", "uint8")
BoolTensor = _legacy("BoolTensor", "bool")
