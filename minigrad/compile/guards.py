"""Guards: what a captured program assumes about its arguments, as a hashable key computed on every call.

A program is replayed only for calls whose key equals the key it was captured with (torch's dynamo keeps the same
kind of guards). The key covers what the program bakes in or reads:

- grad mode;
- each tensor argument's shape, dtype and ``requires_grad`` (its values are read live at replay);
- each Module argument (and every Module, optimizer or tensor the function reads from its globals or closure):
  the identity, shape, dtype and ``requires_grad`` of every parameter and buffer, *which array holds it* (a
  ``load_state_dict`` that rebinds or a ``.data`` swap is seen), every submodule's ``training`` flag and its
  plain attributes (``reduction``, ``negative_slope``...);
- each optimizer: its parameter groups (which tensors; hyperparameters are read live);
- other arguments by value (numbers, strings) or identity.
"""

from __future__ import annotations

import operator
from typing import Any

from minigrad._tensor import Tensor
from minigrad.autograd import grad_mode
from minigrad.nn.module import Module
from minigrad.optim.optimizer import Optimizer

__all__ = ["guard_key", "referenced_objects", "describe", "FastGuard"]

_is = operator.is_

_PLAIN = (bool, int, float, str, type(None))


def _tensor_key(t: Tensor) -> tuple[Any, ...]:
    data = t._data
    return (type(t), data.shape, data.dtype, t._requires_grad)


def _state_key(t: Tensor) -> tuple[Any, ...]:
    """A tensor read live by the program: which tensor, which array, and what the program assumed of it."""
    data = t._data
    return (id(t), id(data), data.shape, data.dtype, t._requires_grad)


def _module_key(m: Module) -> tuple[Any, ...]:
    parts: list[Any] = [id(m)]
    for sub in m.modules():
        attrs = sub.__dict__
        parts.append((id(sub), sub.training))
        for name, value in attrs.items():
            if value.__class__ in _PLAIN:
                if name != "training":
                    parts.append((name, value))
            elif isinstance(value, Tensor):
                parts.append(_state_key(value))
        for value in attrs["_buffers"].values():
            if value is not None:
                parts.append(_state_key(value))
    return tuple(parts)


def _optimizer_key(opt: Optimizer) -> tuple[Any, ...]:
    """Which tensors each group updates; hyperparameters (lr, momentum...) are read live by the optimizer's own
    update when a program replays it, so a scheduler changing ``lr`` needs no new capture."""
    return (id(opt), tuple(tuple(_state_key(p) for p in group["params"]) for group in opt.param_groups))


def _key(x: Any) -> Any:
    if isinstance(x, Tensor):
        return _tensor_key(x)
    if x.__class__ in _PLAIN:
        return (x.__class__, x)
    if isinstance(x, Module):
        return _module_key(x)
    if isinstance(x, Optimizer):
        return _optimizer_key(x)
    if isinstance(x, tuple | list):
        return (x.__class__, tuple(_key(v) for v in x))
    if isinstance(x, dict):
        return (dict, tuple((k, _key(v)) for k, v in x.items()))
    return ("id", id(x))


def referenced_objects(fn: Any) -> list[tuple[str, Any]]:
    """The Modules, optimizers and tensors ``fn`` reads by name from its globals and closure."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    found: list[tuple[str, Any]] = []
    owner = getattr(fn, "__self__", None)  # a bound method (a compiled Module's forward): its object
    if isinstance(owner, Tensor | Module | Optimizer):
        found.append(("self", owner))
    globals_ = getattr(fn, "__globals__", {})
    for name in code.co_names:
        value = globals_.get(name)
        if isinstance(value, Tensor | Module | Optimizer):
            found.append((name, value))
    for name, cell in zip(code.co_freevars, getattr(fn, "__closure__", None) or ()):
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(value, Tensor | Module | Optimizer):
            found.append((name, value))
    return found


def guard_key(fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The key of this call: equal keys may share a captured program."""
    refs = referenced_objects(fn)
    return (
        grad_mode.state.enabled,
        tuple(_key(a) for a in args),
        tuple((k, _key(v)) for k, v in kwargs.items()),
        tuple((name, id(value), _key(value)) for name, value in refs),
    )


def describe(fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any], names: list[str]) -> list[str]:
    """The guards of a capture, in words (for ``explain()``)."""
    lines = [f"grad mode is {'on' if grad_mode.state.enabled else 'off'}"]
    for name, a in [*zip(names, args), *kwargs.items()]:
        if isinstance(a, Tensor):
            lines.append(f"{name}: shape {list(a._data.shape)}, {a._data.dtype}, requires_grad={a._requires_grad}")
        elif isinstance(a, Module):
            n = sum(1 for _ in a.parameters())
            lines.append(f"{name}: the same {type(a).__name__} with the same {n} parameter tensors and arrays "
                         "(shapes, dtypes, requires_grad), the same training flags and plain attributes")
        elif isinstance(a, Optimizer):
            lines.append(f"{name}: the same {type(a).__name__}, param groups and hyperparameters")
        elif a.__class__ in _PLAIN:
            lines.append(f"{name} == {a!r}")
        else:
            lines.append(f"{name} is the same object")
    for name, value in referenced_objects(fn):
        lines.append(f"global/closure {name!r} is the same {type(value).__name__} (and its tensors as above)")
    return lines


class FastGuard:
    """The same guards as :func:`guard_key`, checked by identity against a snapshot of one matching call.

    Checking is a few identity tests per object (a Module's attribute values, each watched tensor's array), so a
    replay pays well under a microsecond per module. A miss is not a verdict: the caller falls back to the full
    key, which may still match (then it re-arms this guard)."""

    __slots__ = ("grad", "n_args", "arg_checks", "modules", "tensors", "groups", "refs", "kw")

    def __init__(self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.grad = grad_mode.state.enabled
        self.n_args = len(args)
        self.kw = tuple(kwargs)
        self.arg_checks: list[tuple[int, Any, Any]] = []
        self.modules: list[tuple[dict[str, Any], list[Any]]] = []
        self.tensors: list[tuple[Tensor, Any, bool]] = []
        self.groups: list[tuple[dict[str, Any], list[Any]]] = []
        seen: set[int] = set()
        values = [*args, *kwargs.values()]
        for i, a in enumerate(values):
            if isinstance(a, Tensor):
                self.arg_checks.append((i, a._data.shape, (a._data.dtype, a._requires_grad)))
            else:
                self.arg_checks.append((i, None, a))
                self._watch(a, seen)
        self.refs = [(getattr(fn, "__globals__", {}), name, value) for name, value in referenced_objects(fn)]
        for _, _, value in self.refs:
            self._watch(value, seen)

    def _watch(self, obj: Any, seen: set[int]) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, Tensor):
            self.tensors.append((obj, obj._data, obj._requires_grad))
        elif isinstance(obj, Module):
            for m in obj.modules():
                attrs = m.__dict__
                self.modules.append((attrs, list(attrs.values())))
                for value in [*attrs.values(), *attrs["_buffers"].values()]:
                    if isinstance(value, Tensor) and id(value) not in seen:
                        seen.add(id(value))
                        self.tensors.append((value, value._data, value._requires_grad))
        elif isinstance(obj, Optimizer):
            for group in obj.param_groups:
                params = group["params"]
                self.groups.append((group, list(params)))
                for p in params:
                    if id(p) not in seen:
                        seen.add(id(p))
                        self.tensors.append((p, p._data, p._requires_grad))
        elif isinstance(obj, tuple | list):
            for item in obj:
                self._watch(item, seen)

    def check(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        if grad_mode.state.enabled is not self.grad or len(args) != self.n_args or tuple(kwargs) != self.kw:
            return False
        values = args if not kwargs else (*args, *kwargs.values())
        for i, shape, expected in self.arg_checks:
            a = values[i]
            if shape is None:
                if a is not expected:
                    return False
            elif a.__class__ is not Tensor and not isinstance(a, Tensor):
                return False
            else:
                data = a._data
                if data.shape != shape or (data.dtype, a._requires_grad) != expected:
                    return False
        for attrs, snapshot in self.modules:
            if len(attrs) != len(snapshot) or not all(map(_is, attrs.values(), snapshot)):
                return False
        for t, data, requires in self.tensors:
            if t._data is not data or t._requires_grad is not requires:
                return False
        for group, params in self.groups:
            current = group["params"]
            if len(current) != len(params) or not all(map(_is, current, params)):
                return False
        for globals_, name, value in self.refs:
            if name != "self" and globals_.get(name) is not value:
                return False
        return True
