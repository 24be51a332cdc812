"""Checking the values of a plugin's options table (``[options.<plugin>]``); the plugin host
checks its keys (``sonicpipe_options``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sonicpipe.config import ENCODINGS, ConfigError, Settings

WRITERS = "writers"  # the built-in plugin whose ``encoding`` option names the encoding written


def choice(plugin: str, key: str, value: Any, valid: Collection[Any]) -> Any:
    """The one of ``valid`` that ``value`` equals (``8000`` for TOML's ``8000.0``), else an
    error naming them."""
    for member in valid:
        if member == value and not isinstance(value, bool):
            return member
    raise ConfigError(
        f"options.{plugin}.{key}: {value!r} is not valid; valid: {', '.join(map(str, valid))}"
    )


def number(plugin: str, key: str, value: Any, low: float, high: float) -> float:
    """``value`` as a float if it is a number in [low, high], else an error saying so."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(
            f"options.{plugin}.{key}: expected a number from {low:g} to {high:g}, got {value!r}"
        )
    return float(value)


def whole_number(plugin: str, key: str, value: Any, low: int, high: int) -> int:
    """``value`` as an int if it is a whole number in [low, high], else an error saying so."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    in_range = numeric and low <= value <= high
    if not in_range or value != int(value):
        raise ConfigError(
            f"options.{plugin}.{key}: expected a whole number from {low} to {high}, got {value!r}"
        )
    return int(value)


def written_encoding(settings: Settings) -> str:
    """The encoding WAV and raw files are written in: the ``writers`` plugin's ``encoding``
    option (one of Sonic's; default ``pcm_s16le``), else an error naming the valid ones."""
    written = settings.plugin_options(WRITERS).get("encoding", "pcm_s16le")
    return choice(WRITERS, "encoding", written, ENCODINGS)
