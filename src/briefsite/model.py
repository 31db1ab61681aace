"""The archive's data: typed records that templates read and never change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Recipient groups of the 版记, in the order they are printed.
RECIPIENT_KEYS = ("report", "send", "distribute", "cc")
RECIPIENT_LABELS = {"report": "报", "send": "送", "distribute": "发", "cc": "抄送"}


@dataclass(frozen=True)
class Heading:
    """A section (level 2) or article headline (level 3) of a bulletin body."""

    level: int
    text: str
    id: str


@dataclass(frozen=True)
class RecipientGroup:
    key: str  # report / send / distribute / cc
    label: str  # 报 / 送 / 发 / 抄送
    names: tuple[str, ...]


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
    contact: str | None = None
    draft: bool = False
    body_html: str = ""
    toc: tuple[Heading, ...] = ()
    text: str = ""  # plain text of the body, for summaries and feeds
    inferred: tuple[str, ...] = field(default=(), compare=False)

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
            parts.append(f"第{self.issue}期")
        if self.total_issue is not None:
            parts.append(f"总第{self.total_issue}期")
        return " ".join(parts)

    @property
    def sort_key(self) -> tuple:
        """Oldest first; ties broken by issue number, then URL, so order is total."""
        return (self.date, self.issue or 0, self.url)


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
