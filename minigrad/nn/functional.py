"""torch.nn.functional: the stateless functions behind the nn modules.

Each name is a layer-4 function (``minigrad/surface/``: torch's argument checks and messages) over one op of
``minigrad/ops/`` (the forward and backward math):

- ``linear``: ``surface/linear.py`` over ``ops.linalg.Addmm`` (y = b + X·Wᵀ);
- ``mse_loss``, ``binary_cross_entropy``, ``binary_cross_entropy_with_logits``: ``surface/loss.py`` over
  ``ops.loss.MseLoss``, ``BinaryCrossEntropy``, ``BinaryCrossEntropyWithLogits``;
- ``sigmoid``, ``tanh``, ``relu``: ``minigrad.sigmoid``... (``surface/functional.py``) over ``ops.unary``.
"""

from __future__ import annotations

from typing import Any

from minigrad.surface.functional import relu as _relu
from minigrad.surface.functional import sigmoid, tanh, tensor_input
from minigrad.surface.linear import linear
from minigrad.surface.loss import binary_cross_entropy, binary_cross_entropy_with_logits, mse_loss
from minigrad.surface.loss import legacy_reduction as _legacy_reduction  # noqa: F401 - nn/loss.py reads it here

__all__ = ["linear", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "sigmoid", "relu",
           "tanh"]


def relu(input: Any, inplace: bool = False) -> Any:
    """max(x, 0); ``inplace=True`` overwrites ``input`` (``relu_``)."""
    return tensor_input(input, "relu").relu_() if inplace else _relu(input)
