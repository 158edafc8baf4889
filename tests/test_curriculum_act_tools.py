"""The study tools on a softmax classifier (Linear -> cross_entropy): trace, make_dot and gradcheck know the new
nodes, each states its rule, and trace's gradients are torch's (captured with torch's own node hooks).

``minigrad explain`` is not covered: it runs the three seed pipelines only (it takes no graph of the user's).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import minigrad
from minigrad import viz
from minigrad.autograd import gradcheck
from minigrad.autograd.trace import trace
from minigrad.testing import assert_close

VARIANTS = {
    "indices": {},
    "label_smoothing": {"label_smoothing": 0.2, "weight": [0.5, 1.0, 2.0]},
    "probabilities": {"probs": True},
    "ignore_index": {"ignore_index": 1, "reduction": "sum"},
}


def classifier(lib: Any, variant: str, dtype: Any) -> tuple[Any, Any]:
    """(model, loss) for one forward pass of Linear(4, 3) + cross_entropy on fixed data (the same on both sides)."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((6, 4)), dtype=dtype)
    model = lib.nn.Linear(4, 3).to(dtype)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(rng.standard_normal((3, 4)) * 0.5, dtype=dtype))
        model.bias.copy_(lib.tensor(rng.standard_normal(3) * 0.1, dtype=dtype))
    kw = dict(VARIANTS[variant])
    if kw.pop("probs", False):
        target = lib.softmax(lib.tensor(rng.standard_normal((6, 3)), dtype=dtype), 1)
    else:
        target = lib.tensor(rng.integers(0, 3, 6))
    if "weight" in kw:
        kw["weight"] = lib.tensor(kw["weight"], dtype=dtype)
    return model, lib.nn.functional.cross_entropy(model(x), target, **kw)


def torch_backward_order(loss: torch.Tensor) -> list[tuple[str, np.ndarray | None]]:
    """(node name, gradient it received) for every node of torch's graph, in the order torch's engine ran them."""
    order: list[tuple[str, np.ndarray | None]] = []
    stack, seen = [loss.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))

        def hook(grad_inputs: Any, grad_outputs: Any, name: str = node.name()) -> None:
            g = grad_outputs[0] if grad_outputs else None
            order.append((name, None if g is None else g.detach().numpy().copy()))

        node.register_hook(hook)
        stack.extend(n for n, _ in node.next_functions)
    loss.backward()
    return order


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_trace_runs_torchs_nodes_in_torchs_order_with_torchs_gradients(variant: str) -> None:
    m_model, m_loss = classifier(minigrad, variant, minigrad.float64)
    _, t_loss = classifier(torch, variant, torch.float64)
    expected = torch_backward_order(t_loss)
    with trace(m_model) as tr:
        m_loss.backward()
    assert tr.names() == [name for name, _ in expected]
    compared = 0
    for rec, (name, grad) in zip(tr.records, expected):
        assert rec.formula, f"{rec.name} states no rule"
        assert (grad is None) == (rec.grad_output is None) or rec.is_leaf, name
        if grad is not None and rec.grad_output is not None:
            assert_close(rec.grad_output, grad, n_ops=8, what=f"gradient received by {name}")
            compared += 1
    assert compared >= sum(not r.is_leaf for r in tr.records)
    table = tr.table()
    assert "LogSoftmaxBackward0" in table and "(no formula given)" not in table


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_make_dot_draws_torchs_graph(variant: str) -> None:
    m_model, m_loss = classifier(minigrad, variant, minigrad.float32)
    t_model, t_loss = classifier(torch, variant, torch.float32)
    assert viz.graph_of(m_loss, m_model).structure() == viz.torch_graph_of(t_loss, t_model).structure()
    dot = viz.make_dot(m_loss, m_model, torch_root=t_loss, torch_params=t_model)
    assert "same nodes, same edges" in dot
    for node in viz.graph_of(m_loss, m_model).nodes:
        assert node.formula, f"{node.name} has no rule to show"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_gradcheck_on_the_classifier(variant: str) -> None:
    model, _ = classifier(minigrad, variant, minigrad.float64)
    rng = np.random.default_rng(0)
    x = minigrad.tensor(rng.standard_normal((6, 4)))
    kw = dict(VARIANTS[variant])
    probs = kw.pop("probs", False)
    target = minigrad.softmax(minigrad.randn(6, 3, dtype=minigrad.float64), 1) if probs else \
        minigrad.tensor(rng.integers(0, 3, 6))
    if "weight" in kw:
        kw["weight"] = minigrad.tensor(kw["weight"], dtype=minigrad.float64)
    w = model.weight.detach().requires_grad_()
    b = model.bias.detach().requires_grad_()
    assert gradcheck(lambda w_, b_: minigrad.nn.functional.cross_entropy(x @ w_.T + b_, target, **kw), (w, b))


def test_new_nodes_state_their_rules() -> None:
    """Every op class this work added carries its backward rule, in ``formula`` and in the docstring."""
    from minigrad.ops import activation, loss_regression, nll, softmax

    for module in (activation, softmax, nll, loss_regression):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, minigrad.autograd.Function):
                assert obj.formula and obj.__doc__ and "dL/d" in obj.__doc__ + obj.formula, name
                assert obj.node_name.endswith(("Backward0", "Backward1")), name
