"""Archive-scale benchmark: briefsite against Hugo and Hugo + Pagefind, in one run.

    .venv/bin/python benchmarks/bench.py                 # N = 1,000 and 10,000, 5 runs each
    .venv/bin/python benchmarks/bench.py --big           # and 100,000 (--big-runs, default 1; no search there)
    .venv/bin/python benchmarks/bench.py --sizes 1000 --runs 3 --no-peers

For each N it generates (once) a corpus with make_corpus.py under
benchmarks/work/ (git-ignored) and measures, as separate processes, with the
runs of each tool interleaved (so the machine's noise, it is shared, falls on
all of them alike) and medians printed:

- briefsite cold build without search (``--no-search``: no cache, no output
  folder) against Hugo's cold build of the same corpus (benchmarks/hugo);
- briefsite cold build WITH its search index against Hugo's build followed by
  Pagefind 1.5.2 (extended) over Hugo's output, as one process tree
  (``--search-runs``; sizes up to ``--search-max``);
- briefsite no-change rebuild: same input, cache and output kept;
- briefsite one-edit rebuild from the command line: one bulletin's text
  changed before each run (after one warm-up edit: the first rebuild after a
  cold build also makes the spare copy of the site, see output.py), and how
  many files it rewrote;
- one edit in ``serve``: the same edits in one long-running process that keeps
  its cache open between builds, as ``briefsite serve`` does;
- Pelican's cold build with ``--pelican``.

Time is wall time. Memory is the whole process tree's (briefsite's workers,
Pagefind's binary), sampled every 10 ms: the peak of the sum of RSS, as
before, and the peak of the sum of PSS (a page shared by k processes counts
1/k in each: forked workers share the build's memory, which the RSS sum
counts once per worker). ``measure`` returns both; bench_search.py imports it.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
PEERS = HERE / "work" / "peers"  # the peers' venv (see README), whatever --work says
PYTHON = sys.executable
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    seconds: float
    peak_rss: int  # bytes: the largest sum of the RSS of the process tree
    output: str = ""
    # bytes: the largest sum of its PSS (proportional set size): a page
    # shared by k processes (a forked worker's inherited memory) counts 1/k
    # in each, so this is the memory the tree really holds; 0 if unknown.
    peak_pss: int = 0
    # seconds of CPU (user + system) the whole tree used: less sensitive than
    # wall time to a machine shared with other work (waiting for a core is
    # not counted); 0 if unknown.
    cpu_seconds: float = 0.0


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs) if self.runs else float("nan")

    @property
    def rss(self) -> float:
        return statistics.median(r.peak_rss for r in self.runs) if self.runs else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs) if self.runs else float("nan")

    @property
    def pss(self) -> float:
        return statistics.median(r.peak_pss for r in self.runs) if self.runs else float("nan")


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def _tree_pids(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return found


def _tree_pss(pid: int) -> int:
    """Proportional resident bytes of ``pid`` and all its descendants
    (/proc/PID/smaps_rollup): shared pages split among their sharers."""
    total = 0
    for current in _tree_pids(pid):
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError):
            continue
    return total


ENV: dict = {}  # set by main: the snapshot's PYTHONPATH
NO_SEARCH: list[str] = []  # set by main: search indexing is measured on its own, not here


def measure(argv: list[str], cwd: Path = ROOT, env: dict | None = None) -> Run:
    """Wall time and sampled peak RSS (process tree) of one command."""
    import resource

    env = {**ENV, **(env or {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # Read the output as it comes: a command printing more than a pipe holds
    # (64 KB: a 100,000-bulletin build re-reporting 33,000 warnings) would
    # otherwise block until killed, and its time with it.
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: proc.stdout.read(65536), b"")),
                              daemon=True)
    reader.start()
    peak = peak_pss = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        peak_pss = max(peak_pss, _tree_pss(proc.pid))
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    reader.join()
    output = b"".join(chunks).decode("utf-8", "replace")
    # The kernel's own figure for the largest single process, in case the
    # sampling missed a short peak.
    peak = max(peak, _children_maxrss())
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n{output[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # every descendant that was waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, peak, output, peak_pss, cpu)


_maxrss_seen = 0


def _children_maxrss() -> int:
    """ru_maxrss of terminated children is a running maximum: only a new
    maximum tells something about the last child."""
    import resource

    global _maxrss_seen
    value = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    fresh = value if value > _maxrss_seen else 0
    _maxrss_seen = max(_maxrss_seen, value)
    return fresh


def corpus(count: int) -> Path:
    folder = WORK / f"corpus-{count}"
    stamp = folder / ".complete"
    generator = HERE / "make_corpus.py"
    want = f"{count} {generator.stat().st_mtime_ns}"
    if not (stamp.is_file() and stamp.read_text() == want):
        subprocess.run([PYTHON, str(generator), str(count), str(folder)], check=True)
        stamp.write_text(want)
    return folder


def find_hugo() -> list[str] | None:
    """The Hugo binary itself (not the Python wrapper of the ``hugo`` package)."""
    for venv in (ROOT / ".venv", PEERS):
        for binary in glob.glob(str(venv / "lib/python*/site-packages/hugo/binaries/hugo")):
            return [binary]
    found = shutil.which("hugo")
    return [found] if found else None


def find_pelican() -> list[str] | None:
    for venv in (PEERS, ROOT / ".venv"):
        candidate = venv / "bin" / "pelican"
        if candidate.is_file():
            return [str(candidate)]
    found = shutil.which("pelican")
    return [found] if found else None


class Briefsite:
    def __init__(self, source: Path, jobs: int | None, *, search: bool | None = None):
        """``search``: build the search index (None: as NO_SEARCH says)."""
        self.source = source
        self.search = search
        self.out = WORK / (f"briefsite-search-{source.name}" if search else f"briefsite-{source.name}")
        self.cache = WORK / ".briefsite-cache"
        self.config = WORK / "bench.yaml"
        self.config.write_text("title: 工作简报档案\n", encoding="utf-8")
        self.jobs = jobs
        self.edits = 0

    def argv(self) -> list[str]:
        argv = [PYTHON, "-m", "briefsite", "build", "--source", str(self.source), "--out", str(self.out),
                "--config", str(self.config)] + (NO_SEARCH if self.search is None else
                                                 [] if self.search else ["--no-search"])
        if self.jobs:
            argv += ["--jobs", str(self.jobs)]
        return argv

    def clean(self) -> None:
        for path in (self.out, self.cache, WORK / f".{self.out.name}.spare"):
            shutil.rmtree(path, ignore_errors=True)

    def cold(self) -> Run:
        self.clean()
        return measure(self.argv())

    def again(self) -> Run:
        return measure(self.argv())

    def edit(self) -> Run:
        """Change one word of one bulletin in the middle of the archive, then build."""
        files = sorted((self.source / "changsha").glob("*.md"))
        target = files[len(files) // 2]
        text = target.read_text(encoding="utf-8")
        self.edits += 1
        marker = "召开调度会"
        if marker not in text and "召开第" not in text:
            raise SystemExit(f"{target}: no sentence to edit")
        import re

        text = re.sub(r"召开(第\d+次)?调度会", f"召开第{self.edits}次调度会", text, count=1)
        target.write_text(text, encoding="utf-8")
        before = {p: p.stat().st_mtime_ns for p in self.out.rglob("*") if p.is_file()}
        run = measure(self.argv())
        after = {p: p.stat().st_mtime_ns for p in self.out.rglob("*") if p.is_file()}
        rewritten = sum(1 for p, m in after.items() if before.get(p) != m)
        run.output = f"{rewritten} files rewritten"
        return run


SERVE_SCRIPT = r"""
import inspect, json, re, sys, time
from pathlib import Path
from briefsite.build import site
from briefsite.content.config import load_config
source, out, config_path, runs = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
config = load_config(config_path)
cache = site.open_cache(True, source, config)
options = {"search": False} if "search" in inspect.signature(site.build).parameters else {}
site.build(source, out, config, cache=cache, **options)  # the preview's first build
files = sorted((source / "changsha").glob("*.md"))
target = files[len(files) // 3]
times = []
for i in range(runs + 1):
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"召开(第\d+次)?调度会", f"召开第{100 + i}次调度会", text, count=1), encoding="utf-8")
    started = time.perf_counter()
    summary = site.build(source, out, config, cache=cache, **options)
    times.append((time.perf_counter() - started, summary.written))
print(json.dumps(times[1:]))  # the first also makes the spare site
"""


def serve_edits(bs: Briefsite, runs: int) -> tuple[float, int]:
    """One edit at a time in a long-running process that keeps its cache open,
    as ``briefsite serve`` does: median seconds per rebuild, files written."""
    run = measure([PYTHON, "-c", SERVE_SCRIPT, str(bs.source), str(bs.out), str(bs.config), str(runs)])
    times = json.loads(run.output.strip().splitlines()[-1])
    return statistics.median(t for t, _ in times), times[-1][1]


def peer_runs(name: str, argv_for, out: Path) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    return measure(argv_for(out))


def snapshot() -> dict:
    """Run briefsite from a copy of the working tree taken now: others may be
    editing the tree during a long run, and the cache is rightly voided by any
    change of briefsite's code."""
    target = WORK / "snapshot"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT / "src" / "briefsite", target / "briefsite",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if not (target / "briefsite" / "templates").is_dir():
        shutil.copytree(ROOT / "templates", target / "briefsite" / "templates")
    for extra in ("schema",):  # data files the package reads from the checkout
        if (ROOT / extra).is_dir() and not (target / "briefsite" / extra).is_dir():
            shutil.copytree(ROOT / extra, target / "briefsite" / extra)
    return {"PYTHONPATH": str(target)}


def find_pagefind() -> list[str] | None:
    """Pagefind 1.5.2's extended binary (the one briefsite runs), for the Hugo + Pagefind peer."""
    for venv in (PEERS, ROOT / ".venv"):
        for binary in glob.glob(str(venv / "lib/python*/site-packages/pagefind_bin_extended/pagefind_extended")):
            return [binary]
    return None


def hugo_argv(hugo: list[str], source: Path, out: Path) -> list[str]:
    return hugo + ["--source", str(HERE / "hugo"), "--contentDir", str(source), "--destination", str(out), "--quiet"]


def hugo_pagefind(hugo: list[str], pagefind: list[str], source: Path, out: Path) -> Run:
    """Hugo's build, then Pagefind's CLI over its output (the usual way to add
    search to a Hugo site), as one process tree: its time is the sum, its
    peak memory the larger of the two."""
    shutil.rmtree(out, ignore_errors=True)
    script = (" ".join(map(_quote, hugo_argv(hugo, source, out))) + " && "
              + " ".join(map(_quote, pagefind + ["--site", str(out), "--force-language", "zh-cn"])) + " >/dev/null")
    return measure(["sh", "-c", script])


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(str(text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes (default: 1000,10000)")
    parser.add_argument("--big", action="store_true", help="also 100,000 bulletins")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median; default 5)")
    parser.add_argument("--big-runs", type=int, default=1, help="runs at 100,000 (default 1)")
    parser.add_argument("--search-runs", type=int, default=None,
                        help="runs of the builds WITH search, briefsite's and Hugo + Pagefind's (default: --runs); "
                             "0: none")
    parser.add_argument("--search-max", type=int, default=10_000,
                        help="largest size built with search (default 10,000: Pagefind's CLI over Hugo's "
                             "output needs ~4.4 GB there, tens of GB at 100,000)")
    parser.add_argument("--jobs", type=int, default=None, help="briefsite --jobs (default: one per CPU)")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo, Pagefind and Pelican")
    parser.add_argument("--pelican", action="store_true", help="also Pelican (off by default: not in the targets)")
    parser.add_argument("--json", type=Path, default=None, help="where to save the figures (default: WORK/results.json)")
    parser.add_argument("--work", type=Path, default=None,
                        help="another work folder (its own snapshot, outputs and caches; corpora hard-linked "
                             "from benchmarks/work), to run two sizes at once")
    args = parser.parse_args(argv)

    global WORK
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.big:
        sizes.append(100_000)
    WORK.mkdir(exist_ok=True)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        for count in sizes:
            corpus(count)  # made (once) in benchmarks/work
            # Hard links, not a symlink: briefsite keeps its cache beside the
            # source folder's real path, and each work folder needs its own.
            link = args.work / f"corpus-{count}"
            if not link.exists():
                shutil.copytree(WORK / f"corpus-{count}", link, copy_function=os.link)
        WORK = args.work.resolve()
    args.json = args.json or WORK / "results.json"
    ENV.update(snapshot())
    NO_SEARCH[:] = ["--no-search"]
    hugo = None if args.no_peers else find_hugo()
    pagefind = None if args.no_peers else find_pagefind()
    pelican = find_pelican() if args.pelican and not args.no_peers else None
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"hugo: {hugo[0] if hugo else 'not installed'}; pagefind: {pagefind[0] if pagefind else 'not installed'}"
          + (f"; pelican: {pelican[0]}" if pelican else ""))
    results = {}
    for count in sizes:
        runs = args.big_runs if count >= 100_000 else args.runs
        search_runs = 0 if count > args.search_max else min(runs, args.search_runs if args.search_runs is not None
                                                             else runs)
        source = corpus(count)
        megabytes = sum(p.stat().st_size for p in source.rglob("*.md")) / 1e6
        print(f"\n== {count:,} bulletins ({megabytes:.0f} MB), {runs} run(s) each, {search_runs} with search ==",
              flush=True)
        bs = Briefsite(source, args.jobs, search=False)
        bss = Briefsite(source, args.jobs, search=True)
        series = {k: Series() for k in ("cold", "cold_search", "nochange", "edit", "hugo", "hugo_pagefind",
                                        "pelican")}
        big_hugo = count < 100_000  # Hugo's memory grows with the archive: 24 GB is not enough at 100,000
        for i in range(runs):
            # Interleaved, so the machine's noise falls on each alike. The build
            # without search comes last: the no-change and edit runs use its cache.
            line = f"  run {i + 1}:"
            if i < search_runs:
                series["cold_search"].runs.append(bss.cold())
                line += f" briefsite+search {series['cold_search'].runs[-1].seconds:.2f} s"
                if hugo and pagefind:
                    series["hugo_pagefind"].runs.append(hugo_pagefind(hugo, pagefind, source, WORK / f"hugo-pf-{count}"))
                    line += f", hugo+pagefind {series['hugo_pagefind'].runs[-1].seconds:.2f} s;"
            if hugo and big_hugo:
                series["hugo"].runs.append(peer_runs("hugo", lambda out: hugo_argv(hugo, source, out),
                                                     WORK / f"hugo-{count}"))
                line += f" hugo {series['hugo'].runs[-1].seconds:.2f} s,"
            if pelican and (count < 100_000 or i == 0):
                series["pelican"].runs.append(peer_runs("pelican", lambda out: pelican + [
                    "-q", "-s", str(HERE / "pelican/pelicanconf.py"), "-o", str(out), str(source)],
                    WORK / f"pelican-{count}"))
                line += f" pelican {series['pelican'].runs[-1].seconds:.2f} s,"
            series["cold"].runs.append(bs.cold())
            line += f" briefsite {series['cold'].runs[-1].seconds:.2f} s"
            print(line, flush=True)
        for i in range(runs):
            series["nochange"].runs.append(bs.again())
        first_edit = bs.edit()  # also makes the spare site
        for i in range(runs):
            series["edit"].runs.append(bs.edit())
        serve_s, serve_written = serve_edits(bs, runs)
        cold = series["cold"]
        pages = count + 14 + 10 + 6  # bulletins, cities, years, home/lists/search/404
        row = {
            "bulletins": count,
            "corpus_mb": round(megabytes, 1),
            "load_average": os.getloadavg()[0],
            "cold_s": cold.seconds, "cold_cpu_s": cold.cpu, "cold_rss_mb": cold.rss / 1e6,
            "cold_pss_mb": cold.pss / 1e6,
            "pages_per_s": pages / cold.seconds,
            "nochange_s": series["nochange"].seconds, "nochange_rss_mb": series["nochange"].rss / 1e6,
            "first_edit_s": first_edit.seconds,
            "edit_s": series["edit"].seconds, "edit_rss_mb": series["edit"].rss / 1e6,
            "edit_rewritten": series["edit"].runs[-1].output,
            "serve_edit_s": serve_s, "serve_edit_written": serve_written,
        }
        for name in ("cold_search", "hugo", "hugo_pagefind", "pelican"):
            if series[name].runs:
                row[f"{name}_s"] = series[name].seconds
                row[f"{name}_cpu_s"] = series[name].cpu
                row[f"{name}_rss_mb"] = series[name].rss / 1e6
                row[f"{name}_pss_mb"] = series[name].pss / 1e6
        results[count] = row
        print(f"  briefsite cold      {row['cold_s']:8.2f} s ({row['cold_cpu_s']:.1f} s CPU)  {row['cold_rss_mb']:7.0f} MB RSS "
              f"{row['cold_pss_mb']:7.0f} MB PSS  {row['pages_per_s']:7.0f} pages/s")
        if "cold_search_s" in row:
            print(f"  briefsite + search  {row['cold_search_s']:8.2f} s ({row['cold_search_cpu_s']:.1f} s CPU)  "
                  f"{row['cold_search_rss_mb']:7.0f} MB RSS "
                  f"{row['cold_search_pss_mb']:7.0f} MB PSS")
        print(f"  briefsite no-change {row['nochange_s']:8.2f} s  {row['nochange_rss_mb']:7.0f} MB  "
              f"{row['nochange_s'] / row['cold_s']:6.1%} of cold (target ≤ 10%)")
        print(f"  briefsite one edit  {row['edit_s']:8.2f} s  {row['edit_rss_mb']:7.0f} MB  "
              f"({row['edit_rewritten']}; first edit after a cold build {row['first_edit_s']:.2f} s; "
              f"target ≤ 0.3 s)")
        print(f"  serve-style edit    {serve_s:8.2f} s            ({serve_written} files written; one process "
              f"keeping its cache open, as briefsite serve does; target ≤ 0.3 s)")
        for peer in ("hugo", "hugo_pagefind", "pelican"):
            if f"{peer}_s" in row:
                print(f"  {peer:<19} {row[f'{peer}_s']:8.2f} s ({row[f'{peer}_cpu_s']:.1f} s CPU)  "
                      f"{row[f'{peer}_rss_mb']:7.0f} MB RSS "
                      f"{row[f'{peer}_pss_mb']:7.0f} MB PSS")
        if "hugo_s" in row:
            print(f"  no search vs Hugo: time {row['cold_s'] / row['hugo_s']:.2f}× (target ≤ 0.50×; "
                  f"CPU {row['cold_cpu_s'] / row['hugo_cpu_s']:.2f}×), "
                  f"memory {row['cold_rss_mb'] / row['hugo_rss_mb']:.2f}× RSS, "
                  f"{row['cold_pss_mb'] / row['hugo_pss_mb']:.2f}× PSS (target ≤ 0.10×)")
        if "hugo_pagefind_s" in row and "cold_search_s" in row:
            print(f"  with search vs Hugo + Pagefind: time {row['cold_search_s'] / row['hugo_pagefind_s']:.2f}× "
                  f"(CPU {row['cold_search_cpu_s'] / row['hugo_pagefind_cpu_s']:.2f}×) "
                  f"(target ≤ 0.50×), memory {row['cold_search_rss_mb'] / row['hugo_pagefind_rss_mb']:.2f}× RSS, "
                  f"{row['cold_search_pss_mb'] / row['hugo_pagefind_pss_mb']:.2f}× PSS (target ≤ 0.25×)")
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if 10_000 in results and 100_000 in results:
        growth = results[100_000]["cold_s"] / results[10_000]["cold_s"]
        print(f"\n100k / 10k cold time: {growth:.1f}× (target ≤ 11×); memory "
              f"{results[100_000]['cold_rss_mb']:.0f} MB vs {results[10_000]['cold_rss_mb']:.0f} MB RSS, "
              f"{results[100_000]['cold_pss_mb']:.0f} MB vs {results[10_000]['cold_pss_mb']:.0f} MB PSS")
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
