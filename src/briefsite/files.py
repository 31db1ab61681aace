"""Reading input files: regular files only, and never more than a limit.

A FIFO named ``x.md`` or ``briefsite.yaml`` would block a plain ``open`` for
ever, and ``/dev/zero`` (or a device node in the source folder) reports a
size of 0 and never ends. Every input file briefsite reads (bulletins, the
configuration, theme files) goes through ``read_regular``: it opens without
blocking, checks on the open file that it is a regular file, and reads at
most ``limit`` bytes, so no input can hang a command or exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import BriefsiteError
from .i18n import _

MiB = 1024 * 1024
# A bulletin is at most a few hundred KB of text; 5 MB ones are guaranteed to
# build (docs/guarantees.md); beyond this, reading is refused before parsing.
MAX_BULLETIN_BYTES = 8 * MiB
MAX_CONFIG_BYTES = 1 * MiB
MAX_THEME_FILE_BYTES = 16 * MiB


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device file")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    if stat.S_ISDIR(mode):
        return _("a folder")
    return _("a special file")


def not_regular(path: str | Path, mode: int) -> BriefsiteError:
    return BriefsiteError(path, 0, _("not a regular file but {kind}: not read").format(kind=_kind(mode)),
                          hint=_("only regular files are read; delete it, or put a real file in its place"))


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path``; a ``BriefsiteError`` naming it if it is not a
    regular file, cannot be read, or holds more than ``limit`` bytes."""
    try:
        before = os.stat(path)  # refused before it is even opened (opening a device can act)
        if not stat.S_ISREG(before.st_mode):
            raise not_regular(path, before.st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise BriefsiteError(path, 0, _("cannot read the file: {reason}").format(reason=exc.strerror),
                             hint=_("check that it exists and that you may read it")) from None
    try:
        st = os.fstat(fd)  # what was opened, not what the name meant a moment before
        if not stat.S_ISREG(st.st_mode):
            raise not_regular(path, st.st_mode)
        if st.st_size > limit:
            raise too_large(path, st.st_size, limit)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # a file growing while read is still cut at the limit
            chunk = os.read(fd, min(limit + 1 - size, MiB))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise too_large(path, size, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise BriefsiteError(path, 0, _("cannot read the file: {reason}").format(reason=exc.strerror),
                             hint=_("check that it exists and that you may read it")) from None
    finally:
        os.close(fd)


def too_large(path: str | Path, size: int, limit: int) -> BriefsiteError:
    return BriefsiteError(path, 0, _("the file has {size} bytes, over the limit of {limit} bytes ({mb} MB): "
                                     "not read").format(size=size, limit=limit, mb=limit // MiB),
                          hint=_("a bulletin's text is far smaller; check that this is the right file, "
                                 "or split the text into several bulletins"))
