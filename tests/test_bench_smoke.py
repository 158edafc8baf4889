"""Smoke test of the benchmark harness: a --quick run on tiny sizes writes its JSON and plots with the expected
structure. Timings are never asserted (this machine is noisy and shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")
pytest.importorskip("threadpoolctl")

from benchmarks.cli import main

SUBJECTS = {"minigrad", "torch", "numpy"}
RATIOS = {"minigrad/torch", "minigrad/numpy", "torch/numpy"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench")
    rc = main([
        "--quick", "--out", str(out), "--sizes", "4,64", "--features", "1,3", "--dtypes", "float32",
        "--max-elements", "100", "--memory-min-elements", "64", "--memory-max-cells", "1",
        "--deep-sizes", "10,100,300",
        "--epochs", "10", "--budget-scale", "0.2", "--no-readme",
    ])
    assert rc == 0
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
    # 64×3 = 192 elements > --max-elements 100: skipped, and the output says why
    sizes = ((4, 1), (64, 1), (4, 3))
    assert set(names[3:]) == {f"{loss}-{n}x{d}-float32" for loss in ("mse", "bce") for n, d in sizes}
    assert {s["workload"]["name"] for s in data["skipped"]} == {"mse-64x3-float32", "bce-64x3-float32"}
    assert all(s["reason"] for s in data["skipped"])
    for cell in data["cells"]:
        assert cell["check"]["ok"], cell["check"]
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
    # --quick: no seeds; of the sweep cells with >= 64 elements, only the largest (--memory-max-cells 1)
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
         "sys.meta_path.insert(0, Hidden())\n"
         "from minigrad.cli import main\n"
         "sys.exit(main({argv!r}))\n")


def _run_hidden(hidden: list[str], argv: list[str]) -> subprocess.CompletedProcess[str]:
    code = _HIDE.format(hidden=hidden, argv=argv)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parent.parent)


def test_bench_without_torch_times_minigrad_against_the_floor(tmp_path: Path) -> None:
    proc = _run_hidden(["torch"], [
        "bench", "--quick", "--out", str(tmp_path), "--sizes", "64", "--features", "3", "--no-memory",
        "--deep-sizes", "10,30", "--budget-scale", "0.1", "--epochs", "3", "--no-readme", "--no-plots"])
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "torch is not installed" in proc.stdout and "torch skipped" in proc.stdout
    assert "pip install 'minigrad[ref]'" in proc.stdout
    data = json.loads((tmp_path / "latest.json").read_text())
    assert data["config"]["subjects"] == ["minigrad", "numpy"] and data["meta"]["versions"]["torch"] is None
    for cell in data["cells"]:
        assert cell["check"]["ok"], cell["check"]
        step = cell["modes"]["1thread"]["step"]
        assert set(step["samples_ns"]) == {"minigrad", "numpy"} and set(step["ratios"]) == {"minigrad/numpy"}
    assert set(data["deep_chain"]["subjects"]) == {"minigrad"}
    assert [c["workload"]["name"] for c in data["lower_bound"]["cells"]] == ["ex1", "ex2", "ex3"]
    table = proc.stdout[proc.stdout.index("== Time per training step"):]
    header = next(line for line in table.splitlines() if line.startswith("workload"))
    assert header.split() == ["workload", "minigrad", "NumPy", "floor", "mg/floor", "mg/floor", "(dflt)", "CPU/wall"]


def test_bench_without_its_requirements_says_what_to_install() -> None:
    proc = _run_hidden(["torch", "threadpoolctl"], ["bench", "--quick"])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "minigrad bench needs threadpoolctl" in proc.stderr and "pip install 'minigrad[ref]'" in proc.stderr
