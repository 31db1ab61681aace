"""Recall and precision of search configurations on one query set (docs/search.md).

    .venv/bin/python benchmarks/search_quality.py SITE OLD_SITE [--corpus DIR]

SITE is an archive built by this checkout (every character one Pagefind
word); OLD_SITE the same archive built by the code before issue 9 (Pagefind's
Chinese word segmentation, its default UI query), e.g. from
``git archive c0fe7a6``. The queries and the truth (the bulletins whose text
contains every term) are the browser test's (tests/browser/test_search_exact.py).
Each configuration runs in real Chromium through Pagefind's JS API:

- old-words: the old index, the query as typed (what the old page did);
- old-words-quoted: the old index, the query as a Pagefind quoted phrase;
- chars-and: the new index, the query's characters as separate words (AND);
- chars-phrase: the new index, each term a phrase of characters (the page's find()).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.support import launch, serve  # noqa: E402
from tests.browser.test_search_exact import documents, expected, make_queries  # noqa: E402

RUN_PAGEFIND = """async ([queries, mode]) => {
    const base = new URL("../pagefind/", location.href).href;
    const pf = await import(base + "pagefind.js");
    await pf.options({basePath: base});
    await pf.init();
    try {
        const m = await (await fetch(base + "shards.json")).json();
        for (const s of m.shards) await pf.mergeIndex(base + s + "/");
    } catch (e) {}
    const out = [];
    for (const q of queries) {
        let text = q.q;
        if (mode === "quoted") text = '"' + q.terms.join(" ") + '"';
        if (mode === "chars") text = q.terms.map((t) => window.briefsiteSearch.tokens(t).join(" ")).join(" ");
        const filters = {};
        if (q.city) filters["城市"] = q.city;
        if (q.year) filters["年份"] = q.year;
        const r = await pf.search(text, {filters});
        const urls = [];
        for (const x of r.results) urls.push(new URL((await x.data()).url, location.href).pathname);
        out.push(urls);
    }
    return out;
}"""


def score(name: str, docs, queries, got, base_path: str) -> dict:
    exact = hits = found_total = truth_total = 0
    for query, urls in zip(queries, got):
        found = {u[len(base_path):] for u in urls}
        truth = set(expected(docs, query))
        exact += found == truth
        hits += len(found & truth)
        found_total += len(found)
        truth_total += len(truth)
    row = {"config": name, "queries": len(queries), "exact_sets": exact,
           "recall": hits / truth_total if truth_total else 1.0,
           "precision": hits / found_total if found_total else 1.0}
    print(f"{name:18} exact {exact}/{len(queries)} ({exact / len(queries):.0%}), "
          f"recall {row['recall']:.1%}, precision {row['precision']:.1%}", flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("old_site", type=Path)
    parser.add_argument("--corpus", type=Path, default=None, help="source folder (default: bulletins/)")
    parser.add_argument("--count", type=int, default=160)
    parser.add_argument("--configs", default="old-words,old-words-quoted,chars-and,chars-phrase",
                        help="which configurations to run (comma-separated)")
    args = parser.parse_args()
    source = args.corpus or ROOT / "bulletins"
    docs = documents(source, None if args.corpus else ROOT / "briefsite.yaml")
    queries = make_queries(docs, args.count, seed=9)
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = launch(pw)
        for name, site, mode in (("old-words", args.old_site, "typed"), ("old-words-quoted", args.old_site, "quoted"),
                                 ("chars-and", args.site, "chars"), ("chars-phrase", args.site, "find")):
            if name not in args.configs.split(","):
                continue
            with serve(site) as url:
                page = browser.new_page()
                page.goto(url + "search/", wait_until="networkidle")
                base_path = "/" + url.split("/", 3)[3]
                if mode == "find":
                    got = page.evaluate("""async (qs) => { await window.briefsiteSearch.ready; const out = [];
                        for (const q of qs) out.push(await window.briefsiteSearch.find(q.q, {city: q.city || "", year: q.year || ""}));
                        return out; }""", queries)
                else:
                    if mode == "chars":
                        page.evaluate("window.briefsiteSearch.ready")
                    got = page.evaluate(RUN_PAGEFIND, [queries, mode])
                rows.append(score(name, docs, queries, got, base_path))
                page.close()
        browser.close()
    print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
