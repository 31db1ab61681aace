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

A Word file's or PDF's pictures arrive as "figure" lines where they stood,
their captions taken out of the text by the reader; each becomes
``![caption](photo-1.jpg)`` in the body, and ``import_file`` writes the
pictures and the received document (``original.pdf`` / ``.docx``) into the
bulletin's folder (editor/photos.py). A picture that cannot be kept is
reported, and its caption stays in the text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

import yaml

from briefsite.content.config import KNOWN_CITY_SLUGS, Config
from briefsite.content.dates import find_dates
from briefsite.errors import BriefsiteError
from briefsite.content.model import Bulletin
from briefsite.i18n import N_, Nn_, _, ngettext
from briefsite.editor.photos import (Prepared, check_free, keep_original, original_path, photo_paths,
                                     prepare_photos, remove_left_from_before, write_photos)
from .closing import LABEL_RE, closing_kind, read_closing
from .layout import Document, Line, clean_controls, is_red
from .masthead import Masthead, Piece, is_title, read_masthead
from .places import AmbiguousPlace, Placed, find_city
from .text import MAX_TEXT, decode_raw, read_input, read_text
from .textshape import (MARKER_RE, balanced, display_width, ends_sentence, fills_line,
                        has_sentence_punct, join_broken, nonspace, tidy)

# Page furniture, each as a whole line: "— 3 —", "- 2 -", "第 3 页", "第3页 共5页",
# "3/5", a bare page number, and rules drawn with dashes or underscores.
PAGE_NUMBER_RES = (
    re.compile(r"^[—–\-－─~～·•]+\s*\d{1,4}\s*[—–\-－─~～·•]+$"),
    re.compile(r"^第\s*\d{1,4}\s*页(?:\s*(?:[,，/]\s*)?共\s*\d{1,4}\s*页)?$"),
)
# A bare number ("3") or "3/5" on a line of its own is a page number only where
# the text shows it is one: at a page break (form feed), or as one of a run of
# consecutive page numbers through the document. Elsewhere it is a figure of
# the text (a table copied one cell per line, "128" broken onto its own line).
BARE_PAGE_RE = re.compile(r"^(?P<n>\d{1,3})$|^(?P<of>\d{1,4})\s*/\s*(?P<total>\d{1,4})$")
RULE_RE = re.compile(r"^[—–\-－─━_＿=＝]{3,}$")
GUIDE_RE = re.compile(r"^[【\[［〖]?\s*(?:本\s*期\s*(?:导\s*读|要\s*目|目\s*录|要\s*点|提\s*要)|"
                      r"导\s*读|要\s*目|目\s*录)\s*[】\]］〗]?\s*[:：]?$")
GUIDE_BULLET_RE = re.compile(r"^(?:[-*•·★☆▲△▶►●○◆◇■□◎]+\s*|\d{1,2}\s*[.、．)]\s*|[一二三四五六七八九十]+\s*、\s*)+")
# A table of contents' dot leaders before a page number: "市领导调研……………… 2".
LEADER_CHARS = ".．·•…⋯-—–"
LEADER_SPACE = " \u3000\t"  # spaces (the full-width one too) that stand for leaders
# Outline numbers of an article's parts, shallowest first (GB/T 9704: 一、 （一） 1. （1）).
OUTLINE_RES = (
    re.compile(r"^[一二三四五六七八九十百]+\s*、"),
    re.compile(r"^[（(]\s*[一二三四五六七八九十百]+\s*[）)]"),
    re.compile(r"^\d{1,2}\s*(?:[.．](?!\d)|、)"),
    re.compile(r"^[（(]\s*\d{1,2}\s*[）)]"),
)
# A cell of a table copied one cell per line: short, no sentence punctuation.
NUMERIC_CELL_RE = re.compile(r"^[+\-－]?\d[\d.,，]*\s*(?:%|％|‰)?$|^[\d.]+\s*/\s*[\d.]+$")
MAX_HEADLINE = 45  # characters; a longer line is a paragraph
INDENT = 2  # columns of leading whitespace that make a paragraph indent (a stray space does not)
# Front-matter order, as in docs/format.md and the hand-made seeds.
KEY_ORDER = ("title", "issue", "total_issue", "date", "issuer", "city", "recipients",
             "doc_number", "printed", "printed_by", "contact", "draft")
# What each required fact is, for the placeholder comment and the message.
REQUIRED_WHAT = {
    "title": N_("the bulletin's name printed on the masthead"),
    "date": N_("the date printed on the masthead (YYYY-MM-DD)"),
    "issuer": N_("the issuing body printed on the masthead"),
}
# The marks a front-matter comment starts with (docs/format.md): the same in
# every language, like ``error:``, so an editor (and a search) finds them.
INFERRED = "inferred:"
FILL_IN = "FILL IN:"
# Words of a masthead marking that restrict who may read a bulletin.
RESTRICTED_MARKS = ("内部", "注意保存", "外传", "保密")
# What the city reader is told it looks in (places.py names them in its "how").
# The parts a city is looked for in, named in the editor's language (places.py's messages).
CITY_SOURCES = (N_("the title"), N_("the issuer"))
EXAMPLE_CITY = "株洲市"  # for the hint when no city is found
# Why a piece of the input was dropped (Piece.reason), where it is the 版记's or 导读's.
PRINTED_BY_REASON = "印发 issuer"
GUIDE_REASON = "导读"
SECTION_HEADING = "## 【{name}】"
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
    tables: int = 0
    photos: list[Prepared] = field(default_factory=list)  # the document's pictures: kept, or why not
    decorations: int = 0  # pictures too small to be photos (rules, logos), left out
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
                out.append(f"  {group}:")
                out.extend(f"    - {_scalar(name)}" for name in names)
            continue
        line = f"{key}: {_scalar(value)}"
        if key in comments:
            line += f"  # {comments[key]}"
        out.append(line)
    out.append("---")
    return "\n".join(out) + "\n", lines


_Line = Line  # the closing reader's name for a line of the stream


def convert(text: str, *, city: str | None = None, config: Config | None = None,
            archive: Sequence[Bulletin] = ()) -> Imported:
    """Raw bulletin text (as copied out of a PDF or Word file) into facts and a Markdown body.
    Control characters are refused as when a text file is read (decode_raw):
    in a front-matter value they would make the written file unreadable."""
    return interpret(read_text(clean_controls(text, "-")), city=city, config=config, archive=archive)


def interpret(doc: Document, *, city: str | None = None, config: Config | None = None,
              archive: Sequence[Bulletin] = ()) -> Imported:
    """A reader's line stream into front-matter facts and a Markdown body.

    ``city`` overrides the city read from the title or issuer; ``archive``
    (the bulletins already filed) lets a title or issuer the masthead does not
    print be taken from the series with the same issuer or title.
    """
    config = config or Config()
    dropped: list[Piece] = []
    notes: list[Note] = []
    layout = any(ln.layout for ln in doc.lines)
    lines, figures = _furniture(doc.lines, dropped)
    photos = prepare_photos(doc.photos, config.image_limits)
    if not layout:
        lines = _page_numbers(lines, dropped)
    width = _wrap_width(lines) if doc.kind != "docx" else None  # Word has no printed width

    lines, head = _masthead(lines, dropped, doc.body_size)
    dropped.extend(head.pieces)
    lines = _drop_rules(lines, dropped)
    if not layout:
        lines = _drop_running_heads(lines, head.title, dropped)
    lines, guide = _drop_guide(lines, dropped)
    lines = _closing_tables(lines)
    closing = read_closing(lines, width, dropped, masthead_doc_number=head.doc_number)
    lines = lines[: closing.start] + [_Line(no, text_, True) for no, text_ in closing.body]
    sizes = Counter()
    for ln in lines:
        if ln.size and ln.role is None:
            sizes[ln.size] += len(ln.text)
    body_size = sizes.most_common(1)[0][0] if sizes else doc.body_size  # what the body is set in
    blocks, headings, paragraphs, tables = _body(_put_figures(lines, figures), width, body_size, photos)

    facts: dict[str, object] = {}
    comments: dict[str, str] = {}
    title, issuer = head.title, head.issuer
    printed_by = closing.printed_by
    if printed_by and issuer and nonspace(printed_by) != nonspace(issuer):
        # GB/T 9704's 印发机关 is often the issuer's office (…督察整改办 under
        # …领导小组办公室): its own fact, shown on the 版记 as printed.
        facts["printed_by"] = printed_by
        dropped.append(Piece(closing.printed_piece.line, printed_by, PRINTED_BY_REASON))  # type: ignore
    elif printed_by and not issuer:
        issuer = printed_by
        comments["issuer"] = inferred(_("from the 印发 line (the masthead prints no issuer)"))
        dropped.append(Piece(closing.printed_piece.line, printed_by, PRINTED_BY_REASON))  # type: ignore
    elif printed_by:
        dropped.append(Piece(closing.printed_piece.line, printed_by, PRINTED_BY_REASON))  # type: ignore
    placed = _place(title, issuer, city, config, archive, "\n".join(ln.text for ln in doc.lines))
    if placed is None:
        raise BriefsiteError(None, 0, _("no city name in the title or the issuer"),
                             hint=_("give it with --city, e.g. --city {city}").format(city=EXAMPLE_CITY))
    city_name = placed.city
    if placed.inferred:
        comments["city"] = inferred(placed.how)
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
    if closing.doc_number:
        facts["doc_number"] = closing.doc_number
    if closing.printed:
        facts["printed"] = closing.printed
    if closing.contact:
        facts["contact"] = closing.contact

    for key, what in REQUIRED_WHAT.items():
        if facts.get(key) is None:
            comments[key] = fill_in(_("{what}, not found in the text").format(what=_(what)))
            notes.append(Note(key, _("no {key} found in the text").format(key=key),
                              _("in place of null, put {what}; until it is filled in, briefsite check "
                                "fails").format(what=_(what))))
    _masthead_extras(head, facts, comments, notes)
    if head.issue is None:
        notes.append(Note(None, _("no issue number found"),
                          _("if the original prints one, add a line issue: N and rename the file to "
                            "<date>-N.md")))
    if not closing.recipients:
        notes.append(Note(None, _("no recipients (报, 送, 发, 抄送) found in the 版记"),
                          _("if the original has them, write them under recipients:")))
    for key, message, hint in closing.remarks:
        notes.append(Note(key, message, hint))
    for item in guide:
        if not any(nonspace(item) in nonspace(b) for b in blocks if b.startswith("#")):
            notes.append(Note(None, _("the 导读 item “{item}” matches no headline of the text and was "
                                      "dropped").format(item=item),
                              _("the page builds its contents from the headlines: check them")))
    for photo in photos:
        if photo.problem:
            notes.append(Note(None, _("picture not imported: {problem}").format(problem=photo.problem),
                              _("its caption (if any) stays in the text; to have the picture, save it as "
                                "JPEG or PNG in the bulletin's folder and write ![caption](file name) where "
                                "it stood")))
    body = "\n\n".join(blocks)
    return Imported(facts, comments, body, notes, dropped, headings, paragraphs, tables,
                    photos, doc.decorations, placed.how)


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
        _add_comment(comments, "title", _("the masthead also prints: {markings}").format(markings=printed))
        if head.classified:
            facts["draft"] = True
            comments["draft"] = inferred(_("the masthead is marked with the classification {level}, and the "
                                           "public archive publishes no classified bulletin; delete this line "
                                           "once it is cleared for publication").format(level=head.classified))
        elif any(word in printed for word in RESTRICTED_MARKS):
            notes.append(Note("title", _("the masthead is marked {markings}").format(markings=printed),
                              _("the archive is public: make sure this bulletin may be published")))


def inferred(how: str) -> str:
    """A front-matter comment saying from what a fact was inferred."""
    return f"{INFERRED} {how}"


def fill_in(what: str) -> str:
    """A front-matter comment on a placeholder (null): what to fill in."""
    return f"{FILL_IN} {what}"


def _add_comment(comments: dict[str, str], key: str, text: str) -> None:
    comments[key] = f"{comments[key]}; {text}" if key in comments else text


def _place(title: str | None, issuer: str | None, city: str | None, config: Config,
           archive: Sequence[Bulletin], text: str) -> Placed | None:
    """The bulletin's city: --city, else read from the title and issuer (see places.py)."""
    if city:
        return Placed(city, _("given with --city"), inferred=False)
    try:
        return find_city(list(zip(map(_, CITY_SOURCES), (title or "", issuer or ""))),
                         known=set(config.city_slugs) | set(KNOWN_CITY_SLUGS),
                         archive_cities={b.city for b in archive} | set(config.city_slugs),
                         document=text)
    except AmbiguousPlace as exc:
        raise BriefsiteError(None, 0, _("{ambiguity}: cannot tell which city this bulletin belongs "
                                        "to").format(ambiguity=exc),
                             hint=_("give it with --city, e.g. --city {city}").format(city=exc.cities[0])) from None


def _furniture(lines: list[Line], dropped: list[Piece]) -> tuple[list[Line], list[Line]]:
    """The stream without the furniture a reader named (page numbers, running heads,
    headers), and without its pictures: those, apart, go back in before the body
    is read (``_put_figures``), so no masthead or 版记 rule ever sees one."""
    out, figures = [], []
    for ln in lines:
        if ln.role == "furniture":
            dropped.append(Piece(ln.no, ln.text, ln.why or "page furniture"))
        elif ln.role == "figure":
            figures.append(ln)
        else:
            out.append(ln)
    return out, figures


def _put_figures(lines: list[Line], figures: list[Line]) -> list[Line]:
    """``lines`` with each picture back before the first line that followed it in
    the document (a picture among the masthead's or 版记's lines comes just
    after them, one after the last line at the end): none is lost."""
    out = list(lines)
    at = 0
    for figure in figures:
        while at < len(out) and (out[at].role == "figure" or out[at].no < figure.no):
            at += 1
        out.insert(at, figure)
        at += 1
    return out


def _drop_lines(lines: list[Line], dropped: list[Piece],
                judge: Callable[[int, Line], tuple[str, bool] | None]) -> list[Line]:
    """``lines`` without those ``judge`` names: (reason, ends a paragraph) for a
    line to drop (recorded in ``dropped`` when it has text), None to keep. The
    next line kept starts a paragraph when a dropped one ended one or stood
    after a gap."""
    out: list[Line] = []
    blank = False
    for k, ln in enumerate(lines):
        verdict = judge(k, ln)
        if verdict is not None:
            reason, ends = verdict
            if ln.text:
                dropped.append(Piece(ln.no, ln.text, reason))
            blank = blank or ends or ln.blank_before
            continue
        out.append(replace(ln, blank_before=True) if blank and not ln.blank_before else ln)
        blank = False
    return out


def _page_numbers(lines: list[Line], dropped: list[Piece]) -> list[Line]:
    """Text without layout: page numbers and rules, each a whole line, by their shape."""
    bare = _bare_page_numbers(lines)

    def judge(k: int, ln: Line) -> tuple[str, bool] | None:
        if any(p.match(ln.text) for p in PAGE_NUMBER_RES) or k in bare:
            return "page number", False  # a page break does not end a sentence
        if RULE_RE.match(ln.text):
            return "rule", True
        return None

    return _drop_lines(lines, dropped, judge)


def _bare_page_numbers(lines: list[Line]) -> set[int]:
    """Indexes of the lines "3" or "3/5" that are page numbers (see BARE_PAGE_RE)."""
    found = [(k, BARE_PAGE_RE.match(ln.text)) for k, ln in enumerate(lines)]
    candidates = [(k, m) for k, m in found if m]
    pages: set[int] = set()
    for k, m in candidates:
        prev = lines[k - 1] if k else None
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if (prev is not None and prev.page != lines[k].page) or (nxt is not None and nxt.page != lines[k].page):
            pages.add(k)  # printed at a page break (form feed)
    # Runs of consecutive page numbers (2, 3, 4 or 1/5, 2/5) with text between them.
    run: list[tuple[int, int, str | None]] = []
    for k, m in candidates:
        value = int(m.group("n") or m.group("of"))
        total = m.group("total")
        neighbours = [lines[j] for j in (k - 1, k + 1) if 0 <= j < len(lines)]
        if any(_cell_like(n.text) and NUMERIC_CELL_RE.match(n.text) for n in neighbours):
            continue  # one of a column of figures: a table, not a page
        if run and value == run[-1][1] + 1 and total == run[-1][2] and k - run[-1][0] > 2:
            run.append((k, value, total))
        else:
            if len(run) >= 2:
                pages.update(j for j, _, _ in run)
            run = [(k, value, total)]
    if len(run) >= 2:
        pages.update(j for j, _, _ in run)
    return pages


def _cell_like(text: str) -> bool:
    return 0 < len(nonspace(text)) <= 16 and not has_sentence_punct(text) and not MARKER_RE.match(text)


def _masthead(lines: list[Line], dropped: list[Piece],
              body_size: float | None = None) -> tuple[list[Line], Masthead]:
    """The masthead at the top; with layout, above the rule that closes it (GB/T 9704's red line).

    With layout, the title is the red, largest line (over one line or two)
    near the top, or what the reader named the title (Word's Title style);
    it reaches the masthead reader as one line.
    """
    zone_end = len(lines)
    for k, ln in enumerate(lines[:16]):
        if ln.role == "rule" and k and any(x.text for x in lines[:k]):  # not a frame's top edge
            zone_end = k
            break
        if ln.role in ("headline", "table") or MARKER_RE.match(ln.text):
            break
    zone = lines[:zone_end]
    sized = [ln.size for ln in zone[:8] if ln.size]
    largest = max(sized) if sized else None

    def is_title(ln: Line) -> bool:
        # Red, and set large: the largest line, or one not much smaller printed with it
        # (a title whose 工作简报 is set larger than the body's name above it).
        return ln.role == "title" or (largest is not None and ln.size is not None and is_red(ln.color)
                                      and ln.size >= 0.6 * largest
                                      and (body_size is None or ln.size > body_size))

    start = next((k for k, ln in enumerate(zone[:8]) if is_title(ln)), None)
    given = None
    span = 1
    if start is not None:
        end = start
        while end < len(zone) and is_title(zone[end]):
            end += 1
        span = end - start
        given = replace(zone[start], text=tidy("".join(ln.text for ln in zone[start:end])), role=None)
        zone = zone[:start] + [given] + zone[end:]
    head = read_masthead([(ln.no, ln.text) for ln in zone])
    above: list[Line] = []
    if given is not None and head.title is None:
        # The layout's title stands; the masthead reader goes on below it.
        rest = read_masthead([(ln.no, ln.text) for ln in zone[start + 1:]])
        rest.title, rest.title_lines = given.text, (given.no,)
        rest.consumed += start + 1
        above = zone[:start]  # lines printed above the title and not read: kept as text
        head = rest
    taken = head.consumed + (span - 1 if given is not None and head.consumed > (start or 0) else 0)
    remaining = above + lines[taken:]
    if zone_end < len(lines) and taken and taken <= zone_end:
        rule = lines[zone_end]
        dropped.append(Piece(rule.no, rule.text, "rule"))
        remaining = above + lines[taken:zone_end] + lines[zone_end + 1:]
    return remaining, head


def _drop_rules(lines: list[Line], dropped: list[Piece]) -> list[Line]:
    """Drawn rules (layout): they bound masthead and 版记; the next line starts afresh."""
    return _drop_lines(lines, dropped, lambda _, ln: ("rule", True) if ln.role == "rule" else None)


def _closing_tables(lines: list[Line]) -> list[Line]:
    """A 版记 printed as a table (common in Word): the table's rows as lines, for the 版记 reader."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].role == "table":
            j += 1
        if j == i:
            out.append(lines[i])
            i += 1
            continue
        rows = lines[i:j]
        after_label = any(closing_kind(ln.text) for ln in out)  # a table inside the 版记 is read as its lines
        if after_label or any(r.cells and (closing_kind(r.cells[0]) or LABEL_RE.match(r.cells[0]))
                              for r in rows):
            out.extend(replace(r, text=" ".join(c for c in r.cells if c.strip()), role=None, cells=(),
                               blank_before=True) for r in rows if any(c.strip() for c in r.cells))
        else:
            out.extend(rows)
        i = j
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


def _drop_running_heads(lines: list[Line], title: str | None, dropped: list[Piece]) -> list[Line]:
    """Running heads: the masthead title again, or a 简报 line printed at the top of several pages.

    A 简报 line that recurs is a running head only where the text shows a page
    break beside it (a page number or form feed was there) or on three pages
    or more: a headline that names a 简报 and is printed twice is text.
    """
    counts: dict[str, int] = {}
    for ln in lines:
        counts[nonspace(ln.text)] = counts.get(nonspace(ln.text), 0) + 1
    dropped_at = {p.line for p in dropped if p.reason == "page number"}
    kept = []
    for k, ln in enumerate(lines):
        key = nonspace(ln.text)
        at_break = (ln.no - 1 in dropped_at or ln.no + 1 in dropped_at or ln.no - 2 in dropped_at
                    or (k and lines[k - 1].page != ln.page))
        is_head = (title is not None and key.startswith(nonspace(title))
                   and _is_title_echo(key[len(nonspace(title)):])) \
            or ("简报" in key and not has_sentence_punct(key) and len(key) <= 60
                and ((at_break and (counts[key] >= 2 or is_title(ln.text))) or counts[key] >= 3))
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


def _drop_guide(lines: list[Line], dropped: list[Piece]) -> tuple[list[Line], list[str]]:
    """The printed 导读 (本期要目, 本期导读, a table of contents): its items are the body's headlines.

    An item is dropped only when the body prints it again (as a headline or a
    section, the guide's dot leaders and page number aside): the page builds
    its own contents from those. The first line that the body does not print
    again is the body's own first line, kept.
    """
    if not lines or not GUIDE_RE.match(nonspace(lines[0].text)):
        return lines, []
    dropped.append(Piece(lines[0].no, lines[0].text, GUIDE_REASON))
    items: list[str] = []
    i = 1
    while i < len(lines):
        text = lines[i].text
        item = _without_leader(GUIDE_BULLET_RE.sub("", text)).strip()
        key = nonspace(item).strip("【】")
        if not key or MARKER_RE.match(text) or len(key) > 2 * MAX_HEADLINE or key in (nonspace(x) for x in items):
            break
        marked = GUIDE_BULLET_RE.match(text) or _without_leader(text) != text
        later = [nonspace(ln.text) for ln in lines[i + 1:]]
        if not marked and not any(key in t or (len(t) >= 6 and t in key)
                                  for t in later if len(t) <= 2 * MAX_HEADLINE):
            break  # neither a bulleted item nor printed again: the body has begun
        items.append(item)
        i += 1
    for ln in lines[1:i]:
        dropped.append(Piece(ln.no, ln.text, GUIDE_REASON))
    return lines[i:], items


def _without_leader(text: str) -> str:
    """The item without a table of contents' leaders and page number ("……… 2", "　　3").

    Read from the end by hand, not by a regex: a pattern of whitespace runs
    searched at every position is quadratic in a long run (issue 12, item 3).
    """
    t = text.rstrip()
    end = len(t)
    while end and t[end - 1].isdigit() and len(t) - end < 3:
        end -= 1
    if end == len(t) or (end and t[end - 1].isdigit()):
        return text  # no page number, or more than three digits
    head = t[:end]
    kept = head.rstrip(LEADER_CHARS + LEADER_SPACE)
    run = head[len(kept):]
    if sum(ch in LEADER_CHARS for ch in run) >= 2 or sum(ch in LEADER_SPACE for ch in run) >= 2:
        return kept
    return text


def _heading_like(text: str, width: int | None) -> bool:
    t = tidy(text)
    return ("\t" not in text and 0 < len(t) <= MAX_HEADLINE and not has_sentence_punct(t) and not t.endswith(("：", ":"))
            and balanced(t) and not _full(text, width) and not MARKER_RE.match(t))


def _outline_depth(text: str) -> int | None:
    """0 for 一、, 1 for （一）, 2 for 1. / 1、, 3 for （1）; None for a line without one."""
    for depth, pattern in enumerate(OUTLINE_RES):
        if pattern.match(text):
            return depth
    return None


def _layout_headline(ln: Line, body_size: float | None) -> bool:
    """With layout: bold, or larger than the body text, or centred and short; never a sentence's end."""
    t = tidy(ln.text)
    if ln.role == "headline":
        return True
    if not t or len(t) > 2 * MAX_HEADLINE or ends_sentence(t) or t.endswith(("：", ":")) or not balanced(t):
        return False
    bigger = bool(ln.size and body_size and ln.size >= body_size + 1.5)
    short = len(t) <= MAX_HEADLINE and not has_sentence_punct(t)
    return bool(bigger or (ln.bold and (ln.align == "center" or short)) or (ln.align == "center" and short))


@dataclass
class _Block:
    kind: str  # "section", "headline", "outline", "para", "table", "lines", "figure"
    text: str = ""
    depth: int = 0  # outline depth
    rows: list[tuple[str, ...]] = field(default_factory=list)
    figure: int = 0  # a figure's index in the document's pictures


def _body(lines: list[Line], width: int | None, body_size: float | None = None,
          photos: Sequence[Prepared] = ()) -> tuple[list[str], int, int, int]:
    """Markdown blocks: ## 【section】, ### headlines, outline headings, paragraphs, tables, photos."""
    out: list[_Block] = []
    para: str | None = None
    para_line: Line | None = None  # the last line joined into ``para``
    queue = list(lines)
    i = 0

    def flush() -> None:
        nonlocal para, para_line
        if para:
            out.append(_Block("para", para))
        para, para_line = None, None

    def last_para() -> _Block | None:
        return out[-1] if out and out[-1].kind == "para" else None

    while i < len(queue):
        ln = queue[i]
        if ln.role == "figure":
            flush()  # a picture stands between paragraphs
            out.append(_Block("figure", figure=ln.figure or 0))
            i += 1
            continue
        if ln.role == "table":
            flush()
            rows = []
            while i < len(queue) and queue[i].role == "table":
                rows.append(queue[i].cells)
                i += 1
            out.append(_Block("table", rows=rows))
            continue
        if para is None and "\t" in ln.text:
            rows, end = _tab_rows(queue, i)
            if rows:  # cells set apart by tabs (a Word table copied as text, a PDF table without rules)
                out.append(_Block("table", rows=rows))
                i = end
                continue
        marker = MARKER_RE.match(ln.text)
        if marker:
            flush()
            out.append(_Block("section", tidy(marker.group("name"))))
            if marker.group("rest"):
                queue.insert(i + 1, replace(ln, text=marker.group("rest"), blank_before=True))
            i += 1
            continue
        depth = _outline_depth(ln.text)
        if para is not None and depth is not None and not (para_line and _full(para_line.text, width)):
            flush()  # an outline number starts a part of its own, never the tail of a paragraph
        if ln.layout:
            flush()
            if _layout_headline(ln, body_size):
                head, j = tidy(ln.text), i + 1
                # A headline set over two paragraphs (Word) or lines: one headline.
                while (j < len(queue) and queue[j].layout and _layout_headline(queue[j], body_size)
                       and not MARKER_RE.match(queue[j].text) and _outline_depth(queue[j].text) is None
                       and (queue[j].size, queue[j].bold) == (ln.size, ln.bold)
                       and len(head + tidy(queue[j].text)) <= MAX_HEADLINE
                       and j + 1 < len(queue) and not _layout_headline(queue[j + 1], body_size)):
                    head += tidy(queue[j].text)
                    j += 1
                out.append(_Block("outline", head, depth) if depth is not None else _Block("headline", head))
                i = j
            elif depth is not None and _heading_like(ln.text, None):
                out.append(_Block("outline", tidy(ln.text), depth))
                i += 1
            else:
                out.append(_Block("para", tidy(ln.text)))
                i += 1
            continue
        if para is not None:
            para = join_broken(para, tidy(ln.text))
            para_line = ln
            if ends_sentence(ln.text):
                flush()
            i += 1
            continue
        cells = _cell_table(queue, i)
        if cells is not None:
            prefix, rows, end = cells
            if prefix:
                caption = tidy("".join(x.text for x in prefix))
                out.append(_Block("headline" if _heading_like(caption, width) else "para", caption))
            out.append(_Block("table", rows=rows) if rows and len(rows[0]) > 1
                       else _Block("lines", rows=rows))
            i = end
            continue
        if depth is not None and _heading_like(ln.text, width):
            out.append(_Block("outline", tidy(ln.text), depth))
            i += 1
            continue
        nxt = queue[i + 1] if i + 1 < len(queue) else None
        broken_after_indent = (ln.leading >= INDENT and nxt is not None and nxt.leading < INDENT
                               and not nxt.blank_before and not nxt.layout
                               and not _heading_like(nxt.text, width) and not MARKER_RE.match(nxt.text))
        # A figure alone on the next line ("…排查出问题\n128\n个，…") is the sentence going on.
        broken_before_figure = (nxt is not None and not nxt.blank_before and not nxt.layout
                                and bool(NUMERIC_CELL_RE.match(nonspace(nxt.text))))
        if depth is None and _heading_like(ln.text, width) and not broken_after_indent \
                and not broken_before_figure and not NUMERIC_CELL_RE.match(nonspace(ln.text)):
            head, j = tidy(ln.text), i + 1
            while j < len(queue) and not queue[j].blank_before and _heading_like(queue[j].text, width) \
                    and _outline_depth(queue[j].text) is None and not queue[j].layout \
                    and (queue[j].leading >= INDENT) == (ln.leading >= INDENT) \
                    and len(head + tidy(queue[j].text)) <= MAX_HEADLINE \
                    and j + 1 < len(queue) and not _heading_like(queue[j + 1].text, width):
                head += tidy(queue[j].text)
                j += 1
            follows_text = j < len(queue) and not MARKER_RE.match(queue[j].text) \
                and (not _heading_like(queue[j].text, width)
                     or queue[j].leading >= INDENT > ln.leading)  # an indented paragraph's first line
            out.append(_Block("headline" if follows_text else "para", head))
            i = j
            continue
        para, para_line = tidy(ln.text), ln
        previous = last_para()
        if ln.text.startswith(CONTINUES) and previous is not None and depth is None:
            out.pop()
            para = join_broken(previous.text, para)
        if ends_sentence(ln.text):
            flush()
        i += 1
    flush()
    return _render_blocks(out, photos)


def _tab_rows(queue: list[Line], i: int) -> tuple[list[tuple[str, ...]], int]:
    """Rows of a table copied from Word as text: cells separated by tabs, two rows or more."""
    rows: list[tuple[str, ...]] = []
    end = i
    while end < len(queue) and "\t" in queue[end].text and queue[end].role is None:
        cells = tuple(c.strip() for c in queue[end].text.split("\t"))
        if rows and len(cells) != len(rows[0]):
            break
        rows.append(cells)
        end += 1
    return (rows, end) if len(rows) >= 2 else ([], i)


def _cell_table(queue: list[Line], i: int) -> tuple[list[Line], list[tuple[str, ...]], int] | None:
    """A table copied one cell per line, from ``queue[i]``: (caption lines, rows, end) or None.

    A run of four or more short lines of which a third or more are figures is
    a table's cells: read as rows of ``p`` cells when the figures fall into
    columns (a header row, then rows of a label and figures), else kept one
    cell per line. Its figures are never page numbers.
    """
    end = i
    while end < len(queue) and not queue[end].layout and queue[end].role is None \
            and _cell_like(queue[end].text):
        end += 1
    run = queue[i:end]
    numeric = [ln for ln in run if NUMERIC_CELL_RE.match(nonspace(ln.text))]
    if len(run) < 4 or len(numeric) < 2 or 3 * len(numeric) < len(run):
        return None
    for offset in range(0, 3):
        cells = [tidy(ln.text) for ln in run[offset:]]
        for p in range(2, 9):
            if len(cells) % p or len(cells) // p < 2:
                continue
            rows = [tuple(cells[k:k + p]) for k in range(0, len(cells), p)]
            header_words = sum(1 for c in rows[0] if not NUMERIC_CELL_RE.match(nonspace(c)))
            data_ok = all(sum(1 for c in row[1:] if NUMERIC_CELL_RE.match(nonspace(c))) >= p - 1
                          for row in rows[1:])
            if header_words >= p - 1 and data_ok:
                return run[:offset], rows, end
    return [], [(tidy(ln.text),) for ln in run], end


def _render_blocks(blocks: list[_Block], photos: Sequence[Prepared] = ()) -> tuple[list[str], int, int, int]:
    """Markdown of the blocks; outline headings get one level per outline depth.

    A picture kept is its ``![caption](photo-1.jpg)``; one left out leaves its
    caption as a paragraph, so no printed text is lost.

    Levels follow the depths the document uses as headings, shallowest first:
    under article headlines (###) they start at ####; in a bulletin without
    any, the shallowest is ###. The same outline number always gets the same level.
    """
    depths = sorted({b.depth for b in blocks if b.kind == "outline"})
    base = 4 if any(b.kind == "headline" for b in blocks) else 3
    level = {d: min(6, base + k) for k, d in enumerate(depths)}
    md: list[str] = []
    headings = paragraphs = tables = 0
    for b in blocks:
        if b.kind == "section":
            md.append(SECTION_HEADING.format(name=_escape_inline(b.text)))
            headings += 1
        elif b.kind == "headline":
            md.append("### " + markdown_text(b.text, heading=True))
            headings += 1
        elif b.kind == "outline":
            md.append("#" * level[b.depth] + " " + markdown_text(b.text, heading=True))
            headings += 1
        elif b.kind == "para":
            md.append(markdown_text(b.text))
            paragraphs += 1
        elif b.kind == "table":
            md.append(markdown_table(b.rows))
            tables += 1
        elif b.kind == "figure":
            photo = photos[b.figure] if b.figure < len(photos) else None
            if photo is not None and photo.reference:
                md.append(photo.reference)
            elif photo is not None and photo.photo.caption:
                md.append(markdown_text(photo.photo.caption))
                paragraphs += 1
        else:  # cells kept one per line
            md.append("\\\n".join(markdown_text(row[0]) for row in b.rows))
            paragraphs += 1
    return md, headings, paragraphs, tables


def markdown_table(rows: list[tuple[str, ...]]) -> str:
    """A Markdown table of ``rows`` (the first is the header), every cell's text as printed."""
    width = max(len(row) for row in rows)

    def cell(text: str) -> str:
        return _escape_inline(" ".join(text.split())).replace("|", "\\|")

    out = ["| " + " | ".join(cell(c) for c in row + ("",) * (width - len(row))) + " |" for row in rows]
    out.insert(1, "|" + " --- |" * width)
    return "\n".join(out)


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]~<])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(?:[#>+=|~-]|\d{1,9}(?=[.)]))")


def _escape_inline(text: str) -> str:
    return _ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))


def markdown_text(text: str, heading: bool = False) -> str:
    """Text as Markdown that renders as exactly this text (no list, heading, emphasis, link or strike)."""
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
            comments["title"] = inferred(_("the masthead prints only the issuer and the date; taken from the "
                                           "series of the same issuer ({source})").format(source=source.source))
            return source.title, issuer
    else:
        same = [b for b in mine if b.title == title]
        if len({nonspace(b.issuer) for b in same}) == 1:
            source = max(same, key=lambda b: b.sort_key)
            comments["issuer"] = inferred(_("the masthead prints no issuer; taken from the same series "
                                            "({source})").format(source=source.source))
            return title, source.issuer
    return title, issuer


# The furniture the summary counts, by Piece.reason: the lines dropped of each kind.
FURNITURE_LINES = {
    "page number": Nn_("{count} page-number line", "{count} page-number lines"),
    "running head": Nn_("{count} running-head line", "{count} running-head lines"),
    "header": Nn_("{count} page-header line", "{count} page-header lines"),
    "footer": Nn_("{count} page-footer line", "{count} page-footer lines"),
    "rule": Nn_("{count} rule", "{count} rules"),
    GUIDE_REASON: Nn_("{count} line of the 导读", "{count} lines of the 导读"),
}


@dataclass(frozen=True)
class Written:
    path: Path
    imported: Imported
    key_lines: dict[str, int]
    source: str = ""
    photos: list[Path] = field(default_factory=list)  # the pictures written beside the bulletin
    original: Path | None = None  # the received document, kept beside it
    removed: list[Path] = field(default_factory=list)  # an earlier import's pictures (--force)

    def report(self) -> list[str]:
        """One ``path:line: warning: …`` per fact not found or inferred, pointing into the new file."""
        out = []
        for note in self.imported.notes:
            line = self.key_lines.get(note.key, 0) if note.key else 0
            out.append(BriefsiteError(self.path, line, note.message, hint=note.hint,
                                      severity="warning").format())
        for key, comment in self.imported.comments.items():
            if comment.startswith(INFERRED):
                how = comment[len(INFERRED):].strip()
                out.append(BriefsiteError(self.path, self.key_lines.get(key, 0),
                                          _("{key} was inferred: {how}").format(key=key, how=how),
                                          hint=_("check it"), severity="warning").format())
        return out

    def summary(self) -> str:
        """One line of clauses: where it was written and what it holds, the pictures, what was
        dropped, how the city was found, what to check. Each clause is one sentence."""
        imported = self.imported
        counts: dict[str, int] = {}
        for piece in imported.dropped:
            if piece.reason in FURNITURE_LINES:
                counts[piece.reason] = counts.get(piece.reason, 0) + 1
        headings = ngettext("{count} heading", "{count} headings", imported.headings).format(
            count=imported.headings)
        paragraphs = ngettext("{count} paragraph", "{count} paragraphs", imported.paragraphs).format(
            count=imported.paragraphs)
        if imported.tables:
            tables = ngettext("{count} table", "{count} tables", imported.tables).format(count=imported.tables)
            clauses = [_("wrote {path}: {headings}, {paragraphs}, {tables}").format(
                path=self.path, headings=headings, paragraphs=paragraphs, tables=tables)]
        else:
            clauses = [_("wrote {path}: {headings}, {paragraphs}").format(
                path=self.path, headings=headings, paragraphs=paragraphs)]
        kept, left_out = len(self.photos), len(imported.photos) - len(self.photos)
        if left_out > 0:
            clauses.append(ngettext("{kept} picture imported, {left} not imported",
                                    "{kept} pictures imported, {left} not imported", kept).format(
                kept=kept, left=left_out))
        elif kept:
            clauses.append(ngettext("{count} picture imported", "{count} pictures imported", kept).format(
                count=kept))
        if imported.decorations:
            clauses.append(ngettext("{count} small decorative picture left out (rules, logos and the like)",
                                    "{count} small decorative pictures left out (rules, logos and the like)",
                                    imported.decorations).format(count=imported.decorations))
        if self.original is not None:
            clauses.append(_("the received document kept as {path}").format(path=self.original))
        if self.removed:
            clauses.append(ngettext("removed {count} file an earlier import wrote ({names})",
                                    "removed {count} files an earlier import wrote ({names})",
                                    len(self.removed)).format(
                count=len(self.removed), names=_(", ").join(path.name for path in self.removed)))
        if counts:
            lines = _(", ").join(ngettext(*FURNITURE_LINES[reason], n).format(count=n)
                                 for reason, n in counts.items())
            clauses.append(_("dropped {lines}").format(lines=lines))
        clauses.append(_("city {city} ({how})").format(city=imported.facts.get("city"), how=imported.city_how))
        check = []
        if imported.missing:
            check.append(_("fill in {keys} (null for now: check fails)").format(keys=_(", ").join(imported.missing)))
        skipped = sum(1 for p in imported.photos if p.problem)
        if skipped:
            check.append(ngettext("{count} picture not imported (see the warnings above): add it by hand",
                                  "{count} pictures not imported (see the warnings above): add them by hand",
                                  skipped).format(count=skipped))
        guessed = [k for k, c in imported.comments.items() if c.startswith(INFERRED)]
        if guessed:
            check.append(_("check the inferred {keys}").format(keys=_(", ").join(guessed)))
        if check:
            clauses.append(_("to check: {items}").format(items=_("; ").join(check)))
        return _("; ").join(clauses)


# The files a folder import takes, by name.
IMPORTABLE = (".pdf", ".docx", ".doc", ".wps", ".txt", ".md")


def read_document(path: Path, data: bytes | None = None, config: Config | None = None) -> Document:
    """The reader for the file's kind (by its bytes, not its name): PDF, Word, legacy Word, text."""
    data = read_input(path) if data is None else data
    name = str(path)
    if data.startswith(b"%PDF"):
        from .pdf import read_pdf
        return read_pdf(data, name, (config or Config()).image_limits)
    if data.startswith(b"PK\x03\x04"):
        from .word import read_docx
        return read_docx(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        from .word import read_legacy
        return read_legacy(path, data, name)
    if len(data) > MAX_TEXT:
        raise BriefsiteError(path, 0, _("the text has {size} bytes, far more than a bulletin").format(
            size=len(data)), hint=_("is this the right file?"))
    text = decode_raw(data, name)
    if not text.strip():
        raise BriefsiteError(path, 0, _("file is empty"), hint=_("paste the bulletin's text into it"))
    return read_text(text, name)


def import_file(raw: Path, out: Path, *, city: str | None, config: Config,
                force: bool = False, archive: Sequence[Bulletin] | None = None) -> Written:
    """Read ``raw`` (PDF, Word or text), interpret it, and write ``out/<city-slug>/<name>.md``;
    with its pictures and the received .pdf/.docx in the bulletin's folder beside it."""
    check_out_folder(out)
    data = read_input(raw)
    doc = read_document(raw, data, config)
    if archive is None:
        archive = load_archive(out, config)
    try:
        imported = interpret(doc, city=city, config=config, archive=archive)
    except BriefsiteError as exc:
        raise BriefsiteError(raw, exc.line, exc.message, hint=exc.hint) from None
    city_name = str(imported.facts["city"])
    path = out / config.city_slug(city_name) / imported.file_name()
    content, key_lines = imported.render()
    original = original_path(path, data)
    # Every file checked before any is written (the bulletin's own by _write): a
    # refused import leaves nothing behind.
    check_free([*photo_paths(path, imported.photos), *([original] if original else [])], force)
    _write(path, content, force)
    photos = write_photos(path, imported.photos, force=force)
    if original is not None:
        keep_original(path, data, force=force)
    # Replacing a bulletin replaces what its import wrote beside it, too.
    removed = remove_left_from_before(path, [*photos, *([original] if original else [])]) if force else []
    return Written(path, imported, key_lines, str(raw), photos, original, removed)


def _write(path: Path, content: str, force: bool) -> None:
    """``write_new_file``, with what stops it said of the city folder."""
    folder = path.parent
    if folder.is_symlink() and not folder.exists():
        raise BriefsiteError(folder, 0, _("the city folder is a dangling symbolic link; nothing was written"),
                             hint=_("delete or correct the link, then import again"))
    try:
        write_new_file(path, content, overwrite=force)
    except (FileExistsError, NotADirectoryError):
        raise BriefsiteError(folder, 0, _("not a folder; nothing can be written into it"),
                             hint=_("move the file of that name away, then import again")) from None
    except OSError as exc:
        raise BriefsiteError(folder, 0, _("cannot write into this folder: {reason}").format(reason=exc.strerror),
                             hint=_("check the folder's permissions and the free disk space")) from None


def check_out_folder(out: Path) -> None:
    """``--out`` must be a folder (or not exist yet): say so before reading anything."""
    if out.is_symlink() and not out.exists():
        raise BriefsiteError(out, 0, _("the output folder is a dangling symbolic link"),
                             hint=_("correct the link, or give another --out"))
    if out.exists() and not out.is_dir():
        raise BriefsiteError(out, 0, _("--out names a file, not a folder"),
                             hint=_("give the folder of the bulletins, e.g. --out bulletins"))


def expand_inputs(paths: Sequence[Path], out: Path | None = None) -> list[Path]:
    """The files to import: each file given, and the importable files of each folder given.

    A folder (an office's back catalogue) is walked in name order; hidden files,
    editor leftovers and the archive itself (``out``: its bulletins are not
    received files) are passed over. ``-`` is standard input.
    """
    files: list[Path] = []
    archive = out.resolve() if out is not None and out.is_dir() else None
    for path in paths:
        if str(path) != "-" and path.is_dir():
            for found in sorted(path.rglob("*")):
                rel = found.relative_to(path)
                if any(part.startswith((".", "~")) for part in rel.parts):
                    continue
                if archive is not None and archive in found.resolve().parents:
                    continue
                if found.suffix.lower() in IMPORTABLE and found.is_file():
                    files.append(found)
        else:
            files.append(path)
    return files


def load_archive(out: Path, config: Config) -> list[Bulletin]:
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
                raise _exists(path) from None
            except OSError:  # no hard links on this file system: check, then move
                if path.exists():
                    raise _exists(path) from None
                os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _exists(path: Path) -> BriefsiteError:
    return BriefsiteError(path, 0, _("the file exists already; nothing was written"),
                          hint=_("to overwrite it, add --force"))
