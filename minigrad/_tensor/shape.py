"""``Tensor``'s shape and indexing methods (layer 5): each is the layer-4 function of the same name
(``minigrad/surface/shape.py``, ``minigrad/surface/indexing.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from minigrad.surface import indexing as _index
from minigrad.surface import shape as _s

__all__ = ["ShapeMethods"]


class ShapeMethods:
    """Views and reshapes, indexing (``t[key]``, ``t[key] = value``), length and iteration."""

    __slots__ = ()
    _data: np.ndarray  # (TensorBase's slot, for the type checker)

    size = _s.size
    view = _s.view
    reshape = _s.reshape
    view_as = _s.view_as
    reshape_as = _s.reshape_as
    flatten = _s.flatten
    t = _s.t
    T = property(_s.T)
    mT = property(_s.mT)  # noqa: N815 - torch's name
    permute = _s.permute
    transpose = _s.transpose
    unsqueeze = _s.unsqueeze
    squeeze = _s.squeeze
    expand = _s.expand
    _dim = _s.dim_index

    __getitem__ = _index.getitem
    __setitem__ = _index.setitem

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Any]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (_index.getitem(self, i) for i in range(self._data.shape[0]))
