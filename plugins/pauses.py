"""Trim each sentence's leading and trailing silence and insert even pauses between them.

Options (``[options.pauses]``); without any the plugin stays out of the chain:
``sentence_pause`` (seconds, default 0.35), ``paragraph_pause`` (0.8), ``threshold_db``
(RMS of a 10 ms frame below which it is silence, default -50), ``keep`` (seconds of edge
silence kept, faded, default 0.02), ``trim`` (default true; false only inserts pauses).
Runs first (``tryfirst``), on the audio as Sonic returns it. Word timestamps follow the cuts
and pauses (the shaper's ``output_span``), so they match the audio returned.
"""

from __future__ import annotations

from sonicpipe.audio.options import number
from sonicpipe.audio.pauses import PauseShaper
from sonicpipe.config import ConfigError, Settings
from sonicpipe.hookspecs import hookimpl

__version__ = "0.1.0"

NAME = "pauses"
RANGES = {"sentence_pause": (0.0, 5.0), "paragraph_pause": (0.0, 10.0),
          "threshold_db": (-90.0, -20.0), "keep": (0.0, 0.5)}  # fmt: skip
sonicpipe_options = (*RANGES, "trim")


@hookimpl(tryfirst=True)
def sonicpipe_audio_processor(settings: Settings) -> PauseShaper | None:
    """A pause shaper with the configured pauses, or None when not configured."""
    options = settings.plugin_options(NAME)
    if not options:
        return None
    values = {
        key: number(NAME, key, options[key], *RANGES[key]) for key in RANGES if key in options
    }
    trim = options.get("trim", True)
    if not isinstance(trim, bool):
        raise ConfigError(f"options.{NAME}.trim: expected true or false, got {trim!r}")
    return PauseShaper(**values, trim=trim)
