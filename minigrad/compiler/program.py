"""A captured step as a straight-line program over NumPy arrays, and its replay.

The program is a list of instructions over numbered array slots ``v0, v1, ...``:

- ``load``: a slot read at the start of every replay: a tensor argument's array, or the array of a tensor the
  function reads live (a parameter, a buffer, a tensor in its globals);
- ``forward``: ``v = Op.forward(ctx, ...)``, the op's own forward kernel with a ctx of its own;
- ``backward``: ``g = Op.backward(ctx, v)``, the op's own backward kernel, in the engine's order;
- ``sum_to`` / ``cast`` / ``add``: what the engine does to a gradient between nodes (undo broadcasting, cast to
  the input's dtype, sum the gradients that meet at a node), in its order;
- ``accumulate``: the leaf's ``AccumulateGrad`` (``.grad`` = a copy, or ``+=``);
- ``call``: an optimizer's ``step()`` or a ``zero_grad()``, where the function called it.

Replaying runs the same kernels on the same arrays in the same order as the eager run, so the results are equal
bit for bit; what it skips is the Python around them: Tensor and Node objects, the engine's graph walk, Module
``__call__`` and argument parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad._tensor import Tensor
from minigrad.autograd.function import FREED

__all__ = ["ReplayCtx", "Program", "Output"]


class ReplayCtx:
    """The ctx an op's forward and backward share during a replay (the eager run's ctx is its graph node).

    It carries what ops read from a ctx: ``save_for_backward``/``saved_tensors``, ``next_functions`` (only whether
    each input needed a gradient) and the attributes forward sets on it."""

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
    dtype_name: str = ""
    items: list[Output] = field(default_factory=list)
    container: type = tuple


@dataclass
class Program:
    """The instructions of one capture, with the code text that shows them."""

    n_slots: int
    loads: list[tuple[int, Callable[[tuple[Any, ...], dict[str, Any]], np.ndarray]]]
    steps: list[Callable[[list[Any]], None]]
    lines: list[str]
    output: Output
    accumulators: list[Any]  # the AccumulateGrad nodes the program runs (hooks added later: replay refused)
    kernels: int = 0
    grad_none: list[Any] = field(default_factory=list)  # leaves whose .grad a fused step assumes None on entry

    def refusal(self) -> str | None:
        """Why this call cannot replay although the guards hold (a state the guards do not key on), or None."""
        if any(acc._pre_hooks is not None or acc._post_hooks is not None for acc in self.accumulators):
            return "a hook was registered on a parameter after the capture"
        for t in self.grad_none:
            if t.grad is not None:
                return "a parameter's .grad was set outside the step (the program assumed None, as zero_grad leaves it)"
        return None

    def run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        env: list[Any] = [None] * self.n_slots
        for slot, load in self.loads:
            env[slot] = load(args, kwargs)
        for step in self.steps:
            step(env)
        return _build(self.output, env)


def _build(out: Output, env: list[Any]) -> Any:
    kind = out.kind
    if kind == "slot":
        t = Tensor._wrap(env[out.value])
        if out.node_cls is not None:  # the eager result's graph was run and freed: show the same grad_fn
            node = out.node_cls()
            node._saved = FREED
            node.next_functions = ()
            node._seq = 0
            data = t._data
            node._shape, node._dtype = data.shape, data.dtype
            t.grad_fn = node
            t._requires_grad = True
        return t
    if kind == "tensor" or kind == "const":
        return out.value
    if kind == "seq":
        return out.container(_build(item, env) for item in out.items)
    return {key: _build(item, env) for key, item in zip(out.value, out.items)}
