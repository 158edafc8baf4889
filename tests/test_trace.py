"""minigrad.autograd.trace and ``minigrad explain``: backward, node by node, against torch's own hooks.

torch's side is captured with ``grad_fn.register_hook`` on each of its nodes (the gradients a node received
and sent) and the expected order constraints come from torch's graph; values are compared with
``minigrad.testing.assert_close``.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad import viz
from minigrad.autograd import engine
from minigrad.autograd.trace import Trace, TraceRecord, trace
from minigrad.cli import main as cli_main
from minigrad.cli.explain import explain
from minigrad.examples import make_pipelines
from minigrad.testing import assert_close

EXAMPLES = ["example1", "example2", "example3"]


def hook_all(t_loss: Any) -> tuple[dict[int, tuple[tuple[Any, ...], tuple[Any, ...]]], list[Any]]:
    """Register a hook on every node of torch's graph: {id(node): (grad_inputs, grad_outputs)}, run order."""
    seen: dict[int, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
    order: list[Any] = []
    stack, visited = [t_loss.grad_fn], set()
    while stack:
        n = stack.pop()
        if id(n) in visited:
            continue
        visited.add(id(n))

        def hook(gi: tuple[Any, ...], go: tuple[Any, ...], n: Any = n) -> None:
            seen[id(n)] = (tuple(None if g is None else g.detach().numpy().copy() for g in gi),
                           tuple(None if g is None else g.detach().numpy().copy() for g in go))
            order.append(n)

        n.register_hook(hook)
        stack.extend(f for f, _ in n.next_functions if f is not None)
    return seen, order


def assert_valid_order(records: list[TraceRecord], root: Any) -> None:
    """Every node of the graph runs exactly once, after every node that sends it a gradient."""
    graph = viz.graph_of(root)
    nodes = [n.obj for n in graph.nodes]
    ran = [r.node for r in records]
    assert all(n is not None for n in ran)
    assert sorted(map(id, ran)) == sorted(map(id, nodes)), "the trace must list every node once"
    position = {id(n): i for i, n in enumerate(ran)}
    for n in nodes:
        for nxt, _ in n.next_functions:
            if nxt is not None:
                assert position[id(n)] < position[id(nxt)], f"{nxt.name()} ran before {n.name()}, which feeds it"


def compare_with_torch(tr: Trace, m_loss: Any, t_loss: Any, seen: dict[int, Any], dtype: Any, n_ops: int) -> int:
    """Each record's received and sent gradients equal those torch's twin node received and sent."""
    twin = {id(m): t for m, t in viz.match_nodes(m_loss, t_loss)}
    compared = 0
    for rec in tr.records:
        t_in, t_out = seen[id(twin[id(rec.node)])]
        assert_close(rec.grad_output, t_out[0], dtype=dtype, n_ops=n_ops, what=f"{rec.name} received")
        assert len(rec.grad_inputs) == len(t_in), rec.name
        for k, (mine, theirs) in enumerate(zip(rec.grad_inputs, t_in)):
            assert (mine is None) == (theirs is None), f"{rec.name} slot {k}: None on one side only"
            if mine is not None:
                assert_close(mine, theirs, dtype=dtype, n_ops=n_ops, what=f"{rec.name} sends [{k}]")
                compared += 1
        compared += 1
    return compared


def step_ops(n: int, step: int) -> int:
    """float32 op count of a gradient at training step ``step`` on ``n`` samples: each step is a reduction over
    the n samples (ceil(log2 n) + 1 ops, see minigrad.testing.sum_ops) plus a few elementwise ops (loss
    gradient, sigmoid, update), and the parameters it starts from carry every earlier step's rounding."""
    return (step + 1) * (int(np.ceil(np.log2(max(n, 1)))) + 1 + 4)


# ---------------------------------------------------------------------------------------------- seed pipelines
@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("step", [0, 2])
def test_trace_matches_torch_hooks(example: str, step: int) -> None:
    mg, th = make_pipelines(example, seed=0)
    for _ in range(step):
        for p in (mg, th):
            loss = p.criterion(p.model(p.inputs), p.targets)
            loss.backward()
            p.optimizer.step()
            p.optimizer.zero_grad()
    m_loss = mg.criterion(mg.model(mg.inputs), mg.targets)
    t_loss = th.criterion(th.model(th.inputs), th.targets)
    seen, _ = hook_all(t_loss)
    with trace(mg.model) as tr:
        m_loss.backward()
    t_loss.backward()
    assert_valid_order(tr.records, m_loss)
    ops = step_ops(mg.inputs.shape[0], step)
    assert compare_with_torch(tr, m_loss, t_loss, seen, np.float32, n_ops=ops) \
        == sum(1 + sum(g is not None for g in r.grad_inputs) for r in tr.records)
    for rec in tr.records:
        if rec.is_leaf:  # what AccumulateGrad stored is what torch's parameter got
            name = rec.leaf
            assert rec.first is True and rec.grad_before is None
            assert_close(rec.grad_after, dict(th.model.named_parameters())[name].grad, dtype=np.float32,
                         n_ops=ops, what=f"{name}.grad")


def test_example1_trace_in_detail() -> None:
    mg, th = make_pipelines("example1", seed=0)
    m_loss = mg.criterion(mg.model(mg.inputs), mg.targets)
    t_loss = th.criterion(th.model(th.inputs), th.targets)
    _, t_order = hook_all(t_loss)
    with trace(mg.model) as tr:
        m_loss.backward()
    t_loss.backward()
    # at step 0 the order is torch's own order, node for node
    assert tr.names() == [n.name() for n in t_order]
    assert [r.leaf for r in tr.records if r.is_leaf] == ["lin.bias", "lin.weight"]
    mse, addmm = tr.records[0], tr.records[1]
    assert mse.formula == minigrad.ops.loss.MseLoss.formula
    assert mse.targets == ("AddmmBackward0", None)
    assert mse.grad_inputs[1] is None
    # Addmm sends dL/dy (4, 1) to the bias, and the engine sums it to the bias's shape (1,)
    assert addmm.grad_inputs[0].shape == (1,) and addmm.unbroadcast == (True, False, False)
    assert addmm.grad_input_norms[2] == pytest.approx(float(np.linalg.norm(addmm.grad_inputs[2])))
    table = tr.table()
    for name in ("MseLossBackward0", "AddmmBackward0", "TBackward0", "AccumulateGrad  (lin.weight)",
                 "summed over broadcast dims", "lin.weight.grad = dL/d(lin.weight)"):
        assert name in table


def test_accumulation_is_recorded() -> None:
    w = minigrad.tensor([1.0, -2.0], requires_grad=True)
    with trace({"w": w}) as tr:
        (w * 3).sum().backward()
        (w * w).sum().backward()  # no zero_grad: adds into w.grad
    leaf = [r for r in tr.records if r.is_leaf]
    assert [r.first for r in leaf] == [True, False]
    np.testing.assert_array_equal(leaf[1].grad_before, [3.0, 3.0])
    np.testing.assert_array_equal(leaf[1].grad_output, [2.0, -4.0])
    np.testing.assert_array_equal(leaf[1].grad_after, [5.0, -1.0])
    assert "w.grad += dL/d(w)" in leaf[1].formula


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4), elements=st.floats(-3, 3)),
       st.integers(1, 3))
def test_leaf_record_sums_every_path(x: np.ndarray, k: int) -> None:
    """A leaf used on several paths: its AccumulateGrad runs once, receiving the sum, equal to torch's .grad."""
    m = minigrad.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    m_out, t_out = m, t
    for _ in range(k):
        m_out, t_out = m_out * m + m.tanh(), t_out * t + t.tanh()
    with trace({"x": m}) as tr:
        m_out.sum().backward()
    t_out.sum().backward()
    leaf = [r for r in tr.records if r.is_leaf]
    assert len(leaf) == 1
    assert_close(leaf[0].grad_output, t.grad, n_ops=6 * k, what="dL/dx")
    assert_close(m.grad, t.grad, n_ops=6 * k, what="x.grad")


_UNARY = ("exp", "tanh", "sigmoid", "neg")
_BINARY = ("add", "mul", "sub")


@st.composite
def programs(draw: st.DrawFn) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """Leaf values and a random straight-line program over a growing pool of tensors (shared subexpressions)."""
    x = draw(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=3), elements=st.floats(-2, 2)))
    prog = [(draw(st.sampled_from(_UNARY + _BINARY)), draw(st.integers(0, 1 + i)), draw(st.integers(0, 1 + i)))
            for i in range(draw(st.integers(1, 8)))]
    return x, prog


def _run(lib: Any, x: np.ndarray, prog: list[tuple[str, int, int]]) -> Any:
    pool = [lib.tensor(x, requires_grad=True), lib.tensor(x * 0.5, requires_grad=True)]
    for op, i, j in prog:
        pool.append(getattr(pool[i], op)() if op in _UNARY else getattr(pool[i], op)(pool[j]))
    return pool[-1].sum()


@given(programs())
def test_trace_of_random_graphs_matches_torch(case: tuple[np.ndarray, list[tuple[str, int, int]]]) -> None:
    """Any graph: every node once, in a valid order, each gradient in and out equal to torch's hooks."""
    x, prog = case
    m, t = _run(minigrad, x, prog), _run(torch, x, prog)
    seen, _ = hook_all(t)
    with trace() as tr:
        m.backward()
    t.backward()
    assert_valid_order(tr.records, m)
    compare_with_torch(tr, m, t, seen, np.float64, n_ops=2 * len(prog) + 2)


# ---------------------------------------------------------------------------------------------- lifecycle
def test_observer_is_removed_on_exit_even_after_an_exception() -> None:
    before = list(engine.node_observers)
    x = minigrad.tensor([1.0], requires_grad=True)

    class Boom(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx: Any, a: Any) -> Any:
            return a * 1

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"), trace() as tr:
        assert len(engine.node_observers) == len(before) + 1
        (Boom.apply(x) * 2).sum().backward()
    assert engine.node_observers == before
    assert tr.names()[:1] == ["SumBackward0"]  # what ran before the failure is kept
    with pytest.raises(KeyError), trace():
        raise KeyError("inside the block")
    assert engine.node_observers == before


def test_threads_see_only_their_own_backward() -> None:
    barrier = threading.Barrier(2)
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def work(name: str, op: str) -> None:
        try:
            x = minigrad.tensor(np.linspace(0.1, 1, 50), requires_grad=True)
            with trace() as tr:
                barrier.wait()
                for _ in range(20):
                    getattr(x, op)().sum().backward()
                barrier.wait()
            results[name] = tr.names()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=("a", "exp")), threading.Thread(target=work, args=("b", "tanh"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert set(results["a"]) == {"SumBackward0", "ExpBackward0", "torch::autograd::AccumulateGrad"}
    assert set(results["b"]) == {"SumBackward0", "TanhBackward0", "torch::autograd::AccumulateGrad"}
    assert len(results["a"]) == len(results["b"]) == 60


def test_trace_ignores_another_threads_backward() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with trace() as tr:
        t = threading.Thread(target=lambda: x.exp().sum().backward())
        t.start()
        t.join()
        x.tanh().sum().backward()
    assert tr.names() == ["SumBackward0", "TanhBackward0", "torch::autograd::AccumulateGrad"]


# ---------------------------------------------------------------------------------------------- minigrad explain
def test_explain_example1_agrees_with_torch() -> None:
    result = explain("example1", step=1)
    text = result.text
    for section in ("1. Forward", "2. The backward graph", "3. Backward on minigrad", "4. The same gradients",
                    "5. The SGD update"):
        assert section in text
    assert "the same nodes and edges" in text
    assert "within minigrad's tolerance policy (minigrad.testing.tolerances): yes" in text
    assert "every .grad is None again on both engines: yes" in text
    nodes = {p.node for p in result.pairs}
    assert {"MseLossBackward0", "AddmmBackward0", "TBackward0", "AccumulateGrad (lin.weight)",
            "AccumulateGrad (lin.bias)", "y_pred", "lin.weight"} <= nodes
    for p in result.pairs:
        assert p.minigrad is not None and p.torch is not None
        assert_close(p.minigrad, p.torch, dtype=np.float32, n_ops=8, what=f"{p.node} {p.what}")
    for name, u in result.updates.items():
        assert_close(u["minigrad_new"], u["torch_new"], dtype=np.float32, n_ops=8, what=name)
        # the update printed is p − lr·grad of the gradients shown
        assert_close(u["minigrad_grad"], u["torch_grad"], dtype=np.float32, n_ops=8, what=name)


def test_explain_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["explain", "example1", "--step", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("minigrad explain example1 --step 0")
    assert "MseLossBackward0 → AddmmBackward0" in out
    assert cli_main(["explain", "example1", "--step", "-1"]) == 2
    with pytest.raises(SystemExit):
        cli_main(["explain", "example4"])
