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
    if p == 1:
        noise = np.zeros((), dtype=x.dtype)
    else:
        noise = bernoulli_scalar(random.default_generator, x.shape, 1 - p, x.dtype)
        noise /= x.dtype.type(1 - p)
    return input.mul_(wrap(noise)) if inplace else input * wrap(noise)
