"""Matrix products: addmm (nn.Linear's node), mm, mv, dot and batched matmul."""

from __future__ import annotations

import numpy as np

from minigrad._dtype import from_numpy_dtype
from minigrad.autograd.function import Function

__all__ = ["Addmm", "Mm", "Mv", "Dot", "Bmm", "check_mm"]


def _scalar_names(a: np.ndarray, b: np.ndarray) -> tuple[str, str]:
    return from_numpy_dtype(a.dtype).scalar_name, from_numpy_dtype(b.dtype).scalar_name


# the C++ type names torch's mm/bmm dtype error prints ("got: float != double")
_CPP_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int8": "signed char",
              "int16": "short int", "int32": "int", "int64": "long int", "uint8": "unsigned char", "bool": "bool"}


def _dtype_mismatch(a: np.ndarray, b: np.ndarray) -> RuntimeError:
    return RuntimeError(
        f"expected m1 and m2 to have the same dtype, but got: {_CPP_NAMES[a.dtype.name]} != {_CPP_NAMES[b.dtype.name]}"
    )


def check_mm(a: np.ndarray, b: np.ndarray, *, linear: bool) -> None:
    """torch's errors for a 2-d matrix product: shapes first, then dtypes (as addmm/mm word them)."""
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError("self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and {b.shape[0]}x{b.shape[1]})"
        )
    if a.dtype != b.dtype:
        na, nb = _scalar_names(a, b)
        if linear:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {na} and {nb}")
        raise _dtype_mismatch(a, b)


class Addmm(Function):
    """y = b + X·W  (nn.Linear computes b + X·weightᵀ).   dL/db = dL/dy summed over rows (by the engine),
    dL/dX = dL/dy·Wᵀ,  dL/dW = Xᵀ·dL/dy.  (X is (n, k) and W (k, m), same dtype: checked by the caller,
    ``surface/linear.py``; a bias that does not broadcast to (n, m) is NumPy's ValueError.)"""

    node_name = "AddmmBackward0"
    formula = "dL/db = Σ_rows dL/dy ; dL/dX = dL/dy·Wᵀ ; dL/dW = Xᵀ·dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, bias, x, w):  # type: ignore[no-untyped-def]
        nf = ctx.next_functions  # as torch: X only if W needs a gradient, W only if X does
        if nf:
            ctx.save_for_backward(x if nf[2][0] is not None else None, w if nf[1][0] is not None else None)
        # With one input feature the product is an outer product: x * w gives the same bits as BLAS's gemm,
        # which is ~10x slower on an (n, 1) matrix.
        y = x * w if x.shape[1] == 1 else x @ w
        y += bias
        return y

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
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
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        check_mm(a, b, linear=False)
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        a, b = ctx.saved_tensors
        nf = ctx.next_functions
        return (grad @ b.T if nf[0][0] is not None else None, a.T @ grad if nf[1][0] is not None else None)


class Mv(Function):
    """y = A·v.   dL/dA = dL/dy ⊗ v (outer product),  dL/dv = Aᵀ·dL/dy."""

    node_name = "MvBackward0"
    formula = "dL/dA = dL/dy ⊗ v ; dL/dv = Aᵀ·dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, a, v):  # type: ignore[no-untyped-def]
        if a.shape[1] != v.shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec ({v.shape[0]})"
            )
        if a.dtype != v.dtype:
            nv, na = _scalar_names(v, a)
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got {nv}, {na}, and {nv}")
        ctx.save_for_backward(a, v)
        return a @ v

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        a, v = ctx.saved_tensors
        return np.outer(grad, v), a.T @ grad


class Dot(Function):
    """y = u·v (1-d).   dL/du = dL/dy·v,  dL/dv = dL/dy·u."""

    node_name = "DotBackward0"
    formula = "dL/du = dL/dy·v ; dL/dv = dL/dy·u"
    array_api = True

    @staticmethod
    def forward(ctx, u, v):  # type: ignore[no-untyped-def]
        if u.shape != v.shape:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{u.shape[0]}] and src [{v.shape[0]}] to have the same "
                f"number of elements, but got {u.shape[0]} and {v.shape[0]} elements respectively"
            )
        if u.dtype != v.dtype:
            na, nb = _scalar_names(u, v)
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found {na} and {nb}")
        ctx.save_for_backward(u, v)
        return np.asarray(u @ v)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        u, v = ctx.saved_tensors
        return grad * v, grad * u


class Bmm(Function):
    """y = A·B over broadcast batch dims (both ≥ 2-d).   dL/dA = dL/dy·Bᵀ,  dL/dB = Aᵀ·dL/dy, each summed
    over the batch dims it was broadcast along (by the engine)."""

    node_name = "BmmBackward0"
    formula = "dL/dA = dL/dy·Bᵀ ; dL/dB = Aᵀ·dL/dy"
    array_api = True

    @staticmethod
    def forward(ctx, a, b):  # type: ignore[no-untyped-def]
        if a.shape[-1] != b.shape[-2]:
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: [{b.shape[0]}, {a.shape[-1]}] "
                f"but got: [{b.shape[0]}, {b.shape[-2]}]."
            )
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        a, b = ctx.saved_tensors
        return grad @ np.swapaxes(b, -1, -2), np.swapaxes(a, -1, -2) @ grad
