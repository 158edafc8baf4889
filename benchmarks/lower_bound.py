"""A bare eager autograd engine: a reference point for what torch's graph costs, not a usable engine.

It builds the same graph as torch and minigrad, node for node, for the seed models (``linear`` on 2-d input is
one ``AddmmBackward0`` node whose weight edge goes through a ``TBackward0`` node; then ``MseLossBackward0``, or
``SigmoidBackward0`` and ``BinaryCrossEntropyBackward0``; one persistent ``AccumulateGrad`` per parameter),
runs backward with a ready queue ordered by creation sequence numbers (minigrad's and torch's order), undoes
the bias's broadcast, accumulates into ``.grad`` (a copy on first use, ``+=`` after), and steps SGD
(``p -= lr * grad``) and zero_grad (``.grad = None``). Its kernels make the same NumPy calls, in the same
order and dtype, as minigrad's (``minigrad/ops/linalg.py`` Addmm, ``loss.py`` MseLoss and BinaryCrossEntropy,
``unary.py`` Sigmoid, ``optim/sgd.py``), so it computes the same numbers (``benchmarks.lower_bound_bench``
checks that it does).

What it leaves out is everything a usable engine needs beyond the graph: argument, shape and dtype checks and
their error messages, grad mode, version counters and the in-place check, hooks, observers, releasing saved
values, dtype casts of gradients, ``retain_graph``, ``autograd.grad``, modules. It also drops two guards
minigrad's kernels run that change no value: BCE's check that the input lies in [0, 1] (an argument check:
two reductions) and sigmoid's test for inputs below the overflow threshold (one reduction; without it NumPy
warns where minigrad does not, and returns the same 0). Data inputs (X, the targets) never need a gradient
here, so each backward computes only the gradients the seeds use.

So its step costs what any eager Python engine with torch's granularity must pay: per op one node object, one
output tensor object and an edge tuple; per backward the dependency count, the queue, a buffer per node and
the accumulation into ``.grad``; plus the NumPy calls. Its time over the NumPy floor's (closed-form gradients,
no graph) is the price of the graph itself; minigrad's time over its time is minigrad's bookkeeping.

NumPy only: it imports neither minigrad nor torch.
"""

from __future__ import annotations

from heapq import heappop, heappush
from itertools import count
from typing import Any

import numpy as np

__all__ = [
    "Tensor", "Node", "AccumulateGrad", "TBackward0", "AddmmBackward0", "MseLossBackward0", "SigmoidBackward0",
    "BinaryCrossEntropyBackward0", "parameter", "linear", "sigmoid", "mse_loss", "binary_cross_entropy", "SGD",
    "describe",
]

_SEQUENCE = count()  # creation order: a node's inputs always have smaller numbers
_LEAF_PRIORITY = 2**62  # AccumulateGrad runs first among ready nodes (torch numbers it UINT64_MAX)
_ONE = {np.dtype(t): np.ones((), t) for t in (np.float32, np.float64)}  # dL/dL
_BCE_EPS = float(np.float32(1e-12))  # torch's floor on x(1 − x), a C++ float


class Tensor:
    """An array, its gradient (a Tensor or None) and the node its gradient flows into: the node that made it,
    the AccumulateGrad of a parameter, or None for data."""

    __slots__ = ("data", "grad", "node")

    def __init__(self, data: np.ndarray, node: Node | None = None) -> None:
        self.data = data
        self.grad: Tensor | None = None
        self.node = node

    def backward(self) -> None:
        """dL/dL = 1 at this 0-d tensor; run the graph below it."""
        _run(self.node, _ONE[self.data.dtype])  # (a tensor without a node has no graph: not checked)


class Node:
    """One backward step. ``edges``: the node of each input (None: no gradient); ``saved``: what forward kept;
    ``shape``: the shape of the tensor this node produced (incoming gradients are summed to it)."""

    __slots__ = ("edges", "saved", "shape", "seq")

    def __init__(self, edges: tuple[Node | None, ...], saved: Any, shape: tuple[int, ...]) -> None:
        self.edges = edges
        self.saved = saved
        self.shape = shape
        self.seq = next(_SEQUENCE)

    def backward(self, grad: np.ndarray) -> tuple[Any, ...]:
        """dL/d(input) for each edge, from dL/d(output)."""
        raise NotImplementedError


class AccumulateGrad(Node):
    """A parameter's node: ``.grad`` = a copy of the gradient on first use, ``+=`` after."""

    __slots__ = ("leaf",)

    def __init__(self, leaf: Tensor) -> None:
        super().__init__((), None, leaf.data.shape)
        self.seq += _LEAF_PRIORITY
        self.leaf = leaf

    def backward(self, grad: np.ndarray) -> tuple[Any, ...]:
        leaf = self.leaf
        if leaf.grad is None:
            leaf.grad = Tensor(grad.copy())
        else:
            leaf.grad.data += grad
        return ()


def parameter(data: np.ndarray) -> Tensor:
    """A leaf that requires grad: a Tensor with its own AccumulateGrad (kept for its lifetime)."""
    t = Tensor(data)
    t.node = AccumulateGrad(t)
    return t


# ------------------------------------------------------------------------------------------------- ops
class TBackward0(Node):
    __slots__ = ()

    def backward(self, grad: np.ndarray) -> tuple[Any, ...]:
        return (grad.T,)


class AddmmBackward0(Node):
    """saved = X; edges = (bias, X, Wᵀ)."""

    __slots__ = ()

    def backward(self, grad: np.ndarray) -> tuple[Any, ...]:
        return grad, None, self.saved.T @ grad


def linear(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """x·Wᵀ + b on 2-d x: a T node, then one Addmm node (torch's graph)."""
    wd = weight.data.T
    wt = TBackward0((weight.node,), None, wd.shape)
    xd = x.data
    y = xd * wd if xd.shape[1] == 1 else xd @ wd  # one input feature: the same bits, ~10x faster than gemm
    y += bias.data
    return Tensor(y, AddmmBackward0((bias.node, x.node, wt), xd, y.shape))


class SigmoidBackward0(Node):
    """saved = y = σ(x)."""

    __slots__ = ()

    def backward(self, grad: np.ndarray) -> tuple[Any, ...]:
        y = self.saved
        g = np.subtract(1, y)  # (g·(1 − y))·y in one buffer
        np.multiply(grad, g, out=g)
        g *= y
        return (g,)


def sigmoid(x: Tensor) -> Tensor:
    y = np.negative(x.data)  # 1 / (1 + e^−x) in one buffer
    np.exp(y, out=y)
    y += 1
    np.divide(1, y, out=y)
    return Tensor(y, SigmoidBackward0((x.node,), y, y.shape))


class MseLossBackward0(Node):
    """saved = x − t."""

    __slots__ = ()

    def backward(self, grad: np.ndarray) -> tuple[Any, ...]:
        d = self.saved
        gx = np.multiply(2.0 / d.size, d)
        gx *= grad
        return gx, None


def mse_loss(x: Tensor, t: Tensor) -> Tensor:
    """mean((x − t)²)."""
    d = x.data - t.data
    loss = np.asarray(np.add.reduce(d * d, axis=None) / d.size)
    return Tensor(loss, MseLossBackward0((x.node, None), d, ()))


class BinaryCrossEntropyBackward0(Node):
    """saved = (x, t)."""

    __slots__ = ()

    def backward(self, grad: np.ndarray) -> tuple[Any, ...]:
        x, t = self.saved
        gx = np.subtract(x, t)  # g·(x − t) / max((1 − x)·x, ε) / n, in place
        np.multiply(grad, gx, out=gx)
        den = np.subtract(1, x)
        den *= x
        gx /= np.maximum(den, x.dtype.type(_BCE_EPS), out=den)
        gx /= x.size
        return gx, None


def binary_cross_entropy(x: Tensor, t: Tensor) -> Tensor:
    """mean((t − 1)·max(ln(1 − x), −100) − t·max(ln x, −100))."""
    xd, td = x.data, t.data
    log_x = np.log(xd)
    np.maximum(log_x, -100, out=log_x)
    log_1mx = np.negative(xd)
    np.log1p(log_1mx, out=log_1mx)
    np.maximum(log_1mx, -100, out=log_1mx)
    loss = np.subtract(td, 1, dtype=log_x.dtype)
    loss *= log_1mx
    loss -= np.multiply(td, log_x, out=log_x)
    out = np.asarray(np.add.reduce(loss, axis=None) / loss.size)
    return Tensor(out, BinaryCrossEntropyBackward0((x.node, None), (xd, td), ()))


# ---------------------------------------------------------------------------------------------- engine
def _sum_to(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Undo broadcasting (the bias of Addmm: (n, 1) → (1,))."""
    lead = grad.ndim - len(shape)
    if lead:
        grad = np.add.reduce(grad, axis=tuple(range(lead)) if lead > 1 else 0)
    if grad.shape != shape:
        stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
        grad = np.add.reduce(grad, axis=stretched, keepdims=True)
    return grad


def _run(root: Node, grad: np.ndarray) -> None:
    """Count the edges into each node, then run ready nodes newest first, summing gradients in buffers."""
    deps: dict[Node, int] = {}
    stack = [root]
    while stack:
        for nxt in stack.pop().edges:
            if nxt is not None:
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    stack.append(nxt)
    buffers = {root: grad}
    ready = [(-root.seq, root)]
    while ready:
        node = heappop(ready)[1]
        for nxt, g in zip(node.edges, node.backward(buffers.pop(node))):
            if nxt is None:
                continue
            if g.shape != nxt.shape:
                g = _sum_to(g, nxt.shape)
            prev = buffers.get(nxt)
            buffers[nxt] = g if prev is None else prev + g
            left = deps[nxt] - 1
            deps[nxt] = left
            if not left:
                if nxt.__class__ is AccumulateGrad:  # it would be next off the queue anyway: run it now
                    nxt.backward(buffers.pop(nxt))
                else:
                    heappush(ready, (-nxt.seq, nxt))


# ------------------------------------------------------------------------------------------- optimizer
class SGD:
    """p −= lr·grad; zero_grad sets ``.grad`` to None (torch 2.x's default)."""

    __slots__ = ("lr", "params")

    def __init__(self, params: list[Tensor], lr: float) -> None:
        self.params = params
        self.lr = lr

    def step(self) -> None:
        lr = self.lr
        for p in self.params:
            if p.grad is not None:
                p.data -= lr * p.grad.data

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None


def describe(node: Node | None) -> tuple[str, tuple[object, ...]] | None:
    """The graph below ``node`` as nested (class name, children) tuples (to compare with minigrad's)."""
    if node is None:
        return None
    return type(node).__name__, tuple(describe(n) for n in node.edges)

