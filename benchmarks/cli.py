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
from benchmarks.plots import make_plots
from benchmarks.report import evaluate_targets, render, update_readme
from benchmarks.runner import run_benchmark

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = (PACKAGE.parent / "pyproject.toml").exists()  # else installed by pip: write into the working directory
DEFAULT_RESULTS = PACKAGE / "results" if CHECKOUT else Path("minigrad-bench")  # (a checkout's: committed)
DEFAULT_QUICK_OUT = PACKAGE.parent / "out" / "bench-quick" if CHECKOUT else Path("minigrad-bench-quick")
INSTALL = "pip install 'minigrad[ref]' (or, in a checkout, pip install -r requirements-dev.txt)"
# Options that override the Config field of the same name when given
OVERRIDES = ("n_samples", "n_features", "dtypes", "losses", "modes", "epochs", "max_elements", "memory_min_elements",
             "memory_max_cells", "deep_sizes", "torch_compile")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Every option of the benchmark (the defaults are those of the full run, or of ``--quick``)."""
    strs = lambda text: [x.strip() for x in text.split(",") if x.strip()]  # "float32,float64"
    ints = lambda text: [int(float(x)) for x in strs(text)]  # "100,1e5"
    big, add = lambda text: int(float(text)), p.add_argument  # big: "1e8"
    add("--quick", action="store_true", help="a reduced run that finishes in under a minute")
    add("--out", type=Path, default=None, help=f"output directory (default: {DEFAULT_RESULTS} for a full run, "
                                                f"{DEFAULT_QUICK_OUT} with --quick)")
    add("--sizes", dest="n_samples", type=ints, metavar="N,N,...", help="n_samples of the sweep")
    add("--features", dest="n_features", type=ints, metavar="D,D,...", help="n_features of the sweep")
    add("--dtypes", type=strs, metavar="float32,float64")
    add("--losses", type=strs, metavar="mse,bce")
    add("--modes", type=strs, metavar="1thread,default",
        help="thread modes: every library at 1 thread (the headline) and/or at default threads")
    add("--epochs", type=int, help="epochs of a whole-run measurement (default 100, as the seeds)")
    add("--max-elements", type=big, help="skip sweep cells with n_samples·n_features above this (default 1e8)")
    for name, what in (("seeds", "the three seed examples"), ("sweep", "the size sweep"),
                       ("memory", "the peak-memory measurements"), ("deep", "the deep-chain scaling run"),
                       ("lower-bound", "the lower-bound table in a full run"), ("plots", "the PNGs")):
        add(f"--no-{name}", action="store_true", help=f"skip {what}")
    add("--memory-min-elements", type=big,
        help="measure memory for sweep cells with at least this many X elements (seeds always)")
    add("--memory-max-cells", type=int,
        help="measure memory for at most this many sweep cells (the largest qualifying ones)")
    add("--torch-compile", action=argparse.BooleanOptionalAction,
        help="time torch.compile (inductor; compiles for tens of seconds per workload): on by default, off with "
             "--quick")
    add("--deep-sizes", type=ints, metavar="N,N,...", help="chain lengths")
    add("--budget-scale", type=float, default=1.0,
        help="multiply every measurement budget (more samples, steadier medians)")
    add("--lower-bound", action="store_true",
        help="instead of benchmarking, time the NumPy floor, the tiny engine (docs/tiny_engine.py: torch's graph "
             "with no bookkeeping) and minigrad on the seeds at 1 thread, and print the table (with --quick: "
             "shorter budgets)")
    add("--layers", action="store_true", help="instead: forward+backward of each nn layer at tutorial sizes against "
        "torch (benchmarks/layers.py)")


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _config(args: argparse.Namespace) -> Config:
    cfg = quick_config() if args.quick else Config()
    for name in (n for n in OVERRIDES if getattr(args, n) is not None):
        setattr(cfg, name, getattr(args, name))
    for name in ("seeds", "memory", "deep", "lower_bound", "plots"):
        if getattr(args, f"no_{name}"):
            setattr(cfg, name, False)
    if args.no_sweep:
        cfg.n_samples = []
    for name in ("seed_step_budget_s", "step_budget_s", "run_budget_s", "deep_budget_s", "warmup_s"):
        setattr(cfg, name, getattr(cfg, name) * args.budget_scale)
    if any(m not in ("1thread", "default") for m in cfg.modes):
        raise SystemExit(f"unknown thread mode(s): {[m for m in cfg.modes if m not in ('1thread', 'default')]}")
    torch = _importable("torch")  # (not after a plain ``pip install .``: timed against the floor only)
    cfg.subjects = [s for s in SUBJECTS
                    if (torch or s not in NEEDS_TORCH) and (s != "torch.compile" or cfg.torch_compile)]
    if cfg.plots and not _importable("matplotlib"):
        print("matplotlib is not installed: no plots (pip install matplotlib)", file=sys.stderr)
        cfg.plots = False
    return cfg


def run(args: argparse.Namespace) -> int:
    """Run the benchmark as ``args`` say (or only the lower bound, or the layers); print the table; write JSON,
    PNGs, README. Exit status 2, saying what to install, when threadpoolctl (every library at 1 thread is the
    headline) or, for the seeds' data, scikit-learn is missing; torch and matplotlib are optional (skipped, and
    said so)."""
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
    cfg = _config(args)
    if "torch" not in cfg.subjects:
        print(TORCH_SKIPPED, flush=True)
    if args.lower_bound:
        return run_lower_bound(cfg)
    out = args.out if args.out is not None else (DEFAULT_QUICK_OUT if cfg.quick else DEFAULT_RESULTS)
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
    # the README's results section: a full run into the default directory of a checkout rewrites it
    if (CHECKOUT and not cfg.quick and out.resolve() == DEFAULT_RESULTS.resolve()
            and update_readme(PACKAGE / "README.md", results, plots)):
        print(f"updated the results section of {PACKAGE / 'README.md'}")
    print(f"total wall time {results['meta']['wall_time_s']:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="minigrad against torch eager and a hand-written NumPy floor: time per training step and per "
                    "100-epoch run, across sizes, with peak memory, deep-chain scaling and plots.")
    add_arguments(parser)
    return run(parser.parse_args(argv))
