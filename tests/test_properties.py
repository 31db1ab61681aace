"""Property-based tests: whatever a file holds, the build answers in its own words.

Hypothesis generates front-matter (any YAML scalar type, lists, nested maps,
odd keys, any Unicode), bodies (any Unicode including control characters)
and raw bytes. For each, checking and rendering the site either succeeds or
fails with BriefsiteError/BuildFailed whose every problem names a file and a
line: never another exception, never a traceback for the user.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from briefsite.content import markup
from briefsite.content.config import Config
from briefsite.errors import BriefsiteError, BuildFailed
from briefsite.content.loader import KNOWN_KEYS
from briefsite.build.site import check
from test_hostile import PageAudit

# database=None: no .hypothesis/ folder in the checkout; failures print their example.
SETTINGS = settings(max_examples=80, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Any character a text file can hold (surrogates cannot be encoded as UTF-8).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.integers(min_value=-10, max_value=2_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
    any_text, st.sampled_from(["", " ", "~", "null", "yes", "no", "on", "0x1F", "010", "1e3", ".inf",
                               "2024-05-10", "2024-02-30", "2024-05-10T08:00:00", "第3期"]),
    st.dates(), st.datetimes(),
)
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.one_of(any_text, st.integers(), st.booleans()), children, max_size=4)),
    max_leaves=12)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), any_text, st.sampled_from(["recipients", "Title", "title "]))
recipients = st.dictionaries(st.sampled_from(["report", "send", "distribute", "cc", "bcc", "报"]),
                             st.one_of(st.lists(any_text, max_size=5), any_text, values), max_size=5)
good_masthead = st.fixed_dictionaries({
    "title": st.one_of(any_text, st.just("益阳市督察工作简报")),
    "date": st.one_of(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)), values),
    "issuer": st.one_of(any_text, st.just("专班")),
    "city": st.one_of(any_text, st.just("益阳市")),
}, optional={k: values for k in KNOWN_KEYS if k not in ("title", "date", "issuer", "city")}
   | {"recipients": recipients})
front_matters = st.one_of(good_masthead, st.dictionaries(keys, values, max_size=8))
bodies = st.one_of(any_text, st.lists(st.one_of(any_text, st.sampled_from([
    "## 【县级动态】", "### 标题", "- 列表", "1. 有序", "> 引文", "| a | b |\n|---|---|\n| 1 | 2 |",
    "[链接](https://example.org)", "[坏](javascript:alert(1))", "<script>x</script>", "---", "```", "\x00",
    "\ufeff", "\u202e", "\r\n", "\r", "\x0c", "\x1b[31m"])), max_size=12).map("\n\n".join))


def yaml_text(data: dict) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, TypeError):  # e.g. keys PyYAML cannot represent
        return "title: x\n"


def assert_own_error(error: BriefsiteError) -> None:
    problems = error.problems if isinstance(error, BuildFailed) else [error]
    assert problems
    for problem in problems:
        assert problem.path, problem.format()
        assert isinstance(problem.line, int) and problem.line >= 0, problem.format()
        assert problem.message and "Traceback" not in problem.message


def check_file(data: bytes, name: str = "2024-05-10-1.md") -> None:
    """Check a source folder holding one file; only our errors may come out."""
    folder = Path(tempfile.mkdtemp(prefix="briefsite-prop-"))
    try:
        path = folder / "bulletins" / "yiyang" / name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        try:
            check(folder / "bulletins", Config())
        except BriefsiteError as error:
            assert_own_error(error)
            if isinstance(error, BuildFailed):
                assert any(p.path and p.path.endswith(name) for p in error.problems)
    finally:
        shutil.rmtree(folder)


@SETTINGS
@given(front_matter=front_matters, body=bodies)
def test_any_front_matter_and_body_build_or_fail_with_our_error(front_matter, body):
    check_file(f"---\n{yaml_text(front_matter)}---\n\n{body}\n".encode("utf-8"))


@SETTINGS
@given(front_matter=any_text, body=bodies)
def test_any_text_between_the_fences_fails_only_with_our_error(front_matter, body):
    check_file(f"---\n{front_matter}\n---\n{body}".encode("utf-8"))


@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_bytes_fail_only_with_our_error(data):
    check_file(data)


@SETTINGS
@given(prefix=st.binary(max_size=40), body=bodies)
def test_valid_masthead_after_any_bytes_fails_only_with_our_error(prefix, body):
    masthead = "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n"
    check_file(prefix + masthead.encode() + body.encode("utf-8", "replace"))


@SETTINGS
@given(body=bodies)
def test_any_body_renders_to_html_without_live_script(body):
    audit = PageAudit()
    audit.feed(markup.render(body).html)
    audit.close()
    assert audit.problems == []


@SETTINGS
@given(body=bodies)
def test_a_valid_masthead_with_any_body_is_published(body):
    """Nothing in a body can stop a bulletin with a good masthead from building."""
    if not body.strip() or not body.replace("\ufeff", "").strip():
        return  # an empty body is an error by design
    masthead = "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n"
    folder = Path(tempfile.mkdtemp(prefix="briefsite-prop-"))
    try:
        path = folder / "bulletins" / "yiyang" / "2024-05-10-1.md"
        path.parent.mkdir(parents=True)
        path.write_text(masthead + body + "\n", encoding="utf-8")
        try:
            summary = check(folder / "bulletins", Config())
        except BriefsiteError as error:
            assert_own_error(error)
            # The only acceptable reasons: the body is empty once decoded, holds NUL
            # or another control character that cannot be published (issue 12).
            assert all("NUL" in p.message or "no text" in p.message or "empty" in p.message
                       or "控制字符" in p.message
                       for p in getattr(error, "problems", [error])), error.format()
            return
        assert summary.bulletins == 1
    finally:
        shutil.rmtree(folder)


def test_float_edge_cases_are_our_errors():
    for value in (math.inf, -math.inf, math.nan, 1e308, -0.0):
        check_file(f"---\n{yaml_text({'title': 't', 'date': '2024-05-10', 'issuer': 'x', 'city': 'c', 'issue': value})}"
                   f"---\n\n正文\n".encode())


# -- issue 12: control characters, whitespace runs and encodings, by the CLI -------------

# Pieces an attacker or a careless copy-paste strings together: every C0/C1
# control, the noncharacters, runs of ASCII, full-width and other spaces.
controls = st.sampled_from([chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))]
                           + ["\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\u2028", "\u2029", "\u200b"])
space_runs = st.builds(lambda ch, n: ch * n, st.sampled_from([" ", "\u3000", "\t", "\u00a0", "\n", "\r\n", "\x0b",
                                                             "\x0c"]), st.integers(1, 400))
pieces = st.lists(st.one_of(controls, space_runs, st.sampled_from(["正文", "督察整改", "第3期", "2024年5月10日",
                                                                  "## 【县级动态】", "- 列表", "![", "[", "*"])),
                  min_size=1, max_size=30).map("".join)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "utf-16", "latin-1"])
CLI_SETTINGS = settings(max_examples=25, deadline=None, database=None,
                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                               HealthCheck.function_scoped_fixture])
MASTHEAD = "---\ntitle: 简报\ndate: 2024-05-10\nissuer: 专班\ncity: 益阳市\n---\n\n"


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "replace") if encoding != "utf-8" else text.encode("utf-8", "surrogatepass")


def run_main(args: list[str], capsys) -> tuple[int, str]:
    """The command line in this process (quick enough for hypothesis): an
    exception escaping main() is what a user would see as a traceback."""
    from briefsite import cli

    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.err


def build_once(folder: Path, data: bytes, capsys) -> tuple[int, str]:
    shutil.rmtree(folder, ignore_errors=True)
    path = folder / "bulletins" / "yiyang" / "2024-05-10-1.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return run_main(["build", "--no-search", "--no-cache", "--source", str(folder / "bulletins"),
                     "--out", str(folder / "site"), "--config", str(folder / "briefsite.yaml")], capsys)


@CLI_SETTINGS
@given(body=pieces, encoding=encodings, in_front_matter=st.booleans(), joiner=st.sampled_from(["\n\n", ""]))
def test_control_characters_and_whitespace_never_crash_and_stay_linear(tmp_path, capsys, body, encoding,
                                                                        in_front_matter, joiner):
    """Build through the command line: any mix of control characters,
    whitespace runs and encodings gives a site or our own errors; and the
    time of the check grows linearly with the body (n vs 8n repeats of it)."""
    text = (MASTHEAD.replace("专班", "专班" + body.replace("\n", " ")) + "正文\n" if in_front_matter
            else MASTHEAD + body + "\n")
    code, err = build_once(tmp_path / "one", encoded(text, encoding), capsys)
    assert code in (0, 1), err
    if code == 1:
        assert re.search(r"^\S+?(:\d+)?: error: ", err, re.M), err
    if code == 0:
        for feed in (tmp_path / "one" / "site").rglob("*.xml"):
            ElementTree.fromstring(feed.read_bytes())  # always well-formed XML
    times = []
    for repeat in (8, 64):
        data = encoded(MASTHEAD + joiner.join([body] * repeat) + "\n", encoding)
        started = time.perf_counter()
        check_file(data)
        times.append(time.perf_counter() - started)
    assert times[1] < 8 * 3 * max(times[0], 0.02), times  # 8x the input: linear is ~8x, quadratic 64x


@CLI_SETTINGS
@given(text=pieces, encoding=encodings, joiner=st.sampled_from(["\n", "", "\u3000"]))
def test_import_of_control_characters_and_whitespace_never_crashes_and_stays_linear(tmp_path, capsys, text,
                                                                                      encoding, joiner):
    """`briefsite import raw.txt` of the same: a bulletin file or our own
    error, and time linear in the input (n vs 8n repeats, on separate lines
    or on one ever longer line)."""
    times = []
    for i, repeat in enumerate((1, 8, 64)):
        raw = tmp_path / f"raw{i}.txt"
        raw.write_bytes(encoded("益阳市配合中央生态环境保护督察工作简报\n" + joiner.join([text] * repeat), encoding))
        started = time.perf_counter()
        code, err = run_main(["import", str(raw), "--city", "益阳市", "--out", str(tmp_path / f"b{i}"),
                              "--config", str(tmp_path / "briefsite.yaml")], capsys)
        times.append(time.perf_counter() - started)
        assert code in (0, 1), err
        if code == 1:
            assert re.search(r"^\S+?(:\d+)?: error: ", err, re.M), err
    assert times[2] < 8 * 3 * max(times[1], 0.02), times


# Characters near every edge of what controlchars refuses: the C0/C1
# controls, surrogates, the noncharacters of every plane and their
# neighbours, and ordinary Chinese text around them.
_EDGES = [chr(c) for c in (0x00, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x1F, 0x20, 0x7E, 0x7F, 0x9F, 0xA0,
                           0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0, 0xFFFD)]
_EDGES += [chr(plane << 16 | low) for plane in range(17) for low in (0xFFFD, 0xFFFE, 0xFFFF)]
_EDGES += [chr(plane << 16) for plane in range(1, 17)] + ["𠮷", "中", "文", "\n"]


@SETTINGS
@given(text=st.lists(st.one_of(st.sampled_from(_EDGES), st.characters()), max_size=60).map("".join),
       pos=st.integers(min_value=0, max_value=60))
def test_the_quick_control_character_check_finds_what_the_rule_refuses(text, pos):
    """A body is checked with a fast first pass (controlchars.first_forbidden):
    it finds exactly the character the rule (FORBIDDEN) names, from any
    position, astral characters included."""
    from briefsite.content import controlchars

    quick, rule = controlchars.first_forbidden(text, pos), controlchars.FORBIDDEN.search(text, pos)
    assert (quick and (quick.start(), quick.group())) == (rule and (rule.start(), rule.group()))
