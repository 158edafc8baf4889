"""Command-line options shared by the example scripts (``python -m torch_ref.exampleN`` / ``minigrad.examples``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["parse_args"]


def parse_args(argv: Sequence[str] | None, description: str | None, *, plot: bool = False,
               lr: float = 0.01) -> argparse.Namespace:
    """``--epochs``, ``--lr`` (default ``lr``), ``--dtype``, ``--seed`` (and ``--plot PATH`` for scripts that draw a
    figure)."""
    parser = argparse.ArgumentParser(description=(description or "").strip().splitlines()[0] if description else None)
    parser.add_argument("--epochs", type=int, default=100, help="training epochs (default 100)")
    parser.add_argument("--lr", type=float, default=lr, help=f"SGD learning rate (default {lr})")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                        help="floating-point type of data and parameters (default float32, as the tutorial)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed the generator before building the model (default: unseeded, as the tutorial)")
    if plot:
        parser.add_argument("--plot", metavar="PATH", default=None,
                            help="save the figure to PATH (without it, the figure is shown if a display exists)")
    return parser.parse_args(argv)
