"""Which city an imported bulletin is filed under (editor/importing/places.py).

The archive's city is the province-level or prefecture-level unit. Each case
is a masthead as printed by a body of another kind or place: a county, a
district, a municipality's new area, an autonomous region or prefecture, a
body whose name has no 市/州/省 at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefsite import i18n
from briefsite.content.config import Config
from briefsite.errors import BriefsiteError
from briefsite.editor.importing.importer import convert
from briefsite.editor.importing.places import AmbiguousPlace, find_city, gazetteer
from conftest import run_cli


def masthead(title: str, issuer: str, body: str = "会议召开。") -> str:
    return f"{title}\n第 3 期\n{issuer}\n2024年6月3日\n\n标题一\n\n{body}\n"


@pytest.mark.parametrize("title, issuer, city", [
    # a county-level city, a district, a county: their prefecture-level city
    ("宁乡市配合中央生态环境保护督察工作简报", "宁乡市配合督察协调联络组", "长沙市"),
    ("岳麓区生态环境保护督察工作简报", "岳麓区生态环境保护委员会办公室", "长沙市"),
    ("督察工作简报", "长沙县生态环境局", "长沙市"),
    ("督察工作简报", "浏阳市人民政府办公室", "长沙市"),
    ("工作简报", "攸县配合督察工作领导小组办公室", "株洲市"),
    # a district or new area of a municipality: the municipality
    ("滨海新区环保督察整改工作简报", "滨海新区生态环境局", "天津市"),
    ("浦东新区督察整改简报", "浦东新区督察整改办公室", "上海市"),
    ("工作简报", "海淀区生态环境局", "北京市"),
    # autonomous region and prefecture: themselves, full or short name
    ("内蒙古自治区生态环境保护督察工作简报", "内蒙古自治区督察整改办公室", "内蒙古自治区"),
    ("广西配合中央生态环境保护督察工作简报", "广西壮族自治区生态环境厅", "广西壮族自治区"),
    ("湘西州配合督察工作简报", "湘西州生态环境局", "湘西土家族苗族自治州"),
    ("督察整改简报", "黔东南苗族侗族自治州人民政府办公室", "黔东南苗族侗族自治州"),
    ("工作简报", "吉首市生态环境局", "湘西土家族苗族自治州"),
    ("工作简报", "凤凰县配合督察工作领导小组", "湘西土家族苗族自治州"),
    # a banner of a league, a county under an autonomous prefecture, a county-level
    # city under its province, a prefecture-level city without districts
    ("工作简报", "阿拉善左旗生态环境局", "阿拉善盟"),
    ("工作简报", "长阳土家族自治县环保局", "宜昌市"),
    ("工作简报", "仙桃市生态环境局", "仙桃市"),
    ("工作简报", "东莞市生态环境局", "东莞市"),
    # the chain as printed names where the district lies
    ("吉林省长春市朝阳区督察简报", "朝阳区生态环境分局", "长春市"),
    ("湖南省长沙市岳麓区督察简报", "岳麓区委办公室", "长沙市"),
])
def test_city_of_a_body_of_any_level(title: str, issuer: str, city: str):
    imported = convert(masthead(title, issuer))
    assert imported.facts["city"] == city
    assert city in imported.city_how


@pytest.mark.parametrize("issuer, name", [
    ("宁乡市生态环境局", "宁乡市"),
    ("岳麓区生态环境保护委员会办公室", "岳麓区"),
    ("滨海新区生态环境局", "滨海新区"),
])
def test_the_summary_says_how_the_city_was_found(issuer: str, name: str):
    imported = convert(masthead("督察工作简报", issuer))
    city = imported.facts["city"]
    assert imported.city_how == f"由发文单位中的 {name} 推定为 {city}"
    # Written on the city line for the editor to check, and reported as a warning.
    front, _ = imported.render()
    assert f"city: {city}  # inferred: 由发文单位中的 {name} 推定为 {city}" in front


def test_a_city_printed_as_such_is_not_marked_inferred():
    imported = convert(masthead("永州市配合湖南省生态环境保护督察工作简报", "永州市协调联络组"))
    assert imported.facts["city"] == "永州市"
    assert "city" not in imported.comments
    assert imported.city_how == "标题以 永州市 开头"


def test_the_city_option_and_the_config_mapping_still_win():
    text = masthead("岳麓区生态环境保护督察工作简报", "岳麓区生态环境局")
    assert convert(text, city="湘江新区").facts["city"] == "湘江新区"
    assert convert(text, city="湘江新区").city_how == "由 --city 指定"
    # An archive that files 岳麓区 under its own name, as configured.
    config = Config(city_slugs={"岳麓区": "yuelu"})
    assert convert(text, config=config).facts["city"] == "岳麓区"
    # A configured province does not swallow the city the title goes on to name.
    text = masthead("湖南省长沙市岳麓区督察简报", "岳麓区委办公室")
    assert convert(text, config=Config(city_slugs={"湖南省": "hunan"})).facts["city"] == "长沙市"


def test_a_shared_name_is_settled_by_the_province_the_text_names():
    text = masthead("朝阳区督察整改工作简报", "朝阳区生态环境局", "按照吉林省督察整改部署，会议召开。")
    imported = convert(text)
    assert imported.facts["city"] == "长春市"
    assert imported.city_how == "由标题中的 朝阳区 推定为 长春市（文中提到 吉林省）"
    text = masthead("朝阳区督察整改工作简报", "北京市朝阳区生态环境局")
    assert convert(text).facts["city"] == "北京市"


def test_a_shared_name_is_settled_by_the_archive_cities():
    text = masthead("朝阳区督察整改工作简报", "朝阳区生态环境局")
    config = Config(city_slugs={"长春市": "changchun"})
    imported = convert(text, config=config)
    assert imported.facts["city"] == "长春市"
    assert imported.city_how.endswith("（档案中已有 长春市）")


def test_a_shared_name_nothing_settles_is_left_to_the_editor():
    text = masthead("朝阳区督察整改工作简报", "朝阳区生态环境局")
    with pytest.raises(BriefsiteError) as caught:
        convert(text)
    assert "朝阳区 有多处同名，分属 北京市、长春市" in caught.value.message
    assert "--city" in caught.value.hint
    with pytest.raises(AmbiguousPlace):
        find_city([("发文单位", "鼓楼区生态环境局")])


def test_the_command_line_reports_an_ambiguous_place(tmp_path: Path):
    raw = tmp_path / "chaoyang.txt"
    raw.write_text(masthead("朝阳区督察整改工作简报", "朝阳区生态环境局"), encoding="utf-8")
    result = run_cli("import", str(raw), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.code == 1
    assert "chaoyang.txt: error: 标题中的 朝阳区 有多处同名，分属 北京市、长春市" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.md"))
    ok = run_cli("import", str(raw), "--out", str(tmp_path / "out"), "--city", "北京市", cwd=tmp_path)
    assert ok.code == 0, ok.err


def test_a_place_name_inside_a_word_is_not_a_place():
    # 城区 and 郊区 are districts of 阳泉市, but inside 主城区 they are a word.
    assert find_city([("发文单位", "主城区综合执法办公室")]) is None
    assert find_city([("发文单位", "阳泉市城区生态环境局")]).city == "阳泉市"


def test_a_name_outside_the_table_falls_back_to_its_printed_prefix():
    placed = find_city([("标题", "某某市配合督察工作简报")])
    assert placed.city == "某某市" and placed.inferred
    assert "行政区划表中没有" in placed.how


def test_the_table_covers_every_level_and_is_the_same_each_time():
    table = gazetteer()
    assert {d.city for d in table.lookup("宁乡市")} == {"长沙市"}
    assert {d.city for d in table.lookup("滨海新区")} == {"天津市"}
    assert len(table.lookup("鼓楼区")) >= 3  # 南京, 福州, 徐州, 开封: a county-level table
    counties = [m.divisions[0] for m in table.mentions("宁乡市浏阳市长沙县望城区")]
    assert [d.code for d in counties] == ["430182", "430181", "430121", "430112"]


@pytest.mark.parametrize("where, text, document, cities, chinese, english", [
    ("标题", "永州市配合督察工作简报", "", (), "标题以 永州市 开头", "the title begins with 永州市"),
    ("发文单位", "长沙市生态环境局", "", (), "发文单位中的 长沙市", "长沙市 in the issuer"),
    ("发文单位", "岳麓区生态环境局", "", (), "由发文单位中的 岳麓区 推定为 长沙市",
     "inferred as 长沙市 from 岳麓区 in the issuer"),
    ("标题", "朝阳区督察整改工作简报", "按照吉林省部署", (), "由标题中的 朝阳区 推定为 长春市（文中提到 吉林省）",
     "inferred as 长春市 from 朝阳区 in the title (the text names 吉林省)"),
    ("标题", "朝阳区督察整改工作简报", "", ("长春市",), "由标题中的 朝阳区 推定为 长春市（档案中已有 长春市）",
     "inferred as 长春市 from 朝阳区 in the title (the archive already has 长春市)"),
    ("标题", "某某市配合督察工作简报", "", (), "标题以 某某市 开头（行政区划表中没有这个名称，请核对）",
     "the title begins with 某某市 (the table of administrative divisions has no such name: check it)"),
])
def test_how_the_city_was_found_is_said_in_the_chosen_language(where, text, document, cities, chinese, english):
    """Each way of finding the city, whole, in Chinese by default and in English
    on request (the caller names the part of the masthead in that language)."""
    words = {"标题": "the title", "发文单位": "the issuer"}
    options = {"known": {"永州市"}, "archive_cities": cities, "document": document}
    assert find_city([(where, text)], **options).how == chinese
    with i18n.using(i18n.ENGLISH):
        assert find_city([(words[where], text)], **options).how == english


def test_an_ambiguous_place_is_said_in_the_chosen_language():
    with pytest.raises(AmbiguousPlace) as caught:
        find_city([("标题", "朝阳区督察整改工作简报")])
    assert str(caught.value) == "标题中的 朝阳区 有多处同名，分属 北京市、长春市"
    with i18n.using(i18n.ENGLISH), pytest.raises(AmbiguousPlace) as caught:
        find_city([("the title", "朝阳区督察整改工作简报")])
    assert str(caught.value) == "朝阳区 in the title names places in several cities: 北京市, 长春市"
