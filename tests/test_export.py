"""bulletins.json: every published bulletin's front-matter and URL."""

from __future__ import annotations

import datetime as dt
import json

import yaml

from briefsite.pages import export
from briefsite.content.model import RECIPIENT_KEYS
from conftest import BULLETINS, minimal, write_bulletin
from site_helpers import render, repo_config, resolve

KEYS = ["url", "absolute_url", "title", "issue", "total_issue", "date", "issuer", "city",
        "city_slug", "recipients", "recipient_groups", "doc_number", "printed", "printed_by", "contact", "headlines", "original"]


def front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_records_match_the_bulletin_files():
    files = render()
    data = json.loads(files["bulletins.json"])
    assert data["count"] == len(data["bulletins"]) == 5
    assert data["base_url"] is None
    # Every bulletin file is there, by the URL its page is published under.
    by_source = {r["url"].removeprefix("bulletins/").rstrip("/") + ".md": r for r in data["bulletins"]}
    sources = sorted(p.relative_to(BULLETINS).as_posix() for p in BULLETINS.rglob("*.md"))
    assert sorted(by_source) == sources
    for source, record in by_source.items():
        assert list(record) == KEYS  # one fixed shape, every key in every record
        facts = front_matter(BULLETINS / source)
        for key in ("title", "issuer", "city", "issue", "total_issue", "doc_number", "printed_by", "contact"):
            assert record[key] == facts.get(key), (source, key)
        assert record["date"] == facts["date"].isoformat()
        printed = facts.get("printed")
        assert record["printed"] == (printed.isoformat() if printed else None)
        assert list(record["recipients"]) == list(RECIPIENT_KEYS)
        for key in RECIPIENT_KEYS:
            assert record["recipients"][key] == (facts.get("recipients") or {}).get(key, [])
        # The URL is the bulletin's page on the site.
        page, _ = resolve("bulletins.json", record["url"])
        assert page in files and source.removesuffix(".md") in page
        assert record["absolute_url"] is None
    assert by_source["yiyang/2024-05-10-1.md"]["headlines"][0] == "陈竞率队实地调研南洞庭湖湿地保护修复工作"


def test_sorted_newest_first_in_the_archive_order():
    data = json.loads(render()["bulletins.json"])
    keys = [(r["date"], r["issue"] or 0, r["url"]) for r in data["bulletins"]]
    assert keys == sorted(keys, reverse=True)
    assert [r["url"] for r in data["bulletins"]][:2] == [
        "bulletins/yiyang/2024-05-10-1/", "bulletins/zhuzhou/2024-05-09/"]


def test_same_day_bulletins_have_a_fixed_order(empty_project):
    for n in (2, 1, 3):
        write_bulletin(empty_project, f"yiyang/2024-05-10-{n}.md", minimal(n, "2024-05-10"))
    data = json.loads(render(empty_project / "bulletins")["bulletins.json"])
    assert [r["issue"] for r in data["bulletins"]] == [3, 2, 1]


def test_absolute_urls_with_base_url():
    data = json.loads(render(config=repo_config(base_url="https://example.org/"))["bulletins.json"])
    assert data["base_url"] == "https://example.org/"
    for record in data["bulletins"]:
        assert record["absolute_url"] == "https://example.org/" + record["url"]


def test_drafts_are_not_exported(project):
    text = minimal(2, "2024-06-01").replace("---\n\n", "draft: true\n---\n\n", 1)
    write_bulletin(project, "yiyang/2024-06-01-2.md", text)
    data = json.loads(render(project / "bulletins")["bulletins.json"])
    assert data["count"] == 5
    assert "bulletins/yiyang/2024-06-01-2/" not in {r["url"] for r in data["bulletins"]}


def test_file_is_utf8_json_with_readable_chinese_and_iso_dates():
    raw = render()["bulletins.json"]
    text = raw.decode("utf-8")
    assert "益阳市" in text  # not \\u escapes: readable in any editor
    for record in json.loads(text)["bulletins"]:
        dt.date.fromisoformat(record["date"])
    assert text.endswith("}\n")


def _reference(archive, config) -> bytes:
    """What the file was before records were joined: json.dumps of the whole."""
    data = {"format": export.FORMAT_VERSION, "title": config.title,
            "base_url": config.base_url or None, "count": len(archive.bulletins),
            "bulletins": [export.bulletin_record(b, config) for b in archive.bulletins]}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_joined_records_are_byte_identical_to_one_json_dump(empty_project):
    """Records made one by one (and cached) must give exactly the file
    json.dumps of the whole would: same spacing, nesting and escapes."""
    from briefsite.content.archive import build_archive
    from briefsite.content.config import Config
    from briefsite.errors import Problems
    from briefsite.content.loader import load_all

    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", minimal(1, "2024-05-10"))
    write_bulletin(empty_project, "yiyang/2024-05-11-2.md", minimal(2, "2024-05-11"))
    for base_url in ("", "https://example.org/简报/"):
        config = Config(title='工作"简报"\\档案', base_url=base_url)
        archive = build_archive(load_all(empty_project / "bulletins", config, Problems()), Problems())
        assert len(archive.bulletins) == 2
        expected = _reference(archive, config)
        assert export.bulletins_json(archive, config) == expected
        cached = {b.url: export.record_json(b, config) for b in archive.bulletins}
        assert export.bulletins_json(archive, config, lambda b: cached[b.url]) == expected
        assert export.bulletins_json(archive, config, lambda b: None) == expected
    empty = build_archive([], Problems())
    assert export.bulletins_json(empty, config) == _reference(empty, config)
