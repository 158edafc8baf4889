"""Drop-in parity: every tutorial script in tests/corpus/ prints the same under torch and under minigrad.

Each script is plain torch code. It runs twice, in subprocesses started together: ``python script.py`` (the real
torch) and ``python -m minigrad.cli run-as-torch script.py`` (minigrad, with a poisoned ``torch`` package first on
PYTHONPATH so that a real torch import under run-as-torch would fail the run). The two stdouts must be equal
character for character, with exactly two stated exceptions:

- object addresses (``<MseLossBackward0 object at 0x7f...>``) are masked: they differ between any two processes,
  two torch runs included;
- the lines listed in ``NUMERIC_LINES`` (per script, by pattern, each with its reason) are compared as numbers:
  their text with the numbers taken out must be identical, integers equal, and each decimal within the float32
  training tolerance of ``minigrad.testing.tolerances`` plus one unit of the printed last decimal.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from minigrad.testing.tolerances import training_ops, training_tolerance

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "corpus"
SCRIPTS = sorted(p.name for p in CORPUS.glob("*.py"))
ADDRESS = re.compile(r"(object at )0x[0-9a-fA-F]+")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class NumericLines:
    """Lines of one script compared as numbers: those of torch's output that match ``pattern``."""

    pattern: str  # its named group ``step`` bounds the SGD steps taken before the printed value (1-based epoch)
    n_samples: int
    n_features: int
    reason: str


NUMERIC_LINES: dict[str, NumericLines] = {
    "seed_example2_regression.py": NumericLines(
        pattern=r"^epoch: (?P<step>\d+), loss = ",
        n_samples=100,
        n_features=1,
        reason="the MSE is 500-5000 here, printed with 4 decimals, finer than float32 resolves at that size "
        "(ulp(3236.17) = 2.4e-4): the last digit shows the summation order of the 100-term mean and of the "
        "gradient sums Xᵀ·g and Σg (NumPy sums pairwise, torch in vectorised blocks), which leave the two "
        "engines 1-2 ulp apart after a few steps",
    ),
}


def _mask(text: str) -> list[str]:
    return ADDRESS.sub(r"\g<1>0x…", text).splitlines()


def _numbers_close(torch_line: str, mg_line: str, spec: NumericLines, step: int, scale: float) -> str | None:
    """None if the lines agree under the numeric rule, else why not."""
    if NUMBER.sub("#", torch_line) != NUMBER.sub("#", mg_line):
        return "text differs outside the numbers"
    tol = training_tolerance(np.float32, steps=step, ops_per_step=training_ops(spec.n_samples, spec.n_features),
                             scale=scale)
    for t, m in zip(NUMBER.findall(torch_line), NUMBER.findall(mg_line)):
        if "." not in t or "." not in m:
            if t != m:
                return f"integer {m} != {t}"
            continue
        decimals = len(t.split(".")[1].split("e")[0].split("E")[0])
        allowed = tol.atol + tol.rtol * abs(float(t)) + 10.0**-decimals
        if abs(float(m) - float(t)) > allowed:
            return f"{m} vs torch {t}: |Δ| = {abs(float(m) - float(t)):.3g} > {allowed:.3g} ({tol.reason})"
    return None


def compare(torch_out: str, mg_out: str, spec: NumericLines | None = None) -> tuple[list[str], int]:
    """(problems, lines under the numeric rule): each line must be equal, or be a ``spec`` line that is close."""
    t_lines, m_lines = _mask(torch_out), _mask(mg_out)
    if len(t_lines) != len(m_lines):
        return [f"{len(m_lines)} lines printed, torch printed {len(t_lines)}"], 0
    pattern = re.compile(spec.pattern) if spec else None
    # the tolerance's scale: the largest value these lines print in torch's run (after the matched prefix)
    scale = max([1.0] + [abs(float(x)) for line in t_lines if pattern and (hit := pattern.match(line))
                         for x in NUMBER.findall(line[hit.end():])])
    problems, numeric = [], 0
    for i, (t, m) in enumerate(zip(t_lines, m_lines), 1):
        match = pattern.match(t) if pattern else None
        if t == m:
            numeric += match is not None
            continue
        if match is None:
            problems.append(f"line {i}: {m!r} != torch {t!r}")
            continue
        numeric += 1
        assert spec is not None
        why = _numbers_close(t, m, spec, int(match.group("step")), scale)
        if why:
            problems.append(f"line {i}: {why}")
    return problems, numeric


# ---------------------------------------------------------------------- running the corpus
@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def _run(cmd: list[str], env: dict[str, str]) -> Run:
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    return Run(p.returncode, p.stdout, p.stderr)


def make_poison(tmp: Path) -> Path:
    """A directory holding a ``torch`` package that fails on import: put first on PYTHONPATH of the minigrad runs,
    it turns any import of the real torch under run-as-torch into a failed run."""
    poison = tmp / "poison"
    (poison / "torch").mkdir(parents=True, exist_ok=True)
    (poison / "torch" / "__init__.py").write_text(
        'raise ImportError("the real torch package was imported under run-as-torch")\n')
    return poison


def _job(script: str, engine: str, tmp: Path) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("CORPUS_NO_PLOT", "PYTHONPATH")}
    env.update(MPLBACKEND="Agg", CORPUS_PLOT_DIR=str(tmp / f"{engine}-{script}"))
    os.makedirs(env["CORPUS_PLOT_DIR"], exist_ok=True)
    path = str(CORPUS / script)
    if engine == "torch":
        return [sys.executable, path], env
    env["PYTHONPATH"] = str(make_poison(tmp))
    return [sys.executable, "-m", "minigrad.cli", "run-as-torch", path], env


_RESULTS: dict[str, dict[str, Run]] = {}


def run_corpus(scripts: list[str], tmp: Path) -> None:
    """Run ``scripts`` under both engines, all processes in parallel (one per core), into ``_RESULTS``."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs = {(script, engine): pool.submit(_run, *_job(script, engine, tmp))
                for engine in ("torch", "minigrad")  # torch's runs are the long ones: start them first
                for script in scripts}
        for (script, engine), job in jobs.items():
            _RESULTS.setdefault(script, {})[engine] = job.result()


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Run]]:
    """The runs of every corpus script selected in this session, made together on first use. Under
    pytest-xdist (whose workers already share the cores) each worker runs only the scripts it is given, on use."""
    tmp = tmp_path_factory.mktemp("corpus")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return _LazyRuns(tmp)
    selected = [item.callspec.params["script"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_script_prints_what_torch_prints"]
    run_corpus([s for s in SCRIPTS if s in selected and s not in _RESULTS], tmp)
    return _RESULTS


class _LazyRuns(dict):  # type: ignore[type-arg]
    def __init__(self, tmp: Path) -> None:
        super().__init__()
        self.tmp = tmp

    def __missing__(self, script: str) -> dict[str, Run]:
        if script not in _RESULTS:
            run_corpus([script], self.tmp)
        return _RESULTS[script]


def test_the_poisoned_torch_catches_a_real_import(tmp_path: Path) -> None:
    """The guard of the minigrad runs works: with it on PYTHONPATH a plain ``import torch`` fails."""
    env = dict(os.environ, PYTHONPATH=str(make_poison(tmp_path)))
    p = subprocess.run([sys.executable, "-c", "import torch"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "imported under run-as-torch" in p.stderr


def test_corpus_is_big_enough() -> None:
    assert len(SCRIPTS) >= 8, SCRIPTS
    for name, spec in NUMERIC_LINES.items():
        assert name in SCRIPTS, f"NUMERIC_LINES names a script that is not in the corpus: {name}"
        assert spec.reason


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_prints_what_torch_prints(script: str, runs: dict[str, dict[str, Run]]) -> None:
    ref, mine = runs[script]["torch"], runs[script]["minigrad"]
    assert ref.returncode == 0, f"{script} failed under torch:\n{ref.stderr}"
    assert mine.returncode == 0, f"{script} failed under minigrad run-as-torch:\n{mine.stderr}"
    assert ref.stdout.strip(), f"{script} printed nothing"
    spec = NUMERIC_LINES.get(script)
    problems, numeric = compare(ref.stdout, mine.stdout, spec)
    if problems:
        diff = "\n".join(difflib.unified_diff(_mask(ref.stdout), _mask(mine.stdout), "torch", "minigrad",
                                              lineterm=""))
        pytest.fail(f"{script}: output differs from torch's\n" + "\n".join(problems) + "\n\n" + diff)
    if spec:  # the pattern must still select the lines it was written for
        assert numeric > 0, f"{script}: NUMERIC_LINES pattern {spec.pattern!r} matched no line"


# ---------------------------------------------------------------------- the comparison itself can fail
_SPEC = NumericLines(r"^epoch: (?P<step>\d+), loss = ", 100, 1, "test")


def test_compare_flags_a_one_character_difference() -> None:
    assert compare("w = 1.234\n", "w = 1.234\n") == ([], 0)
    problems, _ = compare("w = 1.234\n", "w = 1.235\n")
    assert problems and "line 1" in problems[0]
    assert compare("a\nb\n", "a\n")[0], "a missing line must fail"
    # a numeric spec does not loosen lines outside its pattern
    assert compare("w = 1.234\n", "w = 1.235\n", _SPEC)[0]


def test_compare_masks_only_object_addresses() -> None:
    t = "<MseLossBackward0 object at 0x7f4c103aefe0>\n"
    assert compare(t, "<MseLossBackward0 object at 0x7fcfc6369c70>\n") == ([], 0)
    assert compare(t, "<SumBackward0 object at 0x7f4c103aefe0>\n")[0]
    assert compare("0x10\n", "0x11\n")[0]


def test_compare_numeric_lines_within_and_beyond_tolerance() -> None:
    ok = compare("epoch: 20, loss = 3236.1716\n", "epoch: 20, loss = 3236.1719\n", _SPEC)
    assert ok == ([], 1)
    assert compare("epoch: 20, loss = 3236.1716\n", "epoch: 20, loss = 3240.1716\n", _SPEC)[0]
    assert compare("epoch: 20, loss = 3236.1716\n", "epoch: 21, loss = 3236.1716\n", _SPEC)[0]
    assert compare("epoch: 20, loss = 3236.1716\n", "epoch: 20, Loss = 3236.1716\n", _SPEC)[0]
