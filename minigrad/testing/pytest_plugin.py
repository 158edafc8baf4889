"""minigrad's pytest plugin (entry point ``pytest11``): the torch reference for your own tests.

- ``--torch-ref=auto|require|off`` (plain ``--torch-ref`` means ``require``). Tests that compare with torch
  (those using the ``matches_torch`` fixture, or marked ``@pytest.mark.torch_ref``) run when torch is installed.
  Without torch, ``auto`` (the default) skips them, saying why; ``require`` fails them (for CI, where a missing
  torch must not pass silently as skips); ``off`` skips them even when torch is there.
- ``matches_torch``: a fixture returning :func:`minigrad.testing.assert_matches_torch`.
- The hypothesis profiles "ci", "dev" and "deep" (:mod:`minigrad.testing.profiles`) are registered, so
  ``pytest --hypothesis-profile=deep`` works in your suite.

Nothing here imports torch until a test asks for it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pytest

from minigrad.testing.compare import assert_matches_torch
from minigrad.testing.profiles import register_profiles

__all__ = ["matches_torch"]

_MODES = ("auto", "require", "off")
_WHY = ("torch is not installed, and this test compares with torch (pip install torch; pass --torch-ref=require to "
        "make a missing torch an error)")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("minigrad", "minigrad: comparisons with torch")
    group.addoption("--torch-ref", action="store", nargs="?", const="require", default="auto", choices=_MODES,
                    help="tests that compare with torch (the matches_torch fixture, @pytest.mark.torch_ref): "
                         "'auto' runs them when torch is installed and skips them, saying why, when it is not; "
                         "'require' (plain --torch-ref) fails them without torch; 'off' skips them.")


@pytest.hookimpl(tryfirst=True)  # before hypothesis's plugin loads --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "torch_ref: the test compares with torch (see --torch-ref)")
    if importlib.util.find_spec("hypothesis") is not None:
        register_profiles()


def _torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


def pytest_report_header(config: pytest.Config) -> str:
    mode = config.getoption("--torch-ref")
    if not _torch_available():
        return f"minigrad: --torch-ref={mode}, torch not installed"
    try:
        found = version("torch")
    except PackageNotFoundError:  # pragma: no cover - torch importable without metadata
        found = "installed"
    return f"minigrad: --torch-ref={mode}, torch {found}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "matches_torch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.torch_ref)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("torch_ref") is None:
        return
    mode = item.config.getoption("--torch-ref")
    if mode == "off":
        pytest.skip("--torch-ref=off: comparisons with torch are switched off")
    if not _torch_available():
        if mode == "require":
            pytest.fail("--torch-ref=require, but torch is not installed (pip install torch)", pytrace=False)
        pytest.skip(_WHY)


@pytest.fixture
def matches_torch() -> Callable[..., Any]:
    """:func:`minigrad.testing.assert_matches_torch`: ``matches_torch(lambda T, x: T.exp(x), x)``."""
    return assert_matches_torch
