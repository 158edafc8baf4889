"""Layer 4, tier 3 (docs/fidelity.md): torch's argument parser as the tensor factories meet it, apart from the
factories themselves (``surface/creation.py``): which argument forms it refuses, with which TypeError, and in
which order it reads the size, dtype, requires_grad and device. Exception types and order only: no new code is
written for these (the emulation that exists stays here)."""

from __future__ import annotations

import numbers
from typing import Any

from minigrad._device import device_type, refuse_accelerator
from minigrad._dtype import to_numpy_dtype
from minigrad.surface.parser import is_index, shape_arg

__all__ = ["factory_args", "check_size_form"]


def factory_args(fn: str, dtype: Any, device: Any, requires_grad: Any, size: tuple[Any, ...] | None = None,
                 refuse: bool = True, none_ok: bool = True) -> tuple[int, ...] | None:
    """torch's parser for the arguments every factory takes, in its order: the size's form (a TypeError when no
    signature matches), dtype and requires_grad (TypeErrors), the device string (torch's parse error), then an
    accelerator device is refused (``refuse``: at dispatch, before any value is checked), and last the elements
    of the size but the first. Returns the shape (None without ``size``)."""
    if size is not None:
        check_size_form(size)
    if dtype is not None:
        to_numpy_dtype(dtype)  # (its TypeError for what is not a dtype)
    if not (isinstance(requires_grad, bool) or (requires_grad is None and none_ok)):
        raise TypeError(f"{fn}(): argument 'requires_grad' must be bool, not {type(requires_grad).__name__}")
    kind = device_type(device, fn)
    if refuse:
        refuse_accelerator(kind)
    return None if size is None else shape_arg(size)


def check_size_form(size: tuple[Any, ...]) -> None:
    """The TypeErrors of torch's parser when it matches a size: by its form and its first element only (the
    others are read later, after the device)."""
    first = size[0] if size else None
    if len(size) == 1 and isinstance(first, list | tuple):
        if not first:
            return
        first = first[0]
    if first is None or isinstance(first, bool) or not (isinstance(first, numbers.Integral) or is_index(first)):
        shape_arg(size)  # (its TypeError, if the form is wrong)
