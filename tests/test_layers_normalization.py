"""BatchNorm1d/2d, LayerNorm and their functional forms against torch: values, input/weight/bias gradients,
running statistics after training steps (momentum, cumulative average), train/eval, affine,
track_running_stats, node names, state_dict names, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import strategies as mgst
from minigrad.testing import sum_ops
from tests._layers_compare import VALUES, check_against_torch, grad_of, same_params


def _normal(seed: int, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@st.composite
def bn_case(draw: st.DrawFn, dtype: type) -> dict:
    nd = draw(st.sampled_from([2, 3, 4]))
    c = draw(st.integers(1, 4))
    shape = (draw(st.integers(2, 4)), c, *(draw(st.integers(1, 4)) for _ in range(nd - 2)))
    if dtype == np.float64:
        x = draw(mgst.arrays(dtype, shape, **VALUES))
    else:  # float32: normal values (constant inputs make 1/√(var + eps) amplify rounding beyond one-op policies)
        x = _normal(draw(st.integers(0, 2**16)), shape, dtype)
    affine = draw(st.booleans())
    per_channel = mgst.arrays(dtype, (c,), **VALUES)
    return dict(x=x, w=draw(per_channel) if affine else None, b=draw(per_channel) if affine else None,
                rm=draw(per_channel), rv=draw(mgst.arrays(dtype, (c,), min_value=0.125, max_value=3.0)),
                training=draw(st.booleans()),
                running=draw(st.booleans()), momentum=draw(st.sampled_from([0.1, 0.5, 1.0])),
                eps=draw(st.sampled_from([1e-5, 1e-3])))


def _bn(case: dict, out: dict):
    def fn(lib, x, w, b, rm, rv):
        if not case["running"] and case["training"]:
            rm = rv = None
        y = lib.nn.functional.batch_norm(x, rm, rv, w, b, case["training"], case["momentum"], case["eps"])
        out[lib.__name__] = (rm, rv)
        return y
    return fn


@given(bn_case(np.float64))
def test_batch_norm_float64_matches_torch(case: dict) -> None:
    out: dict = {}
    check_against_torch(_bn(case, out), [case["x"], case["w"], case["b"], case["rm"], case["rv"]],
                        requires_grad=[True, True, True, False, False], scale=100.0)
    for a, b in zip(out["minigrad"], out["torch"]):
        if b is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


@given(bn_case(np.float32))
def test_batch_norm_float32_within_policy(case: dict) -> None:
    m = case["x"].size // case["x"].shape[1]
    out: dict = {}
    # mean and variance are m-term sums; normalizing, scaling and the backward's two means add ~3·(log2 m + 1)
    check_against_torch(_bn(case, out), [case["x"], case["w"], case["b"], case["rm"], case["rv"]],
                        requires_grad=[True, True, True, False, False], n_ops=3 * sum_ops(m) + 6,
                        scale=10.0 * m, grad_scale=10.0 * m)


@given(st.data(), st.sampled_from([np.float32, np.float64]))
def test_layer_norm_matches_torch(data: st.DataObject, dtype: type) -> None:
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple))
    k = data.draw(st.integers(1, len(shape)))
    norm = shape[len(shape) - k:]
    if dtype == np.float64:
        x = data.draw(mgst.arrays(dtype, shape, **VALUES))
    else:
        x = _normal(data.draw(st.integers(0, 2**16)), shape, dtype)
    affine = data.draw(st.booleans())
    w = data.draw(mgst.arrays(dtype, norm, **VALUES)) if affine else None
    b = data.draw(mgst.arrays(dtype, norm, **VALUES)) if affine and data.draw(st.booleans()) else None
    eps = data.draw(st.sampled_from([1e-5, 1e-2]))
    m = int(np.prod(norm))
    check_against_torch(lambda lib, t, ww, bb: lib.nn.functional.layer_norm(t, norm, ww, bb, eps), [x, w, b],
                        n_ops=3 * sum_ops(m) + 6, scale=10.0 * m, grad_scale=10.0 * m)


@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (4, 3)), ("BatchNorm1d", (4, 3, 5)),
                                       ("BatchNorm2d", (2, 3, 4, 4))])
@pytest.mark.parametrize("kwargs", [{}, {"momentum": None}, {"affine": False}, {"track_running_stats": False},
                                    {"momentum": 0.3, "eps": 1e-3}, {"bias": False}])
def test_running_stats_after_training_steps(cls: str, shape: tuple, kwargs: dict) -> None:
    th = getattr(torch.nn, cls)(3, **kwargs).double()
    mg = getattr(minigrad.nn, cls)(3, **kwargs).double()
    assert repr(mg) == repr(th)
    same_params(mg, th)
    for step in range(4):
        x = _normal(step, shape, np.float64) * (step + 1) + step
        yt, ym = th(torch.tensor(x)), mg(minigrad.tensor(x))
        np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
        assert type(ym.grad_fn).__name__ == type(yt.grad_fn).__name__ if yt.grad_fn else ym.grad_fn is None
        if yt.requires_grad:
            (yt * yt).sum().backward()
            (ym * ym).sum().backward()
            for (name, pt), pm in zip(th.named_parameters(), mg.parameters()):
                np.testing.assert_allclose(grad_of(pm), grad_of(pt), rtol=1e-10, atol=1e-12, err_msg=name)
        for k, v in th.state_dict().items():
            np.testing.assert_allclose(mg.state_dict()[k].numpy(), v.numpy(), rtol=1e-10, atol=1e-12, err_msg=k)
    th.eval()
    mg.eval()
    x = _normal(9, shape, np.float64)
    check_against_torch(lambda lib, t: (th if lib is torch else mg)(t), [x])


def test_layer_norm_module() -> None:
    for kwargs in ({}, {"elementwise_affine": False}, {"bias": False}, {"eps": 1e-3}):
        th, mg = torch.nn.LayerNorm((3, 4), **kwargs).double(), minigrad.nn.LayerNorm((3, 4), **kwargs).double()
        assert repr(mg) == repr(th)
        same_params(mg, th)
        check_against_torch(lambda lib, t, th=th, mg=mg: (th if lib is torch else mg)(t),
                            [_normal(1, (2, 3, 4), np.float64)])


ERRORS = [
    lambda lib: lib.nn.functional.batch_norm(lib.ones(1, 3), lib.zeros(3), lib.ones(3), training=True),
    lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 4)),
    lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 3, 4)),
    lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 3, 4, 5)),
    lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 3, 8, 8), (7,)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_normalization_errors_match_torch(i: int) -> None:
    with pytest.raises(Exception) as th:
        ERRORS[i](torch)
    with pytest.raises(type(th.value)) as mg:
        ERRORS[i](minigrad)
    assert str(mg.value) == str(th.value).replace("torch.", "minigrad.")
