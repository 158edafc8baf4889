"""``Tensor``'s autograd methods (layer 5): ``backward``, ``requires_grad``, ``detach``, hooks, ``retain_grad``,
``.data``. The engine itself is ``minigrad/autograd/``."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad._tensor_base import TensorBase, wrap
from minigrad.autograd import engine as _engine
from minigrad.autograd.function import AccumulateGrad, grad_accumulator
from minigrad.surface import parser

if TYPE_CHECKING:  # (the type checker reads a mixin's self as a tensor: TensorBase's slots and layer 5's methods)
    from minigrad._tensor_base import TensorBase as _Storage
else:
    _Storage = object

__all__ = ["AutogradMethods", "RemovableHandle"]


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class AutogradMethods(_Storage):
    """What a tensor does with the graph: start backward from it, require grad, leave the graph, hook it."""

    __slots__ = ()

    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """Accumulate d(self)/d(leaf) (times ``gradient`` for a non-scalar) into every leaf's ``.grad``."""
        if gradient is None and inputs is None and create_graph is False and retain_graph.__class__ in parser.FLAGS:
            _engine.backward(self, None, retain_graph)  # the common call: loss.backward()
            return
        if isinstance(gradient, list | tuple):  # torch takes a sequence holding the one gradient
            if len(gradient) != 1:
                raise RuntimeError(f"got 1 tensors and {len(gradient)} gradients")
            gradient = gradient[0]
        if gradient is not None and not isinstance(gradient, TensorBase):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(gradient).__name__}")
        elif gradient is not None and gradient._data.dtype != self._data.dtype:  # torch casts it to the output's
            gradient = wrap(gradient._data.astype(self._data.dtype))
        if type(create_graph) is not bool or (retain_graph is not None and type(retain_graph) is not bool):
            def gradient_checks() -> None:
                if gradient is not None and gradient._data.shape != self._data.shape:
                    raise RuntimeError(
                        f"Mismatch in shape: grad_output[0] has a shape of {_engine._size(gradient._data.shape)} and "
                        f"output[0] has a shape of {_engine._size(self._data.shape)}."
                    ) from None
                if gradient is None and self._requires_grad and self._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs") from None

            create_graph, retain_graph = parser.integer_flags(create_graph, retain_graph, gradient_checks)
        if create_graph:
            raise NotImplementedError("create_graph=True (higher-order gradients) is not supported by minigrad")
        if inputs is not None:
            raise NotImplementedError("backward(inputs=...) is not supported by minigrad; use autograd.grad")
        _engine.backward(self, gradient, retain_graph)

    # -------------------------------------------------------------- requires_grad
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise RuntimeError("requires_grad must be a bool")
        if self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        if value and self._data.dtype.kind != "f":  # the attribute's wording differs from requires_grad_()'s
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Any:
        """Set ``requires_grad`` on a leaf (only floating tensors can require grad)."""
        parser.bool_arg(requires_grad, "requires_grad_", "requires_grad", 1, numpy_bool=True)
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                "in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    # -------------------------------------------------------------- out of the graph
    @property
    def data(self) -> Any:
        """The same values, detached from the graph (shares memory; a new version counter, as in torch)."""
        return wrap(self._data)

    @data.setter
    def data(self, value: Any) -> None:
        if not isinstance(value, TensorBase):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self._requires_grad and value._data.dtype.kind != "f":
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        self._data = value._data
        if self._acc is not None:
            self._acc._shape, self._acc._dtype = self._data.shape, self._data.dtype

    def detach(self) -> Any:
        """The same values without a graph (shares memory and version counter)."""
        t = wrap(self._data)
        t._vc = self._vc
        return t

    def detach_(self) -> Any:
        self.grad_fn = None
        self._requires_grad = False
        return self

    # -------------------------------------------------------------- gradients of non-leaves, hooks
    def _grad_accumulator(self) -> AccumulateGrad:
        """This leaf's AccumulateGrad node (made once, kept while the tensor lives)."""
        return grad_accumulator(self)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        self._retains_grad = True
        ref = weakref.ref(self)

        def keep(grads: tuple[Any, ...]) -> None:
            t = ref()
            if t is not None:
                g = grads[0]._data
                if t.grad is None:
                    t.grad = wrap(np.array(g, copy=True))
                else:
                    t.grad._data = t.grad._data + g

        self.grad_fn.register_prehook(keep)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook: Any) -> RemovableHandle:
        """``hook(grad) -> Tensor | None`` runs when this tensor's gradient is computed; it may replace it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node = self.grad_fn or self._grad_accumulator()

        def prehook(grads: tuple[Any, ...]) -> Any:
            out = hook(grads[0])
            return None if out is None else (out,)

        node.register_prehook(prehook)
        assert node._pre_hooks is not None
        return RemovableHandle(node._pre_hooks, prehook)
