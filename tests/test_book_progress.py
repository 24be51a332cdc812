"""Progress of a book render: log lines when quiet, live bars on a terminal."""

from __future__ import annotations

import fcntl
import io
import itertools
import os
import re
import select
import struct
import termios
import tty
from collections.abc import Iterator

import pytest

from sonicpipe.book.progress import REDRAW, Progress, bar, clock


class Clock:
    """The time a test says it is, in seconds."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal:
    """A real pseudo-terminal (raw mode): Progress writes to it, the test reads what it shows."""

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.stream = os.fdopen(slave, "w")
        self.seen = b""

    def getvalue(self) -> str:
        self.stream.flush()
        while select.select([self.master], [], [], 0.05)[0]:
            self.seen += os.read(self.master, 65536)
        return self.seen.decode()

    def screen(self) -> list[str]:
        """The lines the terminal shows now: text, newlines and the cursor and erase codes
        Progress uses (up n lines, erase the line, erase to the end of the screen)."""
        lines, row, col = [""], 0, 0
        for token in re.split(r"(\x1b\[\d*[A-Za-z]|\n)", self.getvalue()):
            if token == "\n":
                row, col = row + 1, 0
                lines += [""] * (row + 1 - len(lines))
            elif token.startswith("\x1b["):
                arg, code = token[2:-1], token[-1]
                assert code in "FKJ", f"a code the test terminal does not know: {token!r}"
                if code == "F":
                    row, col = max(row - int(arg or 1), 0), 0
                elif code == "K":
                    lines[row] = ""
                else:
                    del lines[row + 1 :]
                    lines[row] = lines[row][:col]
            elif token:
                lines[row] = lines[row][:col] + token + lines[row][col + len(token) :]
                col += len(token)
        return lines[:-1] if lines[-1] == "" else lines

    def close(self) -> None:
        self.stream.close()
        os.close(self.master)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    tty_ = Terminal()
    yield tty_
    tty_.close()


def test_quiet_mode_logs_one_line_per_finished_chapter_and_the_summary() -> None:
    stream, now = io.StringIO(), Clock()
    progress = Progress(stream, quiet=True, now=now)
    progress.start([("One", 100), ("Two", 50), ("Three", 20)])
    progress.advance(2, 20, synthesized=False)
    assert stream.getvalue() == "done 3/3: Three (20 chars)  ETA …\n", "nothing to go by yet"
    progress.advance(0, 60, synthesized=False)
    now.now = 2.0
    progress.advance(0, 20, synthesized=True)
    now.now = 4.0
    progress.advance(0, 20, synthesized=True)  # 10 chars/s: 50 left, 5 s
    progress.assemble(100, 1.0)  # 100 chars/s: 70 left, 0.7 s
    now.now = 9.0
    progress.advance(1, 50, synthesized=True)
    progress.finish(["all done"])
    lines = stream.getvalue().splitlines()
    assert lines[1] == "done 1/3: One (100 chars)  10 chars/s  ETA 0:05"
    assert lines[2] == "done 2/3: Two (50 chars)  10 chars/s  ETA 0:01"  # the assembly's
    assert lines[3] == "all done"
    assert "\x1b[" not in stream.getvalue()


def test_terminal_shows_book_and_current_chapter_bars_with_rate_and_eta(
    terminal: Terminal,
) -> None:
    stream, now = terminal, Clock()
    assert terminal.stream.isatty()
    progress = Progress(terminal.stream, now=now)
    progress.start([("One", 100), ("Two", 300)])
    now.now = 5.0
    progress.advance(1, 75, synthesized=True)
    now.now = 10.0
    progress.advance(1, 75, synthesized=True)  # 15 chars/s: 250 left, 16.7 s
    first = stream.getvalue()
    assert "book     [#########---------------] 150/400 chars  15 chars/s  ETA 0:17" in first
    assert "ch 2     [############------------] Two" in first
    assert "ch 1" not in first  # not started yet
    progress.message("a note")
    progress.advance(0, 100, synthesized=False)
    progress.advance(1, 150, synthesized=True)
    progress.finish(["summary"])
    out = stream.getvalue()
    assert "a note\n" in out and out.endswith("summary\n")
    assert "400/400 chars" in out


def test_redraws_replace_the_bars_in_place_and_a_message_takes_their_place(
    terminal: Terminal,
) -> None:
    now = Clock()
    progress = Progress(terminal.stream, now=now)
    progress.start([("One", 100), ("Two", 300)])
    progress.advance(1, 150, synthesized=True)
    assert [line[:9] for line in terminal.screen()] == ["book     ", "ch 2     "]
    now.now = REDRAW  # time to redraw
    progress.advance(0, 100, synthesized=True)
    shown = terminal.screen()
    assert [line[:9] for line in shown] == ["book     ", "ch 2     "], "drawn over the last bars"
    assert " 250/400 chars" in shown[0]
    progress.advance(1, 150, synthesized=True)  # the book is done: one bar left
    [book] = terminal.screen()
    assert book.startswith("book     [########################] 400/400 chars")
    progress.message("a note")
    progress.finish(["summary"])
    assert terminal.screen() == ["a note", "summary"], "the bars gave way to the message"


def test_the_time_left_counts_an_assembly_that_trails_the_voice(terminal: Terminal) -> None:
    """A rerun with every paragraph cached: the voice is done at once, and the time left is
    the assembly's, at the rate it lays paragraphs into files."""
    now = Clock()
    progress = Progress(terminal.stream, now=now)
    progress.start([("One", 100), ("Two", 300)])
    progress.advance(0, 100, synthesized=False)
    progress.advance(1, 300, synthesized=False)
    assert progress.left() is None  # nothing synthesized, nothing assembled: not known yet
    assert "400/400 chars  ETA …" in terminal.getvalue()
    assert "assembly" not in terminal.getvalue()
    progress.assemble(50, 4.0)
    now.now = REDRAW  # time to redraw
    progress.assemble(50, 6.0)  # 100 characters in 10 s of work
    shown = terminal.getvalue()
    assert "book     [########################] 400/400 chars  ETA 0:30" in shown
    assert "assembly [######------------------] 100/400 chars in files" in shown
    assert "chars/s" not in shown  # no fresh synthesis to give a rate of


def test_the_time_left_is_the_voice_s_while_the_assembly_keeps_up() -> None:
    now = Clock()
    progress = Progress(io.StringIO(), quiet=True, now=now)
    progress.start([("One", 400)])
    now.now = 10.0
    progress.advance(0, 100, synthesized=True)  # 10 chars/s: 30 s left
    progress.assemble(100, 5.0)  # 20 chars/s: 15 s left
    now.now = 12.0
    assert progress.left() == pytest.approx(28.0)


def test_the_assembly_s_time_left_counts_its_work_not_its_waits_for_the_voice() -> None:
    """An MP3 book: the assembly kept up with the voice, waiting for each chapter, and is
    left encoding the last ones after it. Its time left is at the speed it works (here 100
    characters in 10 s of work, over the 5 minutes the voice took): 30 s, not 15 minutes."""
    now = Clock()
    progress = Progress(io.StringIO(), quiet=True, now=now)
    progress.start([("One", 100), ("Two", 300)])
    now.now = 300.0
    progress.advance(0, 100, synthesized=True)
    progress.advance(1, 300, synthesized=True)  # the voice is done
    for _ in range(10):  # laid out as chapter 1 came in: 1 s of work for each paragraph
        progress.assemble(10, 1.0)
    left = progress.left()
    assert left is not None and 29.9 < left < 30.1


def test_clock_and_bar_formats() -> None:
    assert clock(59.4) == "0:59"
    assert clock(3 * 3600 + 5 * 60 + 7) == "3:05:07"
    assert bar(0, 0) == "[" + "#" * 24 + "]"
    assert bar(1, 4) == "[" + "#" * 6 + "-" * 18 + "]"


def set_columns(terminal: Terminal, columns: int) -> None:
    """Make the pseudo-terminal ``columns`` wide."""
    fcntl.ioctl(
        terminal.stream.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0)
    )


@pytest.mark.parametrize("columns", [80, 60, 20])
def test_terminal_lines_fit_its_width_so_redraws_stay_in_place(
    terminal: Terminal, columns: int
) -> None:
    set_columns(terminal, columns)
    now = Clock()
    progress = Progress(terminal.stream, now=now)
    progress.start([("CHAPTER 56. Of the Less Erroneous Pictures of Whales", 1_204_175)])
    for at in (250.0, 500.0):
        now.now = at
        progress.advance(0, 1_136_658 // 2, synthesized=True)
    shown = re.sub(r"\x1b\[\d*[A-Za-z]", "\n", terminal.getvalue())
    lines = [line for line in shown.split("\n") if line]
    assert lines and all(len(line) < columns for line in lines)
    if columns == 80:  # a standard terminal shows it all, with a shorter bar
        assert "1,136,658/1,204,175 chars  2,273 chars/s  ETA 0:30" in lines[-2]


def test_once_the_voice_is_done_the_assembly_s_time_left_is_at_its_pace_alone() -> None:
    """While the voice ran, the assembly shared the processor with it; after, it goes
    faster, and after a few seconds of work alone its time left is at that pace."""
    progress = Progress(io.StringIO(), quiet=True)
    progress.start([("One", 1000)])
    progress.advance(0, 500, synthesized=False)
    progress.assemble(100, 10.0)  # 10 chars/s beside the voice
    progress.advance(0, 500, synthesized=False)  # the voice is done
    progress.assemble(100, 1.0)  # 1 s alone: not yet enough to go by
    left = progress.left()
    assert left is not None and 43.9 < left < 44.1  # 800 at 200 chars in 11 s
    progress.assemble(100, 1.0)  # 2 s alone, 100 chars/s
    left = progress.left()
    assert left is not None and 6.9 < left < 7.1  # 700 at 100 chars/s


PARAGRAPH = 500  # characters


def bursts(contexts: int = 4, batches: int = 200, together: bool = False) -> list[float]:
    """When each paragraph of a steady render comes in: ``contexts`` render ``batches`` of 1
    to 4 paragraphs each, at 100 characters per second after 1 s to start a batch, and a
    batch's paragraphs come in at once as it ends (microseconds apart). The contexts take
    the sizes in turns that differ (their bursts scatter, and all end together) or, if
    ``together``, in the same turn (each burst is every context's)."""
    times = []
    for context in range(contexts):
        at = 0.0
        for batch in range(batches):
            size = 1 + (batch + (0 if together else context)) % 4
            at += 1.0 + size * PARAGRAPH / 100
            times += [at + n * 1e-6 for n in range(size)]
    return sorted(times)


def eta_each_second(
    times: list[float], cached: int = 0, cache_read: float = 0.0
) -> list[tuple[float, float, float | None]]:
    """Render a book of 50-paragraph chapters whose first ``cached`` paragraphs are in the
    cache (read by ``cache_read`` seconds) and the others come in at ``times`` after that:
    each second, (share of the new characters synthesized, true time left, time left)."""
    now = Clock()
    progress = Progress(io.StringIO(), quiet=True, now=now)
    paragraphs = cached + len(times)
    progress.start([(f"Chapter {n + 1}", 50 * PARAGRAPH) for n in range(paragraphs // 50)])
    for index in range(cached):
        now.now = cache_read * index / cached
        progress.advance(index // 50, PARAGRAPH, synthesized=False)
    end = cache_read + times[-1]
    came = iter(enumerate((cache_read + at for at in times), cached))
    index, at = next(came)
    seen = []
    for second in range(int(end)):
        while at <= second:
            now.now = at
            progress.advance(index // 50, PARAGRAPH, synthesized=True)
            index, at = next(came, (index, end + 1))
        now.now = float(second)
        seen.append((progress.fresh / (len(times) * PARAGRAPH), end - second, progress.left()))
    return seen


@pytest.mark.parametrize("together", [False, True], ids=["scattered", "together"])
def test_the_time_left_is_steady_when_parallel_contexts_finish_in_bursts(together: bool) -> None:
    """Bursts neither drag the time left up between them nor drop it at each: from a tenth
    of the work on, it is within 3 % of the truth, and a second later it is a second less,
    give or take 1 % of the truth (the rate of all synthesis so far over the time was off by
    up to 9 %, and swung). None is given before a twentieth."""
    seen = eta_each_second(bursts(together=together))
    assert all(left is None for share, _, left in seen if share < 0.05)
    assert all(left is not None for share, _, left in seen if share >= 0.06)
    checked = [(truth, left) for share, truth, left in seen if 0.1 <= share <= 0.9]
    assert len(checked) > 2000
    assert all(left == pytest.approx(truth, rel=0.03) for truth, left in checked)
    for (truth, left), (_, then) in itertools.pairwise(checked):
        assert then == pytest.approx(left - 1, abs=0.01 * truth)


def test_a_resumed_render_s_time_left_comes_from_the_new_work_alone() -> None:
    """Half the book in the cache (read in 3 s): the voice's pace, and so the time left, is
    that of the paragraphs synthesized now, not of those read from the cache."""
    times = bursts(batches=100)  # 1,000 paragraphs, 1,350 s
    seen = eta_each_second(times, cached=len(times), cache_read=3.0)
    checked = [(truth, left) for share, truth, left in seen if 0.1 <= share <= 0.8]
    assert len(checked) > 900
    assert all(left == pytest.approx(truth, rel=0.03) for truth, left in checked)


def steady(progress: Progress, now: Clock, times: list[float]) -> None:
    """A paragraph of chapter 1 comes in at each of ``times``."""
    for at in times:
        now.now = at
        progress.advance(0, PARAGRAPH, synthesized=True)


def test_a_stall_holds_the_time_left_and_puts_the_end_off() -> None:
    """A paragraph every 5 s, then none for 100 s: the time left counts down for the 5 s of
    a usual wait, then holds, rather than run down to 0:00 while nothing comes; the next
    paragraph, after the stall, slows the pace."""
    now = Clock()
    progress = Progress(io.StringIO(), quiet=True, now=now)
    progress.start([("One", 100 * PARAGRAPH)])
    steady(progress, now, [5.0 * n for n in range(1, 21)])  # 100 chars/s: 400 s left
    held = []
    for at in (101.0, 105.0, 130.0, 200.0):
        now.now = at
        held.append(progress.left())
    assert held == pytest.approx([399.0, 395.0, 395.0, 395.0])
    assert progress.rate() == pytest.approx(100.0)
    steady(progress, now, [200.0])
    now.now = 201.0
    assert progress.rate() < 90.0
    left = progress.left()
    assert left is not None and left > 395.0 + 50.0


def test_a_change_of_pace_shows_once_the_window_has_only_it() -> None:
    """100 chars/s for 20 minutes, then 50: the window's 5 minutes later, the time left is
    at 50 chars/s."""
    now = Clock()
    progress = Progress(io.StringIO(), quiet=True, now=now)
    progress.start([("One", 480 * PARAGRAPH)])
    steady(progress, now, [5.0 * n for n in range(1, 241)])
    steady(progress, now, [1200.0 + 10.0 * n for n in range(1, 32)])
    now.now = 1515.0  # 209 paragraphs left: 2,090 s, 5 of them waited
    assert progress.rate() == pytest.approx(50.0)
    assert progress.left() == pytest.approx(2085.0)
