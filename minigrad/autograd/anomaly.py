"""Anomaly detection (``torch.autograd.detect_anomaly`` / ``set_detect_anomaly``): find the op whose backward
produced NaN, and where its forward was called.

While the mode is on:

1. every backward node recorded by ``Function.apply`` gets the Python stack of the forward call that made it
   (a ``function.creation_observers`` entry; the trailing frames inside minigrad are dropped, so the last frame
   shown is the user's line);
2. with ``check_nan`` (the default), after each node of a backward pass every gradient it sends to an input
   that needs one is reduced to that input's shape (as the engine does next) and tested: a NaN anywhere raises
   ``RuntimeError("Function 'LogBackward0' returned nan values in its 0th output.")`` — torch's words, where
   the k-th output is the gradient for ``next_functions[k]`` — followed by the forward traceback. As torch
   does, a ``UserWarning`` "Error detected in LogBackward0. Traceback of forward call that caused the
   error: ..." is issued first (or "No forward pass information available..." when the forward ran with the
   mode off). Infinities are not anomalies (torch only checks for NaN).

When the mode is off nothing is registered: ``creation_observers`` and ``engine.node_observers`` hold none of
this module's callables, so the hot paths pay nothing (one truth test of an empty list, already there).

Scope: the mode is **process-global**, as in torch (its ``AnomalyMode`` is one static flag; a thread started
while it is on sees it on). Grad mode, by contrast, is thread-local (``minigrad.autograd.grad_mode``).
``detect_anomaly`` is also usable as a decorator here (torch's is a context manager only).

Limitation: torch also prints the forward traceback when a backward node *raises* (any error, not only NaN).
minigrad's engine offers observers that run after a node succeeds, not when it fails, so only NaN anomalies
carry the forward traceback.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import traceback
import warnings
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from minigrad.autograd import engine as _engine
from minigrad.autograd import function as _function
from minigrad.autograd import grad_mode

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]

F = TypeVar("F", bound=Callable[..., Any])

_lock = threading.Lock()
_mode = grad_mode.anomaly_mode  # the flags (kept with grad mode, where the autograd core reads them)

# node -> the forward stack (oldest frame first) recorded when the node was made under anomaly mode
_traces: weakref.WeakKeyDictionary[Any, traceback.StackSummary] = weakref.WeakKeyDictionary()

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_EXAMPLES_DIR = os.path.join(_PACKAGE_DIR, "examples") + os.sep
_ENABLED_WARNING = (
    "Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for "
    "debugging."
)


def is_anomaly_enabled() -> bool:
    """True while anomaly detection is on (process-wide, as ``torch.is_anomaly_enabled``)."""
    return _mode.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """True when anomaly mode also raises on NaN gradients (``torch.is_anomaly_check_nan_enabled``)."""
    return _mode.check_nan


def _set(mode: bool, check_nan: bool) -> None:
    """Set the global flags and (un)register the observers to match: none are registered when off."""
    with _lock:
        _mode.enabled, _mode.check_nan = bool(mode), bool(check_nan)
        _toggle(_function.creation_observers, _record_forward, _mode.enabled)
        _toggle(_engine.node_observers, _check_node, _mode.enabled and _mode.check_nan)


def _toggle(observers: list[Any], observer: Callable[..., None], on: bool) -> None:
    if on and observer not in observers:
        observers.append(observer)
    elif not on:
        while observer in observers:
            observers.remove(observer)


def _is_internal(filename: str) -> bool:
    """A frame inside minigrad itself (the layer torch implements in C++), not the user's code."""
    path = os.path.abspath(filename)
    return path.startswith(_PACKAGE_DIR) and not path.startswith(_EXAMPLES_DIR)


def _record_forward(node: Any) -> None:
    """Creation observer: keep the stack of the forward call that made ``node`` (lines read lazily)."""
    frames = traceback.StackSummary.extract(traceback.walk_stack(sys._getframe(1)), lookup_lines=False)
    frames.reverse()  # oldest first, like a traceback
    end = len(frames)
    while end and _is_internal(frames[end - 1].filename):
        end -= 1
    _traces[node] = traceback.StackSummary.from_list(frames[:end] if end else frames)


def forward_trace(node: Any) -> str | None:
    """The formatted forward traceback recorded for ``node`` (``None`` if it was made with the mode off)."""
    frames = _traces.get(node)
    if frames is None:
        return None
    return "".join(traceback.format_list(frames))


def _check_node(node: Any, grad_output: Any, grad_inputs: tuple[Any, ...]) -> None:
    """Node observer: raise torch's anomaly error if a gradient this node sends to an input is NaN."""
    for k, ((nxt, _), g) in enumerate(zip(node.next_functions, grad_inputs)):
        if nxt is None or g is None:
            continue  # an output torch would not compute (the input needs no gradient)
        g = np.asarray(g)
        if g.dtype.kind not in "fc":
            continue
        if g.shape != nxt._shape:
            try:
                g = _engine.sum_to(g, nxt._shape)  # what the input will receive: inf + (-inf) is NaN too
            except ValueError:
                pass  # the engine reports a malformed gradient itself
        if np.isnan(g).any():
            _raise_anomaly(node, k)


def _raise_anomaly(node: Any, k: int) -> None:
    name = node.name()
    trace = forward_trace(node)
    if trace is None:
        detail = (
            f"Error detected in {name}. No forward pass information available. Enable detect anomaly during "
            "forward pass for more information."
        )
    else:
        detail = f"Error detected in {name}. Traceback of forward call that caused the error:\n{trace}"
    warnings.warn(detail, UserWarning, stacklevel=2)
    message = f"Function '{name}' returned nan values in its {k}th output."
    if trace is not None:
        message += f"\n\nTraceback of forward call that caused the error:\n{trace}"
    raise RuntimeError(message)


class detect_anomaly:  # noqa: N801 - torch's name
    """``with detect_anomaly():`` turns anomaly detection on for the block and restores the previous mode.

    Also usable as a decorator (``@detect_anomaly()``). Warns, like torch, that the mode slows things down.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = _mode.enabled
        self.check_nan = bool(check_nan)
        self.prev_check_nan = _mode.check_nan
        warnings.warn(_ENABLED_WARNING, UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        _set(True, self.check_nan)

    def __exit__(self, *exc: object) -> None:
        _set(self.prev, self.prev_check_nan)

    def __call__(self, fn: F) -> F:
        check_nan = self.check_nan

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev, prev_check_nan = _mode.enabled, _mode.check_nan
            _set(True, check_nan)
            try:
                return fn(*args, **kwargs)
            finally:
                _set(prev, prev_check_nan)

        return wrapper  # type: ignore[return-value]  # (the decorated callable keeps its type)


class set_detect_anomaly:  # noqa: N801 - torch's name
    """``set_detect_anomaly(mode, check_nan=True)`` sets anomaly detection at once (a plain call), or for a
    ``with`` block, restoring the previous mode on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = _mode.enabled
        self.prev_check_nan = _mode.check_nan
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set(self.prev, self.prev_check_nan)
