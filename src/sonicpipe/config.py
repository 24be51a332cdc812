"""One validated configuration object, built from TOML, a dict or keyword arguments."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sonicpipe.controls import ControlError, Defaults, check_emotion, check_speed, check_volume
from sonicpipe.controls import family_of as _family_of

ENCODINGS = ("pcm_f32le", "pcm_s16le", "pcm_mulaw", "pcm_alaw")
SAMPLE_RATES = (8000, 16000, 22050, 24000, 44100, 48000)
API_KEY_ENV = "CARTESIA_API_KEY"
# The local server answers to any voice id; this one names its default voice.
DEFAULT_VOICE = "sonicpipe-local-joe"


class ConfigError(ValueError):
    """A configuration value that is missing, of the wrong type or out of range."""


class Secret:
    """A string that never shows itself in reprs, logs or error messages."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

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
        if self.sample_rate not in SAMPLE_RATES:
            raise ConfigError(
                f"output_format.sample_rate {self.sample_rate!r} is not valid; "
                f"valid: {', '.join(map(str, SAMPLE_RATES))}"
            )

    def to_dict(self) -> dict[str, Any]:
        """The ``output_format`` object of a generation request."""
        return {"container": self.container, "encoding": self.encoding,
                "sample_rate": self.sample_rate}  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """Everything that shapes a render: voice, model, language, format, controls, plugins.

    ``dictionaries`` are names of shipped dictionaries or paths (relative to ``base_dir``);
    ``plugins`` are ``module:object`` references to register; ``disable`` names plugins to
    block; ``options`` holds per-plugin tables (``[options.cleanup]``). With no ``api_key``
    (nor ``CARTESIA_API_KEY`` in the environment) sonicpipe speaks to its local server.
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
    base_dir: Path = field(default_factory=Path)

    def __post_init__(self) -> None:
        try:
            _family_of(self.model)
        except ControlError as exc:
            raise ConfigError(f"model: {exc}") from None
        if not isinstance(self.voice, str) or not self.voice:
            raise ConfigError("voice: expected a non-empty voice id")

    def plugin_options(self, plugin: str) -> Mapping[str, Any]:
        """The ``[options.<plugin>]`` table (empty when absent)."""
        return self.options.get(plugin, {})

    def resolved_api_key(self) -> Secret | None:
        """The configured key, else the one in ``CARTESIA_API_KEY``, else None (local)."""
        if self.api_key is not None:
            return self.api_key
        env = os.environ.get(API_KEY_ENV)
        return Secret(env) if env else None

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
        try:
            return cls.from_dict(data, base_dir=path.parent)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: Path | None = None) -> Settings:
        """Build settings from a plain mapping shaped like the TOML file."""
        known = {f.name for f in fields(cls)} - {"base_dir"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"unknown setting {unknown[0]!r}; valid settings: {', '.join(sorted(known))}"
            )
        kwargs: dict[str, Any] = {"base_dir": base_dir or Path()}
        for key, value in data.items():
            kwargs[key] = _convert(key, value)
        return cls(**kwargs)


def _expect(key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(f"{key}: expected {what}, got {value!r}")
    return value


def _string_list(key: str, value: Any) -> tuple[str, ...]:
    _expect(key, value, list, "a list of strings")
    for item in value:
        _expect(key, item, str, "a list of strings")
    return tuple(value)


def _convert(key: str, value: Any) -> Any:
    if key in ("model", "voice", "language", "url"):
        return _expect(key, value, str, "a string")
    if key == "api_key":
        return Secret(_expect(key, value, str, "a string"))
    if key in ("dictionaries", "plugins", "disable"):
        return _string_list(key, value)
    if key == "options":
        _expect(key, value, dict, "a table of plugin tables")
        for name, table in value.items():
            _expect(f"options.{name}", table, dict, "a table")
        return value
    if key == "output_format":
        _expect(key, value, dict, "a table")
        extra = set(value) - {"encoding", "sample_rate", "container"}
        if extra:
            raise ConfigError(f"output_format: unknown key {sorted(extra)[0]!r}")
        return OutputFormat(**value)
    if key == "controls":
        _expect(key, value, dict, "a table")
        extra = set(value) - {"emotion", "speed", "volume"}
        if extra:
            raise ConfigError(
                f"controls: unknown key {sorted(extra)[0]!r}; valid: emotion, speed, volume"
            )
        try:
            return Defaults(
                emotion=check_emotion(value["emotion"]) if "emotion" in value else None,
                speed=check_speed(value["speed"]) if "speed" in value else None,
                volume=check_volume(value["volume"]) if "volume" in value else None,
            )
        except ControlError as exc:
            raise ConfigError(f"controls: {exc}") from None
    raise AssertionError(key)
