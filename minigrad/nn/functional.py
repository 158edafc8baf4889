"""Stateless functions behind the nn modules (torch.nn.functional's names and argument checks)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad.ops import linalg, loss, shape, unary
from minigrad.surface.conv import conv1d, conv2d  # noqa: F401  (torch.nn.functional's names)
from minigrad.surface.dropout import dropout  # noqa: F401
from minigrad.surface.embedding import embedding  # noqa: F401
from minigrad.surface.normalization import batch_norm, layer_norm  # noqa: F401
from minigrad.surface.pooling import (  # noqa: F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)
from minigrad.tensor import Tensor, _tensor_arg, matmul

__all__ = ["linear", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "sigmoid", "relu",
           "tanh"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x·Wᵀ + b with W of shape (out, in). On 2-d input one ``AddmmBackward0`` node (W enters through
    ``TBackward0``), as in torch; other contiguous input (1-d, 3-d...) with a bias of one non-1 dim is viewed as
    rows (``ViewBackward0``), multiplied by one addmm and viewed back, as torch's linear does; otherwise a matmul,
    then the bias added in place (it may not widen the output or change its dtype)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"linear(): argument 'input' must be Tensor, not {type(input).__name__}")
    if not isinstance(weight, Tensor) or not (bias is None or isinstance(bias, Tensor)):
        _tensor_arg(weight, "linear", "weight", 2)
        _tensor_arg(bias, "linear", "bias", 3)
    nd = input._data.ndim
    if nd == 0 or weight._data.ndim == 0:
        raise RuntimeError(
            f"both arguments to linear need to be at least 1D, but they are {nd}D and {weight._data.ndim}D"
        )
    wt = shape.T.apply(weight)
    if bias is not None:
        b = bias._data
        if b.dtype is not weight._data.dtype and b.dtype != weight._data.dtype:  # (addmm's check, before shapes)
            if nd == 2 or (input._data.flags.c_contiguous and _flattens(b)):
                raise RuntimeError(f"self and mat2 must have the same dtype, but got {bias.dtype.scalar_name} and "
                                   f"{weight.dtype.scalar_name}")
        if nd == 2:
            try:
                return linalg.Addmm.apply(bias, input, wt)
            except ValueError:  # NumPy: the bias does not broadcast to (rows, out)
                raise _addmm_bias_error(bias, input, wt) from None
        if input._data.flags.c_contiguous and _flattens(b):
            lead = input._data.shape[:-1]
            rows = 1
            for s in lead:
                rows *= s
            x2 = shape.View.apply(input, (rows, input._data.shape[-1]))
            try:
                out = linalg.Addmm.apply(bias, x2, wt)
            except ValueError:
                raise _addmm_bias_error(bias, x2, wt) from None
            return shape.View.apply(out, (*lead, out._data.shape[1]))
        return matmul(input, wt).add_(bias)  # (torch adds in place: the output's shape and dtype stay)
    return matmul(input, wt)


def _flattens(b: np.ndarray) -> bool:
    """torch's linear folds n-d input into one addmm when the bias has a single non-1 dim."""
    return b.ndim == 1 or sum(n != 1 for n in b.shape) == 1


def _addmm_bias_error(bias: Tensor, x: Tensor, wt: Tensor) -> Exception:
    """torch's error for an addmm bias that does not broadcast to the product's (rows, out)."""
    b, w = bias._data, wt._data
    target = [x._data.shape[0], w.shape[1]] if x._data.ndim == 2 and w.ndim == 2 else None
    if target is not None:
        if b.ndim > 2:
            return RuntimeError(f"expand({bias.type()}{{{list(b.shape)}}}, size={target}): the number of sizes "
                                f"provided (2) must be greater or equal to the number of dimensions in the tensor "
                                f"({b.ndim})")
        for i in range(1, b.ndim + 1):
            if b.shape[-i] not in (1, target[-i]):
                return RuntimeError(f"The expanded size of the tensor ({target[-i]}) must match the existing size "
                                    f"({b.shape[-i]}) at non-singleton dimension {2 - i}.  Target sizes: {target}.  "
                                    f"Tensor sizes: {list(b.shape)}")
    return RuntimeError(f"linear: the bias of shape {list(b.shape)} does not broadcast to the product")


def _check_reduction(reduction: str) -> None:
    if reduction not in loss.REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """torch's deprecated ``size_average``/``reduce`` arguments, turned into a reduction with its warning:
    reduce=False gives 'none', else size_average=False gives 'sum', else 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "none" if not reduce else "mean" if size_average else "sum"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.",
                  UserWarning, stacklevel=3)
    return result


def mse_loss(input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean (or sum, or elementwise) squared error; a target of another shape is broadcast with torch's
    UserWarning. torch's signature (``size_average``/``reduce`` are its deprecated spellings of ``reduction``)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not isinstance(target, Tensor) or not isinstance(input, Tensor):
        raise TypeError("mse_loss(): input and target must be Tensors")
    if weight is not None:
        raise NotImplementedError("mse_loss(weight=...) is not supported by minigrad")
    if input._data.dtype.kind != "f" and target._data.dtype.kind != "f":
        raise NotImplementedError(f'"mse_cpu" not implemented for \'{input.dtype.scalar_name}\'')
    if target._data.shape != input._data.shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=2,  # torch's: the line that called mse_loss (nn.MSELoss's forward for the module)
        )
        # torch broadcasts both first (torch.broadcast_tensors: ExpandBackward0 where a side grows)
        try:
            shape = np.broadcast_shapes(input._data.shape, target._data.shape)
        except ValueError:
            from minigrad.autograd.function import _broadcast_error

            raise _broadcast_error(input._data, target._data) from None
        input = input if input._data.shape == shape else input.expand(shape)
        target = target if target._data.shape == shape else target.expand(shape)
    return loss.MseLoss.apply(input, target, reduction)  # (it promotes the two dtypes, 0-d or not, as torch)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
                         reduce: Any = None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities ``input`` in [0, 1] against ``target`` (log terms ≥ −100), with
    torch's signature. ``target`` must have ``input``'s dtype, as in torch."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not isinstance(target, Tensor) or not isinstance(input, Tensor):
        raise TypeError("binary_cross_entropy(): input and target must be Tensors")
    if target._data.shape != input._data.shape:
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input size ({input.size()}) is "
            "deprecated. Please ensure they have the same size."
        )
    if target._data.dtype != input._data.dtype:
        raise RuntimeError(f"Found dtype {target.dtype.scalar_name} but expected {input.dtype.scalar_name}")
    if weight is not None and _tensor_arg(weight, "binary_cross_entropy", "weight", 3)._requires_grad:
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
    name = "binary_cross_entropy_with_logits"
    _tensor_arg(input, name, "input", 1)
    _tensor_arg(target, name, "target", 2)
    if target._data.shape != input._data.shape:  # (before weight's type: torch's Python wrapper checks it first)
        raise ValueError(
            f"Target size ({target.size()}) must be the same as input size ({input.size()})"
        )
    if weight is not None:
        _tensor_arg(weight, name, "weight", 3)
    if pos_weight is not None:
        _tensor_arg(pos_weight, name, "pos_weight", 5)
    if input._data.dtype.kind != "f":  # (after the size check, as in torch)
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for \'{input.dtype.scalar_name}\'')
    if weight is not None and weight._requires_grad:
        raise RuntimeError(
            f"The function '{name}' is not differentiable with respect to argument 'weight'. This input cannot have "
            "requires_grad True."
        )
    w = None if weight is None else weight._data
    pw = None if pos_weight is None else pos_weight._data
    return loss.BinaryCrossEntropyWithLogits.apply(input, target, w, pw, reduction)


def sigmoid(input: Tensor) -> Tensor:
    if not isinstance(input, Tensor):
        _tensor_arg(input, "sigmoid", "input")
    return unary.Sigmoid.apply(input)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    if not isinstance(input, Tensor):
        _tensor_arg(input, "relu", "input")
    return input.relu_() if inplace else unary.Relu.apply(input)


def tanh(input: Tensor) -> Tensor:
    if not isinstance(input, Tensor):
        _tensor_arg(input, "tanh", "input")
    return unary.Tanh.apply(input)


