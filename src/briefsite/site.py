"""The build, step by step: config -> bulletins -> archive -> pages -> files.

``build`` writes the site atomically; ``check`` runs the same steps and
writes nothing. Both return a summary for the one-line report.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .archive import Archive, build_archive
from .cache import (OutputState, ParseCache, code_key, config_key, default_cache_dir, default_jobs,
                    _problem_tuple, digest, fingerprint, page_fingerprint, forget_output_state, inputs_key,
                    source_stats,
                    load_cached, load_output_state,
                    save_output_state, templates_key)
from .config import Config
from .errors import BriefsiteError, BuildFailed, Problems
from .integrity import check_integrity
from .loader import discover, load_all
from .lock import DEFAULT_TIMEOUT, build_lock
from .model import Bulletin
from .render import Page, make_environment, plan_pages, render_page, template_folders
from .search import BUNDLE as SEARCH_BUNDLE, SearchIndex, shard_files
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
    written: int = 0  # files written or removed (the rest kept their inode and mtime)
    ignored: tuple[Path, ...] = ()  # bulletin-like files passed over by name (.#x.md, x.md~)


def load_archive(source: Path, config: Config, *, strict: bool = False,
                 cache: ParseCache | None = None, jobs: int = 1,
                 discovered: tuple | None = None) -> tuple[Archive, Problems]:
    """Steps 1-2: read and validate every bulletin, then index them.

    With a ``cache`` unchanged files are not parsed again and the bulletins'
    bodies stay on disk until read; ``jobs`` processes parse the rest.
    """
    problems = Problems()
    if cache is None:
        bulletins = load_all(source, config, problems)
    else:
        bulletins = load_cached(source, config, problems, cache, jobs, discovered)
    archive = build_archive(bulletins, problems)
    check_integrity(archive, problems)  # series-level: gaps, order, links to drafts
    if problems.errors or (strict and problems.warnings):
        raise BuildFailed(problems.items)
    return archive, problems


def open_cache(cache: ParseCache | Path | bool, source: Path, config: Config) -> ParseCache | None:
    """The parse cache to build with (see ``build``'s ``cache``)."""
    if isinstance(cache, ParseCache):
        return cache if cache.config == config else ParseCache.open(cache.root, config)
    if cache is False or cache is None:
        return None
    return ParseCache.open(default_cache_dir(source) if cache is True else Path(cache), config)


def asset_files(config: Config) -> Iterator[tuple[str, bytes]]:
    """Static files of the theme (CSS, icons), user's own overriding by name."""
    files: dict[str, Path] = {}
    for folder in (f / "assets" for f in template_folders(config)):  # later ones override
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


def render_site(archive: Archive, config: Config, *, search: bool = True,
                reuse: Callable[[str, str], bool] | None = None,
                render_key: str = "", bytecode_dir: Path | None = None,
                records: Callable[[Bulletin], bytes | None] | None = None,
                known_pages: dict | None = None) -> Iterator[tuple[str, bytes]]:
    """Step 3: every output file as (relative path, bytes), in a fixed order.

    With ``reuse``, each page's and feed's fingerprint (its template,
    ``render_key`` and the content hashes of everything it shows) is offered
    first as ``reuse(path, fingerprint)``; one it accepts as unchanged is
    skipped. ``records``: bulletins.json records made earlier (the cache's);
    ``known_pages``: the last build's pages, kept by briefsite serve (see
    ``page_fingerprint``).
    """
    env = make_environment(config, bytecode_dir)
    pages = []
    memo: dict = {}  # fingerprints of shared lists (a city's bulletins), per build
    for page in plan_pages(archive, config, search=search):
        pages.append(page.path)
        if reuse is not None:
            key = page_fingerprint(render_key, page, memo, known_pages)
            if key and reuse(page.path, key):
                continue
        yield page.path, render_page(env, _with_body(page))
    yield from asset_files(config)
    yield SCHEMA_IN_SITE, schema_file().read_bytes()
    for feed in feeds.plan_feeds(archive, config):  # each reads up to 50 bodies
        if reuse is not None:
            key = fingerprint((render_key, feed), memo)
            if key and reuse(feed.path, key):
                continue
        yield feed.path, feeds.render_feed(feed, config)
    # Its records follow from the bulletins' content hashes.
    key = fingerprint((render_key, export.EXPORT_PATH, archive.bulletins), memo) if reuse else ""
    if not (key and reuse(export.EXPORT_PATH, key)):
        yield export.EXPORT_PATH, export.bulletins_json(archive, config, records)
    if config.base_url:  # sitemap.xml (every page: reused when unchanged) and robots.txt
        key = fingerprint((render_key, "sitemap", tuple(pages), archive.bulletins), memo) if reuse else ""
        if not (key and reuse("sitemap.xml", key)):
            lastmod = {f"{b.url}index.html": b.date.isoformat() for b in archive.bulletins}
            yield "sitemap.xml", seo.sitemap_xml(pages, config, lastmod)
        yield "robots.txt", seo.robots_txt(config)


def _with_body(page: Page) -> Page:
    """The page with its bulletin's body read once, not on every access."""
    bulletin = page.context.get("bulletin")
    if isinstance(bulletin, Bulletin):
        full = bulletin.loaded()
        if full is not bulletin:
            return dataclasses.replace(page, context={**page.context, "bulletin": full})
    return page


def _gc_spared(function):
    """Run ``function`` with the objects that exist when it starts, and those
    it freezes once loaded, out of the garbage collector's full passes.

    A build holds tens of thousands of long-lived records (briefsite serve
    keeps the cache's for the whole archive between builds); each full pass
    walked all of them, ~0.13 s of a rebuild at 10,000 bulletins. Nothing is
    lost: they are unfrozen when the build ends, so any cycle among them is
    still collected later.
    """
    @functools.wraps(function)
    def spared(*args, **kwargs):
        gc.freeze()
        try:
            return function(*args, **kwargs)
        finally:
            gc.unfreeze()
    return spared


@_gc_spared
def build(source: Path, out: Path, config: Config, *, strict: bool = False,
          lock_timeout: float = DEFAULT_TIMEOUT, search: bool = True,
          cache: ParseCache | Path | bool = True, jobs: int | None = None) -> Summary:
    """Validate, render, index and atomically replace ``out`` with the new site.

    ``search=False`` (--no-search) skips the search index, for quick previews.
    ``cache``: True for ``.briefsite-cache/`` beside the source folder, a
    folder, an open ``ParseCache`` (kept in memory by ``briefsite serve``
    between builds), or False for none. Only files whose bytes change are
    written; the others keep their inode and mtime. ``jobs``: processes for
    parsing (default: one per CPU).
    """
    started = time.perf_counter()
    summary = Summary()
    output.check_output_folder(out)
    parse_cache = open_cache(cache, source, config)
    root = parse_cache.root if parse_cache is not None else None
    if root is not None and root.resolve().is_relative_to(out.resolve()):
        raise BriefsiteError(root, 0, "the build cache would be inside the output folder (and published)",
                             hint="keep the source folder outside the output folder, or pass another cache folder")
    render_key = digest(code_key().encode(), config_key(config).encode(),
                        templates_key(template_folders(config)).encode(),
                        os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    inputs = ""
    discovered = None
    if parse_cache is not None:  # nothing changed since the last build: nothing to do
        found = Problems()
        paths = discover(source, found)
        stats = source_stats(paths)  # listed and stat-ed once: load_cached uses them too
        discovered = (paths, stats, found)
        inputs = inputs_key(paths, render_key, parse_cache.key, f"search={search}", stats=stats)
        summary.ignored = tuple(found.ignored)
        state = _current_state(root, out, parse_cache.outputs)
        if (state is not None and state.inputs == inputs and not (strict and state.warnings)
                and (not search or (out / SEARCH_BUNDLE).is_dir())):
            with build_lock(out, timeout=lock_timeout):
                output.clear_leftovers(out)  # of a build that was killed
            return _unchanged(summary, state, started)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    archive, problems = load_archive(source, config, strict=strict, cache=parse_cache, jobs=jobs,
                                     discovered=discovered)
    gc.freeze()  # the archive and the cache's records live to the end of the build (see _gc_spared)
    summary.stages["load"] = time.perf_counter() - started
    # The lock covers everything that touches the output's parent folder:
    # clearing leftovers, staging, swapping (see lock.py).
    with build_lock(out, timeout=lock_timeout):
        output.clear_leftovers(out)  # even if this build turns out to change nothing
        state = _current_state(root, out, parse_cache.outputs) if parse_cache is not None else None
        spare_ok = state is not None and state.spare_ino == output._inode(output.spare_folder(out))
        update = output.Update(out, spare_changes=state.changed if spare_ok else None)
        previous = state.files if state is not None else {}
        files: dict[str, str] = {}  # path -> fingerprint or content hash, for the next build

        def reuse(path: str, key: str) -> bool:
            files[path] = key
            if previous.get(path) == key:
                update.keep(path)
                return True
            return False

        try:
            pages = count = 0
            for path, data in render_site(archive, config, search=search, reuse=reuse,
                                          render_key=render_key,
                                          bytecode_dir=root / "templates" if root else None,
                                          records=parse_cache.record if parse_cache else None,
                                          # kept only by a long-running process (serve)
                                          known_pages=parse_cache.pages if cache is parse_cache else None):
                if path not in files:  # (a page's fingerprint is already there)
                    files[path] = "h:" + digest(data)
                update.put(path, data)
            summary.stages["render"] = time.perf_counter() - started - summary.stages["load"]
            if search:  # only the shards whose bulletins changed are indexed again
                summary.search = index_search(archive, previous, files, update)
                summary.stages["search"] = summary.search.seconds
            for path in files:
                count += 1
                pages += path.endswith(".html")
            update.remove_unseen(set(previous) if state is not None else None)
            if root is not None:  # the old record is void once the swap can happen
                forget_output_state(root, out)
            committed = update.commit()
        except BaseException:  # including Ctrl-C and SIGTERM: never leave a staging folder
            update.discard()
            raise
        if root is not None:
            changed = frozenset(update.changed) if committed else (state.changed if state else frozenset())
            spare_ino = output._inode(output.spare_folder(out)) if committed else (
                state.spare_ino if state else -1)
            save_output_state(root, out, OutputState(
                output._inode(out), spare_ino, files, changed, inputs,
                (len(archive.bulletins), len(archive.drafts), pages, count),
                tuple(_problem_tuple(p) for p in problems.warnings),
                summary.search.pages if summary.search is not None else -1), parse_cache.outputs)
    summary.bulletins = len(archive.bulletins)
    summary.drafts = len(archive.drafts)
    summary.pages = pages
    summary.files = count
    summary.written = len(update.changed) if committed else 0
    summary.warnings = problems.warnings
    summary.ignored = tuple(problems.ignored)
    # The summary reports indexing time on its own, so this is the rest.
    summary.seconds = time.perf_counter() - started - summary.stages.get("search", 0.0)
    return summary


def index_search(archive: Archive, previous: dict[str, str], files: dict[str, str],
                 update: output.Update) -> SearchIndex:
    """Step 7: the search index, shard by shard; unchanged shards keep their files."""
    started = time.perf_counter()
    indexed = set()  # shard folders written by this build
    for path, key, data in shard_files(archive.bulletins, previous):
        if data is None:
            update.keep(path)
        else:
            update.put(path, data)
            if path.count("/") >= 2:
                indexed.add(path.split("/")[1])
        files[path] = key or "h:" + digest(data or b"")
    shards = len(indexed)
    return SearchIndex(len(archive.bulletins), time.perf_counter() - started, shards)


def _current_state(root: Path, out: Path, known: dict | None = None) -> OutputState | None:
    """The record of the build that made ``out``, if it is still the live site."""
    state = load_output_state(root, out, known)
    if state is None or not out.is_dir() or state.out_ino != output._inode(out):
        return None  # another build (or a person) replaced the folder: the record says nothing
    return state


def _unchanged(summary: Summary, state: OutputState, started: float) -> Summary:
    """The summary of a build that found nothing changed since the last one."""
    summary.bulletins, summary.drafts, summary.pages, summary.files = state.counts
    if state.search_pages >= 0:  # the live site's index is still the right one
        summary.search = SearchIndex(state.search_pages, 0.0)
    summary.warnings = [BriefsiteError(path, line, message, hint=hint, severity=severity)
                        for path, line, message, hint, severity in state.warnings]
    summary.seconds = time.perf_counter() - started
    summary.stages["unchanged"] = summary.seconds
    return summary


def check(source: Path, config: Config, *, strict: bool = False) -> Summary:
    """Everything ``build`` does short of writing: validation and rendering."""
    started = time.perf_counter()
    archive, problems = load_archive(source, config, strict=strict)
    pages = files = 0
    for path, _ in render_site(archive, config):  # rendered to be checked, then dropped
        files += 1
        pages += path.endswith(".html")
    return Summary(
        bulletins=len(archive.bulletins),
        drafts=len(archive.drafts),
        pages=pages,
        files=files,
        seconds=time.perf_counter() - started,
        warnings=problems.warnings,
        ignored=tuple(problems.ignored),
    )
