"""minigrad's benchmark harness: minigrad against torch eager and a hand-written NumPy floor.

Run it with ``minigrad bench`` or ``python -m benchmarks`` (``--quick`` for a run under a minute). It times one
full training step (forward, loss, backward, optimizer step, zero_grad) and whole 100-epoch runs on the three
seed examples and on a size sweep, measures each subject's peak memory in its own process, times backward over
deep chains, and writes a JSON file of raw samples and metadata, PNG plots and a printed table.

Importing this package is cheap: torch, matplotlib and minigrad are imported only by the code that needs them.
"""

from __future__ import annotations

from benchmarks.constants import MODE_LABELS, MODES, SCHEMA, SUBJECT_LABELS, SUBJECTS

__all__ = ["SCHEMA", "SUBJECTS", "SUBJECT_LABELS", "MODES", "MODE_LABELS"]
