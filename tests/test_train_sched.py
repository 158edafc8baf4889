"""lr_scheduler against torch.optim.lr_scheduler: 50 epochs of learning rates, state dicts, the warnings."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import warnings_of

EPOCHS = 50


def _opt(lib: Any, lrs: list[float]) -> Any:
    groups = [{"params": [lib.nn.Parameter(lib.zeros(2))], "lr": lr} for lr in lrs]
    return lib.optim.SGD(groups, lr=0.1, momentum=0.9)


@st.composite
def schedulers(draw: Any) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR"]))
    gamma = draw(st.sampled_from([0.1, 0.5, 0.9, 0.99]))
    if name == "StepLR":
        return name, {"step_size": draw(st.integers(1, 20)), "gamma": gamma}
    if name == "MultiStepLR":
        return name, {"milestones": draw(st.lists(st.integers(1, 60), max_size=5)), "gamma": gamma}
    if name == "ExponentialLR":
        return name, {"gamma": gamma}
    if name == "CosineAnnealingLR":
        return name, {"T_max": draw(st.integers(1, 30)), "eta_min": draw(st.sampled_from([0.0, 1e-4, 0.01]))}
    power = draw(st.sampled_from([0.95, 0.5]))
    return name, {"lr_lambda": lambda e: power ** e / (1 + e % 3)}


@given(spec=schedulers(), lrs=st.lists(st.sampled_from([0.1, 0.03, 1.0]), min_size=1, max_size=3))
def test_scheduler_lrs_match_torch_over_50_epochs(spec: tuple[str, dict[str, Any]], lrs: list[float]) -> None:
    name, kwargs = spec
    runs = []
    for lib in (minigrad, torch):
        opt = _opt(lib, lrs)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
        seen = [sched.get_last_lr()]
        for _ in range(EPOCHS):
            opt.step()
            sched.step()
            seen.append(sched.get_last_lr())
            assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
        runs.append((seen, {k: v for k, v in sched.state_dict().items()}))
    (mg_lrs, mg_state), (th_lrs, th_state) = runs
    assert mg_lrs == th_lrs  # exactly: the same double-precision formulas in the same order
    assert mg_state == th_state


@given(mode=st.sampled_from(["min", "max"]), threshold_mode=st.sampled_from(["rel", "abs"]),
       patience=st.integers(0, 4), cooldown=st.integers(0, 3), factor=st.sampled_from([0.1, 0.5]),
       metrics=st.lists(st.floats(-2, 2, allow_nan=False), min_size=EPOCHS, max_size=EPOCHS))
def test_reduce_on_plateau_matches_torch(mode: str, threshold_mode: str, patience: int, cooldown: int,
                                         factor: float, metrics: list[float]) -> None:
    runs = []
    for lib in (minigrad, torch):
        opt = _opt(lib, [0.1, 0.5])
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, mode=mode, threshold_mode=threshold_mode,
                                                         patience=patience, cooldown=cooldown, factor=factor,
                                                         min_lr=[1e-3, 0.0])
        seen = []
        for m in metrics:
            opt.step()
            sched.step(lib.tensor(m))
            seen.append(sched.get_last_lr())
        runs.append((seen, sched.state_dict()))
    assert runs[0] == runs[1]


def test_warning_when_scheduler_steps_before_optimizer() -> None:
    def run(lib: Any) -> Any:
        opt = _opt(lib, [0.1])
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        return warnings_of(sched.step) + warnings_of(sched.step) + warnings_of(lambda: sched.step(5)) + \
            warnings_of(sched.get_lr)

    mg, th = run(minigrad), run(torch)
    assert mg == th and len(th) == 3


def test_no_warning_in_the_right_order_and_overridden_step() -> None:
    def run(lib: Any, override: bool) -> Any:
        opt = _opt(lib, [0.1])
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        if override:
            opt.step = lambda: None
        return warnings_of(lambda: (opt.step(), sched.step()))

    for override in (False, True):
        assert run(minigrad, override) == run(torch, override)


def test_state_dict_loads_across_libraries_and_resumes() -> None:
    lrs = []
    for lib, other in ((minigrad, torch), (torch, minigrad)):
        opt = _opt(lib, [0.1])
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=7)
        for _ in range(4):
            opt.step()
            sched.step()
        state = sched.state_dict()
        opt2 = _opt(other, [0.1])
        opt2.param_groups[0]["lr"] = opt.param_groups[0]["lr"]
        sched2 = other.optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=7)
        sched2.load_state_dict(state)
        for _ in range(10):
            opt2.step()
            sched2.step()
        lrs.append(sched2.get_last_lr())
    assert lrs[0] == lrs[1]


@pytest.mark.parametrize("make", [
    lambda L, o: L.optim.lr_scheduler.StepLR(o, 2, last_epoch=3),
    lambda L, o: L.optim.lr_scheduler.ReduceLROnPlateau(o, factor=1.0),
    lambda L, o: L.optim.lr_scheduler.ReduceLROnPlateau(o, mode="up"),
    lambda L, o: L.optim.lr_scheduler.LambdaLR(o, [lambda e: 1.0, lambda e: 2.0]),
    lambda L, o: L.optim.lr_scheduler.StepLR(object(), 2),
])
def test_scheduler_errors_match_torch(make: Any) -> None:
    from minigrad.testing import assert_same_error

    assert_same_error(lambda: make(minigrad, _opt(minigrad, [0.1])), lambda: make(torch, _opt(torch, [0.1])))
