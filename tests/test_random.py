"""minigrad.random must reproduce torch's CPU random streams bit for bit.

Every property draws the same thing from a ``minigrad.random.Generator`` and a
``torch.Generator`` seeded alike and requires identical bits (same dtype, shape,
values, signs of zeros), and identical generator states afterwards.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad import random as mr
from minigrad.testing import assert_same_error

TORCH_DTYPE = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64,
               np.dtype(np.int64): torch.int64, np.dtype(np.int32): torch.int32,
               np.dtype(np.int16): torch.int16, np.dtype(np.uint8): torch.uint8}

SPECIAL_SEEDS = [0, 1, 3, 42, 2**31 - 1, 2**32, 2**32 + 1, 67280421310721, 2**63, 2**64 - 1, -1, -42, -(2**63)]
seeds = st.one_of(st.sampled_from(SPECIAL_SEEDS), st.integers(-(2**63), 2**64 - 1))
# 0-d to 3-d, empty included; sizes cross the 16-element threshold of torch's normal kernel
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=9)
float_dtypes = st.sampled_from([np.dtype(np.float32), np.dtype(np.float64)])
sizes = st.one_of(st.integers(0, 40), st.integers(0, 3000))


def pair(seed: int) -> tuple[mr.Generator, torch.Generator]:
    return mr.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


def assert_same(ours: np.ndarray, theirs: torch.Tensor) -> None:
    ref = theirs.numpy()
    assert isinstance(ours, np.ndarray)
    assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
    assert ours.shape == ref.shape, (ours.shape, ref.shape)
    if ref.dtype.kind == "f":  # bitwise: also tells -0.0 from 0.0
        ours, ref = ours.view(f"u{ref.itemsize}"), ref.view(f"u{ref.itemsize}")
    mismatch = np.flatnonzero(ours.ravel() != ref.ravel())
    assert mismatch.size == 0, f"{mismatch.size} of {ref.size} differ, first at {mismatch[:5]}"


def assert_same_state(g: mr.Generator, tg: torch.Generator) -> None:
    ours, ref = g.get_state().numpy(), tg.get_state().numpy()
    assert ours.dtype == np.uint8 and ours.shape == ref.shape
    assert np.array_equal(ours, ref), f"state bytes differ at {np.flatnonzero(ours != ref)[:10]}"


# --------------------------------------------------------------------------- one distribution at a time


@settings(deadline=None)
@given(seed=seeds, shape=shapes, dtype=float_dtypes)
def test_rand(seed, shape, dtype):
    g, tg = pair(seed)
    for _ in range(2):
        assert_same(g.uniform(shape, dtype), torch.rand(shape, dtype=TORCH_DTYPE[dtype], generator=tg))
    assert_same_state(g, tg)


@settings(deadline=None)
@given(seed=seeds, shape=shapes, dtype=float_dtypes)
def test_randn(seed, shape, dtype):
    g, tg = pair(seed)
    for _ in range(3):  # odd small sizes leave a cached Box-Muller twin for the next call
        assert_same(g.normal(shape, dtype), torch.randn(shape, dtype=TORCH_DTYPE[dtype], generator=tg))
    assert_same_state(g, tg)


finite = {"allow_nan": False, "allow_infinity": False}


@settings(deadline=None)
@given(seed=seeds, shape=shapes, dtype=float_dtypes,
       low=st.one_of(st.floats(-1e6, 1e6, **finite), st.sampled_from([0.0, -1.0, -0.5, 1e-3])),
       width=st.one_of(st.floats(0, 1e6, **finite), st.sampled_from([0.0, 1.0, 2.0, 1e-7])))
def test_uniform_range(seed, shape, dtype, low, width):
    high = low + width
    g, tg = pair(seed)
    ref = torch.empty(shape, dtype=TORCH_DTYPE[dtype]).uniform_(low, high, generator=tg)
    assert_same(g.uniform(shape, dtype, low, high), ref)
    assert_same_state(g, tg)


@settings(deadline=None)
@given(seed=seeds, shape=shapes, dtype=float_dtypes,
       mean=st.one_of(st.floats(-1e4, 1e4, **finite), st.just(0.0)),
       std=st.one_of(st.floats(0, 1e4, **finite), st.sampled_from([0.0, 1.0, 1e-3])))
def test_normal_mean_std(seed, shape, dtype, mean, std):
    g, tg = pair(seed)
    for _ in range(2):
        ref = torch.empty(shape, dtype=TORCH_DTYPE[dtype]).normal_(mean, std, generator=tg)
        assert_same(g.normal(shape, dtype, mean, std), ref)
    assert_same_state(g, tg)


@settings(deadline=None)
@given(seed=seeds, rows=st.integers(2, 12), cols=st.integers(2, 12), dtype=float_dtypes,
       mean=st.floats(-10, 10, **finite), std=st.floats(0, 10, **finite))
def test_normal_on_non_contiguous_tensor(seed, rows, cols, dtype, mean, std):
    """torch fills a non-contiguous tensor element by element in memory order, never by blocks of 16."""
    g, tg = pair(seed)
    column_major = torch.empty(cols, rows, dtype=TORCH_DTYPE[dtype])
    column_major.t().normal_(mean, std, generator=tg)
    assert_same(g.normal((cols * rows,), dtype, mean, std, contiguous=False), column_major.reshape(-1))
    assert_same_state(g, tg)


spans = st.one_of(st.integers(1, 300), st.integers(2**28 - 3, 2**28 + 3), st.integers(1, 2**63 - 1))


@settings(deadline=None)
@given(seed=seeds, shape=shapes, span=spans, data=st.data())
def test_randint(seed, shape, span, data):
    low = data.draw(st.one_of(st.just(0), st.integers(-(2**63), 2**63 - 1 - span)), label="low")
    g, tg = pair(seed)
    assert_same(g.randint(low, low + span, shape), torch.randint(low, low + span, shape, generator=tg))
    assert_same_state(g, tg)


@settings(deadline=None)
@given(seed=seeds, shape=shapes, dtype=st.sampled_from([np.int32, np.int16, np.uint8]), data=st.data())
def test_randint_small_dtypes(seed, shape, dtype, data):
    info = np.iinfo(dtype)
    low = data.draw(st.integers(int(info.min), int(info.max)), label="low")
    high = data.draw(st.integers(low + 1, int(info.max) + 1), label="high")
    g, tg = pair(seed)
    ours = g.randint(low, high, shape, dtype)
    assert_same(ours, torch.randint(low, high, shape, dtype=TORCH_DTYPE[np.dtype(dtype)], generator=tg))


@settings(deadline=None)
@given(seed=seeds, shape=shapes, dtype=float_dtypes, bits=st.integers(0, 62), data=st.data())
def test_randint_float_dtypes(seed, shape, dtype, bits, data):
    """For float dtypes torch first moves the bounds inward to integers the float type can hold."""
    low = data.draw(st.integers(-(2**bits), 2**bits), label="low")
    high = data.draw(st.integers(low + 1, min(low + 2**bits + 1, 2**63 - 1)), label="high")
    g, tg = pair(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "to - 1 is out of bounds [-(2^24), 2^24]"
            ref = torch.randint(low, high, shape, dtype=TORCH_DTYPE[dtype], generator=tg)
    except RuntimeError:  # the bounds collapse once moved inward
        with pytest.raises(ValueError):
            g.randint(low, high, shape, dtype)
        return
    assert_same(g.randint(low, high, shape, dtype), ref)


@settings(deadline=None)
@given(seed=seeds, n=sizes, dtype=st.sampled_from([np.int64, np.int32, np.float32]))
def test_randperm(seed, n, dtype):
    g, tg = pair(seed)
    ours = g.randperm(n, dtype)
    assert_same(ours, torch.randperm(n, dtype={np.int64: torch.int64, np.int32: torch.int32,
                                                np.float32: torch.float32}[dtype], generator=tg))
    assert np.array_equal(np.sort(ours), np.arange(n, dtype=dtype))
    assert_same_state(g, tg)


# --------------------------------------------------------------------------- sequences and state

calls = st.one_of(
    st.tuples(st.just("rand"), shapes, float_dtypes),
    st.tuples(st.just("randn"), shapes, float_dtypes),
    st.tuples(st.just("uniform"), shapes, float_dtypes, st.floats(-10, 0, **finite), st.floats(0, 10, **finite)),
    st.tuples(st.just("normal"), shapes, float_dtypes, st.floats(-10, 10, **finite), st.floats(0, 10, **finite)),
    st.tuples(st.just("randint"), shapes, spans),
    st.tuples(st.just("randperm"), st.integers(0, 50)),
)


def run_call(call, g: mr.Generator, tg: torch.Generator) -> tuple[np.ndarray, torch.Tensor]:
    kind, *args = call
    if kind == "rand":
        shape, dt = args
        return g.uniform(shape, dt), torch.rand(shape, dtype=TORCH_DTYPE[dt], generator=tg)
    if kind == "randn":
        shape, dt = args
        return g.normal(shape, dt), torch.randn(shape, dtype=TORCH_DTYPE[dt], generator=tg)
    if kind == "uniform":
        shape, dt, a, b = args
        return g.uniform(shape, dt, a, b), torch.empty(shape, dtype=TORCH_DTYPE[dt]).uniform_(a, b, generator=tg)
    if kind == "normal":
        shape, dt, m, s = args
        return g.normal(shape, dt, m, s), torch.empty(shape, dtype=TORCH_DTYPE[dt]).normal_(m, s, generator=tg)
    if kind == "randint":
        shape, span = args
        return g.randint(-7, span - 7, shape), torch.randint(-7, span - 7, shape, generator=tg)
    (n,) = args
    return g.randperm(n), torch.randperm(n, generator=tg)


@settings(deadline=None)
@given(seed=seeds, sequence=st.lists(calls, max_size=12))
def test_mixed_sequences_stay_in_sync(seed, sequence):
    g, tg = pair(seed)
    for call in sequence:
        assert_same(*run_call(call, g, tg))
        assert_same_state(g, tg)


@settings(deadline=None)
@given(seed=seeds, before=st.lists(calls, max_size=6), after=st.lists(calls, min_size=1, max_size=6))
def test_states_are_interchangeable_with_torch(seed, before, after):
    g, tg = pair(seed)
    for call in before:
        run_call(call, g, tg)
    # torch -> minigrad, minigrad -> torch, and minigrad -> minigrad all continue the same stream
    g2 = mr.Generator().set_state(minigrad.from_numpy(tg.get_state().numpy()))  # torch's bytes, the same layout
    tg2 = torch.Generator().set_state(torch.from_numpy(g.get_state().numpy()))
    g3 = mr.Generator().set_state(g.get_state())
    assert g2.initial_seed() == g3.initial_seed() == tg.initial_seed() == tg2.initial_seed()
    spare = torch.Generator()
    for call in after:
        ours, ref = run_call(call, g, tg)
        ours2, ref2 = run_call(call, g2, tg2)
        ours3, _ = run_call(call, g3, spare)
        for x in (ours, ours2, ours3):
            assert_same(x, ref)
        assert_same(ours, ref2)
    assert_same_state(g, tg)
    assert_same_state(g2, tg2)


def test_get_state_bytes_after_seeding_and_draws():
    g, tg = pair(5)
    assert_same_state(g, tg)  # fresh: left=1, next=0
    assert_same(g.uniform((624,), np.float32), torch.rand(624, generator=tg))
    assert_same_state(g, tg)  # exhausted: left=1, next=624
    assert_same(g.normal((3,), np.float64), torch.randn(3, dtype=torch.float64, generator=tg))
    assert_same_state(g, tg)  # a cached normal sample is part of the state
    state = g.get_state()
    a = g.normal((1,), np.float32)
    g.set_state(state)
    assert np.array_equal(g.normal((1,), np.float32), a)


@pytest.mark.parametrize("cached", [1.25, -0.0, 0.0, -3e-310])
def test_cached_normal_samples_in_state_bytes(cached):
    state = torch.Generator().manual_seed(9).get_state().numpy().copy()
    state[5024:5032] = np.frombuffer(np.array([cached], "<f8").tobytes(), np.uint8)  # normal_y
    state[5040:5044] = np.frombuffer(np.array([1], "<i4").tobytes(), np.uint8)  # normal_is_valid
    state[5048:5052] = np.frombuffer(np.array([-2.5], "<f4").tobytes(), np.uint8)  # next_float_normal_sample
    state[5052] = 1
    g, tg = mr.Generator().set_state(minigrad.from_numpy(state)), torch.Generator().set_state(torch.from_numpy(state))
    assert_same_state(g, tg)
    ref = torch.empty(3, dtype=torch.float64).normal_(1.0, 2.0, generator=tg)  # the cached sample comes first
    assert_same(g.normal((3,), np.float64, 1.0, 2.0), ref)


def test_manual_seed_resets_cached_normal():
    g, tg = pair(11)
    assert_same(g.normal((1,), np.float32), torch.randn(1, generator=tg))
    g.manual_seed(11)
    tg.manual_seed(11)
    assert_same(g.normal((2,), np.float32), torch.randn(2, generator=tg))


@pytest.mark.parametrize("bad", [
    lambda L, s: s[:100], lambda L, s: L.zeros(5056, dtype=L.uint8), lambda L, s: s.float(), lambda L, s: s.numpy(),
    lambda L, s: list(s[:3]), lambda L, s: L.cat([s, s])[::2],
])
def test_set_state_rejects_bad_states_as_torch(bad):
    state = torch.Generator().manual_seed(3).get_state()
    assert_same_error(lambda: mr.Generator().set_state(bad(minigrad, minigrad.from_numpy(state.numpy()))),
                      lambda: torch.Generator().set_state(bad(torch, state)))
    assert_same_error(lambda: mr.set_rng_state(bad(minigrad, minigrad.from_numpy(state.numpy()))),
                      lambda: torch.set_rng_state(bad(torch, state)))


# --------------------------------------------------------------------------- seeding


@settings(deadline=None)
@given(seed=seeds)
def test_seed_semantics(seed):
    g, tg = pair(seed)
    assert g.initial_seed() == tg.initial_seed() == seed % 2**64
    assert_same_state(g, tg)


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1])
def test_seed_out_of_range(seed):
    with pytest.raises(ValueError):
        torch.Generator().manual_seed(seed)
    with pytest.raises(ValueError):
        mr.Generator().manual_seed(seed)


def test_default_seed_and_nondeterministic_seed():
    g, tg = mr.Generator(), torch.Generator()
    assert g.initial_seed() == tg.initial_seed() == 67280421310721
    assert_same(g.uniform((5,), np.float32), torch.rand(5, generator=tg))
    s = g.seed()
    assert 0 <= s < 2**64 and g.initial_seed() == s
    assert_same(g.normal((20,), np.float32), torch.randn(20, generator=torch.Generator().manual_seed(s)))
    assert len({mr.Generator().seed() for _ in range(4)}) == 4


def test_module_level_functions_use_default_generator():
    assert mr.manual_seed(1234) is mr.default_generator
    torch.manual_seed(1234)
    assert mr.initial_seed() == torch.initial_seed() == 1234
    assert_same(mr.default_generator.normal((3, 7), np.float32), torch.randn(3, 7))
    assert np.array_equal(mr.get_rng_state().numpy(), torch.get_rng_state().numpy())
    state = mr.get_rng_state()
    a = mr.default_generator.uniform((4,), np.float64)
    assert mr.set_rng_state(state) is None
    assert np.array_equal(mr.default_generator.uniform((4,), np.float64), a)
    assert mr.seed() == mr.initial_seed()


# --------------------------------------------------------------------------- torch.nn.Linear initialisation


@settings(deadline=None)
@given(seed=seeds, fan_in=st.integers(1, 64), fan_out=st.integers(1, 64))
def test_linear_init_float32(seed, fan_in, fan_out):
    torch.manual_seed(seed)
    lin = torch.nn.Linear(fan_in, fan_out)
    g = mr.Generator().manual_seed(seed)
    bound = 1 / math.sqrt(fan_in)
    assert_same(g.uniform((fan_out, fan_in), np.float32, -bound, bound), lin.weight.detach())
    assert_same(g.uniform((fan_out,), np.float32, -bound, bound), lin.bias.detach())


@settings(deadline=None)
@given(seed=seeds, fan_in=st.integers(1, 64), fan_out=st.integers(1, 64))
def test_linear_init_float64(seed, fan_in, fan_out):
    """In double precision the weight bound must be computed like kaiming_uniform_(a=sqrt(5))."""
    torch.manual_seed(seed)
    lin = torch.nn.Linear(fan_in, fan_out, dtype=torch.float64)
    g = mr.Generator().manual_seed(seed)
    gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
    w_bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
    b_bound = 1 / math.sqrt(fan_in)
    assert_same(g.uniform((fan_out, fan_in), np.float64, -w_bound, w_bound), lin.weight.detach())
    assert_same(g.uniform((fan_out,), np.float64, -b_bound, b_bound), lin.bias.detach())


# --------------------------------------------------------------------------- chosen uniforms for the normal kernel


def untemper(y: np.ndarray) -> np.ndarray:
    """Inverse of MT19937's output tempering."""
    y = y.astype(np.uint32)
    y ^= y >> np.uint32(18)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    x = y.copy()
    for _ in range(5):
        x = y ^ ((x << np.uint32(7)) & np.uint32(0x9D2C5680))
    y, x = x, x.copy()
    for _ in range(3):
        x = y ^ (x >> np.uint32(11))
    return x


def state_emitting(words: np.ndarray) -> np.ndarray:
    """A CPU generator state whose next ``len(words) <= 623`` raw outputs are ``words``."""
    key = np.zeros(624, np.uint64)
    key[1 : 1 + words.size] = untemper(words)
    state = np.zeros(5056, np.uint8)
    state[:24] = np.frombuffer(np.array([0], "<u8").tobytes() + np.array([624, 1], "<i4").tobytes()
                               + np.array([1], "<u8").tobytes(), np.uint8)  # seed, left, seeded, next
    state[24 : 24 + 624 * 8] = np.frombuffer(key.astype("<u8").tobytes(), np.uint8)
    return state


# 24-bit uniforms u = k / 2**24 next to the kernels' branch points: u1 = 1 - u at 1, at powers of two
# and at sqrt(1/2) (log), and theta = 2 pi u at multiples of pi/4 (sine/cosine octants)
_centers = ([0, 2**24 - round(2**24 * 0.70710678)] + [2**24 - 2 ** (24 - m) for m in range(1, 25)]
            + [j * 2**21 for j in range(8)])
edge_keys = sorted({(c + d) % 2**24 for c in _centers for d in range(-3, 4)})
keys = st.one_of(st.sampled_from(edge_keys), st.integers(0, 2**24 - 1))


@settings(deadline=None)
@given(blocks=st.lists(st.lists(keys, min_size=16, max_size=16), min_size=1, max_size=38),
       high_bits=st.integers(0, 255), dtype_mean_std=st.sampled_from([(0.0, 1.0), (0.5, 3.0), (-2.0, 1e-3)]))
def test_float32_normal_kernel_on_chosen_uniforms(blocks, high_bits, dtype_mean_std):
    words = np.array(blocks, np.uint32).ravel() | np.uint32(high_bits << 24)  # the top byte is ignored
    state = state_emitting(words)
    mean, std = dtype_mean_std
    g, tg = mr.Generator().set_state(minigrad.from_numpy(state)), torch.Generator().set_state(torch.from_numpy(state))
    ref = torch.empty(words.size).normal_(mean, std, generator=tg)
    assert_same(g.normal((words.size,), np.float32, mean, std), ref)


@pytest.mark.parametrize(("mean", "std"), [(0.0, 1.0), (0.5, 3.0)])
def test_float32_normal_kernel_on_all_edge_uniforms(mean, std):
    keys = np.array(edge_keys + edge_keys[: -len(edge_keys) % 8], np.uint32).reshape(-1, 8)
    blocks = np.concatenate([keys, keys[::-1]], axis=1)  # every edge key as u1 and as u2
    for start in range(0, len(blocks), 38):
        words = blocks[start : start + 38].ravel()
        state = state_emitting(words)
        g = mr.Generator().set_state(minigrad.from_numpy(state))
        tg = torch.Generator().set_state(torch.from_numpy(state))
        ref = torch.empty(words.size).normal_(mean, std, generator=tg)
        assert_same(g.normal((words.size,), np.float32, mean, std), ref)


def test_large_draws():
    g, tg = pair(2024)
    n = 200_003
    assert_same(g.uniform((n,), np.float32, -3, 5), torch.empty(n).uniform_(-3, 5, generator=tg))
    assert_same(g.normal((n,), np.float32), torch.randn(n, generator=tg))
    assert_same(g.normal((n,), np.float64, 2, 3), torch.empty(n, dtype=torch.float64).normal_(2, 3, generator=tg))
    assert_same(g.uniform((n,), np.float64), torch.rand(n, dtype=torch.float64, generator=tg))
    assert_same(g.randint(-5, 2**40, (n,)), torch.randint(-5, 2**40, (n,), generator=tg))
    assert_same(g.randperm(n), torch.randperm(n, generator=tg))
    assert_same_state(g, tg)


# --------------------------------------------------------------------------- the exact fused multiply-adds


def nearest_float32(q: Fraction) -> np.float32:
    """``q`` rounded to the nearest float32, ties to even (exact rational comparison)."""
    f = np.float32(float(q))  # within one ulp; the double rounding may pick the wrong neighbour
    candidates = [np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))]
    return min((c for c in candidates if np.isfinite(c)),
               key=lambda c: (abs(Fraction(float(c)) - q), int(np.array(c).view(np.int32)) & 1))


floats32 = st.floats(-(2.0**60), 2.0**60, width=32, **finite)


def tiny(max_exponent: int) -> st.SearchStrategy[float]:
    """Nonzero powers of two too small to survive a double-precision addition to a tie."""
    return st.builds(lambda s, e: s * 2.0**e, st.sampled_from([-1.0, 1.0]), st.integers(-100, max_exponent))


# odd M in [2**23, 2**25 / 3): 3 * M has 25 significant bits, exactly halfway between two floats
tie_factor = st.integers(2**22, 2**25 // 6 - 1).map(lambda j: 2 * j + 1)


@settings(deadline=None)
@given(args=st.one_of(
    st.tuples(floats32, floats32, floats32),
    st.builds(lambda m, e, c: (m * 2.0**-e, 3.0 * 2.0**e, c), tie_factor, st.integers(-20, 20), tiny(-30)),
))
def test_fma32_is_correctly_rounded(args):
    a, b, c = (np.float32(v) for v in args)
    exact = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    if abs(exact) >= 2**128:
        return
    expected = nearest_float32(exact) if exact else np.float32(float(a) * float(b) + float(c))  # signed zero
    ours = mr._fma32(np.array([a]), b, c)[0]
    assert ours.view(np.int32) == expected.view(np.int32)


floats64 = st.one_of(st.sampled_from([0.0, -0.0]), st.floats(-1e100, 1e100, **finite), st.floats(**finite))
odd_27bit = st.integers(0, 2**24).map(lambda v: 2**27 - 1 - 2 * v)  # a product of two: 54 bits, odd (a tie)


def nearest_float64(a: float, b: float, c: float) -> float:
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    if not exact:
        return a * b + c  # IEEE signed-zero rules
    try:
        return float(exact)  # int / int division rounds correctly (subnormals included)
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


@settings(deadline=None)
@given(args=st.one_of(
    st.tuples(floats64, floats64, floats64),
    st.tuples(odd_27bit, odd_27bit, tiny(-55)),
    st.tuples(floats64, floats64).map(lambda ab: (ab[0], ab[1], -ab[0] * ab[1]))  # cancellation
    .filter(lambda abc: math.isfinite(abc[2])),
))
def test_fma64_is_correctly_rounded(args):
    a, b, c = (float(v) for v in args)
    expected = nearest_float64(a, b, c)
    with np.errstate(all="ignore"):
        ours = mr._fma64(np.array([a]), b, c)[0]
    assert ours == expected and math.copysign(1, ours) == math.copysign(1, expected)


# --------------------------------------------------------------------------- errors leave the state alone


@pytest.mark.parametrize("bad", [
    lambda g: g.uniform((3,), np.float32, 2.0, 1.0),
    lambda g: g.uniform((3,), np.float32, 0.0, float("inf")),
    lambda g: g.uniform((0,), np.float32, 2.0, 1.0),
    lambda g: g.uniform((3,), np.float32, -3e38, 3e38),
    lambda g: g.normal((3,), np.float32, 0.0, -1.0),
    lambda g: g.randint(5, 5, (3,)),
    lambda g: g.randint(0, 300, (3,), np.uint8),
    lambda g: g.randperm(-1),
])
def test_invalid_arguments_raise_without_drawing(bad):
    g = mr.Generator().manual_seed(3)
    before = g.get_state()
    with pytest.raises(ValueError):
        bad(g)
    assert np.array_equal(g.get_state(), before)


def test_non_float_dtype_is_rejected():
    with pytest.raises(TypeError):
        mr.Generator().uniform((2,), np.float16)
    with pytest.raises(TypeError):
        mr.Generator().normal((2,), np.int64)


# --------------------------------------------------------------------------- CPU capability (kernel flavour)


def test_cpu_capability_matches_torch():
    torch_cap = torch.backends.cpu.get_cpu_capability().lower()
    assert mr.cpu_capability == (torch_cap if torch_cap in ("default", "avx2", "avx512") else "default")


_OTHER_KERNEL_SCRIPT = textwrap.dedent("""
    import json, numpy as np, torch
    from minigrad import random as mr
    rng = np.random.default_rng(0)
    bad = []
    for case in range(60):
        seed = int(rng.integers(0, 2**63))
        g, tg = mr.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
        for dt, tdt in ((np.float32, torch.float32), (np.float64, torch.float64)):
            n = int(rng.choice([1, 5, 16, 17, 100, 999]))
            m, s = float(rng.normal()), float(abs(rng.normal()) * 3)
            a, b = -float(abs(rng.normal())), float(abs(rng.normal()))
            pairs = [(g.normal((n,), dt), torch.randn(n, dtype=tdt, generator=tg)),
                     (g.normal((n,), dt, m, s), torch.empty(n, dtype=tdt).normal_(m, s, generator=tg)),
                     (g.uniform((n,), dt, a, b), torch.empty(n, dtype=tdt).uniform_(a, b, generator=tg))]
            bad += [[case, n, str(dt)] for ours, ref in pairs if not np.array_equal(ours, ref.numpy())]
    print(json.dumps({"capability": [mr.cpu_capability, torch.backends.cpu.get_cpu_capability()], "bad": bad}))
""")


@pytest.mark.parametrize("capability", ["default", "avx2", "avx512"])
def test_other_kernel_flavours_in_a_subprocess(capability):
    """Forces torch (and minigrad) onto another ATen kernel flavour through ATEN_CPU_CAPABILITY."""
    runnable = {"default", "avx2", "avx512"} if mr.cpu_capability == "avx512" else {"default", mr.cpu_capability}
    if capability == mr.cpu_capability or capability not in runnable:
        pytest.skip("covered in-process" if capability == mr.cpu_capability else f"no {capability} on this CPU")
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, ATEN_CPU_CAPABILITY=capability,
               PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", _OTHER_KERNEL_SCRIPT], env=env, capture_output=True, text=True,
                         check=True, timeout=300)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["capability"][0] == capability == result["capability"][1].lower()
    assert result["bad"] == []
