"""The search page in real Chromium: Chinese full text, city filter, jump to the headline."""

from __future__ import annotations

from urllib.parse import unquote

from .support import ROOT, SUB_PATH

# The title link of each result (sub-results, nested under it, have the same class).
RESULT_LINK = ".pagefind-ui__result-inner > .pagefind-ui__result-title > .pagefind-ui__result-link"


def bulletins_containing(phrase: str) -> list[str]:
    """Seed bulletins (bulletins/) whose text contains ``phrase``, as site URLs."""
    return sorted(f"bulletins/{p.parent.name}/{p.stem}/" for p in (ROOT / "bulletins").rglob("*.md")
                  if phrase in p.read_text(encoding="utf-8"))


def search(browsing, query: str) -> list[str]:
    """Type ``query`` and return the listed results' links, in order."""
    page = browsing.page
    page.fill(".pagefind-ui__search-input", query)
    page.wait_for_selector(RESULT_LINK, timeout=15_000)
    page.wait_for_load_state("networkidle")
    return result_links(browsing)


def result_links(browsing) -> list[str]:
    return browsing.page.eval_on_selector_all(
        RESULT_LINK, "links => links.map(a => new URL(a.href).pathname)")


def test_phrase_from_one_bulletin_lists_it_first(browsing):
    phrase = "南洞庭湖湿地"
    assert bulletins_containing(phrase) == ["bulletins/yiyang/2024-05-10-1/"], \
        "precondition: the phrase occurs in exactly one seed bulletin"
    browsing.open("search/")
    links = search(browsing, phrase)
    assert links[0] == f"/{SUB_PATH}/bulletins/yiyang/2024-05-10-1/"
    # The result names the issue, not just the series' masthead, and its date.
    first = browsing.page.locator(".pagefind-ui__result").first
    assert "第1期" in first.locator(RESULT_LINK).first.inner_text()
    assert "日期" in first.inner_text() and "2024年5月10日" in first.inner_text()
    assert browsing.problems.all() == []


def test_city_filter_narrows_results(browsing):
    term = "督察"
    everywhere = bulletins_containing(term)
    in_yongzhou = [u for u in everywhere if u.startswith("bulletins/yongzhou/")]
    assert len(everywhere) > len(in_yongzhou) > 0, "precondition: the term occurs in several cities"
    browsing.open("search/")
    page = browsing.page
    assert sorted(search(browsing, term)) == sorted(f"/{SUB_PATH}/{u}" for u in everywhere)
    # Pagefind UI lists each filter as a group of checkboxes, 城市 and 年份.
    page.locator(".pagefind-ui__filter-name", has_text="城市").click()
    page.get_by_label("永州市").check()
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length === n",
        arg=[RESULT_LINK, len(in_yongzhou)], timeout=15_000)
    assert sorted(result_links(browsing)) == sorted(f"/{SUB_PATH}/{u}" for u in in_yongzhou)
    assert browsing.problems.all() == []


def test_year_filter_is_offered(browsing):
    browsing.open("search/")
    search(browsing, "督察")
    browsing.page.locator(".pagefind-ui__filter-name", has_text="年份").click()
    for year in ("2024", "2017"):
        assert browsing.page.get_by_label(year).is_visible()


def test_sub_result_jumps_to_the_article_headline(browsing):
    browsing.open("search/")
    search(browsing, "湿地")
    nested = browsing.page.locator(".pagefind-ui__result-nested .pagefind-ui__result-link").first
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
    # search/?q=...&city=... lets other pages (and readers) link to a search.
    browsing.open("search/?q=督察&city=株洲市")
    browsing.page.wait_for_selector(RESULT_LINK, timeout=15_000)
    browsing.page.wait_for_load_state("networkidle")
    assert result_links(browsing) == [f"/{SUB_PATH}/bulletins/zhuzhou/2024-05-09/"]
    assert browsing.page.input_value(".pagefind-ui__search-input") == "督察"


def test_preview_without_search_says_so(playwright_browser, tmp_path, artifacts):
    from .support import build_site, serve

    out = tmp_path / "preview"
    assert "search index skipped" in build_site(out, "--no-search")
    with serve(out) as url:
        page = playwright_browser.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.url}: {r.status}"))
        page.goto(url + "search/", wait_until="networkidle")
        assert "检索暂不可用" in page.locator("main").inner_text()
        assert page.locator(".pagefind-ui__search-input").count() == 0
        page.close()
    assert errors == []
