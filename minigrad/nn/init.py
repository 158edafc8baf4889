"""Parameter initialisation, drawing from torch's generator in torch's order (so seeds agree)."""

from __future__ import annotations

import math

from minigrad.autograd.grad_mode import no_grad
from minigrad.tensor import Tensor

__all__ = ["uniform_", "normal_", "zeros_", "ones_", "constant_", "kaiming_uniform_", "calculate_fan_in_and_fan_out"]


def calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """fan_in = size(1)·receptive field, fan_out = size(0)·receptive field (torch's definition)."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    with no_grad():
        return tensor.uniform_(a, b)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    with no_grad():
        return tensor.normal_(mean, std)


def zeros_(tensor: Tensor) -> Tensor:
    with no_grad():
        return tensor.zero_()


def ones_(tensor: Tensor) -> Tensor:
    with no_grad():
        return tensor.fill_(1.0)


def constant_(tensor: Tensor, val: float) -> Tensor:
    with no_grad():
        return tensor.fill_(val)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """U(−bound, bound), bound = gain·√(3/fan), gain = √(2/(1 + a²)) for leaky_relu (torch's formula)."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    if nonlinearity == "leaky_relu":
        gain = math.sqrt(2.0 / (1 + a**2))
    elif nonlinearity == "relu":
        gain = math.sqrt(2.0)
    else:
        gain = 1.0
    # torch's order of operations (std = gain/√fan, bound = √3·std): gain·√(3/fan) rounds differently in float64
    bound = math.sqrt(3.0) * (gain / math.sqrt(fan)) if fan else 0.0
    return uniform_(tensor, -bound, bound)
