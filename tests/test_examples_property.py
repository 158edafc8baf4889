"""Property tests: the three seed pipelines, over generated seeds, learning rates, epoch counts, data sizes and
shapes, reductions and dtypes, match torch at every step (loss, every gradient, every parameter) within
``training_tolerance`` — and example 3's predicted classes on the test split are the same on both sides.

Expected values are torch's own: the torch_ref pipeline runs next to the minigrad one inside ``run_mirror``.

Learning rates are drawn as a fraction of the stability limit 2/λmax(H) of the problem at hand, because the
training tolerance's linear error bound holds for stable SGD (see ``training_tolerance``): H is the loss's
Hessian in (weights, bias) — for MSE (2/n)·AᵀA with A = [X 1], for BCE at most (1/4n)·AᵀA — times n for
'sum'. Epoch counts stay in 1–30 to keep each example cheap.
"""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from minigrad.examples import load, make_pipelines
from minigrad.examples.data import breast_cancer_data, classification_data, regression_data
from minigrad.testing.mirror import assert_mirrored, run_mirror
from minigrad.testing.tolerances import training_ops, training_tolerance

RUNS = st.fixed_dictionaries({
    "seed": st.integers(0, 2**64 - 1),  # torch.manual_seed takes any uint64
    "dtype": st.sampled_from(["float32", "float64"]),
    "reduction": st.sampled_from(["mean", "sum"]),
    "epochs": st.integers(1, 30),
    "lr_fraction": st.floats(0.01, 0.9),
})


def stable_lr(X: np.ndarray, loss: str, reduction: str, fraction: float) -> float:
    """``fraction`` of 2/λmax(H) for a linear model on inputs X (see the module docstring)."""
    A = np.hstack([X.reshape(len(X), -1), np.ones((len(X), 1))])
    lam = float(np.linalg.eigvalsh(A.T @ A).max())
    curvature = 2.0 if loss == "mse" else 0.25
    if reduction == "mean":
        curvature /= len(X)
    return fraction * 2.0 / (curvature * lam)


def mirror(name: str, data: tuple, run: dict, X_train: np.ndarray, loss: str) -> tuple:
    lr = stable_lr(X_train, loss, run["reduction"], run["lr_fraction"])
    mg, th = make_pipelines(name, dtype=run["dtype"], lr=lr, reduction=run["reduction"], seed=run["seed"], data=data)
    trace = run_mirror(mg, th, run["epochs"])
    assert_mirrored(trace)
    return mg, th, trace


# Example 1 ------------------------------------------------------------------------------------------------
# The toy problem y = 2x on generated inputs (any number of samples; subnormals excluded: flushing them is a
# hardware setting, not a property of either engine).
TOY_X = st.integers(1, 16).flatmap(
    lambda n: hnp.arrays(np.float64, (n, 1), elements=st.floats(-5, 5, allow_subnormal=False, width=32)))


@given(X=TOY_X, run=RUNS)
def test_example1_matches_torch(X: np.ndarray, run: dict) -> None:
    data = (X, 2 * X, np.array([5.0]))
    mg, th, trace = mirror("example1", data, run, X, "mse")
    mine, ref = load("example1")
    f_m, f_t = mine.predict(mg.model, mg.test_inputs), ref.predict(th.model, th.test_inputs)
    tol = training_tolerance(run["dtype"], run["epochs"] + 1, trace.ops_per_step, scale=max(abs(f_t), 1.0))
    assert abs(f_m - f_t) <= tol.atol + tol.rtol * abs(f_t), (f_m, f_t, tol)


# Example 2 ------------------------------------------------------------------------------------------------
@given(n_samples=st.integers(2, 200), n_features=st.integers(1, 8), noise=st.floats(0, 50),
       random_state=st.integers(0, 2**32 - 1), run=RUNS)
def test_example2_matches_torch(n_samples: int, n_features: int, noise: float, random_state: int, run: dict) -> None:
    X, y = regression_data(n_samples, n_features, noise, random_state)
    _, _, trace = mirror("example2", (X, y), run, X, "mse")
    assert {n for n in trace.initial_params} == {"weight", "bias"}
    assert trace.initial_params["weight"].shape == (1, n_features)


# Example 3 ------------------------------------------------------------------------------------------------
def check_classes(mg: object, th: object, trace: object, run: dict) -> None:
    """Predicted test probabilities within tolerance; predicted classes identical, except for a sample whose
    probability lies within that tolerance of 0.5 (where rounding may legitimately go either way)."""
    mine, ref = load("example3")
    acc_m, cls_m = mine.evaluate(mg.model, mg.test_inputs, mg.test_targets)
    acc_t, cls_t = ref.evaluate(th.model, th.test_inputs, th.test_targets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p_m = mg.model(mg.test_inputs).detach().numpy().astype(np.float64).ravel()
        p_t = th.model(th.test_inputs).detach().numpy().astype(np.float64).ravel()
    tol = training_tolerance(run["dtype"], run["epochs"] + 1, trace.ops_per_step, scale=1.0)
    assert np.all(np.abs(p_m - p_t) <= tol.atol + tol.rtol * np.abs(p_t)), np.abs(p_m - p_t).max()
    decided = np.abs(p_t - 0.5) > tol.atol + tol.rtol * 0.5
    cls_m, cls_t = cls_m.numpy().ravel(), cls_t.numpy().ravel()
    assert np.array_equal(cls_m[decided], cls_t[decided])
    if decided.all():
        assert acc_m == acc_t


FEATURES = st.lists(st.integers(0, 29), min_size=1, max_size=30, unique=True)
ROWS = st.one_of(st.none(), st.lists(st.integers(0, 568), min_size=20, max_size=200, unique=True))


@given(rows=ROWS, features=FEATURES, test_size=st.floats(0.1, 0.5), random_state=st.integers(0, 2**32 - 1),
       run=RUNS)
def test_example3_breast_cancer_subsets_match_torch(rows: list[int] | None, features: list[int], test_size: float,
                                                    random_state: int, run: dict) -> None:
    data = breast_cancer_data(test_size=test_size, random_state=random_state, rows=rows, features=features)
    mg, th, trace = mirror("example3", data, run, data[0], "bce")
    check_classes(mg, th, trace, run)


@given(n_samples=st.integers(20, 300), n_features=st.integers(1, 20), n_informative=st.integers(1, 5),
       random_state=st.integers(0, 2**32 - 1), run=RUNS)
def test_example3_make_classification_matches_torch(n_samples: int, n_features: int, n_informative: int,
                                                    random_state: int, run: dict) -> None:
    data = classification_data(n_samples, n_features, n_informative, random_state)
    mg, th, trace = mirror("example3", data, run, data[0], "bce")
    check_classes(mg, th, trace, run)


def test_ops_per_step_follows_the_data() -> None:
    """The mirror counts a step's operations from the training data's shape (see ``training_ops``)."""
    mg, th = make_pipelines("example3", seed=0)
    assert run_mirror(mg, th, 1).ops_per_step == training_ops(455, 30)
