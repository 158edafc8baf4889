"""Capture: run the function once eagerly while listening to the engine, and write down its array program.

The recorder registers on the engine's observer lists (``autograd.observers``, ``engine.node_observers``) for
the length of one eager call and turns what it hears into a :class:`~minigrad.compiler.program.Program`:

- every ``Function.apply`` becomes a ``forward`` instruction on slots (arrays are matched by identity);
- every backward node the engine runs becomes a ``backward`` instruction, followed by the engine's own
  ``sum_to`` / cast / sum of the gradients meeting at the next node, in the engine's order;
- an ``AccumulateGrad`` becomes ``accumulate``; an optimizer's ``step()`` and a ``zero_grad()`` become ``call``;
- a *forward* (a compiled Module's, in grad mode) returns a tensor whose backward runs after the call: the
  recorder then *probes* that backward (:meth:`Recorder.probe`) and the program gets a backward part
  (``Program.deferred``), which the returned tensor's ``CompiledFunctionBackward`` node runs later.

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
from minigrad.autograd.function import AccumulateGrad, grad_accumulator
from minigrad.compiler.fusion import fuse_optimizer_steps
from minigrad.compiler.program import (
    Check,
    Deferred,
    Edge,
    Instr,
    Output,
    Program,
    ReplayCtx,
    memory_root,
    released_node,
    shape_only,
)
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


def _holds_array(value: Any) -> bool:
    """An ndarray, or a tuple/list holding one (an op's argument that is no tensor but carries values)."""
    if isinstance(value, np.ndarray):
        return True
    return isinstance(value, tuple | list) and any(_holds_array(v) for v in value)


def _strip(meta: dict[str, Any]) -> None:
    """Replace the arrays in an instruction's description by shape-and-dtype stand-ins (``shape_only``)."""
    for key, value in meta.items():
        if key in ("template", "consts"):  # the op's Python arguments: kept as they are
            continue
        if isinstance(value, np.ndarray):
            meta[key] = shape_only(value)
        elif isinstance(value, list):
            meta[key] = [_stripped(v) for v in value]


def _stripped(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return shape_only(v)
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], np.ndarray):  # (slot, array)
        return v[0], shape_only(v[1])
    return v


def _python_state(objects: list[Any]) -> list[Any]:
    """What a replay would not redo if the function changed it: each optimizer's hyperparameters (by value) and
    each module's attributes and buffers (by identity)."""
    state: list[Any] = []
    for obj in objects:
        if isinstance(obj, Optimizer):
            state.append([{k: v for k, v in g.items() if k != "params"} for g in obj.param_groups])
        elif isinstance(obj, Module):
            for m in obj.modules():
                state.append([id(v) for v in (*m.__dict__.values(), *m._buffers.values())])
    return state


class Recorder:
    """Listens to one eager call and builds its program (or the reason it cannot)."""

    def __init__(self, names: list[str], args: tuple[Any, ...], kwargs: dict[str, Any],
                 refs: list[tuple[str, Any]], fullgraph: bool) -> None:
        self.fullgraph = fullgraph
        self.inputs: dict[int, tuple[str, int | str, str]] = {}  # id(tensor) -> ("arg" | "kwarg", index, name)
        for i, (name, a) in enumerate(zip(names, args)):
            if isinstance(a, Tensor):
                self.inputs[id(a)] = ("arg", i, name)
        for name, a in kwargs.items():
            if isinstance(a, Tensor):
                self.inputs[id(a)] = ("kwarg", name, name)
        self.live: dict[int, tuple[Tensor, str]] = {}
        for name, a in [*zip(names, args), *kwargs.items(), *refs]:
            if not isinstance(a, Tensor):
                _tensors_of(a, name, self.live)
        for name, a in refs:
            if isinstance(a, Tensor):
                self.live[id(a)] = (a, name)
        # the arrays of the tensors the function gets or reads (an op may be given one as an array)
        self.array_owner: dict[int, Tensor] = {id(t._data): t for t in [*(a for a in [*args, *kwargs.values()]
                                                                           if isinstance(a, Tensor)),
                                                                         *(t for t, _ in self.live.values())]}
        self.state_before = _python_state([*[a for _, a in zip(names, args)], *kwargs.values(), *(r for _, r in refs)])
        self.slot_of: dict[int, int] = {}
        self.arrays: dict[int, np.ndarray] = {}  # slot -> its array (alive during the capture: ids stay unique)
        self.slots_by_root: dict[int, list[int]] = {}  # memory_root of a slot's array -> the slots in that memory
        self.n = 0
        self.instrs: list[Instr] = []  # the program, in order
        self.accumulators: list[Any] = []
        self.forward_of: dict[Any, Instr] = {}  # graph node -> its forward instruction
        self.pending: dict[Any, list[int]] = {}  # graph node -> slots of the gradients sent to it, in order
        self.ran: set[int] = set()  # ids of the nodes backward ran
        self.failure: str | None = None
        self.break_at: str | None = None
        self.epoch = function.EPOCH[0]
        self.in_effect = 0
        self.n_ctx = 0
        self.probe_root: np.ndarray | None = None  # the stand-in dL/d(output) of a probed backward
        self.deferred: Deferred | None = None

    # -- listening ---------------------------------------------------------------------------------------
    def __enter__(self) -> Recorder:
        observers.constant_observers.append(self.on_constant)
        observers.recompute_observers.append(self.on_recompute)
        observers.op_observers.append(self.on_op)
        observers.value_read_observers.append(self.on_value_read)
        observers.effect_observers.append(self.on_effect)
        engine.node_observers.append(self.on_node)
        return self

    def __exit__(self, *exc: Any) -> None:
        observers.constant_observers.remove(self.on_constant)
        observers.recompute_observers.remove(self.on_recompute)
        observers.op_observers.remove(self.on_op)
        observers.value_read_observers.remove(self.on_value_read)
        observers.effect_observers.remove(self.on_effect)
        engine.node_observers.remove(self.on_node)

    def emit(self, kind: str, **meta: Any) -> Instr:
        instr = Instr(kind, meta)
        self.instrs.append(instr)
        return instr

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
        self.arrays[slot] = array
        if isinstance(array, np.ndarray):
            self.slots_by_root.setdefault(memory_root(array), []).append(slot)
        return slot

    def slot_of_tensor(self, t: Tensor) -> int | None:
        data = t._data
        slot = self.slot_of.get(id(data))
        if slot is not None:
            return slot
        source = self.inputs.get(id(t))
        if source is not None:
            slot = self.new_slot(data)
            self.emit("load", slot=slot, source=source[0], index=source[1], name=source[2], array=data)
            return slot
        live = self.live.get(id(t))
        if live is not None:
            tensor, name = live
            slot = self.new_slot(data)
            self.emit("load", slot=slot, source="live", tensor=tensor, name=name, array=data)
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
        parsed = self.template(cls.__name__, args)
        if parsed is None:
            return
        template, ins, consts = parsed
        rctx = ReplayCtx(tuple((None if fn is None else True, 0) for fn, _ in ctx.next_functions))
        k = self.n_ctx
        self.n_ctx += 1
        out_slot = self.new_slot(out._data)
        needs = tuple(fn is not None for fn, _ in ctx.next_functions)
        instr = self.emit("forward", cls=cls, k=k, rctx=rctx, needs=needs, template=template, ins=ins, consts=consts,
                          out=out_slot, out_array=out._data, node_name=getattr(cls, "node_name", cls.__name__),
                          held=self.held_slots(ctx))
        if ctx.next_functions:
            self.forward_of[ctx] = instr

    def held_slots(self, ctx: Any) -> list[int]:
        """The slots whose memory the op's ctx keeps for its backward (what it saved, and any array among its
        attributes): the memory its backward may read, which no later statement may reuse before that backward."""
        held: list[int] = []
        todo = [getattr(ctx, "_saved", None), *getattr(ctx, "__dict__", {}).values()]
        while todo:
            value = todo.pop()
            if isinstance(value, np.ndarray):
                held.extend(self.slots_by_root.get(memory_root(value), ()))
            elif isinstance(value, tuple | list):
                todo.extend(value)
            elif isinstance(value, dict):
                todo.extend(value.values())
        return held

    def on_constant(self, tensor: Any) -> None:
        """A tensor whose values depend only on shapes and hyperparameters: the program keeps its array."""
        if self.failure is not None or self.in_effect:
            return
        data = tensor._data
        slot = self.new_slot(data)
        self.emit("load", slot=slot, source="const", var="v", array=data,
                  name=f"a constant of shape {list(data.shape)} {data.dtype} (e.g. a zero initial state)")

    def template(self, what: str, args: tuple[Any, ...]) -> tuple[list[tuple[bool, Any]], list[tuple[int, Any]],
                                                                   list[Any]] | None:
        """How a call's arguments are replayed: ``(is_slot, slot or value)`` each, the (slot, array) of its tensor
        arguments and its other values; None if one cannot be (the capture then fails, saying why)."""
        template: list[tuple[bool, Any]] = []
        ins: list[tuple[int, np.ndarray]] = []
        consts: list[Any] = []
        for a in args:
            if isinstance(a, Tensor):
                slot = self.slot_of_tensor(a)
                if slot is None:
                    return None
                template.append((True, slot))
                ins.append((slot, a._data))
            elif isinstance(a, np.ndarray) and (id(a) in self.slot_of or id(a) in self.array_owner):
                # a tensor's own array (class targets, embedding indices, a running mean): its slot
                slot = self.slot_of.get(id(a))
                if slot is None:
                    slot = self.slot_of_tensor(self.array_owner[id(a)])
                    if slot is None:
                        return None
                template.append((True, slot))
            elif _holds_array(a):  # a mask or an index computed from some tensor's values: a program would keep
                self.fail(f"{what} was given an array computed outside the graph near {user_frame()} (from a "
                          "tensor's values, such as a mask of ignored targets): a program would keep this call's "
                          "values")  # this call's values, so the capture runs eagerly
                return None
            else:
                template.append((False, a))
                consts.append(a)
        return template, ins, consts

    def on_recompute(self, tensor: Any, fn: Any, args: tuple[Any, ...]) -> None:
        """A tensor made outside the graph as ``fn(*args)`` (a dropout mask, an in-place op's copy): the program
        calls ``fn`` again, each tensor argument replaced by its slot's array."""
        if self.failure is not None or self.in_effect:
            return
        parsed = self.template(getattr(fn, "__name__", "a function"), args)
        if parsed is None:
            return
        data = tensor._data
        self.emit("call", fn=fn, template=parsed[0], slot=self.new_slot(data), array=data)

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
            self.emit("effect", write=write, tensor=obj, name=self.live[id(obj)][1])
            return
        if name == "rebind":  # a recorded in-place op wrote its result into the tensor's memory: so does the replay
            (out,) = args
            src, dst = self.slot_of.get(id(out._data)), self.slot_of_tensor(obj)
            if src is None or dst is None or function.EPOCH[0] != self.epoch + 1:
                self.fail(f"an in-place op whose result the program cannot place (near {user_frame()})")
                return
            self.epoch = function.EPOCH[0]
            self.emit("write", src=src, dst=dst, name=getattr(out.grad_fn, "_name", "an in-place op"))
            return
        if name == "bump_version":  # an op wrote into a (live) buffer in place; the replayed op writes it again
            if function.EPOCH[0] != self.epoch + 1 or (id(obj) not in self.live and id(obj) not in self.inputs):
                self.fail(f"an in-place write into a tensor the program does not read live (near {user_frame()})")
                return
            self.epoch = function.EPOCH[0]
            name = self.live[id(obj)][1] if id(obj) in self.live else self.inputs[id(obj)][2]
            self.emit("bump", tensor=obj, name=name)
            return
        self.check_epoch()
        if name == "scheduler_step":
            self.fail(f"{type(obj).__name__}.step() changes the learning rate in Python, which a program does not "
                      "repeat: call the scheduler outside the compiled function")
            return
        if name == "step":
            if any(a is not None for a in args):
                self.fail("optimizer.step(closure) re-runs Python: not replayable")
                return
            self.in_effect += 1
            self.emit("step", optimizer=obj)
        elif name == "zero_grad":
            (set_to_none,) = args
            self.emit("zero_grad", owner=obj, set_to_none=set_to_none)
        else:
            self.fail(f"{type(obj).__name__}: {name} has effects a program does not repeat")

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
            name = self.live[id(leaf)][1] if id(leaf) in self.live else self.inputs[id(leaf)][2]
            self.accumulators.append(node)
            self.emit("accumulate", acc=node, leaf=leaf, slot=g, name=name)
            return
        found = self.forward_of.get(node)
        if found is None:
            self.fail(f"backward reaches {node.name()}, a node of a graph built outside the compiled function")
            return
        outs: list[int | None] = []
        arrays: list[np.ndarray | None] = []
        for (nxt, _), gi in zip(node.next_functions, grads):
            missing = nxt is None or gi is None
            outs.append(None if missing else self.new_slot(gi))
            arrays.append(None if missing else gi)
        self.emit("backward", forward=found, g=g, outs=outs, out_arrays=arrays, k=found.meta["k"],
                  node_name=node.name())
        for (nxt, _), gi, slot in zip(node.next_functions, grads, outs):
            if slot is None:
                continue
            if gi.shape != nxt._shape:
                reduced = sum_to(gi, nxt._shape)
                dst = self.new_slot(reduced)
                self.emit("sum_to", src=slot, dst=dst, before=gi, shape=nxt._shape)
                slot, gi = dst, reduced
            if gi.dtype is not nxt._dtype:
                cast = gi.astype(nxt._dtype, copy=False)
                dst = self.new_slot(cast)
                self.emit("cast", src=slot, dst=dst, dtype=nxt._dtype)
                slot = dst
            self.pending.setdefault(nxt, []).append(slot)

    def gradient_in(self, node: Any, grad: np.ndarray, sent: list[int] | None) -> int | None:
        """The slot of the gradient arriving at ``node``: the sum of what was sent to it, in arrival order."""
        if not sent:  # a root of backward: dL/dL = 1 (the engine's constant), or a gradient the function computed
            if grad is self.probe_root:  # the probe's stand-in: the backward part's input
                given = self.new_slot(grad)
                self.emit("load", slot=given, source="grad", array=grad,
                          name="dL/d(output): the gradient the engine brings to CompiledFunctionBackward")
                return given
            known = self.slot_of.get(id(grad))
            if known is not None:
                return known
            if grad.flags.writeable:
                self.fail("backward(gradient=...) with a tensor made outside a recorded op")
                return None
            slot = self.new_slot(grad)
            one = bool(grad.ndim == 0 and grad == 1)
            self.emit("load", slot=slot, source="const", var="g", array=grad, one=one,
                      name="dL/dL = 1 (the engine's constant)" if one else "the engine's root gradient")
            return slot
        return self.summed(sent)

    def summed(self, sent: list[int]) -> int:
        """The slot of the sum of the gradients sent to one node, in arrival order (the engine's ``prev + g``)."""
        slot = sent[0]
        for other in sent[1:]:
            total = self.arrays[slot] + self.arrays[other]
            dst = self.new_slot(total)
            self.emit("add", a=slot, b=other, dst=dst, array=total)
            slot = dst
        return slot

    # -- a forward whose backward runs after the call -------------------------------------------------------
    def probe(self, result: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """If the call was a forward (no backward, step or zero_grad ran in it) returning one tensor whose graph
        is still needed, record that graph's backward now: run the engine from the tensor's node with a stand-in
        dL/d(output) (ones), the way torch's AOTAutograd traces the joint graph. The engine runs in its
        ``autograd.grad`` mode, stopping at the nodes of the tensors the forward read (each parameter's
        ``AccumulateGrad``, each input's ``grad_fn`` or ``AccumulateGrad``): no ``.grad`` is written and
        nothing outside the call runs; ``retain_graph`` keeps the graph for the caller's own backward of this
        first (eager) call. The node observer writes the backward instructions as in a whole step; the
        gradients arriving at those nodes are the backward part's results (``Program.deferred``)."""
        if self.failure is not None or self.break_at is not None or not isinstance(result, Tensor):
            return
        root = result.grad_fn
        if root is None or root not in self.forward_of or id(root) in self.ran:
            return
        if any(i.kind not in ("load", "forward", "effect", "bump", "call", "write") for i in self.instrs):
            return  # the function ran a backward or a step itself: not a forward (``output`` says why)
        for node in self.forward_of:
            if node._pre_hooks is not None or node._post_hooks is not None:
                self.fail(f"a hook on {node.name()} (a tensor hook or retain_grad() inside the forward) runs "
                          "Python during backward")
                return
        edges: list[Edge] = []
        read: list[Tensor] = []  # the tensor of each edge
        targets: dict[Any, int] = {}
        for instr in self.instrs:  # the tensors the forward read, in the order it first read them
            m = instr.meta
            if instr.kind != "load" or m["source"] == "const":
                continue
            if m["source"] == "live":
                t = m["tensor"]
            else:
                t = args[m["index"]] if m["source"] == "arg" else kwargs[m["index"]]
            read.append(t)
            node = None
            if t._requires_grad:
                node = t.grad_fn or grad_accumulator(t)
                if node in targets:
                    self.fail(f"two tensors the forward reads share one graph node ({node.name()})")
                    return
                targets[node] = len(targets)
            edges.append(Edge(m["source"], m["index"] if m["source"] != "live" else None,
                              t if m["source"] == "live" else None, m["name"], node is not None,
                              t.grad_fn is None and m["source"] == "live"))
        start, out = len(self.instrs), self.slot_of[id(result._data)]
        self.probe_root = np.ones(root._shape, root._dtype)
        engine._run(((root, self.probe_root),), True, targets, stop_at_capture=True)
        self.probe_root = None
        if self.failure is not None:
            return
        grads: list[int | None] = []
        for node in targets:
            sent = self.pending.pop(node, None)
            grads.append(self.summed(sent) if sent else None)
        if self.pending:
            self.fail("backward reaches a leaf tensor the function does not get from its arguments or globals")
            return
        k = 0
        for edge in edges:
            if edge.requires_grad:
                edge.slot = grads[k]
                k += 1
        grad_slot = next(i.meta["slot"] for i in self.instrs[start:] if i.kind == "load")
        self.deferred = Deferred(start, grad_slot, edges, out, self.version_checks(start, read, result))

    def version_checks(self, start: int, read: list[Tensor], result: Tensor) -> list[Check]:
        """The eager backward's in-place checks, in its order: each value a node saved that belongs to a tensor
        the forward read (itself, or a view sharing its version counter) or to the output. A write into one of
        them between the forward and its backward raises eager's error (``CompiledFunctionBackward.apply``)."""
        node_of = {id(instr): node for node, instr in self.forward_of.items()}
        edge_of = {id(t._vc): k for k, t in enumerate(read)}
        checks: list[Check] = []
        for instr in self.instrs[start:]:
            if instr.kind != "backward":
                continue
            node = node_of[id(instr.meta["forward"])]
            for value in node._saved or ():
                if not isinstance(value, np.ndarray):
                    continue
                out = node._out
                if out is not None and value is out[1]:  # a saved output: checked if it is the forward's
                    if value is result._data:
                        checks.append(Check(-1, value.shape, value.dtype, node.name(), False))
                    continue
                tensor = next((a for a in node._inputs if isinstance(a, Tensor) and a._data is value), None)
                if tensor is not None and id(tensor._vc) in edge_of:
                    k = edge_of[id(tensor._vc)]
                    own = tensor is read[k]  # the tensor itself (named by its grad_fn then) or a view of it
                    name = None if own or tensor.grad_fn is None else tensor.grad_fn.name()
                    checks.append(Check(k, value.shape, value.dtype, name, own))
        return checks

    # -- the result --------------------------------------------------------------------------------------
    def output(self, result: Any) -> Output | None:
        if isinstance(result, Tensor):
            slot = self.slot_of.get(id(result._data))
            if slot is None:
                if id(result) in self.live or id(result) in self.inputs:
                    return Output("tensor", result)
                self.fail("the function returns a tensor made outside a recorded op")
                return None
            node_cls = node = None
            if result.grad_fn is not None:
                if id(result.grad_fn) not in self.ran:
                    self.fail("the function returns a tensor whose graph is still needed (its backward runs after "
                              "the call) alongside other values, or after running a backward itself: a compiled "
                              "forward returns one tensor (or compile the whole training step)")
                    return None
                node_cls = type(result.grad_fn)
                node = released_node(node_cls, result._data.shape, result._data.dtype)
            return Output("slot", slot, node_cls=node_cls, node=node)
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

    def program(self, result: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
                refs: list[tuple[str, Any]]) -> Program | None:
        if self.failure is None:
            self.check_epoch()
        after = _python_state([*args, *kwargs.values(), *(r for _, r in refs)])
        if self.failure is None and after != self.state_before:
            self.fail("the function changes Python state a program cannot repeat: an optimizer hyperparameter (a "
                      "learning-rate scheduler's step?) or a module attribute")
        if self.deferred is not None and self.failure is None:
            out: Output | None = Output("slot", self.deferred.output)
        else:
            out = self.output(result) if self.failure is None else None
        if self.failure is not None or self.break_at is not None or out is None:
            return None
        instrs = fuse_optimizer_steps(self.instrs)
        grad_none = [t for i in instrs if i.kind == "fused_step" for t in i.meta["grad_none"]]
        names = {id(t): name for t, name in self.live.values()}
        acc_names = [next(i.meta["name"] for i in self.instrs if i.kind == "accumulate" and i.meta["acc"] is acc)
                     for acc in self.accumulators]
        numbered: dict[int, int] = {}
        roots = {s: numbered.setdefault(memory_root(a), len(numbered)) for s, a in self.arrays.items()}
        leaving = {roots[s] for s in out.slots()}
        escaping = {s for s, root in roots.items() if root in leaving}
        for instr in instrs:  # keep shapes and dtypes, not the capture's arrays (constants stay: they are read)
            if not (instr.kind == "load" and instr.meta["source"] == "const"):
                _strip(instr.meta)
        return Program(instrs, out, self.accumulators, roots, escaping, grad_none, names,
                       [t for t, _ in self.live.values()], acc_names, self.deferred)
