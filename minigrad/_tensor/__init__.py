"""Layer 5: ``Tensor`` and its methods, one mixin per family (placeholder while the layers refactor lands)."""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from minigrad.tensor import Size, Tensor

__all__ = ["Size", "Tensor"]


def __getattr__(name: str) -> Any:
    # Until core13a moves Tensor here, minigrad/tensor.py imports its mixins from this package
    # (minigrad._tensor.display): importing minigrad.tensor eagerly here would be a cycle, so it is read on first use.
    if name in __all__:
        # (minigrad.tensor the attribute is the factory function; the module is read by its full name)
        return getattr(importlib.import_module("minigrad.tensor"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
