"""Example 3: logistic regression on the breast-cancer data set — the minigrad pipeline.

The seed tutorial stops after the train/test split; this is its standard completion: a ``StandardScaler`` fitted
on the training split only (then applied to the test split), float32 tensors, y as a column (n, 1), the model
sigmoid(Linear(30, 1)), ``BCELoss``, SGD with lr 0.01 for 100 epochs, and the accuracy of ``y_pred.round()``
on the test split, computed under ``no_grad``.

It is torch_ref/example3.py line for line: only the imports differ (``import minigrad as torch``: minigrad
has torch's names). See for yourself: ``diff torch_ref/example3.py minigrad/examples/example3.py``.

    python -m minigrad.examples.example3 [--epochs 100] [--lr 0.01] [--dtype float32] [--seed S]
"""

# ruff: noqa: N803, N806  (X, Y, X_test: the tutorials' and scikit-learn's names for data matrices)
from __future__ import annotations

import sys
from collections.abc import Sequence

import minigrad as torch  # the same names as torch: torch.from_numpy, torch.optim.SGD, torch.no_grad...
import minigrad.nn as nn
from minigrad.examples.data import breast_cancer_data
from minigrad.examples.options import parse_args
from minigrad.testing.mirror import Pipeline

__all__ = ["LogisticRegression", "prepare_data", "build_model", "make_pipeline", "train_step", "evaluate", "main"]


# 0) prepare data: split, standardise with the training split's statistics, convert, make y a column
def prepare_data(dtype: str = "float32", data: tuple | None = None) -> tuple[torch.Tensor, ...]:
    """X_train, X_test (n, n_features) and y_train, y_test (n, 1) as tensors of ``dtype``."""
    X_train, X_test, y_train, y_test = breast_cancer_data() if data is None else data
    X_train = torch.from_numpy(X_train.astype(dtype))
    X_test = torch.from_numpy(X_test.astype(dtype))
    y_train = torch.from_numpy(y_train.astype(dtype))
    y_test = torch.from_numpy(y_test.astype(dtype))
    y_train = y_train.view(y_train.shape[0], 1)
    y_test = y_test.view(y_test.shape[0], 1)
    return X_train, X_test, y_train, y_test


# 1) model: f = sigmoid(w·x + b)
class LogisticRegression(nn.Module):
    def __init__(self, n_input_features: int, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.linear = nn.Linear(n_input_features, 1, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.linear(x))


def build_model(n_features: int, dtype: str = "float32") -> LogisticRegression:
    return LogisticRegression(n_features, dtype=getattr(torch, dtype))


# 2) loss and optimizer, gathered with the data and model into one pipeline
def make_pipeline(dtype: str = "float32", lr: float = 0.01, reduction: str = "mean", seed: int | None = None,
                  data: tuple | None = None) -> Pipeline:
    """Data, model (seeded with ``seed`` if given), ``BCELoss`` and ``SGD``: everything a training loop needs."""
    X_train, X_test, y_train, y_test = prepare_data(dtype, data)
    n_features = X_train.shape[1]
    if seed is not None:
        torch.manual_seed(seed)
    model = build_model(n_features, dtype)
    criterion = nn.BCELoss(reduction=reduction)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return Pipeline(model, criterion, optimizer, inputs=X_train, targets=y_train, test_inputs=X_test,
                    test_targets=y_test)


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


def evaluate(model: nn.Module, X_test: torch.Tensor, y_test: torch.Tensor) -> tuple[float, torch.Tensor]:
    """Accuracy on the test split and the predicted classes (0. or 1.), computed without recording a graph."""
    with torch.no_grad():
        y_predicted = model(X_test)
        y_predicted_cls = y_predicted.round()
        acc = y_predicted_cls.eq(y_test).sum() / float(y_test.shape[0])
    return acc.item(), y_predicted_cls


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__)
    p = make_pipeline(args.dtype, args.lr, seed=args.seed)
    n_samples = p.inputs.shape[0] + p.test_inputs.shape[0]
    n_features = p.inputs.shape[1]
    print(n_samples, n_features)
    for epoch in range(args.epochs):
        loss = train_step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
        if (epoch + 1) % 10 == 0:
            print(f"epoch: {epoch + 1}, loss = {loss.item():.4f}")
    acc, _ = evaluate(p.model, p.test_inputs, p.test_targets)
    print(f"accuracy: {acc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
