"""``minigrad.device`` objects and the default device, as torch's CPU build has them.

``device("cuda")``, ``device("cuda", 1)``, ``device("cuda:0")`` and ``device(type="mps")`` are made for every
device type torch knows (only making a tensor there fails, with the error of torch's CPU build); a device string
torch would not parse is torch's RuntimeError. ``set_default_device`` takes the CPU in any spelling (or None);
it refuses an accelerator at once with the error torch's CPU build raises at the next allocation (torch defers
it: ``set_default_device("cuda")`` then ``torch.ones(2)``), since minigrad's factories do not read a default
device.
"""

from __future__ import annotations

from typing import Any

from minigrad._device import check_device, device_type

__all__ = ["device", "set_default_device", "get_default_device"]


class device:  # noqa: N801 - torch's name
    """A device name: ``type`` (``"cpu"``, ``"cuda"``, ...) and ``index`` (None or an int)."""

    __slots__ = ("type", "index")
    type: str
    index: int | None

    def __init__(self, type: Any, index: int | None = None) -> None:
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type.__class__.__name__})")
        kind = device_type(type, "device")
        idx: int | None = int(type.split(":")[1]) if ":" in type else None
        if index is not None:
            if idx is not None:
                raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: "
                                   f"{type}")
            if index < 0:
                raise RuntimeError("Device index must not be negative")
            idx = index
        self.type, self.index = kind, idx

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> Any:
        return (device, (self.type, self.index))


def set_default_device(device: Any) -> None:
    """The device factories allocate on: the CPU (or None, the CPU too); an accelerator is refused here."""
    if device is not None:
        check_device(device, "set_default_device")


def get_default_device() -> device:
    return device("cpu")
