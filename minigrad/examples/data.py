"""Data preparation shared by the torch pipelines (``torch_ref``) and the minigrad ones (``minigrad.examples``).

Every function returns NumPy arrays, so both engines start from the very same bytes; each pipeline then converts
them with its own ``from_numpy``. scikit-learn is imported (``minigrad._optional``) by the functions that need
it: ``import minigrad`` (and even ``import minigrad.examples``) never pays for it.
"""

# ruff: noqa: N803, N806  (X, Y, X_test: the tutorials' and scikit-learn's names for data matrices)
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import _optional

__all__ = [
    "toy_data", "regression_data", "breast_cancer_data", "classification_data", "split_and_scale", "blobs_data",
]

_INSTALL_HINT = "scikit-learn is needed for the example data: pip install -r requirements-dev.txt (or 'minigrad[ref]')"


def _sklearn() -> Any:
    try:
        return _optional.sklearn()
    except ImportError as exc:  # pragma: no cover - exercised only without the dev environment
        raise ImportError(_INSTALL_HINT) from exc


def toy_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Example 1's training set (X = [[1], [2], [3], [4]], Y = 2X) and its test input X_test = [5.]."""
    X = np.array([[1], [2], [3], [4]], dtype=np.float64)
    Y = np.array([[2], [4], [6], [8]], dtype=np.float64)
    X_test = np.array([5], dtype=np.float64)
    return X, Y, X_test


def regression_data(n_samples: int = 100, n_features: int = 1, noise: float = 20.0,
                    random_state: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Example 2's data: ``make_regression`` (float64 as sklearn returns it; y has shape (n_samples,))."""
    sk = _sklearn()
    X, y = sk.datasets.make_regression(n_samples=n_samples, n_features=n_features, noise=noise,
                                       random_state=random_state)
    return X, y


def split_and_scale(X: np.ndarray, y: np.ndarray, test_size: float = 0.2,
                    random_state: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``train_test_split``, then a ``StandardScaler`` fitted on the training split only (no test leakage)."""
    sk = _sklearn()
    X_train, X_test, y_train, y_test = sk.model_selection.train_test_split(
        X, y, test_size=test_size, random_state=random_state
    )
    scaler = sk.preprocessing.StandardScaler()
    X_train = scaler.fit_transform(X_train)
    X_test = scaler.transform(X_test)
    return X_train, X_test, y_train, y_test


def breast_cancer_data(test_size: float = 0.2, random_state: int = 0, rows: Sequence[int] | None = None,
                       features: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Example 3's data: ``load_breast_cancer`` (569 × 30), optionally a subset of ``rows`` / ``features``,
    split and standardised by :func:`split_and_scale`."""
    sk = _sklearn()
    bc = sk.datasets.load_breast_cancer()
    X, y = bc.data, bc.target
    if rows is not None:
        X, y = X[np.asarray(rows)], y[np.asarray(rows)]
    if features is not None:
        X = X[:, np.asarray(features)]
    return split_and_scale(X, y, test_size=test_size, random_state=random_state)


def classification_data(n_samples: int = 200, n_features: int = 10, n_informative: int = 2,
                        random_state: int = 0, test_size: float = 0.2,
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A binary ``make_classification`` problem, split and standardised like example 3's data."""
    sk = _sklearn()
    X, y = sk.datasets.make_classification(n_samples=n_samples, n_features=n_features,
                                           n_informative=min(n_informative, n_features), n_redundant=0,
                                           n_repeated=0, n_clusters_per_class=1, random_state=random_state)
    return split_and_scale(X, y, test_size=test_size, random_state=random_state)


def blobs_data(n_per_class: int = 40, n_features: int = 4, n_classes: int = 3, spread: float = 1.0,
               test_fraction: float = 0.25, random_state: int = 0,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The classifier's data: ``n_classes`` Gaussian blobs in ``n_features`` dimensions, drawn with NumPy.

    Class k's centre is drawn uniformly from [-3, 3]^n_features; its points are the centre plus N(0, spread²)
    noise. The points are shuffled, then split: X_train, X_test (float64, (n, n_features)) and y_train, y_test
    (int64 class indices, (n,)), the last ``test_fraction`` of the points held out.
    """
    rng = np.random.default_rng(random_state)
    centres = rng.uniform(-3.0, 3.0, size=(n_classes, n_features))
    y = np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)
    X = centres[y] + spread * rng.standard_normal((y.shape[0], n_features))
    order = rng.permutation(y.shape[0])
    X, y = X[order], y[order]
    n_test = round(test_fraction * y.shape[0])
    return X[n_test:], X[:n_test], y[n_test:], y[:n_test]
