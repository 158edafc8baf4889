"""Guards: what a captured program assumes about its arguments, as a hashable key computed on every call.

A program is replayed only for calls whose key equals the key it was captured with (torch's dynamo keeps the same
kind of guards). The key covers what the program bakes in or reads:

- grad mode;
- each tensor argument's shape, dtype and ``requires_grad`` (its values are read live at replay);
- each Module argument (and every Module, optimizer or tensor the function reads from its globals or closure):
  the identity, shape, dtype and ``requires_grad`` of every parameter and buffer, *which array holds it* (a
  ``load_state_dict`` that rebinds or a ``.data`` swap is seen), every submodule's ``training`` flag and its
  plain attributes (``reduction``, ``negative_slope``...);
- each optimizer: its parameter groups (which tensors) and hyperparameters;
- other arguments by value (numbers, strings) or identity.
"""

from __future__ import annotations

from typing import Any

from minigrad._tensor import Tensor
from minigrad.autograd import grad_mode
from minigrad.nn.module import Module
from minigrad.optim.optimizer import Optimizer

__all__ = ["guard_key", "referenced_objects", "describe"]

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
    parts: list[Any] = [id(opt)]
    for group in opt.param_groups:
        for name, value in group.items():
            if name == "params":
                parts.append(tuple(_state_key(p) for p in value))
            elif value.__class__ in _PLAIN:
                parts.append((name, value))
            else:
                parts.append((name, id(value)))
    return tuple(parts)


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
