"""What the benchmark runs: the subjects, the settings of a full run and of ``--quick``, the workloads, their data."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

SCHEMA = "minigrad-bench/1"
# Every subject, in table order, the NumPy floor last (README.md, "Adding a subject")
SUBJECTS = ("minigrad", "compiled", "torch", "torch.compile", "numpy")
SUBJECT_LABELS = {"minigrad": "minigrad", "compiled": "minigrad compiled", "torch": "torch eager",
                  "torch.compile": "torch.compile", "numpy": "NumPy floor"}
SHORT = {"minigrad": "mg", "compiled": "comp", "torch": "torch", "torch.compile": "tc", "numpy": "floor"}
# The ratios a/b taken pairwise per round (those whose two subjects ran); the tables show them in this order.
RATIOS = (("minigrad", "torch"), ("minigrad", "numpy"), ("compiled", "numpy"), ("compiled", "minigrad"),
          ("compiled", "torch"), ("compiled", "torch.compile"), ("torch.compile", "torch"), ("torch", "numpy"))
NEEDS_TORCH = ("torch", "torch.compile")
LB_SUBJECTS = ("numpy", "tiny", "minigrad")  # the lower bound's table (lower_bound.py)
LB_RATIOS = (("tiny", "numpy"), ("minigrad", "numpy"), ("minigrad", "tiny"))
TORCH_SKIPPED = ("torch is not installed: timing minigrad against the NumPy floor only (torch skipped). "
                 "For the comparison with torch: pip install 'minigrad[ref]' (or pip install -r requirements-dev.txt)")
TC_OFF = ("torch.compile not run (--quick or --no-torch-compile: it compiles for tens of seconds per workload; "
          "add --torch-compile)")
LEARNING_RATE = 0.01  # every seed uses SGD(lr=0.01)


def ratio_pairs(subjects: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """The pairs of ``RATIOS`` whose subjects are both in ``subjects``."""
    return [(a, b) for a, b in RATIOS if a in subjects and b in subjects]


@dataclass(frozen=True)
class Workload:
    """One training problem; ``model``: ``"wrapped"`` (ex1's module around nn.Linear), ``"linear"``, ``"logistic"``."""

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


@dataclass
class Config:
    """What to run and how long to measure it. Budgets are seconds of measurement per (workload, thread mode)."""

    quick: bool = False
    seeds: bool = True
    n_samples: list[int] = field(default_factory=lambda: [4, 100, 1_000, 10_000, 100_000, 1_000_000])
    n_features: list[int] = field(default_factory=lambda: [1, 10, 100, 1_000])
    dtypes: list[str] = field(default_factory=lambda: ["float32", "float64"])
    losses: list[str] = field(default_factory=lambda: ["mse", "bce"])
    max_elements: int = 100_000_000  # larger sweep cells are skipped (time), and said so
    modes: list[str] = field(default_factory=lambda: ["1thread", "default"])
    warmup_calls: int = 5
    warmup_s: float = 0.1
    seed_step_budget_s: float = 2.0  # the seeds are the headline: more samples
    step_budget_s: float = 0.5
    sample_s: float = 1e-3  # a step sample: a burst of consecutive steps lasting about this long (≤ 64 steps)
    rewarm_below_s: float = 1e-3  # steps faster than this get one untimed step before each sample
    step_min_rounds: int = 9
    step_max_rounds: int = 250
    seed_step_max_rounds: int = 2000
    epochs: int = 100
    run_budget_s: float = 1.5
    run_min_rounds: int = 3
    run_max_rounds: int = 25
    run_max_block_s: float = 20.0  # skip whole-run timing when even run_min_rounds would take longer
    # torch.compile compiles for tens of seconds per workload: 1 thread, the seeds and these n x d sweep cells
    torch_compile: bool = True
    torch_compile_sweep: list[str] = field(default_factory=lambda: ["100x10", "10000x100", "1000000x100"])
    memory: bool = True
    memory_min_elements: int = 10_000_000  # sweep cells at least this big get a memory measurement
    memory_seeds: bool = True  # and the seed examples
    memory_max_cells: int | None = None  # at most this many sweep cells (the largest), None = all
    memory_workers: int = 2
    lower_bound: bool = True  # the seeds again: floor, tiny engine and minigrad at 1 thread (lower_bound.py)
    deep: bool = True
    deep_sizes: list[int] = field(default_factory=lambda: [10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000,
                                                           100_000])
    deep_budget_s: float = 2.0
    plots: bool = True
    subjects: list[str] = field(default_factory=lambda: list(SUBJECTS))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def subjects_for(self, w: Workload, mode: str) -> list[str]:
        """The subjects timed on workload ``w`` in thread ``mode`` (torch.compile: see above)."""
        tc = mode == "1thread" and (w.kind == "seed" or f"{w.n_samples}x{w.n_features}" in self.torch_compile_sweep)
        return [s for s in self.subjects if s != "torch.compile" or tc]

    def workloads(self) -> list[Workload]:
        """The seeds (unless turned off), then the size sweep of Linear+MSE and Linear+sigmoid+BCE."""
        return (list(SEEDS) if self.seeds else []) + [
            Workload(f"{loss}-{n}x{d}-{dtype}", "sweep", loss, "linear" if loss == "mse" else "logistic", n, d, dtype)
            for loss in self.losses for dtype in self.dtypes for d in self.n_features for n in self.n_samples]


def quick_config() -> Config:
    """``--quick``: the seeds, a small float32 sweep, memory of one cell, shorter chains, no torch.compile."""
    return Config(quick=True, n_samples=[100, 10_000, 100_000], n_features=[100], dtypes=["float32"],
                  warmup_calls=3, warmup_s=0.02, seed_step_budget_s=0.3, step_budget_s=0.1, sample_s=5e-4,
                  step_min_rounds=5, step_max_rounds=200, seed_step_max_rounds=600, run_budget_s=0.25,
                  run_min_rounds=3, run_max_rounds=5, run_max_block_s=1.5, torch_compile=False,
                  memory_min_elements=10_000_000, memory_seeds=False, memory_max_cells=1,
                  deep_sizes=[10, 100, 1_000, 10_000], deep_budget_s=0.2)


def make_data(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) for ``w``, y of shape (n, 1): the seeds' from ``minigrad.examples.data`` (as torch_ref's), the
    sweep's X ~ N(0, 1) and y a noisy linear function of X (MSE) or its sign (BCE), deterministic per size."""
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
    """The same weight (1, d) and bias (1,) for every subject, drawn as torch's init, U(−1/√d, 1/√d)."""
    rng = np.random.default_rng(12345)
    bound = 1 / math.sqrt(w.n_features)
    weight = rng.uniform(-bound, bound, (1, w.n_features)).astype(w.dtype)
    return weight, rng.uniform(-bound, bound, (1,)).astype(w.dtype)
