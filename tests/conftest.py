"""Shared test set-up: minigrad's pytest plugin (``--torch-ref``, the ``matches_torch`` fixture) and the
hypothesis profiles of ``minigrad.testing.profiles``: "ci" (the default: the same examples on every run and
machine), "dev" (new random examples each run, replaying failures saved in .hypothesis/) and "deep" (thousands
of examples per property, for long local runs); pick one with HYPOTHESIS_PROFILE."""

from __future__ import annotations

from minigrad.testing.profiles import load_profile

# An installed minigrad registers the plugin through its pytest11 entry point under this same name, so pytest
# does not load it twice.
pytest_plugins = ["minigrad.testing.pytest_plugin"]

load_profile()
