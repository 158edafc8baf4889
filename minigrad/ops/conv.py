"""Convolution (torch's ``ConvolutionBackward0``) as im2col + matrix product, on 2 spatial dims.

A 1-d convolution is the 2-d one with a height of 1 (the surface adds and removes that dim inside the op, so the
graph is one node, as torch's). Shapes: input x (N, C, H, W), weight w (O, C/g, KH, KW), bias b (O,), groups g.
With padding (top, bottom, left, right), stride (sh, sw) and dilation (dh, dw), the output is
(N, O, OH, OW), OH = ⌊(H + top + bottom − dh·(KH − 1) − 1) / sh⌋ + 1 (likewise OW), and

    y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] · xpad[n, g(o)·C/g + c, i·sh + p·dh, j·sw + q·dw].

im2col gathers, for every output position, the C/g·KH·KW input values it reads into one column ("cols"); then
the convolution of each group is W_g · cols, one matrix product.
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


def _taps(k: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int],
          out: tuple[int, int]) -> list[tuple[int, int, slice, slice]]:
    """For each kernel tap (p, q), the strided slices of the padded input that it reads for all outputs:
    rows p·dh + i·sh and columns q·dw + j·sw."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = k, stride, dilation, out
    return [(p, q, slice(p * dh, p * dh + (oh - 1) * sh + 1, sh), slice(q * dw, q * dw + (ow - 1) * sw + 1, sw))
            for p in range(kh) for q in range(kw)]


class Convolution(Function):
    """y = conv(x, w) + b (see the module docstring), computed per group as W · cols, where
    cols (C/g·KH·KW, N·OH·OW) holds in column (n, i, j) the inputs output (n, i, j) reads (im2col, one strided
    copy per kernel tap).

    Backward, with G = dL/dy as a matrix (O/g, N·OH·OW) per group:
        dL/dW = G · colsᵀ                      (O/g, C/g·KH·KW)
        dL/dcols = Wᵀ · G, then col2im         (each input element sums the entries of every window reading it)
        dL/db = Σ_{n, i, j} G
    """

    node_name = "ConvolutionBackward0"
    formula = "dL/dW = G·cols(x)ᵀ ; dL/dx = col2im(Wᵀ·G) ; dL/db = Σ_{n,i,j} G   (G = dL/dy per output position)"
    array_api = True
    edge_args = 3

    @staticmethod
    def forward(ctx, x, w, b, stride, pad, dilation, groups, squeeze1d):
        if squeeze1d:  # (N, C, L) as (N, C, 1, L)
            x, w = x[:, :, None, :], w[:, :, None, :]
        n, _, h, wd = x.shape
        o, cg, kh, kw = w.shape
        (sh, sw), (dh, dw) = stride, dilation
        oh = (h + pad[0] + pad[1] - dh * (kh - 1) - 1) // sh + 1
        ow = (wd + pad[2] + pad[3] - dw * (kw - 1) - 1) // sw + 1
        xp = pad2d(x, pad)
        xg = xp.reshape(n, groups, cg, *xp.shape[2:])
        cols = np.empty((groups, cg, kh, kw, n, oh, ow), dtype=x.dtype)
        for p, q, rows, columns in _taps((kh, kw), stride, dilation, (oh, ow)):
            cols[:, :, p, q] = xg[:, :, :, rows, columns].transpose(1, 2, 0, 3, 4)
        cm = cols.reshape(groups, cg * kh * kw, n * oh * ow)
        wm = w.reshape(groups, o // groups, cg * kh * kw)
        y = np.ascontiguousarray((wm @ cm).reshape(o, n, oh, ow).transpose(1, 0, 2, 3))
        if b is not None:
            y += b.reshape(o, 1, 1)
        nf = ctx.next_functions
        if nf:
            ctx.save_for_backward(cm if nf[1][0] is not None else None, wm if nf[0][0] is not None else None)
            ctx.geometry = (xp.shape, x.shape, pad, stride, dilation, groups, (kh, kw), squeeze1d)
        return y[:, :, 0, :] if squeeze1d else y

    @staticmethod
    def backward(ctx, grad):
        cm, wm = ctx.saved_tensors
        xp_shape, x_shape, pad, stride, dilation, groups, (kh, kw), squeeze1d = ctx.geometry
        nf = ctx.next_functions
        if squeeze1d:
            grad = grad[:, :, None, :]
        n, o, oh, ow = grad.shape
        gm = grad.reshape(n, groups, o // groups, oh * ow).transpose(1, 2, 0, 3).reshape(groups, o // groups, -1)
        gx = gw = gb = None
        if nf[0][0] is not None:
            cg = wm.shape[2] // (kh * kw)
            gcols = (wm.transpose(0, 2, 1) @ gm).reshape(groups, cg, kh, kw, n, oh, ow)
            gxp = np.zeros(xp_shape, dtype=grad.dtype)
            gxg = gxp.reshape(n, groups, cg, *xp_shape[2:])
            for p, q, rows, columns in _taps((kh, kw), stride, dilation, (oh, ow)):
                gxg[:, :, :, rows, columns] += gcols[:, :, p, q].transpose(2, 0, 1, 3, 4)
            gx = gxp[:, :, pad[0] : pad[0] + x_shape[2], pad[2] : pad[2] + x_shape[3]]
            if squeeze1d:
                gx = gx[:, :, 0, :]
        if nf[1][0] is not None:
            gw = (gm @ cm.transpose(0, 2, 1)).reshape(o, -1, kh, kw)
            if squeeze1d:
                gw = gw[:, :, 0, :]
        if nf[2][0] is not None:
            gb = grad.sum(axis=(0, 2, 3))
        return gx, gw, gb
