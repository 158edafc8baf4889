"""minigrad._tensor_str must print exactly what torch prints."""

from __future__ import annotations

import ast
import contextlib
import math
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from minigrad import _tensor_str
from minigrad._tensor_str import (
    format_size,
    get_printoptions,
    printoptions,
    set_printoptions,
    tensor_repr,
)

FLOAT_DTYPES = [np.dtype(t) for t in (np.float16, np.float32, np.float64)]
COMPLEX_DTYPES = [np.dtype(t) for t in (np.complex64, np.complex128)]
INT_DTYPES = [
    np.dtype(t)
    for t in (
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
    )
]
ALL_DTYPES = [*FLOAT_DTYPES, *COMPLEX_DTYPES, *INT_DTYPES, np.dtype(np.bool_)]

# Values at or next to the boundaries of torch's mode switches and roundings.
SPECIAL_FLOATS = [
    0.0, -0.0, math.nan, math.inf, -math.inf, 1.0, -1.0, 0.5, 2.5, 1e-4, 9.9999e-5,
    1e8, 1e8 + 1, 99999999.0, 1000.0, 1000.0001, 0.001, 0.00099999, 3.14159265,
    0.00005, 1.00005, 123456.789, 1e-8, -1e-8,
]  # fmt: skip

SHAPES = st.one_of(
    array_shapes(min_dims=0, max_dims=1, min_side=0, max_side=40),
    array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=10),
    array_shapes(min_dims=3, max_dims=3, min_side=0, max_side=4),
)


def float_values(dtype: np.dtype) -> st.SearchStrategy[float]:
    """Floats exactly representable in ``dtype``: magnitudes 1e-8..1e8, integers,
    zeros, nan/inf, and boundary values of torch's formatting rules."""
    scaled = st.builds(
        lambda mantissa, exponent, negative: (-1 if negative else 1) * mantissa * 10.0**exponent,
        st.floats(1.0, 10.0, exclude_max=True),
        st.integers(-8, 8),
        st.booleans(),
    )
    integral = st.integers(-(10**9), 10**9).map(float)
    small_integral = st.integers(-20, 20).map(float)
    anything = st.floats(width=min(dtype.itemsize * 8, 64))
    no_information = st.sampled_from([0.0, -0.0, math.nan, math.inf, -math.inf])
    raw = st.one_of(
        scaled,
        integral,
        small_integral,
        no_information,
        st.sampled_from(SPECIAL_FLOATS),
        anything,
    )

    def cast(value: float) -> float:
        with np.errstate(over="ignore"):
            return float(dtype.type(value))

    return raw.map(cast)


@st.composite
def any_array(draw: st.DrawFn, dtypes: list[np.dtype] = ALL_DTYPES) -> np.ndarray:
    """An array of any supported dtype, 0-d to 3-d, with interesting values."""
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(SHAPES)
    if dtype.kind == "f":
        return draw(arrays(dtype, shape, elements=float_values(dtype)))
    if dtype.kind == "c":
        part = np.dtype(np.float32 if dtype == np.complex64 else np.float64)
        real = draw(arrays(part, shape, elements=float_values(part)))
        imag = draw(arrays(part, shape, elements=float_values(part)))
        out = np.empty(shape, dtype)
        out.real, out.imag = real, imag
        return out
    return draw(arrays(dtype, shape))


def torch_repr(array: np.ndarray) -> str:
    return repr(torch.from_numpy(array))


def unwrapped(text: str) -> str:
    """Join wrapped lines, to compare texts that may wrap differently."""
    return re.sub(r",\n+ *", ", ", text)


@contextlib.contextmanager
def both_printoptions(**kwargs: Any) -> Iterator[None]:
    """Apply the same print options to torch and minigrad, restoring both."""
    old_torch = torch._tensor_str.get_printoptions()
    old_ours = get_printoptions()
    try:
        torch.set_printoptions(**kwargs)
        set_printoptions(**kwargs)
        yield
    finally:
        torch.set_printoptions(**old_torch)
        set_printoptions(**old_ours)


@contextlib.contextmanager
def torch_default_dtype(dtype: torch.dtype) -> Iterator[None]:
    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


# ---------------------------------------------------------------------------
# property tests against torch


@settings(deadline=None)
@given(any_array())
def test_matches_torch(array: np.ndarray) -> None:
    expected = torch_repr(array)
    assert tensor_repr(array, module_name="torch") == expected
    # "minigrad" is longer than "torch", so suffixes may wrap at other places.
    ours = tensor_repr(array).replace("dtype=minigrad.", "dtype=torch.")
    assert unwrapped(ours) == unwrapped(expected)


@settings(deadline=None)
@given(any_array(FLOAT_DTYPES + COMPLEX_DTYPES))
def test_requires_grad_matches_torch(array: np.ndarray) -> None:
    expected = repr(torch.tensor(array, requires_grad=True))
    assert tensor_repr(array, requires_grad=True, module_name="torch") == expected


GRAD_OPS: list[Callable[[torch.Tensor], torch.Tensor]] = [
    lambda x: x * 1,
    lambda x: x.sum(),
    lambda x: x.neg(),
    lambda x: x.clone(),
    lambda x: x.reshape(-1),
]


@settings(deadline=None)
@given(any_array(FLOAT_DTYPES + COMPLEX_DTYPES), st.sampled_from(GRAD_OPS), st.booleans())
def test_grad_fn_matches_torch(array: np.ndarray, op: Callable[[torch.Tensor], torch.Tensor], also_flag: bool) -> None:
    out = op(torch.tensor(array, requires_grad=True))
    assert out.grad_fn is not None
    ours = tensor_repr(
        out.detach().numpy(),
        grad_fn_name=type(out.grad_fn).__name__,
        requires_grad=also_flag,  # grad_fn wins, as in torch
        module_name="torch",
    )
    assert ours == repr(out)


@settings(deadline=None)
@given(
    any_array(),
    st.fixed_dictionaries(
        {},
        optional={
            "precision": st.integers(0, 10),
            "threshold": st.sampled_from([0, 1, 5, 20, 100, math.inf]),
            "edgeitems": st.integers(0, 4),
            "linewidth": st.integers(10, 200),
            "profile": st.sampled_from(["default", "short", "full"]),
            "sci_mode": st.sampled_from([None, True, False]),
        },
    ),
)
def test_printoptions_match_torch(array: np.ndarray, options: dict[str, Any]) -> None:
    with both_printoptions(**options):
        assert get_printoptions() == torch._tensor_str.get_printoptions()
        assert tensor_repr(array, module_name="torch") == torch_repr(array)
        if array.dtype.kind in "fc":
            out = torch.tensor(array, requires_grad=True).sum()
            ours = tensor_repr(out.detach().numpy(), grad_fn_name="SumBackward0", module_name="torch")
            assert ours == repr(out)


@settings(deadline=None)
@given(any_array(FLOAT_DTYPES + COMPLEX_DTYPES + [np.dtype(np.int64)]))
def test_default_dtype_float64_matches_torch(array: np.ndarray) -> None:
    with torch_default_dtype(torch.float64):
        ours = tensor_repr(array, default_float_dtype=np.dtype(np.float64), module_name="torch")
        assert ours == torch_repr(array)


class MyTensor(torch.Tensor):
    """A subclass, so torch prints ``MyTensor(`` instead of ``tensor(``."""


@settings(deadline=None)
@given(any_array())
def test_prefix_matches_torch_subclass(array: np.ndarray) -> None:
    expected = repr(torch.from_numpy(array).as_subclass(MyTensor))
    assert tensor_repr(array, prefix="MyTensor(", module_name="torch") == expected


# ---------------------------------------------------------------------------
# examples


@pytest.mark.parametrize(
    ("array", "kwargs", "expected"),
    [
        (np.array([1.0, 2.0], np.float32), {"requires_grad": True}, "tensor([1., 2.], requires_grad=True)"),
        (np.array(6.0, np.float32), {"grad_fn_name": "SumBackward0"}, "tensor(6., grad_fn=<SumBackward0>)"),
        (np.array(math.pi, np.float32), {}, "tensor(3.1416)"),
        (np.array([1e-5, 1.0], np.float32), {}, "tensor([1.0000e-05, 1.0000e+00])"),
        (np.array(0.25), {"grad_fn_name": "MseLossBackward0"},
         "tensor(0.2500, dtype=minigrad.float64, grad_fn=<MseLossBackward0>)"),
        (np.array([1, 2], np.int32), {}, "tensor([1, 2], dtype=minigrad.int32)"),
        (np.array([1, 2]), {}, "tensor([1, 2])"),
        (np.array([True, False]), {}, "tensor([ True, False])"),
        (np.zeros((0, 3), np.float32), {}, "tensor([], size=(0, 3))"),
        (np.zeros(0, np.int64), {}, "tensor([], dtype=minigrad.int64)"),
        (np.array([-0.0, np.nan, np.inf], np.float32), {}, "tensor([-0., nan, inf])"),
        (np.array([1e9, 1.5], np.float32), {}, "tensor([1.0000e+09, 1.5000e+00])"),
        (np.array([[1, 2], [3, 4]], np.uint8), {}, "tensor([[1, 2],\n        [3, 4]], dtype=minigrad.uint8)"),
        # torch fits "dtype=torch.int16" on the line; "minigrad" is 3 chars longer.
        (np.full((1, 7), -1000, np.int16), {},
         "tensor([[-1000, -1000, -1000, -1000, -1000, -1000, -1000]],\n       dtype=minigrad.int16)"),
    ],
)  # fmt: skip
def test_examples(array: np.ndarray, kwargs: dict[str, Any], expected: str) -> None:
    assert tensor_repr(array, **kwargs) == expected


def test_wrapping_and_three_d_layout() -> None:
    array = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7
    expected = (
        "tensor([[[0.0000, 0.1429, 0.2857, 0.4286],\n"
        "         [0.5714, 0.7143, 0.8571, 1.0000],\n"
        "         [1.1429, 1.2857, 1.4286, 1.5714]],\n"
        "\n"
        "        [[1.7143, 1.8571, 2.0000, 2.1429],\n"
        "         [2.2857, 2.4286, 2.5714, 2.7143],\n"
        "         [2.8571, 3.0000, 3.1429, 3.2857]]])"
    )
    assert tensor_repr(array) == expected
    long_row = np.linspace(0, 1, 25, dtype=np.float32)
    assert tensor_repr(long_row, module_name="torch") == torch_repr(long_row)
    assert "\n        0.3750" in tensor_repr(long_row)  # 7-char indent + 1


@pytest.mark.parametrize("shape", [(2000,), (50, 40), (10, 20, 10), (3, 400), (1001, 1), (6, 200)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
def test_summarization_matches_torch(shape: tuple[int, ...], dtype: type) -> None:
    rng = np.random.default_rng(sum(shape))
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    text = tensor_repr(array, module_name="torch")
    assert "..." in text
    assert text == torch_repr(array)


BOUNDARY_VALUES = [
    [1e-4],
    [9.9999e-5],
    [1e8],
    [1e8 + 1],
    [1.0, 1000.0],
    [1.0, 1000.0001],
    [-1e-4, 0.1],
    [1e8, 1e5 + 0.5],
    [math.nan, 1.0],
    [-0.0, 1.5],
    [-0.0, 1e-5],
    [math.inf, -math.inf, 2.0],
    [-math.inf, 0.25],
    [0.0, -0.0],
]


@pytest.mark.parametrize("values", BOUNDARY_VALUES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mode_and_width_boundaries(values: list[float], dtype: type) -> None:
    """Exact edges of torch's sci-mode rules; widths ignore zeros, nan and inf."""
    vector = np.array(values, dtype)
    arrays_to_check = [
        vector,
        vector.reshape(1, -1),
        *(np.array(v, dtype) for v in values),
    ]
    for array in arrays_to_check:
        assert tensor_repr(array, module_name="torch") == torch_repr(array)


def test_summarization_widths_use_only_shown_values() -> None:
    array = np.ones(2000, np.float32)
    array[1000] = 12345.5  # hidden by the summary, so it must not widen columns
    assert tensor_repr(array) == "tensor([1., 1., 1.,  ..., 1., 1., 1.])"


def test_edgeitems_zero() -> None:
    with both_printoptions(edgeitems=0, threshold=3):
        for array in (np.arange(10.0), np.ones((3, 4)), np.array(1.0), np.ones(2)):
            assert tensor_repr(array, module_name="torch") == torch_repr(array)
        assert tensor_repr(np.ones((3, 4), np.float32)) == "tensor([...], size=(3, 4))"


def test_set_printoptions_semantics() -> None:
    with both_printoptions(precision=2):
        assert tensor_repr(np.array([1.12345], np.float32)) == "tensor([1.12])"
        set_printoptions(sci_mode=True)
        assert get_printoptions()["precision"] == 2
        assert tensor_repr(np.array(3.0, np.float32)) == "tensor(3.00e+00)"
        set_printoptions(threshold=5)  # omitting sci_mode resets it, like torch
        assert get_printoptions()["sci_mode"] is None
        assert tensor_repr(np.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
        set_printoptions(profile="default")
        assert get_printoptions() == _tensor_str.PrintOptions().__dict__
    assert get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context_manager_restores() -> None:
    before = get_printoptions()
    with printoptions(precision=1, linewidth=30):
        assert get_printoptions()["precision"] == 1
        assert tensor_repr(np.array([0.25, 1.75], np.float32)) == "tensor([0.2, 1.8])"
    assert get_printoptions() == before


def test_suffix_wraps_past_linewidth() -> None:
    array = np.linspace(0, 1, 9).astype(np.float16)
    out = torch.tensor(array, requires_grad=True) * 1
    ours = tensor_repr(array, grad_fn_name="MulBackward0", module_name="torch")
    assert ours == repr(out)
    assert ours.endswith("1.0000],\n       dtype=torch.float16, grad_fn=<MulBackward0>)")


@pytest.mark.parametrize("shape", [(), (4, 1), (0,), (2, 0, 3)])
def test_format_size(shape: tuple[int, ...]) -> None:
    assert format_size(shape, module_name="torch") == repr(torch.Size(shape))
    assert format_size(np.array(shape, dtype=np.int64)) == repr(torch.Size(shape)).replace("torch", "minigrad")
    assert format_size([4, 1]) == "minigrad.Size([4, 1])"


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_scalar_and_empty_every_dtype(dtype: np.dtype) -> None:
    for array in (np.ones((), dtype), np.zeros(0, dtype), np.zeros((0, 2), dtype)):
        assert tensor_repr(array, module_name="torch") == torch_repr(array)


def test_accepts_numpy_scalars() -> None:
    assert tensor_repr(np.float32(1.5)) == "tensor(1.5000)"
    assert tensor_repr(np.int64(7)) == "tensor(7)"


@pytest.mark.parametrize("array", [np.array(["a"]), np.array([1], np.longdouble), np.array([None])])
def test_unsupported_dtype_raises(array: np.ndarray) -> None:
    with pytest.raises(TypeError):
        tensor_repr(array)


def test_module_does_not_import_torch() -> None:
    tree = ast.parse(Path(_tensor_str.__file__).read_text())
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    } | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "torch" not in imported
    assert imported <= {
        "__future__",
        "contextlib",
        "dataclasses",
        "math",
        "collections",
        "itertools",
        "typing",
        "numpy",
    }


def test_scalar_repr_is_fast() -> None:
    scalar = np.array(0.123456, np.float32)
    calls = 2000
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(calls):
            tensor_repr(scalar, grad_fn_name="MseLossBackward0")
        best = min(best, (time.perf_counter() - start) / calls)
    assert best < 50e-6, f"0-d repr took {best * 1e6:.1f} us"


def test_non_contiguous_views() -> None:
    base = np.arange(60, dtype=np.float64).reshape(3, 4, 5) / 3
    for view in (base.T, base[::-1, :, ::2], base[:, 1], base.transpose(1, 0, 2)):
        expected = torch_repr(np.ascontiguousarray(view))
        assert tensor_repr(view, module_name="torch") == expected
