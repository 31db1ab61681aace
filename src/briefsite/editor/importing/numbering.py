"""Word's automatic list numbers (一、 （一） 1. ①), as the document shows them.

A paragraph in a numbered list does not hold its number: Word draws "一、"
from the list's definition in numbering.xml and a counter it keeps while
laying the document out. python-docx gives the paragraph's text only, so an
import would lose every such number. ``Numbering`` replays the counters in
document order and gives each numbered paragraph the label Word prints
before it.

Implemented from ECMA-376 Part 1, §17.9 (numbering): a paragraph's list is
its own ``w:numPr`` or its style's; a ``w:num`` names an abstract definition
and may restart levels (``w:lvlOverride/w:startOverride``); lists sharing
an abstract definition continue one another; numbering a level restarts
the levels below it unless ``w:lvlRestart`` says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_DIGITS = "〇一二三四五六七八九"
_UNITS = "十百千"
_ZERO = "零"  # a zero inside a number: 一百零五
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_UNITS = "拾佰仟"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_STOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def chinese_counting(n: int, digits: str = _DIGITS, units: str = _UNITS, *, legal: bool = False) -> str:
    """一, 十, 十一, 二十, 一百零五 (壹拾贰 in the legal form): how Word's
    chineseCounting and chineseLegalSimplified write n (< 10,000)."""
    if n <= 0 or n >= 10_000:
        return str(n)
    parts = []
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append(_ZERO)
            zero = False
        leading_ten = d == 1 and power == 10 and not parts and not legal  # 十一, not 一十一
        parts.append(("" if leading_ten else digits[d]) + unit)
    return "".join(parts)


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz, aaa …
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    out = []
    for value, numeral in _ROMAN:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _full_width(n: int) -> str:
    return str(n).translate(_FULL_WIDTH)


def _digit_by_digit(n: int) -> str:
    return "".join(_DIGITS[int(d)] for d in str(n))  # 2024 -> 二〇二四


def _from(table: str, n: int) -> str:
    return table[n - 1] if 0 < n <= len(table) else str(n)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": _full_width,
    "decimalFullWidth2": _full_width,
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": lambda n: _from(_CIRCLED, n),
    "decimalEnclosedCircleChinese": lambda n: _from(_CIRCLED, n),
    "decimalEnclosedParen": lambda n: _from(_PAREN, n),
    "decimalEnclosedFullstop": lambda n: _from(_STOP, n),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerLetter": _letters,
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "japaneseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "taiwaneseCountingThousand": chinese_counting,
    "ideographDigital": _digit_by_digit,
    "taiwaneseDigital": _digit_by_digit,
    "chineseLegalSimplified": lambda n: chinese_counting(n, _LEGAL, _LEGAL_UNITS, legal=True),
    "ideographLegalTraditional": lambda n: chinese_counting(n, _LEGAL, _LEGAL_UNITS, legal=True),
    "ideographTraditional": lambda n: _from(_HEAVENLY, n),
    "ideographZodiac": lambda n: _from(_EARTHLY, n),
}


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # restart after this level (1-based) is numbered; 0: never
    legal: bool = False  # w:isLgl: every number of the label as a decimal (1.1.2)
    suffix: str = "tab"


@dataclass
class _List:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # level -> w:startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # level -> w:lvlOverride/w:lvl


def _val(element, name: str) -> str | None:
    child = element.find(W + name)
    return child.get(W + "val") if child is not None else None


def _level(lvl) -> _Level:
    level = _Level()
    start = _val(lvl, "start")
    level.start = int(start) if start and start.lstrip("-").isdigit() else 1
    level.fmt = _val(lvl, "numFmt") or "decimal"
    level.text = _val(lvl, "lvlText") or ""
    restart = _val(lvl, "lvlRestart")
    level.restart = int(restart) if restart and restart.isdigit() else None
    legal = lvl.find(W + "isLgl")
    level.legal = legal is not None and legal.get(W + "val", "true") not in ("0", "false", "off")
    level.suffix = _val(lvl, "suff") or "tab"
    return level


class Numbering:
    """The list numbers of one document, replayed in reading order."""

    def __init__(self, numbering_xml, styles_xml) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.lists: dict[str, _List] = {}
        self.style_lists: dict[str, tuple[str, int]] = {}  # style id -> (numId, level)
        self.style_parent: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}  # abstract id -> level -> last number
        self.started: set[tuple[str, int]] = set()  # (numId, level) whose startOverride was applied
        if numbering_xml is not None:
            for abstract in numbering_xml.iter(W + "abstractNum"):
                levels = {int(lvl.get(W + "ilvl", "0")): _level(lvl) for lvl in abstract.iter(W + "lvl")}
                self.abstracts[abstract.get(W + "abstractNumId", "")] = levels
            for num in numbering_xml.iter(W + "num"):
                abstract_id = _val(num, "abstractNumId")
                if abstract_id is None:
                    continue
                entry = _List(abstract_id)
                for override in num.iter(W + "lvlOverride"):
                    ilvl = int(override.get(W + "ilvl", "0"))
                    start = _val(override, "startOverride")
                    if start and start.lstrip("-").isdigit():
                        entry.starts[ilvl] = int(start)
                    lvl = override.find(W + "lvl")
                    if lvl is not None:
                        entry.levels[ilvl] = _level(lvl)
                self.lists[num.get(W + "numId", "")] = entry
        if styles_xml is not None:
            for style in styles_xml.iter(W + "style"):
                style_id = style.get(W + "styleId", "")
                based = _val(style, "basedOn")
                if based:
                    self.style_parent[style_id] = based
                num_pr = style.find(f"{W}pPr/{W}numPr")
                if num_pr is not None and _val(num_pr, "numId"):
                    self.style_lists[style_id] = (_val(num_pr, "numId") or "", int(_val(num_pr, "ilvl") or 0))

    @classmethod
    def of(cls, word) -> "Numbering":
        """The numbering of a python-docx Document (an empty one when it has none)."""
        part = word.part
        try:
            numbering = part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            numbering = None
        try:
            styles = part.styles.element
        except (NotImplementedError, KeyError, AttributeError):
            styles = None
        return cls(numbering, styles)

    def _list_of(self, p) -> tuple[str, int] | None:
        num_pr = p.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            num_id = _val(num_pr, "numId")
            level = _val(num_pr, "ilvl")
            if num_id is not None:
                if level is None:  # the level may come from the style
                    style_list = self._style_list(_val(p.find(W + "pPr"), "pStyle"))
                    level = str(style_list[1]) if style_list else "0"
                return num_id, int(level) if level.isdigit() else 0
        pPr = p.find(W + "pPr")
        return self._style_list(_val(pPr, "pStyle") if pPr is not None else None)

    def _style_list(self, style_id: str | None) -> tuple[str, int] | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.style_lists:
                return self.style_lists[style_id]
            style_id = self.style_parent.get(style_id)
        return None

    def label(self, p) -> str:
        """The label Word prints before paragraph ``p`` (a w:p element) and the
        space after it; "" when the paragraph is not numbered. Call once per
        paragraph, in reading order: each call advances the counters."""
        found = self._list_of(p)
        if found is None:
            return ""
        num_id, ilvl = found
        entry = self.lists.get(num_id)
        if entry is None or num_id == "0":
            return ""  # numId 0: numbering switched off for this paragraph
        levels = {**self.abstracts.get(entry.abstract, {}), **entry.levels}
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(entry.abstract, {})
        if ilvl in entry.starts and (num_id, ilvl) not in self.started:
            self.started.add((num_id, ilvl))
            counters[ilvl] = entry.starts[ilvl]
        else:
            counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper, other in levels.items():  # numbering this level restarts the ones below it
            # w:lvlRestart names (1-based) the deepest level whose use restarts it; 0: never.
            if deeper > ilvl and (other.restart is None or ilvl + 1 <= other.restart):
                counters.pop(deeper, None)
        if level.fmt in ("bullet", "none"):
            return ""  # a bullet is a mark, not text: the paragraph stands on its own

        def number(k: int) -> str:
            value = counters.get(k, levels[k].start if k in levels else 1)
            fmt = "decimal" if level.legal and k != ilvl else (levels[k].fmt if k in levels else "decimal")
            return FORMATS.get(fmt, str)(value)

        text = level.text
        for k in range(9):
            if f"%{k + 1}" in text:
                text = text.replace(f"%{k + 1}", number(k))
        text = text.strip()
        if not text:
            return ""
        # Word puts a tab or a space after the number: after "1." or "a)" it
        # shows as a space; Chinese labels (一、 （一） ① 第一章) read on without one.
        if level.suffix == "nothing" or not text[-1].isascii():
            return text
        return text + " "
