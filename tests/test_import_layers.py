"""The layers' import rules (docs: LAYOUT, issue 13), read from the source: no module-level import cycle in
minigrad/ (``scripts/count_layers.py``); each layer imports only the layers below it: layer 1 (storage) nothing
above itself, autograd's core only layer 1, ops/ (layer 3, pure math) only NumPy, layer 1 without any tensor and
autograd.function, surface/ (layer 4) nothing of Tensor (layer 5) or above, _tensor/ nothing of layer 6; and
``import minigrad`` loads no optional dependency."""

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


# ---------------------------------------------------------------------------------------------- one-way layers
# Every import statement counts (module level, class bodies and inside functions: a deferred import is still a
# dependency), except those under ``if TYPE_CHECKING:``. ``from P import n`` is the module ``P.n`` when that is a
# module of the package, else ``P``.
LAYER_1 = {"minigrad._dtype", "minigrad._device", "minigrad._device_api", "minigrad._cpu", "minigrad._tensor_base",
           "minigrad.random", "minigrad._sampling", "minigrad._random_bernoulli"}
# autograd's core; its study and compatibility tools (gradcheck, trace, Variable) sit at layer 6
AUTOGRAD_CORE = {"minigrad.autograd.function", "minigrad.autograd.engine", "minigrad.autograd.grad_mode",
                 "minigrad.autograd.anomaly", "minigrad.autograd.observers", "minigrad.autograd.inference_mode"}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[tuple[int, str, list[str]]]:
    """(line, module, imported names) of every import statement outside ``if TYPE_CHECKING:`` blocks."""
    out: list[tuple[int, str, list[str]]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name, []) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"line {node.lineno}: relative import"
            out.append((node.lineno, node.module or "", [a.name for a in node.names]))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (ROOT / rel).with_suffix(".py").is_file() or (ROOT / rel / "__init__.py").is_file()


def _targets(module: str, names: list[str]) -> list[str]:
    if not module.startswith("minigrad"):
        return [module]
    if not names:
        return [module]
    return [f"{module}.{n}" if _is_module(f"{module}.{n}") else module for n in names]


def _within(name: str, allowed: set[str] | tuple[str, ...]) -> bool:
    return any(name == a or name.startswith(a + ".") for a in allowed)


def upward_imports(source: str, allowed: set[str]) -> list[str]:
    """The imports of ``source`` outside the standard library, NumPy and ``allowed`` (modules or packages)."""
    bad = []
    for line, module, names in _imports(ast.parse(source)):
        for target in _targets(module, names):
            top = target.split(".")[0]
            if top in sys.stdlib_module_names or top in ("__future__", "numpy") or _within(target, allowed):
                continue
            bad.append(f"{line}: {target}")
    return bad


def _violations(files: list[Path], allowed: set[str]) -> list[str]:
    assert files, "no file to check"
    return [f"{p.relative_to(ROOT)}:{v}" for p in files for v in upward_imports(p.read_text(encoding="utf-8"), allowed)]


def _module_file(name: str) -> Path:
    rel = ROOT / Path(*name.split("."))
    return rel.with_suffix(".py") if rel.with_suffix(".py").is_file() else rel / "__init__.py"


def test_the_layer_check_finds_an_upward_import() -> None:
    source = ("import numpy as np\nfrom minigrad.autograd.function import Function\n"
              "def f():\n    from minigrad._tensor import Tensor\n"
              "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from minigrad.nn import Module\n"
              "from minigrad import nn, _dtype\n")
    allowed = LAYER_1 | {"minigrad.autograd.function"}
    assert upward_imports(source, allowed) == ["4: minigrad._tensor", "8: minigrad.nn"]


def test_layer_1_imports_only_layer_1() -> None:
    assert _violations([_module_file(m) for m in sorted(LAYER_1)], LAYER_1) == []


def test_autograd_core_imports_only_layers_1_and_2() -> None:
    assert _violations([_module_file(m) for m in sorted(AUTOGRAD_CORE)], LAYER_1 | AUTOGRAD_CORE) == []


def test_ops_import_no_tensor_at_all() -> None:
    """Layer 3 is arrays in, arrays out: not even the storage core's TensorBase."""
    allowed = (LAYER_1 - {"minigrad._tensor_base", "minigrad.random", "minigrad._sampling",
                          "minigrad._random_bernoulli"}) | {"minigrad.autograd.function", "minigrad.ops"}
    assert _violations(sorted((PACKAGE / "ops").glob("*.py")), allowed) == []


def test_surface_imports_nothing_above_layer_4() -> None:
    """Layer 4 (argument parsing, checks, torch's messages) calls layer 3; it never sees ``Tensor`` (layer 5),
    nn, optim, the package's namespace, ..."""
    allowed = LAYER_1 | AUTOGRAD_CORE | {"minigrad.ops", "minigrad.surface"}
    assert _violations(sorted((PACKAGE / "surface").glob("*.py")), allowed) == []


def test_tensor_class_imports_nothing_of_layer_6() -> None:
    allowed = LAYER_1 | AUTOGRAD_CORE | {"minigrad.ops", "minigrad.surface", "minigrad._tensor", "minigrad._tensor_str"}
    files = [*sorted((PACKAGE / "_tensor").glob("*.py")), PACKAGE / "_tensor_str.py"]
    assert _violations(files, allowed) == []


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
