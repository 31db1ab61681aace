"""The archive: cities, years, series neighbours and collisions."""

from __future__ import annotations

import datetime as dt

from briefsite.content.archive import build_archive
from briefsite.errors import Problems
from briefsite.content.model import Bulletin


def bulletin(name: str, date: str, *, city="益阳市", slug="yiyang", title="益阳市简报", issue=None,
             total=None, draft=False) -> Bulletin:
    return Bulletin(source=f"bulletins/{slug}/{name}.md", name=name, title=title,
                    date=dt.date.fromisoformat(date), issuer="专班", city=city, city_slug=slug,
                    url=f"bulletins/{slug}/{name}/", issue=issue, total_issue=total, draft=draft,
                    lines={"issue": 3, "total_issue": 4, "city": 6})


def test_cities_years_and_months_newest_first():
    items = [bulletin("a", "2024-05-10", issue=1), bulletin("b", "2024-03-15", issue=2),
             bulletin("c", "2017-05-15", city="湖南省", slug="hunan", title="湖南省简报"),
             bulletin("d", "2024-05-20", issue=3, draft=True)]
    problems = Problems()
    archive = build_archive(items, problems)
    assert not problems.items
    assert [b.name for b in archive.bulletins] == ["a", "b", "c"]
    assert [b.name for b in archive.drafts] == ["d"]
    assert [(c.slug, c.name, c.count) for c in archive.cities] == [("hunan", "湖南省", 1), ("yiyang", "益阳市", 2)]
    assert [b.name for b in archive.city("yiyang").bulletins] == ["a", "b"]
    assert [(y.year, [b.name for b in y.bulletins]) for y in archive.years] == [(2024, ["a", "b"]), (2017, ["c"])]
    assert [(m.month, m.anchor) for m in archive.years[0].months] == [(5, "m2024-05"), (3, "m2024-03")]
    assert archive.years[0].url == "archive/2024/"


def test_neighbours_stay_within_a_series():
    items = [bulletin("a", "2024-03-13"), bulletin("b", "2024-03-15", issue=3),
             bulletin("c", "2024-03-14", title="另一简报"), bulletin("d", "2024-03-20", issue=4, draft=True)]
    archive = build_archive(items, Problems())
    n = archive.neighbours
    assert (n["bulletins/yiyang/a/"].previous, n["bulletins/yiyang/a/"].next.name) == (None, "b")
    assert (n["bulletins/yiyang/b/"].previous.name, n["bulletins/yiyang/b/"].next) == ("a", None)
    assert (n["bulletins/yiyang/c/"].previous, n["bulletins/yiyang/c/"].next) == (None, None)
    assert "bulletins/yiyang/d/" not in n  # drafts are not published


def test_same_day_issues_are_ordered_by_issue_number():
    items = [bulletin("x2", "2024-03-15", issue=2), bulletin("x1", "2024-03-15", issue=1)]
    archive = build_archive(items, Problems())
    assert archive.neighbours["bulletins/yiyang/x1/"].next.name == "x2"


def test_collisions():
    items = [bulletin("a", "2024-05-10", issue=1, total=7), bulletin("b", "2024-06-10", issue=1, total=7),
             bulletin("A", "2024-07-10"), bulletin("z", "2024-05-10", city="永州市", slug="yiyang"),
             bulletin("c", "2025-01-01", issue=1, draft=True)]
    problems = Problems()
    build_archive(items, problems)
    found = sorted((p.path, p.line, p.message) for p in problems.errors)
    assert [(path, line) for path, line, _ in found] == [
        ("bulletins/yiyang/a.md", 1), ("bulletins/yiyang/b.md", 3),
        ("bulletins/yiyang/b.md", 4), ("bulletins/yiyang/z.md", 6)]
    assert found[0][2] == ("会写到 bulletins/yiyang/a/，与 bulletins/yiyang/A.md 的 bulletins/yiyang/A/ 只差大小写（不区分大小写的服务器会把两者混在一起）")
    assert found[1][2] == ("系列 益阳市简报（益阳市）2024 年第 1 期与 bulletins/yiyang/a.md:3 重复")
    assert found[2][2].startswith("系列 益阳市简报（益阳市）总第7期（total_issue 7）与 bulletins/yiyang/a.md:4 重复")
    assert found[3][2].startswith("城市 永州市 和 益阳市（bulletins/yiyang/A.md）的网址名都是 'yiyang'")
