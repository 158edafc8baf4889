"""Peak memory of a training step, one subject per fresh process (README.md, "Peak memory", says how):
``python -m benchmarks.memory '{"workload": {...}, "subject": "minigrad"}'`` prints one JSON line."""

from __future__ import annotations

import ctypes
import gc
import json
import os
import resource
import subprocess
import sys
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.config import Workload, initial_params, make_data
from benchmarks.subjects import build_subject
from benchmarks.timing import proc_value


def _status_bytes(key: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak since the last reset) of this process, in bytes."""
    return int(str(proc_value("/proc/self/status", key)).split()[0]) * 1024


def _trim() -> None:
    """Give freed heap memory back to the OS (glibc), so the baseline is not inflated by set-up garbage."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    from threadpoolctl import threadpool_limits

    name, steps, w = spec["subject"], int(spec.get("steps", 3)), Workload(**spec["workload"])
    if name == "torch":
        import torch

        torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        if w.kind == "seed":
            import sklearn.datasets  # noqa: F401
        # A tiny problem of the same kind first: lazy library set-up (kernels, thread pools, caches) lands in
        # the baseline, not in the workload's numbers.
        tiny = replace(w, kind="sweep", name="tiny", n_samples=8, n_features=2)
        tiny_subject = build_subject(name, tiny, *make_data(tiny), *initial_params(tiny))
        for _ in range(3):
            tiny_subject.step()
        del tiny_subject
        _trim()
        baseline = _status_bytes("VmRSS")
        x, y = make_data(w)
        subject = build_subject(name, w, x, y, *initial_params(w))
        for _ in range(2):
            subject.step()
        _trim()
        before = _status_bytes("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # the kernel's peak RSS back to the current RSS (Linux ≥ 4.0)
        for _ in range(steps):
            subject.step()
        hwm, after, traced = _status_bytes("VmHWM"), _status_bytes("VmRSS"), None
        if name != "torch":
            tracemalloc.start()
            subject.step()
            tracemalloc.reset_peak()
            current0 = tracemalloc.get_traced_memory()[0]
            subject.step()
            traced = tracemalloc.get_traced_memory()[1] - current0
            tracemalloc.stop()
    return {"subject": name, "steps": steps, "data_bytes": int(x.nbytes + y.nbytes), "baseline_rss_bytes": baseline,
            "state_rss_bytes": before - baseline, "step_peak_rss_bytes": hwm - before,
            "total_peak_rss_bytes": hwm - baseline, "rss_after_steps_minus_before_bytes": after - before,
            "step_peak_traced_bytes": traced, "dtype": w.dtype,
            "ru_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}


def measure(workload: dict[str, Any], subject: str, steps: int = 3, timeout: float = 900) -> dict[str, Any]:
    """Run the child for one subject on one workload; its JSON result (or an ``error`` entry)."""
    spec = json.dumps({"workload": workload, "subject": subject, "steps": steps})
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    try:
        proc = subprocess.run([sys.executable, "-m", "benchmarks.memory", spec], capture_output=True, text=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"subject": subject, "error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"subject": subject, "error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.argv[1]))))
