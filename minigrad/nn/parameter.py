"""``Parameter``: a leaf tensor that a Module registers as learnable (requires grad by default)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad._tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A Tensor that, assigned as a Module attribute, appears in ``parameters()``."""

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        arr = np.empty(0, dtype=np.float32) if data is None else (
            data._data if isinstance(data, Tensor) else np.asarray(data)
        )
        self._data = arr
        self.grad = None
        self.grad_fn = None
        self._requires_grad = False
        self._vc = data._vc if isinstance(data, Tensor) else [0, 0]
        self._acc = None
        self._retains_grad = False
        if requires_grad:
            if arr.dtype.kind != "f":  # torch.nn.Parameter's wording (requires_grad_ says it differently)
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
