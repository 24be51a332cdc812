"""Progress of a book render: live bars on a terminal, plain log lines otherwise.

On a terminal, one bar for the whole book and one for each chapter being rendered, with the
characters per second of fresh synthesis and the time left, and once files are being written
a bar for the assembly (which can trail the voice: a fast local voice, or a rerun with every
paragraph cached); the time left is until the book is delivered, the voice's or the
assembly's, whichever is longer. The assembly's rate counts the time it worked, not the time
it waited for the voice to finish a chapter: once the voice is done, what is left goes at the
speed of the files' encoders, not at the voice's; and once it has worked a few seconds alone,
at the rate it has since (faster: the voice no longer takes its share of the processor).
Lines fit the terminal's width
(the book's bar shrinks first), since a line that wraps breaks the redraw. In quiet mode (or
when the stream is not a terminal) a line per finished chapter, for logs. Either way a
summary at the end.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import TextIO

BAR = 24  # characters of a bar
MIN_BAR = 8  # the book's bar shrinks to this on a narrow terminal
REDRAW = 0.2  # seconds between redraws on a terminal
ALONE = 2.0  # seconds of assembly work after the voice that give its rate from then on


@dataclass
class _Chapter:
    title: str
    total: int
    done: int = 0


def clock(seconds: float) -> str:
    """``H:MM:SS`` (or ``M:SS``) for a duration."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def bar(done: int, total: int, width: int = BAR) -> str:
    """A text bar of ``width`` marks, e.g. ``[#########---------------]``."""
    filled = width if total <= 0 else min(width, width * done // total)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


class Progress:
    """Reports a render's progress to ``stream`` (standard error by default)."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.live = not quiet and self.stream.isatty()
        self.chapters: list[_Chapter] = []
        self.fresh = 0  # characters synthesized in this run
        self.assembled = 0  # characters laid out into the delivered files
        self.assembly_busy = 0.0  # seconds the assembly worked (not waiting for the voice)
        self._voice_done: tuple[int, float] | None = None  # (assembled, busy) then
        self.started = time.monotonic()
        self._drawn = 0
        self._last = 0.0

    @property
    def total(self) -> int:
        """Characters in the whole book."""
        return sum(c.total for c in self.chapters)

    @property
    def done(self) -> int:
        """Characters rendered so far (cached ones included)."""
        return sum(c.done for c in self.chapters)

    def start(self, chapters: list[tuple[str, int]]) -> None:
        """A render begins: each chapter's title and size in characters."""
        self.chapters = [_Chapter(title, total) for title, total in chapters]
        self.started = time.monotonic()

    def advance(self, chapter: int, chars: int, synthesized: bool) -> None:
        """A paragraph of ``chars`` characters of ``chapter`` is done (fresh or from cache)."""
        entry = self.chapters[chapter]
        entry.done += chars
        self.fresh += chars if synthesized else 0
        if self.done == self.total and self._voice_done is None:
            self._voice_done = (self.assembled, self.assembly_busy)
        if self.live:
            if time.monotonic() - self._last >= REDRAW or self.done == self.total:
                self._draw()
        elif entry.done == entry.total:
            self._print(
                f"done {chapter + 1}/{len(self.chapters)}: {entry.title} "
                f"({entry.total:,} chars){self._rates()}"
            )

    def assemble(self, chars: int, seconds: float) -> None:
        """A paragraph of ``chars`` characters is laid out into its file, after ``seconds``
        of work since the one before (time spent waiting for the voice left out)."""
        self.assembled += chars
        self.assembly_busy += seconds
        if self.live and (time.monotonic() - self._last >= REDRAW or self.assembled == self.total):
            self._draw()

    def rate(self) -> float:
        """Characters per second of fresh synthesis in this run."""
        elapsed = time.monotonic() - self.started
        return self.fresh / elapsed if elapsed > 0 else 0.0

    def left(self) -> float | None:
        """Seconds until the book is delivered (None: not known yet): the voice's time left
        at its rate, or the assembly's at the rate it works (since the voice is done, once it
        has worked :data:`ALONE` seconds since), whichever is longer."""
        lefts = []
        if (rate := self.rate()) > 0:
            lefts.append((self.total - self.done) / rate)
        chars, busy = self.assembled, self.assembly_busy
        if self._voice_done is not None and busy - self._voice_done[1] >= ALONE:
            chars, busy = chars - self._voice_done[0], busy - self._voice_done[1]
        if chars > 0:
            lefts.append((self.total - self.assembled) * busy / chars)
        return max(lefts, default=None)

    def _rates(self) -> str:
        left = self.left()
        if left is None:
            return ""
        rate = self.rate()
        return (f"  {rate:,.0f} chars/s" if rate > 0 else "") + f"  ETA {clock(left)}"

    def _columns(self) -> int:
        """Characters a line may take: one less than the terminal's width (80 if unknown or
        0), as a line that fills it wraps on some terminals."""
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = 0
        return (columns or 80) - 1

    def _draw(self) -> None:
        self._last = time.monotonic()
        columns = self._columns()
        counts = f" {self.done:,}/{self.total:,} chars{self._rates()}"
        width = max(MIN_BAR, min(BAR, columns - len("book     []") - len(counts)))
        lines = [f"book     {bar(self.done, self.total, width)}{counts}"]
        if self.assembled:
            files = f" {self.assembled:,}/{self.total:,} chars in files"
            lines.append(f"assembly {bar(self.assembled, self.total, width)}{files}")
        for n, entry in enumerate(self.chapters):
            if 0 < entry.done < entry.total:
                lines.append(f"ch {n + 1:<5} {bar(entry.done, entry.total)} {entry.title[:40]}")
        lines = [line[:columns] for line in lines]
        up = f"\x1b[{self._drawn}F" if self._drawn else ""
        self.stream.write(up + "".join(f"\x1b[2K{line}\n" for line in lines) + "\x1b[J")
        self.stream.flush()
        self._drawn = len(lines)

    def _print(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def message(self, line: str) -> None:
        """A line of its own (below the bars on a terminal)."""
        if self.live and self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0
        self._print(line)

    def finish(self, lines: list[str]) -> None:
        """The render is over: print the summary ``lines``."""
        for line in lines:
            self._print(line)
