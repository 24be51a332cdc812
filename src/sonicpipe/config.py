"""One validated configuration object, built from TOML, a dict or keyword arguments."""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from sonicpipe.controls import ControlError, Defaults, check_emotion, check_speed, check_volume

log = logging.getLogger(__name__)

ENCODINGS = ("pcm_f32le", "pcm_s16le", "pcm_mulaw", "pcm_alaw")
SAMPLE_RATES = (8000, 16000, 22050, 24000, 44100, 48000)
# Sonic's model ids; each may also carry a snapshot date (sonic-3-2026-01-12).
MODELS = ("sonic-3", "sonic-3.5", "sonic-2", "sonic-turbo", "sonic-latest")
_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")
# A language code: ISO 639 letters, maybe with subtags ("en", "pt-BR"); not a language's name.
_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_WARNED_MODELS: set[str] = set()
URL_SCHEMES = ("ws://", "wss://")
# Query parameters through which Sonic takes a credential; sonicpipe sends the key in a header.
URL_CREDENTIALS = ("api_key", "access_token")
API_KEY_ENV = "CARTESIA_API_KEY"
# The local server answers to any voice id; this one names its default voice.
DEFAULT_VOICE = "sonicpipe-local-joe"


class ConfigError(ValueError):
    """A configuration value that is missing, of the wrong type or out of range."""


class Secret:
    """A string that never shows itself in reprs, logs or error messages.

    Blanks around it (the line end of a key read from a file) are not part of it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value.strip()

    def reveal(self) -> str:
        """Return the secret itself, for the one place that must send it."""
        return self._value

    def mask(self, text: str) -> str:
        """``text`` with the secret, wherever it appears (a server may echo it), masked."""
        return text.replace(self._value, "********") if self else text

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        """False for an empty or whitespace-only value: that is no key."""
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class OutputFormat:
    """Sonic's raw output format: an encoding at one of the sample rates Sonic offers."""

    encoding: str = "pcm_f32le"
    sample_rate: int = 44100
    container: str = "raw"

    def __post_init__(self) -> None:
        if self.container != "raw":
            raise ConfigError(
                f"output_format.container {self.container!r}: the WebSocket API returns 'raw' only"
            )
        if self.encoding not in ENCODINGS:
            raise ConfigError(
                f"output_format.encoding {self.encoding!r} is not valid; "
                f"valid: {', '.join(ENCODINGS)}"
            )
        if type(self.sample_rate) is not int or self.sample_rate not in SAMPLE_RATES:
            raise ConfigError(
                f"output_format.sample_rate {self.sample_rate!r} is not valid; "
                f"valid: {', '.join(map(str, SAMPLE_RATES))} (an integer)"
            )

    def to_dict(self) -> dict[str, Any]:
        """The ``output_format`` object of a generation request."""
        return {"container": self.container, "encoding": self.encoding,
                "sample_rate": self.sample_rate}  # fmt: skip


MAX_TIMEOUT = 3600.0  # seconds an answer may take, at most


@dataclass(frozen=True)
class Settings:
    """Everything that shapes a render: voice, model, language, format, controls, plugins.

    ``dictionaries`` are names of shipped dictionaries or paths (relative to ``base_dir``);
    ``plugins`` are ``module:object`` references to register; ``disable`` names plugins to
    block; ``options`` holds per-plugin tables (``[options.cleanup]``). With no ``api_key``
    (nor ``CARTESIA_API_KEY`` in the environment) sonicpipe speaks to its local server.
    ``timeout`` is how long an answer may take (seconds) and ``retries`` how often a dropped
    connection or a 429 is retried before the error is raised (0: fail at once).
    ``source`` is the TOML file the settings were loaded from, for error messages.
    """

    model: str = "sonic-3"
    voice: str = DEFAULT_VOICE
    language: str = "en"
    output_format: OutputFormat = field(default_factory=OutputFormat)
    controls: Defaults = field(default_factory=Defaults)
    dictionaries: tuple[str, ...] = ("tech",)
    plugins: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    api_key: Secret | None = None
    url: str | None = None
    timeout: float = 30.0
    retries: int = 10
    base_dir: Path = field(default_factory=Path)
    source: Path | None = None

    def __post_init__(self) -> None:
        """Check every field; normalize lists to tuples, a str key to a Secret, emotion case."""
        _check_model(_expect("model", self.model, str, "a string"))
        if not _expect("voice", self.voice, str, "a string"):
            raise ConfigError("voice: expected a non-empty voice id")
        if not _LANGUAGE_CODE.fullmatch(_expect("language", self.language, str, "a string")):
            raise ConfigError(
                f"language: expected a language code such as 'en', 'fr' or 'de', "
                f"got {self.language!r}"
            )
        _expect("output_format", self.output_format, OutputFormat, "an OutputFormat")
        for name in ("dictionaries", "plugins", "disable"):
            self._set(name, _string_list(name, getattr(self, name)))
        self._set("controls", _check_controls(self.controls))
        _expect("options", self.options, Mapping, "a table of plugin tables")
        for name, table in self.options.items():
            _expect(f"options.{name}", table, Mapping, "a table")
        if isinstance(self.api_key, str):
            self._set("api_key", Secret(self.api_key))
        elif not isinstance(self.api_key, Secret | None):  # the value itself is never shown
            raise ConfigError(f"api_key: expected a string, got {type(self.api_key).__name__}")
        if self.api_key is not None and not self.api_key:
            self._set("api_key", None)  # as an empty CARTESIA_API_KEY: no key
        if self.url is not None:
            check_url(self.url)
        timeout = self.timeout
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not (0 < timeout <= MAX_TIMEOUT)
        ):
            raise ConfigError(f"timeout: expected seconds above 0, at most {MAX_TIMEOUT:g}, "
                              f"got {timeout!r}")  # fmt: skip
        retries = self.retries
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 100:
            raise ConfigError(f"retries: expected a whole number from 0 to 100, got {retries!r}")
        _expect("base_dir", self.base_dir, (str, os.PathLike), "a path")
        self._set("base_dir", Path(self.base_dir))
        if self.source is not None:
            _expect("source", self.source, (str, os.PathLike), "a path")
            self._set("source", Path(self.source))

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)  # frozen: normalizing in __post_init__ only

    def in_source(self, message: str) -> str:
        """``message`` led by the settings file's name (once), when they come from one."""
        if self.source is None or message.startswith(f"{self.source}: "):
            return message
        return f"{self.source}: {message}"

    def plugin_options(self, plugin: str) -> Mapping[str, Any]:
        """The ``[options.<plugin>]`` table (empty when absent)."""
        return self.options.get(plugin, {})

    def resolved_api_key(self) -> Secret | None:
        """The configured key, else the one in ``CARTESIA_API_KEY``, else None (local); an
        empty or whitespace-only key is no key."""
        if self.api_key is not None:
            return self.api_key
        env = Secret(os.environ.get(API_KEY_ENV, ""))
        return env or None

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    @classmethod
    def load(cls, path: str | Path) -> Settings:
        """Read settings from a TOML file; errors name the file and the key."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); TOML is UTF-8"
            ) from None
        try:
            return cls.from_dict(data, base_dir=path.parent).with_(source=path)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: Path | None = None) -> Settings:
        """Build settings from a plain mapping shaped like the TOML file."""
        known = {f.name for f in fields(cls)} - {"base_dir", "source"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"unknown setting {unknown[0]!r}; valid settings: {', '.join(sorted(known))}"
            )
        kwargs: dict[str, Any] = {"base_dir": base_dir or Path()}
        for key, value in data.items():
            if key in _TABLES:
                kind, valid = _TABLES[key]
                value = kind(**_table(key, value, valid))
            kwargs[key] = value
        return cls(**kwargs)


def check_url(url: object) -> None:
    """Refuse anything but a ws:// or wss:// base URL, with an error that never shows a
    query string or user info (where credentials travel).

    A credential (an ``api_key`` or ``access_token`` parameter, ``user:password@``) is refused
    saying where the key goes instead; any other query string or fragment too, since the
    client appends Sonic's path to the URL.
    """
    if not isinstance(url, str):
        raise ConfigError(f"url: expected a ws:// or wss:// URL, got {type(url).__name__}")
    try:
        parts = urlsplit(url)
        names = {name.lower() for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    except ValueError:
        raise ConfigError("url: not a valid URL (not shown)") from None
    if "@" in parts.netloc or names & set(URL_CREDENTIALS):
        raise ConfigError(
            "url: the URL carries a credential (not shown); put the API key in the api_key "
            f"setting or the {API_KEY_ENV} environment variable, never in the URL"
        )
    if "?" in url or "#" in url:
        base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        raise ConfigError(
            f"url: expected a base URL such as wss://api.cartesia.ai, got {base!r} followed "
            "by a query string or fragment (not shown)"
        )
    if not url.startswith(URL_SCHEMES):
        if not any(mark in url for mark in ".:/"):  # no host or scheme: perhaps a pasted key
            raise ConfigError("url: expected a ws:// or wss:// URL, got a value that is not "
                              "one (not shown)")  # fmt: skip
        raise ConfigError(f"url: expected a ws:// or wss:// URL, got {url!r}")
    try:
        parts.port  # noqa: B018 (reading it checks the port)
    except ValueError:
        raise ConfigError(f"url: the port of {url!r} is not a number from 0 to 65535") from None
    if not parts.hostname:
        raise ConfigError(f"url: {url!r} names no host; expected e.g. ws://127.0.0.1:8765")


def _expect(key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(f"{key}: expected {what}, got {value!r}")
    return value


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    _expect(key, value, (list, tuple), "a list of strings")
    if not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{key}: expected a list of strings, got {value!r}")
    return tuple(value)


KNOWN_MODELS = f"{', '.join(MODELS)}, each also with a snapshot date (sonic-3-2026-01-12)"


def is_known_model(model: str) -> bool:
    """Whether ``model`` is one of :data:`MODELS` or a dated snapshot of one."""
    return _SNAPSHOT.sub("", model) in MODELS


def _check_model(model: str) -> None:
    """A Sonic model id: one of :data:`MODELS` (or a dated snapshot of one). Another
    ``sonic-`` id (a model newer than this release, or a typo) is sent as is, with a warning:
    Sonic itself refuses an id it does not have."""
    if is_known_model(model):
        return
    if not model.startswith("sonic-"):
        raise ConfigError(f"model: unknown model {model!r}; valid: {KNOWN_MODELS}")
    if model not in _WARNED_MODELS:  # once: settings are copied often (with_)
        _WARNED_MODELS.add(model)
        log.warning(
            "model %r is not one sonicpipe knows (%s); it is sent as is", model, KNOWN_MODELS
        )


def _check_controls(controls: Any) -> Defaults:
    """``controls`` checked, with its emotion normalized (``" Calm"``: ``"calm"``)."""
    _expect("controls", controls, Defaults, "a Defaults")
    emotion, speed, volume = controls.emotion, controls.speed, controls.volume
    try:
        if emotion is not None:
            emotion = check_emotion(_expect("controls.emotion", emotion, str, "an emotion name"))
        if speed is not None:
            speed = check_speed(_expect("controls.speed", speed, (int, float), "a number"))
        if volume is not None:
            volume = check_volume(_expect("controls.volume", volume, (int, float), "a number"))
    except ControlError as exc:
        raise ConfigError(f"controls: {exc}") from None
    return Defaults(emotion=emotion, speed=speed, volume=volume)


def _table(key: str, value: Any, valid: tuple[str, ...]) -> dict[str, Any]:
    _expect(key, value, dict, "a table")
    extra = sorted(set(value) - set(valid))
    if extra:
        raise ConfigError(f"{key}: unknown key {extra[0]!r}; valid: {', '.join(valid)}")
    return value


# TOML tables that become objects, with their keys; every value is checked by the objects.
_TABLES: dict[str, tuple[type, tuple[str, ...]]] = {
    "output_format": (OutputFormat, ("encoding", "sample_rate", "container")),
    "controls": (Defaults, ("emotion", "speed", "volume")),
}
