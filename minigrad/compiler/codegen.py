"""Code generation: a captured program becomes one Python function, guards first, then one statement per kernel.

What runs is exactly what ``compiled.code`` and ``explain()`` show: straight-line NumPy over local variables
``v0, v1, ...`` (values) and ``g7, g8, ...`` (gradients), each statement commented with the torch node it comes
from. There is no interpreter loop, no environment list and no closure per instruction: the cost of a replay is
the kernels' own cost plus one local-variable store each.

Names the code uses are bound in the function's namespace: ``_t0`` for a tensor read live (a parameter), ``_b4``
for the preallocated buffer of slot 4 (reused by every replay: a kernel writes into it with ``out=``), ``ctx1``
for an op's replay context, ``Addmm`` for an op run through its own ``forward``/``backward``, ``_g0`` for an
optimizer's parameter group, and NumPy's functions by their names. A value that leaves the call (the function's
result, or a view of it) never lives in a buffer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = ["Emitter", "MISS", "identifier"]


class _Miss:
    """What a generated replay returns when a guard fails: the caller takes the slow path (full key, eager)."""

    def __repr__(self) -> str:
        return "MISS"


MISS = _Miss()

# NumPy's functions under the names the generated code uses (bound once: a global lookup each, no attribute chain)
NUMPY_NAMES: dict[str, Any] = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide, "negative": np.negative,
    "matmul": np.matmul, "exp": np.exp, "log": np.log, "log1p": np.log1p, "maximum": np.maximum,
    "add_reduce": np.add.reduce, "min_reduce": np.minimum.reduce, "max_reduce": np.maximum.reduce,
    "asarray": np.asarray, "ndarray": np.ndarray, "MISS": MISS,
}


def identifier(name: str) -> str:
    """``model.lin.weight`` -> ``model_lin_weight``: a readable name for the generated code."""
    ident = re.sub(r"\W+", "_", name).strip("_")
    return ident if ident.isidentifier() else "_" + ident


class Emitter:
    """Collects the lines of a generated function and the objects its names are bound to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = dict(NUMPY_NAMES)
        self._names: dict[int, str] = {}
        self.no_buffer: set[int] = set()  # slots whose array leaves the call (results and their views)
        self.names: dict[int, str] = {}  # id(tensor) -> its readable name (``model.lin.weight``), for comments
        self.used: set[int] = set()  # slots some instruction reads (the others only leave as the result)
        self.ones: set[int] = set()  # slots holding the engine's dL/dL = 1 (multiplying by it is skipped: exact)
        # Buffers: one array per slot would hold every intermediate of the step between calls; instead a buffer
        # returns to a pool once no later instruction reads its slot (or a view of it), and the next slot of the
        # same shape and dtype takes it, as an allocator would.
        self.lifetime: dict[int, int] = {}  # slot -> the last instruction that reads its memory
        self.at = 0  # the instruction being written
        self._pool: dict[tuple[Any, ...], list[np.ndarray]] = {}
        self._held: list[tuple[int, np.ndarray]] = []  # (last instruction that needs it, buffer)
        self.n_buffers = 0
        # A forward whose backward runs later (``Program.deferred``): each call makes its own contexts and arrays
        # (several forwards may run before their backwards), and only the kernels of ``kernels.PER_CALL`` run
        self.per_call = False
        # 1-element arrays whose memory a guard pins (a parameter's ``._data``): slot's memory root -> its array, so
        # a kernel can read such a parameter as a 0-d view bound once (``stable_scalar``)
        self.pinned: dict[int, tuple[np.ndarray, str]] = {}
        self.guarded: dict[int, np.ndarray] = {}  # id(tensor) -> the array a guard checks is its ``._data``
        self.roots: dict[int, int] = {}  # slot -> its memory root (``Program.roots``)
        self._scalars: dict[tuple[Any, ...], str] = {}
        self._pure: dict[int, str] = {}  # line index -> the name a pure line defines (``pure``)
        self.sigmoid_outputs: dict[int, str] = {}  # slot of a sigmoid kernel's y -> the test "some y is exactly 0"
        self.buffered: dict[int, tuple[Any, ...]] = {}  # slot written into a preallocated buffer -> its (shape, dtype)
        self.one_minus: dict[int, str] = {}  # slot of y -> a local holding 1 − y (a BCE's, for the sigmoid before it)
        self.indent = ""  # prefixed to every line (a kernel opens a ``with`` block that the next one closes)

    def line(self, text: str) -> None:
        self.lines.append(self.indent + text)

    @contextmanager
    def indented(self) -> Iterator[None]:
        """The lines written inside are one level deeper (the body of an ``if``, an ``else``, a ``try``)."""
        self.indent += "    "
        try:
            yield
        finally:
            self.indent = self.indent[:-4]

    @contextmanager
    def gate(self, epoch: list[int], epoch_name: str, name: str, why: str) -> Iterator[None]:
        """The checks written inside run only when ``epoch`` (a counter that every write of one kind moves: a module
        attribute, an optimizer's group or list, a hook) moved since they last all passed."""
        counter, checked = self.const(epoch, epoch_name), self.const([None], f"{name}_checked_at")
        self.line(f"if {counter}[0] != {checked}[0]:  # {why}")
        with self.indented():
            yield
            self.line(f"{checked}[0] = {counter}[0]")

    def pure(self, name: str, text: str) -> None:
        """A line that only names a value (``v3 = args[3]._data``, ``v1 = v0.T``): dropped from the function if
        no other line reads ``name`` (a kernel read the value another way, or nothing reads it)."""
        self._pure[len(self.lines)] = name
        self.lines.append(self.indent + text)

    def _drop_unread(self) -> None:
        """Drop the pure lines whose name no kept line reads (their own right-hand sides included), until none."""
        kept = set(range(len(self.lines)))
        while True:
            text = "\n".join(self.lines[k].split("=", 1)[1] if k in self._pure else self.lines[k] for k in kept)
            unread = {k for k in kept & self._pure.keys() if not re.search(rf"\b{self._pure[k]}\b", text)}
            if not unread:
                break
            kept -= unread
        self.lines = [line for k, line in enumerate(self.lines) if k in kept]
        self._pure = {}

    def const(self, value: Any, name: str | None = None) -> str:
        """The name bound to ``value`` in the function's namespace (one name per object; ``name`` if free)."""
        known = self._names.get(id(value))
        if known is not None:
            return known
        if name is None or name in self.namespace:
            name = f"c{len(self._names)}"
        self._names[id(value)] = name
        self.namespace[name] = value
        return name

    def scalar(self, value: float, dtype: np.dtype[Any], label: str) -> str:
        """A 0-d array of ``dtype`` holding the Python number ``value`` (``label_dtype`` in the namespace).

        A Python number beside an array is cast to the array's dtype (NumPy's rule for a "weak" scalar, NEP 50), so
        ``add(x, one)`` computes what ``add(x, 1)`` does, bit for bit; but NumPy converts a Python number anew at
        every call (~0.3 µs, as much as the arithmetic on a few hundred elements), and a 0-d array not at all."""
        key = (type(value), value, np.dtype(dtype).str)
        name = self._scalars.get(key)
        if name is None:
            name = self._scalars[key] = self.const(np.array(value, dtype=dtype), f"{label}_{np.dtype(dtype)}")
        return name

    def stable_scalar(self, slot: int) -> str | None:
        """A 0-d view (bound once) of the 1-element array slot ``slot`` reads, when a guard pins that memory (a
        parameter read live, or a view of one); else None. Reading it reads the parameter's current value."""
        pinned = self.pinned.get(self.roots.get(slot, -1))
        if pinned is None or pinned[0].size != 1:
            return None
        array, name = pinned
        return self.const(array.reshape(()), f"{identifier(name)}_0d")

    def begin(self, index: int) -> None:
        """Start instruction ``index``: the buffers no instruction from here on reads go back to the pool."""
        self.at = index
        held = []
        for until, buf in self._held:
            if until < index:
                self._pool.setdefault((buf.shape, buf.dtype.str), []).append(buf)
            else:
                held.append((until, buf))
        self._held = held

    def _take(self, like: np.ndarray, until: int) -> str:
        free = self._pool.get((like.shape, like.dtype.str))
        if free:
            buf = free.pop()
        else:
            buf = np.empty(like.shape, like.dtype)
            self.n_buffers += 1
        self._held.append((until, buf))
        return self.const(buf, f"buf{self.n_buffers - 1}" if id(buf) not in self._names else None)

    def out(self, slot: int, like: np.ndarray) -> str:
        """``, out=bufN`` writing slot ``slot`` into a preallocated buffer shaped as ``like`` (the array the
        capture saw), or ``""`` when the slot's array leaves the call and so must be new on every replay."""
        if slot in self.no_buffer or like.ndim == 0:
            return ""
        self.buffered[slot] = (like.shape, like.dtype)
        return f", out={self._take(like, self.lifetime.get(slot, self.at))}"

    def dead_buffer(self, slot: int, like: np.ndarray) -> bool:
        """Whether slot ``slot`` is a buffer of ``like``'s shape and dtype that nothing reads after the current
        instruction: a kernel may write its own temporary over it."""
        return self.buffered.get(slot) == (like.shape, like.dtype) and self.lifetime.get(slot) == self.at

    def scratch(self, like: np.ndarray, until: int | None = None) -> str:
        """``, out=bufN``: a kernel's own temporary, needed until instruction ``until`` (default: this one)."""
        return f", out={self._take(like, self.at if until is None else until)}"

    def function(self, name: str, params: str) -> Any:
        """Compile the lines as ``def name(params)`` and return the function (its text is ``self.source``)."""
        self._drop_unread()
        self.source = f"def {name}({params}):\n" + "".join(f"    {line}\n" for line in self.lines)
        exec(compile(self.source, f"<minigrad.compile {name}>", "exec"), self.namespace)
        return self.namespace[name]
