"""``Tensor``'s in-place methods (layer 5): each is the layer-4 function of the same name
(``minigrad/surface/inplace.py``, where torch's rules for in-place ops are written out)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minigrad.surface import inplace as _s

if TYPE_CHECKING:  # (the type checker reads a mixin's self as a tensor: TensorBase's slots and layer 5's methods)
    from minigrad._tensor_base import TensorBase as _Storage
else:
    _Storage = object

__all__ = ["InplaceMethods"]


class InplaceMethods(_Storage):
    """``add_``, ``sub_``, ``mul_`` (and ``+=``, ``/=``...), ``zero_``, ``fill_``, ``copy_``, ``relu_``,
    ``clamp_``, ``uniform_``, ``normal_``."""

    __slots__ = ()

    add_ = __iadd__ = _s.add_
    sub_ = __isub__ = _s.sub_
    mul_ = __imul__ = _s.mul_
    __itruediv__ = _s.div_  # (div_ and divide_, which take a rounding_mode: MathMethods)
    zero_ = _s.zero_
    fill_ = _s.fill_
    copy_ = _s.copy_
    relu_ = _s.relu_
    clamp_ = _s.clamp_
    uniform_ = _s.uniform_
    normal_ = _s.normal_

    # the primitives a new in-place method is built from (see surface/inplace.py)
    _check_inplace = _s.check_inplace
    _snapshot = _s.snapshot
    _rebind = _s.rebind
