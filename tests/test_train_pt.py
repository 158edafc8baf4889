"""torch's .pt checkpoints without torch: minigrad.load reads what torch.save writes, torch.load (weights_only)
reads what minigrad.save writes; views share storage; a pickle that would run code is refused and does not run."""

from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from minigrad.testing.tolerances import assert_close

DTYPES = ["float16", "float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _arrays(dtype: str) -> Any:
    elements = None
    if dtype.startswith("float"):
        elements = st.floats(-1e3, 1e3, width=int(dtype[5:]))
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=elements)


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


@given(dtype=st.sampled_from(DTYPES), data=st.data())
def test_tensors_of_every_dtype_both_ways(tmp_path_factory: Any, dtype: str, data: Any) -> None:
    a = data.draw(_arrays(dtype))
    d = tmp_path_factory.mktemp("pt")
    torch.save({"x": torch.from_numpy(a.copy())}, d / "t.pt")
    got = minigrad.load(d / "t.pt")["x"]
    assert str(got.dtype).split(".")[1] == dtype and got.shape == a.shape
    np.testing.assert_array_equal(_np(got), a)
    minigrad.save({"x": minigrad.tensor(a.copy())}, d / "m.pt")
    back = torch.load(d / "m.pt", weights_only=True)["x"]
    assert str(back.dtype).split(".")[1] == dtype and tuple(back.shape) == a.shape
    np.testing.assert_array_equal(back.numpy(), a)


def test_views_share_storage_both_ways(tmp_path: Path) -> None:
    base = torch.arange(24.0).reshape(4, 6)
    torch.save({"base": base, "t": base.t(), "cols": base[:, 1::2], "row": base[2]}, tmp_path / "t.pt")
    got = minigrad.load(tmp_path / "t.pt")
    for k in ("t", "cols", "row"):
        np.testing.assert_array_equal(_np(got[k]), {"t": base.t(), "cols": base[:, 1::2], "row": base[2]}[k].numpy())
        assert np.shares_memory(got[k]._data, got["base"]._data)
    got["base"]._data[2, 3] = -1.0  # one storage: the views see the write, as in torch
    assert got["row"][3].item() == -1.0 and got["t"][3, 2].item() == -1.0

    x = minigrad.arange(24.0).reshape(4, 6)
    minigrad.save({"base": x, "t": x.t(), "cols": x[:, 1::2], "row": x[2]}, tmp_path / "m.pt")
    back = torch.load(tmp_path / "m.pt")
    assert not back["cols"].is_contiguous() and back["cols"].stride() == (6, 2)
    ptr = back["base"].untyped_storage().data_ptr()
    assert all(back[k].untyped_storage().data_ptr() == ptr for k in ("t", "cols", "row"))
    for k in ("t", "cols", "row"):
        np.testing.assert_array_equal(back[k].numpy(), _np({"t": x.t(), "cols": x[:, 1::2], "row": x[2]}[k]))


def test_nested_containers_numbers_strings(tmp_path: Path) -> None:
    obj = {"a": [1, 2.5, -3, 2**70, None, True, "text"], "b": (torch.ones(2), {"c": torch.zeros(1, dtype=torch.int64)}),
           "size": torch.Size([2, 3]), "ordered": __import__("collections").OrderedDict(k=1.0), "empty": {}}
    torch.save(obj, tmp_path / "t.pt")
    got = minigrad.load(tmp_path / "t.pt")
    assert got["a"] == obj["a"] and got["size"] == (2, 3) and type(got["ordered"]).__name__ == "OrderedDict"
    assert got["b"][0].tolist() == [1.0, 1.0] and got["b"][1]["c"].dtype == minigrad.int64
    mine = {"a": [1, 2.5, -3, 2**70, None, True, "text"], "b": (minigrad.ones(2), {"c": minigrad.zeros(1)}),
            "size": minigrad.ones(2, 3).shape, "empty": {}, "p": minigrad.nn.Parameter(minigrad.ones(2))}
    minigrad.save(mine, tmp_path / "m.pt")
    back = torch.load(tmp_path / "m.pt")
    assert back["a"] == mine["a"] and back["size"] == torch.Size([2, 3]) and back["empty"] == {}
    assert isinstance(back["p"], torch.nn.Parameter) and back["p"].requires_grad
    assert isinstance(back["b"], tuple) and back["b"][1]["c"].tolist() == [0.0]


def _model(lib: Any) -> Any:
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2))


def test_model_state_dict_both_ways(tmp_path: Path) -> None:
    tm, mm = _model(torch), _model(minigrad)
    with torch.no_grad():
        for p in tm.parameters():
            p.mul_(1.5)
    torch.save(tm.state_dict(), tmp_path / "torch.pth")
    mm.load_state_dict(minigrad.load(tmp_path / "torch.pth"))
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    for (n1, p1), (n2, p2) in zip(mm.named_parameters(), tm.named_parameters()):
        assert n1 == n2
        np.testing.assert_array_equal(_np(p1), p2.detach().numpy())  # the bytes themselves
    # the same predictions (a matmul, tanh and matmul: rounding differences only, per the policy)
    assert_close(_np(mm(minigrad.tensor(x))), tm(torch.tensor(x)).detach().numpy(), dtype="float32", n_ops=8)
    mm2 = _model(minigrad)
    minigrad.save(mm2.state_dict(), tmp_path / "mg.pth")
    tm2 = _model(torch)
    tm2.load_state_dict(torch.load(tmp_path / "mg.pth", weights_only=True))
    for (n1, p1), (n2, p2) in zip(mm2.named_parameters(), tm2.named_parameters()):
        assert n1 == n2
        np.testing.assert_array_equal(_np(p1), p2.detach().numpy())


@pytest.mark.parametrize("name,opts", [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.01, "amsgrad": True}),
                                       ("RMSprop", {"momentum": 0.5, "centered": True})])
def test_optimizer_state_dicts_both_ways(tmp_path: Path, name: str, opts: dict[str, Any]) -> None:
    """An optimizer with momentum buffers: saved by one library, loaded by the other, both continue alike."""
    w0 = np.linspace(-1, 1, 6).reshape(2, 3)

    def step(p: Any, opt: Any, lib: Any) -> None:
        p.grad = lib.tensor(np.asarray(p.detach().numpy()) * 2 - 0.5)
        opt.step()

    pt = torch.nn.Parameter(torch.tensor(w0))
    ot = getattr(torch.optim, name)([pt], **opts)
    for _ in range(3):
        step(pt, ot, torch)
    torch.save(ot.state_dict(), tmp_path / "t.pt")
    pm = minigrad.nn.Parameter(minigrad.tensor(pt.detach().numpy().copy()))
    om = getattr(minigrad.optim, name)([pm], **opts)
    om.load_state_dict(minigrad.load(tmp_path / "t.pt"))
    minigrad.save(om.state_dict(), tmp_path / "m.pt")
    pt2 = torch.nn.Parameter(pt.detach().clone())
    ot2 = getattr(torch.optim, name)([pt2], **opts)
    ot2.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    for _ in range(3):
        step(pt, ot, torch)
        step(pm, om, minigrad)
        step(pt2, ot2, torch)
    np.testing.assert_allclose(_np(pm), pt.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(pt2.detach().numpy(), pt.detach().numpy())  # a faithful file: bit for bit
    assert ot2.state_dict()["param_groups"] == ot.state_dict()["param_groups"]


class _Opens:
    """Unpickled by a plain unpickler, this creates a file: ``open(path, "w")`` (a stand-in for any code)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> Any:
        return (open, (self.path, "w"))


def _zip_with(pkl: bytes, path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/version", "3\n")


def test_a_pickle_that_would_run_code_is_refused_and_does_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    evil = {"weight": torch.ones(2), "payload": _Opens(str(marker))}
    torch.save(evil, tmp_path / "evil.pt")
    assert b"io\nopen" in zipfile.ZipFile(tmp_path / "evil.pt").read("evil/data.pkl")  # the payload is there
    with pytest.raises(pickle.UnpicklingError):
        torch.load(tmp_path / "evil.pt")  # torch's weights_only refuses it too: the same kind of error
    with pytest.raises(pickle.UnpicklingError, match=r"io\.open"):
        minigrad.load(tmp_path / "evil.pt")
    assert not marker.exists()

    # a hand-made stream: os.system through REDUCE, an unknown global, and an opcode that builds objects
    for stream in (b"\x80\x02cos\nsystem\nX\x05\x00\x00\x00touch\x85R.",
                   b"\x80\x02cmy_module\nthing\n)R.",
                   b"\x80\x02(cbuiltins\nexec\nX\x01\x00\x00\x001o.",
                   b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93X\x01\x00\x00\x001\x85R."):
        _zip_with(stream, tmp_path / "crafted.pt")
        with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
            minigrad.load(tmp_path / "crafted.pt")


def test_a_plain_unpickler_would_have_run_it(tmp_path: Path) -> None:
    """The control: the same kind of stream does run under pickle.loads (so the refusal above matters)."""
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(_Opens(str(marker)), protocol=2)).close()
    assert marker.exists()


def test_legacy_format_and_non_checkpoints_are_refused(tmp_path: Path) -> None:
    torch.save({"x": torch.ones(2)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy"):
        minigrad.load(tmp_path / "old.pt")
    (tmp_path / "junk.pt").write_bytes(b"hello")
    with pytest.raises(RuntimeError, match="not a torch checkpoint"):
        minigrad.load(tmp_path / "junk.pt")


def test_unsupported_object_is_refused_before_any_file_is_written(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="cannot save an object of type object"):
        minigrad.save({"x": object()}, tmp_path / "m.pt")
    assert os.listdir(tmp_path) == []


def test_minigrad_round_trip_keeps_requires_grad_and_values(tmp_path: Path) -> None:
    x = minigrad.randn(3, 2, requires_grad=True)
    minigrad.save({"x": x, "y": x.detach()[1:]}, tmp_path / "r.pt")
    back = minigrad.load(tmp_path / "r.pt")
    assert back["x"].requires_grad and back["x"].tolist() == x.tolist()
    assert np.shares_memory(back["x"]._data, back["y"]._data)
