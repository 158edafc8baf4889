"""``Variable``: torch's deprecated wrapper, kept so that old scripts run. Since torch 0.4 every tensor is a
Variable: ``Variable(t, requires_grad=rg)`` returns a new leaf sharing ``t``'s data, and ``isinstance(x, Variable)``
holds for every tensor."""

from __future__ import annotations

import warnings
from typing import Any

from minigrad._tensor import Tensor
from minigrad.surface.creation import tensor as _tensor_factory

__all__ = ["Variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, other: Any) -> bool:
        return isinstance(other, Tensor)

    def __call__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Any:
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
        if data is None:
            data = _tensor_factory([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False)``: the tensor's data as a new leaf (what torch returns)."""
