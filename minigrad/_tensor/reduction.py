"""``Tensor``'s reductions (layer 5): each method is the layer-4 function of the same name
(``minigrad/surface/reduction.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minigrad.surface import reduction as _s

if TYPE_CHECKING:  # (the type checker reads a mixin's self as a tensor: TensorBase's slots and layer 5's methods)
    from minigrad._tensor_base import TensorBase as _Storage
else:
    _Storage = object

__all__ = ["ReductionMethods"]


class ReductionMethods(_Storage):
    """sum, mean, max/min (with or without a dim), argmax/argmin (all/any: _tensor/math.py)."""

    __slots__ = ()

    sum = _s.sum
    mean = _s.mean
    max = _s.max
    min = _s.min
    argmax = _s.argmax
    argmin = _s.argmin
