"""The fuzz harness: recipes (arguments built equally in torch and in minigrad), hypothesis strategies,
running a call under a deadline, snapshots, the comparison with torch, and the check itself.

Fuzz the public API against torch: every public function and method of Tensor, the top-level namespace,
nn, optim and save/load, called with hypothesis-made arguments (tensors of every dtype, 0-d and zero-size,
NaN/inf, None, strings, lists, ragged lists, dtypes, huge and negative sizes, zero-sample batches,
mismatched shapes).

Every call is made twice, on torch and on minigrad, from the same recipe (``Recipe`` objects materialise to
equal inputs in each library). The rules (``check``):

1. minigrad never crashes, hangs or exhausts memory: each call runs under a deadline (``DEADLINE`` seconds,
   SIGALRM) and may only raise TypeError, ValueError, RuntimeError (NotImplementedError included) or
   IndexError — never AttributeError, KeyError, OverflowError, MemoryError, ZeroDivisionError...
2. A call that fails changes nothing: every tensor it was given (values, dtype, shape, ``requires_grad``,
   ``grad``, version), and every module parameter and optimizer state, is as before.
3. Against torch: if torch raises, minigrad raises the same kind of error (IndexError, TypeError, ValueError
   or RuntimeError); if torch succeeds, minigrad returns the same result (type, shape, dtype, values within
   the tolerance policy, ``requires_grad``, the ``grad_fn`` name, in-place identity), leaves its inputs in
   the same state, and a backward pass from the result gives the same gradients. minigrad may instead raise
   NotImplementedError for a documented unsupported feature.

NumPy RuntimeWarnings (minigrad computing inf/NaN, where torch is silent) are recorded, not failures.
Known divergences are listed in ``KNOWN`` (``known.py``) with their fidelity tier and reason; everything else
fails the test. ``HYPOTHESIS_PROFILE=deep`` runs thousands of
examples per target.
"""

from __future__ import annotations

import functools
import importlib
import math
import signal
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import torch
from hypothesis import currently_in_test_context, note, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad.testing import (
    dtype_name,  # the project's one comparison kit
    tolerance,
)

# ~270 targets, each its own test: at the profile's full count the "ci" run would take minutes, so each target
# gets a quarter of it (15 under "ci": still ~4,000 calls against torch in all); "deep" (≥ 1,000) keeps its
# full count per target.
_PROFILE_EXAMPLES = settings().max_examples
FUZZ = settings(max_examples=_PROFILE_EXAMPLES if _PROFILE_EXAMPLES >= 1000 else max(10, _PROFILE_EXAMPLES // 4))
mg_tensor_module = importlib.import_module("minigrad._tensor_base")  # (``minigrad.tensor`` is also the factory)
DEADLINE = 10.0  # seconds; any call slower than this is a hang (they all take milliseconds)
ALLOWED = (TypeError, ValueError, RuntimeError, IndexError)
BIG = 10**6  # results with more elements are compared by shape and dtype only (a stride-0 view can be huge)


class Hang(BaseException):
    """Raised by the SIGALRM handler when a call exceeds ``DEADLINE``."""


HEADROOM = 2 * 1024**3  # bytes of address space the fuzzed calls may add to the process



# ----------------------------------------------------------------------------------------- recipes
@dataclass(eq=False)
class TensorRecipe:
    """A tensor to build in each library: same values, dtype and shape; a leaf, a Parameter or a non-leaf."""

    array: np.ndarray
    requires_grad: bool = False
    kind: str = "tensor"  # "tensor" | "param" | "nonleaf"

    def __repr__(self) -> str:
        extra = ", requires_grad" if self.requires_grad else ""
        return f"{self.kind}({self.array.tolist()!r}, {self.array.dtype}{extra})"


@dataclass(frozen=True)
class DtypeRecipe:
    name: str

    def __repr__(self) -> str:
        return f"dtype:{self.name}"


@dataclass(eq=False)
class ArrayRecipe:
    """A raw NumPy array argument (copied for each library)."""

    array: np.ndarray

    def __repr__(self) -> str:
        return f"ndarray({self.array.tolist()!r}, {self.array.dtype})"


@dataclass
class Made:
    """Everything a call was given in one library, in creation order (index i matches across libraries)."""

    tensors: list[Any] = field(default_factory=list)
    modules: list[Any] = field(default_factory=list)
    optimizers: list[Any] = field(default_factory=list)


def materialize(spec: Any, lib: ModuleType, made: Made) -> Any:
    """Build ``spec`` with ``lib``; record every tensor made."""
    if isinstance(spec, TensorRecipe):
        arr = spec.array.copy()
        t = torch.tensor(arr) if lib is torch else mg.tensor(arr)
        if spec.kind == "param":
            t = lib.nn.Parameter(t, requires_grad=spec.requires_grad)
        elif spec.requires_grad:
            t.requires_grad_(True)
        made.tensors.append(t)
        if spec.kind == "nonleaf":
            t = t * 1
            made.tensors.append(t)
        return t
    if isinstance(spec, DtypeRecipe):
        return getattr(lib, spec.name)
    if isinstance(spec, ArrayRecipe):
        return spec.array.copy()
    if isinstance(spec, list | tuple):
        return type(spec)(materialize(s, lib, made) for s in spec)
    if isinstance(spec, dict):
        return {k: materialize(v, lib, made) for k, v in spec.items()}
    return spec


# ----------------------------------------------------------------------------------------- strategies
FLOAT_DTYPES = [np.float32, np.float32, np.float32, np.float64, np.float16]
OTHER_DTYPES = [np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]
DTYPE_NAMES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
HUGE = [2**40, -(2**40), 2**62, 2**63, -(2**63) - 1, 10**30]


@functools.cache
def _elements(dtype: Any) -> st.SearchStrategy[Any]:
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return st.one_of(hnp.from_dtype(dt, min_value=-3, max_value=3), hnp.from_dtype(dt))
    if dt.kind == "b":
        return st.booleans()
    info = np.iinfo(dt)
    return st.one_of(st.integers(max(info.min, -5), min(info.max, 5)), st.sampled_from([info.min, info.max]))


@functools.cache
def _arrays(dtype: Any, shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(dtype, shape, elements=_elements(dtype))


@st.composite
def _tensor_recipes(draw: st.DrawFn, shape: tuple[int, ...] | None, float_only: bool) -> TensorRecipe:
    dtype = draw(st.sampled_from(FLOAT_DTYPES if float_only else FLOAT_DTYPES * 2 + OTHER_DTYPES))
    if shape is None:
        shape = draw(shapes)
    array = draw(_arrays(dtype, shape))
    is_float = np.dtype(dtype).kind == "f"
    requires_grad = is_float and draw(st.booleans())
    kind = draw(st.sampled_from(["tensor", "tensor", "param", "nonleaf"])) if requires_grad else (
        draw(st.sampled_from(["tensor", "tensor", "param"])))
    if kind == "param" and not is_float:
        kind = "tensor"
    return TensorRecipe(array, requires_grad, kind)


@functools.cache
def tensor_recipes(shape: tuple[int, ...] | None = None, float_only: bool = False) -> st.SearchStrategy[TensorRecipe]:
    """Tensors of any dtype (float ones more often), values small or extreme (NaN, inf), of ``shape`` or any
    shape; a leaf, a Parameter or (requiring grad) a non-leaf."""
    return _tensor_recipes(shape, float_only)


@functools.cache
def related_tensors(base: tuple[int, ...]) -> st.SearchStrategy[TensorRecipe]:
    """Tensors shaped like ``base``, broadcastable with it, or anything."""
    return st.one_of(
        tensor_recipes(shape=base),
        hnp.broadcastable_shapes(base, min_dims=0, max_dims=3, min_side=0, max_side=4).flatmap(
            lambda s: tensor_recipes(shape=s)),
        tensor_recipes(),
    )


scalars = st.one_of(
    st.integers(-4, 4),
    st.floats(-3, 3),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324, 0.5]),
    st.booleans(),
)
odd_values = st.one_of(
    st.none(),
    st.sampled_from(["", "a", "cpu", "cuda", "mean", "sum", "none", "float32", "1"]),
    st.sampled_from(HUGE),
    st.builds(DtypeRecipe, st.sampled_from(DTYPE_NAMES)),
    st.lists(st.integers(-2, 4), max_size=4),
    st.lists(st.integers(-2, 4), max_size=4).map(tuple),
    st.sampled_from([[[1, 2], [3]], [1, "a"], [[], [1]], [None], {}, {"a": 1}, [2**40, 2**40], object()]),
    st.lists(st.lists(st.floats(-3, 3), min_size=2, max_size=2), max_size=3),
    st.builds(ArrayRecipe, hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64]), shapes,
                                      elements=st.integers(-3, 3))),
)


@functools.cache
def arguments(base: tuple[int, ...]) -> st.SearchStrategy[Any]:
    """One argument: mostly tensors related to ``base`` (same or broadcastable shape), else anything."""
    return st.one_of(related_tensors(base), related_tensors(base), scalars, odd_values,
                     st.lists(related_tensors(base), max_size=3))


@functools.cache
def call_arguments(base: tuple[int, ...]) -> st.SearchStrategy[tuple[list[Any], dict[str, Any]]]:
    """Up to three positional arguments and up to two keyword arguments with common names."""
    return st.tuples(
        st.lists(arguments(base), max_size=3),
        st.dictionaries(st.sampled_from(["dim", "keepdim", "dtype", "alpha", "min", "max", "reduction",
                                         "requires_grad", "device"]), arguments(base), max_size=2),
    )


index_parts = st.one_of(
    st.integers(-5, 5), st.sampled_from(HUGE[:2]), st.none(), st.just(Ellipsis), st.slices(6),
    st.sampled_from([slice(None, None, -1), slice(0, 0), 1.5, "a", True, False]),
    st.lists(st.integers(-4, 4), max_size=3),
    st.builds(TensorRecipe, hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=1, min_side=0, max_side=3),
                                       elements=st.integers(-4, 4))),
)
indices = st.one_of(index_parts, st.lists(index_parts, min_size=1, max_size=4).map(tuple))


# ----------------------------------------------------------------------------------------- running a call
@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None
    warnings: list[str] = field(default_factory=list)


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang(f"call exceeded {DEADLINE} s")


def invoke(fn: Callable[[], Any]) -> Outcome:
    """Run ``fn`` under the deadline, with warnings recorded rather than raised."""
    out = Outcome()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, DEADLINE)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out.value = fn()
            except Exception as e:
                out.error = e
            except (Hang, RecursionError, MemoryError) as e:
                out.error = e
        out.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if time.perf_counter() - start > DEADLINE and out.error is None:
        out.error = Hang("call exceeded the deadline")
    return out


def kind_of(e: BaseException) -> str:
    """The error family compared with torch's: IndexError, TypeError, ValueError or RuntimeError."""
    for cls in (IndexError, TypeError, ValueError, RuntimeError):
        if isinstance(e, cls):
            return cls.__name__
    return type(e).__name__


# ----------------------------------------------------------------------------------------- snapshots
def _tensor_state(t: Any) -> tuple[Any, ...]:
    grad = t.grad
    return (t._data.dtype, t._data.shape, t._data.tobytes(), t.requires_grad, t._version, t.grad_fn,
            None if grad is None else (id(grad), grad._data.tobytes() if isinstance(grad, mg.Tensor) else grad))


def snapshot(made: Made) -> list[Any]:
    state: list[Any] = [_tensor_state(t) for t in made.tensors]
    for m in made.modules:
        state.append([(n, _tensor_state(p)) for n, p in m.named_parameters()])
        state.append(m.training)
    for o in made.optimizers:
        state.append(repr(o.param_groups))
        state.append({id(p): {k: (v._data.tobytes() if isinstance(v, mg.Tensor) else v) for k, v in s.items()}
                      for p, s in o.state.items()})
        state.append([_tensor_state(p) for g in o.param_groups for p in g["params"]])
    return state


# ----------------------------------------------------------------------------------------- comparing results
def _np_of(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy()) if isinstance(t, torch.Tensor) else np.asarray(t._data)


def _close(actual: np.ndarray, expected: np.ndarray) -> bool:
    if actual.shape != expected.shape:
        return False
    if expected.dtype.kind != "f" or actual.dtype.kind != "f":
        return bool(np.array_equal(actual, expected))
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    finite = np.abs(e[np.isfinite(e)])
    tol = tolerance(expected.dtype, n_ops=4, scale=max(float(finite.max()) if finite.size else 1.0, 1.0))
    with np.errstate(invalid="ignore", over="ignore"):
        same = (a == e) | (np.isnan(a) & np.isnan(e)) | (np.abs(a - e) <= tol.atol + tol.rtol * np.abs(e))
    return bool(same.all())


def compare(expected: Any, actual: Any, made_t: Made, made_m: Made, where: str = "result") -> list[str]:
    """Differences between torch's ``expected`` and minigrad's ``actual``."""
    if isinstance(expected, torch.Tensor):
        if not isinstance(actual, mg.Tensor):
            return [f"{where}: torch gives a Tensor, minigrad {type(actual).__name__}"]
        problems = []
        if tuple(expected.shape) != tuple(actual.shape):
            return [f"{where}: shape {tuple(actual.shape)} != torch's {tuple(expected.shape)}"]
        if dtype_name(expected.dtype) != dtype_name(actual.dtype):
            problems.append(f"{where}: dtype {dtype_name(actual.dtype)} != torch's {dtype_name(expected.dtype)}")
        elif expected.numel() <= BIG and not _close(_np_of(actual), _np_of(expected)):
            problems.append(f"{where}: values {_np_of(actual).tolist()} != torch's {_np_of(expected).tolist()}")
        if expected.requires_grad != actual.requires_grad:
            problems.append(f"{where}: requires_grad {actual.requires_grad} != torch's {expected.requires_grad}")
        elif expected.grad_fn is not None and (actual.grad_fn is None
                                               or expected.grad_fn.name() != actual.grad_fn.name()):
            name = None if actual.grad_fn is None else actual.grad_fn.name()
            problems.append(f"{where}: grad_fn {name} != torch's {expected.grad_fn.name()}")
        ids_t = [i for i, t in enumerate(made_t.tensors) if t is expected]
        ids_m = [i for i, t in enumerate(made_m.tensors) if t is actual]
        if ids_t != ids_m:
            problems.append(f"{where}: identity differs (torch returns input #{ids_t}, minigrad #{ids_m})")
        return problems
    if isinstance(expected, torch.dtype):
        ok = isinstance(actual, mg.dtype) and dtype_name(actual) == dtype_name(expected)
        return [] if ok else [f"{where}: {actual!r} != torch's {expected!r}"]
    if isinstance(expected, torch.device):
        return [] if str(actual) == str(expected) else [f"{where}: device {actual!r} != {expected!r}"]
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return [f"{where}: torch gives ndarray, minigrad {type(actual).__name__}"]
        if expected.dtype != actual.dtype or not _close(actual, expected):
            return [f"{where}: ndarray {actual!r} != torch's {expected!r}"]
        return []
    if isinstance(expected, tuple | list) and not isinstance(expected, str):
        if not isinstance(actual, tuple | list) or len(actual) != len(expected):
            return [f"{where}: {actual!r} != torch's {expected!r}"]
        out: list[str] = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out += compare(e, a, made_t, made_m, f"{where}[{i}]")
        return out
    if isinstance(expected, bool | int | float):
        if type(expected) is not type(actual) and not (
                isinstance(expected, float) and isinstance(actual, float)):
            return [f"{where}: {type(actual).__name__} {actual!r} != torch's {type(expected).__name__} {expected!r}"]
        if isinstance(expected, float) and _close(np.array(actual), np.array(expected)):
            return []
        return [] if expected == actual else [f"{where}: {actual!r} != torch's {expected!r}"]
    if isinstance(expected, str):
        normal = actual.replace("minigrad", "torch") if isinstance(actual, str) else actual
        return [] if normal == expected else [f"{where}: {actual!r} != torch's {expected!r}"]
    if expected is None or actual is None:
        return [] if expected is actual else [f"{where}: {actual!r} != torch's {expected!r}"]
    return []  # modules, optimizers, nodes...: compared through their state (compare_made)


def compare_made(made_t: Made, made_m: Made, when: str) -> list[str]:
    """The inputs after the call: values, requires_grad and grads must match torch's (in-place effects)."""
    problems = []
    for i, (t, m) in enumerate(zip(made_t.tensors, made_m.tensors)):
        problems += compare(t.detach(), m.detach(), Made(), Made(), f"{when}: input #{i}")
        if t.requires_grad != m.requires_grad:
            problems.append(f"{when}: input #{i} requires_grad {m.requires_grad} != torch's {t.requires_grad}")
        tg = t.grad if t.is_leaf else None
        mgrad = m.grad if m.is_leaf else None
        if (tg is None) != (mgrad is None):
            problems.append(f"{when}: input #{i} grad {mgrad!r} != torch's {tg!r}")
        elif tg is not None:
            problems += compare(tg, mgrad, Made(), Made(), f"{when}: input #{i} grad")
    for a, b in zip(made_t.modules, made_m.modules):
        for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
            problems += compare(p.detach(), q.detach(), Made(), Made(), f"{when}: parameter {name}")
            if (p.grad is None) != (q.grad is None):
                problems.append(f"{when}: parameter {name} grad presence differs")
    return problems


def _tensors_in(value: Any) -> Iterator[Any]:
    if isinstance(value, torch.Tensor | mg.Tensor):
        yield value
    elif isinstance(value, tuple | list):
        for v in value:
            yield from _tensors_in(v)


def _backward_check(out_t: Any, out_m: Any, made_t: Made, made_m: Made) -> list[str]:
    """Backward from the first output that requires grad (gradient of ones): same error kind or same grads."""
    pairs = [(a, b) for a, b in zip(_tensors_in(out_t), _tensors_in(out_m))
             if isinstance(b, mg.Tensor) and a.requires_grad and b.requires_grad and a.numel() <= BIG]
    if not pairs:
        return []
    a, b = pairs[0]
    if any(t.grad is not None for t in made_t.tensors if t.is_leaf):
        return []  # the call itself ran a backward; its effects are compared already
    bt = invoke(lambda: a.backward(torch.ones_like(a)))
    bm = invoke(lambda: b.backward(mg.ones_like(b)))
    if bm.error is not None and not isinstance(bm.error, ALLOWED):
        return [f"backward: unclear error {type(bm.error).__name__}: {bm.error}"]
    if bt.error is not None or bm.error is not None:
        if bt.error is None:
            return [f"backward: minigrad raises {type(bm.error).__name__}: {bm.error}; torch succeeds"]
        if bm.error is None:
            return [f"backward: torch raises {type(bt.error).__name__}: {bt.error}; minigrad succeeds"]
        return []
    return compare_made(made_t, made_m, "after backward")


@dataclass
class Finding:
    target: str
    category: str
    detail: str


def _safe(fn: Callable[[], list[str]], what: str) -> list[str]:
    try:
        return fn()
    except Exception as e:
        return [f"{what}: cannot be inspected ({type(e).__name__}: {e})"]


def check(target: str, build: Callable[[ModuleType, Made], Callable[[], Any]], *, torch_reference: bool = True,
           compare_values: bool = True, extra_allowed: tuple[type[BaseException], ...] = (),
           seeded: bool = False) -> list[Finding]:
    """Run ``build(lib, made)()`` for torch and minigrad and return every rule broken (see the docstring)."""
    findings: list[Finding] = []

    def add(category: str, detail: str) -> None:
        findings.append(Finding(target, category, detail.replace("\n", " / ")))

    made_t, made_m = Made(), Made()
    if seeded:  # both generators are the same MT19937: random results must match too
        torch.default_generator.manual_seed(1234)  # (torch.manual_seed also pokes cuda/xpu: 5 ms)
        mg.manual_seed(1234)
    try:
        call_t = build(torch, made_t) if torch_reference else None
    except Exception:
        return []
    call_m = build(mg, made_m)
    before = snapshot(made_m)
    out_t = invoke(call_t) if call_t is not None else None
    out_m = invoke(call_m)
    if currently_in_test_context():  # (not in test_deep_run_regressions)
        note(f"torch: {_describe(out_t)}\nminigrad: {_describe(out_m)}")
    e = out_m.error
    torch_error = None if out_t is None else out_t.error
    if e is not None:
        if isinstance(e, Hang):
            add("hang", str(e))
        elif not isinstance(e, ALLOWED + extra_allowed) and type(e) is not type(torch_error):
            add("unclear error", f"{type(e).__name__}: {e}")
        try:
            changed = snapshot(made_m) != before
        except Exception as s_err:
            add("failed call broke its inputs", f"{type(e).__name__}: {e} -> {type(s_err).__name__}: {s_err}")
        else:
            if changed:
                add("failed call changed its inputs", f"{type(e).__name__}: {e}")
    if out_t is None or isinstance(torch_error, Hang):
        return findings  # no reference (or torch itself is slow here)
    if torch_error is not None and e is not None:
        if isinstance(torch_error, ALLOWED) and isinstance(e, ALLOWED) and kind_of(torch_error) != kind_of(e):
            add("error kind differs", f"minigrad {type(e).__name__}: {e} | torch {type(torch_error).__name__}: "
                                      f"{str(torch_error)[:300]}")
    elif torch_error is not None:
        add("accepts what torch refuses", f"torch {type(torch_error).__name__}: {str(torch_error)[:300]}")
    elif e is not None:
        if not isinstance(e, NotImplementedError):
            add("refuses what torch accepts", f"{type(e).__name__}: {e}")
    elif compare_values:
        # values computed from inputs of several float dtypes may carry the lower precision's rounding (torch's
        # own kernels for it): tagged, so that KNOWN can name such cases and only them
        mixed = len({t.dtype for t in made_t.tensors if t.is_floating_point()}) > 1
        tag = " [mixed float dtypes]" if mixed else ""
        for p in _safe(lambda: compare(out_t.value, out_m.value, made_t, made_m), "result"):
            add("different result", p + (tag if ": values " in p else ""))
        for p in _safe(lambda: compare_made(made_t, made_m, "after the call"), "inputs"):
            add("different effect on inputs", p)
        for p in _safe(lambda: _backward_check(out_t.value, out_m.value, made_t, made_m), "backward"):
            add("different backward", p + (tag if ": values " in p else ""))
    return findings


def _describe(out: Outcome | None) -> str:
    """What a call gave, for hypothesis' report (a repr can itself fail: then its error)."""
    if out is None:
        return "(not run)"
    try:
        return repr(out.error) if out.error is not None else repr(out.value)
    except Exception as e:
        return f"<unprintable: {type(e).__name__}: {e}>"



def model_pair() -> tuple[Any, Any]:
    """Linear(3, 2) then Sigmoid in both libraries, with the same parameters."""
    mg.manual_seed(7)
    m_model = mg.nn.Sequential(mg.nn.Linear(3, 2), mg.nn.Sigmoid())
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Sigmoid())
    t_model.load_state_dict({k: torch.from_numpy(np.array(v.numpy())) for k, v in m_model.state_dict().items()})
    return t_model, m_model



def tf_model(lib: ModuleType) -> Any:
    """``model_pair``'s model in ``lib``."""
    return model_pair()[0 if lib is torch else 1]


def tensor_of(values: Any, dtype: Any = np.float32, requires_grad: bool = False, kind: str = "tensor") -> TensorRecipe:
    """A tensor recipe from values (the regressions' shorthand)."""
    return TensorRecipe(np.array(values, dtype=dtype), requires_grad, kind)
