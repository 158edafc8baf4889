"""Shared by tests/test_layers_*.py: run one function under torch and under minigrad on the same arrays, then
compare output, graph node name and every input gradient under the tolerance policy. Expected values are always
torch's; the upstream gradient is a fixed random array (not ones), so that a wrong reduction cannot hide."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

import minigrad
from minigrad.testing.tolerances import assert_close

# the values layer inputs are drawn from, ``mgst.arrays(dtype, shape, **VALUES)``: finite, in [-3, 3], subnormals
# included (as drawn before the kit)
VALUES: dict[str, Any] = {"min_value": -3.0, "max_value": 3.0, "allow_subnormal": True}


def check_against_torch(fn: Callable[..., Any], arrays: Sequence[np.ndarray | None], *,
                        requires_grad: Sequence[bool] | None = None, n_ops: int = 1, grad_n_ops: int | None = None,
                        scale: float | None = None, grad_scale: float | None = None, upstream_seed: int = 0,
                        node: bool = True) -> tuple[Any, Any]:
    """``fn(lib, *tensors)`` with lib = torch, then minigrad; None arrays pass through as None. Returns both
    outputs (first output when fn returns a tuple)."""
    rg = requires_grad if requires_grad is not None else [a is not None and a.dtype.kind == "f" for a in arrays]
    th_in = [None if a is None else torch.tensor(np.array(a, copy=True), requires_grad=r) for a, r in zip(arrays, rg)]
    mg_in = [None if a is None else minigrad.tensor(np.array(a, copy=True), requires_grad=r)
             for a, r in zip(arrays, rg)]
    th_out, mg_out = fn(torch, *th_in), fn(minigrad, *mg_in)
    th_main = th_out[0] if isinstance(th_out, tuple) else th_out
    mg_main = mg_out[0] if isinstance(mg_out, tuple) else mg_out
    assert tuple(mg_main.shape) == tuple(th_main.shape), (mg_main.shape, th_main.shape)
    assert str(mg_main.dtype).split(".")[-1] == str(th_main.dtype).split(".")[-1]
    assert_close(mg_main.detach().numpy(), th_main.detach().numpy(), n_ops=n_ops, scale=scale, what="forward")
    if node:
        assert mg_main.requires_grad == th_main.requires_grad
        if th_main.grad_fn is not None:
            assert type(mg_main.grad_fn).__name__ == type(th_main.grad_fn).__name__
    if th_main.requires_grad:
        g = np.random.default_rng(upstream_seed).standard_normal(tuple(th_main.shape)).astype(
            th_main.detach().numpy().dtype)
        th_main.backward(torch.tensor(g))
        mg_main.backward(minigrad.tensor(g))
        for i, (a, b) in enumerate(zip(mg_in, th_in)):
            if a is None or b is None or not b.requires_grad:
                continue
            if b.grad is None:
                assert a.grad is None, f"input {i}: minigrad has a gradient where torch has none"
                continue
            assert a.grad is not None, f"input {i}: no gradient"
            assert_close(a.grad.numpy(), b.grad.numpy(), n_ops=grad_n_ops or n_ops, scale=grad_scale,
                         what=f"grad of input {i}")
    return mg_out, th_out


def grad_of(t: Any) -> np.ndarray:
    """``t.grad`` as an array (the test fails if there is none)."""
    assert t.grad is not None, "no gradient"
    return np.asarray(t.grad.numpy())


def same_params(mg_module: Any, th_module: Any) -> None:
    """Same parameter/buffer names, in the same order, with bit-identical values."""
    mg_sd, th_sd = mg_module.state_dict(), th_module.state_dict()
    assert list(mg_sd) == list(th_sd)
    for k in th_sd:
        a, b = mg_sd[k].numpy(), th_sd[k].numpy()
        assert a.dtype == b.dtype and a.shape == b.shape, k
        assert np.array_equal(a, b), f"{k} differs from torch's after the same seed"
