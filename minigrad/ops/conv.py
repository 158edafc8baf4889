"""Convolution (torch's ``ConvolutionBackward0``) as im2col + matrix product, on 2 spatial dims.

A 1-d convolution is the 2-d one with a height of 1 (the surface adds and removes that dim inside the op, so the
graph is one node, as torch's). Shapes: input x (N, C, H, W), weight w (O, C/g, KH, KW), bias b (O,), groups g.
With padding (top, bottom, left, right), stride (sh, sw) and dilation (dh, dw), the output is
(N, O, OH, OW), OH = ⌊(H + top + bottom − dh·(KH − 1) − 1) / sh⌋ + 1 (likewise OW), and

    y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] · xpad[n, g(o)·C/g + c, i·sh + p·dh, j·sw + q·dw].

im2col gathers, for every output position, the C/g·KH·KW input values it reads into one row ("cols"); then the
convolution of each group is cols · W_gᵀ, one matrix product.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from minigrad.autograd.function import Function

__all__ = ["Convolution", "pad2d", "windows", "col2im"]


def pad2d(x: np.ndarray, pad: tuple[int, int, int, int], value: float = 0.0) -> np.ndarray:
    """x with (top, bottom, left, right) constant padding on its last two dims (x itself when there is none)."""
    if not any(pad):
        return x
    t, b, left, r = pad
    return np.pad(x, ((0, 0),) * (x.ndim - 2) + ((t, b), (left, r)), constant_values=value)


def windows(xp: np.ndarray, k: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int],
            out: tuple[int, int]) -> np.ndarray:
    """A strided view (..., OH, OW, KH, KW) of padded input: window (i, j) element (p, q) is
    xp[..., i·sh + p·dh, j·sw + q·dw]. No copy."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = k, stride, dilation, out
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    v = sliding_window_view(xp, span, axis=(-2, -1))
    return v[..., : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw, ::dh, ::dw]


def col2im(g: np.ndarray, shape: tuple[int, ...], stride: tuple[int, int], dilation: tuple[int, int]) -> np.ndarray:
    """The adjoint of ``windows``: g (..., OH, OW, KH, KW) summed back into an array of the padded ``shape``
    (each input element receives the sum of the window entries that read it)."""
    oh, ow, kh, kw = g.shape[-4:]
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros(shape, dtype=g.dtype)
    for p in range(kh):
        for q in range(kw):
            out[..., p * dh : p * dh + (oh - 1) * sh + 1 : sh, q * dw : q * dw + (ow - 1) * sw + 1 : sw] += g[..., p, q]
    return out


class Convolution(Function):
    """y = conv(x, w) + b (see the module docstring), computed as cols·Wᵀ per group.

    Backward, with G = dL/dy as a matrix (N·OH·OW, O) per group:
        dL/dW = Gᵀ · cols                      (O, C/g·KH·KW)
        dL/dcols = G · W, then col2im          (each input element sums the entries of every window reading it)
        dL/db = Σ_{n, i, j} G
    """

    node_name = "ConvolutionBackward0"
    formula = "dL/dW = Gᵀ·cols(x) ; dL/dx = col2im(G·W) ; dL/db = Σ_{n,i,j} G   (G = dL/dy per output position)"
    array_api = True
    edge_args = 3

    @staticmethod
    def forward(ctx, x, w, b, stride, pad, dilation, groups, squeeze1d):  # type: ignore[no-untyped-def]
        if squeeze1d:  # (N, C, L) as (N, C, 1, L)
            x, w = x[:, :, None, :], w[:, :, None, :]
        n, _, h, wd = x.shape
        o, cg, kh, kw = w.shape
        (sh, sw), (dh, dw) = stride, dilation
        oh = (h + pad[0] + pad[1] - dh * (kh - 1) - 1) // sh + 1
        ow = (wd + pad[2] + pad[3] - dw * (kw - 1) - 1) // sw + 1
        xp = pad2d(x, pad)
        v = windows(xp, (kh, kw), stride, dilation, (oh, ow))  # (N, C, OH, OW, KH, KW)
        og = o // groups
        # cols[g]: (N·OH·OW, C/g·KH·KW), channel-major as the weight's (C/g, KH, KW) rows
        v = v.reshape(n, groups, cg, oh, ow, kh, kw).transpose(1, 0, 3, 4, 2, 5, 6)
        cols = v.reshape(groups, n * oh * ow, cg * kh * kw)
        wm = w.reshape(groups, og, cg * kh * kw)
        y = cols @ wm.transpose(0, 2, 1) if groups > 1 else (cols[0] @ wm[0].T)[None]  # (g, N·OH·OW, O/g)
        y = y.reshape(groups, n, oh, ow, og).transpose(1, 0, 4, 2, 3).reshape(n, o, oh, ow)
        if b is not None:
            y += b.reshape(o, 1, 1)
        nf = ctx.next_functions
        if nf:
            ctx.save_for_backward(cols if nf[1][0] is not None else None, wm if nf[0][0] is not None else None)
            ctx.geometry = (xp.shape, x.shape, pad, stride, dilation, groups, (kh, kw), squeeze1d)
        return y[:, :, 0, :] if squeeze1d else y

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        cols, wm = ctx.saved_tensors
        xp_shape, x_shape, pad, stride, dilation, groups, (kh, kw), squeeze1d = ctx.geometry
        nf = ctx.next_functions
        if squeeze1d:
            grad = grad[:, :, None, :]
        n, o, oh, ow = grad.shape
        og = o // groups
        gm = grad.reshape(n, groups, og, oh, ow).transpose(1, 0, 3, 4, 2).reshape(groups, n * oh * ow, og)
        gx = gw = gb = None
        if nf[0][0] is not None:
            gcols = gm @ wm  # (g, N·OH·OW, C/g·KH·KW)
            cg = wm.shape[2] // (kh * kw)
            gcols = gcols.reshape(groups, n, oh, ow, cg, kh, kw).transpose(1, 0, 4, 2, 3, 5, 6)
            gcols = gcols.reshape(n, groups * cg, oh, ow, kh, kw)
            gxp = col2im(gcols, xp_shape, stride, dilation)
            gx = gxp[:, :, pad[0] : pad[0] + x_shape[2], pad[2] : pad[2] + x_shape[3]]
            if squeeze1d:
                gx = gx[:, :, 0, :]
        if nf[1][0] is not None:
            gw = (gm.transpose(0, 2, 1) @ cols).reshape(o, -1, kh, kw)  # (g, O/g, C/g·KH·KW)
            if squeeze1d:
                gw = gw[:, :, 0, :]
        if nf[2][0] is not None:
            gb = grad.sum(axis=(0, 2, 3))
        return gx, gw, gb
