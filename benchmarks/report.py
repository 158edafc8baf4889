"""Tables (console and Markdown), the targets' verdicts, and the README's results section."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

__all__ = ["evaluate_targets", "render", "update_readme", "fmt_time"]

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
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def _mib(b: int | None) -> str:
    return "—" if b is None else f"{b / 2**20:.2f}"


def _stable(stat: dict[str, Any]) -> bool:
    lo, hi = stat["ci95_s"]
    med = stat["median_s"]
    return med > 0 and (hi - lo) / 2 <= UNSTABLE * med


def _t(block: dict[str, Any], subject: str) -> str:
    st = block["stats"][subject]
    return fmt_time(st["median_s"]) + ("" if _stable(st) else " ~")


def _r(block: dict[str, Any] | None, key: str) -> str:
    if not block or "ratios" not in block:
        return "—"
    return f"{block['ratios'][key]['median']:.2f}"


def _label(w: dict[str, Any]) -> str:
    if w["kind"] == "seed":
        return f"{w['name']} ({w['n_samples']}×{w['n_features']} {w['loss'].upper()})"
    return f"{w['loss'].upper()} {w['n_samples']:,}×{w['n_features']:,} {w['dtype'].replace('float', 'f')}"


def _block(cell: dict[str, Any], mode: str, kind: str) -> dict[str, Any] | None:
    entry = cell["modes"].get(mode)
    if entry is None:
        return None
    block = entry[kind]
    return None if "skipped" in block else block


def _timing_rows(results: dict[str, Any], kind: str) -> list[list[str]]:
    rows = []
    for cell in results["cells"]:
        head = _block(cell, "1thread", kind)
        dflt = _block(cell, "default", kind)
        if head is None and dflt is None:
            continue
        row = [_label(cell["workload"])]
        if head is not None:
            row += [_t(head, "minigrad"), _t(head, "torch"), _t(head, "numpy"),
                    _r(head, "minigrad/torch"), _r(head, "minigrad/numpy")]
        else:
            row += ["—"] * 5
        row += [_r(dflt, "minigrad/torch"), _r(dflt, "minigrad/numpy")]
        row += [_t(dflt, "torch") if dflt is not None else "—", _busy(head)]
        if kind == "run":
            row += [_cpu_ratio(head, "minigrad", "torch"), _cpu_ratio(head, "minigrad", "numpy")]
        if not cell["check"]["ok"]:
            row[0] += " (!)"
        rows.append(row)
    return rows


TIMING_HEADER = ["workload", "minigrad", "torch", "NumPy floor", "mg/torch", "mg/floor",
                 "mg/torch (dflt)", "mg/floor (dflt)", "torch (dflt)", "CPU/wall"]


RUN_HEADER = [*TIMING_HEADER, "mg/torch CPU", "mg/floor CPU"]


def _cpu_ratio(block: dict[str, Any] | None, a: str, b: str) -> str:
    """Ratio of the median CPU times of whole runs (1 thread): insensitive to time the process spent
    descheduled, which inflates long wall-clock samples on a loaded machine."""
    if block is None or "cpu_stats" not in block:
        return "—"
    return f"{block['cpu_stats'][a]['median_s'] / block['cpu_stats'][b]['median_s']:.2f}"


def _busy(block: dict[str, Any] | None) -> str:
    """CPU time / wall time of the 1-thread measurement: below ~0.9 the process was descheduled (a loaded
    machine). Per sample for runs (the smallest subject median), per block for steps."""
    if block is None:
        return "—"
    if "cpu_stats" in block:
        vals = [block["cpu_stats"][k]["median_s"] / block["stats"][k]["median_s"] for k in block["stats"]]
        return f"{min(vals):.2f}"
    util = block.get("cpu_utilization")
    return "—" if util is None else f"{util:.2f}"


def _memory_rows(results: dict[str, Any]) -> list[list[str]]:
    rows = []
    for cell in results["cells"]:
        mem = cell.get("memory")
        if not mem:
            continue
        if any("error" in m for m in mem.values()):
            rows.append([_label(cell["workload"])] + ["error"] * 8)
            continue
        data = next(iter(mem.values()))["data_bytes"]
        tot = {s: m["total_peak_rss_bytes"] for s, m in mem.items()}
        stp = {s: m["step_peak_rss_bytes"] for s, m in mem.items()}
        ratio_tot = _safe_ratio(tot.get("minigrad"), tot.get("numpy"))
        ratio_step = _safe_ratio(stp.get("minigrad"), stp.get("numpy"))
        rows.append([_label(cell["workload"]), _mib(data), _mib(tot.get("minigrad")), _mib(tot.get("torch")),
                     _mib(tot.get("numpy")), _mib(stp.get("minigrad")), _mib(stp.get("torch")),
                     _mib(stp.get("numpy")), ratio_tot, ratio_step])
    return rows


MEMORY_HEADER = ["workload", "data MiB", "peak mg", "peak torch", "peak floor", "step mg", "step torch",
                 "step floor", "mg/floor peak", "mg/floor step"]


def _safe_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0:
        return "—"
    return f"{a / b:.2f}"


def _deep_rows(results: dict[str, Any]) -> list[list[str]]:
    deep = results.get("deep_chain")
    if not deep:
        return []
    subs = deep["subjects"]
    rows = []
    for i, n in enumerate(deep["sizes"]):
        row = [f"{n:,}"]
        for s in ("minigrad", "torch"):
            if s in subs:
                row += [fmt_time(subs[s]["backward_median_s"][i]), f"{subs[s]['backward_per_node_s'][i] * 1e6:.2f}"]
        rows.append(row)
    for key, label in (("backward_loglog_slope", "log-log slope, N ≥ 100"),
                       ("backward_loglog_slope_1000", "log-log slope, N ≥ 1,000")):
        slope = [label]
        for s in ("minigrad", "torch"):
            if s in subs and key in subs[s]:
                slope += [f"{subs[s][key]:.3f}", ""]
        rows.append(slope)
    return rows


DEEP_HEADER = ["N ops", "minigrad backward", "µs/node", "torch backward", "µs/node"]


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, checked against this run (reported, never asserted)."""
    out = []
    for cell in results["cells"]:
        w = cell["workload"]
        for mode in ("1thread", "default"):
            block = _block(cell, mode, "step")
            if block is None:
                continue
            r = block["ratios"]
            if w["kind"] == "seed":
                out.append(_verdict(f"{w['name']}: minigrad/floor ≤ {SEED_FLOOR_LIMIT}", w, mode,
                                    r["minigrad/numpy"]["median"], SEED_FLOOR_LIMIT))
                out.append(_verdict(f"{w['name']}: minigrad faster than torch (mg/torch < 1)", w, mode,
                                    r["minigrad/torch"]["median"], SEED_TORCH_LIMIT, strict=True))
            elif w["n_samples"] >= 100_000 and w["n_features"] >= 100:
                out.append(_verdict(f"{w['name']}: minigrad/floor ≤ {LARGE_FLOOR_LIMIT}", w, mode,
                                    r["minigrad/numpy"]["median"], LARGE_FLOOR_LIMIT))
        mem = cell.get("memory")
        if mem and w["kind"] == "sweep" and w["n_samples"] >= 100_000 and w["n_features"] >= 100:
            mg, fl = mem.get("minigrad", {}), mem.get("numpy", {})
            if mg.get("total_peak_rss_bytes") and fl.get("total_peak_rss_bytes"):
                out.append(_verdict(f"{w['name']}: peak memory minigrad/floor ≤ {LARGE_MEMORY_LIMIT}", w, "1thread",
                                    mg["total_peak_rss_bytes"] / fl["total_peak_rss_bytes"], LARGE_MEMORY_LIMIT))
    return out


def _verdict(name: str, w: dict[str, Any], mode: str, value: float, limit: float,
             strict: bool = False) -> dict[str, Any]:
    met = value < limit if strict else value <= limit
    return {"target": name, "workload": w["name"], "mode": mode, "value": value, "limit": limit, "met": bool(met)}


# --------------------------------------------------------------------------------------------- rendering
def _plain(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).rjust(widths[i]) if i else str(c).ljust(widths[i]) for i, c in enumerate(r))
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * wd for wd in widths))
    return "\n".join(lines)


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _meta_lines(results: dict[str, Any]) -> list[str]:
    m = results["meta"]
    v = m["versions"]
    pools = m["threads_default"]["threadpoolctl"]
    blas = ", ".join(f"{p['internal_api']} {p.get('version') or ''} ({p.get('prefix')}, {p['num_threads']} threads"
                     + (f", {p['architecture']}" if p.get("architecture") else "") + ")" for p in pools)
    env_set = [k for k, on in m["blas_env"]["set"].items() if on]
    env_vars = m["blas_env"]["variables"]
    git = m.get("git") or {}
    return [
        f"machine: {m['cpu_model']}, {m['cpu_count']} CPUs; {m['platform']}",
        f"versions: python {v['python']}, numpy {v['numpy']}, torch {v['torch']}, minigrad {v['minigrad']}"
        + (f" (git {git.get('commit', '')[:10]}{', uncommitted changes' if git.get('dirty') else ''})"
           if git.get("commit") else ""),
        f"BLAS/OpenMP pools (threadpoolctl, default): {blas}; torch intra-op threads "
        f"{m['threads_default'].get('torch_num_threads')}",
        "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: "
        + ("set: " + ", ".join(env_set) if env_set else "not set")
        + (f"; BLAS-related environment: {env_vars}" if env_vars else "; no BLAS-related environment variables"),
        f"load average (1, 5, 15 min): start {m['load_average_start']}, end {m.get('load_average_end')}; "
        f"wall time {m.get('wall_time_s', 0):.0f} s; {m['timestamp_utc']}",
    ]


def render(results: dict[str, Any], markdown: bool = False) -> str:
    """The whole report: metadata, step table, run table, memory, lower bound, deep chain, targets, skipped."""
    table = _markdown if markdown else _plain
    out: list[str] = []
    meta = _meta_lines(results)
    out += [("- " + s) if markdown else s for s in meta]
    out.append("")
    ep = results["config"]["epochs"]
    note = ("Medians; 'mg' = minigrad, 'floor' = the hand-written NumPy step; ratios are medians of per-round "
            "ratios (same moment, interleaved). Columns without '(dflt)' are at 1 thread for every library "
            "(the headline); '(dflt)' = every library at its default threads. '~' = the median's 95% CI is wider "
            "than ±10%. CPU/wall = CPU time over wall time at 1 thread (below ~0.9: other processes took the "
            "CPU; whole runs are then inflated more than single steps, whose median avoids preempted samples).")
    out += [f"{'### ' if markdown else '== '}Time per training step", "", note, ""]
    out.append(table(TIMING_HEADER, _timing_rows(results, "step")))
    run_rows = _timing_rows(results, "run")
    if run_rows:
        out += ["", f"{'### ' if markdown else '== '}Time per whole {ep}-epoch run (loss read every epoch)", ""]
        out.append(table(RUN_HEADER, run_rows))
    skipped_runs = {}
    for c in results["cells"]:
        modes = [m for m, e in c["modes"].items() if "skipped" in e["run"]]
        if modes:
            skipped_runs.setdefault(" and ".join(modes), []).append(c["workload"]["name"])
    for modes, names in skipped_runs.items():
        out += ["", f"Whole-run timing skipped (3 runs would exceed the time budget; a run then costs ~100 steps) "
                    f"in mode {modes} for: {', '.join(names)}."]
    mem_rows = _memory_rows(results)
    if mem_rows:
        out += ["", f"{'### ' if markdown else '== '}Peak memory (MiB, one process per subject, 1 thread)", "",
                "'peak' = high-water RSS during steps minus RSS after imports (data + parameters + the step's "
                "temporaries); 'step' = high-water RSS during steps minus RSS just before them (the step's "
                "temporaries alone).", ""]
        out.append(table(MEMORY_HEADER, mem_rows))
    if results.get("lower_bound"):
        from benchmarks.lower_bound_bench import render_lower_bound

        out += ["", f"{'### ' if markdown else '== '}Lower bound: the seeds on a bare engine (1 thread)", ""]
        out.append(render_lower_bound(results["lower_bound"], markdown))
    deep_rows = _deep_rows(results)
    if deep_rows:
        d = results["deep_chain"]
        out += ["", f"{'### ' if markdown else '== '}Deep chain: backward over N elementwise ops (1 thread)", "",
                f"ops cycle {', '.join(d['op_cycle'])} on a {d['vector_elements']}-element {d['dtype']} vector; "
                "median backward time; slope of log(time) on log(N), 1.0 = linear.", ""]
        out.append(table(DEEP_HEADER, deep_rows))
    targets = evaluate_targets(results)
    if targets:
        out += ["", f"{'### ' if markdown else '== '}Targets (reported, never asserted)", ""]
        rows = [[t["target"], t["mode"], f"{t['value']:.2f}", "met" if t["met"] else "NOT met"] for t in targets]
        out.append(table(["target", "threads", "value", "verdict"], rows))
    bad = [c["workload"]["name"] for c in results["cells"] if not c["check"]["ok"]]
    if bad:
        out += ["", f"WARNING: subjects disagree on {', '.join(bad)} (see 'check' in the JSON)."]
    if results["skipped"]:
        out += ["", f"{'### ' if markdown else '== '}Skipped", ""]
        out += [("- " if markdown else "") + f"{s['workload']['name']}: {s['reason']}" for s in results["skipped"]]
    return "\n".join(out)


BEGIN, END = "<!-- BEGIN RESULTS (written by the benchmark) -->", "<!-- END RESULTS -->"


def update_readme(readme: Path, results: dict[str, Any], plot_names: list[str]) -> bool:
    """Replace the README's results section (between the markers) with this run's tables and plots."""
    if not readme.exists():
        return False
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        return False
    body = render(results, markdown=True)
    images = "\n\n".join(f"![{name}](results/{name})" for name in plot_names)
    section = f"{BEGIN}\n\n{body}\n\n{images}\n\n{END}"
    new = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _m: section, text, flags=re.S)
    readme.write_text(new)
    return True
