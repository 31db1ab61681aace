"""The build, step by step: config -> bulletins -> archive -> pages -> files.

``build`` writes the site atomically; ``check`` runs the same steps and
writes nothing. Both return a summary for the one-line report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .archive import Archive, build_archive
from .config import Config
from .errors import BuildFailed, Problems
from .integrity import check_integrity
from .loader import load_all
from .lock import DEFAULT_TIMEOUT, build_lock
from .render import make_environment, plan_pages, render_page, theme_dir
from .search import SearchIndex, index_site
from . import export, feeds, output, seo


@dataclass
class Summary:
    bulletins: int = 0  # published
    drafts: int = 0
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    warnings: list = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    search: SearchIndex | None = None  # None: built with --no-search (or check)


def load_archive(source: Path, config: Config, *, strict: bool = False) -> tuple[Archive, Problems]:
    """Steps 1-2: read and validate every bulletin, then index them."""
    problems = Problems()
    bulletins = load_all(source, config, problems)
    archive = build_archive(bulletins, problems)
    check_integrity(archive, problems)  # series-level: gaps, order, links to drafts
    if problems.errors or (strict and problems.warnings):
        raise BuildFailed(problems.items)
    return archive, problems


def asset_files(config: Config) -> Iterator[tuple[str, bytes]]:
    """Static files of the theme (CSS, icons), user's own overriding by name."""
    folders = [theme_dir() / "assets"]
    if config.templates is not None:
        folders.append(config.templates / "assets")
    files: dict[str, Path] = {}
    for folder in folders:  # later folders override earlier ones
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    files[f"assets/{path.relative_to(folder).as_posix()}"] = path
    for rel in sorted(files):
        yield rel, files[rel].read_bytes()


SCHEMA_IN_SITE = "schema/bulletin.schema.json"  # for editors' YAML tooling (docs/format.md)


def schema_file() -> Path:
    """The front-matter JSON Schema: shipped in the package, or the checkout's schema/."""
    packaged = Path(__file__).resolve().parent / SCHEMA_IN_SITE
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / SCHEMA_IN_SITE


def render_site(archive: Archive, config: Config, *,
                search: bool = True) -> Iterator[tuple[str, bytes]]:
    """Step 3: every output file as (relative path, bytes), in a fixed order."""
    env = make_environment(config)
    pages = []
    for page in plan_pages(archive, config, search=search):
        yield page.path, render_page(env, page)
        pages.append(page.path)
    yield from asset_files(config)
    yield from feeds.feed_files(archive, config)
    yield export.EXPORT_PATH, export.bulletins_json(archive, config)
    lastmod = {f"{b.url}index.html": b.date.isoformat() for b in archive.bulletins}
    yield from seo.seo_files(pages, config, lastmod)
    yield SCHEMA_IN_SITE, schema_file().read_bytes()


def build(source: Path, out: Path, config: Config, *, strict: bool = False,
          lock_timeout: float = DEFAULT_TIMEOUT, search: bool = True) -> Summary:
    """Validate, render, index and atomically replace ``out`` with the new site.

    ``search=False`` (--no-search) skips the search index, for quick previews.
    """
    started = time.perf_counter()
    summary = Summary()
    output.check_output_folder(out)
    archive, problems = load_archive(source, config, strict=strict)
    summary.stages["load"] = time.perf_counter() - started
    # The lock covers everything that touches the output's parent folder:
    # clearing leftovers, staging, swapping (see lock.py).
    with build_lock(out, timeout=lock_timeout):
        staging = output.staging_folder(out)
        try:
            files = list(render_site(archive, config, search=search))
            summary.stages["render"] = time.perf_counter() - started - summary.stages["load"]
            output.write_all(staging, files)
            if search:  # indexed in staging, so the swapped-in site is always complete
                summary.search = index_site(staging)
                summary.stages["search"] = summary.search.seconds
            output.swap_in(staging, out)
        except BaseException:  # including Ctrl-C and SIGTERM: never leave a staging folder
            output.discard(staging)
            raise
    summary.bulletins = len(archive.bulletins)
    summary.drafts = len(archive.drafts)
    summary.pages = sum(1 for path, _ in files if path.endswith(".html"))
    summary.files = len(files)
    summary.warnings = problems.warnings
    # The summary reports indexing time on its own, so this is the rest.
    summary.seconds = time.perf_counter() - started - summary.stages.get("search", 0.0)
    return summary


def check(source: Path, config: Config, *, strict: bool = False) -> Summary:
    """Everything ``build`` does short of writing: validation and rendering."""
    started = time.perf_counter()
    archive, problems = load_archive(source, config, strict=strict)
    files = list(render_site(archive, config))
    return Summary(
        bulletins=len(archive.bulletins),
        drafts=len(archive.drafts),
        pages=sum(1 for path, _ in files if path.endswith(".html")),
        files=len(files),
        seconds=time.perf_counter() - started,
        warnings=problems.warnings,
    )
