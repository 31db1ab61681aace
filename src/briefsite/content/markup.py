"""Markdown body -> safe HTML, table of contents and plain text.

The CommonMark parsing is pyromark's (pulldown-cmark, compiled); the HTML is
written here, so what a bulletin can put on a page is decided here:

- raw HTML is text: parsed as if CommonMark had no raw-HTML rules (a line
  ``<div>`` is a paragraph's text, Markdown inside it still counts), shown
  escaped;
- links and images may only point to http(s), mailto, tel or within the
  site; any other link is not a link at all, its brackets are text;
- headings get stable ids, ``#`` becomes ``<h2>`` (the page's h1 is the
  masthead title), a paragraph of photos alone becomes figure marks.

The output is markdown-it-py's for the same policy (its "commonmark" preset,
``html`` off, tables and strikethrough on), which rendered bodies before:
tests/test_markup_differential.py compares the two on the CommonMark spec,
a generated archive and hostile inputs; docs/format.md lists the few cases
where they differ and why.

pulldown-cmark has no switch to turn raw HTML (or a scheme) off, so the
policy is applied to the source instead: the ``<`` that opens a would-be
HTML tag, or the ``[``/``<`` that opens a refused link, is swapped for a
placeholder character (Unicode punctuation, like the character it stands
for, and absent from the body), and the body is parsed again; the
placeholder turns back into its character in the text. Bodies without HTML
or refused links, nearly all of them, are parsed once.
"""

from __future__ import annotations

import bisect
import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

import mdurl
import pyromark

from .media import FigureRef
from .model import Heading

# Part of what a body renders to, with the library's version (build/cache.py
# keys parsed bodies by briefsite's own code, which holds this line): a new
# pyromark may parse some input differently, so pinning it here makes the
# cache of every earlier build stale when the pin moves.
RENDERER = "pyromark 0.10.3"

_SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|tel:)", re.I)
_ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def _validate_link(url: str) -> bool:
    # Control characters and whitespace can hide a scheme ("java\tscript:").
    cleaned = "".join(ch for ch in url if unicodedata.category(ch)[0] != "C" and not ch.isspace())
    if _SAFE_SCHEME.match(cleaned):
        return True
    return not _ANY_SCHEME.match(cleaned)  # relative links and #fragments


@dataclass(frozen=True)
class Parser:
    """The parser's configuration (pyromark keeps no state between bodies)."""

    # Tables and ~~strikethrough~~; subscript only so that a single ~x~ is
    # told apart from ~~x~~ and can be shown as the text it is.
    options: int = int(pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
                       | pyromark.Options.ENABLE_SUBSCRIPT)
    max_rounds: int = 8  # parses per body at most; see _parse


def make_parser() -> Parser:
    return Parser()


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]
    text: str
    headings_lines: tuple[int, ...]  # body line (0-based) of each toc entry
    figures: tuple[FigureRef, ...] = ()  # every ![alt](target), in order


# Where the n-th photo of the body goes (a paragraph of its own): the page's
# template puts the <figure> there (split_figures). Raw HTML in a bulletin is
# shown as text, so no bulletin can write one of these itself.
FIGURE_MARK = "<!--briefsite:figure:{}-->"
_FIGURE_MARK_RE = re.compile(r"<!--briefsite:figure:(\d+)-->\n?")


def split_figures(html: str) -> list[str | int]:
    """A body's HTML as pieces of HTML and, between them, photo numbers (1-based)."""
    parts: list[str | int] = []
    last = 0
    for match in _FIGURE_MARK_RE.finditer(html):
        parts += [html[last:match.start()], int(match.group(1))]
        last = match.end()
    parts.append(html[last:])
    return [p for p in parts if p != ""]


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


def render(body: str, md: Parser | None = None) -> Rendered:
    md = md or make_parser()
    tokens = _Builder(*_parse(body, md)).build()
    toc: list[Heading] = []
    lines: list[int] = []
    used: dict[str, int] = {}
    text_parts: list[str] = []
    figures: list[FigureRef] = []
    text_length = 0  # of text_parts so far: how far down the text a photo stands
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = _inline_text(tokens[i + 1])
            hid = heading_id(title, used)
            token.attrs["id"] = hid
            if token.tag in ("h2", "h3"):
                toc.append(Heading(level=int(token.tag[1]), text=title, id=hid))
                lines.append(token.line)
            # Headings of the body sit under the page's h1 (the masthead
            # title): # -> h2, so a page never has two h1s.
            if token.tag == "h1":
                token.tag = tokens[i + 2].tag = "h2"
        elif token.type == "inline":
            _find_figures(tokens, i, figures, text_length)
            text_parts.append(_inline_text(token))
            text_length += len(text_parts[-1])
    html = _render_blocks([t for t in tokens if t.type != "figure_gone"])
    return Rendered(html, tuple(toc), "\n".join(text_parts), tuple(lines), tuple(figures))


# -- Parsing under the policy ---------------------------------------------------

# Where raw HTML could begin ("<" then a letter, "/", "!" or "?"), and the
# autolinks, which are not HTML and stay links.
_TAG_START = re.compile(rb"<(?=[A-Za-z/!?])")
_AUTOLINK = re.compile(rb"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\x00-\x20]*"
                       rb"|[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
                       rb"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>")


@dataclass
class _Source:
    text: str  # the body, placeholders in
    data: bytes  # its UTF-8 (pyromark's offsets are byte offsets)
    restore: dict[int, str]  # str.translate table: placeholder -> character
    _newlines: list[int] | None = None

    def line(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer(rb"\n", self.data)]
        return bisect.bisect_left(self._newlines, offset)


def _placeholders(body: str) -> tuple[str, str]:
    """Two characters absent from the body that both parsers count as
    punctuation (like "<" and "[", so emphasis next to them is unchanged)."""
    free = (chr(c) for c in range(0x2A00, 0x2B00) if chr(c) not in body)
    return next(free), next(free)


def _parse(body: str, md: Parser) -> tuple[_Source, list[tuple[Any, dict]]]:
    """The body's events, raw HTML and refused links neutralised (see the
    module's docstring); after ``max_rounds`` parses what is left is made
    safe by the builder instead (text, not links)."""
    source = _Source(body, body.encode("utf-8"), {})
    lt = bracket = ""
    for round in range(md.max_rounds):
        events = list(pyromark.events_with_range(source.text, options=md.options))
        if round == md.max_rounds - 1:
            break
        fixes = _refused(source, events, md)
        if not fixes:
            break
        if not lt:
            lt, bracket = _placeholders(body)
            source.restore = {ord(lt): "<", ord(bracket): "["}
        data = bytearray(source.data)
        for offset in sorted(fixes, reverse=True):
            data[offset:offset + 1] = (lt if data[offset] == ord("<") else bracket).encode("utf-8")
        source = _Source(data.decode("utf-8"), bytes(data), source.restore)
    return source, events


def _refused(source: _Source, events: list[tuple[Any, dict]], md: Parser) -> set[int]:
    """Byte offsets of the "<" and "[" to neutralise: raw HTML, refused links."""
    data = source.data
    fixes: set[int] = set()
    # A destination that began with "<" was markdown-it's <pointy> form
    # (which a placeholder would turn into a plain one): it must still be.
    pointy = next((k for k, v in source.restore.items() if v == "<"), None)
    for event, span in events:
        if not isinstance(event, dict):
            continue
        kind, value = next(iter(event.items()))
        if kind == "InlineHtml" or (kind == "Start" and value == "HtmlBlock"):
            start, end = span["start"], span["end"]
            for match in _TAG_START.finditer(data, start, end):
                if not _AUTOLINK.match(data, match.start()):
                    fixes.add(match.start())
        elif kind == "Start" and isinstance(value, dict) and ("Link" in value or "Image" in value):
            link = value.get("Link") or value["Image"]
            if not _validate_link(_link_href(link)) or _starts_with(link["dest_url"], pointy):
                at = span["start"] + (1 if "Image" in value else 0)
                if data[at:at + 1] in (b"[", b"<"):
                    fixes.add(at)
    if b"]:" in data:  # a reference definition is "[label]: destination"
        for definition in pyromark.reference_definitions(source.text, options=md.options).values():
            at = definition["span"]["start"]
            refused = not _validate_link(normalize_link(definition["dest"])) or _starts_with(definition["dest"], pointy)
            if refused and data[at:at + 1] == b"[":
                fixes.add(at)
    return fixes


def _starts_with(url: str, char: int | None) -> bool:
    return char is not None and url[:1] == chr(char)


def _link_href(link: dict) -> str:
    url = link["dest_url"]
    return normalize_link("mailto:" + url if link["link_type"] == "Email" else url)


# -- Events -> markdown-it's token stream ------------------------------------------
# The HTML is written from tokens shaped like markdown-it's, by the same
# rules, so that it stays the same HTML, byte for byte.

class _Token:
    __slots__ = ("type", "tag", "nesting", "block", "hidden", "attrs", "content", "children", "line")

    def __init__(self, type: str, tag: str = "", nesting: int = 0, *, block: bool = False,
                 content: str = "", line: int = 0) -> None:
        self.type = type
        self.tag = tag
        self.nesting = nesting
        self.block = block
        self.hidden = False
        self.attrs: dict[str, str] = {}
        self.content = content
        self.children: list[_Token] | None = None
        self.line = line  # 0-based body line where the block starts


_ALIGN = {"Left": "left", "Center": "center", "Right": "right"}
_CONTROL_ENTITY = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


class _Builder:
    """pyromark's events as markdown-it's tokens: block tokens in a list,
    inline ones as the children of an ``inline`` token."""

    def __init__(self, source: _Source, events: list[tuple[Any, dict]]) -> None:
        self.source = source
        self.events = events
        self.tokens: list[_Token] = []
        self.blocks: list[str] = []  # open block containers, innermost last
        self.inline: _Token | None = None
        self.hidden_paragraph = False  # the inline is a tight list item's text
        self.children: list[list[_Token]] = []  # inline child lists; images nest
        self.cell = 0
        self.aligns: tuple[str, ...] = ()
        self.in_head = False
        self.body_open = False
        self.raw: list[str] | None = None  # text of an open code or HTML block
        self.code: Any = None
        self.autolink = False
        self.skip = 0  # > 0: inside a refused link or image left after max_rounds

    def build(self) -> list[_Token]:
        for event, span in self.events:
            if self.skip:
                self.skipping(event)
                continue
            if isinstance(event, str):
                self.simple(event, span)
                continue
            kind, value = next(iter(event.items()))
            if kind == "Start":
                self.start(value, span)
            elif kind == "End":
                self.end(value)
            elif self.raw is not None:
                self.raw.append(str(value))
            elif kind == "Text":
                self.text(self.restore(value), span)
            elif kind == "Code":
                self.push_inline(_Token("code_inline", "code", content=self.restore(value)), span)
            else:  # InlineHtml (or anything else) that survived _parse: text
                self.text(self.restore(str(value)), span)
        return self.tokens

    def skipping(self, event: Any) -> None:
        """Inside a refused link or image: count nesting, drop the events."""
        if isinstance(event, dict):
            kind, value = next(iter(event.items()))
            if kind in ("Start", "End") and isinstance(value, (dict, str)):
                name = next(iter(value)) if isinstance(value, dict) else value
                if name in ("Link", "Image"):
                    self.skip += 1 if kind == "Start" else -1

    def refused(self, span: dict) -> None:
        """A link or image _parse could not neutralise within max_rounds: its
        Markdown source, as text (what markdown-it shows for a refused link)."""
        source = self.source.data[span["start"]:span["end"]].decode("utf-8", "replace")
        self.push_inline(_Token("text", content=self.restore(source)), span)
        self.skip = 1

    def restore(self, text: str) -> str:
        return text.translate(self.source.restore) if self.source.restore else text

    def line(self, span: dict) -> int:
        return self.source.line(span["start"])

    # Blocks
    def open_block(self, type: str, tag: str, span: dict) -> _Token:
        self.close_hidden()
        token = _Token(type + "_open", tag, 1, block=True, line=self.line(span))
        self.tokens.append(token)
        self.blocks.append(type)
        return token

    def close_block(self, type: str, tag: str) -> None:
        self.close_hidden()
        self.blocks.pop()
        self.tokens.append(_Token(type + "_close", tag, -1, block=True))

    def open_inline(self, span: dict) -> None:
        self.inline = _Token("inline", line=self.line(span))
        self.inline.children = []
        self.children = [self.inline.children]
        self.tokens.append(self.inline)

    def close_hidden(self) -> None:
        """End a tight list item's text (a paragraph markdown-it keeps hidden)."""
        if self.hidden_paragraph:
            self.hidden_paragraph = False
            self.inline = None
            self.tokens.append(_hidden(_Token("paragraph_close", "p", -1, block=True)))

    def push_inline(self, token: _Token, span: dict) -> None:
        if self.inline is None:  # text straight in a list item: a tight list
            self.tokens.append(_hidden(_Token("paragraph_open", "p", 1, block=True, line=self.line(span))))
            self.hidden_paragraph = True
            self.open_inline(span)
        self.children[-1].append(token)

    def simple(self, event: str, span: dict) -> None:
        if event == "Rule":
            self.close_hidden()
            self.tokens.append(_Token("hr", "hr", 0, block=True, line=self.line(span)))
        elif event == "SoftBreak":
            self.push_inline(_Token("softbreak", "br"), span)
        elif event == "HardBreak":
            self.push_inline(_Token("hardbreak", "br"), span)

    def start(self, value: Any, span: dict) -> None:
        if isinstance(value, dict):
            (name, detail), = value.items()
        else:
            name, detail = value, None
        if name == "Paragraph":
            self.open_block("paragraph", "p", span)
            self.open_inline(span)
        elif name == "Heading":
            self.open_block("heading", "h" + detail["level"][1], span)
            self.open_inline(span)
        elif name == "BlockQuote":
            self.open_block("blockquote", "blockquote", span)
        elif name == "List":
            token = self.open_block("bullet_list" if detail is None else "ordered_list",
                                    "ul" if detail is None else "ol", span)
            if detail is not None and detail != 1:
                token.attrs["start"] = str(detail)
        elif name == "Item":
            self.open_block("list_item", "li", span)
        elif name in ("CodeBlock", "HtmlBlock"):
            self.close_hidden()
            self.raw, self.code = [], (detail, self.line(span))
            if name == "HtmlBlock":
                self.code = ("html", self.line(span))
        elif name == "Table":
            self.open_block("table", "table", span)
            self.aligns, self.body_open = detail, False
        elif name == "TableHead":
            self.in_head = True
            self.open_block("thead", "thead", span)
            self.open_block("tr", "tr", span)
            self.cell = 0
        elif name == "TableRow":
            if not self.body_open:
                self.open_block("tbody", "tbody", span)
                self.body_open = True
            self.open_block("tr", "tr", span)
            self.cell = 0
        elif name == "TableCell":
            tag = "th" if self.in_head else "td"
            token = self.open_block(tag, tag, span)
            align = _ALIGN.get(self.aligns[self.cell]) if self.cell < len(self.aligns) else None
            if align:
                token.attrs["style"] = f"text-align:{align}"
            self.cell += 1
            self.open_inline(span)
        else:
            self.start_inline(name, detail, span)

    def start_inline(self, name: str, detail: Any, span: dict) -> None:
        if name in ("Emphasis", "Strong", "Strikethrough"):
            tag = {"Emphasis": "em", "Strong": "strong", "Strikethrough": "s"}[name]
            self.push_inline(_Token(tag + "_open", tag, 1), span)
        elif name == "Subscript":  # a single ~: markdown-it's strikethrough needs two
            self.push_inline(_Token("text", content="~"), span)
        elif name == "Link":
            href = _link_href(detail)
            if not _validate_link(href):
                self.refused(span)
                return
            token = _Token("link_open", "a", 1)
            token.attrs["href"] = href
            if detail["title"]:
                token.attrs["title"] = self.restore(detail["title"])
            self.push_inline(token, span)
            self.autolink = detail["link_type"] in ("Autolink", "Email")
        elif name == "Image":
            href = _link_href(detail)
            token = _Token("image", "img", 0)
            if _validate_link(href):
                token.attrs["src"] = href
                token.attrs["alt"] = ""
                if detail["title"]:
                    token.attrs["title"] = self.restore(detail["title"])
                token.children = []
                self.push_inline(token, span)
                self.children.append(token.children)
            else:
                self.refused(span)

    def end(self, value: Any) -> None:
        name = next(iter(value)) if isinstance(value, dict) else value
        if name in ("Paragraph", "Heading"):
            self.inline = None
            self.close_block("paragraph" if name == "Paragraph" else "heading", self.tokens_tag(name))
        elif name == "BlockQuote":
            self.close_block("blockquote", "blockquote")
        elif name == "List":
            ordered = self.blocks[-1] == "ordered_list"
            self.close_block("ordered_list" if ordered else "bullet_list", "ol" if ordered else "ul")
        elif name == "Item":
            self.close_block("list_item", "li")
        elif name in ("CodeBlock", "HtmlBlock"):
            self.end_raw()
        elif name == "Table":
            if self.body_open:
                self.close_block("tbody", "tbody")
            self.close_block("table", "table")
        elif name == "TableHead":
            self.close_block("tr", "tr")
            self.close_block("thead", "thead")
            self.in_head = False
        elif name == "TableRow":
            self.close_block("tr", "tr")
        elif name == "TableCell":
            self.inline = None
            tag = "th" if self.in_head else "td"
            self.close_block(tag, tag)
        elif name in ("Emphasis", "Strong", "Strikethrough"):
            tag = {"Emphasis": "em", "Strong": "strong", "Strikethrough": "s"}[name]
            self.children[-1].append(_Token(tag + "_close", tag, -1))
        elif name == "Subscript":
            self.children[-1].append(_Token("text", content="~"))
        elif name == "Link":
            self.autolink = False
            self.children[-1].append(_Token("link_close", "a", -1))
        elif name == "Image":
            children = self.children.pop()
            image = self.children[-1][-1] if self.children and self.children[-1] else None
            if image is not None and image.type == "image" and image.children is children:
                image.content = _inline_as_text(children)  # as markdown-it's (for figure alts)

    def tokens_tag(self, name: str) -> str:
        if name == "Paragraph":
            return "p"
        opening = next(t for t in reversed(self.tokens) if t.type == "heading_open")
        return opening.tag

    def end_raw(self) -> None:
        raw, (kind, line) = self.restore("".join(self.raw or ())), self.code
        self.raw = self.code = None
        if kind == "html":  # only when _parse gave up: the block as a paragraph of text
            token = _Token("paragraph_open", "p", 1, block=True, line=line)
            inline = _Token("inline", line=line, content=raw.strip())
            inline.children = [_Token("text", content=raw.strip())]
            self.tokens += [token, inline, _Token("paragraph_close", "p", -1, block=True)]
        elif isinstance(kind, dict):  # {"Fenced": info}
            token = _Token("fence", "code", 0, block=True, content=raw, line=line)
            token.attrs["info"] = self.restore(kind["Fenced"])
            self.tokens.append(token)
        else:  # markdown-it ends an indented block's last line, even at the end of the body
            content = raw if raw.endswith("\n") else raw + "\n"
            self.tokens.append(_Token("code_block", "code", 0, block=True, content=content, line=line))

    def text(self, text: str, span: dict) -> None:
        if _CONTROL_ENTITY.search(text) and self.source.data[span["start"]:span["start"] + 2] == b"&#":
            text = "\ufffd"  # a numeric reference to a control character, as markdown-it does
        if self.autolink:
            text = normalize_link_text(text)
        self.push_inline(_Token("text", content=text), span)


def _hidden(token: _Token) -> _Token:
    token.hidden = True
    return token


# -- Photos and plain text --------------------------------------------------------

def _find_figures(tokens: list[_Token], i: int, figures: list[FigureRef], text_before: int) -> None:
    """Record the photos of inline token ``i``; a paragraph of photos alone
    becomes one FIGURE_MARK per photo (the paragraph's tokens are dropped)."""
    inline = tokens[i]
    children = inline.children or []
    if not any(c.type == "image" for c in children):
        return
    alone = (0 < i < len(tokens) - 1 and tokens[i - 1].type == "paragraph_open"
             and all(c.type in ("image", "softbreak", "hardbreak") or (c.type == "text" and not c.content.strip())
                     for c in children))
    line = inline.line
    marks = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            alt = "".join(c.content for c in child.children or ()) or child.content
            figures.append(FigureRef(child.attrs.get("src", ""), alt, line, alone, text_before))
            marks.append(FIGURE_MARK.format(len(figures)))
    if alone:
        html_block = _Token("html_block", block=True, content="\n".join(marks) + "\n", line=inline.line)
        tokens[i - 1] = html_block
        tokens[i] = _Token("figure_gone")
        tokens[i + 1] = _Token("figure_gone")


def _inline_text(token: _Token) -> str:
    if not token.children:
        return token.content
    return "".join(child.content for child in token.children
                   if child.type in ("text", "code_inline", "softbreak", "hardbreak")
                   ).strip()


# -- HTML, by markdown-it's renderer rules (commonmark preset: xhtmlOut) ------------

def _escape(text: str) -> str:
    if not any(c in text for c in '&<>"'):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# CommonMark's whitespace, as markdown-it trims and splits a fence's info string.
_MD_TRIM = "".join(chr(c) for c in sorted({0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F,
                                              0x205F, 0x3000, 0x2028, 0x2029} | set(range(0x2000, 0x200B))))
_MD_SPLIT = re.compile("[" + re.escape(_MD_TRIM) + "]+")


def _render_blocks(tokens: list[_Token]) -> str:
    out: list[str] = []
    for idx, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            out.append(_render_inline(token.children or []))
        elif kind == "code_block":
            out.append("<pre><code>" + _escape(token.content) + "</code></pre>\n")
        elif kind == "fence":
            info = token.attrs["info"].strip(_MD_TRIM)
            lang = f' class="language-{_escape(_MD_SPLIT.split(info, maxsplit=1)[0])}"' if info else ""
            out.append(f"<pre><code{lang}>" + _escape(token.content) + "</code></pre>\n")
        elif kind == "html_block":
            out.append(token.content)
        else:
            out.append(_render_token(tokens, idx))
    return "".join(out)


def _render_inline(children: Iterable[_Token]) -> str:
    out: list[str] = []
    for token in children:
        kind = token.type
        if kind == "text":
            out.append(_escape(token.content))
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("<br />\n")
        elif kind == "code_inline":
            out.append("<code>" + _escape(token.content) + "</code>")
        elif kind == "image":
            token.attrs["alt"] = _inline_as_text(token.children or [])
            out.append("<img" + _attrs(token) + " />")
        else:
            out.append(("</" if token.nesting == -1 else "<") + token.tag + _attrs(token) + ">")
    return "".join(out)


def _inline_as_text(children: Iterable[_Token]) -> str:
    out: list[str] = []
    for token in children:
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type == "image":
            out.append(_inline_as_text(token.children or []))
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def _attrs(token: _Token) -> str:
    return "".join(f' {_escape(k)}="{_escape(v)}"' for k, v in token.attrs.items())


def _render_token(tokens: list[_Token], idx: int) -> str:
    """markdown-it's Renderer.renderToken."""
    token = tokens[idx]
    if token.hidden:
        return ""
    result = "\n" if token.block and token.nesting != -1 and idx and tokens[idx - 1].hidden else ""
    result += ("</" if token.nesting == -1 else "<") + token.tag + _attrs(token)
    if token.nesting == 0:
        result += " /"
    need_lf = token.block
    if token.block and token.nesting == 1 and idx + 1 < len(tokens):
        following = tokens[idx + 1]
        if following.type == "inline" or following.hidden:
            need_lf = False
        elif following.nesting == -1 and following.tag == token.tag:
            need_lf = False
    return result + (">\n" if need_lf else ">")


# -- Link destinations, as markdown-it normalises them ------------------------------
# (markdown_it/common/normalize_url.py and _punycode.py, MIT: hostnames of
# http(s) and mailto links to punycode, the rest percent-encoded by mdurl.)

_RECODE_HOSTNAME_FOR = ("http:", "https:", "mailto:")
_LABEL_SEPARATORS = re.compile(r"[\x2E\u3002\uFF0E\uFF61]")
_NON_ASCII = re.compile(r"[^\0-\x7E]")


def _map_domain(domain: str, label_map: Any) -> str:
    parts = domain.split("@")
    prefix = ""
    if len(parts) > 1:  # an e-mail address: only its domain
        prefix, domain = parts[0] + "@", parts[1]
    return prefix + ".".join(label_map(label) for label in _LABEL_SEPARATORS.split(domain))


def _to_ascii(label: str) -> str:
    return "xn--" + codecs.encode(label, "punycode").decode() if _NON_ASCII.search(label) else label


def _to_unicode(label: str) -> str:
    return codecs.decode(label[4:].lower(), "punycode") if label.startswith("xn--") else label


def normalize_link(url: str) -> str:
    """A link destination as markdown-it writes it into ``href``."""
    parsed = mdurl.parse(url, slashes_denote_host=True)
    if parsed.hostname and (not parsed.protocol or parsed.protocol in _RECODE_HOSTNAME_FOR):
        try:
            parsed = parsed._replace(hostname=_map_domain(parsed.hostname, _to_ascii))
        except Exception:  # noqa: BLE001 - as markdown-it: a host punycode cannot take stays as it is
            pass
    if not parsed.hostname or ":" not in parsed.hostname:
        return mdurl.encode(mdurl.format(parsed))
    return mdurl.format(parsed._replace(
        protocol=parsed.protocol and mdurl.encode(parsed.protocol),
        auth=parsed.auth and mdurl.encode(parsed.auth),
        hostname=mdurl.encode(parsed.hostname),
        pathname=parsed.pathname and mdurl.encode(parsed.pathname),
        search=parsed.search and mdurl.encode(parsed.search),
        hash=parsed.hash and mdurl.encode(parsed.hash),
    ))


def normalize_link_text(url: str) -> str:
    """An autolink's shown text as markdown-it writes it."""
    parsed = mdurl.parse(url, slashes_denote_host=True)
    if parsed.hostname and (not parsed.protocol or parsed.protocol in _RECODE_HOSTNAME_FOR):
        try:
            parsed = parsed._replace(hostname=_map_domain(parsed.hostname, _to_unicode))
        except Exception:  # noqa: BLE001 - as above
            pass
    return mdurl.decode(mdurl.format(parsed), mdurl.DECODE_DEFAULT_CHARS + "%")
