"""l1_loss, smooth_l1_loss, huber_loss and kl_div: torch's checks, warnings and graphs.

l1_loss is composed as torch records it (``SubBackward0`` → ``AbsBackward0`` → ``MeanBackward0``/``SumBackward0``);
smooth_l1 and huber are one node each; kl_div is xlogy(t, t) − t·x (or e^t·(t − x) with ``log_target``) and
its reduction (xlogy: ``XlogyBackward0`` when the target requires grad), and 'batchmean' divides the sum by the
batch size as a separate ``DivBackward0``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad._dtype import from_numpy_dtype, result_type
from minigrad._tensor_base import TensorBase
from minigrad.autograd.function import _broadcast_error
from minigrad.ops import arithmetic, reduction, unary
from minigrad.ops import loss_regression as lr
from minigrad.ops import shape as shape_ops
from minigrad.surface.arithmetic import check_sub
from minigrad.surface.loss import check_reduction, legacy_reduction

__all__ = ["l1_loss", "smooth_l1_loss", "huber_loss", "kl_div"]


def _tensors(fn: str, input: Any, target: Any) -> None:
    for position, (name, x) in enumerate((("input", input), ("target", target)), 1):
        if not isinstance(x, TensorBase):
            raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")


def _warn_size(input: Any, target: Any) -> None:
    """torch's UserWarning for a target whose shape differs from the input's (it broadcasts them anyway)."""
    if input._data.shape != target._data.shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). This will "
            "likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning, stacklevel=3)


def _broadcast(input: Any, target: Any) -> tuple[Any, Any]:
    """torch.broadcast_tensors(input, target): the grown side is expanded (``ExpandBackward0``)."""
    a, b = input._data.shape, target._data.shape
    if a == b:
        return input, target
    try:
        shape = np.broadcast_shapes(a, b)
    except ValueError:
        raise _broadcast_error(input._data, target._data) from None
    return (input if a == shape else shape_ops.Expand.apply(input, shape),
            target if b == shape else shape_ops.Expand.apply(target, shape))


def _reduce(loss: Any, reduction_: str) -> Any:
    """torch's apply_loss_reduction: ``MeanBackward0``, ``SumBackward0`` or the elementwise loss."""
    if reduction_ == "mean":
        return reduction.Mean.apply(loss)
    if reduction_ == "sum":
        return reduction.Sum.apply(loss)
    return loss


def _float_kernel(dt: np.dtype, kernel: str) -> None:
    """torch's dispatch error when the two operands' common dtype is not floating."""
    if dt.kind != "f":
            raise NotImplementedError(f'"{kernel}" not implemented for \'{from_numpy_dtype(dt).scalar_name}\'')


def _no_weight(fn: str, weight: Any) -> None:
    if weight is not None:
        raise NotImplementedError(f"{fn}(weight=...) is not supported by minigrad")


def l1_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
            weight: Any = None) -> Any:
    """reduce(|x − t|): ``SubBackward0`` → ``AbsBackward0`` → ``MeanBackward0`` (or ``SumBackward0``)."""
    _tensors("l1_loss", input, target)
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    check_reduction(reduction)
    _no_weight("l1_loss", weight)
    x, t = _broadcast(input, target)
    check_sub(x._data, t._data)  # (two bool tensors: torch's subtraction error)
    dt = result_type(x._data, t._data)
    if reduction == "mean" and dt.kind != "f":  # torch's mean of the integer |x − t|
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {from_numpy_dtype(dt).scalar_name}")
    return _l1(x, t, reduction)


def _l1(x: Any, t: Any, reduction_: str) -> Any:
    return _reduce(unary.Abs.apply(arithmetic.Sub.apply(x, t)), reduction_)


def smooth_l1_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
                   beta: float = 1.0) -> Any:
    """½d²/β where |d| < β, |d| − ½β elsewhere (d = x − t): one ``SmoothL1LossBackward0``; β = 0 is l1_loss."""
    _tensors("smooth_l1_loss", input, target)
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    check_reduction(reduction)
    x, t = _broadcast(input, target)
    if beta == 0.0:
        return _l1(x, t, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    dt = result_type(x._data, t._data)
    _float_kernel(dt, "smooth_l1_cpu")
    return lr.SmoothL1Loss.apply(x, t, reduction, beta, dt)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0, weight: Any = None) -> Any:
    """½d² where |d| < δ, δ·(|d| − ½δ) elsewhere: one ``HuberLossBackward0``, in the input's dtype."""
    _tensors("huber_loss", input, target)
    _warn_size(input, target)
    check_reduction(reduction)
    _no_weight("huber_loss", weight)
    x, t = _broadcast(input, target)
    if not delta > 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    dt = result_type(x._data, t._data)
    if dt.kind == "f" and x._data.dtype.kind != "f":  # torch writes the loss into a tensor of the input's dtype
        raise RuntimeError(f"result type {from_numpy_dtype(dt).scalar_name} can't be cast to the desired output type "
                           f"{from_numpy_dtype(x._data.dtype).scalar_name}")
    _float_kernel(dt, "huber_cpu")
    return lr.HuberLoss.apply(x, t, reduction, delta, dt)


_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides "
    "only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same "
    "as 'batchmean' in the next major release."
)


def kl_div(input: Any, target: Any, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
           log_target: bool = False) -> Any:
    """Pointwise t·(ln t − x) (x: log-probabilities), as xlogy(t, t) − t·x; with ``log_target`` e^t·(t − x).
    'batchmean' is the sum divided by the batch size; 'mean' (all elements) warns as torch does."""
    _tensors("kl_div", input, target)
    if size_average is not None or reduce is not None:
        reduction_ = legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    else:
        if reduction == "mean":
            warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=2)
        reduction_ = "sum" if reduction == "batchmean" else reduction
        check_reduction(reduction_)
    if input._data.dtype.kind in "biu" or target._data.dtype.kind in "biu":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        pointwise = arithmetic.Mul.apply(unary.Exp.apply(target), arithmetic.Sub.apply(target, input))
    else:
        pointwise = arithmetic.Sub.apply(lr.Xlogy.apply(target, target), arithmetic.Mul.apply(target, input))
    reduced = _reduce(pointwise, reduction_)
    if reduction == "batchmean" and input._data.ndim != 0:
        reduced = arithmetic.Div.apply(reduced, input._data.shape[0])
    return reduced
