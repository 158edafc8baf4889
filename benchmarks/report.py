"""Tables (console and Markdown), the targets' verdicts, and the README's results section."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from benchmarks.config import SHORT, SUBJECT_LABELS, TORCH_SKIPPED

__all__ = ["evaluate_targets", "render", "update_readme", "fmt_time", "label", "time_cell", "ratio_cell", "table",
           "meta_lines"]

UNSTABLE = 0.10  # a median whose ~95% CI is wider than ±10% is marked "~"
SEED_FLOOR_LIMIT = 2.0  # seeds: minigrad ≤ 2× the NumPy floor ...
SEED_TORCH_LIMIT = 1.0  # ... and faster than torch eager
LARGE_FLOOR_LIMIT = 1.1  # ≥ 100,000 × 100: minigrad within 1.1× of the floor ...
LARGE_MEMORY_LIMIT = 1.5  # ... and peak memory within 1.5× of the floor's


def fmt_time(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def time_cell(block: dict[str, Any] | None, subject: str) -> str:
    """The median, with "~" when its ~95% CI is wider than ±10%."""
    if block is None or subject not in block["stats"]:
        return "—"
    st = block["stats"][subject]
    (lo, hi), med = st["ci95_s"], st["median_s"]
    return fmt_time(med) + ("" if med > 0 and (hi - lo) / 2 <= UNSTABLE * med else " ~")


def ratio_cell(block: dict[str, Any] | None, key: str) -> str:
    if not block or key not in block.get("ratios", {}):
        return "—"
    return f"{block['ratios'][key]['median']:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b <= 0 else f"{a / b:.2f}"


def label(w: dict[str, Any]) -> str:
    if w["kind"] == "seed":
        return f"{w['name']} ({w['n_samples']}×{w['n_features']} {w['loss'].upper()})"
    return f"{w['loss'].upper()} {w['n_samples']:,}×{w['n_features']:,} {w['dtype'].replace('float', 'f')}"


def _block(cell: dict[str, Any], mode: str, kind: str) -> dict[str, Any] | None:
    block = cell["modes"].get(mode, {}).get(kind)
    return None if block is None or "skipped" in block else block


def _subjects(results: dict[str, Any]) -> list[str]:
    return list(results["config"].get("subjects", ["minigrad", "torch", "numpy"]))


def _timing_table(results: dict[str, Any], kind: str) -> tuple[list[str], list[list[str]]]:
    """One row per workload: each subject's time at 1 thread, minigrad's ratios to the others at 1 thread and
    at default threads, the other engines' time at default threads, CPU/wall (and, for runs, CPU-time ratios)."""
    subjects = _subjects(results)
    others = [s for s in subjects if s != "minigrad"]
    engines = [s for s in others if s != "numpy"]
    header = (["workload", *(SUBJECT_LABELS[s].replace(" eager", "") for s in subjects)]
              + [f"mg/{SHORT[s]}" for s in others] + [f"mg/{SHORT[s]} (dflt)" for s in others]
              + [f"{SHORT[s]} (dflt)" for s in engines] + ["CPU/wall"]
              + ([f"mg/{SHORT[s]} CPU" for s in others] if kind == "run" else []))
    rows = []
    for cell in results["cells"]:
        head, dflt = _block(cell, "1thread", kind), _block(cell, "default", kind)
        if head is None and dflt is None:
            continue
        row = [label(cell["workload"]) + ("" if cell["check"]["ok"] else " (!)")]
        row += [time_cell(head, s) for s in subjects] + [ratio_cell(head, f"minigrad/{s}") for s in others]
        row += [ratio_cell(dflt, f"minigrad/{s}") for s in others] + [time_cell(dflt, s) for s in engines]
        row.append(_busy(head))
        if kind == "run":
            cpu = (head or {}).get("cpu_stats", {})
            row += [_ratio(cpu.get("minigrad", {}).get("median_s"), cpu.get(s, {}).get("median_s")) for s in others]
        rows.append(row)
    return header, rows


def _busy(block: dict[str, Any] | None) -> str:
    """CPU time / wall time of the 1-thread measurement: below ~0.9 the process was descheduled (a loaded
    machine). Per sample for runs (the smallest subject median), per block for steps."""
    if block is None:
        return "—"
    if "cpu_stats" in block:
        return f"{min(block['cpu_stats'][k]['median_s'] / block['stats'][k]['median_s'] for k in block['stats']):.2f}"
    util = block.get("cpu_utilization")
    return "—" if util is None else f"{util:.2f}"


def _memory_table(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    subjects = _subjects(results)
    short = [SHORT[s] for s in subjects]
    header = (["workload", "data MiB", *(f"peak {s}" for s in short), *(f"step {s}" for s in short),
               "mg/floor peak", "mg/floor step"])
    rows = []
    for cell in results["cells"]:
        mem = cell.get("memory")
        if not mem:
            continue
        if any("error" in m for m in mem.values()):
            rows.append([label(cell["workload"])] + ["error"] * (len(header) - 1))
            continue

        def mib(b: int | None) -> str:
            return "—" if b is None else f"{b / 2**20:.2f}"

        tot = {s: m["total_peak_rss_bytes"] for s, m in mem.items()}
        stp = {s: m["step_peak_rss_bytes"] for s, m in mem.items()}
        rows.append([label(cell["workload"]), mib(next(iter(mem.values()))["data_bytes"]),
                     *(mib(tot.get(s)) for s in subjects), *(mib(stp.get(s)) for s in subjects),
                     _ratio(tot.get("minigrad"), tot.get("numpy")), _ratio(stp.get("minigrad"), stp.get("numpy"))])
    return header, rows


def _deep_table(deep: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    subs = deep["subjects"]
    header = ["N ops"] + [c for s in subs for c in (f"{s} backward", "µs/node")]
    rows = [[f"{n:,}"] + [c for s in subs.values() for c in (fmt_time(s["backward_median_s"][i]),
                                                                f"{s['backward_per_node_s'][i] * 1e6:.2f}")]
            for i, n in enumerate(deep["sizes"])]
    for key, text in (("backward_loglog_slope", "log-log slope, N ≥ 100"),
                      ("backward_loglog_slope_1000", "log-log slope, N ≥ 1,000")):
        rows.append([text] + [c for s in subs.values() for c in (f"{s[key]:.3f}", "")])
    return header, rows


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, checked against this run (reported, never asserted)."""
    out = []

    def verdict(name: str, w: dict[str, Any], mode: str, value: float, limit: float, strict: bool = False) -> None:
        met = value < limit if strict else value <= limit
        out.append({"target": name, "workload": w["name"], "mode": mode, "value": value, "limit": limit,
                    "met": bool(met)})

    for cell in results["cells"]:
        w = cell["workload"]
        large = w["kind"] == "sweep" and w["n_samples"] >= 100_000 and w["n_features"] >= 100
        for mode in ("1thread", "default"):
            block = _block(cell, mode, "step")
            if block is None:
                continue
            r = block["ratios"]
            if w["kind"] == "seed":
                verdict(f"{w['name']}: minigrad/floor ≤ {SEED_FLOOR_LIMIT}", w, mode, r["minigrad/numpy"]["median"],
                        SEED_FLOOR_LIMIT)
                if "minigrad/torch" in r:
                    verdict(f"{w['name']}: minigrad faster than torch (mg/torch < 1)", w, mode,
                            r["minigrad/torch"]["median"], SEED_TORCH_LIMIT, strict=True)
            elif large:
                verdict(f"{w['name']}: minigrad/floor ≤ {LARGE_FLOOR_LIMIT}", w, mode, r["minigrad/numpy"]["median"],
                        LARGE_FLOOR_LIMIT)
        mem = cell.get("memory") or {}
        mg, fl = mem.get("minigrad", {}), mem.get("numpy", {})
        if large and mg.get("total_peak_rss_bytes") and fl.get("total_peak_rss_bytes"):
            verdict(f"{w['name']}: peak memory minigrad/floor ≤ {LARGE_MEMORY_LIMIT}", w, "1thread",
                    mg["total_peak_rss_bytes"] / fl["total_peak_rss_bytes"], LARGE_MEMORY_LIMIT)
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
    blas = ", ".join(f"{p['internal_api']} {p.get('version') or ''} ({p.get('prefix')}, {p['num_threads']} thread"
                     + ("" if p["num_threads"] == 1 else "s") + (f", {p['architecture']}" if p.get("architecture")
                                                                  else "") + ")"
                     for p in m["threads_default"]["threadpoolctl"])
    env_set = [k for k, on in m["blas_env"]["set"].items() if on]
    env_vars = m["blas_env"]["variables"]
    return [
        f"machine: {m['cpu_model']}, {m['cpu_count']} CPUs; {m['platform']}",
        f"versions: python {v['python']}, numpy {v['numpy']}, torch {v['torch'] or 'not installed'}, "
        f"minigrad {v['minigrad']}"
        + (f" (git {git.get('commit', '')[:10]}{', uncommitted changes' if git.get('dirty') else ''})"
           if git.get("commit") else ""),
        f"BLAS/OpenMP pools ({pools}): {blas}; torch intra-op threads "
        f"{m['threads_default'].get('torch_num_threads')}",
        "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: " + ("set: " + ", ".join(env_set) if env_set else "not set")
        + (f"; BLAS-related environment: {env_vars}" if env_vars else "; no BLAS-related environment variables"),
        f"load average (1, 5, 15 min): start {m['load_average_start']}, end {m.get('load_average_end')}; "
        f"wall time {m.get('wall_time_s', 0):.0f} s; {m['timestamp_utc']}",
    ]


def render(results: dict[str, Any], markdown: bool = False) -> str:
    """The whole report: metadata, step table, run table, memory, lower bound, deep chain, targets, skipped."""
    out: list[str] = [("- " + s) if markdown else s for s in meta_lines(results["meta"])]
    if "torch" not in _subjects(results):
        out += ["", TORCH_SKIPPED]

    def section(title: str, *intro: str) -> None:
        out.extend(["", f"{'### ' if markdown else '== '}{title}", "", *intro] + ([""] if intro else []))

    section("Time per training step",
            "Medians; 'mg' = minigrad, 'floor' = the hand-written NumPy step; ratios are medians of per-round "
            "ratios (same moment, interleaved). Columns without '(dflt)' are at 1 thread for every library "
            "(the headline); '(dflt)' = every library at its default threads. '~' = the median's 95% CI is wider "
            "than ±10%. CPU/wall = CPU time over wall time at 1 thread (below ~0.9: other processes took the "
            "CPU; whole runs are then inflated more than single steps, whose median avoids preempted samples).")
    out.append(table(*_timing_table(results, "step"), markdown))
    header, rows = _timing_table(results, "run")
    if rows:
        section(f"Time per whole {results['config']['epochs']}-epoch run (loss read every epoch)")
        out.append(table(header, rows, markdown))
    skipped_runs: dict[str, list[str]] = {}
    for c in results["cells"]:
        modes = [m for m, e in c["modes"].items() if "skipped" in e["run"]]
        if modes:
            skipped_runs.setdefault(" and ".join(modes), []).append(c["workload"]["name"])
    for mode_list, names in skipped_runs.items():
        out += ["", f"Whole-run timing skipped (3 runs would exceed the time budget; a run then costs ~100 steps) "
                    f"in mode {mode_list} for: {', '.join(names)}."]
    header, rows = _memory_table(results)
    if rows:
        section("Peak memory (MiB, one process per subject, 1 thread)",
                "'peak' = high-water RSS during steps minus RSS after imports (data + parameters + the step's "
                "temporaries); 'step' = high-water RSS during steps minus RSS just before them (the step's "
                "temporaries alone).")
        out.append(table(header, rows, markdown))
    if results.get("lower_bound"):
        from benchmarks.lower_bound import render_lower_bound

        section("Lower bound: the seeds on the tiny engine (1 thread)")
        out.append(render_lower_bound(results["lower_bound"], markdown))
    d = results.get("deep_chain")
    if d:
        section("Deep chain: backward over N elementwise ops (1 thread)",
                f"ops cycle {', '.join(d['op_cycle'])} on a {d['vector_elements']}-element {d['dtype']} vector; "
                "median backward time; slope of log(time) on log(N), 1.0 = linear.")
        out.append(table(*_deep_table(d), markdown))
    targets = evaluate_targets(results)
    if targets:
        section("Targets (reported, never asserted)")
        rows = [[t["target"], t["mode"], f"{t['value']:.2f}", "met" if t["met"] else "NOT met"] for t in targets]
        out.append(table(["target", "threads", "value", "verdict"], rows, markdown))
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
