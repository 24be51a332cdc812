"""A true-peak ceiling that holds in the decoded file of a lossy writer: measure and correct.

Lossy encoders (MP3, AAC, Opus) raise the true peaks of what they are given: the decoded
file of audio limited to -1 dBTP may peak at -0.5 or, with Opus at low bit rates, above
0 dBTP. How much depends on the codec, its bit rate and the audio, so no fixed margin both
holds and costs nothing. :class:`PeakGuard` encodes as the audio comes, keeps a copy of it
in a temporary file beside it (4 bytes a sample: 10 MB a minute at 44.1 kHz), and once the file is
closed decodes it and measures its true peak; while that is over the ceiling, it encodes the
copy again through a :class:`~sonicpipe.audio.loudness.Limiter` set lower by the overshoot
measured (from the audio's own true peak, which may already be under the ceiling). Only
the peaks move: the audio below the lowered ceiling is encoded as it was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from sonicpipe.audio.writers import Writer
from sonicpipe.hookspecs import AudioWriter

BLOCK = 1 << 16  # samples read back from the copy at a time
STEP_DB = 0.05  # dB below the overshoot measured, at each correction
TRIES = 6  # corrections at most: Opus at 16 kbps took up to 4 (its overshoot varies)


class PeakGuard(Writer):
    """The writer ``make()`` returns (a lossy one writing ``path``), whose decoded file keeps
    the true-peak ceiling ``ceiling_db`` (dBTP): see the module docs.

    ``make`` is called again for each correction, and must write ``path`` anew. A file whose
    peaks stay over the ceiling after :data:`TRIES` corrections is a :class:`ValueError`
    naming it and its peak.
    """

    def __init__(
        self, make: Callable[[], AudioWriter], path: str | Path, sample_rate: int, ceiling_db: float
    ) -> None:
        super().__init__(sample_rate)
        self.path = Path(path)
        self.ceiling_db = ceiling_db
        self.corrections: list[float] = []  # the limiter's ceiling (dBTP) of each correction
        self._make = make
        self._writer = make()
        # beside the file (on its disk, not in a /tmp that may be memory); closed by _close
        self._copy = tempfile.TemporaryFile(dir=self.path.parent)  # noqa: SIM115

    def chapter(self, title: str) -> None:
        """Start a chapter named ``title`` here (in the file, and in each correction)."""
        self._writer.chapter(title)
        super().chapter(title)

    def _write(self, samples: np.ndarray) -> None:
        self._writer.write(samples)
        self._copy.write(samples.tobytes())

    def _close(self) -> None:
        from sonicpipe.audio.measure import measure_file  # loudness, scipy: at the end only

        try:
            self._writer.close()
            if not self.frames:
                return  # no audio: no peak
            limit_db = None
            for tries in range(TRIES + 1):
                peak = measure_file(self.path).true_peak_dbtp
                if peak <= self.ceiling_db:
                    return
                if tries == TRIES:
                    raise ValueError(
                        f"{self.path}: its decoded true peak is {peak:.2f} dBTP, over the "
                        f"ceiling of {self.ceiling_db:g} dBTP after {TRIES} corrections (the "
                        f"limiter down to {limit_db:.2f} dBTP); a higher bit rate overshoots less"
                    )
                if limit_db is None:  # from the audio's own peak: it may be under the ceiling
                    limit_db = min(self.ceiling_db, self._peak())
                limit_db -= peak - self.ceiling_db + STEP_DB
                self._correct(limit_db)
        finally:
            self._copy.close()

    def _blocks(self) -> Iterator[np.ndarray]:
        """The copy of the audio, from its start, a block at a time."""
        self._copy.seek(0)
        while block := self._copy.read(BLOCK * 4):
            yield np.frombuffer(block, np.float32)

    def _peak(self) -> float:
        """The true peak (dBTP) of the audio as it was given."""
        from sonicpipe.audio.measure import Meter

        meter = Meter(self.sample_rate)
        for block in self._blocks():
            meter.add(block)
        return meter.measurement(str(self.path)).true_peak_dbtp

    def _correct(self, limit_db: float) -> None:
        """Encode the copy again, its true peaks limited to ``limit_db``, chapters in place."""
        from sonicpipe.audio.loudness import Limiter, StreamingLimiter

        self.corrections.append(limit_db)
        self._writer = writer = self._make()
        limiter = StreamingLimiter(Limiter(self.sample_rate, limit_db))
        starts = [(start, title) for start, _, title in self.chapter_spans()]
        written = 0

        def put(samples: np.ndarray) -> None:
            nonlocal written
            while starts and starts[0][0] < written + samples.size:
                start, title = starts.pop(0)
                cut = max(start - written, 0)
                writer.write(samples[:cut])
                writer.chapter(title)
                samples, written = samples[cut:], written + cut
            writer.write(samples)
            written += samples.size

        for block in self._blocks():
            put(limiter.process(block))
        put(limiter.flush())
        for _, title in starts:  # chapters at the very end
            writer.chapter(title)
        writer.close()
