"""Smoke test of the benchmark harness: a --quick run on tiny sizes writes its JSON, tables and plots with the
expected structure, the compiled minigrad among the subjects; torch.compile runs on one workload, and when it
cannot compile the run says why and goes on. Timings are never asserted (this machine is noisy and shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")
pytest.importorskip("threadpoolctl")

from benchmarks.cli import bench, main
from benchmarks.config import SEEDS, Config, quick_config
from benchmarks.report import render
from benchmarks.runner import run_cell
from benchmarks.timing import collect_metadata

SUBJECTS = {"minigrad", "compiled", "torch", "numpy"}  # --quick: no torch.compile
RATIOS = {"minigrad/torch", "minigrad/numpy", "compiled/numpy", "compiled/minigrad", "compiled/torch", "torch/numpy"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """``--quick`` on tiny sizes, with a fifth of its budgets."""
    out = tmp_path_factory.mktemp("bench")
    cfg = replace(quick_config(), n_samples=[4, 64], n_features=[1, 3], max_elements=100, memory_min_elements=64,
                  memory_max_cells=1, deep_sizes=[10, 100, 300], epochs=10, warmup_s=0.004,
                  seed_step_budget_s=0.06, step_budget_s=0.02, run_budget_s=0.05, deep_budget_s=0.04)
    assert bench(cfg, out) == 0
    return out, json.loads((out / "latest.json").read_text())


def _check_block(block: dict, rounds_at_least: int = 1) -> None:
    assert block["rounds"] >= rounds_at_least
    assert set(block["samples_ns"]) == SUBJECTS
    for samples in block["samples_ns"].values():
        assert len(samples) == block["rounds"]
        assert all(isinstance(s, int) and s > 0 for s in samples)
    for stat in block["stats"].values():
        assert stat["ci95_s"][0] <= stat["median_s"] <= stat["ci95_s"][1]
    assert set(block["calls_per_sample"]) == SUBJECTS and all(k >= 1 for k in block["calls_per_sample"].values())
    assert set(block["ratios"]) == RATIOS
    assert all(r["median"] > 0 for r in block["ratios"].values())


def test_quick_run_writes_json_and_plots(quick_run: tuple[Path, dict]) -> None:
    out, data = quick_run
    assert data["schema"] == "minigrad-bench/1"
    meta = data["meta"]
    assert set(meta["versions"]) == {"python", "numpy", "torch", "minigrad"}
    assert meta["cpu_model"] and meta["threads_default"]["threadpoolctl"]
    assert set(meta["blas_env"]["set"]) >= {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}
    assert data["config"]["quick"] is True
    for name in data["plots"]:
        assert (out / name).stat().st_size > 1000
    assert {"seeds.png", "step_time_float32.png", "ratio_float32.png", "deep_chain.png"} <= set(data["plots"])


def test_cells_have_samples_ratios_and_agree(quick_run: tuple[Path, dict]) -> None:
    _, data = quick_run
    names = [c["workload"]["name"] for c in data["cells"]]
    assert names[:3] == ["ex1", "ex2", "ex3"]
    # 64×3 = 192 elements > max_elements 100: skipped, and the output says why
    sizes = ((4, 1), (64, 1), (4, 3))
    assert set(names[3:]) == {f"{loss}-{n}x{d}-float32" for loss in ("mse", "bce") for n, d in sizes}
    assert {s["workload"]["name"] for s in data["skipped"]} == {"mse-64x3-float32", "bce-64x3-float32"}
    assert all(s["reason"] for s in data["skipped"])
    for cell in data["cells"]:
        assert cell["check"]["ok"] and cell["check"]["compiled_bitwise_equal"], cell["check"]
        assert cell["notes"]["1thread"]["compiled"]["compile_s"] > 0
        assert set(cell["modes"]) == {"1thread", "default"}
        one = cell["modes"]["1thread"]
        assert one["threads"]["torch_num_threads"] == 1
        assert all(p["num_threads"] == 1 for p in one["threads"]["threadpoolctl"])
        for entry in cell["modes"].values():
            _check_block(entry["step"])
            if "skipped" not in entry["run"]:
                _check_block(entry["run"])
                assert set(entry["run"]["cpu_stats"]) == SUBJECTS
                assert entry["run"]["epochs"] == data["config"]["epochs"] == 10


def test_memory_lower_bound_deep_chain_and_targets(quick_run: tuple[Path, dict]) -> None:
    _, data = quick_run
    # --quick: no seeds; of the sweep cells with >= 64 elements, only the largest (memory_max_cells 1)
    measured = [c for c in data["cells"] if "memory" in c]
    assert [c["workload"]["n_samples"] * c["workload"]["n_features"] for c in measured] == [64]
    for cell in measured:
        assert set(cell["memory"]) == SUBJECTS
        for m in cell["memory"].values():
            assert "error" not in m, m
            assert m["data_bytes"] > 0 and m["total_peak_rss_bytes"] is not None
    lower = data["lower_bound"]  # the seeds on the tiny engine, beside the floor and minigrad
    assert [c["workload"]["name"] for c in lower["cells"]] == ["ex1", "ex2", "ex3"]
    for cell in lower["cells"]:
        assert cell["check"]["ok"] and cell["check"]["same_graph"], cell["check"]
        assert set(cell["step"]["samples_ns"]) == {"numpy", "tiny", "minigrad"}
        assert set(cell["step"]["ratios"]) == {"tiny/numpy", "minigrad/numpy", "minigrad/tiny"}
    deep = data["deep_chain"]
    assert deep["sizes"] == [10, 100, 300]
    for series in deep["subjects"].values():
        assert len(series["backward_per_node_s"]) == 3
        assert isinstance(series["backward_loglog_slope"], float)
    assert isinstance(data["targets"], list) and data["targets"]
    assert all({"target", "value", "limit", "met"} <= set(t) for t in data["targets"])
    assert {t["target"] for t in data["targets"]} >= {"ex1: compiled/floor ≤ 1.3",
                                                       "ex3: compiled faster than torch (comp/torch < 1)"}


def _header(text: str, title: str) -> list[str]:
    """The column names of the table under ``== title`` in a console report."""
    table = text[text.index(f"== {title}"):]
    line = next(line for line in table.splitlines() if line.startswith(("workload", "N ops")))
    return [c.strip() for c in line.split("  ") if c.strip()]


def test_tables_show_the_compiled_subject(quick_run: tuple[Path, dict]) -> None:
    _, data = quick_run
    text = render(data)
    step = _header(text, "Time per training step")
    assert step[:5] == ["workload", "minigrad", "minigrad compiled", "torch", "NumPy floor"]
    assert {"comp/floor", "comp/mg", "comp/torch", "comp/floor (dflt)"} <= set(step)
    assert "comp/tc" not in step and "torch.compile not run (--quick" in text
    run = _header(text, "Time per whole 10-epoch run")
    assert {"minigrad compiled", "comp/floor", "comp/floor CPU"} <= set(run)
    assert "minigrad compiled first call" in _header(text, "Compilation")
    assert "comp/mg peak" in _header(text, "Peak memory")
    assert "| minigrad compiled |" in render(data, markdown=True)


def _tiny_config() -> Config:
    cfg = Config(modes=["1thread"], warmup_calls=2, warmup_s=0.0, seed_step_budget_s=0.02, step_min_rounds=3,
                 run_min_rounds=3, run_max_rounds=3, run_budget_s=0.0, epochs=2, plots=False)
    cfg.subjects = ["minigrad", "compiled", "torch", "torch.compile", "numpy"]
    return cfg


def _results(cfg: Config, cells: list[dict], unavailable: dict[str, str]) -> dict:
    return {"meta": collect_metadata(), "config": cfg.to_json(), "cells": cells, "skipped": [],
            "unavailable": unavailable}


def test_torch_compile_is_timed_beside_the_others() -> None:
    """One real inductor compilation (tens of seconds): the seed's step in every table, compile time recorded."""
    cfg, unavailable = _tiny_config(), dict[str, str]()
    cell = run_cell(SEEDS[0], cfg, unavailable)
    assert unavailable == {} and cell["check"]["ok"], (unavailable, cell["check"])
    assert cell["check"]["max_param_diff_rel"]["torch.compile"] <= cell["check"]["tolerance"]
    assert cell["notes"]["1thread"]["torch.compile"]["compile_s"] > 0
    step = cell["modes"]["1thread"]["step"]
    assert set(step["samples_ns"]) == set(cfg.subjects)
    assert {"compiled/torch.compile", "torch.compile/torch"} <= set(step["ratios"])
    text = render(_results(cfg, [cell], unavailable))
    header = _header(text, "Time per training step")
    assert {"torch.compile", "comp/tc", "tc/torch"} <= set(header)
    assert "torch.compile first call" in _header(text, "Compilation")


def test_torch_compile_that_cannot_compile_is_skipped_and_said(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    import torch

    def no_compiler(fn: object, **kwargs: object) -> object:
        def call(*args: object) -> object:
            raise RuntimeError("InvalidCxxCompiler: No working C++ compiler found (made up by the test)")
        return call

    monkeypatch.setattr(torch, "compile", no_compiler)
    cfg, unavailable = _tiny_config(), dict[str, str]()
    cells = [run_cell(w, cfg, unavailable) for w in SEEDS[:2]]
    assert list(unavailable) == ["torch.compile"] and "No working C++ compiler" in unavailable["torch.compile"]
    assert "first seen on ex1" in unavailable["torch.compile"]
    for cell in cells:
        assert cell["check"]["ok"], cell["check"]
        assert set(cell["modes"]["1thread"]["step"]["samples_ns"]) == set(cfg.subjects) - {"torch.compile"}
    text = render(_results(cfg, cells, unavailable))
    assert "torch.compile skipped: RuntimeError: InvalidCxxCompiler: No working C++ compiler found" in text
    assert "comp/tc" not in text and "tc/torch" not in text
    capsys.readouterr()
    assert main(["--quick", "--torch-compile", "--no-sweep", "--no-memory", "--no-deep", "--no-lower-bound",
                 "--no-plots", "--out", str(tmp_path)]) == 0  # the command line: a note, not a crash
    out = capsys.readouterr().out
    assert "torch.compile skipped: RuntimeError: InvalidCxxCompiler" in out and "Traceback" not in out
    data = json.loads((tmp_path / "latest.json").read_text())
    assert "torch.compile" in data["config"]["subjects"] and "torch.compile" in data["unavailable"]


def test_minigrad_cli_has_bench_and_import_is_light() -> None:
    from minigrad.cli import build_parser

    args = build_parser().parse_args(["bench", "--quick", "--no-memory"])
    assert callable(args.func) and args.quick and args.no_memory
    code = "import sys, benchmarks.cli, minigrad.cli.bench; assert 'torch' not in sys.modules; print('ok')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.stdout.strip() == "ok", proc.stderr


# a fresh interpreter in which torch (and, for the second run, threadpoolctl too) cannot be imported, as after a
# plain ``pip install .``; the rest of the environment is the test's
_HIDE = ("import sys\n"
         "class Hidden:  # a finder that says these packages are not installed\n"
         "    def find_spec(self, name, path=None, target=None):\n"
         "        if name.partition('.')[0] in {hidden!r}:\n"
         "            raise ModuleNotFoundError(f'No module named {{name!r}}', name=name)\n"
         "sys.meta_path.insert(0, Hidden())\n")


def _run_hidden(hidden: list[str], run: str) -> subprocess.CompletedProcess[str]:
    code = _HIDE.format(hidden=hidden) + run
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parent.parent)


def test_bench_without_torch_times_minigrad_against_the_floor(tmp_path: Path) -> None:
    proc = _run_hidden(["torch"], (  # --quick on one tiny sweep cell, with a tenth of its budgets
        "from dataclasses import replace\nfrom pathlib import Path\nfrom benchmarks.cli import bench\n"
        "from benchmarks.config import quick_config\n"
        "cfg = replace(quick_config(), n_samples=[64], n_features=[3], memory=False, deep_sizes=[10, 30], epochs=3,\n"
        "              plots=False, warmup_s=0.002, seed_step_budget_s=0.03, step_budget_s=0.01, run_budget_s=0.025,\n"
        "              deep_budget_s=0.02)\n"
        f"sys.exit(bench(cfg, Path({str(tmp_path)!r})))\n"))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "torch is not installed" in proc.stdout and "torch skipped" in proc.stdout
    assert "pip install 'minigrad[ref]'" in proc.stdout
    data = json.loads((tmp_path / "latest.json").read_text())
    assert data["config"]["subjects"] == ["minigrad", "compiled", "numpy"]
    assert data["meta"]["versions"]["torch"] is None
    for cell in data["cells"]:
        assert cell["check"]["ok"] and cell["check"]["compiled_bitwise_equal"], cell["check"]
        step = cell["modes"]["1thread"]["step"]
        assert set(step["samples_ns"]) == {"minigrad", "compiled", "numpy"}
        assert set(step["ratios"]) == {"minigrad/numpy", "compiled/numpy", "compiled/minigrad"}
    assert set(data["deep_chain"]["subjects"]) == {"minigrad"}
    assert [c["workload"]["name"] for c in data["lower_bound"]["cells"]] == ["ex1", "ex2", "ex3"]
    assert _header(proc.stdout, "Time per training step") == [
        "workload", "minigrad", "minigrad compiled", "NumPy floor", "mg/floor", "comp/floor", "comp/mg",
        "mg/floor (dflt)", "comp/floor (dflt)", "CPU/wall"]


def test_bench_without_its_requirements_says_what_to_install() -> None:
    proc = _run_hidden(["torch", "threadpoolctl"], "from minigrad.cli import main\nsys.exit(main(['bench']))\n")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "minigrad bench needs threadpoolctl" in proc.stderr and "pip install 'minigrad[ref]'" in proc.stderr


def test_layers_bench_runs_on_a_tiny_budget(capsys: pytest.CaptureFixture[str]) -> None:
    """``minigrad bench --layers``'s code path (benchmarks/layers.py against timing.py's current API) on three of
    its workloads (a plain layer, integer ids, a module returning a tuple), 2 rounds, no warm-up time."""
    from benchmarks.layers import WORKLOADS, run_layers

    names = ["MaxPool2d 2", "Embedding 10000x200", "RNN 57→128"]
    assert set(names) <= set(WORKLOADS)
    assert run_layers(quick=True, rounds=2, warm_s=0.0, names=names) == 0
    out = capsys.readouterr().out
    assert "medians of 2 rounds" in out
    rows = {line.split("  ")[0]: line for line in out.splitlines() if line.startswith(tuple(names))}
    assert set(rows) == set(names)
    for line in rows.values():
        ratio = line.split("µs")[-1].split("x")[0]
        assert float(ratio) > 0 and "[" in line  # a ratio and its CI, whatever the timings
    assert "threads:" in out
