"""Classification and regression losses against torch: every reduction, weights, ignore_index, label smoothing,
class probabilities, the (N, C, d1, ...) layout, graphs node for node, torch's errors, gradcheck.

Expected values are torch's, computed here; comparisons use the tolerance policy with the op counts stated.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.autograd import gradcheck
from minigrad.testing import (
    TRANSCENDENTAL,
    assert_close,
    assert_same_error,
    assert_same_graph,
    compare_with_torch,
    sum_ops,
    to_numpy,
    warnings_of,
)
from minigrad.testing import strategies as mgst

FLOATS = ["float32", "float64"]
REDUCTIONS = ["mean", "sum", "none"]


def _ops(n_classes: int, n_terms: int) -> int:
    """log_softmax (exp, a C-term sum, log, subtract), then products and an n-term sum for the reduction."""
    return TRANSCENDENTAL + sum_ops(n_classes) + 2 + sum_ops(n_terms) + 2


@st.composite
def classification(draw: Any, dtype: str, probs: bool = False) -> dict[str, Any]:
    n = draw(st.integers(1, 5))
    c = draw(st.integers(1, 5))
    spatial = tuple(draw(st.lists(st.integers(1, 3), max_size=draw(st.sampled_from([0, 0, 1, 2, 3])))))
    x = draw(mgst.arrays(dtype, (n, c, *spatial), mgst.floats("float32", -30, 30, allow_subnormal=True)))
    if probs:
        p = draw(mgst.arrays("float64", (n, c, *spatial), min_value=0, max_value=1, allow_subnormal=True))
        target = (p / np.maximum(p.sum(1, keepdims=True), 1e-9)).astype(dtype)
    else:
        target = draw(mgst.class_targets(c, (n, *spatial)))
    weight = None
    if draw(st.booleans()):
        weight = draw(mgst.arrays(dtype, (c,), mgst.floats("float32", 0.125, 2.0)))
    return {"x": x, "t": target, "w": weight, "n": n, "c": c}


def _run(fn: Callable[..., Any], case: dict[str, Any], reduction: str) -> dict[str, Any]:
    arrays = [case["x"], case["t"]] + ([] if case["w"] is None else [case["w"]])

    def call(lib: Any, x: Any, t: Any, *w: Any) -> Any:
        return fn(lib, x, t, w[0] if w else None)

    res = compare_with_torch(call, *arrays, requires_grad=[True, False, False][: len(arrays)], cotangent="ones")
    return res


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", FLOATS)
@given(case=st.data())
def test_cross_entropy_class_indices(reduction: str, dtype: str, case: st.DataObject) -> None:
    c = case.draw(classification(dtype))
    ignore = case.draw(st.sampled_from([-100, 0, c["c"] - 1]))
    smoothing = case.draw(st.sampled_from([0.0, 0.0, 0.1, 0.35, 1.0]))

    def fn(lib: Any, x: Any, t: Any, w: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, t, weight=w, ignore_index=ignore, reduction=reduction,
                                               label_smoothing=smoothing)

    res = _run(fn, c, reduction)
    ops = _ops(c["c"], c["x"].size)
    res.with_tolerance(n_ops=ops, grad_n_ops=ops + 2, scale=float(np.abs(c["x"]).max(initial=1.0)) * 4,
                       grad_scale=4.0).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", FLOATS)
@given(case=st.data())
def test_cross_entropy_class_probabilities(reduction: str, dtype: str, case: st.DataObject) -> None:
    c = case.draw(classification(dtype, probs=True))
    smoothing = case.draw(st.sampled_from([0.0, 0.2]))

    def fn(lib: Any, x: Any, t: Any, w: Any) -> Any:
        return lib.nn.functional.cross_entropy(x, t, weight=w, reduction=reduction, label_smoothing=smoothing)

    res = _run(fn, c, reduction)
    ops = _ops(c["c"], c["x"].size)
    res.with_tolerance(n_ops=ops, grad_n_ops=ops + 2, scale=float(np.abs(c["x"]).max(initial=1.0)) * 4,
                       grad_scale=4.0).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", FLOATS)
@given(case=st.data())
def test_nll_loss(reduction: str, dtype: str, case: st.DataObject) -> None:
    c = case.draw(classification(dtype))
    ignore = case.draw(st.sampled_from([-100, 0]))

    def fn(lib: Any, x: Any, t: Any, w: Any) -> Any:
        return lib.nn.functional.nll_loss(x, t, weight=w, ignore_index=ignore, reduction=reduction)

    res = _run(fn, c, reduction)
    res.with_tolerance(n_ops=sum_ops(c["x"].size) + 2, grad_n_ops=3, scale=60.0 * 2).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_one_sample_layout(reduction: str) -> None:
    """(C,) input with a 0-d target (class dim 0), for nll_loss and cross_entropy (indices, smoothing, probs)."""
    x = np.array([0.3, -1.2, 2.0, 0.1])
    for call in (lambda L, t: L.nn.functional.cross_entropy(t, L.tensor(2), reduction=reduction),
                 lambda L, t: L.nn.functional.cross_entropy(t, L.tensor(2), reduction=reduction, label_smoothing=0.3),
                 lambda L, t: L.nn.functional.cross_entropy(t, L.tensor([0.1, 0.2, 0.3, 0.4], dtype=L.float64),
                                                            reduction=reduction),
                 lambda L, t: L.nn.functional.nll_loss(t, L.tensor(1), reduction=reduction)):
        res = compare_with_torch(call, x, cotangent="ones")
        res.with_tolerance(n_ops=8, grad_n_ops=10).raise_if_failed()
        assert_same_graph(res.minigrad_output, res.torch_output)
    # (C,) input with a target of shape (1,): forward only (torch's own backward refuses the shapes)
    mg = minigrad.nn.functional.nll_loss(minigrad.tensor(x), minigrad.tensor([3]), reduction=reduction)
    th = torch.nn.functional.nll_loss(torch.tensor(x), torch.tensor([3]), reduction=reduction)
    assert tuple(mg.shape) == tuple(th.shape)
    np.testing.assert_array_equal(to_numpy(mg), to_numpy(th))


@pytest.mark.parametrize("dtype", FLOATS)
def test_cross_entropy_large_logits_stay_finite(dtype: str) -> None:
    x = np.array([[1000.0, 0.0, -1000.0], [-1e4, 1e4, 0.0], [1e30, -1e30, 0.0]], dtype=dtype)
    t = np.array([0, 2, 1])
    for smoothing in (0.0, 0.1):
        res = compare_with_torch(lambda L, a, b, s=smoothing: L.nn.functional.cross_entropy(a, b, label_smoothing=s),
                                 x, t, requires_grad=[True, False], cotangent="ones")
        assert np.isfinite(to_numpy(res.minigrad_output)).all() == np.isfinite(to_numpy(res.torch_output)).all()
        res.with_tolerance(n_ops=8, grad_n_ops=10, scale=1e30 if smoothing else None).raise_if_failed()
    res = compare_with_torch(lambda L, a: L.nn.functional.cross_entropy(a, L.softmax(L.tensor(x[::-1].copy()), 1)), x,
                             cotangent="ones")
    res.with_tolerance(n_ops=8, grad_n_ops=10).raise_if_failed()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_all_targets_ignored(reduction: str, smoothing: float, weighted: bool) -> None:
    """'mean' over no kept target is 0/0 = nan (its gradient nan too), 'sum' is 0, as torch."""
    x = np.random.default_rng(3).standard_normal((3, 4))
    t = np.array([1, 1, 1])
    w = np.array([0.5, 1.0, 2.0, 3.0])

    def call(lib: Any, a: Any, b: Any, ww: Any) -> Any:
        return lib.nn.functional.cross_entropy(a, b, weight=ww if weighted else None, ignore_index=1,
                                               reduction=reduction, label_smoothing=smoothing)

    res = compare_with_torch(call, x, t, w, requires_grad=[True, False, False], cotangent="ones")
    res.with_tolerance(n_ops=8, grad_n_ops=10).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


def test_empty_batch() -> None:
    for call in (lambda L, a: L.nn.functional.cross_entropy(a, L.zeros(0, dtype=L.long)),
                 lambda L, a: L.nn.functional.cross_entropy(a, L.zeros(0, 4)),
                 lambda L, a: L.nn.functional.nll_loss(a, L.zeros(0, dtype=L.long), reduction="sum")):
        mg, th = call(minigrad, minigrad.zeros(0, 4)), call(torch, torch.zeros(0, 4))
        np.testing.assert_array_equal(to_numpy(mg), to_numpy(th))


def test_uint8_targets() -> None:
    x = np.random.default_rng(4).standard_normal((3, 4))
    res = compare_with_torch(lambda L, a, b: L.nn.functional.cross_entropy(a, b, ignore_index=2),
                             x, np.array([1, 2, 0], dtype=np.uint8), requires_grad=[True, False],
                             cotangent="ones")
    res.with_tolerance(n_ops=8, grad_n_ops=10).raise_if_failed()


def test_losses_gradcheck() -> None:
    rng = np.random.default_rng(5)
    x = minigrad.tensor(rng.standard_normal((4, 3, 2)), requires_grad=True)
    t = minigrad.tensor(rng.integers(0, 3, (4, 2)))
    p = minigrad.softmax(minigrad.tensor(rng.standard_normal((4, 3, 2))), 1)
    w = minigrad.tensor(rng.random(3) + 0.5)
    F = minigrad.nn.functional
    for fn in (lambda a: F.cross_entropy(a, t), lambda a: F.cross_entropy(a, t, weight=w, label_smoothing=0.2),
               lambda a: F.cross_entropy(a, t, ignore_index=0, reduction="none"),
               lambda a: F.cross_entropy(a, p, weight=w), lambda a: F.nll_loss(a, t, weight=w),
               lambda a: F.l1_loss(a, p), lambda a: F.smooth_l1_loss(a, p, beta=0.5),
               lambda a: F.huber_loss(a, p, delta=0.7), lambda a: F.kl_div(a, p, reduction="batchmean"),
               lambda a: F.kl_div(a, p, reduction="sum", log_target=True)):
        assert gradcheck(fn, (x,))


# ---------------------------------------------------------------------------------------------- regression
REGRESSION: dict[str, Callable[..., Any]] = {
    "l1": lambda L, a, b, r: L.nn.functional.l1_loss(a, b, reduction=r),
    "smooth_l1": lambda L, a, b, r: L.nn.functional.smooth_l1_loss(a, b, reduction=r, beta=0.6),
    "smooth_l1_beta0": lambda L, a, b, r: L.nn.functional.smooth_l1_loss(a, b, reduction=r, beta=0.0),
    "huber": lambda L, a, b, r: L.nn.functional.huber_loss(a, b, reduction=r, delta=1.3),
    "kl_div": lambda L, a, b, r: L.nn.functional.kl_div(a, L.abs(b), reduction=r),
    "kl_div_batchmean": lambda L, a, b, r: L.nn.functional.kl_div(a, L.abs(b), reduction="batchmean"),
    "kl_div_log_target": lambda L, a, b, r: L.nn.functional.kl_div(a, b, reduction=r, log_target=True),
}


@pytest.mark.parametrize("name", sorted(REGRESSION))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_regression_losses(name: str, reduction: str, dtype: str, data: st.DataObject) -> None:
    shape = data.draw(mgst.shapes(0, 3, max_side=5))
    x = data.draw(mgst.arrays(dtype, shape, mgst.floats("float32", -3, 3, allow_subnormal=True)))
    y = data.draw(mgst.arrays(dtype, shape, mgst.floats("float32", -3, 3, allow_subnormal=True)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's 'mean' warning (tested below)
        res = compare_with_torch(lambda L, a, b: REGRESSION[name](L, a, b, reduction), x, y, cotangent="ones")
    res.with_tolerance(n_ops=sum_ops(x.size) + 4, grad_n_ops=6, scale=30.0, grad_scale=30.0).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


def test_regression_dtypes_and_broadcasting() -> None:
    """Mixed dtypes: smooth_l1, l1 and kl_div promote; huber keeps the input's dtype (as torch). A target of
    another shape broadcasts with torch's warning (ExpandBackward0 where a side grows)."""
    x = np.random.default_rng(6).standard_normal((3, 4)).astype(np.float32)
    for name in REGRESSION:
        for target in (np.abs(np.random.default_rng(7).standard_normal((3, 4))), np.ones((3, 4), dtype=np.int64)):
            if name.startswith("kl") and target.dtype.kind == "i":
                mg_t, th_t = minigrad.tensor(target), torch.tensor(target)
                assert_same_error(lambda n=name, t=mg_t: REGRESSION[n](minigrad, minigrad.tensor(x), t, "sum"),
                                  lambda n=name, t=th_t: REGRESSION[n](torch, torch.tensor(x), t, "sum"))
                continue
            if name == "huber":  # torch computes the loss, then refuses the backward of mixed dtypes
                mg = REGRESSION[name](minigrad, minigrad.tensor(x, requires_grad=True), minigrad.tensor(target), "sum")
                th = REGRESSION[name](torch, torch.tensor(x, requires_grad=True), torch.tensor(target), "sum")
                assert_close(to_numpy(mg), to_numpy(th), n_ops=sum_ops(12) + 3)
                assert_same_error(mg.backward, th.backward)
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = compare_with_torch(lambda L, a, b, n=name: REGRESSION[n](L, a, b, "mean"), x, target,
                                         requires_grad=[True, False], cotangent="ones")
            res.with_tolerance(n_ops=8, grad_n_ops=6).raise_if_failed()
            assert_same_graph(res.minigrad_output, res.torch_output)
    row = np.random.default_rng(8).standard_normal(4).astype(np.float32)
    for name in ("l1", "smooth_l1", "huber"):
        call = REGRESSION[name]
        assert warnings_of(lambda c=call: c(minigrad, minigrad.tensor(x), minigrad.tensor(row), "sum")) == \
            warnings_of(lambda c=call: c(torch, torch.tensor(x), torch.tensor(row), "sum"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = compare_with_torch(lambda L, a, b, c=call: c(L, b, a, "sum"), x, row, cotangent="ones")
        res.with_tolerance(n_ops=8, grad_n_ops=6, scale=20.0, grad_scale=20.0).raise_if_failed()
        assert_same_graph(res.minigrad_output, res.torch_output)


def test_kl_div_mean_warning_is_torchs() -> None:
    a, b = np.zeros((2, 3)), np.full((2, 3), 1 / 3)
    assert warnings_of(lambda: minigrad.nn.functional.kl_div(minigrad.tensor(a), minigrad.tensor(b))) == \
        warnings_of(lambda: torch.nn.functional.kl_div(torch.tensor(a), torch.tensor(b)))
    assert warnings_of(lambda: minigrad.nn.functional.kl_div(minigrad.tensor(a), minigrad.tensor(b), reduce=False)) \
        == warnings_of(lambda: torch.nn.functional.kl_div(torch.tensor(a), torch.tensor(b), reduce=False))


# ---------------------------------------------------------------------------------------------- errors
X = (lambda L: L.tensor(np.arange(12.0).reshape(3, 4) / 7, dtype=L.float32))
ERRORS: list[tuple[str, Callable[[Any], Any]]] = [
    ("ce float target of another shape", lambda L: L.nn.functional.cross_entropy(X(L), L.ones(3, 5))),
    ("ce batch mismatch", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1, 2]))),
    ("ce int target of the input's shape", lambda L: L.nn.functional.cross_entropy(X(L), L.zeros(3, 4, dtype=L.long))),
    ("ce int32 target", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1, 2, 0], dtype=L.int32))),
    ("ce float 1-d target", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1.0, 2.0, 0.0]))),
    ("ce target out of range", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1, 4, 0]))),
    ("ce negative target", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1, -2, 0]))),
    ("ce bad reduction", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1, 2, 0]), reduction="avg")),
    ("ce label_smoothing > 1", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1, 2, 0]),
                                                                        label_smoothing=1.5)),
    ("ce int input", lambda L: L.nn.functional.cross_entropy(L.ones(3, 4, dtype=L.long), L.tensor([1, 2, 0]))),
    ("ce weight dtype", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1, 2, 0]),
                                                                 weight=L.ones(4, dtype=L.float64))),
    ("ce weight requires grad", lambda L: L.nn.functional.cross_entropy(X(L), L.tensor([1, 2, 0]),
                                                                         weight=L.ones(4, requires_grad=True))),
    ("ce probs with ignore_index", lambda L: L.nn.functional.cross_entropy(X(L), L.ones(3, 4), ignore_index=1)),
    ("ce probs weight shape", lambda L: L.nn.functional.cross_entropy(X(L), L.ones(3, 4), weight=L.ones(3))),
    ("ce 0-d", lambda L: L.nn.functional.cross_entropy(L.tensor(1.0), L.tensor(0))),
    ("ce list input", lambda L: L.nn.functional.cross_entropy([1.0], L.tensor([1]))),
    ("ce list target", lambda L: L.nn.functional.cross_entropy(X(L), [1, 2, 3])),
    ("nll out of range", lambda L: L.nn.functional.nll_loss(X(L), L.tensor([1, 4, 0]))),
    ("nll out of range none", lambda L: L.nn.functional.nll_loss(X(L), L.tensor([1, 4, 0]), reduction="none")),
    ("nll float target", lambda L: L.nn.functional.nll_loss(X(L), L.tensor([1.0, 2.0, 0.0]))),
    ("nll batch mismatch", lambda L: L.nn.functional.nll_loss(X(L), L.tensor([1, 2]))),
    ("nll 3-d target size", lambda L: L.nn.functional.nll_loss(L.ones(2, 3, 4), L.zeros(2, 5, dtype=L.long))),
    ("nll 3-d batch", lambda L: L.nn.functional.nll_loss(L.ones(2, 3, 4), L.zeros(3, 4, dtype=L.long))),
    ("nll 3-d with 1-d target", lambda L: L.nn.functional.nll_loss(L.ones(2, 3, 4), L.zeros(2, dtype=L.long))),
    ("nll 4-d size", lambda L: L.nn.functional.nll_loss(L.ones(2, 3, 4, 5), L.zeros(2, 4, 6, dtype=L.long))),
    ("nll 4-d with 2-d target", lambda L: L.nn.functional.nll_loss(L.ones(2, 3, 4, 5), L.zeros(2, 4, dtype=L.long))),
    ("nll 4-d out of range", lambda L: L.nn.functional.nll_loss(L.ones(2, 3, 4, 4), L.full((2, 4, 4), 5))),
    ("nll 4-d weight", lambda L: L.nn.functional.nll_loss(L.ones(2, 3, 4, 4), L.zeros(2, 4, 4, dtype=L.long),
                                                           weight=L.ones(2))),
    ("nll 4-d int32", lambda L: L.nn.functional.nll_loss(L.ones(2, 3, 4, 4), L.zeros(2, 4, 4, dtype=L.int32))),
    ("nll 0-d input", lambda L: L.nn.functional.nll_loss(L.tensor(1.0), L.tensor(0))),
    ("nll weight size", lambda L: L.nn.functional.nll_loss(X(L), L.tensor([1, 2, 0]), weight=L.ones(3))),
    ("nll 2-d weight", lambda L: L.nn.functional.nll_loss(X(L), L.tensor([1, 2, 0]), weight=L.ones(2, 2))),
    ("nll 2-d input, 0-d target", lambda L: L.nn.functional.nll_loss(X(L), L.tensor(1))),
    ("nll 1-d input, 2 targets", lambda L: L.nn.functional.nll_loss(L.ones(4), L.tensor([1, 2]))),
    ("nll 1-d input, 2-d target", lambda L: L.nn.functional.nll_loss(L.ones(4), L.tensor([[1, 2]]))),
    ("nll int input", lambda L: L.nn.functional.nll_loss(L.ones(3, 4, dtype=L.long), L.tensor([1, 2, 0]))),
    ("nll int input, int32 target", lambda L: L.nn.functional.nll_loss(L.ones(3, 4, dtype=L.long),
                                                                        L.tensor([1, 2, 0], dtype=L.int32))),
    ("nll list", lambda L: L.nn.functional.nll_loss([1.0], L.tensor([1]))),
    ("l1 shapes", lambda L: L.nn.functional.l1_loss(X(L), L.ones(5))),
    ("smooth_l1 negative beta", lambda L: L.nn.functional.smooth_l1_loss(X(L), L.ones(3, 4), beta=-1.0)),
    ("huber delta 0", lambda L: L.nn.functional.huber_loss(X(L), L.ones(3, 4), delta=0.0)),
    ("huber bad reduction", lambda L: L.nn.functional.huber_loss(X(L), L.ones(3, 4), reduction="avg")),
    ("smooth_l1 integers", lambda L: L.nn.functional.smooth_l1_loss(L.zeros(2, dtype=L.long), L.ones(2, dtype=L.long))),
    ("huber integers", lambda L: L.nn.functional.huber_loss(L.zeros(2, dtype=L.int32), L.ones(2, dtype=L.long))),
    ("kl_div integers", lambda L: L.nn.functional.kl_div(L.zeros(2), L.ones(2, dtype=L.long), reduction="sum")),
    ("kl_div bad reduction", lambda L: L.nn.functional.kl_div(X(L), L.ones(3, 4), reduction="avg")),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_errors_match_torch(case: tuple[str, Callable[[Any], Any]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_error(lambda: case[1](minigrad), lambda: case[1](torch))


# ---------------------------------------------------------------------------------------------- modules
MODULES: list[Callable[[Any], Any]] = [
    lambda nn: nn.CrossEntropyLoss(), lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1, reduction="sum"),
    lambda nn: nn.NLLLoss(ignore_index=1), lambda nn: nn.L1Loss(), lambda nn: nn.SmoothL1Loss(beta=2.0),
    lambda nn: nn.HuberLoss(delta=0.5), lambda nn: nn.KLDivLoss(reduction="batchmean"),
    lambda nn: nn.KLDivLoss(reduction="sum", log_target=True),
]


@pytest.mark.parametrize("i", range(len(MODULES)))
def test_loss_modules_match_torch(i: int) -> None:
    mg, th = MODULES[i](minigrad.nn), MODULES[i](torch.nn)
    assert repr(mg) == repr(th)
    rng = np.random.default_rng(i)
    x = rng.standard_normal((4, 3))
    classification = isinstance(mg, minigrad.nn.CrossEntropyLoss | minigrad.nn.NLLLoss)
    t = rng.integers(0, 3, 4) if classification else np.abs(rng.standard_normal((4, 3)))
    res = compare_with_torch(lambda L, a, b: (mg if L is minigrad else th)(a, b), x, t, requires_grad=[True, False],
                             cotangent="ones")
    res.with_tolerance(n_ops=8, grad_n_ops=10).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


def test_legacy_size_average_and_reduce() -> None:
    x, t = np.random.default_rng(9).standard_normal((4, 3)), np.array([0, 2, 1, 1])
    for kw in ({"size_average": False}, {"reduce": False}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the deprecation warning, compared just below)
            res = compare_with_torch(lambda L, a, b, k=kw: L.nn.NLLLoss(**k)(L.log_softmax(a, 1), b), x, t,
                                     requires_grad=[True, False], cotangent="ones")
        res.with_tolerance(n_ops=8, grad_n_ops=10).raise_if_failed()
        assert warnings_of(lambda k=kw: minigrad.nn.functional.cross_entropy(minigrad.tensor(x), minigrad.tensor(t),
                                                                             **k)) == \
            warnings_of(lambda k=kw: torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t), **k))
