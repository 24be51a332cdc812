"""The Ogg Opus writer: exact length at every rate (resampled to 48 kHz where Opus has none),
audio close to the input, tags, chapters and cover as Vorbis comments, errors naming the key
or the file, and renders to ``.opus`` through the API and the CLI."""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import av
import mutagen.flac
import mutagen.oggopus
import numpy as np
import pytest
import soundfile
from conftest import run_with_file_size_limit, without_write_permission

from sonicpipe.audio import open_writer
from sonicpipe.audio.opus import OPUS_RATES, OpusWriter, chapter_time
from sonicpipe.audio.resample import Resampler
from sonicpipe.audio.signals import sine, speech_like
from sonicpipe.cli import main
from sonicpipe.config import ConfigError, Settings
from sonicpipe.pipeline import Pipeline
from sonicpipe.server.engines import Synthesis, Word, load_engine

SPOKEN = (
    "Alice was beginning to get very tired of sitting by her sister on the bank, and of having "
    "nothing to do."
)


@pytest.fixture(scope="module")
def voice() -> Synthesis:
    """Real speech: the neural voice (piper, 22050 Hz) reading a sentence."""
    return load_engine("piper").synthesize([Word(word) for word in SPOKEN.split()])


def write_unevenly(writer: OpusWriter, samples: np.ndarray, seed: int = 0) -> None:
    """``samples`` in many small writes of 1 to 300 samples."""
    rng = np.random.default_rng(seed)
    start = 0
    while start < samples.size:
        size = int(rng.integers(1, 301))
        writer.write(samples[start : start + size])
        start += size


def decoded(path: Path) -> tuple[np.ndarray, int]:
    """The file's audio and rate as FFmpeg decodes it (always 48 kHz)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        frames = [frame.to_ndarray()[0] for frame in container.decode(stream)]
        return np.concatenate(frames), stream.rate


def snr_db(reference: np.ndarray, test: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(reference**2) / np.sum((reference - test) ** 2)))


def resampled(samples: np.ndarray, rate: int, target: int = 48000) -> np.ndarray:
    resampler = Resampler(target)
    resampler.open(rate)
    return np.concatenate([resampler.process(samples), resampler.flush()])


@pytest.mark.parametrize(
    ("rate", "length"),
    [(48000, 48001), (24000, 12345), (16000, 959), (12000, 7), (8000, 8161), (44100, 44099),
     (22050, 33333), (32000, 1), (11025, 5001)],
)  # fmt: skip
def test_an_opus_file_decodes_to_the_length_written(tmp_path: Path, rate: int, length: int) -> None:
    """Pre-skip and the end granule trim the codec's delay and padding: within a sample at
    the coded rate (48 kHz where the input was resampled), with FFmpeg and libsndfile."""
    path = tmp_path / "odd.opus"
    with OpusWriter(path, rate) as writer:
        write_unevenly(writer, speech_like(rate, length / rate + 0.1, seed=length)[:length])
    coded = rate if rate in OPUS_RATES else 48000
    assert writer.coded_rate == coded
    assert abs(writer.coded - length * coded / rate) <= 1
    audio, ffmpeg_rate = decoded(path)
    assert ffmpeg_rate == 48000
    assert audio.size == writer.coded * 48000 // coded
    info = soundfile.info(path)  # libsndfile decodes at the rate coded
    assert (info.samplerate, info.frames) == (coded, writer.coded)
    assert mutagen.oggopus.OggOpus(path).info.length == pytest.approx(length / rate, abs=1 / coded)


def test_many_small_writes_make_the_same_audio_as_one(tmp_path: Path) -> None:
    """The resampler's state spans the writes: no click where they join."""
    speech = speech_like(44100, 3.0, seed=4)
    with OpusWriter(tmp_path / "one.opus", 44100) as writer:
        writer.write(speech)
    with OpusWriter(tmp_path / "many.opus", 44100) as writer:
        write_unevenly(writer, speech, seed=9)
    one, many = decoded(tmp_path / "one.opus")[0], decoded(tmp_path / "many.opus")[0]
    np.testing.assert_array_equal(many, one)


@pytest.mark.parametrize("rate", [48000, 24000])
def test_a_tone_comes_back_the_same(tmp_path: Path, rate: int) -> None:
    """In time to the sample, with FFmpeg (libsndfile 1.2.2 decodes Opus a sample late)."""
    tone = sine(440, rate, 1.0, level_db=-6)
    with OpusWriter(tmp_path / "tone.opus", rate) as writer:
        write_unevenly(writer, tone)
    audio, _ = decoded(tmp_path / "tone.opus")
    assert snr_db(resampled(tone, rate), audio) > 28  # 33.7 dB at 32 kbps


def test_real_speech_resampled_to_48_khz_comes_back_the_same(
    tmp_path: Path, voice: Synthesis
) -> None:
    assert voice.sample_rate == 22050
    with OpusWriter(tmp_path / "voice.opus", voice.sample_rate) as writer:
        write_unevenly(writer, voice.samples)
    audio, rate = decoded(tmp_path / "voice.opus")
    reference = resampled(voice.samples, voice.sample_rate)
    assert rate == 48000 and abs(audio.size - reference.size) <= 1
    size = min(audio.size, reference.size)
    assert np.corrcoef(reference[:size], audio[:size])[0, 1] > 0.98  # 0.99 at 32 kbps
    assert snr_db(reference[:size], audio[:size]) > 13  # 16.7 dB


def audio_kbps(path: Path) -> float:
    """The audio's real bit rate: its packets' bytes over its duration."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        size = sum(packet.size for packet in container.demux(stream))
        return size * 8 / float(stream.duration * stream.time_base) / 1000


@pytest.mark.parametrize("kbps", [None, 16, 64])
def test_the_voice_is_coded_near_the_bitrate_asked_for(
    tmp_path: Path, voice: Synthesis, kbps: int | None
) -> None:
    settings = Settings(options={"writers": {"bitrate": kbps} if kbps else {}})
    with open_writer(tmp_path / "voice.opus", voice.sample_rate, settings) as writer:
        writer.write(voice.samples)
    assert audio_kbps(tmp_path / "voice.opus") == pytest.approx(kbps or 32, rel=0.25)


TAGS = {"title": "Chapter One: Dawn", "author": "Émile Zola", "album": "A Book", "track": "1/12"}


def test_tags_and_chapters_read_back_as_vorbis_comments(tmp_path: Path) -> None:
    path = tmp_path / "book.opus"
    with open_writer(path, 44100, Settings(options={"writers": TAGS})) as writer:
        for n, title in enumerate(["Opening", "Der Fluß", "Coda"]):
            writer.chapter(title)
            writer.write(sine(220 * (n + 1), 44100, 1.25 + n, level_db=-12))
    tags = mutagen.oggopus.OggOpus(path).tags
    assert tags["TITLE"] == [TAGS["title"]]
    assert tags["ARTIST"] == [TAGS["author"]]
    assert tags["ALBUM"] == [TAGS["album"]]
    assert tags["TRACKNUMBER"] == [TAGS["track"]]
    assert [(key, value) for key, value in tags if key.startswith("CHAPTER")] == [
        ("CHAPTER001", "00:00:00.000"), ("CHAPTER001NAME", "Opening"),
        ("CHAPTER002", "00:00:01.250"), ("CHAPTER002NAME", "Der Fluß"),
        ("CHAPTER003", "00:00:03.500"), ("CHAPTER003NAME", "Coda"),
    ]  # fmt: skip
    with av.open(str(path)) as container:  # FFmpeg reads the chapter extension
        chapters = container.chapters()
        metadata = {
            key.lower(): value for key, value in container.streams.audio[0].metadata.items()
        }
    found = [(c["start"] * c["time_base"], c["metadata"]["title"]) for c in chapters]
    assert found == [(0, "Opening"), (1.25, "Der Fluß"), (3.5, "Coda")]
    assert (metadata["title"], metadata["artist"], metadata["track"]) == (
        TAGS["title"], TAGS["author"], TAGS["track"],
    )  # fmt: skip
    assert decoded(path)[0].size == 6.75 * 48000, "tagging kept the audio whole"


def test_an_empty_tag_is_left_out_and_no_tag_writes_no_comment(tmp_path: Path) -> None:
    settings = Settings(options={"writers": {"title": "Chapter One", "author": ""}})
    with open_writer(tmp_path / "tagged.opus", 24000, settings) as writer:
        writer.write(sine(440, 24000, 0.2))
    with open_writer(tmp_path / "plain.opus", 24000) as writer:
        writer.write(sine(440, 24000, 0.2))
    tagged = mutagen.oggopus.OggOpus(tmp_path / "tagged.opus").tags
    plain = mutagen.oggopus.OggOpus(tmp_path / "plain.opus").tags
    assert tagged["TITLE"] == ["Chapter One"] and "ARTIST" not in tagged
    assert [key for key, _ in plain] == ["encoder"]


def test_chapter_times_pass_an_hour() -> None:
    assert chapter_time(3_723_004) == "01:02:03.004"


def test_a_1000th_chapter_is_refused_by_name(tmp_path: Path) -> None:
    with OpusWriter(tmp_path / "many.opus", 16000) as writer:
        for n in range(999):
            writer.chapter(f"Part {n + 1}")
            writer.write(np.zeros(16, np.float32))
        with pytest.raises(ValueError, match=r"many\.opus: Ogg Opus holds at most 999 chapters"):
            writer.chapter("Part 1000")
    assert mutagen.oggopus.OggOpus(tmp_path / "many.opus").tags["CHAPTER999NAME"] == ["Part 999"]
    assert decoded(tmp_path / "many.opus")[0].size == 999 * 16 * 3, "999 chapters kept the audio"


def test_a_cover_becomes_a_front_cover_picture(tmp_path: Path) -> None:
    art = b"\x89PNG\r\n\x1a\n" + bytes(300)
    (tmp_path / "art.png").write_bytes(art)
    config = tmp_path / "sonicpipe.toml"
    config.write_text('[options.writers]\ncover = "art.png"\n', encoding="utf-8")
    with open_writer(tmp_path / "covered.opus", 48000, Settings.load(config)) as writer:
        writer.write(sine(440, 48000, 0.3))
    block = mutagen.oggopus.OggOpus(tmp_path / "covered.opus").tags["METADATA_BLOCK_PICTURE"][0]
    picture = mutagen.flac.Picture(base64.b64decode(block))
    assert (picture.type, picture.mime, picture.data) == (3, "image/png", art)


def test_a_stream_without_audio_is_a_file_ffmpeg_opens(tmp_path: Path) -> None:
    """One sample of silence: FFmpeg could not open Ogg Opus without an audio page."""
    open_writer(tmp_path / "empty.opus", 44100).close()
    audio, _ = decoded(tmp_path / "empty.opus")
    assert audio.size == 1 and audio[0] == 0


def test_a_second_close_does_nothing(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "twice.opus", 24000, Settings(options={"writers": TAGS}))
    writer.write(sine(440, 24000, 0.2))
    writer.close()
    written = (tmp_path / "twice.opus").read_bytes()
    writer.close()
    assert (tmp_path / "twice.opus").read_bytes() == written


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"bitrate": 320}, r"^options\.writers\.bitrate: expected a whole number from 6 to 256, "
                           r"got 320$"),
        ({"bitrate": 5}, "from 6 to 256, got 5"),
        ({"bitrate": 24.5}, "whole number from 6 to 256, got 24.5"),
        ({"bitrate": "32k"}, "bitrate: expected a whole number from 6 to 256, got '32k'"),
        ({"track": "one"}, r"^options\.writers\.track: 'one': expected a number 'n' or 'n/total'$"),
        ({"title": 5}, r"^options\.writers\.title: expected a string, got 5$"),
        ({"narrator": "x"}, "valid: album, author, bitrate, cover, encoding, title, t"),
        ({"cover": __file__}, r"cover: .*test_audio_opus\.py is not a JPEG or PNG"),
    ],
)  # fmt: skip
def test_bad_options_name_the_key_before_any_file(
    tmp_path: Path, options: dict, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        open_writer(tmp_path / "out.opus", 24000, Settings(options={"writers": options}))
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"bitrate": 300},
            r"x\.opus: Opus bitrate 300 kbps is not valid; valid: 6 to 256 \(mono\)",
        ),
        ({"metadata": {"genre": "Drama"}}, r"x\.opus: unknown metadata 'genre'; valid: title"),
        ({"cover": b"GIF89a"}, r"x\.opus: the cover is not a JPEG or PNG image"),
    ],
)
def test_a_writer_made_in_python_names_its_file(
    tmp_path: Path, arguments: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        OpusWriter(tmp_path / "x.opus", 24000, **arguments)
    assert not list(tmp_path.iterdir())


def test_a_missing_folder_or_locked_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"missing/x\.opus: cannot write: no such folder"):
        open_writer(tmp_path / "missing" / "x.opus", 24000)
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    path = folder / "book.opus"
    code = (
        "import sys; from sonicpipe.audio import open_writer\n"
        "try: open_writer(sys.argv[1], 44100)\n"
        "except OSError as exc: print(exc)"
    )
    run = [*without_write_permission(), sys.executable, "-c", code, str(path)]
    done = subprocess.run(run, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"{path}: cannot write: permission denied"


FULL = """
import sys
import numpy as np
from sonicpipe.audio.opus import OpusWriter

audio = (0.5 * np.sin(np.arange(10 * 48000) * 0.06)).astype(np.float32)
for path, tags in ((sys.argv[1], None), (sys.argv[2], {"title": "A long title " * 3000})):
    try:
        with OpusWriter(path, 48000, metadata=tags) as writer:
            for start in range(0, audio.size, 4800):
                writer.write(audio[start : start + 4800])
    except OSError as exc:
        print(type(exc).__name__, exc)
"""


def test_a_full_disk_is_the_systems_oserror_while_coding_or_tagging(tmp_path: Path) -> None:
    plain, tagged = tmp_path / "plain.opus", tmp_path / "tagged.opus"
    assert run_with_file_size_limit(1 << 30, FULL, str(plain), str(tagged)).stdout == ""
    room = plain.stat().st_size + 1000  # the audio fits, its tags do not
    assert tagged.stat().st_size > room
    done = run_with_file_size_limit(room, FULL, str(plain), str(tagged))
    assert done.stdout == "OSError [Errno 27] File too large\n"
    done = run_with_file_size_limit(room // 2, FULL, str(plain), str(tagged))
    assert done.stdout.startswith("OSError [Errno 27] File too large")


@pytest.fixture(scope="module")
def spoken_text(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("text") / "alice.txt"
    path.write_text(SPOKEN, encoding="utf-8")
    yield path


def test_a_render_to_opus_through_the_api(tmp_path: Path) -> None:
    with Pipeline(engine="espeak", settings=Settings(options={"writers": TAGS})) as pipe:
        path = pipe.render(SPOKEN, tmp_path / "out.opus")
        rate = pipe.output_rate
    assert path == tmp_path / "out.opus"
    audio, _ = decoded(path)
    info = mutagen.oggopus.OggOpus(path)
    assert info.tags["TITLE"] == [TAGS["title"]]
    assert 2.0 < audio.size / 48000 < 15.0
    assert soundfile.info(path).samplerate == (rate if rate in OPUS_RATES else 48000)
    assert np.sqrt(np.mean(audio**2)) > 0.01, "speech, not silence"
    assert [p.name for p in tmp_path.iterdir()] == ["out.opus"], "no .part file left"


def test_a_render_to_opus_through_the_cli(tmp_path: Path, spoken_text: Path) -> None:
    out = tmp_path / "out.opus"
    assert main(["render", str(spoken_text), "-o", str(out), "--engine", "espeak"]) == 0
    assert 2.0 < decoded(out)[0].size / 48000 < 15.0
    config = tmp_path / "bad.toml"
    config.write_text("[options.writers]\nbitrate = 512\n", encoding="utf-8")
    command = ["-c", str(config), "render", str(spoken_text), "-o", str(tmp_path / "bad.opus"),
               "--engine", "espeak"]  # fmt: skip
    assert main(command) == 2
    assert not (tmp_path / "bad.opus").exists()
