"""``Tensor``'s reductions (layer 5): each method is the layer-4 function of the same name
(``minigrad/surface/reduction.py``)."""

from __future__ import annotations

from minigrad.surface import reduction as _s

__all__ = ["ReductionMethods"]


class ReductionMethods:
    """sum, mean, max/min (with or without a dim), argmax/argmin, all/any."""

    __slots__ = ()

    sum = _s.sum
    mean = _s.mean
    max = _s.max
    min = _s.min
    argmax = _s.argmax
    argmin = _s.argmin
    all = _s.all
    any = _s.any
