"""Ogg Opus (``.opus``): small, streaming-friendly speech for voice agents and the web, through
libopus in FFmpeg (PyAV).

Opus codes 8, 12, 16, 24 or 48 kHz; audio at any other rate (Sonic's 22050 or 44100) is
resampled to 48 kHz by soxr as it streams (:class:`~sonicpipe.audio.resample.Resampler`,
whose filter state spans chunks: no click where they join). FFmpeg's Ogg muxer writes the
encoder's delay as the header's pre-skip and ends the last page's granule position at the
last sample, so a file decodes to exactly the samples coded. Tags, chapters and a cover go
in the OpusTags header as Vorbis comments (mutagen, once the audio is complete): TITLE,
ARTIST, ALBUM, TRACKNUMBER, the chapter extension's CHAPTERxxx and CHAPTERxxxNAME
(https://wiki.xiph.org/Chapter_Extension, read by FFmpeg and VLC) and a
METADATA_BLOCK_PICTURE.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from sonicpipe.audio.resample import Resampler
from sonicpipe.audio.writers import Writer, checked_metadata, ffmpeg_frame, tagging

OPUS_RATES = (8000, 12000, 16000, 24000, 48000)  # what libopus codes; all decode at 48 kHz
RESAMPLED_RATE = 48000  # where audio at any other rate is resampled to
# Bit rates (kbps) of a mono stream: Opus's lowest, and the most FFmpeg's libopus takes.
OPUS_BITRATES = (6, 256)
DEFAULT_BITRATE = 32  # wideband speech sounds clean; a minute is 240 KB
# libopus's "audio" application, not "voip": the decoded waveform is the closest to the input
# (the one documented for that), at the same size. On speech at 32 kbps and 48 kHz, SNR to
# the input was 16.7 dB for piper's voice and 15.5 for a speech-like signal, against 10.2 and
# 10.7 with "voip", whose high-pass and speech emphasis suit a live call's microphone, not a
# voice already finished by the chain.
ENCODER_OPTIONS = {"application": "audio"}
VORBIS_KEYS = {"title": "TITLE", "author": "ARTIST", "album": "ALBUM", "track": "TRACKNUMBER"}
CHAPTERS_MOST = 999  # the chapter extension numbers them with 3 digits (CHAPTER001 to 999)
FRONT_COVER = 3  # a FLAC picture block's type


def opus_bitrate_problem(bitrate: int) -> str | None:
    """Why a mono Opus stream cannot have ``bitrate`` (kbps); None when it can."""
    low, high = OPUS_BITRATES
    if low <= bitrate <= high:
        return None
    return f"Opus bitrate {bitrate!r} kbps is not valid; valid: {low} to {high} (mono)"


def chapter_time(ms: int) -> str:
    """A time in ms as the chapter extension writes it: ``HH:MM:SS.mmm``."""
    seconds, ms = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"


def vorbis_comments(
    tags: Mapping[str, str], chapters: list[tuple[int, int, str]], sample_rate: int
) -> dict[str, str]:
    """The Vorbis comments of ``tags`` (see ``VORBIS_KEYS``) and ``chapters`` (first and end
    frame at ``sample_rate``, title; :meth:`Writer.chapter_spans`): CHAPTER001 its start,
    CHAPTER001NAME its title, and so on."""
    comments = {VORBIS_KEYS[key]: value for key, value in tags.items()}
    for number, (start, _, title) in enumerate(chapters, 1):
        comments[f"CHAPTER{number:03d}"] = chapter_time(round(start * 1000 / sample_rate))
        comments[f"CHAPTER{number:03d}NAME"] = title
    return comments


def picture_comment(image: bytes) -> str:
    """A JPEG or PNG front cover as a METADATA_BLOCK_PICTURE comment's value: a FLAC picture
    block, in base64."""
    from mutagen.flac import Picture

    from sonicpipe.audio.m4b import cover_suffix

    picture = Picture()
    picture.type = FRONT_COVER
    picture.mime = "image/png" if cover_suffix(image) == ".png" else "image/jpeg"
    picture.data = image
    return base64.b64encode(picture.write()).decode("ascii")


class OpusWriter(Writer):
    """Mono Ogg Opus at ``bitrate`` kbps (default 32; libopus's VBR, so speech with pauses
    comes out below it); :meth:`chapter` marks where each chapter starts.

    ``sample_rate`` not in ``OPUS_RATES`` is resampled to 48 kHz. The file decodes to the
    duration written, to a sample at the coded rate. ``cover``: a JPEG or PNG front cover.
    A stream without audio is one sample of silence: Ogg Opus without an audio page is no
    file FFmpeg opens.
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
        self._tags = checked_metadata(self.path, metadata)
        bitrate = bitrate or DEFAULT_BITRATE
        if problem := opus_bitrate_problem(bitrate):
            raise ValueError(f"{self.path}: {problem}")
        try:  # a bad image fails now, not after the encoding
            self._cover = picture_comment(cover) if cover is not None else None
        except ValueError as exc:
            raise ValueError(f"{self.path}: {exc}") from None
        self._resampler: Resampler | None = None
        self.coded_rate = sample_rate
        if sample_rate not in OPUS_RATES:
            self._resampler = Resampler(RESAMPLED_RATE)
            self.coded_rate = self._resampler.open(sample_rate)
        self.coded = 0  # samples coded, at ``coded_rate``
        import av  # FFmpeg loads only when an Opus file is written

        self._container = av.open(str(self.path), "w", format="ogg")
        self._stream = self._container.add_stream("libopus", rate=self.coded_rate, layout="mono")
        self._stream.bit_rate = bitrate * 1000
        self._stream.options = ENCODER_OPTIONS
        self._container.start_encoding()  # the file now: a folder it cannot be made in fails here

    def chapter(self, title: str) -> None:
        """Start a chapter named ``title`` at the current position (at most 999)."""
        if len(self.chapters) == CHAPTERS_MOST:
            raise ValueError(
                f"{self.path}: Ogg Opus holds at most {CHAPTERS_MOST} chapters "
                f"(CHAPTER001 to CHAPTER{CHAPTERS_MOST}); {title!r} would be one more"
            )
        super().chapter(title)

    def _write(self, samples: np.ndarray) -> None:
        self._encode(self._resampler.process(samples) if self._resampler else samples)

    def _encode(self, samples: np.ndarray) -> None:
        if samples.size:
            frame = ffmpeg_frame(samples, self.coded_rate, self.coded)
            self._container.mux(self._stream.encode(frame))
            self.coded += samples.size

    def _close(self) -> None:
        try:
            if self._resampler is not None:
                self._encode(self._resampler.flush())
            if not self.coded:
                self._encode(np.zeros(1, np.float32))
            self._container.mux(self._stream.encode(None))
        finally:
            self._container.close()
        comments = vorbis_comments(self._tags, self.chapter_spans(), self.sample_rate)
        if self._cover is not None:
            comments["METADATA_BLOCK_PICTURE"] = self._cover
        if comments:
            from mutagen.oggopus import OggOpus

            with tagging():
                audio = OggOpus(self.path)
                audio.update(comments)
                audio.save()
