"""Run a torch script unchanged on minigrad: ``minigrad run-as-torch script.py [args...]``.

While enabled (``enable()`` / ``with enabled():`` / ``run_script``), a ``sys.meta_path`` finder makes
``import torch``, ``import torch.nn as nn``, ``from torch import nn, optim``, ``import torch.nn.functional as F``,
``torch.optim`` and ``torch.autograd`` resolve to alias modules whose attributes are minigrad's, and reprs say
``torch.`` (``torch.Size([4, 1])``, ``dtype=torch.int64``) so the script prints what torch prints.

A torch feature minigrad lacks fails where it is used, naming it:

- an attribute of an alias module, of a Tensor or of an ``nn.Module`` that torch has and minigrad does not raises
  :class:`UnsupportedAttribute` (an ``AttributeError``, so ``hasattr`` stays False), e.g.
  ``torch.nn.Conv2d is not supported by minigrad (run-as-torch)``; a name torch lacks too gets torch's own
  plain ``AttributeError``;
- importing such a name (``from torch import FloatTensor``), a torch submodule minigrad does not have
  (``torch.utils.data``) or a package built on torch (``torchvision``) raises :class:`UnsupportedImport` (a
  ``ModuleNotFoundError``, so ``try: import torchvision / except ImportError`` keeps working).

Both derive from :class:`Unsupported`. ``torch.cuda.is_available()`` is False and ``torch.device(...)`` is
``minigrad.device`` (any device torch's CPU build names; allocating on an accelerator fails as there): minigrad
runs on the CPU, so a script that picks its device that way runs as on a machine without a GPU.
"""

from __future__ import annotations

import contextlib
import dis
import importlib
import importlib.abc
import importlib.machinery
import os
import runpy
import sys
import types
from collections.abc import Iterator, Sequence
from typing import Any

from minigrad import _dtype
from minigrad._device_api import device  # torch.device under run-as-torch is minigrad.device
from minigrad._tensor import Tensor
from minigrad.nn.module import Module
from minigrad.torch_compat._torch_names import NAMES, TORCH_VERSION

__all__ = [
    "Unsupported", "UnsupportedAttribute", "UnsupportedImport", "enable", "disable", "enabled", "is_enabled",
    "run_script", "ALIASES", "TORCH_VERSION",
]

# torch module name -> the minigrad module it is served by.
ALIASES: dict[str, str] = {
    "torch": "minigrad",
    "torch.nn": "minigrad.nn",
    "torch.nn.functional": "minigrad.nn.functional",
    "torch.nn.init": "minigrad.nn.init",
    "torch.nn.parameter": "minigrad.nn.parameter",
    "torch.optim": "minigrad.optim",
    "torch.autograd": "minigrad.autograd",
    "torch.optim.lr_scheduler": "minigrad.optim.lr_scheduler",
    "torch.utils": "minigrad.utils",
    "torch.utils.data": "minigrad.utils.data",
    "torch.nn.utils": "minigrad.nn.utils",
    "torch.linalg": "minigrad.linalg",
}
# Packages built on torch: under run-as-torch they would import the alias and fail obscurely, so say it upfront.
ECOSYSTEM = ("torchvision", "torchaudio", "torchtext", "torchdata", "torchmetrics", "functorch", "lightning",
             "pytorch_lightning")
_SUFFIX = "is not supported by minigrad (run-as-torch)"


class Unsupported(Exception):  # noqa: N818 - reads as the message: "Unsupported: torch.X is not..."
    """A torch feature that minigrad does not implement (base of the two errors below)."""


class UnsupportedAttribute(Unsupported, AttributeError):  # noqa: N818
    """``torch.X``, ``tensor.X`` or ``module.X`` that torch has and minigrad lacks."""


class UnsupportedImport(Unsupported, ModuleNotFoundError):  # noqa: N818
    """An import of a torch module or name that minigrad lacks, or of a package built on torch."""


def _message(feature: str) -> str:
    return f"{feature} {_SUFFIX}"


def _in_import_from(frame: types.FrameType) -> bool:
    """True when ``frame`` (the caller of an alias module's ``__getattr__``) runs ``from X import name``.

    CPython turns an AttributeError raised there into "cannot import name ...", losing our message, so that
    case raises UnsupportedImport instead.
    """
    code = frame.f_code.co_code
    i = frame.f_lasti
    return 0 <= i < len(code) and code[i] == _IMPORT_FROM


_IMPORT_FROM = dis.opmap["IMPORT_FROM"]


def _missing(owner: str, namespace: str, name: str, obj: Any = None, importing: bool = False) -> Exception:
    """The error for ``owner.name`` not found on minigrad's side: Unsupported if torch has it, else torch's."""
    if name in NAMES.get(namespace, ()):
        feature = f"{namespace}.{name}"
        if importing:
            return UnsupportedImport(_message(feature), name=feature)
        return UnsupportedAttribute(_message(feature), name=name, obj=obj)
    return AttributeError(f"{owner} has no attribute '{name}'", name=name, obj=obj)


# ---------------------------------------------------------------------- alias modules
class _AliasModule(types.ModuleType):
    """``torch`` (or ``torch.nn``...): minigrad's module under torch's name; a missing torch feature is named."""

    _target: types.ModuleType
    _extras: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        full = f"{self.__name__}.{name}"
        if full in ALIASES:
            return importlib.import_module(full)
        if name in self._extras:
            value = self._extras[name]
        elif name.startswith("__") or name in ("_target", "_extras"):
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")
        else:
            value = getattr(self._target, name, _MISSING)
            # a minigrad submodule torch does not have under this name (minigrad.ops, minigrad.random...)
            if value is _MISSING or isinstance(value, types.ModuleType):
                importing = _in_import_from(sys._getframe(1))
                raise _missing(f"module '{self.__name__}'", self.__name__, name, importing=importing)
        self.__dict__[name] = value  # found: later lookups skip __getattr__
        return value

    def __dir__(self) -> list[str]:
        names = {n for n, v in vars(self._target).items() if not isinstance(v, types.ModuleType)}
        names |= {k.rsplit(".", 1)[1] for k in ALIASES if k.rsplit(".", 1)[0] == self.__name__}
        return sorted(names | set(self._extras) | set(self.__dict__))


_MISSING = object()


class _StubModule(types.ModuleType):
    """A torch submodule minigrad does not have but whose few probes have a truthful CPU-only answer."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")
        raise UnsupportedAttribute(_message(f"{self.__name__}.{name}"), name=name)


def _cuda_stub() -> types.ModuleType:
    cuda = _StubModule("torch.cuda", "CUDA: not available under minigrad (CPU only).")
    # (type: ignore below: a _StubModule declares no attributes; torch.cuda's two functions are set on this one)
    cuda.is_available = lambda: False  # type: ignore[attr-defined]  # (see above)
    cuda.device_count = lambda: 0  # type: ignore[attr-defined]  # (see above)
    return cuda


def _make_alias(name: str) -> _AliasModule:
    module = _AliasModule(name)
    target = importlib.import_module(ALIASES[name])
    module.__dict__.update(_target=target, _extras={}, __doc__=target.__doc__, __path__=[])
    if hasattr(target, "__all__"):  # for ``from torch import *``: minigrad's names, no minigrad-only submodule
        module._extras["__all__"] = [n for n in target.__all__ if f"{name}.{n}" in ALIASES
                                     or not isinstance(getattr(target, n, None), types.ModuleType)]
    if name == "torch":
        module._extras.update(cuda=_cuda_stub(), device=device, __version__=f"{TORCH_VERSION}+minigrad")
    return module


def _requested_name(fullname: str) -> str:
    """The module the user asked for: ``torch.utils.data`` while importlib is loading its parent ``torch.utils``."""
    best = fullname
    frame: types.FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name in ("_find_and_load", "_find_and_load_unlocked"):
            asked = frame.f_locals.get("name")
            if isinstance(asked, str) and asked.startswith(fullname + ".") and len(asked) > len(best):
                best = asked
        frame = frame.f_back
    return best


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``torch`` and its aliased submodules; refuses other torch modules and torch-based packages."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        top = fullname.partition(".")[0]
        if fullname in ALIASES:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        if top in ECOSYSTEM:
            raise UnsupportedImport(_message(_requested_name(fullname)), name=fullname)
        if top == "torch":
            parent, _, child = fullname.rpartition(".")
            known = NAMES["torch:modules"] if parent == "torch" else NAMES.get(parent, ())
            if child in known:
                raise UnsupportedImport(_message(_requested_name(fullname)), name=fullname)
            raise ModuleNotFoundError(f"No module named '{fullname}'", name=fullname)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _make_alias(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the alias delegates to an already imported minigrad module."""


# ---------------------------------------------------------------------- enable / disable
class _State:
    enabled = False
    saved_modules: dict[str, types.ModuleType] = {}  # noqa: RUF012 - the real torch modules, put back by disable()
    saved_attrs: list[tuple[Any, str, Any]] = []  # noqa: RUF012 - (object, attribute, old value or _MISSING)


_FINDER = _Finder()


def _ours(name: str) -> bool:
    top = name.partition(".")[0]
    return top == "torch" or top in ECOSYSTEM


def _patch(obj: Any, attr: str, value: Any) -> None:
    _State.saved_attrs.append((obj, attr, obj.__dict__.get(attr, _MISSING)))
    setattr(obj, attr, value)


def is_enabled() -> bool:
    return _State.enabled


def enable() -> None:
    """Make ``import torch`` give minigrad (until ``disable()``); reprs say ``torch.``.

    A real torch imported earlier in the process is taken out of ``sys.modules`` meanwhile (and put back by
    ``disable()``), so don't use real torch objects while enabled: their lazy imports would meet the alias.
    ``minigrad run-as-torch`` runs in a fresh process, where this cannot happen.
    """
    if _State.enabled:
        return
    tensor_module = sys.modules["minigrad._tensor_base"]
    _State.saved_modules = {k: sys.modules.pop(k) for k in list(sys.modules) if _ours(k)}
    sys.meta_path.insert(0, _FINDER)
    _patch(tensor_module, "display_module", "torch")
    _patch(_dtype.dtype, "__repr__", _dtype_repr)
    _patch(Tensor, "__getattr__", _tensor_getattr)
    _patch(Module, "__getattr__", _module_getattr(Module.__getattr__))
    _State.enabled = True


def disable() -> None:
    """Undo ``enable()``: the real torch (if it was imported) is back in ``sys.modules``."""
    if not _State.enabled:
        return
    for name in [k for k in sys.modules if _ours(k)]:
        del sys.modules[name]
    sys.modules.update(_State.saved_modules)
    _State.saved_modules = {}
    with contextlib.suppress(ValueError):
        sys.meta_path.remove(_FINDER)
    for obj, attr, old in reversed(_State.saved_attrs):
        if old is _MISSING:
            delattr(obj, attr)
        else:
            setattr(obj, attr, old)
    _State.saved_attrs = []
    _State.enabled = False


@contextlib.contextmanager
def enabled() -> Iterator[None]:
    """``with enabled():`` — torch imports resolve to minigrad inside the block."""
    was = _State.enabled
    enable()
    try:
        yield
    finally:
        if not was:
            disable()


def _dtype_repr(self: Any) -> str:
    return f"{sys.modules['minigrad._tensor_base'].display_module}.{self.name}"


def _tensor_getattr(self: Any, name: str) -> Any:
    """``Tensor.__getattr__`` while enabled (only reached when normal lookup failed)."""
    if name.startswith("_"):
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'", name=name, obj=self)
    raise _missing(f"'{type(self).__name__}' object", "torch.Tensor", name, self)


def _module_getattr(original: Any) -> Any:
    def __getattr__(self: Any, name: str) -> Any:  # noqa: N807 - installed as Module.__getattr__
        try:
            return original(self, name)
        except AttributeError:
            if name in NAMES["torch.nn.Module"]:
                raise UnsupportedAttribute(_message(f"torch.nn.Module.{name}"), name=name, obj=self) from None
            raise

    return __getattr__


def run_script(path: str, argv: Sequence[str] = ()) -> None:
    """Run the torch script at ``path`` as ``__main__`` on minigrad, with ``sys.argv = [path, *argv]``.

    Like ``python path args...``: the script's directory comes first on ``sys.path``; ``SystemExit`` propagates.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"can't open file {path!r}: no such file")
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path, *argv]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        with enabled():
            runpy.run_path(path, run_name="__main__")
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
