"""``briefsite serve``: a local preview that rebuilds on every save.

The site is built into the output folder as ``build`` does (atomically, so a
broken bulletin leaves the last good site in place), served from there on
127.0.0.1, and rebuilt when a bulletin, a template or the config changes.
Changes arrive as file-system notifications through ``watchfiles`` rather
than by polling. Open tabs reload through a small Server-Sent-Events stream;
the script that listens to it is added to pages as they are *served*, never
to the files on disk, and is loaded from its own URL so a Content Security
Policy forbidding inline script does not block it.

While the last build failed, every page shows its errors (``path:line:``
messages, as in the terminal); saving a fix brings the pages back.

Only files inside the output folder are ever served: a request path is
decoded one segment at a time and refused (404) if a segment is ``.``,
``..``, hidden, hides an encoded ``/`` or ``\\``, is still percent-encoded
after decoding (double encoding), or if the resolved file, symlinks
followed, lies outside the folder.
"""

from __future__ import annotations

import html
import inspect
import ipaddress
import json
import mimetypes
import os
import re
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import watchfiles

from .. import i18n
from ..build import output
from ..i18n import _, ngettext
from ..content.config import Config, load_config
from ..errors import BriefsiteError, BuildFailed
from ..content.loader import is_ignored
from ..pages.render import theme_dir

PREFIX = "/__briefsite/"  # the preview's own URLs; never a file of the site
KEEPALIVE_SECONDS = 15.0  # an idle event stream sends a comment this often
# Open connections at once (each open tab holds one for its event stream);
# more are closed at once instead of each taking a thread.
MAX_CONNECTIONS = 64
# A connection that sends or accepts nothing for this long is closed (a
# client that opens sockets and stays silent cannot hold threads for ever).
SOCKET_TIMEOUT = 30.0

RELOAD_JS = b"""\
// briefsite serve: reload this tab when the preview is rebuilt.
// Added to pages by the preview server only; built files never contain it.
(function () {
  "use strict";
  var script = document.currentScript;
  var since = script ? (new URL(script.src).searchParams.get("v") || "0") : "0";
  var events = new EventSource("/__briefsite/events?since=" + encodeURIComponent(since));
  events.addEventListener("reload", function (event) {
    events.close();
    // With serve --open, the tab follows the bulletin the editor just saved.
    var goto = "";
    try { goto = JSON.parse(event.data).goto || ""; } catch (e) { goto = ""; }
    if (goto && goto !== window.location.pathname) {
      window.location.assign(goto);
    } else {
      window.location.reload();
    }
  });
})();
"""

ERROR_CSS = b"""\
body { margin: 0; font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       background: #fff8f6; color: #3a0d06; }
main { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { color: #b3261e; }
ol { padding-left: 1.5rem; }
li { margin: .5rem 0; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap;
       word-break: break-all; }
"""


@dataclass(frozen=True)
class BuildState:
    """Outcome of the latest build; ``generation`` counts builds, so a tab
    knows whether it shows the current one."""

    generation: int = 0
    errors: tuple[str, ...] = ()  # formatted problems; empty when the build succeeded
    goto: str = ""  # with --open: the path of the one bulletin this build changed


class Preview:
    """The state one ``serve`` session shares between its threads."""

    def __init__(self, source: Path, out: Path, config_path: Path | None,
                 build: Callable[..., object] | None = None) -> None:
        from ..build.site import build as site_build

        self.source = source
        self.out = out
        self.config_path = config_path
        self._build = build or site_build
        self._build_lock = threading.Lock()  # one build at a time
        self._changed = threading.Condition()
        self.state = BuildState()
        self.closing = False
        self.templates: Path | None = None  # the user's template folder, from the config
        self.folders_changed = threading.Event()  # set when the config names another one
        self._cache = None  # site.ParseCache kept across rebuilds, when build() takes one
        self.address = ""  # http://host:port/ once the server listens
        self.follow = False  # serve --open: open tabs go to the bulletin just saved

    def rebuild(self, reason: str = "", changed: tuple[Path, ...] = ()) -> BuildState:
        """Build once; report to the terminal; wake every open tab."""
        with self._build_lock:
            started = time.perf_counter()
            problems: list[BriefsiteError] = []
            pages: list[str] = []
            why = _(" ({reason})").format(reason=reason) if reason else ""
            try:
                config = load_config(self.config_path)
                if config.templates != self.templates:
                    self.templates = config.templates
                    self.folders_changed.set()
                options = _preview_options(self._build)
                if options.get("cache") is True:
                    # Parsed bulletins stay in memory between rebuilds: an edit
                    # costs its own parse, not a reread of the cache's index.
                    from ..build.site import open_cache

                    self._cache = open_cache(self._cache or True, self.source, config)
                    options["cache"] = self._cache
                summary = self._build(self.source, self.out, config, **options)
                for warning in summary.warnings:
                    print(warning.format(), file=sys.stderr)
                print(ngettext("built{why}: {bulletins} bulletin, {pages} pages in {seconds} s",
                               "built{why}: {bulletins} bulletins, {pages} pages in {seconds} s",
                               summary.bulletins).format(
                    why=why, bulletins=summary.bulletins, pages=summary.pages,
                    seconds=f"{time.perf_counter() - started:.2f}"), flush=True)
                pages = self.changed_pages(summary, changed)
                for url in pages:
                    print("  " + _("open {url}").format(url=url), flush=True)
            except BuildFailed as failed:
                problems = list(failed.problems)
            except BriefsiteError as error:
                problems = [error]
            except Exception as exc:  # a bug must not end the preview; show it instead
                traceback.print_exc()
                problems = [BriefsiteError(None, 0, _("unexpected {kind}: {error}").format(
                                               kind=type(exc).__name__, error=exc),
                                           hint=_("this is a bug in briefsite; please report it"))]
            errors = tuple(p.format() for p in problems)
            if problems:
                for line in errors:
                    print(line, file=sys.stderr)
                count = sum(1 for p in problems if p.severity == "error")
                print(ngettext("build failed{why}: {count} error; the browser shows it; fix and save to rebuild",
                               "build failed{why}: {count} errors; the browser shows them; fix and save to rebuild",
                               count).format(why=why, count=count), file=sys.stderr, flush=True)
            with self._changed:
                goto = urlsplit(pages[0]).path if self.follow and len(pages) == 1 and not errors else ""
                self.state = BuildState(self.state.generation + 1, errors, goto)
                self._changed.notify_all()
            return self.state

    def changed_pages(self, summary, changed: tuple[Path, ...]) -> list[str]:
        """The preview address of each bulletin that changed, to open at once."""
        urls = getattr(summary, "urls", None)
        if not urls or not self.address:
            return []
        by_file = {Path(source).resolve(): url for source, url in urls.items()}
        found = [by_file.get(path.resolve()) for path in changed]
        return [self.address + url for url in dict.fromkeys(found) if url]

    def wait_for_change(self, generation: int, timeout: float) -> BuildState | None:
        """The state once it differs from ``generation``; None on timeout or close."""
        with self._changed:
            self._changed.wait_for(lambda: self.closing or self.state.generation != generation,
                                   timeout=timeout)
            if self.closing or self.state.generation == generation:
                return None
            return self.state

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()

    # -- what to watch ------------------------------------------------------

    def watched_folders(self) -> tuple[Path, ...]:
        """Folders whose every change matters: bulletins and templates."""
        folders = [self.source.resolve(), theme_dir().resolve()]
        if self.templates is not None:
            folders.append(self.templates.resolve())
        return tuple(dict.fromkeys(f for f in folders if f.is_dir()))

    def config_file(self) -> Path:
        return (self.config_path or Path("briefsite.yaml")).resolve()

    def relevant(self, change: watchfiles.Change, path: str) -> bool:
        """watchfiles filter: a change that could alter the site."""
        changed = Path(path)
        if changed == self.config_file():
            return True
        if is_editor_temp(changed.name) or _within(changed, self.out.resolve()):
            return False  # editor leftovers; our own output
        return any(_within(changed, folder) for folder in self.watched_folders())


# Files editors write beside the one being saved: Vim's swap files (.swp,
# .swo, ...) and its write test "4913", Kate's .kate-swp, JetBrains'
# ___jb_tmp___, Chrome's .crswap, numbered temp copies (x.md.tmp.1234).
_EDITOR_TEMP_RE = re.compile(r"(\.sw[a-p]|\.kate-swp|___jb_(tmp|old)___|\.crswap|\.tmp\.\d+|\.part)$|^4913$")


def is_editor_temp(name: str) -> bool:
    """An editor's leftover or temporary file: never a change worth a rebuild."""
    return is_ignored(name) or bool(_EDITOR_TEMP_RE.search(name))


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _preview_options(build: Callable[..., object]) -> dict:
    # A preview skips the search index when build() offers that: the index
    # is the slowest step and not needed to read the pages.
    try:
        parameters = inspect.signature(build).parameters
    except (TypeError, ValueError):
        return {}
    options = {"search": False} if "search" in parameters else {}
    if "drafts" in parameters:
        options["drafts"] = True  # like Hugo's -D: drafts get pages, with a 草稿 banner
    if "cache" in parameters:
        options["cache"] = True
    return options


# -- watching ----------------------------------------------------------------

# How often a watcher looks at its stop event (ms), and how long after a
# watch restarts the catch-up build runs (s).
WATCH_POLL_MS = 300
WATCH_SETTLE = 0.5


def watch_folders(preview: Preview, stop: threading.Event) -> None:
    """Rebuild on changes below the bulletin and template folders."""
    restarted = False
    while not stop.is_set():
        preview.folders_changed.clear()
        folders = preview.watched_folders()
        if restarted:
            # A file saved between the config naming a new template folder
            # and that folder being watched raised no event: build once more
            # just after the watch starts (a no-change build costs little).
            catch_up = threading.Timer(WATCH_SETTLE, i18n.in_context(preview.rebuild),
                                       args=(_("templates folder now watched"),))
            catch_up.daemon = True
            catch_up.start()
        restarted = True
        # Ends when serve stops, or when the config names another template
        # folder (whichever thread rebuilt): then that folder is watched.
        until = _AnyEvent(stop, preview.folders_changed)
        for changes in watchfiles.watch(*folders, watch_filter=preview.relevant, stop_event=until,
                                        raise_interrupt=False, rust_timeout=WATCH_POLL_MS):
            preview.rebuild(_describe(changes), tuple(Path(path) for _, path in changes))


class _AnyEvent:
    """Set when any of the events is: what watchfiles' stop_event needs."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


def watch_config(preview: Preview, stop: threading.Event) -> None:
    """Rebuild when the config file changes. Its folder is watched, not the
    file, as editors save by replacing the file; and not recursively, as it
    usually holds the output folder and .venv too."""
    config = preview.config_file()
    for changes in watchfiles.watch(config.parent, watch_filter=lambda c, p: Path(p) == config,
                                    recursive=False, stop_event=stop, raise_interrupt=False,
                                    rust_timeout=WATCH_POLL_MS):
        preview.rebuild(_describe(changes))


def _report_crash(watcher, preview: Preview, stop: threading.Event) -> None:
    try:
        watcher(preview, stop)
    except Exception as exc:  # the server goes on; say that saving no longer rebuilds
        print("error: " + _("watching for changes stopped: {kind}: {error} (restart briefsite serve)").format(
            kind=type(exc).__name__, error=exc), file=sys.stderr, flush=True)


def _describe(changes: set[tuple[watchfiles.Change, str]]) -> str:
    cwd = Path.cwd()
    names = sorted({_shown(Path(path), cwd) for _, path in changes})
    more = _(" and {count} more").format(count=len(names) - 3) if len(names) > 3 else ""
    return _("changed: {files}").format(files=", ".join(names[:3]) + more)


def _shown(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


# -- serving -----------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """What a request path maps to: a file, or a redirect to the folder URL."""

    file: Path | None = None
    redirect: str | None = None


_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


def resolve_request(root: Path, target: str) -> Target | None:
    """Map a request target to a file inside ``root``; None means 404."""
    if not target.startswith("/") or target.startswith("//"):
        return None  # absolute-form ("http://…") or network-path ("//host/…")
    parts = urlsplit(target)
    raw_path = parts.path
    if "\\" in raw_path or "\x00" in raw_path:
        return None
    segments = raw_path.split("/")[1:]
    decoded: list[str] = []
    for i, segment in enumerate(segments):
        if segment == "":
            if i == len(segments) - 1:
                continue  # the trailing slash of a folder URL
            return None  # "a//b"
        try:
            name = unquote(segment, errors="strict")
        except UnicodeDecodeError:
            return None
        if (name in (".", "..") or name.startswith(".") or "/" in name or "\\" in name
                or "\x00" in name or _ENCODED.search(name)):
            return None
        decoded.append(name)
    root = root.resolve()
    try:
        path = root.joinpath(*decoded).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not _within(path, root):
        return None  # a symlink leading out of the folder
    if path.is_dir():
        if not raw_path.endswith("/"):
            # Pages link relatively: they must be fetched as folder/ to work.
            return Target(redirect=raw_path + "/" + (f"?{parts.query}" if parts.query else ""))
        try:  # a symlinked index.html is followed, and must stay inside too
            path = (path / "index.html").resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not _within(path, root):
            return None
    return Target(file=path) if path.is_file() else None


def inject_reload(page: bytes, generation: int) -> bytes:
    """Add the reload script to a served page (never to the file on disk)."""
    tag = f'<script src="{PREFIX}reload.js?v={generation}" defer></script>'.encode()
    for marker in (b"</head>", b"</body>"):
        at = page.lower().find(marker)
        if at >= 0:
            return page[:at] + tag + b"\n" + page[at:]
    return page + tag


def error_page(state: BuildState) -> bytes:
    items = "\n".join(f"<li><code>{html.escape(e)}</code></li>" for e in state.errors)
    lang = "en" if i18n.language() == i18n.ENGLISH else "zh-CN"
    title = html.escape(_("Build failed"))
    advice = html.escape(_("Fix the files below as the messages say and save; this page reloads by itself."))
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · briefsite serve</title>
<link rel="stylesheet" href="{PREFIX}error.css">
</head>
<body>
<main>
<h1>{title}</h1>
<p>{advice}</p>
<ol>
{items}
</ol>
</main>
</body>
</html>
""".encode("utf-8")


def host_allowed(header: str | None, allowed: frozenset[str], any_address: bool) -> bool:
    """Whether a request's Host header names this preview.

    A page on another site can make a browser send requests here under the
    attacker's own domain name (DNS rebinding); such a Host is refused. Local
    names, the bound address and the names given with --host / --allow-host
    are accepted; when listening on every address (0.0.0.0, ::), so is any IP
    address literal (a rebinding attack needs a domain name).
    """
    if header is None:
        return True  # HTTP/1.0 without Host: no browser sends this
    host = header.strip().lower()
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    if host in allowed or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or any_address


class Handler(BaseHTTPRequestHandler):
    server: "PreviewServer"
    server_version = "briefsite-serve"
    timeout = SOCKET_TIMEOUT  # applied to the socket by StreamRequestHandler.setup

    def do_GET(self) -> None:
        if self._host_ok():
            self._respond(send_body=True)

    def do_HEAD(self) -> None:
        if self._host_ok():
            self._respond(send_body=False)

    def _host_ok(self) -> bool:
        server = self.server
        if host_allowed(self.headers.get("Host"), server.allowed_hosts, server.any_address):
            return True
        self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8",
                   ("421 " + _("the preview only answers to local names and the host names given by "
                               "--host or --allow-host") + "\n").encode("utf-8"),
                   self.command != "HEAD")
        return False

    def _respond(self, send_body: bool) -> None:
        preview = self.server.preview
        if self.path.startswith(PREFIX):
            return self._internal(send_body)
        root = preview.out
        target = resolve_request(root, self.path)
        if target is not None and target.redirect is not None:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", target.redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        state = preview.state
        file = target.file if target is not None else None
        is_page = file is None or file.suffix == ".html"
        if state.errors and is_page:
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html; charset=utf-8",
                              inject_reload(error_page(state), state.generation), send_body)
        status = HTTPStatus.OK
        if file is None:
            status = HTTPStatus.NOT_FOUND
            file = root.resolve() / "404.html"
        try:
            body = file.read_bytes()
        except OSError:  # also the 404 page, if the site was never built
            return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8",
                              ("404 " + _("not found") + "\n").encode("utf-8"), send_body)
        content_type = _content_type(file)
        if content_type.startswith("text/html"):
            body = inject_reload(body, state.generation)
        self._send(status, content_type, body, send_body)

    def _internal(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if path == PREFIX + "reload.js":
            return self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_JS, send_body)
        if path == PREFIX + "error.css":
            return self._send(HTTPStatus.OK, "text/css; charset=utf-8", ERROR_CSS, send_body)
        if path == PREFIX + "events" and send_body:
            return self._events()
        self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8",
                   ("404 " + _("not found") + "\n").encode("utf-8"), send_body)

    def _events(self) -> None:
        """Server-Sent Events: 'reload' once the build differs from the tab's."""
        preview = self.server.preview
        query = parse_qs(urlsplit(self.path).query)
        try:
            since = int(query.get("since", ["0"])[0])
        except ValueError:
            since = 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not preview.closing:
                state = preview.wait_for_change(since, KEEPALIVE_SECONDS)
                if state is None:
                    if preview.closing:
                        break
                    self.wfile.write(b": keep-alive\n\n")  # also notices closed tabs
                else:
                    data = json.dumps({"generation": state.generation, "goto": state.goto})
                    self.wfile.write(f"event: reload\ndata: {data}\n\n".encode())
                    since = state.generation
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the tab went away
        self.close_connection = True

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a preview is never stale
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal reports builds, not every request


def _content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json",
                                           "application/xml", "image/svg+xml"):
        return f"{kind}; charset=utf-8"
    return kind


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # open event streams must not hold up Ctrl-C
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], preview: Preview,
                 allow_hosts: tuple[str, ...] = ()) -> None:
        self.preview = preview
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        host = address[0].lower().strip("[]")
        self.any_address = host in ("", "0.0.0.0", "::")
        self.allowed_hosts = frozenset({host, "127.0.0.1", "::1", *(h.lower() for h in allow_hosts)})
        self.language = i18n.language()  # each connection's thread answers in it
        super().__init__(address, Handler)

    def process_request(self, request, client_address) -> None:
        """One thread per connection, at most MAX_CONNECTIONS at once."""
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except Exception:  # the thread did not start: its slot is free again
            self._slots.release()
            raise
        # Ctrl-C may arrive while Thread.start() waits for the new thread, which
        # then already runs and frees its slot itself: releasing here too would
        # raise ValueError, socketserver would log it and go on serving, and the
        # KeyboardInterrupt that should stop serve would be lost (seen under load).

    def process_request_thread(self, request, client_address) -> None:
        i18n.activate(self.language)
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class PreviewServer6(PreviewServer):
    address_family = socket.AF_INET6


def open_server(host: str, port: int, preview: Preview,
                allow_hosts: tuple[str, ...] = ()) -> PreviewServer:
    if not 0 <= port <= 65535:
        raise _bad_port(port)
    server_class = PreviewServer6 if ":" in host else PreviewServer
    try:
        return server_class((host, port), preview, allow_hosts)
    except (OSError, OverflowError, UnicodeError) as exc:
        if port:
            hint = _("another program (perhaps another briefsite serve) uses it; choose another port, "
                     "e.g. --port {port}").format(port=port + 1)
        else:
            hint = _("check --host")
        raise BriefsiteError(None, 0, _("cannot listen on {host}:{port}: {reason}").format(
            host=host, port=port, reason=getattr(exc, 'strerror', None) or exc), hint=hint)


def _bad_port(port: int) -> BriefsiteError:
    return BriefsiteError(None, 0, _("port {port} is invalid: a port number is from 0 to 65535").format(port=port),
                          hint=_("e.g. --port 8000; --port 0 picks any free port"))


def open_in_browser(address: str) -> None:
    """The preview in the editor's default browser; where none can be
    started (a server, a container), the printed address is enough."""
    import webbrowser

    # Without a desktop, webbrowser would start a text browser (lynx, w3m)
    # in this very terminal, in front of the server's messages.
    desktop = (sys.platform in ("win32", "darwin") or "BROWSER" in os.environ
               or "DISPLAY" in os.environ or "WAYLAND_DISPLAY" in os.environ)
    try:
        if desktop and webbrowser.open(address, new=2):
            return
    except webbrowser.Error:
        pass
    print("warning: " + _("cannot open a browser here; open {address} yourself").format(address=address),
          file=sys.stderr, flush=True)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(source: Path, out: Path, config_path: Path | None, *, host: str = "127.0.0.1",
          port: int = 8000, allow_hosts: tuple[str, ...] = (), open_browser: bool = False) -> int:
    """Run the preview until Ctrl-C (or SIGTERM); returns the exit status."""
    if not 0 <= port <= 65535:
        raise _bad_port(port)
    if not source.is_dir():
        raise BriefsiteError(source, 0, _("source folder not found"),
                             hint=_("check --source, or create bulletins/"))
    output.check_output_folder(out)  # never replace a folder briefsite did not make
    preview = Preview(source, out, config_path)
    preview.follow = open_browser
    server = open_server(host, port, preview, allow_hosts)
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        bound_host, bound_port = server.server_address[:2]
        shown = "127.0.0.1" if bound_host in ("0.0.0.0", "") else bound_host
        shown = f"[{shown}]" if ":" in str(shown) else shown
        preview.address = f"http://{shown}:{bound_port}/"
        preview.rebuild()
        for watcher in (watch_folders, watch_config):
            thread = threading.Thread(target=i18n.in_context(_report_crash), args=(watcher, preview, stop),
                                      name=watcher.__name__, daemon=True)
            thread.start()
            threads.append(thread)
        if not _is_loopback(host):
            print("warning: " + _("listening on {host}: anyone who can reach this machine can read the "
                                  "preview").format(host=host), file=sys.stderr)
        print(_("serving {out}/ at {address} (rebuilds on change; Ctrl-C to stop)").format(
            out=out, address=preview.address), flush=True)
        if open_browser:
            open_in_browser(preview.address)
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (raised alike by the CLI)
        pass
    finally:
        stop.set()
        preview.close()
        server.server_close()
        for thread in threads:
            thread.join(timeout=5)
    print(_("stopped"), flush=True)
    return 0
