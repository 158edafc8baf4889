"""Watch backward work: record every node the engine runs, what it received and what it sent.

Usage::

    with minigrad.autograd.trace(model) as tr:   # model (or a dict name -> tensor) only names the leaves
        loss.backward()
    print(tr.table())
    tr.records[0].grad_inputs                     # dataclasses, one per node, in the order backward ran them

A record holds the node's torch name, the gradient that arrived (dL/d(its output)), the gradient it sent to
each input slot *as the input receives it* (the engine sums a broadcast gradient back to the input's shape:
the record says when it did), and the rule the node applied (``Function.formula``). For a leaf's
``AccumulateGrad`` node the record shows ``.grad`` before and after, so accumulation is visible.

The trace listens through ``minigrad.autograd.engine.node_observers``; it ignores backward passes run by
other threads, and removes its observer on exit even when backward raises.
"""

from __future__ import annotations

import html
import re
import threading
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from minigrad.autograd import engine
from minigrad.autograd.function import AccumulateGrad, Node

__all__ = [
    "trace", "Trace", "TraceRecord", "ACCUMULATE_FORMULA", "format_array", "leaf_names", "short_name", "shape_str",
]

ACCUMULATE_FORMULA = "x.grad += dL/dx  (x.grad = a copy of dL/dx when it was None)"

SMALL = 8  # tensors with at most this many elements are shown with their values


def format_array(a: Any, max_elems: int = SMALL, precision: int = 4) -> str:
    """Values of a small array on one line (``[[1., 2.]]``); for a big one its first values and norm."""
    if a is None:
        return "None"
    arr = np.asarray(getattr(a, "_data", a))
    if arr.dtype.kind not in "biufc":
        return repr(arr)
    if arr.size <= max_elems:
        return _one_line(np.array2string(arr, precision=precision, separator=", ", floatmode="maxprec"))
    head = _one_line(np.array2string(arr.reshape(-1)[:3], precision=precision, separator=", ", floatmode="maxprec"))
    return f"{head[:-1]}, … ({arr.size} values)]"


def _one_line(text: str) -> str:
    return re.sub(r"\s+([],])", r"\1", re.sub(r"\[\s+", "[", " ".join(text.split())))


def shape_str(shape: Any) -> str:
    """``(4, 1)``; a 0-d shape is ``()``."""
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def leaf_names(params: Any) -> dict[int, str]:
    """``id(tensor) -> name`` from a Module (``named_parameters``) or a mapping name -> tensor."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        items = params.named_parameters()
    elif isinstance(params, Mapping):
        items = params.items()
    else:
        items = params
    return {id(t): name for name, t in items}


def short_name(name: str | None) -> str:
    """A node name for display: torch's ``name()``, with ``torch::autograd::AccumulateGrad`` shortened."""
    if name is None:
        return "None"
    return "AccumulateGrad" if name.endswith("AccumulateGrad") else name


@dataclass
class TraceRecord:
    """One node run by backward, in the order backward ran it."""

    step: int
    name: str  # torch's name, e.g. "AddmmBackward0" or "torch::autograd::AccumulateGrad"
    formula: str  # the rule applied (Function.formula; for AccumulateGrad what it did to .grad)
    grad_output: np.ndarray | None  # dL/d(this node's output), what arrived
    grad_inputs: tuple[np.ndarray | None, ...]  # per next_functions slot, as that input receives it
    targets: tuple[str | None, ...]  # per slot: the name of the node the gradient goes to (None: nowhere)
    unbroadcast: tuple[bool, ...]  # per slot: did the engine sum the gradient back to the input's shape?
    leaf: str | None = None  # AccumulateGrad: the leaf's name (from params) or "leaf"
    grad_before: np.ndarray | None = None  # AccumulateGrad: leaf.grad before this node ran
    grad_after: np.ndarray | None = None  # AccumulateGrad: leaf.grad after
    first: bool | None = None  # AccumulateGrad: True if .grad was None (stored), False if it accumulated
    thread: int = 0
    _node: Any = field(default=None, repr=False, compare=False)

    @property
    def node(self) -> Node | None:
        """The graph node (weakly held: None once the graph is gone)."""
        return self._node() if self._node is not None else None

    @property
    def is_leaf(self) -> bool:
        return self.name.endswith("AccumulateGrad")

    @property
    def grad_output_norm(self) -> float | None:
        return None if self.grad_output is None else _norm(self.grad_output)

    @property
    def grad_input_norms(self) -> tuple[float | None, ...]:
        return tuple(None if g is None else _norm(g) for g in self.grad_inputs)


def _norm(a: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64)))


class Trace:
    """Context manager recording backward (see the module docstring); ``records`` and ``table()``."""

    def __init__(self, params: Any = None) -> None:
        self.records: list[TraceRecord] = []
        self._names = leaf_names(params)
        self._thread: int | None = None
        self._before: dict[AccumulateGrad, np.ndarray | None] = {}

    # -- context manager -------------------------------------------------------------------------
    def __enter__(self) -> Trace:
        self._thread = threading.get_ident()
        engine.node_observers.append(self._observe)
        return self

    def __exit__(self, *exc: Any) -> None:
        observers = engine.node_observers
        for i, obs in enumerate(observers):
            if obs == self._observe:  # bound methods compare equal, are not identical
                del observers[i]
                break
        self._before.clear()

    # -- the observer ----------------------------------------------------------------------------
    def _leaf_name(self, node: AccumulateGrad) -> str:
        var = node.variable
        return self._names.get(id(var), "leaf") if var is not None else "leaf"

    def _observe(self, node: Node, grad_output: np.ndarray | None, grad_inputs: tuple[np.ndarray | None, ...]
                 ) -> None:
        if threading.get_ident() != self._thread:
            return
        slots = node.next_functions
        delivered: list[np.ndarray | None] = []
        reduced: list[bool] = []
        targets: list[str | None] = []
        for (nxt, _), g in zip(slots, grad_inputs):
            targets.append(None if nxt is None else nxt.name())
            if nxt is None or g is None:
                delivered.append(None)
                reduced.append(False)
                continue
            was = g.shape != nxt._shape
            if was:
                g = engine.sum_to(g, nxt._shape)
            if g.dtype != nxt._dtype:
                g = g.astype(nxt._dtype)
            delivered.append(np.array(g, copy=True))
            reduced.append(was)
            if isinstance(nxt, AccumulateGrad) and nxt not in self._before:
                var = nxt.variable  # it has not run yet: this is .grad before accumulation
                self._before[nxt] = None if var is None or var.grad is None else var.grad._data.copy()
        for _ in range(len(delivered), len(slots)):
            delivered.append(None)
            reduced.append(False)
            targets.append(None)
        g_out = None if grad_output is None else np.array(grad_output, copy=True)
        rec = TraceRecord(
            step=len(self.records), name=node.name(), formula=getattr(node, "formula", "") or "",
            grad_output=g_out, grad_inputs=tuple(delivered), targets=tuple(targets), unbroadcast=tuple(reduced),
            thread=self._thread or 0, _node=weakref.ref(node),
        )
        if isinstance(node, AccumulateGrad):
            name = self._leaf_name(node)
            var = node.variable
            rec.leaf = name
            rec.grad_after = None if var is None or var.grad is None else var.grad._data.copy()
            if node in self._before:
                rec.grad_before = self._before.pop(node)
                rec.first = rec.grad_before is None
            if rec.first is None:
                rec.formula = f"{name}.grad += dL/d({name})"
            elif rec.first:
                rec.formula = f"{name}.grad = dL/d({name})  (.grad was None: stores a copy)"
            else:
                rec.formula = f"{name}.grad += dL/d({name})  (adds to the .grad already there)"
        self.records.append(rec)

    # -- reading it ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[TraceRecord]:
        return iter(self.records)

    def names(self) -> list[str]:
        """Node names in the order backward ran them."""
        return [r.name for r in self.records]

    def table(self, max_elems: int = SMALL) -> str:
        """The trace as text: one block per node, gradients with shapes, norms and (small) values."""
        lines: list[str] = []
        for r in self.records:
            title = short_name(r.name) + (f"  ({r.leaf})" if r.leaf else "")
            lines.append(f"[{r.step + 1}] {title}")
            lines.append(f"    rule      : {r.formula or '(no formula given)'}")
            lines.append("    receives  : " + _grad_text(r.grad_output, max_elems))
            if r.is_leaf:
                if r.grad_before is not None or r.first is not None:
                    lines.append("    .grad was : " + (_grad_text(r.grad_before, max_elems) if not r.first else "None"))
                lines.append("    .grad now : " + _grad_text(r.grad_after, max_elems))
            for i, (g, tgt, red) in enumerate(zip(r.grad_inputs, r.targets, r.unbroadcast)):
                dest = short_name(tgt) if tgt else "None"
                if tgt is None:
                    lines.append(f"    sends [{i}] → None (this input needs no gradient)")
                    continue
                note = "  (summed over broadcast dims by the engine)" if red else ""
                lines.append(f"    sends [{i}] → {dest:<15} {_grad_text(g, max_elems)}{note}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    # -- notebooks: the table, as text (IPython) or in a <pre> block (Jupyter) ---------------------------------
    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.table() if self.records else "Trace: no backward recorded yet")

    def _repr_html_(self) -> str:
        head = f"<b>backward ran {len(self.records)} node(s), in this order</b>"
        return f"{head}<pre>{html.escape(self.table())}</pre>"


def _grad_text(g: np.ndarray | None, max_elems: int) -> str:
    if g is None:
        return "None"
    arr = np.asarray(g)
    return f"{shape_str(arr.shape):<8} ‖g‖={_norm(arr):<9.4g} {format_array(arr, max_elems)}"


def trace(params: Any = None) -> Trace:
    """Record the next backward passes of this thread: ``with trace(model) as tr: loss.backward()``.

    ``params`` (a Module or a mapping name -> tensor) only gives the leaves their names.
    """
    return Trace(params)
