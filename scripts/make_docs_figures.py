#!/usr/bin/env python
"""Generate every figure and every quoted output of docs/how-backward-works.md — nothing there is typed by hand.

    python scripts/make_docs_figures.py           # write docs/figures/* and refresh the doc's generated blocks
    python scripts/make_docs_figures.py --check   # exit 1 if a generated block of the doc is out of date

Figures (SVG, PNG and the DOT source) need the Graphviz ``dot`` program (Debian package ``graphviz``). The
quoted outputs are the real outputs of ``minigrad explain``, ``minigrad.autograd.trace``, ``gradcheck`` and of
NumPy re-doing each backward formula by hand; each one replaces the text between
``<!-- BEGIN generated:NAME -->`` and ``<!-- END generated:NAME -->`` in the doc.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "how-backward-works.md"
FIGURES = ROOT / "docs" / "figures"
SEED = 0


def _fmt(a: Any) -> str:
    from minigrad.autograd.trace import format_array

    return "None" if a is None else format_array(np.asarray(a))


def _pipelines(example: str) -> tuple[Any, Any]:
    from minigrad.examples import make_pipelines

    return make_pipelines(example, seed=SEED)


def _sections(text: str) -> dict[str, str]:
    """The numbered sections of ``minigrad explain`` output, by number ("0" is the heading)."""
    parts: dict[str, list[str]] = {"0": []}
    key = "0"
    for line in text.splitlines():
        m = re.match(r"^(\d)\. ", line)
        if m:
            key = m.group(1)
            parts[key] = []
        if set(line) == {"-"}:
            continue
        parts[key].append(line)
    return {k: "\n".join(v).strip("\n") for k, v in parts.items()}


# ---------------------------------------------------------------------------------------------- quoted outputs
def explain_blocks(example: str, prefix: str) -> dict[str, str]:
    from minigrad.cli.explain import explain

    text = explain(example, step=0, seed=SEED).text
    sections = _sections(text)
    return {f"{prefix}_command": f"$ minigrad explain {example}\n" + sections["0"],
            **{f"{prefix}_section{k}": v for k, v in sections.items() if k != "0"}}


def ex1_by_hand() -> str:
    """Each backward formula of example 1 evaluated with NumPy, next to what the trace recorded."""
    from minigrad.autograd.trace import trace

    mg, _ = _pipelines("example1")
    x, y = mg.inputs.numpy(), mg.targets.numpy()
    w, b = mg.model.lin.weight.detach().numpy(), mg.model.lin.bias.detach().numpy()
    loss = mg.criterion(mg.model(mg.inputs), mg.targets)
    with trace(mg.model) as tr:
        loss.backward()
    by_name = {r.name: r for r in tr.records}
    y_pred = x @ w.T + b
    n = y_pred.size
    g = np.float32(2.0 / n) * (y_pred - y)
    rows = [
        ("y_pred = X·Wᵀ + b", y_pred, None),
        ("y_pred − Y", y_pred - y, None),
        (f"MseLoss: (2/n)·(y_pred − Y), n = {n}", g, by_name["MseLossBackward0"].grad_inputs[0]),
        ("Addmm → bias: Σ_rows g", g.sum(axis=0), by_name["AddmmBackward0"].grad_inputs[0]),
        ("Addmm → TBackward0: Xᵀ·g", x.T @ g, by_name["AddmmBackward0"].grad_inputs[2]),
        ("TBackward0 → weight: (Xᵀ·g)ᵀ", (x.T @ g).T, by_name["TBackward0"].grad_inputs[0]),
    ]
    lines = [f"{'formula':<38} {'NumPy, by hand':<40} {'the trace recorded'}"]
    for what, mine, traced in rows:
        lines.append(f"{what:<38} {_fmt(mine):<40} {'' if traced is None else _fmt(traced)}".rstrip())
    return "\n".join(lines)


def ex1_accumulate() -> str:
    """Two backward passes without zero_grad, traced; then zero_grad."""
    from minigrad.autograd.trace import trace

    mg, _ = _pipelines("example1")
    w = mg.model.lin.weight
    out = io.StringIO()
    with redirect_stdout(out):
        for i in (1, 2):
            loss = mg.criterion(mg.model(mg.inputs), mg.targets)
            with trace(mg.model) as tr:
                loss.backward()
            rec = next(r for r in tr.records if r.leaf == "lin.weight")
            print(f"backward #{i}: AccumulateGrad (lin.weight)")
            print(f"    rule      : {rec.formula}")
            print(f"    receives  : {_fmt(rec.grad_output)}")
            print(f"    .grad was : {_fmt(rec.grad_before)}")
            print(f"    .grad now : {_fmt(rec.grad_after)}")
        mg.optimizer.zero_grad()
        print(f"optimizer.zero_grad()  →  lin.weight.grad is {w.grad}, lin.bias.grad is {mg.model.lin.bias.grad}")
    return out.getvalue().rstrip()


def ex3_by_hand() -> str:
    """Example 3's sigmoid + BCE step: the two nodes compose to (p − y)/n, checked against the trace."""
    from minigrad.autograd.trace import trace

    mg, _ = _pipelines("example3")
    p_t = mg.model(mg.inputs)
    loss = mg.criterion(p_t, mg.targets)
    with trace(mg.model) as tr:
        loss.backward()
    bce, sig = tr.records[0], tr.records[1]
    p, y = p_t.detach().numpy(), mg.targets.numpy()
    n = p.size
    g1 = (p - y) / np.maximum(p * (1 - p), np.float32(1e-12)) / np.float32(n)
    g2 = (p - y) / np.float32(n)
    d1 = float(np.max(np.abs(g1.astype(np.float64) - bce.grad_inputs[0])))
    d2 = float(np.max(np.abs(g2.astype(np.float64) - sig.grad_inputs[0])))
    return "\n".join([
        f"n = {n} training samples",
        f"p = sigmoid(X·Wᵀ + b)                  {_fmt(p)}",
        f"y                                      {_fmt(y)}",
        "BinaryCrossEntropyBackward0 sends to SigmoidBackward0:",
        f"  by hand  (p − y) / (p(1 − p)) / n    {_fmt(g1)}",
        f"  trace                                {_fmt(bce.grad_inputs[0])}   max |Δ| = {d1:.3g}",
        "SigmoidBackward0 multiplies by p(1 − p) and sends to AddmmBackward0:",
        f"  by hand  (p − y) / n                 {_fmt(g2)}",
        f"  trace                                {_fmt(sig.grad_inputs[0])}   max |Δ| = {d2:.3g}",
    ])


def gradcheck_demo() -> str:
    import minigrad
    from minigrad.autograd import Function, GradcheckError, gradcheck
    from minigrad.ops.loss import BinaryCrossEntropy
    from minigrad.ops.unary import Sigmoid

    class SquareWrongAt2(Function):
        """y = x²; backward deliberately wrong at element 2."""

        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            g = (grad * 2 * x).numpy().copy()
            g[2] *= 1.5  # the bug
            return minigrad.tensor(g)

    z = minigrad.tensor([-1.0, 0.5, 2.0], dtype=minigrad.float64, requires_grad=True)
    t = minigrad.tensor([0.0, 1.0, 1.0], dtype=minigrad.float64)
    ok = gradcheck(lambda z: BinaryCrossEntropy.apply(Sigmoid.apply(z), t, None, "mean"), (z,))
    x = minigrad.tensor([0.5, 1.0, 1.5, 2.0], dtype=minigrad.float64, requires_grad=True)
    lines = [">>> gradcheck(lambda z: BinaryCrossEntropy.apply(Sigmoid.apply(z), t, None, 'mean'), (z,))", str(ok),
             ">>> gradcheck(SquareWrongAt2.apply, (x,))"]
    try:
        gradcheck(SquareWrongAt2.apply, (x,))
    except GradcheckError as e:
        lines += [f"GradcheckError: {e}"]
    return "\n".join(lines)


def compiled_ex1() -> str:
    """Example 1's training step captured by minigrad.compile: the program it replays."""
    import minigrad
    from minigrad.examples import example1

    p = example1.make_pipeline("float32", seed=0)
    step = minigrad.compile(example1.train_step)
    step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    call = ">>> step = minigrad.compile(train_step); step(model, criterion, optimizer, X, Y); print(step.code)"
    return f"{call}\n{step.code}"


def all_texts(only: Callable[[str], bool] = lambda name: True) -> dict[str, str]:
    """Every generated block of the doc, by name (``only`` filters by name before computing)."""
    makers: dict[str, Callable[[], dict[str, str]]] = {
        "ex1_": lambda: {**explain_blocks("example1", "ex1"), "ex1_by_hand": ex1_by_hand(),
                         "ex1_accumulate": ex1_accumulate()},
        "ex3_": lambda: {**{k: v for k, v in explain_blocks("example3", "ex3").items() if k == "ex3_section3"},
                         "ex3_by_hand": ex3_by_hand()},
        "gradcheck_": lambda: {"gradcheck_demo": gradcheck_demo()},
        "compiled_": lambda: {"compiled_ex1": compiled_ex1()},
    }
    out: dict[str, str] = {}
    for prefix, make in makers.items():
        if only(prefix):
            out.update(make())
    return out


# ---------------------------------------------------------------------------------------------- figures
def make_figures(outdir: Path = FIGURES) -> list[Path]:
    """The graphs of examples 1 and 3, alone and side by side with torch's, as .dot, .svg and .png."""
    from minigrad import viz

    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(name: str, dot: str) -> None:
        for suffix in (".dot", ".svg", ".png"):
            written.append(viz.render(dot, outdir / f"{name}{suffix}"))

    mg, th = _pipelines("example1")
    m_loss = mg.criterion(mg.model(mg.inputs), mg.targets)
    t_loss = th.criterion(th.model(th.inputs), th.targets)
    save("example1_graph", viz.make_dot(m_loss, params=mg.model, title="Example 1: the graph after forward"))
    m_loss.backward()
    t_loss.backward()
    save("example1_after_backward", viz.make_dot(m_loss, params=mg.model, show_grads=True,
                                                 title="Example 1: after loss.backward()"))
    save("example1_pair", viz.make_dot_pair(m_loss, t_loss, params=mg.model, torch_params=th.model,
                                            show_grads=True, title="Example 1 after backward"))
    mg, th = _pipelines("example3")
    m_loss = mg.criterion(mg.model(mg.inputs), mg.targets)
    t_loss = th.criterion(th.model(th.inputs), th.targets)
    save("example3_pair", viz.make_dot_pair(m_loss, t_loss, params=mg.model, torch_params=th.model,
                                            title="Example 3 (logistic regression), after forward"))
    return written


# ---------------------------------------------------------------------------------------------- the doc
_BLOCK = re.compile(r"(<!-- BEGIN generated:(\w+) -->\n)(.*?)(<!-- END generated:\2 -->)", re.S)


def fill(doc: str, texts: dict[str, str]) -> tuple[str, list[str]]:
    """The doc with each generated block replaced by its text (in a ```text fence); and the names missing."""
    missing: list[str] = []

    def repl(m: re.Match[str]) -> str:
        name = m.group(2)
        if name not in texts:
            missing.append(name)
            return m.group(0)
        return f"{m.group(1)}```text\n{texts[name]}\n```\n{m.group(4)}"

    return _BLOCK.sub(repl, doc), missing


def blocks(doc: str) -> dict[str, str]:
    """The current text of each generated block of the doc."""
    return {m.group(2): m.group(3).removeprefix("```text\n").removesuffix("```\n").rstrip("\n")
            for m in _BLOCK.finditer(doc)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the doc's generated blocks are current")
    parser.add_argument("--no-figures", action="store_true", help="do not render the figures")
    args = parser.parse_args(argv)
    doc = DOC.read_text(encoding="utf-8")
    texts = all_texts()
    new, missing = fill(doc, texts)
    if missing:
        print(f"no generator for block(s): {', '.join(missing)}", file=sys.stderr)
        return 1
    if args.check:
        stale = [k for k, v in blocks(doc).items() if texts.get(k) != v]
        if stale:
            print(f"out of date: {', '.join(stale)} (run scripts/make_docs_figures.py)", file=sys.stderr)
            return 1
        print("docs/how-backward-works.md: every generated block is current")
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"updated {DOC.relative_to(ROOT)} ({len(blocks(new))} generated blocks)")
    if not args.no_figures:
        from minigrad import viz

        if not viz.dot_available():
            print("figures skipped: the Graphviz 'dot' program is missing (apt-get install graphviz)", file=sys.stderr)
            return 1
        for path in make_figures():
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
