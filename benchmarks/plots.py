"""PNG plots of a run (matplotlib, Agg): time per step vs size, ratios vs size, the seeds, the deep chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.constants import SUBJECT_LABELS

__all__ = ["make_plots"]

COLORS = {"minigrad": "tab:blue", "torch": "tab:red", "numpy": "tab:green"}
RATIO_COLORS = {"minigrad/torch": "tab:red", "minigrad/numpy": "tab:green"}
RATIO_LABELS = {"minigrad/torch": "minigrad / torch eager", "minigrad/numpy": "minigrad / NumPy floor"}
STYLES = {"1thread": "-", "default": "--"}
MODE_NAMES = {"1thread": "1 thread", "default": "default threads"}


def _sweep(results: dict[str, Any], dtype: str) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Sweep cells of ``dtype`` grouped by (loss, n_features), sorted by n_samples."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for c in results["cells"]:
        w = c["workload"]
        if w["kind"] == "sweep" and w["dtype"] == dtype:
            groups.setdefault((w["loss"], w["n_features"]), []).append(c)
    for v in groups.values():
        v.sort(key=lambda c: c["workload"]["n_samples"])
    return groups


def _grid(plt: Any, groups: dict[tuple[str, int], Any]) -> tuple[Any, Any, list[str], list[int]]:
    losses = [x for x in ("mse", "bce") if any(k[0] == x for k in groups)]
    feats = sorted({k[1] for k in groups})
    fig, axes = plt.subplots(len(losses), len(feats), figsize=(4.2 * len(feats) + 1, 3.6 * len(losses) + 1.2),
                             squeeze=False, sharex=True)
    return fig, axes, losses, feats


def _layout(fig: Any, legend_rows: int) -> None:
    """Fixed margins in inches (``tight_layout`` costs seconds on these grids): title on top, legend below."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=0.75 / w, right=1 - 0.2 / w, top=1 - 0.75 / h, bottom=(0.75 + 0.22 * legend_rows) / h,
                        hspace=0.35, wspace=0.22)


def _title(loss: str, d: int) -> str:
    return f"{'Linear + MSE' if loss == 'mse' else 'Linear + sigmoid + BCE'}, n_features = {d:,}"


def _time_plot(plt: Any, results: dict[str, Any], dtype: str, path: Path) -> bool:
    groups = _sweep(results, dtype)
    if not groups:
        return False
    fig, axes, losses, feats = _grid(plt, groups)
    for i, loss in enumerate(losses):
        for j, d in enumerate(feats):
            ax = axes[i][j]
            cells = groups.get((loss, d), [])
            for mode in results["config"]["modes"]:
                for s in ("minigrad", "torch", "numpy"):
                    xs, ys = _series(cells, mode, lambda e, s=s: e["step"]["stats"][s]["median_s"] * 1e3)
                    if xs:
                        ax.plot(xs, ys, STYLES[mode], color=COLORS[s],
                                label=f"{SUBJECT_LABELS[s]} ({MODE_NAMES[mode]})", **_line_style(mode))
            _log_axes(ax)
            ax.grid(True, which="major", alpha=0.3)
            _label_panel(ax, loss, d, i == len(losses) - 1, j == 0, "median time per step (ms)")
    _save(plt, fig, axes, path, f"Time per training step vs problem size ({dtype}) — solid: every library at 1 "
                                "thread; dashed: default threads")
    return True


def _series(cells: list[dict[str, Any]], mode: str, value: Any) -> tuple[list[int], list[float]]:
    """(n_samples, value of the mode's entry) for every cell measured in ``mode``."""
    xs, ys = [], []
    for c in cells:
        e = c["modes"].get(mode)
        if e:
            xs.append(c["workload"]["n_samples"])
            ys.append(value(e))
    return xs, ys


def _line_style(mode: str) -> dict[str, Any]:
    """Markers for every line; 1 thread (the headline) drawn bold, default threads light."""
    headline = mode == "1thread"
    return {"marker": "o", "ms": 3.5, "lw": 1.8 if headline else 1.0, "alpha": 1.0 if headline else 0.6}


def _label_panel(ax: Any, loss: str, d: int, bottom: bool, left: bool, ylabel: str) -> None:
    ax.set_title(_title(loss, d), fontsize=10)
    if bottom:
        ax.set_xlabel("n_samples")
    if left:
        ax.set_ylabel(ylabel)


def _save(plt: Any, fig: Any, axes: Any, path: Path, title: str) -> None:
    """One legend for the figure (from the first panel), the title, and the PNG."""
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9, frameon=False)
    fig.suptitle(title, fontsize=12)
    _layout(fig, legend_rows=2)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _minor_label(v: float, suffix: str = "") -> str:
    """Label only the minor ticks 2, 3, 5 (× powers of ten) so a log axis stays readable."""
    import math

    if v <= 0:
        return ""
    mant = v / 10 ** math.floor(math.log10(v))
    return f"{v:g}{suffix}" if round(mant) in (2, 3, 5) and abs(mant - round(mant)) < 1e-6 else ""


def _log_axes(ax: Any, suffix: str = "") -> None:
    """Log-log axes with plain numbers (1, 10, 0.5...) instead of 10^k / 2×10^k labels."""
    from matplotlib import ticker

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:g}{suffix}"))
    ax.yaxis.set_minor_formatter(ticker.FuncFormatter(lambda v, _pos: _minor_label(v, suffix)))


def _ratio_plot(plt: Any, results: dict[str, Any], dtype: str, path: Path) -> bool:
    groups = _sweep(results, dtype)
    if not groups:
        return False
    fig, axes, losses, feats = _grid(plt, groups)
    for i, loss in enumerate(losses):
        for j, d in enumerate(feats):
            ax = axes[i][j]
            cells = groups.get((loss, d), [])
            for mode in results["config"]["modes"]:
                for key in ("minigrad/torch", "minigrad/numpy"):
                    xs, ys = _series(cells, mode, lambda e, key=key: e["step"]["ratios"][key]["median"])
                    if xs:
                        ax.plot(xs, ys, STYLES[mode], color=RATIO_COLORS[key],
                                label=f"{RATIO_LABELS[key]} ({MODE_NAMES[mode]})", **_line_style(mode))
            ax.axhline(1.0, color="black", lw=0.8)
            ax.axhline(1.1, color="gray", lw=0.8, ls=":", label="1.1× (large-size target vs floor)")
            ax.axhline(2.0, color="gray", lw=0.8, ls="-.", label="2× (seed target vs floor)")
            _log_axes(ax, "×")
            ax.grid(True, which="both", alpha=0.25)
            _label_panel(ax, loss, d, i == len(losses) - 1, j == 0, "time ratio (below 1: minigrad faster)")
    _save(plt, fig, axes, path, f"minigrad's time per step relative to torch eager and to the NumPy floor ({dtype}), "
                                "pairwise per round")
    return True


def _seeds_plot(plt: Any, results: dict[str, Any], path: Path) -> bool:
    import numpy as np

    cells = [c for c in results["cells"] if c["workload"]["kind"] == "seed"]
    if not cells:
        return False
    modes = results["config"]["modes"]
    subjects = ("minigrad", "torch", "numpy")
    fig, axes = plt.subplots(1, len(modes), figsize=(6.2 * len(modes), 4.6), squeeze=False)
    for j, mode in enumerate(modes):
        ax = axes[0][j]
        x = np.arange(len(cells))
        width = 0.26
        for k, s in enumerate(subjects):
            meds, lo, hi = [], [], []
            for c in cells:
                st = c["modes"][mode]["step"]["stats"][s]
                meds.append(st["median_s"] * 1e6)
                lo.append(st["median_s"] * 1e6 - st["ci95_s"][0] * 1e6)
                hi.append(st["ci95_s"][1] * 1e6 - st["median_s"] * 1e6)
            bars = ax.bar(x + (k - 1) * width, meds, width, yerr=[lo, hi], capsize=3, color=COLORS[s],
                          label=SUBJECT_LABELS[s])
            ax.bar_label(bars, fmt="%.0f", fontsize=8, padding=2)
        names = [f"{c['workload']['name']}\n{c['workload']['n_samples']}×{c['workload']['n_features']} "
                 f"{c['workload']['loss'].upper()}" for c in cells]
        ax.set_xticks(x, names)
        ax.set_ylabel("median time per step (µs), 95% CI")
        ax.set_title(f"Seed examples, {MODE_NAMES[mode]}")
        ax.legend(fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
        ax.margins(y=0.15)
    fig.suptitle("Seed examples: one full training step (forward, loss, backward, SGD step, zero_grad)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def _deep_plot(plt: Any, results: dict[str, Any], path: Path) -> bool:
    deep = results.get("deep_chain")
    if not deep:
        return False
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    for s, ser in deep["subjects"].items():
        slope = ser["backward_loglog_slope"]
        slope_big = ser.get("backward_loglog_slope_1000", float("nan"))
        ax1.plot(ser["n"], ser["backward_median_s"], "o-", color=COLORS[s],
                 label=f"{SUBJECT_LABELS[s]} (slope {slope:.2f} for N ≥ 100, {slope_big:.2f} for N ≥ 1000)")
        ax2.plot(ser["n"], [t * 1e6 for t in ser["backward_per_node_s"]], "o-", color=COLORS[s],
                 label=f"{SUBJECT_LABELS[s]} backward")
        ax2.plot(ser["n"], [t * 1e6 for t in ser["forward_per_node_s"]], "s:", color=COLORS[s], alpha=0.6,
                 label=f"{SUBJECT_LABELS[s]} forward (graph building)")
    ns = deep["sizes"]
    ref = deep["subjects"].get("minigrad") or next(iter(deep["subjects"].values()))
    k = ref["backward_median_s"][-1] / ns[-1]
    ax1.plot(ns, [k * n for n in ns], color="gray", lw=0.8, ls="--", label="linear in N (reference)")
    ax1.set(xscale="log", yscale="log", xlabel="N (ops in the chain)", ylabel="median backward time (s)",
            title="Backward time vs chain length")
    ax2.set(xscale="log", xlabel="N (ops in the chain)", ylabel="µs per op", title="Time per op (flat = linear)")
    ax2.set_ylim(bottom=0)
    for ax in (ax1, ax2):
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"Deep chain of elementwise ops ({', '.join(deep['op_cycle'])}), 1 thread")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return True


def make_plots(results: dict[str, Any], out_dir: Path) -> list[str]:
    """Write the PNGs into ``out_dir``; return their file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    if _seeds_plot(plt, results, out_dir / "seeds.png"):
        names.append("seeds.png")
    for dtype in results["config"]["dtypes"]:
        if _time_plot(plt, results, dtype, out_dir / f"step_time_{dtype}.png"):
            names.append(f"step_time_{dtype}.png")
        if _ratio_plot(plt, results, dtype, out_dir / f"ratio_{dtype}.png"):
            names.append(f"ratio_{dtype}.png")
    if _deep_plot(plt, results, out_dir / "deep_chain.png"):
        names.append("deep_chain.png")
    return names
