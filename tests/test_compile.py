"""minigrad.compile: a replayed step equals the eager step bit for bit; guards re-capture, fall back and refuse.

Every expected value here comes from the eager engine running the same step on an identical copy of the
pipeline (the replay must not change a single bit), never from the compiled object itself.
"""

from __future__ import annotations

import gc
import tracemalloc
import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as torch
import minigrad.nn as nn
from minigrad.compiler import Unsupported, cache_size_limit
from minigrad.examples import example1, example2, example3

EXAMPLES = {"example1": example1, "example2": example2, "example3": example3}


def params(model: nn.Module) -> list[np.ndarray]:
    return [p._data.copy() for p in model.parameters()]


def assert_same(a: nn.Module, b: nn.Module) -> None:
    for x, y in zip(a.parameters(), b.parameters()):
        assert x._data.dtype == y._data.dtype
        assert np.array_equal(x._data, y._data, equal_nan=True), "a compiled step changed a bit"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_seed_examples_compiled_equal_eager_bit_for_bit(name: str, dtype: str) -> None:
    ex = EXAMPLES[name]
    eager, compiled = ex.make_pipeline(dtype, seed=3), ex.make_pipeline(dtype, seed=3)
    step = torch.compile(ex.train_step)
    for _ in range(55):
        le = ex.train_step(eager.model, eager.criterion, eager.optimizer, eager.inputs, eager.targets)
        lc = step(compiled.model, compiled.criterion, compiled.optimizer, compiled.inputs, compiled.targets)
        assert np.array_equal(le._data, lc._data) and le.dtype == lc.dtype
        assert type(le.grad_fn).__name__ == type(lc.grad_fn).__name__  # the loss prints as eager's
        assert_same(eager.model, compiled.model)
        assert all(p.grad is None for p in compiled.model.parameters())
    entry = step._last
    assert entry is not None and entry.program is not None, entry.reason  # it really replayed:
    assert len(step._cache) == 1  # one capture, every later call its replay


def mlp_step(model: nn.Module, loss_fn: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor,
             y: torch.Tensor) -> torch.Tensor:
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


def make_mlp(seed: int, dtype: torch.dtype, hidden: int, momentum: float, weight_decay: float) -> tuple:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, hidden, dtype=dtype), nn.ReLU(), nn.Linear(hidden, hidden, dtype=dtype),
                          nn.Tanh(), nn.Linear(hidden, 1, dtype=dtype))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=momentum, weight_decay=weight_decay)
    return model, nn.MSELoss(), opt


@given(seed=st.integers(0, 2**32 - 1), dtype=st.sampled_from([torch.float32, torch.float64]),
       hidden=st.integers(1, 6), n=st.integers(1, 9), momentum=st.sampled_from([0.0, 0.9]),
       weight_decay=st.sampled_from([0.0, 1e-3]))
def test_mlp_compiled_equals_eager(seed: int, dtype: torch.dtype, hidden: int, n: int, momentum: float,
                                   weight_decay: float) -> None:
    rng = np.random.default_rng(seed)
    x = torch.from_numpy(rng.standard_normal((n, 3)).astype(dtype.np))
    y = torch.from_numpy(rng.standard_normal((n, 1)).astype(dtype.np))
    eager, compiled = make_mlp(seed, dtype, hidden, momentum, weight_decay), make_mlp(seed, dtype, hidden, momentum,
                                                                                    weight_decay)
    step = torch.compile(mlp_step)
    for _ in range(52):
        le, lc = mlp_step(*eager, x, y), step(*compiled, x, y)
        assert np.array_equal(le._data, lc._data)
        assert_same(eager[0], compiled[0])
    assert step._last.program is not None and len(step._cache) == 1, step._last.reason


def test_a_shape_change_captures_again_and_matches_eager() -> None:
    eager, compiled = make_mlp(0, torch.float64, 4, 0.0, 0.0), make_mlp(0, torch.float64, 4, 0.0, 0.0)
    step = torch.compile(mlp_step)
    rng = np.random.default_rng(0)
    for n in (5, 7, 5, 7, 2):
        x = torch.from_numpy(rng.standard_normal((n, 3)))
        y = torch.from_numpy(rng.standard_normal((n, 1)))
        le, lc = mlp_step(*eager, x, y), step(*compiled, x, y)
        assert np.array_equal(le._data, lc._data)
        assert_same(eager[0], compiled[0])
    assert len(step._cache) == 3  # n = 5, 7, 2: one capture each, reused when a shape comes back


def branchy_step(model: nn.Module, loss_fn: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor,
                 y: torch.Tensor) -> torch.Tensor:
    loss = loss_fn(model(x), y)
    if loss.item() > 0.5:  # a Python branch on a value: must never be baked into a replay
        loss = loss * 2
    loss.backward()
    opt.step()
    opt.zero_grad()
    return loss


def test_an_item_branch_gives_eagers_results_and_is_reported() -> None:
    eager, compiled = make_mlp(1, torch.float64, 3, 0.0, 0.0), make_mlp(1, torch.float64, 3, 0.0, 0.0)
    step = torch.compile(branchy_step)
    x = torch.from_numpy(np.linspace(-3, 3, 12).reshape(4, 3))
    y = torch.from_numpy(np.array([[4.0], [-3.0], [0.1], [2.0]]))
    branches = set()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(30):
            le = branchy_step(*eager, x, y)
            lc = step(*compiled, x, y)
            branches.add(type(le.grad_fn).__name__)
            assert np.array_equal(le._data, lc._data)
            assert_same(eager[0], compiled[0])
    assert branches == {"MulBackward0", "MseLossBackward0"}  # the branch really went both ways
    text = step.explain(file=open("/dev/null", "w"))
    assert "graph break: Tensor.item()" in text and "test_compile.py" in text
    assert sum("graph break" in str(w.message) for w in caught) == 1  # said once


def test_fullgraph_raises_naming_the_line() -> None:
    model, loss_fn, opt = make_mlp(1, torch.float64, 3, 0.0, 0.0)
    step = torch.compile(branchy_step, fullgraph=True)
    x = torch.from_numpy(np.ones((2, 3)))
    y = torch.from_numpy(np.ones((2, 1)))
    with pytest.raises(Unsupported, match=r"Tensor\.item\(\) at .*test_compile\.py:\d+"):
        step(model, loss_fn, opt, x, y)


def test_load_state_dict_and_a_data_swap_between_steps_are_seen() -> None:
    ex = example1
    eager, compiled = ex.make_pipeline("float32", seed=0), ex.make_pipeline("float32", seed=0)
    other = ex.make_pipeline("float32", seed=11).model.state_dict()
    step = torch.compile(ex.train_step)
    for i in range(12):
        if i == 4:
            eager.model.load_state_dict(other)
            compiled.model.load_state_dict(other)
        if i == 8:  # rebind a parameter's array: a program reading the old array would be silently wrong
            for m in (eager.model, compiled.model):
                m.lin.weight.data = torch.tensor([[0.25]])
        le = ex.train_step(eager.model, eager.criterion, eager.optimizer, eager.inputs, eager.targets)
        lc = step(compiled.model, compiled.criterion, compiled.optimizer, compiled.inputs, compiled.targets)
        assert np.array_equal(le._data, lc._data)
        assert_same(eager.model, compiled.model)


def test_train_eval_and_hyperparameters_between_steps() -> None:
    eager, compiled = make_mlp(2, torch.float32, 4, 0.9, 0.0), make_mlp(2, torch.float32, 4, 0.9, 0.0)
    step = torch.compile(mlp_step)
    x = torch.from_numpy(np.random.default_rng(2).standard_normal((6, 3)).astype(np.float32))
    y = torch.from_numpy(np.ones((6, 1), np.float32))
    for i in range(20):
        if i == 5:  # a scheduler's change: read live by the replayed optimizer step
            for opt in (eager[2], compiled[2]):
                opt.param_groups[0]["lr"] = 0.01
        if i == 10:
            eager[0].eval()
            compiled[0].eval()
        le, lc = mlp_step(*eager, x, y), step(*compiled, x, y)
        assert np.array_equal(le._data, lc._data)
        assert_same(eager[0], compiled[0])


def test_past_the_cache_limit_calls_run_eagerly_and_say_so_once() -> None:
    eager, compiled = make_mlp(3, torch.float64, 2, 0.0, 0.0), make_mlp(3, torch.float64, 2, 0.0, 0.0)
    step = torch.compile(mlp_step)
    rng = np.random.default_rng(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, cache_size_limit + 4):
            x = torch.from_numpy(rng.standard_normal((n, 3)))
            y = torch.from_numpy(rng.standard_normal((n, 1)))
            le, lc = mlp_step(*eager, x, y), step(*compiled, x, y)
            assert np.array_equal(le._data, lc._data)
            assert_same(eager[0], compiled[0])
    assert len(step._cache) == cache_size_limit
    assert sum("cache_size_limit" in str(w.message) for w in caught) == 1


def test_a_failing_replayed_step_changes_no_parameter() -> None:
    ex = example1
    p = ex.make_pipeline("float64", seed=0)
    step = torch.compile(ex.train_step)
    for _ in range(3):
        step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    before = params(p.model)
    p.optimizer.param_groups[0]["lr"] = "0.1"  # the optimizer's own checks refuse it, before any write
    with pytest.raises(TypeError):
        step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    assert all(np.array_equal(a, b._data) for a, b in zip(before, p.model.parameters()))


def test_bad_input_gets_what_eager_gives_it() -> None:
    ex = example1
    p = ex.make_pipeline("float32", seed=0)
    step = torch.compile(ex.train_step)
    step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(4x2 and 1x1\)"):
        step(p.model, p.criterion, p.optimizer, torch.ones(4, 2), p.targets)
    nan = torch.tensor([[1.0], [float("nan")], [3.0], [4.0]])
    e = ex.make_pipeline("float32", seed=0)
    ex.train_step(e.model, e.criterion, e.optimizer, e.inputs, e.targets)
    le = ex.train_step(e.model, e.criterion, e.optimizer, nan, e.targets)
    lc = step(p.model, p.criterion, p.optimizer, nan, p.targets)
    assert np.isnan(lc.item()) and np.array_equal(le._data, lc._data, equal_nan=True)
    assert_same(e.model, p.model)


def random_inside(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> torch.Tensor:
    loss = (model(x + torch.randn(x.shape, dtype=x.dtype)) ** 2).mean()
    loss.backward()
    opt.step()
    opt.zero_grad()
    return loss


def like_inside(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> torch.Tensor:
    loss = (model(x + torch.tensor([[1.0, 2.0]])) ** 2).mean()  # tensor(data): not made again (data can change)
    loss.backward()
    opt.step()
    opt.zero_grad()
    return loss


@pytest.mark.parametrize("step", [random_inside, like_inside])
def test_a_random_draw_inside_is_never_baked_in(step: object) -> None:
    """A draw inside the step is drawn again at every replay; a tensor made by a factory that is not made again
    (``torch.tensor(data)``) runs the step eagerly, saying so."""
    results = []
    for compiled in (False, True):
        torch.manual_seed(5)
        model = nn.Linear(2, 1)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        fn = torch.compile(step) if compiled else step
        x = torch.ones(3, 2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results.append([fn(model, opt, x).item() for _ in range(6)])
        if compiled and step is random_inside:
            assert fn._last.program is not None and "torch.randn(" in fn.code
        elif compiled:
            assert any("made inside the function" in str(w.message) for w in caught)
    assert results[0] == results[1]
    assert step is like_inside or len(set(results[1])) == len(results[1])  # a new draw at every call


def test_hooks_and_observers_fall_back_to_eager() -> None:
    ex = example1
    eager, compiled = ex.make_pipeline("float64", seed=0), ex.make_pipeline("float64", seed=0)
    step = torch.compile(ex.train_step)
    args_e = (eager.model, eager.criterion, eager.optimizer, eager.inputs, eager.targets)
    args_c = (compiled.model, compiled.criterion, compiled.optimizer, compiled.inputs, compiled.targets)
    for _ in range(3):  # (replays past the first: the hook guards are checked again only once a hook is added)
        ex.train_step(*args_e)
        step(*args_c)
    seen = []
    for m in (eager.model, compiled.model):
        m.lin.weight.register_hook(lambda g: seen.append(1) or g * 0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ex.train_step(*args_e)
        step(*args_c)
        with torch.autograd.trace():
            ex.train_step(*args_e)
            step(*args_c)
    assert len(seen) == 4  # the hook ran in both engines, twice
    assert_same(eager.model, compiled.model)
    assert any("hook" in str(w.message) for w in caught)
    assert any("trace" in str(w.message) for w in caught)


def test_replay_adds_no_memory_and_the_buffers_go_with_the_compiled_object() -> None:
    p = example3.make_pipeline("float32", seed=0)
    step = torch.compile(example3.train_step)
    args = (p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    for _ in range(50):
        step(*args)
    tracemalloc.start()
    step(*args)
    first = tracemalloc.get_traced_memory()[0]
    for _ in range(3000):
        step(*args)
    grown = tracemalloc.get_traced_memory()[0] - first
    tracemalloc.stop()
    assert grown < 4096, grown
    program = weakref.ref(step._last.program)
    del step
    gc.collect()
    assert program() is None


def test_code_names_every_torch_node() -> None:
    p = example1.make_pipeline("float32", seed=0)
    step = torch.compile(example1.train_step)
    assert step.code == ""
    step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    code = step.code
    for piece in ("# TBackward0", "# AddmmBackward0", "# MseLossBackward0", "AccumulateGrad(model.lin.weight)",
                  "AccumulateGrad(model.lin.bias)", "# SGD", "optimizer.zero_grad", "# sum_to (1,)",
                  "assign_sub(model_lin_weight, "):
        assert piece in code, piece
    compile(code, "<compiled step>", "exec")  # straight-line Python: it parses
    p.optimizer.param_groups[0]["momentum"] = 0.9  # not a plain SGD any more: its own update(grads) runs
    step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    assert "optimizer.update([[" in step.code and "assign_sub(" not in step.code


def test_a_compiled_module_replays_inference_and_keeps_the_module_surface() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    cmodel = torch.compile(model)
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32))
    with torch.no_grad():
        for _ in range(3):
            assert np.array_equal(model(x)._data, cmodel(x)._data)
    assert cmodel._compiled_forward._last.program is not None
    assert [k.removeprefix("_orig_mod.") for k in cmodel.state_dict()] == list(model.state_dict())
    assert len(list(cmodel.parameters())) == 4
    out = cmodel(x)  # grad mode on: a capture of its own, with the backward (tests/test_compile_module.py)
    out.sum().backward()
    assert model[0].weight.grad is not None
    cmodel.eval()
    assert not model.training


def test_the_docs_compiled_section_is_current() -> None:
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("make_docs_figures", root / "scripts" / "make_docs_figures.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    doc = (root / "docs" / "how-backward-works.md").read_text()
    fresh = script.all_texts(only=lambda prefix: prefix == "compiled_")
    assert script.fill(doc, fresh)[0] == doc, "run scripts/make_docs_figures.py: the compiled program changed"


# ---------------------------------------------------------------------------------------------- curriculum models
def _step_zero_first(model: nn.Module, loss_fn: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor,
                     y: torch.Tensor) -> torch.Tensor:
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss


class _Recurrent(nn.Module):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.emb = nn.Embedding(10, 6)
        self.rnn = getattr(nn, kind)(6, 5, batch_first=True)
        self.fc = nn.Linear(5, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.rnn(self.emb(x))[0]
        return self.fc(out[:, -1])


def _images() -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(0)
    return (torch.from_numpy(rng.standard_normal((4, 1, 12, 12)).astype(np.float32)),
            torch.from_numpy(rng.integers(0, 3, 4)))


def _rows() -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(1)
    return torch.from_numpy(rng.standard_normal((8, 4))), torch.from_numpy(rng.integers(0, 3, 8))


def _tokens() -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(2)
    return torch.from_numpy(rng.integers(0, 10, (3, 5))), torch.from_numpy(rng.integers(0, 2, 3))


# name -> (model, loss, optimizer builder, data, replayed?). Models that cannot replay yet run eagerly and say why
# (every one replays now: the LSTM's in-place bias add and the dropout mask are recorded, see test_recomputed_...)
CURRICULUM = {
    "mlp_gelu_cross_entropy_adam": (lambda: nn.Sequential(nn.Linear(4, 8, dtype=torch.float64), nn.GELU(),
                                                          nn.Linear(8, 3, dtype=torch.float64)),
                                    nn.CrossEntropyLoss, lambda p: torch.optim.Adam(p, lr=1e-2), _rows, True),
    "mlp_layernorm_rmsprop": (lambda: nn.Sequential(nn.Linear(4, 8, dtype=torch.float64), nn.LeakyReLU(0.1),
                                                    nn.LayerNorm(8, dtype=torch.float64),
                                                    nn.Linear(8, 3, dtype=torch.float64)),
                              nn.CrossEntropyLoss, lambda p: torch.optim.RMSprop(p, lr=1e-2, momentum=0.9), _rows,
                              True),
    "cnn_batchnorm_sgd": (lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                                                nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 36, 3)),
                          nn.CrossEntropyLoss, lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), _images, True),
    "lstm_adagrad": (lambda: _Recurrent("LSTM"), nn.CrossEntropyLoss, lambda p: torch.optim.Adagrad(p, lr=0.1),
                     _tokens, True),
    "mlp_dropout": (lambda: nn.Sequential(nn.Linear(4, 8, dtype=torch.float64), nn.ReLU(), nn.Dropout(0.2),
                                          nn.Linear(8, 3, dtype=torch.float64)),
                    nn.CrossEntropyLoss, lambda p: torch.optim.SGD(p, lr=0.1), _rows, True),
}


def curriculum_batches(data: Callable[[], tuple[torch.Tensor, torch.Tensor]],
                       steps: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``steps`` batches of the same shapes, each a new pair of tensors with other rows (a DataLoader's)."""
    x0, y0 = data()
    return [(torch.from_numpy(np.roll(x0._data, i, axis=0).copy()), torch.from_numpy(np.roll(y0._data, 2 * i).copy()))
            for i in range(steps)]


@pytest.mark.parametrize("name", sorted(CURRICULUM))
def test_curriculum_models_compiled_equal_eager(name: str) -> None:
    """50 steps, a new batch at each (class targets and embedding indices reach their ops as arrays: a replay
    reads each call's, never the first call's)."""
    build, loss_cls, opt_cls, data, replays = CURRICULUM[name]
    batches = curriculum_batches(data, 50)
    runs = []
    for compiled in (False, True):
        torch.manual_seed(0)
        model = build()
        opt = opt_cls(model.parameters())
        step = torch.compile(_step_zero_first) if compiled else _step_zero_first
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            loss_fn = loss_cls()  # (one criterion: a new one per call would be a new guard set every call)
            losses = [step(model, loss_fn, opt, x, y)._data.copy() for x, y in batches]
        runs.append((losses, {k: v._data.copy() for k, v in model.state_dict().items()}, step))
    (eager_losses, eager_state, _), (comp_losses, comp_state, step) = runs
    assert all(np.array_equal(a, b) for a, b in zip(eager_losses, comp_losses))
    assert all(np.array_equal(eager_state[k], comp_state[k]) for k in eager_state)  # running stats, counts too
    entry = step._last
    if replays:  # one capture, replayed by every later call
        assert entry.program is not None and len(step._cache) == 1, entry.reason
    else:  # not replayable yet: it ran eagerly and says why
        assert entry.program is None and entry.reason


@pytest.mark.parametrize("kwargs", [{"weight": [1.0, 2.0, 0.5]}, {"ignore_index": 1},
                                    {"weight": [1.0, 2.0, 0.5], "ignore_index": 2}, {"label_smoothing": 0.1}])
def test_cross_entropy_options_with_new_targets_equal_eager(kwargs: dict) -> None:
    """Class weights and ignored targets are computed from the targets' values: a replay must not keep the first
    call's (label smoothing's mean divides by a count of kept targets, made outside the graph: it runs eagerly)."""
    kw = {k: torch.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
    rng = np.random.default_rng(3)
    batches = [(torch.from_numpy(rng.standard_normal((6, 4)).astype(np.float32)),
                torch.from_numpy(rng.integers(0, 3, 6))) for _ in range(8)]
    runs = []
    for compiled in (False, True):
        torch.manual_seed(1)
        model = nn.Linear(4, 3)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_fn = nn.CrossEntropyLoss(**kw)
        step = torch.compile(kernel_step) if compiled else kernel_step
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            runs.append(([step(model, loss_fn, opt, x, y)._data.copy() for x, y in batches], params(model), step))
    (le, pe, _), (lc, pc, step) = runs
    assert all(np.array_equal(a, b) for a, b in zip(le, lc)) and all(np.array_equal(a, b) for a, b in zip(pe, pc))
    assert (step._last.program is None) == ("label_smoothing" in kwargs), step._last.reason
    assert len(step._cache) == 1  # one capture, replayed (or run eagerly) by every later call


# ---------------------------------------------------------------------------------------------- replay kernels
def kernel_step(model: nn.Module, loss_fn: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor,
                y: torch.Tensor) -> torch.Tensor:
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    opt.zero_grad()
    return loss


@given(seed=st.integers(0, 2**32 - 1), dtype=st.sampled_from([torch.float32, torch.float64]),
       n=st.integers(1, 7), d=st.integers(1, 4), m=st.integers(1, 3), loss=st.sampled_from(["mse", "bce"]),
       reduction=st.sampled_from(["mean", "sum"]), scale=st.sampled_from([1.0, 1e3]))
def test_the_replay_kernels_equal_the_ops_bit_for_bit(seed: int, dtype: torch.dtype, n: int, d: int, m: int,
                                                      loss: str, reduction: str, scale: float) -> None:
    """Linear (Addmm, T), Sigmoid, MSE and the written-out SGD replay through compiler/kernels.py; with scale 1e3
    some inputs fall below sigmoid's overflow floor (its other branch)."""
    rng = np.random.default_rng(seed)
    x = torch.from_numpy((rng.standard_normal((n, d)) * scale).astype(dtype.np))
    y = torch.from_numpy(rng.uniform(0, 1, (n, m)).astype(dtype.np))

    def make() -> tuple:
        torch.manual_seed(seed % 1000)
        model = nn.Sequential(nn.Linear(d, m, dtype=dtype), nn.Sigmoid())
        criterion = nn.MSELoss(reduction=reduction) if loss == "mse" else nn.BCELoss(reduction=reduction)
        return model, criterion, torch.optim.SGD(model.parameters(), lr=0.1)

    eager, compiled = make(), make()
    step = torch.compile(kernel_step)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (eager warns for none of these inputs: neither may the replay)
        for _ in range(6):
            le, lc = kernel_step(*eager, x, y), step(*compiled, x, y)
            assert np.array_equal(le._data, lc._data, equal_nan=True)
            assert_same(eager[0], compiled[0])
    assert step._last.program is not None, step._last.reason
    assert "assign_sub(" in step.code and "update(" not in step.code  # the written-out SGD ran
    assert (loss == "bce") == ("make_extobj(over='ignore', divide='ignore')" in step.code)  # (sigmoid and BCE paired)


@pytest.mark.parametrize("direct", [True, False])
def test_sigmoid_then_bce_at_the_extremes_equal_eager_without_warnings(direct: bool,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The paired sigmoid + BCE kernels at the inputs where e^−x overflows (σ = 0, and the denormals just above),
    where σ rounds to exactly 1 (ln 0 clamped to −100 on both sides), in both dtypes: eager's bits, no warning;
    with NumPy's errstate entered directly (its context variable) and as ``with np.errstate`` (NumPy 1.x's way)."""
    from minigrad.compiler import kernels

    if not direct:
        monkeypatch.setattr(kernels, "_ERRSTATE", None)
    for dtype in (torch.float32, torch.float64):
        x = torch.tensor([[-1000.0], [-709.8], [-709.78], [-100.0], [-88.7228], [-88.721], [-88.72], [0.0], [20.0],
                          [40.0], [1000.0]], dtype=dtype)
        y = torch.tensor([[0.0], [1.0], [0.5], [1.0], [0.0], [1.0], [0.25], [1.0], [0.0], [1.0], [0.0]], dtype=dtype)

        def make(dtype: torch.dtype = dtype) -> tuple:
            model = nn.Sequential(nn.Linear(1, 1, dtype=dtype), nn.Sigmoid())
            with torch.no_grad():
                model[0].weight.fill_(1.0)
                model[0].bias.fill_(0.0)
            return model, nn.BCELoss(), torch.optim.SGD(model.parameters(), lr=1e-4)

        eager, compiled = make(), make()
        step = torch.compile(kernel_step)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in range(4):
                assert np.array_equal(kernel_step(*eager, x, y)._data, step(*compiled, x, y)._data)
                assert_same(eager[0], compiled[0])
        assert step._last.program is not None
        assert ("errstate_var.set(make_extobj(over='ignore', divide='ignore'))" in step.code) == direct
        assert ("with errstate(over='ignore', divide='ignore')" in step.code) == (not direct)


def forward_and_loss(model: nn.Module, loss_fn: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor,
                     y: torch.Tensor) -> tuple:
    out = model(x)
    loss = loss_fn(out, y)
    loss.backward()
    opt.step()
    opt.zero_grad()
    return loss, out.detach(), out.detach().t()


def test_a_returned_tensor_is_never_a_reused_buffer() -> None:
    model, loss_fn, opt = make_mlp(4, torch.float32, 3, 0.0, 0.0)
    step = torch.compile(forward_and_loss)
    x = torch.ones(5, 3)
    y = torch.zeros(5, 1)
    kept = [step(model, loss_fn, opt, x, y) for _ in range(4)]
    copies = [tuple(t._data.copy() for t in k) for k in kept]
    for _ in range(3):
        step(model, loss_fn, opt, x, y)
    for k, c in zip(kept, copies):  # what earlier calls returned is unchanged by later replays
        assert all(np.array_equal(t._data, a) for t, a in zip(k, c))
    assert not np.array_equal(copies[0][1], copies[3][1])  # (and the model did train)


def lockstep(ex: Any, dtype: str, seed: int, steps: int, change: Callable[[int, Any], None]) -> tuple[Any, Any]:
    """``steps`` calls of the seed's train_step, eager and compiled, on two identical pipelines; ``change(i, p)``
    runs on each before call ``i``. Every loss and parameter must be equal; returns the compiled step and its
    pipeline."""
    eager, compiled = ex.make_pipeline(dtype, seed=seed), ex.make_pipeline(dtype, seed=seed)
    step = torch.compile(ex.train_step)
    for i in range(steps):
        for p in (eager, compiled):
            change(i, p)
        le = ex.train_step(eager.model, eager.criterion, eager.optimizer, eager.inputs, eager.targets)
        lc = step(compiled.model, compiled.criterion, compiled.optimizer, compiled.inputs, compiled.targets)
        assert np.array_equal(le._data, lc._data)
        assert_same(eager.model, compiled.model)
    return step, compiled


def test_rebinding_a_module_attribute_between_steps_is_seen() -> None:
    def change(i: int, p: Any) -> None:
        if i == 3:
            p.criterion.reduction = "sum"
        if i == 6:  # a new layer: the program read the old one's parameters
            torch.manual_seed(9)
            p.model.lin = nn.Linear(1, 1, dtype=torch.float64)
            p.optimizer.param_groups[0]["params"] = list(p.model.parameters())
        if i == 9:
            p.optimizer.param_groups[0]["momentum"] = 0.5  # (no longer plain SGD)

    step, _ = lockstep(example1, "float64", 1, 12, change)
    assert "optimizer.update([[" in step.code


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_a_replay_holds_a_vector_less_than_an_eager_step_allocates(loss: str) -> None:
    """tracemalloc (NumPy's allocations): the buffers a program keeps, plus what one replay allocates, against what
    one eager step allocates at its peak. MSE squares d = x − t into x's buffer (its backward reads d, not the x its
    ctx saved): two n-vectors against eager's three; BCE tests its target in the buffer ln x then takes: four
    against five."""
    n = 100_000
    x, y = torch.randn(n, 10), torch.rand(n, 1)
    totals = []
    for compiled in (False, True):
        torch.manual_seed(0)
        model = nn.Linear(10, 1) if loss == "mse" else nn.Sequential(nn.Linear(10, 1), nn.Sigmoid())
        criterion = nn.MSELoss() if loss == "mse" else nn.BCELoss()
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        step = torch.compile(kernel_step) if compiled else kernel_step
        for _ in range(3):
            step(model, criterion, opt, x, y)
        tracemalloc.start()
        step(model, criterion, opt, x, y)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        held = 0
        if compiled:
            assert step._last.program is not None, step._last.reason
            held = sum(v.nbytes for k, v in step._replay.__globals__.items() if k.startswith("buf"))
        totals.append(peak + held)
    eager, replay = totals
    assert replay <= eager - n * 4, (replay, eager)


def test_changing_an_optimizers_lists_between_steps_is_seen() -> None:
    """``param_groups`` and each group's ``params`` are watched lists (writes move ``OPTIMIZER_EPOCH``, so the guards
    skip them until then): removing, adding, replacing and reordering parameters, and a new group, are all seen."""
    def change(i: int, p: Any) -> None:
        groups, (weight, bias) = p.optimizer.param_groups, (p.model.lin.weight, p.model.lin.bias)
        if i == 3:
            groups[0]["params"].pop()  # the bias is no longer updated
        elif i == 5:
            groups[0]["params"].append(bias)
        elif i == 7:
            groups[0]["params"].remove(bias)
            p.optimizer.add_param_group({"params": [bias], "lr": 0.5})  # the bias in a group of its own
        elif i == 9:
            groups[1]["params"][0] = weight  # (a group holding the weight twice over: the optimizer allows it)
            groups[0]["params"].clear()
        elif i == 11:
            del groups[1]
            groups[0]["params"] += [bias, weight]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        step, _ = lockstep(example1, "float64", 1, 14, change)
    assert len(step._cache) >= 4
    # (a bias outside the optimizer keeps its .grad across steps: those steps run eagerly, as they must)
    assert all(".grad was set outside the step" in str(w.message) for w in caught)


def step_with_scheduler(model: nn.Module, loss_fn: nn.Module, opt: torch.optim.Optimizer, sched: object,
                        x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    opt.zero_grad()
    sched.step()  # changes lr: Python state a program does not repeat
    return loss


def test_a_scheduler_step_inside_the_function_is_not_baked_in() -> None:
    def make() -> tuple:
        model, loss_fn, opt = make_mlp(6, torch.float64, 3, 0.0, 0.0)
        return model, loss_fn, opt, torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    eager, compiled = make(), make()
    step = torch.compile(step_with_scheduler)
    x, y = torch.ones(4, 3, dtype=torch.float64), torch.zeros(4, 1, dtype=torch.float64)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(7):
            le, lc = step_with_scheduler(*eager, x, y), step(*compiled, x, y)
            assert np.array_equal(le._data, lc._data)
            assert_same(eager[0], compiled[0])
            assert eager[2].param_groups[0]["lr"] == compiled[2].param_groups[0]["lr"]
    assert any("scheduler" in str(w.message) for w in caught)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_a_learning_rate_set_between_steps_is_read_at_the_next_replay(dtype: torch.dtype) -> None:
    """The written-out SGD keeps the learning rate as a 0-d array, converted again when ``group['lr']`` is another
    object: a new float, an int, an equal float (another object), then the first value again."""
    rates = {3: 0.05, 5: 1, 7: float("0.05"), 9: 0.1, 11: 0.0}

    def change(i: int, p: Any) -> None:
        if i in rates:
            p.optimizer.param_groups[0]["lr"] = rates[i]

    step, compiled = lockstep(example3, str(dtype.np), 2, 14, change)
    assert len(step._cache) == 1 and "lr0_" in step.code  # one capture, lr read live
    before = params(compiled.model)
    step(compiled.model, compiled.criterion, compiled.optimizer, compiled.inputs, compiled.targets)
    assert all(np.array_equal(a, b._data) for a, b in zip(before, compiled.model.parameters()))  # lr = 0: no change


class _Gated(nn.Module):
    """σ(a(x)) · σ(b(x)): two kernel outputs (sigmoids, in reused buffers) that an op without a kernel (Mul) saves
    for its backward, beside an MSE whose scratch has their shape."""

    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(3, 4), nn.Linear(3, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.a(x)) * torch.sigmoid(self.b(x))


def test_a_buffer_is_not_reused_while_a_saved_value_lives_in_it() -> None:
    """Buffer lifetimes include what each op's ctx saved (``Recorder.held_slots``): were they to end at the last
    forward read, the MSE's scratch would take a sigmoid's buffer before Mul's backward reads it."""
    def make() -> tuple:
        torch.manual_seed(4)
        model = _Gated()
        return model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.5)

    eager, compiled = make(), make()
    step = torch.compile(kernel_step)
    x, y = torch.randn(6, 3), torch.rand(6, 4)
    for _ in range(5):
        assert np.array_equal(kernel_step(*eager, x, y)._data, step(*compiled, x, y)._data)
        assert_same(eager[0], compiled[0])
    assert step._last.program is not None and "MulBackward0" in step.code and "out=buf" in step.code


class _InPlace(nn.Module):
    """Recorded in-place ops (their result written into the tensor's memory) and an in-place dropout."""

    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(3, 6), nn.Linear(6, 2)
        self.shift = nn.Parameter(torch.zeros(6))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.a(x)
        h.mul_(2.0)
        h.add_(self.shift)
        h = torch.nn.functional.dropout(h, 0.3, training=True, inplace=True)
        return self.b(torch.tanh(h))


def test_recomputed_tensors_and_in_place_ops_replay_as_eager() -> None:
    """A dropout mask is drawn again at every replay from the default generator (so a manual_seed between steps
    gives eager's masks); an in-place op's result is written into its tensor's memory, as eagerly."""
    def make() -> tuple:
        torch.manual_seed(8)
        model = _InPlace()
        return model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.0)  # lr 0: only the masks change

    eager, compiled = make(), make()
    step = torch.compile(kernel_step)
    x, y = torch.randn(5, 3), torch.randn(5, 2)
    losses = []
    for i in range(8):
        if i == 5:
            torch.manual_seed(123)
        state = torch.random.get_rng_state()
        le = kernel_step(*eager, x, y)
        torch.random.set_rng_state(state)
        lc = step(*compiled, x, y)
        assert np.array_equal(le._data, lc._data)
        assert_same(eager[0], compiled[0])
        losses.append(float(lc))
    assert len(set(losses)) == len(losses)  # the parameters stay: a new mask at every step
    assert step._last.program is not None, step._last.reason
    code = step.code
    assert "dropout_noise(" in code and "[...] = v" in code and "MulBackward0 in place" in code


@pytest.mark.parametrize("change", ["new list", "update", "setdefault", "del+set"])
def test_an_optimizer_param_group_changed_between_steps_is_seen(change: str) -> None:
    """A new ``param_groups`` list, or a group written through any dict method: the replay sees it (the plain-SGD
    guards are re-checked when ``OPTIMIZER_EPOCH`` moved, and the list is guarded by identity)."""
    def edit(i: int, p: Any) -> None:
        if i != 3:
            return
        groups = p.optimizer.param_groups
        if change == "new list":
            p.optimizer.param_groups = [dict(groups[0], lr=0.05)]
        elif change == "update":
            groups[0].update(momentum=0.5)
        elif change == "setdefault":
            groups[0].pop("maximize")
            groups[0].setdefault("maximize", True)
        else:
            del groups[0]["weight_decay"]
            groups[0]["weight_decay"] = 0.1

    lockstep(example1, "float64", 1, 8, edit)


def step_making_tensors(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor,
                        y: torch.Tensor) -> torch.Tensor:
    noise = 0.1 * torch.randn(x.shape[0], x.shape[1])  # input noise, drawn anew at every call
    weights = torch.arange(1, x.shape[0] + 1, dtype=torch.float32) / x.shape[0]
    offset = torch.zeros(1) + torch.full((1,), 0.5) + torch.ones_like(y) * torch.full_like(y, 0.25)
    loss = (weights * ((model(x + noise) - y + offset) ** 2).sum(dim=1)).mean()
    loss.backward()
    opt.step()
    opt.zero_grad()
    return loss


def test_tensors_made_by_factories_inside_the_step_are_made_again_at_each_replay() -> None:
    """``randn``, ``arange``, ``zeros``, ``full``, ``ones_like``, ``full_like`` inside a step: a replay calls them
    again (the random ones from the same generator, so a manual_seed between calls gives eager's draws)."""
    results = []
    for compiled in (False, True):
        torch.manual_seed(6)
        model = nn.Linear(3, 2)
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        fn = torch.compile(step_making_tensors) if compiled else step_making_tensors
        x, y = torch.ones(5, 3), torch.zeros(5, 2)
        losses = []
        for i in range(10):
            if i == 6:
                torch.manual_seed(60)
            losses.append(fn(model, opt, x, y)._data.copy())
        results.append((losses, params(model)))
        if compiled:
            assert fn._last.program is not None, fn._last.reason
            assert "torch.randn(5, 3)" in fn.code and "torch.arange(" in fn.code and "torch.full((5, 2), 1" in fn.code
    (le, pe), (lc, pc) = results
    assert all(np.array_equal(a, b) for a, b in zip(le, lc)) and all(np.array_equal(a, b) for a, b in zip(pe, pc))
    assert len({float(v) for v in lc}) == len(lc)


def test_bce_domain_errors_are_eagers_and_change_nothing() -> None:
    ex = example3
    p = ex.make_pipeline("float32", seed=0)
    step = torch.compile(ex.train_step)
    settings = np.geterr()
    for _ in range(3):
        step(p.model, p.criterion, p.optimizer, p.inputs, p.targets)
    assert np.geterr() == settings
    before = params(p.model)
    bad_x = p.inputs.clone()
    bad_x[0, 0] = float("nan")
    bad_t = p.targets.clone()
    bad_t[1, 0] = 2.0
    for x, t, message in ((bad_x, p.targets, "input"), (p.inputs, bad_t, "target"), (bad_x, bad_t, "input")):
        e = ex.make_pipeline("float32", seed=0)
        with pytest.raises(RuntimeError, match=f"all elements of {message} should be between 0 and 1"):
            ex.train_step(e.model, e.criterion, e.optimizer, x, t)
        with pytest.raises(RuntimeError, match=f"all elements of {message} should be between 0 and 1"):
            step(p.model, p.criterion, p.optimizer, x, t)
        assert all(np.array_equal(a, b._data) for a, b in zip(before, p.model.parameters()))
        assert np.geterr() == settings  # (the replay's errstate block was left as it was entered)
    assert len(step._cache) == 1  # the same shapes: the replay itself raised, as the eager step does
