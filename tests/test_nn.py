"""nn against torch: Module bookkeeping, Parameter, Linear, Sequential, activations and the three losses
(values and gradients over generated shapes and values, every reduction, BCE at exactly 0 and 1)."""

from __future__ import annotations

import math
import warnings
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import minigrad
from minigrad.testing import (
    GRAD_OF_TRANSCENDENTAL,
    TRANSCENDENTAL,
    assert_matches_finite_differences,
    assert_same_error,
    dtype_name,
    sum_ops,
    to_numpy,
)
from minigrad.testing.tolerances import assert_close

FLOATS = ["float32", "float64"]
REDUCTIONS = ["mean", "sum", "none"]


def net(L: Any) -> Any:
    class Net(L.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.scale = L.nn.Parameter(L.ones(1))
            self.body = L.nn.Sequential(L.nn.Linear(3, 4), L.nn.ReLU(), L.nn.Linear(4, 2), L.nn.Tanh())
            self.head = L.nn.Linear(2, 1)
            self.not_a_parameter = L.zeros(1)
            self.act = L.nn.Sigmoid()

        def forward(self, x: Any) -> Any:
            return self.act(self.head(self.body(x)) * self.scale)

    return Net()


def both_seeded(build: Any) -> tuple[Any, Any]:
    minigrad.manual_seed(0)
    torch.manual_seed(0)
    return build(minigrad), build(torch)


# ------------------------------------------------------------------------------------------ Module
def test_module_registration_and_traversal_match_torch() -> None:
    a, b = both_seeded(net)
    assert [n for n, _ in a.named_parameters()] == [n for n, _ in b.named_parameters()]
    assert [tuple(p.shape) for p in a.parameters()] == [tuple(p.shape) for p in b.parameters()]
    assert [type(m).__name__ for m in a.children()] == [type(m).__name__ for m in b.children()]
    assert [type(m).__name__ for m in a.modules()] == [type(m).__name__ for m in b.modules()]
    assert [n for n, _ in a.named_children()] == [n for n, _ in b.named_children()]
    assert list(a.state_dict()) == list(b.state_dict())
    assert repr(a) == repr(b)
    for pa, pb in zip(a.parameters(), b.parameters()):  # same seed, same init order: the same numbers
        np.testing.assert_array_equal(to_numpy(pa), to_numpy(pb))
        assert isinstance(pa, minigrad.nn.Parameter) and pa.requires_grad and pa.is_leaf


def test_module_call_runs_forward_and_matches_torch() -> None:
    a, b = both_seeded(net)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    ya, yb = a(minigrad.tensor(x)), b(torch.tensor(x))
    assert_close(to_numpy(ya), to_numpy(yb), n_ops=4 * TRANSCENDENTAL + 2 * sum_ops(4))
    ya.sum().backward()
    yb.sum().backward()
    for (name, pa), pb in zip(a.named_parameters(), b.parameters()):
        assert_close(to_numpy(pa.grad), to_numpy(pb.grad), n_ops=8 * GRAD_OF_TRANSCENDENTAL, what=name)


def test_train_eval_and_zero_grad_like_torch() -> None:
    for L in (minigrad, torch):
        m = net(L)
        assert m.training and all(c.training for c in m.modules())
        assert m.eval() is m and not any(c.training for c in m.modules())
        m.train()
        assert all(c.training for c in m.modules())
        m(L.ones(2, 3)).sum().backward()
        m.zero_grad()
        assert all(p.grad is None for p in m.parameters())


def test_state_dict_shares_memory_and_load_accepts_numpy_and_tensors() -> None:
    a, b = both_seeded(net)
    sd = a.state_dict()
    assert all(not t.requires_grad for t in sd.values())
    sd["head.bias"].numpy()[0] = 42.0  # detached but sharing memory, as torch's
    assert a.head.bias[0].item() == 42.0
    rng = np.random.default_rng(1)
    new = OrderedDict((k, rng.normal(size=tuple(v.shape))) for k, v in b.state_dict().items())  # float64 arrays
    with pytest.raises(RuntimeError, match=r"expected minigrad\.Tensor or Tensor-like object from checkpoint but "
                       r"received <class .numpy\.ndarray.>"):
        a.load_state_dict(new)  # (torch refuses a NumPy array too)
    result = a.load_state_dict({k: minigrad.tensor(v) for k, v in new.items()})
    b.load_state_dict({k: torch.tensor(v) for k, v in new.items()})
    assert repr(result) == "<All keys matched successfully>"
    for (k, pa), pb in zip(a.state_dict().items(), b.state_dict().values()):
        assert dtype_name(pa) == dtype_name(pb) == "float32", k  # cast into the parameter's dtype
        np.testing.assert_array_equal(to_numpy(pa), to_numpy(pb))
    a.load_state_dict({k: minigrad.tensor(v) * 2 for k, v in new.items()})
    assert_close(to_numpy(a.head.weight), (new["head.weight"] * 2).astype(np.float32))
    assert a.head.weight.requires_grad and a.head.weight.is_leaf


def test_load_state_dict_strict_false_reports_like_torch() -> None:
    a, b = both_seeded(lambda L: L.nn.Linear(3, 2))
    ra = a.load_state_dict({"weight": minigrad.zeros(2, 3), "extra": minigrad.zeros(1)}, strict=False)
    rb = b.load_state_dict({"weight": torch.zeros(2, 3), "extra": torch.zeros(1)}, strict=False)
    assert ra.missing_keys == rb.missing_keys == ["bias"] and ra.unexpected_keys == rb.unexpected_keys == ["extra"]
    assert not a.weight.any()


@pytest.mark.parametrize("how", ["double", "to64", "float", "to32"])
def test_module_dtype_conversion_like_torch(how: str) -> None:
    for L in (minigrad, torch):
        m = L.nn.Linear(3, 2) if how in ("double", "to64") else L.nn.Linear(3, 2, dtype=L.float64)
        p = m.weight
        out = {"double": m.double, "float": m.float, "to64": lambda m=m, L=L: m.to(L.float64),
               "to32": lambda m=m, L=L: m.to(L.float32)}[how]()
        assert out is m and m.weight is p  # in place, the same Parameter objects (optimizers keep working)
        want = "float64" if how in ("double", "to64") else "float32"
        assert dtype_name(m.weight) == dtype_name(m.bias) == want
        y = m(L.ones(4, 3, dtype=m.weight.dtype))
        y.sum().backward()
        assert dtype_name(m.weight.grad) == want


# ------------------------------------------------------------------------------------------ Parameter
def test_parameter_like_torch() -> None:
    for L in (minigrad, torch):
        p = L.nn.Parameter(L.ones(2))
        assert p.requires_grad and p.is_leaf and isinstance(p, L.Tensor)
        assert not L.nn.Parameter(L.ones(2), requires_grad=False).requires_grad
        assert (p * 2).grad_fn is not None and not isinstance(p * 2, L.nn.Parameter)
    assert repr(minigrad.nn.Parameter(minigrad.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))


# ------------------------------------------------------------------------------------------ Linear
@pytest.mark.parametrize("seed", [0, 3, 42])
def test_linear_layout_and_init_match_torch(seed: int) -> None:
    for n_in, n_out in ((1, 1), (30, 1), (3, 5)):
        minigrad.manual_seed(seed)
        torch.manual_seed(seed)
        a, b = minigrad.nn.Linear(n_in, n_out), torch.nn.Linear(n_in, n_out)
        assert tuple(a.weight.shape) == (n_out, n_in) and tuple(a.bias.shape) == (n_out,)
        np.testing.assert_array_equal(to_numpy(a.weight), to_numpy(b.weight))
        np.testing.assert_array_equal(to_numpy(a.bias), to_numpy(b.bias))
        bound = 1 / math.sqrt(n_in)
        assert np.abs(to_numpy(a.weight)).max() <= bound and np.abs(to_numpy(a.bias)).max() <= bound
        assert repr(a) == repr(b)
    assert minigrad.nn.Linear(3, 2, bias=False).bias is None


@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_linear_forward_and_gradients_match_torch(data: st.DataObject, dtype: str) -> None:
    n_in, n_out = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 4))
    lead = data.draw(st.lists(st.integers(1, 4), min_size=0, max_size=2))  # () is a 1-d input
    bias = data.draw(st.booleans())
    x = data.draw(arrays(np.dtype(dtype), (*lead, n_in), elements=st.floats(-3, 3, width=32)))
    seed = data.draw(st.integers(0, 2**31))
    minigrad.manual_seed(seed)
    torch.manual_seed(seed)
    dt = {"float32": (minigrad.float32, torch.float32), "float64": (minigrad.float64, torch.float64)}[dtype]
    a, b = minigrad.nn.Linear(n_in, n_out, bias=bias, dtype=dt[0]), torch.nn.Linear(n_in, n_out, bias=bias,
                                                                                      dtype=dt[1])
    xa, xb = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = a(xa), b(xb)
    assert tuple(ya.shape) == tuple(yb.shape) and ya.grad_fn.name() == yb.grad_fn.name()
    rows = max(1, math.prod(lead))
    assert_close(to_numpy(ya), to_numpy(yb), n_ops=sum_ops(n_in) + 1, scale=3.0 * n_in)
    g = np.random.default_rng(seed).uniform(-1, 1, tuple(yb.shape)).astype(dtype)
    ya.backward(minigrad.tensor(g))
    yb.backward(torch.tensor(g))
    assert_close(to_numpy(xa.grad), to_numpy(xb.grad), n_ops=sum_ops(n_out) + 1, scale=float(n_out))
    assert_close(to_numpy(a.weight.grad), to_numpy(b.weight.grad), n_ops=sum_ops(rows) + 1, scale=3.0 * rows)
    if bias:
        assert_close(to_numpy(a.bias.grad), to_numpy(b.bias.grad), n_ops=sum_ops(rows) + 1, scale=float(rows))


def test_linear_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    F = minigrad.nn.functional
    assert_matches_finite_differences(lambda x, w, b: (F.linear(x, w, b) ** 2).sum(), x, w, b)
    assert_matches_finite_differences(lambda x, w, b: (F.linear(x, w, b) ** 2).sum(), x[0], w, b)


# ------------------------------------------------------------------------------------------ activations
ACTIVATIONS = {"Sigmoid": "sigmoid", "ReLU": "relu", "Tanh": "tanh"}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@given(x=arrays(np.float32, array_shapes(max_dims=3, max_side=4), elements=st.floats(-30, 30, width=32)))
def test_activation_modules_and_functional_match_torch(name: str, x: np.ndarray) -> None:
    fn = ACTIVATIONS[name]
    outs = {}
    for L in (minigrad, torch):
        t = L.tensor(x, requires_grad=True)
        m = getattr(L.nn, name)()
        y1, y2 = m(t), getattr(L.nn.functional, fn)(t)
        (y1 * 2 + y2).sum().backward()
        outs[L.__name__] = (y1, y2, t.grad, repr(m))
    for va, vb in zip(outs["minigrad"][:3], outs["torch"][:3]):
        assert_close(to_numpy(va), to_numpy(vb), n_ops=GRAD_OF_TRANSCENDENTAL)
    assert outs["minigrad"][3] == outs["torch"][3]


# ------------------------------------------------------------------------------------------ losses
LOSSES = {"MSELoss": "mse_loss", "BCELoss": "binary_cross_entropy", "BCEWithLogitsLoss":
          "binary_cross_entropy_with_logits"}
NODES = {"MSELoss": "MseLossBackward0", "BCELoss": "BinaryCrossEntropyBackward0",
         "BCEWithLogitsLoss": "BinaryCrossEntropyWithLogitsBackward0"}


def _loss_inputs(name: str, dtype: str, data: st.DataObject) -> tuple[np.ndarray, np.ndarray]:
    shape = data.draw(array_shapes(min_dims=0, max_dims=3, max_side=4), label="shape")
    if name == "BCELoss":  # probabilities, including exactly 0 and 1
        prob = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1, width=32))
        x = data.draw(arrays(np.dtype(dtype), shape, elements=prob), label="input")
    else:
        x = data.draw(arrays(np.dtype(dtype), shape, elements=st.floats(-20, 20, width=32)), label="input")
    t = data.draw(arrays(np.dtype(dtype), shape, elements=st.one_of(st.sampled_from([0.0, 1.0]),
                                                                  st.floats(0, 1, width=32))), label="target")
    return x, t


@pytest.mark.parametrize("name", list(LOSSES))
@given(data=st.data(), dtype=st.sampled_from(FLOATS), reduction=st.sampled_from(REDUCTIONS))
def test_losses_match_torch(name: str, data: st.DataObject, dtype: str, reduction: str) -> None:
    x, t = _loss_inputs(name, dtype, data)
    form = data.draw(st.sampled_from(["module", "functional"]), label="form")
    target_grad = data.draw(st.booleans(), label="target requires grad")
    outs = {}
    for L in (minigrad, torch):
        xi, ti = L.tensor(x, requires_grad=True), L.tensor(t, requires_grad=target_grad)
        if form == "module":
            loss = getattr(L.nn, name)(reduction=reduction)(xi, ti)
        else:
            loss = getattr(L.nn.functional, LOSSES[name])(xi, ti, reduction=reduction)
        g = np.random.default_rng(0).uniform(0.5, 1.5, tuple(loss.shape)).astype(dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no overflow/divide warnings at 0 and 1
            loss.backward(L.tensor(g))
        outs[L.__name__] = (loss, xi.grad, ti.grad)
    (la, gxa, gta), (lb, gxb, gtb) = outs["minigrad"], outs["torch"]
    assert la.grad_fn.name() == lb.grad_fn.name() == NODES[name]  # one node, closed-form backward
    assert len(la.grad_fn.next_functions) == len(lb.grad_fn.next_functions)
    n = max(1, x.size)
    assert_close(to_numpy(la), to_numpy(lb), n_ops=sum_ops(n) + GRAD_OF_TRANSCENDENTAL, scale=100.0 * n)
    assert_close(to_numpy(gxa), to_numpy(gxb), n_ops=GRAD_OF_TRANSCENDENTAL)
    assert (gta is None) == (gtb is None)
    if gta is not None:
        assert_close(to_numpy(gta), to_numpy(gtb), n_ops=GRAD_OF_TRANSCENDENTAL)


def test_bce_at_exactly_zero_and_one_like_torch() -> None:
    """log terms clamp at −100; the gradient's denominator is floored at 1e-12 (−5e11 at x=0, y=1, n=2)."""
    for dtype in FLOATS:
        outs = {}
        for L in (minigrad, torch):
            x = L.tensor(np.array([0.0, 1.0, 0.0, 1.0], dtype=dtype), requires_grad=True)
            y = L.tensor(np.array([1.0, 0.0, 0.0, 1.0], dtype=dtype))
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                loss = L.nn.BCELoss()(x, y)
                loss.backward()
            outs[L.__name__] = (loss, x.grad)
        (la, ga), (lb, gb) = outs["minigrad"], outs["torch"]
        assert la.item() == lb.item() == 50.0  # (100 + 100 + 0 + 0) / 4
        np.testing.assert_array_equal(to_numpy(ga), to_numpy(gb))
        assert abs(to_numpy(ga)[0] / -2.5e11 - 1) < 1e-7  # (0 − 1) / 1e-12 / 4, torch's EPSILON being a float


def test_mse_broadcast_target_matches_torch_values_and_warning() -> None:
    outs = {}
    for L in (minigrad, torch):
        x = L.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loss = L.nn.MSELoss()(x, L.tensor([1.0, 2.0, 4.0]))
        loss.backward()
        outs[L.__name__] = (loss.item(), x.grad.tolist(), len(caught))
    assert outs["minigrad"] == outs["torch"]


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_gradients_match_finite_differences(name: str, reduction: str) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 0.9, (3, 2)) if name == "BCELoss" else rng.normal(size=(3, 2))
    t = rng.uniform(0, 1, (3, 2))
    fn = getattr(minigrad.nn.functional, LOSSES[name])
    w = minigrad.tensor(rng.uniform(0.5, 1.5, (3, 2)))

    def scalar(x: Any, t: Any) -> Any:
        out = fn(x, t, reduction=reduction)
        return (out * w).sum() if reduction == "none" else out

    assert_matches_finite_differences(scalar, x, t)


def test_bce_with_logits_weight_and_pos_weight_match_torch() -> None:
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(4, 3)) * 5, rng.uniform(size=(4, 3))
    w, pw = rng.uniform(0.5, 2, (4, 3)), rng.uniform(0.5, 3, 3)
    outs = {}
    for L in (minigrad, torch):
        xi = L.tensor(x, requires_grad=True)
        loss = L.nn.BCEWithLogitsLoss(weight=L.tensor(w), pos_weight=L.tensor(pw))(xi, L.tensor(t))
        loss.backward()
        outs[L.__name__] = (loss, xi.grad)
    assert_close(to_numpy(outs["minigrad"][0]), to_numpy(outs["torch"][0]))
    assert_close(to_numpy(outs["minigrad"][1]), to_numpy(outs["torch"][1]))


def test_bce_weight_matches_torch() -> None:
    rng = np.random.default_rng(1)
    x, t, w = rng.uniform(0.05, 0.95, (5, 1)), rng.uniform(size=(5, 1)), rng.uniform(0.5, 2, (5, 1))
    outs = {}
    for L in (minigrad, torch):
        xi = L.tensor(x, requires_grad=True)
        loss = L.nn.BCELoss(weight=L.tensor(w), reduction="sum")(xi, L.tensor(t))
        loss.backward()
        outs[L.__name__] = (loss, xi.grad)
    assert_close(to_numpy(outs["minigrad"][0]), to_numpy(outs["torch"][0]))
    assert_close(to_numpy(outs["minigrad"][1]), to_numpy(outs["torch"][1]))


def test_sigmoid_then_bce_at_extreme_logits_is_finite_like_torch() -> None:
    """sigmoid(±1000) is exactly 0 or 1 in float32; BCE's clamps keep the loss finite (100 per element)."""
    outs = {}
    for L in (minigrad, torch):
        z = L.tensor([[-1000.0], [1000.0]], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loss = L.nn.BCELoss()(L.sigmoid(z), L.tensor([[1.0], [0.0]]))
            loss.backward()
        outs[L.__name__] = (loss.item(), z.grad.tolist())
    assert outs["minigrad"] == outs["torch"]


def test_loss_refusals_match_torch() -> None:
    assert_same_error(lambda: minigrad.nn.BCELoss()(minigrad.tensor([1.5]), minigrad.tensor([1.0])),
                      lambda: torch.nn.BCELoss()(torch.tensor([1.5]), torch.tensor([1.0])))
    assert_same_error(lambda: minigrad.nn.MSELoss(reduction="bad")(minigrad.ones(1), minigrad.ones(1)),
                      lambda: torch.nn.MSELoss(reduction="bad")(torch.ones(1), torch.ones(1)))


def test_to_takes_a_torch_compat_device() -> None:
    """Regression (fuzz fix of to()'s argument parser): ``to(torch.device("cpu"))`` as run-as-torch scripts write it."""
    from minigrad.torch_compat import device

    x = minigrad.ones(2)
    assert x.to(device("cpu")) is x
    assert x.to(device("cpu"), minigrad.float64).dtype == minigrad.float64
    assert x.to(device=device("cpu")) is x
    model = minigrad.nn.Linear(1, 1)
    assert model.to(device("cpu")) is model
