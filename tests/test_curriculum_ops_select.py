"""Curriculum ops, part 1 (selection, batched and linear-algebra ops) against torch: values, dtypes, gradients,
node names, ties in topk/sort, and torch's errors; float64 gradients also by ``minigrad.autograd.gradcheck``.

Op counts for the float32 policy: selection ops copy values (exact: 1 op); their gradients add up to k
contributions into one element (gather of a repeated index: ``sum_ops(k)``); a product of inner size m is
``sum_ops(m)`` with the scale Σ|a||b| (bounded here by m·max|a|·max|b|).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad.autograd.gradcheck import gradcheck
from minigrad.testing import (
    assert_same_error,
    assert_same_graph,
    compare_with_torch,
    sum_ops,
    to_numpy,
    twins,
)
from minigrad.testing import strategies as mgst
from minigrad.testing.tolerances import assert_close

FLOATS = ["float32", "float64"]


# the values every float input here is drawn from (subnormals included, as before the kit)
VALUES: dict[str, Any] = {"min_value": -4.0, "max_value": 4.0, "allow_subnormal": True}


def node(t: Any) -> str | None:
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def run(fn: Any, arrays_: list[np.ndarray], n_ops: int = 1, grad_n_ops: int = 1, **kw: Any) -> dict[str, Any]:
    kw.setdefault("cotangent", "ones")  # (as the comparison helper this file was written for)
    res = compare_with_torch(fn, *arrays_, **kw)
    assert node(res.minigrad_output) == node(res.torch_output)
    res.with_tolerance(n_ops=n_ops, grad_n_ops=grad_n_ops).raise_if_failed()
    return res


# ------------------------------------------------------------------------------------------- gather / scatter
@st.composite
def gather_case(draw: Any, dtype: str) -> tuple[np.ndarray, int, np.ndarray]:
    x = draw(mgst.arrays(dtype, mgst.shapes(min_dims=1), **VALUES))
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    d = dim % x.ndim
    shape = tuple(draw(st.integers(1, 5 if i == d else x.shape[i])) for i in range(x.ndim))
    index = draw(mgst.arrays("int64", shape, elements=st.integers(0, x.shape[d] - 1)))
    return x, dim, index


@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_gather_matches_torch(data: Any, dtype: str) -> None:
    x, dim, index = data.draw(gather_case(dtype))
    res = run(lambda lib, t: t.gather(dim, lib.tensor(index)), [x], grad_n_ops=sum_ops(index.size))
    assert node(res.minigrad_output) == "GatherBackward0"


@pytest.mark.parametrize("which", ["scatter", "scatter_add", "scatter_value"])
@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_scatter_matches_torch(which: str, data: Any, dtype: str) -> None:
    x, dim, index = data.draw(gather_case(dtype))
    d = dim % x.ndim
    if which == "scatter":  # unique targets along dim (torch leaves the winner of a collision unspecified)
        perm = np.argsort(data.draw(hnp.arrays(np.float64, (x.shape[d],), elements=st.floats(0, 1), unique=True)))
        k = min(index.shape[d], x.shape[d])
        shape = (*index.shape[:d], k, *index.shape[d + 1:])
        index = np.broadcast_to(perm[:k].reshape([-1 if i == d else 1 for i in range(x.ndim)]), shape).copy()
    src = data.draw(mgst.arrays(dtype, index.shape, **VALUES), label="src")

    def f(lib: Any, t: Any, s: Any) -> Any:
        i = lib.tensor(index)
        if which == "scatter":
            return t.scatter(dim, i, s)
        if which == "scatter_add":
            return t.scatter_add(dim, i, s)
        return t.scatter(dim, i, 1.5) * s.sum()

    run(f, [x, src], n_ops=sum_ops(index.size) + 1, grad_n_ops=sum_ops(x.size) + 1)


def test_scatter_in_place_and_gradcheck() -> None:
    index = minigrad.tensor([[0, 2], [1, 0]])
    a, b = twins(np.zeros((2, 3)))
    a.scatter_(1, index, minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=minigrad.float64))
    b.scatter_(1, torch.tensor([[0, 2], [1, 0]]), torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64))
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    a.scatter_add_(1, index, minigrad.ones(2, 2, dtype=minigrad.float64))
    b.scatter_add_(1, torch.tensor([[0, 2], [1, 0]]), torch.ones(2, 2, dtype=torch.float64))
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    x = minigrad.tensor([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3]], dtype=minigrad.float64, requires_grad=True)
    s = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=minigrad.float64, requires_grad=True)
    assert gradcheck(lambda t, u: t.scatter(1, index, u), (x, s))
    assert gradcheck(lambda t, u: t.scatter_add(1, minigrad.tensor([[0, 0], [1, 1]]), u), (x, s))
    assert gradcheck(lambda t: t.gather(1, minigrad.tensor([[0, 0, 2], [1, 1, 1]])), (x,))
    assert gradcheck(lambda t: t.index_select(1, minigrad.tensor([2, 0, 2])), (x,))


def test_gather_scatter_errors_match_torch() -> None:
    a, b = twins(np.ones((3, 4), dtype=np.float32))
    for idx in ([0, 1], [[5], [1], [2]], np.zeros((4, 1), np.int64)):
        assert_same_error(lambda idx=idx: a.gather(1, minigrad.tensor(idx)),
                          lambda idx=idx: b.gather(1, torch.tensor(idx)))
    assert_same_error(lambda: a.scatter(1, minigrad.tensor([[5], [1], [2]]), 1.0),
                      lambda: b.scatter(1, torch.tensor([[5], [1], [2]]), 1.0))
    assert_same_error(lambda: a.index_select(1, minigrad.tensor([[0]])), lambda: b.index_select(1, torch.tensor([[0]])))
    assert_same_error(lambda: a.index_select(1, minigrad.tensor([0.0])), lambda: b.index_select(1, torch.tensor([0.0])))
    assert_same_error(lambda: a.index_select(1, minigrad.tensor([7])), lambda: b.index_select(1, torch.tensor([7])))


@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_index_select_matches_torch(data: Any, dtype: str) -> None:
    x = data.draw(mgst.arrays(dtype, mgst.shapes(min_dims=1), **VALUES))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    index = data.draw(mgst.arrays("int64", st.integers(0, 6), elements=st.integers(0, x.shape[dim] - 1)))
    run(lambda lib, t: lib.index_select(t, dim, lib.tensor(index)), [x], grad_n_ops=sum_ops(index.size))


# ------------------------------------------------------------------------------------------- masks
@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_masked_fill_and_select_broadcast_match_torch(data: Any, dtype: str) -> None:
    x = data.draw(mgst.arrays(dtype, mgst.shapes(min_dims=1), **VALUES))
    # a mask broadcast to x (trailing dims, some of size 1)
    mshape = tuple(data.draw(st.sampled_from([1, s])) for s in x.shape[data.draw(st.integers(0, x.ndim)):])
    mask = data.draw(mgst.arrays("bool", mshape))
    value = data.draw(st.sampled_from([0.0, -1e9, float("-inf"), 2.5]))
    run(lambda lib, t: t.masked_fill(lib.tensor(mask), value), [x])
    run(lambda lib, t: lib.masked_fill(t, lib.tensor(mask), lib.tensor(value)), [x])
    v = np.array(1.25, dtype=dtype)
    run(lambda lib, t, v_: t.masked_fill(lib.tensor(mask), v_), [x, v], grad_n_ops=sum_ops(x.size))
    run(lambda lib, t: t.masked_select(lib.tensor(mask)), [x])


def test_masked_fill_in_place_attention_style() -> None:
    """The attention idiom: scores.masked_fill_(mask == 0, -inf) on a non-leaf, then softmax-free checks."""
    x = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    a, b = twins(x, requires_grad=True)
    mask = np.tril(np.ones((3, 4), dtype=np.int64))
    ya, yb = a * 2, b * 2
    ya.masked_fill_(minigrad.tensor(mask) == 0, float("-inf"))
    yb.masked_fill_(torch.tensor(mask) == 0, float("-inf"))
    assert node(ya) == node(yb) == "MaskedFillBackward0"
    np.testing.assert_array_equal(to_numpy(ya), to_numpy(yb))
    ya.exp().sum().backward()
    yb.exp().sum().backward()
    assert_close(to_numpy(a.grad), to_numpy(b.grad), n_ops=2)


def test_mask_errors_match_torch() -> None:
    a, b = twins(np.ones((3, 4), dtype=np.float32))
    assert_same_error(lambda: a.masked_fill(a, 0.0), lambda: b.masked_fill(b, 0.0))
    assert_same_error(lambda: a.masked_fill(a > 0, minigrad.tensor([1.0, 2.0])),
                      lambda: b.masked_fill(b > 0, torch.tensor([1.0, 2.0])))
    assert_same_error(lambda: a.masked_fill(minigrad.ones(5, dtype=minigrad.bool), 0.0),
                      lambda: b.masked_fill(torch.ones(5, dtype=torch.bool), 0.0))
    assert_same_error(lambda: a.masked_select(a), lambda: b.masked_select(b))


# ------------------------------------------------------------------------------------------- topk / sort
@given(data=st.data(), dtype=st.sampled_from(FLOATS), largest=st.booleans())
def test_topk_with_ties_matches_torch(data: Any, dtype: str, largest: bool) -> None:
    """Values always equal torch's; indices where there are no ties; with ties each index holds its value and
    the gradient summed over each group of equal values equals torch's."""
    x = data.draw(mgst.arrays(dtype, mgst.shapes(min_dims=1, max_side=6),
                         elements=st.sampled_from([0.0, 1.0, -1.0, 2.5, -3.0])))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    k = data.draw(st.integers(0, x.shape[dim]))
    a, b = twins(x, requires_grad=True)
    va, ia = a.topk(k, dim, largest)
    vb, _ = b.topk(k, dim, largest)
    assert node(va) == node(vb) == "TopkBackward0"
    np.testing.assert_array_equal(to_numpy(va), to_numpy(vb))
    assert str(ia.dtype) == "minigrad.int64"
    np.testing.assert_array_equal(np.take_along_axis(x, to_numpy(ia), dim), to_numpy(vb))
    g = np.broadcast_to(np.arange(1, k + 1, dtype=dtype).reshape([-1 if i == dim % x.ndim else 1
                                                                   for i in range(x.ndim)]), vb.shape)
    (va * minigrad.tensor(g.copy())).sum().backward()
    (vb * torch.tensor(g.copy())).sum().backward()
    for v in np.unique(x):
        np.testing.assert_array_equal(to_numpy(a.grad)[x == v].sum(), to_numpy(b.grad)[x == v].sum())


@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_topk_distinct_values_match_torch_indices(data: Any, dtype: str) -> None:
    x = data.draw(hnp.arrays(np.dtype(dtype), mgst.shapes(min_dims=1, max_dims=2, max_side=8), unique=True,
                             elements=mgst.floats(dtype, -100, 100, allow_subnormal=True)))  # (kit: no unique=)
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    k = data.draw(st.integers(0, x.shape[dim]))
    largest = data.draw(st.booleans())
    res = run(lambda lib, t: t.topk(k, dim, largest)[0], [x])
    np.testing.assert_array_equal(to_numpy(res.minigrad_inputs[0].topk(k, dim, largest)[1]),
                                  to_numpy(res.torch_inputs[0].topk(k, dim, largest)[1]))


@given(data=st.data(), dtype=st.sampled_from(FLOATS), descending=st.booleans())
def test_stable_sort_matches_torch_exactly(data: Any, dtype: str, descending: bool) -> None:
    """sort(stable=True) and argsort(stable=True): ties keep their order, as torch; NaN sorts as the largest."""
    x = data.draw(mgst.arrays(dtype, mgst.shapes(min_dims=1, max_side=6),
                         elements=st.sampled_from([0.0, 1.0, -1.0, 2.5, float("nan"), float("inf")])))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    res = compare_with_torch(lambda lib, t: t.sort(dim=dim, descending=descending, stable=True)[0], x,
                             cotangent=np.arange(x.size, dtype=dtype).reshape(x.shape))
    assert node(res.minigrad_output) == node(res.torch_output) == "SortBackward1"
    res.with_tolerance(n_ops=1, grad_n_ops=1).raise_if_failed()
    a, b = twins(x)
    kw = {"dim": dim, "descending": descending, "stable": True}
    np.testing.assert_array_equal(to_numpy(a.sort(**kw)[1]), to_numpy(b.sort(**kw)[1]))
    np.testing.assert_array_equal(to_numpy(minigrad.argsort(a, **kw)), to_numpy(torch.argsort(b, **kw)))
    np.testing.assert_array_equal(to_numpy(a.sort(dim, descending)[0]), to_numpy(b.sort(dim, descending)[0]))


def test_topk_sort_repr_and_errors() -> None:
    a, b = twins(np.array([3.0, 1.0, 2.0], dtype=np.float32))
    assert repr(a.topk(2)).replace("minigrad", "torch") == repr(b.topk(2))
    assert repr(a.sort()).replace("minigrad", "torch") == repr(b.sort())
    _, indices = a.sort(descending=True)
    assert to_numpy(indices).tolist() == [0, 2, 1]
    assert_same_error(lambda: a.topk(5), lambda: b.topk(5))
    assert_same_error(lambda: a.topk(-1), lambda: b.topk(-1))


# ------------------------------------------------------------------------------------------- repeat / split
@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_repeat_and_tile_match_torch(data: Any, dtype: str) -> None:
    x = data.draw(mgst.arrays(dtype, mgst.shapes(max_side=3), **VALUES))
    reps = tuple(data.draw(st.lists(st.integers(0, 3), min_size=max(x.ndim, 1), max_size=x.ndim + 2)))
    n = int(np.prod(reps)) if reps else 1
    run(lambda lib, t: t.repeat(*reps), [x], grad_n_ops=sum_ops(n))
    short = reps[: max(len(reps) - 2, 1)]
    run(lambda lib, t: lib.tile(t, short), [x], grad_n_ops=sum_ops(n))


@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_chunk_and_split_match_torch(data: Any, dtype: str) -> None:
    x = data.draw(mgst.arrays(dtype, mgst.shapes(min_dims=1, min_side=0, max_side=7), **VALUES))
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    size = x.shape[dim]
    chunks = data.draw(st.integers(1, 5))
    a, b = twins(x, requires_grad=True)
    pa, pb = a.chunk(chunks, dim), b.chunk(chunks, dim)
    assert len(pa) == len(pb)
    for u, v in zip(pa, pb):
        assert node(u) == node(v) and tuple(u.shape) == tuple(v.shape)
    if size:
        step = data.draw(st.integers(1, size + 1))
        sa, sb = minigrad.split(a, step, dim), torch.split(b, step, dim)
        assert [tuple(t.shape) for t in sa] == [tuple(t.shape) for t in sb]
        cuts = sorted(data.draw(st.lists(st.integers(0, size), max_size=3)))
        sizes = [q - p for p, q in zip([0, *cuts], [*cuts, size])]
        wa, wb = a.split(sizes, dim), b.split(sizes, dim)
        assert [node(t) for t in wa] == [node(t) for t in wb]
        weights = [float(i + 1) for i in range(len(sizes))]
        sum(w * t.sum() for w, t in zip(weights, wa)).backward()
        sum(w * t.sum() for w, t in zip(weights, wb)).backward()
        assert_close(to_numpy(a.grad), to_numpy(b.grad))


def test_split_pieces_are_views_and_errors_match_torch() -> None:
    a, b = twins(np.arange(6.0).reshape(2, 3))
    first = a.split(1, 1)[0]
    first.fill_(7.0) if hasattr(first, "fill_") else None
    assert to_numpy(a)[0, 0] == 7.0  # a view: writes show in the base
    assert_same_error(lambda: a.chunk(0), lambda: b.chunk(0))
    assert_same_error(lambda: a.split([1, 1], 1), lambda: b.split([1, 1], 1))
    assert_same_error(lambda: a.repeat(2), lambda: b.repeat(2))
    assert_same_error(lambda: minigrad.tril(minigrad.ones(3)), lambda: torch.tril(torch.ones(3)))


@pytest.mark.parametrize("which", ["tril", "triu"])
@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_tril_triu_match_torch(which: str, data: Any, dtype: str) -> None:
    x = data.draw(mgst.arrays(dtype, mgst.shapes(min_dims=2, max_dims=4), **VALUES))
    k = data.draw(st.integers(-4, 4))
    run(lambda lib, t: getattr(lib, which)(t, k), [x])
    a, b = twins(x)
    getattr(a, which + "_")(k)
    getattr(b, which + "_")(k)
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))


# ------------------------------------------------------------------------------------------- batched products
@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_bmm_and_baddbmm_match_torch(data: Any, dtype: str) -> None:
    bsz, n, m, p = (data.draw(st.integers(1, 4)) for _ in range(4))
    a = data.draw(mgst.arrays(dtype, (bsz, n, m), **VALUES), label="a")
    b = data.draw(mgst.arrays(dtype, (bsz, m, p), **VALUES), label="b")
    scale = 16.0 * m
    res = compare_with_torch(lambda lib, x, y: lib.bmm(x, y), a, b, cotangent="ones")
    assert node(res.minigrad_output) == node(res.torch_output) == "BmmBackward0"
    res.with_tolerance(n_ops=sum_ops(m), grad_n_ops=sum_ops(max(n, p)), scale=scale,
                       grad_scale=4.0 * max(n, p)).raise_if_failed()
    cshape = data.draw(st.sampled_from([(bsz, n, p), (n, p), (1, 1, p), (p,)]))
    c = data.draw(mgst.arrays(dtype, cshape, **VALUES), label="c")
    beta, alpha = data.draw(st.sampled_from([1, 0, 0.5])), data.draw(st.sampled_from([1, -2.0, 0.25]))
    res = compare_with_torch(lambda lib, z, x, y: lib.baddbmm(z, x, y, beta=beta, alpha=alpha), c, a, b,
                             cotangent="ones")
    assert node(res.minigrad_output) == node(res.torch_output) == "BaddbmmBackward0"
    res.with_tolerance(n_ops=sum_ops(m) + 2, grad_n_ops=sum_ops(max(n, p, bsz)) + 2, scale=2 * scale,
                       grad_scale=8.0 * max(n, p, bsz)).raise_if_failed()


def test_bmm_errors_match_torch() -> None:
    cases = [((3, 4), (3, 4)), ((2, 3, 4), (3, 4, 5)), ((2, 3, 4), (2, 5, 5))]
    for sa, sb in cases:
        assert_same_error(lambda sa=sa, sb=sb: minigrad.bmm(minigrad.ones(*sa), minigrad.ones(*sb)),
                          lambda sa=sa, sb=sb: torch.bmm(torch.ones(*sa), torch.ones(*sb)))
    assert_same_error(lambda: minigrad.bmm(minigrad.ones(2, 3, 4), minigrad.ones(2, 4, 5, dtype=minigrad.float64)),
                      lambda: torch.bmm(torch.ones(2, 3, 4), torch.ones(2, 4, 5, dtype=torch.float64)))
    assert_same_error(lambda: minigrad.baddbmm(minigrad.ones(2, 3, 5), minigrad.ones(2, 3, 4), minigrad.ones(2, 4, 6)),
                      lambda: torch.baddbmm(torch.ones(2, 3, 5), torch.ones(2, 3, 4), torch.ones(2, 4, 6)))


EINSUMS = [
    ("ij,jk->ik", [(3, 4), (4, 2)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("ii->", [(3, 3)]),
    ("ii->i", [(4, 4)]), ("ij->j", [(3, 4)]), ("ij->ji", [(2, 3)]), ("i,j->ij", [(3,), (4,)]),
    ("i,i->", [(5,), (5,)]), ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ij,kj", [(2, 3), (4, 3)]), ("iij->j", [(2, 2, 3)]), ("ij,j->i", [(3, 4), (4,)]),
    ("...ij,...kj->...ik", [(2, 3, 4), (3, 4)]), ("...i,...i", [(2, 3), (2, 3)]), ("b...,b...->...", [(2, 3, 4)] * 2),
    ("...ij", [(2, 3, 4)]), ("i...->...i", [(2, 1, 3)]), ("...qd,...kd->...qk", [(2, 1, 3, 4), (1, 2, 5, 4)]),
]


@pytest.mark.parametrize(("eq", "shapes"), EINSUMS, ids=[e for e, _ in EINSUMS])
@pytest.mark.parametrize("dtype", FLOATS)
def test_einsum_matches_torch(eq: str, shapes: list[tuple[int, ...]], dtype: str) -> None:
    rng = np.random.default_rng(len(eq))
    arrs = [rng.uniform(-2, 2, s).astype(dtype) for s in shapes]
    res = compare_with_torch(lambda lib, *ts: lib.einsum(eq, *ts), *arrs, cotangent="ones")
    inner = int(np.prod([max(s) for s in shapes]))
    res.with_tolerance(n_ops=2 * sum_ops(inner), grad_n_ops=2 * sum_ops(inner), scale=4.0 * inner,
                       grad_scale=4.0 * inner).raise_if_failed()
    ts = [minigrad.tensor(a.astype(np.float64), requires_grad=True) for a in arrs]
    assert gradcheck(lambda *t: minigrad.einsum(eq, *t), tuple(ts))


def test_einsum_errors_match_torch() -> None:
    a, b = twins(np.ones((3, 4), dtype=np.float32))
    assert_same_error(lambda: minigrad.einsum("ij,jk->ik", a, a), lambda: torch.einsum("ij,jk->ik", b, b))
    assert_same_error(lambda: minigrad.einsum("ij,jk->ik", a), lambda: torch.einsum("ij,jk->ik", b))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7])
def test_matrix_power_graph_and_values_match_torch(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.uniform(-1, 1, (2, 3, 3))
    # a matrix: torch's chain of mm nodes (a batch goes through matmul, whose batched graph is matmul's own)
    res = compare_with_torch(lambda lib, t: lib.matrix_power(t, n), x[0], cotangent="ones")
    assert_same_graph(res.minigrad_output, res.torch_output)
    res.with_tolerance(n_ops=4 * n, grad_n_ops=8 * n, scale=3.0**n, grad_scale=3.0**n * n).raise_if_failed()
    res = compare_with_torch(lambda lib, t: lib.linalg.matrix_power(t, n), x, cotangent="ones")
    res.with_tolerance(n_ops=4 * n, grad_n_ops=8 * n, scale=3.0**n, grad_scale=3.0**n * n).raise_if_failed()
    ma, tb = twins(x)
    assert_close(to_numpy(minigrad.matrix_power(ma, 0)), to_numpy(torch.matrix_power(tb, 0)))
    assert_same_error(lambda: minigrad.matrix_power(minigrad.ones(3, 4), 2),
                      lambda: torch.matrix_power(torch.ones(3, 4), 2))


@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_outer_matches_torch_graph(data: Any, dtype: str) -> None:
    u = data.draw(mgst.arrays(dtype, (data.draw(st.integers(1, 5)),), **VALUES), label="u")
    v = data.draw(mgst.arrays(dtype, (data.draw(st.integers(1, 5)),), **VALUES), label="v")
    res = compare_with_torch(lambda lib, a, b: lib.outer(a, b), u, v, cotangent="ones")
    assert_same_graph(res.minigrad_output, res.torch_output)
    res.with_tolerance(n_ops=1, grad_n_ops=sum_ops(5), scale=16.0, grad_scale=20.0).raise_if_failed()
    assert_same_error(lambda: minigrad.outer(minigrad.ones(2, 2), minigrad.ones(2)),
                      lambda: torch.outer(torch.ones(2, 2), torch.ones(2)))


# ------------------------------------------------------------------------------------------- gradcheck, one table
_X = np.array([[0.5, -1.25, 2.0, 0.75], [1.5, 0.2, -0.3, -2.2], [0.9, -0.6, 1.1, 0.4]])
_MASK = np.array([[True, False, False, True], [False, False, True, False], [True, True, False, False]])
GRADCHECK: dict[str, Any] = {
    "masked_fill": lambda t: t.masked_fill(minigrad.tensor(_MASK), -1.0),
    "masked_fill_row_mask": lambda t: t.masked_fill(minigrad.tensor(_MASK[0]), 3.0),
    "masked_select": lambda t: t.masked_select(minigrad.tensor(_MASK)),
    "topk": lambda t: t.topk(2, 1).values,
    "topk_smallest_dim0": lambda t: t.topk(2, 0, largest=False)[0],
    "sort": lambda t: t.sort(1, descending=True)[0],
    "repeat": lambda t: t.repeat(2, 1, 3),
    "tile": lambda t: minigrad.tile(t, (2,)),
    "chunk": lambda t: t.chunk(3, 1)[1],
    "split_sizes": lambda t: t.split([1, 3], 1)[1],
    "tril": lambda t: t.tril(-1),
    "triu": lambda t: t.triu(1),
    "bmm": lambda t: minigrad.bmm(t.reshape(1, 3, 4), t.reshape(1, 4, 3)),
    "baddbmm": lambda t: minigrad.baddbmm(t[:, :3].reshape(1, 3, 3), t.reshape(1, 3, 4), t.reshape(1, 4, 3),
                                          beta=0.5, alpha=-2.0),
    "outer": lambda t: minigrad.outer(t[0], t[1]),
    "matrix_power": lambda t: minigrad.matrix_power(t[:, :3], 5),
}


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_selection_and_batched_gradcheck(name: str) -> None:
    x = minigrad.tensor(_X, requires_grad=True)
    assert gradcheck(GRADCHECK[name], (x,))


NODE_NAMES: list[tuple[str, Any]] = [
    ("default sort", lambda lib, t: t.sort(1)[0]),
    ("gather", lambda lib, t: t.gather(1, lib.tensor([[0, 0], [1, 2], [3, 3]]))),
    ("scatter value", lambda lib, t: t.scatter(1, lib.tensor([[0], [1], [2]]), 2.0)),
    ("masked_fill tensor", lambda lib, t: t.masked_fill(t > 0, lib.tensor(1.0, dtype=t.dtype))),
    ("index_select", lambda lib, t: t.index_select(0, lib.tensor([2, 0]))),
    ("chunk", lambda lib, t: t.chunk(2, 1)[0]),
    ("split", lambda lib, t: lib.split(t, 3, 1)[1]),
    ("split sizes", lambda lib, t: lib.split(t, [2, 2], 1)[1]),
    ("tile", lambda lib, t: t.tile((2, 2))),
    ("cumsum dtype", lambda lib, t: t.cumsum(1, dtype=lib.float32)),
    ("prod", lambda lib, t: t.prod()),
    ("prod dim", lambda lib, t: t.prod(1)),
    ("amax all", lambda lib, t: t.amax()),
    ("norm fro dim", lambda lib, t: t.norm("fro", dim=1)),
    ("linalg.norm", lambda lib, t: lib.linalg.norm(t[0])),
    ("remainder tensor", lambda lib, t: lib.remainder(t, t.abs() + 1)),
    ("fmod tensor", lambda lib, t: lib.fmod(t, t.abs() + 1)),
    ("square", lambda lib, t: lib.square(t)),
    ("true_divide", lambda lib, t: lib.true_divide(t, 2.0)),
]


@pytest.mark.parametrize(("what", "fn"), NODE_NAMES, ids=[n for n, _ in NODE_NAMES])
def test_node_names_match_torch(what: str, fn: Any) -> None:
    a, b = twins(_X, requires_grad=True)
    ya, yb = fn(minigrad, a), fn(torch, b)
    assert node(ya) == node(yb)
    assert_close(to_numpy(ya), to_numpy(yb), n_ops=4)


def test_in_place_selection_on_a_leaf_refuses_like_torch() -> None:
    a, b = twins(_X, requires_grad=True)
    assert_same_error(lambda: a.masked_fill_(a > 0, 0.0), lambda: b.masked_fill_(b > 0, 0.0))
    assert_same_error(lambda: a.tril_(), lambda: b.tril_())
    assert_same_error(lambda: a.scatter_(1, minigrad.tensor([[0], [1], [2]]), 1.0),
                      lambda: b.scatter_(1, torch.tensor([[0], [1], [2]]), 1.0))
