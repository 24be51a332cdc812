"""Resample the audio stream, e.g. to 8 kHz for telephony (libsoxr, click-free streaming).

Options (``[options.resample]``): ``target_rate`` (one of Sonic's rates or 8000; without it
the plugin stays out of the chain), ``quality`` (``VHQ``, ``HQ`` default, ``MQ``, ``LQ``,
``QQ``). Runs before ``loudness`` (which is ``trylast``), so loudness is measured and
true peaks are limited at the output rate.
"""

from __future__ import annotations

from sonicpipe.audio.options import choice
from sonicpipe.audio.resample import QUALITIES, Resampler
from sonicpipe.config import SAMPLE_RATES, Settings
from sonicpipe.hookspecs import hookimpl

__version__ = "0.1.0"

NAME = "resample"
sonicpipe_options = ("target_rate", "quality")


@hookimpl
def sonicpipe_audio_processor(settings: Settings) -> Resampler | None:
    """A resampler to ``target_rate``, or None when no target rate is configured."""
    options = settings.plugin_options(NAME)
    if "target_rate" not in options:
        return None
    rate = choice(NAME, "target_rate", options["target_rate"], SAMPLE_RATES)
    quality = choice(NAME, "quality", options.get("quality", "HQ"), QUALITIES)
    return Resampler(rate, quality)
