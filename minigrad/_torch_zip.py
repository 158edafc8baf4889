"""torch's ``.pt``/``.pth`` checkpoint format (``torch.save`` since 1.6), read and written without torch.

The file is a zip archive, stored (no compression), every record under one top folder (``<name>/``):

- ``data.pkl``: a pickle (protocol 2) of the saved object. A tensor is pickled as
  ``torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, OrderedDict())``
  where ``storage`` is a *persistent id*, the tuple ``("storage", torch.<Type>Storage, key, "cpu", numel)``;
  views of one storage name the same key. A Parameter wraps that in ``torch._utils._rebuild_parameter(tensor,
  requires_grad, OrderedDict())``; a module's state dict is a ``collections.OrderedDict``;
- ``data/<key>``: each storage's raw bytes, in the byte order of ``byteorder`` (``little``);
- ``version`` (``3``), ``.format_version`` (``1``), ``.storage_alignment`` (``64``: torch pads each record's
  local header with an extra field ``FB`` so that every record's data starts at a multiple of 64) and
  ``.data/serialization_id``.

Reading follows torch's ``weights_only=True`` contract. Before anything is unpickled, every opcode of
``data.pkl`` is checked: only the opcodes that build plain data are allowed, and every global the pickle names
must be one of ``_ALLOWED`` (OrderedDict, Counter, set, torch.Size, the storage types of the dtypes minigrad has,
the tensor and parameter rebuild functions). Anything else (``os.system``, a class whose ``__reduce__`` would run
code, an unknown global) is refused with ``pickle.UnpicklingError``, torch's error for it, and nothing of the
file has been run. The unpickler itself admits only the same globals (it maps each to a function of this module:
no torch object and no imported callable is ever reached). The legacy pre-1.6 format (a bare pickle stream) is
refused, saying so.

Writing emits the same opcodes directly (no ``pickle.Pickler``: it would need torch's functions to name them),
so ``torch.load(path)`` (weights_only, its default) reads the file: tensors of every minigrad dtype, views
sharing one storage (kept as views: same storage, offset and strides), nested dicts/lists/tuples, numbers,
strings, None.
"""

from __future__ import annotations

import collections
import io
import os
import pickle
import pickletools
import secrets
import struct
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

from minigrad._tensor import Size, Tensor
from minigrad.nn.parameter import Parameter

__all__ = ["encode", "load", "is_torch_zip_path"]

_STORAGES = {  # torch's storage class names for the dtypes minigrad has
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16, "LongStorage": np.int64,
    "IntStorage": np.int32, "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}
_STORAGE_OF = {np.dtype(v): k for k, v in _STORAGES.items()}
_ALIGN = 64
_SUFFIXES = (".pt", ".pth")

# Opcodes that build plain data (protocols 2-4); any other opcode refuses the file before it is unpickled.
_SAFE_OPCODES = frozenset("""
    PROTO FRAME STOP MARK POP POP_MARK DUP EMPTY_DICT EMPTY_LIST EMPTY_TUPLE EMPTY_SET ADDITEMS FROZENSET DICT LIST
    TUPLE TUPLE1 TUPLE2 TUPLE3 SETITEM SETITEMS APPEND APPENDS BINPUT LONG_BINPUT PUT MEMOIZE BINGET LONG_BINGET GET
    BINUNICODE SHORT_BINUNICODE BINUNICODE8 UNICODE BINSTRING SHORT_BINSTRING BINBYTES SHORT_BINBYTES BINBYTES8
    BININT BININT1 BININT2 INT LONG LONG1 LONG4 BINFLOAT FLOAT NONE NEWTRUE NEWFALSE
    GLOBAL REDUCE BINPERSID BUILD
""".split())


def is_torch_zip_path(f: Any) -> bool:
    """A path whose suffix names torch's format (``.pt``, ``.pth``)."""
    return isinstance(f, str | os.PathLike) and os.fspath(f).lower().endswith(_SUFFIXES)


# ---------------------------------------------------------------------------------------------- reading
def _refuse(message: str) -> pickle.UnpicklingError:
    return pickle.UnpicklingError(
        "Weights only load failed. minigrad.load reads torch's checkpoints as torch.load(weights_only=True) "
        f"does: only tensors, numbers, strings and containers of them.\n\n{message}\n\nminigrad never runs "
        "code from a checkpoint; a file that needs it can only be loaded by torch itself.")


def _check_opcodes(data: bytes) -> None:
    """Every opcode is one that builds plain data and every GLOBAL names an allowed object; else refuse."""
    try:
        ops = list(pickletools.genops(data))
    except Exception as e:  # a malformed stream: refuse it before unpickling anything
        raise pickle.UnpicklingError(f"Weights only load failed: data.pkl is not a valid pickle ({e})") from None
    for op, arg, _ in ops:
        if op.name == "GLOBAL":
            module, _, name = str(arg).partition(" ")
            if f"{module}.{name}" not in _ALLOWED:
                raise _refuse(f"Trying to load unsupported GLOBAL {module}.{name}: not one of the allowed globals "
                              f"({', '.join(sorted(_ALLOWED))}).")
        elif op.name not in _SAFE_OPCODES:
            raise _refuse(f"Unsupported operand {op.name} in data.pkl: it could construct or call arbitrary "
                          "objects.")


def _as_shape(x: Any, what: str) -> tuple[int, ...]:
    if not isinstance(x, tuple) or not all(isinstance(v, int) and not isinstance(v, bool) for v in x):
        raise RuntimeError(f"invalid checkpoint: a tensor's {what} is {x!r}, not a tuple of ints")
    return x


def _rebuild_tensor_v2(storage: np.ndarray, offset: int, size: Any, stride: Any, requires_grad: Any = False,
                       backward_hooks: Any = None, metadata: Any = None) -> Any:
    """The tensor ``storage[offset:]`` seen with ``size`` and ``stride`` (in elements): a view of the storage."""
    size, stride = _as_shape(size, "size"), _as_shape(stride, "stride")
    if not isinstance(storage, np.ndarray) or not isinstance(offset, int) or len(size) != len(stride):
        raise RuntimeError("invalid checkpoint: malformed tensor record")
    if any(s < 0 for s in size) or any(s < 0 for s in stride) or offset < 0:
        raise RuntimeError(f"invalid checkpoint: negative size {size}, stride {stride} or offset {offset}")
    if all(size):
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= storage.size:
            raise RuntimeError(f"invalid checkpoint: a tensor of size {list(size)} and stride {list(stride)} at "
                               f"offset {offset} reads past its storage of {storage.size} elements")
    item = storage.dtype.itemsize
    base = storage[offset:] if offset < storage.size else storage[:0]
    arr = np.lib.stride_tricks.as_strided(base, shape=size, strides=tuple(s * item for s in stride),
                                          writeable=True)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data: Any, requires_grad: bool, backward_hooks: Any = None, state: Any = None) -> Any:
    return Parameter(data, requires_grad=bool(requires_grad))


def _size(dims: Any = ()) -> Any:
    return Size(_as_shape(tuple(dims), "size"))


def _encode(text: str, encoding: str = "latin1") -> bytes:
    """``_codecs.encode``: how protocol 2 pickles ``bytes``."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise RuntimeError("invalid checkpoint: unexpected _codecs.encode call")
    return text.encode("latin1")


class _StorageType:
    """Stands for ``torch.<Type>Storage`` in a persistent id: only its dtype is used."""

    def __init__(self, name: str) -> None:
        self.name, self.dtype = name, np.dtype(_STORAGES[name])


_ALLOWED: dict[str, Any] = {
    "collections.OrderedDict": collections.OrderedDict,
    "collections.Counter": collections.Counter,
    "builtins.set": set,
    "builtins.frozenset": frozenset,
    "builtins.bytearray": bytearray,
    "_codecs.encode": _encode,
    "torch.Size": _size,
    "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
    "torch._utils._rebuild_parameter": _rebuild_parameter,
    "torch._utils._rebuild_parameter_with_state": _rebuild_parameter,
    **{f"torch.{name}": _StorageType(name) for name in _STORAGES},
}


class _Unpickler(pickle.Unpickler):
    """Resolves only the allowed globals (to this module's stand-ins) and storages from the archive."""

    def __init__(self, data: bytes, archive: zipfile.ZipFile, prefix: str, byteorder: str) -> None:
        super().__init__(io.BytesIO(data))
        self._archive, self._prefix, self._byteorder = archive, prefix, byteorder
        self._storages: dict[str, np.ndarray] = {}

    def find_class(self, module: str, name: str) -> Any:
        key = f"{module}.{name}"
        if key not in _ALLOWED:  # (already refused by _check_opcodes: a second line of defence)
            raise _refuse(f"Trying to load unsupported GLOBAL {key}.")
        return _ALLOWED[key]

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType) and isinstance(pid[2], str) and isinstance(pid[4], int)):
            raise pickle.UnpicklingError(f"Weights only load failed: unsupported persistent id {pid!r}")
        _, kind, key, location, numel = pid
        if not str(location).startswith("cpu"):  # torch maps other devices; minigrad reads the bytes on the CPU
            location = "cpu"
        cached = self._storages.get(key)
        if cached is None:
            name = f"{self._prefix}data/{key}"
            try:
                raw = self._archive.read(name)
            except KeyError:
                raise RuntimeError(f"invalid checkpoint: storage record {name!r} is missing") from None
            dtype = kind.dtype.newbyteorder("<" if self._byteorder == "little" else ">")
            if len(raw) != numel * dtype.itemsize:
                raise RuntimeError(f"invalid checkpoint: storage {key} has {len(raw)} bytes, expected "
                                   f"{numel} × {dtype.itemsize}")
            cached = np.frombuffer(raw, dtype).astype(kind.dtype)  # native order, a writable copy
            self._storages[key] = cached
        elif cached.dtype != kind.dtype:
            raise RuntimeError(f"invalid checkpoint: storage {key} is read as two dtypes")
        return cached


def load(f: str | os.PathLike[str], map_location: Any = None) -> Any:
    """The object saved in torch's zip checkpoint ``f`` (see the module docstring); never runs code from it."""
    path = os.fspath(f)
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head[:2] != b"PK":
        if head[:1] == b"\x80":
            raise RuntimeError(f"cannot load {path!r}: it is in torch's legacy (pre-1.6) format, a bare pickle "
                               "stream, which minigrad does not read. Re-save it with torch.save in torch >= 1.6 "
                               "(the zip format).")
        raise RuntimeError(f"cannot load {path!r}: not a torch checkpoint (a .pt file is a zip archive)")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if len(pkl) != 1:
            raise RuntimeError(f"cannot load {path!r}: no single <name>/data.pkl record in the archive")
        prefix = pkl[0][: -len("data.pkl")]
        byteorder = "little"
        if f"{prefix}byteorder" in names:
            byteorder = archive.read(f"{prefix}byteorder").decode().strip()
            if byteorder not in ("little", "big"):
                raise RuntimeError(f"cannot load {path!r}: unknown byte order {byteorder!r}")
        data = archive.read(pkl[0])
        _check_opcodes(data)  # refuse before anything is unpickled
        return _Unpickler(data, archive, prefix, byteorder).load()


# ---------------------------------------------------------------------------------------------- writing
class _Writer:
    """Protocol-2 opcodes for the supported objects, and the storages they reference."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.storages: list[np.ndarray] = []
        self._keys: dict[int, tuple[str, np.ndarray]] = {}  # id(root buffer) -> (key, root)

    def op(self, code: bytes, payload: bytes = b"") -> None:
        self.out.write(code + payload)

    def glob(self, module: str, name: str) -> None:
        self.op(pickle.GLOBAL, f"{module}\n{name}\n".encode())

    def string(self, s: str) -> None:
        b = s.encode("utf-8", "surrogatepass")
        self.op(pickle.BINUNICODE, struct.pack("<I", len(b)) + b)

    def integer(self, v: int) -> None:
        if 0 <= v < 256:
            self.op(pickle.BININT1, struct.pack("<B", v))
        elif 0 <= v < 65536:
            self.op(pickle.BININT2, struct.pack("<H", v))
        elif -(2**31) <= v < 2**31:
            self.op(pickle.BININT, struct.pack("<i", v))
        else:
            b = pickle.encode_long(v)
            self.op(pickle.LONG1, struct.pack("<B", len(b)) + b)

    def tuple_of(self, items: Any) -> None:
        items = list(items)
        if not items:
            self.op(pickle.EMPTY_TUPLE)
            return
        if len(items) > 3:
            self.op(pickle.MARK)
        for v in items:
            self.obj(v)
        self.op({1: pickle.TUPLE1, 2: pickle.TUPLE2, 3: pickle.TUPLE3}.get(len(items), pickle.TUPLE))

    def obj(self, v: Any) -> None:
        if v is None:
            self.op(pickle.NONE)
        elif v is True or v is False:
            self.op(pickle.NEWTRUE if v else pickle.NEWFALSE)
        elif isinstance(v, Parameter):
            self.glob("torch._utils", "_rebuild_parameter")
            self.op(pickle.MARK)
            self.tensor(v)
            self.obj(bool(v.requires_grad))
            self.ordered_dict({})
            self.op(pickle.TUPLE)
            self.op(pickle.REDUCE)
        elif isinstance(v, Tensor):
            self.tensor(v)
        elif isinstance(v, Size):
            self.glob("torch", "Size")
            self.tuple_of_raw(lambda: self.tuple_of(int(d) for d in v))
            self.op(pickle.REDUCE)
        elif isinstance(v, int | np.integer):
            self.integer(int(v))
        elif isinstance(v, float | np.floating):
            self.op(pickle.BINFLOAT, struct.pack(">d", float(v)))
        elif isinstance(v, str):
            self.string(v)
        elif isinstance(v, collections.Counter):
            self.glob("collections", "Counter")
            self.tuple_of_raw(lambda: self.plain_dict(v))
            self.op(pickle.REDUCE)
        elif isinstance(v, collections.OrderedDict):
            self.ordered_dict(v)
        elif isinstance(v, dict):
            self.plain_dict(v)
        elif isinstance(v, list):
            self.op(pickle.EMPTY_LIST)
            if v:
                self.op(pickle.MARK)
                for x in v:
                    self.obj(x)
                self.op(pickle.APPENDS)
        elif isinstance(v, tuple):
            self.tuple_of(v)
        else:
            raise TypeError(f"minigrad.save to a .pt file: cannot save an object of type {type(v).__name__} "
                            "(tensors, numbers, strings, None, and dicts/lists/tuples of them)")

    def tuple_of_raw(self, emit: Any) -> None:
        """A tuple whose items ``emit`` writes (MARK ... TUPLE)."""
        self.op(pickle.MARK)
        emit()
        self.op(pickle.TUPLE)

    def items(self, d: Mapping[Any, Any]) -> None:
        if d:
            self.op(pickle.MARK)
            for k, x in d.items():
                self.obj(k)
                self.obj(x)
            self.op(pickle.SETITEMS)

    def plain_dict(self, d: Mapping[Any, Any]) -> None:
        self.op(pickle.EMPTY_DICT)
        self.items(d)

    def ordered_dict(self, d: Mapping[Any, Any]) -> None:
        self.glob("collections", "OrderedDict")
        self.op(pickle.EMPTY_TUPLE)
        self.op(pickle.REDUCE)
        self.items(d)
        meta = getattr(d, "_metadata", None)
        if meta is not None:
            self.plain_dict({"_metadata": meta})
            self.op(pickle.BUILD)

    def _storage_of(self, arr: np.ndarray) -> tuple[str, np.ndarray, int, tuple[int, ...]]:
        """(key, storage, offset, strides in elements): a view of a C-contiguous buffer shares its storage."""
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        item = arr.dtype.itemsize
        ok = root is not arr and root.dtype == arr.dtype and root.flags.c_contiguous and arr.size > 0
        if ok:
            delta = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            ok = delta % item == 0 and all(s >= 0 and s % item == 0 for s in arr.strides)
        if not ok:  # a buffer of its own (or a view torch cannot express: negative strides, another dtype)
            root = np.ascontiguousarray(arr) if arr.size else np.empty(0, arr.dtype)
            delta = 0
        key_root = self._keys.get(id(root))
        if key_root is None:
            key_root = (str(len(self.storages)), root)
            self._keys[id(root)] = key_root
            self.storages.append(root)
        strides = tuple(s // item for s in (arr.strides if ok else np.ascontiguousarray(arr).strides))
        if not ok:
            strides = _contiguous_strides(arr.shape)
        return key_root[0], root, delta // item, strides

    def tensor(self, t: Any) -> None:
        arr = t._data
        if arr.dtype not in _STORAGE_OF:
            raise TypeError(f"minigrad.save to a .pt file: no torch storage for dtype {arr.dtype}")
        key, root, offset, strides = self._storage_of(arr)
        self.glob("torch._utils", "_rebuild_tensor_v2")
        self.op(pickle.MARK)
        self.op(pickle.MARK)
        self.string("storage")
        self.glob("torch", _STORAGE_OF[arr.dtype])
        self.string(key)
        self.string("cpu")
        self.integer(int(root.size))
        self.op(pickle.TUPLE)
        self.op(pickle.BINPERSID)
        self.integer(offset)
        self.tuple_of(int(d) for d in arr.shape)
        self.tuple_of(strides)
        self.op(pickle.NEWFALSE if not t.requires_grad or not t.is_leaf else pickle.NEWTRUE)
        self.ordered_dict({})
        self.op(pickle.TUPLE)
        self.op(pickle.REDUCE)


def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, acc = [], 1
    for n in reversed(shape):
        strides.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(strides))


def _records(obj: Any) -> list[tuple[str, bytes]]:
    w = _Writer()
    w.op(pickle.PROTO, b"\x02")
    w.obj(obj)
    w.op(pickle.STOP)
    records = [("data.pkl", w.out.getvalue()), (".format_version", b"1"), (".storage_alignment", b"64"),
               ("byteorder", b"little")]
    for i, storage in enumerate(w.storages):
        records.append((f"data/{i}", storage.astype(storage.dtype.newbyteorder("<"), copy=False).tobytes()))
    records += [("version", b"3\n"), (".data/serialization_id", str(secrets.randbits(128)).zfill(40).encode())]
    return records


def encode(obj: Any, f: str | os.PathLike[str]) -> bytes:
    """The bytes of ``obj`` in torch's zip format, its records under the folder named after ``f``'s stem (as
    ``torch.save`` names it); ``minigrad.save`` writes them atomically."""
    prefix = os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
    records = _records(obj)  # a TypeError for an unsupported object, before any file is touched
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        for name, data in records:
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            # torch's alignment: an extra field "FB" pads the local header so the data starts at k·64
            start = raw.tell() + 30 + len(info.filename.encode())
            pad = (-(start + 4)) % _ALIGN
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            archive.writestr(info, data)
    return raw.getvalue()
