"""Atom feeds: the whole archive and one per city, as a feed reader sees them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from xml.etree import ElementTree as ET

import pytest

from briefsite.pages import feeds
from briefsite.content.model import Bulletin
from conftest import minimal, write_bulletin
from site_helpers import Page, html_pages, render, repo_config, resolve

A = "{http://www.w3.org/2005/Atom}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CITIES = {"hunan": 1, "yiyang": 1, "yongzhou": 2, "zhuzhou": 1}


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render()


def parse(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{A}feed"
    return root


def check_atom(root: ET.Element) -> None:
    """The elements RFC 4287 requires, with well-formed timestamps."""
    for tag in ("id", "title", "updated"):
        assert root.find(f"{A}{tag}") is not None and root.find(f"{A}{tag}").text, tag
    dt.datetime.fromisoformat(root.find(f"{A}updated").text)
    assert root.find(f"{A}author/{A}name").text
    assert root.find(f"{A}link[@rel='self']") is not None
    for entry in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated"):
            assert entry.find(f"{A}{tag}").text, tag
        dt.datetime.fromisoformat(entry.find(f"{A}updated").text)
        assert entry.find(f"{A}link[@rel='alternate']") is not None
        assert entry.find(f"{A}author/{A}name").text


def urljoin(base: str, href: str) -> str:
    """Resolve a relative href against a relative xml:base (both end at folders).

    (urllib's urljoin drops leading '..' segments of a relative base.)"""
    return href if "://" in href else base + href


def entry_pages(root: ET.Element, feed_path: str) -> list[str]:
    """Site files the entries link to, resolved via xml:base like a feed reader."""
    base = root.get(XML_BASE)
    pages = []
    for entry in root.findall(f"{A}entry"):
        href = entry.find(f"{A}link[@rel='alternate']").get("href")
        pages.append(resolve(feed_path, urljoin(base, href))[0])
    return pages


def test_site_feed_lists_every_bulletin_newest_first(files):
    root = parse(files["feed.xml"])
    check_atom(root)
    assert root.get(XML_LANG) == "zh-CN"
    pages = entry_pages(root, "feed.xml")
    assert pages == [
        "bulletins/yiyang/2024-05-10-1/index.html",
        "bulletins/zhuzhou/2024-05-09/index.html",
        "bulletins/yongzhou/2024-03-15-3/index.html",
        "bulletins/yongzhou/2024-03-13/index.html",
        "bulletins/hunan/2017-05-15-15/index.html",
    ]
    assert all(page in files for page in pages)
    # 'updated' is the newest bulletin's date, not the time of the build.
    assert root.find(f"{A}updated").text == "2024-05-10T00:00:00+08:00"
    first = root.find(f"{A}entry")
    assert first.find(f"{A}title").text == "益阳市配合中央生态环境保护督察工作简报 第1期"
    assert first.find(f"{A}author/{A}name").text == "益阳市配合中央生态环境保护督察协调联络专班"
    assert first.find(f"{A}summary").text.startswith("陈竞率队实地调研南洞庭湖湿地保护修复工作")
    assert "南洞庭湖湿地" in first.find(f"{A}content").text


@pytest.mark.parametrize("slug", sorted(CITIES))
def test_each_city_has_its_own_feed(files, slug):
    path = f"cities/{slug}/feed.xml"
    root = parse(files[path])
    check_atom(root)
    assert root.get(XML_BASE) == "../../"  # relative links resolve from the feed's folder
    pages = entry_pages(root, path)
    assert len(pages) == CITIES[slug]
    assert all(page.startswith(f"bulletins/{slug}/") and page in files for page in pages)
    assert {c.get("term") for c in root.iter(f"{A}category")} == {slug}
    self_link = root.find(f"{A}link[@rel='self']").get("href")
    assert resolve(path, urljoin("../../", self_link))[0] == path


def test_yongzhou_feed_is_newest_first_and_dated_by_its_newest_issue(files):
    root = parse(files["cities/yongzhou/feed.xml"])
    assert entry_pages(root, "cities/yongzhou/feed.xml") == [
        "bulletins/yongzhou/2024-03-15-3/index.html", "bulletins/yongzhou/2024-03-13/index.html"]
    assert root.find(f"{A}updated").text == "2024-03-15T00:00:00+08:00"


def test_pages_link_their_feeds(files):
    pages = html_pages(files)
    for path, page in pages.items():
        if path == "404.html":
            continue
        alternates = page.find("link", rel="alternate", type="application/atom+xml")
        targets = {resolve(path, link.attrs["href"])[0] for link in alternates}
        assert "feed.xml" in targets, path
        assert targets <= set(files), path
    city = pages["cities/yongzhou/index.html"].find("link", rel="alternate", type="application/atom+xml")
    assert {resolve("cities/yongzhou/index.html", l.attrs["href"])[0] for l in city} == \
        {"feed.xml", "cities/yongzhou/feed.xml"}
    bulletin_path = "bulletins/yongzhou/2024-03-13/index.html"
    links = pages[bulletin_path].find("link", rel="alternate", type="application/atom+xml")
    assert "cities/yongzhou/feed.xml" in {resolve(bulletin_path, l.attrs["href"])[0] for l in links}


def test_with_base_url_links_are_absolute_and_ids_are_tag_uris():
    files = render(config=repo_config(base_url="https://example.org/briefs/"))
    root = parse(files["cities/yongzhou/feed.xml"])
    check_atom(root)
    assert root.find(f"{A}id").text == "https://example.org/briefs/cities/yongzhou/feed.xml"
    assert root.find(f"{A}link[@rel='self']").get("href") == "https://example.org/briefs/cities/yongzhou/feed.xml"
    links = [e.find(f"{A}link").get("href") for e in root.findall(f"{A}entry")]
    assert links == ["https://example.org/briefs/bulletins/yongzhou/2024-03-15-3/",
                     "https://example.org/briefs/bulletins/yongzhou/2024-03-13/"]
    ids = [e.find(f"{A}id").text for e in root.findall(f"{A}entry")]
    assert ids == ["tag:example.org,2024-03-15:/briefs/bulletins/yongzhou/2024-03-15-3/",
                   "tag:example.org,2024-03-13:/briefs/bulletins/yongzhou/2024-03-13/"]


def test_entry_ids_are_stable_and_unique(project):
    before = render(project / "bulletins")
    write_bulletin(project, "yiyang/2024-06-01-2.md", minimal(2, "2024-06-01"))
    after = render(project / "bulletins")

    def ids(data: bytes) -> dict[str, str]:
        root = parse(data)
        return {e.find(f"{A}link").get("href"): e.find(f"{A}id").text for e in root.findall(f"{A}entry")}

    old, new = ids(before["feed.xml"]), ids(after["feed.xml"])
    assert len(set(new.values())) == len(new) == 6
    assert all(new[link] == old[link] for link in old)  # a new issue changes no existing id
    assert parse(after["feed.xml"]).find(f"{A}updated").text == "2024-06-01T00:00:00+08:00"
    assert render(project / "bulletins") == after  # byte-identical rebuild


def test_feed_is_capped_at_the_newest_entries(empty_project):
    start = dt.date(2020, 1, 1)
    for n in range(feeds.FEED_LIMIT + 7):
        day = start + dt.timedelta(days=n)
        write_bulletin(empty_project, f"yiyang/{day.isoformat()}-{n + 1}.md", minimal(n + 1, day.isoformat()))
    files = render(empty_project / "bulletins")
    for path in ("feed.xml", "cities/yiyang/feed.xml"):
        root = parse(files[path])
        entries = root.findall(f"{A}entry")
        assert len(entries) == feeds.FEED_LIMIT
        newest = start + dt.timedelta(days=feeds.FEED_LIMIT + 6)
        assert entries[0].find(f"{A}published").text == f"{newest.isoformat()}T00:00:00+08:00"
        assert entries[-1].find(f"{A}published").text == \
            f"{(newest - dt.timedelta(days=feeds.FEED_LIMIT - 1)).isoformat()}T00:00:00+08:00"


def test_empty_archive_feed_uses_source_date_epoch(empty_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = render(empty_project / "bulletins")
    root = parse(files["feed.xml"])
    check_atom(root)
    assert root.findall(f"{A}entry") == []
    assert root.find(f"{A}updated").text == "2023-11-14T22:13:20+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert parse(render(empty_project / "bulletins")["feed.xml"]).find(f"{A}updated").text \
        == "1970-01-01T00:00:00+00:00"


def test_markup_in_front_matter_is_escaped_text(empty_project):
    text = minimal(1).replace("title: 益阳市配合中央生态环境保护督察工作简报",
                              'title: "简报 <b>&amp; ]]>"')
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", text)
    root = parse(render(empty_project / "bulletins")["feed.xml"])
    assert root.find(f"{A}entry/{A}title").text == "简报 <b>&amp; ]]> 第1期"


def test_entry_title_without_issue_number_shows_the_date():
    b = Bulletin(source="x.md", name="x", title="某简报", date=dt.date(2024, 5, 9), issuer="某",
                 city="株洲市", city_slug="zhuzhou", url="bulletins/zhuzhou/x/")
    assert feeds.entry_title(b) == "某简报 2024年5月9日"
    assert feeds.entry_title(dataclasses.replace(b, issue=3, total_issue=9)) == "某简报 第3期 总第9期"


def test_feed_link_titles_name_the_city(files):
    page = Page(files["cities/yiyang/index.html"])
    titles = [l.attrs["title"] for l in page.find("link", rel="alternate", type="application/atom+xml")]
    assert any("益阳市" in t for t in titles)


def test_city_feed_subtitle_is_in_the_sites_language(files):
    """A feed reader shows the feed's subtitle: Chinese on a Chinese site,
    English on a site in English (briefsite.yaml's ``language: en``), the
    city's name as printed either way; the entries stay Chinese."""
    chinese = parse(files["cities/yiyang/feed.xml"])
    assert chinese.find(f"{A}subtitle").text == "益阳市的工作简报"
    assert all(e.get(XML_LANG) is None for e in chinese.findall(f"{A}entry"))  # the feed's zh-CN holds

    english_files = render(config=repo_config(language="en"))
    for slug in CITIES:
        root = parse(english_files[f"cities/{slug}/feed.xml"])
        city = root.find(f"{A}entry/{A}category").get("label")
        assert root.find(f"{A}subtitle").text == f"Bulletins of {city}"
        assert root.get(XML_LANG) == "en"
        assert {e.get(XML_LANG) for e in root.findall(f"{A}entry")} == {"zh-CN"}
    site = parse(english_files["feed.xml"])
    assert site.get(XML_LANG) == "en" and {e.get(XML_LANG) for e in site.findall(f"{A}entry")} == {"zh-CN"}
    # The site's own title and description are briefsite.yaml's, as written.
    assert site.find(f"{A}title").text == parse(files["feed.xml"]).find(f"{A}title").text
    assert english_files["feed.xml"].replace(b'xml:lang="en"', b'xml:lang="zh-CN"').replace(
        b'<entry xml:lang="zh-CN">', b"<entry>") == files["feed.xml"]
