"""A compiled forward whose backward runs later: torch's AOTAutograd for a compiled Module in a training loop.

In the tutorial loop the compiled call is the model's forward, and its backward runs after the call::

    model = minigrad.compile(model)
    for x, y in loader:
        opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); opt.step()

The capture records the forward, then probes its backward (``Recorder.probe``): the program's instructions
are a forward part and a backward part (``Program.deferred``). Each becomes one generated function:

- ``forward(args, kwargs)``: the guards, the forward statements (each op with a context of this call's own, a
  new array for each value), then the output tensor with a new :class:`CompiledFunctionBackward` node holding
  what this call's backward needs (its contexts and the arrays its kernels read);
- ``backward(grad, saved)``: from the engine's dL/d(output) to one gradient per ``next_functions`` entry, the
  statements of the probe in its order.

``CompiledFunctionBackward`` (torch's name for the node AOTAutograd puts on a compiled output) is an ordinary
node to the engine: its ``next_functions`` are the ``AccumulateGrad`` of each parameter the forward read and the
``grad_fn`` (or ``AccumulateGrad``) of each input requiring grad, so the engine accumulates into ``.grad``, runs
hooks and continues into the graph the inputs came from exactly as for the eager graph. Nothing is shared
between calls: several forwards may run before one backward (gradient accumulation, two calls in one loss).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from minigrad import _tensor_base
from minigrad._tensor import Tensor
from minigrad.autograd.function import _FREED_MESSAGE, EPOCH, FREED, SEQUENCE, Node, _modified_message, grad_accumulator
from minigrad.compiler.codegen import Emitter, identifier
from minigrad.compiler.program import Check, Edge, Program
from minigrad.compiler.render import RENDER

__all__ = ["CompiledFunctionBackward", "deferred_result", "render_deferred"]

_new = object.__new__


class CompiledFunctionBackward(Node):
    """The node of a compiled forward's output: runs the captured backward of this call's forward."""

    __slots__ = ("_saved", "_backward", "_pre_hooks", "_post_hooks", "_checks", "_versions", "_epoch", "_out_vc")
    _name = "CompiledFunctionBackward"
    formula = "the captured backward of a compiled forward (minigrad.compile: .code shows it)"
    _backward: Callable[[np.ndarray, tuple[Any, ...]], tuple[np.ndarray | None, ...]]
    _checks: tuple[Check, ...]  # eager's in-place checks of this backward (Deferred.checks), edges renumbered
    _versions: tuple[tuple[Tensor, int], ...]  # each checked tensor and its version when the forward ran
    _epoch: int  # EPOCH when the forward ran
    _out_vc: list[int]  # the output's version counter

    def apply(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        saved = self._saved
        if saved is FREED:  # an earlier backward without retain_graph released this call's values
            raise RuntimeError(_FREED_MESSAGE)
        if EPOCH[0] != self._epoch and self._checks:  # something was written in place since the forward
            self._check_versions()
        return self._backward(grad, saved)

    def _check_versions(self) -> None:
        """Eager's error if a value its backward needs (a parameter, an input, the output) was written in place
        after the forward, naming it as eager does (``BackwardNode._check_versions``)."""
        for check in self._checks:
            tensor: Tensor | None
            if check.edge < 0:
                tensor, counter, expected = None, self._out_vc, 0
            else:
                tensor, expected = self._versions[check.edge]
                counter = tensor._vc
            if counter[1] > self._epoch:
                node: Any = tensor.grad_fn if check.own and tensor is not None else (
                    None if check.node_name is None else _Named(check.node_name))
                value = np.broadcast_to(np.empty((), check.dtype), check.shape)
                raise RuntimeError(_modified_message(value, counter[0], expected, node))

    def __repr__(self) -> str:  # torch's: the node is a Python autograd.Function's
        return f"<{_tensor_base.display_module}.autograd.function.CompiledFunctionBackward object at {id(self):#x}>"


class _Named:
    """A node's name, for eager's in-place message (the node itself was an eager graph's, of the capture)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name


def deferred_result(data: np.ndarray, saved: tuple[Any, ...], next_functions: tuple[tuple[Node | None, int], ...],
                    backward: Callable[..., Any], checks: tuple[Check, ...],
                    versions: tuple[tuple[Tensor, int], ...]) -> Tensor:
    """The output tensor of a compiled forward: ``data``, as the output of a new ``CompiledFunctionBackward``."""
    node: Any = _new(CompiledFunctionBackward)
    node._saved = saved
    node._backward = backward
    node.next_functions = next_functions
    node._pre_hooks = node._post_hooks = None
    node._checks, node._versions, node._epoch = checks, versions, EPOCH[0]
    node._seq = next(SEQUENCE)
    node._shape, node._dtype = data.shape, data.dtype
    t = Tensor._wrap(data, node)
    node._out_vc = t._vc
    return t


def _saved_names(lines: list[str]) -> list[str]:
    """What the backward statements read from their forward (each op's context ``ctxK``, the values ``vN`` a
    kernel reads), in the order they first read it: what this call's node keeps."""
    names: dict[str, None] = {}
    for line in lines:
        names.update((name, None) for name in _FORWARD_NAME.findall(line.split("  # ")[0]))
    return list(names)


_FORWARD_NAME = re.compile(r"\b(?:v|ctx)[0-9]+\b")


def _next_functions(e: Emitter, program: Program) -> str:
    """The ``next_functions`` of this call's node, as an expression: each edge's node, ``(None, 0)`` where the
    tensor needs no gradient; one constant when every node is a parameter's ``AccumulateGrad``."""
    assert program.deferred is not None
    edges = program.deferred.edges
    if all(edge.leaf or not edge.requires_grad for edge in edges):
        nodes = tuple((grad_accumulator(edge.tensor) if edge.requires_grad else None, 0) for edge in edges)
        return e.const(nodes, "next_functions")
    parts = []
    for edge in edges:
        if not edge.requires_grad:
            parts.append("(None, 0)")
        elif edge.leaf:  # a parameter: its AccumulateGrad, the same node on every call
            parts.append(f"({e.const(grad_accumulator(edge.tensor), 'acc_' + identifier(edge.name))}, 0)")
        else:  # an input: its grad_fn (or AccumulateGrad), this call's
            ref = _tensor(e, edge)
            parts.append(f"({ref}.grad_fn or {e.const(grad_accumulator, 'grad_accumulator')}({ref}), 0)")
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _tensor(e: Emitter, edge: Edge) -> str:
    """The expression of an edge's tensor in the forward function."""
    if edge.source == "arg":
        return f"args[{edge.index}]"
    if edge.source == "kwarg":
        return f"kwargs[{edge.index!r}]"
    return e.const(edge.tensor)


def render_deferred(e: Emitter, program: Program) -> str:
    """After the guards in ``e``: the forward statements, then the return of the output with its node. The
    backward function is generated here (its source is returned); ``e`` is the forward's."""
    deferred = program.deferred
    assert deferred is not None
    e.per_call = True
    e.no_buffer = set(program.roots)  # nothing reused: every value is this call's own
    e.line("# -- the forward: one statement per kernel, each op with a context of this call's own")
    for index, i in enumerate(program.instrs[:deferred.start]):
        e.begin(index)
        RENDER[i.kind](e, i)
    b = Emitter()
    b.per_call = True
    b.no_buffer = e.no_buffer
    b.names = e.names
    b.line("# -- the backward of the forward above, in the engine's order (run by CompiledFunctionBackward.apply)")
    for index, i in enumerate(program.instrs[deferred.start:], deferred.start):
        b.begin(index)
        RENDER[i.kind](b, i)
    saved = _saved_names(b.lines)
    if saved:
        b.lines.insert(0, f"{', '.join(saved)}{',' if len(saved) == 1 else ''} = saved  # what this call's forward "
                          "kept for it")
    grads = ", ".join("None" if edge.slot is None else f"g{edge.slot}" for edge in deferred.edges)
    b.line(f"return ({grads}{',' if len(deferred.edges) == 1 else ''})  # one per next_functions entry: "
           + ", ".join(edge.name for edge in deferred.edges))
    backward = b.function("backward", "grad, saved")
    checks, versions = _versions(e, program)
    out = e.const(deferred_result, "compiled_output")
    e.line(f"versions = {versions}  # the tensors its backward reads: their versions now (the in-place check)")
    e.line(f"return {out}(v{deferred.output}, ({', '.join(saved)}{',' if len(saved) == 1 else ''}), "
           f"{_next_functions(e, program)}, {e.const(backward, 'backward')}, {checks}, versions)  # the output; "
           "its node: CompiledFunctionBackward")
    return b.source


def _versions(e: Emitter, program: Program) -> tuple[str, str]:
    """The in-place checks of the backward (a constant) and the expression of this call's versions of the
    tensors they check: ``((tensor, version), ...)``."""
    assert program.deferred is not None
    edges = program.deferred.edges
    position: dict[int, int] = {}
    checks = []
    for check in program.deferred.checks:
        if check.edge >= 0:
            check = replace(check, edge=position.setdefault(check.edge, len(position)))
        checks.append(check)
    parts = []
    for k in position:
        ref = _tensor(e, edges[k])
        parts.append(f"({ref}, {ref}._vc[0])")
    return e.const(tuple(checks), "checks"), "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
