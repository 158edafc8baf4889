"""Command line of the benchmark, shared by ``python -m benchmarks`` and ``minigrad bench``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "run", "main", "DEFAULT_RESULTS", "DEFAULT_QUICK_OUT"]

PACKAGE = Path(__file__).resolve().parent
DEFAULT_RESULTS = PACKAGE / "results"  # the committed latest results (full runs)
DEFAULT_QUICK_OUT = PACKAGE.parent / "out" / "bench-quick"  # --quick writes here (git-ignored) by default
RESULTS_FILE = "latest.json"


def _ints(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


def _strs(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Every option of the benchmark (the defaults are those of the full run, or of ``--quick``)."""
    p.add_argument("--quick", action="store_true", help="a reduced run that finishes in under a minute")
    p.add_argument("--out", type=Path, default=None,
                   help=f"output directory (default: {DEFAULT_RESULTS} for a full run, "
                        f"{DEFAULT_QUICK_OUT} with --quick)")
    p.add_argument("--sizes", type=_ints, default=None, metavar="N,N,...", help="n_samples of the sweep")
    p.add_argument("--features", type=_ints, default=None, metavar="D,D,...", help="n_features of the sweep")
    p.add_argument("--dtypes", type=_strs, default=None, metavar="float32,float64")
    p.add_argument("--losses", type=_strs, default=None, metavar="mse,bce")
    p.add_argument("--modes", type=_strs, default=None, metavar="1thread,default",
                   help="thread modes: every library at 1 thread (the headline) and/or at default threads")
    p.add_argument("--epochs", type=int, default=None,
                   help="epochs of a whole-run measurement (default 100, as the seeds)")
    p.add_argument("--max-elements", type=lambda s: int(float(s)), default=None,
                   help="skip sweep cells with n_samples·n_features above this (default 1e8)")
    p.add_argument("--no-seeds", action="store_true", help="skip the three seed examples")
    p.add_argument("--no-sweep", action="store_true", help="skip the size sweep")
    p.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurements")
    p.add_argument("--memory-min-elements", type=lambda s: int(float(s)), default=None,
                   help="measure memory for sweep cells with at least this many X elements (seeds always)")
    p.add_argument("--memory-max-cells", type=int, default=None,
                   help="measure memory for at most this many sweep cells (the largest qualifying ones)")
    p.add_argument("--no-deep", action="store_true", help="skip the deep-chain scaling run")
    p.add_argument("--deep-sizes", type=_ints, default=None, metavar="N,N,...", help="chain lengths")
    p.add_argument("--budget-scale", type=float, default=1.0,
                   help="multiply every measurement budget (more samples, steadier medians)")
    p.add_argument("--no-plots", action="store_true", help="do not draw the PNGs")
    p.add_argument("--no-readme", action="store_true",
                   help="do not rewrite the results section of benchmarks/README.md (only a full run into the "
                        "default directory rewrites it)")
    p.add_argument("--lower-bound", action="store_true",
                   help="instead of benchmarking, time the NumPy floor, the bare engine (benchmarks/lower_bound.py: "
                        "torch's graph with no bookkeeping) and minigrad on the seeds at 1 thread, and print the "
                        "table (with --quick: shorter budgets)")
    p.add_argument("--no-lower-bound", action="store_true", help="skip the lower-bound table in a full run")
    p.add_argument("--layers", action="store_true", help="instead: forward+backward of each nn layer at tutorial "
                   "sizes against torch (benchmarks/layers.py)")
    p.add_argument("--profile", metavar="WORKLOAD", default=None,
                   help="instead of benchmarking, cProfile minigrad's step on WORKLOAD (ex1, ex2, ex3 or "
                        "LOSS-NxD-DTYPE such as mse-100000x100-float32) and print the hot spots")


def _config(args: argparse.Namespace) -> Any:
    from benchmarks.config import full_config, quick_config

    cfg = quick_config() if args.quick else full_config()
    for name in ("dtypes", "losses", "modes", "epochs", "max_elements", "memory_min_elements", "memory_max_cells",
                 "deep_sizes"):
        value = getattr(args, name)
        if value is not None:
            setattr(cfg, name, value)
    if args.sizes is not None:
        cfg.n_samples = args.sizes
    if args.features is not None:
        cfg.n_features = args.features
    if args.no_sweep:
        cfg.n_samples = []
    cfg.seeds = not args.no_seeds
    cfg.memory = cfg.memory and not args.no_memory
    cfg.deep = cfg.deep and not args.no_deep
    cfg.lower_bound = cfg.lower_bound and not args.no_lower_bound
    cfg.plots = cfg.plots and not args.no_plots
    if args.budget_scale != 1.0:
        for name in ("seed_step_budget_s", "step_budget_s", "run_budget_s", "deep_budget_s", "warmup_s"):
            setattr(cfg, name, getattr(cfg, name) * args.budget_scale)
    bad = [m for m in cfg.modes if m not in ("1thread", "default")]
    if bad:
        raise SystemExit(f"unknown thread mode(s): {bad}")
    return cfg


def run(args: argparse.Namespace) -> int:
    """Run the benchmark as ``args`` say (or only the profiler, or only the lower bound); print the table; write
    JSON, PNGs, README."""
    if args.layers:
        from benchmarks.layers import run_layers

        return run_layers(quick=args.quick)
    if args.profile:
        from benchmarks.profiling import profile_workload

        profile_workload(args.profile)
        return 0
    if args.lower_bound:
        from benchmarks.lower_bound_bench import run_lower_bound

        return run_lower_bound(_config(args))
    from benchmarks.report import evaluate_targets, render, update_readme
    from benchmarks.runner import run_benchmark

    cfg = _config(args)
    out = args.out if args.out is not None else (DEFAULT_QUICK_OUT if cfg.quick else DEFAULT_RESULTS)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    plots: list[str] = []

    def draw(res: dict[str, Any]) -> None:
        if cfg.plots:
            from benchmarks.plots import make_plots

            plots.extend(make_plots(res, out))

    results = run_benchmark(cfg, meanwhile=draw)
    results["targets"] = evaluate_targets(results)
    results["plots"] = plots
    results["meta"]["wall_time_s"] = time.perf_counter() - t0
    path = out / RESULTS_FILE
    path.write_text(json.dumps(results, separators=(",", ":"), default=_json_default))
    print()
    print(render(results))
    print()
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)" + (f" and {', '.join(plots)}" if plots else ""))
    if (not cfg.quick and not args.no_readme and out.resolve() == DEFAULT_RESULTS.resolve()
            and update_readme(PACKAGE / "README.md", results, plots)):
        print(f"updated the results section of {PACKAGE / 'README.md'}")
    print(f"total wall time {results['meta']['wall_time_s']:.1f} s")
    return 0


def _json_default(o: Any) -> Any:
    try:
        return o.item()  # NumPy scalars
    except AttributeError:
        return str(o)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="minigrad against torch eager and a hand-written NumPy floor: time per training step and per "
                    "100-epoch run, across sizes, with peak memory, deep-chain scaling and plots.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
