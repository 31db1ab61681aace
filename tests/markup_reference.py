"""The renderer bodies went through before the compiled parser: markdown-it-py
under the same policy (briefsite's markup.py up to commit 9214d4c, kept
as it was). tests/test_markup_differential.py compares it with
briefsite.content.markup; markdown-it-py is a test dependency only.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefsite.content.markup import FIGURE_MARK, Rendered, heading_id
from briefsite.content.media import FigureRef
from briefsite.content.model import Heading

_SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|tel:)", re.I)
_ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def _validate_link(url: str) -> bool:
    # Control characters and whitespace can hide a scheme ("java\tscript:").
    cleaned = "".join(ch for ch in url if unicodedata.category(ch)[0] != "C" and not ch.isspace())
    if _SAFE_SCHEME.match(cleaned):
        return True
    return not _ANY_SCHEME.match(cleaned)  # relative links and #fragments


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _validate_link
    return md


def render(body: str, md: MarkdownIt | None = None) -> Rendered:
    md = md or make_parser()
    tokens = md.parse(body)
    toc: list[Heading] = []
    lines: list[int] = []
    used: dict[str, int] = {}
    text_parts: list[str] = []
    figures: list[FigureRef] = []
    text_length = 0  # of text_parts so far: how far down the text a photo stands
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[i + 1]
            title = _inline_text(inline)
            hid = heading_id(title, used)
            token.attrSet("id", hid)
            if token.tag in ("h2", "h3"):
                toc.append(Heading(level=int(token.tag[1]), text=title, id=hid))
                lines.append(token.map[0] if token.map else 0)
        elif token.type == "inline":
            _find_figures(tokens, i, figures, text_length)
            text_parts.append(_inline_text(token))
            text_length += len(text_parts[-1])
    # Headings of the body sit under the page's h1 (the masthead title):
    # shift # -> h2 so a page never has two h1s.
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    html = md.renderer.render([t for t in tokens if t.type != "figure_gone"], md.options, {})
    return Rendered(html, tuple(toc), "\n".join(text_parts), tuple(lines), tuple(figures))


def _find_figures(tokens: list[Token], i: int, figures: list[FigureRef], text_before: int) -> None:
    """Record the photos of inline token ``i``; a paragraph of photos alone
    becomes one FIGURE_MARK per photo (the paragraph's tokens are dropped)."""
    inline = tokens[i]
    children = inline.children or []
    images = [c for c in children if c.type == "image"]
    if not images:
        return
    alone = (0 < i < len(tokens) - 1 and tokens[i - 1].type == "paragraph_open"
             and all(c.type in ("image", "softbreak", "hardbreak") or (c.type == "text" and not c.content.strip())
                     for c in children))
    line = inline.map[0] if inline.map else 0
    marks = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            alt = "".join(c.content for c in child.children or ()) or child.content
            figures.append(FigureRef(str(child.attrGet("src") or ""), alt, line, alone, text_before))
            marks.append(FIGURE_MARK.format(len(figures)))
    if alone:
        html_block = Token("html_block", "", 0, content="\n".join(marks) + "\n", map=inline.map)
        tokens[i - 1] = html_block
        tokens[i] = Token("figure_gone", "", 0)
        tokens[i + 1] = Token("figure_gone", "", 0)


def _inline_text(token: Token) -> str:
    if not token.children:
        return token.content
    return "".join(child.content for child in token.children
                   if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                   ).strip()
