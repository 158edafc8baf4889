"""nll_loss and cross_entropy: torch's checks and messages, and cross_entropy's graph as torch composes it.

cross_entropy(x, t) is nll_loss(log_softmax(x, 1), t) for class indices (``NllLossBackward0`` on
``LogSoftmaxBackward0``). With ``label_smoothing`` ε it is (1 − ε)·nll + (ε/C)·smooth, smooth = −Σ_c w_c·log p_c
(masked where the target is ignored); with class probabilities p it is −Σ (log_softmax(x)·p·w) / (N·d1...).
Each step is an op of its own, so the graph has torch's nodes (see TORCH_NOTES.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._dtype import from_numpy_dtype
from minigrad._tensor_base import TensorBase, wrap
from minigrad.ops import arithmetic, nll, reduction, selection
from minigrad.ops import shape as shape_ops
from minigrad.ops import softmax as sm
from minigrad.surface.loss import check_reduction, legacy_reduction

__all__ = ["nll_loss", "cross_entropy"]


def _tensor(x: Any, fn: str, name: str, position: int) -> Any:
    if not isinstance(x, TensorBase):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def _dtype_name(a: np.ndarray) -> str:
    return from_numpy_dtype(a.dtype).scalar_name


def _check_weight_grad(weight: Any, fn: str) -> None:
    if weight is not None and weight._requires_grad:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument 'weight'. This input "
                           "cannot have requires_grad True.")


def _check_nll_kernel(x: np.ndarray, t: np.ndarray, weight: Any, ignore_index: int, kernel: str) -> None:
    """The kernel's checks, in torch's order: target dtype, input dtype, weight dtype, targets in range."""
    if t.dtype != np.int64 and t.dtype != np.uint8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_dtype_name(t)}")
    if x.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_dtype_name(x)}\'')
    if weight is not None and weight._data.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {_dtype_name(x)} but found {_dtype_name(weight._data)}")
    if t.size:
        n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
        if np.minimum.reduce(t, axis=None) < 0 or np.maximum.reduce(t, axis=None) >= n_classes:
            bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
            if bad.any():
                raise IndexError(f"Target {t[bad].flat[0]} is out of bounds.")


def _nll_2d(input: Any, target: Any, weight: Any, reduction: str, ignore_index: int) -> Any:
    """nll_loss2d: (N, C, H, W) input, (N, H, W) target (torch's checks and messages)."""
    x, t = input._data, target._data
    if t.ndim != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                           f"{t.ndim}")
    if weight is not None and weight._data.size != x.shape[1]:
        raise RuntimeError("weight tensor should be defined either for all or no classes")
    if (x.shape[0], x.shape[2], x.shape[3]) != t.shape:
        raise RuntimeError(f"size mismatch (got input: {list(x.shape)} , target: {list(t.shape)}")
    _check_nll_kernel(x, t, weight, ignore_index, "nll_loss2d_forward_out_frame")
    w = None if weight is None else weight._data
    return nll.NllLoss2d.apply(input, t, w, reduction, ignore_index)


def _nll_nd(input: Any, target: Any, weight: Any, reduction: str, ignore_index: int) -> Any:
    """torch's nll_loss_nd: 1-d/2-d input is one ``NllLossBackward0``; 4-d input one ``NllLoss2DBackward0``;
    3-d and >4-d input is viewed as (N, C, 1, −1) for nll_loss2d (``ViewBackward0``), its 'none' output viewed
    back to (N, d1, ...)."""
    x, t = input._data, target._data
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim != 1 and x.shape[0] != (t.shape[0] if t.ndim else 0):
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target batch_size "
                         f"({t.shape[0] if t.ndim else 0}).")
    if x.ndim <= 2:
        if t.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if x.ndim == 1 and t.ndim == 1 and t.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t.shape[0]}")
        n_classes = x.shape[-1]
        if weight is not None and (weight._data.ndim != 1 or weight._data.size != n_classes):
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes but "
                               f"got weight tensor of shape: {list(weight._data.shape)}")
        _check_nll_kernel(x, t, weight, ignore_index, "nll_loss_out_frame")
        w = None if weight is None else weight._data
        if x.ndim == 1 and t.ndim == 1:
            t = t.reshape(())
        return nll.NllLoss.apply(input, t, w, reduction, ignore_index)
    if x.ndim == 4:
        return _nll_2d(input, target, weight, reduction, ignore_index)
    n, c = x.shape[0], x.shape[1]
    out_size = (n, *x.shape[2:])
    if t.shape[1:] != x.shape[2:]:
        raise RuntimeError(f"Expected target size {list(out_size)}, got {list(t.shape)}")
    if x.size:
        input4, target3 = shape_ops.View.apply(input, (n, c, 1, -1)), wrap(t.reshape(n, 1, -1))
    else:
        input4, target3 = shape_ops.View.apply(input, (n, c, 0, 0)), wrap(t.reshape(n, 0, 0))
    out = _nll_2d(input4, target3, weight, reduction, ignore_index)
    return out if reduction != "none" else shape_ops.View.apply(out, out_size)


def nll_loss(input: Any, target: Any, weight: Any = None, size_average: Any = None, ignore_index: int = -100,
             reduce: Any = None, reduction: str = "mean") -> Any:
    """−w[t]·x[t] per target (0 where t = ignore_index), averaged by Σ w[t] ('mean'), summed or kept."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    check_reduction(reduction)
    _tensor(input, "nll_loss_nd", "input", 1)
    _tensor(target, "nll_loss_nd", "target", 2)
    if weight is not None:
        _tensor(weight, "nll_loss_nd", "weight", 3)
        _check_weight_grad(weight, "nll_loss_forward")
    return _nll_nd(input, target, weight, reduction, ignore_index)


def cross_entropy(input: Any, target: Any, weight: Any = None, size_average: Any = None, ignore_index: int = -100,
                  reduce: Any = None, reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    """log_softmax over the class dim (dim 1, or 0 for 1-d input), then nll_loss; or, when ``target`` has the
    input's shape, class probabilities: −Σ_c w_c·p_c·log_softmax(x)_c per sample."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    check_reduction(reduction)
    _tensor(input, "cross_entropy_loss", "input", 1)
    _tensor(target, "cross_entropy_loss", "target", 2)
    if weight is not None:
        _tensor(weight, "cross_entropy_loss", "weight", 3)
    x, t = input._data, target._data
    class_dim = 0 if x.ndim == 1 else 1
    if x.shape == t.shape:
        if t.dtype.kind != "f":
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{_dtype_name(t)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        if not x.ndim:  # torch reads the class count, input.size(1)
            raise IndexError("Dimension specified as 1 but tensor has no dimensions")
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing, class_dim)
    if weight is not None:
        _check_weight_grad(weight, "nll_loss_forward")
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
        return _cross_entropy_smoothed(input, target, weight, reduction, ignore_index, label_smoothing, class_dim)
    return _nll_nd(_log_softmax(input, class_dim), target, weight, reduction, ignore_index)


def _log_softmax(input: Any, dim: int) -> Any:
    x = input._data
    if x.dtype.kind != "f":
        where = "lastdim_" if dim == max(x.ndim, 1) - 1 else ""
        raise NotImplementedError(f'"log_softmax_{where}kernel_impl" not implemented for \'{_dtype_name(x)}\'')
    return sm.LogSoftmax.apply(input, dim)


def _class_weight(weight: Any, ndim: int, class_dim: int) -> Any:
    """The weight viewed to broadcast along the class dim (a view of a graph-less tensor: no node)."""
    shape = [1] * ndim
    shape[class_dim] = weight._data.shape[0]
    return wrap(weight._data.reshape(shape))


def _cross_entropy_probs(input: Any, target: Any, weight: Any, reduction_: str, label_smoothing: float,
                         class_dim: int) -> Any:
    """−Σ log_softmax(x)·p(·w): MulBackward0 (·w: another), SumBackward0 (or SumBackward1 over the class dim
    for 'none'), NegBackward0, and DivBackward1 by N·d1... for 'mean'."""
    x = input._data
    n_classes = x.shape[class_dim] if x.ndim else 1
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight._data.shape)}")
    logp = _log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
        smoothed = nll.MulScalar.apply(target, 1 - label_smoothing)
        target = arithmetic.Add.apply(smoothed, label_smoothing / n_classes)
    prod = arithmetic.Mul.apply(logp, target)
    if weight is not None:
        prod = arithmetic.Mul.apply(prod, _class_weight(weight, x.ndim, class_dim))
    if reduction_ == "none":
        return arithmetic.Neg.apply(_sum_dim(prod, class_dim))
    total = arithmetic.Neg.apply(reduction.Sum.apply(prod))
    if reduction_ == "sum":
        return total
    if x.size == 0:
        return wrap(np.asarray(np.nan, dtype=total._data.dtype))
    return nll.DivScalar.apply(total, x.size // n_classes)


def _sum_dim(t: Any, dim: int) -> Any:
    """Σ over one dim (``SumBackward1``)."""
    return reduction.SumDim.apply(t, (dim,), False)


def _cross_entropy_smoothed(input: Any, target: Any, weight: Any, reduction_: str, ignore_index: int,
                            label_smoothing: float, class_dim: int) -> Any:
    """(1 − ε)·nll_loss(log p) + (ε/C)·smooth, smooth = −Σ_c w_c·log p_c, 0 where the target is ignored; for
    'mean' smooth is Σ smooth / Σ w[t] over the kept targets (by their count without weight)."""
    x, t = input._data, target._data
    n_classes = x.shape[class_dim]
    logp = _log_softmax(input, class_dim)
    nll_out = _nll_nd(logp, target, weight, reduction_, ignore_index)
    ignore_mask = t == ignore_index
    if weight is not None:
        weighted = arithmetic.Mul.apply(logp, _class_weight(weight, x.ndim, class_dim))
        smooth = arithmetic.Neg.apply(_sum_dim(weighted, class_dim))
    else:
        smooth = arithmetic.Neg.apply(_sum_dim(logp, class_dim))
    smooth = selection.MaskedFill.apply(smooth, ignore_mask, 0.0)
    if reduction_ == "mean":
        keep = ~ignore_mask
        if weight is not None:
            denominator = np.asarray(weight._data[t[keep].astype(np.intp)].sum())
        else:
            denominator = np.asarray(np.count_nonzero(keep), dtype=np.int64)
        ret = nll.DivByCount.apply(reduction.Sum.apply(smooth), wrap(denominator))
    elif reduction_ == "sum":
        ret = reduction.Sum.apply(smooth)
    else:
        ret = smooth
    return arithmetic.Add.apply(nll.MulScalar.apply(nll_out, 1 - label_smoothing),
                                nll.MulScalar.apply(ret, label_smoothing / n_classes))
