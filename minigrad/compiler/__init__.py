"""``minigrad.compile``: capture a training step once, replay it as an array program.

``torch.compile``'s signature and behaviour, for minigrad's engine::

    step = minigrad.compile(train_step)     # train_step does forward, loss, backward(), step(), zero_grad()
    for epoch in range(100):
        loss = step(model, criterion, optimizer, X, Y)

The first call runs eagerly while :class:`~minigrad.compiler.capture.Recorder` writes down the array program the
engine runs: each op's forward and backward kernel, the engine's unbroadcast sums, casts and accumulations, the
optimizer's update. Later calls whose guards (:mod:`minigrad.compiler.guards`) match replay that program on the
live arrays, skipping the Tensor, Node, engine and Module bookkeeping around the kernels: the same kernels in the
same order, so the same numbers bit for bit. ``compiled.code`` shows the program as straight-line Python, one
statement per kernel, each naming the torch node it comes from; ``compiled.explain()`` adds the guards and any
graph break.

Where a program could not repeat the eager call faithfully (a value read such as ``loss.item()`` inside the
function, a tensor made inside it by a factory or a random draw, an in-place write, hooks, a user
``autograd.Function``...), those calls run eagerly and ``explain()`` says why; with ``fullgraph=True`` the first
call raises :class:`Unsupported` instead. minigrad does not resume a partial graph after a break (torch's dynamo
does): the whole call runs eagerly.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

from minigrad.autograd import engine, function
from minigrad.compiler.capture import Recorder, Unsupported
from minigrad.compiler.guards import FastGuard, describe, guard_key, referenced_objects
from minigrad.compiler.program import Program
from minigrad.nn.module import Module

__all__ = ["compile", "CompiledFunction", "CompiledModule", "Unsupported", "cache_size_limit"]

cache_size_limit = 8  # torch._dynamo.config.cache_size_limit: captures kept per compiled function


class _Entry:
    """One guard set's outcome: a program to replay, or the reason its calls run eagerly."""

    __slots__ = ("program", "reason", "guards", "fast")

    def __init__(self, program: Program | None, reason: str | None, guards: list[str]) -> None:
        self.program = program
        self.reason = reason
        self.guards = guards
        self.fast: FastGuard | None = None


class CompiledFunction:
    """A function whose calls replay captured array programs (see the module docstring)."""

    def __init__(self, fn: Callable[..., Any], *, fullgraph: bool = False, dynamic: bool | None = None,
                 mode: str | None = None, backend: Any = None, options: dict[str, Any] | None = None) -> None:
        if backend not in (None, "inductor", "eager", "aot_eager", "minigrad"):
            raise ValueError(f"minigrad.compile: unknown backend {backend!r}")
        self._fn = fn
        self.fullgraph = fullgraph
        self.dynamic = dynamic
        self.mode = mode
        self.options = dict(options or {})
        self._cache: dict[Any, _Entry] = {}
        self._last: _Entry | None = None  # the entry the latest call used: checked first, by its FastGuard
        self._warned: set[str] = set()
        try:
            self._names = list(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            self._names = []
        self.__wrapped__ = fn
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(f"minigrad.compile({self.__name__}): {message}", UserWarning, stacklevel=3)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if engine.node_observers or function.creation_observers:
            # autograd.trace or detect_anomaly is listening: they need the eager engine
            self._warn_once("observers", "autograd.trace() or detect_anomaly() is active: running eagerly")
            return self._fn(*args, **kwargs)
        last = self._last
        entry: _Entry | None
        if last is not None and last.fast is not None and last.fast.check(args, kwargs):  # the same step again
            entry = last
        else:
            key = guard_key(self._fn, args, kwargs)
            entry = self._cache.get(key)
            if entry is not None:
                entry.fast = FastGuard(self._fn, args, kwargs)
                self._last = entry
        if entry is not None:
            program = entry.program
            if program is not None:
                refusal = program.refusal()
                if refusal is None:
                    return program.run(args, kwargs)
                self._warn_once(refusal, f"{refusal}: running eagerly")
            return self._fn(*args, **kwargs)
        if len(self._cache) >= cache_size_limit:
            self._warn_once("limit", f"cache_size_limit ({cache_size_limit}) reached: new guard sets run eagerly "
                                     "(shapes, dtypes or parameters keep changing)")
            return self._fn(*args, **kwargs)
        return self._capture(key, args, kwargs)

    def _capture(self, key: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        names = self._names[: len(args)] + [f"arg{i}" for i in range(len(self._names), len(args))]
        refs = referenced_objects(self._fn)
        recorder = Recorder(names, args, kwargs, refs, self.fullgraph)
        with recorder:
            result = self._fn(*args, **kwargs)
        program = recorder.program(result)
        reason = recorder.failure or (f"graph break: {recorder.break_at}" if recorder.break_at else None)
        if program is not None:
            program.lines.append(f"return {_show(program.output)}")
        elif reason is not None:
            self._warn_once(reason, f"running eagerly: {reason}")
        entry = self._cache[key] = _Entry(program, reason, describe(self._fn, args, kwargs, names))
        entry.fast = FastGuard(self._fn, args, kwargs)  # armed after the call: as the next call will find things
        self._last = entry
        return result

    # -- the study side ----------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        """The latest captured program as straight-line Python (empty before the first call)."""
        for entry in reversed(list(self._cache.values())):
            if entry.program is not None:
                head = f"def {self.__name__}({', '.join(self._names)}):"
                return "\n".join([head, *("    " + line for line in entry.program.lines)]) + "\n"
        return ""

    def explain(self, file: Any = None) -> str:
        """The captured programs with their guards, and why any calls run eagerly; printed and returned."""
        out = [f"minigrad.compile({self.__name__}): {len(self._cache)} capture(s), cache_size_limit "
               f"{cache_size_limit}"]
        for i, entry in enumerate(self._cache.values()):
            out.append(f"\n== capture {i}: " + ("replayed" if entry.program else f"eager ({entry.reason})"))
            out.append("guards:")
            out.extend(f"  - {g}" for g in entry.guards)
            if entry.fast is not None:
                out.append("guard code (checked before every replay; a miss falls back to the full key):")
                out.extend("    " + line for line in entry.fast.source.rstrip().splitlines())
            if entry.program is not None:
                out.append(f"program: {entry.program.kernels} kernels")
                out.append(f"def {self.__name__}({', '.join(self._names)}):")
                out.extend("    " + line for line in entry.program.lines)
        text = "\n".join(out)
        print(text, file=file)
        return text


def _show(out: Any) -> str:
    if out.kind == "slot":
        return f"v{out.value}"
    if out.kind in ("tensor", "const"):
        return repr(out.value) if out.kind == "const" else "<input tensor>"
    if out.kind == "seq":
        return "(" + ", ".join(_show(i) for i in out.items) + ("," if len(out.items) == 1 else "") + ")"
    return "{" + ", ".join(f"{k!r}: {_show(i)}" for k, i in zip(out.value, out.items)) + "}"


class CompiledModule(Module):
    """torch's ``OptimizedModule``: the module's forward compiled; otherwise the module itself (its parameters,
    ``state_dict`` under ``_orig_mod.``, ``train()``/``eval()``).

    A forward whose output's backward runs after the call cannot be captured with it (minigrad captures whole
    steps, not a forward graph with a deferred backward): with grad mode on such calls run eagerly, saying so
    once; under ``no_grad`` (inference) the forward replays. Compile the training step to replay training."""

    def __init__(self, module: Module, **options: Any) -> None:
        super().__init__()
        self._orig_mod = module
        self._compiled_forward = CompiledFunction(module.forward, **options)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._compiled_forward(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.__dict__["_modules"]["_orig_mod"], name)

    @property
    def code(self) -> str:
        return self._compiled_forward.code

    def explain(self, file: Any = None) -> str:
        return self._compiled_forward.explain(file)


def compile(model: Any = None, *, fullgraph: bool = False, dynamic: bool | None = None, mode: str | None = None,
            backend: Any = None, options: dict[str, Any] | None = None) -> Any:
    """Compile a function or a Module (``torch.compile``'s arguments); with no model, a decorator."""
    kw = dict(fullgraph=fullgraph, dynamic=dynamic, mode=mode, backend=backend, options=options)
    if model is None:
        return lambda fn: compile(fn, **kw)
    if isinstance(model, Module):
        return CompiledModule(model, **kw)
    if not callable(model):
        raise RuntimeError(f"torch.compile: expected a callable or a Module, got {type(model).__name__}")
    return CompiledFunction(model, **kw)
