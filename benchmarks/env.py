"""What every result is recorded with: machine, versions, BLAS and thread settings, load, git revision."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

import minigrad

# Environment variables that change how BLAS / OpenMP libraries pick kernels and threads.
BLAS_ENV_PREFIXES = ("OPENBLAS", "GOTO", "OMP", "MKL", "KMP", "GOMP", "BLIS", "NVPL", "VECLIB", "NUMEXPR", "ATEN")
_WATCHED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
REPO = Path(__file__).resolve().parent.parent


def proc_value(path: str, key: str) -> str | None:
    """The value after ``key:`` in a /proc file such as /proc/meminfo (None if absent or unreadable)."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith(key)), None)


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (falls back to ``platform.processor()``)."""
    return proc_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown"


def load_average() -> list[float] | None:
    """1-, 5- and 15-minute load averages: other processes on the machine make timings noisy."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def blas_environment() -> dict[str, Any]:
    """BLAS/OpenMP environment variables, and whether the ones known to slow NumPy are set."""
    return {"variables": {k: v for k, v in sorted(os.environ.items()) if k.startswith(BLAS_ENV_PREFIXES)},
            "set": {k: k in os.environ for k in _WATCHED}}


def thread_settings() -> dict[str, Any]:
    """threadpoolctl's view of every loaded BLAS/OpenMP pool, plus torch's intra-op threads if torch is loaded."""
    from threadpoolctl import threadpool_info

    keys = ("user_api", "internal_api", "prefix", "version", "num_threads", "architecture", "threading_layer",
            "filepath")
    out: dict[str, Any] = {"threadpoolctl": [{k: info.get(k) for k in keys} for info in threadpool_info()]}
    torch = sys.modules.get("torch")
    if torch is not None:
        out.update(torch_num_threads=torch.get_num_threads(), torch_num_interop_threads=torch.get_num_interop_threads())
    return out


@contextmanager
def thread_mode(mode: str) -> Iterator[None]:
    """``"1thread"``: every library at one thread (threadpoolctl for BLAS/OpenMP, ``torch.set_num_threads(1)``
    if torch is loaded); ``"default"``: whatever the libraries chose at start-up."""
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch") if mode == "1thread" else None
    before = torch.get_num_threads() if torch is not None else 1
    with threadpool_limits(limits=1 if mode == "1thread" else None):  # (None: leave the pools as they are)
        try:
            if torch is not None:
                torch.set_num_threads(1)
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(before)


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def collect_metadata() -> dict[str, Any]:
    """Everything a reader needs to judge a result: versions, CPU, BLAS, threads, load, git state."""
    torch = sys.modules.get("torch")
    status = _git("status", "--porcelain", "--untracked-files=no")
    try:
        blas = dict(np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {}))
    except Exception:  # show_config's format is not a stable API
        blas = {}
    return {
        "timestamp_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "torch": None if torch is None else torch.__version__, "minigrad": minigrad.__version__},
        "python_implementation": platform.python_implementation(), "platform": platform.platform(),
        "cpu_model": cpu_model(), "cpu_count": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average_start": load_average(), "blas_env": blas_environment(), "threads_default": thread_settings(),
        "torch_parallel_info": None if torch is None else torch.__config__.parallel_info(), "numpy_blas": blas,
        "git": {"commit": _git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None},
        "argv": sys.argv,
    }
