"""Layer 1: the tensor's storage core — what a tensor *is*, before anything computes with it.

``TensorBase`` holds the state of every tensor (``__slots__``): its array ``_data``, ``grad``, ``grad_fn``,
``_requires_grad``, the version counter ``_vc`` and its ``AccumulateGrad`` node ``_acc``. It has no math and
imports nothing of minigrad above ``_dtype``: layers 2-4 (autograd, ``ops/``, ``surface/``) use it for
``isinstance`` checks and ``wrap(array)`` to return an array as a tensor, and never import ``Tensor``.

The registration point (the only one in minigrad): the concrete ``Tensor`` class, assembled in layer 5 from
``TensorBase`` and the method mixins (``minigrad/_tensor/tensor.py``), calls ``register_tensor_class(Tensor)``
once when it is defined. From then on ``wrap`` and ``Function.apply`` make instances of that class: the class
is read from ``TensorBase.tensor_class``, an attribute set once, so no module's global is filled in later.

Version counters: a tensor's ``_vc`` is ``[its own count, EPOCH at its last in-place change]``, shared between a
tensor and its views. ``bump_version`` records an in-place change; a backward node remembers ``EPOCH`` when it is
made, so "was a saved value changed since?" is one comparison (see ``BackwardNode.saved_tensors``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from minigrad._dtype import dtype as _DtypeClass
from minigrad._dtype import from_numpy_dtype

__all__ = [
    "EPOCH", "Size", "TensorBase", "assign", "assign_sub", "bump_version", "display_module", "register_tensor_class",
    "wrap",
]

# The package name reprs show (``minigrad.Size([4, 1])``, ``dtype=minigrad.int64``). ``minigrad run-as-torch``
# (minigrad.torch_compat) sets it to "torch" so that a torch script prints what torch prints. Read it as
# ``_tensor_base.display_module`` at the time of printing.
display_module = "minigrad"

# Global count of in-place modifications (see the module docstring).
EPOCH = [0]
_new = object.__new__


def bump_version(counter: list[int]) -> None:
    """Record an in-place modification of the tensor owning ``counter`` (its ``_vc``): what every in-place op
    does after writing (code outside the graph writes with ``assign``/``assign_sub``, which do it too)."""
    EPOCH[0] += 1
    counter[0] += 1
    counter[1] = EPOCH[0]


def assign_sub(t: TensorBase, delta: Any) -> None:
    """t ← t − delta, in t's own memory (views see it): one in-place modification (version + 1). The public write
    primitive for code outside the graph (an optimizer's step); no graph, no checks: the caller checked ``delta``'s
    shape and dtype."""
    data = t._data
    if data.size == 1:  # (numpy's in-place ufunc is ~3x slower on one element than out-of-place + copy-in)
        data[...] = data - delta
    else:
        data -= delta
    EPOCH[0] += 1  # (bump_version, inlined: this runs for every parameter of every step)
    vc = t._vc
    vc[0] += 1
    vc[1] = EPOCH[0]


def assign(t: TensorBase, values: Any) -> None:
    """t ← values (copied into t's own memory, cast to its dtype): one in-place modification (version + 1). No
    graph, no checks (``load_state_dict`` checked the shape)."""
    np.copyto(t._data, values, casting="unsafe")
    bump_version(t._vc)


class Size(tuple):
    """A tensor's shape: a tuple of ints that prints as ``minigrad.Size([4, 1])``."""

    def __repr__(self) -> str:
        return f"{display_module}.Size({list(self)})"

    def __getitem__(self, key: Any) -> Any:
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other: Any) -> Any:
        return Size(tuple(self) + other) if isinstance(other, tuple) else NotImplemented

    def __radd__(self, other: Any) -> Any:
        return Size(other + tuple(self)) if isinstance(other, tuple) else NotImplemented

    def __mul__(self, n: Any) -> Any:
        return Size(tuple(self) * n) if isinstance(n, int) else NotImplemented

    __rmul__ = __mul__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class TensorBase:
    """The storage of a tensor: an ``np.ndarray`` plus what autograd keeps on it. No methods that compute."""

    __slots__ = ("__weakref__", "_acc", "_data", "_requires_grad", "_retains_grad", "_vc", "grad", "grad_fn")
    __array_priority__ = 1000  # NumPy defers ``ndarray * Tensor`` to Tensor.__rmul__

    # The concrete class new tensors are made of, set once by ``register_tensor_class`` (layer 5).
    tensor_class: ClassVar[type[TensorBase]]

    _data: np.ndarray
    grad: Any  # a Tensor or None
    grad_fn: Any  # the Node (layer 2) that made this tensor, or None
    _requires_grad: bool
    _retains_grad: bool
    _vc: list[int]
    _acc: Any  # a leaf's AccumulateGrad node (layer 2), made on first use, or None

    if TYPE_CHECKING:  # (for the type checker only: layers 2-4 call a tensor's methods, which layer 5 defines)

        def __getattr__(self, name: str) -> Any: ...
        def __neg__(self) -> Any: ...
        def __add__(self, other: Any) -> Any: ...
        def __radd__(self, other: Any) -> Any: ...
        def __sub__(self, other: Any) -> Any: ...
        def __rsub__(self, other: Any) -> Any: ...
        def __mul__(self, other: Any) -> Any: ...
        def __rmul__(self, other: Any) -> Any: ...
        def __truediv__(self, other: Any) -> Any: ...
        def __rtruediv__(self, other: Any) -> Any: ...
        def __pow__(self, other: Any) -> Any: ...
        def __matmul__(self, other: Any) -> Any: ...
        def __getitem__(self, key: Any) -> Any: ...

    @staticmethod
    def _wrap(data: Any, grad_fn: Any = None) -> Any:
        """A new tensor of the registered class around ``data`` (shared, not copied), as the output of
        ``grad_fn`` if given: ``wrap``, the module-level name of this function."""
        t = _new(TensorBase.tensor_class)
        t._data = data if type(data) is np.ndarray else np.asarray(data)
        t.grad = None
        t.grad_fn = grad_fn
        t._requires_grad = grad_fn is not None
        t._vc = [0, 0]
        t._acc = None
        t._retains_grad = False
        return t

    def _view_of(self, data: np.ndarray) -> Any:
        """A tensor sharing memory and the version counter with ``self`` (no graph)."""
        t = wrap(data)
        t._vc = self._vc
        return t

    # ------------------------------------------------------------------ what the storage says about itself
    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by an op that recorded a graph."""
        return self.grad_fn is None

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def dtype(self) -> _DtypeClass:
        return from_numpy_dtype(self._data.dtype)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def _version(self) -> int:
        return self._vc[0]

    @property
    def is_floating_point_type(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def __hash__(self) -> int:
        return id(self)


TensorBase.tensor_class = TensorBase  # until layer 5 registers the concrete class (importing minigrad does)


def register_tensor_class(cls: type[TensorBase]) -> None:
    """Make ``cls`` (layer 5's ``Tensor``) the class of every new tensor. Called once, where it is defined."""
    TensorBase.tensor_class = cls


wrap = TensorBase._wrap  # a new tensor around an array: what layers 2-4 use to return an array as a tensor
