"""Stochastic gradient descent with torch's update rule and argument checks."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from minigrad.autograd.function import bump_version
from minigrad.optim.optimizer import Optimizer
from minigrad.tensor import Tensor

__all__ = ["SGD"]


class SGD(Optimizer):
    """p ← p − lr·v, where (torch.optim.SGD's rule):

    g = ∇p (+ weight_decay·p);  with momentum μ: b = g on the first step, else b = μ·b + (1 − dampening)·g,
    then v = g + μ·b (nesterov) or v = b;  without momentum v = g;  ``maximize`` ascends (p ← p + lr·v).
    """

    def __init__(self, params: Any, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        """``foreach``/``fused`` pick torch kernels with the same math; minigrad has one implementation and only
        records them (so the param groups and ``print(optimizer)`` match torch's). ``differentiable=True``
        (autograd through ``step``) is not supported."""
        if isinstance(lr, Tensor):
            lr = lr.item()
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        if differentiable:
            raise NotImplementedError("SGD(differentiable=True) is not supported by minigrad")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """One update of every parameter that has a gradient. Every gradient is checked before any parameter
        is written, so a bad one leaves all parameters unchanged."""
        loss = None
        if closure is not None:
            from minigrad.autograd.grad_mode import enable_grad

            with enable_grad():
                loss = closure()
        # Check every gradient (and hyper-parameter) first, so that a bad one raises before any parameter has
        # changed: after these checks the updates below cannot fail.
        for group in self.param_groups:
            for key in ("lr", "momentum", "dampening", "weight_decay"):
                if not isinstance(group[key], numbers.Real):
                    raise TypeError(f"SGD: '{key}' must be a real number, got {type(group[key]).__name__}")
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if not isinstance(grad, Tensor):
                    raise TypeError(
                        f"assigned grad expected to be a Tensor or None but got grad of type {type(grad).__name__}"
                    )
                if grad._data.shape != p._data.shape:
                    raise RuntimeError(
                        f"gradient of shape {list(grad._data.shape)} does not match parameter of shape "
                        f"{list(p._data.shape)}"
                    )
                if p._data.dtype.kind != "f":
                    raise RuntimeError(
                        f"result type Float can't be cast to the desired output type {p.dtype.scalar_name}"
                    )
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            plain = not (momentum or weight_decay or maximize)
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                g = grad._data
                if not plain:
                    g = self._direction(p, g, momentum, dampening, weight_decay, nesterov, maximize)
                p._data -= lr * g
                bump_version(p._vc)
        return loss

    def _direction(self, p: Tensor, g: np.ndarray, momentum: float, dampening: float, weight_decay: float,
                   nesterov: bool, maximize: bool) -> np.ndarray:
        """The step direction v for one parameter (torch's rule, see the class docstring); updates the
        momentum buffer."""
        if maximize:
            g = -g
        if weight_decay:
            g = g + weight_decay * p._data
        if momentum:
            state = self.state.setdefault(p, {})
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = Tensor._wrap(np.array(g, copy=True))
            else:
                buf = Tensor._wrap(momentum * buf._data + (1 - dampening) * g)
            state["momentum_buffer"] = buf
            g = g + momentum * buf._data if nesterov else buf._data
        return g
