"""Run a minigrad training pipeline and its torch twin in lockstep and compare them at every step.

    mg, th = make_pipelines(...)                 # or Pipeline(model, criterion, optimizer, inputs, targets)
    trace = run_mirror(mg, th, steps=100)        # checks both start from identical parameters and data
    print(trace.report())                        # per-step max |Δ|, relative Δ and ULP distance
    assert_mirrored(trace)                       # AssertionError naming step, tensor, element, values, tolerance

At every step each side runs the training step of the tutorials —

    loss = criterion(model(inputs), targets); loss.backward(); optimizer.step(); optimizer.zero_grad()

— and the trace records, from both sides: the loss, every parameter's gradient (after ``backward``, before
``step``) and every parameter (after ``step``). Each recorded pair is judged by
:func:`minigrad.testing.tolerances.training_tolerance` for the number of steps run so far: float64 is held to
rtol 1e-10; float32 to 4·ε per dependent operation, counted by
:func:`minigrad.testing.tolerances.training_ops`. This module imports neither torch nor minigrad's engine: it
drives two objects that speak the same API.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad.testing.tolerances import (
    Tolerance,
    max_abs_diff,
    max_rel_diff,
    max_ulp_distance,
    training_ops,
    training_tolerance,
)

__all__ = ["Pipeline", "Comparison", "StepRecord", "MirrorTrace", "run_mirror", "assert_mirrored",
           "copy_parameters", "KINDS"]

KINDS = ("loss", "grad", "param")  # what is recorded each step, in this order


@dataclass
class Pipeline:
    """One side of a mirrored run: a model, its loss function, an optimizer over the model's parameters and
    the training data (plus optional held-out data for evaluation). Works with torch or minigrad objects alike.

    ``loss_fn(pipeline)`` may replace the default ``criterion(model(inputs), targets)``.
    """

    model: Any
    criterion: Any
    optimizer: Any
    inputs: Any
    targets: Any
    test_inputs: Any = None
    test_targets: Any = None
    loss_fn: Callable[[Pipeline], Any] | None = None

    def compute_loss(self) -> Any:
        """Forward pass and loss, recording the graph."""
        if self.loss_fn is not None:
            return self.loss_fn(self)
        return self.criterion(self.model(self.inputs), self.targets)

    def named_parameters(self) -> list[tuple[str, Any]]:
        return list(self.model.named_parameters())


def _array(t: Any) -> np.ndarray:
    """A private copy of a tensor's values (torch or minigrad) as a NumPy array of the same dtype."""
    if t is None:
        raise ValueError("a parameter has no gradient after backward(): is it used by the loss?")
    return np.array(t.detach().numpy(), copy=True)


@dataclass(frozen=True)
class Comparison:
    """One recorded tensor (loss, a gradient or a parameter) at one step, minigrad against torch."""

    kind: str  # "loss" | "grad" | "param"
    name: str  # parameter name ("" for the loss)
    max_abs: float
    max_rel: float
    max_ulp: int
    index: tuple[int, ...]  # the element furthest outside (or closest to) the tolerance
    minigrad_value: float
    torch_value: float
    tolerance: Tolerance
    usage: float  # max over elements of |Δ| / (atol + rtol·|torch|): ≤ 1 passes
    ok: bool

    @property
    def label(self) -> str:
        return "loss" if self.kind == "loss" else f"{self.kind} of {self.name}"


@dataclass
class StepRecord:
    """Everything both sides produced at one training step (0-based ``step``)."""

    step: int
    loss: tuple[np.ndarray, np.ndarray]  # (minigrad, torch), 0-d arrays in the run's dtype
    grads: dict[str, tuple[np.ndarray, np.ndarray]]
    params: dict[str, tuple[np.ndarray, np.ndarray]]
    comparisons: list[Comparison] = field(default_factory=list)

    def pairs(self) -> Iterator[tuple[str, str, np.ndarray, np.ndarray]]:
        """(kind, name, minigrad, torch) for every recorded tensor of this step."""
        yield "loss", "", self.loss[0], self.loss[1]
        for name, (m, t) in self.grads.items():
            yield "grad", name, m, t
        for name, (m, t) in self.params.items():
            yield "param", name, m, t

    def worst(self, kind: str | None = None, metric: str = "max_abs") -> float:
        """The largest ``metric`` ("max_abs" | "max_rel" | "max_ulp") over this step's comparisons of ``kind``."""
        vals = [getattr(c, metric) for c in self.comparisons if kind is None or c.kind == kind]
        return max(vals) if vals else 0.0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.comparisons)


@dataclass
class MirrorTrace:
    """Per-step records of a mirrored run, with the policy that judged them and a summary."""

    dtype: str
    steps: list[StepRecord]
    initial_params: dict[str, np.ndarray]
    ops_per_step: int
    scales: dict[tuple[str, str], float]

    @property
    def first_failure(self) -> Comparison | None:
        """The first comparison (in step order, then loss, grads, params) outside its tolerance."""
        for rec in self.steps:
            for c in rec.comparisons:
                if not c.ok:
                    return c
        return None

    @property
    def first_divergent_step(self) -> int | None:
        """The first step (0-based) where some recorded tensor leaves the tolerance, or None."""
        for rec in self.steps:
            if not rec.ok:
                return rec.step
        return None

    @property
    def ok(self) -> bool:
        return self.first_divergent_step is None

    @property
    def diverged_at(self) -> int | None:
        """The first step (0-based) whose torch loss is inf or NaN (the training itself diverged), or None."""
        for rec in self.steps:
            if not np.isfinite(rec.loss[1]).all():
                return rec.step
        return None

    def worst(self, kind: str | None = None, metric: str = "max_abs") -> float:
        """The largest ``metric`` over all steps for ``kind`` ("loss" | "grad" | "param" | None for all)."""
        return max((r.worst(kind, metric) for r in self.steps), default=0.0)

    def losses(self) -> tuple[list[float], list[float]]:
        """(minigrad losses, torch losses) per step, as floats."""
        return [float(r.loss[0]) for r in self.steps], [float(r.loss[1]) for r in self.steps]

    def final_params(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        return self.steps[-1].params if self.steps else {k: (v, v) for k, v in self.initial_params.items()}

    def summary(self) -> dict[str, Any]:
        """The worst differences of the run per kind and metric, and the verdict."""
        out: dict[str, Any] = {"dtype": self.dtype, "steps": len(self.steps), "ok": self.ok,
                               "first_divergent_step": self.first_divergent_step, "diverged_at": self.diverged_at}
        for kind in KINDS:
            for metric in ("max_abs", "max_rel", "max_ulp"):
                out[f"{kind}_{metric}"] = self.worst(kind, metric)
        return out

    def verdict(self) -> str:
        """One line: PASS with the worst differences, or FAIL with the first divergence."""
        n = len(self.steps)
        usage = max((c.usage for r in self.steps for c in r.comparisons), default=0.0)
        worst = (f"params: max |Δ| {self.worst('param'):.2g}, max {int(self.worst('param', 'max_ulp'))} ulp; "
                 f"grads: max |Δ| {self.worst('grad'):.2g}; loss: max |Δ| {self.worst('loss'):.2g}; "
                 f"{usage:.2%} of the allowed difference")
        if self.diverged_at is not None:
            worst += (f"; NOTE: torch's loss is not finite from step {self.diverged_at}: training diverged (lower "
                      "the learning rate), and the tolerance assumes stable SGD")
        if self.ok:
            return f"PASS: all {n} steps within {self.dtype} tolerance ({worst})"
        c = self.first_failure
        assert c is not None
        return (f"FAIL: step {self.first_divergent_step} of {n}: {c.label} leaves the {self.dtype} tolerance "
                f"at index {c.index} ({worst})")

    def report(self, every: int = 1) -> str:
        """A per-step table (every ``every``-th step and the last) followed by the verdict."""
        head = f"{'step':>5} {'loss (minigrad)':>16} {'loss (torch)':>16} {'max|Δ|':>9} {'max rel':>9} {'ulp':>5}"
        lines = [head]
        for r in self.steps:
            if (r.step + 1) % every and r.step != len(self.steps) - 1:
                continue
            lines.append(f"{r.step + 1:>5} {float(r.loss[0]):>16.8g} {float(r.loss[1]):>16.8g} "
                         f"{r.worst():>9.2e} {r.worst(None, 'max_rel'):>9.2e} {int(r.worst(None, 'max_ulp')):>5}"
                         + ("" if r.ok else "  <- out of tolerance"))
        lines.append(self.verdict())
        return "\n".join(lines)

    # -- notebooks: the report, as text (IPython) or as a <pre> block under the coloured verdict (Jupyter) -----
    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.report(every=max(1, len(self.steps) // 20)))

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.ok else "#c00000"
        body = self.report(every=max(1, len(self.steps) // 20))
        return (f'<p style="color:{color}"><b>{html.escape(self.verdict())}</b></p>'
                f"<pre>{html.escape(body)}</pre>")


def copy_parameters(source: Any, target: Any) -> None:
    """Copy every parameter of model ``source`` (torch or minigrad) into model ``target``, by name."""
    src = dict(source.named_parameters())
    for name, p in target.named_parameters():
        if name not in src:
            raise KeyError(f"parameter {name!r} of the target has no counterpart in the source")
        _assign(p, _array(src[name]))


def _assign(p: Any, values: np.ndarray) -> None:
    # ``p.data.numpy()`` shares the parameter's memory in both libraries. Writing through it skips autograd's
    # version counter, which is safe here: this runs before training, when no graph has saved the parameter.
    data = p.data
    arr = data.numpy()
    if arr.shape != values.shape:
        raise ValueError(f"shape {values.shape} cannot be copied into a parameter of shape {arr.shape}")
    np.copyto(arr, values, casting="same_kind")


def _params_of(p: Pipeline) -> list[tuple[str, Any]]:
    params = p.named_parameters()
    if not params:
        raise ValueError("the pipeline's model has no parameters")
    return params


def _check_same_start(mg: Pipeline, th: Pipeline) -> dict[str, np.ndarray]:
    """Both models must have the same parameter names, shapes, dtypes and values; both data sets the same
    values. Returns the initial parameters."""
    m_params, t_params = _params_of(mg), _params_of(th)
    m_names, t_names = [n for n, _ in m_params], [n for n, _ in t_params]
    if m_names != t_names:
        raise ValueError(f"parameter names differ: minigrad {m_names} vs torch {t_names}")
    initial = {}
    for (name, mp), (_, tp) in zip(m_params, t_params):
        m, t = _array(mp), _array(tp)
        if m.shape != t.shape or m.dtype != t.dtype:
            raise ValueError(f"parameter {name}: minigrad {m.dtype}{list(m.shape)} vs torch {t.dtype}{list(t.shape)}")
        if not np.array_equal(m, t):
            idx = tuple(int(i) for i in np.argwhere(m != t)[0])
            raise ValueError(
                f"initial parameter {name} differs at index {idx}: minigrad {m[idx]!r} vs torch {t[idx]!r}. Seed "
                "both generators (minigrad.manual_seed(s) and torch.manual_seed(s)) before building the models, "
                "or copy torch's parameters with copy_parameters(torch_model, minigrad_model)"
            )
        initial[name] = t
    for what in ("inputs", "targets"):
        m, t = _array(getattr(mg, what)), _array(getattr(th, what))
        if m.shape != t.shape or m.dtype != t.dtype or not np.array_equal(m, t, equal_nan=True):
            raise ValueError(f"the two pipelines' {what} differ: both sides must train on the same data")
    return initial


def _step(p: Pipeline, names: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One training step; returns (loss, gradients after backward, parameters after the update)."""
    loss = p.compute_loss()
    loss.backward()
    params = dict(p.named_parameters())
    grads = {n: _array(params[n].grad) for n in names}
    p.optimizer.step()
    after = {n: _array(params[n]) for n in names}
    p.optimizer.zero_grad()
    return _array(loss), grads, after


def _judge(kind: str, name: str, m: np.ndarray, t: np.ndarray, tol: Tolerance) -> Comparison:
    """Compare one recorded pair elementwise: NaN must meet NaN and ±inf the same infinity."""
    m64, t64 = m.astype(np.float64), t.astype(np.float64)
    same = (m64 == t64) | (np.isnan(m64) & np.isnan(t64))
    allowed = tol.atol + tol.rtol * np.abs(t64)
    with np.errstate(invalid="ignore", divide="ignore"):
        usage = np.where(same, 0.0, np.abs(m64 - t64) / allowed)
    usage = np.where(np.isnan(usage), np.inf, usage)
    flat = int(np.argmax(usage)) if usage.size else 0
    idx = tuple(int(i) for i in np.unravel_index(flat, usage.shape)) if usage.ndim else ()
    worst = float(usage.max()) if usage.size else 0.0
    return Comparison(kind, name, max_abs_diff(m, t), max_rel_diff(m, t), max_ulp_distance(m, t), idx,
                      float(m64[idx]), float(t64[idx]), tol, worst, worst <= 1.0)


def _scale_of(values: Iterable[np.ndarray]) -> float:
    finite = [float(np.max(np.abs(v[np.isfinite(v)]))) for v in values if np.isfinite(v).any()]
    return max(finite, default=0.0)


def run_mirror(mg: Pipeline, th: Pipeline, steps: int, *, ops_per_step: int | None = None,
               check_start: bool = True) -> MirrorTrace:
    """Train ``mg`` (minigrad) and ``th`` (torch) for ``steps`` steps side by side and judge every step.

    Both pipelines must start from identical parameters and data (checked unless ``check_start`` is False).
    ``ops_per_step`` is the number of dependent floating-point operations one step adds to each result (the
    float32 tolerance grows with it); by default :func:`training_ops` estimates it from the data's shape.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    initial = _check_same_start(mg, th) if check_start else {n: _array(p) for n, p in _params_of(th)}
    names = list(initial)
    dtype = next(iter(initial.values())).dtype.name
    if ops_per_step is None:
        shape = _array(th.inputs).shape
        ops_per_step = training_ops(shape[0] if shape else 1, math.prod(shape[1:]) if len(shape) > 1 else 1)
    records = []
    for i in range(steps):
        m_loss, m_grads, m_params = _step(mg, names)
        t_loss, t_grads, t_params = _step(th, names)
        records.append(StepRecord(i, (m_loss, t_loss), {n: (m_grads[n], t_grads[n]) for n in names},
                                  {n: (m_params[n], t_params[n]) for n in names}))
    # The absolute part of each tolerance is relative to the largest magnitude that tensor reaches in the run
    # (torch's side): an error made while a gradient was large is not undone when the gradient shrinks.
    scales: dict[tuple[str, str], float] = {}
    for rec in records:
        for kind, name, _, t in rec.pairs():
            scales[(kind, name)] = max(scales.get((kind, name), 0.0), _scale_of([t]))
    for name, v in initial.items():
        scales[("param", name)] = max(scales.get(("param", name), 0.0), _scale_of([v]))
    for rec in records:
        rec.comparisons = [
            _judge(kind, name, m, t, training_tolerance(dtype, rec.step + 1, ops_per_step, scales[(kind, name)]))
            for kind, name, m, t in rec.pairs()
        ]
    return MirrorTrace(dtype, records, initial, ops_per_step, scales)


def assert_mirrored(trace: MirrorTrace) -> None:
    """Raise AssertionError describing the first step, tensor and element outside the tolerance, if any."""
    c = trace.first_failure
    if c is None:
        return
    tol = c.tolerance
    raise AssertionError(
        f"minigrad and torch diverge at step {trace.first_divergent_step} (0-based) of {len(trace.steps)}: "
        f"{c.label}, element {c.index}: minigrad {c.minigrad_value!r} vs torch {c.torch_value!r} "
        f"(|Δ| = {abs(c.minigrad_value - c.torch_value):.3g}, allowed {tol.atol:.3g} + {tol.rtol:.3g}·|torch|; "
        f"max rel {c.max_rel:.3g}, max {c.max_ulp} ulp over the tensor). Tolerance: {tol.reason}"
    )
