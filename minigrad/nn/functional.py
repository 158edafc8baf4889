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

from minigrad.surface.activation import (
    elu,
    elu_,
    gelu,
    hardtanh,
    hardtanh_,
    leaky_relu,
    leaky_relu_,
    log_softmax,
    relu6,
    silu,
    softmax,
    softplus,
)
from minigrad.surface.conv import conv1d, conv2d  # noqa: F401  (torch.nn.functional's names)
from minigrad.surface.dropout import dropout  # noqa: F401
from minigrad.surface.embedding import embedding  # noqa: F401
from minigrad.surface.functional import relu as _relu
from minigrad.surface.functional import sigmoid, tanh, tensor_input
from minigrad.surface.linear import linear
from minigrad.surface.loss import binary_cross_entropy, binary_cross_entropy_with_logits, mse_loss
from minigrad.surface.loss import legacy_reduction as _legacy_reduction  # noqa: F401 - nn/loss.py reads it here
from minigrad.surface.loss_classification import cross_entropy, nll_loss
from minigrad.surface.loss_regression import huber_loss, kl_div, l1_loss, smooth_l1_loss
from minigrad.surface.normalization import batch_norm, layer_norm  # noqa: F401
from minigrad.surface.pooling import (  # noqa: F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)

__all__ = ["linear", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "sigmoid", "relu",
           "tanh"]
__all__ += ["softmax", "log_softmax", "leaky_relu", "leaky_relu_", "elu", "elu_", "gelu", "silu", "softplus",
            "hardtanh", "hardtanh_", "relu6", "cross_entropy", "nll_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
            "kl_div"]


def relu(input: Any, inplace: bool = False) -> Any:
    """max(x, 0); ``inplace=True`` overwrites ``input`` (``relu_``)."""
    return tensor_input(input, "relu").relu_() if inplace else _relu(input)
