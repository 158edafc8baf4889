"""Example 1: linear regression on a toy data set, f(x) = 2x — the torch pipeline.

The seed tutorial's first example with its bugs fixed: ``import torch.nn as nn`` (not ``import nn from
pytorch.nn``), the loss printed with ``{loss.item():.8f}`` (not ``{l.8f}``), ``X_test`` defined, and the loss
called as ``criterion(y_pred, Y)``: prediction first, target second (harmless for MSE, wrong for BCE).

    python -m torch_ref.example1 [--epochs 100] [--lr 0.01] [--dtype float32] [--seed S]
"""

# ruff: noqa: N803, N806  (X, Y, X_test: the tutorials' and scikit-learn's names for data matrices)
from __future__ import annotations

import sys
from collections.abc import Sequence

import torch
import torch.nn as nn

from minigrad.examples.data import toy_data
from minigrad.examples.options import parse_args
from minigrad.testing.mirror import Pipeline

__all__ = ["LinearRegression", "prepare_data", "build_model", "make_pipeline", "train_step", "predict", "main"]


# 0) the training set: 4 samples with one feature each, and the input to predict after training
def prepare_data(dtype: str = "float32", data: tuple | None = None) -> tuple[torch.Tensor, ...]:
    """X (4, 1), Y = 2X (4, 1) and X_test = [5.] (1-d) as tensors of ``dtype``."""
    X_numpy, Y_numpy, X_test_numpy = toy_data() if data is None else data
    X = torch.from_numpy(X_numpy.astype(dtype))
    Y = torch.from_numpy(Y_numpy.astype(dtype))
    X_test = torch.from_numpy(X_test_numpy.astype(dtype))
    return X, Y, X_test


# 1) model: one linear layer, wrapped in a Module as the tutorial does
class LinearRegression(nn.Module):
    def __init__(self, input_dim: int, output_dim: int, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        # define layers
        self.lin = nn.Linear(input_dim, output_dim, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lin(x)


def build_model(n_features: int, dtype: str = "float32") -> LinearRegression:
    input_size = n_features
    output_size = n_features
    return LinearRegression(input_size, output_size, dtype=getattr(torch, dtype))


# 2) loss and optimizer, gathered with the data and model into one pipeline
def make_pipeline(dtype: str = "float32", lr: float = 0.01, reduction: str = "mean", seed: int | None = None,
                  data: tuple | None = None) -> Pipeline:
    """Data, model (seeded with ``seed`` if given), ``MSELoss`` and ``SGD``: everything a training loop needs."""
    X, Y, X_test = prepare_data(dtype, data)
    n_features = X.shape[1]
    if seed is not None:
        torch.manual_seed(seed)
    model = build_model(n_features, dtype)
    criterion = nn.MSELoss(reduction=reduction)
    # Stochastic Gradient Descent
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return Pipeline(model, criterion, optimizer, inputs=X, targets=Y, test_inputs=X_test)


# 3) one step of the training loop
def train_step(model: nn.Module, criterion: nn.Module, optimizer: torch.optim.Optimizer, X: torch.Tensor,
               Y: torch.Tensor) -> torch.Tensor:
    y_pred = model(X)  # forward pass: compute prediction
    loss = criterion(y_pred, Y)  # loss: prediction first, target second
    loss.backward()  # backward pass: gradients
    optimizer.step()  # update weights
    optimizer.zero_grad()  # zero the gradients, or the next backward adds to them
    return loss


def predict(model: nn.Module, X_test: torch.Tensor) -> float:
    """f(X_test) as a Python float (no graph is recorded)."""
    with torch.no_grad():
        return model(X_test).item()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__)
    p = make_pipeline(args.dtype, args.lr, seed=args.seed)
    print(f"Prediction before training: f(5) = {predict(p.model, p.test_inputs):.3f}")
    for epoch in range(args.epochs):
        loss = train_step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
        print(f"epoch {epoch + 1}: loss = {loss.item():.8f}")
    print(f"Prediction after training: f(5) = {predict(p.model, p.test_inputs):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
