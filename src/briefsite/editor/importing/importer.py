"""``briefsite import``: raw text copied out of a bulletin's PDF or Word file -> a bulletin file.

The text arrives as extraction leaves it: the masthead at the top, a 导读
list, sentences and names cut by line breaks and blank lines ("朱\\n\\n洪武"),
page numbers and running heads between pages, the 版记 (报/送/发, 印发, 文号,
contact) at the end. ``convert`` turns it into front-matter facts and a
Markdown body and never loses text: every non-whitespace character of the
input lands in the output, except the furniture it names and records in
``Imported.dropped`` (page numbers, running heads, the 导读 list, the labels
and separators of the masthead and 版记 whose facts became front-matter).
What it cannot find it reports in ``Imported.notes``; a required fact it
cannot find becomes a ``null`` placeholder that ``briefsite check`` rejects.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import yaml

from briefsite.content.config import KNOWN_CITY_SLUGS, Config
from briefsite.content.dates import find_dates
from briefsite.errors import BriefsiteError
from .closing import read_closing
from .masthead import Masthead, Piece, read_masthead
from .places import AmbiguousPlace, Placed, find_city
from briefsite.content.model import Bulletin
from .textshape import (MARKER_RE, balanced, display_width, ends_sentence, fills_line,
                        has_sentence_punct, join_broken, nonspace, tidy)

MAX_INPUT = 5 * 1024 * 1024  # bytes; a bulletin's text is some kilobytes

# Page furniture, each as a whole line: "— 3 —", "- 2 -", "第 3 页", "第3页 共5页",
# "3/5", a bare page number, and rules drawn with dashes or underscores.
PAGE_NUMBER_RES = (
    re.compile(r"^[—–\-－─~～·•]+\s*\d{1,4}\s*[—–\-－─~～·•]+$"),
    re.compile(r"^第\s*\d{1,4}\s*页(?:\s*(?:[,，/]\s*)?共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^\d{1,3}$"),
)
RULE_RE = re.compile(r"^[—–\-－─━_＿=＝]{3,}$")
GUIDE_RE = re.compile(r"^【?\s*(?:本期\s*)?导\s*读\s*】?$")
GUIDE_BULLET_RE = re.compile(r"^(?:[-*•·★☆▲△●○◆◇■□]+\s*|\d{1,2}\s*[.、．)]\s*|[一二三四五六七八九十]+\s*、\s*)+")
MAX_HEADLINE = 45  # characters; a longer line is a paragraph
# Front-matter order, as in docs/format.md and the hand-made seeds.
KEY_ORDER = ("title", "issue", "total_issue", "date", "issuer", "city", "recipients",
             "doc_number", "printed", "contact", "draft")
# What each required fact is, for the placeholder comment and the message.
REQUIRED_WHAT = {
    "title": "the 简报 name printed on the masthead",
    "date": "the issue date printed on the masthead (YYYY-MM-DD)",
    "issuer": "the body that issues the bulletin, printed under the title",
}
# A paragraph never begins with these: a line starting so after a sentence's
# end continues it across a page break ("…再行生产。\n\n并与投诉人…").
CONTINUES = ("并", "以及", "的")


@dataclass(frozen=True)
class Note:
    """A fact the import could not find or only inferred: for the editor to check."""

    key: str | None  # the front-matter key concerned, for the line number
    message: str
    hint: str = ""


@dataclass
class Imported:
    facts: dict[str, object]  # front-matter values in KEY_ORDER; None = placeholder
    comments: dict[str, str]  # key -> YAML comment ("inferred: …" / "FILL IN: …")
    body: str
    notes: list[Note] = field(default_factory=list)
    dropped: list[Piece] = field(default_factory=list)
    headings: int = 0
    paragraphs: int = 0
    city_how: str = ""  # how the city was found, for the summary: "由发文单位中的 岳麓区 推定为 长沙市"

    @property
    def missing(self) -> list[str]:
        return [key for key in ("title", "date", "issuer", "city") if self.facts.get(key) is None]

    def file_name(self) -> str:
        """2024-05-10-1.md (date and issue), 2024-05-10.md, undated.md until a date is known."""
        date = self.facts.get("date")
        stem = date.isoformat() if isinstance(date, dt.date) else "undated"
        issue = self.facts.get("issue")
        return f"{stem}-{issue}.md" if issue else f"{stem}.md"

    def render(self) -> tuple[str, dict[str, int]]:
        """The bulletin file's text, and the file line of each front-matter key."""
        front, lines = render_front_matter(self.facts, self.comments)
        return front + "\n" + self.body + "\n", lines


def render_front_matter(facts: dict[str, object], comments: dict[str, str]) -> tuple[str, dict[str, int]]:
    """``---``-fenced YAML of ``facts`` in the documented key order, with comments.

    Written by hand rather than by yaml.dump so that keys keep their order,
    Chinese stays readable, and a comment can sit on a key's line.
    """
    out = ["---"]
    lines: dict[str, int] = {}
    for key in KEY_ORDER:
        if key not in facts:
            continue
        value = facts[key]
        lines[key] = len(out) + 1
        if key == "recipients":
            out.append("recipients:")
            for group, names in value.items():  # type: ignore[union-attr]
                note = comments.get(f"recipients.{group}")  # 印作 主送: the label printed
                out.append(f"  {group}:" + (f"  # {note}" if note else ""))
                out.extend(f"    - {_scalar(name)}" for name in names)
            continue
        line = f"{key}: {_scalar(value)}"
        if key in comments:
            line += f"  # {comments[key]}"
        out.append(line)
    out.append("---")
    return "\n".join(out) + "\n", lines


@dataclass(frozen=True)
class _Line:
    no: int  # 1-based line of the input
    text: str  # stripped of surrounding whitespace (incl. U+3000 indents)
    blank_before: bool


def decode_raw(data: bytes, path: str) -> str:
    """Text of a raw file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (GBK)."""
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BriefsiteError(path, 0, "this is a PDF or Word file, not text",
                             hint="open it, select all, copy, and paste into a UTF-8 .txt file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise BriefsiteError(path, line, "text is neither UTF-8 nor GBK",
                                     hint="save the text as UTF-8 and import it again")
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise BriefsiteError(path, text[: text.index("\x00")].count("\n") + 1,
                             "file contains NUL bytes; is it a Word or PDF file rather than text?",
                             hint="copy the text out of the document into a .txt file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def convert(text: str, *, city: str | None = None, config: Config | None = None,
            archive: Sequence[Bulletin] = ()) -> Imported:
    """Turn raw bulletin text into front-matter facts and a Markdown body.

    ``city`` overrides the city read from the title or issuer; ``archive``
    (the bulletins already filed) lets a title or issuer the masthead does not
    print be taken from the series with the same issuer or title.
    """
    config = config or Config()
    dropped: list[Piece] = []
    notes: list[Note] = []
    lines = _lines(text, dropped)
    width = _wrap_width(lines)

    head = read_masthead([(ln.no, ln.text) for ln in lines])
    dropped.extend(head.pieces)
    lines = lines[head.consumed:]
    lines = _drop_running_heads(lines, head.title, dropped)
    lines, guide = _drop_guide(lines, dropped)
    closing = read_closing(lines, width, dropped, masthead_doc_number=head.doc_number)
    lines = lines[: closing.start] + [_Line(no, text_, True) for no, text_ in closing.body]
    blocks, headings, paragraphs = _body(lines, width)

    facts: dict[str, object] = {}
    comments: dict[str, str] = {}
    title, issuer = head.title, head.issuer
    printed_by = closing.printed_by
    if printed_by and issuer and nonspace(printed_by) != nonspace(issuer):
        # The 印发 line names another body: keep it as printed, at the end.
        blocks.append(markdown_text(f"{printed_by} {closing.printed_text}"))
        dropped[:] = [p for p in dropped if p is not closing.printed_piece]
        notes.append(Note("printed", f"the 印发 line names {printed_by}, not the issuer {issuer}",
                          "it was kept at the end of the text; check which is right"))
    elif printed_by and not issuer:
        issuer = printed_by
        comments["issuer"] = "inferred: from the 印发 line (no issuer on the masthead)"
        dropped.append(Piece(closing.printed_piece.line, printed_by, "印发 issuer"))  # type: ignore
    elif printed_by:
        dropped.append(Piece(closing.printed_piece.line, printed_by, "印发 issuer"))  # type: ignore
    placed = _place(title, issuer, city, config, archive, text)
    if placed is None:
        raise BriefsiteError(None, 0, "no city found in the title or issuer",
                             hint="pass --city, e.g. --city 株洲市")
    city_name = placed.city
    if placed.inferred:
        comments["city"] = f"inferred: {placed.how}"
    title, issuer = _from_series(title, issuer, city_name, archive, comments)

    facts["title"] = title
    if head.issue is not None:
        facts["issue"] = head.issue
    if head.total_issue is not None:
        facts["total_issue"] = head.total_issue
    facts["date"] = head.date
    facts["issuer"] = issuer
    facts["city"] = city_name
    if closing.recipients:
        facts["recipients"] = closing.recipients
        comments.update({f"recipients.{key}": text for key, text in closing.label_comments().items()})
    if closing.doc_number:
        facts["doc_number"] = closing.doc_number
    if closing.printed:
        facts["printed"] = closing.printed
    if closing.contact:
        facts["contact"] = closing.contact

    for key, what in REQUIRED_WHAT.items():
        if facts.get(key) is None:
            comments[key] = f"FILL IN: not found in the text ({what})"
            notes.append(Note(key, f"no {key} found in the text",
                              f"in place of null, put {what}; briefsite check rejects the file until then"))
    _masthead_extras(head, facts, comments, notes)
    if head.issue is None:
        notes.append(Note(None, "no issue number found",
                          "if the original has one, add 'issue: N' and name the file <date>-N.md"))
    if not closing.recipients:
        notes.append(Note(None, "no recipients (报/送/发/抄送) found",
                          "add them under 'recipients:' if the original lists them"))
    for item in guide:
        if not any(nonspace(item) in nonspace(b) for b in blocks if b.startswith("#")):
            notes.append(Note(None, f"导读 item {item!r} matches no headline and was dropped",
                              "the page builds its own contents from the headings; check them"))
    for key, message, hint in closing.remarks:
        notes.append(Note(key, message, hint))
    body = "\n\n".join(blocks)
    return Imported(facts, comments, body, notes, dropped, headings, paragraphs, city_how=placed.how)


def _masthead_extras(head: Masthead, facts: dict[str, object], comments: dict[str, str],
                     notes: list[Note]) -> None:
    """What the masthead prints beyond the front-matter keys: kept as comments, never lost.

    A 专报's 文号 is the bulletin's own (a 文号 in the 版记 only when the masthead
    has none); 签发人 goes beside the issuer; markings (内部资料, 秘密★1年, 特急,
    份号) beside the title. A classified bulletin becomes a draft: the archive is
    public, so an editor must clear it before it is published.
    """
    if head.doc_number:
        facts["doc_number"] = head.doc_number
    if head.signer:
        _add_comment(comments, "issuer", head.signer)
    if head.markings:
        printed = " ".join(head.markings)
        _add_comment(comments, "title", f"版头另印有：{printed}")
        if head.classified:
            facts["draft"] = True
            comments["draft"] = f"inferred: 版头标有密级 {head.classified}，公开档案不发布涉密简报；确认可以公开后删去此行"
        elif any(word in printed for word in ("内部", "注意保存", "外传", "保密")):
            notes.append(Note("title", f"版头印有 {printed} (the masthead is marked {printed})",
                              "本档案公开发布，请确认这份简报可以公开 (the archive is public: check it may be published)"))


def _add_comment(comments: dict[str, str], key: str, text: str) -> None:
    comments[key] = f"{comments[key]}; {text}" if key in comments else text


def _place(title: str | None, issuer: str | None, city: str | None, config: Config,
           archive: Sequence[Bulletin], text: str) -> Placed | None:
    """The bulletin's city: --city, else read from the title and issuer (see places.py)."""
    if city:
        return Placed(city, "由 --city 指定", inferred=False)
    try:
        return find_city([("标题", title or ""), ("发文单位", issuer or "")],
                         known=set(config.city_slugs) | set(KNOWN_CITY_SLUGS),
                         archive_cities={b.city for b in archive} | set(config.city_slugs),
                         document=text)
    except AmbiguousPlace as exc:
        raise BriefsiteError(None, 0, f"{exc}，无法判断这份简报属于哪个城市 "
                             f"({exc.name} names places in {len(exc.cities)} cities)",
                             hint=f"请用 --city 指定，例如 --city {exc.cities[0]} "
                                  f"(pass --city, e.g. --city {exc.cities[0]})") from None


def _lines(text: str, dropped: list[Piece]) -> list[_Line]:
    """Non-blank lines, stripped, without page numbers and rules."""
    out: list[_Line] = []
    blank = False
    for no, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        if any(p.match(stripped) for p in PAGE_NUMBER_RES):
            dropped.append(Piece(no, stripped, "page number"))
            continue  # a page break does not end a sentence
        if RULE_RE.match(stripped):
            dropped.append(Piece(no, stripped, "rule"))
            blank = True
            continue
        out.append(_Line(no, stripped, blank))
        blank = False
    return out


def _wrap_width(lines: list[_Line]) -> int | None:
    """The printed line width, when the extraction kept the PDF's line breaks.

    In such text (seed 002) most lines run to the same width and do not end a
    sentence; then a line much shorter than that ended its paragraph, entry or
    headline on purpose. Text with one line per paragraph has no such width.
    """
    widths = sorted(display_width(ln.text) for ln in lines
                    if not ends_sentence(ln.text) and display_width(ln.text) >= 20)
    if len(widths) < 8:
        return None
    median = widths[len(widths) // 2]
    close = [w for w in widths if abs(w - median) <= max(4, median // 10)]
    if median <= 120 and len(close) >= 0.6 * len(widths):
        return median
    return None


def _full(text: str, width: int | None) -> bool:
    return fills_line(text, width)


def _drop_running_heads(lines: list[_Line], title: str | None, dropped: list[Piece]) -> list[_Line]:
    """Running heads: the masthead title again, or a 简报 line printed on several pages."""
    counts: dict[str, int] = {}
    for ln in lines:
        counts[nonspace(ln.text)] = counts.get(nonspace(ln.text), 0) + 1
    kept = []
    for ln in lines:
        key = nonspace(ln.text)
        is_head = (title is not None and key.startswith(nonspace(title))
                   and _is_title_echo(key[len(nonspace(title)):])) \
            or (counts[key] >= 2 and "简报" in key and not has_sentence_punct(key) and len(key) <= 60)
        if is_head:
            dropped.append(Piece(ln.no, ln.text, "running head"))
        else:
            kept.append(ln)
    return kept


def _is_title_echo(rest: str) -> bool:
    """What may follow the title in a running head: nothing, an issue number, a date."""
    from .masthead import ISSUE_RE, TOTAL_RE
    rest = TOTAL_RE.sub("", ISSUE_RE.sub("", rest))
    for match in find_dates(rest):
        rest = rest.replace(match.text, "")
    return not nonspace(rest)


def _drop_guide(lines: list[_Line], dropped: list[Piece]) -> tuple[list[_Line], list[str]]:
    """The printed 导读 list: its items are the body's headlines, so the page builds its own."""
    if not lines or not GUIDE_RE.match(lines[0].text):
        return lines, []
    dropped.append(Piece(lines[0].no, lines[0].text, "导读"))
    items: list[str] = []
    i = 1
    while i < len(lines):
        text = lines[i].text
        item = GUIDE_BULLET_RE.sub("", text).strip()
        if MARKER_RE.match(text) or not item or nonspace(item) in (nonspace(x) for x in items):
            break  # a section, or the first headline printed again: the body begins
        if has_sentence_punct(item) or len(nonspace(item)) > MAX_HEADLINE:
            if items and len(items) > 1:
                i -= 1  # the previous line was the first headline, not an item
                items.pop()
            break
        items.append(item)
        i += 1
    for ln in lines[1:i]:
        dropped.append(Piece(ln.no, ln.text, "导读"))
    return lines[i:], items


def _heading_like(text: str, width: int | None) -> bool:
    t = tidy(text)
    return (0 < len(t) <= MAX_HEADLINE and not has_sentence_punct(t) and not t.endswith(("：", ":"))
            and balanced(t) and not _full(text, width) and not MARKER_RE.match(t))


def _body(lines: list[_Line], width: int | None) -> tuple[list[str], int, int]:
    """Markdown blocks: ## 【section】, ### headline, paragraphs with broken lines joined."""
    blocks: list[str] = []
    headings = paragraphs = 0
    para: str | None = None
    last: str | None = None  # the text of the paragraph that ends ``blocks``, unescaped
    queue = list(lines)
    i = 0

    def flush() -> None:
        nonlocal para, paragraphs, last
        if para:
            blocks.append(markdown_text(para))
            paragraphs += 1
            last = para
        para = None

    while i < len(queue):
        ln = queue[i]
        marker = MARKER_RE.match(ln.text)
        if marker:
            flush()
            blocks.append(f"## 【{_escape_inline(tidy(marker.group('name')))}】")
            last = None
            headings += 1
            if marker.group("rest"):
                queue.insert(i + 1, _Line(ln.no, marker.group("rest"), True))
            i += 1
            continue
        if para is not None:
            para = join_broken(para, tidy(ln.text))
            if ends_sentence(ln.text):
                flush()
            i += 1
            continue
        if _heading_like(ln.text, width):
            head, j = tidy(ln.text), i + 1
            while j < len(queue) and not queue[j].blank_before and _heading_like(queue[j].text, width) \
                    and len(head + tidy(queue[j].text)) <= MAX_HEADLINE \
                    and j + 1 < len(queue) and not _heading_like(queue[j + 1].text, width):
                head += tidy(queue[j].text)
                j += 1
            follows_text = j < len(queue) and not MARKER_RE.match(queue[j].text) \
                and not _heading_like(queue[j].text, width)
            if follows_text:
                blocks.append("### " + markdown_text(head, heading=True))
                headings += 1
                last = None
                i = j
                continue
            blocks.append(markdown_text(head))  # a short line on its own: keep it as a paragraph
            paragraphs += 1
            last = None
            i = j
            continue
        para = tidy(ln.text)
        if ln.text.startswith(CONTINUES) and last is not None:
            blocks.pop()
            para = join_broken(last, para)
            paragraphs -= 1
        if ends_sentence(ln.text):
            flush()
        i += 1
    flush()
    return blocks, headings, paragraphs


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(?:[#>+=|~-]|\d{1,9}(?=[.)]))")


def _escape_inline(text: str) -> str:
    return _ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))


def markdown_text(text: str, heading: bool = False) -> str:
    """Text as Markdown that renders as exactly this text (no list, heading or emphasis)."""
    text = _escape_inline(text)
    match = _BLOCK_START.match(text)
    if match:
        if match.group(0)[0].isdigit():
            text = text[: match.end()] + "\\" + text[match.end():]
        else:
            text = "\\" + text
    if heading and text.endswith("#"):
        text = text[:-1] + "\\#"
    return text


def _scalar(value: object) -> str:
    """A YAML scalar that reads back as exactly ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    text = str(value)
    try:
        plain_ok = "#" not in text and yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain_ok = False
    if plain_ok and text.isprintable():
        return text
    return '"' + "".join(_yaml_char(ch) for ch in text) + '"'


def _yaml_char(ch: str) -> str:
    """One character inside a YAML double-quoted scalar."""
    if ch in '"\\':
        return "\\" + ch
    if ch.isprintable() or ch == " ":
        return ch
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _from_series(title: str | None, issuer: str | None, city: str,
                 archive: Sequence[Bulletin], comments: dict[str, str]) -> tuple[str | None, str | None]:
    """A missing title (or issuer) taken from the one series of this city with the same issuer (title).

    Only when exactly one series matches: that is a fact printed on another
    issue, not a guess. The YAML comment names the issue it came from.
    """
    if (title is None) == (issuer is None):
        return title, issuer
    mine = [b for b in archive if b.city == city]
    if title is None:
        same = [b for b in mine if nonspace(b.issuer) == nonspace(issuer or "")]
        if len({b.title for b in same}) == 1:
            source = max(same, key=lambda b: b.sort_key)
            comments["title"] = (f"inferred: the masthead shows only issuer and date; the series of "
                                 f"the same issuer ({source.source})")
            return source.title, issuer
    else:
        same = [b for b in mine if b.title == title]
        if len({nonspace(b.issuer) for b in same}) == 1:
            source = max(same, key=lambda b: b.sort_key)
            comments["issuer"] = f"inferred: the masthead shows no issuer; the same series ({source.source})"
            return title, source.issuer
    return title, issuer


@dataclass(frozen=True)
class Written:
    path: Path
    imported: Imported
    key_lines: dict[str, int]

    def report(self) -> list[str]:
        """One ``path:line: warning: …`` per fact not found or inferred, pointing into the new file."""
        out = []
        for note in self.imported.notes:
            line = self.key_lines.get(note.key, 0) if note.key else 0
            out.append(BriefsiteError(self.path, line, note.message, hint=note.hint,
                                      severity="warning").format())
        for key, comment in self.imported.comments.items():
            if comment.startswith("inferred:"):
                out.append(BriefsiteError(self.path, self.key_lines.get(key, 0),
                                          f"{key} {comment}", hint="check it",
                                          severity="warning").format())
        return out

    def summary(self) -> str:
        imported = self.imported
        counts: dict[str, int] = {}
        for piece in imported.dropped:
            if piece.reason in ("page number", "running head", "rule", "导读"):
                counts[piece.reason] = counts.get(piece.reason, 0) + 1
        dropped = ", ".join(f"{n} {reason} line{'s' if n > 1 else ''}" for reason, n in counts.items())
        text = (f"wrote {self.path}: {imported.headings} headings, {imported.paragraphs} paragraphs"
                + (f"; dropped {dropped}" if dropped else ""))
        if imported.missing:
            text += ("; fill in " + ", ".join(imported.missing)
                     + " (null now: briefsite check rejects the file until then)")
        return text


def import_file(raw: Path, out: Path, *, city: str | None, config: Config,
                force: bool = False) -> Written:
    """Read ``raw``, convert it, and write ``out/<city-slug>/<name>.md``."""
    try:
        size = raw.stat().st_size
        if size > MAX_INPUT:
            raise BriefsiteError(raw, 0, f"input is {size} bytes; a bulletin's text is far smaller",
                                 hint="is this the right file?")
        data = raw.read_bytes()
    except FileNotFoundError:
        raise BriefsiteError(raw, 0, "file not found", hint="give the path of the copied text")
    except IsADirectoryError:
        raise BriefsiteError(raw, 0, "is a folder, not a text file")
    except OSError as exc:
        raise BriefsiteError(raw, 0, f"cannot read file: {exc.strerror}")
    text = decode_raw(data, str(raw))
    if not text.strip():
        raise BriefsiteError(raw, 0, "the file is empty", hint="paste the bulletin's text into it")
    archive = _archive(out, config)
    try:
        imported = convert(text, city=city, config=config, archive=archive)
    except BriefsiteError as exc:
        raise BriefsiteError(raw, exc.line, exc.message, hint=exc.hint) from None
    city_name = str(imported.facts["city"])
    path = out / config.city_slug(city_name) / imported.file_name()
    content, key_lines = imported.render()
    write_new_file(path, content, overwrite=force)
    return Written(path, imported, key_lines)


def _archive(out: Path, config: Config) -> list[Bulletin]:
    """The bulletins filed already (drafts too); broken files are simply not used."""
    if not out.is_dir():
        return []
    from briefsite.errors import Problems
    from briefsite.content.loader import load_all
    return load_all(out, config, Problems())


def write_new_file(path: Path, content: str, *, overwrite: bool = False) -> None:
    """Write via a temporary file, so an interrupted write never leaves half a bulletin.

    Without ``overwrite`` the file is linked into place, which fails if a file
    of that name appeared meanwhile: an existing bulletin is never replaced.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".new-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a bulletin is an ordinary file
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise BriefsiteError(path, 0, "file exists; nothing was written",
                                     hint="pass --force to overwrite it") from None
            except OSError:  # no hard links on this file system: check, then move
                if path.exists():
                    raise BriefsiteError(path, 0, "file exists; nothing was written",
                                         hint="pass --force to overwrite it") from None
                os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
