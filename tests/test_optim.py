"""optim.SGD against torch.optim.SGD: every option and combination over 20 steps, param groups, state,
zero_grad and the argument checks."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import TRANSCENDENTAL, assert_same_error, dtype_name, to_numpy
from minigrad.testing.tolerances import assert_close

STEPS = 20


def _combos() -> list[dict[str, Any]]:
    """Every valid combination of the options (nesterov needs momentum and no dampening)."""
    out = []
    for momentum, dampening, weight_decay, nesterov, maximize in itertools.product(
        (0.0, 0.9), (0.0, 0.5), (0.0, 0.1), (False, True), (False, True)
    ):
        if nesterov and (momentum == 0 or dampening != 0):
            continue
        if momentum == 0 and dampening != 0 and not nesterov:
            pass  # dampening without momentum is accepted and ignored by torch: keep it
        out.append(dict(momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize))
    return out


COMBOS = _combos()


def _model(L: Any, dtype: Any) -> Any:
    return L.nn.Sequential(L.nn.Linear(3, 4, dtype=dtype), L.nn.Tanh(), L.nn.Linear(4, 1, dtype=dtype))


def _run(L: Any, dtype_name_: str, options: dict[str, Any], lr: float, steps: int) -> tuple[list[Any], list[float]]:
    dtype = getattr(L, dtype_name_)
    L.manual_seed(0)
    model = _model(L, dtype)
    opt = L.optim.SGD(model.parameters(), lr=lr, **options)
    rng = np.random.default_rng(0)
    x = L.tensor(rng.normal(size=(8, 3)).astype(dtype_name_))
    y = L.tensor(rng.normal(size=(8, 1)).astype(dtype_name_))
    losses = []
    for _ in range(steps):
        # maximize ascends: give it a concave objective (−MSE) so the run converges instead of blowing up, where
        # torch's fused multiply-add in its updates (≤ 1 ulp per step) would be amplified without bound
        loss = L.nn.functional.mse_loss(model(x), y)
        if options.get("maximize"):
            loss = -loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())
    return [p.detach() for p in model.parameters()], losses


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("options", COMBOS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items() if v))
def test_sgd_matches_torch_over_20_steps(options: dict[str, Any], dtype: str) -> None:
    pa, la = _run(minigrad, dtype, options, 0.05, STEPS)
    pb, lb = _run(torch, dtype, options, 0.05, STEPS)
    # float32: each step is ~ a forward (tanh, 2 small matmuls), a backward and an update, each rounding a few
    # ulp apart from torch; differences compound over the steps
    per_step = 4 * TRANSCENDENTAL
    assert_close(np.array(la), np.array(lb), dtype=dtype, n_ops=per_step * STEPS, what="losses")
    for a, b in zip(pa, pb):
        assert dtype_name(a) == dtype_name(b) == dtype
        assert_close(to_numpy(a), to_numpy(b), n_ops=per_step * STEPS, what="parameter")


@given(lr=st.floats(1e-4, 0.2), momentum=st.floats(0, 0.99), dampening=st.floats(0, 1),
       weight_decay=st.floats(0, 0.5), maximize=st.booleans(), nesterov=st.booleans())
def test_sgd_with_generated_hyperparameters_matches_torch(lr: float, momentum: float, dampening: float,
                                                          weight_decay: float, maximize: bool, nesterov: bool) -> None:
    if nesterov:
        dampening = 0.0
        momentum = max(momentum, 0.1)
    options = dict(momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                   maximize=maximize)
    pa, la = _run(minigrad, "float64", options, lr, 5)
    pb, lb = _run(torch, "float64", options, lr, 5)
    assert_close(np.array(la), np.array(lb), what="losses")
    for a, b in zip(pa, pb):
        assert_close(to_numpy(a), to_numpy(b), what="parameter")


def test_sgd_state_dict_and_momentum_buffers_match_torch() -> None:
    out = {}
    for L in (minigrad, torch):
        L.manual_seed(0)
        model = L.nn.Linear(2, 1, dtype=L.float64)
        opt = L.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01)
        for _ in range(3):
            model(L.ones(4, 2, dtype=L.float64)).pow(2).sum().backward()
            opt.step()
            opt.zero_grad()
        out[L.__name__] = opt.state_dict()
    a, b = out["minigrad"], out["torch"]
    assert a["param_groups"] == b["param_groups"]
    assert a["state"].keys() == b["state"].keys()
    for k in a["state"]:
        assert_close(to_numpy(a["state"][k]["momentum_buffer"]), to_numpy(b["state"][k]["momentum_buffer"]))


def test_param_groups_with_their_own_lr_match_torch() -> None:
    outs = {}
    for L in (minigrad, torch):
        L.manual_seed(1)
        model = L.nn.Sequential(L.nn.Linear(2, 2, dtype=L.float64), L.nn.Linear(2, 1, dtype=L.float64))
        opt = L.optim.SGD([{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 0.5}],
                          lr=0.01, momentum=0.5)
        assert [g["lr"] for g in opt.param_groups] == [0.01, 0.5]
        assert all(g["momentum"] == 0.5 for g in opt.param_groups)
        for _ in range(4):
            model(L.ones(3, 2, dtype=L.float64)).sum().backward()
            opt.step()
            opt.zero_grad()
        outs[L.__name__] = [p.detach() for p in model.parameters()]
    for a, b in zip(outs["minigrad"], outs["torch"]):
        assert_close(to_numpy(a), to_numpy(b))


def test_parameters_without_gradient_are_left_alone_like_torch() -> None:
    for L in (minigrad, torch):
        a, b = L.nn.Parameter(L.ones(2)), L.nn.Parameter(L.ones(2))
        opt = L.optim.SGD([a, b], lr=0.1, momentum=0.9)
        (a * 2).sum().backward()
        opt.step()
        assert a.tolist() == pytest.approx([0.8, 0.8]) and b.tolist() == [1.0, 1.0]
        assert b not in opt.state or "momentum_buffer" not in opt.state[b]


def test_step_runs_without_recording_a_graph_and_zero_grad_modes() -> None:
    for L in (minigrad, torch):
        p = L.nn.Parameter(L.ones(2))
        opt = L.optim.SGD([p], lr=0.1)
        (p * 3).sum().backward()
        opt.step()
        assert p.is_leaf and p.grad_fn is None and p.requires_grad
        opt.zero_grad(set_to_none=False)
        assert p.grad is not None and p.grad.tolist() == [0.0, 0.0]
        opt.zero_grad()
        assert p.grad is None


BAD = {
    "negative_lr": dict(lr=-1), "negative_momentum": dict(lr=0.1, momentum=-0.1),
    "negative_weight_decay": dict(lr=0.1, weight_decay=-0.1), "nesterov_no_momentum": dict(lr=0.1, nesterov=True),
    "nesterov_dampening": dict(lr=0.1, momentum=0.9, dampening=0.5, nesterov=True),
}


@pytest.mark.parametrize("name", list(BAD))
def test_sgd_argument_checks_match_torch(name: str) -> None:
    assert_same_error(lambda: minigrad.optim.SGD([minigrad.nn.Parameter(minigrad.ones(1))], **BAD[name]),
                      lambda: torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], **BAD[name]))


def test_sgd_refuses_bad_parameter_lists_like_torch() -> None:
    assert_same_error(lambda: minigrad.optim.SGD([], lr=0.1), lambda: torch.optim.SGD([], lr=0.1))
    assert_same_error(lambda: minigrad.optim.SGD(iter([]), lr=0.1), lambda: torch.optim.SGD(iter([]), lr=0.1))
    p, q = minigrad.nn.Parameter(minigrad.ones(1)), torch.nn.Parameter(torch.ones(1))
    assert_same_error(lambda: minigrad.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1),
                      lambda: torch.optim.SGD([{"params": [q]}, {"params": [q]}], lr=0.1))


@pytest.mark.parametrize("shape", [(), (1,), (1, 1), (3,), (2, 3)])
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float16", "float16"), ("float64", "float64"),
                                    ("float32", "float64")])
def test_assign_sub_writes_in_place_like_numpy_for_every_size(shape: tuple[int, ...], dtypes: tuple[str, str]) -> None:
    """The optimizers' write primitive (its one-element path avoids numpy's slow in-place ufunc): the same bits
    as ``a -= delta``, in the tensor's own memory (a view sees it), and one version bump."""
    from minigrad._tensor_base import assign_sub

    rng = np.random.default_rng(0)
    data = rng.standard_normal(shape).astype(dtypes[0])
    delta = (rng.standard_normal(shape) * 1e-3).astype(dtypes[1])
    t = minigrad.from_numpy(data.copy())
    view = t.view(-1)
    memory, version = t._data, t._version
    assign_sub(t, delta)
    expected = data.copy()
    expected -= delta
    assert t._data is memory and t._data.dtype == expected.dtype
    np.testing.assert_array_equal(t._data, expected)
    np.testing.assert_array_equal(view._data, expected.reshape(-1))
    assert t._version == version + 1
