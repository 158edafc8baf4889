"""Interleaved timing: warm up every subject, then rounds of one sample per subject (A B C, B C A, C A B, ...),
so slow drifts of the machine hit every subject alike and ratios can be taken pairwise within a round.

At microsecond scale a step that runs right after another library's step starts with caches full of that
library's code and data (torch's footprint is large): measured that way, the NumPy floor of Example 1 takes
~40 µs instead of the ~12 µs it takes in a training loop. So a sample of a fast step is one untimed step (to
re-warm) followed by a short burst of timed consecutive steps; slow steps (≥ 1 ms) are timed one at a time."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["warm_up", "interleave", "burst_sizes", "summarize", "paired_ratio", "median_ci"]

_clock = time.perf_counter_ns


def warm_up(fns: dict[str, Callable[[], Any]], min_calls: int, min_seconds: float,
            prepare: dict[str, Callable[[], Any]] | None = None) -> dict[str, float]:
    """Call each function at least ``min_calls`` times and for at least ``min_seconds``; return the median
    seconds per call of the second half of the warm-up (an estimate used to size the measurement)."""
    estimate = {}
    for name, fn in fns.items():
        prep = prepare.get(name) if prepare else None
        times: list[int] = []
        start = _clock()
        while len(times) < min_calls or (_clock() - start) < min_seconds * 1e9:
            if prep is not None:
                prep()
            t0 = _clock()
            fn()
            times.append(_clock() - t0)
            if len(times) >= 10_000:
                break
        half = times[len(times) // 2:]
        estimate[name] = float(np.median(half)) / 1e9
    return estimate


def burst_sizes(estimate_s: dict[str, float], sample_s: float, max_calls: int = 64) -> dict[str, int]:
    """Consecutive calls per sample so that a sample lasts about ``sample_s`` (1 for slow calls)."""
    return {k: int(max(1, min(max_calls, round(sample_s / max(t, 1e-9))))) for k, t in estimate_s.items()}


def interleave(fns: dict[str, Callable[[], Any]], rounds: int,
               prepare: dict[str, Callable[[], Any]] | None = None, cpu_samples: bool = False,
               calls: dict[str, int] | None = None, rewarm: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """``rounds`` rounds; in round r the subjects run in the order rotated by r. One sample = ``calls[name]``
    consecutive calls (default 1) timed together with ``perf_counter_ns``, stored as ns per call; for subjects
    in ``rewarm`` one untimed call first (it refills the caches that the other subjects' calls evicted, so a
    sample measures a step as a training loop runs it, back to back). ``prepare`` runs untimed before a sample.
    Returns the samples per subject, the wall and process-CPU time of the block (their ratio shows how much the
    process was descheduled) and, with ``cpu_samples`` (for long samples only: reading the CPU clock is a
    system call), each sample's process CPU time too."""
    names = list(fns)
    samples: dict[str, list[int]] = {k: [] for k in names}
    cpu: dict[str, list[int]] = {k: [] for k in names}
    reps = {k: (calls or {}).get(k, 1) for k in names}
    k = len(names)
    cpu_clock = time.process_time_ns
    wall0, cpu0 = _clock(), cpu_clock()
    for r in range(rounds):
        for j in range(k):
            name = names[(r + j) % k]
            if prepare is not None and name in prepare:
                prepare[name]()
            fn = fns[name]
            m = reps[name]
            if name in rewarm:
                fn()
            if cpu_samples:
                c0 = cpu_clock()
                t0 = _clock()
                fn()
                t1 = _clock()
                cpu[name].append(cpu_clock() - c0)
            elif m == 1:
                t0 = _clock()
                fn()
                t1 = _clock()
            else:
                t0 = _clock()
                for _ in range(m):
                    fn()
                t1 = _clock()
            samples[name].append(round((t1 - t0) / m))
    wall, used = _clock() - wall0, cpu_clock() - cpu0
    out = {"rounds": rounds, "order": "rotated", "samples_ns": samples, "calls_per_sample": reps,
           "rewarmed": sorted(rewarm), "block_wall_s": wall / 1e9, "block_cpu_s": used / 1e9}
    if cpu_samples:
        out["cpu_samples_ns"] = cpu
    return out


def median_ci(values: list[float] | np.ndarray) -> tuple[float, float, float]:
    """Median and a distribution-free ~95% confidence interval for it (order statistics n/2 ± 0.98·√n)."""
    v = np.sort(np.asarray(values, dtype=float))
    n = len(v)
    if n == 0:
        return math.nan, math.nan, math.nan
    med = float(np.median(v))
    half = 0.98 * math.sqrt(n)
    lo = max(math.floor(n / 2 - half), 0)
    hi = min(math.ceil(n / 2 + half), n - 1)
    return med, float(v[lo]), float(v[hi])


def summarize(samples_ns: list[int]) -> dict[str, float]:
    """Median, its ~95% CI, quartiles and minimum of one subject's samples, in seconds."""
    v = np.asarray(samples_ns, dtype=float) / 1e9
    med, lo, hi = median_ci(v)
    return {"median_s": med, "ci95_s": [lo, hi], "q25_s": float(np.quantile(v, 0.25)),
            "q75_s": float(np.quantile(v, 0.75)), "min_s": float(v.min()), "n": len(v)}


def paired_ratio(a_ns: list[int], b_ns: list[int]) -> dict[str, float]:
    """a/b taken pairwise within each round (same moment, same machine state): median and ~95% CI of the
    per-round ratios, and the ratio of the medians for comparison."""
    a = np.asarray(a_ns, dtype=float)
    b = np.asarray(b_ns, dtype=float)
    med, lo, hi = median_ci(a / b)
    return {"median": med, "ci95": [lo, hi], "ratio_of_medians": float(np.median(a) / np.median(b))}
