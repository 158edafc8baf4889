"""Hold an error or a warning against torch's: same exception type, same message (library names made neutral).

    assert_same_error(lambda: minigrad.ones(2) @ minigrad.ones(3), lambda: torch.ones(2) @ torch.ones(3))

Nothing here imports torch: the two calls are the caller's.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["normalize_message", "capture_error", "assert_same_error", "warnings_of"]

_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)\.?")


def normalize_message(msg: str) -> str:
    """A message with the library name made neutral (``minigrad.Size`` and ``torch.Size`` both read ``Size``,
    ``minigrad.FloatTensor`` reads ``torch.FloatTensor``) and torch's "(Triggered internally at file:line)"
    suffix dropped."""
    msg = _TRIGGERED.sub("", msg)
    return msg.replace("minigrad.", "torch.").replace("torch.Size", "Size").strip()


def capture_error(fn: Callable[[], Any]) -> BaseException:
    """The exception ``fn()`` raises; AssertionError if it raises none."""
    try:
        fn()
    except Exception as e:
        return e
    raise AssertionError(f"{fn} raised nothing")


def assert_same_error(mg_fn: Callable[[], Any], th_fn: Callable[[], Any], *, exact: bool = True) -> BaseException:
    """Both calls raise; the same exception type; the same message (or, with ``exact=False``, minigrad's
    message starts with torch's first sentence). Returns minigrad's exception."""
    th_err = capture_error(th_fn)
    mg_err = capture_error(mg_fn)
    assert type(mg_err) is type(th_err), f"minigrad raised {type(mg_err).__name__}: {mg_err}; torch raised " \
                                         f"{type(th_err).__name__}: {th_err}"
    m, t = normalize_message(str(mg_err)), normalize_message(str(th_err))
    if exact:
        assert m == t, f"message differs:\nminigrad: {m}\ntorch:    {t}"
    else:
        head = t.split(". ")[0].split(": ")[0]
        assert m.startswith(head), f"message differs:\nminigrad: {m}\ntorch:    {t}"
    return mg_err


def warnings_of(fn: Callable[[], Any]) -> list[tuple[type[Warning], str]]:
    """(category, normalized message) of every warning ``fn`` emits."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category, normalize_message(str(w.message))) for w in caught]
