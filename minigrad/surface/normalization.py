"""``batch_norm`` and ``layer_norm``: shape checks with torch's messages, then one native node each."""

from __future__ import annotations

from typing import Any

from minigrad._tensor_base import TensorBase
from minigrad.autograd.function import bump_version
from minigrad.autograd.observers import effect_observers, notify_effect
from minigrad.ops.normalization import NativeBatchNorm, NativeLayerNorm

__all__ = ["batch_norm", "layer_norm"]


def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Any = None, bias: Any = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Any:
    """Normalize each channel (dim 1) by the batch's statistics (training, or no running stats given), updating
    ``running_mean``/``running_var`` in place, or by the running statistics (evaluation)."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"batch_norm(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    x = input._data
    c = x.shape[1] if x.ndim > 1 else 1
    if training:
        per_channel = x.size // c if c else 0
        if per_channel == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{input.shape!r}")
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")
    rm = None if running_mean is None else running_mean._data
    rv = None if running_var is None else running_var._data
    y = NativeBatchNorm.apply(input, weight, bias, rm, rv, training or rm is None, momentum, eps)
    if training and running_mean is not None:  # the op updated the running statistics in place
        for buffer in (running_mean, running_var):
            bump_version(buffer._vc)
            if effect_observers:  # minigrad.compile: a replay bumps them too
                notify_effect(buffer, "bump_version", ())
    return y


def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5) -> Any:
    """Normalize over the trailing ``normalized_shape`` dims of each sample; w, b of that shape."""
    if not isinstance(input, TensorBase):
        raise TypeError(f"layer_norm(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    for position, (name, t) in enumerate((("weight", weight), ("bias", bias)), 3):
        if t is not None and not isinstance(t, TensorBase):
            raise TypeError(f"layer_norm(): argument '{name}' (position {position}) must be Tensor, not "
                            f"{type(t).__name__}")
    shape = (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(int(s) for s in normalized_shape)
    x = input._data
    nd = len(shape)
    if not nd:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                           "element, but got normalized_shape = []")
    if x.ndim < nd or tuple(x.shape[x.ndim - nd:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(x.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t._data.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{list(t._data.shape)} and normalized_shape = {list(shape)}")
    return NativeLayerNorm.apply(input, weight, bias, nd, eps)
