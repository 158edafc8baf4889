"""The benchmark run: every workload in both thread modes, the lower bound, the deep chain, then memory."""

from __future__ import annotations

import gc
import importlib
import math
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from benchmarks import timing
from benchmarks.config import SCHEMA, Config, Workload, initial_params, make_data, ratio_pairs
from benchmarks.lower_bound import measure_lower_bound
from benchmarks.memory import measure
from benchmarks.report import summary
from benchmarks.subjects import Subject, UnavailableError, agreement, build_subject, reset_all

MEMORY_SKIPS = ("torch.compile",)  # each memory process would compile for tens of seconds: not measured
DEEP_VECTOR = 8  # elements of the deep chain's tensor


def skip_reason(w: Workload, max_elements: int) -> str | None:
    """Why ``w`` is not run, or None: X and O(n) temporaries must fit in 60% of MemAvailable, n·d ≤ max_elements."""
    elements, itemsize = w.n_samples * w.n_features, np.dtype(w.dtype).itemsize
    x_gib = elements * itemsize / 2**30
    need = 2 * x_gib + w.n_samples * itemsize * 16 / 2**30
    kib = timing.proc_value("/proc/meminfo", "MemAvailable")
    free = int(kib.split()[0]) * 1024 if kib else os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if need > free / 2**30 * 0.6:
        return (f"memory: X alone is {x_gib:.1f} GiB; with temporaries ~{need:.1f} GiB exceeds 60% of the "
                f"{free / 2**30:.1f} GiB available")
    if elements > max_elements:
        return (f"time: n·d = {elements:.0e} > max_elements {max_elements:.0e} (X = {x_gib:.2f} GiB, read twice "
                "per step by each subject in each thread mode: beyond this run's time budget)")
    return None


def _run_block(cfg: Config, subjects: dict[str, Subject], step: dict[str, Any], weight: Any,
               bias: Any) -> dict[str, Any]:
    """Whole runs from the initial parameters (the loss read every epoch), with CPU time; skipped if too long."""
    per_round = sum(st["median_s"] for st in step["stats"].values()) * cfg.epochs
    if per_round * cfg.run_min_rounds > cfg.run_max_block_s:
        return {"skipped": f"time: {cfg.run_min_rounds} rounds of {cfg.epochs}-epoch runs would take "
                           f"~{per_round * cfg.run_min_rounds:.0f} s > {cfg.run_max_block_s:.0f} s budget"}

    def run_of(s: Subject) -> Callable[[], None]:
        def run() -> None:
            for _ in range(cfg.epochs):
                s.step_loss()
        return run

    gc.collect()
    rounds = int(max(cfg.run_min_rounds, min(cfg.run_max_rounds, cfg.run_budget_s / max(per_round, 1e-9))))
    block = timing.interleave({k: run_of(s) for k, s in subjects.items()}, rounds, reset_all(subjects, weight, bias),
                       cpu_samples=True)
    block = timing.add_stats(block, ratio_pairs(list(subjects)))
    block["cpu_stats"] = {k: timing.summarize(v) for k, v in block["cpu_samples_ns"].items()}
    block["epochs"] = cfg.epochs
    return block


def run_cell(w: Workload, cfg: Config, unavailable: dict[str, str] | None = None) -> dict[str, Any]:
    """Time one workload's subjects (checked to agree) in each mode; one that cannot run goes into ``unavailable``."""
    x, y = make_data(w)
    weight, bias = initial_params(w)
    unavailable = {} if unavailable is None else unavailable
    # Every live object (torch's import makes millions) out of the cyclic GC's way (README.md, "Method")
    gc.collect()
    gc.freeze()
    cell: dict[str, Any] = {"workload": w.to_json(), "modes": {}, "notes": {}}
    for mode in cfg.modes:
        with timing.thread_mode(mode):
            # built inside the mode: the floor picks its fastest BLAS formulation for these thread settings
            subjects = {}
            for name in (s for s in cfg.subjects_for(w, mode) if s not in unavailable):
                try:
                    subjects[name] = build_subject(name, w, x, y, weight, bias)
                except UnavailableError as e:
                    unavailable[name] = f"{e} (first seen on {w.name})"
            if "check" not in cell:
                cell["check"] = agreement(subjects, weight, bias)
            cell["notes"][mode] = {k: s.notes for k, s in subjects.items() if s.notes}
            step = timing.step_block({k: s.step for k, s in subjects.items()}, cfg, ratio_pairs(list(subjects)),
                              seed=w.kind == "seed")
            for s in subjects.values():
                s.set_params(weight, bias)
            cell["modes"][mode] = {"threads": timing.thread_settings(), "load_average": timing.load_average(),
                                   "step": step, "run": _run_block(cfg, subjects, step, weight, bias)}
            del subjects
            gc.collect()
    return cell


def _chain(lib: Any, n: int) -> tuple[float, float, float]:
    """A chain of ``n`` elementwise ops on a small vector, then backward: (forward s, backward s, teardown s)."""
    x = lib.ones(DEEP_VECTOR, dtype=lib.float64, requires_grad=True)
    t0 = time.perf_counter()
    y = x
    for i in range(n):  # (inline: a helper call per op would be timed as graph building)
        k = i % 3
        y = y * 1.001 if k == 0 else y + 0.001 if k == 1 else lib.tanh(y)
    loss = y.sum()
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    del y, loss
    t3 = time.perf_counter()
    assert x.grad is not None
    return t1 - t0, t2 - t1, t3 - t2


def run_deep_chain(sizes: list[int], subjects: list[str], min_repeats: int = 3,
                   budget_s: float = 2.0) -> dict[str, Any]:
    """Each N and subject interleaved: series, medians, time/N and the slopes of log(time) on log(N) (1 = linear)."""
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
    out: dict[str, Any] = {"op_cycle": ["mul 1.001", "add 0.001", "tanh"], "vector_elements": DEEP_VECTOR,
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
            logs = np.log(np.array(big, dtype=float)).reshape(-1, 2)  # (log N, log time) per size
            ser[key] = math.nan if len(big) < 2 else float(np.polyfit(logs[:, 0], logs[:, 1], 1)[0])
        out["subjects"][s] = ser
    return out


def _memory(results: dict[str, Any], cfg: Config, log: Callable[[str], None]) -> None:
    """Peak memory of the seeds and the largest sweep cells, one process per subject, a few at a time."""
    size = lambda c: c["workload"]["n_samples"] * c["workload"]["n_features"]
    seeds = [c for c in results["cells"] if c["workload"]["kind"] == "seed" and cfg.memory_seeds]
    chosen = seeds + sorted((c for c in results["cells"] if c["workload"]["kind"] == "sweep"
                             and size(c) >= cfg.memory_min_elements), key=lambda c: -size(c))[: cfg.memory_max_cells]
    subjects = [s for s in cfg.subjects if s not in MEMORY_SKIPS]
    jobs = [(c, s) for c in chosen for s in subjects]
    log(f"memory: {len(jobs)} measurements ({len(chosen)} workloads x {len(subjects)} subjects), "
        f"one process each, {cfg.memory_workers} at a time")
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, cfg.memory_workers)) as pool:
        found = list(pool.map(lambda job: measure(job[0]["workload"], job[1]), jobs))
    for (c, s), m in zip(jobs, found):
        c.setdefault("memory", {})[s] = m
    log(f"memory: done in {time.perf_counter() - t0:.1f}s")


def run_benchmark(cfg: Config, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run everything ``cfg`` asks for and return the results (not yet written)."""
    if "torch" in cfg.subjects:
        import torch  # noqa: F401  (loaded before any thread mode: its pool goes to 1 thread with the others)
    t_start = time.perf_counter()
    meta = timing.collect_metadata()
    results: dict[str, Any] = {"schema": SCHEMA, "meta": meta, "config": cfg.to_json(), "cells": [],
                               "skipped": [], "unavailable": {}, "lower_bound": None, "deep_chain": None}
    log(f"minigrad bench: {meta['cpu_model']}, {meta['cpu_count']} CPUs, load {meta['load_average_start']}, "
        f"numpy {meta['versions']['numpy']}, torch {meta['versions']['torch'] or 'not installed (skipped)'}")
    for w in cfg.workloads():
        reason = skip_reason(w, cfg.max_elements) if w.kind == "sweep" else None
        if reason:
            results["skipped"].append({"workload": w.to_json(), "reason": reason})
            log(f"{w.name:<24} SKIPPED: {reason}")
            continue
        t0 = time.perf_counter()
        cell = run_cell(w, cfg, results["unavailable"])
        results["cells"].append(cell)
        parts = [f"[{mode}] {summary(e['step'], ('minigrad/', 'compiled/'))}" for mode, e in cell["modes"].items()]
        log(f"{w.name:<24} {'  '.join(parts)}  ({time.perf_counter() - t0:.1f}s)"
            + ("" if cell["check"]["ok"] else "  (SUBJECTS DISAGREE: see check)"))
    for name, why in results["unavailable"].items():
        log(f"{name} skipped: {why}")
    if cfg.lower_bound and cfg.seeds:
        t0 = time.perf_counter()
        results["lower_bound"] = measure_lower_bound(cfg, log=log)
        log(f"lower bound: done in {time.perf_counter() - t0:.1f}s")
    if cfg.deep:
        t0 = time.perf_counter()
        with timing.thread_mode("1thread"):
            results["deep_chain"] = run_deep_chain(cfg.deep_sizes, [s for s in ("minigrad", "torch")
                                                                     if s in cfg.subjects], budget_s=cfg.deep_budget_s)
        log(f"deep chain: done in {time.perf_counter() - t0:.1f}s")
    meta["load_average_end"] = timing.load_average()  # the timings are over
    if cfg.memory:
        _memory(results, cfg, log)
    meta["wall_time_s"] = time.perf_counter() - t_start
    return results
