"""One edit and no change, before and after a change of the code, in one run.

    .venv/bin/python benchmarks/bench_edit.py                       # main against this tree, 1,000 and 10,000
    .venv/bin/python benchmarks/bench_edit.py --before 3d223a6 --sizes 10000 --runs 5

Two versions of briefsite (``--before``, a git revision, and this working
tree), each run from its own snapshot of the code with its own copy of the
corpus (hard-linked from benchmarks/work/corpus-N; an edit replaces the file,
so the copies never share an edit), cache and output folder. For each size:

- **cold**: ``briefsite build --no-search`` with no cache and no output;
- one warm-up edit per version (the first rebuild after a cold build also
  makes the spare copy of the site), not counted;
- then ``--runs`` rounds, the versions interleaved so the machine's load
  falls on both alike: **one edit** (a sentence of one bulletin in the middle
  of the archive, rewritten, then the same command) and **no-change** (the
  command again).

Each run is one process tree measured by bench.py's ``measure``: wall time,
CPU time (user + system) of the tree, peak PSS. On this shared machine read
the CPU times: a process waits for a core much of the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402  (measure, corpus, snapshot's layout)

ROOT = HERE.parent
PYTHON = sys.executable


def snapshot_of(revision: str | None, target: Path) -> Path:
    """briefsite's package as of ``revision`` (None: the working tree), laid
    out as bench.py's snapshot: templates and schema inside the package."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if revision is None:
        shutil.copytree(ROOT / "src" / "briefsite", target / "briefsite",
                        ignore=shutil.ignore_patterns("__pycache__"))
        for extra in ("templates", "schema"):
            shutil.copytree(ROOT / extra, target / "briefsite" / extra)
    else:
        tree = target / "tree"
        tree.mkdir()
        archive = subprocess.run(["git", "archive", revision, "src/briefsite", "templates", "schema"],
                                 cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        os.rename(tree / "src" / "briefsite", target / "briefsite")
        for extra in ("templates", "schema"):
            os.rename(tree / extra, target / "briefsite" / extra)
        shutil.rmtree(tree)
    return target


class Version:
    def __init__(self, name: str, code: Path, work: Path, count: int) -> None:
        self.name = name
        self.env = {"PYTHONPATH": str(code)}
        self.folder = work / name / f"n{count}"
        self.source = self.folder / f"corpus-{count}"
        self.out = self.folder / "site"
        self.config = self.folder / "bench.yaml"
        self.edits = 0

    def prepare(self, corpus: Path) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        shutil.copytree(corpus, self.source, copy_function=os.link)
        self.config.write_text("title: 工作简报档案\n", encoding="utf-8")

    def argv(self) -> list[str]:
        return [PYTHON, "-m", "briefsite", "build", "--source", str(self.source), "--out", str(self.out),
                "--config", str(self.config), "--no-search"]

    def build(self) -> bench.Run:
        return bench.measure(self.argv(), self.folder, self.env)

    def edit(self) -> bench.Run:
        """One sentence of one bulletin changed (the file replaced: the
        hard-linked corpus of the other version keeps its own), then build."""
        files = sorted((self.source / "changsha").glob("*.md"))
        target = files[len(files) // 2]
        text = target.read_text(encoding="utf-8")
        self.edits += 1
        changed = re.sub(r"召开(第\d+次)?调度会", f"召开第{self.edits}次调度会", text, count=1)
        if changed == text:
            raise SystemExit(f"{target}: no sentence to edit")
        fresh = target.with_name(target.name + ".new")
        fresh.write_text(changed, encoding="utf-8")
        os.replace(fresh, target)
        return self.build()


def summary(runs: list[bench.Run]) -> dict:
    return {"wall": statistics.median(r.seconds for r in runs),
            "cpu": statistics.median(r.cpu_seconds for r in runs),
            "pss_mb": statistics.median(r.peak_pss for r in runs) / 1e6,
            "runs_cpu": [round(r.cpu_seconds, 3) for r in runs]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5, help="edits and no-change builds per version (median)")
    parser.add_argument("--work", type=Path, default=HERE / "work" / "edit")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    codes = {"before": snapshot_of(args.before, work / "code-before"),
             "after": snapshot_of(None, work / "code-after")}
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; before = {args.before}",
          flush=True)
    results = {}
    for count in [int(s) for s in args.sizes.split(",") if s]:
        corpus = bench.corpus(count)
        versions = [Version(name, code, work, count) for name, code in codes.items()]
        series: dict[str, dict[str, list[bench.Run]]] = {v.name: {"cold": [], "edit": [], "nochange": []}
                                                          for v in versions}
        for v in versions:
            # Every copy first: a hard link made later changes the ctime of the
            # file it shares, and so every bulletin's stat in the other copy's
            # cache (its next build would parse the whole corpus again).
            v.prepare(corpus)
        for v in versions:
            series[v.name]["cold"].append(v.build())
            print(f"  {count}: {v.name} cold {series[v.name]['cold'][-1].cpu_seconds:.2f} s CPU", flush=True)
            v.edit()  # warm-up: also makes the spare site
        for i in range(args.runs):
            loads = os.getloadavg()[0]
            for kind in ("edit", "nochange"):
                for v in versions:
                    run = v.edit() if kind == "edit" else v.build()
                    series[v.name][kind].append(run)
            print(f"  {count}: round {i + 1} (load {loads:.1f}): " + ", ".join(
                f"{v.name} edit {series[v.name]['edit'][-1].cpu_seconds:.3f} / no-change "
                f"{series[v.name]['nochange'][-1].cpu_seconds:.3f} s CPU" for v in versions), flush=True)
        results[count] = {name: {kind: summary(runs) for kind, runs in kinds.items()}
                          for name, kinds in series.items()}
        print(f"\n{count:,} bulletins: median CPU s (wall s), peak PSS MB")
        for kind in ("cold", "edit", "nochange"):
            line = f"  {kind:9s}"
            for name in codes:
                s = results[count][name][kind]
                line += f"  {name}: {s['cpu']:.3f} CPU ({s['wall']:.2f} wall), {s['pss_mb']:.0f} MB"
            before, after = results[count]["before"][kind]["cpu"], results[count]["after"][kind]["cpu"]
            print(line + f"  after/before CPU {after / before:.2f}", flush=True)
    (work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
