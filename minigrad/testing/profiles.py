"""hypothesis profiles for comparison suites: "ci", "dev" and "deep".

- "ci" (the default of ``load_profile``): 60 examples per property, derandomized, so every run on every machine
  tries the same examples, and a failure prints the blob that reproduces it;
- "dev": 100 new random examples per run (failures are replayed from the ``.hypothesis/`` database);
- "deep": 2000 examples per property, for long local runs.

No deadline in any of them: a comparison with torch runs both libraries and its time says nothing about the
code under test. ``register_profiles()`` makes them available (the pytest plugin calls it, so
``pytest --hypothesis-profile=deep`` works in any suite); ``load_profile()`` also picks one, from the argument or
the ``HYPOTHESIS_PROFILE`` environment variable.
"""

from __future__ import annotations

import os

from minigrad import _optional

__all__ = ["PROFILES", "register_profiles", "load_profile"]

PROFILES = ("ci", "dev", "deep")


def register_profiles() -> None:
    """Register the three profiles with hypothesis (idempotent). Imports hypothesis."""
    hypothesis = _optional.hypothesis()
    settings, too_slow = hypothesis.settings, hypothesis.HealthCheck.too_slow
    settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[too_slow],
                              derandomize=True, print_blob=True)
    settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=[too_slow])
    settings.register_profile("deep", max_examples=2000, deadline=None,
                              suppress_health_check=[too_slow, hypothesis.HealthCheck.data_too_large])


def load_profile(name: str | None = None) -> str:
    """Register the profiles and load ``name`` (default: ``$HYPOTHESIS_PROFILE``, else "ci"); returns its name."""
    register_profiles()
    chosen = name or os.environ.get("HYPOTHESIS_PROFILE") or "ci"
    _optional.hypothesis().settings.load_profile(chosen)
    return chosen
