"""Deep-graph scaling: backward over a chain of N elementwise ops (``y * 1.001``, ``y + 0.001``, ``tanh(y)`` on a
small float64 vector), so what is timed is the engine's cost per node: time/N per size and the slope of
log(time) on log(N) (1.0 = linear)."""

from __future__ import annotations

import gc
import importlib
import math
import time
from typing import Any

import numpy as np

_VECTOR = 8  # elements of the chained tensor


def _chain(lib: Any, n: int) -> tuple[float, float, float]:
    """Build a chain of ``n`` ops, run backward; (forward s, backward s, teardown s)."""
    x = lib.ones(_VECTOR, dtype=lib.float64, requires_grad=True)
    t0 = time.perf_counter()
    y = x
    for i in range(n):  # (inline: a helper call per op would be timed as graph building)
        k = i % 3
        if k == 0:
            y = y * 1.001
        elif k == 1:
            y = y + 0.001
        else:
            y = lib.tanh(y)
    loss = y.sum()
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    del y, loss
    t3 = time.perf_counter()
    assert x.grad is not None
    return t1 - t0, t2 - t1, t3 - t2


def loglog_slope(ns: list[int], times: list[float]) -> float:
    """Least-squares slope of log(time) against log(N)."""
    return math.nan if len(ns) < 2 else float(np.polyfit(np.log(np.asarray(ns, float)), np.log(times), 1)[0])


def run_deep_chain(sizes: list[int], subjects: list[str], min_repeats: int = 3,
                   budget_s: float = 2.0) -> dict[str, Any]:
    """Time forward and backward of the chain for each N and subject (interleaved per repeat, at 1 thread as
    the caller arranges). Returns per-subject series, medians, time/N and the fitted log-log slopes."""
    libs = {s: importlib.import_module(s) for s in subjects}
    for lib in libs.values():  # import lazily loaded parts, then exclude the libraries' objects from the GC
        _chain(lib, 3)
    gc.collect()
    gc.freeze()
    samples: dict[str, list[list[tuple[float, float, float]]]] = {s: [] for s in subjects}
    for n in sizes:
        for s in subjects:  # one untimed warm-up per size
            _chain(libs[s], min(n, 1000))
            samples[s].append([])
        repeats, start = 0, time.perf_counter()
        while repeats < min_repeats or (time.perf_counter() - start < budget_s and repeats < 50):
            for j in range(len(subjects)):
                s = subjects[(repeats + j) % len(subjects)]
                gc.collect()
                samples[s][-1].append(_chain(libs[s], n))
            repeats += 1
    out: dict[str, Any] = {"op_cycle": ["mul 1.001", "add 0.001", "tanh"], "vector_elements": _VECTOR,
                           "dtype": "float64", "sizes": list(sizes), "subjects": {}}
    for s in subjects:
        ser: dict[str, Any] = {"n": list(sizes)}
        for i, phase in enumerate(("forward", "backward", "teardown")):
            ser[f"{phase}_samples_s"] = [[sample[i] for sample in per_n] for per_n in samples[s]]
            med = ser[f"{phase}_median_s"] = [float(np.median(v)) for v in ser[f"{phase}_samples_s"]]
            ser[f"{phase}_per_node_s"] = [t / n for t, n in zip(med, sizes)]
        for key, least in (("backward_loglog_slope", 100), ("backward_loglog_slope_all", 0),
                           ("backward_loglog_slope_1000", 1000)):
            big = [(n, b) for n, b in zip(sizes, ser["backward_median_s"]) if n >= least]
            ser[key] = loglog_slope([n for n, _ in big], [b for _, b in big])
        out["subjects"][s] = ser
    return out
