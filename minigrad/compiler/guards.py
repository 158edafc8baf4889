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
from contextlib import nullcontext
from typing import Any

from minigrad._tensor import Tensor
from minigrad.autograd import grad_mode
from minigrad.compiler.codegen import Emitter
from minigrad.nn.module import MODULE_EPOCH, Module
from minigrad.optim.optimizer import OPTIMIZER_EPOCH, Optimizer, ParamGroup, WatchedList

__all__ = ["guard_key", "referenced_objects", "describe", "emit_guards"]

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


def emit_guards(e: Emitter, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The guards of this call as the first statements of a replay function: identity tests, as dynamo's guards
    are, each returning ``MISS`` when it fails.

    They check the grad mode; each argument (the same object, or for a tensor the same shape, dtype and
    ``requires_grad``); each watched Module's attribute values (the same objects: a rebound parameter, a new
    submodule, a ``train()``/``eval()`` flip or a changed ``reduction`` all show); each watched tensor's array (a
    ``load_state_dict`` that rebinds or a ``.data`` swap shows); each optimizer group's parameter list; each
    global the function reads. A miss is not a verdict: the caller falls back to the full key, which may still
    match (then it arms that capture's replay again, for the objects of this call)."""
    state, is_, tensor = e.const(grad_mode.state, "_grad_mode"), e.const(_is, "_is"), e.const(Tensor, "_Tensor")
    e.line(f"if {state}.enabled is not {grad_mode.state.enabled} or len(args) != {len(args)} or "
           + (f"tuple(kwargs) != {tuple(kwargs)!r}:" if kwargs else "kwargs:"))
    e.line("    return MISS")
    watched: list[Any] = []
    same = [f"{_ref(i, args, kwargs)} is not {e.const(a)}" for i, a in enumerate([*args, *kwargs.values()])
            if not isinstance(a, Tensor)]
    if same:  # the same objects (by identity) as the arguments that are not tensors
        e.line(f"if {' or '.join(same)}:")
        e.line("    return MISS")
    for i, a in enumerate([*args, *kwargs.values()]):
        ref = _ref(i, args, kwargs)
        if isinstance(a, Tensor):
            data = a._data
            e.line(f"a = {ref}")
            e.line(f"if a.__class__ is not {e.const(type(a))} and not isinstance(a, {tensor}):")
            e.line("    return MISS")
            e.line(f"d = a._data  # {ref}: a tensor of the same shape, dtype and requires_grad")
            e.line(f"if d.shape != {data.shape} or d.dtype is not {e.const(data.dtype)} or a._requires_grad is not "
                   f"{a._requires_grad}:")
            e.line("    return MISS")
        else:
            watched.append(a)
    for name, value in referenced_objects(fn):
        if name != "self":
            e.line(f"if {e.const(getattr(fn, '__globals__', {}))}.get({name!r}) is not {e.const(value)}:")
            e.line("    return MISS")
        watched.append(value)
    seen: set[int] = set()
    modules: list[Module] = []
    tensors: list[Tensor] = []
    for obj in watched:
        _watch(e, obj, seen, is_, modules, tensors)
    if modules:
        with e.gate(MODULE_EPOCH, "MODULE_EPOCH", "modules", "a module attribute was written since the last check"):
            for m in modules:
                for what, d in (("attributes", m.__dict__), ("buffers", m.__dict__["_buffers"])):
                    if what == "buffers" and not d:
                        e.line(f"if {e.const(d)}:  # {type(m).__name__}'s buffers (none)")
                    else:
                        e.line(f"if len({e.const(d)}) != {len(d)} or not all(map({is_}, {e.const(d)}.values(), "
                               f"{e.const(list(d.values()))})):  # {type(m).__name__}'s {what}")
                    e.line("    return MISS")
    for t in tensors:  # which array holds each watched tensor (a load_state_dict or .data swap rebinds it)
        e.guarded[id(t)] = t._data
        e.line(f"if {e.const(t)}._data is not {e.const(t._data)} or {e.const(t)}._requires_grad is not "
               f"{t._requires_grad}:")
        e.line("    return MISS")


def _ref(i: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    return f"args[{i}]" if i < len(args) else f"kwargs[{list(kwargs)[i - len(args)]!r}]"


def _watch(e: Emitter, obj: Any, seen: set[int], is_: str, modules: list[Module], tensors: list[Tensor]) -> None:
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Tensor):
        tensors.append(obj)
    elif isinstance(obj, Module):
        for m in obj.modules():
            if id(m) not in seen or m is obj:
                seen.add(id(m))
                modules.append(m)
            for value in [*m.__dict__.values(), *m.__dict__["_buffers"].values()]:
                if isinstance(value, Tensor):
                    _watch(e, value, seen, is_, modules, tensors)
    elif isinstance(obj, Optimizer):  # (the same list of the same groups: a new list assigned is seen too)
        groups = e.const(obj.param_groups)
        # An optimizer's own lists and groups move OPTIMIZER_EPOCH at every write: then they are checked only when
        # it moved (a plain list put in their place is not watched: the check below fails, and the next arming
        # checks at every call)
        gated = (type(obj).__setattr__ is Optimizer.__setattr__ and type(obj.param_groups) is WatchedList
                 and all(type(g) is ParamGroup and type(g["params"]) is WatchedList for g in obj.param_groups))
        with (e.gate(OPTIMIZER_EPOCH, "OPTIMIZER_EPOCH", "groups", "a param group was written since the last check")
              if gated else nullcontext()):
            e.line(f"if {e.const(obj)}.param_groups is not {groups} or len({groups}) != {len(obj.param_groups)} or "
                   + " or ".join(f"{groups}[{k}] is not {e.const(g)}" for k, g in enumerate(obj.param_groups)) + ":")
            e.line("    return MISS")
            same_list = f"ps.__class__ is not {e.const(WatchedList, 'WatchedList')} or " if gated else ""
            for group in obj.param_groups:
                params = list(group["params"])
                e.line(f"ps = {e.const(group)}['params']")
                if len(params) <= 8:
                    e.line(f"if {same_list}len(ps) != {len(params)}"
                           + "".join(f" or ps[{k}] is not {e.const(p)}" for k, p in enumerate(params)) + ":")
                else:
                    e.line(f"if {same_list}len(ps) != {len(params)} or not all(map({is_}, ps, {e.const(params)})):")
                e.line("    return MISS")
        for group in obj.param_groups:
            for p in group["params"]:
                _watch(e, p, seen, is_, modules, tensors)
    elif isinstance(obj, tuple | list):
        for item in obj:
            _watch(e, item, seen, is_, modules, tensors)
