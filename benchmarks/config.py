"""Names shared by the benchmark modules, the subjects available here, and the run settings (the full run and
``--quick``, each overridable from the command line)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["SCHEMA", "SUBJECTS", "SUBJECT_LABELS", "SHORT", "MODES", "MODE_LABELS", "TORCH_SKIPPED", "Config",
           "full_config", "quick_config", "available_subjects", "ratio_pairs"]

SCHEMA = "minigrad-bench/1"
# Every subject, in table order; the NumPy floor stays last. A new subject (a compiled minigrad, say) is a
# builder in ``subjects.BUILDERS`` plus its name here (before "numpy") and in the two label tables: the runner,
# the report, the plots and the memory phase take their subjects from this tuple.
SUBJECTS = ("minigrad", "torch", "numpy")
SUBJECT_LABELS = {"minigrad": "minigrad", "torch": "torch eager", "numpy": "NumPy floor"}
SHORT = {"minigrad": "mg", "torch": "torch", "numpy": "floor"}  # in ratio headers: mg/torch, mg/floor
MODES = ("1thread", "default")
MODE_LABELS = {"1thread": "1 thread (headline)", "default": "default threads"}
TORCH_SKIPPED = ("torch is not installed: timing minigrad against the NumPy floor only (torch skipped). "
                 "For the comparison with torch: pip install 'minigrad[ref]' (or pip install -r requirements-dev.txt)")


def available_subjects() -> tuple[str, ...]:
    """``SUBJECTS`` without torch when torch cannot be imported (a plain ``pip install .``)."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return tuple(s for s in SUBJECTS if s != "torch")
    return SUBJECTS


def ratio_pairs(subjects: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """Every (a, b) with a before b in table order: minigrad/torch, minigrad/numpy, torch/numpy."""
    return [(a, b) for i, a in enumerate(subjects) for b in subjects[i + 1:]]


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


def full_config() -> Config:
    return Config()


def quick_config() -> Config:
    """Under a minute: the seeds, a small float32 sweep at 100 features, memory of one 100,000 × 100 cell,
    chains up to 10,000."""
    return Config(quick=True, n_samples=[100, 10_000, 100_000], n_features=[100], dtypes=["float32"],
                  warmup_calls=3, warmup_s=0.02, seed_step_budget_s=0.3, step_budget_s=0.1, sample_s=5e-4,
                  step_min_rounds=5, step_max_rounds=200, seed_step_max_rounds=600, run_budget_s=0.25,
                  run_min_rounds=3, run_max_rounds=5, run_max_block_s=1.5, memory_min_elements=10_000_000,
                  memory_seeds=False, memory_max_cells=1, deep_sizes=[10, 100, 1_000, 10_000], deep_budget_s=0.2)
