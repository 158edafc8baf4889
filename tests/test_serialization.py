"""Safe save/load (``minigrad.save``/``minigrad.load``, safetensors format) against torch, both directions.

What is checked:

- a model trained with minigrad (example 3, ``minigrad.examples.example3``: logistic regression on breast
  cancer) and saved with ``minigrad.save`` loads into the same torch model (``torch_ref.example3``) through
  ``safetensors.torch.load_file`` with bit-identical parameters and predicts the same numbers, and the reverse
  (torch -> ``safetensors.torch.save_file`` -> ``minigrad.load``); the same for SGD optimizer state (momentum
  buffers and hyper-parameters), checked by continuing training in the other framework;
- arbitrary state dicts (every dtype, 0-d and zero-size tensors, NaN/inf) round-trip bit-exactly;
- truncated, random, wrong-header-length, inconsistent-offset, unsupported-dtype, wrong-shape and missing-key
  files raise an error naming the file (and the tensor), and leave the target model untouched;
- ``load_state_dict`` is all-or-nothing; a pickle file is refused without being executed; saving is atomic;
  ``safetensors`` is imported lazily and its absence gives a clear ImportError.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import safetensors.torch as st_torch
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from safetensors import safe_open

import minigrad as mg
from minigrad.examples import example3 as mg_example3
from minigrad.serialization import flatten_state_dict, load_model, save_model, unflatten_state_dict
from minigrad.testing import assert_close
from torch_ref import example3 as torch_example3

# ----------------------------------------------------------------------------------------- example 3 set-up
# The models are example 3's own (minigrad.examples.example3 and its torch twin torch_ref.example3):
# sigmoid(Linear(30, 1)) with parameters "linear.weight" and "linear.bias", trained on the breast-cancer split.


def MgLogistic(n_features: int = 30) -> Any:
    """Example 3's minigrad model."""
    return mg_example3.build_model(n_features)


def TorchLogistic(n_features: int = 30) -> Any:
    """Example 3's torch model."""
    return torch_example3.build_model(n_features)


_PIPELINES: dict[str, Any] = {}


def _data() -> Any:
    """Example 3's data (split, scaled, float32 tensors) as minigrad and torch tensors."""
    if not _PIPELINES:
        _PIPELINES["mg"] = mg_example3.make_pipeline(seed=0)
        _PIPELINES["torch"] = torch_example3.make_pipeline(seed=0)
    return _PIPELINES


def train_mg(model: Any, opt: mg.optim.SGD, steps: int) -> None:
    p = _data()["mg"]
    for _ in range(steps):
        mg_example3.train_step(model, p.criterion, opt, p.inputs, p.targets)


def train_torch(model: Any, opt: torch.optim.SGD, steps: int) -> None:
    p = _data()["torch"]
    for _ in range(steps):
        torch_example3.train_step(model, p.criterion, opt, p.inputs, p.targets)


def predict_mg(model: Any) -> np.ndarray:
    with mg.no_grad():
        return model(_data()["mg"].test_inputs).numpy().copy()


def predict_torch(model: Any) -> np.ndarray:
    with torch.no_grad():
        return model(_data()["torch"].test_inputs).numpy().copy()


def params_np(model: Any) -> dict[str, np.ndarray]:
    """A copy of every parameter's values (works for both frameworks)."""
    return {k: np.array(v.detach().numpy(), copy=True) for k, v in model.state_dict().items()}


def assert_bit_identical(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
        assert a[k].tobytes() == b[k].tobytes(), f"{k} differs"


# Predictions: a 30-term dot product plus bias and sigmoid, computed by two BLAS builds in different orders.
PREDICTION_OPS = 32


# ----------------------------------------------------------------------------------------- module round trips
def test_minigrad_model_loads_into_torch_and_predicts_the_same(tmp_path: Path) -> None:
    mg.manual_seed(0)
    model = MgLogistic()
    train_mg(model, mg.optim.SGD(model.parameters(), lr=0.01), steps=100)
    path = tmp_path / "model.safetensors"
    mg.save(model.state_dict(), path)

    twin = TorchLogistic()
    result = twin.load_state_dict(st_torch.load_file(str(path)))
    assert not result.missing_keys and not result.unexpected_keys
    assert_bit_identical(params_np(twin), params_np(model))
    expected, actual = predict_torch(twin), predict_mg(model)
    assert_close(actual, expected, n_ops=PREDICTION_OPS, what="test-set predictions")
    assert ((actual > 0.5) == (expected > 0.5)).all()


def test_torch_model_loads_into_minigrad_and_predicts_the_same(tmp_path: Path) -> None:
    torch.manual_seed(0)
    twin = TorchLogistic()
    train_torch(twin, torch.optim.SGD(twin.parameters(), lr=0.01), steps=100)
    path = tmp_path / "torch.safetensors"
    st_torch.save_file(twin.state_dict(), str(path))

    model = MgLogistic()
    loaded = mg.load(path)
    assert list(loaded) == ["linear.weight", "linear.bias"] or set(loaded) == {"linear.weight", "linear.bias"}
    assert all(isinstance(v, mg.Tensor) for v in loaded.values())
    model.load_state_dict(loaded)
    assert_bit_identical(params_np(model), params_np(twin))
    assert_close(predict_mg(model), predict_torch(twin), n_ops=PREDICTION_OPS, what="test-set predictions")


def test_save_model_load_model_and_file_objects(tmp_path: Path) -> None:
    mg.manual_seed(1)
    model = MgLogistic()
    buffer = io.BytesIO()
    mg.save(model.state_dict(), buffer)
    buffer.seek(0)
    other = MgLogistic()
    other.load_state_dict(mg.load(buffer))
    assert_bit_identical(params_np(other), params_np(model))

    path = tmp_path / "m.safetensors"
    save_model(model, path)
    third = MgLogistic()
    load_model(third, path)
    assert_bit_identical(params_np(third), params_np(model))
    with safe_open(str(path), framework="numpy") as f:
        assert f.metadata() == {"minigrad.format": "1", "minigrad.kind": "module"}


# ----------------------------------------------------------------------------------------- optimizer round trips
def _torch_metadata(path: Path) -> dict[str, str]:
    with safe_open(str(path), framework="pt") as f:
        return f.metadata()


def test_minigrad_optimizer_state_continues_in_torch(tmp_path: Path) -> None:
    """Train 30 steps with momentum in minigrad, move model + optimizer to torch, train 20 more steps in both:
    the two runs stay together, which they would not if the momentum buffers or hyper-parameters were lost."""
    mg.manual_seed(2)
    model = MgLogistic()
    opt = mg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)
    train_mg(model, opt, steps=30)
    mg.save(model.state_dict(), tmp_path / "m.safetensors")
    mg.save(opt.state_dict(), tmp_path / "o.safetensors")

    twin = TorchLogistic()
    twin.load_state_dict(st_torch.load_file(str(tmp_path / "m.safetensors")))
    twin_opt = torch.optim.SGD(twin.parameters(), lr=1.0)  # wrong on purpose: the file must set them
    opt_file = tmp_path / "o.safetensors"
    state = unflatten_state_dict(st_torch.load_file(str(opt_file)), _torch_metadata(opt_file))
    twin_opt.load_state_dict(state)
    group = twin_opt.param_groups[0]
    assert (group["lr"], group["momentum"], group["nesterov"], group["weight_decay"]) == (0.05, 0.9, True, 1e-3)
    for p in twin.parameters():
        mine = opt.state[dict(zip(map(id, twin.parameters()), model.parameters()))[id(p)]]["momentum_buffer"]
        assert twin_opt.state[p]["momentum_buffer"].numpy().tobytes() == mine.numpy().tobytes()

    train_mg(model, opt, steps=20)
    train_torch(twin, twin_opt, steps=20)
    for name, value in params_np(model).items():
        assert_close(value, params_np(twin)[name], n_ops=20 * PREDICTION_OPS, what=name)


def test_torch_optimizer_state_continues_in_minigrad(tmp_path: Path) -> None:
    torch.manual_seed(3)
    twin = TorchLogistic()
    twin_opt = torch.optim.SGD(twin.parameters(), lr=0.05, momentum=0.5, dampening=0.1)
    train_torch(twin, twin_opt, steps=30)
    st_torch.save_file(twin.state_dict(), str(tmp_path / "m.safetensors"))
    tensors, metadata = flatten_state_dict(twin_opt.state_dict())
    assert set(tensors) == {"state.0.momentum_buffer", "state.1.momentum_buffer"}
    st_torch.save_file(tensors, str(tmp_path / "o.safetensors"), metadata=metadata)

    model = MgLogistic()
    model.load_state_dict(mg.load(tmp_path / "m.safetensors"))
    opt = mg.optim.SGD(model.parameters(), lr=1.0)
    loaded = mg.load(tmp_path / "o.safetensors")
    assert sorted(loaded["state"]) == [0, 1]
    opt.load_state_dict(loaded)
    group = opt.param_groups[0]
    assert (group["lr"], group["momentum"], group["dampening"]) == (0.05, 0.5, 0.1)

    train_mg(model, opt, steps=20)
    train_torch(twin, twin_opt, steps=20)
    for name, value in params_np(model).items():
        assert_close(value, params_np(twin)[name], n_ops=20 * PREDICTION_OPS, what=name)


# ----------------------------------------------------------------------------------------- property: any state dict
_SUPPORTED = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]
_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=12)
_arrays = st.sampled_from(_SUPPORTED).flatmap(
    lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
)


@given(st.dictionaries(_names, _arrays, max_size=6))
def test_any_state_dict_round_trips_bit_exactly(state: dict[str, np.ndarray]) -> None:
    """Every dtype minigrad has, 0-d and zero-size tensors, NaN/inf/-0.0: minigrad -> file -> minigrad and
    -> torch keep dtype, shape and bytes."""
    buffer = io.BytesIO()
    mg.save({k: mg.from_numpy(v) for k, v in state.items()}, buffer)
    data = buffer.getvalue()
    back = mg.load(io.BytesIO(data))
    assert set(back) == set(state)
    seen_by_torch = st_torch.load(data)
    for k, v in state.items():
        got = back[k].numpy()
        assert got.dtype == v.dtype and got.shape == v.shape and got.tobytes() == v.tobytes(), k
        assert seen_by_torch[k].numpy().tobytes() == v.tobytes(), k
        assert got.flags.writeable and got.flags.owndata  # not a view into the file's bytes


_hyper = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), st.floats(allow_nan=False),
                   st.sampled_from([float("inf"), -float("inf")]), st.text(max_size=5))


@given(
    n_params=st.integers(1, 4),
    groups=st.integers(1, 2),
    hyper=st.dictionaries(st.sampled_from(["lr", "momentum", "dampening", "foreach", "note"]), _hyper),
    with_state=st.lists(st.booleans(), min_size=4, max_size=4),
    extras=st.lists(_hyper, min_size=4, max_size=4),
)
def test_any_optimizer_state_dict_round_trips(n_params: int, groups: int, hyper: dict[str, Any],
                                               with_state: list[bool], extras: list[Any]) -> None:
    """The flat encoding keeps every tensor, every non-tensor state value (None, numbers, strings), empty
    per-parameter states, and every hyper-parameter (tuples come back as lists)."""
    params = list(range(n_params))
    split = [params] if groups == 1 else [params[: n_params // 2], params[n_params // 2 :]]
    state_dict: dict[str, Any] = {
        "state": {
            i: ({"momentum_buffer": mg.tensor(np.arange(i + 1, dtype=np.float32)), "extra": extras[i]}
                if with_state[i] else {})
            for i in params
        },
        "param_groups": [{**hyper, "params": ids} for ids in split],
    }
    buffer = io.BytesIO()
    mg.save(state_dict, buffer)
    back = mg.load(io.BytesIO(buffer.getvalue()))
    assert back["param_groups"] == state_dict["param_groups"]
    assert back["state"].keys() == state_dict["state"].keys()
    for i, entry in state_dict["state"].items():
        assert back["state"][i].keys() == entry.keys()
        for k, v in entry.items():
            if isinstance(v, mg.Tensor):
                assert back["state"][i][k].numpy().tobytes() == v.numpy().tobytes()
            else:
                assert back["state"][i][k] == v


# ----------------------------------------------------------------------------------------- corrupted files
def _saved_model(tmp_path: Path) -> tuple[MgLogistic, Path, bytes]:
    mg.manual_seed(4)
    model = MgLogistic()
    path = tmp_path / "good.safetensors"
    mg.save(model.state_dict(), path)
    return model, path, path.read_bytes()


def _header(data: bytes) -> tuple[dict[str, Any], bytes]:
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8 : 8 + n]), data[8 + n :]


def _with_header(header: dict[str, Any], body: bytes) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + body


def _assert_refused(tmp_path: Path, data: bytes, *, key: str | None = None, words: str = "") -> None:
    """Loading ``data`` (from a file) raises RuntimeError naming the file (and ``key``); a fresh model that
    the result would go into is untouched."""
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    target = MgLogistic()
    before = params_np(target)
    with pytest.raises(RuntimeError) as info:
        load_model(target, path)
    message = str(info.value)
    assert str(path) in message, message
    if key is not None:
        assert f"'{key}'" in message, message
    assert words in message, message
    assert_bit_identical(params_np(target), before)


def test_truncated_files_are_refused_at_every_length(tmp_path: Path) -> None:
    _, _, data = _saved_model(tmp_path)
    for n in sorted({0, 1, 7, 8, 9, 20, len(data) // 2, len(data) - 4, len(data) - 1}):
        _assert_refused(tmp_path, data[:n])
    header, _ = _header(data)
    last = max(header.items(), key=lambda kv: kv[1]["data_offsets"][1] if kv[0] != "__metadata__" else -1)[0]
    _assert_refused(tmp_path, data[:-1], key=last, words="truncated")


@given(st.binary(min_size=0, max_size=300))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_bytes_are_refused(tmp_path: Path, data: bytes) -> None:
    _assert_refused(tmp_path, data)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(0, 10_000), value=st.integers(0, 255))
def test_a_corrupted_header_byte_is_refused_or_loads_completely(tmp_path: Path, position: int, value: int) -> None:
    """Flip one byte of the length field or the JSON header: the load either raises RuntimeError naming the
    file, or (the byte changed a name or the metadata into something still valid) returns every tensor, and
    loading that into a model is then all-or-nothing. (The data section has no checksum in safetensors: a
    flipped data byte is undetectable, as for torch.)"""
    _, _, data = _saved_model(tmp_path)
    (n,) = struct.unpack("<Q", data[:8])
    position %= 8 + n
    corrupted = bytearray(data)
    corrupted[position] = value
    path = tmp_path / "flipped.safetensors"
    path.write_bytes(bytes(corrupted))
    try:
        loaded = mg.load(path)
    except RuntimeError as e:
        assert str(path) in str(e)
        return
    assert len(loaded) == 2
    target = MgLogistic()
    before = params_np(target)
    try:
        target.load_state_dict(loaded)
    except RuntimeError:
        assert_bit_identical(params_np(target), before)


def test_wrong_header_length(tmp_path: Path) -> None:
    _, _, data = _saved_model(tmp_path)
    (n,) = struct.unpack("<Q", data[:8])
    _assert_refused(tmp_path, struct.pack("<Q", 2**63) + data[8:], words="header length")
    _assert_refused(tmp_path, struct.pack("<Q", len(data)) + data[8:], words="header length")
    _assert_refused(tmp_path, struct.pack("<Q", n - 3) + data[8:], words="JSON")
    _assert_refused(tmp_path, struct.pack("<Q", n + 3) + data[8:], words="JSON")


def test_inconsistent_offsets_and_dtypes_name_the_tensor(tmp_path: Path) -> None:
    _, _, data = _saved_model(tmp_path)
    header, body = _header(data)
    bad = json.loads(json.dumps(header))
    bad["linear.weight"]["dtype"] = "F64"  # same bytes, claimed twice as wide
    _assert_refused(tmp_path, _with_header(bad, body), key="linear.weight", words="needs 240 bytes")
    bad = json.loads(json.dumps(header))
    bad["linear.weight"]["shape"] = [2, 30]
    _assert_refused(tmp_path, _with_header(bad, body), key="linear.weight")
    bad = json.loads(json.dumps(header))
    _first, second = sorted(["linear.weight", "linear.bias"], key=lambda k: header[k]["data_offsets"][0])
    begin, end = header[second]["data_offsets"]
    bad[second]["data_offsets"] = [0, end - begin]  # overlaps the first tensor
    _assert_refused(tmp_path, _with_header(bad, body), key=second, words="overlapping")
    bad = json.loads(json.dumps(header))
    bad["linear.weight"]["shape"] = [-1, 30]
    _assert_refused(tmp_path, _with_header(bad, body), key="linear.weight", words="non-negative")
    bad = json.loads(json.dumps(header))
    bad["__metadata__"] = {"minigrad.kind": 7}
    _assert_refused(tmp_path, _with_header(bad, body), words="__metadata__")
    _assert_refused(tmp_path, data + b"\0\0\0\0", words="trailing")


@pytest.mark.parametrize("dtype", ["BF16", "U16", "C64", "F8_E4M3", "X9"])
def test_a_dtype_minigrad_cannot_hold_is_refused_by_name(tmp_path: Path, dtype: str) -> None:
    _, _, data = _saved_model(tmp_path)
    header, body = _header(data)
    header["linear.weight"]["dtype"] = dtype
    header["linear.weight"]["shape"] = {"BF16": [2, 30], "U16": [2, 30], "C64": [15], "F8_E4M3": [4, 30],
                                        "X9": [1, 30]}[dtype]
    _assert_refused(tmp_path, _with_header(header, body), key="linear.weight", words=repr(dtype))


def test_another_float_dtype_is_cast_on_load_like_torch(tmp_path: Path) -> None:
    """A float64 checkpoint loads into a float32 model by casting, as torch's load_state_dict does."""
    state = {"linear.weight": np.linspace(-1, 1, 30).reshape(1, 30), "linear.bias": np.array([0.25])}
    path = tmp_path / "f64.safetensors"
    mg.save({k: mg.from_numpy(v) for k, v in state.items()}, path)
    model, twin = MgLogistic(), TorchLogistic()
    load_model(model, path)
    twin.load_state_dict(st_torch.load_file(str(path)))
    assert model.linear.weight.dtype == mg.float32
    assert_bit_identical(params_np(model), params_np(twin))


def test_wrong_shape_for_the_model_names_file_and_key_and_changes_nothing(tmp_path: Path) -> None:
    mg.manual_seed(5)
    small = MgLogistic(n_features=3)
    path = tmp_path / "small.safetensors"
    mg.save(small.state_dict(), path)
    target = MgLogistic()
    before = params_np(target)
    with pytest.raises(RuntimeError) as info:
        load_model(target, path)
    message = str(info.value)
    assert str(path) in message and "size mismatch for linear.weight" in message
    assert_bit_identical(params_np(target), before)
    # torch refuses the same file with the same kind of error
    with pytest.raises(RuntimeError, match=r"size mismatch for linear.weight"):
        TorchLogistic().load_state_dict(st_torch.load_file(str(path)))


def test_missing_key_names_file_and_key_and_changes_nothing(tmp_path: Path) -> None:
    model, _, _ = _saved_model(tmp_path)
    path = tmp_path / "partial.safetensors"
    mg.save({"linear.weight": model.linear.weight}, path)
    target = MgLogistic()
    before = params_np(target)
    with pytest.raises(RuntimeError) as info:
        load_model(target, path)
    assert str(path) in str(info.value) and '"linear.bias"' in str(info.value)
    assert_bit_identical(params_np(target), before)
    with pytest.raises(RuntimeError, match=r'Missing key\(s\) in state_dict: "linear.bias"'):
        TorchLogistic().load_state_dict(st_torch.load_file(str(path)))


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        mg.load(tmp_path / "nope.safetensors")


# ----------------------------------------------------------------------------------------- all-or-nothing loading
@given(n_layers=st.integers(2, 5), bad=st.integers(0, 4), kind=st.sampled_from(["shape", "missing", "string"]))
def test_load_state_dict_is_all_or_nothing(n_layers: int, bad: int, kind: str) -> None:
    """One bad entry anywhere (wrong shape, missing key, a non-tensor value): RuntimeError naming the key and
    not one parameter written, not even the entries before it."""
    bad %= n_layers
    model = mg.nn.Sequential(*[mg.nn.Linear(3, 3) for _ in range(n_layers)])
    before = params_np(model)
    versions = [p._version for p in model.parameters()]
    state = {k: mg.from_numpy(np.full_like(v, 7.0)) for k, v in before.items()}
    key = f"{bad}.bias"
    if kind == "shape":
        state[key] = mg.zeros(4)
    elif kind == "missing":
        del state[key]
    else:
        state[key] = "not a tensor"  # type: ignore[assignment]
    with pytest.raises(RuntimeError, match=key.replace(".", "\\.")):
        model.load_state_dict(state)
    assert_bit_identical(params_np(model), before)
    assert [p._version for p in model.parameters()] == versions


def test_a_wrong_shaped_last_entry_changes_nothing() -> None:
    """The brief's case: every entry is good except the last one. Nothing is written (torch itself would have
    copied the good entries before raising)."""
    model = mg.nn.Sequential(mg.nn.Linear(3, 3), mg.nn.Linear(3, 2))
    before = params_np(model)
    state = {k: mg.full(v.shape, 5.0) for k, v in before.items()}
    state["1.bias"] = mg.zeros(3)  # the last entry: (3,) where (2,) is expected
    with pytest.raises(RuntimeError, match=r"size mismatch for 1\.bias"):
        model.load_state_dict(state)
    assert_bit_identical(params_np(model), before)


def test_a_valid_load_writes_in_place_and_bumps_versions() -> None:
    """The counterpart: a good state dict is copied into the existing parameters (same objects)."""
    model = MgLogistic()
    weight = model.linear.weight
    v = weight._version
    model.load_state_dict({"linear.weight": mg.ones(1, 30), "linear.bias": mg.zeros(1)})
    assert model.linear.weight is weight and weight._version == v + 1
    assert (weight.detach().numpy() == 1).all()


# ----------------------------------------------------------------------------------------- safety
def test_a_pickle_is_refused_and_never_executed(tmp_path: Path) -> None:
    """torch.save writes a pickle-based zip; a hand-made pickle would run code when unpickled. minigrad.load
    reads neither: it refuses both as not-safetensors, and the payload's side effect never happens."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (open, (str(marker), "w"))

    evil = tmp_path / "evil.safetensors"
    evil.write_bytes(pickle.dumps(Payload()))
    _assert_refused(tmp_path, evil.read_bytes())
    with pytest.raises(RuntimeError, match=r"evil.safetensors"):
        mg.load(evil)
    assert not marker.exists()
    torch_file = tmp_path / "torch.bin"  # (.pt/.pth go to torch's format reader: tests/test_train_pt.py)
    torch.save(TorchLogistic().state_dict(), torch_file)
    with pytest.raises(RuntimeError, match=r"torch.bin"):
        mg.load(torch_file)
    source = Path(mg.serialization.__file__).read_text()
    assert "import pickle" not in source and "pickle." not in source


def test_save_is_atomic(tmp_path: Path) -> None:
    """A save that fails (a value that is not a tensor) leaves the previous checkpoint intact and no
    temporary file behind."""
    model, path, data = _saved_model(tmp_path)
    with pytest.raises(TypeError, match=r"'linear.bias'"):
        mg.save({"linear.weight": model.linear.weight, "linear.bias": [1.0]}, path)
    with pytest.raises(TypeError, match=r"'x'.*complex128"):
        mg.save({"x": np.zeros(2, complex)}, path)
    with pytest.raises(TypeError, match=r"state dict"):
        mg.save([model.linear.weight], path)
    assert path.read_bytes() == data
    assert sorted(os.listdir(tmp_path)) == ["good.safetensors"]


def test_non_json_hyper_parameter_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"param_groups\[0\]\['lr'\]"):
        mg.save({"state": {}, "param_groups": [{"lr": object(), "params": [0]}]}, io.BytesIO())


def test_malformed_optimizer_metadata_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "opt.safetensors"
    tensors = {"state.x.momentum_buffer": np.zeros(2, np.float32)}
    import safetensors.numpy

    safetensors.numpy.save_file(tensors, str(path), metadata={"minigrad.kind": "optimizer", "param_groups": "[]",
                                                               "state": "{}"})
    with pytest.raises(ValueError, match=r"opt.safetensors.*state.x.momentum_buffer"):
        mg.load(path)
    safetensors.numpy.save_file({}, str(path), metadata={"minigrad.kind": "optimizer", "param_groups": "[{",
                                                         "state": "{}"})
    with pytest.raises(ValueError, match=r"opt.safetensors.*param_groups"):
        mg.load(path)


def test_import_minigrad_does_not_import_safetensors() -> None:
    code = "import sys, minigrad; assert 'safetensors' not in sys.modules and 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_safetensors_gives_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r"pip install 'minigrad\[io\]'"):
        mg.save({"a": mg.zeros(1)}, io.BytesIO())
    with pytest.raises(ImportError, match=r"safetensors"):
        mg.load(io.BytesIO(b""))
