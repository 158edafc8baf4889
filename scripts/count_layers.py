"""Count what issue 13 measures in minigrad/: lines, imports inside functions, import cycles, guard share in ops/.

Run from the repository root: ``python scripts/count_layers.py [package_dir]`` (default ``minigrad``).

It prints four counts:

1. **Lines** per top-level entry of the package (a module file, or a sub-package summed over its files), then
   per file. Lines are physical file lines (``wc -l``).
2. **Imports inside functions**: every ``import``/``from ... import`` statement whose enclosing scope is a
   function (``def`` or ``async def``, at any depth), listed as ``file:line``.
3. **Module-level import cycles** among the package's modules: the strongly connected components (size > 1, or
   a module importing itself) of the graph whose edges are the imports executed when a module is imported,
   i.e. all imports outside functions (module body, class bodies, ``try``/``if`` blocks) except those under
   ``if TYPE_CHECKING:``. ``import a.b.c`` is an edge to ``a.b.c``; ``from P import n`` is an edge to ``P.n``
   when that is a module of the package, else to ``P``. Implicit imports of parent packages are not edges.
   For information it also prints the cycles of the graph with the imports inside functions added: the cycles
   that those imports defer to call time.
4. **Guard/parse share of minigrad/ops/**: guard/parse lines over code lines, where
   - a *code line* is a non-blank line that is not only a comment and not part of a docstring (module, class
     or function docstring), in ``ops/*.py``;
   - a *guard/parse line* is a code line that belongs to any of
     a. a ``raise`` statement (all its lines, so multi-line torch messages count in full);
     b. an ``if`` statement whose body contains a ``raise`` directly: its test and its body (not its ``else``);
     c. a function whose name starts with ``_check``/``check``/``_parse``/``parse``/``_validate`` (argument
        checking helpers), or a statement that builds an error message: an assignment of a string or
        f-string whose target name contains ``msg``/``message``;
     d. a statement (simple statement, or the test line of an ``if``/``elif``/``while``) that calls
        ``isinstance`` or ``type(...)`` (type checks on arguments).
   Each line counts once.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

GUARD_FUNC_PREFIXES = ("_check", "check", "_parse", "parse", "_validate")


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def files_of(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def count_lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


# ---------------------------------------------------------------------------------------------- 1. lines
def report_lines(root: Path, files: list[Path]) -> None:
    per_entry: dict[str, int] = defaultdict(int)
    per_file: dict[str, int] = {}
    for f in files:
        rel = f.relative_to(root)
        n = count_lines(f)
        per_file[str(f.relative_to(root.parent))] = n
        entry = rel.parts[0] + ("/" if len(rel.parts) > 1 else "")
        per_entry[entry] += n
    total = sum(per_file.values())
    print(f"== 1. lines per top-level entry of {root.name}/ (total {total} lines in {len(files)} files)")
    for entry, n in sorted(per_entry.items(), key=lambda kv: -kv[1]):
        print(f"{n:7d}  {root.name}/{entry}")
    print("-- per file (largest first; files over 800 lines marked *)")
    for name, n in sorted(per_file.items(), key=lambda kv: -kv[1]):
        print(f"{n:7d}{' *' if n > 800 else '  '} {name}")


# ---------------------------------------------------------------------------------------------- 2./3. imports
def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk_imports(node: ast.AST, in_function: bool, out: list[tuple[ast.stmt, bool]]) -> None:
    """Collect (import node, inside a function?), skipping ``if TYPE_CHECKING:`` bodies."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            out.append((child, in_function))
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.orelse:
                _walk_imports(ast.Module(body=[stmt], type_ignores=[]), in_function, out)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            _walk_imports(child, True, out)
        else:
            _walk_imports(child, in_function, out)


def _resolve(node: ast.ImportFrom, modname: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = modname.split(".") if is_package else modname.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph(
    root: Path, files: list[Path]
) -> tuple[dict[str, set[str]], dict[str, set[str]], list[tuple[str, int, str]]]:
    """(module-level graph, graph with function-level imports added, the function-level imports)."""
    modules = {module_name(f, root): f for f in files}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    full: dict[str, set[str]] = {m: set() for m in modules}
    inner: list[tuple[str, int, str]] = []
    for mod, f in modules.items():
        tree = ast.parse(f.read_text(encoding="utf-8"), filename=str(f))
        found: list[tuple[ast.stmt, bool]] = []
        _walk_imports(tree, False, found)
        for node, in_function in found:
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
                text = "import " + ", ".join(a.name for a in node.names)
            else:
                assert isinstance(node, ast.ImportFrom)
                pkg = _resolve(node, mod, f.name == "__init__.py")
                for a in node.names:
                    sub = f"{pkg}.{a.name}"
                    targets.append(sub if sub in modules else pkg)
                text = f"from {'.' * node.level}{node.module or ''} import " + ", ".join(a.name for a in node.names)
            if in_function:
                inner.append((str(f.relative_to(root.parent)), node.lineno, text))
            else:
                graph[mod].update(t for t in targets if t in modules)
            full[mod].update(t for t in targets if t in modules)
    return graph, full, inner


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                result.append(sorted(comp))
    return result


def _print_cycles(graph: dict[str, set[str]]) -> None:
    cycles = [c for c in strongly_connected(graph) if len(c) > 1 or c[0] in graph[c[0]]]
    print(f"{len(cycles)} strongly connected component(s), {sum(len(c) for c in cycles)} modules")
    for c in sorted(cycles, key=len, reverse=True):
        print(f"  [{len(c)}] " + ", ".join(c))
        for m in c:
            inside = sorted(t for t in graph[m] if t in c)
            print(f"      {m} -> {', '.join(inside)}")


def report_imports(root: Path, files: list[Path]) -> None:
    graph, full, inner = import_graph(root, files)
    print(f"\n== 2. imports inside functions: {len(inner)}")
    for path, line, text in inner:
        print(f"  {path}:{line}: {text}")
    print("\n== 3. module-level import cycles: ", end="")
    _print_cycles(graph)
    print("-- for information, with the imports inside functions counted too (the cycles they defer): ", end="")
    _print_cycles(full)


# ---------------------------------------------------------------------------------------------- 4. guard share
def _span(node: ast.stmt | ast.expr) -> set[int]:
    return set(range(node.lineno, (node.end_lineno or node.lineno) + 1))


def _docstring_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    lines |= _span(body[0])
    return lines


def _calls_type_check(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in ("isinstance", "type"):
            return True
    return False


def guard_lines(tree: ast.Module) -> set[int]:
    guard: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise):
            guard |= _span(node)
        elif isinstance(node, ast.If):
            if any(isinstance(s, ast.Raise) for s in node.body):
                guard |= _span(node.test) | set().union(*(_span(s) for s in node.body))
                guard.add(node.lineno)
            if _calls_type_check(node.test):
                guard |= _span(node.test)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith(GUARD_FUNC_PREFIXES):
                guard |= _span(node)
        elif isinstance(node, ast.While) and _calls_type_check(node.test):
            guard |= _span(node.test)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            value = node.value
            is_text = isinstance(value, ast.JoinedStr) or (
                isinstance(value, ast.Constant) and isinstance(value.value, str)
            )
            if is_text and any("msg" in n.lower() or "message" in n.lower() for n in names):
                guard |= _span(node)
            elif _calls_type_check(node):
                guard |= _span(node)
        elif isinstance(node, (ast.Expr, ast.Return, ast.Assert)) and _calls_type_check(node):
            guard |= _span(node)
    return guard


def code_lines(text: str, tree: ast.Module) -> set[int]:
    doc = _docstring_lines(tree)
    lines = set()
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if s and not s.startswith("#") and i not in doc:
            lines.add(i)
    return lines


def report_guard(root: Path) -> None:
    ops = root / "ops"
    print(f"\n== 4. guard/parse share of {root.name}/ops/ (definition: see this script's docstring)")
    tot_code = tot_guard = 0
    for f in sorted(ops.glob("*.py")):
        text = f.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(f))
        code = code_lines(text, tree)
        guard = guard_lines(tree) & code
        tot_code += len(code)
        tot_guard += len(guard)
        share = 100.0 * len(guard) / len(code) if code else 0.0
        print(f"  {f.relative_to(root.parent)}: {len(guard)}/{len(code)} = {share:.1f}%")
    share = 100.0 * tot_guard / tot_code if tot_code else 0.0
    print(f"  total: {tot_guard} guard/parse lines / {tot_code} code lines = {share:.1f}%")


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else "minigrad").resolve()
    files = files_of(root)
    report_lines(root, files)
    report_imports(root, files)
    report_guard(root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
