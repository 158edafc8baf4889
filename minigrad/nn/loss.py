"""Loss modules: ``criterion(input, target)`` — prediction first, target second, as in torch."""

from __future__ import annotations

from typing import Any

from minigrad._tensor import Tensor
from minigrad.nn import functional as F
from minigrad.nn.functional import _legacy_reduction
from minigrad.nn.module import Module

__all__ = ["MSELoss", "BCELoss", "BCEWithLogitsLoss"]


def _tensor_or_none(value: Any, name: str) -> Any:
    if value is not None and not isinstance(value, Tensor):
        raise TypeError(f"cannot assign '{type(value).__name__}' object to buffer '{name}' (minigrad Tensor or None "
                        "required)")
    return value


class _Loss(Module):
    """``reduction`` is checked when called, as torch does; ``size_average``/``reduce`` are torch's deprecated
    spellings of it (positional first, as in torch's signatures)."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = _legacy_reduction(size_average, reduce, reduction)


class MSELoss(_Loss):
    """mean((input − target)²) (or 'sum' / 'none')."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """−mean(t·ln x + (1 − t)·ln(1 − x)), log terms clamped at −100; input must lie in [0, 1]."""

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = _tensor_or_none(weight, "weight")

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """BCE of sigmoid(input), computed stably from the logits in one node."""

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = _tensor_or_none(weight, "weight")
        self.pos_weight = _tensor_or_none(pos_weight, "pos_weight")

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)
