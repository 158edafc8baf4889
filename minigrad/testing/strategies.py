"""hypothesis strategies for inputs that minigrad and torch both take, built on ``hypothesis.extra.numpy``.

    from hypothesis import given
    from minigrad.testing import assert_matches_torch, strategies as mgst

    @given(mgst.arrays())                               # float64, 0-3 dims of 1-4, finite values in [-10, 10]
    def test_my_op(x):
        assert_matches_torch(lambda T, x: my_op(T, x), x)

Defaults suit a comparison with torch: finite values (no NaN, no inf) of moderate size, no subnormals (torch
on CPU may flush them to zero while NumPy keeps them: ask with ``allow_subnormal=True``), small shapes.
Importing this module imports hypothesis; ``import minigrad`` does not.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad

__all__ = ["arrays", "tensors", "shapes", "broadcastable", "matmul_pairs", "probabilities", "class_targets",
           "dtypes", "floats", "FLOAT_DTYPES"]

FLOAT_DTYPES = ("float32", "float64")


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4
           ) -> st.SearchStrategy[Any]:
    """Array shapes (tuples), small by default: a comparison's cost grows with the size, its power does not."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def floats(dtype: Any = "float64", min_value: float | None = -10.0, max_value: float | None = 10.0, *,
           allow_nan: bool = False, allow_infinity: bool = False, allow_subnormal: bool = False,
           exclude_zero: bool = False) -> st.SearchStrategy[float]:
    """Values representable in ``dtype`` within [min_value, max_value] (bounds rounded inwards for float32)."""
    dt = np.dtype(_np_name(dtype))
    width = cast(Literal[16, 32, 64], dt.itemsize * 8)
    lo, hi = min_value, max_value
    if width < 64 and lo is not None and hi is not None:  # hypothesis wants bounds representable at this width
        lo32, hi32 = dt.type(lo), dt.type(hi)
        lo = float(lo32 if lo32 >= lo else np.nextafter(lo32, dt.type(np.inf)))
        hi = float(hi32 if hi32 <= hi else np.nextafter(hi32, dt.type(-np.inf)))
    s = st.floats(lo, hi, allow_nan=allow_nan, allow_infinity=allow_infinity, allow_subnormal=allow_subnormal,
                  width=width)
    return s.filter(lambda v: v != 0) if exclude_zero else s


def _np_name(dtype: Any) -> str:
    d = getattr(dtype, "np", dtype)  # a minigrad dtype knows its NumPy dtype
    if isinstance(d, str) or isinstance(d, np.dtype) or (isinstance(d, type) and issubclass(d, np.generic)):
        return np.dtype(d).name
    return str(d).split(".")[-1]  # a torch dtype: 'torch.float32'


def _elements(dt: np.dtype, min_value: float | None, max_value: float | None, **kw: Any) -> st.SearchStrategy[Any]:
    if dt.kind == "f":
        unbounded = kw.get("allow_nan") or kw.get("allow_infinity")  # NaN and inf lie outside any bounds
        lo = (None if unbounded else -10.0) if min_value is None else min_value
        hi = (None if unbounded else 10.0) if max_value is None else max_value
        return floats(dt, lo, hi, **kw)
    if dt.kind == "b":
        return st.booleans()
    info = np.iinfo(dt)
    lo = max(info.min, -100 if min_value is None else int(min_value))
    hi = min(info.max, 100 if max_value is None else int(max_value))
    return st.integers(lo, hi)


def arrays(dtype: Any = "float64", shape: Any = None, elements: st.SearchStrategy[Any] | None = None, *,
           min_value: float | None = None, max_value: float | None = None, allow_nan: bool = False,
           allow_infinity: bool = False, allow_subnormal: bool = False, exclude_zero: bool = False
           ) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays for a comparison with torch.

    ``dtype``: a NumPy/minigrad/torch dtype, its name, or a strategy of them (see :func:`dtypes`).
    ``shape``: a tuple, an int, or a strategy (default :func:`shapes`). ``elements``: a strategy of values, or
    by default floats in [min_value, max_value] (default [-10, 10], or unbounded when NaN or inf are
    allowed), finite, no subnormals, integers in
    [-100, 100] clipped to the dtype, booleans.
    """
    if isinstance(dtype, st.SearchStrategy):
        return dtype.flatmap(lambda d: arrays(d, shape, elements, min_value=min_value, max_value=max_value,
                                              allow_nan=allow_nan, allow_infinity=allow_infinity,
                                              allow_subnormal=allow_subnormal, exclude_zero=exclude_zero))
    dt = np.dtype(_np_name(dtype))
    if elements is None:
        kw = {} if dt.kind != "f" else dict(allow_nan=allow_nan, allow_infinity=allow_infinity,
                                            allow_subnormal=allow_subnormal, exclude_zero=exclude_zero)
        elements = _elements(dt, min_value, max_value, **kw)
    return hnp.arrays(dt, shapes() if shape is None else shape, elements=elements)


def tensors(dtype: Any = "float64", shape: Any = None, elements: st.SearchStrategy[Any] | None = None, *,
            requires_grad: bool = False, module: Any = None, **kw: Any) -> st.SearchStrategy[Any]:
    """Tensors of ``module`` (minigrad by default; pass ``torch`` for torch's) drawn from :func:`arrays`.
    ``requires_grad`` applies to floating dtypes."""
    def build(a: np.ndarray) -> Any:
        lib = minigrad if module is None else module
        return lib.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f")

    return arrays(dtype, shape, elements, **kw).map(build)


def broadcastable(n: int = 2, dtype: Any = "float64", *, min_dims: int = 0, max_dims: int = 3, max_side: int = 4,
                  **kw: Any) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    """``n`` arrays whose shapes broadcast together (sizes of 1 and missing leading dims included)."""
    shape_sets = hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=min_dims, max_dims=max_dims,
                                                   max_side=max_side)
    return shape_sets.flatmap(lambda s: st.tuples(*(arrays(dtype, shape, **kw) for shape in s.input_shapes)))


@st.composite
def matmul_pairs(draw: st.DrawFn, dtype: Any = "float64", *, max_dims: int = 4, max_side: int = 4,
                 **kw: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` that ``a @ b`` accepts: every combination of 1-d (vector) and n-d operands torch's matmul
    takes, with broadcast batch dims (including a 1 against a size); values in [-4, 4] by default."""
    kw.setdefault("min_value", -4.0)
    kw.setdefault("max_value", 4.0)
    da, db = draw(st.integers(1, max_dims)), draw(st.integers(1, max_dims))
    side = st.integers(1, max_side)
    n, k, m = draw(side), draw(side), draw(side)
    n_batch = max(da, db, 2) - 2
    batch = [draw(side) for _ in range(n_batch)]

    def shape(d: int, rows: int, cols: int) -> tuple[int, ...]:
        if d == 1:
            return (k,)
        extra = batch[len(batch) - (d - 2):] if d > 2 else []
        return (*[1 if draw(st.booleans()) else s for s in extra], rows, cols)

    return draw(arrays(dtype, shape(da, n, k), **kw)), draw(arrays(dtype, shape(db, k, m), **kw))


@st.composite
def probabilities(draw: st.DrawFn, shape: Any = None, dtype: Any = "float64", *, normalized: bool = True,
                  eps: float = 1e-3) -> np.ndarray:
    """Probabilities: with ``normalized`` (default) rows along the last dim that sum to 1, each entry at least
    ``eps`` (a softmax's output, a target distribution); otherwise independent values in [eps, 1 − eps]
    (BCE's inputs and targets)."""
    if shape is None:
        shape = draw(shapes(min_dims=1, max_dims=3))
    elif isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    if not normalized:
        return draw(arrays(dtype, shape, min_value=eps, max_value=1 - eps))
    w = draw(arrays("float64", shape, min_value=1.0, max_value=100.0))
    p = w / w.sum(axis=-1, keepdims=True)
    return p.astype(_np_name(dtype))


@st.composite
def class_targets(draw: st.DrawFn, n_classes: int, shape: Any = None) -> np.ndarray:
    """Class indices in [0, n_classes) as int64 (cross_entropy's and nll_loss's target); shape default (N,)
    with N in 1..8."""
    if shape is None:
        shape = (draw(st.integers(1, 8)),)
    elif isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    return draw(hnp.arrays(np.int64, shape, elements=st.integers(0, n_classes - 1)))


def dtypes(floating: bool = True, integer: bool = False, boolean: bool = False, half: bool = False
           ) -> st.SearchStrategy[np.dtype]:
    """NumPy dtypes both libraries hold: float32 and float64 by default; float16, the integers torch has
    (uint8, int8, int16, int32, int64) and bool on request."""
    names: list[str] = []
    if floating:
        names += ["float32", "float64"] + (["float16"] if half else [])
    if integer:
        names += ["uint8", "int8", "int16", "int32", "int64"]
    if boolean:
        names.append("bool")
    if not names:
        raise ValueError("dtypes(): no dtype family selected")
    return st.sampled_from([np.dtype(n) for n in names])
