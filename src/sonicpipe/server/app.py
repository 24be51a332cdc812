"""A local server that speaks Sonic's WebSocket protocol with a local voice.

One :class:`SonicServer` serves many connections; each connection multiplexes contexts. A
context turns its transcript into sentences as text arrives (buffering an unfinished sentence
up to ``max_buffer_delay_ms``), synthesizes them one by one in a worker thread and streams each
sentence's audio as soon as it is made. Live contexts are counted across the whole server: a
context is live while it has text to speak and, with input streaming, for ``linger`` seconds
after its last generation (an open context that stays idle longer stops counting until new
input comes); past the limit, input that would make one more context live gets a 429 error.
Every bad message gets a spec-shaped error for its context only: other contexts and
connections carry on. A client holds bounded resources: a connection keeps at most
:data:`OPEN_PER_CONNECTION` open contexts and :data:`PENDING_PER_CONNECTION` characters waiting
to be spoken (429 past either), and one that takes none of what is sent to it for
``send_timeout`` seconds is cut, as is, after :data:`CLOSE_GRACE`, one that does not close when
the server stops.
"""

from __future__ import annotations

import asyncio
import binascii
import contextlib
import hmac
import itertools
import json
import logging
import math
import numbers
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import soxr
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from sonicpipe import pcm
from sonicpipe.config import DEFAULT_VOICE, Secret
from sonicpipe.controls import Family, family_of, sonic2_ratio
from sonicpipe.server import markup
from sonicpipe.server.engines import Engine, Synthesis, check_threads, load_engine
from sonicpipe.sonic import protocol as p

log = logging.getLogger(__name__)
# websockets' debug lines print request headers, API keys included: never below INFO.
_WS_LOG = logging.getLogger(__name__ + ".websockets")
_WS_LOG.setLevel(logging.INFO)

# Samples per chunk message at the output rate: each utterance starts with a short chunk, so
# its first audio leaves at once, then sends large ones (about 0.74 s at 44.1 kHz; under
# 200 kB of JSON even as float32 at 48 kHz, far below clients' usual 1 MiB message limit).
FIRST_CHUNK_SAMPLES = 4096
CHUNK_SAMPLES = 32768
# Utterances a context may make ahead of what it has sent.
AHEAD = 4
# Ended context ids a connection remembers, so that ending one again gets no second answer.
ENDED_KEPT = 1024
# Contexts a connection may hold open (not ended) at once, or max_contexts if more. The spec
# does not say how many Sonic keeps: an open context costs memory even when it is not live, so
# a client that opens contexts and never ends them is refused (429) past this many.
OPEN_PER_CONNECTION = 1024
# Characters of text a connection may have waiting to be spoken (about a day of speech), or
# max_transcript_chars if more: text comes faster than it is spoken, and a client that sends
# it without end would grow the server without end. Past it, input is refused with 429.
PENDING_PER_CONNECTION = 1_000_000
# Characters of a context id the server takes (the spec sets no limit; ids are the client's,
# usually UUIDs): a connection keeps many ids, and every chunk message echoes its id.
MAX_ID_CHARS = 256
# Notes a context remembers having logged (the most recent).
NOTES_KEPT = 64
# Voice ids the server remembers having logged (the most recently used): a client that sends
# ever new ids must not grow the server's memory; a forgotten id is logged again.
VOICES_KEPT = 1024
# Seconds a client has, when the server stops, to answer the closing handshake; then its
# connection is cut (a client that does not read would otherwise hold the stop for as long as
# its full socket buffer keeps the close frame from being sent).
CLOSE_GRACE = 1.0


@dataclass(frozen=True)
class ServerConfig:
    """How a :class:`SonicServer` listens and what it allows."""

    host: str = "127.0.0.1"
    port: int = 0
    max_contexts: int = 16
    # Open connections at once: each holds a socket (a file descriptor) and its buffers, so a
    # client that opens them without end would run the server out of both. The spec sets no
    # number; past it, a handshake is refused with 429.
    max_connections: int = 256
    api_key: Secret | str | None = None  # a string is kept as a Secret
    linger: float = 5.0
    max_transcript_chars: int = 50_000
    max_message_bytes: int = 4 * 1024 * 1024
    max_sentence_chars: int = 400
    threads: int | None = None  # cores one synthesis may use (piper); None: all
    # Seconds a client may take none of what is sent to it (its socket full) before its
    # connection is cut: one that stops reading would hold its live contexts for good.
    send_timeout: float = 30.0

    def __post_init__(self) -> None:
        if not isinstance(self.host, str):
            raise TypeError(f"host: expected a string, got {type(self.host).__name__}")
        if not self.host.strip():  # asyncio would listen on every interface, and say ws://:PORT
            raise ValueError("host: blank; give an address or a name (0.0.0.0: every interface)")
        for name in _WHOLE_NUMBERS:
            value = getattr(self, name)
            if not (name == "threads" and value is None):
                object.__setattr__(self, name, _number(name, value, numbers.Integral))
        for name in ("linger", "send_timeout"):
            object.__setattr__(self, name, _number(name, getattr(self, name), numbers.Real))
        check_threads(self.threads)
        if isinstance(self.api_key, str):
            object.__setattr__(self, "api_key", Secret(self.api_key))
        if not isinstance(self.api_key, Secret | None):
            kind = type(self.api_key).__name__
            raise TypeError(f"api_key: expected a Secret or a string, got {kind}")
        if self.api_key is not None and not self.api_key:
            raise ValueError("api_key: blank; give a key, or None for no key check")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port}: must be from 0 to 65535 (0: any free port)")
        for name in ("max_contexts", "max_connections", "max_transcript_chars",
                     "max_message_bytes", "max_sentence_chars"):  # fmt: skip
            if getattr(self, name) < 1:
                raise ValueError(f"{name} {getattr(self, name)}: must be at least 1")
        if not (math.isfinite(self.linger) and self.linger >= 0):
            raise ValueError(f"linger {self.linger}: must be a finite number of seconds, 0 or more")
        if not (math.isfinite(self.send_timeout) and self.send_timeout > 0):
            raise ValueError(
                f"send_timeout {self.send_timeout}: must be a finite number of seconds, over 0"
            )


# The fields of ServerConfig that are whole numbers (threads may also be None).
_WHOLE_NUMBERS = ("port", "max_contexts", "max_connections", "max_transcript_chars",
                  "max_message_bytes", "max_sentence_chars", "threads")  # fmt: skip


def _number(name: str, value: object, kind: type[numbers.Integral] | type[numbers.Real]) -> Any:
    """``value`` of field ``name`` as an int (``kind`` Integral) or a float (Real); a bool, a
    fraction for a whole number or anything else is refused (True would be 1, 1.5 cut to 1)."""
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "a whole number" if kind is numbers.Integral else "a number of seconds"
        raise TypeError(f"{name}: expected {what}, got {type(value).__name__} {value!r}")
    return int(value) if kind is numbers.Integral else float(value)


def base_voicing(request: p.GenerationRequest) -> markup.Voicing:
    """Speed and volume a context starts with, from its first request: from
    ``generation_config`` on the sonic-3 family, ``voice.__experimental_controls`` on sonic-2
    (each family's own controls only; see :func:`_other_family_fields`). The top-level
    ``speed`` word, which the spec's table does not list, holds where the family's speed is
    not set."""
    voicing = markup.Voicing()
    speed: float | None
    if family_of(request.model_id) is Family.SONIC3:
        config = request.generation_config or p.GenerationConfig()
        if config.volume is not None:
            voicing.volume = config.volume
        speed = config.speed
    else:
        control = (request.voice.experimental_controls or {}).get("speed")
        speed = sonic2_ratio(control) if control is not None else None
    if speed is None and request.speed is not None:
        speed = sonic2_ratio(request.speed)
    if speed is not None:
        voicing.speed = speed
    return voicing


def _other_family_fields(request: p.GenerationRequest) -> list[str]:
    """The controls ``request`` sets that its model's family does not take: ignored.

    The spec gives ``generation_config`` to the sonic-3 family and
    ``voice.__experimental_controls`` to sonic-2 only. It does not say outright that Sonic
    ignores the other family's controls; the local server does, so that a local test does not
    hear controls that Sonic may not apply.
    """
    if family_of(request.model_id) is Family.SONIC3:
        controls = request.voice.experimental_controls or {}
        return [f"voice.__experimental_controls.{k}" for k, v in controls.items() if v is not None]
    config = request.generation_config.to_dict() if request.generation_config else {}
    return [f"generation_config.{name}" for name in config]


@dataclass(frozen=True)
class _Sentence:
    text: str
    request: p.GenerationRequest


@dataclass(frozen=True)
class _Flush:
    flush_id: int


_END = object()
_UTTERANCE_END = object()


@dataclass
class _Stamps:
    """One utterance's word (or phoneme) timestamps, in seconds from its start."""

    kind: type[p.Timestamps]
    names: tuple[str, ...]
    starts: tuple[float, ...]
    ends: tuple[float, ...]
    told: int = 0  # how many are sent

    def until(self, seconds: float | None, context: _Context, flush_id: int | None) -> list[Any]:
        """A message of those not yet sent that start before ``seconds`` of the context
        (None: all the rest), in the context's time; none if there are none."""
        clock, stop = context.clock, self.told
        while stop < len(self.names) and (seconds is None or clock + self.starts[stop] < seconds):
            stop += 1
        if stop == self.told:
            return []
        told, self.told = self.told, stop
        return [
            self.kind(
                context.id,
                self.names[told:stop],
                tuple(clock + t for t in self.starts[told:stop]),
                tuple(clock + t for t in self.ends[told:stop]),
                flush_id,
            )
        ]


@dataclass
class _Spoken:
    """One utterance's audio at the engine's rate, how many samples of it are sent, and its
    timestamps."""

    samples: np.ndarray
    samples_rate: int
    stamps: list[_Stamps]
    step_ms: float
    sent: int | None = None


def chunk_message(context_id: str, audio: bytes | memoryview, step_ms: float,
                  flush_id: int | None) -> bytes:  # fmt: skip
    """A chunk message as UTF-8 JSON, equal to ``json.dumps(p.Chunk(...).to_dict())``.

    The text is built around the base64 audio rather than dumped from a dict: json would scan
    and copy the (large) base64 string once more for nothing.
    """
    tail = f', "flush_id": {flush_id}}}' if flush_id is not None else "}"
    return b"".join(
        (
            b'{"type": "chunk", "data": "',
            binascii.b2a_base64(audio, newline=False),
            (
                f'", "done": false, "status_code": 206, "step_time": {round(step_ms, 3)!r}, '
                f'"context_id": {json.dumps(context_id)}{tail}'
            ).encode(),
        )
    )


class _Context:
    """One live context on one connection: its text buffer, queue and generating task."""

    def __init__(self, connection: _Connection, request: p.GenerationRequest) -> None:
        self.connection = connection
        self.server = connection.server
        self.id = request.context_id
        self.key = (connection.number, request.context_id)
        # Its first input's model and format (not the input: an idle open context would keep
        # its first transcript, up to max_transcript_chars, for as long as it stays open).
        self.model_id = request.model_id
        self.format = request.output_format
        self.buffer = ""
        self.pending = 0  # characters queued, not yet taken to be spoken
        self.timer: asyncio.TimerHandle | None = None
        self.delay_ms = request.buffer_delay_ms  # the buffer delay it was last given
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.flushes = 0
        self.flush_id: int | None = None
        self.ended = False
        self.voicing = base_voicing(request)
        self.sonic2 = family_of(request.model_id) is Family.SONIC2
        self.clock = 0.0  # seconds of audio generated so far
        self.out = 0  # samples of audio put in chunks so far (the output's rate)
        # Made with the first audio to resample (~70 kB: an idle context costs little), drained
        # at each flush and the end, then made afresh.
        self.resampler: soxr.ResampleStream | None = None
        self.last_generation: float | None = None  # monotonic time; None: nothing generated
        self.streaming = False  # input streaming: some request said continue true
        self.stopped = threading.Event()  # read by the worker threads: emit nothing more
        # Batches of messages to send, in order (or the exception that ends the context).
        self.made: asyncio.Queue[list[Any] | BaseException] = asyncio.Queue()
        self.ahead = asyncio.Semaphore(AHEAD)  # utterances made but not yet sent
        self._loop = asyncio.get_running_loop()
        self._finishing: asyncio.Future[None] | None = None
        # The voice's two latest utterances for it, earlier first (see _speak).
        self._making: tuple[asyncio.Future[_Spoken] | None, asyncio.Future[_Spoken] | None]
        self._making = (None, None)
        self._noted: dict[str, None] = {}  # notes logged, most recent last
        self.task = asyncio.create_task(self._run(), name=f"sonic-context-{self.id}")

    # --- input ---------------------------------------------------------------------------

    def feed(self, request: p.GenerationRequest) -> None:
        """Take one request's transcript, flush mark and end mark."""
        if self.ended:
            # Ending it again (e.g. the SDK's no_more_inputs) changes nothing. More input is
            # ignored: the spec does not say what the server does with it, and its errors carry
            # done: true, so any error would end the context for the client and lose the audio
            # still owed for the input it accepted.
            if request.transcript or not request.ends_context:
                log.warning(
                    "context %s: input after its last input (continue was false) ignored",
                    self.id,
                )
            return
        if request.transcript.strip():  # an end or flush alone has no audio to be in a format
            self._check_unchanged(request)
        self._note_request(request)
        self.streaming |= not request.ends_context
        self.buffer += request.transcript
        if request.max_buffer_delay_ms is not None:
            self.delay_ms = request.max_buffer_delay_ms
        everything = request.flush or request.ends_context or self.delay_ms == 0
        self._emit(request, final=everything)
        self._time_buffer(request)
        if request.flush:
            self.flushes += 1
            self.queue.put_nowait(_Flush(self.flushes))
        if request.ends_context:
            self.ended = True
            self.queue.put_nowait(_END)

    def _check_unchanged(self, request: p.GenerationRequest) -> None:
        """Refuse input that changes the context's model or output format.

        The spec does not say whether the inputs of one context may differ; Cartesia's docs say
        they keep all fields but transcript and continue. A context is spoken in its first
        input's model and format, so a change is refused, not ignored: the audio would not be
        in the format the input asked for. Input without text is not checked: an end or a
        flush asks for no audio of its own (the official SDK's no_more_inputs() sends its
        default model and format when the context was made without them).
        """
        for name, was, now in (
            ("model_id", self.model_id, request.model_id),
            ("output_format", self.format.to_dict(), request.output_format.to_dict()),
        ):
            if now != was:
                raise p.ProtocolError(
                    f"{name} {now!r} differs from this context's first input "
                    f"({was!r}): the inputs of a context keep its model_id and "
                    "output_format; start a new context to change them",
                    context_id=self.id,
                )

    def _time_buffer(self, request: p.GenerationRequest) -> None:
        """Set when the unfinished text left in the buffer is spoken even so.

        The spec gives ``max_buffer_delay_ms`` as how long the server may buffer continuation
        text, without saying whose delay holds when the inputs of a context give different
        ones. Here each input's delay bounds the wait of its own text: the buffer is spoken
        when the earliest delay of the text in it ends. A later input with a shorter delay
        brings that time forward, one with a longer delay does not put off older text, and
        text left alone in the buffer (the older text spoken as sentences) waits its own
        input's delay. An input without ``max_buffer_delay_ms`` has the delay its context
        was last given (the spec's default, 3000 ms, until one is given): the spec does not say
        whether a continuation that leaves it out goes back to the default, and an omitted field
        changing nothing is the least surprise (the official SDK sends it with every input).
        The timer speaks the buffer with the latest input's fields, as a sentence that this
        input completes is.
        """
        due = None
        if self.timer is not None:
            due = self.timer.when()
            self.timer.cancel()
            self.timer = None
        if not self.buffer.strip():
            return
        loop = asyncio.get_running_loop()
        when = loop.time() + self.delay_ms / 1000
        if due is not None and len(self.buffer) > len(request.transcript):
            when = min(when, due)  # older text is in the buffer: due no later than it was
        self.timer = loop.call_at(when, self._emit, request, True)

    def _emit(self, request: p.GenerationRequest, final: bool) -> None:
        sentences, self.buffer = markup.split_sentences(
            self.buffer, final, self.server.config.max_sentence_chars
        )
        for sentence in sentences:
            self._count(len(sentence))
            self.queue.put_nowait(_Sentence(sentence, request))
        if final and self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _note(self, message: str) -> None:
        """Log ``message`` once (of the :data:`NOTES_KEPT` most recent: a client may vary
        what it asks for with every input, e.g. its language)."""
        if remember(self._noted, message, NOTES_KEPT):
            log.info("context %s: %s", self.id, message)

    def _note_request(self, request: p.GenerationRequest) -> None:
        for what in _other_family_fields(request):
            self._note(markup.not_for(what, request.model_id))
        config = request.generation_config
        if family_of(request.model_id) is Family.SONIC3:
            if config and config.emotion:
                self._note(
                    f"emotion {config.emotion!r} is not supported by the local voice; ignored"
                )
        elif (request.voice.experimental_controls or {}).get("emotion"):
            self._note("experimental emotion controls are not supported locally; ignored")
        if request.pronunciation_dict_id:
            self._note("saved pronunciation dictionaries are not available locally; ignored")
        if request.use_normalized_timestamps:  # the engines give no normalized transcript
            self._note(
                "use_normalized_timestamps is not supported by the local voice; word timestamps "
                "are on the transcript as written"
            )
        if request.language and request.language != "en":
            language = request.language
            shown = repr(language) if len(language) <= 32 else f"{language[:32]!r}..."
            self._note(f"language {shown} is spoken with the English local voice")

    # --- output --------------------------------------------------------------------------

    async def _run(self) -> None:
        """Send what the workers make, in order, while they make the next utterances."""
        producer = asyncio.create_task(self._produce())
        send = self.connection.ws.send
        try:
            try:
                while True:
                    batch = await self.made.get()
                    if isinstance(batch, BaseException):
                        raise batch
                    for message in batch:
                        if isinstance(message, bytes):
                            await send(message, text=True)
                        elif message is _UTTERANCE_END:
                            self.ahead.release()
                        else:
                            await self.connection.send(message)
                            if isinstance(message, p.Done):
                                return
            except ConnectionClosed:
                raise
            except p.ProtocolError as exc:
                exc.context_id = self.id
                await self.connection.refuse(exc)
            except Exception as exc:
                log.error("context %s: synthesis failed", self.id, exc_info=exc)
                message = "the local voice failed to synthesize this input; see the server log"
                await self.connection.send(p.ErrorMessage(message, 500, self.id))
        except ConnectionClosed:
            return  # the client is gone (also while being told of an error): nobody to tell
        finally:
            self.stopped.set()
            if self.timer is not None:  # its text would be queued, and counted, for nobody
                self.timer.cancel()
            producer.cancel()
            if self._finishing is not None:
                self._finishing.cancel()
            self.connection.forget(self)

    def _deliver(self, batch: list[Any]) -> None:
        """Queue messages made in a worker thread for the sender on the event loop."""
        if not self.stopped.is_set():
            self._loop.call_soon_threadsafe(self.made.put_nowait, batch)

    async def _produce(self) -> None:
        """Turn queued input into batches of messages on ``made`` (or the exception that ends it).

        Utterance k+1 is synthesized while utterance k is resampled, encoded and sent: the
        engine and the encoders run in different worker threads (both mostly free of the GIL).
        """
        made = self.made
        try:
            while True:
                item = await self.queue.get()
                if item is _END:
                    await self._settle()
                    made.put_nowait([*self._drained(), p.Done(self.id)])
                    return
                if isinstance(item, _Flush):
                    await self._settle()
                    # All audio of the text before the flush goes before its flush_done, with
                    # that text's flush_id: flush ids map audio to transcript submissions.
                    tail = self._drained()
                    self.flush_id = item.flush_id
                    made.put_nowait([*tail, p.FlushDone(self.id, item.flush_id)])
                else:
                    await self._speak(item)
                del item  # waiting idle, it keeps no input (its request, its transcript)
                # Idle after a sentence or a flush (a flush ended the last input: the context
                # stayed live for good).
                if self.queue.empty() and not self.buffer.strip():
                    await self._settle()
                    # Unless more came meanwhile, or it was stopped (its id may be anew live).
                    if self.queue.empty() and not self.buffer.strip() and not self.stopped.is_set():
                        # Idle: live for the linger time after this generation, unless more.
                        self.server.release(self.key, self.lingers_from())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._settle()  # what its earlier input made is sent first
            made.put_nowait(exc)

    async def _settle(self) -> None:
        """Wait until the utterance being finished is made (its failure goes to ``made``)."""
        if self._finishing is not None:
            finishing, self._finishing = self._finishing, None
            await finishing
            self._making = (None, None)  # done: an idle context keeps none of their audio

    def _count(self, chars: int) -> None:
        """Count ``chars`` more (or fewer) characters as waiting to be spoken."""
        self.pending += chars
        self.connection.pending += chars

    async def _speak(self, sentence: _Sentence) -> None:
        if not self.stopped.is_set():  # once stopped, its connection counts none of its text
            self._count(-len(sentence.text))
        if self.sonic2:  # its controls are fields of each request, for that request's text
            self.voicing.speed = base_voicing(sentence.request).speed
        reading = markup.read(sentence.text, self.model_id, self.voicing)
        for what in reading.unsupported:
            self._note(f"{what} is not supported by the local voice; skipped")
        for message in reading.ignored:
            self._note(message)
        request = sentence.request
        for item in reading.items:
            await self.ahead.acquire()  # released when the sender reaches this utterance's end
            # At most two of its utterances are with the voice: the one being spoken and the
            # next, queued so that the voice goes on to it without waiting for this loop.
            earlier, latest = self._making
            if earlier is not None:
                await asyncio.wait([earlier])
            flush_id = self.flush_id
            # With nothing else on the way, the worker sends the first chunk itself at once.
            idle = self._finishing is None or self._finishing.done()
            making = self.server.speak(self._make, item, request, flush_id, idle)
            self._making = (latest, making)
            finish = self._finish_after(self._finishing, making, flush_id)
            self._finishing = asyncio.ensure_future(finish)

    async def _finish_after(
        self,
        previous: asyncio.Future[None] | None,
        making: asyncio.Future[_Spoken],
        flush_id: int | None,
    ) -> None:
        """Finish what ``making`` speaks once the previous utterance is finished (order; one
        resampler)."""
        try:
            if previous is not None:
                await previous
            spoken = await making
            await self.server.run(self._finish, spoken, flush_id)
        except Exception as exc:
            self.made.put_nowait(exc)  # after what is already made: the sender ends there
        finally:
            # Stopped first: what it speaks goes nowhere (and a failure of it is no news).
            if not making.cancel() and not making.cancelled():
                making.exception()

    def _make(
        self,
        item: markup.Utterance | markup.Pause,
        request: p.GenerationRequest,
        flush_id: int | None,
        first: bool,
    ) -> _Spoken:
        """Speak one utterance, and emit its first chunk if ``first`` (in a worker thread)."""
        started = time.perf_counter()
        rate = self.server.engine.sample_rate
        stamps: list[_Stamps] = []
        if isinstance(item, markup.Pause):
            samples = np.zeros(round(item.seconds * rate), np.float32)
        else:
            synthesis = self.server.engine.synthesize(item.words, item.speed)
            samples = np.asarray(synthesis.samples, np.float32)
            if item.volume != 1.0:
                samples = samples * np.float32(item.volume)
            samples = np.clip(samples, -1.0, 1.0)
            stamps = self._stamps(request, item.words, synthesis)
        self.last_generation = time.monotonic()
        spoken = _Spoken(samples, rate, stamps, (time.perf_counter() - started) * 1000)
        if first:
            self._deliver(self._first_chunk(spoken, flush_id))
        return spoken

    def _first_chunk(self, spoken: _Spoken, flush_id: int | None) -> list[Any]:
        """The short chunk an utterance starts with, so its first audio leaves at once."""
        split = math.ceil(FIRST_CHUNK_SAMPLES * spoken.samples_rate / self.format.sample_rate)
        spoken.sent = min(split, len(spoken.samples))
        first = self._resample(spoken.samples[: spoken.sent], last=False)
        return self._chunks(first, spoken.step_ms, flush_id, FIRST_CHUNK_SAMPLES, spoken)

    def _finish(self, spoken: _Spoken, flush_id: int | None) -> None:
        """Resample, encode and emit the rest of an utterance's messages (in a worker thread)."""
        if spoken.sent is None:
            self._deliver(self._first_chunk(spoken, flush_id))
        rest = self._resample(spoken.samples[spoken.sent :], last=False)
        batch = self._chunks(rest, spoken.step_ms, flush_id, spoken=spoken, last=True)
        self.clock += len(spoken.samples) / spoken.samples_rate
        self._deliver([*batch, _UTTERANCE_END])

    def _resample(self, samples: np.ndarray, last: bool) -> np.ndarray:
        """``samples`` at the output rate; ``last`` drains the resampler (what it holds back)."""
        rate = self.server.engine.sample_rate
        if rate == self.format.sample_rate:
            return samples
        if self.resampler is None:
            if last and not len(samples):
                return samples
            self.resampler = soxr.ResampleStream(rate, self.format.sample_rate, 1, "float32")
        out = self.resampler.resample_chunk(samples, last=last)
        if last:
            self.resampler = None
        return out

    def _drained(self) -> list[Any]:
        """Chunk messages of the audio the resampler still holds (none without resampling)."""
        return self._chunks(self._resample(np.zeros(0, np.float32), last=True), 0.0, self.flush_id)

    def _chunks(
        self,
        samples: np.ndarray,
        step_ms: float,
        flush_id: int | None,
        size: int = CHUNK_SAMPLES,
        spoken: _Spoken | None = None,
        last: bool = False,
    ) -> list[Any]:
        """Chunk messages for ``samples``, as JSON text built around the base64 audio.

        The timestamps of utterance ``spoken`` go no later than the audio they cover: each
        chunk follows those that start before its end; after its ``last`` samples come
        those left (words that start in audio the resampler still holds).
        """
        encoded = memoryview(pcm.encode(samples, self.format.encoding))
        width = pcm.BYTES_PER_SAMPLE[self.format.encoding]
        step = size * width
        out: list[Any] = []
        for i in range(0, len(encoded), step):
            piece = encoded[i : i + step]
            self.out += len(piece) // width
            if spoken is not None:
                out.extend(self._told(spoken, self.out / self.format.sample_rate, flush_id))
            out.append(chunk_message(self.id, piece, step_ms, flush_id))
        if spoken is not None and last:
            out.extend(self._told(spoken, None, flush_id))
        return out

    def _told(self, spoken: _Spoken, seconds: float | None, flush_id: int | None) -> list[Any]:
        """The timestamps of ``spoken`` not yet sent that start before ``seconds`` of the
        context (None: all)."""
        return [m for stamps in spoken.stamps for m in stamps.until(seconds, self, flush_id)]

    def _stamps(
        self, request: p.GenerationRequest, words: list[Any], synthesis: Synthesis
    ) -> list[_Stamps]:
        """The timestamps ``request`` asks for, of one utterance's ``words``."""
        stamps: list[_Stamps] = []
        if request.add_timestamps and synthesis.word_times:
            starts, ends = zip(*synthesis.word_times, strict=True)
            stamps.append(_Stamps(p.Timestamps, tuple(w.text for w in words), starts, ends))
        if request.add_phoneme_timestamps:
            if not synthesis.phonemes:
                self._note("this engine gives no phoneme timestamps (install onnx for piper's)")
                return stamps
            names, starts, ends = zip(*synthesis.phonemes, strict=True)
            stamps.append(_Stamps(p.PhonemeTimestamps, names, starts, ends))
        return stamps

    def lingers_from(self) -> float | None:
        """When its linger time starts once idle or over (None: it stops counting at once).

        The spec: "With input streaming, a context stays live for 5 s after its last
        generation". A context that used input streaming lingers after its last generation; one
        that never generated (refused or cancelled before any audio) has no generation to linger
        after. A one-shot context (a single request with continue false) does not use input
        streaming, so it does not linger: it counts only while it is generating. The spec does
        not say so outright for one-shot requests; this reads its "with input streaming" as the
        condition for lingering.
        """
        return self.last_generation if self.streaming else None

    def stop(self) -> None:
        """Stop generating; nothing more is sent for this context."""
        if self.timer is not None:
            self.timer.cancel()
        self.stopped.set()
        self.task.cancel()
        self.connection.forget(self)  # also when the task is cancelled before it ever ran


def remember(kept: dict[str, None], key: str, limit: int) -> bool:
    """Put ``key`` last in ``kept`` (most recently used), forgetting the oldest past ``limit``
    keys; True if ``key`` was not kept before."""
    new = key not in kept
    kept.pop(key, None)
    kept[key] = None
    if len(kept) > limit:
        del kept[next(iter(kept))]
    return new


_NUMBERS = itertools.count()


class _Connection:
    """One client socket: its contexts and the order of its replies."""

    def __init__(self, server: SonicServer, ws: ServerConnection) -> None:
        self.server = server
        self.ws = ws
        # Its live slots are (number, context id): they linger after it closes, when its id()
        # may already be another connection's.
        self.number = next(_NUMBERS)
        self.contexts: dict[str, _Context] = {}
        self.ended: dict[str, None] = {}  # ids whose done or error was sent, oldest first
        self.pending = 0  # characters its contexts have queued, not yet taken to be spoken

    async def send(self, message: Any) -> None:
        """Send one response message as a JSON text frame."""
        await self.ws.send(json.dumps(message.to_dict()))

    async def refuse(self, error: p.ProtocolError) -> None:
        """Send a client error (400, 429), and log it so the operator sees why a client failed."""
        level = logging.WARNING if error.status_code == 429 else logging.INFO
        where = f"context {error.context_id}: " if error.context_id is not None else ""
        log.log(level, "%srefused with %d: %s", where, error.status_code, error.message)
        await self.send(error.to_response())

    def forget(self, context: _Context) -> None:
        """Drop a finished, failed or cancelled context and start its linger time (once: a
        context stopped, then ending, is dropped when stopped; its id may be taken by a new
        context by the time it ends, whose live slot is not this one's to release)."""
        if self.contexts.get(context.id) is context:
            del self.contexts[context.id]
            self.note_ended(context.id)
            self.server.release(context.key, context.lingers_from())
            context._count(-context.pending)  # what it had queued is not to be spoken

    def note_ended(self, context_id: str) -> None:
        """Remember that ``context_id`` ended (the most recent :data:`ENDED_KEPT` ids; an id
        too long to be taken is not kept)."""
        if len(context_id) <= MAX_ID_CHARS:
            remember(self.ended, context_id, ENDED_KEPT)

    async def serve(self) -> None:
        """Answer messages until the client goes away."""
        watch = asyncio.create_task(self._watch_reading())
        try:
            async for message in self.ws:
                try:
                    await self._handle(message)
                except ConnectionClosed:
                    raise
                except p.ProtocolError as exc:
                    context = self.contexts.get(exc.context_id or "")
                    if context is not None:
                        context.stop()
                    if exc.context_id is not None:
                        self.note_ended(exc.context_id)  # the error's done: true ends it
                    await self.refuse(exc)
                except Exception:
                    log.exception("unexpected failure while handling a message")
                    await self.send(
                        p.ErrorMessage("internal server error; see the server log", 500)
                    )
        except ConnectionClosed:
            pass
        finally:
            watch.cancel()
            for context in list(self.contexts.values()):
                context.stop()

    async def _watch_reading(self) -> None:
        """Cut the connection once its client has taken none of what is owed to it for
        ``send_timeout`` seconds (checked that often: what waits in the server's write buffer,
        which fills only when the socket's buffers are full, has not moved)."""
        timeout = self.server.config.send_timeout
        transport = self.ws.transport
        owed = 0
        while True:
            await asyncio.sleep(timeout)
            before, owed = owed, transport.get_write_buffer_size()
            if owed and owed == before:
                log.warning(
                    "connection from %s:%s cut: it took none of the %d bytes owed to it in %g s",
                    *self.ws.remote_address[:2],
                    owed,
                    timeout,
                )
                transport.abort()
                return

    async def _handle(self, message: str | bytes) -> None:
        request = p.parse_request(message)
        if isinstance(request, p.CancelRequest):
            context = self.contexts.get(request.context_id)
            if context is not None:
                context.stop()
            return
        if len(request.context_id) > MAX_ID_CHARS:
            raise p.ProtocolError(
                f"context_id of {len(request.context_id)} characters is too long; at most "
                f"{MAX_ID_CHARS}",
                context_id=request.context_id,
            )
        limit = self.server.config.max_transcript_chars
        if len(request.transcript) > limit:
            raise p.ProtocolError(
                f"transcript of {len(request.transcript)} characters is too long; send at most "
                f"{limit} characters per request (continue the context with more requests)",
                context_id=request.context_id,
            )
        most_pending = max(PENDING_PER_CONNECTION, limit)
        if self.pending + len(request.transcript) > most_pending:
            raise p.ProtocolError(
                f"too much text waiting to be spoken on this connection: {self.pending} "
                f"characters, and at most {most_pending}; send more as its audio comes",
                status_code=429,
                context_id=request.context_id,
            )
        context = self.contexts.get(request.context_id)
        if context is None:
            if not request.transcript and request.ends_context and not request.flush:
                if request.context_id in self.ended:
                    # Ending a context that has finished: nothing to answer (a second "done"
                    # would end the SDK's reading of whatever context comes next).
                    log.debug("context %s: end of a finished context ignored", request.context_id)
                else:
                    # A context ended before any input (an LLM turn with no text): it is done.
                    self.note_ended(request.context_id)
                    await self.send(p.Done(request.context_id))
                return
            most_open = max(OPEN_PER_CONNECTION, self.server.config.max_contexts)
            if len(self.contexts) >= most_open:
                raise p.ProtocolError(
                    f"too many open contexts on this connection: {most_open} have not ended; end "
                    "each context when its input is done (an empty transcript with continue "
                    "false), or cancel it",
                    status_code=429,
                    context_id=request.context_id,
                )
            self.server.note_voice(request.voice)
        # Only text to speak takes a live slot: the spec counts a context live until 5 s after
        # its last generation, and input without text (an empty or blank continuation, a flush
        # or an end with nothing buffered) generates nothing.
        speaks = request.transcript.strip() or (context is not None and context.buffer.strip())
        if speaks and not self.server.acquire((self.number, request.context_id)):
            raise p.ProtocolError(
                f"too many concurrent contexts: the limit is {self.server.config.max_contexts}"
                f" live context ids (a context that streams input stays live "
                f"{self.server.config.linger:g} s after its last generation)",
                status_code=429,
                context_id=request.context_id,
            )
        if context is None:
            # Also on an id that ended (done, error or cancel): the spec does not say what Sonic
            # does with text on such an id; it is spoken as a new context on that id.
            context = _Context(self, request)
            self.contexts[request.context_id] = context
        context.feed(request)


def _asked_version(request: Request) -> str:
    """The ``Cartesia-Version`` a handshake asks for: its header, else its query, else ours."""
    query = parse_qs(urlsplit(request.path).query)
    version = request.headers.get(p.VERSION_HEADER) or query.get(p.VERSION_QUERY, [None])[0]
    return version or p.DEFAULT_VERSION


def _error_response(connection: ServerConnection, status: int, message: str) -> Response:
    body = json.dumps(p.ErrorMessage(message, status).to_dict())
    response = connection.respond(HTTPStatus(status), body + "\n")
    # Headers is a multidict: assigning adds a second Content-Type beside respond()'s text/plain.
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    return response


class SonicServer:
    """The local Sonic-compatible WebSocket server (``async with SonicServer(...) as s``)."""

    def __init__(self, config: ServerConfig | None = None, engine: Engine | str | None = None):
        self.config = config or ServerConfig()
        self.engine = engine if engine is not None and not isinstance(engine, str) else None
        self._engine_name = engine if isinstance(engine, str) else None
        self._server: Server | None = None
        self._live: dict[tuple[int, str], float] = {}
        self._voices: dict[str, None] = {}  # most recently used last
        self._connections: set[_Connection] = set()
        # Connections counted against max_connections from their handshake on: handshakes at
        # once cannot pass the limit before their handlers start. Closed ones drop out.
        self._admitted: set[ServerConnection] = set()
        # One synthesis at a time, in the order asked (each voice speaks one utterance at a
        # time anyway): queued on its own thread, the next utterance starts the moment the voice
        # is free, never behind the event loop or the resampling and encoding of the last.
        self._voice = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sonic-voice")
        self._pool = ThreadPoolExecutor(
            max_workers=min(self.config.max_contexts, os.cpu_count() or 1),
            thread_name_prefix="sonic-work",
        )

    @property
    def port(self) -> int:
        """The port the server listens on (known after start)."""
        if self._server is None:
            raise RuntimeError("the server is not started")
        return self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        """The base URL to give a Sonic client, e.g. ``ws://127.0.0.1:8765``."""
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        return f"ws://{host}:{self.port}"

    async def start(self) -> None:
        """Load the voice and start listening."""
        if self.engine is None:
            loop = asyncio.get_running_loop()
            self.engine = await loop.run_in_executor(
                self._pool, load_engine, self._engine_name, self.config.threads
            )
        self._server = await serve(
            self._handle,
            self.config.host,
            self.config.port,
            process_request=self._check_request,
            process_response=self._add_headers,
            max_size=self.config.max_message_bytes,
            logger=_WS_LOG,
            close_timeout=CLOSE_GRACE,
            compression=None,  # deflating base64 audio costs more than the synthesis
        )
        log.info(
            "Sonic-compatible server at %s (endpoint %s; voice: %s; limit: %d contexts)",
            self.url,
            p.WEBSOCKET_PATH,
            self.engine.name,
            self.config.max_contexts,
        )

    async def close(self) -> None:
        """Stop listening, close connections (cutting those that do not close within
        :data:`CLOSE_GRACE` seconds) and the worker threads."""
        if self._server is not None:
            self._server.close()
            try:
                async with asyncio.timeout(CLOSE_GRACE):
                    await self._server.wait_closed()
            except TimeoutError:
                for connection in list(self._connections):
                    connection.ws.transport.abort()
                await self._server.wait_closed()
            self._server = None
        self._voice.shutdown(wait=False, cancel_futures=True)
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def serve_forever(self) -> None:
        """Run until cancelled."""
        await self.start()
        try:
            await asyncio.Future()
        finally:
            await self.close()

    async def __aenter__(self) -> SonicServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- handshake -----------------------------------------------------------------------

    def _check_request(self, connection: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path.rstrip("/") != p.WEBSOCKET_PATH:
            return _error_response(
                connection, 404, f"no endpoint {url.path!r}; connect to {p.WEBSOCKET_PATH}"
            )
        query = parse_qs(url.query)
        try:
            p.check_version(_asked_version(request))
        except p.ProtocolError as exc:
            return _error_response(connection, 400, exc.message)
        if self.config.api_key is not None and not self._authorized(request.headers, query):
            return _error_response(
                connection,
                401,
                f"missing or wrong API key: send it in the {p.API_KEY_HEADER} header "
                "(or Authorization: Bearer, or the api_key query parameter)",
            )
        self._admitted = {ws for ws in self._admitted if ws.state is not State.CLOSED}
        if len(self._admitted) >= self.config.max_connections:
            return _error_response(
                connection,
                429,
                f"too many connections: the limit is {self.config.max_connections}; close one, "
                "or run many contexts on one connection",
            )
        self._admitted.add(connection)
        return None

    def _authorized(self, headers: Headers, query: dict[str, list[str]]) -> bool:
        assert isinstance(self.config.api_key, Secret)
        expected = self.config.api_key.reveal().encode()
        bearer = headers.get("Authorization", "")
        offered = [
            headers.get(p.API_KEY_HEADER),
            bearer[7:] if bearer.lower().startswith("bearer ") else None,
            *query.get(p.API_KEY_QUERY, []),
        ]
        return any(hmac.compare_digest(value.encode(), expected) for value in offered if value)

    def _add_headers(
        self, connection: ServerConnection, request: Request, response: Response
    ) -> Response:
        with contextlib.suppress(p.ProtocolError):  # a refused version is not echoed
            response.headers[p.VERSION_HEADER] = p.check_version(_asked_version(request))
        return response

    # --- contexts ------------------------------------------------------------------------

    def live_contexts(self) -> int:
        """Live context ids across the server (active, or within their linger time)."""
        now = time.monotonic()
        for key in [k for k, until in self._live.items() if until <= now]:
            del self._live[key]
        return len(self._live)

    def acquire(self, key: tuple[int, str]) -> bool:
        """Count a context as live (again); False when the limit is reached."""
        if self.live_contexts() >= self.config.max_contexts and key not in self._live:
            return False
        self._live[key] = math.inf
        return True

    def release(self, key: tuple[int, str], lingers_from: float | None) -> None:
        """A context is idle or over: live ``linger`` seconds from ``lingers_from`` (or not)."""
        if lingers_from is None:
            self._live.pop(key, None)
        elif key in self._live:
            self._live[key] = lingers_from + self.config.linger

    def note_voice(self, voice: p.Voice) -> None:
        """Log once per voice id (of the :data:`VOICES_KEPT` most recently used) that the
        local voice speaks for it.

        An embedding voice is spoken too, on every API version: the spec has embedding mode
        "on old versions" without saying which, so no version refuses it here.
        """
        name = voice.id or voice.mode
        if len(name) > MAX_ID_CHARS:  # kept and logged by its start: the voice is the same
            name = name[:MAX_ID_CHARS] + "..."
        if remember(self._voices, name, VOICES_KEPT) and name != DEFAULT_VOICE:
            log.info("voice %s is spoken by the local %s voice", name, self.engine.name)

    def speak(self, function: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        """Start ``function`` (a synthesis) on the voice's thread, after those asked before:
        its future."""
        return asyncio.get_running_loop().run_in_executor(self._voice, function, *args)

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function`` (what follows a synthesis) in the worker pool, off the loop."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    async def _handle(self, ws: ServerConnection) -> None:
        connection = _Connection(self, ws)
        self._connections.add(connection)
        try:
            await connection.serve()
        finally:
            self._connections.discard(connection)
            self._admitted.discard(ws)


class LocalServer:
    """A :class:`SonicServer` on a free loopback port, run in a background thread.

    ``with LocalServer(engine="espeak") as server: ...`` gives ``server.url`` for any Sonic
    client; leaving the block stops the server and its connections. In async code use
    ``async with``: it starts and stops the server off the running loop, so that clients on
    that loop go on being served while it stops (a plain ``with`` would block them).
    """

    def __init__(self, engine: Engine | str | None = None, **config: Any) -> None:
        self.server = SonicServer(ServerConfig(**config), engine)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None

    @property
    def url(self) -> str:
        """The base URL to give a Sonic client."""
        return self.server.url

    def __enter__(self) -> LocalServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        async def main() -> None:
            self._stopped = asyncio.Event()
            try:
                await self.server.start()
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            await self._stopped.wait()
            await self.server.close()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(main())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="sonicpipe-local-server", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            raise failure[0]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> LocalServer:
        return await asyncio.to_thread(self.__enter__)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        if self._loop is not None and self._stopped is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join()
            self._thread = None
