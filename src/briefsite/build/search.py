"""Full-text search: a Pagefind index of the bulletin pages, built into the site.

Pagefind (its Python API, backed by the ``pagefind_extended`` binary that
segments Chinese into words) reads the rendered bulletin pages and writes a
static index plus its search UI into ``pagefind/`` of the site; the reader's
browser downloads only the index chunks a query needs. Only bulletin pages
are indexed, and within them only the element marked ``data-pagefind-body``
(the body of the bulletin, not navigation or the 版记). The templates mark
city and year as filters (``data-pagefind-filter``) and the headlines carry
``id``s, which Pagefind turns into sub-results that jump to the article.

The index is built in the staging folder before it is swapped in, so a
published site always has a search index that matches its pages.

Deterministic output: Pagefind 1.5.2 writes each filter's values in hash-map
order, which changes from run to run (measured: 8 builds of the seed archive
gave 8 different ``filter/*.pf_filter`` files, and with them different meta
and entry files; every other file was byte-identical). ``canonical_filters``
sorts the values and renames the files by their content, so the same pages
always give the same bundle, byte for byte.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BriefsiteError

BUNDLE = "pagefind"  # folder of the index and UI files, relative to the site root
BULLETIN_PAGES = "bulletins/**/*.html"  # only bulletin pages; lists and navigation are not indexed
LANGUAGE = "zh-cn"  # one index, segmented as Chinese, whatever lang a custom theme declares
# Generous: indexing takes about a second per few hundred bulletins. It only
# guards against a Pagefind process that died without answering.
TIMEOUT = 900.0


@dataclass(frozen=True)
class SearchIndex:
    """What indexing did, for the build summary."""

    pages: int
    seconds: float


def index_site(site: Path, *, timeout: float = TIMEOUT) -> SearchIndex:
    """Index the bulletin pages of the built site in ``site`` into ``site/pagefind``."""
    started = time.perf_counter()
    try:
        pages = _run_coroutine(lambda: asyncio.wait_for(_index(site.resolve()), timeout))
    except FileNotFoundError as exc:
        what = f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)
        raise BriefsiteError(None, 0, f"search: cannot run Pagefind ({what})",
                             hint="install the project's dependencies (make site installs "
                                  "pagefind[extended]), or build with --no-search") from None
    except asyncio.TimeoutError:
        raise BriefsiteError(None, 0, f"search: Pagefind did not finish within {timeout:.0f} s",
                             hint="build with --no-search to publish without search") from None
    except BriefsiteError:
        raise
    except OSError as exc:  # writing the index's files into the staging folder: a full disk
        raise BriefsiteError(site, 0, f"cannot write the site: {exc.strerror or exc}",
                             hint="check free disk space and permissions; the previous site is unchanged"
                             ) from None
    except Exception as exc:  # Pagefind reports its errors as plain Exceptions
        message = exc.args[0] if exc.args else type(exc).__name__
        raise BriefsiteError(None, 0, f"search: Pagefind failed: {message}",
                             hint="build with --no-search to publish without search") from None
    return SearchIndex(pages=pages, seconds=time.perf_counter() - started)


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


async def _index(site: Path) -> int:
    # Pagefind's own write_files() is not used: its binary writes through
    # buffered async files and answers before the data reaches the disk, and
    # the service is then killed, so under load files came out truncated
    # (seen: pagefind-ui.js cut short in a test run). get_files() returns
    # every file in the reply instead, and Python writes them.
    service = await _service().launch()
    try:
        index = await service.create_index({"force_language": LANGUAGE, "write_playground": False})
        result = await index.add_directory(str(site), glob=BULLETIN_PAGES)
        files = await index.get_files()
    finally:
        await service.close()
    bundle = site / BUNDLE
    for file in files:
        target = bundle / _bundle_path(file["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file["content"])
    canonical_filters(bundle)
    return int(result["page_count"])


def _bundle_path(path: str) -> str:
    """A file's path inside the bundle, from the path Pagefind gives it."""
    parts = Path(path).parts
    if BUNDLE in parts:  # Pagefind names files under its default output folder
        parts = parts[len(parts) - parts[::-1].index(BUNDLE):]
    if not parts or any(part in ("..", "") or part.startswith("/") for part in parts):
        raise ValueError(f"unexpected file path from Pagefind: {path}")
    return "/".join(parts)


def _service():
    """Pagefind's service, able to receive a whole index in one reply.

    The Python API reads the binary's replies with a 2 MiB line limit, which
    get_files() of a large archive exceeds; this raises the limit (and only
    that: the launch is otherwise the library's own, pinned to 1.5.2).
    """
    import os

    from pagefind.service import PagefindService  # imported lazily: --no-search needs none of it

    class Service(PagefindService):
        async def launch(self) -> "Service":
            self._backend = await asyncio.create_subprocess_exec(
                self._bin, "--service", cwd=os.getcwd(),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT, limit=1 << 30)
            self._poll_task = self._loop.create_task(self._wait_for_responses())
            return self

    return Service()


# --- Making Pagefind's filter files deterministic -------------------------
#
# Pagefind's binary files are gzip("pagefind_dcd" + CBOR). The language's meta
# file (named in pagefind-entry.json) lists the filters as [name, file hash]
# pairs at position 3; each filter file is [name, [[value, [page numbers]]...]].
# The browser finds files only through these names, so renaming is safe.

_MAGIC = b"pagefind_dcd"


def canonical_filters(bundle: Path) -> None:
    """Sort every filter's values and name the files after their content.

    A bundle whose layout is not the one described above (another Pagefind
    version) is left as written: search still works, only the byte-for-byte
    guarantee is lost, which tests/test_search.py would report.
    """
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        languages = entry["languages"]
    except (OSError, ValueError, KeyError):
        return
    for language, info in languages.items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        try:
            meta = _read(meta_path)
            filters = meta[3]
            if not (isinstance(filters, list)
                    and all(isinstance(f, list) and len(f) == 2 for f in filters)):
                continue
            for pair in filters:
                old = bundle / "filter" / f"{pair[1]}.pf_filter"
                name, values = _read(old)
                data = _encode([name, sorted(values, key=lambda v: v[0])])
                pair[1] = f"{language}_{hashlib.sha256(data).hexdigest()[:7]}"
                old.unlink()
                _write(bundle / "filter" / f"{pair[1]}.pf_filter", data)
            filters.sort(key=lambda pair: pair[0])
            data = _encode(meta)
        except (OSError, ValueError, IndexError, TypeError):
            continue
        info["hash"] = f"{language}_{hashlib.sha256(data).hexdigest()[:13]}"
        meta_path.unlink()
        _write(bundle / f"pagefind.{info['hash']}.pf_meta", data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")


def _read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(_MAGIC):
        raise ValueError(f"{path.name}: not a Pagefind data file")
    value, end = _decode(raw, len(_MAGIC))
    if end != len(raw):
        raise ValueError(f"{path.name}: trailing data")
    return value


def _write(path: Path, cbor: bytes) -> None:
    path.write_bytes(gzip.compress(_MAGIC + cbor, mtime=0))  # mtime 0: no time in the file


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
