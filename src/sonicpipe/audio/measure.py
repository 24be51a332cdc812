"""Loudness, peaks and noise floor of audio, and how they fare against a delivery preset.

Reads WAV/FLAC (libsndfile) and MP3/M4B/M4A and the rest through FFmpeg (PyAV); mono as
Sonic speaks, or stereo (BS.1770 sums the channels' loudness; RMS and noise floor average
their power; peaks are the larger channel's). :class:`Meter` measures a stream in one pass;
``sonicpipe audio measure`` (:mod:`sonicpipe.audio.command`) prints it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import soundfile

from sonicpipe.audio.loudness import (
    BLOCK_HOPS,
    block_powers,
    db,
    gated_loudness,
    hop_size,
    interpolator,
    k_filter,
    k_weighting,
    powers_range,
    true_peak,
)
from sonicpipe.audio.presets import Preset
from sonicpipe.audio.writers import system_reason

NOISE_FLOOR_HOPS = 5  # ACX measures the noise floor over 0.5 s windows


@dataclass(frozen=True)
class Measurement:
    """What ``measure`` reports about one file (levels in dB; -inf for digital silence)."""

    path: str
    sample_rate: int
    seconds: float
    integrated_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: float
    sample_peak_dbfs: float
    rms_dbfs: float
    noise_floor_dbfs: float


@dataclass(frozen=True)
class Check:
    """One row of the pass/fail table."""

    name: str
    value: float
    requirement: str
    passed: bool


BLOCK_FRAMES = 1 << 16  # frames decoded and measured at a time: memory stays bounded


@contextmanager
def open_audio(path: str | Path) -> Iterator[tuple[int, int, Iterator[np.ndarray]]]:
    """A mono or stereo file opened for reading: its rate, its channels and an iterator of
    float32 blocks of at most :data:`BLOCK_FRAMES` frames (frames, or frames x 2)."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path}: a folder, not an audio file")
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    if not path.is_file():
        raise ValueError(f"{path}: not a regular file, so not an audio file")
    if path.suffix.lower() in (".raw", ".pcm"):
        raise ValueError(
            f"{path}: headerless PCM has no rate or encoding to read; measure a WAV, FLAC, "
            "MP3 or M4B (render with one of those suffixes)"
        )
    try:
        sound = soundfile.SoundFile(path)
    except soundfile.LibsndfileError:
        sound = None
    if sound is not None:
        with sound:
            _check_channels(path, sound.channels)
            blocks = sound.blocks(BLOCK_FRAMES, dtype="float32", always_2d=True)
            yield sound.samplerate, sound.channels, (_frames(b) for b in blocks)
        return
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise ValueError(f"{path}: no audio stream")
            stream = container.streams.audio[0]
            _check_channels(path, stream.codec_context.channels)
            yield stream.rate, stream.codec_context.channels, _decoded(path, container, stream)
    except av.FFmpegError as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: av.FFmpegError) -> ValueError:
    """The error for a file FFmpeg cannot read (its str() leads with FFmpeg's error number)."""
    return ValueError(f"{path}: not an audio file this can read ({system_reason(exc)})")


def _check_channels(path: Path, channels: int) -> None:
    """An error for no channels (FFmpeg opens an empty FLAC so), or more than stereo."""
    if channels < 1:
        raise ValueError(f"{path}: no audio to measure (the file has no channels)")
    if channels > 2:
        raise ValueError(
            f"{path}: {channels} channels; measure reads mono and stereo files "
            "(surround loudness needs each channel's BS.1770 weight)"
        )


def _frames(block: np.ndarray) -> np.ndarray:
    """A block of frames x channels as the meter takes it: mono one-dimensional."""
    return np.ascontiguousarray(block[:, 0] if block.shape[1] == 1 else block)


def _decoded(
    path: Path, container: av.container.InputContainer, stream: av.AudioStream
) -> Iterator[np.ndarray]:
    """The audio FFmpeg decodes, in blocks of :data:`BLOCK_FRAMES` frames or so."""
    # MP4's edit list ends the audio, but FFmpeg decodes the last AAC frame whole (up to
    # 1023 samples of padding): its duration is the length written.
    mp4 = "mp4" in container.format.name.split(",") and stream.duration is not None
    left = round(stream.duration * stream.time_base * stream.rate) if mp4 else math.inf
    pending: list[np.ndarray] = []
    held = 0  # frames in pending
    try:
        for frame in container.decode(stream):
            planar = _planar(frame)
            if left < planar.shape[1]:
                planar = planar[:, : max(left, 0)]
            left -= planar.shape[1]
            pending.append(_as_float(planar).T)
            held += planar.shape[1]
            if held >= BLOCK_FRAMES:
                yield _frames(np.concatenate(pending))
                pending, held = [], 0
    except av.FFmpegError as exc:
        raise _unreadable(path, exc) from None
    if pending:
        yield _frames(np.concatenate(pending))


def _as_float(planar: np.ndarray) -> np.ndarray:
    """Decoded samples as float32 in [-1, 1] (integer ones scaled, unsigned ones centred)."""
    if planar.dtype.kind == "f":
        return planar.astype(np.float32, copy=False)
    limits = np.iinfo(planar.dtype)
    full_scale = np.float32((limits.max + 1 - limits.min) // 2)  # 2**(bits - 1)
    centre = limits.min + full_scale  # 0, or 128 for unsigned 8-bit audio
    return ((planar - centre) / full_scale).astype(np.float32)


def read_audio(path: str | Path) -> tuple[np.ndarray, int]:
    """Decode a mono or stereo file whole: float32 samples (frames, or frames x 2) and their
    rate. (:func:`measure_file` measures a file without holding it.)"""
    with open_audio(path) as (rate, channels, blocks):
        empty = np.zeros((0,) if channels == 1 else (0, channels), np.float32)
        return np.concatenate([empty, *blocks]), int(rate)


def _planar(frame: av.AudioFrame) -> np.ndarray:
    """A decoded frame as channels x samples (FFmpeg's packed formats interleave them)."""
    data = frame.to_ndarray()
    return data if frame.format.is_planar else data.reshape(-1, len(frame.layout.channels)).T


def measure(samples: np.ndarray, sample_rate: int, path: str = "<samples>") -> Measurement:
    """Measure float samples: mono (frames) or stereo (frames x 2)."""
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    return _measure_blocks([samples], sample_rate, channels, path)


def measure_file(path: str | Path) -> Measurement:
    """Measure a mono or stereo file as it is decoded, a block at a time: a book of hours
    needs no more memory than a minute."""
    with open_audio(path) as (rate, channels, blocks):
        return _measure_blocks(blocks, rate, channels, str(path))


def _measure_blocks(
    blocks: Iterable[np.ndarray], sample_rate: int, channels: int, path: str
) -> Measurement:
    """Measure a stream of float blocks; errors for no audio, or samples that are no numbers."""
    try:
        meter = Meter(sample_rate, channels)
    except ValueError as exc:  # a rate loudness is not measured at
        raise ValueError(f"{path}: {exc}") from None
    damaged = 0
    for block in blocks:
        finite = np.isfinite(block)
        if not finite.all():  # NaN would measure as silence and pass the peaks
            damaged += block.size - np.count_nonzero(finite)
        elif not damaged:
            meter.add(block)
    if damaged:
        raise ValueError(
            f"{path}: {damaged} samples are not numbers (NaN or infinite): the file is damaged"
        )
    if not meter.frames:
        raise ValueError(f"{path}: no audio to measure")
    return meter.measurement(path)


class Meter:
    """Every level of :class:`Measurement` over a stream fed piece by piece, in one pass.

    Keeps per-100 ms hop powers (K-weighted and plain) and running sums, so memory grows by
    two numbers per 100 ms; the K-weighting filter's state carries across pieces, and so do
    the samples the true-peak interpolator reads across a cut: pieces measure what the whole
    stream does. ``peaks=False`` skips the true peaks of a piece known to be quiet. With
    ``channels`` 2, pieces are frames x 2: K-weighted powers add up (BS.1770, weight 1 for
    left and right), plain ones (RMS, noise floor) are averaged.
    """

    def __init__(self, sample_rate: int, channels: int = 1) -> None:
        if channels not in (1, 2):
            raise ValueError(f"channels {channels!r}: the meter takes mono (1) or stereo (2)")
        self.rate = sample_rate
        self.channels = channels
        # BS.1770's 4x from 22.05 kHz; below, denser (its 4x reads up to 0.36 dB low there)
        self.interp = interpolator(sample_rate)
        self.hop = hop_size(sample_rate)
        self.sos = k_weighting(sample_rate)
        shape = (self.sos.shape[0], 2) if channels == 1 else (self.sos.shape[0], 2, channels)
        self.state = np.zeros(shape, dtype=np.float32)
        self.frames = 0
        self.squares = 0.0
        self.k_squares = 0.0  # K-weighted: the loudness of a clip shorter than one block
        self.peak = 0.0
        self.true_peak = 0.0
        empty = np.zeros((0,) if channels == 1 else (0, channels), np.float32)
        self.carry = self.k_carry = empty  # samples of an unfinished hop
        self.context = empty  # the last samples: the true peaks of its last `waiting` ones
        self.waiting = 0  # wait for the samples after them
        self.powers: list[np.ndarray] = []  # K-weighted hop powers
        self.plain: list[np.ndarray] = []  # unweighted hop powers (noise floor)

    def add(self, samples: np.ndarray, peaks: bool = True) -> None:
        """Measure the next piece of the stream (``peaks=False``: it is known to be quiet)."""
        if not samples.size:
            return
        if samples.shape[1:] != self.carry.shape[1:]:
            raise ValueError(
                f"samples of shape {samples.shape}: expected {self.channels} channel(s)"
            )
        self.frames += samples.shape[0]
        self.squares += _squares(samples) / self.channels
        self.peak = max(self.peak, float(np.max(np.abs(samples))))
        data = np.concatenate([self.context, samples])
        start = self.context.shape[0] - self.waiting
        # Samples whose interpolation reads past the piece wait for the next (or the end).
        half = self.interp.half
        stop = max(data.shape[0] - half, start) if peaks else self.context.shape[0]
        self._true_peaks(data, start, stop)
        self.waiting = data.shape[0] - stop if peaks else 0
        self.context = data[-(self.waiting + half) :]
        weighted, self.state = k_filter(self.sos, samples, self.state, axis=0)
        self.k_squares += _squares(weighted)
        self.k_carry, k_hops = self._hops(self.k_carry, weighted)
        self.carry, hops = self._hops(self.carry, samples)
        self.powers.append(k_hops)
        self.plain.append(hops / self.channels)

    def _true_peaks(self, data: np.ndarray, start: int, stop: int) -> None:
        """Raise :attr:`true_peak` to that of ``data[start:stop]`` (its interpolation reads
        the neighbours in ``data``, and zeros past its ends)."""
        for channel in [data] if data.ndim == 1 else np.ascontiguousarray(data.T):
            self.true_peak = true_peak(channel, start, stop, self.true_peak, self.interp)

    def _hops(self, carry: np.ndarray, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sums of squares of each whole hop (all channels) and the unfinished rest."""
        data = np.concatenate([carry, samples])
        whole = data.shape[0] // self.hop * self.hop
        rows = data[:whole].reshape(-1, self.hop * self.channels)  # frames are row-major
        return data[whole:], np.einsum("ij,ij->i", rows, rows, dtype=np.float64)

    def measurement(self, path: str) -> Measurement:
        """What was measured (levels of no audio at all are -inf)."""
        self._true_peaks(self.context, self.context.shape[0] - self.waiting, self.context.shape[0])
        self.waiting = 0  # the stream ends here: zeros after it
        powers = np.concatenate(self.powers) if self.powers else np.zeros(0)
        plain = np.concatenate(self.plain) if self.plain else np.zeros(0)
        blocks = block_powers(powers, BLOCK_HOPS, self.hop)
        if not blocks.size and self.frames:  # shorter than one block: the clip is the block
            blocks = np.array([self.k_squares / self.frames])
        window = block_powers(plain, NOISE_FLOOR_HOPS, self.hop)
        rms = math.sqrt(self.squares / self.frames) if self.frames else 0.0
        return Measurement(
            path=path,
            sample_rate=self.rate,
            seconds=self.frames / self.rate,
            integrated_lufs=gated_loudness(blocks) if blocks.size else -math.inf,
            loudness_range_lu=powers_range(powers, self.hop),
            true_peak_dbtp=db(self.true_peak),
            sample_peak_dbfs=db(self.peak),
            rms_dbfs=db(rms),
            noise_floor_dbfs=db(math.sqrt(window.min())) if window.size else db(rms),
        )


def _squares(samples: np.ndarray) -> float:
    """Sum of squares of every sample (all channels)."""
    flat = samples.reshape(-1)
    return float(np.dot(flat, flat))


def check(result: Measurement, preset: Preset) -> list[Check]:
    """The preset's requirements, each with the measured value and whether it passes."""
    rows = []
    if preset.rms_range is not None:
        low, high = preset.rms_range
        rows.append(Check("RMS", result.rms_dbfs, f"{low:g} to {high:g} dBFS",
                          low <= result.rms_dbfs <= high))  # fmt: skip
        rule = preset.peak_rule
        rows.append(Check("peak", result.sample_peak_dbfs, f"<= {rule:g} dBFS",
                          result.sample_peak_dbfs <= rule))  # fmt: skip
    if preset.lufs is not None:
        rows.append(Check("integrated", result.integrated_lufs, f"{preset.lufs:g} +-1 LUFS",
                          abs(result.integrated_lufs - preset.lufs) <= 1))  # fmt: skip
    rows.append(Check("true peak", result.true_peak_dbtp, f"<= {preset.peak_rule:g} dBTP",
                      result.true_peak_dbtp <= preset.peak_rule))  # fmt: skip
    if preset.noise_floor is not None:
        rows.append(Check("noise floor", result.noise_floor_dbfs, f"<= {preset.noise_floor:g} dBFS",
                          result.noise_floor_dbfs <= preset.noise_floor))  # fmt: skip
    return rows
