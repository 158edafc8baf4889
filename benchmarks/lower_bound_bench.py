"""The lower-bound measurement: the NumPy floor, the bare engine (``benchmarks.lower_bound``) and minigrad on
the seed workloads, interleaved at 1 thread, with the ratios bare/floor (the cost of torch's graph granularity
itself), minigrad/floor and minigrad/bare (minigrad's bookkeeping beyond the graph).

``minigrad bench --lower-bound`` prints the table; a full run also stores it under ``lower_bound`` in the JSON.
Before timing, :func:`check_bare` runs a few steps of the bare engine and of minigrad from the same parameters:
same graph (node classes, edge for edge), same losses and parameters (``agreement``'s tolerances).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks import lower_bound as bare
from benchmarks.config import Config
from benchmarks.subjects import Subject, agreement, build_subject
from benchmarks.timing import burst_sizes, interleave, paired_ratio, summarize, warm_up
from benchmarks.workloads import LEARNING_RATE, SEEDS, Workload, initial_params, make_data

__all__ = ["bare_subject", "check_bare", "measure_lower_bound", "render_lower_bound", "run_lower_bound",
           "LB_SUBJECTS", "LB_RATIOS"]

LB_SUBJECTS = ("numpy", "bare", "minigrad")
LB_RATIOS = (("bare", "numpy"), ("minigrad", "numpy"), ("minigrad", "bare"))
_LABELS = {"numpy": "NumPy floor", "bare": "bare engine", "minigrad": "minigrad", "bare/numpy": "bare/floor",
           "minigrad/numpy": "mg/floor", "minigrad/bare": "mg/bare"}


def bare_subject(w: Workload, x: np.ndarray, y: np.ndarray, weight: np.ndarray, bias: np.ndarray,
                 lr: float = LEARNING_RATE) -> Subject:
    """The seed's training step on the bare engine (functions instead of modules: ex1 and ex2 are one graph)."""
    wp = bare.parameter(np.array(weight, dtype=w.dtype))
    bp = bare.parameter(np.array(bias, dtype=w.dtype))
    X, Y = bare.Tensor(x), bare.Tensor(y)  # noqa: N806 - the seeds' names
    opt = bare.SGD([wp, bp], lr)
    linear, sigmoid = bare.linear, bare.sigmoid
    criterion = bare.mse_loss if w.loss == "mse" else bare.binary_cross_entropy
    logistic = w.model == "logistic"

    def forward() -> bare.Tensor:
        out = linear(X, wp, bp)
        return criterion(sigmoid(out) if logistic else out, Y)

    def step() -> None:
        loss = forward()
        loss.backward()
        opt.step()
        opt.zero_grad()

    def step_loss() -> float:
        loss = forward()
        loss.backward()
        opt.step()
        opt.zero_grad()
        return float(loss.data)

    def get_params() -> tuple[np.ndarray, np.ndarray]:
        return wp.data.copy(), bp.data.copy()

    def set_params(new_w: np.ndarray, new_b: np.ndarray) -> None:
        wp.data[...] = np.asarray(new_w, dtype=w.dtype)
        bp.data[...] = np.asarray(new_b, dtype=w.dtype).reshape(-1)

    return Subject("bare", step, step_loss, get_params, set_params,
                   objects={"forward": forward, "params": (wp, bp)})


def _minigrad_graph(node: Any) -> tuple[str, tuple[Any, ...]] | None:
    """minigrad's graph below ``node`` in :func:`lower_bound.describe`'s form."""
    if node is None:
        return None
    return type(node).__name__, tuple(_minigrad_graph(n) for n, _ in node.next_functions)


def check_bare(w: Workload, steps: int = 3) -> dict[str, Any]:
    """Run ``steps`` steps of the bare engine and of minigrad from the same initial parameters: ``ok`` if both
    build the same graph and every loss and the final parameters agree (rel. 1e-3 in float32, 1e-9 in
    float64, as ``agreement``); also says whether they are bitwise equal. Parameters are restored after."""
    x, y = make_data(w)
    weight, bias = initial_params(w)
    subjects = {"minigrad": build_subject("minigrad", w, x, y, weight, bias),
                "bare": bare_subject(w, x, y, weight, bias)}
    out = agreement(subjects, weight, bias, steps)  # reference: minigrad (the first subject)
    mg, bl = (np.asarray(out["losses"][k]) for k in ("minigrad", "bare"))
    loss_diff = float(np.max(np.abs(bl - mg) / np.maximum(np.abs(mg), 1e-30)))
    out["max_loss_diff_rel"] = loss_diff
    mo = subjects["minigrad"].objects
    graphs = {"minigrad": _minigrad_graph(mo["criterion"](mo["model"](mo["X"]), mo["Y"]).grad_fn),
              "bare": bare.describe(subjects["bare"].objects["forward"]().node)}
    out["graph"] = graphs["bare"]
    out["same_graph"] = graphs["bare"] == graphs["minigrad"]
    out["bitwise_equal"] = loss_diff == 0 and out["max_param_diff_rel"]["bare"] == 0
    out["ok"] = bool(out["ok"] and out["same_graph"] and np.isfinite(loss_diff) and loss_diff <= out["tolerance"])
    return out


def _rounds(budget_s: float, per_round_s: float, lo: int, hi: int) -> int:
    return int(max(lo, min(hi, budget_s / max(per_round_s, 1e-9))))


def _time_workload(w: Workload, cfg: Config, reset: bool = True) -> dict[str, Any]:
    """One interleaved block of steps (the seeds' budgets and burst sampling), with its stats and ratios."""
    from benchmarks.env import load_average, thread_settings

    x, y = make_data(w)
    weight, bias = initial_params(w)
    gc.collect()
    gc.freeze()  # what is alive now is out of the GC's way, as in the benchmark
    subjects = {"numpy": build_subject("numpy", w, x, y, weight, bias), "bare": bare_subject(w, x, y, weight, bias),
                "minigrad": build_subject("minigrad", w, x, y, weight, bias)}
    steps = {k: s.step for k, s in subjects.items()}
    entry: dict[str, Any] = {"workload": w.to_json(), "check": check_bare(w), "threads": thread_settings(),
                             "load_average": load_average(), "floor_products": subjects["numpy"].notes}
    gc.collect()
    est = warm_up(steps, cfg.warmup_calls, cfg.warmup_s)
    calls = burst_sizes(est, cfg.sample_s)
    rewarm = {k for k, t in est.items() if t < cfg.rewarm_below_s}
    per_round = sum(t * (calls[k] + (k in rewarm)) for k, t in est.items())
    rounds = _rounds(cfg.seed_step_budget_s, per_round, cfg.step_min_rounds, cfg.seed_step_max_rounds)
    # every sample trains from the seed's initial parameters (as a 100-epoch run does), not from wherever the
    # thousands of earlier steps took them (in ex3, far enough that sigmoid saturates to 1 in float32)
    prepare = {k: (lambda s=s: s.set_params(weight, bias)) for k, s in subjects.items()} if reset else None
    block = interleave(steps, rounds, prepare, calls=calls, rewarm=rewarm)
    block["reset_params_per_sample"] = reset
    samples = block["samples_ns"]
    block["stats"] = {k: summarize(v) for k, v in samples.items()}
    block["ratios"] = {f"{a}/{b}": paired_ratio(samples[a], samples[b]) for a, b in LB_RATIOS}
    block["cpu_utilization"] = block["block_cpu_s"] / block["block_wall_s"] if block["block_wall_s"] else None
    block["warmup_estimate_s"] = est
    entry["step"] = block
    return entry


def measure_lower_bound(cfg: Config, workloads: tuple[Workload, ...] = SEEDS,
                        log: Callable[[str], None] | None = print) -> dict[str, Any]:
    """Time the floor, the bare engine and minigrad on ``workloads`` (every library at 1 thread) and return
    the per-workload blocks with the load and thread settings they were measured under."""
    import sys
    from contextlib import AbstractContextManager

    from threadpoolctl import threadpool_limits

    from benchmarks.env import blas_environment, load_average, thread_mode, thread_settings

    out: dict[str, Any] = {"subjects": list(LB_SUBJECTS), "ratios": [f"{a}/{b}" for a, b in LB_RATIOS],
                           "mode": "1thread", "timestamp_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                           "load_average_start": load_average(), "blas_env": blas_environment(),
                           "threads_default": thread_settings(), "cells": []}
    t0 = time.perf_counter()
    # torch is not timed here, but if it is loaded (a full run) its pool goes to 1 thread as well
    one: AbstractContextManager[Any] = thread_mode("1thread") if "torch" in sys.modules else threadpool_limits(1)
    with one:
        for w in workloads:
            t1 = time.perf_counter()
            entry = _time_workload(w, cfg)
            out["cells"].append(entry)
            if log is not None:
                st, r = entry["step"]["stats"], entry["step"]["ratios"]
                log(f"lower bound {w.name:<5} floor {st['numpy']['median_s'] * 1e6:.1f}µs "
                    f"bare {st['bare']['median_s'] * 1e6:.1f}µs mg {st['minigrad']['median_s'] * 1e6:.1f}µs  "
                    f"bare/floor {r['bare/numpy']['median']:.2f} mg/floor {r['minigrad/numpy']['median']:.2f} "
                    f"mg/bare {r['minigrad/bare']['median']:.2f}  ({time.perf_counter() - t1:.1f}s)"
                    + ("" if entry["check"]["ok"] else "  (BARE ENGINE DISAGREES: see check)"))
    out["load_average_end"] = load_average()
    out["wall_time_s"] = time.perf_counter() - t0
    return out


LB_HEADER = ["workload", "NumPy floor", "bare engine", "minigrad", "bare/floor", "mg/floor", "mg/bare",
             "CPU/wall"]


def render_lower_bound(res: dict[str, Any], markdown: bool = False) -> str:
    """The lower-bound table (medians; ratios are medians of per-round ratios), with a caption."""
    from benchmarks.report import _label, _markdown, _plain, _r, _t

    rows = []
    for c in res["cells"]:
        b = c["step"]
        util = b.get("cpu_utilization")
        rows.append([_label(c["workload"]) + ("" if c["check"]["ok"] else " (!)"),
                     *(_t(b, k) for k in LB_SUBJECTS), *(_r(b, f"{a}/{d}") for a, d in LB_RATIOS),
                     "—" if util is None else f"{util:.2f}"])
    caption = ("Every library at 1 thread, interleaved and sampled in bursts as the step table, each sample "
               "starting from the seed's initial parameters; 'bare' = `benchmarks/lower_bound.py`, "
               "torch's graph node for node with minigrad's NumPy calls and no bookkeeping: bare/floor is what "
               "the graph itself costs, mg/bare what minigrad adds to it. '(!)' = the bare engine's losses, "
               "parameters or graph differ from minigrad's. "
               f"Load average {res['load_average_start']} at start, {res['load_average_end']} at end; "
               f"{res['timestamp_utc']}.")
    table = _markdown if markdown else _plain
    return "\n".join([caption, "", table(LB_HEADER, rows)])


def _pool(p: dict[str, Any]) -> str:
    n = p["num_threads"]
    arch = f", {p['architecture']}" if p.get("architecture") else ""
    return f"{p['internal_api']} {p['version']} ({p['prefix']}, {n} thread{'' if n == 1 else 's'}{arch})"


def run_lower_bound(cfg: Config) -> int:
    """``minigrad bench --lower-bound``: print what the numbers were measured with, then the table."""
    import platform

    import minigrad
    from benchmarks.env import cpu_model

    res = measure_lower_bound(cfg)
    pools = ", ".join(_pool(p) for p in res["cells"][0]["threads"]["threadpoolctl"]) if res["cells"] else "—"
    print()
    print(f"machine: {cpu_model()}; python {platform.python_version()}, numpy {np.__version__}, "
          f"minigrad {minigrad.__version__}")
    print(f"BLAS/OpenMP pools while timing (threadpoolctl): {pools}")
    env = res["blas_env"]
    print(f"OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: "
          f"{'set' if env['set']['OPENBLAS_CORETYPE'] or env['set']['OPENBLAS_L2_SIZE'] else 'not set'}; "
          f"BLAS-related environment: {env['variables']}")
    print()
    print(render_lower_bound(res))
    print(f"\ntotal wall time {res['wall_time_s']:.1f} s")
    bad = [c["workload"]["name"] for c in res["cells"] if not c["check"]["ok"]]
    if bad:
        print(f"WARNING: the bare engine disagrees with minigrad on {', '.join(bad)}")
    return 1 if bad else 0
