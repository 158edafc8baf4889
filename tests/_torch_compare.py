"""Shared kit for the tests that hold minigrad against torch: build twins, compare values, graphs and errors.

Every expected value here is computed by torch inside the test (never by minigrad), and every numeric
comparison goes through ``minigrad.testing.tolerances`` (float64: rtol 1e-10; float32: 4·ε per dependent op).

Op counts used with the float32 policy (``n_ops``), in one place so each test states the same reasoning:

* ``ELEMENTWISE`` (1): one IEEE operation (+ − × ÷, neg, abs, clamp, relu): correctly rounded on both sides,
  so results are normally bit-identical; 1 op is the policy's floor.
* ``TRANSCENDENTAL`` (2): exp/log/tanh/sigmoid: NumPy and torch (SLEEF) each round to ≤ 1 ulp, possibly to
  different neighbours, and sigmoid is exp followed by an add and a divide.
* a gradient of a transcendental op chains the forward (2) with the backward's multiplies: ``GRAD_OF_TRANSCENDENTAL``.
* reductions over n terms (``sum_ops``): summation order differs (pairwise vs. cascade/BLAS), error ≤ ~log2(n)·ε
  relative to Σ|x|, so ``n_ops = ceil(log2 n) + 1`` with ``scale`` = Σ|x|.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

import minigrad
from minigrad.testing.tolerances import assert_close

ELEMENTWISE = 1
TRANSCENDENTAL = 2
GRAD_OF_TRANSCENDENTAL = 4

DTYPES = {"float32": (minigrad.float32, torch.float32), "float64": (minigrad.float64, torch.float64)}
TORCH_DTYPE = {
    "float16": torch.float16, "float32": torch.float32, "float64": torch.float64, "int8": torch.int8,
    "int16": torch.int16, "int32": torch.int32, "int64": torch.int64, "uint8": torch.uint8, "bool": torch.bool,
}
MG_DTYPE = {
    "float16": minigrad.float16, "float32": minigrad.float32, "float64": minigrad.float64, "int8": minigrad.int8,
    "int16": minigrad.int16, "int32": minigrad.int32, "int64": minigrad.int64, "uint8": minigrad.uint8,
    "bool": minigrad.bool,
}


def sum_ops(n: int) -> int:
    """Op count of an n-term sum under the float32 policy: ceil(log2 n) + 1 (see the module docstring)."""
    return max(math.ceil(math.log2(max(n, 1))), 0) + 1


def dtype_name(t: Any) -> str:
    """'float32', 'int64'... for a minigrad or torch dtype (or tensor)."""
    d = getattr(t, "dtype", t)
    return str(d).split(".")[-1]


# ---------------------------------------------------------------------------------------------- twins
def twins(arr: np.ndarray, requires_grad: bool = False) -> tuple[minigrad.Tensor, torch.Tensor]:
    """The same values as a minigrad tensor and a torch tensor (independent copies, same dtype)."""
    arr = np.array(arr, copy=True)
    a = minigrad.tensor(arr, requires_grad=requires_grad)
    b = torch.tensor(arr, requires_grad=requires_grad)
    return a, b


def as_np(t: Any) -> np.ndarray:
    """A NumPy copy of a minigrad or torch tensor (detached)."""
    if isinstance(t, torch.Tensor):
        return t.detach().numpy().copy()
    if isinstance(t, minigrad.Tensor):
        return np.array(t.detach().numpy(), copy=True)
    return np.asarray(t)


def run_twins(
    fn: Callable[..., Any],
    arrays: Sequence[np.ndarray],
    requires_grad: Sequence[bool] | bool = True,
    upstream: np.ndarray | None = None,
) -> dict[str, Any]:
    """Run ``fn(lib, *tensors)`` with lib = minigrad and lib = torch on the same inputs, then backward.

    ``upstream`` is dL/d(output) (ones-like when None). Returns both outputs and both sides' input gradients.
    """
    if isinstance(requires_grad, bool):
        requires_grad = [requires_grad] * len(arrays)
    mg_in, th_in = [], []
    for arr, rg in zip(arrays, requires_grad):
        a, b = twins(arr, rg and np.asarray(arr).dtype.kind == "f")
        mg_in.append(a)
        th_in.append(b)
    mg_out = fn(minigrad, *mg_in)
    th_out = fn(torch, *th_in)
    result: dict[str, Any] = {"mg_out": mg_out, "th_out": th_out, "mg_in": mg_in, "th_in": th_in}
    if th_out.requires_grad:
        g = np.ones(tuple(th_out.shape), dtype=as_np(th_out).dtype) if upstream is None else upstream
        mg_out.backward(minigrad.tensor(np.array(g, copy=True)))
        th_out.backward(torch.tensor(np.array(g, copy=True)))
    result["mg_grads"] = [t.grad for t in mg_in]
    result["th_grads"] = [t.grad for t in th_in]
    return result


def assert_twins_close(res: dict[str, Any], *, n_ops: int, grad_n_ops: int, scale: float | None = None,
                       grad_scale: float | None = None) -> None:
    """Output and every input gradient of a ``run_twins`` result agree with torch (dtype and values)."""
    mg_out, th_out = res["mg_out"], res["th_out"]
    assert dtype_name(mg_out) == dtype_name(th_out), f"dtype {mg_out.dtype} != torch {th_out.dtype}"
    assert tuple(mg_out.shape) == tuple(th_out.shape)
    assert mg_out.requires_grad == th_out.requires_grad
    assert_close(as_np(mg_out), as_np(th_out), n_ops=n_ops, scale=scale, what="forward")
    for i, (gm, gt) in enumerate(zip(res["mg_grads"], res["th_grads"])):
        if gt is None:
            assert gm is None, f"input {i}: minigrad has a gradient where torch has none"
            continue
        assert gm is not None, f"input {i}: minigrad has no gradient"
        assert dtype_name(gm) == dtype_name(gt)
        assert_close(as_np(gm), as_np(gt), n_ops=grad_n_ops, scale=grad_scale, what=f"grad of input {i}")


# ---------------------------------------------------------------------------------------------- graphs
def graph_signature(root: Any, limit: int = 10_000) -> list[tuple[int, str | None, str | None]]:
    """A depth-first listing of a backward graph: (depth, class name, name()) per node; None for empty slots.

    Works for both libraries (it only uses ``next_functions``, ``type(node).__name__`` and ``name()``), so two
    graphs are equal node for node exactly when their signatures are equal.
    """
    out: list[tuple[int, str | None, str | None]] = []
    stack: list[tuple[int, Any]] = [(0, root)]
    while stack:
        depth, node = stack.pop()
        if node is None:
            out.append((depth, None, None))
        else:
            out.append((depth, type(node).__name__, node.name()))
            stack.extend((depth + 1, nxt) for nxt, _ in reversed(node.next_functions))
        if len(out) > limit:
            raise AssertionError("graph too large to compare")
    return out


def assert_same_graph(mg_tensor: minigrad.Tensor, th_tensor: torch.Tensor) -> None:
    """The two tensors' backward graphs have the same nodes (class names and name()) in the same slots."""
    a, b = graph_signature(mg_tensor.grad_fn), graph_signature(th_tensor.grad_fn)
    if a != b:
        raise AssertionError("graphs differ:\nminigrad:\n" + _fmt(a) + "\ntorch:\n" + _fmt(b))


def _fmt(sig: list[tuple[int, str | None, str | None]]) -> str:
    return "\n".join("  " * d + (f"{n} ({q})" if n != q else str(n)) for d, n, q in sig)


# ---------------------------------------------------------------------------------------------- errors
_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?")


def normalize_message(msg: str) -> str:
    """A message with the library name made neutral (``minigrad.Size`` and ``torch.Size`` both read ``Size``,
    ``minigrad.FloatTensor`` reads ``torch.FloatTensor``) and torch's "(Triggered internally at file:line)"
    suffix dropped."""
    msg = _TRIGGERED.sub("", msg)
    return msg.replace("minigrad.", "torch.").replace("torch.Size", "Size").strip()


def capture_error(fn: Callable[[], Any]) -> BaseException:
    try:
        fn()
    except Exception as e:
        return e
    raise AssertionError(f"{fn} raised nothing")


def assert_same_error(mg_fn: Callable[[], Any], th_fn: Callable[[], Any], *, exact: bool = True) -> BaseException:
    """Both calls raise; same exception type; same message (or, with exact=False, minigrad's message starts
    with torch's first sentence)."""
    th_err = capture_error(th_fn)
    mg_err = capture_error(mg_fn)
    assert type(mg_err) is type(th_err), f"minigrad raised {type(mg_err).__name__}: {mg_err}; torch raised " \
                                         f"{type(th_err).__name__}: {th_err}"
    m, t = normalize_message(str(mg_err)), normalize_message(str(th_err))
    if exact:
        assert m == t, f"message differs:\nminigrad: {m}\ntorch:    {t}"
    else:
        head = t.split(". ")[0].split(": ")[0]
        assert m.startswith(head), f"message differs:\nminigrad: {m}\ntorch:    {t}"
    return mg_err


def warnings_of(fn: Callable[[], Any]) -> list[tuple[type[Warning], str]]:
    """(category, normalized message) of every warning ``fn`` emits."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category, normalize_message(str(w.message))) for w in caught]


# ---------------------------------------------------------------------------------------------- finite differences
def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray, h: float) -> np.ndarray:
    """dF/dx by central differences, (F(x + h·eᵢ) − F(x − h·eᵢ)) / 2h, elementwise, in float64."""
    x = np.array(x, dtype=np.float64, copy=True)
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f(x)
        flat[i] = old - h
        down = f(x)
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad


def fd_step(x: np.ndarray) -> float:
    """h = ε^(1/3)·max(1, max|x|): balances truncation (h²) against rounding (ε/h) in float64."""
    return float(np.finfo(np.float64).eps ** (1 / 3) * max(1.0, float(np.max(np.abs(x), initial=0.0))))


def assert_matches_finite_differences(f: Callable[..., minigrad.Tensor], arrays: Sequence[np.ndarray],
                                      wrt: Sequence[int] | None = None) -> None:
    """minigrad's float64 gradient of the scalar ``f(*tensors)`` equals central differences, for each input
    in ``wrt`` (all by default), under ``finite_difference_tolerance``."""
    from minigrad.testing.tolerances import finite_difference_tolerance

    arrays = [np.array(a, dtype=np.float64, copy=True) for a in arrays]
    wrt = range(len(arrays)) if wrt is None else wrt
    ts = [minigrad.tensor(a, requires_grad=i in wrt) for i, a in enumerate(arrays)]
    out = f(*ts)
    out.backward()
    for i in wrt:
        def scalar(xi: np.ndarray, i: int = i) -> float:
            args = [minigrad.tensor(xi if j == i else a) for j, a in enumerate(arrays)]
            with minigrad.no_grad():
                return float(f(*args).item())

        numeric = central_difference(scalar, arrays[i], fd_step(arrays[i]))
        analytic = as_np(ts[i].grad)
        tol = finite_difference_tolerance(scale=abs(float(out.item())))
        bad = np.abs(analytic - numeric) > tol.atol + tol.rtol * np.abs(numeric)
        assert not bad.any(), (
            f"input {i}: autograd {analytic[bad]} vs central differences {numeric[bad]} ({tol.reason})"
        )
