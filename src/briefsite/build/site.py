"""The build, step by step:

    discover -> load -> archive -> photos -> plan outputs -> render -> write -> index search

``build`` runs them and atomically replaces the output folder; ``check`` runs
the same steps short of writing. Each step is a function below taking and
returning typed values; the incremental machinery (what changed since the
last build, what can be kept) is plan.OutputPlan, which the steps consult.
"""

from __future__ import annotations

import array
import functools
import gc
import itertools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from ..content.archive import Archive, build_archive
from ..content.config import Config
from ..content.integrity import check_integrity
from ..errors import BriefsiteError, BuildFailed, Problems
from .. import i18n
from ..i18n import Nn_, _
from ..progress import NoProgress
from ..pages.outputs import BULLETIN_TEMPLATE, Output, bulletin_pages, site_outputs
from ..pages.render import make_environment
from ..pages import feeds
from . import output
from .bytecode import CheckedBytecodeCache
from .images import ImageStore, Photos, process as process_images
from .cache import ParseCache
from .load import Sources, discover, load
from .lock import DEFAULT_TIMEOUT, build_lock
from .plan import OutputPlan, Planned, render_key
from .store import default_cache_dir, gc_paused
from .workers import CHUNK, default_jobs, iter_chunks

if TYPE_CHECKING:
    import jinja2

    from ..pages.photos import Renditions
    from .search import SearchIndex


@dataclass
class Summary:
    bulletins: int = 0  # published
    drafts: int = 0
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    warnings: list = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    search: "SearchIndex | None" = None  # None: built with --no-search (or check)
    written: int = 0  # files written or removed (the rest kept their inode and mtime)
    ignored: tuple[Path, ...] = ()  # bulletin-like files passed over by name (.#x.md, x.md~)
    urls: dict[str, str] = field(default_factory=dict)  # source file -> page URL (site-relative)


@dataclass(frozen=True)
class Rendered:
    """An output's bytes (or, for a file too large to hold whole, its pieces
    as they are made); None for one the live site already holds."""

    path: str
    data: bytes | Iterator[bytes] | None


@dataclass(frozen=True)
class Written:
    """What the write step produced: the path of every output (written or kept)."""

    paths: tuple[str, ...]


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
          cache: ParseCache | Path | bool = True, jobs: int | None = None,
          drafts: bool = False, progress=None) -> Summary:
    """Validate, render, index and atomically replace ``out`` with the new site.

    ``search=False`` (--no-search) skips the search index, for quick previews.
    ``cache``: True for ``.briefsite-cache/`` beside the source folder, a
    folder, an open ``ParseCache`` (kept in memory by ``briefsite serve``
    between builds), or False for none. Only files whose bytes change are
    written; the others keep their inode and mtime. ``jobs``: processes for
    parsing (default: one per CPU). ``progress``: a ``progress.Progress`` to
    show the stages of a long build on (the command line's). ``drafts`` (briefsite serve only): drafts
    get pages, with a 草稿 banner and noindex; ``briefsite build`` never
    passes it, and the flag is part of every output's fingerprint, so the
    next build replaces every page a preview made.
    """
    clock = Stopwatch()
    feeds.source_date_epoch()  # a malformed value fails now, not in the middle of the build
    output.check_output_folder(out)
    parse_cache = open_cache(cache, source, config)
    plan = open_plan(parse_cache, out, config, search=search, kept=cache is parse_cache, drafts=drafts)
    sources = discover(source)  # 1. discover
    if plan.nothing_changed(sources.paths, sources.stats, strict=strict):
        with build_lock(out, timeout=lock_timeout):
            output.clear_leftovers(out)  # of a build that was killed
        return unchanged_summary(plan, sources, clock)
    archive, problems = load_archive(source, config, strict=strict, cache=parse_cache,  # 2. load, 3. archive
                                     jobs=bounded_jobs(jobs), sources=sources, drafts=drafts,
                                     progress=progress)
    gc.freeze()  # the archive and the cache's records live to the end of the build (see _gc_spared)
    clock.lap("load")
    photos = resize_photos(archive, config, problems,  # 3b. photos
                           cache_root=parse_cache.root if parse_cache else None,
                           jobs=default_jobs() if jobs is None else max(1, jobs))
    # The lock covers everything that touches the output's parent folder:
    # clearing leftovers, staging, swapping (see lock.py).
    with build_lock(out, timeout=lock_timeout):
        output.clear_leftovers(out)  # even if this build turns out to change nothing
        plan.refresh()
        update = output.Update(out, spare_changes=plan.spare_changes, spare_dirs=plan.spare_dirs)
        try:
            if plan.marker_doubted:
                update.put(output.MARKER, output.MARKER_TEXT.encode("utf-8"))
            # Compiled templates, verified by checksum before use (bytecode.py).
            bytecode = (CheckedBytecodeCache(plan.root / "templates", i18n.site_catalogue_key(config.language))
                        if plan.root else None)
            env = make_environment(config, bytecode)
            outputs = site_outputs(archive, config, env, search=search,
                                   records=parse_cache.record if parse_cache else None,
                                   renditions=photos.renditions, photo_bytes=photos.data)
            planned = plan.consult(outputs)  # 4. plan outputs
            # 7. index search: the shards' files are written with the others
            # (6.), so the live files of unchanged shards are kept like pages.
            indexing = SearchStep(archive, plan, bounded_jobs(jobs)) if search else None
            page_workers = PageWorkers(archive, config, env, photos.renditions, bounded_jobs(jobs))
            written = write(itertools.chain(  # 5. render, 6. write
                staged(render(planned, page_workers), progress, _("rendering pages")),
                staged(indexing.rendered(), progress, _("indexing for search")) if indexing else ()), update, plan)
            index = indexing.result if indexing else None
            clock.lap("render")
            if index is not None and index.seconds:
                clock.stages["render"] -= index.seconds
                clock.stages["search"] = index.seconds
            plan.forget()  # the old record is void once the swap can happen
            committed = update.commit()
        except BaseException:  # including Ctrl-C and SIGTERM: never leave a staging folder
            update.discard()
            plan.restat()
            raise
        pages = sum(path.endswith(".html") for path in written.paths)
        counts = (len(archive.bulletins), len(archive.drafts), pages, len(written.paths))
        plan.save(committed=committed, changed=update.changed, counts=counts,
                  warnings=problems.warnings, search_pages=index.pages if index is not None else -1,
                  touched=update.touched, folders=update.folder_stats() if committed else None)
        photos.store.prune(photos.renditions)  # forget photos no longer published
    return Summary(*counts, seconds=clock.total(), warnings=problems.warnings, stages=clock.stages,
                   search=index, written=len(update.changed) if committed else 0,
                   ignored=tuple(problems.ignored), urls={b.source: b.url for b in archive.bulletins})


def open_cache(cache: ParseCache | Path | bool, source: Path, config: Config) -> ParseCache | None:
    """The parse cache to build with (see ``build``'s ``cache``)."""
    if isinstance(cache, ParseCache):
        return cache if cache.config == config else ParseCache.open(cache.root, config)
    if cache is False or cache is None:
        return None
    return ParseCache.open(default_cache_dir(source) if cache is True else Path(cache), config)


def open_plan(parse_cache: ParseCache | None, out: Path, config: Config, *, search: bool,
              kept: bool, drafts: bool = False) -> OutputPlan:
    """The output plan, with the last build's record when there is a cache.
    ``kept``: the cache stays open between builds (serve), so it remembers
    the pages it fingerprinted."""
    root = parse_cache.root if parse_cache is not None else None
    if root is not None and resolved(root).is_relative_to(resolved(out)):
        raise BriefsiteError(root, 0, _("the build cache would be inside the output folder (and published)"),
                             hint=_("keep the source folder outside the output folder, or pass another cache folder"))
    key = render_key(config) + ("+drafts" if drafts else "")  # a preview's pages are never kept
    return OutputPlan(out, root, key, search=search,
                      parse_key=parse_cache.key if parse_cache is not None else "",
                      known=parse_cache.outputs if parse_cache is not None else None,
                      known_pages=parse_cache.pages if kept and parse_cache is not None else None)


def resolved(path: Path) -> Path:
    """``path.resolve()``, or a clear error for a symlink loop or an overlong path."""
    try:
        return path.resolve()
    except (OSError, RuntimeError) as exc:
        why = getattr(exc, "strerror", None) or _("a symlink loop")
        raise BriefsiteError(path, 0, _("cannot use this path: {reason}").format(reason=why),
                             hint=_("delete the symlink loop, or choose another path")) from None


def bounded_jobs(jobs: int | None) -> int:
    """--jobs, never more than the CPUs this process may use: more processes
    only add forks and memory (--jobs 120 forked 120 workers)."""
    return default_jobs() if jobs is None else min(max(1, jobs), default_jobs())


def load_archive(source: Path, config: Config, *, strict: bool = False,
                 cache: ParseCache | None = None, jobs: int = 1,
                 sources: Sources | None = None, drafts: bool = False,
                 progress=None) -> tuple[Archive, Problems]:
    """Steps 1-3: read and validate every bulletin, then index them.

    With a ``cache`` unchanged files are not parsed again and the bulletins'
    bodies stay on disk until read; ``jobs`` processes parse the rest.
    """
    problems = Problems()
    bulletins = load(source, config, problems, cache=cache, jobs=jobs, sources=sources, progress=progress)
    with gc_paused():  # (the archive's indexes: long-lived, no garbage)
        archive = build_archive(bulletins, problems, show_drafts=drafts)
        check_integrity(archive, problems, config.distinct_series)  # series-level: gaps, order, links to drafts
    if problems.errors or (strict and problems.warnings):
        raise BuildFailed(problems.items)
    return archive, problems


def resize_photos(archive: Archive, config: Config, problems: Problems, *, cache_root: Path | None,
                  jobs: int = 1, encode: bool = True) -> Photos:
    """Step 3b: every published photo in a few widths, made once and kept in
    the build cache's image store (in memory without one). A photo that
    cannot be decoded fails the build here, before anything is written.
    ``encode=False`` (check): decoded to be checked, nothing encoded."""
    image_store = ImageStore.beside(cache_root, config.image_limits)
    image_store.encode = encode
    photos = process_images(archive, image_store, problems, jobs=jobs)
    if problems.errors:
        raise BuildFailed(problems.items)
    return photos
def staged(items: Iterable[Rendered], progress, name: str) -> Iterator[Rendered]:
    """``items``, counted as a stage of the build's progress (files made)."""
    # Translators: what a stage of the build counts: "rendering pages: 120 files, 2.1 s".
    with (progress or NoProgress()).stage(name, None, Nn_("file", "files")) as stage:
        for item in items:
            yield item
            stage.advance()


def render(planned: Iterable[Planned], pages: "PageWorkers | None" = None) -> Iterator[Rendered]:
    """Step 5: the bytes of every output the live site does not already hold.

    With ``pages``, the bulletins' own pages (most of the site) are rendered
    by the worker pool once every output has been planned; the rest (list
    pages, feeds, files) here, as they come.
    """
    deferred = array.array("l")  # positions in archive.bulletins: 8 bytes a page to fan out
    for item in planned:
        if item.unchanged:
            yield Rendered(item.output.path, None)
        elif pages is not None and item.output.part >= 0:
            deferred.append(item.output.part)
        else:
            yield Rendered(item.output.path, item.output.make())
    if deferred:
        for path, data in pages.render(deferred):
            yield Rendered(path, data)


@dataclass
class PageWorkers:
    """Renders bulletins' pages in the worker pool (workers.py).

    The workers are forked once the plan is made, so they hold the archive,
    the photos' renditions and the compiled templates as the build does, and
    are sent only positions in ``archive.bulletins``; each makes the page as
    ``plan_pages`` does (``outputs.bulletin_pages``) and sends back its bytes,
    which this process writes. An error (a template's, a body gone from the
    cache) reaches the build as it would here.
    """

    archive: Archive
    config: Config
    env: jinja2.Environment  # the build's, with its compiled templates
    renditions: Renditions | None
    jobs: int
    chunk: int = CHUNK  # pages per task: ~20 ms of rendering, against a round trip's ~1 ms

    def render(self, parts: array.array) -> Iterator[tuple[str, bytes]]:
        if self.jobs > 1 and len(parts) > self.chunk:
            self.env.get_template(BULLETIN_TEMPLATE)  # compiled once, before forking, for every worker
        return iter_chunks(bulletin_pages, parts.tolist(), self.jobs,
                           self.archive, self.config, self.env, self.renditions, chunk=self.chunk)


def write(rendered: Iterable[Rendered], update: output.Update, plan: OutputPlan) -> Written:
    """Step 6: stage every changed file (output.Update writes only those whose
    bytes differ) and remove the files this build no longer makes."""
    for item in rendered:
        if item.data is None:
            update.keep(item.path)
        elif isinstance(item.data, bytes):
            plan.made(item.path, item.data)
            update.put(item.path, item.data)
        else:
            plan.made_stream(item.path, update.put_stream(item.path, item.data))
    update.remove_unseen(plan.live_files)
    return Written(tuple(plan.files))


class SearchStep:
    """Step 7: the search index, written with the site's other files: the
    shards whose bulletins changed are indexed again (``jobs`` at once), the
    others' files kept (search.shard_files). A shard with a live file missing, changed or
    unknown (the plan's doubt) is indexed again whole."""

    def __init__(self, archive: Archive, plan: OutputPlan, jobs: int = 1) -> None:
        self.archive = archive
        self.plan = plan
        self.jobs = jobs  # shards indexed at once (search.shard_files)
        self.result: "SearchIndex | None" = None

    def rendered(self) -> Iterator[Rendered]:
        from .search import RUNTIME_KEY, SearchIndex, shard_files  # only a build with search imports the indexer

        started = time.perf_counter()
        previous = self.plan.state.files if self.plan.state is not None else {}
        doubted = {previous[p] for p in self.plan.doubt if p in previous}
        if doubted:
            previous = {p: k for p, k in previous.items() if k not in doubted}
        indexed = set()  # keys of the shards indexed by this build
        for path, key, data in shard_files(self.archive.bulletins, previous, jobs=self.jobs):
            if key:  # kept next time while its shard's key stays the same
                self.plan.files[path] = key
            if data is not None and key not in ("", RUNTIME_KEY):
                indexed.add(key)
            yield Rendered(path, data)
        self.result = SearchIndex(len(self.archive.bulletins), time.perf_counter() - started, len(indexed))


def unchanged_summary(plan: OutputPlan, sources: Sources, clock: "Stopwatch") -> Summary:
    """The summary of a build that found nothing changed since the last one."""
    state = plan.state
    summary = Summary(*state.counts, ignored=tuple(sources.problems.ignored),
                      warnings=[BriefsiteError.from_record(record) for record in state.warnings])
    if state.search_pages >= 0:  # the live site's index is still the right one
        from .search import SearchIndex

        summary.search = SearchIndex(state.search_pages, 0.0)
    summary.seconds = clock.total()
    summary.stages["unchanged"] = summary.seconds
    return summary


def check(source: Path, config: Config, *, strict: bool = False) -> Summary:
    """Everything ``build`` does short of writing: validation and rendering."""
    clock = Stopwatch()
    feeds.source_date_epoch()
    archive, problems = load_archive(source, config, strict=strict)
    photos = resize_photos(archive, config, problems, cache_root=None, encode=False)
    pages = files = 0
    for path, _ in render_site(archive, config, photos=photos):  # rendered to be checked, then dropped
        files += 1
        pages += path.endswith(".html")
    return Summary(bulletins=len(archive.bulletins), drafts=len(archive.drafts), pages=pages,
                   files=files, seconds=clock.total(), warnings=problems.warnings,
                   ignored=tuple(problems.ignored))


def render_site(archive: Archive, config: Config, *, search: bool = True,
                photos: Photos | None = None) -> Iterator[tuple[str, bytes]]:
    """Every output file as (relative path, bytes), in a fixed order, all rendered."""
    if photos is None:
        photos = resize_photos(archive, config, Problems(), cache_root=None)
    for item in site_outputs(archive, config, make_environment(config), search=search,
                             renditions=photos.renditions, photo_bytes=photos.data):
        data = item.make()
        yield item.path, data if isinstance(data, bytes) else b"".join(data)


class Stopwatch:
    """Seconds per stage for the summary; ``total`` leaves out search
    indexing, which the summary reports on its own."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        self.stages[stage] = time.perf_counter() - self.started - sum(self.stages.values())

    def total(self) -> float:
        return time.perf_counter() - self.started - self.stages.get("search", 0.0)
