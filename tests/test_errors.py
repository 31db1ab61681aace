"""Problems are reported as path:line: severity: message (hint), sorted, all at once."""

from __future__ import annotations

from briefsite.errors import BriefsiteError, BuildFailed, Problems


def test_format():
    assert BriefsiteError("a.md", 3, "bad", hint="fix it").format() == "a.md:3: error: bad (fix it)"
    assert BriefsiteError("a.md", 0, "bad").format() == "a.md: error: bad"
    assert BriefsiteError(None, 0, "bad").format() == "error: bad"
    assert BriefsiteError("a.md", 1, "odd", severity="warning").format() == "a.md:1: warning: odd"
    assert str(BriefsiteError("a.md", 2, "bad")) == "a.md:2: error: bad"


def test_problems_collect_errors_and_warnings_sorted_by_place():
    problems = Problems()
    problems.error("b.md", 2, "second")
    problems.warning("a.md", 9, "warn")
    problems.error("b.md", 1, "first")
    assert [p.message for p in problems.errors] == ["second", "first"]
    assert [p.message for p in problems.warnings] == ["warn"]
    assert [p.format() for p in problems.sorted()] == [
        "a.md:9: warning: warn", "b.md:1: error: first", "b.md:2: error: second"]
    other = Problems()
    other.extend(problems)
    other.extend([BriefsiteError("c.md", 1, "third")])
    assert len(other.items) == 4


def test_build_failed_carries_every_problem_sorted():
    failed = BuildFailed([BriefsiteError("b.md", 1, "x"), BriefsiteError("a.md", 5, "y"),
                          BriefsiteError("a.md", 2, "w", severity="warning")])
    assert [(p.path, p.line) for p in failed.problems] == [("a.md", 2), ("a.md", 5), ("b.md", 1)]
    assert failed.message == "2 个错误；没有写入任何文件"
