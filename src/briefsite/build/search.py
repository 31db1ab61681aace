"""Full-text search: exact substring search over a sharded Pagefind index.

What a reader expects of a search box over Chinese text is that it finds
every bulletin containing the string typed, and nothing else. A word index
cannot give that (Pagefind segments Chinese into words at indexing time and
with another segmenter at query time: upstream Pagefind/pagefind#1237,
#987). So every character is its own word here (``tokens``): a Han
character or an ASCII letter/digit stands for itself, anything else
(punctuation, symbols, other letters) becomes an escape word of its own, so
a phrase cannot match across a punctuation mark yet can be searched for.
Whitespace is dropped, so the line breaks of the source never break a match.
The search page turns every query term into a Pagefind *phrase* of such
words, which Pagefind matches by word positions: exactly the bulletins that
contain the term. docs/search.md has the options measured and their
recall and precision.

Pagefind receives one small generated HTML document per bulletin
(``record_html``): the body's text as words, its headlines with their ids (so
results can jump to an article), and the facts the result list shows as
metadata, city and year as filters and the date as a sort key. Nothing is
parsed back from the written pages.

The index is split into shards (``plan_shards``): a year's bulletins, cut
into runs of ``SHARD_SIZE`` in date order. Each shard is its own Pagefind
index in ``pagefind/<year>-<run>/`` (the newest in ``pagefind/`` itself),
which the search page merges in the browser (``mergeIndex``). The build
records a key per shard (a hash of everything it holds); a rebuild indexes
only the shards whose key changed and keeps the others' files as they are,
so one edit costs one shard, memory is bounded by the shard, and an
incremental build gives the clean build's bytes.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import html
import json
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from ..errors import BriefsiteError
from ..i18n import _
from ..content.model import Bulletin
from .workers import iter_chunks

BUNDLE = "pagefind"  # folder of the index and UI files, relative to the site root
# The index's language: "und" (undetermined), because its words are single
# characters, not words of a language. A language Pagefind segments (zh, ja,
# th) runs its segmenter over every one-character word, ~17x slower
# (measured: 48 ms against 2.7 ms per bulletin), and one with a stemmer would
# stem the escape words; the browser falls back to this only index.
LANGUAGE = "und"
# The filters the search page offers, by the names templates/assets/search.js asks for.
CITY_FILTER = "城市"
YEAR_FILTER = "年份"
SHARDS_FILE = "shards.json"  # in BUNDLE: the shard folders, newest first, for the search page
# Bulletins per shard: bounds the indexer's memory and the cost of one edit,
# which is Pagefind indexing the edited bulletin's whole shard (linear in its
# size); what an unfiltered query downloads grows with the number of shards.
SHARD_SIZE = 125
# Pagefind's word index is cut into chunks of about this many postings
# (Pagefind's default is 20,000), and a query fetches the chunk holding each
# of its words in each shard searched. With one word per character a shard's
# chunk of 20,000 postings holds dozens of characters, so most of what a query
# fetched was other characters' postings: 2,000 cuts what a query downloads
# 2-3 times even with shards of half the size, for twice the index files and
# more (smaller) requests. Pagefind reads it from the
# environment (PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE, pagefind/src/options.rs):
# a Pagefind that ignored it would only make bigger chunks, not other results.
# docs/search.md has both measurements.
INDEX_CHUNK_SIZE = 2000
# Shards indexed at once at most, whatever --jobs and the machine's cores:
# each worker runs a Pagefind process holding one shard's index (~110 MB at
# its peak, docs/search.md), so the search step stays within ~450 MB.
MAX_INDEXERS = 4
# Changes whenever what this module gives Pagefind changes: part of every
# shard's key, so an upgrade re-indexes everything.
FORMAT = f"briefsite-search-7 pagefind-1.5.2 shard-{SHARD_SIZE} chunk-{INDEX_CHUNK_SIZE}"
RUNTIME_KEY = f"{FORMAT} runtime"  # the build's key of Pagefind's runtime files
# Runtime files of Pagefind the search page loads from BUNDLE (one copy,
# shared by every shard: merged indexes use the primary's WebAssembly).
RUNTIME_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")
# Generous: indexing takes about a second per few hundred bulletins. It only
# guards against a Pagefind process that died without answering.
TIMEOUT = 900.0

# A character that is not a Han character (or another letter of a script
# without case, Unicode category Lo) or an ASCII letter or digit becomes an
# escape word: ESCAPE and the six hex digits of its code point written with
# the letters g-v, one run of ASCII letters that every segmenter (Pagefind's
# indexer, the browser's Intl.Segmenter) keeps whole. Such a word never equals
# the one-character word of a letter, so "zq" in a text is no escape.
# templates/assets/search.js has the same function.
ESCAPE = "zq"
_HEX_LETTERS = str.maketrans("0123456789abcdef", "ghijklmnopqrstuv")
# Full-width forms of ASCII (U+FF01-U+FF5E: ２０２４, ＰＭ２．５, the "，" of
# Chinese text) are searched as their ASCII characters, as NFKC folds them, so
# 2024 finds ２０２４ and the reverse. In the indexed text such a character is
# its ASCII word followed by WIDE: Pagefind drops the "~" from the word it
# indexes (so the word matches the ASCII one at the same position) but keeps
# it in the text it stores, from which the page shows the character as
# written. No other word ends in "~" ("~" itself is an escape word).
WIDE = "~"
_WIDE_FIRST, _WIDE_LAST, _WIDE_OFFSET = 0xFF01, 0xFF5E, 0xFEE0


def narrow(char: str) -> str:
    """The ASCII character a full-width form stands for (NFKC), else ``char``."""
    code = ord(char)
    return chr(code - _WIDE_OFFSET) if _WIDE_FIRST <= code <= _WIDE_LAST else char


def token(char: str, *, fold: bool = True) -> str:
    """The index word of one character; with ``fold`` as a query compares it
    (ASCII letters lower-cased, full-width forms as ASCII), without it as the
    indexed text keeps it (Pagefind lower-cases and drops WIDE itself)."""
    base = narrow(char)
    if base != char:
        return token(base, fold=fold) + ("" if fold else WIDE)
    if char.isascii():
        if char.isalnum():
            return char.lower() if fold else char
    elif unicodedata.category(char) == "Lo" and unicodedata.normalize("NFD", char) == char:
        # (Pagefind folds a character that decomposes, a kana with its
        # voicing mark or a compatibility ideograph, into its base; escaped,
        # it matches only itself.)
        return char
    return ESCAPE + f"{ord(char):06x}".translate(_HEX_LETTERS)


class _WordTable(dict):
    """A ``str.translate`` table from each character to its index word and a
    space (whitespace to nothing), filled as characters are met: indexing a
    shard turns ~600,000 characters into words, and one translate call per
    line does it in C (measured: 5 times faster than a call per character)."""

    def __init__(self, fold: bool) -> None:
        super().__init__()
        self.fold = fold

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = words = "" if char.isspace() else token(char, fold=self.fold) + " "
        return words


_FOLDED, _WRITTEN = _WordTable(True), _WordTable(False)


def words(text: str, *, fold: bool = True) -> str:
    """``tokens(text)`` joined by spaces, as Pagefind reads them."""
    return text.translate(_FOLDED if fold else _WRITTEN).rstrip(" ")


def tokens(text: str, *, fold: bool = True) -> list[str]:
    """The words Pagefind indexes for ``text``: one per non-space character."""
    return [w for w in words(text, fold=fold).split(" ") if w]


def searchable(text: str) -> str:
    """``text`` as search compares it: without whitespace, full-width forms
    of ASCII as ASCII, ASCII letters in lower case. A query matches a bulletin
    iff its searchable form occurs in the searchable form of the bulletin's
    text (``bulletin.text``)."""
    folded = (narrow(c) for c in text if not c.isspace())
    return "".join(c.lower() if c.isascii() else c for c in folded)


@dataclass(frozen=True)
class SearchIndex:
    """What indexing did, for the build summary."""

    pages: int
    seconds: float
    shards: int = 0  # shards indexed by this build (the others were kept)


@dataclass(frozen=True)
class Shard:
    """Bulletins indexed together, and the folder their index goes into."""

    name: str  # e.g. "2024-00": year and run within the year
    bulletins: tuple[Bulletin, ...]  # oldest first
    key: str  # hash of everything the shard's index is made from

    @property
    def folder(self) -> str:
        # Named by place, not content: the key comes from the build cache's
        # hashes when there is one, and a build without cache must give the
        # same bytes. Files in it are named by content (Pagefind's hashes);
        # the page fetches pagefind-entry.json fresh every time.
        return f"{BUNDLE}/{self.name}"


def plan_shards(bulletins: Sequence[Bulletin]) -> list[Shard]:
    """The shards of an archive (bulletins oldest first), newest first.

    Cut by year, then into runs of SHARD_SIZE in date order: an edit
    touches one shard, a new bulletin (usually the newest) the last one.
    Shards are contiguous in time, so the page can list matches newest
    first across shards without reading them.
    """
    by_year: dict[int, list[Bulletin]] = {}
    for bulletin in bulletins:
        by_year.setdefault(bulletin.year, []).append(bulletin)
    shards = []
    for year in sorted(by_year, reverse=True):
        items = sorted(by_year[year], key=lambda b: b.sort_key)
        runs = [items[i:i + SHARD_SIZE] for i in range(0, len(items), SHARD_SIZE)]
        for number in reversed(range(len(runs))):
            run = tuple(runs[number])
            name = f"{year}-{number:02d}"
            shards.append(Shard(name, run, _shard_key(name, run)))
    return shards


def _shard_key(name: str, bulletins: Iterable[Bulletin]) -> str:
    h = hashlib.blake2b(f"{FORMAT}\0{name}".encode(), digest_size=16)
    for bulletin in bulletins:
        # A bulletin from the build cache carries the hash of its whole content;
        # one without (a build without cache) is hashed by its record.
        content = bulletin.__dict__.get("digest") or hashlib.blake2b(
            record_html(bulletin).encode(), digest_size=16).hexdigest()
        h.update(f"{bulletin.url}\0{content}\0".encode())
    return h.hexdigest()


def record_html(bulletin: Bulletin) -> str:
    """The document Pagefind indexes for one bulletin.

    The body is its text as words separated by spaces; headlines keep their
    ids (Pagefind turns them into sub-results). Metadata, filters and the sort
    key sit outside the body, so they are not searched as text: the metadata
    is one JSON value whose spaces are escaped, one long word that no query
    word can equal. (The page tells the shards apart by a filter it gives
    each merged shard itself, Pagefind's mergeFilter: none is indexed.)
    """
    full = bulletin.loaded()
    headings = list(full.toc)
    body = []
    for line in full.text.split("\n"):
        indexed = words(line, fold=False)
        if not indexed:
            continue
        if headings and line.strip() == headings[0].text.strip():
            heading = headings.pop(0)
            body.append(f'<h{heading.level} id="{html.escape(heading.id)}">{indexed}</h{heading.level}>')
        else:
            body.append(f"<p>{indexed}</p>")
    meta = json.dumps({"title": bulletin.title, "issue": bulletin.issue_label, "number": bulletin.issue or 0,
                       "city": bulletin.city, "date": bulletin.date.isoformat()},
                      ensure_ascii=False, separators=(",", ":"))
    meta = meta.replace(" ", "\\u0020")
    sort = f"{bulletin.date.isoformat()} {bulletin.issue or 0:09d}"
    return (f'<!DOCTYPE html><html lang="{LANGUAGE}"><head><meta charset="utf-8"></head><body>'
            f'<div data-pagefind-meta="r">{html.escape(meta, quote=False)}</div>'
            f'<div data-pagefind-filter="{CITY_FILTER}">{html.escape(bulletin.city, quote=False)}</div>'
            f'<div data-pagefind-filter="{YEAR_FILTER}">{bulletin.year}</div>'
            f'<div data-pagefind-sort="date">{sort}</div>'
            f'<main data-pagefind-body>{"".join(body)}</main></body></html>')


def shard_files(bulletins: Sequence[Bulletin], previous: Mapping[str, str], *,
                timeout: float = TIMEOUT, jobs: int = 1) -> Iterator[tuple[str, str, bytes | None]]:
    """Every file of the search bundle as (path, key, bytes).

    ``previous`` maps the files of the live site to the keys they were
    written with (the last build's record); a file whose shard is unchanged
    comes with ``None`` instead of bytes: keep the live one. Up to ``jobs``
    shards (at most MAX_INDEXERS) are indexed at once by the build's worker
    processes, each with its own Pagefind process (one Pagefind process keeps
    one core busy, and the records and Pagefind's replies cost Python
    ~1.5 ms a bulletin, which threads would serialise); their files come in
    shard order, so the output does not depend on ``jobs``.
    """
    shards = plan_shards(bulletins)
    by_key: dict[str, list[str]] = {}  # the live files of each key (one pass: 10^5 files at 100k)
    for path, key in previous.items():
        by_key.setdefault(key, []).append(path)
    todo = []
    for number, shard in enumerate(shards):
        # The newest shard is the primary index, in BUNDLE itself beside
        # Pagefind's runtime files (Pagefind needs a primary with pages); the
        # others are merged into it in the browser.
        prefix = f"{BUNDLE}/" if number == 0 else f"{shard.folder}/"
        kept = sorted(p for p in by_key.get(shard.key, ()) if p.startswith(prefix))
        if prefix + "pagefind-entry.json" in kept:
            for path in kept:
                yield path, shard.key, None
        else:
            todo.append((prefix, shard))
    runtime = sorted(by_key.get(RUNTIME_KEY, ()))
    need_runtime = bool(shards) and set(runtime) != {f"{BUNDLE}/{name}" for name in RUNTIME_FILES}
    if not need_runtime:
        for path in runtime:
            yield path, RUNTIME_KEY, None
    elif not todo:  # every shard kept: Pagefind's files from a one-bulletin index
        todo.append((None, Shard(shards[0].name, shards[0].bulletins[-1:], "")))
    runtimes = [need_runtime] + [False] * (len(todo) - 1)  # Pagefind's own files: once
    # One shard per task in the build's worker pool: a worker makes the
    # records, talks to its own Pagefind process and sends back the files.
    # (Workers get the shards through fork and are sent their positions.)
    indexed = iter_chunks(_index_shards, list(range(len(todo))), min(jobs, MAX_INDEXERS),
                          [shard for _, shard in todo], runtimes, timeout, chunk=1)
    for (prefix, shard), files in zip(todo, indexed):
        for path, data in files:
            if path in RUNTIME_FILES:
                yield f"{BUNDLE}/{path}", RUNTIME_KEY, data
            elif prefix is not None:
                yield prefix + path, shard.key, data
    manifest = {"format": FORMAT, "primary": bool(shards), "names": [s.name for s in shards],
                "shards": [s.folder[len(BUNDLE) + 1:] for s in shards[1:]]}
    yield (f"{BUNDLE}/{SHARDS_FILE}", "",
           json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode())


def _index_shards(positions: list[int], shards: list[Shard], runtimes: list[bool],
                  timeout: float) -> list[list[tuple[str, bytes]]]:
    """``_index_pagefind`` of the shards at ``positions`` (with Pagefind's
    runtime files where ``runtimes`` says): a task of the worker pool."""
    return [_index_pagefind(shards[i], timeout, runtime=runtimes[i]) for i in positions]


def _index_pagefind(shard: Shard, timeout: float, *,
                    runtime: bool = False) -> list[tuple[str, bytes]]:
    """The Pagefind index of one shard as (path in the bundle, bytes),
    sorted; with ``runtime``, Pagefind's own files the page loads too."""
    try:
        files = _run_coroutine(lambda: asyncio.wait_for(_index(shard), timeout))
    except OSError as exc:  # no binary, not executable, or its pipe broke (it died)
        what = f"{exc.strerror}: {exc.filename}" if exc.filename else (exc.strerror or str(exc))
        raise BriefsiteError(None, 0, _("search: cannot run Pagefind ({reason})").format(reason=what),
                             hint=_("install the project's dependencies (make site installs "
                                    "pagefind[extended]), or build with --no-search")) from None
    except asyncio.TimeoutError:
        raise BriefsiteError(None, 0, _("search: Pagefind did not finish within {seconds} s").format(
            seconds=f"{timeout:.0f}"), hint=_("build with --no-search to publish without search")) from None
    except BriefsiteError:
        raise
    except Exception as exc:  # Pagefind reports its errors as plain Exceptions
        message = exc.args[0] if exc.args else type(exc).__name__
        raise BriefsiteError(None, 0, _("search: Pagefind failed: {reason}").format(reason=message),
                             hint=_("build with --no-search to publish without search")) from None
    bundle = {}
    for file in files:
        path = _bundle_path(file["path"])
        if "/" in path or path.endswith(".pf_meta") or path == "pagefind-entry.json":
            bundle[path] = file["content"]  # the index itself
        elif runtime and path in RUNTIME_FILES:
            bundle[path] = file["content"]
    canonical_filters(bundle)
    return sorted(bundle.items())


def _run_coroutine(make):
    """asyncio.run, also when the caller's thread already runs an event loop.

    A program embedding briefsite (a test driving a browser, a notebook) may
    call build() from inside a running loop, where asyncio.run refuses to
    start; Pagefind then gets a private loop in a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    result: dict = {}

    def worker() -> None:
        try:
            result["value"] = asyncio.run(make())
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=worker, name="briefsite-pagefind")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


async def _index(shard: Shard) -> list:
    # Pagefind's own write_files() is not used: its binary writes through
    # buffered async files and answers before the data reaches the disk, and
    # the service is then killed, so under load files came out truncated.
    # get_files() returns every file in the reply instead.
    service = await _service().launch()
    try:
        index = await service.create_index({"force_language": LANGUAGE, "write_playground": False})
        for bulletin in sorted(shard.bulletins, key=lambda b: b.url):  # page numbers follow the order
            await index.add_html_file(content=record_html(bulletin), url=f"/{bulletin.url}")
        return await index.get_files()
    finally:
        await service.close()


def _bundle_path(path: str) -> str:
    """A file's path inside the bundle, from the path Pagefind gives it."""
    parts = Path(path).parts
    if BUNDLE in parts:  # Pagefind names files under its default output folder
        parts = parts[len(parts) - parts[::-1].index(BUNDLE):]
    if not parts or any(part in ("..", "") or part.startswith("/") for part in parts):
        raise ValueError(f"unexpected file path from Pagefind: {path}")
    return "/".join(parts)


def _service():
    """Pagefind's service, told INDEX_CHUNK_SIZE, with three changes to the
    Python API's exchange with the binary (the launch is otherwise the
    library's own, 1.5.2):

    - a reply may be a whole index (get_files), beyond the API's 2 MiB limit;
    - the API sleeps 0.1 s before reading each reply, so indexing took at
      least 0.1 s per bulletin (measured: 0.10 s for a one-word page, 116 s
      for 1,000 bulletins); replies are read as they come here;
    - its send() formats every request for a debug log even when logging is
      off (~0.3 ms of a bulletin's ~1.6 ms of Python); requests are sent
      here as the library encodes them, without that.
    """
    import base64
    import os

    from pagefind.service import PagefindService  # imported lazily: --no-search needs none of it

    class Service(PagefindService):
        async def launch(self) -> "Service":
            env = {**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(INDEX_CHUNK_SIZE)}
            self._backend = await asyncio.create_subprocess_exec(
                self._bin, "--service", cwd=os.getcwd(), env=env,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, limit=1 << 30)
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            return self

        async def send(self, payload: dict) -> dict:
            # The library's send formats the whole request for log.debug
            # twice, logging on or not: two reprs of each bulletin's record.
            self._message_id += 1
            future = self._loop.create_future()
            self._responses[self._message_id] = future
            request = {"message_id": self._message_id, "payload": payload}
            self._backend.stdin.write(base64.b64encode(json.dumps(request).encode("utf-8")) + b",")
            await self._backend.stdin.drain()
            return await future

        async def _wait_for_responses(self) -> None:
            while True:
                output = await self._backend.stdout.readuntil(b",")
                reply = json.loads(base64.b64decode(output[:-1]))
                if not reply:
                    continue
                payload = reply.get("payload") or {}
                message_id = reply.get("message_id")
                if message_id is None and payload.get("original_message"):
                    message_id = json.loads(payload["original_message"]).get("message_id")
                future = self._responses.get(message_id)
                if future is None or future.done():
                    continue
                if payload.get("type") == "Error":
                    future.set_exception(Exception(payload.get("message", "error"),
                                                   payload.get("original_message")))
                else:
                    future.set_result(payload)

    return Service()


# --- Making Pagefind's filter files deterministic -------------------------
#
# Pagefind's binary files are gzip("pagefind_dcd" + CBOR). The language's meta
# file (named in pagefind-entry.json) lists the filters as [name, file hash]
# pairs at position 3; each filter file is [name, [[value, [page numbers]]...]].
# The browser finds files only through these names, so renaming is safe.

_MAGIC = b"pagefind_dcd"


def canonical_filters(bundle: dict[str, bytes]) -> None:
    """Sort every filter's values and name the files after their content.

    ``bundle`` maps paths in a Pagefind bundle to their bytes, and is changed
    in place. A bundle whose layout is not the one described above (another
    Pagefind version) is left as written: search still works, only the
    byte-for-byte guarantee is lost, which tests/test_search.py would report.
    """
    try:
        entry = json.loads(bundle["pagefind-entry.json"].decode("utf-8"))
        languages = entry["languages"]
    except (KeyError, ValueError):
        return
    for language, info in languages.items():
        meta_path = f"pagefind.{info['hash']}.pf_meta"
        try:
            meta = read_data(bundle[meta_path])
            filters = meta[3]
            if not (isinstance(filters, list)
                    and all(isinstance(f, list) and len(f) == 2 for f in filters)):
                continue
            renamed = {}
            for pair in filters:
                old = f"filter/{pair[1]}.pf_filter"
                name, values = read_data(bundle[old])
                data = _encode([name, sorted(values, key=lambda v: v[0])])
                pair[1] = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
                renamed[old] = (f"filter/{pair[1]}.pf_filter", _pack(data))
            filters.sort(key=lambda pair: pair[0])
            data = _encode(meta)
        except (KeyError, ValueError, IndexError, TypeError):
            continue
        for old, (new, packed) in renamed.items():
            del bundle[old]
            bundle[new] = packed
        info["hash"] = f"{language}_{hashlib.sha256(data).hexdigest()[:13]}"
        del bundle[meta_path]
        bundle[f"pagefind.{info['hash']}.pf_meta"] = _pack(data)
    bundle["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False,
                                               separators=(",", ":")).encode("utf-8")


def read_data(raw: bytes):
    """The value of a Pagefind data file (gzip of "pagefind_dcd" and CBOR)."""
    raw = gzip.decompress(raw)
    if not raw.startswith(_MAGIC):
        raise ValueError("not a Pagefind data file")
    value, end = _decode(raw, len(_MAGIC))
    if end != len(raw):
        raise ValueError("trailing data in a Pagefind data file")
    return value


def _pack(cbor: bytes) -> bytes:
    return gzip.compress(_MAGIC + cbor, mtime=0)  # mtime 0: no time in the file


def _decode(data: bytes, i: int):
    """The subset of CBOR Pagefind writes: unsigned ints, text, byte strings, arrays."""
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg = int.from_bytes(data[i:i + size], "big")
        i += size
    else:
        raise ValueError("indefinite-length CBOR")
    if major == 0:
        return arg, i
    if major in (2, 3):
        chunk = data[i:i + arg]
        return (bytes(chunk) if major == 2 else chunk.decode("utf-8")), i + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, i = _decode(data, i)
            items.append(item)
        return items, i
    raise ValueError(f"CBOR major type {major}")


def _encode(value) -> bytes:
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    raise TypeError(type(value).__name__)


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")
