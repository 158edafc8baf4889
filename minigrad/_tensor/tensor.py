"""``Tensor``: the storage core (``TensorBase``, layer 1) with its methods, one mixin per family (layer 5).

Every differentiable method calls one ``Function`` from ``minigrad.ops``, through the torch-facing functions of
``minigrad.surface`` that read its arguments; no file of ``minigrad/_tensor/`` holds derivative math or argument
checks. In-place methods follow torch's rules (``minigrad/surface/inplace.py``).

Defining the class registers it with layer 1 (``register_tensor_class``): from then on every new tensor, made by
``wrap`` or by ``Function.apply``, is a ``Tensor``.
"""

from __future__ import annotations

from typing import Any

from minigrad._dtype import get_default_dtype
from minigrad._tensor.activation import ActivationMethods
from minigrad._tensor.arithmetic import ArithmeticMethods
from minigrad._tensor.autograd import AutogradMethods
from minigrad._tensor.conversion import ConversionMethods
from minigrad._tensor.display import DisplayMethods
from minigrad._tensor.factories import FactoriesMethods, legacy_new
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

    def __init__(self, *args: Any, device: Any = None) -> None:
        """torch.Tensor's legacy constructor, in the default float dtype: ``Tensor(2, 3)`` (uninitialised, shape
        (2, 3)), ``Tensor(size)``, ``Tensor([1, 2])`` (the values), ``Tensor()`` (empty, 1-d). ``Tensor(t)`` of a
        tensor shares its data, whatever its dtype (as torch)."""
        src = args[0] if len(args) == 1 and isinstance(args[0], TensorBase) else \
            legacy_new(get_default_dtype(), args, device)
        self._data = src._data
        self.grad = None
        self.grad_fn = None
        self._requires_grad = False
        self._vc = src._vc
        self._acc = None
        self._retains_grad = False

register_tensor_class(Tensor)
