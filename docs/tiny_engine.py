"""The tiny engine: the whole idea of minigrad in one file. Read it before the real one.

A ``Tensor`` is a NumPy array with two more fields: ``grad`` (dL/d(this tensor), filled by backward) and
``grad_fn`` (the ``Function`` that made it, or None for a leaf). Calling a Function's ``apply`` does two
things: it computes the result from the inputs' arrays (``forward``), and it records itself as a node of the
graph, with one edge per input (``next_functions``). ``loss.backward()`` then walks that graph from the loss
down to the parameters, each node turning dL/d(its output) into dL/d(each input) (``backward``), and the
parameters' ``AccumulateGrad`` nodes store the result in ``.grad``. ``SGD`` moves each parameter against it.

Everything here is what the real engine does too, with torch's node names: ``nn.Linear`` on 2-d input is an
``AddmmBackward0`` node whose weight edge goes through ``TBackward0``; the losses are ``MseLossBackward0`` and
``BinaryCrossEntropyBackward0``; each parameter has one ``AccumulateGrad``. On the three seed examples it
builds minigrad's graph and computes minigrad's numbers (tests/test_tiny_engine.py checks both).

What it leaves out is everything else a usable engine needs: argument, shape and dtype checks and torch's error
messages, dtype promotion, grad mode, version counters, hooks, ``retain_graph``, modules. The real engine keeps
the same shape: ``minigrad/ops/`` holds one Function per node, forward next to backward; ``minigrad/autograd/``
the graph walk (with the one shared unbroadcast); ``minigrad/surface/`` the checks this file leaves out.

The benchmarks time it too (``minigrad bench --lower-bound``): it pays only what any eager Python engine with
torch's graph must pay, so minigrad's time over its time is minigrad's bookkeeping. (``pip install .`` ships
this file as the module ``tiny_engine``; in a checkout, ``benchmarks/lower_bound.py`` loads it from here.)

NumPy only: it imports neither minigrad nor torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["Tensor", "Function", "AccumulateGrad", "parameter", "linear", "sigmoid", "mse_loss",
           "binary_cross_entropy", "unbroadcast", "backward", "SGD", "describe"]


class Tensor:
    """An array, its gradient (a Tensor, after backward) and the Function that made it (None for a leaf)."""

    __slots__ = ("data", "grad", "grad_fn", "accumulate")

    def __init__(self, data: np.ndarray, requires_grad: bool = False, grad_fn: Function | None = None) -> None:
        self.data = data
        self.grad: Tensor | None = None
        self.grad_fn = grad_fn
        # a leaf that requires grad keeps one AccumulateGrad node for its lifetime (torch does the same)
        self.accumulate = AccumulateGrad(self) if requires_grad else None

    @property
    def requires_grad(self) -> bool:
        return self.grad_fn is not None or self.accumulate is not None

    def backward(self) -> None:
        """dL/dL = 1 at this (0-d) tensor; then every node below it."""
        backward(self.grad_fn, np.array(1, self.data.dtype))

    def __add__(self, other: Tensor) -> Tensor:
        return Add.apply(self, other)

    def __mul__(self, other: Tensor) -> Tensor:
        return Mul.apply(self, other)

    def sum(self) -> Tensor:
        return Sum.apply(self)

    def mean(self) -> Tensor:
        return Mean.apply(self)


class Function:
    """One node of the graph. ``forward`` computes the output array from the input arrays and saves what
    ``backward`` needs; ``backward`` maps dL/d(output) to dL/d(each input), in the output's broadcast shape
    (the engine sums it back to each input's shape: ``unbroadcast``), None where no gradient is needed.
    ``next_functions`` holds, per input, the node its gradient goes to (None: the input needs none)."""

    name = "Function"  # torch's node name, e.g. "AddmmBackward0"
    __slots__ = ("next_functions", "shape", "saved")
    next_functions: tuple[Function | None, ...]
    shape: tuple[int, ...]
    saved: Any
    forward: Callable[..., np.ndarray]  # forward(self, *input arrays) -> the output array, in each Function

    @classmethod
    def apply(cls, *inputs: Tensor) -> Tensor:
        fn = cls()
        out = fn.forward(*[t.data for t in inputs])
        edges = tuple([t.grad_fn or t.accumulate for t in inputs])
        if not any(edges):
            return Tensor(out)  # no input needs a gradient: no node
        fn.next_functions = edges
        fn.shape = out.shape
        return Tensor(out, grad_fn=fn)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        raise NotImplementedError


class AccumulateGrad(Function):
    """A leaf's node: ``.grad`` = a copy of the gradient the first time, ``+=`` after."""

    name = "AccumulateGrad"
    __slots__ = ("leaf",)

    def __init__(self, leaf: Tensor) -> None:
        self.leaf, self.next_functions, self.shape = leaf, (), leaf.data.shape

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        if self.leaf.grad is None:
            self.leaf.grad = Tensor(grad.copy())
        else:
            self.leaf.grad.data += grad
        return ()


def parameter(data: Any) -> Tensor:
    """A leaf that requires grad (nn.Parameter)."""
    return Tensor(np.array(data), requires_grad=True)


# ---------------------------------------------------------------------------------- the Functions
class Add(Function):
    """z = a + b.   dL/da = g,  dL/db = g   (summed back to each input's shape by the engine)."""

    name = "AddBackward0"
    __slots__ = ()

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + b

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        return grad, grad


class Mul(Function):
    """z = a·b.   dL/da = g·b,  dL/db = g·a."""

    name = "MulBackward0"
    __slots__ = ()

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.saved = (a, b)
        return a * b

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        a, b = self.saved
        return grad * b, grad * a


class Sum(Function):
    """z = Σᵢ aᵢ.   dL/daᵢ = g for every i."""

    name = "SumBackward0"
    __slots__ = ()

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.saved = a.shape
        return np.asarray(np.add.reduce(a, axis=None))  # a.sum() (without the method's Python wrapper)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        return (np.broadcast_to(grad, self.saved),)


class Mean(Function):
    """z = (1/n) Σᵢ aᵢ.   dL/daᵢ = g / n."""

    name = "MeanBackward0"
    __slots__ = ()

    def forward(self, a: np.ndarray) -> np.ndarray:
        self.saved = a.shape
        return np.asarray(np.add.reduce(a, axis=None) / a.size)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        return (np.broadcast_to(grad / math.prod(self.saved), self.saved),)


class T(Function):
    """z = aᵀ (a 2-d transpose).   dL/da = gᵀ."""

    name = "TBackward0"
    __slots__ = ()

    def forward(self, a: np.ndarray) -> np.ndarray:
        return a.T

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        return (grad.T,)


class Addmm(Function):
    """z = b + X·W  (X: n×k, W: k×m, b broadcast over the rows).
    dL/db = g (the engine sums it over the rows),  dL/dX = g·Wᵀ,  dL/dW = Xᵀ·g."""

    name = "AddmmBackward0"
    __slots__ = ()

    def forward(self, b: np.ndarray, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        self.saved = (x, w)
        z = x * w if x.shape[1] == 1 else x @ w  # one input feature: the same numbers, ~10x faster than gemm
        z += b
        return z

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        x, w = self.saved
        to_b, to_x, to_w = self.next_functions  # compute only the gradients some node will receive
        return (grad if to_b else None, grad @ w.T if to_x else None, x.T @ grad if to_w else None)


class Sigmoid(Function):
    """y = σ(x) = 1 / (1 + e⁻ˣ).   dL/dx = g·(1 − y)·y."""

    name = "SigmoidBackward0"
    __slots__ = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = 1 / (1 + np.exp(-x))
        self.saved = y
        return y

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        y = self.saved
        return (grad * (1 - y) * y,)


class MseLoss(Function):
    """L = (1/n) Σᵢ (xᵢ − tᵢ)².   dL/dx = g·(2/n)·(x − t)  (the target needs no gradient here)."""

    name = "MseLossBackward0"
    __slots__ = ()

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        d = x - t
        self.saved = d
        return np.asarray(np.add.reduce(d * d, axis=None) / d.size)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        d = self.saved
        return 2.0 / d.size * d * grad, None


BCE_EPS = float(np.float32(1e-12))  # torch's floor on x·(1 − x) in the gradient (a C++ float)


class BinaryCrossEntropy(Function):
    """L = −(1/n) Σᵢ [tᵢ·max(ln xᵢ, −100) + (1 − tᵢ)·max(ln(1 − xᵢ), −100)]  (torch clamps the logs at −100).
    dL/dx = g·(x − t) / max(x·(1 − x), ε) / n."""

    name = "BinaryCrossEntropyBackward0"
    __slots__ = ()

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        self.saved = (x, t)
        log_x = np.maximum(np.log(x), -100)
        log_1mx = np.maximum(np.log1p(-x), -100)
        losses = (t - 1) * log_1mx - t * log_x
        return np.asarray(np.add.reduce(losses, axis=None) / losses.size)

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray | None, ...]:
        x, t = self.saved
        return grad * (x - t) / np.maximum((1 - x) * x, x.dtype.type(BCE_EPS)) / x.size, None


def linear(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """x·Wᵀ + b, as torch records it on 2-d input: addmm(b, x, Wᵀ)."""
    return Addmm.apply(bias, x, T.apply(weight))


def sigmoid(x: Tensor) -> Tensor:
    return Sigmoid.apply(x)


def mse_loss(x: Tensor, target: Tensor) -> Tensor:
    return MseLoss.apply(x, target)


def binary_cross_entropy(x: Tensor, target: Tensor) -> Tensor:
    return BinaryCrossEntropy.apply(x, target)


# ---------------------------------------------------------------------------------- the engine
def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a gradient over the dims broadcasting added (leading) or stretched (size 1), back to ``shape``."""
    while grad.ndim > len(shape):
        grad = np.add.reduce(grad, axis=0)  # grad.sum(axis=0)
    if grad.shape == shape:
        return grad
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return np.add.reduce(grad, axis=stretched, keepdims=True) if stretched else grad


def backward(root: Function | None, grad: np.ndarray) -> None:
    """Run the graph below ``root`` in topological order, found iteratively (Kahn's algorithm, as torch's engine
    does): first count the edges that point to each node; then run the nodes, each once every node that sends it
    a gradient has run, so that it receives the sum of all of them."""
    if root is None:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    senders: dict[Function, int] = {}  # node -> edges into it from the nodes below root
    stack = [root]
    while stack:
        for nxt in stack.pop().next_functions:
            if nxt is not None:
                if nxt not in senders:
                    senders[nxt] = 0
                    stack.append(nxt)
                senders[nxt] += 1
    grads = {root: grad}  # node -> dL/d(its output), summed so far
    ready = [root]
    while ready:
        node = ready.pop()
        for nxt, g in zip(node.next_functions, node.backward(grads.pop(node))):
            if nxt is None or g is None:
                continue
            if g.shape != nxt.shape:
                g = unbroadcast(g, nxt.shape)  # the one place gradients are unbroadcast
            grads[nxt] = grads[nxt] + g if nxt in grads else g
            senders[nxt] -= 1
            if senders[nxt] == 0:
                ready.append(nxt)


# ---------------------------------------------------------------------------------- the optimizer
class SGD:
    """p ← p − lr·∂L/∂p for each parameter; ``zero_grad`` sets ``.grad`` back to None (torch's default)."""

    def __init__(self, params: list[Tensor], lr: float) -> None:
        self.params, self.lr = params, lr

    def step(self) -> None:
        for p in self.params:
            if p.grad is not None:
                p.data -= self.lr * p.grad.data

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None


def describe(node: Function | None) -> tuple[str, tuple[Any, ...]] | None:
    """The graph below ``node`` as nested (node name, children) tuples (to compare with minigrad's)."""
    if node is None:
        return None
    return node.name, tuple(describe(n) for n in node.next_functions)
