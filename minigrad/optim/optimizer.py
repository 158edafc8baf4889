"""``Optimizer``: parameter groups, ``zero_grad`` and ``state_dict``, as in torch.optim.Optimizer."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import Any

import numpy as np

from minigrad._tensor import Tensor
from minigrad.autograd.observers import effect_observers, notify_effect

__all__ = ["Optimizer", "ParamGroup", "WatchedList", "OPTIMIZER_EPOCH"]

# Moves at every write into any optimizer's param groups (a learning-rate scheduler's step, ``group['lr'] = ...``,
# ``load_state_dict``, a parameter added to a group, a new ``param_groups`` list): ``minigrad.compile``'s guards
# re-check an optimizer's groups and hyperparameters only when it moved.
OPTIMIZER_EPOCH = [0]


def _writes(method: Any) -> Any:
    """``dict``'s or ``list``'s ``method``, moving ``OPTIMIZER_EPOCH`` first."""

    @functools.wraps(method)
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        OPTIMIZER_EPOCH[0] += 1
        return method(self, *args, **kwargs)

    return write


class ParamGroup(dict):
    """A parameter group: a plain ``dict`` to read (as torch's), whose every write moves ``OPTIMIZER_EPOCH``."""

    __slots__ = ()
    __setitem__ = _writes(dict.__setitem__)
    __delitem__ = _writes(dict.__delitem__)
    __ior__ = _writes(dict.__ior__)
    update = _writes(dict.update)
    setdefault = _writes(dict.setdefault)
    pop = _writes(dict.pop)
    popitem = _writes(dict.popitem)
    clear = _writes(dict.clear)


class WatchedList(list[Any]):
    """``param_groups`` and each group's ``params``: a plain ``list`` to read (as torch's), whose every write moves
    ``OPTIMIZER_EPOCH``."""

    __slots__ = ()
    __setitem__ = _writes(list.__setitem__)
    __delitem__ = _writes(list.__delitem__)
    __iadd__ = _writes(list.__iadd__)
    __imul__ = _writes(list.__imul__)
    append = _writes(list.append)
    extend = _writes(list.extend)
    insert = _writes(list.insert)
    pop = _writes(list.pop)
    remove = _writes(list.remove)
    clear = _writes(list.clear)
    sort = _writes(list.sort)
    reverse = _writes(list.reverse)


def _observed_step(step: Any) -> Any:
    """``step`` that brackets its work with "step" / "step_end" effect notifications when anyone listens."""

    @functools.wraps(step)
    def observed(self: Optimizer, closure: Any = None) -> Any:  # (torch's step signature: no other argument)
        if not effect_observers:
            return step(self, closure)
        notify_effect(self, "step", (closure,))
        result = step(self, closure)
        notify_effect(self, "step_end", ())
        return result

    observed._observed = True  # type: ignore[attr-defined]  # marks a wrapped step
    return observed


class Optimizer:
    """Holds ``param_groups`` (dicts with ``params`` and hyper-parameters) and per-parameter ``state``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each subclass's ``step`` tells the effect observers (``minigrad.compile``) when it starts and ends."""
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_observed", False):
            cls.step = _observed_step(step)  # type: ignore[method-assign]  # wrapped once, at class creation

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                f"{params.type()}"
            )
        self.defaults = defaults
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = WatchedList()
        groups = list(params) if isinstance(params, Iterable) else None
        if groups is None:
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                f"{type(params).__name__}"
            )
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group: dict[str, Any]) -> None:
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        full = ParamGroup(self.defaults)
        dict.update(full, group)
        dict.__setitem__(full, "params", WatchedList(params))
        self.param_groups.append(full)

    def __setattr__(self, name: str, value: Any) -> None:
        OPTIMIZER_EPOCH[0] += 1  # (a new ``param_groups`` list, for one: see OPTIMIZER_EPOCH)
        object.__setattr__(self, name, value)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's ``.grad``: to None (torch 2.x default) or to zeros in place."""
        if effect_observers:
            notify_effect(self, "zero_grad", (set_to_none,))
        for group in self.param_groups:
            if set_to_none:
                for p in group["params"]:
                    p.grad = None
                continue
            for p in group["params"]:
                if p.grad is not None:
                    p.grad._data[...] = 0

    def step(self) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`` like torch."""
        index: dict[int, int] = {}
        groups = []
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            ids = []
            for p in g["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for g in self.param_groups:
            for p in g["params"]:
                if p in self.state:
                    state[index[id(p)]] = {
                        k: (v.detach() if isinstance(v, Tensor) else v) for k, v in self.state[p].items()
                    }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and state; checked fully before anything changes."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        params = [p for g in self.param_groups for p in g["params"]]
        for mine, theirs in zip(self.param_groups, groups):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
                )
        # torch maps the saved ids (in the saved groups' order) onto this optimizer's parameters; state under an
        # id that no group lists is kept as it is
        id_map = {old: p for old, p in zip((i for g in groups for i in g["params"]), params)}
        new_state: dict[Any, Any] = {}
        for key, value in state_dict["state"].items():
            if key not in id_map:
                new_state[key] = copy.deepcopy(value)
                continue
            p = id_map[key]
            entry = {}
            for k, v in value.items():
                arr = v._data if isinstance(v, Tensor) else v
                if isinstance(arr, np.ndarray):  # (torch checks no shape here: a wrong one fails at step())
                    # torch keeps the 'step' counter's own dtype (float32) and casts the buffers to the param's
                    dtype = arr.dtype if k == "step" else p._data.dtype
                    entry[k] = Tensor._wrap(np.array(arr, dtype=dtype, copy=True))
                elif k == "momentum_buffer" and v is not None:  # step() would fail on it later
                    raise TypeError(
                        f"state '{k}' of parameter {key} must be a tensor or None, got {type(v).__name__}"
                    )
                else:
                    entry[k] = copy.deepcopy(v)
            new_state[p] = entry
        for mine, theirs in zip(self.param_groups, groups):
            for k, v in theirs.items():
                if k != "params":
                    mine[k] = v
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            if i:
                lines.append("")  # torch leaves an empty line between groups
            lines.append(f"Parameter Group {i}")
            for k in sorted(g):
                if k != "params":
                    lines.append(f"    {k}: {g[k]}")
        lines.append(")")
        return "\n".join(lines)
