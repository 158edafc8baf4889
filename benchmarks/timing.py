"""How everything is timed (README.md, "Method"): thread modes, interleaved rounds, statistics, and the metadata."""

from __future__ import annotations

import gc
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

import minigrad
from benchmarks.config import Config

# Environment variables that change how BLAS / OpenMP libraries pick kernels and threads.
BLAS_ENV_PREFIXES = ("OPENBLAS", "GOTO", "OMP", "MKL", "KMP", "GOMP", "BLIS", "NVPL", "VECLIB", "NUMEXPR", "ATEN")
_WATCHED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_POOL_KEYS = ("user_api", "internal_api", "prefix", "version", "num_threads", "architecture", "threading_layer",
              "filepath")
REPO = Path(__file__).resolve().parent.parent
_clock = time.perf_counter_ns


def proc_value(path: str, key: str) -> str | None:
    """The value after ``key:`` in a /proc file such as /proc/meminfo (None if absent or unreadable)."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith(key)), None)


def load_average() -> list[float] | None:
    """1-, 5- and 15-minute load averages: other processes on the machine make timings noisy."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def blas_environment() -> dict[str, Any]:
    """BLAS/OpenMP environment variables, and whether the ones known to slow NumPy are set."""
    return {"variables": {k: v for k, v in sorted(os.environ.items()) if k.startswith(BLAS_ENV_PREFIXES)},
            "set": {k: k in os.environ for k in _WATCHED}}


def thread_settings() -> dict[str, Any]:
    """threadpoolctl's view of every loaded BLAS/OpenMP pool, plus torch's intra-op threads if torch is loaded."""
    from threadpoolctl import threadpool_info

    out: dict[str, Any] = {"threadpoolctl": [{k: info.get(k) for k in _POOL_KEYS} for info in threadpool_info()]}
    if (torch := sys.modules.get("torch")) is not None:
        out.update(torch_num_threads=torch.get_num_threads(), torch_num_interop_threads=torch.get_num_interop_threads())
    return out


@contextmanager
def thread_mode(mode: str) -> Iterator[None]:
    """``"1thread"``: every library (BLAS/OpenMP pools, torch) at one thread; ``"default"``: as they started."""
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch") if mode == "1thread" else None
    before = torch.get_num_threads() if torch is not None else 1
    with threadpool_limits(limits=1 if mode == "1thread" else None):  # (None: leave the pools as they are)
        try:
            if torch is not None:
                torch.set_num_threads(1)
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(before)


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def collect_metadata() -> dict[str, Any]:
    """Everything a reader needs to judge a result: versions, CPU, BLAS, threads, load, git state."""
    torch = sys.modules.get("torch")
    status = _git("status", "--porcelain", "--untracked-files=no")
    try:
        blas = dict(np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {}))
    except Exception:  # show_config's format is not a stable API
        blas = {}
    return {
        "timestamp_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "torch": None if torch is None else torch.__version__, "minigrad": minigrad.__version__},
        "python_implementation": platform.python_implementation(), "platform": platform.platform(),
        "cpu_model": proc_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_start": load_average(), "blas_env": blas_environment(), "threads_default": thread_settings(),
        "torch_parallel_info": None if torch is None else torch.__config__.parallel_info(), "numpy_blas": blas,
        "git": {"commit": _git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None},
        "argv": sys.argv,
    }


def warm_up(fns: dict[str, Callable[[], Any]], min_calls: int, min_seconds: float) -> dict[str, float]:
    """Call each function ``min_calls`` times and ``min_seconds`` long; the median s/call of the second half."""
    estimate = {}
    for name, fn in fns.items():
        times: list[int] = []
        start = _clock()
        while (len(times) < min_calls or (_clock() - start) < min_seconds * 1e9) and len(times) < 10_000:
            t0 = _clock()
            fn()
            times.append(_clock() - t0)
        estimate[name] = float(np.median(times[len(times) // 2:])) / 1e9
    return estimate


def interleave(fns: dict[str, Callable[[], Any]], rounds: int,
               prepare: dict[str, Callable[[], Any]] | None = None, cpu_samples: bool = False,
               calls: dict[str, int] | None = None, rewarm: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """``rounds`` rounds in rotated order; a sample = ``prepare``, for ``rewarm`` one untimed call, then ``calls``
    calls timed together (ns per call); with ``cpu_samples`` each sample's CPU time too (a system call)."""
    names, cpu_clock, prepare = list(fns), time.process_time_ns, prepare or {}
    samples: dict[str, list[int]] = {k: [] for k in names}
    cpu: dict[str, list[int]] = {k: [] for k in names}
    reps = {k: (calls or {}).get(k, 1) for k in names}
    wall0, cpu0 = _clock(), cpu_clock()
    for r in range(rounds):
        for j in range(len(names)):
            name = names[(r + j) % len(names)]
            if name in prepare:
                prepare[name]()
            fn, m = fns[name], reps[name]
            if name in rewarm:
                fn()
            c0 = cpu_clock() if cpu_samples else 0
            t0 = _clock()
            for _ in range(m):
                fn()
            t1 = _clock()
            if cpu_samples:
                cpu[name].append(cpu_clock() - c0)
            samples[name].append(round((t1 - t0) / m))
    wall, used = _clock() - wall0, cpu_clock() - cpu0
    out = {"rounds": rounds, "order": "rotated", "samples_ns": samples, "calls_per_sample": reps,
           "rewarmed": sorted(rewarm), "block_wall_s": wall / 1e9, "block_cpu_s": used / 1e9}
    if cpu_samples:
        out["cpu_samples_ns"] = cpu
    return out


def median_ci(values: Sequence[float] | np.ndarray) -> tuple[float, float, float]:
    """Median and a distribution-free ~95% confidence interval for it (order statistics n/2 ± 0.98·√n)."""
    v = np.sort(np.asarray(values, dtype=float))
    n = len(v)
    half = 0.98 * math.sqrt(n)
    lo, hi = max(math.floor(n / 2 - half), 0), min(math.ceil(n / 2 + half), n - 1)
    return float(np.median(v)), float(v[lo]), float(v[hi])


def summarize(samples_ns: list[int]) -> dict[str, Any]:
    """Median, its ~95% CI, quartiles and minimum of one subject's samples, in seconds."""
    v = np.asarray(samples_ns, dtype=float) / 1e9
    med, lo, hi = median_ci(v)
    return {"median_s": med, "ci95_s": [lo, hi], "q25_s": float(np.quantile(v, 0.25)),
            "q75_s": float(np.quantile(v, 0.75)), "min_s": float(v.min()), "n": len(v)}


def paired_ratio(a_ns: list[int], b_ns: list[int]) -> dict[str, Any]:
    """a/b pairwise within each round: median and ~95% CI of the per-round ratios, and the ratio of medians."""
    a, b = np.asarray(a_ns, dtype=float), np.asarray(b_ns, dtype=float)
    med, lo, hi = median_ci(a / b)
    return {"median": med, "ci95": [lo, hi], "ratio_of_medians": float(np.median(a) / np.median(b))}


def add_stats(block: dict[str, Any], pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Each subject's summary and the pairwise ratios ``a/b`` of an ``interleave`` block (those it has)."""
    samples = block["samples_ns"]
    block["stats"] = {k: summarize(v) for k, v in samples.items()}
    block["ratios"] = {f"{a}/{b}": paired_ratio(samples[a], samples[b]) for a, b in pairs
                       if a in samples and b in samples}
    block["cpu_utilization"] = block["block_cpu_s"] / block["block_wall_s"] if block["block_wall_s"] else None
    return block


def calls_per_sample(estimate_s: dict[str, float], sample_s: float) -> dict[str, int]:
    """Consecutive calls per sample (``interleave``'s ``calls``): about ``sample_s`` long, 1 to 64 calls."""
    return {k: int(max(1, min(64, round(sample_s / max(t, 1e-9))))) for k, t in estimate_s.items()}


def step_block(steps: dict[str, Callable[[], Any]], cfg: Config, pairs: Sequence[tuple[str, str]], seed: bool,
               prepare: dict[str, Callable[[], Any]] | None = None) -> dict[str, Any]:
    """Warm up, size bursts and rounds to the budget, then one interleaved block of steps with its statistics."""
    gc.collect()
    est = warm_up(steps, cfg.warmup_calls, cfg.warmup_s)
    calls = calls_per_sample(est, cfg.sample_s)
    rewarm = {k for k, t in est.items() if t < cfg.rewarm_below_s}
    per_round = sum(t * (calls[k] + (k in rewarm)) for k, t in est.items())
    budget, max_rounds = ((cfg.seed_step_budget_s, cfg.seed_step_max_rounds) if seed
                          else (cfg.step_budget_s, cfg.step_max_rounds))
    rounds = int(max(cfg.step_min_rounds, min(max_rounds, budget / max(per_round, 1e-9))))
    block = add_stats(interleave(steps, rounds, prepare, calls=calls, rewarm=rewarm), pairs)
    block["warmup_estimate_s"] = est
    return block
