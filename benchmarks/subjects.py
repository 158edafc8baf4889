"""The subjects (README.md, "Subjects"), each one full training step, and :func:`agreement` between them."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

import minigrad
from benchmarks import timing
from benchmarks.config import LEARNING_RATE, Workload

BCE_EPS = 1e-12  # torch's floor on x(1 − x) in BCELoss's gradient


class UnavailableError(Exception):
    """A subject that cannot run here (torch.compile without a working C++ compiler, say): skipped, and said why."""


@dataclass
class Subject:
    """One library's training step on one workload (``step_loss`` also returns the loss as a float)."""

    name: str
    step: Callable[[], Any]
    step_loss: Callable[[], float]
    get_params: Callable[[], tuple[np.ndarray, np.ndarray]]
    set_params: Callable[[np.ndarray, np.ndarray], None]
    notes: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)  # model, criterion, optimizer, X, Y, step_fn (engines)


def build_subject(name: str, w: Workload, x: np.ndarray, y: np.ndarray, weight: np.ndarray,
                  bias: np.ndarray, lr: float = LEARNING_RATE) -> Subject:
    """The subject ``name`` on ``w`` from the given parameters; :class:`UnavailableError` if it cannot run here."""
    subject = BUILDERS[name](w, x, y, lr)
    subject.set_params(weight, bias)
    return subject


SEED_MODULES = {"wrapped": "example1", "linear": "example2", "logistic": "example3"}  # the seed of each model


def _engine_subject(name: str, lib: Any, w: Workload, x: np.ndarray, y: np.ndarray, lr: float,
                    compile: Callable[[Any], Any] | None = None) -> Subject:
    """The seed's own ``build_model`` and ``train_step`` (minigrad's or torch_ref's), the step through ``compile``."""
    seed = importlib.import_module(f"{'minigrad.examples' if lib is minigrad else 'torch_ref'}.{SEED_MODULES[w.model]}")
    model = seed.build_model(w.n_features, w.dtype)
    linear = model.lin if w.model == "wrapped" else model.linear if w.model == "logistic" else model
    criterion = lib.nn.MSELoss() if w.loss == "mse" else lib.nn.BCELoss()
    objects = {"model": model, "criterion": criterion, "optimizer": lib.optim.SGD(model.parameters(), lr=lr),
               "X": lib.from_numpy(x), "Y": lib.from_numpy(y)}
    args = tuple(objects.values())
    fn = objects["step_fn"] = seed.train_step if compile is None else compile(seed.train_step)

    def get_params() -> tuple[np.ndarray, np.ndarray]:
        return (np.array(linear.weight.detach().numpy(), copy=True), np.array(linear.bias.detach().numpy(), copy=True))

    def set_params(weight: np.ndarray, bias: np.ndarray) -> None:
        with lib.no_grad():
            linear.weight.copy_(lib.from_numpy(np.array(weight, dtype=w.dtype)))
            linear.bias.copy_(lib.from_numpy(np.array(bias, dtype=w.dtype)))

    # partial: the step called with no Python frame of the harness's own around it (the floor has none either)
    return Subject(name, partial(fn, *args), lambda: fn(*args).item(), get_params, set_params, objects=objects)


def _compile_first(s: Subject, calls: int) -> Subject:
    """``calls`` untimed calls: the first compiles (``compile_s``), the next ones settle any recompilation."""
    t0 = time.perf_counter()
    s.step()
    s.notes["compile_s"] = time.perf_counter() - t0
    for _ in range(calls - 1):
        s.step()
    s.notes["warmup_s"] = time.perf_counter() - t0
    return s


def _torch(name: str, w: Workload, x: np.ndarray, y: np.ndarray, lr: float) -> Subject:
    """torch eager, or torch.compile of the same step, compiled afresh (inductor bakes the thread count in)."""
    import torch  # (optional: only its subjects need it)

    if name == "torch":
        return _engine_subject(name, torch, w, x, y, lr)
    torch._dynamo.reset()
    s = _engine_subject(name, torch, w, x, y, lr, partial(torch.compile, dynamic=False))
    try:
        return _compile_first(s, 4)
    except Exception as e:  # inductor fails in many ways: no C++ compiler, a codegen or backend error, ...
        text = str(e).strip().splitlines()
        raise UnavailableError(f"{type(e).__name__}: {text[0] if text else ''}"[:300]) from e


def _fastest(candidates: dict[str, Callable[[], Any]], repeats: int = 7) -> str:
    """Name of the fastest candidate: the median of interleaved timings, after an untimed round."""
    samples = timing.interleave(candidates, repeats + 1)["samples_ns"]
    return min(samples, key=lambda k: float(np.median(samples[k][1:])))


def _numpy_floor(w: Workload, x: np.ndarray, y: np.ndarray, lr: float) -> Subject:
    """One step by hand in NumPy: torch's math, closed-form gradients, in place, O(n) temporaries.

    MSE:  z = Xw + b;  r = z − y;  L = r·r / n;  dL/dz = 2r/n;  dL/dw = Xᵀ(dL/dz);  dL/db = Σ dL/dz.
    BCE:  p = 1/(1 + e^−z);  L = −mean(y·max(ln p, −100) + (1 − y)·max(ln(1 − p), −100));
          dL/dp = (p − y) / max(p(1 − p), 1e-12) / n  (torch's BCE backward, clamp included);
          dL/dz = dL/dp · p(1 − p)  (sigmoid backward);  then as MSE.
    SGD:  w −= lr·dL/dw;  b −= lr·dL/db.  zero_grad has nothing to do: no gradient outlives the step.

    Two NumPy costs that are not arithmetic are avoided, as ``minigrad.compile``'s replay avoids them: a Python
    number beside an array is converted anew at every call (~0.35 µs), so the constants are 0-d arrays made
    once (the same values: NumPy casts the number to the array's dtype either way); and a ufunc writing in place
    into a 1-element array costs ~0.8 µs against ~0.25 µs into other memory, so the bias (and a 1-element
    weight) is updated out of place and copied back.
    """
    (n, d), dt = x.shape, x.dtype
    yv = y.reshape(-1)  # (n,) view of the (n, 1) targets
    wv = np.zeros(d, dtype=dt)  # the weight row, (d,)
    wc = wv.reshape(d, 1)  # the same memory as a (d, 1) column
    b = np.zeros(1, dtype=dt)
    b0, x0 = b.reshape(()), x[:, 0]  # the bias as a 0-d view; the single feature column
    inv_n, two_n, eps, one, floor_log, lr0 = (np.array(v, dtype=dt) for v in (1.0 / n, 2.0 / n, BCE_EPS, 1, -100, lr))
    step_w, step_b = np.empty(d, dtype=dt), np.empty(1, dtype=dt)  # lr·dL/dw and lr·dL/db
    w_in_place = d > 1

    # Equivalent formulations of z = Xw and g = Xᵀr: BLAS dispatch differs by shape (OpenBLAS's gemv on a
    # (n, 1) matrix is slow, for instance), so the floor takes the fastest for this shape.
    x_t = x.T
    forwards: dict[str, Callable[[], np.ndarray]] = {"gemv X@w": lambda: x @ wv,
                                                     "gemm X@W.T": lambda: (x @ wc).reshape(-1)}
    backwards: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "gemv r@X": lambda g: g @ x, "gemm X.T@r": lambda g: (x_t @ g.reshape(n, 1)).reshape(-1)}
    if d == 1:
        w0 = wv.reshape(())  # the weight as a 0-d view
        forwards["scale x*w"] = lambda: np.multiply(x0, w0)
        backwards["dot r·x"] = lambda g: np.dot(g, x0).reshape(1)
    reps = 7 if n * d <= 10**7 else 3
    r = np.ones(n, dtype=dt)
    fwd_name = _fastest(forwards, reps)
    bwd_name = _fastest({k: partial(f, r) for k, f in backwards.items()}, reps)
    fwd_impl, xt_impl = forwards[fwd_name], backwards[bwd_name]

    mse = w.loss == "mse"

    def step_loss_array() -> Any:
        z = fwd_impl()  # forward: z = Xw (a new (n,) array) ...
        z += b0  # ... + b, in place
        if mse:
            z -= yv  # r = z − y, in place
            loss = np.dot(z, z) * inv_n  # L = mean(r²)
            z *= two_n  # dL/dz = 2r/n
            g = z
        else:
            np.negative(z, out=z)  # p = 1 / (1 + e^−z), in place
            np.exp(z, out=z)
            z += one
            p = np.reciprocal(z, out=z)
            log_p = np.log(p)  # BCE, log terms clamped at −100 as torch does
            np.maximum(log_p, floor_log, out=log_p)
            log_q = np.negative(p)  # ln(1 − p) = log1p(−p), as torch computes it
            np.log1p(log_q, out=log_q)
            np.maximum(log_q, floor_log, out=log_q)
            log_p -= log_q  # y·ln p + (1 − y)·ln(1 − p) = ln(1 − p) + y·(ln p − ln(1 − p))
            loss = -(np.dot(yv, log_p) + log_q.sum()) * inv_n
            q = np.subtract(one, p, out=log_q)  # p(1 − p), reusing a buffer
            q *= p
            g = np.subtract(p, yv, out=log_p)  # dL/dp = (p − y) / max(p(1 − p), eps) / n
            g /= np.maximum(q, eps, out=z)  # z (= p) is no longer needed: reuse it
            g *= inv_n
            g *= q  # dL/dz = dL/dp · p(1 − p)
        np.multiply(xt_impl(g), lr0, out=step_w)  # SGD: w −= lr·Xᵀ·dL/dz, b −= lr·Σ dL/dz
        np.multiply(g.sum(), lr0, out=step_b)
        if w_in_place:
            np.subtract(wv, step_w, out=wv)
        else:
            wv[...] = wv - step_w
        b[...] = b - step_b
        return loss

    def set_params(weight: np.ndarray, bias: np.ndarray) -> None:
        wv[...] = np.asarray(weight, dtype=dt).reshape(-1)
        b[...] = np.asarray(bias, dtype=dt).reshape(-1)

    return Subject("numpy", step_loss_array, lambda: float(step_loss_array()),
                   lambda: (wv.reshape(1, d).copy(), b.copy()), set_params,
                   notes={"forward_product": fwd_name, "backward_product": bwd_name})


# Every subject's builder (w, x, y, lr) -> Subject: add a new one here and its name to ``config.SUBJECTS``.
BUILDERS: dict[str, Callable[[Workload, np.ndarray, np.ndarray, float], Subject]] = {
    "minigrad": partial(_engine_subject, "minigrad", minigrad),
    "compiled": lambda w, x, y, lr: _compile_first(_engine_subject("compiled", minigrad, w, x, y, lr,
                                                                   minigrad.compile), 2),
    "torch": partial(_torch, "torch"), "torch.compile": partial(_torch, "torch.compile"), "numpy": _numpy_floor,
}


def reset_all(subjects: dict[str, Subject], weight: np.ndarray, bias: np.ndarray) -> dict[str, Callable[[], None]]:
    """``timing.interleave``'s ``prepare``: each subject back at the initial parameters before a sample."""
    return {k: partial(s.set_params, weight, bias) for k, s in subjects.items()}


def agreement(subjects: dict[str, Subject], weight: np.ndarray, bias: np.ndarray, steps: int = 3) -> dict[str, Any]:
    """Steps of each subject from the same parameters (restored after) against torch's, compiled against eager."""
    losses: dict[str, list[float]] = {}
    params: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name, s in subjects.items():
        s.set_params(weight, bias)
        losses[name] = [s.step_loss() for _ in range(steps)]
        params[name] = s.get_params()
        s.set_params(weight, bias)
    ref = "torch" if "torch" in subjects else next(iter(subjects))
    rw, rb = params[ref]
    scale = max(float(np.max(np.abs(rw))), float(np.max(np.abs(rb))), 1e-30)
    tol = 1e-3 if weight.dtype == np.float32 else 1e-9
    diffs = {name: max(float(np.max(np.abs(pw - rw))), float(np.max(np.abs(pb - rb)))) / scale
             for name, (pw, pb) in params.items()}
    out: dict[str, Any] = {"steps": steps, "reference": ref, "losses": losses, "max_param_diff_rel": diffs,
                           "tolerance": tol}
    ok = all(bool(np.isfinite(diff)) and diff <= tol for diff in diffs.values())
    if "compiled" in params and "minigrad" in params:
        out["compiled_bitwise_equal"] = bool(np.array_equal(losses["compiled"], losses["minigrad"]) and all(
            np.array_equal(a, b) for a, b in zip(params["compiled"], params["minigrad"])))
        ok = ok and out["compiled_bitwise_equal"]
    out["ok"] = ok
    return out
