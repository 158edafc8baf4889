"""docs/testing-your-own-op.md runs: its python blocks in order in one namespace, then every test_* it defines."""

from __future__ import annotations

import contextlib
import inspect
import io
import re
from pathlib import Path

from minigrad.testing import assert_matches_torch

DOC = Path(__file__).resolve().parents[1] / "docs" / "testing-your-own-op.md"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", DOC.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_docs_code_runs_and_its_tests_pass() -> None:
    code = blocks("python")
    assert len(code) >= 8
    namespace: dict[str, object] = {"__name__": "testing_your_own_op"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for i, block in enumerate(code):
            exec(compile(block, f"{DOC.name} block {i + 1}", "exec"), namespace)
    tests = {k: v for k, v in namespace.items() if k.startswith("test_") and callable(v)}
    assert set(tests) == {"test_softplus_matches_torch", "test_softplus_over_drawn_inputs",
                          "test_softplus_gradient_by_finite_differences"}
    for fn in tests.values():
        params = inspect.signature(fn).parameters
        fn(**({"matches_torch": assert_matches_torch} if "matches_torch" in params else {}))
    # the quoted output is what the failing example prints (its first lines)
    quoted = blocks("text")[0].splitlines()
    printed = out.getvalue().splitlines()
    assert printed[: len(quoted)] == quoted
