"""Grad mode: whether ops record a graph. Thread-local, like torch (each thread starts enabled)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled"]

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    """Per-thread flags read by every op (``enabled``) and by the engine (``anomaly``)."""

    enabled: bool = True


state = _State()


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
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = state.enabled
            state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                state.enabled = prev

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):  # noqa: N801 - torch's name
    """``with no_grad():`` (or ``@no_grad()``): ops inside record no graph; results don't require grad."""

    _mode = False


class enable_grad(_GradModeContext):  # noqa: N801
    """``with enable_grad():`` re-enables graph recording inside a no_grad block."""

    _mode = True


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """``set_grad_enabled(mode)`` sets grad mode at once; used with ``with`` it restores it on exit."""

    def __init__(self, mode: bool) -> None:
        self._prev = state.enabled
        self._mode = bool(mode)
        state.enabled = self._mode

    def __enter__(self) -> None:
        pass
