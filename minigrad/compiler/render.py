"""Render a :class:`~minigrad.compiler.program.Program` as the statements of its replay function.

Each instruction becomes one statement (or a few, for a kernel of :mod:`~minigrad.compiler.kernels`), commented
with the torch node it replays. Ops without a kernel run their own ``forward``/``backward`` on a
:class:`~minigrad.compiler.program.ReplayCtx`; an optimizer that is a plain SGD (no momentum, weight decay or
maximize) is written out as its update, ``p −= lr·g``, each parameter through the engine's ``assign_sub``; any
other optimizer's ``update(grads)`` is called.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import numpy as np

from minigrad._tensor_base import assign_sub, bump_version
from minigrad.compiler import kernels
from minigrad.compiler.codegen import Emitter
from minigrad.compiler.program import Instr, Output, Program, ReplayCtx, result
from minigrad.optim.optimizer import OPTIMIZER_EPOCH, ParamGroup
from minigrad.optim.sgd import _REAL, SGD

__all__ = ["prepare", "render_body", "escaping_slots", "plain_sgd_guards", "RENDER", "read_slots"]


def prepare(program: Program) -> None:
    """Decide, for this arming, how each optimizer step is written (a plain SGD is written out)."""
    for i in program.instrs:
        if i.kind == "fused_step":
            i.meta["plain"] = _plain_sgd(i.meta["optimizer"])


def escaping_slots(program: Program) -> set[int]:
    """Slots whose array may leave the call: the result's and any sharing memory with them (a view), found at
    capture (``Program.escaping``), and the gradients handed to an optimizer's own ``update`` (which may keep
    them). They get no reused buffer."""
    out = set(program.escaping)
    for i in program.instrs:
        if i.kind == "fused_step" and not i.meta["plain"]:
            out.update(s for group in i.meta["slots"] for s in group if s is not None)
    return out


def _plain_sgd(opt: Any) -> bool:
    """An SGD whose every group takes the plain update p −= lr·g (checked again before each replay)."""
    return type(opt) is SGD and all(
        g["lr"].__class__ in _REAL and g["momentum"].__class__ in _REAL and g["dampening"].__class__ in _REAL
        and g["weight_decay"].__class__ in _REAL and not (g["momentum"] or g["weight_decay"] or g["maximize"])
        for g in opt.param_groups)


def plain_sgd_guards(e: Emitter, program: Program) -> None:
    """Guards of the written-out SGD update: every group still plain (the same momentum, dampening, weight decay
    and maximize objects as when armed) and its learning rate, read live, a real number. Re-checked only when
    some param group was written since the last check (``OPTIMIZER_EPOCH``; groups are ``ParamGroup`` dicts)."""
    for i in program.instrs:
        if i.kind == "fused_step" and i.meta.get("plain"):
            real = e.const(_REAL, "_REAL")
            groups = i.meta["optimizer"].param_groups
            gated = all(type(group) is ParamGroup for group in groups)
            with (e.gate(OPTIMIZER_EPOCH, "OPTIMIZER_EPOCH", "sgd", "a param group was written since the last check")
                  if gated else nullcontext()):
                for group in groups:
                    g = e.const(group)
                    same = " or ".join(f"{g}[{k!r}] is not {e.const(group[k])}"
                                       for k in ("momentum", "dampening", "weight_decay", "maximize"))
                    e.line(f"if {g}['lr'].__class__ not in {real} or {same}:  # plain SGD")
                    e.line("    return MISS")


def read_slots(i: Instr) -> list[int]:
    """The slots an instruction reads."""
    m = i.meta
    if i.kind == "forward":
        return [v for is_slot, v in m["template"] if is_slot]
    if i.kind == "backward":  # dL/d(output), and the memory its forward's ctx holds (saved for this backward)
        fwd = m["forward"].meta
        holds = fwd.get("kernel_holds")  # (fewer, when its kernel's backward reads less: kernels.backward_holds)
        return [m["g"], *(fwd["held"] if holds is None else holds)]
    if i.kind in ("sum_to", "cast"):
        return [m["src"]]
    if i.kind == "add":
        return [m["a"], m["b"]]
    if i.kind == "accumulate":
        return [m["slot"]]
    if i.kind == "fused_step":
        return [s for row in m["slots"] for s in row if s is not None]
    if i.kind == "call":
        return [v for is_slot, v in m["template"] if is_slot]
    if i.kind == "write":  # (it also writes dst's memory: that memory must live until then)
        return [m["src"], m["dst"]]
    return []


def _lifetimes(program: Program) -> dict[int, int]:
    """For each slot, the last instruction that reads its memory: its own reads, and those of any slot sharing
    memory with it (a view such as ``g12 = g10.T``, a gradient passed through)."""
    last: dict[int, int] = {}
    for index, i in enumerate(program.instrs):
        for s in _writes(i):
            last.setdefault(s, index)
        for s in read_slots(i):
            last[s] = index
        if i.kind == "backward":
            i.meta["forward"].meta["backward_at"] = index
    by_root: dict[int, int] = {}
    for s, root in program.roots.items():
        by_root[root] = max(by_root.get(root, -1), last.get(s, -1))
    return {s: by_root[root] for s, root in program.roots.items()}


def _writes(i: Instr) -> list[int]:
    """The slots an instruction defines."""
    m = i.meta
    if i.kind in ("forward",):
        return [m["out"]]
    if i.kind == "backward":
        return [s for s in m["outs"] if s is not None]
    if i.kind in ("sum_to", "cast", "add"):
        return [m["dst"]]
    if i.kind in ("load", "call"):
        return [m["slot"]]
    return []


def render_body(e: Emitter, program: Program) -> None:
    """The statements of the program, after the guards."""
    # (a backward whose ctx saved its forward's output "reads" it to keep its memory alive, but a kernel's own
    # backward never reads a reduction's result: that result need not be made an array unless another statement
    # reads it)
    for i in program.instrs:
        if i.kind == "forward":
            i.meta["kernel_holds"] = kernels.backward_holds(i, e.per_call)
    e.used = {s for i in program.instrs for s in read_slots(i)
              if not (i.kind == "backward" and s == i.meta["forward"].meta["out"])}
    e.lifetime = _lifetimes(program)
    e.roots = program.roots
    kernels.pair(program.instrs, e.per_call)
    for index, i in enumerate(program.instrs):
        e.begin(index)
        RENDER[i.kind](e, i)
    e.line(f"return {_output(e, program.output)}")


def _load(e: Emitter, i: Instr) -> None:
    m = i.meta
    slot, source = m["slot"], m["source"]
    shape = f"shape {list(m['array'].shape)} {m['array'].dtype}"
    if source == "arg":
        e.pure(f"v{slot}", f"v{slot} = args[{m['index']}]._data  # {m['name']}, {shape}")
    elif source == "kwarg":
        e.pure(f"v{slot}", f"v{slot} = kwargs[{m['index']!r}]._data  # {m['name']}, {shape}")
    elif source == "live":
        pinned, root = e.guarded.get(id(m["tensor"])), e.roots.get(slot)
        if pinned is not None and root is not None:  # a guard checks which array this is: a kernel may bind a
            e.pinned[root] = (pinned, m["name"])  # view of it once
        e.pure(f"v{slot}", f"v{slot} = {e.const(m['tensor'], '_t' + str(slot))}._data  # {m['name']}, read live, "
               f"{shape}")
    elif source == "grad":
        e.line(f"g{slot} = grad  # {m['name']}, {shape}")
    else:
        if m.get("one"):
            e.ones.add(slot)
        e.pure(f"{m['var']}{slot}", f"{m['var']}{slot} = {e.const(m['array'], '_k' + str(slot))}  # {m['name']}")


def _forward(e: Emitter, i: Instr) -> None:
    kernel = kernels.FORWARD.get(i.meta["cls"])
    if kernel is not None and (not e.per_call or i.meta["cls"] in kernels.PER_CALL) and kernel(e, i):
        i.meta["kernel"] = True
        return
    i.meta["kernel"] = False
    m = i.meta
    cls = m["cls"]
    args = ", ".join(f"v{v}" if is_slot else e.const(v) for is_slot, v in m["template"])
    if e.per_call:  # a context of this call's own (its backward may run after later calls)
        ctx = f"ctx{m['k']}"
        needs = e.const(m["rctx"].next_functions, f"needs{m['k']}")
        e.line(f"{ctx} = {e.const(ReplayCtx, 'ReplayCtx')}({needs})")
    else:
        ctx = e.const(m["rctx"], "ctx" + str(m["k"]))
    e.line(f"v{m['out']} = asarray({e.const(cls, cls.__name__)}.forward({ctx}, {args}))  # {m['node_name']}")


def _backward(e: Emitter, i: Instr) -> None:
    fwd = i.meta["forward"]
    if fwd.meta["kernel"]:
        kernel = kernels.BACKWARD[fwd.meta["cls"]]
        kernel(e, i)
        return
    m = i.meta
    cls = fwd.meta["cls"]
    ctx = f"ctx{fwd.meta['k']}" if e.per_call else e.const(fwd.meta["rctx"], "ctx" + str(fwd.meta["k"]))
    call = f"{e.const(cls, cls.__name__)}.backward({ctx}, g{m['g']})"
    outs = m["outs"]
    if len(outs) == 1:
        e.line(f"r = {call}  # {m['node_name']}")
        if outs[0] is not None:
            e.line(f"g{outs[0]} = r[0] if r.__class__ is tuple else r")
        return
    shown = ", ".join("_" if s is None else f"g{s}" for s in outs)
    e.line(f"{shown}{',' if len(outs) == 1 else ''} = {call}  # {m['node_name']}")


def _sum_to(e: Emitter, i: Instr) -> None:
    m = i.meta
    kernels.sum_to_lines(e, m["src"], m["dst"], m["before"], m["shape"])


def _cast(e: Emitter, i: Instr) -> None:
    m = i.meta
    e.line(f"g{m['dst']} = g{m['src']}.astype({e.const(m['dtype'], 'dtype_' + str(m['dtype']))}, copy=False)  "
           "# cast to the input's dtype (engine)")


def _add(e: Emitter, i: Instr) -> None:
    m = i.meta
    e.line(f"g{m['dst']} = add(g{m['a']}, g{m['b']}{e.out(m['dst'], m['array'])})  # gradients meeting at one node "
           "are summed (engine)")


def _accumulate(e: Emitter, i: Instr) -> None:
    m = i.meta
    acc = e.const(m["acc"], "_acc" + str(m["slot"]))
    e.line(f"{acc}.apply(g{m['slot']})  # AccumulateGrad({m['name']}): "
           ".grad = a copy of g, or .grad += g")


def _step(e: Emitter, i: Instr) -> None:
    opt = i.meta["optimizer"]
    e.line(f"{e.const(opt, 'optimizer')}.step()  # {type(opt).__name__}: every parameter p -= update(p.grad)")


def _zero_grad(e: Emitter, i: Instr) -> None:
    owner, to_none = i.meta["owner"], i.meta["set_to_none"]
    e.line(f"{e.const(owner)}.zero_grad(set_to_none={to_none})  # " + (".grad = None" if to_none else
                                                                        ".grad[...] = 0"))


def _fused_step(e: Emitter, i: Instr) -> None:
    opt, slots, accs = i.meta["optimizer"], i.meta["slots"], i.meta["accs"]
    name = type(opt).__name__
    if i.meta.get("plain"):
        e.line(f"# {name}: p -= lr·dL/dp for each parameter (every step computed first, then every write, as eager)")
        steps = []
        for k, (group, row) in enumerate(zip(opt.param_groups, slots)):
            lrs = _learning_rates(e, group, k, [p._data.dtype for p, s in zip(group["params"], row) if s is not None])
            for p, s in zip(group["params"], row):
                if s is None:
                    continue
                step = f"s{s}"
                e.line(f"{step} = multiply({lrs[p._data.dtype]}, g{s}{e.scratch(p._data)})  # {name}: "
                       f"lr·dL/d({e.names[id(p)]})")
                steps.append((p, step))
        sub = e.const(assign_sub, "assign_sub")
        for p, step in steps:
            e.line(f"{sub}({e.const(p)}, {step})  # {e.names[id(p)]} -= step (in place, version + 1)")
        return
    groups = ", ".join("[" + ", ".join("None" if s is None else f"g{s}" for s in row) + "]" for row in slots)
    e.line("try:")
    e.line(f"    {e.const(opt, 'optimizer')}.update([{groups}])  # {name}: p -= update(g), for each parameter")
    e.line("except BaseException:  # leave .grad as the eager step would have")
    for acc, s, _ in accs:
        e.line(f"    {e.const(acc, '_acc' + str(s))}.apply(g{s})")
    e.line("    raise")


def _learning_rates(e: Emitter, group: dict[str, Any], k: int, dtypes: list[Any]) -> dict[Any, str]:
    """The group's learning rate as a 0-d array of each parameter dtype (``Emitter.scalar``'s reason), read live:
    converted again only when ``group['lr']`` is another object than at the last step (a scheduler set it). The
    conversion is NumPy's own for eager's ``lr * g``: ``multiply(lr, one)`` casts the Python number to the dtype."""
    if not dtypes:
        return {}
    seen = e.const([None], f"lr_seen{k}")
    e.line(f"lr = {e.const(group)}['lr']")
    e.line(f"if lr is not {seen}[0]:  # a new learning rate (or the first step): as a 0-d array of each dtype")
    names = {}
    for dtype in dict.fromkeys(dtypes):
        names[dtype] = e.const(np.zeros((), dtype), f"lr{k}_{dtype}")
        e.line(f"    multiply(lr, {e.scalar(1, dtype, 'one')}, out={names[dtype]})")
    e.line(f"    {seen}[0] = lr  # (after: a conversion that raised is tried again)")
    return names


def _call(e: Emitter, i: Instr) -> None:
    m = i.meta
    fn = m["fn"]
    args = ", ".join(f"v{v}" if is_slot else repr(v) if isinstance(v, int | float | bool | str | tuple | None)
                     else e.const(v, f"dtype_{v}" if isinstance(v, np.dtype) else None) for is_slot, v in m["template"])
    what = fn.__doc__.strip().splitlines()[0] if fn.__doc__ else fn.__name__
    e.line(f"v{m['slot']} = {e.const(fn, fn.__name__)}({args})  # made outside the graph, again: {what}")


def _write(e: Emitter, i: Instr) -> None:
    m = i.meta
    root = e.roots.get(m["dst"])  # (a sigmoid's output written over no longer holds only σ's values)
    e.sigmoid_outputs = {s: test for s, test in e.sigmoid_outputs.items() if e.roots.get(s) != root}
    e.line(f"v{m['dst']}[...] = v{m['src']}  # {m['name']} in place: its result written into the tensor's memory")


def _note(e: Emitter, i: Instr) -> None:
    e.line(i.meta["text"])


def _effect(e: Emitter, i: Instr) -> None:
    m = i.meta
    write = m["write"]
    e.line(f"{e.const(write, write.__name__)}({e.const(m['tensor'])})  # {m['name']}: "
           f"{(write.__doc__ or '').strip().splitlines()[0] if write.__doc__ else ''}")


def _bump(e: Emitter, i: Instr) -> None:
    m = i.meta
    e.line(f"{e.const(bump_version, 'bump_version')}({e.const(m['tensor'])}._vc)  # {m['name']} was written in "
           "place by the op above")


RENDER = {"load": _load, "forward": _forward, "backward": _backward, "sum_to": _sum_to, "cast": _cast, "add": _add,
           "accumulate": _accumulate, "step": _step, "zero_grad": _zero_grad, "fused_step": _fused_step,
           "note": _note, "effect": _effect, "bump": _bump, "call": _call, "write": _write}


def _output(e: Emitter, out: Output) -> str:
    if out.kind == "slot":
        node = "None" if out.node is None else e.const(out.node, type(out.node).__name__)
        return f"{e.const(result, 'result')}(v{out.value}, {node})"
    if out.kind in ("tensor", "const"):
        return e.const(out.value) if out.kind == "tensor" or not isinstance(out.value, int | float | bool | str
                                                                             | None) else repr(out.value)
    if out.kind == "seq":
        inner = ", ".join(_output(e, item) for item in out.items)
        if out.container is tuple:
            return f"({inner}{',' if len(out.items) == 1 else ''})"
        if out.container is list:
            return f"[{inner}]"
        return f"{e.const(out.container)}([{inner}])"
    return "{" + ", ".join(f"{k!r}: {_output(e, item)}" for k, item in zip(out.value, out.items)) + "}"

