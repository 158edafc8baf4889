"""``Module``: parameters and sub-modules registered by attribute assignment, as in torch.nn.Module."""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from minigrad._dtype import float32, float64, to_numpy_dtype
from minigrad._tensor import Size, Tensor
from minigrad._tensor_base import assign
from minigrad.autograd.observers import effect_observers, notify_effect
from minigrad.nn.parameter import Parameter
from minigrad.surface.conversion import parse_to

__all__ = ["Module", "MODULE_EPOCH"]

# Moves on every write to a module's attributes, parameters, sub-modules, buffers or training flag (through the
# methods below: ``__setattr__``, ``__delattr__``, ``register_*``, ``add_module``, ``train``). ``minigrad.compile``'s
# guards compare it to skip re-checking every watched module's attributes when nothing was written since.
MODULE_EPOCH = [0]


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns; prints ``<All keys matched successfully>`` when both lists are empty."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys!r}, unexpected_keys={self.unexpected_keys!r})"

    __str__ = __repr__


def _typename(value: Any) -> str:
    """How torch names a value's type in its errors: ``minigrad.FloatTensor`` for a tensor, else the class."""
    return value.type() if isinstance(value, Tensor) else type(value).__name__


def _check_name(kind: str, name: Any) -> None:
    """torch's checks on the name of a registered parameter, buffer or module."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."' + (f", got: {name}" if kind == "module" else ""))
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')


class Module:
    """Base class of models: define ``forward``; call the module to run it."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        # Parameters and sub-modules are kept in _parameters/_modules (for traversal) and, for fast attribute
        # access, in the instance __dict__ too; every assignment and deletion goes through here.
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._modules.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            params.pop(name, None)
            self._modules[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' (minigrad.nn.Parameter or None "
                    "expected)"
                )
            params[name] = None
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}'")
            self._modules[name] = None
        self._write(name, value)

    def _write(self, name: str, value: Any) -> None:
        """Set an attribute in the instance ``__dict__``: every attribute write of a Module ends here (and moves
        ``MODULE_EPOCH``)."""
        object.__setattr__(self, name, value)
        MODULE_EPOCH[0] += 1

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        if "_buffers" in d and name in d["_buffers"]:
            return d["_buffers"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._modules, self._buffers):
            if name in store:
                del store[name]
        object.__delattr__(self, name)
        MODULE_EPOCH[0] += 1

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        _check_name("parameter", name)
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' (minigrad.nn.Parameter or None "
                "required)"
            )
        self._parameters[name] = param
        self._write(name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """A tensor the module keeps (not a parameter: no gradient); in ``state_dict`` unless not persistent."""
        _check_name("buffer", name)
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' (minigrad Tensor or None required)"
            )
        self._buffers[name] = tensor
        MODULE_EPOCH[0] += 1
        skipped = self.__dict__.setdefault("_non_persistent_buffers_set", set())
        (skipped.discard if persistent else skipped.add)(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        _check_name("module", name)
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module
        self._write(name, module)

    register_module = add_module

    # ------------------------------------------------------------------ traversal
    def named_modules(self, memo: set[Module] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module and every sub-module, depth first, each once: torch's code, so ``memo`` may be any
        container (modules in it are skipped; with ``remove_duplicate`` each one yielded is added to it, which
        needs a set)."""
        if memo is None:
            memo = set()
        if self not in memo:
            if remove_duplicate:
                memo.add(self)
            yield prefix, self
            for name, module in self._modules.items():
                if module is None:
                    continue
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for n, m in self._modules.items():
            if m is not None:
                yield n, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(qualified name, parameter) pairs, each parameter once, in registration order."""
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for mname, m in modules:
            for pname, p in m._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mname}.{pname}" if mname else pname), p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        modules = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        for mname, m in modules:
            for bname, b in m._buffers.items():
                if b is not None:
                    yield (f"{mname}.{bname}" if mname else bname), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------------ state
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's ``.grad`` (None by default, as torch 2.x)."""
        if effect_observers:
            notify_effect(self, "zero_grad", (set_to_none,))
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._data[...] = 0

    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m._write("training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def state_dict(self) -> OrderedDict[str, Tensor]:
        """Parameters and buffers by qualified name (detached tensors sharing memory)."""
        out: OrderedDict[str, Tensor] = OrderedDict()
        # torch's order: each module's own parameters, then its persistent buffers, then its children's
        for mname, m in self.named_modules():
            dot = f"{mname}." if mname else ""
            for name, p in m._parameters.items():
                if p is not None:
                    out[dot + name] = p.detach()
            skipped = m.__dict__.get("_non_persistent_buffers_set", ())
            for name, b in m._buffers.items():
                if b is not None and name not in skipped:
                    out[dot + name] = b.detach()
        return out

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> Any:
        """Copy values (minigrad tensors: a NumPy array is refused, as torch refuses one) into the parameters;
        all-or-nothing.

        Every key, shape and dtype is checked before any parameter is written, so a bad state dict leaves the
        module untouched.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own: dict[str, Tensor] = dict(self.named_parameters())
        own.update(self.named_buffers())
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict and (missing or unexpected):
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        staged: list[tuple[Tensor, np.ndarray]] = []
        for name, target in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            if not isinstance(value, Tensor):
                errors.append(
                    f'While copying the parameter named "{name}", expected minigrad.Tensor or Tensor-like object '
                    f"from checkpoint but received {type(value)}"
                )
                continue
            arr = value._data
            if arr.shape != target._data.shape:
                errors.append(
                    f"size mismatch for {name}: copying a param with shape {Size(arr.shape)!r} from checkpoint, the "
                    f"shape in current model is {Size(target._data.shape)!r}."
                )
                continue
            if arr.dtype.kind not in "fiub":
                errors.append(f"dtype of {name} is {arr.dtype}, which is not numeric.")
                continue
            staged.append((target, arr))
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors)
            )
        for target, arr in staged:
            assign(target, arr)  # copied in, cast to target's dtype; its version + 1
        return _IncompatibleKeys(missing, unexpected)

    def _apply_dtype(self, dtype: Any) -> Module:
        dt = to_numpy_dtype(dtype)
        for m in self.modules():
            for store in (m._parameters, m._buffers):
                for p in store.values():
                    if p is not None and p._data.dtype.kind == "f" and p._data.dtype != dt:
                        p._data = p._data.astype(dt)
                        if p._acc is not None:
                            p._acc._dtype = p._data.dtype
                        if p.grad is not None:
                            p.grad._data = p.grad._data.astype(dt)
        return self

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """``to(dtype)`` casts floating parameters in place (``to("cpu")`` is a no-op); the arguments are read as
        torch's parser reads them (``Tensor.to``'s), and a copy argument is refused, as in torch."""
        target, _, copy_given = parse_to(args, kwargs)
        if copy_given:
            raise RuntimeError(".to() does not accept copy argument")
        if target is not None and not getattr(target, "is_floating_point", False):
            raise TypeError(
                f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={target!r}"
            )
        return self if target is None else self._apply_dtype(target)

    def float(self) -> Module:
        return self._apply_dtype(float32)

    def double(self) -> Module:
        return self._apply_dtype(float64)

    def cpu(self) -> Module:
        return self

    def cuda(self, device: Any = None) -> Module:
        """Each parameter and buffer's ``cuda()``: refused (minigrad has no CUDA); a module without tensors is
        returned as it is, as in torch."""
        for t in (*self.parameters(), *(b for _, b in self.named_buffers())):
            t.cuda(device)
        return self

    def apply(self, fn: Any) -> Module:
        """``fn`` on every sub-module, children first (post-order, as torch), then on this module."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = []
        for name, m in self._modules.items():
            body = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {body}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}(" + (f"{extra}" if extra else "")
        return head + "\n  " + "\n  ".join(lines) + "\n)"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._modules))
