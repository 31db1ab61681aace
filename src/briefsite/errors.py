"""One error type for everything a user can get wrong.

Every problem names the file and line it comes from, so the command line can
print ``path:line: message`` the way compilers do and editors can jump to it.
Problems are collected rather than raised one at a time, so a single run
reports every broken bulletin at once. Messages are made in the chosen
language (i18n.py) when the problem is found; ``path:line:`` and the keywords
``error``/``warning`` are never translated, so tools can parse them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .i18n import ngettext


class BriefsiteError(Exception):
    """A problem in the user's input or environment, with its location.

    ``line`` is 1-based; 0 means the problem concerns the file as a whole.
    ``severity`` is "error" (the build fails) or "warning" (reported only,
    an error under ``--strict``).
    """

    def __init__(self, path: str | Path | None, line: int, message: str,
                 *, hint: str = "", severity: str = "error") -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        self.hint = hint
        self.severity = severity
        super().__init__(self.format())

    def format(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def sort_key(self) -> tuple:
        return (self.path or "", self.line, self.message)

    def record(self) -> tuple:
        """The problem as plain values, as the build cache stores it."""
        return (self.path, self.line, self.message, self.hint, self.severity)

    @classmethod
    def from_record(cls, record: tuple) -> "BriefsiteError":
        path, line, message, hint, severity = record
        return cls(path, line, message, hint=hint, severity=severity)

    def __reduce__(self):
        # Rebuilt from its record, so it survives the trip back from a
        # worker process (Exception's own pickling would call __init__ with
        # the formatted text alone).
        return (_from_record, (type(self), self.record()))


class BuildFailed(BriefsiteError):
    """Raised when validation found errors; carries all of them."""

    def __init__(self, problems: list[BriefsiteError]) -> None:
        self.problems = sorted(problems, key=BriefsiteError.sort_key)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(None, 0, ngettext("{count} error; nothing was written",
                                           "{count} errors; nothing was written", len(errors)).format(count=len(errors)))

    def __reduce__(self):
        return (type(self), (self.problems,))


def _from_record(kind: type, record: tuple) -> BriefsiteError:
    path, line, message, hint, severity = record
    return kind(path, line, message, hint=hint, severity=severity)


@dataclass
class Problems:
    """Collects errors and warnings found while checking the input."""

    items: list[BriefsiteError] = field(default_factory=list)
    # Not problems but reported with them: Markdown-looking files passed over
    # by name (.#x.md, x.md~, ...), so a summary can say none went unseen.
    ignored: list = field(default_factory=list)

    def error(self, path, line: int, message: str, hint: str = "") -> None:
        self.items.append(BriefsiteError(path, line, message, hint=hint))

    def warning(self, path, line: int, message: str, hint: str = "") -> None:
        self.items.append(BriefsiteError(path, line, message, hint=hint, severity="warning"))

    def extend(self, other: "Problems | list[BriefsiteError]") -> None:
        if isinstance(other, Problems):
            self.items.extend(other.items)
            self.ignored.extend(other.ignored)
        else:
            self.items.extend(other)

    @property
    def errors(self) -> list[BriefsiteError]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[BriefsiteError]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[BriefsiteError]:
        return sorted(self.items, key=BriefsiteError.sort_key)
