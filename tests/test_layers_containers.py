"""ModuleList, ModuleDict, ParameterList, ParameterDict against torch: reprs, indexing, append/extend/insert/
del/pop, state_dict names and order, parameters() order."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import minigrad


def _build(lib: Any) -> Any:
    nn = lib.nn

    class Net(nn.Module):  # type: ignore[name-defined]  # (nn is torch.nn or minigrad.nn, chosen at run time)
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 3) for _ in range(3)])
            self.layers.append(nn.ReLU())
            self.layers.extend([nn.Linear(3, 1), nn.Linear(3, 1)])
            self.layers.insert(1, nn.Tanh())
            self.heads = nn.ModuleDict({"a": nn.Linear(1, 2), "b": nn.Sigmoid()})
            self.heads["c"] = nn.Linear(2, 2, bias=False)
            self.plist = nn.ParameterList([nn.Parameter(lib.zeros(2, 3)), lib.ones(3)])
            self.plist.append(nn.Parameter(lib.zeros(1)))
            self.pdict = nn.ParameterDict({"w": nn.Parameter(lib.zeros(2)), "v": lib.ones(1, 2, 3)})

    lib.manual_seed(0)
    return Net()


def _norm(s: str) -> str:
    return s.replace("torch.", "minigrad.")


def test_reprs_and_state_dict_names_match_torch() -> None:
    th, mg = _build(torch), _build(minigrad)
    assert repr(mg) == _norm(repr(th))
    for name in ("layers", "heads", "plist", "pdict"):
        assert repr(getattr(mg, name)) == _norm(repr(getattr(th, name)))
    assert list(mg.state_dict()) == list(th.state_dict())
    assert [n for n, _ in mg.named_parameters()] == [n for n, _ in th.named_parameters()]
    for (n, a), b in zip(mg.state_dict().items(), th.state_dict().values()):
        assert np.array_equal(a.numpy(), b.numpy()), n
    assert all(isinstance(p, minigrad.nn.Parameter) for p in mg.plist)
    assert mg.pdict["v"].requires_grad and th.pdict["v"].requires_grad


def test_module_list_operations_match_torch() -> None:
    th, mg = _build(torch), _build(minigrad)
    for op in (lambda m: m.layers[-1], lambda m: m.layers[1:4], lambda m: m.layers[::2], lambda m: len(m.layers)):
        assert _norm(repr(op(th))) == repr(op(mg))
    for m in (th, mg):
        del m.layers[0]
        m.layers.pop(1)
        m.layers[0] = m.layers[2]
        m.layers += [m.heads["b"]]
    assert repr(mg.layers) == _norm(repr(th.layers))
    assert list(mg.state_dict()) == list(th.state_dict())
    assert [type(x).__name__ for x in mg.layers] == [type(x).__name__ for x in th.layers]


def test_module_dict_operations_match_torch() -> None:
    th, mg = _build(torch), _build(minigrad)
    for m in (th, mg):
        m.heads.pop("a")
        m.heads.update([("z", m.heads["b"])])
    assert list(mg.heads.keys()) == list(th.heads.keys())
    assert "z" in mg.heads and "a" not in mg.heads
    assert repr(mg.heads) == _norm(repr(th.heads))
    assert list(mg.state_dict()) == list(th.state_dict())


def test_parameter_containers_operations_match_torch() -> None:
    th, mg = _build(torch), _build(minigrad)
    assert len(mg.plist) == len(th.plist) and len(mg.pdict) == len(th.pdict)
    assert list(mg.pdict.keys()) == list(th.pdict.keys())
    for m, lib in ((th, torch), (mg, minigrad)):
        m.pdict["x"] = lib.nn.Parameter(lib.zeros(4))
        del m.pdict["w"]
        m.plist.extend([lib.ones(2, 2)])
    assert repr(mg.plist) == _norm(repr(th.plist))
    assert repr(mg.pdict) == _norm(repr(th.pdict))
    assert list(mg.state_dict()) == list(th.state_dict())
    assert repr(minigrad.nn.ParameterList()) == repr(torch.nn.ParameterList())
    assert repr(minigrad.nn.ModuleList()) == repr(torch.nn.ModuleList())


def test_state_dict_moves_between_engines() -> None:
    th, mg = _build(torch), _build(minigrad)
    with torch.no_grad():
        for p in th.parameters():
            p.add_(1.5)
    mg.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in th.state_dict().items()})
    for (n, a), b in zip(mg.state_dict().items(), th.state_dict().values()):
        assert np.array_equal(a.numpy(), b.numpy()), n


ERRORS = [
    lambda lib: lib.nn.ModuleList([lib.nn.ReLU()])[3],
    lambda lib: lib.nn.ModuleDict({"a": lib.nn.ReLU()})["b"],
    lambda lib: lib.nn.ModuleList().extend(3),
    lambda lib: lib.nn.ModuleDict().update([("a",)]),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_container_errors_match_torch(i: int) -> None:
    with pytest.raises(Exception) as th:
        ERRORS[i](torch)
    with pytest.raises(type(th.value)) as mg:
        ERRORS[i](minigrad)
    assert str(mg.value) == str(th.value).replace("torch.", "minigrad.")
