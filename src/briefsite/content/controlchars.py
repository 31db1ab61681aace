"""Control characters in text: what is a layout artefact, what is refused.

Text copied out of Word keeps its manual line breaks as U+000B (VT), and
pdftotext marks page breaks with U+000C (FF); both are layout, so a body's
VT becomes a line break and its FF a paragraph break. Every other control
character (U+0000-U+001F except tab and newline, U+007F-U+009F), lone
surrogates and the noncharacters U+FDD0-U+FDEF and U+xFFFE/U+xFFFF have no
place in a bulletin (in a one-line masthead value VT and FF are plain
whitespace, collapsed like any other) and cannot be written into XML (feeds, sitemap): they are
refused with the file and line, never published.
"""

from __future__ import annotations

import re

from ..i18n import _

_NONCHARACTERS = "".join(chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                       + re.escape(_NONCHARACTERS) + "]")
# A body's VT is a manual line break (Markdown: two spaces before the newline),
# its FF a page break: a paragraph break.
_LAYOUT = str.maketrans({"\x0b": "  \n", "\x0c": "\n\n"})


def normalise_layout(body: str) -> str:
    """VT -> line break, FF -> paragraph break."""
    if "\x0b" in body or "\x0c" in body:
        return body.translate(_LAYOUT)
    return body


# FORBIDDEN's first pass, which every bulletin body takes: its forbidden
# characters of the Basic Multilingual Plane and any character beyond it
# (rare in Chinese text; only its noncharacters are refused). FORBIDDEN's 32
# astral noncharacters, as literals in one class, made every search ~8 x
# slower: ~0.3 ms for a 3,000-character body, a tenth of a cold build.
_SUSPECT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                      "\U00010000-\U0010ffff]")


def first_forbidden(text: str, pos: int = 0) -> re.Match | None:
    """The first character of ``text`` from ``pos`` on that FORBIDDEN matches."""
    match = _SUSPECT.search(text, pos)
    while match is not None and match.group() > "\uffff" and ord(match.group()) & 0xFFFE != 0xFFFE:
        match = _SUSPECT.search(text, match.end())  # an astral character that is text
    return match


def describe(char: str) -> str:
    """'U+001B' and, for the common ones, what it is."""
    names = {"\x1b": "ESC", "\x00": "NUL", "\x7f": "DEL", "\x0b": "VT", "\x0c": "FF"}
    code = f"U+{ord(char):04X}"
    return _("{code} ({name})").format(code=code, name=names[char]) if char in names else code


def refusal(char: str) -> tuple[str, str]:
    """The message and hint for a forbidden character (one literal each)."""
    return (_("holds the invisible control character {char}, which cannot be published").format(char=describe(char)),
            _("delete the character (it usually comes from copying and pasting or a conversion); to break a "
              "line, just break it"))
