"""``Dropout``: F.dropout in training mode, the identity in evaluation mode."""

from __future__ import annotations

from typing import Any

from minigrad._tensor import Tensor
from minigrad.nn.module import Module
from minigrad.surface.dropout import dropout

__all__ = ["Dropout"]


class Dropout(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

    def forward(self, input: Tensor) -> Any:
        return dropout(input, self.p, self.training, self.inplace)
