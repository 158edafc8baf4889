"""minigrad.autograd.gradcheck: torch's semantics; passes on every built-in op, catches a wrong backward.

Every ``Function`` subclass defined in ``minigrad.ops`` must have a case below (a new op without one fails
``test_every_builtin_op_has_a_case``); each case draws float64 inputs with ``hypothesis.extra.numpy`` from a
domain where the op is differentiable (positive for log/sqrt, (0, 1) for BCE, away from kinks and ties).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from _act_gradcheck_cases import ACT_CASES
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_curriculum_ops_gradcheck import CURRICULUM_CASES, NO_CASE  # run there; counted here

import minigrad
import minigrad.ops
from minigrad.autograd import Function, GradcheckError, gradcheck
from minigrad.autograd.gradcheck import analytical_jacobian, numerical_jacobian
from minigrad.ops import arithmetic as A
from minigrad.ops import conv as CV
from minigrad.ops import embedding as EM
from minigrad.ops import linalg as L
from minigrad.ops import loss as LS
from minigrad.ops import normalization as NO
from minigrad.ops import pooling as PO
from minigrad.ops import reduction as R
from minigrad.ops import shape as S
from minigrad.ops import unary as U
from minigrad.testing import assert_close
from minigrad.testing import strategies as mgst

F64 = np.float64
Case = tuple[Callable[..., Any], tuple[Any, ...]]
VALUES = mgst.floats(F64, -2.0, 2.0)  # an input's values unless a case says otherwise


def builtin_ops() -> dict[str, type[Function]]:
    """Every Function subclass defined in a module of minigrad.ops, by class name."""
    found = {}
    for info in pkgutil.iter_modules(minigrad.ops.__path__):
        module = importlib.import_module(f"minigrad.ops.{info.name}")
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, Function) and obj.__module__ == module.__name__:
                found[name] = obj
    return found


# ---------------------------------------------------------------------------------------------- strategies
def away_from_zero(lo: float = 0.05, hi: float = 2.0) -> st.SearchStrategy[float]:
    """|x| in [lo, hi], either sign: away from the kinks of abs/relu and the poles of 1/x."""
    return st.one_of(mgst.floats(F64, -hi, -lo), mgst.floats(F64, lo, hi))


def leaf(a: np.ndarray) -> minigrad.Tensor:
    return minigrad.tensor(a, dtype=minigrad.float64, requires_grad=True)


def const(a: np.ndarray) -> minigrad.Tensor:
    return minigrad.tensor(a, dtype=minigrad.float64)


def distinct(draw: st.DrawFn, shape: Any) -> np.ndarray:
    """Values at least 0.1 apart (no ties for max/min)."""
    n = int(np.prod(shape))
    ints = draw(hnp.arrays(np.int64, (n,), elements=st.integers(-40, 40), unique=True))
    return (ints * 0.1).reshape(shape)


def two_broadcastable(draw: st.DrawFn, elements: st.SearchStrategy[float] | None = None) -> tuple[np.ndarray, ...]:
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3))
    return draw(mgst.arrays(F64, bs.input_shapes[0], VALUES)), draw(mgst.arrays(F64, bs.input_shapes[1], elements))


# ---------------------------------------------------------------------------------------------- one case per op
def _unary(op: type[Function], elements: st.SearchStrategy[float] | None = None, *extra: Any
           ) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        return (lambda x: op.apply(x, *extra)), (leaf(draw(mgst.arrays(F64, mgst.shapes(0, 2, max_side=3), elements))),)
    return make


def _binary(op: type[Function], elements: st.SearchStrategy[float] | None = None) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        a, b = two_broadcastable(draw, elements)
        return op.apply, (leaf(a), leaf(b))
    return make


def _div_rounded(draw: st.DrawFn) -> Case:
    """``rounding_mode=None``: true division's derivative (the rounded modes' zero gradient, which finite
    differences would contradict at every jump, is checked against torch in test_curriculum_ops.py)."""
    a, b = two_broadcastable(draw, away_from_zero(0.5))
    return (lambda x, y: A.DivRounded.apply(x, y, None)), (leaf(a), leaf(b))


def _extremes(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    """maximum/minimum: distinct values 0.1 apart (no ties, where the derivative jumps), broadcastable shapes."""
    def make(draw: st.DrawFn) -> Case:
        bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3))
        na = int(np.prod(bs.input_shapes[0]))
        both = distinct(draw, (na + int(np.prod(bs.input_shapes[1])),))
        return op.apply, (leaf(both[:na].reshape(bs.input_shapes[0])), leaf(both[na:].reshape(bs.input_shapes[1])))
    return make


def _alpha(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        a, b = two_broadcastable(draw)
        alpha = draw(st.sampled_from([1, 2.5, -0.5]))
        return (lambda x, y: op.apply(x, y, alpha)), (leaf(a), leaf(b))
    return make


def _rsub(draw: st.DrawFn) -> Case:
    c, alpha = draw(VALUES), draw(st.sampled_from([1, 3.0]))
    return (lambda x: A.Rsub.apply(x, c, alpha)), (leaf(draw(mgst.arrays(F64, mgst.shapes(0, 2, max_side=3), VALUES))),)


def _pow(draw: st.DrawFn) -> Case:
    c = draw(st.sampled_from([0, 1, 2, 3, 0.5, -1.5]))
    x = draw(mgst.arrays(F64, mgst.shapes(0, 2, max_side=3), mgst.floats(F64, 0.5, 2)))
    return (lambda x: A.Pow.apply(x, c)), (leaf(x),)


def _pow_tensor(draw: st.DrawFn) -> Case:
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3))
    return A.PowTensor.apply, (leaf(draw(mgst.arrays(F64, bs.input_shapes[0], mgst.floats(F64, 0.5, 2)))),
                               leaf(draw(mgst.arrays(F64, bs.input_shapes[1], VALUES))))


def _rpow(draw: st.DrawFn) -> Case:
    c = draw(st.sampled_from([0.5, 2.0, 3.0]))
    return (lambda x: A.RPow.apply(x, c)), (leaf(draw(mgst.arrays(F64, mgst.shapes(0, 2, max_side=3), VALUES))),)


def _where(draw: st.DrawFn) -> Case:
    a, b = two_broadcastable(draw)
    cond = draw(mgst.arrays("bool", np.broadcast_shapes(a.shape, b.shape)))
    return (lambda x, y: A.Where.apply(x, y, cond)), (leaf(a), leaf(b))


def _addmm(draw: st.DrawFn) -> Case:
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    bias_shape = draw(st.sampled_from([(m,), (n, m), (1, m)]))
    bias, a, b = (draw(mgst.arrays(F64, s, VALUES)) for s in (bias_shape, (n, k), (k, m)))
    return L.Addmm.apply, (leaf(bias), leaf(a), leaf(b))


def _mm(draw: st.DrawFn) -> Case:
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return L.Mm.apply, (leaf(draw(mgst.arrays(F64, (n, k), VALUES))), leaf(draw(mgst.arrays(F64, (k, m), VALUES))))


def _mv(draw: st.DrawFn) -> Case:
    n, k = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return L.Mv.apply, (leaf(draw(mgst.arrays(F64, (n, k), VALUES))), leaf(draw(mgst.arrays(F64, (k,), VALUES))))


def _dot(draw: st.DrawFn) -> Case:
    k = draw(st.integers(1, 4))
    return L.Dot.apply, (leaf(draw(mgst.arrays(F64, (k,), VALUES))), leaf(draw(mgst.arrays(F64, (k,), VALUES))))


def _bmm(draw: st.DrawFn) -> Case:
    b, n, k, m = (draw(st.integers(1, 2)) for _ in range(4))
    a_batch = draw(st.sampled_from([(b,), (1,), ()]))
    return L.Bmm.apply, (leaf(draw(mgst.arrays(F64, (*a_batch, n, k), VALUES))),
                         leaf(draw(mgst.arrays(F64, (b, k, m), VALUES))))


def _mse(draw: st.DrawFn) -> Case:
    shape = draw(mgst.shapes(0, 2, max_side=3))
    reduction = draw(st.sampled_from(LS.REDUCTIONS))
    return (lambda x, t: LS.MseLoss.apply(x, t, reduction)), (leaf(draw(mgst.arrays(F64, shape, VALUES))),
                                                              leaf(draw(mgst.arrays(F64, shape, VALUES))))


def _bce(draw: st.DrawFn) -> Case:
    shape = draw(mgst.shapes(0, 2, max_side=3))
    reduction = draw(st.sampled_from(LS.REDUCTIONS))
    t_ = draw(st.booleans())  # with or without dL/dt: a target that is differentiated stays inside (0, 1), where
    # the finite differences may not leave [0, 1]
    t = draw(mgst.arrays(F64, shape, mgst.floats(F64, 0.05, 0.95) if t_ else mgst.floats(F64, 0, 1)))
    t_ = leaf(t) if t_ else const(t)
    w = draw(st.none() | mgst.arrays(F64, shape, elements=mgst.floats(F64, 0.1, 2)))
    return ((lambda x, t: LS.BinaryCrossEntropy.apply(x, t, w, reduction)),
            (leaf(draw(mgst.arrays(F64, shape, mgst.floats(F64, 0.05, 0.95)))), t_))


def _bce_logits(draw: st.DrawFn) -> Case:
    shape = draw(mgst.shapes(0, 2, max_side=3))
    reduction = draw(st.sampled_from(LS.REDUCTIONS))
    w = draw(st.none() | mgst.arrays(F64, shape, elements=mgst.floats(F64, 0.1, 2)))
    pw = draw(st.none() | mgst.arrays(F64, shape, elements=mgst.floats(F64, 0.1, 3)))
    return ((lambda z, t: LS.BinaryCrossEntropyWithLogits.apply(z, t, w, pw, reduction)),
            (leaf(draw(mgst.arrays(F64, shape, mgst.floats(F64, -4, 4)))),
             leaf(draw(mgst.arrays(F64, shape, mgst.floats(F64, 0, 1))))))


def _dims(draw: st.DrawFn, ndim: int) -> tuple[int, ...]:
    return tuple(sorted(draw(st.sets(st.integers(0, ndim - 1), min_size=1, max_size=ndim))))


def _sum_dim(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        x = draw(mgst.arrays(F64, mgst.shapes(1, 3, max_side=3), VALUES))
        dims, keep = _dims(draw, x.ndim), draw(st.booleans())
        return (lambda t: op.apply(t, dims, keep)), (leaf(x),)
    return make


def _extreme(op: type[Function]) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        return op.apply, (leaf(distinct(draw, draw(mgst.shapes(0, 2, max_side=3)))),)
    return make


def _extreme_dim(op: type[Function], arg: Callable[..., np.ndarray]) -> Callable[[st.DrawFn], Case]:
    """max/min along a dim: distinct values (no ties), the positions computed as the Tensor method does."""
    def make(draw: st.DrawFn) -> Case:
        x = distinct(draw, draw(mgst.shapes(1, 2, max_side=3)))
        dim, keepdim = draw(st.integers(0, x.ndim - 1)), draw(st.booleans())
        idx = arg(x, axis=dim, keepdims=True)
        return (lambda t: op.apply(t, dim, keepdim, idx)), (leaf(x),)
    return make


def _expand(draw: st.DrawFn) -> Case:
    bs = draw(hnp.broadcastable_shapes(draw(mgst.shapes(0, 2, max_side=3)), min_dims=0, max_dims=3, max_side=3))
    x = draw(mgst.arrays(F64, bs, VALUES))
    shape = np.broadcast_shapes(bs, draw(hnp.broadcastable_shapes(bs, min_dims=len(bs), max_dims=3, max_side=3)))
    return (lambda t: S.Expand.apply(t, shape)), (leaf(x),)


def _squeeze_dims(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, draw(mgst.shapes(0, 3, max_side=2)), VALUES))
    dims = tuple(draw(st.lists(st.integers(0, max(x.ndim - 1, 0)), unique=True, max_size=max(x.ndim, 1))))
    return (lambda t: S.SqueezeDims.apply(t, dims)), (leaf(x),)


def _view(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(1, 3, max_side=3), VALUES))
    target = draw(st.sampled_from([(-1,), (x.size, 1), (1, -1), x.shape[::-1]]))
    return (lambda t: S.View.apply(t, target)), (leaf(x),)


def _permute(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(1, 3, max_side=3), VALUES))
    dims = tuple(draw(st.permutations(range(x.ndim))))
    return (lambda t: S.Permute.apply(t, dims)), (leaf(x),)


def _transpose(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(2, 3, max_side=3), VALUES))
    d0, d1 = draw(st.integers(0, x.ndim - 1)), draw(st.integers(0, x.ndim - 1))
    return (lambda t: S.Transpose.apply(t, d0, d1)), (leaf(x),)


def _unsqueeze(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(0, 2, max_side=3), VALUES))
    dim = draw(st.integers(0, x.ndim))
    return (lambda t: S.Unsqueeze.apply(t, dim)), (leaf(x),)


def _squeeze(op: type[Function], with_dim: bool) -> Callable[[st.DrawFn], Case]:
    def make(draw: st.DrawFn) -> Case:
        shape = draw(mgst.shapes(1, 3, max_side=2))
        x = draw(mgst.arrays(F64, shape, VALUES))
        dim = draw(st.integers(0, x.ndim - 1)) if with_dim else None
        return (lambda t: op.apply(t, dim)), (leaf(x),)
    return make


def _unsafe_view(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(1, 3, max_side=3), VALUES))
    return (lambda t: S.UnsafeView.apply(t, (-1,))), (leaf(x),)


def _copy(draw: st.DrawFn) -> Case:
    bs = draw(hnp.mutually_broadcastable_shapes(num_shapes=1, min_dims=0, max_dims=2, max_side=3))
    return S.Copy.apply, (leaf(draw(mgst.arrays(F64, bs.result_shape, VALUES))),
                          leaf(draw(mgst.arrays(F64, bs.input_shapes[0], VALUES))))


def _fill(draw: st.DrawFn) -> Case:
    c = draw(VALUES)
    return (lambda t: S.Fill.apply(t, c)), (leaf(draw(mgst.arrays(F64, mgst.shapes(0, 2, max_side=3), VALUES))),)


def _fill_tensor(draw: st.DrawFn) -> Case:
    return S.FillTensor.apply, (leaf(draw(mgst.arrays(F64, mgst.shapes(0, 2, max_side=3), VALUES))),
                                leaf(draw(mgst.arrays(F64, (), VALUES))))


def _select(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(1, 2, max_side=3), VALUES))
    dim = draw(st.integers(0, x.ndim - 1))
    index = draw(st.integers(-x.shape[dim], x.shape[dim] - 1))
    return (lambda t: S.Select.apply(t, dim, index)), (leaf(x),)


def _slice(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(1, 2, max_side=3), VALUES))
    dim = draw(st.integers(0, x.ndim - 1))
    sl = slice(draw(st.integers(0, 2)), draw(st.none() | st.integers(0, 3)), draw(st.integers(1, 2)))
    return (lambda t: S.Slice.apply(t, dim, sl)), (leaf(x),)


def _index(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(1, 1, max_side=3), VALUES))
    key = draw(mgst.arrays("int64", st.integers(1, 5), elements=st.integers(0, x.shape[0] - 1)))  # repeats add up
    return (lambda t: S.Index.apply(t, key)), (leaf(x),)


def _copy_slices(draw: st.DrawFn) -> Case:
    x = draw(mgst.arrays(F64, mgst.shapes(1, 1, 2, 3), VALUES))
    key = slice(0, draw(st.integers(1, x.shape[0])))
    v = draw(mgst.arrays(F64, x[key].shape, VALUES))
    return (lambda a, b: S.CopySlices.apply(a, b, key)), (leaf(x), leaf(v))


def _cat(draw: st.DrawFn) -> Case:
    base = draw(mgst.shapes(1, 2, max_side=3))
    dim = draw(st.integers(0, len(base) - 1))
    other = (*base[:dim], draw(st.integers(1, 3)), *base[dim + 1:])
    return (lambda a, b: S.Cat.apply(a, b, dim)), (leaf(draw(mgst.arrays(F64, base, VALUES))),
                                                   leaf(draw(mgst.arrays(F64, other, VALUES))))


def _stack(draw: st.DrawFn) -> Case:
    shape = draw(mgst.shapes(0, 2, max_side=3))
    dim = draw(st.integers(0, len(shape)))
    return (lambda a, b: S.Stack.apply(a, b, dim)), (leaf(draw(mgst.arrays(F64, shape, VALUES))),
                                                     leaf(draw(mgst.arrays(F64, shape, VALUES))))


def _clamp(draw: st.DrawFn) -> Case:
    lo, hi = draw(st.sampled_from([(-1.0, 1.0), (None, 0.5), (-0.5, None)]))
    bounds = [b for b in (lo, hi) if b is not None]
    x = draw(mgst.arrays(F64, mgst.shapes(0, 2, max_side=3), elements=mgst.floats(F64, -2, 2).filter(
        lambda v: all(abs(v - b) > 0.01 for b in bounds))))
    return (lambda t: U.Clamp.apply(t, lo, hi)), (leaf(x),)


def _clamp_tensor(draw: st.DrawFn) -> Case:
    """Tensor bounds (either may be None); x, lo and hi at least 0.1 apart, so no element sits on a kink (lo > hi
    included: the result is hi there)."""
    shape = draw(mgst.shapes(0, 2, max_side=3))
    x, lo, hi = distinct(draw, (3, *shape))
    which = draw(st.sampled_from(["both", "min", "max"]))
    if which == "min":
        return (lambda a, b: U.ClampTensor.apply(a, b, None)), (leaf(x), leaf(lo))
    if which == "max":
        return (lambda a, c: U.ClampTensor.apply(a, None, c)), (leaf(x), leaf(hi))
    return (lambda a, b, c: U.ClampTensor.apply(a, b, c)), (leaf(x), leaf(lo), leaf(hi))


def _round(draw: st.DrawFn) -> Case:
    shape = draw(mgst.shapes(0, 2, max_side=3))
    whole = draw(mgst.arrays(F64, shape, elements=st.integers(-3, 3).map(float)))
    frac = draw(mgst.arrays(F64, shape, elements=mgst.floats(F64, -0.4, 0.4)))  # never near a .5 jump
    return U.Round.apply, (leaf(whole + frac),)


CASES: dict[str, Callable[[st.DrawFn], Case]] = {
    "Add": _alpha(A.Add), "Sub": _alpha(A.Sub), "Rsub": _rsub, "Mul": _binary(A.Mul),
    "Div": _binary(A.Div, away_from_zero(0.5)), "DivRounded": _div_rounded, "Neg": _unary(A.Neg), "Pow": _pow,
    "PowTensor": _pow_tensor,
    "RPow": _rpow, "Reciprocal": _unary(A.Reciprocal, away_from_zero(0.5)), "Where": _where,
    "Maximum": _extremes(A.Maximum), "Minimum": _extremes(A.Minimum),
    "Addmm": _addmm, "Mm": _mm, "Mv": _mv, "Dot": _dot, "Bmm": _bmm,
    "MseLoss": _mse, "BinaryCrossEntropy": _bce, "BinaryCrossEntropyWithLogits": _bce_logits,
    "Sum": _unary(R.Sum), "SumDim": _sum_dim(R.SumDim), "Mean": _unary(R.Mean), "MeanDim": _sum_dim(R.MeanDim),
    "MaxAll": _extreme(R.MaxAll), "MinAll": _extreme(R.MinAll),
    "MaxDim": _extreme_dim(R.MaxDim, np.argmax), "MinDim": _extreme_dim(R.MinDim, np.argmin),
    "View": _view, "UnsafeView": _unsafe_view, "Alias": _unary(S.Alias), "Copy": _copy, "Zero": _unary(S.Zero),
    "Fill": _fill, "FillTensor": _fill_tensor, "T": _unary(S.T), "Permute": _permute, "Transpose": _transpose,
    "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze(S.Squeeze, False), "SqueezeDim": _squeeze(S.SqueezeDim, True),
    "SqueezeMatmul": _squeeze(S.SqueezeMatmul, True),
    "SqueezeDims": _squeeze_dims, "Select": _select, "Slice": _slice, "Index": _index,
    "CopySlices": _copy_slices, "Cat": _cat, "Stack": _stack, "Expand": _expand, "Clone": _unary(S.Clone),
    "ToCopy": _unary(S.ToCopy, None, np.float64),
    "Exp": _unary(U.Exp), "Log": _unary(U.Log, mgst.floats(F64, 0.2, 3)),
    "Sigmoid": _unary(U.Sigmoid, mgst.floats(F64, -4, 4)),
    "Tanh": _unary(U.Tanh), "Relu": _unary(U.Relu, away_from_zero()), "Abs": _unary(U.Abs, away_from_zero()),
    "Clamp": _clamp, "ClampTensor": _clamp_tensor, "Round": _round, "Sqrt": _unary(U.Sqrt, mgst.floats(F64, 0.2, 3)),
}


CASES.update(ACT_CASES)  # the activation, softmax and loss ops (tests/_act_gradcheck_cases.py)
# ---------------------------------------------------------------------------------------------- layers (issue 15)


def _convolution(draw: st.DrawFn) -> Case:
    groups = draw(st.sampled_from([1, 2]))
    cg, og, k = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    stride, dil, pad = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(0, 1))
    size = dil * (k - 1) + 1 + draw(st.integers(0, 2))
    x = draw(mgst.arrays(F64, (2, groups * cg, size, size), VALUES))
    w = draw(mgst.arrays(F64, (groups * og, cg, k, k), VALUES))
    b = draw(mgst.arrays(F64, (groups * og,), VALUES))
    return ((lambda a, c, d: CV.Convolution.apply(a, c, d, (stride, stride), (pad,) * 4, (dil, dil), groups, False)),
            (leaf(x), leaf(w), leaf(b)))


def _max_pool(draw: st.DrawFn) -> Case:
    k, s = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    size = k + draw(st.integers(0, 2))
    out = (size - k) // s + 1
    x = distinct(draw, (2, size, size))  # no ties inside a window: the max has a derivative
    return (lambda a: PO.MaxPool2d.apply(a, (k, k), (s, s), (0, 0), (1, 1), (out, out), None)), (leaf(x),)


def _avg_pool(draw: st.DrawFn) -> Case:
    k, s, p = draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(0, 1))
    p = min(p, k // 2)
    size = k + draw(st.integers(0, 2))
    out = (size + 2 * p - k) // s + 1
    include = draw(st.booleans())
    return (lambda a: PO.AvgPool2d.apply(a, (k, k), (s, s), (p, p), (out, out), include, None)), \
        (leaf(draw(mgst.arrays(F64, (2, size, size), VALUES))),)


def _adaptive_avg_pool(draw: st.DrawFn) -> Case:
    h, w, oh, ow = (draw(st.integers(1, 4)) for _ in range(4))
    return (lambda a: PO.AdaptiveAvgPool2d.apply(a, (oh, ow))), (leaf(draw(mgst.arrays(F64, (2, h, w), VALUES))),)


def _embedding(draw: st.DrawFn) -> Case:
    rows = draw(st.integers(1, 4))
    idx = draw(mgst.arrays("int64", draw(mgst.shapes(1, 2, max_side=3)), elements=st.integers(0, rows - 1)))
    # (no padding_idx: its row's gradient is 0 by definition, not the derivative; tests/test_layers_embedding.py
    # holds it against torch)
    return (lambda w: EM.Embedding.apply(w, idx, None)), (leaf(draw(mgst.arrays(F64, (rows, 3), VALUES))),)


def _batch_norm(draw: st.DrawFn) -> Case:
    train = draw(st.booleans())
    x = distinct(draw, (3, 2, 2))  # spread values: var + eps well away from 0
    rm, rv = draw(mgst.arrays(F64, (2,), VALUES)), draw(mgst.arrays(F64, (2,), mgst.floats(F64, 0.5, 2)))
    return ((lambda a, w, b: NO.NativeBatchNorm.apply(a, w, b, rm.copy(), rv.copy(), train, 0.1, 1e-5)),
            (leaf(x), leaf(draw(mgst.arrays(F64, (2,), VALUES))), leaf(draw(mgst.arrays(F64, (2,), VALUES)))))


def _layer_norm(draw: st.DrawFn) -> Case:
    x = distinct(draw, (2, 3))
    return (lambda a, w, b: NO.NativeLayerNorm.apply(a, w, b, 1, 1e-5)), \
        (leaf(x), leaf(draw(mgst.arrays(F64, (3,), VALUES))), leaf(draw(mgst.arrays(F64, (3,), VALUES))))


CASES.update({
    "Convolution": _convolution, "MaxPool2d": _max_pool, "AvgPool2d": _avg_pool,
    "AdaptiveAvgPool2d": _adaptive_avg_pool, "Embedding": _embedding, "NativeBatchNorm": _batch_norm,
    "NativeLayerNorm": _layer_norm,
})


def test_every_builtin_op_has_a_case() -> None:
    ops = builtin_ops()
    assert len(ops) >= 40
    covered = set(CASES) | set(CURRICULUM_CASES) | set(NO_CASE)  # (the curriculum ops' cases run in their file)
    missing = sorted(set(ops) - covered)
    assert not missing, f"built-in ops without a gradcheck case (add one to CASES): {missing}"
    assert not sorted(covered - set(ops)), "a case names an op that no longer exists"


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=12)  # lowered: ~50 ops × finite differences; each op's domain is small and covered
@given(data=st.data())
def test_gradcheck_passes_on_builtin_op(name: str, data: st.DataObject) -> None:
    fn, inputs = data.draw(st.composite(CASES[name])())
    assert gradcheck(fn, inputs)


# ---------------------------------------------------------------------------------------------- a wrong backward
class SquareWrongAt(Function):
    """y = x², with a backward that is right everywhere except at one element (scaled by 1.5 there)."""

    wrong_at = 2

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        g = (grad * x * 2).numpy().copy()
        g.reshape(-1)[SquareWrongAt.wrong_at] *= 1.5
        return minigrad.tensor(g)


@given(mgst.arrays(F64, mgst.shapes(1, 2, max_side=4).filter(
    lambda s: int(np.prod(s)) >= 3), elements=mgst.floats(F64, 0.5, 2)), st.data())
def test_gradcheck_names_the_wrong_element(x: np.ndarray, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, x.size - 1), label="wrong flat index")
    SquareWrongAt.wrong_at = k
    idx = tuple(int(i) for i in np.unravel_index(k, x.shape))
    with pytest.raises(GradcheckError) as err:
        gradcheck(SquareWrongAt.apply, (leaf(x),))
    msg = str(err.value)
    assert f"with respect to input 0,\nat input index {idx}, output index {idx}:" in msg
    analytical, numerical = 1.5 * 2 * x[idx], 2 * x[idx]
    reported = re.search(r"analytical (\S+), numerical (\S+) ", msg)
    assert reported is not None
    assert float(reported.group(1)) == pytest.approx(analytical, rel=1e-12)
    assert float(reported.group(2)) == pytest.approx(numerical, rel=1e-6)
    assert f"1 of {x.size ** 2} Jacobian entries differ" in msg
    assert isinstance(err.value, RuntimeError)
    assert gradcheck(SquareWrongAt.apply, (leaf(x),), raise_exception=False) is False


def test_torch_agrees_on_the_wrong_function() -> None:
    class TorchSquareWrongAt2(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            (x,) = ctx.saved_tensors
            g = grad * x * 2
            g[2] = g[2] * 1.5
            return g

    x = np.array([0.5, 1.0, 1.5, 2.0])
    SquareWrongAt.wrong_at = 2
    assert torch.autograd.gradcheck(TorchSquareWrongAt2.apply, (torch.tensor(x, requires_grad=True),),
                                    raise_exception=False) is False
    assert gradcheck(SquareWrongAt.apply, (leaf(x),), raise_exception=False) is False


# ---------------------------------------------------------------------------------------------- semantics
class Square(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * x * 2


@given(mgst.arrays(F64, mgst.shapes(1, 2, max_side=3), elements=VALUES),
       mgst.arrays(F64, (2, 3), elements=VALUES))
def test_jacobians_are_torchs(x: np.ndarray, m: np.ndarray) -> None:
    """Layout and values: J[input element, output element], as torch.autograd.functional.jacobian (transposed)."""
    def mg_fn(a: Any) -> Any:
        return (Square.apply(a).sum() * minigrad.tensor(m)).tanh()

    def t_fn(a: Any) -> Any:
        return ((a * a).sum() * torch.tensor(m)).tanh()

    a = leaf(x)
    expected = torch.autograd.functional.jacobian(t_fn, torch.tensor(x)).numpy().reshape(m.size, x.size).T
    analytical = analytical_jacobian((mg_fn(a),), (a,))[(0, 0)]
    numerical = numerical_jacobian(mg_fn, (a,))[(0, 0)]
    assert_close(analytical, expected, dtype=np.float64, n_ops=8, what="analytical Jacobian")
    np.testing.assert_allclose(numerical, expected, rtol=1e-3, atol=1e-5)  # gradcheck's own default tolerance
    np.testing.assert_array_equal(a.detach().numpy(), x)  # every perturbed element restored exactly


def test_several_inputs_outputs_and_non_tensor_arguments() -> None:
    x, y = leaf(np.array([0.5, 1.0, 2.0])), leaf(np.array([[1.0, -1.0, 0.5]]))
    assert gradcheck(lambda a, b, c: (a * b * c, (a + b).exp().sum()), (x, y, 3.0))
    y_const = const(np.array([[1.0, -1.0, 0.5]]))
    assert gradcheck(lambda a, b: a * b, (x, y_const))  # only inputs that require grad are perturbed


def test_float32_input_warns_like_torch() -> None:
    x = minigrad.tensor([0.5, 1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gradcheck(lambda a: a * 2, (x,), raise_exception=False)
    assert any("Input #0 requires gradient and is not a double precision" in str(w.message) for w in caught)


def test_errors_like_torch() -> None:
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(lambda a: a * 2, (const(np.ones(2)),))
    x = leaf(np.array([1.0, 2.0]))
    with pytest.raises(GradcheckError, match="Numerical gradient for function expected to be zero"):
        gradcheck(lambda a: a.detach() * 2, (x,))
    assert gradcheck(lambda a: a.detach() * 0, (x,))  # truly constant: passes

