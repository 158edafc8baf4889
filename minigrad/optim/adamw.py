"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, as torch.optim.AdamW."""

from __future__ import annotations

from typing import Any

from minigrad.optim.adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam whose weight decay shrinks the parameter directly instead of entering the moments::

        θ ← θ·(1 − lr·λ),   then Adam's step with the plain gradient (see :func:`minigrad.optim.adam.adam_update`)

    torch 2.x implements AdamW as Adam with ``decoupled_weight_decay=True``; so does this class, and its
    ``param_groups`` carry that flag as torch's do. Default ``weight_decay`` is 1e-2.
    """

    _name = "AdamW"

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         foreach=foreach, maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)
