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
            lines.append(f"{name}: the same {type(a).__name__} and parameter groups (hyperparameters are read live)")
        elif a.__class__ in _PLAIN:
            lines.append(f"{name} == {a!r}")
        else:
            lines.append(f"{name} is the same object")
    for name, value in referenced_objects(fn):
        lines.append(f"global/closure {name!r} is the same {type(value).__name__} (and its tensors as above)")
    return lines


class FastGuard:
    """The guards of one matching call as a generated Python function of identity tests (as dynamo's guards are).

    ``source`` is the function's text (``explain()`` shows it): the grad mode; each argument (the same object, or
    for a tensor the same shape, dtype and ``requires_grad``); each watched Module's attribute values (the same
    objects: a rebound parameter, a new submodule, a ``train()``/``eval()`` flip or a changed ``reduction`` all
    show); each watched tensor's array (a ``load_state_dict`` that rebinds or a ``.data`` swap shows); each
    optimizer group's parameter list; each global the function reads. A miss is not a verdict: the caller falls
    back to the full key, which may still match (then it arms a new FastGuard)."""

    __slots__ = ("check", "source")

    def __init__(self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        consts: dict[str, Any] = {"_state": grad_mode.state, "_is": _is, "_Tensor": Tensor}
        lines = [f"if _state.enabled is not {grad_mode.state.enabled} or len(args) != {len(args)} "
                 f"or tuple(kwargs) != {tuple(kwargs)!r}:", "    return False"]

        names: dict[int, str] = {}

        def const(value: Any) -> str:  # the guard's constants, one name per object
            name = names.get(id(value))
            if name is None:
                name = names[id(value)] = f"c{len(names)}"
                consts[name] = value
            return name

        watched: list[Any] = []
        for i, a in enumerate([*args, *kwargs.values()]):
            ref = f"args[{i}]" if i < len(args) else f"kwargs[{list(kwargs)[i - len(args)]!r}]"
            if isinstance(a, Tensor):
                data = a._data
                lines += [f"a = {ref}", f"if not isinstance(a, _Tensor) or a._data.shape != {data.shape} or "
                          f"a._data.dtype is not {const(data.dtype)} or a._requires_grad is not {a._requires_grad}:",
                          "    return False"]
            else:
                lines += [f"if {ref} is not {const(a)}:", "    return False"]
                watched.append(a)
        for name, value in referenced_objects(fn):
            if name != "self":
                lines += [f"if {const(getattr(fn, '__globals__', {}))}.get({name!r}) is not {const(value)}:",
                          "    return False"]
            watched.append(value)
        seen: set[int] = set()
        for obj in watched:
            self._watch(obj, seen, lines, const)
        lines.append("return True")
        self.source = "def check(args, kwargs):\n" + "".join(f"    {line}\n" for line in lines)
        namespace = dict(consts)
        exec(self.source, namespace)  # the guard function: the text above, with its constants bound
        self.check = namespace["check"]

    def _watch(self, obj: Any, seen: set[int], lines: list[str], const: Any) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, Tensor):
            lines += [f"if {const(obj)}._data is not {const(obj._data)} or "
                      f"{const(obj)}._requires_grad is not {obj._requires_grad}:", "    return False"]
        elif isinstance(obj, Module):
            for m in obj.modules():
                attrs = m.__dict__
                values = list(attrs.values())
                lines += [f"if len({const(attrs)}) != {len(values)} or not all(map(_is, {const(attrs)}.values(), "
                          f"{const(values)})):  # {type(m).__name__}'s attributes", "    return False"]
                for value in [*values, *attrs["_buffers"].values()]:
                    if isinstance(value, Tensor):
                        self._watch(value, seen, lines, const)
        elif isinstance(obj, Optimizer):
            for group in obj.param_groups:
                params = list(group["params"])
                lines += [f"if not all(map(_is, {const(group)}['params'], {const(params)})) or "
                          f"len({const(group)}['params']) != {len(params)}:", "    return False"]
                for p in params:
                    self._watch(p, seen, lines, const)
        elif isinstance(obj, tuple | list):
            for item in obj:
                self._watch(item, seen, lines, const)
