"""Expand the seed bulletins into a benchmark archive of N bulletins.

    python benchmarks/make_corpus.py 10000 benchmarks/work/corpus-10000

The corpus spreads N bulletins over Hunan's fourteen cities and ten years
(2015-2024). Each city has one series per 3,000 bulletins (so 100,000 still
fit distinct dates), every series has distinct dates, issue numbers counted
per year and a running total, and every file has valid front-matter. Bodies
are the seeds' articles (``###`` headline and its paragraphs) drawn in a
seeded order until about 7 KB, under one or two ``##`` sections, with the
date woven into the first paragraph so no two bodies are equal. The same N
always gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from briefsite.content.config import KNOWN_CITY_SLUGS  # noqa: E402

CITIES = [(name, slug) for name, slug in KNOWN_CITY_SLUGS.items() if name != "湖南省"]
FIRST_YEAR, YEARS = 2015, 10
PER_SERIES = 3000  # at most one bulletin a day for ten years, with room to spare
TARGET_BYTES = 5600
SECTIONS = ["【督察动态】", "【县市区动态】", "【整改进展】", "【信访办理】", "【宣传报道】"]


def seed_articles(source: Path) -> list[str]:
    """Every ``### headline`` with its paragraphs, from the seed bulletins."""
    articles: list[str] = []
    for path in sorted(source.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1]
        for chunk in re.split(r"\n(?=### )", "\n" + body):
            chunk = chunk.strip()
            if chunk.startswith("### "):
                # Drop any trailing section heading that belongs to the next article.
                lines = [line for line in chunk.splitlines() if not line.startswith("## ")]
                articles.append("\n".join(lines).strip())
    if not articles:
        raise SystemExit(f"no '### ' articles found under {source}")
    return articles


def body_for(rng: random.Random, articles: list[str], date: dt.date, city: str) -> str:
    parts = [f"{date.month}月{date.day}日，{city}配合生态环境保护督察工作协调联络专班召开调度会，"
             f"通报第{date.timetuple().tm_yday}天工作进展。"]
    size = len(parts[0].encode())
    sections = rng.sample(SECTIONS, 2)
    order = rng.sample(range(len(articles)), len(articles))
    i = 0
    while size < TARGET_BYTES:
        if i == 0 or i == 3:
            parts.append(f"## {sections[0 if i == 0 else 1]}")
        article = articles[order[i % len(order)]]
        if i >= len(order):  # a second pass over the seeds: keep headings unique
            article = article.replace("### ", f"### （续{i // len(order)}）", 1)
        parts.append(article)
        size += len(article.encode())
        i += 1
    return "\n\n".join(parts) + "\n"


def series_dates(rng: random.Random, count: int) -> list[dt.date]:
    """``count`` distinct dates spread over the ten years, oldest first."""
    start = dt.date(FIRST_YEAR, 1, 1)
    days = (dt.date(FIRST_YEAR + YEARS, 1, 1) - start).days
    return [start + dt.timedelta(days=d) for d in sorted(rng.sample(range(days), count))]


def front_matter(title: str, city: str, slug: str, date: dt.date, issue: int, total: int) -> str:
    short = city[:2]
    return (
        "---\n"
        f"title: {title}\n"
        f"issue: {issue}\n"
        f"total_issue: {total}\n"
        f"date: {date.isoformat()}\n"
        f"issuer: {city}配合生态环境保护督察协调联络专班\n"
        f"city: {city}\n"
        "recipients:\n"
        "  report:\n"
        "    - 市委办公室\n"
        "    - 市人大常委会办公室\n"
        "    - 市政府办公室\n"
        "  send:\n"
        "    - 各县市区委、县市区人民政府\n"
        f"doc_number: {short}简字【{date.year}】{issue}号\n"
        f"printed: {date.isoformat()}\n"
        f"contact: 联系电话：（0731）{8000000 + total}\n"
        "---\n\n"
    )


def make_corpus(count: int, out: Path, seeds: Path = ROOT / "bulletins") -> int:
    """Write ``count`` bulletins into ``out`` (replaced); returns bytes written."""
    articles = seed_articles(seeds)
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(20240510)
    written = 0
    for c, (city, slug) in enumerate(CITIES):
        per_city = count // len(CITIES) + (1 if c < count % len(CITIES) else 0)
        n_series = max(1, -(-per_city // PER_SERIES))
        folder = out / slug
        folder.mkdir(parents=True, exist_ok=True)
        for s in range(n_series):
            in_series = per_city // n_series + (1 if s < per_city % n_series else 0)
            title = f"{city}配合生态环境保护督察工作简报" if s == 0 else f"{city}生态环境保护督察整改工作简报（{s + 1}）"
            issue, year = 0, None
            for total, date in enumerate(series_dates(rng, in_series), start=1):
                issue = issue + 1 if date.year == year else 1
                year = date.year
                name = f"{date.isoformat()}-{issue}" if s == 0 else f"{date.isoformat()}-s{s + 1}-{issue}"
                text = front_matter(title, city, slug, date, issue, total) + body_for(rng, articles, date, city)
                data = text.encode("utf-8")
                (folder / f"{name}.md").write_bytes(data)
                written += len(data)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of bulletins")
    parser.add_argument("out", type=Path, help="folder to (re)create")
    parser.add_argument("--seeds", type=Path, default=ROOT / "bulletins", help="seed bulletins (default: bulletins/)")
    args = parser.parse_args(argv)
    written = make_corpus(args.count, args.out, args.seeds)
    print(f"{args.count} bulletins, {written / 1e6:.1f} MB -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
