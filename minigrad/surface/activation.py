"""torch.nn.functional's activations and softmax: argument checks and torch's messages, then one op each."""

from __future__ import annotations

import warnings
from typing import Any

from minigrad._dtype import from_numpy_dtype, to_numpy_dtype
from minigrad._tensor_base import TensorBase
from minigrad.autograd import grad_mode
from minigrad.autograd.function import bump_version
from minigrad.ops import activation as act
from minigrad.ops import shape as shape_ops
from minigrad.ops import softmax as sm
from minigrad.surface.shape import normalize_dims

__all__ = ["softmax", "log_softmax", "softmax_dim_required", "log_softmax_dim_required", "leaky_relu", "elu",
           "gelu", "silu", "softplus", "hardtanh", "relu6", "leaky_relu_", "elu_", "hardtanh_"]


def _tensor(x: Any, fn: str, name: str = "input", position: int = 1) -> Any:
    if not isinstance(x, TensorBase):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def _floating(x: Any, kernel: str) -> None:
    """torch's dtype dispatch error for a float-only kernel."""
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{x.dtype.scalar_name}\'')


# ------------------------------------------------------------------------------------------ softmax
def _legacy_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """torch's choice when ``dim`` is left out (deprecated, with its warning): dim 0 for 0-, 1- and 3-d input,
    else dim 1."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax(op: Any, name: str, input: Any, dim: Any, dtype: Any) -> Any:
    if type(dim) is not int:
        if isinstance(dim, bool | float) or not hasattr(dim, "__index__"):
            raise TypeError(f"{name}(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
        dim = int(dim)
    d = normalize_dims(dim, input._data.ndim)[0]
    if dtype is not None:
        np_dt = to_numpy_dtype(dtype)
        if np_dt != input._data.dtype:
            input = shape_ops.ToCopy.apply(input, np_dt)
    x = input._data
    if x.dtype.kind != "f":
        where = "lastdim_" if d == max(x.ndim, 1) - 1 else ""
        raise NotImplementedError(f'"{name}_{where}kernel_impl" not implemented for '
                                  f"'{from_numpy_dtype(x.dtype).scalar_name}'")
    return op.apply(input, d)


def softmax(input: Any, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Any:
    """F.softmax: e^(x_i) / Σ_j e^(x_j) along ``dim`` (stable for large logits); a missing ``dim`` is chosen by
    torch's deprecated rule, with its UserWarning. ``dtype`` casts the input first (``ToCopyBackward0``)."""
    _tensor(input, "softmax")
    if dim is None:
        dim = _legacy_softmax_dim("softmax", input._data.ndim, _stacklevel)
    return _softmax(sm.Softmax, "softmax", input, dim, dtype)


def log_softmax(input: Any, dim: Any = None, _stacklevel: int = 3, dtype: Any = None) -> Any:
    """F.log_softmax: x_i − ln Σ_j e^(x_j) along ``dim``; ``dim`` and ``dtype`` as in ``softmax``."""
    _tensor(input, "log_softmax")
    if dim is None:
        dim = _legacy_softmax_dim("log_softmax", input._data.ndim, _stacklevel)
    return _softmax(sm.LogSoftmax, "log_softmax", input, dim, dtype)


def softmax_dim_required(input: Any, dim: Any = None, dtype: Any = None) -> Any:
    """torch.softmax / Tensor.softmax: ``dim`` is required."""
    _tensor(input, "softmax")
    if dim is None:
        raise TypeError('softmax() missing 1 required positional arguments: "dim"')
    return _softmax(sm.Softmax, "softmax", input, dim, dtype)


def log_softmax_dim_required(input: Any, dim: Any = None, dtype: Any = None) -> Any:
    """torch.log_softmax / Tensor.log_softmax: ``dim`` is required."""
    _tensor(input, "log_softmax")
    if dim is None:
        raise TypeError('log_softmax() missing 1 required positional arguments: "dim"')
    return _softmax(sm.LogSoftmax, "log_softmax", input, dim, dtype)


# ------------------------------------------------------------------------------------------ pointwise
def _inplace(input: Any, op: Any, *args: Any) -> Any:
    """``op`` applied to ``input`` in place: recorded (``op``'s node becomes the grad_fn) when autograd must see
    it, else the values are overwritten (version + 1)."""
    if grad_mode.state.enabled and input._requires_grad:
        input._check_inplace()
        return input._rebind(op.apply(input._snapshot(), *args))
    out = op.apply(input, *args)
    input._data[...] = out._data
    bump_version(input._vc)
    return input


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Any:
    """x if x > 0 else negative_slope·x."""
    _tensor(input, "leaky_relu")
    _floating(input, "leaky_relu_cpu")
    if inplace:
        return _inplace(input, act.LeakyRelu_, negative_slope)
    return act.LeakyRelu.apply(input, negative_slope)


def leaky_relu_(input: Any, negative_slope: float = 0.01) -> Any:
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Any:
    """x if x > 0 else alpha·(eˣ − 1)."""
    _tensor(input, "elu")
    _floating(input, "elu_cpu")
    if inplace:
        return _inplace(input, act.Elu_, alpha)
    return act.Elu.apply(input, alpha)


def elu_(input: Any, alpha: float = 1.0) -> Any:
    return elu(input, alpha, inplace=True)


def gelu(input: Any, approximate: str = "none") -> Any:
    """x·Φ(x) (exact, through erf) or its tanh approximation (``approximate='tanh'``)."""
    _tensor(input, "gelu")
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _floating(input, "GeluKernelImpl")
    return act.Gelu.apply(input, approximate)


def silu(input: Any, inplace: bool = False) -> Any:
    """x·σ(x)."""
    _tensor(input, "silu")
    _floating(input, "silu_cpu")
    if inplace:
        return _inplace(input, act.Silu)
    return act.Silu.apply(input)


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """ln(1 + e^(β·x))/β, linear (x) where β·x > threshold."""
    _tensor(input, "softplus")
    _floating(input, "softplus_cpu")
    return act.Softplus.apply(input, beta, threshold)


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Any:
    """clamp(x, min_val, max_val) as one ``HardtanhBackward0`` node (integer input stays integer); torch's Python
    function refuses min_val > max_val first."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _hardtanh(input, min_val, max_val, inplace)


def _hardtanh(input: Any, min_val: float, max_val: float, inplace: bool) -> Any:
    _tensor(input, "hardtanh")
    if input._data.dtype.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if inplace:
        return _inplace(input, act.Hardtanh, min_val, max_val)
    return act.Hardtanh.apply(input, min_val, max_val)


def hardtanh_(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Any:
    """hardtanh in place; torch's hardtanh_ takes min_val > max_val (every value becomes max_val)."""
    return _hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Any, inplace: bool = False) -> Any:
    """min(max(x, 0), 6): hardtanh(x, 0, 6), recorded as ``HardtanhBackward0``."""
    _tensor(input, "relu6")
    return hardtanh(input, 0.0, 6.0, inplace)


