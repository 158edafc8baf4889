"""A captured step as data: its instructions over numbered array slots, and how to rebuild its result.

The instructions (``Instr.kind``), in the order the eager call ran them:

- ``load``: a slot read at the start of every replay: a tensor argument's array, the array of a tensor the
  function reads live (a parameter, a buffer, a tensor in its globals), or a constant (the engine's dL/dL = 1);
  in a backward part (``Program.deferred``), the gradient the engine brings to the output's node;
- ``forward``: an op's forward, ``v = Op.forward(ctx, ...)``;
- ``backward``: the op's backward, ``g... = Op.backward(ctx, g)``, in the engine's order;
- ``sum_to`` / ``cast`` / ``add``: what the engine does to a gradient between nodes (undo broadcasting, cast to
  the input's dtype, sum the gradients that meet at a node);
- ``accumulate``: a leaf's ``AccumulateGrad`` (``.grad`` = a copy, or ``+=``);
- ``step`` / ``zero_grad``: an optimizer's ``step()`` or a ``zero_grad()``, where the function called it
  (``fused_step`` once :mod:`~minigrad.compiler.fusion` has joined them: the update reads the gradients directly);
- ``effect`` / ``bump``: a module's own in-place bookkeeping, and the version bump of a buffer an op wrote.

:mod:`~minigrad.compiler.render` turns them into Python source. Replaying runs the same kernels on the same
arrays in the same order as the eager run, so the results are equal bit for bit; what it skips is the Python
around them: Tensor and Node objects, the engine's graph walk, Module ``__call__`` and argument parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad._tensor import Tensor
from minigrad.autograd.function import FREED

__all__ = ["Instr", "ReplayCtx", "Program", "Output", "Edge", "Check", "Deferred", "result", "released_node",
           "shape_only", "memory_root"]


@dataclass
class Instr:
    """One instruction: its kind (see the module docstring) and what the code generator needs to know."""

    kind: str
    meta: dict[str, Any] = field(default_factory=dict)


class ReplayCtx:
    """The ctx an op's forward and backward share when it replays through its own methods (the eager run's ctx
    is its graph node). It carries what ops read from a ctx: ``save_for_backward``/``saved_tensors``,
    ``next_functions`` (only whether each input needed a gradient) and the attributes forward sets on it."""

    __slots__ = ("next_functions", "saved_tensors", "__dict__")

    def __init__(self, next_functions: tuple[tuple[Any, int], ...]) -> None:
        self.next_functions = next_functions
        self.saved_tensors: tuple[Any, ...] = ()

    def save_for_backward(self, *values: Any) -> None:
        self.saved_tensors = values

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        return tuple(fn is not None for fn, _ in self.next_functions)


@dataclass
class Output:
    """How to rebuild the function's return value from the slots: a tree of slots, constants and containers."""

    kind: str  # "slot", "tensor" (a live tensor returned as is), "const", "seq", "dict"
    value: Any = None
    node_cls: type | None = None  # the released grad_fn class of a returned tensor (prints as eager's)
    node: Any = None  # that grad_fn, one per capture (``released_node``)
    items: list[Output] = field(default_factory=list)
    container: type = tuple

    def slots(self) -> list[int]:
        """Every slot the result is made of."""
        if self.kind == "slot":
            return [self.value]
        return [s for item in self.items for s in item.slots()]


@dataclass
class Edge:
    """One tensor a compiled forward reads (an argument or a tensor read live), in the order it first read it:
    one entry of the ``next_functions`` of its output's ``CompiledFunctionBackward`` node."""

    source: str  # "arg", "kwarg" or "live"
    index: int | str | None  # the argument's position or keyword (None for a live tensor)
    tensor: Any  # the live tensor (None for an argument: a program keeps no argument)
    name: str
    requires_grad: bool  # (guarded) its node is its grad_fn or AccumulateGrad; else (None, 0)
    leaf: bool  # a live leaf: its AccumulateGrad is the same node on every call
    slot: int | None = None  # the backward part's gradient for it (None: none reaches it)


@dataclass
class Check:
    """One value the eager backward would check for an in-place write after the forward (a saved parameter, a
    view of it, a saved input or output): whose version counter, and how eager's error names it."""

    edge: int  # the edge whose tensor's counter it shares; -1: the forward's output
    shape: tuple[int, ...]  # the saved value's
    dtype: np.dtype
    node_name: str | None  # eager's "output 0 of ..." (a view, a saved output); None: see ``own``
    own: bool  # the edge's tensor itself was saved: eager names its grad_fn (none for a leaf)


@dataclass
class Deferred:
    """The backward part of a forward's program, run later by its output's ``CompiledFunctionBackward`` node:
    ``instrs[start:]``, from the engine's dL/d(output) in slot ``grad`` to one gradient per edge."""

    start: int  # instrs[:start] are the forward, instrs[start:] the backward
    grad: int  # the slot of dL/d(output)
    edges: list[Edge]
    output: int  # the slot of the forward's output
    checks: list[Check] = field(default_factory=list)  # the in-place checks of its backward, in eager's order


@dataclass
class Program:
    """The instructions of one capture."""

    instrs: list[Instr]
    output: Output
    accumulators: list[Any]  # the AccumulateGrad nodes the program runs (hooks added later: replay refused)
    roots: dict[int, int]  # slot -> which memory it used in the capture (slots sharing memory share a number)
    escaping: set[int]  # slots whose memory leaves the call (the result and its views): never a reused buffer
    grad_none: list[Any] = field(default_factory=list)  # leaves whose .grad a fused step assumes None on entry
    names: dict[int, str] = field(default_factory=dict)  # id(tensor read live) -> its name (model.lin.weight)
    live_tensors: list[Any] = field(default_factory=list)  # the tensors read live
    accumulator_names: list[str] = field(default_factory=list)  # the name of each accumulator's leaf
    deferred: Deferred | None = None  # a forward whose backward runs after the call (a compiled Module's)

    @property
    def kernels(self) -> int:
        return sum(1 for i in self.instrs if i.kind not in ("load", "note"))

    def refusal(self) -> str | None:
        """Why this call cannot replay although the guards hold (a state the guards do not key on), or None."""
        if any(acc._pre_hooks is not None or acc._post_hooks is not None for acc in self.accumulators):
            return "a hook was registered on a parameter after the capture"
        for t in self.grad_none:
            if t.grad is not None:
                return "a parameter's .grad was set outside the step (the program assumed None, as zero_grad leaves it)"
        return None


_new = object.__new__


def shape_only(a: np.ndarray) -> np.ndarray:
    """A stand-in for ``a`` that keeps its shape and dtype (what code generation reads) but none of its memory:
    a program must not keep the capture's arrays (a dataset's, an intermediate's) alive."""
    return np.broadcast_to(np.empty((), a.dtype), a.shape)


def memory_root(a: np.ndarray) -> int:
    """The id of the array owning ``a``'s memory (views share their base's)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return id(a)


def released_node(node_cls: type, shape: tuple[int, ...], dtype: np.dtype) -> Any:
    """A graph node of class ``node_cls`` whose graph has run and been freed (as eager's result's grad_fn is after
    the step's ``backward()``): it prints as eager's, and a second backward through it fails as eager's would."""
    node: Any = _new(node_cls)
    node._saved = FREED
    node.next_functions = ()
    node._seq = 0
    node._shape, node._dtype = shape, dtype
    return node


def result(data: Any, node: Any) -> Tensor:
    """A returned tensor: a new Tensor around ``data``, whose grad_fn is ``node`` (a ``released_node``, made once
    per capture: a replay builds no graph) or None. The fields are ``TensorBase._wrap``'s, set here directly: this
    runs once per replay, after the kernels."""
    t: Any = _new(Tensor)
    t._data = data if data.__class__ is np.ndarray else np.asarray(data)
    t.grad = None
    t._vc = [0, 0]
    t._acc = None
    t._retains_grad = False
    t.grad_fn = node
    t._requires_grad = node is not None
    return t
