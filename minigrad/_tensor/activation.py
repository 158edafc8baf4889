"""Tensor methods of the activation family: ``x.softmax(dim)``, ``x.log_softmax(dim)`` (dim required, as torch)."""

from __future__ import annotations

from typing import Any

from minigrad.surface import activation as _s

__all__ = ["ActivationMethods"]


class ActivationMethods:
    __slots__ = ()

    def softmax(self, dim: Any = None, dtype: Any = None) -> Any:
        """e^(x_i) / Σ_j e^(x_j) along ``dim`` (``SoftmaxBackward0``)."""
        return _s.softmax_dim_required(self, dim, dtype)

    def log_softmax(self, dim: Any = None, dtype: Any = None) -> Any:
        """x_i − ln Σ_j e^(x_j) along ``dim`` (``LogSoftmaxBackward0``)."""
        return _s.log_softmax_dim_required(self, dim, dtype)
