"""Stochastic gradient descent with torch's update rule and argument checks."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from minigrad._tensor import Tensor
from minigrad.autograd.function import EPOCH
from minigrad.optim.optimizer import Optimizer

__all__ = ["SGD"]

_REAL = frozenset({float, int})  # the hyper-parameter types checked without isinstance (the common case)


def _check_real(group: dict[str, Any]) -> None:
    for key in ("lr", "momentum", "dampening", "weight_decay"):
        if not isinstance(group[key], numbers.Real) or isinstance(group[key], bool):
            raise TypeError(f"SGD: '{key}' must be a real number, got {type(group[key]).__name__}")


def _check_grad(p: Tensor, grad: Any) -> None:
    """The checks on ``p.grad`` that make the write pass unable to fail."""
    if not isinstance(grad, Tensor):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(grad).__name__}")
    g = grad._data
    if g.shape != p._data.shape:
        raise RuntimeError(
            f"gradient of shape {list(g.shape)} does not match parameter of shape {list(p._data.shape)}"
        )
    if p._data.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type {p.dtype.scalar_name}")


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
        """One update of every parameter that has a gradient, in two passes: the first checks everything and
        computes every new step (and momentum buffer); the second only writes them. So an error anywhere
        leaves every parameter and buffer unchanged."""
        loss = None
        if closure is not None:
            from minigrad.autograd.grad_mode import enable_grad

            with enable_grad():
                loss = closure()
        staged: list[tuple[Tensor, np.ndarray, np.ndarray | None]] = []
        for group in self.param_groups:
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            if (lr.__class__ not in _REAL or momentum.__class__ not in _REAL or dampening.__class__ not in _REAL
                    or weight_decay.__class__ not in _REAL):
                _check_real(group)
            plain = not (momentum or weight_decay or maximize)
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if grad.__class__ is not Tensor or grad._data.shape != p._data.shape or p._data.dtype.kind != "f":
                    _check_grad(p, grad)  # raises with the right message (or accepts a Tensor subclass)
                g = grad._data
                buf = None
                if not plain:
                    g, buf = self._direction(p, g, momentum, dampening, weight_decay, nesterov, maximize)
                staged.append((p, lr * g, buf))
        if staged:
            EPOCH[0] += 1  # one in-place modification per parameter (function.bump_version, for all at once)
            epoch = EPOCH[0]
        for p, delta, buf in staged:
            p._data -= delta
            vc = p._vc
            vc[0] += 1
            vc[1] = epoch
            if buf is not None:
                self.state.setdefault(p, {})["momentum_buffer"] = Tensor._wrap(buf)
        return loss

    def _direction(self, p: Tensor, g: np.ndarray, momentum: float, dampening: float, weight_decay: float,
                   nesterov: bool, maximize: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """The step direction v for one parameter (torch's rule, see the class docstring) and the new momentum
        buffer (None without momentum); nothing is written here."""
        if maximize:
            g = -g
        if weight_decay:
            g = g + weight_decay * p._data
        if not momentum:
            return g, None
        state = self.state.get(p)
        old = None if state is None else state.get("momentum_buffer")
        if old is not None and old._data.shape != g.shape:  # (a loaded state of another shape; torch fails too)
            raise RuntimeError(f"momentum_buffer of shape {list(old._data.shape)} does not match the parameter's "
                               f"shape {list(g.shape)}")
        buf = np.array(g, copy=True) if old is None else momentum * old._data + (1 - dampening) * g
        return (g + momentum * buf if nesterov else buf), buf
