"""What every adaptive optimizer's ``step()`` shares: checking a group before anything is written, torch's
``lerp``/``addcmul``/``addcdiv`` evaluation order on arrays, the scalar ``step`` state, and the version bump.

The update functions in ``adam.py``, ``rmsprop.py`` and ``adagrad.py`` are pure array functions: NumPy arrays in,
the same arrays written in place, Python floats for the hyper-parameters. They evaluate each formula in the
order torch's single-tensor (``foreach=False``) path does, with the hyper-parameters rounded to the parameter's
dtype as torch's kernels round a Python scalar. torch's vectorised CPU kernels fuse some multiply-adds (``lerp``,
``add(alpha=)``, ``addcmul``); NumPy rounds each product, so those results may differ by an ulp (tolerance
policy, category 1), never by a formula.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from minigrad._dtype import get_default_dtype
from minigrad._tensor import Tensor
from minigrad.autograd.function import EPOCH
from minigrad.autograd.grad_mode import enable_grad

__all__ = ["lerp_", "addcmul_", "addcdiv_", "check_grad", "check_real", "check_state", "new_step", "bump",
           "scalar_dtype", "scalar_lr", "check_nonnegative", "check_flags", "run_closure"]


def scalar_dtype() -> np.dtype:
    """torch's ``_get_scalar_dtype()``: the dtype of the ``step`` counter (float64 only when that is the default)."""
    return np.dtype(np.float64) if get_default_dtype().np == np.float64 else np.dtype(np.float32)


def new_step(value: float = 0.0) -> Tensor:
    """A fresh 0-d ``step`` counter, as torch's ``torch.tensor(0.0, dtype=_get_scalar_dtype())``."""
    return Tensor._wrap(np.array(value, dtype=scalar_dtype()))


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start ← lerp(start, end, w) in place, torch's formula: start + w·(end − start) when |w| < 0.5, else
    end − (end − start)·(1 − w) (the form that stays exact at w = 1)."""
    w = start.dtype.type(weight)
    if abs(w) < 0.5:
        start += w * (end - start)
    else:
        np.subtract(end, (end - start) * (start.dtype.type(1) - w), out=start)


def addcmul_(out: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> None:
    """out ← out + value·t1·t2, evaluated as torch's kernel: ((value·t1)·t2) added to out."""
    out += (out.dtype.type(value) * t1) * t2


def addcdiv_(out: np.ndarray, t1: np.ndarray, t2: np.ndarray, value: float) -> None:
    """out ← out + value·t1/t2, evaluated as torch's kernel: ((value·t1)/t2) added to out."""
    out += (out.dtype.type(value) * t1) / t2


def scalar_lr(lr: Any) -> Any:
    """A 1-element tensor ``lr`` as its number (torch keeps the tensor; minigrad's updates read floats)."""
    if isinstance(lr, Tensor):
        if lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        return lr.item()
    return lr


_LABELS = {"lr": "learning rate", "eps": "epsilon value"}


def check_nonnegative(**values: Any) -> None:
    """torch's constructor checks, in the order given: ``Invalid learning rate: -1.0``, ``Invalid epsilon
    value: ...``, ``Invalid <name> value: ...``."""
    for key, v in values.items():
        if not 0.0 <= v:
            raise ValueError(f"Invalid {_LABELS.get(key, key + ' value')}: {v}")


def check_flags(name: str, differentiable: bool, fused: bool | None, foreach: bool | None) -> None:
    """``foreach``/``fused`` pick torch kernels of the same math (recorded only); ``differentiable`` is refused."""
    if differentiable:
        raise NotImplementedError(f"{name}(differentiable=True) is not supported by minigrad")
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def run_closure(closure: Any) -> Any:
    """``step(closure)``: re-evaluate the loss with grad enabled (torch's contract); None without a closure."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def check_real(name: str, group: dict[str, Any], keys: Iterable[str]) -> None:
    """A hyper-parameter changed after construction (``group["lr"] = "0.1"``) fails here, before any write."""
    for key in keys:
        v = group[key]
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise TypeError(f"{name}: '{key}' must be a real number, got {type(v).__name__}")


def check_grad(p: Tensor) -> np.ndarray | None:
    """``p.grad`` as an array after the checks that make the write pass unable to fail (None: no gradient)."""
    grad = p.grad
    if grad is None:
        return None
    if not isinstance(grad, Tensor):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(grad).__name__}")
    g = grad._data
    if g.shape != p._data.shape:
        raise RuntimeError(f"gradient of shape {list(g.shape)} does not match parameter of shape "
                           f"{list(p._data.shape)}")
    if p._data.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type {p.dtype.scalar_name}")
    return g


def check_state(p: Tensor, state: dict[str, Any], keys: Iterable[str]) -> None:
    """A loaded state whose buffers do not fit the parameter fails before anything is written (torch fails
    inside its kernels, after earlier parameters were updated)."""
    for key in keys:
        buf = state.get(key)
        if not isinstance(buf, Tensor):
            raise RuntimeError(f"optimizer state '{key}' of a parameter is missing or not a tensor")
        if buf._data.shape != p._data.shape:
            raise RuntimeError(f"optimizer state '{key}' of shape {list(buf._data.shape)} does not match the "
                               f"parameter's shape {list(p._data.shape)}")
    step = state.get("step")
    if not isinstance(step, Tensor) or step._data.size != 1:
        raise RuntimeError("optimizer state 'step' of a parameter is missing or not a one-element tensor")


def bump(params: list[Tensor]) -> None:
    """Record one in-place modification of each parameter (autograd's version counters), all at once."""
    if not params:
        return
    EPOCH[0] += 1
    epoch = EPOCH[0]
    for p in params:
        vc = p._vc
        vc[0] += 1
        vc[1] = epoch
