"""Stochastic gradient descent with torch's update rule and argument checks."""

from __future__ import annotations

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
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False) -> None:
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
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """One update of every parameter that has a gradient. Every gradient is checked before any parameter
        is written, so a bad one leaves all parameters unchanged."""
        loss = None
        if closure is not None:
            from minigrad.autograd.grad_mode import enable_grad

            with enable_grad():
                loss = closure()
        # Check every gradient first, so that a bad one raises before any parameter has changed.
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None and p.grad._data.shape != p._data.shape:
                    raise RuntimeError(
                        f"gradient of shape {list(p.grad._data.shape)} does not match parameter of shape "
                        f"{list(p._data.shape)}"
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
