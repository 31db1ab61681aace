"""What a long build is doing, stage by stage.

On a terminal each stage gets a tqdm bar (bulletins parsed, pages written,
the search index) once the build has run a second; in a log (CI) each stage
that ends after that second gets one line, never a bar's carriage returns.
Short builds print nothing more than their summary. tqdm: maintained, no
dependencies, and it handles the terminal's width and refresh rate.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from .i18n import _, ngettext

# Seconds a build runs before it shows progress. BRIEFSITE_PROGRESS_AFTER
# changes it (tests: 0 to see every stage, a large value for none).
DEFAULT_AFTER = 1.0


class Progress:
    """Stages of one build, reported to ``stream`` (stderr by default)."""

    def __init__(self, stream: TextIO | None = None, *, after: float | None = None,
                 terminal: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if after is None:
            try:
                after = float(os.environ.get("BRIEFSITE_PROGRESS_AFTER", DEFAULT_AFTER))
            except ValueError:
                after = DEFAULT_AFTER
        self.after = after
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.started = time.monotonic()

    def stage(self, name: str, total: int | None = None, unit: tuple[str, str] | None = None) -> "Stage":
        """``name``: translated; ``unit``: what is counted, as Nn_(singular, plural)."""
        return Stage(self, name, total, unit)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


class Stage:
    """One stage: ``advance`` as items are done; a context manager."""

    def __init__(self, progress: Progress, name: str, total: int | None, unit: tuple[str, str] | None) -> None:
        self.progress = progress
        self.name = name
        self.total = total
        self.unit = unit
        self.count = 0
        self.started = time.monotonic()
        self.bar = None  # a tqdm bar, on a terminal
        if progress.terminal:
            from tqdm import tqdm  # here: it costs ~40 ms of imports (asyncio, importlib.metadata) a log never needs

            # tqdm fills in this format's fields itself; a bar's unit is the singular (files/s).
            self.bar = tqdm(total=total, desc=name, unit=ngettext(*unit, 1) if unit else "it",
                            file=progress.stream, delay=max(0.0, progress.after - progress.elapsed()),
                            leave=True, dynamic_ncols=True,
                            bar_format=None if total else _("{desc}: {n_fmt} {unit} [{elapsed}]"))

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self.bar is not None:
            self.bar.update(n)

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()
            return
        if exc[0] is None and self.progress.elapsed() >= self.progress.after:
            seconds = f"{time.monotonic() - self.started:.1f}"
            if self.unit:
                line = _("{stage}: {count} {unit}, {seconds} s").format(
                    stage=self.name, count=self.count, unit=ngettext(*self.unit, self.count), seconds=seconds)
            else:
                line = _("{stage}: {seconds} s").format(stage=self.name, seconds=seconds)
            print(line, file=self.progress.stream, flush=True)


class NoProgress:
    """For callers that show none (check, serve, tests of the library)."""

    def stage(self, name: str, total: int | None = None, unit: tuple[str, str] | None = None) -> "_NoStage":
        return _NoStage()


class _NoStage:
    def advance(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> "_NoStage":
        return self

    def __exit__(self, *exc) -> None:
        pass
