"""Read the masthead (报头) at the top of a bulletin's extracted text.

Printed mastheads stack title, issue, issuer and date, each on its own line
or sharing one: the title over one or two lines ("永州市配合湖南省生态环境保护督察"
/ "工作简报"), 第 1 期 or 2024年第3期 总第3期 or 2017年第15期（总第21期）, the
issuing body, the date. A partial masthead ("<issuer> 2024年3月13日") or none
at all is common in copies; the reader takes the longest run of lines at the
top that are masthead facts and stops at the first line that is not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from briefsite.content.dates import NUMBER, chinese_number, find_dates
from .textshape import balanced, has_sentence_punct, tidy

# Words that name a bulletin: the title line holds one of them.
TITLE_WORDS = ("简报", "专报", "快报", "周报", "日报", "通报", "通讯", "要情")
# Endings of the names of issuing bodies (协调联络专班, 领导小组办公室, …).
ORG_ENDINGS = ("专班", "组", "办公室", "委员会", "指挥部", "办", "局", "厅", "中心", "委",
               "部", "处", "室", "政府", "工作队")
TOTAL_RE = re.compile(rf"[（(]?\s*总\s*第\s*(?P<total>{NUMBER})\s*期\s*[）)]?")
ISSUE_RE = re.compile(rf"(?:(?P<year>\d{{4}}|[〇零○Ｏ一二三四五六七八九]{{4}})\s*年\s*)?"
                      rf"第\s*(?P<issue>{NUMBER})\s*期")
MAX_TITLE = 40  # characters; a longer line is text, not a masthead title


@dataclass(frozen=True)
class Piece:
    """Text of the input that became a fact rather than staying as text."""

    line: int
    text: str
    reason: str


@dataclass
class Masthead:
    title: str | None = None
    issue: int | None = None
    total_issue: int | None = None
    date: dt.date | None = None
    issuer: str | None = None
    consumed: int = 0  # how many of the given lines the masthead took
    pieces: list[Piece] = field(default_factory=list)  # 第N期, dates: printed, now facts
    title_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Facts:
    issue: int | None
    total: int | None
    date: dt.date | None
    rest: str  # what is left of the line once the facts are taken out
    pieces: tuple[str, ...]


def _facts(text: str) -> _Facts:
    """Issue number, total issue number and date printed anywhere in one line."""
    spans: list[tuple[int, int]] = []
    issue = total = None
    date = None
    match = TOTAL_RE.search(text)
    if match:
        total = chinese_number(match.group("total"))
        spans.append(match.span())
    for match in ISSUE_RE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in spans):
            continue
        issue = chinese_number(match.group("issue"))
        spans.append(match.span())
        break
    dates = [d for d in find_dates(text) if not any(s < d.end and d.start < e for s, e in spans)]
    if len(dates) == 1:
        date = dates[0].date
        spans.append((dates[0].start, dates[0].end))
    rest, pos, pieces = [], 0, []
    for start, end in sorted(spans):
        rest.append(text[pos:start])
        pieces.append(text[start:end])
        pos = end
    rest.append(text[pos:])
    return _Facts(issue, total, date, tidy(" ".join(rest)), tuple(pieces))


def is_title(text: str) -> bool:
    t = tidy(text)
    return (0 < len(t) <= MAX_TITLE and any(w in t for w in TITLE_WORDS)
            and not has_sentence_punct(t) and balanced(t) and not t.startswith("【"))


def is_org(text: str) -> bool:
    t = tidy(text)
    return (0 < len(t) <= MAX_TITLE and t.endswith(ORG_ENDINGS)
            and not has_sentence_punct(t) and balanced(t) and not t.startswith("【"))


def _plain(text: str) -> bool:
    t = tidy(text)
    return 0 < len(t) <= MAX_TITLE and not has_sentence_punct(t) and balanced(t) \
        and not t.startswith("【")


def read_masthead(lines: list[tuple[int, str]]) -> Masthead:
    """The masthead facts at the start of ``lines`` (line number, stripped text; no blanks)."""
    head = Masthead()
    n = len(lines)
    facts = [_facts(text) for _, text in lines[: min(n, 12)]]

    def has_fact(k: int) -> bool:
        f = facts[k]
        return f.issue is not None or f.total is not None or f.date is not None

    # The title: up to three lines ending in one that names a bulletin (…工作简报),
    # or one or two plain lines directly above an issue number.
    title_end = 0
    for k in range(min(3, len(facts))):
        text = lines[k][1]
        if has_fact(k) or not _plain(text):
            break
        if is_title(text) and len(tidy("".join(t for _, t in lines[: k + 1]))) <= MAX_TITLE * 3 // 2:
            title_end = k + 1
            break
    if not title_end:
        for k in (1, 2):
            if k < len(facts) and facts[k].issue is not None and not facts[k].rest \
                    and all(_plain(lines[j][1]) and not has_fact(j) for j in range(k)):
                title_end = k
                break
    if title_end:
        head.title = tidy("".join(t for _, t in lines[:title_end]))
        head.title_lines = tuple(no for no, _ in lines[:title_end])

    i = title_end
    while i < len(facts):
        no, text = lines[i]
        f = facts[i]
        if not has_fact(i):
            # An issuing body's line: before the date, and only where the lines
            # around make this a masthead (a title or issue above, a date below).
            below_is_date = i + 1 < len(facts) and facts[i + 1].date is not None \
                and not facts[i + 1].rest
            if head.issuer is None and head.date is None and is_org(text) \
                    and (head.title or head.issue is not None or below_is_date):
                head.issuer = tidy(text)
                i += 1
                continue
            break
        if (f.date and head.date) or (f.issue is not None and head.issue is not None) \
                or (f.total is not None and head.total_issue is not None):
            break  # a second date or number: the body has begun
        if f.rest:
            if head.title is None and is_title(f.rest):
                head.title = f.rest
                head.title_lines = (no,)
            elif head.issuer is None and head.date is None and f.date and _plain(f.rest):
                head.issuer = f.rest  # "<issuer> 2024年3月13日" on one line
            else:
                break
        if f.issue is not None:
            head.issue = f.issue
        if f.total is not None:
            head.total_issue = f.total
        if f.date:
            head.date = f.date
        head.pieces.extend(Piece(no, p, "masthead") for p in f.pieces)
        i += 1
    if head.title is None and head.issue is None and head.date is None:
        return Masthead()  # an issuer-looking line alone is not a masthead
    head.consumed = i
    return head
