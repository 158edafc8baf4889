"""Embedding / F.embedding against torch: values, weight gradients (repeated indices accumulate, padding_idx
gets none), max_norm's in-place renorm, from_pretrained, seeded init, node name, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import strategies as mgst
from tests._layers_compare import VALUES, check_against_torch, grad_of, same_params


@given(st.integers(1, 8), st.integers(1, 5), st.sampled_from([np.float32, np.float64]), st.data())
def test_embedding_matches_torch(rows: int, dim: int, dtype: type, data: st.DataObject) -> None:
    w = data.draw(mgst.arrays(dtype, (rows, dim), **VALUES))
    shape = data.draw(mgst.shapes(min_dims=1))
    idx = data.draw(mgst.arrays("int64", shape, st.integers(0, rows - 1)))
    pad = data.draw(st.one_of(st.none(), st.integers(-rows, rows - 1)))
    max_norm = data.draw(st.one_of(st.none(), st.floats(0.5, 3.0)))
    norm_type = data.draw(st.sampled_from([1.0, 2.0, 3.0]))

    def fn(lib, i, weight):
        return lib.nn.functional.embedding(i, weight, pad, max_norm, norm_type)

    # max_norm rewrites the weight in place (a leaf): both sides run it on a non-leaf copy of the same values
    if max_norm is not None:
        def fn(lib, i, weight):
            with lib.no_grad():
                lib.nn.functional.embedding(i, weight, pad, max_norm, norm_type)
            return lib.nn.functional.embedding(i, weight, pad)
    # repeated indices: the gradient sums up to 4·3 = 12 terms of size 3
    check_against_torch(fn, [idx, w], n_ops=4, scale=36.0)


def test_max_norm_renormalizes_weight_in_place_like_torch() -> None:
    w = np.random.default_rng(0).standard_normal((5, 3)) * 3
    i = np.array([[0, 2], [2, 4]])
    tw, mw = torch.tensor(w), minigrad.tensor(w)
    torch.nn.functional.embedding(torch.tensor(i), tw, max_norm=1.0)
    minigrad.nn.functional.embedding(minigrad.tensor(i), mw, max_norm=1.0)
    np.testing.assert_allclose(mw.numpy(), tw.numpy(), rtol=1e-12, atol=0)
    assert not np.array_equal(tw.numpy(), w)


@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 0}, {"padding_idx": -1}, {"max_norm": 1.0}])
def test_embedding_seeded_init_is_torchs(kwargs: dict) -> None:
    torch.manual_seed(0)
    th = torch.nn.Embedding(7, 4, **kwargs)
    minigrad.manual_seed(0)
    mg = minigrad.nn.Embedding(7, 4, **kwargs)
    same_params(mg, th)
    assert repr(mg) == repr(th)


def test_embedding_3_2_is_randn_3_2() -> None:
    minigrad.manual_seed(0)
    w = minigrad.nn.Embedding(3, 2).weight.detach().numpy()
    torch.manual_seed(0)
    assert np.array_equal(w, torch.randn(3, 2).numpy())


def test_module_training_step_and_from_pretrained() -> None:
    w = np.random.default_rng(1).standard_normal((6, 3))
    i = np.array([[1, 2, 2], [0, 5, 1]])
    th = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=False, padding_idx=2)
    mg = minigrad.nn.Embedding.from_pretrained(minigrad.tensor(w), freeze=False, padding_idx=2)
    assert repr(mg) == repr(th)
    check_against_torch(lambda lib, t: (th if lib is torch else mg)(t), [i])
    np.testing.assert_allclose(grad_of(mg.weight), grad_of(th.weight), rtol=1e-10, atol=1e-12)
    frozen_t = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    frozen_m = minigrad.nn.Embedding.from_pretrained(minigrad.tensor(w))
    assert frozen_m.weight.requires_grad == frozen_t.weight.requires_grad is False


ERRORS = [
    lambda lib: lib.nn.functional.embedding(lib.tensor([5]), lib.ones(3, 2)),
    lambda lib: lib.nn.functional.embedding(lib.tensor([1.0]), lib.ones(3, 2)),
    lambda lib: lib.nn.Embedding(3, 2, padding_idx=3),
    lambda lib: lib.nn.Embedding(3, 2, padding_idx=-4),
    lambda lib: lib.nn.Embedding.from_pretrained(lib.ones(3)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_embedding_errors_match_torch(i: int) -> None:
    with pytest.raises(Exception) as th:
        ERRORS[i](torch)
    with pytest.raises(type(th.value)) as mg:
        ERRORS[i](minigrad)
    assert str(mg.value) == str(th.value).replace("torch.", "minigrad.")
