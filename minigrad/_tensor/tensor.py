"""``Tensor``: the storage core (``TensorBase``, layer 1) with its methods, one mixin per family (layer 5).

Every differentiable method calls one ``Function`` from ``minigrad.ops``, through the torch-facing functions of
``minigrad.surface`` that read its arguments; no file of ``minigrad/_tensor/`` holds derivative math or argument
checks. In-place methods follow torch's rules (``minigrad/surface/inplace.py``).

Defining the class registers it with layer 1 (``register_tensor_class``): from then on every new tensor, made by
``wrap`` or by ``Function.apply``, is a ``Tensor``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._dtype import get_default_dtype
from minigrad._tensor.activation import ActivationMethods
from minigrad._tensor.arithmetic import ArithmeticMethods
from minigrad._tensor.autograd import AutogradMethods
from minigrad._tensor.conversion import ConversionMethods
from minigrad._tensor.display import DisplayMethods
from minigrad._tensor.factories import FactoriesMethods
from minigrad._tensor.inplace import InplaceMethods
from minigrad._tensor.math import MathMethods
from minigrad._tensor.reduction import ReductionMethods
from minigrad._tensor.shape import ShapeMethods
from minigrad._tensor_base import TensorBase, register_tensor_class

__all__ = ["Tensor"]


class Tensor(
    MathMethods,
    ArithmeticMethods,
    ShapeMethods,
    ReductionMethods,
    InplaceMethods,
    ConversionMethods,
    AutogradMethods,
    DisplayMethods,
    FactoriesMethods,
    ActivationMethods,
    TensorBase,
):
    """A multi-dimensional array with autograd. Build one with ``minigrad.tensor(...)``."""

    __slots__ = ()

    def __init__(self, data: Any = (), requires_grad: bool = False) -> None:
        """``minigrad.Tensor(data)`` builds a tensor of the default float dtype (torch.Tensor's legacy rule)."""
        self._data = np.array(data._data if isinstance(data, TensorBase) else data, dtype=get_default_dtype().np)
        self.grad = None
        self.grad_fn = None
        self._requires_grad = False
        self._vc = [0, 0]
        self._acc = None
        self._retains_grad = False
        if requires_grad:
            self.requires_grad_(True)


register_tensor_class(Tensor)
