"""The parse cache: each bulletin file's parse result, kept between builds.

Each file's result is stored under the hash of its path and bytes, in a
folder named after the hash of briefsite's own code, the configuration and
the message language with its catalogue (``ParseCache.key``): an edit, an
upgrade or a config change can never be served a stale parse, nor a warning
in another language. An index maps each file's stat (size, mtime, inode) to
its hash, so an unchanged archive is not even read. The masthead facts of
every bulletin and its record in bulletins.json sit in that index (split per
folder and bucket of names); the bodies (HTML, plain text and headings, most
of the bytes) sit in pack files and are read only when a page needs them
(``Bulletin.with_lazy_body``). Files are written through store.py:
checksummed and atomic, so a damaged cache costs time, never a wrong site.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import i18n
from ..content import loader
from ..content.config import Config
from ..content.model import Bulletin
from ..errors import BriefsiteError, Problems
from ..i18n import _
from . import store
from .plan import code_key, config_key
from .store import digest

_BUCKETS = 16  # index parts per source folder


@dataclass(frozen=True)
class Entry:
    """One parsed file as the index keeps it."""

    stat: tuple  # load.bulletin_stat: the file's and those of its photos
    hash: str  # of path and bytes (and of its photos and original)
    bulletin: Bulletin  # without body_html, text and toc (those are in the pack)
    warnings: tuple[tuple, ...] = ()
    pack: str = ""  # file name of the pack holding the body
    offset: int = 0
    length: int = 0
    record: bytes = b""  # its record in bulletins.json (export.record_json), made when parsed


@dataclass(frozen=True, slots=True)
class BodyRef:
    """Loads a bulletin's body from its cache file; re-parses the source if
    that file is gone or damaged, so a broken cache costs time, not truth.

    One per bulletin in memory for the whole build: slotted, and its pack's
    path and the source folder are strings shared by every bulletin that
    names them (~2 KB a bulletin before, ~0.3 KB now)."""

    file: str  # a pack file holding the bodies of one batch of parsed files
    offset: int
    length: int
    source_file: str
    source_root: str
    config: Config

    def __reduce__(self):
        # Made again by its constructor: the default for a frozen slotted
        # dataclass runs dataclasses' __setstate__, which looks up the
        # fields for every one of them (~0.1 s of reading 10,000 entries).
        return (BodyRef, (self.file, self.offset, self.length, self.source_file, self.source_root, self.config))

    def __call__(self) -> tuple[str, str, tuple]:
        body = store.read_at(Path(self.file), self.offset, self.length)
        if isinstance(body, tuple) and len(body) == 3:
            return body
        fresh = loader.load_bulletin(Path(self.source_file), Path(self.source_root), self.config, Problems())
        if fresh is None:  # the file changed into something invalid during the build
            raise BriefsiteError(self.source_file, 0, _("the bulletin changed during the build"),
                                 hint=_("build again"))
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
        # Warnings are kept as text in the chosen language: each language
        # (and each version of its catalogue) has its own cache.
        key = digest(code_key().encode(), config_key(config).encode(), i18n.catalogue_key().encode())
        return cls(root, config, key)

    def _loaded(self) -> dict[str, Entry]:
        """The index, read on first use (a build with nothing to do never needs it)."""
        if self.entries is None:
            self.entries = {}
            try:
                names = sorted(os.listdir(self.index))
            except OSError:
                names = []
            with store.gc_paused():
                for name in names:
                    part = store.read(self.index / name)
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
        ref = BodyRef(sys.intern(str(self.packs / entry.pack)), entry.offset, entry.length,
                      entry.bulletin.source, sys.intern(str(source)), self.config)
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
                store.write(self.index / name, part)
            else:
                store.remove(self.index / name)
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
