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
        """One update of every parameter that has a gradient. All new values are computed first and then
        written, so an error part-way leaves every parameter unchanged."""
        loss = None
        if closure is not None:
            from minigrad.autograd.grad_mode import enable_grad

            with enable_grad():
                loss = closure()
        updates: list[tuple[Tensor, np.ndarray, np.ndarray | None]] = []
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            plain = not (momentum or weight_decay or maximize)
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                g = grad._data
                if g.shape != p._data.shape:
                    raise RuntimeError(
                        f"gradient of shape {list(g.shape)} does not match parameter of shape {list(p._data.shape)}"
                    )
                if plain:
                    updates.append((p, lr * g, None))
                    continue
                if maximize:
                    g = -g
                if weight_decay:
                    g = g + weight_decay * p._data
                buf = None
                if momentum:
                    state = self.state.get(p)
                    if state is None or state.get("momentum_buffer") is None:
                        buf = np.array(g, copy=True)
                    else:
                        buf = momentum * state["momentum_buffer"]._data + (1 - dampening) * g
                    g = g + momentum * buf if nesterov else buf
                updates.append((p, lr * g, buf))
        for p, delta, buf in updates:
            p._data -= delta
            bump_version(p._vc)
            if buf is not None:
                self.state.setdefault(p, {})["momentum_buffer"] = Tensor._wrap(buf)
        return loss
