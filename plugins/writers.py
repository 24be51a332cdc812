"""The built-in file writers: WAV (RF64 past 4 GiB), FLAC, MP3, M4B/M4A (chapters), Ogg Opus
(chapters), raw PCM.

Chosen by the file's suffix. Options (``[options.writers]``): ``encoding`` for WAV and raw
files (one of Sonic's encodings; default ``pcm_s16le``), ``bitrate`` in kbps for MP3
(default 192, or the most the sample rate allows), M4B/M4A (default 64; at most what
AAC holds, 6 per kHz of the rate: 144 at 24 kHz) and Opus (default 32; 6 to 256);
``title``, ``author``, ``album`` and ``track`` ("n" or "n/total") tag WAV, FLAC, MP3,
M4B/M4A and Opus files; ``cover`` a JPEG or PNG file for M4B/M4A and Opus cover art
(relative to the settings file's folder, ``settings.base_dir``, like dictionaries).

With the ``loudness`` stage configured, an MP3, M4B/M4A or Opus file keeps its true-peak
ceiling once decoded: the file is measured and, where the encoder raised the peaks over it,
encoded again with them lowered (:class:`~sonicpipe.audio.ceiling.PeakGuard`).
"""

from __future__ import annotations

from pathlib import Path

from sonicpipe.builtin.loudness import ceiling

from sonicpipe.audio.options import WRITERS, whole_number, written_encoding
from sonicpipe.audio.writers import (
    FORMATS,
    LOSSY,
    METADATA_KEYS,
    Mp3Writer,
    RawSink,
    SoundFileWriter,
    WavWriter,
    Writer,
    aac_bitrate_problem,
    bitrate_problem,
    encoding_problem,
    track_problem,
)
from sonicpipe.config import ConfigError, Settings
from sonicpipe.hookspecs import hookimpl

__version__ = "0.1.0"

NAME = WRITERS
sonicpipe_options = ("encoding", "bitrate", *METADATA_KEYS, "cover")


def _text(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"options.{NAME}.{key}: expected a string, got {value!r}")
    return value


def _image(value: object, base_dir: Path) -> bytes:
    """The cover image named by the ``cover`` option (JPEG or PNG), relative to ``base_dir``."""
    from sonicpipe.audio.m4b import cover_suffix

    path = base_dir / _text("cover", value)  # an absolute path stands alone
    try:
        image = path.read_bytes()
        cover_suffix(image)
    except OSError as exc:
        raise ConfigError(f"options.{NAME}.cover: cannot read {path}: {exc.strerror}") from None
    except ValueError:
        raise ConfigError(f"options.{NAME}.cover: {path} is not a JPEG or PNG image") from None
    return image


def _check(key: str, problem: str | None) -> None:
    if problem:
        raise ConfigError(f"options.{NAME}.{key}: {problem}")


@hookimpl
def sonicpipe_audio_writer(target: Path, sample_rate: int, settings: Settings) -> Writer | None:
    """A writer for the built-in suffixes (see ``FORMATS``), None for any other. The options
    are checked for the suffix and rate before the file is opened, so an error names the key
    rather than ``target`` (which may be a temporary name). A lossy one keeps the loudness
    stage's ceiling once decoded (see the module docs)."""
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        return None
    peak = ceiling(settings) if suffix in LOSSY else None
    if peak is None:
        return _writer(target, sample_rate, settings)
    from sonicpipe.audio.ceiling import PeakGuard

    return PeakGuard(lambda: _writer(target, sample_rate, settings), target, sample_rate, peak)


def _writer(target: Path, sample_rate: int, settings: Settings) -> Writer:
    """The built-in writer for ``target``'s suffix (one of ``FORMATS``)."""
    suffix = target.suffix.lower()
    options = settings.plugin_options(NAME)
    encoding = written_encoding(settings)
    if suffix == ".raw":
        return RawSink(target, encoding, sample_rate)
    metadata = {key: _text(key, options[key]) for key in METADATA_KEYS if key in options}
    if metadata.get("track"):
        _check("track", track_problem(metadata["track"]))
    if suffix in (".wav", ".flac"):
        _check("encoding", encoding_problem(suffix, encoding))
        kind = WavWriter if suffix == ".wav" else SoundFileWriter
        return kind(target, sample_rate, encoding, metadata)
    if suffix == ".opus":  # soxr loads only when an Opus file is written
        from sonicpipe.audio.opus import OPUS_BITRATES, OpusWriter
    bitrate = options.get("bitrate")
    if bitrate is not None:
        low, high = OPUS_BITRATES if suffix == ".opus" else (8, 320)
        bitrate = whole_number(NAME, "bitrate", bitrate, low, high)
    if suffix == ".mp3":
        if bitrate is not None:
            _check("bitrate", bitrate_problem(bitrate, sample_rate))
        return Mp3Writer(target, sample_rate, bitrate, metadata)
    cover = _image(options["cover"], settings.base_dir) if "cover" in options else None
    if suffix == ".opus":
        return OpusWriter(target, sample_rate, bitrate, metadata, cover)
    if bitrate is not None:
        _check("bitrate", aac_bitrate_problem(bitrate, sample_rate, suffix))
    from sonicpipe.audio.m4b import M4bWriter  # FFmpeg loads only when an M4B is written

    return M4bWriter(target, sample_rate, bitrate=bitrate, metadata=metadata, cover=cover)
