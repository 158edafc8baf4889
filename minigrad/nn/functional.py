"""Stateless functions behind the nn modules (torch.nn.functional's names and argument checks)."""

from __future__ import annotations

import warnings

from minigrad.ops import linalg, loss, shape, unary
from minigrad.tensor import Tensor, matmul

__all__ = ["linear", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "sigmoid", "relu",
           "tanh"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x·Wᵀ + b with W of shape (out, in). On 2-d input one ``AddmmBackward0`` node (W enters through
    ``TBackward0``), as in torch; a 1-d input is viewed as one row and the result viewed back."""
    if not isinstance(input, Tensor):
        raise TypeError(f"linear(): argument 'input' must be Tensor, not {type(input).__name__}")
    wt = shape.T.apply(weight)
    nd = input._data.ndim
    if nd == 2 and bias is not None:
        return linalg.Addmm.apply(bias, input, wt)
    if nd == 1:
        if bias is None:
            return matmul(input, wt)
        row = shape.View.apply(input, (1, input._data.shape[0]))
        out = linalg.Addmm.apply(bias, row, wt)
        return shape.View.apply(out, (weight._data.shape[0],))
    out = matmul(input, wt)
    return out if bias is None else out + bias


def _check_reduction(reduction: str) -> None:
    if reduction not in loss.REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean (or sum, or elementwise) squared error; a target of another shape is broadcast with torch's
    UserWarning."""
    _check_reduction(reduction)
    if not isinstance(target, Tensor) or not isinstance(input, Tensor):
        raise TypeError("mse_loss(): input and target must be Tensors")
    if target._data.shape != input._data.shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )
    return loss.MseLoss.apply(input, target, reduction)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities ``input`` in [0, 1] against ``target`` (log terms ≥ −100)."""
    _check_reduction(reduction)
    if not isinstance(target, Tensor) or not isinstance(input, Tensor):
        raise TypeError("binary_cross_entropy(): input and target must be Tensors")
    if target._data.shape != input._data.shape:
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}) is "
            "deprecated. Please ensure they have the same size."
        )
    if weight is not None and weight._requires_grad:
        raise RuntimeError(
            "The function 'binary_cross_entropy' is not differentiable with respect to argument 'weight'. "
            "This input cannot have requires_grad True."
        )
    w = None if weight is None else weight._data
    return loss.BinaryCrossEntropy.apply(input, target, w, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """sigmoid + binary cross-entropy in one numerically stable node."""
    _check_reduction(reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(
            f"Target size ({target.size()}) must be the same as input size ({input.size()})"
        )
    w = None if weight is None else weight._data
    pw = None if pos_weight is None else pos_weight._data
    return loss.BinaryCrossEntropyWithLogits.apply(input, target, w, pw, reduction)


def sigmoid(input: Tensor) -> Tensor:
    return unary.Sigmoid.apply(input)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return unary.Relu.apply(input)


def tanh(input: Tensor) -> Tensor:
    return unary.Tanh.apply(input)


