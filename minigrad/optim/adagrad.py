"""Adagrad (Duchi et al., 2011) with torch.optim.Adagrad's update, options, state layout and argument checks."""

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
    new_step,
    run_closure,
    scalar_lr,
)
from minigrad.optim.optimizer import Optimizer

__all__ = ["Adagrad", "adagrad_update"]


def adagrad_update(param: np.ndarray, grad: np.ndarray, state_sum: np.ndarray, step: np.ndarray, *, lr: float,
                   lr_decay: float, eps: float, weight_decay: float, maximize: bool) -> None:
    """One Adagrad step of one parameter, in place (torch's single-tensor path, in its order)::

        t ← t + 1
        g ← −∇ if maximize else ∇;   g ← g + λ·θ            (weight_decay λ ≠ 0)
        lrₜ = lr / (1 + (t − 1)·lr_decay)                    (a Python float)
        s ← s + g²
        θ ← θ − lrₜ · g / (√s + ε)
    """
    step += 1
    t = float(step)
    g = -grad if maximize else grad
    if weight_decay != 0:
        g = g + param.dtype.type(weight_decay) * param
    clr = lr / (1 + (t - 1) * lr_decay)
    addcmul_(state_sum, g, g, 1)
    std = np.sqrt(state_sum)
    std += param.dtype.type(eps)
    addcdiv_(param, g, std, -clr)


class Adagrad(Optimizer):
    """Adagrad: each coordinate's step shrinks with the sum of its squared gradients (see
    :func:`adagrad_update`). As in torch, the state (``step`` = 0, ``sum`` = ``initial_accumulator_value``) is
    made for every parameter at construction, so ``state_dict()`` lists it before the first step."""

    def __init__(self, params: Any, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        lr = scalar_lr(lr)
        check_nonnegative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                          initial_accumulator_value=initial_accumulator_value, eps=eps)
        check_flags("Adagrad", differentiable, fused, foreach)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        for group in self.param_groups:
            self._init_state(group)

    def _init_state(self, group: dict[str, Any]) -> None:
        for p in group["params"]:
            self.state[p] = {"step": new_step(),
                             "sum": Tensor._wrap(np.full_like(p._data, group["initial_accumulator_value"]))}

    def step(self, closure: Any = None) -> Any:
        """Update every parameter that has a gradient; everything is checked before anything is written."""
        loss = run_closure(closure)
        plan = []
        for group in self.param_groups:
            check_real("Adagrad", group, ("lr", "lr_decay", "eps", "weight_decay"))
            for p in group["params"]:
                g = check_grad(p)
                if g is None:
                    continue
                state = self.state.get(p)
                if not state:  # a group added after construction: torch fills it from the defaults' value
                    state = {"step": new_step(), "sum": Tensor._wrap(
                        np.full_like(p._data, self.defaults["initial_accumulator_value"]))}
                elif "sum" not in state:
                    raise KeyError("sum")
                check_state(p, state, ("sum",))
                plan.append((p, g, state, group))
        for p, g, state, group in plan:
            self.state[p] = state
            adagrad_update(p._data, g, state["sum"]._data, state["step"]._data, lr=group["lr"],
                           lr_decay=group["lr_decay"], eps=group["eps"], weight_decay=group["weight_decay"],
                           maximize=group["maximize"])
        bump([p for p, *_ in plan])
        return loss
