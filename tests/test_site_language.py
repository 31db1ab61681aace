"""The site in its language (briefsite.yaml's ``language``): Simplified
Chinese by default, English on request, from the same gettext catalogue as
the messages. The bulletins stay as printed: their masthead, text and 版记
are Chinese whatever the site's language."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_cli

# The site's own words, as a Chinese reader sees them on every page.
CHINESE_CHROME = ("首页", "年度归档", "跳到正文", "由 briefsite 生成", "订阅更新（Atom）")
ENGLISH_CHROME = ("Home", "Years", "Skip to content", "Made with briefsite", "Subscribe to updates (Atom)")


def build(project, language: str | None):
    config = project / "briefsite.yaml"
    if language is not None:
        config.write_text(config.read_text(encoding="utf-8") + f"language: {language}\n", encoding="utf-8")
    result = run_cli("build", "--no-search", cwd=project)
    assert result.code == 0, result.err
    return project / "site"


def read(site, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_the_site_is_chinese_by_default(project):
    site = build(project, None)
    home = read(site, "index.html")
    assert '<html lang="zh-CN">' in home
    assert all(word in home for word in CHINESE_CHROME)
    assert "按城市浏览" in home and re.search(r"\d+期</span>", home)


def test_english_site_speaks_english_around_the_printed_bulletin(project):
    site = build(project, "en")
    home = read(site, "index.html")
    assert '<html lang="en">' in home and '<meta property="og:locale" content="en">' in home
    assert all(word in home for word in ENGLISH_CHROME)
    assert not any(word in home for word in CHINESE_CHROME)
    assert re.search(r">\d+ issues?</span>", home)

    page = read(site, "bulletins/yiyang/2024-05-10-1/index.html")
    # The page's own words in English ...
    assert "Cities</a> › " in page
    assert "This is the first issue" in page and "All bulletins of 益阳市" in page
    assert "上一期" not in page and "下一期" not in page and "已是" not in page
    assert '<h2 id="toc-title">Contents</h2>' in page
    assert '<span aria-current="page">10 May 2024</span>' in page
    # ... the bulletin as printed.
    assert '<p class="masthead-issue">第1期</p>' in page
    assert ">2024年5月10日</time>" in page  # the masthead's date

    city = read(site, "cities/yiyang/index.html")
    assert "bulletins in all." in city and "Subscribe to 益阳市 (Atom)" in city
    assert "按月分布" not in city and "月</h3>" not in city and "May</h3>" in city
    year = read(site, "archive/2024/index.html")
    assert "<h1>Bulletins of 2024</h1>" in year

    # The city's feed, as a feed reader lists it: its subtitle in English too.
    feed = read(site, "cities/yiyang/feed.xml")
    assert "<subtitle>Bulletins of 益阳市</subtitle>" in feed and "的工作简报" not in feed
    assert 'xml:lang="en"' in feed and '<entry xml:lang="zh-CN">' in feed


def test_a_chinese_sites_city_feed_is_chinese(project):
    feed = read(build(project, None), "cities/yiyang/feed.xml")
    assert "<subtitle>益阳市的工作简报</subtitle>" in feed and 'xml:lang="zh-CN"' in feed


def test_an_unknown_site_language_is_refused_at_its_line(project):
    config = project / "briefsite.yaml"
    lines = config.read_text(encoding="utf-8").count("\n")
    config.write_text(config.read_text(encoding="utf-8") + "language: fr\n", encoding="utf-8")
    result = run_cli("build", "--no-search", cwd=project)
    assert result.code == 1
    assert f"briefsite.yaml:{lines + 1}: error: language 只能是 zh-CN 或 en，不能是 'fr'" in result.err
    english = run_cli("build", "--no-search", "--lang", "en", cwd=project)
    assert "language must be zh-CN or en, not 'fr'" in english.err


def test_switching_the_language_on_the_same_cache_switches_every_word(project):
    """The site's words are put into the templates when they are compiled,
    and compiled templates are kept in the build cache: switching the
    language back and forth must never serve one language's compiled words
    in the other."""
    config = project / "briefsite.yaml"
    chinese = config.read_text(encoding="utf-8")
    for language in ("zh-CN", "en", "zh-CN", "en"):
        config.write_text(chinese + f"language: {language}\n", encoding="utf-8")
        assert run_cli("build", "--no-search", cwd=project).code == 0
        home = read(project / "site", "index.html")
        words, others = (ENGLISH_CHROME, CHINESE_CHROME) if language == "en" else (CHINESE_CHROME, ENGLISH_CHROME)
        assert all(word in home for word in words), language
        assert not any(word in home for word in others), language


def test_a_theme_may_use_underscore_as_a_name(project):
    """A user's template that uses ``_`` as a variable (a throwaway loop
    variable) is rendered as Jinja renders it, and its _() calls still
    translate."""
    theme = project / "theme"
    theme.mkdir()
    base = (Path(__file__).resolve().parents[1] / "templates" / "base.html").read_text(encoding="utf-8")
    marker = '<a class="skip-link"'
    assert marker in base
    (theme / "base.html").write_text(base.replace(
        marker, '{% for _ in ["甲", "乙"] %}<i class="u">{{ _ }}</i>{% endfor %}' + marker), encoding="utf-8")
    config = project / "briefsite.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "templates: theme\n", encoding="utf-8")
    assert run_cli("build", "--no-search", cwd=project).code == 0
    home = read(project / "site", "index.html")
    assert '<i class="u">甲</i><i class="u">乙</i>' in home
    assert all(word in home for word in CHINESE_CHROME)
