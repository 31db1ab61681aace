"""Read the masthead (版头) at the top of a bulletin's extracted text.

GB/T 9704 lays the 版头 out top to bottom: copy number, secrecy marking
(秘密★1年) and urgency at the top left, or for a 简报 a 内部资料 / 注意保存
line; the title in red (…工作简报, …专报), over one or two lines; the issue
(第 1 期, 2024年第3期 总第3期, （第9期）); for a 专报 the 文号 and the
签发人; the issuing body (…办公室, or "…生态环境局编") and the date, often on
one line, the issuer at the left and the date at the right with a run of
spaces or a tab between. Copies keep the order but not always the line
breaks, and any line may be missing. The reader takes the longest run of
lines at the top whose every part is one of these facts, and stops at the
first line that is not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from briefsite.content.dates import NUMBER, chinese_number, find_dates
from briefsite.content.model import TITLE_WORDS
from .textshape import balanced, has_sentence_punct, nonspace, tidy

# Endings of the names of issuing bodies (协调联络专班, 领导小组办公室, …).
ORG_ENDINGS = ("专班", "组", "办公室", "委员会", "指挥部", "办", "局", "厅", "中心", "委",
               "部", "处", "室", "政府", "工作队")
# Each optional part starts with a literal, so no two whitespace runs can
# trade characters: matching stays linear in the line (issue 12, item 3).
TOTAL_RE = re.compile(rf"(?:[（(]\s*)?总\s*第\s*(?P<total>{NUMBER})\s*期(?:\s*[）)])?")
# The year before 第N期 as 2024年, 2024年度 or in brackets: 〔2024〕第8期.
ISSUE_RE = re.compile(rf"(?:(?P<year>\d{{4}}|[〇零○Ｏ一二三四五六七八九]{{4}})\s*年\s*(?:度\s*)?"
                      rf"|[〔［\[【（(]\s*\d{{4}}\s*[〕］\]】）)]\s*)?"
                      rf"第\s*(?P<issue>{NUMBER})\s*期")
MAX_TITLE = 40  # characters; a longer line is text, not a masthead title
# A bulletin's own 文号: issuer's code, year in brackets, number (长督整专〔2024〕3号).
DOC_NUMBER = r"[^\s，。：:]{1,16}[【〔\[［（(]\s*\d{4}\s*[】〕\]］）)]\s*(?:第\s*)?\d{1,5}\s*号"
DOC_NUMBER_RE = re.compile(DOC_NUMBER)
# Markings printed above or beside the title: secrecy (with its period), 内部资料 /
# 注意保存, urgency, and the copy number (份号, six digits) on a line of its own.
_MARK = (r"(?:内部资料|内部刊物|内部参考|内部交流|注意保存|妥善保存|妥善保管|请勿外传|不得外传|注意保密"
         r"|(?:绝密|机密|秘密)(?:\s*★\s*(?:[\d一二三四五六七八九十]{1,3}\s*(?:年|个月)|长期))?"
         r"|特急|加急|特提|平急)")
MARKING_RE = re.compile(rf"[（(【〔\[［]\s*{_MARK}(?:[\s、·]*{_MARK})*\s*[）)】〕\]］]|{_MARK}")
CLASSIFIED_RE = re.compile(r"绝密|机密|秘密")
COPY_NUMBER_RE = re.compile(r"^(?:份号[：:]?)?\d{6}$")  # matched against the line without spaces
SIGNER_RE = re.compile(r"签\s*发\s*(?:人\s*)?[：:]\s*(?P<name>[^\s，,。：:]{2,8}(?:[ 　][^\s，,。：:]{2,8}){0,3})")
WEEKDAY_RE = re.compile(r"(?:[（(]\s*)?(?:星期|周|礼拜)[一二三四五六日天](?:\s*[）)])?")
# The word that says a body edits or sponsors the bulletin: "主办：…", "…局编".
ISSUER_LABEL_RE = re.compile(r"(?:主\s*办|编\s*印|编\s*发|主\s*编|编\s*辑)\s*(?:单\s*位\s*)?[：:]\s*")
ISSUER_SUFFIXES = ("编印", "编发", "主办", "编")
_PAIRS = {"（": "）", "(": ")", "【": "】", "〔": "〕", "[": "]", "［": "］"}
COMMENT = "kept in a comment"  # the reason of a Piece written as a YAML comment beside a key


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
    doc_number: str | None = None  # a 专报's 文号, printed in the masthead
    signer: str | None = None  # 签发人 as printed ("签发人：张建国")
    markings: list[str] = field(default_factory=list)  # 内部资料, 秘密★1年, 特急, 000123, as printed
    consumed: int = 0  # how many of the given lines the masthead took
    pieces: list[Piece] = field(default_factory=list)  # 第N期, dates, labels: printed, now facts
    title_lines: tuple[int, ...] = ()

    @property
    def classified(self) -> str | None:
        """The secrecy marking (秘密★1年), if the masthead prints one."""
        return next((m for m in self.markings if CLASSIFIED_RE.search(m)), None)


@dataclass(frozen=True)
class _Facts:
    """What one line prints: the masthead facts found in it, and the rest."""

    issue: int | None = None
    total: int | None = None
    date: dt.date | None = None
    doc_number: str | None = None
    signer: str | None = None
    markings: tuple[str, ...] = ()
    rest: str = ""  # what is left once the facts are taken out (tidied)
    # (text, kind): "masthead" printed and now a fact (第N期, a date), "comment" kept
    # as a comment (markings, 签发人), "fact" the value itself (文号)
    pieces: tuple[tuple[str, str], ...] = ()

    @property
    def has_fact(self) -> bool:
        return self.issue is not None or self.total is not None or self.date is not None \
            or self.doc_number is not None

    @property
    def only_markings(self) -> bool:
        return bool(self.markings) and not self.has_fact and self.signer is None and not self.rest


def _facts(text: str) -> _Facts:
    """Issue, total issue, date, 文号, 签发人 and markings printed anywhere in one line."""
    if COPY_NUMBER_RE.match(nonspace(text)):
        return _Facts(markings=(nonspace(text),), pieces=((text, "comment"),))
    spans: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e, _ in spans)

    issue = total = None
    date = None
    doc_number = signer = None
    markings: list[str] = []
    for match in MARKING_RE.finditer(text):
        markings.append(" ".join(match.group(0).split()))
        spans.append((*match.span(), "comment"))
    match = SIGNER_RE.search(text)
    if match and free(*match.span()):
        signer = " ".join(match.group(0).split())
        spans.append((*match.span(), "comment"))
    match = DOC_NUMBER_RE.search(text)
    if match and free(*match.span()):
        doc_number = nonspace(match.group(0))
        spans.append((*match.span(), "fact"))
    match = TOTAL_RE.search(text)
    if match and free(*match.span()):
        total = chinese_number(match.group("total"))
        spans.append((*_widen(text, *match.span()), "masthead"))
    for match in ISSUE_RE.finditer(text):
        if free(*match.span()):
            issue = chinese_number(match.group("issue"))
            spans.append((*_widen(text, *match.span()), "masthead"))
            break
    dates = [d for d in find_dates(text) if free(d.start, d.end)]
    if len(dates) == 1:
        date = dates[0].date
        end = dates[0].end
        weekday = WEEKDAY_RE.search(text, end)
        if weekday and not text[end:weekday.start()].strip() and free(end, weekday.end()):
            end = weekday.end()  # 2024年6月3日（星期一）: part of the date as printed
        spans.append((*_widen(text, dates[0].start, end), "masthead"))
    rest, pos, pieces = [], 0, []
    for start, end, kind in sorted(spans):
        rest.append(text[pos:start])
        pieces.append((text[start:end], kind))
        pos = end
    rest.append(text[pos:])
    return _Facts(issue, total, date, doc_number, signer, tuple(markings), tidy(" ".join(rest)),
                  tuple(pieces))


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """The span with the brackets that hold only it: （第9期）, 〔第九期〕, （2024年6月3日）."""
    before = len(text[:start].rstrip())
    after = len(text) - len(text[end:].lstrip())
    if before > 0 and after < len(text) and _PAIRS.get(text[before - 1]) == text[after]:
        return before - 1, after + 1
    return start, end


def issuer_name(text: str) -> tuple[str, str]:
    """An issuer as printed, without the word that labels it: ("长沙市生态环境局", "编")."""
    t = tidy(text)
    match = ISSUER_LABEL_RE.match(t)
    if match and match.end() < len(t):
        return t[match.end():], match.group(0)
    for suffix in ISSUER_SUFFIXES:
        if t.endswith(suffix) and len(t) > len(suffix) + 1:
            return t[: -len(suffix)], suffix
    return t, ""


def is_title(text: str) -> bool:
    t = tidy(text)
    return (0 < len(t) <= MAX_TITLE and any(w in t for w in TITLE_WORDS)
            and not has_sentence_punct(t) and balanced(t) and not t.startswith("【"))


def is_org(text: str) -> bool:
    t = issuer_name(text)[0]
    return (0 < len(t) <= MAX_TITLE and t.endswith(ORG_ENDINGS)
            and not has_sentence_punct(t) and balanced(t) and not t.startswith("【"))


def _plain(text: str) -> bool:
    t = tidy(text)
    return 0 < len(t) <= MAX_TITLE and not has_sentence_punct(t) and balanced(t) \
        and not t.startswith("【")


def read_masthead(lines: list[tuple[int, str]]) -> Masthead:
    """The masthead facts at the start of ``lines`` (line number, stripped text; no blanks)."""
    head = Masthead()
    facts = [_facts(text) for _, text in lines[: min(len(lines), 16)]]

    def take(k: int, f: _Facts) -> None:
        no = lines[k][0]
        head.markings.extend(f.markings)
        head.pieces.extend(Piece(no, p, COMMENT if kind == "comment" else "masthead")
                           for p, kind in f.pieces if kind != "fact")

    # Markings above the title (copy number, 秘密★1年, 特急, 内部资料 / 注意保存).
    i = 0
    while i < len(facts) and facts[i].only_markings:
        take(i, facts[i])
        i += 1
    first = i

    # The title: up to three lines ending in one that names a bulletin (…工作简报),
    # or one or two plain lines directly above an issue number.
    title_end = first
    for k in range(first, min(first + 3, len(facts))):
        text = lines[k][1]
        if facts[k].has_fact or facts[k].markings or not _plain(text):
            break
        if is_title(text) and len(tidy("".join(t for _, t in lines[first: k + 1]))) <= MAX_TITLE * 3 // 2:
            title_end = k + 1
            break
    if title_end == first:
        for k in (first + 1, first + 2):
            if k < len(facts) and facts[k].issue is not None and not facts[k].rest \
                    and all(_plain(lines[j][1]) and not facts[j].has_fact and not facts[j].markings
                            for j in range(first, k)):
                title_end = k
                break
    if title_end > first:
        head.title = tidy("".join(t for _, t in lines[first:title_end]))
        head.title_lines = tuple(no for no, _ in lines[first:title_end])

    i = title_end
    while i < len(facts):
        no, text = lines[i]
        f = facts[i]
        if (f.date and head.date) or (f.issue is not None and head.issue is not None) \
                or (f.total is not None and head.total_issue is not None) \
                or (f.doc_number and head.doc_number) or (f.signer and head.signer):
            break  # a second date or number: the body has begun
        context = head.title is not None or head.issue is not None or head.doc_number is not None
        if f.rest:
            below_is_date = i + 1 < len(facts) and facts[i + 1].date is not None \
                and not facts[i + 1].rest
            if head.title is None and f.has_fact and is_title(f.rest):
                head.title = f.rest
                head.title_lines = (no,)
            elif head.issuer is None and head.date is None and is_org(f.rest) \
                    and (context or below_is_date or f.date or f.signer):
                # An issuing body's line: before the date, and only where the lines
                # around make this a masthead (a title or issue above, a date below or beside).
                head.issuer, label = issuer_name(f.rest)
                if label:
                    head.pieces.append(Piece(no, label, "masthead label"))
            elif head.issuer is None and head.date is None and f.date and _plain(f.rest) \
                    and not f.markings:
                head.issuer = f.rest  # "<issuer> 2024年3月13日" on one line
            else:
                break
        elif not (f.has_fact or f.signer or f.markings):
            break
        elif not f.has_fact and not context and head.issuer is None and not f.signer:
            break  # a marking in the text, not under a title
        if f.issue is not None:
            head.issue = f.issue
        if f.total is not None:
            head.total_issue = f.total
        if f.date:
            head.date = f.date
        if f.doc_number:
            head.doc_number = f.doc_number
        if f.signer:
            head.signer = f.signer
        take(i, f)
        i += 1
    if head.title is None and head.issue is None and head.date is None:
        return Masthead()  # an issuer-looking line (or a 文号) alone is not a masthead
    head.consumed = i
    return head
