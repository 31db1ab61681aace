"""Compiled templates in the build cache, each file verified before use.

Jinja's own ``FileSystemBytecodeCache`` checks only a magic header and the
template source's hash before handing the rest to ``marshal``: one flipped
byte in ``.briefsite-cache/templates/`` gave ``SystemError``/``TypeError``
tracebacks, once a segmentation fault, and changing 首页 to 尾页 inside the
bytecode published six pages with 尾页. Here every file is sealed with the
cache's checksum (``store.seal``); one that does not verify is deleted and
the template compiled again from its source, so a damaged cache costs time,
never a wrong page or a crash.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from .store import seal, unseal

SUFFIX = ".jbc"
MAX_BYTES = 16 * 1024 * 1024  # a compiled template is some KB; a bigger file is not ours


class CheckedBytecodeCache(jinja2.BytecodeCache):
    """A ``jinja2.BytecodeCache`` whose files carry a checksum."""

    def __init__(self, folder: Path, salt: str = "") -> None:
        self.folder = folder
        # What compiled code depends on besides the template's source: the
        # site's catalogue, whose words are put in at compile time.
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = super().get_cache_key(name, filename)
        return hashlib.sha1(f"{self.salt}\0{key}".encode()).hexdigest() if self.salt else key

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}{SUFFIX}"

    def load_bytecode(self, bucket: Bucket) -> None:
        path = self._path(bucket)
        try:
            with open(path, "rb") as handle:
                blob = handle.read(MAX_BYTES + 1)
        except OSError:
            return  # not cached: compiled from source
        data = unseal(blob) if len(blob) <= MAX_BYTES else None
        if data is not None:
            try:
                bucket.bytecode_from_string(data)  # checks Jinja's header and the source's hash
                return
            except Exception:  # a checksum collision is unlikely, but never a traceback
                bucket.reset()
        try:
            path.unlink()  # damaged: compiled again and rewritten
        except OSError:
            pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Atomically (temp + rename); a cache that cannot be written only makes builds slower."""
        try:
            data = seal(bucket.bytecode_to_string())
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, self._path(bucket))
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass

    def clear(self) -> None:
        for path in self.folder.glob(f"*{SUFFIX}"):
            try:
                path.unlink()
            except OSError:
                pass
