"""Activations and softmax against torch: values, gradients, dtypes, node names, warnings, errors, module reprs.

Every expected value is torch's, computed in the test; comparisons go through the tolerance policy
(``minigrad.testing.tolerances``) with the op counts stated next to each call.
"""

from __future__ import annotations

import math
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
    GRAD_OF_TRANSCENDENTAL,
    TRANSCENDENTAL,
    assert_same_error,
    assert_same_graph,
    capture_error,
    compare_with_torch,
    sum_ops,
    to_numpy,
    warnings_of,
)
from minigrad.testing import strategies as mgst

FLOATS = ["float32", "float64"]


# inputs' values and cotangents as drawn before the kit: subnormals included; cotangents float32-representable
COTANGENT = mgst.floats("float32", -2.0, 2.0, allow_subnormal=True)


# each activation: (call(lib, x), forward op count, gradient op count) under the float32 policy
# gelu: erf (≤ 1 ulp in double, rounded) then ×, +, ×: 3; its gradient adds exp and 4 more multiplies/adds.
ACTIVATIONS: dict[str, tuple[Callable[[Any, Any], Any], int, int]] = {
    "leaky_relu": (lambda L, x: L.nn.functional.leaky_relu(x, 0.1), 1, 1),
    "elu": (lambda L, x: L.nn.functional.elu(x, 0.7), TRANSCENDENTAL, GRAD_OF_TRANSCENDENTAL),
    "gelu": (lambda L, x: L.nn.functional.gelu(x), 3, 6),
    "gelu_tanh": (lambda L, x: L.nn.functional.gelu(x, approximate="tanh"), 6, 10),
    "silu": (lambda L, x: L.nn.functional.silu(x), 3, 6),
    "softplus": (lambda L, x: L.nn.functional.softplus(x, beta=1.5, threshold=4.0), 3, 4),
    "hardtanh": (lambda L, x: L.nn.functional.hardtanh(x, -2.0, 3.0), 1, 1),
    "relu6": (lambda L, x: L.nn.functional.relu6(x * 1.0), 1, 1),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_activation_matches_torch(name: str, dtype: str, data: st.DataObject) -> None:
    fn, n_ops, grad_ops = ACTIVATIONS[name]
    x = data.draw(mgst.arrays(dtype, mgst.shapes(1, 3, max_side=5), min_value=-8.0, max_value=8.0,
                              allow_subnormal=True))
    g = data.draw(mgst.arrays(dtype, x.shape, COTANGENT))
    res = compare_with_torch(fn, x, cotangent=g)
    res.with_tolerance(n_ops=n_ops, grad_n_ops=grad_ops).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradcheck(name: str) -> None:
    fn = ACTIVATIONS[name][0]
    x = np.array([-3.5, -1.2, -0.3, 0.4, 1.7, 2.6, 5.5]).reshape(7)  # no point on a kink (0, −2, 3, 6)
    assert gradcheck(lambda t: fn(minigrad, t), (minigrad.tensor(x, requires_grad=True),))


@pytest.mark.parametrize("dtype", FLOATS)
def test_activation_edges(dtype: str) -> None:
    """Very large and very small inputs (exp overflows in the unused branch), infinities and NaN, as torch."""
    x = np.array([-1e4, -100.0, -30.0, -1e-30, 0.0, 1e-30, 30.0, 100.0, 1e4, np.inf, -np.inf, np.nan], dtype=dtype)
    for name, (fn, n_ops, _) in ACTIVATIONS.items():
        # KNOWN: torch's float32 (vectorised) gelu gives nan at +inf; minigrad gives inf, as torch's float64
        xs = x[:-3] if name == "gelu" and dtype == "float32" else x
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no NumPy overflow warning leaks out
            mg = fn(minigrad, minigrad.tensor(xs))
        th = fn(torch, torch.tensor(xs))
        from minigrad.testing import assert_close

        assert_close(to_numpy(mg), to_numpy(th), n_ops=n_ops, scale=1.0, what=name)


def test_inplace_activations_match_torch() -> None:
    x = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0, 7.0]])
    for call in (lambda L, t: L.nn.functional.leaky_relu(t * 1, 0.2, inplace=True),
                 lambda L, t: L.nn.functional.elu(t * 1, inplace=True),
                 lambda L, t: L.nn.functional.hardtanh(t * 1, inplace=True),
                 lambda L, t: L.nn.functional.relu6(t * 1, inplace=True),
                 lambda L, t: L.nn.functional.silu(t * 1, inplace=True)):
        res = compare_with_torch(call, x, cotangent="ones")
        res.with_tolerance(n_ops=TRANSCENDENTAL, grad_n_ops=GRAD_OF_TRANSCENDENTAL).raise_if_failed()
        assert_same_graph(res.minigrad_output, res.torch_output)
    m, t = minigrad.tensor(x), torch.tensor(x)
    assert minigrad.nn.functional.elu(m, inplace=True) is m
    torch.nn.functional.elu(t, inplace=True)
    np.testing.assert_array_equal(to_numpy(m), to_numpy(t))
    assert m._version == t._version
    leaf, tleaf = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    assert_same_error(lambda: minigrad.nn.functional.leaky_relu(leaf, inplace=True),
                      lambda: torch.nn.functional.leaky_relu(tleaf, inplace=True))


def test_hardtanh_keeps_integers() -> None:
    x = np.array([1, 5, -3, 0], dtype=np.int64)
    mg = minigrad.nn.functional.hardtanh(minigrad.tensor(x), -2.5, 2.5)
    th = torch.nn.functional.hardtanh(torch.tensor(x), -2.5, 2.5)
    assert str(mg.dtype) == "minigrad.int64" and th.dtype == torch.int64
    np.testing.assert_array_equal(to_numpy(mg), to_numpy(th))


# ---------------------------------------------------------------------------------------------- softmax
def _softmax_dims(x: np.ndarray) -> st.SearchStrategy[int]:
    return st.integers(-max(x.ndim, 1), max(x.ndim, 1) - 1)


@pytest.mark.parametrize("which", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", FLOATS)
@given(data=st.data())
def test_softmax_matches_torch(which: str, dtype: str, data: st.DataObject) -> None:
    x = data.draw(mgst.arrays(dtype, mgst.shapes(0, 3, max_side=5), min_value=-50.0, max_value=50.0,
                              allow_subnormal=True))
    dim = data.draw(_softmax_dims(x))
    g = data.draw(mgst.arrays(dtype, x.shape, COTANGENT))
    res = compare_with_torch(lambda L, t: getattr(L, which)(t, dim), x, cotangent=g)
    n = x.shape[dim] if x.ndim else 1
    # exp, a sum of n terms, a divide (or log); the gradient adds a product, another n-term sum and a multiply
    res.with_tolerance(n_ops=TRANSCENDENTAL + sum_ops(n) + 1, grad_n_ops=GRAD_OF_TRANSCENDENTAL + sum_ops(n) + 2,
                       scale=1.0 if which == "softmax" else None, grad_scale=2.0 * n).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


@pytest.mark.parametrize("which", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_large_logits_stay_finite(which: str, dtype: str) -> None:
    x = np.array([[1000.0, 0.0, -1000.0], [88.0, 89.0, 90.0], [1e30, 1e30, -1e30], [-1e4, -1e4, -1e4]], dtype=dtype)
    res = compare_with_torch(lambda L, t: getattr(L.nn.functional, which)(t, dim=1), x, cotangent="ones")
    assert np.isfinite(to_numpy(res.minigrad_output)).all()
    res.with_tolerance(n_ops=4, grad_n_ops=6).raise_if_failed()


def test_softmax_nonfinite_rows_are_torchs() -> None:
    x = np.array([[-np.inf, -np.inf], [np.inf, 0.0], [np.nan, 1.0], [-np.inf, 0.0]])
    for which in ("softmax", "log_softmax"):
        mg = getattr(minigrad.nn.functional, which)(minigrad.tensor(x), 1)
        th = getattr(torch.nn.functional, which)(torch.tensor(x), 1)
        np.testing.assert_array_equal(to_numpy(mg), to_numpy(th))


def test_softmax_gradcheck() -> None:
    x = minigrad.tensor(np.random.default_rng(1).standard_normal((3, 4, 2)), requires_grad=True)
    for dim in (0, 1, -1):
        assert gradcheck(lambda t, d=dim: minigrad.softmax(t, d), (x,))
        assert gradcheck(lambda t, d=dim: minigrad.log_softmax(t, d), (x,))


@pytest.mark.parametrize("ndim", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("which", ["softmax", "log_softmax"])
def test_implicit_dim_warns_and_picks_torchs_dim(which: str, ndim: int) -> None:
    x = np.random.default_rng(ndim).standard_normal((2, 3, 4, 5)[:ndim])
    mg_w = warnings_of(lambda: getattr(minigrad.nn.functional, which)(minigrad.tensor(x)))
    th_w = warnings_of(lambda: getattr(torch.nn.functional, which)(torch.tensor(x)))
    assert mg_w == th_w and len(th_w) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mg = getattr(minigrad.nn.functional, which)(minigrad.tensor(x))
        th = getattr(torch.nn.functional, which)(torch.tensor(x))
    from minigrad.testing import assert_close

    assert_close(to_numpy(mg), to_numpy(th), n_ops=4)


def test_implicit_dim_warning_points_at_the_caller() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        minigrad.nn.functional.softmax(minigrad.tensor([1.0, 2.0]))
        minigrad.nn.Softmax()(minigrad.tensor([1.0, 2.0]))
    assert caught[0].filename == __file__
    assert len(caught) == 2


def test_softmax_dtype_argument() -> None:
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    res = compare_with_torch(lambda L, t: L.softmax(t, 1, dtype=L.float64), x, cotangent="ones")
    res.with_tolerance(n_ops=4, grad_n_ops=6).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)
    same = compare_with_torch(lambda L, t: L.nn.functional.log_softmax(t, 1, dtype=L.float32), x, cotangent="ones")
    assert_same_graph(same.minigrad_output, same.torch_output)
    ints = np.array([[1, 2, 3]])
    mg = minigrad.tensor(ints).softmax(1, dtype=minigrad.float64)
    th = torch.tensor(ints).softmax(1, dtype=torch.float64)
    assert str(mg.dtype) == "minigrad.float64"
    np.testing.assert_allclose(to_numpy(mg), to_numpy(th), rtol=1e-12)


SOFTMAX_ERRORS: list[tuple[str, Callable[[Any], Any]]] = [
    ("int lastdim", lambda L: L.nn.functional.softmax(L.ones(3, 4, dtype=L.long), 1)),
    ("int dim 0", lambda L: L.nn.functional.log_softmax(L.ones(3, 4, dtype=L.long), 0)),
    ("bool", lambda L: L.softmax(L.ones(3, 4, dtype=L.bool), -1)),
    ("dim out of range", lambda L: L.nn.functional.softmax(L.ones(3, 4), 2)),
    ("dim required (torch.softmax)", lambda L: L.softmax(L.ones(3))),
    ("dim required (Tensor.log_softmax)", lambda L: L.ones(3).log_softmax()),
    ("float dim", lambda L: L.nn.functional.softmax(L.ones(3, 4), 1.5)),
    ("int dtype", lambda L: L.softmax(L.ones(3, 4), 1, dtype=L.long)),
    ("gelu approximate", lambda L: L.nn.functional.gelu(L.ones(3), approximate="fast")),
    ("gelu int", lambda L: L.nn.functional.gelu(L.ones(3, dtype=L.long))),
    ("silu int", lambda L: L.nn.functional.silu(L.ones(3, dtype=L.long))),
    ("elu bool", lambda L: L.nn.functional.elu(L.ones(3, dtype=L.bool))),
    ("leaky_relu int", lambda L: L.nn.functional.leaky_relu(L.ones(3, dtype=L.long))),
    ("softplus int", lambda L: L.nn.functional.softplus(L.ones(3, dtype=L.long))),
    ("hardtanh bounds", lambda L: L.nn.functional.hardtanh(L.ones(3), 1.0, -1.0)),
    ("relu6 bool", lambda L: L.nn.functional.relu6(L.ones(3, dtype=L.bool))),
    ("not a tensor", lambda L: L.nn.functional.leaky_relu([1.0, 2.0])),
]


@pytest.mark.parametrize("case", SOFTMAX_ERRORS, ids=[c[0] for c in SOFTMAX_ERRORS])
def test_errors_match_torch(case: tuple[str, Callable[[Any], Any]]) -> None:
    assert_same_error(lambda: case[1](minigrad), lambda: case[1](torch))


# ---------------------------------------------------------------------------------------------- modules
MODULES: list[Callable[[Any], Any]] = [
    lambda nn: nn.Softmax(dim=1), lambda nn: nn.Softmax(), lambda nn: nn.LogSoftmax(-1),
    lambda nn: nn.LeakyReLU(), lambda nn: nn.LeakyReLU(0.2, inplace=True), lambda nn: nn.ELU(),
    lambda nn: nn.ELU(2, True), lambda nn: nn.GELU(), lambda nn: nn.GELU("tanh"), lambda nn: nn.SiLU(),
    lambda nn: nn.SiLU(True), lambda nn: nn.Softplus(), lambda nn: nn.Softplus(2, 10), lambda nn: nn.Hardtanh(),
    lambda nn: nn.Hardtanh(-2, 2, True), lambda nn: nn.ReLU6(), lambda nn: nn.ReLU6(True), lambda nn: nn.ReLU(True),
    lambda nn: nn.Flatten(), lambda nn: nn.Flatten(0, 2), lambda nn: nn.Unflatten(1, (2, 3)),
    lambda nn: nn.Unflatten(-2, [3, 2]),
]


@pytest.mark.parametrize("i", range(len(MODULES)))
def test_module_repr_and_output_match_torch(i: int) -> None:
    mg, th = MODULES[i](minigrad.nn), MODULES[i](torch.nn)
    assert repr(mg) == repr(th)
    x = np.random.default_rng(i).standard_normal((2, 6, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = compare_with_torch(lambda L, t: (mg if L is minigrad else th)(t * 1.0), x, cotangent="ones")
    res.with_tolerance(n_ops=6, grad_n_ops=10).raise_if_failed()
    assert_same_graph(res.minigrad_output, res.torch_output)


def test_sequential_print_matches_torch() -> None:
    def build(nn: Any) -> Any:
        return nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.GELU(), nn.Dropout(0.5) if False else nn.SiLU(),
                             nn.Linear(3, 4), nn.Unflatten(1, (2, 2)), nn.LogSoftmax(dim=-1))

    assert repr(build(minigrad.nn)) == repr(build(torch.nn))


def test_flatten_unflatten_errors_match_torch() -> None:
    for sizes in ((2, 3), (-1, 3)):
        assert_same_error(lambda s=sizes: minigrad.nn.Unflatten(1, s)(minigrad.ones(2, 4)),
                          lambda s=sizes: torch.nn.Unflatten(1, s)(torch.ones(2, 4)))
    # torch appends its C++ stack trace to this one: the first two lines are the message
    mg_err = capture_error(lambda: minigrad.nn.Unflatten(1, (-1, -1))(minigrad.ones(2, 4)))
    th_err = capture_error(lambda: torch.nn.Unflatten(1, (-1, -1))(torch.ones(2, 4)))
    assert type(mg_err) is type(th_err)
    assert str(mg_err).splitlines() == str(th_err).splitlines()[:2]
    assert_same_error(lambda: minigrad.nn.Unflatten(1, 4), lambda: torch.nn.Unflatten(1, 4))
    assert_same_error(lambda: minigrad.nn.Flatten(2, 1)(minigrad.ones(2, 3, 4)),
                      lambda: torch.nn.Flatten(2, 1)(torch.ones(2, 3, 4)))
    assert_same_error(lambda: minigrad.nn.Hardtanh(1, -1), lambda: torch.nn.Hardtanh(1, -1))


def test_gelu_exact_uses_erf() -> None:
    """Φ(x) through erf, not the tanh approximation: at x = 1 the two differ by ~1.6e-4, far above float64's
    tolerance, so this fails if 'none' were computed with tanh."""
    mg = minigrad.nn.functional.gelu(minigrad.tensor([1.0], dtype=minigrad.float64)).item()
    assert mg == pytest.approx(0.5 * (1 + math.erf(1 / math.sqrt(2))), rel=1e-15)
    th = torch.nn.functional.gelu(torch.tensor([1.0], dtype=torch.float64)).item()
    assert mg == pytest.approx(th, rel=1e-14)


@pytest.mark.parametrize("name", [*sorted(ACTIVATIONS), "softmax", "log_softmax"])
def test_float16_computes_in_float32_as_torch(name: str) -> None:
    """torch's CPU kernels compute float16 in float32 and round once; so does minigrad: the forward values are
    torch's bit for bit here (computing in float16 differs in the last bit for ~10-50% of them), the gradients
    within the float16 policy (4·ε₁₆). (gelu 'tanh': NumPy's and torch's float32 tanh differ by an ulp, which
    can move the rounding to float16: policy only; so are log_softmax, whose float32 log/exp differ by an ulp
    from torch's vectorised ones, and softmax over a dim other than the last.)"""
    x = (np.random.default_rng(2).standard_normal((6, 5)) * 3).astype(np.float16)
    fn = ACTIVATIONS[name][0] if name in ACTIVATIONS else (lambda L, t: getattr(L, name)(t, -1))
    res = compare_with_torch(fn, x, cotangent="ones")
    assert str(res.minigrad_output.dtype) == "minigrad.float16"
    dim0 = (compare_with_torch(lambda L, t: getattr(L, name)(t, 0), x, cotangent="ones") if name not in ACTIVATIONS
            else res)
    dim0.with_tolerance(n_ops=1, grad_n_ops=2).raise_if_failed()
    if name not in ("gelu_tanh", "log_softmax"):
        np.testing.assert_array_equal(to_numpy(res.minigrad_output), to_numpy(res.torch_output))
    res.with_tolerance(n_ops=1, grad_n_ops=2).raise_if_failed()
