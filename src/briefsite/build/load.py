"""Steps 1-2 of the build: discover the bulletin files, then load them:
parse and validate each, in parallel (workers.py), through the parse cache
(cache.py) when there is one.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..content import loader, media
from ..content.config import Config
from ..content.markup import make_parser
from ..content.model import Bulletin
from ..errors import BriefsiteError, Problems
from ..files import MAX_BULLETIN_BYTES, read_regular
from ..i18n import Nn_, _
from ..pages.export import record_json
from . import store
from .cache import Entry, ParseCache, light
from .plan import source_stats
from .workers import iter_chunks
from ..progress import NoProgress


@dataclass
class Sources:
    """The bulletin files under the source folder, listed and stat-ed once."""

    folder: Path
    paths: list[Path]
    stats: list[tuple | None]  # each file's bulletin_stat (None: gone)
    problems: Problems = field(default_factory=Problems)  # what listing found (and ignored)


def discover(source: Path) -> Sources:
    """Step 1: every bulletin file under ``source``, with its stat."""
    found = Problems()
    folders: set[Path] = set()
    paths = loader.discover(source, found, folders)
    stats = [bulletin_stat(path, stat) if path in folders else stat
             for path, stat in zip(paths, source_stats(paths))]
    return Sources(source, paths, stats, found)


def bulletin_stat(path: Path, stat: tuple | None) -> tuple | None:
    """A bulletin file's ``store.stat_key`` extended by the name and stat of
    every file in its folder (media.py): a photo added, removed or edited
    changes it, so the no-change check and the parse cache see the edit."""
    if stat is None:
        return None
    folder = media.bulletin_folder(path)
    files = []
    for name in media.folder_files(folder):
        try:
            files.append((name, store.stat_key(os.stat(folder / name))))
        except OSError:
            files.append((name, None))
    return stat + tuple(files) if files else stat


def load(source: Path, config: Config, problems: Problems, *, cache: ParseCache | None = None,
         jobs: int = 1, sources: Sources | None = None, progress=None) -> list[Bulletin]:
    """Step 2: every valid bulletin (drafts included), in file order.

    Without a cache every file is parsed here. With one, unchanged files are
    not read, changed ones are parsed by ``jobs`` processes, and bulletins
    come back with their bodies left in the cache until read. ``sources``:
    the folder as ``discover`` listed it, when the caller has already.
    """
    if not loader.source_folder_ok(source, problems):
        return []
    if sources is None:
        sources = discover(source)
    problems.extend(sources.problems)
    # Translators: a stage of the build, shown as "reading bulletins: 3 bulletins, 0.4 s".
    with (progress or NoProgress()).stage(_("reading bulletins"), len(sources.paths),
                                          Nn_("bulletin", "bulletins")) as stage:
        return _load(source, config, problems, cache, jobs, sources, stage)


def _load(source: Path, config: Config, problems: Problems, cache: ParseCache | None, jobs: int,
          sources: Sources, stage) -> list[Bulletin]:
    if cache is None:
        md = make_parser()
        bulletins = []
        for path in sources.paths:
            bulletin = loader.load_bulletin(path, source, config, problems, md)
            stage.advance()
            if bulletin is not None:
                bulletins.append(bulletin)
        return bulletins
    results: dict[str, tuple] = {}
    misses: list[str] = []
    for path, stat in zip(sources.paths, sources.stats):
        shown = str(path)
        entry = cache.lookup(shown, stat)
        if entry is None:
            misses.append(shown)
        else:
            results[shown] = (entry, entry.warnings)
    stage.advance(len(sources.paths) - len(misses))  # unchanged: taken from the cache
    slim = ParseCache(cache.root, config, cache.key)  # what workers need, without the index
    shared: dict = {}  # values many bulletins repeat, kept once (see _interned)
    for shown, blob in zip(misses, iter_chunks(_parse_chunk, misses, jobs, source, config, slim)):
        entry, found = result = store.loads(blob)
        results[shown] = result
        stage.advance()
        if entry is not None:
            entry = cache.lazy(_interned(entry, shared), source)
            results[shown] = (entry, found)
            cache.remember(shown, entry)
    bulletins = []
    cache.records = {}
    for path in sources.paths:
        entry, found = results[str(path)]
        problems.items.extend(BriefsiteError.from_record(record) for record in found)
        if entry is not None:
            bulletins.append(entry.bulletin)
            if entry.record:
                cache.records[entry.hash] = entry.record
    cache.save({str(p) for p in sources.paths})
    return bulletins


def _parse_chunk(paths: list[str], source: Path, config: Config, cache: ParseCache) -> list[bytes]:
    """Parse a batch (in a worker); their bodies go to one new pack file (one
    file per bulletin would cost more in file creation than in parsing)."""
    md = make_parser()
    parsed = [_parse_one(Path(p), source, config, cache, md) for p in paths]
    blob = bytearray()
    results = []
    name = _pack_name(parsed)
    for entry, found, body in parsed:
        if entry is not None:
            entry = dataclasses.replace(entry, pack=name, offset=len(blob), length=len(body))
            blob += body
        # Pickled by the store's pickler: Bulletin.lines is a mappingproxy.
        results.append(store.dumps((entry, found)))
    if blob:
        try:
            store.write_bytes(cache.packs / name, bytes(blob))
        except OSError:
            pass  # unreadable later -> BodyRef parses the source again
    return results


def _pack_name(parsed: list[tuple]) -> str:
    return store.digest(*(e.hash.encode() for e, _, _ in parsed if e is not None)) + f"-{os.getpid()}"


def _parse_one(path: Path, source: Path, config: Config, cache: ParseCache, md) -> tuple:
    """Parse one file: (entry or None, its problems as records, its body blob)."""
    problems = Problems()
    try:
        st = os.stat(path)
        key = bulletin_stat(path, store.stat_key(st))  # before reading, like the file's own
        data = read_regular(path, MAX_BULLETIN_BYTES)  # never a FIFO or device (load_bulletin says why)
    except (OSError, BriefsiteError):
        st, key, data = None, None, b""
    bulletin = loader.load_bulletin(path, source, config, problems, md)
    found = tuple(p.record() for p in problems.items)
    if bulletin is None or st is None or problems.errors:
        return None, found, b""  # not cached: parsed again until fixed
    media_parts = [repr((bulletin.figures, bulletin.original)).encode()] if bulletin.figures or bulletin.original else []
    file_hash = store.digest(cache.key.encode(), str(path).encode(), data, *media_parts)
    stored = light(bulletin)
    object.__setattr__(stored, "digest", file_hash)
    # The stat is taken before reading: if the file changes meanwhile, the
    # next build sees a different stat and parses it again.
    entry = Entry(key, file_hash, stored, found, record=record_json(bulletin, config))
    return entry, found, store.dumps((bulletin.body_html, bulletin.text, bulletin.toc))


def _interned(entry: Entry, shared: dict) -> Entry:
    """Share what repeats across a series (title, issuer, city, the 版记's
    recipients, the front-matter's line numbers) so the index in memory and
    on disk holds each once (recipients and line map were ~2.4 KB of a
    bulletin's ~7 KB). ``shared``: the values seen so far, by value."""
    b = entry.bulletin
    for name in ("title", "issuer", "city", "city_slug"):
        object.__setattr__(b, name, sys.intern(getattr(b, name)))
    object.__setattr__(b, "recipients", shared.setdefault(("recipients", b.recipients), b.recipients))
    lines = b.lines
    object.__setattr__(b, "lines", shared.setdefault(("lines", tuple(lines.items())), lines))
    return entry
