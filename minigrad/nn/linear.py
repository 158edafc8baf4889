"""``Linear``: y = x·Wᵀ + b, weight of shape (out_features, in_features) as in torch."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad._device import check_device
from minigrad._dtype import get_default_dtype, to_numpy_dtype
from minigrad._tensor import Tensor
from minigrad.nn import functional as F
from minigrad.nn import init
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter

__all__ = ["Linear", "Identity"]


def _is_int_tensor(v: Any) -> bool:
    """A one-element integer tensor (or a 0-d integer NumPy array), which torch accepts as a size."""
    if isinstance(v, np.ndarray):
        return v.ndim == 0 and v.dtype.kind in "iu"
    return isinstance(v, Tensor) and v._data.dtype.kind in "iu" and v._data.size == 1


class Linear(Module):
    """Affine map; weight and bias drawn from U(−1/√in, 1/√in), weight first (torch's order and numbers)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        for name, v in (("in_features", in_features), ("out_features", out_features)):
            # a bool is refused only as out_features, the first entry of torch's weight size (out, in)
            if (isinstance(v, bool) and name == "out_features") or not (
                    isinstance(v, int | np.integer) or _is_int_tensor(v)):
                raise TypeError(f"Linear(): argument '{name}' must be int, not {type(v).__name__}")
        check_device(device, "empty")  # (torch's Linear allocates with torch.empty(..., device=device))
        for v in (in_features, out_features):
            if int(v) < 0:
                raise RuntimeError(
                    f"Trying to create tensor with negative dimension {int(v)}: [{out_features}, {in_features}]"
                )
        self.in_features, self.out_features = int(in_features), int(out_features)
        dt = get_default_dtype().np if dtype is None else to_numpy_dtype(dtype)
        try:
            self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dt))
            self.bias = Parameter(np.empty(self.out_features, dtype=dt)) if bias else None
        except (MemoryError, ValueError) as e:  # far too large: fail fast, as torch's allocator does
            raise RuntimeError(
                f"cannot allocate a weight of shape [{self.out_features}, {self.in_features}]: {e}"
            ) from None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's init: kaiming_uniform_(weight, a=√5) — bound 1/√in — then bias ~ U(−1/√in, 1/√in)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input; any constructor arguments are ignored, as in torch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input
