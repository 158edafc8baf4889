"""Command line of the benchmark, shared by ``python -m benchmarks`` and ``minigrad bench``."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path

from benchmarks.config import NEEDS_TORCH, SUBJECTS, TORCH_SKIPPED, Config, quick_config
from benchmarks.lower_bound import run_lower_bound
from benchmarks.report import evaluate_targets, make_plots, render, update_readme
from benchmarks.runner import run_benchmark

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = (PACKAGE.parent / "pyproject.toml").exists()  # else installed by pip: write into the working directory
DEFAULT_RESULTS = PACKAGE / "results" if CHECKOUT else Path("minigrad-bench")  # (a checkout's: committed)
DEFAULT_QUICK_OUT = PACKAGE.parent / "out" / "bench-quick" if CHECKOUT else Path("minigrad-bench-quick")
INSTALL = "pip install 'minigrad[ref]' (or, in a checkout, pip install -r requirements-dev.txt)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Every option of the benchmark (sizes, thread modes and budgets are ``config.Config``'s)."""
    add = p.add_argument
    add("--quick", action="store_true", help="a reduced run that finishes in under a minute")
    add("--out", type=Path, help=f"output directory (default: {DEFAULT_RESULTS}, with --quick {DEFAULT_QUICK_OUT})")
    for name, what in (("seeds", "the three seed examples"), ("sweep", "the size sweep"),
                       ("memory", "the peak-memory measurements"), ("deep", "the deep-chain scaling run"),
                       ("lower-bound", "the lower-bound table in a full run"), ("plots", "the PNGs")):
        add(f"--no-{name}", action="store_true", help=f"skip {what}")
    add("--torch-compile", action=argparse.BooleanOptionalAction,
        help="time torch.compile (compiles for tens of seconds per workload): on by default, off with --quick")
    add("--lower-bound", action="store_true", help="instead: time the NumPy floor, the tiny engine "
        "(docs/tiny_engine.py) and minigrad on the seeds at 1 thread and print the table")
    add("--layers", action="store_true", help="instead: forward+backward of each nn layer against torch")


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _config(args: argparse.Namespace) -> Config:
    cfg = quick_config() if args.quick else Config()
    for name in ("seeds", "memory", "deep", "lower_bound", "plots"):
        if getattr(args, f"no_{name}"):
            setattr(cfg, name, False)
    if args.no_sweep:
        cfg.n_samples = []
    if args.torch_compile is not None:
        cfg.torch_compile = args.torch_compile
    return cfg


def run(args: argparse.Namespace) -> int:
    """The command: exit status 2, saying what to install, without threadpoolctl or (for the seeds) scikit-learn."""
    if args.layers:
        from benchmarks.layers import run_layers

        return run_layers(quick=args.quick)
    needed = {"threadpoolctl": "threadpoolctl"}
    if not args.no_seeds or args.lower_bound:
        needed["sklearn"] = "scikit-learn"
    missing = [pkg for mod, pkg in needed.items() if not _importable(mod)]
    if missing:
        print(f"minigrad bench needs {' and '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
              f"installed.\nInstall the reference stack: {INSTALL}", file=sys.stderr)
        return 2
    return bench(_config(args), args.out, args.lower_bound)


def bench(cfg: Config, out: Path | None = None, lower_bound: bool = False) -> int:
    """Run ``cfg`` (or only the lower bound) with the subjects installed here; print and write the results."""
    torch = _importable("torch")  # (not after a plain ``pip install .``: timed against the floor only)
    cfg.subjects = [s for s in SUBJECTS
                    if (torch or s not in NEEDS_TORCH) and (s != "torch.compile" or cfg.torch_compile)]
    if cfg.plots and not _importable("matplotlib"):
        print("matplotlib is not installed: no plots (pip install matplotlib)", file=sys.stderr)
        cfg.plots = False
    if not torch:
        print(TORCH_SKIPPED, flush=True)
    if lower_bound:
        return run_lower_bound(cfg)
    out = out if out is not None else (DEFAULT_QUICK_OUT if cfg.quick else DEFAULT_RESULTS)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    results = run_benchmark(cfg)
    results["targets"] = evaluate_targets(results)
    plots = results["plots"] = make_plots(results, out) if cfg.plots else []
    results["meta"]["wall_time_s"] = time.perf_counter() - t0
    path = out / "latest.json"
    path.write_text(json.dumps(results, separators=(",", ":"), default=lambda o: o.item() if hasattr(o, "item")
                               else str(o)))
    print(f"\n{render(results)}\n")
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)" + (f" and {', '.join(plots)}" if plots else ""))
    if (CHECKOUT and not cfg.quick and out.resolve() == DEFAULT_RESULTS.resolve()
            and update_readme(PACKAGE / "README.md", results, plots)):
        print(f"updated the results section of {PACKAGE / 'README.md'}")
    print(f"total wall time {results['meta']['wall_time_s']:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="minigrad against torch eager and a "
                                     "hand-written NumPy floor (benchmarks/README.md says what is measured).")
    add_arguments(parser)
    return run(parser.parse_args(argv))
