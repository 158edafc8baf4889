"""See the backward graph: Graphviz DOT text of a minigrad graph, of torch's graph, or of both side by side.

    dot = make_dot(loss, params=model)                 # a DotGraph: the DOT text, drawn inline in Jupyter
    dot.render("graph.svg")                           # needs the Graphviz ``dot`` program (.svg, .png, .pdf)
    make_dot_pair(loss, torch_loss, params=model, torch_params=torch_model)   # the two graphs, two clusters
    print(format_tree(graph_of(loss, model)))         # the same graph as an indented text tree

Each box is a node of the backward graph under torch's name (``AddmmBackward0``...), with the shape and dtype
of the tensor it produced, the rule it applies and what forward saved for it. Blue boxes are the leaves'
``AccumulateGrad`` nodes, labelled with the parameter's name and (after backward, ``show_grads=True``) its
``.grad``. Arrows follow ``grad_fn.next_functions``: the direction gradients flow, from the loss to the leaves;
an edge's label is the slot of ``next_functions`` it leaves from. A slot holding ``None`` (an input that needs no
gradient, such as the data X) is listed in the box, since torch's graph has no node there.

``make_dot`` returns a :class:`DotGraph`: a ``str`` holding the DOT text (``.source`` too, as a
``graphviz.Source`` has), with ``render()`` and the display hooks Jupyter calls (``_repr_mimebundle_``,
``_repr_svg_``): a notebook shows the drawing inline (Graphviz's ``dot`` program makes the SVG); without
``dot``, the text tree. ``.to_graphviz()`` gives the
``graphviz.Source`` itself. NumPy stays the only run-time dependency.

``graph_of`` / ``torch_graph_of`` return the structure the DOT text is drawn from (a ``Graph``): tests compare
the two engines' graphs through it, and ``match_nodes`` pairs each minigrad node with its torch twin.
"""

from __future__ import annotations

import html
import inspect
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from minigrad import _optional
from minigrad.autograd.trace import SMALL, format_array, leaf_names, shape_str, short_name

__all__ = [
    "DotGraph", "Graph", "GraphNode", "GraphvizNotFoundError", "graph_of", "torch_graph_of", "make_dot",
    "make_dot_pair", "render", "dot_available", "format_tree", "match_nodes",
]

_FONT = "DejaVu Sans"
_COLORS = {"backward": "#e9e9e9", "leaf": "#cfe6ff", "root": "#ffe9a6"}
_INSTALL_HINT = (
    "rendering needs the Graphviz 'dot' program, which is not installed (or not on PATH). Install it with "
    "`sudo apt-get install graphviz` (Debian/Ubuntu package 'graphviz'), `brew install graphviz` (macOS) or "
    "`conda install graphviz`, or write the DOT text to a '.dot' file and view it in any Graphviz viewer."
)


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program is needed to render SVG/PNG/PDF and was not found."""


@dataclass(frozen=True, eq=False)
class GraphNode:
    """One node of a backward graph, as drawn."""

    id: str  # unique in its graph: prefix + position in a depth-first walk that follows the slots in order
    name: str  # torch's name(), e.g. "AddmmBackward0", "torch::autograd::AccumulateGrad"
    shape: tuple[int, ...] | None  # of the tensor the node produced (the gradient it receives)
    dtype: str | None
    formula: str = ""
    leaf: str | None = None  # AccumulateGrad: the leaf's name ("leaf" when params do not name it)
    value: np.ndarray | None = None  # AccumulateGrad: the leaf's value
    grad: np.ndarray | None = None  # AccumulateGrad: the leaf's .grad (None before backward)
    saved: tuple[tuple[str, str], ...] = ()  # (what, description) of each value forward saved
    obj: Any = field(default=None, repr=False, compare=False)  # the node object itself

    @property
    def is_leaf(self) -> bool:
        return self.name.endswith("AccumulateGrad")


@dataclass(frozen=True)
class Graph:
    """A backward graph: nodes in depth-first order from the root, and the ``next_functions`` edges."""

    engine: str  # "minigrad" or "torch"
    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[str, int, str | None], ...]  # (node id, slot, next node id or None), every slot

    @property
    def root(self) -> GraphNode:
        return self.nodes[0]

    def node(self, node_id: str) -> GraphNode:
        return self._by_id()[node_id]

    def _by_id(self) -> dict[str, GraphNode]:
        return {n.id: n for n in self.nodes}

    def slots(self, node_id: str) -> list[str | None]:
        """The ids ``next_functions`` of this node points at, slot by slot (None for an empty slot)."""
        return [dst for src, _, dst in self.edges if src == node_id]

    def structure(self) -> tuple[tuple[str, tuple[int | None, ...]], ...]:
        """Engine-independent shape of the graph: per node (in walk order) its name and, per slot, the position
        of the node it points at (None for an empty slot). Two graphs are the same graph iff these are equal."""
        pos = {n.id: i for i, n in enumerate(self.nodes)}
        return tuple(
            (n.name, tuple(None if d is None else pos[d] for d in self.slots(n.id))) for n in self.nodes
        )


# ---------------------------------------------------------------------------------------------- walking
def _walk(root: Any, next_of: Callable[[Any], Iterable[Any]], prefix: str) -> tuple[list[Any], list[tuple[str, int,
                                                                                                          str | None]]]:
    """Depth-first preorder (slots in order, without recursion) and every (src, slot, dst) edge."""
    order: list[Any] = []
    index: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in index:
            continue
        index[id(node)] = len(order)
        order.append(node)
        stack.extend(n for n in reversed(list(next_of(node))) if n is not None and id(n) not in index)
    edges = []
    for node in order:
        for slot, nxt in enumerate(next_of(node)):
            dst = None if nxt is None else f"{prefix}{index[id(nxt)]}"
            edges.append((f"{prefix}{index[id(node)]}", slot, dst))
    return order, edges


def _describe(value: Any) -> str:
    if value is None:
        return "None"
    arr = getattr(value, "_data", value)
    if hasattr(arr, "detach") and hasattr(arr, "shape"):  # a torch tensor
        arr = arr.detach().cpu().numpy()
    if isinstance(arr, np.ndarray):
        return f"{shape_str(arr.shape)} {arr.dtype} = {format_array(arr)}" if arr.size <= SMALL else \
            f"{shape_str(arr.shape)} {arr.dtype}"
    return repr(value)


def _forward_arg_names(node: Any) -> list[str]:
    fn = getattr(node, "_function", None)
    try:
        params = list(inspect.signature(fn.forward).parameters)[1:]  # type: ignore[union-attr]  # (fn is a Function subclass here)
    except (TypeError, ValueError, AttributeError):
        return []
    return [p for p in params if not p.startswith("*")]


def _minigrad_saved(node: Any) -> tuple[tuple[str, str], ...]:
    """What forward saved for ``node``, named after forward's argument (or ``result``) when it is one."""
    if not hasattr(type(node), "saved_tensors"):
        return ()
    try:
        saved = node.saved_tensors
    except RuntimeError as e:
        if getattr(node, "_released", False):
            return (("", "freed by backward (retain_graph=False)"),)
        return (("", f"unusable: {str(e).split(':')[0]}"),)
    d = getattr(node, "__dict__", {})
    inputs, out = getattr(node, "_inputs", None) or (), getattr(node, "_out", None)
    names = _forward_arg_names(node)
    items = []
    for i, v in enumerate(saved):
        what = f"saved[{i}]"
        if out is not None and v is out[1]:
            what = "result"
        else:
            for j, a in enumerate(inputs):
                if v is a or (v is not None and getattr(a, "_data", None) is v):
                    what = names[j] if j < len(names) else f"input {j}"
                    break
        items.append((what, _describe(v)))
    for k, v in d.items():
        if not k.startswith("_"):
            items.append((f"ctx.{k}", _describe(v) if isinstance(v, np.ndarray) else repr(v)))
    return tuple(items)


_SKIP_SAVED = ("_sym_sizes", "_sym_strides", "_sym_argsize", "_sym_storage_offset")


def _torch_saved(fn: Any) -> tuple[tuple[str, str], ...]:
    items = []
    for attr in sorted(a for a in dir(fn) if a.startswith("_saved_") and not a.endswith(_SKIP_SAVED)):
        try:
            v = getattr(fn, attr)
        except RuntimeError:
            return (("", "freed by backward (retain_graph=False)"),)
        items.append((attr[len("_saved_"):], _describe(v)))
    return tuple(items)


def graph_of(root: Any, params: Any = None, show_grads: bool = True) -> Graph:
    """The minigrad backward graph reachable from ``root`` (a Tensor with ``grad_fn``, or a node).

    ``params``: a Module or a mapping name -> tensor, to name the leaves.
    """
    node = _root_node(root)
    names = leaf_names(params)
    order, edges = _walk(node, lambda n: [f for f, _ in n.next_functions], "m")
    nodes = []
    for i, n in enumerate(order):
        shape = tuple(int(s) for s in n._shape) if getattr(n, "_shape", None) is not None else None
        dtype = str(n._dtype) if getattr(n, "_dtype", None) is not None else None
        if hasattr(n, "variable"):
            var = n.variable
            nodes.append(GraphNode(
                f"m{i}", n.name(), shape, dtype, formula="x.grad += dL/dx",
                leaf=names.get(id(var), "leaf") if var is not None else "leaf (freed)",
                value=None if var is None else var._data.copy(),
                grad=None if var is None or var.grad is None or not show_grads else var.grad._data.copy(),
                obj=n,
            ))
        else:
            nodes.append(GraphNode(f"m{i}", n.name(), shape, dtype, formula=getattr(n, "formula", "") or "",
                                   saved=_minigrad_saved(n), obj=n))
    return Graph("minigrad", tuple(nodes), tuple(edges))


def _root_node(root: Any) -> Any:
    if hasattr(root, "next_functions"):
        return root
    fn = getattr(root, "grad_fn", None)
    if fn is not None:
        return fn
    if getattr(root, "requires_grad", False) and hasattr(root, "_grad_accumulator"):
        return root._grad_accumulator()
    raise ValueError("this tensor has no backward graph: it does not require grad (no grad_fn)")


def torch_graph_of(root: Any, params: Any = None, show_grads: bool = True) -> Graph:
    """torch's backward graph from ``root`` (a torch tensor or ``grad_fn``), walking ``next_functions``."""
    node = root if hasattr(root, "next_functions") else root.grad_fn
    if node is None:
        raise ValueError("this torch tensor has no grad_fn: it is not the result of ops on tensors requiring grad")
    names = leaf_names(params)
    order, edges = _walk(node, lambda n: [f for f, _ in n.next_functions], "t")
    nodes = []
    for i, n in enumerate(order):
        meta = getattr(n, "_input_metadata", None)  # private, present in torch 2.x: the output's shape/dtype
        shape = dtype = None
        if meta:
            shape = tuple(int(s) for s in meta[0].shape)
            dtype = str(meta[0].dtype).replace("torch.", "")
        var = getattr(n, "variable", None)
        if var is not None:
            nodes.append(GraphNode(
                f"t{i}", n.name(), tuple(var.shape), str(var.dtype).replace("torch.", ""),
                formula="x.grad += dL/dx", leaf=names.get(id(var), "leaf"),
                value=var.detach().cpu().numpy().copy(),
                grad=None if var.grad is None or not show_grads else var.grad.detach().cpu().numpy().copy(),
                obj=n,
            ))
        else:
            nodes.append(GraphNode(f"t{i}", n.name(), shape, dtype, saved=_torch_saved(n), obj=n))
    return Graph("torch", tuple(nodes), tuple(edges))


def match_nodes(mg_root: Any, torch_root: Any) -> list[tuple[Any, Any]]:
    """Pair every minigrad node with torch's node at the same place; ValueError if the graphs differ."""
    a, b = graph_of(mg_root), torch_graph_of(torch_root)
    if a.structure() != b.structure():
        raise ValueError(f"the graphs differ:\nminigrad {a.structure()}\ntorch    {b.structure()}")
    return [(x.obj, y.obj) for x, y in zip(a.nodes, b.nodes)]


# ---------------------------------------------------------------------------------------------- DOT text
def _esc(s: str) -> str:
    return html.escape(s, quote=False)


def _attr(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _saved_text(what: str, desc: str) -> str:
    if not what:
        return f"saved: {desc}"
    return f"{what}: {desc}" if what.startswith("saved") else f"saved {what}: {desc}"


def _attr_lines(*lines: str) -> str:
    """A quoted DOT string of centred lines."""
    return '"' + "\\n".join(_attr(line)[1:-1] for line in lines) + '"'


def _label(node: GraphNode, root: bool, empty_slots: list[int], show_grads: bool, show_formula: bool) -> str:
    rows = [f'<tr><td><b>{_esc(short_name(node.name))}</b></td></tr>']
    small = '<tr><td><font point-size="9"{color}>{text}</font></td></tr>'
    if node.is_leaf:
        desc = f"{node.leaf}  {shape_str(node.shape or ())} {node.dtype}"
        rows.append(f"<tr><td>{_esc(desc)}</td></tr>")
        if node.value is not None and node.value.size <= SMALL:
            rows.append(small.format(color="", text=_esc("value " + format_array(node.value))))
        if show_grads:
            g = "None" if node.grad is None else format_array(node.grad)
            rows.append(small.format(color=' color="#0b4f9c"', text=_esc(f"grad {g}")))
    else:
        out = f"output {shape_str(node.shape)} {node.dtype}" if node.shape is not None else "output ?"
        rows.append(f"<tr><td>{_esc(out)}</td></tr>")
        if show_formula and node.formula:
            rows.append(small.format(color=' color="#444444"', text=_esc(node.formula)))
        for what, desc in node.saved:
            rows.append(small.format(color=' color="#8a4b00"', text=_esc(_saved_text(what, desc))))
    for slot in empty_slots:
        rows.append(small.format(color=' color="#888888"', text=f"slot {slot}: None (no gradient needed)"))
    if root:
        rows.append(small.format(color="", text="(root: backward starts here with dL/dL = 1)"))
    return '<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">' + "".join(rows) + "</table>>"


def _body(graph: Graph, show_grads: bool, show_formula: bool, indent: str) -> list[str]:
    lines = []
    for n in graph.nodes:
        root = n is graph.root
        kind = "leaf" if n.is_leaf else "backward"
        empty = [slot for src, slot, dst in graph.edges if src == n.id and dst is None]
        color = _COLORS["root"] if root else _COLORS[kind]
        lines.append(
            f"{indent}{n.id} [label={_label(n, root, empty, show_grads, show_formula)}, "
            f'fillcolor="{color}", tooltip={_attr(n.name)}, class="{kind}"];'
        )
    for src, slot, dst in graph.edges:
        if dst is not None:
            lines.append(f'{indent}{src} -> {dst} [label="[{slot}]"];')
    return lines


_HEADER = [
    "digraph backward {",
    f'  graph [rankdir=TB, fontname="{_FONT}", fontsize=12, labelloc=t, nodesep=0.35, ranksep=0.4];',
    f'  node [shape=box, style="rounded,filled", fontname="{_FONT}", fontsize=11, margin="0.12,0.06"];',
    f'  edge [fontname="{_FONT}", fontsize=9, color="#555555", fontcolor="#555555", arrowsize=0.7];',
]
_NOTE = "arrows: grad_fn.next_functions, the way gradients flow (loss → leaves); [k] = slot k"


class DotGraph(str):
    """DOT text of a backward graph (it is the ``str``) that Jupyter draws inline.

    ``source`` is the text; ``render(path)`` writes it as .svg/.png/.pdf/.dot; ``to_graphviz()`` is the
    ``graphviz.Source`` (needs the ``graphviz`` package); ``tree`` is the graph as an indented text tree, shown
    where nothing can draw (no Graphviz ``dot`` program).
    """

    tree: str

    def __new__(cls, text: str, tree: str = "") -> DotGraph:
        self = super().__new__(cls, text)
        self.tree = tree
        return self

    @property
    def source(self) -> str:
        """The DOT text (a plain ``str``), as ``graphviz.Source.source``."""
        return str(self)

    def render(self, path: str | Path, format: str | None = None, dpi: int = 150) -> Path:
        """Write the graph to ``path`` (see :func:`render`); ``format`` ('svg', 'png', 'pdf', 'dot') is added as
        the suffix when ``path`` has none. Returns the path written."""
        path = Path(path)
        if format is not None and path.suffix.lower() != "." + format.lower():
            path = path.with_name(path.name + "." + format)
        return render(str(self), path, dpi=dpi)

    def to_graphviz(self) -> Any:
        """A ``graphviz.Source`` of this graph (the optional ``graphviz`` Python package)."""
        return _optional.graphviz().Source(str(self))

    def svg(self) -> str:
        """The drawing as SVG text; ``GraphvizNotFoundError`` when the ``dot`` program is missing."""
        exe = shutil.which("dot")
        if exe is None:
            raise GraphvizNotFoundError(_INSTALL_HINT)
        proc = subprocess.run([exe, "-Tsvg"], input=str(self).encode("utf-8"), capture_output=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"dot failed ({proc.returncode}): {proc.stderr.decode(errors='replace').strip()}")
        return proc.stdout.decode("utf-8")

    def _repr_svg_(self) -> str | None:
        return self.svg() if dot_available() else None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        text = self.tree or str(self)
        if not dot_available():
            return {"text/plain": text + "\n(" + _INSTALL_HINT.split(". ")[0] + ": this is the text tree)"}
        return {"image/svg+xml": self.svg(), "text/plain": text}

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.tree or str(self))


def make_dot(root: Any, params: Any = None, show_grads: bool = False, *, torch_root: Any = None,
             torch_params: Any = None, title: str | None = None, show_formula: bool = True) -> DotGraph:
    """The backward graph of ``root`` (a minigrad tensor or node) as a :class:`DotGraph`: its DOT text, drawn
    inline in Jupyter.

    ``params``: a Module (its ``named_parameters``) or a mapping name -> tensor naming the leaves.
    ``show_grads``: show each leaf's ``.grad`` (run backward first). With ``torch_root`` (a torch tensor),
    torch's graph of the same model is drawn next to it, in its own cluster (see ``make_dot_pair``).
    """
    if torch_root is not None:
        return make_dot_pair(root, torch_root, params=params, torch_params=torch_params, show_grads=show_grads,
                             title=title, show_formula=show_formula)
    graph = graph_of(root, params, show_grads)
    lines = list(_HEADER)
    lines.append(f"  label={_attr_lines(*([title] if title else []), _NOTE)};")
    lines += _body(graph, show_grads, show_formula, "  ")
    lines.append("}")
    return DotGraph("\n".join(lines) + "\n", format_tree(graph))


def make_dot_pair(mg_root: Any, torch_root: Any, params: Any = None, torch_params: Any = None,
                  show_grads: bool = False, title: str | None = None, show_formula: bool = True) -> DotGraph:
    """A :class:`DotGraph` with two clusters, minigrad's graph and torch's graph of the same model, side by side.

    ``torch_params`` names torch's leaves (defaults to ``params`` when that is a mapping of names only used
    for labels; pass the torch Module to name its parameters).
    """
    mg = graph_of(mg_root, params, show_grads)
    tg = torch_graph_of(torch_root, torch_params, show_grads)
    same = mg.structure() == tg.structure()
    verdict = "same nodes, same edges" if same else "THE GRAPHS DIFFER"
    lines = list(_HEADER)
    heading = (title + ": " if title else "") + "minigrad and torch — " + verdict
    lines.append(f"  label={_attr_lines(heading, _NOTE)};")
    for graph, name, color in ((mg, "minigrad", "#2b6cb0"), (tg, "torch", "#c05621")):
        lines.append(f"  subgraph cluster_{name} {{")
        lines.append(f'    label="{name}"; fontsize=14; color="{color}"; style="rounded";')
        lines += _body(graph, show_grads, show_formula and name == "minigrad", "    ")
        lines.append("  }")
    lines.append("}")
    tree = f"{verdict}\nminigrad:\n{format_tree(mg)}\ntorch:\n{format_tree(tg)}"
    return DotGraph("\n".join(lines) + "\n", tree)


# ---------------------------------------------------------------------------------------------- rendering
def dot_available() -> bool:
    """Is the Graphviz ``dot`` program on PATH?"""
    return shutil.which("dot") is not None


def render(dot: str, path: str | Path, dpi: int = 150) -> Path:
    """Write ``dot`` to ``path``: '.svg', '.png' or '.pdf' through Graphviz's ``dot`` program, '.dot'/'.gv' as
    text. Raises ``GraphvizNotFoundError`` (with how to install it) when ``dot`` is missing."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt in ("dot", "gv"):
        path.write_text(dot, encoding="utf-8")
        return path
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"render: unknown format {path.suffix!r}; use .svg, .png, .pdf, .dot or .gv")
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(_INSTALL_HINT)
    cmd = [exe, f"-T{fmt}", "-o", str(path)]
    if fmt == "png":
        cmd.insert(1, f"-Gdpi={dpi}")
    proc = subprocess.run(cmd, input=dot.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"dot failed ({proc.returncode}): {proc.stderr.decode(errors='replace').strip()}")
    return path


# ---------------------------------------------------------------------------------------------- text tree
def format_tree(graph: Graph, values: bool = False) -> str:
    """The graph as an indented tree of node names with shapes (a node reached twice is printed once)."""
    by_id = graph._by_id()
    lines: list[str] = []
    seen: set[str] = set()
    stack: list[tuple[str | None, str, str, str]] = [(graph.root.id, "", "", "")]
    while stack:
        nid, lead, branch, slot = stack.pop()
        if nid is None:
            lines.append(f"{lead}{branch}{slot}None  (no gradient needed)")
            continue
        n = by_id[nid]
        if n.is_leaf:
            desc = f"{short_name(n.name)}  → {n.leaf}.grad  {shape_str(n.shape or ())} {n.dtype}"
            if values and n.value is not None:
                desc += f"  value {format_array(n.value)}"
        else:
            desc = f"{n.name}  {shape_str(n.shape) if n.shape is not None else '?'} {n.dtype}"
        if nid in seen:
            lines.append(f"{lead}{branch}{slot}{desc}  (shared: see above)")
            continue
        seen.add(nid)
        lines.append(f"{lead}{branch}{slot}{desc}")
        kids = graph.slots(nid)
        child_lead = lead + ("" if not branch else ("│   " if branch == "├── " else "    "))
        for i in reversed(range(len(kids))):
            stack.append((kids[i], child_lead, "└── " if i == len(kids) - 1 else "├── ", f"[{i}] "))
    return "\n".join(lines)
