"""The pipeline end to end: text hooks, the local server's real voice, audio hooks, files."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import websockets
import websockets.asyncio.server
from conftest import ServeProcess, SlowMotion, run_with_file_size_limit

from sonicpipe import ConfigError, Secret, Settings
from sonicpipe.audio.loudness import integrated_loudness, true_peak, undb
from sonicpipe.audio.presets import PRESETS
from sonicpipe.controls import Defaults
from sonicpipe.pipeline import Conversation, Pipeline, Turn, group_inputs
from sonicpipe.server import LocalServer
from sonicpipe.server.engines import Engine, Synthesis, Word, words_of
from sonicpipe.sonic import protocol as p
from sonicpipe.sonic.client import AuthError, ConnectionLost, RateLimitError, SonicTimeout
from sonicpipe.words import WordTime

TEXT = "Dr. Smith paid $5 at 7:45 p.m. It was cheap.\n\nA new paragraph starts here."


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="espeak") as local:
        yield local


def settings_for(server: LocalServer, **changes: object) -> Settings:
    return Settings(url=server.url, **changes)  # type: ignore[arg-type]


def test_speak_with_timestamps(server: LocalServer) -> None:
    with Pipeline(settings_for(server), timestamps=True) as pipe:
        audio = pipe.speak(TEXT)
    assert audio.sample_rate == 44100
    assert audio.samples.dtype == np.float32
    assert 3.0 < audio.seconds < 20.0
    words = [w.word.strip(".,") for w in audio.words]
    assert words[:6] == ["Doctor", "Smith", "paid", "five", "dollars", "at"]
    assert words[-8:] == ["It", "was", "cheap", "A", "new", "paragraph", "starts", "here"]
    assert all(b.start >= a.start for a, b in zip(audio.words, audio.words[1:], strict=False))
    assert audio.seconds - 0.3 < audio.words[-1].end <= audio.seconds, "words time the audio"


@pytest.mark.parametrize(
    ("text", "message"),
    [(None, "not NoneType"), (b"Hello.", r"not bytes \(decode bytes first\)"), (5, "not int")],
)
def test_a_text_that_is_no_str_is_a_type_error(
    server: LocalServer, text: object, message: str
) -> None:
    """Not a plugin's fault (a PluginError blamed markup and cleanup for it)."""
    wanted = f"the text to speak must be a str, {message}"
    with Pipeline(settings_for(server)) as pipe, pytest.raises(TypeError, match=wanted):
        pipe.speak(text)  # type: ignore[arg-type]


def test_render_wav_through_the_audio_chain(server: LocalServer, tmp_path: Path) -> None:
    """Audio from the local server runs through the audio hooks (pauses, loudness, 16 kHz)."""
    options = {
        "resample": {"target_rate": 16000},
        "loudness": {"preset": "broadcast", "mode": "file"},
        "pauses": {"sentence_pause": 0.4, "paragraph_pause": 1.0},
    }
    with Pipeline(settings_for(server, options=options)) as pipe:
        assert pipe.output_rate == 16000
        path = pipe.render(TEXT, tmp_path / "out.wav")
    data, rate = sf.read(path, dtype="float32")
    assert rate == 16000
    assert 3.0 < len(data) / rate < 20.0
    assert integrated_loudness(data, rate) == pytest.approx(-23.0, abs=0.5)
    assert true_peak(data) <= undb(-1.0)
    assert longest_silence(data, rate) >= 0.95, "the paragraph pause is in the audio"
    power = np.abs(np.fft.rfft(data)) ** 2
    frequencies = np.fft.rfftfreq(len(data), 1 / rate)
    speech_band = power[(frequencies > 80) & (frequencies < 4000)].sum()
    assert speech_band > 0.8 * power.sum(), "most of the energy is in the speech band"


class HeldBack:
    """A real voice, except that its second sentence waits for ``release`` (20 s at most:
    ``waited_out`` says it was never released)."""

    def __init__(self, voice: Engine) -> None:
        self.voice = voice  # espeak-ng is one per process: share the loaded one
        self.name, self.sample_rate = self.voice.name, self.voice.sample_rate
        self.release = threading.Event()
        self.calls = 0
        self.waited_out = False

    def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
        self.calls += 1
        if self.calls == 2:
            self.waited_out = not self.release.wait(20)
        return self.voice.synthesize(words, speed)


def test_stream_yields_chunks_as_they_arrive(server: LocalServer) -> None:
    assert server.server.engine is not None
    voice = HeldBack(server.server.engine)
    with LocalServer(engine=voice) as held, Pipeline(Settings(url=held.url)) as pipe:
        chunks = pipe.stream(TEXT)
        first = next(chunks)
        voice.release.set()
        rest = list(chunks)
        again = pipe.speak("One more sentence.")
    assert not voice.waited_out, "the first audio came while the second sentence was unspoken"
    assert len(first) > 0 and len(rest) > 3
    assert sum(len(c) for c in [first, *rest]) / 44100 > 3.0
    assert again.seconds > 0.5, "the pipeline is reusable after a stream"


def test_pipeline_from_toml_file(server: LocalServer, tmp_path: Path) -> None:
    config = tmp_path / "sonicpipe.toml"
    config.write_text(
        f'url = "{server.url}"\nmodel = "sonic-2"\n'
        '[output_format]\nencoding = "pcm_mulaw"\nsample_rate = 8000\n',
        encoding="utf-8",
    )
    text = "Calling from the telephone line."
    with Pipeline.from_file(config) as pipe:
        audio = pipe.speak(text)
    assert audio.sample_rate == 8000
    # As long as the voice says it: asked, decoded and labelled as mu-law at 8 kHz.
    assert server.server.engine is not None
    said = server.server.engine.synthesize(words_of(text)).duration
    assert audio.seconds == pytest.approx(said, rel=0.05)
    assert np.abs(audio.samples).max() <= 1.0


async def test_async_api_and_default_local_server() -> None:
    """With no key and no URL the pipeline starts (and stops) its own local server."""
    pipe = Pipeline(engine="espeak")
    audio = await pipe.aspeak("The local voice speaks with no API key.")
    assert pipe.url.startswith("ws://127.0.0.1:")
    await pipe.aclose()
    assert pipe.url == "local"
    assert audio.seconds > 1.0


async def tokens(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces, pos = [], 0
    while pos < len(text):
        size = rng.randint(1, 5)
        pieces.append(text[pos : pos + size])
        pos += size
    return pieces


async def test_turn_streams_tokens_into_one_context(server: LocalServer) -> None:
    answer = "Sure! Your order shipped on Monday. It should arrive by noon tomorrow."
    async with Pipeline(settings_for(server)) as pipe:
        turn = await pipe.turn()
        sent: list[str] = []

        async def produce() -> None:
            for piece in await tokens(answer, seed=3):
                await turn.feed(piece)
            await turn.end()
            sent.extend(i["transcript"] for i in turn.inputs)

        producer = asyncio.create_task(produce())
        chunks = [chunk async for chunk in turn.audio()]
        await producer
    assert sum(len(c) for c in chunks) / 44100 > 2.0
    assert len(sent) >= 2, "sentences went out as continuations"
    assert len(sent[0].split()) >= 3, "the first input has at least three words"
    assert "".join(sent).split() == answer.split()


async def test_a_turns_audio_has_one_reader(server: LocalServer) -> None:
    """A second reader of a turn's audio is told at once (it waited for Sonic's timeout and
    failed with SonicTimeout); the first reader gets the whole turn."""
    async with Pipeline(settings_for(server)) as pipe:
        turn = await pipe.turn()
        await turn.feed("One two three four. Five six seven.")
        await turn.end()
        first = turn.audio()
        chunks = [await anext(first)]
        with pytest.raises(RuntimeError, match="already read: audio\\(\\) gives it once"):
            await anext(turn.audio())
        chunks += [chunk async for chunk in first]
    assert sum(len(c) for c in chunks) / 44100 > 1.0
    assert not turn.interrupted and turn.error is None


async def test_interrupting_a_turn_cancels_it_and_the_next_opens_a_new_context(
    server: LocalServer,
) -> None:
    async with Pipeline(settings_for(server)) as pipe:
        first = await pipe.turn()
        await first.feed("This answer is long. " * 6)
        await first.end()
        heard = 0
        async for chunk in first.audio():
            heard += len(chunk)
            await first.interrupt()
        second = await pipe.turn()
        await second.feed("Okay, stopping.")
        await second.end()
        rest = sum([len(c) async for c in second.audio()])
    assert first.context.finished and first.interrupted
    assert 0 < heard < 44100 * 5
    assert second.context.id != first.context.id
    assert rest > 0


@pytest.mark.parametrize("stop", ["break", "cancel"])
async def test_stopping_a_turns_audio_early_cancels_its_context(
    server: LocalServer, stop: str
) -> None:
    """Breaking out of turn.audio(), or cancelling the task that plays it (a barge-in), cancels
    the context as interrupt() does: the server speaks no more of it and the slot is free."""
    assert server.server.engine is not None
    voice = HeldBack(server.server.engine)  # its second sentence waits for release
    with LocalServer(engine=voice, linger=0.0) as held:
        async with Pipeline(Settings(url=held.url), max_contexts=1) as pipe:
            turn = await pipe.turn()
            await turn.feed(" ".join(f"Sentence number {i} is here." for i in range(10)))
            await turn.end()
            playing = asyncio.Event()

            async def play() -> None:
                async for _ in turn.audio():
                    while voice.calls < 2:  # until the server speaks the second sentence
                        await asyncio.sleep(0.01)
                    if stop == "break":
                        break
                    playing.set()
                    await asyncio.sleep(60)  # playing the chunk

            player = asyncio.create_task(play())
            if stop == "cancel":
                await playing.wait()
                player.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await player
            after = await asyncio.wait_for(pipe.turn(), 10)  # the only slot is free again
            deadline = time.monotonic() + 10
            while held.server.live_contexts() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert held.server.live_contexts() == 0, "the server stopped the context"
            voice.release.set()
            await after.feed("Something else now.")
            await after.end()
            assert [chunk async for chunk in after.audio()]
    assert turn.interrupted and turn.context.finished
    assert voice.calls == 3, "two sentences of the stopped turn, one of the next"


async def test_turn_fails_clearly_when_the_server_dies(serve_process: ServeProcess) -> None:
    async with Pipeline(Settings(url=serve_process.url)) as pipe:
        turn = await pipe.turn()
        await turn.feed("The first sentence is here. And a second one follows it.")
        with pytest.raises(ConnectionLost, match="the connection dropped"):
            async for _ in turn.audio():
                serve_process.kill()


async def test_connect_opens_the_connection_before_any_request() -> None:
    """A voice agent connects at start-up, so that its first turn pays no handshake."""
    opened: list[object] = []

    async def answer(ws: websockets.asyncio.server.ServerConnection) -> None:
        opened.append(ws)
        await ws.wait_closed()

    async with websockets.asyncio.server.serve(answer, "127.0.0.1", 0) as bare:
        url = f"ws://127.0.0.1:{bare.sockets[0].getsockname()[1]}"
        async with Pipeline(Settings(url=url)) as pipe:
            await pipe.aconnect()
            await pipe.aconnect()  # connected already: nothing more
            for _ in range(200):  # the server's handler runs just after the handshake
                if opened:
                    break
                await asyncio.sleep(0.01)
            assert len(opened) == 1


def test_connect_raises_a_refused_key_at_once_without_showing_it() -> None:
    with LocalServer(engine="espeak", api_key=Secret("right-key")) as local:
        with Pipeline(Settings(url=local.url, api_key=Secret("wrong-key"))) as pipe:
            with pytest.raises(AuthError) as refused:
                pipe.connect()
            assert "wrong-key" not in str(refused.value)
        with Pipeline(Settings(url=local.url, api_key=Secret("right-key"))) as pipe:
            pipe.connect()
            assert pipe.speak("Connected first.").seconds > 0.3


async def test_concurrent_first_calls_share_one_client() -> None:
    pipe = Pipeline(engine="espeak", max_contexts=3)
    clients = await asyncio.gather(*(pipe.client() for _ in range(4)))
    assert all(c is clients[0] for c in clients)
    assert clients[0].max_contexts == 3
    await pipe.aclose()


async def test_cloud_without_a_cartesia_voice_is_a_clear_error() -> None:
    pipe = Pipeline(Settings(api_key=Secret("sk_car_not_used")))
    assert pipe.url == "wss://api.cartesia.ai"
    with pytest.raises(ConfigError, match="set voice to a Cartesia voice id"):
        await pipe.aspeak("Hello.")


async def test_a_turn_refused_with_429_is_retried_on_a_new_context(server: LocalServer) -> None:
    """The only slot is busy when the turn starts; it is replayed once the slot frees: all of
    it, as a turn that was never refused speaks it (the voice says each sentence the same)."""
    assert server.server.engine is not None
    voice = Replayed(server.server.engine)
    text = "Hello there, this is the turn speaking now. And more."
    with LocalServer(engine=voice, max_contexts=1, linger=0.5) as tight:
        async with Pipeline(Settings(url=tight.url)) as pipe:
            client = await pipe.client()
            busy = await client.context(replace(pipe.template(), context_id="busy"))
            await busy.send("Somebody else is talking. ")
            first = await anext(busy.responses())
            assert isinstance(first, p.Chunk)
            turn = await pipe.turn()
            refused = turn.context.id
            await turn.feed(text)
            await turn.end()
            await busy.cancel()
            audio = np.concatenate([chunk async for chunk in turn.audio()])
            while tight.server.live_contexts():  # the turn's linger: the slot is free after it
                await asyncio.sleep(0.01)
            unrefused = await pipe.turn()
            await unrefused.feed(text)
            await unrefused.end()
            expected = np.concatenate([chunk async for chunk in unrefused.audio()])
    assert turn.context.id != refused, "the turn was replayed on a new context"
    assert len(turn.inputs) == 2 and audio.size / 44100 > 2.5
    np.testing.assert_array_equal(audio, expected)


async def test_interrupt_wakes_a_consumer_waiting_for_audio(server: LocalServer) -> None:
    """A consumer waiting in audio() ends at once on interrupt, not at the client's timeout."""
    async with Pipeline(settings_for(server)) as pipe:
        (await pipe.client()).timeout = 60.0
        turn = await pipe.turn()
        consumer = asyncio.create_task(anext(turn.audio(), None))
        await asyncio.sleep(0.1)  # the consumer now waits for audio of a turn still thinking
        await turn.interrupt()
        assert await asyncio.wait_for(consumer, 5.0) is None


async def test_an_idle_turn_waits_for_its_next_input_past_the_timeout(server: LocalServer) -> None:
    """Silence is a timeout only while audio is owed: an LLM may think longer than that."""
    async with Pipeline(settings_for(server)) as pipe:
        (await pipe.client()).timeout = 0.5
        turn = await pipe.turn()

        async def think_then_answer() -> None:
            await turn.feed("Let me check that order for you. ")
            await asyncio.sleep(1.5)  # thinking, three timeouts long
            await turn.feed("It shipped on Monday.")
            await turn.end()

        producer = asyncio.create_task(think_then_answer())
        seconds = sum([len(c) async for c in turn.audio()]) / 44100
        await producer
    assert seconds > 2.0, "both sentences were spoken"


async def test_a_turn_flush_sends_a_held_sentence_before_more_text(server: LocalServer) -> None:
    """A finished sentence waits for the next one to start; flush() sends it now, so its
    audio plays while the LLM pauses (for a tool call) before any more text."""
    async with Pipeline(settings_for(server)) as pipe:
        turn = await pipe.turn()
        for token in ["Sure", ",", " let", " me", " check", " that", " for", " you", ".", " "]:
            await turn.feed(token)
        assert turn.inputs == [], "held: the next sentence might show it is not finished"
        await turn.flush()
        audio = turn.audio()
        assert (await asyncio.wait_for(anext(audio), 10)).size  # before any more text
        await turn.feed("Your order shipped.")
        await turn.end()
        assert [chunk async for chunk in audio]
        with pytest.raises(RuntimeError, match=r"turn\.flush\(\) after turn\.end\(\)"):
            await turn.flush()
    assert [i["transcript"] for i in turn.inputs] == [
        "Sure, let me check that for you. ",
        "Your order shipped. ",
    ]


async def test_feeding_a_turn_after_its_end_is_an_error(
    server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    async with Pipeline(settings_for(server)) as pipe:
        turn = await pipe.turn()
        await turn.feed("Hello there my friend.")
        await turn.end()
        with pytest.raises(RuntimeError, match=r"turn\.feed\(\) after turn\.end\(\)"):
            await turn.feed("More words after the end. Another sentence after the end. ")
        with caplog.at_level(logging.DEBUG, logger="websockets.client"):
            await turn.end()  # again: nothing more is sent
        assert [chunk async for chunk in turn.audio()]
    assert [i["transcript"] for i in turn.inputs] == ["Hello there my friend. "]
    assert not [r for r in caplog.records if r.getMessage().startswith("> TEXT")]


async def test_bad_markup_in_a_turns_text_fails_the_turn(server: LocalServer) -> None:
    """The producer and the consumer get the same error, naming the sentence fed; the turn's
    context is cancelled and its slot freed."""
    tokens = ["Hello there my friend. ", '<emotion value="cheerful"/> ', "Great news. ", "Bye."]
    async with Pipeline(settings_for(server), max_contexts=1) as pipe:
        turn = await pipe.turn()
        consumer = asyncio.create_task(_collect(turn.audio()))
        with pytest.raises(ValueError, match="unknown emotion 'cheerful'") as fed:
            for token in tokens:
                await turn.feed(token)
        with pytest.raises(ValueError) as heard:
            await asyncio.wait_for(consumer, 10)
        with pytest.raises(RuntimeError, match="this turn failed"):
            await turn.feed("Bye now.")
        after = await asyncio.wait_for(pipe.turn(), 10)  # the only slot is free again
        await after.end()
    assert heard.value is fed.value
    assert str(fed.value).startswith(
        """in the turn's text '<emotion value="cheerful"/> Great news.': unknown emotion"""
    )
    assert turn.error is fed.value and not turn.interrupted and turn.context.finished


async def test_an_empty_turn_ends_at_once(server: LocalServer) -> None:
    async with Pipeline(settings_for(server)) as pipe:
        (await pipe.client()).timeout = 60.0
        turn = await pipe.turn()
        await turn.feed("   ")
        await turn.end()
        chunks = await asyncio.wait_for(_collect(turn.audio()), 5.0)
    assert chunks == []
    assert turn.context.finished


async def _collect(stream: AsyncIterator[np.ndarray]) -> list[np.ndarray]:
    return [chunk async for chunk in stream]


async def test_a_turn_interrupted_during_429_back_off_ends_at_once_and_quietly() -> None:
    """The user barged in while the refused turn waited to retry: no retry, no error."""
    with LocalServer(engine="espeak", max_contexts=1, linger=60.0) as tight:
        async with Pipeline(Settings(url=tight.url)) as pipe:
            client = await pipe.client()
            client.backoff = 10.0  # the back-off lasts 5 to 15 s
            busy = await client.context(replace(pipe.template(), context_id="busy"))
            await busy.send("Somebody else is talking. ")  # holds the only slot for 60 s
            assert isinstance(await anext(busy.responses()), p.Chunk)
            turn = await pipe.turn()
            await turn.feed("Hello there, this is the turn speaking now.")
            await turn.end()
            consumer = asyncio.create_task(_collect(turn.audio()))
            while not turn.context.finished:  # until refused with 429: then backing off
                await asyncio.sleep(0.01)
            await turn.interrupt()
            chunks = await asyncio.wait_for(consumer, 4.0)  # at once, not after the back-off
    assert chunks == []


async def test_a_turn_refused_past_its_retries_fails_and_sends_no_more() -> None:
    """A 429 that outlasts the retries fails the turn: its later text is refused with the
    error rather than sent on the refused context."""
    with LocalServer(engine="espeak", max_contexts=1, linger=60.0) as tight:
        async with Pipeline(Settings(url=tight.url, retries=0)) as pipe:
            client = await pipe.client()
            busy = await client.context(replace(pipe.template(), context_id="busy"))
            await busy.send("Somebody else is talking. ")  # holds the only slot for 60 s
            assert isinstance(await anext(busy.responses()), p.Chunk)
            turn = await pipe.turn()
            await turn.feed("Hello there, this is the turn speaking now. ")
            await turn.flush()
            with pytest.raises(RateLimitError):
                await _collect(turn.audio())
            with pytest.raises(RuntimeError, match=r"this turn failed \(Sonic error 429"):
                await turn.feed("And more text after it.")
    assert isinstance(turn.error, RateLimitError) and not turn.interrupted


async def test_a_turn_whose_audio_failed_refuses_more_text() -> None:
    """Once turn.audio() raised (here: no answer in time), nothing plays the rest: text fed
    after it is refused with the error rather than sent on the given-up context."""
    frames: list[dict] = []

    async def mute(ws: websockets.ServerConnection) -> None:
        async for frame in ws:
            frames.append(json.loads(frame))

    async with websockets.serve(mute, "127.0.0.1", 0) as listener:
        url = f"ws://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
        async with Pipeline(Settings(url=url, timeout=0.3)) as pipe:
            turn = await pipe.turn()
            await turn.feed("Hello there, this is the turn speaking now. ")
            await turn.flush()
            with pytest.raises(SonicTimeout):
                await _collect(turn.audio())
            with pytest.raises(RuntimeError, match=r"this turn failed \(.*no answer in 0\.3 s"):
                await turn.feed("More text after it. ")
                await turn.flush()
    assert isinstance(turn.error, SonicTimeout)
    assert not [f for f in frames if "More text" in f.get("transcript", "")]


async def test_a_turn_whose_input_cannot_reach_the_server_fails_and_frees_its_slot() -> None:
    """An agent that catches the error of a feed and moves on to the next turn (no audio read)
    finds the slot free: the turn failed at once, and refuses more text."""
    async with LocalServer(engine="espeak") as gone:
        url = gone.url
    async with Pipeline(Settings(url=url, timeout=1.0), max_contexts=1) as pipe:
        turn = await pipe.turn()
        with pytest.raises(ConnectionLost, match="cannot connect"):
            await turn.feed("Hello there, this is the turn speaking now. ")
            await turn.flush()
        with pytest.raises(RuntimeError, match=r"this turn failed \(cannot connect"):
            await turn.feed("More text. ")
        assert isinstance(await pipe.turn(), Turn), "the only slot is free"


class Gate:
    """A real voice that notes each text it speaks; the first waits for ``release``."""

    def __init__(self, voice: Engine) -> None:
        self.voice = voice
        self.name, self.sample_rate = self.voice.name, self.voice.sample_rate
        self.release = threading.Event()
        self.spoken: list[str] = []

    def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
        self.spoken.append(" ".join(w.text for w in words))
        if len(self.spoken) == 1:
            self.release.wait(20)
        return self.voice.synthesize(words, speed)


async def test_text_fed_while_a_refused_turn_backs_off_waits_for_its_new_context(
    server: LocalServer,
) -> None:
    """Text fed while a turn refused with 429 backs off goes out only on the new context: sent
    on the refused one, once a slot freed it would be spoken for nobody, holding that slot."""
    assert server.server.engine is not None
    voice = Gate(server.server.engine)
    with LocalServer(engine=voice, max_contexts=1, linger=0.0) as tight:
        async with Pipeline(Settings(url=tight.url)) as pipe:
            client = await pipe.client()
            client.backoff = 2.0  # 1 to 3 s: the text below comes meanwhile
            busy = await client.context(replace(pipe.template(), context_id="busy"))
            await busy.send("Somebody else is talking. ")
            while not voice.spoken:  # busy speaks: the only slot is taken
                await asyncio.sleep(0.01)
            turn = await pipe.turn()
            consumer = asyncio.create_task(_collect(turn.audio()))
            await turn.feed("Hello there, this is the turn speaking now. ")
            await turn.flush()
            while not turn.context.finished:  # refused with 429: backing off
                await asyncio.sleep(0.01)
            voice.release.set()
            await busy.cancel()
            while tight.server.live_contexts():  # the slot is free again
                await asyncio.sleep(0.01)
            await turn.feed("And this sentence came meanwhile.")
            await turn.end()
            audio = await asyncio.wait_for(consumer, 20)
    assert sum(len(c) for c in audio) / 44100 > 1.0
    assert [t for t in voice.spoken if "meanwhile" in t] == ["And this sentence came meanwhile."]


def test_sync_pipeline_shared_by_threads_runs_one_loop(server: LocalServer) -> None:
    pipe = Pipeline(settings_for(server))
    start = threading.Barrier(4)
    results: list[float] = []

    def speak() -> None:
        start.wait()
        results.append(pipe.speak("Four threads share this pipeline.").seconds)

    threads = [threading.Thread(target=speak) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    loops = [t for t in threading.enumerate() if t.name == "sonicpipe-loop"]
    pipe.close()
    assert len(results) == 4 and min(results) > 1.0
    assert len(loops) == 1, "one event loop thread serves every thread"
    assert not [t for t in threading.enumerate() if t.name == "sonicpipe-loop"]
    with pytest.raises(RuntimeError, match="closed"):
        pipe.speak("Too late.")


def test_a_sync_stream_left_mid_stream_frees_its_slot(server: LocalServer) -> None:
    """A stream() iterator broken out of, or dropped, cancels its context: with one slot,
    the next call still gets it (else it would fail after the client's timeout)."""
    with Pipeline(settings_for(server), max_contexts=1) as pipe:
        for _ in range(3):
            for _ in pipe.stream("Break early from the stream. More text follows here."):
                break
        held = pipe.stream("A stream held, then dropped. More text.")
        assert next(held).size
        del held
        assert pipe.speak("The slot is free again.").seconds > 0.5


def test_a_local_server_in_async_with_serves_the_loop_it_runs_in_while_it_stops() -> None:
    """``async with LocalServer()``: a stream abandoned on the same loop is still live when the
    block ends, and the server stops (off the loop: the client can read its close)."""

    async def main() -> str:
        async with LocalServer(engine="espeak") as server:
            url = server.url
            pipe = Pipeline(Settings(url=url, retries=0))
            assert (await pipe.aspeak("Served inside the block.")).seconds > 0.5
            stream = pipe.astream("A sentence that goes on for a while. " * 40)
            async for _ in stream:
                break
        with pytest.raises(ConnectionLost, match="the connection closed"):
            async for _ in stream:
                pass
        await pipe.aclose()
        return url

    host, port = asyncio.run(main()).removeprefix("ws://").split(":")
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2).close()


def test_local_server_stops_when_the_last_running_loop_closes() -> None:
    """A loop that ended without aclose() does not keep the local server alive."""
    pipe = Pipeline(engine="espeak")
    urls: list[str] = []

    async def use(close: bool) -> None:
        await pipe.aspeak("Hello.")
        urls.append(pipe.url)
        if close:
            await pipe.aclose()

    asyncio.run(use(close=False))  # this loop ends without closing its connection
    asyncio.run(use(close=True))
    assert urls[0] == urls[1], "both loops used the one local server"
    assert pipe.url == "local", "the server stopped"
    host, port = urls[0].removeprefix("ws://").split(":")
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2).close()


LEAVE_MID_STREAM = """
import asyncio
from sonicpipe.pipeline import Pipeline

TEXT = ("Some sentence with the number 42 and $5.20 in it. " * 20 + "\\n\\n") * 4

async def main(warm: bool) -> None:
    async with Pipeline(engine="espeak") as pipe:
        if warm:
            await pipe.aspeak("Warm up now please.")
        async for _ in pipe.astream(TEXT):
            break  # the rest is abandoned while the server still streams it

for run in range(6):
    asyncio.run(main(warm=run % 2 == 1))
print("left", run + 1, "times")
"""


def test_leaving_a_pipeline_mid_stream_is_prompt_and_quiet() -> None:
    """Breaking out of astream() and then leaving ``async with``, again and again: the
    abandoned context is cancelled, the server stopped, and nothing is left to complain."""
    run = subprocess.run([sys.executable, "-c", LEAVE_MID_STREAM], capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == "left 6 times\n"


HELD_AT_CLOSE = """
from sonicpipe.pipeline import Pipeline

with Pipeline(engine="espeak") as pipe:
    held = pipe.stream("A stream still held when the pipeline closes. More text follows.")
    next(held)
print("closed")
"""


def test_closing_a_pipeline_with_a_sync_stream_held_is_quiet() -> None:
    """The stream is closed with the pipeline; collecting it later at exit says nothing."""
    run = subprocess.run([sys.executable, "-c", HELD_AT_CLOSE], capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert (run.returncode, run.stderr, run.stdout) == (0, "", "closed\n")


def test_sonic2_requests_carry_controls_only_as_experimental_controls() -> None:
    controls = Defaults(speed=1.2, emotion="excited")
    sonic3 = Pipeline(Settings(model="sonic-3", controls=controls)).template()
    pipe = Pipeline(Settings(model="sonic-2", controls=controls))
    sonic2 = pipe.template()
    assert sonic3.generation_config == p.GenerationConfig(speed=1.2, emotion="excited")
    assert sonic2.generation_config is None
    assert "generation_config" not in sonic2.to_dict()
    # sonic-2's speed scale is -1 to 1 around 0 (0.6 to 1.5 linearly): 1.2 is 0.4.
    inputs = pipe.context_inputs(group_inputs(pipe.text.prepare("Hello there my friend. Bye.")))
    sent = [i["voice"].experimental_controls for i in inputs]
    assert sent == [{"emotion": ["positivity:highest"], "speed": 0.4}] * len(inputs)


async def test_own_local_server_never_refuses_the_pipelines_contexts() -> None:
    """More contexts than the server's default limit, in two rounds back to back: the local
    server the pipeline starts neither refuses them nor counts finished ones."""
    pipe = Pipeline(engine="espeak", max_contexts=24)
    (await pipe.client()).retries = 0  # any 429 would fail this test
    text = "One sentence here. Another one there. And a third one to finish."
    for _ in range(2):
        audio = await asyncio.gather(*(pipe.aspeak(text) for _ in range(24)))
        assert min(a.seconds for a in audio) > 2.0
    await pipe.aclose()


def test_a_failed_render_leaves_the_earlier_file_as_it_was(
    server: LocalServer, tmp_path: Path
) -> None:
    target = tmp_path / "speech.mp3"
    with Pipeline(settings_for(server)) as pipe:
        pipe.render("The first take is a good one.", target)
    before = target.read_bytes()
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"ws://127.0.0.1:{probe.getsockname()[1]}"
    with Pipeline(Settings(url=closed)) as pipe, pytest.raises(ConnectionLost, match="connect"):
        pipe.render("A second take that never arrives.", target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["speech.mp3"], "no partial file"


def test_the_settings_bound_the_retries_of_a_lost_connection(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"ws://127.0.0.1:{probe.getsockname()[1]}"
    for retries in (0, 2):
        caplog.clear()
        with (
            caplog.at_level("INFO", logger="sonicpipe.sonic.client"),
            Pipeline(Settings(url=closed, retries=retries, timeout=2.5)) as pipe,
            pytest.raises(ConnectionLost, match="cannot connect"),
        ):
            pipe.speak("Nobody hears this.")
        tries = [r for r in caplog.records if r.getMessage().startswith("retrying from input")]
        assert len(tries) == retries


def test_render_errors_name_the_path_and_write_nothing(server: LocalServer, tmp_path: Path) -> None:
    with Pipeline(settings_for(server)) as pipe:
        for text in (" \n* * *\n", "... ?!\n\n\u2014"):  # blank, or punctuation alone
            with pytest.raises(ValueError, match=r"^notes\.txt: nothing to speak .*empty\.wav "):
                pipe.render(text, tmp_path / "empty.wav", source="notes.txt")
        with pytest.raises(OSError, match="cannot write: no folder"):
            pipe.render("Hello there.", tmp_path / "missing" / "x.wav")
        with pytest.raises(OSError, match="cannot write: a folder"):
            pipe.render("Hello there.", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_render_command_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sonicpipe.cli import main

    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Un café, s'il vous plaît.".encode("latin-1"))
    assert main(["render", str(latin), "-o", str(tmp_path / "x.wav")]) == 2
    assert "latin1.txt: not UTF-8 text" in capsys.readouterr().err
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "cloud.toml"
    config.write_text(f'url = "ws://127.0.0.1:{port}"\n')
    text = tmp_path / "hello.txt"
    text.write_text("Hello there.")
    assert main(["-c", str(config), "render", str(text), "-o", str(tmp_path / "x.wav")]) == 2
    assert capsys.readouterr().err.startswith("sonicpipe: error: cannot connect to ws://")
    assert not (tmp_path / "x.wav").exists()
    bad = tmp_path / "bad.txt"
    bad.write_text('Hello <speed ratio="9"/> there.')
    assert main(["render", str(bad), "-o", str(tmp_path / "x.wav"), "--engine", "espeak"]) == 2
    assert capsys.readouterr().err.startswith(f"sonicpipe: error: {bad}:1: speed ratio 9")
    for name, suffix in (("out.xyz", "'.xyz'"), ("-", "'files without a suffix'")):
        target = tmp_path / name
        assert main(["render", str(text), "-o", str(target), "--engine", "espeak"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"sonicpipe: error: {target}: no writer for {suffix}"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.txt",
        "cloud.toml",
        "hello.txt",
        "latin1.txt",
    ], "no partial file"


SPOKEN = "The disk fills up while this is written. It has a few sentences, long enough for it."
CLI = "import sys; from sonicpipe.cli import main; sys.exit(main(sys.argv[1:]))"
RENDER = """
import sys
from sonicpipe.pipeline import Pipeline

with Pipeline(engine="espeak") as pipe:
    for target in sys.argv[2:]:
        try:
            pipe.render(sys.argv[1], target)
        except OSError as exc:
            print(type(exc).__name__, exc)
"""
# Less than any format holds of SPOKEN: the write fails mid-render.
SIZE_LIMIT = 20_000


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".mp3", ".m4b", ".raw"])
def test_a_full_disk_is_one_line_naming_the_file_and_keeps_the_last_take(
    tmp_path: Path, suffix: str
) -> None:
    """libsndfile's "System error." was a traceback, LAME's write named no file, FFmpeg's
    named the temporary .part file."""
    text = tmp_path / "short.txt"
    text.write_text(SPOKEN)
    target = tmp_path / f"short{suffix}"
    target.write_bytes(b"the last good take")
    command = ["render", str(text), "-o", str(target), "--engine", "espeak"]
    done = run_with_file_size_limit(SIZE_LIMIT, CLI, *command)
    assert done.stdout == f"sonicpipe: error: {target}: cannot write: file too large\n"
    assert done.returncode == 2
    assert target.read_bytes() == b"the last good take"
    assert {p.name for p in tmp_path.iterdir()} == {target.name, text.name}, "no .part"


def test_a_full_disk_in_the_api_is_an_oserror_naming_the_file(tmp_path: Path) -> None:
    targets = [tmp_path / f"short.{suffix}" for suffix in ("wav", "flac", "mp3", "m4b", "raw")]
    targets[0].write_bytes(b"the last good take")
    done = run_with_file_size_limit(SIZE_LIMIT, RENDER, SPOKEN, *map(str, targets))
    assert done.stdout.splitlines() == [
        f"OSError {target}: cannot write: file too large" for target in targets
    ]
    assert targets[0].read_bytes() == b"the last good take"
    assert [p.name for p in tmp_path.iterdir()] == [targets[0].name], "no .part"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_render_command_says_so_and_leaves_no_partial_file(
    tmp_path: Path, signum: signal.Signals
) -> None:
    text = tmp_path / "long.txt"
    text.write_text("The quick brown fox jumps over the lazy dog near the river bank. " * 600)
    env = {k: v for k, v in os.environ.items() if k != "CARTESIA_API_KEY"}
    # The neural voice takes minutes over this text: the signal always comes mid-render, even
    # when this process is starved for seconds (espeak could finish in that time).
    command = [sys.executable, "-m", "sonicpipe.cli", "render", str(text), "--engine", "piper"]
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    part = tmp_path / "long.part.wav"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if part.exists() and part.stat().st_size > 100_000:  # audio is being written
            break
        time.sleep(0.005)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, f"the render ended before the signal: {err}"
    assert err == "sonicpipe: interrupted\n"
    assert out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.txt"], "no partial file"


def longest_silence(samples: np.ndarray, rate: int) -> float:
    """Seconds of the longest run of samples under -60 dBFS."""
    quiet = np.abs(samples) < 1e-3
    edges = np.flatnonzero(np.diff(np.r_[0, quiet.astype(np.int8), 0]))
    return float(max(np.diff(edges.reshape(-1, 2), axis=1).ravel(), default=0)) / rate


async def test_turn_sentences_are_paced_by_the_pauses_stage(server: LocalServer) -> None:
    options = {"pauses": {"sentence_pause": 1.2}}
    async with Pipeline(settings_for(server, options=options)) as pipe:
        turn = await pipe.turn()
        await turn.feed("Your order shipped on Monday morning. It should arrive by noon. ")
        await turn.end()
        audio = np.concatenate([c async for c in turn.audio()])
    assert len(turn.inputs) == 2
    assert longest_silence(audio, 44100) >= 1.15, "the sentence pause is in the turn's audio"
    assert longest_silence(audio[-44100:], 44100) < 0.5, "no pause after the last sentence"


def test_sonic2_control_on_a_short_first_sentence_is_sent() -> None:
    """The first input merges sentences up to a few words; their controls go with it."""
    pipe = Pipeline(Settings(model="sonic-2"))
    segments = pipe.text.prepare("[excited] Yes! I did it all by myself today.")
    [first] = group_inputs(segments)
    voice = pipe.request_fields(first)["voice"]
    assert voice.experimental_controls == {"emotion": ["positivity:highest"]}


def test_a_dropped_control_is_warned_of_once_per_pipeline() -> None:
    pipe = Pipeline(Settings(model="sonic-2"))
    segments = pipe.text.prepare("One [break 1s] two. Three [break 2s] four. Five.")
    with pytest.warns(UserWarning) as caught:
        inputs = pipe.context_inputs(group_inputs(segments))
        pipe.context_inputs(group_inputs(segments))  # the same text again: no second warning
    assert [str(w.message) for w in caught] == ["sonic-2 models have no break control; dropped"]
    assert all("break" not in i["transcript"] for i in inputs)


def test_render_command_shows_a_dropped_control_as_one_warning_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sonicpipe.cli import main

    text = tmp_path / "paced.txt"
    text.write_text("Wait [break 1s] for it. And [break 1s] again.")
    out = tmp_path / "paced.wav"
    command = ["render", str(text), "-o", str(out), "--model", "sonic-2", "--engine", "espeak"]
    assert main(command) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == ["sonicpipe: warning: sonic-2 models have no break control; dropped"]
    assert out.is_file()


async def test_async_face_refuses_after_close_like_the_sync_face(
    server: LocalServer, tmp_path: Path
) -> None:
    pipe = Pipeline(settings_for(server))
    assert pipe.speak("Spoken before closing.").seconds > 0.5
    pipe.close()
    closed = "this pipeline is closed; make a new Pipeline"
    with pytest.raises(RuntimeError, match=closed):
        pipe.speak("Too late.")
    with pytest.raises(RuntimeError, match=closed):
        await pipe.aspeak("Too late.")
    with pytest.raises(RuntimeError, match=closed):
        await anext(pipe.astream("Too late."))
    with pytest.raises(RuntimeError, match=closed):
        await pipe.arender("Too late.", tmp_path / "late.wav")
    with pytest.raises(RuntimeError, match=closed):
        await pipe.turn()
    with pytest.raises(RuntimeError, match=closed):
        await pipe.client()
    assert list(tmp_path.iterdir()) == []


MOODS = (
    "[excited] Yes, I did it all by myself today. Then I went home. [neutral] And I slept. "
    '<speed ratio="0.8">Slowly now.</speed> Back to normal.'
)


def test_a_control_set_by_markup_holds_for_the_rest_of_the_context_on_both_families() -> None:
    """sonic-3 inline tags apply from where they stand to the end of the context; sonic-2
    controls are per-request fields, so every later input of the context carries them."""
    sonic2 = Pipeline(Settings(model="sonic-2"))
    inputs = sonic2.context_inputs(group_inputs(sonic2.text.prepare(MOODS)))
    controls = [i["voice"].experimental_controls if "voice" in i else None for i in inputs]
    excited = {"emotion": ["positivity:highest"]}
    assert controls == [excited, excited, None, {"speed": -0.5}, {"speed": 0.0}]
    sonic3 = Pipeline(Settings(model="sonic-3"))
    inputs = sonic3.context_inputs(group_inputs(sonic3.text.prepare(MOODS)))
    tags = [i["transcript"].split(">")[0] + ">" if "<" in i["transcript"] else None for i in inputs]
    assert tags == ['<emotion value="excited"/>', None, '<emotion value="neutral"/>',
                    '<speed ratio="0.8"/>', '<speed ratio="1"/>']  # fmt: skip


async def test_a_sonic2_turn_carries_a_control_to_its_later_inputs(server: LocalServer) -> None:
    async with Pipeline(settings_for(server, model="sonic-2")) as pipe:
        turn = await pipe.turn()
        await turn.feed("[sad] I am sorry, the order was lost. We will send another one. ")
        await turn.end()
        seconds = sum([len(c) async for c in turn.audio()]) / 44100
    assert seconds > 2.0
    assert [i["voice"].experimental_controls for i in turn.inputs] == [
        {"emotion": ["sadness:high"]},
        {"emotion": ["sadness:high"]},
    ]


PACED = "The first sentence is here. The second one follows it.\n\nA new paragraph starts now."


def voiced_spans(samples: np.ndarray, rate: int, gap: float) -> list[tuple[float, float]]:
    """(start, end) seconds of each run of samples over -60 dBFS, quiet gaps under ``gap``
    bridged."""
    loud = np.flatnonzero(np.abs(samples) > 1e-3)
    breaks = np.flatnonzero(np.diff(loud) > rate * gap)
    starts, ends = np.r_[loud[0], loud[breaks + 1]], np.r_[loud[breaks], loud[-1]]
    return [(s / rate, e / rate) for s, e in zip(starts, ends, strict=True)]


def sentence_times(words: list[WordTime]) -> list[tuple[float, float]]:
    """(start of the first word, end of the last word) of each sentence."""
    times, start = [], None
    for word in words:
        start = word.start if start is None else start
        if word.word.endswith("."):
            times.append((start, word.end))
            start = None
    return times


def flat(spans: list[tuple[float, float]]) -> list[float]:
    return [time for span in spans for time in span]


def test_word_times_match_the_audio_after_the_pauses_stage(server: LocalServer) -> None:
    """The pauses stage trims each sentence and inserts pauses: each sentence's words still
    start and end where its voice does in the returned audio."""
    options = {"pauses": {"sentence_pause": 1.5, "paragraph_pause": 3.0}}
    with Pipeline(settings_for(server, options=options), timestamps=True) as pipe:
        audio = pipe.speak(PACED)
    spans = voiced_spans(audio.samples, audio.sample_rate, gap=1.0)
    assert len(spans) == 3
    assert spans[1][0] - spans[0][1] > 1.45 and spans[2][0] - spans[1][1] > 2.95
    assert len(audio.words) == 15
    assert flat(sentence_times(audio.words)) == pytest.approx(flat(spans), abs=0.05)


def test_sync_stream_gives_word_times_like_speak(server: LocalServer) -> None:
    options = {"pauses": {"sentence_pause": 1.0}, "resample": {"target_rate": 16000},
               "loudness": {"preset": "podcast"}}  # fmt: skip
    with Pipeline(settings_for(server, options=options), timestamps=True) as pipe:
        words: list[WordTime] = []
        samples = np.concatenate(list(pipe.stream(PACED, words)))
        spoken = pipe.speak(PACED)
    assert [w.word for w in words] == [w.word for w in spoken.words] and len(words) == 15
    spans = voiced_spans(samples, 16000, gap=0.7)
    assert len(spans) == 3
    assert flat(sentence_times(words)) == pytest.approx(flat(spans), abs=0.05)


def test_word_times_a_stage_moved_unseen_are_dropped_with_one_warning(
    server: LocalServer,
) -> None:
    with Pipeline(settings_for(server), plugins=[SlowMotion()], timestamps=True) as pipe:
        with pytest.warns(UserWarning, match="word timestamps dropped") as caught:
            first = pipe.speak("The first sentence is here.")
            second = pipe.speak("The second one follows it.")
        plain = Pipeline(settings_for(server), timestamps=True)
        reference = plain.speak("The first sentence is here.")
        plain.close()
    assert len(caught) == 1, "warned once"
    assert first.words == second.words == []
    assert first.seconds == pytest.approx(2 * reference.seconds, abs=0.01)
    assert len(reference.words) == 5


async def test_a_turn_gives_word_times_in_its_audio(server: LocalServer) -> None:
    """A turn's words land where their sentences are voiced in the turn's own audio, pauses
    stage and all, as for astream."""
    options = {"pauses": {"sentence_pause": 1.0}}
    async with Pipeline(settings_for(server, options=options), timestamps=True) as pipe:
        turn = await pipe.turn()
        for token in re.findall(r"\S+\s*", PACED.replace("\n\n", " ")):
            await turn.feed(token)
        await turn.end()
        words: list[WordTime] = []
        samples = np.concatenate([chunk async for chunk in turn.audio(words)])
    assert " ".join(w.word for w in words) == PACED.replace("\n\n", " ")
    spans = voiced_spans(samples, pipe.output_rate, gap=0.7)
    assert len(spans) == 3
    assert flat(sentence_times(words)) == pytest.approx(flat(spans), abs=0.05)


# A dictionary word (tech's nginx, kubectl), a two-word entry in quotes, author markup.
PHONEME_WORDS = 'I run nginx and kubectl. We use "SQL Server", and {markup}. Fine.'
AS_WRITTEN = ["I", "run", "nginx", "and", "kubectl.", "We", "use", '"SQL Server",', "and",
              "toʊmɑtoʊ.", "Fine."]  # fmt: skip


class Replayed:
    """A real voice that says each utterance once and replays it after: the same times."""

    def __init__(self, voice: Engine) -> None:
        self.voice = voice
        self.name, self.sample_rate = self.voice.name, self.voice.sample_rate
        self.said: dict[tuple[tuple[Word, ...], float], Synthesis] = {}

    def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
        key = (tuple(words), speed)
        if key not in self.said:
            self.said[key] = self.voice.synthesize(words, speed)
        return self.said[key]


async def reported_words(pipe: Pipeline, text: str) -> list[WordTime]:
    """The word timestamps Sonic reports for ``text``, as they come."""
    inputs = pipe.context_inputs(group_inputs(pipe.text.prepare(text)))
    client = await pipe.client()
    return [
        WordTime(*timed)
        async for message in client.generate(pipe.template(), inputs)
        if isinstance(message, p.Timestamps) and message.TYPE == "timestamps"
        for timed in zip(message.words, message.start, message.end, strict=True)
    ]


@pytest.mark.parametrize(
    ("model", "markup"), [("sonic-3", "<<t|ˈ|oʊ|m|ɑ|t|oʊ>>"), ("sonic-2", "<<t|ow|m|ɑ|t|ow>>")]
)
async def test_words_said_as_phonemes_are_timed_as_written(
    server: LocalServer, model: str, markup: str
) -> None:
    """Words a dictionary gave phonemes come back as written, not as IPA: a two-word entry
    as one word, the punctuation Sonic reports apart joined to it as to any word ("Fine.").
    Author markup has no written form: its phonemes, joined. Sonic's times are kept: each
    word spans exactly the words Sonic reported for it."""
    assert server.server.engine is not None
    text = PHONEME_WORDS.format(markup=markup)
    with LocalServer(engine=Replayed(server.server.engine)) as replayed:
        async with Pipeline(Settings(url=replayed.url, model=model), timestamps=True) as pipe:
            reported = await reported_words(pipe, text)
            audio = await pipe.aspeak(text)
    assert [w.word for w in audio.words] == AS_WRITTEN
    sizes = [1, 1, 1, 1, 2, 1, 1, 4, 1, 2, 1]  # "kubectl" "."; '"' "SQL" "Server" '",'; ...
    ends = np.cumsum(sizes)
    assert ends[-1] == len(reported)
    spans = [(reported[e - n].start, reported[e - 1].end) for n, e in zip(sizes, ends, strict=True)]
    assert [(w.start, w.end) for w in audio.words] == spans


async def test_a_turn_yields_the_audio_speak_makes_of_the_same_text(server: LocalServer) -> None:
    """Fed the same sentences, a turn gives exactly what speak() gives (the voice says each
    sentence the same every time): every chunk through the audio hooks, their tail too."""
    assert server.server.engine is not None
    text = "Your order shipped on Monday morning. It should arrive by noon."
    options = {"pauses": {"sentence_pause": 1.0}, "resample": {"target_rate": 16000}}
    with LocalServer(engine=Replayed(server.server.engine)) as replayed:
        async with Pipeline(Settings(url=replayed.url, options=options)) as pipe:
            spoken = await pipe.aspeak(text)
            turn = await pipe.turn()
            await turn.feed(text)
            await turn.end()
            audio = np.concatenate([chunk async for chunk in turn.audio()])
    assert len(turn.inputs) == 2 and spoken.seconds > 3.0
    np.testing.assert_array_equal(audio, spoken.samples)


async def test_a_turn_and_a_stream_time_words_as_written(server: LocalServer) -> None:
    options = {"pauses": {"sentence_pause": 0.5}}
    async with Pipeline(settings_for(server, options=options), timestamps=True) as pipe:
        turn = await pipe.turn()
        for token in re.findall(r"\S+\s*", "We run nginx on Raspberry Pi. Then kubectl, fine."):
            await turn.feed(token)
        await turn.end()
        words: list[WordTime] = []
        _ = [chunk async for chunk in turn.audio(words)]
    assert [w.word for w in words] == [
        "We", "run", "nginx", "on", "Raspberry Pi.", "Then", "kubectl,", "fine.",
    ]  # fmt: skip
    with Pipeline(settings_for(server, options=options), timestamps=True) as pipe:
        streamed: list[WordTime] = []
        _ = list(pipe.stream(PHONEME_WORDS.format(markup="<<t|ˈ|oʊ|m|ɑ|t|oʊ>>"), streamed))
    assert [w.word for w in streamed] == AS_WRITTEN


BARGED = "This is a long answer that goes on. It goes on and on for a while. And on some more."


async def test_after_a_barge_in_words_hold_every_word_of_the_audio_yielded(
    server: LocalServer,
) -> None:
    """Wherever interrupt() cuts a sentence, every word that lies wholly in the audio
    yielded before it is in ``words``, and no word that starts after it (the voice says
    each sentence the same every time)."""
    assert server.server.engine is not None
    with LocalServer(engine=Replayed(server.server.engine)) as replayed:
        async with Pipeline(Settings(url=replayed.url), timestamps=True) as pipe:

            async def barge_in(after: float) -> tuple[float, list[WordTime]]:
                """Seconds of audio yielded, and the words, of a turn interrupted once
                more than ``after`` seconds of audio came."""
                turn = await pipe.turn()
                await turn.feed(BARGED)
                await turn.end()
                words: list[WordTime] = []
                seconds = 0.0
                async for chunk in turn.audio(words):
                    seconds += chunk.size / pipe.output_rate
                    if seconds > after and not turn.interrupted:
                        await turn.interrupt()
                return seconds, words

            _, everything = await barge_in(math.inf)
            for after in (0.5, 1.2, 2.5, 3.3):
                seconds, words = await barge_in(after)
                heard = [w for w in everything if w.end <= seconds]
                assert 0 < len(heard) < len(everything), "the cut is inside the turn"
                assert words[: len(heard)] == heard, f"interrupted after {seconds:.2f} s"
                assert all(w.start < seconds for w in words), f"after {seconds:.2f} s"
    assert " ".join(w.word for w in everything) == BARGED


# A voice agent's short replies, 1.3 to 2 s each in the local voice, which says them within
# 0.5 LU of their mean level (its sentences spread over 1.6 LU: a stage that follows the
# voice's level cannot make each one as loud as the others).
REPLIES = (
    "Let me check that for you.",
    "I found three flights to Boston.",
    "The train leaves from platform four.",
    "The refund takes about five days.",
    "I sent the receipt to your email.",
    "Your package is out for delivery.",
    "Please hold on for a moment.",
    "It will rain later this evening.",
    "I can move the meeting to Friday.",
    "The store opens at ten tomorrow.",
)


async def reply(pipe: Pipeline, text: str, conversation: Conversation | None = None) -> np.ndarray:
    """The audio of a turn that says ``text``."""
    turn = await pipe.turn(conversation)
    await turn.feed(text)
    await turn.end()
    return np.concatenate([chunk async for chunk in turn.audio()])


@pytest.mark.parametrize("preset", ["podcast", "broadcast"])
async def test_the_short_turns_of_a_conversation_are_at_the_target_after_the_first_few(
    preset: str,
) -> None:
    """Each turn's streaming loudness stage measured the voice afresh, so replies too short
    for it to settle came out 2 to 3 LU under the podcast target; a turn goes on from the
    level the turns before measured. (A local server of its own: a shared one counts each
    context as live for 5 s after it ends, and would refuse some of these with a 429.)"""
    settings = Settings(options={"loudness": {"preset": preset}})
    async with Pipeline(settings, engine="espeak") as pipe:
        levels = [integrated_loudness(await reply(pipe, text), 44100) for text in REPLIES]
    target = PRESETS[preset].lufs
    assert target is not None
    off = [round(level - target, 2) for level in levels]
    assert all(abs(lu) <= 1.0 for lu in off[3:]), f"LU off the target, turn by turn: {off}"


async def streamed(pipe: Pipeline, text: str, conversation: Conversation | None) -> np.ndarray:
    """The audio of ``pipe.astream(text, conversation=conversation)``."""
    return np.concatenate([c async for c in pipe.astream(text, conversation=conversation)])


async def test_a_new_conversation_measures_the_voice_afresh(server: LocalServer) -> None:
    """pipe.new_conversation(), a Conversation of its own, or a stream without one starts
    from nothing: exactly as the first turn of a new pipeline, while the pipeline's
    conversation, turns and a stream of it, went on (the voice says each sentence the same
    every time)."""
    assert server.server.engine is not None
    options = {"loudness": {"preset": "podcast"}}
    with LocalServer(engine=Replayed(server.server.engine)) as replayed:
        async with Pipeline(Settings(url=replayed.url, options=options)) as pipe:
            first = await reply(pipe, REPLIES[0])
            for text in REPLIES[1:4]:
                await reply(pipe, text)
            fresh = [await reply(pipe, REPLIES[0], Conversation())]
            fresh.append(await streamed(pipe, REPLIES[0], None))
            went_on = [await reply(pipe, REPLIES[0])]
            went_on.append(await streamed(pipe, REPLIES[0], pipe.conversation))
            pipe.new_conversation()
            fresh.append(await reply(pipe, REPLIES[0]))
    for audio in fresh:
        np.testing.assert_array_equal(audio, first)
    for audio in went_on:
        louder = integrated_loudness(audio, 44100) - integrated_loudness(first, 44100)
        assert louder > 1.5, "the conversation went on from the level it measured"
