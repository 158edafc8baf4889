"""Devices: minigrad runs on the CPU only. A ``device=`` argument is read as torch reads it, so that code written
for torch's CPU build behaves the same: the CPU in any spelling torch accepts is fine, an accelerator torch knows
is refused with the exception type torch's CPU build raises, and anything else gets torch's parse error."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

# the device types torch 2.13 knows, in the order of its parse error
TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
         "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
_SPELLING = re.compile(r"([a-zA-Z_]+)(?::(0|[1-9][0-9]*))?")


def is_device(a: Any) -> bool:
    """A device object such as ``torch_compat``'s ``torch.device("cpu")`` (it has torch's ``type`` and ``index``)."""
    return hasattr(a, "type") and hasattr(a, "index") and not isinstance(a, str | type) and not hasattr(a, "_data")


def device_type(device: Any, fn: str | None = None) -> str:
    """The type of ``device`` as torch parses it (``"cpu"`` for None and for ``"cpu:1"``), or torch's parse error:
    a RuntimeError for an int index (no accelerator here) or a bad string, a TypeError naming ``fn`` for another
    type."""
    if device is None:
        return "cpu"
    if is_device(device):
        device = str(device)
    if isinstance(device, int | np.integer) and not isinstance(device, bool):
        raise RuntimeError("Device index must not be negative" if device < 0 else
                           "Cannot access accelerator device when none is available.")
    if not isinstance(device, str):
        raise TypeError(f"{fn}(): argument 'device' must be torch.device, not {type(device).__name__}")
    if not device:
        raise RuntimeError("Device string must not be empty")
    match = _SPELLING.fullmatch(device)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{device}'")
    if match.group(1) not in TYPES:
        raise RuntimeError(f"Expected one of {', '.join(TYPES)} device type at start of device string: {device}")
    return match.group(1)


def check_device(device: Any, fn: str | None = None) -> None:
    """Accept ``device`` if it names the CPU; else raise as torch's CPU build does: torch's parse errors, then
    ``refuse_accelerator``'s."""
    refuse_accelerator(device_type(device, fn))


def refuse_accelerator(kind: str) -> None:
    """Nothing for ``"cpu"``; else the error of torch's CPU build at dispatch, after every argument has been
    parsed and before any value is checked: an AssertionError for CUDA and XPU (from torch's lazy init), a
    RuntimeError for the other accelerators."""
    if kind in ("cuda", "xpu"):
        raise AssertionError(f"minigrad is not compiled with {kind.upper()} enabled: it runs on the CPU only")
    if kind != "cpu":
        raise RuntimeError(f"minigrad runs on the CPU only; it has no '{kind}' device")
