"""``minigrad explain classifier``: the softmax classifier's training step opened up, checked against torch.

The expected values come from torch alone: a fresh torch pipeline (``torch_ref.classifier``) built from the same
seed, its graph walked through ``next_functions``, its nodes hooked with ``grad_fn.register_hook`` to record the
order torch's engine ran them and the gradients they sent, and its parameters after ``optimizer.step()``.
Values are compared with the tolerance policy (``minigrad.testing.tolerances``).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from minigrad.cli import main as cli_main
from minigrad.cli.explain import explain
from minigrad.examples import EXAMPLES, STUDY_EXAMPLES, data, make_pipelines
from minigrad.testing.tolerances import assert_close, training_ops
from torch_ref import classifier as torch_classifier

ROOT = Path(__file__).resolve().parent.parent
N_TRAIN, N_FEATURES = 90, 4


def torch_step(step: int, dtype: str, lr: float = 0.1, seed: int = 0) -> dict[str, Any]:
    """torch's classifier at step ``step``: its node names in graph order (depth first from the loss), the order
    its engine ran them, what each node sent, dL/d(logits), the parameters' gradients and their values after
    one more SGD step."""
    p = torch_classifier.make_pipeline(dtype, lr, seed=seed)
    for _ in range(step):
        torch_classifier.train_step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    logits = p.model(p.inputs)
    loss = p.criterion(logits, p.targets)
    ran: list[str] = []
    sent: dict[str, list[np.ndarray | None]] = {}
    graph: list[str] = []
    stack, seen = [loss.grad_fn], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        graph.append(node.name())

        def hook(grad_inputs: tuple[Any, ...], grad_outputs: tuple[Any, ...], node: Any = node) -> None:
            ran.append(node.name())
            sent.setdefault(node.name(), []).extend(None if g is None else g.detach().numpy().copy()
                                                    for g in grad_inputs)

        node.register_hook(hook)
        stack.extend(f for f, _ in reversed(node.next_functions) if f is not None)
    logits.retain_grad()
    loss.backward()
    params = dict(p.model.named_parameters())
    grads = {n: q.grad.detach().numpy().copy() for n, q in params.items()}
    p.optimizer.step()
    return {"graph": graph, "ran": ran, "sent": sent, "dlogits": logits.grad.detach().numpy().copy(),
            "grads": grads, "new": {n: q.detach().numpy().copy() for n, q in params.items()}}


@pytest.mark.parametrize(("step", "dtype"), [(0, "float32"), (3, "float32"), (2, "float64")])
def test_explanation_follows_torch_node_for_node(step: int, dtype: str) -> None:
    result = explain("classifier", step=step, dtype=dtype)
    expected = torch_step(step, dtype)
    n_ops = (step + 1) * training_ops(N_TRAIN, N_FEATURES)
    dt = np.dtype(dtype)

    # the graph, and the order backward ran its nodes, are torch's
    assert expected["graph"][:3] == ["NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0"]
    assert result.trace.names() == expected["ran"]
    assert result.torch_order == expected["ran"]
    assert "the same nodes and edges" in result.text

    # every node states its rule, and the text shows it
    for rec in result.trace.records:
        assert rec.formula.strip(), rec.name
        assert f"rule      : {rec.formula}" in result.text
    rules = {rec.name: rec.formula for rec in result.trace.records}
    assert "softmax" in rules["LogSoftmaxBackward0"] and "Xᵀ" in rules["AddmmBackward0"]

    # every gradient pair: present on both sides and within the policy; torch's side is torch's own
    assert len(result.pairs) >= 12
    for pair in result.pairs:
        assert pair.minigrad is not None and pair.torch is not None, (pair.node, pair.what)
        assert pair.minigrad.dtype == pair.torch.dtype == dt
        assert_close(pair.minigrad, pair.torch, dtype=dt, n_ops=n_ops, what=f"{pair.node} {pair.what}")
    by_what = {(p.node, p.what): p for p in result.pairs}
    assert_close(by_what[("y_pred", "dL/d(y_pred)")].torch, expected["dlogits"], dtype=dt, n_ops=n_ops)
    nll_sent = by_what[("NllLossBackward0", "sends [0] → LogSoftmaxBackward0")]
    assert_close(nll_sent.torch, expected["sent"]["NllLossBackward0"][0], dtype=dt, n_ops=n_ops)
    for name, grad in expected["grads"].items():
        assert_close(by_what[(name, f"dL/d({name})")].minigrad, grad, dtype=dt, n_ops=n_ops, what=name)
    assert "within minigrad's tolerance policy (minigrad.testing.tolerances): yes" in result.text

    # the SGD update p ← p − 0.1·grad lands where torch's optimizer.step() does
    assert set(result.updates) == set(expected["new"]) == {"linear.weight", "linear.bias"}
    for name, u in result.updates.items():
        assert_close(u["minigrad_new"], expected["new"][name], dtype=dt, n_ops=n_ops + 2, what=name)
        assert_close(u["torch_new"], expected["new"][name], dtype=dt, n_ops=1, what=name)
    assert "lr = 0.1)" in result.text
    assert "every .grad is None again on both engines: yes" in result.text


def test_explain_classifier_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["explain", "classifier"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("minigrad explain classifier --step 0: softmax classifier")
    assert "seed 0, lr 0.1, float32" in out
    assert ("order: NllLossBackward0 → LogSoftmaxBackward0 → AddmmBackward0 → AccumulateGrad → TBackward0 → "
            "AccumulateGrad") in out
    assert cli_main(["explain", "classifier", "--lr", "0.5"]) == 0
    assert "lr 0.5" in capsys.readouterr().out
    assert cli_main(["explain", "example1"]) == 0  # the seeds keep their own 0.01
    assert "lr 0.01," in capsys.readouterr().out


def test_classifier_is_a_study_example_not_a_seed() -> None:
    assert "classifier" in STUDY_EXAMPLES and "classifier" not in EXAMPLES


def _body(path: Path) -> str:
    """The module without its docstring and imports: what must be identical in the two twins."""
    tree = ast.parse(path.read_text())
    tree.body = [n for n in tree.body[1:] if not isinstance(n, (ast.Import, ast.ImportFrom))]
    return ast.unparse(tree)


def test_twins_are_line_for_line() -> None:
    assert _body(ROOT / "minigrad/examples/classifier.py") == _body(ROOT / "torch_ref/classifier.py")


def test_blobs_data() -> None:
    X_train, X_test, y_train, y_test = data.blobs_data()
    assert X_train.shape == (N_TRAIN, N_FEATURES) and X_test.shape == (30, N_FEATURES)
    assert y_train.dtype == y_test.dtype == np.int64 and set(np.unique(y_train)) == {0, 1, 2}
    again = data.blobs_data()
    assert all(np.array_equal(a, b) for a, b in zip((X_train, X_test, y_train, y_test), again))


def test_training_mirrors_torch() -> None:
    mg, th = make_pipelines("classifier", lr=0.1, seed=0)
    assert th.targets.dtype == torch.int64 and str(mg.targets.dtype).endswith("int64")
    from minigrad.examples import classifier as mg_classifier

    for k in range(1, 21):
        a = mg_classifier.train_step(mg.model, mg.criterion, mg.optimizer, mg.inputs, mg.targets).item()
        b = torch_classifier.train_step(th.model, th.criterion, th.optimizer, th.inputs, th.targets).item()
        assert_close(np.float32(a), np.float32(b), dtype=np.float32, n_ops=k * training_ops(N_TRAIN, N_FEATURES))
    acc_mg, cls_mg = mg_classifier.evaluate(mg.model, mg.test_inputs, mg.test_targets)
    acc_th, cls_th = torch_classifier.evaluate(th.model, th.test_inputs, th.test_targets)
    assert acc_mg == acc_th and acc_th > 0.8
    assert np.array_equal(cls_mg.numpy(), cls_th.numpy())
