"""Pages: which pages the site has, and rendering them through the theme.

Python decides what is on each page (the data); the templates in
``templates/`` decide how it looks. A user's own template folder is searched
first, so any template can be overridden by dropping a file of the same name.
Every internal link is relative to the page, so one build works at a domain's
root and under any sub-path.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import jinja2
import jinja2.ext
from jinja2.lexer import Token
from jinja2.loaders import split_template_path
from markupsafe import Markup

from .. import __version__, i18n
from ..content.archive import Archive
from ..content.model import Bulletin, City, CityRef
from ..content.config import Config
from ..content.dates import cn_date
from ..content.markup import split_figures
from ..errors import BriefsiteError
from ..files import MAX_THEME_FILE_BYTES, read_regular
from ..i18n import _
from .photos import Renditions, page_media
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


def theme_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every file of a theme folder as (relative POSIX path, path), sorted;
    hidden files passed over. A symlink that leads out of the folder is an
    error: a theme's asset linked to /etc/passwd must never be published."""
    root = folder.resolve()
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in list(dirnames):
            if (here / name).is_symlink():
                _inside_theme(here / name, root)
                dirnames.remove(name)  # a link inside the theme: its files are reached directly
        for name in filenames:
            if name.startswith("."):
                continue
            path = here / name
            if path.is_symlink():
                _inside_theme(path, root)
            found.append((path.relative_to(folder).as_posix(), path))
    return iter(sorted(found))


def _inside_theme(path: Path, root: Path) -> None:
    try:
        inside = path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise BriefsiteError(path, 0, _("theme file is a symlink to outside the theme folder ({target}); "
                                        "it is neither read nor published").format(target=_link_target(path)),
                             hint=_("copy the file into the theme folder instead of linking outside it"))


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def read_theme_file(path: Path) -> bytes:
    """A theme file's bytes: a regular file, of bounded size."""
    return read_regular(path, MAX_THEME_FILE_BYTES)


class ThemeLoader(jinja2.BaseLoader):
    """Jinja's FileSystemLoader, with briefsite's rules for theme files:
    regular files only (read bounded), never through a symlink leaving the
    theme folder, and a file that is not UTF-8 named with its line."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders  # searched in order: the user's first

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses ".." (guarantee 6)
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not path.is_file():
                continue
            _inside_theme(path, folder.resolve())
            data = read_theme_file(path)
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BriefsiteError(path, data[: exc.start].count(b"\n") + 1,
                                     _("template file is not UTF-8"),
                                     hint=_("save it as UTF-8 in your editor")) from None
            mtime = path.stat().st_mtime_ns

            def uptodate(path: Path = path, mtime: int = mtime) -> bool:
                try:
                    return path.stat().st_mtime_ns == mtime
                except OSError:
                    return False

            return source, str(path), uptodate
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for folder in self.folders:
            names.update(rel for rel, _ in theme_files(folder) if not rel.startswith("assets/"))
        return sorted(names)


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


def plan_pages(archive: Archive, config: Config, *, search: bool = True,
               renditions: Renditions | None = None) -> Iterator[Page]:
    """Every HTML page of the site, in a fixed order.

    ``search`` is False for a build without a search index (--no-search):
    the search page then says that search is unavailable. ``renditions``:
    the bulletins' photos as the build resized them.
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
    refs = city_refs(archive)
    for bulletin in archive.bulletins:
        yield bulletin_page(archive, bulletin, refs, renditions, config)
    # Names only (not the bulletins): the search page's filter choices.
    yield Page("search/index.html", "search.html", {
        "search_enabled": search,
        "city_names": tuple(city.name for city in archive.cities),
        "year_numbers": tuple(year.year for year in archive.years),
    })
    # Without base_url the page finds the site's root itself (_find_root.js).
    yield Page("404.html", "404.html", {} if config.base_url else {"inline_script": "_find_root.js"},
               base=config.base_url)


def bulletin_page(archive: Archive, bulletin: Bulletin, refs: dict[str, CityRef],
                  renditions: Renditions | None, config: Config) -> Page:
    """A bulletin's own page. ``plan_pages`` and the render workers
    (pages/outputs.py) both make it here, so the two give the same bytes."""
    neighbours = archive.neighbours[bulletin.url]
    return Page(f"{bulletin.url}index.html", "bulletin.html", {
        "bulletin": bulletin,
        "previous": neighbours.previous,
        "next": neighbours.next,
        # Name and address only: the page must not depend on (and be
        # rebuilt for) every other bulletin of its city.
        "city": refs[bulletin.city_slug],
        "media": page_media(bulletin, renditions, config),  # photos, 下载原件
    })


def city_refs(archive: Archive) -> dict[str, CityRef]:
    """One CityRef per city (not one per page), by slug."""
    return {city.slug: city_ref(city) for city in archive.cities}


def city_ref(city: City) -> CityRef:
    return CityRef(city.name, city.slug)


class ConstantGettext(jinja2.ext.Extension):
    """``_("literal")`` translated once, when a template is compiled, not on
    every page it renders.

    A template's ``_()`` goes through three calls of Jinja's runtime (the
    alias, the newstyle gettext, the catalogue) and a Markup format on every
    use: ~22 per bulletin page, ~10 % of parsing and rendering (``briefsite
    check`` over 1,000 bulletins, benchmarks/README.md). A call with one
    string literal and nothing else is replaced by what it would give (the
    translation as markup, %-formatted without variables: newstyle's
    semantics); calls with variables are left to the runtime. A template
    that uses ``_`` as anything but a function call is left alone. Compiled
    templates depend on the catalogue: the bytecode cache is keyed by it
    (``i18n.site_catalogue_key``).
    """

    def filter_stream(self, stream: jinja2.lexer.TokenStream):
        tokens = list(stream)
        translations = getattr(self.environment, "site_translations", None)
        calls = {i for i, t in enumerate(tokens) if t.type == "name" and t.value == "_"}
        if (translations is None or self.environment.autoescape is not True
                or any(i + 1 >= len(tokens) or tokens[i + 1].type != "lparen" for i in calls)):
            return iter(tokens)
        out: list[jinja2.lexer.Token] = []
        i = 0
        while i < len(tokens):
            if (i in calls and i + 3 < len(tokens) and tokens[i + 2].type == "string"
                    and tokens[i + 3].type == "rparen"):
                line = tokens[i].lineno
                text = str(Markup(translations.gettext(tokens[i + 2].value)) % {})
                out += [Token(line, "lparen", "("), Token(line, "string", text), Token(line, "pipe", "|"),
                        Token(line, "name", "safe"), Token(line, "rparen", ")")]
                i += 4
            else:
                out.append(tokens[i])
                i += 1
        return iter(out)


def make_environment(config: Config, bytecode: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The theme's templates; with ``bytecode`` (the build cache's
    ``CheckedBytecodeCache``) compiled templates are kept between builds."""
    search_path = list(reversed(template_folders(config)))  # user's first
    env = jinja2.Environment(
        loader=ThemeLoader(search_path),
        bytecode_cache=bytecode,
        autoescape=True,  # every front-matter value is text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n", ConstantGettext],
    )
    # The site's own words come from the same catalogue as the messages, in
    # the site's language (briefsite.yaml), whatever language the editor's
    # terminal speaks.
    english = config.language == "en"
    site_words = i18n.for_site(config.language)
    env.install_gettext_translations(site_words, newstyle=True)
    env.extend(site_translations=site_words)  # read by ConstantGettext when a template compiles
    env.filters["cn_date"] = cn_date  # as printed (masthead, 版记)
    env.filters["date_label"] = english_date if english else cn_date
    env.filters["month_label"] = english_month if english else cn_month
    env.filters["summary"] = summary
    env.filters["figure_slots"] = split_figures  # body HTML, with photo numbers where they stand
    env.globals["canonical_url"] = canonical_url
    env.globals["url"] = url
    env.globals["site"] = config
    env.globals["generator"] = f"briefsite {__version__}"
    return env


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
CN_MONTH = "{month}月"


def english_date(value: dt.date | None) -> str:
    """2024-05-10 -> 10 May 2024, for a site in English."""
    return "" if value is None else f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def cn_month(month: int) -> str:
    return CN_MONTH.format(month=month)


def english_month(month: int) -> str:
    return MONTHS[month - 1]


@jinja2.pass_context
def url(context, target: str) -> str:
    """Link from the page being rendered to ``target`` (site-relative)."""
    root = context.get("root")
    if root is None:
        # A macro imported without the page's context would silently link
        # relative to the site root from every page: fail the build instead.
        raise jinja2.TemplateRuntimeError(
            _("url() used without the page's context; import macros 'with context'"))
    if target.startswith("#"):
        return target  # a place on this same page
    link = root + target.lstrip("/")
    if context["site"].links == "files":
        return explicit_index(link)
    return link or "./"


def explicit_index(link: str) -> str:
    """``../cities/`` -> ``../cities/index.html``: opened from a folder
    (file://) no server adds index.html, and a folder link shows a listing."""
    path, mark, rest = link.partition("#")
    path, qmark, query = path.partition("?")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path + qmark + query + mark + rest


@jinja2.pass_context
def canonical_url(context) -> str:
    """The page's preferred address: absolute with base_url, else relative to itself."""
    path = context["page_path"]
    return canonical(context["site"], path) or url(context, clean_path(path))


def inline_script(env: jinja2.Environment, page: Page) -> dict[str, str]:
    """The theme's script a page inlines, with the hash that lets the
    Content-Security-Policy run it (no other inline code may run)."""
    name = page.context.get("inline_script")
    if not name:
        return {}
    text = env.loader.get_source(env, name)[0]
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return {"inline_script_text": text, "inline_script_hash": f"sha256-{digest}"}


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    with _template_errors(page):
        template = env.get_template(page.template)
        html = template.render(page.context, root=page.root, page_path=page.path, **inline_script(env, page))
    return html.encode("utf-8")


STREAM_PIECE = 1 << 16  # characters of a streamed page joined before they are written


def render_page_stream(env: jinja2.Environment, page: Page) -> Iterator[bytes]:
    """``render_page`` piece by piece (Jinja2's ``generate``): a list page of a
    large archive (a year of 10,000 issues at 100,000) is never whole in memory."""
    with _template_errors(page):
        template = env.get_template(page.template)
        pending: list[str] = []
        size = 0
        for text in template.generate(page.context, root=page.root, page_path=page.path,
                                      **inline_script(env, page)):
            pending.append(text)
            size += len(text)
            if size >= STREAM_PIECE:
                yield "".join(pending).encode("utf-8")
                pending, size = [], 0
        yield "".join(pending).encode("utf-8")


@contextlib.contextmanager
def _template_errors(page: Page) -> Iterator[None]:
    """A theme's mistake as a BriefsiteError naming the template (and the page)."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise BriefsiteError(exc.filename or exc.name, exc.lineno,
                             _("template error: {reason}").format(reason=exc.message))
    except RecursionError:
        raise BriefsiteError(page.template, 0, _("templates recurse without end (rendering {page}): a template "
                                                 "includes, imports or extends itself").format(page=page.path),
                             hint=_("check the {% include %}, {% import %} and {% extends %} of the theme")) from None
    except jinja2.TemplateError as exc:
        raise BriefsiteError(page.template, 0, _("template error while rendering {page}: {reason}").format(
            page=page.path, reason=exc))
