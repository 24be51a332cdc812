"""The async API's work stays off the event loop: loading the plugins (Pipeline.aopen),
preparing a long text, arender's writer, and the audio chain on large chunks; a cancel waits
for a write in progress before the clean-up closes the writer and removes the part file."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonicpipe import ConfigError, Document, Settings, hookimpl
from sonicpipe.pipeline import INLINE_CHARS, INLINE_SAMPLES, Pipeline
from sonicpipe.server import LocalServer


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="espeak") as local:
        yield local


def in_event_loop() -> bool:
    """Whether an event loop runs in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Tape:
    """A real writer plugin for ``.tape`` files that records how it is called: in which order,
    and whether an event loop runs in its thread (an encoder writing or closing in the loop's
    thread stalls every other task, as MP3 encoding did for a fifth of a second a chunk)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool]] = []  # (call, made inside a running event loop)
        self.hold: threading.Event | None = None  # a write waits for it, once set up
        self.writing = threading.Event()
        self.path: Path | None = None

    @hookimpl
    def sonicpipe_audio_writer(self, target: Path, sample_rate: int, settings: object) -> Tape:
        assert target.suffix == ".tape"
        self.path = target
        self._record("open")
        target.write_bytes(b"")
        return self

    def _record(self, call: str) -> bool:
        """Record ``call``; return whether it was made inside a running event loop."""
        in_loop = in_event_loop()
        self.calls.append((call, in_loop))
        return in_loop

    def write(self, samples: np.ndarray) -> None:
        in_loop = self._record("write")
        self.writing.set()
        if self.hold is not None and not in_loop:  # in the loop, waiting would hang the test
            self.hold.wait()
        self._record("write done")
        assert self.path is not None
        with self.path.open("ab") as file:
            file.write(samples.tobytes())

    def chapter(self, title: str) -> None:
        pass

    def close(self) -> None:
        self._record("close")


async def test_a_render_writes_off_the_event_loop(server: LocalServer, tmp_path: Path) -> None:
    tape = Tape()
    async with Pipeline(Settings(url=server.url), plugins=[tape]) as pipe:
        out = await pipe.arender("Hello there. This is written to tape.", tmp_path / "a.tape")
    assert out.stat().st_size > 0
    assert [call for call, _ in tape.calls if call != "write done"][:2] == ["open", "write"]
    assert tape.calls[-1][0] == "close"
    in_loop = [call for call, in_loop in tape.calls if in_loop and call != "open"]
    assert not in_loop, f"called in the event loop's thread: {in_loop}"


async def test_a_cancelled_render_closes_its_writer_after_the_write_in_progress(
    server: LocalServer, tmp_path: Path
) -> None:
    tape = Tape()
    tape.hold = threading.Event()
    async with Pipeline(Settings(url=server.url), plugins=[tape]) as pipe:
        render = asyncio.create_task(
            pipe.arender("Hello there. This render is cut short.", tmp_path / "b.tape")
        )
        await asyncio.to_thread(tape.writing.wait)
        render.cancel()
        await asyncio.sleep(0)  # the cancel reaches the render while the write still runs
        tape.hold.set()
        with pytest.raises(asyncio.CancelledError):
            await render
    calls = [call for call, _ in tape.calls]
    assert calls.index("close") > calls.index("write done")
    assert calls.count("write") == 1
    assert not list(tmp_path.iterdir())  # the part file is removed, no file delivered


class LoopWatcher:
    """A real audio processor that passes the audio on as it is, and notes for each call
    its size, whether it ran in the event loop's thread, and whether the loop ran another
    task meanwhile: off the loop, a call waits for ``tick``, which a task of the loop sets."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool, bool]] = []  # call, samples, in loop, loop ran
        self.received: list[np.ndarray] = []
        self.tick = threading.Event()

    @hookimpl
    def sonicpipe_audio_processor(self, settings: object) -> LoopWatcher:
        return self

    def open(self, sample_rate: int) -> int:
        return sample_rate

    def process(self, samples: np.ndarray) -> np.ndarray:
        self.received.append(samples.copy())
        return self._note("process", samples)

    def flush(self) -> np.ndarray:
        return self._note("flush", np.zeros(0, np.float32))

    def _note(self, call: str, samples: np.ndarray) -> np.ndarray:
        self.calls.append((call, samples.size, *watch_the_loop(self.tick)))
        return samples


def watch_the_loop(tick: threading.Event) -> tuple[bool, bool]:
    """Whether this runs in an event loop's thread and, if not, whether the loop ran another
    task meanwhile: it waits for ``tick``, which :func:`ticking` sets (in the loop's thread,
    no task can run while it waits: it does not wait)."""
    in_loop = in_event_loop()
    tick.clear()
    return in_loop, not in_loop and tick.wait(60)


async def ticking(tick: threading.Event) -> None:
    """Set ``tick`` whenever the event loop runs this task."""
    while True:
        tick.set()
        await asyncio.sleep(0.005)


async def test_large_chunks_go_through_the_audio_chain_off_the_event_loop(
    server: LocalServer,
) -> None:
    """The audio chain ran in the event loop: the local server's 0.74 s chunks through
    loudness and resampling held it for milliseconds each, a file-mode loudness flush for
    the whole stream's work, and every other task of the loop waited. Large chunks and the
    end now go through it in a worker thread while the loop runs on; small ones (a live
    stream's, the server's first) stay in the loop, with no hand-off to wait for; the audio
    keeps its order."""
    watcher = LoopWatcher()
    text = "Hello there. This sentence is long enough to come in more than one chunk."
    async with Pipeline(Settings(url=server.url), plugins=[watcher]) as pipe:
        ticker = asyncio.create_task(ticking(watcher.tick))
        try:
            audio = await pipe.aspeak(text)
        finally:
            ticker.cancel()
    processed = [call for call in watcher.calls if call[0] == "process"]
    small = [(size, in_loop) for _, size, in_loop, _ in processed if size <= INLINE_SAMPLES]
    large = [(size, in_loop, ran) for _, size, in_loop, ran in processed if size > INLINE_SAMPLES]
    assert small and large, f"the server's chunks: {[size for _, size, _, _ in processed]}"
    assert all(in_loop for _, in_loop in small), f"small chunks off the loop: {small}"
    assert all(not in_loop and ran for _, in_loop, ran in large), f"large chunks: {large}"
    assert watcher.calls[-1][0] == "flush" and watcher.calls[-1][2:] == (False, True)
    np.testing.assert_array_equal(audio.samples, np.concatenate(watcher.received))


class TextWatcher:
    """A real text plugin that notes what :func:`watch_the_loop` sees as it cleans a text."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, bool, bool]] = []  # text length, in the loop, loop ran
        self.tick = threading.Event()

    @hookimpl
    def sonicpipe_clean_text(self, doc: Document) -> None:
        self.calls.append((len(doc.text), *watch_the_loop(self.tick)))


async def test_a_long_text_is_prepared_off_the_event_loop(
    server: LocalServer, tmp_path: Path
) -> None:
    """The text hooks ran in the event loop: a chapter's 50,000 characters held it for over a
    second. A text over INLINE_CHARS is now prepared in a worker thread while the loop runs
    on; a reply's few sentences stay in the loop, with no hand-off to wait for."""
    watcher = TextWatcher()
    long = "The rain in Spain stays mainly in the plain. " * (INLINE_CHARS // 40)
    async with Pipeline(Settings(url=server.url), plugins=[watcher]) as pipe:
        ticker = asyncio.create_task(ticking(watcher.tick))
        try:
            short = await pipe.aspeak("Hello there.")
            await pipe.arender(long, tmp_path / "long.wav")
            chunks = [chunk async for chunk in pipe.astream(long)]
        finally:
            ticker.cancel()
    assert watcher.calls == [(12, True, False), (len(long), False, True), (len(long), False, True)]
    assert short.seconds > 0.3 and sum(chunk.size for chunk in chunks) > 44100
    assert sf.info(tmp_path / "long.wav").duration > 10


class LoadWatcher:
    """A real plugin that notes, each time its audio processor hook is called (the first
    time by the plugin host as it loads, to check the options), what :func:`watch_the_loop`
    sees; it stays out of the audio."""

    def __init__(self) -> None:
        self.calls: list[tuple[bool, bool]] = []  # in the loop's thread, the loop ran
        self.tick = threading.Event()

    @hookimpl
    def sonicpipe_audio_processor(self, settings: object) -> None:
        self.calls.append(watch_the_loop(self.tick))


async def test_aopen_loads_the_plugins_off_the_event_loop(server: LocalServer) -> None:
    """Pipeline() loads its plugins, importing them and checking their options: made in async
    code, it held the event loop for 0.6 s and more (nltk for the sentence splitter, the
    first time). Pipeline.aopen makes it in a worker thread while the loop runs on."""
    watcher = LoadWatcher()
    ticker = asyncio.create_task(ticking(watcher.tick))
    try:
        async with await Pipeline.aopen(Settings(url=server.url), plugins=[watcher]) as pipe:
            audio = await pipe.aspeak("Hello there.")
        with pytest.raises(ConfigError, match=r"^options\.loudness\.preset: 'loud' is not valid"):
            await Pipeline.aopen(Settings(options={"loudness": {"preset": "loud"}}))
    finally:
        ticker.cancel()
    assert watcher.calls[0] == (False, True), "loaded in a worker thread while the loop ran"
    assert audio.seconds > 0.5
