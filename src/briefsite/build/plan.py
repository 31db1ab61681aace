"""The incremental machinery, in one place: what each output depends on, and
which outputs are unchanged since the last build of the same folder.

- **Keys.** ``render_key``: briefsite's code, the configuration, the theme
  and the options; every fingerprint includes it, so an upgrade or a config
  change rebuilds every page. ``inputs_key``: that plus the stat of every
  source file; equal to the last build's means there is nothing to do.
- **Fingerprints.** Per output, a hash of everything its template can read
  (``fingerprint``: the content hashes of the bulletins it shows, plus the
  render key), so a page whose inputs did not change is neither rendered nor
  written.
- **The record** (``OutputState``) of the last build of an output folder,
  kept in the build cache: every output's fingerprint or content hash, what
  the spare folder lacks (see output.py), counts and warnings.

``OutputPlan`` ties them together for one build; the pipeline consults it and
never handles a fingerprint or a record itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from .. import __version__, i18n
from ..content.config import Config
from ..content.model import Bulletin
from ..errors import BriefsiteError
from ..pages.outputs import Output
from ..pages.render import Page, read_theme_file, template_folders, theme_files
from . import output, store
from .store import digest
from .verify import file_stat, new_build_id, stamp, tree_stats, verify


def code_key() -> str:
    """Changes whenever briefsite's own code does (an upgrade or a local edit)."""
    package = Path(__file__).resolve().parents[1]
    parts = [__version__.encode(), sys.version.encode()]
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix().encode(), path.read_bytes()]
    return digest(*parts)


def config_key(config: Config) -> str:
    return digest(repr(config).encode())


def templates_key(folders: Iterable[Path]) -> str:
    """Every template and asset file, by relative path and bytes."""
    parts: list[bytes] = []
    for folder in folders:
        parts.append(str(folder).encode())
        if folder.is_dir():
            for rel, path in theme_files(folder):  # the theme's rules: no links out, bounded reads
                parts += [rel.encode(), read_theme_file(path)]
    return digest(*parts)


def render_key(config: Config) -> str:
    """Everything every output depends on besides the bulletins."""
    return digest(code_key().encode(), config_key(config).encode(),
                  templates_key(template_folders(config)).encode(),
                  os.environ.get("SOURCE_DATE_EPOCH", "").encode(),
                  i18n.site_catalogue_key(config.language).encode())  # the site's words (a corrected translation)


def source_stats(paths: Iterable[Path]) -> list[tuple | None]:
    """Each file's ``stat_key`` (None: gone), taken once per build: the
    no-change check and the cache lookup both use them."""
    stats: list[tuple | None] = []
    for path in paths:
        try:
            stats.append(store.stat_key(os.stat(path)))
        except OSError:
            stats.append(None)
    return stats


def inputs_key(paths: list[Path], *parts: str, stats: list[tuple | None] | None = None) -> str:
    """What a no-change rebuild compares: the stat of every source file and ``parts``."""
    stats = source_stats(paths) if stats is None else stats
    # Two joined texts, not one string per file: ~3 ms instead of ~10 at 10,000.
    return digest(*(part.encode() for part in parts), "\0".join(map(str, paths)).encode(),
                  repr(stats).encode())


# -- fingerprints ---------------------------------------------------------------

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
        if last is not None and last[0] == render_key and same_page(last[1], page):
            return last[2]
    key = _page_fingerprint(render_key, page, memo)
    if known is not None:
        if key:
            known[page.path] = (render_key, page, key)
        else:
            known.pop(page.path, None)
    return key


def same_page(old: Any, new: Any) -> bool:
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


# -- the record of the last build -------------------------------------------------

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
    warnings: tuple[tuple, ...] = ()  # BriefsiteError.record()s
    search_pages: int = -1  # pages in the site's search index; -1: none or unknown
    build_id: str = ""  # stamped on the folder by the build (verify.stamp); '' where it cannot be
    stats: dict[str, tuple] = field(default_factory=dict)  # every live file's verify.file_stats
    # Every live folder's verify.dir_stat, and the spare's: a folder whose stat
    # is unchanged holds the same entries, so neither is listed (verify.py).
    dirs: dict[str, tuple] = field(default_factory=dict)
    spare_dirs: dict[str, tuple] = field(default_factory=dict)


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
    state = store.read(path)
    state = state if isinstance(state, OutputState) else None
    if known is not None and state is not None:
        known[str(path)] = (stamp, state)
    return state


def save_output_state(root: Path, out: Path, state: OutputState, known: dict | None = None) -> None:
    path = output_state_file(root, out)
    store.write(path, state)
    if known is not None:
        known.pop(str(path), None)
        try:
            st = os.stat(path)
            known[str(path)] = ((st.st_ino, st.st_mtime_ns, st.st_size), state)
        except OSError:
            pass


def forget_output_state(root: Path, out: Path) -> None:
    store.remove(output_state_file(root, out))


def current_state(root: Path, out: Path, known: dict | None = None) -> OutputState | None:
    """The record of the build that made ``out``, if it is still the live site."""
    state = load_output_state(root, out, known)
    if (state is None or not hasattr(state, "stats")  # (a record of an older version)
            or not out.is_dir() or state.out_ino != output.inode(out)):
        return None  # another build (or a person) replaced the folder: the record says nothing
    return state


# -- one build's plan ---------------------------------------------------------------

@dataclass(frozen=True)
class Planned:
    """An output and whether the live site already holds it."""

    output: Output
    unchanged: bool


@dataclass
class OutputPlan:
    """This build's outputs measured against the last build of ``out``.

    Without a cache folder (``root`` None) there is no record: every output
    is rendered, and only files whose bytes differ are written.
    """

    out: Path
    root: Path | None
    render_key: str
    search: bool = True  # whether the site has a search index (--no-search: not)
    parse_key: str = ""  # the parse cache's key (code and config)
    inputs: str = ""  # inputs_key of this build ("" without a record)
    known: dict | None = None  # records kept in memory between builds (ParseCache.outputs)
    known_pages: dict | None = None  # page fingerprints kept so (ParseCache.pages), for serve
    state: OutputState | None = None  # the last build's record, while it describes the live site
    # Live files the record cannot vouch for (missing, changed, unknown: see
    # verify.py); they are rendered again or removed, never kept.
    doubt: frozenset[str] = frozenset()
    forgotten: bool = False  # the record was voided (the swap could happen)
    live_dirs: dict | None = None  # the live folders' stats as refresh verified them
    files: dict[str, str] = field(default_factory=dict)  # this build's: path -> fingerprint or hash
    memo: dict = field(default_factory=dict, repr=False)  # fingerprints of shared lists, per build

    def refresh(self) -> "OutputPlan":
        """Read the record again (under the build lock: another build may have run)."""
        state = current_state(self.root, self.out, self.known) if self.root is not None else None
        self.doubt = frozenset()
        if state is not None:
            # Trusted only as far as the live folder still matches the record.
            verdict = verify(self.out, state.build_id, state.stats, getattr(state, "dirs", None))
            if not verdict.trusted:
                state = None  # not the folder it describes: every page compared byte for byte
            else:
                self.doubt = verdict.damaged | verdict.extra
        self.state = state
        self.live_dirs = verdict.dirs if state is not None else None
        return self

    def nothing_changed(self, paths: list[Path], stats: list[tuple | None], *, strict: bool) -> bool:
        """Whether the live site is exactly what this build would make from
        the source files ``paths`` (with their ``stats``): the same files,
        code, config, templates and options as the last build's, and the
        live folder as the last build left it."""
        if self.root is None:
            return False  # no record to compare with
        self.inputs = inputs_key(paths, self.render_key, self.parse_key, f"search={self.search}", stats=stats)
        # The record first: when the inputs differ the build goes on, and
        # verifies the live folder under the lock (refresh) anyway; walking
        # it here too cost a tenth of a one-edit rebuild.
        state = current_state(self.root, self.out, self.known)
        if state is None or state.inputs != self.inputs or (strict and state.warnings):
            return False
        state = self.refresh().state
        if state is None or self.doubt:
            return False
        if not self.search:
            return True
        from .search import BUNDLE  # here: a build without search never imports the indexer (asyncio...)

        return (self.out / BUNDLE).is_dir()

    @property
    def spare_changes(self) -> frozenset[str] | None:
        """Paths in which the spare folder differs from the live site, when
        the spare is the last build's; None: do not trust it."""
        state = self.state
        if (state is not None and not self.doubt
                and state.spare_ino == output.inode(output.spare_folder(self.out))):
            return state.changed
        return None

    @property
    def spare_dirs(self) -> dict[str, tuple] | None:
        """The spare folder's folders as recorded, when the spare is trusted."""
        return getattr(self.state, "spare_dirs", None) if self.spare_changes is not None else None

    @property
    def live_files(self) -> set[str] | None:
        """The live site's files as recorded, and those it does not know of;
        None: unknown (walk the folder)."""
        if self.state is None:
            return None
        return set(self.state.files) | self.doubt

    @property
    def marker_doubted(self) -> bool:
        return output.MARKER in self.doubt

    def consult(self, outputs: Iterable[Output]) -> Iterator[Planned]:
        """Each output, marked unchanged when its fingerprint is the last build's."""
        previous = self.state.files if self.state is not None else {}
        doubt = self.doubt
        use_record = self.root is not None
        for item in outputs:
            key = self.fingerprint(item) if use_record and item.inputs is not None else ""
            if key:
                self.files[item.path] = key
            yield Planned(item, bool(key) and previous.get(item.path) == key and item.path not in doubt)

    def fingerprint(self, item: Output) -> str:
        if isinstance(item.inputs, Page):
            return page_fingerprint(self.render_key, item.inputs, self.memo, self.known_pages)
        return fingerprint((self.render_key, item.inputs), self.memo)

    def made(self, path: str, data: bytes) -> None:
        """An output rendered; one without a fingerprint is known by its content hash."""
        if path not in self.files:  # (hashed only to be recorded)
            self.files[path] = "h:" + digest(data) if self.root is not None else ""

    def made_stream(self, path: str, content: str) -> None:
        """An output made piece by piece, whose bytes hash to ``content``."""
        if path not in self.files:
            self.files[path] = "s:" + content if self.root is not None else ""

    def forget(self) -> None:
        """Void the record: once the swap can happen it no longer describes the live site."""
        if self.root is not None:
            forget_output_state(self.root, self.out)
            self.forgotten = True

    def restat(self) -> None:
        """After a build that failed before the swap: the live folder is as
        verified, but staging linked its files (so their ctime moved); record
        their stats again, so the next build still trusts what it may."""
        if self.root is None or self.state is None or self.forgotten or self.doubt:
            return
        stats, dirs = tree_stats(self.out)
        save_output_state(self.root, self.out, dataclasses.replace(self.state, stats=stats, dirs=dirs,
                                                                   spare_dirs={}), self.known)

    def save(self, *, committed: bool, changed: Iterable[str], counts: tuple[int, int, int, int],
             warnings: Iterable[BriefsiteError], search_pages: int,
             touched: Iterable[str] = (), folders: dict[str, tuple] | None = None) -> None:
        """Record this build for the next one. ``touched``: the paths the
        swapped-in site changed (``Update.touched``); ``folders``: its
        folders' stats (``Update.folder_stats``), None if unknown."""
        if self.root is None:
            return
        state = self.state
        old_dirs = getattr(state, "spare_dirs", None) or {}
        if committed:
            changed, spare_ino = frozenset(changed), output.inode(output.spare_folder(self.out))
            # The folder swapped out is the next spare: the live one as verified.
            spare_dirs = self.live_dirs or {}
        else:
            changed = state.changed if state else frozenset()
            spare_ino = state.spare_ino if state else -1
            spare_dirs, folders = old_dirs, self.live_dirs
        # The folder is verified now: a new id on it, every file's stat as it is.
        build_id = stamp(self.out, new_build_id())
        if state is not None and folders is not None:
            # Every file this build did not touch is the live file it verified,
            # its stat unchanged (a staged file sharing its inode moved no
            # ctime): only the touched ones are stat-ed again, not the site.
            stats = dict(state.stats)
            for path in set(touched) | self.doubt | {output.MARKER}:
                try:
                    stats[path] = file_stat(os.lstat(self.out / path))
                except OSError:
                    stats.pop(path, None)
            dirs = folders
        else:
            stats, dirs = tree_stats(self.out)
        save_output_state(self.root, self.out, OutputState(
            output.inode(self.out), spare_ino, self.files, changed, self.inputs, counts,
            tuple(p.record() for p in warnings), search_pages, build_id, stats, dirs, spare_dirs), self.known)
