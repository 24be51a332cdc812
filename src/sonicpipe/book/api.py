"""One call from a book file to a delivered audiobook, for scripts and content pipelines.

>>> manifest = render_book("alice.txt", "alice-audiobook", format="mp3")  # doctest: +SKIP
>>> manifest["delivery"]["files"][:2]                                    # doctest: +SKIP
['01 CHAPTER I.mp3', '01 CHAPTER I.srt']
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sonicpipe.audio.writers import system_reason
from sonicpipe.book.assemble import Assembler, checked, verdict
from sonicpipe.book.delivery import ACX_RATE, FORMATS, Delivery, number_problem
from sonicpipe.book.progress import Progress, clock
from sonicpipe.book.readers import Book, left_out, read_book
from sonicpipe.book.render import (
    CACHE,
    PARAGRAPH_PAUSE,
    Cache,
    ChapterPlan,
    folder_lock,
    open_pipeline,
    plan_book,
    render_paragraphs,
)
from sonicpipe.config import ConfigError, Settings

T = TypeVar("T")


async def arender_book(
    source: str | Path | Book,
    output: str | Path,
    *,
    settings: Settings | None = None,
    engine: str | None = None,
    plugins: tuple[object, ...] = (),
    format: str = "m4b",
    preset: str | None = "acx",
    paragraph_pause: float | None = None,
    head: float | None = None,
    tail: float | None = None,
    max_minutes: float | None = None,
    parallelism: int = 4,
    front_matter: bool = False,
    licence: bool = False,
    prune: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Render a book (a .txt/.md/.epub path, or a :class:`Book`) into ``output``; resumable.

    ``format``, ``preset``, ``paragraph_pause``, ``head``, ``tail`` and ``max_minutes`` are
    the :class:`~sonicpipe.book.delivery.Delivery`'s; None: its default, and for
    ``paragraph_pause`` that of ``[options.pauses]`` first.
    ``prune``: once the book is delivered, remove the cached paragraphs it no longer uses
    (edited since, or rendered with another voice, model or audio settings); else only counted.
    Returns the manifest: the plan, the run log, the delivered files and the report.
    Raises :class:`~sonicpipe.book.render.GapError` when sentences are missing.
    """
    if isinstance(parallelism, bool) or not isinstance(parallelism, int) or parallelism < 1:
        raise ValueError(f"parallelism {parallelism!r}: expected a whole number >= 1")
    started = time.monotonic()
    progress = progress or Progress(quiet=True)
    delivery = book_delivery(settings or Settings(), format, preset, progress,
                             paragraph_pause=paragraph_pause, head=head, tail=tail,
                             max_minutes=max_minutes)  # fmt: skip
    book = source if isinstance(source, Book) else read_book(source, front_matter, licence)
    if book.encoding != "utf-8":
        progress.message(f"{book.source}: not UTF-8; read as {book.encoding}, as its header says")
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise ValueError(f"{output}: not a folder (a file of that name exists); give a folder")
    with folder_lock(output):
        async with open_pipeline(settings, engine, plugins, parallelism) as pipe:
            pipe.host.check_options(settings or Settings())  # also the tables books set aside
            if preset == "acx" and pipe.output_rate != ACX_RATE:
                raise ValueError(
                    f"preset acx delivers {ACX_RATE} Hz; this pipeline gives {pipe.output_rate} Hz "
                    f"(set output_format.sample_rate = {ACX_RATE} or resample to it)"
                )
            if book.left_out:
                progress.message(f"{book.source}: left out {left_out(book.left_out)}")
            progress.message(f"preparing the text of {counted(len(book.chapters), 'chapter')}")
            # The text hooks run in a thread while the connection (and a local voice) comes up.
            plans, _ = await asyncio.gather(in_daemon_thread(plan_book, book, pipe), pipe.client())
            text_done = time.monotonic()
            loop = asyncio.get_running_loop()
            assembler = Assembler(
                book, plans, Cache(output / CACHE), output, delivery, pipe.output_rate,
                pipe.settings, lambda line: loop.call_soon_threadsafe(progress.message, line),
                pipe.host, lambda *done: loop.call_soon_threadsafe(progress.assemble, *done),
            )  # fmt: skip
            assembler.check_writer()
            chapters = Chapters(len(plans))
            # Chapters are assembled in a thread as soon as they are rendered; the files move
            # into place once the render is over with every sentence.
            assembly = asyncio.ensure_future(
                asyncio.to_thread(
                    assembler.run, chapters.wait, chapters.wait_complete, chapters.check
                )
            )
            try:
                manifest = await render_paragraphs(
                    pipe, plans, output, parallelism, progress, book, chapters.ready
                )
            except BaseException:
                chapters.stop()
                with contextlib.suppress(BaseException):
                    await assembly
                raise
            chapters.complete()
        voice_done = time.monotonic()
        try:
            report = await assembly
        except BaseException as exc:  # interrupted: the thread stops at its next paragraph
            chapters.stop()
            manifest.stopped_by(exc)
            raise
        files = [name for row in report["chapters"] for name in row["files"]]
        manifest.data["delivery"] = {
            "format": delivery.format,
            "preset": delivery.preset,
            "files": list(dict.fromkeys(files)),
            "report": "report.json",
            "seconds": report["seconds"],
            "check": report["check"],
        }
        manifest.run["seconds"] = {
            "text": round(text_done - started, 2),
            "voice": round(voice_done - text_done, 2),
            "assembly": round(time.monotonic() - voice_done, 2),
        }
        manifest.run["unused_cache"] = unused_cache(Cache(output / CACHE), plans, prune, progress)
        manifest.end("delivered")
    progress.finish(summary(manifest.data, report, output))
    return manifest.data


def book_delivery(
    settings: Settings,
    format: str,
    preset: str | None,
    progress: Progress,
    **numbers: float | None,
) -> Delivery:
    """The delivery: ``numbers`` (paragraph_pause, head, tail, max_minutes; None: not given)
    over the ``paragraph_pause`` of ``[options.pauses]``, over the defaults. Notes what ACX
    would refuse, when ACX's rules are checked, and that ``[options.loudness]`` is not used,
    since the preset gives the whole book its level."""
    given = {name: value for name, value in numbers.items() if value is not None}
    pauses = settings.plugin_options("pauses")
    if PARAGRAPH_PAUSE in pauses and PARAGRAPH_PAUSE not in given:
        pause = pauses[PARAGRAPH_PAUSE]
        if problem := number_problem(PARAGRAPH_PAUSE, pause):
            message = f"options.pauses.{PARAGRAPH_PAUSE} {pause!r}: {problem}"
            raise ConfigError(settings.in_source(message))
        given[PARAGRAPH_PAUSE] = pause
    delivery = Delivery(format, preset, **given)
    for note in delivery.outside_acx():
        progress.message(note)
    if settings.plugin_options("loudness"):
        progress.message(
            f"[options.loudness] is not used for a book: the preset ({preset or 'none'}) sets "
            "one level for the whole book"
        )
    return delivery


def unused_cache(
    cache: Cache, plans: list[ChapterPlan], prune: bool, progress: Progress
) -> dict[str, Any]:
    """Count the cached paragraphs no chapter of ``plans`` uses, and remove them if ``prune``.

    The book is delivered by then: an entry that cannot be removed is said (the first, with
    how many more), not raised, and the others are still removed.
    """
    entries = cache.unused({p.key for plan in plans for p in plan.paragraphs})
    sizes = {key: sum(_size_of(path) for path in paths) for key, paths in entries.items()}
    removed: list[str] = []
    failed: list[tuple[Path, OSError]] = []
    for key, paths in entries.items() if prune else ():
        try:
            for path in paths:
                path.unlink(missing_ok=True)
        except OSError as exc:
            failed.append((path, exc))
        else:
            removed.append(key)
    if failed:
        (path, exc), more = failed[0], len(failed) - 1
        also = f" ({more} more could not be removed either)" if more else ""
        progress.message(f"{path}: cannot remove this unused paragraph: {system_reason(exc)}{also}")
    return {
        "paragraphs": len(entries),
        "bytes": sum(sizes.values()),
        "prune": prune,
        "removed": len(removed),
        "removed_bytes": sum(sizes[key] for key in removed),
    }


def _size_of(path: Path) -> int:
    with contextlib.suppress(OSError):
        return path.stat().st_size
    return 0


async def in_daemon_thread(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` in a daemon thread of its own. Unlike :func:`asyncio.to_thread`, an
    interrupted render does not wait for it to end before the process can exit."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(setter: Callable[[Any], None], value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(lambda: future.done() or setter(value))

    def work() -> None:
        try:
            result = func(*args)
        except BaseException as exc:
            settle(future.set_exception, exc)
        else:
            settle(future.set_result, result)

    threading.Thread(target=work, name="sonicpipe-text", daemon=True).start()
    return await future


class Stopped(Exception):
    """Assembly stopped because the render failed or was interrupted."""


class Chapters:
    """Which chapters are wholly rendered, shared by the render and the assembly thread."""

    def __init__(self, count: int) -> None:
        self.events = [threading.Event() for _ in range(count)]
        self.whole = threading.Event()
        self.stopped = False

    def ready(self, chapter: int) -> None:
        """Chapter ``chapter`` is in the cache."""
        self.events[chapter].set()

    def wait(self, chapter: int) -> None:
        """Return once chapter ``chapter`` is in the cache; raise :class:`Stopped` if never."""
        self.events[chapter].wait()
        self.check()

    def check(self) -> None:
        """Raise :class:`Stopped` once the render has stopped."""
        if self.stopped:
            raise Stopped("the render stopped")

    def complete(self) -> None:
        """The render is over and no sentence is missing."""
        self.whole.set()

    def wait_complete(self) -> None:
        """Return once the render is complete; raise :class:`Stopped` if it failed."""
        self.whole.wait()
        self.check()

    def stop(self) -> None:
        """The render failed or was interrupted: stop the assembly (before its next
        paragraph)."""
        self.stopped = True
        for event in (*self.events, self.whole):
            event.set()


def summary(manifest: dict[str, Any], report: dict[str, Any], output: Path) -> list[str]:
    """The lines printed at the end of a render."""
    run = manifest["runs"][-1]
    took = run["seconds"]
    keys = [p["key"] for c in manifest["chapters"] for p in c["paragraphs"]]
    fresh = len(run["synthesized"])
    repeated = len(keys) - len(set(keys))
    same = f" ({repeated} the same as another)" if repeated else ""
    sentences = report["sentences"]
    audio = [n for n in manifest["delivery"]["files"] if Path(n).suffix[1:] in FORMATS]
    unused = run["unused_cache"]
    lines = [
        f"rendered {counted(len(keys), 'paragraph')}{same}: {fresh} synthesized now, "
        f"{len(set(keys)) - fresh} from earlier runs",
        f"sentences: {sentences['rendered']} of {sentences['text']} rendered",
        f"audio {clock(report['seconds'])} in {counted(len(audio), 'file')}, "
        f"with captions, in {output}",
        f"took {clock(sum(took.values()))}: text {clock(took['text'])}, "
        f"voice {clock(took['voice'])}, assembly {clock(took['assembly'])}",
        f"{checked(report)}: {verdict(report)}"
        + ("" if report["check"]["pass"] else f"; see {output / 'report.txt'}"),
    ]
    if unused["prune"] and unused["removed"]:
        held = f"{counted(unused['removed'], 'cached paragraph')} ({size(unused['removed_bytes'])})"
        left = unused["paragraphs"] - unused["removed"]
        lines.append(f"removed {held} the book no longer uses" + (f"; {left} left" if left else ""))
    elif unused["paragraphs"] and not unused["prune"]:
        held = f"{counted(unused['paragraphs'], 'cached paragraph')} ({size(unused['bytes'])})"
        them = "them" if unused["paragraphs"] > 1 else "it"
        lines.append(f"{held} the book no longer uses: --prune removes {them}")
    return lines


def size(count: int) -> str:
    """``45 KB``, ``1.2 MB``: a size in bytes, for a person."""
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{max(round(count / 1e3), 1)} KB"


def counted(number: int, noun: str) -> str:
    """``1 chapter``, ``2 chapters``."""
    return f"{number} {noun}{'s' * (number != 1)}"


def render_book(source: str | Path | Book, output: str | Path, **options: Any) -> dict[str, Any]:
    """Blocking :func:`arender_book` (same arguments); returns the manifest."""
    return asyncio.run(arender_book(source, output, **options))
