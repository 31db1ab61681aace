"""Archive integrity: what only a whole series shows, never a single file.

Runs after the archive is indexed (see ``site.load_archive``), so ``build``
and ``check`` report the same things. Duplicate issue numbers are found in
``archive.py`` together with URL collisions; this module adds

- gaps in a series' numbering (warning, naming the missing numbers),
- an issue number that goes up while the date goes down (warning),
- a published page that links to a draft (error: the link would be dead).

How a series numbers its issues is read from the data: it counts per year
(2024年第3期, back to 1 each January) when any bulletin carries a 总第N期
different from its 期号, or when the numbers start again in a later year;
otherwise the numbering runs on across years. Numbers before the first issue
the archive holds are not gaps: an archive may start mid-series. In later
years of a per-year series, numbering starts at 1.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit

from .archive import Archive
from .model import TITLE_WORDS
from ..errors import Problems
from ..i18n import _, ngettext
from .model import Bulletin


def check_integrity(archive: Archive, problems: Problems, distinct: tuple[str, ...] = ()) -> None:
    """Record every series-level problem of ``archive`` in ``problems``.

    A file that failed to load is already reported as an error; it may be
    the missing issue of a series, so gaps are not reported in the folders
    that hold such a file (a warning there would point at an innocent file).
    """
    everything = list(archive.bulletins) + list(archive.drafts)
    broken_folders = {Path(p.path).parent for p in problems.errors if p.path}
    series = group_series(everything)
    for items in series.values():
        per_year = numbered_per_year(items)
        if not broken_folders or not any(Path(b.source).parent in broken_folders for b in items):
            check_gaps([b for b in items if not b.draft], [b for b in items if b.draft],
                       per_year, problems)
        check_order(items, per_year, problems)
    check_similar_titles(series, problems, distinct)
    check_draft_links(archive, problems)


MAX_TITLE_SLIP = 2  # characters: 督查 for 督察, a dropped or doubled character


# What names a kind of publication in a title, and numbers: titles that differ
# only there are different series (工作简报 and 工作专报, 第一督察组 and
# 第二督察组), never a slip.
KIND_WORDS = TITLE_WORDS + ("增刊", "特刊")
_KIND_OR_NUMBER_RE = re.compile("|".join(KIND_WORDS) + r"|[0-9０-９〇零一二三四五六七八九十百]+")


def differ_by_kind_or_number(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same title but for a kind word or a number."""
    return a != b and _KIND_OR_NUMBER_RE.sub("#", a) == _KIND_OR_NUMBER_RE.sub("#", b)


def check_similar_titles(series: dict[tuple[str, str], list[Bulletin]], problems: Problems,
                         distinct: tuple[str, ...] = ()) -> None:
    """A title one or two characters from another series of the same city is
    almost always a slip (督查/督察): it starts a series of its own and breaks
    上一期/下一期. Warned on every file of the smaller series, naming the other."""
    by_city: dict[str, list[tuple[str, list[Bulletin]]]] = defaultdict(list)
    for (city, title), items in series.items():
        by_city[city].append((title, items))
    for entries in by_city.values():
        if len(entries) < 2:
            continue
        entries.sort(key=lambda e: (-len(e[1]), e[0]))  # the larger series is the reference
        for i, (title, items) in enumerate(entries):
            if title in distinct:
                continue
            for other, other_items in entries[:i]:
                distance = edit_distance(title, other, MAX_TITLE_SLIP)
                if distance > MAX_TITLE_SLIP or min(len(title), len(other)) <= 4 * distance \
                        or differ_by_kind_or_number(title, other):
                    continue
                for b in items:
                    problems.warning(b.source, key_line(b, "title"),
                                     ngettext("title “{title}” differs by {distance} character from the series "
                                              "“{other}” of the same city ({count} issues, e.g. {example}): did "
                                              "you mean “{other}”?",
                                              "title “{title}” differs by {distance} characters from the series "
                                              "“{other}” of the same city ({count} issues, e.g. {example}): did "
                                              "you mean “{other}”?", distance).format(
                                         title=title, distance=distance, other=other, count=len(other_items),
                                         example=other_items[-1].source),
                                     _("if it is a slip, change the title to {other}; if it really is another "
                                       "series, list this title under distinct_series in briefsite.yaml").format(
                                         other=other))
                break


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``; any value above ``limit`` is
    returned as limit + 1 (the rows stop early: titles are short, pairs few)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def group_series(bulletins: Iterable[Bulletin]) -> dict[tuple[str, str], list[Bulletin]]:
    """Bulletins by series (city, title), each list oldest first."""
    series: dict[tuple[str, str], list[Bulletin]] = defaultdict(list)
    for b in bulletins:
        series[b.series].append(b)
    for items in series.values():
        items.sort(key=lambda b: b.sort_key)
    return dict(series)


def numbered_per_year(items: list[Bulletin]) -> bool:
    """Does this series start its 期号 again every year? Decided from the data."""
    if any(b.total_issue is not None and b.issue is not None and b.total_issue != b.issue
           for b in items):
        return True  # 2017年第15期（总第21期）: the 期号 counts within the year
    by_year: dict[int, list[int]] = defaultdict(list)
    for b in items:
        if b.issue is not None:
            by_year[b.year].append(b.issue)
    years = sorted(by_year)
    return any(min(by_year[later]) <= max(by_year[earlier])
               for earlier, later in zip(years, years[1:]))


def check_gaps(published: list[Bulletin], drafts: list[Bulletin], per_year: bool,
               problems: Problems) -> None:
    """Warn once per gap, at the first published issue after it."""
    if not published:
        return
    first_year = min(b.year for b in published + drafts)
    units: dict[int | None, list[Bulletin]] = defaultdict(list)
    for b in published:
        if b.issue is not None:
            units[b.year if per_year else None].append(b)
    draft_by_number = {(d.year if per_year else None, d.issue): d for d in drafts if d.issue is not None}
    for unit, members in sorted(units.items(), key=lambda kv: kv[0] or 0):
        members.sort(key=lambda b: (b.issue, b.sort_key))
        # In a later year of a per-year series the count starts again at 1.
        previous_number = 0 if (per_year and unit != first_year) else members[0].issue - 1
        previous: Bulletin | None = None
        for b in members:
            assert b.issue is not None
            missing = range(previous_number + 1, b.issue)  # a range: a gap of 999,999 costs nothing
            if missing:
                problems.warning(b.source, key_line(b, "issue"),
                                 _gap_message(b, missing, previous, unit, draft_by_number),
                                 _("add the missing issues to the archive, or correct the issue numbers"))
            previous_number, previous = max(previous_number, b.issue), b


def _gap_message(b: Bulletin, missing: range, previous: Bulletin | None, unit: int | None,
                 drafts: dict) -> str:
    if previous is not None:
        where = _("between issue {previous} ({source}) and issue {issue}").format(
            previous=previous.issue, source=previous.source, issue=b.issue)
    else:
        where = _("before issue {issue}, the first of {year} (per-year numbering starts at 1)").format(
            issue=b.issue, year=unit)
    shown = number_ranges(list(missing)) if len(missing) <= 3 else f"{missing[0]}-{missing[-1]}"
    if unit is not None:
        text = ngettext("issue {numbers} of {year} missing from series {title} ({city}), {where}",
                        "issues {numbers} of {year} missing from series {title} ({city}), {where}",
                        len(missing)).format(numbers=shown, year=unit, title=b.title, city=b.city, where=where)
    else:
        text = ngettext("issue {numbers} missing from series {title} ({city}), {where}",
                        "issues {numbers} missing from series {title} ({city}), {where}",
                        len(missing)).format(numbers=shown, title=b.title, city=b.city, where=where)
    waiting = [d for (year, n), d in sorted(drafts.items(), key=lambda kv: kv[0][1])
               if year == unit and n in missing]
    if waiting:
        text += _("; ") + _(", ").join(_("{source} (issue {issue}) is still a draft").format(
            source=d.source, issue=d.issue) for d in waiting)
    return text


def number_ranges(numbers: list[int]) -> str:
    """[2, 3, 5, 6, 7] -> '2, 3, 5-7': short even for long gaps."""
    parts: list[str] = []
    start = end = numbers[0]
    for n in numbers[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == end + 1:
            end = n
            continue
        if end - start >= 2:
            parts.append(f"{start}-{end}")
        else:
            parts.extend(str(x) for x in range(start, end + 1))
        if n is not None:
            start = end = n
    return ", ".join(parts)


def check_order(items: list[Bulletin], per_year: bool, problems: Problems) -> None:
    """A higher number should never carry an earlier date (drafts included)."""
    warned: set[str] = set()
    units: dict[int | None, list[Bulletin]] = defaultdict(list)
    for b in items:
        if b.issue is not None:
            units[b.year if per_year else None].append(b)
    for members in units.values():
        _check_sequence(members, "issue", _("issue {number}"), problems, warned)
    # 总第N期 runs across years, so it catches inversions at a year's turn too.
    _check_sequence([b for b in items if b.total_issue is not None], "total_issue", _("total issue {number}"),
                    problems, warned)


def _check_sequence(members: list[Bulletin], attribute: str, label: str,
                    problems: Problems, warned: set[str]) -> None:
    members = sorted(members, key=lambda b: (getattr(b, attribute), b.sort_key))
    for earlier, later in zip(members, members[1:]):
        a, b = getattr(earlier, attribute), getattr(later, attribute)
        if a < b and later.date < earlier.date and later.source not in warned:
            warned.add(later.source)
            problems.warning(later.source, key_line(later, "date"),
                             _("{later} is dated {date}, before {earlier} ({source}, {earlier_date})").format(
                                 later=label.format(number=b), date=later.date.isoformat(),
                                 earlier=label.format(number=a), source=earlier.source,
                                 earlier_date=earlier.date.isoformat()),
                             _("check the date and the {key} of both bulletins").format(key=attribute))


def check_draft_links(archive: Archive, problems: Problems) -> None:
    """A published page must not lead to a draft: it has no page, so the link is dead."""
    if not archive.drafts:
        return
    drafts_by_target: dict[str, Bulletin] = {}
    for d in archive.drafts:
        drafts_by_target[d.url.rstrip("/")] = d
        drafts_by_target[d.url + "index.html"] = d
        drafts_by_target[posixpath.normpath(Path(d.source).as_posix())] = d
    for b in archive.bulletins:
        neighbours = archive.neighbours.get(b.url)
        for role, other in (("previous", neighbours and neighbours.previous),
                            ("next", neighbours and neighbours.next)):
            if other is not None and other.draft:
                if role == "previous":
                    message = _("its previous-issue link would lead to {draft}, a draft")
                else:
                    message = _("its next-issue link would lead to {draft}, a draft")
                problems.error(b.source, 0, message.format(draft=other.source),
                               _("publish the draft (remove 'draft: true') or keep the issues apart"))
        for href in body_links(b.body_html):
            for target in link_targets(b, href):
                draft = drafts_by_target.get(target)
                if draft is not None:
                    problems.error(b.source, link_line(b, href),
                                   _("links to {href}, which is {draft}, a draft that is not published (the "
                                     "link would be dead)").format(href=href, draft=draft.source),
                                   _("publish the draft (remove 'draft: true') or remove the link"))
                    break


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


def body_links(body_html: str) -> list[str]:
    parser = _Links()
    parser.feed(body_html)
    parser.close()
    return parser.hrefs


def link_targets(b: Bulletin, href: str) -> list[str]:
    """Where a relative link can lead: from the page's URL, and (as editors
    write Markdown-to-Markdown links) from the bulletin file's own folder."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return []
    path = unquote(parts.path)
    if path.startswith("/"):  # root-relative: works only at a domain root, still a link
        return [posixpath.normpath(path.lstrip("/"))]
    from_page = posixpath.normpath(posixpath.join(b.url, path))
    from_file = posixpath.normpath(posixpath.join(posixpath.dirname(Path(b.source).as_posix()), path))
    return [from_page, from_file]


def key_line(b: Bulletin, key: str) -> int:
    """Line of ``key:`` in the bulletin's front-matter; 0 if it cannot be read.

    Read only when there is something to report, so checks stay cheap.
    """
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    for number, line in enumerate(_lines(b), start=1):
        if pattern.match(line):
            return number
    return 0


def link_line(b: Bulletin, href: str) -> int:
    """Line of the body that holds the link, 0 if not found."""
    wanted = {href, unquote(href)}
    for number, line in enumerate(_lines(b), start=1):
        if any(f"]({w}" in line or f"<{w}>" in line for w in wanted):
            return number
    return 0


def _lines(b: Bulletin) -> list[str]:
    try:
        return Path(b.source).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
