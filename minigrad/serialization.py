"""Safe ``save``/``load`` of state dicts in the safetensors format: no pickle, so loading a file never runs code.

``minigrad.save(model.state_dict(), "model.safetensors")`` writes a file that torch reads with
``safetensors.torch.load_file`` (and ``model.load_state_dict`` then predicts the same numbers), and
``minigrad.load`` reads files written by ``safetensors.torch.save_file``. The ``safetensors`` package is an
optional extra (``pip install 'minigrad[io]'``), imported only when a file is saved or loaded; only its NumPy
API is used.

File layout (the safetensors format): 8 bytes little-endian header length ``N``, ``N`` bytes of JSON
``{name: {"dtype", "shape", "data_offsets"}, "__metadata__": {str: str}}``, then the raw little-endian data.

Module state dicts (``{name: tensor}``) are stored as they are: one entry per name, dtype and shape kept,
metadata ``{"minigrad.format": "1", "minigrad.kind": "module"}``. A file without that metadata (e.g. from
``safetensors.torch.save_file``) is read as a module state dict too.

Optimizer state dicts (torch's nested layout ``{"state": {idx: {key: value}}, "param_groups": [{lr, momentum,
..., "params": [idx, ...]}]}``) are flattened (``flatten_state_dict``):

- every tensor ``state[idx][key]`` is the entry ``"state.{idx}.{key}"`` (e.g. ``state.0.momentum_buffer``);
- the metadata holds ``"minigrad.kind": "optimizer"``, ``"param_groups"``: the list of groups as a JSON string
  (hyper-parameters and the ``params`` index lists), and ``"state"``: a JSON object ``{"idx": {key: value}}``
  with every state entry that is not a tensor (numbers, bools, ``None``, strings) and ``{}`` for an index whose
  state is empty, so nothing is lost. JSON turns tuples into lists (torch accepts either) and writes non-finite
  floats as ``NaN``/``Infinity``, which Python's ``json`` reads back.

``unflatten_state_dict`` is the inverse, and works on whatever tensor objects it is given (it only moves them),
so torch code can read minigrad's optimizer files and write files minigrad reads::

    tensors = safetensors.torch.load_file(path)                       # minigrad -> torch
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
    torch_opt.load_state_dict(unflatten_state_dict(tensors, meta))

    tensors, meta = flatten_state_dict(torch_opt.state_dict())         # torch -> minigrad
    safetensors.torch.save_file(tensors, path, metadata=meta)

Safety: ``save`` writes to a temporary file in the same directory and renames it over the target, so a
crash never leaves a half-written checkpoint. ``load`` reads the file once and checks the header itself
before handing the bytes to safetensors: a truncated file, random bytes, a wrong header length, inconsistent
offsets or a dtype minigrad lacks raise ``RuntimeError`` naming the file and (where there is one) the
tensor. ``load`` returns a complete dict or raises; ``load_model`` then loads it into a module or optimizer,
whose ``load_state_dict`` checks every key and shape before writing anything (all-or-nothing).
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np

from minigrad import _optional, _torch_zip
from minigrad._tensor_base import TensorBase, wrap

__all__ = ["save", "load", "save_model", "load_model", "flatten_state_dict", "unflatten_state_dict"]

FORMAT_VERSION = "1"
_KIND, _VERSION = "minigrad.kind", "minigrad.format"
_MAX_HEADER = 100_000_000  # safetensors' own limit on the JSON header

# safetensors dtype names that minigrad can hold, and back
_DTYPES: dict[str, np.dtype] = {
    "F16": np.dtype("<f2"), "F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I8": np.dtype("i1"),
    "I16": np.dtype("<i2"), "I32": np.dtype("<i4"), "I64": np.dtype("<i8"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_NAMES = {dt.newbyteorder("="): name for name, dt in _DTYPES.items()}


def _safetensors_numpy() -> Any:
    """``safetensors.numpy``, imported on first use (an optional dependency)."""
    try:
        return _optional.safetensors()
    except ImportError as e:
        raise ImportError(
            "minigrad.save/minigrad.load need the 'safetensors' package: pip install 'minigrad[io]' "
            "(or pip install safetensors)"
        ) from e


# ---------------------------------------------------------------------------------------------- encoding
def _to_numpy(value: Any, key: str) -> np.ndarray:
    """The array behind a minigrad Tensor, NumPy array or torch-like tensor; TypeError for anything else."""
    if isinstance(value, TensorBase):
        arr = value._data
    elif isinstance(value, np.ndarray | np.generic):
        arr = np.asarray(value)
    elif hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor (torch is never imported here)
        arr = np.asarray(value.detach().cpu().numpy())
    else:
        raise TypeError(f"cannot save '{key}': expected a tensor, got {type(value).__name__}")
    if arr.dtype.newbyteorder("=") not in _NAMES:
        raise TypeError(
            f"cannot save '{key}': dtype {arr.dtype} is not supported (float16/32/64, int8/16/32/64, uint8, bool)"
        )
    return arr if arr.flags.c_contiguous else arr.copy(order="C")  # (np.ascontiguousarray makes 0-d 1-d)


def _is_optimizer_state(obj: Any) -> bool:
    return (
        isinstance(obj, Mapping)
        and set(obj.keys()) == {"state", "param_groups"}
        and isinstance(obj["state"], Mapping)
        and isinstance(obj["param_groups"], list | tuple)
    )


def _is_tensor(value: Any) -> bool:
    return isinstance(value, TensorBase | np.ndarray) or (hasattr(value, "detach") and hasattr(value, "numpy"))


def _json(value: Any, what: str) -> str:
    try:
        return json.dumps(value, allow_nan=True, sort_keys=False)
    except (TypeError, ValueError) as e:
        raise TypeError(f"cannot save {what}: {e} (only numbers, bools, None, strings and lists are stored)") from None


def flatten_state_dict(state_dict: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Split an optimizer state dict into (tensors by ``"state.{idx}.{key}"``, safetensors metadata).

    The tensors are returned as given (minigrad, NumPy or torch); the metadata is ``{str: str}``.
    """
    if not _is_optimizer_state(state_dict):
        raise TypeError("flatten_state_dict expects an optimizer state dict: {'state': {...}, 'param_groups': [...]}")
    tensors: dict[str, Any] = {}
    scalars: dict[str, dict[str, Any]] = {}
    with_tensors: set[int] = set()
    for idx, entry in state_dict["state"].items():
        if isinstance(idx, bool) or not isinstance(idx, int | np.integer):
            raise TypeError(f"cannot save optimizer state: parameter index {idx!r} is not an int")
        if not isinstance(entry, Mapping):
            raise TypeError(f"cannot save optimizer state {idx}: expected a dict, got {type(entry).__name__}")
        plain: dict[str, Any] = {}
        for key, value in entry.items():
            if not isinstance(key, str):
                raise TypeError(f"cannot save optimizer state {idx}: key {key!r} is not a string")
            if _is_tensor(value):
                tensors[f"state.{int(idx)}.{key}"] = value
                with_tensors.add(int(idx))
            else:
                _json(value, f"optimizer state '{idx}.{key}'")
                plain[key] = value
        if plain or int(idx) not in with_tensors:
            scalars[str(int(idx))] = plain
    groups = []
    for i, group in enumerate(state_dict["param_groups"]):
        if not isinstance(group, Mapping) or "params" not in group:
            raise TypeError(f"cannot save param_groups[{i}]: expected a dict with a 'params' list")
        for key, value in group.items():
            if _is_tensor(value):
                raise TypeError(f"cannot save param_groups[{i}]['{key}']: tensors are not stored as hyper-parameters")
            _json(value, f"param_groups[{i}]['{key}']")
        groups.append(dict(group))
    metadata = {
        _VERSION: FORMAT_VERSION,
        _KIND: "optimizer",
        "param_groups": _json(groups, "param_groups"),
        "state": _json(scalars, "optimizer state"),
    }
    return tensors, metadata


def unflatten_state_dict(tensors: Mapping[str, Any], metadata: Mapping[str, str] | None) -> dict[str, Any]:
    """Rebuild an optimizer state dict from ``flatten_state_dict``'s output (ValueError if it is malformed).

    Tensors are moved as they are (minigrad, NumPy or torch); parameter indices become ints again.
    """
    return _unflatten(tensors, metadata or {}, "the state dict")


def _unflatten(tensors: Mapping[str, Any], metadata: Mapping[str, str], where: str) -> dict[str, Any]:
    def bad(detail: str) -> ValueError:
        return ValueError(f"{where} is not a valid optimizer state dict: {detail}")

    for field in ("param_groups", "state"):
        if field not in metadata:
            raise bad(f"metadata key '{field}' is missing")
    try:
        groups = json.loads(metadata["param_groups"])
    except ValueError as e:
        raise bad(f"metadata 'param_groups' is not valid JSON ({e})") from None
    try:
        plain = json.loads(metadata["state"])
    except ValueError as e:
        raise bad(f"metadata 'state' is not valid JSON ({e})") from None
    if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        raise bad("metadata 'param_groups' must be a list of objects")
    for i, g in enumerate(groups):
        params = g.get("params")
        if not isinstance(params, list) or not all(isinstance(p, int) and not isinstance(p, bool) for p in params):
            raise bad(f"param_groups[{i}]['params'] must be a list of ints")
    if not isinstance(plain, dict) or not all(isinstance(v, dict) for v in plain.values()):
        raise bad("metadata 'state' must be an object of objects")
    state: dict[int, dict[str, Any]] = {}

    def index(text: str, key: str) -> int:
        if not text.isdigit():
            raise bad(f"'{key}' does not name a parameter index")
        return int(text)

    for idx, entry in plain.items():
        state.setdefault(index(idx, f"state.{idx}"), {}).update(entry)
    for name, value in tensors.items():
        parts = name.split(".", 2)
        if len(parts) != 3 or parts[0] != "state" or not parts[2]:
            raise bad(f"tensor '{name}' is not of the form 'state.<index>.<key>'")
        state.setdefault(index(parts[1], name), {})[parts[2]] = value
    return {"state": dict(sorted(state.items())), "param_groups": groups}


# ---------------------------------------------------------------------------------------------- save
def _describe(f: Any) -> str:
    if isinstance(f, str | os.PathLike):
        return f"'{os.fspath(f)}'"
    name = getattr(f, "name", None)
    return f"'{name}'" if isinstance(name, str) else repr(f)


def _encode(obj: Any) -> bytes:
    """The safetensors bytes of a module or optimizer state dict."""
    if _is_optimizer_state(obj):
        tensors, metadata = flatten_state_dict(obj)
    elif isinstance(obj, Mapping):
        tensors, metadata = dict(obj), {_VERSION: FORMAT_VERSION, _KIND: "module"}
    else:
        raise TypeError(
            f"minigrad.save expects a state dict (a mapping of names to tensors, or an optimizer state dict), "
            f"got {type(obj).__name__}"
        )
    arrays = {}
    for key, value in tensors.items():
        if not isinstance(key, str):
            raise TypeError(f"cannot save key {key!r}: state dict keys must be strings")
        if key == "__metadata__":
            raise ValueError("cannot save key '__metadata__': the name is reserved by the safetensors format")
        arrays[key] = _to_numpy(value, key)
    return bytes(_safetensors_numpy().save(arrays, metadata=metadata))


def save(obj: Mapping[str, Any], f: str | os.PathLike[str] | Any) -> None:
    """Write a module or optimizer state dict to ``f`` (a path or a binary file object) as safetensors.

    A path is written atomically: to a temporary file beside it, then renamed over it.
    """
    # .pt/.pth: torch's zip checkpoint format (minigrad/_torch_zip.py); anything else: safetensors
    data = _torch_zip.encode(obj, f) if _torch_zip.is_torch_zip_path(f) else _encode(obj)
    if hasattr(f, "write"):
        f.write(data)
        return
    if not isinstance(f, str | os.PathLike):
        raise TypeError(f"minigrad.save: expected a path or a binary file object, got {type(f).__name__}")
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".minigrad-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_model(model: Any, f: str | os.PathLike[str] | Any) -> None:
    """``save(model.state_dict(), f)`` for a module or an optimizer (safetensors.torch.save_model's name)."""
    save(model.state_dict(), f)


# ---------------------------------------------------------------------------------------------- load
def _parse_header(data: bytes, where: str) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Check the safetensors header of ``data`` completely; return (entries by name, metadata)."""

    def bad(detail: str) -> RuntimeError:
        return RuntimeError(f"cannot load {where}: {detail}")

    if len(data) < 8:
        raise bad(f"the file has {len(data)} bytes, too few for a safetensors header (empty or truncated file)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(len(data) - 8, _MAX_HEADER):
        raise bad(
            f"the header length field says {n} bytes but the file has only {len(data) - 8} bytes after it "
            "(truncated file, or not a safetensors file)"
        )
    try:
        header = json.loads(data[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise bad(f"the header is not valid JSON ({e}): corrupted file, or not a safetensors file") from None
    if not isinstance(header, dict):
        raise bad("the header is not a JSON object: corrupted file, or not a safetensors file")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise bad("'__metadata__' must map strings to strings")
    body = len(data) - 8 - n
    spans = []
    for key, entry in header.items():
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise bad(f"tensor '{key}': the entry must have exactly 'dtype', 'shape' and 'data_offsets'")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape):
            raise bad(f"tensor '{key}': shape {shape!r} is not a list of non-negative ints")
        if not isinstance(dtype, str) or dtype not in _DTYPES:
            raise bad(
                f"tensor '{key}': dtype {dtype!r} is not one minigrad can hold "
                f"(supported: {', '.join(_DTYPES)})"
            )
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)):
            raise bad(f"tensor '{key}': data_offsets {offsets!r} must be two ints")
        begin, end = offsets
        if not 0 <= begin <= end:
            raise bad(f"tensor '{key}': data_offsets {offsets} are not an increasing pair")
        if end > body:
            raise bad(f"tensor '{key}' ends at byte {end} but the data section has only {body} bytes (truncated file)")
        need = math.prod(shape) * _DTYPES[dtype].itemsize
        if end - begin != need:
            raise bad(
                f"tensor '{key}': shape {shape} of {dtype} needs {need} bytes but data_offsets {offsets} give "
                f"{end - begin} (corrupted header)"
            )
        spans.append((begin, end, key))
    position = 0
    for begin, end, key in sorted(spans):
        if begin != position:
            raise bad(f"tensor '{key}' starts at byte {begin}, expected {position} (overlapping or missing data)")
        position = end
    if position != body:
        raise bad(f"the tensors cover {position} bytes of data but the file holds {body} (trailing or missing data)")
    return header, metadata


def _read(f: Any) -> tuple[bytes, str]:
    if hasattr(f, "read"):
        data = f.read()
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"minigrad.load: the file object must be opened in binary mode, got {type(data).__name__}")
        return bytes(data), _describe(f)
    if not isinstance(f, str | os.PathLike):
        raise TypeError(f"minigrad.load: expected a path or a binary file object, got {type(f).__name__}")
    with open(f, "rb") as fh:
        return fh.read(), _describe(f)


def load(f: str | os.PathLike[str] | Any, map_location: Any = None) -> dict[str, Any]:
    """Read a state dict written by ``save`` (or by ``safetensors.torch.save_file``); never runs code.

    Returns ``{name: Tensor}`` for a module file and ``{"state": ..., "param_groups": ...}`` for an optimizer
    file, complete, or raises: ``FileNotFoundError`` for a missing file, ``RuntimeError`` naming the file (and
    the tensor) for a truncated or corrupted one.
    """
    if map_location not in (None, "cpu"):
        raise RuntimeError(f"minigrad runs on the CPU only; cannot load to map_location={map_location!r}")
    if _torch_zip.is_torch_zip_path(f):  # .pt/.pth: torch's zip checkpoint format (minigrad/_torch_zip.py)
        return _torch_zip.load(f)
    st_numpy = _safetensors_numpy()
    data, where = _read(f)
    header, metadata = _parse_header(data, where)
    try:
        arrays = st_numpy.load(data)
    except Exception as e:  # SafetensorError: the header check above should have caught it first
        raise RuntimeError(f"cannot load {where}: {e}") from e
    if set(arrays) != set(header):
        raise RuntimeError(f"cannot load {where}: safetensors returned other tensors than the header lists")
    tensors: OrderedDict[str, Any] = OrderedDict()
    for key in sorted(header, key=lambda k: header[k]["data_offsets"][0]):  # the order they were saved in
        arr = arrays[key].astype(_DTYPES[header[key]["dtype"]].newbyteorder("="), copy=True)
        tensors[key] = wrap(arr)
    if metadata.get(_KIND) == "optimizer":
        return _unflatten(tensors, metadata, where)
    return tensors


def load_model(model: Any, f: str | os.PathLike[str] | Any, strict: bool = True) -> Any:
    """``model.load_state_dict(load(f), strict)`` for a module (or ``load_state_dict(load(f))`` for an optimizer),
    with the file's name added to any error. Nothing is written unless everything fits."""
    state = load(f)
    where = _describe(f)
    try:
        if _is_optimizer_state(state):
            return model.load_state_dict(state)
        return model.load_state_dict(state, strict=strict)
    except (RuntimeError, ValueError, KeyError, TypeError) as e:
        cls = next(c for c in (RuntimeError, ValueError, KeyError, TypeError) if isinstance(e, c))
        raise cls(f"cannot load {where} into {type(model).__name__}: {e}") from e
