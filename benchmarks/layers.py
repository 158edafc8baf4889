"""Layers benchmark (``minigrad bench --layers``): forward + backward of each layer at tutorial sizes, minigrad
against torch eager, at 1 thread, interleaved (rotated order per round), warmed up, medians and the paired
per-round ratio minigrad/torch with its ~95% CI. The BLAS/thread settings are printed with the table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from benchmarks import timing

__all__ = ["WORKLOADS", "run_layers"]


WORKLOADS: dict[str, tuple[str, Callable[[Any], Any], tuple[int, ...], str]] = {
    # name: (tutorial, module factory, input shape, input kind)
    "Conv2d 3→6 k5": ("blitz CIFAR CNN conv1, batch 4", lambda lib: lib.nn.Conv2d(3, 6, 5), (4, 3, 32, 32), "x"),
    "Conv2d 6→16 k5": ("blitz CIFAR CNN conv2", lambda lib: lib.nn.Conv2d(6, 16, 5), (4, 6, 14, 14), "x"),
    "Conv1d 64→64 k3": ("1-d audio/text CNN", lambda lib: lib.nn.Conv1d(64, 64, 3, padding=1), (8, 64, 100), "x"),
    "MaxPool2d 2": ("blitz CIFAR CNN pool", lambda lib: lib.nn.MaxPool2d(2, 2), (4, 6, 28, 28), "x"),
    "AvgPool2d 2": ("same size, average", lambda lib: lib.nn.AvgPool2d(2), (4, 6, 28, 28), "x"),
    "AdaptiveAvgPool2d 5": ("to 5x5", lambda lib: lib.nn.AdaptiveAvgPool2d((5, 5)), (4, 16, 10, 10), "x"),
    "BatchNorm2d 6": ("after conv1, train", lambda lib: lib.nn.BatchNorm2d(6), (4, 6, 28, 28), "x"),
    "BatchNorm1d 128": ("MLP hidden, train", lambda lib: lib.nn.BatchNorm1d(128), (64, 128), "x"),
    "LayerNorm 200": ("word LM, seq 35 x batch 20", lambda lib: lib.nn.LayerNorm(200), (35, 20, 200), "x"),
    "Embedding 10000x200": ("word LM, 35x20 ids", lambda lib: lib.nn.Embedding(10000, 200), (35, 20), "ids"),
    "Dropout 0.2": ("word LM, train", lambda lib: lib.nn.Dropout(0.2), (35, 20, 200), "x"),
    "RNN 57→128": ("char-RNN names, 10 chars", lambda lib: lib.nn.RNN(57, 128), (10, 1, 57), "x"),
    "LSTM 200x2": ("word LM, 2 layers, 35x20", lambda lib: lib.nn.LSTM(200, 200, 2), (35, 20, 200), "x"),
    "GRU 256": ("seq2seq encoder, 10 words", lambda lib: lib.nn.GRU(256, 256), (10, 1, 256), "x"),
}


def _step(lib: Any, name: str) -> Callable[[], Any]:
    """One forward + backward of the workload in ``lib`` (torch or minigrad), grads cleared first."""
    _, factory, shape, kind = WORKLOADS[name]
    lib.manual_seed(0)
    module = factory(lib)
    rng = np.random.default_rng(0)
    if kind == "ids":
        x = lib.tensor(rng.integers(0, 10000, shape))
    else:
        x = lib.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
    params = list(module.parameters())

    def step() -> None:
        for p in params:
            p.grad = None
        if kind != "ids":
            x.grad = None
        out = module(x)
        if isinstance(out, tuple):
            out = out[0]
        out.sum().backward()

    return step


def run_layers(quick: bool = False, *, rounds: int | None = None, warm_s: float | None = None,
               names: Sequence[str] | None = None) -> int:
    """Time every workload (or only ``names``); print one row each (medians and the paired ratio). Returns 0.
    ``rounds`` and ``warm_s`` override the budget (the smoke test runs a tiny one)."""
    import torch

    import minigrad

    default_rounds, default_warm = (15, 0.2) if quick else (41, 0.5)
    rounds = default_rounds if rounds is None else rounds
    warm = default_warm if warm_s is None else warm_s
    rows: list[tuple[str, str, float, float, dict[str, Any]]] = []
    with timing.thread_mode("1thread"):
        settings = timing.thread_settings()
        for name in WORKLOADS if names is None else names:
            fns = {"minigrad": _step(minigrad, name), "torch": _step(torch, name)}
            est = timing.warm_up(fns, min_calls=3, min_seconds=warm)
            res = timing.interleave(fns, rounds, calls=timing.calls_per_sample(est, 0.02), rewarm={"minigrad", "torch"})
            mg, th = timing.summarize(res["samples_ns"]["minigrad"]), timing.summarize(res["samples_ns"]["torch"])
            ratio = timing.paired_ratio(res["samples_ns"]["minigrad"], res["samples_ns"]["torch"])
            rows.append((name, WORKLOADS[name][0], mg["median_s"], th["median_s"], ratio))
    print("Layers: forward + backward at tutorial sizes, float32, 1 thread, interleaved; medians of "
          f"{rounds} rounds")
    print(f"{'layer':<22}{'size':<32}{'minigrad':>11}{'torch':>11}{'ratio':>8}  95% CI")
    for name, where, mg_s, th_s, ratio in rows:
        ci: Any = ratio["ci95"]  # (paired_ratio is typed dict[str, float]; its ci95 is a pair)
        lo, hi = ci
        print(f"{name:<22}{where:<32}{mg_s * 1e6:>9.0f}µs{th_s * 1e6:>9.0f}µs{ratio['median']:>7.2f}x  "
              f"[{lo:.2f}, {hi:.2f}]")
    pools = ", ".join(f"{p['internal_api']}={p['num_threads']}" for p in settings["threadpoolctl"])
    print(f"threads: {pools}; torch {settings.get('torch_num_threads')}; "
          f"BLAS env {timing.blas_environment()['variables']}")
    return 0
