"""Recurrent layers (RNN, LSTM, GRU) and their cells, built from differentiable ops, so that backward through
time is the engine's own: each time step records its matrix products, gates and sums, and the graph of a
sequence is those steps chained through the hidden state.

Per step t, with input projections precomputed for the whole sequence (one matrix product, as torch's CPU
kernel does) and h the previous hidden state:

    RNN:  h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh),   act = tanh or relu
    LSTM: i, f, g, o = chunks of (x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh);  c' = σ(f)·c + σ(i)·tanh(g);  h' = σ(o)·tanh(c')
    GRU:  r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr),  z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz),
          n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn)),  h' = (h − n)·z + n

Parameters carry torch's names, shapes and gate order (weight_ih_l{k}[_reverse] is (gates·hidden, input), gates
i,f,g,o for LSTM and r,z,n for GRU) and torch's init, U(−1/√hidden, 1/√hidden) in registration order, so
state_dicts move between the engines and seeded models start from the same numbers. Packed sequences
(nn.utils.rnn.PackedSequence) and proj_size are not supported.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from minigrad._dtype import get_default_dtype, to_numpy_dtype
from minigrad._tensor import Tensor
from minigrad._tensor_base import TensorBase  # (what layer 4's stack/cat are typed to return)
from minigrad.autograd.observers import constant
from minigrad.nn import init
from minigrad.nn.functional import linear
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter
from minigrad.ops.linalg import Addmm
from minigrad.ops.shape import T, Transpose
from minigrad.surface.dropout import dropout
from minigrad.surface.functional import cat, stack

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _step(mode: str, xw: Tensor, gh: Tensor, h: Tensor, c: Tensor | None,
          hidden: int) -> tuple[Tensor, Tensor | None]:
    """One time step from ``xw`` = x·W_ihᵀ + b_ih and ``gh`` = h·W_hhᵀ + b_hh (torch's order of the sums)."""
    if mode == "GRU":
        r = (xw[:, :hidden] + gh[:, :hidden]).sigmoid()
        z = (xw[:, hidden : 2 * hidden] + gh[:, hidden : 2 * hidden]).sigmoid()
        n = (xw[:, 2 * hidden :] + r * gh[:, 2 * hidden :]).tanh()
        return (h - n) * z + n, None
    pre = gh + xw
    if mode == "RNN_TANH":
        return pre.tanh(), None
    if mode == "RNN_RELU":
        return pre.relu(), None
    i, f = pre[:, :hidden].sigmoid(), pre[:, hidden : 2 * hidden].sigmoid()
    g, o = pre[:, 2 * hidden : 3 * hidden].tanh(), pre[:, 3 * hidden :].sigmoid()
    assert c is not None
    c2 = f * c + i * g
    return o * c2.tanh(), c2


def _check_dtype(input: Tensor, weight: Tensor) -> None:
    if input.dtype != weight.dtype:
        raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). Convert "
                         f"input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")


def _reset_uniform(module: Any) -> None:
    """Every parameter ~ U(−1/√hidden, 1/√hidden), in registration order (torch's, for layers and cells)."""
    stdv = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for w in module.parameters():
        init.uniform_(w, -stdv, stdv)


class RNNBase(Module):
    """The multi-layer, optionally bidirectional recurrence shared by RNN, LSTM and GRU."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size:
            raise NotImplementedError("minigrad's LSTM has no proj_size")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          UserWarning, stacklevel=3)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        dt = get_default_dtype().np if dtype is None else to_numpy_dtype(dtype)
        gate = _GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            for d in range(dirs):
                in_size = input_size if layer == 0 else hidden_size * dirs
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                shapes: list[tuple[str, tuple[int, ...]]] = [("weight_ih", (gate, in_size)),
                                                             ("weight_hh", (gate, hidden_size))]
                if bias:
                    shapes += [("bias_ih", (gate,)), ("bias_hh", (gate,))]
                for name, shape in shapes:
                    setattr(self, name + sfx, Parameter(np.empty(shape, dtype=dt)))
                    self._flat_weights_names.append(name + sfx)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_uniform(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _name(self) -> str:
        return {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)

    def _check_hidden(self, h: Tensor, expected: tuple[int, ...], what: str) -> None:
        if tuple(h.shape) != expected:
            raise RuntimeError(f"Expected {what} size {expected}, got {list(h.shape)}")

    def forward(self, input: Tensor, hx: Any = None) -> Any:
        nd = input.dim()
        if nd not in (2, 3):
            tail = " tensor" if self.mode.startswith("RNN") else ""
            raise ValueError(f"{self._name()}: Expected input to be 2D or 3D, got {nd}D{tail} instead")
        batched = nd == 3
        x = input if batched else input.unsqueeze(1)
        if batched and self.batch_first:
            x = Transpose.apply(x, 0, 1)
        if x.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {x.shape[-1]}")
        _check_dtype(input, self.weight_ih_l0)
        dirs = 2 if self.bidirectional else 1
        steps, batch = x.shape[0], x.shape[1]
        expected = (self.num_layers * dirs, batch, self.hidden_size)
        lstm = self.mode == "LSTM"
        if hx is None:
            zeros = constant(np.zeros(expected, dtype=self.weight_ih_l0._data.dtype))
            h0, c0 = zeros, (zeros if lstm else None)
        else:
            h0, c0 = hx if lstm else (hx, None)
            if not batched:
                h0 = h0.unsqueeze(1)
                c0 = c0.unsqueeze(1) if c0 is not None else None
            self._check_hidden(h0, expected, "hidden[0]" if lstm else "hidden")
            if c0 is not None:
                self._check_hidden(c0, expected, "hidden[1]")
        h_n, c_n = [], []
        layer_input = x
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                k = layer * dirs + d
                h, c = h0[k], (c0[k] if c0 is not None else None)
                out, h, c = self._run_direction(layer_input, h, c, layer, d, steps)
                outs.append(out)
                h_n.append(h)
                if c is not None:
                    c_n.append(c)
            layer_output = outs[0] if dirs == 1 else _cat_last(outs)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_output = dropout(layer_output, self.dropout, True)
            layer_input = layer_output
        output = layer_input
        if batched and self.batch_first:
            output = Transpose.apply(output, 0, 1)
        hn = stack(h_n)
        cn = stack(c_n) if lstm else None
        if not batched:
            output = output.squeeze(1)
            hn = hn.squeeze(1)
            cn = cn.squeeze(1) if cn is not None else None
        return (output, (hn, cn)) if lstm else (output, hn)

    def _run_direction(self, x: Tensor, h: Tensor, c: Tensor | None, layer: int, d: int,
                       steps: int) -> tuple[TensorBase, Tensor, Tensor | None]:
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        w_ih, w_hh = getattr(self, "weight_ih" + sfx), getattr(self, "weight_hh" + sfx)
        b_ih = getattr(self, "bias_ih" + sfx) if self.bias else None
        b_hh = getattr(self, "bias_hh" + sfx) if self.bias else None
        xw = linear(x, w_ih, b_ih)  # (T, B, gates·H): all steps' input projections in one product
        hs: list[Tensor] = [h] * steps
        order = range(steps - 1, -1, -1) if d else range(steps)
        for t in order:
            whh_t = T.apply(w_hh)  # (one TBackward0 per step, as torch records it)
            gh = h @ whh_t if b_hh is None else Addmm.apply(b_hh, h, whh_t)
            h, c = _step(self.mode, xw[t], gh, h, c, self.hidden_size)
            hs[t] = h
        return stack(hs), h, c


def _cat_last(parts: list[TensorBase]) -> TensorBase:
    return cat(parts, 2)


class RNN(RNNBase):
    """Elman RNN: h' = tanh (or relu) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)


class LSTM(RNNBase):
    """LSTM: returns output, (h_n, c_n)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """GRU: returns output, h_n."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("GRU", *args, **kwargs)


class _CellBase(Module):
    _gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        dt = get_default_dtype().np if dtype is None else to_numpy_dtype(dtype)
        g = self._gates * hidden_size
        self.weight_ih = Parameter(np.empty((g, input_size), dtype=dt))
        self.weight_hh = Parameter(np.empty((g, hidden_size), dtype=dt))
        if bias:
            self.bias_ih = Parameter(np.empty(g, dtype=dt))
            self.bias_hh = Parameter(np.empty(g, dtype=dt))
        else:
            self.bias_ih = self.bias_hh = None  # type: ignore[assignment]  # (torch registers them as None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_uniform(self)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nl = getattr(self, "nonlinearity", "tanh")
        return s + (f", nonlinearity={nl}" if nl != "tanh" else "")

    def _prepare(self, input: Tensor, hx: Any, what: str) -> tuple[Tensor, bool]:
        if input.dim() not in (1, 2):
            raise ValueError(f"{what}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} expected {self.input_size}")
        batched = input.dim() == 2
        return (input if batched else input.unsqueeze(0)), batched

    def _zeros(self, x: Tensor) -> Tensor:
        return constant(np.zeros((x.shape[0], self.hidden_size), dtype=x._data.dtype))


class RNNCell(_CellBase):
    """h' = tanh (or relu) of (h·W_hhᵀ + b_hh) + (x·W_ihᵀ + b_ih)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, batched = self._prepare(input, hx, "RNNCell")
        h = self._zeros(x) if hx is None else (hx if batched else hx.unsqueeze(0))
        pre = linear(h, self.weight_hh, self.bias_hh) + linear(x, self.weight_ih, self.bias_ih)
        out = pre.tanh() if self.nonlinearity == "tanh" else pre.relu()
        return out if batched else out.squeeze(0)


class LSTMCell(_CellBase):
    """gates = (h·W_hhᵀ + b_hh) + (x·W_ihᵀ + b_ih) = [i f g o]; c' = σ(f)·c + σ(i)·tanh(g); h' = σ(o)·tanh(c')."""

    _gates = 4

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Tensor]:
        x, batched = self._prepare(input, hx, "LSTMCell")
        if hx is None:
            h = c = self._zeros(x)
        else:
            h, c = hx if batched else (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        n = self.hidden_size
        gates = linear(h, self.weight_hh, self.bias_hh) + linear(x, self.weight_ih, self.bias_ih)
        i, f = gates[:, :n].sigmoid(), gates[:, n : 2 * n].sigmoid()
        g, o = gates[:, 2 * n : 3 * n].tanh(), gates[:, 3 * n :].sigmoid()
        c2 = f * c + i * g
        h2 = o * c2.tanh()
        return (h2, c2) if batched else (h2.squeeze(0), c2.squeeze(0))


class GRUCell(_CellBase):
    """r, z = σ(x·W_{ir,iz}ᵀ + b + h·W_{hr,hz}ᵀ + b); n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn));
    h' = (h − n)·z + n."""

    _gates = 3

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, batched = self._prepare(input, hx, "GRUCell")
        h = self._zeros(x) if hx is None else (hx if batched else hx.unsqueeze(0))
        n = self.hidden_size
        gi = linear(x, self.weight_ih, self.bias_ih)
        gh = linear(h, self.weight_hh, self.bias_hh)
        r = (gh[:, :n] + gi[:, :n]).sigmoid()
        z = (gh[:, n : 2 * n] + gi[:, n : 2 * n]).sigmoid()
        new = (gi[:, 2 * n :] + gh[:, 2 * n :] * r).tanh()
        out = (h - new) * z + new
        return out if batched else out.squeeze(0)
