"""The tiny engine (docs/tiny_engine.py) against minigrad on the three seed examples: the same graph (node names,
edge for edge, in order) and the same numbers (losses every step and the parameters after them, within the
tolerance policy's training tolerance). Its own Functions (add, mul, sum, mean) and unbroadcast are checked
against NumPy's closed forms. minigrad is the reference here because the tiny engine claims to be minigrad in
small; minigrad itself is held against torch by the rest of the suite."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad
from benchmarks.lower_bound import load_tiny_engine, minigrad_graph
from minigrad.examples import data
from minigrad.testing.tolerances import training_ops, training_tolerance

tiny = load_tiny_engine()
STEPS = 5
LR = 0.01


def _seed(name: str) -> tuple[np.ndarray, np.ndarray, str]:
    """The seed example's training arrays (float32, y as a column) and its loss."""
    if name == "ex1":
        x, y, _ = data.toy_data()
        loss = "mse"
    elif name == "ex2":
        x, y = data.regression_data()
        loss = "mse"
    else:
        x, _, y, _ = data.breast_cancer_data()
        loss = "bce"
    return np.ascontiguousarray(x, np.float32), np.ascontiguousarray(y, np.float32).reshape(-1, 1), loss


def _flat(graph: Any) -> list[str]:
    """Node names in depth-first order of the edges (None: an input that needs no gradient)."""
    if graph is None:
        return ["None"]
    name, children = graph
    return [name] + [n for c in children for n in _flat(c)]


@pytest.mark.parametrize("name", ["ex1", "ex2", "ex3"])
def test_tiny_engine_builds_minigrads_graph_and_numbers(name: str) -> None:
    x, y, loss_name = _seed(name)
    minigrad.manual_seed(0)
    layer = minigrad.nn.Linear(x.shape[1], 1)  # the seeds' model (ex1 wraps it in a Module: the same graph)
    assert layer.bias is not None
    weight0, bias0 = layer.weight.detach().numpy().copy(), layer.bias.detach().numpy().copy()
    criterion = minigrad.nn.MSELoss() if loss_name == "mse" else minigrad.nn.BCELoss()
    opt = minigrad.optim.SGD(layer.parameters(), lr=LR)
    X, Y = minigrad.from_numpy(x), minigrad.from_numpy(y)

    def mg_forward() -> Any:
        out = layer(X)
        return criterion(minigrad.sigmoid(out) if loss_name == "bce" else out, Y)

    w, b = tiny.parameter(weight0.copy()), tiny.parameter(bias0.copy())
    tx, ty = tiny.Tensor(x), tiny.Tensor(y)
    tiny_loss = tiny.mse_loss if loss_name == "mse" else tiny.binary_cross_entropy
    tiny_opt = tiny.SGD([w, b], LR)

    def tiny_forward() -> Any:
        out = tiny.linear(tx, w, b)
        return tiny_loss(tiny.sigmoid(out) if loss_name == "bce" else out, ty)

    mg_graph, tiny_graph = minigrad_graph(mg_forward().grad_fn), tiny.describe(tiny_forward().grad_fn)
    assert _flat(tiny_graph) == _flat(mg_graph)
    assert tiny_graph == mg_graph
    head = {"mse": ["MseLossBackward0"], "bce": ["BinaryCrossEntropyBackward0", "SigmoidBackward0"]}[loss_name]
    # torch's graph of these seeds: addmm(bias, X, Wᵀ), the data X and the target needing no gradient
    assert _flat(tiny_graph) == [*head, "AddmmBackward0", "AccumulateGrad", "None", "TBackward0", "AccumulateGrad",
                                 "None"]

    mg_losses: list[float] = []
    tiny_losses: list[float] = []
    for _ in range(STEPS):
        for forward, opt_, losses in ((mg_forward, opt, mg_losses), (tiny_forward, tiny_opt, tiny_losses)):
            loss = forward()
            loss.backward()
            opt_.step()
            opt_.zero_grad()
            losses.append(float(loss.data) if isinstance(loss, tiny.Tensor) else loss.item())
    ops = training_ops(*x.shape)
    scale = max(max(mg_losses), 1.0)
    for step, (m, t) in enumerate(zip(mg_losses, tiny_losses), start=1):
        tol = training_tolerance(np.float32, steps=step, ops_per_step=ops, scale=scale)
        assert abs(t - m) <= tol.atol + tol.rtol * abs(m), f"step {step}: loss {t} vs minigrad's {m} ({tol.reason})"
    for ours, theirs in ((w.data, layer.weight.detach().numpy()), (b.data, layer.bias.detach().numpy())):
        tol = training_tolerance(np.float32, steps=STEPS, ops_per_step=ops,
                                 scale=max(float(np.abs(theirs).max()), 1.0))
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        assert np.all(np.abs(ours - theirs) <= tol.atol + tol.rtol * np.abs(theirs)), (ours, theirs, tol.reason)


def test_tiny_engine_elementwise_functions_and_unbroadcast() -> None:
    """add, mul, sum, mean against closed forms; the bias-like (3,) and (1, 3) operands are unbroadcast."""
    rng = np.random.default_rng(0)
    a_data, b_data, c_data = rng.standard_normal((4, 3)), rng.standard_normal(3), rng.standard_normal((1, 3))
    a, b, c = (tiny.parameter(v.copy()) for v in (a_data, b_data, c_data))
    loss = ((a * b) + c).mean()
    assert _flat(tiny.describe(loss.grad_fn)) == ["MeanBackward0", "AddBackward0", "MulBackward0", "AccumulateGrad",
                                                  "AccumulateGrad", "AccumulateGrad"]
    loss.backward()
    n = a_data.size
    np.testing.assert_allclose(float(loss.data), float(np.mean(a_data * b_data + c_data)), rtol=1e-12)
    np.testing.assert_allclose(a.grad.data, np.broadcast_to(b_data / n, (4, 3)), rtol=1e-12)
    np.testing.assert_allclose(b.grad.data, a_data.sum(axis=0) / n, rtol=1e-12)
    np.testing.assert_allclose(c.grad.data, np.full((1, 3), 4 / n), rtol=1e-12)
    s = tiny.parameter(a_data.copy())
    s.sum().backward()
    np.testing.assert_array_equal(s.grad.data, np.ones((4, 3)))
    assert tiny.unbroadcast(np.ones((2, 4, 3)), (1, 3)).tolist() == [[8.0, 8.0, 8.0]]


def test_backward_runs_each_node_after_every_node_that_sends_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A diamond (x feeds two branches that meet again): each node runs once, after all its senders, and the
    leaf receives the sum of both branches' gradients: d(x² + x³)/dx = 2x + 3x² = 5 at x = 1."""
    ran: list[Any] = []
    for cls in (tiny.Add, tiny.Mul, tiny.Sum, tiny.AccumulateGrad):
        def recording(self: Any, grad: np.ndarray, _backward: Any = cls.backward) -> Any:
            ran.append(self)
            return _backward(self, grad)

        monkeypatch.setattr(cls, "backward", recording)
    x = tiny.parameter(np.ones(3))
    y = x * x
    z = (y + y * x).sum()
    z.backward()
    assert len(ran) == len(set(ran)) == 5
    for i, node in enumerate(ran):
        for nxt in node.next_functions:
            if nxt is not None:
                assert ran.index(nxt) > i
    np.testing.assert_array_equal(x.grad.data, np.full(3, 5.0))
