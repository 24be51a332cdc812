"""Sonic's WebSocket messages as typed values: pure, no I/O, usable by server and client.

Every client message (generation request, cancel) and server message (chunk, timestamps,
phoneme timestamps, flush_done, done, error) has a dataclass with ``to_dict`` (the JSON object
sent on the wire) and ``from_dict`` (parse and validate one). Validation failures raise
:class:`ProtocolError`, which carries the HTTP-like status code and turns into the spec's
error message with :meth:`ProtocolError.to_response`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, ClassVar

from sonicpipe.config import (
    DEFAULT_VOICE,
    ENCODINGS,
    KNOWN_MODELS,
    SAMPLE_RATES,
    ConfigError,
    OutputFormat,
    is_known_model,
)
from sonicpipe.controls import (
    SONIC2_EMOTION_NAMES,
    SONIC2_LEVELS,
    SONIC2_SPEED_WORDS,
    ControlError,
    check_emotion,
    check_speed,
    check_volume,
)

__all__ = [
    "API_KEY_HEADER",
    "CONTAINERS",
    "DEFAULT_VERSION",
    "ENCODINGS",
    "SAMPLE_RATES",
    "VERSIONS",
    "VERSION_HEADER",
    "WEBSOCKET_PATH",
    "CancelRequest",
    "Chunk",
    "Done",
    "ErrorMessage",
    "FlushDone",
    "GenerationConfig",
    "GenerationRequest",
    "PhonemeTimestamps",
    "ProtocolError",
    "Timestamps",
    "Voice",
    "parse_request",
    "parse_response",
]

DEFAULT_VERSION = "2025-04-16"
# Versions the docs name; the official SDK 4.x sends the last one.
VERSIONS = ("2024-06-10", "2024-11-13", "2025-04-16", "2026-08-14")
API_KEY_HEADER = "X-API-Key"
VERSION_HEADER = "Cartesia-Version"
API_KEY_QUERY = "api_key"
VERSION_QUERY = "cartesia_version"
WEBSOCKET_PATH = "/tts/websocket"
# Containers Cartesia knows; the WebSocket returns "raw" only.
CONTAINERS = ("raw", "wav", "mp3")
BUFFER_DELAY_RANGE_MS = (0, 5000)
DEFAULT_BUFFER_DELAY_MS = 3000
# sonic-2 experimental speed: a number in [-1, 1] or one of these words.
SONIC2_SPEEDS = tuple(SONIC2_SPEED_WORDS)
MODEL_SPEEDS = ("slow", "normal", "fast")
VOICE_MODES = ("id", "embedding")

STATUS_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
}

_VERSION_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class ProtocolError(ValueError):
    """A message that breaks the protocol; ``status_code`` is what the server answers."""

    def __init__(self, message: str, status_code: int = 400, context_id: str | None = None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.context_id = context_id

    def to_response(self) -> ErrorMessage:
        """The spec's error message for this failure."""
        return ErrorMessage(self.message, self.status_code, self.context_id)


def check_version(value: str) -> str:
    """Return a ``Cartesia-Version`` value if it is a real date ``YYYY-MM-DD``, else raise.

    Any real date is taken, not only the known versions: Cartesia dates its versions and
    accepts newer ones.
    """
    try:
        real = bool(_VERSION_RE.match(value)) and bool(date.fromisoformat(value))
    except ValueError:  # 2024-13-45
        real = False
    if not real:
        raise ProtocolError(
            f"{VERSION_HEADER} {value!r} is not a version; use a date such as "
            f"{DEFAULT_VERSION} (known: {', '.join(VERSIONS)})"
        )
    return value


# --- field readers: each names the field, the expected type and the value received ----------


def _type_error(where: str, what: str, value: Any) -> ProtocolError:
    shown = json.dumps(value)[:60] if _jsonable(value) else repr(value)[:60]
    return ProtocolError(f"{where}: expected {what}, got {type(value).__name__} {shown}")


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _str(data: Mapping[str, Any], key: str, where: str = "") -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise _type_error(where + key, "a string", value)
    return value


def _bool(data: Mapping[str, Any], key: str, where: str = "") -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise _type_error(where + key, "true or false", value)
    return value


def _number(data: Mapping[str, Any], key: str, where: str = "") -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(where + key, "a number", value)
    return value


def _object(data: Mapping[str, Any], key: str, where: str = "") -> Mapping[str, Any] | None:
    value = data.get(key)
    if value is not None and not isinstance(value, Mapping):
        raise _type_error(where + key, "an object", value)
    return value


def _whole(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise _type_error(key, "a whole number", value)
    return value


def _items(
    body: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...], what: str
) -> tuple[Any, ...]:
    """The list ``body[key]`` (empty when absent) of ``kind`` items, as a tuple."""
    value = body.get(key, [])
    if not isinstance(value, list) or not all(
        isinstance(item, kind) and not isinstance(item, bool) for item in value
    ):
        raise _type_error(where + key, what, value)
    return tuple(value)


def _no_unknown(data: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ProtocolError(
            f"{where}unknown field {unknown[0]!r}; valid fields: {', '.join(sorted(known))}"
        )


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


# --- client -> server --------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    """A voice specifier: ``{"mode": "id", "id": ...}`` plus sonic-2 experimental controls."""

    id: str | None = None
    mode: str = "id"
    embedding: tuple[float, ...] | None = None
    experimental_controls: Mapping[str, Any] | None = None

    FIELDS: ClassVar[tuple[str, ...]] = ("mode", "id", "embedding", "__experimental_controls")

    def to_dict(self) -> dict[str, Any]:
        """The ``voice`` object of a request."""
        out: dict[str, Any] = {"mode": self.mode}
        if self.id is not None:
            out["id"] = self.id
        if self.embedding is not None:
            out["embedding"] = list(self.embedding)
        if self.experimental_controls:
            out["__experimental_controls"] = dict(self.experimental_controls)
        return out

    @classmethod
    def from_dict(cls, data: Any) -> Voice:
        """Parse ``voice``: an object, or a bare voice id string (as the official SDK allows)."""
        if isinstance(data, str):
            if not data:
                raise ProtocolError("voice: expected a voice id, got an empty string")
            return cls(id=data)
        if not isinstance(data, Mapping):
            raise _type_error("voice", 'an object such as {"mode": "id", "id": "..."}', data)
        _no_unknown(data, cls.FIELDS, "voice: ")
        mode = _str(data, "mode", "voice.") or "id"
        if mode not in VOICE_MODES:
            raise ProtocolError(
                f"voice.mode {mode!r} is not valid; valid: {', '.join(VOICE_MODES)}"
            )
        voice_id = _str(data, "id", "voice.")
        embedding = data.get("embedding")
        if mode == "id" and not voice_id:
            raise ProtocolError("voice.id: required when voice.mode is 'id'")
        if mode == "embedding":
            if not isinstance(embedding, list) or not all(
                isinstance(x, int | float) and not isinstance(x, bool) for x in embedding
            ):
                raise _type_error("voice.embedding", "a list of numbers", embedding)
            embedding = tuple(float(x) for x in embedding)
        elif embedding is not None:
            raise ProtocolError("voice.embedding: only valid with voice.mode 'embedding'")
        controls = _object(data, "__experimental_controls", "voice.")
        if controls is not None:
            _check_experimental(controls)
        return cls(voice_id, mode, embedding, dict(controls) if controls else None)


def _check_experimental(controls: Mapping[str, Any]) -> None:
    where = "voice.__experimental_controls."
    _no_unknown(controls, ("speed", "emotion"), where[:-1] + ": ")
    speed = controls.get("speed")
    if speed is not None:
        if isinstance(speed, str):
            if speed not in SONIC2_SPEEDS:
                raise ProtocolError(
                    f"{where}speed {speed!r} is not valid; use a number from -1 to 1 or one "
                    f"of {', '.join(SONIC2_SPEEDS)}"
                )
        elif isinstance(speed, bool) or not isinstance(speed, int | float):
            raise _type_error(where + "speed", "a number from -1 to 1 or a speed word", speed)
        elif not -1 <= speed <= 1:
            raise ProtocolError(f"{where}speed {speed:g} is out of range; valid: -1 to 1")
    emotions = controls.get("emotion")
    if emotions is not None:
        if not isinstance(emotions, list) or not all(isinstance(e, str) for e in emotions):
            raise _type_error(where + "emotion", 'a list such as ["positivity:high"]', emotions)
        for item in emotions:  # the spec's "name:level"; a bare name is let through too
            name, colon, level = item.partition(":")
            if name not in SONIC2_EMOTION_NAMES or (colon and level not in SONIC2_LEVELS):
                raise ProtocolError(
                    f"{where}emotion {item!r} is not valid; use name[:level] with name one of "
                    f"{', '.join(SONIC2_EMOTION_NAMES)} and level one of {', '.join(SONIC2_LEVELS)}"
                )


@dataclass(frozen=True)
class GenerationConfig:
    """sonic-3 ``generation_config``: speed 0.6–1.5, volume 0.5–2.0, one emotion."""

    speed: float | None = None
    volume: float | None = None
    emotion: str | None = None

    FIELDS: ClassVar[tuple[str, ...]] = ("speed", "volume", "emotion")

    def to_dict(self) -> dict[str, Any]:
        """The ``generation_config`` object of a request."""
        return _without_none({"speed": self.speed, "volume": self.volume, "emotion": self.emotion})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GenerationConfig:
        """Parse and range-check ``generation_config``."""
        _no_unknown(data, cls.FIELDS, "generation_config: ")
        where = "generation_config."
        speed = _number(data, "speed", where)
        volume = _number(data, "volume", where)
        emotion = data.get("emotion")
        if isinstance(emotion, list):  # the docs show both a value and a one-item list
            emotion = emotion[0] if len(emotion) == 1 else emotion
        if emotion is not None and not isinstance(emotion, str):
            raise _type_error(where + "emotion", "an emotion name", emotion)
        try:
            return cls(
                speed=check_speed(speed) if speed is not None else None,
                volume=check_volume(volume) if volume is not None else None,
                emotion=check_emotion(emotion) if emotion is not None else None,
            )
        except ControlError as exc:
            raise ProtocolError(f"generation_config: {exc}") from None


def _output_format(data: Any) -> OutputFormat:
    if not isinstance(data, Mapping):
        raise _type_error("output_format", "an object with container, encoding, sample_rate", data)
    _no_unknown(data, ("container", "encoding", "sample_rate", "bit_rate"), "output_format: ")
    container = _str(data, "container", "output_format.") or "raw"
    if container not in CONTAINERS:
        raise ProtocolError(
            f"output_format.container {container!r} is not valid; valid: {', '.join(CONTAINERS)}"
        )
    if container != "raw":
        raise ProtocolError(
            f"output_format.container {container!r} is not available on the WebSocket, which "
            "returns 'raw' only (wav and mp3 are for the HTTP bytes endpoint)"
        )
    encoding = _str(data, "encoding", "output_format.")
    if encoding is None:
        raise ProtocolError(f"output_format.encoding: required; valid: {', '.join(ENCODINGS)}")
    rate = data.get("sample_rate")
    if rate is None:
        raise ProtocolError(
            f"output_format.sample_rate: required; valid: {', '.join(map(str, SAMPLE_RATES))}"
        )
    if isinstance(rate, bool) or not isinstance(rate, int):
        raise _type_error(
            "output_format.sample_rate", f"one of {', '.join(map(str, SAMPLE_RATES))}", rate
        )
    try:
        return OutputFormat(encoding=encoding, sample_rate=rate, container=container)
    except ConfigError as exc:
        raise ProtocolError(str(exc)) from None


@dataclass(frozen=True)
class GenerationRequest:
    """A generation request on a context (a first input, a continuation, a flush or an end)."""

    context_id: str
    transcript: str
    model_id: str = "sonic-3"
    voice: Voice = field(default_factory=lambda: Voice(id=DEFAULT_VOICE))
    output_format: OutputFormat = field(default_factory=OutputFormat)
    language: str | None = None
    continue_: bool = False
    max_buffer_delay_ms: int | None = None
    add_timestamps: bool = False
    add_phoneme_timestamps: bool = False
    use_normalized_timestamps: bool = False
    generation_config: GenerationConfig | None = None
    pronunciation_dict_id: str | None = None
    flush: bool = False
    speed: str | None = None

    FIELDS: ClassVar[tuple[str, ...]] = (
        "context_id", "transcript", "model_id", "voice", "output_format", "language",
        "continue", "max_buffer_delay_ms", "add_timestamps", "add_phoneme_timestamps",
        "use_normalized_timestamps", "generation_config", "pronunciation_dict_id", "flush",
        "speed",
    )  # fmt: skip

    @property
    def ends_context(self) -> bool:
        """True when this request says no more input follows on its context."""
        return not self.continue_

    @property
    def buffer_delay_ms(self) -> int:
        """The buffering delay in force (the spec's default when absent)."""
        if self.max_buffer_delay_ms is None:
            return DEFAULT_BUFFER_DELAY_MS
        return self.max_buffer_delay_ms

    def to_dict(self) -> dict[str, Any]:
        """The JSON object sent on the wire."""
        out: dict[str, Any] = {
            "context_id": self.context_id,
            "model_id": self.model_id,
            "transcript": self.transcript,
            "voice": self.voice.to_dict(),
            "output_format": self.output_format.to_dict(),
            "continue": self.continue_,
        }
        optional = {
            "language": self.language,
            "max_buffer_delay_ms": self.max_buffer_delay_ms,
            "add_timestamps": self.add_timestamps or None,
            "add_phoneme_timestamps": self.add_phoneme_timestamps or None,
            "use_normalized_timestamps": self.use_normalized_timestamps or None,
            "generation_config": self.generation_config.to_dict()
            if self.generation_config
            else None,
            "pronunciation_dict_id": self.pronunciation_dict_id,
            "flush": self.flush or None,
            "speed": self.speed,
        }
        out.update(_without_none(optional))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GenerationRequest:
        """Parse and validate a request; errors carry the request's context id when it has one."""
        context_id = data.get("context_id")
        try:
            return cls._parse(data)
        except ProtocolError as exc:
            exc.context_id = context_id if isinstance(context_id, str) else None
            raise

    @classmethod
    def _parse(cls, data: Mapping[str, Any]) -> GenerationRequest:
        _no_unknown(data, cls.FIELDS, "")
        context_id = _str(data, "context_id")
        if not context_id:
            raise ProtocolError("context_id: required (a non-empty string chosen by the client)")
        transcript = _str(data, "transcript")
        if transcript is None:
            raise ProtocolError("transcript: required (a string; empty to end the context)")
        model_id = _str(data, "model_id")
        if not model_id:
            raise ProtocolError("model_id: required, e.g. sonic-3")
        if not is_known_model(model_id):
            raise ProtocolError(
                f"model_id {model_id!r} is not a valid model; valid: {KNOWN_MODELS}"
            )
        if "voice" not in data:
            raise ProtocolError('voice: required, e.g. {"mode": "id", "id": "<voice id>"}')
        voice = Voice.from_dict(data["voice"])
        if "output_format" not in data:
            raise ProtocolError(
                "output_format: required, e.g. "
                '{"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000}'
            )
        output_format = _output_format(data["output_format"])
        delay = data.get("max_buffer_delay_ms")
        if delay is not None:
            if isinstance(delay, bool) or not isinstance(delay, int):
                raise _type_error("max_buffer_delay_ms", "an integer number of milliseconds", delay)
            low, high = BUFFER_DELAY_RANGE_MS
            if not low <= delay <= high:
                raise ProtocolError(
                    f"max_buffer_delay_ms {delay} is out of range; valid: {low} to {high}"
                )
        config = _object(data, "generation_config")
        speed = _str(data, "speed")
        if speed is not None and speed not in MODEL_SPEEDS:
            raise ProtocolError(f"speed {speed!r} is not valid; valid: {', '.join(MODEL_SPEEDS)}")
        return cls(
            context_id=context_id,
            transcript=transcript,
            model_id=model_id,
            voice=voice,
            output_format=output_format,
            language=_str(data, "language"),
            continue_=bool(_bool(data, "continue")),
            max_buffer_delay_ms=delay,
            add_timestamps=bool(_bool(data, "add_timestamps")),
            add_phoneme_timestamps=bool(_bool(data, "add_phoneme_timestamps")),
            use_normalized_timestamps=bool(_bool(data, "use_normalized_timestamps")),
            generation_config=GenerationConfig.from_dict(config) if config is not None else None,
            pronunciation_dict_id=_str(data, "pronunciation_dict_id"),
            flush=bool(_bool(data, "flush")),
            speed=speed,
        )


@dataclass(frozen=True)
class CancelRequest:
    """``{"context_id": ..., "cancel": true}``: stop generating on a context."""

    context_id: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON object sent on the wire."""
        return {"context_id": self.context_id, "cancel": True}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CancelRequest:
        """Parse a cancel message."""
        context_id = data.get("context_id")
        cid = context_id if isinstance(context_id, str) else None
        try:
            _no_unknown(data, ("context_id", "cancel"), "cancel: ")
            if data.get("cancel") is not True:
                raise _type_error("cancel", "true", data.get("cancel"))
            if not cid:
                raise ProtocolError("context_id: required to cancel a context")
        except ProtocolError as exc:
            exc.context_id = cid
            raise
        return cls(cid)


def _decoded(message: str | bytes) -> Any:
    """``message`` decoded from JSON; JSON that is not valid, or is past the decoder's
    limits, is a ProtocolError.

    Besides JSONDecodeError, ``json.loads`` raises RecursionError for deep nesting and
    ValueError for an integer of more than ``sys.get_int_max_str_digits()`` digits (or bytes
    that are no UTF-8): a peer's message must not raise those out of a reader.
    """
    try:
        return json.loads(message)
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} at position {exc.pos}"
    except RecursionError:
        reason = "nested too deeply"
    except ValueError as exc:
        reason = str(exc)
        if "integer string conversion" in reason:
            reason = f"a number of more than {sys.get_int_max_str_digits()} digits"
    raise ProtocolError(f"message is not valid JSON: {reason}") from None


def parse_request(message: str | bytes | Mapping[str, Any]) -> GenerationRequest | CancelRequest:
    """Parse one client message (JSON text or an already decoded object)."""
    if isinstance(message, bytes):
        raise ProtocolError(
            "binary frames are not accepted; send each request as a JSON text frame"
        )
    data = _decoded(message) if isinstance(message, str) else message
    if not isinstance(data, Mapping):
        raise _type_error("message", "a JSON object", data)
    if "cancel" in data:
        return CancelRequest.from_dict(data)
    return GenerationRequest.from_dict(data)


# --- server -> client --------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    """A piece of audio, base64 in ``data`` on the wire."""

    context_id: str
    audio: bytes
    step_time: float = 0.0
    flush_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object sent on the wire."""
        out = {
            "type": "chunk",
            "data": base64.b64encode(self.audio).decode("ascii"),
            "done": False,
            "status_code": 206,
            "step_time": round(self.step_time, 3),
            "context_id": self.context_id,
        }
        return _without_none({**out, "flush_id": self.flush_id})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Chunk:
        """Parse a chunk message and decode its audio."""
        try:
            audio = base64.b64decode(data.get("data") or "", validate=True)
        except (binascii.Error, TypeError):
            raise ProtocolError("chunk.data: expected base64 audio") from None
        return cls(str(_str(data, "context_id")), audio, float(data.get("step_time") or 0.0),
                   _whole(data, "flush_id"))  # fmt: skip


@dataclass(frozen=True)
class Timestamps:
    """Word timestamps in seconds from the start of the context's audio."""

    context_id: str
    words: tuple[str, ...]
    start: tuple[float, ...]
    end: tuple[float, ...]
    flush_id: int | None = None

    KEY: ClassVar[str] = "word_timestamps"
    ITEMS: ClassVar[str] = "words"
    TYPE: ClassVar[str] = "timestamps"

    def to_dict(self) -> dict[str, Any]:
        """The JSON object sent on the wire."""
        out = {
            "type": self.TYPE,
            self.KEY: {
                self.ITEMS: list(self.words),
                "start": [round(s, 4) for s in self.start],
                "end": [round(e, 4) for e in self.end],
            },
            "done": False,
            "status_code": 206,
            "context_id": self.context_id,
        }
        return _without_none({**out, "flush_id": self.flush_id})

    def starting_before(self, seconds: float) -> Timestamps:
        """The same message with only the items that start before ``seconds``."""
        keep = [i for i, start in enumerate(self.start) if start < seconds]
        return replace(
            self,
            words=tuple(self.words[i] for i in keep),
            start=tuple(self.start[i] for i in keep),
            end=tuple(self.end[i] for i in keep),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Timestamps:
        """Parse a timestamps message."""
        body = _object(data, cls.KEY) or {}
        where = f"{cls.KEY}."
        items = _items(body, cls.ITEMS, where, str, "a list of strings")
        start = _items(body, "start", where, (int, float), "a list of numbers")
        end = _items(body, "end", where, (int, float), "a list of numbers")
        if not len(items) == len(start) == len(end):
            raise ProtocolError(f"{cls.KEY}: {len(items)} {cls.ITEMS}, {len(start)} start and "
                                f"{len(end)} end times")  # fmt: skip
        return cls(str(_str(data, "context_id")), items, start, end, _whole(data, "flush_id"))


@dataclass(frozen=True)
class PhonemeTimestamps(Timestamps):
    """Phoneme timestamps in seconds; ``words`` holds the phonemes."""

    KEY: ClassVar[str] = "phoneme_timestamps"
    ITEMS: ClassVar[str] = "phonemes"
    TYPE: ClassVar[str] = "phoneme_timestamps"


@dataclass(frozen=True)
class FlushDone:
    """The answer to a flush: later chunks of the context carry ``flush_id``."""

    context_id: str
    flush_id: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON object sent on the wire."""
        return {"type": "flush_done", "flush_done": True, "flush_id": self.flush_id,
                "done": False, "status_code": 206, "context_id": self.context_id}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FlushDone:
        """Parse a flush_done message."""
        return cls(str(_str(data, "context_id")), _whole(data, "flush_id") or 0)


@dataclass(frozen=True)
class Done:
    """The context finished and all of its audio was sent."""

    context_id: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON object sent on the wire."""
        return {"type": "done", "done": True, "status_code": 200, "context_id": self.context_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Done:
        """Parse a done message."""
        return cls(str(_str(data, "context_id")))


@dataclass(frozen=True)
class ErrorMessage:
    """An error that ends a context (or, without a context id, concerns the connection)."""

    error: str
    status_code: int = 400
    context_id: str | None = None

    @property
    def title(self) -> str:
        """The HTTP reason phrase of the status code."""
        return STATUS_TITLES.get(self.status_code, "Error")

    def to_dict(self) -> dict[str, Any]:
        """The JSON object sent on the wire (``title``/``message`` too, as the SDK reads them)."""
        out = {
            "type": "error",
            "done": True,
            "error": self.error,
            "status_code": self.status_code,
            "title": self.title,
            "message": self.error,
            "context_id": self.context_id,
        }
        return _without_none(out)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ErrorMessage:
        """Parse an error message (``error`` or the SDK's ``message`` field)."""
        text = data.get("error") or data.get("message") or data.get("title") or "unknown error"
        return cls(str(text), int(data.get("status_code") or 500), _str(data, "context_id"))


Response = Chunk | Timestamps | PhonemeTimestamps | FlushDone | Done | ErrorMessage
_RESPONSE_TYPES: dict[str, type[Response]] = {
    "chunk": Chunk,
    "timestamps": Timestamps,
    "phoneme_timestamps": PhonemeTimestamps,
    "flush_done": FlushDone,
    "done": Done,
    "error": ErrorMessage,
}


def parse_response(message: str | bytes | Mapping[str, Any]) -> Response:
    """Parse one server message into its typed form."""
    data = _decoded(message) if isinstance(message, str | bytes) else message
    if not isinstance(data, Mapping):
        raise _type_error("response", "a JSON object", data)
    kind = data.get("type")
    if kind not in _RESPONSE_TYPES:
        raise ProtocolError(
            f"response type {kind!r} is not known; known: {', '.join(_RESPONSE_TYPES)}"
        )
    return _RESPONSE_TYPES[kind].from_dict(data)
