"""The error contract: every bad call raises what torch raises — same exception type, same message — at the
call that made it. Each case runs torch in the test and compares (library names in messages are neutralised:
``torch.Size``/``minigrad.Size`` both read ``Size``)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import minigrad
from minigrad.testing import assert_same_error, capture_error, normalize_message, warnings_of


def _bwd_twice(L: Any) -> None:
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _saved_modified(L: Any) -> None:
    x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


# name -> fn(lib): every case of TORCH_NOTES.md "Error contract", then the rest of the API's refusals
CONTRACT: dict[str, Any] = {
    "linear_shape_mismatch": lambda L: L.nn.Linear(2, 1)(L.ones(4, 3)),
    "matmul_shape_mismatch": lambda L: L.ones(4, 3) @ L.ones(2, 1),
    "mm_shape_mismatch": lambda L: L.ones(4, 3).mm(L.ones(2, 1)),
    "float64_into_float32_linear": lambda L: L.nn.Linear(3, 1)(L.ones(4, 3, dtype=L.float64)),
    "float64_1d_into_float32_linear": lambda L: L.nn.Linear(3, 1)(L.ones(3, dtype=L.float64)),
    "broadcast_failure": lambda L: L.ones(2, 3) + L.ones(2, 4),
    "broadcast_failure_mul": lambda L: L.ones(3) * L.ones(4, 2),
    "broadcast_failure_sub_dim0": lambda L: L.ones(3, 2) - L.ones(4, 2),
    "bad_view": lambda L: L.ones(2, 3).view(4, 2),
    "bad_view_infer": lambda L: L.ones(2, 3).view(-1, 4),
    "bad_reshape": lambda L: L.ones(6).reshape(4, 2),
    "requires_grad_on_int_tensor_factory": lambda L: L.tensor([1, 2], requires_grad=True),
    "requires_grad_on_int_zeros": lambda L: L.zeros(2, dtype=L.int64, requires_grad=True),
    "requires_grad_on_int_method": lambda L: L.tensor([1, 2]).requires_grad_(),
    "requires_grad_on_bool_attr": lambda L: setattr(L.tensor([True]), "requires_grad", True),
    "int_parameter": lambda L: L.nn.Parameter(L.tensor([1, 2])),
    "backward_without_grad_fn": lambda L: L.ones(2).sum().backward(),
    "backward_non_scalar": lambda L: (L.ones(2, requires_grad=True) * 2).backward(),
    "backward_gradient_shape": lambda L: (L.ones(2, requires_grad=True) * 2).backward(L.ones(3)),
    "inplace_add_on_leaf": lambda L: L.ones(2, requires_grad=True).add_(1),
    "inplace_sub_on_leaf": lambda L: L.ones(2, requires_grad=True).sub_(1),
    "inplace_mul_on_leaf": lambda L: L.ones(2, requires_grad=True).mul_(2),
    "inplace_copy_on_leaf": lambda L: L.ones(2, requires_grad=True).copy_(L.zeros(2)),
    "inplace_zero_on_leaf": lambda L: L.ones(2, requires_grad=True).zero_(),
    "inplace_iadd_on_leaf": lambda L: L.ones(2, requires_grad=True).__iadd__(1),
    "inplace_isub_on_leaf": lambda L: L.ones(2, requires_grad=True).__isub__(1),
    "inplace_imul_on_leaf": lambda L: L.ones(2, requires_grad=True).__imul__(2),
    "inplace_on_parameter": lambda L: L.nn.Linear(2, 1).weight.add_(1),
    "setitem_on_leaf": lambda L: L.ones(2, requires_grad=True).__setitem__(0, 5.0),
    "inplace_on_view_of_leaf": lambda L: L.ones(3, requires_grad=True)[1:].mul_(2),
    "numpy_on_requires_grad": lambda L: L.ones(2, requires_grad=True).numpy(),
    "item_of_two_elements": lambda L: L.ones(2).item(),
    "item_of_no_element": lambda L: L.ones(0).item(),
    "backward_twice": _bwd_twice,
    "change_requires_grad_of_non_leaf": lambda L: (L.ones(2, requires_grad=True) * 2).requires_grad_(False),
    "bce_input_above_one": lambda L: L.nn.BCELoss()(L.tensor([0.5, 1.5]), L.tensor([1.0, 0.0])),
    "bce_input_below_zero": lambda L: L.nn.functional.binary_cross_entropy(L.tensor([-0.1]), L.tensor([1.0])),
    "bce_input_nan": lambda L: L.nn.BCELoss()(L.tensor([float("nan")]), L.tensor([1.0])),
    "bce_target_shape": lambda L: L.nn.BCELoss()(L.ones(2, 1) * 0.5, L.ones(2)),
    "bce_with_logits_target_shape": lambda L: L.nn.BCEWithLogitsLoss()(L.ones(2, 1), L.ones(2)),
    "bad_reduction_mse": lambda L: L.nn.MSELoss(reduction="avg")(L.ones(2), L.ones(2)),
    "bad_reduction_bce": lambda L: L.nn.functional.binary_cross_entropy(L.ones(2) / 2, L.ones(2), reduction="x"),
    "sgd_negative_lr": lambda L: L.optim.SGD([L.nn.Parameter(L.ones(1))], lr=-1),
    "sgd_negative_momentum": lambda L: L.optim.SGD([L.nn.Parameter(L.ones(1))], lr=0.1, momentum=-0.5),
    "sgd_negative_weight_decay": lambda L: L.optim.SGD([L.nn.Parameter(L.ones(1))], lr=0.1, weight_decay=-1e-3),
    "sgd_nesterov_without_momentum": lambda L: L.optim.SGD([L.nn.Parameter(L.ones(1))], lr=0.1, nesterov=True),
    "sgd_nesterov_with_dampening": lambda L: L.optim.SGD([L.nn.Parameter(L.ones(1))], lr=0.1, momentum=0.9,
                                                         dampening=0.1, nesterov=True),
    "sgd_empty_params": lambda L: L.optim.SGD([], lr=0.1),
    "sgd_non_leaf": lambda L: L.optim.SGD([L.ones(1, requires_grad=True) * 2], lr=0.1),
    "sgd_tensor_as_params": lambda L: L.optim.SGD(L.ones(1, requires_grad=True), lr=0.1),
    "sgd_not_a_tensor": lambda L: L.optim.SGD([1.0], lr=0.1),
    "mv_shape": lambda L: L.ones(2, 3) @ L.ones(4),
    "vm_shape": lambda L: L.ones(4) @ L.ones(3, 2),
    "dot_shape": lambda L: L.ones(3) @ L.ones(2),
    "dot_dtype": lambda L: L.ones(3) @ L.ones(3, dtype=L.float64),
    "mm_dtype": lambda L: L.ones(2, 3) @ L.ones(3, 2, dtype=L.float64),
    "mm_int_dtype": lambda L: L.ones(2, 3, dtype=L.int64) @ L.ones(3, 2),
    "mv_dtype": lambda L: L.ones(2, 3) @ L.ones(3, dtype=L.float64),
    "matmul_0d": lambda L: L.tensor(1.0) @ L.ones(2),
    "linear_0d": lambda L: L.nn.Linear(3, 2)(L.tensor(1.0)),
    "linear_int_input": lambda L: L.nn.Linear(3, 2)(L.ones(4, 3, dtype=L.int64)),
    "index_out_of_range": lambda L: L.ones(2, 3)[2],
    "index_out_of_range_dim1": lambda L: L.ones(2, 3)[:, 5],
    "too_many_indices": lambda L: L.ones(2, 3)[0, 0, 0],
    "negative_step": lambda L: L.ones(4)[::-1],
    "dim_out_of_range": lambda L: L.ones(2, 3).sum(dim=2),
    "mean_of_int": lambda L: L.tensor([1, 2]).mean(),
    "neg_of_bool": lambda L: -L.tensor([True]),
    "sub_of_bools": lambda L: L.tensor([True]) - L.tensor([False]),
    "sub_bool_scalar": lambda L: L.tensor([1.0]) - True,
    "int_pow_negative": lambda L: L.tensor([2]) ** -1,
    "inplace_int_with_float": lambda L: L.ones(2, dtype=L.int64).add_(1.5),
    "inplace_int_times_float_with_grad": lambda L: L.ones(2, dtype=L.int64).mul_(L.ones(2, requires_grad=True)),
    "inplace_broadcast_grows": lambda L: L.ones(2).add_(L.ones(2, 2)),
    "inplace_broadcast_fails": lambda L: L.ones(2).mul_(L.ones(3)),
    "copy_broadcast_grows": lambda L: L.ones(2).copy_(L.ones(2, 2)),
    "copy_broadcast_fails": lambda L: L.ones(2).copy_(L.ones(3)),
    "fill_with_1d_tensor": lambda L: L.ones(2).fill_(L.ones(2)),
    "negative_dimension": lambda L: L.zeros(-1, 2),
    "bool_of_two_elements": lambda L: bool(L.ones(2)),
    "t_of_3d": lambda L: L.ones(2, 2, 2).t(),
    "clamp_without_bounds": lambda L: L.ones(2).clamp(),
    "arange_zero_step": lambda L: L.arange(0, 5, 0),
    "load_state_dict_bad": lambda L: L.nn.Linear(3, 2).load_state_dict({"weight": L.zeros(3, 3), "bias": L.zeros(2),
                                                                        "extra": L.zeros(1)}),
    "load_state_dict_missing": lambda L: L.nn.Linear(3, 2).load_state_dict({"weight": L.zeros(2, 3)}),
}


@pytest.mark.parametrize("name", list(CONTRACT))
def test_error_matches_torch(name: str) -> None:
    case = CONTRACT[name]
    assert_same_error(lambda: case(minigrad), lambda: case(torch))


def test_modified_saved_tensor_raises_like_torch() -> None:
    """Type and the message's first clause; the exact wording is checked (xfail) below."""
    err = assert_same_error(lambda: _saved_modified(minigrad), lambda: _saved_modified(torch), exact=False)
    assert "modified by an inplace operation" in str(err)


def test_modified_saved_tensor_message_is_torchs() -> None:
    assert_same_error(lambda: _saved_modified(minigrad), lambda: _saved_modified(torch))


def _modified_after_forward(case: str, L: Any) -> Any:
    """Values saved for backward, changed in place before backward: a saved input (non-leaf, then leaf),
    a loss target, a matrix input twice (versions), a saved output under anomaly mode; and a weight that
    Addmm does not save when its input needs no gradient (no error in torch)."""
    x = L.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    if case == "input":
        w = x * 2
        y = w * w
        w.add_(1)
    elif case == "leaf":
        y = (x * x).sum()
        with L.no_grad():
            x.add_(1)
    elif case == "target":
        target = L.ones(2, 2)
        y = L.nn.functional.mse_loss(x * 1, target)
        target.add_(1)
    elif case == "twice":
        w = (x + 0).double()
        y = w @ w
        w.add_(1)
        w.add_(1)
    elif case == "anomaly":
        with L.autograd.set_detect_anomaly(True):
            y = x.sigmoid()
            y.mul_(2)
            y.sum().backward()
        return x.grad
    elif case == "unsaved_weight":
        lin = L.nn.Linear(2, 1)
        y = lin(L.ones(3, 2))
        with L.no_grad():
            lin.weight.add_(1)
        y.sum().backward()
        return lin.weight.grad
    y.sum().backward()
    return x.grad


@pytest.mark.parametrize("case", ["input", "leaf", "target", "twice", "anomaly"])
def test_modified_saved_value_messages_are_torchs(case: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anomaly mode's own warnings
        assert_same_error(lambda: _modified_after_forward(case, minigrad), lambda: _modified_after_forward(case, torch))


def test_addmm_saves_only_what_backward_uses() -> None:
    """torch's addmm keeps W only for dX: with an input that needs no gradient, changing W is no error."""
    ours = _modified_after_forward("unsaved_weight", minigrad)
    theirs = _modified_after_forward("unsaved_weight", torch)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_failed_inplace_leaves_the_tensor_untouched() -> None:
    """An in-place op that raises changes nothing: values, version, grad_fn and grad stay as they were."""
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    capture_error(lambda: x.add_(1))
    assert x.tolist() == [1.0, 2.0] and x._version == 0 and x.grad_fn is None and x.grad is None
    y = x * 2
    fn, version = y.grad_fn, y._version
    for bad in (lambda: y.add_(minigrad.ones(3)), lambda: y.mul_(minigrad.ones(2, 2)),
                lambda: y.copy_(minigrad.ones(3))):
        capture_error(bad)
        assert y.tolist() == [2.0, 4.0] and y._version == version and y.grad_fn is fn


def test_failed_load_state_dict_changes_no_parameter() -> None:
    model = minigrad.nn.Linear(3, 2)
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    capture_error(lambda: model.load_state_dict({"weight": np.zeros((2, 3)), "bias": np.zeros(3)}))
    assert all(np.array_equal(model.state_dict()[k].numpy(), v) for k, v in before.items())


def test_mse_warns_on_target_broadcasting_like_torch() -> None:
    def call(L: Any) -> Any:
        return L.nn.MSELoss()(L.ones(3, 1, requires_grad=True), L.ones(3))

    mg, th = warnings_of(lambda: call(minigrad)), warnings_of(lambda: call(torch))
    assert mg == th and len(mg) == 1 and mg[0][0] is UserWarning
    assert "Using a target size (Size([3])) that is different to the input size (Size([3, 1]))" in mg[0][1]
    for L in (minigrad, torch):  # same shapes: no warning
        assert warnings_of(lambda L=L: L.nn.MSELoss()(L.ones(3), L.ones(3))) == []


def test_mse_warning_points_at_the_callers_line_like_torch() -> None:
    import warnings

    for L in (minigrad, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            L.nn.functional.mse_loss(L.ones(2, 1), L.ones(2))
        assert caught[0].filename == __file__


def test_normalize_message_only_neutralises_library_names() -> None:
    assert normalize_message("got minigrad.Size([2])") == normalize_message("got torch.Size([2])") == "got Size([2])"
    assert normalize_message("got minigrad.FloatTensor") == "got torch.FloatTensor"
    assert normalize_message("x (Triggered internally at /a/b.cpp:12.)") == "x"
