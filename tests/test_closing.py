"""The 版记 at the foot of a bulletin (editor/importing/closing.py).

Labels beyond 报/送/发/抄送, entries wrapped over lines, the punctuation
inside recipients' names, whose 文号 is the bulletin's own, and a contact
too long for a masthead value: each in realistic variants, through convert.
"""

from __future__ import annotations

import datetime as dt

import pytest

from briefsite import i18n
from briefsite.editor.importing.closing import read_closing
from briefsite.editor.importing.importer import convert
from briefsite.editor.importing.layout import Line
from briefsite.content.front_matter import split

HEAD = "长沙市生态环境保护督察整改工作简报\n第 5 期\n长沙市督察整改办公室\n2024年6月3日\n\n"
BODY = "市领导调研湘江保护工作\n\n6月2日，市领导赴湘江沿岸调研生态环境保护工作。\n\n"


def read(closing: str, head: str = HEAD, body: str = BODY):
    return convert(head + body + closing)


# Groups come out in printed order, each under its printed label unless
# that is the usual one of its kind (报, 送, 发, 抄送).
@pytest.mark.parametrize("closing, recipients", [
    ("主送：市委办公室，市政府办公室\n抄送：市人大常委会办公室，市政协办公室\n",
     {"主送": ["市委办公室", "市政府办公室"], "cc": ["市人大常委会办公室", "市政协办公室"]}),
    ("报送：省督察整改办公室\n分送：各区县（市）人民政府，市直有关单位\n",
     {"报送": ["省督察整改办公室"], "分送": ["各区县（市）人民政府", "市直有关单位"]}),
    ("报：省委办公厅，省政府办公厅\n抄报：省生态环境厅\n送：市委，市政府\n",
     {"report": ["省委办公厅", "省政府办公厅"], "抄报": ["省生态环境厅"], "send": ["市委", "市政府"]}),
    ("主　送：各区县（市）督察整改办公室\n抄　送：市委督查室\n",
     {"主送": ["各区县（市）督察整改办公室"], "cc": ["市委督查室"]}),
    ("报送: 省督察整改办公室\n主送:各区县（市）人民政府\n",
     {"报送": ["省督察整改办公室"], "主送": ["各区县（市）人民政府"]}),
    ("抄报：省委办公厅\n分送：市级各部门\n抄送：市纪委监委\n",
     {"抄报": ["省委办公厅"], "分送": ["市级各部门"], "cc": ["市纪委监委"]}),
])
def test_labels_beyond_bao_song_fa(closing: str, recipients: dict):
    imported = read(closing)
    assert imported.facts["recipients"] == recipients
    assert list(imported.facts["recipients"]) == list(recipients)  # printed order
    assert "主送" not in imported.body and "报送" not in imported.body


def test_the_page_prints_each_group_under_its_printed_label(tmp_path):
    """抄报 and 抄送 are both copies, but the page is the original's: two
    groups, each with its own label, in printed order; bulletins.json files
    both under cc as well."""
    import json

    from conftest import run_cli

    imported = read("抄报：省委办公厅\n分送：市级各部门，各区县\n抄送：市纪委监委\n")
    text, _ = imported.render()
    assert "  抄报:\n    - 省委办公厅\n  分送:\n" in text
    assert not imported.notes or not any("抄报" in n.message for n in imported.notes)
    (tmp_path / "bulletins" / "changsha").mkdir(parents=True)
    (tmp_path / "bulletins" / "changsha" / "2024-06-03-5.md").write_text(text + imported.body, encoding="utf-8")
    built = run_cli("build", cwd=tmp_path)
    assert built.code == 0, built.err
    page = (tmp_path / "site" / "bulletins" / "changsha" / "2024-06-03-5" / "index.html").read_text(encoding="utf-8")
    labels = [label for label in ("抄报", "分送", "抄送") if f"<dt>{label}：</dt>" in page]
    assert labels == ["抄报", "分送", "抄送"]
    assert page.index("<dt>抄报：") < page.index("<dt>分送：") < page.index("<dt>抄送：")
    record = json.loads((tmp_path / "site" / "bulletins.json").read_text(encoding="utf-8"))["bulletins"][0]
    assert record["recipients"]["cc"] == ["省委办公厅", "市纪委监委"]
    assert [g["label"] for g in record["recipient_groups"]] == ["抄报", "分送", "抄送"]


@pytest.mark.parametrize("closing, names", [
    # a name cut after a few characters: the next line starts with what cannot stand alone
    ("送：各县市区委、县市区人民政府，益阳高新区党工委、管委\n会，大通湖区管委会\n",
     ["各县市区委、县市区人民政府", "益阳高新区党工委、管委会", "大通湖区管委会"]),
    # a name cut mid-word: the first part ends no name, the joined one does
    ("送：市配合中央生态环境保护督察协调联络工作专班副总协\n调人及成员\n",
     ["市配合中央生态环境保护督察协调联络工作专班副总协调人及成员"]),
    ("抄送：市委办公室，市人大常委会办公室，市政府办公\n室，市政协办公室\n",
     ["市委办公室", "市人大常委会办公室", "市政府办公室", "市政协办公室"]),
    # a line ending in 、 or ， is never a cut name
    ("送：市委办公室、\n市政府办公室\n", ["市委办公室、市政府办公室"]),
    ("送：市委办公室，\n市政府办公室\n", ["市委办公室", "市政府办公室"]),
    # one name a line: each line a complete name
    ("送：长沙市委办公室\n长沙市人民政府办公室\n长沙市督察整改领导小组成员\n",
     ["长沙市委办公室", "长沙市人民政府办公室", "长沙市督察整改领导小组成员"]),
])
def test_entries_wrapped_over_lines(closing: str, names: list[str]):
    imported = read(closing)
    key = "cc" if closing.startswith("抄送") else "send"
    assert imported.facts["recipients"][key] == names


# ------------------------------------------------------------ issue 12, item 9: nothing dropped

@pytest.mark.parametrize("closing, names", [
    ("报：市委办公室；市政府办公室\n", ["市委办公室；市政府办公室"]),
    ("报：市委办公室，市政府办公室；市人大办公室\n", ["市委办公室", "市政府办公室；市人大办公室"]),
    ("报：Greenpeace, Inc.\n", ["Greenpeace, Inc."]),
    ("报：市委办公室,市政府办公室\n", ["市委办公室,市政府办公室"]),
    ("送：Hunan Environment Co., Ltd.\n", ["Hunan Environment Co., Ltd."]),
    ("报：市委办公室，市政府办公室。\n", ["市委办公室", "市政府办公室"]),  # the final 。 ends the entry
])
def test_punctuation_in_names_is_kept(closing: str, names: list[str]):
    imported = read(closing)
    key = "report" if closing.startswith("报") else "send"
    assert imported.facts["recipients"][key] == names
    # What the importer did drop is only the "，" between names and a final "。".
    assert all(set(p.text) <= set("，。") for p in imported.dropped if p.reason == "版记 separator")


@pytest.mark.parametrize("ending", [
    "依据上述要求，请各单位对照落实。\n湘环发〔2024〕12号\n",
    "详见《关于做好督察整改工作的通知》\n湘环发〔2024〕12号\n\n报：市委办公室\n",
    "此次会议传达了省里的文件精神。\n长环委办〔2024〕3号\n长沙市督察整改办公室 2024年6月3日印发\n",
])
def test_a_cited_doc_number_near_the_end_is_not_the_bulletins_own(ending: str):
    imported = read(ending)
    number = ending.split("\n")[1]
    assert "doc_number" not in imported.facts
    assert number in imported.body  # kept where it is printed


@pytest.mark.parametrize("closing, number", [
    ("报：市委办公室\n送：市政府办公室\n长沙市督察整改办公室 2024年6月3日印发\n长督简〔2024〕5号\n",
     "长督简〔2024〕5号"),
    ("报：市委办公室\n长督简〔2024〕5号\n长沙市督察整改办公室 2024年6月3日印发\n", "长督简〔2024〕5号"),
])
def test_the_bulletins_own_doc_number_in_the_banji(closing: str, number: str):
    imported = read(closing)
    assert imported.facts["doc_number"] == number
    assert number not in imported.body


def test_the_masthead_doc_number_wins_and_a_different_one_below_is_kept():
    head = "长沙市督察整改工作专报\n长督整专〔2024〕3号\n长沙市督察整改办公室\n2024年6月3日\n\n"
    imported = read("报：市委办公室\n长督简〔2024〕5号\n", head=head)
    assert imported.facts["doc_number"] == "长督整专〔2024〕3号"
    assert "长督简〔2024〕5号" in imported.body


@pytest.mark.parametrize("length", [501, 785])
def test_a_contact_longer_than_check_allows_stays_in_the_body(length: int):
    contact = ("联系人：张三，电话：0731-12345678，地址：" + "湘江中路" * length)[:length]
    assert len(contact) == length
    imported = read(f"报：市委办公室\n{contact}\n")
    assert "contact" not in imported.facts
    assert contact in imported.body.replace("\\", "")
    assert any("500" in n.message for n in imported.notes)
    # The file it writes passes check's limit on the facts it does write.
    assert imported.facts["recipients"] == {"report": ["市委办公室"]}


def test_a_contact_within_the_limit_is_the_contact():
    imported = read("报：市委办公室\n联系人：张三　　电话：0731-12345678\n")
    assert imported.facts["contact"] == "联系人：张三 电话：0731-12345678"
    assert imported.facts["printed"] if "printed" in imported.facts else True
    assert imported.facts["date"] == dt.date(2024, 6, 3)


def test_the_command_line_keeps_every_character_of_the_banji_and_check_accepts_it(tmp_path):
    """Issue 12, item 9, as an editor meets it: import, then check the archive."""
    from conftest import run_cli
    contact = ("联系人：张三，电话：0731-12345678，地址：" + "湘江中路" * 200)[:785]
    raw = tmp_path / "raw.txt"
    raw.write_text(HEAD + BODY + "此次会议传达了文件精神。\n湘环发〔2024〕12号\n\n"
                   "报：Hunan Environment Co., Ltd.；市委办公室.\n送：市政府办公室\n" + contact + "\n",
                   encoding="utf-8")
    result = run_cli("import", str(raw), "--out", "bulletins", cwd=tmp_path)
    assert result.code == 0, result.err
    written = tmp_path / "bulletins" / "changsha" / "2024-06-03-5.md"
    parsed = split(written.read_text(encoding="utf-8"), str(written))
    fields = {k: f.value for k, f in parsed.fields.items()}
    assert fields["recipients"] == {"report": ["Hunan Environment Co., Ltd.；市委办公室."],
                                    "send": ["市政府办公室"]}
    assert "doc_number" not in fields and "contact" not in fields
    assert "湘环发〔2024〕12号" in parsed.body and contact in parsed.body.replace("\\", "")
    assert "785" in result.err  # the editor is told why the contact stayed in the text
    check = run_cli("check", cwd=tmp_path)
    assert check.code == 0, check.err


def remarks(texts: list[str], masthead_doc_number: str | None = None) -> list[tuple]:
    lines = [Line(no, text) for no, text in enumerate(texts, 1)]
    return read_closing(lines, None, [], masthead_doc_number).remarks


def test_what_stays_in_the_text_is_said_in_the_chosen_language():
    """Each remark on a 版记 line kept in the text, whole, in Chinese by default and in English on request."""
    second = ["报：市委办公室", "长督简〔2024〕5号", "长督简〔2024〕6号", "附件略"]
    long_contact = ["报：市委办公室", "联系人：" + "张" * 600]
    assert remarks(second[:2], "长督整专〔2024〕3号") == [
        ("doc_number", "第 2 行的文号 长督简〔2024〕5号 保留在正文末尾，本期文号取版头所印的 长督整专〔2024〕3号",
         "请核对哪个是本期简报的文号")]
    assert remarks(second) == [
        ("doc_number", "第 3 行的文号 长督简〔2024〕6号 保留在正文末尾，本期文号取版记前文所印的 长督简〔2024〕5号",
         "请核对哪个是本期简报的文号"),
        (None, "版记之后的第 4 行保留在正文末尾：附件略", "")]
    assert remarks(long_contact) == [
        (None, "联系方式共 604 字，超过 500 字的上限，保留在正文末尾", "如需作为 contact，请删减后移入 front-matter")]
    with i18n.using(i18n.ENGLISH):
        assert remarks(second[:2], "长督整专〔2024〕3号") == [
            ("doc_number", "the document number 长督简〔2024〕5号 on line 2 was kept at the end of the text; the "
             "bulletin's own is the one the masthead prints, 长督整专〔2024〕3号",
             "check which is the bulletin's own document number")]
        assert remarks(second) == [
            ("doc_number", "the document number 长督简〔2024〕6号 on line 3 was kept at the end of the text; the "
             "bulletin's own is the one printed before it in the closing block, 长督简〔2024〕5号",
             "check which is the bulletin's own document number"),
            (None, "line 4, after the closing block, was kept at the end of the text: 附件略", "")]
        assert remarks(long_contact) == [
            (None, "the contact line has 604 characters, more than the limit of 500: it was kept at the end of "
             "the text", "to use it as contact, shorten it and move it into the front-matter")]
