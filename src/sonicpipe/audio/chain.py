"""The audio side of the pipeline: one stream of samples through the processor chain."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sonicpipe.config import Settings
from sonicpipe.hookspecs import AudioProcessor
from sonicpipe.plugins import PluginHost

BOUNDARIES = ("sentence", "paragraph")
EMPTY = np.zeros(0, dtype=np.float32)


def as_samples(samples: np.ndarray) -> np.ndarray:
    """``samples`` as a one-dimensional float32 array (mono); an error for anything else."""
    array = np.asarray(samples, dtype=np.float32)
    if array.ndim != 1:
        raise ValueError(f"audio samples must be mono (one dimension), got shape {array.shape}")
    return array


class AudioChain:
    """The processors for one stream, created by the ``sonicpipe_audio_processor`` hook.

    Feed it with :meth:`process` chunk by chunk, mark sentence and paragraph ends with
    :meth:`boundary`, and call :meth:`flush` at the end; each returns the samples ready at
    :attr:`out_rate`. Make one chain per stream: processors keep state.

    >>> chain = AudioChain(Settings(options={"resample": {"target_rate": 8000}}))
    >>> chain.open(24000)
    8000
    """

    def __init__(self, settings: Settings | None = None, host: PluginHost | None = None) -> None:
        self.settings = settings or (host.settings if host else Settings())
        self.host = host or PluginHost(self.settings)
        self.processors: list[AudioProcessor] = self.host.hook.sonicpipe_audio_processor(
            settings=self.settings
        )
        self.out_rate: int | None = None

    def open(self, sample_rate: int) -> int:
        """Open every processor for a stream at ``sample_rate``; return the output rate."""
        rate = sample_rate
        for processor in self.processors:
            rate = processor.open(rate)
        self.out_rate = rate
        return rate

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Run one chunk through the chain; return the samples ready so far."""
        samples = as_samples(samples)
        for processor in self.processors:
            if not samples.size:  # a stage is holding it all (a pause being measured)
                break
            samples = processor.process(samples)
        return samples

    def boundary(self, kind: str) -> np.ndarray:
        """Tell the chain a sentence or paragraph ended here; return the samples ready."""
        if kind not in BOUNDARIES:
            raise ValueError(f"boundary {kind!r} is not valid; valid: {', '.join(BOUNDARIES)}")
        return self._drain(lambda p: p.boundary(kind) if hasattr(p, "boundary") else EMPTY)

    def flush(self) -> np.ndarray:
        """End of stream: return everything the processors still hold."""
        return self._drain(lambda p: p.flush())

    def _drain(self, end: Callable[[AudioProcessor], np.ndarray]) -> np.ndarray:
        carry = EMPTY
        for processor in self.processors:
            ready = processor.process(carry) if carry.size else EMPTY
            carry = np.concatenate([ready, end(processor)])
        return carry

    def run(self, samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, int]:
        """Whole-file convenience: open, process everything, flush; return samples and rate."""
        rate = self.open(sample_rate)
        out = self.process(samples)
        return np.concatenate([out, self.flush()]), rate
