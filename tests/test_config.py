"""Site configuration and city slugs."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefsite.content.config import KNOWN_CITY_SLUGS, Config, city_slug, default_slug, load_config
from briefsite.errors import BriefsiteError, BuildFailed


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "briefsite.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_file_means_defaults(tmp_path):
    config = load_config(tmp_path / "briefsite.yaml")
    assert config == Config(path=None)
    assert load_config(None).title == Config.title


def test_a_named_config_file_must_exist(tmp_path):
    with pytest.raises(BriefsiteError, match="找不到配置文件"):
        load_config(tmp_path / "site.yaml")


def test_every_key(tmp_path):
    (tmp_path / "theme").mkdir()
    config = load_config(write(tmp_path, (
        "title: 档案\ndescription: 说明\nauthor: 专班\nbase_url: https://example.org/briefs\n"
        "cities:\n  益阳市: yy\n  长沙县: changsha-county\ntemplates: theme\nnewest_count: 3\n")))
    assert (config.title, config.description, config.author) == ("档案", "说明", "专班")
    assert config.base_url == "https://example.org/briefs/"  # a trailing slash added
    assert dict(config.city_slugs) == {"益阳市": "yy", "长沙县": "changsha-county"}
    assert config.templates == (tmp_path / "theme").resolve()
    assert config.newest_count == 3
    assert config.city_slug("益阳市") == "yy"
    assert config.city_slug("永州市") == "yongzhou"


def test_empty_file_and_bom(tmp_path):
    assert load_config(write(tmp_path, "")).title == Config.title
    path = tmp_path / "briefsite.yaml"
    path.write_bytes("\ufefftitle: 档案\n".encode("utf-8"))
    assert load_config(path).title == "档案"


def test_all_problems_at_once_each_at_its_line(tmp_path):
    with pytest.raises(BuildFailed) as info:
        load_config(write(tmp_path, "titel: x\nbase_url: ftp://x\ncities:\n  益阳市: Yi Yang\n"
                                    "  永州市: yongzhou\n  株洲市: yongzhou\nnewest_count: many\n"))
    assert [(p.line, p.message) for p in info.value.problems] == [
        (1, "未知的配置项 'titel'；是否应为 'title'？"),
        (2, "base_url 'ftp://x' 不是 http(s) 网址"),
        (4, "益阳市 的网址名 'Yi Yang' 不能用于网址"),
        (6, "城市 永州市 和 株洲市 都对应到网址名 'yongzhou'"),
        (7, "newest_count 应是不小于 1 的整数，而不是 'many'"),
    ]


def test_not_utf8_and_malformed(tmp_path):
    path = tmp_path / "briefsite.yaml"
    path.write_bytes("title: 档案\n".encode("gbk"))
    with pytest.raises(BriefsiteError, match="配置文件不是 UTF-8 编码"):
        load_config(path)
    with pytest.raises(BriefsiteError, match="YAML 格式有误") as info:
        load_config(write(tmp_path, "title: 档案\ncities: {益阳市: yiyang\n"))
    assert info.value.line >= 2


def test_known_cities_and_default_slugs():
    assert len(KNOWN_CITY_SLUGS) == 15
    assert [city_slug(c) for c in ("株洲市", "益阳市", "永州市", "湖南省")] == \
        ["zhuzhou", "yiyang", "yongzhou", "hunan"]
    assert city_slug("益阳市", {"益阳市": "yy"}) == "yy"
    assert default_slug("广州市") == "guangzhou"
    assert default_slug("延边朝鲜族自治州") == "yanbianchaoxianzu"
    assert default_slug("！！") .startswith("city-")
    for name in ("广州市", "乌鲁木齐市", "香港特别行政区", "A市"):
        slug = default_slug(name)
        assert slug.isascii() and slug == slug.lower() and " " not in slug
