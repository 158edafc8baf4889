"""``minigrad bench``: minigrad against torch eager and a hand-written NumPy floor (the ``benchmarks`` package).

Times one full training step and whole 100-epoch runs on the seed examples and a size sweep (every library at
1 thread as the headline, default threads beside), measures peak memory per subject in its own process, times
backward over deep chains, and writes a JSON file, PNG plots and a printed table. ``--quick`` runs in under a
minute. The same as ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``bench`` to the ``minigrad`` command (the benchmarks package is imported only when it runs)."""
    p = subparsers.add_parser(
        "bench", help="benchmark minigrad against torch and the NumPy floor (table, JSON, plots)",
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples: minigrad bench --quick;  minigrad bench;  minigrad bench --lower-bound;  "
               "minigrad bench --layers",
    )
    try:  # deferred: the repository's benchmarks package (absent after a plain pip install), for this command only
        from benchmarks.cli import add_arguments
    except ImportError:  # an installed minigrad without the repository's benchmarks package
        p.set_defaults(func=_missing)
        return
    add_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from benchmarks.cli import run as run_benchmarks  # (deferred, as in register)

    return run_benchmarks(args)


def _missing(args: argparse.Namespace) -> int:
    print("minigrad bench needs the 'benchmarks' package of the minigrad repository (run it from a checkout, "
          "installed with pip install -e .)")
    return 2
