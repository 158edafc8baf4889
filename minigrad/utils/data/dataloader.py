"""``DataLoader``: batches of a dataset in torch's order, in this process.

Iterating a DataLoader does what torch's single-process loader does, in the same order, so that the random
streams stay in step with torch's:

1. ``iter(loader)`` draws torch's ``_base_seed`` (``empty((), int64).random_(generator=loader.generator)``),
   one 64-bit draw from the loader's generator (the default one when None), shuffling or not;
2. the first ``next()`` starts the sampler: with ``shuffle=True``, a :class:`RandomSampler` (see there for
   its draws); otherwise indices in order;
3. each batch of indices is fetched (``[dataset[i] for i in batch]``, or ``dataset.__getitems__(batch)``) and
   collated (:func:`default_collate`).

``num_workers > 0`` runs in this process too: the batches and their order are those of torch's worker
processes (which return batches in order); only the parallelism is missing. ``worker_init_fn`` and
``pin_memory`` have nothing to act on and are refused / ignored as stated below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from minigrad.utils.data._collate import default_collate, default_convert
from minigrad.utils.data.dataset import IterableDataset
from minigrad.utils.data.sampler import BatchSampler, RandomSampler, SequentialSampler, draw_int64_seed

__all__ = ["DataLoader"]


class DataLoader:
    """Iterates over ``dataset`` in batches of ``batch_size`` samples (``shuffle``: a new random order each
    epoch; ``drop_last``: skip a last, smaller batch; ``generator``: a :class:`minigrad.Generator` for the
    shuffling draws instead of the default generator)."""

    def __init__(self, dataset: Any, batch_size: int | None = 1, shuffle: bool | None = None, sampler: Any = None,
                 batch_sampler: Any = None, num_workers: int = 0, collate_fn: Callable[[list[Any]], Any] | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None, multiprocessing_context: Any = None,
                 generator: Any = None, *, prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if worker_init_fn is not None and num_workers > 0:
            raise NotImplementedError("minigrad's DataLoader runs num_workers > 0 in this process: there are no "
                                      "worker processes to run worker_init_fn in")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def __iter__(self) -> Iterator[Any]:
        draw_int64_seed(self.generator)  # torch's _base_seed: drawn on every iter(), used by worker processes
        return self._batches()

    def _batches(self) -> Iterator[Any]:
        if self._iterable:
            yield from self._iterable_batches()
            return
        fetch_many = getattr(self.dataset, "__getitems__", None)
        if self.batch_sampler is None:
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
            return
        for indices in self.batch_sampler:
            samples = fetch_many(indices) if callable(fetch_many) else [self.dataset[i] for i in indices]
            yield self.collate_fn(samples)

    def _iterable_batches(self) -> Iterator[Any]:
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch: list[Any] = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)
