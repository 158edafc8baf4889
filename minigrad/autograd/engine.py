"""The backward engine: runs the graph from the root to the leaves, without recursion — torch's algorithm.

1. Count, for each node reachable from the root, how many edges point at it (an iterative graph walk).
2. Start from the root with dL/dL = 1 (or the given ``gradient``). A node becomes ready once every node that
   feeds it has run; meanwhile the gradients it receives are summed in its buffer. Among ready nodes, the
   newest runs first (every node has a creation sequence number; a leaf's ``AccumulateGrad`` counts as newest
   of all, so a leaf's ``.grad`` is written as soon as it is complete). This is torch's ready-queue order, so
   a trace of minigrad's backward lists the nodes in the same order as torch's.
3. Each gradient a node sends is reduced to the shape (``sum_to``) and cast to the dtype of the tensor it
   belongs to: broadcasting is undone here, in one place, for every op.

Time is O(N log W) for N nodes with at most W ready at once (W = 1 for a chain, so a chain of 100,000 ops
takes linear time), and nothing recurses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from heapq import heapify, heappop, heappush
from typing import Any

import numpy as np

from minigrad._tensor_base import TensorBase, wrap
from minigrad.autograd.function import FREED, AccumulateGrad, Node, grad_accumulator

__all__ = ["backward", "grad", "sum_to", "node_observers"]

# Callables run after every node when non-empty: observer(node, grad_output, grad_inputs).
# The backward trace and anomaly detection plug in here.
node_observers: list[Callable[[Node, np.ndarray | None, tuple[np.ndarray | None, ...]], None]] = []


def sum_to(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo broadcasting: sum ``grad`` over the axes that broadcasting added or stretched to reach ``shape``.

    If y = broadcast(x) then dL/dx[i] = Σ over the copies of x[i] of dL/dy.
    """
    lead = grad.ndim - len(shape)
    if lead:
        grad = np.add.reduce(grad, axis=tuple(range(lead)) if lead > 1 else 0)
    if grad.shape != shape:
        stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        grad = np.add.reduce(grad, axis=stretched, keepdims=True)
    return grad


# dL/dL = 1 for a 0-d root, one read-only array per dtype (the engine never writes into gradients it is given)
_ONE = {np.dtype(t): np.ones((), t) for t in (np.float16, np.float32, np.float64)}
for _a in _ONE.values():
    _a.flags.writeable = False


def _run(
    roots: Sequence[tuple[Node, np.ndarray]],
    retain_graph: bool,
    capture: dict[Node, int] | None = None,
    stop_at_capture: bool = False,
) -> list[np.ndarray | None]:
    """Run backward from ``roots``; with ``capture``, return the gradients arriving at those nodes instead
    of accumulating into leaves (``autograd.grad``). With ``stop_at_capture`` the captured nodes do not run
    either (``minigrad.compile``'s probe of a forward's backward: its inputs' nodes are where it ends)."""
    buffers: dict[Node, np.ndarray] = {}
    if len(roots) == 1:
        node, g = roots[0]
        buffers[node] = g
        deps = _dependencies((node,))
        ready = [(-node._seq, node)]
    else:
        for node, g in roots:
            buffers[node] = buffers[node] + g if node in buffers else g
        deps = _dependencies(tuple(buffers))
        ready = [(-node._seq, node) for node in buffers if node not in deps]  # a root fed by another root waits
        heapify(ready)
    captured: list[np.ndarray | None] = [None] * len(capture) if capture else []
    observers = tuple(node_observers)  # a snapshot: another thread may (un)register meanwhile
    # A leaf's AccumulateGrad runs first among ready nodes (torch's priority): so, when nobody watches the
    # traversal, it can run the moment its last gradient arrives instead of going through the ready queue.
    inline_leaves = capture is None and not observers
    pop: Callable[..., Any] = buffers.pop
    get = buffers.get
    while ready:
        node = heappop(ready)[1]
        g = pop(node, None)
        if capture is not None:  # autograd.grad: record, and never accumulate into a leaf's .grad
            if node in capture:
                captured[capture[node]] = g
                if stop_at_capture:
                    continue
            if isinstance(node, AccumulateGrad):
                continue
        if g is None:  # nothing flowed here: run nothing, but release the nodes below
            grads: tuple[np.ndarray | None, ...] = (None,) * len(node.next_functions)
        else:
            if node._pre_hooks is not None:
                g = _run_pre_hooks(node, g)
            out = node.apply(g)
            grads = out if out.__class__ is tuple else (out,)  # (a built-in op may return one gradient bare)
            if node._post_hooks is not None:
                grads = _run_post_hooks(node, grads, g)
        if not retain_graph and node._saved is not None:
            node._saved = FREED  # release what forward saved (a second backward raises torch's error)
        if observers:
            for observer in observers:
                observer(node, g, grads)
        for (nxt, _), gi in zip(node.next_functions, grads):
            if nxt is None:
                continue
            if gi is not None:
                if gi.shape != nxt._shape:
                    gi = _unbroadcast(gi, nxt._shape, node, grads)
                if gi.dtype is not nxt._dtype:
                    gi = gi.astype(nxt._dtype, copy=False)
                prev = get(nxt)
                buffers[nxt] = gi if prev is None else prev + gi
            left = deps[nxt] - 1
            deps[nxt] = left
            if not left:
                if inline_leaves and nxt.__class__ is AccumulateGrad and nxt._pre_hooks is nxt._post_hooks is None:
                    g_leaf = pop(nxt, None)
                    if g_leaf is not None:
                        nxt.apply(g_leaf)
                else:
                    heappush(ready, (-nxt._seq, nxt))
    return captured


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...], node: Node, grads: tuple[Any, ...]) -> np.ndarray:
    """``sum_to`` for a gradient whose shape differs from its input's; torch's error when the input's shape
    could not have been broadcast to it (a backward that returned a wrong shape): then ``sum_to`` cannot reach
    ``shape``."""
    if grad.ndim >= len(shape):
        out = sum_to(grad, shape)
        if out.shape == shape:
            return out
    index = next(i for i, g in enumerate(grads) if g is grad)
    raise RuntimeError(
        f"Function {node.name()} returned an invalid gradient at index {index} - got {list(grad.shape)} but "
        f"expected shape compatible with {list(shape)}"
    )


def _dependencies(roots: Sequence[Node]) -> dict[Node, int]:
    """How many edges point at each node reachable from ``roots`` (iterative walk)."""
    deps: dict[Node, int] = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is not None:
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    stack.append(nxt)
    return deps


def _run_pre_hooks(node: Node, g: np.ndarray) -> np.ndarray:
    for hook in node._pre_hooks or ():
        result = hook((wrap(g),))
        if result is not None:
            g = result[0]._data if isinstance(result, tuple) else result._data
    return g


def _run_post_hooks(node: Node, grads: tuple[Any, ...], g: np.ndarray) -> tuple[Any, ...]:
    for hook in node._post_hooks or ():
        wrapped = tuple(None if x is None else wrap(x) for x in grads)
        result = hook(wrapped, (wrap(g),))
        if result is not None:
            grads = tuple(None if x is None else x._data for x in result)
    return grads


def _root_grad(t: TensorBase, gradient: Any, index: int) -> np.ndarray:
    if not t._requires_grad:
        raise RuntimeError(f"element {index} of tensors does not require grad and does not have a grad_fn")
    if gradient is None:
        if t._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        one = _ONE.get(t._data.dtype) if t._data.ndim == 0 else None
        return one if one is not None else np.ones(t._data.shape, t._data.dtype)
    g = gradient._data if isinstance(gradient, TensorBase) else np.asarray(gradient, dtype=t._data.dtype)
    if g.shape != t._data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{index}] has a shape of {_size(g.shape)} and output[{index}] has "
            f"a shape of {_size(t._data.shape)}."
        )
    return g


def _size(shape: tuple[int, ...]) -> str:
    return f"torch.Size({list(shape)})"


def _as_list(x: Any) -> list[Any]:
    if x is None or isinstance(x, TensorBase):
        return [x]
    return list(x)


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None) -> None:
    """Accumulate d(tensors)/d(leaf) · grad_tensors into every leaf's ``.grad`` (torch.autograd.backward)."""
    if grad_tensors is None and tensors.__class__ is TensorBase.tensor_class and tensors.grad_fn is not None:
        data = tensors._data  # the common case: loss.backward() on a scalar
        if data.ndim == 0 and data.dtype in _ONE:
            _run(((tensors.grad_fn, _ONE[data.dtype]),), bool(retain_graph))
            return
    outs = _as_list(tensors)
    grads = _as_list(grad_tensors) if grad_tensors is not None else [None] * len(outs)
    roots = []
    for i, (t, g) in enumerate(zip(outs, grads)):
        g = _root_grad(t, g, i)
        roots.append((t.grad_fn or grad_accumulator(t), g))
    _run(roots, bool(retain_graph))


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    allow_unused: bool = False,
) -> tuple[TensorBase | None, ...]:
    """d(outputs)/d(inputs) · grad_outputs, returned instead of accumulated (torch.autograd.grad)."""
    outs = _as_list(outputs)
    ins = _as_list(inputs)
    gouts = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outs)
    roots = [(t.grad_fn or grad_accumulator(t), _root_grad(t, g, i)) for i, (t, g) in enumerate(zip(outs, gouts))]
    capture: dict[Node, int] = {}
    for i, t in enumerate(ins):
        if not t._requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors does not require grad (input {i})")
        capture[t.grad_fn or grad_accumulator(t)] = i
    found = _run(roots, bool(retain_graph), capture)
    result = []
    for g in found:
        if g is None and not allow_unused:
            raise RuntimeError(
                "One of the differentiated Tensors appears to not have been used in the graph. "
                "Set allow_unused=True if this is the desired behavior."
            )
        result.append(None if g is None else wrap(np.array(g, copy=True)))
    return tuple(result)
