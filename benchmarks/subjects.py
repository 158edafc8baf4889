"""The three subjects, each doing one full training step on a workload: minigrad, torch eager, and the
hand-written NumPy floor (closed-form gradients, no autograd).

Every subject starts from the same parameters, trains on the same arrays (torch and minigrad wrap X and y
without copying) and computes the same math in the same dtype; :func:`agreement` checks that they do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from benchmarks.workloads import LEARNING_RATE, Workload

__all__ = ["Subject", "BUILDERS", "build_subject", "agreement", "BCE_EPS"]

BCE_EPS = 1e-12  # torch's floor on x(1 − x) in BCELoss's gradient


@dataclass
class Subject:
    """One library's training loop on one workload.

    ``step()`` runs forward, loss, backward, optimizer step and zero_grad, and keeps nothing;
    ``step_loss()`` does the same and returns the loss as a Python float (what a training loop prints)."""

    name: str
    step: Callable[[], None]
    step_loss: Callable[[], float]
    get_params: Callable[[], tuple[np.ndarray, np.ndarray]]
    set_params: Callable[[np.ndarray, np.ndarray], None]
    notes: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)  # model, criterion, optimizer, X, Y (engines only)


def build_subject(name: str, w: Workload, x: np.ndarray, y: np.ndarray, weight: np.ndarray,
                  bias: np.ndarray, lr: float = LEARNING_RATE) -> Subject:
    """The subject ``name`` (a key of ``BUILDERS``) set up on ``w`` with data (x, y) and the given initial
    parameters."""
    subject = BUILDERS[name](w, x, y, lr)
    subject.set_params(weight, bias)
    return subject


# --------------------------------------------------------------------------------------------- engines
def _engine_subject(name: str, lib: Any, nn: Any, w: Workload, x: np.ndarray, y: np.ndarray,
                    lr: float) -> Subject:
    """minigrad and torch share one definition: the seeds' own code, with ``lib`` = minigrad or torch."""
    dtype = getattr(lib, w.dtype)

    class LinearRegression(nn.Module):  # Example 1's model: nn.Linear wrapped in a Module
        def __init__(self, input_dim: int, output_dim: int) -> None:
            super().__init__()
            self.lin = nn.Linear(input_dim, output_dim, dtype=dtype)

        def forward(self, x: Any) -> Any:
            return self.lin(x)

    class LogisticRegression(nn.Module):  # Example 3's model: sigmoid(Linear(d, 1))
        def __init__(self, n_input_features: int) -> None:
            super().__init__()
            self.linear = nn.Linear(n_input_features, 1, dtype=dtype)

        def forward(self, x: Any) -> Any:
            return lib.sigmoid(self.linear(x))

    d = w.n_features
    if w.model == "wrapped":
        model = LinearRegression(d, 1)
        linear = model.lin
    elif w.model == "logistic":
        model = LogisticRegression(d)
        linear = model.linear
    else:
        model = linear = nn.Linear(d, 1, dtype=dtype)
    criterion = nn.MSELoss() if w.loss == "mse" else nn.BCELoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=lr)
    X = lib.from_numpy(x)  # noqa: N806 - the seeds' names
    Y = lib.from_numpy(y)  # noqa: N806

    def step() -> None:
        y_pred = model(X)  # forward pass
        loss = criterion(y_pred, Y)  # loss: prediction first, target second
        loss.backward()  # backward pass
        optimizer.step()  # update weights
        optimizer.zero_grad()  # zero the gradients

    def step_loss() -> float:
        y_pred = model(X)
        loss = criterion(y_pred, Y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        return loss.item()

    def get_params() -> tuple[np.ndarray, np.ndarray]:
        return (np.array(linear.weight.detach().numpy(), copy=True), np.array(linear.bias.detach().numpy(), copy=True))

    def set_params(weight: np.ndarray, bias: np.ndarray) -> None:
        with lib.no_grad():
            linear.weight.copy_(lib.from_numpy(np.array(weight, dtype=w.dtype)))
            linear.bias.copy_(lib.from_numpy(np.array(bias, dtype=w.dtype)))

    return Subject(name, step, step_loss, get_params, set_params,
                   objects={"model": model, "criterion": criterion, "optimizer": optimizer, "X": X, "Y": Y})


def _minigrad(w: Workload, x: np.ndarray, y: np.ndarray, lr: float) -> Subject:
    import minigrad

    return _engine_subject("minigrad", minigrad, minigrad.nn, w, x, y, lr)


def _torch(w: Workload, x: np.ndarray, y: np.ndarray, lr: float) -> Subject:
    import torch

    return _engine_subject("torch", torch, torch.nn, w, x, y, lr)


# --------------------------------------------------------------------------------------------- the floor
def _fastest(candidates: dict[str, Callable[[], Any]], repeats: int = 7) -> str:
    """Name of the fastest candidate (median of interleaved timings). The floor picks, per shape, the fastest of
    several equivalent NumPy formulations of the same product, so it is a floor and not a strawman."""
    if len(candidates) == 1:
        return next(iter(candidates))
    times: dict[str, list[float]] = {k: [] for k in candidates}
    for fn in candidates.values():
        fn()
    for _ in range(repeats):
        for k, fn in candidates.items():
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return min(times, key=lambda k: float(np.median(times[k])))


def _numpy_floor(w: Workload, x: np.ndarray, y: np.ndarray, lr: float) -> Subject:
    """One step written by hand in NumPy: the same math and dtype as torch's Linear + (sigmoid + BCE | MSE) +
    SGD, with closed-form gradients, in-place updates and no temporaries beyond O(n) vectors.

    MSE:  z = Xw + b;  r = z − y;  L = r·r / n;  dL/dz = 2r/n;  dL/dw = Xᵀ(dL/dz);  dL/db = Σ dL/dz.
    BCE:  p = 1/(1 + e^−z);  L = −mean(y·max(ln p, −100) + (1 − y)·max(ln(1 − p), −100));
          dL/dp = (p − y) / max(p(1 − p), 1e-12) / n  (torch's BCE backward, clamp included);
          dL/dz = dL/dp · p(1 − p)  (sigmoid backward);  then as MSE.
    SGD:  w −= lr·dL/dw;  b −= lr·dL/db.  zero_grad has nothing to do: no gradient outlives the step.
    """
    n, d = x.shape
    dt = x.dtype
    yv = y.reshape(-1)  # (n,) view of the (n, 1) targets
    wv = np.zeros(d, dtype=dt)  # the weight row, (d,)
    wc = wv.reshape(d, 1)  # the same memory as a (d, 1) column
    b = np.zeros(1, dtype=dt)
    inv_n = 1.0 / n
    two_n = 2.0 / n
    eps = dt.type(BCE_EPS)
    x0 = x[:, 0]

    # Equivalent formulations of z = Xw and g = Xᵀr: BLAS dispatch differs by shape (OpenBLAS's gemv on a
    # (n, 1) matrix is slow, for instance), so the floor takes the fastest for this shape.
    x_t = x.T
    forwards: dict[str, Callable[[], np.ndarray]] = {"gemv X@w": lambda: x @ wv,
                                                     "gemm X@W.T": lambda: (x @ wc).reshape(-1)}
    backwards: dict[str, Callable[[np.ndarray], np.ndarray]] = {
        "gemv r@X": lambda g: g @ x, "gemm X.T@r": lambda g: (x_t @ g.reshape(n, 1)).reshape(-1)}
    if d == 1:
        forwards["scale x*w"] = lambda: x0 * wv[0]
        backwards["dot r·x"] = lambda g: np.dot(g, x0).reshape(1)
    reps = 7 if n * d <= 10**7 else 3
    r = np.ones(n, dtype=dt)
    fwd_name = _fastest(forwards, reps)
    bwd_name = _fastest({k: partial(f, r) for k, f in backwards.items()}, reps)
    fwd_impl, xt_impl = forwards[fwd_name], backwards[bwd_name]

    if w.loss == "mse":
        def step_loss_array() -> Any:
            z = fwd_impl()  # forward: z = Xw (a new (n,) array) ...
            z += b  # ... + b, in place
            z -= yv  # r = z − y, in place
            loss = np.dot(z, z) * inv_n  # L = mean(r²)
            z *= two_n  # dL/dz = 2r/n
            gw = xt_impl(z)  # dL/dw = Xᵀ·dL/dz
            gb = z.sum()  # dL/db
            gw *= lr
            np.subtract(wv, gw, out=wv)  # SGD, in place
            np.subtract(b, lr * gb, out=b)
            return loss
    else:
        def step_loss_array() -> Any:
            z = fwd_impl()
            z += b
            np.negative(z, out=z)  # p = 1 / (1 + e^−z), in place
            np.exp(z, out=z)
            z += 1
            p = np.reciprocal(z, out=z)
            log_p = np.log(p)  # BCE, log terms clamped at −100 as torch does
            np.maximum(log_p, -100, out=log_p)
            log_q = np.negative(p)  # ln(1 − p) = log1p(−p), as torch computes it
            np.log1p(log_q, out=log_q)
            np.maximum(log_q, -100, out=log_q)
            log_p -= log_q  # y·ln p + (1 − y)·ln(1 − p) = ln(1 − p) + y·(ln p − ln(1 − p))
            loss = -(np.dot(yv, log_p) + log_q.sum()) * inv_n
            q = np.subtract(1, p, out=log_q)  # p(1 − p), reusing a buffer
            q *= p
            g = np.subtract(p, yv, out=log_p)  # dL/dp = (p − y) / max(p(1 − p), eps) / n
            g /= np.maximum(q, eps, out=z)  # z (= p) is no longer needed: reuse it
            g *= inv_n
            g *= q  # dL/dz = dL/dp · p(1 − p)
            gw = xt_impl(g)
            gb = g.sum()
            gw *= lr
            np.subtract(wv, gw, out=wv)
            np.subtract(b, lr * gb, out=b)
            return loss

    def step() -> None:
        step_loss_array()

    def step_loss() -> float:
        return float(step_loss_array())

    def get_params() -> tuple[np.ndarray, np.ndarray]:
        return wv.reshape(1, d).copy(), b.copy()

    def set_params(weight: np.ndarray, bias: np.ndarray) -> None:
        wv[...] = np.asarray(weight, dtype=dt).reshape(-1)
        b[...] = np.asarray(bias, dtype=dt).reshape(-1)

    return Subject("numpy", step, step_loss, get_params, set_params,
                   notes={"forward_product": fwd_name, "backward_product": bwd_name})


# Every subject's builder (w, x, y, lr) -> Subject: add a new one here and its name to ``config.SUBJECTS``.
BUILDERS: dict[str, Callable[[Workload, np.ndarray, np.ndarray, float], Subject]] = {
    "minigrad": _minigrad, "torch": _torch, "numpy": _numpy_floor,
}


# --------------------------------------------------------------------------------------------- checks
def agreement(subjects: dict[str, Subject], weight: np.ndarray, bias: np.ndarray, steps: int = 3) -> dict[str, Any]:
    """Run ``steps`` steps of every subject from the same parameters and compare losses and parameters with
    torch's: the subjects must compute the same thing for the timings to mean anything. Parameters are left
    at the initial values afterwards."""
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
    out: dict[str, Any] = {"steps": steps, "reference": ref, "losses": losses, "max_param_diff_rel": {}}
    tol = 1e-3 if weight.dtype == np.float32 else 1e-9
    ok = True
    for name, (pw, pb) in params.items():
        diff = max(float(np.max(np.abs(pw - rw))), float(np.max(np.abs(pb - rb)))) / scale
        out["max_param_diff_rel"][name] = diff
        ok = ok and bool(np.isfinite(diff)) and diff <= tol
    out["tolerance"] = tol
    out["ok"] = ok
    return out
