"""Dtypes like torch: creation defaults, the type-promotion table, which tensors may require grad,
``from_numpy`` memory sharing, ``minigrad.Size`` as a tuple, and conversions (item, numpy, tolist)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import minigrad
from minigrad.testing import assert_same_error, dtype_name, minigrad_dtype, torch_dtype

ALL = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
FLOATS = ["float16", "float32", "float64"]


def make(L: Any, name: str, ndim: int) -> Any:
    """A tensor of dtype ``name``: 0-d or 1-d (values 1 and 2, so every dtype holds them)."""
    d = (minigrad_dtype if L is minigrad else torch_dtype)(name)
    return L.tensor(1, dtype=d) if ndim == 0 else L.tensor([1, 2], dtype=d)


def outcome(fn: Any) -> str:
    """The result dtype's name, or the exception type and message."""
    try:
        return dtype_name(fn())
    except Exception as e:  # the refusal is part of the contract
        return f"{type(e).__name__}: {e}"


OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
       "==": lambda a, b: a == b, "<": lambda a, b: a < b}


@pytest.mark.parametrize("op", list(OPS))
def test_promotion_table_tensor_tensor_matches_torch(op: str) -> None:
    """Every pair of dtypes, with each side 0-d or 1-d (torch: a 0-d operand only decides the category)."""
    f = OPS[op]
    diffs = []
    for a, b, na, nb in itertools.product(ALL, ALL, (0, 1), (0, 1)):
        got = outcome(lambda a=a, b=b, na=na, nb=nb: f(make(minigrad, a, na), make(minigrad, b, nb)))
        want = outcome(lambda a=a, b=b, na=na, nb=nb: f(make(torch, a, na), make(torch, b, nb)))
        if got != want:
            diffs.append(f"{a}[{na}-d] {op} {b}[{nb}-d]: minigrad {got} / torch {want}")
    assert not diffs, "\n".join(diffs[:20]) + f"\n({len(diffs)} differences)"


SCALARS = [True, 3, -2, 2.5]


@pytest.mark.parametrize("op", list(OPS))
def test_promotion_with_python_scalars_on_either_side_matches_torch(op: str) -> None:
    f = OPS[op]
    diffs = []
    for a, nd, c in itertools.product(ALL, (0, 1), SCALARS):
        for side in ("tensor op c", "c op tensor"):
            def run(L: Any, side: str = side, a: str = a, nd: int = nd, c: Any = c) -> Any:
                t = make(L, a, nd)
                return f(t, c) if side == "tensor op c" else f(c, t)

            got, want = outcome(lambda: run(minigrad)), outcome(lambda: run(torch))
            if got != want:
                diffs.append(f"{side} with {a}[{nd}-d], c={c!r}: minigrad {got} / torch {want}")
    assert not diffs, "\n".join(diffs[:20]) + f"\n({len(diffs)} differences)"


def test_issue_examples_of_promotion() -> None:
    assert minigrad.tensor([1, 2, 3]).dtype == minigrad.int64
    assert (minigrad.tensor([1, 2, 3]) * 2.5).dtype == minigrad.float32
    assert (minigrad.tensor([1.0, 2.0]) + minigrad.tensor(1.0, dtype=minigrad.float64)).dtype == minigrad.float32
    assert (minigrad.tensor([1.0, 2.0]) + minigrad.tensor([1.0], dtype=minigrad.float64)).dtype == minigrad.float64
    assert (minigrad.tensor([1, 2], dtype=minigrad.int32) + minigrad.tensor(5)).dtype == minigrad.int32


@given(data=st.data())
def test_unary_and_reduction_result_dtypes_match_torch(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(ALL))
    op = data.draw(st.sampled_from(["exp", "log", "sigmoid", "tanh", "sqrt", "abs", "neg", "relu", "sum", "mean",
                                    "round", "clamp_int", "clamp_float", "pow2", "pow_half", "rpow", "reciprocal"]))
    nd = data.draw(st.integers(0, 1))
    funcs = {
        "neg": lambda t: -t, "clamp_int": lambda t: t.clamp(0, 1), "clamp_float": lambda t: t.clamp(0.5, 1.5),
        "pow2": lambda t: t**2, "pow_half": lambda t: t**0.5, "rpow": lambda t: 2**t,
    }
    fn = funcs.get(op, lambda t: getattr(t, op)())
    got, want = outcome(lambda: fn(make(minigrad, name, nd))), outcome(lambda: fn(make(torch, name, nd)))
    assert got == want, f"{op} on {name}[{nd}-d]"


# ------------------------------------------------------------------------------------------ creation
CREATION: dict[str, Any] = {
    "tensor_floats": lambda L: L.tensor([1.0, 2.0]), "tensor_ints": lambda L: L.tensor([1, 2]),
    "tensor_bools": lambda L: L.tensor([True, False]), "tensor_mixed": lambda L: L.tensor([1, 2.5]),
    "tensor_bool_int": lambda L: L.tensor([True, 1]), "tensor_scalar_float": lambda L: L.tensor(2.0),
    "tensor_scalar_int": lambda L: L.tensor(2), "tensor_empty": lambda L: L.tensor([]),
    "tensor_np_f64": lambda L: L.tensor(np.array([1.5])), "tensor_np_i32": lambda L: L.tensor(np.array([1], np.int32)),
    "tensor_np_scalar": lambda L: L.tensor(np.float64(1.5)),
    "tensor_dtype": lambda L: L.tensor([1, 2], dtype=L.float64),
    "zeros": lambda L: L.zeros(2, 3), "zeros_tuple": lambda L: L.zeros((2, 3)), "ones": lambda L: L.ones(4),
    "ones_int": lambda L: L.ones(2, dtype=L.int64), "zeros_like": lambda L: L.zeros_like(L.tensor([1, 2])),
    "ones_like": lambda L: L.ones_like(L.tensor([1.0, 2.0])),
    "ones_like_dtype": lambda L: L.ones_like(L.tensor([1.0]), dtype=L.float64), "full_int": lambda L: L.full((2,), 3),
    "full_float": lambda L: L.full((2, 2), 3.0), "full_bool": lambda L: L.full((2,), True),
    "arange_int": lambda L: L.arange(5), "arange_float": lambda L: L.arange(0, 1, 0.25),
    "arange_float_end": lambda L: L.arange(5.0), "arange_step": lambda L: L.arange(1, 10, 3),
    "arange_neg": lambda L: L.arange(5, 0, -2), "rand": lambda L: L.rand(2, 3), "randn": lambda L: L.randn(3),
    "rand_f64": lambda L: L.rand(2, dtype=L.float64),
}


@pytest.mark.parametrize("name", list(CREATION))
def test_creation_dtype_shape_and_values_match_torch(name: str) -> None:
    minigrad.manual_seed(3)
    torch.manual_seed(3)
    a, b = CREATION[name](minigrad), CREATION[name](torch)
    assert dtype_name(a) == dtype_name(b)
    assert tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # rand/randn: torch's generator, reproduced exactly
    assert not a.requires_grad and a.is_leaf


@pytest.mark.parametrize("name", ALL)
def test_only_floating_tensors_may_require_grad(name: str) -> None:
    for L in (minigrad, torch):
        d = (minigrad_dtype if L is minigrad else torch_dtype)(name)
        if name in FLOATS:
            assert L.ones(2, dtype=d, requires_grad=True).requires_grad
            assert L.zeros(2, dtype=d).requires_grad_().requires_grad
    if name not in FLOATS:
        assert_same_error(lambda: minigrad.ones(2, dtype=minigrad_dtype(name), requires_grad=True),
                          lambda: torch.ones(2, dtype=torch_dtype(name), requires_grad=True))
        assert_same_error(lambda: minigrad.ones(2, dtype=minigrad_dtype(name)).requires_grad_(),
                          lambda: torch.ones(2, dtype=torch_dtype(name)).requires_grad_())


def test_gradient_of_a_float32_leaf_is_float32_even_through_float64_ops() -> None:
    for L in (minigrad, torch):
        x = L.ones(2, requires_grad=True)
        (x * L.ones(2, dtype=L.float64)).sum().backward()
        assert dtype_name(x.grad) == "float32"


# ------------------------------------------------------------------------------------------ from_numpy
@given(arr=arrays(st.sampled_from([np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_]),
                  array_shapes(min_dims=0, max_dims=3)))
def test_from_numpy_shares_memory_and_dtype(arr: np.ndarray) -> None:
    t = minigrad.from_numpy(arr)
    assert dtype_name(t) == dtype_name(torch.from_numpy(arr.copy()))
    assert t.shape == arr.shape and np.shares_memory(t.numpy(), arr)
    if arr.size and arr.dtype.kind == "f":
        arr.flat[0] = 7.0  # a write to the array shows in the tensor...
        assert t.view(-1)[0].item() == 7.0
        t.view(-1)[0] = 9.0  # ...and a write to the tensor shows in the array
        assert arr.flat[0] == 9.0
        t.add_(1)
        assert arr.flat[0] == 10.0


def test_from_numpy_refuses_what_torch_refuses() -> None:
    assert_same_error(lambda: minigrad.from_numpy([1, 2]), lambda: torch.from_numpy([1, 2]))


def test_tensor_copies_but_from_numpy_and_numpy_share() -> None:
    arr = np.ones(3, dtype=np.float32)
    copied = minigrad.tensor(arr)
    arr[0] = 5
    assert copied[0].item() == 1.0
    t = minigrad.ones(3)
    t.numpy()[1] = 4
    assert t[1].item() == 4.0


# ------------------------------------------------------------------------------------------ Size
def test_size_behaves_like_torch_size() -> None:
    a, b = minigrad.ones(2, 3, 4).shape, torch.ones(2, 3, 4).shape
    assert isinstance(a, tuple) and a == b == (2, 3, 4) and len(a) == 3 and hash(a) == hash((2, 3, 4))
    assert repr(a) == "minigrad.Size([2, 3, 4])" and repr(b) == "torch.Size([2, 3, 4])"
    for f in (lambda s: s[1:], lambda s: s + (5,), lambda s: (5,) + s, lambda s: s * 2, lambda s: s[::-1]):  # noqa: RUF005
        ra, rb = f(a), f(b)
        assert ra == rb and type(ra).__name__ == type(rb).__name__ == "Size", (ra, rb)
    assert a[0] == b[0] and type(a[0]) is int and a[-1] == 4
    n, m, k = a
    assert (n, m, k) == (2, 3, 4) and a.numel() == b.numel() == 24 and list(a) == [2, 3, 4]
    assert minigrad.ones(2, 3).size() == minigrad.Size([2, 3]) and minigrad.ones(2, 3).size(1) == 3
    assert minigrad.ones(2, 3).size(-1) == 3 and minigrad.zeros(minigrad.Size([2, 1])).shape == (2, 1)
    assert minigrad.ones(()).shape == torch.ones(()).shape == () and minigrad.Size([]).numel() == 1


# ------------------------------------------------------------------------------------------ conversions
@pytest.mark.parametrize("name", ALL)
def test_item_tolist_numpy_match_torch(name: str) -> None:
    a, b = make(minigrad, name, 1), make(torch, name, 1)
    assert a.tolist() == b.tolist() and type(a.tolist()[0]) is type(b.tolist()[0])
    assert a[0].item() == b[0].item() and type(a[0].item()) is type(b[0].item())
    assert a.numpy().dtype == b.numpy().dtype and a.ndim == b.ndim == 1 and a.dim() == 1
    assert make(minigrad, name, 0).tolist() == make(torch, name, 0).tolist()


def test_numpy_of_detached_shares_memory() -> None:
    x = minigrad.ones(2, requires_grad=True)
    arr = x.detach().numpy()
    arr[0] = 3.0
    assert x[0].item() == 3.0


def test_import_minigrad_exposes_subpackages_without_torch() -> None:
    code = ("import sys, minigrad; assert minigrad.nn.Linear and minigrad.optim.SGD and minigrad.autograd.Function; "
            "bad = [m for m in ('torch', 'sklearn', 'matplotlib') if m in sys.modules]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
