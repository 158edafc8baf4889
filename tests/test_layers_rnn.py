"""RNN (tanh/relu), LSTM, GRU and their cells against torch: seeded init bit-identical with torch's names and
layouts, outputs, final states, and gradients of input, initial state and every parameter (backward through
time), drawing num_layers, bidirectional, batch_first, bias, dropout between layers (train), initial state
given or not, batched or not; state_dict round trips; errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import strategies as mgst
from minigrad.testing import sum_ops
from minigrad.testing.tolerances import assert_close
from tests._layers_compare import grad_of, same_params

MODES = ["RNN", "RNN_relu", "LSTM", "GRU"]


def _make(lib: Any, mode: str, seed: int, **kw: Any) -> Any:
    lib.manual_seed(seed)
    if mode == "RNN_relu":
        return lib.nn.RNN(nonlinearity="relu", **kw)
    return getattr(lib.nn, mode)(**kw)


@st.composite
def rnn_case(draw: st.DrawFn, dtype: type) -> dict:
    kw: dict[str, Any] = dict(input_size=draw(st.integers(1, 4)), hidden_size=draw(st.integers(1, 4)),
              num_layers=draw(st.integers(1, 3)), bias=draw(st.booleans()), batch_first=draw(st.booleans()),
              bidirectional=draw(st.booleans()))
    if kw["num_layers"] > 1 and draw(st.booleans()):
        kw["dropout"] = draw(st.sampled_from([0.3, 0.5]))
    steps, batch = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    batched = draw(st.booleans()) or kw["batch_first"]
    shape = ((batch, steps) if kw["batch_first"] else (steps, batch)) if batched else (steps,)
    x = draw(mgst.arrays(dtype, (*shape, kw["input_size"]), min_value=-2.0, max_value=2.0, allow_subnormal=True))
    dirs = 2 if kw["bidirectional"] else 1
    hshape = (kw["num_layers"] * dirs, batch, kw["hidden_size"]) if batched else \
        (kw["num_layers"] * dirs, kw["hidden_size"])
    h = mgst.arrays(dtype, hshape, min_value=-1.0, max_value=1.0, allow_subnormal=True)
    h0 = [draw(h) for _ in range(2)] if draw(st.booleans()) else None
    return dict(mode=draw(st.sampled_from(MODES)), kw=kw, x=x, h0=h0, seed=draw(st.integers(0, 2**16)),
                train=draw(st.booleans()))


def _run(case: dict, dtype: type, n_ops: int, scale: float) -> None:
    mode, kw = case["mode"], case["kw"]
    th, mg = _make(torch, mode, case["seed"], **kw), _make(minigrad, mode, case["seed"], **kw)
    same_params(mg, th)
    if dtype == np.float64:
        th, mg = th.double(), mg.double()
    if not case["train"]:
        th.eval()
        mg.eval()
    tx, mx = torch.tensor(case["x"], requires_grad=True), minigrad.tensor(case["x"], requires_grad=True)
    th_h = mg_h = None
    if case["h0"] is not None:
        th_h = [torch.tensor(a, requires_grad=True) for a in case["h0"]]
        mg_h = [minigrad.tensor(a, requires_grad=True) for a in case["h0"]]
    lstm = mode == "LSTM"
    torch.manual_seed(case["seed"] + 1)
    minigrad.manual_seed(case["seed"] + 1)
    ot, st_t = th(tx, None if th_h is None else (tuple(th_h) if lstm else th_h[0]))
    om, st_m = mg(mx, None if mg_h is None else (tuple(mg_h) if lstm else mg_h[0]))
    states_t = list(st_t) if lstm else [st_t]
    states_m = list(st_m) if lstm else [st_m]
    assert_close(om.detach().numpy(), ot.detach().numpy(), n_ops=n_ops, scale=scale, what="output")
    for a, b in zip(states_m, states_t):
        assert_close(a.detach().numpy(), b.detach().numpy(), n_ops=n_ops, scale=scale, what="final state")
    rng = np.random.default_rng(case["seed"])
    gs: list[np.ndarray] = [rng.standard_normal(tuple(t.shape)).astype(dtype) for t in [ot, *states_t]]
    loss_t = sum((t * torch.tensor(g)).sum() for t, g in zip([ot, *states_t], gs))
    loss_m = sum((t * minigrad.tensor(g)).sum() for t, g in zip([om, *states_m], gs))
    loss_t.backward()
    loss_m.backward()
    grad_ops = 3 * n_ops
    assert_close(grad_of(mx), grad_of(tx), n_ops=grad_ops, scale=scale, what="input grad")
    if th_h is not None and mg_h is not None:
        for a, b in zip(mg_h, th_h):
            if b.grad is not None:
                assert_close(grad_of(a), grad_of(b), n_ops=grad_ops, scale=scale, what="h0 grad")
    for (name, pt), pm in zip(th.named_parameters(), mg.parameters()):
        if pt.grad is None:
            assert pm.grad is None, name
            continue
        assert_close(grad_of(pm), grad_of(pt), n_ops=grad_ops, scale=scale, what=f"grad of {name}")


@given(rnn_case(np.float64))
def test_recurrent_float64_matches_torch(case: dict) -> None:
    _run(case, np.float64, 1, 10.0)


@given(rnn_case(np.float32))
def test_recurrent_float32_within_training_tolerance(case: dict) -> None:
    kw = case["kw"]
    steps = case["x"].shape[1] if kw["batch_first"] and case["x"].ndim == 3 else case["x"].shape[0]
    per_step = sum_ops(kw["input_size"] + 2 * kw["hidden_size"] + 2) + 6
    # every step's result feeds the next (and each layer the next): errors chain over steps · layers
    _run(case, np.float32, steps * kw["num_layers"] * per_step, 10.0)


@pytest.mark.parametrize("mode", MODES)
def test_state_dict_moves_between_engines(mode: str) -> None:
    kw: dict[str, Any] = dict(input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    th, mg = _make(torch, mode, 1, **kw), _make(minigrad, mode, 2, **kw)
    assert repr(mg) == repr(th)
    mg.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in th.state_dict().items()})
    same_params(mg, th)
    x = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32)
    ot, om = th(torch.tensor(x))[0], mg(minigrad.tensor(x))[0]
    assert_close(om.detach().numpy(), ot.detach().numpy(), n_ops=200)


@st.composite
def cell_case(draw: st.DrawFn) -> dict:
    kw: dict[str, Any] = dict(input_size=draw(st.integers(1, 4)), hidden_size=draw(st.integers(1, 4)),
                              bias=draw(st.booleans()))
    batched = draw(st.booleans())
    batch = draw(st.integers(1, 3))
    x = draw(mgst.arrays(np.float64, (batch, kw["input_size"]) if batched else (kw["input_size"],),
                         min_value=-2.0, max_value=2.0, allow_subnormal=True))
    hs = (batch, kw["hidden_size"]) if batched else (kw["hidden_size"],)
    h = mgst.arrays(np.float64, hs, min_value=-1.0, max_value=1.0, allow_subnormal=True)
    h0 = [draw(h) for _ in range(2)] if draw(st.booleans()) else None
    return dict(kind=draw(st.sampled_from(["RNNCell", "RNNCell_relu", "LSTMCell", "GRUCell"])), kw=kw, x=x, h0=h0,
                seed=draw(st.integers(0, 2**16)))


@given(cell_case())
def test_cells_match_torch(case: dict) -> None:
    kind, kw = case["kind"], case["kw"]
    mods = []
    for lib in (torch, minigrad):
        lib.manual_seed(case["seed"])
        mods.append(lib.nn.RNNCell(nonlinearity="relu", **kw) if kind == "RNNCell_relu"
                    else getattr(lib.nn, kind)(**kw))
    th, mg = mods
    same_params(mg, th)
    assert repr(mg) == repr(th)
    th, mg = th.double(), mg.double()
    lstm = kind == "LSTMCell"
    tx, mx = torch.tensor(case["x"], requires_grad=True), minigrad.tensor(case["x"], requires_grad=True)
    th_h = mg_h = None
    if case["h0"] is not None:
        th_h = [torch.tensor(a, requires_grad=True) for a in case["h0"]]
        mg_h = [minigrad.tensor(a, requires_grad=True) for a in case["h0"]]
    out_t = th(tx, None if th_h is None else (tuple(th_h) if lstm else th_h[0]))
    out_m = mg(mx, None if mg_h is None else (tuple(mg_h) if lstm else mg_h[0]))
    out_t, out_m = (list(out_t), list(out_m)) if lstm else ([out_t], [out_m])
    for a, b in zip(out_m, out_t):
        assert_close(a.detach().numpy(), b.detach().numpy(), what="cell output")
        assert type(a.grad_fn).__name__ == type(b.grad_fn).__name__
    rng = np.random.default_rng(case["seed"])
    gs: list[np.ndarray] = [rng.standard_normal(tuple(t.shape)) for t in out_t]
    sum((t * torch.tensor(g)).sum() for t, g in zip(out_t, gs)).backward()
    sum((t * minigrad.tensor(g)).sum() for t, g in zip(out_m, gs)).backward()
    assert_close(grad_of(mx), grad_of(tx), what="input grad")
    for (name, pt), pm in zip(th.named_parameters(), mg.parameters()):
        assert_close(grad_of(pm), grad_of(pt), what=f"grad of {name}")
    if th_h is not None and mg_h is not None:
        for a, b in zip(mg_h, th_h):
            if b.grad is not None:
                assert_close(grad_of(a), grad_of(b), what="h0 grad")


def test_rnn_and_gru_record_per_step_graphs_like_torch() -> None:
    for mode in ("RNN", "GRU"):
        th, mg = _make(torch, mode, 0, input_size=2, hidden_size=3), _make(minigrad, mode, 0, input_size=2,
                                                                           hidden_size=3)
        x = np.ones((4, 1, 2), dtype=np.float32)
        ot = th(torch.tensor(x, requires_grad=True))[0]
        om = mg(minigrad.tensor(x, requires_grad=True))[0]
        assert type(om.grad_fn).__name__ == type(ot.grad_fn).__name__ == "StackBackward0"


ERRORS = [
    lambda lib: lib.nn.LSTM(4, 5)(lib.ones(3, 2, 6)),
    lambda lib: lib.nn.RNN(4, 5)(lib.ones(3, 2, 4, 1)),
    lambda lib: lib.nn.GRU(4, 5)(lib.ones(3, 2, 4, 1)),
    lambda lib: lib.nn.LSTM(4, 5)(lib.ones(3, 2, 4, 1)),
    lambda lib: lib.nn.RNN(4, 5, 2)(lib.ones(3, 2, 4), lib.ones(1, 2, 5)),
    lambda lib: lib.nn.LSTM(4, 5, 2)(lib.ones(3, 2, 4), (lib.ones(1, 2, 5), lib.ones(1, 2, 5))),
    lambda lib: lib.nn.GRU(4, 5)(lib.ones(3, 2, 4).double()),
    lambda lib: lib.nn.RNN(4, 5, nonlinearity="sigmoid"),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_recurrent_errors_match_torch(i: int) -> None:
    with pytest.raises(Exception) as th:
        ERRORS[i](torch)
    with pytest.raises(type(th.value)) as mg:
        ERRORS[i](minigrad)
    assert str(mg.value) == str(th.value).replace("torch.", "minigrad.")
