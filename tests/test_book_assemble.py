"""The assembly: its encoder thread (order kept, errors raised to the caller), and the peaks
of the files it delivers, decoded and measured."""

from __future__ import annotations

import json
from pathlib import Path

import mutagen.oggopus
import numpy as np
import pytest
import soundfile

from sonicpipe.audio.measure import measure_file
from sonicpipe.audio.presets import PRESETS
from sonicpipe.audio.writers import RawSink, SoundFileWriter
from sonicpipe.book import render_book
from sonicpipe.book.assemble import BackgroundWriter
from sonicpipe.book.readers import Book, Chapter
from sonicpipe.config import Settings

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


# -- delivered files, decoded and measured (a short book through the local espeak voice) ----

BOOK = Book(
    "Peaks",
    "A. Tester",
    [
        Chapter("One", ["One", "Alice was beginning to get very tired of sitting by her sister "
                        "on the bank! What is the use of a book without pictures?"]),
        Chapter("Two", ["Two", "Down, down, down. Would the fall never come to an end? "
                        "Curiouser and curiouser, cried Alice."]),
    ],
)  # fmt: skip
PODCAST = PRESETS["podcast"]  # -16 LUFS, -1 dBTP


@pytest.mark.parametrize("encoding", ["pcm_mulaw", "pcm_alaw"])
def test_a_g711_wav_book_keeps_the_ceiling_once_decoded(tmp_path: Path, encoding: str) -> None:
    """G.711 rounds a sample by up to half a step, large near full scale: the limiter aims
    lower by it (with a plain -1 dBTP ceiling, this speech decoded at up to -0.9)."""
    settings = Settings(options={"writers": {"encoding": encoding}})
    manifest = render_book(BOOK, tmp_path / "out", settings=settings, engine="espeak",
                           format="wav", preset="podcast")  # fmt: skip
    wavs = [tmp_path / "out" / n for n in manifest["delivery"]["files"] if n.endswith(".wav")]
    assert len(wavs) == 2
    for path in wavs:
        assert soundfile.info(path).subtype == ("ULAW" if encoding == "pcm_mulaw" else "ALAW")
        assert measure_file(path).true_peak_dbtp <= PODCAST.true_peak


def test_an_opus_book_is_one_file_with_chapters_that_keeps_the_ceiling(tmp_path: Path) -> None:
    """At 16 kbps Opus may lift peaks past the margin the limiter leaves (by 0.3 dB in some
    renders): the file is measured, and encoded again if so; decoded, it keeps -1 dBTP."""
    settings = Settings(
        options={"writers": {"bitrate": 16}, "loudness": {"target": -30, "true_peak": -6}}
    )
    manifest = render_book(BOOK, tmp_path / "out", settings=settings, engine="espeak",
                           format="opus", preset="podcast")  # fmt: skip
    path = tmp_path / "out" / "Peaks.opus"
    assert manifest["delivery"]["files"][:3] == ["Peaks.opus", "Peaks.srt", "Peaks.vtt"]
    measured = measure_file(path)
    assert measured.true_peak_dbtp <= PODCAST.true_peak
    assert abs(measured.integrated_lufs - PODCAST.lufs) < 1.5  # not [options.loudness]'s -6
    tags = mutagen.oggopus.OggOpus(path).tags
    assert [tags["CHAPTER001NAME"][0], tags["CHAPTER002NAME"][0]] == ["One", "Two"]
    assert tags["TITLE"] == ["Peaks"] and tags["ARTIST"] == ["A. Tester"]
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["format"] == "opus" and report["check"]["pass"]
    rules = [r["name"] for r in report["chapters"][0]["parts"][0]["check"]["rules"]]
    assert rules == ["integrated", "true peak"]
