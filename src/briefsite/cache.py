"""The build cache, ``.briefsite-cache/`` beside the source folder.

It makes a rebuild cost what changed, not what exists:

- **Parsed bulletins.** Each file's parse result is stored under the hash of
  its path and bytes, in a folder named after the hash of briefsite's own code
  and the configuration (``parse_key``): an edit, an upgrade or a config
  change can never be served a stale parse. An index maps each file's stat
  (size, mtime, inode) to its hash, so an unchanged archive is not even read.
  The masthead facts of every bulletin and its record in bulletins.json sit
  in that index (split per folder and bucket of names); the bodies (HTML,
  plain text and headings, most of the bytes) sit in pack files and are read
  only when a page needs them (``Bulletin.with_lazy_body``).
- **Outputs.** Per output folder, the fingerprint of every page's inputs
  (``fingerprint``: the content hashes of the bulletins it shows, plus the
  templates, config and code) and the hash of every other file, so a page
  whose inputs did not change is neither rendered nor written.

Every file is written atomically (temp + rename) and carries a checksum of
its contents; one that is missing, truncated, corrupted or from another
version is ignored and rebuilt, so the cache can never make a wrong site,
and deleting the folder is always safe. It is never inside the output folder.
The cache holds Python pickles: like a virtualenv, it must not be writable by
anyone you would not let run code in your builds.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import os
import signal
import pickle
import sys
import tempfile
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import __version__
from .config import Config
from .model import Bulletin

CACHE_DIRNAME = ".briefsite-cache"
FORMAT = b"briefsite-cache 1\n"
_SUM = 16  # bytes of the blake2b checksum after the format line
_BUCKETS = 16  # index parts per source folder


def default_cache_dir(source: Path) -> Path:
    """Beside the source folder (the project root), which is never published."""
    return source.resolve().parent / CACHE_DIRNAME


def digest(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def code_key() -> str:
    """Changes whenever briefsite's own code does (an upgrade or a local edit)."""
    package = Path(__file__).resolve().parent
    parts = [__version__.encode(), sys.version.encode()]
    for path in sorted(package.glob("*.py")):
        parts += [path.name.encode(), path.read_bytes()]
    return digest(*parts)


def config_key(config: Config) -> str:
    return digest(repr(config).encode())


def templates_key(folders: Iterable[Path]) -> str:
    """Every template and asset file, by relative path and bytes."""
    from .render import read_theme_file, theme_files

    parts: list[bytes] = []
    for folder in folders:
        parts.append(str(folder).encode())
        if folder.is_dir():
            for rel, path in theme_files(folder):  # the theme's rules: no links out, bounded reads
                parts += [rel.encode(), read_theme_file(path)]
    return digest(*parts)


# -- checksummed pickles ------------------------------------------------------

def _mappingproxy(data: dict) -> types.MappingProxyType:
    return types.MappingProxyType(data)


_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH[types.MappingProxyType] = lambda m: (_mappingproxy, (dict(m),))


def seal(data: bytes) -> bytes:
    """``data`` behind the format line and its checksum, as every cache file holds it."""
    return FORMAT + hashlib.blake2b(data, digest_size=_SUM).digest() + data


def unseal(blob: bytes) -> bytes | None:
    """The data of a sealed blob; None when it is not intact (any byte
    changed, truncated, another format)."""
    head = len(FORMAT)
    if len(blob) < head + _SUM or not blob.startswith(FORMAT):
        return None
    data = blob[head + _SUM:]
    if hashlib.blake2b(data, digest_size=_SUM).digest() != blob[head:head + _SUM]:
        return None
    return data


def dumps(obj: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(obj)
    return seal(buffer.getvalue())


def loads(blob: bytes) -> Any:
    """The object, or None when the blob is not an intact cache file."""
    data = unseal(blob)
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # a checksum collision is unlikely, but never a traceback
        return None


def write(path: Path, obj: Any) -> None:
    """Atomically; a cache that cannot be written only makes the next build slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(dumps(obj))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def read(path: Path) -> Any:
    try:
        return loads(path.read_bytes())
    except OSError:
        return None


# -- parsed bulletins ---------------------------------------------------------

def stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    """What must match for a file to count as unchanged without reading it."""
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


@dataclass(frozen=True)
class Entry:
    """One parsed file as the index keeps it."""

    stat: tuple[int, int, int, int]
    hash: str  # of path and bytes
    bulletin: Bulletin  # without body_html, text and toc (those are in the pack)
    warnings: tuple[tuple, ...] = ()
    pack: str = ""  # file name of the pack holding the body
    offset: int = 0
    length: int = 0
    record: bytes = b""  # its record in bulletins.json (export.record_json), made when parsed


@dataclass(frozen=True)
class BodyRef:
    """Loads a bulletin's body from its cache file; re-parses the source if
    that file is gone or damaged, so a broken cache costs time, not truth."""

    file: str  # a pack file holding the bodies of one batch of parsed files
    offset: int
    length: int
    source_file: str
    source_root: str
    config: Config

    def __call__(self) -> tuple[str, str, tuple]:
        body = None
        try:
            with open(self.file, "rb") as handle:
                handle.seek(self.offset)
                body = loads(handle.read(self.length))
        except OSError:
            pass
        if isinstance(body, tuple) and len(body) == 3:
            return body
        from .errors import Problems
        from .loader import load_bulletin

        fresh = load_bulletin(Path(self.source_file), Path(self.source_root), self.config, Problems())
        if fresh is None:  # the file changed into something invalid during the build
            raise RuntimeError(f"{self.source_file} changed during the build; build again")
        return fresh.body_html, fresh.text, fresh.toc


@dataclass
class ParseCache:
    """Parse results for one (code, config) pair."""

    root: Path
    config: Config
    key: str
    entries: dict[str, Entry] | None = None  # by source path as shown; None: not read yet
    dirty: set[str] = field(default_factory=set)  # index parts to write
    # The last load's bulletins.json records by bulletin content hash.
    records: dict[str, bytes] = field(default_factory=dict, repr=False)
    _shards: dict[str, str] = field(default_factory=dict, repr=False)  # shard() of each path
    outputs: dict = field(default_factory=dict, repr=False)  # load_output_state's ``known``
    pages: dict = field(default_factory=dict, repr=False)  # page_fingerprint's ``known``

    @classmethod
    def open(cls, root: Path, config: Config) -> "ParseCache":
        key = digest(code_key().encode(), config_key(config).encode())
        return cls(root, config, key)

    def _loaded(self) -> dict[str, Entry]:
        """The index, read on first use (a build with nothing to do never needs it)."""
        if self.entries is None:
            self.entries = {}
            try:
                names = sorted(os.listdir(self.index))
            except OSError:
                names = []
            for name in names:
                part = read(self.index / name)
                if isinstance(part, dict):  # a damaged part: its files are parsed again
                    self.entries.update(part)
        return self.entries

    @property
    def folder(self) -> Path:
        return self.root / "parsed" / self.key

    @property
    def index(self) -> Path:
        return self.folder / "index"

    def shard(self, shown: str) -> str:
        """The index is split by source folder (a city) and, within it, into
        ``_BUCKETS`` parts by file name, so an edit rewrites ~1/16 of a city's
        records (rewriting the whole city's cost ~40 ms per edit at 10,000)."""
        name = self._shards.get(shown)
        if name is None:
            folder, base = os.path.split(shown)
            bucket = hashlib.blake2b(base.encode(), digest_size=1).digest()[0] % _BUCKETS
            name = self._shards[shown] = f"{digest(folder.encode())}-{bucket:02d}"
        return name

    @property
    def packs(self) -> Path:
        return self.folder / "bodies"

    def record(self, bulletin: Bulletin) -> bytes | None:
        """The bulletin's ``export.record_json``, made when it was parsed (None: unknown)."""
        return self.records.get(bulletin.__dict__.get("digest") or "")

    def lookup(self, shown: str, stat: tuple | None) -> Entry | None:
        """The entry of a file whose ``stat_key`` is ``stat``, if it is unchanged."""
        entry = self._loaded().get(shown)
        if entry is not None and stat is not None and entry.stat == stat and isinstance(entry, Entry):
            return entry
        return None

    def lazy(self, entry: Entry, source: Path) -> Entry:
        """The entry with a bulletin that reads its body from the pack when asked.
        Made once, when the file is parsed, and kept so in the index."""
        ref = BodyRef(str(self.packs / entry.pack), entry.offset, entry.length,
                      entry.bulletin.source, str(source), self.config)
        return dataclasses.replace(entry, bulletin=entry.bulletin.with_lazy_body(ref))

    def remember(self, shown: str, entry: Entry) -> None:
        self._loaded()[shown] = entry
        self.dirty.add(self.shard(shown))

    def save(self, present: set[str]) -> None:
        """Write the index, forgetting files that no longer exist and packs
        that no entry uses any more."""
        for gone in set(self._loaded()) - present:
            del self.entries[gone]
            self.dirty.add(self.shard(gone))
        if not self.dirty:
            return
        parts: dict[str, dict[str, Entry]] = {name: {} for name in self.dirty}
        for shown, entry in self.entries.items():
            part = parts.get(self.shard(shown))
            if part is not None:
                part[shown] = entry
        for name, part in parts.items():
            if part:
                write(self.index / name, part)
            else:
                try:
                    os.unlink(self.index / name)
                except OSError:
                    pass
        self.dirty = set()
        used = {entry.pack for entry in self.entries.values()}
        try:
            for pack in os.listdir(self.packs):
                if pack not in used:
                    os.unlink(self.packs / pack)
        except OSError:
            pass


def light(bulletin: Bulletin) -> Bulletin:
    """The bulletin without its body, as the index stores it."""
    return dataclasses.replace(bulletin, body_html="", text="", toc=())


# -- outputs ------------------------------------------------------------------

def fingerprint(value: Any, memo: dict[int, tuple] | None = None) -> str:
    """A hash of everything a template can read from ``value``.

    Bulletins count by their content hash (``Bulletin.digest``), which covers
    every field; other dataclasses, mappings and sequences by their parts.
    An object it cannot see into makes the page always rebuilt (None), never
    wrongly reused.
    """
    h = hashlib.blake2b(digest_size=16)
    try:
        _feed(h, value, {} if memo is None else memo)
    except _Opaque:
        return ""
    return h.hexdigest()


def page_fingerprint(render_key: str, page: Any, memo: dict[int, tuple] | None = None,
                     known: dict[str, tuple] | None = None) -> str:
    """``fingerprint((render_key, page))`` in another, quicker form for a page
    whose fields and context hold only plain values, bulletins and small
    records of plain values (every bulletin's page: the bulletin, its
    neighbours, its CityRef). Rebuilds compute it for every page, and the
    general walk cost ~0.2 s at 10,000 bulletins. Other pages take the
    general walk; the prefix keeps the two kinds apart.

    ``known`` (kept between builds by briefsite serve, as ``ParseCache.pages``)
    remembers each page's inputs and fingerprint: a page showing the very same
    bulletin objects (immutable, so the same content hash) and equal plain
    values as last time has the same fingerprint, found without hashing.
    """
    if known is not None:
        last = known.get(page.path)
        if last is not None and last[0] == render_key and _same_page(last[1], page):
            return last[2]
    key = _page_fingerprint(render_key, page, memo)
    if known is not None:
        if key:
            known[page.path] = (render_key, page, key)
        else:
            known.pop(page.path, None)
    return key


def _same_page(old: Any, new: Any) -> bool:
    """Whether two pages show the same things: equal fields, and contexts whose
    values are the very same objects or equal plain values of the same type."""
    if type(old) is not type(new):
        return False
    for name in _field_names(type(new)):
        a, b = getattr(old, name), getattr(new, name)
        if type(b) is dict:
            if type(a) is not dict or len(a) != len(b):
                return False
            for k, v in b.items():
                w = a.get(k, _MISSING)
                if w is not v and not _same_value(w, v):
                    return False
        elif a is not b and not _same_value(a, b):
            return False
    return True


_MISSING = object()


def _same_value(a: Any, b: Any) -> bool:
    """Equal plain values of one type, or equal records of such (a CityRef)."""
    kind = type(b)
    if type(a) is not kind:
        return False
    if kind in _PLAIN:
        return a == b and (kind is not float or repr(a) == repr(b))  # 0.0 == -0.0
    if kind is not Bulletin and dataclasses.is_dataclass(kind):
        for name in _field_names(kind):
            x, y = getattr(a, name), getattr(b, name)
            if type(x) is not type(y) or type(y) not in _PLAIN or type(y) is float or x != y:
                return False
        return True
    return False


def _page_fingerprint(render_key: str, page: Any, memo: dict[int, tuple] | None) -> str:
    parts = [render_key, type(page).__qualname__]
    try:
        for name in _field_names(type(page)):
            value = getattr(page, name)
            if type(value) is dict:
                if not all(type(key) is str for key in value):
                    return fingerprint((render_key, page), memo)
                for key in sorted(value):
                    token = _flat(value[key])
                    if token is None:
                        return fingerprint((render_key, page), memo)
                    parts += (name, repr(key), token)
            else:
                token = _flat(value)
                if token is None:
                    return fingerprint((render_key, page), memo)
                parts += (name, token)
    except _Opaque:
        return ""  # a bulletin without a content hash: never reuse the page
    # Every part but the first two is a name or a repr, which holds no raw \x1f.
    return "q:" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


_PLAIN = frozenset((str, int, float, bool, dt.date, type(None)))


def _flat(value: Any) -> str | None:
    """A plain value, a bulletin or a record of plain values as one token; None otherwise."""
    kind = type(value)
    if kind is Bulletin:
        content = value.__dict__.get("digest")
        if not content:
            raise _Opaque
        return "B" + content
    if kind in _PLAIN:
        return f"{kind.__name__}:{value!r}"
    if dataclasses.is_dataclass(kind):
        inner = [kind.__qualname__]
        for name in _field_names(kind):
            item = getattr(value, name)
            if type(item) not in _PLAIN:
                return None
            inner.append(f"{name}={type(item).__name__}:{item!r}")
        return "(" + ",".join(inner) + ")"
    return None


_MEMO_MIN = 32


class _Opaque(Exception):
    pass


def _feed(h, value: Any, memo: dict[int, tuple]) -> None:
    if value is None or isinstance(value, (str, int, float, bool, dt.date)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
        return
    if isinstance(value, Bulletin):
        content = value.__dict__.get("digest") or ""
        if not content:
            raise _Opaque  # no content hash: never reuse a page showing it
        h.update(b"B" + content.encode())
        return
    if isinstance(value, (list, tuple)):
        key = id(value)
        cached = memo.get(key, (None,))[0]
        if cached is None:
            inner = hashlib.blake2b(digest_size=16)
            inner.update(f"{type(value).__name__}[".encode())
            hashes = _bulletin_hashes(value)
            if hashes:  # the same bytes as the loop below gives, without a call per item
                inner.update(("B" + "B".join(hashes)).encode())
            else:
                for item in value:
                    _feed(inner, item, memo)
            cached = inner.digest()
            # Memoized: the big immutable lists that many pages show (a city's
            # or a year's bulletins, a month's), held so their id cannot be
            # reused. Not every small tuple: that would keep every page alive
            # to the end.
            if isinstance(value, tuple) and (len(value) >= _MEMO_MIN or hashes):
                memo[key] = (cached, value)
        h.update(cached)
        return
    if isinstance(value, (dict, types.MappingProxyType)):
        h.update(b"{")
        for k in sorted(value, key=repr):
            _feed(h, k, memo)
            _feed(h, value[k], memo)
        h.update(b"}")
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        token = _flat(value)  # a record of plain values (a timeline's bars): one token
        if token is not None:
            h.update(token.encode())
            return
        h.update(type(value).__qualname__.encode() + b"(")
        for name in _field_names(type(value)):
            h.update(name.encode())
            _feed(h, getattr(value, name), memo)
        h.update(b")")
        return
    raise _Opaque


def _bulletin_hashes(items: list | tuple) -> list[str] | None:
    """The content hashes of a list made only of hashed bulletins (a city's,
    a year's, the archive's); None for any other list."""
    if not all(type(item) is Bulletin for item in items):
        return None
    hashes = [item.__dict__.get("digest") for item in items]
    return hashes if all(hashes) else None


@functools.lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@dataclass
class OutputState:
    """What the last build of one output folder wrote, to skip it next time."""

    out_ino: int = -1  # the output folder's inode: another build replacing it voids this record
    spare_ino: int = -1  # the previous site kept beside it, reused as the next staging folder
    files: dict[str, str] = field(default_factory=dict)  # path -> fingerprint or content hash
    changed: frozenset[str] = frozenset()  # paths that differ between the live site and the spare
    # Digest of everything the site is made from (every source file's stat,
    # code, config, templates, options): equal next time means nothing to do.
    inputs: str = ""
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # bulletins, drafts, pages, files
    warnings: tuple[tuple, ...] = ()
    search_pages: int = -1  # pages in the site's search index; -1: none or unknown
    build_id: str = ""  # stamped on the folder (verify.stamp); '' where it cannot be
    stats: dict[str, tuple] = field(default_factory=dict)  # every file's verify.file_stats after the build


def source_stats(paths: Iterable[Path]) -> list[tuple | None]:
    """Each file's ``stat_key`` (None: gone), taken once per build: the
    no-change check and the cache lookup both use them."""
    stats: list[tuple | None] = []
    for path in paths:
        try:
            stats.append(stat_key(os.stat(path)))
        except OSError:
            stats.append(None)
    return stats


def inputs_key(paths: list[Path], *parts: str, stats: list[tuple | None] | None = None) -> str:
    """What a no-change rebuild compares: the stat of every source file and ``parts``."""
    stats = source_stats(paths) if stats is None else stats
    # Two joined texts, not one string per file: ~3 ms instead of ~10 at 10,000.
    return digest(*(part.encode() for part in parts), "\0".join(map(str, paths)).encode(),
                  repr(stats).encode())


def output_state_file(root: Path, out: Path) -> Path:
    return root / "outputs" / (digest(str(out.resolve()).encode()) + ".pickle")


def load_output_state(root: Path, out: Path, known: dict | None = None) -> OutputState | None:
    """The record; ``known`` (kept by the caller between calls, as
    ``ParseCache.outputs`` is in briefsite serve) spares reading it again
    while its file is the one last read or written (same inode, mtime, size)."""
    path = output_state_file(root, out)
    try:
        st = os.stat(path)
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        return None
    if known is not None and known.get(str(path), (None,))[0] == stamp:
        return known[str(path)][1]
    state = read(path)
    state = state if isinstance(state, OutputState) else None
    if known is not None and state is not None:
        known[str(path)] = (stamp, state)
    return state


def save_output_state(root: Path, out: Path, state: OutputState, known: dict | None = None) -> None:
    path = output_state_file(root, out)
    write(path, state)
    if known is not None:
        known.pop(str(path), None)
        try:
            st = os.stat(path)
            known[str(path)] = ((st.st_ino, st.st_mtime_ns, st.st_size), state)
        except OSError:
            pass


def forget_output_state(root: Path, out: Path) -> None:
    try:
        output_state_file(root, out).unlink()
    except OSError:
        pass


# -- loading through the cache --------------------------------------------------

def _problem_tuple(p) -> tuple:
    return (p.path, p.line, p.message, p.hint, p.severity)


def _parse_one(path: Path, source: Path, config: Config, cache: ParseCache, md) -> tuple:
    """Parse one file: (entry or None, its problems as tuples)."""
    from .errors import Problems
    from .loader import load_bulletin

    from .export import record_json

    from .errors import BriefsiteError
    from .files import MAX_BULLETIN_BYTES, read_regular

    problems = Problems()
    try:
        st = os.stat(path)
        data = read_regular(path, MAX_BULLETIN_BYTES)  # never a FIFO or device (load_bulletin says why)
    except (OSError, BriefsiteError):
        st, data = None, b""
    bulletin = load_bulletin(path, source, config, problems, md)
    found = tuple(_problem_tuple(p) for p in problems.items)
    if bulletin is None or st is None or problems.errors:
        return None, found, b""  # not cached: parsed again until fixed
    file_hash = digest(cache.key.encode(), str(path).encode(), data)
    stored = light(bulletin)
    object.__setattr__(stored, "digest", file_hash)
    # The stat is taken before reading: if the file changes meanwhile, the
    # next build sees a different stat and parses it again.
    entry = Entry(stat_key(st), file_hash, stored, found, record=record_json(bulletin, config))
    return entry, found, dumps((bulletin.body_html, bulletin.text, bulletin.toc))


def _parse_chunk(paths: list[str], source: Path, config: Config, cache: ParseCache) -> list[bytes]:
    """Parse a batch; their bodies go to one new pack file (one file per
    bulletin would cost more in file creation than in parsing)."""
    from .markup import make_parser

    md = make_parser()
    parsed = [_parse_one(Path(p), source, config, cache, md) for p in paths]
    blob = bytearray()
    results = []
    name = digest(*(e.hash.encode() for e, _, _ in parsed if e is not None)) + f"-{os.getpid()}"
    for entry, found, body in parsed:
        if entry is not None:
            entry = dataclasses.replace(entry, pack=name, offset=len(blob), length=len(body))
            blob += body
        # Pickled by our own pickler: Bulletin.lines is a mappingproxy.
        results.append(dumps((entry, found)))
    if blob:
        try:
            cache.packs.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=cache.packs)
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, cache.packs / name)
        except OSError:
            pass  # unreadable later -> BodyRef parses the source again
    return results


def load_cached(source: Path, config: Config, problems, cache: ParseCache, jobs: int = 1,
                discovered: tuple | None = None) -> list[Bulletin]:
    """Like ``loader.load_all``, through the cache: unchanged files are not read,
    changed ones are parsed by ``jobs`` processes. Bulletins come back in file
    order, with their bodies left in the cache until read. ``discovered``:
    (paths, their ``source_stats``, the Problems of ``discover``) when the
    caller has already listed the folder."""
    from .errors import BriefsiteError
    from .loader import discover, source_folder_ok

    if not source_folder_ok(source, problems):
        return []
    if discovered is None:
        paths = discover(source, problems)
        stats = source_stats(paths)
    else:
        paths, stats, found = discovered
        problems.extend(found)
    results: dict[str, tuple] = {}
    misses: list[str] = []
    for path, stat in zip(paths, stats):
        shown = str(path)
        entry = cache.lookup(shown, stat)
        if entry is None:
            misses.append(shown)
        else:
            results[shown] = (entry, entry.warnings)
    slim = ParseCache(cache.root, config, cache.key)  # what workers need, without the index
    for shown, blob in zip(misses, iter_chunks(_parse_chunk, misses, jobs, source, config, slim)):
        entry, found = result = loads(blob)
        results[shown] = result
        if entry is not None:
            entry = cache.lazy(_interned(entry), source)
            results[shown] = (entry, found)
            cache.remember(shown, entry)
    bulletins = []
    cache.records = {}
    for path in paths:
        entry, found = results[str(path)]
        for p_path, line, message, hint, severity in found:
            problems.items.append(BriefsiteError(p_path, line, message, hint=hint, severity=severity))
        if entry is not None:
            bulletins.append(entry.bulletin)
            if entry.record:
                cache.records[entry.hash] = entry.record
    cache.save({str(p) for p in paths})
    return bulletins


def iter_chunks(function, items: list, jobs: int, *args) -> Iterator:
    """``function(chunk, *args)`` over chunks of ``items``, results in order,
    as they come (never all of them in memory at once).

    With ``jobs`` > 1 and enough work, chunks run in forked worker processes
    (forked, so they start in milliseconds and share what is loaded); else here.
    """
    per_chunk = 64
    chunks = [items[i:i + per_chunk] for i in range(0, len(items), per_chunk)]
    if jobs <= 1 or len(chunks) < 2 or "fork" not in _start_methods():
        for chunk in chunks:
            yield from function(chunk, *args)
        return
    import multiprocessing

    # The function and its arguments reach the workers through fork (initargs
    # are inherited, not pickled); only the chunks and results are pickled.
    # Signals stay blocked while the workers are forked, so none can run the
    # parent's handlers in a child before _worker_init replaces them (a child
    # stuck in them made terminate() wait forever); pending ones then reach
    # the parent.
    stopping = {signal.SIGINT, signal.SIGTERM}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, stopping)
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_init,
                                                        initargs=(function, args, blocked))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    try:
        for part in pool.imap(_worker_call, chunks, chunksize=1):
            yield from part
        pool.close()  # let the workers exit on their own
    finally:
        pool.terminate()  # on Ctrl-C or an error: stop them now
        pool.join()


_WORK: list = []  # in a worker process only: (function, args) set by _worker_init


def _worker_init(function, args: tuple, mask: set) -> None:
    # The parent handles Ctrl-C and SIGTERM (it removes its staging folder);
    # a worker just stops, without the command line's handlers it inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    _WORK[:] = [function, args]


def _worker_call(chunk: list) -> list:
    function, args = _WORK
    return function(chunk, *args)


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def default_jobs() -> int:
    """One process per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _interned(entry: Entry) -> Entry:
    """Share the strings that repeat across a series (title, issuer, city...)
    so the index in memory and on disk holds each once."""
    b = entry.bulletin
    for name in ("title", "issuer", "city", "city_slug"):
        object.__setattr__(b, name, sys.intern(getattr(b, name)))
    return entry
