"""Adam, AdamW, RMSprop and Adagrad against torch.optim (single-tensor path, torch's CPU default): 100 steps
with hypothesis-drawn options, state_dict round trips both ways, param groups, all-or-nothing steps, checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import assert_same_error
from minigrad.testing.tolerances import assert_close, training_tolerance

STEPS = 100
# Dependent float ops one update adds to a parameter's chain (the longest: Adam with amsgrad and weight decay:
# maximize, decay, lerp (3), v·β₂ + (1−β₂)g² (4), max, sqrt, division, + ε, (step·m)/d and the add (3)).
OPS_PER_STEP = 16

NAMES = ("Adam", "AdamW", "RMSprop", "Adagrad")


@st.composite
def options(draw: Any, name: str) -> dict[str, Any]:
    """Every option torch's update reads, drawn independently (hypothesis explores the combinations)."""
    opts: dict[str, Any] = {"lr": draw(st.sampled_from([1e-3, 1e-2, 0.05])),
                            "weight_decay": draw(st.sampled_from([0.0, 0.01, 0.1])),
                            "maximize": draw(st.booleans())}
    if name in ("Adam", "AdamW"):
        opts["amsgrad"] = draw(st.booleans())
        opts["betas"] = (draw(st.sampled_from([0.9, 0.3, 0.0])), draw(st.sampled_from([0.999, 0.9, 0.5])))
        opts["eps"] = draw(st.sampled_from([1e-8, 1e-3]))
    elif name == "RMSprop":
        opts["momentum"] = draw(st.sampled_from([0.0, 0.5, 0.9]))
        opts["centered"] = draw(st.booleans())
        opts["alpha"] = draw(st.sampled_from([0.99, 0.9, 0.3]))
        opts["eps"] = draw(st.sampled_from([1e-8, 1e-3]))
    else:
        opts["lr_decay"] = draw(st.sampled_from([0.0, 0.01, 0.5]))
        opts["initial_accumulator_value"] = draw(st.sampled_from([0.0, 0.1, 1.0]))
        opts["eps"] = draw(st.sampled_from([1e-10, 1e-4]))
    return opts


def _gradient(p: np.ndarray, target: np.ndarray, curvature: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The gradient of ½·Σ c·(p − t)² plus noise: computed by NumPy from each library's own parameter, so the
    two runs see the same gradient function and differ only by their optimizers."""
    return (curvature * (p - target) + noise).astype(p.dtype)


def _pair(name: str, opts: dict[str, Any], arrays: list[np.ndarray]) -> tuple[Any, Any, list[Any], list[Any]]:
    mg_params = [minigrad.nn.Parameter(minigrad.tensor(a.copy())) for a in arrays]
    th_params = [torch.nn.Parameter(torch.tensor(a.copy())) for a in arrays]
    return (getattr(minigrad.optim, name)(mg_params, **opts), getattr(torch.optim, name)(th_params, **opts),
            mg_params, th_params)


def _run(mg_opt: Any, th_opt: Any, mg_params: list[Any], th_params: list[Any], rng: np.random.Generator,
         steps: int, targets: list[np.ndarray], curv: list[np.ndarray]) -> float:
    """``steps`` lockstep updates; the largest parameter magnitude seen (the tolerance's scale)."""
    scale = 1.0
    for _ in range(steps):
        for pm, pt, t, c in zip(mg_params, th_params, targets, curv):
            noise = rng.normal(size=t.shape).astype(t.dtype)
            pm.grad = minigrad.tensor(_gradient(pm.detach().numpy(), t, c, noise))
            pt.grad = torch.tensor(_gradient(pt.detach().numpy(), t, c, noise))
        mg_opt.step()
        th_opt.step()
        scale = max(scale, *(float(np.abs(p.detach().numpy()).max()) for p in th_params))
    return scale


def _assert_same_state(mg_opt: Any, th_opt: Any, dtype: str, steps: int, scale: float) -> None:
    tol = training_tolerance(dtype, steps, OPS_PER_STEP, scale)
    sm, stt = mg_opt.state_dict(), th_opt.state_dict()
    assert sm["param_groups"] == stt["param_groups"]
    assert sorted(sm["state"]) == sorted(stt["state"])
    for idx, th_entry in stt["state"].items():
        mg_entry = sm["state"][idx]
        assert list(mg_entry) == list(th_entry)
        for key, tv in th_entry.items():
            mv = mg_entry[key]
            assert mv.dtype.scalar_name == str(tv.dtype).removeprefix("torch.").capitalize() or \
                str(mv.dtype).replace("minigrad", "torch") == str(tv.dtype), (key, mv.dtype, tv.dtype)
            assert mv.shape == tuple(tv.shape)
            a, e = mv.detach().numpy().astype(np.float64), tv.detach().numpy().astype(np.float64)
            ok = np.abs(a - e) <= tol.atol * max(1.0, float(np.abs(e).max(initial=0))) + tol.rtol * np.abs(e)
            assert ok.all(), f"state[{idx}][{key!r}] differs: {a} vs {e} ({tol.reason})"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@given(data=st.data())
def test_optimizer_matches_torch_over_100_steps(name: str, dtype: str, data: Any) -> None:
    opts = data.draw(options(name))
    seed = data.draw(st.integers(0, 2**31 - 1))
    shapes = data.draw(st.lists(st.sampled_from([(3,), (2, 3), (1,), (4, 1, 2)]), min_size=1, max_size=3))
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s).astype(dtype) for s in shapes]
    targets = [rng.normal(size=s).astype(dtype) for s in shapes]
    curv = [rng.uniform(0.1, 2.0, size=s).astype(dtype) for s in shapes]
    mg_opt, th_opt, mg_params, th_params = _pair(name, opts, arrays)
    scale = _run(mg_opt, th_opt, mg_params, th_params, rng, STEPS, targets, curv)
    tol = training_tolerance(dtype, STEPS, OPS_PER_STEP, scale)
    for pm, pt in zip(mg_params, th_params):
        assert pm.dtype.scalar_name == {"float64": "Double", "float32": "Float"}[dtype]
        a, e = pm.detach().numpy(), pt.detach().numpy()
        ok = np.abs(a.astype(np.float64) - e) <= tol.atol + tol.rtol * np.abs(e)
        assert ok.all(), f"{name}{opts}: max |Δ| {np.abs(a - e).max()} ({tol.reason})"
    _assert_same_state(mg_opt, th_opt, dtype, STEPS, scale)


def _to_torch(obj: Any) -> Any:
    if isinstance(obj, minigrad.Tensor):
        return torch.from_numpy(obj.detach().numpy().copy())
    if isinstance(obj, dict):
        return {k: _to_torch(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_torch(v) for v in obj]
    return obj


def _to_minigrad(obj: Any) -> Any:
    if isinstance(obj, torch.Tensor):
        return minigrad.tensor(obj.detach().numpy().copy())
    if isinstance(obj, dict):
        return {k: _to_minigrad(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_minigrad(v) for v in obj]
    return obj


@pytest.mark.parametrize("name,opts", [
    ("Adam", {"amsgrad": True, "weight_decay": 0.1}), ("AdamW", {"lr": 0.01}),
    ("RMSprop", {"momentum": 0.9, "centered": True}), ("Adagrad", {"lr_decay": 0.1, "initial_accumulator_value": 0.5}),
])
@pytest.mark.parametrize("direction", ["torch_to_minigrad", "minigrad_to_torch"])
def test_state_dict_round_trips_with_torch(name: str, opts: dict[str, Any], direction: str) -> None:
    """Train 7 steps in one library, move params and optimizer state to a fresh optimizer of the other, then
    both continue 7 steps from the same point and end at the same numbers."""
    rng = np.random.default_rng(1)
    shapes = [(3, 2), (2,)]
    arrays = [rng.normal(size=s) for s in shapes]
    targets, curv = [rng.normal(size=s) for s in shapes], [rng.uniform(0.5, 1.5, size=s) for s in shapes]
    mg_opt, th_opt, mg_params, th_params = _pair(name, opts, arrays)
    _run(mg_opt, th_opt, mg_params, th_params, rng, 7, targets, curv)
    if direction == "torch_to_minigrad":
        moved = [minigrad.nn.Parameter(minigrad.tensor(p.detach().numpy().copy())) for p in th_params]
        fresh = getattr(minigrad.optim, name)(moved, **opts)
        fresh.load_state_dict(_to_minigrad(th_opt.state_dict()))
        mg_opt, mg_params = fresh, moved
    else:
        moved_t = [torch.nn.Parameter(torch.tensor(p.detach().numpy().copy())) for p in mg_params]
        fresh_t = getattr(torch.optim, name)(moved_t, **opts)
        fresh_t.load_state_dict(_to_torch(mg_opt.state_dict()))
        th_opt, th_params = fresh_t, moved_t
    assert mg_opt.state_dict()["state"][0]["step"].dtype == minigrad.float32  # torch keeps step float32
    scale = _run(mg_opt, th_opt, mg_params, th_params, rng, 7, targets, curv)
    _assert_same_state(mg_opt, th_opt, "float64", 14, scale)
    for pm, pt in zip(mg_params, th_params):
        assert_close(pm.detach().numpy(), pt.detach().numpy(), dtype="float64")


def test_adagrad_state_exists_before_the_first_step_and_for_a_new_group() -> None:
    a, b = np.ones(3), np.full(2, 2.0)
    mg_opt, th_opt, mg_params, th_params = _pair("Adagrad", {"initial_accumulator_value": 0.25}, [a])
    mg_new, th_new = minigrad.nn.Parameter(minigrad.tensor(b)), torch.nn.Parameter(torch.tensor(b))
    mg_opt.add_param_group({"params": [mg_new], "lr": 0.5})
    th_opt.add_param_group({"params": [th_new], "lr": 0.5})
    assert list(mg_opt.state_dict()["state"]) == list(th_opt.state_dict()["state"]) == [0]
    for p, q in ((mg_new, th_new), (mg_params[0], th_params[0])):
        p.grad, q.grad = minigrad.tensor(np.full(p.shape, 0.5)), torch.full(tuple(q.shape), 0.5, dtype=torch.float64)
    mg_opt.step()
    th_opt.step()
    _assert_same_state(mg_opt, th_opt, "float64", 1, 2.0)
    assert_close(mg_new.detach().numpy(), th_new.detach().numpy(), dtype="float64")


@pytest.mark.parametrize("name", NAMES)
def test_per_group_options_and_zero_grad(name: str) -> None:
    rng = np.random.default_rng(2)
    arrays = [rng.normal(size=(2, 2)), rng.normal(size=3)]
    mg_p = [minigrad.nn.Parameter(minigrad.tensor(a)) for a in arrays]
    th_p = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    mg_opt = getattr(minigrad.optim, name)([{"params": [mg_p[0]]}, {"params": [mg_p[1]], "lr": 0.3,
                                                                    "weight_decay": 0.2}], lr=0.05)
    th_opt = getattr(torch.optim, name)([{"params": [th_p[0]]}, {"params": [th_p[1]], "lr": 0.3,
                                                                 "weight_decay": 0.2}], lr=0.05)
    assert [{k: v for k, v in g.items() if k != "params"} for g in mg_opt.param_groups] == \
        [{k: v for k, v in g.items() if k != "params"} for g in th_opt.param_groups]
    for _ in range(5):
        for pm, pt in zip(mg_p, th_p):
            g = rng.normal(size=pm.shape)
            pm.grad, pt.grad = minigrad.tensor(g), torch.tensor(g)
        mg_opt.step()
        th_opt.step()
    for pm, pt in zip(mg_p, th_p):
        assert_close(pm.detach().numpy(), pt.detach().numpy(), dtype="float64", n_ops=5 * OPS_PER_STEP)
    mg_opt.zero_grad(set_to_none=False)
    th_opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.detach().numpy().any() for p in mg_p)
    mg_opt.zero_grad()
    assert all(p.grad is None for p in mg_p)
    assert str(mg_opt) == str(th_opt)


@pytest.mark.parametrize("name", NAMES)
def test_step_is_all_or_nothing(name: str) -> None:
    """A bad gradient on the second parameter: torch updates the first (or fails mid-kernel); minigrad checks
    everything first and leaves every parameter and the state as they were."""
    p = minigrad.nn.Parameter(minigrad.tensor([1.0, 2.0]))
    q = minigrad.nn.Parameter(minigrad.tensor([3.0, 4.0]))
    opt = getattr(minigrad.optim, name)([p, q], lr=0.1)
    before = {k: dict(v) for k, v in opt.state.items()}
    p.grad = minigrad.tensor([1.0, 1.0])
    q.grad = minigrad.tensor([1.0, 1.0, 1.0])
    with pytest.raises(RuntimeError, match="does not match"):
        opt.step()
    assert p.tolist() == [1.0, 2.0] and q.tolist() == [3.0, 4.0]
    assert {k: dict(v) for k, v in opt.state.items()} == before
    opt.param_groups[0]["lr"] = "0.1"
    q.grad = minigrad.tensor([1.0, 1.0])
    with pytest.raises(TypeError):
        opt.step()
    assert p.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("call", [
    lambda L, p: L.optim.Adam([p], lr=-1.0), lambda L, p: L.optim.Adam([p], eps=-1.0),
    lambda L, p: L.optim.Adam([p], betas=(1.0, 0.9)), lambda L, p: L.optim.Adam([p], betas=(0.9, -0.1)),
    lambda L, p: L.optim.Adam([p], betas=(0, 0.9)), lambda L, p: L.optim.AdamW([p], weight_decay=-1.0),
    lambda L, p: L.optim.RMSprop([p], alpha=-1.0), lambda L, p: L.optim.RMSprop([p], momentum=-0.5),
    lambda L, p: L.optim.Adagrad([p], lr_decay=-1.0), lambda L, p: L.optim.Adagrad([p], initial_accumulator_value=-1),
    lambda L, p: L.optim.Adagrad([p], eps=-1.0), lambda L, p: L.optim.Adam([]),
])
def test_argument_errors_match_torch(call: Any) -> None:
    assert_same_error(lambda: call(minigrad, minigrad.nn.Parameter(minigrad.ones(2))),
                      lambda: call(torch, torch.nn.Parameter(torch.ones(2))))


def test_version_counter_and_closure() -> None:
    p = minigrad.nn.Parameter(minigrad.tensor([1.0, 2.0]))
    opt = minigrad.optim.Adam([p])
    y = p * p  # saves p for backward

    def closure() -> Any:
        opt.zero_grad()
        loss = (p * 3).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("name", NAMES)
def test_torch_foreach_path_agrees_too(name: str) -> None:
    """torch's default on CPU is the single-tensor path (foreach=None resolves to it); its foreach=True path
    gives the same numbers here, so minigrad matches both within the policy."""
    rng = np.random.default_rng(5)
    arrays = [rng.normal(size=(40, 3)), rng.normal(size=7)]
    targets, curv = [rng.normal(size=a.shape) for a in arrays], [rng.uniform(0.5, 2, size=a.shape) for a in arrays]
    mg_opt, _, mg_params, _ = _pair(name, {"lr": 0.02}, arrays)
    th_params = [torch.nn.Parameter(torch.tensor(a.copy())) for a in arrays]
    th_opt = getattr(torch.optim, name)(th_params, lr=0.02, foreach=True)
    scale = _run(mg_opt, th_opt, mg_params, th_params, rng, 50, targets, curv)
    tol = training_tolerance("float64", 50, OPS_PER_STEP, scale)
    for pm, pt in zip(mg_params, th_params):
        a, e = pm.detach().numpy(), pt.detach().numpy()
        assert (np.abs(a - e) <= tol.atol + tol.rtol * np.abs(e)).all(), f"max |Δ| {np.abs(a - e).max()}"


@pytest.mark.parametrize("suffix", [".safetensors", ".pt"])
def test_adam_state_through_minigrad_save_and_load(tmp_path: Any, suffix: str) -> None:
    p = minigrad.nn.Parameter(minigrad.tensor([1.0, -2.0, 3.0]))
    opt = minigrad.optim.Adam([p], lr=0.1, amsgrad=True)
    for _ in range(3):
        p.grad = minigrad.tensor([0.5, -1.0, 2.0])
        opt.step()
    minigrad.save(opt.state_dict(), tmp_path / f"adam{suffix}")
    q = minigrad.nn.Parameter(minigrad.tensor(p.tolist()))
    opt2 = minigrad.optim.Adam([q], lr=0.1, amsgrad=True)
    opt2.load_state_dict(minigrad.load(tmp_path / f"adam{suffix}"))
    for o, t in ((opt, p), (opt2, q)):
        t.grad = minigrad.tensor([1.0, 1.0, 1.0])
        o.step()
    assert p.tolist() == q.tolist()
    assert opt2.state_dict()["state"][0]["step"].item() == 4.0
    assert opt2.state_dict()["state"][0]["step"].dtype == minigrad.float32
