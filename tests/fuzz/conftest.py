"""The fuzz's process-wide set-up: a memory cap while fuzzing."""

from __future__ import annotations

import resource
from collections.abc import Iterator

import pytest

from fuzz.harness import HEADROOM


@pytest.fixture(autouse=True, scope="module")
def _bounded_memory() -> Iterator[None]:
    """Cap the process's address space at its current size + ``HEADROOM`` while fuzzing: a call asking for
    gigabytes (a tiny arange step, a huge size) then fails at once, in torch ("can't allocate memory") and in
    minigrad alike, instead of filling the machine's memory or taking minutes. Restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        current = int(f.read().split()[0]) * resource.getpagesize()
    cap = current + HEADROOM
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

