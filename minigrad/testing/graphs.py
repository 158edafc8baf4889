"""Compare two backward graphs node for node: torch's names (``type(node).__name__`` and ``name()``) per slot.

Works on either library's ``grad_fn`` (it reads only ``next_functions``, the class name and ``name()``), so it
imports neither torch nor minigrad's engine.
"""

from __future__ import annotations

from typing import Any

__all__ = ["graph_signature", "assert_same_graph", "format_signature", "Signature"]

Signature = list[tuple[int, "str | None", "str | None"]]


def graph_signature(root: Any, limit: int = 10_000) -> Signature:
    """A depth-first listing of a backward graph: (depth, class name, name()) per node; None for empty slots.

    Two graphs are equal node for node exactly when their signatures are equal. ``root`` is a ``grad_fn``
    (or a tensor: its ``grad_fn``; a tensor without one has the empty signature).
    """
    if not hasattr(root, "next_functions"):
        root = getattr(root, "grad_fn", None)
        if root is None:
            return []
    out: Signature = []
    stack: list[tuple[int, Any]] = [(0, root)]
    while stack:
        depth, node = stack.pop()
        if node is None:
            out.append((depth, None, None))
        else:
            out.append((depth, type(node).__name__, node.name()))
            stack.extend((depth + 1, nxt) for nxt, _ in reversed(node.next_functions))
        if len(out) > limit:
            raise AssertionError("graph too large to compare")
    return out


def format_signature(sig: Signature) -> str:
    """The signature as an indented tree, one node a line (the class name, and name() when it differs)."""
    return "\n".join("  " * d + (f"{n} ({q})" if n != q else str(n)) for d, n, q in sig)


def assert_same_graph(mg_tensor: Any, th_tensor: Any) -> None:
    """The two tensors' backward graphs have the same nodes (class names and name()) in the same slots."""
    a, b = graph_signature(mg_tensor), graph_signature(th_tensor)
    if a != b:
        raise AssertionError("graphs differ:\nminigrad:\n" + format_signature(a) + "\ntorch:\n" + format_signature(b))
