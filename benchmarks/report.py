"""Tables (console and Markdown), the targets' verdicts, the README's results section and the PNG plots."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.config import LB_RATIOS, LB_SUBJECTS, SHORT, SUBJECT_LABELS, TC_OFF, TORCH_SKIPPED, ratio_pairs

UNSTABLE = 0.10  # a median whose ~95% CI is wider than ±10% is marked "~"
# The issues' targets (reported, never asserted): (ratio, limit, strict, text) per kind of workload
SEED_TARGETS = (("minigrad/numpy", 2.0, False, "minigrad/floor ≤ 2.0"),
                ("minigrad/torch", 1.0, True, "minigrad faster than torch (mg/torch < 1)"),
                ("compiled/numpy", 1.3, False, "compiled/floor ≤ 1.3"),
                ("compiled/torch", 1.0, True, "compiled faster than torch (comp/torch < 1)"),
                ("compiled/torch.compile", 1.0, True, "compiled faster than torch.compile (comp/tc < 1)"))
LARGE_TARGETS = (("minigrad/numpy", 1.1, False, "minigrad/floor ≤ 1.1"),  # ≥ 100,000 × 100
                 ("compiled/numpy", 1.05, False, "compiled/floor ≤ 1.05"))
MEMORY_TARGETS = (("minigrad", "numpy", 1.5, "peak memory minigrad/floor ≤ 1.5", False),  # (large only)
                  ("compiled", "minigrad", 1.0, "peak memory compiled/minigrad ≤ 1.0", True))  # (seeds too)
DASH = "—"
BESIDE = ("minigrad/torch", "minigrad/numpy", "compiled/numpy", "compiled/torch")  # (dflt) and CPU ratios
LEGEND = {"minigrad": "minigrad", "compiled": "minigrad compiled (`minigrad.compile` of the same step)",
          "torch.compile": "torch.compile (inductor)", "numpy": "the hand-written NumPy step"}
TC_WHERE = (" (torch.compile: at 1 thread only and, in the sweep, only at n×d = {}: it compiles for tens of seconds "
            "per workload)")
Table = tuple[list[str], list[list[str]]]  # (header, rows)


def fmt_time(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return DASH
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def summary(block: dict[str, Any], ratios: tuple[str, ...] = ("",)) -> str:
    """A timed block's medians and its ratios starting with one of ``ratios``, on one line (the progress log)."""
    return (" ".join(f"{k} {fmt_time(v['median_s'])}" for k, v in block["stats"].items()) + "  "
            + " ".join(f"{k} {v['median']:.2f}" for k, v in block["ratios"].items() if k.startswith(ratios)))


def time_cell(block: dict[str, Any] | None, subject: str) -> str:
    """The median, with "~" when its ~95% CI is wider than ±10%."""
    if block is None or subject not in block["stats"]:
        return DASH
    st = block["stats"][subject]
    (lo, hi), med = st["ci95_s"], st["median_s"]
    return fmt_time(med) + ("" if med > 0 and (hi - lo) / 2 <= UNSTABLE * med else " ~")


def ratio_cell(block: dict[str, Any] | None, key: str) -> str:
    return f"{block['ratios'][key]['median']:.2f}" if block and key in block.get("ratios", {}) else DASH


def _ratio(a: float | None, b: float | None) -> str:  # a/b of two recorded numbers
    return DASH if a is None or b is None or b <= 0 else f"{a / b:.2f}"


def label(w: dict[str, Any], ok: bool = True) -> str:
    """A workload's row name, marked "(!)" when its subjects disagree."""
    if w["kind"] == "seed":
        text = f"{w['name']} ({w['n_samples']}×{w['n_features']} {w['loss'].upper()})"
    else:
        text = f"{w['loss'].upper()} {w['n_samples']:,}×{w['n_features']:,} {w['dtype'].replace('float', 'f')}"
    return text + ("" if ok else " (!)")


def _block(cell: dict[str, Any], mode: str, kind: str) -> dict[str, Any] | None:
    block = cell["modes"].get(mode, {}).get(kind)
    return None if block is None or "skipped" in block else block


def _short(key: str) -> str:
    return "/".join(SHORT[s] for s in key.split("/"))


def _drop_empty(header: list[str], rows: list[list[str]]) -> Table:
    """Without the columns that are empty in every row (a subject that ran nowhere in this mode)."""
    keep = [i for i in range(len(header)) if i == 0 or not rows or any(r[i] != DASH for r in rows)]
    return [header[i] for i in keep], [[r[i] for i in keep] for r in rows]


def _busy(block: dict[str, Any] | None) -> str:
    """CPU time / wall time (runs: the smallest subject median of per-sample values; steps: the block's)."""
    if block is None:
        return DASH
    if "cpu_stats" in block:
        return f"{min(block['cpu_stats'][k]['median_s'] / block['stats'][k]['median_s'] for k in block['stats']):.2f}"
    return _ratio(block["block_cpu_s"], block["block_wall_s"])


def _timing_table(results: dict[str, Any], kind: str) -> Table:
    """One row per workload: times and ratios at 1 thread, at default threads, CPU/wall (runs: CPU-time ratios)."""
    subjects = results["config"]["subjects"]
    ratios = [f"{a}/{b}" for a, b in ratio_pairs(subjects) if (a, b) != ("torch", "numpy")]
    dflt = [k for k in ratios if k in BESIDE]  # at default threads, and CPU-time ratios of runs
    cpu_ratios, engines = dflt if kind == "run" else [], [s for s in ("torch",) if s in subjects]
    header = (["workload", *(SUBJECT_LABELS[s].replace(" eager", "") for s in subjects)]
              + [_short(k) for k in ratios] + [f"{_short(k)} (dflt)" for k in dflt]
              + [f"{SHORT[s]} (dflt)" for s in engines] + ["CPU/wall"] + [f"{_short(k)} CPU" for k in cpu_ratios])
    rows = []
    for cell in results["cells"]:
        head, other = _block(cell, "1thread", kind), _block(cell, "default", kind)
        if head is None and other is None:
            continue
        cpu = (head or {}).get("cpu_stats", {})
        rows.append([label(cell["workload"], cell["check"]["ok"]),
                     *(time_cell(head, s) for s in subjects), *(ratio_cell(head, k) for k in ratios),
                     *(ratio_cell(other, k) for k in dflt), *(time_cell(other, s) for s in engines), _busy(head),
                     *(_ratio(*(cpu.get(s, {}).get("median_s") for s in k.split("/"))) for k in cpu_ratios)])
    return _drop_empty(header, rows)


def _memory_table(results: dict[str, Any]) -> Table:
    subjects = [s for s in results["config"]["subjects"] if any(s in c.get("memory", {}) for c in results["cells"])]
    pairs = [(a, b) for a, b, *_ in MEMORY_TARGETS]
    header = ["workload", "data MiB", *(f"{k} {SHORT[s]}" for k in ("peak", "step") for s in subjects),
              *(f"{SHORT[a]}/{SHORT[b]} {k}" for a, b in pairs for k in ("peak", "step"))]
    rows, mib = [], lambda n: DASH if n is None else f"{n / 2**20:.2f}"
    for cell in (c for c in results["cells"] if c.get("memory")):
        mem = cell["memory"]
        if any("error" in m for m in mem.values()):
            rows.append([label(cell["workload"])] + ["error"] * (len(header) - 1))
            continue
        tot, stp = ({s: m[key] for s, m in mem.items()} for key in ("total_peak_rss_bytes", "step_peak_rss_bytes"))
        rows.append([label(cell["workload"]), mib(next(iter(mem.values()))["data_bytes"]),
                     *(mib(d.get(s)) for d in (tot, stp) for s in subjects),
                     *(_ratio(d.get(a), d.get(b)) for a, b in pairs for d in (tot, stp))])
    return _drop_empty(header, rows)


def _deep_table(deep: dict[str, Any]) -> Table:
    subs = deep["subjects"].values()
    header = ["N ops"] + [c for s in deep["subjects"] for c in (f"{s} backward", "µs/node")]
    rows = [[f"{n:,}"] + [c for s in subs for c in (fmt_time(s["backward_median_s"][i]),
                                                     f"{s['backward_per_node_s'][i] * 1e6:.2f}")]
            for i, n in enumerate(deep["sizes"])]
    for key, text in (("backward_loglog_slope", "log-log slope, N ≥ 100"),
                      ("backward_loglog_slope_1000", "log-log slope, N ≥ 1,000")):
        rows.append([text] + [c for s in subs for c in (f"{s[key]:.3f}", "")])
    return header, rows


def _compile_table(results: dict[str, Any]) -> Table:
    """The compiled subjects' first call (capture or compilation) and warm-up, at 1 thread, per workload."""
    names = [s for s in ("compiled", "torch.compile") if s in results["config"]["subjects"]]
    header = ["workload", *(f"{SUBJECT_LABELS[s]} {k}" for s in names for k in ("first call", "warm-up"))]
    rows = [[label(c["workload"]), *(fmt_time(c["notes"].get("1thread", {}).get(s, {}).get(k)) for s in names
                                     for k in ("compile_s", "warmup_s"))] for c in results["cells"]]
    return _drop_empty(header, rows)


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issues' targets, checked against this run (reported, never asserted)."""
    out = []

    def verdict(text: str, w: dict[str, Any], mode: str, value: float, limit: float, strict: bool) -> None:
        out.append({"target": f"{w['name']}: {text}", "workload": w["name"], "mode": mode, "value": value,
                    "limit": limit, "met": bool(value < limit if strict else value <= limit)})

    for cell in results["cells"]:
        w = cell["workload"]
        large = w["kind"] == "sweep" and w["n_samples"] >= 100_000 and w["n_features"] >= 100
        for mode in ("1thread", "default"):
            block = _block(cell, mode, "step")
            for key, limit, strict, text in (SEED_TARGETS if w["kind"] == "seed" else LARGE_TARGETS if large else ()):
                if block is not None and key in block["ratios"]:
                    verdict(text, w, mode, block["ratios"][key]["median"], limit, strict)
        mem = cell.get("memory") or {}
        for a, b, limit, text, seeds_too in MEMORY_TARGETS:
            pa, pb = (mem.get(s, {}).get("total_peak_rss_bytes") for s in (a, b))
            if (large or (seeds_too and w["kind"] == "seed")) and pa and pb:
                verdict(text, w, "1thread", pa / pb, limit, False)
    return out


# --------------------------------------------------------------------------------------------- rendering
def table(header: list[str], rows: list[list[str]], markdown: bool = False) -> str:
    """A Markdown table, or plain columns (the first left-aligned, the rest right-aligned)."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
        return "\n".join(lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).rjust(widths[i]) if i else str(c).ljust(widths[i]) for i, c in enumerate(r))
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * wd for wd in widths))
    return "\n".join(lines)


def meta_lines(m: dict[str, Any], pools: str = "threadpoolctl, default") -> list[str]:
    """What the numbers were measured with (``env.collect_metadata``), one line per topic."""
    v, git = m["versions"], m.get("git") or {}
    pools_text = ", ".join(f"{p['internal_api']} {p.get('version') or ''} ({p.get('prefix')}, {p['num_threads']} thread"
                           + ("" if p["num_threads"] == 1 else "s")
                           + (f", {p['architecture']}" if p.get("architecture") else "") + ")"
                           for p in m["threads_default"]["threadpoolctl"])
    env_set = [k for k, on in m["blas_env"]["set"].items() if on]
    env_vars = m["blas_env"]["variables"]
    commit = (f" (git {git.get('commit', '')[:10]}{', uncommitted changes' if git.get('dirty') else ''})"
              if git.get("commit") else "")
    return [
        f"machine: {m['cpu_model']}, {m['cpu_count']} CPUs; {m['platform']}",
        f"versions: python {v['python']}, numpy {v['numpy']}, torch {v['torch'] or 'not installed'}, "
        f"minigrad {v['minigrad']}{commit}",
        f"BLAS/OpenMP pools ({pools}): {pools_text}; torch intra-op threads "
        f"{m['threads_default'].get('torch_num_threads')}",
        "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: " + ("set: " + ", ".join(env_set) if env_set else "not set")
        + (f"; BLAS-related environment: {env_vars}" if env_vars else "; no BLAS-related environment variables"),
        f"load average (1, 5, 15 min): start {m['load_average_start']}, end {m.get('load_average_end')}; "
        f"wall time {m.get('wall_time_s', 0):.0f} s; {m['timestamp_utc']}",
    ]


def render_lower_bound(res: dict[str, Any], markdown: bool = False) -> str:
    """The lower-bound table (medians; ratios are medians of per-round ratios), with a caption."""
    rows = [[label(c["workload"], c["check"]["ok"]), *(time_cell(c["step"], k) for k in LB_SUBJECTS),
             *(ratio_cell(c["step"], f"{a}/{d}") for a, d in LB_RATIOS), _busy(c["step"])] for c in res["cells"]]
    caption = ("Every library at 1 thread, interleaved and sampled in bursts as the step table, each sample "
               "starting from the seed's initial parameters; 'tiny' = the tiny engine (`docs/tiny_engine.py`), "
               "torch's graph node for node with minigrad's NumPy calls and no bookkeeping: tiny/floor is what "
               "the graph itself costs, mg/tiny what minigrad adds to it. '(!)' = the tiny engine's losses, "
               "parameters or graph differ from minigrad's. "
               f"Load average {res['load_average_start']} at start, {res['load_average_end']} at end; "
               f"{res['timestamp_utc']}.")
    header = ["workload", "NumPy floor", "tiny engine", "minigrad", "tiny/floor", "mg/floor", "mg/tiny", "CPU/wall"]
    return "\n".join([caption, "", table(header, rows, markdown)])


def render(results: dict[str, Any], markdown: bool = False) -> str:
    """The whole report: metadata, then a section per measurement, the targets and what was skipped."""
    out: list[str] = [("- " + s) if markdown else s for s in meta_lines(results["meta"])]
    subjects = results["config"]["subjects"]
    if "torch" not in subjects:
        out += ["", TORCH_SKIPPED]
    elif "torch.compile" not in subjects:
        out += ["", TC_OFF]
    out += [f"\n{name} skipped: {why}" for name, why in results["unavailable"].items()]

    def section(title: str, *intro: str, rows: Table | None = None, optional: bool = True) -> None:
        """A titled section; ``optional`` ones with no rows (or no column beside the first) are left out."""
        if rows is not None and optional and not (rows[1] and len(rows[0]) > 1):
            return
        out.extend(["", f"{'### ' if markdown else '== '}{title}", "", *intro] + ([""] if intro else []))
        if rows is not None:
            out.append(table(*rows, markdown))

    tc_where = (TC_WHERE.format(", ".join(results["config"]["torch_compile_sweep"]))
                if "torch.compile" in subjects else "")
    section("Time per training step",
            "Medians; " + ", ".join(f"'{SHORT[s]}' = {LEGEND[s]}" for s in subjects if s in LEGEND) + tc_where
            + "; ratios are medians of per-round ratios (same moment, interleaved). Columns without '(dflt)' are "
            "at 1 thread for every library (the headline); '(dflt)' = every library at its default threads. '~' = "
            "the median's 95% CI is wider than ±10%. CPU/wall = CPU time over wall time at 1 thread (below ~0.9: "
            "other processes took the CPU; whole runs are then inflated more than single steps, whose median avoids "
            "preempted samples).",
            rows=_timing_table(results, "step"), optional=False)
    section(f"Time per whole {results['config']['epochs']}-epoch run (loss read every epoch)",
            rows=_timing_table(results, "run"))
    skipped_runs: dict[str, list[str]] = {}
    for c in results["cells"]:
        if modes := [m for m, e in c["modes"].items() if "skipped" in e["run"]]:
            skipped_runs.setdefault(" and ".join(modes), []).append(c["workload"]["name"])
    out += [f"\nWhole-run timing skipped (3 runs would exceed the time budget; a run then costs ~100 steps) in mode "
            f"{modes} for: {', '.join(names)}." for modes, names in skipped_runs.items()]
    section("Compilation (first call, outside the timings; 1 thread)",
            "'first call' = the call that captures (minigrad.compile) or compiles (torch.compile); 'warm-up' = "
            "it and the untimed calls after it.", rows=_compile_table(results))
    section("Peak memory (MiB, one process per subject, 1 thread)",
            "'peak' = high-water RSS during steps minus RSS after imports (data + parameters + the step's "
            "temporaries); 'step' = high-water RSS during steps minus RSS just before them (the step's "
            "temporaries alone). torch.compile's is not measured (each process would compile anew).",
            rows=_memory_table(results))
    if results.get("lower_bound"):
        section("Lower bound: the seeds on the tiny engine (1 thread)")
        out.append(render_lower_bound(results["lower_bound"], markdown))
    d = results.get("deep_chain")
    if d:
        section("Deep chain: backward over N elementwise ops (1 thread)",
                f"ops cycle {', '.join(d['op_cycle'])} on a {d['vector_elements']}-element {d['dtype']} vector; "
                "median backward time; slope of log(time) on log(N), 1.0 = linear.", rows=_deep_table(d))
    section("Targets (reported, never asserted)", rows=(["target", "threads", "value", "verdict"], [
        [t["target"], t["mode"], f"{t['value']:.2f}", "met" if t["met"] else "NOT met"]
        for t in evaluate_targets(results)]))
    bad = [c["workload"]["name"] for c in results["cells"] if not c["check"]["ok"]]
    if bad:
        out += ["", f"WARNING: subjects disagree on {', '.join(bad)} (see 'check' in the JSON)."]
    if results["skipped"]:
        section("Skipped")
        out += [("- " if markdown else "") + f"{s['workload']['name']}: {s['reason']}" for s in results["skipped"]]
    return "\n".join(out)


BEGIN, END = "<!-- BEGIN RESULTS (written by the benchmark) -->", "<!-- END RESULTS -->"


def update_readme(readme: Path, results: dict[str, Any], plot_names: list[str]) -> bool:
    """Replace the README's results section (between the markers) with this run's tables and plots."""
    text = readme.read_text() if readme.exists() else ""
    if BEGIN not in text or END not in text:
        return False
    images = "\n\n".join(f"![{name}](results/{name})" for name in plot_names)
    section = f"{BEGIN}\n\n{render(results, markdown=True)}\n\n{images}\n\n{END}"
    readme.write_text(re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _m: section, text, flags=re.S))
    return True


# --------------------------------------------------------------------------------------------- plots
COLORS = {"minigrad": "tab:blue", "compiled": "tab:cyan", "torch": "tab:red", "torch.compile": "tab:orange",
          "numpy": "tab:green"}
RATIO_COLORS = {"minigrad/torch": "tab:red", "minigrad/numpy": "tab:green", "compiled/torch": "tab:orange",
                "compiled/numpy": "tab:olive"}  # the ratio plots' lines
STYLES = {"1thread": "-", "default": "--"}
MODE_NAMES = {"1thread": "1 thread", "default": "default threads"}


def _log_axes(ax: Any, suffix: str = "") -> None:
    """Log-log axes labelled with plain numbers (1, 10, 0.5...), of the minor ticks only 2, 3 and 5 × 10^k."""
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


Line = tuple[str, "str | None", str]  # (label, color, subject or ratio key)


def _sweep_plot(plt: Any, results: dict[str, Any], dtype: str, lines: list[Line], ylabel: str, title: str,
                ratio: bool) -> Any:
    """One panel per (loss, n_features) of the sweep cells of ``dtype``: x = n_samples, a line per (line, mode)."""
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
                for text, color, key in lines:
                    found = [(c["workload"]["n_samples"], c["modes"][mode]["step"]["ratios" if ratio else "stats"])
                             for c in groups.get((loss, d), []) if mode in c["modes"]]
                    pts = [(n, v[key]["median"] if ratio else v[key]["median_s"] * 1e3) for n, v in found if key in v]
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
                       f"{ser['backward_loglog_slope_1000']:.2f} for N ≥ 1000)")
        ax2.plot(ser["n"], [t * 1e6 for t in ser["backward_per_node_s"]], "o-", color=color, label=f"{name} backward")
        ax2.plot(ser["n"], [t * 1e6 for t in ser["forward_per_node_s"]], "s:", color=color, alpha=0.6,
                 label=f"{name} forward (graph building)")
    ns = deep["sizes"]
    ref = deep["subjects"]["minigrad"]
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

    times: list[Line] = [(SUBJECT_LABELS[s], COLORS.get(s), s) for s in subjects]
    ratios: list[Line] = [(" / ".join(SUBJECT_LABELS[s] for s in k.split("/")), c, k)
                          for k, c in RATIO_COLORS.items() if all(s in subjects for s in k.split("/"))]
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
