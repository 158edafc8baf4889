"""The optional dependencies, loaded in one place, when a feature needs them.

minigrad needs only NumPy at run time: ``import minigrad`` never imports any of these. Each function below
imports one optional package (``importlib.import_module``, at the call) and returns it; when the package is
missing it raises ``ModuleNotFoundError`` (an ``ImportError``) saying what to ``pip install``. Callers that have
a message of their own (``minigrad compare`` without torch, the example data without scikit-learn) catch it and
say theirs.

==================  =======================================================  ==============================
function            used by                                                  pip install
==================  =======================================================  ==============================
``torch()``         the comparisons with torch (``minigrad compare``,         torch
                    ``minigrad.testing``, the examples' torch twins)
``matplotlib()``    ``minigrad compare --plot``: plots, Agg backend           matplotlib
``sklearn()``       the examples' data sets (breast cancer, regression)       scikit-learn
``safetensors()``   ``minigrad.save``/``load`` of ``.safetensors`` files      safetensors
``hypothesis()``    ``minigrad.testing``'s hypothesis profiles                hypothesis
``graphviz()``      ``minigrad.viz``'s ``to_graphviz()``                      graphviz
==================  =======================================================  ==============================

``pip install -r requirements-dev.txt`` (or ``pip install 'minigrad[ref]'``) installs them all.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["torch", "matplotlib", "pyplot", "sklearn", "safetensors", "hypothesis", "graphviz"]


def _load(module: str, pip_name: str, *submodules: str) -> ModuleType:
    """``module`` (and its ``submodules``, imported so that ``module.sub`` works), or ModuleNotFoundError saying
    ``pip install pip_name``."""
    try:
        loaded = importlib.import_module(module)
    except ImportError as exc:
        raise ModuleNotFoundError(f"{module} is not installed (an optional dependency of minigrad): "
                                  f"pip install {pip_name}", name=module) from exc
    for sub in submodules:
        importlib.import_module(f"{module}.{sub}")
    return loaded


def torch() -> ModuleType:
    """torch, the reference minigrad is compared with (tests, ``minigrad compare``); never needed to run minigrad."""
    return _load("torch", "torch")


def matplotlib(backend: str | None = None) -> ModuleType:
    """matplotlib, with ``backend`` selected first when given (``"Agg"``: files, no window)."""
    mpl = _load("matplotlib", "matplotlib")
    if backend is not None:
        mpl.use(backend)
    return mpl


def pyplot() -> ModuleType:
    """matplotlib.pyplot (matplotlib's figure interface)."""
    return _load("matplotlib.pyplot", "matplotlib")


def sklearn() -> ModuleType:
    """scikit-learn, with the submodules the examples use: datasets, model_selection, preprocessing."""
    return _load("sklearn", "scikit-learn", "datasets", "model_selection", "preprocessing")


def safetensors() -> ModuleType:
    """safetensors.numpy (save_file/load_file of NumPy arrays)."""
    return _load("safetensors.numpy", "safetensors")


def hypothesis() -> ModuleType:
    """hypothesis (property tests: minigrad.testing registers its settings profiles)."""
    return _load("hypothesis", "hypothesis")


def graphviz() -> ModuleType:
    """The graphviz Python package (``Source`` renders a DOT graph; the ``dot`` program draws it)."""
    return _load("graphviz", "graphviz")
