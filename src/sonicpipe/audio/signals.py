"""Reproducible test signals: calibrated sines and a speech-like voice for tests and benchmarks."""

from __future__ import annotations

import numpy as np
from scipy import signal


def sine(
    freq: float, sample_rate: int, seconds: float, level_db: float = 0.0, phase: float = 0.0
) -> np.ndarray:
    """A sine whose peak is ``level_db`` dBFS, as float32."""
    t = np.arange(round(sample_rate * seconds)) / sample_rate
    return (10 ** (level_db / 20) * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def speech_like(
    sample_rate: int, seconds: float, seed: int = 0, level_db: float = -20.0
) -> np.ndarray:
    """A voiced, syllabic signal with pauses, RMS ``level_db`` dBFS, as float32.

    A sawtooth on a wandering pitch (110-190 Hz) through a 300-3400 Hz band-pass, with some
    breath noise, shaped by a 4 Hz syllable envelope, in 1.5-4 s phrases of varying loudness
    separated by 0.3-0.9 s pauses, over a -80 dBFS room noise.
    """
    rng = np.random.default_rng(seed)
    n = round(sample_rate * seconds)
    t = np.arange(n) / sample_rate
    pitch = 150 + 30 * np.sin(2 * np.pi * 0.3 * t + rng.uniform(0, 6)) + 10 * np.sin(13 * t)
    voiced = signal.sawtooth(2 * np.pi * np.cumsum(pitch) / sample_rate)
    band = signal.butter(2, [300, min(3400, 0.45 * sample_rate)], "bandpass", fs=sample_rate,
                         output="sos")  # fmt: skip
    voice = signal.sosfilt(band, voiced + 0.2 * rng.standard_normal(n))
    syllables = 0.2 + 0.8 * np.abs(np.sin(2 * np.pi * 2 * t + rng.uniform(0, 6)))
    gate = np.zeros(n)
    pos = 0
    while pos < n:
        phrase = round(rng.uniform(1.5, 4.0) * sample_rate)
        gate[pos : pos + phrase] = rng.uniform(0.5, 1.0)  # phrase loudness varies
        pos += phrase + round(rng.uniform(0.3, 0.9) * sample_rate)
    gate = signal.sosfiltfilt(signal.butter(1, 20, fs=sample_rate, output="sos"), gate)
    out = voice * syllables * gate
    out *= 10 ** (level_db / 20) / np.sqrt(np.mean(out**2))
    out += 1e-4 * rng.standard_normal(n)  # room noise, -80 dBFS
    return out.astype(np.float32)
