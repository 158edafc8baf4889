"""Fuzz every public name against torch: Tensor methods and properties, operators, indexing, the top-level
functions, nn (modules, functional, init, Module's methods), SGD and save/load. The rules are the harness's
(``fuzz.harness``); the differences kept on purpose are ``fuzz.known.KNOWN``."""

from __future__ import annotations

import inspect
import io
import operator
import types
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from fuzz.harness import (
    FUZZ,
    ArrayRecipe,
    Made,
    TensorRecipe,
    arguments,
    call_arguments,
    check,
    indices,
    invoke,
    materialize,
    mg_tensor_module,
    model_pair,
    odd_values,
    scalars,
    shapes,
    tensor_recipes,
)
from fuzz.known import assert_no_findings


# ----------------------------------------------------------------------------------------- Tensor methods
def _is_property(name: str) -> bool:
    """A data attribute (a property, or a slot such as ``grad`` and ``grad_fn``) rather than a method."""
    return isinstance(inspect.getattr_static(mg.Tensor, name), property | types.MemberDescriptorType)


TENSOR_METHODS = sorted(n for n in dir(mg.Tensor) if not n.startswith("_") and not _is_property(n))
TENSOR_PROPERTIES = sorted(n for n in dir(mg.Tensor) if not n.startswith("_") and _is_property(n))
RANDOM_METHODS = {"uniform_", "normal_", "exponential_", "random_", "bernoulli_", "bernoulli", "multinomial"}
RANDOM_FUNCTIONS = {"normal", "bernoulli", "multinomial"}  # draw from the generator: both sides seeded alike
UNSPECIFIED_METHOD_VALUES = {"new_empty"}  # values are arbitrary (uninitialised memory)


@pytest.mark.parametrize("name", TENSOR_METHODS)
@FUZZ
@given(data=st.data())
def test_tensor_method(name: str, data: st.DataObject) -> None:
    base = data.draw(shapes, "shape")
    this = data.draw(tensor_recipes(shape=base), "self")
    args, kwargs = data.draw(call_arguments(base), "arguments")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t = materialize(this, lib, made)
        a, k = materialize(args, lib, made), materialize(kwargs, lib, made)
        return lambda: getattr(t, name)(*a, **k)

    assert_no_findings(check(f"Tensor.{name}", build, torch_reference=hasattr(torch.Tensor, name),
                              compare_values=name not in UNSPECIFIED_METHOD_VALUES, seeded=name in RANDOM_METHODS))


@pytest.mark.parametrize("name", TENSOR_PROPERTIES)
@FUZZ
@given(data=st.data())
def test_tensor_property_get_and_set(name: str, data: st.DataObject) -> None:
    base = data.draw(shapes, "shape")
    this = data.draw(tensor_recipes(shape=base), "self")
    setting = data.draw(st.booleans(), "set")
    value = data.draw(arguments(base), "value")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t = materialize(this, lib, made)
        v = materialize(value, lib, made)
        if setting:
            return lambda: setattr(t, name, v)
        return lambda: getattr(t, name)

    assert_no_findings(check(f"Tensor.{name}{' = ...' if setting else ''}", build,
                              torch_reference=hasattr(torch.Tensor, name)))


# ----------------------------------------------------------------------------------------- operators
BINARY = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
    "%": operator.mod, "**": operator.pow, "@": operator.matmul, "&": operator.and_, "|": operator.or_,
    "^": operator.xor, "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge, "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
    "/=": operator.itruediv,
}
UNARY: dict[str, Callable[[Any], Any]] = {
    "-x": operator.neg, "+x": operator.pos, "abs": abs, "~x": operator.invert, "len": len, "bool": bool,
    "float": float, "int": int, "index": operator.index, "list(iter)": list, "repr": repr, "str": str,
    "format": lambda t: format(t, ".3f"),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@FUZZ
@given(data=st.data())
def test_binary_operator(op: str, data: st.DataObject) -> None:
    base = data.draw(shapes, "shape")
    this = data.draw(tensor_recipes(shape=base), "self")
    other = data.draw(arguments(base), "other")
    reflected = data.draw(st.booleans(), "reflected") and not op.endswith("=")
    fn = BINARY[op]

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t, o = materialize(this, lib, made), materialize(other, lib, made)
        return (lambda: fn(o, t)) if reflected else (lambda: fn(t, o))

    # with a NumPy array operand torch defers to NumPy's operator (or refuses); minigrad treats the array as a
    # tensor by design: only the rules that need no reference apply
    assert_no_findings(check(f"x {op} y{' (reflected)' if reflected else ''}", build,
                              torch_reference=not isinstance(other, ArrayRecipe)))


@pytest.mark.parametrize("op", sorted(UNARY))
@FUZZ
@given(data=st.data())
def test_unary_operator(op: str, data: st.DataObject) -> None:
    this = data.draw(tensor_recipes(), "self")
    fn = UNARY[op]

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t = materialize(this, lib, made)
        if lib is mg and op in ("repr", "str"):
            return lambda: _printed_as_torch(fn, t)
        return lambda: fn(t)

    assert_no_findings(check(op, build))


def _printed_as_torch(fn: Callable[[Any], str], t: Any) -> str:
    """minigrad's repr/str with the package name torch prints (line wrapping depends on the name's length)."""
    previous = mg_tensor_module.display_module
    mg_tensor_module.display_module = "torch"
    try:
        return fn(t)
    finally:
        mg_tensor_module.display_module = previous


@FUZZ
@given(data=st.data())
def test_getitem(data: st.DataObject) -> None:
    this = data.draw(tensor_recipes(), "self")
    key = data.draw(indices, "key")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t, k = materialize(this, lib, made), materialize(key, lib, made)
        return lambda: t[k]

    assert_no_findings(check("x[key]", build))


@FUZZ
@given(data=st.data())
def test_setitem(data: st.DataObject) -> None:
    base = data.draw(shapes, "shape")
    this = data.draw(tensor_recipes(shape=base), "self")
    key = data.draw(indices, "key")
    value = data.draw(arguments(base), "value")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t, k, v = materialize(this, lib, made), materialize(key, lib, made), materialize(value, lib, made)

        def run() -> None:
            t[k] = v

        return run

    assert_no_findings(check("x[key] = value", build))


# ----------------------------------------------------------------------------------------- top-level functions
NOT_FUNCTIONS = {"save", "load"}  # fuzzed below (no torch counterpart: torch.save is pickle)
FUNCTIONS = sorted(n for n in mg.__all__ if n not in NOT_FUNCTIONS and callable(getattr(mg, n))
                   and not isinstance(getattr(mg, n), type | mg.dtype) and not inspect.ismodule(getattr(mg, n)))
UNSPECIFIED_VALUES = {"empty", "empty_like", "seed"}  # values are arbitrary (uninitialised memory, a fresh seed)


@pytest.mark.parametrize("name", FUNCTIONS)
@FUZZ
@given(data=st.data())
def test_function(name: str, data: st.DataObject) -> None:
    base = data.draw(shapes, "shape")
    args, kwargs = data.draw(call_arguments(base), "arguments")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        fn = getattr(lib, name)
        a, k = materialize(args, lib, made), materialize(kwargs, lib, made)

        def run() -> Any:
            try:
                return fn(*a, **k)
            finally:
                lib.set_default_dtype(lib.float32)  # undo a fuzzed set_default_dtype
                lib.set_grad_enabled(True)

        return run

    assert_no_findings(check(name, build, compare_values=name not in UNSPECIFIED_VALUES,
                              seeded="rand" in name or "seed" in name or name in RANDOM_FUNCTIONS))


# ----------------------------------------------------------------------------------------- nn
NN_CLASSES = ["Linear", "Identity", "Sequential", "Sigmoid", "ReLU", "Tanh", "MSELoss", "BCELoss",
              "BCEWithLogitsLoss", "Parameter"]
NN_FUNCTIONAL = sorted(n for n in mg.nn.functional.__all__)
NN_INIT = sorted(n for n in dir(mg.nn.init) if not n.startswith("_") and callable(getattr(mg.nn.init, n))
                 and getattr(getattr(mg.nn.init, n), "__module__", "") == "minigrad.nn.init")


@pytest.mark.parametrize("name", NN_CLASSES)
@FUZZ
@given(data=st.data())
def test_nn_constructor_and_call(name: str, data: st.DataObject) -> None:
    """Build the module with fuzzed arguments; if both libraries agree it is valid, call it with fuzzed
    inputs (parameters copied from minigrad's so the numbers are comparable)."""
    base = data.draw(shapes, "shape")
    ctor_args = data.draw(st.lists(st.one_of(st.integers(-1, 4), arguments(base)), max_size=3), "constructor")
    call_args = data.draw(st.lists(arguments(base), min_size=1, max_size=2), "call")

    def build_module(lib: ModuleType, made: Made) -> Callable[[], Any]:
        a = materialize(ctor_args, lib, made)
        return lambda: getattr(lib.nn, name)(*a)

    assert_no_findings(check(f"nn.{name}(...)", build_module, seeded=True))
    t_mod = invoke(build_module(torch, Made()))
    m_mod = invoke(build_module(mg, Made()))
    if t_mod.error or m_mod.error or not callable(t_mod.value) or name == "Parameter":
        return
    with torch.no_grad():
        for (_, p), (_, q) in zip(t_mod.value.named_parameters(), m_mod.value.named_parameters()):
            if tuple(p.shape) == tuple(q.shape):
                p.copy_(torch.from_numpy(np.array(q.detach().numpy())))

    def build_call(lib: ModuleType, made: Made) -> Callable[[], Any]:
        module = t_mod.value if lib is torch else m_mod.value
        made.modules.append(module)
        a = materialize(call_args, lib, made)
        return lambda: module(*a)

    assert_no_findings(check(f"nn.{name}(...)(x)", build_call))


@pytest.mark.parametrize("name", NN_FUNCTIONAL)
@FUZZ
@given(data=st.data())
def test_nn_functional(name: str, data: st.DataObject) -> None:
    base = data.draw(shapes, "shape")
    args, kwargs = data.draw(call_arguments(base), "arguments")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        fn = getattr(lib.nn.functional, name)
        a, k = materialize(args, lib, made), materialize(kwargs, lib, made)
        return lambda: fn(*a, **k)

    assert_no_findings(check(f"nn.functional.{name}", build))


@pytest.mark.parametrize("name", NN_INIT)
@FUZZ
@given(data=st.data())
def test_nn_init(name: str, data: st.DataObject) -> None:
    base = data.draw(shapes, "shape")
    this = data.draw(tensor_recipes(shape=base), "tensor")
    args = data.draw(st.lists(arguments(base), max_size=2), "arguments")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        fn = getattr(lib.nn.init, name)
        t, a = materialize(this, lib, made), materialize(args, lib, made)
        return lambda: fn(t, *a)

    assert_no_findings(check(f"nn.init.{name}", build, seeded=True))


MODULE_METHODS = sorted(n for n in dir(mg.nn.Module) if not n.startswith("_") and callable(getattr(mg.nn.Module, n))
                        and n not in {"forward", "apply", "extra_repr"})


@pytest.mark.parametrize("name", MODULE_METHODS)
@FUZZ
@given(data=st.data())
def test_module_method(name: str, data: st.DataObject) -> None:
    """Module methods with fuzzed arguments; ``load_state_dict`` gets dicts whose values are fuzzed (wrong
    shapes and dtypes, strings, None, missing and extra keys)."""
    if name == "load_state_dict":
        entries = st.dictionaries(st.sampled_from(["0.weight", "0.bias", "1.weight", "extra"]),
                                  st.one_of(tensor_recipes(shape=(2, 3)), tensor_recipes(shape=(2,)),
                                            arguments((2, 3))), max_size=4)
        args = [data.draw(entries, "state_dict"), *data.draw(st.lists(st.booleans(), max_size=1), "strict")]
        kwargs: dict[str, Any] = {}
    else:
        args, kwargs = data.draw(call_arguments((2, 3)), "arguments")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t_model, m_model = model_pair()
        model = t_model if lib is torch else m_model
        made.modules.append(model)
        a, k = materialize(args, lib, made), materialize(kwargs, lib, made)

        def run() -> Any:
            out = getattr(model, name)(*a, **k)
            return list(out) if inspect.isgenerator(out) else out

        return run

    assert_no_findings(check(f"Module.{name}", build))


# ----------------------------------------------------------------------------------------- optim
@FUZZ
@given(data=st.data())
def test_sgd_constructor(data: st.DataObject) -> None:
    params_spec = data.draw(st.one_of(st.just("model"), st.just("empty"), arguments((2, 3))), "params")
    hyper = data.draw(st.dictionaries(st.sampled_from(["lr", "momentum", "dampening", "weight_decay", "nesterov",
                                                       "maximize"]), st.one_of(scalars, odd_values), max_size=3),
                      "hyper-parameters")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t_model, m_model = model_pair()
        model = t_model if lib is torch else m_model
        made.modules.append(model)
        params = (list(model.parameters()) if params_spec == "model" else [] if params_spec == "empty"
                  else materialize(params_spec, lib, made))
        h = materialize(hyper, lib, made)
        return lambda: lib.optim.SGD(params, **h)

    assert_no_findings(check("optim.SGD(...)", build))


SGD_METHODS = ["step", "zero_grad", "state_dict", "load_state_dict", "add_param_group"]


@pytest.mark.parametrize("name", SGD_METHODS)
@FUZZ
@given(data=st.data())
def test_sgd_method(name: str, data: st.DataObject) -> None:
    """SGD(momentum) after one good step, then ``name`` with fuzzed arguments. Gradients for ``step`` are
    fuzzed the way torch allows them to be assigned (same shape and dtype; NaN/inf values; None)."""
    momentum = data.draw(st.sampled_from([0.0, 0.9]), "momentum")
    grads = data.draw(st.tuples(st.one_of(st.none(), tensor_recipes(shape=(2, 3), float_only=True)),
                                st.one_of(st.none(), tensor_recipes(shape=(2,), float_only=True))), "grads")
    if name == "load_state_dict":
        args: list[Any] = [data.draw(st.one_of(
            st.just("own"),
            st.fixed_dictionaries({"state": st.dictionaries(st.integers(-1, 3), st.dictionaries(
                st.just("momentum_buffer"), st.one_of(tensor_recipes(shape=(2, 3)), tensor_recipes(),
                                                      arguments((2,)))), max_size=2),
                "param_groups": st.lists(st.fixed_dictionaries(
                    {"params": st.lists(st.integers(0, 2), max_size=3)},
                    optional={"lr": scalars, "momentum": scalars}), max_size=2)}),
            arguments((2,))), "state_dict")]
        kwargs: dict[str, Any] = {}
    else:
        args, kwargs = data.draw(call_arguments((2, 3)), "arguments")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        t_model, m_model = model_pair()
        model = t_model if lib is torch else m_model
        made.modules.append(model)
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=momentum)
        model(lib.ones(4, 3)).sum().backward()
        opt.step()
        made.optimizers.append(opt)
        for p, g in zip(model.parameters(), grads):
            with np.errstate(over="ignore"):  # a float64 value beyond float32 becomes inf: wanted
                value = None if g is None else g.array.astype(np.float32)
            p.grad = None if value is None else materialize(TensorRecipe(value), lib, made)
        a = ([opt.state_dict()] if args == ["own"] else materialize(args, lib, made))
        k = materialize(kwargs, lib, made)
        return lambda: getattr(opt, name)(*a, **k)

    assert_no_findings(check(f"SGD.{name}", build))


@FUZZ
@given(data=st.data())
def test_sgd_step_with_gradients_torch_would_refuse(data: st.DataObject) -> None:
    """minigrad lets any value be assigned to ``.grad`` (torch checks on assignment); a step must then either
    work or raise a clear error having changed no parameter and no momentum buffer — even when only a later
    parameter's gradient is bad."""
    n = data.draw(st.integers(2, 4), "parameters")
    bad_at = data.draw(st.integers(0, n - 1), "bad index")
    bad = data.draw(st.one_of(tensor_recipes(), arguments((3,))), "bad grad")
    momentum = data.draw(st.sampled_from([0.0, 0.9]), "momentum")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        params = [mg.nn.Parameter(mg.ones(3) * i) for i in range(n)]
        opt = mg.optim.SGD(params, lr=0.1, momentum=momentum, weight_decay=0.01)
        for p in params:
            p.grad = mg.ones(3)
        opt.step()
        made.optimizers.append(opt)
        made.tensors.extend(params)
        for i, p in enumerate(params):
            p.grad = materialize(bad, mg, made) if i == bad_at else mg.ones(3)
        return opt.step

    assert_no_findings(check("SGD.step (bad grad)", build, torch_reference=False))


def _sgd_state(params: list[Any], opt: Any) -> list[Any]:
    return [(p._data.tobytes(), p._version, opt.state.get(p, {}).get("momentum_buffer") is not None
             and opt.state[p]["momentum_buffer"]._data.tobytes()) for p in params]


def test_sgd_step_with_a_wrong_shaped_grad_in_the_middle_changes_nothing() -> None:
    """The brief's case: the middle parameter's gradient has the wrong shape. The step raises, and neither the
    parameters before it nor their momentum buffers have moved."""
    params = [mg.nn.Parameter(mg.ones(3) * (i + 1)) for i in range(3)]
    opt = mg.optim.SGD(params, lr=0.1, momentum=0.9)
    for p in params:
        p.grad = mg.ones(3)
    opt.step()  # momentum buffers now exist
    before = _sgd_state(params, opt)
    params[1].grad = mg.ones(4)
    with pytest.raises(RuntimeError, match="shape"):
        opt.step()
    assert _sgd_state(params, opt) == before


def test_sgd_load_state_dict_refuses_a_buffer_step_could_not_use() -> None:
    """A momentum buffer that is not a tensor is refused by load_state_dict, which then changes nothing (torch
    accepts it and fails in step()). One of the wrong shape is accepted, as torch does (a step without momentum
    never reads it); a step with momentum then refuses it with torch's RuntimeError and changes nothing."""
    params = [mg.nn.Parameter(mg.ones(2)) for _ in range(3)]
    opt = mg.optim.SGD(params, lr=0.1, momentum=0.9)
    for p in params:
        p.grad = mg.ones(2)
    opt.step()
    good = opt.state_dict()
    before = _sgd_state(params, opt)
    for bad in (3.0, "x"):
        state = {"state": {**good["state"], 2: {"momentum_buffer": bad}}, "param_groups": good["param_groups"]}
        with pytest.raises((TypeError, ValueError)):
            opt.load_state_dict(state)
        assert _sgd_state(params, opt) == before
        opt.step()  # still usable
        before = _sgd_state(params, opt)
    opt.load_state_dict({"state": {**good["state"], 2: {"momentum_buffer": mg.ones(5)}},
                         "param_groups": good["param_groups"]})
    loaded = _sgd_state(params, opt)
    with pytest.raises(RuntimeError):
        opt.step()
    assert _sgd_state(params, opt) == loaded


# ----------------------------------------------------------------------------------------- save / load
@FUZZ
@given(data=st.data())
def test_save_fuzzed_objects(data: st.DataObject) -> None:
    obj = data.draw(st.one_of(arguments((2,)), st.dictionaries(st.one_of(st.text(max_size=3), st.integers()),
                                                               arguments((2,)), max_size=3)), "object")
    target = data.draw(st.one_of(st.just("buffer"), st.sampled_from([None, 3, "", "/nonexistent-dir/x"])), "file")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        o = materialize(obj, mg, made)
        f = io.BytesIO() if target == "buffer" else target
        return lambda: mg.save(o, f)

    assert_no_findings(check("save", build, torch_reference=False, extra_allowed=(OSError,)))


@FUZZ
@given(data=st.data())
def test_load_fuzzed_files(data: st.DataObject) -> None:
    source = data.draw(st.one_of(st.binary(max_size=200), st.sampled_from([None, 3, "", "/nonexistent", [1]])),
                       "file")

    def build(lib: ModuleType, made: Made) -> Callable[[], Any]:
        f = io.BytesIO(source) if isinstance(source, bytes) else source
        return lambda: mg.load(f)

    assert_no_findings(check("load", build, torch_reference=False, extra_allowed=(OSError,)))


def test_every_public_name_is_fuzzed() -> None:
    """The lists above come from introspection; this pins that they are not empty and cover the API."""
    assert {"add", "backward", "view", "sum", "item", "to", "add_"} <= set(TENSOR_METHODS)
    assert {"tensor", "zeros", "arange", "randn", "cat", "where"} <= set(FUNCTIONS)
    assert {"load_state_dict", "state_dict", "zero_grad"} <= set(MODULE_METHODS)
    assert set(NN_FUNCTIONAL) >= {"linear", "mse_loss", "binary_cross_entropy"}
    assert NN_INIT


