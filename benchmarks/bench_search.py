"""The full build WITH search (issue 9), beside Hugo + Pagefind over the same corpus.

    .venv/bin/python benchmarks/bench_search.py                     # 10,000 bulletins, 3 runs, 5 edits
    .venv/bin/python benchmarks/bench_search.py --big               # and 100,000 (--big-runs, default 1)
    .venv/bin/python benchmarks/bench_search.py --sizes 1000 --runs 1 --edits 2 --no-peers

For each size, in one run so the machine's noise falls on both: briefsite's
cold build with its search index (no cache, no output folder); one-sentence
edits of one bulletin each rebuilt by briefsite from the command line (the
whole build's time and the search step's own time as the build reports it,
"search index ... in X s"); then Hugo's build followed by Pagefind 1.5.2's
CLI indexing Hugo's output (``pagefind --site``, the usual way to add search
to a Hugo site) over the same corpus. Time is wall time; peak memory is the
largest sum of the RSS of the process tree (Pagefind's binary included),
sampled every 10 ms by bench.py's ``measure``; Pagefind's own peak inside
briefsite's build is sampled here alongside (the search index's memory).
Figures go to benchmarks/work/search-results.json.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (measure, corpus, snapshot, Briefsite: the same machinery as bench.py)

PAGE = os.sysconf("SC_PAGE_SIZE")


def find_pagefind() -> list[str] | None:
    """Pagefind's extended binary, 1.5.2 (the one briefsite runs), for the Hugo peer."""
    for venv in (bench.WORK / "peers", bench.ROOT / ".venv"):
        for binary in glob.glob(str(venv / "lib/python*/site-packages/pagefind_bin_extended/pagefind_extended")):
            return [binary]
    return None


class PagefindPeak:
    """Peak RSS of the Pagefind processes a command line starts (their parent's
    command line names ``marker``), sampled every 10 ms while in a ``with``."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "PagefindPeak":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    if not Path(f"/proc/{pid}/comm").read_text().startswith("pagefind"):
                        continue
                    parent = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
                    if self.marker not in Path(f"/proc/{parent}/cmdline").read_bytes().decode("utf-8", "replace"):
                        continue
                    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
                except (OSError, IndexError, ValueError):
                    continue
                self.peak = max(self.peak, rss)


@dataclass
class Build:
    seconds: float
    peak_rss: int  # the process tree's
    search_seconds: float  # the search step, as the build reports it
    pagefind_rss: int  # Pagefind's binary alone
    rewritten: int = -1  # files of the output folder an edit rewrote
    peak_pss: int = 0  # the process tree's PSS: forked workers' shared pages counted once
    cpu_seconds: float = 0.0  # the process tree's user + system time


def search_seconds(output: str) -> float:
    # The build's report, in Chinese (the default) or English (--lang en).
    found = re.search(r"(?:Search index: \d+ pages in|检索索引 \d+ 个页面，用时) ([\d.]+) (?:s|秒)", output)
    return float(found.group(1)) if found else float("nan")


def build(bs: "bench.Briefsite") -> Build:
    with PagefindPeak(str(bs.out)) as pagefind:
        run = bench.measure(bs.argv())
    return Build(run.seconds, run.peak_rss, search_seconds(run.output), pagefind.peak,
                 peak_pss=run.peak_pss, cpu_seconds=run.cpu_seconds)


def edit(bs: "bench.Briefsite", number: int) -> Build:
    """Change one sentence of one bulletin in the middle of the archive (an
    old year's: a shard in the middle of the index), then build."""
    files = sorted((bs.source / "changsha").glob("*.md"))
    target = files[len(files) // 2]
    text = target.read_text(encoding="utf-8")
    changed = re.sub(r"召开(第\d+次)?调度会", f"召开第{number}次调度会", text, count=1)
    if changed == text:
        raise SystemExit(f"{target}: no sentence to edit")
    target.write_text(changed, encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in bs.out.rglob("*") if p.is_file()}
    result = build(bs)
    after = {p: p.stat().st_mtime_ns for p in bs.out.rglob("*") if p.is_file()}
    result.rewritten = sum(1 for p, m in after.items() if before.get(p) != m)
    return result


def hugo_pagefind(hugo: list[str], pagefind: list[str], source: Path, count: int):
    out = bench.WORK / f"hugo-{count}"
    shutil.rmtree(out, ignore_errors=True)
    run_hugo = bench.measure(hugo + ["--source", str(bench.HERE / "hugo"), "--contentDir", str(source),
                                     "--destination", str(out), "--quiet"])
    run_pf = bench.measure(pagefind + ["--site", str(out), "--force-language", "zh-cn"])
    return run_hugo, run_pf


def median(values) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="corpus sizes (default: 10000)")
    parser.add_argument("--big", action="store_true", help="also 100,000 bulletins")
    parser.add_argument("--runs", type=int, default=3, help="cold builds per size (median; default 3)")
    parser.add_argument("--big-runs", type=int, default=1, help="cold builds at 100,000 (default 1)")
    parser.add_argument("--edits", type=int, default=5, help="edits per size (median; default 5)")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo + Pagefind")
    parser.add_argument("--json", type=Path, default=None, help="default: WORK/search-results.json")
    parser.add_argument("--work", type=Path, default=None,
                        help="another work folder (its own snapshot and outputs; corpora linked from work/), "
                             "to run two sizes at once")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([100_000] if args.big else [])
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        for count in sizes:
            link = args.work / f"corpus-{count}"
            if not link.exists():
                bench.corpus(count)
                link.symlink_to(bench.WORK / f"corpus-{count}")
        bench.WORK = args.work
    args.json = args.json or bench.WORK / "search-results.json"
    bench.WORK.mkdir(exist_ok=True)
    bench.ENV.update(bench.snapshot())
    hugo = None if args.no_peers else bench.find_hugo()
    pagefind = None if args.no_peers else find_pagefind()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"hugo: {hugo[0] if hugo else 'not installed'}; pagefind: {pagefind[0] if pagefind else 'not installed'}",
          flush=True)
    results = json.loads(args.json.read_text()) if args.json.is_file() else {}
    for count in sizes:
        runs = args.big_runs if count >= 100_000 else args.runs
        source = bench.corpus(count)
        print(f"\n== {count:,} bulletins, {runs} cold run(s), {args.edits} edit(s); "
              f"{time.strftime('%H:%M', time.gmtime())} UTC ==", flush=True)
        bs = bench.Briefsite(source, None)  # bench.NO_SEARCH stays empty: search is built
        cold, peers = [], []
        for i in range(runs):
            bs.clean()
            cold.append(build(bs))
            c = cold[-1]
            line = (f"  run {i + 1} (load {os.getloadavg()[0]:.1f}): briefsite {c.seconds:.1f} s "
                    f"(search step {c.search_seconds:.1f} s), {c.cpu_seconds:.1f} s CPU, "
                    f"tree {c.peak_rss / 1e6:.0f} MB RSS, {c.peak_pss / 1e6:.0f} MB PSS, "
                    f"Pagefind {c.pagefind_rss / 1e6:.0f} MB")
            print(line, flush=True)
        edit(bs, 0)  # the first rebuild after a cold build also makes the spare site (output.py)
        edits = []
        for i in range(args.edits):
            edits.append(edit(bs, i + 1))
            e = edits[-1]
            print(f"  edit {i + 1} (load {os.getloadavg()[0]:.1f}): {e.seconds:.2f} s "
                  f"(search step {e.search_seconds:.2f} s), tree {e.peak_rss / 1e6:.0f} MB, "
                  f"Pagefind {e.pagefind_rss / 1e6:.0f} MB, {e.rewritten} files rewritten", flush=True)
        for i in range(runs if hugo and pagefind else 0):
            peers.append(hugo_pagefind(hugo, pagefind, source, count))
            h, p = peers[-1]
            print(f"  peer run {i + 1} (load {os.getloadavg()[0]:.1f}): hugo {h.seconds:.1f} s "
                  f"{h.peak_rss / 1e6:.0f} MB + pagefind {p.seconds:.1f} s {p.peak_rss / 1e6:.0f} MB", flush=True)
        bundle = bs.out / "pagefind"
        row = {
            "bulletins": count,
            "cold_s": median(r.seconds for r in cold),
            "cold_search_s": median(r.search_seconds for r in cold),
            "cold_rss_mb": median(r.peak_rss for r in cold) / 1e6,
            "cold_pss_mb": median(r.peak_pss for r in cold) / 1e6,
            "cold_cpu_s": median(r.cpu_seconds for r in cold),
            "cold_pagefind_rss_mb": median(r.pagefind_rss for r in cold) / 1e6,
            "edit_s": median(r.seconds for r in edits),
            "edit_search_s": median(r.search_seconds for r in edits),
            "edit_search_all_s": [r.search_seconds for r in edits],
            "edit_rss_mb": median(r.peak_rss for r in edits) / 1e6,
            "edit_rewritten": median(r.rewritten for r in edits),
            "index_mb": sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()) / 1e6,
            "shards": len(json.loads((bundle / "shards.json").read_text())["names"]),
        }
        if peers:
            row["hugo_s"] = median(h.seconds for h, _ in peers)
            row["hugo_rss_mb"] = median(h.peak_rss for h, _ in peers) / 1e6
            row["pagefind_s"] = median(p.seconds for _, p in peers)
            row["hugo_pagefind_s"] = median(h.seconds + p.seconds for h, p in peers)
            row["pagefind_rss_mb"] = median(p.peak_rss for _, p in peers) / 1e6
        results[str(count)] = row
        print(f"  briefsite: cold build with search {row['cold_s']:.1f} s (search step {row['cold_search_s']:.1f} s), "
              f"peak {row['cold_rss_mb']:.0f} MB (Pagefind {row['cold_pagefind_rss_mb']:.0f} MB); "
              f"index {row['index_mb']:.0f} MB in {row['shards']} shards")
        print(f"  briefsite: one edit {row['edit_s']:.2f} s (search step {row['edit_search_s']:.2f} s), "
              f"peak {row['edit_rss_mb']:.0f} MB, {row['edit_rewritten']:.0f} files rewritten")
        if peers:
            print(f"  hugo + pagefind: {row['hugo_pagefind_s']:.1f} s (pagefind {row['pagefind_s']:.1f} s), "
                  f"peak hugo {row['hugo_rss_mb']:.0f} MB, pagefind {row['pagefind_rss_mb']:.0f} MB; "
                  f"ratio {row['cold_s'] / row['hugo_pagefind_s']:.2f} x time, "
                  f"{row['cold_rss_mb'] / max(row['hugo_rss_mb'], row['pagefind_rss_mb']):.2f} x memory")
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
