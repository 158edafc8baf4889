"""torch's batched and small linear-algebra functions (``bmm``, ``baddbmm``, ``einsum``, ``matrix_power``,
``outer``): torch's checks and messages, then the ops (``minigrad.ops.linalg.Bmm``, ``minigrad.ops.batched``)."""

from __future__ import annotations

import numbers
import string
from typing import Any

import numpy as np

from minigrad import _tensor_base as _base  # (module: read at call time, see _tensor/math.py)
from minigrad._dtype import from_numpy_dtype
from minigrad.autograd import grad_mode
from minigrad.ops import batched as _b
from minigrad.ops import linalg as _linalg
from minigrad.surface.parser import UNSET, deprecated_beta_alpha

_state = grad_mode.state

__all__ = ["bmm", "baddbmm", "einsum", "matrix_power", "outer", "ger"]


def _input(x: Any, name: str, arg: str = "input", position: int = 1) -> Any:
    if not isinstance(x, _base.TensorBase):
        raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def _check_batches(a: np.ndarray, b: np.ndarray, *, empty_ok: bool = False) -> None:
    """bmm's checks in torch's order and words: both 3-d, batch2 of size [batch, k], one dtype (for bmm
    (``empty_ok``) only when both operands have elements: torch's kernel returns an empty or zero result before
    it reads the dtypes)."""
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{a.shape[0]}, "
                           f"{a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    if a.dtype != b.dtype and not (empty_ok and (not a.size or not b.size)):
        raise RuntimeError(f"expected scalar type {from_numpy_dtype(a.dtype).scalar_name} but found "
                           f"{from_numpy_dtype(b.dtype).scalar_name}")


def bmm(input: Any, mat2: Any) -> Any:
    """A batch of matrix products, (b, n, m) @ (b, m, p) → (b, n, p) (``BmmBackward0``)."""
    a, b = _input(input, "bmm")._data, _input(mat2, "bmm", "mat2", 2)._data
    _check_batches(a, b, empty_ok=True)
    if a.dtype != b.dtype:  # an operand is empty: the result has mat2's dtype (torch allocates it so)
        if b.dtype.kind != "f" and _state.enabled and (input._requires_grad or mat2._requires_grad):
            raise RuntimeError(f"Autograd not support dtype: {from_numpy_dtype(b.dtype).scalar_name}")
        input = input.to(mat2.dtype)
    return _linalg.Bmm.apply(input, mat2)


def baddbmm(input: Any, batch1: Any, batch2: Any, *deprecated: Any, beta: Any = UNSET, alpha: Any = UNSET) -> Any:
    """β·input + α·(batch1 @ batch2), input broadcast to the product's shape (``BaddbmmBackward0``); torch's
    deprecated ``(beta, [alpha,] batch1, batch2)`` overloads too."""
    if deprecated or isinstance(input, numbers.Number) or isinstance(batch1, numbers.Number):
        input, batch1, batch2, beta, alpha = deprecated_beta_alpha("baddbmm", (input, batch1, batch2, *deprecated),
                                                                   beta, alpha)
    beta, alpha = (1 if beta is UNSET else beta), (1 if alpha is UNSET else alpha)
    c = _input(input, "baddbmm")
    a, b = _input(batch1, "baddbmm", "batch1", 2)._data, _input(batch2, "baddbmm", "batch2", 3)._data
    for arr, d in ((a, 0), (a, 1), (b, 2)):  # torch reads the result's sizes before its checks: IndexErrors
        if arr.ndim == 0:
            raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
        if d >= arr.ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-arr.ndim}, {arr.ndim - 1}], "
                             f"but got {d})")
    _check_batches(a, b)
    target = (a.shape[0], a.shape[1], b.shape[2])
    shape = c._data.shape
    padded = (1,) * (3 - len(shape)) + shape
    if len(shape) > 3 or any(s != t and s != 1 for s, t in zip(padded, target)):
        d = next((i for i, (s, t) in enumerate(zip(padded, target)) if s != t and s != 1), 0)
        raise RuntimeError(f"The expanded size of the tensor ({target[d]}) must match the existing size "
                           f"({padded[d]}) at non-singleton dimension {d}.  Target sizes: {list(target)}.  Tensor "
                           f"sizes: {list(shape)}")
    for name, v in (("beta", beta), ("alpha", alpha)):
        if not isinstance(v, numbers.Number):
            raise TypeError(f"baddbmm(): argument '{name}' must be Number, not {type(v).__name__}")
    return _b.Baddbmm.apply(c, batch1, batch2, beta, alpha)


def _ellipsis(equation: str, operands: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """The equation with each ``...`` spelled out as letters of its own, the operands' ellipsis dims broadcast to
    one shape (``expand``, whose backward sums the gradient back); an implicit output lists the ellipsis dims
    first, then the letters used once, in order (torch's rule)."""
    lhs, arrow, out = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        return equation, operands  # (parse_einsum words the count error)
    spare = [c for c in string.ascii_letters if c not in equation]
    batch: list[tuple[int, ...]] = []
    for i, (sub, t) in enumerate(zip(inputs, operands)):
        if "..." in sub:
            k = t._data.ndim - (len(sub) - 3)
            if k < 0:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(sub) - 3}) is more "
                                   f"than the number of dimensions ({t._data.ndim}) for operand {i}")
            start = sub.index("...")
            batch.append(t._data.shape[start:start + k])
    full = np.broadcast_shapes(*batch)
    letters = "".join(spare[: len(full)])
    new_ops = []
    for sub, t in zip(inputs, operands):
        if "..." in sub:
            start = sub.index("...")
            shape = t._data.shape
            k = len(shape) - (len(sub) - 3)
            own = (1,) * (len(full) - k) + shape[start:start + k]
            if own != full:
                t = t.reshape(*shape[:start], *own, *shape[start + k:])
                t = t.expand(*shape[:start], *full, *shape[start + k:])
        new_ops.append(t)
    inputs = [sub.replace("...", letters) for sub in inputs]
    if arrow:
        out = out.replace("...", letters)
    else:
        named = "".join(sub.replace(letters, "") for sub in inputs)
        out = letters + "".join(sorted(c for c in set(named) if named.count(c) == 1))
    return ",".join(inputs) + "->" + out, tuple(new_ops)


def _subscript(n: Any) -> str:
    """One subscript of einsum's sublist format as its letter (torch's rule: 0–25 are A–Z, 26–51 a–z)."""
    if n is Ellipsis:
        return "..."
    if n >= 0 and n < 26:
        return chr(ord("A") + n)
    if n >= 26 and n < 52:
        return chr(ord("a") + n - 26)
    raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")


def einsum(*args: Any) -> Any:
    """einsum(equation, *operands): Einstein summation over the operands' subscripts (one node here; torch records
    its permute/bmm chain); ``...`` stands for broadcast batch dims. torch's sublist format (operand, list of ints,
    ..., [output list]) is turned into an equation first, as torch does."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], _base.TensorBase):  # the sublist format: operand, subscripts, ..., [output subscripts]
        equation = ",".join("".join(_subscript(n) for n in sub) for sub in args[1::2])
        if len(args) % 2 == 1:
            equation += "->" + "".join(_subscript(n) for n in args[-1])
        operands = args[:-1:2] if len(args) % 2 == 1 else args[::2]
    else:
        equation, operands = args[0], args[1:]
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): argument 'equation' (position 1) must be str, not {type(equation).__name__}")
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])
    for t in operands:
        _input(t, "einsum", "tensors", 2)
    equation = equation.replace(" ", "")
    if "..." in equation:
        equation, operands = _ellipsis(equation, operands)
    subs, out = _b.parse_einsum(equation, len(operands))
    sizes: dict[str, int] = {}
    for i, (s, t) in enumerate(zip(subs, operands)):
        shape = t._data.shape
        if len(s) != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(s)}) does not match the "
                               f"number of dimensions ({len(shape)}) for operand {i} and no ellipsis was given")
        for c, n in zip(s, shape):
            if c in sizes and sizes[c] != n and n != 1 and sizes[c] != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which does not broadcast "
                                   f"with previously seen size {sizes[c]}")
            sizes[c] = max(sizes.get(c, n), n)
    for c in out:
        if c not in sizes:
            raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input operand")
    return _b.Einsum.apply(subs, out, *operands)


def matrix_power(input: Any, n: int) -> Any:
    """A square matrix (or a batch) to the integer power n ≥ 0, by torch's products (n = 2: A·A; 3: (A·A)·A;
    larger: binary decomposition), so the graph is torch's chain of ``MmBackward0``/matmul nodes."""
    a = _input(input, "matrix_power")
    shape = a._data.shape
    if a._data.ndim < 2 or shape[-1] != shape[-2]:
        if a._data.ndim < 2:
            raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.")
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are {shape[-2]} by "
                           f"{shape[-1]} matrices")
    if n < 0:
        raise NotImplementedError("minigrad's matrix_power supports n >= 0 (a negative power needs linalg.inv)")
    if n == 0:
        return _base.wrap(np.broadcast_to(np.eye(shape[-1], dtype=a._data.dtype), shape).copy())
    if n == 1:
        return a.clone()
    if n == 2:
        return a @ a
    if n == 3:
        return (a @ a) @ a
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else z @ z
        if bit:
            result = z if result is None else result @ z
    return result


def outer(input: Any, vec2: Any) -> Any:
    """input ⊗ vec2 (both 1-d), as torch computes it: input viewed as a column times vec2 (``MulBackward0``)."""
    a = _input(input, "outer")
    b = _input(vec2, "outer", "vec2", 2)
    for name, t in (("self", a), ("vec2", b)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return a.reshape(a._data.shape[0], 1) * b


ger = outer
