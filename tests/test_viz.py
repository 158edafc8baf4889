"""minigrad.viz: the DOT text of each seed model's graph is torch's graph (names and edges, slot by slot).

The expected structure is always computed here from torch's objects (``grad_fn.next_functions``, walked by
the test itself), and the DOT text is parsed back, so a drawing that lies about the graph fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad import viz
from minigrad.autograd.trace import format_array
from minigrad.examples import make_pipelines

needs_dot = pytest.mark.skipif(not viz.dot_available(),
                               reason="the Graphviz 'dot' program is not installed (Debian package: graphviz)")

Structure = tuple[tuple[str, tuple[int | None, ...]], ...]


# ---------------------------------------------------------------------------------------------- helpers
def torch_structure(fn: Any) -> Structure:
    """torch's graph from ``fn``, walked here: nodes in depth-first preorder (slots in order), and per node the
    position of each slot's node (None for an empty slot)."""
    order: list[Any] = []
    pos: dict[int, int] = {}

    def visit(n: Any) -> None:
        pos[id(n)] = len(order)
        order.append(n)
        for nxt, _ in n.next_functions:
            if nxt is not None and id(nxt) not in pos:
                visit(nxt)

    visit(fn)
    return tuple((n.name(), tuple(None if f is None else pos[id(f)] for f, _ in n.next_functions)) for n in order)


_NODE = re.compile(r'^\s*(\w+) \[label=<(.*)>, fillcolor="[^"]*", tooltip="([^"]*)", class="(\w+)"\];$')
_EDGE = re.compile(r'^\s*(\w+) -> (\w+) \[label="\[(\d+)\]"\];$')
_CLUSTER = re.compile(r"^\s*subgraph cluster_(\w+) \{$")


def parse_dot(text: str) -> dict[str, dict[str, Any]]:
    """Clusters (or "" for a plain graph) -> {"nodes": {id: (name, label)}, "edges": [(src, slot, dst)]}."""
    graphs: dict[str, dict[str, Any]] = {}
    current = ""
    for line in text.splitlines():
        if m := _CLUSTER.match(line):
            current = m.group(1)
            continue
        if line.strip() == "}" and current:
            current = ""
            continue
        g = graphs.setdefault(current, {"nodes": {}, "edges": []})
        if m := _NODE.match(line):
            g["nodes"][m.group(1)] = (m.group(3), m.group(2))
        elif m := _EDGE.match(line):
            g["edges"].append((m.group(1), int(m.group(3)), m.group(2)))
    return {k: v for k, v in graphs.items() if v["nodes"]}


def dot_structure(g: dict[str, Any]) -> Structure:
    """The structure drawn: from the root (the node no edge points at), slots from edge labels and the
    'slot k: None' lines of the labels, walked in the same canonical order as ``torch_structure``."""
    nodes, edges = g["nodes"], g["edges"]
    roots = set(nodes) - {dst for _, _, dst in edges}
    assert len(roots) == 1, f"expected one root, found {roots}"
    slots: dict[str, dict[int, str | None]] = {n: {} for n in nodes}
    for src, slot, dst in edges:
        assert slot not in slots[src], f"two edges leave {src} from slot {slot}"
        slots[src][slot] = dst
    for n, (_, label) in nodes.items():
        for k in re.findall(r"slot (\d+): None", label):
            slots[n][int(k)] = None
    for n, s in slots.items():
        assert sorted(s) == list(range(len(s))), f"node {n} has slots {sorted(s)}: a slot is missing"
    order: list[str] = []
    pos: dict[str, int] = {}

    def visit(n: str) -> None:
        pos[n] = len(order)
        order.append(n)
        for k in range(len(slots[n])):
            d = slots[n][k]
            if d is not None and d not in pos:
                visit(d)

    visit(roots.pop())
    assert set(order) == set(nodes), "the DOT text has nodes unreachable from the root"
    return tuple((nodes[n][0], tuple(None if slots[n][k] is None else pos[slots[n][k]]  # type: ignore[index]
                                     for k in range(len(slots[n])))) for n in order)


def seed_losses(example: str) -> tuple[Any, Any, Any, Any]:
    """(minigrad loss, torch loss, minigrad model, torch model) of one forward pass of a seed pipeline."""
    mg, th = make_pipelines(example, seed=0)
    return (mg.criterion(mg.model(mg.inputs), mg.targets), th.criterion(th.model(th.inputs), th.targets),
            mg.model, th.model)


EXAMPLES = ["example1", "example2", "example3"]


# ---------------------------------------------------------------------------------------------- the seed models
@pytest.mark.parametrize("example", EXAMPLES)
def test_seed_graph_structure_is_torchs(example: str) -> None:
    m_loss, t_loss, m_model, t_model = seed_losses(example)
    expected = torch_structure(t_loss.grad_fn)
    assert viz.graph_of(m_loss, m_model).structure() == expected
    assert viz.torch_graph_of(t_loss, t_model).structure() == expected
    parsed = parse_dot(viz.make_dot(m_loss, params=m_model))
    assert list(parsed) == [""]
    assert dot_structure(parsed[""]) == expected


@pytest.mark.parametrize("example", EXAMPLES)
def test_pair_draws_both_graphs_in_two_clusters(example: str) -> None:
    m_loss, t_loss, m_model, t_model = seed_losses(example)
    expected = torch_structure(t_loss.grad_fn)
    text = viz.make_dot_pair(m_loss, t_loss, params=m_model, torch_params=t_model)
    parsed = parse_dot(text)
    assert set(parsed) == {"minigrad", "torch"}
    assert dot_structure(parsed["minigrad"]) == expected
    assert dot_structure(parsed["torch"]) == expected
    assert "same nodes, same edges" in text
    assert viz.make_dot(m_loss, m_model, torch_root=t_loss, torch_params=t_model) == text


def test_graph_differences_are_reported() -> None:
    m_loss, _, m_model, _ = seed_losses("example1")
    x = torch.ones(2, requires_grad=True)
    other = (x * 2).sum()
    assert "THE GRAPHS DIFFER" in viz.make_dot_pair(m_loss, other, params=m_model)
    with pytest.raises(ValueError, match="the graphs differ"):
        viz.match_nodes(m_loss, other)


def test_labels_show_names_shapes_saved_values_and_grads() -> None:
    m_loss, t_loss, m_model, t_model = seed_losses("example1")
    before = viz.make_dot(m_loss, params=m_model)
    assert "lin.weight  (1, 1) float32" in before and "lin.bias  (1,) float32" in before
    assert "output (4, 1) float32" in before  # AddmmBackward0's output
    assert "saved x: (4, 1) float32 = [[1.], [2.], [3.], [4.]]" in before  # X, saved for dL/dW = Xᵀ·dL/dy
    assert "slot 1: None" in before
    assert "grad " not in before
    m_loss.backward()
    t_loss.backward()
    after = viz.make_dot(m_loss, params=m_model, show_grads=True)
    for p in (t_model.lin.weight, t_model.lin.bias):  # the values torch computed, as the label prints them
        assert f"grad {format_array(p.grad.numpy())}" in after
    assert "freed by backward" in after


def test_leaves_are_named_from_a_dict_or_left_anonymous() -> None:
    w = minigrad.tensor([[1.0, 2.0]], requires_grad=True)
    y = (w * 3).sum()
    assert "weights  (1, 2)" in viz.make_dot(y, params={"weights": w})
    assert "leaf  (1, 2)" in viz.make_dot(y)
    with pytest.raises(ValueError, match="no backward graph"):
        viz.make_dot(minigrad.tensor([1.0]))


def test_text_tree_of_example1() -> None:
    m_loss, _, m_model, _ = seed_losses("example1")
    assert viz.format_tree(viz.graph_of(m_loss, m_model)) == "\n".join([
        "MseLossBackward0  () float32",
        "├── [0] AddmmBackward0  (4, 1) float32",
        "│   ├── [0] AccumulateGrad  → lin.bias.grad  (1,) float32",
        "│   ├── [1] None  (no gradient needed)",
        "│   └── [2] TBackward0  (1, 1) float32",
        "│       └── [0] AccumulateGrad  → lin.weight.grad  (1, 1) float32",
        "└── [1] None  (no gradient needed)",
    ])


# ---------------------------------------------------------------------------------------------- random graphs
_UNARY = ("exp", "tanh", "sigmoid", "neg")
_BINARY = ("add", "mul", "sub")


@st.composite
def programs(draw: st.DrawFn) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """Leaf values and a random straight-line program over a pool of tensors: shared subexpressions included."""
    x = draw(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=3),
                        elements=st.floats(-2, 2)))
    n = draw(st.integers(1, 8))
    prog = []
    for i in range(n):
        pool = 2 + i  # two leaves, then one tensor per instruction
        op = draw(st.sampled_from(_UNARY + _BINARY))
        prog.append((op, draw(st.integers(0, pool - 1)), draw(st.integers(0, pool - 1))))
    return x, prog


def _run(lib: Any, x: np.ndarray, prog: list[tuple[str, int, int]]) -> Any:
    a = lib.tensor(x, requires_grad=True)
    b = lib.tensor(x * 0.5, requires_grad=True)
    pool = [a, b]
    for op, i, j in prog:
        u, v = pool[i], pool[j]
        pool.append(getattr(u, op)() if op in _UNARY else getattr(u, op)(v))
    return pool[-1].sum()


@given(programs())
def test_random_graphs_have_torchs_structure(case: tuple[np.ndarray, list[tuple[str, int, int]]]) -> None:
    x, prog = case
    m, t = _run(minigrad, x, prog), _run(torch, x, prog)
    expected = torch_structure(t.grad_fn)
    assert viz.graph_of(m).structure() == expected
    assert dot_structure(parse_dot(viz.make_dot(m))[""]) == expected
    pairs = viz.match_nodes(m, t)
    assert [a.name() for a, _ in pairs] == [b.name() for _, b in pairs]


def test_a_shared_node_is_drawn_once() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x + x).sum()
    parsed = parse_dot(viz.make_dot(y, params={"x": x}))[""]
    names = [name for name, _ in parsed["nodes"].values()]
    assert names.count("torch::autograd::AccumulateGrad") == 1
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    assert dot_structure(parsed) == torch_structure((tx * tx + tx).sum().grad_fn)
    assert "(shared: see above)" in viz.format_tree(viz.graph_of(y))


# ---------------------------------------------------------------------------------------------- rendering
@needs_dot
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<svg"), (".png", b"\x89PNG\r\n\x1a\n")])
def test_render_writes_svg_and_png(tmp_path: Path, suffix: str, magic: bytes) -> None:
    m_loss, t_loss, m_model, t_model = seed_losses("example3")
    out = viz.render(viz.make_dot_pair(m_loss, t_loss, m_model, t_model), tmp_path / f"g{suffix}")
    data = out.read_bytes()
    assert magic in data[:400]
    if suffix == ".svg":
        text = data.decode()
        for name in ("BinaryCrossEntropyBackward0", "SigmoidBackward0", "AddmmBackward0", "TBackward0",
                     "linear.weight"):
            assert text.count(name) >= 2, name  # drawn in both clusters


def test_render_without_dot_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no 'dot' on PATH
    assert not viz.dot_available()
    with pytest.raises(viz.GraphvizNotFoundError, match="apt-get install graphviz"):
        viz.render("digraph { a }", tmp_path / "g.png")
    assert isinstance(viz.GraphvizNotFoundError("x"), RuntimeError)
    # DOT text needs no program
    assert viz.render("digraph { a }", tmp_path / "g.dot").read_text() == "digraph { a }"


def test_render_rejects_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        viz.render("digraph { a }", tmp_path / "g.jpeg2000")


# ---------------------------------------------------------------------------------------------- the walkthrough
DOC = Path(__file__).resolve().parents[1] / "docs" / "how-backward-works.md"


def test_walkthrough_embeds_generated_figures_that_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert any("example3" in i and i.endswith(".png") for i in images)
    for image in images:
        assert (DOC.parent / image).is_file(), f"{image} is missing: run scripts/make_docs_figures.py"


def test_walkthrough_quotes_the_real_outputs() -> None:
    """The doc's quoted outputs of example 1 and of gradcheck are what the tools print now (example 3's blocks
    hold sums whose last printed digit may depend on the BLAS; `scripts/make_docs_figures.py --check` covers
    them on the machine that generated the doc)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_docs_figures", DOC.parents[1] / "scripts" /
                                                  "make_docs_figures.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    current = script.blocks(DOC.read_text(encoding="utf-8"))
    fresh = script.all_texts(only=lambda prefix: prefix in ("ex1_", "gradcheck_"))
    assert fresh, "no generated blocks"
    for name, text in fresh.items():
        assert current.get(name) == text, f"docs/how-backward-works.md block {name} is stale: run the script"
