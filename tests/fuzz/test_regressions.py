"""Deep-run findings pinned as regressions: each call is checked by the fuzz's rules (``fuzz.harness.check``)
with no ``KNOWN`` entry to excuse it. A tier-1 or tier-2 finding, once fixed, gets its case here
(docs/fidelity.md)."""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from fuzz.harness import ArrayRecipe, Made, check, materialize, tf_model
from fuzz.harness import tensor_of as _t

# (target, call(lib, *args, **kwargs), args, kwargs): deep-run findings, checked by the same rules as the fuzz
# targets (their draws take ``st.data()``, so hypothesis' @example cannot pin them)
REGRESSIONS: list[tuple[str, Callable[..., Any], list[Any], dict[str, Any]]] = [
    # permute(float 0-d tensor): torch's parser refuses it (a TypeError; minigrad read inf as a dim: OverflowError)
    ("Tensor.permute", lambda lib, t, d: t.permute(d), [_t([], np.int64), _t(np.inf)], {}),
    # bool ** an int beyond int64 (session-5 deep run: the layers refactor had lost the check, NumPy's ValueError)
    ("x ** y", lambda lib, t: t ** (2**63), [_t(False, np.bool_)], {}),
    # pow backward: c - 1 stays a double (torch: (-1) ** 1.000000001 is nan; float32 would round it to 1)
    ("x ** y", lambda lib, t: t ** 2.000000001, [_t([-1.0, -2.5, 3.0], requires_grad=True)], {}),
    ("x ** y", lambda lib, t: t ** 1e-8, [_t([-1.0, 2.0], requires_grad=True)], {}),
    # x ** 0.5 backward is 0.5 · rsqrt(x) in torch: nan at -inf; float16 takes C's pow ((-inf) ** 0.5 is inf)
    ("x ** y", lambda lib, t: t ** 0.5, [_t([-np.inf, 4.0], requires_grad=True)], {}),
    ("x ** y", lambda lib, t: t ** -0.5, [_t([-np.inf, -0.0, 4.0], np.float64, requires_grad=True)], {}),
    ("x ** y", lambda lib, t: t ** 0.5, [_t([-np.inf, -0.0, 4.0], np.float16, requires_grad=True)], {}),
    # c ** x for a Python int c in [2**63, 2**64): torch's gradient is nan (the log of a uint64 read as int64)
    ("x ** y (reflected)", lambda lib, t: (2**63) ** t, [_t(0.0, requires_grad=True)], {}),
    # tensor ** tensor: the backward's masks (y == 0, x == 0) see the operands before their cast to the result dtype
    ("x ** y (reflected)", lambda lib, t, o: o ** t, [_t(7.65342119e-107, np.float64), _t([0.0], requires_grad=True)],
     {}),
    # alpha goes through torch's checked cast to the result dtype; sub negates it in int64 first
    ("add", lambda lib, t: lib.add(t, 1, alpha=300), [_t([1, 2], np.int8)], {}),
    ("Tensor.add", lambda lib, t, o: t.add(o, alpha=2**63), [_t([1, 2]), _t([1, 2])], {}),
    ("Tensor.add", lambda lib, t: t.add(1, alpha=2**63), [_t([1, 2], np.int64)], {}),
    ("Tensor.add", lambda lib, t: t.add(1, alpha=-255), [_t([1, 2], np.uint8)], {}),
    ("Tensor.sub", lambda lib, t: t.sub(1, alpha=-128), [_t([1, 2], np.int8)], {}),
    ("Tensor.sub", lambda lib, t: t.sub(1, alpha=2**63), [_t([1, 2], np.int64)], {}),
    ("sub", lambda lib, t: lib.sub(t, 1, alpha=-(2**63)), [_t([1.0, 2.0], requires_grad=True)], {}),
    ("Tensor.sub_", lambda lib, t: t.sub_(1, alpha=2**64 - 1), [_t([1.0, 2.0])], {}),
    ("Tensor.add_", lambda lib, t: t.add_(300, alpha=2), [_t([1, 2], np.int8)], {}),
    # float32 pow is computed in double and rounded once, as torch's (seen through a float64 input's gradient)
    ("x ** y", lambda lib, t, o: t ** o, [_t(2.125, np.float64, requires_grad=True), _t([2.125])], {}),
    ("x ** y", lambda lib, t, o: t ** o, [_t(np.linspace(0.1, 4, 12), np.float64, requires_grad=True),
                                          _t(np.linspace(-3, 3, 12))], {}),
    # torch's backward subtracts 1 from a bool exponent tensor, and fails
    ("Tensor.pow", lambda lib, t, o: t.pow(o), [_t([], requires_grad=True), _t([], np.bool_)], {}),
    ("x ** y", lambda lib, t, o: t ** o, [_t([2.0], requires_grad=True), _t([True, False], np.bool_)], {}),
    # arange: int64's size is (end - start + step - sign) / step in int64 (it wraps), then a double; bounds as doubles
    ("arange", lambda lib: lib.arange(2**63 - 1), [], {}),
    ("arange", lambda lib: lib.arange(2**63), [], {}),
    ("arange", lambda lib: lib.arange(-(2**63), 2**63 - 1, 2**62), [], {}),
    ("arange", lambda lib: lib.arange(4, 0, -(2**63)), [], {}),
    ("arange", lambda lib: lib.arange(0, 2**63, dtype=lib.float32), [], {}),
    ("arange", lambda lib: lib.arange(5e-324, 0, 3), [], {}),
    ("arange", lambda lib: lib.arange(0.5, 3.7, dtype=lib.int64), [], {}),
    ("arange", lambda lib: lib.arange(0, 4, 0.5, dtype=lib.int32), [], {}),
    ("arange", lambda lib: lib.arange(0.5, 3.7, 0.5, dtype=lib.int64), [], {}),
    ("arange", lambda lib: lib.arange(0, 3, dtype=lib.bool), [], {}),
    ("arange", lambda lib, e: lib.arange(0, e, math.inf), [_t(0.0)], {}),
    # linspace reads 0-d tensor bounds as numbers (they may require grad: no graph, as in torch), refuses others;
    # bounds go through the dtype's checked cast only when used (steps ≥ 2; one step is start)
    ("linspace", lambda lib, a, b: lib.linspace(a, b, 3), [_t(0.0, requires_grad=True), _t(2.0, np.float64)], {}),
    ("linspace", lambda lib, a: lib.linspace(a, 1, 3), [_t([0.0])], {}),
    ("linspace", lambda lib: lib.linspace(0, -1, 3, dtype=lib.uint8), [], {}),
    ("linspace", lambda lib: lib.linspace(0, 1e30, 3, dtype=lib.float16), [], {}),
    ("linspace", lambda lib: lib.linspace(0, 1e30, 1, dtype=lib.float16), [], {}),
    ("linspace", lambda lib: lib.linspace(0, math.nan, 3, dtype=lib.int64), [], {}),
    ("linspace", lambda lib: lib.linspace(1e30, 0, 0, dtype=lib.int64), [], {}),
    # a bool input of sub is refused before it is wrapped in the result dtype
    ("sub", lambda lib, t: lib.sub(False, t), [_t([])], {}),
    # index_put_ (an integer-array index) requires the value's dtype; a mask filled with one value casts it
    ("x[key] = value", lambda lib, t, v: t.__setitem__([2], v), [_t([False, False], np.bool_), _t(0.0)], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__([0], v), [_t([1.0, 2.0]), _t([3.0], np.float64)], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__([0], v), [_t([], np.int64), _t([])], {}),
    ("x[key] = value", lambda lib, t, k, v: t.__setitem__(k, v), [_t([1.0, 2.0]), _t([True, False], np.bool_),
                                                                  _t(3, np.int64)], {}),
    # a ragged list, read as torch reads it: sizes from the first elements, then each element checked
    ("as_tensor", lambda lib: lib.as_tensor([1, [2]]), [], {}),
    ("as_tensor", lambda lib: lib.as_tensor([[[1]], [2]]), [], {}),
    ("as_tensor", lambda lib: lib.as_tensor([[1, 2], [3]], dtype=lib.float64), [], {}),
    ("tensor", lambda lib: lib.tensor([[], [1]]), [], {}),
    ("Tensor.new_tensor", lambda lib, t: t.new_tensor([[], [1]]), [_t([1.0])], {}),
    ("tensor", lambda lib: lib.tensor([[[], []], [[1]]], dtype=lib.int8), [], {}),
    # cat: shape mismatches are torch's RuntimeErrors (were NumPy's ValueErrors); all-legacy-empty inputs take any dim
    ("cat", lambda lib, a, b: lib.cat([a, b]), [_t(np.ones((2, 2))), _t(np.ones((2, 3)))], {}),
    ("cat", lambda lib, a, b: lib.cat([a, b]), [_t(np.ones((2, 2))), _t(np.ones(2))], {}),
    ("cat", lambda lib, a, b, c: lib.cat([a, b, c], dim=1), [_t(np.ones((2, 2))), _t([]), _t(np.ones((3, 2)))], {}),
    ("cat", lambda lib, a, b: lib.cat([a, b], dim=1), [_t([]), _t([], requires_grad=True)], {}),
    ("cat", lambda lib, a: lib.cat([a], dim=5), [_t([], np.int64)], {}),
    # a Python float into an integer dtype goes through torch's checked cast (-1.0 is refused for uint8; -1 wraps)
    ("Tensor.new_tensor", lambda lib, t: t.new_tensor([-1.0]), [_t(0, np.uint8)], {}),
    ("tensor", lambda lib: lib.tensor([127.5], dtype=lib.int8), [], {}),
    ("tensor", lambda lib: lib.tensor([[1.0], [math.nan]], dtype=lib.int64), [], {}),
    # a Python bool index is basic indexing (the value is cast); a 0-d bool tensor goes through index_put_
    ("x[key] = value", lambda lib, t, v: t.__setitem__(False, v), [_t([], np.int64), _t([], requires_grad=True)],
     {}),
    ("x[key] = value", lambda lib, t, k, v: t.__setitem__(k, v), [_t([1, 2], np.int64), _t(True, np.bool_),
                                                                  _t([5.0, 6.0])], {}),
    # squeeze(dim) of a 0-d tensor is a new view (SqueezeBackward1), not the tensor itself
    ("squeeze", lambda lib, t: lib.squeeze(t, 0), [_t(3.0)], {}),
    ("Tensor.squeeze", lambda lib, t: t.squeeze(-1), [_t(3.0, requires_grad=True)], {}),
    ("Tensor.squeeze", lambda lib, t: t.squeeze(0), [_t(3.0, requires_grad=True, kind="nonleaf")], {}),
    # BCE with logits of mixed dtypes, step by step as torch computes it in place: the loss has the target's dtype
    ("nn.functional.binary_cross_entropy_with_logits", lambda lib, z, t: lib.nn.functional.
     binary_cross_entropy_with_logits(z, t), [_t([0.25, -1.5], requires_grad=True), _t([1.0, 0.0], np.float16)], {}),
    ("nn.functional.binary_cross_entropy_with_logits", lambda lib, z, t: lib.nn.functional.
     binary_cross_entropy_with_logits(z, t), [_t([0.0], requires_grad=True), _t([1.0], np.float64)], {}),
    ("nn.functional.binary_cross_entropy_with_logits", lambda lib, z, t, p: lib.nn.functional.
     binary_cross_entropy_with_logits(z, t, pos_weight=p), [_t([0.3, -1.2], np.float64, requires_grad=True),
                                                            _t([1.0, 0.0]), _t([1.5, 0.5])], {}),
    ("nn.functional.binary_cross_entropy_with_logits", lambda lib, z, t, w: lib.nn.functional.
     binary_cross_entropy_with_logits(z, t, weight=w, reduction="sum"),
     [_t([0.3, -1.2], np.float16, requires_grad=True), _t([1.0, 0.0], requires_grad=True), _t([2.0, 0.5], np.float64)],
     {}),
    ("nn.functional.binary_cross_entropy_with_logits", lambda lib, z, t: lib.nn.functional.
     binary_cross_entropy_with_logits(z, t), [_t([0.3, -1.2]), _t([1, 0], np.int64)], {}),
    ("nn.functional.binary_cross_entropy_with_logits", lambda lib, z, t, p: lib.nn.functional.
     binary_cross_entropy_with_logits(z, t, pos_weight=p), [_t([0.3]), _t([1.0]), _t([True], np.bool_)], {}),
    ("nn.functional.binary_cross_entropy_with_logits", lambda lib, z, t: lib.nn.functional.
     binary_cross_entropy_with_logits(z, t, 0), [_t([0.0, 0.0]), _t(0.0)], {}),
    ("nn.BCEWithLogitsLoss(...)(x)", lambda lib, z, t: lib.nn.BCEWithLogitsLoss()(z, t),
     [_t([0.25, -1.5], np.float64, requires_grad=True), _t([1.0, 0.0], np.float16)], {}),
    # a legacy 1-d empty cat input is skipped, but takes part in the dtype and the graph
    ("cat", lambda lib, a, b: lib.cat([a, b]), [_t(np.zeros((0, 0))), _t([], requires_grad=True)], {}),
    ("cat", lambda lib, a, b: lib.cat([a, b]), [_t([], np.float64), _t(np.ones((2, 2)), requires_grad=True)], {}),
    # a list of 0-d tensors and numbers: torch promotes the elements' dtypes
    ("as_tensor", lambda lib, a, b: lib.as_tensor([a, b]), [_t(0.0, np.float64), _t(0.0)], {}),
    ("tensor", lambda lib, a: lib.tensor([a, 5]), [_t(1, np.int32)], {}),
    ("tensor", lambda lib, a, b: lib.tensor([a, b]), [_t(1, np.uint8), _t(1, np.int8)], {}),
    # a Python float value beyond float32 is refused before the index (float16: inf)
    ("x[key] = value", lambda lib, t: t.__setitem__(0, 1e308), [_t([])], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(0, 1e308), [_t([1.0], np.float16)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(0, -1e39), [_t([1.0], requires_grad=True, kind="nonleaf")], {}),
    # x[False] = v does nothing in torch (no graph, no in-place check)
    ("x[key] = value", lambda lib, t, v: t.__setitem__(False, v), [_t([]), _t([], requires_grad=True)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(False, 1.0), [_t([1.0, 2.0], requires_grad=True)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(False, math.nan), [_t(0, np.int64)], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__(([], []), v), [_t(np.zeros((0, 0))), _t(np.zeros((0, 0)))],
     {}),
    # fill_ / nn.init.constant_: a Python int beyond float16's range is refused (torch's checked cast), in a
    # graph-recording fill too
    ("nn.init.constant_", lambda lib, t: lib.nn.init.constant_(t, 10**5), [_t([1.0, 2.0], np.float16)], {}),
    ("nn.init.constant_", lambda lib, t: lib.nn.init.constant_(t, -(2**40)), [_t([1.0], np.float16, True, "param")],
     {}),  # (a one-element float16 tensor takes torch's unchecked fast path: -inf)
    ("nn.init.constant_", lambda lib, t: lib.nn.init.constant_(t, 1e39), [_t([[1.0]], np.float16)], {}),
    ("nn.init.constant_", lambda lib, t: lib.nn.init.constant_(t, 65519.9), [_t([1.0], np.float16)], {}),
    ("Tensor.fill_", lambda lib, t: t.fill_(1e5), [_t([1.0, 2.0], np.float16, True, "nonleaf")], {}),
    # F.linear follows torch's paths: addmm (its bias must have the weight's dtype and broadcast to the product),
    # n-d input folded into one addmm when the bias has one non-1 dim, else matmul then an in-place add
    ("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
     [_t(np.ones((2, 2)), requires_grad=True), _t(np.ones((3, 2))), _t([1, 2, 3], np.int64)], {}),
    ("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
     [_t(np.ones((2, 2))), _t(np.ones((3, 2))), _t([1.0, 2.0, 3.0], np.float64)], {}),
    ("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
     [_t(np.ones((2, 2, 2))), _t(np.ones((3, 2)), requires_grad=True), _t(1.0, requires_grad=True)], {}),
    ("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
     [_t(np.ones((2, 2, 2))), _t(np.ones((3, 2))), _t(np.ones((2, 1, 3)), np.int64)], {}),
    ("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
     [_t(np.ones((2, 2))), _t(np.ones((3, 2))), _t(np.ones(5))], {}),
    ("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
     [_t(np.ones((2, 2, 2))), _t(np.ones((3, 2))), _t(np.ones((1, 1, 3)))], {}),
    ("nn.functional.linear", lambda lib, x, w, b: lib.nn.functional.linear(x, w, b),
     [_t(np.ones(2), np.int64), _t(np.ones(2), np.int64), _t(1.0)], {}),
    ("nn.functional.linear", lambda lib, x, w: lib.nn.functional.linear(x, w), [_t(np.ones(2)), _t(1.0)], {}),
    # named_modules runs torch's code: any container as memo (a list is fine without remove_duplicate)
    ("Module.named_modules", lambda lib: [n for n, _ in tf_model(lib).named_modules([], "p", False)], [], {}),
    ("Module.named_modules", lambda lib: [n for n, _ in tf_model(lib).named_modules({}, "", False)], [], {}),
    ("Module.named_modules", lambda lib, t: [n for n, _ in tf_model(lib).named_modules(t, "p", False)],
     [_t(3, np.int64)], {}),
    ("in", lambda lib, t: 2.0 in t, [_t([1.0, 2.0])], {}),
    # to() reads its arguments as torch's parser: an int is a device index (no accelerator: torch's error), a
    # Python float or bool value first is a dtype (float64, bool), the types int/float/bool are dtypes;
    # Module.to refuses a copy argument, Tensor.to(copy=True) copies
    ("Module.to", lambda lib: tf_model(lib).to(0), [], {}),
    ("Module.to", lambda lib: tf_model(lib).to(-1), [], {}),
    ("Module.to", lambda lib: [p.dtype for p in tf_model(lib).to(True).parameters()], [], {}),
    ("Module.to", lambda lib: [p.dtype for p in tf_model(lib).to(0.0).parameters()], [], {}),
    ("Module.to", lambda lib: [p.dtype for p in tf_model(lib).to(int).parameters()], [], {}),
    ("Module.to", lambda lib: [p.dtype for p in tf_model(lib).to(float, True).parameters()], [], {}),
    ("Module.to", lambda lib: tf_model(lib).to(copy=False), [], {}),
    ("Tensor.to", lambda lib, t: t.to(copy=True), [_t([1.0, 2.0], requires_grad=True)], {}),
    ("Tensor.to", lambda lib, t: t.to(False), [_t([1.0, 2.0], requires_grad=True)], {}),
    ("Tensor.to", lambda lib, t: t.to(1.5), [_t([1, 2], np.int64)], {}),
    ("Tensor.to", lambda lib, t: t.to(2**40), [_t([1.0])], {}),
    ("Module.to", lambda lib: tf_model(lib).to(0, False, False), [], {}),
    ("Tensor.to", lambda lib, t: t.to(0, False), [_t([1.0])], {}),
    # allclose refuses a NaN tolerance; clamp with a NaN bound checks neither bound; an integer tensor bound beyond
    # the dtype wraps into it
    ("Tensor.allclose", lambda lib, t: t.allclose(t, math.nan), [_t(0.0)], {}),
    ("Tensor.allclose", lambda lib, t: t.allclose(t, 1e-5, -1.0), [_t(0.0)], {}),
    ("Tensor.clip", lambda lib, t: t.clip(math.nan, 1e308), [_t([], np.int32)], {}),
    ("Tensor.clamp", lambda lib, t, b: t.clamp(b), [_t([], np.int32), _t(-(2**63), np.int64)], {}),
    ("Tensor.clamp", lambda lib, t, b: t.clamp(b), [_t([1, 2], np.int32), _t(2**40, np.int64)], {}),
    ("Tensor.clamp_", lambda lib, t, b: t.clamp_(None, b), [_t([1, 2], np.uint8), _t(-(2**63), np.int64)], {}),
    # subtract(other, alpha) with two positional numbers is torch's Scalar overload (sub's is alpha-first)
    ("Tensor.subtract", lambda lib, t: t.subtract(0, 2**40), [_t(0, np.int32)], {}),
    ("Tensor.subtract", lambda lib, t: t.subtract(2, 3), [_t([1, 2], np.int64)], {}),
    # an empty batched product takes the second operand's dtype: an integer one cannot require grad
    ("x @ y (reflected)", lambda lib, t, o: o @ t, [_t(np.zeros((0, 0, 0)), np.int64),
                                                    _t(np.zeros((0, 0, 0)), requires_grad=True)], {}),
    ("x @ y", lambda lib, t, o: t @ o, [_t(np.zeros((0, 2, 2)), requires_grad=True), _t(np.zeros((0, 2, 2)), np.int64)],
     {}),
    # float16 // a 0-d float32 operand: torch's kernel reads the operand in float32, unrounded
    ("x // y", lambda lib, t, o: t // o, [_t([0.4683, -1.5], np.float16), _t(0.46827602)], {}),
    ("x // y", lambda lib, t: t // 0.46827602, [_t([0.4683, -1.5], np.float16)], {}),
    ("x % y", lambda lib, t, o: t % o, [_t([0.4683, -1.5], np.float16), _t(0.46827602)], {}),
    # transpose of a 0-d tensor is a TransposeBackward0 view
    ("Tensor.transpose", lambda lib, t: t.transpose(0, -1), [_t(0.0, requires_grad=True)], {}),
    # a Python bool inside a tuple index is an index_put_ mask (the value's dtype must match); several Ellipses
    # next to an advanced index; linspace reads a 0-d tensor steps as its number
    ("x[key] = value", lambda lib, t, v: t.__setitem__((True,), v), [_t([]), _t([], np.float64)], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__((0, True), v), [_t([1.0, 2.0]), _t(3.0, np.float64)], {}),
    ("x[key]", lambda lib, t: t[[], ..., ...], [_t([])], {}),
    ("linspace", lambda lib, s: lib.linspace(0, 1, s), [_t(-(2**63), np.int64)], {}),
    # set_default_dtype takes float16; stack promotes like cat; Linear takes a 0-d NumPy int as a size; mse_loss
    # promotes after broadcasting (a 0-d float64 input with a float32 target: float64)
    ("set_default_dtype", lambda lib: (lib.set_default_dtype(lib.float16), lib.tensor(1.5).dtype,
                                       lib.set_default_dtype(lib.float32))[1], [], {}),
    ("stack", lambda lib, a, b: lib.stack([a, b]), [_t([], np.int64), _t([])], {}),
    ("nn.Linear(...)", lambda lib, n: lib.nn.Linear(0, n).weight.shape, [ArrayRecipe(np.array(0))], {}),
    ("nn.MSELoss(...)(x)", lambda lib, x, t: lib.nn.MSELoss()(x, t), [_t(0.0, np.float64), _t([])], {}),
    ("nn.functional.mse_loss", lambda lib, x, t: lib.nn.functional.mse_loss(x, t),
     [_t([1.0, 2.0], np.float16, requires_grad=True), _t(0.5, requires_grad=True)], {}),
    # allclose reads a 0-d tensor tolerance as a number; subtract takes 0-d tensors as its two Scalars; a setitem
    # value's overflow comes before the index; linspace's storage size overflow; stack checks dim first
    ("Tensor.allclose", lambda lib, t, r: t.allclose(t, r), [_t(0, np.int64), _t(-(2**63), np.int64)], {}),
    ("Tensor.subtract", lambda lib, t, a, b: t.subtract(a, b), [_t([], np.int64), _t(0.0), _t(0.0)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__((..., True, ...), 1e308), [_t([])], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__((..., True, ...), v), [_t([]), _t([])], {}),
    ("x[key]", lambda lib, t: t[..., True, ..., 0], [_t(np.ones((2, 3)))], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__((1.5, []), v), [_t(np.zeros((0, 0)), np.float64),
                                                                       _t(np.zeros((0, 0)))], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__((False, [0, 0]), v), [_t([], np.float64), _t([])], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__((1, []), v), [_t(np.zeros((1, 0)), np.float64),
                                                                     _t(np.zeros((1, 0)))], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__(([0, 1], [0, 1, 0]), v), [_t(np.ones((2, 2)), np.float64),
                                                                            _t([1.0])], {}),
    # a float32 tensor ** a Python float: torch's vectorized loop uses the exponent rounded to float32 for whole
    # blocks (32 elements with AVX512), the double for the rest
    ("x ** y", lambda lib, t: t ** 4.4223242085953396e-265, [_t(np.zeros((2, 4, 4)))], {}),
    ("x ** y", lambda lib, t: t ** 2.000000001, [_t(np.full(33, -1.0), requires_grad=True)], {}),
    ("linspace", lambda lib, s: lib.linspace(0, 0, s), [_t(2**63 - 1, np.int64)], {}),
    ("stack", lambda lib, a, b, d: lib.stack([a, b], d), [_t([], np.int64), _t(False, np.bool_), _t(2, np.int64)],
     {}),
    # several Ellipses: torch reads each (the later ones point past the last dim); NumPy allows one
    ("x[key]", lambda lib, t: t[..., ...], [_t([], np.int64)], {}),
    ("x[key]", lambda lib, t: t[..., 0, ...], [_t(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)], {}),
    ("x[key]", lambda lib, t: t[..., None, ...], [_t([[1.0, 2.0]])], {}),
    ("x[key]", lambda lib, t: t[..., ..., ..., 0], [_t(np.ones((2, 3, 4)))], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__((..., 0, ...), 1.5), [_t(np.zeros((2, 3)))], {}),
    # a one-element value for a single element, recording a graph (NumPy refuses the array as an element)
    ("x[key] = value", lambda lib, t, v: t.__setitem__(0, v), [_t([0.0]), _t([2.0], requires_grad=True)], {}),
    # an index into a dim of size 0 is torch's IndexError before a value that does not broadcast
    ("x[key] = value", lambda lib, t, v: t.__setitem__([0], v), [_t([], np.int64), _t([], np.int64)], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__((0, [5]), v), [_t(np.zeros((2, 0))), _t([1.0, 2.0])], {}),
    ("x[key] = value", lambda lib, t, v: t.__setitem__([2], v), [_t(np.zeros((2, 0))), _t(np.zeros((2, 0)))], {}),
    # -255..-1 wraps into uint8 (torch's checked cast allows it); an int beyond int64 is torch's ValueError
    ("x[key] = value", lambda lib, t: t.__setitem__(0, -1), [_t([0, 1], np.uint8)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(1, -129), [_t([0, 1], np.uint8)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(0, 2**63), [_t([0, 1], np.int64)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(0, -(2**63) - 1), [_t([True], np.bool_)], {}),
    # found by the lead's deep runs: clamp's Tensor overload, max/min(dim) nodes, sum(dtype), maximum's NaN, expand,
    # integers with advanced indices, BCE's target range and weights, fill casts, parser overloads
    ("Tensor.clamp", lambda lib, t, lo: t.clamp(lo), [_t(0, np.int32), _t(-(2**63), np.int64)], {}),
    ("Tensor.clamp", lambda lib, t, lo, hi: t.clamp(lo, hi), [_t([0.0, 1.0, 2.0, np.nan], requires_grad=True),
                                                              _t([1.0, 1.0, 1.0, 1.0], requires_grad=True),
                                                              _t([1.0, 2.0, 0.5, 2.0], requires_grad=True)], {}),
    ("Tensor.clip", lambda lib, t, hi: t.clip(0, hi), [_t([1.0]), _t(3.4028234663852886e38, np.float64)], {}),
    ("Tensor.min", lambda lib, t, d: t.min(dim=d), [_t([], np.int64), _t(0, np.int64)], {}),
    ("max", lambda lib, t: lib.max(t, 0), [_t([0.0], requires_grad=True)], {}),
    ("Tensor.max", lambda lib, t: t.max(0, keepdim=True), [_t(5.0, requires_grad=True)], {}),
    ("sum", lambda lib, t: lib.sum(t, dtype=lib.int32), [_t([1.5, 2.7])], {}),
    ("Tensor.sum", lambda lib, t: t.sum(dtype=lib.float64), [_t([1.5, 2.7], requires_grad=True)], {}),
    ("maximum", lambda lib, t, o: lib.maximum(t, o), [_t([np.nan, 1.0, 2.0], requires_grad=True),
                                                       _t([1.0, np.nan, 2.0], requires_grad=True)], {}),
    ("minimum", lambda lib, t, o: lib.minimum(t, o), [_t([np.nan, 1.0, 2.0], requires_grad=True),
                                                       _t(2.0, requires_grad=True)], {}),
    ("Tensor.expand", lambda lib, t: t.expand(2, 3, 4), [_t([[1.0], [2.0], [3.0]], requires_grad=True)], {}),
    ("x[key]", lambda lib, t: t[0, :, [1, 2]], [_t(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)], {}),
    ("x[key]", lambda lib, t: t[0, None, []], [_t(np.zeros((1, 0)))], {}),
    ("x[key]", lambda lib, t: t[..., ..., :], [_t(np.zeros((2, 1)))], {}),
    ("nn.functional.binary_cross_entropy", lambda lib, x, y: lib.nn.functional.binary_cross_entropy(x, y),
     [_t(0.5), _t(-1.0)], {}),
    ("nn.functional.binary_cross_entropy", lambda lib, x, y, w: lib.nn.functional.binary_cross_entropy(x, y, w),
     [_t(0.5), _t(0.5), _t([])], {}),
    ("nn.functional.binary_cross_entropy_with_logits",
     lambda lib, x, y, w: lib.nn.functional.binary_cross_entropy_with_logits(x, y, pos_weight=w),
     [_t(0.5), _t(0.5), _t([])], {}),
    ("nn.functional.mse_loss", lambda lib, x, y: lib.nn.functional.mse_loss(x, y), [_t(0.5, np.float64,
                                                                                       requires_grad=True),
                                                                                    _t([1.0, 2.0])], {}),
    ("full_like", lambda lib, t: lib.full_like(t, float("nan")), [_t(0, np.int64)], {}),
    ("full_like", lambda lib, t: lib.full_like(t, -1), [_t(0, np.uint8)], {}),
    ("randperm", lambda lib: lib.randperm(0, requires_grad=False), [], {}),
    ("arange", lambda lib, e: lib.arange(e), [_t([np.inf])], {}),
    ("mm", lambda lib, a, b: lib.mm(a, b, lib.float32), [_t(np.ones((2, 2))), _t(np.ones((2, 2)))], {}),
    ("Tensor.permute", lambda lib, t, d: t.permute(d), [_t([False], np.bool_), _t([False], np.bool_)], {}),
    ("stack", lambda lib, a, b: lib.stack([a, b]), [_t([]), _t([], np.int64)], {}),
    ("Tensor.subtract", lambda lib, t, a: t.subtract(1e308, a), [_t(0.0), _t(0, np.int64)], {}),
    ("Tensor.type", lambda lib, t: t.type(None, False), [_t(0, np.int64)], {}),
    ("allclose", lambda lib, a, b: lib.allclose(a, b, float("nan")), [_t(0.0), _t(0.0)], {}),
    ("x *= y", lambda lib, t, o: t.__imul__(o), [_t([0.0, 0.0], np.float16), _t([-(2**63), -(2**63)], np.int64)], {}),
    ("Tensor.squeeze", lambda lib, t: t.squeeze([0, 0, 1]), [_t([], np.int64)], {}),
    ("x / y", lambda lib, t, o: t / o, [_t(-(2**63), np.int64), _t([1], np.int32)], {}),
    ("Tensor.squeeze", lambda lib, t, d: t.squeeze(d), [_t(0.0, requires_grad=True), _t([0], np.int64)], {}),
    ("Tensor.squeeze", lambda lib, t: t.squeeze([0, 2]), [_t(np.zeros((1, 2, 1)), requires_grad=True)], {}),
    ("Tensor.permute", lambda lib, t: t.permute([0, 0, 3]), [_t(np.zeros((0, 0, 0)), np.int64)], {}),
    ("Tensor.allclose", lambda lib, t, o: t.allclose(o, 10**30), [_t([]), _t([])], {}),
    ("Tensor.to", lambda lib, t: t.to(lib.uint8), [_t([4294967297.0, 2147483650.0, -2.5, 300.0], np.float64)], {}),
    ("x[key]", lambda lib, t: t[..., ..., 0:0], [_t(np.zeros((2, 2)))], {}),
    ("x[key]", lambda lib, t: t[..., ..., 1:], [_t(np.zeros((2, 2)))], {}),
    # torch first counts the dims an index names (a bool or uint8 tensor: its dims; None, Ellipsis, bools: none)
    ("x[key]", lambda lib, t: t[..., ..., 0:], [_t(0.0)], {}),
    ("x[key]", lambda lib, t: t[..., None, ..., :], [_t(0.0)], {}),
    ("x[key]", lambda lib, t: t[..., ..., :, :], [_t([1.0, 2.0])], {}),
    ("x[key]", lambda lib, t: t[True, :], [_t(0.0)], {}),
    ("x[key]", lambda lib, t: t[0:], [_t(0.0)], {}),
    ("x[key]", lambda lib, t: t[[0], [0], [0]], [_t(np.zeros((2, 3)))], {}),
    ("x[key]", lambda lib, t, m: t[m, 0], [_t(np.zeros((2, 3))), _t(np.ones((2, 3)), np.bool_)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__((..., ..., 0), 1.0), [_t(0.0)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(slice(None), 1.0), [_t(0.0)], {}),
    # the value is made a tensor of self's dtype before the index is read
    ("x[key] = value", lambda lib, t: t.__setitem__(slice(0, None), math.nan), [_t(0, np.int64)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__((0, 0), 300), [_t([1], np.uint8)], {}),
    # a slice past the last dim (after several Ellipses) is skipped only with a stop of None or ≥ 0
    ("x[key]", lambda lib, t: t[..., ..., :-6], [_t(np.zeros((0, 0)))], {}),
    ("x[key]", lambda lib, t: t[..., ..., :5], [_t(np.zeros((2, 3)))], {}),
    # a Python number in where is torch's wrapped scalar: it ranks below a 0-d tensor in the promotion
    ("where", lambda lib, c, o: lib.where(c, 0.0, o), [_t(0, np.uint8), _t(0.0)], {}),
    ("where", lambda lib, c: lib.where(c, 0.0, 1.0), [_t([True, False], np.bool_)], {}),
    ("where", lambda lib, c, o: lib.where(c, 0.5, o), [_t([True, False], np.bool_), _t([1, 2], np.int64)], {}),
    ("where", lambda lib, c, o: lib.where(c, 2.0, o), [_t([True, False], np.bool_), _t([1.0, 2.0], requires_grad=True)],
     {}),
    # Module has cuda(), so a buffer may not be called that
    ("Module.register_buffer", lambda lib, t: lib.nn.Linear(2, 2).register_buffer("cuda", t), [_t([0.0])], {}),
    # devices: the CPU in any spelling torch accepts; CUDA is torch's CPU build's AssertionError; torch's parse errors
    ("zeros", lambda lib: lib.zeros(2, device="cpu:0"), [], {}),
    ("zeros", lambda lib: lib.zeros(2, device="cuda"), [], {}),
    ("tensor", lambda lib: lib.tensor([1.0], device="cuda:0"), [], {}),
    ("arange", lambda lib: lib.arange(3, device="x"), [], {}),
    ("randn", lambda lib: lib.randn(3, device=0), [], {}),
    ("zeros_like", lambda lib, t: lib.zeros_like(t, device=1.5), [_t([1.0])], {}),
    ("Tensor.to", lambda lib, t: t.to("cpu:1"), [_t([1.0])], {}),
    ("Tensor.to", lambda lib, t: t.to("cpu:-1"), [_t([1.0])], {}),
    ("Tensor.cuda", lambda lib, t: t.cuda(), [_t([1.0])], {}),
    ("Tensor.cuda", lambda lib, t: t.cuda("cpu"), [_t([1.0])], {}),
    ("Tensor.cuda", lambda lib, t: t.cuda(True), [_t([1.0])], {}),
    ("nn.Linear", lambda lib: lib.nn.Linear(-1, 2, device="cuda"), [], {}),
    ("Module.cuda", lambda lib: lib.nn.Linear(2, 2).cuda(), [], {}),
    ("Module.cuda", lambda lib: lib.nn.Module().cuda(), [], {}),
    # the device is refused after every argument is parsed (a type error first) and before any value is checked
    ("Tensor.cuda", lambda lib, t: t.cuda(None, None), [_t(0, np.int64)], {}),
    ("zeros_like", lambda lib, t: lib.zeros_like(t, 0, "cuda"), [_t(0.0)], {}),
    ("tensor", lambda lib: lib.tensor(0, 0, "cuda"), [], {}),
    ("zeros", lambda lib: lib.zeros(requires_grad=False, device="cuda"), [], {}),
    ("zeros", lambda lib: lib.zeros(-1, device="cuda"), [], {}),
    ("zeros", lambda lib: lib.zeros(2, dtype=3, device="cuda"), [], {}),
    ("tensor", lambda lib: lib.tensor([300.0], dtype=lib.int8, device="cuda"), [], {}),
    ("tensor", lambda lib: lib.tensor([1], device="cuda", requires_grad=True), [], {}),
    ("rand", lambda lib: lib.rand(2, dtype=lib.int64, device="cuda"), [], {}),
    ("randperm", lambda lib: lib.randperm(-1, device="cuda"), [], {}),
    ("arange", lambda lib: lib.arange(0, 1, -1, device="cuda"), [], {}),
    ("arange", lambda lib: lib.arange("a", device="cuda"), [], {}),
    ("eye", lambda lib: lib.eye(-1, device="cuda"), [], {}),
    ("full_like", lambda lib, t: lib.full_like(t, "a", device="cuda"), [_t([1.0])], {}),
    ("zeros", lambda lib, t: lib.zeros((t, 0.0), device=""), [_t(0, np.int64)], {}),
    ("zeros", lambda lib, t: lib.zeros(t, 0.0, device=""), [_t(0, np.int64)], {}),
    ("zeros", lambda lib: lib.zeros(2, True, device="x"), [], {}),
    ("zeros", lambda lib: lib.zeros([2.5], device="x"), [], {}),
    ("zeros", lambda lib: lib.zeros(2.5, device="x"), [], {}),
    ("zeros", lambda lib: lib.zeros(None, device="x"), [], {}),
    ("randperm", lambda lib: lib.randperm(0.0, device="cuda"), [], {}),
    ("randperm", lambda lib: lib.randperm(True), [], {}),
    ("randperm", lambda lib, n: lib.randperm(n), [_t(3, np.int64)], {}),
    # a float fill beyond float32's range is refused (float16 takes it as inf)
    ("full", lambda lib: lib.full([], 1e308), [], {}),
    ("full", lambda lib: lib.full([], 1e308, dtype=lib.float16), [], {}),
    ("full_like", lambda lib, t: lib.full_like(t, -1e39), [_t([1.0])], {}),
    # clamp with a number and a 0-d tensor: torch's Scalar overload checks the tensor's value as a number
    ("Tensor.clamp", lambda lib, t, b: t.clamp(0, b), [_t(0, np.int32), _t(-(2**63), np.int64)], {}),
    ("Tensor.clamp", lambda lib, t, b: t.clamp(0, b), [_t([1, 2], np.int32), _t(2**40, np.int64)], {}),
    ("Tensor.clamp", lambda lib, t, b: t.clamp(0, b), [_t([1, 2], np.int32), _t(1e10, np.float64)], {}),
    # an arange whose size is infinite; as_tensor's dtype and device are keyword-only
    ("arange", lambda lib: lib.arange(0, 1, 5e-324), [], {}),
    ("as_tensor", lambda lib: lib.as_tensor(0, 0, "cuda"), [], {}),
    # torch makes a double a float16 through float32 (rounded twice): in comparisons, creation, fills, setitem, casts
    ("x != y", lambda lib, t: t != 0.3892822272477243, [_t(0.3894, np.float16)], {}),
    ("x < y", lambda lib, t: t < 0.3892822272477243, [_t([0.3894, 0.3892], np.float16)], {}),
    ("tensor", lambda lib: lib.tensor([0.3892822272477243], dtype=lib.float16), [], {}),
    ("full", lambda lib: lib.full((2,), 0.3892822272477243, dtype=lib.float16), [], {}),
    ("Tensor.fill_", lambda lib, t: t.fill_(0.3892822272477243), [_t([0.0, 0.0], np.float16)], {}),
    ("x[key] = value", lambda lib, t: t.__setitem__(0, 0.3892822272477243), [_t([0.0, 0.0], np.float16)], {}),
    ("Tensor.to", lambda lib, t: t.to(lib.float16), [_t([0.3892822272477243], np.float64)], {}),
    ("Tensor.new_tensor", lambda lib, t, d: t.new_tensor(d), [_t(0, np.uint8), _t(2147483649.0, np.float64)], {}),
    # squeeze reads a 0-d NumPy integer array as a list of one dim (SqueezeBackward2)
    ("Tensor.squeeze", lambda lib, t: t.squeeze(np.array(0)), [_t(0.0, requires_grad=True)], {}),
    # BCE with logits: a 0-d float16 weight with float32 operands (NumPy's 0-d scalars promoted as numbers)
    ("nn.BCEWithLogitsLoss(...)(x)", lambda lib, w, z, t: lib.nn.BCEWithLogitsLoss(w)(z, t),
     [_t(1.0, np.float16), _t(0.0), _t(0.0)], {}),
    # load_state_dict takes tensors only (torch refuses a NumPy array)
    ("Module.load_state_dict", lambda lib: lib.nn.Linear(1, 1).load_state_dict(
        {"weight": np.zeros((1, 1), np.float32), "bias": np.zeros(1, np.float32)}), [], {}),
    ("zeros", lambda lib: lib.zeros((2, "a"), device="cuda"), [], {}),
    ("zeros", lambda lib: lib.zeros(2, requires_grad=3, device="cuda"), [], {}),
    ("Tensor.new_tensor", lambda lib, t: t.new_tensor("a", device="cuda"), [_t(0.0)], {}),
    ("Tensor.new_tensor", lambda lib, t: t.new_tensor([1.0], device="cuda"), [_t(0.0)], {}),
    # float into int8/int16 goes through int32 in torch's kernels (beyond its range: 0), into uint8 through int64
    ("x[key] = value", lambda lib, t, v: t.__setitem__(None, v), [_t(0, np.int16), _t(2147483649.0, np.float64)],
     {}),
    ("Tensor.to", lambda lib, t: t.to(lib.int8), [_t([2147483647.5, 4294967297.0, -70000.5, 1e10], np.float64)], {}),
    ("Tensor.to", lambda lib, t: t.to(lib.int16), [_t([2147483647.5, 4294967297.0, -70000.5, 1e10], np.float64)], {}),
    ("Tensor.to", lambda lib, t: t.to(lib.uint8), [_t([2147483647.5, 4294967297.0, -70000.5, 1e10])], {}),
    # fuzz19 deep run: bmm with an empty operand skips the dtype check (the result has mat2's dtype); baddbmm reads
    # batch1's sizes 0 and 1 and batch2's size 2 before its checks (IndexError for a tensor with too few dims)
    ("Tensor.bmm", lambda lib, a, b: a.bmm(b), [_t(np.zeros((0, 0, 0)), np.int64), _t(np.zeros((0, 0, 0)))], {}),
    ("Tensor.bmm", lambda lib, a, b: a.bmm(b), [_t(np.zeros((1, 2, 0)), np.int64),
                                                _t(np.zeros((1, 0, 2)), requires_grad=True)], {}),
    ("Tensor.baddbmm", lambda lib, a, b, c: a.baddbmm(b, c), [_t([], np.int64), _t([], np.int64), _t([])], {}),
    ("baddbmm", lambda lib, a, b, c: lib.baddbmm(a, b, c), [_t([1.0]), _t(0.0), _t([])], {}),
    ("baddbmm", lambda lib, a, b, c: lib.baddbmm(a, b, c), [_t([1.0]), _t(np.ones((2, 2, 2))), _t(np.ones((2, 2)))],
     {}),
    # a 0-d tensor's dims for sort/argsort/topk are -1 and 0 (others: IndexError); its sort is a SortBackward0 node;
    # chunk refuses a 0-d tensor
    ("Tensor.argsort", lambda lib, t: t.argsort(2**40), [_t(0.0)], {}),
    ("Tensor.sort", lambda lib, t: t.sort(1), [_t(0.0, requires_grad=True)], {}),
    ("Tensor.sort", lambda lib, t: t.sort(0), [_t(0.0, requires_grad=True)], {}),
    ("Tensor.topk", lambda lib, t: t.topk(1, 1), [_t(0.0, requires_grad=True)], {}),
    ("Tensor.chunk", lambda lib, t, c: t.chunk(c), [_t(0, np.int64), _t(1, np.int64)], {}),
    # atan2's backward: 0 where x² + y² is 0; the squares in each operand's own dtype (integers wrap, float16 may
    # overflow), −y of a bool tensor is torch's error
    ("Tensor.arctan2", lambda lib, t, o: t.arctan2(o), [_t([[0.0], [1.0]]), _t(0.0, requires_grad=True)], {}),
    ("Tensor.atan2", lambda lib, t, o: t.atan2(o), [_t(-(2**63), np.int64), _t(1.0, requires_grad=True)], {}),
    ("Tensor.atan2_", lambda lib, t, o: t.atan2_(o), [_t(0.0, requires_grad=True, kind="nonleaf"),
                                                      _t(2**63 - 1, np.int64)], {}),
    ("atan2", lambda lib, t, o: lib.atan2(t, o), [_t([300.0, 1e-3], np.float16), _t([1.0, 2.0], requires_grad=True)],
     {}),
    ("atan2", lambda lib, t, o: lib.atan2(t, o), [_t([True, False], np.bool_), _t([1.0, 2.0], requires_grad=True)],
     {}),
    ("atan2", lambda lib, t, o: lib.atan2(t, o), [_t([255, 3], np.uint8), _t([1.0, 2.0], requires_grad=True)], {}),
    ("atan2", lambda lib, t, o: lib.atan2(t, o), [_t([1e-155, 0.0, -0.0, 1e-200], np.float64, requires_grad=True),
                                                  _t([0.0, -0.0, 0.0, 1e-200], requires_grad=True)], {}),
    # cumsum_/cumprod_ keep self's dtype: an empty or 0-d bool tensor is its own result, another dtype= is refused
    ("Tensor.cumprod_", lambda lib, t: t.cumprod_(0), [_t([], np.bool_)], {}),
    ("Tensor.cumsum_", lambda lib, t: t.cumsum_(-1), [_t(True, np.bool_)], {}),
    ("Tensor.cumprod_", lambda lib, t: t.cumprod_(0, dtype=lib.int64), [_t([1.0, 2.0])], {}),
    # bernoulli with a p of its own is torch's NotImplemented node; bernoulli_ records BernoulliBackward2 (number
    # p) or BernoulliBackward1 (tensor p, which may bring self into the graph)
    ("Tensor.bernoulli", lambda lib, t: t.bernoulli(0), [_t(0.0, requires_grad=True)], {}),
    ("Tensor.bernoulli_", lambda lib, t: t.bernoulli_(), [_t(0.0, requires_grad=True, kind="nonleaf")], {}),
    ("Tensor.bernoulli_", lambda lib, t, p: t.bernoulli_(p), [_t([0.5, 0.2], requires_grad=True, kind="nonleaf"),
                                                               _t([0.1, 0.9], np.float64, requires_grad=True)], {}),
    ("Tensor.bernoulli_", lambda lib, t, p: t.bernoulli_(p), [_t([0.5, 0.2]), _t(0.3, requires_grad=True)], {}),
    ("Tensor.bernoulli_", lambda lib, t, p: t.bernoulli_(p), [_t(0.0, requires_grad=True, kind="nonleaf"), _t(0.0)],
     {}),
    ("Tensor.cumprod_", lambda lib, t: t.cumprod_(2**40), [_t([], requires_grad=True)], {}),  # (in-place rule first)
    # logit's backward with a negative eps is the no-eps one (nan outside [0, 1]); dL/dy·inf at x = ±0 and 1
    ("Tensor.logit_", lambda lib, t, e: t.logit_(e), [_t(-1.0, requires_grad=True, kind="nonleaf"), _t(-1.0)], {}),
    ("Tensor.logit", lambda lib, t: t.logit(-0.5), [_t([-1.0, -0.0, 0.0, 1.0, 0.5, 2.0, -0.25], requires_grad=True)],
     {}),
    # logsumexp over dim=[] of a tensor with elements: torch's own output-shape error (keepdim=False)
    ("Tensor.logsumexp", lambda lib, t: t.logsumexp(dim=[]), [_t([False], np.bool_)], {}),
    ("Tensor.logsumexp", lambda lib, t: t.logsumexp(()), [_t(np.zeros((2, 3)), requires_grad=True)], {}),
    # gather/scatter take an int32 index (any dtype when empty) and refuse a negative one; repeat reads a 0-d
    # tensor as one size; split refuses a 0-d tensor; random_'s from and to - 1 must fit an integer dtype
    ("Tensor.scatter_add", lambda lib, t, i, s: t.scatter_add(0, i, s), [_t(0.0), _t([], np.int32), _t(0.0)], {}),
    ("Tensor.scatter", lambda lib, t, i, s: t.scatter(0, i, s), [_t([0.0, 0.0], requires_grad=True),
                                                                 _t([1], np.int32), _t([1.0, 2.0], requires_grad=True)],
     {}),
    ("Tensor.gather", lambda lib, t, i: t.gather(0, i), [_t([1.0, 2.0], requires_grad=True), _t([1, 0], np.int32)], {}),
    ("Tensor.gather", lambda lib, t, i: t.gather(0, i), [_t([1.0, 2.0]), _t([1, -1], np.int64)], {}),
    ("Tensor.gather", lambda lib, t, i: t.gather(0, i), [_t([1.0, 2.0]), _t([1], np.uint8)], {}),
    ("Tensor.repeat", lambda lib, t, r: t.repeat(r), [_t(False, np.bool_), _t(0, np.int64)], {}),
    ("Tensor.split", lambda lib, t, s: t.split(s), [_t(-(2**63), np.int64), _t(0.0)], {}),
    ("Tensor.random_", lambda lib, t: t.random_(2**40), [_t(0, np.int32)], {}),
    ("Tensor.random_", lambda lib, t: t.random_(-1, 3), [_t([0, 0], np.uint8)], {}),
    ("Tensor.random_", lambda lib, t: t.random_(3), [_t([True], np.bool_)], {}),
    # random_(from, to) draws 64 bits per value from a span of 2**28 up (torch 2.13), as randint does
    ("Tensor.random_", lambda lib, t: t.random_(-5, 2**31), [_t([0, 0, 0], np.int32)], {}),
    ("Tensor.random_", lambda lib, t: t.random_(2**28), [_t([0, 0, 0], np.int64)], {}),
    # a repeat/tile too large to allocate is torch's RuntimeError (was NumPy's MemoryError)
    ("Tensor.tile", lambda lib, t: t.tile(2**40), [_t(0, np.int16)], {}),
    # a true division's Python-int input is cast to the float result directly (not wrapped into the tensor's int dtype)
    ("div", lambda lib, t: lib.div(2**40, t), [_t(1, np.int32)], {}),
    ("div", lambda lib, t: lib.div(300, t), [_t([3], np.int8)], {}),
    # pooling size arguments listing the wrong number of ints are torch's RuntimeErrors; an empty stride is the kernel
    ("avg_pool1d", lambda lib, t: lib.avg_pool1d(t, []), [_t(np.zeros((0, 1)))], {}),
    ("avg_pool1d", lambda lib, t: lib.avg_pool1d(t, 2, []), [_t(np.zeros((1, 1, 4)))], {}),
    ("nn.functional.max_pool1d", lambda lib, t: lib.nn.functional.max_pool1d(t, 2, [1, 1]), [_t(np.zeros((1, 1, 4)))],
     {}),
    ("nn.functional.max_pool2d", lambda lib, t: lib.nn.functional.max_pool2d(t, []), [_t(np.zeros((1, 1, 4, 4)))],
     {}),
    ("nn.functional.avg_pool2d", lambda lib, t: lib.nn.functional.avg_pool2d(t, 2, 2, [1, 1, 1]),
     [_t(np.zeros((1, 1, 4, 4)))], {}),
    ("nn.functional.adaptive_avg_pool1d", lambda lib, t: lib.nn.functional.adaptive_avg_pool1d(t, [1, 1]),
     [_t(np.zeros((1, 1, 4)))], {}),
    ("nn.functional.adaptive_avg_pool2d", lambda lib, t: lib.nn.functional.adaptive_avg_pool2d(t, []),
     [_t(np.zeros((1, 1, 4, 4)))], {}),
    # floor_divide(number, tensor); a conv weight with fewer out-channels than groups; einsum's sublist format
    ("floor_divide", lambda lib, t: lib.floor_divide(0, t), [_t([], np.int64)], {}),
    ("floor_divide", lambda lib, t: lib.floor_divide(2**40 + 7, t), [_t([2, 3], np.int32)], {}),
    ("conv1d", lambda lib, x, w: lib.conv1d(x, w), [_t(np.zeros((1, 0))), _t(np.zeros((0, 1, 0)))], {}),
    ("einsum", lambda lib, a, b: lib.einsum(a, b), [_t(0.0), _t(0.0)], {}),
    ("einsum", lambda lib, a, b: lib.einsum(a, [0, 1], b, [1, 2], [0, 2]), [_t(np.ones((2, 3))), _t(np.ones((3, 4)))],
     {}),
    ("einsum", lambda lib, a: lib.einsum(a, [60]), [_t(np.ones(2))], {}),
    # logit's eps goes through torch's checked cast to the float dtype; normal of an empty float16 tensor is empty
    ("logit", lambda lib, t: lib.logit(t, 1e308), [_t([], np.float32)], {}),
    ("logit", lambda lib, t: lib.logit(t, 1e308), [_t([1], np.int64)], {}),
    ("normal", lambda lib, t: lib.normal(t), [_t([], np.float16)], {}),
    ("normal", lambda lib, t: lib.normal(t, 2.0), [_t([1.0], np.float16)], {}),  # (NotImplementedError: no float16)
    # a Python number first operand of remainder/floor_divide/true_divide: a wrapped number in the result dtype
    # (remainder(number, tensor) is torch's NotImplemented node); set_default_device's argument is `device`
    ("remainder", lambda lib, t: lib.remainder(0.0, t), [_t(0.0)], {}),
    ("remainder", lambda lib, t: lib.remainder(2.5, t), [_t([1.0, 2.0], requires_grad=True)], {}),
    ("floor_divide", lambda lib, t: lib.floor_divide(0.5, t), [_t(0.25)], {}),
    ("true_divide", lambda lib: lib.true_divide(0, 0), [], {}),
    ("set_default_device", lambda lib: lib.set_default_device(device=None), [], {}),
    # losses: a 0-d input with class probabilities (torch reads size(1)); huber_loss's output has the input's dtype;
    # l1_loss's mean of an integer difference and its two-bool subtraction; hardtanh_ takes min_val > max_val
    ("nn.functional.cross_entropy", lambda lib, x, t: lib.nn.functional.cross_entropy(x, t), [_t(0.0), _t(0.0)], {}),
    ("nn.functional.huber_loss", lambda lib, x, t: lib.nn.functional.huber_loss(x, t), [_t([], np.int64), _t(0.0)],
     {}),
    ("nn.functional.l1_loss", lambda lib, x, t: lib.nn.functional.l1_loss(x, t), [_t([], np.int64), _t([], np.int64)],
     {}),
    ("nn.functional.l1_loss", lambda lib, x, t: lib.nn.functional.l1_loss(x, t), [_t([True], np.bool_),
                                                                                   _t([False], np.bool_)], {}),
    ("nn.functional.hardtanh_", lambda lib, x: lib.nn.functional.hardtanh_(x, 2.0), [_t(0.0)], {}),
    ("nn.functional.hardtanh", lambda lib: lib.nn.functional.hardtanh(0, 2), [], {}),
    # layer_norm's weight and bias must be tensors (was an AttributeError)
    ("layer_norm", lambda lib, t: lib.layer_norm(t, 0, 0), [_t([])], {}),
    ("nn.functional.layer_norm", lambda lib, t: lib.nn.functional.layer_norm(t, (2,), 1.0), [_t([1.0, 2.0])], {}),
    ("layer_norm", lambda lib, t: lib.layer_norm(t, []), [_t(0.0)], {}),
    # normal(mean, std) has mean's dtype (std of another dtype is cast in)
    ("normal", lambda lib, m, s: lib.normal(m, s), [_t([]), _t([], np.int64)], {}),
    ("normal", lambda lib, m, s: lib.normal(m, s), [_t([0.0, 1.0]), _t([1.0, 2.0], np.float64)], {}),
    ("normal", lambda lib: lib.normal(0.0, 1.0, (2**40,)), [], {}),  # (torch's allocator error, not a MemoryError)
    ("normal", lambda lib, s: lib.normal(1e308, s), [_t([])], {}),
    ("normal", lambda lib, m, s: lib.normal(m, s), [_t([0.0, 1.0]), _t([])], {}),
    # every recorded random fill is torch's node for it (was a copy node): exponential_, random_'s three overloads,
    # uniform_, normal_
    ("Tensor.exponential_", lambda lib, t: t.exponential_(2.0), [_t([0.5, 0.2], requires_grad=True, kind="nonleaf")],
     {}),
    ("Tensor.random_", lambda lib, t: t.random_(), [_t([0.5, 0.2], requires_grad=True, kind="nonleaf")], {}),
    ("Tensor.random_", lambda lib, t: t.random_(3), [_t([0.5, 0.2], requires_grad=True, kind="nonleaf")], {}),
    ("Tensor.random_", lambda lib, t: t.random_(0, 3), [_t([0.5, 0.2], requires_grad=True, kind="nonleaf")], {}),
    ("Tensor.random_", lambda lib, t: t.random_(to=3), [_t([1, 2], np.int64)], {}),
    ("Tensor.uniform_", lambda lib, t: t.uniform_(), [_t([0.5, 0.2], requires_grad=True, kind="nonleaf")], {}),
    ("Tensor.normal_", lambda lib, t: t.normal_(), [_t([0.5, 0.2], requires_grad=True, kind="nonleaf")], {}),
    # fmod/remainder read an integer divisor in the result dtype (a Python int beyond it wraps): 2**40 is 0 for int32
    ("Tensor.fmod", lambda lib, t: t.fmod(2**40), [_t(0, np.int32)], {}),
    ("Tensor.fmod", lambda lib, t: t.fmod(-256), [_t([7], np.int8)], {}),
    ("Tensor.remainder", lambda lib, t, o: t.remainder(o), [_t([7], np.int32), _t(2**40, np.int64)], {}),
    # baddbmm's deprecated overloads with beta (and alpha) first, as a method and as a function
    ("Tensor.baddbmm", lambda lib, t, a, b: t.baddbmm(0, a, b), [_t([], np.int64), _t([], np.int64), _t([])], {}),
    ("Tensor.baddbmm", lambda lib, t, a, b: t.baddbmm(0.5, 2, a, b), [_t(np.ones((2, 2, 2))), _t(np.ones((2, 2, 2))),
                                                                      _t(np.ones((2, 2, 2)), requires_grad=True)], {}),
    ("baddbmm", lambda lib, t, a, b: lib.baddbmm(0.5, t, 2, a, b), [_t(np.ones((2, 2, 2))), _t(np.ones((2, 2, 2))),
                                                                    _t(np.ones((2, 2, 2)))], {}),
    ("Tensor.baddbmm_", lambda lib, t, a, b: t.baddbmm_(0.5, a, b), [_t(np.ones((2, 2, 2))), _t(np.ones((2, 2, 2))),
                                                                     _t(np.ones((2, 2, 2)))], {}),
]


@pytest.mark.parametrize("case", REGRESSIONS, ids=[f"{i}:{c[0]}" for i, c in enumerate(REGRESSIONS)])
def test_deep_run_regressions(case: tuple[str, Callable[..., Any], list[Any], dict[str, Any]]) -> None:
    target, fn, args, kwargs = case

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        a, k = materialize(args, lib, made), materialize(kwargs, lib, made)
        return lambda: fn(lib, *a, **k)

    findings = check(target, build, seeded=True)  # (no KNOWN entry excuses these)
    assert not findings, "\n".join(f"{f.target}: {f.category}: {f.detail}" for f in findings)
