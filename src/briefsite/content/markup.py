"""Markdown body -> safe HTML, table of contents and plain text.

Raw HTML in a bulletin is shown as text (markdown-it's ``html`` option off),
and links may only point to http(s), mailto, tel or within the site: a
bulletin's content can never run code in a reader's browser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .model import Heading

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


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]
    text: str
    headings_lines: tuple[int, ...]  # body line (0-based) of each toc entry


def heading_id(text: str, used: dict[str, int]) -> str:
    """A stable fragment id from the heading text, unique within the page.

    Letters of any script are kept (HTML5 ids may be Chinese), so links to a
    headline survive edits elsewhere in the bulletin. ``used`` maps each id
    given so far to the last suffix tried for it as a base, so the k-th
    "标题" costs O(1), not O(k) (100,000 equal headlines stay linear).
    """
    base = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_").lower()[:60] or "section"
    candidate, n = base, used.get(base, 1)
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    if n > 1:
        used[base] = n
    used[candidate] = 1
    return candidate


def render(body: str, md: MarkdownIt | None = None) -> Rendered:
    md = md or make_parser()
    tokens = md.parse(body)
    toc: list[Heading] = []
    lines: list[int] = []
    used: dict[str, int] = {}
    text_parts: list[str] = []
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
            text_parts.append(_inline_text(token))
    # Headings of the body sit under the page's h1 (the masthead title):
    # shift # -> h2 so a page never has two h1s.
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html, tuple(toc), "\n".join(text_parts), tuple(lines))


def _inline_text(token: Token) -> str:
    if not token.children:
        return token.content
    return "".join(child.content for child in token.children
                   if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                   ).strip()
