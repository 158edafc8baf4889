"""Grad mode (``no_grad``, ``enable_grad``, ``set_grad_enabled``) is thread-local, as in torch.

Every scenario runs on torch and on minigrad (``lib``): two threads are made to overlap with a
``threading.Barrier`` — one computes while the other is *inside* its ``no_grad`` block — and each must see only
its own mode. New threads start with grad mode on whatever the starting thread's mode is. The last tests pin
torch behaviours of the decorators (bare @no_grad, generators, set_grad_enabled as a decorator).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis.extra import numpy as hnp

import minigrad as mg

LIBS = [pytest.param(torch, id="torch"), pytest.param(mg, id="minigrad")]
TIMEOUT = 30.0  # seconds a barrier waits before declaring the other thread dead


def _run_threads(*targets: Callable[[], None]) -> None:
    """Run ``targets`` in threads; re-raise the first exception any of them raised."""
    errors: list[BaseException] = []

    def wrap(fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except BaseException as e:
                errors.append(e)

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a thread hung"
    if errors:
        raise errors[0]


@pytest.mark.parametrize("lib", LIBS)
@given(values=hnp.arrays(np.float32, hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
                         elements={"min_value": -10, "max_value": 10}))
def test_no_grad_in_one_thread_does_not_leak_into_another(lib: ModuleType, values: np.ndarray) -> None:
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    seen: dict[str, Any] = {}

    def quiet() -> None:
        x = lib.tensor(values, requires_grad=True)
        with lib.no_grad():
            barrier.wait()  # 1: the other thread runs while this one is inside no_grad
            barrier.wait()  # 2: it has computed
            y = x * 2
            seen["quiet"] = (lib.is_grad_enabled(), y.requires_grad, y.grad_fn is None)
        barrier.wait()  # 3
        seen["quiet after"] = lib.is_grad_enabled()

    def busy() -> None:
        x = lib.tensor(values, requires_grad=True)
        barrier.wait()  # 1
        y = (x * 2).sum()
        seen["busy"] = (lib.is_grad_enabled(), y.requires_grad, y.grad_fn is not None)
        y.backward()
        seen["grad"] = x.grad.numpy().copy()
        barrier.wait()  # 2
        barrier.wait()  # 3

    _run_threads(quiet, busy)
    assert seen["quiet"] == (False, False, True)
    assert seen["quiet after"] is True
    assert seen["busy"] == (True, True, True)
    np.testing.assert_array_equal(seen["grad"], np.full(values.shape, 2, np.float32))
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("lib", LIBS)
def test_plain_set_grad_enabled_false_stays_in_its_thread(lib: ModuleType) -> None:
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    seen: dict[str, bool] = {}

    def off() -> None:
        lib.set_grad_enabled(False)  # a plain call, never restored: the thread just ends
        barrier.wait()
        barrier.wait()
        seen["off"] = lib.is_grad_enabled()

    def on() -> None:
        barrier.wait()
        seen["on"] = lib.is_grad_enabled()
        with lib.no_grad(), lib.enable_grad():
            seen["enable inside no_grad"] = lib.is_grad_enabled()
        barrier.wait()

    _run_threads(off, on)
    assert seen == {"off": False, "on": True, "enable inside no_grad": True}
    assert lib.is_grad_enabled()


@pytest.mark.parametrize("lib", LIBS)
def test_new_threads_start_enabled_whatever_the_parent_mode(lib: ModuleType) -> None:
    seen: list[bool] = []
    with lib.no_grad():
        _run_threads(lambda: seen.append(lib.is_grad_enabled()))
        assert not lib.is_grad_enabled()
    assert seen == [True]


@pytest.mark.parametrize("lib", LIBS)
def test_training_and_inference_threads_overlap(lib: ModuleType) -> None:
    """One thread trains (forward, backward, SGD step) while another runs inference under a ``@no_grad()``
    function, in lock step for 50 rounds: the training matches a single-threaded run exactly and the inference
    thread never records a graph."""
    rounds = 50
    x_np = np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2)
    y_np = (x_np @ np.array([[2.0], [-1.0]], np.float32)).astype(np.float32)

    def train(record: list[float]) -> Any:
        lib.manual_seed(0)
        model = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        x, y = lib.tensor(x_np), lib.tensor(y_np)
        for _ in range(rounds):
            loss = lib.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            opt.zero_grad()
            record.append(loss.item())
            yield

    reference: list[float] = []
    for _ in train(reference):
        pass

    barrier = threading.Barrier(2, timeout=TIMEOUT)
    threaded: list[float] = []
    leaks: list[bool] = []

    @lib.no_grad()
    def infer(w: Any) -> Any:
        barrier.wait()  # the trainer's forward/backward happen while this thread is in no_grad
        out = w * 3
        barrier.wait()
        return out

    def trainer() -> None:
        for _ in train(threaded):
            barrier.wait()
            barrier.wait()

    def inferrer() -> None:
        w = lib.ones(3, requires_grad=True)
        for _ in range(rounds):
            leaks.append(infer(w).requires_grad)

    _run_threads(trainer, inferrer)
    assert threaded == reference
    assert leaks == [False] * rounds


# ----------------------------------------------------------------------------------------- decorators vs torch
def _decorated_set_grad_enabled(lib: ModuleType) -> tuple[bool, bool, bool]:
    @lib.set_grad_enabled(False)
    def f() -> bool:
        return lib.is_grad_enabled()

    after_decorating = lib.is_grad_enabled()
    inside = f()
    lib.set_grad_enabled(True)
    return after_decorating, inside, lib.is_grad_enabled()


def test_set_grad_enabled_decorator_matches_torch_on_torch() -> None:
    assert _decorated_set_grad_enabled(torch) == (True, False, True)


def test_set_grad_enabled_decorator_restores_the_mode() -> None:
    try:
        assert _decorated_set_grad_enabled(mg) == (True, False, True)
    finally:
        mg.set_grad_enabled(True)


def _generator_mode(lib: ModuleType) -> list[bool]:
    @lib.no_grad()
    def gen() -> Any:
        yield lib.is_grad_enabled()
        yield lib.is_grad_enabled()

    it = gen()
    return [next(it), lib.is_grad_enabled(), next(it)]


def test_no_grad_generator_on_torch() -> None:
    assert _generator_mode(torch) == [False, True, False]


def test_no_grad_generator_body_runs_without_grad() -> None:
    assert _generator_mode(mg) == [False, True, False]


def test_bare_no_grad_decorator_and_bool_check_like_torch() -> None:
    @mg.no_grad
    def f() -> bool:
        return mg.is_grad_enabled()

    assert f() is False
    with pytest.raises(TypeError):
        mg.set_grad_enabled("yes")  # type: ignore[arg-type]
