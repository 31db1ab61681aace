"""Importing the files editors actually receive: Word (.docx) and PDF.

Each test lays a bulletin out itself (tests/import_docs.py): python-docx for
Word, an HTML page set like a GB/T 9704 bulletin and printed by headless
Chromium for PDF, and imports it through the real command line. PDF tests
need Chromium (marked ``chromium``): they skip without it, and fail under CI=true.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefsite.editor.importing.importer import interpret
from briefsite.editor.importing.pdf import read_pdf
from briefsite.editor.importing.word import read_docx
from briefsite.content.front_matter import split
from conftest import run_cli
from import_docs import Spec, chromium, print_pdf, to_docx, to_html  # noqa: F401 (fixture)

LONG = ("5月11日，益阳市委书记陈竞率队赴沅江市，实地调研湿地保护修复工作情况。"
        + "陈竞强调，要高度重视，坚决扛牢“守护好一江碧水”的政治责任，持续加大湿地保护修复力度。" * 6)
SECOND = "全市各级各部门要迅速行动，对照交办问题清单逐项整改，确保按时办结、群众满意。" * 14

FAMILIES = Spec(
    guide_label="本期要目",
    guide=["▲陈竞调研南洞庭湖湿地保护修复工作…………………1", "▲各县市区交办件办理情况…………………2"],
    running_head="益阳市配合中央生态环境保护督察工作简报",
    blocks=[
        ("section", "【市级动态】"),
        ("headline", "陈竞调研南洞庭湖湿地保护修复工作"),
        ("para", LONG),
        ("outline", "一、提高政治站位"),
        ("para", "陈竞强调，要深入学习贯彻习近平生态文明思想。"),
        ("outline", "（一）压实工作责任"),
        ("para", "各县市区要落实属地责任，逐项销号。"),
        ("para", "会议要求"),
        ("headline", "各县市区交办件办理情况"),
        ("table", [["县市区", "交办件", "办结"], ["南县", "12", "10"], ["沅江市", "128", "3"]]),
        ("para", SECOND),
    ])

EXPECTED_FACTS = {
    "title": "益阳市配合中央生态环境保护督察工作简报", "issue": 3, "date": dt.date(2024, 5, 12),
    "issuer": "益阳市配合中央生态环境保护督察协调联络专班", "city": "益阳市",
    "recipients": {"report": ["市委办公室", "市人大常委会办公室"]}, "printed": dt.date(2024, 5, 12),
}
EXPECTED_BODY = "\n\n".join([
    "## 【市级动态】",
    "### 陈竞调研南洞庭湖湿地保护修复工作",
    LONG,
    "#### 一、提高政治站位",
    "陈竞强调，要深入学习贯彻习近平生态文明思想。",
    "##### （一）压实工作责任",
    "各县市区要落实属地责任，逐项销号。",
    "会议要求",
    "### 各县市区交办件办理情况",
    "| 县市区 | 交办件 | 办结 |\n| --- | --- | --- |\n| 南县 | 12 | 10 |\n| 沅江市 | 128 | 3 |",
    SECOND,
])


def read_back(path: Path) -> tuple[dict, str]:
    parsed = split(path.read_text(encoding="utf-8"), str(path))
    return {k: f.value for k, f in parsed.fields.items()}, parsed.body.strip()


def nonspace(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- Word

def test_word_bulletin_imports_to_its_facts_and_body(tmp_path: Path):
    (tmp_path / "received.docx").write_bytes(to_docx(FAMILIES))
    result = run_cli("import", "received.docx", cwd=tmp_path)
    assert result.code == 0, result.err
    facts, body = read_back(tmp_path / "bulletins" / "yiyang" / "2024-05-12-3.md")
    assert facts == EXPECTED_FACTS
    assert body == EXPECTED_BODY
    # Header and footer are furniture, named and counted; the 本期要目 is dropped and counted.
    assert "页眉 1 行" in result.out and "页脚 1 行" in result.out and "导读 3 行" in result.out, result.out
    assert "1 个表格" in result.out


def test_word_short_paragraphs_are_not_headlines_without_a_print_width():
    """Word has no printed line width: a short plain paragraph stays a paragraph, a bold centred one is a headline."""
    spec = Spec(blocks=[("headline", "全市召开推进会"), ("para", "会议指出"), ("para", "要抓好整改"),
                        ("para", "此件公开发布"), ("headline", "南县开展督导"), ("para", "5月9日，南县开展督导。")])
    imported = interpret(read_docx(to_docx(spec), "x.docx"))
    assert imported.body.split("\n\n") == ["### 全市召开推进会", "会议指出", "要抓好整改", "此件公开发布",
                                           "### 南县开展督导", "5月9日，南县开展督导。"]


def test_word_picture_is_named_in_the_summary(tmp_path: Path):
    spec = Spec(blocks=[("headline", "现场督导"), ("para", "督导组赴现场检查。")], picture=True)
    (tmp_path / "photo.docx").write_bytes(to_docx(spec))
    result = run_cli("import", "photo.docx", cwd=tmp_path)
    assert result.code == 0, result.err
    assert "图片 1 张未导入" in result.out
    assert "图片未导入" in result.err


def test_word_bulletin_as_a_table_closing_and_tab_separated_masthead():
    spec = Spec(blocks=[("headline", "会议召开"), ("para", "会议召开。")], closing=[])
    data = to_docx(spec)
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "报：市委办公室，市政府办公室。"
    table.cell(1, 0).text = "益阳市配合中央生态环境保护督察协调联络专班 2024年5月12日印发"
    out = io.BytesIO()
    document.save(out)
    imported = interpret(read_docx(out.getvalue(), "x.docx"))
    assert imported.facts["recipients"] == {"report": ["市委办公室", "市政府办公室"]}
    assert imported.facts["printed"] == dt.date(2024, 5, 12)
    assert imported.body == "### 会议召开\n\n会议召开。"


def test_legacy_word_gets_the_conversion_command(tmp_path: Path):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = run_cli("import", "old.doc", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert result.code == 1
    import shutil

    if shutil.which("soffice") is None:
        assert "旧版 Word/WPS 文件" in result.err and "soffice --headless --convert-to docx" in result.err
    assert "Traceback" not in result.err


# ---------------------------------------------------------------- PDF (Chromium)

@pytest.mark.chromium
def test_pdf_bulletin_imports_to_its_facts_and_body(tmp_path: Path, chromium):
    pdf = print_pdf(chromium, to_html(FAMILIES), FAMILIES)
    (tmp_path / "received.pdf").write_bytes(pdf)
    result = run_cli("import", "received.pdf", cwd=tmp_path)
    assert result.code == 0, result.err
    facts, body = read_back(tmp_path / "bulletins" / "yiyang" / "2024-05-12-3.md")
    assert facts == EXPECTED_FACTS
    assert body == EXPECTED_BODY
    pages = read_pdf(pdf, "x").lines[-1].page
    assert pages >= 2  # the running head and page numbers repeat
    assert f"页码 {pages} 行" in result.out and f"页眉/眉题 {pages} 行" in result.out, result.out


RAGGED = [
    "6月17日，市委副书记、市长李爱武主持召开洞庭湖生态环境问题整改推进会，听取各县市区和市直相关部门整改进展"
    "情况汇报，研究部署下阶段工作。会议强调，要坚持以习近平生态文明思想为指导，对标对表中央生态环境保护督察反馈"
    "问题，逐项细化整改措施。",
    "会议要求，各级各部门要进一步压实整改责任，建立健全问题清单、任务清单、责任清单，确保按时保质完成整改任务。",
    "今年以来，华容县累计排查河湖“四乱”问题126个，已完成整改119个，整改率94.4%。",
]


@pytest.mark.chromium
def test_pdf_with_a_ragged_right_margin_keeps_its_paragraphs(chromium):
    """Left-aligned text (WPS, a web page printed) ends lines up to two
    characters short where 禁则 carry "题，" or "务。" to the next line: each
    paragraph stays one paragraph, and a headline still stands alone."""
    spec = Spec(blocks=[("headline", "岳阳市召开洞庭湖生态环境问题整改推进会"), ("para", RAGGED[0]),
                        ("para", RAGGED[1]), ("headline", "华容县扎实推进河湖“清四乱”"), ("para", RAGGED[2])])
    page = to_html(spec).replace("text-align: justify", "text-align: left")
    assert "text-align: left" in page
    imported = interpret(read_pdf(print_pdf(chromium, page, spec), "x.pdf"))
    assert imported.body.split("\n\n")[:5] == ["### 岳阳市召开洞庭湖生态环境问题整改推进会", *RAGGED[:2],
                                               "### 华容县扎实推进河湖“清四乱”", RAGGED[2]]


@pytest.mark.chromium
def test_pdf_table_across_a_page_break_is_one_table(chromium):
    rows = [["县市区", "交办件", "办结"]] + [[f"第{k}组", str(10 + k), str(k)] for k in range(1, 31)]
    spec = Spec(blocks=[("headline", "交办件办理情况"), ("para", SECOND), ("table", rows), ("para", "以上为截至目前的情况。")])
    imported = interpret(read_pdf(print_pdf(chromium, to_html(spec), spec), "x.pdf"))
    blocks = imported.body.split("\n\n")
    tables = [b for b in blocks if b.startswith("|")]
    assert len(tables) == 1 and tables[0].count("\n") == len(rows)  # header, rule, 30 rows
    assert "| 第30组 | 40 | 30 |" in tables[0]
    assert blocks[-1] == "以上为截至目前的情况。"


@pytest.mark.chromium
def test_pdf_without_a_text_layer_needs_ocr(tmp_path: Path, chromium):
    page = chromium.new_page()
    page.set_content("<svg width=400 height=200><rect width=400 height=200 fill='#ccc'/></svg>")
    (tmp_path / "scan.pdf").write_bytes(page.pdf(format="A4"))
    page.close()
    result = run_cli("import", "scan.pdf", cwd=tmp_path)
    assert result.code == 1
    assert "没有文字层" in result.err and "OCR" in result.err and "Traceback" not in result.err


# ---------------------------------------------------------------- nothing lost (property)

CHARS = "市委会议召开督察整改工作南县益阳永州报送发期年月日，。、；：“”（）《》0123456789abcXYZ%-"
TEXT = st.text(alphabet=CHARS, min_size=1, max_size=60).filter(lambda t: t.strip())
BLOCK = st.one_of(
    st.tuples(st.just("para"), TEXT),
    st.tuples(st.just("headline"), st.text(alphabet=CHARS[:20], min_size=2, max_size=20)),
    st.tuples(st.just("table"), st.lists(st.lists(st.text(alphabet=CHARS, min_size=1, max_size=6), min_size=2,
                                                  max_size=2), min_size=2, max_size=4)),
)
SPECS = st.builds(Spec, blocks=st.lists(BLOCK, min_size=1, max_size=8),
                  running_head=st.sampled_from([None, "益阳市配合中央生态环境保护督察工作简报"]))


def assert_text_layer_kept(document, imported) -> None:
    """Every character of the document's text is in the bulletin file or in furniture the import names."""
    layer = Counter()
    for ln in document.lines:
        layer.update(nonspace(ln.text + "".join(ln.cells)))
    text, _ = imported.render()
    kept = Counter(nonspace(text.replace("\\", "")))
    named = Counter(nonspace("".join(p.text for p in imported.dropped)))
    lost = layer - kept - named
    assert not lost, f"lost {dict(lost)}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SPECS)
def test_word_import_loses_no_character(spec: Spec):
    document = read_docx(to_docx(spec), "x.docx")
    assert_text_layer_kept(document, interpret(document, city="益阳市"))


@pytest.mark.chromium
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(SPECS)
def test_pdf_import_loses_no_character(chromium, spec: Spec):
    document = read_pdf(print_pdf(chromium, to_html(spec), spec), "x.pdf")
    assert_text_layer_kept(document, interpret(document, city="益阳市"))


# ---------------------------------------------------------------- the seed bulletins' own pages

SEED_PAGES = ["zhuzhou/2024-05-09", "yiyang/2024-05-10-1", "yongzhou/2024-03-13", "yongzhou/2024-03-15-3",
              "hunan/2017-05-15-15"]


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory) -> Path:
    from browser.support import build_site

    out = tmp_path_factory.mktemp("seed-site") / "site"
    build_site(out, "--no-search")
    return out


@pytest.mark.chromium
@pytest.mark.parametrize("page", SEED_PAGES)
def test_seed_bulletin_pages_print_and_import_back(page: str, seed_site: Path, chromium, tmp_path: Path):
    from conftest import BULLETINS

    expected, expected_body = read_back(BULLETINS / f"{page}.md")
    browser_page = chromium.new_page()
    try:
        browser_page.goto((seed_site / "bulletins" / page / "index.html").as_uri())
        pdf = browser_page.pdf(format="A4", print_background=True)
    finally:
        browser_page.close()
    imported = interpret(read_pdf(pdf, "x.pdf"), city=expected["city"])
    got = {k: v for k, v in imported.facts.items() if v is not None}
    for key, value in expected.items():
        if key in ("draft",):
            continue
        assert got.get(key) == value, (key, got.get(key), value)
    assert nonspace(imported.body) == nonspace(expected_body)


def test_word_title_in_two_sizes_is_one_title():
    """A masthead whose 工作简报 is set larger than the name above it, both red: one title."""
    import io

    import docx
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    for text, size in (("益阳市配合中央生态环境保护督察", 22), ("工作简报", 42)):
        run = document.add_paragraph().add_run(text)
        run.font.size, run.font.color.rgb = Pt(size), RGBColor(0xD0, 0, 0)
    for text in ("第 3 期", "益阳市配合中央生态环境保护督察协调联络专班 2024年5月12日", "会议召开",
                 "5月9日，市委召开会议。"):
        document.add_paragraph(text).runs[0].font.size = Pt(16)
    out = io.BytesIO()
    document.save(out)
    imported = interpret(read_docx(out.getvalue(), "x.docx"))
    assert imported.facts["title"] == "益阳市配合中央生态环境保护督察工作简报"
    assert (imported.facts["issue"], imported.facts["date"]) == (3, dt.date(2024, 5, 12))


@pytest.mark.chromium
def test_pdf_table_without_rules_is_a_table(chromium):
    rows = [["县市区", "交办件", "办结"], ["南县", "12", "10"], ["沅江市", "128", "3"]]
    spec = Spec(blocks=[("headline", "交办件办理情况"), ("plain_table", rows), ("para", "以上为截至目前的情况。")])
    imported = interpret(read_pdf(print_pdf(chromium, to_html(spec), spec), "x.pdf"))
    assert imported.body.split("\n\n") == [
        "### 交办件办理情况",
        "| 县市区 | 交办件 | 办结 |\n| --- | --- | --- |\n| 南县 | 12 | 10 |\n| 沅江市 | 128 | 3 |",
        "以上为截至目前的情况。"]
    assert imported.facts["date"] == dt.date(2024, 5, 12)  # issuer ⟷ date set apart on one line


# ---------------------------------------------------------------- masthead, 版记 and place families in Word

def _word_masthead(lines: list[tuple[str, float, bool]]) -> bytes:
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    for text, size, red in lines:
        p = document.add_paragraph()
        run = p.add_run(text)
        run.font.size = Pt(size)
        if red:
            run.font.color.rgb = RGBColor(0xE0, 0, 0)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run("市领导调研湘江保护工作")
    run.font.size, run.bold = Pt(16), True
    document.add_paragraph().add_run("6月2日，市领导赴湘江沿岸调研生态环境保护工作。").font.size = Pt(16)
    for text in ("主送：市委办公室，市政府办公室。", "分送：各区县（市）督察整改办。"):
        document.add_paragraph().add_run(text).font.size = Pt(14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


TITLE = "长沙市生态环境保护督察整改工作简报"
ISSUER = "长沙市督察整改工作领导小组办公室"


@pytest.mark.parametrize("lines, city", [
    pytest.param([("内部资料　注意保存", 16, False), (TITLE, 26, True), ("第 5 期", 16, False), (ISSUER, 16, False),
                  ("2024年6月3日", 16, False)], "长沙市", id="marking-above-title"),
    pytest.param([(TITLE, 26, True), (ISSUER, 16, False), ("第 5 期", 16, False), ("2024年6月3日", 16, False)],
                 "长沙市", id="issuer-above-issue"),
    pytest.param([(TITLE, 26, True), ("（第5期）", 16, False), (f"{ISSUER}\t2024年6月3日", 16, False)],
                 "长沙市", id="bracketed-issue-issuer-tab-date"),
    pytest.param([("宁乡市督察整改工作简报", 26, True), ("第 5 期", 16, False),
                  ("宁乡市督察整改工作领导小组办公室\t2024年6月3日", 16, False)], "长沙市", id="county-to-its-city"),
])
def test_word_masthead_families_and_places(lines, city: str):
    """The masthead, 版记 and place readers get the Word stream's lines: the same facts as from text."""
    imported = interpret(read_docx(_word_masthead(lines), "x.docx"))
    assert (imported.facts["issue"], imported.facts["date"], imported.facts["city"]) == (5, dt.date(2024, 6, 3), city)
    assert imported.facts["title"] == lines[1 if lines[0][0].startswith("内部") else 0][0]
    assert imported.facts["recipients"] == {"主送": ["市委办公室", "市政府办公室"],
                                            "分送": ["各区县（市）督察整改办"]}
    assert imported.body == "### 市领导调研湘江保护工作\n\n6月2日，市领导赴湘江沿岸调研生态环境保护工作。"
