"""A digest of everything briefsite builds, to prove a refactoring changes no byte.

    python benchmarks/digest.py                 # seeds and a 1,000-bulletin corpus
    python benchmarks/digest.py --count 200     # a smaller corpus
    python benchmarks/digest.py --json out.json # also write the digests

For each archive (the seed bulletins in bulletins/ with briefsite.yaml, and a
corpus made by make_corpus.py) it runs the real command line,
``python -m briefsite build``, and takes a sha256 over every file of the
output folder (relative path and bytes, search index included):

- ``cold``: a first build, no cache;
- ``incremental``: after the cold build (with its cache), one bulletin is
  edited, one added and one deleted, and the site rebuilt through the cache
  and the previous output; then rebuilt once more with nothing changed;
- the incremental site must equal a clean build of the same input, and the
  no-change rebuild must equal both: the script fails otherwise.

Run it before and after a change to the build; equal digests mean equal
sites. SOURCE_DATE_EPOCH is fixed so that the digests do not depend on the day.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"


def tree_digest(folder: Path) -> str:
    """sha256 over every file under ``folder``: its relative path and its bytes."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix().encode()
        data = path.read_bytes()
        h.update(len(rel).to_bytes(8, "little") + rel)
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def build(project: Path, out: str, *, cache: bool) -> None:
    command = [sys.executable, "-m", "briefsite", "build", "--source", "bulletins",
               "--config", "briefsite.yaml", "--out", out]
    if not cache:
        command.append("--no-cache")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build failed in {project}:\n{result.stdout}{result.stderr}")


def bulletin_files(project: Path) -> list[Path]:
    return sorted((project / "bulletins").rglob("*.md"))


def incremental_case(name: str, bulletins: Path, config: Path, work: Path) -> dict[str, str]:
    """Cold build, then edit/add/delete and rebuild; checked against a clean build."""
    project = work / name
    shutil.copytree(bulletins, project / "bulletins")
    shutil.copy(config, project / "briefsite.yaml")
    files = bulletin_files(project)
    if len(files) < 3:
        raise SystemExit(f"{bulletins}: need at least 3 bulletins")
    # The bulletin "added" later is held back from the first build: any added
    # bulletin must be a valid one of the series, and this one is.
    held = files[len(files) // 2]
    held_bytes = held.read_bytes()
    held.unlink()
    build(project, "site-cold", cache=False)
    cold = tree_digest(project / "site-cold")

    build(project, "site", cache=True)  # the first build that fills the cache
    if tree_digest(project / "site") != cold:
        raise SystemExit(f"{name}: a first build with the cache differs from one without")
    edited, deleted = files[1], files[-1]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.rstrip("\n") + "\n\n本期内容已经核对。\n", encoding="utf-8")
    held.write_bytes(held_bytes)
    deleted.unlink()
    build(project, "site", cache=True)
    incremental = tree_digest(project / "site")
    build(project, "site-clean", cache=False)
    clean = tree_digest(project / "site-clean")
    if incremental != clean:
        raise SystemExit(f"{name}: the incremental build differs from a clean build of the same input")
    build(project, "site", cache=True)  # nothing changed
    if tree_digest(project / "site") != clean:
        raise SystemExit(f"{name}: a rebuild with nothing changed altered the site")
    return {"cold": cold, "incremental": incremental}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="bulletins in the generated corpus (0: none)")
    parser.add_argument("--json", type=Path, help="also write the digests to this file")
    args = parser.parse_args(argv)
    config = ROOT / "briefsite.yaml"
    results: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="briefsite-digest-") as tmp:
        work = Path(tmp)
        results["seeds"] = incremental_case("seeds", ROOT / "bulletins", config, work)
        if args.count:
            corpus = work / "corpus"
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"),
                            str(args.count), str(corpus)], check=True, capture_output=True)
            results[f"corpus-{args.count}"] = incremental_case(f"corpus-{args.count}", corpus, config, work)
    for case, digests in results.items():
        for kind, value in digests.items():
            print(f"{case:12} {kind:12} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
