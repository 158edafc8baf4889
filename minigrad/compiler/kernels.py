"""Replay kernels: the seed ops' forward and backward written as NumPy statements into preallocated buffers.

An op without a kernel here replays through its own ``forward(ctx, ...)`` and ``backward(ctx, grad)`` (a
:class:`~minigrad.compiler.program.ReplayCtx` in place of the graph node). The ones here are the ops of the three
seed examples, whose steps are a few microseconds: there the Python around a kernel (a call, ``save_for_backward``,
a new array) costs as much as the kernel. Each kernel is the op's own arithmetic, statement for statement in the
op's order (``minigrad/ops/``: the docstring names which), so the result is the same bit for bit; what changes is
where it is written (``out=`` a buffer reused by every replay) and that a saved tensor is simply a local variable.
``tests/test_compile.py`` checks every kernel against its op, and whole compiled runs against eager ones.

Each kernel gets the :class:`~minigrad.compiler.codegen.Emitter` and the instruction, writes its statements and
returns True, or returns False (writing nothing) when the case is not one it covers; the op then replays
through its own methods.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad.compiler.codegen import Emitter
from minigrad.compiler.program import Instr
from minigrad.ops.linalg import Addmm
from minigrad.ops.loss import _EPSILON, BinaryCrossEntropy, MseLoss, _clamped_logs
from minigrad.ops.shape import T
from minigrad.ops.unary import _SIGMOID_FLOOR, Sigmoid, sigmoid_array

__all__ = ["FORWARD", "BACKWARD", "PER_CALL", "sum_to_lines"]

# ``np.errstate(**kw)`` in NumPy 2 sets a context variable to ``_make_extobj(**kw)`` (the current settings with
# ``kw`` changed) and resets it on exit: ~0.9 µs of Python per use, as much as three kernels of example 3. The replay
# takes the same two steps itself where the names exist (NumPy ≥ 2), and writes ``with np.errstate(...)`` otherwise.
_ERRSTATE: Any
_make_extobj: Any
try:
    from numpy._core import _ufunc_config, umath

    _ERRSTATE, _make_extobj = _ufunc_config._extobj_contextvar, umath._make_extobj  # type: ignore[attr-defined]
except (ImportError, AttributeError):  # (NumPy 1.x)
    _ERRSTATE = _make_extobj = None


def _inputs(i: Instr, n: int) -> list[tuple[int, np.ndarray]] | None:
    """The (slot, captured array) of the op's tensor arguments if there are ``n`` of them, else None."""
    ins: list[tuple[int, np.ndarray]] = i.meta["ins"]
    return ins if len(ins) == n else None


# ------------------------------------------------------------------------------------------------ T (a view)
def t_forward(e: Emitter, i: Instr) -> bool:
    """``T``: y = xᵀ, a view."""
    ins = _inputs(i, 1)
    if ins is None:
        return False
    ((sx, _),) = ins
    e.pure(f"v{i.meta['out']}", f"v{i.meta['out']} = v{sx}.T  # TBackward0 (a view)")
    return True


def t_backward(e: Emitter, i: Instr) -> bool:
    """``T``: dL/dx = (dL/dy)ᵀ."""
    (out,) = i.meta["outs"]
    if out is not None:
        e.line(f"g{out} = g{i.meta['g']}.T  # TBackward0")
    return True


# ------------------------------------------------------------------------------------------------ Addmm
def addmm_forward(e: Emitter, i: Instr) -> bool:
    """``Addmm``: y = X·W (or X * W with one input feature: the same bits), then y += b, in y's buffer."""
    ins = _inputs(i, 3)
    if ins is None:
        return False
    (sb, b), (sx, x), (sw, w) = ins
    out = i.meta["out"]
    if x.shape[1] == 1 and w.shape == (1, 1) and b.size == 1 and b.ndim <= 2:
        # one feature in and out: y = x·w + b elementwise, with w and b read as scalars (the same products and
        # sums as broadcasting their 1-element arrays, which costs NumPy more than the arithmetic here): a 0-d
        # view of the parameter bound once where a guard pins its memory, else an element read now
        index = ", ".join("0" * b.ndim) if b.ndim else ""
        w0 = e.stable_scalar(sw) or f"v{sw}[0, 0]"
        b0 = e.stable_scalar(sb) or f"v{sb}[{index or '()'}]"
        e.line(f"v{out} = multiply(v{sx}, {w0}{e.out(out, i.meta['out_array'])})  # AddmmBackward0: y = X·W ...")
        e.line(f"add(v{out}, {b0}, out=v{out})  #   ... + b")
        return True
    product = "multiply" if x.shape[1] == 1 else "matmul"
    e.line(f"v{out} = {product}(v{sx}, v{sw}{e.out(out, i.meta['out_array'])})  # AddmmBackward0: y = X·W ...")
    e.line(f"add(v{out}, v{sb}, out=v{out})  #   ... + b")
    return True


def addmm_backward(e: Emitter, i: Instr) -> bool:
    """``Addmm``: dL/db = dL/dy (summed over rows by the engine), dL/dX = dL/dy·Wᵀ, dL/dW = Xᵀ·dL/dy."""
    _, (sx, _), (sw, _) = i.meta["forward"].meta["ins"]
    g, (ob, ox, ow), arrays = i.meta["g"], i.meta["outs"], i.meta["out_arrays"]
    if ob is not None:
        e.line(f"g{ob} = g{g}  # AddmmBackward0: dL/db = dL/dy")
    if ox is not None:
        e.line(f"g{ox} = matmul(g{g}, v{sw}.T{e.out(ox, arrays[1])})  # AddmmBackward0: dL/dX = dL/dy·Wᵀ")
    if ow is not None:
        e.line(f"g{ow} = matmul(v{sx}.T, g{g}{e.out(ow, arrays[2])})  # AddmmBackward0: dL/dW = Xᵀ·dL/dy")
    return True


# ------------------------------------------------------------------------------------------------ MseLoss
def _mse_case(i: Instr) -> tuple[int, int, str, np.ndarray] | None:
    """(input slot, target slot, reduction, an array of d's shape and dtype) when the MSE kernel covers the op
    (same dtypes, a reduction, some elements), else None."""
    ins = _inputs(i, 2)
    reduction = i.meta["consts"][0] if i.meta["consts"] else None
    if ins is None or reduction not in ("mean", "sum"):
        return None
    (sx, x), (st, t) = ins
    if x.dtype != t.dtype:
        return None
    shape = np.broadcast_shapes(x.shape, t.shape)
    if not shape or not np.prod(shape):
        return None
    return sx, st, reduction, np.empty(shape, x.dtype)


def backward_holds(i: Instr, per_call: bool) -> list[int] | None:
    """The slots a forward's kernel backward reads of what its ctx saved, when they are fewer than the op's own
    backward reads (``Instr.meta["held"]``), else None. MSE's reads only d, a buffer of its own: x and t may go."""
    if i.meta["cls"] is MseLoss and not per_call and _mse_case(i) is not None:
        return []
    return None


def mse_forward(e: Emitter, i: Instr) -> bool:
    """``MseLoss`` (``_mse_case``): d = x − t; L = Σ d² (/ n for 'mean'); d² in x's buffer if nothing reads x after
    this (its ctx saved x, but the kernel's backward reads d)."""
    case = _mse_case(i)
    if case is None:
        return False
    sx, st, reduction, like = case
    k, out = i.meta["k"], i.meta["out"]
    d = f"d{k}"
    e.line(f"{d} = subtract(v{sx}, v{st}{e.scratch(like, i.meta.get('backward_at'))})  # MseLossBackward0: d = x − t")
    n = f" / {like.size}" if reduction == "mean" else ""
    square = f", out=v{sx}" if e.dead_buffer(sx, like) else e.scratch(like)  # (x's buffer: x is no longer read)
    total = f"add_reduce(multiply({d}, {d}{square}), axis=None){n}"
    e.line(f"v{out} = {f'asarray({total})' if out in e.used else total}  # MseLossBackward0: L = Σd²{n}")
    i.meta["kernel_d"] = (d, like)
    return True


def mse_backward(e: Emitter, i: Instr) -> bool:
    """``MseLoss``: dL/dx = (norm·d)·g with norm = 2/n ('mean') or 2, dL/dt = −dL/dx."""
    d, like = i.meta["forward"].meta["kernel_d"]
    reduction = i.meta["forward"].meta["consts"][0]
    norm = 2.0 / like.size if reduction == "mean" else 2.0
    g, (ox, ot) = i.meta["g"], i.meta["outs"]
    gx = f"g{ox}" if ox is not None else f"gx{i.meta['k']}"
    scale = e.scalar(norm, like.dtype, f"norm{i.meta['k']}")
    e.line(f"{gx} = multiply({scale}, {d}{e.out(ox, like) if ox is not None else ''})  # MseLossBackward0: "
           f"dL/dx = {norm!r}·d·g")
    if g not in e.ones:  # (g·1 = g exactly: skipped for the engine's dL/dL = 1)
        e.line(f"multiply({gx}, g{g}, out={gx})")
    if ot is not None:
        e.line(f"g{ot} = negative({gx})  # MseLossBackward0: dL/dt = −dL/dx")
    return True


# ------------------------------------------------------------------------------------------------ Sigmoid
def _sigmoid_case(i: Instr) -> tuple[int, np.ndarray] | None:
    """The (slot, captured array) of a sigmoid's input when the kernel covers it, else None."""
    ins = _inputs(i, 1)
    if ins is None:
        return None
    ((sx, x),) = ins
    if x.dtype.kind != "f" or x.dtype not in _SIGMOID_FLOOR or not x.size or not x.ndim:
        return None
    return sx, x


def sigmoid_forward(e: Emitter, i: Instr) -> bool:
    """``Sigmoid``: y = 1 / (1 + e^−x) in one buffer (``sigmoid_array``: where e^−x may overflow, its own call, which
    computes the same values without NumPy's warning). Right before a BCE kernel that reads y (``pair``), one
    ``errstate`` covers both ops instead: the overflow test here and BCE's test of its input are not needed."""
    case = _sigmoid_case(i)
    if case is None:
        return False
    sx, x = case
    out = i.meta["out"]
    k = i.meta["k"]
    one = e.scalar(1, x.dtype, "one")

    def formula() -> None:
        e.line(f"v{out} = negative(v{sx}{e.out(out, i.meta['out_array'])})  # SigmoidBackward0: y = 1 / (1 + e^−x)")
        e.line(f"exp(v{out}, out=v{out})")
        e.line(f"add(v{out}, {one}, out=v{out})")
        e.line(f"divide({one}, v{out}, out=v{out})")

    if i.meta.get("with_bce"):
        why = "(with the BCE below) e^−x = inf gives y = 1 / (1 + inf) = 0, and ln 0 = −inf is clamped to −100"
        if _ERRSTATE is None:
            e.line(f"with {e.const(np.errstate, 'errstate')}(over='ignore', divide='ignore'):  # {why}")
        else:  # np.errstate's own two steps, without its ~0.8 µs of Python around them
            var, make = e.const(_ERRSTATE, "errstate_var"), e.const(_make_extobj, "make_extobj")
            e.line(f"quiet = {var}.set({make}(over='ignore', divide='ignore'))  # = np.errstate(over='ignore', "
                   f"divide='ignore'): {why}")
            e.line("try:")
        e.indent += "    "
        formula()
        e.sigmoid_outputs[out] = "with_bce"
        return True
    floor = e.const(x.dtype.type(_SIGMOID_FLOOR[x.dtype]), f"floor{k}")
    slow = e.const(sigmoid_array, "sigmoid_array")
    e.line(f"lo{k} = min_reduce(v{sx}, axis=None)  # SigmoidBackward0: below {floor}, exp(−x) may overflow")
    e.line(f"if not lo{k} >= {floor}:")
    e.line(f"    v{out} = {slow}(v{sx})")
    e.line("else:")
    with e.indented():
        formula()
    # y is in [0, 1] or NaN, and 0 only where e^−x overflowed: what a BCE reading y need not check again (bce_forward)
    e.sigmoid_outputs[out] = f"not lo{k} >= {floor}"
    return True


def sigmoid_backward(e: Emitter, i: Instr) -> bool:
    """``Sigmoid``: dL/dx = (dL/dy·(1 − y))·y."""
    y = f"v{i.meta['forward'].meta['out']}"
    g, (ox,) = i.meta["g"], i.meta["outs"]
    if ox is None:
        return True
    one = e.scalar(1, i.meta["forward"].meta["out_array"].dtype, "one")
    out = e.out(ox, i.meta["out_arrays"][0])
    omy = e.one_minus.pop(i.meta["forward"].meta["out"], None)  # 1 − y, computed by the BCE above
    if omy is not None and g not in e.ones:
        e.line(f"g{ox} = multiply(g{g}, {omy}{out})  # SigmoidBackward0: dL/dx = g·(1 − y)·y")
    else:
        e.line(f"g{ox} = subtract({one}, {y}{out})  # SigmoidBackward0: dL/dx = g·(1 − y)·y")
        if g not in e.ones:
            e.line(f"multiply(g{g}, g{ox}, out=g{ox})")
    e.line(f"multiply(g{ox}, {y}, out=g{ox})")
    return True


# ------------------------------------------------------------------------------------------------ BCE
def _bce_case(i: Instr) -> tuple[int, np.ndarray, int, np.ndarray, str] | None:
    """(input slot and array, target slot and array, reduction) when the BCE kernel covers the op, else None:
    no weight, a reduction, the target needing no gradient."""
    ins = _inputs(i, 2)
    if ins is None or len(i.meta["consts"]) != 2:
        return None
    (sx, x), (st, t) = ins
    weight, reduction = i.meta["consts"]
    if (weight is not None or reduction not in ("mean", "sum") or x.dtype != t.dtype or x.dtype.kind != "f"
            or x.shape != t.shape or not x.size or not x.ndim or i.meta["needs"][1]):
        return None
    return sx, x, st, t, reduction


def pair(instrs: list[Instr], per_call: bool) -> None:
    """Mark each sigmoid whose output the next op (past loads) reads as a BCE's input, both kernels applying: they
    are written in one ``errstate`` block (``sigmoid_forward``, ``bce_forward``)."""
    for index, i in enumerate(instrs):
        if i.kind != "forward" or i.meta["cls"] is not Sigmoid:
            continue
        i.meta["with_bce"] = False
        nxt = next((j for j in instrs[index + 1:] if j.kind != "load"), None)
        if (per_call or nxt is None or nxt.kind != "forward" or nxt.meta["cls"] is not BinaryCrossEntropy
                or _sigmoid_case(i) is None):
            continue
        case = _bce_case(nxt)
        i.meta["with_bce"] = case is not None and case[0] == i.meta["out"]
        nxt.meta["sigmoid"] = i if i.meta["with_bce"] else None


def bce_domain_error(x: np.ndarray) -> RuntimeError:
    """The error eager's BCE raises when a domain test fails: the input's if some x is outside [0, 1] (it tests the
    input first), else the target's."""
    if not (np.minimum.reduce(x, axis=None) >= 0 and np.maximum.reduce(x, axis=None) <= 1):
        return RuntimeError("all elements of input should be between 0 and 1")
    return RuntimeError("all elements of target should be between 0 and 1")


def bce_forward(e: Emitter, i: Instr) -> bool:
    """``BinaryCrossEntropy`` (``_bce_case``): the domain tests, then
    ℓ = (t − 1)·max(ln(1 − x), −100) − t·max(ln x, −100), reduced."""
    case = _bce_case(i)
    if case is None:
        return False
    sx, x, st, _, reduction = case
    k, out = i.meta["k"], i.meta["out"]
    one, floor = e.scalar(1, x.dtype, "one"), e.scalar(-100, x.dtype, "minus100")
    underflowed = e.sigmoid_outputs.get(sx)
    paired = underflowed == "with_bce"

    def fast_logs(lx_out: str) -> None:
        e.line(f"lx{k} = log(v{sx}{lx_out})  # max(ln x, −100)")
        e.line(f"maximum(lx{k}, {floor}, out=lx{k})")
        e.line(f"l1x{k} = negative(v{sx}{e.scratch(x)})  # max(ln(1 − x), −100)")
        e.line(f"log1p(l1x{k}, out=l1x{k})")
        e.line(f"maximum(l1x{k}, {floor}, out=l1x{k})")

    error = e.const(bce_domain_error, "bce_domain_error") if paired else ""
    loss = f"loss{k} = subtract(v{st}, {one}{e.scratch(x)})  # (t − 1)·max(ln(1 − x), −100) − t·max(ln x, −100)"
    if paired:  # x = σ(z), in the errstate block the sigmoid opened: x is in [0, 1] or NaN (tested on the loss)
        e.line(loss)
        e.line(f"tt{k} = multiply(v{st}, loss{k}{e.scratch(x)})  # t·(t − 1) ≤ 0 exactly where 0 ≤ t ≤ 1 (NaN: not)")
        e.line(f"if not max_reduce(tt{k}, axis=None) <= 0:  # the target's domain test, in one reduction")
        e.line(f"    raise {error}(v{sx})  # (eager tests x first: a NaN x is the input's error)")
        fast_logs(f", out=tt{k}")  # (the test's buffer)
        e.indent = e.indent[:-4]
        if _ERRSTATE is not None:
            e.line("finally:")
            e.line(f"    {e.const(_ERRSTATE, 'errstate_var')}.reset(quiet)  # (the settings as they were)")
    else:
        if underflowed is None:
            e.line(f"lo, hi = min_reduce(v{sx}, axis=None), max_reduce(v{sx}, axis=None)  # "
                   "BinaryCrossEntropyBackward0")
            e.line("if not (lo >= 0 and hi <= 1):")
            exact = "lo == 0 or hi == 1"
        else:  # x = σ(z) (the kernel above): x ≥ 0 unless NaN, and a NaN makes the max NaN too: one reduction tells
            e.line(f"hi = max_reduce(v{sx}, axis=None)  # BinaryCrossEntropyBackward0: x = σ(·) ∈ [0, 1] or NaN")
            e.line("if not hi <= 1:")
            exact = f"hi == 1 or {underflowed}"  # (σ is exactly 0 only where e^−x overflowed)
        e.line("    raise RuntimeError('all elements of input should be between 0 and 1')")
        e.line(f"if not (min_reduce(v{st}, axis=None) >= 0 and max_reduce(v{st}, axis=None) <= 1):")
        e.line("    raise RuntimeError('all elements of target should be between 0 and 1')")
        e.line(f"if {exact}:  # ln 0 = −inf, clamped to −100")
        e.line(f"    with {e.const(np.errstate, 'errstate')}(divide='ignore'):")
        e.line(f"        lx{k}, l1x{k} = {e.const(_clamped_logs, 'clamped_logs')}(v{sx})")
        e.line("else:")
        with e.indented():
            fast_logs(e.scratch(x))
        e.line(loss)
    e.line(f"multiply(loss{k}, l1x{k}, out=loss{k})")
    e.line(f"subtract(loss{k}, multiply(v{st}, lx{k}, out=lx{k}), out=loss{k})")
    n = f" / {x.size}" if reduction == "mean" else ""
    total = f"add_reduce(loss{k}, axis=None){n}"
    e.line(f"v{out} = {f'asarray({total})' if out in e.used else total}  # BinaryCrossEntropyBackward0: L = Σℓ{n}")
    if paired:  # t ∈ [0, 1] and both logs in [−100, 0]: every ℓ is finite and ≥ 0, so L is NaN iff some x is NaN
        e.line(f"if v{out} != v{out}:  # L is NaN only if some x = σ(·) is NaN: eager's domain error")
        e.line("    raise RuntimeError('all elements of input should be between 0 and 1')")
    return True


def bce_backward(e: Emitter, i: Instr) -> bool:
    """``BinaryCrossEntropy``: dL/dx = g·(x − t) / max((1 − x)·x, ε)  (/ n for 'mean')."""
    fwd = i.meta["forward"].meta
    (sx, x), (st, _) = fwd["ins"]
    g, (ox, _) = i.meta["g"], i.meta["outs"]
    if ox is None:
        return True
    eps, one = e.scalar(_EPSILON, x.dtype, "eps"), e.scalar(1, x.dtype, "one")
    e.line(f"g{ox} = subtract(v{sx}, v{st}{e.out(ox, x)})  # BinaryCrossEntropyBackward0: dL/dx = g·(x − t) / "
           "max((1 − x)·x, ε)")
    if g not in e.ones:
        e.line(f"multiply(g{g}, g{ox}, out=g{ox})")
    sigmoid = fwd.get("sigmoid")  # (paired: its backward, later, computes the same 1 − y)
    until = sigmoid.meta.get("backward_at") if sigmoid is not None and sigmoid.meta["with_bce"] else None
    if until is not None:
        k = fwd["k"]
        e.line(f"omx{k} = subtract({one}, v{sx}{e.scratch(x, until)})  # 1 − x (σ's backward below reads it too)")
        e.line(f"den = multiply(omx{k}, v{sx}{e.scratch(x)})")
        e.one_minus[sx] = f"omx{k}"
    else:
        e.line(f"den = subtract({one}, v{sx}{e.scratch(x)})")
        e.line(f"multiply(den, v{sx}, out=den)")
    e.line(f"divide(g{ox}, maximum(den, {eps}, out=den), out=g{ox})")
    if fwd["consts"][1] == "mean":
        e.line(f"divide(g{ox}, {e.scalar(x.size, x.dtype, 'n')}, out=g{ox})")
    return True


FORWARD: dict[type, Callable[[Emitter, Instr], bool]] = {
    T: t_forward, Addmm: addmm_forward, MseLoss: mse_forward, Sigmoid: sigmoid_forward,
    BinaryCrossEntropy: bce_forward,
}
BACKWARD: dict[type, Callable[[Emitter, Instr], bool]] = {
    T: t_backward, Addmm: addmm_backward, MseLoss: mse_backward, Sigmoid: sigmoid_backward,
    BinaryCrossEntropy: bce_backward,
}

# The kernels that keep nothing between their forward and backward but the slots they read (no scratch buffer,
# no local of their own): the ones a forward whose backward runs later uses (``Emitter.per_call``), with a new
# array for each output
PER_CALL = frozenset({T, Addmm, Sigmoid})

# ------------------------------------------------------------------------------------------------ the engine
def sum_to_lines(e: Emitter, src: int, dst: int, before: np.ndarray, shape: tuple[int, ...]) -> None:
    """The engine's ``sum_to`` (undo broadcasting) for this capture's shapes: the same ``add.reduce`` calls."""
    lead = before.ndim - len(shape)
    cur, name = before, f"g{src}"
    if lead:
        axis: Any = tuple(range(lead)) if lead > 1 else 0
        cur = np.empty(before.shape[lead:], before.dtype)  # (the reduced shape: the capture's values are gone)
        done = cur.shape == shape
        e.line(f"g{dst} = add_reduce({name}, axis={axis!r}{e.out(dst, cur) if done else ''})  "
               f"# sum_to {shape}: undo broadcasting (engine)")
        name = f"g{dst}"
    if cur.shape != shape:
        stretched = tuple(k for k, n in enumerate(shape) if n == 1 and cur.shape[k] != 1)
        e.line(f"g{dst} = add_reduce({name}, axis={stretched!r}, keepdims=True{e.out(dst, np.empty(shape, cur.dtype))})"
               f"  # sum_to {shape}: undo broadcasting (engine)")
