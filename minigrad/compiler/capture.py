"""Capture: run the function once eagerly while listening to the engine, and write down its array program.

The recorder registers on the engine's observer lists (``autograd.observers``, ``engine.node_observers``) for
the length of one eager call and turns what it hears into a :class:`~minigrad.compiler.program.Program`:

- every ``Function.apply`` becomes a ``forward`` instruction on slots (arrays are matched by identity);
- every backward node the engine runs becomes a ``backward`` instruction, followed by the engine's own
  ``sum_to`` / cast / sum of the gradients meeting at the next node, in the engine's order;
- an ``AccumulateGrad`` becomes ``accumulate``; an optimizer's ``step()`` and a ``zero_grad()`` become ``call``.

Anything the program could not repeat faithfully ends the capture with a reason, and the call (and later calls
with the same guards) runs eagerly: a tensor made inside the function by something other than an op (a factory,
``rand``, a comparison), an in-place write outside an optimizer step, a user ``autograd.Function``, hooks, a
backward through a graph built outside the function, a returned tensor whose graph is still needed. A Python
read of a tensor's value (``.item()``, ``bool(t)``, ``.numpy()``, ``.tolist()``) is a graph break: the value
could steer Python, so it is never baked into a program.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

from minigrad._tensor import Tensor
from minigrad.autograd import engine, function, observers
from minigrad.autograd.engine import sum_to
from minigrad.autograd.function import AccumulateGrad
from minigrad.compiler.fusion import Instr, fuse_optimizer_steps
from minigrad.compiler.program import Output, Program, ReplayCtx
from minigrad.nn.module import Module
from minigrad.optim.optimizer import Optimizer

__all__ = ["Recorder", "Unsupported", "user_frame"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Unsupported(RuntimeError):  # noqa: N818 - torch's name (torch._dynamo.exc.Unsupported)
    """What ``fullgraph=True`` raises where the function cannot be captured whole (torch._dynamo.exc.Unsupported)."""


def user_frame() -> str:
    """``file:line`` of the innermost frame outside minigrad (where the user's code made the call)."""
    frame = sys._getframe(1)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if not path.startswith(_PACKAGE + os.sep):
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]  # (None ends the walk)
    return "<unknown>"


def _tensors_of(obj: Any, prefix: str, out: dict[int, tuple[Tensor, str]]) -> None:
    """The tensors a program may read live from ``obj``, by id, with a readable name."""
    if isinstance(obj, Tensor):
        out.setdefault(id(obj), (obj, prefix))
    elif isinstance(obj, Module):
        for mod_name, m in obj.named_modules():
            base = f"{prefix}.{mod_name}" if mod_name else prefix
            for name, value in m.__dict__.items():
                if isinstance(value, Tensor):
                    out.setdefault(id(value), (value, f"{base}.{name}"))
            for name, value in m._buffers.items():
                if value is not None:
                    out.setdefault(id(value), (value, f"{base}.{name}"))
    elif isinstance(obj, Optimizer):
        for g, group in enumerate(obj.param_groups):
            for i, p in enumerate(group["params"]):
                out.setdefault(id(p), (p, f"{prefix}.param_groups[{g}]['params'][{i}]"))


class Recorder:
    """Listens to one eager call and builds its program (or the reason it cannot)."""

    def __init__(self, names: list[str], args: tuple[Any, ...], kwargs: dict[str, Any],
                 refs: list[tuple[str, Any]], fullgraph: bool) -> None:
        self.fullgraph = fullgraph
        self.inputs: dict[int, tuple[Any, str]] = {}  # id(tensor) -> (how to read it from the call, name)
        for i, (name, a) in enumerate(zip(names, args)):
            if isinstance(a, Tensor):
                self.inputs[id(a)] = ((lambda args, kwargs, i=i: args[i]._data), name)
        for name, a in kwargs.items():
            if isinstance(a, Tensor):
                self.inputs[id(a)] = ((lambda args, kwargs, name=name: kwargs[name]._data), name)
        self.live: dict[int, tuple[Tensor, str]] = {}
        for name, a in [*zip(names, args), *kwargs.items(), *refs]:
            if not isinstance(a, Tensor):
                _tensors_of(a, name, self.live)
        for name, a in refs:
            if isinstance(a, Tensor):
                self.live[id(a)] = (a, name)
        self.slot_of: dict[int, int] = {}
        self.keep: list[Any] = []  # every array seen stays alive during the capture, so ids stay unique
        self.n = 0
        self.loads: list[tuple[int, Any]] = []
        self.instrs: list[Instr] = []  # the program in order: what to run (if anything) and the line showing it
        self.accumulators: list[Any] = []
        self.forward_of: dict[Any, tuple[ReplayCtx, int]] = {}  # graph node -> (its replay ctx, ctx number)
        self.pending: dict[Any, list[int]] = {}  # graph node -> slots of the gradients sent to it, in order
        self.ran: set[int] = set()  # ids of the nodes backward ran
        self.failure: str | None = None
        self.break_at: str | None = None
        self.epoch = function.EPOCH[0]
        self.in_effect = 0
        self.n_ctx = 0

    # -- listening ---------------------------------------------------------------------------------------
    def __enter__(self) -> Recorder:
        observers.constant_observers.append(self.on_constant)
        observers.op_observers.append(self.on_op)
        observers.value_read_observers.append(self.on_value_read)
        observers.effect_observers.append(self.on_effect)
        engine.node_observers.append(self.on_node)
        return self

    def __exit__(self, *exc: Any) -> None:
        observers.constant_observers.remove(self.on_constant)
        observers.op_observers.remove(self.on_op)
        observers.value_read_observers.remove(self.on_value_read)
        observers.effect_observers.remove(self.on_effect)
        engine.node_observers.remove(self.on_node)

    def emit(self, kind: str, line: str, step: Any = None, **meta: Any) -> None:
        self.instrs.append(Instr(kind, line, step, meta))

    def fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
            if self.fullgraph:
                raise Unsupported(f"minigrad.compile(fullgraph=True): {reason}")

    def check_epoch(self) -> None:
        if function.EPOCH[0] != self.epoch:
            self.fail(f"an in-place modification outside an optimizer step (near {user_frame()}) cannot be "
                      "replayed yet")

    # -- slots ---------------------------------------------------------------------------------------------
    def new_slot(self, array: Any) -> int:
        slot = self.n
        self.n += 1
        self.slot_of[id(array)] = slot
        self.keep.append(array)
        return slot

    def slot_of_tensor(self, t: Tensor) -> int | None:
        data = t._data
        slot = self.slot_of.get(id(data))
        if slot is not None:
            return slot
        source = self.inputs.get(id(t))
        if source is not None:
            slot = self.new_slot(data)
            self.loads.append((slot, source[0]))
            self.emit("load", f"v{slot} = {source[1]}  # input, shape {list(data.shape)} {data.dtype}")
            return slot
        live = self.live.get(id(t))
        if live is not None:
            tensor, name = live
            slot = self.new_slot(data)
            self.loads.append((slot, lambda args, kwargs, tensor=tensor: tensor._data))
            self.emit("load", f"v{slot} = {name}  # read live, shape {list(data.shape)} {data.dtype}")
            return slot
        self.fail(f"a tensor of shape {list(data.shape)} was made inside the function by something other than a "
                  f"differentiable op (a factory, a random draw, a comparison...) near {user_frame()}")
        return None

    # -- observers -----------------------------------------------------------------------------------------
    def on_op(self, cls: type, ctx: Any, args: tuple[Any, ...], out: Tensor) -> None:
        if self.failure is not None or self.in_effect:
            return
        self.check_epoch()
        if ctx is None:
            self.fail(f"the user autograd.Function {cls.__name__} has no array-level backward to replay")
            return
        template: list[tuple[bool, Any]] = []
        shown: list[str] = []
        for a in args:
            if isinstance(a, Tensor):
                slot = self.slot_of_tensor(a)
                if slot is None:
                    return
                template.append((True, slot))
                shown.append(f"v{slot}")
            else:
                template.append((False, a))
                shown.append(repr(a))
        rctx = ReplayCtx(tuple((None if fn is None else True, 0) for fn, _ in ctx.next_functions))
        k = self.n_ctx
        self.n_ctx += 1
        if ctx.next_functions:
            self.forward_of[ctx] = (rctx, k)
        out_slot = self.new_slot(out._data)
        forward = cls.forward  # type: ignore[attr-defined]  # (a Function subclass)

        node = getattr(cls, "node_name", cls.__name__)
        self.emit("forward", f"v{out_slot} = {cls.__name__}.forward(ctx{k}, {', '.join(shown)})  # {node}",
                  _forward_step(forward, rctx, template, out_slot))

    def on_constant(self, tensor: Any) -> None:
        """A tensor whose values depend only on shapes and hyperparameters: the program keeps its array."""
        if self.failure is not None or self.in_effect:
            return
        data = tensor._data
        slot = self.new_slot(data)
        self.loads.append((slot, lambda args, kwargs, data=data: data))
        self.emit("load", f"v{slot} = constant(shape {list(data.shape)}, {data.dtype})  # e.g. a zero initial state")

    def on_value_read(self, tensor: Any, how: str) -> None:
        if self.in_effect or self.break_at is not None:
            return
        where = user_frame()
        self.break_at = f"Tensor.{how}() at {where}"
        if self.fullgraph:
            raise Unsupported(
                f"minigrad.compile(fullgraph=True): data-dependent Python: Tensor.{how}() at {where} reads a "
                "tensor's value, which a captured graph cannot branch on (torch: 'Unsupported: "
                "Tensor.item'); remove the read or compile with fullgraph=False"
            )

    def on_effect(self, obj: Any, name: str, args: tuple[Any, ...]) -> None:
        if self.failure is not None:
            return
        if name == "step_end":
            self.in_effect -= 1
            self.epoch = function.EPOCH[0]
            return
        if self.in_effect:
            return
        if name == "replay":  # a module's own in-place bookkeeping (a batch count): repeated in its place
            (write,) = args
            if function.EPOCH[0] != self.epoch + 1 or id(obj) not in self.live:
                self.fail(f"an in-place write into a tensor the program does not read live (near {user_frame()})")
                return
            self.epoch = function.EPOCH[0]
            self.emit("effect", f"{write.__name__}({self.live[id(obj)][1]})  # {(write.__doc__ or '').strip()}",
                      lambda env, t=obj, write=write: write(t))
            return
        if name == "bump_version":  # an op wrote into a (live) buffer in place; the replayed op writes it again
            if function.EPOCH[0] != self.epoch + 1 or (id(obj) not in self.live and id(obj) not in self.inputs):
                self.fail(f"an in-place write into a tensor the program does not read live (near {user_frame()})")
                return
            self.epoch = function.EPOCH[0]
            self.emit("bump", f"bump_version({(self.live.get(id(obj)) or self.inputs[id(obj)])[1]})  # written in "
                      "place by the op above", lambda env, t=obj: function.bump_version(t._vc))
            return
        self.check_epoch()
        if isinstance(obj, Optimizer):
            owner = "optimizer"
        else:
            owner = "module"
        if name == "step":
            if any(a is not None for a in args):
                self.fail("optimizer.step(closure) re-runs Python: not replayable")
                return
            self.in_effect += 1
            self.emit("step", f"{owner}.step()  # {type(obj).__name__}: every parameter p -= update(p.grad)",
                      lambda env, obj=obj: obj.step(), optimizer=obj)
        else:  # zero_grad(set_to_none)
            (set_to_none,) = args
            self.emit("zero_grad", f"{owner}.zero_grad(set_to_none={set_to_none})  # .grad = None" if set_to_none
                      else f"{owner}.zero_grad(set_to_none=False)  # .grad[...] = 0",
                      lambda env, obj=obj, s=set_to_none: obj.zero_grad(set_to_none=s), owner=obj,
                      set_to_none=set_to_none)

    def on_node(self, node: Any, grad: np.ndarray | None, grads: tuple[Any, ...]) -> None:
        if self.failure is not None:
            return
        self.ran.add(id(node))
        sent = self.pending.pop(node, None)
        if grad is None:
            return
        if node._pre_hooks is not None or node._post_hooks is not None:
            self.fail(f"a hook on {node.name()} runs Python during backward")
            return
        g = self.gradient_in(node, grad, sent)
        if g is None:
            return
        if isinstance(node, AccumulateGrad):
            leaf = node.variable
            if leaf is None or (id(leaf) not in self.live and id(leaf) not in self.inputs):
                self.fail("backward reaches a leaf tensor the function does not get from its arguments or globals")
                return
            name = (self.live.get(id(leaf)) or self.inputs[id(leaf)])[1]
            self.accumulators.append(node)
            self.emit("accumulate", f"accumulate({name}.grad, g{g})  # AccumulateGrad({name}): .grad = g or .grad += g",
                      lambda env, acc=node, g=g: acc.apply(env[g]), leaf=leaf, slot=g, name=name)
            return
        found = self.forward_of.get(node)
        if found is None:
            self.fail(f"backward reaches {node.name()}, a node of a graph built outside the compiled function")
            return
        rctx, k = found
        outs = []
        for (nxt, _), gi in zip(node.next_functions, grads):
            outs.append(None if nxt is None or gi is None else self.new_slot(gi))
        backward = type(node)._function.backward

        def step(env: list[Any], b: Any = backward, c: ReplayCtx = rctx, g: int = g, outs: list[Any] = outs) -> None:
            r = b(c, env[g])
            if r.__class__ is not tuple:
                r = (r,)
            for slot, value in zip(outs, r):
                if slot is not None:
                    env[slot] = value

        shown = ", ".join("_" if s is None else f"g{s}" for s in outs)
        self.emit("backward", f"{shown} = {type(node)._function.__name__}.backward(ctx{k}, g{g})  # {node.name()}",
                  step)
        for (nxt, _), gi, slot in zip(node.next_functions, grads, outs):
            if slot is None:
                continue
            if gi.shape != nxt._shape:
                slot = self.unary(slot, lambda a, shape=nxt._shape: sum_to(a, shape),
                                  f"sum_to(g{slot}, {nxt._shape})  # undo broadcasting (engine)")
            if gi.dtype is not nxt._dtype:
                slot = self.unary(slot, lambda a, dt=nxt._dtype: a.astype(dt, copy=False),
                                  f"g{slot}.astype({nxt._dtype})  # cast to the input's dtype (engine)")
            self.pending.setdefault(nxt, []).append(slot)

    def gradient_in(self, node: Any, grad: np.ndarray, sent: list[int] | None) -> int | None:
        """The slot of the gradient arriving at ``node``: the sum of what was sent to it, in arrival order."""
        if not sent:  # a root of backward: dL/dL = 1 (the engine's constant), or a gradient the function computed
            slot = self.slot_of.get(id(grad))
            if slot is not None:
                return slot
            if grad.flags.writeable:
                self.fail("backward(gradient=...) with a tensor made outside a recorded op")
                return None
            slot = self.new_slot(grad)
            self.loads.append((slot, lambda args, kwargs, g=grad: g))
            self.emit("load", f"g{slot} = ones({list(grad.shape)}, {grad.dtype})  # dL/dL = 1")
            return slot
        slot = sent[0]
        for other in sent[1:]:
            slot = self.binary(slot, other)
        return slot

    def unary(self, src: int, fn: Any, text: str) -> int:
        dst = self.n
        self.n += 1
        self.emit("engine", f"g{dst} = {text}", lambda env, f=fn, s=src, d=dst: env.__setitem__(d, f(env[s])))
        return dst

    def binary(self, a: int, b: int) -> int:
        dst = self.n
        self.n += 1
        self.emit("engine", f"g{dst} = g{a} + g{b}  # gradients meeting at one node are summed (engine)",
                  lambda env, a=a, b=b, d=dst: env.__setitem__(d, env[a] + env[b]))
        return dst

    # -- the result --------------------------------------------------------------------------------------
    def output(self, result: Any) -> Output | None:
        if isinstance(result, Tensor):
            slot = self.slot_of.get(id(result._data))
            if slot is None:
                if id(result) in self.live or id(result) in self.inputs:
                    return Output("tensor", result)
                self.fail("the function returns a tensor made outside a recorded op")
                return None
            node_cls = None
            if result.grad_fn is not None:
                if id(result.grad_fn) not in self.ran:
                    self.fail("the function returns a tensor whose graph is still needed (its backward runs after "
                              "the call); compile the whole training step instead")
                    return None
                node_cls = type(result.grad_fn)
            return Output("slot", slot, node_cls=node_cls)
        if result.__class__ in (bool, int, float, str, type(None)):
            return Output("const", result)
        if isinstance(result, tuple | list):
            items = [self.output(r) for r in result]
            if any(i is None for i in items):
                return None
            return Output("seq", items=items, container=type(result))  # type: ignore[arg-type]  # (a checked list of Outputs)
        if isinstance(result, dict):
            items = [self.output(r) for r in result.values()]
            if any(i is None for i in items):
                return None
            return Output("dict", list(result), items=items)  # type: ignore[arg-type]  # (a checked list of Outputs)
        self.fail(f"the function returns a {type(result).__name__}, which a program cannot rebuild")
        return None

    def program(self, result: Any) -> Program | None:
        if self.failure is None:
            self.check_epoch()
        out = self.output(result) if self.failure is None else None
        if self.failure is not None or self.break_at is not None or out is None:
            return None
        instrs = fuse_optimizer_steps(self.instrs)
        steps = [i.step for i in instrs if i.step is not None]
        grad_none = [t for i in instrs if i.kind == "fused_step" for t in i.meta["grad_none"]]
        return Program(self.n, self.loads, steps, [i.line for i in instrs], out, self.accumulators, len(steps),
                       grad_none)


def _forward_step(forward: Any, ctx: ReplayCtx, template: list[tuple[bool, Any]], out: int) -> Any:
    """The replay of one op's forward: ``env[out] = forward(ctx, *inputs)`` (one-input ops without a list)."""
    if len(template) == 1 and template[0][0]:
        s0 = template[0][1]

        def unary(env: list[Any]) -> None:
            y = forward(ctx, env[s0])
            env[out] = y if y.__class__ is np.ndarray else np.asarray(y)

        return unary

    def general(env: list[Any]) -> None:
        y = forward(ctx, *[env[v] if is_slot else v for is_slot, v in template])
        env[out] = y if y.__class__ is np.ndarray else np.asarray(y)

    return general
