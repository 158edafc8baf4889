"""Names shared by the benchmark modules (kept out of ``__init__`` so every module imports them the same way)."""

from __future__ import annotations

SCHEMA = "minigrad-bench/1"
SUBJECTS = ("minigrad", "torch", "numpy")
SUBJECT_LABELS = {"minigrad": "minigrad", "torch": "torch eager", "numpy": "NumPy floor"}
MODES = ("1thread", "default")
MODE_LABELS = {"1thread": "1 thread (headline)", "default": "default threads"}

__all__ = ["SCHEMA", "SUBJECTS", "SUBJECT_LABELS", "MODES", "MODE_LABELS"]
