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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minigrad._tensor_base import wrap

__all__ = ["op_observers", "value_read_observers", "effect_observers", "constant_observers", "recompute_observers",
           "notify_value_read", "notify_effect", "notify_recompute", "constant"]

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
