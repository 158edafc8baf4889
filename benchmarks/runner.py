"""The benchmark run: every workload in both thread modes, then the lower bound and the deep chain, then memory;
results in a dict that is written as JSON (``report`` prints it, ``plots`` draws it)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks.config import SCHEMA, Config, ratio_pairs
from benchmarks.deep import run_deep_chain
from benchmarks.env import collect_metadata, load_average, thread_mode, thread_settings
from benchmarks.lower_bound import measure_lower_bound
from benchmarks.memory import measure
from benchmarks.report import summary
from benchmarks.subjects import Subject, UnavailableError, agreement, build_subject, reset_all
from benchmarks.timing import add_stats, interleave, step_block, summarize
from benchmarks.workloads import SEEDS, Workload, initial_params, make_data, skip_reason, sweep_workloads

MEMORY_SKIPS = ("torch.compile",)  # each memory process would compile for tens of seconds: not measured


def _run_block(cfg: Config, subjects: dict[str, Subject], step: dict[str, Any], weight: Any,
               bias: Any) -> dict[str, Any]:
    """Whole ``cfg.epochs``-epoch runs (the loss read every epoch, as the seeds' loops print it), each from the
    initial parameters, with each sample's CPU time too; skipped when even the minimum rounds would not fit."""
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
    block = interleave({k: run_of(s) for k, s in subjects.items()}, rounds, reset_all(subjects, weight, bias),
                       cpu_samples=True)
    block = add_stats(block, ratio_pairs(list(subjects)))
    block["cpu_stats"] = {k: summarize(v) for k, v in block["cpu_samples_ns"].items()}
    block["epochs"] = cfg.epochs
    return block


def build_all(names: list[str], w: Workload, x: Any, y: Any, weight: Any, bias: Any,
              unavailable: dict[str, str]) -> dict[str, Subject]:
    """The subjects ``names`` on ``w``; one that cannot run here goes into ``unavailable`` (name: why) and is not
    tried again."""
    subjects = {}
    for name in names:
        if name not in unavailable:
            try:
                subjects[name] = build_subject(name, w, x, y, weight, bias)
            except UnavailableError as e:
                unavailable[name] = f"{e} (first seen on {w.name})"
    return subjects


def run_cell(w: Workload, cfg: Config, unavailable: dict[str, str] | None = None) -> dict[str, Any]:
    """Time one workload: build all subjects on the same data and initial parameters, check they agree,
    then time steps and runs in each thread mode."""
    x, y = make_data(w)
    weight, bias = initial_params(w)
    unavailable = {} if unavailable is None else unavailable
    # Collect, then move every live object into the permanent generation: the cyclic GC keeps running during
    # timings, but only over objects made since, so a full collection triggered by one subject does not
    # traverse the millions of objects torch's import created (~0.5 s here) and bill them to that subject.
    gc.collect()
    gc.freeze()
    cell: dict[str, Any] = {"workload": w.to_json(), "modes": {}, "notes": {}}
    for mode in cfg.modes:
        with thread_mode(mode):
            # built inside the mode: the floor picks its fastest BLAS formulation for these thread settings
            subjects = build_all(cfg.subjects_for(w, mode), w, x, y, weight, bias, unavailable)
            if "check" not in cell:
                cell["check"] = agreement(subjects, weight, bias)
            cell["notes"][mode] = {k: s.notes for k, s in subjects.items() if s.notes}
            step = step_block({k: s.step for k, s in subjects.items()}, cfg, ratio_pairs(list(subjects)),
                              seed=w.kind == "seed")
            for s in subjects.values():
                s.set_params(weight, bias)
            cell["modes"][mode] = {"threads": thread_settings(), "load_average": load_average(), "step": step,
                                   "run": _run_block(cfg, subjects, step, weight, bias)}
            del subjects
            gc.collect()
    return cell


def _progress(cell: dict[str, Any], elapsed: float) -> str:
    parts = [f"[{mode}] {summary(e['step'], ('minigrad/', 'compiled/'))}" for mode, e in cell["modes"].items()]
    ok = "" if cell["check"]["ok"] else "  (SUBJECTS DISAGREE: see check)"
    return f"{cell['workload']['name']:<24} {'  '.join(parts)}  ({elapsed:.1f}s){ok}"


def _memory(results: dict[str, Any], cfg: Config, log: Callable[[str], None]) -> None:
    """Peak memory of the seeds (if ``memory_seeds``) and the largest sweep cells, one process per subject,
    ``cfg.memory_workers`` at a time (memory does not depend on what else runs; no timing runs any more)."""
    size = lambda c: c["workload"]["n_samples"] * c["workload"]["n_features"]
    seeds = [c for c in results["cells"] if c["workload"]["kind"] == "seed" and cfg.memory_seeds]
    chosen = seeds + sorted((c for c in results["cells"] if c["workload"]["kind"] == "sweep"
                             and size(c) >= cfg.memory_min_elements), key=lambda c: -size(c))[: cfg.memory_max_cells]
    subjects = [s for s in cfg.subjects if s not in MEMORY_SKIPS]
    jobs = [(c["workload"], s) for c in chosen for s in subjects]
    log(f"memory: {len(jobs)} measurements ({len(chosen)} workloads x {len(subjects)} subjects), "
        f"one process each, {cfg.memory_workers} at a time")
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, cfg.memory_workers)) as pool:
        found = list(pool.map(lambda job: measure(*job), jobs))
    by_name = {c["workload"]["name"]: c.setdefault("memory", {}) for c in chosen}
    for (wj, s), m in zip(jobs, found):
        by_name[wj["name"]][s] = m
    log(f"memory: done in {time.perf_counter() - t0:.1f}s")


def run_benchmark(cfg: Config, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run everything ``cfg`` asks for and return the results (not yet written): the workloads, the lower bound
    and the deep chain, then the memory processes."""
    if "torch" in cfg.subjects:
        import torch  # noqa: F401  (loaded before any thread mode: its pool goes to 1 thread with the others)
    t_start = time.perf_counter()
    meta = collect_metadata()
    results: dict[str, Any] = {"schema": SCHEMA, "meta": meta, "config": cfg.to_json(), "cells": [],
                               "skipped": [], "unavailable": {}, "lower_bound": None, "deep_chain": None}
    log(f"minigrad bench: {meta['cpu_model']}, {meta['cpu_count']} CPUs, load {meta['load_average_start']}, "
        f"numpy {meta['versions']['numpy']}, torch {meta['versions']['torch'] or 'not installed (skipped)'}")
    workloads = (list(SEEDS) if cfg.seeds else []) + sweep_workloads(cfg.n_samples, cfg.n_features, cfg.dtypes,
                                                                     cfg.losses)
    for w in workloads:
        reason = skip_reason(w, cfg.max_elements) if w.kind == "sweep" else None
        if reason:
            results["skipped"].append({"workload": w.to_json(), "reason": reason})
            log(f"{w.name:<24} SKIPPED: {reason}")
            continue
        t0 = time.perf_counter()
        results["cells"].append(run_cell(w, cfg, results["unavailable"]))
        log(_progress(results["cells"][-1], time.perf_counter() - t0))
    for name, why in results["unavailable"].items():
        log(f"{name} skipped: {why}")
    if cfg.lower_bound and cfg.seeds:
        t0 = time.perf_counter()
        results["lower_bound"] = measure_lower_bound(cfg, log=log)
        log(f"lower bound: done in {time.perf_counter() - t0:.1f}s")
    if cfg.deep:
        t0 = time.perf_counter()
        with thread_mode("1thread"):
            results["deep_chain"] = run_deep_chain(cfg.deep_sizes, [s for s in ("minigrad", "torch")
                                                                     if s in cfg.subjects], budget_s=cfg.deep_budget_s)
        log(f"deep chain: done in {time.perf_counter() - t0:.1f}s")
    meta["load_average_end"] = load_average()  # the timings are over
    if cfg.memory:
        _memory(results, cfg, log)
    meta["wall_time_s"] = time.perf_counter() - t_start
    return results
