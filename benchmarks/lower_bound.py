"""The lower bound (README.md, "Lower bound"): the NumPy floor, the tiny engine and minigrad on the seeds."""

from __future__ import annotations

import gc
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks.config import LB_RATIOS, LB_SUBJECTS, LEARNING_RATE, SEEDS, Config, Workload, initial_params, make_data
from benchmarks.report import meta_lines, render_lower_bound, summary
from benchmarks.subjects import Subject, agreement, build_subject, reset_all
from benchmarks.timing import blas_environment, collect_metadata, load_average, step_block, thread_mode, thread_settings

TINY_ENGINE_FILE = Path(__file__).resolve().parent.parent / "docs" / "tiny_engine.py"


def load_tiny_engine() -> ModuleType:
    """``docs/tiny_engine.py`` in a checkout, else the module ``tiny_engine`` that ``pip install .`` installs."""
    if TINY_ENGINE_FILE.exists() and str(TINY_ENGINE_FILE.parent) not in sys.path:
        sys.path.insert(0, str(TINY_ENGINE_FILE.parent))
    return importlib.import_module("tiny_engine")


def tiny_subject(w: Workload, x: np.ndarray, y: np.ndarray, weight: np.ndarray, bias: np.ndarray,
                 lr: float = LEARNING_RATE) -> Subject:
    """The seed's training step on the tiny engine (functions instead of modules: ex1 and ex2 are one graph)."""
    tiny = load_tiny_engine()
    wp, bp = tiny.parameter(np.array(weight, dtype=w.dtype)), tiny.parameter(np.array(bias, dtype=w.dtype))
    X, Y = tiny.Tensor(x), tiny.Tensor(y)  # noqa: N806 - the seeds' names
    opt = tiny.SGD([wp, bp], lr)
    linear, sigmoid = tiny.linear, tiny.sigmoid
    criterion = tiny.mse_loss if w.loss == "mse" else tiny.binary_cross_entropy
    logistic = w.model == "logistic"

    def forward() -> Any:
        out = linear(X, wp, bp)
        return criterion(sigmoid(out) if logistic else out, Y)

    def step_loss() -> float:
        loss = forward()
        loss.backward()
        opt.step()
        opt.zero_grad()
        return float(loss.data)

    def set_params(new_w: np.ndarray, new_b: np.ndarray) -> None:
        wp.data[...] = np.asarray(new_w, dtype=w.dtype)
        bp.data[...] = np.asarray(new_b, dtype=w.dtype).reshape(-1)

    return Subject("tiny", step_loss, step_loss, lambda: (wp.data.copy(), bp.data.copy()), set_params,
                   objects={"forward": forward})


def minigrad_graph(node: Any) -> tuple[str, tuple[Any, ...]] | None:
    """minigrad's graph below ``node`` in ``tiny_engine.describe``'s form: (node name, children)."""
    return None if node is None else (type(node).__name__, tuple(minigrad_graph(n) for n, _ in node.next_functions))


def check_tiny(w: Workload, steps: int = 3) -> dict[str, Any]:
    """``agreement`` of the tiny engine with minigrad, ``ok`` only if both build the same graph too."""
    x, y = make_data(w)
    weight, bias = initial_params(w)
    subjects = {"minigrad": build_subject("minigrad", w, x, y, weight, bias),
                "tiny": tiny_subject(w, x, y, weight, bias)}
    out = agreement(subjects, weight, bias, steps)  # reference: minigrad (the first subject)
    mg, tn = (np.asarray(out["losses"][k]) for k in ("minigrad", "tiny"))
    loss_diff = out["max_loss_diff_rel"] = float(np.max(np.abs(tn - mg) / np.maximum(np.abs(mg), 1e-30)))
    mo = subjects["minigrad"].objects
    out["graph"] = load_tiny_engine().describe(subjects["tiny"].objects["forward"]().grad_fn)
    out["same_graph"] = out["graph"] == minigrad_graph(mo["criterion"](mo["model"](mo["X"]), mo["Y"]).grad_fn)
    out["bitwise_equal"] = loss_diff == 0 and out["max_param_diff_rel"]["tiny"] == 0
    out["ok"] = bool(out["ok"] and out["same_graph"] and np.isfinite(loss_diff) and loss_diff <= out["tolerance"])
    return out


def measure_lower_bound(cfg: Config, workloads: tuple[Workload, ...] = SEEDS,
                        log: Callable[[str], None] | None = print) -> dict[str, Any]:
    """One interleaved block of steps per workload at 1 thread, each sample from the initial parameters."""
    out: dict[str, Any] = {"subjects": list(LB_SUBJECTS), "ratios": [f"{a}/{b}" for a, b in LB_RATIOS],
                           "mode": "1thread", "timestamp_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                           "load_average_start": load_average(), "blas_env": blas_environment(),
                           "threads_default": thread_settings(), "cells": []}
    t0 = time.perf_counter()
    with thread_mode("1thread"):
        for w in workloads:
            t1 = time.perf_counter()
            x, y = make_data(w)
            weight, bias = initial_params(w)
            gc.collect()
            gc.freeze()  # what is alive now is out of the GC's way, as in the benchmark
            subjects = {"numpy": build_subject("numpy", w, x, y, weight, bias),
                        "tiny": tiny_subject(w, x, y, weight, bias),
                        "minigrad": build_subject("minigrad", w, x, y, weight, bias)}
            entry: dict[str, Any] = {"workload": w.to_json(), "check": check_tiny(w), "threads": thread_settings(),
                                     "load_average": load_average(), "floor_products": subjects["numpy"].notes}
            entry["step"] = step_block({k: s.step for k, s in subjects.items()}, cfg, LB_RATIOS, seed=True,
                                       prepare=reset_all(subjects, weight, bias))
            entry["step"]["reset_params_per_sample"] = True
            out["cells"].append(entry)
            if log is not None:
                log(f"lower bound {w.name:<5} {summary(entry['step'])}  ({time.perf_counter() - t1:.1f}s)"
                    + ("" if entry["check"]["ok"] else "  (TINY ENGINE DISAGREES: see check)"))
    out["load_average_end"] = load_average()
    out["wall_time_s"] = time.perf_counter() - t0
    return out


def run_lower_bound(cfg: Config) -> int:
    """``minigrad bench --lower-bound``: print what the numbers were measured with, then the table."""
    res = measure_lower_bound(cfg)
    meta = collect_metadata()
    meta.update(load_average_start=res["load_average_start"], load_average_end=res["load_average_end"],
                wall_time_s=res["wall_time_s"], threads_default=res["cells"][0]["threads"])
    print("\n" + "\n".join(meta_lines(meta, pools="threadpoolctl, while timing")) + "\n")
    print(render_lower_bound(res))
    bad = [c["workload"]["name"] for c in res["cells"] if not c["check"]["ok"]]
    if bad:
        print(f"WARNING: the tiny engine disagrees with minigrad on {', '.join(bad)}")
    return 1 if bad else 0
