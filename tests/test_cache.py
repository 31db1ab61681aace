"""The build cache: a damaged or deleted cache costs time, never a wrong site."""

from __future__ import annotations

import inspect
import datetime as dt
import os
from pathlib import Path

import pytest

from briefsite.build import cache, plan, site, store
from briefsite.content.config import load_config
from briefsite.pages.render import Page, theme_dir
from briefsite.errors import BriefsiteError
from briefsite.content.model import Bulletin, CityRef

YIYANG = "yiyang/2024-05-10-1.md"



def contents_renamed() -> str:
    """The theme's bulletin page with its 导读 heading (through the catalogue
    since ba1e020: _("Contents")) written as 目录."""
    shipped = (theme_dir() / "bulletin.html").read_text(encoding="utf-8")
    heading = '{{ _("Contents") }}'
    assert heading in shipped
    return shipped.replace(heading, "目录")

def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# The search index (where the build makes one) is not what these tests are about.
NO_SEARCH = {"search": False} if "search" in inspect.signature(site.build).parameters else {}


def build(project: Path, out: str = "site", **kwargs):
    config = load_config(project / "briefsite.yaml")
    return site.build(project / "bulletins", project / out, config, **NO_SEARCH, **kwargs)


def clean_tree(project: Path) -> dict[str, bytes]:
    build(project, "clean", cache=False)
    return tree(project / "clean")


def cache_files(project: Path, pattern: str) -> list[Path]:
    found = sorted((project / store.CACHE_DIRNAME).glob(pattern))
    assert found, f"no cache files match {pattern}"
    return found


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_cache_lives_beside_the_source_not_in_the_site(project: Path):
    build(project)
    assert (project / store.CACHE_DIRNAME / "parsed").is_dir()
    assert not any(".briefsite-cache" in p for p in tree(project / "site"))


def test_cache_inside_the_output_folder_is_refused(project: Path):
    config = load_config(project / "briefsite.yaml")
    with pytest.raises(BriefsiteError, match="生成缓存会落在输出文件夹之内"):
        site.build(project / "bulletins", project / "site", config, **NO_SEARCH,
                   cache=project / "site" / "cache")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty"])
def test_damaged_index_is_ignored(project: Path, damage: str):
    build(project)
    for part in cache_files(project, "parsed/*/index/*"):
        data = part.read_bytes()
        if damage == "truncate":
            part.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            part.write_bytes(b"not a cache file")
        elif damage == "flip":  # one bit in the pickled data: the checksum catches it
            middle = len(data) // 2
            part.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:])
        else:
            part.write_bytes(b"")
    # the next build must not trust the damaged parts: edit so it has to load them
    edit(project / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    build(project)
    assert tree(project / "site") == clean_tree(project)


def test_damaged_body_pack_is_parsed_again(project: Path):
    build(project)
    for pack in cache_files(project, "parsed/*/bodies/*"):
        data = pack.read_bytes()
        pack.write_bytes(data[: len(data) // 3])  # truncated: every body in it unreadable
    # a template change re-renders every page, so every body is read from the packs
    theme = project / "theme"
    theme.mkdir()
    (theme / "bulletin.html").write_text(contents_renamed(), encoding="utf-8")
    config = project / "briefsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\ntemplates: theme\n", encoding="utf-8")
    build(project)
    assert "目录" in (project / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text()
    assert tree(project / "site") == clean_tree(project)


def test_damaged_output_record_is_ignored(project: Path):
    build(project)
    for record in cache_files(project, "outputs/*"):
        record.write_bytes(b"\x00" * 10)
    edit(project / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    build(project)
    assert tree(project / "site") == clean_tree(project)


def test_deleting_the_cache_is_safe(project: Path):
    import shutil

    build(project)
    build(project)
    shutil.rmtree(project / store.CACHE_DIRNAME)
    edit(project / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    build(project)
    assert tree(project / "site") == clean_tree(project)
    shutil.rmtree(project / store.CACHE_DIRNAME)
    build(project)  # nothing changed, and no record of the last build
    assert tree(project / "site") == clean_tree(project)


def test_same_size_same_second_edit_is_seen(project: Path):
    """The stat check uses nanosecond mtime, size, inode and ctime: an edit
    that keeps the size is still noticed."""
    build(project)
    path = project / "bulletins" / YIYANG
    text = path.read_text(encoding="utf-8")
    assert "陈竞强调" in text
    stat = path.stat()
    path.write_text(text.replace("陈竞强调", "陈竞指出", 1), encoding="utf-8")  # same byte length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime back
    build(project)
    assert "陈竞指出" in (project / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text()


def test_unchanged_files_are_not_read_again(project: Path, monkeypatch):
    build(project)
    from briefsite.content import loader

    calls = []
    real = loader.load_bulletin
    monkeypatch.setattr(loader, "load_bulletin", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    edit(project / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    build(project)
    assert [Path(p).name for p in calls] == ["2024-05-10-1.md"]


def test_a_code_or_config_change_voids_the_parsed_files(project: Path):
    config = load_config(project / "briefsite.yaml")
    first = cache.ParseCache.open(project / store.CACHE_DIRNAME, config)
    other = cache.ParseCache.open(project / store.CACHE_DIRNAME,
                                  load_config(project / "briefsite.yaml").__class__(title="别的"))
    assert first.key != other.key


def test_lazy_bulletin_reads_its_body_when_asked(project: Path):
    config = load_config(project / "briefsite.yaml")
    parse_cache = cache.ParseCache.open(project / store.CACHE_DIRNAME, config)
    archive, _ = site.load_archive(project / "bulletins", config, cache=parse_cache)
    bulletin = next(b for b in archive.bulletins if b.city_slug == "yiyang")
    assert "body_html" not in bulletin.__dict__  # not held in memory...
    assert "陈竞强调" in bulletin.text  # ...but there when read
    assert "<h3" in bulletin.loaded().body_html


def test_checksummed_pickles_refuse_damage():
    blob = store.dumps({"a": (1, "二")})
    assert store.loads(blob) == {"a": (1, "二")}
    assert store.loads(blob[:-1]) is None
    assert store.loads(blob[:-1] + bytes([blob[-1] ^ 0x40])) is None
    assert store.loads(b"") is None


def _bulletin(**changes) -> Bulletin:
    fields = dict(source="b/x.md", name="x", title="标题", date=dt.date(2024, 5, 10), issuer="专班",
                  city="益阳市", city_slug="yiyang", url="bulletins/yiyang/x/")
    fields.update(changes)
    b = Bulletin(**fields)
    object.__setattr__(b, "digest", fields["name"] + str(changes))
    return b


def test_fingerprint_follows_content_and_refuses_the_unknown():
    a, b = _bulletin(), _bulletin(title="另一个标题")
    assert plan.fingerprint({"bulletin": a}) == plan.fingerprint({"bulletin": _bulletin()})
    assert plan.fingerprint({"bulletin": a}) != plan.fingerprint({"bulletin": b})
    assert plan.fingerprint({"city": CityRef("益阳市", "yiyang")}) != \
        plan.fingerprint({"city": CityRef("益阳市", "yy")})
    # a bulletin without a content hash, or an object it cannot see into: never reused
    no_hash = Bulletin(**{k: v for k, v in a.__dict__.items() if k != "digest"})
    assert plan.fingerprint({"bulletin": no_hash}) == ""
    assert plan.fingerprint({"thing": object()}) == ""


def _serve_cache(project: Path) -> cache.ParseCache:
    """One open cache kept across builds, as briefsite serve keeps it."""
    return cache.ParseCache.open(project / store.CACHE_DIRNAME, load_config(project / "briefsite.yaml"))


def test_bulletins_json_records_come_from_the_cache_and_follow_edits(project: Path):
    """Each record of bulletins.json is made when its file is parsed and kept
    in the index; an edited headline must reach the file, in a new process
    (index read from disk) and in a long-running one."""
    import json

    build(project)
    edit(project / "bulletins" / YIYANG, "### 陈竞率队", "### 陈竞同志率队")
    build(project)
    headlines = {r["url"]: r["headlines"] for r in json.loads((project / "site/bulletins.json").read_text())["bulletins"]}
    assert headlines["bulletins/yiyang/2024-05-10-1/"][0] == "陈竞同志率队实地调研南洞庭湖湿地保护修复工作"
    assert tree(project / "site") == clean_tree(project)
    open_cache = _serve_cache(project)
    build(project, cache=open_cache)
    edit(project / "bulletins" / YIYANG, "### 陈竞同志率队", "### 陈竞书记率队")
    build(project, cache=open_cache)
    assert "陈竞书记率队" in (project / "site/bulletins.json").read_text(encoding="utf-8")
    assert tree(project / "site") == clean_tree(project)


def test_one_damaged_index_part_is_parsed_again_with_its_records(project: Path):
    """The index is split into parts (per folder and bucket of names): damage
    to one costs its files a parse, and their records and pages are still right."""
    build(project)
    parts = cache_files(project, "parsed/*/index/*")
    assert len(parts) > 1
    parts[0].write_bytes(parts[0].read_bytes()[:-7] + b"garbage")
    edit(project / "bulletins" / YIYANG, "陈竞强调", "陈竞再次强调")
    build(project)
    assert tree(project / "site") == clean_tree(project)
    # ...and the rewritten part is whole again: a third build parses nothing
    assert all(store.read(part) is not None for part in cache_files(project, "parsed/*/index/*"))


def test_serve_style_builds_follow_every_kind_of_change(project: Path):
    """One open cache across builds remembers each page's inputs and the
    output record; an added, edited and deleted bulletin (which moves its
    neighbours' previous/next links), a template change and a build by
    another process in between must each give the clean build's site
    (with base_url: the sitemap, reused when its pages are, too)."""
    config = project / "briefsite.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('base_url: ""', 'base_url: "https://example.org/"'),
                      encoding="utf-8")
    open_cache = _serve_cache(project)
    build(project, cache=open_cache)
    extra = project / "bulletins" / "yiyang" / "2024-05-11-2.md"
    text = (project / "bulletins" / YIYANG).read_text(encoding="utf-8")
    extra.write_text(text.replace("2024-05-10", "2024-05-11").replace("issue: 1", "issue: 2", 1), encoding="utf-8")
    steps = [
        lambda: None,  # the added file (the next issue of YIYANG's series)
        lambda: edit(extra, "陈竞强调", "陈竞再次强调"),
        lambda: build(project),  # another process's build: its output record replaces ours
        lambda: edit(project / "bulletins" / YIYANG, "陈竞强调", "陈竞还强调"),
        lambda: extra.unlink(),
    ]
    for step in steps:
        step()
        build(project, cache=open_cache)
        assert tree(project / "site") == clean_tree(project)
    theme = project / "theme"
    theme.mkdir()
    (theme / "bulletin.html").write_text(contents_renamed(), encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + "\ntemplates: theme\n", encoding="utf-8")
    build(project, cache=open_cache)
    assert (project / "site/sitemap.xml").is_file()
    assert "目录" in (project / "site/bulletins/yiyang/2024-05-10-1/index.html").read_text(encoding="utf-8")
    assert tree(project / "site") == clean_tree(project)


def test_page_inputs_are_the_same_only_for_the_same_objects():
    a, b = _bulletin(), _bulletin()
    page = lambda bulletin, slug="yiyang": Page("p/index.html", "bulletin.html",
                                                     {"bulletin": bulletin, "city": CityRef("益阳市", slug)})
    known: dict = {}
    first = plan.page_fingerprint("k", page(a), known=known)
    assert first and plan.page_fingerprint("k", page(a), known=known) == first
    assert plan.same_page(page(a), page(a))
    assert not plan.same_page(page(a), page(b))  # another object: hashed again, never assumed
    assert not plan.same_page(page(a), page(a, "yy"))
    assert plan.page_fingerprint("k", page(a, "yy"), known=known) != first
    assert plan.page_fingerprint("other", page(a), known=known) != first
    assert plan.page_fingerprint("k", page(a), known={}) == first
