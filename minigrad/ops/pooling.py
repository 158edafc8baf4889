"""Pooling on the last two dims: max (with its argmax indices), average, adaptive average.

Each output element reduces one window of the (padded) input: window (i, j) covers rows i·s − p + a·d and columns
j·s − p + b·d (a, b < k). ``windows``/``col2im`` (ops/conv.py) are the gather and its adjoint.
"""

from __future__ import annotations

import numpy as np

from minigrad.autograd.function import Function
from minigrad.ops.conv import col2im, pad2d, windows

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "pool_out_size"]


def pool_out_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """torch's pooling output size: ⌊ or ⌈(size + 2p − d(k − 1) − 1)/s⌉ + 1, where a last window that would
    start in the right padding is dropped (ceil_mode)."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pads(shape: tuple[int, ...], k: tuple[int, int], s: tuple[int, int], p: tuple[int, int], d: tuple[int, int],
          out: tuple[int, int]) -> tuple[int, int, int, int]:
    """(top, bottom, left, right): p on each side, plus what the last window reaches past (ceil_mode)."""
    extra = [max(0, (out[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 - shape[i] - 2 * p[i]) for i in range(2)]
    return p[0], p[0] + extra[0], p[1], p[1] + extra[1]


def _taps(k: tuple[int, int], s: tuple[int, int], d: tuple[int, int],
          out: tuple[int, int]) -> list[tuple[slice, slice]]:
    """For each window position (a, b), in row-major order, the strided slices of the padded input holding that
    element of every window: rows a·d + i·s, columns b·d + j·s."""
    return [(slice(a * d[0], a * d[0] + (out[0] - 1) * s[0] + 1, s[0]),
             slice(b * d[1], b * d[1] + (out[1] - 1) * s[1] + 1, s[1])) for a in range(k[0]) for b in range(k[1])]


class MaxPool2d(Function):
    """y[i, j] = max over window (i, j) of x; its argmax (the first maximum, or a NaN, as torch) is kept per
    window, and ``indices`` (when asked for) as a flat index h·W + w into the input plane.
    dL/dx[h, w] = Σ over the windows whose argmax is (h, w) of dL/dy[i, j]."""

    node_name = "MaxPool2DWithIndicesBackward0"
    formula = "dL/dx[argmax(i,j)] += dL/dy[i,j]"
    array_api = True

    @staticmethod
    def forward(ctx, x, k, s, p, d, out, indices_box):
        h, w = x.shape[-2:]
        pads = _pads((h, w), k, s, p, d, out)
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = pad2d(x, pads, fill)
        taps = _taps(k, s, d, out)
        y = xp[..., taps[0][0], taps[0][1]].copy()
        arg = np.zeros(y.shape, dtype=np.int32)
        for t, (rows, cols) in enumerate(taps[1:], 1):  # running maximum over the window's elements
            v = xp[..., rows, cols]
            better = v > y
            if x.dtype.kind == "f":
                better |= np.isnan(v)
            np.copyto(y, v, where=better)
            arg[better] = t
        if indices_box is not None:
            r = np.arange(out[0])[:, None] * s[0] - p[0] + (arg // k[1]) * d[0]
            c = np.arange(out[1])[None, :] * s[1] - p[1] + (arg % k[1]) * d[1]
            indices_box.append((r * w + c).astype(np.int64))
        ctx.save_for_backward(arg)
        ctx.geometry = (xp.shape, pads, (h, w), taps)
        return y

    @staticmethod
    def backward(ctx, grad):
        (arg,) = ctx.saved_tensors
        xp_shape, pads, (h, w), taps = ctx.geometry
        gxp = np.zeros(xp_shape, dtype=grad.dtype)
        for t, (rows, cols) in enumerate(taps):
            gxp[..., rows, cols] += np.where(arg == t, grad, 0)
        return gxp[..., pads[0] : pads[0] + h, pads[2] : pads[2] + w]


def _avg_divisors(size: tuple[int, int], k: tuple[int, int], s: tuple[int, int], p: tuple[int, int],
                  out: tuple[int, int], count_include_pad: bool) -> np.ndarray:
    """torch's divisor per output (OH, OW): the window's area inside input + padding (count_include_pad) or inside
    the input only."""
    sides = []
    for i in range(2):
        start = np.arange(out[i]) * s[i] - p[i]
        end = np.minimum(start + k[i], size[i] + p[i])
        whole = end - start
        inside = np.minimum(end, size[i]) - np.maximum(start, 0)
        sides.append(whole if count_include_pad else inside)
    return np.outer(sides[0], sides[1])


class AvgPool2d(Function):
    """y[i, j] = (Σ over window (i, j) of x) / nᵢⱼ (nᵢⱼ: see ``_avg_divisors``, or ``divisor_override``).
    dL/dx[h, w] = Σ over the windows (i, j) containing (h, w) of dL/dy[i, j] / nᵢⱼ."""

    node_name = "AvgPool2DBackward0"
    formula = "dL/dx[h,w] = Σ_{windows (i,j) ∋ (h,w)} dL/dy[i,j] / n_ij"
    array_api = True

    @staticmethod
    def forward(ctx, x, k, s, p, out, count_include_pad, divisor_override):
        size = x.shape[-2:]
        pads = _pads(size, k, s, p, (1, 1), out)
        xp = pad2d(x, pads)
        v = windows(xp, k, s, (1, 1), out)
        if divisor_override:
            div = np.full(out, divisor_override)
        else:
            div = _avg_divisors(size, k, s, p, out, count_include_pad)
        div = div.astype(x.dtype)
        ctx.geometry = (xp.shape, pads, size, k, s)
        ctx.save_for_backward(div)
        return v.sum(axis=(-2, -1)) / div

    @staticmethod
    def backward(ctx, grad):
        (div,) = ctx.saved_tensors
        xp_shape, pads, size, k, s = ctx.geometry
        g = np.broadcast_to((grad / div)[..., None, None], (*grad.shape, *k))
        gxp = col2im(g, xp_shape, s, (1, 1))
        return gxp[..., pads[0] : pads[0] + size[0], pads[2] : pads[2] + size[1]]


def _adaptive_matrix(size: int, out: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """A (out, size) 0/1 matrix: row i marks torch's window [⌊i·size/out⌋, ⌈(i + 1)·size/out⌉), and the window
    lengths."""
    i = np.arange(out)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    cols = np.arange(size)
    m = ((cols >= start[:, None]) & (cols < end[:, None])).astype(dtype)
    return m, (end - start).astype(dtype)


class AdaptiveAvgPool2d(Function):
    """y[i, j] = (Σ_{h ∈ Hᵢ, w ∈ Wⱼ} x[h, w]) / (|Hᵢ|·|Wⱼ|), windows Hᵢ = [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉).
    As matrices: y = (A_H · x · A_Wᵀ) / (n_H n_Wᵀ), so dL/dx = A_Hᵀ · (dL/dy / (n_H n_Wᵀ)) · A_W."""

    node_name = "AdaptiveAvgPool2DBackward0"
    formula = "dL/dx = A_Hᵀ · (dL/dy ⊘ n_H n_Wᵀ) · A_W"
    array_api = True

    @staticmethod
    def forward(ctx, x, out):
        ah, nh = _adaptive_matrix(x.shape[-2], out[0], x.dtype)
        aw, nw = _adaptive_matrix(x.shape[-1], out[1], x.dtype)
        div = np.outer(nh, nw)
        ctx.save_for_backward(ah, aw, div)
        return (ah @ x @ aw.T) / div

    @staticmethod
    def backward(ctx, grad):
        ah, aw, div = ctx.saved_tensors
        return ah.T @ (grad / div) @ aw
