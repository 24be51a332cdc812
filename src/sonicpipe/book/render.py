"""Resumable, parallel rendering of a book into a content-addressed paragraph cache.

Each chapter goes through the text hooks once; its segments are grouped by paragraph and
each paragraph is one Sonic context. Up to ``parallelism`` contexts run at once on the
pipeline's one connection. A paragraph's audio (16-bit FLAC, after the audio hooks) and its
word timings are stored under the SHA-256 of everything that shapes them: the rendered
transcripts and controls of its segments, the request template (model, voice, language,
Sonic output format, default controls, timestamps) and the audio plugins with their versions
and options. Files are written to a temporary name and moved into place, the timings last, so
a paragraph is either wholly in the cache or not at all: a rerun skips what is there, and an
edited paragraph gets a new key and is the only one synthesized again.

``manifest.json`` (replaced atomically) records the plan, what is done, the sentence counts
per chapter and a log of runs: which keys each run synthesized, and which it found rendered
but unlogged (a run killed between writing a paragraph and logging it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import re
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from sonicpipe.audio.chain import EMPTY
from sonicpipe.audio.writers import SoundFileWriter, refused_write, system_reason, write_atomic
from sonicpipe.book.progress import Progress
from sonicpipe.book.readers import LINE_BREAK, Book, BookError, Chapter
from sonicpipe.config import Settings
from sonicpipe.controls import Defaults, in_force_after
from sonicpipe.hookspecs import hookimpl
from sonicpipe.model import Mark, MarkKind, Segment
from sonicpipe.pipeline import FIRST_INPUT_WORDS, Pipeline
from sonicpipe.plugins import stable_name
from sonicpipe.text import paragraphs
from sonicpipe.words import WordTime

try:
    import fcntl
except ImportError:  # Windows: no advisory file locks
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.json"
CACHE = "cache"
KEY_RE = re.compile(r"[0-9a-f]{64}")  # a cache entry's name: its SHA-256 (paragraph_key)
VERSION = 1
PARAGRAPH_PAUSE = "paragraph_pause"  # [options.pauses] key the delivery takes
BATCH_MIN, BATCH_MAX = 400, 4000  # characters per context
SAVE_EVERY = 1.0  # seconds between manifest writes while rendering (the cache is the truth)
SPOKEN = re.compile(r"\w")


class GapError(RuntimeError):
    """A render that lost sentences: the text has more than the audio."""


@contextmanager
def folder_lock(output: Path) -> Iterator[None]:
    """Hold ``output/.lock`` while rendering: a second render of the same folder is an error.

    ``output`` is made when missing; a render that fails there before writing anything else
    (say, a book with nothing to narrate) takes it away again. A folder that cannot be made
    or written to is an :class:`OSError` naming it. The lock is the operating
    system's (``flock``), so a killed render never leaves it held. Where there is no
    ``flock`` (Windows) nothing is locked.
    """
    created = not output.exists()
    try:
        output.mkdir(parents=True, exist_ok=True)
        handle = open(output / ".lock", "w")  # noqa: SIM115 - closed below
    except OSError as exc:  # the folder is named, not its lock file
        reason = system_reason(exc)
        for above in output.parents:
            if os.path.isfile(above):
                reason = f"{above} is a file"
        raise OSError(f"{output}: cannot write to this output folder: {reason}") from None
    try:
        with handle:
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise ValueError(
                        f"{output}: another render is writing to this folder"
                    ) from None
            yield
    except BaseException:
        if created and [p.name for p in output.iterdir()] == [".lock"]:
            (output / ".lock").unlink()
            output.rmdir()
        raise


def write_json(path: Path, data: Any, indent: int | None = 1) -> None:
    """Write ``data`` as JSON, atomically (``indent=None``: compact)."""
    separators = (",", ":") if indent is None else None
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    write_atomic(path, text.encode("utf-8"))


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(eq=False)
class Paragraph:
    """One paragraph to render: where it is, its cache key and its segments."""

    chapter: int
    index: int
    key: str
    segments: list[Segment]
    chars: int

    @cached_property
    def sentences(self) -> int:
        """Spoken sentences (segments with a letter or digit) in this paragraph."""
        return sum(1 for s in self.segments if SPOKEN.search(s.plain_text))


@dataclass
class ChapterPlan:
    """A chapter's paragraphs and the count of spoken sentences in its text."""

    title: str
    paragraphs: list[Paragraph]
    sentences_text: int

    @property
    def chars(self) -> int:
        """Characters to speak in the chapter."""
        return sum(p.chars for p in self.paragraphs)

    def rendered(self, done: Callable[[str], bool]) -> int:
        """Spoken sentences of the paragraphs whose key is ``done``."""
        return sum(p.sentences for p in self.paragraphs if done(p.key))


def paragraph_settings(settings: Settings) -> Settings:
    """The settings paragraphs render with: no loudness stage (assembly gives the book one
    level), and pauses between sentences only (assembly lays out the paragraph pauses)."""
    options = {k: v for k, v in settings.options.items() if k not in ("loudness", "pauses")}
    pauses = {k: v for k, v in settings.plugin_options("pauses").items() if k != PARAGRAPH_PAUSE}
    if pauses:
        options["pauses"] = {**pauses, PARAGRAPH_PAUSE: 0.0}
    return settings.with_(options=options)


def shaping(pipe: Pipeline) -> dict[str, Any]:
    """Everything besides the segments that shapes a paragraph's audio (for its key)."""
    request = pipe.template().to_dict()
    for name in ("context_id", "transcript", "continue"):
        request.pop(name, None)
    versions = {info.name: info.version for info in pipe.host.describe()}
    audio = [
        (impl.plugin_name, stable_name(impl.plugin))
        for impl in pipe.host.hook.sonicpipe_audio_processor.get_hookimpls()
        if not isinstance(impl.plugin, ParagraphCuts)
    ]
    return {
        "version": VERSION,
        "voice_source": pipe.voice_source,
        "request": request,
        "audio_plugins": [[stable, versions.get(name)] for name, stable in audio],
        "audio_options": {stable: pipe.settings.plugin_options(name) for name, stable in audio},
        "output_rate": pipe.output_rate,
    }


def paragraph_key(pipe: Pipeline, base: dict[str, Any], segments: list[Segment]) -> str:
    """The cache key of a paragraph: SHA-256 of a canonical JSON of what shapes its audio."""
    payload = {
        **base,
        "segments": [pipe.text.render(s).to_dict() for s in segments],
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def plan_book(book: Book, pipe: Pipeline) -> list[ChapterPlan]:
    """Run every chapter through the text hooks; cut it into keyed paragraphs.

    The lines of a paragraph (split by :data:`~sonicpipe.book.readers.LINE_BREAK`, an
    EPUB's ``<br/>``) are its sentences, each read as one, with the pause between sentences.
    A chapter with nothing to say (no spoken sentence in its text or its segments, only
    ``* * *`` or ``...``) is left out; a :class:`BookError` if that leaves none.
    """
    base = shaping(pipe)
    plans: list[ChapterPlan] = []
    for position, chapter in enumerate(book.chapters):
        source = f"{book.source or book.title}#{position + 1}"
        groups, sentences = _grouped(pipe, chapter, source)
        segments = [segment for group in groups for segment in group]
        if not sentences and not any(SPOKEN.search(s.plain_text) for s in segments):
            continue
        items = []
        in_force = pipe.settings.controls
        for index, group in enumerate(groups):
            group, in_force = carried(group, in_force, pipe.settings.controls)
            key = paragraph_key(pipe, base, group)
            items.append(
                Paragraph(len(plans), index, key, group, sum(len(s.plain_text) for s in group))
            )
        plans.append(ChapterPlan(chapter.title, items, sentences))
    if not plans:
        raise BookError(f"{book.source or book.title}: no text to narrate")
    return plans


def _grouped(pipe: Pipeline, chapter: Chapter, source: str) -> tuple[list[list[Segment]], int]:
    """The chapter's segments in the paragraphs the voice reads, and the count of spoken
    sentences in its text, as the splitter sees them, before any segment hook.

    A paragraph with line breaks goes to the text chain as a paragraph per line, so that
    each line is a sentence, and its segments are gathered again into one paragraph. The
    chapter goes through the text chain at once while cleanup keeps its paragraphs one for
    one (it may cut one in two: a list, a table), else a run of paragraphs at a time, and
    each paragraph with line breaks alone.
    """
    if not any(LINE_BREAK in paragraph for paragraph in chapter.paragraphs):
        segments, spoken, _ = _through_chain(pipe, chapter.paragraphs, source)
        return _by_paragraph(segments), spoken
    blocks: list[str] = []
    owner: list[int] = []  # the chapter's paragraph of each block sent
    for number, paragraph in enumerate(chapter.paragraphs):
        lines = _lines(paragraph)
        blocks += lines
        owner += [number] * len(lines)
    segments, spoken, cleaned = _through_chain(pipe, blocks, source)
    if cleaned == len(blocks):
        return _by_paragraph(segments, owner), spoken
    groups: list[list[Segment]] = []
    sentences = 0
    for piece, lines in _pieces(chapter):
        segments, spoken, _ = _through_chain(pipe, piece, source)
        groups += [segments] if lines and segments else _by_paragraph(segments)
        sentences += spoken
    return groups, sentences


def _pieces(chapter: Chapter) -> Iterator[tuple[list[str], bool]]:
    """The chapter in pieces: runs of paragraphs without line breaks, and the lines of each
    paragraph with them (True)."""
    run: list[str] = []
    for paragraph in chapter.paragraphs:
        if LINE_BREAK not in paragraph:
            run.append(paragraph)
            continue
        if run:
            yield run, False
            run = []
        yield _lines(paragraph), True
    if run:
        yield run, False


def _lines(paragraph: str) -> list[str]:
    """A paragraph's lines, each but the last still ending in its line break, so that cleanup
    ends it as a line (a comma where its words run on, as in verse), not as a paragraph."""
    lines = paragraph.split(LINE_BREAK)
    return [line + LINE_BREAK for line in lines[:-1]] + lines[-1:]


def _through_chain(
    pipe: Pipeline, blocks: list[str], source: str
) -> tuple[list[Segment], int, int]:
    """``blocks``, as paragraphs, through the text chain (once): their segments, their spoken
    sentences as the splitter sees them (before any segment hook), and how many paragraphs
    cleanup made of them."""
    doc = pipe.text.clean("\n\n".join(blocks), source)
    cleaned = paragraphs(doc.text)
    split = pipe.text.sentences(cleaned)
    spoken = sum(1 for _, sentence in split if SPOKEN.search(sentence))
    return pipe.text.refined(doc, split), spoken, len(cleaned)


def _by_paragraph(segments: list[Segment], owner: list[int] | None = None) -> list[list[Segment]]:
    """``segments`` grouped by their paragraph, or by ``owner`` of their paragraph."""
    grouped: dict[int, list[Segment]] = {}
    for segment in segments:
        at = segment.paragraph if owner is None else owner[segment.paragraph]
        grouped.setdefault(at, []).append(segment)
    return list(grouped.values())


def carried(
    segments: list[Segment], in_force: Defaults, defaults: Defaults
) -> tuple[list[Segment], Defaults]:
    """A paragraph's segments with the controls carried into it stated up front, and the
    controls in force after it.

    A control applies from its mark to the end of the chapter (its document). A paragraph
    renders on whichever context its batch gets, so the emotion, speed and volume that an
    earlier paragraph set are put at its start: it sounds the same in any batch, and its key
    changes when they do.
    """
    stated = "".join(
        segments[0].marks.add(Mark(MarkKind(name), value, source="carried"))
        for name in ("emotion", "speed", "volume")
        if (value := getattr(in_force, name)) != getattr(defaults, name) and value is not None
    )
    if stated:
        segments = [replace(segments[0], text=stated + segments[0].text), *segments[1:]]
    for segment in segments:
        in_force = in_force_after(segment, in_force)
    return segments, in_force


class Cache:
    """Paragraph audio (``<key>.flac``) and timings (``<key>.json``) in one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def audio(self, key: str) -> Path:
        """The audio file of ``key``."""
        return self.root / f"{key}.flac"

    def info_path(self, key: str) -> Path:
        """The timings file of ``key`` (written last: its presence means done)."""
        return self.root / f"{key}.json"

    def has(self, key: str) -> bool:
        """Whether the paragraph ``key`` is rendered."""
        return self.info_path(key).is_file() and self.audio(key).is_file()

    def info(self, key: str) -> dict[str, Any]:
        """The stored facts of a rendered paragraph: frames, rate, sentences, words."""
        return json.loads(self.info_path(key).read_text(encoding="utf-8"))

    def remove_partials(self) -> None:
        """Delete files a killed run left half-written."""
        for part in self.root.glob("*.part-*"):
            part.unlink(missing_ok=True)

    def unused(self, keep: AbstractSet[str]) -> dict[str, list[Path]]:
        """The entries (key: its files) not in ``keep``: paragraphs since edited, or rendered
        with another voice, model or audio settings. Files that are no entry are not listed."""
        entries: dict[str, list[Path]] = {}
        for path in sorted(self.root.iterdir()):
            key = path.name.partition(".")[0]
            if path.suffix in (".flac", ".json") and KEY_RE.fullmatch(key) and key not in keep:
                entries.setdefault(key, []).append(path)
        return entries

    def put(self, paragraph: Paragraph, part: Path, info: dict[str, Any]) -> None:
        """Move a finished audio file into place, then write its facts (the 'done' mark).

        ``info``: ``frames``, ``sample_rate`` and ``words`` (word, start, end in seconds of
        the paragraph).
        """
        os.replace(part, self.audio(paragraph.key))
        info = {**info, "sentences": paragraph.sentences}
        write_json(self.info_path(paragraph.key), info, indent=None)


# The paragraph ends of the stream being rendered in this task (None: no recording).
_CUTS: ContextVar[list[int] | None] = ContextVar("sonicpipe_book_cuts", default=None)


class _CutRecorder:
    """The chain's last processor: notes the output position of every paragraph boundary."""

    def __init__(self, cuts: list[int]) -> None:
        self.cuts = cuts
        self.count = 0

    def open(self, sample_rate: int) -> int:
        self.count = 0
        return sample_rate

    def process(self, samples: np.ndarray) -> np.ndarray:
        self.count += samples.size
        return samples

    def boundary(self, kind: str) -> np.ndarray:
        if kind == "paragraph":
            self.cuts.append(self.count)
        return EMPTY

    def flush(self) -> np.ndarray:
        return EMPTY


class ParagraphCuts:
    """A plugin that appends a :class:`_CutRecorder` to chains built while recording."""

    @hookimpl(wrapper=True)
    def sonicpipe_audio_processor(self, settings: Settings) -> Generator[None, list, list]:
        """The other plugins' processors, then the recorder (when this task records)."""
        processors = yield
        cuts = _CUTS.get()
        return processors if cuts is None else [*processors, _CutRecorder(cuts)]


class _Batch:
    """Consecutive paragraphs rendered on one context, cut apart into cache entries.

    One context per paragraph would open contexts faster than Sonic lets them expire; a
    batch keeps each paragraph's own cache entry and stores each as soon as it is complete.
    """

    def __init__(self, pipe: Pipeline, cache: Cache, paragraphs: list[Paragraph]) -> None:
        self.pipe = pipe
        self.cache = cache
        self.paragraphs = paragraphs
        self.rate = pipe.output_rate
        self.cuts: list[int] = []
        self.words: list[WordTime] = []
        self.current = 0  # paragraph being written
        self.position = 0  # samples of the stream written
        self.start = 0  # where the current paragraph starts in the stream
        self.writer = self._open()

    def _open(self) -> SoundFileWriter:
        key = self.paragraphs[self.current].key
        self.part = self.cache.root / f"{key}.part-{os.getpid()}-{id(self)}.flac"
        return SoundFileWriter(self.part, self.rate, "pcm_s16le")

    async def run(self, done: Callable[[Paragraph], None]) -> None:
        """Render the batch; call ``done`` with each paragraph once it is in the cache."""
        segments = [
            replace(s, paragraph=n) for n, p in enumerate(self.paragraphs) for s in p.segments
        ]
        token = _CUTS.set(self.cuts)
        try:
            async for chunk in self.pipe.astream_segments(segments, self.words):
                with self._writing():
                    self._feed(chunk, done)
            if len(self.cuts) != len(self.paragraphs) - 1:
                raise GapError(
                    f"chapter {self.paragraphs[0].chapter + 1}: "
                    f"{len(self.paragraphs)} paragraphs sent, "
                    f"{len(self.cuts) + 1} came back"
                )
            with self._writing():
                self._finish(done)
        finally:
            _CUTS.reset(token)
            with contextlib.suppress(soundfile.LibsndfileError):  # a write failed: said above
                self.writer.close()
            self.part.unlink(missing_ok=True)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Writes of paragraph audio: a failure (a full disk) names the cache and the
        system's reason."""
        try:
            yield
        except soundfile.LibsndfileError:
            reason = refused_write(self.part)
            raise OSError(
                f"{self.cache.root}: cannot write the paragraph cache: {reason}"
            ) from None

    def _feed(self, samples: np.ndarray, done: Callable[[Paragraph], None]) -> None:
        while True:
            while self.current < len(self.cuts) and self.cuts[self.current] <= self.position:
                self._finish(done)
                self.current += 1
                self.start = self.position
                self.writer = self._open()
            if not samples.size:
                return
            end = self.cuts[self.current] if self.current < len(self.cuts) else None
            take = samples.size if end is None else min(samples.size, end - self.position)
            piece = samples[:take]
            self.writer.write(piece)
            self.position += take
            samples = samples[take:]

    def _finish(self, done: Callable[[Paragraph], None]) -> None:
        paragraph = self.paragraphs[self.current]
        self.writer.close()
        frames = self.writer.frames
        if not frames:
            raise GapError(
                f"chapter {paragraph.chapter + 1}, paragraph {paragraph.index + 1}: "
                "the voice returned no audio"
            )
        begin, end = self.start / self.rate, (self.start + frames) / self.rate
        # A word is the paragraph's where its middle is: the voice's times are rounded, and
        # the next paragraph's first word can start a hair before the cut.
        words = [
            [w.word, round(max(w.start - begin, 0), 3), round(min(w.end, end) - begin, 3)]
            for w in self.words
            if begin <= (w.start + w.end) / 2 < end
        ]
        info = {"frames": frames, "sample_rate": self.rate, "words": words}
        self.cache.put(paragraph, self.part, info)
        done(paragraph)


@dataclass
class Manifest:
    """``manifest.json``: the plan, progress, sentence counts and the log of runs."""

    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    _saved: float = 0.0

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at ``path`` (empty when there is none yet)."""
        if not path.is_file():
            return cls(path)
        try:
            return cls(path, json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"{path}: not a valid manifest ({exc}); delete it to start over"
            ) from None

    @property
    def runs(self) -> list[dict[str, Any]]:
        """Every run so far, oldest first."""
        return self.data.setdefault("runs", [])

    @property
    def run(self) -> dict[str, Any]:
        """The current run."""
        return self.runs[-1]

    def logged(self) -> set[str]:
        """Keys some run logged as synthesized or recovered."""
        return {
            key
            for run in self.runs
            for kind in ("synthesized", "recovered")
            for key in run.get(kind, [])
        }

    def begin(self, book: Book, plans: list[ChapterPlan], cache: Cache) -> None:
        """Start a run: record the plan; log rendered-but-unlogged paragraphs as recovered.

        Called holding the folder's lock, so an earlier run still ``running`` is dead (killed
        before it could say so): it is marked ``interrupted``.
        """
        for run in self.runs:
            if run.get("status") == "running":
                run["status"] = "interrupted"
        keys = list(dict.fromkeys(p.key for plan in plans for p in plan.paragraphs))
        logged = self.logged()
        done = [key for key in keys if cache.has(key)]
        self.data.update(
            version=VERSION,
            book={"title": book.title, "author": book.author, "source": book.source},
        )
        self.runs.append(
            {
                "run": len(self.runs) + 1,
                "started": now(),
                "finished": None,
                "status": "running",
                "synthesized": [],
                "recovered": [k for k in done if k not in logged],
                "reused": sum(1 for k in done if k in logged),
            }
        )
        self.plan(plans, cache)
        self.save()

    def plan(self, plans: list[ChapterPlan], cache: Cache) -> None:
        """Record the chapters, their paragraphs and what is done."""
        chapters = []
        for plan in plans:
            done = {p.key for p in plan.paragraphs if cache.has(p.key)}
            rendered = plan.rendered(done.__contains__)
            paragraphs = [
                {"key": p.key, "sentences": p.sentences, "chars": p.chars, "done": p.key in done}
                for p in plan.paragraphs
            ]
            chapters.append({
                "title": plan.title,
                "sentences": {"text": plan.sentences_text, "rendered": rendered},
                "paragraphs": paragraphs,
            })  # fmt: skip
        self.data["chapters"] = chapters

    def synthesized(self, key: str, plans: list[ChapterPlan], cache: Cache) -> None:
        """Log a freshly synthesized paragraph (the manifest is saved now and then)."""
        self.run["synthesized"].append(key)
        if time.monotonic() - self._saved >= SAVE_EVERY:
            self.plan(plans, cache)
            self.save()

    def end(self, status: str) -> None:
        """Close the current run with ``status`` and save."""
        self.run.update(finished=now(), status=status)
        self.save()

    def stopped_by(self, exc: BaseException) -> None:
        """Close the current run as ``exc`` stopped it (``interrupted`` by Ctrl-C, which asyncio
        turns into a cancel, else ``failed: ...``); a full disk here is left to ``exc`` to say."""
        stopped = isinstance(exc, KeyboardInterrupt | asyncio.CancelledError)
        with contextlib.suppress(OSError):
            self.end("interrupted" if stopped else f"failed: {str(exc) or type(exc).__name__}")

    def save(self) -> None:
        """Write the manifest atomically."""
        write_json(self.path, self.data)
        self._saved = time.monotonic()


def gaps(plans: list[ChapterPlan], cache: Cache) -> list[str]:
    """One line per chapter whose audio holds fewer sentences than its text."""
    lines = []
    for number, plan in enumerate(plans):
        rendered = plan.rendered(cache.has)
        if rendered != plan.sentences_text:
            lines.append(
                f"chapter {number + 1} {plan.title!r}: {plan.sentences_text} sentences "
                f"in the text, {rendered} rendered"
            )
    return lines


def _unique(plans: list[ChapterPlan]) -> Iterator[Paragraph]:
    seen: set[str] = set()
    for plan in plans:
        for paragraph in plan.paragraphs:
            if paragraph.key not in seen:
                seen.add(paragraph.key)
                yield paragraph


async def render_paragraphs(
    pipe: Pipeline,
    plans: list[ChapterPlan],
    output: Path,
    parallelism: int = 4,
    progress: Progress | None = None,
    book: Book | None = None,
    ready: Callable[[int], None] | None = None,
) -> Manifest:
    """Render every paragraph not yet in ``output``'s cache; return the updated manifest.

    ``parallelism`` (>= 1) contexts render at once; ``ready`` is called with a chapter's
    index once all its paragraphs are in the cache. Raises :class:`GapError` when a
    chapter's audio holds fewer sentences than its text. The caller holds
    :func:`folder_lock` of ``output``.
    """
    cache = Cache(output / CACHE)
    cache.remove_partials()
    manifest = Manifest.load(output / MANIFEST)
    manifest.begin(book or Book("", "", []), plans, cache)
    progress = progress or Progress(quiet=True)
    progress.start([(plan.title, plan.chars) for plan in plans])
    copies: dict[str, list[Paragraph]] = {}
    for plan in plans:
        for paragraph in plan.paragraphs:
            copies.setdefault(paragraph.key, []).append(paragraph)
            if cache.has(paragraph.key):
                progress.advance(paragraph.chapter, paragraph.chars, synthesized=False)
    pending = deque(p for p in _unique(plans) if not cache.has(p.key))
    budget = batch_budget(sum(p.chars for p in pending), parallelism)
    left = [sum(1 for p in plan.paragraphs if not cache.has(p.key)) for plan in plans]

    def announce(chapter: int) -> None:
        if ready is not None and not left[chapter]:
            ready(chapter)

    def done(paragraph: Paragraph) -> None:
        manifest.synthesized(paragraph.key, plans, cache)
        for copy in copies[paragraph.key]:
            progress.advance(copy.chapter, copy.chars, synthesized=copy is paragraph)
            left[copy.chapter] -= 1
            announce(copy.chapter)

    for chapter in range(len(plans)):
        announce(chapter)

    async def worker() -> None:
        while pending:
            await _Batch(pipe, cache, take_batch(pending, budget)).run(done)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(parallelism):
                group.create_task(worker())
    except BaseException as exc:
        first = _first(exc)
        manifest.plan(plans, cache)
        manifest.stopped_by(first)
        if first is not exc:
            raise first from None
        raise
    manifest.plan(plans, cache)
    missing = gaps(plans, cache)
    manifest.end("incomplete" if missing else "rendered")
    if missing:
        raise GapError("sentences missing from the audio:\n  " + "\n  ".join(missing))
    return manifest


def batch_budget(chars: int, parallelism: int) -> int:
    """Characters per context: enough to keep every worker busy, within sensible bounds."""
    return max(BATCH_MIN, min(BATCH_MAX, chars // (parallelism * 3)))


def take_batch(pending: deque[Paragraph], budget: int) -> list[Paragraph]:
    """The next paragraphs for one context: at least one, about ``budget`` characters.

    A first paragraph under Sonic's first-input minimum goes alone, since its input would be
    merged with the next paragraph's and the cut between them lost. A batch holds paragraphs
    that follow each other in one chapter, so that each starts with the controls in force
    where the one before it ends (see :func:`carried`).
    """
    batch = [pending.popleft()]
    if sum(len(s.plain_text.split()) for s in batch[0].segments) < FIRST_INPUT_WORDS:
        return batch
    size = batch[0].chars
    while pending and _follows(pending[0], batch[-1]) and size + pending[0].chars <= budget:
        size += pending[0].chars
        batch.append(pending.popleft())
    return batch


def _follows(paragraph: Paragraph, before: Paragraph) -> bool:
    return (paragraph.chapter, paragraph.index) == (before.chapter, before.index + 1)


def _first(exc: BaseException) -> BaseException:
    """The first real error of an exception group (or the exception itself)."""
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc


def open_pipeline(
    settings: Settings | None = None,
    engine: str | None = None,
    plugins: tuple = (),
    parallelism: int = 4,
) -> Pipeline:
    """A pipeline for paragraphs: timestamps on, loudness and paragraph pauses left to
    assembly (see :func:`paragraph_settings`)."""
    return Pipeline(
        paragraph_settings(settings or Settings()),
        timestamps=True,
        engine=engine,
        plugins=(*plugins, ParagraphCuts()),
        max_contexts=parallelism,
    )
