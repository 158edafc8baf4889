"""nn.utils against torch.nn.utils: clip_grad_norm_ (total norm, every norm type, error_if_nonfinite),
clip_grad_value_, parameters_to_vector / vector_to_parameters."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad.testing import assert_same_error
from minigrad.testing.tolerances import assert_close

shapes = st.lists(hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), min_size=1, max_size=4)


def _pairs(arrays: list[np.ndarray], grads: list[np.ndarray | None]) -> tuple[list[Any], list[Any]]:
    mg, th = [], []
    for a, g in zip(arrays, grads):
        pm, pt = minigrad.nn.Parameter(minigrad.tensor(a)), torch.nn.Parameter(torch.tensor(a))
        if g is not None:
            pm.grad, pt.grad = minigrad.tensor(g), torch.tensor(g)
        mg.append(pm)
        th.append(pt)
    return mg, th


@given(shape_list=shapes, dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2**32),
       norm_type=st.sampled_from([2.0, 1, math.inf, -math.inf, 0, 3.5, "inf"]),
       max_norm=st.sampled_from([0.1, 1.0, 1e3]), none_first=st.booleans())
def test_clip_grad_norm_matches_torch(shape_list: list[tuple[int, ...]], dtype: str, seed: int, norm_type: Any,
                                      max_norm: float, none_first: bool) -> None:
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s).astype(dtype) for s in shape_list]
    grads: list[np.ndarray | None] = [rng.normal(size=s).astype(dtype) * 3 for s in shape_list]
    if none_first:
        grads[0] = None
    mg, th = _pairs(arrays, grads)
    t_mg = minigrad.nn.utils.clip_grad_norm_(mg, max_norm, norm_type=norm_type)
    t_th = torch.nn.utils.clip_grad_norm_(th, max_norm, norm_type=norm_type)
    assert str(t_mg.dtype).split(".")[1] == str(t_th.dtype).split(".")[1]
    n = sum(int(np.prod(s)) for s in shape_list)
    n_ops = 2 * (math.ceil(math.log2(n)) + 3)  # two reductions (per tensor, then over the norms), pow/sqrt
    assert_close(t_mg.numpy(), t_th.numpy(), dtype=dtype, n_ops=n_ops)
    for pm, pt in zip(mg, th):
        assert (pm.grad is None) == (pt.grad is None)
        if pt.grad is not None:
            assert_close(pm.grad.numpy(), pt.grad.numpy(), dtype=dtype, n_ops=n_ops + 3)


def test_clip_grad_norm_edge_cases_match_torch() -> None:
    # no gradients: a float32 zero, nothing clipped
    mg, th = _pairs([np.ones(2)], [None])
    assert minigrad.nn.utils.clip_grad_norm_(mg, 1.0).tolist() == torch.nn.utils.clip_grad_norm_(th, 1.0).tolist()
    assert minigrad.nn.utils.clip_grad_norm_(mg, 1.0).dtype == minigrad.float32
    # a single tensor instead of a list; a generator of parameters
    mg, th = _pairs([np.ones(3)], [np.full(3, 4.0)])
    minigrad.nn.utils.clip_grad_norm_(mg[0], 1.0)
    torch.nn.utils.clip_grad_norm_(th[0], 1.0)
    assert_close(mg[0].grad.numpy(), th[0].grad.numpy(), dtype="float64")
    mg, th = _pairs([np.ones(3)], [np.array([np.inf, 1.0, 2.0])])
    assert_same_error(lambda: minigrad.nn.utils.clip_grad_norm_(iter(mg), 1.0, error_if_nonfinite=True),
                      lambda: torch.nn.utils.clip_grad_norm_(iter(th), 1.0, error_if_nonfinite=True))
    assert mg[0].grad.tolist() == [np.inf, 1.0, 2.0]  # refused before any scaling
    t_mg = minigrad.nn.utils.clip_grad_norm_(mg, 1.0)
    t_th = torch.nn.utils.clip_grad_norm_(th, 1.0)
    assert t_mg.item() == t_th.item() == math.inf
    np.testing.assert_array_equal(mg[0].grad.numpy(), th[0].grad.numpy())  # 0, NaN·... as torch


@given(shape_list=shapes, seed=st.integers(0, 2**32), clip=st.sampled_from([0.0, 0.5, 2, 1e9]))
def test_clip_grad_value_matches_torch(shape_list: list[tuple[int, ...]], seed: int, clip: float) -> None:
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s) for s in shape_list]
    mg, th = _pairs(arrays, [rng.normal(size=s) * 2 for s in shape_list])
    assert minigrad.nn.utils.clip_grad_value_(mg, clip) is None
    torch.nn.utils.clip_grad_value_(th, clip)
    for pm, pt in zip(mg, th):
        np.testing.assert_array_equal(pm.grad.numpy(), pt.grad.numpy())


def test_parameters_to_vector_and_back() -> None:
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s) for s in [(2, 3), (4,), (1, 1, 2)]]
    mg, th = _pairs(arrays, [None] * 3)
    v_mg, v_th = minigrad.nn.utils.parameters_to_vector(mg), torch.nn.utils.parameters_to_vector(th)
    assert v_mg.tolist() == v_th.tolist()
    assert type(v_mg.grad_fn).__name__ == type(v_th.grad_fn).__name__
    (v_mg * minigrad.arange(12.0)).sum().backward()
    (v_th * torch.arange(12.0, dtype=torch.float64)).sum().backward()
    for pm, pt in zip(mg, th):
        assert pm.grad.tolist() == pt.grad.tolist()
    new = np.arange(12.0) * 0.5
    minigrad.nn.utils.vector_to_parameters(minigrad.tensor(new), mg)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), th)
    for pm, pt in zip(mg, th):
        assert pm.tolist() == pt.tolist() and pm.shape == tuple(pt.shape)
    assert_same_error(lambda: minigrad.nn.utils.vector_to_parameters([1.0], mg),
                      lambda: torch.nn.utils.vector_to_parameters([1.0], th))


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_mixed_and_half_dtypes(dtype: str) -> None:
    arrays = [np.ones(3, dtype), np.ones(2, "float64")]
    grads = [np.array([3.0, -4.0, 12.0], dtype), np.array([1.0, 2.0])]
    mg, th = _pairs(arrays, grads)
    t_mg = minigrad.nn.utils.clip_grad_norm_(mg, 2.0)
    t_th = torch.nn.utils.clip_grad_norm_(th, 2.0)
    assert str(t_mg.dtype).split(".")[1] == str(t_th.dtype).split(".")[1]
    assert_close(t_mg.numpy(), t_th.numpy(), dtype=dtype, n_ops=4)
    for pm, pt in zip(mg, th):
        assert_close(pm.grad.numpy(), pt.grad.numpy(), dtype=str(pt.grad.dtype).split(".")[1], n_ops=6)
