"""The pipeline: text hooks, a Sonic context, audio hooks; async core with sync faces.

>>> with Pipeline() as pipe:                      # no API key: the local voice
...     audio = pipe.speak("Dr. Smith paid $5.")   # doctest: +SKIP
...     pipe.render("Hello there.", "hello.wav")   # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import re
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from sonicpipe import pcm
from sonicpipe.audio.chain import EMPTY, AudioChain
from sonicpipe.audio.writers import cannot_write, open_writer, writing
from sonicpipe.captions import caption_paths, cues, write_captions
from sonicpipe.config import DEFAULT_VOICE, ConfigError, Settings
from sonicpipe.controls import Defaults, Family, PhonemeWord, family_of, in_force_after
from sonicpipe.controls import render as render_segment
from sonicpipe.hookspecs import AudioWriter
from sonicpipe.model import Segment
from sonicpipe.plugins import PluginHost
from sonicpipe.sonic import protocol as p
from sonicpipe.sonic.client import (
    Context,
    RateLimitError,
    SonicClient,
    SonicError,
    backoff_delay,
    check_max_contexts,
    new_context_id,
)
from sonicpipe.text import TextChain
from sonicpipe.words import WordClock, WordTime

CLOUD_URL = "wss://api.cartesia.ai"
# Sonic's guidance: the first input of a context should hold at least 3-4 words.
FIRST_INPUT_WORDS = 4
CLOSED = "this pipeline is closed; make a new Pipeline"
# Output longer or shorter than the known stages explain: a stage changed timing unseen.
TIMING_TOLERANCE = 0.01  # seconds
# The source a turn's sentences are prepared as: its markup errors name the sentence instead.
FED = "<turn>"
# A chunk of up to this many samples goes through the audio chain in the event loop (a
# millisecond or two of work, with no hand-off to a thread to wait for: a live stream's
# chunks, the local server's first); a larger one, and a boundary's or the end's audio (the
# whole stream, for file-mode loudness), in a worker thread, so the loop's other tasks run.
INLINE_SAMPLES = 4096
# A text longer than this is prepared (the text hooks) in a worker thread in async code: a
# chapter's 50,000 characters held the event loop for over a second. A shorter one (a reply,
# about 10 ms of work) is prepared in the loop, with no hand-off to wait for.
INLINE_CHARS = 500
T = TypeVar("T")


class Conversation:
    """The turns of one conversation: one voice's replies, each through audio stages of its
    own, which go on from the state the reply before left them in (see ``carry`` in
    :class:`~sonicpipe.hookspecs.AudioProcessor`). So the streaming loudness stage goes on
    from the level it measured, and a reply too short for it to settle is at the target
    from its first words, once a few seconds were said.

    A pipeline's turns are those of its :attr:`Pipeline.conversation`; a new one
    (:meth:`Pipeline.new_conversation`) starts afresh. To hold several at once on one
    pipeline (calls from several users), give each turn its own:
    ``await pipe.turn(conversation=Conversation())``.
    """

    def __init__(self) -> None:
        self._chain: AudioChain | None = None  # the audio chain of its latest stream

    def audio_chain(self, pipeline: Pipeline) -> AudioChain:
        """A new audio chain for the next stream, going on from the last one's."""
        self._chain = pipeline.audio_chain(after=self._chain)
        return self._chain


class _Output:
    """One stream of Sonic's responses through a new audio chain: chunks processed,
    flush boundaries passed on, word times (into ``words``, if given) placed as decided;
    ``spoken``: the phoneme words of the stream's inputs (see :class:`WordClock`). The chain
    goes on from the conversation's last one, if given."""

    def __init__(
        self,
        pipeline: Pipeline,
        words: list[WordTime] | None,
        spoken: list[PhonemeWord],
        conversation: Conversation | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.chain = (
            pipeline.audio_chain() if conversation is None else conversation.audio_chain(pipeline)
        )
        self.clock = None
        if words is not None:
            self.clock = WordClock(self.chain, words, spoken, pipeline.settings.model)
        self.heard = self.said = 0  # samples from Sonic, samples given out

    async def take(self, message: p.Response, boundary: str | None) -> np.ndarray:
        """The audio ready after ``message`` (maybe none); ``boundary`` is the kind a
        ``flush_done`` marks ("sentence", "paragraph"), or None where it marks none."""
        if isinstance(message, p.Chunk):
            samples = self.pipeline.decode(message)
            self.heard += samples.size
            out = await self._work(samples.size <= INLINE_SAMPLES, self.chain.process, samples)
        elif isinstance(message, p.FlushDone) and boundary is not None:
            out = await self._work(False, self.chain.boundary, boundary)
        else:
            if isinstance(message, p.Timestamps) and message.TYPE == "timestamps" and self.clock:
                self.clock.add(message)
            return EMPTY
        if self.clock is not None:
            self.clock.place()
        self.said += out.size
        return out

    async def finish(self) -> np.ndarray:
        """The end of the stream: what the chain still holds; the last word times placed."""
        tail = await self._work(False, self.chain.flush)
        self.said += tail.size
        if self.clock is not None:
            self.pipeline._check_timing(self.clock, self.heard, self.said)
        return tail

    async def _work(self, small: bool, call: Callable[..., np.ndarray], *args: Any) -> np.ndarray:
        """``call(*args)`` of the chain: at once if ``small`` (see :data:`INLINE_SAMPLES`) or
        the chain empty, else in a worker thread while the event loop runs on. One at a time,
        in the stream's order: each is awaited before the next message is taken."""
        if small or not self.chain.processors:
            return call(*args)
        return await _off_loop(call, *args)


@dataclass
class Audio:
    """Finished audio: mono float32 samples, their rate, and word timings when asked for."""

    samples: np.ndarray
    sample_rate: int
    words: list[WordTime] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.samples) / self.sample_rate


WAKE_SECONDS = 0.2  # how often the synchronous face's wait for the loop looks for signals


class _LoopThread:
    """One event loop in a daemon thread, for the synchronous face."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                       name="sonicpipe-loop")  # fmt: skip
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` in the loop and return its result. Interrupted while waiting (Ctrl-C),
        cancel its task and let its clean-up finish (a render removes its part file) before
        the interrupt goes on, so that no task is left pending when the loop stops."""
        tasks: list[asyncio.Task[T]] = []
        result: concurrent.futures.Future[T] = concurrent.futures.Future()

        def start() -> None:
            tasks.append(self.loop.create_task(coro))
            tasks[0].add_done_callback(lambda task: _settle(task, result))

        self.loop.call_soon_threadsafe(start)
        try:
            # Woken now and then: a signal the kernel hands to another thread (any may take a
            # process's signal) interrupts no wait here, and runs its handler (Ctrl-C,
            # SIGTERM) only once this thread runs Python again.
            while not concurrent.futures.wait([result], timeout=WAKE_SECONDS).done:
                pass
            return result.result()
        except BaseException:
            if not result.done():
                ended = threading.Event()

                def cancel() -> None:  # runs after start(): calls run in order
                    tasks[0].cancel()
                    tasks[0].add_done_callback(lambda _: ended.set())

                self.loop.call_soon_threadsafe(cancel)
                ended.wait()
            raise

    def stop(self) -> None:
        """Close the async generators still open (a stream left mid-way), stop the loop."""
        self.run(self.loop.shutdown_asyncgens())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


def group_inputs(segments: Sequence[Segment]) -> list[list[Segment]]:
    """One input per segment, except that the first input holds at least a few words.

    ``FIRST_INPUT_WORDS``: Sonic asks for at least 3-4 words in the first input.
    """
    groups: list[list[Segment]] = []
    words = 0
    for segment in segments:
        if groups and words < FIRST_INPUT_WORDS:
            groups[0].append(segment)
        else:
            groups.append([segment])
        words += len(segment.plain_text.split())
    return groups


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


async def _off_loop(call: Callable[..., T], *args: Any) -> T:
    """``call(*args)`` in a worker thread, so that the event loop runs on meanwhile. A cancel
    waits for it to return: what it works on (a writer) is not shared with the clean-up."""
    future = asyncio.get_running_loop().run_in_executor(None, call, *args)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await future
        raise


def _write_chunk(writer: AudioWriter, chunk: np.ndarray, part: Path, path: Path) -> None:
    """Write ``chunk`` to ``part``, the temporary name of ``path`` (see :func:`writing`)."""
    with writing(part, path):
        writer.write(chunk)


def _deliver(writer: AudioWriter, part: Path, path: Path) -> None:
    """Close the writer of ``part`` and give the finished file its name ``path``."""
    with writing(part, path):
        writer.close()
        os.replace(part, path)


def _settle(task: asyncio.Task[T], result: concurrent.futures.Future[T]) -> None:
    """Hand a finished task's outcome to a future of another thread."""
    if task.cancelled():
        result.cancel()
    elif task.exception() is not None:
        result.set_exception(task.exception())
    else:
        result.set_result(task.result())


class Pipeline:
    """Text in, audio out: sonicpipe's main API.

    Built from :class:`~sonicpipe.config.Settings` (or a TOML file with :meth:`from_file`).
    With no API key and no ``url`` in the settings, a local Sonic-compatible server with the
    local voice is started on first use and stopped by :meth:`close`. ``plugins`` are extra
    plugin objects; ``timestamps`` asks Sonic for word timestamps; ``max_contexts`` bounds
    the contexts open at once on the connection. In async code, make it with :meth:`aopen`,
    which loads the plugins off the event loop. After :meth:`close` neither face can be
    used (:meth:`aclose` only closes one event loop's connection). :attr:`conversation` is
    the one whose replies :meth:`turn` makes (see :class:`Conversation`).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        plugins: Sequence[object] = (),
        timestamps: bool = False,
        engine: str | None = None,
        max_contexts: int = 8,
    ) -> None:
        if not isinstance(settings, Settings | None):
            raise TypeError(
                f"settings: expected a Settings, got {type(settings).__name__} "
                "(Settings.from_dict builds one from a mapping shaped like sonicpipe.toml)"
            )
        if isinstance(plugins, str):
            raise TypeError(
                f"plugins: expected a sequence of plugin objects, got the string {plugins!r} "
                f"(a 'module:object' reference goes in Settings(plugins=[{plugins!r}]))"
            )
        self.settings = settings or Settings()
        self.host = PluginHost(self.settings, extra=plugins)
        self.text = TextChain(self.settings, self.host)
        self.timestamps = timestamps
        self.engine = engine
        self.max_contexts = check_max_contexts(max_contexts)
        self._server: Any = None
        self._lock = threading.Lock()  # guards the server, the clients and the runner
        self._clients: dict[asyncio.AbstractEventLoop, SonicClient] = {}
        self._runner: _LoopThread | None = None
        self._closed = False
        self._timing_warned = False
        self._noted: set[str] = set()  # notes already warned of
        self._closing: asyncio.Task[None] | None = None  # close() in async code: see there
        self.conversation = Conversation()  # that of turn() (see Conversation)

    @classmethod
    def from_file(cls, path: str | Path, **options: Any) -> Pipeline:
        """A pipeline configured by a TOML settings file."""
        return cls(Settings.load(path), **options)

    @classmethod
    async def aopen(cls, settings: Settings | None = None, **options: Any) -> Pipeline:
        """``Pipeline(settings, **options)`` for async code, made in a worker thread: loading
        the plugins (importing them, checking their options) takes half a second or more,
        which would stall the event loop. ``async with await Pipeline.aopen(...) as pipe:``"""
        return await asyncio.to_thread(cls, settings, **options)

    def __repr__(self) -> str:
        return f"Pipeline(model={self.settings.model!r}, url={self.url!r})"

    # -- connection ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The Sonic URL in use (the local server's once it is started)."""
        if self.settings.url:
            return self.settings.url
        if self.settings.resolved_api_key() is not None:
            return CLOUD_URL
        return self._server.url if self._server is not None else "local"

    @property
    def voice_source(self) -> str:
        """What speaks, for keys of stored audio: the Sonic URL in use, or ``local:<engine>``
        for the local voice (whose URL changes from run to run)."""
        if self.settings.url or self.settings.resolved_api_key() is not None:
            return self.url
        from sonicpipe.server.engines import default_engine_name

        return f"local:{self.engine or default_engine_name()}"

    def _local_url(self) -> str:
        with self._lock:
            if self._server is None:
                from sonicpipe.server import LocalServer, ServerConfig

                # It serves this pipeline alone, whose clients bound their own contexts: it
                # need not play a plan's limit, nor count contexts lingering after they end.
                limit = max(self.max_contexts, ServerConfig().max_contexts)
                server = LocalServer(engine=self.engine, max_contexts=limit, linger=0.0)
                server.__enter__()
                self._server = server
            return self._server.url

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(CLOSED)

    async def client(self) -> SonicClient:
        """The client for the running event loop (connected on first use)."""
        self._check_open()
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            url = self.url
            if url == CLOUD_URL and self.settings.voice == DEFAULT_VOICE:
                raise ConfigError(
                    f"voice: {DEFAULT_VOICE!r} is the local server's voice; with an API key, "
                    "set voice to a Cartesia voice id"
                )
            if url == "local":
                url = await loop.run_in_executor(None, self._local_url)
            with self._lock:
                if loop not in self._clients:  # another task may have made it meanwhile
                    self._clients[loop] = SonicClient(
                        url,
                        self.settings.resolved_api_key(),
                        max_contexts=self.max_contexts,
                        timeout=self.settings.timeout,
                        retries=self.settings.retries,
                    )
        return self._clients[loop]

    def template(self) -> p.GenerationRequest:
        """The request every input starts from: model, voice, format, language, controls."""
        defaults = self.settings.controls
        config = None  # sonic-2 family: the defaults travel as experimental voice controls
        if family_of(self.settings.model) is Family.SONIC3:
            config = p.GenerationConfig(defaults.speed, defaults.volume, defaults.emotion)
        return p.GenerationRequest(
            context_id="",
            transcript="",
            model_id=self.settings.model,
            voice=p.Voice(id=self.settings.voice),
            output_format=self.settings.output_format,
            language=self.settings.language,
            continue_=True,
            max_buffer_delay_ms=0,  # we send whole sentences ourselves
            add_timestamps=self.timestamps,
            generation_config=config if config and config.to_dict() else None,
        )

    def request_fields(
        self, segments: Sequence[Segment], in_force: Defaults | None = None
    ) -> dict[str, Any]:
        """The request fields of one input: the segments' transcripts and their controls.

        ``in_force``: the controls in force where the input starts on its context (None: the
        configured ones). A control set by markup holds for the rest of the context on both
        families: sonic-3 keeps an inline tag in force itself; sonic-2's experimental voice
        controls are per request, so each input carries those in force at its end (a control
        on a short first sentence merged into the first input included).
        """
        fields, _ = self._input(segments, in_force)
        return fields

    def context_inputs(
        self, groups: Sequence[Sequence[Segment]], spoken: list[PhonemeWord] | None = None
    ) -> list[dict[str, Any]]:
        """The request fields of each input of one context, controls carried in order.

        The transcripts' ``<<…>>`` words, with what they stand for as written, are added to
        ``spoken`` when given (for word timestamps: see :class:`WordTime`).
        """
        inputs: list[dict[str, Any]] = []
        in_force = None
        for group in groups:
            fields, in_force = self._input(group, in_force, spoken)
            inputs.append(fields)
        return inputs

    def _input(
        self,
        segments: Sequence[Segment],
        in_force: Defaults | None,
        spoken: list[PhonemeWord] | None = None,
    ) -> tuple[dict[str, Any], Defaults]:
        """:meth:`request_fields`, and the controls in force after the input; its phoneme
        words are added to ``spoken`` when given."""
        in_force = self.settings.controls if in_force is None else in_force
        transcripts: list[str] = []
        controls: dict[str, Any] = {}
        for segment in segments:
            rendered = render_segment(segment, self.settings.model, in_force)
            self._warn_notes(rendered.notes)
            transcripts.append(rendered.transcript)
            if spoken is not None:
                spoken.extend(rendered.phoneme_words)
            controls = rendered.experimental_controls
            in_force = in_force_after(segment, in_force)
        fields: dict[str, Any] = {"transcript": " ".join(transcripts) + " "}
        if controls:
            fields["voice"] = p.Voice(id=self.settings.voice, experimental_controls=controls)
        return fields, in_force

    def _warn_notes(self, notes: Sequence[str]) -> None:
        """Warn of each note (a control the model cannot render, dropped) once per pipeline."""
        for note in notes:
            if note not in self._noted:
                self._noted.add(note)
                warnings.warn(note, stacklevel=2)

    # -- async core ------------------------------------------------------------------------

    async def astream(
        self,
        text: str,
        words: list[WordTime] | None = None,
        *,
        source: str = "<text>",
        conversation: Conversation | None = None,
    ) -> AsyncIterator[np.ndarray]:
        """Yield audio chunks (after the audio hooks) as Sonic returns them.

        Word timings are appended to ``words`` when given (and ``timestamps`` is on), in the
        time of the yielded audio (see :class:`WordTime`). ``source`` names the text in
        markup errors. ``conversation``: the text is a reply of it (a voice agent that
        streams whole replies: ``pipe.conversation``), whose audio stages go on from the last
        reply's (see :class:`Conversation`); without it the stream stands alone.
        """
        segments = await self._aprepare(text, source)
        replies = self.astream_segments(segments, words, conversation=conversation)
        async with contextlib.aclosing(replies) as chunks:
            async for chunk in chunks:
                yield chunk

    async def _aprepare(self, text: str, source: str) -> list[Segment]:
        """``self.text.prepare`` for async code: a long text in a worker thread (see
        :data:`INLINE_CHARS`), so that the event loop runs on."""
        if not isinstance(text, str) or len(text) <= INLINE_CHARS:  # prepare says what is wrong
            return self.text.prepare(text, source=source)
        return await asyncio.to_thread(self.text.prepare, text, source=source)

    async def astream_segments(
        self,
        segments: Sequence[Segment],
        words: list[WordTime] | None = None,
        *,
        conversation: Conversation | None = None,
    ) -> AsyncIterator[np.ndarray]:
        """Like :meth:`astream`, for segments already prepared by ``self.text``."""
        self._check_open()
        groups = group_inputs(segments)
        if not groups:
            return
        client = await self.client()
        spoken: list[PhonemeWord] = []
        inputs = self.context_inputs(groups, spoken)
        output = _Output(self, words, spoken, conversation)
        async with contextlib.aclosing(client.generate(self.template(), inputs)) as messages:
            async for message in messages:
                boundary = None
                if isinstance(message, p.FlushDone) and message.flush_id < len(groups):
                    done = groups[message.flush_id - 1][-1]
                    following = groups[message.flush_id][0]
                    boundary = "paragraph" if following.paragraph != done.paragraph else "sentence"
                out = await output.take(message, boundary)
                if out.size:
                    yield out
        tail = await output.finish()
        if tail.size:
            yield tail

    def _check_timing(self, clock: WordClock, heard: int, said: int) -> None:
        """Place the stream's last words; drop them all (warning once) if the audio's length
        shows a stage changed timing without saying how."""
        clock.place(final=True)
        expected = clock.output_seconds(heard / self.settings.output_format.sample_rate)
        rate = self.output_rate
        if abs(expected - said / rate) <= TIMING_TOLERANCE or not clock.drop():
            return
        if not self._timing_warned:
            self._timing_warned = True
            warnings.warn(
                f"word timestamps dropped: the audio hooks made {said / rate:.3f} s of audio "
                f"where {expected:.3f} s were expected, and no stage says how the times moved "
                "(an audio processor that changes timing can define output_span(start, end))",
                stacklevel=2,
            )

    def audio_chain(self, after: AudioChain | None = None) -> AudioChain:
        """A new audio chain for one stream, opened at Sonic's output rate; ``after``: the
        chain of the stream before it in a conversation (see :meth:`AudioChain.open`)."""
        chain = AudioChain(self.settings, self.host)
        chain.open(self.settings.output_format.sample_rate, after)
        return chain

    def decode(self, chunk: p.Chunk) -> np.ndarray:
        """A chunk's audio as float32 samples."""
        return pcm.decode(chunk.audio, self.settings.output_format.encoding)

    @cached_property
    def output_rate(self) -> int:
        """The sample rate of the audio this pipeline yields (after the audio hooks)."""
        return AudioChain(self.settings, self.host).open(self.settings.output_format.sample_rate)

    async def aspeak(self, text: str) -> Audio:
        """Synthesize ``text`` and return the finished audio."""
        words: list[WordTime] = []
        chunks = [chunk async for chunk in self.astream(text, words)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        return Audio(samples, self.output_rate, words)

    async def arender(
        self, text: str, path: str | Path, *, source: str = "<text>", captions: bool = False
    ) -> Path:
        """Synthesize ``text`` into a file; the format follows the suffix (.wav, .flac...).

        The file appears only once it is complete: a failed render leaves any earlier file
        at ``path`` as it was. A text with nothing to speak is a :class:`ValueError`; a file
        that cannot be written (a full disk) an :class:`OSError` naming ``path``, with the
        system's reason. ``source`` names the text in markup errors (a file name, say).
        ``captions`` also writes ``path``'s .srt and .vtt captions from the word timestamps
        (the pipeline's ``timestamps`` must be on).
        """
        self._check_open()
        if captions and not self.timestamps:
            raise ValueError("captions come from word timestamps: make the Pipeline with "
                             "timestamps=True")  # fmt: skip
        path = Path(path)
        if path.is_dir() or not path.parent.is_dir():
            problem = "a folder" if path.is_dir() else f"no folder {path.parent}"
            raise OSError(f"{path}: cannot write: {problem}")
        segments = await self._aprepare(text, source)
        if not segments:
            raise ValueError(f"{source}: nothing to speak (the text has no words); {path} "
                             "not written")  # fmt: skip
        for caption in caption_paths(path) if captions else ():
            if caption.is_dir():  # found now, before the audio replaces an earlier file
                raise cannot_write(caption, None)
        part = path.with_name(f"{path.stem}.part{path.suffix}")
        writer = open_writer(part, self.output_rate, self.settings, self.host, name=path)
        words: list[WordTime] | None = [] if captions else None
        try:
            async for chunk in self.astream_segments(segments, words):
                # in a thread: an encoder (MP3, AAC) would stall the event loop
                await _off_loop(_write_chunk, writer, chunk, part, path)
            await _off_loop(_deliver, writer, part, path)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.close()
            part.unlink(missing_ok=True)
            raise
        if words is not None:
            if not words:  # the audio hooks changed timing without saying how: warned of
                raise ValueError(f"{path}: written without captions: no word timings came")
            write_captions(path, cues((w.word, w.start, w.end) for w in words))
        return path

    async def turn(self, conversation: Conversation | None = None) -> Turn:
        """Start a conversational turn on a new context: a reply of ``conversation``
        (default: :attr:`conversation`), whose audio stages go on from its last reply's."""
        return await Turn.start(self, conversation)

    def new_conversation(self) -> Conversation:
        """Start a new :attr:`conversation` (a new call, a new user) and return it: its
        first turn's audio stages start afresh, the loudness stage measuring the voice anew,
        rather than going on from the last conversation's."""
        self.conversation = Conversation()
        return self.conversation

    async def aconnect(self) -> None:
        """Connect to Sonic now (and start the local voice, without an API key) rather than on
        the first request, which then starts at once: a voice agent calls it at start-up. A
        refused key or an unreachable server raises here (``AuthError``, ``ConnectionLost``)."""
        await (await self.client()).connect()

    async def aclose(self) -> None:
        """Close the connection of this event loop (its live contexts cancelled); stop the
        local server once no other running event loop still uses it."""
        with self._lock:
            client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()
        await asyncio.to_thread(self._stop_server)  # it joins the server's thread

    def _stop_server(self) -> None:
        with self._lock:
            for loop in [loop for loop in self._clients if loop.is_closed()]:
                del self._clients[loop]  # its loop ended without aclose: the connection is gone
            if self._server is not None and not self._clients:
                self._server.stop()
                self._server = None

    async def __aenter__(self) -> Pipeline:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- sync face -------------------------------------------------------------------------

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        with self._lock:
            if self._closed:
                coro.close()
                raise RuntimeError(CLOSED)
            if self._runner is None:
                self._runner = _LoopThread()
            runner = self._runner
        return runner.run(coro)

    def connect(self) -> None:
        """Connect to Sonic now (blocking); see :meth:`aconnect`."""
        self._run(self.aconnect())

    def speak(self, text: str) -> Audio:
        """Synthesize ``text`` and return the finished audio (blocking)."""
        return self._run(self.aspeak(text))

    def render(
        self, text: str, path: str | Path, *, source: str = "<text>", captions: bool = False
    ) -> Path:
        """Synthesize ``text`` into a file (blocking); the suffix picks the format.

        ``source`` names the text in markup errors; ``captions``: see :meth:`arender`.
        """
        return self._run(self.arender(text, path, source=source, captions=captions))

    def stream(
        self,
        text: str,
        words: list[WordTime] | None = None,
        *,
        source: str = "<text>",
        conversation: Conversation | None = None,
    ) -> Iterator[np.ndarray]:
        """Yield audio chunks as they arrive (blocking iterator).

        Word timings are appended to ``words`` when given (and ``timestamps`` is on), as
        with :meth:`astream`, while the audio arrives: a word comes once its timestamps did
        (they may follow its audio) and the pauses stage has cut or kept the silence around
        it, so words may trail the chunks; all are there when the iterator ends.
        ``conversation``: as in :meth:`astream`.
        """
        chunks = self.astream(text, words, source=source, conversation=conversation)
        try:
            while True:
                try:
                    yield self._run(_await(chunks.__anext__()))
                except StopAsyncIteration:
                    return
        finally:
            if not self._closed:  # else close() closed it
                self._run(chunks.aclose())

    def close(self) -> None:
        """Close connections and stop the local server (if this pipeline started one).

        The async face's connections are closed on their event loops: at once on a loop
        running in another thread; on the loop running this call (``close()`` in async code,
        as in a notebook) just after it returns, since that loop cannot run while it waits.
        Neither the synchronous nor the async face can be used after this.
        """
        with self._lock:
            runner, self._runner, self._closed = self._runner, None, True
        if runner is not None:
            runner.run(self.aclose())
            runner.stop()
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        with self._lock:
            loops = [loop for loop in self._clients if loop.is_running()]
        for loop in loops:
            if loop is current:
                self._closing = loop.create_task(self.aclose())  # referenced till it ends
            else:
                asyncio.run_coroutine_threadsafe(self.aclose(), loop).result()
        with self._lock:
            server, self._server = self._server, None
        if server is None:
            return
        if current in loops:  # it waits for this loop's side of the connection to close
            threading.Thread(target=server.stop, name="sonicpipe-stop", daemon=True).start()
        else:
            server.stop()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Turn:
    """A conversational turn: text fragments in (an LLM token stream), audio out.

    Fragments go through the streaming sentence splitter; each sentence then runs the text
    hooks and is sent as a continuation on the turn's one context (the splitter holds the
    first input until it has a few words). :meth:`end` sends the rest and the empty transcript
    that ends the context; :meth:`interrupt` cancels it. Iterate :meth:`audio` concurrently.
    Bad text in a sentence (a markup error) fails the turn: the call that sent it and
    :meth:`audio` raise the error (kept as ``error``), and the context is cancelled. So does
    any error :meth:`audio` raises (a dropped connection, a 429 past the retries): nothing
    plays the rest; and so does text that cannot reach Sonic (no connection, a refused key).
    A failed turn refuses more text. Its audio stages go on from its conversation's last
    reply (see :class:`Conversation`).
    """

    def __init__(
        self,
        pipeline: Pipeline,
        client: SonicClient,
        context: Context,
        conversation: Conversation | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.client = client
        self.context = context
        # the conversation whose reply it is (see Conversation): the pipeline's by default
        self.conversation = pipeline.conversation if conversation is None else conversation
        self.splitter = pipeline.host.hook.sonicpipe_sentence_stream(
            language=pipeline.settings.language, settings=pipeline.settings
        )
        if self.splitter is None:
            raise RuntimeError("no plugin offers a streaming sentence splitter")
        self.inputs: list[dict[str, Any]] = []
        self.spoken: list[PhonemeWord] = []  # the phoneme words of the inputs sent
        self.in_force: Defaults | None = None  # controls in force after the inputs sent
        self.ended = False  # the context's end was sent
        self._text_done = False  # end() was called: no more text
        self.error: Exception | None = None  # what failed the turn (see the class docstring)
        self._barge_in = asyncio.Event()  # interrupted, or failed: nothing more is sent
        self._refused = False  # refused with 429: text waits for the retry's new context
        self._read = False  # audio() was called: a turn's audio has one reader

    @classmethod
    async def start(cls, pipeline: Pipeline, conversation: Conversation | None = None) -> Turn:
        """Open a new context for a turn of ``conversation`` (default: the pipeline's)."""
        client = await pipeline.client()
        context = await client.context(replace(pipeline.template(), context_id=new_context_id()))
        return cls(pipeline, client, context, conversation)

    async def feed(self, fragment: str) -> None:
        """Add a text fragment; complete sentences are sent at once.

        After :meth:`end` it is a :class:`RuntimeError`; after :meth:`interrupt` the fragment
        is dropped (the LLM may still be streaming the answer the user cut off).
        """
        self._check_open("feed")
        for sentence in self.splitter.feed(fragment):
            await self._send(sentence)

    async def flush(self) -> None:
        """Send the text held now as a complete input, before a pause in the text (a tool
        call): the splitter holds a finished sentence until the next one starts, in case
        that shows it was not finished ("Dr." before "Smith"). More text may follow."""
        self._check_open("flush")
        for sentence in self.splitter.flush():
            await self._send(sentence)

    def _check_open(self, call: str) -> None:
        """Refuse more text after :meth:`end`, or once the turn failed."""
        if self._text_done:
            raise RuntimeError(
                f"turn.{call}() after turn.end(): this turn's text is complete; "
                "start a new turn for more"
            )
        if self.error is not None:
            raise RuntimeError(f"this turn failed ({self.error}); start a new turn")

    async def _send(self, sentence: str) -> None:
        """Send a sentence as one input; bad text in it fails the turn (see :meth:`_fail`)."""
        if self._stopped:
            return
        try:
            segments = self.pipeline.text.prepare(sentence, source=FED)
            if not segments:
                return
            # one input per streamed chunk, so a merged first chunk stays whole
            fields, self.in_force = self.pipeline._input(segments, self.in_force, self.spoken)
        except Exception as exc:
            error = _fed_error(exc, sentence)
            await self._fail(error)
            raise error from None
        self.inputs.append(fields)
        if not self._refused:  # else the retry sends it (see _reopen)
            await self._send_input(fields)

    async def _fail(self, error: Exception) -> None:
        """End the turn with ``error``: its context is cancelled (its slot freed), and
        :meth:`audio` raises ``error``."""
        self.error = error
        self._barge_in.set()
        await self.context.cancel()

    async def _send_input(self, fields: dict[str, Any]) -> None:
        extra = {k: v for k, v in fields.items() if k != "transcript"}
        # flushed, so the context knows audio is owed until each input's flush_done
        await self._sent(self.context.send(fields["transcript"], flush=True, **extra))

    async def _sent(self, sending: Awaitable[None]) -> None:
        """Await ``sending``; what cannot reach Sonic fails the turn (see :meth:`_fail`)."""
        try:
            await sending
        except SonicError as exc:
            await self._fail(exc)
            raise

    async def end(self) -> None:
        """No more fragments: send what is left and end the context (once: a second call
        does nothing)."""
        if self.ended:
            return
        self._text_done = True
        for sentence in self.splitter.flush():
            await self._send(sentence)
        if not self._stopped:
            self.ended = True
            if not self._refused:
                await self._sent(self.context.end())

    @property
    def interrupted(self) -> bool:
        """Whether the turn was interrupted (:meth:`interrupt`, or :meth:`audio` stopped
        early)."""
        return self._barge_in.is_set() and self.error is None

    @property
    def _stopped(self) -> bool:
        """Whether the turn was interrupted or failed: it sends nothing more."""
        return self._barge_in.is_set()

    async def interrupt(self) -> None:
        """Stop this turn now (the user barged in); the next turn opens a new context."""
        self._barge_in.set()
        await self.context.cancel()

    async def audio(self, words: list[WordTime] | None = None) -> AsyncIterator[np.ndarray]:
        """Yield this turn's audio (after the audio hooks) until it ends or is interrupted.

        Word timings are appended to ``words`` when given (and ``timestamps`` is on), in the
        time of the yielded audio, as in :meth:`Pipeline.astream`: after a barge-in they hold
        the words that start in the audio yielded, so their times say which words the audio
        played so far holds. Each input's end is a sentence boundary
        for the audio hooks (the pauses stage paces sentences as in :meth:`Pipeline.astream`).
        A 429 before any audio arrived is retried with back-off on a new context, replaying the
        inputs sent so far (text fed meanwhile waits for it). A dropped connection raises
        :class:`~sonicpipe.sonic.client.ConnectionLost`. An error raised here fails the turn.

        Stopping early interrupts the turn, as :meth:`interrupt` does: closing the iterator
        (``aclose()``, or its collection after a ``break``) or cancelling the task that reads
        it (a barge-in that stops playback). A turn's audio is read once: a second call is a
        :class:`RuntimeError`.
        """
        if self._read:
            raise RuntimeError(
                "this turn's audio is already read: audio() gives it once (to play it in two "
                "places, hand each chunk on from the one loop that reads it)"
            )
        self._read = True
        async with contextlib.aclosing(self._audio(words)) as chunks:
            try:
                async for chunk in chunks:
                    yield chunk
            except (GeneratorExit, asyncio.CancelledError):
                await self.interrupt()
                raise
            except Exception as exc:  # nothing plays the rest: the turn is over
                if self.error is None:
                    await self._fail(exc)
                raise

    async def _audio(self, words: list[WordTime] | None) -> AsyncIterator[np.ndarray]:
        output = _Output(self.pipeline, words, self.spoken, self.conversation)
        attempt = 0
        while True:
            try:
                async with contextlib.aclosing(self.context.responses()) as responses:
                    async for message in responses:
                        # An input's audio is out: a sentence ends (the last one's: at the flush).
                        last = isinstance(message, p.FlushDone) and (
                            self.ended and message.flush_id >= len(self.inputs)
                        )
                        out = await output.take(message, None if last else "sentence")
                        if out.size:
                            yield out
                break
            except RateLimitError:
                attempt += 1
                if self._stopped:
                    break
                if output.heard or attempt > self.client.retries:
                    raise
                self._refused = True
                with contextlib.suppress(TimeoutError):  # back off, unless barged in
                    async with asyncio.timeout(backoff_delay(self.client.backoff, attempt)):
                        await self._barge_in.wait()
                if self._stopped:
                    break
                await self._reopen()
        if self.error is not None:
            raise self.error
        if not self._stopped:
            tail = await output.finish()
            if tail.size:
                yield tail
        elif output.clock is not None:
            # Timestamps may come after their audio: those of words that start in the audio
            # taken count (not those of audio that arrived but was not taken).
            taken = output.heard / self.pipeline.settings.output_format.sample_rate
            for message in self.context.unread():
                if isinstance(message, p.Timestamps):
                    await output.take(message.starting_before(taken), None)
            output.clock.place(final=True)  # no more comes: a word held for more is whole

    async def _reopen(self) -> None:
        self.context = await self.client.context(replace(self.context.template,
                                                         context_id=new_context_id()))  # fmt: skip
        for fields in self.inputs:  # with those fed meanwhile
            if self._stopped:
                break
            await self._send_input(fields)
        self._refused = False
        if self._stopped:  # interrupt() cancelled the old context meanwhile
            await self.context.cancel()
        elif self.ended:
            await self.context.end()


def _fed_error(error: Exception, sentence: str) -> Exception:
    """``error`` met in a turn's ``sentence``; a markup error names the sentence rather than
    a line of a source that a fragment does not have (its message is reworded in place)."""
    message = str(error)
    where = re.match(rf"{re.escape(FED)}:\d+: ", message)
    if where is not None:
        error.args = (f"in the turn's text {sentence.strip()!r}: {message[where.end() :]}",)
    return error
