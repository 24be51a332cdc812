"""Pipeline.close() called while the async face is in use on running event loops: their
connections are closed and the local server stopped, as its docstring says."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest

from sonicpipe.pipeline import Pipeline


def listening(url: str) -> bool:
    """Whether a server still listens at ``url``."""
    host, port = url.removeprefix("ws://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
    except OSError:
        return False
    return True


async def test_close_called_in_async_code_stops_the_local_server() -> None:
    """A notebook awaits ``pipe.aspeak()`` and then calls ``pipe.close()``: the local server
    and the loop's connection stayed up until the process ended."""
    pipe = Pipeline(engine="espeak")
    await pipe.aspeak("Hello there.")
    url = pipe.url
    pipe.close()  # it cannot wait for this loop, which runs it: the rest follows at once
    with pytest.raises(RuntimeError, match="this pipeline is closed"):
        await pipe.aspeak("Hello again.")
    assert pipe.url == "local", "the server is stopping"
    async with asyncio.timeout(60):  # it stops once this loop has closed its connection
        while listening(url):
            await asyncio.sleep(0.05)


def test_close_closes_the_connections_of_loops_running_in_other_threads() -> None:
    pipe = Pipeline(engine="espeak")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(pipe.aspeak("Hello there."), loop).result(60)
        url = pipe.url
        pipe.close()
        assert pipe.url == "local", "the server stopped"
        assert not listening(url)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
