"""Built-in differentiable ops: one ``Function`` per torch graph node, forward next to backward.

Each op works on NumPy arrays (``array_api = True``); its class docstring states the math of the backward
rule and ``formula`` states it in one line for the study tools. Gradients are returned at the shape the
forward math produces: the engine unbroadcasts them to each input's shape (``autograd.engine.sum_to``).
"""

from minigrad.ops import arithmetic, linalg, loss, reduction, shape, unary

__all__ = ["arithmetic", "linalg", "loss", "reduction", "shape", "unary"]
