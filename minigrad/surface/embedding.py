"""``embedding``: index checks with torch's messages, max_norm's in-place renorm, then one ``Embedding`` node."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._tensor_base import TensorBase
from minigrad.autograd.function import bump_version
from minigrad.ops.embedding import Embedding, embedding_renorm

__all__ = ["embedding"]


def embedding(input: Any, weight: Any, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Any:
    """Rows of ``weight`` at the integer ``input`` indices (``EmbeddingBackward0``). ``max_norm`` first rescales,
    in place, each named row whose ``norm_type``-norm exceeds it; ``padding_idx``'s row gets no gradient."""
    if not isinstance(input, TensorBase) or not isinstance(weight, TensorBase):
        bad, name = (input, "input") if not isinstance(input, TensorBase) else (weight, "weight")
        raise TypeError(f"embedding(): argument '{name}' must be Tensor, not {type(bad).__name__}")
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("minigrad's embedding supports neither scale_grad_by_freq nor sparse gradients")
    idx = input._data
    if idx.dtype not in (np.int64, np.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    rows = weight._data.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        raise IndexError("index out of range in self")
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= rows:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -rows:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = rows + padding_idx
    if max_norm is not None and idx.size:
        embedding_renorm(weight._data, idx, float(max_norm), float(norm_type))
        bump_version(weight._vc)
    return Embedding.apply(weight, idx, padding_idx)
