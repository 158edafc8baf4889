"""Stochastic gradient descent: ``sgd_update`` is the math (arrays in, arrays out), ``SGD`` is torch's
optimizer around it (argument checks, state, and the all-or-nothing write)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from minigrad._tensor import Tensor
from minigrad._tensor_base import assign_sub
from minigrad.autograd.grad_mode import enable_grad
from minigrad.optim.optimizer import Optimizer

__all__ = ["SGD", "sgd_update"]

_REAL = frozenset({float, int})  # the hyper-parameter types checked without isinstance (the common case)


def sgd_update(param: np.ndarray, grad: np.ndarray, momentum_buffer: np.ndarray | None, *, lr: float,
               momentum: float, dampening: float, weight_decay: float, nesterov: bool,
               maximize: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """One SGD update of one parameter, torch.optim.SGD's rule; returns ``(step, new_momentum_buffer)`` and
    writes nothing: the caller writes ``param ← param − step`` (and keeps the buffer).

        g = ∇p  (−∇p with ``maximize``)  + weight_decay·p
        b = g on the first step (no buffer yet), else b = μ·b + (1 − dampening)·g      (with momentum μ > 0)
        v = g + μ·b (nesterov) or v = b (with momentum);  v = g (without)
        step = lr·v
    """
    g = -grad if maximize else grad
    if weight_decay:
        g = g + weight_decay * param
    if not momentum:
        return lr * g, None
    b = np.array(g, copy=True) if momentum_buffer is None else momentum * momentum_buffer + (1 - dampening) * g
    v = g + momentum * b if nesterov else b
    return lr * v, b


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


def _check_buffer(buf: Any, p: Tensor) -> None:
    """A loaded momentum buffer of another shape (torch fails too)."""
    if buf is not None and buf._data.shape != p._data.shape:
        raise RuntimeError(f"momentum_buffer of shape {list(buf._data.shape)} does not match the parameter's "
                           f"shape {list(p._data.shape)}")


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
        """One update of every parameter that has a gradient: the ``.grad`` arrays, checked, go to ``update``."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        grads: list[list[np.ndarray | None]] = []
        for group in self.param_groups:
            row: list[np.ndarray | None] = []
            for p in group["params"]:
                grad = p.grad
                if grad is not None:
                    if grad.__class__ is not Tensor or grad._data.shape != p._data.shape or p._data.dtype.kind != "f":
                        _check_grad(p, grad)  # raises with the right message (or accepts a Tensor subclass)
                    grad = grad._data
                row.append(grad)
            grads.append(row)
        self.update(grads)
        return loss

    def update(self, grads: list[list[np.ndarray | None]]) -> None:
        """The array-level step: ``grads[i][j]`` is the gradient of ``param_groups[i]["params"][j]`` (None: that
        parameter is skipped). ``step()`` runs it on the ``.grad`` arrays, ``minigrad.compile`` on a captured
        program's gradients. Two passes (``sgd_update`` for each parameter): the first checks everything and
        computes every step and momentum buffer, the second only writes them, so an error anywhere leaves every
        parameter and buffer unchanged."""
        steps: list[tuple[Tensor, np.ndarray]] = []  # (p, step): the write pass does p ← p − step
        buffers: list[tuple[Tensor, np.ndarray]] = []  # (p, its new momentum buffer)
        for group, row in zip(self.param_groups, grads):
            lr, momentum, dampening = group["lr"], group["momentum"], group["dampening"]
            weight_decay, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
            if (lr.__class__ not in _REAL or momentum.__class__ not in _REAL or dampening.__class__ not in _REAL
                    or weight_decay.__class__ not in _REAL):  # torch's TypeError for a non-real hyperparameter
                _check_real(group)
            if not (momentum or weight_decay or maximize):  # sgd_update reduced to step = lr·g, inlined (hot path)
                for p, g in zip(group["params"], row):
                    if g is not None:
                        steps.append((p, lr * g))
                continue
            for p, g in zip(group["params"], row):
                if g is None:
                    continue
                old = self.state[p].get("momentum_buffer") if momentum and p in self.state else None
                _check_buffer(old, p)
                step, buf = sgd_update(p._data, g, None if old is None else old._data, lr=lr, momentum=momentum,
                                       dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                                       maximize=maximize)
                steps.append((p, step))
                if buf is not None:
                    buffers.append((p, buf))
        for p, step in steps:
            assign_sub(p, step)  # p ← p − step, in place (its views see it; its version + 1)
        for p, buf in buffers:
            self.state.setdefault(p, {})["momentum_buffer"] = Tensor._wrap(buf)
