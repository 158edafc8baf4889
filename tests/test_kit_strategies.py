"""minigrad.testing.strategies: what each strategy promises, checked on what it draws (torch judges matmul)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from hypothesis import find, given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import assert_matches_torch
from minigrad.testing import strategies as mgst

ROOT = Path(__file__).resolve().parents[1]
TINY32 = np.finfo(np.float32).tiny


@given(mgst.arrays(mgst.dtypes()), mgst.arrays("float32", min_value=-1e30, max_value=1e30))
def test_arrays_are_finite_without_subnormals_by_default(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype in (np.float32, np.float64) and np.isfinite(a).all() and np.all(np.abs(a) <= 10)
    assert 0 <= a.ndim <= 3 and all(1 <= s <= 4 for s in a.shape)
    assert b.dtype == np.float32 and np.isfinite(b).all()
    assert not np.any((b != 0) & (np.abs(b) < TINY32))


def test_subnormals_nan_and_inf_only_when_asked() -> None:
    sub = find(mgst.arrays("float32", (3,), min_value=-1e-30, max_value=1e-30, allow_subnormal=True),
               lambda a: bool(np.any((a != 0) & (np.abs(a) < TINY32))))
    assert np.any((sub != 0) & (np.abs(sub) < TINY32))
    nan = find(mgst.arrays("float64", (3,), allow_nan=True),
               lambda a: bool(np.isnan(a).any()))
    assert np.isnan(nan).any()


@given(mgst.arrays(mgst.dtypes(floating=False, integer=True, boolean=True)))
def test_integer_and_bool_arrays(a: np.ndarray) -> None:
    assert a.dtype.kind in "biu"
    if a.dtype.kind != "b":
        assert np.all(a >= max(np.iinfo(a.dtype).min, -100)) and np.all(a <= 100)


@given(mgst.tensors("float32", requires_grad=True), mgst.tensors("float64", module=torch))
def test_tensors_of_either_library(a: minigrad.Tensor, b: torch.Tensor) -> None:
    assert isinstance(a, minigrad.Tensor) and a.requires_grad and a.dtype == minigrad.float32
    assert isinstance(b, torch.Tensor) and b.dtype == torch.float64 and not b.requires_grad


@given(st.integers(1, 4).flatmap(lambda n: mgst.broadcastable(n)))
def test_broadcastable_arrays_broadcast_in_torch(arrays: tuple[np.ndarray, ...]) -> None:
    expected = torch.broadcast_shapes(*(a.shape for a in arrays))
    assert np.broadcast_shapes(*(a.shape for a in arrays)) == tuple(expected)


@given(mgst.matmul_pairs())
def test_matmul_pairs_are_accepted_by_torch_and_minigrad_agrees(pair: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = pair
    torch.matmul(torch.tensor(a), torch.tensor(b))  # raises if the shapes do not fit
    assert_matches_torch(lambda T, x, y: x @ y, a, b, n_ops=4, grad_n_ops=8, scale=64.0, grad_scale=1024.0)


def test_matmul_pairs_cover_vectors_and_batches() -> None:
    find(mgst.matmul_pairs(), lambda p: p[0].ndim == 1 and p[1].ndim == 1)
    find(mgst.matmul_pairs(), lambda p: p[0].ndim >= 3 and p[1].ndim >= 3 and p[0].shape[:-2] != p[1].shape[:-2])


@given(mgst.probabilities(), mgst.probabilities(shape=(2, 3), normalized=False, dtype="float32"))
def test_probabilities(p: np.ndarray, q: np.ndarray) -> None:
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(p > 0)
    assert q.dtype == np.float32 and q.shape == (2, 3) and np.all((q >= 1e-3) & (q <= 1 - 1e-3))


@given(mgst.class_targets(5), mgst.class_targets(3, shape=(2, 4)))
def test_class_targets(t: np.ndarray, u: np.ndarray) -> None:
    assert t.dtype == np.int64 and t.ndim == 1 and np.all((t >= 0) & (t < 5))
    assert u.shape == (2, 4) and np.all((u >= 0) & (u < 3))


def test_dtypes_families() -> None:
    find(mgst.dtypes(half=True), lambda d: d == np.float16)
    find(mgst.dtypes(floating=False, boolean=True), lambda d: d == np.bool_)


def test_importing_minigrad_testing_does_not_import_hypothesis() -> None:
    code = ("import sys, minigrad.testing; assert 'hypothesis' not in sys.modules; "
            "import minigrad.testing.strategies; assert 'hypothesis' in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False)
    assert out.stdout.strip() == "ok", out.stderr
