"""minigrad's pytest plugin in a pytest run of its own, inside a temporary directory (pytester)."""

from __future__ import annotations

from pathlib import Path

import pytest

# imported here, before any in-process run: pytester drops the modules a run imports, and torch's C extension
# cannot be imported a second time in one process
import torch  # noqa: F401

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "minigrad.testing.pytest_plugin"

USER_TESTS = '''
import numpy as np
import pytest
import minigrad

class Double(minigrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * BACKWARD_FACTOR

x = np.array([[1.0, -2.0], [0.5, 3.0]])

def test_double(matches_torch):
    matches_torch(lambda a: Double.apply(a), x, torch_fn=lambda a: a * 2)

@pytest.mark.torch_ref
def test_marked():
    import torch
    assert torch.ones(1).item() == 1.0

def test_plain():
    assert minigrad.ones(2).sum().item() == 2.0
'''


def write_user_tests(pytester: pytest.Pytester, factor: int) -> None:
    pytester.makepyfile(test_user=USER_TESTS.replace("BACKWARD_FACTOR", str(factor)))


def test_the_fixture_passes_a_right_backward(pytester: pytest.Pytester) -> None:
    write_user_tests(pytester, 2)
    result = pytester.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["minigrad: --torch-ref=auto, torch 2.*"])


def test_the_fixture_fails_a_wrong_backward_with_the_table(pytester: pytest.Pytester) -> None:
    write_user_tests(pytester, 3)
    result = pytester.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*minigrad vs torch: FAIL (1 of 2 checks: grad a)*",
                                 "*check*status*max|Δ|*max rel*ulp*worst index*minigrad*torch*allowed*",
                                 "*grad a*FAIL*float64*(2, 2)*"])


def test_torch_ref_off_skips_the_comparisons_saying_why(pytester: pytest.Pytester) -> None:
    write_user_tests(pytester, 2)
    result = pytester.runpytest("-p", PLUGIN, "--torch-ref=off", "-rs")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*--torch-ref=off: comparisons with torch are switched off*"])


def test_without_torch_the_comparisons_skip_or_fail_when_required(pytester: pytest.Pytester,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write_user_tests(pytester, 2)
    # a torch that cannot be imported: the subprocess's conftest blocks it before any test runs
    pytester.makeconftest("import sys\nsys.modules['torch'] = None\n")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    result = pytester.runpytest_subprocess("-p", PLUGIN, "-rs")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["*torch is not installed, and this test compares with torch (pip install torch*"])
    result = pytester.runpytest_subprocess("-p", PLUGIN, "--torch-ref")
    result.assert_outcomes(passed=1, errors=2)  # failed in setup: reported as errors
    result.stdout.fnmatch_lines(["*--torch-ref=require, but torch is not installed*"])


def test_hypothesis_profiles_are_available_to_a_users_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_profiles='''
from hypothesis import given, settings, strategies as st

def test_registered():
    assert settings.get_profile("ci").derandomize
    assert settings.get_profile("dev").max_examples == 100
    assert settings.get_profile("deep").max_examples == 2000

def test_loaded():
    assert settings.default.max_examples == 2000
''')
    result = pytester.runpytest("-p", PLUGIN, "--hypothesis-profile=deep")
    result.assert_outcomes(passed=2)


def test_the_pytest11_entry_point_names_the_plugin_module() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["entry-points"]["pytest11"] == {PLUGIN: PLUGIN}
    module = pytest.importorskip(PLUGIN)
    assert callable(module.pytest_addoption) and callable(module.matches_torch)
