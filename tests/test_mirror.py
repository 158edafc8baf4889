"""The step-by-step mirror (minigrad.testing.mirror): the three seed pipelines for 100 epochs on both engines,
its verdicts on planted bugs, its start checks, its generic API and the training tolerance it applies.

Every expected value is torch's, computed in the test by torch itself (the torch_ref pipelines run inside
``run_mirror``); every tolerance is ``training_tolerance`` from minigrad/testing/tolerances.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import minigrad
from minigrad.examples import EXAMPLES, load, make_pipelines
from minigrad.testing.mirror import MirrorTrace, Pipeline, assert_mirrored, copy_parameters, run_mirror
from minigrad.testing.tolerances import TOLERANCES, training_ops, training_tolerance


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_tutorial_settings_100_epochs(name: str, dtype: str) -> None:
    """The tutorials as written (lr 0.01, 100 epochs, mean reduction): every step within tolerance."""
    mg, th = make_pipelines(name, dtype=dtype, seed=0)
    trace = run_mirror(mg, th, 100)
    assert len(trace.steps) == 100 and trace.dtype == dtype
    assert_mirrored(trace)
    assert trace.ok and trace.first_divergent_step is None and trace.verdict().startswith("PASS: all 100 steps")
    n_params = len(trace.initial_params)
    assert all(len(r.comparisons) == 1 + 2 * n_params for r in trace.steps)  # loss, each grad, each param
    # torch really trained (the comparison is not between two idle models)
    _, t_loss = trace.losses()
    assert t_loss[-1] < t_loss[0]
    assert not np.array_equal(trace.final_params()[next(iter(trace.initial_params))][1],
                              next(iter(trace.initial_params.values())))


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_mirror_runs_the_tutorial_loop(name: str) -> None:
    """The mirror's step is the examples' ``train_step`` (forward, loss, backward, step, zero_grad): running
    each example's own ``train_step`` on a fresh pipeline gives bit-identical parameters on each engine."""
    mine, ref = load(name)
    mg, th = make_pipelines(name, seed=3)
    trace = run_mirror(mg, th, 7)
    mg2, th2 = make_pipelines(name, seed=3)
    for _ in range(7):
        mine.train_step(mg2.model, mg2.criterion, mg2.optimizer, mg2.inputs, mg2.targets)
        ref.train_step(th2.model, th2.criterion, th2.optimizer, th2.inputs, th2.targets)
    for pname, p in mg2.model.named_parameters():
        assert np.array_equal(p.detach().numpy(), trace.final_params()[pname][0])
    for pname, p in th2.model.named_parameters():
        assert np.array_equal(p.detach().numpy(), trace.final_params()[pname][1])


class _ScaledGrad(minigrad.autograd.Function):
    """Identity forward, backward scaled by ``factor``: a planted gradient bug."""

    factor = 1.0 + 1e-3

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        return x.clone()

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        return grad * _ScaledGrad.factor


def test_planted_gradient_bug_is_reported_at_step_0() -> None:
    """A backward that is off by 0.1% leaves the loss intact at step 0 but not the gradients: the report names
    step 0, the gradient, the element, both values, the tolerance and its reason."""
    mg, th = make_pipelines("example2", seed=0)
    mg.loss_fn = lambda p: p.criterion(_ScaledGrad.apply(p.model(p.inputs)), p.targets)
    trace = run_mirror(mg, th, 5)
    assert not trace.ok and trace.first_divergent_step == 0
    first = trace.first_failure
    assert first is not None and first.kind == "grad"
    assert trace.steps[0].comparisons[0].kind == "loss" and trace.steps[0].comparisons[0].ok
    with pytest.raises(AssertionError) as err:
        assert_mirrored(trace)
    msg = str(err.value)
    for part in ("step 0", f"grad of {first.name}", f"element {first.index}", repr(first.torch_value),
                 repr(first.minigrad_value), "Tolerance: float32, 1 SGD step(s)"):
        assert part in msg, (part, msg)
    assert trace.verdict().startswith("FAIL: step 0 of 5")


def test_planted_learning_rate_bug_is_caught_in_float64_and_float32() -> None:
    """An optimizer whose lr is off by one part in 10⁶ passes every gradient at step 0 and fails the update."""
    for dtype in ("float32", "float64"):
        mg, th = make_pipelines("example1", dtype=dtype, seed=1)
        for g in mg.optimizer.param_groups:
            g["lr"] *= 1 + 1e-6 if dtype == "float64" else 1 + 1e-2
        trace = run_mirror(mg, th, 3)
        first = trace.first_failure
        assert first is not None and first.kind == "param" and trace.first_divergent_step == 0, trace.report()


def test_start_is_checked() -> None:
    """Different initial parameters (or data) are refused before step 0; copy_parameters makes them equal."""
    mg, _ = make_pipelines("example3", seed=0)
    _, th = make_pipelines("example3", seed=1)
    with pytest.raises(ValueError, match=r"initial parameter linear\.weight differs.*copy_parameters"):
        run_mirror(mg, th, 1)
    copy_parameters(th.model, mg.model)
    assert_mirrored(run_mirror(mg, th, 3))

    mg, th = make_pipelines("example2", seed=0)
    mg.inputs = mg.inputs * 2
    with pytest.raises(ValueError, match="inputs differ"):
        run_mirror(mg, th, 1)


def test_generic_pipeline_user_model() -> None:
    """Any twin pair works: a two-layer tanh network with momentum SGD, started by copying torch's weights."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    y = np.sin(X[:, :1]) + 0.1 * rng.standard_normal((64, 1))
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)).double()
    m_model = minigrad.nn.Sequential(minigrad.nn.Linear(3, 8), minigrad.nn.Tanh(), minigrad.nn.Linear(8, 1)).double()
    copy_parameters(t_model, m_model)
    th = Pipeline(t_model, torch.nn.MSELoss(), torch.optim.SGD(t_model.parameters(), lr=0.05, momentum=0.9),
                  torch.from_numpy(X), torch.from_numpy(y))
    mg = Pipeline(m_model, minigrad.nn.MSELoss(), minigrad.optim.SGD(m_model.parameters(), lr=0.05, momentum=0.9),
                  minigrad.from_numpy(X), minigrad.from_numpy(y))
    # Two Linear layers and a tanh: twice the single-layer count per step (training_ops counts one layer).
    trace = run_mirror(mg, th, 20, ops_per_step=2 * training_ops(64, 8))
    assert_mirrored(trace)
    assert [n for n in trace.initial_params] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_trace_summary_and_report() -> None:
    mg, th = make_pipelines("example3", seed=0)
    trace: MirrorTrace = run_mirror(mg, th, 12)
    s = trace.summary()
    assert s["steps"] == 12 and s["ok"] is True and s["first_divergent_step"] is None
    for kind in ("loss", "grad", "param"):
        assert s[f"{kind}_max_abs"] == max(r.worst(kind) for r in trace.steps)
        assert s[f"{kind}_max_ulp"] >= 0
    lines = trace.report(every=5).splitlines()
    assert [ln.split()[0] for ln in lines[1:-1]] == ["5", "10", "12"]
    assert lines[-1] == trace.verdict()


def test_training_tolerance_policy() -> None:
    """float64 keeps rtol 1e-10 for any realistic run; float32 grows linearly with steps × ops per step."""
    ops = training_ops(455, 30)
    t64 = training_tolerance("float64", 100, ops, scale=1.0)
    assert t64.rtol == TOLERANCES["float64"].rtol
    t1, t100 = (training_tolerance("float32", s, ops, scale=2.0) for s in (1, 100))
    assert t100.rtol == pytest.approx(100 * t1.rtol) and t1.rtol == pytest.approx(4 * np.finfo(np.float32).eps * ops)
    assert t1.atol == pytest.approx(2.0 * t1.rtol)
    assert "100 SGD step(s)" in t100.reason
    assert training_ops(455, 30) > training_ops(4, 1)  # bigger reductions, more rounding levels


def test_diverging_training_is_flagged() -> None:
    """lr 1 is beyond example 1's stability limit (≈ 0.12): both engines blow up alike, and the verdict says the
    training itself diverged rather than presenting a clean PASS."""
    mg, th = make_pipelines("example1", lr=1.0, seed=0)
    with warnings.catch_warnings():  # NumPy reports the overflow (torch is silent): not what this test is about
        warnings.simplefilter("ignore", RuntimeWarning)
        trace = run_mirror(mg, th, 40)
    assert trace.diverged_at is not None and trace.summary()["diverged_at"] == trace.diverged_at
    assert "training diverged" in trace.verdict()
    mg, th = make_pipelines("example1", seed=0)
    assert run_mirror(mg, th, 40).diverged_at is None
