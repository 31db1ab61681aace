"""Read and validate bulletin files: source folder in, ``Bulletin`` records out.

Every problem is collected (not raised) so one run reports them all, each
with the file and the line of the offending key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from markdown_it import MarkdownIt

from . import markup
from .config import Config
from .errors import BriefsiteError, Problems
from .front_matter import Field, split
from .model import RECIPIENT_KEYS, RECIPIENT_LABELS, Bulletin, RecipientGroup

REQUIRED = ("title", "date", "issuer", "city")
OPTIONAL = ("issue", "total_issue", "recipients", "doc_number", "printed", "contact", "draft")
KNOWN_KEYS = REQUIRED + OPTIONAL
MAX_TEXT = 500  # characters in a one-line masthead value
# A name must survive every static host and every file system unchanged.
NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_ignored(name: str) -> bool:
    """Hidden files and editor leftovers (.#x.md, x.md~, #x.md#) are not bulletins."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".tmp", ".bak"))


def discover(source: Path, problems: Problems) -> list[Path]:
    """Every ``*.md`` under ``source``, sorted; links leaving the folder refused."""
    found: list[Path] = []
    root = source.resolve()
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        current = Path(dirpath)
        # Descend into linked folders only if they stay inside the source.
        for d in list(dirnames):
            if is_ignored(d):
                dirnames.remove(d)
                continue
            full = current / d
            if full.is_symlink():
                dirnames.remove(d)
                if _inside(full, root):
                    problems.warning(_rel(full, source), 0,
                                     "symlinked folder skipped", "link its files directly instead")
                else:
                    problems.error(_rel(full, source), 0, "symlink points outside the source folder",
                                   "copy the bulletins into the source folder instead")
        dirnames.sort()
        for name in sorted(filenames):
            if is_ignored(name) or not name.endswith(".md"):
                continue
            path = current / name
            if path.is_symlink() and not _inside(path, root):
                problems.error(_rel(path, source), 0, "symlink points outside the source folder",
                               "copy the file into the source folder instead")
                continue
            found.append(path)
    return found


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _rel(path: Path, source: Path) -> str:
    """Path as the user would type it: the source folder plus the file."""
    return str(path)


def decode(data: bytes, path: str) -> str:
    """UTF-8 text with newlines normalised; a clear message for other encodings."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = _guess_encoding(data)
        hint = (f"it looks like {guess}; convert it with: iconv -f {guess} -t UTF-8 "
                f"{path} > fixed.md, or save it as UTF-8 in your editor")
        raise BriefsiteError(path, line, "file is not UTF-8", hint=hint)
    if "\x00" in text:
        raise BriefsiteError(path, text[: text.index("\x00")].count("\n") + 1,
                             "file contains NUL bytes; is it a Word or PDF file rather than text?",
                             hint="save or export it as plain text (UTF-8) and add the front-matter")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess_encoding(data: bytes) -> str:
    for encoding in ("gb18030", "big5", "utf-16"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "GBK" if encoding == "gb18030" else encoding.upper()
    return "an unknown encoding"


@dataclass
class _Checker:
    """Validates the fields of one file, recording problems as it goes."""

    path: str
    fields: dict[str, Field]
    problems: Problems

    def line(self, key: str) -> int:
        return self.fields[key].line if key in self.fields else 1

    def text(self, key: str, required: bool = False) -> str | None:
        if key not in self.fields:
            if required:
                self.problems.error(self.path, 1, f"missing required key {key!r}",
                                    f"add a line '{key}: …' to the front-matter")
            return None
        value = self.fields[key].value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # e.g. a numeric contact line; harmless
        if not isinstance(value, str):
            self.problems.error(self.path, self.line(key),
                                f"{key} must be text, not {_kind(value)}")
            return None
        value = " ".join(value.split())
        if not value:
            if required:
                self.problems.error(self.path, self.line(key), f"{key} is empty")
            return None
        if len(value) > MAX_TEXT:
            self.problems.error(self.path, self.line(key),
                                f"{key} is {len(value)} characters; the limit is {MAX_TEXT}")
            return None
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        if key not in self.fields:
            if required:
                self.problems.error(self.path, 1, f"missing required key {key!r}",
                                    f"add a line '{key}: YYYY-MM-DD', e.g. {key}: 2024-05-10")
            return None
        value = self.fields[key].value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and ISO_DATE_RE.match(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                self.problems.error(self.path, self.line(key), f"{key} {value!r} is not a real date")
                return None
        self.problems.error(self.path, self.line(key),
                            f"{key} {value!r} is not an ISO date",
                            "write it as YYYY-MM-DD, e.g. 2024年5月10日 is 2024-05-10")
        return None

    def integer(self, key: str) -> int | None:
        if key not in self.fields:
            return None
        value = self.fields[key].value
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.error(self.path, self.line(key),
                                f"{key} must be a whole number, not {value!r}",
                                "write only the number, e.g. 第3期 is 3; leave the key out if there is none")
            return None
        if value < 1 or value > 1_000_000:
            self.problems.error(self.path, self.line(key), f"{key} must be at least 1, not {value}")
            return None
        return value

    def boolean(self, key: str) -> bool:
        if key not in self.fields:
            return False
        value = self.fields[key].value
        if not isinstance(value, bool):
            self.problems.error(self.path, self.line(key), f"{key} must be true or false, not {value!r}")
            return False
        return value

    def recipients(self) -> tuple[RecipientGroup, ...]:
        if "recipients" not in self.fields:
            return ()
        value = self.fields["recipients"].value
        line = self.line("recipients")
        if not isinstance(value, dict):
            self.problems.error(self.path, line,
                                "recipients must be a mapping with report/send/distribute/cc lists",
                                "e.g. recipients:\\n  report:\\n    - 市委办公室")
            return ()
        groups = []
        for key in value:
            if key not in RECIPIENT_KEYS:
                self.problems.error(self.path, line, f"unknown recipients key {key!r}"
                                    + _suggest(str(key), RECIPIENT_KEYS),
                                    "use report (报), send (送), distribute (发) or cc (抄送)")
        for key in RECIPIENT_KEYS:
            names = value.get(key)
            if names is None:
                continue
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                self.problems.error(self.path, line, f"recipients.{key} must be a list of names")
                continue
            groups.append(RecipientGroup(key, RECIPIENT_LABELS[key],
                                         tuple(" ".join(n.split()) for n in names)))
        return tuple(groups)


def _kind(value: Any) -> str:
    return {list: "a list", dict: "a mapping", bool: "true/false"}.get(type(value), type(value).__name__)


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"; did you mean {close[0]!r}?" if close else ""


def load_bulletin(path: Path, source: Path, config: Config, problems: Problems,
                  md: MarkdownIt | None = None) -> Bulletin | None:
    """Read one file; None (with problems recorded) if it cannot be published."""
    shown = _rel(path, source)
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(shown, 0, f"cannot read file: {exc.strerror}")
        return None
    try:
        if not data.strip():
            raise BriefsiteError(shown, 1, "file is empty",
                                 hint="add the front-matter and the bulletin text, or delete the file")
        text = decode(data, shown)
        parsed = split(text, shown)
    except BriefsiteError as exc:
        problems.items.append(exc)
        return None

    check = _Checker(shown, parsed.fields, problems)
    before = len(problems.errors)
    for key, field in parsed.fields.items():
        if key not in KNOWN_KEYS:
            problems.error(shown, field.line, f"unknown key {key!r}" + _suggest(key, KNOWN_KEYS),
                           "known keys: " + ", ".join(KNOWN_KEYS))

    title = check.text("title", required=True)
    date = check.date("date", required=True)
    issuer = check.text("issuer", required=True)
    city = check.text("city", required=True)
    issue = check.integer("issue")
    total_issue = check.integer("total_issue")
    recipients = check.recipients()
    doc_number = check.text("doc_number")
    printed = check.date("printed")
    contact = check.text("contact")
    draft = check.boolean("draft")

    if not parsed.body.strip():
        problems.error(shown, parsed.body_line, "the bulletin has no text after the front-matter",
                       "paste the bulletin's text below the closing '---'")

    name = path.stem
    if not NAME_RE.match(name):
        problems.error(shown, 0, f"file name {path.name!r} cannot be part of a URL",
                       "use ASCII letters, digits and '-', e.g. 2024-05-10-1.md (date and issue)")

    city_slug = config.city_slug(city) if city else ""
    if city and path.parent != source:
        folder = path.parent.name
        if folder != city_slug:
            problems.warning(shown, check.line("city"),
                             f"file is in folder {folder!r} but city {city} has slug {city_slug!r}; "
                             f"its page is published under bulletins/{city_slug}/",
                             f"move it to {source.name}/{city_slug}/ or map the city in briefsite.yaml")

    if len(problems.errors) > before:
        return None
    assert title and date and issuer and city  # guaranteed by the checks above

    rendered = markup.render(parsed.body, md)
    return Bulletin(
        source=shown,
        name=name,
        title=title,
        date=date,
        issuer=issuer,
        city=city,
        city_slug=city_slug,
        url=f"bulletins/{city_slug}/{name}/",
        issue=issue,
        total_issue=total_issue,
        recipients=recipients,
        doc_number=doc_number,
        printed=printed,
        contact=contact,
        draft=draft,
        body_html=rendered.html,
        toc=rendered.toc,
        text=rendered.text,
    )


def load_all(source: Path, config: Config, problems: Problems) -> list[Bulletin]:
    """Every valid bulletin under ``source`` (drafts included), in file order."""
    if not source.is_dir():
        problems.error(source, 0, "source folder not found", "check --source, or create bulletins/")
        return []
    md = markup.make_parser()
    bulletins = []
    for path in discover(source, problems):
        bulletin = load_bulletin(path, source, config, problems, md)
        if bulletin is not None:
            bulletins.append(bulletin)
    return bulletins


def iter_sources(source: Path) -> Iterator[Path]:
    """The files a build considers, for tools that only need the list."""
    return iter(discover(source, Problems()))
