"""``inference_mode``: torch's faster ``no_grad`` for code that will never need a graph. minigrad has no separate
inference tensors, so ``inference_mode()`` is exactly ``no_grad()`` (results record no graph and do not require
grad), and ``inference_mode(False)`` changes nothing, as in torch."""

from __future__ import annotations

from typing import Any

from minigrad.autograd.grad_mode import F, no_grad

__all__ = ["inference_mode"]


class inference_mode(no_grad):  # noqa: N801 - torch's name
    """``with inference_mode():`` / ``@inference_mode()`` / ``@inference_mode``: no graph inside."""

    def __new__(cls, mode: Any = True) -> Any:
        obj = object.__new__(cls)
        if callable(mode):  # the bare decorator form: decorate at once
            obj._active = True
            return obj(mode)
        return obj

    def __init__(self, mode: Any = True) -> None:
        self._active = bool(mode) if not callable(mode) else True

    def __enter__(self) -> None:
        if self._active:
            super().__enter__()

    def __exit__(self, *exc: object) -> None:
        if self._active:
            super().__exit__(*exc)

    def __call__(self, fn: F) -> F:
        return super().__call__(fn) if self._active else fn
