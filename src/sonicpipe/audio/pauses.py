"""Sentence pacing: trim each sentence's leading and trailing silence, then insert pauses.

Sonic pads sentences with silence of its own choosing; a narrated book wants the same pause
after every sentence and a longer one between paragraphs. :class:`PauseShaper` looks at
10 ms frames: those below ``threshold_db`` (RMS) before the first voiced frame and after
the last one of a sentence are dropped, except ``keep`` seconds on each side, faded, so the
cut is silent. At each boundary the configured pause (digital silence) follows.

Streaming: silence is held until the voice resumes (then passed on untouched) or the
sentence ends (then trimmed), so a pause inside a sentence is also how late it comes out.
"""

from __future__ import annotations

import numpy as np

from sonicpipe.audio.chain import BOUNDARIES, EMPTY, as_samples

FRAME = 0.01  # seconds per analysis frame


class PauseShaper:
    """An audio processor that paces sentences (see the module docs)."""

    def __init__(
        self,
        sentence_pause: float = 0.35,
        paragraph_pause: float = 0.8,
        threshold_db: float = -50.0,
        keep: float = 0.02,
        trim: bool = True,
    ) -> None:
        self.pauses = {"sentence": sentence_pause, "paragraph": paragraph_pause}
        self.threshold = 10 ** (threshold_db / 20)
        self.keep_seconds = keep
        self.trim = trim

    def open(self, sample_rate: int) -> int:
        """Start a stream; the rate is unchanged."""
        self._rate = sample_rate
        self._frame = max(round(FRAME * sample_rate), 1)
        self._keep = round(self.keep_seconds * sample_rate)
        self._reset()
        return sample_rate

    def _reset(self) -> None:
        self._pending = EMPTY  # less than one frame, not yet classified
        self._lead = EMPTY  # silence before the first voiced frame (last `keep` samples)
        self._held = EMPTY  # silence since the last voiced frame
        self._voiced = False  # a voiced frame was seen in this sentence

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Classify the complete frames; return the sentence's audio up to its last voice."""
        samples = as_samples(samples)
        if not self.trim:
            return samples
        data = np.concatenate([self._pending, samples])
        whole = data.size // self._frame * self._frame
        self._pending = data[whole:]
        return self._take(data[:whole])

    def boundary(self, kind: str) -> np.ndarray:
        """End of a sentence or paragraph: the trimmed tail, then the pause."""
        if kind not in BOUNDARIES:
            raise ValueError(f"boundary {kind!r} is not valid; valid: {', '.join(BOUNDARIES)}")
        pause = np.zeros(round(self.pauses[kind] * self._rate), dtype=np.float32)
        return np.concatenate([self.flush(), pause])

    def flush(self) -> np.ndarray:
        """End of the sentence (or stream): its audio, trailing silence trimmed."""
        if not self.trim:
            return EMPTY
        out = self._take(self._pending)
        tail = self._held[: self._keep] if self._voiced else EMPTY
        self._reset()
        return np.concatenate([out, _fade(tail, out=True)])

    def _take(self, data: np.ndarray) -> np.ndarray:
        """Add classified audio; return what is certainly part of the sentence."""
        if not data.size:
            return EMPTY
        count = -(-data.size // self._frame)
        padded = np.zeros(count * self._frame, dtype=np.float32)
        padded[: data.size] = data
        rms = np.sqrt(np.mean(np.square(padded.reshape(count, self._frame)), axis=1))
        voiced = np.flatnonzero(rms > self.threshold)
        if not voiced.size:
            if self._voiced:
                self._held = np.concatenate([self._held, data])
            else:
                self._lead = np.concatenate([self._lead, data])[-self._keep or data.size :]
                self._lead = self._lead if self._keep else EMPTY
            return EMPTY
        first, last = voiced[0] * self._frame, min((voiced[-1] + 1) * self._frame, data.size)
        if self._voiced:
            head = self._held
        else:
            lead = np.concatenate([self._lead, data[:first]])
            head = _fade(lead[lead.size - min(self._keep, lead.size) :], out=False)
            data, last = data[first:], last - first
            self._voiced = True
        self._held = data[last:]
        return np.concatenate([head, data[:last]])


def _fade(samples: np.ndarray, out: bool) -> np.ndarray:
    """A linear fade-in (or fade-out) over the whole of ``samples``."""
    if not samples.size:
        return samples
    ramp = np.linspace(0, 1, samples.size + 2, dtype=np.float32)[1:-1]
    return samples * (ramp[::-1] if out else ramp)
