"""The search index: what Pagefind records, shards, --no-search, determinism, failures.

What a reader sees of search (exact results, filters, jumping to a headline)
is tested in real Chromium in tests/browser/test_search_ui.py and
test_search_exact.py; these tests look at the index files themselves, at the
words given to Pagefind, at the shards and at the command line.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import minimal, run_cli, write_bulletin

from briefsite import i18n
from briefsite.build import search
from briefsite.build.search import read_data, canonical_filters, searchable, token, tokens


def indexed(site: Path) -> dict[str, dict]:
    """Every indexed page as Pagefind recorded it (gzip'd JSON fragments) in
    any shard, by URL."""
    records = []
    for path in (site / "pagefind").rglob("fragment/*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        records.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return {r["url"]: r for r in records}


def decode(word: str) -> str:
    """The character an index word stands for (as search.js decodes it;
    Pagefind ends a block's last word with ".", a real "." is escaped)."""
    word = word.removesuffix(".")
    if len(word) > 1 and word.endswith(search.WIDE):  # a full-width form of ASCII
        return chr(ord(decode(word[:-1])) + 0xFEE0)
    if len(word) > 2 and word.startswith(search.ESCAPE):
        digits = "".join("0123456789abcdef"["ghijklmnopqrstuv".index(c)] for c in word[2:])
        return chr(int(digits, 16))
    return word


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_character_is_one_word():
    assert tokens("南洞庭 湖\n湿地") == ["南", "洞", "庭", "湖", "湿", "地"]  # whitespace dropped
    assert tokens("PM2.5") == ["p", "m", "2", token("."), "5"]  # letters folded, "." a word of its own
    assert tokens("PM2.5", fold=False)[:2] == ["P", "M"]  # Pagefind shows the text as written
    escaped = [token(c) for c in "。、“”《》·—%.,()<>&é"]
    assert len(set(escaped)) == len(escaped)
    assert all(w.startswith(search.ESCAPE) and len(w) == 8 and w.isascii() and w.isalpha() for w in escaped)
    punctuation = "，。、“”（）《》·—%.<>&é"
    assert [decode(w) for w in tokens(punctuation, fold=False)] == list(punctuation)
    # The letters of the escape prefix in a text stay one-character words.
    assert tokens("zq") == ["z", "q"]
    # A kana with its voicing mark, a compatibility ideograph: escaped, or
    # Pagefind would fold them into their base character.
    assert token("が") != "か" and token("\uf900") != "\u8c48" and decode(token("が")) == "が"
    assert searchable("PM2.5 浓度\n下降") == "pm2.5浓度下降"
    # Full-width forms of ASCII are searched as ASCII (NFKC), case folded,
    # and marked in the indexed text so the page shows them as written.
    assert tokens("ＰＭ２．５，ｇ") == tokens("pm2.5,G") == ["p", "m", "2", token("."), "5", token(","), "g"]
    assert tokens("ＰＭ２．５", fold=False) == ["P~", "M~", "2~", token(".") + "~", "5~"]
    assert [decode(w) for w in tokens("２０２４年ＰＭ２．５，", fold=False)] == list("２０２４年ＰＭ２．５，")
    assert searchable("２０２４年ＰＭ２．５") == searchable("2024年pm2.5") == "2024年pm2.5"
    assert token("～") == token("~") and token("～", fold=False) == token("~") + "~"


def test_build_indexes_bulletin_texts_character_by_character(project):
    result = run_cli("build", cwd=project)
    assert result.code == 0, result.err
    assert "检索索引 5 个页面，用时" in result.out
    site = project / "site"
    pages = indexed(site)
    assert sorted(pages) == sorted(f"/{p.relative_to(site).parent.as_posix()}/"
                                   for p in site.glob("bulletins/*/*/index.html"))
    yiyang = pages["/bulletins/yiyang/2024-05-10-1/"]
    words = yiyang["content"].replace("\u200b", "").split()
    text = "".join(decode(w) for w in words)
    # Nothing lost: the whole body text, every character, whitespace aside.
    source = (project / "bulletins/yiyang/2024-05-10-1.md").read_text(encoding="utf-8")
    assert "南洞庭湖湿地保护修复" in text
    assert "陈竞率队实地调研南洞庭湖湿地保护修复工作" in text
    assert all(len(decode(w)) == 1 for w in words)
    # Not indexed: navigation, masthead, table of contents, 版记.
    for outside in ("首页", "年度归档", "导读", "市人大常委会办公室", "益简字"):
        assert outside in source or outside in "首页年度归档导读"
        assert outside not in text, outside
    assert yiyang["filters"] == {"城市": ["益阳市"], "年份": ["2024"]}
    facts = json.loads(yiyang["meta"]["r"])
    assert facts == {"title": "益阳市配合中央生态环境保护督察工作简报", "issue": "第1期", "number": 1,
                     "city": "益阳市", "date": "2024-05-10"}
    # Headlines with ids become sub-results that jump into the bulletin.
    anchors = {"".join(decode(w) for w in a["text"].split()): a["id"] for a in yiyang["anchors"]}
    headline = "陈竞率队实地调研南洞庭湖湿地保护修复工作"
    page = (site / "bulletins/yiyang/2024-05-10-1/index.html").read_text(encoding="utf-8")
    assert f'<h3 id="{anchors[headline]}"' in page


def test_shards_by_year_and_runs_newest_first(project, monkeypatch):
    from briefsite.content.config import load_config
    from briefsite.build.site import load_archive

    for day in range(1, 6):
        write_bulletin(project, f"yiyang/2024-06-{day:02d}.md", minimal(issue=day + 1, date=f"2024-06-{day:02d}"))
    archive, _ = load_archive(project / "bulletins", load_config(project / "briefsite.yaml"))
    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    shards = search.plan_shards(archive.bulletins)
    assert [s.name for s in shards] == ["2024-02", "2024-01", "2024-00", "2017-00"]
    assert sum(len(s.bulletins) for s in shards) == len(archive.bulletins) == 10
    dates = [b.date for s in shards for b in reversed(s.bulletins)]
    assert dates == sorted(dates, reverse=True)  # contiguous in time, newest first
    assert len({s.key for s in shards}) == len(shards)


def test_search_page_works_as_a_form_and_loads_its_script(project):
    assert run_cli("build", cwd=project).code == 0
    site = project / "site"
    page = (site / "search/index.html").read_text(encoding="utf-8")
    assert '<script type="module" src="../assets/search.js">' in page
    assert "<script>" not in page  # no inline script: the CSP forbids it
    # The label names an input that is in the page without JavaScript.
    assert '<label class="search-label" for="search-input">检索词</label>' in page
    assert 'id="search-input"' in page and 'name="q"' in page
    assert "<option>株洲市</option>" in page and "<option>2017</option>" in page
    for needed in ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind", "pagefind-entry.json",
                   "shards.json"):
        assert (site / "pagefind" / needed).is_file(), needed
    manifest = json.loads((site / "pagefind/shards.json").read_text(encoding="utf-8"))
    assert manifest["primary"] is True and manifest["names"] == ["2024-00", "2017-00"]
    assert manifest["shards"] == ["2017-00"]  # 2024, the newest, is the primary index in pagefind/
    assert not (site / "pagefind/pagefind-ui.js").exists()  # Pagefind's own UI is not used
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="search/"' in home  # the 检索 link in the navigation


def test_no_search_skips_the_index_and_says_so(project):
    result = run_cli("build", "--no-search", cwd=project)
    assert result.code == 0, result.err
    assert "未建检索索引（--no-search）" in result.out
    site = project / "site"
    assert not (site / "pagefind").exists()
    page = (site / "search/index.html").read_text(encoding="utf-8")
    assert "检索暂不可用" in page
    assert "pagefind" not in page and "search.js" not in page  # nothing that would fail to load


def test_index_is_byte_identical_across_builds(project):
    digests = []
    for out in ("site-a", "site-b", "site-c"):
        assert run_cli("build", "--out", out, cwd=project).code == 0
        digests.append(tree_digest(project / out))
    assert any("/filter/" in name for name in digests[0])
    assert digests[0] == digests[1] == digests[2]


def test_canonical_filters_sorts_values(project):
    assert run_cli("build", cwd=project).code == 0
    bundle = project / "site" / "pagefind"
    files = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.iterdir() if p.is_file()}
    files.update({p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.glob("*/*.pf_*")})
    before = dict(files)
    canonical_filters(files)  # already canonical: a second pass changes nothing
    assert files == before
    entry = json.loads(files["pagefind-entry.json"])
    meta = read_data(files[f"pagefind.{entry['languages'][search.LANGUAGE]['hash']}.pf_meta"])
    filters = {name: read_data(files[f"filter/{h}.pf_filter"]) for name, h in meta[3]}
    assert [v[0] for v in filters["城市"][1]] == sorted(["株洲市", "益阳市", "永州市"])


def test_word_index_comes_in_small_chunks(project):
    """A query fetches the chunk holding each of its characters: chunks of
    INDEX_CHUNK_SIZE postings, not Pagefind's default 20,000 (a Pagefind that
    ignored the setting would make one chunk of the seeds' ~15,000 postings)."""
    assert run_cli("build", cwd=project).code == 0
    bundle = project / "site" / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read_data((bundle / f"pagefind.{entry['languages'][search.LANGUAGE]['hash']}.pf_meta").read_bytes())
    chunks = meta[2]  # [first word, last word, file hash] per chunk
    postings = sum(len(tokens(p.read_text(encoding="utf-8"))) for p in (project / "bulletins").rglob("*.md"))
    assert len(chunks) >= postings // search.INDEX_CHUNK_SIZE // 2 >= 3
    assert all((bundle / "index" / f"{h}.pf_index").is_file() for _, _, h in chunks)


def test_empty_archive_builds_with_search(empty_project):
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    assert "检索索引 0 个页面" in result.out
    assert (empty_project / "site/search/index.html").is_file()
    manifest = json.loads((empty_project / "site/pagefind/shards.json").read_text(encoding="utf-8"))
    assert manifest["primary"] is False and manifest["shards"] == []


def test_missing_pagefind_fails_cleanly_and_keeps_previous_site(project):
    assert run_cli("build", cwd=project).code == 0
    before = tree_digest(project / "site")
    write_bulletin(project, "yiyang/2024-06-01-2.md", minimal(issue=2, date="2024-06-01"))
    result = run_cli("build", cwd=project, env={"PAGEFIND_BINARY_PATH": str(project / "no-such-pagefind")})
    assert result.code == 1
    assert "error: 检索：无法运行 Pagefind（" in result.err
    assert "或加 --no-search 生成" in result.err
    assert "Traceback" not in result.err
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.staging-*"))
    # The advice works: without search the build goes through.
    assert run_cli("build", "--no-search", cwd=project, env={
        "PAGEFIND_BINARY_PATH": str(project / "no-such-pagefind")}).code == 0


def test_incremental_index_is_the_clean_builds_and_touches_one_shard(project, monkeypatch):
    """Edits, additions and deletions re-index only their shard, and the
    site (index included) is byte for byte a clean build's."""
    from briefsite.content.config import load_config
    from briefsite.build.site import build

    monkeypatch.setattr(search, "SHARD_SIZE", 4)
    config = load_config(project / "briefsite.yaml")
    for day in range(1, 10):
        write_bulletin(project, f"yiyang/2023-03-{day:02d}.md", minimal(issue=day + 1, date=f"2023-03-{day:02d}"))
    source, site = project / "bulletins", project / "site"

    def rebuild() -> tuple[int, dict[str, int]]:
        before = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
        summary = build(source, site, config, cache=project / "cache")
        clean = project / "clean"
        build(source, clean, config, cache=False)
        assert tree_digest(site) == tree_digest(clean)
        after = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
        rewritten = {p for p in after if before.get(p) != after[p] and p.startswith("pagefind/")}
        shutil.rmtree(clean)
        return summary.search.shards, {p.split("/")[1] for p in rewritten if p.count("/") >= 2}

    build(source, site, config, cache=project / "cache")
    edited = project / "bulletins/yiyang/2023-03-05.md"  # in 2023's second run of four
    edited.write_text(edited.read_text(encoding="utf-8").replace("正文", "改过的正文"), encoding="utf-8")
    shards, touched = rebuild()
    assert shards == 1 and touched == {"2023-01"}
    write_bulletin(project, "yiyang/2023-03-20.md", minimal(issue=11, date="2023-03-20"))  # a new last run
    shards, touched = rebuild()
    assert shards == 1 and touched == {"2023-02"}
    (project / "bulletins/yiyang/2023-03-20.md").unlink()
    shards, touched = rebuild()
    assert shards == 1 and touched == {"2023-02"}
    (project / "bulletins/yiyang/2023-03-09.md").unlink()  # the last of its run: the run goes
    shards, touched = rebuild()
    assert shards == 0 and not (site / "pagefind/2023-02").exists()
    (project / "bulletins/yiyang/2023-03-02.md").unlink()  # deleted from the first run: later runs shift
    shards, touched = rebuild()
    assert shards == 2 and touched == {"2023-00", "2023-01"}


def test_shards_indexed_at_once_give_the_same_index(project, monkeypatch):
    """Shards indexed in parallel (one Pagefind per core) give the bytes of
    shards indexed one by one: the published index does not depend on the
    machine CI runs on."""
    from briefsite.content.config import load_config
    from briefsite.build.site import build

    monkeypatch.setattr(search, "SHARD_SIZE", 3)
    for day in range(1, 8):
        write_bulletin(project, f"yiyang/2023-03-{day:02d}.md", minimal(issue=day + 1, date=f"2023-03-{day:02d}"))
    config = load_config(project / "briefsite.yaml")
    one = build(project / "bulletins", project / "one", config, cache=False, jobs=1)
    two = build(project / "bulletins", project / "two", config, cache=False, jobs=2)
    assert one.search.shards == two.search.shards >= 4
    assert tree_digest(project / "one") == tree_digest(project / "two")


def test_pagefind_processes_at_once_are_bounded(project, monkeypatch):
    """However many cores a CI machine has, no more than MAX_INDEXERS
    Pagefind processes (each holding a shard's index) run at once: the search
    step's memory does not grow with the machine."""
    from pagefind_bin_extended import get_executable

    from briefsite.content.config import load_config
    from briefsite.build.site import build

    log = project / "pagefind.log"
    wrapper = project / "pagefind"
    # Runs the real binary and logs when it starts and ends (the build ends
    # it with SIGTERM, which the wrapper passes on).
    wrapper.write_text(f"""#!{sys.executable}
import signal, subprocess, sys
with open({str(log)!r}, "a") as f: f.write("start\\n")
child = subprocess.Popen([{str(get_executable())!r}] + sys.argv[1:])
signal.signal(signal.SIGTERM, lambda *_: child.terminate())
status = child.wait()
with open({str(log)!r}, "a") as f: f.write("end\\n")
sys.exit(0)
""", encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    monkeypatch.setattr(search, "SHARD_SIZE", 2)
    monkeypatch.setattr(search, "MAX_INDEXERS", 1)
    config = load_config(project / "briefsite.yaml")
    summary = build(project / "bulletins", project / "one", config, cache=False, jobs=2)
    events = log.read_text(encoding="utf-8").split()
    assert summary.search.shards >= 3 and events.count("start") == summary.search.shards
    assert events == ["start", "end"] * summary.search.shards  # one after another
    monkeypatch.setattr(search, "MAX_INDEXERS", 2)
    two = build(project / "bulletins", project / "two", config, cache=False, jobs=2)
    assert tree_digest(project / "one") == tree_digest(project / "two")


def test_pagefind_failing_in_a_worker_is_a_clear_error_and_keeps_the_site(project, monkeypatch):
    """Shards indexed by the worker pool report a Pagefind that cannot run
    as the build's own error, and the previous site stays whole."""
    from briefsite.content.config import load_config
    from briefsite.build.site import build
    from briefsite.errors import BriefsiteError

    monkeypatch.setattr(search, "SHARD_SIZE", 2)
    config = load_config(project / "briefsite.yaml")
    assert build(project / "bulletins", project / "site", config, cache=False).search.shards >= 3
    before = tree_digest(project / "site")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(project / "no-such-pagefind"))
    with pytest.raises(BriefsiteError) as caught:
        build(project / "bulletins", project / "site", config, cache=False, jobs=2)
    assert "检索：无法运行 Pagefind（" in str(caught.value)
    assert tree_digest(project / "site") == before


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


def test_pagefind_that_cannot_be_run_is_a_clear_error(tmp_path, monkeypatch):
    """A Pagefind binary that exists but cannot be executed is named, with the
    way out, not a traceback."""
    from briefsite.errors import BriefsiteError

    binary = tmp_path / "pagefind"
    binary.write_text("#!/bin/sh\n", encoding="utf-8")
    binary.chmod(0o644)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))
    with pytest.raises(BriefsiteError) as caught:
        search._index_pagefind(search.Shard("2024-00", (), ""), 10)
    assert "检索：无法运行 Pagefind（" in str(caught.value) and str(binary) in str(caught.value)
    assert "--no-search" in str(caught.value)
    with i18n.using(i18n.ENGLISH), pytest.raises(BriefsiteError) as caught:
        search._index_pagefind(search.Shard("2024-00", (), ""), 10)
    assert caught.value.message.startswith("search: cannot run Pagefind (") and str(binary) in caught.value.message
    assert caught.value.hint == ("install the project's dependencies (make site installs pagefind[extended]), "
                                 "or build with --no-search")
