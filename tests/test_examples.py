"""The scripts in examples/ run as documented, offline, and do what they say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import soundfile

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name: str, *args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_turn_stream_writes_the_whole_answer(tmp_path: Path) -> None:
    out = run_example("turn_stream.py", tmp_path / "answer.wav", cwd=tmp_path)
    assert "wrote" in out
    info = soundfile.info(tmp_path / "answer.wav")
    # Four sentences, about 30 words, with prices, dates and times read out in full.
    assert 6.0 < info.duration < 40.0


def test_render_book_renders_then_resumes_with_nothing_to_do(tmp_path: Path) -> None:
    book = tmp_path / "tiny.md"
    book.write_text(
        "# Tiny Book\n\n## The Start\n\nHello there. This is the first chapter.\n\n"
        "## The End\n\nAnd this is the second one.\n",
        encoding="utf-8",
    )
    args = (book, tmp_path / "out", "--format", "mp3", "--engine", "espeak")
    first = run_example("render_book.py", *args, cwd=tmp_path)
    assert "this run synthesized 4 paragraphs" in first
    assert "The Start: 3/3 sentences" in first and "The End: 2/2 sentences" in first
    assert sorted(p.name for p in (tmp_path / "out").glob("*.mp3")) == [
        "01 The Start.mp3",
        "02 The End.mp3",
    ]
    again = run_example("render_book.py", *args, cwd=tmp_path)
    assert "this run synthesized 0 paragraphs" in again
