"""Render NumPy-backed tensors exactly as ``repr(torch.Tensor)`` does.

This mirrors the rules of ``torch/_tensor_str.py`` (strided CPU tensors only)
using NumPy and the standard library: the same float modes (integer-valued,
fixed-point, scientific), column widths, line wrapping, summarisation with
``...`` and the ``size=``/``dtype=``/``grad_fn=``/``requires_grad=`` suffixes.
Only the module named in the ``dtype=`` suffix differs (``module_name``).

Every number is formatted by Python's ``format`` applied to the exact value
converted to a Python scalar, which is what torch does too, so the digits
(including rounding, ``-0.``, ``nan`` and ``inf``) match byte for byte.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Sequence
from itertools import compress
from typing import Any

import numpy as np

__all__ = [
    "PrintOptions",
    "format_size",
    "get_printoptions",
    "printoptions",
    "set_printoptions",
    "tensor_repr",
]


@dataclasses.dataclass
class PrintOptions:
    """Global print options; same fields and defaults as torch's."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = PrintOptions()

# profile name -> (precision, threshold, edgeitems, linewidth), as in torch.
_PROFILES: dict[str, tuple[int, float, int, int]] = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set print options, with exactly the semantics of ``torch.set_printoptions``.

    ``profile`` ("default", "short" or "full") is applied first, then any other
    argument that is not None. Like torch, ``sci_mode`` is always assigned, so a
    call that omits it resets it to automatic (None).
    """
    if profile in _PROFILES:
        (
            PRINT_OPTS.precision,
            PRINT_OPTS.threshold,
            PRINT_OPTS.edgeitems,
            PRINT_OPTS.linewidth,
        ) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current options as a dict usable as ``set_printoptions(**d)``."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change print options (same arguments as ``set_printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def format_size(shape: Sequence[int], module_name: str = "minigrad") -> str:
    """Render a shape like ``repr(torch.Size)``, e.g. ``minigrad.Size([4, 1])``."""
    return f"{module_name}.Size({[int(d) for d in shape]})"


# ---------------------------------------------------------------------------
# dtype bookkeeping

_SUPPORTED = frozenset(
    np.dtype(name)
    for name in (
        "bool", "int8", "int16", "int32", "int64",
        "uint8", "uint16", "uint32", "uint64",
        "float16", "float32", "float64", "complex64", "complex128",
    )
)  # fmt: skip


@dataclasses.dataclass(frozen=True, slots=True)
class _DtypeInfo:
    kind: str  # NumPy kind: "b", "i", "u", "f" or "c"
    name: str  # torch's name, e.g. "float32"
    has_default_dtype: bool  # dtype suffix omitted for a non-empty tensor
    is_default_float: bool  # dtype suffix omitted for an empty tensor


_FLOAT32 = np.dtype(np.float32)
_DTYPE_CACHE: dict[tuple[Any, Any], _DtypeInfo] = {}


def _dtype_info(dtype: np.dtype, default_float_dtype: Any) -> _DtypeInfo:
    key = (dtype, default_float_dtype)
    info = _DTYPE_CACHE.get(key)
    if info is None:
        if dtype not in _SUPPORTED:
            raise TypeError(f"cannot print an array of dtype {dtype}")
        default = np.dtype(default_float_dtype)
        default_complex = np.dtype(np.complex128 if default == np.float64 else np.complex64)
        defaults = (default, default_complex, np.dtype(np.int64), np.dtype(np.bool_))
        info = _DtypeInfo(dtype.kind, dtype.name, dtype in defaults, dtype == default)
        _DTYPE_CACHE[key] = info
    return info


# ---------------------------------------------------------------------------
# number formatting


def _float_cells(values: np.ndarray, precision: int) -> tuple[list[str], int]:
    """Format real floats as torch's ``_Formatter`` does.

    Returns the unpadded strings and the column width. The mode (integer-valued,
    fixed or scientific) and the width depend only on the nonzero finite values.
    """
    flat = values.ravel()
    items = flat.tolist()
    mask = np.isfinite(flat) & (flat != 0)
    nonzero = flat[mask]
    if nonzero.size == 0:  # torch's early return: int mode, width 1
        int_mode, sci_mode = True, False
    else:
        int_mode = bool((np.ceil(nonzero) == nonzero).all())
        magnitudes = np.abs(nonzero)
        lo, hi = float(magnitudes.min()), float(magnitudes.max())
        if PRINT_OPTS.sci_mode is None:
            sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        else:
            sci_mode = PRINT_OPTS.sci_mode
    if sci_mode:
        fmt = f"{{:.{precision}e}}".format
        cells = [fmt(v) for v in items]
    elif int_mode:
        isfinite = math.isfinite
        cells = [f"{v:.0f}." if isfinite(v) else f"{v:.0f}" for v in items]
    else:
        fmt = f"{{:.{precision}f}}".format
        cells = [fmt(v) for v in items]
    width = max(map(len, compress(cells, mask.tolist())), default=1)
    return cells, width


def _padded_cells(values: np.ndarray, kind: str, precision: int) -> tuple[list[str], int]:
    """Format every element (C order), right-aligned to a common width.

    Returns the cells and the column width used for line wrapping.
    """
    if kind == "c":
        real, real_width = _float_cells(values.real, precision)
        imag, imag_width = _float_cells(values.imag, precision)
        cells = []
        for re_str, im_str in zip(real, imag, strict=True):
            im_str = im_str.rjust(imag_width) + "j"
            im_str = im_str.lstrip()
            sep = "" if im_str[0] in "+-" else "+"
            cells.append(re_str.rjust(real_width) + sep + im_str)
        return cells, real_width + imag_width + 1
    if kind == "f":
        cells, width = _float_cells(values, precision)
    else:
        cells = [str(v) for v in values.ravel().tolist()]
        width = max(1, max(map(len, cells)))
    return [s.rjust(width) for s in cells], width


def _scalar_float_str(value: float, precision: int) -> str:
    """Fast path for one float (a 0-d tensor): same rules, no NumPy calls."""
    if value != 0.0 and math.isfinite(value):
        sci_mode = PRINT_OPTS.sci_mode
        if sci_mode is None:
            magnitude = abs(value)
            sci_mode = magnitude > 1.0e8 or magnitude < 1.0e-4
        if sci_mode:
            return f"{value:.{precision}e}"
        if value == math.ceil(value):
            return f"{value:.0f}."
        return f"{value:.{precision}f}"
    # Zero or non-finite: no information, so integer mode with width 1.
    return f"{value:.0f}." if math.isfinite(value) else f"{value:.0f}"


# ---------------------------------------------------------------------------
# layout


def _summarized(array: np.ndarray, edgeitems: int) -> np.ndarray:
    """Keep only the first and last ``edgeitems`` entries along each long axis."""
    for axis, size in enumerate(array.shape):
        if size > 2 * edgeitems:
            index = np.r_[0:edgeitems, size - edgeitems : size]
            array = array.take(index, axis=axis)
    return array


def _layout(
    cells: list[str],
    shape: tuple[int, ...],
    elided: tuple[bool, ...],
    element_length: int,
    indent: int,
) -> str:
    """Nest the flat (C-order) cells into torch's bracketed, wrapped layout.

    ``shape`` is the shape of the (possibly summarised) data and ``elided[k]``
    tells whether axis ``k`` lost its middle, which is then shown as ``...``.
    """
    ndim = len(shape)
    edgeitems = PRINT_OPTS.edgeitems
    linewidth = PRINT_OPTS.linewidth
    strides = [math.prod(shape[k + 1 :]) for k in range(ndim)]

    def block(start: int, axis: int, indent: int) -> str:
        size = shape[axis]
        if axis == ndim - 1:
            row = cells[start : start + size]
            if elided[axis]:
                row[edgeitems:edgeitems] = [" ..."]
            per_line = max(1, math.floor((linewidth - indent) / element_length))
            lines = [", ".join(row[i : i + per_line]) for i in range(0, len(row), per_line)]
            return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
        stride = strides[axis]
        parts = [block(start + i * stride, axis + 1, indent + 1) for i in range(size)]
        if elided[axis]:
            parts[edgeitems:edgeitems] = ["..."]
        separator = "," + "\n" * (ndim - axis - 1) + " " * (indent + 1)
        return "[" + separator.join(parts) + "]"

    return block(0, 0, indent)


def _body(array: np.ndarray, kind: str, indent: int) -> str:
    """The bracketed contents of a non-empty array."""
    precision = PRINT_OPTS.precision
    if array.ndim == 0:
        if kind == "f":
            return _scalar_float_str(array.item(), precision)
        if kind != "c":
            return str(array.item())
        cells, _ = _padded_cells(array, kind, precision)
        return cells[0]
    edgeitems = PRINT_OPTS.edgeitems
    summarize = array.size > PRINT_OPTS.threshold
    if summarize and not edgeitems:
        return "[...]"
    if summarize:
        elided = tuple(size > 2 * edgeitems for size in array.shape)
        array = _summarized(array, edgeitems)
    else:
        elided = (False,) * array.ndim
    cells, width = _padded_cells(array, kind, precision)
    return _layout(cells, array.shape, elided, width + 2, indent)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append ``, suffix`` items, wrapping onto new lines like torch."""
    parts = [text]
    # torch's arithmetic (including its off-by-two when there is no newline).
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(
    array: np.ndarray,
    *,
    requires_grad: bool = False,
    grad_fn_name: str | None = None,
    default_float_dtype: np.dtype = _FLOAT32,
    module_name: str = "minigrad",
    prefix: str = "tensor(",
) -> str:
    """Return what ``repr`` of a CPU torch tensor with these values would be.

    Args:
        array: the data (bool, [u]int8-64, float16/32/64 or complex64/128).
        requires_grad: the tensor is a leaf that requires grad; only shown
            when ``grad_fn_name`` is None.
        grad_fn_name: name of the node that created the tensor, e.g.
            ``"MulBackward0"``; shown as ``grad_fn=<MulBackward0>``.
        default_float_dtype: the default float dtype (``torch.get_default_dtype()``).
        module_name: module named in the ``dtype=`` suffix (``"torch"`` gives
            output byte-identical to torch).
        prefix: text before the data; its length sets the continuation indent.
    """
    if type(array) is not np.ndarray:
        array = np.asarray(array)
    info = _dtype_info(array.dtype, default_float_dtype)
    indent = len(prefix)
    suffixes = []
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f"size={tuple(int(d) for d in array.shape)}")
        if not info.is_default_float:
            suffixes.append(f"dtype={module_name}.{info.name}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(int(d) for d in array.shape)}")
        if not info.has_default_dtype:
            suffixes.append(f"dtype={module_name}.{info.name}")
        body = _body(array, info.kind, indent)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    if not suffixes:
        return prefix + body + ")"
    return _add_suffixes(prefix + body, suffixes, indent)
