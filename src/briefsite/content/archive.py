"""The archive: all published bulletins indexed by city, series and year.

Like Zola's ``Library``, it sees every page at once, so URL collisions and
duplicate issue numbers are found before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import Problems
from ..i18n import _
from .model import Bulletin, City


@dataclass(frozen=True)
class Neighbours:
    previous: Bulletin | None
    next: Bulletin | None


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    bulletins: tuple[Bulletin, ...]  # newest first

    @property
    def anchor(self) -> str:
        return f"m{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class Year:
    year: int
    bulletins: tuple[Bulletin, ...]  # newest first
    months: tuple[Month, ...]  # newest first

    @property
    def url(self) -> str:
        return f"archive/{self.year}/"


@dataclass
class Archive:
    bulletins: tuple[Bulletin, ...]  # published only, newest first
    cities: tuple[City, ...]  # sorted by slug
    years: tuple[Year, ...]  # newest first
    neighbours: dict[str, Neighbours] = field(default_factory=dict)  # by url
    drafts: tuple[Bulletin, ...] = ()

    def city(self, slug: str) -> City:
        by_slug = self.__dict__.get("_by_slug")
        if by_slug is None:  # once per archive: called for every bulletin page
            by_slug = self.__dict__["_by_slug"] = {c.slug: c for c in self.cities}
        return by_slug[slug]


def newest_first(bulletins) -> tuple[Bulletin, ...]:
    return tuple(sorted(bulletins, key=lambda b: b.sort_key, reverse=True))


def build_archive(bulletins: list[Bulletin], problems: Problems, *, show_drafts: bool = False) -> Archive:
    """Index the bulletins; record collisions and duplicates as errors.
    ``show_drafts`` (the preview): drafts are indexed like published issues."""
    _check_collisions(bulletins, problems)
    # Sorted once: every list below is a part of this one, taken in order, so
    # it is newest first too (sorting each again cost ~25 ms per 10,000 on
    # every rebuild).
    published = newest_first(b for b in bulletins if show_drafts or not b.draft)
    drafts = () if show_drafts else tuple(b for b in bulletins if b.draft)

    by_city: dict[str, list[Bulletin]] = defaultdict(list)
    for b in published:
        by_city[b.city_slug].append(b)
    cities = tuple(
        City(name=items[0].city, slug=slug, bulletins=tuple(items))
        for slug, items in sorted(by_city.items())
    )

    by_year: dict[int, list[Bulletin]] = defaultdict(list)
    for b in published:
        by_year[b.date.year].append(b)
    years = []
    for year in sorted(by_year, reverse=True):
        items = tuple(by_year[year])
        by_month: dict[int, list[Bulletin]] = defaultdict(list)
        for b in items:
            by_month[b.date.month].append(b)
        months = tuple(Month(year, m, tuple(by_month[m])) for m in sorted(by_month, reverse=True))
        years.append(Year(year, items, months))

    return Archive(
        bulletins=published,
        cities=cities,
        years=tuple(years),
        neighbours=series_neighbours(published),
        drafts=drafts,
    )


def series_neighbours(bulletins: tuple[Bulletin, ...]) -> dict[str, Neighbours]:
    """Previous and next issue within each series (same city and title);
    ``bulletins`` newest first, as ``newest_first`` gives them."""
    series: dict[tuple[str, str], list[Bulletin]] = defaultdict(list)
    for b in reversed(bulletins):  # oldest first
        series[(b.city, b.title)].append(b)
    result = {}
    for items in series.values():
        for i, b in enumerate(items):
            result[b.url] = Neighbours(items[i - 1] if i else None,
                                       items[i + 1] if i + 1 < len(items) else None)
    return result


def _check_collisions(bulletins: list[Bulletin], problems: Problems) -> None:
    # Almost always there is none: four set comprehensions say so in a few
    # milliseconds, where the loops below (which name both files) took ~25 ms
    # of every rebuild at 10,000 bulletins.
    urls = {b.url.lower() for b in bulletins}
    issues = [(b.city, b.title, b.date.year, b.issue) for b in bulletins if b.issue is not None]
    totals = [(b.city, b.title, b.total_issue) for b in bulletins if b.total_issue is not None]
    if (len(urls) == len(bulletins) and len(set(issues)) == len(issues) and len(set(totals)) == len(totals)
            and len({(b.city_slug, b.city) for b in bulletins}) == len({b.city_slug for b in bulletins})):
        return
    ordered = sorted(bulletins, key=lambda b: b.source)
    # Case-insensitive: many hosts and file systems (macOS, Windows) fold case,
    # so Report.md and report.md would overwrite each other there.
    by_url: dict[str, Bulletin] = {}
    for b in ordered:
        key = b.url.lower()
        if key in by_url:
            other = by_url[key]
            if other.url == b.url:
                what = _("would be written to the same URL {url} as {other}").format(url=b.url, other=other.source)
            else:
                what = _("would be written to {url}, which differs only in case from {other_url} of {other} "
                         "(hosts that ignore case would mix them)").format(url=b.url, other_url=other.url,
                                                                           other=other.source)
            problems.error(b.source, 1, what, _("rename one of the files"))
        else:
            by_url[key] = b
    by_slug: dict[str, Bulletin] = {}
    for b in ordered:
        other = by_slug.setdefault(b.city_slug, b)
        if other.city != b.city:
            problems.error(b.source, b.line("city"),
                           _("cities {city} and {other_city} ({other}) share the URL slug {slug!r}: their pages "
                             "would be mixed").format(city=b.city, other_city=other.city, other=other.source,
                                                       slug=b.city_slug),
                           _("give one of them its own slug under cities: in briefsite.yaml"))
    by_issue: dict[tuple, Bulletin] = {}
    for b in ordered:
        if b.issue is None:
            continue
        key = (b.city, b.title, b.date.year, b.issue)
        if key in by_issue:
            other = by_issue[key]
            problems.error(b.source, b.line("issue"),
                           _("issue {issue} of {year} in series {title} ({city}) is also claimed by {other}").format(
                               issue=b.issue, year=b.year, title=b.title, city=b.city,
                               other=f"{other.source}:{other.line('issue')}"),
                           _("correct the issue number of one of them"))
        else:
            by_issue[key] = b
    by_total: dict[tuple, Bulletin] = {}
    for b in ordered:
        if b.total_issue is None:
            continue
        key = (b.city, b.title, b.total_issue)
        if key in by_total:
            other = by_total[key]
            problems.error(b.source, b.line("total_issue"),
                           _("total issue {total} (total_issue {total}) of series {title} ({city}) is also "
                             "claimed by {other}").format(total=b.total_issue, title=b.title, city=b.city,
                                                          other=f"{other.source}:{other.line('total_issue')}"),
                           _("correct total_issue of one of them"))
        else:
            by_total[key] = b
