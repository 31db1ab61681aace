"""The search page in real Chromium, as a reader uses it: results, filters,
listing a city, messages, excerpts, jumping to a headline, no layout jump."""

from __future__ import annotations

import re
from urllib.parse import unquote

from .support import ROOT, SUB_PATH

RESULT = ".search-result"
RESULT_LINK = ".search-result > h2 > a"


def bulletins_containing(phrase: str) -> list[str]:
    """Seed bulletins (bulletins/) whose text contains ``phrase``, as site URLs."""
    return sorted(f"bulletins/{p.parent.name}/{p.stem}/" for p in (ROOT / "bulletins").rglob("*.md")
                  if phrase in p.read_text(encoding="utf-8"))


def search(browsing, query: str) -> list[str]:
    """Type ``query``, press Enter and return the listed results' links, in order."""
    page = browsing.page
    page.fill("#search-input", query)
    page.press("#search-input", "Enter")
    return wait_for_results(browsing)


def wait_for_results(browsing) -> list[str]:
    page = browsing.page
    page.wait_for_function("""() => {
        const s = document.getElementById('search-status').textContent;
        return s && !s.startsWith('正在');
    }""", timeout=15_000)
    page.wait_for_load_state("networkidle")
    return result_links(browsing)


def result_links(browsing) -> list[str]:
    return browsing.page.eval_on_selector_all(
        RESULT_LINK, "links => links.map(a => new URL(a.href).pathname)")


def status(browsing) -> str:
    return browsing.page.inner_text("#search-status")


def test_phrase_from_one_bulletin_lists_it_with_its_facts(browsing):
    phrase = "南洞庭湖湿地"
    assert bulletins_containing(phrase) == ["bulletins/yiyang/2024-05-10-1/"], \
        "precondition: the phrase occurs in exactly one seed bulletin"
    browsing.open("search/")
    assert search(browsing, phrase) == [f"/{SUB_PATH}/bulletins/yiyang/2024-05-10-1/"]
    first = browsing.page.locator(RESULT).first
    # Title, 第N期, city and date, each shown.
    assert first.locator("h2").inner_text() == "益阳市配合中央生态环境保护督察工作简报"
    assert first.locator(".meta").inner_text() == "第1期 · 益阳市 · 2024年5月10日"
    assert "找到 1 期简报" in status(browsing)
    assert browsing.problems.all() == []


def test_excerpts_read_as_chinese_text(browsing):
    browsing.open("search/")
    search(browsing, "督察")
    excerpts = browsing.page.eval_on_selector_all(".search-excerpt", "ps => ps.map(p => p.textContent)")
    assert excerpts
    for text in excerpts:
        body = text.strip("…")
        assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text), text  # no spaces between characters
        assert not body.startswith(("，", "。", "、", "；", ". ")), text
        assert "zq" not in text, text  # escape words decoded
    marks = browsing.page.eval_on_selector_all("mark", "ms => ms.map(m => m.textContent)")
    assert marks and set(marks) == {"督察"}


def test_city_filter_narrows_results(browsing):
    term = "督察"
    everywhere = bulletins_containing(term)
    in_yongzhou = [u for u in everywhere if u.startswith("bulletins/yongzhou/")]
    assert len(everywhere) > len(in_yongzhou) > 0, "precondition: the term occurs in several cities"
    browsing.open("search/")
    assert sorted(search(browsing, term)) == sorted(f"/{SUB_PATH}/{u}" for u in everywhere)
    browsing.page.select_option("#search-city", "永州市")
    browsing.page.click(".search-button")
    assert sorted(wait_for_results(browsing)) == sorted(f"/{SUB_PATH}/{u}" for u in in_yongzhou)
    assert "city=%E6%B0%B8%E5%B7%9E%E5%B8%82" in browsing.page.url  # the address can be shared
    assert browsing.problems.all() == []


def test_year_filter_is_offered(browsing):
    browsing.open("search/")
    options = browsing.page.eval_on_selector_all("#search-year option", "os => os.map(o => o.textContent)")
    assert options == ["全部年份", "2024", "2017"]


def test_ranking_puts_more_occurrences_first(browsing):
    browsing.open("search/")
    links = search(browsing, "督察")
    texts = {u: (ROOT / "bulletins" / u.split("/")[-3] / f"{u.split('/')[-2]}.md").read_text(encoding="utf-8")
             for u in links}
    counts = [texts[u].split("---", 2)[2].count("督察") for u in links]
    assert counts == sorted(counts, reverse=True) or counts[0] == max(counts), counts


def test_sub_result_jumps_to_the_article_headline(browsing):
    browsing.open("search/")
    search(browsing, "湿地")
    nested = browsing.page.locator(".search-subresults a").first
    href = nested.get_attribute("href")
    assert "#" in href, "sub-results link to a headline inside the bulletin"
    nested.click()
    browsing.page.wait_for_load_state("networkidle")
    url = browsing.page.url
    assert f"/{SUB_PATH}/bulletins/yiyang/2024-05-10-1/#" in url
    anchor = unquote(url.split("#", 1)[1])  # the ids are the Chinese headlines
    heading = browsing.page.locator(f"[id='{anchor}']")
    assert heading.evaluate("e => e.tagName") in ("H2", "H3")
    assert "湿地" in heading.inner_text()
    assert browsing.problems.all() == []


def test_search_address_carries_query_and_city(browsing):
    browsing.open("search/?q=督察&city=株洲市")
    assert wait_for_results(browsing) == [f"/{SUB_PATH}/bulletins/zhuzhou/2024-05-09/"]
    assert browsing.page.input_value("#search-input") == "督察"
    assert browsing.page.input_value("#search-city") == "株洲市"


def test_city_without_query_lists_its_bulletins_newest_first(browsing):
    browsing.open("search/?city=永州市")
    links = wait_for_results(browsing)
    assert links == [f"/{SUB_PATH}/bulletins/yongzhou/2024-03-15-3/", f"/{SUB_PATH}/bulletins/yongzhou/2024-03-13/"]
    assert "永州市共 2 期简报" in status(browsing)


def test_unknown_city_or_year_says_so(browsing):
    browsing.open("search/?q=督察&city=长沙县")
    wait_for_results(browsing)
    assert status(browsing) == "没有城市“长沙县”的简报。请从城市列表中选择。"
    browsing.open("search/?q=督察&year=1999")
    wait_for_results(browsing)
    assert status(browsing) == "没有 1999 年的简报。请从年份列表中选择。"
    assert result_links(browsing) == []


def test_absent_words_find_nothing_and_say_so_in_chinese(browsing):
    browsing.open("search/")
    for word in ("量子计算", "核电站", "新冠疫情", "高铁", "奥运会"):
        assert search(browsing, word) == [], word
        assert status(browsing) == f"没有找到包含“{word}”的简报。请检查用字，或减少检索词。"
    assert browsing.problems.all() == []


def test_no_layout_shift_while_results_load(browsing):
    """Cumulative layout shift of /search/?q=督察 as Chromium measures it (< 0.1)."""
    page = browsing.page
    page.add_init_script("""
        window.__cls = 0;
        new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) {
                if (!entry.hadRecentInput) window.__cls += entry.value;
            }
        }).observe({type: 'layout-shift', buffered: true});
    """)
    browsing.open("search/?q=督察")
    wait_for_results(browsing)
    page.wait_for_timeout(500)
    assert page.locator(RESULT).count() == 5
    assert page.evaluate("window.__cls") < 0.1


def test_type_size_and_contrast(browsing):
    browsing.open("search/?q=督察")
    wait_for_results(browsing)
    sizes = browsing.page.evaluate("""() => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.offsetParent !== null && e.childNodes.length &&
                Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 14, min(sizes)  # no 11-13 px text

    def luminance(rgb: str) -> float:
        values = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def contrast(a: str, b: str) -> float:
        la, lb = sorted((luminance(a), luminance(b)), reverse=True)
        return (la + 0.05) / (lb + 0.05)

    colours = browsing.page.evaluate("""() => {
        const input = document.getElementById('search-input');
        return {placeholder: getComputedStyle(input, '::placeholder').color,
                border: getComputedStyle(input).borderTopColor,
                background: getComputedStyle(input).backgroundColor};
    }""")
    assert contrast(colours["placeholder"], colours["background"]) >= 4.5, colours
    assert contrast(colours["border"], colours["background"]) >= 3, colours


def test_preview_without_search_says_so(playwright_browser, tmp_path, artifacts):
    from .support import build_site, serve

    out = tmp_path / "preview"
    assert "未建检索索引" in build_site(out, "--no-search")
    with serve(out) as url:
        page = playwright_browser.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.url}: {r.status}"))
        page.goto(url + "search/", wait_until="networkidle")
        assert "检索暂不可用" in page.locator("main").inner_text()
        assert page.locator("#search-input").count() == 0
        page.close()
    assert errors == []
