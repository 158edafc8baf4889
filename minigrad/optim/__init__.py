"""Optimizers with torch.optim's names and update rules."""

from minigrad.optim.optimizer import Optimizer
from minigrad.optim.sgd import SGD

__all__ = ["Optimizer", "SGD"]
