"""An asyncio client for Sonic's WebSocket API: many contexts over one connection.

One :class:`SonicClient` keeps one WebSocket open (reconnecting when it drops) and routes every
response to its context by ``context_id``. A :class:`Context` sends inputs (continuations,
flushes, the empty transcript that ends it, cancel) and yields typed responses until ``done``.

Two ways to generate:

* :meth:`SonicClient.generate` — a *whole-text* generation: every input is known up front. A
  429 is retried with exponential back-off and jitter; a dropped connection is retried on a new
  connection from the first input whose audio had not all arrived, and the part of that input
  already delivered is skipped (a retried input may be phrased slightly differently, so only
  that one input can join two generations).
* :meth:`SonicClient.context` — a *live* context fed as text arrives (a conversational turn). A
  429 is raised by its responses (a pipeline turn retries one that came before any audio, on
  a new context); a dropped connection, or an input that cannot reach Sonic, fails it with
  that error, since the caller may already have played part of it.

The API key travels only in the ``X-API-Key`` header; it never appears in URLs, logs, reprs or
error messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import random
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from sonicpipe import pcm
from sonicpipe.config import Secret, check_url
from sonicpipe.sonic import protocol as p

log = logging.getLogger(__name__)

BACKOFF_GROWTH = 10
"""A retry waits at most this many times the base back-off (2 s for the default 0.2 s)."""


class SonicError(Exception):
    """A failure reported by Sonic or met on the way to it."""

    status_code: int | None = None

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        if status_code is not None:
            self.status_code = status_code


class AuthError(SonicError):
    """The API key was refused (401)."""

    status_code = 401


class BadRequestError(SonicError):
    """Sonic rejected a request as invalid (400 and other 4xx)."""

    status_code = 400


class RateLimitError(SonicError):
    """Too many concurrent contexts (429), still refused after the retries."""

    status_code = 429


class ServerError(SonicError):
    """Sonic failed on its side (5xx)."""

    status_code = 500


class SonicTimeout(SonicError):
    """No answer from Sonic in time."""


class ConnectionLost(SonicError):
    """The connection dropped while a live context was running."""


class NoFreeContext(SonicTimeout):
    """No context slot came free in time: ``max_contexts`` contexts stayed in use."""


def check_max_contexts(value: object) -> int:
    """``value`` as a ``max_contexts``: a whole number of at least 1, else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_contexts: expected a whole number of at least 1, got {value!r}")
    return value


def error_for(message: p.ErrorMessage, key: Secret | None = None) -> SonicError:
    """The typed exception for an error message from the server, the API ``key`` masked out
    of it (a server may echo what it was sent)."""
    text = f"Sonic error {message.status_code}: {message.error}"
    if key is not None:
        text = key.mask(text)
    if message.status_code == 401:
        return AuthError(text)
    if message.status_code == 429:
        return RateLimitError(text)
    if message.status_code >= 500:
        return ServerError(text, message.status_code)
    return BadRequestError(text, message.status_code)


class _Redacting(logging.LoggerAdapter):  # type: ignore[type-arg]
    """websockets logs request headers and frames at debug level: keep the API key out."""

    def __init__(self, logger: logging.Logger, secret: Secret | None) -> None:
        super().__init__(logger, {})
        self.secret = secret

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if self.secret and args and self.isEnabledFor(level):
            # frames too ("< %s"): a server may echo the key in a message or a close reason
            args = tuple(
                a if isinstance(a, int | float) else self.secret.mask(str(a)) for a in args
            )
        super().log(level, msg, *args, **kwargs)


class _Failed:
    """Put in a context's queue when it fails outside Sonic's messages (its connection dropped
    or could not be made): its reader raises ``error``."""

    def __init__(self, error: SonicError) -> None:
        self.error = error


class _Owed:
    """Put in a context's queue when an answer becomes owed: a consumer waiting with no
    timeout starts the timeout from now."""


class Context:
    """One generation context: send inputs, then iterate over its responses.

    ``template`` holds everything but the transcript (model, voice, format, timestamps...).
    """

    def __init__(self, client: SonicClient, template: p.GenerationRequest) -> None:
        self.client = client
        self.id = template.context_id
        self.template = template
        self.queue: asyncio.Queue[p.Response | _Failed | _Owed] = asyncio.Queue()
        self.finished = False
        self._ws: ClientConnection | None = None
        self._failed: SonicError | None = None  # why no input can go out any more
        # What the server owes us: silence is a timeout only while an answer is owed, so a
        # live context may wait idle for its next input (an LLM thinking) as long as it likes.
        self._ended = False  # the empty transcript was sent: `done` is owed
        self._flushes_owed = 0  # flushes sent whose flush_done has not arrived
        self._unanswered = False  # an input was sent and nothing has arrived since

    def __repr__(self) -> str:
        return f"Context({self.id!r}, finished={self.finished})"

    async def send(
        self, transcript: str, *, more: bool = True, flush: bool = False, **fields: Any
    ) -> None:
        """Send one input; ``more=False`` says no input follows (it ends the context).

        ``flush=True`` asks for a ``flush_done`` once this input's audio is out. ``fields``
        override the template for this input (e.g. ``generation_config``). Nothing goes out
        on a finished context (one cancelled while its first input waited for the connection).
        """
        request = replace(
            self.template, **fields, transcript=transcript, continue_=more, flush=flush
        )
        await self._send(request.to_dict())
        if not self._owed():
            self.queue.put_nowait(_Owed())
        self._unanswered = True
        self._flushes_owed += flush
        self._ended = not more

    def _owed(self) -> bool:
        """Whether the server owes an answer, so that silence is a timeout."""
        return self._ended or self._flushes_owed > 0 or self._unanswered

    async def end(self) -> None:
        """End the context: an empty transcript with ``continue: false``.

        A context that never sent an input ends at once, without a word to the server.
        """
        if self._ws is None:
            self._ended = True
            self.queue.put_nowait(p.Done(self.id))
            return
        await self.send("", more=False)

    async def cancel(self) -> None:
        """Stop generation; audio already sent cannot be recalled.

        Ends iteration of :meth:`responses`, also for a consumer waiting in it right now. The
        cancel goes only to the connection the context lives on, while it is open: a context
        on a dropped connection, or of a closed client, is over there already.
        """
        if not self.finished:
            if self._ws is not None and self._ws is self.client._ws:
                await self._cancel_on(self._ws)
            self.queue.put_nowait(p.Done(self.id))
        self._finish()

    def unread(self) -> list[p.Response]:
        """The chunks, timestamps and flush_done messages that arrived but were not read
        (after :meth:`cancel`: those that came before it)."""
        unread = []
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if isinstance(item, p.Chunk | p.Timestamps | p.FlushDone):
                unread.append(item)
        return unread

    async def _cancel_on(self, ws: ClientConnection) -> None:
        """Send this context's cancel on ``ws`` (a connection closed meanwhile needs none)."""
        with contextlib.suppress(ConnectionClosed):
            await ws.send(json.dumps(p.CancelRequest(self.id).to_dict()))

    async def _send(self, message: dict[str, Any]) -> None:
        """Send on the context's connection (the first input opens it, if need be); an input
        that cannot go out fails the context (see :meth:`_fail`)."""
        if self._failed is not None:
            raise copy.copy(self._failed)
        try:
            ws = await self.client._connection()
            if self.finished:  # cancelled while the connection opened: no input now
                return
            if self._ws is None:
                self._ws = ws
            elif ws is not self._ws:
                raise ConnectionLost(
                    f"context {self.id}: the connection dropped; start a new context"
                )
            await ws.send(json.dumps(message))
        except ConnectionClosed as exc:
            reason = self.client._masked(str(exc))
            error: SonicError = ConnectionLost(
                f"context {self.id}: the connection dropped ({reason})"
            )
        except SonicError as exc:  # no connection: refused, unreachable, or a closed client
            error = exc
        else:
            return
        self._fail(error)
        raise error from None

    def _fail(self, error: SonicError) -> None:
        """The context cannot go on: its reader raises ``error`` (also one waiting now, who
        would wait for ever), and so does every later input, even once a new connection is
        up (the context's slot is freed when its reader stops)."""
        if self._failed is None:
            self._failed = error
            self.queue.put_nowait(_Failed(copy.copy(error)))

    def _finish(self) -> None:
        self.finished = True
        if self.client._routes.get(self.id) is self:
            del self.client._routes[self.id]
        self.client._slots.release_once(self)

    async def responses(self) -> AsyncIterator[p.Response]:
        """Yield chunks, timestamps and flush_done messages until ``done``.

        An error message raises its typed :class:`SonicError`; silence longer than the client's
        timeout raises :class:`SonicTimeout` (and cancels the context); a dropped connection
        :class:`ConnectionLost`; an input that could not reach Sonic the error it met.
        Closing the iterator early, or cancelling its consumer, leaves the context live, for
        its owner to read on or :meth:`cancel`.
        """
        early = False
        try:
            while not self.finished:
                try:  # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel
                    async with asyncio.timeout(self.client.timeout if self._owed() else None):
                        item = await self.queue.get()
                except TimeoutError:
                    await self.cancel()  # Sonic may only be slow: free its slot there too
                    raise SonicTimeout(
                        f"context {self.id}: no answer in {self.client.timeout:g} s"
                    ) from None
                if isinstance(item, _Owed):
                    continue
                self._unanswered = False
                if isinstance(item, p.FlushDone):
                    self._flushes_owed = max(0, self._flushes_owed - 1)
                if isinstance(item, _Failed):
                    raise item.error
                if isinstance(item, p.ErrorMessage):
                    raise error_for(item, self.client._key)
                if isinstance(item, p.Done):
                    return
                yield item
        except (GeneratorExit, asyncio.CancelledError):
            early = True
            raise
        finally:
            if not early:
                self._finish()


class _Slots:
    """The local concurrency limit: one slot per live context."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.semaphore = asyncio.Semaphore(limit)
        self.holders: set[int] = set()

    async def acquire(self, context: Context, timeout: float) -> None:
        """Take a slot for ``context``, waiting at most ``timeout`` seconds for one."""
        if self.semaphore.locked():
            log.info("context %s waits for a free slot: %s", context.id, self._in_use())
        try:
            async with asyncio.timeout(timeout):
                await self.semaphore.acquire()
        except TimeoutError:
            raise NoFreeContext(
                f"context {context.id}: no free slot in {timeout:g} s: {self._in_use()} (end, "
                "interrupt or close contexts to free theirs: a context holds its slot until "
                "its responses are read to the end or it is cancelled)"
            ) from None
        self.holders.add(id(context))

    def _in_use(self) -> str:
        """How many slots are held, and the limit, in words for the log and errors."""
        return f"{len(self.holders)} contexts in use, max_contexts={self.limit}"

    def release_once(self, context: Context) -> None:
        if id(context) in self.holders:
            self.holders.discard(id(context))
            self.semaphore.release()


class SonicClient:
    """A Sonic WebSocket client (``async with SonicClient(url, key) as client``).

    ``url`` is the base URL (``wss://api.cartesia.ai`` or ``ws://127.0.0.1:PORT``);
    ``/tts/websocket`` is appended unless present. ``max_contexts`` bounds the contexts open at
    once on this client; ``retries`` bounds 429 and reconnection retries, which wait
    ``backoff`` seconds, doubling up to ``BACKOFF_GROWTH`` times that (the defaults wait
    7.5 s or more in all, past the 5 s a finished context stays live on Sonic).
    """

    def __init__(
        self,
        url: str,
        api_key: Secret | str | None = None,
        *,
        version: str = p.DEFAULT_VERSION,
        max_contexts: int = 8,
        timeout: float = 30.0,
        retries: int = 10,
        backoff: float = 0.2,
        ping_interval: float | None = 20.0,
    ) -> None:
        check_url(url)  # no credential (nor query) in the URL: the key goes in a header
        base = url.rstrip("/")
        self.url = base if base.endswith(p.WEBSOCKET_PATH) else base + p.WEBSOCKET_PATH
        key = api_key if isinstance(api_key, Secret | None) else Secret(api_key)
        self._key = key or None  # an empty key is no key, as in the settings
        self.version = version
        self.max_contexts = check_max_contexts(max_contexts)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.ping_interval = ping_interval
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._connecting = asyncio.Lock()
        self._routes: dict[str, Context] = {}
        self._slots = _Slots(max_contexts)
        self._closed = False

    def __repr__(self) -> str:
        key = "set" if self._key else "none"
        return f"SonicClient({self.url!r}, api_key={key}, contexts={len(self._routes)})"

    def _masked(self, text: str) -> str:
        """``text`` from the server with the API key masked, should it echo it."""
        return self._key.mask(text) if self._key is not None else text

    async def __aenter__(self) -> SonicClient:
        await self._connection()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def connect(self) -> None:
        """Open the connection now rather than at the first context's first input: that input
        then pays no handshake, and a refused key or a missing server is known at once."""
        await self._connection()

    async def close(self) -> None:
        """Close the connection for good: live contexts are cancelled on the server and fail
        here with :class:`ConnectionLost`, as do those that sent nothing yet; a closed client
        does not connect again."""
        self._closed = True
        ws, self._ws = self._ws, None
        if ws is not None:
            for context in list(self._routes.values()):
                if context._ws is ws and not context.finished:
                    await context._cancel_on(ws)
            await ws.close()
        if self._reader is not None:
            await self._reader
            self._reader = None
        for context in list(self._routes.values()):  # not on the connection: none sent yet
            context._fail(ConnectionLost(f"context {context.id}: the client is closed"))

    def _check_open(self) -> None:
        """Refuse to go on once :meth:`close` was called."""
        if self._closed:
            raise ConnectionLost(f"{self!r} is closed; make a new client")

    async def _connection(self) -> ClientConnection:
        async with self._connecting:
            self._check_open()
            if self._ws is not None:
                return self._ws
            headers = {p.VERSION_HEADER: self.version}
            if self._key is not None:
                headers[p.API_KEY_HEADER] = self._key.reveal()
            try:
                ws = await websockets.connect(
                    self.url,
                    additional_headers=headers,
                    ping_interval=self.ping_interval,
                    max_size=None,
                    open_timeout=self.timeout,
                    logger=_Redacting(logging.getLogger("websockets.client"), self._key),
                )
            except InvalidStatus as exc:
                raise self._refused(exc) from None
            # InvalidHandshake: the peer closed during the handshake or is no HTTP server
            except (OSError, TimeoutError, InvalidHandshake) as exc:
                # masked: a header value no header can carry (a key with a line break in it)
                # is quoted in the error
                reason = self._masked(str(exc))
                raise ConnectionLost(f"cannot connect to {self.url}: {reason}") from None
            if self._closed:  # close() came during the handshake: this connection is not kept
                await ws.close()
                self._check_open()
            self._ws = ws
            self._reader = asyncio.create_task(self._read(ws), name="sonic-reader")
            return ws

    def _refused(self, exc: InvalidStatus) -> SonicError:
        status = exc.response.status_code
        try:
            body = exc.response.body.decode("utf-8", "replace") if exc.response.body else ""
            detail = p.ErrorMessage.from_dict(json.loads(body)).error
        except (ValueError, AttributeError):
            detail = exc.response.reason_phrase
        return error_for(p.ErrorMessage(f"connection refused: {detail}", status), self._key)

    async def _read(self, ws: ClientConnection) -> None:
        reason = "the connection closed"
        try:
            async for raw in ws:
                try:
                    message = p.parse_response(raw)
                except (p.ProtocolError, ValueError) as exc:
                    error = self._masked(str(exc))
                    log.warning("ignoring a malformed message from Sonic: %s", error)
                    continue
                context = self._routes.get(message.context_id or "")
                if context is not None:
                    context.queue.put_nowait(message)
                elif isinstance(message, p.ErrorMessage):
                    # for a context already given up (cancelled, retried): nobody to tell
                    level = logging.DEBUG if message.context_id else logging.WARNING
                    error = self._masked(message.error)
                    log.log(level, "Sonic error for no live context: %s", error)
        except ConnectionClosed as exc:
            reason = f"the connection dropped ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
        finally:
            if self._ws is ws:
                self._ws = None
            for context in list(self._routes.values()):
                if context._ws is ws:
                    context._fail(ConnectionLost(f"context {context.id}: {reason}"))

    async def context(self, template: p.GenerationRequest) -> Context:
        """Open a live context: waits for a free slot under ``max_contexts``, at most the
        client's ``timeout`` (then :class:`NoFreeContext`).

        The template's ``context_id`` is used when set, else a fresh one is made. A closed
        client raises :class:`ConnectionLost`.
        """
        self._check_open()
        if not template.context_id:
            template = replace(template, context_id=new_context_id())
        context = Context(self, template)
        await self._slots.acquire(context, self.timeout)
        self._routes[context.id] = context
        return context

    async def generate(
        self, template: p.GenerationRequest, inputs: Sequence[str | Mapping[str, Any]]
    ) -> AsyncIterator[p.Response]:
        """Generate a whole text: send ``inputs`` as continuations on one context, then end it.

        An input is a transcript, or a mapping of request fields with a ``transcript`` (the
        fields override the template for that input). Every input is followed by a flush, so
        each ``flush_done`` (numbered 1, 2... across retries) marks where an input's audio
        ends. Responses are yielded as they arrive.

        A 429 or a dropped connection is retried with back-off on a new context that resumes
        at the first input whose ``flush_done`` had not arrived; the audio and word timestamps
        of that input already yielded are skipped, and later timestamps are shifted to count
        from the start of all audio yielded. Nothing is lost or repeated; only the one input
        cut by the failure may be joined from two generations.
        """
        items = [{"transcript": i} if isinstance(i, str) else dict(i) for i in inputs]
        fmt = template.output_format
        finished = 0  # inputs whose flush_done was yielded
        done_seconds = 0.0  # audio yielded for them
        partial: dict[str, int] = {}  # of the next input: audio bytes and timestamps yielded
        attempt = 0
        while True:
            context = await self.context(replace(template, context_id=new_context_id()))
            first, offset = finished, done_seconds
            skip = dict(partial)
            try:
                for item in items[first:]:
                    fields = dict(item)
                    await context.send(fields.pop("transcript"), flush=True, **fields)
                await context.end()
                async with contextlib.aclosing(context.responses()) as responses:
                    async for message in responses:
                        if isinstance(message, p.FlushDone):
                            finished += 1
                            done_seconds += pcm.duration(
                                partial.get("audio", 0), fmt.encoding, fmt.sample_rate
                            )
                            partial.clear()
                            skip.clear()
                            yield p.FlushDone(message.context_id, finished)
                            continue
                        fresh = _unseen(_shifted(message, first, offset), skip, partial)
                        if fresh is not None:
                            yield fresh
                return
            except (RateLimitError, ConnectionLost) as exc:
                await context.cancel()
                attempt += 1
                if attempt > self.retries:
                    raise
                delay = backoff_delay(self.backoff, attempt)
                log.info("retrying from input %d in %.2f s (attempt %d): %s",
                         finished + 1, delay, attempt, exc)  # fmt: skip
                await asyncio.sleep(delay)
            except BaseException:
                await context.cancel()
                raise


def _shifted(message: p.Response, first: int, offset: float) -> p.Response:
    """A response of a context that began at input ``first`` and second ``offset``, renumbered."""
    if isinstance(message, p.Chunk):
        return replace(message, flush_id=first + (message.flush_id or 0) or None)
    if isinstance(message, p.Timestamps) and offset:
        return replace(
            message,
            start=tuple(t + offset for t in message.start),
            end=tuple(t + offset for t in message.end),
        )
    return message


def _unseen(message: p.Response, skip: dict[str, int], seen: dict[str, int]) -> p.Response | None:
    """Drop the part of ``message`` that an earlier attempt already yielded (``skip``)."""
    if isinstance(message, p.Chunk):
        kind, size = "audio", len(message.audio)
    elif isinstance(message, p.Timestamps):
        kind, size = message.TYPE, len(message.words)
    else:
        return message
    drop = min(size, skip.get(kind, 0))
    skip[kind] = skip.get(kind, 0) - drop
    if drop == size:
        return None
    seen[kind] = seen.get(kind, 0) + size - drop
    if drop == 0:
        return message
    if isinstance(message, p.Chunk):
        return replace(message, audio=message.audio[drop:])
    return replace(
        message, words=message.words[drop:], start=message.start[drop:], end=message.end[drop:]
    )


def backoff_delay(base: float, attempt: int) -> float:
    """Capped exponential back-off with jitter.

    About ``base * 2**(attempt-1)``, at most ``base * BACKOFF_GROWTH``, times 0.5 to 1.5.
    """
    return base * min(2 ** (attempt - 1), BACKOFF_GROWTH) * (0.5 + random.random())


def new_context_id() -> str:
    """A fresh, unique context id."""
    return uuid.uuid4().hex
