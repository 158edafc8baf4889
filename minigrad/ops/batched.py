"""Batched products: baddbmm and einsum. (bmm itself is ``minigrad.ops.linalg.Bmm``, shared with matmul.)"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function

__all__ = ["Baddbmm", "Einsum", "parse_einsum"]


class Baddbmm(Function):
    """y = β·C + α·(A·B) per batch.   dL/dC = β·dL/dy (0 when β = 0),  dL/dA = α·dL/dy·Bᵀ,  dL/dB = α·Aᵀ·dL/dy."""

    node_name = "BaddbmmBackward0"
    formula = "dL/dC = β·dL/dy ; dL/dA = α·dL/dy·Bᵀ ; dL/dB = α·Aᵀ·dL/dy"
    array_api = True
    edge_args = 3

    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha = beta, alpha
        t = a.dtype.type
        prod = a @ b
        if alpha != 1:
            prod = prod * t(alpha)
        if beta == 0:  # torch ignores C entirely (nan and inf in C do not propagate)
            return np.broadcast_to(prod, np.broadcast_shapes(c.shape, prod.shape)).copy()
        return (c if beta == 1 else c * t(beta)) + prod

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        nf = ctx.next_functions
        t = grad.dtype.type
        gc = grad * t(ctx.beta) if nf[0][0] is not None else None
        ga = (grad @ np.swapaxes(b, -1, -2)) * t(ctx.alpha) if nf[1][0] is not None else None
        gb = (np.swapaxes(a, -1, -2) @ grad) * t(ctx.alpha) if nf[2][0] is not None else None
        return gc, ga, gb


def parse_einsum(equation: str, n_operands: int) -> tuple[list[str], str]:
    """The operands' subscripts and the output's (implicit output: the letters used once, in alphabetical
    order, as in NumPy and torch). Spaces are ignored; an ellipsis is spelled out as letters by the caller."""
    eq = equation.replace(" ", "")
    lhs, arrow, out = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != n_operands:
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                           if len(inputs) < n_operands else
                         "einsum(): fewer operands were provided than specified in the equation")
    if not arrow:
        letters = "".join(inputs)
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return inputs, out


class Einsum(Function):
    """y = einsum(equation, x₁, …, xₙ).   dL/dxᵢ = einsum(out, the other operands → xᵢ's subscripts) applied to
    dL/dy: the same contraction with xᵢ's place taken by dL/dy; letters only xᵢ has are broadcast back, and a
    letter repeated in xᵢ (a diagonal) puts the gradient on that diagonal.  (torch records einsum as the chain of
    permute/view/bmm nodes it is built from; minigrad records one node.)"""

    node_name = "EinsumBackward"
    formula = "dL/dxᵢ = einsum(dL/dy, x_{j≠i}) into xᵢ's subscripts"
    array_api = True

    @staticmethod
    def forward(ctx, subs, out, *operands):
        ctx.save_for_backward(*operands)
        ctx.subs, ctx.out = subs, out
        dt = np.result_type(*operands)
        return np.asarray(np.einsum(",".join(subs) + "->" + out, *operands, optimize=len(operands) > 2)).astype(
            dt, copy=False)

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        subs, out = ctx.subs, ctx.out
        nf = ctx.next_functions
        grads: list[np.ndarray | None] = []
        for i, (s, x) in enumerate(zip(subs, operands)):
            if nf[i][0] is None:
                grads.append(None)
                continue
            others = [(sj, xj) for j, (sj, xj) in enumerate(zip(subs, operands)) if j != i]
            seen = out + "".join(sj for sj, _ in others)
            letters = "".join(dict.fromkeys(s))  # x's distinct letters, in order
            kept = "".join(c for c in letters if c in seen)
            g = np.einsum(",".join([out] + [sj for sj, _ in others]) + "->" + kept, grad, *(xj for _, xj in others))
            size = {c: x.shape[s.index(c)] for c in letters}
            g = g.reshape([size[c] if c in kept else 1 for c in letters])  # broadcast over the letters only x has
            g = np.broadcast_to(g, [size[c] for c in letters])
            if len(letters) == len(s):  # no repeated letter: a transpose of the letters
                grads.append(np.ascontiguousarray(np.einsum(letters + "->" + s, g)))
                continue
            gx = np.zeros(x.shape, grad.dtype)
            grid = np.indices([size[c] for c in letters], sparse=True)
            gx[tuple(grid[letters.index(c)] for c in s)] += g
            grads.append(gx)
        return tuple(grads)
