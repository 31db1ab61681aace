"""The build's one worker pool: parsing (and any other step that fans out)
runs ``function`` over chunks of a list in forked processes.

Forked, so workers start in milliseconds and share what the parent has
loaded; only the chunks and their results are pickled.
"""

from __future__ import annotations

import os
import signal
from typing import Callable, Iterator

from .. import i18n

CHUNK = 64  # items per task: large enough to amortise a round trip to a worker
# A forked worker shares the build's memory until it writes to it, and
# reading a Python object writes (its reference count): a worker that
# rendered or indexed its way through the archive had copied most of it
# (each worker ~260 MB more at 100,000 bulletins). Replaced after this many
# tasks, a worker copies only what its last tasks touched; a fork costs
# ~10-20 ms against the seconds its tasks take.
TASKS_PER_WORKER = 16


def default_jobs() -> int:
    """One process per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def iter_chunks(function: Callable[..., list], items: list, jobs: int, *args, chunk: int = CHUNK,
                tasks_per_worker: int | None = TASKS_PER_WORKER) -> Iterator:
    """``function(chunk, *args)`` over chunks of ``items``, results in order,
    as they come (never all of them in memory at once).

    With ``jobs`` > 1 and enough work, chunks run in forked worker processes;
    else here. ``chunk``: items per task (1 for costly items, such as photos).
    ``tasks_per_worker``: tasks after which a worker is replaced by a fresh
    fork (None: never).
    """
    chunks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    if jobs <= 1 or len(chunks) < 2 or "fork" not in _start_methods():
        for chunk in chunks:
            yield from function(chunk, *args)
        return
    import multiprocessing

    # The function and its arguments reach the workers through fork (initargs
    # are inherited, not pickled); only the chunks and results are pickled.
    # Signals stay blocked while the workers are forked, so none can run the
    # parent's handlers in a child before _worker_init replaces them (a child
    # stuck in them made terminate() wait forever); pending ones then reach
    # the parent.
    stopping = {signal.SIGINT, signal.SIGTERM}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_init,
                                                        initargs=(function, args, blocked, i18n.language()),
                                                        maxtasksperchild=tasks_per_worker)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    try:
        for part in pool.imap(_worker_call, chunks, chunksize=1):
            yield from part
        pool.close()  # let the workers exit on their own
    finally:
        pool.terminate()  # on Ctrl-C or an error: stop them now
        pool.join()


# In a worker process only: (function, args) set by _worker_init. Each forked
# worker has its own copy; the parent never sets it.
_WORK: list = []


def _worker_init(function, args: tuple, mask: set, language: str) -> None:
    # The parent handles Ctrl-C and SIGTERM (it removes its staging folder);
    # a worker just stops, without the command line's handlers it inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    _WORK[:] = [function, args]
    i18n.activate(language)  # messages made here come out in the command's language


def _worker_call(chunk: list) -> list:
    function, args = _WORK
    return function(chunk, *args)


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()
