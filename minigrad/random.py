"""PyTorch's CPU random number generation, reproduced bit for bit with NumPy.

PyTorch's CPU generator is a 32-bit Mersenne Twister (MT19937) seeded with the
reference ``init_genrand(seed & 0xffffffff)``.  NumPy's ``MT19937`` bit generator
produces the same raw 32-bit stream once its key/position are set accordingly,
so every distribution below draws raw words from NumPy and applies the exact
transformation (and floating-point rounding) that ATen applies:

* ``random()`` is one 32-bit word; ``random64()`` is two words ``(first << 32) | second``.
* uniform float32 ``u = (w & (2**24 - 1)) * 2**-24`` from one word, float64
  ``u = (w64 & (2**53 - 1)) * 2**-53`` from two; then ``u * (to - from) + from``
  in the tensor's precision, mapping a result equal to ``to`` back to ``from``.
* normal, 16 or more elements of a contiguous tensor: fill with uniforms, then a
  Box-Muller per block of 16 (``u1 = 1 - u[i]``, ``u2 = u[i + 8]``, outputs
  ``r cos`` at i and ``r sin`` at i + 8); if the size is not a multiple of 16 the
  last 16 outputs are recomputed from 16 fresh uniforms.
* normal otherwise: double-precision Box-Muller per pair of 53-bit uniforms; the
  sine twin is cached on the generator (and in its state) for the next draw.
* randint: ``w % range + low`` with ``w`` a 32-bit word, or a 64-bit one when
  ``range >= 2**28``.  randperm: Fisher-Yates with ``random() % (n - i)``.

Floating-point details that depend on how ATen was compiled follow ``cpu_capability``,
detected like ATen's dispatcher (the ``ATEN_CPU_CAPABILITY`` environment variable
wins; the module attribute may also be assigned):

* ``"avx2"`` / ``"avx512"``: GCC contracts ``a * b + c`` into fused multiply-adds,
  so the affine steps of uniform and of the per-element normal are fused.
* ``"avx2"`` / ``"avx512"``: float32 normal blocks use the Cephes-style ``log256_ps``
  and ``sincos256_ps`` of ATen's ``avx_mathfun.h``, emulated operation by operation
  (including the multiply-adds the compiler fused). The AVX512 build of the kernel
  is compiled with ``__AVX2__`` defined too, so it takes the same 256-bit path.
* ``"default"``: float32 normal blocks call the C library's ``logf``/``cosf``/``sinf``
  (reached through ``ctypes``).

Double-precision ``log``/``log1p``/``cos``/``sin`` come from the C library through
:mod:`math`, as in ATen.  Verified against torch 2.13 on Linux x86-64 for the
``avx512``, ``avx2`` and ``default`` kernels; other platforms follow the same
reading of ATen's source but are unverified.  Nothing here imports torch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import operator
import platform
import secrets
import struct
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import cache

import numpy as np
from numpy.typing import DTypeLike

from minigrad._cpu import CPU_CAPABILITY
from minigrad._tensor_base import TensorBase, wrap

__all__ = [
    "Generator",
    "cpu_capability",
    "default_generator",
    "get_rng_state",
    "initial_seed",
    "manual_seed",
    "seed",
    "set_rng_state",
]

DEFAULT_SEED = 67280421310721  # c10::default_rng_seed_val
_N = 624  # MT19937 state words
_STATE_BYTES = 5056  # sizeof(at::detail::CPUGeneratorImplState)
_LEGACY_HEADER = struct.Struct("<QiiQ")  # the_initial_seed, left, seeded, next
_NORMAL_OFFSET = _LEGACY_HEADER.size + 8 * _N  # normal_x, normal_y, normal_rho, normal_is_valid
_NORMAL_FIELDS = struct.Struct("<dddi")
_FLOAT_FIELDS = struct.Struct("<f?")  # next_float_normal_sample, is_..._valid
_FLOAT_OFFSET = 5048
_RANDPERM_SMALL_N = 0xFFFFFFFF // 20  # larger n switches torch to a random64 algorithm

_f32 = np.float32
_f64 = np.float64
_u64 = np.uint64

Shape = int | Sequence[int]


# --------------------------------------------------------------------------- CPU capability


# (detected in minigrad/_cpu.py, which the ops read too; assigning this attribute changes this module's kernels)
cpu_capability: str = CPU_CAPABILITY
_X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686", "x86")


def _fused() -> bool:
    """Whether ATen's kernels contract ``a * b + c`` into an FMA: GCC does so wherever FMA
    instructions exist (the AVX2/AVX512 kernels; every kernel on AArch64)."""
    return cpu_capability != "default" or not _X86


# --------------------------------------------------------------------------- exact arithmetic helpers


def _fma32(a: np.ndarray, b: np.ndarray | np.floating | float, c: np.ndarray | np.floating | float) -> np.ndarray:
    """Correctly rounded float32 ``a * b + c``.

    The product of two floats is exact in double, so ``s = p + c`` in double is
    the exact result rounded once.  Rounding ``s`` again to float32 can only go
    wrong when ``s`` landed exactly on a float32 midpoint (or in the float32
    subnormal range); there the inexact ``s`` is nudged one ulp towards the
    exact value (round-to-odd), which makes the final rounding correct.
    """
    p = np.multiply(a, b, dtype=_f64)
    c64 = np.asarray(c, _f64)
    s = p + c64
    bits = s.view(np.int64)
    suspect = ((bits & 0x1FFFFFFF) == 0x10000000) | ((np.abs(s) < 2.0**-126) & (s != 0))
    if suspect.any():
        idx = np.nonzero(suspect)
        si, err = _two_sum(np.broadcast_to(p, s.shape)[idx], np.broadcast_to(c64, s.shape)[idx])
        ibits = si.view(np.int64)
        fix = (err != 0) & np.isfinite(err) & ((ibits & 1) == 0)
        step = np.where((err > 0) == (si > 0), 1, -1)
        s[idx] = np.where(fix, ibits + step, ibits).view(_f64)
    return s.astype(_f32)


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Knuth's error-free sum: ``a + b == s + e`` exactly."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp split of a double into two 26-bit halves."""
    t = 134217729.0 * a  # 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


def _fma64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """Correctly rounded float64 ``a * b + c`` (Boldo & Melquiond's emulated FMA).

    ``a*b = uh + ul`` exactly (Dekker), ``c + uh = th + tl`` exactly (TwoSum),
    ``v = round_to_odd(tl + ul)``, result ``th + v``.  Products too large or too
    small for Dekker's split (beyond about 2**+-960) are done in exact rationals.
    """
    a = np.asarray(a, _f64)
    b64 = np.full_like(a, b)
    c64 = np.full_like(a, c)
    uh = a * b64
    ah, al = _split(a)
    bh, bl = _split(b64)
    ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl
    th, tl = _two_sum(c64, uh)
    v, e = _two_sum(tl, ul)
    bits = v.view(np.int64)
    fix = (e != 0) & ((bits & 1) == 0)
    v = np.where(fix, bits + np.where((e > 0) == (v > 0), 1, -1), bits).view(_f64)
    out = th + v
    finite = np.isfinite(a) & math.isfinite(b) & math.isfinite(c)
    mag = np.abs(uh)
    exotic = finite & (~np.isfinite(out) | (mag > 2.0**960) | ((mag < 2.0**-960) & (a != 0) & (b != 0)))
    # exact zeros take their sign from a*b + c (IEEE); non-finite inputs need no rounding care
    plain = ~finite | (out == 0) & ~exotic
    if plain.any():
        out = np.where(plain, uh + c64, out)
    for i in zip(*np.nonzero(exotic)):
        exact = Fraction(float(a[i])) * Fraction(b) + Fraction(c)
        try:
            out[i] = float(exact) if exact else float(a[i]) * b + c
        except OverflowError:
            out[i] = math.inf if exact > 0 else -math.inf
    return out


def _affine(x: np.ndarray, scale: float, shift: float, fused: bool) -> np.ndarray:
    """``x * scale + shift`` in x's precision, fused (one rounding) or not (two)."""
    if scale == 1 and shift == 0:
        return x + x.dtype.type(shift)  # exact, with the FMA's signed-zero rule
    with np.errstate(over="ignore", invalid="ignore"):  # inf/nan results are torch's too
        if x.dtype == _f32:
            if fused:
                return _fma32(x, _f32(scale), _f32(shift))
            return x * _f32(scale) + _f32(shift)
        if fused:
            return _fma64(x, float(scale), float(shift))
        return x * scale + shift


# --------------------------------------------------------------------------- Box-Muller blocks of 16


# Cephes single-precision constants used by ATen's avx_mathfun.h
_LOG_P = [_f32(v) for v in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                            1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                            3.3333331174e-1)]  # fmt: skip
_LOG_Q1 = _f32(-2.12194440e-4)
_LOG_Q2 = _f32(0.693359375)
_SQRTHF = _f32(0.707106781186547524)
_MIN_NORM = np.array(0x00800000, np.int32).view(_f32)
_DP1, _DP2, _DP3 = _f32(-0.78515625), _f32(-2.4187564849853515625e-4), _f32(-3.77489497744594108e-8)
_SIN_P = [_f32(v) for v in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)]
_COS_P = [_f32(v) for v in (2.443315711809948e-005, -1.388731625493765e-003, 4.166664568298827e-002)]
_FOPI = _f32(1.27323954473516)  # 4 / pi
_SIGN = np.int32(-(2**31))


def _log256_ps(x: np.ndarray) -> np.ndarray:
    """Emulates ``log256_ps`` for positive float32 x (as compiled: Horner steps fused)."""
    x = np.maximum(x, _MIN_NORM)
    ix = x.view(np.int32)
    e = ((ix >> 23) - 127).astype(_f32) + _f32(1)
    x = ((ix & ~0x7F800000) | 0x3F000000).view(_f32)  # mantissa in [0.5, 1)
    small = x < _SQRTHF
    x = (x - _f32(1)) + np.where(small, x, _f32(0))
    e = e - np.where(small, _f32(1), _f32(0))
    z = x * x
    y = np.full_like(x, _LOG_P[0])
    for p in _LOG_P[1:]:
        y = _fma32(y, x, p)
    y = y * x
    y = _fma32(y, z, e * _LOG_Q1)
    y = y - z * _f32(0.5)
    return (x + y) + e * _LOG_Q2  # e * Q2 is exact, so fusing changes nothing


def _sincos256_ps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Emulates ``sincos256_ps`` for float32 x (Cephes reduction by pi/4, fused steps)."""
    sign_sin = x.view(np.int32) & _SIGN
    x = np.abs(x)
    j = (x * _FOPI).astype(np.int32)  # truncation, like _mm256_cvttps_epi32
    j = (j + 1) & ~1
    y = j.astype(_f32)
    sign_sin = sign_sin ^ ((j & 4) << 29)
    sign_cos = (~(j - 2) & 4) << 29
    poly_sin = (j & 2) == 0
    x = x + y * _DP1  # exact products (few significant bits)
    x = x + y * _DP2
    x = _fma32(y, _DP3, x)
    z = x * x
    c = _fma32(_fma32(np.full_like(z, _COS_P[0]), z, _COS_P[1]), z, _COS_P[2]) * z
    c = _fma32(c, z, -(z * _f32(0.5))) + _f32(1)
    s = _fma32(_fma32(np.full_like(z, _SIN_P[0]), z, _SIN_P[1]), z, _SIN_P[2]) * z
    s = _fma32(s, x, x)
    zero = _f32(0)
    sin_part = np.where(poly_sin, s, zero)
    cos_part = np.where(poly_sin, zero, c)
    out_sin = cos_part + sin_part
    out_cos = (c - cos_part) + (s - sin_part)
    return (
        (out_sin.view(np.int32) ^ sign_sin).view(_f32),
        (out_cos.view(np.int32) ^ sign_cos).view(_f32),
    )


@cache
def _libm_float_functions() -> tuple[Callable[[float], float], ...] | None:
    """``logf``, ``cosf``, ``sinf`` from the C math library, or None if unavailable."""
    name = ctypes.util.find_library("m") or ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name)
        funcs = tuple(getattr(lib, f) for f in ("logf", "cosf", "sinf"))
    except (OSError, AttributeError, TypeError):
        return None
    for f in funcs:
        f.restype = ctypes.c_float
        f.argtypes = [ctypes.c_float]
    return funcs


def _map_float(func: Callable[[float], float], x: np.ndarray, dtype: type) -> np.ndarray:
    return np.fromiter(map(func, x.ravel().tolist()), dtype, x.size).reshape(x.shape)


def _normal_blocks(u: np.ndarray, mean: float, std: float, capability: str) -> np.ndarray:
    """Box-Muller on rows of 16 uniforms (``NormalFill16``): returns the normal rows."""
    first, second = u[:, :8], u[:, 8:]
    out = np.empty_like(u)
    if u.dtype == _f64:  # scalar template, double, C library functions
        radius = np.sqrt(-2.0 * _map_float(math.log, 1.0 - first, _f64))
        theta = (2.0 * math.pi) * second
        out[:, :8] = radius * _map_float(math.cos, theta, _f64)
        out[:, 8:] = radius * _map_float(math.sin, theta, _f64)
        return _affine(out, std, mean, fused=True)  # explicit std::fma
    u1 = _f32(1) - first
    if capability in ("avx2", "avx512"):  # ATen's AVX512 kernel is built with __AVX2__ defined
        radius = np.sqrt(_f32(-2) * _log256_ps(u1))
        sin, cos = _sincos256_ps(_f32(2.0 * math.pi) * second)
    else:
        theta = ((2.0 * math.pi) * second.astype(_f64)).astype(_f32)
        funcs = _libm_float_functions()
        if funcs is None:  # correctly rounded stand-ins; libm may differ in the last bit
            log = np.log(u1.astype(_f64)).astype(_f32)
            cos = np.cos(theta.astype(_f64)).astype(_f32)
            sin = np.sin(theta.astype(_f64)).astype(_f32)
        else:
            args: tuple[np.ndarray, np.ndarray, np.ndarray] = (u1, theta, theta)
            log, cos, sin = (_map_float(f, v, _f32) for f, v in zip(funcs, args, strict=True))
        radius = np.sqrt(_f32(-2) * log)
    out[:, :8] = radius * cos
    out[:, 8:] = radius * sin
    return _affine(out, std, mean, fused=True)  # explicit fmadd / std::fma


# --------------------------------------------------------------------------- helpers


def _as_shape(shape: Shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    out = tuple(operator.index(s) for s in shape)
    if any(s < 0 for s in out):
        raise ValueError(f"negative dimension in shape {out}")
    return out


def _float_dtype(dtype: DTypeLike) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in (np.dtype(_f32), np.dtype(_f64)):
        raise TypeError(f"expected dtype float32 or float64, got {dt}")
    return dt


def _to_uint64(seed: int) -> int:
    if seed < -(2**63) or seed >= 2**64:
        raise ValueError(f"seed {seed} is outside [-2**63, 2**64)")
    return seed & 0xFFFFFFFFFFFFFFFF


def _init_genrand(seed: int) -> np.ndarray:
    """Reference MT19937 ``init_genrand`` key for the low 32 bits of ``seed``."""
    key = [seed & 0xFFFFFFFF]
    for i in range(1, _N):
        prev = key[-1]
        key.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
    return np.array(key, np.uint32)


# --------------------------------------------------------------------------- Generator


class Generator:
    """A CPU generator with ``torch.Generator``'s seeding, state format and streams."""

    def __init__(self, device: str = "cpu") -> None:
        if str(device) != "cpu":
            raise ValueError(f"only the 'cpu' device is supported, got {device!r}")
        self._bitgen = np.random.MT19937(0)
        self.manual_seed(DEFAULT_SEED)

    @property
    def device(self) -> str:
        return "cpu"

    def __repr__(self) -> str:
        return f"Generator(device='cpu', initial_seed={self._seed})"

    # ----------------------------------------------------------------- seeding and state

    def manual_seed(self, seed: int) -> Generator:
        """Seed like torch: any int in [-2**63, 2**64) (negatives wrap to uint64);
        the MT19937 key uses its low 32 bits.  Clears the cached normal samples."""
        if isinstance(seed, bool):
            raise TypeError("manual_seed expected an int, got bool")
        self._seed = _to_uint64(operator.index(seed))
        self._set_engine(_init_genrand(self._seed), pos=_N, next_=0)
        self._next_double_normal: float | None = None
        self._next_float_normal: float | None = None
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        """Reseed from 64 bits of OS entropy (like ``/dev/urandom`` in torch); return it."""
        s = secrets.randbits(64)
        self.manual_seed(s)
        return s

    def _set_engine(self, key: np.ndarray, pos: int, next_: int | None) -> None:
        self._bitgen.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        # torch keeps a separate ``next_`` index; it only differs from NumPy's ``pos``
        # before the first draw after seeding (0) or after loading a state.
        self._next_override = next_

    def get_state(self) -> TensorBase:
        """The 5056-byte ``CPUGeneratorImplState`` torch's ``get_state()`` returns, as a ByteTensor (uint8, 1-d)."""
        st = self._bitgen.state["state"]
        pos = int(st["pos"])
        nxt = pos if self._next_override is None else self._next_override
        buf = bytearray(_STATE_BYTES)
        _LEGACY_HEADER.pack_into(buf, 0, self._seed, _N + 1 - pos, 1, nxt)
        buf[_LEGACY_HEADER.size : _NORMAL_OFFSET] = np.asarray(st["key"], "<u8").tobytes()
        cached, cached_f = self._next_double_normal, self._next_float_normal
        _NORMAL_FIELDS.pack_into(buf, _NORMAL_OFFSET, 0.0, 0.0 if cached is None else cached, 0.0, cached is not None)
        _FLOAT_FIELDS.pack_into(buf, _FLOAT_OFFSET, 0.0 if cached_f is None else cached_f, cached_f is not None)
        return wrap(np.frombuffer(bytes(buf), np.uint8).copy())

    def set_state(self, new_state: object) -> Generator:
        """Load a state from :meth:`get_state` or from ``torch.Generator.get_state()`` (a uint8 tensor of 5056
        bytes, any shape, contiguous), with torch's errors for anything else."""
        if not isinstance(new_state, TensorBase):
            kind = type(new_state)
            name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
            raise TypeError(f"expected a minigrad.ByteTensor, but got {name}")
        arr = new_state._data
        if arr.dtype != np.uint8:
            raise TypeError("RNG state must be a minigrad.ByteTensor")
        if not arr.flags.c_contiguous:
            raise RuntimeError("RNG state must be contiguous")
        if arr.size != _STATE_BYTES:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG "
                               f"state size to be {arr.size}")
        raw = arr.reshape(-1).tobytes()
        seed, left, seeded, nxt = _LEGACY_HEADER.unpack_from(raw, 0)
        nxt &= 0xFFFFFFFF
        if not seeded or not 0 < left <= _N or nxt > _N:
            raise RuntimeError("Invalid mt19937 state")
        if left == 1:  # the next draw regenerates the whole key
            pos, override = _N, nxt
        elif left + nxt == _N + 1:
            pos, override = nxt, None
        else:
            raise ValueError("unsupported mt19937 state: left + next must be 625")
        key = np.frombuffer(raw, "<u8", _N, _LEGACY_HEADER.size).astype(np.uint32)
        _, normal_y, _, normal_valid = _NORMAL_FIELDS.unpack_from(raw, _NORMAL_OFFSET)
        float_sample, float_valid = _FLOAT_FIELDS.unpack_from(raw, _FLOAT_OFFSET)
        self._seed = seed
        self._set_engine(key, pos, override)
        self._next_double_normal = normal_y if normal_valid else None
        self._next_float_normal = float_sample if float_valid else None
        return self

    # ----------------------------------------------------------------- raw draws

    def _random32(self, n: int) -> np.ndarray:
        """``n`` raw 32-bit words (``random()``), as uint64."""
        if n > 0:
            self._next_override = None
        return self._bitgen.random_raw(n)

    def _random64(self, n: int) -> np.ndarray:
        """``n`` 64-bit words (``random64()``): ``(first << 32) | second``."""
        w = self._random32(2 * n)
        return (w[0::2] << _u64(32)) | w[1::2]

    def _uniform01(self, n: int, dtype: np.dtype) -> np.ndarray:
        """``uniform_real_distribution(0, 1)``: 24 bits of one word, or 53 bits of two."""
        if dtype == _f32:
            return (self._random32(n) & _u64(0xFFFFFF)).astype(_f32) * _f32(2.0**-24)
        return (self._random64(n) & _u64(2**53 - 1)).astype(_f64) * 2.0**-53

    # ----------------------------------------------------------------- distributions

    def uniform(self, shape: Shape, dtype: DTypeLike = _f32, low: float = 0.0, high: float = 1.0) -> np.ndarray:
        """``torch.rand`` / ``Tensor.uniform_(low, high)``: one draw per element, in order."""
        dt, shape = _float_dtype(dtype), _as_shape(shape)
        low, high = float(low), float(high)
        fmax = float(np.finfo(dt).max)
        for name, v in (("from", low), ("to", high)):
            if not -fmax <= v <= fmax:
                raise ValueError(f"{name} is out of bounds for {dt}")
        if not low <= high:
            raise ValueError(f"uniform expects a [from, to) range, but found from={low} > to={high}")
        if high - low > fmax:
            raise ValueError(f"uniform expects to - from <= {fmax}, got to={high}, from={low}")
        lo, hi = dt.type(low), dt.type(high)
        with np.errstate(over="ignore"):
            width = hi - lo  # the kernel's own check, in the tensor's precision
        if not np.isfinite(width):
            raise ValueError(f"uniform expects to - from <= {fmax} in {dt}, got to={high}, from={low}")
        x = self._uniform01(math.prod(shape), dt)
        if lo == 0 and hi == 1:
            return x.reshape(shape)  # x * 1 + 0 is exact and never reaches 1
        out = _affine(x, width, lo, fused=_fused())
        out[out == hi] = lo
        return out.reshape(shape)

    def normal(self, shape: Shape, dtype: DTypeLike = _f32, mean: float = 0.0, std: float = 1.0,
               contiguous: bool = True) -> np.ndarray:
        """``torch.randn`` / ``Tensor.normal_(mean, std)``.

        16+ elements of a contiguous tensor: uniforms transformed by blocks of 16
        (see the module docstring).  Otherwise (fewer elements, or ``contiguous=False``:
        torch's path for non-contiguous tensors, which it fills in memory order) each
        element is ``mean + std * z`` for ``z`` from a double Box-Muller pair
        ``r = sqrt(-2 log1p(-u2))``, ``theta = 2 pi u1``: ``r cos(theta)`` first, then
        ``r sin(theta)``, which is cached on the generator if the call ends first.
        """
        dt, shape = _float_dtype(dtype), _as_shape(shape)
        mean, std = float(mean), float(std)
        if not std >= 0.0:
            raise ValueError(f"normal expects std >= 0.0, but found std {std}")
        n = math.prod(shape)
        if n >= 16 and contiguous:
            return self._normal_fill(n, dt, mean, std).reshape(shape)
        z = self._standard_normals(n)
        with np.errstate(over="ignore"):
            return _affine(z, std, mean, fused=_fused()).astype(dt).reshape(shape)

    def _standard_normals(self, n: int) -> np.ndarray:
        """``n`` doubles from ``normal_distribution<double>``, consuming and refilling the cache."""
        head = []
        if n and self._next_double_normal is not None:
            head, self._next_double_normal = [self._next_double_normal], None
        pairs = (n - len(head) + 1) // 2
        u = (self._random64(2 * pairs) & _u64(2**53 - 1)).astype(_f64) * 2.0**-53
        radius = np.sqrt(-2.0 * _map_float(math.log1p, -u[1::2], _f64))
        theta = (2.0 * math.pi) * u[0::2]
        z = np.empty(2 * pairs)
        z[0::2] = radius * _map_float(math.cos, theta, _f64)
        z[1::2] = radius * _map_float(math.sin, theta, _f64)
        if (n - len(head)) % 2:
            self._next_double_normal = float(z[-1])
        return np.concatenate([head, z[: n - len(head)]])

    def _normal_fill(self, n: int, dt: np.dtype, mean: float, std: float) -> np.ndarray:
        data = self._uniform01(n, dt)
        full = n - n % 16
        data[:full] = _normal_blocks(data[:full].reshape(-1, 16), mean, std, cpu_capability).reshape(-1)
        if n % 16:  # torch redraws and recomputes the last 16 values
            data[n - 16 :] = _normal_blocks(self._uniform01(16, dt).reshape(1, 16), mean, std, cpu_capability)[0]
        return data

    def randint(self, low: int, high: int, shape: Shape, dtype: DTypeLike = np.int64) -> np.ndarray:
        """``torch.randint(low, high, shape)``: ``w % (high - low) + low``, one word per
        element, or one 64-bit draw when ``high - low >= 2**28``."""
        dt, shape = np.dtype(dtype), _as_shape(shape)
        low, high = operator.index(low), operator.index(high)
        if not low < high:
            raise ValueError(f"randint expects low < high, but got low={low} >= high={high}")
        if not -(2**63) <= low or not high <= 2**63 - 1:
            raise ValueError("randint bounds must fit in int64")
        if dt.kind not in "biuf":
            raise TypeError(f"unsupported dtype {dt}")
        if dt.kind == "f":  # torch only warns when the bounds exceed 2**digits
            low, high = _float_randint_bounds(low, high, dt)
        else:
            vmin, vmax = (0, 1) if dt.kind == "b" else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
            if not vmin <= low <= high - 1 <= vmax:
                raise ValueError(f"randint range [{low}, {high}) does not fit in {dt}")
        n = math.prod(shape)
        span = high - low
        words = self._random64(n) if span >= 2**28 else self._random32(n)
        val = (words % _u64(span) + _u64(low & 0xFFFFFFFFFFFFFFFF)).view(np.int64)
        return val.astype(dt).reshape(shape)

    def randperm(self, n: int, dtype: DTypeLike = np.int64) -> np.ndarray:
        """``torch.randperm(n)``: Fisher-Yates on ``arange(n)``, swapping i with ``i + random() % (n - i)``."""
        n, dt = operator.index(n), np.dtype(dtype)
        if n < 0:
            raise ValueError(f"n must be non-negative, got {n}")
        if n >= _RANDPERM_SMALL_N:
            raise NotImplementedError("randperm for n >= 214748364 (torch's random64 path)")
        if dt.kind in "iu" and n > 0 and n - 1 > np.iinfo(dt).max:
            raise ValueError(f"randperm({n}) does not fit in {dt}")
        if dt.kind not in "iuf":
            raise TypeError(f"unsupported dtype {dt}")
        steps = np.arange(max(n - 1, 0), dtype=np.int64)
        targets = steps + (self._random32(steps.size) % (n - steps).astype(_u64)).astype(np.int64)
        return _apply_swaps(targets, n).astype(dt)


def _float_randint_bounds(low: int, high: int, dt: np.dtype) -> tuple[int, int]:
    """ATen's ``update_from``/``update_to``: move ``low`` up and ``high`` down to the next
    integers for which no draw in ``[low, high)`` rounds outside the range in the float type."""

    def through_float(v: int) -> int:  # static_cast<int64_t>(static_cast<T>(v)), as on x86
        f = float(np.array(v, np.int64).astype(dt))
        return int(f) if f < 2.0**63 else -(2**63)

    digits = np.finfo(dt).nmant + 1
    if (up := through_float(low + 1)) < low:
        low = up + (1 << (abs(low + 1).bit_length() - 1 - digits + 1))
    if (down := through_float(high - 1)) >= high:
        high = down - (1 << (abs(high - 1).bit_length() - 1 - digits + 1))
    if not low < high:
        raise ValueError(f"randint bounds collapse in {dt}: from={low} >= to={high}")
    return low, high


def _apply_swaps(targets: np.ndarray, n: int) -> np.ndarray:
    """``a = arange(n)`` after swapping ``a[i], a[targets[i]]`` for i = 0, 1, ... in order.

    Vectorized (``targets[i] >= i``): step i fixes ``a[i]`` for good, taking the value
    that position ``targets[i]`` holds at that moment.  A position p still holds p
    unless an earlier step m wrote to it (``targets[m] == p``), in which case it holds
    ``before[m]``, the value position m held just before step m.  ``before`` follows
    such links back to an untouched position, resolved by pointer jumping.
    """
    m = targets.size
    out = np.arange(n, dtype=np.int64)
    if m == 0:
        return out
    order = np.argsort(targets, kind="stable")  # steps grouped by target, in step order
    by_target = targets[order]
    same = by_target[1:] == by_target[:-1]
    prev = np.full(m, -1, np.int64)  # previous step with the same target
    prev[order[1:][same]] = order[:-1][same]
    is_last = np.append(~same, True)
    last = np.full(n, -1, np.int64)  # last step targeting each position
    last[by_target[is_last]] = order[is_last]
    steps = np.arange(m)
    # last step before k that targeted position k (all such steps are <= k)
    link = np.where(last[:m] == steps, prev, last[:m])
    before = np.where(link < 0, steps, link)
    while not np.array_equal(nxt := before[before], before):
        before = nxt
    out[:m] = np.where(prev < 0, targets, before[np.maximum(prev, 0)])
    out[n - 1] = before[last[n - 1]] if last[n - 1] >= 0 else n - 1
    return out


# --------------------------------------------------------------------------- module-level API

default_generator = Generator()
default_generator.seed()  # like torch, the default generator starts from OS entropy


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (``int(seed)`` first, like ``torch.manual_seed``)."""
    return default_generator.manual_seed(int(seed))


def initial_seed() -> int:
    return default_generator.initial_seed()


def seed() -> int:
    return default_generator.seed()


def get_rng_state() -> TensorBase:
    return default_generator.get_state()


def set_rng_state(state: object) -> None:
    default_generator.set_state(state)
