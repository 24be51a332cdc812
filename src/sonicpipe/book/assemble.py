"""From cached paragraphs to a delivered audiobook: files, markers, captions and a report.

One gain for the whole book brings it to the preset's level (ACX's RMS, or integrated
loudness) once limited, found on its opening as it will be laid out (the first
``gain_minutes``, so that chapters can be written while later ones are still being rendered);
a true-peak limiter (the audio package's) holds every paragraph under the preset's ceiling,
less a margin for lossy encoders (and G.711's rounding, for a mu-law or A-law WAV); a lossy
file whose encoder still lifted its peaks over the ceiling is encoded again with them lowered
(:class:`~sonicpipe.audio.ceiling.PeakGuard`), so that the decoded file keeps the peak the
preset accepts (ACX's -3 dBTP, its limiter stopping at -3.5).
Each file starts with ``head`` seconds of room tone and ends with ``tail``; paragraphs are
``paragraph_pause`` apart, and chapters of an M4B or Opus book are ``tail + head`` apart.
Room tone is quiet noise (``room_tone_db``), never digital silence: the digital silence
inside a paragraph (its pauses between sentences, exact zeros) gets the same room tone, as the
paragraph is laid out, and the voice's samples are kept as they are. So the noise floor the
report gives is the room tone's, as ACX would measure it, not -inf.

M4B and Opus: one file with a chapter marker per chapter, title, author and cover (a JPEG or
PNG cover is also delivered beside it as ``cover.jpg``/``.png``). MP3, WAV, FLAC:
a file per chapter, split into parts (``01 Title part 1``, ``part 2``...) of at most
``max_minutes``. Every audio file gets SRT and WebVTT captions from the word timestamps,
and the book a report (``report.json``, ``report.txt``): per chapter the sentence counts and,
per file it is delivered in (each part; in an M4B or Opus book, the chapter; the levels of
the audio before encoding), loudness, true peak, RMS,
noise floor and the checks of the preset (ACX's without one; ACX's also check the head and
tail room tone and, but in a book of one file, the file's length).
Paragraph audio is read from the cache one paragraph at a time, so memory does not grow with
the book (only the opening the gain is measured on is held, once read, until it is written).
Once a run's files are in place, those the previous report listed and this run did not write
(a renamed or deleted chapter, another format) are deleted: the folder holds what the report
lists.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from sonicpipe.audio.ceiling import PeakGuard
from sonicpipe.audio.loudness import MAKEUP_DB, Limiter, codec_ceiling, db, limited_gain, undb
from sonicpipe.audio.m4b import cover_suffix
from sonicpipe.audio.measure import Check, Measurement, Meter, check
from sonicpipe.audio.options import written_encoding
from sonicpipe.audio.writers import LOSSY, open_writer, write_atomic, writing
from sonicpipe.book.delivery import (
    ACX_RATE,
    FORMATS,
    ONE_FILE,
    Delivery,
    acx_requirement,
    meets_acx,
)
from sonicpipe.book.progress import clock
from sonicpipe.book.readers import Book
from sonicpipe.book.render import Cache, ChapterPlan, write_json
from sonicpipe.captions import Caption, cues, write_captions
from sonicpipe.config import Settings
from sonicpipe.hookspecs import AudioWriter
from sonicpipe.plugins import PluginHost

# dB below the ceiling for encoders that overshoot peaks: most files then need no second
# encoding (PeakGuard corrects those that still do)
LOSSY_MARGIN = 0.5
STAGING = ".assembling"  # where files are written before they all move into place
REPORT = "report.json"
# What a run delivers (and so may remove when a later run no longer delivers it).
DELIVERED = (*(f".{f}" for f in FORMATS), ".srt", ".vtt")
COVERS = ("cover.jpg", "cover.png")
# Seconds of exact zeros that are digital silence (a pause, which ACX refuses: it wants room
# tone) rather than a voice's waveform crossing zero; a voice's 16-bit samples cross it in
# runs of a few samples.
DIGITAL_SILENCE = 0.005
BED = 10.0  # seconds of the room tone that digital silence is filled from, in turn


def room_tone(frames: int, level_db: float, seed: int) -> np.ndarray:
    """``frames`` samples of quiet white noise at ``level_db`` dBFS RMS (reproducible for a
    seed)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(frames, np.float32) * np.float32(10 ** (level_db / 20))


def digital_silence(samples: np.ndarray, shortest: int) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of exact zeros in ``samples`` at least ``shortest`` long."""
    zero = samples == 0
    edges = np.flatnonzero(zero[1:] != zero[:-1]) + 1  # where a run starts or ends
    if zero.size and zero[0]:
        edges = np.r_[0, edges]
    if zero.size and zero[-1]:
        edges = np.r_[edges, zero.size]
    starts, ends = edges[::2], edges[1::2]
    long = ends - starts >= shortest
    return starts[long], ends[long]


def safe_name(text: str, limit: int = 60) -> str:
    """A file-name-safe version of a title (apostrophes kept), cut at a word before ``limit``
    characters."""
    name = " ".join(re.sub(r"[^\w\-']+", " ", text).split())
    if len(name) > limit:
        cut = name[: limit + 1].rsplit(" ", 1)[0]
        name = cut if len(cut) > limit // 2 else name[:limit]
    return name.strip(" -'") or "untitled"


# -- layout --------------------------------------------------------------------------------


class BackgroundWriter:
    """Passes writes, in order, to ``writer`` in a thread of its own.

    The encoder (FFmpeg, LAME, libsndfile) then works on one paragraph while the next is
    read, limited and measured. ``frames`` counts what was handed over; an encoder's error
    is raised by the next call after it.
    """

    QUEUED = 2  # chunks waiting at most (memory stays bounded)

    def __init__(self, writer: AudioWriter, sample_rate: int) -> None:
        self.writer = writer
        self.sample_rate = sample_rate
        self.frames = 0
        self._queue: queue.Queue[tuple[str, Any] | None] = queue.Queue(self.QUEUED)
        self._error: BaseException | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="sonicpipe-encoder", daemon=True)
        self._thread.start()

    @property
    def seconds(self) -> float:
        """Duration handed over so far."""
        return self.frames / self.sample_rate

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    getattr(self.writer, item[0])(item[1])
                except BaseException as exc:  # handed to the caller by its next call
                    self._error = exc

    def _put(self, method: str, value: Any) -> None:
        self._raise()
        self._queue.put((method, value))

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def write(self, samples: np.ndarray) -> None:
        """Queue ``samples`` for the encoder."""
        self._put("write", samples)
        self.frames += len(samples)

    def chapter(self, title: str) -> None:
        """Start a chapter named ``title`` after what is queued."""
        self._put("chapter", title)

    def close(self) -> None:
        """Wait for the encoder to take everything, then close the writer."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()
        try:
            self._raise()
        finally:
            self.writer.close()


@dataclass
class _File:
    """An output file being written: its writer, meter, captions and place in the book."""

    path: Path
    writer: BackgroundWriter
    captions: list[Caption] = field(default_factory=list)


class Assembler:
    """Lays cached paragraphs out into the delivered files (see the module docs)."""

    def __init__(
        self,
        book: Book,
        plans: list[ChapterPlan],
        cache: Cache,
        output: Path,
        delivery: Delivery,
        sample_rate: int,
        settings: Settings | None = None,
        on_chapter: Callable[[str], None] | None = None,
        host: PluginHost | None = None,
        on_paragraph: Callable[[int, float], None] | None = None,
    ) -> None:
        """``on_chapter`` gets a line per chapter written (and notes), ``on_paragraph`` the
        characters of each paragraph laid out into a file and the seconds of work since the
        paragraph before (time spent waiting for the voice left out: see :meth:`run`; and the
        gain's measure, done once, which would make the first rate far too slow)."""
        self.book = book
        self.on_chapter = on_chapter
        self.on_paragraph = on_paragraph
        self._chars = {p.key: p.chars for plan in plans for p in plan.paragraphs}
        self.plans = plans
        self.cache = cache
        self.output = output
        self.delivery = delivery
        self.settings = settings or Settings()
        # The writers' settings: [options.loudness] is not the book's (its preset is, and the
        # PeakGuard of a lossy file holds the preset's ceiling)
        self._writing = self.settings.with_(
            options={k: v for k, v in self.settings.options.items() if k != "loudness"}
        )
        self.host = host or PluginHost(self.settings)  # loaded once, for every file written
        self.rate = sample_rate
        self.wait: Callable[[int], None] = _no_wait
        self._worked_from = 0.0  # since the last paragraph, less the waits (see run)
        self.check: Callable[[], None] = _go_on
        self.staging = output / STAGING  # files move to ``output`` once all are written
        self._files: list[_File] = []
        if delivery.preset == "acx" and self.rate != ACX_RATE:
            raise ValueError(
                f"preset acx needs {ACX_RATE} Hz audio; the paragraphs are "
                f"{self.rate} Hz (set output_format.sample_rate = {ACX_RATE})"
            )
        self.lossy = f".{delivery.format}" in LOSSY
        self.limiter = None
        if delivery.target is not None:
            ceiling = delivery.target.true_peak - (LOSSY_MARGIN if self.lossy else 0.0)
            if delivery.format == "wav":  # mu-law and A-law round peaks up
                ceiling = codec_ceiling(ceiling, written_encoding(self.settings))
            self.limiter = Limiter(self.rate, ceiling)
        self.gain = 1.0
        self._held: dict[str, np.ndarray] = {}  # the opening's paragraphs, until written
        self._seed = 0
        self._bed: np.ndarray | None = None  # room tone for digital silence (made when needed)
        self._bed_at = 0  # where the next fill takes from
        self._cover: Path | None = None  # the book's cover, delivered beside the M4B/Opus

    # -- the pieces of a file, in order -----------------------------------------------------

    def _tone(self, seconds: float) -> np.ndarray:
        self._seed += 1
        return room_tone(round(seconds * self.rate), self.delivery.room_tone_db, self._seed)

    def _room_tone_in(self, samples: np.ndarray) -> np.ndarray:
        """``samples`` (an array of ours) with its digital silence (see
        :data:`DIGITAL_SILENCE`) filled, in place, with room tone; every other sample kept.

        The tone is cut from one bed of :data:`BED` seconds, each fill going on where the last
        ended, so that a paragraph costs no fresh noise (it is in the assembly's hot path).
        """
        starts, ends = digital_silence(samples, round(DIGITAL_SILENCE * self.rate))
        for start, end in zip(starts, ends, strict=True):
            while start < end:
                if self._bed is None:
                    self._bed = self._tone(BED)
                take = min(end - start, self._bed.size - self._bed_at)
                samples[start : start + take] = self._bed[self._bed_at : self._bed_at + take]
                start += take
                self._bed_at = (self._bed_at + take) % self._bed.size
        return samples

    def _read(self, key: str) -> np.ndarray:
        """A paragraph's audio: held from the opening (see :meth:`measure_gain`), else read
        from the cache."""
        self.check()
        if key in self._held:
            return self._held.pop(key)
        samples, rate = soundfile.read(self.cache.audio(key), dtype="float32")
        if rate != self.rate:
            raise ValueError(f"{self.cache.audio(key)}: {rate} Hz, not the book's {self.rate} Hz")
        return samples

    def _paragraph(self, key: str) -> np.ndarray:
        """A paragraph at the book's gain, true peaks limited to the book's ceiling, its
        digital silence (the pauses between its sentences) filled with room tone."""
        samples = self._read(key)
        if self.gain != 1.0:
            samples = samples * np.float32(self.gain)
        if self.limiter is not None:
            samples = self.limiter.apply(samples)
        return self._room_tone_in(samples)

    def measure_gain(self) -> float:
        """The one gain (linear) that brings the book to the preset's level once limited.

        Measured on the book's opening as it will be laid out (its first ``gain_minutes``,
        whole paragraphs, with its pauses as silence), so that chapters can be written while
        later ones are still being rendered. The opening is read once and held until it is
        written; its true peaks are scanned once, at the most gain a try may use, and each
        try scales and limits it as the files will have it. The gain makes up for what the
        limiter takes off as :func:`~sonicpipe.audio.loudness.normalize` does
        (:func:`~sonicpipe.audio.loudness.limited_gain`). Every chapter gets this same gain.
        """
        target = self.delivery.target
        if target is None or self.limiter is None:
            return 1.0
        limiter = self.limiter
        goal = target.lufs if target.lufs is not None else target.rms
        opening = self._opening()
        start = self._level(opening)
        if not math.isfinite(start):
            return 1.0
        most = undb(goal - start + MAKEUP_DB)  # limited_gain never tries more
        scans = [limiter.scan(samples, most) for samples in opening]

        def reach(gain_db: float) -> float:
            gain = undb(gain_db)
            pieces = zip(opening, scans, strict=True)
            return self._level(limiter.limited(samples, scan, gain) for samples, scan in pieces)

        return undb(limited_gain(goal, start, reach))

    def _level(self, pieces: Iterable[np.ndarray]) -> float:
        """The preset's level of ``pieces`` laid end to end: RMS (dBFS), or integrated
        loudness (LUFS), which depends on where the pauses fall."""
        if self.delivery.target.lufs is None:  # RMS needs no K-weighting: a plain sum
            squares = frames = 0.0
            for samples in pieces:
                squares += float(np.dot(samples, samples))
                frames += samples.size
            return db(math.sqrt(squares / frames)) if squares else -math.inf
        meter = Meter(self.rate)
        for samples in pieces:
            meter.add(samples, peaks=False)
        return meter.measurement("<opening>").integrated_lufs

    def _opening(self) -> list[np.ndarray]:
        """The book's first ``gain_minutes`` (whole paragraphs) as laid out in its files:
        its paragraphs (held for writing) and the silences of the head, pauses and tail."""
        pieces: list[np.ndarray] = []
        seconds, limit = 0.0, self.delivery.gain_minutes * 60
        for number, plan in enumerate(self.plans):
            if seconds >= limit:
                break
            self._wait(number)
            for n, paragraph in enumerate(plan.paragraphs):
                if seconds >= limit:
                    break
                pause = self.delivery.paragraph_pause if n else self.delivery.head
                samples = self._held[paragraph.key] = self._read(paragraph.key)
                pieces += [self._silence(pause), samples]
                seconds += pause + samples.size / self.rate
            pieces.append(self._silence(self.delivery.tail))
        return pieces

    def _silence(self, seconds: float) -> np.ndarray:
        return np.zeros(round(seconds * self.rate), np.float32)

    # -- files --------------------------------------------------------------------------------

    def _open(self, path: Path, tags: dict[str, str]) -> _File:
        """A writer for ``path`` tagged with ``tags`` (title, author, album, track)."""
        options = dict(self._writing.options)
        writer_options = dict(options.get("writers", {}))
        writer_options.update({key: value for key, value in tags.items() if value})
        if self.delivery.format in ONE_FILE:
            self._cover = self._cover_file(path)
            if self._cover is not None:  # the book's own cover; else the option's, if any
                writer_options["cover"] = str(self._cover.absolute())
        options["writers"] = writer_options
        settings = self._writing.with_(options=options)

        def make() -> AudioWriter:
            return open_writer(path, self.rate, settings, self.host)

        target = self.delivery.target
        with self._delivering(path):
            if self.lossy and target is not None:
                writer: AudioWriter = PeakGuard(make, path, self.rate, target.peak_rule)
            else:
                writer = make()
        out = _File(path, BackgroundWriter(writer, self.rate))
        self._files.append(out)
        return out

    def check_writer(self) -> None:
        """Open and close a writer of the book's format in a scratch folder, so that a bad
        writer option (a cover that cannot be read, a bitrate out of range) fails before the
        voice rather than after it."""
        with tempfile.TemporaryDirectory() as scratch:
            probe = Path(scratch) / f"probe.{self.delivery.format}"
            open_writer(probe, self.rate, self._writing, self.host).close()

    def _cover_file(self, path: Path) -> Path | None:
        """The book's cover written as ``cover.jpg``/``.png`` beside ``path`` (delivered with
        it); None when the book has none.

        A cover that is neither JPEG nor PNG (say, a GIF in an EPUB) is left out, and said.
        """
        if not self.book.cover:
            return None
        try:
            suffix = cover_suffix(self.book.cover)
        except ValueError as exc:
            if self.on_chapter is not None:
                self.on_chapter(f"{self.book.title}: {exc}; left out")
            return None
        cover = path.with_name("cover" + suffix)
        write_atomic(cover, self.book.cover)
        return cover

    def _emit(self, out: _File, samples: np.ndarray, section: Meter, peaks: bool = False) -> None:
        with self._delivering(out.path):
            out.writer.write(samples)
        section.add(samples, peaks)

    def _paragraph_into(self, out: _File, key: str, section: Meter) -> None:
        offset = out.writer.seconds
        self._emit(out, self._paragraph(key), section, peaks=True)
        out.captions.extend(cues(self.cache.info(key)["words"], offset))
        now = time.monotonic()
        worked, self._worked_from = now - self._worked_from, now
        if self.on_paragraph is not None:
            self.on_paragraph(self._chars[key], worked)

    def _wait(self, chapter: int) -> None:
        """Wait for chapter ``chapter`` to be in the cache; the time waited is no work."""
        before = time.monotonic()
        self.wait(chapter)
        self._worked_from += time.monotonic() - before

    def _start(self, path: Path, section: Meter, tags: dict[str, str]) -> _File:
        out = self._open(path, tags)
        self._emit(out, self._tone(self.delivery.head), section)
        return out

    def _finish(self, out: _File, section: Meter) -> list[str]:
        """The tail room tone; close the file; write its captions. Returns the file names."""
        self._emit(out, self._tone(self.delivery.tail), section)
        self._close(out)
        return [p.name for p in (out.path, *self._captions(out))]

    def _close(self, out: _File) -> None:
        """Close a finished file and let go of it (its encoder's memory with it)."""
        with self._delivering(out.path):
            out.writer.close()
        self._files.remove(out)

    def _captions(self, out: _File) -> list[Path]:
        """Write the captions of ``out``; return their paths."""
        with self._delivering(out.path):
            return write_captions(out.path, out.captions)

    def _delivering(self, path: Path) -> AbstractContextManager[None]:
        """Writes of the file ``path`` (in the staging folder): a failure (a full disk) names
        the file as delivered, with the system's reason."""
        return writing(path, self.output / path.name)

    def run(
        self,
        wait: Callable[[int], None] | None = None,
        complete: Callable[[], None] | None = None,
        check: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        """Write every file, captions and the report; return the report.

        ``wait(n)`` returns once chapter ``n`` is wholly in the cache, and ``complete()`` once
        the whole render is over with no sentence missing (it is called before any file moves
        into place); ``check()`` is called before each paragraph is read. Any of them may
        raise to stop (nothing is delivered then). By default the render is taken to be done.
        The time spent in ``wait`` is not counted as work (see ``on_paragraph``).
        """
        self.wait = wait or _no_wait
        self.check = check or _go_on
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        try:
            self.gain = self.measure_gain()
            self._worked_from = time.monotonic()  # done once: no part of a paragraph's work
            one = self.delivery.format in ONE_FILE
            chapters = self._one_file() if one else self._per_chapter()
            if complete is not None:
                complete()
            self._check_way()
        except BaseException:
            for out in self._files:
                with contextlib.suppress(Exception):
                    out.writer.close()
            shutil.rmtree(self.staging, ignore_errors=True)
            raise
        for staged in sorted(self.staging.iterdir()):
            os.replace(staged, self.output / staged.name)
        self.staging.rmdir()
        self._remove_stale({name for row in chapters for name in row["files"]})
        report = {
            "book": {"title": self.book.title, "author": self.book.author},
            "format": self.delivery.format,
            "preset": self.delivery.preset,
            "gain_db": round(db(self.gain), 2),
            "chapters": chapters,
            "sentences": {
                "text": sum(c["sentences"]["text"] for c in chapters),
                "rendered": sum(c["sentences"]["rendered"] for c in chapters),
            },
            "check": {
                "preset": self.delivery.checked.name,
                "target": self.delivery.checked.describe(),
                "pass": all(c["check"]["pass"] for c in chapters),
            },
            "seconds": round(sum(c["seconds"] for c in chapters), 3),
        }
        write_json(self.output / REPORT, report)
        write_atomic(self.output / "report.txt", report_text(report).encode("utf-8"))
        return report

    def _check_way(self) -> None:
        """Refuse to deliver when a folder has the name of a file to deliver: the files move
        into place all or none, so the earlier delivery stays whole."""
        for staged in self.staging.iterdir():
            target = self.output / staged.name
            if target.is_dir() and not target.is_symlink():
                raise OSError(f"{target}: cannot deliver this file: a folder has its name")

    def _remove_stale(self, written: set[str]) -> None:
        """Delete what the previous report delivered and this run did not write (a renamed or
        deleted chapter, another format); nothing that report does not list is touched."""
        try:
            before = json.loads((self.output / REPORT).read_text(encoding="utf-8"))
            listed = {name for row in before["chapters"] for name in row["files"]}
        except (OSError, ValueError, KeyError, TypeError):
            return  # no report (a first run) or not one this wrote
        kept = {_identity(self.output / name) for name in written}
        for name in listed - written:
            if not isinstance(name, str) or Path(name).name != name:
                continue  # only a bare name in this folder
            path = self.output / name
            if (
                (name.endswith(DELIVERED) or name in COVERS)
                and path.is_file()
                and _identity(path) not in kept  # the same file under another case
            ):
                path.unlink()

    def _per_chapter(self) -> list[dict[str, Any]]:
        """A file per chapter, cut into parts before ``max_minutes``."""
        rows = []
        suffix = "." + self.delivery.format
        digits = max(2, len(str(len(self.plans))))  # "100 ..." sorts after "99 ..."
        for number, plan in enumerate(self.plans):
            self._wait(number)
            base = f"{number + 1:0{digits}d} {safe_name(plan.title)}"
            files: list[str] = []
            measured: list[dict[str, Any]] = []
            parts = self._parts(plan)
            for part, paragraphs in enumerate(parts, 1):
                name, title = base, plan.title
                if len(parts) > 1:
                    name, title = (
                        f"{base} part {part}",
                        f"{plan.title} (part {part} of {len(parts)})",
                    )
                tags = {"title": title, "album": self.book.title, "author": self.book.author,
                        "track": f"{number + 1}/{len(self.plans)}"}  # fmt: skip
                section = Meter(self.rate)  # ACX judges each file
                out = self._start(self.staging / (name + suffix), section, tags)
                for n, key in enumerate(paragraphs):
                    if n:
                        self._emit(out, self._tone(self.delivery.paragraph_pause), section)
                    self._paragraph_into(out, key, section)
                names = self._finish(out, section)
                files += names
                measured.append(self._part(names[0], section))
            rows.append(self._row(number, files, measured))
        return rows

    def _parts(self, plan: ChapterPlan) -> list[list[str]]:
        """The chapter's paragraph keys in files of at most ``max_minutes`` (a paragraph
        longer than that alone in its file)."""
        limit = self.delivery.max_minutes * 60 - self.delivery.head - self.delivery.tail
        parts: list[list[str]] = []
        seconds = math.inf
        for paragraph in plan.paragraphs:
            length = self.cache.info(paragraph.key)["frames"] / self.rate
            seconds += self.delivery.paragraph_pause + length
            if seconds > limit:  # a new file (the first paragraph always starts one)
                parts.append([])
                seconds = length
            parts[-1].append(paragraph.key)
        return parts

    def _one_file(self) -> list[dict[str, Any]]:
        """One M4B or Opus file: a chapter marker per chapter, metadata, cover; captions for
        the book."""
        path = self.staging / f"{safe_name(self.book.title)}.{self.delivery.format}"
        tags = {"title": self.book.title, "album": self.book.title, "author": self.book.author}
        out = self._open(path, tags)
        rows = []
        for number, plan in enumerate(self.plans):
            self._wait(number)
            section = Meter(self.rate)
            out.writer.chapter(plan.title)
            self._emit(out, self._tone(self.delivery.head), section)
            for n, paragraph in enumerate(plan.paragraphs):
                if n:
                    self._emit(out, self._tone(self.delivery.paragraph_pause), section)
                self._paragraph_into(out, paragraph.key, section)
            self._emit(out, self._tone(self.delivery.tail), section)
            rows.append(self._row(number, [path.name], [self._part(path.name, section)]))
        self._close(out)
        names = [p.name for p in self._captions(out)]
        if self._cover is not None:
            names.append(self._cover.name)
        for row in rows:
            row["files"] += names
        return rows

    def _checks(self, measured: Measurement) -> list[Check]:
        """The checks of the preset (ACX's without one) on what was measured; ACX's also on
        the room tone at the head and tail and, but in a book of one file, the file's length."""
        checks = check(measured, self.delivery.checked)
        if self.delivery.checked.name == "acx":
            rules = [("head", self.delivery.head), ("tail", self.delivery.tail)]
            if self.delivery.format not in ONE_FILE:  # ACX takes neither: a chapter is no file
                rules.append(("length", measured.seconds / 60))
            checks += [Check(name, value, acx_requirement(name), meets_acx(name, value))
                       for name, value in rules]  # fmt: skip
        return checks

    def _part(self, name: str, section: Meter) -> dict[str, Any]:
        """The levels and checks of one delivered file (in a book of one file, of the chapter
        just written)."""
        measured = section.measurement(name)
        checks = self._checks(measured)
        return {
            "file": name,
            "seconds": round(measured.seconds, 3),
            "levels": {
                k: _finite(v)
                for k, v in asdict(measured).items()
                if k not in ("path", "sample_rate", "seconds")
            },
            "check": {
                "pass": all(c.passed for c in checks),
                "rules": [
                    {
                        "name": c.name,
                        "value": _finite(c.value),
                        "requirement": c.requirement,
                        "pass": c.passed,
                    }
                    for c in checks
                ],
            },
        }

    def _row(self, number: int, files: list[str], parts: list[dict[str, Any]]) -> dict[str, Any]:
        """A chapter's report: its files, the sentences of its text and those rendered, and
        the ``parts`` it was delivered in, each measured and checked."""
        plan = self.plans[number]
        seconds = sum(part["seconds"] for part in parts)
        if self.on_chapter is not None:
            self.on_chapter(
                f"assembled {number + 1}/{len(self.plans)}: {plan.title} ({clock(seconds)})"
            )
        return {
            "chapter": number + 1,
            "title": plan.title,
            "files": files,
            "seconds": round(seconds, 3),
            "paragraphs": len(plan.paragraphs),
            "sentences": {"text": plan.sentences_text, "rendered": plan.rendered(self.cache.has)},
            "check": {"pass": all(part["check"]["pass"] for part in parts)},
            "parts": parts,
        }


def _identity(path: Path) -> tuple[int, int]:
    """A file's device and inode: two names of one file (case-insensitive disks) match."""
    stat = path.stat()
    return stat.st_dev, stat.st_ino


def _no_wait(chapter: int) -> None:
    """Every chapter is in the cache already."""


def _go_on() -> None:
    """Nothing stops the assembly."""


def _finite(value: float) -> float | None:
    """A level for JSON (which has no -inf): rounded, or None."""
    return round(value, 2) if math.isfinite(value) else None


def report_text(report: dict[str, Any]) -> str:
    """The delivery report as a table for people: a line per chapter, and one per part of a
    chapter delivered in several files."""
    lines = [
        f"{report['book']['title']} - {report['book']['author'] or 'unknown author'}",
        f"format {report['format']}, preset {report['preset'] or 'none'}, "
        f"book gain {report['gain_db']:+.2f} dB",
        "",
    ]
    head = (
        f"{'ch':>3}  {'title':<32} {'time':>8} {'sentences':>11} {'LUFS':>6} "
        f"{'TP':>6} {'RMS':>6} {'floor':>6}  {report['check']['preset']}"
    )
    lines += [head, "-" * len(head)]
    for row in report["chapters"]:
        sentences = f"{row['sentences']['rendered']}/{row['sentences']['text']}"
        start = f"{row['chapter']:>3}  {row['title'][:32]:<32} {clock(row['seconds']):>8} "
        parts = row["parts"]
        if len(parts) == 1:
            lines.append(f"{start}{sentences:>11} {_measured(parts[0])}")
            continue
        lines.append(
            f"{start}{sentences:>11} {'':>27}  {'pass' if row['check']['pass'] else 'FAIL'}"
        )
        for number, part in enumerate(parts, 1):
            label = f"part {number} of {len(parts)}"
            lines.append(
                f"{'':>5}{label:<32} {clock(part['seconds']):>8} {'':>11} {_measured(part)}"
            )
    lines += [
        "",
        f"sentences rendered: {report['sentences']['rendered']} of {report['sentences']['text']}; "
        f"length {clock(report['seconds'])}; {checked(report)}: {verdict(report)}",
    ]
    return "\n".join(lines) + "\n"


def _measured(part: dict[str, Any]) -> str:
    """A part's level cells and its verdict, for :func:`report_text`."""
    levels = part["levels"]
    cells = [
        _cell(levels[k])
        for k in ("integrated_lufs", "true_peak_dbtp", "rms_dbfs", "noise_floor_dbfs")
    ]
    failed = [c["name"] for c in part["check"]["rules"] if not c["pass"]]
    said = "pass" if not failed else "FAIL (" + ", ".join(failed) + ")"
    return f"{' '.join(f'{c:>6}' for c in cells)}  {said}"


def verdict(report: dict[str, Any]) -> str:
    """``every chapter passes``, or which fail: ``chapters 2 part 1, 3 fail`` (a part is
    named where a chapter has several)."""
    failing = [
        f"{row['chapter']} part {number}" if len(row["parts"]) > 1 else str(row["chapter"])
        for row in report["chapters"]
        for number, part in enumerate(row["parts"], 1)
        if not part["check"]["pass"]
    ]
    if not failing:
        return "every chapter passes"
    if len(failing) == 1:
        return f"chapter {failing[0]} fails"
    return f"chapters {', '.join(failing)} fail"


def checked(report: dict[str, Any]) -> str:
    """What the report checked the files against, e.g. ``podcast (-16 LUFS, -1 dBTP)``."""
    return f"{report['check']['preset']} ({report['check']['target']})"


def _cell(value: float | None) -> str:
    return "-inf" if value is None else f"{value:.1f}"
