"""Dates and numbers as printed on Chinese bulletins.

Mastheads and 印发 lines print dates in several hands: 2024年5月10日,
2024 年 5 月 10 日 (text extraction spaces every run), 2024.5.10, 2024-05-10,
2024/5/10 and 二〇二四年五月十日 (also with 零, and 廿/卅 for 20/30). Issue
numbers come as digits or Chinese numerals (第十五期). Full-width digits
(２０２４) count as digits: Python's ``\\d`` and ``int`` accept them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100}
_CN_TENS = {"廿": 20, "卅": 30}
CN_NUMERAL = "〇零○Ｏ一二两三四五六七八九十百廿卅"
# An issue or day number as printed: digits, or Chinese numerals.
NUMBER = rf"(?:\d{{1,4}}|[{CN_NUMERAL}]{{1,6}})"

_YEAR_CN = "[〇零○Ｏ一二三四五六七八九]{4}"
_MD_CN = "[一二三四五六七八九十廿卅]{1,3}"
# A date as bulletins print it, 2024年5月10日: their masthead and 印发 line.
PRINTED_DATE = "{year}年{month}月{day}日"
_DATE_PATTERNS = (
    # 2024年5月10日, 2024 年 5 月 10 日, 2024年5月10号
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    # 2024.5.10, 2024-05-10, 2024/5/10 (one separator throughout)
    re.compile(r"(?<![\d.])(?P<y>\d{4})\s*(?P<sep>[.．\-－/／])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*"
               r"(?P<d>\d{1,2})(?![\d.])"),
    # 二〇二四年五月十日
    re.compile(rf"(?P<y>{_YEAR_CN})\s*年\s*(?P<m>{_MD_CN})\s*月\s*(?P<d>{_MD_CN})\s*[日号]"),
)


@dataclass(frozen=True)
class DateMatch:
    date: dt.date
    start: int
    end: int
    text: str


def cn_date(value: dt.date | None) -> str:
    """2024-05-10 -> 2024年5月10日, as printed on a bulletin."""
    if value is None:
        return ""
    return PRINTED_DATE.format(year=value.year, month=value.month, day=value.day)


def chinese_number(text: str) -> int | None:
    """The value of a number in digits or Chinese numerals; None if it is neither.

    Handles 十五 (15), 二十一 (21), 廿一 (21), 一百零二 (102) and digit-by-digit
    readings such as 二〇二四 (2024).
    """
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(ch not in _CN_DIGIT and ch not in _CN_UNIT and ch not in _CN_TENS for ch in text):
        return None
    if not any(ch in _CN_UNIT or ch in _CN_TENS for ch in text):
        # 二〇二四: one digit per character
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGIT[ch]
        return value
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGIT:
            if digit is not None and _CN_DIGIT[ch] != 0:
                return None  # two digits in a row: 二三十 is not a number
            digit = _CN_DIGIT[ch] if _CN_DIGIT[ch] else None
        elif ch in _CN_TENS:
            if digit is not None:
                return None
            total += _CN_TENS[ch]
        else:
            unit = _CN_UNIT[ch]
            total += (digit if digit is not None else 1) * unit
            digit = None
    if digit is not None:
        total += digit
    return total


def _to_date(match: re.Match) -> dt.date | None:
    year, month, day = (chinese_number(match.group(k)) for k in ("y", "m", "d"))
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None  # 2024年2月30日 is not a date; leave the text alone


def find_dates(text: str) -> list[DateMatch]:
    """Every real date printed in ``text``, in order of position."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            date = _to_date(match)
            if date is not None:
                found.append(DateMatch(date, match.start(), match.end(), match.group(0)))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def parse_date(text: str) -> dt.date | None:
    """The date if ``text`` is exactly one printed date (surrounding space allowed)."""
    stripped = text.strip()
    matches = find_dates(stripped)
    if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(stripped):
        return matches[0].date
    return None
