"""Spellings tutorials use, against torch: Variable, legacy typed constructors, new_*, devices, inference_mode,
module buffers in state_dict."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
import torch
from hypothesis import given

import minigrad
from minigrad.testing import assert_same_error, capture_error, warnings_of


@contextlib.contextmanager
def _default_dtype(name: str) -> Iterator[None]:
    """torch's and minigrad's default dtype set to ``name`` for the block."""
    saved = torch.get_default_dtype(), minigrad.get_default_dtype()
    torch.set_default_dtype(getattr(torch, name))
    minigrad.set_default_dtype(getattr(minigrad, name))
    try:
        yield
    finally:
        torch.set_default_dtype(saved[0])
        minigrad.set_default_dtype(saved[1])


def _same(m: Any, t: Any) -> None:
    assert str(m.dtype).split(".")[1] == str(t.dtype).split(".")[1]
    assert tuple(m.shape) == tuple(t.shape)
    assert m.requires_grad == t.requires_grad


@pytest.mark.parametrize("call", [
    lambda L, x: x.new_ones(3), lambda L, x: x.new_ones((2, 2)), lambda L, x: x.new_zeros(2, 3),
    lambda L, x: x.new_zeros((1,), dtype=L.int64), lambda L, x: x.new_full((2,), 7),
    lambda L, x: x.new_full((2, 1), 2.5, requires_grad=True), lambda L, x: x.new_ones(2, requires_grad=True),
    lambda L, x: x.new_tensor([1, 2]),
])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_new_factories_match_torch(call: Any, dtype: str) -> None:
    try:
        t = call(torch, torch.ones(2, dtype=getattr(torch, dtype)))
    except RuntimeError:  # requires_grad on an integer tensor: the same error
        assert_same_error(lambda: call(minigrad, minigrad.ones(2, dtype=getattr(minigrad, dtype))),
                          lambda: call(torch, torch.ones(2, dtype=getattr(torch, dtype))))
        return
    m = call(minigrad, minigrad.ones(2, dtype=getattr(minigrad, dtype)))
    _same(m, t)
    assert m.tolist() == t.tolist()
    shape = call(minigrad, minigrad.ones(2, dtype=getattr(minigrad, dtype))).shape
    assert minigrad.ones(2).new_empty(shape).shape == torch.ones(2).new_empty(tuple(shape)).shape


@pytest.mark.parametrize("name", ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ByteTensor",
                                  "BoolTensor", "HalfTensor", "ShortTensor", "CharTensor"])
def test_legacy_constructors_match_torch(name: str) -> None:
    for args in [(2, 3), ([1, 0, 1],), ([[1, 2], [3, 4]],), ()]:
        t = getattr(torch, name)(*args)
        m = getattr(minigrad, name)(*args)
        _same(m, t)
        if args and isinstance(args[0], list):
            assert m.tolist() == t.tolist()
    assert isinstance(getattr(minigrad, name)([1]), getattr(minigrad, name))
    for dt in ("float32", "float64", "int64"):
        assert isinstance(minigrad.ones(1, dtype=getattr(minigrad, dt)), getattr(minigrad, name)) == \
            isinstance(torch.ones(1, dtype=getattr(torch, dt)), getattr(torch, name))
    assert str(minigrad.ones(2).type(getattr(minigrad, name)).dtype).split(".")[1] == \
        str(torch.ones(2).type(getattr(torch, name)).dtype).split(".")[1]
    assert_same_error(lambda: getattr(minigrad, name)(2.5), lambda: getattr(torch, name)(2.5))


def test_variable_is_a_deprecated_alias_returning_a_tensor() -> None:
    for lib in (minigrad, torch):
        base = lib.ones(2) * 3
        v = lib.autograd.Variable(base, requires_grad=True)
        assert type(v).__name__ == "Tensor" and v.requires_grad and v.is_leaf
        assert isinstance(lib.ones(1), lib.autograd.Variable)
        (v * v).sum().backward()
        assert v.grad.tolist() == [6.0, 6.0]
        assert lib.autograd.Variable(base).requires_grad is False
    assert warnings_of(lambda: minigrad.autograd.Variable(minigrad.ones(1), volatile=True)) == \
        warnings_of(lambda: torch.autograd.Variable(torch.ones(1), volatile=True))
    assert_same_error(lambda: minigrad.autograd.Variable([1.0]), lambda: torch.autograd.Variable([1.0]))


@pytest.mark.parametrize("args", [("cpu",), ("cuda",), ("cuda", 1), ("cuda:0",), ("mps",), ("cpu", 0), ("meta",)])
def test_device_objects_match_torch(args: tuple[Any, ...]) -> None:
    m, t = minigrad.device(*args), torch.device(*args)
    assert (repr(m), str(m), m.type, m.index) == (repr(t), str(t), t.type, t.index)
    assert minigrad.device(*args) == m and hash(minigrad.device(*args)) == hash(m)
    assert minigrad.device(m) == m


@pytest.mark.parametrize("spelling", ["foo", "cuda:-1", "", "cuda:0:1"])
def test_device_parse_errors_match_torch(spelling: str) -> None:
    assert_same_error(lambda: minigrad.device(spelling), lambda: torch.device(spelling))


def test_allocating_on_an_accelerator_device_is_refused_as_torch_cpu_build() -> None:
    for maker in (lambda L: L.ones(2, device=L.device("cuda")), lambda L: L.zeros(2, device=L.device("cuda", 0))):
        with pytest.raises(AssertionError):
            maker(torch)
        with pytest.raises(AssertionError):
            maker(minigrad)
    assert minigrad.ones(2, device=minigrad.device("cpu")).tolist() == [1.0, 1.0]
    assert minigrad.ones(1).to(minigrad.device("cpu")).tolist() == [1.0]


def test_default_device() -> None:
    assert repr(minigrad.get_default_device()) == repr(torch.get_default_device())
    minigrad.set_default_device("cpu")
    minigrad.set_default_device(None)
    minigrad.set_default_device(minigrad.device("cpu"))
    assert str(minigrad.get_default_device()) == "cpu"
    with pytest.raises(AssertionError):  # torch: at the next allocation (see minigrad/_device_api.py)
        minigrad.set_default_device("cuda")
    assert_same_error(lambda: minigrad.set_default_device("nope"), lambda: torch.set_default_device("nope"))


def test_inference_mode_matches_torch() -> None:
    for lib in (minigrad, torch):
        x = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            assert not (x * 2).requires_grad
        with lib.inference_mode(False):
            assert (x * 2).requires_grad

        @lib.inference_mode()
        def f(x: Any = x) -> Any:
            return (x * 2).requires_grad

        @lib.inference_mode
        def g(x: Any = x) -> Any:
            return (x * 2).requires_grad

        assert f() is False and g() is False and (x * 2).requires_grad
        assert lib.autograd.inference_mode is lib.inference_mode


def test_small_spellings_match_torch() -> None:
    for lib in (minigrad, torch):
        x = lib.ones(2, 3)
        assert (x.ndimension(), x.nelement(), lib.numel(x), lib.is_tensor(x), lib.is_tensor([1])) == (2, 6, 6, True,
                                                                                                      False)


class _Net:
    @staticmethod
    def make(lib: Any) -> Any:
        class Net(lib.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.fc = lib.nn.Linear(2, 2)
                self.register_buffer("running", lib.zeros(2))
                self.register_buffer("scratch", lib.ones(1), persistent=False)
                self.head = lib.nn.Sequential(lib.nn.Linear(2, 1))
                self.head.register_buffer("count", lib.tensor(0))

            def forward(self, x: Any) -> Any:
                return self.head(self.fc(x) + self.running)

        return Net()


def test_module_buffers_state_dict_and_traversal_match_torch() -> None:
    m, t = _Net.make(minigrad), _Net.make(torch)
    assert list(m.state_dict()) == list(t.state_dict())
    assert [n for n, _ in m.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert len(list(m.buffers())) == len(list(t.buffers())) == 3
    assert len(list(m.buffers(recurse=False))) == len(list(t.buffers(recurse=False))) == 2
    assert [n for n, _ in m.named_modules()] == [n for n, _ in t.named_modules()]
    assert [type(c).__name__ for c in m.children()] == [type(c).__name__ for c in t.children()]
    assert m.eval().training is False and m.fc.training is False and m.train().head.training is True
    seen: list[str] = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    seen_t: list[str] = []
    t.apply(lambda mod: seen_t.append(type(mod).__name__))
    assert seen == seen_t


def test_matmul_keyword_forms_match_torch() -> None:
    a, b = np.arange(6.0).reshape(2, 3), np.arange(3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = minigrad.matmul(input=minigrad.tensor(a), other=minigrad.tensor(b)).tolist()
    assert got == torch.matmul(input=torch.tensor(a), other=torch.tensor(b)).tolist()


# ---------------------------------------------------------------------- the size as a keyword (size=...)
_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


@given(shape=_shapes, spelling=st.sampled_from([tuple, list, "Size"]), seed=st.integers(0, 2**32 - 1),
       dtype=st.sampled_from(["float32", "float64"]))
def test_size_keyword_in_every_factory_matches_torch(shape: tuple[int, ...], spelling: Any, seed: int,
                                                      dtype: str) -> None:
    def size(lib: Any) -> Any:
        return lib.Size(shape) if spelling == "Size" else spelling(shape)

    calls = [
        lambda L: L.empty(size=size(L), dtype=getattr(L, dtype)).shape,
        lambda L: L.zeros(size=size(L), dtype=getattr(L, dtype)),
        lambda L: L.ones(size=size(L)),
        lambda L: L.full(size=size(L), fill_value=2.5, dtype=getattr(L, dtype)),
        lambda L: L.full(size=size(L), fill_value=3),
        lambda L: L.full(size(L), fill_value=True),
        lambda L: L.rand(size=size(L), dtype=getattr(L, dtype)),
        lambda L: L.randn(size=size(L), dtype=getattr(L, dtype)),
        lambda L: L.randint(-3, 9, size=size(L)),
        lambda L: L.randint(7, size=size(L)),
        lambda L: L.randint(high=7, size=size(L), dtype=L.int32),
        lambda L: L.randint(low=2, high=7, size=size(L)),
        lambda L: L.normal(1.0, 2.0, size=size(L)),
        lambda L: L.ones(2, dtype=getattr(L, dtype)).new_zeros(size=size(L)),
        lambda L: L.ones(2, dtype=getattr(L, dtype)).new_ones(size=size(L)),
        lambda L: L.ones(2, dtype=getattr(L, dtype)).new_empty(size=size(L)).shape,
        lambda L: L.ones(2, dtype=getattr(L, dtype)).new_full(size=size(L), fill_value=-1),
    ]
    for call in calls:
        torch.manual_seed(seed)
        t = call(torch)
        minigrad.manual_seed(seed)
        m = call(minigrad)
        if isinstance(t, torch.Size):
            assert tuple(m) == tuple(t)
            continue
        _same(m, t)
        np.testing.assert_array_equal(m.numpy(), t.numpy())  # the same stream: bit for bit


@pytest.mark.parametrize("call", [
    lambda L: L.empty(2, size=(2, 3)), lambda L: L.zeros((2,), size=(2, 3)), lambda L: L.ones(2, 3, size=(2, 3)),
    lambda L: L.empty(size=2), lambda L: L.zeros(size=3), lambda L: L.ones(size=0),
    lambda L: L.full((2,), size=(2, 3), fill_value=1), lambda L: L.full((2,), 1, size=(2, 3)),
    lambda L: L.full(size=2, fill_value=1),
    lambda L: L.ones(1).new_zeros(2, size=(2, 3)), lambda L: L.ones(1).new_zeros(size=2),
    lambda L: L.zeros(size=(2, -3)), lambda L: L.empty(size=(2, -3)), lambda L: L.rand(size=(-1,)),
    lambda L: L.randint(5, size=2),
])
def test_size_keyword_errors_match_torch(call: Any) -> None:
    assert_same_error(lambda: call(minigrad), lambda: call(torch))


@pytest.mark.parametrize("call", [  # torch's argument parser (tier 3, docs/fidelity.md): the exception type
    lambda L: L.rand(2, size=(2, 3)), lambda L: L.randn((2,), size=(2, 3)), lambda L: L.empty(size=None),
    lambda L: L.zeros(size=(2.0, 3)), lambda L: L.randint(0, 5, (2,), size=(2, 3)), lambda L: L.randint(size=(2,)),
    lambda L: L.randint(0, 5), lambda L: L.randint(5, 2), lambda L: L.full(2, 1),
    lambda L: L.full(size=(2, 3)),
])
def test_size_keyword_parser_errors_have_torch_type(call: Any) -> None:
    t, m = capture_error(lambda: call(torch)), capture_error(lambda: call(minigrad))
    assert type(m) is type(t), (m, t)


# ---------------------------------------------------------------------- torch.Tensor(...), the legacy constructor
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4),
       default=st.sampled_from(["float32", "float64"]), spelling=st.sampled_from(["ints", "Size", "tuple-data"]))
def test_tensor_constructor_sizes_match_torch(shape: tuple[int, ...], default: str, spelling: str) -> None:
    def make(L: Any) -> Any:
        if spelling == "ints":
            return L.Tensor(*shape)
        if spelling == "Size":
            return L.Tensor(L.Size(shape))
        return L.Tensor(tuple(shape))  # a tuple is data: its values

    with _default_dtype(default):
        t, m = make(torch), make(minigrad)
    assert type(m) is minigrad.Tensor
    _same(m, t)
    if spelling == "tuple-data":
        assert m.tolist() == t.tolist()


@given(data=hnp.arrays(st.sampled_from([np.float64, np.float32, np.int64, np.bool_]),
                       hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3),
                       elements={"allow_nan": False, "allow_infinity": False, "allow_subnormal": False}),
       as_list=st.booleans(), default=st.sampled_from(["float32", "float64"]))
def test_tensor_constructor_data_matches_torch(data: np.ndarray, as_list: bool, default: str) -> None:
    arg = data.tolist() if as_list else data
    with _default_dtype(default):
        t, m = torch.Tensor(arg), minigrad.Tensor(arg)
    _same(m, t)
    np.testing.assert_array_equal(m.numpy(), t.numpy())


def test_tensor_constructor_edge_cases_match_torch() -> None:
    for L in (torch, minigrad):
        assert L.Tensor().shape == (0,) and L.Tensor().dtype == L.float32 and not L.Tensor().requires_grad
    _same(minigrad.Tensor(2, device="cpu"), torch.Tensor(2, device="cpu"))
    x, tx = minigrad.ones(2, dtype=minigrad.float64), torch.ones(2, dtype=torch.float64)
    m, t = minigrad.Tensor(x), torch.Tensor(tx)  # a tensor: its data shared, its dtype kept
    _same(m, t)
    m.add_(1)
    t.add_(1)
    assert x.tolist() == tx.tolist() and x._version == tx._version
    p = minigrad.nn.Parameter(minigrad.Tensor(2, 3))
    assert p.requires_grad and tuple(p.shape) == (2, 3) and p.dtype == minigrad.float32
    for call in [lambda L: L.Tensor(2.5), lambda L: L.Tensor(-1), lambda L: L.Tensor("a"),
                 lambda L: L.Tensor(2, device="cuda"), lambda L: L.Tensor([1], device="meta"),
                 lambda L: L.Tensor([[1], [2, 3]])]:
        assert_same_error(lambda c=call: c(minigrad), lambda c=call: c(torch))
    for call in [lambda L: L.Tensor(2, 3.0), lambda L: L.Tensor([1], requires_grad=True)]:  # tier 3: the type
        assert type(capture_error(lambda c=call: c(minigrad))) is type(capture_error(lambda c=call: c(torch)))


# ---------------------------------------------------------------------- RNG states are ByteTensors
@given(seed=st.integers(0, 2**64 - 1), draws=st.lists(st.sampled_from(["rand", "randn", "randn64", "randint"]),
                                                       max_size=4), n=st.integers(1, 700))
def test_rng_state_is_a_byte_tensor_round_tripping_with_torch(seed: int, draws: list[str], n: int) -> None:
    def draw(L: Any, what: str, g: Any = None) -> Any:
        return {"rand": lambda: L.rand(n, generator=g), "randn": lambda: L.randn(n, generator=g),
                "randn64": lambda: L.randn(n, dtype=L.float64, generator=g),
                "randint": lambda: L.randint(0, 1000, (n,), generator=g)}[what]()

    g, tg = minigrad.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
    for what in draws:
        draw(minigrad, what, g)
        draw(torch, what, tg)
    state, tstate = g.get_state(), tg.get_state()
    assert isinstance(state, minigrad.Tensor) and isinstance(state, minigrad.ByteTensor)
    _same(state, tstate)
    np.testing.assert_array_equal(state.numpy(), tstate.numpy())  # torch's 5056 bytes, the same layout
    after = [draw(torch, what, tg).numpy() for what in ["randn", "rand", "randn64"]]
    for source in (state, minigrad.from_numpy(tstate.numpy().copy()), minigrad.tensor(tstate.numpy())):
        g2 = minigrad.Generator().set_state(source)  # minigrad's state, and torch's bytes: the same stream
        assert g2.initial_seed() == tg.initial_seed()
        for what, ref in zip(["randn", "rand", "randn64"], after, strict=True):
            np.testing.assert_array_equal(draw(minigrad, what, g2).numpy(), ref)
    tg2 = torch.Generator().set_state(torch.from_numpy(state.numpy()))  # and back into torch
    np.testing.assert_array_equal(draw(torch, "randn", tg2).numpy(), after[0])


def test_default_rng_state_is_a_byte_tensor_as_torch() -> None:
    minigrad.manual_seed(7)
    torch.manual_seed(7)
    minigrad.randn(3)
    torch.randn(3)
    state, tstate = minigrad.get_rng_state(), torch.get_rng_state()
    _same(state, tstate)
    np.testing.assert_array_equal(state.numpy(), tstate.numpy())
    a = minigrad.rand(5)
    assert minigrad.set_rng_state(state) is None
    np.testing.assert_array_equal(minigrad.rand(5).numpy(), a.numpy())
    np.testing.assert_array_equal(a.numpy(), torch.rand(5).numpy())
    minigrad.set_rng_state(state.reshape(2, 2528))  # any shape of 5056 contiguous bytes, as torch
    torch.set_rng_state(tstate.reshape(2, 2528))
    np.testing.assert_array_equal(minigrad.rand(5).numpy(), torch.rand(5).numpy())
