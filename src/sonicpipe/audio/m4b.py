"""AAC in MP4 (``.m4b`` audiobooks, ``.m4a``) with chapter markers, through PyAV (FFmpeg).

FFmpeg's MP4 muxer writes the chapters both as a QuickTime chapter track (Apple Books,
iOS) and as a Nero ``chpl`` atom (most other players), with titles and times in ms. A cover
image (JPEG or PNG) goes into the ``covr`` atom (mutagen) once the file is complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from sonicpipe.audio.writers import (
    AAC_RATES,
    Writer,
    aac_bitrate_limit,
    aac_bitrate_problem,
    checked_metadata,
    ffmpeg_frame,
    rate_problem,
    tagging,
)

# FFmpeg's MP4 metadata key for each of the writer's tags ("artist" becomes the ©ART atom).
FFMPEG_KEYS = {"title": "title", "author": "artist", "album": "album", "track": "track"}
# FFmpeg's "fast" quantizer search: at 64 kbps mono speech it keeps the bitrate, the bandwidth
# and the true peak of the default "twoloop" coder, with less error, at a third of its time.
ENCODER_OPTIONS = {"aac_coder": "fast"}
# The bit rate reaches the encoder (it is set before the codec opens), but FFmpeg's native AAC
# encoder cannot hold it on speech with digital silence: its rate control moves its quality
# factor (lambda) frame by frame toward the nominal frame size and keeps no account of the
# bits spent, so frames that cost nearly nothing (espeak's silent gaps) raise it, and the
# speech after them is coded above the rate. Real audio bytes at 44.1 kHz for 32/64/128 kbps:
# piper 33/66/124, espeak 42/80/136 (the "twoloop" coder 44/78/140; bit_rate_tolerance=0
# swings under, 28/54/104; maxrate, bufsize, cutoff, PNS and TNS do not bring it down).
# espeak with a -70 dBFS noise floor comes out at 32.5/64.6/128.7.


class M4bWriter(Writer):
    """Mono AAC-LC at ``bitrate`` kbps (the encoder's target: speech with silent gaps comes
    out above it, see ``ENCODER_OPTIONS``); :meth:`chapter` marks where each chapter starts.

    ``bitrate`` defaults to 64, or the most AAC holds at the rate (48 at 8 kHz); a higher
    one than that (:func:`~sonicpipe.audio.writers.aac_bitrate_limit`) is refused.
    """

    def __init__(
        self,
        path: str | Path,
        sample_rate: int,
        bitrate: int | None = None,
        metadata: Mapping[str, str] | None = None,
        cover: bytes | None = None,
    ) -> None:
        super().__init__(sample_rate)
        self.path = Path(path)
        kind = self.path.suffix.lower().lstrip(".").upper()
        if problem := rate_problem(kind, sample_rate, AAC_RATES):
            raise ValueError(f"{self.path}: {problem}")
        bitrate = bitrate or min(64, aac_bitrate_limit(sample_rate))
        if problem := aac_bitrate_problem(bitrate, sample_rate, self.path.suffix):
            raise ValueError(f"{self.path}: {problem}")
        self.cover = cover
        try:  # a bad image fails now, not after the encoding
            self._cover_png = cover is not None and cover_suffix(cover) == ".png"
        except ValueError as exc:
            raise ValueError(f"{self.path}: {exc}") from None
        tags = checked_metadata(self.path, metadata)
        # The movie's time scale is the rate (FFmpeg's default is 1000): the edit list, which
        # players trim the last AAC frame's padding by, ends the audio to the sample.
        timescale = {"movie_timescale": str(sample_rate)}
        self._container = av.open(str(self.path), "w", format="ipod", options=timescale)
        for key, value in tags.items():
            self._container.metadata[FFMPEG_KEYS[key]] = value
        self._stream = self._container.add_stream("aac", rate=sample_rate, layout="mono")
        self._stream.bit_rate = bitrate * 1000
        self._stream.options = ENCODER_OPTIONS
        self._container.start_encoding()  # the header now: even no audio makes a valid file

    def _write(self, samples: np.ndarray) -> None:
        frame = ffmpeg_frame(samples, self.sample_rate, self.frames)
        self._container.mux(self._stream.encode(frame))

    def _close(self) -> None:
        try:
            self._container.mux(self._stream.encode(None))
            self._container.set_chapters(self._chapter_table())
        finally:
            self._container.close()
        if self.cover is not None:
            from mutagen.mp4 import MP4, MP4Cover

            audio = MP4(self.path)
            kind = MP4Cover.FORMAT_PNG if self._cover_png else MP4Cover.FORMAT_JPEG
            audio["covr"] = [MP4Cover(self.cover, imageformat=kind)]
            with tagging():
                audio.save()

    def _chapter_table(self) -> list[dict]:
        """The chapters as PyAV wants them (:meth:`~Writer.chapter_spans`)."""
        base = Fraction(1, self.sample_rate)
        return [
            {"id": n + 1, "start": start, "end": end, "time_base": base,
             "metadata": {"title": title}}
            for n, (start, end, title) in enumerate(self.chapter_spans())
        ]  # fmt: skip


def cover_suffix(image: bytes) -> str:
    """``.png`` or ``.jpg`` for a PNG or JPEG image; anything else is refused."""
    if image.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if image.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    raise ValueError("the cover is not a JPEG or PNG image")
