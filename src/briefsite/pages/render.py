"""Pages: which pages the site has, and rendering them through the theme.

Python decides what is on each page (the data); the templates in
``templates/`` decide how it looks. A user's own template folder is searched
first, so any template can be overridden by dropping a file of the same name.
Every internal link is relative to the page, so one build works at a domain's
root and under any sub-path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import jinja2

from .. import __version__
from ..content.archive import Archive
from ..content.model import City, CityRef
from ..content.config import Config
from ..errors import BriefsiteError
from .seo import canonical, clean_path, summary
from .timeline import city_timeline, months_by_year, site_timeline


def theme_dir() -> Path:
    """The built-in theme: shipped in the package, or the checkout's templates/."""
    packaged = Path(__file__).resolve().parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def template_folders(config: Config) -> list[Path]:
    """Where templates and assets come from, built-in theme first, the user's last."""
    return [theme_dir()] + ([config.templates] if config.templates is not None else [])


@dataclass(frozen=True)
class Page:
    path: str  # output file relative to the site root, POSIX separators
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Set for pages a host serves at any address (404.html): relative links
    # would resolve against the missing page's URL, so the absolute base_url
    # is used when known.
    base: str = ""

    @property
    def root(self) -> str:
        """Relative path from this page back to the site root ('' at the root)."""
        return self.base or "../" * self.path.count("/")


def plan_pages(archive: Archive, config: Config, *, search: bool = True) -> Iterator[Page]:
    """Every HTML page of the site, in a fixed order.

    ``search`` is False for a build without a search index (--no-search):
    the search page then says that search is unavailable.
    """
    yield Page("index.html", "home.html", {
        "newest": archive.bulletins[: config.newest_count],
        "cities": archive.cities,
        "years": archive.years,
        "timeline": site_timeline(archive),
    })
    yield Page("cities/index.html", "cities.html", {"cities": archive.cities})
    for city in archive.cities:
        yield Page(f"{city.url}index.html", "city.html", {
            "city": city,
            "by_year": months_by_year(city.bulletins),
            "timeline": city_timeline(city),
        })
    yield Page("archive/index.html", "archive.html", {"years": archive.years})
    for year in archive.years:
        yield Page(f"{year.url}index.html", "year.html", {"year": year})
    refs = {city.slug: city_ref(city) for city in archive.cities}  # one per city, not per page
    for bulletin in archive.bulletins:
        neighbours = archive.neighbours[bulletin.url]
        yield Page(f"{bulletin.url}index.html", "bulletin.html", {
            "bulletin": bulletin,
            "previous": neighbours.previous,
            "next": neighbours.next,
            # Name and address only: the page must not depend on (and be
            # rebuilt for) every other bulletin of its city.
            "city": refs[bulletin.city_slug],
        })
    yield Page("search/index.html", "search.html", {"search_enabled": search})
    yield Page("404.html", "404.html", {}, base=config.base_url)


def city_ref(city: City) -> CityRef:
    return CityRef(city.name, city.slug)


def make_environment(config: Config, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The theme's templates; with ``bytecode_dir`` (in the build cache) compiled
    templates are kept between builds, keyed by their source's checksum."""
    search_path = [str(folder) for folder in reversed(template_folders(config))]  # user's first
    bytecode = None
    if bytecode_dir is not None:
        try:
            bytecode_dir.mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(bytecode_dir))
        except OSError:
            pass  # only slower
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search_path),
        bytecode_cache=bytecode,
        autoescape=True,  # every front-matter value is text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cn_date"] = cn_date
    env.filters["summary"] = summary
    env.globals["canonical_url"] = canonical_url
    env.globals["url"] = url
    env.globals["site"] = config
    env.globals["generator"] = f"briefsite {__version__}"
    return env


def cn_date(value: dt.date | None) -> str:
    """2024-05-10 -> 2024年5月10日, as printed on a bulletin."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@jinja2.pass_context
def url(context, target: str) -> str:
    """Link from the page being rendered to ``target`` (site-relative)."""
    root = context.get("root")
    if root is None:
        # A macro imported without the page's context would silently link
        # relative to the site root from every page: fail the build instead.
        raise jinja2.TemplateRuntimeError(
            "url() used without the page's context; import macros 'with context'")
    if target.startswith("#"):
        return target  # a place on this same page
    link = root + target.lstrip("/")
    return link or "./"


@jinja2.pass_context
def canonical_url(context) -> str:
    """The page's preferred address: absolute with base_url, else relative to itself."""
    path = context["page_path"]
    return canonical(context["site"], path) or url(context, clean_path(path))


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    try:
        template = env.get_template(page.template)
        html = template.render(page.context, root=page.root, page_path=page.path)
    except jinja2.TemplateSyntaxError as exc:
        raise BriefsiteError(exc.filename or exc.name, exc.lineno, f"template error: {exc.message}")
    except jinja2.TemplateError as exc:
        raise BriefsiteError(page.template, 0, f"template error while rendering {page.path}: {exc}")
    return html.encode("utf-8")
