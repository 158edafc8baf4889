"""Grad mode: whether ops record a graph. Thread-local, like torch (each thread starts enabled)."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "anomaly_mode"]

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    """Per-thread flags read by every op (``enabled``)."""

    enabled: bool = True


state = _State()


class _AnomalyMode:
    """Anomaly detection's switches, process-global as in torch: set by ``minigrad.autograd.anomaly``, read by
    the autograd core (the in-place error's hint) without importing that module."""

    enabled: bool = False
    check_nan: bool = True


anomaly_mode = _AnomalyMode()


def is_grad_enabled() -> bool:
    """True when ops record the autograd graph in this thread."""
    return state.enabled


class _GradModeContext:
    """Context manager and decorator that sets grad mode for its block and restores the previous mode."""

    _mode: bool

    def __enter__(self) -> None:
        self._prev = state.enabled
        state.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        state.enabled = self._prev

    def __call__(self, fn: F) -> F:
        """Decorate ``fn`` to run in this mode (for a generator function: every resumption, as torch does)."""
        mode = self._mode

        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def generator(*args: Any, **kwargs: Any) -> Any:
                gen = fn(*args, **kwargs)
                value: Any = None
                while True:
                    prev = state.enabled
                    state.enabled = mode
                    try:
                        item = gen.send(value)
                    except StopIteration as stop:
                        return stop.value
                    finally:
                        state.enabled = prev
                    value = yield item

            return generator  # type: ignore[return-value]  # (the decorated callable keeps its type)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = state.enabled
            state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                state.enabled = prev

        return wrapper  # type: ignore[return-value]  # (the decorated callable keeps its type)


class no_grad(_GradModeContext):  # noqa: N801 - torch's name
    """``with no_grad():`` (or ``@no_grad()`` / ``@no_grad``): ops inside record no graph; results don't
    require grad."""

    _mode = False

    def __new__(cls, orig_func: Any = None) -> Any:
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)  # the bare decorator form, as torch allows


class enable_grad(_GradModeContext):  # noqa: N801
    """``with enable_grad():`` re-enables graph recording inside a no_grad block."""

    _mode = True


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """``set_grad_enabled(mode)`` sets grad mode at once; used with ``with`` it restores it on exit."""

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self._prev = state.enabled
        self._mode = mode
        state.enabled = mode

    def __call__(self, fn: F) -> F:
        state.enabled = self._prev  # used as a decorator: the mode applies inside fn only (torch restores it)
        return super().__call__(fn)

    def __enter__(self) -> None:
        pass
