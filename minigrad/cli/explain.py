"""``minigrad explain {example1,example2,example3,classifier} [--step K] [--compiled]``: one training step, opened up.

Runs a seed pipeline, or the softmax classifier (``minigrad.examples``), and its torch twin (``torch_ref``), built
from the same seed
so their parameters are identical, for K steps; then, for step K, prints

1. the forward values (data, parameters, prediction, loss) on both engines;
2. the backward graph as an indented tree of torch's node names with shapes, and whether torch's is the same;
3. the backward trace: every node in the order backward ran it, with the gradient it received and the ones it
   sent, and the rule it applied (``minigrad.autograd.trace``);
4. the same gradients as torch computed them, captured with hooks (``grad_fn.register_hook`` on each of
   torch's nodes, ``register_hook`` on the prediction and the parameters), next to minigrad's, with |Δ|;
5. the SGD update p ← p − lr·grad on both sides, then ``zero_grad``;
6. with ``--compiled``, the same step captured by ``minigrad.compile``: guards and array program
   (``minigrad.cli.explain_compiled``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad import viz
from minigrad.autograd.trace import Trace, format_array, shape_str, short_name, trace
from minigrad.cli.explain_compiled import compiled_section
from minigrad.examples import make_pipelines
from minigrad.testing.tolerances import assert_close

__all__ = ["register", "run", "explain", "default_lr", "Explanation", "GradientPair"]

EXAMPLES = ("example1", "example2", "example3", "classifier")
_TITLES = {
    "example1": "linear regression on X = [1, 2, 3, 4], Y = 2X (Linear(1, 1), MSELoss, SGD)",
    "example2": "linear regression on make_regression data (Linear(1, 1), MSELoss, SGD)",
    "example3": "logistic regression on the breast-cancer data (sigmoid(Linear(30, 1)), BCELoss, SGD)",
    "classifier": "softmax classifier on three Gaussian blobs (Linear(4, 3), CrossEntropyLoss, SGD)",
}
_DEFAULT_LR = {"classifier": 0.1}  # the seeds' tutorials use 0.01


@dataclass
class GradientPair:
    """One gradient seen by both engines at the same place of the graph."""

    node: str  # torch's node name, or the tensor ("y_pred", a parameter name) for tensor hooks
    what: str  # "receives" or "sends [k] → Target", or "dL/d(tensor)"
    minigrad: np.ndarray | None
    torch: np.ndarray | None

    @property
    def abs_diff(self) -> float | None:
        if self.minigrad is None or self.torch is None:
            return None
        return float(np.max(np.abs(self.minigrad.astype(np.float64) - self.torch.astype(np.float64)), initial=0.0))


@dataclass
class Explanation:
    """What ``explain`` computed: the text it prints, the minigrad trace, and every gradient pair compared."""

    text: str
    trace: Trace
    pairs: list[GradientPair] = field(default_factory=list)
    torch_order: list[str] = field(default_factory=list)  # torch's node names in the order its engine ran them
    updates: dict[str, dict[str, np.ndarray | None]] = field(default_factory=dict)  # name -> {"minigrad_new", ...}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "explain",
        help="open up one training step: forward values, graph, backward trace, torch's gradients, SGD update",
        description=__doc__.split("\n\n", 1)[1].replace("``", "") if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("example", choices=EXAMPLES, help="which pipeline: a seed, or the softmax classifier")
    p.add_argument("--step", type=int, default=0, metavar="K", help="explain step K (0 = the first; default 0)")
    p.add_argument("--seed", type=int, default=0, help="seed of both generators before building the models")
    p.add_argument("--lr", type=float, default=None,
                   help="SGD learning rate (default: the example's, 0.01 as the tutorials, 0.1 for classifier)")
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                   help="dtype of data and parameters (default float32, as the tutorials)")
    p.add_argument("--graph", metavar="PATH", default=None,
                   help="also draw minigrad's and torch's graphs side by side to PATH (.svg, .png, .pdf or .dot)")
    p.add_argument("--compiled", action="store_true",
                   help="also show the step captured by minigrad.compile: its guards and array program")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.step < 0:
        print("minigrad explain: --step must be >= 0", file=sys.stderr)
        return 2
    lr = default_lr(args.example) if args.lr is None else args.lr
    try:
        result = explain(args.example, step=args.step, seed=args.seed, lr=lr, dtype=args.dtype,
                         graph_path=args.graph)
    except ImportError as e:
        print(f"minigrad explain: {e}", file=sys.stderr)
        return 1
    print(result.text)
    if args.compiled:
        print(compiled_section(args.example, step=args.step, seed=args.seed, lr=lr, dtype=args.dtype))
    return 0


def default_lr(example: str) -> float:
    """The learning rate ``example`` trains with when ``--lr`` is not given."""
    return _DEFAULT_LR.get(example, 0.01)


# ---------------------------------------------------------------------------------------------- helpers
def _arr(t: Any) -> np.ndarray:
    """A NumPy copy of a tensor's values."""
    return np.array(t.detach().numpy(), copy=True)


def _np(t: Any) -> np.ndarray | None:
    """``_arr``, or None for a missing tensor (a gradient that was never computed)."""
    return None if t is None else _arr(t)


def _times(lr: float, grad: np.ndarray | None) -> np.ndarray | None:
    """lr·grad in the gradient's dtype (what SGD subtracts), or None without a gradient."""
    return None if grad is None else np.asarray(lr, dtype=grad.dtype) * grad


def _v(a: Any) -> str:
    if a is None:
        return "None"
    arr = np.asarray(a)
    return f"{shape_str(arr.shape):<8} {format_array(arr)}"


def _d(x: float | None) -> str:
    return "—" if x is None else f"{x:.3g}"


def _section(lines: list[str], title: str) -> None:
    lines += ["", title, "-" * len(title)]


def _train(p: Any) -> None:
    loss = p.criterion(p.model(p.inputs), p.targets)
    loss.backward()
    p.optimizer.step()
    p.optimizer.zero_grad()


def explain(example: str, step: int = 0, seed: int = 0, lr: float | None = None, dtype: str = "float32",
            graph_path: str | None = None) -> Explanation:
    """Run ``example`` on both engines to step ``step`` and explain that step (see the module docstring);
    ``lr`` None is the example's own learning rate (:func:`default_lr`)."""
    if lr is None:
        lr = default_lr(example)
    mg, th = make_pipelines(example, dtype=dtype, lr=lr, seed=seed)
    m_params, t_params = dict(mg.model.named_parameters()), dict(th.model.named_parameters())
    same_start = all(np.array_equal(_arr(m_params[n]), _arr(t_params[n])) for n in m_params)
    for _ in range(step):
        _train(mg)
        _train(th)

    lines = [f"minigrad explain {example} --step {step}: {_TITLES[example]}",
             f"seed {seed}, lr {lr}, {dtype}. Both models were built right after seeding their generator with {seed}: "
             f"parameters identical at step 0: {'yes' if same_start else 'NO'}."]
    if step:
        lines.append(f"{step} training step(s) already ran on each engine (forward, loss, backward, step, zero_grad).")

    # 1. forward ------------------------------------------------------------------------------------------
    m_pred = mg.model(mg.inputs)
    m_loss = mg.criterion(m_pred, mg.targets)
    t_pred = th.model(th.inputs)
    t_loss = th.criterion(t_pred, th.targets)
    _section(lines, f"1. Forward (step {step})")
    lines.append(f"  {'':<18} {'minigrad':<52} torch: max |Δ|")
    rows: list[tuple[str, Any, Any]] = [("X (inputs)", mg.inputs, th.inputs), ("y (targets)", mg.targets, th.targets)]
    rows += [(n, m_params[n], t_params[n]) for n in m_params]
    rows += [("y_pred = model(X)", m_pred, t_pred), ("loss", m_loss, t_loss)]
    for name, a, b in rows:
        a_, b_ = _arr(a), _arr(b)
        diff = float(np.max(np.abs(a_.astype(np.float64) - b_.astype(np.float64)), initial=0.0))
        lines.append(f"  {name:<18} {_v(a_):<52} {_d(diff)}")
    lines.append(f"  loss.grad_fn = {m_loss.grad_fn.name()}; torch: {t_loss.grad_fn.name()}")

    # 2. the graph -------------------------------------------------------------------------------------------
    mg_graph = viz.graph_of(m_loss, mg.model)
    t_graph = viz.torch_graph_of(t_loss, th.model)
    same_graph = mg_graph.structure() == t_graph.structure()
    _section(lines, "2. The backward graph (loss.grad_fn, following next_functions; [k] = slot k)")
    lines += ["  " + line for line in viz.format_tree(mg_graph).splitlines()]
    lines.append(f"  torch's graph (walking t_loss.grad_fn.next_functions): "
                 f"{'the same nodes and edges' if same_graph else 'DIFFERENT:'}")
    if not same_graph:
        lines += ["  " + line for line in viz.format_tree(t_graph).splitlines()]
    if graph_path:
        viz.render(viz.make_dot_pair(m_loss, t_loss, params=mg.model, torch_params=th.model,
                                     title=f"{example}, step {step}"), graph_path)
        lines.append(f"  (drawn side by side in {graph_path})")

    # torch hooks, registered before torch's backward -----------------------------------------------------
    pairs_nodes = viz.match_nodes(m_loss, t_loss) if same_graph else []
    captured: dict[int, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
    torch_order: list[str] = []
    twin = {id(m): t for m, t in pairs_nodes}

    def node_hook(t_node: Any) -> Any:
        def hook(grad_inputs: tuple[Any, ...], grad_outputs: tuple[Any, ...]) -> None:
            captured[id(t_node)] = (tuple(_np(g) for g in grad_inputs), tuple(_np(g) for g in grad_outputs))
            torch_order.append(t_node.name())
        return hook

    for _, t_node in pairs_nodes:
        t_node.register_hook(node_hook(t_node))
    tensor_grads: dict[str, dict[str, np.ndarray | None]] = {"minigrad": {}, "torch": {}}

    def keep(side: str, name: str) -> Any:
        def hook(g: Any) -> None:
            tensor_grads[side][name] = _np(g)
        return hook

    for side, pred, params in (("minigrad", m_pred, m_params), ("torch", t_pred, t_params)):
        pred.register_hook(keep(side, "y_pred"))
        for n, p in params.items():
            p.register_hook(keep(side, n))

    # 3. backward, traced -------------------------------------------------------------------------------------
    with trace(mg.model) as tr:
        m_loss.backward()
    t_loss.backward()
    _section(lines, "3. Backward on minigrad, node by node (with minigrad.autograd.trace() as tr: loss.backward())")
    lines += ["  " + line for line in tr.table().splitlines()]
    lines.append(f"  order: {' → '.join(short_name(r.name) for r in tr.records)}")
    lines.append(f"  torch: {' → '.join(short_name(n) for n in torch_order)}")

    # 4. torch's gradients --------------------------------------------------------------------------------
    result = Explanation("", tr, torch_order=torch_order)
    for rec in tr.records:
        t_node = twin.get(id(rec.node)) if rec.node is not None else None
        if t_node is None or id(t_node) not in captured:
            continue
        t_in, t_out = captured[id(t_node)]
        node_name = f"AccumulateGrad ({rec.leaf})" if rec.is_leaf else rec.name
        result.pairs.append(GradientPair(node_name, "receives", rec.grad_output, t_out[0] if t_out else None))
        for k, (g, tgt) in enumerate(zip(rec.grad_inputs, rec.targets)):
            if tgt is not None or (k < len(t_in) and t_in[k] is not None):
                result.pairs.append(GradientPair(node_name, f"sends [{k}] → {short_name(tgt)}", g,
                                                 t_in[k] if k < len(t_in) else None))
    for name in ["y_pred", *m_params]:
        result.pairs.append(GradientPair(name, f"dL/d({name})", tensor_grads["minigrad"].get(name),
                                         tensor_grads["torch"].get(name)))
    _section(lines, "4. The same gradients from torch (grad_fn.register_hook on every torch node; "
                    "register_hook on y_pred and the parameters)")
    # columns at least 28 wide, wider for long names (the classifier's "sends [0] → LogSoftmaxBackward0")
    wn = max([28, *(len(short_name(p.node)) for p in result.pairs)])
    ww = max([28, *(len(p.what) for p in result.pairs)])
    lines.append(f"  {'node / tensor':<{wn}} {'gradient':<{ww}} {'engine':<9} {'shape':<8} {'values':<48} max |Δ|")
    previous = None
    for p in result.pairs:
        label = short_name(p.node) if p.node != previous else ""
        previous = p.node
        shape = "" if p.minigrad is None else shape_str(np.shape(p.minigrad))
        lines.append(f"  {label:<{wn}} {p.what:<{ww}} {'minigrad':<9} {shape:<8} {format_array(p.minigrad)}")
        lines.append(f"  {'':<{wn}} {'':<{ww}} {'torch':<9} {'':<8} {format_array(p.torch):<48} {_d(p.abs_diff)}")
    dt = np.dtype(dtype)
    # float32 op count of a gradient at step K: a reduction over the n samples (ceil(log2 n) + 1 ops) plus a few
    # elementwise ops per step, and the parameters carry the rounding of every earlier step
    n_samples = int(mg.inputs.shape[0])
    n_ops = (step + 1) * (int(np.ceil(np.log2(max(n_samples, 1)))) + 1 + 4)
    verdict = "yes"
    for p in result.pairs:
        if (p.minigrad is None) != (p.torch is None):
            verdict = f"NO: {p.node} {p.what} is None on one side only"
            break
        if p.minigrad is not None:
            try:
                assert_close(p.minigrad, p.torch, dtype=dt, n_ops=n_ops, what=f"{p.node} {p.what}")
            except AssertionError as e:
                verdict = f"NO: {e}"
                break
    lines.append(f"  every pair within minigrad's tolerance policy (minigrad.testing.tolerances): {verdict}")

    # 5. the SGD update ---------------------------------------------------------------------------------------
    _section(lines, f"5. The SGD update that follows: optimizer.step() does p ← p − lr·p.grad (lr = {lr})")
    sides = (("minigrad", m_params), ("torch", t_params))
    before = {side: {n: _arr(p) for n, p in ps.items()} for side, ps in sides}
    grads = {side: {n: _np(p.grad) for n, p in ps.items()} for side, ps in sides}
    mg.optimizer.step()
    th.optimizer.step()
    for n in m_params:
        new = {"minigrad": _arr(m_params[n]), "torch": _arr(t_params[n])}
        lr_grad = {side: _times(lr, grads[side][n]) for side in ("minigrad", "torch")}
        diff = float(np.max(np.abs(new["minigrad"].astype(np.float64) - new["torch"].astype(np.float64))))
        lines.append(f"  {n}  {shape_str(new['minigrad'].shape)}")
        for what, values in (("p", before), ("lr·grad", {s_: {n: lr_grad[s_]} for s_ in lr_grad}),
                             ("new p = p − lr·grad", {s_: {n: new[s_]} for s_ in new})):
            lines.append(f"    {what:<20} minigrad {format_array(values['minigrad'][n])}")
            tail = f"   max |Δ| = {_d(diff)}" if what.startswith("new") else ""
            lines.append(f"    {'':<20} torch    {format_array(values['torch'][n])}{tail}")
        result.updates[n] = {"minigrad_new": new["minigrad"], "torch_new": new["torch"],
                             "minigrad_grad": grads["minigrad"][n], "torch_grad": grads["torch"][n]}
    mg.optimizer.zero_grad()
    th.optimizer.zero_grad()
    nones = all(p.grad is None for p in m_params.values()) and all(p.grad is None for p in t_params.values())
    lines.append(f"  then optimizer.zero_grad(): every .grad is None again on both engines: {'yes' if nones else 'NO'}"
                 " (without it, the next backward would add to these gradients)")
    result.text = "\n".join(line.rstrip() for line in lines)
    return result
