"""The archive's data: typed records that templates read and never change."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from .media import Figure, Original

# Words that name a kind of bulletin (益阳市…工作简报, …工作动态): a
# masthead's title holds one (import), and two series of one city whose
# titles differ only there are two publications (integrity).
TITLE_WORDS = ("简报", "专报", "快报", "周报", "日报", "旬报", "月报", "通报", "通讯", "要情",
               "专刊", "要报", "摘报", "动态", "信息")

# Recipient groups of the 版记: the four kinds, and the label each prints as
# unless the bulletin printed another one.
RECIPIENT_KEYS = ("report", "send", "distribute", "cc")
RECIPIENT_LABELS = {"report": "报", "send": "送", "distribute": "发", "cc": "抄送"}
# Labels bulletins print in their 版记 (GB/T 9704 has 抄送; 简报 also print
# 报/送/发 and their variants) and the kind each belongs to. Written as the
# key itself (recipients: 分送: …) the page prints the label as the original did.
PRINTED_LABELS = {"报": "report", "报送": "report", "呈报": "report", "呈送": "report",
                  "送": "send", "主送": "send", "送达": "send",
                  "发": "distribute", "分送": "distribute", "发送": "distribute", "印送": "distribute",
                  "抄送": "cc", "抄报": "cc", "抄发": "cc"}
# An issue's number as the bulletin prints it: the same on a site in any language.
ISSUE_LABEL = "第{number}期"
TOTAL_ISSUE_LABEL = "总第{number}期"


@dataclass(frozen=True)
class Heading:
    """A section (level 2) or article headline (level 3) of a bulletin body."""

    level: int
    text: str
    id: str


@dataclass(frozen=True)
class RecipientGroup:
    key: str  # report / send / distribute / cc: the kind, whatever label was printed
    label: str  # as printed: 报 / 送 / 发 / 抄送, or 分送, 抄报, 主送, …
    names: tuple[str, ...]

    @property
    def written_key(self) -> str:
        """How the front-matter names this group: the kind when its usual
        label was printed, else the printed label."""
        return self.key if self.label == RECIPIENT_LABELS[self.key] else self.label


@dataclass(frozen=True)
class Bulletin:
    """One bulletin: its masthead facts, rendered body and place in the site."""

    source: str  # path relative to the source folder, for messages
    name: str  # file stem, the last part of the URL
    title: str
    date: dt.date
    issuer: str
    city: str
    city_slug: str
    url: str  # site-relative, e.g. "bulletins/yiyang/2024-05-10-1/"
    issue: int | None = None
    total_issue: int | None = None
    recipients: tuple[RecipientGroup, ...] = ()
    doc_number: str | None = None
    printed: dt.date | None = None
    printed_by: str | None = None  # 印发机关 when the 版记 names another body than the issuer
    contact: str | None = None
    draft: bool = False
    # Photos of the body in order, and the original document, from the
    # bulletin's folder (media.py).
    figures: tuple[Figure, ...] = ()
    original: Original | None = None
    # body_html, text and toc are most of a bulletin's memory. A bulletin read
    # from the build cache has none of them in memory: they are loaded from the
    # cache on each access (see ``with_lazy_body``), so the archive of a large
    # corpus holds only masthead facts. Not compared: comparing or hashing a
    # bulletin must not read its body (its content hash is ``digest``).
    body_html: str = field(default="", compare=False, repr=False)
    toc: tuple[Heading, ...] = field(default=(), compare=False)
    text: str = field(default="", compare=False, repr=False)  # plain text of the body, for summaries and feeds
    inferred: tuple[str, ...] = field(default=(), compare=False)
    # Front-matter key -> its line in the file, for messages about the whole
    # archive (duplicate issue numbers) found after loading.
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line(self, key: str) -> int:
        """Line of ``key`` in the source file; 1 (the opening '---') if absent."""
        return self.lines.get(key, 1)

    def __getattr__(self, name: str):
        # Called only for attributes not set on the instance: the lazy body.
        if name in LAZY_FIELDS:
            load = self.__dict__.get("_load_body")
            if load is not None:
                return load()[LAZY_FIELDS.index(name)]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def with_lazy_body(self, load) -> "Bulletin":
        """A copy whose body_html, text and toc come from ``load()`` ->
        (body_html, text, toc) when read."""
        light = copy.copy(self)
        for name in LAZY_FIELDS:
            light.__dict__.pop(name, None)
        object.__setattr__(light, "_load_body", load)
        return light

    def loaded(self) -> "Bulletin":
        """This bulletin with its body in memory (itself if it already is)."""
        load = self.__dict__.get("_load_body")
        if load is None:
            return self
        values = load()
        full = copy.copy(self)
        full.__dict__.pop("_load_body")
        full.__dict__.update(zip(LAZY_FIELDS, values))
        return full

    @property
    def series(self) -> tuple[str, str]:
        """Issues of one series share city and masthead title."""
        return (self.city, self.title)

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def issue_label(self) -> str:
        """第N期 as printed, with 总第N期 when known."""
        parts = []
        if self.issue is not None:
            parts.append(ISSUE_LABEL.format(number=self.issue))
        if self.total_issue is not None:
            parts.append(TOTAL_ISSUE_LABEL.format(number=self.total_issue))
        return " ".join(parts)

    @property
    def sort_key(self) -> tuple:
        """Oldest first; ties broken by issue number, then URL, so order is total."""
        return (self.date, self.issue or 0, self.url)


LAZY_FIELDS = ("body_html", "text", "toc")  # in the order load() returns them
for _name in LAZY_FIELDS:  # no class-level default, so a missing one reaches __getattr__
    delattr(Bulletin, _name)


@dataclass(frozen=True)
class CityRef:
    """A city as a bulletin page names it: no list of bulletins, so a page that
    shows it does not depend on (and need not be rebuilt for) the others."""

    name: str
    slug: str

    @property
    def url(self) -> str:
        return f"cities/{self.slug}/"


@dataclass(frozen=True)
class City:
    name: str
    slug: str
    bulletins: tuple[Bulletin, ...]  # newest first

    @property
    def url(self) -> str:
        return f"cities/{self.slug}/"

    @property
    def count(self) -> int:
        return len(self.bulletins)
