"""Word's automatic list numbers (editor/importing/numbering.py).

A bulletin typed in Word often numbers its points with the list button:
一、 （一） 1. are then drawn by Word, not stored in the paragraph. Import
must bring them in as the document shows them, or the bulletin loses them.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.shared import Pt

from briefsite.editor.importing.importer import interpret
from briefsite.editor.importing.numbering import FORMATS, chinese_counting
from briefsite.editor.importing.word import read_docx
from conftest import run_cli

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# 一、 / （一） / 1. — the outline GB/T 9704 documents use, as a Word list.
OUTLINE = f"""<w:abstractNum {W_NS} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""


def numbered_docx(paragraphs: list[tuple[int | None, str]], *, restart_at: int | None = None) -> bytes:
    """A bulletin whose body points are a Word list: (level or None, text).
    ``restart_at``: from that paragraph on, a second list instance of the
    same definition restarts at 1 (Word's "restart numbering")."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(OUTLINE))
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(
        f'<w:num {W_NS} w:numId="91"><w:abstractNumId w:val="90"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))

    def add(text: str, size: float = 16, level: int | None = None, num: str = "90"):
        p = document.add_paragraph()
        run = p.add_run(text)
        run.font.size = Pt(size)
        if level is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'))

    add("长沙市生态环境保护督察整改工作简报", 26)
    add("第 5 期")
    add("长沙市督察整改办公室　　　　2024年6月3日")
    add("长沙市召开整改推进会", 18)
    add("6月2日，市委书记主持召开整改推进会，部署下阶段工作。")
    for k, (level, text) in enumerate(paragraphs):
        add(text, level=level, num="91" if restart_at is not None and k >= restart_at else "90")
    add("报：省督察整改办")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("n, expected", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"),
                                         (21, "二十一"), (100, "一百"), (105, "一百零五"), (110, "一百一十")])
def test_chinese_counting_as_word_writes_it(n: int, expected: str):
    assert chinese_counting(n) == expected


def test_other_number_formats():
    assert FORMATS["decimalEnclosedCircle"](3) == "③"
    assert FORMATS["upperRoman"](14) == "XIV"
    assert FORMATS["lowerLetter"](28) == "bb"
    assert FORMATS["ideographTraditional"](2) == "乙"
    assert FORMATS["chineseLegalSimplified"](12) == "壹拾贰"


def test_word_list_numbers_are_imported_as_shown(tmp_path: Path):
    data = numbered_docx([
        (0, "压实整改责任"),
        (None, "各级各部门要落实属地责任。"),
        (1, "落实属地责任"),
        (1, "强化督办问效"),
        (2, "建立台账"),
        (2, "定期调度"),
        (0, "强化工作保障"),
        (1, "资金保障"),
        (2, "列入预算"),
    ])
    lines = [ln.text for ln in read_docx(data, "x.docx").lines if ln.text]
    assert lines[5:] == ["一、压实整改责任", "各级各部门要落实属地责任。", "（一）落实属地责任", "（二）强化督办问效",
                         "1. 建立台账", "2. 定期调度", "二、强化工作保障", "（一）资金保障", "1. 列入预算",
                         "报：省督察整改办"]

    (tmp_path / "received.docx").write_bytes(data)
    result = run_cli("import", "received.docx", cwd=tmp_path)
    assert result.code == 0, result.err
    text = (tmp_path / "bulletins" / "changsha" / "2024-06-03-5.md").read_text(encoding="utf-8")
    flat = "".join(text.replace("\\", "").split())
    for shown in ("一、压实整改责任", "（二）强化督办问效", "2.定期调度", "二、强化工作保障", "1.列入预算"):
        assert shown in flat, shown


def test_restarted_list_counts_from_its_start():
    data = numbered_docx([(0, "第一部分"), (0, "第二部分"), (0, "另一份清单的第一项"), (0, "另一份清单的第二项")],
                         restart_at=2)
    imported = interpret(read_docx(data, "x.docx"))
    body = imported.body
    assert "一、第一部分" in body and "二、第二部分" in body
    assert "一、另一份清单的第一项" in body and "二、另一份清单的第二项" in body


def test_a_document_without_lists_is_unchanged():
    data = numbered_docx([(None, "一、手工输入的编号")])
    lines = [ln.text for ln in read_docx(data, "x.docx").lines if ln.text]
    assert "一、手工输入的编号" in lines
    assert not any(line.startswith("一、一、") for line in lines)


def test_builtin_list_number_style():
    """Word's own "List Number" style numbers through its style, not the paragraph."""
    document = docx.Document()
    document.add_paragraph("第一项", style="List Number")
    document.add_paragraph("第二项", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    lines = [ln.text for ln in read_docx(buffer.getvalue(), "x.docx").lines if ln.text]
    assert lines == ["1. 第一项", "2. 第二项"]
