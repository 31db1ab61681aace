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

import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

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


_NON_WORD = re.compile(r"[^\w]+")


def heading_id(text: str, used: dict[str, int]) -> str:
    """A stable fragment id from the heading text, unique within the page.

    Letters of any script are kept (HTML5 ids may be Chinese), so links to a
    headline survive edits elsewhere in the bulletin. ``used`` maps each id
    given so far to the last suffix tried for it as a base, so the k-th
    "标题" costs O(1), not O(k) (100,000 equal headlines stay linear).
    """
    base = _NON_WORD.sub("-", text).strip("-_").lower()[:60] or "section"
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
    source, events = _parse(body, md)
    return _Writer(source).write(events)


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
    _at: int = 0  # the last offset asked for, and its line
    _line: int = 0
    references: bool = False  # holds "&#": a numeric character reference may be a control

    def __post_init__(self) -> None:
        self.references = b"&#" in self.data

    def line(self, offset: int) -> int:
        """The 0-based line of a byte offset; offsets are asked for in
        document order, so lines are counted on from the last one."""
        if offset < self._at:
            self._at = self._line = 0
        self._line += self.data.count(b"\n", self._at, offset)
        self._at = offset
        return self._line


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
    if b"[" not in data and b"<" not in data:
        return fixes  # no link, photo or tag: most bulletins (their brackets are 【】)
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


# -- Events -> HTML, text, contents and photos ----------------------------------------
# One pass over the events writes the HTML by markdown-it's renderer rules
# (its "commonmark" preset: xhtmlOut), so that it stays the same HTML, byte
# for byte: a block's opening tag is followed by a line break unless text or
# its own closing tag follows; a tight list item's text is a paragraph
# without tags ("hidden"), after which an opening tag starts on a new line.

_ALIGN = {"Left": ' style="text-align:left"', "Center": ' style="text-align:center"',
          "Right": ' style="text-align:right"'}
_CONTAINERS = {"BlockQuote": "blockquote", "Item": "li", "TableHead": "thead", "TableRow": "tr"}
_INLINE_TAGS = {"Emphasis": "em", "Strong": "strong", "Strikethrough": "s"}
_CONTROL_ENTITY = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# CommonMark's whitespace, as markdown-it trims and splits a fence's info string.
_MD_TRIM = "".join(chr(c) for c in sorted({0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F,
                                              0x205F, 0x3000, 0x2028, 0x2029} | set(range(0x2000, 0x200B))))
_MD_SPLIT = re.compile("[" + re.escape(_MD_TRIM) + "]+")


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or '"' in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text


class _Inline:
    """The text of one paragraph, heading, table cell or tight list item, as
    it is written: its HTML, its plain text and its photos."""

    __slots__ = ("html", "text", "offset", "breaks", "images", "only_images")

    def __init__(self, offset: int) -> None:
        self.html: list[str] = []
        self.text: list[str] = []  # text and code, not the photos' descriptions
        self.offset = offset  # where it starts in the body (bytes): its line when needed
        self.breaks = 0  # line breaks so far (a photo's line)
        self.images: list[tuple[str, str, int]] = []  # (src, alt, line breaks before it)
        self.only_images = True  # photos, line breaks and spaces alone


class _Writer:
    def __init__(self, source: _Source) -> None:
        self.source = source
        self.out: list[str] = []
        self.pending: str | None = None  # a block tag whose line break waits on what follows
        self.after_hidden = False  # the last block written was a tight list item's text
        self.inline: _Inline | None = None
        self.hidden = False  # self.inline is a tight list item's text
        self.toc: list[Heading] = []
        self.lines: list[int] = []
        self.used: dict[str, int] = {}
        self.text_parts: list[str] = []
        self.text_length = 0
        self.figures: list[FigureRef] = []
        # Inside a photo: its src, title, alt so far, alt of the figure, nesting.
        self.images: list[list[Any]] = []
        self.lists: list[str] = []
        self.cells: list[str] = []
        self.cell = 0
        self.in_head = False
        self.body_open = False
        self.raw: list[str] | None = None  # an open code block's text
        self.code: Any = None
        self.autolink = False
        self.skip = 0  # > 0: inside a refused link or photo left after max_rounds
        self.heading = ""

    def write(self, events: list[tuple[Any, dict]]) -> Rendered:
        for event, span in events:
            if self.skip:
                self.skipping(event)
            elif type(event) is str:
                if event == "SoftBreak":
                    self.inline_break("\n", span)
                elif event == "HardBreak":
                    self.inline_break("<br />\n", span)
                elif event == "Rule":
                    self.end_hidden()
                    self.open_tag("<hr />\n", "hr")
                    self.pending = None
            else:
                (kind, value), = event.items()
                if kind == "Text":
                    inline = self.inline
                    if self.raw is not None:
                        self.raw.append(value)
                    elif (inline is not None and not self.images and not self.autolink
                          and not self.source.restore and not self.source.references):
                        # Plain text in a paragraph (most of a body): as push() does.
                        inline.html.append(_escape(value))
                        inline.text.append(value)
                        if inline.only_images and value.strip():
                            inline.only_images = False
                    else:
                        self.text(value, span)
                elif kind == "Start":
                    if value == "Paragraph":
                        self.end_hidden()
                        self.inline = _Inline(span["start"])
                    else:
                        self.start(value, span)
                elif kind == "End":
                    if value == "Paragraph":
                        self.end_inline("p", hidden=False)
                    else:
                        self.end(value)
                elif kind == "Code":
                    code = self.restore(value)
                    self.push("<code>" + _escape(code) + "</code>", code, span)
                elif self.raw is not None:
                    self.raw.append(value)
                else:  # InlineHtml, Html that survived _parse: text
                    self.text(str(value), span)
        return Rendered("".join(self.out), tuple(self.toc), "\n".join(self.text_parts), tuple(self.lines),
                        tuple(self.figures))

    # Writing blocks
    def emit(self, html: str, kind: str, tag: str = "") -> None:
        """Write ``html`` of a block token; ``kind``: open, close, inline, hidden or raw."""
        if self.pending is not None:
            if not (kind in ("inline", "hidden") or (kind == "close" and tag == self.pending)):
                self.out.append("\n")
            self.pending = None
        if self.after_hidden and kind == "open":
            self.out.append("\n")
        self.after_hidden = kind == "hidden"
        self.out.append(html)

    def open_tag(self, html: str, tag: str) -> None:
        self.emit(html, "open", tag)
        self.pending = tag

    def close_tag(self, tag: str) -> None:
        self.end_hidden()
        self.emit(f"</{tag}>\n", "close", tag)

    def restore(self, text: str) -> str:
        return text.translate(self.source.restore) if self.source.restore else text

    def start(self, value: Any, span: dict) -> None:
        if isinstance(value, dict):
            (name, detail), = value.items()
        else:
            name, detail = value, None
        if name == "Paragraph":
            self.end_hidden()
            self.inline = _Inline(span["start"])
        elif name in _INLINE_TAGS:
            self.push(f"<{_INLINE_TAGS[name]}>", "", span, plain=False)
        elif name == "Link":
            self.start_link(detail, span)
        elif name == "Image":
            self.start_image(detail, span)
        elif name == "Subscript":  # a single ~: markdown-it's strikethrough needs two
            self.push("~", "~", span, plain=False)
        elif name == "Heading":
            self.end_hidden()
            self.heading = "h" + detail["level"][1]
            self.inline = _Inline(span["start"])
        elif name == "TableCell":
            tag = "th" if self.in_head else "td"
            align = self.cells[self.cell] if self.cell < len(self.cells) else ""
            self.emit(f"<{tag}{align}>", "open", tag)
            self.cell += 1
            self.inline = _Inline(span["start"])
        elif name in _CONTAINERS:
            self.end_hidden()
            if name == "TableRow" and not self.body_open:
                self.open_tag("<tbody>", "tbody")
                self.body_open = True
            tag = _CONTAINERS[name]
            self.open_tag(f"<{tag}>", tag)
            if name == "TableHead":
                self.in_head = True
                self.open_tag("<tr>", "tr")
            self.cell = 0
        elif name == "List":
            self.end_hidden()
            tag = "ul" if detail is None else "ol"
            self.lists.append(tag)
            self.open_tag(f'<ol start="{detail}">' if detail not in (None, 1) else f"<{tag}>", tag)
        elif name == "Table":
            self.end_hidden()
            self.cells = [_ALIGN.get(align, "") for align in detail]
            self.body_open = False
            self.open_tag("<table>", "table")
        elif name in ("CodeBlock", "HtmlBlock"):
            self.end_hidden()
            self.raw, self.code = [], detail if name == "CodeBlock" else "html"

    def end(self, value: Any) -> None:
        name = next(iter(value)) if isinstance(value, dict) else value
        if name == "Paragraph":
            self.end_inline("p", hidden=False)
        elif name in _INLINE_TAGS:
            self.push(f"</{_INLINE_TAGS[name]}>", "", None, plain=False)
        elif name == "Link":
            self.autolink = False
            self.push("</a>", "", None, plain=False)
        elif name == "Image":
            self.end_image()
        elif name == "Subscript":
            self.push("~", "~", None, plain=False)
        elif name == "Heading":
            self.end_inline(self.heading, hidden=False)
        elif name == "TableCell":
            inline, self.inline = self.inline, None
            assert inline is not None
            self.collect(inline)
            tag = "th" if self.in_head else "td"
            self.out.append("".join(inline.html) + f"</{tag}>\n")
        elif name in _CONTAINERS:
            if name == "TableHead":
                self.close_tag("tr")
                self.in_head = False
            self.close_tag(_CONTAINERS[name])
        elif name == "List":
            self.close_tag(self.lists.pop())
        elif name == "Table":
            if self.body_open:
                self.close_tag("tbody")
            self.close_tag("table")
        elif name in ("CodeBlock", "HtmlBlock"):
            self.end_raw()

    def end_hidden(self) -> None:
        if self.hidden:
            self.end_inline("p", hidden=True)

    def end_raw(self) -> None:
        raw, kind = self.restore("".join(self.raw or ())), self.code
        self.raw = self.code = None
        if kind == "html":  # only when _parse gave up: the block as a paragraph of text
            self.emit("<p>" + _escape(raw.strip()) + "</p>\n", "open", "p")
            self.text_parts.append(raw.strip())
            self.text_length += len(self.text_parts[-1])
            return
        if isinstance(kind, dict):  # {"Fenced": info}
            info = self.restore(kind["Fenced"]).strip(_MD_TRIM)
            lang = f' class="language-{_escape(_MD_SPLIT.split(info, maxsplit=1)[0])}"' if info else ""
        else:  # markdown-it ends an indented block's last line, even at the end of the body
            lang = ""
            raw = raw if raw.endswith("\n") else raw + "\n"
        self.emit(f"<pre><code{lang}>" + _escape(raw) + "</code></pre>\n", "raw")

    # Writing text
    def push(self, html: str, text: str, span: dict | None, *, plain: bool = True) -> None:
        """Add to the open inline; ``text``: its plain text; ``plain``: a
        piece of text (not markup) that may stand beside photos alone."""
        if self.images:  # inside a photo's description: its alt text only
            image = self.images[-1]
            image[2].append(text)
            image[3].append(text)
            return
        inline = self.inline
        if inline is None:  # text straight in a list item: a tight list
            assert span is not None
            inline = self.inline = _Inline(span["start"])
            self.hidden = True
        inline.html.append(html)
        if text:
            inline.text.append(text)
        if inline.only_images and not (plain and not text.strip()):
            inline.only_images = False

    def text(self, value: str, span: dict) -> None:
        text = self.restore(value)
        if self.source.references and _CONTROL_ENTITY.search(text) and self.source.data[span["start"]:span["start"] + 2] == b"&#":
            text = "\ufffd"  # a numeric reference to a control character, as markdown-it does
        if self.autolink:
            text = normalize_link_text(text)
        self.push(_escape(text), text, span)

    def inline_break(self, html: str, span: dict) -> None:
        if self.images:
            self.images[-1][2].append("\n")
            return
        self.push(html, "", span)
        assert self.inline is not None
        self.inline.breaks += 1

    def start_link(self, detail: dict, span: dict) -> None:
        href = _link_href(detail)
        if not _validate_link(href):
            self.refused(span)
            return
        title = f' title="{_escape(self.restore(detail["title"]))}"' if detail["title"] else ""
        self.push(f'<a href="{_escape(href)}"{title}>', "", span, plain=False)
        self.autolink = detail["link_type"] in ("Autolink", "Email")

    def start_image(self, detail: dict, span: dict) -> None:
        href = _link_href(detail)
        if not _validate_link(href):
            self.refused(span)
            return
        if not self.images and self.inline is None:
            self.push("", "", span)  # opens a tight list item's text
        # src, title, alt text (breaks as "\n"), the figure's alt (without breaks)
        self.images.append([href, self.restore(detail["title"]), [], []])

    def end_image(self) -> None:
        src, title, alt, figure_alt = self.images.pop()
        alt_text = "".join(alt)
        if self.images:  # a photo in a photo's description: its text only
            self.images[-1][2].append(alt_text)
            self.images[-1][3].append(alt_text)
            return
        inline = self.inline
        assert inline is not None
        title_attr = f' title="{_escape(title)}"' if title else ""
        inline.html.append(f'<img src="{_escape(src)}" alt="{_escape(alt_text)}"{title_attr} />')
        inline.images.append((src, "".join(figure_alt) or alt_text, inline.breaks))

    def refused(self, span: dict) -> None:
        """A link or photo _parse could not neutralise within max_rounds: its
        Markdown source, as text (what markdown-it shows for a refused link)."""
        text = self.restore(self.source.data[span["start"]:span["end"]].decode("utf-8", "replace"))
        self.push(_escape(text), text, span)
        self.skip = 1

    def skipping(self, event: Any) -> None:
        """Inside a refused link or photo: count nesting, drop the events."""
        if isinstance(event, dict):
            for kind, value in event.items():
                if kind in ("Start", "End"):
                    name = next(iter(value)) if isinstance(value, dict) else value
                    if name in ("Link", "Image"):
                        self.skip += 1 if kind == "Start" else -1

    def end_inline(self, tag: str, *, hidden: bool) -> None:
        """Write a paragraph, heading or tight list item's text."""
        inline, self.inline = self.inline, None
        self.hidden = False
        assert inline is not None
        title = self.collect(inline, paragraph=tag == "p")
        if inline.images and inline.only_images and tag == "p":
            marks = "\n".join(FIGURE_MARK.format(n) for n in range(len(self.figures) - len(inline.images) + 1,
                                                                    len(self.figures) + 1))
            self.emit(marks + "\n", "raw")
            return
        html = "".join(inline.html)
        if hidden:
            self.emit(html, "hidden")
        elif tag == "p":
            self.emit("<p>", "open", "p")
            self.out.append(html + "</p>\n")
        else:
            hid = heading_id(title, self.used)
            if tag in ("h2", "h3"):
                self.toc.append(Heading(level=int(tag[1]), text=title, id=hid))
                self.lines.append(self.source.line(inline.offset))
            # Headings of the body sit under the page's h1 (the masthead
            # title): # -> h2, so a page never has two h1s.
            tag = "h2" if tag == "h1" else tag
            self.emit(f'<{tag} id="{_escape(hid)}">', "open", tag)
            self.out.append(html + f"</{tag}>\n")

    def collect(self, inline: _Inline, paragraph: bool = False) -> str:
        """The inline's plain text (returned) and photos, recorded in order;
        photos alone in a paragraph become its figures (not in a heading or cell)."""
        text = "".join(inline.text).strip()
        alone = paragraph and inline.only_images
        for src, alt, breaks in inline.images:
            line = self.source.line(inline.offset) + breaks
            self.figures.append(FigureRef(src, alt, line, alone, self.text_length))
        self.text_parts.append(text)
        self.text_length += len(text)
        return text


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
