"""Layer 4: the loss functions' torch surface (``F.mse_loss``, ``F.binary_cross_entropy``,
``F.binary_cross_entropy_with_logits``): argument checks and torch's messages, then one op of ``minigrad.ops.loss``
(where the forward and backward math is)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from minigrad._dtype import from_numpy_dtype, result_type
from minigrad._tensor_base import Size, TensorBase
from minigrad.autograd.function import _broadcast_error
from minigrad.ops import loss
from minigrad.surface.parser import tensor_arg as _tensor_arg

__all__ = ["mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "legacy_reduction",
           "check_reduction"]


def mse_loss(input: TensorBase, target: TensorBase, size_average: Any = None, reduce: Any = None,
             reduction: str = "mean", weight: TensorBase | None = None) -> Any:
    """Mean (or sum, or elementwise) squared error; a target of another shape is broadcast with torch's
    UserWarning. torch's signature (``size_average``/``reduce`` are its deprecated spellings of ``reduction``).
    The math: ``ops.loss.MseLoss``."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if not isinstance(target, TensorBase) or not isinstance(input, TensorBase):
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
            raise _broadcast_error(input._data, target._data) from None
        input = input if input._data.shape == shape else input.expand(shape)
        target = target if target._data.shape == shape else target.expand(shape)
    return loss.MseLoss.apply(input, target, reduction)  # (it promotes the two dtypes, 0-d or not, as torch)


def binary_cross_entropy(input: TensorBase, target: TensorBase, weight: TensorBase | None = None,
                         size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> Any:
    """Binary cross-entropy of probabilities ``input`` in [0, 1] against ``target`` (log terms ≥ −100), with
    torch's signature. ``target`` must have ``input``'s dtype, as in torch.
    The math: ``ops.loss.BinaryCrossEntropy``."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction)
    if not isinstance(target, TensorBase) or not isinstance(input, TensorBase):
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
    if weight is None:
        return loss.BinaryCrossEntropy.apply(input, target, None, reduction)
    w = weight._data
    _check_weight_broadcasts(w.shape, input._data.shape)  # (torch's Python wrapper expands the weight first)
    try:
        return loss.BinaryCrossEntropy.apply(input, target, w, reduction)
    except ValueError:  # the weight enlarges the loss: torch's in-place mul_ refuses it (after the range check)
        out = np.broadcast_shapes(input._data.shape, w.shape)
        raise _enlarges_error(input._data.shape, out) from None


def binary_cross_entropy_with_logits(input: TensorBase, target: TensorBase, weight: TensorBase | None = None,
                                     reduction: str = "mean", pos_weight: TensorBase | None = None) -> Any:
    """sigmoid + binary cross-entropy in one numerically stable node. The math:
    ``ops.loss.BinaryCrossEntropyWithLogits``."""
    check_reduction(reduction)
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
    z = input._data
    if z.dtype.kind != "f":  # (after the size check, as in torch)
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for \'{input.dtype.scalar_name}\'')
    if weight is not None and weight._requires_grad:
        raise RuntimeError(
            f"The function '{name}' is not differentiable with respect to argument 'weight'. This input cannot have "
            "requires_grad True."
        )
    w = None if weight is None else weight._data
    pw = None if pos_weight is None else pos_weight._data
    for a in (w, pw):
        if a is not None:
            _check_weight_fits(a.shape, z.shape)
    t = target._data
    if t.dtype != z.dtype or (w is not None and w.dtype != z.dtype) or (pw is not None and pw.dtype != z.dtype):
        _check_mixed_dtypes(z, t, pw)
    return loss.BinaryCrossEntropyWithLogits.apply(input, target, w, pw, reduction)


def check_reduction(reduction: str) -> None:
    """torch's ValueError for a reduction other than 'none', 'mean' or 'sum'."""
    if reduction not in loss.REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def legacy_reduction(size_average: Any, reduce: Any, reduction: str, stacklevel: int = 3) -> str:
    """torch's deprecated ``size_average``/``reduce`` arguments, turned into a reduction with its warning:
    reduce=False gives 'none', else size_average=False gives 'sum', else 'mean'."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "none" if not reduce else "mean" if size_average else "sum"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.",
                  UserWarning, stacklevel=stacklevel)
    return result


def _check_weight_fits(weight: tuple[int, ...], shape: tuple[int, ...]) -> None:
    """torch applies a loss's weight in place: it must broadcast to the loss's shape without enlarging it."""
    _check_weight_broadcasts(weight, shape)
    out = np.broadcast_shapes(shape, weight)
    if out != shape:
        raise _enlarges_error(shape, out)


def _check_weight_broadcasts(weight: tuple[int, ...], loss_shape: tuple[int, ...]) -> None:
    """torch's error for a weight that does not broadcast to the loss (its expand of the weight)."""
    try:
        np.broadcast_shapes(loss_shape, weight)
    except ValueError:
        pass
    else:
        return
    dim = next(-i for i in range(1, min(len(weight), len(loss_shape)) + 1)
               if weight[-i] != 1 and weight[-i] != loss_shape[-i])
    raise RuntimeError(f"Attempting to broadcast a dimension of length {weight[dim]} at {dim}! Mismatching argument "
                       f"at index 1 had {Size(weight)!r}; but expected shape should be broadcastable to "
                       f"{[1] * (len(weight) - len(loss_shape)) + list(loss_shape)}")


def _enlarges_error(shape: tuple[int, ...], out: tuple[int, ...]) -> RuntimeError:
    return RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(out)}")


def _check_mixed_dtypes(z: np.ndarray, t: np.ndarray, pos_weight: np.ndarray | None) -> None:
    """What torch's in-place steps refuse when the operands' dtypes differ (``ops.loss._bce_logits_mixed``):
    ``pos_weight − 1`` and ``1 − t`` on a bool tensor, then ``(1 − t).mul_(z)`` with an integer target."""
    if pos_weight is not None and pos_weight.dtype.kind == "b":
        raise _bool_sub_error()
    if t.dtype.kind == "b":
        raise _bool_sub_error()
    dt = result_type(t, z)
    if dt.kind == "f" and t.dtype.kind != "f":
        raise RuntimeError(f"result type {from_numpy_dtype(dt).scalar_name} can't be cast to the desired output "
                           f"type {from_numpy_dtype(t.dtype).scalar_name}")


def _bool_sub_error() -> RuntimeError:
    return RuntimeError(
        "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, "
        "use the `~` or `logical_not()` operator instead."
    )
