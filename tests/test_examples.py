"""The seed examples as programs: each torch_ref script and each minigrad example runs end to end as a script,
the minigrad files are line-for-line twins of the torch ones, the shared data preparation is right, and
``minigrad compare`` prints its tables, verdicts and plots (and says how to install torch when it is missing).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from minigrad.cli import main
from minigrad.examples import EXAMPLES, make_pipelines
from minigrad.examples.data import breast_cancer_data, classification_data, regression_data, toy_data

ROOT = Path(__file__).resolve().parents[1]
ENV = {**{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}, "MPLBACKEND": "Agg"}


def _scripts(tmp: Path) -> dict[str, list[str]]:
    py = [sys.executable, "-m"]
    cli = Path(sys.executable).with_name("minigrad")
    return {
        **{f"{pkg}.example{n}": [*py, f"{pkg}.example{n}", "--seed", "0"]
           for pkg in ("torch_ref", "minigrad.examples") for n in (1, 3)},
        **{f"{pkg}.example2": [*py, f"{pkg}.example2", "--seed", "0", "--plot", str(tmp / f"{pkg}.png")]
           for pkg in ("torch_ref", "minigrad.examples")},
        "console-script": [str(cli), "compare", "--help"] if cli.exists()
        else [*py, "minigrad.cli", "compare", "--help"],
        # first: importing the examples, the mirror and the command loads none of the heavy dependencies;
        # then: with torch unimportable, ``minigrad compare`` explains how to install it (exit status 2)
        "without-torch": [sys.executable, "-c", "import sys, minigrad.examples, minigrad.examples.example1, "
                          "minigrad.examples.example2, minigrad.examples.example3, minigrad.examples.data, "
                          "minigrad.testing.mirror, minigrad.cli.compare; "
                          "print(sorted(m for m in ('torch', 'sklearn', 'matplotlib') if m in sys.modules)); "
                          "sys.modules['torch'] = None; from minigrad.cli import main; "
                          "sys.exit(main(['compare', 'all']))"],
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """Start every script at once (most of their time is importing torch and sklearn), then collect them."""
    tmp = tmp_path_factory.mktemp("scripts")
    procs = {k: subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k, cmd in _scripts(tmp).items()}
    out = {}
    for k, p in procs.items():
        stdout, stderr = p.communicate(timeout=300)
        out[k] = (subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr), tmp)
    return out


def _ok(runs: dict, key: str) -> list[str]:
    proc, _ = runs[key]
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


@pytest.mark.parametrize("pkg", ["torch_ref", "minigrad.examples"])
def test_example1_script(runs: dict, pkg: str) -> None:
    lines = _ok(runs, f"{pkg}.example1")
    assert len(lines) == 102
    assert re.fullmatch(r"Prediction before training: f\(5\) = -?\d+\.\d{3}", lines[0])
    assert [ln.split(":")[0] for ln in lines[1:101]] == [f"epoch {i}" for i in range(1, 101)]
    assert all(re.fullmatch(r"epoch \d+: loss = \d+\.\d{8}", ln) for ln in lines[1:101])
    assert re.fullmatch(r"Prediction after training: f\(5\) = \d+\.\d{3}", lines[-1])


def test_example1_scripts_agree(runs: dict) -> None:
    """Same seed, same printed prediction (3 decimals) and first loss (8 decimals) on both engines."""
    t, m = _ok(runs, "torch_ref.example1"), _ok(runs, "minigrad.examples.example1")
    assert t[0] == m[0] and t[1] == m[1] and t[-1] == m[-1]


@pytest.mark.parametrize("pkg", ["torch_ref", "minigrad.examples"])
def test_example2_script_and_plot(runs: dict, pkg: str) -> None:
    lines = _ok(runs, f"{pkg}.example2")
    _, tmp = runs[f"{pkg}.example2"]
    assert [ln.split(",")[0] for ln in lines[:100]] == [f"epoch {i}" for i in range(1, 101)]
    assert re.fullmatch(r"fitted line: y = -?\d+\.\d{4}·x \+ -?\d+\.\d{4}", lines[100])
    png = tmp / f"{pkg}.png"
    assert lines[101] == f"plot saved to {png}"
    assert matplotlib.image.imread(png).shape[0] > 100


def test_example2_without_display_does_not_block(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --plot and without a display the script says how to save the figure instead of blocking."""
    import matplotlib.pyplot as plt

    from minigrad.examples import example2

    plt.switch_backend("Agg")  # what matplotlib picks with no display
    assert example2.main(["--epochs", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no display: pass --plot PATH to save the figure"


@pytest.mark.parametrize("pkg", ["torch_ref", "minigrad.examples"])
def test_example3_script(runs: dict, pkg: str) -> None:
    lines = _ok(runs, f"{pkg}.example3")
    assert lines[0] == "569 30"
    assert [ln.split(",")[0] for ln in lines[1:11]] == [f"epoch: {i}" for i in range(10, 101, 10)]
    acc = re.fullmatch(r"accuracy: (\d\.\d{4})", lines[-1])
    assert acc and 0.8 < float(acc.group(1)) <= 1.0


def test_example3_scripts_agree(runs: dict) -> None:
    assert _ok(runs, "torch_ref.example3")[-1] == _ok(runs, "minigrad.examples.example3")[-1]


def test_console_script(runs: dict) -> None:
    out = "\n".join(_ok(runs, "console-script"))
    for option in ("{example1,example2,example3,all}", "--epochs", "--lr", "--dtype", "--seed", "--every", "--plot"):
        assert option in out


def test_compare_without_torch_says_how_to_install(runs: dict) -> None:
    """torch, sklearn and matplotlib are imported only when a function needs them; without torch, the command
    prints how to install it (no traceback) and exits with status 2."""
    proc, _ = runs["without-torch"]
    assert proc.stdout.splitlines() == ["[]"]
    assert proc.returncode == 2
    assert "pip install -r requirements-dev.txt" in proc.stderr and "minigrad[ref]" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("n", [1, 2, 3])
def test_minigrad_example_is_the_torch_twin(n: int) -> None:
    """Outside the module docstring and the imports (and the blank lines import sorting puts between them), the
    two files are the same line for line (the plot title of example 2 names its engine)."""

    def body(path: Path) -> list[str]:
        text = path.read_text()
        code = text[text.index('"""', 3) + 3:]  # after the module docstring
        return [ln.replace("(torch)", "(ENGINE)").replace("(minigrad)", "(ENGINE)") for ln in code.splitlines()
                if ln.strip() and not re.match(r"import (torch|minigrad)", ln)]

    assert body(ROOT / f"torch_ref/example{n}.py") == body(ROOT / f"minigrad/examples/example{n}.py")


# the shared data -----------------------------------------------------------------------------------------
def test_data_are_numpy_arrays_as_the_seeds_define_them() -> None:
    X, Y, X_test = toy_data()
    assert X.tolist() == [[1], [2], [3], [4]] and Y.tolist() == [[2], [4], [6], [8]] and X_test.tolist() == [5]
    X2, y2 = regression_data()
    assert X2.shape == (100, 1) and y2.shape == (100,) and X2.dtype == np.float64
    Xc = classification_data(50, 4, 2, 0)
    assert [a.shape for a in Xc] == [(40, 4), (10, 4), (40,), (10,)]


def test_breast_cancer_scaled_with_training_statistics_only() -> None:
    X_train, X_test, _, y_test = breast_cancer_data()
    assert X_train.shape == (455, 30) and X_test.shape == (114, 30)
    bc = load_breast_cancer()
    raw_train, raw_test, _, raw_y_test = train_test_split(bc.data, bc.target, test_size=0.2, random_state=0)
    mean, std = raw_train.mean(axis=0), raw_train.std(axis=0)
    np.testing.assert_allclose(X_train, (raw_train - mean) / std, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(X_test, (raw_test - mean) / std, rtol=1e-12, atol=1e-12)  # not the test's own stats
    assert np.array_equal(y_test, raw_y_test)
    sub = breast_cancer_data(rows=list(range(100)), features=[0, 5])
    assert sub[0].shape == (80, 2) and sub[1].shape == (20, 2)


# the fixed seed bugs ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXAMPLES)
def test_loss_takes_prediction_then_target(name: str) -> None:
    """The seed called ``loss(Y, y_pred)``: the pipelines' first loss is torch's loss of (prediction, target)."""
    _, th = make_pipelines(name, seed=0)
    pred = th.model(th.inputs)
    fn = torch.nn.functional.binary_cross_entropy if name == "example3" else torch.nn.functional.mse_loss
    assert torch.equal(th.compute_loss(), fn(pred, th.targets))
    if name == "example3":
        assert not torch.equal(fn(pred, th.targets), fn(th.targets, pred.detach()))


def test_evaluation_records_no_graph() -> None:
    from minigrad.examples import load

    mine, ref = load("example3")
    mg, th = make_pipelines("example3", seed=0)
    for module, p in ((mine, mg), (ref, th)):
        acc, cls = module.evaluate(p.model, p.test_inputs, p.test_targets)
        assert cls.grad_fn is None and not cls.requires_grad and isinstance(acc, float)


# minigrad compare -----------------------------------------------------------------------------------------
def test_compare_all_prints_tables_verdicts_and_plots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "all", "--plot", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in EXAMPLES:
        block = out[out.index(f"== {name}"):]
        block = block[:block.index("PASS: all 100 steps")]
        rows = [ln.split()[0] for ln in block.splitlines() if re.match(r"\s+\d+ ", ln)]
        assert rows == [str(e) for e in range(10, 101, 10)], block
        assert "epoch" in block and "torch loss" in block and "minigrad loss" in block and "max |Δgrad|" in block
    assert out.count("PASS: all 100 steps within float32 tolerance") == 3
    assert "f(5) after training: torch" in out and "fitted line: torch y =" in out and "test accuracy: torch" in out
    assert "predicted classes identical for 114 of 114 test samples" in out
    assert out.rstrip().endswith("PASS: 3 examples, 100 steps each, float32")
    expected = {f"{n}_{k}.png" for n in EXAMPLES for k in ("loss", "diff")} | {"example2_fit.png",
                                                                               "example3_accuracy.png"}
    assert {p.name for p in tmp_path.iterdir()} == expected
    for p in tmp_path.iterdir():
        img = matplotlib.image.imread(p)
        assert img.shape[0] >= 400 and img.shape[1] >= 700 and img.std() > 0.05  # a drawing, not a blank page


def test_compare_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "example3", "--epochs", "7", "--every", "3", "--dtype", "float64", "--lr", "0.1",
                 "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "float64, lr 0.1, 7 epochs, seed 5" in out
    assert [ln.split()[0] for ln in out.splitlines() if re.match(r"\s+\d+ ", ln)] == ["3", "6", "7"]
    assert "PASS: all 7 steps within float64 tolerance" in out
