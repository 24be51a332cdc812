"""How a book is delivered: format, loudness preset, pauses and room tone (data only).

Kept apart from :mod:`sonicpipe.book.assemble`, which does the work, so that the command
line can offer the choices without loading the audio libraries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sonicpipe.audio.presets import PRESETS, Preset

FORMATS = ("m4b", "mp3", "wav", "flac")
ACX_RATE = 44100  # ACX takes 44.1 kHz only


@dataclass(frozen=True)
class Delivery:
    """How the book is delivered (see the module docs); ``preset`` None: no normalization."""

    format: str = "m4b"
    preset: str | None = "acx"
    paragraph_pause: float = 0.8
    head: float = 0.75  # ACX: 0.5-1 s of room tone at the start of a file
    tail: float = 2.0  # ACX: 1-5 s at the end
    max_minutes: float = 120.0  # ACX: at most 120 minutes per file
    gain_minutes: float = 3.0  # the opening the book's gain is measured on
    room_tone_db: float = -70.0

    def __post_init__(self) -> None:
        for name in ("paragraph_pause", "head", "tail", "max_minutes", "gain_minutes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
                unit = "minutes" if name.endswith("minutes") else "seconds"
                raise ValueError(f"{name} {value!r}: expected a number of {unit} >= 0")
        if self.format not in FORMATS:
            raise ValueError(f"format {self.format!r} is not valid; valid: {', '.join(FORMATS)}")
        if self.preset is not None and self.preset not in PRESETS:
            raise ValueError(
                f"preset {self.preset!r} is not valid; valid: {', '.join(PRESETS)} or none"
            )

    @property
    def target(self) -> Preset | None:
        """The loudness preset, if any."""
        return PRESETS[self.preset] if self.preset else None

    @property
    def checked(self) -> Preset:
        """The preset the report checks the files against: the target; ACX's without one
        (an audiobook's rules, also for a book left at its own level)."""
        return self.target or PRESETS["acx"]
