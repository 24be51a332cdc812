"""Loudness normalization (ITU-R BS.1770-4) with a true-peak limiter.

Options (``[options.loudness]``); without any the plugin stays out of the chain:

- ``preset``: ``acx`` (audiobooks: RMS -20 dBFS in -23..-18, peaks <= -3 dBFS; the
  limiter stops at -3.5 dBTP to leave room for the MP3 encoder),
  ``podcast`` (-16 LUFS, -1 dBTP), ``broadcast`` (EBU R128: -23 LUFS, -1 dBTP) or
  ``custom`` (the default when ``target`` is given);
- ``target``: integrated loudness in LUFS for ``custom``; ``true_peak``: its ceiling in dBTP
  (default -1);
- ``mode``: ``stream`` (default: a gated short-term gain with ~11 ms latency, within 1 LU
  over any 20 s of speech) or ``file`` (exact: the whole stream is measured, then normalized
  and limited; ``acx`` needs it). Both raise the gain to make up for what the limiter takes
  off, by 6 dB at most. In a conversation (the turns of a voice agent) each turn's stream
  goes on from the level the turns before measured, so short replies are at the target.

Runs last (``trylast``), after ``resample``: the limiter sees the audio at the output rate,
so resampling (whose filter rings and moves inter-sample peaks) cannot lift the true peak
over the ceiling afterwards. When the writers' ``encoding`` (``[options.writers]``) is G.711
(``pcm_mulaw``, ``pcm_alaw``), the limiter aims lower by the codec's worst rounding, so that
the decoded audio keeps the ceiling (see :func:`sonicpipe.audio.loudness.codec_ceiling`).
Lossy files (MP3, M4B/M4A, Opus) raise peaks by an amount no margin can know in advance:
the ``writers`` plugin holds their decoded true peak to :func:`ceiling` by measuring the
file and correcting it (see :mod:`sonicpipe.audio.ceiling`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sonicpipe.audio.options import choice, number, written_encoding
from sonicpipe.audio.presets import PRESETS, Preset
from sonicpipe.config import ConfigError, Settings
from sonicpipe.hookspecs import hookimpl

if TYPE_CHECKING:
    from sonicpipe.audio.loudness import FileNormalizer, StreamingLoudness

__version__ = "0.1.0"

NAME = "loudness"
MODES = ("stream", "file")
sonicpipe_options = ("preset", "target", "true_peak", "mode")


def preset_from(options: dict) -> Preset:
    """The preset the options ask for (see the module docs); errors name the valid values."""
    name = choice(NAME, "preset", options.get("preset", "custom"), (*PRESETS, "custom"))
    if name != "custom":
        extra = sorted({"target", "true_peak"} & set(options))
        if extra:
            raise ConfigError(f"options.{NAME}.{extra[0]}: only for preset 'custom', not {name!r}")
        return PRESETS[name]
    if "target" not in options:
        raise ConfigError(
            f"options.{NAME}: preset 'custom' needs a target (LUFS); "
            f"or choose a preset: {', '.join(PRESETS)}"
        )
    target = number(NAME, "target", options["target"], -50, -5)
    ceiling = number(NAME, "true_peak", options.get("true_peak", -1.0), -20, 0)
    return Preset("custom", true_peak=ceiling, lufs=target)


def ceiling(settings: Settings) -> float | None:
    """The true peak (dBTP) the loudness stage's preset accepts in the delivered file (ACX's
    -3, where its limiter stops at -3.5 to leave the encoder room); None when the stage is
    not configured (or the plugin is disabled)."""
    options = settings.plugin_options(NAME)
    if not options or NAME in settings.disable:
        return None
    return preset_from(dict(options)).peak_rule


@hookimpl(trylast=True)
def sonicpipe_audio_processor(settings: Settings) -> StreamingLoudness | FileNormalizer | None:
    """A loudness stage for the configured preset and mode, or None when not configured."""
    options = dict(settings.plugin_options(NAME))
    if not options:
        return None
    # The DSP (scipy) loads only when a stage is wanted: text-only commands start fast.
    from sonicpipe.audio.loudness import FileNormalizer, StreamingLoudness

    preset = preset_from(options)
    mode = choice(NAME, "mode", options.get("mode", "stream"), MODES)
    encoding = written_encoding(settings)
    if mode == "file":
        return FileNormalizer(preset, encoding)
    if preset.lufs is None:
        raise ConfigError(
            f"options.{NAME}: preset {preset.name!r} measures RMS over the whole file; "
            "set mode = 'file'"
        )
    return StreamingLoudness(preset, encoding)
