"""Bulletins per month, as the geometry of a bar chart drawn at build time.

The chart is inline SVG in the page (no JavaScript needed to see it); the
template (``timeline_chart`` in _macros.html) draws what is computed here and
words it: the bars' labels and the sentence describing the chart. Every month from the first to the
last is a slot on the axis, so gaps in reporting show as gaps; months with
bulletins are bars linking to where that month's bulletins are listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from ..content.archive import Archive, Month
from ..content.model import Bulletin, City

STEP = 10  # horizontal space per month, in SVG user units (px at scale 1): seven years fit a desktop page
BAR = 7  # bar width; the rest of STEP is the gap between bars
PLOT = 96  # height of the tallest bar
TOP = 18  # room above the tallest bar for its count
AXIS = 22  # room below the baseline for year labels
SIDE = 6  # left and right margin
MIN_MONTHS = 12  # a short archive still shows a year's axis


@dataclass(frozen=True)
class Bar:
    year: int
    month: int
    count: int
    x: int
    y: int
    width: int
    height: int
    target: str  # where the month's bulletins are listed; '' for an empty month


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


@dataclass(frozen=True)
class Timeline:
    slots: tuple[Bar, ...]  # every month on the axis, oldest first (count may be 0)
    ticks: tuple[Tick, ...]  # year labels
    width: int
    height: int
    top: int  # y of the tallest bar's top: the chart's grid line
    baseline: int
    max_count: int
    total: int
    first: Month  # oldest month with bulletins
    last: Month  # newest month with bulletins
    busiest: Bar

    @property
    def bars(self) -> tuple[Bar, ...]:
        """The months that have bulletins, oldest first: one link each."""
        return tuple(s for s in self.slots if s.count)

    @property
    def by_year(self) -> tuple[tuple[int, tuple[Bar, ...]], ...]:
        """Months with bulletins grouped by year, newest year first, for the text list."""
        groups: dict[int, list[Bar]] = defaultdict(list)
        for bar in self.bars:
            groups[bar.year].append(bar)
        return tuple((year, tuple(groups[year])) for year in sorted(groups, reverse=True))


def months_of(bulletins: Iterable[Bulletin]) -> tuple[Month, ...]:
    """Bulletins grouped by month, newest month first, each month newest first."""
    groups: dict[tuple[int, int], list[Bulletin]] = defaultdict(list)
    for b in sorted(bulletins, key=lambda b: b.sort_key, reverse=True):
        groups[(b.date.year, b.date.month)].append(b)
    return tuple(Month(y, m, tuple(groups[(y, m)])) for y, m in sorted(groups, reverse=True))


def months_by_year(bulletins: Iterable[Bulletin]) -> tuple[tuple[int, tuple[Month, ...]], ...]:
    """(year, months) pairs, newest first: a city page's sections."""
    groups: dict[int, list[Month]] = defaultdict(list)
    for month in months_of(bulletins):
        groups[month.year].append(month)
    return tuple((year, tuple(groups[year])) for year in sorted(groups, reverse=True))


def build_timeline(months: Iterable[Month], target: Callable[[Month], str]) -> Timeline | None:
    """The chart of ``months`` (any order); None when there is nothing to draw.

    ``target`` gives, for a month with bulletins, the link of its bar.
    """
    present = {(m.year, m.month): m for m in months if m.bulletins}
    if not present:
        return None
    first_key, last_key = min(present), max(present)
    start = _index(first_key)
    end = _index(last_key)
    start = min(start, end - MIN_MONTHS + 1)  # pad to a year's axis, ending at the newest month
    max_count = max(len(m.bulletins) for m in present.values())
    baseline = TOP + PLOT
    slots = []
    ticks = []
    for i, index in enumerate(range(start, end + 1)):
        year, month = divmod(index, 12)
        month += 1
        x = SIDE + i * STEP
        found = present.get((year, month))
        count = len(found.bulletins) if found else 0
        # Every non-empty month is tall enough to see and to click.
        height = max(round(PLOT * count / max_count), 4) if count else 0
        slots.append(Bar(year, month, count, x, baseline - height, BAR, height,
                         target(found) if found else ""))
        if month == 1 or i == 0:
            ticks.append(Tick(x, str(year)))
    # Drop a first label that would overlap January's of the next year.
    if len(ticks) > 1 and ticks[1].x - ticks[0].x < 4 * STEP:
        ticks.pop(0)
    busiest = max((s for s in slots if s.count), key=lambda s: (s.count, s.year, s.month))
    return Timeline(
        slots=tuple(slots),
        ticks=tuple(ticks),
        width=2 * SIDE + len(slots) * STEP,
        height=baseline + AXIS,
        top=TOP,
        baseline=baseline,
        max_count=max_count,
        total=sum(len(m.bulletins) for m in present.values()),
        first=present[first_key],
        last=present[last_key],
        busiest=busiest,
    )


def _index(key: tuple[int, int]) -> int:
    return key[0] * 12 + key[1] - 1


def site_timeline(archive: Archive) -> Timeline | None:
    """The home page's chart: each bar links to the month on its year page."""
    year_urls = {year.year: year.url for year in archive.years}
    months = [month for year in archive.years for month in year.months]
    return build_timeline(months, lambda m: f"{year_urls[m.year]}#{m.anchor}")


def city_timeline(city: City) -> Timeline | None:
    """A city page's chart: each bar links to the month's section of the same page."""
    return build_timeline(months_of(city.bulletins), lambda m: f"#{m.anchor}")
