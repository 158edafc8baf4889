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

A compiled Module (``minigrad.compile(model)``) is the other common use: its forward replays, and a
``CompiledFunctionBackward`` node on the output runs the recorded backward of that forward when the caller's
``loss.backward()`` reaches it (:mod:`~minigrad.compiler.aot`).

A dropout mask, and a tensor a factory makes inside the step from plain arguments (``torch.randn(4, 3)``,
``torch.zeros(n)``), is made again at every replay by the same call, random draws from the same generator, so
they are eager's; a recorded in-place op (``h.add_(b)`` on a tensor in the graph) writes its result into the
tensor's memory, as eagerly (``autograd.observers``: ``recompute_observers`` and the ``"rebind"`` effect). An op
given a tensor's own array (class targets, embedding indices) reads it from that tensor at each replay.
Where a program could not repeat the eager call faithfully (a value read such as ``loss.item()`` inside the
function, a tensor or an array made inside it from another tensor's values, a NumPy-level in-place write, hooks,
a user ``autograd.Function``...), those calls run eagerly and ``explain()`` says why; with ``fullgraph=True`` the first
call raises :class:`Unsupported` instead. minigrad does not resume a partial graph after a break (torch's dynamo
does): the whole call runs eagerly.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from typing import Any

from minigrad._tensor import Tensor
from minigrad.autograd import engine, function
from minigrad.compiler.aot import render_deferred
from minigrad.compiler.capture import Recorder, Unsupported
from minigrad.compiler.codegen import MISS, Emitter, identifier
from minigrad.compiler.guards import describe, emit_guards, guard_key, referenced_objects
from minigrad.compiler.program import Program
from minigrad.compiler.render import escaping_slots, plain_sgd_guards, prepare, render_body
from minigrad.nn.module import Module
from minigrad.optim.optimizer import Optimizer

__all__ = ["compile", "CompiledFunction", "OptimizedModule", "CompiledModule", "Unsupported", "cache_size_limit"]

cache_size_limit = 8  # torch._dynamo.config.cache_size_limit: captures kept per compiled function


def _miss(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The replay before any capture: always the slow path."""
    return MISS

_MAX_ARMS = 8  # re-arming a capture (guards that miss although its key matched) more often than this: eager


class _Entry:
    """One guard set's outcome: a program to replay, or the reason its calls run eagerly; and its armed replay
    function (guards, then the program), generated for the objects of the call that armed it."""

    __slots__ = ("program", "reason", "guards", "replay", "source", "arms")

    def __init__(self, program: Program | None, reason: str | None, guards: list[str]) -> None:
        self.program = program
        self.reason = reason
        self.guards = guards
        self.replay: Callable[[tuple[Any, ...], dict[str, Any]], Any] | None = None
        self.source = ""
        self.arms = 0

    def arm(self, fn: Callable[..., Any], names: list[str], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Generate the replay function for this call's objects: its guards, then the program (or the eager
        function, for a capture that runs eagerly)."""
        self.arms += 1
        e = Emitter()
        for name, a in [*zip(names, args), *kwargs.items()]:  # readable names for the objects the code reads
            if not isinstance(a, Tensor):
                e.const(a, identifier(name))
                if isinstance(a, Optimizer):
                    for k, group in enumerate(a.param_groups):
                        e.const(group, f"{identifier(name)}_group{k}")
        if self.program is not None:
            for t_id, name in self.program.names.items():
                tensor = next((t for t in self.program.live_tensors if id(t) == t_id), None)
                if tensor is not None:
                    e.const(tensor, identifier(name))
            for acc, name in zip(self.program.accumulators, self.program.accumulator_names):
                e.const(acc, "acc_" + identifier(name))
        e.line("# -- guards: the assumptions of the capture (a miss returns MISS: the caller takes the slow path)")
        emit_guards(e, fn, args, kwargs)
        program = self.program
        observers = (e.const(engine.node_observers, "node_observers"),
                     e.const(function.creation_observers, "creation_observers"))
        e.line(f"if {observers[0]} or {observers[1]}:  # autograd.trace() or detect_anomaly() listens: eager")
        e.line("    return MISS")
        if program is None:
            e.line(f"return {e.const(fn, 'eager')}(*args, **kwargs)  # this capture runs eagerly: {self.reason}")
        else:
            e.names.update(program.names)
            if program.deferred is not None:  # a forward whose backward runs later: two functions
                backward = render_deferred(e, program)
                self.replay = e.function(getattr(fn, "__name__", "forward"), "args, kwargs")
                self.source = e.source + "\n" + backward
                return
            prepare(program)
            e.no_buffer = escaping_slots(program)
            if program.accumulators:
                with e.gate(function.HOOK_EPOCH, "HOOK_EPOCH", "hooks", "a hook was registered since the last check"):
                    for acc in program.accumulators:
                        a = e.const(acc)
                        e.line(f"if {a}._pre_hooks is not None or {a}._post_hooks is not None:  # on this parameter")
                        e.line("    return MISS")
            for t in program.grad_none:
                e.line(f"if {e.const(t)}.grad is not None:  # the fused update assumes no .grad (zero_grad's None)")
                e.line("    return MISS")
            plain_sgd_guards(e, program)
            e.line("# -- the step: one statement per kernel, in the eager run's order")
            render_body(e, program)
        self.replay = e.function(getattr(fn, "__name__", "step").replace("<", "_").replace(">", "_"),
                                 "args, kwargs")
        self.source = e.source


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
        self._last: _Entry | None = None  # the entry the latest call used: its replay is tried first
        self._replay: Callable[[tuple[Any, ...], dict[str, Any]], Any] = _miss
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
        out = self._replay(args, kwargs)  # the latest capture's generated function: its guards, then its program
        return self._slow_call(args, kwargs) if out is MISS else out

    def _slow_call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The guards of the latest capture missed: find the capture of this call's key, or capture anew."""
        if engine.node_observers or function.creation_observers:
            # autograd.trace or detect_anomaly is listening: they need the eager engine
            self._warn_once("observers", "autograd.trace() or detect_anomaly() is active: running eagerly")
            return self._fn(*args, **kwargs)
        key = guard_key(self._fn, args, kwargs)
        entry = self._cache.get(key)
        if entry is None:
            if len(self._cache) >= cache_size_limit:
                self._warn_once("limit", f"cache_size_limit ({cache_size_limit}) reached: new guard sets run "
                                         "eagerly (shapes, dtypes or parameters keep changing)")
                return self._fn(*args, **kwargs)
            return self._capture(key, args, kwargs)
        program = entry.program
        if program is None:
            return self._fn(*args, **kwargs)
        refusal = program.refusal()
        if refusal is not None:
            self._warn_once(refusal, f"{refusal}: running eagerly")
            return self._fn(*args, **kwargs)
        self._use(entry)
        out = entry.replay(args, kwargs)  # type: ignore[misc]  # (an armed entry)
        if out is MISS and entry.arms < _MAX_ARMS:  # armed for other objects or another state: arm for these
            entry.arm(self._fn, self._arg_names(args), args, kwargs)
            self._use(entry)
            out = entry.replay(args, kwargs)  # type: ignore[misc]
        return self._fn(*args, **kwargs) if out is MISS else out

    def _use(self, entry: _Entry) -> None:
        """Make ``entry`` the one the next call tries first."""
        self._last = entry
        self._replay = entry.replay  # type: ignore[assignment]  # (an armed entry)

    def _arg_names(self, args: tuple[Any, ...]) -> list[str]:
        return self._names[: len(args)] + [f"arg{i}" for i in range(len(self._names), len(args))]

    def _capture(self, key: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        names = self._arg_names(args)
        refs = referenced_objects(self._fn)
        recorder = Recorder(names, args, kwargs, refs, self.fullgraph)
        with recorder:
            result = self._fn(*args, **kwargs)
            recorder.probe(result, args, kwargs)  # a forward whose backward runs later: record that backward
        program = recorder.program(result, args, kwargs, refs)
        reason = recorder.failure or (f"graph break: {recorder.break_at}" if recorder.break_at else None)
        if program is None and reason is not None:
            self._warn_once(reason, f"running eagerly: {reason}")
        entry = self._cache[key] = _Entry(program, reason, describe(self._fn, args, kwargs, names))
        entry.arm(self._fn, names, args, kwargs)  # armed after the call: as the next call will find things
        self._use(entry)
        return result

    # -- the study side ----------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        """The replay function of the latest capture that replays, as it runs (empty before the first call)."""
        for entry in reversed(list(self._cache.values())):
            if entry.program is not None:
                return entry.source
        return ""

    def explain(self, file: Any = None) -> str:
        """The captured programs with their guards, and why any calls run eagerly; printed and returned."""
        out = [f"minigrad.compile({self.__name__}): {len(self._cache)} capture(s), cache_size_limit "
               f"{cache_size_limit}"]
        for i, entry in enumerate(self._cache.values()):
            out.append(f"\n== capture {i}: " + ("replayed" if entry.program else f"eager ({entry.reason})"))
            out.append("guards:")
            out.extend(f"  - {g}" for g in entry.guards)
            if entry.program is not None:
                out.append(f"program: {entry.program.kernels} kernels, run as this function (guards first):")
            out.append(entry.source.rstrip())
        text = "\n".join(out)
        print(text, file=file)
        return text


class OptimizedModule(Module):
    """torch's ``OptimizedModule``: the module's forward compiled; otherwise the module itself (its parameters,
    ``state_dict`` under ``_orig_mod.``, ``train()``/``eval()``).

    In grad mode the forward replays and so does its backward, which runs after the call (``loss.backward()``
    in the training loop): the output's ``grad_fn`` is a ``CompiledFunctionBackward`` (torch's AOTAutograd
    node) running the backward the capture recorded (:mod:`~minigrad.compiler.aot`), then the engine goes on
    into each parameter's ``AccumulateGrad`` and each input's graph as for the eager module, bit for bit. Under
    ``no_grad`` the forward replays with no node. ``code`` and ``explain()`` show the generated functions (with
    grad mode on: the forward, then its backward). A forward returning several tensors that need a gradient
    runs eagerly, saying so once."""

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


CompiledModule = OptimizedModule  # (minigrad's descriptive name for it)


def compile(model: Any = None, *, fullgraph: bool = False, dynamic: bool | None = None, mode: str | None = None,
            backend: Any = None, options: dict[str, Any] | None = None) -> Any:
    """Compile a function or a Module (``torch.compile``'s arguments); with no model, a decorator."""
    kw = dict(fullgraph=fullgraph, dynamic=dynamic, mode=mode, backend=backend, options=options)
    if model is None:
        return lambda fn: compile(fn, **kw)
    if isinstance(model, Module):
        return OptimizedModule(model, **kw)
    if not callable(model):
        raise RuntimeError(f"torch.compile: expected a callable or a Module, got {type(model).__name__}")
    return CompiledFunction(model, **kw)
