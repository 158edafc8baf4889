"""Tensor methods of the activation family: ``x.softmax(dim)``, ``x.log_softmax(dim)`` (dim required, as torch)."""

from __future__ import annotations

from typing import Any


def _surface() -> Any:
    # deferred: while minigrad/tensor.py is the placeholder Tensor (issue 13), the surface layer imports it, and this
    # mixin is a base of that class: importing the surface at module level would be a cycle
    from minigrad.surface import activation

    return activation


class ActivationMethods:
    __slots__ = ()

    def softmax(self, dim: Any = None, dtype: Any = None) -> Any:
        """e^(x_i) / Σ_j e^(x_j) along ``dim`` (``SoftmaxBackward0``)."""
        return _surface().softmax_dim_required(self, dim, dtype)

    def log_softmax(self, dim: Any = None, dtype: Any = None) -> Any:
        """x_i − ln Σ_j e^(x_j) along ``dim`` (``LogSoftmaxBackward0``)."""
        return _surface().log_softmax_dim_required(self, dim, dtype)
