"""Very large and malicious input: linear time, or a quick clear refusal.

Time is never compared with a constant (machines differ); each test times the
same work at size n and 4n in one run: linear code takes about 4x as long,
quadratic code 16x, so a bound of 10x tells them apart with room for noise.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import pytest

from briefsite.content import markup
from briefsite.content.config import Config
from briefsite.errors import BriefsiteError, Problems
from briefsite.content.loader import load_all
from briefsite.build.site import check
from conftest import minimal, run_cli, write_bulletin

HEAD = minimal().split("\n---\n", 1)[0] + "\n---\n\n"
RATIO = 10.0


def best_time(work: Callable[[], object], repeat: int = 3) -> float:
    # CPU time of this process, not wall time: on a shared, loaded machine
    # other processes' work would otherwise be counted as ours.
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def assert_linear(make_body: Callable[[int], str], n: int) -> None:
    small, large = make_body(n), make_body(4 * n)
    t_small = best_time(lambda: markup.render(small))
    t_large = best_time(lambda: markup.render(large))
    assert t_large < RATIO * max(t_small, 0.01), \
        f"4x input took {t_large / t_small:.1f}x as long ({t_small:.3f} s -> {t_large:.3f} s)"


BODIES = {
    "paragraphs": lambda n: "\n\n".join(f"第{i}段，督察整改工作持续推进。" for i in range(n)),
    "list items": lambda n: "\n".join(f"- 第{i}项整改任务" for i in range(n)),
    "ordered list": lambda n: "\n".join(f"{i + 1}. 第{i}项" for i in range(n)),
    "distinct headings": lambda n: "\n\n".join(f"### 第{i}篇\n\n正文。" for i in range(n)),
    # Every headline the same: ids must stay unique without rescanning (标题, 标题-2, …).
    "identical headings": lambda n: "\n\n".join("### 标题\n\n正文。" for _ in range(n)),
    "one long paragraph": lambda n: "督察整改" * (n * 10),
    "one long line of links": lambda n: " ".join(f"[链接{i}](https://example.org/{i})" for i in range(n)),
    "nested quotes": lambda n: "\n".join(">" * min(i % 50 + 1, 50) + " 引文" for i in range(n)),
    "table rows": lambda n: "| 序号 | 内容 |\n|---|---|\n" + "\n".join(f"| {i} | 第{i}项 |" for i in range(n)),
}


@pytest.mark.parametrize("kind", BODIES)
def test_body_rendering_is_not_quadratic(kind):
    assert_linear(BODIES[kind], 4_000)


def test_100k_list_items_build(empty_project):
    body = "\n".join(f"- 第{i}项整改任务" for i in range(100_000))
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", HEAD + "### 整改清单\n\n" + body + "\n")
    result = run_cli("build", cwd=empty_project, timeout=300)
    assert result.code == 0, result.err
    page = next((empty_project / "site" / "bulletins").glob("*/*/index.html")).read_text(encoding="utf-8")
    assert page.count("<li>") >= 100_000
    assert "第99999项整改任务" in page


def test_5mb_bulletin_builds_and_loses_nothing(empty_project):
    paragraph = "5月9日，益阳市委书记率队赴沅江市实地调研南洞庭湖湿地保护修复工作情况。"  # 36 chars, 108 bytes
    count = 5 * 1024 * 1024 // (len(paragraph.encode()) + 2)
    body = "\n\n".join(f"{paragraph}{i}" for i in range(count))
    path = write_bulletin(empty_project, "yiyang/2024-05-10-1.md", HEAD + body + "\n")
    assert path.stat().st_size >= 5 * 1024 * 1024
    result = run_cli("build", cwd=empty_project, timeout=300)
    assert result.code == 0, result.err
    page = next((empty_project / "site" / "bulletins").glob("*/*/index.html")).read_text(encoding="utf-8")
    assert page.count("<p>") >= count
    assert f"{paragraph}{count - 1}" in page


def test_large_archive_load_is_not_quadratic(tmp_path):
    """Loading and rendering n vs 4n bulletins (archive-level indexes, collisions, neighbours)."""
    def make(n: int) -> Path:
        root = tmp_path / str(n)
        for i in range(n):
            day = f"20{10 + i // 360:02d}-{i // 30 % 12 + 1:02d}-{i % 30 % 28 + 1:02d}"
            write_bulletin(root, f"yiyang/{day}-{i + 1}.md", minimal(i + 1, day))
        return root / "bulletins"

    small, large = make(100), make(400)
    t_small = best_time(lambda: check(small, Config()), repeat=1)
    t_large = best_time(lambda: check(large, Config()), repeat=1)
    assert t_large < RATIO * max(t_small, 0.05), f"{t_small:.3f} s -> {t_large:.3f} s"


# --- YAML bombs and oversized front-matter: refused fast, with a clear message.

def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        prev, cur = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines)


FRONT_MATTER_BOMBS = {
    "billion laughs": (billion_laughs(), "锚点和别名"),
    "alias in a value": ("title: &t 益阳\nissuer: *t", "锚点和别名"),
    "merge key": ("base: &b {title: x}\nother:\n  <<: *b", "锚点和别名"),
    "deep flow nesting": ("title: " + "[" * 5000 + "]" * 5000, ""),
    "deep block nesting": ("title:\n" + "".join(" " * i + "- \n" for i in range(1, 3000)), ""),
    "deep mapping nesting": ("title:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 3000)), ""),
    "huge scalar": ("title: " + "长" * 200_000, "上限"),
    "many keys": ("\n".join(f"k{i}: {i}" for i in range(20_000)), ""),
    "long key": ("k" * 100_000 + ": 1", ""),
    "huge integer": ("issue: " + "9" * 50_000, ""),
    "python tag": ("title: !!python/object/apply:os.system ['echo pwned']", ""),
    "binary tag": ("title: !!binary " + "QUFB" * 10, ""),
    "set and omap": ("title: !!set {a, b}\nissuer: !!omap [a: 1]", ""),
}


def load_problems(root: Path, text: str) -> list[BriefsiteError]:
    """Errors of loading one file; any exception other than ours fails the test."""
    write_bulletin(root, "yiyang/2024-05-10-1.md", text)
    problems = Problems()
    load_all(root / "bulletins", Config(), problems)
    return problems.errors


@pytest.mark.parametrize("name", FRONT_MATTER_BOMBS)
def test_front_matter_bomb_is_refused_quickly_with_a_clear_error(empty_project, name):
    front_matter, expected = FRONT_MATTER_BOMBS[name]
    started = time.perf_counter()
    errors = load_problems(empty_project, f"---\n{front_matter}\n---\n\n正文。\n")
    assert time.perf_counter() - started < 5, "took too long to refuse"
    assert errors, f"{name} was accepted"
    for error in errors:
        assert error.path == str(empty_project / "bulletins" / "yiyang" / "2024-05-10-1.md") \
            or error.path.endswith("2024-05-10-1.md")
        assert error.line >= 1, error.format()
    assert expected in " ".join(e.message for e in errors)


def test_billion_laughs_through_the_command_line(empty_project):
    write_bulletin(empty_project, "yiyang/2024-05-10-1.md", f"---\n{billion_laughs()}\n---\n\n正文。\n")
    started = time.perf_counter()
    result = run_cli("build", cwd=empty_project)
    assert time.perf_counter() - started < 30
    assert result.code == 1
    assert "bulletins/yiyang/2024-05-10-1.md:2: error: 文件头中不能使用 YAML 锚点和别名" in result.err
    assert "Traceback" not in result.err
