"""Site configuration: ``briefsite.yaml`` and the city -> URL slug mapping."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

from .front_matter import refuse_aliases

try:  # libyaml: its composer is not recursive, so any nesting is measured safely
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from . import controlchars
from ..errors import BriefsiteError, BuildFailed, Problems
from ..i18n import _
from ..files import MAX_CONFIG_BYTES, read_regular
from .media import Limits

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

CONFIG_KEYS = ("title", "description", "base_url", "cities", "templates", "author", "newest_count",
               "earliest_date", "latest_date", "originals", "image_max_mb", "image_max_megapixels",
               "distinct_series", "links", "language")
LINK_STYLES = ("folders", "files")
# The language of the site's own words (navigation, headings, search page),
# as an HTML lang value. The bulletins themselves are Chinese either way; the
# masthead and 版记 stay as printed.
SITE_LANGUAGES = ("zh-CN", "en")
# Dates a bulletin may carry unless briefsite.yaml says otherwise: the
# People's Republic's government bulletins, up to the end of this century.
# 0001-01-01 or 9999-12-31 is a typo, and would make year lists and timelines
# of thousands of empty years.
EARLIEST_DATE = dt.date(1949, 10, 1)
LATEST_DATE = dt.date(2099, 12, 31)


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
    earliest_date: dt.date = EARLIEST_DATE
    latest_date: dt.date = LATEST_DATE
    # Titles that are series of their own although one or two characters
    # from another series of the same city (no "是否应为…" warning).
    distinct_series: tuple[str, ...] = ()  # sorted: repr() keys the cache
    # "folders": links end in "/" (a web server adds index.html); "files":
    # every internal link names index.html, so the site works from a folder
    # or a USB stick opened in a browser (file://).
    links: str = "folders"
    language: str = "zh-CN"
    path: Path | None = None
    # Publish each bulletin's original.pdf / original.docx beside its page (下载原件).
    originals: bool = False
    # Larger photos are refused before they are decoded (image_max_mb, image_max_megapixels).
    image_limits: Limits = Limits()

    def city_slug(self, city: str) -> str:
        return city_slug(city, self.city_slugs)


def city_slug(city: str, mapping: Mapping[str, str] | None = None) -> str:
    """The ASCII URL slug of a city: configured, known, or transliterated."""
    if mapping and city in mapping:
        return mapping[city]
    if city in KNOWN_CITY_SLUGS:
        return KNOWN_CITY_SLUGS[city]
    return default_slug(city)


def suffixed_city(city: str, mapping: Mapping[str, str] | None = None) -> str | None:
    """The known city that ``city`` names without its suffix (益阳 -> 益阳市), or None."""
    known = set(KNOWN_CITY_SLUGS) | set(mapping or ())
    if city in known:
        return None
    for suffix in _SUFFIXES:
        if city + suffix in known:
            return city + suffix
    return None


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
            raise BriefsiteError(path, 0, _("config file not found"),
                                 hint=_("check --config, or leave it out to use briefsite.yaml"))
        return Config(path=None)
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8-sig")  # never a FIFO or device
        node = yaml.compose(text, Loader=_Loader)  # iterative: nesting is checked before building
        if node is not None:
            refuse_aliases(node, str(path), 1, "briefsite.yaml")
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise BriefsiteError(path, 0, _("config is not UTF-8"), hint=_("save it as UTF-8 in your editor"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or _("invalid YAML")
        raise BriefsiteError(path, (mark.line + 1) if mark else 1, _("malformed YAML: {reason}").format(reason=problem),
                             hint=_("check quotes, colons and indentation"))
    if data is None:
        return Config(path=path)
    if not isinstance(data, dict):
        raise BriefsiteError(path, 1, _("config must be a mapping of keys to values"),
                             hint=_("e.g. title: 工作简报档案"))
    lines = _key_lines(text)
    problems = Problems()

    def error(key: str, message: str, hint: str = "") -> None:
        problems.error(path, lines.get(key, 1), message, hint)

    for key in data:
        if key not in CONFIG_KEYS:
            close = difflib.get_close_matches(str(key), CONFIG_KEYS, n=1, cutoff=0.5)
            error(str(key), _("unknown config key {key!r}").format(key=key)
                  + (_("; did you mean {word!r}?").format(word=close[0]) if close else ""),
                  _("known keys: {keys}").format(keys=", ".join(CONFIG_KEYS)))

    def text_value(key: str, default: str) -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            error(key, _("{key} must be text").format(key=key), _("quote the value"))
            return default
        found = controlchars.first_forbidden(value)
        if found:  # a "\x1b" or lone "\ud800" escape: it would reach every page and feed
            message, hint = controlchars.refusal(found.group())
            error(key, f"{key} {message}", hint)
            return default
        return value

    def date_value(key: str, default: dt.date) -> dt.date:
        value = data.get(key, default)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if not isinstance(value, dt.date):
            error(key, _("{key} must be a date (YYYY-MM-DD), not {value!r}").format(key=key, value=value),
                  _("e.g. {key}: {date}").format(key=key, date=default.isoformat()))
            return default
        return value

    cities = data.get("cities") or {}
    slugs: dict[str, str] = {}
    if not isinstance(cities, dict):
        error("cities", _("cities must map a city name to its URL slug"), _("e.g. an indented line 益阳市: yiyang"))
        cities = {}
    by_slug: dict[str, str] = {}
    for city, slug in cities.items():
        line = _nested_line(text, str(city), lines.get("cities", 1))
        found = controlchars.first_forbidden(str(city))
        if found:
            message, hint = controlchars.refusal(found.group())
            problems.error(path, line, _("city name: {message}").format(message=message), hint)
            continue
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.error(path, line, _("city slug {slug!r} for {city} is not a URL slug").format(slug=slug, city=city),
                           _("use lowercase ASCII letters, digits and '-', e.g. yiyang"))
            continue
        if slug in by_slug:
            problems.error(path, line, _("cities {first} and {city} are both mapped to {slug!r}").format(
                               first=by_slug[slug], city=city, slug=slug),
                           _("give each city its own slug"))
            continue
        by_slug[slug] = str(city)
        slugs[str(city)] = slug

    base_url = text_value("base_url", "").strip()
    # The whole value, not a prefix: a newline or space would inject a line
    # into robots.txt, and quotes or brackets have no place in a URL.
    if base_url and not re.fullmatch(r"https?://[^\s/\\\"'<>`{}|^]+(?:/[^\s\\\"'<>`{}|^]*)?", base_url):
        error("base_url", _("base_url {url!r} is not an http(s) URL").format(url=base_url),
              _("e.g. https://example.org/briefs/"))
        base_url = ""
    if base_url and not base_url.endswith("/"):
        base_url += "/"

    templates = data.get("templates")
    templates_path = None
    if templates:
        project = path.parent.resolve()
        try:
            templates_path = (path.parent / str(templates)).resolve()
        except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL
            error("templates", _("templates folder {folder} cannot be used: {reason}").format(folder=templates, reason=exc))
            templates_path = None
        if templates_path is not None and not templates_path.is_relative_to(project):
            # A theme is part of the project; /etc or ~ would be read whole
            # and its files published as assets.
            error("templates", _("templates folder {folder} is outside the project folder {project}; it is not "
                                 "used").format(folder=templates, project=project),
                  _("put the theme inside the project folder (where briefsite.yaml is), e.g. templates: theme"))
            templates_path = None
        elif templates_path is not None and not templates_path.is_dir():
            error("templates", _("templates folder {folder} does not exist").format(folder=templates),
                  _("create {folder}, or remove the templates: line").format(folder=path.parent / str(templates)))
            templates_path = None

    newest = data.get("newest_count", 10)
    if not isinstance(newest, int) or isinstance(newest, bool) or newest < 1:
        error("newest_count", _("newest_count must be a whole number ≥ 1, not {value!r}").format(value=newest))
        newest = 10

    earliest = date_value("earliest_date", EARLIEST_DATE)
    latest = date_value("latest_date", LATEST_DATE)
    if latest < earliest:
        error("latest_date", _("latest_date {latest} is before earliest_date {earliest}").format(
                  latest=latest, earliest=earliest), _("swap them, or correct one of them"))
        earliest, latest = EARLIEST_DATE, LATEST_DATE

    originals = data.get("originals", False)
    if not isinstance(originals, bool):
        error("originals", _("originals must be true or false, not {value!r}").format(value=originals),
              _("originals: true publishes each bulletin's original.pdf or original.docx"))
        originals = False

    def limit(key: str, default: float) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 10_000:
            error(key, _("{key} must be a number above 0, not {value!r}").format(key=key, value=value),
                  _("e.g. {key}: {value}").format(key=key, value=f"{default:g}"))
            return default
        return value

    limits = Limits(max_bytes=round(limit("image_max_mb", 20) * 1024 * 1024),
                    max_pixels=int(limit("image_max_megapixels", 40) * 1_000_000))
    distinct = data.get("distinct_series") or []
    if not isinstance(distinct, list) or not all(isinstance(t, str) for t in distinct):
        error("distinct_series", _("distinct_series must be a list of titles, each line starting with '- '"),
              _("e.g. distinct_series: and on the next line '  - 益阳市工作快报'"))
        distinct = []

    def choice_value(key: str, choices: tuple[str, ...], message: str, hint: str) -> str:
        """One of ``choices`` (the first is the default); ``message`` takes {value}."""
        value = data.get(key, choices[0])
        if value not in choices:
            error(key, message.format(value=value), hint)
            return choices[0]
        return value

    links = choice_value("links", LINK_STYLES, _("links must be folders or files, not {value!r}"),
                         _("files: an offline copy (opened from a folder or a USB stick); folders: on a web "
                           "server (the default)"))
    language = choice_value("language", SITE_LANGUAGES, _("language must be zh-CN or en, not {value!r}"),
                            _("zh-CN: the site in Simplified Chinese (the default); en: its navigation and "
                              "headings in English"))

    config = Config(
        title=text_value("title", Config.title),
        description=text_value("description", Config.description),
        author=text_value("author", ""),
        base_url=base_url,
        city_slugs=MappingProxyType(slugs),
        templates=templates_path,
        newest_count=newest,
        earliest_date=earliest,
        latest_date=latest,
        distinct_series=tuple(sorted({" ".join(t.split()) for t in distinct})),
        links=links,
        language=language,
        path=path,
        originals=originals,
        image_limits=limits,
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
