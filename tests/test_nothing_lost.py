"""No bulletin is skipped silently.

Every ``.md`` file under bulletins/ that is not ignored by name is published,
kept back as a draft, or reported as an error naming it; the names that are
ignored (hidden files, editor backups, non-.md files) are exactly the ones
docs/format.md lists.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefsite.content.loader import is_ignored
from conftest import ROOT, minimal, run_cli, write_bulletin

# Editor and system leftovers that must never become pages.
IGNORED = [".#2024-05-10-1.md", "2024-05-10-1.md~", "#2024-05-10-1.md#", "2024-05-10-1.md.swp",
           ".2024-05-10-1.md.swp", ".hidden.md", "~lock.md", "2024-05-10-1.md.bak", "2024-05-10-1.md.tmp",
           ".DS_Store", "notes.txt", "scan.pdf", "2024-05-10-1.md.orig"]


def test_every_candidate_is_published_drafted_or_reported(empty_project):
    good, drafts, broken = [], [], []
    for i in range(1, 121):
        day = f"2023-{(i - 1) // 28 + 1:02d}-{(i - 1) % 28 + 1:02d}"
        name = f"yiyang/{day}-{i}.md"
        text = minimal(i, day)
        if i % 10 == 0:
            text = text.replace("title: 益阳市", "draft: true\ntitle: 益阳市")
            drafts.append(name)
        elif i % 7 == 0:
            text = text.replace("date: ", "date: not-a-date ")
            broken.append(name)
        else:
            good.append(name)
        write_bulletin(empty_project, name, text)
        for junk in IGNORED:  # a full set of leftovers beside some of the files
            if i % 40 == 1:
                write_bulletin(empty_project, f"yiyang/{i}{junk}" if not junk.startswith((".", "#", "~"))
                               else f"yiyang/{junk[0]}{i}{junk[1:]}", minimal(i, day))
    write_bulletin(empty_project, ".git/objects/x.md", minimal())  # hidden folder: never read, but counted

    candidates = [p for p in (empty_project / "bulletins").rglob("*.md")
                  if not any(is_ignored(part) for part in p.relative_to(empty_project / "bulletins").parts)]
    assert len(candidates) == len(good) + len(drafts) + len(broken) == 120

    result = run_cli("check", cwd=empty_project)
    assert result.code == 1
    reported = set(re.findall(r"^bulletins/(\S+?\.md):\d+: error:", result.err, re.M))
    assert reported == set(broken), result.err
    assert "Traceback" not in result.err

    for name in broken:  # fix them: now every file must be published or a draft
        write_bulletin(empty_project, name, minimal(int(name.rsplit("-", 1)[1][:-3]), name[7:17]))
    result = run_cli("build", "--no-search", cwd=empty_project)
    assert result.code == 0, result.err
    # The summary counts what was passed over by name, so nothing goes unseen.
    leftovers = [n for n in IGNORED if ".md" in n]
    copies = 3 * len(leftovers) + 1  # beside files 1, 41 and 81, and .git/objects/x.md
    assert result.out.startswith(f"已生成 {len(good) + len(broken)} 期简报，"), result.out
    assert (f"。跳过草稿 {len(drafts)} 期。另有 {copies} 个文件按文件名忽略：") in result.out, result.out
    assert f"另有 {copies} 个文件按文件名忽略：" in run_cli("check", cwd=empty_project).out
    pages = list((empty_project / "site" / "bulletins").glob("*/*/index.html"))
    assert len(pages) == len(good) + len(broken)
    assert not any(".#" in str(p) or "~" in str(p) or "swp" in str(p) for p in pages)


def test_every_ignored_name_is_documented():
    """The rule in docs/format.md is the rule the loader applies."""
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    for prefix in (".", "#", "~"):
        assert f"`{prefix}`" in doc
    for suffix in ("~", ".swp", ".tmp", ".bak"):
        assert f"`{suffix}`" in doc
    for name in IGNORED:
        assert is_ignored(name) or not name.endswith(".md"), name
    assert not is_ignored("2024-05-10-1.md") and not is_ignored("a.b-c_d.md")
