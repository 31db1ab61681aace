"""Read and validate bulletin files: source folder in, ``Bulletin`` records out.

Every problem is collected (not raised) so one run reports them all, each
with the file and the line of the offending key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator

from . import controlchars, markup, media
from .config import Config, suffixed_city
from ..errors import BriefsiteError, Problems
from ..i18n import _, ngettext
from ..files import MAX_BULLETIN_BYTES, read_regular
from .front_matter import Field, split
from .model import PRINTED_LABELS, RECIPIENT_KEYS, RECIPIENT_LABELS, Bulletin, RecipientGroup

REQUIRED = ("title", "date", "issuer", "city")
OPTIONAL = ("issue", "total_issue", "recipients", "doc_number", "printed", "printed_by", "contact", "draft")
KNOWN_KEYS = REQUIRED + OPTIONAL
MAX_TEXT = 500  # characters in a one-line masthead value
# Inline Markdown marks per body. Rendering costs ~1 us per character of
# text but up to ~15 us per mark of crafted markup ("![" x 500,000: 56 s for
# 1 MB); real bulletins, in full-width Chinese punctuation, hold hundreds.
# Bounding the marks bounds the worst case to a second or two.
MAX_INLINE_MARKS = 100_000
_INLINE_MARK = re.compile(r"[\[\]!*_`<>&\\~]")
MAX_ISSUE = 1_000_000
# A name must survive every static host and every file system unchanged.
NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A file named <date>-<issue>.md (or <date>.md) states its date and issue
# twice; the URL follows the name, so the two must agree.
NAME_FACTS_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(\d+))?$")
# A heading marker without its space before a Chinese heading (##【县级动态】,
# ###沅江市…): CommonMark shows the '#'s as text; the usual slip with a
# Chinese input method. ASCII after the marks (#tag) is left as text.
UNSPACED_HEADING_RE = re.compile(r"^( {0,3})(#{1,6})(?=[^\x00-\x7f\s])", re.MULTILINE)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
# Files that are not Markdown but look like a bulletin: an original or a
# copied text left in bulletins/ instead of being imported.
FOREIGN_SUFFIXES = (".txt", ".doc", ".docx", ".wps", ".pdf", ".rtf", ".odt")
_BULLETIN_LIKE_RE = re.compile(r"(?:19|20)\d{2}\s*[-_.年/]?\s*\d{1,2}\s*[-_.月/]?\s*\d{1,2}|简报|第\s*\d+\s*期")


def is_ignored(name: str) -> bool:
    """Hidden files and editor leftovers (.#x.md, x.md~, #x.md#) are not bulletins."""
    return name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".tmp", ".bak"))


def discover(source: Path, problems: Problems, folders: set[Path] | None = None) -> list[Path]:
    """Every ``*.md`` under ``source``, sorted; links leaving the folder refused.

    Nothing that looks like a bulletin is passed over silently: a link that
    leaves the source, a folder that cannot be read, or a Markdown file with
    another extension (x.MD, x.markdown) is reported. A bulletin's own folder
    (``x/`` beside ``x.md``: its photos and original, see media.py) holds no
    bulletins; ``folders`` (when given) receives the bulletins that have one.
    """
    found: list[Path] = []
    root = source.resolve()
    media_folders: set[str] = set()

    def unreadable(exc: OSError) -> None:
        problems.error(exc.filename or source, 0, _("cannot read folder: {reason}").format(reason=exc.strerror),
                       _("check its permissions"))

    for dirpath, dirnames, filenames, links in _walk(str(source), unreadable):
        current = Path(dirpath)
        if dirpath in media_folders:
            _check_media_folder(current, dirnames, filenames, problems)
            continue
        dirnames.sort()
        for d in dirnames:
            if f"{d}.md" in filenames and d not in links:
                media_folders.add(os.path.join(dirpath, d))
                if folders is not None:
                    folders.add(current / f"{d}.md")
        # Descend into linked folders only if they stay inside the source.
        for d in list(dirnames):
            if not _utf8_name(d):
                dirnames.remove(d)
                _refuse_name(current / d, _("folder name is not UTF-8{guess}; the bulletins in it are not read"),
                             problems)
                continue
            if is_ignored(d):
                dirnames.remove(d)
                # Passed over by name like x.md~, and counted like it: the
                # summary names every bulletin-like file under such a folder.
                problems.ignored.extend(_markdown_files(current / d))
                continue
            full = current / d
            if d in links:
                dirnames.remove(d)
                if _inside(full, root):
                    problems.warning(full, 0, _("symlinked folder skipped: its files are not read"),
                                     _("link or move its files into the source folder directly"))
                else:
                    problems.error(full, 0, _("symlink points outside the source folder (to {target})").format(
                                       target=_target(full)),
                                   _("copy the bulletins into the source folder instead"))
        dirnames.sort()
        for name in sorted(filenames):
            if not _utf8_name(name):
                if b".md" in os.fsencode(name).lower():
                    _refuse_name(current / name, _("file name is not UTF-8{guess}; the bulletin is not read"),
                                 problems)
                continue
            if is_ignored(name):
                if ".md" in name.lower():  # an editor's leftover of a bulletin
                    problems.ignored.append(current / name)
                continue
            path = current / name
            if not name.endswith(".md"):
                if path.suffix.lower() in (".md", ".markdown", ".mdown", ".mkd"):
                    problems.warning(path, 0, _("not read: only files ending in '.md' are bulletins"),
                                     _("rename it to {name}").format(name=f"{path.stem}.md"))
                elif ".md" in name.lower():  # x.md.orig, x.md.bak: a copy of a bulletin
                    problems.ignored.append(path)
                elif looks_like_foreign_bulletin(name, filenames):
                    _report_foreign(path, problems)
                continue
            if name == "index.md":
                problems.error(path, 0, _("page bundles (a folder with index.md) are not used"),
                               _("a bulletin file is named like its folder and sits beside it: move it to "
                                 "{file}; the photos stay in {folder}/").format(
                                   file=current.parent / (current.name + '.md'), folder=current))
                continue
            if name in links and not _inside(path, root):
                problems.error(path, 1, _("symlink points outside the source folder (to {target})").format(
                                   target=_target(path)),
                               _("copy the file into the source folder instead; no file outside it is read"))
                continue
            found.append(path)
    return found


def _check_media_folder(folder: Path, dirnames: list[str], filenames: list[str], problems: Problems) -> None:
    """A bulletin's folder holds its photos and original only (media.py checks
    those): a Markdown file or a subfolder in it is reported, not read."""
    owner = folder.parent / f"{folder.name}.md"
    for d in sorted(dirnames):
        if not is_ignored(d):
            problems.warning(folder / d, 0, _("folder not read: {folder}/ holds the photos of {owner} only")
                             .format(folder=folder, owner=owner),
                             _("move the files in {subfolder} to {folder}/, or out of the bulletins folder")
                             .format(subfolder=folder / d, folder=folder))
    dirnames.clear()
    for name in sorted(filenames):
        if ".md" in name.lower() and not is_ignored(name):
            problems.error(folder / name, 0, _("not read as a bulletin: {folder}/ holds the photos and "
                                               "original of {owner}").format(folder=folder, owner=owner),
                           _("if it is a bulletin, move it to {parent}/, beside {owner}; otherwise delete it")
                           .format(parent=folder.parent, owner=owner))


def looks_like_foreign_bulletin(name: str, siblings) -> bool:
    """A .txt/.docx/.pdf… named like a bulletin (a date, 简报, 第N期) with no
    Markdown file of the same name beside it (an original kept next to its
    bulletin file is not a forgotten one)."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in FOREIGN_SUFFIXES:
        return False
    return bool(_BULLETIN_LIKE_RE.search(stem)) and f"{stem}.md" not in siblings


def _report_foreign(path: Path, problems: Problems) -> None:
    hint = _("run .venv/bin/briefsite import {file} to turn it into a bulletin file, then move it out of "
             "bulletins/ (or keep the original beside the .md file, under the same name)").format(
                 file=shlex.quote(str(path)))
    problems.warning(path, 0, _("not read: only .md files are bulletins; a {suffix} file is not published")
                     .format(suffix=path.suffix), hint)


def _utf8_name(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python holds them as
    surrogate escapes): a GBK name left by unzipping a Windows archive."""
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def shown_path(path: Path | str) -> str:
    """A path as text that can always be printed: bytes that are not UTF-8 as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _refuse_name(path: Path, message: str, problems: Problems) -> None:
    """A name that is not UTF-8 is refused (not read, not published), with
    the name as GBK would read it when it reads so: build, --no-cache and
    check all see the same error, and the fix is one rename."""
    raw = os.fsencode(path.name)
    try:
        guess = _(" (read as GBK: “{name}”)").format(name=raw.decode('gbk'))
    except UnicodeDecodeError:
        guess = ""
    problems.error(shown_path(path), 0, message.format(guess=guess),
                   _("rename it to a UTF-8 name, e.g. convmv -f GBK -t UTF-8 --notest -r PATH, "
                     "or give the encoding when unzipping: unzip -O GBK"))


MAX_IGNORED_WALK = 100_000  # entries looked at under one ignored folder (a .git can be large)


def _markdown_files(folder: Path) -> list[Path]:
    """Bulletin-like files (names containing .md) under an ignored folder."""
    found: list[Path] = []
    seen = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        seen += len(dirnames) + len(filenames)
        found.extend(Path(dirpath) / n for n in sorted(filenames) if ".md" in n.lower())
        dirnames.sort()
        if seen > MAX_IGNORED_WALK:
            break
    return found


def _walk(top: str, onerror) -> Iterator[tuple[str, list[str], list[str], set[str]]]:
    """``os.walk(top, onerror=onerror)`` (top-down, links not followed) that
    also gives the names in each folder that are symlinks, from the folder
    listing: no stat per file (an lstat each cost ~30 ms per 10,000 files on
    every rebuild)."""
    dirs: list[str] = []
    files: list[str] = []
    links: set[str] = set()
    try:
        with os.scandir(top) as scanner:
            for entry in scanner:
                try:
                    is_dir = entry.is_dir()  # follows a link, as os.walk does
                except OSError:
                    is_dir = False
                (dirs if is_dir else files).append(entry.name)
                try:
                    if entry.is_symlink():
                        links.add(entry.name)
                except OSError:
                    pass
    except OSError as exc:
        onerror(exc)
        return
    yield top, dirs, files, links  # the caller prunes dirs in place
    for name in dirs:
        if name not in links:
            yield from _walk(os.path.join(top, name), onerror)


def _target(link: Path) -> str:
    try:
        return os.readlink(link)
    except OSError:
        return "?"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def decode(data: bytes, path: str) -> str:
    """UTF-8 text with newlines normalised; a clear message for other encodings."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = guess_encoding(data)
        if guess:
            quoted = shlex.quote(path)
            hint = _("convert it with: {command} (or save it as UTF-8 in your editor)").format(
                command=f"iconv -f {guess} -t UTF-8 {quoted} > {quoted}.utf8 && mv {quoted}.utf8 {quoted}")
            what = _("file is not UTF-8; it looks like {encoding}").format(encoding=guess)
        else:
            hint = _("save it as UTF-8 in your editor")
            what = _("file is not UTF-8")
        raise BriefsiteError(path, line, what, hint=hint)
    if "\x00" in text:
        raise BriefsiteError(path, text[: text.index("\x00")].count("\n") + 1,
                             _("file contains NUL bytes; is it a Word or PDF file rather than text?"),
                             hint=_("save or export it as plain text (UTF-8) and add the front-matter"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def guess_encoding(data: bytes) -> str:
    """The likely encoding of text that is not UTF-8, as iconv names it; '' if unknown."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data.count(b"\x00") > len(data) // 4:
        return "UTF-16"  # Windows "Unicode" text: every other byte is zero
    if b"\x00" in data:
        return ""
    for encoding, name in (("gbk", "GBK"), ("gb18030", "GB18030"), ("big5", "BIG5")):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return name
    return ""


@dataclass
class _Checker:
    """Validates the fields of one file, recording problems as it goes."""

    path: str
    fields: dict[str, Field]
    problems: Problems
    opening: int = 1  # line of the opening '---': where a missing key belongs
    earliest: dt.date = dt.date.min  # the plausible dates (config earliest_date, latest_date)
    latest: dt.date = dt.date.max

    def line(self, key: str) -> int:
        return self.fields[key].line if key in self.fields else self.opening

    def missing(self, key: str, example: str) -> None:
        self.problems.error(self.path, self.opening, _("missing required key {key!r}").format(key=key),
                            _("add a line '{key}: {example}' to the front-matter").format(key=key, example=example))

    def text(self, key: str, required: bool = False) -> str | None:
        if key not in self.fields:
            if required:
                self.missing(key, "…")
            return None
        field = self.fields[key]
        value = field.value
        if value is None:
            value = ""
        elif not isinstance(value, str) and field.raw is not None:
            # An unquoted scalar YAML read as a number, date or yes/no: the
            # text as written is what the editor meant (0737… stays 0737…).
            value = field.raw
        if not isinstance(value, str):
            self.problems.error(self.path, self.line(key), _("{key} must be text, not {kind}").format(
                                    key=key, kind=_kind(value)),
                                _("quote the value if it should be text as written"))
            return None
        value = " ".join(value.split())
        if not value:
            if required:
                self.problems.error(self.path, self.line(key), _("{key} is empty").format(key=key),
                                    _("write the {key} after '{key}:'").format(key=key))
            return None
        if len(value) > MAX_TEXT:
            self.problems.error(self.path, self.line(key),
                                _("{key} is {length} characters; the limit is {limit}").format(
                                    key=key, length=len(value), limit=MAX_TEXT),
                                _("a masthead value is one line; move long text into the body"))
            return None
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self._date(key, required)
        if value is not None and not self.earliest <= value <= self.latest:
            self.problems.error(self.path, self.line(key),
                                _("{key} {date} is outside the plausible dates ({earliest} to {latest})").format(
                                    key=key, date=value.isoformat(), earliest=self.earliest.isoformat(),
                                    latest=self.latest.isoformat()),
                                _("check the year for a slip; if an earlier or later date is right, set "
                                  "earliest_date or latest_date in briefsite.yaml"))
            return None
        return value

    def _date(self, key: str, required: bool = False) -> dt.date | None:
        if key not in self.fields:
            if required:
                self.missing(key, "YYYY-MM-DD")
            return None
        value = self.fields[key].value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value is None or value == "":
            self.problems.error(self.path, self.line(key), _("{key} is empty").format(key=key),
                                _("write it as YYYY-MM-DD, e.g. {key}: 2024-05-10").format(key=key))
            return None
        text = str(value).strip()
        if ISO_DATE_RE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                self.problems.error(self.path, self.line(key), _("{key} {date} is not a real date").format(
                                        key=key, date=text),
                                    _("check the month and day"))
                return None
        self.problems.error(self.path, self.line(key),
                            _("{key} {value!r} is not an ISO date: the expected form is YYYY-MM-DD").format(
                                key=key, value=value),
                            _date_hint(text))
        return None

    def integer(self, key: str) -> int | None:
        if key not in self.fields:
            return None
        field = self.fields[key]
        value = field.value
        if field.raw is not None and field.raw.strip().isdecimal():
            digits = field.raw.strip()
            if len(digits.lstrip("0")) > len(str(MAX_ISSUE)):  # and int() of 5,000 digits raises
                self.problems.error(self.path, self.line(key),
                                    _("{key} must be a whole number from 1 to {limit}, not a {digits}-digit "
                                      "number").format(key=key, limit=MAX_ISSUE, digits=len(digits)))
                return None
            value = int(digits)  # 010 is 10 as printed, not YAML 1.1's octal 8
        elif (field.raw is not None and isinstance(value, int) and not isinstance(value, bool)
              and not re.fullmatch(r"[+-]?\d+", field.raw.strip())):
            # YAML 1.1 reads 0x10 as 16, 1:30 as 90 (base 60), 1_000 as 1000,
            # 0b11 as 3: never what a masthead prints. Refuse, do not guess.
            self.problems.error(self.path, self.line(key),
                                _("{key} is written {raw}, which YAML reads as {value}, not the number printed "
                                  "on the bulletin").format(key=key, raw=field.raw.strip(), value=value),
                                _("write decimal digits only, e.g. {key}: {value} (if the original really prints "
                                  "{value}); text kept as written is not an issue number").format(key=key, value=value))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.error(self.path, self.line(key),
                                _("{key} must be a whole number, not {value!r}").format(key=key, value=value),
                                _("write only the number, e.g. 第3期 is 3; leave the key out if there is none"))
            return None
        if value < 1 or value > MAX_ISSUE:
            self.problems.error(self.path, self.line(key),
                                _("{key} must be a whole number from 1 to {limit}, not {value}").format(
                                    key=key, limit=MAX_ISSUE, value=value),
                                _("leave the key out if the original prints no number"))
            return None
        return value

    def boolean(self, key: str) -> bool:
        if key not in self.fields:
            return False
        value = self.fields[key].value
        if not isinstance(value, bool):
            self.problems.error(self.path, self.line(key), _("{key} must be true or false, not {value!r}").format(
                                    key=key, value=value),
                                _("write {key}: true, or leave the key out").format(key=key))
            return False
        return value

    def recipients(self) -> tuple[RecipientGroup, ...]:
        if "recipients" not in self.fields:
            return ()
        value = self.fields["recipients"].value
        line = self.line("recipients")
        if not isinstance(value, dict):
            self.problems.error(self.path, line,
                                _("recipients must be a mapping with report/send/distribute/cc lists"),
                                _("e.g. recipients: then an indented line report: and '- 市委办公室' under it"))
            return ()
        groups = []
        inner = self.fields["recipients"].inner_lines or {}
        known = RECIPIENT_KEYS + tuple(PRINTED_LABELS)
        labels_seen: dict[str, str] = {}
        # Groups print in the order of the file, as the original printed
        # them; so do the names in each.
        for key in value:
            if key not in known:
                self.problems.error(self.path, inner.get(str(key), line),
                                    _("unknown recipients key {key!r}").format(key=key)
                                    + _suggest(str(key), known),
                                    _("use report (报), send (送), distribute (发) or cc (抄送), or the label as "
                                      "printed: {labels}").format(labels="、".join(PRINTED_LABELS)))
                continue
            kind = key if key in RECIPIENT_KEYS else PRINTED_LABELS[key]
            label = RECIPIENT_LABELS[key] if key in RECIPIENT_KEYS else key
            if label in labels_seen:
                self.problems.error(self.path, inner.get(str(key), line),
                                    _("recipients.{key} and recipients.{other} are both printed as “{label}”").format(
                                        key=key, other=labels_seen[label], label=label),
                                    _("merge the two groups into one, keeping only {other}: or {key}:").format(
                                        other=labels_seen[label], key=key))
                continue
            labels_seen[label] = key
            names = value.get(key)
            if names is None:
                continue
            if isinstance(names, str):
                names = [names]
            if isinstance(names, list):
                colons = [(i, n) for i, n in enumerate(names) if isinstance(n, dict) and len(n) == 1]
                for i, entry in colons:
                    (left, right), = entry.items()
                    self.problems.error(self.path, inner.get(f"{key}.{i}", line),
                                        _("this recipients.{key} entry “{left}: {right}” holds a colon and a "
                                          "space, which YAML reads as a key and value, not a name").format(
                                            key=key, left=left, right=right),
                                        _("quote it: - \"{left}: {right}\", or use a full-width colon: "
                                          "- {left}：{right}").format(left=left, right=right))
                if colons:
                    continue
            if not isinstance(names, list) or not names or \
                    not all(isinstance(n, str) and n.strip() for n in names):
                self.problems.error(self.path, line, _("recipients.{key} must be a list of names").format(key=key),
                                    _("one '- name' line per recipient under {key}:").format(key=key))
                continue
            groups.append(RecipientGroup(kind, label, tuple(" ".join(n.split()) for n in names)))
        return tuple(groups)


def _date_hint(text: str) -> str:
    """Show the user's own date in ISO form when it can be read."""
    match = re.fullmatch(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _("write {date}").format(date=f"{year:04d}-{month:02d}-{day:02d}")
    return _("write it as YYYY-MM-DD, e.g. 2024年5月10日 is 2024-05-10")


def _kind(value: Any) -> str:
    names = {list: _("a list"), dict: _("a mapping"), bool: _("true/false"), dt.date: _("a date"),
             dt.datetime: _("a date and time")}
    return names.get(type(value), type(value).__name__)


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return _("; did you mean {word!r}?").format(word=close[0]) if close else ""


def load_bulletin(path: Path, source: Path, config: Config, problems: Problems,
                  md: markup.Parser | None = None) -> Bulletin | None:
    """Read one file; None (with problems recorded) if it cannot be published."""
    shown = str(path)  # as the user would type it: the source folder plus the file
    try:
        data = read_regular(path, MAX_BULLETIN_BYTES)  # no FIFO, device or 1 GB file
        if not data.strip():
            raise BriefsiteError(shown, 1, _("file is empty"),
                                 hint=_("add the front-matter and the bulletin text, or delete the file"))
        text = decode(data, shown)
        parsed = split(text, shown)
    except BriefsiteError as exc:
        problems.items.append(exc)
        return None
    body_start = len(text) - len(parsed.body)  # the body's offset in the file's text
    if not _clean_text(shown, parsed.fields, text, body_start, problems):
        return None

    check = _Checker(shown, parsed.fields, problems, parsed.front_matter_line,
                     config.earliest_date, config.latest_date)
    before = len(problems.errors)
    for key, field in parsed.fields.items():
        if key not in KNOWN_KEYS:
            problems.error(shown, field.line, _("unknown key {key!r}").format(key=key) + _suggest(str(key), KNOWN_KEYS),
                           _("known keys: {keys}").format(keys=", ".join(KNOWN_KEYS)))

    title = check.text("title", required=True)
    date = check.date("date", required=True)
    issuer = check.text("issuer", required=True)
    city = check.text("city", required=True)
    issue = check.integer("issue")
    total_issue = check.integer("total_issue")
    recipients = check.recipients()
    doc_number = check.text("doc_number")
    printed = check.date("printed")
    printed_by = check.text("printed_by")
    contact = check.text("contact")
    draft = check.boolean("draft")

    if not parsed.body.strip():
        problems.error(shown, parsed.body_line, _("the bulletin has no text after the front-matter"),
                       _("paste the bulletin's text below the closing '---'"))

    name = path.stem
    if not NAME_RE.match(name):
        problems.error(shown, 1, _("file name {name!r} cannot be part of a URL").format(name=path.name),
                       _("use only ASCII letters, digits, '-', '_' and '.', e.g. 2024-05-10-1.md (date and issue)"))

    full_city = suffixed_city(city, config.city_slugs) if city else None
    if full_city:
        problems.error(shown, check.line("city"),
                       _("city is written “{city}”: did you mean “{full}”? Without “{suffix}” it is taken "
                         "for another city").format(city=city, full=full_city, suffix=full_city[len(city):]),
                       _("write city: {full}").format(full=full_city))
        city = None
    city_slug = config.city_slug(city) if city else ""
    if city:
        _check_folder(path, source, city, city_slug, check.line("city"), problems)
    if date:
        _check_name_facts(path, shown, date, issue, check, problems)

    marks = _too_many_marks(text, body_start)
    if marks is not None:
        problems.error(shown, marks,
                       _("the body has more than {limit} Markdown marks ([ ] ! * _ ` < > & \\ ~): it does not "
                         "look like a bulletin and is not processed").format(limit=MAX_INLINE_MARKS),
                       _("check that the file is a bulletin's text; if it really holds that many of these "
                         "half-width marks, replace them with full-width ones or split it into several issues"))
        return None
    body = _space_headings(shown, parsed.body, text.count("\n", 0, body_start) + 1, problems)
    rendered = markup.render(controlchars.normalise_layout(body), md)
    first_body_line = text.count("\n", 0, body_start) + 1  # the file line of body line 0
    figures, original = media.resolve(path, shown, first_body_line, rendered.figures, config.image_limits,
                                      problems)
    if len(problems.errors) > before:
        return None
    assert title and date and issuer and city  # guaranteed by the checks above

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
        printed_by=printed_by,
        contact=contact,
        draft=draft,
        figures=figures,
        original=original,
        body_html=rendered.html,
        toc=rendered.toc,
        text=rendered.text,
        lines=MappingProxyType({key: field.line for key, field in parsed.fields.items()}),
    )


def _check_name_facts(path: Path, shown: str, date: dt.date, issue: int | None,
                      check: "_Checker", problems: Problems) -> None:
    """A file named <date>-<issue>.md must hold that date and issue: the page's
    URL follows the name, the masthead the front-matter."""
    match = NAME_FACTS_RE.match(path.stem)
    if not match:
        return
    named_date, named_issue = match.group(1), match.group(2)
    suffix = issue if issue is not None else named_issue
    expected = f"{date.isoformat()}-{int(suffix)}.md" if suffix is not None else f"{date.isoformat()}.md"
    differences = []
    if named_date != date.isoformat():
        differences.append(_("the date is {named}, but date is {date}").format(named=named_date,
                                                                               date=date.isoformat()))
    # <date>-1.md without an issue: may tell two unnumbered bulletins of a day apart.
    if named_issue is not None and issue is not None and int(named_issue) != issue:
        differences.append(_("the issue is {named}, but issue is {issue}").format(named=int(named_issue),
                                                                                  issue=issue))
    if not differences:
        return
    line = check.line("date") if named_date != date.isoformat() else check.line("issue")
    problems.error(shown, line,
                   _("file name {name} disagrees with the masthead: in the file name {differences} (the page "
                     "is published under the file name)").format(name=path.name,
                                                                 differences=_("; ").join(differences)),
                   _("if the masthead is right, rename the file to {expected}; otherwise correct the masthead")
                   .format(expected=expected))


def _space_headings(shown: str, body: str, first_line: int, problems: Problems) -> str:
    """``##【县级动态】`` read as the heading the editor meant, with a warning
    naming the line and the fix (Markdown needs a space after the marks)."""
    if "#" not in body:
        return body
    fences = [m.start() for m in _FENCE_RE.finditer(body)]

    def fix(match: re.Match) -> str:
        if sum(1 for f in fences if f < match.start()) % 2:  # inside a code block: as written
            return match.group(0)
        line = first_line + body.count("\n", 0, match.start())
        end = body.find("\n", match.end())
        text = body[match.end(): end if end >= 0 else len(body)].strip()
        marks = match.group(2)
        problems.warning(shown, line, _("no space after the heading marks {marks}: “{marks}{text}”").format(
                             marks=marks, text=text[:20]),
                         _("write “{marks} {text}” (read as a heading meanwhile)").format(marks=marks, text=text[:20]))
        return f"{match.group(1)}{marks} "

    return UNSPACED_HEADING_RE.sub(fix, body)


def _too_many_marks(text: str, body_start: int) -> int | None:
    """The file line at which the body's inline marks pass the limit; None if they do not."""
    if len(text) - body_start <= MAX_INLINE_MARKS:
        return None
    for count, match in enumerate(_INLINE_MARK.finditer(text, body_start), start=1):
        if count > MAX_INLINE_MARKS:
            return text.count("\n", 0, match.start()) + 1
    return None


def _clean_text(shown: str, fields: dict[str, Field], text: str, body_start: int,
                problems: Problems) -> bool:
    """False, with the errors recorded, if a value or the body holds a
    control character that cannot be published (see ``controlchars``)."""
    clean = True
    for field in fields.values():
        for value in _strings(field.value):
            found = controlchars.first_forbidden(value)
            if found:
                message, hint = controlchars.refusal(found.group())
                problems.error(shown, field.line, message, hint)
                clean = False
                break
    found = controlchars.first_forbidden(text, body_start)
    if found:
        message, hint = controlchars.refusal(found.group())
        problems.error(shown, text.count("\n", 0, found.start()) + 1, message, hint)
        clean = False
    return clean


def _strings(value: Any) -> Iterator[str]:
    """Every text in a front-matter value (keys of mappings included)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _check_folder(path: Path, source: Path, city: str, slug: str, line: int, problems: Problems) -> None:
    """Warn when a file is not in its city's folder: the URL follows the city."""
    try:
        folder = path.relative_to(source).parts[:-1]
    except ValueError:  # pragma: no cover - discover() only yields files under source
        return
    if folder == (slug,):
        return
    if folder:
        where = _("file is in folder {folder!r}").format(folder="/".join(folder))
    else:
        where = _("file is not in a city folder")
    problems.warning(path, line,
                     _("{where}, but city {city} has the slug {slug!r}: its page is published under "
                       "bulletins/{slug}/").format(where=where, city=city, slug=slug),
                     _("move it to {path}, or map the city to another slug under cities: in briefsite.yaml")
                     .format(path=source / slug / path.name))


def source_folder_ok(source: Path, problems: Problems) -> bool:
    """False, with the error recorded, when ``source`` is not a folder."""
    if source.is_dir():
        return True
    what = _("source folder is not a folder") if source.exists() else _("source folder not found")
    problems.error(source, 0, what, _("check --source, or create bulletins/"))
    return False


def load_all(source: Path, config: Config, problems: Problems) -> list[Bulletin]:
    """Every valid bulletin under ``source`` (drafts included), in file order."""
    if not source_folder_ok(source, problems):
        return []
    md = markup.make_parser()
    bulletins = []
    for path in discover(source, problems):
        bulletin = load_bulletin(path, source, config, problems, md)
        if bulletin is not None:
            bulletins.append(bulletin)
    return bulletins
