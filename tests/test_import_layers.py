"""The layers' import rules (docs: LAYOUT, issue 13), read from the source with ``scripts/count_layers.py``:
no module-level import cycle in minigrad/, and minigrad/ops/ (layer 3, pure math) imports nothing above it."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "minigrad"

# layer 3 may import NumPy, the standard library, layer 1, autograd's Function and the other ops
_OPS_ALLOWED = ("numpy", "minigrad._dtype", "minigrad._device", "minigrad._cpu", "minigrad._tensor_base",
                "minigrad.autograd.function", "minigrad.ops")


def _count_layers() -> ModuleType:
    spec = importlib.util.spec_from_file_location("count_layers", ROOT / "scripts" / "count_layers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _allowed_in_ops(name: str) -> bool:
    top = name.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return any(name == a or name.startswith(a + ".") for a in _OPS_ALLOWED)


def test_no_module_level_import_cycle() -> None:
    cl = _count_layers()
    graph, _, _ = cl.import_graph(PACKAGE, cl.files_of(PACKAGE))
    assert graph.get("minigrad.ops.loss"), "the import graph was not read"
    cycles = [c for c in cl.strongly_connected(graph) if len(c) > 1 or c[0] in graph[c[0]]]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    cl = _count_layers()
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    components = sorted(sorted(c) for c in cl.strongly_connected(graph))
    assert components == [["a", "b", "c"], ["d"], ["e"]]


def test_ops_import_only_numpy_layer_1_and_autograd_function() -> None:
    bad = []
    for path in sorted((PACKAGE / "ops").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: relative import"
                names = [node.module or ""]
            else:
                continue
            bad += [f"{path.name}:{node.lineno}: {n}" for n in names if not _allowed_in_ops(n)]
    assert bad == []


def test_import_minigrad_loads_no_optional_dependency() -> None:
    """``import minigrad`` needs NumPy only: the optional packages load when a feature asks for them
    (minigrad/_optional.py). A fresh interpreter, so that nothing imported by the tests counts."""
    import subprocess

    heavy = ["torch", "matplotlib", "sklearn", "hypothesis", "safetensors", "graphviz", "nbclient", "scipy"]
    code = ("import sys, minigrad, minigrad.nn, minigrad.optim, minigrad.utils.data, minigrad.autograd; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
