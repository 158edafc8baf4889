"""Conv1d/Conv2d and F.conv1d/conv2d against torch: values, input/weight/bias gradients, node names, seeded
init, error messages. Hypothesis draws shapes, groups, stride, padding (ints, 'same', 'valid'), dilation, bias."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import strategies as mgst
from minigrad.testing import sum_ops
from tests._layers_compare import VALUES, check_against_torch, grad_of, same_params


@st.composite
def conv_case(draw: st.DrawFn, dtype: type) -> dict:
    nd = draw(st.sampled_from([1, 2]))
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cin, cout = groups * draw(st.integers(1, 3)), groups * draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    dil = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    padding_kind = draw(st.sampled_from(["int", "int", "same", "valid"]))
    stride = (1,) * nd if padding_kind == "same" else tuple(draw(st.integers(1, 3)) for _ in range(nd))
    pad: object = tuple(draw(st.integers(0, 2)) for _ in range(nd)) if padding_kind == "int" else padding_kind
    p = pad if isinstance(pad, tuple) else (0,) * nd
    size = tuple(max(1, d * (kk - 1) + 1 - 2 * pp) + draw(st.integers(0, 5)) for d, kk, pp in zip(dil, k, p))
    xshape = (draw(st.integers(1, 3)), cin, *size)
    x = draw(mgst.arrays(dtype, xshape, **VALUES))
    w = draw(mgst.arrays(dtype, (cout, cin // groups, *k), **VALUES))
    b = draw(mgst.arrays(dtype, (cout,), **VALUES)) if draw(st.booleans()) else None
    if draw(st.booleans()):  # scalar arguments given as ints where they are equal in every dim
        return dict(nd=nd, x=x, w=w, b=b, stride=stride[0] if len(set(stride)) == 1 else stride, padding=pad,
                    dilation=dil[0] if len(set(dil)) == 1 else dil, groups=groups)
    return dict(nd=nd, x=x, w=w, b=b, stride=stride, padding=pad, dilation=dil, groups=groups)


def _conv(case: dict):
    def fn(lib, x, w, b):
        f = lib.nn.functional.conv1d if case["nd"] == 1 else lib.nn.functional.conv2d
        return f(x, w, b, case["stride"], case["padding"], case["dilation"], case["groups"])
    return fn


def _terms(case: dict) -> tuple[int, float]:
    w, x = case["w"], case["x"]
    per_out = int(np.prod(w.shape[1:]))
    per_w = int(np.prod(x.shape)) // x.shape[1]
    per_x = w.shape[0] // case["groups"] * int(np.prod(w.shape[2:]))
    return max(per_out, per_w, per_x) + 1, 9.0 * (max(per_out, per_w, per_x) + 1)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@given(conv_case(np.float64))
def test_conv_float64_matches_torch(case: dict) -> None:
    check_against_torch(_conv(case), [case["x"], case["w"], case["b"]])


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@given(conv_case(np.float32))
def test_conv_float32_within_policy(case: dict) -> None:
    terms, scale = _terms(case)
    n = sum_ops(terms) + 1
    check_against_torch(_conv(case), [case["x"], case["w"], case["b"]], n_ops=n, scale=scale, grad_scale=scale)


@pytest.mark.parametrize("cls,args", [("Conv2d", (3, 6, 5)), ("Conv2d", (4, 6, (3, 2), 1, 1, 1, 2, False)),
                                      ("Conv1d", (3, 5, 4)), ("Conv1d", (2, 2, 3, 2, "valid", 1, 2))])
def test_conv_seeded_init_is_torchs(cls: str, args: tuple) -> None:
    torch.manual_seed(7)
    th = getattr(torch.nn, cls)(*args)
    minigrad.manual_seed(7)
    mg = getattr(minigrad.nn, cls)(*args)
    same_params(mg, th)
    assert repr(mg) == repr(th)
    # and the next draw after construction is the same on both sides
    assert np.array_equal(minigrad.rand(3).numpy(), torch.rand(3).numpy())


def test_conv_module_forward_backward_and_repr_options() -> None:
    torch.manual_seed(0)
    minigrad.manual_seed(0)
    th = torch.nn.Conv2d(2, 4, 3, padding="same", dilation=2, bias=False).double()
    mg = minigrad.nn.Conv2d(2, 4, 3, padding="same", dilation=2, bias=False).double()
    assert repr(mg) == repr(th)
    x = np.random.default_rng(1).standard_normal((2, 2, 7, 6))
    check_against_torch(lambda lib, t: (th if lib is torch else mg)(t), [x])
    np.testing.assert_allclose(grad_of(mg.weight), grad_of(th.weight), rtol=1e-10, atol=1e-12)


def test_conv_unbatched_input() -> None:
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((3, 6, 6)), rng.standard_normal((2, 3, 3, 3))
    check_against_torch(lambda lib, a, b: lib.nn.functional.conv2d(a, b, padding=1), [x, w])


ERRORS = [
    lambda lib: lib.nn.functional.conv2d(lib.ones(2, 5, 8, 8), lib.ones(4, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(8, 8), lib.ones(4, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 2, 2), lib.ones(4, 3, 3, 3)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 8, 8), lib.ones(4, 3, 3, 3), stride=2, padding="same"),
    lambda lib: lib.nn.Conv2d(3, 4, 3, stride=2, padding="same"),
    lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 8, 8), lib.ones(4, 3, 3, 3), padding="foo"),
    lambda lib: lib.nn.Conv2d(3, 4, 3, groups=2),
    lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 8, 8), lib.ones(4, 3, 3, 3), lib.ones(5)),
    lambda lib: lib.nn.functional.conv1d(lib.ones(2, 3, 4), lib.ones(4, 3)),
    lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 8, 8), lib.ones(4, 3, 3, 3), stride=0),
    lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 8, 8), lib.ones(4, 3, 3, 3), padding=-1),
    lambda lib: lib.nn.functional.conv2d(lib.ones(1, 3, 8, 8).double(), lib.ones(4, 3, 3, 3)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_conv_errors_match_torch(i: int) -> None:
    with pytest.raises(Exception) as th:
        ERRORS[i](torch)
    with pytest.raises(type(th.value)) as mg:
        ERRORS[i](minigrad)
    assert str(mg.value) == str(th.value).replace("torch.", "minigrad.")


def test_torch_level_functions() -> None:
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 3, 9, 9)), rng.standard_normal((4, 3, 3, 3))
    check_against_torch(lambda lib, a, b: lib.conv2d(a, b, None, 2, 1), [x, w])
    check_against_torch(lambda lib, a, b: lib.conv1d(a[:, :, 0], b[:, :, 0], None, 1, 1), [x, w])
    check_against_torch(lambda lib, a: lib.max_pool2d(a, 3, 2, 1), [x])
    check_against_torch(lambda lib, a: lib.max_pool1d(a[:, :, 0], 2), [x])
    check_against_torch(lambda lib, a: lib.avg_pool1d(a[:, :, 0], 3, 2, 1), [x])
    check_against_torch(lambda lib, a: lib.adaptive_avg_pool1d(a[:, :, 0], 4), [x])
    check_against_torch(lambda lib, a: lib.layer_norm(a, (9,)), [x])
