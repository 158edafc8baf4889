"""Layer 5: ``Tensor`` and its methods, one mixin per family (``arithmetic``, ``shape``, ``reduction``,
``inplace``, ``conversion``, ``autograd``, ``display``...), assembled in ``minigrad/_tensor/tensor.py``."""

from minigrad._tensor.tensor import Tensor
from minigrad._tensor_base import Size

__all__ = ["Size", "Tensor"]
