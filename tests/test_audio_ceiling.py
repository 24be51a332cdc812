"""Lossy files keep the loudness stage's true-peak ceiling once decoded: each file is decoded
and measured here, with and without the correction (no figure is taken on trust)."""

from __future__ import annotations

from pathlib import Path

import mutagen.oggopus
import numpy as np
import pytest

from sonicpipe.audio import open_writer
from sonicpipe.audio.ceiling import PeakGuard
from sonicpipe.audio.loudness import normalize
from sonicpipe.audio.m4b import M4bWriter
from sonicpipe.audio.measure import measure, measure_file, read_audio
from sonicpipe.audio.opus import OpusWriter, chapter_time
from sonicpipe.audio.presets import PRESETS
from sonicpipe.audio.writers import Mp3Writer
from sonicpipe.config import Settings
from sonicpipe.pipeline import Pipeline
from sonicpipe.server.engines import Word, load_engine

SPOKEN = (
    "Alice was beginning to get very tired of sitting by her sister on the bank, and of having "
    "nothing to do! Once or twice she had peeped into the book her sister was reading, but it "
    "had no pictures or conversations in it."
)
PODCAST = PRESETS["podcast"]  # -16 LUFS, -1 dBTP


@pytest.fixture(scope="module")
def voice() -> tuple[np.ndarray, int]:
    """Real speech (the espeak voice: the same every run, where piper's varies) at the podcast
    level, true peaks limited to its ceiling: what the loudness stage hands a writer."""
    spoken = load_engine("espeak").synthesize([Word(word) for word in SPOKEN.split()])
    rate = spoken.sample_rate
    return normalize(np.asarray(spoken.samples, np.float32), rate, PODCAST), rate


@pytest.mark.parametrize(
    ("suffix", "make"),
    [(".opus", lambda p, r: OpusWriter(p, r, 16)), (".mp3", lambda p, r: Mp3Writer(p, r, 32)),
     (".m4a", lambda p, r: M4bWriter(p, r, bitrate=32))],
)  # fmt: skip
def test_the_decoded_file_keeps_the_ceiling_the_encoder_broke(
    tmp_path: Path, voice: tuple[np.ndarray, int], suffix: str, make
) -> None:
    samples, rate = voice
    assert measure(samples, rate).true_peak_dbtp <= PODCAST.true_peak  # the input keeps it
    plain = tmp_path / f"plain{suffix}"
    with make(plain, rate) as writer:
        writer.write(samples)
    broken = measure_file(plain)
    assert broken.true_peak_dbtp > PODCAST.true_peak, "the encoder raised the peaks over it"
    guarded = tmp_path / f"guarded{suffix}"
    guard = PeakGuard(lambda: make(guarded, rate), guarded, rate, PODCAST.true_peak)
    with guard:
        for start in range(0, samples.size, 1000):
            guard.write(samples[start : start + 1000])
    held = measure_file(guarded)
    assert held.true_peak_dbtp <= PODCAST.true_peak
    assert guard.corrections and guard.corrections[-1] < PODCAST.true_peak
    # only the peaks moved: the loudness is within a dB of the file that broke the ceiling
    assert broken.integrated_lufs - 1 < held.integrated_lufs <= broken.integrated_lufs
    assert held.seconds == pytest.approx(broken.seconds, abs=1e-3)


def test_chapters_stay_in_place_through_a_correction(
    tmp_path: Path, voice: tuple[np.ndarray, int]
) -> None:
    samples, rate = voice
    path = tmp_path / "book.opus"
    guard = PeakGuard(lambda: OpusWriter(path, rate, 16), path, rate, PODCAST.true_peak)
    with guard:
        guard.chapter("One")
        guard.write(samples[:10000])
        guard.chapter("Two")
        guard.write(samples[10000:])
        guard.chapter("End")  # at the very end
    assert guard.corrections
    assert measure_file(path).true_peak_dbtp <= PODCAST.true_peak
    tags = mutagen.oggopus.OggOpus(path).tags
    names = [tags[f"CHAPTER00{n}NAME"][0] for n in (1, 2, 3)]
    times = [tags[f"CHAPTER00{n}"][0] for n in (1, 2, 3)]
    assert names == ["One", "Two", "End"]
    assert times == [chapter_time(round(frame * 1000 / rate)) for frame in (0, 10000, samples.size)]


def test_a_file_without_audio_closes_without_a_measure(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp3"
    guard = PeakGuard(lambda: Mp3Writer(path, 24000), path, 24000, -1.0)
    guard.close()
    assert path.exists() and not guard.corrections


@pytest.mark.parametrize("suffix", [".opus", ".mp3", ".m4b", ".m4a"])
def test_lossy_writers_are_guarded_with_a_loudness_stage_only(tmp_path: Path, suffix: str) -> None:
    loud = Settings(options={"loudness": {"preset": "acx", "mode": "file"}})
    guarded = open_writer(tmp_path / f"a{suffix}", 24000, loud)
    assert isinstance(guarded, PeakGuard) and guarded.ceiling_db == PRESETS["acx"].peak_rule == -3
    guarded.close()
    assert not isinstance(open_writer(tmp_path / f"b{suffix}", 24000), PeakGuard)
    off = loud.with_(disable=("loudness",))
    assert not isinstance(open_writer(tmp_path / f"c{suffix}", 24000, off), PeakGuard)
    assert not isinstance(open_writer(tmp_path / "d.wav", 24000, loud), PeakGuard)


@pytest.mark.parametrize(
    ("preset", "suffix", "bitrate"),
    [("podcast", ".opus", 16), ("podcast", ".mp3", 32), ("podcast", ".m4a", 32),
     ("acx", ".opus", 12), ("broadcast", ".m4a", 32)],
)  # fmt: skip
def test_a_render_keeps_the_ceiling_in_the_decoded_file(
    tmp_path: Path, preset: str, suffix: str, bitrate: int
) -> None:
    """Through the API with the local voice, as ``sonicpipe render`` writes it: the decoded
    file keeps the peak its preset accepts (ACX's -3 dBTP)."""
    options = {"loudness": {"preset": preset, "mode": "file"}, "writers": {"bitrate": bitrate}}
    with Pipeline(engine="espeak", settings=Settings(options=options)) as pipe:
        path = pipe.render(SPOKEN, tmp_path / f"out{suffix}")
    measured = measure_file(path)
    assert measured.true_peak_dbtp <= PRESETS[preset].peak_rule
    assert read_audio(path)[0].std() > 0.01, "speech, not silence"
