"""How many facts the importer gets right first time on generated Word and PDF bulletins.

Usage: .venv/bin/python benchmarks/import_accuracy.py [N] [--no-pdf]

Lays out N bulletins (tests/import_docs.py: python-docx for Word, an HTML
page printed by Chromium for PDF) drawn at random, with a fixed seed, from the
families of issue 10 (导读 under its other names with bullets and dot leaders,
outlines, tables, running heads and page numbers, several pages, pictures,
short paragraphs), imports each, and counts per fact whether it came out as
laid out: the masthead facts, the recipients, the 印发 date, every headline
and outline heading at its level, every paragraph whole, every table, and no
character of the text layer lost.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]

from import_docs import Spec, print_pdf, to_docx, to_html  # noqa: E402

from briefsite.editor.importing.importer import interpret, markdown_table  # noqa: E402
from briefsite.editor.importing.pdf import read_pdf  # noqa: E402
from briefsite.editor.importing.word import read_docx  # noqa: E402

PLACES = ["益阳市", "株洲市", "永州市", "长沙市", "湘潭市"]
WORDS = "全市召开推进会议研究部署督察整改工作要求各级各部门压实责任加强调度确保问题按时办结群众满意"


def sentence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n)) + "，" + "".join(rng.choice(WORDS) for _ in range(n)) + "。"


def make(rng: random.Random) -> tuple[Spec, dict, list[str]]:
    city = rng.choice(PLACES)
    issue = rng.randint(1, 40)
    date = dt.date(2024, rng.randint(1, 12), rng.randint(1, 28))
    title = f"{city}配合中央生态环境保护督察工作简报"
    issuer = f"{city}配合中央生态环境保护督察协调联络专班"
    blocks: list[tuple] = []
    expected: list[str] = []
    headlines: list[str] = []
    for k in range(rng.randint(1, 4)):
        head = "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
        headlines.append(head)
        blocks.append(("headline", head))
        expected.append("### " + head)
        for _ in range(rng.randint(1, 3)):
            text = sentence(rng, rng.randint(5, 60))
            blocks.append(("para", text))
            expected.append(text)
        if rng.random() < 0.4:
            for depth, mark in enumerate(("一、", "（一）")):
                text = mark + "".join(rng.choice(WORDS) for _ in range(6))
                blocks.append(("outline", text))
                expected.append("#" * (4 + depth) + " " + text)
                body = sentence(rng, 12)
                blocks.append(("para", body))
                expected.append(body)
        if rng.random() < 0.3:
            rows = [["县市区", "交办件", "办结"]] + [[rng.choice(PLACES), str(rng.randint(1, 300)),
                                                      str(rng.randint(0, 50))] for _ in range(rng.randint(2, 6))]
            blocks.append(("table", rows))
            expected.append(markdown_table([tuple(r) for r in rows]))
    guide_label = rng.choice([None, "【导读】", "本期要目", "本期导读"])
    bullet = rng.choice(["▲", "◆", "★"])
    guide = [f"{bullet}{h}" + rng.choice(["", "……………… 1"]) for h in headlines] if guide_label else []
    names = [f"市{rng.choice(['委', '人大', '政府', '政协'])}办公室" for _ in range(rng.randint(1, 4))]
    names = list(dict.fromkeys(names))
    spec = Spec(title=title, issue=f"第 {issue} 期", issuer=issuer, date=f"{date.year}年{date.month}月{date.day}日",
                guide_label=guide_label, guide=guide, blocks=blocks,
                closing=["报：" + "，".join(names) + "。", f"{issuer} {date.year}年{date.month}月{date.day}日印发"],
                running_head=rng.choice([None, title]), page_numbers=rng.random() < 0.7,
                picture=rng.random() < 0.2)
    facts = {"title": title, "issue": issue, "date": date, "issuer": issuer, "city": city,
             "recipients": {"report": names}, "printed": date}
    return spec, facts, expected


def score(document, facts: dict, expected: list[str], tally: Counter) -> None:
    imported = interpret(document)
    for key, value in facts.items():
        tally[(key, imported.facts.get(key) == value)] += 1
    blocks = imported.body.split("\n\n")
    for block in expected:
        kind = "table" if block.startswith("|") else "heading" if block.startswith("#") else "paragraph"
        tally[(kind, block in blocks)] += 1
    layer = Counter("".join("".join((ln.text + "".join(ln.cells)).split()) for ln in document.lines))
    text, _ = imported.render()
    lost = layer - Counter("".join(text.replace("\\", "").split())) \
        - Counter("".join("".join(p.text for p in imported.dropped).split()))
    tally[("nothing lost", not lost)] += 1


def report(name: str, tally: Counter) -> None:
    keys = sorted({k for k, _ in tally})
    right = sum(n for (k, ok), n in tally.items() if ok)
    total = sum(tally.values())
    print(f"{name}: {right}/{total} facts right ({100 * right / total:.1f} %)")
    for key in keys:
        ok, bad = tally[(key, True)], tally[(key, False)]
        print(f"  {key:14} {ok}/{ok + bad}")


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "40"))
    rng = random.Random(20261201)
    cases = [make(rng) for _ in range(n)]
    word = Counter()
    for spec, facts, expected in cases:
        score(read_docx(to_docx(spec), "x.docx"), facts, expected, word)
    report("Word", word)
    if "--no-pdf" in sys.argv:
        return
    from playwright.sync_api import sync_playwright

    from browser.support import launch

    pdf = Counter()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for spec, facts, expected in cases:
            score(read_pdf(print_pdf(browser, to_html(spec), spec), "x.pdf"), facts, expected, pdf)
        browser.close()
    report("PDF", pdf)


if __name__ == "__main__":
    main()
