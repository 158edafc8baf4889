"""torch's CPU ``bernoulli_(p)`` with a scalar p (dropout's mask), reproduced from the generator's stream.

ATen's scalar-p kernel takes one of two paths (aten/src/ATen/native/cpu/DistributionKernels.cpp,
``bernoulli_scalar_kernel``):

* MKL build on an Intel CPU (cpuinfo reports the vendor of processor 0 as Intel): one 32-bit ``random()`` word
  seeds MKL's VSL ``MCG31`` stream and ``viRngBernoulli`` (ICDF method) fills the tensor. That stream lives in
  MKL and this module does not reproduce it (see the README's known differences).
* otherwise (AMD and other vendors, or no MKL): element by element in memory order,
  ``bernoulli_distribution<double>(p)``: u = uniform double from ``random64()`` (53 bits × 2⁻⁵³), result ``u < p``.

``torch_uses_mkl_stream()`` tells which path torch takes on this machine.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from minigrad.random import Generator

__all__ = ["bernoulli_scalar", "torch_uses_mkl_stream", "cpu_vendor"]


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


def bernoulli_scalar(gen: Generator, shape: tuple[int, ...], p: float, dtype: np.dtype) -> np.ndarray:
    """A ``dtype`` array of 0/1 with P(1) = p: torch's non-MKL path, ``u < p`` for u = 53-bit uniform doubles
    drawn in memory order (two 32-bit words each)."""
    n = math.prod(shape)
    u = gen._uniform01(n, np.dtype(np.float64))
    return (u < p).astype(dtype).reshape(shape)
