"""One comparison, one row: how far two arrays are apart, judged by a ``Tolerance``, and the table of rows.

The kit's reports (:func:`minigrad.testing.compare_with_torch`,
:func:`minigrad.testing.compare_with_finite_differences`) are lists of ``Check`` rows: which output or input,
max |Δ|, max relative Δ, the distance in ulps, the worst element's index and both values there, and what the
policy allowed at that element. The report prints as a table (pytest shows an ``AssertionError``'s text as
is) and displays as HTML in Jupyter.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad.testing.tolerances import Tolerance, max_ulp_distance

__all__ = ["Check", "Report", "judge", "problem"]


@dataclass(frozen=True)
class Check:
    """One compared pair (an output's values, or one input's gradient), or a structural problem."""

    name: str  # "output", "output[1]", "grad x", "grad w['bias']"...
    ok: bool
    text: str = ""  # in words, when the values were not compared: a dtype/shape/None mismatch, "None on both sides"
    dtype: str = ""
    shape: tuple[int, ...] | None = None
    max_abs: float | None = None
    max_rel: float | None = None
    max_ulp: int | None = None
    index: tuple[int, ...] | None = None  # the worst element: the largest |Δ| relative to what was allowed there
    got: float | None = None
    expected: float | None = None
    allowed: float | None = None  # atol + rtol·|expected| at ``index``
    n_bad: int = 0
    size: int = 0


def problem(name: str, text: str, *, dtype: str = "", shape: tuple[int, ...] | None = None) -> Check:
    """A failed check that never reached the values (a dtype, shape, None or requires_grad mismatch)."""
    return Check(name, False, text=text, dtype=dtype, shape=shape)


def _float(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float64) if a.dtype.kind != "c" else np.abs(a)


def judge(name: str, actual: Any, expected: Any, tol: Tolerance) -> Check:
    """Elementwise ``|actual − expected| ≤ atol + rtol·|expected|``; NaN must meet NaN and ±inf the same inf.

    The worst element is the one whose |Δ| is largest relative to what the policy allowed there (a NaN or inf
    mismatch counts as infinitely far)."""
    a, e = np.asarray(actual), np.asarray(expected)
    dt = str(e.dtype)
    if a.shape != e.shape:
        return problem(name, f"shape {a.shape} != expected {e.shape}", dtype=dt, shape=e.shape)
    a64, e64 = _float(a), _float(e)
    if e64.size == 0:
        return Check(name, True, dtype=dt, shape=e.shape, max_abs=0.0, max_rel=0.0, max_ulp=0, size=0)
    nan_a, nan_e = np.isnan(a64), np.isnan(e64)
    same = (a64 == e64) | (nan_a & nan_e)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(same, 0.0, np.abs(a64 - e64))
        diff = np.where(np.isnan(diff), np.inf, diff)
        allowed = tol.atol + tol.rtol * np.where(np.isfinite(e64), np.abs(e64), 0.0)
        rel = np.where(same, 0.0, diff / np.maximum(np.abs(a64), np.abs(e64)))
        rel = np.where(np.isnan(rel), np.inf, rel)
        finite_both = np.isfinite(a64) & np.isfinite(e64)
        ok = same | (finite_both & (diff <= allowed))
        excess = np.where(ok, 0.0, np.where(allowed > 0, diff / np.where(allowed > 0, allowed, 1.0), np.inf))
    flat = int(np.argmax(excess)) if not ok.all() else int(np.argmax(diff))
    idx = tuple(int(i) for i in np.unravel_index(flat, e.shape)) if e.ndim else ()
    ulp = max_ulp_distance(a, e) if e.dtype.kind == "f" and a.dtype == e.dtype else None
    return Check(name, bool(ok.all()), dtype=dt, shape=e.shape, max_abs=float(diff.max()), max_rel=float(rel.max()),
                 max_ulp=ulp, index=idx, got=float(a64[idx]), expected=float(e64[idx]), allowed=float(allowed[idx]),
                 n_bad=int((~ok).sum()), size=int(ok.size))


def _num(v: float | None, fmt: str = ".3g") -> str:
    return "-" if v is None else format(v, fmt)


def _ulps(n: int | None) -> str:
    """An ulp count; beyond 10⁶ (a sign flip, a value off by orders of magnitude) only its size says anything."""
    return "-" if n is None else (str(n) if n < 10**6 else format(float(n), ".1e"))


def _value(v: float | None) -> str:
    return "-" if v is None else format(v, ".9g")


@dataclass
class Report:
    """The checks of one comparison, with the tolerance policy that judged them."""

    title: str
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the policy and how the gradients were taken
    reference: str = "torch"  # the column of expected values: "torch" or "numerical"

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def check(self, name: str) -> Check:
        """The check called ``name`` ("output", "grad x", ...)."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(f"no check named {name!r}; the checks are {[c.name for c in self.checks]}")

    def _rows(self) -> list[list[str]]:
        head = ["check", "status", "dtype", "shape", "max|Δ|", "max rel", "ulp", "worst index", "minigrad",
                self.reference, "allowed"]
        rows = [head]
        for c in self.checks:
            status = "ok" if c.ok else "FAIL"
            if c.text:
                rows.append([c.name, status, c.dtype, "-" if c.shape is None else str(c.shape), c.text])
                continue
            rows.append([c.name, status, c.dtype, str(c.shape), _num(c.max_abs), _num(c.max_rel),
                         _ulps(c.max_ulp),
                         "-" if c.index is None or not c.max_abs else str(c.index),
                         _value(c.got if c.max_abs else None),
                         _value(c.expected if c.max_abs else None), _num(c.allowed if c.max_abs else None)])
        return rows

    def table(self) -> str:
        """The report as text: a title line, one row per check, then the failures in words and the policy."""
        rows = self._rows()
        n = len(rows[0])
        widths = [max(len(r[i]) for r in rows if len(r) == n and i < len(r)) for i in range(n)]
        lines = [self.verdict()]
        for r in rows:
            if len(r) == n:
                lines.append("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
            else:  # a problem row: the first columns, then the problem in words
                lines.append("  ".join(v.ljust(w) for v, w in zip(r[:4], widths)) + "  " + r[4])
        for c in self.failures:
            if not c.text:
                lines.append(f"{c.name}: {c.n_bad} of {c.size} elements out of tolerance; worst at {c.index}: "
                             f"minigrad {c.got!r}, {self.reference} {c.expected!r}, |Δ| {_num(c.max_abs)} > "
                             f"allowed {_num(c.allowed)}")
        lines += self.notes
        return "\n".join(lines)

    def verdict(self) -> str:
        bad = self.failures
        if not bad:
            return f"{self.title}: PASS ({len(self.checks)} checks)"
        return f"{self.title}: FAIL ({len(bad)} of {len(self.checks)} checks: {', '.join(c.name for c in bad)})"

    def __str__(self) -> str:
        return self.table()

    def raise_if_failed(self) -> None:
        """AssertionError carrying the table when any check failed."""
        if not self.ok:
            raise AssertionError(self.table())

    # -- notebooks ---------------------------------------------------------------------------------------
    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.table())

    def _repr_html_(self) -> str:
        rows = self._rows()
        n = len(rows[0])
        out = [f"<p><b>{html.escape(self.verdict())}</b></p>", "<table>",
               "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in rows[0]) + "</tr>"]
        for r in rows[1:]:
            color = "#c00000" if r[1] == "FAIL" else "#1a7f37"
            cells = [f"<td>{html.escape(v)}</td>" for v in r]
            cells[1] = f'<td style="color:{color}"><b>{html.escape(r[1])}</b></td>'
            if len(r) < n:
                cells[-1] = f'<td colspan="{n - len(r) + 1}">{html.escape(r[-1])}</td>'
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</table>")
        out += [f"<p><small>{html.escape(note)}</small></p>" for note in self.notes]
        return "\n".join(out)
