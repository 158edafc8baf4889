"""How a tensor shows itself in a notebook: torch's ``repr`` (what ``print`` gives) and one line about autograd.

Jupyter calls ``_repr_html_``: the repr in a ``<pre>`` block, then the shape, dtype, whether the tensor is a leaf
or which node made it (``grad_fn``), and a leaf's ``.grad``. IPython's text display (``_repr_pretty_``) is the
repr itself, exactly as torch prints.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["DisplayMethods"]


class DisplayMethods:
    """Notebook display hooks of ``Tensor``."""

    __slots__ = ()

    def _autograd_line(self: Any) -> str:
        parts = [f"shape {tuple(int(s) for s in self.shape)}", str(self.dtype).split(".")[-1]]
        if self.grad_fn is not None:
            parts.append(f"made by {self.grad_fn.name()} (backward sends the gradient through it)")
        elif self.requires_grad:
            parts.append("a leaf: backward accumulates into its .grad")
        else:
            parts.append("no gradient tracked")
        return " · ".join(parts)

    def _repr_pretty_(self: Any, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self: Any) -> str:
        rows = [f"<pre>{html.escape(repr(self))}</pre>", f"<small>{html.escape(self._autograd_line())}</small>"]
        if self.grad is not None:
            rows.append(f"<small>.grad:</small><pre>{html.escape(repr(self.grad))}</pre>")
        return "\n".join(rows)
