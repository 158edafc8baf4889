"""Layer 1: the tensor's storage core (placeholder while the layers refactor lands).

Final contents (issue 13): ``TensorBase`` (``_data``, ``grad``, ``grad_fn``, the version counter) and ``wrap``,
which makes a new tensor of the registered ``Tensor`` class around an array. Code in layers 3-4 uses
``TensorBase`` for isinstance checks and ``wrap`` to return an array as a tensor; it never imports ``Tensor``.
"""

from __future__ import annotations

from typing import Any

from minigrad.tensor import Tensor as TensorBase

__all__ = ["TensorBase", "wrap"]


def wrap(data: Any) -> Any:
    """A new tensor (no graph) around ``data``, shared, not copied."""
    return TensorBase._wrap(data)
