"""Sentence pacing: trim each sentence's leading and trailing silence, then insert pauses.

Sonic pads sentences with silence of its own choosing; a narrated book wants the same pause
after every sentence and a longer one between paragraphs. :class:`PauseShaper` looks at
10 ms frames: those below ``threshold_db`` (RMS) before the first voiced frame and after
the last one of a sentence are dropped, except ``keep`` seconds on each side, faded, so the
cut is silent. At each boundary the configured pause (digital silence) follows.

Streaming: silence is held until the voice resumes (then passed on untouched) or the
sentence ends (then trimmed), so a pause inside a sentence is also how late it comes out.

Timing: the stage records what it keeps, cuts and inserts; :meth:`PauseShaper.output_time` and
:meth:`PauseShaper.output_span` move times of its input (Sonic's word timestamps) onto its
output.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter

import numpy as np

from sonicpipe.audio.chain import BOUNDARIES, EMPTY, as_samples

FRAME = 0.01  # seconds per analysis frame
# A word that starts this close before a sentence end starts the next sentence: Sonic's times
# are rounded (the local server's to 0.1 ms), and the next sentence's first word starts at
# the end of this one.
ROUNDING = 0.001


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
        # (input position, output position, length) of each stretch of input passed on as
        # it is; a zero length marks a sentence end (what follows comes out at that point)
        self._runs: list[tuple[int, int, int]] = []
        self._ends: list[int] = []  # input position of each sentence end
        self._in = 0  # input samples received
        self._out = 0  # output samples returned
        self._finished = False
        self._reset()
        return sample_rate

    def _reset(self) -> None:
        self._pending = EMPTY  # less than one frame, not yet classified
        self._lead = EMPTY  # silence before the first voiced frame (last `keep` samples)
        self._held = EMPTY  # silence since the last voiced frame
        self._held_at = 0  # input position of _held
        self._voiced = False  # a voiced frame was seen in this sentence

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Classify the complete frames; return the sentence's audio up to its last voice."""
        samples = as_samples(samples)
        at, self._in = self._in, self._in + samples.size
        if not self.trim:
            return self._pass(at, samples)
        data = np.concatenate([self._pending, samples])
        whole = data.size // self._frame * self._frame
        self._pending = data[whole:]
        return self._take(data[:whole], at - data.size + samples.size)

    def boundary(self, kind: str) -> np.ndarray:
        """End of a sentence or paragraph: the trimmed tail, then the pause."""
        if kind not in BOUNDARIES:
            raise ValueError(f"boundary {kind!r} is not valid; valid: {', '.join(BOUNDARIES)}")
        out = self._end_sentence()
        pause = np.zeros(round(self.pauses[kind] * self._rate), dtype=np.float32)
        self._out += pause.size
        self._mark_end()
        return np.concatenate([out, pause])

    def flush(self) -> np.ndarray:
        """End of the stream: the last sentence's audio, trailing silence trimmed."""
        out = self._end_sentence()
        self._mark_end()
        self._finished = True
        return out

    def output_time(self, seconds: float, end: bool = False) -> float | None:
        """Where ``seconds`` of the input fall in the output; None while not yet decided.

        A time in silence that was cut away goes to the audio after the cut (the start of a
        word), or with ``end`` to the audio before it (the end of a word). A start within
        ``ROUNDING`` before a sentence end is taken for that end.
        """
        position, runs = seconds * self._rate, self._runs
        if not self._finished and (not runs or position >= runs[-1][0] + runs[-1][2]):
            return None
        ends = self._ends
        after = bisect_left(ends, position)
        if not end and after < len(ends) and ends[after] - position <= ROUNDING * self._rate:
            position = ends[after]
        if end:  # the last stretch that starts before the position
            index = max(bisect_left(runs, position, key=itemgetter(0)) - 1, 0)
            start, out, length = runs[index]
            return (out + min(max(position - start, 0), length)) / self._rate
        index = bisect_right(runs, position, key=itemgetter(0))  # the first one after it
        if index:
            start, out, length = runs[index - 1]
            if position < start + length:
                return (out + position - start) / self._rate
        return (runs[index][1] if index < len(runs) else self._out) / self._rate

    def output_span(self, start: float, end: float) -> tuple[float, float] | None:
        """Where input heard from ``start`` to ``end`` seconds (a word) is in the output; None
        while not yet decided.

        A span never grows, as pauses go between sentences: a word whose end Sonic puts just
        past the end of its sentence's audio keeps its length instead of taking the pause in.
        """
        first, last = self.output_time(start), self.output_time(end, end=True)
        if first is None or last is None:
            return None
        return first, min(max(last, first), first + max(end - start, 0.0))

    def _pass(self, at: int, samples: np.ndarray) -> np.ndarray:
        """Return ``samples``, input from position ``at`` passed on as it is (recorded)."""
        if samples.size:
            last = self._runs[-1] if self._runs else None
            if last and last[0] + last[2] == at and last[1] + last[2] == self._out:
                self._runs[-1] = (last[0], last[1], last[2] + samples.size)
            else:
                self._runs.append((at, self._out, samples.size))
            self._out += samples.size
        return samples

    def _mark_end(self) -> None:
        """Record a sentence end: input from here on comes out from the current output on."""
        if self._runs and self._runs[-1][2] == 0 and self._runs[-1][0] == self._in:
            self._runs.pop()  # two ends with nothing between: the later one holds
        self._runs.append((self._in, self._out, 0))
        if not self._ends or self._ends[-1] != self._in:
            self._ends.append(self._in)

    def _end_sentence(self) -> np.ndarray:
        """The sentence's audio still held, trailing silence trimmed."""
        if not self.trim:
            return EMPTY
        out = self._take(self._pending, self._in - self._pending.size)
        tail = self._held[: self._keep] if self._voiced else EMPTY
        tail = self._pass(self._held_at, _fade(tail, out=True))
        self._reset()
        return np.concatenate([out, tail])

    def _take(self, data: np.ndarray, at: int) -> np.ndarray:
        """Add classified audio (input from position ``at``); return what is certainly part
        of the sentence."""
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
            head, head_at = self._held, self._held_at
        else:
            lead = np.concatenate([self._lead, data[:first]])
            head = _fade(lead[lead.size - min(self._keep, lead.size) :], out=False)
            head_at = at + first - head.size
            data, last, at = data[first:], last - first, at + first
            self._voiced = True
        self._held, self._held_at = data[last:], at + last
        return self._pass(head_at, np.concatenate([head, data[:last]]))


def _fade(samples: np.ndarray, out: bool) -> np.ndarray:
    """A linear fade-in (or fade-out) over the whole of ``samples``."""
    if not samples.size:
        return samples
    ramp = np.linspace(0, 1, samples.size + 2, dtype=np.float32)[1:-1]
    return samples * (ramp[::-1] if out else ramp)
