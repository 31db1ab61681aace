"""The shape of a line of Chinese text copied out of a PDF or Word file.

Text extraction keeps the printed line breaks and spaces every run of Latin
characters ("2 月 23 日"); these helpers answer the questions the importer
asks of a line: how wide is it, does it end a sentence, what is it without
the extraction's spaces.
"""

from __future__ import annotations

import re
import unicodedata

# A sentence ends with one of these, possibly followed by closing quotes or brackets.
TERMINAL = "。！？；…!?"
_CLOSERS = "”’」』）)》〉】\"'"
_TERMINAL_RE = re.compile(rf"[{re.escape(TERMINAL)}][{re.escape(_CLOSERS)}]*$")
# Punctuation that never stands in a headline (a headline may hold 、 “” 《》 （） ：).
SENTENCE_PUNCT = "，。；！？,;!?…"
_PAIRS = ("“”", "《》", "（）", "()", "「」", "『』", "【】", "〔〕", "‘’")


def is_wide(ch: str) -> bool:
    """Characters that take two columns: CJK ideographs, CJK and full-width punctuation."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def display_width(text: str) -> int:
    return sum(2 if is_wide(ch) else 1 for ch in text)


def ends_sentence(text: str) -> bool:
    return bool(_TERMINAL_RE.search(text.rstrip()))


def has_sentence_punct(text: str) -> bool:
    return any(ch in SENTENCE_PUNCT for ch in text)


def balanced(text: str) -> bool:
    """False when a quote or bracket opens and does not close (or the reverse)."""
    return all(text.count(open_) == text.count(close) for open_, close in _PAIRS)


def tidy(text: str) -> str:
    """Drop the whitespace that extraction puts next to Chinese characters.

    "2 月 23 日" -> "2月23日", "督察 工作简报" -> "督察工作简报"; a run of
    whitespace between two Latin characters becomes one space ("a  b" -> "a b").
    """
    parts = text.split()
    if not parts:
        return ""
    out = [parts[0]]
    for part in parts[1:]:
        if is_wide(out[-1][-1]) or is_wide(part[0]):
            out.append(part)
        else:
            out.append(" " + part)
    return "".join(out)


def join_broken(left: str, right: str) -> str:
    """Join two pieces of one sentence that a line break separated."""
    if not left:
        return right
    if not right:
        return left
    if is_wide(left[-1]) or is_wide(right[0]):
        return left + right
    return left + " " + right


def nonspace(text: str) -> str:
    """The text without any whitespace, for comparing what was printed."""
    return "".join(text.split())


# A section marker line: "【市级动态】", possibly followed by the first text of the section.
MARKER_RE = re.compile(r"^【(?P<name>[^【】\d][^【】]{0,24})】\s*(?P<rest>.*)$")


def fills_line(text: str, width: int | None) -> bool:
    """True when a line runs to the printed line width: it was broken by the layout, not the author."""
    return width is not None and display_width(text) >= 0.9 * width
