"""Read the 版记 (closing block) at the end of a bulletin's extracted text.

GB/T 9704 prints it at the foot of the last page, between rules: the
recipients (报/送/发/抄送, each a list of names that may wrap over lines), the
issuing office and date of printing (…办公室 2024年5月10日印发), and often a
文号 and a contact line. ``read_closing`` finds where it begins, turns it into
facts and records every label and separator it consumed as a ``Piece``, so
the importer can account for each character of the input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from briefsite.dates import find_dates
from .masthead import Piece
from .textshape import MARKER_RE, fills_line, join_broken, nonspace, tidy

LABEL_RE = re.compile(r"^(?P<label>抄\s*送|报|送|发)\s*[：:]\s*(?P<rest>.*)$")
LABEL_KEYS = {"报": "report", "送": "send", "发": "distribute", "抄送": "cc"}
DOC_NUMBER_RE = re.compile(r"^[^\s，。：:]{1,16}[【〔\[［（(]\s*\d{4}\s*[】〕\]］）)]\s*(?:第\s*)?\d{1,5}\s*号$")
CONTACT_RE = re.compile(r"^(?:联\s*系\s*电\s*话|联\s*系\s*人|联系方式|电\s*话|传\s*真|电子邮箱|邮\s*箱|"
                        r"e-?mail|地\s*址)\s*[：:]", re.I)
# Searched, not matched from the start: a lazy "^(.*?)\s*印发$" retries the
# whitespace run at every position and is quadratic in it (issue 12, item 3).
PRINTED_RE = re.compile(r"印\s*发$")
ENTRY_SPLIT_RE = re.compile(r"[，,；;]")
RECIPIENT_ORDER = ("report", "send", "distribute", "cc")


class Line(Protocol):
    """What the reader needs of a line: its number in the input and its stripped text."""

    @property
    def no(self) -> int: ...

    @property
    def text(self) -> str: ...


@dataclass
class Closing:
    start: int  # index of the first 版记 line in the lines given; len(lines) when there is none
    recipients: dict[str, list[str]] = field(default_factory=dict)
    doc_number: str | None = None
    printed: dt.date | None = None
    printed_by: str | None = None
    printed_text: str = ""
    printed_piece: Piece | None = None
    contact: str | None = None
    trailing: list[tuple[int, str]] = field(default_factory=list)  # lines after it that belong to the body


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
    inner = text.rstrip("。.")
    return len(nonspace(text)) <= 150 and not any(ch in "。！？!?" for ch in inner) \
        and not MARKER_RE.match(text)


def read_closing(lines: Sequence[Line], width: int | None, dropped: list[Piece]) -> Closing:
    """The 版记 at the end of ``lines``: 报/送/发/抄送, 文号, 印发 line, contact."""
    start = None
    for i, ln in enumerate(lines):
        if closing_kind(ln.text) in ("label", "doc_number", "printed") and all(
                closing_kind(later.text) or _entry_like(later.text) for later in lines[i + 1:]):
            if closing_kind(ln.text) == "label" or i >= len(lines) - 4:
                start = i
                break
    if start is None:
        # A contact line alone at the very end (seed 004 has it after 送).
        if lines and closing_kind(lines[-1].text) == "contact":
            start = len(lines) - 1
        else:
            return Closing(len(lines))
    closing = Closing(start)
    current: str | None = None  # "label:<key>" or "contact"
    # key -> entries, each a list of (line number, text, whole printed line)
    entries: dict[str, list[list[tuple[int, str, str]]]] = {}
    contact: list[str] = []
    for ln in lines[start:]:
        kind = closing_kind(ln.text)
        if kind == "label":
            match = LABEL_RE.match(ln.text)
            assert match
            key = LABEL_KEYS[nonspace(match.group("label"))]
            dropped.append(Piece(ln.no, ln.text[: match.start("rest")], "版记 label"))
            rest = match.group("rest")
            entries.setdefault(key, []).append([(ln.no, rest, ln.text)] if rest else [])
            current = "label:" + key
        elif kind == "doc_number" and closing.doc_number is None:
            closing.doc_number = nonspace(ln.text)
            current = None
        elif kind == "printed" and closing.printed is None:
            before = printed_before(ln.text)
            assert before is not None
            found = find_dates(before)[-1]
            closing.printed = found.date
            closing.printed_by = tidy(before[: found.start] + " " + before[found.end:]) or None
            closing.printed_text = ln.text[len(before[: found.start]):].strip()
            closing.printed_piece = Piece(ln.no, closing.printed_text, "印发 date")
            dropped.append(closing.printed_piece)
            current = None
        elif kind == "contact" or current == "contact":
            contact.append(" ".join(ln.text.split()))
            current = "contact"
        elif current and current.startswith("label:"):
            entries[current[6:]][-1].append((ln.no, ln.text, ln.text))
        else:
            closing.trailing.append((ln.no, ln.text))
    for key in RECIPIENT_ORDER:
        if key in entries:
            names = [n for group in entries[key] for n in entry_names(group, width, dropped)]
            if names:
                closing.recipients[key] = names
    if contact:
        closing.contact = " ".join(contact)
    return closing


def entry_names(group: list[tuple[int, str, str]], width: int | None,
                dropped: list[Piece]) -> list[str]:
    """The names of one 报/送 entry, which may run over several lines.

    Names are separated by "，" (as the hand-made seeds split them). A line
    break continues the current name when the printed line ran to the full
    width or ended with "、"; otherwise the next line starts a new name.
    """
    names: list[str] = []
    current = ""
    for k, (no, text, _) in enumerate(group):
        if k > 0 and current:
            _, prev, prev_whole = group[k - 1]
            if not (prev.endswith("、") or fills_line(prev_whole, width)):
                names.append(current)
                current = ""
        separators = ENTRY_SPLIT_RE.findall(text)
        if separators:
            dropped.append(Piece(no, "".join(separators), "版记 separator"))
        for j, part in enumerate(ENTRY_SPLIT_RE.split(text)):
            if j > 0 and current:
                names.append(current)
                current = ""
            current = join_broken(current, tidy(part))
    if current:
        names.append(current)
    cleaned = []
    for name in names:
        stripped = name.rstrip("。.")
        if stripped != name:
            dropped.append(Piece(group[-1][0], name[len(stripped):], "版记 separator"))
        if stripped:
            cleaned.append(stripped)
    return cleaned
