"""Delivery targets for loudness: ACX audiobooks, podcasts, broadcast (data only, no DSP).

Kept apart from :mod:`sonicpipe.audio.loudness` so that choosing a preset (the command line's
``--preset``, a book's delivery) does not load the signal-processing libraries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """A delivery target: integrated loudness (or ACX's RMS) and a true-peak ceiling."""

    name: str
    true_peak: float  # dBTP ceiling of the limiter
    lufs: float | None = None  # integrated loudness target
    rms: float | None = None  # RMS target, dBFS (ACX measures RMS, not LUFS)
    rms_range: tuple[float, float] | None = None  # acceptable RMS window (ACX)
    noise_floor: float | None = None  # highest acceptable noise floor, dBFS (ACX)
    peak_limit: float | None = None  # the delivery rule on peaks, when above the ceiling

    @property
    def peak_rule(self) -> float:
        """The highest peak (dBFS, and dBTP) the delivery accepts."""
        return self.true_peak if self.peak_limit is None else self.peak_limit

    def __post_init__(self) -> None:
        if (self.lufs is None) == (self.rms is None):
            raise ValueError(f"preset {self.name!r}: give exactly one of lufs and rms")

    def describe(self) -> str:
        """A one-line summary of the rules, e.g. ``-16 LUFS, -1 dBTP``."""
        level = f"{self.lufs:g} LUFS" if self.lufs is not None else f"RMS {self.rms:g} dBFS"
        return f"{level}, {self.peak_rule:g} dBTP"


PRESETS = {
    # ACX audiobooks: RMS -23..-18 dB, peaks <= -3 dBFS, noise floor <= -60 dB. The limiter
    # stops at -3.5 dBTP: MP3 and AAC encoding raise peaks by a few tenths of a dB.
    "acx": Preset(
        "acx",
        true_peak=-3.5,
        rms=-20.0,
        rms_range=(-23.0, -18.0),
        noise_floor=-60.0,
        peak_limit=-3.0,
    ),
    "podcast": Preset("podcast", true_peak=-1.0, lufs=-16.0),
    # EBU R128 broadcast: -23 LUFS, -1 dBTP.
    "broadcast": Preset("broadcast", true_peak=-1.0, lufs=-23.0),
}
