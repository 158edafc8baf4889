"""The gradient-equivalence kit itself: correct ops pass, wrong backward rules fail naming the input, the
tolerance follows the policy (and n_ops), and the report says where and by how much.

Every expected gradient here comes from torch or from the test's own arithmetic, never from minigrad.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing import (
    GradcheckError,
    assert_matches_finite_differences,
    assert_matches_torch,
    compare_with_finite_differences,
    compare_with_torch,
    gradcheck,
    sum_ops,
    tolerance,
)

ROOT = Path(__file__).resolve().parents[1]
EPS32 = 2.0**-23
rng = np.random.default_rng(1234)
A = rng.normal(size=(3, 3))
B = rng.normal(size=(3, 3))


# ---------------------------------------------------------------------------------------------- custom Functions
def matmul_function(mistake: str | None) -> type:
    """``a @ b`` with a hand-written backward: right, or wrong in one way (for ``a`` or for ``b``)."""

    class MatMul(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx: Any, a: Any, b: Any) -> Any:
            ctx.save_for_backward(a, b)
            return a @ b

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            a, b = ctx.saved_tensors
            ga, gb = g @ b.T, a.T @ g  # dL/dA = G·Bᵀ, dL/dB = Aᵀ·G
            if mistake == "off by 2":
                ga = ga * 2
            elif mistake == "transposed":
                ga = g @ b  # forgot the transpose: same shape for square matrices, wrong values
            elif mistake == "sign":
                gb = -gb
            elif mistake == "upstream ignored":
                gb = a.T @ minigrad.ones_like(g)  # the rule for L = sum(A·B), whatever dL/dY is
            return ga, gb

    return MatMul


def mine(mistake: str | None) -> Any:
    fn = matmul_function(mistake)
    return lambda a, b: fn.apply(a, b)


def test_a_correct_function_passes_and_the_report_holds_torchs_values() -> None:
    report = assert_matches_torch(mine(None), A, B, torch_fn=torch.matmul)
    assert report.ok and [c.name for c in report.checks] == ["output", "grad a", "grad b"]
    # the gradients are the vector-Jacobian products with the report's cotangent: G·Bᵀ and Aᵀ·G, computed here
    g = report.cotangents[0]
    np.testing.assert_allclose(report.minigrad_inputs[0].grad.numpy(), g @ B.T, rtol=1e-12)
    np.testing.assert_allclose(report.torch_inputs[1].grad.numpy(), A.T @ g, rtol=1e-12)


@pytest.mark.parametrize("mistake, wrong", [("off by 2", "a"), ("transposed", "a"), ("sign", "b"),
                                            ("upstream ignored", "b")])
def test_a_wrong_backward_fails_naming_the_input(mistake: str, wrong: str) -> None:
    with pytest.raises(AssertionError) as info:
        assert_matches_torch(mine(mistake), A, B, torch_fn=torch.matmul)
    text = str(info.value)
    right = "b" if wrong == "a" else "a"
    assert f"FAIL (1 of 3 checks: grad {wrong})" in text
    for column in ("max|Δ|", "max rel", "ulp", "worst index", "minigrad", "torch", "allowed"):
        assert column in text
    report = compare_with_torch(mine(mistake), A, B, torch_fn=torch.matmul)
    assert [c.name for c in report.failures] == [f"grad {wrong}"]
    assert report.check("output").ok and report.check(f"grad {right}").ok
    bad = report.check(f"grad {wrong}")
    # the worst element and both values there, as torch and minigrad hold them
    i = wrong == "b"
    got = report.minigrad_inputs[i].grad.numpy()[bad.index]
    expected = report.torch_inputs[i].grad.numpy()[bad.index]
    assert (bad.got, bad.expected) == (got, expected)
    assert bad.max_abs == pytest.approx(np.abs(report.minigrad_inputs[i].grad.numpy()
                                               - report.torch_inputs[i].grad.numpy()).max())
    assert f"worst at {bad.index}: minigrad {float(got)!r}, torch {float(expected)!r}" in text


def test_an_ignored_upstream_gradient_needs_a_random_cotangent() -> None:
    """With dL/dY = 1 the mistake is invisible (the wrong rule is right for that one cotangent)."""
    assert compare_with_torch(mine("upstream ignored"), A, B, torch_fn=torch.matmul, cotangent="ones").ok
    assert not compare_with_torch(mine("upstream ignored"), A, B, torch_fn=torch.matmul).ok


def test_wrong_functions_fail_against_finite_differences_too() -> None:
    for mistake, wrong in [("off by 2", "a"), ("transposed", "a"), ("sign", "b"), ("upstream ignored", "b")]:
        report = compare_with_finite_differences(mine(mistake), A, B)
        assert [c.name for c in report.failures] == [f"grad {wrong}"], mistake
    assert_matches_finite_differences(mine(None), A, B)
    with pytest.raises(AssertionError, match="grad a"):
        assert_matches_finite_differences(mine("off by 2"), A, B)


def test_gradcheck_is_reexported_and_catches_a_wrong_rule() -> None:
    assert gradcheck is minigrad.autograd.gradcheck
    a = minigrad.tensor(A, requires_grad=True)
    b = minigrad.tensor(B, requires_grad=True)
    assert gradcheck(mine(None), (a, b))
    with pytest.raises(GradcheckError, match="with respect to input 1"):
        gradcheck(mine("sign"), (a, b))


# ---------------------------------------------------------------------------------------------- correct ops pass
X = rng.normal(size=(2, 3, 4))
W = rng.normal(size=(4, 5))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ops_written_once_pass_in_both_dtypes(dtype: str) -> None:
    assert_matches_torch(lambda T, x, w: T.tanh(x @ w).sum(dim=1), X, W, dtype=dtype,
                         n_ops=sum_ops(4) + 2 + sum_ops(3), check_graph=True)
    assert_matches_torch(lambda T, x, y: (x * y + 1) / (y * y + 1), X, X[0, :1], dtype=dtype)  # broadcasting


def test_nested_inputs_integer_inputs_and_several_outputs() -> None:
    x = rng.normal(size=(4, 3))
    target = np.array([0, 2, 1, 2])

    def fn(T: Any, pair: list[Any], t: Any) -> Any:
        u, v = pair
        return {"loss": ((u * v)[t] ** 2).mean(), "max": (u - v).max(dim=1)}  # t: integer rows to pick

    report = assert_matches_torch(fn, [x, x[::-1].copy()], target, n_ops=8)
    assert [c.name for c in report.checks] == ["output['loss']", "output['max'][0]", "output['max'][1]",
                                               "grad pair[0]", "grad pair[1]"]
    assert report.check("output['max'][1]").dtype == "int64"  # the indices: compared exactly
    assert not report.torch_inputs[1].requires_grad and report.minigrad_inputs[1].dtype == minigrad.int64


def test_requires_grad_per_input_and_a_given_cotangent() -> None:
    x, y = rng.normal(size=3), rng.normal(size=3)
    c = np.array([1.0, -2.0, 0.5])
    report = assert_matches_torch(lambda T, x, y: x * y * 3, x, y, requires_grad=[True, False], cotangent=c)
    assert [ch.name for ch in report.checks] == ["output", "grad x"]
    np.testing.assert_allclose(report.minigrad_inputs[0].grad.numpy(), 3 * y * c, rtol=1e-14)


def test_mismatched_dtype_shape_requires_grad_none_and_graph_are_reported() -> None:
    x = rng.normal(size=(2, 3))
    cases = [
        (lambda a: a.float(), lambda a: a, "dtype float32 != torch's float64"),
        (lambda a: a.sum(0), lambda a: a.sum(1), "shape (3,) != torch's (2,)"),
        (lambda a: a.detach() * 2, lambda a: a * 2, "requires_grad False != torch's True"),
    ]
    for fn, tfn, words in cases:
        report = compare_with_torch(fn, x, torch_fn=tfn)
        assert not report.ok and words in report.table(), words
    report = compare_with_torch(lambda a, b: a * 2, x, x, torch_fn=lambda a, b: a * 2 + b * 0)
    assert report.check("grad b").text == "minigrad's gradient is None, torch's is not"
    report = compare_with_torch(lambda a: a * 2, x, torch_fn=lambda a: a + a, check_graph=True)
    assert [c.name for c in report.failures] == ["graph of output"]
    assert "minigrad MulBackward0, torch AddBackward0" in report.check("graph of output").text


# ---------------------------------------------------------------------------------------------- the tolerance policy
def scaled(factor: float) -> Any:
    return lambda T, x: x * factor if T is minigrad else x


def test_float32_tolerance_grows_with_n_ops() -> None:
    """Values off by ~20 ulp relative: out for one op (4·ε·1), within for three (4·ε·3 = 12·ε, plus atol)."""
    x = np.linspace(1.0, 1.5, 6).astype(np.float32)
    off = np.float32(1 + 20 * EPS32)
    assert not compare_with_torch(scaled(off), x).check("output").ok
    report = compare_with_torch(scaled(off), x, n_ops=3)
    assert report.check("output").ok
    out = report.check("output")
    # allowed = atol·scale + rtol·|torch| with rtol = atol = 4·ε·n_ops and scale = max|torch| = 1.5
    assert out.allowed == pytest.approx(4 * EPS32 * 3 * 1.5 + 4 * EPS32 * 3 * abs(out.expected), rel=1e-12)
    grad = report.check("grad x")  # gradients: 2·n_ops by default
    assert grad.allowed == pytest.approx(4 * EPS32 * 6 * max(1.0, float(np.abs(report.torch_inputs[0].grad.numpy())
                                                                          .max())) + 4 * EPS32 * 6 * abs(grad.expected))
    assert tolerance("float32", 3).rtol == pytest.approx(12 * EPS32)


def test_float64_tolerance_ignores_n_ops() -> None:
    x = np.linspace(1.0, 1.5, 6)
    off = 1 + 1e-9  # far beyond float64's rtol 1e-10 whatever the op count
    for n in (1, 10, 1000):
        assert not compare_with_torch(scaled(off), x, n_ops=n).check("output").ok
    assert compare_with_torch(scaled(1 + 1e-12), x).ok


# ---------------------------------------------------------------------------------------------- without torch
def test_minigrad_and_the_kit_import_without_torch_or_hypothesis() -> None:
    code = """
import sys
sys.modules['torch'] = None  # import torch now raises ImportError
import numpy as np
import minigrad, minigrad.testing, minigrad.viz
assert 'hypothesis' not in sys.modules
try:
    minigrad.testing.assert_matches_torch(lambda T, x: x, np.ones(2))
except ImportError as e:
    assert 'torch is not installed' in str(e), e
else:
    raise SystemExit('no ImportError')
report = minigrad.testing.compare_with_finite_differences(lambda x: (x * x).sum(), np.array([1.0, 2.0]))
assert report.ok, report
print('ok')
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_a_run_judged_again_under_another_op_count() -> None:
    x = np.linspace(1.0, 1.5, 6).astype(np.float32)
    report = compare_with_torch(scaled(np.float32(1 + 20 * EPS32)), x)
    assert not report.ok
    again = report.with_tolerance(n_ops=3)
    assert again.ok and again.torch_inputs is report.torch_inputs  # the same run, not a new one
    assert again.check("grad x").allowed > report.check("grad x").allowed
