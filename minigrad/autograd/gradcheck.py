"""Check a backward rule against finite differences, with ``torch.autograd.gradcheck``'s semantics.

For every element x[j] of every input that requires grad, the numerical derivative of every output element is
the central difference (f(x + eps·e_j) − f(x − eps·e_j)) / (2·eps), computed in float64; the analytical one
comes from backward, one pass per output element with a one-hot ``grad_output`` (so each row of the Jacobian is
checked, not only its sum). They must satisfy ``|analytical − numerical| ≤ atol + rtol·|numerical|``.

Use float64 inputs: in float32 the rounding error of f, divided by 2·eps, swamps the derivative.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad._tensor_base import TensorBase, wrap
from minigrad.autograd.engine import grad

__all__ = ["gradcheck", "GradcheckError", "numerical_jacobian", "analytical_jacobian"]


class GradcheckError(RuntimeError):
    """The analytical and numerical Jacobians differ (torch raises the same-named RuntimeError subclass)."""


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, tuple | list) else (x,)


def _is_tensor(x: Any) -> bool:
    return isinstance(x, TensorBase)


def _differentiable(inputs: Sequence[Any]) -> list[int]:
    return [i for i, t in enumerate(inputs) if _is_tensor(t) and t.requires_grad]


def numerical_jacobian(fn: Callable[..., Any], inputs: Sequence[Any], eps: float = 1e-6
                       ) -> dict[tuple[int, int], np.ndarray]:
    """``{(input i, output k): J}`` with J[a, b] = d output_k[b] / d input_i[a] (flat indices), by central
    differences. Each input element is perturbed in place and restored exactly."""
    from minigrad.autograd.grad_mode import no_grad

    jac: dict[tuple[int, int], np.ndarray] = {}
    for i in _differentiable(inputs):
        t = inputs[i]
        original = t._data
        work = np.array(original, copy=True)  # contiguous and writeable; views of t see no change
        t._data = work
        flat = work.reshape(-1)
        columns: list[list[np.ndarray]] = []
        try:
            with no_grad():
                for j in range(flat.size):
                    x = flat[j]
                    flat[j] = x - eps
                    lo = [_np64(o) for o in _as_tuple(fn(*inputs))]
                    flat[j] = x + eps
                    hi = [_np64(o) for o in _as_tuple(fn(*inputs))]
                    flat[j] = x
                    columns.append([((h - low) / (2 * eps)).reshape(-1) for h, low in zip(hi, lo)])
        finally:
            t._data = original
        n_out = len(columns[0]) if columns else len(_as_tuple(fn(*inputs)))
        for k in range(n_out):
            rows = [c[k] for c in columns]
            size = rows[0].size if rows else 0
            jac[(i, k)] = np.stack(rows) if rows else np.zeros((0, size))
    return jac


def _np64(x: Any) -> np.ndarray:
    return np.array(x._data if _is_tensor(x) else x, dtype=np.float64, copy=True)


def analytical_jacobian(outputs: Sequence[Any], inputs: Sequence[Any]) -> dict[tuple[int, int], np.ndarray]:
    """``{(input i, output k): J}`` from backward: one pass per output element, ``grad_output`` one-hot."""
    diff_in = _differentiable(inputs)
    jac: dict[tuple[int, int], np.ndarray] = {}
    for k, out in enumerate(outputs):
        if not (_is_tensor(out) and out.requires_grad):
            continue
        n_out = out._data.size
        cols = {i: np.zeros((inputs[i]._data.size, n_out)) for i in diff_in}
        for b in range(n_out):
            onehot = np.zeros(out._data.shape, dtype=out._data.dtype)
            onehot.reshape(-1)[b] = 1
            grads = grad(out, [inputs[i] for i in diff_in], grad_outputs=wrap(onehot), retain_graph=True,
                         allow_unused=True)
            for i, g in zip(diff_in, grads):
                if g is not None:
                    cols[i][:, b] = np.asarray(g._data, dtype=np.float64).reshape(-1)
        for i in diff_in:
            jac[(i, k)] = cols[i]
    return jac


def _index(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(v) for v in np.unravel_index(flat, shape)) if shape else ()


def _mismatch_report(i: int, k: int, a: np.ndarray, n: np.ndarray, in_shape: tuple[int, ...],
                     out_shape: tuple[int, ...], atol: float, rtol: float) -> str:
    allowed = atol + rtol * np.abs(n)
    excess = np.abs(a - n) - allowed
    bad = np.argwhere(~(np.abs(a - n) <= allowed))  # NaN counts as a mismatch
    order = sorted(map(tuple, bad), key=lambda rc: -np.nan_to_num(excess[rc], nan=np.inf))
    r, c = order[0]
    lines = [
        f"Jacobian mismatch for output {k} with respect to input {i},",
        f"at input index {_index(r, in_shape)}, output index {_index(c, out_shape)}: "
        f"analytical {float(a[r, c])!r}, numerical {float(n[r, c])!r} "
        f"(|Δ| = {abs(a[r, c] - n[r, c]):.6g} > atol + rtol·|numerical| = {allowed[r, c]:.6g}).",
        f"{len(order)} of {a.size} Jacobian entries differ "
        f"(input {i} has shape {tuple(in_shape)}, output {k} has shape {tuple(out_shape)}):",
    ]
    for rr, cc in order[:10]:
        lines.append(f"  d output{k}{list(_index(cc, out_shape))} / d input{i}{list(_index(rr, in_shape))}: "
                     f"analytical {float(a[rr, cc])!r}, numerical {float(n[rr, cc])!r}")
    if len(order) > 10:
        lines.append(f"  ... and {len(order) - 10} more")
    if a.size <= 64:
        with np.printoptions(precision=4, suppress=True, linewidth=120):
            lines += ["numerical (rows: input elements, columns: output elements):", str(n), "analytical:", str(a)]
    return "\n".join(lines)


def gradcheck(fn: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True) -> bool:
    """True if backward's Jacobian matches central differences for every input that requires grad.

    ``fn(*inputs)`` returns a Tensor or a tuple of Tensors; ``inputs`` is a Tensor or a tuple (non-tensors are
    passed through). On a mismatch: raise ``GradcheckError`` naming the input, the index and both values, or
    return False when ``raise_exception=False``. As in torch, a non-float64 input gives a warning.
    """
    from minigrad.autograd.grad_mode import enable_grad

    inputs = _as_tuple(inputs)
    diff_in = _differentiable(inputs)
    if not diff_in:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have "
                         "requires_grad=True.")
    for i in diff_in:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or complex. This check "
                "will likely fail if all the inputs are not of double precision floating point or complex. ",
                UserWarning, stacklevel=2,
            )

    def fail(message: str) -> bool:
        if raise_exception:
            raise GradcheckError(message)
        return False

    with enable_grad():
        outputs = _as_tuple(fn(*inputs))
    numerical = numerical_jacobian(fn, inputs, eps)
    if not any(_is_tensor(o) and o.requires_grad for o in outputs):
        if any(np.any(j != 0) for j in numerical.values()):
            return fail("Numerical gradient for function expected to be zero")
        return True
    analytical = analytical_jacobian(outputs, inputs)
    again = analytical_jacobian(outputs, inputs)
    for key, a in analytical.items():
        if not np.array_equal(a, again[key], equal_nan=True):
            return fail(f"Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                        f"times gives different values, although analytical gradient matches numerical gradient "
                        f"(output {key[1]} with respect to input {key[0]}).")
    for (i, k), a in analytical.items():
        n = numerical[(i, k)]
        if a.shape != n.shape:
            return fail(f"Jacobian shape mismatch for output {k} with respect to input {i}: analytical {a.shape}, "
                        f"numerical {n.shape}")
        with np.errstate(invalid="ignore"):
            ok = np.abs(a - n) <= atol + rtol * np.abs(n)
        if not ok.all():
            return fail(_mismatch_report(i, k, a, n, inputs[i]._data.shape, outputs[k]._data.shape, atol, rtol))
    return True
