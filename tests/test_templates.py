"""The theme: page structure, accessibility basics and the bulletin's printed look."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefsite.pages.render import theme_dir
from conftest import write_bulletin
from site_helpers import Page, html_pages, render, resolve

LANDMARKS = ("header", "nav", "main", "footer")


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render()


@pytest.fixture(scope="module")
def pages(files) -> dict[str, Page]:
    return html_pages(files)


def test_every_page_type_is_rendered(pages):
    kinds = {"index.html", "cities/index.html", "cities/yiyang/index.html", "archive/index.html",
             "archive/2024/index.html", "bulletins/yiyang/2024-05-10-1/index.html", "404.html"}
    assert kinds <= set(pages)


def test_one_h1_language_skip_link_and_landmarks(pages):
    for path, page in pages.items():
        assert '<html lang="zh-CN">' in page.markup, path
        assert len(page.find("h1")) == 1, f"{path}: {len(page.find('h1'))} h1"
        assert page.find("h1")[0].text.strip(), path
        assert "main" in page.find("h1")[0].parents, path
        skip = page.elements[[e.tag for e in page.elements].index("body") + 1]
        assert skip.tag == "a" and skip.attrs["href"] == "#main", f"{path}: skip link comes first"
        assert len(page.find("main", id="main")) == 1, path
        for tag in LANDMARKS:
            assert page.find(tag), f"{path}: no <{tag}>"
        for nav in page.find("nav"):
            assert nav.attrs.get("aria-label") or nav.attrs.get("aria-labelledby"), path
        ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
        assert len(ids) == len(set(ids)), f"{path}: duplicate id"


def test_no_script_handlers_or_inline_styles_and_nothing_from_outside(pages):
    for path, page in pages.items():
        for element in page.elements:
            assert not any(name.startswith("on") for name in element.attrs), (path, element)
            assert "style" not in element.attrs, (path, element)
            if element.tag == "script" and not element.attrs.get("src"):
                # Only the 404 page's root finder (no base_url), allowed by its hash.
                import base64
                import hashlib
                digest = base64.b64encode(hashlib.sha256(element.text.encode()).digest()).decode()
                assert path == "404.html" and f"'sha256-{digest}'" in page.markup, f"{path}: inline script"
            # Whatever a page loads (scripts, styles, icons, images) comes from the site.
            loads = element.attrs.get("src") or (element.tag == "link" and element.attrs.get("rel") in
                                                 ("stylesheet", "icon", "preload", "modulepreload")
                                                 and element.attrs.get("href"))
            if loads:
                target, _ = resolve(path, loads)
                assert not re.match(r"^(?:[a-z]+:)?//", loads), f"{path}: loads {loads}"
        assert "<style" not in page.markup, path


def test_links_inside_pages_resolve(files, pages):
    for path, page in pages.items():
        if path == "404.html":
            continue
        for a in page.find("a"):
            href = a.attrs["href"]
            if re.match(r"^[a-z]+:", href):
                continue
            target, fragment = resolve(path, href)
            assert target in files, f"{path}: {href}"
            if fragment and target.endswith(".html"):
                assert fragment in pages[target].ids(), f"{path}: {href}"


def test_bulletin_masthead_reads_like_the_printed_one(pages):
    page = pages["bulletins/hunan/2017-05-15-15/index.html"]
    markup = page.markup
    masthead = markup[markup.index('<header class="masthead">'): markup.index("</header>", markup.index('class="masthead"'))]
    title = page.find("h1")[0]
    assert title.attrs["class"] == "masthead-title" and "header" in title.parents
    assert title.text == "湖南省环境保护督察工作简报"
    assert re.search(r'<p class="masthead-issue">第15期<span class="total">（总第21期）</span></p>', masthead)
    line = re.search(r'<p class="masthead-line"[^>]*>(.*?)</p>', masthead).group(1)
    # Issuer first (left), then the date (right).
    assert line.index("湖南省环境保护督察工作领导小组办公室") < line.index("2017年5月15日")
    # The masthead comes before the body, and the 版记 after it.
    assert markup.index("masthead") < markup.index('class="bulletin-body"') < markup.index('class="banji"')


def test_bulletin_without_issue_number_shows_none(pages):
    page = pages["bulletins/zhuzhou/2024-05-09/index.html"]
    assert 'class="masthead-issue"' not in page.markup


def test_total_issue_alone_is_printed(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10.md", """---
title: 益阳市配合中央生态环境保护督察工作简报
total_issue: 42
date: 2024-05-10
issuer: 益阳市配合中央生态环境保护督察协调联络专班
city: 益阳市
---

正文。
""")
    markup = render(empty_project / "bulletins")["bulletins/yiyang/2024-05-10/index.html"].decode()
    assert '<p class="masthead-issue">总第42期</p>' in markup


def test_banji_lists_recipient_groups_in_printed_order(pages):
    markup = pages["bulletins/yongzhou/2024-03-15-3/index.html"].markup
    banji = re.search(r'<footer class="banji".*?</footer>', markup, re.S).group(0)
    labels = re.findall(r"<dt>(.*?)</dt>", banji)
    assert labels == ["报：", "送："]
    assert "湖南省第四生态环境保护督察组，洪武书记、爱林市长、市协调联络组各副组长" in banji


def test_banji_printed_line_has_issuer_and_date(pages):
    markup = pages["bulletins/yiyang/2024-05-10-1/index.html"].markup
    banji = re.search(r'<footer class="banji".*?</footer>', markup, re.S).group(0)
    printed = re.search(r'<p class="printed">(.*?)</p>', banji, re.S).group(1)
    assert printed.index("益阳市配合中央生态环境保护督察协调联络专班") < printed.index("2024年5月10日印发")


def test_city_page_lists_bulletins_by_year_and_month(pages):
    page = pages["cities/yongzhou/index.html"]
    assert [h.text for h in page.find("h2") if h.attrs.get("id", "").startswith("y")] == ["2024年"]
    month = page.find("h3", id="m2024-03")
    assert month and month[0].text == "3月"
    assert page.markup.count('class="bulletin-item"') == 2


def stylesheet() -> str:
    return (theme_dir() / "assets" / "style.css").read_text(encoding="utf-8")


def media_block(css: str, query: str) -> str:
    start = css.index(f"@media {query}")
    depth, i = 0, css.index("{", start)
    for i in range(i, len(css)):
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        if depth == 0:
            break
    return css[start:i]


def test_print_stylesheet_is_a4_without_navigation():
    block = media_block(stylesheet(), "print")
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", block)
    hidden = re.search(r"([^{}]*)\{\s*display:\s*none", block).group(1)
    for selector in (".site-header", ".site-footer", ".breadcrumb", ".pager", ".skip-link", ".timeline"):
        assert selector in hidden, selector


def test_stylesheet_uses_system_fonts_and_visible_focus():
    css = stylesheet()
    assert "@font-face" not in css and "@import" not in css
    assert not re.search(r"url\(", css)
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px", css)
    # Nothing may push a narrow page sideways: long words wrap, tables scroll inside themselves.
    assert "overflow-wrap: anywhere" in css
    assert re.search(r"\.bulletin-body table\s*\{[^}]*overflow-x:\s*auto", css)
    assert re.search(r"\.timeline-scroll\s*\{[^}]*overflow-x:\s*auto", css)


def test_theme_templates_are_all_used():
    names = {p.name for p in Path(theme_dir()).glob("*.html")}
    assert {"base.html", "bulletin.html", "home.html", "city.html", "cities.html",
            "year.html", "archive.html", "404.html", "_macros.html"} <= names
