"""The build's worker pool (build/workers.py): results in order, and
workers replaced as they go so that none ends up holding a copy of the
whole archive."""

from __future__ import annotations

import os

from briefsite.build import workers


def pids(chunk: list[int], offset: int) -> list[tuple[int, int]]:
    return [(item + offset, os.getpid()) for item in chunk]


def test_results_come_in_order_from_workers_replaced_after_their_tasks():
    items = list(range(30))
    results = list(workers.iter_chunks(pids, items, 2, 100, chunk=1, tasks_per_worker=3))
    assert [value for value, _ in results] == [item + 100 for item in items]
    used = {pid for _, pid in results}
    assert os.getpid() not in used  # forked workers did the work
    assert len(used) >= 30 // 3  # each worker did at most three tasks, then a fresh fork took over


def test_the_build_replaces_its_workers_by_default():
    """Reading a Python object writes its reference count, so a long-lived
    forked worker copies every page of the archive it reads: the default
    replaces each worker after TASKS_PER_WORKER tasks."""
    items = list(range(4 * workers.TASKS_PER_WORKER))
    used = {pid for _, pid in workers.iter_chunks(pids, items, 2, 0, chunk=1)}
    assert len(used) >= len(items) // workers.TASKS_PER_WORKER
