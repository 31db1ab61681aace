"""The full build WITH search (issue 9), beside Hugo + Pagefind over the same corpus.

    .venv/bin/python benchmarks/bench_search.py --sizes 10000 --runs 3
    .venv/bin/python benchmarks/bench_search.py --sizes 100000 --runs 1 --edits 3

For each size: briefsite's cold build with its search index (no cache, no
output folder), then one-sentence edits of one bulletin each rebuilt from the
command line (the time of the whole build and the search step's own time as
the build reports it), and Hugo's build followed by Pagefind's CLI indexing
Hugo's output (``pagefind --site``), the usual way to add search to a Hugo
site. Time is wall time; peak memory is the largest sum of the RSS of the
process tree (Pagefind's binary included), sampled every 10 ms (bench.py's
``measure``). Figures go to benchmarks/work/search-results.json.
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402  (measure, corpus, snapshot, Briefsite: the same machinery)


def find_pagefind() -> list[str] | None:
    """Pagefind's extended binary (the one briefsite runs), for the Hugo peer."""
    for venv in (bench.WORK / "peers", bench.ROOT / ".venv"):
        for binary in glob.glob(str(venv / "lib/python*/site-packages/pagefind_bin_extended/pagefind_extended")):
            return [binary]
    return None


def search_seconds(output: str) -> float:
    found = re.search(r"search index \d+ pages in ([\d.]+) s", output)
    return float(found.group(1)) if found else float("nan")


def edit(bs: "bench.Briefsite") -> "bench.Run":
    """bench.Briefsite.edit, keeping the build's own output (its search step's time)."""
    original = bench.measure

    def measure(argv, *a, **k):
        run = original(argv, *a, **k)
        captured.append(run.output)
        return run

    captured: list[str] = []
    bench.measure = measure
    try:
        run = bs.edit()
    finally:
        bench.measure = original
    run.rewritten, run.output = run.output, captured[-1]
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--runs", type=int, default=3, help="cold builds per size (median)")
    parser.add_argument("--edits", type=int, default=5, help="edits per size (median)")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--edits-only", action="store_true",
                        help="only the edits, on the output a previous run left (its first rebuild warms up)")
    parser.add_argument("--json", type=Path, default=None, help="default: WORK/search-results.json")
    parser.add_argument("--work", type=Path, default=None,
                        help="another work folder (its own snapshot and outputs; corpora linked from work/), "
                             "to run two sizes at once")
    args = parser.parse_args(argv)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        for count in [int(s) for s in args.sizes.split(",") if s]:
            link = args.work / f"corpus-{count}"
            if not link.exists():
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
    for count in [int(s) for s in args.sizes.split(",") if s]:
        source = bench.corpus(count)
        print(f"\n== {count:,} bulletins, {args.runs} cold run(s), {args.edits} edit(s) ==", flush=True)
        bs = bench.Briefsite(source, None)  # bench.NO_SEARCH stays empty: search is built
        cold, peers = [], []
        for i in range(0 if args.edits_only else args.runs):
            cold.append(bs.cold())
            line = (f"  run {i + 1}: briefsite {cold[-1].seconds:.1f} s "
                    f"(search step {search_seconds(cold[-1].output):.1f} s), {cold[-1].peak_rss / 1e6:.0f} MB")
            if hugo and pagefind:
                out = bench.WORK / f"hugo-{count}"
                shutil.rmtree(out, ignore_errors=True)
                run_hugo = bench.measure(hugo + ["--source", str(bench.HERE / "hugo"), "--contentDir", str(source),
                                                 "--destination", str(out), "--quiet"])
                run_pf = bench.measure(pagefind + ["--site", str(out), "--force-language", "zh-cn"])
                peers.append((run_hugo, run_pf))
                line += (f"; hugo {run_hugo.seconds:.1f} s {run_hugo.peak_rss / 1e6:.0f} MB + pagefind "
                         f"{run_pf.seconds:.1f} s {run_pf.peak_rss / 1e6:.0f} MB")
            print(line, flush=True)
        edit(bs)  # the first edit after a cold build also makes the spare site
        edits = [edit(bs) for _ in range(args.edits)]
        for i, run in enumerate(edits):
            print(f"  edit {i + 1}: {run.seconds:.2f} s (search step {search_seconds(run.output):.2f} s), "
                  f"{run.peak_rss / 1e6:.0f} MB", flush=True)
        row = results.get(str(count), {}) if args.edits_only else {
            "cold_s": statistics.median(r.seconds for r in cold),
            "cold_search_s": statistics.median(search_seconds(r.output) for r in cold),
            "cold_rss_mb": statistics.median(r.peak_rss for r in cold) / 1e6}
        row.update({
            "bulletins": count,
            "edit_s": statistics.median(r.seconds for r in edits),
            "edit_search_s": statistics.median(search_seconds(r.output) for r in edits),
            "edit_rss_mb": statistics.median(r.peak_rss for r in edits) / 1e6,
            "edit_rewritten": edits[-1].rewritten,
            "index_mb": sum(p.stat().st_size for p in (bs.out / "pagefind").rglob("*") if p.is_file()) / 1e6,
            "shards": 1 + len(json.loads((bs.out / "pagefind" / "shards.json").read_text())["shards"]),
        })
        if peers:
            row["hugo_s"] = statistics.median(h.seconds for h, _ in peers)
            row["hugo_rss_mb"] = statistics.median(h.peak_rss for h, _ in peers) / 1e6
            row["hugo_pagefind_s"] = statistics.median(h.seconds + p.seconds for h, p in peers)
            row["pagefind_rss_mb"] = statistics.median(p.peak_rss for _, p in peers) / 1e6
        results[str(count)] = row
        print(f"  briefsite cold build with search {row.get('cold_s', float('nan')):.1f} s (search step {row.get('cold_search_s', float('nan')):.1f} s), "
              f"peak {row.get('cold_rss_mb', float('nan')):.0f} MB; index {row['index_mb']:.0f} MB in {row['shards']} shards")
        print(f"  one edit: {row['edit_s']:.2f} s (search step {row['edit_search_s']:.2f} s), "
              f"peak {row['edit_rss_mb']:.0f} MB, {row['edit_rewritten']}")
        if peers:
            print(f"  hugo + pagefind {row['hugo_pagefind_s']:.1f} s, peak {max(row['hugo_rss_mb'], row['pagefind_rss_mb']):.0f} MB "
                  f"(pagefind alone {row['pagefind_rss_mb']:.0f} MB)")
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
