"""Capture hooks: lists of callables that tools above the engine register to watch it work.

The engine's own extension style (``function.creation_observers``, ``engine.node_observers``): a module-level
list that is empty in ordinary use, so the hot path pays one truthiness test. ``minigrad.compile`` registers
here while it captures a step; nothing registers at import time.

- ``op_observers``: ``observer(cls, ctx, args, out)`` after every ``Function.apply``: the Function class, its
  ctx (the backward node, holding what forward saved; ``None`` for a user Function, whose forward sees Tensors),
  the arguments as given and the output tensor.
- ``value_read_observers``: ``observer(tensor, how)`` when Python reads a tensor's values (``item``, ``bool``,
  ``float``, ``int``, ``numpy``, ``tolist``): a branch on a value cannot be replayed from a captured program.
- ``effect_observers``: ``observer(obj, name, args)`` when an optimizer or module changes state outside the graph
  (``step``, ``zero_grad``, a ``bump_version`` of a buffer that an op wrote in place), so a captured program can
  repeat it in its place.
- ``constant_observers``: ``observer(tensor)`` for a tensor made by :func:`constant`: its values depend only on
  shapes and hyperparameters (an RNN's zero initial state), so a captured program may keep its array.
- ``recompute_observers``: ``observer(tensor, fn, args)`` for a tensor made outside the graph as ``fn(*args)``
  (:func:`notify_recompute`): a dropout mask drawn from the default generator, the copy an in-place op computes
  from. A captured program makes it again by calling ``fn`` with the same arguments (each tensor argument's array
  at that point of the step), so a random draw is drawn anew at every replay, from the same generator, as eagerly.
  An in-place op's write of its result into the tensor's memory is the effect ``"rebind"`` (``effect_observers``).
  A tensor factory marked :func:`factory` (``zeros``, ``randn``, ``arange``...) reports each tensor it makes as a
  :class:`Recompute` of its call, so a step that makes tensors (or draws random ones) inside replays too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad._tensor_base import TensorBase, wrap

__all__ = ["op_observers", "value_read_observers", "effect_observers", "constant_observers", "recompute_observers",
           "notify_value_read", "notify_effect", "notify_recompute", "constant", "factory", "Recompute"]

op_observers: list[Callable[[type, Any, tuple[Any, ...], Any], None]] = []
value_read_observers: list[Callable[[Any, str], None]] = []
effect_observers: list[Callable[[Any, str, tuple[Any, ...]], None]] = []
constant_observers: list[Callable[[Any], None]] = []
recompute_observers: list[Callable[[Any, Callable[..., Any], tuple[Any, ...]], None]] = []


def notify_value_read(tensor: Any, how: str) -> None:
    """Tell the value-read observers (call only when the list is non-empty)."""
    for observer in tuple(value_read_observers):
        observer(tensor, how)


def notify_effect(obj: Any, name: str, args: tuple[Any, ...]) -> None:
    """Tell the effect observers (call only when the list is non-empty)."""
    for observer in tuple(effect_observers):
        observer(obj, name, args)


def notify_recompute(tensor: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Tell the recompute observers that ``tensor``'s array is ``fn(*args)`` (call only when the list is non-empty;
    a tensor among ``args`` stands for its array)."""
    for observer in tuple(recompute_observers):
        observer(tensor, fn, args)


def constant(array: Any) -> Any:
    """A new tensor (no graph) around ``array``, whose values depend only on shapes and hyperparameters, never on
    data or a random draw: a captured program may keep this array instead of rebuilding it."""
    t = wrap(array)
    if constant_observers:
        for observer in tuple(constant_observers):
            observer(t)
    return t


class Recompute:
    """The array of ``fn(*args, **kwargs)``, made again by calling it: a tensor a factory made inside a captured
    step (``torch.randn(4, 3)``, ``torch.zeros(...)``), which a replay makes as eagerly, random draws included
    (from the same generator, in the same order)."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.__name__ = fn.__name__
        shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
        self.__doc__ = f"torch.{fn.__name__}({', '.join(shown)})"

    def __call__(self) -> Any:
        return self.fn(*self.args, **self.kwargs)._data


_making = [0]  # factories running: only the outermost one reports (one inside another is part of its call)


def _plain(value: Any) -> bool:
    """A number, string, None, dtype, generator or a tuple/list of them: no array whose values could change."""
    if isinstance(value, tuple | list):
        return all(_plain(v) for v in value)
    return not isinstance(value, np.ndarray | TensorBase | dict | set)


def factory(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a tensor factory: while recompute observers listen, each tensor it makes that needs no gradient, from
    arguments that hold no array (sizes, fill values, ranges, a dtype, a generator), is reported as a
    :class:`Recompute` of this call. (A tensor that needs a gradient is a new leaf, and an argument holding an
    array could hold other values at the next call: neither is reported, so the capture runs eagerly.)"""

    @functools.wraps(fn)
    def make(*args: Any, **kwargs: Any) -> Any:
        if not recompute_observers:
            return fn(*args, **kwargs)
        _making[0] += 1
        try:
            t = fn(*args, **kwargs)
        finally:
            _making[0] -= 1
        if not _making[0] and not t._requires_grad and _plain(args) and _plain(list(kwargs.values())):
            notify_recompute(t, Recompute(fn, args, kwargs), ())
        return t

    return make
