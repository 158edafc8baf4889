"""Layer 1: which of ATen's CPU kernel flavours torch would run here (``"avx512"``, ``"avx2"`` or ``"default"``).

Some of torch's float results depend on it (fused multiply-adds in the random kernels, the block size of the
vectorized float32 pow). Detected once, at import, like ``at::native::compute_cpu_capability``: the
``ATEN_CPU_CAPABILITY`` environment variable wins, otherwise AVX512 (VL+BW+DQ, FMA3) beats AVX2 (+FMA3).
"""

from __future__ import annotations

import importlib
import os
import platform

__all__ = ["CPU_CAPABILITY", "detect_cpu_capability"]


def _numpy_cpu_features() -> dict[str, bool]:
    """NumPy's own CPU feature table (``__cpu_features__``; its module moved in NumPy 2)."""
    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return dict(getattr(module, "__cpu_features__", {}))
    return {}


def detect_cpu_capability() -> str:
    """The kernel flavour ATen picks: ``"avx512"``, ``"avx2"`` or ``"default"``."""
    env = os.environ.get("ATEN_CPU_CAPABILITY", "").lower()
    if env in ("default", "avx2", "avx512"):
        return env
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return "default"
    features = _numpy_cpu_features()
    if features.get("FMA3"):
        if all(features.get(f) for f in ("AVX512F", "AVX512VL", "AVX512BW", "AVX512DQ")):
            return "avx512"
        if features.get("AVX2"):
            return "avx2"
    return "default"


CPU_CAPABILITY: str = detect_cpu_capability()
