"""torch's random factories and in-place fills beyond rand/randn: ``normal`` (every overload), ``bernoulli``,
``multinomial``, ``Tensor.exponential_``, ``random_`` and ``bernoulli_`` (tensor p), each with ``generator=``.
The draws are ``minigrad._sampling``'s (torch's CPU kernels, bit for bit)."""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any

import numpy as np

from minigrad import _random_bernoulli, _sampling
from minigrad import _tensor_base as _base  # (module: read at call time, see _tensor/math.py)
from minigrad import random as _random
from minigrad._dtype import from_numpy_dtype, get_default_dtype, to_numpy_dtype
from minigrad.autograd import grad_mode
from minigrad.autograd.function import _broadcast_error
from minigrad.ops import math as _m
from minigrad.surface.conversion import check_float_fits
from minigrad.surface.creation import _allocation
from minigrad.surface.inplace import _overwrite as _write  # torch's in-place write rules
from minigrad.surface.inplace import check_inplace, random_fill, rebind
from minigrad.surface.linear import _CPP_NAMES

__all__ = ["normal", "bernoulli", "multinomial", "exponential_", "random_", "bernoulli_", "generator_of"]


def generator_of(generator: Any) -> _random.Generator:
    """The generator to draw from: ``generator`` or the default one; TypeError for anything else."""
    if generator is None:
        return _random.default_generator
    if not isinstance(generator, _random.Generator):
        raise TypeError(f"expected a minigrad.Generator as 'generator', got {type(generator).__name__}")
    return generator


def _float_kind(dt: np.dtype, kernel: str) -> None:
    if dt.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{from_numpy_dtype(dt).scalar_name}'")


def _shape(size: Any) -> tuple[int, ...]:
    if isinstance(size, int):
        return (size,)
    return tuple(operator.index(s) for s in size)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None, dtype: Any = None,
           device: Any = None, requires_grad: bool = False, out: Any = None) -> Any:
    """torch.normal's four overloads: (Tensor mean, Tensor std), (Tensor mean, float std = 1), (float mean,
    Tensor std) and (float mean, float std, size). A tensor overload draws randn's stream in the output's shape,
    then scales by std and shifts by mean (``NormalBackward1/2/3``: torch defines a zero gradient)."""
    if out is not None:
        raise NotImplementedError("minigrad's normal does not take out=")
    gen = generator_of(generator)
    mt, st = isinstance(mean, _base.TensorBase), isinstance(std, _base.TensorBase)
    if not mt and not st:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), but "
                            "expected (Tensor mean, Tensor std), (Tensor mean, float std), (float mean, Tensor std) "
                            "or (float mean, float std, tuple of ints size)")
        dt = get_default_dtype().np if dtype is None else to_numpy_dtype(dtype)
        _float_kind(dt, "normal_kernel_cpu")
        if not std >= 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        shape = _shape(size)
        with _allocation(shape):  # (far too large: torch's allocator error, not NumPy's MemoryError)
            t = _base.wrap(gen.normal(shape, dt, float(mean), float(std)))
        return t.requires_grad_(True) if requires_grad else t
    if size is not None:
        raise TypeError("normal(): a size is only taken with a float mean and a float std")
    if mt and st:
        m, s = mean._data, std._data
        try:
            shape = np.broadcast_shapes(m.shape, s.shape) if m.shape != s.shape else m.shape
        except ValueError:
            raise _broadcast_error(m, s) from None
        dt = m.dtype
    elif mt:
        m, s = mean._data, std
        shape, dt = m.shape, m.dtype
    else:
        m, s = mean, std._data
        shape, dt = s.shape, s.dtype
    _float_kind(dt, "normal_kernel_cpu")
    for v in (m, s):  # a number mean or std goes through torch's checked cast to the output's dtype
        if isinstance(v, numbers.Real) and not isinstance(v, np.ndarray):
            check_float_fits(dt, float(v))
    if dt == np.float16 and math.prod(shape):
        raise NotImplementedError("minigrad's generator draws float32 and float64 values only, not float16")
    if st and s.size and not np.all(s >= 0):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not st and not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    z = _sampling.standard_normal(gen, shape, dt) if dt != np.float16 else np.empty(shape, dt)  # (float16: empty)
    if mt and st:
        return _m.NormalFromTensors.apply(mean, std, z)
    if mt:
        return _m.NormalMeanTensor.apply(mean, float(std), z)
    return _m.NormalStdTensor.apply(float(mean), std, z)


def bernoulli(input: Any, p: Any = None, *, generator: Any = None, out: Any = None) -> Any:
    """1 with probability ``input`` (elementwise), else 0, in input's dtype; ``p=`` a number draws with that
    probability instead (dropout's kernel, minigrad._random_bernoulli)."""
    if not isinstance(input, _base.TensorBase):
        raise TypeError(f"bernoulli(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    with grad_mode.no_grad():
        out = bernoulli_(_base.wrap(np.empty_like(input._data)), input if p is None else p, generator=generator)
    # BernoulliBackward0 when input requires grad; with a p of its own, torch's NotImplemented node
    return (_m.BernoulliDraw if p is None else _m.BernoulliDrawP).apply(input, out._data)


def bernoulli_(self: Any, p: Any = 0.5, *, generator: Any = None) -> Any:
    """Fill ``self`` with 1 where a uniform draw is below ``p`` (a tensor broadcast to self's shape)."""
    gen = generator_of(generator)
    if not isinstance(p, _base.TensorBase):
        if not isinstance(p, numbers.Real):
            raise TypeError(f"bernoulli_(): argument 'p' must be float or Tensor, not {type(p).__name__}")
        p = float(p)
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
        p = float(p)  # the scalar-p kernel (dropout's; torch's MKL path on Intel CPUs)
        return random_fill(self, _m.BernoulliFill,
                           lambda: _random_bernoulli.bernoulli_scalar(gen, self._data.shape, p, self._data.dtype))
    pa = p._data
    if pa.dtype.kind != "f":
        _float_kind(pa.dtype, "bernoulli_tensor_cpu_p_")
    if pa.size and not np.all((pa >= 0) & (pa <= 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
                           "be improved?  If so, please report an enhancement request to PyTorch.)")
    shape = self._data.shape
    try:
        pb = np.broadcast_to(pa, shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({shape[-1] if shape else 1}) must match the size of tensor b "
                           f"({pa.shape[-1] if pa.shape else 1}) at non-singleton dimension "
                           f"{max(len(shape) - 1, 0)}") from None
    record = grad_mode.state.enabled and (self._requires_grad or p._requires_grad)
    if record:
        check_inplace(self)
    drawn = _sampling.bernoulli_tensor(gen, np.ascontiguousarray(pb), self._data.dtype).reshape(shape)
    if record:  # BernoulliBackward1 (self becomes part of the graph when p requires grad)
        return rebind(self, _m.BernoulliFillTensor.apply(self, p, drawn))
    return _write(self, drawn)


def multinomial(input: Any, num_samples: Any, replacement: bool = False, *, generator: Any = None,
                out: Any = None) -> Any:
    """``num_samples`` category indices per row, drawn with the row's (unnormalised) weights (int64)."""
    if not isinstance(input, _base.TensorBase):
        raise TypeError(f"multinomial(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    a = input._data
    n = operator.index(num_samples)
    if a.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if a.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{from_numpy_dtype(a.dtype).scalar_name}")
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and n > a.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if not replacement or n == 1:
        if a.size and not (np.all(np.isfinite(a)) and np.all(a >= 0)):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if a.size and np.any(a.reshape(-1, a.shape[-1]).sum(axis=-1) <= 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    else:
        if np.any(a < 0):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if not np.all(np.isfinite(a)):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry = infinity or NaN)")
        if np.any(a.reshape(-1, a.shape[-1]).sum(axis=-1) <= 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    return _base.wrap(_sampling.multinomial(generator_of(generator), a, n, bool(replacement)))


def exponential_(self: Any, lambd: float = 1.0, *, generator: Any = None) -> Any:
    """Fill ``self`` with draws from Exp(λ): −ln(1 − u)/λ."""
    _float_kind(self._data.dtype, "exponential_cpu")
    lambd = float(lambd)
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    gen = generator_of(generator)
    return random_fill(self, _m.ExponentialFill,
                       lambda: _sampling.exponential(gen, self._data.shape, self._data.dtype, lambd))


def random_(self: Any, from_: Any = None, to: Any = None, *, generator: Any = None, **kwargs: Any) -> Any:
    """Fill ``self`` with integers: random_() over [0, 2^mantissa] (floats) or [0, max] (integers);
    random_(to) over [0, to); random_(from, to) over [from, to)."""
    # torch's three overloads, each its own node: random_(), random_(to), random_(from, to)
    node = _m.RandomIntFill if from_ is None and to is None else _m.RandomFromToFill if (
        from_ is not None and to is not None) else _m.RandomToFill
    if "from" in kwargs:
        from_ = kwargs.pop("from")
        node = _m.RandomFromToFill
    if kwargs:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    gen = generator_of(generator)
    dt = self._data.dtype
    if from_ is None and to is None:
        return random_fill(self, node, lambda: _sampling.random_integers(gen, self._data.shape, dt))
    if to is None:
        from_, to = 0, from_
    elif from_ is None:  # random_(to=n)
        from_ = 0
    low, high = operator.index(from_), operator.index(to)
    if not low < high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dt.kind in "bui" and dt != np.int64:  # torch's range check of from and to - 1 for the dtype
        lo, hi = (0, 1) if dt.kind == "b" else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
        for what, v in (("from", low), ("to - 1", high - 1)):
            if not lo <= v <= hi:
                raise RuntimeError(f"{what} is out of bounds for {_CPP_NAMES[dt.name]}")
    if dt.kind == "f":
        limit = 2 ** (np.finfo(dt).nmant + 1)
        if low < -limit or high - 1 > limit:  # torch warns and moves the bounds to representable floats
            raise NotImplementedError(
                f"minigrad's random_ on {from_numpy_dtype(dt).scalar_name} tensors draws within [-(2^"
                f"{np.finfo(dt).nmant + 1}), 2^{np.finfo(dt).nmant + 1}] only (torch warns beyond it and adjusts "
                "the bounds; that stream is not reproduced)")
    return random_fill(self, node, lambda: _sampling.random_from_to(gen, self._data.shape, dt, low, high - low))
