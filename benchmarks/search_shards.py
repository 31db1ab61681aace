"""Shard size against index chunk size: one edit's indexing against what a query downloads.

    .venv/bin/python benchmarks/search_shards.py benchmarks/work/corpus-10000 250:20000 125:2000 ...

Indexes one year of a corpus (``--year``, default 2019) with each
configuration BULLETINS_PER_SHARD:CHUNK_SIZE (search.SHARD_SIZE and
search.INDEX_CHUNK_SIZE set for the run, as the tests set SHARD_SIZE) and
prints, per configuration:

- the CPU one full shard costs (the build's Python and Pagefind's binary:
  CPU time is steadier than wall time on a shared machine), with wall time;
- what each query would download from that year's shards: per shard its
  entry and metadata, and the index chunks whose word range holds one of the
  query's words (Pagefind fetches one chunk per word per merged index). The
  fragments of the results shown are the same in every configuration and
  left out. benchmarks/search_bytes.py counts the same in Chromium on a
  built site (docs/search.md compares the two).

An unfiltered query on the whole archive downloads about (years) times the
figure of one year; a query with a year filter, the year's figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from briefsite.build import search  # noqa: E402
from briefsite.build.site import load_archive  # noqa: E402
from briefsite.content.config import load_config  # noqa: E402

QUERIES = ["的", "2024", "督察", "湿地保护", "量子计算", "南洞庭湖湿地保护修复"]


def cpu() -> tuple[float, float]:
    """CPU seconds so far of this process and of its finished children (Pagefind)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def downloads(files: dict[str, bytes], query: str) -> int:
    """Bytes of the index chunks a query's words need from one shard."""
    entry_meta = [p for p in files if p.endswith(".pf_meta")]
    chunks = search.read_data(files[entry_meta[0]])[2]  # [from, to, hash] per chunk
    need = set()
    for word in set(search.tokens(query)):
        need.update(h for start, end, h in chunks if start <= word <= end or end.startswith(word))
    return sum(len(files[f"index/{h}.pf_index"]) for h in need)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("configs", nargs="+", help="BULLETINS_PER_SHARD:CHUNK_SIZE, e.g. 125:2000")
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--queries", default=",".join(QUERIES))
    args = parser.parse_args(argv)
    queries = args.queries.split(",")
    archive, _ = load_archive(args.corpus, load_config(None))
    year = [b for b in archive.bulletins if b.year == args.year]
    print(f"{len(year)} bulletins of {args.year}; queries: {' '.join(queries)}", flush=True)
    for config in args.configs:
        size, chunk = (int(n) for n in config.split(":"))
        search.SHARD_SIZE, search.INDEX_CHUNK_SIZE = size, chunk
        shards: dict[str, dict[str, bytes]] = {}
        cost: list[tuple[float, float, float]] = []  # (wall, python, pagefind) per shard
        started, before = time.perf_counter(), cpu()
        for path, _key, data in search.shard_files(year, {}):
            parts = path.split("/")
            if len(parts) < 3 and parts[-1] != "pagefind-entry.json" and not parts[-1].endswith(".pf_meta"):
                continue  # runtime files and the manifest
            folder = parts[1] if len(parts) > 2 and parts[1] not in ("fragment", "index", "filter") else ""
            inner = "/".join(parts[2:] if folder else parts[1:])
            if folder not in shards:  # the generator has just indexed this shard
                now, after = time.perf_counter(), cpu()
                if shards:  # (the first interval also holds the runtime files and the plan)
                    cost.append((now - started, after[0] - before[0], after[1] - before[1]))
                started, before = now, after
            shards.setdefault(folder, {})[inner] = data
        plan = search.plan_shards(year)[1:]  # the shards timed: every one after the first
        full = [c for c, shard in zip(cost, plan) if len(shard.bulletins) == size] or cost
        base = sum(len(f["pagefind-entry.json"]) + sum(len(v) for p, v in f.items() if p.endswith(".pf_meta"))
                   for f in shards.values())
        files = sum(len(f) for f in shards.values())
        print(f"{size:>4} per shard, chunks of {chunk:>5}: {len(shards)} shards, {files} files; one shard "
              f"{statistics.median(c[1] + c[2] for c in full):.2f} CPU-s (Python "
              f"{statistics.median(c[1] for c in full):.2f} + Pagefind {statistics.median(c[2] for c in full):.2f}), "
              f"wall {statistics.median(c[0] for c in full):.2f} s at load {os.getloadavg()[0]:.1f}; "
              f"entries+metadata {base / 1e3:.0f} KB; "
              + ", ".join(f"{q} {(base + sum(downloads(f, q) for f in shards.values())) / 1e3:.0f} KB"
                          for q in queries), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
