"""Abuse and error paths of the local server, over real loopback sockets with raw websockets."""

from __future__ import annotations

import gc
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from cartesia import Cartesia
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from sonicpipe.config import Secret
from sonicpipe.server import LocalServer
from sonicpipe.server.engines import Synthesis, Word, load_engine

FORMAT = {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 16000}
PATH = "/tts/websocket"


def request(context_id: str, transcript: str = "Hello there.", **changes) -> str:
    data = {
        "context_id": context_id,
        "model_id": "sonic-3",
        "transcript": transcript,
        "voice": {"mode": "id", "id": "any"},
        "output_format": FORMAT,
        "continue": False,
    }
    data.update(changes)
    return json.dumps(data)


def receive(ws: ClientConnection, timeout: float = 10) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def until_end(ws: ClientConnection, context_id: str) -> list[dict]:
    """Messages of one context up to its done or error (other contexts' are skipped)."""
    out: list[dict] = []
    while True:
        message = receive(ws)
        if message.get("context_id") != context_id:
            continue
        out.append(message)
        if message["type"] in ("done", "error"):
            return out


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(
        engine="espeak", linger=0.1, max_contexts=64, max_transcript_chars=20_000
    ) as running:
        yield running


@pytest.fixture
def ws(server: LocalServer) -> Iterator[ClientConnection]:
    with connect(server.url + PATH) as conn:
        yield conn


def live_at_least(running: LocalServer, count: int, within: float = 20.0) -> bool:
    """Wait (polling) until the server counts at least ``count`` live contexts."""
    deadline = time.monotonic() + within
    while running.server.live_contexts() < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def live_at_most(running: LocalServer, count: int, within: float = 20.0) -> bool:
    """Wait (polling) until the server counts at most ``count`` live contexts."""
    deadline = time.monotonic() + within
    while running.server.live_contexts() > count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def assert_still_serving(ws: ClientConnection, context_id: str = "after") -> None:
    ws.send(request(context_id))
    messages = until_end(ws, context_id)
    assert messages[-1]["type"] == "done"
    assert any(m["type"] == "chunk" for m in messages)


def assert_error(message: dict, status: int, words: str, context_id: str | None) -> None:
    assert message["type"] == "error" and message["done"] is True
    assert message["status_code"] == status
    assert words in message["error"]
    assert message.get("context_id") == context_id


@pytest.mark.parametrize(
    ("frame", "status", "words", "context_id"),
    [
        ('{"context_id": "c1", "transcript": ', 400, "not valid JSON", None),
        ("[" * 100_000, 400, "not valid JSON: nested too deeply", None),
        (
            '{"transcript": ' + "9" * 5000 + "}",
            400,
            "not valid JSON: a number of more than 4300 digits",
            None,
        ),
        (b"\x00\xffbinary", 400, "binary frames are not accepted", None),
        ('"just a string"', 400, "expected a JSON object", None),
        (request("c2", transcript=42), 400, "transcript: expected a string, got int 42", "c2"),
        (request("c3", volume_boost=3), 400, "unknown field 'volume_boost'", "c3"),
        (request("c5", model_id="whisper"), 400, "'whisper' is not a valid model", "c5"),
        (request("c6", output_format={**FORMAT, "container": "wav"}), 400, "raw' only", "c6"),
        (request("c7", output_format={**FORMAT, "sample_rate": 12345}), 400, "8000", "c7"),
        (request("c8", voice={"mode": "id"}), 400, "voice.id: required", "c8"),
        (request("c9", transcript="x" * 30_000), 400, "is too long", "c9"),
        (request("c10", transcript="<<q|w|x>>"), 400, "phoneme 'q'", "c10"),
        (request("c11", generation_config={"speed": 9}), 400, "0.6 to 1.5", "c11"),
        ('{"context_id": "c12", "cancel": "yes"}', 400, "cancel: expected true", "c12"),
        # The spec sets no limit; a connection keeps many ids, and every chunk echoes its id.
        (
            request("i" * 257),
            400,
            "context_id of 257 characters is too long; at most 256",
            "i" * 257,
        ),
    ],
)
def test_each_bad_message_gets_a_spec_shaped_error_and_the_socket_keeps_working(
    ws: ClientConnection, frame, status: int, words: str, context_id: str | None
) -> None:
    ws.send(frame)
    assert_error(receive(ws), status, words, context_id)
    assert_still_serving(ws)


@pytest.mark.parametrize(
    "model", ["sonic-3", "sonic-3.5", "sonic-2", "sonic-turbo", "sonic-3-2026-01-12"]
)
def test_the_model_ids_of_the_spec_are_served(ws: ClientConnection, model: str) -> None:
    """The spec's model ids, a dated snapshot among them (all spoken by the local voice)."""
    ws.send(request(f"model-{model}", model_id=model))
    messages = until_end(ws, f"model-{model}")
    assert messages[-1]["type"] == "done" and messages[0]["type"] == "chunk"


def test_an_error_on_one_context_leaves_the_others_running(ws: ClientConnection) -> None:
    ws.send(request("good", "First sentence here. ", **{"continue": True}))
    ws.send(request("bad", "Also fine. ", **{"continue": True}))
    ws.send(request("bad", "Now broken.", output_format={**FORMAT, "encoding": "pcm_s24le"}))
    ws.send(request("good", "Second sentence here."))
    bad = until_end(ws, "bad")
    assert_error(bad[-1], 400, "pcm_s24le", "bad")
    assert until_end(ws, "good")[-1]["type"] == "done"


@pytest.mark.parametrize(
    ("context_id", "change", "words"),
    [
        ("encoding", {"output_format": {**FORMAT, "encoding": "pcm_f32le"}}, "'pcm_f32le'"),
        ("rate", {"output_format": {**FORMAT, "sample_rate": 48000}}, "48000}"),
        ("model", {"model_id": "sonic-2"}, "model_id 'sonic-2' differs"),
    ],
)
def test_a_continuation_that_changes_format_or_model_is_refused(
    ws: ClientConnection, context_id: str, change: dict, words: str
) -> None:
    """The spec does not say whether inputs of one context may change their fields; Cartesia's
    docs say they keep all but transcript and continue. The local server spoke a continuation
    in the first input's format and model, silently: a client decoding the audio it asked for
    read noise. It refuses a change of either instead."""
    ws.send(request(context_id, "First sentence. ", **{"continue": True}))
    ws.send(request(context_id, "Second sentence.", **change))
    messages = until_end(ws, context_id)
    assert_error(messages[-1], 400, words, context_id)
    assert "start a new context" in messages[-1]["error"]


@pytest.mark.parametrize("more", [True, False])
def test_input_after_the_last_input_is_ignored_and_the_accepted_input_finishes(
    ws: ClientConnection, caplog: pytest.LogCaptureFixture, more: bool
) -> None:
    text = " ".join(f"Sentence number {i} of a passage long enough." for i in range(12))
    ws.send(request("ended", text, add_timestamps=True))
    ws.send(request("ended", "Stray words.", add_timestamps=True, **{"continue": more}))
    messages = until_end(ws, "ended")
    assert messages[-1]["type"] == "done"
    spoken = [
        w for m in messages if m["type"] == "timestamps" for w in m["word_timestamps"]["words"]
    ]
    assert " ".join(spoken) == text  # every word of the accepted input, and no stray one
    assert "input after its last input (continue was false) ignored" in caplog.text


def test_a_client_vanishing_mid_stream_does_not_hurt_others(server: LocalServer) -> None:
    other = connect(server.url + PATH)
    with connect(server.url + PATH) as leaving:
        leaving.send(request("long", "A sentence that keeps the voice busy for a while. " * 40))
        assert receive(leaving)["type"] == "chunk"
        leaving.socket.close()  # gone without a closing handshake
    with other:
        assert_still_serving(other, "survivor")
    assert live_at_most(server, 0), "the vanished client's context was released"


def test_errors_owed_to_a_vanished_client_are_dropped_without_a_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A context whose error finds its client gone ends quietly: sending the error raised
    ConnectionClosed out of the context's task, logged by asyncio as 'Task exception was
    never retrieved' with a traceback (hundreds for these 200 contexts)."""
    with LocalServer(engine="espeak", max_contexts=64) as running:
        for _ in range(10):
            with connect(running.url + PATH) as leaving:
                for index in range(20):
                    leaving.send(request(f"bad-{index}", "<<q|w|x>>"))
                leaving.socket.shutdown(socket.SHUT_RDWR)  # gone without a closing handshake
                leaving.socket.close()
        with connect(running.url + PATH) as other:
            assert_still_serving(other)
    gc.collect()  # a task's unretrieved exception is logged when the task is collected
    server_side = [r for r in caplog.records if r.name.startswith(("sonicpipe", "asyncio"))]
    assert [r.getMessage() for r in server_side if r.levelno >= logging.ERROR] == []


def test_engine_failure_is_a_500_for_that_context_only() -> None:
    class BrokenVoice:
        """A voice whose synthesis fails: a fault that cannot be produced with a real engine."""

        name = "broken"
        sample_rate = 16000

        def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
            if words[0].text == "fail":
                raise RuntimeError("voice crashed")
            return Synthesis(np.zeros(1600, np.float32), 16000, [(0.0, 0.1)] * len(words))

    with LocalServer(engine=BrokenVoice()) as running, connect(running.url + PATH) as conn:
        conn.send(request("a", "fail now"))
        assert_error(until_end(conn, "a")[-1], 500, "failed to synthesize", "a")
        conn.send(request("b", "works"))
        assert until_end(conn, "b")[-1]["type"] == "done"


def test_past_the_concurrency_limit_a_context_gets_429() -> None:
    with (
        LocalServer(engine="espeak", max_contexts=2, linger=2.0) as running,
        connect(running.url + PATH) as one,
        connect(running.url + PATH) as two,
    ):
        one.send(request("a", "Open context. ", **{"continue": True}))
        two.send(request("b", "Open context. ", **{"continue": True}))
        two.send(request("c", "One too many."))
        message = until_end(two, "c")[-1]
        assert_error(message, 429, "the limit is 2 live context ids", "c")
        assert message["title"] == "Too Many Requests"
        # A continuation of a live context is not a new context: still accepted.
        one.send(request("a", "Closing now."))
        assert until_end(one, "a")[-1]["type"] == "done"
        # Ended, but live for the linger time after its last generation...
        two.send(request("d", "Still too many."))
        assert_error(until_end(two, "d")[-1], 429, "limit", "d")
        assert live_at_most(running, 1)
        # ...and then its place is free.
        two.send(request("e", "Now there is room."))
        assert until_end(two, "e")[-1]["type"] == "done"


def test_cancel_before_any_audio_frees_the_context_at_once() -> None:
    with (
        LocalServer(engine="espeak", max_contexts=1, linger=0.2) as running,
        connect(running.url + PATH) as conn,
    ):
        conn.send(request("a", "Waiting for more", max_buffer_delay_ms=5000, **{"continue": True}))
        deadline = time.monotonic() + 20
        while not running.server.live_contexts() and time.monotonic() < deadline:
            time.sleep(0.01)  # until the server holds "a"
        conn.send(json.dumps({"context_id": "a", "cancel": True}))
        assert live_at_most(running, 0)
        conn.send(request("b", "Room again."))
        # Ignored, the cancel would free the slot only once "a" spoke its buffer and lingered.
        messages = messages_until(conn, "b", "done")
        assert {m["context_id"] for m in messages} == {"b"}, "nothing of the cancelled context"


@pytest.fixture
def one_place() -> Iterator[ClientConnection]:
    """A connection to a server with room for one live context, lingering a minute."""
    with (
        LocalServer(engine="espeak", max_contexts=1, linger=60.0) as running,
        connect(running.url + PATH) as conn,
    ):
        yield conn


def test_one_shot_requests_do_not_linger(one_place: ClientConnection) -> None:
    # A single request with continue false uses no input streaming: it counts while it speaks.
    for context_id in ("first", "second", "third"):
        one_place.send(request(context_id))
        assert until_end(one_place, context_id)[-1]["type"] == "done"


def test_a_streamed_context_lingers_after_its_last_generation(one_place: ClientConnection) -> None:
    one_place.send(request("streamed", "Some input. ", **{"continue": True}))
    one_place.send(request("streamed", "The rest."))
    assert until_end(one_place, "streamed")[-1]["type"] == "done"
    one_place.send(request("next"))
    assert_error(until_end(one_place, "next")[-1], 429, "the limit is 1", "next")


def test_a_context_refused_before_any_audio_does_not_linger(one_place: ClientConnection) -> None:
    for context_id in ("bad", "worse"):
        one_place.send(request(context_id, "<<q|w|x>>", **{"continue": True}))
        assert_error(until_end(one_place, context_id)[-1], 400, "phoneme 'q'", context_id)
    one_place.send(request("good"))
    assert until_end(one_place, "good")[-1]["type"] == "done"


@pytest.mark.parametrize("given_as", [Secret, str])  # plain text was a 500 on every handshake
def test_an_api_key_is_required_when_configured(
    caplog: pytest.LogCaptureFixture, given_as: type
) -> None:
    key = "sk-local-secret-123"
    caplog.set_level(logging.DEBUG)
    with LocalServer(engine="espeak", api_key=given_as(key)) as running:
        assert key not in repr(running.server.config)
        url = running.url + PATH
        for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}):
            with pytest.raises(InvalidStatus) as info:
                connect(url, additional_headers=headers)
            response = info.value.response
            assert response.status_code == 401
            assert response.headers.get_all("Content-Type") == ["application/json"]
            body = json.loads(response.body)
            assert body["type"] == "error" and body["status_code"] == 401
            assert "API key" in body["error"]
        with connect(url, additional_headers={"X-API-Key": key}) as conn:
            assert_still_serving(conn)
        with connect(f"{url}?api_key={key}") as conn:
            assert_still_serving(conn)
        # The official SDK sends the key as a bearer token.
        client = Cartesia(api_key=key, websocket_base_url=running.url)
        with client.tts.websocket_connect() as conn:
            context = conn.context(
                model_id="sonic-3", voice={"mode": "id", "id": "x"}, output_format=FORMAT
            )
            context.push("Authorized.", continue_=False)
            assert [e.type for e in context.receive()][-1] == "done"
    server_side = [r.getMessage() for r in caplog.records if r.name.startswith("sonicpipe")]
    assert server_side and not any(key in line for line in server_side)


def test_handshake_checks_path_and_version_and_echoes_the_version(server: LocalServer) -> None:
    with pytest.raises(InvalidStatus) as info:
        connect(server.url + "/tts/other")
    assert info.value.response.status_code == 404
    assert info.value.response.headers.get_all("Content-Type") == ["application/json"]
    body = json.loads(info.value.response.body)
    assert body["type"] == "error" and body["status_code"] == 404
    assert body["error"] == "no endpoint '/tts/other'; connect to /tts/websocket"
    with connect(server.url + PATH, additional_headers={"Cartesia-Version": "2024-11-13"}) as c:
        assert c.response.headers["Cartesia-Version"] == "2024-11-13"
    with connect(server.url + PATH + "?cartesia_version=2024-06-10") as c:
        assert c.response.headers["Cartesia-Version"] == "2024-06-10"
    with connect(server.url + PATH) as c:
        assert c.response.headers["Cartesia-Version"] == "2025-04-16"


@pytest.mark.parametrize(
    ("version", "url"),
    [
        ("yesterday", PATH),
        ("2024-13-45", PATH),
        ("2025-02-30", PATH),
        ("2025-02-30", PATH + "?cartesia_version=2025-02-30"),
        ("2024-06-10\n", PATH + "?cartesia_version=2024-06-10%0A"),  # was a 500
    ],
)
def test_a_version_that_is_no_calendar_date_is_refused_at_the_handshake(
    server: LocalServer, version: str, url: str
) -> None:
    headers = {} if "?" in url else {"Cartesia-Version": version}
    with pytest.raises(InvalidStatus) as info:
        connect(server.url + url, additional_headers=headers)
    response = info.value.response
    assert response.status_code == 400
    assert response.headers.get_all("Content-Type") == ["application/json"]
    body = json.loads(response.body)
    assert body["type"] == "error" and body["status_code"] == 400
    assert repr(version) in body["error"]
    assert "2024-06-10, 2024-11-13, 2025-04-16" in body["error"]


@pytest.mark.parametrize("version", ["2026-01-01", "2024-02-29"])
def test_a_real_date_that_is_no_known_version_is_accepted(
    server: LocalServer, version: str
) -> None:
    """Cartesia dates its versions and accepts newer ones than the spec lists."""
    with connect(server.url + PATH, additional_headers={"Cartesia-Version": version}) as conn:
        assert conn.response.headers["Cartesia-Version"] == version
        assert_still_serving(conn)


@pytest.mark.parametrize("version", ["2024-06-10", "2025-04-16"])
def test_an_embedding_voice_is_spoken_on_every_version(server: LocalServer, version: str) -> None:
    """The spec has embedding mode "on old versions" without naming them: no version refuses
    it, and the local voice speaks it."""
    with connect(server.url + PATH, additional_headers={"Cartesia-Version": version}) as conn:
        voice = {"mode": "embedding", "embedding": [0.25] * 192}
        conn.send(request("embedded", voice=voice))
        messages = until_end(conn, "embedded")
        assert messages[-1]["type"] == "done" and any(m["type"] == "chunk" for m in messages)


def test_ending_a_finished_context_sends_nothing(ws: ClientConnection) -> None:
    ws.send(request("once"))
    assert until_end(ws, "once")[-1]["type"] == "done"
    ws.send(request("once", ""))  # the end again, after done
    ws.send(request("next"))
    assert receive(ws)["context_id"] == "next"  # no second "done" for "once" came first


def test_ending_a_context_that_never_had_input_answers_done_once(ws: ClientConnection) -> None:
    ws.send(request("empty", ""))
    assert receive(ws) == {"type": "done", "done": True, "status_code": 200, "context_id": "empty"}
    ws.send(request("empty", ""))  # ended again: nothing more
    ws.send(request("next"))
    assert receive(ws)["context_id"] == "next"


def test_the_sdk_gets_done_for_a_context_ended_before_any_push(server: LocalServer) -> None:
    client = Cartesia(api_key="any", websocket_base_url=server.url)
    with client.tts.websocket_connect() as conn:
        voice = {"mode": "id", "id": "x"}
        context = conn.context(model_id="sonic-3", voice=voice, output_format=FORMAT, timeout=10)
        context.no_more_inputs()  # e.g. an LLM turn that produced no text
        assert [e.type for e in context.receive()] == ["done"]
        context = conn.context(model_id="sonic-3", voice=voice, output_format=FORMAT, timeout=10)
        context.push("Next turn.", continue_=False)
        assert [e.type for e in context.receive()][-1] == "done"


@pytest.mark.parametrize("ended_by", ["done", "error", "cancel"])
def test_text_on_an_ended_context_id_starts_it_anew(ws: ClientConnection, ended_by: str) -> None:
    """The spec does not say what Sonic does with text on a context id that ended (done,
    error or cancel); the local server speaks it as a new context on that id."""
    cid = f"anew-{ended_by}"
    if ended_by == "cancel":
        ws.send(request(cid, "Words wait in the buffer", **{"continue": True}))
        ws.send(json.dumps({"context_id": cid, "cancel": True}))
    else:
        ws.send(request(cid, "Fine." if ended_by == "done" else "<<q|w|x>>"))
        assert until_end(ws, cid)[-1]["type"] == ended_by
    ws.send(request(cid, "Spoken anew."))
    messages = until_end(ws, cid)
    assert messages[-1]["type"] == "done" and any(m["type"] == "chunk" for m in messages)


def test_ending_a_context_that_failed_sends_nothing_more(ws: ClientConnection) -> None:
    ws.send(request("failed", "<<q|w|x>>", **{"continue": True}))
    assert_error(receive(ws), 400, "phoneme 'q'", "failed")
    ws.send(request("failed", ""))  # its error already said done
    ws.send(request("next"))
    assert receive(ws)["context_id"] == "next"


def test_an_idle_open_context_stops_counting_after_its_linger() -> None:
    with (
        LocalServer(engine="espeak", max_contexts=1, linger=1.0) as running,
        connect(running.url + PATH) as conn,
    ):
        conn.send(request("open", "Spoken now. ", **{"continue": True}))
        assert receive(conn)["type"] == "chunk"
        assert live_at_most(running, 0)  # idle past its linger: no longer live, though not ended
        while True:  # the rest of the first sentence's audio
            try:
                assert receive(conn, timeout=0.2)["context_id"] == "open"
            except TimeoutError:
                break
        conn.send(request("new", "Room for me. ", **{"continue": True}))
        assert receive(conn)["context_id"] == "new"
        conn.send(request("open", "And more from the old one."))  # live again: one too many
        assert_error(until_end(conn, "open")[-1], 429, "the limit is 1", "open")
        conn.send(request("new", "Ending."))
        assert until_end(conn, "new")[-1]["type"] == "done"


class GatedVoice:
    """The real espeak voice; a sentence whose first word has a gate waits until it opens
    (holding the server's voice thread), after saying it has started."""

    name = "espeak"

    def __init__(self, *words: str) -> None:
        self.engine = load_engine("espeak")
        self.sample_rate = self.engine.sample_rate
        self.started = {word: threading.Event() for word in words}
        self.gates = {word: threading.Event() for word in words}

    def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
        first = words[0].text.rstrip(".")
        if first in self.gates:
            self.started[first].set()
            assert self.gates[first].wait(30), f"gate {first} never opened"
        return self.engine.synthesize(words, speed)

    def wait_started(self, *words: str) -> None:
        for word in words:
            assert self.started[word].wait(30), f"{word} never started"


def test_input_that_comes_while_a_context_turns_idle_keeps_it_live() -> None:
    """A context is live while it has text to speak. With nothing more queued it waits for its
    last sentence to be made (spoken, resampled, encoded), then turns idle; input that comes
    in that wait must keep it live (linger 0 here: idle, it would stop counting at once)."""
    voice = GatedVoice("First", "Second")
    with (
        LocalServer(engine=voice, linger=0) as running,
        connect(running.url + PATH) as conn,
    ):
        conn.send(request("a", "First. ", **{"continue": True}))
        voice.wait_started("First")  # "a" has nothing else: it waits for "First" to be made
        conn.send(request("a", "Second. ", **{"continue": True}))  # comes in that wait
        assert live_at_least(running, 1)
        voice.gates["First"].set()
        voice.wait_started("Second")
        assert running.server.live_contexts() == 1  # live while it speaks "Second"
        voice.gates["Second"].set()
        conn.send(request("a", ""))
        messages = until_end(conn, "a")
        assert messages[-1]["type"] == "done", messages[-1]


def messages_until(ws: ClientConnection, context_id: str, kind: str) -> list[dict]:
    """Messages (of any context) up to the first ``kind`` message of ``context_id``."""
    out = [receive(ws)]
    while (out[-1]["context_id"], out[-1]["type"]) != (context_id, kind):
        out.append(receive(ws))
    return out


def test_input_without_text_neither_needs_nor_takes_a_live_slot() -> None:
    """The spec counts live contexts by generation ("live for 5 s after its last
    generation"): an input with no text to speak (an empty or blank continuation, as an LLM's
    empty token deltas; a flush or an end with nothing buffered) generates nothing. It made an
    idle context live until it ended, and was refused with 429 when the server was full."""
    with (
        LocalServer(engine="espeak", max_contexts=1, linger=0.3) as running,
        connect(running.url + PATH) as conn,
    ):
        conn.send(request("open", "Spoken now. ", **{"continue": True}))
        conn.send(request("open", " ", **{"continue": True}))  # while it speaks
        assert receive(conn)["type"] == "chunk"
        assert live_at_most(running, 0), "idle past its linger"
        for blank in ("", " "):
            conn.send(request("open", blank, **{"continue": True}))
        conn.send(request("quiet", "", **{"continue": True}))  # a new context, no text yet
        # A context waiting for the rest of its sentence holds the only slot...
        conn.send(request("held", "Waiting for", max_buffer_delay_ms=5000, **{"continue": True}))
        # ...and the contexts without text can still flush and end.
        conn.send(request("open", "", flush=True, **{"continue": True}))
        flushed = messages_until(conn, "open", "flush_done")
        assert not [m for m in flushed if m["type"] == "error"]
        conn.send(request("open", ""))
        conn.send(request("quiet", ""))
        ended = messages_until(conn, "open", "done") + messages_until(conn, "quiet", "done")
        assert not [m for m in ended if m["type"] == "error"]
        assert running.server.live_contexts() == 1  # "held"
        conn.send(json.dumps({"context_id": "held", "cancel": True}))


def test_a_frame_over_the_size_limit_closes_only_its_own_connection() -> None:
    with (
        LocalServer(engine="espeak", max_message_bytes=10_000) as running,
        connect(running.url + PATH) as other,
        connect(running.url + PATH) as flooding,
    ):
        flooding.send(request("big", "word " * 5_000))
        with pytest.raises(ConnectionClosed) as info:
            flooding.recv(timeout=10)
        assert info.value.rcvd.code == 1009  # message too big
        assert_still_serving(other)


def test_unfinished_text_waits_the_buffer_delay_3000_ms_unless_told(ws: ClientConnection) -> None:
    """The spec: max_buffer_delay_ms is how long the server may buffer continuation text before
    generating, 3000 by default; 0 generates at once. Unfinished text is first heard in the
    order its delays end, without an end or a flush."""
    unfinished = "no punctuation here"
    ws.send(request("default", unfinished, **{"continue": True}))
    ws.send(request("zero", unfinished, max_buffer_delay_ms=0, **{"continue": True}))
    time.sleep(1.0)  # so that the default, 3000 ms, ends between these two: 2000 and 4000 ms
    ws.send(request("second", unfinished, max_buffer_delay_ms=1000, **{"continue": True}))
    ws.send(request("fourth", unfinished, max_buffer_delay_ms=3000, **{"continue": True}))
    heard: list[str] = []
    while len(heard) < 4:
        message = receive(ws)
        assert message["type"] == "chunk", message
        if message["context_id"] not in heard:
            heard.append(message["context_id"])
    assert heard == ["zero", "second", "default", "fourth"]
    for context_id in heard:
        ws.send(request(context_id, ""))
        assert until_end(ws, context_id)[-1]["type"] == "done"


def test_each_input_s_buffer_delay_bounds_the_wait_of_its_own_text(ws: ClientConnection) -> None:
    """The spec does not say whose max_buffer_delay_ms holds when the inputs of a context give
    different ones. The server used the delay of the input that started the wait for all later
    text: a later, shorter delay was not kept, and text left alone in the buffer once the older
    text was spoken got the older input's time, cutting it short. Each input's delay now bounds
    its own text's wait: the buffer is spoken when the earliest delay in it ends."""
    waiting = {"continue": True, "add_timestamps": True}
    sent = [  # context, transcript, delay (ms): unfinished text is spoken at the time noted
        ("forward", "no punctuation here", 5000),
        ("forward", " and more", 1000),  # at 1 s (was 5 s)
        ("kept", "older words", 1000),
        ("kept", " newer words", 5000),  # at 1 s: the older text's delay holds
        ("alone", "Waiting words", 1000),
        ("alone", " end. Then more", 5000),  # "Then more" is alone: at 5 s (was 1 s)
        ("reference", "no punctuation here", 3000),  # at 3 s
    ]
    for context_id, transcript, delay in sent:
        ws.send(request(context_id, transcript, max_buffer_delay_ms=delay, **waiting))
    firsts = {"forward": "no", "kept": "older", "alone": "Then", "reference": "no"}
    heard = first_words_heard(ws, firsts)
    assert sorted(heard[:2]) == ["forward", "kept"] and heard[2:] == ["reference", "alone"]


def test_an_id_taken_anew_right_after_its_cancel_counts_as_live() -> None:
    """A cancelled context's task ended after its id was taken anew (the cancel and the new
    text came in one read): ending, it released the live slot of the new context, which then
    spoke uncounted, past the concurrency limit."""
    with (
        LocalServer(engine="espeak", max_contexts=1, linger=60.0) as running,
        connect(running.url + PATH) as conn,
    ):
        waiting = {"continue": True, "max_buffer_delay_ms": 5000}
        conn.send(request("a", "Waiting for more", **waiting))
        assert live_at_least(running, 1)
        conn.send(json.dumps({"context_id": "a", "cancel": True}))
        conn.send(request("a", "Taken anew", **waiting))
        conn.send(request("probe", ""))  # its done comes once the cancelled task has ended
        assert until_end(conn, "probe")[-1]["type"] == "done"
        conn.send(request("b", "One too many."))
        assert_error(until_end(conn, "b")[-1], 429, "the limit is 1", "b")
        conn.send(request("a", ""))
        assert until_end(conn, "a")[-1]["type"] == "done"


def test_a_continuation_without_a_buffer_delay_keeps_the_context_s_delay(
    ws: ClientConnection,
) -> None:
    """The spec does not say whether a continuation that leaves max_buffer_delay_ms out goes
    back to the default (3000 ms). It keeps the delay its context was last given: a client that
    asked for 0 on its first input had each later unfinished input wait 3 s."""
    stamped = {"continue": True, "add_timestamps": True}
    ws.send(request("kept", "Said at once", max_buffer_delay_ms=0, **stamped))
    ws.send(request("reference", "no punctuation here", max_buffer_delay_ms=1000, **stamped))
    ws.send(request("kept", " and this too", **stamped))  # no delay given: still 0
    assert first_words_heard(ws, {"kept": "and", "reference": "no"}) == ["kept", "reference"]


def first_words_heard(ws: ClientConnection, firsts: dict[str, str]) -> list[str]:
    """The contexts of ``firsts`` in the order their word (each context's first of the text
    under test) is in their word timestamps; then each context is ended."""
    heard: list[str] = []
    while len(heard) < len(firsts):
        message = receive(ws)
        assert message["type"] != "error", message
        context_id = message["context_id"]
        if message["type"] != "timestamps" or context_id in heard:
            continue
        if firsts[context_id] in message["word_timestamps"]["words"]:
            heard.append(context_id)
    for context_id in heard:
        ws.send(request(context_id, ""))
        assert until_end(ws, context_id)[-1]["type"] == "done"
    return heard


def test_a_context_idle_after_a_flush_stops_counting_after_its_linger() -> None:
    """A context whose last input was flushed (the official SDK's push(text, flush=True), the
    context left open for more) stayed live for good: it turned idle only after a sentence,
    and here a flush came last. With max_contexts 1, every other context got 429."""
    with (
        LocalServer(engine="espeak", max_contexts=1, linger=0.2) as running,
        connect(running.url + PATH) as conn,
    ):
        conn.send(request("flushed", "Spoken and flushed.", flush=True, **{"continue": True}))
        assert messages_until(conn, "flushed", "flush_done")[-1]["flush_id"] == 1
        assert live_at_most(running, 0)
        conn.send(request("next", "Room for me."))
        assert until_end(conn, "next")[-1]["type"] == "done"
        conn.send(request("flushed", ""))
        assert until_end(conn, "flushed")[-1]["type"] == "done"
