"""gradcheck cases for the activation, softmax and loss ops (act14), in tests/test_gradcheck.py's format: one
function per op taking hypothesis' ``draw`` and returning ``(fn, inputs)``; float64 inputs drawn away from the
kinks (0 for leaky_relu/elu, the bounds of hardtanh, the knees of smooth_l1/huber) and the poles of xlogy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

import minigrad
from minigrad.ops import activation as AC
from minigrad.ops import loss_regression as LR
from minigrad.ops import nll as N
from minigrad.ops import softmax as SM
from minigrad.testing import strategies as mgst

Case = tuple[Callable[..., Any], tuple[Any, ...]]
F64 = np.float64
SHAPES = mgst.shapes(0, 3, max_side=3)  # 0-3 dims of 1-3


def _away(points: tuple[float, ...], lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[float]:
    return mgst.floats(F64, lo, hi).filter(lambda v: all(abs(v - p) > 0.02 for p in points))


def _leaf(a: np.ndarray) -> minigrad.Tensor:
    return minigrad.tensor(a, dtype=minigrad.float64, requires_grad=True)


def _pointwise(op: Any, kinks: tuple[float, ...], *extra: Any) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        return (lambda x: op.apply(x, *extra)), (_leaf(draw(mgst.arrays(F64, draw(SHAPES), _away(kinks)))),)
    return make


def _gelu(draw: st.DrawFn) -> Case:
    approximate = draw(st.sampled_from(["none", "tanh"]))
    x = draw(mgst.arrays(F64, draw(SHAPES), mgst.floats(F64, -4, 4)))
    return (lambda x: AC.Gelu.apply(x, approximate)), (_leaf(x),)


def _softplus(draw: st.DrawFn) -> Case:
    beta, threshold = draw(st.sampled_from([(1.0, 20.0), (2.0, 3.0), (0.5, 1.0)]))
    x = draw(mgst.arrays(F64, draw(SHAPES), _away((threshold / beta,), -4, 4)))
    return (lambda t: AC.Softplus.apply(t, beta, threshold)), (_leaf(x),)


def _softmax(op: Any) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        shape = draw(SHAPES)
        dim = draw(st.integers(0, max(len(shape), 1) - 1))
        return (lambda x: op.apply(x, dim)), (_leaf(draw(mgst.arrays(F64, shape, mgst.floats(F64, -5, 5)))),)
    return make


def _nll(op: Any, spatial: int) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        n, c = draw(st.integers(1, 3)), draw(st.integers(1, 4))
        rest = tuple(draw(st.lists(st.integers(1, 2), min_size=spatial, max_size=spatial)))
        x = draw(mgst.arrays(F64, (n, c, *rest), mgst.floats(F64, -3, 0)))
        t = draw(mgst.class_targets(c, (n, *rest)))
        w = draw(st.none() | mgst.arrays(F64, (c,), mgst.floats(F64, 0.2, 2)))
        reduction = draw(st.sampled_from(["mean", "sum", "none"]))
        ignore = draw(st.sampled_from([-100, 0]))
        if reduction == "mean" and (t == ignore).all():
            ignore = -100  # (every target ignored: 0/0, no derivative to check)
        return (lambda a: op.apply(a, t, w, reduction, ignore)), (_leaf(x),)
    return make


def _scalar(op: Any) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        c = draw(st.sampled_from([2.5, -0.5, 3.0]))
        return (lambda x: op.apply(x, c)), (_leaf(draw(mgst.arrays(F64, draw(SHAPES), mgst.floats(F64, -2, 2)))),)
    return make


def _div_by_count(draw: st.DrawFn) -> Case:
    d = minigrad.tensor(np.asarray(draw(st.integers(1, 5)), dtype=np.int64))
    return (lambda x: N.DivByCount.apply(x, d)), (_leaf(draw(mgst.arrays(F64, draw(SHAPES), mgst.floats(F64, -2, 2)))),)


def _piecewise(op: Any) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        shape = draw(SHAPES)
        knee = draw(st.sampled_from([0.5, 1.0, 1.5]))
        x = draw(mgst.arrays(F64, shape, mgst.floats(F64, -3, 3)))
        gap = draw(mgst.arrays(F64, shape, mgst.floats(F64, -2.5, 2.5).filter(lambda v: abs(abs(v) - knee) > 0.02)))
        reduction = draw(st.sampled_from(["mean", "sum", "none"]))
        return (lambda a, b: op.apply(a, b, reduction, knee, np.dtype(F64))), (_leaf(x), _leaf(x - gap))
    return make


def _xlogy(draw: st.DrawFn) -> Case:
    shape = draw(SHAPES)
    return LR.Xlogy.apply, (_leaf(draw(mgst.arrays(F64, shape, mgst.floats(F64, -2, 2)))),
                            _leaf(draw(mgst.arrays(F64, shape, mgst.floats(F64, 0.2, 3)))))


ACT_CASES: dict[str, Callable[[st.DrawFn], Case]] = {
    "LeakyRelu": _pointwise(AC.LeakyRelu, (0.0,), 0.1), "LeakyRelu_": _pointwise(AC.LeakyRelu_, (0.0,), 0.2),
    "Elu": _pointwise(AC.Elu, (0.0,), 0.7), "Elu_": _pointwise(AC.Elu_, (0.0,), 1.3),
    "Gelu": _gelu, "Silu": _pointwise(AC.Silu, ()), "Softplus": _softplus,
    "Hardtanh": _pointwise(AC.Hardtanh, (-1.0, 1.5), -1.0, 1.5),
    "Softmax": _softmax(SM.Softmax), "LogSoftmax": _softmax(SM.LogSoftmax),
    "NllLoss": _nll(N.NllLoss, 0), "NllLoss2d": _nll(N.NllLoss2d, 2),
    "MulScalar": _scalar(N.MulScalar), "DivScalar": _scalar(N.DivScalar),
    "DivByCount": _div_by_count, "SmoothL1Loss": _piecewise(LR.SmoothL1Loss), "HuberLoss": _piecewise(LR.HuberLoss),
    "Xlogy": _xlogy,
}
