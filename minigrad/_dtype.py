"""Dtype objects with torch's names (``minigrad.float32``...) over NumPy dtypes, and torch's promotion rules."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

__all__ = [
    "dtype", "float16", "float32", "float64", "half", "float", "double", "int8", "int16", "int32",
    "int64", "uint8", "short", "int", "long", "bool", "get_default_dtype", "set_default_dtype",
    "to_numpy_dtype", "from_numpy_dtype", "result_type",
]

# torch's scalar-type names, as they appear in its error messages ("... got Double and Float").
_TORCH_SCALAR_NAMES = {
    "float16": "Half", "float32": "Float", "float64": "Double", "int8": "Char", "int16": "Short",
    "int32": "Int", "int64": "Long", "uint8": "Byte", "bool": "Bool",
}


class dtype:  # noqa: N801 - named like torch.dtype
    """A tensor element type, e.g. ``minigrad.float32``; ``.np`` is the NumPy dtype that stores it."""

    __slots__ = ("is_floating_point", "is_signed", "itemsize", "name", "np")

    def __init__(self, name: str) -> None:
        self.name = name
        self.np = np.dtype(name)
        self.is_floating_point = self.np.kind == "f"
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize

    @property
    def is_complex(self) -> builtins.bool:
        return False

    @property
    def scalar_name(self) -> str:
        """torch's C++ name of the type (``Float``, ``Double``, ``Long``...), used in error messages."""
        return _TORCH_SCALAR_NAMES[self.name]

    def __repr__(self) -> str:
        return f"minigrad.{self.name}"

    def __reduce__(self) -> str:
        return self.name


float16 = half = dtype("float16")
float32 = float = dtype("float32")
float64 = double = dtype("float64")
int8 = dtype("int8")
int16 = short = dtype("int16")
int32 = int = dtype("int32")
int64 = long = dtype("int64")
uint8 = dtype("uint8")
bool = dtype("bool")

_FROM_NP: dict[np.dtype, dtype] = {d.np: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, bool)}
_default_float: dtype = float32


def get_default_dtype() -> dtype:
    """The dtype of tensors made from Python floats (float32 unless changed)."""
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Like ``torch.set_default_dtype``: a floating dtype (float16, float32 or float64)."""
    global _default_float
    if d not in (float16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def from_numpy_dtype(np_dtype: Any) -> dtype:
    """The minigrad dtype that stores ``np_dtype``; TypeError for types torch does not have."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_numpy_dtype(d: Any) -> np.dtype:
    """NumPy dtype for a minigrad dtype (a NumPy dtype or type is accepted too)."""
    if d.__class__ is dtype:
        return d.np
    if d is builtins.float:
        return _default_float.np
    if d is builtins.int:
        return np.dtype(np.int64)
    if d is builtins.bool:
        return np.dtype(np.bool_)
    try:
        return from_numpy_dtype(d).np
    except TypeError:
        raise TypeError(f"dtype must be a minigrad.dtype (e.g. minigrad.float32), got {d!r}") from None


def _category(kind: str) -> builtins.int:
    return {"b": 0, "u": 1, "i": 1, "f": 2}[kind]


def promote_types(*dtypes: np.dtype) -> np.dtype:
    """torch.promote_types over several dtypes: only the highest category (bool < integer < floating) counts, so
    int64 with float32 is float32 (NumPy would give float64)."""
    top = max(_category(t.kind) for t in dtypes)
    return np.result_type(*(t for t in dtypes if _category(t.kind) == top))


def result_type(*operands: Any) -> np.dtype:
    """torch's type promotion for an op between arrays and/or Python scalars.

    Operands rank as dimensioned arrays > zero-dim arrays > Python scalars: a lower rank only decides the
    result when its category (bool < integer < floating) is higher. Within a rank only the highest category
    counts (int64 with float32 is float32). A Python float meeting an integer or bool tensor gives the default
    float dtype (NumPy would give float64).
    """
    groups: list[list[np.dtype]] = [[], [], []]
    for x in operands:
        if isinstance(x, np.ndarray):
            groups[0 if x.ndim else 1].append(x.dtype)
        elif isinstance(x, builtins.bool | np.bool_):
            groups[2].append(np.dtype(np.bool_))
        elif isinstance(x, builtins.int | np.integer):
            groups[2].append(np.dtype(np.int64))
        else:
            groups[2].append(_default_float.np)
    result: np.dtype | None = None
    for group in groups:
        if not group:
            continue
        g = promote_types(*group)
        if result is None:
            result = g
        elif _category(g.kind) > _category(result.kind):
            result = _default_float.np if (group is groups[2] and g.kind == "f") else g
    assert result is not None
    return result


_NARROW_INTS = frozenset(np.dtype(t) for t in (np.int8, np.uint8, np.int16, np.uint16))


def scalar_as(dt: np.dtype, v: Any) -> Any:
    """The number ``v`` as a ``dt`` scalar, as torch converts it: a float into float16 through float32 (c10::Half
    is made from a float, so a double is rounded twice: 0.3892822272477243 is 0.38916015625, where NumPy's direct
    cast gives 0.389404296875)."""
    if dt == np.float16 and type(v) is builtins.float:
        with np.errstate(over="ignore"):
            return np.float16(np.float32(v))
    return dt.type(v)


def cast(a: np.ndarray, dt: np.dtype) -> np.ndarray:
    """``a`` converted to ``dt`` as torch's CPU kernels convert (measured on x86-64): a float into uint8 goes
    through int64 (2**32 + 1 becomes 1, where NumPy's direct cast gives 0), into int8, int16 or uint16 through
    int32 (beyond int32's range: INT32_MIN, whose low bits are 0); float64 into float16 through float32; other
    casts as NumPy."""
    if a.dtype.kind == "f" and dt in _NARROW_INTS:
        with np.errstate(invalid="ignore"):  # (NaN and out-of-range values: undefined in C, as in torch)
            return a.astype(np.int64 if dt == np.uint8 else np.int32).astype(dt)
    if a.dtype == np.float64 and dt == np.float16:  # (through float32, as scalar_as)
        with np.errstate(over="ignore"):
            return a.astype(np.float32).astype(dt)
    return a.astype(dt)

