"""The fuzz: every public name called on torch and on minigrad with hypothesis-made arguments.

``harness.py`` (recipes, strategies, the check), ``known.py`` (the differences kept on purpose, each with its
fidelity tier), ``test_api.py`` (the targets), ``test_regressions.py`` (pinned deep-run findings)."""
