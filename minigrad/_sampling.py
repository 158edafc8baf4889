"""Sampling kernels behind torch.normal (tensor overloads), bernoulli (tensor p), multinomial, exponential_ and
random_: each draws from a ``minigrad.random.Generator`` exactly as torch's CPU kernels draw from theirs, so the
streams after ``manual_seed`` are bit-identical (tests/test_curriculum_ops_random.py holds them against torch).

What each torch kernel does (aten/src/ATen/native/cpu/DistributionTemplates.h, native/Distributions.cpp):
- normal(mean, std) with a tensor: ``out.normal_(0, 1)`` (randn's stream), then ``out.mul_(std).add_(mean)``.
- exponential_(λ): one ``uniform_real_distribution<double>`` per element (53 bits of a 64-bit draw),
  ``−1/λ · log1p(−u)`` in double, rounded to the tensor's dtype.
- random_(): ``random()`` (32 bits; ``random64()`` for int64/double) modulo 2^digits + 1 for floats, modulo max + 1
  for integers; random_(from, to): ``from + w mod (to − from)``, 64-bit draws when the range is ≥ 2^32.
- bernoulli_(p tensor): one uniform per element, float (24 bits) when p is float32, double (53 bits) when p is
  float64; the value is ``u < p``.
- multinomial with replacement: per row, the cumulative sum of the weights (in their dtype) divided by the total,
  the last bucket set to 1, then per sample a double uniform and a binary search (the first bucket ≥ u); without
  replacement (or one sample): q = exponential_(1) draws, then the top-k (argmax) of p / q.
"""

from __future__ import annotations

import math

import numpy as np

from minigrad.random import Generator, _map_float

__all__ = ["standard_normal", "exponential", "random_integers", "random_from_to", "bernoulli_tensor",
           "multinomial"]

_F64 = np.dtype(np.float64)
_U64 = np.uint64


def standard_normal(gen: Generator, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``empty(shape).normal_(0, 1)``: randn's stream."""
    return gen.normal(shape, dtype, 0.0, 1.0)


def _double_uniforms(gen: Generator, n: int) -> np.ndarray:
    """``uniform_real_distribution<double>(0, 1)``: 53 bits of one 64-bit draw per value."""
    return (gen._random64(n) & _U64(2**53 - 1)).astype(_F64) * 2.0**-53


def exponential(gen: Generator, shape: tuple[int, ...], dtype: np.dtype, lambd: float) -> np.ndarray:
    """−1/λ · log1p(−u) per element, u a double uniform, computed in double then rounded to ``dtype``."""
    n = math.prod(shape)
    u = _double_uniforms(gen, n)
    out = (-1.0 / lambd) * _map_float(math.log1p, -u, np.float64)
    return out.astype(dtype).reshape(shape)


def random_integers(gen: Generator, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``random_()``: uniform over [0, 2^digits] for floats (digits = 24 or 53), [0, max] for integers, [0, 1] for
    bool."""
    n = math.prod(shape)
    wide = dtype in (np.dtype(np.int64), np.dtype(np.float64))
    w = gen._random64(n) if wide else gen._random32(n)
    if dtype.kind == "b":
        return (w & _U64(1)).astype(bool).reshape(shape)
    if dtype.kind == "f":
        digits = np.finfo(dtype).nmant + 1
        return (w % _U64((1 << digits) + 1)).astype(dtype).reshape(shape)
    return (w % _U64(int(np.iinfo(dtype).max) + 1)).astype(dtype).reshape(shape)


def random_from_to(gen: Generator, shape: tuple[int, ...], dtype: np.dtype, low: int, span: int) -> np.ndarray:
    """``random_(from, to)``: ``low + w mod span`` with a 32-bit draw, or a 64-bit one when span ≥ 2^28 (torch
    2.13's threshold: a 32-bit draw's modulo bias would show beyond it)."""
    n = math.prod(shape)
    w = gen._random64(n) if span >= 2**28 else gen._random32(n)
    val = ((w % _U64(span)) + _U64(low & 0xFFFFFFFFFFFFFFFF)).view(np.int64)
    return val.astype(dtype).reshape(shape)


def bernoulli_tensor(gen: Generator, p: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """1 where a uniform draw is below p, per element of ``p`` (in memory order): float uniforms (24 bits) for a
    float32 p, double ones (53 bits) for float64."""
    n = p.size
    if p.dtype == _F64:
        u = _double_uniforms(gen, n)
    else:
        u = (gen._random32(n) & _U64(0xFFFFFF)).astype(np.float32) * np.float32(2.0**-24)
        p = p.astype(np.float32, copy=False)
    return (u.reshape(p.shape) < p).astype(dtype)


def multinomial(gen: Generator, probs: np.ndarray, n_sample: int, replacement: bool) -> np.ndarray:
    """Category indices drawn by weights ``probs`` (1-d, or 2-d: one row per distribution), torch's algorithm."""
    rows = probs.reshape(-1, probs.shape[-1])
    if not replacement or n_sample == 1:
        q = exponential(gen, rows.shape, rows.dtype, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = rows / q
        if n_sample == 1:
            out = np.argmax(ratio, axis=-1)[:, None]
        else:  # torch's topk: the largest first; ties go to the earlier index here
            order = np.argsort(-ratio, axis=-1, kind="stable")
            out = order[:, :n_sample]
    else:
        out = np.empty((rows.shape[0], n_sample), np.int64)
        for i, row in enumerate(rows):
            cum = np.cumsum(row)  # sequential, in the weights' dtype, as torch's loop
            cum = cum / cum[-1]
            cum[-1] = 1
            u = _double_uniforms(gen, n_sample)
            out[i] = np.searchsorted(cum.astype(_F64), u, side="left")
    out = out.astype(np.int64)
    return out.reshape(n_sample) if probs.ndim == 1 else out
