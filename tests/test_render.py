"""Pages: how each front-matter key shows on a bulletin's page, and relative links."""

from __future__ import annotations

import datetime as dt
import html
import re

import jinja2
import pytest

from briefsite import i18n
from briefsite.content.config import Config
from briefsite.errors import BriefsiteError
from briefsite.pages.render import Page, cn_date, make_environment, render_page, url
from conftest import run_cli, write_bulletin

FULL = """---
title: 益阳市配合中央生态环境保护督察工作简报
issue: 3
total_issue: 12
date: 2024-05-10
issuer: 益阳市配合中央生态环境保护督察协调联络专班
city: 益阳市
recipients:
  cc:
    - 抄送单位甲
  distribute:
    - 各县市区
    - 相关市直部门
  report:
    - 市委办公室
    - 市人大常委会办公室
    - 市政府办公室
  send:
    - 各县市区委、县市区人民政府
doc_number: 益简字【2022】42号
printed: 2024-05-12
contact: "联系电话：（0737）1234567"
---

### 陈竞率队实地调研

5月9日，调研。
"""

BARE = """---
title: 永州市配合湖南省生态环境保护督察工作简报
date: 2024-03-13
issuer: 永州市配合湖南省生态环境保护督察协调联络组
city: 永州市
---

正文。
"""


def text_of(markup: str) -> str:
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", markup)))


def section(markup: str, pattern: str) -> str:
    match = re.search(pattern, markup, re.S)
    assert match, pattern
    return match.group(0)


@pytest.fixture
def built(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-3.md", FULL)
    write_bulletin(empty_project, "yongzhou/2024-03-13.md", BARE)
    write_bulletin(empty_project, "yongzhou/2024-03-20.md",
                   BARE.replace("2024-03-13", "2024-03-20").replace("city: 永州市", "city: 永州市\ntotal_issue: 4"))
    result = run_cli("build", cwd=empty_project)
    assert result.code == 0, result.err
    return empty_project / "site"


def page(site, rel: str) -> str:
    return (site / "bulletins" / rel / "index.html").read_text(encoding="utf-8")


def test_every_front_matter_key_shows_on_the_page(built):
    markup = page(built, "yiyang/2024-05-10-3")
    masthead = text_of(section(markup, r'<header class="masthead">.*?</header>'))
    assert "益阳市配合中央生态环境保护督察工作简报" in masthead  # title
    assert "第3期" in masthead  # issue
    assert "总第12期" in masthead  # total_issue
    assert "益阳市配合中央生态环境保护督察协调联络专班" in masthead  # issuer
    assert "2024年5月10日" in masthead  # date, as printed
    assert '<time datetime="2024-05-10"' in markup
    assert re.search(r"<title>益阳市配合中央生态环境保护督察工作简报 第3期 总第12期", markup)
    assert re.search(r'<h1[^>]*>益阳市配合中央生态环境保护督察工作简报</h1>', markup)
    # city: the breadcrumb and the pager link to the city's page.
    assert '<a href="../../../cities/yiyang/">益阳市</a>' in markup

    foot = section(markup, r'<footer class="banji".*?</footer>')
    text = text_of(foot)
    # Groups and names in the file's order: the 版记 as the original printed it.
    assert re.search("抄送：抄送单位甲"
                     "发：各县市区，相关市直部门"
                     "报：市委办公室，市人大常委会办公室，市政府办公室"
                     "送：各县市区委、县市区人民政府", text), text
    assert "益阳市配合中央生态环境保护督察协调联络专班2024年5月12日印发" in text  # printed
    assert '<time datetime="2024-05-12"' in foot
    assert "益简字【2022】42号" in text  # doc_number
    assert "联系电话：（0737）1234567" in text  # contact


def test_a_bulletin_without_optional_keys_prints_no_empty_parts(built):
    markup = page(built, "yongzhou/2024-03-13")
    masthead = text_of(section(markup, r'<header class="masthead">.*?</header>'))
    assert not re.search(r"第\d+期", masthead)
    assert "class=\"banji\"" not in markup
    assert re.search(r"<title>永州市配合湖南省生态环境保护督察工作简报 · ", markup)
    # total_issue alone is shown as 总第N期.
    masthead = text_of(section(page(built, "yongzhou/2024-03-20"), r'<header class="masthead">.*?</header>'))
    assert "总第4期" in masthead and not re.search(r"(?<!总)第\d+期", masthead)


def test_city_and_year_pages_list_bulletins_newest_first(built):
    city = (built / "cities/yongzhou/index.html").read_text(encoding="utf-8")
    assert city.index("2024-03-20/") < city.index("2024-03-13/")
    assert "共 2 期" in city or "共2期" in text_of(city)
    year = (built / "archive/2024/index.html").read_text(encoding="utf-8")
    assert year.index("2024-05-10-3/") < year.index("2024-03-20/") < year.index("2024-03-13/")
    for link in re.findall(r'href="([^"#]*bulletins/[^"]*)"', year):
        assert link.startswith("../../bulletins/"), link


def test_cn_date():
    assert cn_date(dt.date(2024, 5, 10)) == "2024年5月10日"
    assert cn_date(dt.date(2017, 12, 1)) == "2017年12月1日"
    assert cn_date(None) == ""


def test_page_root_is_relative_to_the_page():
    assert Page("index.html", "home.html").root == ""
    assert Page("cities/index.html", "cities.html").root == "../"
    assert Page("bulletins/yiyang/x/index.html", "bulletin.html").root == "../../../"
    assert Page("404.html", "404.html", base="https://example.org/briefs/").root == "https://example.org/briefs/"


def render_string(source: str, page: Page, config: Config | None = None) -> str:
    env = make_environment(config or Config())
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"t.html": source}), env.loader])
    return render_page(env, Page(page.path, "t.html", page.context, page.base)).decode("utf-8")


def test_url_links_relative_from_any_depth():
    source = "{{ url('cities/yiyang/') }}|{{ url('') }}|{{ url('/assets/style.css') }}"
    assert render_string(source, Page("index.html", "")) == "cities/yiyang/|./|assets/style.css"
    assert render_string(source, Page("archive/2024/index.html", "")) == \
        "../../cities/yiyang/|../../|../../assets/style.css"


def test_url_in_a_macro_imported_without_context_fails_the_build():
    env = make_environment(Config())
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({
        "m.html": "{% macro link() %}{{ url('cities/') }}{% endmacro %}",
        "t.html": "{% from 'm.html' import link %}{{ link() }}",
    }), env.loader])
    with pytest.raises(BriefsiteError, match="导入宏时要加 'with context'"):
        render_page(env, Page("archive/2024/index.html", "t.html"))
    with i18n.using(i18n.ENGLISH), pytest.raises(BriefsiteError) as failed:
        render_page(env, Page("archive/2024/index.html", "t.html"))
    assert failed.value.message == ("template error while rendering archive/2024/index.html: url() used without "
                                    "the page's context; import macros 'with context'")


def test_404_page_links_work_from_any_address(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-3.md", FULL)
    assert run_cli("build", "--out", "plain", cwd=empty_project).code == 0
    plain = (empty_project / "plain/404.html").read_text(encoding="utf-8")
    assert 'href="./"' in plain and 'href="/"' not in plain
    (empty_project / "briefsite.yaml").write_text("base_url: https://example.org/briefs\n", encoding="utf-8")
    assert run_cli("build", "--out", "hosted", cwd=empty_project).code == 0
    hosted = (empty_project / "hosted/404.html").read_text(encoding="utf-8")
    # Served at any missing address, so links (and the stylesheet) are absolute.
    assert 'href="https://example.org/briefs/"' in hosted
    assert 'href="https://example.org/briefs/assets/style.css"' in hosted
    for link in re.findall(r'(?:href|src)="([^"]+)"', hosted):
        assert link.startswith(("https://example.org/briefs/", "#")), link
