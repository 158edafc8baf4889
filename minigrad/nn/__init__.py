"""Neural-network building blocks with torch.nn's names: Module, Parameter, Linear, losses, activations."""

from minigrad.nn import functional, init, utils
from minigrad.nn.activation import ReLU, Sigmoid, Tanh
from minigrad.nn.container import Sequential
from minigrad.nn.linear import Identity, Linear
from minigrad.nn.loss import BCELoss, BCEWithLogitsLoss, MSELoss
from minigrad.nn.module import Module
from minigrad.nn.parameter import Parameter

__all__ = [
    "Module", "Parameter", "Linear", "Identity", "Sequential", "Sigmoid", "ReLU", "Tanh", "MSELoss", "BCELoss",
    "BCEWithLogitsLoss", "functional", "init", "utils",
]
