"""docs/how-backward-works.ipynb runs top to bottom in a fresh kernel (nbclient), stored without outputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook test needs nbformat/nbclient (requirements-dev.txt)")
nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient (requirements-dev.txt)")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "how-backward-works.ipynb"


def test_the_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_the_notebook_runs_without_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "docs")}})
    client.execute()  # raises CellExecutionError on any error, naming the cell
    outputs = {i: cell.outputs for i, cell in enumerate(nb.cells) if cell.cell_type == "code"}
    text = "\n".join(str(o) for outs in outputs.values() for o in outs)
    assert "MseLossBackward0" in text and "AddmmBackward0" in text  # the graph and the trace
    assert "same initial weight: True" in text
    assert "same nodes, same edges" in text
    assert "PASS" in text and "FAIL" not in text  # compare_with_torch and the mirror
