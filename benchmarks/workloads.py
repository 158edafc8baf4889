"""The workloads: the three seed examples (same data, model and loss as torch_ref) and a size sweep of
Linear+MSE and Linear+sigmoid+BCE, with the rule that decides what is skipped (and says why)."""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from benchmarks.env import proc_value

LEARNING_RATE = 0.01  # every seed uses SGD(lr=0.01)


@dataclass(frozen=True)
class Workload:
    """One training problem. ``model`` is the seed's model style: ``"wrapped"`` (ex1's LinearRegression module
    around nn.Linear), ``"linear"`` (a bare nn.Linear) or ``"logistic"`` (sigmoid(Linear(d, 1)))."""

    name: str
    kind: str  # "seed" | "sweep"
    loss: str  # "mse" | "bce"
    model: str
    n_samples: int
    n_features: int
    dtype: str  # "float32" | "float64"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


SEEDS = (Workload("ex1", "seed", "mse", "wrapped", 4, 1, "float32"),
         Workload("ex2", "seed", "mse", "linear", 100, 1, "float32"),
         Workload("ex3", "seed", "bce", "logistic", 455, 30, "float32"))


def sweep_workloads(n_samples: list[int], n_features: list[int], dtypes: list[str],
                    losses: list[str]) -> list[Workload]:
    """The size sweep, smallest first: Linear+MSE (bare nn.Linear) and Linear+sigmoid+BCE."""
    return [Workload(f"{loss}-{n}x{d}-{dtype}", "sweep", loss, "linear" if loss == "mse" else "logistic", n, d, dtype)
            for loss in losses for dtype in dtypes for d in n_features for n in n_samples]


def available_memory() -> int:
    """MemAvailable from /proc/meminfo, in bytes (total physical memory if that is unreadable)."""
    kib = proc_value("/proc/meminfo", "MemAvailable")
    return int(kib.split()[0]) * 1024 if kib else os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def skip_reason(w: Workload, max_elements: int) -> str | None:
    """Why ``w`` is not run, or None. Memory: X, y and each subject's temporaries must fit with room to spare
    (X is shared by the subjects, a step makes O(n) temporaries). Time: X must stay under ``max_elements``
    elements (a step reads X twice, so its cost grows with n·d)."""
    elements = w.n_samples * w.n_features
    x_gib = elements * np.dtype(w.dtype).itemsize / 2**30
    need = 2 * x_gib + w.n_samples * np.dtype(w.dtype).itemsize * 16 / 2**30
    if need > available_memory() / 2**30 * 0.6:
        return (f"memory: X alone is {x_gib:.1f} GiB; with temporaries ~{need:.1f} GiB exceeds 60% of the "
                f"{available_memory() / 2**30:.1f} GiB available")
    if elements > max_elements:
        return (f"time: n·d = {elements:.0e} > --max-elements {max_elements:.0e} (X = {x_gib:.2f} GiB, read twice "
                "per step by each subject in each thread mode: beyond this run's time budget)")
    return None


def make_data(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) for ``w``: C-contiguous, dtype ``w.dtype``, y of shape (n, 1). The seeds' arrays come from the
    examples' shared data preparation (``minigrad.examples.data``, also used by torch_ref), as float32. Sweep
    data: X ~ N(0, 1), y a noisy linear function of X (MSE) or its sign as 0/1 labels (BCE); deterministic per
    size and dtype."""
    if w.kind == "seed":
        from minigrad.examples import data

        x, y = {"ex1": lambda: data.toy_data()[:2], "ex2": data.regression_data,
                "ex3": lambda: data.breast_cancer_data()[::2]}[w.name]()
        return np.ascontiguousarray(x, dtype=np.float32), np.ascontiguousarray(y, dtype=np.float32).reshape(-1, 1)
    dt = np.dtype(w.dtype)
    rng = np.random.default_rng([w.n_samples, w.n_features, dt.itemsize, 0 if w.loss == "mse" else 1])
    x = rng.standard_normal((w.n_samples, w.n_features), dtype=dt)
    z = x @ (rng.standard_normal(w.n_features) / math.sqrt(w.n_features)).astype(dt)
    noise = rng.standard_normal(w.n_samples, dtype=dt)
    y = z + dt.type(0.1) * noise if w.loss == "mse" else (z + dt.type(0.5) * noise > 0).astype(dt)
    return x, np.ascontiguousarray(y.reshape(-1, 1), dtype=dt)


def initial_params(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    """The same starting weight (1, d) and bias (1,) for every subject: torch's init distribution,
    U(−1/√d, 1/√d), drawn from a fixed NumPy generator."""
    rng = np.random.default_rng(12345)
    bound = 1 / math.sqrt(w.n_features)
    weight = rng.uniform(-bound, bound, (1, w.n_features)).astype(w.dtype)
    return weight, rng.uniform(-bound, bound, (1,)).astype(w.dtype)
