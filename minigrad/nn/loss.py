"""Loss modules: ``criterion(input, target)`` — prediction first, target second, as in torch."""

from __future__ import annotations

from typing import Any

from minigrad._tensor import Tensor
from minigrad.nn import functional as F
from minigrad.nn.functional import _legacy_reduction
from minigrad.nn.module import Module
from minigrad.surface import loss_classification as LC
from minigrad.surface import loss_regression as LR

__all__ = ["MSELoss", "BCELoss", "BCEWithLogitsLoss", "NLLLoss", "CrossEntropyLoss", "L1Loss", "SmoothL1Loss",
           "HuberLoss", "KLDivLoss"]


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


class NLLLoss(_Loss):
    """−w[t]·x[t] per target (x: log-probabilities, classes on dim 1), 0 where t = ignore_index."""

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = _tensor_or_none(weight, "weight")
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return LC.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                           reduction=self.reduction)


class CrossEntropyLoss(_Loss):
    """nll_loss(log_softmax(x, class dim), t), or −Σ p·log_softmax(x) for class probabilities p; with
    ``label_smoothing`` ε the target mixes (1 − ε) of itself with ε spread evenly over the classes."""

    def __init__(self, weight: Tensor | None = None, size_average: Any = None, ignore_index: int = -100,
                 reduce: Any = None, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = _tensor_or_none(weight, "weight")
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return LC.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                                reduction=self.reduction, label_smoothing=self.label_smoothing)


class L1Loss(_Loss):
    """reduce(|x − t|)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return LR.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """½d²/β where |d| < β, else |d| − ½β."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return LR.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """½d² where |d| < δ, else δ·(|d| − ½δ)."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return LR.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """t·(ln t − x) pointwise (x: log-probabilities), reduced ('batchmean': sum / batch size)."""

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                 log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return LR.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
