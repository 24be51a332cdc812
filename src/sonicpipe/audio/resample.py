"""Streaming sample-rate conversion with libsoxr.

soxr's streaming resampler keeps its filter state between chunks, so a stream cut into any
chunks gives the same samples as the whole signal resampled at once: no click at chunk
boundaries, and the output is already aligned (no filter delay to remove).
"""

from __future__ import annotations

import numpy as np
import soxr

from sonicpipe.audio.chain import EMPTY, as_samples

QUALITIES = ("VHQ", "HQ", "MQ", "LQ", "QQ")


class Resampler:
    """An audio processor converting a stream to ``target_rate`` (a no-op at that rate).

    >>> r = Resampler(8000)
    >>> r.open(24000)
    8000
    >>> len(r.process(np.zeros(2400, dtype=np.float32))) + len(r.flush())
    800
    """

    def __init__(self, target_rate: int, quality: str = "HQ") -> None:
        if quality not in QUALITIES:
            raise ValueError(f"quality {quality!r} is not valid; valid: {', '.join(QUALITIES)}")
        self.target_rate = target_rate
        self.quality = quality
        self._stream: soxr.ResampleStream | None = None

    def open(self, sample_rate: int) -> int:
        """Start a stream at ``sample_rate``; return the target rate."""
        self._stream = None
        if sample_rate != self.target_rate:
            self._stream = soxr.ResampleStream(
                sample_rate, self.target_rate, 1, dtype="float32", quality=self.quality
            )
        return self.target_rate

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Resample one chunk; return the output samples ready so far."""
        samples = as_samples(samples)
        if self._stream is None:
            return samples
        return self._stream.resample_chunk(samples, last=False)

    def flush(self) -> np.ndarray:
        """End of stream: return the samples the filter still holds."""
        if self._stream is None:
            return EMPTY
        return self._stream.resample_chunk(EMPTY, last=True)
