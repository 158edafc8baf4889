"""In-place operations (``add_``, ``mul_``, ``fill_``, ``copy_``, ``zero_``, ``clamp_``, random fills) with
torch's rules.

An in-place op is one of two things:

* **recorded** (grad mode on, and the tensor or the other operand requires grad): the out-of-place op runs on a
  snapshot of the tensor, then ``rebind`` writes the result into the tensor's memory and makes the op's node its
  ``grad_fn`` (the version counter goes up, so a node that saved the old values refuses to use them);
* **not recorded**: a NumPy in-place update, then ``bump_version``.

torch refuses an in-place op on a leaf that requires grad, or on a view of one (``check_inplace``).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from minigrad import random
from minigrad._dtype import from_numpy_dtype, scalar_as
from minigrad._dtype import result_type as _result_type
from minigrad._tensor_base import TensorBase, bump_version, wrap
from minigrad.autograd import grad_mode
from minigrad.autograd.function import AccumulateGrad, Function, _broadcast_error
from minigrad.autograd.observers import effect_observers, notify_effect, notify_recompute, recompute_observers
from minigrad.ops import arithmetic as _arith
from minigrad.ops import math as _m
from minigrad.ops import shape as _shape
from minigrad.ops import unary as _unary
from minigrad.surface import parser
from minigrad.surface.arithmetic import (
    broadcastable,
    check_alpha,
    check_clamp_tensors,
    check_sub,
    clamp_bounds,
    operand,
    relu,
)
from minigrad.surface.conversion import CTYPES, check_float_fits, overflow_error, scalar_value

__all__ = [
    "LEAF_INPLACE", "VIEW_OF_LEAF_INPLACE", "check_inplace", "rebind", "snapshot", "add_", "sub_", "mul_", "div_",
    "zero_", "fill_", "copy_", "relu_", "clamp_", "uniform_", "normal_", "generator",
]

_state = grad_mode.state
LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating: an in-place result may not climb


def check_inplace(t: Any) -> None:
    """torch's refusals before an in-place op that autograd records: on a leaf that requires grad, or on a
    view of one. A view of a non-leaf would need torch's view rebasing, which minigrad does not implement."""
    node = t.grad_fn
    if node is None:
        if t._requires_grad:
            raise RuntimeError(LEAF_INPLACE)
        return
    if not getattr(node, "_function", Function).is_view:
        return
    while getattr(node, "_function", Function).is_view:
        node = node.next_functions[0][0]
    if isinstance(node, AccumulateGrad):
        raise RuntimeError(VIEW_OF_LEAF_INPLACE)
    raise NotImplementedError(
        f"in-place modification of a view ({t.grad_fn.name()}) of a tensor that requires grad is not "
        "supported by minigrad; use the out-of-place op or modify a .clone()"
    )


def snapshot(t: Any) -> Any:
    """The input a recorded in-place op computes from: a copy of ``t`` at the same place in the graph (torch
    keeps the original values too), so writing the result into ``t`` cannot alter what the op saved."""
    copy = wrap(t._data.copy(), t.grad_fn)
    if recompute_observers:  # minigrad.compile: the replay copies too
        notify_recompute(copy, np.copy, (t,))
    return copy


def rebind(t: Any, out: Any) -> Any:
    """Make ``t`` the result of a recorded in-place op: the new values are written into its own memory (so
    views see them, and a node that saved the old values detects the change) and ``grad_fn`` becomes the
    op's node; version + 1."""
    if out._data.shape != t._data.shape:
        raise RuntimeError(
            f"output with shape {list(t._data.shape)} doesn't match the broadcast shape {list(out._data.shape)}"
        )
    t._data[...] = out._data
    t.grad_fn = out.grad_fn
    t._requires_grad = True
    bump_version(t._vc)
    if effect_observers:  # minigrad.compile: the replay writes the result into t's memory too
        notify_effect(t, "rebind", (out,))
    return t


def _cannot_cast(out: Any, t: Any) -> RuntimeError:
    return RuntimeError(
        f"result type {out.dtype.scalar_name} can't be cast to the desired output type {t.dtype.scalar_name}"
    )


def _inplace(t: Any, fn: Any, other: Any, ufunc: Any, *extra: Any) -> Any:
    """``t op= other``: recorded in the graph when it must be, else a NumPy in-place update."""
    other = operand(other)
    if _state.enabled and (t._requires_grad or (isinstance(other, TensorBase) and other._requires_grad)):
        check_inplace(t)
        out = fn.apply(snapshot(t), other, *extra)
        if _KIND_RANK[out._data.dtype.kind] > _KIND_RANK[t._data.dtype.kind]:  # int_t *= float_t_with_grad
            raise _cannot_cast(out, t)
        return rebind(t, out)
    data = t._data
    o = other._data if isinstance(other, TensorBase) else other
    if o.__class__ is np.ndarray and o.dtype != data.dtype:  # torch computes in the promoted dtype
        common = _result_type(data, o)
        if o.dtype != common:
            with np.errstate(over="ignore"):  # an integer beyond a float16's range is inf, as in torch
                o = o.astype(common)
    if extra and extra[0] != 1:
        o = _arith.scaled(_result_type(data, o), o, extra[0])
    if type(o) is int and data.dtype.kind in "iu" and not _arith._fits(o, data.dtype):
        o = _arith.promote(data, o)[1]  # an out-of-range Python int wraps, as in torch
    try:
        ufunc(data, o, out=data, casting="same_kind")
    except TypeError as e:  # NumPy's UFuncTypeError: the result type can't be cast to t's dtype
        res_dt = _result_type(data, o)
        if (ufunc is not np.true_divide and data.dtype.kind in "iu" and res_dt.kind in "biu"
                and broadcastable(data, o) and np.broadcast_shapes(data.shape, np.shape(o)) == data.shape):
            # torch casts between integer types in place (wrapping around); NumPy's same_kind refuses
            ufunc(data, o, out=data, casting="unsafe")
            bump_version(t._vc)
            return t
        res = from_numpy_dtype(res_dt).scalar_name
        raise RuntimeError(f"result type {res} can't be cast to the desired output type {t.dtype.scalar_name}") from e
    except ValueError:
        shape = np.broadcast_shapes(data.shape, np.shape(o)) if broadcastable(data, o) else None
        if shape is None:
            raise _broadcast_error(data, o) from None
        raise RuntimeError(
            f"output with shape {list(data.shape)} doesn't match the broadcast shape {list(shape)}"
        ) from None
    bump_version(t._vc)
    return t


def add_(input: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Any:
    if deprecated:
        other, alpha = parser.deprecated_alpha("add_", other, deprecated, alpha)
    if type(alpha) is not int or alpha != 1:
        alpha = check_alpha(input, operand(other), alpha, "add_")
    return _inplace(input, _arith.Add, other, np.add, alpha)


def sub_(input: Any, other: Any, *deprecated: Any, alpha: Any = 1) -> Any:
    if deprecated:
        other, alpha = parser.deprecated_alpha("sub_", other, deprecated, alpha)
    o = operand(other)
    check_sub(input._data, o._data if isinstance(o, TensorBase) else o)
    if type(alpha) is not int or alpha != 1:
        alpha = check_alpha(input, o, alpha, "sub_")
    return _inplace(input, _arith.Sub, other, np.subtract, alpha)


def mul_(input: Any, other: Any) -> Any:
    return _inplace(input, _arith.Mul, other, np.multiply)


def div_(input: Any, other: Any) -> Any:
    return _inplace(input, _arith.Div, other, np.true_divide)


def _overwrite(t: Any, values: np.ndarray | Any) -> Any:
    if _state.enabled and t._requires_grad:
        check_inplace(t)
        src = wrap(np.broadcast_to(np.asarray(values, dtype=t._data.dtype), t._data.shape))
        return rebind(t, _shape.Copy.apply(t, src))
    if type(values) is float:
        check_float_fits(t._data.dtype, values)
    try:
        t._data[...] = values
    except OverflowError:  # NumPy refuses an out-of-range Python int, with torch's words
        high = _arith._INT_LIMITS.get(t._data.dtype, (0, 0))[1]
        if t._data.dtype.kind == "u" and isinstance(values, int) and -high <= values < 0:
            t._data[...] = values % (high + 1)  # torch wraps a negative int into an unsigned type
        else:
            raise overflow_error(t._data.dtype) from None
    bump_version(t._vc)
    return t


def random_fill(t: Any, node: Any, draw: Any) -> Any:
    """Fill ``t`` with ``draw()``'s random values: recorded as ``node`` (a ``RandomFill``, torch's node for that
    fill) when autograd must see it, the in-place checks made before anything is drawn."""
    if _state.enabled and t._requires_grad:
        check_inplace(t)
        return rebind(t, node.apply(t, np.broadcast_to(np.asarray(draw(), dtype=t._data.dtype), t._data.shape)))
    return _overwrite(t, draw())


def zero_(input: Any) -> Any:
    """Set every element to 0 (``ZeroBackward0`` when recorded)."""
    if _state.enabled and input._requires_grad:
        check_inplace(input)
        return rebind(input, _shape.Zero.apply(input))
    return _overwrite(input, 0)


def fill_(input: Any, value: Any) -> Any:
    """Set every element to ``value``, a number or a 0-d tensor (``FillBackward2``/``FillBackward3``)."""
    parser.number_arg(value, "fill_", "value", 1)
    if isinstance(value, TensorBase) and value._data.ndim:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions."
        )
    dt = input._data.dtype
    if (type(value) is float or type(value) is int) and dt.kind == "f" and dt.itemsize < 8 and (
            math.isfinite(value) and abs(value) > 65504):
        # torch's checked cast to the dtype (10**5 into float16 is an overflow error), except that a
        # one-element float16 tensor takes torch's fast path, unchecked (10**5 and 1e39 give inf)
        if abs(value) > float(np.finfo(dt).max):
            if not (input._data.size == 1 and dt == np.float16):
                raise overflow_error(dt)
            with np.errstate(over="ignore"):
                value = np.float16(np.float32(value))  # (65519.9 rounds to 65504; beyond, inf)
    elif type(value) is float:
        check_float_fits(dt, value)  # (into an integer dtype: range and NaN)
        value = scalar_as(dt, value) if dt == np.float16 else value
    if _state.enabled and (input._requires_grad or (isinstance(value, TensorBase) and value._requires_grad)):
        check_inplace(input)
        if isinstance(value, TensorBase):
            return rebind(input, _shape.FillTensor.apply(input, value))
        return rebind(input, _shape.Fill.apply(input, value))
    return _overwrite(input, value._data if isinstance(value, TensorBase) else value)


def copy_(input: Any, src: Any, non_blocking: bool = False) -> Any:
    """Copy ``src``'s values (broadcast, cast) into this tensor; gradients flow to ``src``."""
    src = src if isinstance(src, TensorBase) else wrap(np.asarray(src))
    if not broadcastable(input._data, src._data):
        raise _broadcast_error(input._data, src._data)
    shape = np.broadcast_shapes(input._data.shape, src._data.shape)
    if shape != input._data.shape:
        raise RuntimeError(
            f"output with shape {list(input._data.shape)} doesn't match the broadcast shape {list(shape)}"
        )
    if _state.enabled and (input._requires_grad or (src._requires_grad and input._data.dtype.kind == "f")):
        check_inplace(input)
        return rebind(input, _shape.Copy.apply(input, src))  # CopyBackwards: casts and unbroadcasts itself
    try:
        np.copyto(input._data, src._data, casting="unsafe")
    except ValueError:
        raise _broadcast_error(input._data, src._data) from None
    bump_version(input._vc)
    return input


def relu_(input: Any) -> Any:
    """max(x, 0) in place (ReluBackward0 when recorded, as torch)."""
    if _state.enabled and input._requires_grad:
        check_inplace(input)
        return rebind(input, relu(snapshot(input)))
    out = relu(input)  # (its dtype checks)
    input._data[...] = out._data
    bump_version(input._vc)
    return input


def clamp_(input: Any, min: Any = None, max: Any = None) -> Any:
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if parser.clamp_overload(min, max):
        return _clamp_tensor_(input, min, max)
    if _state.enabled and input._requires_grad:
        check_inplace(input)
        return rebind(input, _unary.Clamp.apply(snapshot(input), *clamp_bounds(input, min, max)))
    try:
        np.clip(input._data, *clamp_bounds(input, min, max, inplace=True), out=input._data)
    except TypeError as e:  # NumPy's UFuncTypeError: a float bound into an integer tensor, an int into bool
        res = "Float" if float in (type(scalar_value(min)), type(scalar_value(max))) else "Long"
        raise RuntimeError(
            f"result type {res} can't be cast to the desired output type {input.dtype.scalar_name}"
        ) from e
    bump_version(input._vc)
    return input


def _clamp_tensor_(input: Any, min: Any, max: Any) -> Any:
    """``clamp_`` with tensor bounds (elementwise, torch's Tensor overload)."""
    record = _state.enabled and (input._requires_grad or any(
        isinstance(b, TensorBase) and b._requires_grad for b in (min, max)))
    try:
        shape = np.broadcast_shapes(*(b._data.shape for b in (input, min, max) if b is not None))
    except ValueError:
        shape = input._data.shape  # (the op raises torch's broadcast error)
    if shape != input._data.shape:  # checked before the dtypes, as torch does
        raise RuntimeError(
            f"output with shape {list(input._data.shape)} doesn't match the broadcast shape {list(shape)}"
        )
    check_clamp_tensors(input, min, max)
    if record:
        check_inplace(input)
        out = _unary.ClampTensor.apply(snapshot(input), min, max)
    else:
        with grad_mode.no_grad():
            out = _unary.ClampTensor.apply(input, min, max)
    if _KIND_RANK[out._data.dtype.kind] > _KIND_RANK[input._data.dtype.kind]:
        raise _cannot_cast(out, input)
    if record:
        return rebind(input, out)
    input._data[...] = out._data
    bump_version(input._vc)
    return input


# ---------------------------------------------------------------------------------------------- random fills
def _check_random_dtype(t: Any, kernel: str) -> None:
    """In-place random fills are for float32/float64 here: torch's error for other types (float16, which
    torch supports, is unsupported by minigrad's generator)."""
    dt = t._data.dtype
    if dt.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{from_numpy_dtype(dt).scalar_name}\'')
    if dt.itemsize < 4:
        raise NotImplementedError("minigrad's generator fills float32 and float64 tensors only, not float16")


def generator(gen: Any) -> Any:
    """The generator to draw from: ``gen``, or the default one; TypeError for anything else."""
    if gen is None:
        return random.default_generator
    if not isinstance(gen, random.Generator):
        raise TypeError(f"expected a minigrad.Generator as 'generator', got {type(gen).__name__}")
    return gen


def uniform_(input: Any, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Any:
    _check_random_dtype(input, "check_uniform_bounds")
    if isinstance(a, TensorBase) or isinstance(b, TensorBase):
        a, b = parser.float_arg(a, "uniform_", "from", 1), parser.float_arg(b, "uniform_", "to", 2)
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
        if a > b:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
        biggest = float(np.finfo(input._data.dtype).max)
        for name, v in (("from", a), ("to", b)):
            if not -biggest <= v <= biggest:
                raise RuntimeError(f"{name} is out of bounds for {CTYPES[input._data.dtype.name]}")
    gen = _generator(generator)
    return random_fill(input, _m.UniformFill, lambda: gen.uniform(input._data.shape, input._data.dtype, a, b))


def normal_(input: Any, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Any:
    _check_random_dtype(input, "normal_kernel_cpu")
    if isinstance(mean, TensorBase) or isinstance(std, TensorBase):
        mean, std = parser.float_arg(mean, "normal_", "mean", 1), parser.float_arg(std, "normal_", "std", 2)
    if isinstance(std, numbers.Real) and not std >= 0:  # (NaN too)
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    gen = _generator(generator)
    return random_fill(input, _m.NormalFill, lambda: gen.normal(input._data.shape, input._data.dtype, mean, std))


_generator = generator  # (uniform_/normal_ take a ``generator`` argument that hides the function's name)
