"""The study tools show the new layers: a CNN's backward graph (viz.graph_of / make_dot) is torch's graph node
for node and edge for edge, and autograd.trace of an RNN unrolled over 3 steps shows, step by step, the same
dL/dh_t that torch computes for each hidden state."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import torch

import minigrad
from minigrad.testing.tolerances import assert_close
from minigrad.viz import graph_of, make_dot, torch_graph_of
from tests._layers_compare import grad_of


def _cnn(lib: Any) -> Any:
    nn = lib.nn
    lib.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(2, 3, 3, padding=1), nn.AdaptiveAvgPool2d((2, 2)))


def test_cnn_graph_is_torchs() -> None:
    x = np.random.default_rng(0).standard_normal((2, 1, 10, 10)).astype(np.float32)
    roots = {}
    for lib in (torch, minigrad):
        model = _cnn(lib)
        y = model(lib.tensor(x))
        roots[lib.__name__] = (lib.nn.functional.linear(y.flatten(1), lib.ones(1, 12)).sum(), model)
    gm, gt = graph_of(*roots["minigrad"]), torch_graph_of(*roots["torch"])
    assert gm.structure() == gt.structure()
    names = Counter(n.name for n in gm.nodes)
    for name in ("ConvolutionBackward0", "NativeBatchNormBackward0", "MaxPool2DWithIndicesBackward0",
                 "AdaptiveAvgPool2DBackward0"):
        assert names[name] >= 1
    dot = make_dot(*roots["minigrad"])
    assert dot.count("ConvolutionBackward0") >= 2 and "0.weight" in dot


def test_rnn_trace_over_three_steps_shows_torchs_per_step_gradients() -> None:
    x = np.array([[[1.0]], [[0.5]], [[-1.0]]])
    minigrad.manual_seed(0)
    rnn = minigrad.nn.RNN(1, 1, bias=False).double()
    _, h = rnn(minigrad.tensor(x))
    with minigrad.autograd.trace(rnn) as tr:
        h.sum().backward()
    dh = [r.grad_output for r in tr.records if r.name == "TanhBackward0"]  # dL/dh_3, dL/dh_2, dL/dh_1
    assert len(dh) == 3
    # torch, unrolled by hand with the same weights, keeping each hidden state's gradient
    w_ih = torch.tensor(rnn.weight_ih_l0.detach().numpy(), requires_grad=True)
    w_hh = torch.tensor(rnn.weight_hh_l0.detach().numpy(), requires_grad=True)
    hs, ht = [], torch.zeros(1, 1, dtype=torch.float64)
    for t in range(3):
        ht = torch.tanh(torch.tensor(x[t]) @ w_ih.T + ht @ w_hh.T)
        ht.retain_grad()
        hs.append(ht)
    ht.sum().backward()
    for got, h_t in zip(dh, reversed(hs)):
        assert_close(got, grad_of(h_t), what="dL/dh_t")
    assert_close(grad_of(rnn.weight_hh_l0), grad_of(w_hh), what="dL/dW_hh summed over steps")
    assert_close(grad_of(rnn.weight_ih_l0), grad_of(w_ih), what="dL/dW_ih")
    # W_hh's gradient reaches its leaf once per step (one TBackward0 each), summed before AccumulateGrad
    assert sum(r.name == "TBackward0" for r in tr.records) == 4  # 3 steps of W_hh + the input projection's W_ih
    assert [r.leaf for r in tr.records if r.is_leaf] == ["weight_hh_l0", "weight_ih_l0"]
