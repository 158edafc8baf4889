"""The benchmark's compiled minigrad subject (``minigrad.compile`` of the seeds' step) against its eager minigrad
subject: the same losses and parameters bit for bit, step by step, on the seeds and sweep shapes; and the
benchmark's agreement check notices a compiled subject that is one ulp off. No time is measured."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.config import SEEDS, Workload, initial_params, make_data
from benchmarks.subjects import Subject, agreement, build_subject

WORKLOADS = [*SEEDS, *(Workload(f"{loss}-{n}x{d}-{dt}", "sweep", loss, "linear" if loss == "mse" else "logistic",
                                n, d, dt)
                       for loss in ("mse", "bce") for n, d in ((4, 1), (50, 7)) for dt in ("float32", "float64"))]


def _pair(w: Workload) -> tuple[Subject, Subject, np.ndarray, np.ndarray]:
    x, y = make_data(w)
    weight, bias = initial_params(w)
    return (build_subject("minigrad", w, x, y, weight, bias), build_subject("compiled", w, x, y, weight, bias),
            weight, bias)


@pytest.mark.parametrize("w", WORKLOADS, ids=lambda w: w.name)
def test_compiled_subject_equals_eager_bit_for_bit(w: Workload) -> None:
    eager, compiled, _, _ = _pair(w)
    assert compiled.notes["compile_s"] > 0  # the builder's untimed first call captured the step
    for _ in range(25):
        le, lc = eager.step_loss(), compiled.step_loss()
        assert np.array_equal(np.float64(le), np.float64(lc)), (le, lc)
        for pe, pc in zip(eager.get_params(), compiled.get_params()):
            assert pe.dtype == pc.dtype == np.dtype(w.dtype)
            assert np.array_equal(pe, pc)
    entry = compiled.objects["step_fn"]._last
    assert entry is not None and entry.program is not None, entry.reason  # it replayed; it did not run eagerly
    assert len(compiled.objects["step_fn"]._cache) == 1  # set_params (copy_) between runs keeps the capture


def test_agreement_requires_the_compiled_subject_to_be_bitwise_equal() -> None:
    w = SEEDS[2]
    eager, compiled, weight, bias = _pair(w)
    check = agreement({"minigrad": eager, "compiled": compiled}, weight, bias, steps=4)
    assert check["ok"] and check["compiled_bitwise_equal"], check
    off = Subject("compiled", compiled.step, compiled.step_loss,
                  lambda: tuple(np.nextafter(p, np.inf) for p in compiled.get_params()),
                  compiled.set_params)
    check = agreement({"minigrad": eager, "compiled": off}, weight, bias, steps=2)
    assert not check["compiled_bitwise_equal"] and not check["ok"]
    assert check["max_param_diff_rel"]["compiled"] < check["tolerance"]  # within the tolerance, yet refused
