"""Anomaly detection (``minigrad.autograd.detect_anomaly`` / ``set_detect_anomaly``) against torch.

Each scenario is one function run twice, with ``lib = torch`` and ``lib = minigrad``: both must fail (or not)
the same way, with the same first line ("Function 'LogBackward0' returned nan values in its 0th output."),
and minigrad's error must also show the forward call that made the node: this file, the line marked
``# <- anomaly``, and its code. The mode's switches (context manager, plain call, decorator, global across
threads like torch) and its zero cost when off are checked too.
"""

from __future__ import annotations

import gc
import inspect
import threading
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any, ClassVar

import numpy as np
import pytest
import torch

import minigrad as mg
from minigrad.autograd import anomaly, detect_anomaly, engine, function, is_anomaly_enabled, set_detect_anomaly

# ----------------------------------------------------------------------------------------- scenarios
# Each builds a loss with ``lib`` (torch or minigrad) whose backward produces NaN at the line marked
# "# <- anomaly", and returns the loss.


def log_of_negative(lib: ModuleType) -> Any:
    x = lib.tensor([-1.0, 2.0], requires_grad=True)
    y = lib.log(x)  # log(-1) = nan in the forward; its own backward (1/x) is finite
    return (y * y).sum()  # <- anomaly: MulBackward0 sends grad·y = nan


def log_of_log(lib: ModuleType) -> Any:
    x = lib.tensor([0.5, 2.0], requires_grad=True)
    inner = lib.log(lib.log(x) - 1)  # log of a negative: nan
    return lib.log(inner).sum()  # <- anomaly: LogBackward0 sends 1/nan


def zero_times_inf(lib: ModuleType) -> Any:
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    x = lib.tensor([float("inf"), 1.0])
    y = x * w  # <- anomaly: dL/dw = 0·inf = nan (its 1th output: w is the second operand)
    return y.sum() * 0


def sqrt_at_zero(lib: ModuleType) -> Any:
    a = lib.tensor([0.0, 4.0], requires_grad=True)
    b = lib.sqrt(a)  # <- anomaly: 0 / (2·√0) = nan
    return (b * 0).sum()


def broadcast_cancels(lib: ModuleType) -> Any:
    x = lib.tensor([1.0], requires_grad=True)
    t = lib.tensor([float("inf"), -float("inf")])
    return (x * t).sum()  # <- anomaly: dL/dx = inf + (-inf) once reduced to x's shape


def linear_weight(lib: ModuleType) -> Any:
    lin = lib.nn.Linear(2, 1)
    inp = lib.tensor([[float("inf"), 1.0]])
    out = lin(inp)  # <- anomaly: AddmmBackward0's 2th output, dL/dWᵀ = xᵀ·0 = nan
    return out.sum() * 0


class _Bad:
    """A user Function whose backward returns NaN, built for either library."""

    cache: ClassVar[dict[str, Any]] = {}

    @classmethod
    def of(cls, lib: ModuleType) -> Any:
        if lib.__name__ not in cls.cache:

            class Bad(lib.autograd.Function):
                @staticmethod
                def forward(ctx: Any, x: Any) -> Any:
                    return x * 2

                @staticmethod
                def backward(ctx: Any, grad: Any) -> Any:
                    return grad * float("nan")

            cls.cache[lib.__name__] = Bad
        return cls.cache[lib.__name__]


def user_function(lib: ModuleType) -> Any:
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = _Bad.of(lib).apply(x)  # <- anomaly: BadBackward returns nan
    return y.sum()


class _Nested:
    """A two-level model: the anomaly is reported at the user's line inside ``forward``, not in minigrad."""

    @staticmethod
    def build(lib: ModuleType) -> Any:
        class Inner(lib.nn.Module):
            def forward(self, x: Any) -> Any:
                return lib.sqrt(x)  # <- anomaly

        class Outer(lib.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = Inner()

            def forward(self, x: Any) -> Any:
                return self.inner(x) * 0

        return Outer()


def nested_module(lib: ModuleType) -> Any:
    return _Nested.build(lib)(lib.tensor([0.0], requires_grad=True)).sum()


SCENARIOS: list[Callable[[ModuleType], Any]] = [
    log_of_negative, log_of_log, zero_times_inf, sqrt_at_zero, broadcast_cancels, linear_weight, user_function,
    nested_module,
]


def _marked_line(fn: Callable[..., Any]) -> tuple[int, str]:
    """(line number, code) of the line marked ``# <- anomaly`` in ``fn`` (or in the class it uses)."""
    target = _Nested.build if fn is nested_module else fn
    lines, start = inspect.getsourcelines(target)
    for i, line in enumerate(lines):
        if "# <- anomaly" in line:
            return start + i, line.split("#")[0].strip()
    raise AssertionError(f"no marked line in {fn.__name__}")


def _run(lib: ModuleType, scenario: Callable[[ModuleType], Any]) -> RuntimeError:
    """Build and backward ``scenario`` under anomaly mode; return the RuntimeError it must raise."""
    mode = torch.autograd.set_detect_anomaly(True) if lib is torch else set_detect_anomaly(True)
    with mode, warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        loss = scenario(lib)
        with pytest.raises(RuntimeError) as info:
            loss.backward()
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert any(m.startswith("Error detected in ") for m in messages), messages
    return info.value


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_nan_is_reported_at_the_node_torch_names(scenario: Callable[[ModuleType], Any]) -> None:
    expected = str(_run(torch, scenario))
    actual = str(_run(mg, scenario))
    assert actual.splitlines()[0] == expected, (actual, expected)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_the_error_shows_the_forward_line(scenario: Callable[[ModuleType], Any]) -> None:
    message = str(_run(mg, scenario))
    line, code = _marked_line(scenario)
    assert "Traceback of forward call that caused the error:" in message
    trace = message.split("Traceback of forward call that caused the error:")[1]
    last_file_line = [s for s in trace.splitlines() if s.strip().startswith("File ")][-1]
    assert last_file_line.strip().startswith(f'File "{__file__}", line {line}'), trace
    assert code in trace
    assert "minigrad/autograd" not in trace and "minigrad/ops" not in trace  # the user's frames, not ours


def test_the_warning_matches_torch_and_carries_the_trace() -> None:
    with set_detect_anomaly(True), np.errstate(all="ignore"):
        loss = log_of_log(mg)
        with pytest.warns(UserWarning, match=r"Error detected in LogBackward0. Traceback of forward call that "
                                             "caused the error:\n  File") as record, pytest.raises(RuntimeError):
            loss.backward()
    line, _ = _marked_line(log_of_log)
    assert any(f"line {line}" in str(w.message) for w in record)


def test_forward_outside_the_mode_gives_torch_s_no_information_warning() -> None:
    for lib, mode in ((torch, torch.autograd.set_detect_anomaly), (mg, set_detect_anomaly)):
        with np.errstate(all="ignore"):
            loss = log_of_log(lib)
        with mode(True), np.errstate(all="ignore"), pytest.warns(UserWarning, match=r"No forward pass information"):
            with pytest.raises(RuntimeError, match=r"^Function 'LogBackward0' returned nan values in its 0th "
                                                   "output.$"):
                loss.backward()


def test_check_nan_false_and_infinities_are_not_anomalies() -> None:
    for lib, mode in ((torch, torch.autograd.set_detect_anomaly), (mg, set_detect_anomaly)):
        with mode(True, check_nan=False), np.errstate(all="ignore"):
            a = lib.tensor([0.0], requires_grad=True)
            (lib.sqrt(a) * 0).sum().backward()
            assert np.isnan(a.grad.numpy()).all()
        with mode(True), np.errstate(all="ignore"):
            a = lib.tensor([0.0], requires_grad=True)
            lib.sqrt(a).sum().backward()  # inf, not nan
            assert np.isinf(a.grad.numpy()).all()


def test_no_error_without_the_mode() -> None:
    with np.errstate(all="ignore"):
        loss = log_of_log(mg)
        loss.backward()  # NaN gradients, silently, as in torch


# ----------------------------------------------------------------------------------------- the switches
def test_switches_restore_the_previous_mode() -> None:
    assert not is_anomaly_enabled()
    set_detect_anomaly(True)
    try:
        assert is_anomaly_enabled()
        with set_detect_anomaly(False):
            assert not is_anomaly_enabled()
        assert is_anomaly_enabled()
    finally:
        set_detect_anomaly(False)
    assert not is_anomaly_enabled()
    with pytest.warns(UserWarning, match=r"Anomaly Detection has been enabled"):
        ctx = detect_anomaly()
    with ctx:
        assert is_anomaly_enabled() and anomaly.is_anomaly_check_nan_enabled()
        with detect_anomaly(check_nan=False):
            assert is_anomaly_enabled() and not anomaly.is_anomaly_check_nan_enabled()
        assert anomaly.is_anomaly_check_nan_enabled()
    assert not is_anomaly_enabled()


def test_detect_anomaly_as_a_decorator() -> None:
    with pytest.warns(UserWarning):

        @detect_anomaly()
        def train_step() -> bool:
            return is_anomaly_enabled()

    assert not is_anomaly_enabled()
    assert train_step()
    assert not is_anomaly_enabled()


def test_mode_is_global_across_threads_like_torch() -> None:
    """torch's anomaly flag is one process-wide flag: a thread sees what another set. minigrad mirrors it."""
    for enable, query in ((torch.autograd.set_detect_anomaly, torch.is_anomaly_enabled),
                          (set_detect_anomaly, is_anomaly_enabled)):
        seen: list[bool] = []
        with enable(True):
            t = threading.Thread(target=lambda q=query, out=seen: out.append(q()))
            t.start()
            t.join()
        assert seen == [True]


def test_zero_cost_when_off_observers_registered_only_while_on() -> None:
    before = (list(function.creation_observers), list(engine.node_observers))
    assert anomaly._record_forward not in before[0] and anomaly._check_node not in before[1]
    with set_detect_anomaly(True):
        assert anomaly._record_forward in function.creation_observers
        assert anomaly._check_node in engine.node_observers
        with set_detect_anomaly(True, check_nan=False):
            assert anomaly._check_node not in engine.node_observers
            assert anomaly._record_forward in function.creation_observers
        with set_detect_anomaly(True):  # re-entering does not register twice
            assert function.creation_observers.count(anomaly._record_forward) == 1
    assert (function.creation_observers, engine.node_observers) == before
    x = mg.tensor([1.0], requires_grad=True)
    y = mg.exp(x)
    assert anomaly.forward_trace(y.grad_fn) is None  # nothing recorded while off


def test_traces_are_freed_with_the_graph() -> None:
    """Recording stacks must not keep graphs (or their traces) alive: anomaly mode does not leak."""
    with set_detect_anomaly(True):
        for _ in range(50):
            x = mg.tensor([1.0, 2.0], requires_grad=True)
            loss = (mg.exp(x) * 3).sum()
            assert anomaly.forward_trace(loss.grad_fn) is not None
            loss.backward()
        del x, loss
    gc.collect()
    assert len(anomaly._traces) == 0
