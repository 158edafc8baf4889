"""The benchmark run: every workload in both thread modes, then memory, then the deep chain; results in a dict
that is written as JSON (``report`` prints it, ``plots`` draws it)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from benchmarks.config import Config
from benchmarks.constants import SCHEMA, SUBJECTS
from benchmarks.env import collect_metadata, load_average, thread_mode, thread_settings
from benchmarks.subjects import Subject, agreement, build_subject
from benchmarks.timing import burst_sizes, interleave, paired_ratio, summarize, warm_up
from benchmarks.workloads import SEEDS, Workload, initial_params, make_data, skip_reason, sweep_workloads

__all__ = ["run_benchmark", "workloads_for"]

RATIOS = (("minigrad", "torch"), ("minigrad", "numpy"), ("torch", "numpy"))


def workloads_for(cfg: Config) -> list[Workload]:
    """The seeds (if enabled), then the sweep, in the order they run."""
    out = list(SEEDS) if cfg.seeds else []
    return out + sweep_workloads(cfg.n_samples, cfg.n_features, cfg.dtypes, cfg.losses)


def _clamp(x: float, lo: int, hi: int) -> int:
    return int(max(lo, min(hi, x)))


def _block_stats(block: dict[str, Any]) -> dict[str, Any]:
    samples = block["samples_ns"]
    block["stats"] = {k: summarize(v) for k, v in samples.items()}
    block["ratios"] = {f"{a}/{b}": paired_ratio(samples[a], samples[b]) for a, b in RATIOS
                       if a in samples and b in samples}
    block["cpu_utilization"] = block["block_cpu_s"] / block["block_wall_s"] if block["block_wall_s"] else None
    return block


def _run_fn(subject: Subject, epochs: int) -> Callable[[], None]:
    step_loss = subject.step_loss

    def run() -> None:
        for _ in range(epochs):
            step_loss()  # the loss is read every epoch, as the seeds' loops print it

    return run


def _time_mode(w: Workload, cfg: Config, subjects: dict[str, Subject], weight: Any, bias: Any) -> dict[str, Any]:
    """Step block then run block for one thread mode."""
    is_seed = w.kind == "seed"
    steps = {k: s.step for k, s in subjects.items()}
    gc.collect()
    est = warm_up(steps, cfg.warmup_calls, cfg.warmup_s)
    budget = cfg.seed_step_budget_s if is_seed else cfg.step_budget_s
    max_rounds = cfg.seed_step_max_rounds if is_seed else cfg.step_max_rounds
    calls = burst_sizes(est, cfg.sample_s)
    rewarm = {k for k, t in est.items() if t < cfg.rewarm_below_s}
    per_round = sum(t * (calls[k] + (k in rewarm)) for k, t in est.items())
    rounds = _clamp(budget / max(per_round, 1e-9), cfg.step_min_rounds, max_rounds)
    step_block = _block_stats(interleave(steps, rounds, calls=calls, rewarm=rewarm))
    step_block["warmup_estimate_s"] = est

    per_round = sum(st["median_s"] for st in step_block["stats"].values()) * cfg.epochs
    if per_round * cfg.run_min_rounds > cfg.run_max_block_s:
        run_block: dict[str, Any] = {
            "skipped": f"time: {cfg.run_min_rounds} rounds of {cfg.epochs}-epoch runs would take "
                       f"~{per_round * cfg.run_min_rounds:.0f} s > {cfg.run_max_block_s:.0f} s budget"
        }
    else:
        for s in subjects.values():
            s.set_params(weight, bias)
        runs = {k: _run_fn(s, cfg.epochs) for k, s in subjects.items()}
        prepare = {k: (lambda s=s: s.set_params(weight, bias)) for k, s in subjects.items()}
        gc.collect()
        run_rounds = _clamp(cfg.run_budget_s / max(per_round, 1e-9), cfg.run_min_rounds, cfg.run_max_rounds)
        run_block = _block_stats(interleave(runs, run_rounds, prepare, cpu_samples=True))
        run_block["cpu_stats"] = {k: summarize(v) for k, v in run_block["cpu_samples_ns"].items()}
        run_block["epochs"] = cfg.epochs
    return {"step": step_block, "run": run_block}


def _freeze_heap() -> None:
    """Collect, then move every live object into the permanent generation (``gc.freeze``): the cyclic GC
    keeps running during timings, but only over objects made since, so a full collection triggered by one
    subject does not traverse the millions of objects torch's import created (~0.5 s here) and bill them
    to whichever subject happened to trigger it."""
    gc.collect()
    gc.freeze()


def run_cell(w: Workload, cfg: Config) -> dict[str, Any]:
    """Time one workload: build all subjects on the same data and initial parameters, check they agree,
    then time steps and runs in each thread mode."""
    x, y = make_data(w)
    weight, bias = initial_params(w)
    _freeze_heap()
    cell: dict[str, Any] = {"workload": w.to_json(), "modes": {}, "floor_products": {}}
    for mode in cfg.modes:
        with thread_mode(mode):
            # built inside the mode: the floor picks its fastest BLAS formulation for these thread settings
            subjects = {name: build_subject(name, w, x, y, weight, bias) for name in SUBJECTS}
            if "check" not in cell:
                cell["check"] = agreement(subjects, weight, bias)
            cell["floor_products"][mode] = subjects["numpy"].notes
            entry = {"threads": thread_settings(), "load_average": load_average()}
            entry.update(_time_mode(w, cfg, subjects, weight, bias))
            cell["modes"][mode] = entry
            del subjects
            gc.collect()
    return cell


def _fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f}µs" if seconds < 1e-2 else f"{seconds * 1e3:,.1f}ms"


def _progress(cell: dict[str, Any], log: Callable[[str], None], elapsed: float) -> None:
    w = cell["workload"]
    parts = []
    for mode, entry in cell["modes"].items():
        st = entry["step"]["stats"]
        r = entry["step"]["ratios"]
        parts.append(f"[{mode}] mg {_fmt_us(st['minigrad']['median_s'])} torch {_fmt_us(st['torch']['median_s'])} "
                     f"floor {_fmt_us(st['numpy']['median_s'])} mg/torch {r['minigrad/torch']['median']:.2f} "
                     f"mg/floor {r['minigrad/numpy']['median']:.2f}")
    ok = "" if cell["check"]["ok"] else "  (SUBJECTS DISAGREE: see check)"
    log(f"{w['name']:<24} {'  '.join(parts)}  ({elapsed:.1f}s){ok}")


def run_benchmark(cfg: Config, log: Callable[[str], None] = print,
                  meanwhile: Callable[[dict[str, Any]], Any] | None = None) -> dict[str, Any]:
    """Run everything ``cfg`` asks for and return the results (not yet written). Timings first (workloads,
    then the deep chain), then the memory processes, during which ``meanwhile(results)`` runs (plots: they
    do not need the memory numbers, and nothing is being timed any more)."""
    t_start = time.perf_counter()
    meta = collect_metadata()
    results: dict[str, Any] = {"schema": SCHEMA, "meta": meta, "config": cfg.to_json(), "cells": [],
                               "skipped": [], "lower_bound": None, "deep_chain": None}
    log(f"minigrad bench: {meta['cpu_model']}, {meta['cpu_count']} CPUs, load {meta['load_average_start']}, "
        f"numpy {meta['versions']['numpy']}, torch {meta['versions']['torch']}")
    for w in workloads_for(cfg):
        reason = skip_reason(w, cfg.max_elements) if w.kind == "sweep" else None
        if reason:
            results["skipped"].append({"workload": w.to_json(), "reason": reason})
            log(f"{w.name:<24} SKIPPED: {reason}")
            continue
        t0 = time.perf_counter()
        cell = run_cell(w, cfg)
        results["cells"].append(cell)
        _progress(cell, log, time.perf_counter() - t0)

    if cfg.lower_bound and cfg.seeds:
        from benchmarks.lower_bound_bench import measure_lower_bound

        t0 = time.perf_counter()
        results["lower_bound"] = measure_lower_bound(cfg, log=log)
        log(f"lower bound: done in {time.perf_counter() - t0:.1f}s")

    if cfg.deep:
        from benchmarks.deep import run_deep_chain

        t0 = time.perf_counter()
        with thread_mode("1thread"):
            results["deep_chain"] = run_deep_chain(cfg.deep_sizes, budget_s=cfg.deep_budget_s)
        log(f"deep chain: done in {time.perf_counter() - t0:.1f}s")

    meta["load_average_end"] = load_average()  # the timings are over
    if cfg.memory:
        from concurrent.futures import ThreadPoolExecutor

        from benchmarks.memory import measure_many

        seeds = [c for c in results["cells"] if c["workload"]["kind"] == "seed" and cfg.memory_seeds]
        sweep = [c for c in results["cells"] if c["workload"]["kind"] == "sweep"
                 and c["workload"]["n_samples"] * c["workload"]["n_features"] >= cfg.memory_min_elements]
        if cfg.memory_max_cells is not None:
            sweep = sorted(sweep, key=lambda c: -c["workload"]["n_samples"] * c["workload"]["n_features"])
            sweep = sweep[: cfg.memory_max_cells]
        chosen = seeds + sweep
        jobs = [(c["workload"], s) for c in chosen for s in SUBJECTS]
        log(f"memory: {len(jobs)} measurements ({len(chosen)} workloads x {len(SUBJECTS)} subjects), "
            f"one process each, {cfg.memory_workers} at a time")
        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=1) as pool:  # memory does not mind company: draw meanwhile
            pending = pool.submit(measure_many, jobs, cfg.memory_workers)
            if meanwhile is not None:
                meanwhile(results)
            found = pending.result()
        for c in chosen:
            c["memory"] = {}
        by_name = {c["workload"]["name"]: c for c in chosen}
        for (wj, s), m in zip(jobs, found):
            by_name[wj["name"]]["memory"][s] = m
        log(f"memory: done in {time.perf_counter() - t0:.1f}s")
    elif meanwhile is not None:
        meanwhile(results)
    meta["wall_time_s"] = time.perf_counter() - t_start
    return results
