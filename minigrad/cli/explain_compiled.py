"""``minigrad explain EXAMPLE --compiled``: the same training step as a captured program, next to the eager trace.

The section appended to ``explain``'s text: the seed step run through ``minigrad.compile``: its guards, the
program (one statement per kernel, each naming the torch node it replays) and a check that K + 1 compiled steps
leave the parameters bit for bit where K + 1 eager steps leave them.
"""

from __future__ import annotations

import importlib
import io

import numpy as np

from minigrad.compiler import compile as compile_step

__all__ = ["compiled_section"]


def compiled_section(example: str, step: int = 0, seed: int = 0, lr: float = 0.01, dtype: str = "float32") -> str:
    """The text of the compiled view of ``example``'s training step ``step``."""
    ex = importlib.import_module(f"minigrad.examples.{example}")
    eager, compiled = ex.make_pipeline(dtype, lr, seed=seed), ex.make_pipeline(dtype, lr, seed=seed)
    train = compile_step(ex.train_step)
    for _ in range(step + 1):
        ex.train_step(eager.model, eager.criterion, eager.optimizer, eager.inputs, eager.targets)
        train(compiled.model, compiled.criterion, compiled.optimizer, compiled.inputs, compiled.targets)
    # one more: the program replays (the first call captured it)
    ex.train_step(eager.model, eager.criterion, eager.optimizer, eager.inputs, eager.targets)
    train(compiled.model, compiled.criterion, compiled.optimizer, compiled.inputs, compiled.targets)
    same = all(np.array_equal(a._data, b._data) for a, b in zip(eager.model.parameters(), compiled.model.parameters()))
    buf = io.StringIO()
    train.explain(file=buf)
    title = "The same step, compiled: minigrad.compile(train_step) captured once, then replayed"
    lines = ["", title, "-" * len(title),
             "The first call ran eagerly and recorded the array program below: the forward and backward kernels",
             "of each node in the order the engine ran them, the engine's unbroadcast sums, the AccumulateGrad",
             "writes, the optimizer's update and zero_grad. Later calls check the guards and replay it.",
             "", buf.getvalue().rstrip(), "",
             f"after {step + 2} compiled steps the parameters equal {step + 2} eager steps' bit for bit: "
             f"{'yes' if same else 'NO'}"]
    return "\n".join(lines)
