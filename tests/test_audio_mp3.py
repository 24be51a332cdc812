"""MP3 files as players open them: ID3 chapters, and files of a few milliseconds."""

from __future__ import annotations

from pathlib import Path

import av
import mutagen.id3
import mutagen.mp3
import numpy as np
import pytest
import soundfile
from scipy import signal

from sonicpipe.audio import open_writer
from sonicpipe.audio.signals import speech_like
from sonicpipe.audio.writers import Mp3Writer
from sonicpipe.config import Settings


def decoded(path: Path) -> np.ndarray:
    """The samples FFmpeg decodes from ``path``, found by probing it (no format named)."""
    with av.open(str(path)) as container:
        assert container.format.name == "mp3"
        return np.concatenate(
            [np.zeros(0, np.float32), *(f.to_ndarray()[0] for f in container.decode(audio=0))]
        )


@pytest.mark.parametrize("rate", [22050, 44100])
def test_mp3_chapters_read_back_as_id3_chap_and_ctoc_frames(tmp_path: Path, rate: int) -> None:
    """Players (and FFmpeg) read an MP3's chapters from ID3v2 CHAP frames, in the order of a
    top-level CTOC; the writer dropped the chapter marks a book gives it."""
    path = tmp_path / "book.mp3"
    settings = Settings(options={"writers": {"title": "Three Parts"}})
    parts = [("Loomings", 2.0), ("The Carpet-Bag", 3.5), ("The Spouter-Inn", 1.25)]
    with open_writer(path, rate, settings) as writer:
        for n, (title, seconds) in enumerate(parts):
            writer.chapter(title)
            writer.write(speech_like(rate, seconds, seed=n))
    tag = mutagen.id3.ID3(path)  # an independent ID3 parser
    assert tag["TIT2"].text == ["Three Parts"]
    (toc,) = tag.getall("CTOC")
    assert toc.flags & mutagen.id3.CTOCFlags.TOP_LEVEL
    assert toc.flags & mutagen.id3.CTOCFlags.ORDERED
    chapters = [tag[f"CHAP:{element}"] for element in toc.child_element_ids]
    assert [(c.sub_frames["TIT2"].text[0], c.start_time, c.end_time) for c in chapters] == [
        ("Loomings", 0, 2000),
        ("The Carpet-Bag", 2000, 5500),
        ("The Spouter-Inn", 5500, 6750),
    ]
    with av.open(str(path)) as container:  # FFmpeg reads them too
        found = [(c["metadata"]["title"], float(c["start"] * c["time_base"]),
                  float(c["end"] * c["time_base"])) for c in container.chapters()]  # fmt: skip
    assert found == [("Loomings", 0.0, 2.0), ("The Carpet-Bag", 2.0, 5.5),
                     ("The Spouter-Inn", 5.5, 6.75)]  # fmt: skip
    assert decoded(path).size == writer.frames  # the tag moved no audio
    assert soundfile.info(path).frames == writer.frames  # libsndfile (mpg123) as well


def test_a_chapter_mark_in_ms_rounds_to_the_nearest_ms(tmp_path: Path) -> None:
    rate = 22050
    with Mp3Writer(tmp_path / "odd.mp3", rate) as writer:
        writer.chapter("one")
        writer.write(np.zeros(1001, np.float32))  # 45.397 ms
        writer.chapter("two")
        writer.write(np.zeros(1000, np.float32))  # ends at 90.748 ms
    tag = mutagen.id3.ID3(tmp_path / "odd.mp3")
    times = [(c.start_time, c.end_time) for c in tag.getall("CHAP")]
    assert sorted(times) == [(0, 45), (45, 91)]
    assert not tag.getall("TIT2")  # chapters alone: no empty title


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 24000, 44100, 48000])
@pytest.mark.parametrize("ms", [0.1, 1, 5, 24, 60])
def test_an_mp3_of_a_few_ms_opens_and_decodes_to_its_length(
    tmp_path: Path, rate: int, ms: float
) -> None:
    """An MP3 of under 25 ms was 2 or 3 frames, which FFmpeg's probe took for h263 or vvc
    video (no audio stream), or decoded 529 samples too many (under 48 samples at 24 kHz)."""
    length = max(round(rate * ms / 1000), 1)
    speech = speech_like(rate, 1.0, seed=3, level_db=-10)[rate // 2 : rate // 2 + length]
    path = tmp_path / "blip.mp3"
    with Mp3Writer(path, rate) as writer:
        for start in range(0, length, 100):  # pieces, as a chain gives them
            writer.write(speech[start : start + 100])
    back = decoded(path)
    assert back.size == length
    assert soundfile.read(path, dtype="float32")[0].size == length  # libsndfile (mpg123)
    if length >= 100:  # the audio in its place, not silence
        lags = signal.correlation_lags(back.size, speech.size)
        assert lags[np.argmax(signal.correlate(back, speech))] == 0
        assert np.corrcoef(back, speech)[0, 1] > 0.8


@pytest.mark.parametrize("rate", [8000, 44100])
def test_an_mp3_without_audio_opens_and_decodes_to_nothing(tmp_path: Path, rate: int) -> None:
    Mp3Writer(tmp_path / "empty.mp3", rate).close()
    assert decoded(tmp_path / "empty.mp3").size == 0


def test_a_short_mp3_keeps_the_audio_written_though_its_buffer_is_reused(
    tmp_path: Path,
) -> None:
    """A short MP3's start is held until close (to pad it); it held the caller's arrays,
    so a caller that refilled one buffer for each chunk got its last chunk twice."""
    buffer = np.empty(441, np.float32)
    with open_writer(tmp_path / "beep.mp3", 44100) as writer:
        for level in (0.5, -0.5):
            buffer[:] = level
            writer.write(buffer)
        buffer[:] = 0.0
    back = decoded(tmp_path / "beep.mp3")
    assert back.size == 882
    assert np.median(back[100:341]) == pytest.approx(0.5, abs=0.05)
    assert np.median(back[541:782]) == pytest.approx(-0.5, abs=0.05)
