"""Site configuration: ``briefsite.yaml`` and the city -> URL slug mapping."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

from ..errors import BriefsiteError, BuildFailed, Problems

# Hunan's fourteen prefecture-level divisions and the province. A mapping in
# briefsite.yaml wins; these keep the common case working with no config.
KNOWN_CITY_SLUGS: Mapping[str, str] = MappingProxyType({
    "湖南省": "hunan",
    "长沙市": "changsha",
    "株洲市": "zhuzhou",
    "湘潭市": "xiangtan",
    "衡阳市": "hengyang",
    "邵阳市": "shaoyang",
    "岳阳市": "yueyang",
    "常德市": "changde",
    "张家界市": "zhangjiajie",
    "益阳市": "yiyang",
    "郴州市": "chenzhou",
    "永州市": "yongzhou",
    "怀化市": "huaihua",
    "娄底市": "loudi",
    "湘西土家族苗族自治州": "xiangxi",
})

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Administrative suffixes dropped before transliterating (株洲市 -> zhuzhou).
_SUFFIXES = ("土家族苗族自治州", "自治州", "自治县", "地区", "特别行政区", "自治区",
             "省", "市", "州", "县", "区", "盟")

CONFIG_KEYS = ("title", "description", "base_url", "cities", "templates", "author", "newest_count")


@dataclass(frozen=True)
class Config:
    """Settings of one archive. Everything has a default; the file is optional."""

    title: str = "工作简报档案"
    description: str = "配合生态环境保护督察工作简报档案"
    author: str = ""
    # Absolute URL of the published site (for feeds, sitemap, canonical links);
    # empty means "unknown": pages still work anywhere, as all links are relative.
    base_url: str = ""
    city_slugs: Mapping[str, str] = field(default_factory=dict)
    # A user's own template folder, searched before the built-in theme.
    templates: Path | None = None
    newest_count: int = 10
    path: Path | None = None

    def city_slug(self, city: str) -> str:
        return city_slug(city, self.city_slugs)


def city_slug(city: str, mapping: Mapping[str, str] | None = None) -> str:
    """The ASCII URL slug of a city: configured, known, or transliterated."""
    if mapping and city in mapping:
        return mapping[city]
    if city in KNOWN_CITY_SLUGS:
        return KNOWN_CITY_SLUGS[city]
    return default_slug(city)


def default_slug(name: str) -> str:
    """Pinyin of the name without its administrative suffix: 长沙市 -> changsha."""
    from pypinyin import lazy_pinyin  # imported lazily: its dictionaries are large

    stem = name.strip()
    for suffix in _SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
            stem = stem[: -len(suffix)]
            break
    ascii_text = "".join(lazy_pinyin(stem, errors="default")).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:63].strip("-")
    if not slug:
        # No letter survives (e.g. only punctuation): a stable code instead.
        slug = "city-" + "".join(f"{ord(c):x}" for c in stem)[:24]
    return slug


def load_config(path: Path | None) -> Config:
    """Read briefsite.yaml; a missing default file means all defaults.

    Every problem of the file is reported at once (as ``BuildFailed``), each
    at the line of its key.
    """
    if path is None or not path.exists():
        if path is not None and path.name != "briefsite.yaml":
            raise BriefsiteError(path, 0, "config file not found",
                                 hint="check --config, or leave it out to use briefsite.yaml")
        return Config(path=None)
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = yaml.safe_load(text)
    except OSError as exc:
        raise BriefsiteError(path, 0, f"cannot read config: {exc.strerror}")
    except UnicodeDecodeError:
        raise BriefsiteError(path, 0, "config is not UTF-8", hint="save it as UTF-8 in your editor")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise BriefsiteError(path, (mark.line + 1) if mark else 1, f"malformed YAML: {problem}",
                             hint="check quotes, colons and indentation")
    if data is None:
        return Config(path=path)
    if not isinstance(data, dict):
        raise BriefsiteError(path, 1, "config must be a mapping of keys to values",
                             hint="e.g. title: 工作简报档案")
    lines = _key_lines(text)
    problems = Problems()

    def error(key: str, message: str, hint: str = "") -> None:
        problems.error(path, lines.get(key, 1), message, hint)

    for key in data:
        if key not in CONFIG_KEYS:
            close = difflib.get_close_matches(str(key), CONFIG_KEYS, n=1, cutoff=0.5)
            error(str(key), f"unknown config key {key!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
                  "known keys: " + ", ".join(CONFIG_KEYS))

    def text_value(key: str, default: str) -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            error(key, f"{key} must be text", "quote the value")
            return default
        return value

    cities = data.get("cities") or {}
    slugs: dict[str, str] = {}
    if not isinstance(cities, dict):
        error("cities", "cities must map a city name to its URL slug", "e.g. an indented line 益阳市: yiyang")
        cities = {}
    by_slug: dict[str, str] = {}
    for city, slug in cities.items():
        line = _nested_line(text, str(city), lines.get("cities", 1))
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.error(path, line, f"city slug {slug!r} for {city} is not a URL slug",
                           "use lowercase ASCII letters, digits and '-', e.g. yiyang")
            continue
        if slug in by_slug:
            problems.error(path, line, f"cities {by_slug[slug]} and {city} are both mapped to {slug!r}",
                           "give each city its own slug")
            continue
        by_slug[slug] = str(city)
        slugs[str(city)] = slug

    base_url = text_value("base_url", "").strip()
    if base_url and not re.match(r"^https?://[^\s/]+", base_url):
        error("base_url", f"base_url {base_url!r} is not an http(s) URL", "e.g. https://example.org/briefs/")
        base_url = ""
    if base_url and not base_url.endswith("/"):
        base_url += "/"

    templates = data.get("templates")
    templates_path = None
    if templates:
        templates_path = (path.parent / str(templates)).resolve()
        if not templates_path.is_dir():
            error("templates", f"templates folder {templates} does not exist",
                  f"create {path.parent / str(templates)}, or remove the templates: line")
            templates_path = None

    newest = data.get("newest_count", 10)
    if not isinstance(newest, int) or isinstance(newest, bool) or newest < 1:
        error("newest_count", f"newest_count must be a whole number ≥ 1, not {newest!r}")
        newest = 10

    config = Config(
        title=text_value("title", Config.title),
        description=text_value("description", Config.description),
        author=text_value("author", ""),
        base_url=base_url,
        city_slugs=MappingProxyType(slugs),
        templates=templates_path,
        newest_count=newest,
        path=path,
    )
    if problems.errors:
        raise BuildFailed(problems.items)
    return config


def _key_lines(text: str) -> dict[str, int]:
    """Line numbers of top-level keys, for error messages."""
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def _nested_line(text: str, key: str, after: int) -> int:
    """Line of an indented ``key:`` at or after line ``after`` (1-based)."""
    for number, line in enumerate(text.splitlines()[after - 1:], start=after):
        if re.match(r"^\s+[\"']?" + re.escape(key) + r"[\"']?\s*:", line):
            return number
    return after
