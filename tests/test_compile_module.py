"""minigrad.compile(module) in a training loop: the forward replays and ``loss.backward()`` runs its recorded
backward (a ``CompiledFunctionBackward`` node, torch's AOTAutograd), bit for bit as the eager module.

Every expected value comes from the eager engine running the same loop on an identical copy of the model.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable

import numpy as np
import pytest

import minigrad as torch
import minigrad.nn as nn
from minigrad.autograd.function import FREED
from minigrad.examples import example1, example2, example3
from tests.test_compile import CURRICULUM, curriculum_batches

EXAMPLES = {"example1": example1, "example2": example2, "example3": example3}


def make_mlp(dtype: torch.dtype, seed: int = 0, hidden: int = 8) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, hidden, dtype=dtype), nn.ReLU(), nn.Linear(hidden, hidden, dtype=dtype),
                         nn.Tanh(), nn.Linear(hidden, 1, dtype=dtype))


def batches(dtype: torch.dtype, n: int, batch: int = 16, seed: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    rng = np.random.default_rng(seed)
    np_dtype = np.float32 if dtype == torch.float32 else np.float64
    return [(torch.from_numpy(rng.standard_normal((batch, 3)).astype(np_dtype)),
             torch.from_numpy(rng.standard_normal((batch, 1)).astype(np_dtype))) for _ in range(n)]


def same(a: torch.Tensor | None, b: torch.Tensor | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a._data.dtype == b._data.dtype and np.array_equal(a._data, b._data)


def assert_same_model(a: nn.Module, b: nn.Module, grads: bool = True) -> None:
    for (name, x), y in zip(a.named_parameters(), b.parameters()):
        assert same(x, y), f"{name} differs"
        if grads:
            assert same(x.grad, y.grad), f"{name}.grad differs"


def replays(cmodel: nn.Module) -> bool:
    """The latest call of the compiled module replayed a forward with a recorded backward."""
    entry = cmodel._compiled_forward._last
    return entry is not None and entry.program is not None and entry.program.deferred is not None


def run_loop(step: Callable[[nn.Module, torch.optim.Optimizer, torch.Tensor, torch.Tensor], torch.Tensor],
             eager: nn.Module, model: nn.Module, data: list[tuple[torch.Tensor, torch.Tensor]]) -> nn.Module:
    """The same loop on ``eager`` and on ``torch.compile(model)``; every loss, parameter and .grad compared."""
    cmodel = torch.compile(model)
    opt_e, opt_c = torch.optim.SGD(eager.parameters(), lr=0.05), torch.optim.SGD(cmodel.parameters(), lr=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no call falls back to eager
        for x, y in data:
            le, lc = step(eager, opt_e, x, y), step(cmodel, opt_c, x, y)
            assert same(le, lc)
            assert_same_model(eager, model)
            opt_e.step()
            opt_c.step()
            assert_same_model(eager, model)
    assert replays(cmodel)
    return cmodel


def tutorial_step(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    return loss


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_tutorial_loop_with_a_compiled_mlp_equals_eager(dtype: torch.dtype) -> None:
    cmodel = run_loop(tutorial_step, make_mlp(dtype), make_mlp(dtype), batches(dtype, 25))
    out = cmodel(batches(dtype, 1)[0][0])
    assert type(out.grad_fn).__name__ == "CompiledFunctionBackward" == out.grad_fn.name()  # torch 2.13's
    assert "autograd.function.CompiledFunctionBackward object at" in repr(out.grad_fn)
    accs = [fn for fn, _ in out.grad_fn.next_functions if fn is not None]
    assert [a.variable for a in accs] == list(cmodel.parameters())  # each parameter's AccumulateGrad


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_seed_examples_with_a_compiled_model_equal_eager(name: str, dtype: str) -> None:
    ex = EXAMPLES[name]
    eager, compiled = ex.make_pipeline(dtype, seed=3), ex.make_pipeline(dtype, seed=3)
    cmodel = torch.compile(compiled.model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(25):  # the examples' own train_step, given the compiled model
            le = ex.train_step(eager.model, eager.criterion, eager.optimizer, eager.inputs, eager.targets)
            lc = ex.train_step(cmodel, compiled.criterion, compiled.optimizer, compiled.inputs, compiled.targets)
            assert same(le, lc)
            assert_same_model(eager.model, compiled.model)
    assert replays(cmodel)
    built = ex.build_model(eager.inputs.shape[1], dtype)
    assert isinstance(torch.compile(built)._orig_mod, type(built))


def test_a_second_backward_raises_eagers_error_and_retain_graph_works_twice() -> None:
    eager, model = make_mlp(torch.float32), make_mlp(torch.float32)
    cmodel = torch.compile(model)
    (x, y), = batches(torch.float32, 1)
    cmodel(x)  # the capture
    errors = []
    for m in (eager, cmodel):
        loss = nn.functional.mse_loss(m(x), y)
        loss.backward(retain_graph=True)
        loss.backward(retain_graph=True)
        loss.backward()
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time") as info:
            loss.backward()
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    assert_same_model(eager, model)  # three backwards accumulated, as eager's
    out = cmodel(x)
    node = out.grad_fn
    out.sum().backward()
    assert node._saved is FREED  # this call's saved values are released, as eager's


def test_a_second_backward_through_the_output_alone_raises_too() -> None:
    cmodel = torch.compile(make_mlp(torch.float64))
    (x, _), = batches(torch.float64, 1)
    cmodel(x)
    out = cmodel(x)
    out.backward(torch.ones_like(out))
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        out.backward(torch.ones_like(out))


def test_two_forward_calls_then_one_backward_and_gradient_accumulation() -> None:
    def two_calls(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        opt.zero_grad()
        a, b = model(x), model(x * 0.5)  # two forwards alive before one backward
        loss = nn.functional.mse_loss(a, y) + nn.functional.mse_loss(b, y)
        loss.backward()
        return loss

    run_loop(two_calls, make_mlp(torch.float32), make_mlp(torch.float32), batches(torch.float32, 20))

    def accumulate(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        opt.zero_grad()
        losses = [nn.functional.mse_loss(model(x[i::3]), y[i::3]) for i in range(3)]  # all three alive
        for loss in reversed(losses):
            loss.backward()  # .grad += each micro-batch's gradient
        return losses[0]

    run_loop(accumulate, make_mlp(torch.float64), make_mlp(torch.float64), batches(torch.float64, 20, batch=18))


def test_an_input_that_requires_grad_gets_its_grad() -> None:
    eager, model = make_mlp(torch.float64), make_mlp(torch.float64)
    cmodel = torch.compile(model)
    for i, (x, y) in enumerate(batches(torch.float64, 22)):
        leaves = [x.clone().requires_grad_(), x.clone().requires_grad_()]
        for m, leaf in zip((eager, cmodel), leaves):
            inp = leaf * 2.0 if i % 2 else leaf  # a leaf, or a tensor of a graph built outside the module
            nn.functional.mse_loss(m(inp), y).backward()
        assert same(leaves[0].grad, leaves[1].grad) and leaves[1].grad is not None
        assert_same_model(eager, model)
    assert replays(cmodel)
    leaf = batches(torch.float64, 1)[0][0].requires_grad_()
    assert any(fn is leaf._acc for fn, _ in cmodel(leaf).grad_fn.next_functions)


def test_under_no_grad_the_forward_replays_with_no_node() -> None:
    eager, model = make_mlp(torch.float32), make_mlp(torch.float32)
    cmodel = torch.compile(model)
    (x, y), = batches(torch.float32, 1)
    for _ in range(3):
        with torch.no_grad():
            out = cmodel(x)
        assert out.grad_fn is None and not out.requires_grad
        assert same(out, eager(x).detach())
    assert cmodel._compiled_forward._last.program.deferred is None
    nn.functional.mse_loss(cmodel(x), y).backward()  # grad mode on: another capture, with its backward
    nn.functional.mse_loss(cmodel(x), y).backward()
    assert replays(cmodel)


def test_train_eval_flips_and_rebound_parameters_are_seen() -> None:
    def make(seed: int) -> nn.Module:
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(3, 6, dtype=torch.float64), nn.BatchNorm1d(6, dtype=torch.float64),
                             nn.ReLU(), nn.Linear(6, 1, dtype=torch.float64))

    eager, model = make(1), make(1)
    cmodel = torch.compile(model)
    opt_e, opt_c = torch.optim.SGD(eager.parameters(), lr=0.1), torch.optim.SGD(model.parameters(), lr=0.1)
    for i, (x, y) in enumerate(batches(torch.float64, 30)):
        if i == 10:
            for m in (eager, cmodel):
                m.eval()
        if i == 20:
            for m in (eager, cmodel):
                m.train()
        if i == 15:  # rebind a parameter (a new tensor) in both
            for m in (eager, model):
                m[3].weight = nn.Parameter(torch.full((1, 6), 0.25, dtype=torch.float64))
            opt_e, opt_c = torch.optim.SGD(eager.parameters(), lr=0.1), torch.optim.SGD(model.parameters(), lr=0.1)
        for m, opt in ((eager, opt_e), (cmodel, opt_c)):
            opt.zero_grad()
            nn.functional.mse_loss(m(x), y).backward()
            opt.step()
        assert_same_model(eager, model)
        for a, b in zip(eager.buffers(), model.buffers()):
            assert same(a, b)
    assert model.training and cmodel.training


def test_parameter_hooks_run_and_hooks_or_observers_in_the_forward_fall_back() -> None:
    eager, model = make_mlp(torch.float64), make_mlp(torch.float64)
    cmodel = torch.compile(model)
    seen: list[int] = []
    for m in (eager, model):
        m[0].weight.register_hook(lambda g: seen.append(1) or g * 0.5)  # a hook on a parameter: the engine's
    for x, y in batches(torch.float64, 4):
        for m in (eager, cmodel):
            nn.functional.mse_loss(m(x), y).backward()
        assert_same_model(eager, model)
    assert len(seen) == 8 and replays(cmodel)
    (x, y), = batches(torch.float64, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.autograd.trace() as tr:
            nn.functional.mse_loss(cmodel(x), y).backward()
            nn.functional.mse_loss(eager(x), y).backward()
    assert any("trace" in str(w.message) for w in caught)
    assert [r.name for r in tr.records][: len(tr.records) // 2] == [r.name for r in tr.records][len(tr.records) // 2:]
    assert_same_model(eager, model)

    class Hooked(nn.Module):  # a hook registered inside the forward: its Python runs in backward
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(3, 1, dtype=torch.float64)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.lin(x)
            h.register_hook(lambda g: g * 2.0)
            return h.tanh()

    torch.manual_seed(0)
    hooked = Hooked()
    chooked = torch.compile(hooked)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            chooked(x).sum().backward()
    assert any("hook" in str(w.message) for w in caught)
    torch.manual_seed(0)
    plain = Hooked()
    for _ in range(2):
        plain(x).sum().backward()
    assert same(hooked.lin.weight.grad, plain.lin.weight.grad)


def test_a_tuple_output_runs_eagerly_and_says_why() -> None:
    class Two(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(3, 2)

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            h = self.lin(x)
            return h.tanh(), h.sigmoid()

    cmodel = torch.compile(Two())
    (x, _), = batches(torch.float32, 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            a, b = cmodel(x)
            (a.sum() + b.sum()).backward()
    assert any("one tensor" in str(w.message) for w in caught)
    assert cmodel.lin.weight.grad is not None


def test_code_and_explain_show_the_forward_then_its_backward() -> None:
    cmodel = torch.compile(make_mlp(torch.float32))
    (x, y), = batches(torch.float32, 1)
    nn.functional.mse_loss(cmodel(x), y).backward()
    code = cmodel.code
    assert code.index("def forward(args, kwargs):") < code.index("def backward(grad, saved):")
    forward, backward = code.split("def backward(grad, saved):")
    for node in ("AddmmBackward0", "ReluBackward0", "TanhBackward0", "TBackward0"):
        assert node in forward and node in backward
    assert "CompiledFunctionBackward" in forward
    for part in ("def forward", "def backward"):
        source = part + code.split(part)[1].split("\ndef ")[0]
        compile(source, "<code>", "exec")  # each function parses
    text = cmodel.explain(file=io.StringIO())
    assert "def backward(grad, saved):" in text


def test_an_in_place_write_before_the_backward_raises_eagers_error() -> None:
    def attempts(compiled: bool) -> list[str]:
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1), nn.Tanh())
        m = torch.compile(model) if compiled else model
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        (x, y), = batches(torch.float32, 1)
        m(x).sum().backward()  # (the capture)
        messages = []
        for write in ("step", "output", "input", "none"):
            inp = x.clone().requires_grad_()
            out = m(inp)
            with torch.no_grad():
                if write == "step":
                    opt.step()  # the parameters, saved (as views) by the forward
                elif write == "output":
                    out.mul_(2.0)  # Tanh saved its output
                elif write == "input":
                    inp.add_(1.0)
            try:
                nn.functional.mse_loss(out, y).backward()
                messages.append("no error")
            except RuntimeError as error:
                messages.append(str(error))
        return messages

    eager, compiled = attempts(False), attempts(True)
    assert eager == compiled
    assert sum("modified by an inplace operation" in m for m in eager) == 3


@pytest.mark.parametrize("name", sorted(CURRICULUM))
def test_curriculum_models_compiled_as_modules_equal_eager(name: str) -> None:
    build, loss_cls, opt_cls, data, replayed = CURRICULUM[name]
    x, y = data()
    runs = []
    for compiled in (False, True):
        torch.manual_seed(0)
        model = build()
        m = torch.compile(model) if compiled else model
        opt = opt_cls(m.parameters())
        losses = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(25):
                opt.zero_grad()
                loss = loss_cls()(m(x), y)
                loss.backward()
                opt.step()
                losses.append(loss._data.copy())
        runs.append((losses, {k: v._data.copy() for k, v in model.state_dict().items()}, m, caught))
    (eager_losses, eager_state, _, _), (comp_losses, comp_state, m, caught) = runs
    assert all(np.array_equal(a, b) for a, b in zip(eager_losses, comp_losses))
    assert all(np.array_equal(eager_state[k], comp_state[k]) for k in eager_state)  # running stats, counts too
    if replayed:  # (a dropout mask is drawn again at each replay, from the same generator: the same masks)
        assert replays(m) and not caught
    else:  # not replayable yet: it ran eagerly and said why
        assert m._compiled_forward._last.reason and caught


@pytest.mark.parametrize("name", sorted(CURRICULUM))
def test_curriculum_modules_on_new_batches_equal_eager(name: str) -> None:
    """Other inputs of the same shapes at every call (embedding indices reach their op as an array): the compiled
    forward reads each call's, never the first call's."""
    build, loss_cls, opt_cls, data, replayed = CURRICULUM[name]
    batches = curriculum_batches(data, 10)
    runs = []
    for compiled in (False, True):
        torch.manual_seed(0)
        model = build()
        m = torch.compile(model) if compiled else model
        opt, loss_fn = opt_cls(m.parameters()), loss_cls()
        losses = []
        for x, y in batches:
            opt.zero_grad()
            loss = loss_fn(m(x), y)
            loss.backward()
            opt.step()
            losses.append(loss._data.copy())
        runs.append((losses, {k: v._data.copy() for k, v in model.state_dict().items()}, m))
    (le, se, _), (lc, sc, m) = runs
    assert all(np.array_equal(a, b) for a, b in zip(le, lc))
    assert all(np.array_equal(se[k], sc[k]) for k in se)
    assert replays(m) == replayed and len(m._compiled_forward._cache) == 1


def test_a_compiled_module_prints_as_torchs_optimized_module() -> None:
    model = nn.Linear(3, 1)
    assert repr(torch.compile(model)) == (
        "OptimizedModule(\n  (_orig_mod): Linear(in_features=3, out_features=1, bias=True)\n)")  # torch 2.13's
