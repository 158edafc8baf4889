"""minigrad.utils.data against torch.utils.data: the same batches in the same order after manual_seed (shuffle
on/off, drop_last, generator=), the default generator left in the same state, collation, random_split, checks."""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from typing import Any

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from hypothesis import given
from hypothesis import strategies as st

import minigrad
import minigrad.utils.data as mud
from minigrad.testing import assert_same_error, warnings_of


def _plain(x: Any) -> Any:
    """A batch as plain Python data with each tensor's dtype name, for exact comparison."""
    if isinstance(x, (torch.Tensor, minigrad.Tensor)):
        return ("tensor", str(x.dtype).split(".")[-1], x.tolist())
    if isinstance(x, dict):
        return (type(x).__name__, {k: _plain(v) for k, v in x.items()})
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_plain(v) for v in x])
    return x


class _Pairs:
    """A map-style dataset of (dict, float, int, str) samples: exercises every collate branch."""

    def __init__(self, lib: Any, n: int) -> None:
        self.lib, self.n = lib, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> Any:
        return {"x": self.lib.tensor([float(i), i * 0.5]), "id": i}, i / 4, i % 3 == 0, f"s{i}"


@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), shuffle=st.booleans(), drop_last=st.booleans(),
       seed=st.integers(0, 2**32), gen_seed=st.one_of(st.none(), st.integers(0, 2**40)), epochs=st.integers(1, 3),
       kind=st.sampled_from(["tensors", "pairs"]))
def test_batches_match_torch_after_manual_seed(n: int, batch_size: int, shuffle: bool, drop_last: bool, seed: int,
                                               gen_seed: int | None, epochs: int, kind: str) -> None:
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % 4

    def make(lib: Any, data: Any) -> Any:
        if kind == "tensors":
            ds = data.TensorDataset(lib.tensor(x), lib.tensor(y))
        else:
            ds = _Pairs(lib, n)
        gen = None if gen_seed is None else lib.Generator().manual_seed(gen_seed)
        return data.DataLoader(ds, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=gen)

    torch.manual_seed(seed)
    th = make(torch, tud)
    th_batches = [[_plain(b) for b in th] for _ in range(epochs)]
    th_after = torch.rand(3).tolist()  # the default generator after the epochs: same draws consumed
    minigrad.manual_seed(seed)
    mg = make(minigrad, mud)
    mg_batches = [[_plain(b) for b in mg] for _ in range(epochs)]
    assert mg_batches == th_batches
    assert minigrad.rand(3).tolist() == th_after
    assert len(mg) == len(th)


@given(n=st.integers(1, 30), fractions=st.booleans(), seed=st.integers(0, 2**32), use_gen=st.booleans())
def test_random_split_matches_torch(n: int, fractions: bool, seed: int, use_gen: bool) -> None:
    lengths: list[Any] = [0.5, 0.3, 0.2] if fractions else [n // 2, n - n // 2]
    out: dict[str, Any] = {}
    torch.manual_seed(seed)
    minigrad.manual_seed(seed)
    th_warnings = warnings_of(lambda: out.__setitem__("th", tud.random_split(
        range(n), lengths, generator=torch.Generator().manual_seed(seed) if use_gen else None)))
    mg_warnings = warnings_of(lambda: out.__setitem__("mg", mud.random_split(
        range(n), lengths, generator=minigrad.Generator().manual_seed(seed) if use_gen else None)))
    assert mg_warnings == th_warnings
    assert [list(s) for s in out["mg"]] == [list(s) for s in out["th"]]
    assert minigrad.rand(2).tolist() == torch.rand(2).tolist()


def test_collate_types_match_torch() -> None:
    Point = namedtuple("Point", ["a", "b"])
    batches = [
        [1, 2, 3], [1.5, 2.5], [True, False], ["a", "b"], [np.float32(1.5), np.float32(2)],
        [np.ones((2, 2)), np.zeros((2, 2))], [(1, 2.0), (3, 4.0)], [[1, 2], [3, 4]],
        [OrderedDict(a=1, b=2.0), OrderedDict(a=3, b=4.0)], [Point(1, 2.0), Point(3, 4.5)],
    ]
    for batch in batches:
        assert _plain(mud.default_collate(batch)) == _plain(tud.default_collate(batch)), batch
    assert _plain(mud.default_collate([Point(1, 2.0)])) == _plain(tud.default_collate([Point(1, 2.0)]))
    assert type(mud.default_collate([Point(1, 2.0)])).__name__ == "Point"
    assert_same_error(lambda: mud.default_collate([[1, 2], [3]]), lambda: tud.default_collate([[1, 2], [3]]))
    assert_same_error(lambda: mud.default_collate([object()]), lambda: tud.default_collate([object()]),
                      exact=False)


def test_no_auto_batching_and_samplers() -> None:
    data = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    assert [_plain(b) for b in mud.DataLoader(data, batch_size=None)] == \
        [_plain(b) for b in tud.DataLoader(data, batch_size=None)]
    bs = mud.BatchSampler(mud.SequentialSampler(range(7)), 3, drop_last=False)
    assert list(bs) == list(tud.BatchSampler(tud.SequentialSampler(range(7)), 3, drop_last=False))
    mg = mud.DataLoader(list(range(10)), batch_sampler=bs)
    assert [_plain(b) for b in mg] == [_plain(b) for b in tud.DataLoader(list(range(10)), batch_sampler=bs)]
    g_t, g_m = torch.Generator().manual_seed(5), minigrad.Generator().manual_seed(5)
    assert list(mud.RandomSampler(range(9), replacement=True, num_samples=40, generator=g_m)) == \
        list(tud.RandomSampler(range(9), replacement=True, num_samples=40, generator=g_t))
    assert list(mud.SubsetRandomSampler([4, 5, 6], generator=g_m)) == \
        list(tud.SubsetRandomSampler([4, 5, 6], generator=g_t))


class _Stream(mud.IterableDataset):
    def __iter__(self) -> Any:
        return iter(range(7))


class _TorchStream(tud.IterableDataset):
    def __iter__(self) -> Any:
        return iter(range(7))


def test_iterable_dataset_batches() -> None:
    for kw in ({"batch_size": 3}, {"batch_size": 3, "drop_last": True}):
        assert [_plain(b) for b in mud.DataLoader(_Stream(), **kw)] == \
            [_plain(b) for b in tud.DataLoader(_TorchStream(), **kw)]


@pytest.mark.parametrize("kwargs", [
    {"num_workers": -1}, {"sampler": [0, 1], "shuffle": True}, {"batch_size": None, "drop_last": True},
    {"batch_sampler": [[0]], "batch_size": 2}, {"prefetch_factor": 2}, {"persistent_workers": True},
    {"batch_size": 0},
])
def test_loader_argument_errors_match_torch(kwargs: dict[str, Any]) -> None:
    assert_same_error(lambda: mud.DataLoader(list(range(4)), **kwargs),
                      lambda: tud.DataLoader(list(range(4)), **kwargs))


def test_dataset_checks_match_torch() -> None:
    assert_same_error(lambda: mud.TensorDataset(minigrad.ones(3), minigrad.ones(2)),
                      lambda: tud.TensorDataset(torch.ones(3), torch.ones(2)))
    assert_same_error(lambda: mud.random_split(range(5), [2, 2]), lambda: tud.random_split(range(5), [2, 2]))
    ds = mud.TensorDataset(minigrad.ones(3)) + mud.TensorDataset(minigrad.zeros(2))
    assert len(ds) == 5 and ds[3][0].item() == 0.0 and ds[-1][0].item() == 0.0


def test_workers_run_in_process_with_the_same_batches() -> None:
    torch.manual_seed(0)
    th = [_plain(b) for b in tud.DataLoader(list(range(10)), batch_size=3, shuffle=True, num_workers=2)]
    minigrad.manual_seed(0)
    mg = [_plain(b) for b in mud.DataLoader(list(range(10)), batch_size=3, shuffle=True, num_workers=2)]
    assert mg == th
    with pytest.raises(NotImplementedError, match="in this process"):
        mud.DataLoader(list(range(4)), num_workers=1, worker_init_fn=print)
