"""Adam (Kingma & Ba, 2015) with torch.optim.Adam's update, options, state layout and argument checks."""

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

__all__ = ["Adam", "adam_update"]


def adam_update(param: np.ndarray, grad: np.ndarray, exp_avg: np.ndarray, exp_avg_sq: np.ndarray,
                max_exp_avg_sq: np.ndarray | None, step: np.ndarray, *, lr: float, beta1: float, beta2: float,
                eps: float, weight_decay: float, maximize: bool, decoupled_weight_decay: bool) -> None:
    """One Adam step of one parameter, written in place into ``param``, the moments and ``step`` (torch's
    single-tensor path, in its order of evaluation)::

        t ← t + 1
        g ← −∇ if maximize else ∇
        decoupled (AdamW):  θ ← θ·(1 − lr·λ)          coupled (Adam):  g ← g + λ·θ
        m ← lerp(m, g, 1 − β₁)                     (= β₁·m + (1 − β₁)·g)
        v ← β₂·v + (1 − β₂)·g²
        v̂ ← max(v̂, v), read v̂ below                 (amsgrad only)
        θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)

    The bias corrections 1 − β₁ᵗ, √(1 − β₂ᵗ) and the step size are Python floats (double precision), as in
    torch; t is read from the float counter ``step``.
    """
    step += 1
    g = -grad if maximize else grad
    if weight_decay != 0:
        if decoupled_weight_decay:
            param *= param.dtype.type(1 - lr * weight_decay)
        else:
            g = g + param.dtype.type(weight_decay) * param
    lerp_(exp_avg, g, 1 - beta1)
    exp_avg_sq *= exp_avg_sq.dtype.type(beta2)
    addcmul_(exp_avg_sq, g, g, 1 - beta2)
    t = float(step)
    bias_correction1 = 1 - beta1**t
    bias_correction2_sqrt = (1 - beta2**t) ** 0.5
    step_size = lr / bias_correction1
    second = exp_avg_sq
    if max_exp_avg_sq is not None:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second = max_exp_avg_sq
    denom = np.sqrt(second) / param.dtype.type(bias_correction2_sqrt)
    denom += param.dtype.type(eps)
    addcdiv_(param, exp_avg, denom, -step_size)


def _check_betas(betas: Any) -> tuple[float, float]:
    if isinstance(betas[0], Tensor) or isinstance(betas[1], Tensor):
        raise NotImplementedError("betas given as Tensors are not supported by minigrad; give floats")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not (isinstance(betas[0], float) and isinstance(betas[1], float)):
        raise ValueError("betas must be either both floats or both Tensors")
    return (betas[0], betas[1])


class Adam(Optimizer):
    """Adam: per-coordinate steps scaled by running estimates of the gradient's first and second moments.
    See :func:`adam_update` for the math; ``weight_decay`` is added to the gradient (L2), unless
    ``decoupled_weight_decay=True`` (which is :class:`AdamW`). State per parameter, as torch: ``step`` (a 0-d
    float tensor), ``exp_avg``, ``exp_avg_sq`` and, with ``amsgrad``, ``max_exp_avg_sq``."""

    _name = "Adam"

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        """``foreach``/``fused``/``capturable`` choose torch kernels of the same math: recorded, not used."""
        lr = scalar_lr(lr)
        check_nonnegative(lr=lr, eps=eps)
        betas = _check_betas(betas)
        check_nonnegative(weight_decay=weight_decay)
        check_flags(self._name, differentiable, fused, foreach)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def step(self, closure: Any = None) -> Any:
        """Update every parameter that has a gradient. Everything is checked first (hyper-parameters, gradients,
        loaded state); only then is anything written, so an error leaves parameters and state unchanged."""
        loss = run_closure(closure)
        plan = []
        for group in self.param_groups:
            check_real(self._name, group, ("lr", "eps", "weight_decay"))
            beta1, beta2 = group["betas"]
            check_real(self._name, {"beta1": beta1, "beta2": beta2}, ("beta1", "beta2"))
            keys = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if group["amsgrad"] else ("exp_avg", "exp_avg_sq")
            for p in group["params"]:
                g = check_grad(p)
                if g is None:
                    continue
                state = self.state.get(p)
                if state:
                    if group["amsgrad"] and "max_exp_avg_sq" not in state:  # torch: a KeyError at the first step
                        raise KeyError("max_exp_avg_sq")
                    check_state(p, state, keys)
                else:
                    state = {"step": new_step(), "exp_avg": Tensor._wrap(np.zeros_like(p._data)),
                             "exp_avg_sq": Tensor._wrap(np.zeros_like(p._data))}
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = Tensor._wrap(np.zeros_like(p._data))
                plan.append((p, g, state, group))
        for p, g, state, group in plan:
            self.state[p] = state
            beta1, beta2 = group["betas"]
            adam_update(p._data, g, state["exp_avg"]._data, state["exp_avg_sq"]._data,
                        state["max_exp_avg_sq"]._data if group["amsgrad"] else None, state["step"]._data,
                        lr=group["lr"], beta1=beta1, beta2=beta2, eps=group["eps"],
                        weight_decay=group["weight_decay"], maximize=group["maximize"],
                        decoupled_weight_decay=group["decoupled_weight_decay"])
        bump([p for p, *_ in plan])
        return loss
