"""The build cache's files, ``.briefsite-cache/`` beside the source folder.

Everything the cache keeps goes through here: content hashes (``digest``),
checksummed pickles (``dumps``/``loads``) and atomic writes (temp + rename).
A file that is missing, truncated, corrupted or from another version reads as
None and is rebuilt, so the cache can never make a wrong site, and deleting
the folder is always safe. It is never inside the output folder. The cache
holds Python pickles: like a virtualenv, it must not be writable by anyone you
would not let run code in your builds.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import hashlib
import io
import os
import pickle
import tempfile
import types
from pathlib import Path
from typing import Any

CACHE_DIRNAME = ".briefsite-cache"
FORMAT = b"briefsite-cache 1\n"
_SUM = 16  # bytes of the blake2b checksum after the format line


def default_cache_dir(source: Path) -> Path:
    """Beside the source folder (the project root), which is never published."""
    return source.resolve().parent / CACHE_DIRNAME


def digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    """What must match for a file to count as unchanged without reading it."""
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def _mappingproxy(data: dict) -> types.MappingProxyType:
    return types.MappingProxyType(data)


_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH[types.MappingProxyType] = lambda m: (_mappingproxy, (dict(m),))


def seal(data: bytes) -> bytes:
    """``data`` behind the format line and its checksum, as every cache file
    holds it (pickles here, compiled templates in bytecode.py)."""
    return FORMAT + hashlib.blake2b(data, digest_size=_SUM).digest() + data


def unseal(blob: bytes) -> bytes | None:
    """The data of a sealed blob; None when it is not intact (any byte
    changed, truncated, another format)."""
    head = len(FORMAT)
    if len(blob) < head + _SUM or not blob.startswith(FORMAT):
        return None
    data = blob[head + _SUM:]
    if hashlib.blake2b(data, digest_size=_SUM).digest() != blob[head:head + _SUM]:
        return None
    return data


def dumps(obj: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH  # Bulletin.lines is a mappingproxy
    pickler.dump(obj)
    return seal(buffer.getvalue())


def loads(blob: bytes) -> Any:
    """The object, or None when the blob is not an intact cache file."""
    data = unseal(blob)
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # a checksum collision is unlikely, but never a traceback
        return None


@contextlib.contextmanager
def gc_paused():
    """The garbage collector off while long-lived objects are made by the
    ten thousand (the cache's index unpickled, the archive indexed): each
    collection would walk the objects made so far, and none of them is
    garbage. Unpickling the index of 10,000 bulletins took twice as long
    with it on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_bytes(path: Path, data: bytes) -> None:
    """Atomically (temp + rename); raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write(path: Path, obj: Any) -> None:
    """Atomically; a cache that cannot be written only makes the next build slower."""
    try:
        write_bytes(path, dumps(obj))
    except OSError:
        pass


def read(path: Path) -> Any:
    try:
        return loads(path.read_bytes())
    except OSError:
        return None


def read_at(path: Path, offset: int, length: int) -> Any:
    """One ``dumps`` blob stored at ``offset`` in a larger file; None if unreadable."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            return loads(handle.read(length))
    except OSError:
        return None


def remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
