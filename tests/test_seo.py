"""sitemap.xml, robots.txt, canonical links and Open Graph meta."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from briefsite.pages import seo
from conftest import run_cli
from site_helpers import Page, html_pages, render, repo_config, resolve

BASE = "https://example.org/briefs/"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def plain() -> dict[str, bytes]:
    return render()


@pytest.fixture(scope="module")
def based() -> dict[str, bytes]:
    return render(config=repo_config(base_url=BASE))


def test_no_sitemap_or_robots_without_base_url(plain):
    assert "sitemap.xml" not in plain
    assert "robots.txt" not in plain


def test_sitemap_lists_every_page_once(based):
    root = ET.fromstring(based["sitemap.xml"])
    assert root.tag == f"{SM}urlset"
    locs = [url.find(f"{SM}loc").text for url in root.findall(f"{SM}url")]
    assert len(locs) == len(set(locs))
    expected = {seo.clean_path(path) for path in based if path.endswith(".html") and path != "404.html"}
    assert {loc.removeprefix(BASE) for loc in locs} == expected
    assert all(loc.startswith(BASE) for loc in locs)
    assert BASE in locs and BASE + "cities/yongzhou/" in locs
    assert BASE + "bulletins/hunan/2017-05-15-15/" in locs
    assert not any("404" in loc or loc.endswith("index.html") for loc in locs)
    lastmod = {u.find(f"{SM}loc").text: u.find(f"{SM}lastmod") for u in root.findall(f"{SM}url")}
    assert lastmod[BASE + "bulletins/yongzhou/2024-03-13/"].text == "2024-03-13"
    assert lastmod[BASE] is None  # no build time is ever written


def test_robots_points_at_the_sitemap(based):
    lines = based["robots.txt"].decode().splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines


def test_every_page_has_canonical_and_open_graph_meta(plain):
    for path, page in html_pages(plain).items():
        if path == "404.html":
            continue
        canonical = page.find("link", rel="canonical")
        assert len(canonical) == 1, path
        # Without base_url the canonical link is relative and names the page itself.
        assert resolve(path, canonical[0].attrs["href"])[0] == path
        assert page.meta("og:title"), path
        assert page.meta("og:title") == page.find("title")[0].text.strip()
        assert page.meta("og:description"), path
        assert page.meta("description") == page.meta("og:description")
        assert page.meta("og:locale") == "zh_CN"
        assert page.meta("og:site_name") == "湖南省配合生态环境保护督察工作简报档案"
        assert page.meta("og:type") == ("article" if path.startswith("bulletins/") else "website")
        assert page.meta("og:url") is None, path  # only an absolute URL is allowed there


def test_with_base_url_canonical_and_og_url_are_absolute(based):
    for path, page in html_pages(based).items():
        if path == "404.html":
            continue
        expected = BASE + seo.clean_path(path)
        assert page.find("link", rel="canonical")[0].attrs["href"] == expected
        assert page.meta("og:url") == expected


def test_bulletin_description_is_the_start_of_its_text(plain):
    page = Page(plain["bulletins/yongzhou/2024-03-15-3/index.html"])
    description = page.meta("og:description")
    assert description.startswith("永州市召开配合省环保督察工作交办问题整改推进会 3月15日下午，我市召开")
    assert description.endswith("…") and len(description) == seo.DESCRIPTION_LIMIT
    assert page.meta("article:published_time") == "2024-03-15"


def test_404_page_is_not_indexed_and_links_absolutely_with_base_url(plain, based):
    for files in (plain, based):
        page = Page(files["404.html"])
        assert page.meta("robots") == "noindex"
        assert page.find("link", rel="canonical") == []
    page = Page(based["404.html"])
    hrefs = [e.attrs["href"] for e in page.elements if e.tag in ("a", "link") and "href" in e.attrs
             and not e.attrs["href"].startswith("#")]
    assert hrefs and all(h.startswith(BASE) for h in hrefs), hrefs
    assert BASE + "assets/style.css" in hrefs


def test_summary_cuts_long_text_on_one_line():
    assert seo.summary("  一\n二  三 ") == "一 二 三"
    text = "字" * 200
    assert seo.summary(text) == "字" * (seo.DESCRIPTION_LIMIT - 1) + "…"
    assert seo.summary("字" * seo.DESCRIPTION_LIMIT) == "字" * seo.DESCRIPTION_LIMIT


def test_clean_path():
    assert seo.clean_path("index.html") == ""
    assert seo.clean_path("cities/yiyang/index.html") == "cities/yiyang/"
    assert seo.clean_path("404.html") == "404.html"


def test_build_with_base_url_writes_sitemap_and_robots(project):
    config = project / "briefsite.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('base_url: ""', f"base_url: {BASE}"),
                      encoding="utf-8")
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    site = project / "site"
    assert (site / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {BASE}sitemap.xml\n")
    ET.fromstring((site / "sitemap.xml").read_bytes())
    # Switching base_url off again removes them: the site is rebuilt whole.
    config.write_text(config.read_text(encoding="utf-8").replace(f"base_url: {BASE}", 'base_url: ""'),
                      encoding="utf-8")
    assert run_cli("build", cwd=project).code == 0
    assert not (site / "sitemap.xml").exists() and not (site / "robots.txt").exists()


def test_sitemap_made_piece_by_piece_is_elementtrees_bytes():
    """The build writes the sitemap as a stream (never whole in memory); it
    must be byte for byte what ElementTree with ET.indent gives."""
    config = repo_config(base_url="https://example.org/a&b/")

    def reference(paths, lastmod):
        root = ET.Element("urlset", {"xmlns": seo.SITEMAP_NS})
        for path in paths:
            if path in seo.UNLISTED:
                continue
            entry = ET.SubElement(root, "url")
            ET.SubElement(entry, "loc").text = seo.canonical(config, path)
            if path in lastmod:
                ET.SubElement(entry, "lastmod").text = lastmod[path]
        ET.indent(root)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode()

    paths = ["index.html", "404.html", "cities/<x>/index.html"] + [f"bulletins/b/{i}/index.html" for i in range(1100)]
    lastmod = {p: "2024-05-10" for p in paths[3::2]}
    for count in (1, 2, 3, 4, 600, len(paths)):
        assert seo.sitemap_xml(paths[:count], config, lastmod) == reference(paths[:count], lastmod)
    assert seo.sitemap_xml(["404.html"], config) == reference(["404.html"], {})  # nothing listed
    chunks = list(seo.sitemap_chunks(((p, lastmod.get(p)) for p in paths), config))
    assert len(chunks) > 1 and b"".join(chunks) == reference(paths, lastmod)
