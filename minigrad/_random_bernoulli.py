"""torch's CPU ``bernoulli_(p)`` with a scalar p (dropout's mask), reproduced from the generator's stream.

ATen's scalar-p kernel takes one of two paths (aten/src/ATen/native/cpu/DistributionKernels.cpp,
``bernoulli_scalar_kernel``):

* MKL build on an Intel CPU (cpuinfo reports the vendor of processor 0 as Intel): one 32-bit ``random()`` word
  seeds MKL's VSL ``MCG31`` stream and ``viRngBernoulli`` (ICDF method) fills the tensor (in chunks that skip
  ahead in the same stream, so the result is one stream in memory order). MCG31m1 is the multiplicative
  congruential generator xₙ₊₁ = a·xₙ mod m, a = 1132489760, m = 2³¹ − 1, x₀ = seed mod m (1 if that is 0); its
  uniforms are uₙ = xₙ/m starting with u₀ = x₀/m, and Bernoulli's ICDF gives 1 where uₙ < p. (Checked against
  MKL's own viRngBernoulli through ctypes: tests/test_layers_dropout.py.)
* otherwise (AMD and other vendors, or no MKL): element by element in memory order,
  ``bernoulli_distribution<double>(p)``: u = uniform double from ``random64()`` (53 bits × 2⁻⁵³), result ``u < p``.

``torch_uses_mkl_stream()`` tells which path torch takes on this machine; ``bernoulli_scalar`` takes the same one.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from minigrad.random import Generator

__all__ = ["bernoulli_scalar", "torch_uses_mkl_stream", "cpu_vendor", "mcg31_uniforms"]


@cache
def cpu_vendor() -> str:
    """The CPU vendor string (``GenuineIntel``, ``AuthenticAMD``...) of processor 0, from /proc/cpuinfo (Linux);
    '' when unknown."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("vendor_id"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def torch_uses_mkl_stream() -> bool:
    """True where torch's x86 CPU build (MKL) draws scalar-p bernoulli from MKL's MCG31 stream: Intel CPUs."""
    return cpu_vendor() == "GenuineIntel"


_MCG31_A = 1132489760
_MCG31_M = 2**31 - 1
_BLOCK = 1024


def mcg31_uniforms(seed: int, n: int) -> np.ndarray:
    """The first n uniforms u = x/m of MKL's MCG31m1 stream seeded with ``seed`` (see the module docstring),
    computed in blocks: x_{jB+k} = x_{jB}·aᵏ mod m (products < 2⁶², exact in int64)."""
    x0 = seed % _MCG31_M or 1
    powers = np.empty(_BLOCK, dtype=np.int64)
    powers[0] = 1
    for k in range(1, _BLOCK):
        powers[k] = powers[k - 1] * _MCG31_A % _MCG31_M
    step = int(powers[-1]) * _MCG31_A % _MCG31_M  # a^B
    starts = np.empty(-(-n // _BLOCK), dtype=np.int64)
    x = x0
    for j in range(starts.size):
        starts[j] = x
        x = x * step % _MCG31_M
    xs = (starts[:, None] * powers[None, :]) % _MCG31_M
    return xs.reshape(-1)[:n] / float(_MCG31_M)


def bernoulli_scalar(gen: Generator, shape: tuple[int, ...], p: float, dtype: np.dtype,
                     mkl_stream: bool | None = None) -> np.ndarray:
    """A ``dtype`` array of 0/1 with P(1) = p, drawn as torch's CPU kernel draws it on this machine (or as named
    by ``mkl_stream``): MKL's MCG31 stream seeded by one ``random()`` word, or ``u < p`` for 53-bit uniform
    doubles in memory order (two 32-bit words each)."""
    n = math.prod(shape)
    if torch_uses_mkl_stream() if mkl_stream is None else mkl_stream:
        seed = int(gen._random32(1)[0])
        u = mcg31_uniforms(seed, n)
    else:
        u = gen._uniform01(n, np.dtype(np.float64))
    return (u < p).astype(dtype).reshape(shape)
