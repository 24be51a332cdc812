"""Pipeline.arender from async code: the writer works off the event loop, and a cancel waits
for a write in progress before the clean-up closes the writer and removes the part file."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from sonicpipe import Settings, hookimpl
from sonicpipe.pipeline import Pipeline
from sonicpipe.server import LocalServer


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="espeak") as local:
        yield local


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
        try:
            asyncio.get_running_loop()
            in_loop = True
        except RuntimeError:
            in_loop = False
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
