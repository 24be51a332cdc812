"""Encoders and sinks: G.711 raw streams, WAV, FLAC, MP3 and M4B with chapters."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import av
import mutagen.mp3
import mutagen.mp4
import numpy as np
import pytest
import soundfile
from conftest import run_with_file_size_limit, without_write_permission
from scipy import signal

from sonicpipe import pcm
from sonicpipe.audio import open_writer
from sonicpipe.audio.m4b import M4bWriter
from sonicpipe.audio.resample import Resampler
from sonicpipe.audio.signals import speech_like
from sonicpipe.audio.writers import (
    Mp3Writer,
    RawSink,
    SoundFileWriter,
    WavWriter,
    wav_header,
    write_atomic,
)
from sonicpipe.config import ConfigError, Settings
from sonicpipe.server.engines import Word, load_engine


def tone(rate: int, seconds: float, amplitude: float = 0.5, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write_in_chunks(writer, samples: np.ndarray, size: int = 1000) -> None:
    for start in range(0, samples.size, size):
        writer.write(samples[start : start + size])


def part_of(path: Path) -> Path:
    """The temporary name a render writes ``path`` under."""
    return path.with_name(f"{path.stem}.part{path.suffix}")


def g711_tolerance(x: np.ndarray) -> np.ndarray:
    """Half a G.711 quantization step at each magnitude, plus int16 rounding and truncation.

    Both laws quantize a magnitude m (16-bit scale, mu-law biased by 132) with steps of at
    most m/16, and decode to the middle of the step: an error of at most m/32.
    """
    return (np.abs(x) + 132 / 32768) / 32 + 8 / 32768


@pytest.mark.parametrize("encoding", ["pcm_mulaw", "pcm_alaw"])
def test_g711_raw_stream_round_trip_stays_within_tolerance(encoding: str) -> None:
    sent: list[bytes] = []
    rate = 8000
    ramp = np.linspace(-0.99, 0.99, 20001, dtype=np.float32)
    speech_like = tone(rate, 1.0, 0.3) * (0.5 + 0.5 * tone(rate, 1.0, 1.0, 3.0))
    signal = np.concatenate([ramp, speech_like])
    with RawSink(sent.append, encoding, rate) as sink:
        write_in_chunks(sink, signal, 160)  # 20 ms telephony frames
    data = b"".join(sent)
    assert len(data) == signal.size  # one byte per sample
    assert all(len(chunk) == 160 for chunk in sent[:-1])
    back = pcm.decode(data, encoding)
    error = np.abs(back - signal)
    assert np.all(error <= g711_tolerance(signal))
    snr = 10 * np.log10(np.sum(speech_like**2) / np.sum((back[ramp.size :] - speech_like) ** 2))
    assert snr > 30  # G.711 gives about 38 dB on a loud signal


def test_raw_sink_writes_linear_pcm_to_a_binary_stream() -> None:
    buffer = io.BytesIO()
    signal = tone(24000, 0.2)
    sink = RawSink(buffer, "pcm_s16le", 24000)
    write_in_chunks(sink, signal)
    sink.close()
    back = np.frombuffer(buffer.getvalue(), dtype="<i2") / 32768
    assert np.max(np.abs(back - signal)) <= 1 / 32768
    with pytest.raises(ValueError, match="write after close"):
        sink.write(signal)


def test_raw_sink_refuses_an_async_sink_it_could_never_await() -> None:
    """A websocket's ``send`` is a coroutine function: called and never awaited, it sent
    nothing, and said so only in a warning when the coroutine was collected."""
    sent: list[bytes] = []

    async def send(data: bytes) -> None:
        sent.append(data)

    class AsyncFile:
        async def write(self, data: bytes) -> None:
            sent.append(data)

    for sink, name in [(send, "send"), (AsyncFile(), "write")]:
        with pytest.raises(TypeError, match=rf"sink: .*{name}.* is async; RawSink calls it as "
                           "audio comes, without awaiting"):  # fmt: skip
            RawSink(sink, "pcm_mulaw", 8000)
    assert sent == []


def test_raw_sink_rejects_unknown_encoding() -> None:
    with pytest.raises(ValueError, match="valid: pcm_f32le, pcm_s16le, pcm_mulaw, pcm_alaw"):
        RawSink(io.BytesIO(), "pcm_u8")


@pytest.mark.parametrize(
    ("name", "encoding", "subtype", "tolerance"),
    [
        ("out.wav", "pcm_s16le", "PCM_16", 1 / 32768),
        ("out.wav", "pcm_f32le", "FLOAT", 0.0),
        ("out.wav", "pcm_mulaw", "ULAW", 0.02),
        ("out.flac", "pcm_s16le", "PCM_16", 1 / 32768),
    ],
)
def test_wav_and_flac_files_read_back(
    tmp_path: Path, name: str, encoding: str, subtype: str, tolerance: float
) -> None:
    settings = Settings(options={"writers": {"encoding": encoding}})
    signal = tone(22050, 0.5)
    with open_writer(tmp_path / name, 22050, settings) as writer:
        write_in_chunks(writer, signal)
    info = soundfile.info(tmp_path / name)
    assert (info.samplerate, info.channels, info.frames, info.subtype) == (
        22050,
        1,
        signal.size,
        subtype,
    )
    back, _ = soundfile.read(tmp_path / name, dtype="float32")
    assert np.max(np.abs(back - signal)) <= tolerance


@pytest.mark.parametrize("encoding", ["pcm_mulaw", "pcm_alaw"])
def test_a_g711_wav_holds_the_standard_codes_of_the_raw_stream(
    tmp_path: Path, encoding: str
) -> None:
    """libsndfile's own G.711 put 381 negative values (A-law: 127) one code off the standard."""
    every_value = np.arange(-32768, 32768).astype(np.float32) / 32768
    with SoundFileWriter(tmp_path / "g711.wav", 8000, encoding) as writer:
        write_in_chunks(writer, every_value, 4097)
    data = (tmp_path / "g711.wav").read_bytes()
    start = data.index(b"data") + 8
    wav = np.frombuffer(data[start : start + every_value.size], np.uint8)
    raw = np.frombuffer(pcm.encode(every_value, encoding), np.uint8)  # G.711 reference codes
    if encoding == "pcm_mulaw":  # its two zeros: libsndfile writes -0 (0x7F) as +0 (0xFF)
        raw = np.where(raw == 0x7F, 0xFF, raw)
    assert np.array_equal(raw, wav)
    back, _ = soundfile.read(tmp_path / "g711.wav", dtype="float32")
    assert np.array_equal(back, pcm.decode(raw.astype(np.uint8).tobytes(), encoding))


def coded(samples: np.ndarray, encoding: str, size: int) -> np.ndarray:
    """``samples`` as ``encoding`` holds them, encoded as ``write_in_chunks`` gives them."""
    pieces = [samples[i : i + size] for i in range(0, samples.size, size)]
    return pcm.decode(b"".join(pcm.encode(p, encoding) for p in pieces), encoding)


def ffmpeg_samples(path: Path) -> np.ndarray:
    """The mono samples FFmpeg decodes from ``path``, as float32 (int16 ones scaled)."""
    with av.open(str(path)) as container:
        data = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
    return data.astype(np.float32) / 32768 if data.dtype == np.int16 else data


def test_a_wav_past_4_gib_gets_an_rf64_header_of_the_same_length() -> None:
    """A RIFF size field wraps past 4 GiB (players read the file as cut short): such a WAV
    is RF64, its sizes in ds64, written over the JUNK chunk a smaller one carries."""
    tags = {"title": "Moby-Dick"}
    data = 5 << 30  # 5 GiB of float samples: 7.8 hours at 48 kHz
    header = wav_header("pcm_f32le", 48000, data, tags)
    assert header[:4] == b"RF64" and header[4:8] == b"\xff\xff\xff\xff"
    assert header[12:20] == b"ds64\x1c\x00\x00\x00"
    riff, size, frames, table = struct.unpack("<QQQI", header[20:48])
    assert (riff, size, frames, table) == (len(header) - 8 + data, data, data // 4, 0)
    assert header.endswith(b"data\xff\xff\xff\xff")
    small = wav_header("pcm_f32le", 48000, 4800, tags)
    assert small[:4] == b"RIFF" and small[12:20] == b"JUNK\x1c\x00\x00\x00"
    assert len(small) == len(header)  # rewritten in place on close
    most = 0xFFFFFFFF - (len(header) - 8)  # the most data a RIFF WAV holds with this header
    assert wav_header("pcm_mulaw", 8000, most - 1, tags)[:4] == b"RIFF"  # and its pad byte
    assert wav_header("pcm_mulaw", 8000, most, tags)[:4] == b"RF64"  # no room for the pad


KILLED = """
import os, sys
import numpy as np
from sonicpipe.audio import open_writer
writer = open_writer(sys.argv[1], 16000)
writer.write(np.full(16000, 0.25, np.float32))
os._exit(9)  # killed before close: no sizes written
"""


def test_a_wav_whose_writing_was_cut_off_reads_to_its_end(tmp_path: Path) -> None:
    """Its sizes say "to the end of the file" until close writes them: a writer killed
    mid-stream left a WAV that libsndfile (so ``audio measure``) read as empty."""
    path = tmp_path / "cut.wav"
    subprocess.run([sys.executable, "-c", KILLED, str(path)], check=False)
    back, rate = soundfile.read(path, dtype="float32")
    assert rate == 16000 and back.size == 16000 and np.all(back == 0.25)
    assert ffmpeg_samples(path).size == 16000


class SmallRiffWavWriter(WavWriter):
    riff_most = 1000  # RF64 past 1000 bytes: 4 GiB of audio is not written in a test


@pytest.mark.parametrize("encoding", ["pcm_s16le", "pcm_f32le", "pcm_mulaw"])
def test_an_rf64_wav_reads_back_whole_with_libsndfile_and_ffmpeg(
    tmp_path: Path, encoding: str
) -> None:
    speech = speech_like(8000, 0.5, seed=6)
    path = tmp_path / "long.wav"
    with SmallRiffWavWriter(path, 8000, encoding, {"title": "Long"}) as writer:
        write_in_chunks(writer, speech, 333)
    expected = coded(speech, encoding, 333)
    assert path.read_bytes()[:4] == b"RF64"
    info = soundfile.info(path)
    assert (info.format, info.frames, info.samplerate) == ("RF64", speech.size, 8000)
    back, _ = soundfile.read(path, dtype="float32")
    assert np.array_equal(back, expected)
    assert np.array_equal(ffmpeg_samples(path), expected)


@pytest.mark.parametrize("encoding", ["pcm_s16le", "pcm_f32le", "pcm_mulaw", "pcm_alaw"])
def test_a_wav_under_4_gib_is_a_plain_riff_wav_every_reader_opens(
    tmp_path: Path, encoding: str
) -> None:
    """Its JUNK chunk (room for RF64's ds64) is skipped by libsndfile, FFmpeg and Python's
    own wave module (which reads no RF64 and no WAVE_FORMAT_EXTENSIBLE)."""
    speech = speech_like(16000, 0.3, seed=7)
    path = tmp_path / "call.wav"
    settings = Settings(options={"writers": {"encoding": encoding, "album": "Calls"}})
    with open_writer(path, 16000, settings) as writer:
        write_in_chunks(writer, speech, 160)
    expected = coded(speech, encoding, 160)
    back, rate = soundfile.read(path, dtype="float32")
    assert rate == 16000 and np.array_equal(back, expected)
    with av.open(str(path)) as container:
        assert container.metadata["album"] == "Calls"
    assert np.array_equal(ffmpeg_samples(path), expected)
    if encoding == "pcm_s16le":
        with wave.open(str(path)) as plain:
            assert (plain.getframerate(), plain.getnframes()) == (16000, speech.size)
            frames = np.frombuffer(plain.readframes(speech.size), "<i2") / 32768
        assert np.array_equal(frames.astype(np.float32), expected)


@pytest.mark.parametrize(("rate", "bitrate"), [(44100, 192), (24000, 160)])
def test_mp3_decodes_to_the_same_tone(tmp_path: Path, rate: int, bitrate: int) -> None:
    signal = tone(rate, 2.0, freq=1000.0)
    with open_writer(tmp_path / "out.mp3", rate) as writer:
        write_in_chunks(writer, signal)
    with av.open(str(tmp_path / "out.mp3")) as container:
        stream = container.streams.audio[0]
        assert container.format.name == "mp3"
        assert (stream.rate, stream.bit_rate) == (rate, bitrate * 1000)
        decoded = np.concatenate([f.to_ndarray()[0] for f in container.decode(stream)])
    assert decoded.size == signal.size  # the encoder delay and padding trimmed
    spectrum = np.abs(np.fft.rfft(decoded))
    assert np.argmax(spectrum) * rate / decoded.size == pytest.approx(1000, abs=2)
    rms = np.sqrt(np.mean(decoded[3000:-3000] ** 2))
    assert 20 * np.log10(rms / (0.5 / np.sqrt(2))) == pytest.approx(0, abs=1)  # within 1 dB


@pytest.mark.parametrize(("rate", "bitrate"), [(8000, 64), (16000, 8), (22050, 160), (44100, 192)])
def test_mp3_decodes_to_exactly_the_samples_written_none_late(
    tmp_path: Path, rate: int, bitrate: int
) -> None:
    """The LAME Info frame gives the encoder delay and padding, which decoders trim (without
    it, FFmpeg decoded 1105 samples late and 1152 to 1536 samples too many)."""
    speech = speech_like(rate, 3.3, seed=5)
    with Mp3Writer(tmp_path / "out.mp3", rate, bitrate) as writer:
        write_in_chunks(writer, speech, 4097)
    with av.open(str(tmp_path / "out.mp3")) as container:
        decoded = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
    assert decoded.size == speech.size
    lags = signal.correlation_lags(decoded.size, speech.size)
    assert lags[np.argmax(signal.correlate(decoded, speech))] == 0


@pytest.mark.parametrize(
    ("rate", "length"), [(8000, 9217), (16000, 9248), (24000, 10395), (44100, 9217), (48000, 11542)]
)
def test_an_mp3_ending_just_past_a_whole_frame_decodes_to_its_length(
    tmp_path: Path, rate: int, length: int
) -> None:
    """FFmpeg wrote the LAME tag's end padding up to 47 samples short for such lengths: both
    FFmpeg and libsndfile (mpg123) decoded that many samples too many."""
    speech = speech_like(rate, 3.0, seed=2)[:length]
    with open_writer(tmp_path / "out.mp3", rate) as writer:
        write_in_chunks(writer, speech)
    with av.open(str(tmp_path / "out.mp3")) as container:
        decoded = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
    assert decoded.size == length
    assert soundfile.info(tmp_path / "out.mp3").frames == length
    lags = signal.correlation_lags(decoded.size, speech.size)
    assert lags[np.argmax(signal.correlate(decoded, speech))] == 0


@pytest.mark.parametrize(
    ("name", "rate"), [("x.mp3", 96000), ("x.mp3", 7350), ("x.mp3", 64000), ("x.m4b", 7000)]
)
def test_a_rate_the_format_has_not_is_refused_by_name_before_any_file(
    tmp_path: Path, name: str, rate: int
) -> None:
    """FFmpeg said only 'avcodec_open2("libmp3lame", ...) returned 22' and left the file."""
    kind = name[2:].upper()
    hint = r"\(resample to one: options\.resample\.target_rate\)$"
    with pytest.raises(ValueError, match=rf"x\.{kind.lower()}: {kind} has no {rate} Hz audio; "
                       rf"its rates: .* {hint}"):  # fmt: skip
        open_writer(tmp_path / name, rate)
    assert not (tmp_path / name).exists()
    with open_writer(tmp_path / "x.m4a", 7350) as writer:  # AAC has 7350, 64000 and up
        writer.write(tone(7350, 0.5))
    assert mutagen.mp4.MP4(tmp_path / "x.m4a").info.sample_rate == 7350


@pytest.mark.parametrize(("rate", "most"), [(8000, 48), (22050, 132), (24000, 144), (48000, 288)])
def test_an_m4b_bitrate_aac_cannot_hold_is_refused_not_lowered_unsaid(
    tmp_path: Path, rate: int, most: int
) -> None:
    """FFmpeg's AAC encoder lowers a rate above 6144 bits a frame to that, unsaid (192 kbps at
    24 kHz came out at 118); the default (64) comes down to the limit at 8 kHz."""
    with pytest.raises(ValueError, match=rf"x\.m4a: M4A bitrate {most + 1} kbps is more than "
                       rf"AAC holds at {rate} Hz; at most {most}$"):  # fmt: skip
        M4bWriter(tmp_path / "x.m4a", rate, bitrate=most + 1)
    assert not (tmp_path / "x.m4a").exists()
    noise = (0.3 * np.random.default_rng(0).standard_normal(rate * 3)).astype(np.float32)
    with M4bWriter(tmp_path / "book.m4b", rate, bitrate=most) as writer:
        writer.write(noise)
    with open_writer(tmp_path / "default.m4b", rate) as writer:
        writer.write(noise)
    assert audio_kbps(tmp_path / "default.m4b") <= min(64, most) * 1.05


def test_m4b_with_three_chapters_reads_back_with_titles_and_times(tmp_path: Path) -> None:
    rate = 24000
    cover = tmp_path / "cover.jpg"
    cover.write_bytes(b"\xff\xd8\xff\xe0" + bytes(60))  # a JPEG header is all it checks
    options = {"title": "Three Parts", "author": "Sonic Pipe", "cover": str(cover)}
    settings = Settings(options={"writers": options})
    path = tmp_path / "book.m4b"
    with open_writer(path, rate, settings) as writer:
        for title, seconds, freq in [("Loomings", 2.0, 300), ("The Carpet-Bag", 3.5, 500),
                                     ("The Spouter-Inn", 1.5, 700)]:  # fmt: skip
            writer.chapter(title)
            write_in_chunks(writer, tone(rate, seconds, freq=freq), 4000)
    book = mutagen.mp4.MP4(path)  # an independent MP4 parser, not FFmpeg
    chapters = [(round(c.start, 3), c.title) for c in book.chapters]
    assert chapters == [(0.0, "Loomings"), (2.0, "The Carpet-Bag"), (5.5, "The Spouter-Inn")]
    with av.open(str(path)) as container:  # each chapter ends where the next starts, or the book
        ends = [float(c["end"] * c["time_base"]) for c in container.chapters()]
    assert ends == pytest.approx([2.0, 5.5, 7.0], abs=0.001)
    assert book.tags["©nam"] == ["Three Parts"]
    assert book.tags["©ART"] == ["Sonic Pipe"]
    assert bytes(book.tags["covr"][0]) == cover.read_bytes()
    assert book.tags["covr"][0].imageformat == mutagen.mp4.MP4Cover.FORMAT_JPEG
    assert book.info.codec == "mp4a.40.2"  # AAC-LC
    assert book.info.length == pytest.approx(7.0, abs=0.1)


def test_a_relative_cover_is_read_beside_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    art = b"\xff\xd8\xff\xe0" + bytes(60)
    (folder / "art.jpg").write_bytes(art)
    config = folder / "sonicpipe.toml"
    config.write_text('[options.writers]\ncover = "art.jpg"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not the settings file's folder
    with open_writer(tmp_path / "book.m4b", 24000, Settings.load(config)) as writer:
        write_in_chunks(writer, tone(24000, 0.5))
    assert bytes(mutagen.mp4.MP4(tmp_path / "book.m4b").tags["covr"][0]) == art


def test_unknown_suffix_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"'\.ogg'.*\.wav, \.flac, \.mp3, \.m4b"):
        open_writer(tmp_path / "out.ogg", 24000)


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        (
            "out.flac",
            {"encoding": "pcm_mulaw"},
            r"^options\.writers\.encoding: FLAC cannot hold 'pcm_mulaw'; valid: pcm_s16le$",
        ),
        ("out.wav", {"encoding": "pcm_u8"}, "valid: pcm_f32le, pcm_s16le, pcm_mulaw, pcm_alaw"),
        (
            "out.mp3",
            {"bitrate": 192},
            r"^options\.writers\.bitrate: MP3 bitrate 192 kbps is not valid at 24000 Hz; "
            r"valid: 8, 16, 24, .*, 144, 160$",
        ),
        ("out.m4b", {"bitrate": 1000}, "from 8 to 320"),
        (
            "out.m4b",
            {"bitrate": 192},
            r"^options\.writers\.bitrate: M4B bitrate 192 kbps is more than AAC holds at "
            r"24000 Hz; at most 144$",
        ),
        (
            "out.mp3",
            {"bitrate": 128.5},
            r"bitrate: expected a whole number from 8 to 320, got 128\.5",
        ),
        ("out.m4b", {"narrator": "x"}, "valid: album, author, bitrate, cover, encoding, title, t"),
        ("out.m4b", {"cover": "no-such-cover.jpg"}, "cover: cannot read no-such-cover.jpg"),
        ("out.m4b", {"cover": __file__}, "cover: .*test_audio_writers.py is not a JPEG or PNG"),
    ],
)
def test_bad_writer_options_are_named(
    tmp_path: Path, name: str, options: dict, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        open_writer(tmp_path / name, 24000, Settings(options={"writers": options}))
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        (
            "book.flac",
            'encoding = "pcm_alaw"',
            "encoding: FLAC cannot hold 'pcm_alaw'; valid: pcm_s16le",
        ),
        (
            "book.mp3",
            "bitrate = 100",
            "bitrate: MP3 bitrate 100 kbps is not valid at 44100 Hz; "
            "valid: 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320",
        ),
        ("book.wav", 'track = "one"', "track: 'one': expected a number 'n' or 'n/total'"),
    ],
)
def test_an_option_error_names_the_real_file_the_settings_file_and_the_key(
    tmp_path: Path, name: str, options: str, message: str
) -> None:
    """A render writes to a temporary name (``book.part.flac``): that one is never shown."""
    config = tmp_path / "conf.toml"
    config.write_text(f"[options.writers]\n{options}\n", encoding="utf-8")
    path = tmp_path / name
    with pytest.raises(ConfigError) as err:
        open_writer(part_of(path), 44100, Settings.load(config), name=path)
    assert str(err.value) == f"{path}: {config}: options.writers.{message}"
    assert list(tmp_path.iterdir()) == [config]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: SoundFileWriter(path / "x.flac", 8000, "pcm_alaw"), r"x\.flac: FLAC cannot"),
        (lambda path: Mp3Writer(path / "x.mp3", 8000, 128), r"x\.mp3: MP3 bitrate 128 kbps is"),
    ],
)
def test_a_writer_made_in_python_names_its_file(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make(tmp_path)


# libsndfile's FLAC stays empty; an MP3 is silence its LAME tag trims (test_audio_mp3.py)
@pytest.mark.parametrize("name", ["empty.wav", "empty.m4b"])
def test_a_stream_without_audio_still_makes_a_valid_file(tmp_path: Path, name: str) -> None:
    open_writer(tmp_path / name, 24000).close()
    if name.endswith(".m4b"):
        assert mutagen.mp4.MP4(tmp_path / name).info.length == 0
    else:
        assert soundfile.info(tmp_path / name).frames == 0


@pytest.mark.parametrize("name", ["x.wav", "x.flac"])
def test_a_missing_folder_is_named(tmp_path: Path, name: str) -> None:
    with pytest.raises(OSError, match=r"missing/x\.\w+: cannot write: no such folder"):
        open_writer(tmp_path / "missing" / name, 24000)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".mp3", ".m4b", ".raw"])
def test_a_file_that_cannot_be_made_is_named_as_the_caller_knows_it(
    tmp_path: Path, suffix: str
) -> None:
    """The system's reason, after the real file's name, never the temporary one's."""
    path = tmp_path / ("x" * 250 + suffix)  # its temporary name is too long for the system
    with pytest.raises(OSError) as err:
        open_writer(part_of(path), 44100, name=path)
    assert str(err.value) == f"{path}: cannot write: file name too long"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".mp3", ".m4b", ".raw"])
def test_a_folder_without_write_permission_is_said_for_the_real_file(
    tmp_path: Path, suffix: str
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    path = folder / f"book{suffix}"
    code = (
        "import sys; from sonicpipe.audio import open_writer\n"
        "try: open_writer(sys.argv[1], 44100, name=sys.argv[2])\n"
        "except OSError as exc: print(exc)"
    )
    run = [*without_write_permission(), sys.executable, "-c", code, str(part_of(path)), str(path)]
    done = subprocess.run(run, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"{path}: cannot write: permission denied"
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name", ["tagged.wav", "tagged.flac", "tagged.mp3", "tagged.m4a"])
def test_title_author_album_and_track_tag_every_file_format(tmp_path: Path, name: str) -> None:
    tags = {
        "title": "Chapter One: Dawn",
        "author": "Émile Zola",
        "album": "A Book",
        "track": "1/12",
    }
    with open_writer(tmp_path / name, 44100, Settings(options={"writers": tags})) as writer:
        write_in_chunks(writer, tone(44100, 0.5))
    with av.open(str(tmp_path / name)) as container:  # FFmpeg reads INFO, Vorbis, ID3 and MP4
        found = {key.lower(): value for key, value in container.metadata.items()}
    assert found["title"] == tags["title"]
    assert found["artist"] == tags["author"]
    assert found["album"] == tags["album"]
    assert found["track"] == tags["track"]


@pytest.mark.parametrize("name", ["untagged.wav", "untagged.flac", "untagged.mp3", "untagged.m4a"])
def test_an_empty_tag_is_left_out(tmp_path: Path, name: str) -> None:
    """A book without an author: libsndfile refused the empty artist ("cannot write")."""
    tags = {"title": "Chapter One", "author": "", "album": ""}
    with open_writer(tmp_path / name, 44100, Settings(options={"writers": tags})) as writer:
        write_in_chunks(writer, tone(44100, 0.2))
    with av.open(str(tmp_path / name)) as container:
        found = {key.lower(): value for key, value in container.metadata.items()}
    assert found["title"] == "Chapter One"
    assert "artist" not in found and "album" not in found


@pytest.mark.parametrize("name", ["twice.raw", "twice.wav", "twice.mp3", "twice.m4b"])
def test_a_second_close_does_nothing(tmp_path: Path, name: str) -> None:
    writer = open_writer(tmp_path / name, 24000)
    write_in_chunks(writer, tone(24000, 0.2))
    writer.close()
    written = (tmp_path / name).read_bytes()
    writer.close()
    assert (tmp_path / name).read_bytes() == written


@pytest.mark.parametrize("name", ["x.wav", "x.mp3", "x.m4b"])
def test_a_track_that_is_not_a_number_is_refused_before_any_file(tmp_path: Path, name: str) -> None:
    settings = Settings(options={"writers": {"track": "abc"}})
    with pytest.raises(ConfigError, match=r"options\.writers\.track: 'abc': expected a number"):
        open_writer(tmp_path / name, 44100, settings)
    assert not list(tmp_path.iterdir())


def test_unknown_metadata_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown metadata 'genre'; valid: title, author"):
        SoundFileWriter(tmp_path / "x.wav", 8000, metadata={"genre": "Drama"})


TAGGED = """
import sys
import numpy as np
from sonicpipe.audio.m4b import M4bWriter
from sonicpipe.audio.writers import Mp3Writer

rate = 44100
samples = (0.5 * np.sin(np.arange(3 * rate) * 0.06)).astype(np.float32)
title = {"title": "A long title " * 400}
cover = b"\\xff\\xd8\\xff" + bytes(20000)
for path, tagged in ((sys.argv[1], False), (sys.argv[2], True)):
    if path.endswith(".mp3"):
        writer = Mp3Writer(path, rate, metadata=title if tagged else None)
    else:
        writer = M4bWriter(path, rate, cover=cover if tagged else None)
    writer.write(samples)
    try:
        writer.close()
    except Exception as exc:
        print(type(exc).__name__, exc)
"""


@pytest.mark.parametrize("suffix", [".mp3", ".m4b"])
def test_a_full_disk_while_tags_are_written_is_the_systems_oserror(
    tmp_path: Path, suffix: str
) -> None:
    """mutagen wrapped it in its own error, which no caller took for a write error."""
    plain, tagged = tmp_path / f"plain{suffix}", tmp_path / f"tagged{suffix}"
    assert run_with_file_size_limit(1 << 30, TAGGED, str(plain), str(tagged)).stdout == ""
    room = plain.stat().st_size + 1000  # the audio fits, its tags do not
    assert tagged.stat().st_size > room
    done = run_with_file_size_limit(room, TAGGED, str(plain), str(tagged))
    assert done.stdout == "OSError [Errno 27] File too large\n"


READ_ALOUD = (
    "Alice was beginning to get very tired of sitting by her sister on the bank, and of having "
    "nothing to do: once or twice she had peeped into the book her sister was reading, but it "
    "had no pictures or conversations in it, and what is the use of a book, thought Alice, "
    "without pictures or conversations?"
)


def audio_kbps(path: Path) -> float:
    """The audio's real bit rate: its packets' bytes over its duration."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        size = sum(packet.size for packet in container.demux(stream))
        return size * 8 / float(stream.duration * stream.time_base) / 1000


@pytest.mark.parametrize("kbps", [32, 64, 128])
def test_an_m4b_of_the_neural_voice_has_the_bitrate_asked_for(tmp_path: Path, kbps: int) -> None:
    """The encoder gets the bit rate; on speech without digital silence it holds it (espeak's
    silent gaps push it above: see the note in sonicpipe.audio.m4b)."""
    voice = load_engine("piper").synthesize([Word(word) for word in READ_ALOUD.split()])
    resampler = Resampler(44100)
    resampler.open(voice.sample_rate)
    with M4bWriter(tmp_path / "voice.m4b", 44100, bitrate=kbps) as writer:
        write_in_chunks(writer, resampler.process(voice.samples), 4096)
        writer.write(resampler.flush())
    assert audio_kbps(tmp_path / "voice.m4b") == pytest.approx(kbps, rel=0.15)


def test_an_interrupted_atomic_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the data goes to disk (a mock: the moment cannot be hit for real) leaves
    neither the file nor its temporary part, and the interruption goes on."""

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "paragraph.wav", bytes(5000))
    assert list(tmp_path.iterdir()) == []
