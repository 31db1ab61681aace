"""Markdown body -> safe HTML, table of contents and plain text."""

from __future__ import annotations

from briefsite.content.markup import heading_id, make_parser, render


def test_sections_and_headlines_make_the_table_of_contents():
    r = render("## 【县级动态】\n\n### ▲南县\n\n正文。\n\n### ▲南县\n\n#### 小标题\n")
    assert [(h.level, h.text, h.id) for h in r.toc] == [
        (2, "【县级动态】", "县级动态"), (3, "▲南县", "南县"), (3, "▲南县", "南县-2")]
    assert '<h2 id="县级动态">【县级动态】</h2>' in r.html
    assert '<h3 id="南县-2">▲南县</h3>' in r.html
    assert r.headings_lines == (0, 2, 6)


def test_a_level_one_heading_becomes_h2():
    assert "<h1" not in render("# 标题\n\n正文").html
    assert '<h2 id="标题">标题</h2>' in render("# 标题\n\n正文").html


def test_raw_html_is_text():
    r = render("<script>alert(1)</script>\n\n段落 <b onclick=x>粗</b>")
    assert "<script>" not in r.html and "<b " not in r.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.html
    assert "&lt;b onclick=x&gt;粗&lt;/b&gt;" in r.html


def test_only_safe_links():
    html = render("[a](javascript:alert(1)) [b](java\tscript:x) [c](data:text/html,x) [d](vbscript:x) "
                  "[e](https://gov.cn) [f](mailto:a@b.cn) [g](tel:0731) [h](../other/) [i](#sec)").html
    for bad in ("javascript:", "data:", "vbscript:", "java\tscript"):
        assert f'href="{bad}' not in html
    for good in ('href="https://gov.cn"', 'href="mailto:a@b.cn"', 'href="tel:0731"',
                 'href="../other/"', 'href="#sec"'):
        assert good in html


def test_paragraphs_tables_and_plain_text():
    r = render("第一段。\n\n第二段。\n\n| 县 | 件数 |\n|---|---|\n| 蓝山 | 2 |\n")
    assert r.html.count("<p>") == 2 and "<table>" in r.html
    assert r.text.splitlines()[:2] == ["第一段。", "第二段。"]


def test_heading_ids_are_stable_and_unique():
    used: dict[str, int] = {}
    assert heading_id("Hello World!", used) == "hello-world"
    assert heading_id("Hello World!", used) == "hello-world-2"
    assert heading_id("！！！", used) == "section"


def test_one_parser_renders_many_bodies_alike():
    md = make_parser()
    assert render("### 甲\n\n乙", md).html == render("### 甲\n\n乙").html
