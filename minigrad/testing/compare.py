"""Hold your own op, loss or ``autograd.Function`` against torch: values, dtypes, shapes, gradients, node names.

    from minigrad.testing import assert_matches_torch

    x = np.random.default_rng(0).normal(size=(3, 4))
    assert_matches_torch(lambda T, x: T.tanh(x).sum(dim=1), x)          # written once, run by both libraries
    assert_matches_torch(MySoftplus.apply, x, torch_fn=torch.nn.functional.softplus)   # yours against torch's

How it works. Every NumPy array among the inputs (nested in lists, tuples or dicts too) becomes a minigrad
tensor and a torch tensor holding the same values; a floating one requires grad on both sides. ``fn`` runs
on each side (``fn(T, *tensors)`` with ``T = minigrad`` and ``T = torch``, or ``fn`` on minigrad's tensors and
``torch_fn`` on torch's). Then, for the outputs ``yₖ``, both sides run backward of the scalar
``L = Σₖ ⟨yₖ, cₖ⟩`` with the same cotangents ``cₖ`` (random by default), so each input's ``.grad`` is
``Σₖ cₖ·∂yₖ/∂x``: a vector-Jacobian product. A random ``c`` is what exposes a backward that ignores its
incoming gradient (with ``c = 1`` it would pass), that transposes it or that uses it at the wrong place.

Each output's values, dtype, shape and ``requires_grad``, and each input's gradient (dtype, shape, values, or
None on both sides) are judged by the one tolerance policy, :mod:`minigrad.testing.tolerances`: float64 to
rtol 1e-10; float32 (and float16) to rtol = atol/scale = 4·ε·n_ops, where ``n_ops`` counts the dependent
floating-point operations behind the result (``ELEMENTWISE``, ``TRANSCENDENTAL``, ``sum_ops(n)``...).
Gradients pass through the forward's ops and then as many in backward: ``grad_n_ops`` defaults to 2·n_ops.

torch is imported when a comparison runs (``minigrad._optional``): it is a test-time dependency, never needed to
import minigrad.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

import minigrad
from minigrad import _optional
from minigrad.testing.graphs import format_signature, graph_signature
from minigrad.testing.report import Check, Report, judge, problem
from minigrad.testing.tolerances import tolerance

__all__ = ["assert_matches_torch", "compare_with_torch", "MatchReport", "twins", "to_numpy", "dtype_name",
           "torch_dtype", "minigrad_dtype", "random_cotangent", "import_torch"]

TORCH_MISSING = ("torch is not installed: the comparison with torch needs it (pip install torch; minigrad itself "
                 "runs without it). minigrad.testing.assert_matches_finite_differences checks gradients without torch.")


def import_torch() -> Any:
    """``import torch``, or ImportError saying why it is needed and what works without it."""
    try:
        return _optional.torch()
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(TORCH_MISSING) from e


def dtype_name(t: Any) -> str:
    """'float32', 'int64'... for a minigrad or torch dtype or tensor, or a NumPy dtype or array."""
    d = getattr(t, "dtype", t)
    if isinstance(d, np.dtype) or (isinstance(d, type) and issubclass(d, np.generic)):
        return np.dtype(d).name
    return str(d).split(".")[-1]


def torch_dtype(name: str) -> Any:
    """torch's dtype called ``name`` ('float32', 'int64', 'bool'...)."""
    return getattr(import_torch(), dtype_name(name))


def minigrad_dtype(name: str) -> Any:
    """minigrad's dtype called ``name`` ('float32', 'int64', 'bool'...)."""
    return getattr(minigrad, dtype_name(name))


def to_numpy(t: Any) -> np.ndarray:
    """A NumPy copy of a minigrad or torch tensor (detached), or of anything array-like."""
    if hasattr(t, "detach") and hasattr(t, "numpy"):
        t = t.detach()
        t = t.cpu() if hasattr(t, "cpu") else t
        return np.array(t.numpy(), copy=True)
    return np.array(t, copy=True)


def twins(arr: Any, requires_grad: bool = False) -> tuple[Any, Any]:
    """The same values as a minigrad tensor and a torch tensor (independent copies, same dtype)."""
    torch = import_torch()
    arr = np.array(arr, copy=True)
    return minigrad.tensor(arr, requires_grad=requires_grad), torch.tensor(arr, requires_grad=requires_grad)


def random_cotangent(shape: tuple[int, ...], dtype: Any, seed: int = 0) -> np.ndarray:
    """A dL/d(output) with values uniform in [−2, 2): not constant, not symmetric, rarely zero, so a backward
    that ignores it, transposes it or scales it is caught."""
    return np.random.default_rng(seed).uniform(-2.0, 2.0, shape).astype(np.dtype(dtype_name(dtype)))


# ---------------------------------------------------------------------------------------------- inputs
@dataclass
class _Leaf:
    name: str
    mg: Any
    th: Any


def _input_names(fn: Callable[..., Any], n: int, skip_first: bool) -> list[str]:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    params = params[1:] if skip_first else params
    names = []
    for i in range(n):
        p = params[i] if i < len(params) else None
        if p is None or p.kind is p.VAR_POSITIONAL or p.kind is p.VAR_KEYWORD:
            names.append(f"input {i}")
        else:
            names.append(p.name)
    return names


def _build(value: Any, name: str, grad: bool, dtype: Any, leaves: list[_Leaf]) -> tuple[Any, Any]:
    """The minigrad and torch twin of one input (a NumPy array, or a list/tuple/dict of them)."""
    if isinstance(value, np.ndarray | np.generic):
        arr = np.array(value, copy=True)
        if dtype is not None and arr.dtype.kind == "f":
            arr = arr.astype(np.dtype(dtype_name(dtype)))
        rg = grad and arr.dtype.kind == "f"
        mg, th = twins(arr, rg)
        if rg:
            leaves.append(_Leaf(name, mg, th))
        return mg, th
    if isinstance(value, dict):
        pairs = {k: _build(v, f"{name}[{k!r}]", grad, dtype, leaves) for k, v in value.items()}
        return {k: a for k, (a, _) in pairs.items()}, {k: b for k, (_, b) in pairs.items()}
    if isinstance(value, list | tuple):
        pairs_l = [_build(v, f"{name}[{i}]", grad, dtype, leaves) for i, v in enumerate(value)]
        return type(value)(a for a, _ in pairs_l), type(value)(b for _, b in pairs_l)
    return value, value  # a number, a string, None: passed to both sides as it is


# ---------------------------------------------------------------------------------------------- outputs
def _is_tensor(x: Any) -> bool:
    return hasattr(x, "requires_grad") and hasattr(x, "detach")


def _flatten(mg: Any, th: Any, name: str) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(th, dict) and isinstance(mg, dict):
        if set(mg) != set(th):
            yield name, mg, th  # judged as a structure mismatch
            return
        for k in th:
            yield from _flatten(mg[k], th[k], f"{name}[{k!r}]")
    elif isinstance(th, list | tuple) and isinstance(mg, list | tuple) and len(mg) == len(th):
        for i, (a, b) in enumerate(zip(mg, th)):
            yield from _flatten(a, b, f"{name}[{i}]")
    else:
        yield name, mg, th


def _shape(t: Any) -> tuple[int, ...]:
    return tuple(int(s) for s in t.shape)


def _output_problem(name: str, mg: Any, th: Any) -> Check | None:
    """A failed check when the two outputs differ in kind, dtype, shape or requires_grad; else None."""
    if _is_tensor(th) != _is_tensor(mg):
        kind = lambda v: "a tensor" if _is_tensor(v) else type(v).__name__
        return problem(name, f"minigrad returned {kind(mg)}, torch {kind(th)}")
    if not _is_tensor(th):
        return None
    dt = dtype_name(th)
    if dtype_name(mg) != dt:
        return problem(name, f"dtype {dtype_name(mg)} != torch's {dt}", dtype=dtype_name(mg), shape=_shape(mg))
    if _shape(mg) != _shape(th):
        return problem(name, f"shape {_shape(mg)} != torch's {_shape(th)}", dtype=dt, shape=_shape(mg))
    if bool(mg.requires_grad) != bool(th.requires_grad):
        return problem(name, f"requires_grad {mg.requires_grad} != torch's {th.requires_grad}", dtype=dt,
                       shape=_shape(th))
    return None


def _compare_output(name: str, mg: Any, th: Any, n_ops: int, scale: float | None) -> Check:
    bad = _output_problem(name, mg, th)
    if bad is not None:
        return bad
    if not _is_tensor(th):
        a, e = np.asarray(mg), np.asarray(th)
        if a.dtype.kind not in "biufc" or e.dtype.kind not in "biufc":
            return Check(name, True, text=f"{th!r} on both sides") if mg == th else \
                problem(name, f"minigrad {mg!r} != torch {th!r}")
        return judge(name, a, e, tolerance(e.dtype, n_ops, _scale(e, scale)))
    e = to_numpy(th)
    return judge(name, to_numpy(mg), e, tolerance(dtype_name(th), n_ops, _scale(e, scale)))


def _scale(e: np.ndarray, scale: float | None) -> float:
    """The operands' magnitude for atol: given, or the largest finite |expected| (at least 1)."""
    if scale is not None:
        return scale
    e = np.asarray(e)
    finite = np.abs(e[np.isfinite(e)]) if e.dtype.kind in "fc" else np.abs(e.astype(np.float64))
    return max(float(finite.max()) if finite.size else 1.0, 1.0)


# ---------------------------------------------------------------------------------------------- the report
@dataclass(repr=False)  # IPython would take a generated __repr__ over Report's _repr_pretty_
class MatchReport(Report):
    """What :func:`compare_with_torch` found; ``ok``, ``failures``, ``table()``, ``raise_if_failed()``.

    The tensors are kept for further checks: ``minigrad_outputs``/``torch_outputs`` (as ``fn`` returned them),
    ``minigrad_inputs``/``torch_inputs`` (the tensors ``fn`` received, with their ``.grad``) and ``cotangents``.
    """

    minigrad_outputs: Any = None
    torch_outputs: Any = None
    minigrad_inputs: list[Any] = field(default_factory=list)
    torch_inputs: list[Any] = field(default_factory=list)
    cotangents: list[np.ndarray] = field(default_factory=list)
    _outs: list[tuple[str, Any, Any]] = field(default_factory=list)
    _leaves: list[_Leaf] = field(default_factory=list)
    _check_graph: bool = False
    _cotangent_text: str = ""

    def with_tolerance(self, n_ops: int | None = None, grad_n_ops: int | None = None, scale: float | None = None,
                       grad_scale: float | None = None) -> MatchReport:
        """The same run judged again under the policy for other op counts or scales (the tensors are kept):
        ``n_ops`` for the outputs (default 1), ``grad_n_ops`` for the gradients (default 2·n_ops)."""
        n_ops = 1 if n_ops is None else n_ops
        grad_n_ops = 2 * n_ops if grad_n_ops is None else grad_n_ops
        checks = [_compare_output(name, mg, th, n_ops, scale) for name, mg, th in self._outs]
        if self._check_graph:
            checks += [_compare_graph(name, mg, th) for name, mg, th in self._outs if _is_tensor(th) and _is_tensor(mg)]
        checks += [_compare_grad(leaf, grad_n_ops, grad_scale) for leaf in self._leaves]
        tol = tolerance(_first_dtype(self._outs), n_ops)
        notes = [
            f"gradients: of Σ⟨output, cotangent⟩ with respect to each input; cotangent {self._cotangent_text}",
            f"policy (minigrad.testing.tolerances): {tol.reason}; outputs n_ops={n_ops}, gradients n_ops={grad_n_ops}; "
            "allowed = atol·scale + rtol·|torch|",
        ]
        return replace(self, checks=checks, notes=notes)

    @property
    def minigrad_output(self) -> Any:
        """The first output of minigrad's side (the output, when ``fn`` returns one tensor)."""
        return next(_flatten(self.minigrad_outputs, self.torch_outputs, ""))[1]

    @property
    def torch_output(self) -> Any:
        return next(_flatten(self.minigrad_outputs, self.torch_outputs, ""))[2]


def compare_with_torch(
    fn: Callable[..., Any],
    *inputs: Any,
    torch_fn: Callable[..., Any] | None = None,
    dtype: Any = None,
    n_ops: int | None = None,
    check_graph: bool = False,
    cotangent: Any = "random",
    grad_n_ops: int | None = None,
    scale: float | None = None,
    grad_scale: float | None = None,
    requires_grad: bool | Sequence[bool] = True,
    seed: int = 0,
) -> MatchReport:
    """Run ``fn`` with minigrad and with torch on the same ``inputs`` and compare everything; never raises for a
    mismatch (see :func:`assert_matches_torch`, which does). Returns a :class:`MatchReport`.

    - ``fn(T, *tensors)``, called with ``T = minigrad`` and ``T = torch``; or, with ``torch_fn``, ``fn(*tensors)``
      on minigrad tensors and ``torch_fn(*tensors)`` on torch tensors.
    - ``inputs``: NumPy arrays (or lists/tuples/dicts of them; other values are passed as they are). Floating
      arrays require grad on both sides, unless ``requires_grad`` (one bool, or one per input) says otherwise.
    - ``dtype``: cast the floating inputs to this dtype first ('float32', np.float32, minigrad.float32...).
    - ``n_ops``: dependent ops behind each output for float32's tolerance (default 1); ``grad_n_ops`` the same for
      the gradients (default 2·n_ops). ``scale``/``grad_scale``: the operands' magnitude for atol (default: the
      largest |value| of torch's result, at least 1); pass Σ|terms| for a sum that cancels.
    - ``cotangent``: "random" (uniform in [−2, 2), from ``seed``), "ones", or an array per output.
    - ``check_graph``: also compare the backward graphs' node names (``type(grad_fn).__name__``, slot by slot).
    """
    torch = import_torch()
    flags = [requires_grad] * len(inputs) if isinstance(requires_grad, bool) else list(requires_grad)
    if len(flags) != len(inputs):
        raise ValueError(f"requires_grad has {len(flags)} flags for {len(inputs)} inputs")
    names = _input_names(fn, len(inputs), skip_first=torch_fn is None)
    leaves: list[_Leaf] = []
    built = [_build(x, names[i], flags[i], dtype, leaves) for i, x in enumerate(inputs)]
    mg_in, th_in = [a for a, _ in built], [b for _, b in built]
    if torch_fn is None:
        mg_out, th_out = fn(minigrad, *mg_in), fn(torch, *th_in)
    else:
        mg_out, th_out = fn(*mg_in), torch_fn(*th_in)

    outs = list(_flatten(mg_out, th_out, "output"))
    diff_outs = [(name, mg, th) for name, mg, th in outs
                 if _is_tensor(th) and _is_tensor(mg) and th.requires_grad and _output_problem(name, mg, th) is None]
    cots = _cotangents(cotangent, diff_outs, seed)
    if diff_outs:
        minigrad.autograd.backward([m for _, m, _ in diff_outs], [minigrad.tensor(c.copy()) for c in cots])
        torch.autograd.backward([t for _, _, t in diff_outs], [torch.tensor(c.copy()) for c in cots])
    cot_text = {"random": f"random (uniform in [−2, 2), seed {seed})", "ones": "ones"}.get(
        cotangent if isinstance(cotangent, str) else "", "given")
    report = MatchReport(title="minigrad vs torch", minigrad_outputs=mg_out, torch_outputs=th_out,
                         minigrad_inputs=mg_in, torch_inputs=th_in, cotangents=cots, _outs=outs, _leaves=leaves,
                         _check_graph=check_graph, _cotangent_text=cot_text)
    return report.with_tolerance(n_ops=n_ops, grad_n_ops=grad_n_ops, scale=scale, grad_scale=grad_scale)


def _first_dtype(outs: list[tuple[str, Any, Any]]) -> str:
    for _, _, th in outs:
        if _is_tensor(th):
            return dtype_name(th)
    return "float64"


def _cotangents(cotangent: Any, diff_outs: list[tuple[str, Any, Any]], seed: int) -> list[np.ndarray]:
    if isinstance(cotangent, str):
        if cotangent not in ("random", "ones"):
            raise ValueError(f"cotangent must be 'random', 'ones' or arrays, not {cotangent!r}")
        return [random_cotangent(_shape(t), t.dtype, seed + k) if cotangent == "random"
                else np.ones(_shape(t), np.dtype(dtype_name(t))) for k, (_, _, t) in enumerate(diff_outs)]
    if not diff_outs:
        return []  # nothing to differentiate (e.g. an integer or detached output): no backward to run
    given = [cotangent] if isinstance(cotangent, np.ndarray) or len(diff_outs) == 1 else list(cotangent)
    if len(given) != len(diff_outs):
        raise ValueError(f"{len(given)} cotangents for {len(diff_outs)} differentiable outputs")
    return [np.asarray(c, dtype=np.dtype(dtype_name(t))).reshape(_shape(t)) for c, (_, _, t) in zip(given, diff_outs)]


def _compare_grad(leaf: _Leaf, n_ops: int, scale: float | None) -> Check:
    name = f"grad {leaf.name}"
    gm, gt = leaf.mg.grad, leaf.th.grad
    if gt is None or gm is None:
        if gt is None and gm is None:
            return Check(name, True, text="None on both sides (the outputs do not depend on it)")
        return problem(name, "minigrad's gradient is None, torch's is not" if gm is None else
                       "torch's gradient is None (the output does not depend on it), minigrad's is not")
    if dtype_name(gm) != dtype_name(gt):
        return problem(name, f"dtype {dtype_name(gm)} != torch's {dtype_name(gt)}", dtype=dtype_name(gm),
                       shape=_shape(gm))
    if _shape(gm) != _shape(gt):
        return problem(name, f"shape {_shape(gm)} != torch's {_shape(gt)}", dtype=dtype_name(gm), shape=_shape(gm))
    e = to_numpy(gt)
    return judge(name, to_numpy(gm), e, tolerance(dtype_name(gt), n_ops, _scale(e, scale)))


def _compare_graph(name: str, mg: Any, th: Any) -> Check:
    a, b = graph_signature(mg), graph_signature(th)
    label = f"graph of {name}"
    if a == b:
        return Check(label, True, text=f"same nodes: {a[0][1] if a else 'no grad_fn'} and {max(len(a) - 1, 0)} more")
    first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    mine = a[first][1] if first < len(a) else "nothing"
    theirs = b[first][1] if first < len(b) else "nothing"
    return problem(label, f"node {first} (depth-first): minigrad {mine}, torch {theirs}\nminigrad:\n"
                   f"{format_signature(a)}\ntorch:\n{format_signature(b)}")


def assert_matches_torch(fn: Callable[..., Any], *inputs: Any, torch_fn: Callable[..., Any] | None = None,
                         dtype: Any = None, n_ops: int | None = None, check_graph: bool = False,
                         cotangent: Any = "random", **options: Any) -> MatchReport:
    """:func:`compare_with_torch`, raising ``AssertionError`` with the report's table when anything differs.

    Returns the report when everything matches (its tensors are there for further checks)."""
    report = compare_with_torch(fn, *inputs, torch_fn=torch_fn, dtype=dtype, n_ops=n_ops, check_graph=check_graph,
                                cotangent=cotangent, **options)
    report.raise_if_failed()
    return report
