"""The three seed tutorials written with minigrad, each the line-for-line twin of ``torch_ref.exampleN``.

- ``example1``: linear regression on X = [1, 2, 3, 4], Y = 2X (MSE, SGD), then f(5).
- ``example2``: linear regression on ``make_regression`` data (MSE, SGD), then the fitted line and a plot.
- ``example3``: logistic regression on the breast-cancer data (sigmoid ∘ Linear, BCE, SGD), then test accuracy.

Beyond the seeds, ``STUDY_EXAMPLES`` are pipelines written the same way (a twin in ``torch_ref``) for the study
tools (``minigrad explain``), not part of ``minigrad compare all``:

- ``classifier``: a softmax classifier, Linear(4, 3) on three Gaussian blobs (CrossEntropyLoss, SGD lr 0.1).

``data`` prepares the data for both engines. :func:`make_pipelines` builds a minigrad pipeline and its torch
twin from the same seed, ready for :func:`minigrad.testing.mirror.run_mirror`. Nothing here imports torch,
scikit-learn or matplotlib until it is needed.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import minigrad
from minigrad import _optional
from minigrad.examples import data

__all__ = ["EXAMPLES", "STUDY_EXAMPLES", "OPTIMIZERS", "TORCH_MISSING", "load", "make_pipelines", "use_optimizer"]

EXAMPLES = ("example1", "example2", "example3")  # the seeds (`minigrad compare all`)
STUDY_EXAMPLES = ("classifier",)
# ``--optimizer`` choices: torch.optim's class for each (default hyper-parameters but the learning rate)
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad"}

TORCH_MISSING = (
    "torch is needed to compare against the reference pipelines, and it is not installed.\n"
    "Install the development environment:  pip install -r requirements-dev.txt\n"
    "or just the reference stack:          pip install 'minigrad[ref]'"
)


def load(name: str) -> tuple[ModuleType, ModuleType]:
    """(minigrad module, torch module) of example ``name``; ImportError with install hints if torch is missing."""
    if name not in EXAMPLES + STUDY_EXAMPLES:
        raise ValueError(f"unknown example {name!r}: choose from {', '.join(EXAMPLES + STUDY_EXAMPLES)}")
    mine = importlib.import_module(f"minigrad.examples.{name}")
    try:
        _optional.torch()
    except ImportError as exc:
        raise ImportError(TORCH_MISSING) from exc
    return mine, importlib.import_module(f"torch_ref.{name}")


def make_pipelines(name: str, *, dtype: str = "float32", lr: float = 0.01, reduction: str = "mean",
                   seed: int = 0, data: tuple | None = None, optimizer: str = "sgd") -> tuple[Any, Any]:
    """(minigrad pipeline, torch pipeline) of example ``name``, each model built right after seeding its own
    generator with ``seed`` (minigrad's generator reproduces torch's, so the initial parameters are identical),
    on the same NumPy ``data`` (the example's default data set if None), trained by ``optimizer`` (a key of
    ``OPTIMIZERS``; the examples themselves use SGD)."""
    mine, ref = load(name)
    if data is None:
        data = _default_data(name)
    mg, th = mine.make_pipeline(dtype, lr, reduction, seed, data), ref.make_pipeline(dtype, lr, reduction, seed, data)
    if optimizer != "sgd":
        use_optimizer(mg, minigrad, optimizer, lr)
        use_optimizer(th, _optional.torch(), optimizer, lr)
    return mg, th


def use_optimizer(pipeline: Any, lib: ModuleType, optimizer: str, lr: float) -> None:
    """Replace the pipeline's optimizer by ``lib.optim.<OPTIMIZERS[optimizer]>`` over the same parameters."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}: choose from {', '.join(OPTIMIZERS)}")
    pipeline.optimizer = getattr(lib.optim, OPTIMIZERS[optimizer])(pipeline.model.parameters(), lr=lr)


def _default_data(name: str) -> tuple:
    if name == "example1":
        return data.toy_data()
    if name == "example2":
        return data.regression_data()
    if name == "classifier":
        return data.blobs_data()
    return data.breast_cancer_data()
