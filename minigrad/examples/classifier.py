"""Classifier: a softmax classifier on Gaussian blobs — the minigrad pipeline.

Not one of the seeds: the study pipeline of softmax and cross-entropy. Three Gaussian blobs in 4 dimensions,
drawn with NumPy (``minigrad.examples.data.blobs_data``); float32 features and int64 class indices; the model
Linear(4, 3), one logit per class; ``CrossEntropyLoss`` (log_softmax, then the negative log-likelihood of the
true class: nodes ``NllLossBackward0`` ← ``LogSoftmaxBackward0`` ← ``AddmmBackward0``); SGD with lr 0.1 for 100
epochs; and the accuracy of the argmax on the held-out points.

It is torch_ref/classifier.py line for line: only the imports differ (``import minigrad as torch``: minigrad
has torch's names). See for yourself: ``diff torch_ref/classifier.py minigrad/examples/classifier.py``.

    python -m minigrad.examples.classifier [--epochs 100] [--lr 0.1] [--dtype float32] [--seed S]
"""

# ruff: noqa: N803, N806  (X, X_test: the tutorials' names for data matrices)
from __future__ import annotations

import sys
from collections.abc import Sequence

import minigrad as torch  # the same names as torch: torch.from_numpy, torch.optim.SGD, torch.no_grad...
import minigrad.nn as nn
from minigrad.examples.data import blobs_data
from minigrad.examples.options import parse_args
from minigrad.testing.mirror import Pipeline

__all__ = ["SoftmaxClassifier", "prepare_data", "build_model", "make_pipeline", "train_step", "evaluate", "main"]

N_CLASSES = 3


# 0) prepare data: features as floating-point tensors, labels as class indices (int64, what CrossEntropyLoss takes)
def prepare_data(dtype: str = "float32", data: tuple | None = None) -> tuple[torch.Tensor, ...]:
    """X_train, X_test (n, 4) of ``dtype`` and y_train, y_test (n,) of class indices (torch.int64)."""
    X_train, X_test, y_train, y_test = blobs_data() if data is None else data
    X_train = torch.from_numpy(X_train.astype(dtype))
    X_test = torch.from_numpy(X_test.astype(dtype))
    y_train = torch.from_numpy(y_train.astype("int64"))
    y_test = torch.from_numpy(y_test.astype("int64"))
    return X_train, X_test, y_train, y_test


# 1) model: one score (logit) per class, z = W·x + b; softmax(z) are the class probabilities
class SoftmaxClassifier(nn.Module):
    def __init__(self, n_features: int, n_classes: int, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.linear = nn.Linear(n_features, n_classes, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # logits, not probabilities: CrossEntropyLoss applies log_softmax itself (stable for large logits)
        return self.linear(x)


def build_model(n_features: int, dtype: str = "float32") -> SoftmaxClassifier:
    return SoftmaxClassifier(n_features, N_CLASSES, dtype=getattr(torch, dtype))


# 2) loss and optimizer, gathered with the data and model into one pipeline
def make_pipeline(dtype: str = "float32", lr: float = 0.1, reduction: str = "mean", seed: int | None = None,
                  data: tuple | None = None) -> Pipeline:
    """Data, model (seeded with ``seed`` if given), ``CrossEntropyLoss`` and ``SGD``: everything a training
    loop needs."""
    X_train, X_test, y_train, y_test = prepare_data(dtype, data)
    n_features = X_train.shape[1]
    if seed is not None:
        torch.manual_seed(seed)
    model = build_model(n_features, dtype)
    # cross-entropy = log_softmax, then the negative log-likelihood of the true class
    criterion = nn.CrossEntropyLoss(reduction=reduction)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return Pipeline(model, criterion, optimizer, inputs=X_train, targets=y_train, test_inputs=X_test,
                    test_targets=y_test)


# 3) one step of the training loop
def train_step(model: nn.Module, criterion: nn.Module, optimizer: torch.optim.Optimizer, X: torch.Tensor,
               y: torch.Tensor) -> torch.Tensor:
    logits = model(X)  # forward pass: one score per class
    loss = criterion(logits, y)  # loss: logits first, class indices second
    loss.backward()  # backward pass: gradients
    optimizer.step()  # update weights
    optimizer.zero_grad()  # zero the gradients, or the next backward adds to them
    return loss


def evaluate(model: nn.Module, X_test: torch.Tensor, y_test: torch.Tensor) -> tuple[float, torch.Tensor]:
    """Accuracy on the test split and the predicted classes (the argmax of the logits), without a graph."""
    with torch.no_grad():
        logits = model(X_test)
        y_predicted_cls = logits.argmax(dim=1)
        acc = y_predicted_cls.eq(y_test).sum() / float(y_test.shape[0])
    return acc.item(), y_predicted_cls


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv, __doc__, lr=0.1)
    p = make_pipeline(args.dtype, args.lr, seed=args.seed)
    print(p.inputs.shape[0], "training points,", p.test_inputs.shape[0], "test points,", N_CLASSES, "classes")
    for epoch in range(args.epochs):
        loss = train_step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
        if (epoch + 1) % 10 == 0:
            print(f"epoch: {epoch + 1}, loss = {loss.item():.4f}")
    acc, _ = evaluate(p.model, p.test_inputs, p.test_targets)
    print(f"accuracy: {acc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
