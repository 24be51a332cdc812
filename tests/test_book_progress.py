"""Progress of a book render: log lines when quiet, live bars on a terminal."""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import struct
import termios
import time
import tty
from collections.abc import Iterator

import pytest

from sonicpipe.book.progress import Progress, bar, clock


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
    stream = io.StringIO()
    progress = Progress(stream, quiet=True)
    progress.start([("One", 100), ("Two", 50)])
    progress.advance(0, 60, synthesized=False)
    assert stream.getvalue() == ""
    progress.advance(0, 40, synthesized=True)
    progress.advance(1, 50, synthesized=True)
    progress.finish(["all done"])
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("done 1/2: One (100 chars)")
    assert lines[1].startswith("done 2/2: Two (50 chars)")
    assert "chars/s" in lines[1] and "ETA 0:00" in lines[1]
    assert lines[2] == "all done"
    assert "\x1b[" not in stream.getvalue()


def test_terminal_shows_book_and_current_chapter_bars_with_rate_and_eta(
    terminal: Terminal,
) -> None:
    stream = terminal
    assert terminal.stream.isatty()
    progress = Progress(terminal.stream)
    progress.start([("One", 100), ("Two", 300)])
    progress.advance(1, 150, synthesized=True)
    first = stream.getvalue()
    assert "book     [#########---------------] 150/400 chars" in first
    assert "chars/s  ETA" in first
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
    progress = Progress(terminal.stream)
    progress.start([("One", 100), ("Two", 300)])
    progress.advance(1, 150, synthesized=True)
    assert [line[:9] for line in terminal.screen()] == ["book     ", "ch 2     "]
    progress._last = 0.0  # redraw now
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
    progress = Progress(terminal.stream)
    progress.start([("One", 100), ("Two", 300)])
    progress.advance(0, 100, synthesized=False)
    progress.advance(1, 300, synthesized=False)
    assert progress.left() is None  # nothing synthesized, nothing assembled: not known yet
    assert "ETA" not in terminal.getvalue() and "assembly" not in terminal.getvalue()
    progress.assemble(50, 4.0)
    progress._last = 0.0  # redraw now
    progress.assemble(50, 6.0)  # 100 characters in 10 s of work
    shown = terminal.getvalue()
    assert "book     [########################] 400/400 chars  ETA 0:30" in shown
    assert "assembly [######------------------] 100/400 chars in files" in shown
    assert "chars/s" not in shown  # no fresh synthesis to give a rate of


def test_the_time_left_is_the_voice_s_while_the_assembly_keeps_up() -> None:
    progress = Progress(io.StringIO(), quiet=True)
    progress.start([("One", 400)])
    progress.started = time.monotonic() - 10
    progress.advance(0, 100, synthesized=True)  # 10 chars/s: 30 s left
    progress.assemble(100, 5.0)  # 20 chars/s: 15 s left
    left = progress.left()
    assert left is not None and 29.9 < left < 30.5


def test_the_assembly_s_time_left_counts_its_work_not_its_waits_for_the_voice() -> None:
    """An MP3 book: the assembly kept up with the voice, waiting for each chapter, and is
    left encoding the last ones after it. Its time left is at the speed it works (here 100
    characters in 10 s of work, over the 5 minutes the voice took): 30 s, not 15 minutes."""
    progress = Progress(io.StringIO(), quiet=True)
    progress.start([("One", 100), ("Two", 300)])
    progress.started = time.monotonic() - 300
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
    progress = Progress(terminal.stream)
    progress.start([("CHAPTER 56. Of the Less Erroneous Pictures of Whales", 1_204_175)])
    progress.advance(0, 1_136_658, synthesized=True)
    shown = re.sub(r"\x1b\[\d*[A-Za-z]", "\n", terminal.getvalue())
    lines = [line for line in shown.split("\n") if line]
    assert lines and all(len(line) < columns for line in lines)
    if columns == 80:  # a standard terminal shows it all, with a shorter bar
        assert "1,136,658/1,204,175 chars" in lines[0] and "ETA" in lines[0]


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
