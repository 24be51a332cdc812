"""How a book is delivered: format, loudness preset, pauses and room tone (data only).

Kept apart from :mod:`sonicpipe.book.assemble`, which does the work, so that the command
line can offer the choices without loading the audio libraries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sonicpipe.audio.presets import PRESETS, Preset

FORMATS = ("m4b", "opus", "mp3", "wav", "flac")
ONE_FILE = ("m4b", "opus")  # the book in one file, a chapter marker per chapter
ACX_RATE = 44100  # ACX takes 44.1 kHz only
# ACX's rules on each file: seconds of room tone at its head and tail, and its length in
# minutes, as (lowest or None, highest, unit).
ACX_RANGES = {"head": (0.5, 1.0, "s"), "tail": (1.0, 5.0, "s"), "length": (None, 120.0, "min")}
# The delivery's numbers: their unit, whether 0 is allowed, and the most allowed (a pause of
# hours is a typo, and its room tone would fill the memory; the paragraph pause as the pauses
# plugin allows it in [options.pauses]).
NUMBERS = {"paragraph_pause": ("seconds", True, 10.0), "head": ("seconds", True, 60.0),
           "tail": ("seconds", True, 60.0), "max_minutes": ("minutes", False, math.inf),
           "gain_minutes": ("minutes", True, math.inf)}  # fmt: skip


def acx_requirement(name: str) -> str:
    """ACX's rule ``name`` (``head``, ``tail``, ``length``) in words, e.g. ``0.5 to 1 s``."""
    low, high, unit = ACX_RANGES[name]
    return f"<= {high:g} {unit}" if low is None else f"{low:g} to {high:g} {unit}"


def meets_acx(name: str, value: float) -> bool:
    """Whether ``value`` meets ACX's rule ``name`` (see :func:`acx_requirement`)."""
    low, high, _ = ACX_RANGES[name]
    return (low is None or low <= value) and value <= high


def number_problem(name: str, value: object) -> str | None:
    """What is wrong with ``value`` as the delivery's ``name`` (see :data:`NUMBERS`), or
    None when it will do."""
    unit, zero, most = NUMBERS[name]
    expected = f"expected a number of {unit} {'>=' if zero else '>'} 0"
    if most < math.inf:
        expected += f" and <= {most:g}"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return expected
    return None if (value > 0 or (zero and value == 0)) and value <= most else expected


@dataclass(frozen=True)
class Delivery:
    """How the book is delivered (see the module docs); ``preset`` None (or ``"none"``): no
    normalization."""

    format: str = "m4b"
    preset: str | None = "acx"
    paragraph_pause: float = 0.8
    head: float = 0.75  # ACX: 0.5-1 s of room tone at the start of a file
    tail: float = 2.0  # ACX: 1-5 s at the end
    max_minutes: float = 120.0  # ACX: at most 120 minutes per file (not in ONE_FILE formats)
    gain_minutes: float = 3.0  # the opening the book's gain is measured on
    room_tone_db: float = -70.0

    def __post_init__(self) -> None:
        for name in NUMBERS:
            value = getattr(self, name)
            if problem := number_problem(name, value):
                raise ValueError(f"{name} {value!r}: {problem}")
        if self.format not in FORMATS:
            raise ValueError(f"format {self.format!r} is not valid; valid: {', '.join(FORMATS)}")
        if self.preset == "none":  # as the command writes it
            object.__setattr__(self, "preset", None)
        if self.preset is not None and self.preset not in PRESETS:
            raise ValueError(
                f"preset {self.preset!r} is not valid; valid: {', '.join(PRESETS)} or none"
            )

    @property
    def target(self) -> Preset | None:
        """The loudness preset, if any."""
        return PRESETS[self.preset] if self.preset else None

    def outside_acx(self) -> list[str]:
        """Notes on the head, tail and file length that ACX would refuse, when the report
        checks ACX's rules (a book in one file, M4B or Opus, has no file length to check:
        ACX takes neither)."""
        if self.checked.name != "acx":
            return []
        notes = [
            f"{name} {value:g} s: ACX asks for {acx_requirement(name)}; the report will fail it"
            for name, value in (("head", self.head), ("tail", self.tail))
            if not meets_acx(name, value)
        ]
        if self.format not in ONE_FILE and not meets_acx("length", self.max_minutes):
            notes.append(
                f"max_minutes {self.max_minutes:g}: ACX takes files of "
                f"{acx_requirement('length')}; the report will fail a longer one"
            )
        return notes

    @property
    def checked(self) -> Preset:
        """The preset the report checks the files against: the target; ACX's without one
        (an audiobook's rules, also for a book left at its own level)."""
        return self.target or PRESETS["acx"]
