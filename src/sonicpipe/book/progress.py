"""Progress of a book render: live bars on a terminal, plain log lines otherwise.

On a terminal, one bar for the whole book and one for each chapter being rendered, with the
characters per second of fresh synthesis and the time left, and once files are being written
a bar for the assembly (which can trail the voice: a fast local voice, or a rerun with every
paragraph cached); the time left is until the book is delivered, the voice's or the
assembly's, whichever is longer. The assembly's rate counts the time it worked, not the time
it waited for the voice to finish a chapter: once the voice is done, what is left goes at the
speed of the files' encoders, not at the voice's; and once it has worked a few seconds alone,
at the rate it has since (faster: the voice no longer takes its share of the processor).

The voice's pace counts fresh synthesis only (paragraphs from the cache are no work): a
straight line fitted by least squares to the characters synthesized against time, at the
moments paragraphs came in over the last :data:`WINDOW` seconds. Contexts that finish
together in a burst move it little, and a change of pace shows within the window. The
voice's time left is until that line reaches the book's end; it counts down between
paragraphs, and stops counting down after a wait longer than any between two paragraphs so
far (a stall puts the end off by as long). No time left is given (``ETA …``) before
:data:`MIN_SHARE` of the run's new characters are synthesized.

Lines fit the terminal's width
(the book's bar shrinks first), since a line that wraps breaks the redraw. In quiet mode (or
when the stream is not a terminal) a line per finished chapter, for logs. Either way a
summary at the end.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

BAR = 24  # characters of a bar
MIN_BAR = 8  # the book's bar shrinks to this on a narrow terminal
REDRAW = 0.2  # seconds between redraws on a terminal
ALONE = 2.0  # seconds of assembly work after the voice that give its rate from then on
WINDOW = 300.0  # seconds of the latest synthesis the voice's pace is fitted to
MERGE = 0.05  # seconds within which paragraphs that come in are one moment (one chunk)
MIN_SHARE = 0.05  # share of the run's new characters synthesized before the time left is given


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


def _moved(sums: list[float], point: tuple[float, int], sign: int) -> list[float]:
    """``sums`` of 1, t, f, t*t and t*f with those of ``point`` (t, f) added (``sign`` 1)
    or taken out (-1)."""
    at, chars = point
    terms = (1.0, at, chars, at * at, at * chars)
    return [total + sign * term for total, term in zip(sums, terms, strict=True)]


class _Pace:
    """The voice's pace: a straight line fitted by least squares to the characters synthesized
    against time, at the moments synthesis came in within the window (kept as sums over the
    points, so that a point is added and dropped at no cost). What comes in within
    :data:`MERGE` seconds of a moment's first paragraph is that moment (paragraphs that one
    chunk of audio finished): a burst is one point, not a column of them, and the line
    leaves it out until it is over (the bars are drawn as its first paragraph comes in)."""

    def __init__(self, began: float) -> None:
        self.began = began
        self.points: deque[tuple[float, int]] = deque([(0.0, 0)])  # (seconds since, chars)
        self.sums = [1.0, 0.0, 0.0, 0.0, 0.0]  # of 1, t, f, t*t, t*f over the points
        self.longest = 0.0  # the longest wait between two points
        self._moment = -MERGE  # when the last moment's first paragraph came in

    def came(self, now: float, chars: int) -> None:
        """``chars`` characters have been synthesized in all, ``now``."""
        at = now - self.began
        self.longest = max(self.longest, at - self.points[-1][0])
        if at - self._moment < MERGE:
            self.sums = _moved(self.sums, self.points.pop(), -1)
        else:
            self._moment = at
        self.points.append((at, chars))
        self.sums = _moved(self.sums, (at, chars), 1)
        since = at - WINDOW  # and the last point before, for a line however far apart
        while self.points[1][0] < since:
            self.sums = _moved(self.sums, self.points.popleft(), -1)

    def line(self, now: float) -> tuple[float, float, float] | None:
        """The line's slope (characters per second), the last point it is fitted to (its
        seconds since the voice began) and the line's characters then (None: no line)."""
        sums, points = self.sums, len(self.points)
        if now - self.began - self._moment < MERGE:  # a moment still coming in
            sums = _moved(sums, self.points[-1], -1)
            points -= 1
        count, t, f, tt, tf = sums
        spread = count * tt - t * t
        if points < 2 or spread <= 0:
            return None
        slope = (count * tf - t * f) / spread
        last = self.points[points - 1][0]
        return slope, last, (f + slope * (count * last - t)) / count

    def left(self, now: float, chars: int) -> float | None:
        """Seconds until ``chars`` characters are synthesized in all (None: not known):
        when the line reaches them, less the wait since its last point, up to the longest
        wait between two (a longer one is a stall, which puts the end off)."""
        line = self.line(now)
        if line is None or line[0] <= 0:
            return None
        slope, last, level = line
        waited = min(now - self.began - last, self.longest)
        return max(0.0, (chars - level) / slope - waited)


class Progress:
    """Reports a render's progress to ``stream`` (standard error by default); ``now`` is the
    clock, in seconds (a test gives its own)."""

    def __init__(
        self,
        stream: TextIO | None = None,
        quiet: bool = False,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.live = not quiet and self.stream.isatty()
        self.now = now
        self.chapters: list[_Chapter] = []
        self.fresh = 0  # characters synthesized in this run
        self.assembled = 0  # characters laid out into the delivered files
        self.assembly_busy = 0.0  # seconds the assembly worked (not waiting for the voice)
        self._voice_done: tuple[int, float] | None = None  # (assembled, busy) then
        self._pace = _Pace(now())
        self._drawn = 0
        self._last = -float("inf")  # when the bars were drawn

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
        self._pace = _Pace(self.now())

    def advance(self, chapter: int, chars: int, synthesized: bool) -> None:
        """A paragraph of ``chars`` characters of ``chapter`` is done (fresh or from cache)."""
        now = self.now()
        entry = self.chapters[chapter]
        entry.done += chars
        if synthesized:
            self.fresh += chars
            self._pace.came(now, self.fresh)
        elif not self.fresh:
            self._pace = _Pace(now)  # the voice begins once the cache is read
        if self.done == self.total and self._voice_done is None:
            self._voice_done = (self.assembled, self.assembly_busy)
        if self.live:
            if now - self._last >= REDRAW or self.done == self.total:
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
        if self.live and (self.now() - self._last >= REDRAW or self.assembled == self.total):
            self._draw()

    def rate(self) -> float:
        """Characters per second of fresh synthesis in this run: the voice's pace over the
        last :data:`WINDOW` seconds (0.0: none yet)."""
        line = self._pace.line(self.now())
        return max(0.0, line[0]) if line else 0.0

    def left(self) -> float | None:
        """Seconds until the book is delivered (None: not known yet): the voice's time left
        at its pace (once :data:`MIN_SHARE` of its work is done), or the assembly's at the
        rate it works (since the voice is done, once it has worked :data:`ALONE` seconds
        since), whichever is longer; when the voice is done, the assembly's once known."""
        voice = 0.0
        if remaining := self.total - self.done:
            pace = self._pace.left(self.now(), self.fresh + remaining)
            if pace is None or self.fresh < MIN_SHARE * (self.fresh + remaining):
                return None
            voice = pace
        chars, busy = self.assembled, self.assembly_busy
        if self._voice_done is not None and busy - self._voice_done[1] >= ALONE:
            chars, busy = chars - self._voice_done[0], busy - self._voice_done[1]
        if chars > 0:
            return max(voice, (self.total - self.assembled) * busy / chars)
        return voice if remaining else None

    def _rates(self) -> str:
        rate, left = self.rate(), self.left()
        shown = f"  {rate:,.0f} chars/s" if rate > 0 else ""
        return shown + f"  ETA {'…' if left is None else clock(left)}"

    def _columns(self) -> int:
        """Characters a line may take: one less than the terminal's width (80 if unknown or
        0), as a line that fills it wraps on some terminals."""
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = 0
        return (columns or 80) - 1

    def _draw(self) -> None:
        self._last = self.now()
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
