"""gradcheck (float64 central differences, torch's semantics) on every op of ops/{math,stats,selection,batched}.py,
each on hypothesis-drawn inputs from a domain where it is differentiable (away from kinks, jumps and ties).

``CURRICULUM_CASES`` has the same shape as ``tests/test_gradcheck.py``'s ``CASES`` (op class name → a draw
function returning ``(fn, inputs)``), so that file's "every built-in op has a case" check can take them in with
``CASES.update(CURRICULUM_CASES)``. Some ops have no case, each for a stated reason (``NO_CASE``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad.autograd import Function, gradcheck
from minigrad.ops import batched as B
from minigrad.ops import math as M
from minigrad.ops import selection as SEL
from minigrad.ops import stats as ST
from minigrad.testing import strategies as mgst

F64 = np.float64
Case = tuple[Callable[..., Any], tuple[Any, ...]]
VALUES = mgst.floats(F64, -2.0, 2.0)  # an input's values unless a case says otherwise


def away(lo: float = 0.1, hi: float = 2.0) -> st.SearchStrategy[float]:
    return st.one_of(mgst.floats(F64, -hi, -lo), mgst.floats(F64, lo, hi))


def leaf(a: np.ndarray) -> minigrad.Tensor:
    return minigrad.tensor(a, dtype=minigrad.float64, requires_grad=True)


def distinct(draw: st.DrawFn, shape: Any) -> np.ndarray:
    """Values 0.1 apart at least (no ties): a permutation of a spaced grid, plus small noise."""
    n = int(np.prod(shape))
    perm = draw(st.permutations(range(n)))
    return (np.array(perm, dtype=F64) * 0.3 - 0.15 * n).reshape(shape) + draw(mgst.floats(F64, -0.05, 0.05))


def unary(op: type[Function], elements: st.SearchStrategy[float] | None = None,
          *extra: Any) -> Callable[[st.DrawFn], Case]:
    def draw_case(draw: st.DrawFn) -> Case:
        x = draw(mgst.arrays(F64, draw(mgst.shapes(0, 2, max_side=3)), elements))
        return (lambda t: op.apply(t, *extra)), (leaf(x),)
    return draw_case


def off_integers(draw: st.DrawFn) -> np.ndarray:
    """Values at least 0.1 from an integer (floor/ceil/trunc/frac/sign are smooth there)."""
    shape = draw(mgst.shapes(0, 2, max_side=3))
    whole = draw(mgst.arrays(F64, shape, st.integers(-3, 3).map(float)))
    return whole + draw(mgst.arrays(F64, shape, mgst.floats(F64, 0.1, 0.9)))


def _step(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    return lambda draw: (op.apply, (leaf(off_integers(draw)),))


def _broadcast_pair(draw: st.DrawFn, x_el: st.SearchStrategy[float],
                    y_el: st.SearchStrategy[float]) -> tuple[np.ndarray, np.ndarray]:
    s = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3))
    return draw(mgst.arrays(F64, s.input_shapes[0], x_el)), draw(mgst.arrays(F64, s.input_shapes[1], y_el))


def _atan2(draw: st.DrawFn) -> Case:
    y, x = _broadcast_pair(draw, away(0.2), away(0.2))
    return M.Atan2.apply, (leaf(y), leaf(x))


def _mod_tensor(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    """x/y kept 0.1 away from an integer, where the quotient's floor (or trunc) jumps."""
    def draw_case(draw: st.DrawFn) -> Case:
        y = draw(mgst.arrays(F64, draw(mgst.shapes(0, 2, max_side=3)), away(0.5, 2.0)))
        q = (draw(mgst.arrays(F64, y.shape, st.integers(-3, 3).map(float)))
             + draw(mgst.arrays(F64, y.shape, mgst.floats(F64, 0.1, 0.9))))
        return op.apply, (leaf(q * y), leaf(y))
    return draw_case


def _mod_number(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    def draw_case(draw: st.DrawFn) -> Case:
        c = draw(st.sampled_from([0.7, -1.3, 2.0]))
        q = off_integers(draw)
        return (lambda t: op.apply(t, c)), (leaf(q * c),)
    return draw_case


def _logit(draw: st.DrawFn) -> Case:
    eps = draw(st.sampled_from([None, 0.05]))
    x = draw(mgst.arrays(F64, draw(mgst.shapes(0, 2, max_side=3)), mgst.floats(F64, 0.1, 0.9)))
    return (lambda t: M.Logit.apply(t, eps)), (leaf(x),)


def _dims(draw: st.DrawFn, ndim: int) -> tuple[int, ...]:
    return tuple(sorted(draw(st.sets(st.integers(0, ndim - 1), min_size=1)))) if ndim else ()


def _prod(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(0, 2, max_side=3)),
                         st.sampled_from([0.0, 0.5, -1.5, 1.25, 2.0])))  # zeros: the zero-safe rule
    return (lambda t: ST.Prod.apply(t, None)), (leaf(x),)


def _prod_dim(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), st.sampled_from([0.0, 0.5, -1.5, 1.25, 2.0])))
    dim, keep = draw(st.integers(0, x.ndim - 1)), draw(st.booleans())
    return (lambda t: ST.ProdDim.apply(t, dim, keep, None)), (leaf(x),)


def _moments(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    def draw_case(draw: st.DrawFn) -> Case:
        x = distinct(draw, draw(mgst.shapes(1, 2, 2, 3)))  # not all equal: std > 0
        dims, corr, keep = _dims(draw, x.ndim), draw(st.sampled_from([0.0, 1.0])), draw(st.booleans())
        return (lambda t: op.apply(t, dims, corr, keep)), (leaf(x),)
    return draw_case


def _norm(draw: st.DrawFn) -> Case:
    p = draw(st.sampled_from([2.0, 1.0, 3.0, 0.5, 1.5, float("inf"), float("-inf")]))
    x = distinct(draw, draw(mgst.shapes(1, 2, max_side=3)))
    x = np.where(np.abs(x) < 0.05, 0.3, x)  # away from 0, the kink of |x|
    dims = draw(st.one_of(st.none(), st.just(_dims(draw, x.ndim))))
    keep = draw(st.booleans())
    return (lambda t: ST.VectorNorm.apply(t, p, dims, keep)), (leaf(x),)


def _logsumexp(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), mgst.floats(F64, -5, 5)))
    dims, keep = _dims(draw, x.ndim), draw(st.booleans())
    return (lambda t: ST.Logsumexp.apply(t, dims, keep)), (leaf(x),)


def _cumulative(op: type[Function], elements: st.SearchStrategy[float]) -> Callable[[st.DrawFn], Case]:
    def draw_case(draw: st.DrawFn) -> Case:
        x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), elements))
        dim = draw(st.integers(0, x.ndim - 1))
        return (lambda t: op.apply(t, dim, None)), (leaf(x),)
    return draw_case


def _amax(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    def draw_case(draw: st.DrawFn) -> Case:
        x = distinct(draw, draw(mgst.shapes(1, 2, max_side=3)))
        dims, keep = _dims(draw, x.ndim), draw(st.booleans())
        return (lambda t: op.apply(t, dims, keep)), (leaf(x),)
    return draw_case


def _index_case(draw: st.DrawFn) -> tuple[np.ndarray, int, np.ndarray]:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), VALUES))
    dim = draw(st.integers(0, x.ndim - 1))
    shape = tuple(draw(st.integers(1, 4 if i == dim else x.shape[i])) for i in range(x.ndim))
    return x, dim, draw(mgst.arrays("int64", shape, st.integers(0, x.shape[dim] - 1)))


def _gather(draw: st.DrawFn) -> Case:
    x, dim, index = _index_case(draw)
    return (lambda t: SEL.Gather.apply(t, dim, index)), (leaf(x),)


def _unique_index(draw: st.DrawFn) -> tuple[np.ndarray, int, np.ndarray]:
    """An index whose targets along dim are distinct in each line (scatter's collisions are unspecified)."""
    x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), VALUES))
    dim = draw(st.integers(0, x.ndim - 1))
    k = draw(st.integers(1, x.shape[dim]))
    perm = np.array(draw(st.permutations(range(x.shape[dim]))))[:k]
    shape = tuple(k if i == dim else draw(st.integers(1, x.shape[i])) for i in range(x.ndim))
    index = np.broadcast_to(perm.reshape([-1 if i == dim else 1 for i in range(x.ndim)]), shape).copy()
    return x, dim, index


def _scatter(draw: st.DrawFn) -> Case:
    x, dim, index = _unique_index(draw)
    src = draw(mgst.arrays(F64, index.shape, VALUES))
    return (lambda t, s: SEL.Scatter.apply(t, s, dim, index)), (leaf(x), leaf(src))


def _scatter_value(draw: st.DrawFn) -> Case:
    x, dim, index = _unique_index(draw)
    return (lambda t: SEL.ScatterValue.apply(t, dim, index, 1.5)), (leaf(x),)


def _scatter_add(draw: st.DrawFn) -> Case:
    x, dim, index = _index_case(draw)
    src = draw(mgst.arrays(F64, index.shape, VALUES))
    return (lambda t, s: SEL.ScatterAdd.apply(t, s, dim, index)), (leaf(x), leaf(src))


def _index_select(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), VALUES))
    dim = draw(st.integers(0, x.ndim - 1))
    index = draw(mgst.arrays("int64", st.integers(0, 4), st.integers(0, x.shape[dim] - 1)))
    return (lambda t: SEL.IndexSelect.apply(t, dim, index)), (leaf(x),)


def _mask_for(draw: st.DrawFn, shape: tuple[int, ...]) -> np.ndarray:
    tail = tuple(draw(st.sampled_from([1, s])) for s in shape[draw(st.integers(0, len(shape))):])
    return draw(mgst.arrays("bool", tail))


def _masked_fill(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), VALUES))
    mask = _mask_for(draw, x.shape)
    return (lambda t: SEL.MaskedFill.apply(t, mask, -1.0)), (leaf(x),)


def _masked_fill_tensor(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), VALUES))
    mask = _mask_for(draw, x.shape)
    return (lambda t, v: SEL.MaskedFillTensor.apply(t, v, mask)), (leaf(x), leaf(np.array(0.5)))


def _masked_select(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), VALUES))
    mask = _mask_for(draw, x.shape)
    return (lambda t: SEL.MaskedSelect.apply(t, mask)), (leaf(x),)


def _ordered(op: type[Function], top: bool) -> Callable[[st.DrawFn], Case]:
    def draw_case(draw: st.DrawFn) -> Case:
        x = distinct(draw, draw(mgst.shapes(1, 2, max_side=3)))
        dim = draw(st.integers(0, x.ndim - 1))
        idx = np.argsort(x, axis=dim, kind="stable")
        if top:
            idx = np.take(idx, range(draw(st.integers(0, x.shape[dim]))), axis=dim)
        return (lambda t: op.apply(t, dim, idx)), (leaf(x),)
    return draw_case


def _repeat(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(0, 2, max_side=3)), VALUES))
    reps = tuple(draw(st.lists(st.integers(1, 3), min_size=max(x.ndim, 1), max_size=x.ndim + 1)))
    return (lambda t: SEL.Repeat.apply(t, reps)), (leaf(x),)


def _split(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    def draw_case(draw: st.DrawFn) -> Case:
        x = draw(mgst.arrays(F64, draw(mgst.shapes(1, 2, max_side=3)), VALUES))
        dim = draw(st.integers(0, x.ndim - 1))
        start = draw(st.integers(0, x.shape[dim]))
        stop = draw(st.integers(start, x.shape[dim]))
        return (lambda t: op.apply(t, dim, start, stop)), (leaf(x),)
    return draw_case


def _triangle(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    def draw_case(draw: st.DrawFn) -> Case:
        x = draw(mgst.arrays(F64, draw(mgst.shapes(2, 3, max_side=3)), VALUES))
        k = draw(st.integers(-3, 3))
        return (lambda t: op.apply(t, k)), (leaf(x),)
    return draw_case


def _baddbmm(draw: st.DrawFn) -> Case:
    b, n, m, p = (draw(st.integers(1, 3)) for _ in range(4))
    beta, alpha = draw(st.sampled_from([1, 0, 0.5])), draw(st.sampled_from([1, -2.0]))
    c = draw(mgst.arrays(F64, draw(st.sampled_from([(b, n, p), (n, p), (p,)])), VALUES))
    return ((lambda z, x, y: B.Baddbmm.apply(z, x, y, beta, alpha)),
            (leaf(c), leaf(draw(mgst.arrays(F64, (b, n, m), VALUES))), leaf(draw(mgst.arrays(F64, (b, m, p), VALUES)))))


def _einsum(draw: st.DrawFn) -> Case:
    eq, shapes_ = draw(st.sampled_from([
        ("ij,jk->ik", [(2, 3), (3, 2)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("ii->i", [(3, 3)]),
        ("ij->j", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("iij->j", [(2, 2, 3)]), ("ij,kj", [(2, 3), (2, 3)]),
    ]))
    subs, out = B.parse_einsum(eq, len(shapes_))
    return (lambda *ts: B.Einsum.apply(subs, out, *ts)), tuple(leaf(draw(mgst.arrays(F64, s, VALUES))) for s in shapes_)


CURRICULUM_CASES: dict[str, Callable[[st.DrawFn], Case]] = {
    "Sin": unary(M.Sin), "Cos": unary(M.Cos), "Tan": unary(M.Tan, mgst.floats(F64, -1.2, 1.2)),
    "Asin": unary(M.Asin, mgst.floats(F64, -0.9, 0.9)), "Acos": unary(M.Acos, mgst.floats(F64, -0.9, 0.9)),
    "Atan": unary(M.Atan),
    "Atan2": _atan2, "Sinh": unary(M.Sinh), "Cosh": unary(M.Cosh), "Exp2": unary(M.Exp2),
    "Expm1": unary(M.Expm1), "Log2": unary(M.Log2, mgst.floats(F64, 0.2, 3)),
    "Log10": unary(M.Log10, mgst.floats(F64, 0.2, 3)),
    "Log1p": unary(M.Log1p, mgst.floats(F64, -0.8, 3)), "Rsqrt": unary(M.Rsqrt, mgst.floats(F64, 0.2, 3)),
    "Sign": _step(M.Sign), "Floor": _step(M.Floor), "Ceil": _step(M.Ceil), "Trunc": _step(M.Trunc),
    "Frac": _step(M.Frac), "Erf": unary(M.Erf), "Logit": _logit,
    "Remainder": _mod_number(M.Remainder), "RemainderTensor": _mod_tensor(M.RemainderTensor),
    "Fmod": _mod_number(M.Fmod), "FmodTensor": _mod_tensor(M.FmodTensor),
    "Prod": _prod, "ProdDim": _prod_dim, "Var": _moments(ST.Var), "Std": _moments(ST.Std), "VectorNorm": _norm,
    "Logsumexp": _logsumexp, "Cumsum": _cumulative(ST.Cumsum, VALUES),
    "Cumprod": _cumulative(ST.Cumprod, st.sampled_from([0.0, 0.5, -1.5, 1.25, 2.0])),
    "Amax": _amax(ST.Amax), "Amin": _amax(ST.Amin),
    "Gather": _gather, "Scatter": _scatter, "ScatterValue": _scatter_value, "ScatterAdd": _scatter_add,
    "IndexSelect": _index_select, "MaskedFill": _masked_fill, "MaskedFillTensor": _masked_fill_tensor,
    "MaskedSelect": _masked_select, "Topk": _ordered(SEL.Topk, True), "Sort": _ordered(SEL.Sort, False),
    "StableSort": _ordered(SEL.StableSort, False), "Repeat": _repeat, "Split": _split(SEL.Split),
    "SplitWithSizes": _split(SEL.SplitWithSizes), "Tril": _triangle(SEL.Tril), "Triu": _triangle(SEL.Triu),
    "Baddbmm": _baddbmm, "Einsum": _einsum,
}

NO_CASE = {
    "FloorDivide": "torch defines no derivative (its node is NotImplemented and backward raises; tested so)",
    "NormalFromTensors": "torch defines the gradient as 0, not the derivative of mean + std·z (tested against "
                         "torch in test_curriculum_ops_random.py)",
    "NormalMeanTensor": "as NormalFromTensors",
    "NormalStdTensor": "as NormalFromTensors",
    "BernoulliDraw": "torch defines dL/dp = 0 for the draws (tested against torch in test_curriculum_ops_random.py)",
    "BernoulliDrawP": "torch defines no derivative (NotImplemented; tested against torch by the fuzz's regressions)",
    "RemainderScalarTensor": "as BernoulliDrawP (remainder(number, tensor))",
    "BernoulliFillTensor": "a random fill: torch defines dL/dx = dL/dp = 0 (the fuzz's regressions compare with torch)",
    "RandomFill": "as BernoulliFillTensor (the base of the fills below)",
    "UniformFill": "as BernoulliFillTensor",
    "NormalFill": "as BernoulliFillTensor",
    "ExponentialFill": "as BernoulliFillTensor",
    "RandomFromToFill": "as BernoulliFillTensor",
    "RandomToFill": "as BernoulliFillTensor",
    "RandomIntFill": "as BernoulliFillTensor",
    "BernoulliFill": "as BernoulliFillTensor",
}


def curriculum_ops() -> dict[str, type[Function]]:
    found = {}
    for module in (M, ST, SEL, B):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and issubclass(obj, Function) and obj.__module__ == module.__name__ \
                    and not name.startswith("_"):
                found[name] = obj
    return found


def test_every_curriculum_op_has_a_case() -> None:
    ops = curriculum_ops()
    assert not sorted(set(ops) - set(CURRICULUM_CASES) - set(NO_CASE)), "add a case"
    assert not sorted((set(CURRICULUM_CASES) | set(NO_CASE)) - set(ops)), "a case names an op that is gone"


@pytest.mark.parametrize("name", sorted(CURRICULUM_CASES))
@settings(max_examples=10)  # lowered: ~50 ops × finite differences on small inputs
@given(data=st.data())
def test_gradcheck_passes_on_curriculum_op(name: str, data: st.DataObject) -> None:
    fn, inputs = data.draw(st.composite(CURRICULUM_CASES[name])())
    assert gradcheck(fn, inputs)
