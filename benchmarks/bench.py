"""Archive-scale benchmark: briefsite against Hugo and Pelican, in one run.

    .venv/bin/python benchmarks/bench.py                 # N = 1,000 and 10,000, 5 runs each
    .venv/bin/python benchmarks/bench.py --big           # and 100,000 (--big-runs, default 1)
    .venv/bin/python benchmarks/bench.py --sizes 1000 --runs 3 --no-peers

For each N it generates (once) a corpus with make_corpus.py under
benchmarks/work/ (git-ignored) and measures, as separate processes:

- briefsite cold build: no cache, no output folder (``--no-search``);
- briefsite no-change rebuild: same input, cache and output kept;
- briefsite one-edit rebuild: one bulletin's text changed before each run
  (after one warm-up edit: the first rebuild after a cold build also makes
  the spare copy of the site, see output.py), and how many files it rewrote;
- Hugo and Pelican cold builds of the same corpus with the equivalent
  minimal sites in benchmarks/hugo and benchmarks/pelican, when installed.

Runs of the tools are interleaved, so the machine's noise (it is shared)
falls on all of them alike; medians and ratios are printed. Peak memory is
the largest sum of the resident set sizes of the measured process and its
children (briefsite's worker processes), sampled every 10 ms: for one
process it equals its peak RSS.
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
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
PYTHON = sys.executable
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    seconds: float
    peak_rss: int  # bytes
    output: str = ""


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs) if self.runs else float("nan")

    @property
    def rss(self) -> float:
        return statistics.median(r.peak_rss for r in self.runs) if self.runs else float("nan")


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


ENV: dict = {}  # set by main: the snapshot's PYTHONPATH
NO_SEARCH: list[str] = []  # set by main: search indexing is measured on its own, not here


def measure(argv: list[str], cwd: Path = ROOT, env: dict | None = None) -> Run:
    """Wall time and sampled peak RSS (process tree) of one command."""
    env = {**ENV, **(env or {})}
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    output = proc.stdout.read().decode("utf-8", "replace")
    # The kernel's own figure for the largest single process, in case the
    # sampling missed a short peak.
    peak = max(peak, _children_maxrss())
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n{output[-3000:]}")
    return Run(seconds, peak, output)


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
    for venv in (ROOT / ".venv", WORK / "peers"):
        for binary in glob.glob(str(venv / "lib/python*/site-packages/hugo/binaries/hugo")):
            return [binary]
    found = shutil.which("hugo")
    return [found] if found else None


def find_pelican() -> list[str] | None:
    for venv in (WORK / "peers", ROOT / ".venv"):
        candidate = venv / "bin" / "pelican"
        if candidate.is_file():
            return [str(candidate)]
    found = shutil.which("pelican")
    return [found] if found else None


class Briefsite:
    def __init__(self, source: Path, jobs: int | None):
        self.source = source
        self.out = WORK / f"briefsite-{source.name}"
        self.cache = WORK / ".briefsite-cache"
        self.config = WORK / "bench.yaml"
        self.config.write_text("title: 工作简报档案\n", encoding="utf-8")
        self.jobs = jobs
        self.edits = 0

    def argv(self) -> list[str]:
        argv = [PYTHON, "-m", "briefsite", "build", "--source", str(self.source), "--out", str(self.out),
                "--config", str(self.config)] + NO_SEARCH
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes (default: 1000,10000)")
    parser.add_argument("--big", action="store_true", help="also 100,000 bulletins")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median; default 5)")
    parser.add_argument("--big-runs", type=int, default=1, help="runs at 100,000 (default 1)")
    parser.add_argument("--jobs", type=int, default=None, help="briefsite --jobs (default: one per CPU)")
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo and Pelican")
    parser.add_argument("--json", type=Path, default=WORK / "results.json", help="where to save the figures")
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.big:
        sizes.append(100_000)
    WORK.mkdir(exist_ok=True)
    ENV.update(snapshot())
    usage = subprocess.run([PYTHON, "-m", "briefsite", "build", "--help"], capture_output=True, text=True,
                           env={**os.environ, **ENV}).stdout
    NO_SEARCH[:] = ["--no-search"] if "--no-search" in usage else []
    hugo = None if args.no_peers else find_hugo()
    pelican = None if args.no_peers else find_pelican()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"hugo: {hugo[0] if hugo else 'not installed'}; pelican: {pelican[0] if pelican else 'not installed'}")
    results = {}
    for count in sizes:
        runs = args.big_runs if count >= 100_000 else args.runs
        source = corpus(count)
        megabytes = sum(p.stat().st_size for p in source.rglob("*.md")) / 1e6
        print(f"\n== {count:,} bulletins ({megabytes:.0f} MB), {runs} run(s) each ==", flush=True)
        bs = Briefsite(source, args.jobs)
        series = {k: Series() for k in ("cold", "nochange", "edit", "hugo", "pelican")}
        first_edit = None
        for i in range(runs):
            series["cold"].runs.append(bs.cold())
            if hugo:
                series["hugo"].runs.append(peer_runs("hugo", lambda out: hugo + [
                    "--source", str(HERE / "hugo"), "--contentDir", str(source),
                    "--destination", str(out), "--quiet"], WORK / f"hugo-{count}"))
            if pelican and (count < 100_000 or i == 0):
                series["pelican"].runs.append(peer_runs("pelican", lambda out: pelican + [
                    "-q", "-s", str(HERE / "pelican/pelicanconf.py"), "-o", str(out), str(source)],
                    WORK / f"pelican-{count}"))
            print(f"  run {i + 1}: briefsite {series['cold'].runs[-1].seconds:.2f} s"
                  + (f", hugo {series['hugo'].runs[-1].seconds:.2f} s" if hugo else "")
                  + (f", pelican {series['pelican'].runs[-1].seconds:.2f} s"
                     if pelican and series["pelican"].runs else ""), flush=True)
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
            "cold_s": cold.seconds, "cold_rss_mb": cold.rss / 1e6,
            "pages_per_s": pages / cold.seconds,
            "nochange_s": series["nochange"].seconds, "nochange_rss_mb": series["nochange"].rss / 1e6,
            "first_edit_s": first_edit.seconds,
            "edit_s": series["edit"].seconds, "edit_rss_mb": series["edit"].rss / 1e6,
            "edit_rewritten": series["edit"].runs[-1].output,
            "serve_edit_s": serve_s, "serve_edit_written": serve_written,
        }
        for peer in ("hugo", "pelican"):
            if series[peer].runs:
                row[f"{peer}_s"] = series[peer].seconds
                row[f"{peer}_rss_mb"] = series[peer].rss / 1e6
        results[count] = row
        print(f"  briefsite cold      {row['cold_s']:8.2f} s  {row['cold_rss_mb']:7.0f} MB  "
              f"{row['pages_per_s']:7.0f} pages/s")
        print(f"  briefsite no-change {row['nochange_s']:8.2f} s  {row['nochange_rss_mb']:7.0f} MB  "
              f"{row['nochange_s'] / row['cold_s']:6.1%} of cold (target ≤ 10%)")
        print(f"  briefsite one edit  {row['edit_s']:8.2f} s  {row['edit_rss_mb']:7.0f} MB  "
              f"({row['edit_rewritten']}; first edit after a cold build {row['first_edit_s']:.2f} s; "
              f"target ≤ 0.3 s)")
        print(f"  serve-style edit    {serve_s:8.2f} s            ({serve_written} files written; one process "
              f"keeping its cache open, as briefsite serve does; target ≤ 0.3 s)")
        for peer in ("hugo", "pelican"):
            if f"{peer}_s" in row:
                print(f"  {peer:<19} {row[f'{peer}_s']:8.2f} s  {row[f'{peer}_rss_mb']:7.0f} MB  "
                      f"briefsite/{peer}: time {row['cold_s'] / row[f'{peer}_s']:.2f}×, "
                      f"memory {row['cold_rss_mb'] / row[f'{peer}_rss_mb']:.2f}×")
        if "hugo_s" in row:
            print(f"  targets vs Hugo: time ≤ 0.50× -> {row['cold_s'] / row['hugo_s']:.2f}×, "
                  f"memory ≤ 0.10× -> {row['cold_rss_mb'] / row['hugo_rss_mb']:.2f}×")
    if 10_000 in results and 100_000 in results:
        growth = results[100_000]["cold_s"] / results[10_000]["cold_s"]
        print(f"\n100k / 10k cold time: {growth:.1f}× (target ≤ 11×); memory "
              f"{results[100_000]['cold_rss_mb']:.0f} MB vs {results[10_000]['cold_rss_mb']:.0f} MB")
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nfigures saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
