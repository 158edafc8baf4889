"""``parameters_to_vector`` / ``vector_to_parameters``: all parameters as one flat vector, and back."""

from __future__ import annotations

from typing import Any

from minigrad._tensor import Tensor
from minigrad._tensor_base import TensorBase
from minigrad.surface.functional import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Any) -> TensorBase:
    """``cat([p.view(-1) for p in parameters])``: one vector, differentiable back into each parameter."""
    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Any) -> None:
    """Give each parameter, in order, the next ``p.numel()`` elements of ``vec`` as its data (``p.data = ...``:
    no graph; the parameters share ``vec``'s memory afterwards, as in torch)."""
    if not isinstance(vec, Tensor):
        cls = type(vec)
        name = cls.__qualname__ if cls.__module__ in ("", "builtins") else f"{cls.__module__}.{cls.__qualname__}"
        raise TypeError(f"expected torch.Tensor, but got: {name}")
    pointer = 0
    for param in parameters:
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n
