"""``dropout``: torch's CPU recipe, so the graph (``MulBackward0``) and, after ``manual_seed``, the mask match.

In training, torch draws noise ~ Bernoulli(1 − p) of the input's dtype (``bernoulli_`` with a scalar: see
minigrad/_random_bernoulli.py), divides it in place by 1 − p and returns input · noise; dL/dx = dL/dy · noise.
p = 0, evaluation or an empty input return the input itself; p = 1 multiplies by a 0-d zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import random
from minigrad._random_bernoulli import bernoulli_scalar
from minigrad._tensor_base import TensorBase, wrap
from minigrad.autograd.observers import notify_recompute, recompute_observers

__all__ = ["dropout"]


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
    """Zero each element with probability p and scale the others by 1/(1 − p) (training only)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not isinstance(input, TensorBase):
        raise TypeError(f"dropout(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    x = input._data
    if p == 0 or not training or x.size == 0:
        return input
    if x.dtype.kind != "f":
        raise RuntimeError(f'"bernoulli_scalar_cpu_" not implemented for \'{input.dtype.scalar_name}\'')
    mask = wrap(dropout_noise(x.shape, p, x.dtype))
    if recompute_observers:  # minigrad.compile: a replay draws it again, from the default generator
        notify_recompute(mask, dropout_noise, (x.shape, p, x.dtype))
    return input.mul_(mask) if inplace else input * mask


def dropout_noise(shape: tuple[int, ...], p: float, dtype: np.dtype[Any]) -> np.ndarray:
    """Bernoulli(1 − p) noise from the default generator, divided in place by 1 − p (a 0-d zero for p = 1)."""
    if p == 1:
        return np.zeros((), dtype=dtype)
    noise = bernoulli_scalar(random.default_generator, shape, 1 - p, dtype)
    noise /= dtype.type(1 - p)
    return noise
