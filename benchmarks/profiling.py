"""Where a minigrad step spends its time: per-phase medians (forward, loss, backward, step, zero_grad) next to
torch's, and cProfile's hot spots. ``minigrad bench --profile ex3`` or ``--profile mse-100000x100-float32``."""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import re
import time
from typing import Any

import numpy as np

from benchmarks.workloads import SEEDS, Workload, initial_params, make_data

__all__ = ["parse_workload", "phase_times", "profile_workload"]


def parse_workload(name: str) -> Workload:
    """``ex1``..``ex3`` or ``LOSS-NxD-DTYPE`` (e.g. ``bce-100000x100-float64``)."""
    for w in SEEDS:
        if w.name == name:
            return w
    m = re.fullmatch(r"(mse|bce)-(\d+)x(\d+)-(float32|float64)", name)
    if not m:
        raise SystemExit(f"unknown workload {name!r}: use ex1, ex2, ex3 or e.g. mse-100000x100-float32")
    loss, n, d, dtype = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
    return Workload(name, "sweep", loss, "linear" if loss == "mse" else "logistic", n, d, dtype)


def phase_times(objects: dict[str, Any], repeats: int) -> dict[str, float]:
    """Median seconds of each phase of the step, timed separately in the same loop."""
    model, criterion, opt = objects["model"], objects["criterion"], objects["optimizer"]
    X, Y = objects["X"], objects["Y"]  # noqa: N806 - the seeds' names
    phases: dict[str, list[float]] = {k: [] for k in ("forward", "loss", "backward", "optimizer.step",
                                                        "zero_grad", "teardown")}
    clock = time.perf_counter
    for _ in range(repeats):
        t0 = clock()
        pred = model(X)
        t1 = clock()
        loss = criterion(pred, Y)
        t2 = clock()
        loss.backward()
        t3 = clock()
        opt.step()
        t4 = clock()
        opt.zero_grad()
        t5 = clock()
        del pred, loss
        t6 = clock()
        for k, a, b in (("forward", t0, t1), ("loss", t1, t2), ("backward", t2, t3), ("optimizer.step", t3, t4),
                        ("zero_grad", t4, t5), ("teardown", t5, t6)):
            phases[k].append(b - a)
    return {k: float(np.median(v)) for k, v in phases.items()}


def profile_workload(name: str, seconds: float = 3.0) -> int:
    """Print phase medians for minigrad and torch (if installed; 1 thread), then cProfile's top functions for
    minigrad."""
    from threadpoolctl import threadpool_limits

    from benchmarks.config import available_subjects
    from benchmarks.report import fmt_time
    from benchmarks.subjects import build_subject

    w = parse_workload(name)
    x, y = make_data(w)
    weight, bias = initial_params(w)
    subjects_here = [s for s in available_subjects() if s in ("minigrad", "torch", "numpy")]  # eager phases
    engines = [s for s in subjects_here if s != "numpy"]
    if "torch" in engines:
        import torch

        torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        subjects = {s: build_subject(s, w, x, y, weight, bias) for s in subjects_here}
        t0 = time.perf_counter()
        subjects["minigrad"].step()
        one = max(time.perf_counter() - t0, 1e-6)
        repeats = int(max(5, min(5000, seconds / 3 / one)))
        for s in subjects.values():
            for _ in range(3):
                s.step()
        print(f"{w.name}: {w.n_samples}×{w.n_features} {w.dtype} {w.loss.upper()}, 1 thread, {repeats} steps")
        gc.collect()
        gc.freeze()  # library objects out of the GC's way, as in the benchmark
        floor = []
        for _ in range(repeats):
            t = time.perf_counter()
            subjects["numpy"].step()
            floor.append(time.perf_counter() - t)
        print(f"NumPy floor step: {fmt_time(float(np.median(floor)))} (products: {subjects['numpy'].notes})")
        table = {s: phase_times(subjects[s].objects, repeats) for s in engines}
        print(f"{'phase':<16}" + "".join(f"{s:>14}" for s in engines))
        for k in table["minigrad"]:
            print(f"{k:<16}" + "".join(f"{fmt_time(table[s][k]):>14}" for s in engines))
        print(f"{'sum':<16}" + "".join(f"{fmt_time(sum(table[s].values())):>14}" for s in engines))
        prof = cProfile.Profile()
        step = subjects["minigrad"].step
        prof.enable()
        for _ in range(repeats):
            step()
        prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("tottime").print_stats(25)
    print(f"\ncProfile of {repeats} minigrad steps (sorted by own time; per-call times include profiler overhead):")
    print(buf.getvalue())
    return 0
