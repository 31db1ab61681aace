"""The bulletins-per-month chart on the home page and each city page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from briefsite.pages import timeline
from briefsite.content.archive import Month
from briefsite.content.config import Config
from briefsite.content.model import Bulletin
from briefsite.pages.render import make_environment
from conftest import minimal, write_bulletin
from site_helpers import Page, render, resolve


def bulletin(day: str, n: int = 1) -> Bulletin:
    date = dt.date.fromisoformat(day)
    return Bulletin(source=f"{day}-{n}.md", name=f"{day}-{n}", title="简报", date=date, issuer="某",
                    city="益阳市", city_slug="yiyang", url=f"bulletins/yiyang/{day}-{n}/", issue=n)


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render()


def drawn(t: timeline.Timeline, config: Config | None = None) -> Page:
    """The chart as the theme draws it, in the site's language."""
    macros = make_environment(config or Config()).get_template("_macros.html").make_module({"root": ""})
    return Page(str(macros.timeline_chart(t, "每月简报数")))


def described(t: timeline.Timeline, config: Config | None = None) -> str:
    """The sentence under the chart (and in its <desc>)."""
    page = drawn(t, config)
    assert page.find("p", class_="timeline-summary")[0].text == page.find("desc")[0].text
    return page.find("desc")[0].text


def chart_bars(page: Page) -> list[tuple[str, str]]:
    """(aria-label, href) of every bar link inside the page's SVG chart."""
    return [(e.attrs["aria-label"], e.attrs["href"]) for e in page.elements
            if e.tag == "a" and "svg" in e.parents]


def test_slots_span_every_month_and_bars_carry_counts():
    items = [bulletin("2023-01-05"), bulletin("2023-01-20", 2), bulletin("2023-01-28", 3),
             bulletin("2023-04-02", 4), bulletin("2024-02-10", 5)]
    t = timeline.build_timeline(timeline.months_of(items), lambda m: f"#{m.anchor}")
    assert [(s.year, s.month) for s in t.slots][0] == (2023, 1)
    assert [(s.year, s.month) for s in t.slots][-1] == (2024, 2)
    assert len(t.slots) == 14  # Jan 2023 .. Feb 2024, empty months included
    assert [(b.year, b.month, b.count) for b in t.bars] == [(2023, 1, 3), (2023, 4, 1), (2024, 2, 1)]
    assert [b.target for b in t.bars] == ["#m2023-01", "#m2023-04", "#m2024-02"]
    assert all(s.target == "" and s.height == 0 for s in t.slots if not s.count)
    tallest = t.bars[0]
    assert tallest.height == timeline.PLOT and tallest.y == t.top
    assert all(b.y + b.height == t.baseline for b in t.bars)
    assert t.bars[1].height == round(timeline.PLOT / 3)
    xs = [s.x for s in t.slots]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert all(s.x + s.width <= t.width for s in t.slots)
    assert [tick.label for tick in t.ticks] == ["2023", "2024"]
    assert described(t) == "2023年1月至2024年2月共5期简报，最多的月份是2023年1月（3期）。"
    english = Config(language="en")
    assert described(t, english) == ("January 2023 to February 2024: 5 bulletins; the busiest month was "
                                      "January 2023 (3 issues).")
    assert chart_bars(drawn(t, english)) == [("January 2023: 3 issues", "#m2023-01"),
                                             ("April 2023: 1 issue", "#m2023-04"),
                                             ("February 2024: 1 issue", "#m2024-02")]
    assert [year for year, _ in t.by_year] == [2024, 2023]


def test_a_short_archive_still_shows_a_year():
    t = timeline.build_timeline(timeline.months_of([bulletin("2024-05-10")]), lambda m: "x")
    assert len(t.slots) == timeline.MIN_MONTHS
    assert (t.slots[-1].year, t.slots[-1].month) == (2024, 5)
    assert (t.slots[0].year, t.slots[0].month) == (2023, 6)
    assert described(t) == "2024年5月共1期简报。"
    assert described(t, Config(language="en")) == "May 2024: 1 bulletin."


def test_nothing_to_draw_gives_no_chart():
    assert timeline.build_timeline([], lambda m: "") is None
    assert timeline.build_timeline([Month(2024, 1, ())], lambda m: "") is None


def test_months_of_groups_newest_first():
    months = timeline.months_of([bulletin("2024-01-03"), bulletin("2024-03-01"), bulletin("2024-01-20", 2)])
    assert [(m.year, m.month, len(m.bulletins)) for m in months] == [(2024, 3, 1), (2024, 1, 2)]
    assert months[1].bulletins[0].date == dt.date(2024, 1, 20)


def test_home_chart_has_one_bar_per_month_linking_to_the_year_page(files):
    page = Page(files["index.html"])
    bars = chart_bars(page)
    assert [label for label, _ in bars] == ["2017年5月：1期", "2024年3月：2期", "2024年5月：2期"]
    for label, href in bars:
        target, fragment = resolve("index.html", href)
        assert target in files, href
        year_page = Page(files[target])
        assert fragment in year_page.ids(), href
        month = re.match(r"(\d+)年(\d+)月：(\d+)期", label)
        assert target == f"archive/{month.group(1)}/index.html"
        # The month's section on the year page lists as many bulletins as the bar says.
        section = files[target].decode().split(f'id="{fragment}"')[1].split("</section>")[0]
        assert section.count('class="bulletin-item"') == int(month.group(3))
    svg = page.find("svg")[0]
    assert svg.attrs["aria-labelledby"] == "timeline-title timeline-desc"
    assert {"timeline-title", "timeline-desc"} <= page.ids()
    # Between 2017 and 2024 every month is a slot on the axis.
    assert int(svg.attrs["width"]) == 2 * timeline.SIDE + (7 * 12 + 1) * timeline.STEP


def test_city_chart_links_to_month_sections_on_the_same_page(files):
    page = Page(files["cities/yongzhou/index.html"])
    assert chart_bars(page) == [("2024年3月：2期", "#m2024-03")]
    assert "m2024-03" in page.ids()
    # The text alternative names the same month with the same link.
    listed = [e for e in page.find("a") if "figcaption" in e.parents]
    assert [(e.text, e.attrs["href"]) for e in listed] == [("3月（2期）", "#m2024-03")]
    assert "2024年3月共2期简报" in page.find("desc")[0].text


def test_every_bar_has_a_title_and_the_chart_needs_no_script(files):
    for path in ("index.html", "cities/hunan/index.html", "cities/yiyang/index.html"):
        markup = files[path].decode()
        svg = markup[markup.index("<svg"): markup.index("</svg>")]
        assert svg.count("<a ") == svg.count("<title") - 1  # one per bar, plus the chart's
        assert "<script" not in svg and " on" not in re.sub(r'"[^"]*"', "", svg)


def test_chart_is_deterministic_and_follows_new_bulletins(project):
    write_bulletin(project, "yiyang/2024-06-01-2.md", minimal(2, "2024-06-01"))
    write_bulletin(project, "yiyang/2024-06-20-3.md", minimal(3, "2024-06-20"))
    first = render(project / "bulletins")
    assert render(project / "bulletins")["index.html"] == first["index.html"]
    bars = chart_bars(Page(first["cities/yiyang/index.html"]))
    assert bars == [("2024年5月：1期", "#m2024-05"), ("2024年6月：2期", "#m2024-06")]
