"""The masthead (版头) families of GB/T 9704, read from copied text (editor/importing/masthead.py).

Each case is a masthead as real bulletins print it, in several variants, with
the body's first headline and paragraph below it: the facts must come out
right and nothing of the masthead may be left in the body or lost.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from briefsite.editor.importing.importer import convert

BODY = "\n市领导调研湘江保护工作\n\n6月2日，市领导赴湘江沿岸调研生态环境保护工作。\n"
DATE = dt.date(2024, 6, 3)
TITLE = "长沙市生态环境保护督察整改工作简报"
ISSUER = "长沙市督察整改工作领导小组办公室"


def read(masthead: str, **kw):
    imported = convert(masthead + "\n" + BODY, **kw)
    assert imported.body.startswith("### 市领导调研湘江保护工作"), imported.body
    return imported


def facts_of(imported, *keys):
    return {k: imported.facts.get(k) for k in keys}


# ------------------------------------------------------------ a marking above the title

@pytest.mark.parametrize("marking", [
    "内部资料\n注意保存",
    "内部资料　注意保存",
    "内部资料    请勿外传",
    "内部刊物\n注意保存",
    "【内部资料】",
    "（内部资料　注意保存）",
])
def test_an_internal_marking_above_the_title(marking: str):
    imported = read(f"{marking}\n\n{TITLE}\n\n第 5 期\n\n{ISSUER}\n\n2024年6月3日\n")
    assert facts_of(imported, "title", "issue", "issuer", "date") == \
        {"title": TITLE, "issue": 5, "issuer": ISSUER, "date": DATE}
    # Not lost: the file says what the masthead printed, and the editor is told.
    front, _ = imported.render()
    assert re.sub(r"\s", "", marking).strip("【】（）") in re.sub(r"\s", "", front)
    assert any("内部资料" in n.message or "内部刊物" in n.message for n in imported.notes)
    assert "draft" not in imported.facts


@pytest.mark.parametrize("marking", ["秘密★1年", "秘密", "机密★6个月", "秘密　★　一年"])
def test_a_classified_bulletin_is_kept_as_a_draft(marking: str):
    imported = read(f"{marking}\n{TITLE}\n第 5 期\n{ISSUER}\n2024年6月3日\n")
    assert facts_of(imported, "title", "issue", "issuer", "date") == \
        {"title": TITLE, "issue": 5, "issuer": ISSUER, "date": DATE}
    # A public archive never publishes a classified bulletin unless an editor clears it.
    assert imported.facts["draft"] is True
    front, _ = imported.render()
    assert re.sub(r"\s", "", marking) in re.sub(r"\s", "", front)


def test_a_copy_number_and_urgency_above_the_title():
    imported = read(f"000123\n秘密★1年\n特急\n{TITLE}\n第 5 期\n{ISSUER}\n2024年6月3日\n")
    assert facts_of(imported, "title", "issue", "date") == {"title": TITLE, "issue": 5, "date": DATE}
    front, _ = imported.render()
    assert "000123" in front and "特急" in front


# ------------------------------------------------------------ the issuer above 第N期, issuer …编

@pytest.mark.parametrize("masthead, issuer", [
    (f"{TITLE}\n{ISSUER}\n第 5 期\n2024年6月3日\n", ISSUER),
    (f"{TITLE}\n\n长沙市生态环境局编\n\n第5期\n\n2024年6月3日\n", "长沙市生态环境局"),
    (f"{TITLE}\n第5期\n长沙市生态环境局　编\n2024年6月3日\n", "长沙市生态环境局"),
    (f"{TITLE}\n第5期\n长沙市督察整改办公室编印\n2024年6月3日\n", "长沙市督察整改办公室"),
    (f"{TITLE}\n第5期\n主办：长沙市生态环境局\n2024年6月3日\n", "长沙市生态环境局"),
    (f"{TITLE}\n第5期\n长沙市生态环境局编　　　　　　2024年6月3日\n", "长沙市生态环境局"),
    (f"{TITLE}\n第5期\n中共长沙市委办公室编\t2024年6月3日\n", "中共长沙市委办公室"),
])
def test_the_issuer_above_the_issue_or_ending_in_bian(masthead: str, issuer: str):
    imported = read(masthead)
    assert facts_of(imported, "title", "issue", "issuer", "date") == \
        {"title": TITLE, "issue": 5, "issuer": issuer, "date": DATE}


# ------------------------------------------------------------ the issue number alone in brackets

@pytest.mark.parametrize("issue_line, issue, total", [
    ("（第9期）", 9, None),
    ("(第 9 期)", 9, None),
    ("〔第九期〕", 9, None),
    ("第9期（总第109期）", 9, 109),
    ("2024年第9期　（总第109期）", 9, 109),
    ("总第109期　第9期", 9, 109),
    ("第 2 期 （内部资料 注意保存）", 2, None),
    ("第2期（内部资料）", 2, None),
    ("〔2024〕第 8 期", 8, None),
    ("［2024］第8期　总第45期", 8, 45),
    ("2024年度第8期", 8, None),
])
def test_the_issue_line_in_its_forms(issue_line: str, issue: int, total: int | None):
    imported = read(f"{TITLE}\n\n{issue_line}\n\n{ISSUER}\n\n2024年6月3日\n")
    assert facts_of(imported, "title", "issue", "total_issue", "issuer", "date") == \
        {"title": TITLE, "issue": issue, "total_issue": total, "issuer": ISSUER, "date": DATE}


# ------------------------------------------------------------ a 专报: 文号, issuer, 签发人, date

@pytest.mark.parametrize("masthead", [
    "长沙市督察整改工作专报\n第3期\n长督整专〔2024〕3号\n长沙市督察整改工作领导小组办公室\n签发人：张建国\n2024年6月3日\n",
    "长沙市督察整改工作专报\n\n长督整专〔2024〕3号\n\n长沙市督察整改工作领导小组办公室　　　　签发人：张建国\n\n2024年6月3日\n",
    "长沙市督察整改工作专报\n长督整专[2024]3号                 签发人：张建国\n长沙市督察整改工作领导小组办公室\n2024 年 6 月 3 日\n",
])
def test_a_zhuanbao_masthead(masthead: str):
    imported = read(masthead)
    assert facts_of(imported, "title", "issuer", "date") == \
        {"title": "长沙市督察整改工作专报", "issuer": "长沙市督察整改工作领导小组办公室", "date": DATE}
    assert re.sub(r"[\[\]〔〕]", "", imported.facts["doc_number"]) == "长督整专20243号"
    front, _ = imported.render()
    assert "签发人：张建国" in front  # not lost: a comment on the issuer line


# ------------------------------------------------------------ issuer and date on one line

@pytest.mark.parametrize("line", [
    f"{ISSUER}\t2024年6月3日",
    f"{ISSUER}\t\t\t2024年6月3日",
    f"{ISSUER}                    2024年6月3日",
    f"{ISSUER}　　　　　　　　2024年6月3日",
    f"2024年6月3日　　　　{ISSUER}",
    f"第5期　　{ISSUER}　　2024年6月3日",
])
def test_issuer_and_date_on_one_line(line: str):
    imported = read(f"{TITLE}\n第 5 期\n{line}\n" if not line.startswith("第") else f"{TITLE}\n{line}\n")
    assert facts_of(imported, "title", "issue", "issuer", "date") == \
        {"title": TITLE, "issue": 5, "issuer": ISSUER, "date": DATE}


# ------------------------------------------------------------ dates in every form

@pytest.mark.parametrize("printed, expected", [
    ("2024年6月3日", DATE),
    ("2024 年 6 月 3 日", DATE),
    ("2024年06月03日", DATE),
    ("２０２４年６月３日", DATE),
    ("二〇二四年六月三日", DATE),
    ("二○二四年六月三日", DATE),
    ("二零二四年六月三日", DATE),
    ("二〇二四年十二月三十一日", dt.date(2024, 12, 31)),
    ("2024.6.3", DATE),
    ("2024.06.03", DATE),
    ("2024-06-03", DATE),
    ("2024/6/3", DATE),
    ("2024．6．3", DATE),
    ("2024年6月3日（星期一）", DATE),
    ("2024年6月3日 星期一", DATE),
    ("（2024年6月3日）", DATE),
    ("2024年6月3号", DATE),
])
def test_dates_in_every_form(printed: str, expected: dt.date):
    imported = read(f"{TITLE}\n第 5 期\n{ISSUER}\n{printed}\n")
    assert facts_of(imported, "title", "issue", "issuer", "date") == \
        {"title": TITLE, "issue": 5, "issuer": ISSUER, "date": expected}


# ------------------------------------------------------------ other names of a bulletin

@pytest.mark.parametrize("title", ["长沙市督察整改工作动态", "长沙市生态环境保护督察整改信息",
                                   "长沙市督察整改专刊", "长沙市环境保护督察要报", "长沙市督察整改工作月报"])
def test_bulletins_not_called_jianbao(title: str):
    """工作动态, 信息, 专刊, 要报, 月报: as much a bulletin's name as 简报."""
    imported = read(f"{title}\n\n第9期\n\n{ISSUER}\n\n2024年6月3日\n")
    assert facts_of(imported, "title", "issue", "issuer", "date") == \
        {"title": title, "issue": 9, "issuer": ISSUER, "date": DATE}
