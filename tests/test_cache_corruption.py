"""Issue 12, item 2: every file under .briefsite-cache/ is verified before use.

Each file the cache holds (index parts, body packs, the output record and
the compiled templates) is damaged in each class of byte position (its
header, its payload, its last byte, cut short, emptied); every build then
either equals a clean build byte for byte or fails with ``path: error:``:
never a traceback, a crash or a different site.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefsite import cli
from briefsite.build.store import CACHE_DIRNAME
from conftest import ROOT


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(project: Path, out: str = "site", *extra: str) -> tuple[int, str]:
    code = cli.main(["build", "--no-search", "--source", str(project / "bulletins"),
                     "--out", str(project / out), "--config", str(project / "briefsite.yaml"), *extra])
    return code


def flip(at):
    def damage(data: bytes) -> bytes:
        if not data:
            return b"x"
        i = at(len(data))
        return data[:i] + bytes([data[i] ^ 0x5A]) + data[i + 1:]
    return damage


CLASSES = {
    "header": flip(lambda n: min(3, n - 1)),
    "checksum": flip(lambda n: min(20, n - 1)),
    "payload": flip(lambda n: n // 2),
    "last byte": flip(lambda n: n - 1),
    "truncated": lambda data: data[: len(data) // 2],
    "emptied": lambda data: b"",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A project built once with its cache, the pristine cache kept aside,
    and clean builds of the source before and after an edit."""
    project = tmp_path_factory.mktemp("corrupt")
    shutil.copytree(ROOT / "bulletins", project / "bulletins")
    shutil.copy(ROOT / "briefsite.yaml", project / "briefsite.yaml")
    assert build(project) == 0
    shutil.copytree(project / CACHE_DIRNAME, project / "pristine-cache")
    assert build(project, "clean", "--no-cache") == 0
    before = snapshot(project / "clean")
    shutil.copytree(project / "site", project / "pristine-site")
    edit(project, 1)
    assert build(project, "clean-after", "--no-cache") == 0
    after = snapshot(project / "clean-after")
    edit(project, -1)
    return project, before, after


BULLETIN = "bulletins/yiyang/2024-05-10-1.md"


def edit(project: Path, direction: int) -> None:
    path = project / BULLETIN
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n补充一段。\n" if direction > 0 else text.replace("\n补充一段。\n", ""),
                    encoding="utf-8")


def cache_files(project: Path) -> list[str]:
    root = project / "pristine-cache"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def restore(project: Path, keep_site: bool) -> None:
    shutil.rmtree(project / CACHE_DIRNAME, ignore_errors=True)
    shutil.copytree(project / "pristine-cache", project / CACHE_DIRNAME)
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.rmtree(project / ".site.spare", ignore_errors=True)
    if keep_site:
        shutil.copytree(project / "pristine-site", project / "site")


def outcome(project: Path, expected: dict[str, bytes], capsys, what: str) -> None:
    code = build(project)
    err = capsys.readouterr().err
    assert "Traceback" not in err, what
    if code == 0:
        assert snapshot(project / "site") == expected, what
    else:
        assert code == 1 and ": error: " in err, (what, err)


def test_the_cache_holds_every_kind_of_file(built):
    project, _, _ = built
    kinds = {name.split("/")[0] for name in cache_files(project)}
    assert kinds == {"parsed", "outputs", "templates"}, cache_files(project)
    assert any(name.endswith(".jbc") for name in cache_files(project))


@pytest.mark.parametrize("damage", ["header", "payload", "truncated"])
def test_every_cache_file_damaged_gives_the_clean_site(built, capsys, damage):
    """Each file on its own, with the site deleted (every page rendered: the
    index, the bodies and the templates are read); the output record and the
    index also with the site kept and one bulletin edited (the record then
    decides what is rebuilt)."""
    project, before, after = built
    for name in cache_files(project):
        modes = [(False, before)] + ([(True, after)] if name.startswith(("outputs/", "parsed/")) else [])
        for keep_site, expected in modes:
            restore(project, keep_site)
            if keep_site:
                edit(project, 1)
            path = project / CACHE_DIRNAME / name
            path.write_bytes(CLASSES[damage](path.read_bytes()))
            try:
                outcome(project, expected, capsys, f"{name} {damage} keep_site={keep_site}")
            finally:
                if keep_site:
                    edit(project, -1)


def test_every_cache_file_damaged_at_once(built, capsys):
    project, before, _ = built
    for damage, change in CLASSES.items():
        restore(project, keep_site=False)
        for name in cache_files(project):
            path = project / CACHE_DIRNAME / name
            path.write_bytes(change(path.read_bytes()))
        outcome(project, before, capsys, damage)


def test_text_changed_inside_compiled_templates_is_not_published(built, capsys):
    """The issue's attack: 首页 replaced by 尾页 inside the bytecode published
    six pages with 尾页 and exit 0. The theme's words come from the catalogue
    and are put into the templates when they are compiled
    (render.ConstantGettext), so the bytecode holds 首页 again."""
    project, before, _ = built
    restore(project, keep_site=False)
    changed = 0
    for path in (project / CACHE_DIRNAME / "templates").glob("*.jbc"):
        data = path.read_bytes()
        if "首页".encode() in data:
            path.write_bytes(data.replace("首页".encode(), "尾页".encode()))
            changed += 1
    assert changed
    outcome(project, before, capsys, "首页 -> 尾页")
    assert not any("尾页".encode() in data for data in snapshot(project / "site").values())
