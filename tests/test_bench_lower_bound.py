"""The tiny engine (docs/tiny_engine.py) as the benchmark's lower bound (benchmarks/lower_bound.py): it must build
minigrad's graph and compute minigrad's numbers, bit for bit, or its timings mean nothing; and ``--lower-bound``
must run. No time is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("threadpoolctl")

from benchmarks.cli import main
from benchmarks.config import SEEDS, Workload, quick_config
from benchmarks.lower_bound import LB_SUBJECTS, check_tiny, load_tiny_engine, measure_lower_bound

WORKLOADS = [*SEEDS, Workload("mse-50x7-float64", "sweep", "mse", "linear", 50, 7, "float64"),
             Workload("bce-50x7-float64", "sweep", "bce", "logistic", 50, 7, "float64")]


@pytest.mark.parametrize("w", WORKLOADS, ids=lambda w: w.name)
def test_tiny_engine_builds_minigrads_graph_and_numbers(w: Workload) -> None:
    check = check_tiny(w, steps=3)
    assert check["same_graph"], check["graph"]
    assert check["ok"], check
    assert check["bitwise_equal"], check  # the same NumPy calls in the same order: the same bits
    names = {"AddmmBackward0", "TBackward0", "AccumulateGrad",
             *(("MseLossBackward0",) if w.loss == "mse" else ("SigmoidBackward0", "BinaryCrossEntropyBackward0"))}
    assert _names(check["graph"]) == names


def _names(graph: Any) -> set[str]:
    if graph is None:
        return set()
    name, children = graph
    return {name}.union(*(_names(c) for c in children))


def test_check_fails_when_the_tiny_engine_computes_other_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = load_tiny_engine()
    backward = tiny.MseLoss.backward

    def slightly_off(self: Any, grad: np.ndarray) -> tuple[Any, ...]:
        gx, gt = backward(self, grad)
        return gx * 1.0001, gt

    monkeypatch.setattr(tiny.MseLoss, "backward", slightly_off)
    check = check_tiny(SEEDS[1])
    assert check["same_graph"] and not check["bitwise_equal"]

    def wrong(self: Any, grad: np.ndarray) -> tuple[Any, ...]:
        gx, gt = backward(self, grad)
        return gx * 2, gt

    monkeypatch.setattr(tiny.MseLoss, "backward", wrong)
    assert not check_tiny(SEEDS[1])["ok"]


def test_tiny_engine_imports_neither_minigrad_nor_torch() -> None:
    code = ("import sys; sys.path.insert(0, 'docs'); import tiny_engine; "
            "print(sorted(m for m in ('minigrad', 'torch') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_measure_lower_bound_structure() -> None:
    cfg = quick_config()
    cfg.warmup_s = cfg.seed_step_budget_s = 0.01
    res = measure_lower_bound(cfg, workloads=SEEDS[:1], log=None)
    assert res["mode"] == "1thread" and res["load_average_start"] is not None
    (cell,) = res["cells"]
    assert cell["workload"]["name"] == "ex1" and cell["check"]["ok"]
    assert all(p["num_threads"] == 1 for p in cell["threads"]["threadpoolctl"])
    block = cell["step"]
    assert block["rounds"] >= cfg.step_min_rounds and block["reset_params_per_sample"]
    assert set(block["samples_ns"]) == set(LB_SUBJECTS)
    assert all(len(v) == block["rounds"] and min(v) > 0 for v in block["samples_ns"].values())
    assert set(block["ratios"]) == {"tiny/numpy", "minigrad/numpy", "minigrad/tiny"}
    assert all(r["median"] > 0 for r in block["ratios"].values())


def test_lower_bound_cli_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lower-bound", "--quick"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("workload"))
    assert header.split() == ["workload", "NumPy", "floor", "tiny", "engine", "minigrad", "tiny/floor", "mg/floor",
                              "mg/tiny", "CPU/wall"]
    for name in ("ex1 (4×1 MSE)", "ex2 (100×1 MSE)", "ex3 (455×30 BCE)"):
        row = next(line for line in out.splitlines() if line.startswith(name))
        assert "(!)" not in row
    assert "BLAS/OpenMP pools (threadpoolctl, while timing)" in out and "1 thread," in out
