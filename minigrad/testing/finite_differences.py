"""Gradients against finite differences, without torch: for your own ``autograd.Function`` or composite op.

    from minigrad.testing import assert_matches_finite_differences, gradcheck

    assert_matches_finite_differences(lambda x, w: MySoftplus.apply(x @ w), x, w)   # NumPy arrays in
    gradcheck(MySoftplus.apply, (minigrad.tensor(x, dtype=minigrad.float64, requires_grad=True),))

``assert_matches_finite_differences`` compares minigrad's vector-Jacobian product ``∂⟨f(x), c⟩/∂x`` (one
backward, with a random cotangent ``c``) with float64 central differences of the same scalar,
``(F(x + h·eᵢ) − F(x − h·eᵢ)) / 2h`` for every element i of every input, under
:func:`minigrad.testing.tolerances.finite_difference_tolerance`. ``gradcheck`` (torch's semantics: every row of
the Jacobian, one-hot cotangents) is the stricter, slower check.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import minigrad
from minigrad.testing.report import Report, judge, problem
from minigrad.testing.tolerances import finite_difference_tolerance

__all__ = ["central_difference", "fd_step", "compare_with_finite_differences", "assert_matches_finite_differences"]


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, h: float) -> np.ndarray:
    """dF/dx by central differences, (F(x + h·eᵢ) − F(x − h·eᵢ)) / 2h, elementwise, in float64."""
    x = np.array(x, dtype=np.float64, copy=True)
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f(x)
        flat[i] = old - h
        down = f(x)
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad


def fd_step(x: np.ndarray) -> float:
    """h = ε^(1/3)·max(1, max|x|): balances truncation (h²) against rounding (ε/h) in float64."""
    return float(np.finfo(np.float64).eps ** (1 / 3) * max(1.0, float(np.max(np.abs(x), initial=0.0))))


def _names(fn: Callable[..., Any], n: int) -> list[str]:
    try:
        params = [p for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_ONLY,
                                                                                   p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i].name if i < len(params) else f"input {i}" for i in range(n)]


def compare_with_finite_differences(fn: Callable[..., Any], *inputs: Any, wrt: Sequence[int] | None = None,
                                    cotangent: Any = "random", seed: int = 0) -> Report:
    """minigrad's gradient of ``⟨fn(*tensors), c⟩`` against float64 central differences, for each input in
    ``wrt`` (all floating inputs by default); a :class:`Report`, never raises for a mismatch.

    ``inputs`` are NumPy arrays (floating ones made float64 minigrad tensors, integer ones tensors of their
    dtype; other values are passed as they are); ``fn``
    returns one tensor. ``cotangent``: "random" (uniform in [−2, 2), from ``seed``), "ones", or an array.
    """
    arrays = [(np.array(a, dtype=np.float64) if np.asarray(a).dtype.kind == "f" else np.array(a))
              if isinstance(a, np.ndarray | np.generic) else a for a in inputs]
    floating = [i for i, a in enumerate(arrays) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    wrt = floating if wrt is None else list(wrt)
    names = _names(fn, len(arrays))
    ts = [minigrad.tensor(a, requires_grad=i in wrt) if isinstance(a, np.ndarray) else a for i, a in enumerate(arrays)]
    out = fn(*ts)
    shape = tuple(out.shape)
    if isinstance(cotangent, str):
        c = (np.random.default_rng(seed).uniform(-2.0, 2.0, shape) if cotangent == "random"
             else np.ones(shape))
    else:
        c = np.array(cotangent, dtype=np.float64).reshape(shape)
    out.backward(minigrad.tensor(c.astype(np.asarray(out.detach().numpy()).dtype)))
    report = Report(title="minigrad vs central differences", reference="numerical")
    value = np.asarray(out.detach().numpy(), dtype=np.float64)
    tol = finite_difference_tolerance(scale=float(np.abs(c * value).sum()) if value.size else 1.0)
    for i in wrt:
        name = f"grad {names[i]}"

        def scalar(xi: np.ndarray, i: int = i) -> float:
            args = [minigrad.tensor(xi) if j == i else (minigrad.tensor(a) if isinstance(a, np.ndarray) else a)
                    for j, a in enumerate(arrays)]
            with minigrad.no_grad():
                y = np.asarray(fn(*args).numpy(), dtype=np.float64)
            return float((y * c).sum())

        g = ts[i].grad
        if g is None:
            report.checks.append(problem(name, "minigrad's gradient is None (no path from the output)"))
            continue
        numeric = central_difference(scalar, arrays[i], fd_step(arrays[i]))
        report.checks.append(judge(name, np.asarray(g.numpy()), numeric, tol))
    report.notes = [f"gradients: of ⟨output, c⟩ with a {cotangent if isinstance(cotangent, str) else 'given'} "
                    f"cotangent; numerical: float64 central differences, h = ε^(1/3)·max(1, |x|)",
                    f"policy (minigrad.testing.tolerances.finite_difference_tolerance): rtol {tol.rtol:g}, atol "
                    f"{tol.atol:.3g}: {tol.reason}"]
    return report


def assert_matches_finite_differences(fn: Callable[..., Any], *inputs: Any, wrt: Sequence[int] | None = None,
                                      cotangent: Any = "random", seed: int = 0) -> Report:
    """:func:`compare_with_finite_differences`, raising ``AssertionError`` with the table on any mismatch."""
    report = compare_with_finite_differences(fn, *inputs, wrt=wrt, cotangent=cotangent, seed=seed)
    report.raise_if_failed()
    return report
