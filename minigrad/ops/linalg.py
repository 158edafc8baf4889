"""Matrix products: addmm (nn.Linear's node), mm, mv, dot and batched matmul.

Pure math: the operands' shapes and dtypes are checked by the caller (``minigrad/surface/linear.py``: ``linear``,
``apply_mm``, ``apply_mv``, ``apply_dot``, ``apply_bmm``), which raises torch's errors."""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function

__all__ = ["Addmm", "Mm", "Mv", "Dot", "Bmm"]


class Addmm(Function):
    """y = b + X·W  (nn.Linear computes b + X·weightᵀ).   dL/db = dL/dy summed over rows (by the engine),
    dL/dX = dL/dy·Wᵀ,  dL/dW = Xᵀ·dL/dy.  (X is (n, k) and W (k, m), same dtype: checked by the caller,
    ``surface/linear.py``; a bias that does not broadcast to (n, m) is NumPy's ValueError.)"""

    node_name = "AddmmBackward0"
    formula = "dL/db = Σ_rows dL/dy ; dL/dX = dL/dy·Wᵀ ; dL/dW = Xᵀ·dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, bias, x, w):
        nf = ctx.next_functions  # as torch: X only if W needs a gradient, W only if X does
        if nf:
            ctx.save_for_backward(x if nf[2][0] is not None else None, w if nf[1][0] is not None else None)
        # With one input feature the product is an outer product: x * w gives the same bits as BLAS's gemm,
        # which is ~10x slower on an (n, 1) matrix.
        y = x * w if x.shape[1] == 1 else x @ w
        y += bias
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        nf = ctx.next_functions
        gx = grad @ w.T if nf[1][0] is not None else None
        gw = x.T @ grad if nf[2][0] is not None else None
        return grad, gx, gw


class Mm(Function):
    """y = A·B.   dL/dA = dL/dy·Bᵀ,  dL/dB = Aᵀ·dL/dy."""

    node_name = "MmBackward0"
    formula = "dL/dA = dL/dy·Bᵀ ; dL/dB = Aᵀ·dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        nf = ctx.next_functions
        return (grad @ b.T if nf[0][0] is not None else None, a.T @ grad if nf[1][0] is not None else None)


class Mv(Function):
    """y = A·v.   dL/dA = dL/dy ⊗ v (outer product),  dL/dv = Aᵀ·dL/dy."""

    node_name = "MvBackward0"
    formula = "dL/dA = dL/dy ⊗ v ; dL/dv = Aᵀ·dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, a, v):
        ctx.save_for_backward(a, v)
        return a @ v

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.saved_tensors
        return np.outer(grad, v), a.T @ grad


class Dot(Function):
    """y = u·v (1-d).   dL/du = dL/dy·v,  dL/dv = dL/dy·u."""

    node_name = "DotBackward0"
    formula = "dL/du = dL/dy·v ; dL/dv = dL/dy·u"
    array_api = True

    @staticmethod
    def forward(ctx, u, v):
        ctx.save_for_backward(u, v)
        return np.asarray(u @ v)

    @staticmethod
    def backward(ctx, grad):
        u, v = ctx.saved_tensors
        return grad * v, grad * u


class Bmm(Function):
    """y = A·B over broadcast batch dims (both ≥ 2-d).   dL/dA = dL/dy·Bᵀ,  dL/dB = Aᵀ·dL/dy, each summed
    over the batch dims it was broadcast along (by the engine)."""

    node_name = "BmmBackward0"
    formula = "dL/dA = dL/dy·Bᵀ ; dL/dB = Aᵀ·dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad @ np.swapaxes(b, -1, -2), np.swapaxes(a, -1, -2) @ grad
