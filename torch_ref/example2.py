"""Example 2: linear regression on ``make_regression`` data, with a plot of the fit — the torch pipeline.

The seed tutorial's second example with its bugs fixed: ``np.float32`` (numpy is imported as np), the loop
variable printed as ``epoch + 1`` (the seed printed an undefined ``epoch-1``), and ``plt.plot(X_numpy, y_numpy,
"ro")`` (a comma, not a dot). The plot is saved with ``--plot PATH``, or shown when a display exists.

    python -m torch_ref.example2 [--epochs 100] [--lr 0.01] [--dtype float32] [--seed S] [--plot PATH]
"""

# ruff: noqa: N803, N806  (X, Y, X_test: the tutorials' and scikit-learn's names for data matrices)
from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn as nn

from minigrad.examples.data import regression_data
from minigrad.examples.options import parse_args
from minigrad.testing.mirror import Pipeline

__all__ = ["prepare_data", "build_model", "make_pipeline", "train_step", "fitted_line", "plot_fit", "main"]


# 0) prepare data: 100 samples of one feature, y = a·x + noise
def prepare_data(dtype: str = "float32", data: tuple | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """X (n_samples, n_features) and y (n_samples, 1) as tensors of ``dtype``."""
    X_numpy, y_numpy = regression_data() if data is None else data
    # convert to tensors
    X = torch.from_numpy(X_numpy.astype(dtype))
    y = torch.from_numpy(y_numpy.astype(dtype))
    # y becomes a column, (n_samples, 1), the shape of the model's output
    y = y.view(y.shape[0], 1)
    return X, y


# 1) model
def build_model(n_features: int, dtype: str = "float32") -> nn.Linear:
    input_size = n_features
    output_size = 1
    return nn.Linear(input_size, output_size, dtype=getattr(torch, dtype))


# 2) loss and optimizer, gathered with the data and model into one pipeline
def make_pipeline(dtype: str = "float32", lr: float = 0.01, reduction: str = "mean", seed: int | None = None,
                  data: tuple | None = None) -> Pipeline:
    """Data, model (seeded with ``seed`` if given), ``MSELoss`` and ``SGD``: everything a training loop needs."""
    X, y = prepare_data(dtype, data)
    n_features = X.shape[1]
    if seed is not None:
        torch.manual_seed(seed)
    model = build_model(n_features, dtype)
    criterion = nn.MSELoss(reduction=reduction)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return Pipeline(model, criterion, optimizer, inputs=X, targets=y)


# 3) one step of the training loop
def train_step(model: nn.Module, criterion: nn.Module, optimizer: torch.optim.Optimizer, X: torch.Tensor,
               y: torch.Tensor) -> torch.Tensor:
    # forward pass and loss
    y_predicted = model(X)
    loss = criterion(y_predicted, y)
    # backward pass
    loss.backward()
    # update
    optimizer.step()
    # empty the gradients: backward() adds into .grad
    optimizer.zero_grad()
    return loss


def fitted_line(model: nn.Linear) -> tuple[np.ndarray, np.ndarray]:
    """The fitted weights w (out, in) and bias b (out,) as NumPy arrays."""
    return model.weight.detach().numpy().copy(), model.bias.detach().numpy().copy()


def plot_fit(model: nn.Module, X: torch.Tensor, y: torch.Tensor, path: str | None = None) -> None:
    """The data ('ro') and the model's predictions ('b'): saved to ``path``, or shown if a display exists."""
    import matplotlib.pyplot as plt

    X_numpy, y_numpy = X.numpy(), y.numpy()
    predicted = model(X).detach().numpy()
    fig, ax = plt.subplots()
    ax.plot(X_numpy[:, 0], y_numpy, "ro", label="data")
    ax.plot(X_numpy[:, 0], predicted, "b", label="fit")
    ax.set(title="Example 2: linear regression (torch)", xlabel="x", ylabel="y")
    ax.legend()
    if path:
        fig.savefig(path)
        print(f"plot saved to {path}")
    elif plt.get_backend().lower() in ("agg", "pdf", "svg", "ps", "cairo", "pgf", "template"):
        print("no display: pass --plot PATH to save the figure")
    else:
        plt.show()
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__, plot=True)
    p = make_pipeline(args.dtype, args.lr, seed=args.seed)
    for epoch in range(args.epochs):
        loss = train_step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
        # check the loss and progress
        print(f"epoch {epoch + 1}, loss = {loss.item():.4f}")
    w, b = fitted_line(p.model)
    print(f"fitted line: y = {w.item():.4f}·x + {b.item():.4f}")
    plot_fit(p.model, p.inputs, p.targets, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
