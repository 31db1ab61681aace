"""Search finds exactly what the archive says: in real Chromium, through the
search page's own search function, on the seed archive and on a generated
archive of 1,000 bulletins.

For every query the set of bulletins the page returns must equal the set of
bulletins whose text contains every term of the query (whitespace ignored,
ASCII letters in either case), within the city and year chosen: 100 %, not
most. The queries are random substrings of 2-6 characters cut from the
bulletins' text (Chinese, punctuation, digits and Latin letters alike), the
same in upper case, several terms at once, quoted phrases, city and year
filters, places and names that occur in the seeds, and words that occur
nowhere.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefsite.content.config import load_config
from briefsite.build.search import searchable
from briefsite.build.site import load_archive

from .support import ROOT, build_site, serve

QUOTES = '"“”'
# Words a reader may type that occur in none of the seeds (the issue's list:
# each used to match on one shared character).
ABSENT = ["量子计算", "核电站", "新冠疫情", "高铁", "奥运会", "PM2.5", "G60", "人工智能大模型"]
# Places and names of the seeds, typed as readers type them.
NAMES = ["永州", "永州市", "湖南省", "株洲市", "益阳市", "朱洪武", "南洞庭湖", "督察", "中央生态环境保护督察组"]


@dataclass(frozen=True)
class Doc:
    url: str
    city: str
    year: str
    text: str  # searchable form


def documents(source: Path, config: Path | None) -> list[Doc]:
    archive, _ = load_archive(source, load_config(config))
    return [Doc(b.url, b.city, str(b.year), searchable(b.loaded().text)) for b in archive.bulletins]


def expected(docs: list[Doc], query: dict) -> list[str]:
    terms = [searchable(t) for t in query["terms"]]
    return sorted(d.url for d in docs
                  if all(t in d.text for t in terms)
                  and (not query.get("city") or d.city == query["city"])
                  and (not query.get("year") or d.year == query["year"]))


def full_width(text: str) -> str:
    """``text`` with its ASCII letters, digits and punctuation typed full-width (Ｐ, ２, ．)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def make_queries(docs: list[Doc], count: int, seed: int) -> list[dict]:
    """Queries as {"q": typed text, "terms": [...], "city", "year"}."""
    rng = random.Random(seed)

    def cut() -> str:
        while True:
            text = rng.choice(docs).text
            size = rng.randint(2, 6)
            start = rng.randrange(0, max(1, len(text) - size))
            piece = text[start:start + size]
            if len(piece) >= 2 and not any(q in piece for q in QUOTES):
                return piece

    def latin() -> str:  # a cut holding an ASCII letter or digit, if the archive has one
        for _ in range(200):
            text = rng.choice(docs).text
            spots = [i for i, c in enumerate(text) if c.isascii() and c.isalnum()]
            if spots:
                i = rng.choice(spots)
                piece = text[max(0, i - rng.randint(0, 3)):i + rng.randint(2, 4)]
                if not any(q in piece for q in QUOTES):
                    return piece
        return cut()

    queries = []
    cities = sorted({d.city for d in docs})
    years = sorted({d.year for d in docs})
    for name in NAMES + ABSENT:
        queries.append({"q": name, "terms": [name]})
    for i in range(count):
        kind = i % 8
        if kind in (0, 1, 2):  # one random substring
            piece = cut()
            queries.append({"q": piece, "terms": [piece]})
        elif kind == 3:  # letters and digits, in upper case, half the time typed full-width
            piece = latin()
            typed = piece.upper() if i % 16 < 8 else full_width(piece.upper())
            queries.append({"q": typed, "terms": [piece]})
        elif kind == 4:  # several terms: all must occur
            a, b = cut(), cut()
            queries.append({"q": f"{a} {b}", "terms": [a, b]})
        elif kind == 5:  # a quoted phrase, typed with a space inside
            piece = cut()
            typed = piece[:1] + " " + piece[1:]
            queries.append({"q": f"“{typed}”" if i % 16 < 8 else f'"{typed}"', "terms": [piece]})
        elif kind == 6:  # filtered by city, by year, or both
            piece = cut()
            query = {"q": piece, "terms": [piece]}
            if i % 3 != 1:
                query["city"] = rng.choice(cities)
            if i % 3 != 0:
                query["year"] = rng.choice(years)
            queries.append(query)
        else:  # absent: a real cut with a character changed, kept only if it occurs nowhere
            piece = cut()
            for _ in range(20):
                wrong = piece[:-1] + chr(rng.randint(0x4E00, 0x9FA5))
                if not expected(docs, {"terms": [wrong]}):
                    break
            queries.append({"q": wrong, "terms": [wrong]})
    return queries


def run_queries(page, queries: list[dict]) -> list[list[str]]:
    """Every query through the page's own search function, in this one page."""
    return page.evaluate("""async (queries) => {
        await window.briefsiteSearch.ready;
        const out = [];
        for (const q of queries) {
            out.push(await window.briefsiteSearch.find(q.q, {city: q.city || "", year: q.year || ""}));
        }
        return out;
    }""", queries)


def check(page, base_path: str, docs: list[Doc], queries: list[dict]) -> None:
    got = run_queries(page, queries)
    wrong = []
    for query, urls in zip(queries, got):
        found = sorted(u[len(base_path):] for u in urls)
        want = expected(docs, query)
        if found != want:
            wrong.append(f"{query}: expected {len(want)} {want[:3]}..., got {len(found)} {found[:3]}...")
    assert not wrong, f"{len(wrong)} of {len(queries)} queries wrong:\n" + "\n".join(wrong[:20])
    # The set is not trivially empty or everything: the check has teeth.
    sizes = [len(expected(docs, q)) for q in queries]
    assert any(s == 0 for s in sizes) and any(0 < s < len(docs) for s in sizes)


def open_search(playwright_browser, url: str):
    page = playwright_browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url + "search/", wait_until="networkidle")
    return page, errors


def test_seed_archive_exact(playwright_browser, base_url):
    docs = documents(ROOT / "bulletins", ROOT / "briefsite.yaml")
    queries = make_queries(docs, 160, seed=9)
    page, errors = open_search(playwright_browser, base_url)
    base_path = "/" + base_url.split("/", 3)[3]
    check(page, base_path, docs, queries)
    page.close()
    assert errors == []
    assert len(queries) >= 170


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory, playwright_browser):
    """benchmarks/make_corpus.py's 1,000-bulletin archive, built once with search."""
    root = tmp_path_factory.mktemp("corpus")
    source = root / "bulletins"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), "1000", str(source)],
                   check=True, capture_output=True, timeout=300)
    out = root / "site"
    proc = subprocess.run([sys.executable, "-m", "briefsite", "build", "--source", str(source),
                           "--out", str(out), "--no-cache"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return source, out


def test_generated_archive_of_1000_exact(playwright_browser, corpus_site):
    source, out = corpus_site
    docs = documents(source, None)
    assert len(docs) == 1000
    queries = make_queries(docs, 240, seed=1000)
    with serve(out) as url:
        page, errors = open_search(playwright_browser, url)
        base_path = "/" + url.split("/", 3)[3]
        check(page, base_path, docs, queries)
        page.close()
    assert errors == []


def test_generated_archive_lists_newest_first_across_shards(playwright_browser, corpus_site):
    """A city's listing, and a query matching more than can be ranked, come
    newest first over all shards (Pagefind merges shards by score)."""
    source, out = corpus_site
    archive, _ = load_archive(source, load_config(None))
    order = {b.url: (b.date, b.issue or 0) for b in archive.bulletins}
    city = archive.bulletins[0].city
    with serve(out) as url:
        page, errors = open_search(playwright_browser, url)
        base_path = "/" + url.split("/", 3)[3]
        for query, filters in (("", {"city": city}), ("督察", {})):
            urls = page.evaluate("([q, f]) => window.briefsiteSearch.find(q, f)", [query, filters])
            keys = [order[u[len(base_path):]] for u in urls]
            assert len(keys) > 50  # more than one shard, more than the ranked few
            assert keys == sorted(keys, reverse=True), (query, filters)
        page.close()
    assert errors == []


class OlderShards:
    """Holds back every request of the page for a shard other than the
    newest (their folders are pagefind/<year>-<run>/) until released or
    failed."""

    def __init__(self, page) -> None:
        self.held: list = []
        self.answer = None  # once released or failed: how each request is answered
        page.route(lambda u: "/pagefind/20" in u,
                   lambda route: self.answer(route) if self.answer else self.held.append(route))

    def release(self) -> None:
        self._answer(lambda route: route.continue_())

    def fail(self) -> None:
        self._answer(lambda route: route.abort())

    def _answer(self, answer) -> None:
        self.answer = answer
        while self.held:
            answer(self.held.pop())


# Until the search is over, the page's status starts with 正在 (searching).
SEARCH_OVER = "() => !document.getElementById('search-status').textContent.startsWith('正在')"


def test_first_results_are_listed_while_older_shards_are_searched(playwright_browser, corpus_site):
    """A query matching many bulletins lists its newest matches from the
    newest shard, without waiting for the others (at 100,000 bulletins an
    unfiltered query searches ~800 shards); the count says the search goes
    on, and becomes the exact total once every shard has answered."""
    source, out = corpus_site
    archive, _ = load_archive(source, load_config(None))
    newest = sorted(archive.bulletins, key=lambda b: (b.date, b.issue or 0), reverse=True)
    matches = [b for b in newest if "督察" in searchable(b.loaded().text)]
    assert len(matches) > 125  # more than the newest shard holds
    with serve(out) as url:
        page, errors = open_search(playwright_browser, url)
        base_path = "/" + url.split("/", 3)[3]
        older = OlderShards(page)
        page.goto(url + "search/?q=督察")
        page.wait_for_selector(".search-result")
        status = page.locator("#search-status")
        assert status.inner_text().startswith("正在检索更早的简报……已找到 ")
        links = page.eval_on_selector_all(".search-result h2 a", "as => as.map(a => a.pathname)")
        assert links == [f"{base_path}{b.url}" for b in matches[:20]]
        assert older.held  # the older shards were asked for, and are still unanswered
        older.release()
        page.wait_for_function(SEARCH_OVER)
        assert status.inner_text() == f"找到 {len(matches)} 期简报包含“督察”。结果超过 50 期，从新到旧排列。"
        page.locator("#search-more").click()
        page.wait_for_function("() => document.querySelectorAll('.search-result').length >= 40")
        links = page.eval_on_selector_all(".search-result h2 a", "as => as.map(a => a.pathname)")
        assert links == [f"{base_path}{b.url}" for b in matches[:40]]
        page.close()
    assert errors == []


def test_absent_word_says_how_far_back_it_has_searched(playwright_browser, corpus_site):
    """A word found nowhere must be looked for in every shard; until then the
    page says how far back it has searched, and then that nothing holds it."""
    source, out = corpus_site
    archive, _ = load_archive(source, load_config(None))
    newest = max(b.year for b in archive.bulletins)
    with serve(out) as url:
        page = playwright_browser.new_page()
        older = OlderShards(page)
        page.goto(url + "search/?q=量子计算")
        status = page.locator("#search-status")
        page.wait_for_function(f"() => document.getElementById('search-status').textContent.includes('{newest} 年')")
        assert status.inner_text() == f"正在检索……{newest} 年以来的简报中暂未找到。"
        older.release()
        page.wait_for_function(SEARCH_OVER)
        assert status.inner_text().startswith("没有找到包含“量子计算”的简报")
        page.close()


def test_older_shards_failing_after_the_first_page_says_so(playwright_browser, corpus_site):
    """If the older shards cannot be loaded once the first page is listed,
    the page says search could not be loaded, not "searching" for ever."""
    source, out = corpus_site
    with serve(out) as url:
        page = playwright_browser.new_page()
        older = OlderShards(page)
        page.goto(url + "search/?q=督察")
        page.wait_for_selector(".search-result")
        older.fail()
        page.wait_for_function(SEARCH_OVER, timeout=30_000)
        assert page.inner_text("#search-status").startswith("检索暂时无法加载")
        assert page.locator(".search-result").count() == 20  # the page listed stays
        page.close()


@pytest.fixture(scope="module")
def many_shards_site(tmp_path_factory):
    """A generated archive of 300 bulletins in shards of two: ~150 shards, as
    a 20,000-bulletin archive has in shards of 125; with index chunks of 20
    postings, each character's postings come in a chunk of their own, as
    they do in full shards."""
    from briefsite.build import search
    from briefsite.build.site import build

    root = tmp_path_factory.mktemp("many-shards")
    source = root / "bulletins"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), "300", str(source)],
                   check=True, capture_output=True, timeout=300)
    out = root / "site"
    sizes = search.SHARD_SIZE, search.INDEX_CHUNK_SIZE
    search.SHARD_SIZE, search.INDEX_CHUNK_SIZE = 2, 200
    try:
        build(source, out, load_config(None), cache=False)
    finally:
        search.SHARD_SIZE, search.INDEX_CHUNK_SIZE = sizes
    assert len(list((out / "pagefind").glob("20*-*"))) > 140
    return source, out


def test_many_shards_exact_with_chunk_fetches_bounded(playwright_browser, many_shards_site):
    """Over ~150 shards, a long query still finds exactly the bulletins that
    contain it, and the page never has more than MAX_CHUNK_FETCHES index
    chunks in flight: with every shard's chunks asked for at once, Chromium
    failed a third of the requests at 100,000 bulletins
    (net::ERR_INSUFFICIENT_RESOURCES) and Pagefind searched on without them,
    returning fewer bulletins than contain the query."""
    source, out = many_shards_site
    docs = documents(source, None)
    rng = random.Random(150)
    queries = []
    while len(queries) < 3:
        doc = rng.choice(docs)
        start = rng.randrange(max(1, len(doc.text) - 10))
        term = doc.text[start:start + 10]
        if len(set(term)) == 10 and not any(c in QUOTES for c in term):
            queries.append({"q": term, "terms": [term]})
    queries += [{"q": "督察", "terms": ["督察"]}, {"q": "量子计算", "terms": ["量子计算"]}]
    in_flight, most = [0], [0]

    def started(request):
        if "/index/" in request.url:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])

    def ended(request):
        if "/index/" in request.url:
            in_flight[0] -= 1

    with serve(out) as url:
        page, errors = open_search(playwright_browser, url)
        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        base_path = "/" + url.split("/", 3)[3]
        check(page, base_path, docs, queries)
        page.close()
    assert errors == []
    bound = int(re.search(r"MAX_CHUNK_FETCHES = (\d+)", (ROOT / "templates/assets/search.js").read_text()).group(1))
    assert bound / 2 < most[0] <= bound


WIDTH_BULLETINS = {
    # name: (city, date, body), each a bulletin of its own
    "wide": ("益阳市", "2024-05-10", "２０２４年ＰＭ２．５平均浓度下降，Ｇ６０沿线整改到位。"),
    "narrow": ("益阳市", "2024-05-11", "2024年PM2.5平均浓度下降,G60沿线整改到位。"),
    "lower": ("株洲市", "2024-05-12", "全年pm2.5达标天数增加。"),
    "mixed": ("株洲市", "2024-05-13", "２０24年第一季度，ＰＭ2.5持平。"),
    "none": ("株洲市", "2024-05-14", "二〇二四年空气质量稳定。"),
}


@pytest.fixture(scope="module")
def width_site(tmp_path_factory):
    """An archive whose bulletins write digits and Latin letters full-width, half-width or mixed."""
    root = tmp_path_factory.mktemp("width")
    source = root / "bulletins"
    for issue, (name, (city, date, body)) in enumerate(WIDTH_BULLETINS.items(), start=1):
        folder = source / name
        folder.mkdir(parents=True)
        (folder / f"{date}.md").write_text(
            f"---\ntitle: {city}大气污染防治工作简报\nissue: {issue}\ndate: {date}\n"
            f"issuer: {city}生态环境局\ncity: {city}\n---\n\n### 空气质量\n\n{body}\n", encoding="utf-8")
    out = root / "site"
    proc = subprocess.run([sys.executable, "-m", "briefsite", "build", "--source", str(source),
                           "--out", str(out), "--no-cache"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return source, out


@pytest.mark.parametrize("query,found", [
    ("2024", {"wide", "narrow", "mixed"}),
    ("２０２４", {"wide", "narrow", "mixed"}),
    ("２０２４年", {"wide", "narrow", "mixed"}),
    ("PM2.5", {"wide", "narrow", "lower", "mixed"}),
    ("ＰＭ２.５", {"wide", "narrow", "lower", "mixed"}),
    ("ｐｍ２．５", {"wide", "narrow", "lower", "mixed"}),
    ("pm2.5平均", {"wide", "narrow"}),
    ("g60", {"wide", "narrow"}),
    ("Ｇ６０ 下降", {"wide", "narrow"}),
    ("下降，Ｇ", {"wide", "narrow"}),  # the Chinese comma is the full-width ","
    ("２０２５", set()),
    ("ＰＭ１０", set()),
])
def test_full_width_digits_and_latin_fold_to_ascii(playwright_browser, width_site, query, found):
    """２０２４ finds 2024 and the reverse, ＰＭ２.５ finds PM2.5 in any case and width:
    the index and the query both fold width (NFKC) and case."""
    source, out = width_site
    docs = documents(source, None)
    with serve(out) as url:
        page, errors = open_search(playwright_browser, url)
        urls = page.evaluate("q => window.briefsiteSearch.find(q)", query)
        page.close()
    by_date = {date: name for name, (_, date, _) in WIDTH_BULLETINS.items()}
    names = {by_date[u.rstrip("/").rsplit("/", 1)[1][:10]] for u in urls}
    assert names == found
    assert sorted(urls) == sorted("/" + url.split("/", 3)[3] + u for u in expected(docs, {"terms": query.split()}))
    assert errors == []


def test_full_width_text_is_shown_as_written(playwright_browser, width_site):
    """Folded for matching, the excerpt still shows the bulletin's own characters."""
    _, out = width_site
    with serve(out) as url:
        page, errors = open_search(playwright_browser, url)
        page.goto(url + "search/?q=pm2.5%E5%B9%B3%E5%9D%87", wait_until="networkidle")
        page.wait_for_selector(".search-result")
        excerpts = page.locator(".search-excerpt").all_inner_texts()
        marks = page.locator(".search-excerpt mark").all_inner_texts()
        page.close()
    assert any("２０２４年ＰＭ２．５平均浓度下降，Ｇ６０" in e for e in excerpts), excerpts
    assert any("2024年PM2.5平均浓度下降,G60" in e for e in excerpts), excerpts
    assert sorted(marks) == ["PM2.5平均", "ＰＭ２．５平均"]
    assert errors == []


def test_page_and_index_make_the_same_words(playwright_browser, base_url):
    """search.js's tokens() and search.py's tokens() agree on every kind of character."""
    from briefsite.build.search import tokens

    text = ("南洞庭湖，湿地。PM2.5 G60 ２０２４ が 한 豈 é Ω ß 😀 ・—“”（）《》%\t\n\u3000\xa0\x85\ufeff\u200b"
            "zq_-/:;!?@#&*<>[]{}ğ İ Ⅻ ① ㈠ 𠀀")
    page, errors = open_search(playwright_browser, base_url)
    assert page.evaluate("t => window.briefsiteSearch.tokens(t)", text) == tokens(text)
    page.close()
    assert errors == []
