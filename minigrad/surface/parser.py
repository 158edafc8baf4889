"""Tier 3 of docs/fidelity.md, gathered in one place: how torch's C++ argument parser reads arguments.

Which argument *types* it refuses (a float where it wants an int, a 1-d tensor where it wants a number), the
order in which it checks them, and how it picks an overload (``add(alpha, other)``, ``clamp(Tensor, Tensor)``
against ``clamp(Number, Number)``). minigrad matches the exception *type* here and nothing more: this module
keeps the emulation that exists and gets no new code (new ops take their arguments plainly).

Everything above this module (the rest of ``minigrad/surface/``) reads as: parse the arguments with these
helpers, check what ordinary use can get wrong (with torch's message), call the op.
"""

from __future__ import annotations

import numbers
import operator
from typing import Any

import numpy as np

from minigrad._device import device_type, refuse_accelerator
from minigrad._dtype import to_numpy_dtype
from minigrad._tensor_base import TensorBase

__all__ = [
    "ALL_DIMS", "UNSET", "NO_ALPHA", "clamp_overload", "deprecated_alpha", "float_arg", "is_index", "shape_arg",
    "tensor_arg", "FLAGS", "alpha_number", "subtract_scalar_alpha", "max_min_overload", "integer_flags", "bool_arg",
    "device_arg", "int64_arg", "check_int64", "number_arg", "view_dtype_overload", "permute_dims", "squeeze_dims",
    "factory_args", "check_size_form",
]


class _AllDims:
    """The default ``dim`` of sum/mean: no dim given (torch's full reduction, a different node from dim=None)."""

    def __repr__(self) -> str:
        return "<all dims>"


ALL_DIMS: Any = _AllDims()
UNSET: Any = object()  # a keyword argument not given (where its default cannot tell)
NO_ALPHA: Any = 1  # the default alpha: an alpha keyword besides the deprecated overload is refused unless it is 1
FLAGS = (bool, type(None))  # retain_graph values that need no conversion


def shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(Size)`` like torch (``f()`` is a TypeError:
    a 0-d shape is spelled ``f(())``)."""
    if not shape:
        raise TypeError('missing 1 required positional arguments: "size"')
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral) and not is_index(shape[0]):
        shape = tuple(shape[0])
    if shape and isinstance(shape[0], bool):  # torch's parser: a bool is a size after the first one
        raise TypeError(f"shape must be a sequence of ints, got {shape!r}")
    for s in shape:
        if not (isinstance(s, numbers.Integral) or is_index(s)):
            raise TypeError(f"shape must be a sequence of ints, got {shape!r}")
    return tuple(operator.index(s) for s in shape)


def is_index(s: Any) -> bool:
    """An integer scalar that is not a Python int, e.g. a 0-d integer tensor (torch takes those as sizes; a bool
    tensor is a RuntimeError)."""
    if isinstance(s, TensorBase) and s._data.dtype.kind == "b":
        raise RuntimeError("Expected scalar.isIntegral( false) to be true, but got false.")
    try:
        operator.index(s)
    except TypeError:
        return False
    return True


def tensor_arg(x: Any, fn: str, name: str = "other", position: int = 1) -> Any:
    """``x`` if it is a Tensor, else torch's TypeError for a Tensor argument of ``fn``."""
    if not isinstance(x, TensorBase):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def float_arg(v: Any, fn: str, name: str, position: int) -> Any:
    """A float argument given as a tensor: a 0-d one is its value (torch's parser); others are a TypeError."""
    if not isinstance(v, TensorBase):
        return v
    if v._data.ndim:
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be float, not {type(v).__name__}")
    return v._data.item()


def deprecated_alpha(name: str, alpha: Any, rest: tuple[Any, ...], keyword_alpha: Any) -> tuple[Any, Any]:
    """torch's deprecated ``add(alpha, other)`` overload (two positional arguments): ``(other, alpha)``."""
    if len(rest) > 1 or keyword_alpha is not NO_ALPHA:
        raise TypeError(f"{name}() received an invalid combination of arguments")
    if (isinstance(alpha, TensorBase) and alpha._data.ndim) or not isinstance(alpha, TensorBase | numbers.Number):
        raise TypeError(f"{name}() takes 1 positional argument but 2 were given")
    return rest[0], alpha


def deprecated_beta_alpha(name: str, args: tuple[Any, ...], beta: Any, alpha: Any) -> tuple[Any, ...]:
    """torch's deprecated overloads of ``baddbmm`` with beta (and alpha) as leading positional numbers: as a function
    ``(beta, input, [alpha,] batch1, batch2)``, as a method ``(self, beta, [alpha,] batch1, batch2)``. Returns
    ``(input, batch1, batch2, beta, alpha)``."""
    def number(v: Any) -> bool:
        return isinstance(v, numbers.Number)

    if beta is UNSET and alpha is UNSET:
        n = len(args)
        if n == 4 and number(args[0]) and not number(args[1]):
            return args[1], args[2], args[3], args[0], 1
        if n == 5 and number(args[0]) and number(args[2]):
            return args[1], args[3], args[4], args[0], args[2]
        if n == 4 and number(args[1]):
            return args[0], args[2], args[3], args[1], 1
        if n == 5 and number(args[1]) and number(args[2]):
            return args[0], args[3], args[4], args[1], args[2]
    raise TypeError(f"{name}() received an invalid combination of arguments")


def alpha_number(alpha: Any, name: str) -> Any:
    """``alpha`` as a number: a 0-d tensor (or a NumPy scalar) gives its value, as torch's Scalar parser reads it;
    anything else that is not a number is its TypeError."""
    if isinstance(alpha, TensorBase | np.generic):
        if isinstance(alpha, TensorBase) and alpha._data.ndim:
            raise TypeError(f"{name}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
        return alpha.item()
    if not isinstance(alpha, numbers.Number):
        raise TypeError(f"{name}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
    return alpha


def subtract_scalar_alpha(other: Any, positional_alpha: tuple[Any, ...], alpha: Any) -> Any:
    """``subtract(other, alpha)``: unlike ``sub``, torch's ``subtract`` has no deprecated ``(alpha, other)`` form;
    two positional arguments are its ``(Scalar other, Scalar alpha)`` overload (numbers, or 0-d tensors read as
    numbers). Returns alpha as given (``UNSET`` when not)."""
    a = positional_alpha[0]
    scalar_other = not (isinstance(other, TensorBase) and other._data.ndim)
    if len(positional_alpha) > 1 or alpha is not UNSET or not scalar_other or not (
            isinstance(a, numbers.Number) or (isinstance(a, TensorBase) and not a._data.ndim)):
        raise TypeError("subtract() received an invalid combination of arguments")
    return a.item() if isinstance(a, TensorBase) else a


def clamp_overload(lo: Any, hi: Any) -> bool:
    """Whether the bounds select torch's Tensor overload of clamp (elementwise bounds, with gradients): Tensors or
    None. A number with a 0-d Tensor selects the Number overload (the Tensor read as its value, as torch's parser
    does); a number with any other Tensor matches neither (torch's TypeError)."""
    tensors = [b for b in (lo, hi) if isinstance(b, TensorBase)]
    if not tensors:
        return False
    if all(b is None or isinstance(b, TensorBase) for b in (lo, hi)):
        return True
    if all(t._data.ndim == 0 for t in tensors):
        return False
    got = ", ".join("Tensor" if isinstance(b, TensorBase) else type(b).__name__ for b in (lo, hi))
    raise TypeError(f"clamp() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    " * (Tensor min = None, Tensor max = None)\n * (Number min = None, Number max = None)")


def max_min_overload(name: str, first: Any, keepdim: Any, dim: Any) -> tuple[Any, bool] | None:
    """torch's overloads of max/min: ``()`` (all elements: None is returned), ``(Tensor other)`` (elementwise: not
    supported), and ``(int dim, bool keepdim=False)`` — chosen by a keyword ``dim`` or a ``keepdim``, where an
    integer 0-d Tensor is read as the dim: ``(dim, keepdim)`` is returned."""
    if dim is not UNSET:
        if first is not None:
            raise TypeError(f"{name}() got multiple values for argument 'dim'")
        first = dim
    elif first is None:
        if keepdim is not UNSET:
            raise TypeError(f"{name}() received an invalid combination of arguments - got (keepdim=bool)")
        return None
    if isinstance(first, TensorBase):
        if dim is UNSET and keepdim is UNSET:
            other = "maximum" if name == "max" else "minimum"
            raise NotImplementedError(f"{name}(other) (elementwise) is not supported by minigrad; use minigrad.{other}")
        if first._data.ndim or first._data.dtype.kind not in "iu":
            raise TypeError(f"{name}() received an invalid combination of arguments - got (dim={first.type()})")
        first = int(first._data)
    return first, keepdim is not UNSET and keepdim


def integer_flags(create_graph: Any, retain_graph: Any, checks_first: Any) -> tuple[bool, bool | None]:
    """``backward``'s flags as torch's parser reads them, as integers: 1 is True; 0.5, "a", None (create_graph)
    are TypeErrors, raised after ``checks_first()`` (the gradient's own checks, which torch makes first)."""
    try:
        return bool(operator.index(create_graph)), None if retain_graph is None else bool(operator.index(retain_graph))
    except TypeError:
        checks_first()
        raise


def bool_arg(v: Any, fn: str, name: str, position: int, numpy_bool: bool = False) -> Any:
    """A bool argument: anything else is torch's TypeError (``numpy_bool``: a NumPy bool is accepted too)."""
    ok = isinstance(v, bool | np.bool_) if numpy_bool else type(v) is bool
    if not ok:
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be bool, not {type(v).__name__}")
    return v


def device_arg(device: Any, fn: str) -> Any:
    """A device argument given as a string or an index (a bool is neither): else torch's TypeError."""
    if (device is not None and not isinstance(device, str | int | np.integer)) or isinstance(device, bool):
        raise TypeError(f"{fn}(): argument 'device' (position 1) must be torch.device, not {type(device).__name__}")
    return device


def int64_arg(v: Any, fn: str, name: str) -> int:
    """An int argument read as a C++ int64: a bool or a non-int is a TypeError; beyond int64, torch's
    ValueError."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{fn}(): argument '{name}' must be int, not {type(v).__name__}")
    check_int64(v)
    return v


def check_int64(v: int) -> None:
    """torch's parser reads a Python int as an int64 first: beyond it, its ValueError."""
    if not -(2**63) <= v < 2**63:
        raise ValueError("Overflow when unpacking long long")


def number_arg(v: Any, fn: str, name: str, position: int) -> Any:
    """A Number (Scalar) argument: a number, a NumPy scalar or a tensor (a 0-d one: its checks come later); else
    torch's TypeError."""
    if not isinstance(v, TensorBase | numbers.Number | np.generic):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Number, not {type(v).__name__}")
    return v


def view_dtype_overload(shape: tuple[Any, ...], dtype: Any, dtype_class: type) -> None:
    """``view(dtype)`` (reinterpreting the bytes), an overload minigrad does not support; mixed with a shape it
    matches no overload (torch's TypeError)."""
    if dtype is not None or (len(shape) == 1 and isinstance(shape[0], dtype_class)):
        if dtype is not None and (shape or not isinstance(dtype, dtype_class)):
            raise TypeError("view() received an invalid combination of arguments")
        raise NotImplementedError("view(dtype) is not supported by minigrad")


def permute_dims(dims: tuple[Any, ...]) -> tuple[Any, ...]:
    """permute's dims as torch's parser reads them: a one-element integer (or bool) tensor is one dim, any other
    tensor (a float one too) a TypeError; else the dims as given (then read as a shape)."""
    if len(dims) == 1 and isinstance(dims[0], TensorBase):
        if dims[0]._data.size != 1 or dims[0]._data.dtype.kind not in "biu":
            raise TypeError("permute(): argument 'dims' (position 1) must be tuple of ints, not Tensor")
        return (int(dims[0]._data.reshape(())),)
    return dims


def squeeze_dims(dim: Any) -> Any:
    """squeeze's dim as torch's parser reads it: a 1-d tensor is a list of dims; a NumPy array only when it is a
    0-d integer one (a list of one dim); else the dim as given."""
    if isinstance(dim, TensorBase) and dim._data.ndim:
        return [int(d) for d in dim._data.reshape(-1)]
    if isinstance(dim, np.ndarray):
        if dim.ndim or dim.dtype.kind not in "iu":
            raise TypeError("squeeze() received an invalid combination of arguments - got (numpy.ndarray)")
        return [int(dim)]
    return dim


# ---- the tensor factories' arguments (surface/creation.py)
def factory_args(fn: str, dtype: Any, device: Any, requires_grad: Any, size: tuple[Any, ...] | None = None,
                 refuse: bool = True, none_ok: bool = True) -> tuple[int, ...] | None:
    """torch's parser for the arguments every factory takes, in its order: the size's form (a TypeError when no
    signature matches), dtype and requires_grad (TypeErrors), the device string (torch's parse error), then an
    accelerator device is refused (``refuse``: at dispatch, before any value is checked), and last the elements
    of the size but the first. Returns the shape (None without ``size``)."""
    if size is not None:
        check_size_form(size)
    if dtype is not None:
        to_numpy_dtype(dtype)  # (its TypeError for what is not a dtype)
    if not (isinstance(requires_grad, bool) or (requires_grad is None and none_ok)):
        raise TypeError(f"{fn}(): argument 'requires_grad' must be bool, not {type(requires_grad).__name__}")
    kind = device_type(device, fn)
    if refuse:
        refuse_accelerator(kind)
    return None if size is None else shape_arg(size)


def check_size_form(size: tuple[Any, ...]) -> None:
    """The TypeErrors of torch's parser when it matches a size: by its form and its first element only (the
    others are read later, after the device)."""
    first = size[0] if size else None
    if len(size) == 1 and isinstance(first, list | tuple):
        if not first:
            return
        first = first[0]
    if first is None or isinstance(first, bool) or not (isinstance(first, numbers.Integral) or is_index(first)):
        shape_arg(size)  # (its TypeError, if the form is wrong)
