"""One build at a time per output folder.

Two builds writing the same ``site/`` would clear each other's staging
folders and race on the swap. A build therefore holds an exclusive
``fcntl.flock`` on ``.<out>.lock`` beside the output folder (never inside it:
the output folder is replaced wholesale) from creating its staging folder
until the swap is done. A second build waits, saying which process it waits
for, and gives up with a clear error after ``timeout`` seconds.

The kernel releases a flock when its holder dies, even by SIGKILL, so a
killed build never leaves a stale lock behind. The file itself stays: removing
it while another process waits on it would let two builds hold "the" lock.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..errors import BriefsiteError
from ..i18n import _

DEFAULT_TIMEOUT = 600.0  # seconds; longer than any sane build of this archive
_POLL = 0.1


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def build_lock(out: Path, *, timeout: float = DEFAULT_TIMEOUT,
               notify: Callable[[str], None] = _say) -> Iterator[Path]:
    """Hold the build lock of ``out`` for the duration of the block."""
    path = lock_path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise BriefsiteError(path, 0, _("cannot create the build lock: {reason}").format(reason=exc.strerror),
                             hint=_("check that the output's parent folder is writable"))
    try:
        _acquire(fd, path, out, timeout, notify)
        # Record who holds it, for the message of a build that has to wait.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, out: Path, timeout: float,
             notify: Callable[[str], None]) -> None:
    # Polling rather than a blocking flock: Ctrl-C and SIGTERM stay prompt,
    # and the timeout needs no alarm signal.
    if _try_lock(fd):
        return
    holder = _holder(fd)  # None while the other build has not written its pid yet
    if timeout <= 0:
        running = (_("another build of {folder}/ is running (pid {pid})") if holder else
                   _("another build of {folder}/ is running"))
        raise BriefsiteError(path, 0, running.format(folder=out, pid=holder),
                             hint=_("wait for it to finish, or pass --lock-timeout SECONDS to wait"))
    waiting = (_("waiting for another build of {folder}/ (pid {pid})…") if holder else
               _("waiting for another build of {folder}/…"))
    notify(waiting.format(folder=out, pid=holder))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(_POLL)
        if _try_lock(fd):
            return
    gave_up = (_("another build of {folder}/ is still running (pid {pid}) after {seconds} s; gave up") if holder else
               _("another build of {folder}/ is still running after {seconds} s; gave up"))
    raise BriefsiteError(path, 0, gave_up.format(folder=out, pid=holder, seconds=f"{timeout:g}"),
                         hint=_("wait for it to finish, or raise --lock-timeout"))


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None
