"""``minigrad compare --optimizer``: the three seed pipelines in lockstep with Adam, RMSprop, Adagrad, SGD."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from minigrad.examples import EXAMPLES, make_pipelines

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop", "adagrad"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_pipelines_train_in_lockstep_with_each_optimizer(name: str, optimizer: str) -> None:
    from minigrad.cli.compare import compare_example

    mg, th = make_pipelines(name, optimizer=optimizer, lr=0.02)
    cls = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad"}[optimizer]
    assert type(mg.optimizer).__name__ == type(th.optimizer).__name__ == cls
    assert mg.optimizer.param_groups[0]["lr"] == th.optimizer.param_groups[0]["lr"] == 0.02
    text, trace, _ = compare_example(name, epochs=40, lr=0.02, optimizer=optimizer, every=20)
    assert trace.ok, text
    assert text.splitlines()[0].endswith(f"{cls})")
    assert "PASS" in text.splitlines()[-1]


def test_cli_flag() -> None:
    out = subprocess.run([sys.executable, "-m", "minigrad.cli", "compare", "example1", "--optimizer", "adam",
                          "--epochs", "20"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert "MSELoss, Adam)" in out.stdout and "PASS" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "minigrad.cli", "compare", "example1", "--optimizer", "lbfgs"],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
