"""Gradient clipping with torch.nn.utils's semantics: one total norm over all gradients, scaled in place.

For gradients g₁, …, gₖ and norm order p (``norm_type``)::

    total = ‖(‖g₁‖ₚ, …, ‖gₖ‖ₚ)‖ₚ          (= ‖concat(g₁, …, gₖ)‖ₚ; p = inf: max |g|, p = 0: number of nonzeros)
    c = min(max_norm / (total + 1e-6), 1)      (torch evaluates max_norm / x as reciprocal(x)·max_norm)
    gᵢ ← c·gᵢ   for every i                    (also when c = 1, as torch)

``total`` is returned as a 0-d tensor of the gradients' (promoted) dtype. ``foreach`` picks torch's batched
kernels and changes nothing here.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from minigrad._tensor import Tensor
from minigrad.autograd.function import bump_version

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm"]


def _vector_norm(x: np.ndarray, p: float) -> np.ndarray:
    """‖x‖ₚ of a flattened array as a 0-d array of x's dtype (float16 accumulates in float32, as torch)."""
    work = x.astype(np.float32) if x.dtype == np.float16 else x
    a = np.abs(work.reshape(-1))
    if p == math.inf:
        r = a.max(initial=0)
    elif p == -math.inf:
        r = a.min() if a.size else np.array(math.inf, a.dtype)
    elif p == 0:
        r = np.count_nonzero(a)
    elif p == 1:
        r = a.sum()
    elif p == 2:
        r = np.sqrt(np.sum(a * a))
    else:
        r = np.sum(a ** a.dtype.type(p)) ** a.dtype.type(1.0 / p)
    return np.asarray(r, dtype=x.dtype)


def _grads(tensors: Any) -> list[Tensor]:
    if isinstance(tensors, Tensor):
        return [tensors]
    return list(tensors)


def get_total_norm(tensors: Any, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """The p-norm of the norms of ``tensors`` (the norm of all their elements together); 0 for none."""
    arrays = [t._data for t in _grads(tensors)]
    if not arrays:
        return Tensor._wrap(np.array(0.0, np.float32))
    p = float(norm_type)
    norms = [_vector_norm(a, p) for a in arrays]
    dtype = np.result_type(*norms)
    total = _vector_norm(np.stack([n.astype(dtype) for n in norms]), p)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {p} for gradients from `parameters` is non-finite, so it cannot be clipped. "
            "To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`")
    return Tensor._wrap(total)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: bool | None = None) -> Tensor:
    """Scale the gradients of ``parameters`` in place so that their total ``norm_type``-norm is at most
    ``max_norm`` (see the module docstring); return the total norm before clipping."""
    params = _grads(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    if not grads:
        return total
    t = total._data
    with np.errstate(all="ignore"):  # a non-finite norm scales by 0 or NaN without a warning, as torch
        coef = np.reciprocal(t + t.dtype.type(1e-6)) * t.dtype.type(max_norm)
        coef = np.minimum(coef, t.dtype.type(1.0))
        for g in grads:
            data = g._data
            data *= coef.astype(data.dtype) if data.dtype.itemsize < coef.dtype.itemsize else coef
            bump_version(g._vc)
    return total


def clip_grad_norm(parameters: Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: bool | None = None) -> Tensor:
    """Deprecated spelling of :func:`clip_grad_norm_` (torch warns; so does this)."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
                  FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters: Any, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient of ``parameters`` into [−clip_value, clip_value], in place."""
    c = float(clip_value)
    for p in _grads(parameters):
        g = p.grad
        if g is None:
            continue
        np.clip(g._data, -c, c, out=g._data)
        bump_version(g._vc)


