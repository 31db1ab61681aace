"""Helpers for tests that look at the built site: render it in memory, parse pages.

The site is rendered with the library (config -> archive -> render_site), not
the command line, so these tests need no search index and stay fast; the
command line itself is covered by the end-to-end tests.
"""

from __future__ import annotations

import dataclasses
import shutil
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from briefsite.content.config import Config, load_config
from briefsite.build.site import load_archive, render_site

ROOT = Path(__file__).resolve().parents[1]


def repo_config(**changes) -> Config:
    config = load_config(ROOT / "briefsite.yaml")
    return dataclasses.replace(config, **changes)


def render(source: Path = ROOT / "bulletins", config: Config | None = None) -> dict[str, bytes]:
    """Every output file of the site, by site-relative path."""
    config = config or repo_config()
    archive, _ = load_archive(source, config)
    return dict(render_site(archive, config))


def write_site(files: dict[str, bytes], out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    for rel, data in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out


def resolve(page: str, link: str) -> tuple[str, str]:
    """(site file, fragment) that a relative link on ``page`` points at."""
    parts = urlsplit(link)
    assert not parts.scheme and not parts.netloc and not link.startswith("/"), link
    if not parts.path:
        return page, unquote(parts.fragment)
    base = PurePosixPath(page).parent
    stack: list[str] = []
    for piece in (base / unquote(parts.path)).parts:
        if piece == "..":
            assert stack, f"{link} on {page} leaves the site"
            stack.pop()
        elif piece != ".":
            stack.append(piece)
    target = "/".join(stack)
    if parts.path.endswith("/") or target == "" or not PurePosixPath(target).suffix:
        target = f"{target}/index.html" if target else "index.html"
    return target, unquote(parts.fragment)


@dataclasses.dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: tuple[str, ...] = ()


class Page(HTMLParser):
    """A parsed page: every element with its attributes, text and ancestors."""

    VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col"}

    def __init__(self, markup: str | bytes):
        super().__init__(convert_charrefs=True)
        self.markup = markup.decode("utf-8") if isinstance(markup, bytes) else markup
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(self.markup)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, parents=tuple(e.tag for e in self._open))
        self.elements.append(element)
        if tag not in self.VOID and not tag.endswith("/"):
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs},
                                     parents=tuple(e.tag for e in self._open)))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag
                and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    def meta(self, key: str) -> str | None:
        for e in self.elements:
            if e.tag == "meta" and (e.attrs.get("property") == key or e.attrs.get("name") == key):
                return e.attrs.get("content")
        return None

    def ids(self) -> set[str]:
        return {e.attrs["id"] for e in self.elements if "id" in e.attrs}


def html_pages(files: dict[str, bytes]) -> dict[str, Page]:
    return {path: Page(data) for path, data in files.items() if path.endswith(".html")}
