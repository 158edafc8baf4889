"""``Sequential``: modules applied in order."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from minigrad.nn.module import Module

__all__ = ["Sequential"]


class Sequential(Module):
    """``Sequential(m1, m2, ...)`` or ``Sequential(OrderedDict(name=module))``: forward applies them in turn."""

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(args):
                if m is not None and not isinstance(m, Module):  # (None is a placeholder, as in torch)
                    raise TypeError(f"{type(m).__name__} is not a Module subclass")
                self.add_module(str(i), m)

    def forward(self, input: Any) -> Any:
        for m in self._modules.values():
            input = m(input)
        return input

    def __getitem__(self, idx: int) -> Module:
        mods = list(self._modules.values())
        return mods[idx]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        self.add_module(str(len(self)), module)
        return self
