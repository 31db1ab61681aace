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

from tqdm import tqdm

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

    def stage(self, name: str, total: int | None = None, unit: str = "") -> "Stage":
        return Stage(self, name, total, unit)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


class Stage:
    """One stage: ``advance`` as items are done; a context manager."""

    def __init__(self, progress: Progress, name: str, total: int | None, unit: str) -> None:
        self.progress = progress
        self.name = name
        self.total = total
        self.unit = unit
        self.count = 0
        self.started = time.monotonic()
        self.bar: tqdm | None = None
        if progress.terminal:
            self.bar = tqdm(total=total, desc=name, unit=unit or "it", file=progress.stream,
                            delay=max(0.0, progress.after - progress.elapsed()), leave=True,
                            dynamic_ncols=True, bar_format=None if total else "{desc}：{n_fmt} {unit} [{elapsed}]")

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
            what = f"{self.count} {self.unit}，" if self.unit else ""
            print(f"{self.name}：{what}{time.monotonic() - self.started:.1f} s", file=self.progress.stream,
                  flush=True)


class NoProgress:
    """For callers that show none (check, serve, tests of the library)."""

    def stage(self, name: str, total: int | None = None, unit: str = "") -> "_NoStage":
        return _NoStage()


class _NoStage:
    def advance(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> "_NoStage":
        return self

    def __exit__(self, *exc) -> None:
        pass
