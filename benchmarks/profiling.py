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


def parse_workload(name: str) -> Workload:
    """``ex1``..``ex3`` or ``LOSS-NxD-DTYPE`` (e.g. ``bce-100000x100-float64``)."""
    for w in SEEDS:
        if w.name == name:
            return w
    m = re.fullmatch(r"(mse|bce)-(\d+)x(\d+)-(float32|float64)", name)
    if not m:
        raise SystemExit(f"unknown workload {name!r}: use ex1, ex2, ex3 or e.g. mse-100000x100-float32")
    return Workload(name, "sweep", m[1], "linear" if m[1] == "mse" else "logistic", int(m[2]), int(m[3]), m[4])


def phase_times(objects: dict[str, Any], repeats: int) -> dict[str, float]:
    """Median seconds of each phase of the step, timed separately in the same loop."""
    model, criterion, opt, X, Y = (objects[k] for k in ("model", "criterion", "optimizer", "X", "Y"))  # noqa: N806
    names = ("forward", "loss", "backward", "optimizer.step", "zero_grad", "teardown")
    times = np.empty((repeats, 7))
    clock = time.perf_counter
    for i in range(repeats):
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
        times[i] = (t0, t1, t2, t3, t4, t5, clock())
    return dict(zip(names, np.median(np.diff(times, axis=1), axis=0).tolist()))


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
    engines = [s for s in available_subjects() if s in ("minigrad", "torch")]  # eager phases
    if "torch" in engines:
        import torch

        torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        subjects = {s: build_subject(s, w, x, y, weight, bias) for s in (*engines, "numpy")}
        t0 = time.perf_counter()
        subjects["minigrad"].step()
        repeats = int(max(5, min(5000, seconds / 3 / max(time.perf_counter() - t0, 1e-6))))
        for s in subjects.values():
            for _ in range(3):
                s.step()
        print(f"{w.name}: {w.n_samples}×{w.n_features} {w.dtype} {w.loss.upper()}, 1 thread, {repeats} steps")
        gc.collect()
        gc.freeze()  # library objects out of the GC's way, as in the benchmark
        floor = subjects["numpy"].step
        floor_s = []
        for _ in range(repeats):
            t = time.perf_counter()
            floor()
            floor_s.append(time.perf_counter() - t)
        print(f"NumPy floor step: {fmt_time(float(np.median(floor_s)))} (products: {subjects['numpy'].notes})")
        table = {s: phase_times(subjects[s].objects, repeats) for s in engines}
        for k in ("phase", *table["minigrad"], "sum"):
            cells = ([f"{s:>14}" for s in engines] if k == "phase" else
                     [f"{fmt_time(sum(t.values()) if k == 'sum' else t[k]):>14}" for t in table.values()])
            print(f"{k:<16}" + "".join(cells))
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
