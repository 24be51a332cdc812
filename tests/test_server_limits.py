"""The local server's bounds: what a misbehaving client cannot make it hold, or hold up."""

from __future__ import annotations

import base64
import gc
import json
import logging
import os
import socket
import threading
import time
import tracemalloc

import pytest
from test_server_errors import assert_still_serving, live_at_most, request
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from sonicpipe.server import LocalServer
from sonicpipe.server.app import (
    CLOSE_GRACE,
    MAX_ID_CHARS,
    NOTES_KEPT,
    OPEN_PER_CONNECTION,
    PENDING_PER_CONNECTION,
    VOICES_KEPT,
)

PATH = "/tts/websocket"
LOUD = {"container": "raw", "encoding": "pcm_f32le", "sample_rate": 48000}  # most bytes per second
FLOOD = "A sentence to keep the voice busy for a while. " * 60


def server_cannot_send(running: LocalServer, within: float = 30.0) -> bool:
    """Wait (polling) until some connection holds audio its client does not take: the kernel's
    buffers are full and the rest waits in the server's own write buffer."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        connections = list(running.server._connections)
        if any(c.ws.transport.get_write_buffer_size() for c in connections):
            return True
        time.sleep(0.02)
    return False


def test_stopping_cuts_a_client_that_does_not_read_after_a_short_grace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A client that stopped reading keeps the server's close frame behind the audio it does
    not take: stopping waited for websockets' timeouts (10 s and more). It is cut after
    CLOSE_GRACE now, without a warning: a stopping server owes such a client nothing."""
    running = LocalServer(engine="espeak").__enter__()
    try:
        with socket.create_connection(("127.0.0.1", running.server.port)) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            # max_queue=1: the client's reading thread stops after one frame nobody takes.
            with connect(running.url + PATH, sock=sock, max_queue=1) as conn:
                conn.send(request("flood", FLOOD, output_format=LOUD))
                assert server_cannot_send(running)
                stopper = threading.Thread(target=running.stop)
                stopper.start()
                # Far under websockets' own 10 s close timeout that the stop waited for.
                stopper.join(CLOSE_GRACE + 5)
                assert not stopper.is_alive(), "the stop waits for a client that does not read"
    finally:
        running.stop()
    server_side = [r for r in caplog.records if r.name.startswith(("sonicpipe", "asyncio"))]
    assert [r.getMessage() for r in server_side if r.levelno >= logging.WARNING] == []


def test_the_voice_ids_the_server_remembers_are_bounded(caplog: pytest.LogCaptureFixture) -> None:
    """The server logs each voice id once; it kept every id a client ever sent, so a client
    sending ever new ids grew its memory without limit. It keeps the VOICES_KEPT most recently
    used: past them the oldest is forgotten (and logged again when it comes back)."""
    caplog.set_level(logging.INFO, logger="sonicpipe")
    with LocalServer(engine="espeak") as running, connect(running.url + PATH) as conn:
        # A context opened without text and cancelled: each brings its voice, nothing to say.
        for index in range(VOICES_KEPT + 1):
            conn.send(request(f"c{index}", "", voice=voice(index), **{"continue": True}))
            conn.send(json.dumps({"context_id": f"c{index}", "cancel": True}))
        conn.send(request("again", "Hello.", voice=voice(0)))  # the first id, now forgotten
        assert until_done(conn, "again")
        assert len(running.server._voices) == VOICES_KEPT
    told = [r.getMessage() for r in caplog.records if r.getMessage().startswith("voice ")]
    assert len(told) == VOICES_KEPT + 2
    assert told[0] == told[-1] == "voice v0 is spoken by the local espeak voice"


def test_a_long_voice_id_is_kept_and_logged_by_its_start(caplog: pytest.LogCaptureFixture) -> None:
    """Each remembered voice id was kept whole: VOICES_KEPT ids of up to max_message_bytes
    each (4 MB) were gigabytes. The server keeps and logs an id's first MAX_ID_CHARS."""
    caplog.set_level(logging.INFO, logger="sonicpipe")
    long_id = "v" * 100_000
    with LocalServer(engine="espeak") as running, connect(running.url + PATH) as conn:
        for context_id in ("one", "two"):  # the same voice: logged once
            conn.send(request(context_id, "Hello.", voice={"mode": "id", "id": long_id}))
            assert until_done(conn, context_id)
        assert list(running.server._voices) == ["v" * MAX_ID_CHARS + "..."]
    told = [r.getMessage() for r in caplog.records if r.getMessage().startswith("voice ")]
    assert told == [f"voice {'v' * MAX_ID_CHARS}... is spoken by the local espeak voice"]


def test_the_notes_a_context_logs_once_are_bounded(caplog: pytest.LogCaptureFixture) -> None:
    """A context logged each note once and kept them all: a client sending a new language with
    every input (any text, up to 4 MB) grew it without limit, and logged the text whole. The
    NOTES_KEPT most recent are kept; a language is logged by its first 32 characters."""
    caplog.set_level(logging.INFO, logger="sonicpipe")
    languages = [f"l{index}" for index in range(NOTES_KEPT + 1)]
    with LocalServer(engine="espeak") as running, connect(running.url + PATH) as conn:
        for language in [*languages, "x" * 100_000, "l0"]:  # l0 again: forgotten by now
            conn.send(request("many", "", language=language, **{"continue": True}))
        conn.send(request("many", ""))
        assert until_done(conn, "many")
    told = [r.getMessage() for r in caplog.records if r.getMessage().startswith("context many")]
    assert told == [
        *(f"context many: language '{language}' is spoken with the English local voice"
          for language in languages),
        f"context many: language '{'x' * 32}'... is spoken with the English local voice",
        "context many: language 'l0' is spoken with the English local voice",
    ]  # fmt: skip


def voice(index: int) -> dict[str, str]:
    return {"mode": "id", "id": f"v{index}"}


def until_done(conn: ClientConnection, context_id: str) -> bool:
    """Read up to the done of ``context_id``; False on an error first."""
    while True:
        message = json.loads(conn.recv(timeout=30))
        if message["type"] == "error":
            return False
        if (message["type"], message.get("context_id")) == ("done", context_id):
            return True


def test_a_connection_holds_a_bounded_number_of_open_contexts() -> None:
    """Contexts opened and never ended stayed in memory (about 12 kB each), live or not: a
    client could grow the server without limit. Past OPEN_PER_CONNECTION open contexts a new
    one is refused with 429, saying how to end them; ending one makes room."""
    with LocalServer(engine="espeak") as running, connect(running.url + PATH) as conn:
        for index in range(OPEN_PER_CONNECTION):
            conn.send(request(f"c{index}", "", **{"continue": True}))
        conn.send(request("one-more", "Hello."))
        error = json.loads(conn.recv(timeout=30))
        assert error["type"] == "error" and error["status_code"] == 429
        assert error["context_id"] == "one-more"
        assert error["error"] == (
            f"too many open contexts on this connection: {OPEN_PER_CONNECTION} have not ended; "
            "end each context when its input is done (an empty transcript with continue "
            "false), or cancel it"
        )
        conn.send(request("c0", ""))  # ends c0
        assert until_done(conn, "c0")
        conn.send(request("one-more", "Hello."))
        assert until_done(conn, "one-more")
        with connect(running.url + PATH) as other:  # the bound is each connection's own
            other.send(request("elsewhere", "Hello."))
            assert until_done(other, "elsewhere")


def test_a_client_that_stops_reading_is_cut_and_frees_its_contexts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A client that stopped reading held its live contexts for good (its sends waited, and
    so did websockets' keepalive ping, behind audio it did not take): with max_contexts 1 no
    other client was served. After send_timeout seconds of taking nothing it is cut."""
    with LocalServer(engine="espeak", max_contexts=1, send_timeout=0.5) as running:
        with socket.create_connection(("127.0.0.1", running.server.port)) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            with connect(running.url + PATH, sock=sock, max_queue=1) as stuck:
                stuck.send(request("flood", FLOOD, output_format=LOUD))
                assert server_cannot_send(running)
                assert live_at_most(running, 0), "the stuck client holds its context"
        with connect(running.url + PATH) as other:
            other.send(request("served", "Hello."))
            assert until_done(other, "served")
    cut = [r for r in caplog.records if "cut: it took none of the" in r.getMessage()]
    assert [r.levelno for r in cut] == [logging.WARNING]
    assert cut[0].getMessage().endswith("bytes owed to it in 0.5 s")


def test_text_waiting_to_be_spoken_on_a_connection_is_bounded() -> None:
    """Text comes faster than it is spoken: a client sending continuations without end grew
    the server's queues without end. Past PENDING_PER_CONNECTION characters waiting, input is
    refused with 429 (ending its context); what was queued is dropped with it."""
    piece = "Words to say. " * 3_500  # 49,000 characters
    with LocalServer(engine="espeak") as running, connect(running.url + PATH) as conn:
        sent = 0
        while sent <= PENDING_PER_CONNECTION:
            conn.send(request("flood", piece, **{"continue": True}))
            sent += len(piece)
        while (message := json.loads(conn.recv(timeout=30)))["type"] != "error":
            assert message["context_id"] == "flood"
        assert message["status_code"] == 429 and message["context_id"] == "flood"
        assert message["error"].startswith("too much text waiting to be spoken on this connection")
        assert message["error"].endswith(
            f"at most {PENDING_PER_CONNECTION}; send more as its audio comes"
        )
        conn.send(request("after", piece, **{"continue": True}))  # room again: no error
        conn.send(json.dumps({"context_id": "after", "cancel": True}))
        conn.send(request("check", "Hello."))
        assert until_done(conn, "check")


def test_a_context_that_failed_leaves_no_text_counted_as_waiting() -> None:
    """A context that failed (here a 400 for its first sentence) kept its buffer timer: when
    it fired, the unfinished text was queued for nobody and counted as waiting for good,
    until the connection was refused for text it never had."""
    with LocalServer(engine="espeak") as running, connect(running.url + PATH) as conn:
        transcript = "<<q|w|x>>. Unfinished words"
        conn.send(request("bad", transcript, max_buffer_delay_ms=100, **{"continue": True}))
        assert not until_done(conn, "bad")  # its error
        time.sleep(0.5)  # past the buffer delay: a timer left running has fired
        (connection,) = running.server._connections
        assert connection.pending == 0


def test_an_idle_open_context_keeps_no_transcript() -> None:
    """An open context kept its first input (and its producer the last one it spoke) while it
    waited: OPEN_PER_CONNECTION idle contexts held as many transcripts of up to
    max_transcript_chars. A hundred of 150,000 characters each (15 MB kept) now hold about the
    14 kB each that an idle context costs."""
    with (
        LocalServer(engine="espeak", linger=0, max_transcript_chars=200_000) as running,
        connect(running.url + PATH) as conn,
    ):
        conn.send(request("warm", "Hello."))  # the voice and the pool get going before counting
        assert until_done(conn, "warm")
        gc.collect()
        tracemalloc.start()
        try:
            for index in range(100):  # each spoken, flushed and left open, idle
                conn.send(request(f"c{index}", "Hi." + " " * 150_000, flush=True,
                                  **{"continue": True}))  # fmt: skip
                while json.loads(conn.recv(timeout=30))["type"] != "flush_done":
                    pass
            gc.collect()
            held, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert held < 5 * 2**20, f"{held / 2**20:.1f} MB held by 100 idle contexts"


def test_an_idle_open_context_keeps_none_of_its_audio() -> None:
    """A context keeps its two latest utterances while the voice speaks them (the next waits
    on the voice's thread); once they are sent and it is idle, it keeps neither: twenty idle
    contexts that each spoke two long sentences (about 1 MB of samples each) hold little."""
    said = "This sentence goes on and on for a good few seconds, with more and more words. "
    with (
        LocalServer(engine="espeak", linger=0) as running,
        connect(running.url + PATH) as conn,
    ):
        conn.send(request("warm", "Hello."))
        assert until_done(conn, "warm")
        gc.collect()
        tracemalloc.start()
        try:
            for index in range(20):  # each spoken, flushed and left open, idle
                conn.send(request(f"c{index}", said * 2, flush=True,
                                  **{"continue": True, "max_buffer_delay_ms": 0}))  # fmt: skip
                while json.loads(conn.recv(timeout=30))["type"] != "flush_done":
                    pass
            time.sleep(0.2)  # the last context turns idle after its flush_done
            gc.collect()
            held, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert held < 4 * 2**20, f"{held / 2**20:.1f} MB held by 20 idle contexts"


def test_lingering_slots_of_closed_connections_are_not_taken_by_new_ones() -> None:
    """A context that streamed input stays live for the linger time after its last
    generation, also once its connection has closed. The connections that come after, one at
    a time and each with the same context id, each take a slot of their own (a new
    connection's id() may be a closed one's: its context was taken for the lingering one)."""
    with LocalServer(engine="espeak", max_contexts=64, linger=30) as running:
        for _ in range(12):
            with connect(running.url + PATH) as ws:
                ws.send(request("same", "Hi.", **{"continue": True, "max_buffer_delay_ms": 0}))
                while json.loads(ws.recv())["type"] != "chunk":
                    pass
            time.sleep(0.1)  # the server is done with the closed connection:
            gc.collect()  # its memory is free for the next one's
        assert running.server.live_contexts() == 12


def test_connections_past_the_limit_are_refused_with_429_until_one_closes() -> None:
    """Each connection holds a socket and its buffers: past max_connections a handshake is
    refused (429, a JSON error saying the limit); the open ones keep working, and once one
    closes a new one is taken."""
    with LocalServer(engine="espeak", max_connections=2) as running:
        url = running.url + PATH
        with connect(url) as first, connect(url) as second:
            with pytest.raises(InvalidStatus) as info:
                connect(url)
            response = info.value.response
            assert response.status_code == 429
            body = json.loads(response.body)
            assert body["status_code"] == 429 and "the limit is 2" in body["error"]
            assert_still_serving(first)
            assert_still_serving(second)
        with connect(url) as again:  # both closed: room again
            assert_still_serving(again)


def handshake_request(host: str, port: int) -> bytes:
    """A WebSocket upgrade request for the Sonic endpoint, as raw bytes."""
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {PATH} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Cartesia-Version: 2025-04-16\r\n\r\n"
    ).encode()


def status_of(sock: socket.socket) -> int:
    """The HTTP status of the handshake response on ``sock``."""
    sock.settimeout(10)
    return int(sock.recv(4096).split(b" ", 2)[1])


def test_handshakes_at_once_cannot_pass_the_connection_limit() -> None:
    """Eight handshakes sent together (all in the server's buffers before it answers one):
    exactly the limit are taken, the rest refused with 429; closed ones free their slots,
    also those whose client left right after its handshake."""
    with LocalServer(engine="espeak", max_connections=3) as running:
        host, port = running.server.config.host, running.server.port
        for _ in range(3):
            sockets = [socket.create_connection((host, port)) for _ in range(8)]
            try:
                for sock in sockets:
                    sock.sendall(handshake_request(host, port))
                statuses = sorted(status_of(sock) for sock in sockets)
            finally:
                for sock in sockets:
                    sock.close()
            assert statuses == [101] * 3 + [429] * 5
            deadline = time.monotonic() + 10
            while running.server._admitted and time.monotonic() < deadline:
                time.sleep(0.02)
            with connect(running.url + PATH) as again:  # the closed ones hold no slot
                assert_still_serving(again)
