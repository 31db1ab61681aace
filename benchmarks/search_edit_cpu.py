"""The CPU time of one edit's search step, which wall time hides on a busy machine.

    PYTHONPATH=benchmarks/work/snapshot .venv/bin/python benchmarks/search_edit_cpu.py [EDITS [WORK [SIZE]]]

(WORK: bench_search.py's --work folder, default benchmarks/work; SIZE: the
corpus's, default 10000.)

Run after ``bench_search.py --sizes 10000`` (its site, cache, corpus and
code snapshot under benchmarks/work/; with the snapshot's code the cache
stays valid). Changes one sentence of the same bulletin as bench_search.py's
edits, rebuilds in this process through the command line's ``main``, and
prints the search step's wall time and CPU time: this process's and that of
its finished children (Pagefind's binary), read around
``search.shard_files``, which the build's search step consumes.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import resource
import sys
import time
from pathlib import Path

from briefsite import cli
from briefsite.build import search

WORK = Path(__file__).resolve().parent / "work"
steps: list[tuple[float, float, float]] = []  # (wall, Python CPU, Pagefind CPU) per build
index_shards = search.shard_files


def cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def timed_shard_files(*args, **kwargs):
    started, (own, children) = time.perf_counter(), cpu()
    yield from index_shards(*args, **kwargs)
    own_after, children_after = cpu()
    steps.append((time.perf_counter() - started, own_after - own, children_after - children))


def main(argv: list[str]) -> int:
    edits = int(argv[0]) if argv else 3
    work = Path(argv[1]) if len(argv) > 1 else WORK
    size = int(argv[2]) if len(argv) > 2 else 10_000
    corpus, out = work / f"corpus-{size}", work / f"briefsite-corpus-{size}"
    search.shard_files = timed_shard_files  # the build imports it at its search step
    files = sorted((corpus / "changsha").glob("*.md"))
    target = files[len(files) // 2]
    for number in range(edits):
        text = target.read_text(encoding="utf-8")
        target.write_text(re.sub(r"召开(第\d+次)?调度会", f"召开第{100 + number}次调度会", text, count=1),
                          encoding="utf-8")
        load = os.getloadavg()[0]
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(["build", "--source", str(corpus), "--config", str(work / "bench.yaml"), "--out", str(out)])
        wall, own, children = steps[-1]
        print(f"edit {number + 1} (load {load:.1f}): build {time.perf_counter() - started:.2f} s; search step "
              f"{wall:.2f} s wall, CPU {own + children:.2f} s (Python {own:.2f} + Pagefind {children:.2f})",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
