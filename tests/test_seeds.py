"""The five seed bulletins, built by the real command line, against their raw originals.

The raw texts in tests/fixtures/seeds/ are the PDFs' text extraction, copied
unchanged: they are the source of truth. Every sentence of each original must
be on its page, in order, character for character (whitespace aside).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import BULLETINS, ROOT, SEEDS, run_cli

# seed file -> (bulletin, first line of the body in the raw text). Lines before
# it are the masthead (title, issue, issuer, date, 导读) that became front-matter.
SEED_MAP = {
    "000_b8e25bc50ca186c5.txt": ("zhuzhou/2024-05-09.md", "【市级动态】"),
    "001_6f25887a9364ce97.txt": ("yiyang/2024-05-10-1.md", "陈竞率队实地调研南洞庭湖湿地保护修复工作"),
    "002_4bd78695de719ff1.txt": ("yongzhou/2024-03-13.md", "市生态环境保护委员会第一次全体会议研究"),
    "003_dc916abea5d095f7.txt": ("yongzhou/2024-03-15-3.md", "永州市召开配合省环保督察工作交办"),
    "004_6d5d44ad9c3c1b5e.txt": ("hunan/2017-05-15-15.md", "许达哲省长就环保督察"),
}
SENTENCE_END = re.compile(r"(?<=[。！？；])")
WS = re.compile(r"\s+")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The repository's archive built once by `briefsite build`."""
    root = tmp_path_factory.mktemp("seeds")
    import shutil
    shutil.copytree(BULLETINS, root / "bulletins")
    shutil.copy(ROOT / "briefsite.yaml", root / "briefsite.yaml")
    result = run_cli("build", cwd=root)
    assert result.code == 0, result.err
    assert "已生成 5 期简报" in result.out
    return root / "site"


def raw_parts(seed: str) -> tuple[list[str], list[str]]:
    """(body lines, closing-block lines) of a raw seed, masthead dropped."""
    lines = (SEEDS / seed).read_text(encoding="utf-8").splitlines()
    first = SEED_MAP[seed][1]
    start = next(i for i, line in enumerate(lines) if WS.sub("", line).startswith(WS.sub("", first))
                 and not line.lstrip().startswith("-"))
    end = next(i for i, line in enumerate(lines) if line.strip().startswith("报："))
    assert start < end
    return lines[start:end], lines[end:]


def sentences(lines: list[str]) -> list[str]:
    """Sentences split at 。！？；, whitespace removed (so broken lines join up)."""
    text = WS.sub("", "".join(lines))
    return [s for s in SENTENCE_END.split(text) if s]


def page_text(markup: str) -> str:
    """Text of an HTML fragment: tags stripped, entities decoded, whitespace removed."""
    return WS.sub("", html.unescape(re.sub(r"<[^>]+>", "", markup)))


def front_matter(rel: str) -> dict:
    text = (BULLETINS / rel).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def page_of(site: Path, rel: str) -> str:
    return (site / "bulletins" / rel.removesuffix(".md") / "index.html").read_text(encoding="utf-8")


def banji(markup: str) -> str:
    match = re.search(r'<footer class="banji".*?</footer>', markup, re.S)
    assert match, "the page has no 版记"
    return match.group(0)


@pytest.mark.parametrize("seed", sorted(SEED_MAP))
def test_every_sentence_of_the_original_is_on_its_page_in_order(built, seed):
    body, _ = raw_parts(seed)
    text = page_text(page_of(built, SEED_MAP[seed][0]))
    position = 0
    missing = []
    for sentence in sentences(body):
        found = text.find(sentence, position)
        if found < 0:
            missing.append(sentence)
        else:
            position = found + len(sentence)
    assert not missing, f"{len(missing)} sentence(s) missing or out of order, first: {missing[0]}"
    assert len(sentences(body)) > 5  # the split found real content


@pytest.mark.parametrize("seed", sorted(SEED_MAP))
def test_closing_block_becomes_the_banji(built, seed):
    rel = SEED_MAP[seed][0]
    markup = page_of(built, rel)
    foot = page_text(banji(markup))
    recipients = front_matter(rel).get("recipients") or {}
    assert recipients, "every seed has a closing 报/送 block"
    labels = {"report": "报：", "send": "送：", "distribute": "发：", "cc": "抄送："}
    position = 0
    for key, names in recipients.items():  # order of the groups as printed
        label_at = foot.find(labels[key], position)
        assert label_at >= 0, f"{labels[key]} missing or out of order in the 版记"
        position = label_at
        for name in names:
            at = foot.find(WS.sub("", name), position)
            assert at >= 0, f"{name} missing or out of order in the 版记"
            position = at + len(WS.sub("", name))

    # Every character of the raw closing block is there too, labels and
    # separators aside (the 版记 joins names with '，').
    def norm(text: str) -> str:
        text = WS.sub("", text)
        for label in ("抄送：", "报：", "送：", "发："):
            text = text.replace(label, "")
        return re.sub(r"[，、。]", "", text)

    _, closing = raw_parts(seed)
    normalised_foot = norm(foot)
    position = 0
    for line in closing:
        piece = norm(line)
        if piece:
            at = normalised_foot.find(piece, position)
            assert at >= 0, f"closing line {line.strip()!r} missing from the 版记"
            position = at + len(piece)


def cn(date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


@pytest.mark.parametrize("seed", sorted(SEED_MAP))
def test_front_matter_facts_are_on_the_page(built, seed):
    rel = SEED_MAP[seed][0]
    facts = front_matter(rel)
    markup = page_of(built, rel)
    text = page_text(markup)
    masthead = page_text(re.search(r'<header class="masthead">.*?</header>', markup, re.S).group(0))
    assert WS.sub("", facts["title"]) in masthead
    assert WS.sub("", facts["issuer"]) in masthead
    assert cn(facts["date"]) in masthead
    if "issue" in facts:
        assert f"第{facts['issue']}期" in masthead
    else:
        assert not re.search(r"(?<!总)第\d+期", masthead)
    if "total_issue" in facts:
        assert f"总第{facts['total_issue']}期" in masthead
    foot = page_text(banji(markup))
    for key in ("doc_number", "contact"):
        if key in facts:
            assert WS.sub("", facts[key]) in foot, key
    if "printed" in facts:
        assert cn(facts["printed"]) + "印发" in foot
        assert WS.sub("", facts.get("printed_by") or facts["issuer"]) in WS.sub("", foot)
    assert f"<title>{html.escape(facts['title'], quote=False)}" in markup
    assert text.count(WS.sub("", facts["title"])) >= 1


def test_masthead_facts_match_the_originals():
    """The facts moved out of the raw mastheads are the printed ones."""
    assert front_matter("yiyang/2024-05-10-1.md")["issue"] == 1
    assert str(front_matter("yiyang/2024-05-10-1.md")["date"]) == "2024-05-10"
    assert front_matter("yiyang/2024-05-10-1.md")["doc_number"] == "益简字【2022】42号"
    three = front_matter("yongzhou/2024-03-15-3.md")
    assert (three["issue"], three["total_issue"], str(three["date"])) == (3, 3, "2024-03-15")
    hunan = front_matter("hunan/2017-05-15-15.md")
    assert (hunan["issue"], hunan["total_issue"], str(hunan["date"])) == (15, 21, "2017-05-15")
    # 000 and 002 print no issue number: none is invented.
    assert "issue" not in front_matter("zhuzhou/2024-05-09.md")
    assert "issue" not in front_matter("yongzhou/2024-03-13.md")


def test_inferred_facts_say_from_what():
    for rel, keys in {"zhuzhou/2024-05-09.md": ("title", "date", "issuer", "city"),
                      "yongzhou/2024-03-13.md": ("title",)}.items():
        head = (BULLETINS / rel).read_text(encoding="utf-8").split("---\n")[1]
        for key in keys:
            line = next(line for line in head.splitlines() if line.startswith(f"{key}:"))
            assert "# inferred:" in line, f"{rel}: {key} is inferred but does not say from what"


def test_site_holds_every_page(built):
    expected = [
        "index.html", "404.html", "assets/style.css",
        "cities/index.html", "archive/index.html", "archive/2024/index.html", "archive/2017/index.html",
        *(f"bulletins/{rel.removesuffix('.md')}/index.html" for rel, _ in SEED_MAP.values()),
    ]
    for path in expected:
        assert (built / path).is_file(), path
    cities = {"株洲市": "zhuzhou", "益阳市": "yiyang", "永州市": "yongzhou", "湖南省": "hunan"}
    index = (built / "cities/index.html").read_text(encoding="utf-8")
    for name, slug in cities.items():
        page = (built / "cities" / slug / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{name}</h1>" in page
        assert f"cities/{slug}/index.html" in link_targets(built, built / "cities/index.html")
    assert sorted(p.name for p in (built / "cities").iterdir() if p.is_dir()) == sorted(cities.values())
    assert len(list(built.glob("bulletins/*/*/index.html"))) == 5
    home = link_targets(built, built / "index.html")
    for rel, _ in SEED_MAP.values():
        assert f"bulletins/{rel.removesuffix('.md')}/index.html" in home
    assert {"archive/2024/index.html", "archive/2017/index.html"} <= home
    assert {f"cities/{slug}/index.html" for slug in cities.values()} <= home
    yongzhou = page_text((built / "cities/yongzhou/index.html").read_text(encoding="utf-8"))
    assert "共2期" in yongzhou


def test_the_two_yongzhou_issues_link_to_each_other(built):
    first = page_of(built, "yongzhou/2024-03-13.md")
    second = page_of(built, "yongzhou/2024-03-15-3.md")
    page = built / "bulletins/yongzhou/2024-03-13/index.html"
    assert resolve(built, page, re.search(r'rel="next" href="([^"]+)"', first).group(1)) \
        == "bulletins/yongzhou/2024-03-15-3/index.html"
    page = built / "bulletins/yongzhou/2024-03-15-3/index.html"
    assert resolve(built, page, re.search(r'rel="prev" href="([^"]+)"', second).group(1)) \
        == "bulletins/yongzhou/2024-03-13/index.html"
    assert 'rel="prev"' not in first and 'rel="next"' not in second
    # Other series have no neighbours.
    assert 'rel="prev"' not in page_of(built, "yiyang/2024-05-10-1.md")
    assert 'rel="next"' not in page_of(built, "yiyang/2024-05-10-1.md")


def resolve(site: Path, page: Path, link: str) -> str:
    """The site file a relative link from ``page`` points at."""
    target = (page.parent / unquote(urlsplit(link).path)).resolve()
    if link.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.relative_to(site.resolve()).as_posix()


def link_targets(site: Path, page: Path) -> set[str]:
    return {resolve(site, page, link) for link in internal_links(page) if not link.startswith("#")}


def internal_links(page: Path) -> list[str]:
    markup = page.read_text(encoding="utf-8")
    return [html.unescape(m) for m in re.findall(r'(?:href|src)="([^"]*)"', markup)]


def test_every_internal_link_resolves_and_nothing_is_loaded_from_outside(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) >= 15  # the pages listed in test_site_holds_every_page, and any others
    checked = 0
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in markup
        assert not re.search(r'(?:src|href)="(?:https?:)?//', markup), page
        assert "@import" not in markup and "url(http" not in markup
        ids = set(re.findall(r'id="([^"]+)"', markup))
        for link in internal_links(page):
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, f"{page}: {link} is not relative"
            assert not link.startswith("/"), f"{page}: {link} is root-absolute"
            if not parts.path:
                assert unquote(parts.fragment) in ids, f"{page}: no #{parts.fragment}"
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if link.endswith("/") or target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(built)}: {link} does not resolve"
            assert built.resolve() in target.parents, f"{page}: {link} leaves the site"
            checked += 1
    assert checked > 100
    css = (built / "assets/style.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", css) and "@import" not in css
