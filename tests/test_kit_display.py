"""The study tools in a notebook: make_dot's DotGraph draws inline, tensors, traces and reports display."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest
import torch

import minigrad
from minigrad import viz
from minigrad.examples import make_pipelines
from minigrad.testing import compare_with_torch
from minigrad.testing.mirror import run_mirror


def pretty(obj: object) -> str:
    """What IPython's text display shows (IPython comes with ipykernel, in the dev/test requirements)."""
    return str(pytest.importorskip("IPython.lib.pretty").pretty(obj))


def small_graph() -> tuple[minigrad.Tensor, minigrad.Tensor]:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    return x, (x * x).sum()


def fake_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for Graphviz's ``dot`` on PATH: answers ``-Tsvg`` with an SVG recording the DOT text's size."""
    exe = tmp_path / "dot"
    exe.write_text("#!/bin/sh\nn=$(wc -c)\necho \"<svg xmlns='http://www.w3.org/2000/svg'><!-- $n bytes --></svg>\"\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")


def test_make_dot_is_the_dot_text_with_source_and_render(tmp_path: Path) -> None:
    x, y = small_graph()
    dot = viz.make_dot(y, params={"x": x})
    assert isinstance(dot, viz.DotGraph) and isinstance(dot, str)
    assert dot.source == str(dot) and type(dot.source) is str and dot.source.startswith("digraph backward {")
    written = dot.render(tmp_path / "graph", format="dot")
    assert written == tmp_path / "graph.dot" and written.read_text() == dot.source
    graphviz = pytest.importorskip("graphviz")
    src = dot.to_graphviz()
    assert isinstance(src, graphviz.Source) and src.source == dot.source


def test_jupyter_gets_the_svg_from_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(tmp_path, monkeypatch)
    x, y = small_graph()
    dot = viz.make_dot(y, params={"x": x})
    bundle = dot._repr_mimebundle_()
    n = len(dot.source.encode("utf-8"))
    assert bundle["image/svg+xml"].startswith("<svg") and f"<!-- {n} bytes -->" in bundle["image/svg+xml"]
    assert dot._repr_svg_() == bundle["image/svg+xml"]
    assert bundle["text/plain"] == viz.format_tree(viz.graph_of(y, {"x": x}))


def test_without_dot_the_notebook_shows_the_text_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # empty: no dot
    x, y = small_graph()
    dot = viz.make_dot(y, params={"x": x})
    bundle = dot._repr_mimebundle_()
    assert set(bundle) == {"text/plain"} and dot._repr_svg_() is None
    assert bundle["text/plain"].startswith("SumBackward0  () float32\n└── [0] MulBackward0  (2,) float32")
    assert "Graphviz 'dot' program" in bundle["text/plain"]
    assert pretty(dot) == dot.tree


def test_the_pair_tree_says_whether_the_graphs_agree() -> None:
    _, y = small_graph()
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    pair = viz.make_dot(y, torch_root=(tx * tx).sum())
    assert pair.tree.startswith("same nodes, same edges\nminigrad:\nSumBackward0")
    assert "\ntorch:\nSumBackward0" in pair.tree


def test_tensor_displays_its_repr_and_autograd_state() -> None:
    x, y = small_graph()
    y.backward()
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    ty = (tx * tx).sum()
    ty.backward()
    assert pretty(x) == repr(x) == repr(tx)
    leaf = x._repr_html_()
    assert "<pre>tensor([1., 2.], requires_grad=True)</pre>" in leaf and "a leaf" in leaf
    assert f"<pre>{tx.grad!r}</pre>" in leaf  # .grad as torch prints torch's gradient
    made = y._repr_html_()
    assert "tensor(5., grad_fn=&lt;SumBackward0&gt;)" in made and f"made by {ty.grad_fn.name()}" in made
    assert "shape () · float32" in made


def test_trace_displays_its_table() -> None:
    x, y = small_graph()
    with minigrad.autograd.trace({"x": x}) as tr:
        y.backward()
    assert pretty(tr) == tr.table() and "MulBackward0" in tr.table()
    assert tr._repr_html_().startswith("<b>backward ran 3 node(s), in this order</b><pre>[1] SumBackward0")


def test_mirror_and_match_reports_display() -> None:
    mg, th = make_pipelines("example1", dtype="float64", seed=0)
    trace = run_mirror(mg, th, steps=3)
    assert pretty(trace) == trace.report() and trace.verdict() in trace._repr_html_()
    report = compare_with_torch(lambda a: a * 3, np.ones(2), torch_fn=lambda a: a * 2)
    html = report._repr_html_()
    assert '<td style="color:#c00000"><b>FAIL</b></td>' in html and "grad a" in html
    assert pretty(report) == report.table()
