"""The Sonic client over real loopback sockets against the local server."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
import websockets
from conftest import ServeProcess

from sonicpipe import pcm
from sonicpipe.config import OutputFormat, Secret
from sonicpipe.server import LocalServer
from sonicpipe.server.engines import load_engine, words_of
from sonicpipe.sonic import protocol as p
from sonicpipe.sonic.client import (
    AuthError,
    BadRequestError,
    ConnectionLost,
    NoFreeContext,
    RateLimitError,
    ServerError,
    SonicClient,
    SonicTimeout,
    new_context_id,
)

FORMAT = OutputFormat("pcm_s16le", 16000)
SENTENCES = [
    "The first sentence is about the weather. ",
    "The second one talks about a long walk by the river. ",
    "A third sentence closes the story. ",
]


def template(**changes: object) -> p.GenerationRequest:
    base = p.GenerationRequest(
        context_id="",
        transcript="",
        model_id="sonic-3",
        voice=p.Voice(id="any-voice"),
        output_format=FORMAT,
        language="en",
        continue_=True,
        max_buffer_delay_ms=0,
    )
    return replace(base, **changes)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="espeak", max_contexts=8, linger=0.2) as local:
        yield local


@pytest.fixture
async def client(server: LocalServer) -> AsyncIterator[SonicClient]:
    async with SonicClient(server.url, timeout=20) as sonic:
        yield sonic


def audio_of(messages: list[p.Response]) -> bytes:
    return b"".join(m.audio for m in messages if isinstance(m, p.Chunk))


async def collect(stream: AsyncIterator[p.Response]) -> list[p.Response]:
    """Every message of ``stream``; a stream that never ends fails in a minute (a context the
    server never finishes owes nothing the client would time out on)."""
    async with asyncio.timeout(60):
        return [message async for message in stream]


def spoken_seconds(sentences: list[str]) -> float:
    """How long the server's voice takes to say ``sentences`` (at any output rate)."""
    voice = load_engine("espeak")
    return sum(voice.synthesize(words_of(sentence)).duration for sentence in sentences)


async def test_whole_text_generation_returns_audio_of_expected_format(client: SonicClient) -> None:
    messages = await collect(client.generate(template(), SENTENCES))
    audio = audio_of(messages)
    seconds = pcm.duration(len(audio), FORMAT.encoding, FORMAT.sample_rate)
    assert len(audio) % 2 == 0
    assert seconds == pytest.approx(spoken_seconds(SENTENCES), rel=0.03), "at 16 kHz"
    assert pcm.decode(audio, FORMAT.encoding).std() > 0.01, "not silence"
    assert len({m.context_id for m in messages}) == 1, "one context"


async def test_two_contexts_interleave_on_one_connection(client: SonicClient) -> None:
    connection = await client._connection()
    a = await client.context(template(context_id="ctx-a"))
    b = await client.context(template(context_id="ctx-b"))
    a_stream, b_stream = a.responses(), b.responses()
    order: list[str] = []
    audio = {"a": b"", "b": b""}

    async def read(stream: AsyncIterator[p.Response], name: str, until_first: bool) -> None:
        async for message in stream:
            if isinstance(message, p.Chunk):
                order.append(name)
                audio[name] += message.audio
                if until_first:
                    return

    await a.send(SENTENCES[0])  # a is live and speaking...
    await read(a_stream, "a", until_first=True)
    for sentence in SENTENCES:  # ...while b runs from start to end
        await b.send(sentence)
    await b.end()
    await read(b_stream, "b", until_first=False)
    await a.send(SENTENCES[1])  # then a continues on the same context
    await a.end()
    await read(a_stream, "a", until_first=False)

    assert await client._connection() is connection, "both contexts used one connection"
    assert order[0] == "a" and order[-1] == "a" and "b" in order
    assert b.finished and a.finished
    seconds = {
        k: pcm.duration(len(v), FORMAT.encoding, FORMAT.sample_rate) for k, v in audio.items()
    }
    assert seconds == {
        "a": pytest.approx(spoken_seconds(SENTENCES[:2]), rel=0.03),
        "b": pytest.approx(spoken_seconds(SENTENCES), rel=0.03),
    }, "each context got its own audio, all of it"


async def test_cancel_stops_a_context_mid_stream(client: SonicClient) -> None:
    full = audio_of(await collect(client.generate(template(), SENTENCES * 2)))
    context = await client.context(template(context_id=new_context_id()))
    for sentence in SENTENCES * 2:
        await context.send(sentence)
    await context.end()
    received = b""
    async for message in context.responses():
        if isinstance(message, p.Chunk):
            received += message.audio
            await context.cancel()
    assert received and len(received) < len(full) / 2
    assert context.id not in client._routes
    again = audio_of(await collect(client.generate(template(), SENTENCES[:1])))
    assert again, "the connection still serves new contexts"


async def test_cancel_reaches_the_server_and_frees_the_context() -> None:
    """A context waiting for more text holds the only slot until its cancel arrives."""
    with LocalServer(engine="espeak", max_contexts=1, linger=0.0) as tight:
        async with SonicClient(tight.url, retries=0, timeout=10) as sonic:
            waiting = await sonic.context(template(context_id="waiting", max_buffer_delay_ms=5000))
            await waiting.send("An unfinished sentence that waits for")
            with pytest.raises(RateLimitError):
                await collect(sonic.generate(template(), ["Too many."]))
            await waiting.cancel()
            deadline = asyncio.get_running_loop().time() + 5
            while tight.server.live_contexts() and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.01)
            assert audio_of(await collect(sonic.generate(template(), ["Room again."])))


async def test_flush_ids_mark_where_audio_of_each_input_ends(client: SonicClient) -> None:
    messages = await collect(client.generate(template(), SENTENCES))
    flushes = [m for m in messages if isinstance(m, p.FlushDone)]
    assert [f.flush_id for f in flushes] == [1, 2, 3]
    done = 0  # a chunk carries the id of the last flush_done before it
    for message in messages:
        if isinstance(message, p.FlushDone):
            done = message.flush_id
        elif isinstance(message, p.Chunk):
            assert message.flush_id == (done or None)
    each = [pytest.approx(spoken_seconds([sentence]), rel=0.05) for sentence in SENTENCES]
    assert audio_per_input(messages) == each, "each flush_done follows its input's audio"


async def test_word_timestamps(client: SonicClient) -> None:
    messages = await collect(client.generate(template(add_timestamps=True), SENTENCES[:2]))
    stamps = [m for m in messages if isinstance(m, p.Timestamps)]
    words = [w.strip(".,") for s in stamps for w in s.words]
    starts = [t for s in stamps for t in s.start]
    ends = [t for s in stamps for t in s.end]
    expected = " ".join(SENTENCES[:2]).replace(".", "").split()
    assert words == expected
    assert starts == sorted(starts) and all(e >= s for s, e in zip(starts, ends, strict=True))
    seconds = pcm.duration(len(audio_of(messages)), FORMAT.encoding, FORMAT.sample_rate)
    assert ends[-1] <= seconds + 0.05


async def test_bad_request_is_a_typed_error(client: SonicClient) -> None:
    with pytest.raises(BadRequestError, match="model_id 'nope' is not a valid model"):
        await collect(client.generate(template(model_id="nope"), ["Hi."]))


async def test_429_is_retried_with_backoff(caplog: pytest.LogCaptureFixture) -> None:
    with LocalServer(engine="espeak", max_contexts=1, linger=0.2) as tight:
        async with SonicClient(tight.url, max_contexts=4, backoff=0.05, retries=8) as sonic:
            with caplog.at_level(logging.INFO, logger="sonicpipe.sonic.client"):
                results = await asyncio.gather(
                    *(collect(sonic.generate(template(), SENTENCES[:1])) for _ in range(3))
                )
        assert all(audio_of(r) for r in results), "every context finished after retrying"
        assert "Too Many" in caplog.text or "too many concurrent" in caplog.text
        async with SonicClient(tight.url, max_contexts=4, retries=0) as impatient:
            with pytest.raises(RateLimitError, match="429"):
                await asyncio.gather(
                    *(collect(impatient.generate(template(), SENTENCES)) for _ in range(3))
                )


async def test_default_retries_outlast_the_linger_of_finished_contexts() -> None:
    """More contexts than the server holds, in waves: each wave waits out the last one's linger.

    Scaled to the wire's 5 s linger and the 0.2 s default back-off (25 back-offs of linger).
    """
    with LocalServer(engine="espeak", max_contexts=3, linger=1.0) as tight:
        async with SonicClient(tight.url, max_contexts=3, backoff=0.04) as sonic:
            results = await asyncio.gather(
                *(collect(sonic.generate(template(), SENTENCES[:1])) for _ in range(9))
            )
    assert all(audio_of(r) for r in results)


async def test_local_concurrency_limit_prevents_429() -> None:
    with LocalServer(engine="espeak", max_contexts=2, linger=0.0) as tight:
        async with SonicClient(tight.url, max_contexts=2, retries=0) as sonic:
            results = await asyncio.gather(
                *(collect(sonic.generate(template(), SENTENCES[:1])) for _ in range(5))
            )
    assert all(audio_of(r) for r in results)


def audio_per_input(messages: list[p.Response]) -> list[float]:
    """Seconds of audio yielded before each flush_done, in order."""
    seconds, current = [], b""
    for message in messages:
        if isinstance(message, p.Chunk):
            current += message.audio
        elif isinstance(message, p.FlushDone):
            seconds.append(pcm.duration(len(current), FORMAT.encoding, FORMAT.sample_rate))
            current = b""
    return seconds


def word_starts(messages: list[p.Response]) -> list[tuple[str, float]]:
    """Each timed word and its start, in order."""
    return [
        (word, start)
        for m in messages
        if isinstance(m, p.Timestamps)
        for word, start in zip(m.words, m.start, strict=True)
    ]


async def test_killed_server_whole_text_is_retried_without_loss(
    serve_process: ServeProcess, caplog: pytest.LogCaptureFixture
) -> None:
    """Killed once the first input's audio is in: the retry resumes past it, so its chunks,
    flush ids and word times go on from where the first attempt stopped."""
    inputs = SENTENCES * 3
    timed = template(add_timestamps=True)
    async with SonicClient(serve_process.url, backoff=0.3, retries=8) as sonic:
        reference = await collect(sonic.generate(timed, inputs))
        received: list[p.Response] = []
        with caplog.at_level(logging.INFO, logger="sonicpipe.sonic.client"):
            async for message in sonic.generate(timed, inputs):
                received.append(message)
                if isinstance(message, p.Chunk) and message.flush_id and serve_process.starts == 1:
                    serve_process.kill()
                    serve_process.start()
    assert serve_process.starts == 2
    assert "retrying from input" in caplog.text
    flushes = [m.flush_id for m in received if isinstance(m, p.FlushDone)]
    assert flushes == list(range(1, len(inputs) + 1)), "every input once, in order"
    expected, got = audio_per_input(reference), audio_per_input(received)
    assert len(got) == len(expected)
    for want, have in zip(expected, got, strict=True):
        assert have == pytest.approx(want, rel=0.1), "no input lost, cut or doubled"
    # A chunk carries the id of the last flush_done before it, across the retry too.
    done = 0
    for message in received:
        if isinstance(message, p.FlushDone):
            done = message.flush_id
        elif isinstance(message, p.Chunk):
            assert message.flush_id == (done or None)
    # Every word once, timed from the start of all audio (espeak varies a little per run).
    want_words, got_words = word_starts(reference), word_starts(received)
    assert [w for w, _ in got_words] == [w for w, _ in want_words]
    for (_, want_start), (word, start) in zip(want_words, got_words, strict=True):
        assert start == pytest.approx(want_start, abs=0.15), word


async def test_killed_server_fails_a_live_context_clearly(serve_process: ServeProcess) -> None:
    async with SonicClient(serve_process.url) as sonic:
        context = await sonic.context(template(context_id="turn-1"))
        await context.send(SENTENCES[0])
        with pytest.raises(ConnectionLost, match="turn-1: the connection dropped"):
            async for message in context.responses():
                if isinstance(message, p.Chunk):
                    serve_process.kill()


async def test_api_key_goes_in_a_header_and_nowhere_else(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "sk_car_" + "k3y" * 8
    with (
        caplog.at_level(logging.DEBUG),
        LocalServer(engine="espeak", api_key=Secret(secret)) as guarded,
    ):
        async with SonicClient(guarded.url, Secret(secret)) as sonic:
            audio = audio_of(await collect(sonic.generate(template(), ["Hello."])))
            assert secret not in repr(sonic) and secret not in sonic.url
        with pytest.raises(AuthError) as refused:
            async with SonicClient(guarded.url, "wrong-" + secret) as stranger:
                await collect(stranger.generate(template(), ["Hello."]))
    assert audio
    assert secret not in str(refused.value)
    assert secret not in caplog.text
    with pytest.raises(ValueError, match="never in the URL"):
        SonicClient(f"ws://127.0.0.1:1/?api_key={secret}")


async def test_client_frames_match_the_protocol_reference() -> None:
    """Record what the client sends to a loopback peer and check it field by field."""
    frames: list[dict[str, object]] = []
    binary: list[bool] = []
    seen: dict[str, object] = {}
    cancelled = asyncio.Event()

    async def peer(ws: websockets.ServerConnection) -> None:
        seen["path"] = ws.request.path
        seen["headers"] = dict(ws.request.headers)
        async for raw in ws:
            binary.append(isinstance(raw, bytes))
            message = json.loads(raw)
            frames.append(message)
            if message.get("cancel"):
                cancelled.set()
            if message.get("cancel") or message.get("continue") is False:
                await ws.send(json.dumps(p.Done(message["context_id"]).to_dict()))

    async with websockets.serve(peer, "127.0.0.1", 0) as listener:
        port = listener.sockets[0].getsockname()[1]
        config = p.GenerationConfig(speed=1.1, emotion="calm")
        request = template(add_timestamps=True, generation_config=config)
        async with SonicClient(f"ws://127.0.0.1:{port}", "key-123") as c:
            await collect(c.generate(request, ["One. ", "Two. "]))
            live = await c.context(template(context_id="live"))
            await live.send("Hi. ")
            await live.cancel()
            await asyncio.wait_for(cancelled.wait(), 10)

    assert binary and not any(binary), "requests go as JSON text frames"
    assert seen["path"] == "/tts/websocket"
    headers = {k.lower(): v for k, v in seen["headers"].items()}  # type: ignore[union-attr]
    assert headers["x-api-key"] == "key-123"
    assert headers["cartesia-version"] == "2025-04-16"  # the spec's current default
    first, second, end = frames[0], frames[1], frames[2]
    assert set(first) == {
        "context_id", "model_id", "transcript", "voice", "output_format", "language",
        "continue", "max_buffer_delay_ms", "add_timestamps", "generation_config", "flush",
    }  # fmt: skip
    assert first["model_id"] == "sonic-3"
    assert first["transcript"] == "One. " and second["transcript"] == "Two. "
    assert first["voice"] == {"mode": "id", "id": "any-voice"}
    assert first["output_format"] == {"container": "raw", "encoding": "pcm_s16le",
                                      "sample_rate": 16000}  # fmt: skip
    assert first["language"] == "en"
    assert first["continue"] is True and first["flush"] is True
    assert first["max_buffer_delay_ms"] == 0
    assert first["add_timestamps"] is True
    assert first["generation_config"] == {"speed": 1.1, "emotion": "calm"}
    assert first["context_id"] == second["context_id"] == end["context_id"]
    assert end["transcript"] == "" and end["continue"] is False
    assert frames[-1] == {"context_id": "live", "cancel": True}
    assert all("api_key" not in json.dumps(f) for f in frames)
    for frame in frames[:-1]:
        p.parse_request(frame)  # every request is valid by our own reading of the spec


@pytest.mark.parametrize(
    ("status", "kind"),
    [(400, BadRequestError), (401, AuthError), (429, RateLimitError), (500, ServerError)],
)
async def test_each_error_status_of_the_spec_is_its_own_error(
    status: int, kind: type[Exception]
) -> None:
    """The spec's error message ends its context with status 400, 401, 429 or 500."""

    async def refuse(ws: websockets.ServerConnection) -> None:
        async for raw in ws:
            message = json.loads(raw)
            error = p.ErrorMessage(f"refused as {status}", status, message["context_id"])
            await ws.send(json.dumps(error.to_dict()))

    async with websockets.serve(refuse, "127.0.0.1", 0) as listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        async with SonicClient(url, timeout=5, retries=0) as sonic:
            with pytest.raises(kind, match=f"Sonic error {status}: refused as {status}"):
                await collect(sonic.generate(template(), ["Hello."]))
            assert not sonic._routes, "the failed context was cleaned up"


@pytest.fixture
async def mute_url() -> AsyncIterator[str]:
    """A WebSocket peer that accepts every request and answers none."""

    async def mute(ws: websockets.ServerConnection) -> None:
        async for _ in ws:
            pass

    async with websockets.serve(mute, "127.0.0.1", 0) as listener:
        yield f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"


async def test_silence_from_the_server_is_a_timeout(mute_url: str) -> None:
    async with SonicClient(mute_url, timeout=0.3, retries=0) as sonic:
        with pytest.raises(SonicTimeout, match=r"no answer in 0\.3 s"):
            await collect(sonic.generate(template(), ["Hello."]))
        assert not sonic._routes, "the timed-out context was cleaned up"


async def test_nothing_to_say_finishes_without_asking_the_server(mute_url: str) -> None:
    """An empty generation ends at once; from the mute peer any request would time out."""
    async with SonicClient(mute_url, timeout=0.3, retries=0) as sonic:
        assert await collect(sonic.generate(template(), [])) == []
        context = await sonic.context(template())
        await context.end()
        assert await collect(context.responses()) == []
        assert not sonic._routes


async def test_a_live_context_waits_idle_but_times_out_while_audio_is_owed(mute_url: str) -> None:
    """Silence before the first input is not a timeout; silence after one is."""
    async with SonicClient(mute_url, timeout=0.3, retries=0) as sonic:
        context = await sonic.context(template())
        waiting = asyncio.create_task(collect(context.responses()))
        await asyncio.sleep(0.6)
        assert not waiting.done(), "idle with nothing owed is not a timeout"
        await context.send("Hello there, how are you? ", flush=True)
        with pytest.raises(SonicTimeout, match=r"no answer in 0\.3 s"):
            await waiting


async def test_a_context_that_times_out_is_cancelled_on_the_server() -> None:
    """A context given up for silence is cancelled there too: a server that is only slow
    would otherwise go on speaking it for nobody, holding a slot the client counts free."""
    frames: list[dict] = []
    gone = asyncio.Event()

    async def mute(ws: websockets.ServerConnection) -> None:
        try:
            async for frame in ws:
                frames.append(json.loads(frame))
        finally:
            gone.set()

    async with websockets.serve(mute, "127.0.0.1", 0) as listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        async with SonicClient(url, timeout=0.3, retries=0) as sonic:
            context = await sonic.context(template(context_id="slow"))
            await context.send("Hello there, how are you? ")
            with pytest.raises(SonicTimeout):
                await collect(context.responses())
            with pytest.raises(SonicTimeout):
                await collect(sonic.generate(template(), ["Hello."]))
        await asyncio.wait_for(gone.wait(), 5)  # every frame the client sent is in
    cancels = [f["context_id"] for f in frames if f.get("cancel")]
    assert cancels[0] == "slow" and len(cancels) == 2


async def test_closing_cancels_live_contexts_and_never_reconnects() -> None:
    """close() cancels the contexts still live on the connection; a cancel after it (an
    abandoned generator finalized late) opens no new connection, and a new context is refused."""
    connections: list[list[dict]] = []
    gone = asyncio.Event()

    async def record(ws: websockets.ServerConnection) -> None:
        frames: list[dict] = []
        connections.append(frames)
        try:
            async for frame in ws:
                frames.append(json.loads(frame))
        finally:
            gone.set()

    async with websockets.serve(record, "127.0.0.1", 0) as listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        sonic = SonicClient(url, timeout=5, retries=0)
        live = await sonic.context(template(context_id="live"))
        await live.send("Still speaking when the client closes. ")
        await sonic.close()
        await asyncio.wait_for(gone.wait(), 5)
        await live.cancel()
        with pytest.raises(ConnectionLost, match="is closed"):
            await sonic.context(template(context_id="later"))
    assert len(connections) == 1
    assert connections[0][-1] == {"context_id": "live", "cancel": True}
    assert live.finished and not sonic._routes


async def test_closing_ends_a_reader_waiting_on_a_context_with_no_input_yet(
    server: LocalServer,
) -> None:
    """A turn's reader may wait before its first input (an LLM thinking): closing the client
    fails it as it fails the contexts that spoke, instead of leaving it waiting for ever."""
    sonic = SonicClient(server.url, timeout=60)
    spoke = await sonic.context(template())
    await spoke.send(SENTENCES[0])
    thinking = await sonic.context(template())
    readers = [asyncio.create_task(collect(c.responses())) for c in (spoke, thinking)]
    await asyncio.sleep(0)  # both readers wait
    await sonic.close()
    for reader in readers:
        with pytest.raises(ConnectionLost, match="closed"):
            await asyncio.wait_for(reader, 10)
    assert thinking.finished and not sonic._routes


async def test_a_cancel_while_the_connection_opens_stops_the_input_waiting_for_it() -> None:
    """A barge-in while the first input waits for the connection: the input is not sent
    after the cancel (Sonic would speak it for nobody, in a slot the client counts free)."""
    frames: list[dict] = []
    arrived, answer = asyncio.Event(), asyncio.Event()

    async def slow_handshake(connection: object, request: object) -> None:
        arrived.set()
        await answer.wait()

    async def record(ws: websockets.ServerConnection) -> None:
        async for frame in ws:
            frames.append(json.loads(frame))

    async with websockets.serve(record, "127.0.0.1", 0, process_request=slow_handshake) as ws:
        url = f"ws://127.0.0.1:{ws.sockets[0].getsockname()[1]}"
        sonic = SonicClient(url, timeout=5)
        first = await sonic.context(template(context_id="barged-in"))
        sending = asyncio.create_task(first.send(SENTENCES[0]))
        await arrived.wait()  # the connection is opening
        await first.cancel()
        answer.set()
        await sending
        after = await sonic.context(template(context_id="next"))
        await after.send(SENTENCES[1])
        while not frames:  # the next context's input came: any earlier frame is in
            await asyncio.sleep(0.01)
        await sonic.close()
    assert frames[0]["context_id"] == "next"
    assert "barged-in" not in [f["context_id"] for f in frames]


async def test_what_arrived_before_a_cancel_stays_readable() -> None:
    """Sonic may send timestamps after the audio they cover: a consumer that cancels on
    reading the audio still gets them from unread()."""

    async def audio_then_times(ws: websockets.ServerConnection) -> None:
        request = json.loads(await ws.recv())
        chunk = p.Chunk(request["context_id"], b"\0\0" * 160, 1.0)
        times = p.Timestamps(request["context_id"], ("Hello",), (0.0,), (0.01,))
        await ws.send(json.dumps(chunk.to_dict()))
        await ws.send(json.dumps(times.to_dict()))
        async for _ in ws:
            pass

    async with websockets.serve(audio_then_times, "127.0.0.1", 0) as listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        async with SonicClient(url, timeout=5, retries=0) as sonic:
            context = await sonic.context(template())
            await context.send("Hello. ")
            first = await anext(context.responses())
            while context.queue.empty():  # the timestamps are on their way
                await asyncio.sleep(0.01)
            await context.cancel()
            unread = context.unread()
    assert isinstance(first, p.Chunk)
    assert [type(m) for m in unread] == [p.Timestamps]
    assert unread[0].words == ("Hello",)


async def test_a_context_waits_for_a_slot_at_most_the_timeout(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Past max_contexts a new context waits (saying so) for a slot to come free, but not for
    ever: after the client's timeout it is an error naming the limit."""
    async with SonicClient(server.url, max_contexts=2, timeout=0.5) as sonic:
        held = [await sonic.context(template()) for _ in range(2)]
        in_use = "2 contexts in use, max_contexts=2"
        with (
            caplog.at_level(logging.INFO, logger="sonicpipe.sonic.client"),
            pytest.raises(NoFreeContext, match=rf"no free slot in 0\.5 s: {in_use}"),
        ):
            await sonic.context(template())
        assert f"waits for a free slot: {in_use}" in caplog.text
        waiting = asyncio.create_task(sonic.context(template()))
        await held[0].cancel()
        assert not (await waiting).finished, "a slot freed while waiting is taken"


async def test_a_server_echoing_the_api_key_never_gets_it_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Sonic's error texts come from the server: a key it echoes is masked in errors and logs."""
    secret = "sk_car_" + "echo" * 6

    async def echoing(ws: websockets.ServerConnection) -> None:
        key = ws.request.headers[p.API_KEY_HEADER]
        async for raw in ws:
            context_id = json.loads(raw)["context_id"]
            error = {"type": "error", "context_id": context_id, "status_code": 400,
                     "done": True, "error": f"bad key {key}"}  # fmt: skip
            await ws.send(json.dumps(error))
            await ws.send(json.dumps({**error, "context_id": "gone"}))  # for no live context
            await ws.send(json.dumps({"type": f"echo {key}"}))  # malformed: logged, skipped
            await ws.close(1008, f"closing for {key}")

    with caplog.at_level(logging.DEBUG):
        async with websockets.serve(echoing, "127.0.0.1", 0) as listener:
            url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
            async with SonicClient(url, Secret(secret), retries=0) as sonic:
                with pytest.raises(BadRequestError) as refused:
                    await collect(sonic.generate(template(), ["Hello."]))
                context = await sonic.context(template())
                with pytest.raises(ConnectionLost) as lost:
                    for _ in range(3):
                        await context.send("Hello again.", more=True)
                        await asyncio.sleep(0.05)
    assert str(refused.value) == "Sonic error 400: bad key ********"
    assert secret not in str(lost.value)
    client_side = [r for r in caplog.records if not r.name.startswith("websockets.server")]
    assert client_side and not [r for r in client_side if secret in r.getMessage()]
    assert "ignoring a malformed message from Sonic: response type 'echo ********'" in caplog.text


@pytest.mark.parametrize(
    ("fault", "error"), [("no server", ConnectionLost), ("wrong key", AuthError)]
)
async def test_a_context_that_cannot_reach_the_server_fails_its_reader_too(
    fault: str, error: type[Exception]
) -> None:
    """A voice agent reads a turn's audio while it feeds it: when the first input cannot
    reach the server, the reader gets that error too instead of waiting for ever, and the
    context's slot comes free."""
    with LocalServer(engine="espeak", api_key=Secret("right-key")) as local:
        url = local.url
        if fault == "no server":
            local.stop()
        key = Secret("wrong-key" if fault == "wrong key" else "right-key")
        sonic = SonicClient(url, key, max_contexts=1, timeout=60, retries=0)
        context = await sonic.context(template())
        reader = asyncio.create_task(collect(context.responses()))
        await asyncio.sleep(0)  # the reader waits for audio
        with pytest.raises(error):
            await context.send(SENTENCES[0])
        with pytest.raises(error):
            await asyncio.wait_for(reader, 10)
        assert context.finished
        await sonic.close()


async def test_a_context_that_could_not_connect_sends_no_later_input(
    serve_process: ServeProcess,
) -> None:
    """A live context whose first input met no server is over: once the server is back, a
    later input fails too rather than starting the turn half-way on a new connection."""
    serve_process.kill()
    sonic = SonicClient(serve_process.url, retries=0)
    context = await sonic.context(template())
    with pytest.raises(ConnectionLost, match="cannot connect"):
        await context.send(SENTENCES[0])
    serve_process.start()
    with pytest.raises(ConnectionLost, match="cannot connect"):
        await context.send(SENTENCES[1])
    await sonic.close()


@pytest.mark.parametrize("answer", [b"", b"SSH-2.0-OpenSSH_9.6\r\n"])
async def test_a_peer_that_is_no_websocket_server_is_a_lost_connection_retried(
    answer: bytes,
) -> None:
    """A port that closes at once, or speaks another protocol, fails the handshake: that is a
    ``ConnectionLost`` naming the URL (retried as a dropped connection), not a websockets
    exception that escapes the typed errors and the retries."""
    attempts = 0

    async def not_websocket(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal attempts
        attempts += 1
        writer.write(answer)
        await writer.drain()
        writer.close()

    listener = await asyncio.start_server(not_websocket, "127.0.0.1", 0)
    async with listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        sonic = SonicClient(url, retries=1, backoff=0.01)
        with pytest.raises(ConnectionLost, match=f"cannot connect to {url}/tts/websocket: "):
            await collect(sonic.generate(template(), ["Hello."]))
        await sonic.close()
    assert attempts == 2


async def test_closing_while_the_connection_opens_leaves_no_connection_open() -> None:
    """A client closed during the handshake (an agent shutting down as it starts) sent the
    waiting input on the connection once it opened, and kept that connection for ever."""
    handshake, begun = asyncio.Event(), asyncio.Event()
    connections: list[websockets.ServerConnection] = []
    received: list[str | bytes] = []

    async def held(connection: websockets.ServerConnection, request: object) -> None:
        begun.set()
        await handshake.wait()

    async def handler(ws: websockets.ServerConnection) -> None:
        connections.append(ws)
        async for message in ws:
            received.append(message)

    async with websockets.serve(handler, "127.0.0.1", 0, process_request=held) as listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        sonic = SonicClient(url)
        context = await sonic.context(template())
        sending = asyncio.create_task(context.send(SENTENCES[0]))
        await begun.wait()
        await sonic.close()
        handshake.set()
        with pytest.raises(ConnectionLost, match="is closed"):
            await sending
        async with asyncio.timeout(10):
            await connections[0].wait_closed()
    assert received == []


async def audio_from(handler: Callable[..., Awaitable[None]], **options: Any) -> bytes:
    """The audio a client collects for "Hello." from a loopback peer running ``handler``."""
    async with websockets.serve(handler, "127.0.0.1", 0, **options) as listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        sonic = SonicClient(url, retries=0)
        messages = await collect(sonic.generate(template(), ["Hello."]))
        await sonic.close()
    return audio_of(messages)


async def test_a_malformed_message_is_skipped_and_the_connection_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A message of the wrong shape (timestamps as a list) is logged and skipped; it ended
    the reader, which failed the context as 'the connection closed' while it was open, and
    close() then raised the reader's AttributeError."""

    async def sloppy(ws: websockets.ServerConnection) -> None:
        async for raw in ws:
            context_id = json.loads(raw)["context_id"]
            await ws.send(json.dumps({"type": "timestamps", "context_id": context_id,
                                      "word_timestamps": [1, 2]}))  # fmt: skip
            await ws.send(json.dumps(p.Chunk(context_id, b"\x00\x01").to_dict()))
            await ws.send(json.dumps(p.FlushDone(context_id, 1).to_dict()))
            await ws.send(json.dumps(p.Done(context_id).to_dict()))

    assert await audio_from(sloppy) == b"\x00\x01"
    assert "ignoring a malformed message from Sonic: word_timestamps: expected an object" in (
        caplog.text
    )


async def test_a_message_past_the_json_decoders_limits_is_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """JSON nested 100,000 deep made json.loads raise RecursionError, which the reader did not
    catch: it ended, failing the context as if the connection had closed."""

    async def deep(ws: websockets.ServerConnection) -> None:
        async for raw in ws:
            context_id = json.loads(raw)["context_id"]
            await ws.send("[" * 100_000)
            await ws.send(json.dumps(p.Chunk(context_id, b"\x00\x01").to_dict()))
            await ws.send(json.dumps(p.Done(context_id).to_dict()))

    assert await audio_from(deep, max_size=None) == b"\x00\x01"
    assert "ignoring a malformed message from Sonic: message is not valid JSON: nested too " in (
        caplog.text
    )


@pytest.mark.parametrize(
    "pasted", ["{key}\n", "{key}\r\n", "  {key}\t"], ids=["lf", "crlf", "blanks"]
)
async def test_a_key_read_with_its_line_end_is_sent_without_it(pasted: str) -> None:
    """A key read from a file or a .env line keeps its line end: the connection failed with
    'invalid X-API-Key header: <the key>', the key shown in full."""
    secret = "sk_car_" + "pasted" * 4
    with LocalServer(engine="espeak", api_key=Secret(secret)) as guarded:
        async with SonicClient(guarded.url, Secret(pasted.format(key=secret))) as sonic:
            assert audio_of(await collect(sonic.generate(template(), ["Hello."])))


async def test_a_key_the_header_cannot_carry_is_refused_without_showing_it(
    server: LocalServer,
) -> None:
    secret = "sk_car_" + "broken" * 4
    sonic = SonicClient(server.url, Secret(secret[:10] + "\n" + secret[10:]))
    with pytest.raises(ConnectionLost, match="cannot connect") as refused:
        await sonic.connect()
    assert secret[:10] not in str(refused.value) and secret[10:] not in str(refused.value)
    await sonic.close()


@pytest.mark.parametrize("blank", ["", "  \n"])
async def test_an_empty_key_is_no_key_and_sends_no_header(blank: str) -> None:
    """As in the settings, an empty key means none: no empty X-API-Key header goes out."""
    headers: list[websockets.datastructures.Headers] = []

    def record(connection: websockets.ServerConnection, request: websockets.Request) -> None:
        headers.append(request.headers)

    async def idle(ws: websockets.ServerConnection) -> None:
        await ws.wait_closed()

    async with websockets.serve(idle, "127.0.0.1", 0, process_request=record) as listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        sonic = SonicClient(url, blank)
        await sonic.connect()
        await sonic.close()
    assert "api_key=none" in repr(sonic)
    assert len(headers) == 1 and p.API_KEY_HEADER not in headers[0]
