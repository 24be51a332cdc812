"""The assembly's encoder thread: order kept, errors raised to the caller."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from sonicpipe.audio.writers import RawSink, SoundFileWriter
from sonicpipe.book.assemble import BackgroundWriter

RATE = 8000


def test_writes_and_chapters_reach_the_file_in_order(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    pieces = [rng.uniform(-0.5, 0.5, n).astype(np.float32) for n in (3000, 1, 5000, 2200)]
    inner = SoundFileWriter(tmp_path / "book.wav", RATE, "pcm_f32le")
    writer = BackgroundWriter(inner, RATE)
    writer.write(pieces[0])
    writer.chapter("two")
    writer.write(pieces[1])
    writer.write(pieces[2])
    writer.chapter("three")
    writer.write(pieces[3])
    assert writer.frames == 10201
    writer.close()
    writer.close()  # a second close does nothing
    samples, rate = soundfile.read(tmp_path / "book.wav", dtype="float32")
    assert rate == RATE
    np.testing.assert_array_equal(samples, np.concatenate(pieces))
    assert inner.chapters == [(3000 / RATE, "two"), (8001 / RATE, "three")]
    assert inner.closed


def test_an_encoder_error_is_raised_to_the_caller_and_the_writer_is_closed() -> None:
    inner = RawSink("/dev/full", "pcm_s16le", RATE)  # a disk that is full
    writer = BackgroundWriter(inner, RATE)
    second = np.zeros(RATE, np.float32)  # larger than the file buffer: written at once
    with pytest.raises(OSError, match="No space left"):
        for _ in range(50):  # the thread reports the failure of an earlier write
            writer.write(second)
        writer.close()
    with pytest.raises(OSError):
        writer.close()  # closing after the failure closes the sink
    assert inner.closed
