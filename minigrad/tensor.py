"""``Tensor``: an ``np.ndarray`` plus what autograd needs (``grad``, ``requires_grad``, ``grad_fn``).

Every differentiable method calls one ``Function`` from ``minigrad.ops``; this file holds no derivative
math. In-place methods follow torch's rules: an in-place op on a leaf that requires grad raises (unless under
``no_grad``); on a tensor in the graph it is recorded like the out-of-place op; views share a version counter,
and backward refuses to use a saved tensor that an in-place op changed afterwards.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections import namedtuple
from collections.abc import Iterator
from typing import Any

import numpy as np

from minigrad import _dtype
from minigrad._device import check_device, device_type, is_device
from minigrad._dtype import dtype as _DtypeClass
from minigrad._dtype import from_numpy_dtype, get_default_dtype, to_numpy_dtype
from minigrad.autograd import engine as _engine
from minigrad.autograd import function as _function
from minigrad.autograd import grad_mode
from minigrad.autograd.function import AccumulateGrad, Node, bump_version
from minigrad.ops import arithmetic as _arith
from minigrad.ops import linalg as _linalg
from minigrad.ops import reduction as _red
from minigrad.ops import shape as _shape
from minigrad.ops import unary as _unary

__all__ = ["Tensor", "Size", "RemovableHandle"]

_state = grad_mode.state
_new = object.__new__
_LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating: an in-place result may not climb
_VIEW_OF_LEAF_INPLACE = "a view of a leaf Variable that requires grad is being used in an in-place operation."
_T_DEPRECATED_0D = "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
_T_DEPRECATED = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an "
    "error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - "
    "1, -1, -1))` to reverse the dimensions of a tensor."
)
# The package name reprs show (``minigrad.Size([4, 1])``, ``dtype=minigrad.int64``). ``minigrad run-as-torch``
# (minigrad.torch_compat) sets it to "torch" so that a torch script prints what torch prints.
display_module = "minigrad"


class Size(tuple):  # type: ignore[type-arg]
    """A tensor's shape: a tuple of ints that prints as ``minigrad.Size([4, 1])``."""

    def __repr__(self) -> str:
        return f"{display_module}.Size({list(self)})"

    def __getitem__(self, key: Any) -> Any:
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def __add__(self, other: Any) -> Any:
        return Size(tuple(self) + other) if isinstance(other, tuple) else NotImplemented

    def __radd__(self, other: Any) -> Any:
        return Size(other + tuple(self)) if isinstance(other, tuple) else NotImplemented

    def __mul__(self, n: Any) -> Any:
        return Size(tuple(self) * n) if isinstance(n, int) else NotImplemented

    __rmul__ = __mul__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(Size)`` like torch (``f()`` is a TypeError:
    a 0-d shape is spelled ``f(())``)."""
    if not shape:
        raise TypeError('missing 1 required positional arguments: "size"')
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral) and not _is_index(shape[0]):
        shape = tuple(shape[0])
    if shape and isinstance(shape[0], bool):  # torch's parser: a bool is a size after the first one
        raise TypeError(f"shape must be a sequence of ints, got {shape!r}")
    for s in shape:
        if not (isinstance(s, numbers.Integral) or _is_index(s)):
            raise TypeError(f"shape must be a sequence of ints, got {shape!r}")
    return tuple(operator.index(s) for s in shape)


def _is_index(s: Any) -> bool:
    """An integer scalar that is not a Python int, e.g. a 0-d integer tensor (torch takes those as sizes; a bool
    tensor is a RuntimeError)."""
    if isinstance(s, Tensor) and s._data.dtype.kind == "b":
        raise RuntimeError("Expected scalar.isIntegral( false) to be true, but got false.")
    try:
        operator.index(s)
    except TypeError:
        return False
    return True


def _tensor_arg(x: Any, fn: str, name: str = "other", position: int = 1) -> Tensor:
    """``x`` if it is a Tensor, else torch's TypeError for a Tensor argument of ``fn``."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(x).__name__}")
    return x


def _check_reduction_dim(t: Tensor, name: str) -> None:
    """torch's IndexError for ``argmax()``/``argmin()`` of an empty tensor without a ``dim``."""
    if t._data.size == 0:
        raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")


def _overflow_error(dt: np.dtype) -> RuntimeError:
    """torch's error for a scalar that does not fit the dtype (its C++ type names)."""
    ctype = _CTYPES.get(dt.name, f"{dt.name}_t")
    return RuntimeError(f"value cannot be converted to type {ctype} without overflow")


_CTYPES = {"int32": "int", "float16": "c10::Half", "float32": "float", "float64": "double"}


_FLAGS = (bool, type(None))  # retain_graph values that need no conversion


def _check_alpha(t: Tensor, other: Any, alpha: Any, name: str = "add") -> Any:
    """``alpha`` as a number (a 0-d tensor gives its value, as in torch). torch refuses a floating ``alpha`` when
    both operands are integral (or bool), and a bool ``alpha`` unless the result is bool."""
    if isinstance(alpha, Tensor | np.generic):
        if isinstance(alpha, Tensor) and alpha._data.ndim:
            raise TypeError(f"{name}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
        alpha = alpha.item()
    elif not isinstance(alpha, numbers.Number):
        raise TypeError(f"{name}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
    o_kind = (other._data.dtype.kind if isinstance(other, Tensor)
              else "b" if isinstance(other, bool) else "f" if isinstance(other, float) else "i")
    if isinstance(alpha, float) and t._data.dtype.kind in "biu" and o_kind in "biu":
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if isinstance(alpha, bool):
        o = other._data if isinstance(other, Tensor) else other
        if _dtype.result_type(t._data, o).kind != "b":
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        return alpha
    if type(alpha) is int and not -127 <= alpha <= 127:
        sub = name.startswith("sub")
        if sub and not -(2**63) < alpha < 2**63:
            # torch's sub adds other·(−alpha), negated in int64 (two's complement: −(−2**63) is −2**63 and
            # −(2**64 − 1) is 1)
            alpha = -((2**63 - alpha) % 2**64 - 2**63)
        res = _dtype.result_type(t._data, other._data if isinstance(other, Tensor) else other)
        if res.kind in "iu":  # torch's checked cast to the result dtype (-255..-1 wraps into uint8)
            if sub:
                _checked_bound(res, -alpha)
            else:
                alpha = _checked_bound(res, alpha)
    if isinstance(alpha, int | float) and math.isfinite(alpha) and abs(alpha) > 65504:  # float16's largest
        res = _dtype.result_type(t._data, other._data if isinstance(other, Tensor) else other)
        if res.kind == "f" and res.itemsize < 8 and abs(alpha) > float(np.finfo(res).max):
            raise _overflow_error(res)
    return alpha


def _deprecated_alpha(name: str, alpha: Any, rest: tuple[Any, ...], keyword_alpha: Any) -> tuple[Any, Any]:
    """torch's deprecated ``add(alpha, other)`` overload (two positional arguments): ``(other, alpha)``."""
    if len(rest) > 1 or keyword_alpha is not _NO_ALPHA:
        raise TypeError(f"{name}() received an invalid combination of arguments")
    if (isinstance(alpha, Tensor) and alpha._data.ndim) or not isinstance(alpha, Tensor | numbers.Number):
        raise TypeError(f"{name}() takes 1 positional argument but 2 were given")
    return rest[0], alpha


class _AllDims:
    """The default ``dim`` of sum/mean: no dim given (torch's full reduction, a different node from dim=None)."""

    def __repr__(self) -> str:
        return "<all dims>"


ALL_DIMS: Any = _AllDims()
_UNSET: Any = object()  # a keyword argument not given (where its default cannot tell)
_NO_ALPHA: Any = 1  # the default alpha: an alpha keyword besides the deprecated overload is refused unless it is 1


def _nonempty_dim(t: Tensor, dim: Any, name: str) -> int:
    """``dim`` normalised; torch's IndexError when that dim has no elements to reduce."""
    d = t._dim(dim)
    if t._data.ndim and t._data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return d


def _check_random_dtype(t: Tensor, kernel: str) -> None:
    """In-place random fills are for float32/float64 here: torch's error for other types (float16, which
    torch supports, is unsupported by minigrad's generator)."""
    dt = t._data.dtype
    if dt.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{from_numpy_dtype(dt).scalar_name}\'')
    if dt.itemsize < 4:
        raise NotImplementedError("minigrad's generator fills float32 and float64 tensors only, not float16")


def _generator(generator: Any) -> Any:
    """The generator to draw from: ``generator``, or the default one; TypeError for anything else."""
    from minigrad import random

    if generator is None:
        return random.default_generator
    if not isinstance(generator, random.Generator):
        raise TypeError(f"expected a minigrad.Generator as 'generator', got {type(generator).__name__}")
    return generator


def _other(x: Any) -> Any:
    """The operand a binary op works with: a Tensor, or a Python number; anything else is a TypeError."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, bool | int | float):
        return x
    if isinstance(x, np.ndarray | np.generic):
        return Tensor._wrap(np.asarray(x))
    if isinstance(x, numbers.Number):
        return float(x)
    raise TypeError(f"unsupported operand type for a Tensor operation: '{type(x).__name__}'")


class Tensor:
    """A multi-dimensional array with autograd. Build one with ``minigrad.tensor(...)``."""

    __slots__ = ("__weakref__", "_acc", "_data", "_requires_grad", "_retains_grad", "_vc", "grad", "grad_fn")
    __array_priority__ = 1000  # NumPy defers ``ndarray * Tensor`` to Tensor.__rmul__

    _data: np.ndarray
    grad: Tensor | None
    grad_fn: Node | None

    def __init__(self, data: Any = (), requires_grad: bool = False) -> None:
        """``minigrad.Tensor(data)`` builds a tensor of the default float dtype (torch.Tensor's legacy rule)."""
        arr = np.array(data._data if isinstance(data, Tensor) else data, dtype=get_default_dtype().np)
        self._data = arr
        self.grad = None
        self.grad_fn = None
        self._requires_grad = False
        self._vc = [0, 0]
        self._acc = None
        self._retains_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _wrap(data: Any, grad_fn: Node | None = None) -> Tensor:
        """Make a Tensor around ``data`` (no copy), as the output of ``grad_fn`` if given. The hot path."""
        t = _new(Tensor)
        t._data = data if type(data) is np.ndarray else np.asarray(data)
        t.grad = None
        t.grad_fn = grad_fn
        t._requires_grad = grad_fn is not None
        t._vc = [0, 0]
        t._acc = None
        t._retains_grad = False
        return t

    def _view_of(self, data: np.ndarray) -> Tensor:
        """A Tensor sharing memory and the version counter with ``self`` (no graph)."""
        t = Tensor._wrap(data)
        t._vc = self._vc
        return t

    def _grad_accumulator(self) -> AccumulateGrad:
        """This leaf's AccumulateGrad node (made once, kept while the tensor lives)."""
        acc = self._acc
        if acc is None:
            acc = self._acc = AccumulateGrad(self)
        return acc

    # ------------------------------------------------------------------ attributes
    @property
    def data(self) -> Tensor:
        """The same values, detached from the graph (shares memory; a new version counter, as in torch)."""
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if self._requires_grad and value._data.dtype.kind != "f":
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        self._data = value._data
        if self._acc is not None:
            self._acc._shape, self._acc._dtype = self._data.shape, self._data.dtype

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise RuntimeError("requires_grad must be a bool")
        if self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        if value and self._data.dtype.kind != "f":  # the attribute's wording differs from requires_grad_()'s
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(value)

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user rather than by an op that recorded a graph."""
        return self.grad_fn is None

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    @property
    def dtype(self) -> _DtypeClass:
        return from_numpy_dtype(self._data.dtype)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def _version(self) -> int:
        return self._vc[0]

    @property
    def is_floating_point_type(self) -> bool:
        return self._data.dtype.kind == "f"

    @property
    def T(self) -> Tensor:  # noqa: N802 - torch's name
        """All dims reversed (``PermuteBackward0``); like torch, deprecated (with a warning) unless 2-d."""
        nd = self._data.ndim
        if nd != 2:
            import warnings

            warnings.warn(_T_DEPRECATED_0D if nd == 0 else _T_DEPRECATED, UserWarning, stacklevel=2)
        return _shape.Permute.apply(self, tuple(range(nd - 1, -1, -1)))

    @property
    def mT(self) -> Tensor:  # noqa: N802
        return self.transpose(-2, -1)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def dim(self) -> int:
        return self._data.ndim

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._dim(dim)]

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def _dim(self, dim: int) -> int:
        from minigrad.ops.reduction import normalize_dims

        return normalize_dims(dim, self._data.ndim)[0]

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs: Any = None) -> None:
        """Accumulate d(self)/d(leaf) (times ``gradient`` for a non-scalar) into every leaf's ``.grad``."""
        if gradient is None and inputs is None and create_graph is False and retain_graph.__class__ in _FLAGS:
            _engine.backward(self, None, retain_graph)  # the common call: loss.backward()
            return
        if isinstance(gradient, list | tuple):  # torch takes a sequence holding the one gradient
            if len(gradient) != 1:
                raise RuntimeError(f"got 1 tensors and {len(gradient)} gradients")
            gradient = gradient[0]
        if gradient is not None and not isinstance(gradient, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(gradient).__name__}")
        elif gradient is not None and gradient._data.dtype != self._data.dtype:  # torch casts it to the output's
            gradient = Tensor._wrap(gradient._data.astype(self._data.dtype))
        if type(create_graph) is not bool or (retain_graph is not None and type(retain_graph) is not bool):
            # torch's parser reads these flags as integers: 1 is True; 0.5, "a", None (create_graph) are TypeErrors,
            # raised after the gradient's own checks
            try:
                create_graph = bool(operator.index(create_graph))
                retain_graph = None if retain_graph is None else bool(operator.index(retain_graph))
            except TypeError:
                if gradient is not None and gradient._data.shape != self._data.shape:
                    raise RuntimeError(
                        f"Mismatch in shape: grad_output[0] has a shape of {_engine._size(gradient._data.shape)} and "
                        f"output[0] has a shape of {_engine._size(self._data.shape)}."
                    ) from None
                if gradient is None and self._requires_grad and self._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs") from None
                raise
        if create_graph:
            raise NotImplementedError("create_graph=True (higher-order gradients) is not supported by minigrad")
        if inputs is not None:
            raise NotImplementedError("backward(inputs=...) is not supported by minigrad; use autograd.grad")
        _engine.backward(self, gradient, retain_graph)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf (only floating tensors can require grad)."""
        if not isinstance(requires_grad, bool | np.bool_):
            raise TypeError("requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                            f"{type(requires_grad).__name__}")
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                "in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        """The same values without a graph (shares memory and version counter)."""
        return self._view_of(self._data)

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        self._retains_grad = True
        import weakref

        ref = weakref.ref(self)

        def keep(grads: tuple[Tensor, ...]) -> None:
            t = ref()
            if t is not None:
                g = grads[0]._data
                if t.grad is None:
                    t.grad = Tensor._wrap(np.array(g, copy=True))
                else:
                    t.grad._data = t.grad._data + g

        self.grad_fn.register_prehook(keep)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook: Any) -> RemovableHandle:
        """``hook(grad) -> Tensor | None`` runs when this tensor's gradient is computed; it may replace it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node = self.grad_fn or self._grad_accumulator()

        def prehook(grads: tuple[Tensor, ...]) -> Any:
            out = hook(grads[0])
            return None if out is None else (out,)

        node.register_prehook(prehook)
        assert node._pre_hooks is not None
        return RemovableHandle(node._pre_hooks, prehook)

    # ------------------------------------------------------------------ conversion
    def item(self) -> Any:
        """The single value as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The underlying array (shared memory). Refused on a tensor that requires grad, as in torch."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._data

    def tolist(self) -> Any:
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``to(dtype)``, ``to("cpu")``, ``to(other_tensor)``, ``copy=True``; a cast is recorded as
        ``ToCopyBackward0``. The arguments are read as torch's parser reads them (``parse_to``)."""
        if len(args) == 1 and not kwargs and isinstance(args[0], _DtypeClass):
            target, copy = args[0], False
        else:
            target, copy, _ = parse_to(args, kwargs)
        if target is None or to_numpy_dtype(target) == self._data.dtype:
            if not copy:
                return self
            target = self.dtype
        dt = to_numpy_dtype(target)
        if dt.kind != "f":  # only floating tensors can require grad: a cast to ints or bool leaves the graph
            return Tensor._wrap(_dtype.cast(self._data, dt))
        return _shape.ToCopy.apply(self, dt)

    def type(self, dtype: Any = None, non_blocking: bool = False) -> Any:
        """The type name (``minigrad.FloatTensor``), or a copy of another dtype; ``non_blocking`` (a copy to a
        device in torch) changes nothing on the CPU."""
        if type(non_blocking) is not bool:
            kind = type(non_blocking).__name__
            raise TypeError(f"type(): argument 'non_blocking' (position 2) must be bool, not {kind}")
        if dtype is None:
            return f"{display_module}.{self.dtype.scalar_name}Tensor"
        if isinstance(dtype, str):  # "torch.DoubleTensor" / "minigrad.DoubleTensor"
            name = dtype.split(".")[-1].removesuffix("Tensor")
            match = [d for d in _dtype._FROM_NP.values() if d.scalar_name == name and dtype.count(".") == 1]
            if not match:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = match[0]
        return self.to(dtype)

    def float(self) -> Tensor:
        return self.to(_dtype.float32)

    def double(self) -> Tensor:
        return self.to(_dtype.float64)

    def half(self) -> Tensor:
        return self.to(_dtype.float16)

    def long(self) -> Tensor:
        return self.to(_dtype.int64)

    def int(self) -> Tensor:
        return self.to(_dtype.int32)

    def bool(self) -> Tensor:
        return self.to(_dtype.bool)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Tensor:
        """Refused: minigrad has no CUDA (an AssertionError, as from torch's CPU build; a bad device string is
        torch's parse error first)."""
        if not isinstance(non_blocking, bool):
            raise TypeError(f"cuda(): argument 'non_blocking' (position 2) must be bool, not "
                            f"{type(non_blocking).__name__}")
        if (device is not None and not isinstance(device, str | int | np.integer)) or isinstance(device, bool):
            raise TypeError(f"cuda(): argument 'device' (position 1) must be torch.device, not "
                            f"{type(device).__name__}")
        if device_type(device) != "cuda" and device is not None:
            raise RuntimeError("Invalid device, must be cuda device")
        raise AssertionError("minigrad is not compiled with CUDA enabled: it runs on the CPU only")

    def contiguous(self) -> Tensor:
        return self

    def clone(self) -> Tensor:
        return _shape.Clone.apply(self)

    def new_tensor(self, data: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
        from minigrad._creation import tensor

        return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(_tensor_arg(other, "type_as").dtype)

    def __repr__(self) -> str:
        from minigrad._tensor_str import tensor_repr

        name = self.grad_fn.name() if self.grad_fn is not None else None
        return tensor_repr(self._data, requires_grad=self._requires_grad, grad_fn_name=name,
                           default_float_dtype=get_default_dtype().np, module_name=display_module)

    def __str__(self) -> str:
        return self.__repr__()

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self._data.item().__format__(spec)
        return object.__format__(self, spec)

    def __contains__(self, element: Any) -> bool:
        """``element in t``: any element equal to it (torch's rule: a Tensor or a number only)."""
        if isinstance(element, Tensor | numbers.Number):
            return bool((element == self).any().item())
        raise RuntimeError(
            f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}."
        )

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data)

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "biu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __hash__(self) -> int:
        return id(self)

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> Tensor:
        return _arith.Add.apply(self, _other(other))

    def __radd__(self, other: Any) -> Tensor:
        return _arith.Add.apply(self, _other(other))

    def __sub__(self, other: Any) -> Tensor:
        return _arith.Sub.apply(self, _other(other))

    def __rsub__(self, other: Any) -> Tensor:
        other = _other(other)
        if isinstance(other, Tensor):
            return _arith.Sub.apply(other, self)
        return _arith.Rsub.apply(self, other)

    def __mul__(self, other: Any) -> Tensor:
        return _arith.Mul.apply(self, _other(other))

    def __rmul__(self, other: Any) -> Tensor:
        return _arith.Mul.apply(self, _other(other))

    def __truediv__(self, other: Any) -> Tensor:
        return _arith.Div.apply(self, _other(other))

    def __rtruediv__(self, other: Any) -> Tensor:
        other = _other(other)
        if isinstance(other, Tensor):
            return _arith.Div.apply(other, self)
        return _arith.Mul.apply(self.reciprocal(), other)  # torch: reciprocal(x)·c

    def _floor_or_mod(self, other: Any, ufunc: Any, kernel: str, reflected: bool = False) -> Tensor:
        """``//`` and ``%`` (floor division, Python-style remainder) in torch's result dtype, with torch's
        errors: integer division by zero, bool operands. No graph is recorded."""
        o = _other(other)
        x, y = _arith.promote(self._data, o._data if isinstance(o, Tensor) else o)
        if reflected:
            x, y = y, x
        dt = np.result_type(x, y)
        if dt.kind == "b":
            raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
        yo = o._data if isinstance(o, Tensor) else o
        if dt == np.float16 and ufunc is np.floor_divide and not reflected and np.ndim(yo) == 0 and not isinstance(
                yo, bool) and np.asarray(yo).dtype.kind in "fiu":
            # torch's div_floor kernel reads a float16 op's 0-d second operand in float32, unrounded (0.4683 // a
            # float32 0.46827602 is 0, not float16's 0.4683 // 0.4683 = 1); its remainder rounds it
            x, y = x.astype(np.float32), np.float32(yo)
        try:
            with np.errstate(divide="ignore", invalid="ignore"):  # x // 0. is ±inf or nan, silently, as in torch
                out = np.asarray(ufunc(x, y))
        except ValueError:
            raise _function._broadcast_error(x, y) from None
        if out.dtype != dt:
            out = out.astype(dt)
        if dt.kind in "iu" and out.size and np.any(np.asarray(y) == 0):
            raise RuntimeError("ZeroDivisionError")
        return Tensor._wrap(out)

    def __floordiv__(self, other: Any) -> Tensor:
        return self._floor_or_mod(other, np.floor_divide, "div_floor_cpu")

    def __rfloordiv__(self, other: Any) -> Tensor:
        return self._floor_or_mod(other, np.floor_divide, "div_floor_cpu", reflected=True)

    def __mod__(self, other: Any) -> Tensor:
        return self._floor_or_mod(other, np.mod, "remainder_cpu")

    def __rmod__(self, other: Any) -> Tensor:
        return self._floor_or_mod(other, np.mod, "remainder_cpu", reflected=True)

    def __pow__(self, other: Any) -> Tensor:
        other = _other(other)
        if isinstance(other, Tensor):
            return _arith.PowTensor.apply(self, other)
        return _arith.Pow.apply(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        other = _other(other)
        if isinstance(other, Tensor):
            return _arith.PowTensor.apply(other, self)
        return _arith.RPow.apply(self, other)

    def __neg__(self) -> Tensor:
        return _arith.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self.abs()

    def __invert__(self) -> Tensor:
        if self._data.dtype.kind not in "biu":
            raise TypeError("~ (bitwise not) is only supported for integer and bool tensors")
        return Tensor._wrap(~self._data)

    def _bitwise(self, other: Any, ufunc: Any, kernel: str) -> Tensor:
        """``&``, ``|``, ``^`` of integer or bool operands, in torch's result dtype (no gradient)."""
        o = _other(other)
        a, b = _arith.promote(self._data, o._data if isinstance(o, Tensor) else o)
        dt = np.result_type(a, b)
        if dt.kind == "f":
            raise NotImplementedError(f'"{kernel}" not implemented for \'{from_numpy_dtype(dt).scalar_name}\'')
        try:
            return Tensor._wrap(np.asarray(ufunc(a, b)))
        except ValueError:
            raise _function._broadcast_error(a, b) from None

    def __and__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_and, "bitwise_and_cpu")

    def __or__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_or, "bitwise_or_cpu")

    def __xor__(self, other: Any) -> Tensor:
        return self._bitwise(other, np.bitwise_xor, "bitwise_xor_cpu")

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(_other(other), self)

    def add(self, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:
        """``self + alpha·other``; ``add(alpha, other)`` is torch's deprecated spelling."""
        return self._with_alpha(_arith.Add, "add", other, deprecated, alpha)

    def sub(self, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:
        """``self − alpha·other``; ``sub(alpha, other)`` is torch's deprecated spelling."""
        return self._with_alpha(_arith.Sub, "sub", other, deprecated, alpha)

    def _with_alpha(self, fn: Any, name: str, other: Any, deprecated: tuple[Any, ...], alpha: Any) -> Tensor:
        if deprecated:
            other, alpha = _deprecated_alpha(name, other, deprecated, alpha)
        other = _other(other)
        if type(alpha) is not int or alpha != 1:
            alpha = _check_alpha(self, other, alpha, name)
        return fn.apply(self, other, alpha)

    def mul(self, other: Any) -> Tensor:
        return self.__mul__(other)

    def div(self, other: Any) -> Tensor:
        return self.__truediv__(other)

    def pow(self, exponent: Any) -> Tensor:
        return self.__pow__(exponent)

    def neg(self) -> Tensor:
        return self.__neg__()

    def reciprocal(self) -> Tensor:
        return _arith.Reciprocal.apply(self)

    multiply, divide, negative = mul, div, neg

    def subtract(self, other: Any, *positional_alpha: Any, alpha: Any = _UNSET) -> Tensor:
        """``self − alpha·other``. Unlike ``sub``, torch's ``subtract`` has no deprecated ``(alpha, other)`` form: two
        positional arguments are its ``(Scalar other, Scalar alpha)`` overload (numbers, or 0-d tensors read as
        numbers)."""
        if positional_alpha:
            a = positional_alpha[0]
            scalar_other = not (isinstance(other, Tensor) and other._data.ndim)
            if len(positional_alpha) > 1 or alpha is not _UNSET or not scalar_other or not (
                    isinstance(a, numbers.Number) or (isinstance(a, Tensor) and not a._data.ndim)):
                raise TypeError("subtract() received an invalid combination of arguments")
            alpha = _scalar(a)
        return self._with_alpha(_arith.Sub, "subtract", other, (), 1 if alpha is _UNSET else alpha)

    def matmul(self, other: Any) -> Tensor:
        return matmul(self, other)

    def mm(self, other: Tensor) -> Tensor:
        return _linalg.Mm.apply(self, _tensor_arg(other, "mm", "mat2"))

    def dot(self, other: Tensor) -> Tensor:
        _tensor_arg(other, "dot", "tensor")
        if self._data.ndim != 1 or other._data.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self._data.ndim}D and {other._data.ndim}D tensors")
        return _linalg.Dot.apply(self, other)

    # ------------------------------------------------------------------ elementwise functions
    def exp(self) -> Tensor:
        return _unary.Exp.apply(self)

    def log(self) -> Tensor:
        return _unary.Log.apply(self)

    def sigmoid(self) -> Tensor:
        return _unary.Sigmoid.apply(self)

    def tanh(self) -> Tensor:
        return _unary.Tanh.apply(self)

    def relu(self) -> Tensor:
        return _unary.Relu.apply(self)

    def abs(self) -> Tensor:
        if self._data.dtype.kind == "b":
            raise NotImplementedError('"abs_cpu" not implemented for \'Bool\'')
        return _unary.Abs.apply(self)

    def sqrt(self) -> Tensor:
        return _unary.Sqrt.apply(self)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:
        if _clamp_overload(min, max):  # torch's clamp.Tensor overload: elementwise bounds, with gradients
            return _unary.ClampTensor.apply(self, min, max)
        return _unary.Clamp.apply(self, *_clamp_bounds(self, min, max))

    clip = clamp

    def round(self, decimals: int = 0) -> Tensor:
        if isinstance(decimals, bool) or not isinstance(decimals, int):
            raise TypeError(f"round(): argument 'decimals' must be int, not {type(decimals).__name__}")
        if not -(2**63) <= decimals < 2**63:
            raise ValueError("Overflow when unpacking long long")
        if not -(2**31) <= decimals < 2**31:  # NumPy's limit (torch returns NaN: 10**decimals overflows)
            raise NotImplementedError("minigrad's round() supports |decimals| < 2**31")
        if self._data.dtype.kind == "b":
            raise NotImplementedError('"round_vml_cpu" not implemented for \'Bool\'')
        return _unary.Round.apply(self, decimals)

    def sign(self) -> Tensor:
        """−1, 0 or 1 (bool stays bool); sign(NaN) is 0 as in torch (NumPy gives NaN)."""
        x = self._data
        if x.dtype.kind == "b":
            return Tensor._wrap(x.copy())
        s = np.sign(x)
        if x.dtype.kind == "f":
            s = np.where(np.isnan(s), s.dtype.type(0), s)
        return Tensor._wrap(s)

    # ------------------------------------------------------------------ comparisons (no gradient)
    def _compare(self, other: Any, op: Any) -> Tensor:
        o = _other(other)
        a, b = _arith.promote(self._data, o._data if isinstance(o, Tensor) else o)
        if type(b) is float and a.dtype == np.float16:
            b = _dtype.scalar_as(a.dtype, b)  # (torch compares with the number made a float16 through float32)
        try:
            return Tensor._wrap(np.asarray(op(a, b)))
        except ValueError:
            from minigrad.autograd.function import _broadcast_error

            raise _broadcast_error(a, b) from None

    def eq(self, other: Any) -> Tensor:
        return self._compare(other, np.equal)

    def ne(self, other: Any) -> Tensor:
        return self._compare(other, np.not_equal)

    def lt(self, other: Any) -> Tensor:
        return self._compare(other, np.less)

    def le(self, other: Any) -> Tensor:
        return self._compare(other, np.less_equal)

    def gt(self, other: Any) -> Tensor:
        return self._compare(other, np.greater)

    def ge(self, other: Any) -> Tensor:
        return self._compare(other, np.greater_equal)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        """Elementwise ``==``; against a non-numeric object (None, a string, a list) Python's fallback decides
        (False), as with torch."""
        if not isinstance(other, Tensor | numbers.Number | np.ndarray | np.generic):
            return NotImplemented
        return self.eq(other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        if not isinstance(other, Tensor | numbers.Number | np.ndarray | np.generic):
            return NotImplemented
        return self.ne(other)
    __lt__ = lt
    __le__ = le
    __gt__ = gt
    __ge__ = ge

    def equal(self, other: Tensor) -> bool:
        _tensor_arg(other, "equal")
        return self._data.shape == other._data.shape and bool(np.array_equal(self._data, other._data))

    def allclose(self, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
        rtol, atol = _float_arg(rtol, "allclose", "rtol", 2), _float_arg(atol, "allclose", "atol", 3)
        rtol, atol = (float(v) if isinstance(v, numbers.Real) else v for v in (rtol, atol))  # (torch reads doubles)
        for name, tol in (("rtol", rtol), ("atol", atol)):
            if isinstance(tol, numbers.Real) and not tol >= 0:  # (NaN too)
                raise RuntimeError(f"{name} must be greater than or equal to zero, but got {tol:g}")
        if _tensor_arg(other, "allclose")._data.dtype != self._data.dtype:
            raise RuntimeError(f"{self.dtype.scalar_name} did not match {other.dtype.scalar_name}")
        try:
            return bool(np.allclose(self._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))
        except ValueError:
            raise _function._broadcast_error(self._data, other._data) from None

    def isnan(self) -> Tensor:
        return Tensor._wrap(np.isnan(self._data))

    def all(self) -> Tensor:
        """True if every element is non-zero (a uint8 tensor gives uint8 0/1, as in torch)."""
        out = np.asarray(self._data.all())
        return Tensor._wrap(out.astype(np.uint8) if self._data.dtype == np.uint8 else out)

    def any(self) -> Tensor:
        """True if some element is non-zero (a uint8 tensor gives uint8 0/1, as in torch)."""
        out = np.asarray(self._data.any())
        return Tensor._wrap(out.astype(np.uint8) if self._data.dtype == np.uint8 else out)

    # ------------------------------------------------------------------ reductions
    def sum(self, dim: Any = ALL_DIMS, keepdim: bool = False, dtype: Any = None) -> Tensor:
        """The sum over every dim (``SumBackward0``) or over ``dim`` (``SumBackward1``; an explicit None or ()
        means every dim, as in torch)."""
        dt = None if dtype is None else to_numpy_dtype(dtype)  # one node, as torch: the input is cast inside it
        r = _red
        if dim is ALL_DIMS:
            return r.Sum.apply(self, dt)
        dims = (None if dim is None else r.normalize_dims(dim, self._data.ndim)) or tuple(range(self._data.ndim))
        return r.SumDim.apply(self, dims, keepdim, dt)

    def mean(self, dim: Any = ALL_DIMS, keepdim: bool = False, dtype: Any = None) -> Tensor:
        """The mean over every dim (``MeanBackward0``) or over ``dim`` (``MeanBackward1``; None or () means every
        dim)."""
        dt = None if dtype is None else to_numpy_dtype(dtype)
        r = _red
        if dim is ALL_DIMS:
            return r.Mean.apply(self, dt)
        dims = (None if dim is None else r.normalize_dims(dim, self._data.ndim)) or tuple(range(self._data.ndim))
        return r.MeanDim.apply(self, dims, keepdim, dt)

    def max(self, dim_or_other: Any = None, /, keepdim: Any = _UNSET, *, dim: Any = _UNSET) -> Any:
        """The largest value, or (values, indices) along ``dim``; ``max(other)`` (elementwise) is not supported."""
        return _max_min(self, "max", dim_or_other, keepdim, dim)

    def min(self, dim_or_other: Any = None, /, keepdim: Any = _UNSET, *, dim: Any = _UNSET) -> Any:
        """The smallest value, or (values, indices) along ``dim``; ``min(other)`` (elementwise) is not supported."""
        return _max_min(self, "min", dim_or_other, keepdim, dim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        if dim is None:
            _check_reduction_dim(self, "argmax")
            out = np.asarray(np.argmax(self._data), dtype=np.int64)
            return Tensor._wrap(out.reshape((1,) * self._data.ndim) if keepdim else out)
        return Tensor._wrap(np.argmax(self._data, axis=_nonempty_dim(self, dim, "argmax"),
                                      keepdims=keepdim).astype(np.int64))

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        if dim is None:
            _check_reduction_dim(self, "argmin")
            out = np.asarray(np.argmin(self._data), dtype=np.int64)
            return Tensor._wrap(out.reshape((1,) * self._data.ndim) if keepdim else out)
        return Tensor._wrap(np.argmin(self._data, axis=_nonempty_dim(self, dim, "argmin"),
                                      keepdims=keepdim).astype(np.int64))

    # ------------------------------------------------------------------ shape
    def view(self, *shape: Any, dtype: Any = None) -> Tensor:
        if dtype is not None or (len(shape) == 1 and isinstance(shape[0], _DtypeClass)):
            if dtype is not None and (shape or not isinstance(dtype, _DtypeClass)):
                raise TypeError("view() received an invalid combination of arguments")
            raise NotImplementedError("view(dtype) is not supported by minigrad")
        return _shape.View.apply(self, _shape_arg(shape))

    def reshape(self, *shape: Any) -> Tensor:
        """A view with the new shape when the memory layout allows one, else a copy (torch's rule and nodes)."""
        shape = _shape_arg(shape)
        try:
            return _shape.View.apply(self, shape)
        except RuntimeError as e:
            if not str(e).startswith("view size is not compatible"):
                raise
        return _shape.UnsafeView.apply(_shape.Clone.apply(self), shape)

    def view_as(self, other: Tensor) -> Tensor:
        return self.view(_tensor_arg(other, "view_as")._data.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return self.reshape(_tensor_arg(other, "reshape_as")._data.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        shape = self._data.shape
        if not shape:
            self._dim(start_dim), self._dim(end_dim)  # (torch's IndexError for a dim out of [-1, 0])
            return self.reshape(1)
        s, e = self._dim(start_dim), self._dim(end_dim)
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e:
            return self  # torch returns the input itself
        n = 1
        for d in shape[s : e + 1]:
            n *= d
        return self.reshape(*shape[:s], n, *shape[e + 1 :])

    def t(self) -> Tensor:
        return _shape.T.apply(self)

    def permute(self, *dims: Any) -> Tensor:
        if len(dims) == 1 and isinstance(dims[0], Tensor):  # torch's dims parser: a one-element tensor (bool too)
            if dims[0]._data.size != 1:                     # is one dim, any other tensor a TypeError
                raise TypeError("permute(): argument 'dims' (position 1) must be tuple of ints, not Tensor")
            dims = (int(dims[0]._data.reshape(())),)
        dims_t = _shape_arg(dims)
        nd: tuple[int, ...] = ()
        if len(dims_t) == self._data.ndim:
            for d in dims_t:  # torch's checks, one dim after the other: its range, then whether it came before
                d = self._dim(d)
                if d in nd:
                    raise RuntimeError("permute(): duplicate dims are not allowed.")
                nd += (d,)
        if len(dims_t) != self._data.ndim:
            raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not match the "
                               "length of the desired ordering of dimensions i.e. input.dim() = "
                               f"{self._data.ndim} is not equal to len(dims) = {len(dims_t)}")
        return _shape.Permute.apply(self, nd)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        d0, d1 = self._dim(dim0), self._dim(dim1)
        return _shape.Transpose.apply(self, d0, d1)  # (a 0-d tensor: dims 0 and -1 are allowed, nothing moves)

    def unsqueeze(self, dim: int) -> Tensor:
        from minigrad.ops.reduction import normalize_dims

        (d,) = normalize_dims(dim, self._data.ndim + 1)
        return _shape.Unsqueeze.apply(self, d)

    def squeeze(self, dim: int | None = None, *more_dims: int) -> Tensor:
        s = _shape
        if more_dims:  # squeeze(0, 1): torch's dims as separate arguments
            dim = (dim, *more_dims)
        if dim is None:
            return s.Squeeze.apply(self)
        if isinstance(dim, Tensor) and dim._data.ndim:  # (a 1-d tensor is a list of dims for torch's parser)
            dim = [int(d) for d in dim._data.reshape(-1)]
        if isinstance(dim, np.ndarray):  # torch's parser: a 0-d integer array is a list of one dim, nothing else
            if dim.ndim or dim.dtype.kind not in "iu":
                raise TypeError("squeeze() received an invalid combination of arguments - got (numpy.ndarray)")
            dim = [int(dim)]
        if isinstance(dim, tuple | list):
            dims: list[int] = []
            for d in dim:  # torch's checks, one dim after the other: its range, then whether it came before
                d = self._dim(d)
                if d in dims:
                    raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
                dims.append(d)
            return s.SqueezeDims.apply(self, tuple(dims))  # (the listed dims of size 1; SqueezeBackward2)
        d = self._dim(dim)  # torch's IndexError for a dim out of range, 0-d tensors included
        return s.SqueezeDim.apply(self, d)  # (a 0-d tensor too: a new view, SqueezeBackward1, as in torch)

    def expand(self, *sizes: Any) -> Tensor:
        """The tensor broadcast to ``sizes`` (-1 keeps a dim; ``ExpandBackward0``): torch's checks first. A copy, not
        a view: a size too large to allocate is a RuntimeError (torch's expand allocates nothing)."""
        shape = _shape_arg(sizes)
        have, lead = self._data.shape, len(shape) - self._data.ndim
        if lead < 0:
            raise RuntimeError(
                f"expand({self.type()}{{{list(have)}}}, size={list(shape)}): the number of sizes provided "
                f"({len(shape)}) must be greater or equal to the number of dimensions in the tensor ({len(have)})"
            )
        target = []
        for i, s in enumerate(shape):
            if i < lead:
                if s < 0:
                    raise RuntimeError(
                        f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}"
                    )
            elif s == -1:
                s = have[i - lead]
            elif have[i - lead] != 1 and s != have[i - lead]:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) must match the existing size ({have[i - lead]}) at "
                    f"non-singleton dimension {i}.  Target sizes: {list(shape)}.  Tensor sizes: {list(have)}"
                )
            if s < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(shape)}")
            target.append(s)
        try:
            return _shape.Expand.apply(self, tuple(target))
        except (MemoryError, ValueError) as e:
            raise RuntimeError(f"cannot allocate a tensor of shape {target}: {e}") from None

    # ------------------------------------------------------------------ indexing
    def __getitem__(self, key: Any) -> Tensor:
        s = _shape
        single_slice = isinstance(key, slice)  # torch records SliceBackward0 even for x[:]
        _check_index_count(key, self._data.ndim)
        key = key if isinstance(key, tuple) else (key,)
        key = tuple(_index_part(k) for k in key)
        if len(key) > 1 and sum(k is Ellipsis for k in key) > 1:
            key = _one_ellipsis(key, self._data.ndim)
        if not all(k is None or k is Ellipsis or isinstance(k, int | slice) for k in key):
            if any(isinstance(k, slice) and k.step is not None and k.step <= 0 for k in key):
                raise ValueError("step must be greater than zero")  # (NumPy would reverse)
            if any(type(k) is int for k in key):  # torch selects with the integers first (NumPy counts them as
                basic, rest = _split_integers(key, self._data.ndim)  # advanced: x[0, :, [1]] would move dims)
                return s.Index.apply(self[basic], rest if len(rest) > 1 else rest[0])
            return s.Index.apply(self, key if len(key) > 1 else key[0])
        n_dims = sum(1 for k in key if isinstance(k, int | slice))
        if n_dims > self._data.ndim:
            raise IndexError(f"too many indices for tensor of dimension {self._data.ndim}")
        if Ellipsis in key:
            i = key.index(Ellipsis)
            key = key[:i] + (slice(None),) * (self._data.ndim - n_dims) + key[i + 1 :]
        out, dim = self, 0
        for k in key:
            if isinstance(k, int):
                out = s.Select.apply(out, dim, k)
            elif isinstance(k, slice):
                # torch skips a slice inside a tuple when it is literally the whole dim: start 0, stop ≥ size, step 1
                whole = k.start in (None, 0) and k.step in (None, 1) and (k.stop is None or k.stop >= out.shape[dim])
                if single_slice or not whole:
                    out = s.Slice.apply(out, dim, k)
                dim += 1
            else:  # None: a new axis
                out = s.Unsqueeze.apply(out, dim)
                dim += 1
        if out is self:
            out = s.Alias.apply(self)
        return out

    def __setitem__(self, key: Any, value: Any) -> None:
        raw_key = key
        key = tuple(_index_part(k) for k in key) if isinstance(key, tuple) else _index_part(key)
        value = _other(value)
        if type(value) is float and self._data.dtype == np.float32 and math.isfinite(value) and (
                abs(value) > float(np.finfo(np.float32).max)):
            raise _overflow_error(self._data.dtype)  # (torch makes the value a float32 tensor first; float16: inf)
        if type(value) is int and not -(2**63) <= value < 2**63:
            raise ValueError("Overflow when unpacking long long")  # (torch reads the value as an int64 first)
        if type(value) is float:  # torch makes a number a tensor of self's dtype before it reads the index
            _check_float_fits(self._data.dtype, value, floats=False)  # (x[k] = 1e10 is inf in float16, as in torch)
            if self._data.dtype == np.float16:
                value = _dtype.scalar_as(self._data.dtype, value)  # (through float32, as torch)
        elif type(value) is int and self._data.dtype.kind in "iu":
            value = _checked_bound(self._data.dtype, value)  # (-255..-1 wraps into uint8 as torch's cast allows)
        _check_index_count(raw_key, self._data.ndim)
        if type(key) is tuple and len(key) > 1 and sum(k is Ellipsis for k in key) > 1:
            key = _one_ellipsis(key, self._data.ndim)
        if any(isinstance(k, slice) and k.step is not None and k.step <= 0
               for k in (key if isinstance(key, tuple) else (key,))):
            raise ValueError("step must be greater than zero")
        if raw_key is False:  # torch does nothing for x[False] = v (no graph, no in-place check) but read v
            return
        if isinstance(value, Tensor) and value._data.ndim and not value._data.size:
            _check_empty_value(self._data, key, value._data)
        if _state.enabled and (self._requires_grad or (isinstance(value, Tensor) and value._requires_grad
                                                        and self._data.dtype.kind == "f")):
            if self.grad_fn is None and self._requires_grad:
                raise RuntimeError(_VIEW_OF_LEAF_INPLACE)  # x[key] = v is a copy_ into the view x[key]
            self._check_inplace()
            if isinstance(value, Tensor) and value._data.dtype != self._data.dtype:
                _check_index_put_dtype(self, raw_key, key, value)
            v = value if isinstance(value, Tensor) else Tensor._wrap(np.asarray(value, dtype=self._data.dtype))
            try:
                self._rebind(_shape.CopySlices.apply(self, v, key))
            except ValueError as e:  # NumPy: the value does not broadcast to the selection
                _check_index(self._data, key)
                raise RuntimeError(str(e)) from None
            return
        if isinstance(value, Tensor) and value._data.dtype != self._data.dtype:
            _check_index_put_dtype(self, raw_key, key, value)
        try:
            v = value._data if isinstance(value, Tensor) else value
            self._data[key] = _dtype.cast(v, self._data.dtype) if type(v) is np.ndarray else v
        except OverflowError:
            raise RuntimeError(f"value cannot be converted to type {self._data.dtype.name} without overflow") from None
        except ValueError as e:  # a value that does not broadcast to the selection
            v = np.asarray(value._data if isinstance(value, Tensor) else value)
            if v.dtype == object or v.size != 1:
                _check_index(self._data, key)
                raise RuntimeError(str(e)) from None
            self._data[key] = v.reshape(())  # torch fits a one-element value into a single element
        bump_version(self._vc)

    # ------------------------------------------------------------------ in-place
    def _check_inplace(self) -> None:
        """torch's refusals before an in-place op that autograd records: on a leaf that requires grad, or on a
        view of one. A view of a non-leaf would need torch's view rebasing, which minigrad does not implement."""
        node = self.grad_fn
        if node is None:
            if self._requires_grad:
                raise RuntimeError(_LEAF_INPLACE)
            return
        if not getattr(node, "_function", _function.Function).is_view:
            return
        while getattr(node, "_function", _function.Function).is_view:
            node = node.next_functions[0][0]
        if isinstance(node, AccumulateGrad):
            raise RuntimeError(_VIEW_OF_LEAF_INPLACE)
        raise NotImplementedError(
            f"in-place modification of a view ({self.grad_fn.name()}) of a tensor that requires grad is not "
            "supported by minigrad; use the out-of-place op or modify a .clone()"
        )

    def _snapshot(self) -> Tensor:
        """The input a recorded in-place op computes from: a copy of ``self`` at the same place in the graph
        (torch keeps the original values too), so writing the result into ``self`` cannot alter what the op saved."""
        return Tensor._wrap(self._data.copy(), self.grad_fn)

    def _rebind(self, out: Tensor) -> Tensor:
        """Make ``self`` the result of a recorded in-place op: the new values are written into its own memory (so
        views see them, and a node that saved the old values detects the change) and ``grad_fn`` becomes the
        op's node; version + 1."""
        if out._data.shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(out._data.shape)}"
            )
        self._data[...] = out._data
        self.grad_fn = out.grad_fn
        self._requires_grad = True
        bump_version(self._vc)
        return self

    def _inplace(self, fn: Any, other: Any, ufunc: Any, *extra: Any) -> Tensor:
        """``self op= other``: recorded in the graph when it must be, else a NumPy in-place update."""
        other = _other(other)
        if _state.enabled and (self._requires_grad or (isinstance(other, Tensor) and other._requires_grad)):
            self._check_inplace()
            out = fn.apply(self._snapshot(), other, *extra)
            if _KIND_RANK[out._data.dtype.kind] > _KIND_RANK[self._data.dtype.kind]:  # int_t *= float_t_with_grad
                raise RuntimeError(
                    f"result type {out.dtype.scalar_name} can't be cast to the desired output type "
                    f"{self.dtype.scalar_name}"
                )
            return self._rebind(out)
        o = other._data if isinstance(other, Tensor) else other
        if o.__class__ is np.ndarray and o.dtype != self._data.dtype:  # torch computes in the promoted dtype
            common = _dtype.result_type(self._data, o)
            if o.dtype != common:
                with np.errstate(over="ignore"):  # an integer beyond a float16's range is inf, as in torch
                    o = o.astype(common)
        if extra and extra[0] != 1:
            o = _arith.scaled(_dtype.result_type(self._data, o), o, extra[0])
        if type(o) is int and self._data.dtype.kind in "iu" and not _arith._fits(o, self._data.dtype):
            o = _arith.promote(self._data, o)[1]  # an out-of-range Python int wraps, as in torch
        try:
            ufunc(self._data, o, out=self._data, casting="same_kind")
        except TypeError as e:  # NumPy's UFuncTypeError: the result type can't be cast to self's dtype
            res_dt = _dtype.result_type(self._data, o)
            if (ufunc is not np.true_divide and self._data.dtype.kind in "iu" and res_dt.kind in "biu"
                    and _broadcastable(self._data, o)
                    and np.broadcast_shapes(self._data.shape, np.shape(o)) == self._data.shape):
                # torch casts between integer types in place (wrapping around); NumPy's same_kind refuses
                ufunc(self._data, o, out=self._data, casting="unsafe")
                bump_version(self._vc)
                return self
            res = from_numpy_dtype(res_dt).scalar_name
            raise RuntimeError(
                f"result type {res} can't be cast to the desired output type {self.dtype.scalar_name}"
            ) from e
        except ValueError:
            shape = np.broadcast_shapes(self._data.shape, np.shape(o)) if _broadcastable(self._data, o) else None
            if shape is None:
                from minigrad.autograd.function import _broadcast_error

                raise _broadcast_error(self._data, o) from None
            raise RuntimeError(
                f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(shape)}"
            ) from None
        bump_version(self._vc)
        return self

    def add_(self, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:
        if deprecated:
            other, alpha = _deprecated_alpha("add_", other, deprecated, alpha)
        if type(alpha) is not int or alpha != 1:
            alpha = _check_alpha(self, _other(other), alpha, "add_")
        return self._inplace(_arith.Add, other, np.add, alpha)

    def sub_(self, other: Any, *deprecated: Any, alpha: Any = 1) -> Tensor:
        if deprecated:
            other, alpha = _deprecated_alpha("sub_", other, deprecated, alpha)
        o = _other(other)
        _arith._check_sub(self._data, o._data if isinstance(o, Tensor) else o)
        if type(alpha) is not int or alpha != 1:
            alpha = _check_alpha(self, o, alpha, "sub_")
        return self._inplace(_arith.Sub, other, np.subtract, alpha)

    def mul_(self, other: Any) -> Tensor:
        return self._inplace(_arith.Mul, other, np.multiply)

    def div_(self, other: Any) -> Tensor:
        return self._inplace(_arith.Div, other, np.true_divide)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def _overwrite(self, values: np.ndarray | Any) -> Tensor:
        if _state.enabled and self._requires_grad:
            self._check_inplace()
            src = Tensor._wrap(np.broadcast_to(np.asarray(values, dtype=self._data.dtype), self._data.shape))
            return self._rebind(_shape.Copy.apply(self, src))
        if type(values) is float:
            _check_float_fits(self._data.dtype, values)
        try:
            self._data[...] = values
        except OverflowError:  # NumPy refuses an out-of-range Python int, with torch's words
            high = _arith._INT_LIMITS.get(self._data.dtype, (0, 0))[1]
            if self._data.dtype.kind == "u" and isinstance(values, int) and -high <= values < 0:
                self._data[...] = values % (high + 1)  # torch wraps a negative int into an unsigned type
            else:
                raise _overflow_error(self._data.dtype) from None
        bump_version(self._vc)
        return self

    def zero_(self) -> Tensor:
        """Set every element to 0 (``ZeroBackward0`` when recorded)."""
        if _state.enabled and self._requires_grad:
            self._check_inplace()
            return self._rebind(_shape.Zero.apply(self))
        return self._overwrite(0)

    def fill_(self, value: Any) -> Tensor:
        """Set every element to ``value``, a number or a 0-d tensor (``FillBackward2``/``FillBackward3``)."""
        if not isinstance(value, Tensor | numbers.Number | np.generic):
            raise TypeError(f"fill_(): argument 'value' (position 1) must be Number, not {type(value).__name__}")
        if isinstance(value, Tensor) and value._data.ndim:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} dimensions."
            )
        if type(value) in (float, int) and self._data.dtype.kind == "f" and self._data.dtype.itemsize < 8 and (
                math.isfinite(value) and abs(value) > 65504):
            # torch's checked cast to the dtype (10**5 into float16 is an overflow error), except that a
            # one-element float16 tensor takes torch's fast path, unchecked (10**5 and 1e39 give inf)
            if abs(value) > float(np.finfo(self._data.dtype).max):
                if not (self._data.size == 1 and self._data.dtype == np.float16):
                    raise _overflow_error(self._data.dtype)
                with np.errstate(over="ignore"):
                    value = np.float16(np.float32(value))  # (65519.9 rounds to 65504; beyond, inf)
        elif type(value) is float:
            _check_float_fits(self._data.dtype, value)  # (into an integer dtype: range and NaN)
            value = _dtype.scalar_as(self._data.dtype, value) if self._data.dtype == np.float16 else value
        if _state.enabled and (self._requires_grad or (isinstance(value, Tensor) and value._requires_grad)):
            self._check_inplace()
            if isinstance(value, Tensor):
                return self._rebind(_shape.FillTensor.apply(self, value))
            return self._rebind(_shape.Fill.apply(self, value))
        return self._overwrite(value._data if isinstance(value, Tensor) else value)

    def copy_(self, src: Any, non_blocking: bool = False) -> Tensor:
        """Copy ``src``'s values (broadcast, cast) into this tensor; gradients flow to ``src``."""
        src = src if isinstance(src, Tensor) else Tensor._wrap(np.asarray(src))
        if _broadcastable(self._data, src._data):
            shape = np.broadcast_shapes(self._data.shape, src._data.shape)
            if shape != self._data.shape:
                raise RuntimeError(
                    f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(shape)}"
                )
        else:
            raise _function._broadcast_error(self._data, src._data)
        if _state.enabled and (self._requires_grad or (src._requires_grad and self._data.dtype.kind == "f")):
            self._check_inplace()
            return self._rebind(_shape.Copy.apply(self, src))  # CopyBackwards: casts and unbroadcasts itself
        try:
            np.copyto(self._data, src._data, casting="unsafe")
        except ValueError:
            from minigrad.autograd.function import _broadcast_error

            raise _broadcast_error(self._data, src._data) from None
        bump_version(self._vc)
        return self

    def relu_(self) -> Tensor:
        """max(x, 0) in place (ReluBackward0 when recorded, as torch)."""
        if _state.enabled and self._requires_grad:
            self._check_inplace()
            return self._rebind(self._snapshot().relu())
        out = self.relu()  # (its dtype checks)
        self._data[...] = out._data
        bump_version(self._vc)
        return self

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        if _clamp_overload(min, max):
            record = _state.enabled and (self._requires_grad or any(
                isinstance(b, Tensor) and b._requires_grad for b in (min, max)))
            try:
                shape = np.broadcast_shapes(*(b._data.shape for b in (self, min, max) if b is not None))
            except ValueError:
                shape = self._data.shape  # (the op raises torch's broadcast error)
            if shape != self._data.shape:  # checked before the dtypes, as torch does
                raise RuntimeError(
                    f"output with shape {list(self._data.shape)} doesn't match the broadcast shape {list(shape)}"
                )
            if record:
                self._check_inplace()
                out = _unary.ClampTensor.apply(self._snapshot(), min, max)
            else:
                with grad_mode.no_grad():
                    out = _unary.ClampTensor.apply(self, min, max)
            if _KIND_RANK[out._data.dtype.kind] > _KIND_RANK[self._data.dtype.kind]:
                raise RuntimeError(
                    f"result type {out.dtype.scalar_name} can't be cast to the desired output type "
                    f"{self.dtype.scalar_name}"
                )
            if record:
                return self._rebind(out)
            self._data[...] = out._data
            bump_version(self._vc)
            return self
        if _state.enabled and self._requires_grad:
            self._check_inplace()
            return self._rebind(self._snapshot().clamp(min, max))
        try:
            np.clip(self._data, *_clamp_bounds(self, min, max, inplace=True), out=self._data)
        except TypeError as e:  # NumPy's UFuncTypeError: a float bound into an integer tensor, an int into bool
            res = "Float" if float in (type(_scalar(min)), type(_scalar(max))) else "Long"
            raise RuntimeError(
                f"result type {res} can't be cast to the desired output type {self.dtype.scalar_name}"
            ) from e
        bump_version(self._vc)
        return self

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
        _check_random_dtype(self, "check_uniform_bounds")
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            a, b = _float_arg(a, "uniform_", "from", 1), _float_arg(b, "uniform_", "to", 2)
        if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
            if a > b:
                raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} > to={b:g}")
            biggest = float(np.finfo(self._data.dtype).max)
            for name, v in (("from", a), ("to", b)):
                if not -biggest <= v <= biggest:
                    raise RuntimeError(f"{name} is out of bounds for {_CTYPES[self._data.dtype.name]}")
        gen = _generator(generator)
        return self._overwrite(gen.uniform(self._data.shape, self._data.dtype, a, b))

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
        _check_random_dtype(self, "normal_kernel_cpu")
        if isinstance(mean, Tensor) or isinstance(std, Tensor):
            mean, std = _float_arg(mean, "normal_", "mean", 1), _float_arg(std, "normal_", "std", 2)
        if isinstance(std, numbers.Real) and not std >= 0:  # (NaN too)
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        gen = _generator(generator)
        return self._overwrite(gen.normal(self._data.shape, self._data.dtype, mean, std))


def _scalar(x: Any) -> Any:
    return x.item() if isinstance(x, Tensor) else x


def _check_float_fits(dt: np.dtype, v: float, floats: bool = True) -> None:
    """torch's overflow error for a Python float written into ``dt`` that cannot hold it: outside an integer
    dtype's range (NaN too), or finite beyond a float dtype's range (NumPy would cast silently)."""
    limits = _arith._INT_LIMITS.get(dt)
    if limits is not None and not limits[0] <= v <= limits[1]:
        raise _overflow_error(dt)
    if floats and dt.kind == "f" and math.isfinite(v) and abs(v) > float(np.finfo(dt).max):
        raise _overflow_error(dt)


def _float_arg(v: Any, fn: str, name: str, position: int) -> Any:
    """A float argument given as a tensor: a 0-d one is its value (torch's parser); others are a TypeError."""
    if not isinstance(v, Tensor):
        return v
    if v._data.ndim:
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be float, not {type(v).__name__}")
    return v._data.item()


def _clamp_overload(lo: Any, hi: Any) -> bool:
    """Whether the bounds select torch's Tensor overload of clamp (elementwise bounds, with gradients): Tensors or
    None. A number with a 0-d Tensor selects the Number overload (the Tensor read as its value, as torch's parser
    does: ``_clamp_bounds``); a number with any other Tensor matches neither (torch's TypeError)."""
    tensors = [b for b in (lo, hi) if isinstance(b, Tensor)]
    if not tensors:
        return False
    if all(b is None or isinstance(b, Tensor) for b in (lo, hi)):
        return True
    if all(t._data.ndim == 0 for t in tensors):
        return False
    got = ", ".join("Tensor" if isinstance(b, Tensor) else type(b).__name__ for b in (lo, hi))
    raise TypeError(f"clamp() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    " * (Tensor min = None, Tensor max = None)\n * (Number min = None, Number max = None)")


def _clamp_bounds(t: Tensor, lo: Any, hi: Any, inplace: bool = False) -> tuple[Any, Any]:
    """clamp's bounds as numbers, converted to the result dtype as torch converts them: an integer outside an
    integer dtype is an overflow error (a negative one wraps into an unsigned type), and so is a finite number
    beyond a float dtype's range. (An integer tensor with a float bound computes in the default float dtype.) A 0-d
    tensor given with a number is read as a number, and checked as one (torch's Scalar overload)."""
    lo, hi = _scalar(lo), _scalar(hi)
    if (type(lo) is float and math.isnan(lo)) or (type(hi) is float and math.isnan(hi)):
        return lo, hi  # (a NaN bound: every value is NaN, and torch checks neither bound)
    dt = t._data.dtype
    if dt.kind != "f" and (type(lo) is float or type(hi) is float):
        if inplace:
            return lo, hi  # torch refuses to cast the float result into the tensor
        dt = get_default_dtype().np
    elif dt.kind == "b":
        dt = np.dtype(np.int64)
    return _checked_bound(dt, lo), _checked_bound(dt, hi)


def _checked_bound(dt: np.dtype, v: Any) -> Any:
    if type(v) is int and dt.kind in "iu":
        low, high = _arith._INT_LIMITS[dt]
        if not low <= v <= high:
            if dt.kind == "u" and -high <= v < 0:
                return v % (high + 1)
            raise _overflow_error(dt)
    elif type(v) in (int, float) and dt.kind == "f" and dt.itemsize < 8 and math.isfinite(v) and (
            abs(v) > float(np.finfo(dt).max)):
        raise _overflow_error(dt)
    return v


def _array(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


def _broadcastable(a: np.ndarray, b: Any) -> bool:
    try:
        np.broadcast_shapes(a.shape, np.shape(b))
    except ValueError:
        return False
    return True


def _check_index_put_dtype(t: Tensor, raw_key: Any, key: Any, value: Tensor) -> None:
    """torch's index_put_ (an integer-array index, or a bool mask with a value of several elements) requires the
    value tensor to have the destination's dtype; basic indexing (a Python bool too) and a mask filled with one
    value cast it."""
    if any(isinstance(k, float | str) for k in (key if type(key) is tuple else (key,))):
        return  # (an invalid index part is torch's IndexError first)
    python_bool = False
    if type(key) is tuple:  # (a Python bool in a tuple is an index_put_ mask, whatever the value's size)
        arrays = [k for k in key if isinstance(k, np.ndarray)]
        python_bool = type(raw_key) is tuple and any(isinstance(r, bool) for r in raw_key)
    else:  # (a bare Python bool is basic indexing)
        arrays = [key] if isinstance(key, np.ndarray) and not isinstance(raw_key, bool) else []
    if arrays and (python_bool or not (value._data.size == 1 and all(k.dtype == np.bool_ for k in arrays))):
        _check_index(t._data, key)  # (an index into a dim of size 0 is reported first)
        try:
            t._data[key]
        except IndexError as e:  # (index arrays that do not broadcast together: torch's IndexError first too)
            if "shape mismatch" in str(e):
                raise IndexError(str(e)) from None
        basic: list[Any] = []  # torch applies the basic parts (ints, slices) first: their IndexError comes first
        for k in key if type(key) is tuple else (key,):
            if isinstance(k, np.ndarray):
                basic += [slice(None)] * k.ndim if k.dtype == np.bool_ and k.ndim else [
                    None if k.dtype == np.bool_ else slice(None)]
            else:
                basic.append(k)
        try:
            t._data[tuple(basic)]
        except IndexError as e:
            raise IndexError(str(e)) from None
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got {t.dtype.scalar_name} for the "
            f"destination and {value.dtype.scalar_name} for the source."
        )


def _check_empty_value(a: np.ndarray, key: Any, v: np.ndarray) -> None:
    """torch's shape check of an empty value against the selection (its leading 1-dims dropped, it must broadcast
    to the selection's shape); NumPy lets an empty value through."""
    try:
        shape = a[key].shape
    except Exception:
        return  # (the index's own error comes later)
    vs = v.shape
    while vs and vs[0] == 1:
        vs = vs[1:]
    try:
        ok = np.broadcast_shapes(shape, vs) == shape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(v.shape)} cannot be broadcast to indexing "
                           f"result of shape {list(shape)}")


def _check_index(a: np.ndarray, key: Any) -> None:
    """torch's IndexError for an index into a dim of size 0, which it reports before a value that does not
    broadcast (NumPy checks the value first; in a tensor with elements torch checks the value first too)."""
    if a.size:
        return
    try:
        a[key]
    except IndexError as e:
        if str(e).endswith("with size 0"):  # (an index out of another dim: torch reports the value first)
            raise IndexError(str(e)) from None
    except Exception:
        pass


_PYTHON_TYPE_DTYPES = {bool: "bool", int: "int64", float: "float64"}


def _to_dtype(a: Any, first: bool = False) -> Any:
    """A dtype argument of to() as torch's parser reads it: a dtype, the Python types bool/int/float (and, as the
    first argument, a bool or float value: to(0.0) is float64, to(True) bool); None if it is none of these."""
    if isinstance(a, _DtypeClass):
        return a
    if a in _PYTHON_TYPE_DTYPES and isinstance(a, type):
        return getattr(_dtype, _PYTHON_TYPE_DTYPES[a])
    if first and isinstance(a, bool):
        return _dtype.bool
    if first and isinstance(a, float):
        return _dtype.float64
    return None


def parse_to(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, bool, bool]:
    """(dtype or None, copy, whether copy was given) from the arguments of ``Tensor.to``/``Module.to``, read like
    torch's parser: (device, dtype, non_blocking, copy), (dtype, non_blocking, copy) or (tensor, non_blocking,
    copy), with device/dtype/non_blocking/copy/memory_format keywords. A device must be the CPU: an int device
    index is torch's error when no accelerator is available. Other argument combinations are torch's TypeError."""
    def invalid() -> TypeError:
        got = ", ".join([type(a).__name__ for a in args] + [f"{k}={type(v).__name__}" for k, v in kwargs.items()])
        return TypeError(f"to() received an invalid combination of arguments - got ({got})")

    if set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}:
        raise invalid()
    device, dtype, flags = kwargs.get("device"), None, list(args)
    if "dtype" in kwargs and kwargs["dtype"] is not None:
        dtype = _to_dtype(kwargs["dtype"])
        if dtype is None:
            raise invalid()
    if flags:
        a = flags.pop(0)
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif _to_dtype(a, first=True) is not None:
            dtype = _to_dtype(a, first=True)
        elif isinstance(a, int) and not isinstance(a, bool) and flags and isinstance(flags[0], bool):
            dtype = _dtype.int64  # (an int then a bool: the (dtype, non_blocking, ...) overload reads it as int64)
        elif a is None or isinstance(a, str) or is_device(a) or (
                isinstance(a, int | np.integer) and not isinstance(a, bool)):
            device = a
            if flags:  # (after a device comes the dtype, or None)
                d = flags.pop(0)
                if d is not None and _to_dtype(d) is None:
                    raise invalid()
                dtype = dtype if d is None else _to_dtype(d)
        else:
            raise invalid()
    if len(flags) > 2 or not all(isinstance(f, bool) for f in flags):
        raise invalid()
    for name in ("non_blocking", "copy"):
        if name in kwargs and not isinstance(kwargs[name], bool):
            raise invalid()
    check_device(device)
    indexed = ":" in str(device)  # (torch: "cpu:0" is not the tensor's device "cpu", so it copies)
    if len(flags) == 2:
        return dtype, flags[1] or indexed, True
    return dtype, kwargs.get("copy", False) or indexed, "copy" in kwargs


def _check_index_count(key: Any, ndim: int) -> None:
    """torch's first check of an index: it may not name more dims than the tensor has. Each part names one dim,
    except None, Ellipsis and Python bools (none) and a bool or uint8 Tensor (as many as it has). A lone int,
    slice, None, Ellipsis or bool is not a tuple to torch and has its own checks (a slice's is here)."""
    if isinstance(key, slice):
        if ndim == 0:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        return
    if key is None or key is Ellipsis or isinstance(key, bool | int | np.integer):
        return
    count = 0
    for k in key if isinstance(key, tuple) else (key,):
        if isinstance(k, Tensor):
            count += k._data.ndim if k._data.dtype in (np.bool_, np.uint8) else 1
        elif not (k is None or k is Ellipsis or isinstance(k, bool)):
            count += 1
    if count > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")


def _one_ellipsis(key: tuple[Any, ...], ndim: int) -> tuple[Any, ...]:
    """An index with several Ellipses, as torch reads it (NumPy allows one): each Ellipsis skips the dims the other
    parts leave unindexed, so the later ones point past the last dim. They select nothing, and a part after them is
    out of range (torch's IndexError); the key is returned with its first Ellipsis only."""

    def width(k: Any) -> int:  # the dims a part indexes
        if k is None or k is Ellipsis:
            return 0
        return k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1

    extra = ndim - sum(width(k) for k in key)
    dim, nd = 0, ndim  # torch's position in the result, and the result's dims so far
    dropped = set()  # positions of slices torch skips past the last dim
    for i, k in enumerate(key):
        if k is Ellipsis:
            dim += max(extra, 0)
            continue
        new_axis = k is None or (isinstance(k, np.ndarray) and k.ndim == 0 and k.dtype == np.bool_)  # (a bool too)
        top = nd if new_axis else nd - 1
        if dim > top:
            if isinstance(k, slice) and k.start in (None, 0) and k.step in (None, 1) and (
                    k.stop is None or k.stop >= 0):  # torch's no-op slice: skipped (a negative stop is not one)
                dropped.add(i)
                dim += 1
                continue
            raise IndexError(f"Dimension out of range (expected to be in range of [{-top - 1}, {top}], but got {dim})")
        if new_axis:
            nd, dim = nd + 1, dim + 1
        elif isinstance(k, int):
            nd -= 1
        else:
            dim += 1
    first = next(i for i, k in enumerate(key) if k is Ellipsis)  # (key.index compares arrays with ==)
    return key[: first + 1] + tuple(k for i, k in enumerate(key)
                                    if i > first and k is not Ellipsis and i not in dropped)


def _split_integers(key: tuple[Any, ...], ndim: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """An index with integers and advanced parts, as torch applies it: first the basic part (integers select,
    slices slice, None adds a dim; each advanced part keeps its dims whole), then the advanced parts on what is
    left, at their new positions."""
    used = sum(k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 0 if k is None or k is Ellipsis
               else 1 for k in key)
    basic: list[Any] = []
    rest: list[Any] = []
    for k in key:
        if k is Ellipsis:
            basic.extend([slice(None)] * max(ndim - used, 0))
            rest.extend([slice(None)] * max(ndim - used, 0))
        elif type(k) is int:
            basic.append(k)
        elif k is None or isinstance(k, slice):
            basic.append(k)
            rest.append(slice(None))
        else:  # an advanced part: its dims stay for the second step (a bool mask covers as many as it has)
            basic.extend([slice(None)] * (k.ndim if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1))
            rest.append(k)
    return tuple(basic), tuple(rest)


def _index_part(k: Any) -> Any:
    """One element of an index: Tensors become arrays (int or bool), numpy ints become ints."""
    if isinstance(k, Tensor):
        return int(k._data) if k._data.ndim == 0 and k._data.dtype.kind in "iu" else k._data
    if isinstance(k, np.integer):
        return int(k)
    if isinstance(k, bool):
        return np.asarray(k)
    if isinstance(k, list):
        return np.asarray(k) if k else np.zeros(0, dtype=np.int64)  # [] selects nothing (NumPy: a float array)
    return k


class _MaxMin(namedtuple("_MaxMin", ["values", "indices"])):
    """(values, indices) of ``max(dim)``/``min(dim)``; prints like torch's ``torch.return_types.max(...)``."""

    __slots__ = ()
    _op = "max"

    def __repr__(self) -> str:
        return f"{display_module}.return_types.{self._op}(\nvalues={self.values!r},\nindices={self.indices!r})"


class _Min(_MaxMin):
    __slots__ = ()
    _op = "min"


def _max_min(t: Tensor, name: str, first: Any, keepdim: Any, dim: Any) -> Any:
    """torch's overloads of max/min: ``()`` (all elements), ``(Tensor other)`` (elementwise: not supported), and
    ``(int dim, bool keepdim=False)`` — chosen by a keyword ``dim`` or a ``keepdim``, where an integer 0-d Tensor
    is read as the dim."""
    if dim is not _UNSET:
        if first is not None:
            raise TypeError(f"{name}() got multiple values for argument 'dim'")
        first = dim
    elif first is None:
        if keepdim is not _UNSET:
            raise TypeError(f"{name}() received an invalid combination of arguments - got (keepdim=bool)")
        return (_red.MaxAll if name == "max" else _red.MinAll).apply(t)
    if isinstance(first, Tensor):
        if dim is _UNSET and keepdim is _UNSET:
            other = "maximum" if name == "max" else "minimum"
            raise NotImplementedError(f"{name}(other) (elementwise) is not supported by minigrad; use minigrad.{other}")
        if first._data.ndim or first._data.dtype.kind not in "iu":
            raise TypeError(f"{name}() received an invalid combination of arguments - got (dim={first.type()})")
        first = int(first._data)
    return _by_index(t, first, keepdim is not _UNSET and keepdim, np.argmax if name == "max" else np.argmin)


def _by_index(t: Tensor, dim: int, keepdim: bool, arg: Any) -> Any:
    """``max(dim)``/``min(dim)``: (values, indices); one ``MaxBackward0``/``MinBackward0`` node, as in torch."""
    d = _nonempty_dim(t, dim, "max" if arg is np.argmax else "min")
    x = t._data.reshape(1) if t._data.ndim == 0 else t._data  # (a 0-d tensor reduces over its one element)
    idx = arg(x, axis=d, keepdims=True)
    values = (_red.MaxDim if arg is np.argmax else _red.MinDim).apply(t, d, keepdim, idx)
    indices = Tensor._wrap(idx.reshape(values._data.shape).astype(np.int64))
    return (_MaxMin if arg is np.argmax else _Min)(values, indices)


def _batched_dtypes(a: Tensor, b: Tensor, na: int) -> Tensor:
    """torch's dtype rules for a batched matmul of different (or bool) dtypes: a vector times an empty batch is
    an mv (same dtypes required); with an empty operand the result takes ``b``'s dtype (``a`` is returned cast);
    otherwise bmm refuses (different dtypes; bool)."""
    sa, sb = a._data.shape, b._data.shape
    if sa[-1] != sb[-2]:
        return a  # torch's size errors come first (raised by the product)
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        return a
    da, db = a._data.dtype, b._data.dtype
    name_a, name_b = from_numpy_dtype(da).scalar_name, from_numpy_dtype(db).scalar_name
    if na == 1 and not b._data.size:
        if da != db:
            raise RuntimeError(
                f"addmv input tensors must have the same dtype, but got {name_a}, {name_b}, and {name_a}")
        return a
    if not a._data.size or not b._data.size:
        if da != db and db.kind != "f" and _state.enabled and (a._requires_grad or b._requires_grad):
            raise RuntimeError(f"Autograd not support dtype: {name_b}")  # (the result, b's dtype, needs a graph)
        return a if da == db else a.to(b.dtype)
    if da != db:
        raise RuntimeError(f"expected scalar type {name_a} but found {name_b}")
    raise NotImplementedError('"bmm" not implemented for \'Bool\'')


def matmul(a: Any, b: Any) -> Tensor:
    """torch.matmul: dot (1-d·1-d), mv, mm, vector·matrix (unsqueeze → mm → squeeze) and batched."""
    a, b = _other(a), _other(b)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError("matmul(): argument 'other' must be Tensor")
    la = _linalg
    na, nb = a._data.ndim, b._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D and {nb}D")
    if na == 1 and nb == 1:
        return la.Dot.apply(a, b)
    if na == 2 and nb == 1:
        return la.Mv.apply(a, b)
    if na == 2 and nb == 2:
        return la.Mm.apply(a, b)
    if na == 1 and nb == 2:
        return _shape.SqueezeMatmul.apply(la.Mm.apply(a.unsqueeze(0), b), 0)
    if na >= 3 and nb <= 2 and (b._requires_grad or a._data.flags.c_contiguous or not a._data.size):
        # torch folds the batch into the rows: reshape (ViewBackward0), one mm or mv, then UnsafeViewBackward0
        lead = a._data.shape[:-1]
        rows = 1
        for s in lead:
            rows *= s
        folded = a.reshape(rows, a._data.shape[-1])
        if nb == 2:
            return _shape.UnsafeView.apply(la.Mm.apply(folded, b), (*lead, b._data.shape[1]))
        return _shape.UnsafeView.apply(la.Mv.apply(folded, b), lead)
    if a._data.dtype != b._data.dtype or a._data.dtype.kind == "b":
        a = _batched_dtypes(a, b, na)
    try:
        if na == 1:
            if a._requires_grad or b._requires_grad or not b._data.size:  # torch folds the batch: one mv, a view
                rows = b._data.shape[:-2] + b._data.shape[-1:]
                n = 1
                for s in rows:
                    n *= s
                return _shape.UnsafeView.apply(la.Mv.apply(b.mT.reshape(n, b._data.shape[-2]), a), rows)
            return la.Bmm.apply(a.unsqueeze(0), b).squeeze(-2)
        if nb == 1:
            return la.Bmm.apply(a, b.unsqueeze(-1)).squeeze(-1)
        return la.Bmm.apply(a, b)
    except ValueError:  # NumPy: the batch dims do not broadcast
        raise _function._broadcast_error(*(np.broadcast_to(np.empty((), bool), t._data.shape[:-2])
                                           for t in (a, b))) from None


_function.Tensor = Tensor
_engine.Tensor = Tensor


# ops14 (placeholder until core13 lands, then MathMethods joins class Tensor's bases in _tensor/tensor.py): the
# mixin's methods are added where Tensor has none of its own (what the bases would give), after Tensor exists,
# since the mixin's surface modules import the tensor class through _tensor_base. sign, all and any replace the
# methods above (sign records SignBackward0 as torch does; all/any take dim and keepdim): at the merge, remove those.
from minigrad._tensor.math import MathMethods as _MathMethods  # noqa: E402

for _name, _value in vars(_MathMethods).items():
    if not _name.startswith("__") and (not hasattr(Tensor, _name) or _name in ("sign", "all", "any")):
        setattr(Tensor, _name, _value)
