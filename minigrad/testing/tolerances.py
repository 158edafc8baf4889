"""The tolerance policy: every comparison of minigrad against torch uses these numbers, and only these.

Why results can differ at all. minigrad and torch evaluate the same formulas in the same order where we
could make them (e.g. torch's ``(norm·(x − t))·g`` in the MSE gradient, its clamps in BCE), so many results
are bit-identical. Three things still differ by rounding, never by math:

1. Transcendental functions. torch's CPU kernels (SLEEF, vectorised) and NumPy's SIMD ``exp``/``log``/``tanh``
   are each faithfully rounded (error ≤ 1 ulp) but not always to the same neighbour: ≤ 2 ulp apart per call.
2. Reduction order. ``sum``/``mean``/matmul accumulate in different orders (pairwise vs. cascade vs. BLAS
   blocking, FMA or not): the error bound of an n-term sum is ~log2(n)·ε·Σ|xᵢ| (pairwise) — relative to the
   sum of magnitudes, not to the result, so cancellation needs an absolute term.
3. Propagation. Each training step feeds the last step's parameters forward, so differences compound roughly
   linearly with the number of dependent operations.

float64: ε = 2.2e-16, so even thousands of ops stay far below the rtol of 1e-10 the issue fixes; atol 1e-12
covers results that cancel to ~0. float32: ε = 1.19e-7 (2^-23); one op differs by ≤ 2 ulp, and a chain of k
dependent ops by about k·2 ulp; we allow ``rtol = 4·ε·k`` and ``atol = rtol·scale`` where ``scale`` is the
magnitude of the operands (so a result that cancels to near zero is judged against its inputs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Tolerance", "TOLERANCES", "tolerance", "assert_close", "ulp_distance", "max_ulp_distance",
           "max_abs_diff", "max_rel_diff", "training_ops", "training_tolerance", "finite_difference_tolerance",
           "ELEMENTWISE", "TRANSCENDENTAL", "GRAD_OF_TRANSCENDENTAL", "sum_ops"]

EPS32 = float(np.finfo(np.float32).eps)  # 2^-23
EPS64 = float(np.finfo(np.float64).eps)  # 2^-52


@dataclass(frozen=True)
class Tolerance:
    """``|a − b| ≤ atol + rtol·|b|`` elementwise, with the reason these numbers are right."""

    rtol: float
    atol: float
    reason: str


TOLERANCES: dict[str, Tolerance] = {
    "float64": Tolerance(
        rtol=1e-10, atol=1e-12,
        reason="float64 rounding (ε = 2.2e-16) stays orders of magnitude below 1e-10 for any op count here; "
        "atol covers results that cancel to ~0",
    ),
    "float32": Tolerance(
        rtol=4 * EPS32, atol=4 * EPS32,
        reason="one float32 op: NumPy and torch round transcendental functions and reductions to neighbouring "
        "floats (≤ 2 ulp apart); 4 ulp of headroom, and atol relative to unit-scale operands for cancellation",
    ),
}


# --------------------------------------------------------------------------- op counts (the ``n_ops`` of a result)
#: One IEEE operation (+ − × ÷, neg, abs, clamp, relu): correctly rounded on both sides, so results are normally
#: bit-identical; 1 op is the policy's floor.
ELEMENTWISE = 1
#: exp/log/tanh/sigmoid/pow: NumPy and torch (SLEEF) each round to ≤ 1 ulp, possibly to different neighbours, and
#: sigmoid is exp followed by an add and a divide.
TRANSCENDENTAL = 2
#: The gradient of a transcendental op: the forward's value (2) and the backward's multiplies by it.
GRAD_OF_TRANSCENDENTAL = 4


def sum_ops(n: int) -> int:
    """Op count of an n-term sum (sum, mean, a dot product, matmul, a gradient summed over a broadcast):
    ⌈log2 n⌉ + 1, the depth of a pairwise sum, whose error is ≤ ~log2(n)·ε relative to Σ|xᵢ| (pass that
    as ``scale``)."""
    return max(math.ceil(math.log2(max(n, 1))), 0) + 1


def tolerance(dtype: Any, n_ops: int = 1, scale: float = 1.0) -> Tolerance:
    """The tolerance for a result that went through ``n_ops`` dependent ops on operands of size ~``scale``.

    float64 uses the fixed rtol 1e-10 (it never needs more); float32 grows linearly: rtol = 4·ε·n_ops.
    """
    name = np.dtype(getattr(dtype, "np", dtype)).name
    if name == "float64":
        base = TOLERANCES["float64"]
        return Tolerance(base.rtol, base.atol * max(scale, 1.0), base.reason)
    if name in ("float32", "float16"):
        eps = EPS32 if name == "float32" else float(np.finfo(np.float16).eps)
        rtol = 4 * eps * max(n_ops, 1)
        return Tolerance(rtol, rtol * max(scale, 1e-30), f"float32, {n_ops} dependent op(s): 4·ε·n_ops")
    return Tolerance(0.0, 0.0, "integers and booleans must match exactly")


def finite_difference_tolerance(scale: float = 1.0) -> Tolerance:
    """An autograd gradient against float64 central differences (F(x + h) − F(x − h)) / 2h, h = ε^(1/3)·max(1, |x|).

    The difference quotient is off by truncation h²/6·|F'''| plus rounding ε·|F|/h, each ≈ 4e-11 for unit-scale
    F and F''' (ε^(2/3) = 3.7e-11); rtol = atol = 1e-6 leaves room for |F'''| up to ~1e4 times the gradient and
    ``scale`` (the magnitude of F's values) scales atol for the rounding term.
    """
    return Tolerance(1e-6, 1e-6 * max(scale, 1.0),
                     "float64 central differences: h²/6·|F'''| + ε·|F|/h ≈ 4e-11·(|F'''| + |F|), 1e-6 with headroom")


def _np(x: Any) -> np.ndarray:
    if hasattr(x, "detach") and hasattr(x, "numpy"):
        x = x.detach()
        x = x.cpu() if hasattr(x, "cpu") else x
        return np.asarray(x.numpy())
    return np.asarray(x)


def max_abs_diff(a: Any, b: Any) -> float:
    a, b = _np(a).astype(np.float64), _np(b).astype(np.float64)
    if a.size == 0:
        return 0.0
    both_nan = np.isnan(a) & np.isnan(b)
    same_inf = np.isinf(a) & (a == b)
    d = np.where(both_nan | same_inf, 0.0, np.abs(a - b))
    return float(np.nanmax(np.where(np.isnan(d), np.inf, d)))


def max_rel_diff(a: Any, b: Any) -> float:
    a, b = _np(a).astype(np.float64), _np(b).astype(np.float64)
    if a.size == 0:
        return 0.0
    both_nan = np.isnan(a) & np.isnan(b)
    same = (a == b) | both_nan
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(same, 0.0, np.abs(a - b) / np.maximum(np.abs(a), np.abs(b)))
    return float(np.max(np.where(np.isnan(r), np.inf, r)))


def ulp_distance(a: Any, b: Any) -> np.ndarray:
    """How many representable floats lie between a and b, elementwise, in their own dtype (float32/64)."""
    a, b = _np(a), _np(b)
    dt = np.result_type(a, b)
    if dt not in (np.float32, np.float64):
        dt = np.dtype(np.float64)
    itype = np.int32 if dt == np.float32 else np.int64
    ai, bi = a.astype(dt).view(itype).astype(np.int64), b.astype(dt).view(itype).astype(np.int64)
    # map the sign-magnitude float order onto a monotonic integer line
    minint = np.int64(np.iinfo(itype).min)
    ai = np.where(ai < 0, minint - ai, ai)
    bi = np.where(bi < 0, minint - bi, bi)
    d = np.abs(ai - bi)
    nan = np.isnan(a.astype(np.float64)) | np.isnan(b.astype(np.float64))
    both = np.isnan(a.astype(np.float64)) & np.isnan(b.astype(np.float64))
    return np.where(both, 0, np.where(nan, np.iinfo(np.int64).max, d))


def max_ulp_distance(a: Any, b: Any) -> int:
    d = ulp_distance(a, b)
    return int(d.max()) if d.size else 0


def assert_close(actual: Any, expected: Any, *, dtype: Any = None, n_ops: int = 1, scale: float | None = None,
                 what: str = "value") -> None:
    """Assert ``actual`` ≈ ``expected`` under the policy; the error names the worst element and both values.

    Shapes must match exactly. NaN must meet NaN and ±inf the same infinity (torch propagates them too).
    """
    a, e = _np(actual), _np(expected)
    if a.shape != e.shape:
        raise AssertionError(f"{what}: shape {a.shape} != expected {e.shape}")
    dt = dtype if dtype is not None else e.dtype
    if scale is None:
        finite = np.abs(e[np.isfinite(e)]) if e.dtype.kind == "f" else np.abs(e)
        scale = float(finite.max()) if finite.size else 1.0
        scale = max(scale, 1.0)
    tol = tolerance(dt, n_ops, scale)
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    nan_ok = np.isnan(a64) == np.isnan(e64)
    inf_ok = np.where(np.isinf(e64), a64 == e64, True)
    with np.errstate(invalid="ignore"):
        close = np.abs(a64 - e64) <= tol.atol + tol.rtol * np.abs(e64)
    ok = nan_ok & inf_ok & (close | np.isnan(e64) | np.isinf(e64))
    if not ok.all():
        idx = np.unravel_index(int(np.argmin(ok)), ok.shape) if ok.ndim else ()
        raise AssertionError(
            f"{what} differs at index {tuple(int(i) for i in idx)}: got {a64[idx]!r}, expected {e64[idx]!r} "
            f"(|Δ| = {abs(a64[idx] - e64[idx]):.3g}, allowed {tol.atol:.3g} + {tol.rtol:.3g}·|expected|; "
            f"{int((~ok).sum())} of {ok.size} elements out; max ulp {max_ulp_distance(a, e)}). Policy: {tol.reason}"
        )



# --------------------------------------------------------------------------- whole training runs
def training_ops(n_samples: int, n_features: int) -> int:
    """Dependent floating-point operations that one SGD step of a linear model (Linear, then an optional
    elementwise activation, then a reduced loss) adds to the chain behind each result.

    A reduction of m terms counts as ⌈log2 m⌉ levels (the depth of a pairwise sum; NumPy sums pairwise, torch
    in vectorised blocks): forward ``x·Wᵀ + b`` is ⌈log2 F⌉ + 1 ops, the activation and the elementwise loss 3,
    the loss's reduction over the n samples ⌈log2 n⌉ + 1, the backward's elementwise chain 3, the gradient's
    reduction over the samples (``Xᵀ·g``, and Σ g for the bias) ⌈log2 n⌉ + 1, the update ``p − lr·g`` 2, and 1
    for the propagation of the previous step's error through the new gradient.
    """
    log_n = math.ceil(math.log2(n_samples)) if n_samples > 1 else 0
    log_f = math.ceil(math.log2(n_features)) if n_features > 1 else 0
    return (log_f + 1) + 3 + (log_n + 1) + 3 + (log_n + 1) + 2 + 1


def training_tolerance(dtype: Any, steps: int, ops_per_step: int, scale: float) -> Tolerance:
    """The tolerance for a loss, gradient or parameter after ``steps`` SGD steps of ``ops_per_step`` ops each
    (see :func:`training_ops`), for a tensor whose magnitude reaches ``scale`` during the run.

    Why linear in the step count: the two engines' parameters differ after step t by Δₜ, and one more step gives
    Δₜ₊₁ = (I − lr·H)·Δₜ + δₜ, where H is the loss's Hessian and δₜ the fresh rounding of step t (≤ 4·ε per op
    of the step, as for one result). While SGD is stable (lr·λmax(H) < 2) the factor (I − lr·H) does not grow
    errors, so |Δₜ| ≤ Σₛ|δₛ|: at most t·ops_per_step ops' worth — the policy's 4·ε·n_ops with
    n_ops = steps·ops_per_step. (Rounding errors of different steps have random signs, so the measured
    differences stay far below this bound; it is a bound, not an estimate.) The absolute part is rtol·scale: a
    gradient computed while it was large keeps its absolute error when it shrinks toward the minimum.
    float64 keeps its policy (rtol 1e-10, atol 1e-12 per unit of scale) while 4·ε64·n_ops stays below
    1e-10 (up to ~10⁵ ops) and widens both in proportion beyond.
    """
    n_ops = max(steps, 1) * max(ops_per_step, 1)
    name = np.dtype(getattr(dtype, "np", dtype)).name
    if name == "float64":
        base = TOLERANCES["float64"]
        growth = max(1.0, 4 * EPS64 * n_ops / base.rtol)
        return Tolerance(base.rtol * growth, base.atol * growth * max(scale, 1.0),
                         f"float64, {steps} SGD step(s) × {ops_per_step} ops: the float64 policy (rtol 1e-10, atol "
                         f"1e-12·{max(scale, 1.0):.3g}, the tensor's largest magnitude in the run), widened only "
                         "when 4·ε·n_ops exceeds it")
    tol = tolerance(dtype, n_ops=n_ops, scale=scale)
    return Tolerance(tol.rtol, tol.atol,
                     f"{name}, {steps} SGD step(s) × {ops_per_step} dependent ops: rtol 4·ε·steps·ops_per_step "
                     f"= {tol.rtol:.3g}, atol rtol·{scale:.3g} (largest magnitude of the tensor in the run); errors "
                     "of a stable SGD run add up at most linearly over steps")
