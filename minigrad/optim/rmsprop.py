"""RMSprop (Hinton's lecture 6e) with torch.optim.RMSprop's update, options, state layout and argument checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._tensor import Tensor
from minigrad.optim._update import (
    addcdiv_,
    addcmul_,
    bump,
    check_flags,
    check_grad,
    check_nonnegative,
    check_real,
    check_state,
    lerp_,
    new_step,
    run_closure,
    scalar_lr,
)
from minigrad.optim.optimizer import Optimizer

__all__ = ["RMSprop", "rmsprop_update"]


def rmsprop_update(param: np.ndarray, grad: np.ndarray, square_avg: np.ndarray, grad_avg: np.ndarray | None,
                   momentum_buffer: np.ndarray | None, step: np.ndarray, *, lr: float, alpha: float, eps: float,
                   weight_decay: float, momentum: float, maximize: bool) -> None:
    """One RMSprop step of one parameter, in place (torch's single-tensor path, in its order)::

        t ← t + 1
        g ← −∇ if maximize else ∇;   g ← g + λ·θ               (weight_decay λ ≠ 0)
        v ← α·v + (1 − α)·g²
        centered:  ḡ ← lerp(ḡ, g, 1 − α),   d ← √(v − ḡ²) + ε    (ḡ is ``grad_avg``)
        otherwise:                          d ← √v + ε
        momentum μ > 0:  b ← μ·b + g/d,   θ ← θ − lr·b
        otherwise:       θ ← θ − lr·g/d

    ``grad_avg`` is given exactly when ``centered``, ``momentum_buffer`` exactly when momentum > 0.
    """
    step += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + param.dtype.type(weight_decay) * param
    square_avg *= square_avg.dtype.type(alpha)
    addcmul_(square_avg, g, g, 1 - alpha)
    if grad_avg is not None:
        lerp_(grad_avg, g, 1 - alpha)
        avg = square_avg.copy()
        addcmul_(avg, grad_avg, grad_avg, -1)
        np.sqrt(avg, out=avg)
    else:
        avg = np.sqrt(square_avg)
    avg += param.dtype.type(eps)
    if momentum_buffer is not None:
        momentum_buffer *= momentum_buffer.dtype.type(momentum)
        addcdiv_(momentum_buffer, g, avg, 1)
        param += param.dtype.type(-lr) * momentum_buffer
    else:
        addcdiv_(param, g, avg, -lr)


class RMSprop(Optimizer):
    """RMSprop: divide each coordinate's step by a running root-mean-square of its gradients (see
    :func:`rmsprop_update`). State per parameter, as torch: ``step``, ``square_avg``, ``momentum_buffer``
    (momentum > 0) and ``grad_avg`` (centered)."""

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        lr = scalar_lr(lr)
        check_nonnegative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        check_flags("RMSprop", differentiable, None, foreach)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Update every parameter that has a gradient; everything is checked before anything is written."""
        loss = run_closure(closure)
        plan = []
        for group in self.param_groups:
            check_real("RMSprop", group, ("lr", "alpha", "eps", "weight_decay", "momentum"))
            keys = ["square_avg"] + (["momentum_buffer"] if group["momentum"] > 0 else []) + (
                ["grad_avg"] if group["centered"] else [])
            for p in group["params"]:
                g = check_grad(p)
                if g is None:
                    continue
                state = self.state.get(p)
                if state:
                    for key in keys:
                        if key not in state:  # torch: a KeyError at the step
                            raise KeyError(key)
                    check_state(p, state, keys)
                else:
                    state = {"step": new_step()}
                    for key in keys:
                        state[key] = Tensor._wrap(np.zeros_like(p._data))
                plan.append((p, g, state, group))
        for p, g, state, group in plan:
            self.state[p] = state
            rmsprop_update(p._data, g, state["square_avg"]._data,
                           state["grad_avg"]._data if group["centered"] else None,
                           state["momentum_buffer"]._data if group["momentum"] > 0 else None, state["step"]._data,
                           lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                           weight_decay=group["weight_decay"], momentum=group["momentum"],
                           maximize=group["maximize"])
        bump([p for p, *_ in plan])
        return loss
