"""Pooling against torch: max_pool1d/2d (return_indices, ceil_mode, padding, dilation), avg_pool1d/2d
(count_include_pad, ceil_mode, divisor_override), adaptive_avg_pool1d/2d; values, gradients, indices, node
names, module reprs, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import strategies as mgst
from tests._layers_compare import VALUES, check_against_torch


@st.composite
def pool_case(draw: st.DrawFn, dtype: type, kind: str) -> dict:
    nd = draw(st.sampled_from([1, 2]))
    k = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 2)) for _ in range(nd)) if kind == "max" else (1,) * nd
    p = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    size = tuple(dd * (kk - 1) + 1 + draw(st.integers(0, 6)) for kk, dd in zip(k, d))
    lead = (draw(st.integers(1, 2)), draw(st.integers(1, 3))) if draw(st.booleans()) else (draw(st.integers(1, 3)),)
    x = draw(mgst.arrays(dtype, (*lead, *size), **VALUES))
    return dict(nd=nd, x=x, k=k, s=s, p=p, d=d, ceil=draw(st.booleans()), include=draw(st.booleans()),
                divisor=draw(st.sampled_from([None, None, 3])) if nd == 2 else None)


def _max(case: dict, indices: bool):
    def fn(lib, x):
        f = lib.nn.functional.max_pool1d if case["nd"] == 1 else lib.nn.functional.max_pool2d
        return f(x, case["k"], case["s"], case["p"], case["d"], ceil_mode=case["ceil"], return_indices=indices)
    return fn


@given(pool_case(np.float64, "max"), st.booleans())
def test_max_pool_matches_torch(case: dict, indices: bool) -> None:
    mg, th = check_against_torch(_max(case, indices), [case["x"]])
    if indices:
        assert mg[1].dtype == minigrad.int64
        assert np.array_equal(mg[1].numpy(), th[1].numpy())


@given(pool_case(np.float32, "max"))
def test_max_pool_float32_is_exact(case: dict) -> None:
    check_against_torch(_max(case, False), [case["x"]], n_ops=1)


def _avg(case: dict):
    def fn(lib, x):
        if case["nd"] == 1:
            return lib.nn.functional.avg_pool1d(x, case["k"], case["s"], case["p"], case["ceil"], case["include"])
        return lib.nn.functional.avg_pool2d(x, case["k"], case["s"], case["p"], case["ceil"], case["include"],
                                            case["divisor"])
    return fn


@given(pool_case(np.float64, "avg"))
def test_avg_pool_matches_torch(case: dict) -> None:
    check_against_torch(_avg(case), [case["x"]])


@given(pool_case(np.float32, "avg"))
def test_avg_pool_float32_within_policy(case: dict) -> None:
    # a window sum of ≤ 16 terms, then a division: ⌈log2 16⌉ + 1 + 1 ops on operands of size ≤ 3·16
    check_against_torch(_avg(case), [case["x"]], n_ops=6, scale=48.0)


@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 5), st.one_of(st.none(), st.integers(1, 5)),
       st.sampled_from([np.float32, np.float64]), st.data())
def test_adaptive_avg_pool2d_matches_torch(h: int, w: int, oh: int, ow: int | None, dtype: type,
                                           data: st.DataObject) -> None:
    x = data.draw(mgst.arrays(dtype, (2, 3, h, w), **VALUES))
    size = (oh, ow)
    check_against_torch(lambda lib, t: lib.nn.functional.adaptive_avg_pool2d(t, size), [x], n_ops=8, scale=30.0)


@given(st.integers(1, 9), st.integers(1, 5), st.data())
def test_adaptive_avg_pool1d_matches_torch(n: int, out: int, data: st.DataObject) -> None:
    x = data.draw(mgst.arrays(np.float64, (2, 3, n), **VALUES))
    check_against_torch(lambda lib, t: lib.nn.functional.adaptive_avg_pool1d(t, out), [x])


def test_module_reprs_and_forward() -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 9, 8))
    for make in (lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True), lambda nn: nn.MaxPool2d((2, 3)),
                 lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False), lambda nn: nn.AdaptiveAvgPool2d((1, 1)),
                 lambda nn: nn.AdaptiveAvgPool2d(4), lambda nn: nn.AdaptiveAvgPool2d((None, 3))):
        th, mg = make(torch.nn), make(minigrad.nn)
        assert repr(mg) == repr(th)
        check_against_torch(lambda lib, t, th=th, mg=mg: (th if lib is torch else mg)(t), [x])
    x1 = x[0]
    for make in (lambda nn: nn.MaxPool1d(3, 2, 1), lambda nn: nn.AvgPool1d(2), lambda nn: nn.AdaptiveAvgPool1d(3)):
        th, mg = make(torch.nn), make(minigrad.nn)
        assert repr(mg) == repr(th)
        check_against_torch(lambda lib, t, th=th, mg=mg: (th if lib is torch else mg)(t), [x1])


def test_max_pool_module_return_indices() -> None:
    x = np.random.default_rng(3).standard_normal((1, 2, 6, 6))
    th, mg = torch.nn.MaxPool2d(2, return_indices=True), minigrad.nn.MaxPool2d(2, return_indices=True)
    (yt, it), (ym, im) = th(torch.tensor(x)), mg(minigrad.tensor(x))
    assert np.array_equal(ym.numpy(), yt.numpy()) and np.array_equal(im.numpy(), it.numpy())


ERRORS = [
    lambda lib: lib.nn.functional.max_pool2d(lib.ones(2, 3, 8, 8), 3, padding=2),
    lambda lib: lib.nn.functional.max_pool2d(lib.ones(8), 2),
    lambda lib: lib.nn.functional.max_pool2d(lib.ones(2, 3, 8, 8), 10),
    lambda lib: lib.nn.functional.avg_pool2d(lib.ones(2, 3, 8, 8), 10),
    lambda lib: lib.nn.functional.avg_pool2d(lib.ones(2, 3, 8, 8), 3, padding=2),
    lambda lib: lib.nn.functional.adaptive_avg_pool2d(lib.ones(8), 2),
    lambda lib: lib.nn.functional.max_pool1d(lib.ones(8), 2),
    lambda lib: lib.nn.functional.max_pool2d(lib.ones(2, 3, 8, 8), 2, stride=0),
    lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 5, 5), 3, 1, 2, 2),
    lambda lib: lib.nn.functional.max_pool1d(lib.ones(1, 5), 3, 1, 2, 2),
    lambda lib: lib.nn.functional.max_pool1d(lib.ones(1, 5), 3, 1, 2, 2, return_indices=True),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_pool_errors_match_torch(i: int) -> None:
    with pytest.raises(Exception) as th:
        ERRORS[i](torch)
    with pytest.raises(type(th.value)) as mg:
        ERRORS[i](minigrad)
    assert str(mg.value) == str(th.value).replace("torch.", "minigrad.")
