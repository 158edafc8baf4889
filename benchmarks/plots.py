"""PNG plots of a run (matplotlib, Agg): time per step vs size, ratios vs size, the seeds, the deep chain."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.config import SUBJECT_LABELS

COLORS = {"minigrad": "tab:blue", "compiled": "tab:cyan", "torch": "tab:red", "torch.compile": "tab:orange",
          "numpy": "tab:green"}
RATIOS = {"minigrad/torch": "tab:red", "minigrad/numpy": "tab:green", "compiled/torch": "tab:orange",
          "compiled/numpy": "tab:olive"}  # the ratio plots' lines
STYLES = {"1thread": "-", "default": "--"}
MODE_NAMES = {"1thread": "1 thread", "default": "default threads"}


def _log_axes(ax: Any, suffix: str = "") -> None:
    """Log-log axes with plain numbers (1, 10, 0.5...) instead of 10^k / 2×10^k labels, of the minor ticks only
    2, 3 and 5 (× powers of ten), so that the axis stays readable."""
    from matplotlib import ticker

    def minor(v: float, _pos: Any) -> str:
        mant = v / 10 ** math.floor(math.log10(v)) if v > 0 else 0.0
        return f"{v:g}{suffix}" if v > 0 and round(mant) in (2, 3, 5) and abs(mant - round(mant)) < 1e-6 else ""

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _pos: f"{v:g}{suffix}"))
    ax.yaxis.set_minor_formatter(ticker.FuncFormatter(minor))


Line = tuple[str, "str | None", Callable[[dict[str, Any]], Any]]  # (label, color, value of a mode's entry)


def _sweep_plot(plt: Any, results: dict[str, Any], dtype: str, lines: list[Line], ylabel: str, title: str,
                ratio: bool) -> Any:
    """One panel per (loss, n_features) of the sweep cells of ``dtype``: x = n_samples, one line per (key,
    thread mode) in ``lines`` = (label, color, value of a mode's entry)."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for c in sorted(results["cells"], key=lambda c: c["workload"]["n_samples"]):
        w = c["workload"]
        if w["kind"] == "sweep" and w["dtype"] == dtype:
            groups.setdefault((w["loss"], w["n_features"]), []).append(c)
    if not groups:
        return None
    losses = [x for x in ("mse", "bce") if any(k[0] == x for k in groups)]
    feats = sorted({k[1] for k in groups})
    fig, axes = plt.subplots(len(losses), len(feats), figsize=(4.2 * len(feats) + 1, 3.6 * len(losses) + 1.2),
                             squeeze=False, sharex=True)
    for i, loss in enumerate(losses):
        for j, d in enumerate(feats):
            ax = axes[i][j]
            for mode in results["config"]["modes"]:
                for text, color, value in lines:
                    pts = [(c["workload"]["n_samples"], v) for c in groups.get((loss, d), [])
                           if mode in c["modes"] and (v := value(c["modes"][mode])) is not None]
                    if pts:  # 1 thread (the headline) bold, default threads light
                        ax.plot(*zip(*pts), STYLES[mode], color=color, label=f"{text} ({MODE_NAMES[mode]})",
                                marker="o", ms=3.5, lw=1.8 if mode == "1thread" else 1.0,
                                alpha=1.0 if mode == "1thread" else 0.6)
            if ratio:
                ax.axhline(1.0, color="black", lw=0.8)
                ax.axhline(1.1, color="gray", lw=0.8, ls=":", label="1.1× (large-size target vs floor)")
                ax.axhline(2.0, color="gray", lw=0.8, ls="-.", label="2× (seed target vs floor)")
            _log_axes(ax, "×" if ratio else "")
            ax.grid(True, which="both" if ratio else "major", alpha=0.25 if ratio else 0.3)
            ax.set_title(f"{'Linear + MSE' if loss == 'mse' else 'Linear + sigmoid + BCE'}, n_features = {d:,}",
                         fontsize=10)
            ax.set(xlabel="n_samples" if i == len(losses) - 1 else "", ylabel=ylabel if j == 0 else "")
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=9, frameon=False)
    fig.suptitle(title, fontsize=12)
    w, h = fig.get_size_inches()  # fixed margins in inches (tight_layout costs seconds on these grids)
    fig.subplots_adjust(left=0.75 / w, right=1 - 0.2 / w, top=1 - 0.75 / h, bottom=(0.75 + 0.44) / h,
                        hspace=0.35, wspace=0.22)
    return fig


def _seeds_plot(plt: Any, results: dict[str, Any], subjects: list[str]) -> Any:
    cells = [c for c in results["cells"] if c["workload"]["kind"] == "seed"]
    if not cells:
        return None
    modes = results["config"]["modes"]
    fig, axes = plt.subplots(1, len(modes), figsize=(6.2 * len(modes), 4.6), squeeze=False)
    for ax, mode in zip(axes[0], modes):
        x = np.arange(len(cells))
        here = [s for s in subjects if all(s in c["modes"][mode]["step"]["stats"] for c in cells)]
        width = 0.78 / len(here)
        for k, s in enumerate(here):
            stats = [c["modes"][mode]["step"]["stats"][s] for c in cells]
            meds = np.array([st["median_s"] for st in stats]) * 1e6
            err = [meds - [st["ci95_s"][0] * 1e6 for st in stats], [st["ci95_s"][1] * 1e6 for st in stats] - meds]
            bars = ax.bar(x + (k - (len(here) - 1) / 2) * width, meds, width, yerr=err, capsize=3,
                          color=COLORS.get(s), label=SUBJECT_LABELS[s])
            ax.bar_label(bars, fmt="%.0f", fontsize=8, padding=2)
        ax.set_xticks(x, [f"{c['workload']['name']}\n{c['workload']['n_samples']}×{c['workload']['n_features']} "
                          f"{c['workload']['loss'].upper()}" for c in cells])
        ax.set(ylabel="median time per step (µs), 95% CI", title=f"Seed examples, {MODE_NAMES[mode]}")
        ax.legend(fontsize=9)
        ax.grid(True, axis="y", alpha=0.3)
        ax.margins(y=0.15)
    fig.suptitle("Seed examples: one full training step (forward, loss, backward, SGD step, zero_grad)")
    fig.tight_layout()
    return fig


def _deep_plot(plt: Any, results: dict[str, Any]) -> Any:
    deep = results.get("deep_chain")
    if not deep:
        return None
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    for s, ser in deep["subjects"].items():
        name, color = SUBJECT_LABELS.get(s, s), COLORS.get(s)
        ax1.plot(ser["n"], ser["backward_median_s"], "o-", color=color,
                 label=f"{name} (slope {ser['backward_loglog_slope']:.2f} for N ≥ 100, "
                       f"{ser.get('backward_loglog_slope_1000', float('nan')):.2f} for N ≥ 1000)")
        ax2.plot(ser["n"], [t * 1e6 for t in ser["backward_per_node_s"]], "o-", color=color, label=f"{name} backward")
        ax2.plot(ser["n"], [t * 1e6 for t in ser["forward_per_node_s"]], "s:", color=color, alpha=0.6,
                 label=f"{name} forward (graph building)")
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
    return fig


def make_plots(results: dict[str, Any], out_dir: Path) -> list[str]:
    """Write the PNGs into ``out_dir``; return their file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    subjects = list(results["config"]["subjects"])

    def stat(s: str) -> Callable[[dict[str, Any]], Any]:
        return lambda e: e["step"]["stats"][s]["median_s"] * 1e3 if s in e["step"]["stats"] else None

    def ratio(k: str) -> Callable[[dict[str, Any]], Any]:
        return lambda e: e["step"]["ratios"][k]["median"] if k in e["step"]["ratios"] else None

    times: list[Line] = [(SUBJECT_LABELS[s], COLORS.get(s), stat(s)) for s in subjects]
    ratios: list[Line] = [(" / ".join(SUBJECT_LABELS[s] for s in k.split("/")), c, ratio(k))
                          for k, c in RATIOS.items() if all(s in subjects for s in k.split("/"))]
    figs = {"seeds.png": _seeds_plot(plt, results, subjects)}
    for dtype in results["config"]["dtypes"]:
        figs[f"step_time_{dtype}.png"] = _sweep_plot(
            plt, results, dtype, times, "median time per step (ms)", f"Time per training step vs problem size "
            f"({dtype}) — solid: every library at 1 thread; dashed: default threads", ratio=False)
        figs[f"ratio_{dtype}.png"] = _sweep_plot(
            plt, results, dtype, ratios, "time ratio (below 1: minigrad faster)", f"minigrad's time per step (eager "
            f"and compiled) relative to torch eager and to the NumPy floor ({dtype}), pairwise per round", ratio=True)
    figs["deep_chain.png"] = _deep_plot(plt, results)
    for name, fig in figs.items():
        if fig is not None:
            fig.savefig(out_dir / name, dpi=90)
            plt.close(fig)
    return [name for name, fig in figs.items() if fig is not None]
