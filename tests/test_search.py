"""The search index: what Pagefind records, --no-search, determinism, failures.

What a reader sees of search (results, filters, jumping to a headline) is
tested in real Chromium in tests/browser/test_search_ui.py; these tests look
at the index files themselves and at the command line.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from conftest import minimal, run_cli, write_bulletin

from briefsite.build.search import _read, canonical_filters


def indexed(site: Path) -> dict[str, dict]:
    """Every indexed page as Pagefind recorded it (gzip'd JSON fragments), by URL."""
    records = []
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        records.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return {r["url"]: r for r in records}


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_indexes_bulletin_bodies_only(project):
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    assert "search index 5 pages in" in result.out
    site = project / "site"
    pages = indexed(site)
    assert sorted(pages) == sorted(f"/{p.relative_to(site).parent.as_posix()}/"
                                   for p in site.glob("bulletins/*/*/index.html"))
    yiyang = pages["/bulletins/yiyang/2024-05-10-1/"]
    text = yiyang["content"].replace("\u200b", "")  # Pagefind marks word breaks
    assert "南洞庭湖湿地保护修复" in text
    # Not indexed: navigation, masthead, table of contents, 版记.
    for outside in ("首页", "年度归档", "导读", "市人大常委会办公室", "益简字"):
        assert outside not in text, outside
    assert yiyang["filters"] == {"城市": ["益阳市"], "年份": ["2024"]}
    assert yiyang["meta"]["title"] == "益阳市配合中央生态环境保护督察工作简报 第1期"
    assert yiyang["meta"]["日期"] == "2024年5月10日"
    # Headlines with ids become sub-results that jump into the bulletin.
    anchors = {a["text"]: a["id"] for a in yiyang["anchors"]}
    headline = "陈竞率队实地调研南洞庭湖湿地保护修复工作"
    page = (site / "bulletins/yiyang/2024-05-10-1/index.html").read_text(encoding="utf-8")
    assert f'<h3 id="{anchors[headline]}"' in page


def test_chinese_is_segmented_into_words(project):
    assert run_cli("build", cwd=project).code == 0
    text = indexed(project / "site")["/bulletins/yiyang/2024-05-10-1/"]["content"]
    # The extended Pagefind binary splits Chinese into words, not characters.
    assert "\u200b湿地\u200b" in text or text.startswith("湿地\u200b")


def test_search_page_loads_pagefind_by_relative_links(project):
    assert run_cli("build", cwd=project).code == 0
    site = project / "site"
    page = (site / "search/index.html").read_text(encoding="utf-8")
    assert 'src="../pagefind/pagefind-ui.js"' in page
    assert 'href="../pagefind/pagefind-ui.css"' in page
    assert 'src="../assets/search.js"' in page
    assert "<script>" not in page  # no inline script: the CSP forbids it
    for needed in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-entry.json"):
        assert (site / "pagefind" / needed).is_file(), needed
    assert (site / "assets/search.js").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="search/"' in home  # the 检索 link in the navigation


def test_no_search_skips_the_index_and_says_so(project):
    result = run_cli("build", "--no-search", cwd=project)
    assert result.code == 0, result.err
    assert "search index skipped (--no-search)" in result.out
    site = project / "site"
    assert not (site / "pagefind").exists()
    page = (site / "search/index.html").read_text(encoding="utf-8")
    assert "检索暂不可用" in page
    assert "pagefind" not in page  # nothing that would fail to load


def test_index_is_byte_identical_across_builds(project):
    digests = []
    for out in ("site-a", "site-b", "site-c"):
        assert run_cli("build", "--out", out, cwd=project).code == 0
        digests.append(tree_digest(project / out))
    assert any(name.startswith("pagefind/filter/") for name in digests[0])
    assert digests[0] == digests[1] == digests[2]


def test_canonical_filters_sorts_values(project):
    assert run_cli("build", cwd=project).code == 0
    bundle = project / "site" / "pagefind"
    before = tree_digest(bundle)
    canonical_filters(bundle)  # already canonical: a second pass changes nothing
    assert tree_digest(bundle) == before
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = _read(bundle / f"pagefind.{entry['languages']['zh-cn']['hash']}.pf_meta")
    filters = {name: _read(bundle / "filter" / f"{h}.pf_filter") for name, h in meta[3]}
    assert [v[0] for v in filters["年份"][1]] == ["2017", "2024"]
    assert [v[0] for v in filters["城市"][1]] == sorted(["湖南省", "株洲市", "益阳市", "永州市"])


def test_empty_archive_builds_with_search(empty_project):
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    assert "search index 0 pages" in result.out
    assert (empty_project / "site/search/index.html").is_file()


def test_missing_pagefind_fails_cleanly_and_keeps_previous_site(project):
    assert run_cli("build", cwd=project).code == 0
    before = tree_digest(project / "site")
    write_bulletin(project, "yiyang/2024-06-01-2.md", minimal(issue=2, date="2024-06-01"))
    result = run_cli("build", cwd=project, env={"PAGEFIND_BINARY_PATH": str(project / "no-such-pagefind")})
    assert result.code == 1
    assert "error: search: cannot run Pagefind" in result.err
    assert "--no-search" in result.err
    assert "Traceback" not in result.err
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.staging-*"))
    # The advice works: without search the build goes through.
    assert run_cli("build", "--no-search", cwd=project, env={
        "PAGEFIND_BINARY_PATH": str(project / "no-such-pagefind")}).code == 0


@pytest.mark.parametrize("value", [0, 23, 24, 255, 256, 65535, 65536, 2**32, "", "城市", b"\x00", [], [1, ["a", [2]]]])
def test_cbor_round_trip(value):
    from briefsite.build.search import _decode, _encode

    data = _encode(value)
    assert _decode(data, 0) == (value, len(data))


@pytest.mark.parametrize("given,expected", [
    ("pagefind/pagefind-ui.js", "pagefind-ui.js"),
    ("/abs/site/pagefind/fragment/zh-cn_1.pf_fragment", "fragment/zh-cn_1.pf_fragment"),
    ("filter/zh-cn_2.pf_filter", "filter/zh-cn_2.pf_filter"),
])
def test_bundle_paths_from_pagefind(given, expected):
    from briefsite.build.search import _bundle_path

    assert _bundle_path(given) == expected


def test_bundle_path_refuses_to_leave_the_bundle():
    from briefsite.build.search import _bundle_path

    with pytest.raises(ValueError):
        _bundle_path("pagefind/../../etc/passwd")


def test_build_with_search_from_inside_a_running_event_loop(project):
    """A program already running asyncio (a notebook, a browser driver) can build with search."""
    import asyncio
    import threading

    from briefsite.content.config import load_config
    from briefsite.build.site import build

    async def build_inside_loop():
        return build(project / "bulletins", project / "site",
                     load_config(project / "briefsite.yaml"))

    # In a thread of its own: the browser tests may leave a loop running in this one.
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(build_inside_loop())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors, errors
    assert len(indexed(project / "site")) == 5
