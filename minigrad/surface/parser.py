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

from minigrad._tensor_base import TensorBase

__all__ = [
    "ALL_DIMS", "UNSET", "NO_ALPHA", "clamp_overload", "deprecated_alpha", "float_arg", "is_index", "shape_arg",
    "tensor_arg", "FLAGS", "alpha_number", "subtract_scalar_alpha", "max_min_overload", "integer_flags",
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
