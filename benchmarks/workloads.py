"""The workloads: the three seed examples (same data, model and loss as torch_ref) and a size sweep of
Linear+MSE and Linear+sigmoid+BCE, with the rule that decides what is skipped (and says why)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "Workload", "SEEDS", "sweep_workloads", "make_data", "initial_params", "skip_reason", "available_memory",
    "LEARNING_RATE", "EPOCHS",
]

LEARNING_RATE = 0.01  # every seed uses SGD(lr=0.01)
EPOCHS = 100  # every seed trains for 100 epochs


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

    @property
    def elements(self) -> int:
        return self.n_samples * self.n_features

    @property
    def x_bytes(self) -> int:
        return self.elements * np.dtype(self.dtype).itemsize

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


SEEDS = (
    Workload("ex1", "seed", "mse", "wrapped", 4, 1, "float32"),
    Workload("ex2", "seed", "mse", "linear", 100, 1, "float32"),
    Workload("ex3", "seed", "bce", "logistic", 455, 30, "float32"),
)


def sweep_workloads(n_samples: list[int], n_features: list[int], dtypes: list[str],
                    losses: list[str]) -> list[Workload]:
    """The size sweep, smallest first: Linear+MSE (bare nn.Linear) and Linear+sigmoid+BCE."""
    out = []
    for loss in losses:
        for dtype in dtypes:
            for d in n_features:
                for n in n_samples:
                    model = "linear" if loss == "mse" else "logistic"
                    out.append(Workload(f"{loss}-{n}x{d}-{dtype}", "sweep", loss, model, n, d, dtype))
    return out


def available_memory() -> int:
    """MemAvailable from /proc/meminfo, in bytes (total physical memory if that is unreadable)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os_total_memory()


def os_total_memory() -> int:
    import os

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def skip_reason(w: Workload, max_elements: int) -> str | None:
    """Why ``w`` is not run, or None. Memory: X, y and each subject's temporaries must fit with room to spare
    (X is shared by the three subjects, a step makes O(n) temporaries). Time: X must stay under
    ``max_elements`` elements (a step reads X twice, so its cost grows with n·d)."""
    need = w.x_bytes * 2 + w.n_samples * np.dtype(w.dtype).itemsize * 16
    if need > available_memory() * 0.6:
        return (f"memory: X alone is {w.x_bytes / 2**30:.1f} GiB; with temporaries ~{need / 2**30:.1f} GiB "
                f"exceeds 60% of the {available_memory() / 2**30:.1f} GiB available")
    if w.elements > max_elements:
        return (f"time: n·d = {w.elements:.0e} > --max-elements {max_elements:.0e} (X = {w.x_bytes / 2**30:.2f} GiB, "
                "read twice per step by each of 3 subjects in 2 thread modes: beyond this run's time budget)")
    return None


def _seed_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The seed example's training arrays, from the examples' shared data preparation
    (``minigrad.examples.data``, also used by torch_ref), converted as the pipelines do: float32, y (n, 1)."""
    from minigrad.examples import data

    if name == "ex1":
        x, y, _x_test = data.toy_data()
    elif name == "ex2":
        x, y = data.regression_data()
    elif name == "ex3":
        x, _x_test, y, _y_test = data.breast_cancer_data()
    else:
        raise ValueError(f"unknown seed example {name!r}")
    x = np.ascontiguousarray(x, dtype=np.float32)
    return x, np.ascontiguousarray(y, dtype=np.float32).reshape(-1, 1)


def make_data(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) for ``w``: C-contiguous, dtype ``w.dtype``, y of shape (n, 1). Sweep data: X ~ N(0, 1), y a noisy
    linear function of X (MSE) or its sign as 0/1 labels (BCE); deterministic per size and dtype."""
    if w.kind == "seed":
        return _seed_data(w.name)
    dt = np.dtype(w.dtype)
    rng = np.random.default_rng([w.n_samples, w.n_features, dt.itemsize, 0 if w.loss == "mse" else 1])
    x = rng.standard_normal((w.n_samples, w.n_features), dtype=dt)
    w_true = (rng.standard_normal(w.n_features) / math.sqrt(w.n_features)).astype(dt)
    z = x @ w_true
    noise = rng.standard_normal(w.n_samples, dtype=dt)
    if w.loss == "mse":
        y = z + dt.type(0.1) * noise
    else:
        y = (z + dt.type(0.5) * noise > 0).astype(dt)
    return x, np.ascontiguousarray(y.reshape(-1, 1), dtype=dt)


def initial_params(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    """The same starting weight (1, d) and bias (1,) for every subject: torch's init distribution,
    U(−1/√d, 1/√d), drawn from a fixed NumPy generator."""
    rng = np.random.default_rng(12345)
    bound = 1 / math.sqrt(w.n_features)
    weight = rng.uniform(-bound, bound, (1, w.n_features)).astype(w.dtype)
    bias = rng.uniform(-bound, bound, (1,)).astype(w.dtype)
    return weight, bias
