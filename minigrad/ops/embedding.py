"""Embedding lookup: rows of a weight matrix picked by integer indices (torch's ``EmbeddingBackward0``)."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function

__all__ = ["Embedding", "embedding_renorm"]


class Embedding(Function):
    """y[..., :] = W[idx[...], :].   dL/dW[r] = Σ over the positions holding index r of dL/dy there, and the
    row ``padding_idx`` gets no gradient."""

    node_name = "EmbeddingBackward0"
    formula = "dL/dW[r] = Σ_{idx[i] = r} dL/dy[i] ; dL/dW[padding_idx] = 0"
    array_api = True
    edge_args = 1

    @staticmethod
    def forward(ctx, weight, idx, padding_idx):
        ctx.save_for_backward(idx)
        ctx.rows = weight.shape[0]
        ctx.padding_idx = padding_idx
        return weight[idx]

    @staticmethod
    def backward(ctx, grad):
        (idx,) = ctx.saved_tensors
        flat = idx.reshape(-1)
        g = grad.reshape(flat.size, -1)
        gw = np.zeros((ctx.rows, g.shape[1]), dtype=grad.dtype)
        if flat.size:
            # group equal indices (a stable sort keeps each group in order of occurrence), then add level by
            # level: the k-th occurrence of every index at once (each level's indices are distinct)
            order = np.argsort(flat, kind="stable")
            rows, go = flat[order], g[order]
            first = np.r_[True, rows[1:] != rows[:-1]]
            starts = np.flatnonzero(first)
            rank = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
            gw[rows[first]] = go[first]
            for k in range(1, int(rank.max()) + 1):
                level = rank == k
                gw[rows[level]] += go[level]
        if ctx.padding_idx is not None:
            gw[ctx.padding_idx] = 0
        return gw


def embedding_renorm(weight: np.ndarray, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """In place, as torch's ``embedding_renorm_``: each row r named in idx whose p-norm exceeds max_norm is scaled
    by max_norm / (‖W[r]‖ₚ + 1e-7). (Not differentiable: torch runs it under no_grad.)"""
    rows = np.unique(idx)
    w = weight[rows]
    norms = np.sum(np.abs(w) ** norm_type, axis=1) ** (1.0 / norm_type)
    big = norms > max_norm
    scale = (max_norm / (norms[big] + 1e-7)).astype(weight.dtype)
    weight[rows[big]] = w[big] * scale[:, None]
