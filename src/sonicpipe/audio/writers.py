"""Sinks for finished audio: raw PCM streams (telephony), WAV, FLAC and MP3 files.

Every writer takes mono float32 chunks as they come and encodes them at once, so a book or a
call never has to sit in memory whole. Byte encodings come from :mod:`sonicpipe.pcm`; WAV and
FLAC go through libsndfile (``soundfile``), MP3 through LAME in FFmpeg (PyAV). M4B/M4A with
chapters is in :mod:`sonicpipe.audio.m4b`, Ogg Opus in :mod:`sonicpipe.audio.opus`.
"""

from __future__ import annotations

import inspect
import os
import re
import struct
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO, Self

import numpy as np
import soundfile

from sonicpipe import pcm
from sonicpipe.audio.chain import as_samples
from sonicpipe.config import ConfigError, Settings
from sonicpipe.hookspecs import AudioWriter
from sonicpipe.plugins import PluginHost

if TYPE_CHECKING:
    import av
    from mutagen import id3

# The suffixes the built-in ``writers`` plugin answers for.
FORMATS = {
    ".wav": "WAV (pcm_s16le, pcm_f32le, pcm_mulaw or pcm_alaw; RF64 past 4 GiB)",
    ".flac": "FLAC (16-bit)",
    ".mp3": "MP3 (constant bit rate, with chapters)",
    ".m4b": "AAC in MP4, audiobook, with chapters",
    ".m4a": "AAC in MP4, with chapters",
    ".opus": "Opus in Ogg, for speech on the web (variable bit rate, with chapters)",
    ".raw": "headerless PCM (any Sonic encoding)",
}
LOSSY = (".mp3", ".m4b", ".m4a", ".opus")  # suffixes whose encoders move the true peaks
WAV_SUBTYPES = {"pcm_s16le": "PCM_16", "pcm_f32le": "FLOAT", "pcm_mulaw": "ULAW",
                "pcm_alaw": "ALAW"}  # fmt: skip
G711_LEVELS = {"pcm_mulaw": pcm.MULAW_TO_LINEAR, "pcm_alaw": pcm.ALAW_TO_LINEAR}  # int16 per code
# Tags a file writer can carry (the ``writers`` plugin's options of the same names); ``track``
# is "n" or "n/total". WAV holds them in its INFO chunk, FLAC and Opus as Vorbis comments, MP3
# as ID3.
METADATA_KEYS = ("title", "author", "album", "track")
SOUNDFILE_TAGS = {"title": "title", "author": "artist", "album": "album", "track": "tracknumber"}
ID3_FRAMES = {"title": "TIT2", "author": "TPE1", "album": "TALB", "track": "TRCK"}
NO_OFFSET = 0xFFFFFFFF  # an ID3 chapter's byte offsets: unused, its times hold
# Bit rates (kbps) of MPEG-1 (32 kHz and up), MPEG-2 (16-24 kHz) and MPEG-2.5 Layer III.
MPEG1_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
MPEG2_BITRATES = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
LAME_DELAY = 576  # samples of silence LAME codes before the audio (its tag's encoder delay)
LAME_FIELD_MOST = 4095  # the most the LAME tag's delay and padding fields hold (12 bits each)
DECODER_DELAY = 529  # samples FFmpeg and mpg123 skip past the LAME delay (their decoder's)
# FFmpeg's probe takes a file for MP3 by the frames in a row at its start: 7 win over every
# other format (h263 or vvc won over an MP3 of 3 frames, which then had no audio stream).
PROBE_FRAMES = 7


def samples_per_frame(sample_rate: int) -> int:
    """Samples in an MP3 frame at ``sample_rate``: 1152 in MPEG-1 (32 kHz and up), else 576."""
    return 1152 if sample_rate >= 32000 else 576


def short_mp3_silence(samples: int, per_frame: int) -> tuple[int, int]:
    """Samples of silence to code before and after ``samples`` so that an MP3 of frames of
    ``per_frame`` has the audio frames :data:`PROBE_FRAMES` asks for (the Info frame is one
    more), held in the LAME tag's delay and padding, which decoders trim: (0, 0) when
    ``samples`` fill them alone.

    LAME codes 6.25 frames' span (its delay, silence, audio, silence) in 7 frames, or 8 in
    MPEG-2; the lead keeps the padding of the longer in its field. Audio shorter than a
    frame starts on a frame past the decoder's delay: FFmpeg forgets a start it has yet
    to skip at the packet that carries the end's padding (it decoded 529 samples too many).
    """
    span = (PROBE_FRAMES - 1) * per_frame + per_frame // 4
    if samples + LAME_DELAY >= span:
        return 0, 0
    most = ((span + LAME_DELAY - 1) // per_frame + 1) * per_frame  # its flush, at most
    lead = max(0, most - LAME_DELAY - LAME_FIELD_MOST - samples)
    if samples < per_frame:
        lead += -(LAME_DELAY + DECODER_DELAY + lead) % per_frame
    return lead, span - LAME_DELAY - lead - samples


# The sample rates each lossy format has (MPEG-1, 2 and 2.5 Layer III; AAC's table).
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
AAC_RATES = (7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200,
             96000)  # fmt: skip


def rate_problem(kind: str, sample_rate: int, rates: tuple[int, ...]) -> str | None:
    """Why a ``kind`` file (MP3, M4B) cannot be at ``sample_rate``; None when it can be."""
    if sample_rate in rates:
        return None
    return (
        f"{kind} has no {sample_rate} Hz audio; its rates: {', '.join(map(str, rates))} "
        "(resample to one: options.resample.target_rate)"
    )


def mp3_bitrates(sample_rate: int) -> tuple[int, ...]:
    """The MP3 bit rates (kbps) possible at ``sample_rate``."""
    if sample_rate >= 32000:
        return MPEG1_BITRATES
    return MPEG2_BITRATES if sample_rate >= 16000 else MPEG2_BITRATES[:8]


def bitrate_problem(bitrate: int, sample_rate: int) -> str | None:
    """Why an MP3 at ``sample_rate`` cannot have ``bitrate`` (kbps); None when it can."""
    valid = mp3_bitrates(sample_rate)
    if bitrate in valid:
        return None
    return (
        f"MP3 bitrate {bitrate!r} kbps is not valid at {sample_rate} Hz; "
        f"valid: {', '.join(map(str, valid))}"
    )


def aac_bitrate_limit(sample_rate: int) -> int:
    """The highest AAC bit rate (kbps) of mono audio at ``sample_rate``: 6144 bits a frame of
    1024 samples. FFmpeg's encoder lowers any higher rate to it, unsaid."""
    return 6 * sample_rate // 1000


def aac_bitrate_problem(bitrate: int, sample_rate: int, suffix: str = ".m4b") -> str | None:
    """Why an AAC file (M4B, M4A by ``suffix``) at ``sample_rate`` cannot have ``bitrate``
    (kbps); None when it can."""
    most = aac_bitrate_limit(sample_rate)
    if bitrate <= most:
        return None
    kind = suffix.lower().lstrip(".").upper()
    return (
        f"{kind} bitrate {bitrate} kbps is more than AAC holds at {sample_rate} Hz; at most {most}"
    )


def encoding_problem(suffix: str, encoding: str) -> str | None:
    """Why a WAV or FLAC file (by its ``suffix``) cannot hold ``encoding``; None when it can."""
    kind = suffix.lower().lstrip(".")
    valid = ("pcm_s16le",) if kind == "flac" else tuple(WAV_SUBTYPES)
    if encoding in valid:
        return None
    return f"{kind.upper()} cannot hold {encoding!r}; valid: {', '.join(valid)}"


TRACK_RE = re.compile(r"[0-9]+(/[0-9]+)?")


def track_problem(track: str) -> str | None:
    """Why ``track`` is not a track tag ("n" or "n/total"); None when it is."""
    return None if TRACK_RE.fullmatch(track) else f"{track!r}: expected a number 'n' or 'n/total'"


def checked_metadata(path: Path | str, metadata: Mapping[str, str] | None) -> dict[str, str]:
    """``metadata`` without empty values; an unknown key is an error naming the valid ones."""
    unknown = sorted(set(metadata or {}) - set(METADATA_KEYS))
    if unknown:
        raise ValueError(
            f"{path}: unknown metadata {unknown[0]!r}; valid: {', '.join(METADATA_KEYS)}"
        )
    track = (metadata or {}).get("track")
    if track and (problem := track_problem(track)):
        raise ValueError(f"{path}: track {problem}")
    return {key: value for key, value in (metadata or {}).items() if value}


def in_sentence(reason: str) -> str:
    """A system's message (``Permission denied``) as words after a colon: its first letter in
    lower case."""
    return reason[:1].lower() + reason[1:]


def system_reason(exc: BaseException) -> str:
    """The system's reason for ``exc`` in words (``no space left on device``)."""
    return in_sentence(getattr(exc, "strerror", None) or str(exc))


def system_error(path: Path) -> str | None:
    """The system's reason why ``path`` cannot be created or truncated (say, ``Permission
    denied``), found by opening it for writing; None when it can be (a file it made is
    removed again)."""
    existed = path.exists()
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o666))
    except OSError as exc:
        return exc.strerror or str(exc)
    if not existed:
        path.unlink(missing_ok=True)
    return None


def cannot_write(path: Path, reason: str | None) -> OSError:
    """An error saying that ``path`` cannot be written, and why: a folder is in the way, its
    folder is missing, else ``reason`` (the system's)."""
    if os.path.isdir(path):  # os.path: a name too long is no folder, not an error
        reason = "a folder"
    elif not os.path.isdir(path.parent):
        reason = "no such folder"
    elif reason:
        reason = in_sentence(reason)
    return OSError(f"{path}: cannot write: {reason or 'unknown error'}")


def refused_write(path: Path) -> str:
    """Why the system refused to write more to the file ``path`` (a temporary one, thrown
    away after), which libsndfile does not say ("System error."): another 64 KiB appended to
    it fails the same way (``no space left on device``)."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(handle, bytes(1 << 16))
            os.fsync(handle)
        finally:
            os.close(handle)
    except OSError as exc:
        return system_reason(exc)
    return "the system refused to write more"


def streaming_wav_header(sample_rate: int) -> bytes:
    """The header of a 16-bit mono WAV stream of unknown length (to a pipe, which cannot be
    rewound to write the sizes): both sizes are 0xFFFFFFFF, as FFmpeg writes them, which
    players read as "until the end"."""
    unknown = 0xFFFFFFFF
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", unknown, b"WAVE", b"fmt ", 16, 1, 1,
                       sample_rate, sample_rate * 2, 2, 16, b"data", unknown)  # fmt: skip


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never half-written).

    A failure (a full disk) is an :class:`OSError` naming ``path``; the temporary file is
    gone after it, and after an interruption (Ctrl-C).
    """
    part = path.with_name(f"{path.name}.part-{os.getpid()}")
    try:
        with open(part, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, path)
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(f"{path}: cannot write: {system_reason(exc)}") from None
        raise


@contextmanager
def writing(target: Path, name: Path) -> Iterator[None]:
    """Opening, writing or closing ``target``, a temporary name for the file ``name`` (in
    the same folder, or in a staging folder for ``name``'s): a failure (a full disk) is an
    :class:`OSError` naming ``name``, with the system's reason (:func:`cannot_write`); one
    without a reason is said with ``name`` and its folder for ``target``'s. ``target`` is
    thrown away after a failure: a probe may add to it."""
    try:
        yield
    except soundfile.LibsndfileError:  # says only "System error."
        raise cannot_write(name, refused_write(target)) from None
    except OSError as exc:
        if exc.strerror:  # the system's reason, with or without the file's name
            raise cannot_write(name, exc.strerror) from None
        message = str(exc).replace(str(target), str(name))
        raise OSError(message.replace(str(target.parent), str(name.parent))) from None


@contextmanager
def tagging() -> Iterator[None]:
    """Tags written into a finished file with mutagen: a system error it wraps in its own
    (a full disk) is raised as the :class:`OSError` it is."""
    from mutagen import MutagenError

    try:
        yield
    except MutagenError as exc:
        if exc.args and isinstance(exc.args[0], OSError):
            raise exc.args[0] from None
        raise


class Writer:
    """Base of the built-in writers: counts frames, records chapters, closes on ``with`` exit.

    Subclasses implement ``_write`` (one float32 chunk) and ``_close``.
    """

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.frames = 0
        self.chapters: list[tuple[float, str]] = []
        self.closed = False

    def write(self, samples: np.ndarray) -> None:
        """Encode and write one chunk of mono float samples."""
        if self.closed:
            raise ValueError(f"{type(self).__name__}: write after close")
        samples = as_samples(samples)
        if samples.size:
            self._write(samples)
            self.frames += samples.size

    def chapter(self, title: str) -> None:
        """Start a chapter named ``title`` at the current position."""
        self.chapters.append((self.frames / self.sample_rate, title))

    def chapter_spans(self) -> list[tuple[int, int, str]]:
        """Each chapter's first frame, end frame and title: a chapter ends where the next
        starts, the last at the end of the audio."""
        starts = [round(start * self.sample_rate) for start, _ in self.chapters]
        ends = [*starts[1:], self.frames] if starts else []
        titles = [title for _, title in self.chapters]
        return list(zip(starts, ends, titles, strict=True))

    def close(self) -> None:
        """Finish and release the output (a second call does nothing)."""
        if not self.closed:
            self.closed = True
            self._close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _write(self, samples: np.ndarray) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        raise NotImplementedError


class RawSink(Writer):
    """Headerless PCM in one of Sonic's encodings, to a binary stream or a callable.

    For telephony: ``RawSink(sock.sendall, "pcm_mulaw", 8000)`` sends G.711 mu-law bytes as
    chunks arrive. A path opens (and on close, closes) a file.
    """

    def __init__(
        self,
        sink: Callable[[bytes], object] | BinaryIO | str | Path,
        encoding: str = "pcm_s16le",
        sample_rate: int = 8000,
    ) -> None:
        super().__init__(sample_rate)
        pcm.encode(np.zeros(0, dtype=np.float32), encoding)  # validates the encoding
        self.encoding = encoding
        self._file: BinaryIO | None = None
        if isinstance(sink, str | Path):
            self._file = open(sink, "wb")  # noqa: SIM115 - closed by close()
            self._send: Callable[[bytes], object] = self._file.write
        else:
            self._send = sink if callable(sink) else sink.write
            if inspect.iscoroutinefunction(self._send):  # its coroutines would never run
                raise TypeError(
                    f"sink: {self._send!r} is async; RawSink calls it as audio comes, without "
                    "awaiting (give a plain function, say one that puts the bytes on an "
                    "asyncio.Queue)"
                )

    def _write(self, samples: np.ndarray) -> None:
        self._send(pcm.encode(samples, self.encoding))

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()


WAV_FORMAT_TAGS = {"pcm_s16le": 1, "pcm_f32le": 3, "pcm_mulaw": 7, "pcm_alaw": 6}
INFO_IDS = {"title": b"INAM", "author": b"IART", "album": b"IPRD", "track": b"ITRK"}
RIFF_MOST = 0xFFFFFFFF  # the largest size a RIFF chunk's 32-bit field holds (4 GiB less 1)


def riff_chunk(kind: bytes, data: bytes) -> bytes:
    """A RIFF chunk: its four-letter kind, its size and ``data``, padded to an even size."""
    return kind + struct.pack("<I", len(data)) + data + bytes(len(data) % 2)


def wav_header(
    encoding: str, sample_rate: int, data_bytes: int | None, tags: Mapping[str, str] | None = None,
    most: int = RIFF_MOST,
) -> bytes:  # fmt: skip
    """The header of a mono WAV of ``data_bytes`` of ``encoding`` audio (its tags in a LIST
    INFO chunk), up to its data: RIFF, with a JUNK chunk where RF64's ds64 would go, while
    the file's size fits a RIFF size field (``most``); RF64 (EBU Tech 3306) past that, with
    the sizes in ds64. Both are the same length: a file is rewritten as RF64 in place.
    ``data_bytes`` None: a length still unknown, both sizes 0xFFFFFFFF, which readers take
    for "to the end of the file" (a file whose writing was cut off reads whole)."""
    if data_bytes is None:
        header = wav_header(encoding, sample_rate, 0, tags, most)
        unknown = struct.pack("<I", RIFF_MOST)
        return header[:4] + unknown + header[8:-4] + unknown
    width = pcm.BYTES_PER_SAMPLE[encoding]
    kind = WAV_FORMAT_TAGS[encoding]
    fmt = struct.pack("<HHIIHH", kind, 1, sample_rate, sample_rate * width, width, 8 * width)
    frames = data_bytes // width
    chunks = [riff_chunk(b"fmt ", fmt if kind == 1 else fmt + bytes(2))]  # cbSize 0
    if kind != 1:  # a compressed or float WAV counts its frames
        chunks.append(riff_chunk(b"fact", struct.pack("<I", min(frames, RIFF_MOST))))
    if tags:
        info = [riff_chunk(INFO_IDS[key], value.encode() + b"\0") for key, value in tags.items()]
        chunks.append(riff_chunk(b"LIST", b"INFO" + b"".join(info)))
    body = b"".join(chunks)
    size = 4 + 36 + len(body) + 8 + data_bytes + data_bytes % 2  # all after the RIFF size
    if size <= most:
        head, data_size = b"RIFF" + struct.pack("<I", size), data_bytes
        room = riff_chunk(b"JUNK", bytes(28))
    else:  # the 32-bit sizes say "see ds64"
        head, data_size = b"RF64" + struct.pack("<I", RIFF_MOST), RIFF_MOST
        room = riff_chunk(b"ds64", struct.pack("<QQQI", size, data_bytes, frames, 0))
    return head + b"WAVE" + room + body + b"data" + struct.pack("<I", data_size)


def checked_file(path: Path, encoding: str, metadata: Mapping[str, str] | None) -> dict[str, str]:
    """The tags of a WAV or FLAC writer for ``path``, checked, once ``encoding`` is found to
    suit its format (else a :class:`ValueError` naming ``path``)."""
    tags = checked_metadata(path, metadata)
    if problem := encoding_problem(path.suffix, encoding):
        raise ValueError(f"{path}: {problem}")
    return tags


class WavWriter(Writer):
    """WAV in any of Sonic's encodings, written as it comes: a RIFF WAV while it fits 4 GiB,
    else RF64 (libsndfile, FFmpeg and most DAWs read it; a RIFF size field wraps past 4 GiB,
    which players read as a file cut short). The header is rewritten on close with the
    sizes; the JUNK chunk it keeps for RF64's ds64 is skipped by WAV readers."""

    riff_most = RIFF_MOST

    def __init__(
        self,
        path: str | Path,
        sample_rate: int,
        encoding: str = "pcm_s16le",
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(sample_rate)
        self.path = Path(path)
        self._tags = checked_file(self.path, encoding, metadata)
        self.encoding = encoding
        self.data_bytes = 0
        try:
            self._file = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            raise cannot_write(self.path, exc.strerror) from None
        self._header(None)  # sizes unknown until close: a cut-off file reads to its end

    def _header(self, data_bytes: int | None) -> None:
        self._file.seek(0)
        self._file.write(wav_header(self.encoding, self.sample_rate, data_bytes, self._tags,
                                    self.riff_most))  # fmt: skip

    def _write(self, samples: np.ndarray) -> None:
        data = pcm.encode(samples, self.encoding)
        self._file.write(data)
        self.data_bytes += len(data)

    def _close(self) -> None:
        with self._file:
            self._file.write(bytes(self.data_bytes % 2))  # RIFF pads a chunk to an even size
            self._header(self.data_bytes)


class SoundFileWriter(Writer):
    """WAV or FLAC through libsndfile; integer formats get :func:`sonicpipe.pcm.to_int16`,
    G.711 the codes of :mod:`sonicpipe.pcm` (as the raw stream has them). Its WAV stops at
    4 GiB (libsndfile's size fields wrap): the ``writers`` plugin writes WAV files with
    :class:`WavWriter`, RF64 past that."""

    def __init__(
        self,
        path: str | Path,
        sample_rate: int,
        encoding: str = "pcm_s16le",
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(sample_rate)
        path = Path(path)
        tags = checked_file(path, encoding, metadata)
        kind = path.suffix.lower().lstrip(".")
        self._encoding = encoding
        try:
            self._file = soundfile.SoundFile(
                path, "w", samplerate=sample_rate, channels=1, format=kind.upper(),
                subtype=WAV_SUBTYPES[encoding],
            )  # fmt: skip
        except soundfile.LibsndfileError as exc:  # says only "System error."
            raise cannot_write(path, system_error(path) or exc.error_string) from None
        for key, value in tags.items():
            setattr(self._file, SOUNDFILE_TAGS[key], value)

    def _write(self, samples: np.ndarray) -> None:
        if self._encoding == "pcm_f32le":
            self._file.write(samples)
        elif (levels := G711_LEVELS.get(self._encoding)) is not None:
            # libsndfile's own G.711 puts some negative values (381 for mu-law, 127 for
            # A-law) one code off the standard's; a G.711 level it keeps as it is.
            self._file.write(levels[np.frombuffer(pcm.encode(samples, self._encoding), np.uint8)])
        else:
            self._file.write(pcm.to_int16(samples))

    def _close(self) -> None:
        self._file.close()


class Mp3Writer(Writer):
    """Constant-bit-rate mono MP3 through LAME (FFmpeg's ``libmp3lame``, through PyAV).

    ``bitrate`` (kbps) defaults to 192 (what ACX asks, at 44.1 kHz), or the highest the
    sample rate allows below 32 kHz. ``metadata`` and the chapters (:meth:`chapter`) become
    an ID3v2 tag at the file's start (CHAP and CTOC frames, see :func:`id3_tag`).
    The first frame is a LAME "Info" tag with the encoder's delay and padding, so players
    trim them: the file decodes to exactly the samples written, none late (LAME's bare
    frames decoded 1105 samples late, up to 1536 too many). The first samples are held
    until more come: audio shorter than 5.75 frames (150 ms at 44.1 kHz, 3024 samples below
    32 kHz) is coded between silence that the delay and padding trim
    (:func:`short_mp3_silence`), so FFmpeg takes the file for an MP3 (one of 3 frames had
    no audio stream to it) and decodes it to its length.
    """

    def __init__(
        self,
        path: str | Path,
        sample_rate: int,
        bitrate: int | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(sample_rate)
        self.path = Path(path)
        self._tags = checked_metadata(path, metadata)
        if problem := rate_problem("MP3", sample_rate, MP3_RATES):
            raise ValueError(f"{path}: {problem}")
        bitrate = bitrate or min(192, mp3_bitrates(sample_rate)[-1])
        if problem := bitrate_problem(bitrate, sample_rate):
            raise ValueError(f"{path}: {problem}")
        import av  # FFmpeg loads only when an MP3 is written

        # No ID3 tag from FFmpeg: mutagen writes the one asked for once the audio is complete.
        self._container = av.open(str(self.path), "w", format="mp3", options={"id3v2_version": "0"})
        self._stream = self._container.add_stream("libmp3lame", rate=sample_rate, layout="mono")
        self._stream.bit_rate = bitrate * 1000
        # LAME -q 3 (its default): on 192 kbps mono speech as close to the input as -q 2 (30.0
        # and 29.8 dB SNR) at twice the speed (29x and 15x real time): a book's MP3s take half
        # the assembly time.
        self._stream.options = {"compression_level": "3"}
        self._container.start_encoding()  # the file now: a folder it cannot be made in fails here
        self._per_frame = samples_per_frame(sample_rate)
        self._held: list[np.ndarray] | None = []  # the start, until it is not short

    def _write(self, samples: np.ndarray) -> None:
        start = self.frames
        if self._held is not None:
            self._held.append(samples.copy())  # the caller may reuse its buffer meanwhile
            if short_mp3_silence(self.frames + samples.size, self._per_frame) != (0, 0):
                return
            samples, start, self._held = np.concatenate(self._held), 0, None
        self._encode(samples, start)

    def _encode(self, samples: np.ndarray, start: int) -> None:
        self._container.mux(self._stream.encode(ffmpeg_frame(samples, self.sample_rate, start)))

    def _close(self) -> None:
        lead = 0
        try:
            if self._held is not None:  # short: between silence the LAME tag trims
                lead, tail = short_mp3_silence(self.frames, self._per_frame)
                silence = np.zeros(max(lead, tail), np.float32)
                self._encode(np.concatenate([silence[:lead], *self._held, silence[:tail]]), 0)
            self._container.mux(self._stream.encode(None))
        finally:
            self._container.close()
        mend_mp3_padding(self.path, self.frames, lead)
        if self._tags or self.chapters:
            tag = id3_tag(self._tags, self.chapter_spans(), self.sample_rate)
            with tagging():
                tag.save(self.path)


def id3_tag(
    tags: Mapping[str, str], chapters: list[tuple[int, int, str]], sample_rate: int
) -> id3.ID3:
    """An ID3v2 tag of ``tags`` (see ``ID3_FRAMES``) and ``chapters`` (first and end frame,
    title; :meth:`Writer.chapter_spans`): a CHAP frame each, times in ms, and a CTOC frame
    listing them in order, as podcast and audiobook players read them."""
    from mutagen import id3

    tag = id3.ID3()
    for key, value in tags.items():
        tag.add(getattr(id3, ID3_FRAMES[key])(encoding=id3.Encoding.UTF8, text=value))
    ids = [f"chp{n}" for n in range(len(chapters))]
    for element, (start, end, title) in zip(ids, chapters, strict=True):
        title_frame = id3.TIT2(encoding=id3.Encoding.UTF8, text=title)
        tag.add(id3.CHAP(element_id=element, start_time=round(start * 1000 / sample_rate),
                         end_time=round(end * 1000 / sample_rate), start_offset=NO_OFFSET,
                         end_offset=NO_OFFSET, sub_frames=[title_frame]))  # fmt: skip
    if ids:
        flags = id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED
        tag.add(id3.CTOC(element_id="toc", flags=flags, child_element_ids=ids, sub_frames=[]))
    return tag


def _lame_crc(data: bytes) -> int:
    """CRC-16 (polynomial 0x8005, bits reflected, from 0) as the LAME tag holds it."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def mend_mp3_padding(path: Path, samples: int, lead: int = 0) -> None:
    """Set the end padding in the LAME tag of the MP3 ``path`` (its first frame, the Info
    frame) so that decoders trim the file to ``samples``, and the tag's CRC to match;
    ``lead``: samples of silence coded before them, added to the encoder delay.

    FFmpeg writes that padding from its encoder's last packet, which is up to 47 samples
    short when the stream ends less than 48 samples past a whole frame: FFmpeg and mpg123
    decoded that many samples too many. The tag's frame count and encoder delay are right.
    """
    with open(path, "r+b") as file:
        frame = bytearray(file.read(192))
        at = frame.find(b"Info", 0, 40)  # after the header and the side information
        if at < 0 or len(frame) < 190:
            return
        flags = int.from_bytes(frame[at + 4 : at + 8], "big")
        if not flags & 1:  # no frame count
            return
        frames = int.from_bytes(frame[at + 8 : at + 12], "big")
        lame = at + 8 + 4 * (flags & 1) + 4 * (flags >> 1 & 1) + 100 * (flags >> 2 & 1)
        lame += 4 * (flags >> 3 & 1)  # the LAME extension: delay and padding at +21, CRC at +34
        if lame + 36 > len(frame):
            return
        per_frame = 1152 if frame[1] >> 3 & 3 == 3 else 576  # MPEG-1, else MPEG-2 and 2.5
        delay = (int.from_bytes(frame[lame + 21 : lame + 24], "big") >> 12) + lead
        padding = frames * per_frame - delay - samples
        if not (0 <= padding <= LAME_FIELD_MOST and delay <= LAME_FIELD_MOST):
            return
        frame[lame + 21 : lame + 24] = (delay << 12 | padding).to_bytes(3, "big")
        frame[lame + 34 : lame + 36] = bytes(2)  # the CRC covers 190 bytes, its own as zeros
        frame[lame + 34 : lame + 36] = _lame_crc(frame[:190]).to_bytes(2, "big")
        file.seek(0)
        file.write(frame)


def ffmpeg_frame(samples: np.ndarray, sample_rate: int, start: int) -> av.AudioFrame:
    """Mono float samples as a PyAV frame that starts ``start`` samples into the stream."""
    import av

    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = sample_rate
    frame.pts = start
    frame.time_base = Fraction(1, sample_rate)
    return frame


def open_writer(
    target: str | Path,
    sample_rate: int,
    settings: Settings | None = None,
    host: PluginHost | None = None,
    *,
    name: str | Path | None = None,
) -> AudioWriter:
    """The writer the ``sonicpipe_audio_writer`` hook offers for ``target``'s suffix.

    ``name``: the file to name in errors, if ``target`` is a temporary name for it (a
    :class:`ConfigError` of the writer's options is then led by it). A file that cannot be
    made is an :class:`OSError` naming it and saying why (``permission denied``).
    """
    settings = settings or (host.settings if host else Settings())
    host = host or PluginHost(settings)
    path = Path(target)
    shown = Path(name) if name is not None else path
    try:
        with writing(path, shown):  # the file cannot be made: named as the caller knows it
            writer = host.hook.sonicpipe_audio_writer(
                target=path, sample_rate=sample_rate, settings=settings
            )
    except ConfigError as exc:
        if name is not None:
            exc.args = (f"{name}: {exc}",)
        raise
    if writer is None:
        if "writers" in settings.disable:
            why = "the built-in writers are disabled (disable: writers) and no plugin takes it"
        else:
            why = f"the built-in writers take {', '.join(FORMATS)} (plugins may add more)"
        raise ValueError(
            f"{shown}: no writer for {shown.suffix or 'files without a suffix'!r}; {why}"
        )
    return writer
