"""``bulletins.json``: every published bulletin's front-matter and URL, for
other tools (spreadsheets, scripts, other sites).

The shape is fixed: every key is present in every record (null or [] when the
bulletin does not print that fact), dates are ISO ``YYYY-MM-DD`` and each
recipient group is a list of names in printed order. Records are newest
first, in the archive's total order (date, issue, URL), so the file is the
same for the same archive.
"""

from __future__ import annotations

import json
from typing import Any

from .archive import Archive
from .config import Config
from .model import RECIPIENT_KEYS, Bulletin

EXPORT_PATH = "bulletins.json"
FORMAT_VERSION = 1  # bump when a key changes meaning or disappears


def bulletin_record(bulletin: Bulletin, config: Config) -> dict[str, Any]:
    groups = {group.key: list(group.names) for group in bulletin.recipients}
    return {
        "url": bulletin.url,
        "absolute_url": (config.base_url + bulletin.url) if config.base_url else None,
        "title": bulletin.title,
        "issue": bulletin.issue,
        "total_issue": bulletin.total_issue,
        "date": bulletin.date.isoformat(),
        "issuer": bulletin.issuer,
        "city": bulletin.city,
        "city_slug": bulletin.city_slug,
        "recipients": {key: groups.get(key, []) for key in RECIPIENT_KEYS},
        "doc_number": bulletin.doc_number,
        "printed": bulletin.printed.isoformat() if bulletin.printed else None,
        "contact": bulletin.contact,
        "headlines": [h.text for h in bulletin.toc if h.level == 3],
    }


def bulletins_json(archive: Archive, config: Config) -> bytes:
    data = {
        "format": FORMAT_VERSION,
        "title": config.title,
        "base_url": config.base_url or None,
        "count": len(archive.bulletins),
        "bulletins": [bulletin_record(b, config) for b in archive.bulletins],
    }
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
