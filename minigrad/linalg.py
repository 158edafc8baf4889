"""``torch.linalg`` (the part minigrad implements): vector_norm, norm of vectors, matrix_power."""

from __future__ import annotations

from typing import Any

from minigrad.surface.batched import matrix_power
from minigrad.surface.stats import vector_norm

__all__ = ["vector_norm", "matrix_power", "norm"]


def norm(A: Any, ord: Any = None, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Any:  # noqa: N803
    """torch.linalg.norm for vectors and the Frobenius norm: the 2-norm of the flattened input (ord=None,
    dim=None), 'fro' over the last two dims (or ``dim``), or vector_norm(ord) over a 1-d input or one dim.
    Other matrix norms ('nuc', 2, inf... of a matrix) are not implemented."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if ord == "fro":  # the 2-norm of the matrix's (or each matrix's) elements
        return vector_norm(A, 2, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is None and A.dim() == 2) or (dim is not None and len(dim) == 2):
        raise NotImplementedError("minigrad's linalg.norm computes vector norms only (no matrix norms)")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)
