"""Random factories against torch: after the same ``manual_seed`` (or the same seeded ``Generator``) minigrad's
draws are bit-identical to torch's — torch.normal (every overload), bernoulli (tensor p), multinomial,
exponential_, random_, bernoulli_ — and the generator's state after each call is the same (the next draw
matches too). Every expected value is torch's own draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import random as mg_random
from minigrad.testing import assert_same_error, to_numpy

DTYPES = [("float32", minigrad.float32, torch.float32), ("float64", minigrad.float64, torch.float64)]
SIZES = [1, 3, 15, 16, 17, 40]


def same_stream(mg_fn: Callable[[Any], Any], th_fn: Callable[[Any], Any], seed: int = 0) -> None:
    """Both draws after seeding, with the default generator and with a seeded Generator passed as
    ``generator=``; then one more randn from each to show the generator states agree too."""
    minigrad.manual_seed(seed)
    torch.manual_seed(seed)
    a, b = mg_fn(None), th_fn(None)
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1]
    np.testing.assert_array_equal(to_numpy(minigrad.randn(5)), to_numpy(torch.randn(5)))
    gm, gt = mg_random.Generator().manual_seed(seed + 1), torch.Generator().manual_seed(seed + 1)
    np.testing.assert_array_equal(to_numpy(mg_fn(gm)), to_numpy(th_fn(gt)))
    np.testing.assert_array_equal(to_numpy(mg_fn(gm)), to_numpy(th_fn(gt)))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize(("name", "mdt", "tdt"), DTYPES)
def test_normal_overloads_match_torch(n: int, name: str, mdt: Any, tdt: Any) -> None:
    mean = np.linspace(-2, 2, n).astype(name)
    std = np.linspace(0.1, 3, n).astype(name)
    # (Tensor mean, Tensor std)
    same_stream(lambda g: minigrad.normal(minigrad.tensor(mean), minigrad.tensor(std), generator=g),
                lambda g: torch.normal(torch.tensor(mean), torch.tensor(std), generator=g))
    # (Tensor mean, float std)
    same_stream(lambda g: minigrad.normal(minigrad.tensor(mean), 0.5, generator=g),
                lambda g: torch.normal(torch.tensor(mean), 0.5, generator=g))
    same_stream(lambda g: minigrad.normal(minigrad.tensor(mean), generator=g),
                lambda g: torch.normal(torch.tensor(mean), generator=g))
    # (float mean, Tensor std)
    same_stream(lambda g: minigrad.normal(1.5, minigrad.tensor(std), generator=g),
                lambda g: torch.normal(1.5, torch.tensor(std), generator=g))
    # (float mean, float std, size)
    same_stream(lambda g: minigrad.normal(0.25, 2.0, (n, 2), generator=g, dtype=mdt),
                lambda g: torch.normal(0.25, 2.0, (n, 2), generator=g, dtype=tdt))


def test_normal_broadcasts_mean_and_std_like_torch() -> None:
    same_stream(lambda g: minigrad.normal(minigrad.zeros(4, 5), minigrad.ones(5), generator=g),
                lambda g: torch.normal(torch.zeros(4, 5), torch.ones(5), generator=g))


def test_normal_graph_and_zero_gradients_match_torch() -> None:
    cases = [
        (lambda lib, m, s: lib.bernoulli(s * 0.5), (False, True)),
        (lambda lib, m, s: lib.normal(m, s), (True, True)),
        (lambda lib, m, s: lib.normal(m, 2.0), (True, False)),
        (lambda lib, m, s: lib.normal(0.0, s), (False, True)),
    ]
    for fn, needs in cases:
        outs, grads = [], []
        for lib in (minigrad, torch):
            lib.manual_seed(3)
            m = lib.zeros(3, requires_grad=True)
            s = lib.ones(3, requires_grad=True)
            y = fn(lib, m, s)
            (y * 2).sum().backward()
            outs.append(y)
            grads.append((m.grad, s.grad))
        assert type(outs[0].grad_fn).__name__ == type(outs[1].grad_fn).__name__
        for (gm, gt), need in zip(zip(grads[0], grads[1]), needs):
            assert (gm is None) == (gt is None) == (not need)
            if need:
                np.testing.assert_array_equal(to_numpy(gm), to_numpy(gt))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize(("name", "mdt", "tdt"), DTYPES)
def test_bernoulli_tensor_p_matches_torch(n: int, name: str, mdt: Any, tdt: Any) -> None:
    p = np.linspace(0, 1, n).astype(name)
    same_stream(lambda g: minigrad.bernoulli(minigrad.tensor(p), generator=g),
                lambda g: torch.bernoulli(torch.tensor(p), generator=g))
    same_stream(lambda g: minigrad.empty(n, dtype=mdt).bernoulli_(minigrad.tensor(p), generator=g),
                lambda g: torch.empty(n, dtype=tdt).bernoulli_(torch.tensor(p), generator=g))
    # a float64 p into a float32 tensor draws double uniforms (p's type decides)
    same_stream(lambda g: minigrad.zeros(2, n).bernoulli_(minigrad.tensor(p.astype(np.float64)), generator=g),
                lambda g: torch.zeros(2, n).bernoulli_(torch.tensor(p.astype(np.float64)), generator=g))


@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 3), cats=st.integers(1, 12),
       k=st.integers(1, 30), replacement=st.booleans(), dtype=st.sampled_from(["float32", "float64"]),
       zeros=st.booleans())
def test_multinomial_matches_torch(seed: int, rows: int, cats: int, k: int, replacement: bool, dtype: str,
                                   zeros: bool) -> None:
    w = np.random.default_rng(seed).uniform(0, 3, (rows, cats)).astype(dtype)
    if zeros and cats > 1:
        w[:, 0] = 0
    if not replacement:
        k = min(k, cats)
    for probs in (w, w[0]):
        same_stream(lambda g, probs=probs: minigrad.multinomial(minigrad.tensor(probs), k, replacement, generator=g),
                    lambda g, probs=probs: torch.multinomial(torch.tensor(probs), k, replacement, generator=g),
                    seed=seed)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize(("name", "mdt", "tdt"), DTYPES)
def test_exponential_matches_torch(n: int, name: str, mdt: Any, tdt: Any) -> None:
    for lambd in (1.0, 0.3, 7.5):
        same_stream(lambda g, lambd=lambd: minigrad.empty(n, 2, dtype=mdt).exponential_(lambd, generator=g),
                    lambda g, lambd=lambd: torch.empty(n, 2, dtype=tdt).exponential_(lambd, generator=g))


RANDOM_DTYPES = ["float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool"]


@pytest.mark.parametrize("dtype", RANDOM_DTYPES)
def test_random_matches_torch(dtype: str) -> None:
    from minigrad.testing import minigrad_dtype, torch_dtype

    md, td = minigrad_dtype(dtype), torch_dtype(dtype)
    same_stream(lambda g: minigrad.empty(20, dtype=md).random_(generator=g),
                lambda g: torch.empty(20, dtype=td).random_(generator=g))
    if dtype != "bool":
        same_stream(lambda g: minigrad.empty(20, dtype=md).random_(100, generator=g),
                    lambda g: torch.empty(20, dtype=td).random_(100, generator=g))
        same_stream(lambda g: minigrad.empty(20, dtype=md).random_(3, 17, generator=g),
                    lambda g: torch.empty(20, dtype=td).random_(3, 17, generator=g))
    if dtype in ("int64", "float64"):  # a range of 2**32 or more draws 64-bit words
        same_stream(lambda g: minigrad.empty(20, dtype=md).random_(-(2**33), 2**33, generator=g),
                    lambda g: torch.empty(20, dtype=td).random_(-(2**33), 2**33, generator=g))


def test_random_float32_beyond_its_integers_is_refused() -> None:
    """torch warns and moves the bounds when float32 cannot hold them; minigrad refuses rather than differ."""
    with pytest.raises(NotImplementedError):
        minigrad.empty(3).random_(0, 2**25)
    minigrad.manual_seed(0)
    torch.manual_seed(0)
    np.testing.assert_array_equal(to_numpy(minigrad.empty(9).random_(-5, 2**24 + 1)),
                                  to_numpy(torch.empty(9).random_(-5, 2**24 + 1)))


def test_random_fills_on_a_leaf_that_requires_grad_refuse_like_torch() -> None:
    a, b = minigrad.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    assert_same_error(lambda: a.exponential_(), lambda: b.exponential_())
    assert_same_error(lambda: a.random_(), lambda: b.random_())


def test_random_errors_match_torch() -> None:
    cases: list[tuple[Callable[[], Any], Callable[[], Any]]] = [
        (lambda: minigrad.normal(minigrad.zeros(3), minigrad.tensor([1.0, -1.0, 1.0])),
         lambda: torch.normal(torch.zeros(3), torch.tensor([1.0, -1.0, 1.0]))),
        (lambda: minigrad.normal(minigrad.zeros(3), -1.0), lambda: torch.normal(torch.zeros(3), -1.0)),
        (lambda: minigrad.normal(minigrad.zeros(3, dtype=minigrad.int64), 1.0),
         lambda: torch.normal(torch.zeros(3, dtype=torch.int64), 1.0)),
        (lambda: minigrad.bernoulli(minigrad.tensor([1.5])), lambda: torch.bernoulli(torch.tensor([1.5]))),
        (lambda: minigrad.multinomial(minigrad.tensor([-1.0, 1.0]), 1),
         lambda: torch.multinomial(torch.tensor([-1.0, 1.0]), 1)),
        (lambda: minigrad.multinomial(minigrad.tensor([0.0, 0.0]), 1),
         lambda: torch.multinomial(torch.tensor([0.0, 0.0]), 1)),
        (lambda: minigrad.multinomial(minigrad.tensor([1.0, 1.0]), 3),
         lambda: torch.multinomial(torch.tensor([1.0, 1.0]), 3)),
        (lambda: minigrad.multinomial(minigrad.tensor([1.0, -1.0]), 3, True),
         lambda: torch.multinomial(torch.tensor([1.0, -1.0]), 3, True)),
        (lambda: minigrad.empty(3).exponential_(-1), lambda: torch.empty(3).exponential_(-1)),
        (lambda: minigrad.empty(3).random_(5, 2), lambda: torch.empty(3).random_(5, 2)),
    ]
    for mg, th in cases:
        assert_same_error(mg, th)


@pytest.mark.parametrize("n", [3, 16, 33])
@pytest.mark.parametrize(("name", "mdt", "tdt"), DTYPES)
def test_normal_and_uniform_fills_take_a_generator_like_torch(n: int, name: str, mdt: Any, tdt: Any) -> None:
    same_stream(lambda g: minigrad.empty(n, dtype=mdt).normal_(1.0, 2.0, generator=g),
                lambda g: torch.empty(n, dtype=tdt).normal_(1.0, 2.0, generator=g))
    same_stream(lambda g: minigrad.empty(n, dtype=mdt).uniform_(-3.0, 5.0, generator=g),
                lambda g: torch.empty(n, dtype=tdt).uniform_(-3.0, 5.0, generator=g))


def test_bernoulli_with_a_number_p() -> None:
    """A number p takes dropout's kernel (minigrad/_random_bernoulli.py, layers15's): torch's stream where that
    module is present; without it (this branch alone) a NotImplementedError that names the module."""
    import importlib.util

    assert_same_error(lambda: minigrad.empty(3).bernoulli_(1.5), lambda: torch.empty(3).bernoulli_(1.5))
    if importlib.util.find_spec("minigrad._random_bernoulli") is None:
        with pytest.raises(NotImplementedError, match="_random_bernoulli"):
            minigrad.empty(3).bernoulli_(0.5)
        return
    same_stream(lambda g: minigrad.empty(40).bernoulli_(0.3, generator=g),
                lambda g: torch.empty(40).bernoulli_(0.3, generator=g))
    same_stream(lambda g: minigrad.bernoulli(minigrad.empty(20), 0.7, generator=g),
                lambda g: torch.bernoulli(torch.empty(20), 0.7, generator=g))
