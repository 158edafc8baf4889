"""Layer 5: ``Tensor`` and its methods, one mixin per family (placeholder while the layers refactor lands)."""

from minigrad.tensor import Size, Tensor

__all__ = ["Size", "Tensor"]
