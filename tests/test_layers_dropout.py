"""Dropout against torch: after the same manual_seed the mask is torch's (the path torch takes on this machine's
CPU, see minigrad/_random_bernoulli.py), the graph node is MulBackward0, eval/p=0 return the input itself, the
generator is left in the same state. The other path (MKL's MCG31 stream, Intel CPUs) is checked against MKL's own
output below."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import strategies as mgst
from tests._layers_compare import grad_of


@given(st.integers(0, 2**32 - 1), st.floats(0.0, 1.0), mgst.shapes(1, 3, max_side=9),
       st.sampled_from([np.float32, np.float64]), st.booleans())
def test_dropout_mask_and_gradient_are_torchs(seed: int, p: float, shape: tuple, dtype: type, inplace: bool) -> None:
    x: np.ndarray = np.random.default_rng(seed % 1000).standard_normal(shape).astype(dtype)
    torch.manual_seed(seed)
    minigrad.manual_seed(seed)
    tx, mx = torch.tensor(x, requires_grad=True), minigrad.tensor(x, requires_grad=True)
    ta, ma = (tx * 1, mx * 1) if inplace else (tx, mx)
    yt = torch.nn.functional.dropout(ta, p, True, inplace)
    ym = minigrad.nn.functional.dropout(ma, p, True, inplace)
    assert np.array_equal(ym.detach().numpy(), yt.detach().numpy())
    assert ym.dtype == getattr(minigrad, str(yt.dtype).split(".")[1])
    assert (yt.grad_fn is None) == (ym.grad_fn is None)
    if yt.grad_fn is not None:
        assert type(ym.grad_fn).__name__ == type(yt.grad_fn).__name__
        g: np.ndarray = np.random.default_rng(1).standard_normal(shape).astype(dtype)
        yt.backward(torch.tensor(g))
        ym.backward(minigrad.tensor(g))
        assert np.array_equal(grad_of(mx), grad_of(tx))
    # the generator moved by the same number of draws
    assert np.array_equal(minigrad.rand(4).numpy(), torch.rand(4).numpy())


def test_dropout_eval_and_p0_return_the_input() -> None:
    x = minigrad.ones(3, requires_grad=True)
    assert minigrad.nn.functional.dropout(x, 0.5, training=False) is x
    assert minigrad.nn.functional.dropout(x, 0.0) is x
    tx = torch.ones(3, requires_grad=True)
    assert torch.nn.functional.dropout(tx, 0.5, training=False) is tx
    assert torch.nn.functional.dropout(tx, 0.0) is tx


def test_dropout_module_train_eval() -> None:
    torch.manual_seed(5)
    minigrad.manual_seed(5)
    th, mg = torch.nn.Dropout(0.25), minigrad.nn.Dropout(0.25)
    assert repr(mg) == repr(th)
    x = np.random.default_rng(0).standard_normal((6, 7)).astype(np.float32)
    assert np.array_equal(mg(minigrad.tensor(x)).numpy(), th(torch.tensor(x)).numpy())
    th.eval()
    mg.eval()
    assert np.array_equal(mg(minigrad.tensor(x)).numpy(), x)


def test_dropout_errors_match_torch() -> None:
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError) as th:
            torch.nn.functional.dropout(torch.ones(2), p)
        with pytest.raises(ValueError) as mg:
            minigrad.nn.functional.dropout(minigrad.ones(2), p)
        assert str(mg.value) == str(th.value)


# MKL's own viRngBernoulli(VSL_RNG_METHOD_BERNOULLI_ICDF) on a VSL_BRNG_MCG31 stream (the call torch makes on
# Intel CPUs), 256 draws per (seed, p), packed big-endian bit by bit: produced once with oneMKL 2026.2 through
# ctypes (the mkl wheel from PyPI, which runs on this AMD machine too), not by minigrad.
MKL_GOLDEN = [
    (0, 0.5, "b86b07c7c5e27ec4faab2f0bc085eb26bfcd49ace9063b855bf5a56bd8372550"),
    (1, 0.9, "fffbbfffe5ffffffffff7ffffdfdffbffffdfffff9fffffffbf7fdfffdffefde"),
    (2147483647, 0.3, "986206c500420ec0c8882a0a4084c326a5cc080800063a800be4216b48270440"),
    (4294967295, 0.75, "feeb27dfc5effeddfbef7f7bfdd5fb3effed6deef9c73ff7fbf7fd7bfc7f655a"),
    (3735928559, 0.1, "190304800000050010494000000c402000000080400004024001000000003000"),
    (123456789, 0.5, "e16e196a9df4651264490a9a2d1d5961f3b94197f467cc6a2b448439d13d216b"),
]


@pytest.mark.parametrize("seed,p,bits", MKL_GOLDEN)
def test_mcg31_bernoulli_is_mkls(seed: int, p: float, bits: str) -> None:
    from minigrad._random_bernoulli import mcg31_uniforms

    expected = np.unpackbits(np.frombuffer(bytes.fromhex(bits), np.uint8))
    assert np.array_equal((mcg31_uniforms(seed, 256) < p).astype(np.uint8), expected)


def test_mkl_path_seeds_the_stream_with_one_random_word() -> None:
    from minigrad import random as mg_random
    from minigrad._random_bernoulli import bernoulli_scalar, mcg31_uniforms

    gen = mg_random.Generator().manual_seed(11)
    ref = mg_random.Generator().manual_seed(11)
    word = int(ref._random32(1)[0])
    mask = bernoulli_scalar(gen, (3, 700), 0.4, np.dtype(np.float32), mkl_stream=True)
    assert np.array_equal(mask.reshape(-1), (mcg31_uniforms(word, 2100) < 0.4).astype(np.float32))
    assert np.array_equal(gen._random32(3), ref._random32(3))  # one word consumed, whatever the size
