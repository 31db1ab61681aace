"""Read the 版记 (closing block) at the end of a bulletin's extracted text.

GB/T 9704 prints it at the foot of the last page, between rules: the
recipients under their labels (报, 送, 发, 抄送 and the variants model.PRINTED_LABELS lists, each a list
of names that may wrap over lines), the issuing office and date of printing
(…办公室 2024年5月10日印发), and often the bulletin's 文号 and a contact line.
``read_closing`` finds where it begins, turns it into facts and records every
label and separator it consumed as a ``Piece``, so the importer can account
for each character of the input; what it cannot use as a fact stays in the
text, with a remark saying why.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from briefsite.content.dates import find_dates
from briefsite.content.loader import MAX_TEXT
from briefsite.content.model import PRINTED_LABELS, RECIPIENT_LABELS
from briefsite.i18n import _, ngettext
from .masthead import DOC_NUMBER, ORG_ENDINGS, Piece
from .textshape import MARKER_RE, fills_line, join_broken, nonspace, tidy

# Every label the format knows (model.PRINTED_LABELS), spaced or not ("抄 送"),
# longer ones first: 报送 is not 报 followed by a name starting with 送.
LABEL_RE = re.compile(r"^(?P<label>" + "|".join(r"\s*".join(label) for label in
                                               sorted(PRINTED_LABELS, key=len, reverse=True))
                      + r")\s*[：:]\s*(?P<rest>.*)$")
DOC_NUMBER_RE = re.compile(rf"^{DOC_NUMBER}$")  # matched against the line without spaces
CONTACT_RE = re.compile(r"^(?:联\s*系\s*电\s*话|联\s*系\s*人|联系方式|电\s*话|传\s*真|电子邮箱|邮\s*箱|"
                        r"e-?mail|地\s*址)\s*[：:]", re.I)
# Searched, not matched from the start: a lazy "^(.*?)\s*印发$" retries the
# whitespace run at every position and is quadratic in it (issue 12, item 3).
PRINTED_RE = re.compile(r"印\s*发$")
# Names are split only at "，", as the page joins them again; "；", "," and "."
# may belong to a name (Co., Ltd.) and stay in it, so the page prints them.
ENTRY_SEPARATOR = "，"
# How a complete recipient's name ends: a body (…办公室, …管委会) or a person's post.
NAME_ENDINGS = ORG_ENDINGS + ("书记", "长", "主任", "成员", "同志", "领导", "负责人", "部门", "单位",
                              "人大", "政协", "院", "会", "员", "所", "站", "队", "司", "社", "校", "团")
# The reasons of the Pieces the 版记 consumes (the importer's account of every character).
LABEL_PIECE = "版记 label"
SEPARATOR_PIECE = "版记 separator"
PRINTED_PIECE = "印发 date"
# Characters that end a sentence: a line holding one inside is text, not a list of names.
SENTENCE_MARKS = "。！？!?"
ENTRY_END = "。"  # ends a 报/送 entry (and a sentence)


class Line(Protocol):
    """What the reader needs of a line: its number in the input and its stripped text."""

    @property
    def no(self) -> int: ...

    @property
    def text(self) -> str: ...


@dataclass
class Closing:
    start: int  # index of the first 版记 line in the lines given; len(lines) when there is none
    # Front-matter key -> names, in printed order: the kind (report, …) when
    # its usual label was printed, else the printed label itself (分送, 抄报).
    recipients: dict[str, list[str]] = field(default_factory=dict)
    doc_number: str | None = None
    printed: dt.date | None = None
    printed_by: str | None = None
    printed_text: str = ""
    printed_piece: Piece | None = None
    contact: str | None = None
    body: list[tuple[int, str]] = field(default_factory=list)  # lines after ``start`` kept in the text
    remarks: list[tuple[str | None, str, str]] = field(default_factory=list)  # (key, message, hint)


def closing_kind(text: str) -> str | None:
    """Which kind of 版记 line this is: label, doc_number, contact, printed, or None."""
    if LABEL_RE.match(text):
        return "label"
    if DOC_NUMBER_RE.match(nonspace(text)):
        return "doc_number"
    if CONTACT_RE.match(text):
        return "contact"
    before = printed_before(text)
    if before is not None and find_dates(before):
        return "printed"
    return None


def printed_before(text: str) -> str | None:
    """What a "… 2024年5月10日印发" line prints before 印发; None if it does not end so."""
    match = PRINTED_RE.search(text)
    return text[: match.start()].rstrip() if match else None


def _entry_like(text: str) -> bool:
    """A line that may continue a 报/送 entry: a list of names, not a sentence."""
    inner = text.rstrip(ENTRY_END + ".")
    return len(nonspace(text)) <= 150 and not any(ch in SENTENCE_MARKS for ch in inner) \
        and not MARKER_RE.match(text)


def _start(lines: Sequence[Line]) -> int | None:
    """Where the 版记 begins: its first label, or a 印发 line near the end.

    Everything after it must be 版记 lines or lists of names. A 文号 alone does
    not begin it: a 文号 above the first label or 印发 line is one the text
    cites (…的通知 / 湘环发〔2024〕12号), not the bulletin's own.
    """
    kinds = [closing_kind(ln.text) for ln in lines]
    # rest_ok[i]: every line after i may belong to a 版记 (one pass from the end).
    rest_ok = [True] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        rest_ok[i] = rest_ok[i + 1] and (kinds[i] is not None or _entry_like(lines[i].text))
    for i, kind in enumerate(kinds):
        if rest_ok[i + 1] and (kind == "label" or (kind == "printed" and i >= len(lines) - 4)):
            return i
    if lines and kinds[-1] == "contact":
        return len(lines) - 1  # a contact line alone at the very end (seed 004 has it after 送)
    return None


def read_closing(lines: Sequence[Line], width: int | None, dropped: list[Piece],
                 masthead_doc_number: str | None = None) -> Closing:
    """The 版记 at the end of ``lines``: recipients, 文号, 印发 line, contact.

    ``masthead_doc_number``: the 文号 the masthead printed, which is the
    bulletin's own; a 文号 line in the 版记 then stays in the text.
    """
    start = _start(lines)
    if start is None:
        return Closing(len(lines))
    closing = Closing(start)
    current: str | None = None  # "label:<key>" or "contact"
    # front-matter key -> entries, each a list of (line number, text, whole printed line)
    entries: dict[str, list[list[tuple[int, str, str]]]] = {}
    contact: list[tuple[int, str]] = []
    for ln in lines[start:]:
        kind = closing_kind(ln.text)
        if kind == "label":
            match = LABEL_RE.match(ln.text)
            assert match
            label = nonspace(match.group("label"))
            kind = PRINTED_LABELS[label]
            key = kind if label == RECIPIENT_LABELS[kind] else label
            dropped.append(Piece(ln.no, ln.text[: match.start("rest")], LABEL_PIECE))
            rest = match.group("rest")
            entries.setdefault(key, []).append([(ln.no, rest, ln.text)] if rest else [])
            current = "label:" + key
        elif kind == "doc_number" and closing.doc_number is None and masthead_doc_number is None:
            closing.doc_number = nonspace(ln.text)
            current = None
        elif kind == "doc_number":  # a second one, or the masthead printed the bulletin's own
            closing.body.append((ln.no, ln.text))
            if masthead_doc_number:
                message = _("the document number {number} on line {line} was kept at the end of the text; the "
                            "bulletin's own is the one the masthead prints, {own}")
            else:
                message = _("the document number {number} on line {line} was kept at the end of the text; the "
                            "bulletin's own is the one printed before it in the closing block, {own}")
            closing.remarks.append(("doc_number", message.format(
                number=nonspace(ln.text), line=ln.no, own=masthead_doc_number or closing.doc_number),
                _("check which is the bulletin's own document number")))
            current = None
        elif kind == "printed" and closing.printed is None:
            before = printed_before(ln.text)
            assert before is not None
            found = find_dates(before)[-1]
            closing.printed = found.date
            closing.printed_by = tidy(before[: found.start] + " " + before[found.end:]) or None
            closing.printed_text = ln.text[len(before[: found.start]):].strip()
            closing.printed_piece = Piece(ln.no, closing.printed_text, PRINTED_PIECE)
            dropped.append(closing.printed_piece)
            current = None
        elif kind == "contact" or current == "contact":
            contact.append((ln.no, ln.text))
            current = "contact"
        elif current and current.startswith("label:"):
            entries[current[6:]][-1].append((ln.no, ln.text, ln.text))
        else:
            closing.body.append((ln.no, ln.text))
            closing.remarks.append((None, _("line {line}, after the closing block, was kept at the end of the "
                                            "text: {text}").format(line=ln.no, text=ln.text), ""))
    for key, groups in entries.items():  # in the order first printed
        names = [n for group in groups for n in entry_names(group, width, dropped)]
        if names:
            closing.recipients[key] = names
    if contact:
        text = " ".join(" ".join(t.split()) for _, t in contact)
        if len(text) <= MAX_TEXT:
            closing.contact = text
        else:  # check rejects it as a masthead value: it stays in the text, whole
            closing.body.extend(contact)
            closing.remarks.append((None, ngettext(
                "the contact line has {count} character, more than the limit of {limit}: it was kept at the end "
                "of the text",
                "the contact line has {count} characters, more than the limit of {limit}: it was kept at the end "
                "of the text", len(text)).format(count=len(text), limit=MAX_TEXT),
                _("to use it as contact, shorten it and move it into the front-matter")))
    closing.body.sort()
    return closing


def entry_names(group: list[tuple[int, str, str]], width: int | None,
                dropped: list[Piece]) -> list[str]:
    """The names of one 报/送 entry, which may run over several lines.

    Names are separated by "，" (the page joins them with it again); a final
    "。" ends the entry. A line break continues the current name when the
    printed line ran to the full width or ended in "、", when the next line
    begins with one character before a "，" (…管委 / 会，…), or when the name
    so far ends no name and the joined one does (…办公 / 室); otherwise the next
    line starts a new name.
    """
    names: list[str] = []
    current = ""
    for k, (no, text, _) in enumerate(group):
        first = tidy(text.split(ENTRY_SEPARATOR, 1)[0])
        if k > 0 and current:
            _, prev, prev_whole = group[k - 1]
            if not _continues(current, prev, prev_whole, first, width):
                names.append(current)
                current = ""
        separators = text.count(ENTRY_SEPARATOR)
        if separators:
            dropped.append(Piece(no, ENTRY_SEPARATOR * separators, SEPARATOR_PIECE))
        for j, part in enumerate(text.split(ENTRY_SEPARATOR)):
            if j > 0 and current:
                names.append(current)
                current = ""
            current = join_broken(current, tidy(part))
    if current:
        names.append(current)
    cleaned = []
    for name in names:
        stripped = name.rstrip(ENTRY_END)
        if stripped != name:
            dropped.append(Piece(group[-1][0], name[len(stripped):], SEPARATOR_PIECE))
        if stripped:
            cleaned.append(stripped)
    return cleaned


def _continues(name: str, prev: str, prev_whole: str, first: str, width: int | None) -> bool:
    """Whether the next line's ``first`` part continues ``name``, cut by a line break."""
    if prev.rstrip().endswith("、") or fills_line(prev_whole, width):
        return True
    if len(first) == 1:
        return True  # no recipient's name is one character: …管委 / 会
    return not name.endswith(NAME_ENDINGS) and (name + first).endswith(NAME_ENDINGS)
