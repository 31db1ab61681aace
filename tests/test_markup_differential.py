"""The compiled renderer (markup.py, pyromark) against the one it replaced
(markup_reference.py, markdown-it-py), on the CommonMark specification's
examples, a generated archive, the seed bulletins and hostile bodies.

Everything a body renders to is compared: HTML, table of contents, plain
text (search), heading lines and photos. The cases that differ are exactly
those in DIFFERENCES, each explained in docs/format.md ("The renderer"); a
new difference fails, and so does a listed one that went away.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from html.parser import HTMLParser

import pytest

import markup_reference
from briefsite.content import controlchars, markup
from conftest import BULLETINS, ROOT, SEEDS

SPEC = ROOT / "tests" / "fixtures" / "commonmark" / "spec.txt"
FORMAT_DOC = ROOT / "docs" / "format.md"
CORPUS_SIZE = 300

# case id -> why it differs (the long form is in docs/format.md).
DIFFERENCES = {
    "hostile:nested-refused": "a refused link inside a link's text: markdown-it refused it while parsing "
                              "and kept the outer link; now both are text",
    "hostile:tilde": "~~~x~~~ (three tildes): markdown-it struck through x between two ~; now text",
}

HOSTILE = {
    "script-block": "<script>alert(1)</script>\n\n段落 <b onclick=x>粗</b>",
    "javascript-links": "[a](javascript:alert(1)) [b](java\tscript:x) [c](data:text/html,x) [d](vbscript:x) "
                        "[e](JAVASCRIPT:x) [f](jav&#x09;ascript:x)",
    "entity-scheme": "[a](javascript&#58;alert(1)) [b](&#106;avascript:x) [c](java&#x09;script:x)",
    "escaped-scheme": "[a](javascript\\:x) [b](<javascript:x>)",
    "image-scheme": "![x](javascript:alert(1)) ![y](data:image/png;base64,AAAA) ![z](https://gov.cn/a.png)",
    "autolink-scheme": "<javascript:alert(1)> <vbscript:x> <data:text/html,x> <https://gov.cn> <a@b.cn>",
    "reference-scheme": "[x][r] [r]\n\n[r]: javascript:alert(1)\n",
    "reference-ok-and-bad": "[ok] [bad]\n\n[ok]: https://gov.cn\n[bad]: vbscript:x 'T'\n",
    "html-comment": "<!-- 注释\n\n后文 -->\n\n正文",
    "html-block-markdown": "段落\n<div>\n*强调* [链接](https://gov.cn)\n</div>\n\n<p onclick=\"x\">文字</p>",
    "html-attr-emphasis": "<a href=\"*x*\">* <img src=x onerror=alert(1)>",
    "nested-html": "<a title=\"<b>\">x</a> <a title='<script>'>",
    "cdata-pi": "<![CDATA[ x ]]>\n\n<?php echo 1; ?>\n\n<!DOCTYPE html>",
    "html-in-list": "- <div>\n  *a*\n- b <i>c</i>\n\n> <script>\n> x",
    "html-in-table": "| <b>甲</b> | [a](javascript:x) |\n|---|---|\n| <script> | ![p](data:x) |",
    "html-in-heading": "## <img src=x onerror=alert(1)> 标题\n\n### [链接](javascript:x)",
    "link-title-quote": "[a](https://gov.cn \"\\\" onmouseover=alert(1)\") ![b](x.png \"<script>\")",
    "style-iframe": "<style>body{display:none}</style>\n\n<iframe src=https://evil.example>",
    "svg-onload": "<svg/onload=alert(1)>\n\n<svg><script>alert(1)</script></svg>",
    "control-entities": "&#0; &#1; &#x7f; &#xd800; &#65534; &#x110000;",
    "pointy-dest": "[a](<b c>) [d](<javascript:x>) [e](<https://gov.cn/路径 空格>)",
    "unicode-host": "[a](https://例子.中国/路径?q=一) <https://例子。中国/> [m](mailto:张@例子.中国)",
    "nested-refused": "[[a](foo:x)](https://gov.cn) [b [c](https://gov.cn)](foo:y)",
    "emphasis-refused": "*[a*](foo:x) **[b](javascript:y)**",
    "figure-refused": "![照片](javascript:x)\n\n![照片](照片/1.jpg)\n\n![a](1.jpg) ![b](javascript:x)",
    "figures": "# ![a](b.png)\n\n| ![a](b.png) |\n|-|\n\n- ![a](b.png)\n- x\n\nx ![a *b*\nc](d.png \"t\")\n![e](f.png)",
    "tilde": "~一~ ~~二~~ ~~~三~~~ a~b~c",
    "many-brackets": "[" * 200 + "](javascript:x)" + "]" * 200,
    "many-tags": "<b>" * 300 + "x",
    "tag-per-line": "\n".join(f"<div>{i}" for i in range(50)),
    "placeholder-chars": "⨀⨁ <b>x</b> [a](foo:x) ⨂",
    "figure-mark-forged": "<!--briefsite:figure:1-->\n\n正文 <!--briefsite:figure:2-->",
    "mixed-cjk": "**【县级动态】**\n\n### ▲南县\n\n“*引号*”，（**括号**）《[文件](https://gov.cn)》",
    "fence-info": "```py&amp; x\n<script>\n```\n\n```\n```\n\n    <b>indented</b>",
    "list-start": "3. 甲\n4. 乙\n\n- a\n\n  b\n- > q\n-\n\n1) x",
    "table-align": "| 左 | 中 | 右 | 无 |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 |\n| a | b | c | d | e |\n\n|a|\n|-|\n",
    "hardbreaks": "行一  \n行二\\\n行三\n行四",
}


def spec_examples() -> dict[str, str]:
    """The examples of spec.txt, as the commonmark-spec package's index.js reads them."""
    text = SPEC.read_text(encoding="utf-8").replace("\r\n", "\n")
    text = re.sub(r"^<!-- END TESTS -->(.|\n)*", "", text, flags=re.M)
    blocks = re.findall(r"^`{32} example\n([\s\S]*?)^\.\n[\s\S]*?^`{32}$", text, flags=re.M)
    return {f"spec:{n}": markdown.replace("→", "\t") for n, markdown in enumerate(blocks, start=1)}


def body_of(text: str) -> str:
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, str]:
    """Every body of a generated archive, the seed bulletins (as bodies and as raw text)."""
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "benchmarks" / "make_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("corpus") / "bulletins"
    module.make_corpus(CORPUS_SIZE, out)
    cases = {f"corpus:{p.relative_to(out)}": body_of(p.read_text(encoding="utf-8"))
             for p in sorted(out.rglob("*.md"))}
    cases |= {f"bulletin:{p.relative_to(BULLETINS)}": body_of(p.read_text(encoding="utf-8"))
              for p in sorted(BULLETINS.rglob("*.md"))}
    cases |= {f"seed:{p.name}": p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    assert len(cases) >= CORPUS_SIZE + 10
    return cases


def differing(cases: dict[str, str]) -> set[str]:
    old, new = markup_reference.make_parser(), markup.make_parser()
    found = set()
    for name, body in cases.items():
        body = controlchars.normalise_layout(body)
        if markup_reference.render(body, old) != markup.render(body, new):
            found.add(name)
    return found


def expected(prefix: str | tuple[str, ...]) -> set[str]:
    return {name for name in DIFFERENCES if name.startswith(prefix)}


def test_the_spec_examples_render_alike():
    examples = spec_examples()
    assert len(examples) == 652  # CommonMark 0.31.2
    assert differing(examples) == expected("spec:")


def test_every_bulletin_of_an_archive_renders_alike(corpus):
    assert differing(corpus) == expected(("corpus:", "bulletin:", "seed:"))


def test_hostile_bodies_render_alike_or_as_listed():
    assert differing({f"hostile:{k}": v for k, v in HOSTILE.items()}) == expected("hostile:")


class Elements(HTMLParser):
    """Every element and attribute of a piece of HTML, as a browser reads it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


ALLOWED = {"p": set(), "a": {"href", "title"}, "img": {"src", "alt", "title"}, "em": set(), "strong": set(),
           "s": set(), "code": {"class"}, "pre": set(), "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "ul": set(),
           "ol": {"start"}, "li": set(), "blockquote": set(), "table": set(), "thead": set(), "tbody": set(),
           "tr": set(), "th": {"style"}, "td": {"style"}, "br": set(), "hr": set()}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bodies_stay_inert(name):
    """Whatever the parser makes of them, no element, attribute or link a reader's browser would act on."""
    rendered = markup.render(HOSTILE[name])
    elements = Elements(rendered.html)
    for tag, attrs in elements.found:
        assert tag in ALLOWED, tag
        assert {key for key, _ in attrs} <= ALLOWED[tag], (tag, attrs)
        for key, value in attrs:
            if key in ("href", "src"):
                assert value is not None and markup._validate_link(value), value
    # The only comments are the figure marks of photos alone in a paragraph.
    assert len(elements.comments) == sum(figure.alone for figure in rendered.figures)
    assert all(re.fullmatch(r"briefsite:figure:\d+", c) for c in elements.comments)


def test_every_difference_is_documented():
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    section = doc.split("## The renderer", 1)[1]
    for name in DIFFERENCES:
        assert f"`{name}`" in section, f"{name} is not explained in docs/format.md"


def test_the_cache_key_follows_the_pinned_renderer():
    # build/cache.py keys parsed bodies by briefsite's own code; markup.RENDERER
    # carries the library's version into it, so it must name the installed one.
    assert markup.RENDERER == f"pyromark {importlib.metadata.version('pyromark')}"
