"""Plain data that flows through the text side of the pipeline.

Author markup (emotion, speed, volume, breaks, spelled text, inline phonemes) is lifted out of
the text early and replaced by a single *mark character* from Unicode's Supplementary Private
Use Area. Every later text hook sees ordinary prose with opaque one-character placeholders, so
number normalization cannot read ``ratio="1.2"`` aloud and a streaming splitter can never cut a
tag in half. The marks are rendered back into Sonic controls at the very end
(:mod:`sonicpipe.controls`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

MARK_FIRST = 0xF0000
MARK_LAST = 0xFFFFD
MARK_CHARS = f"{chr(MARK_FIRST)}-{chr(MARK_LAST)}"  # the mark placeholders, for character classes
MARK_RE = re.compile(f"[{MARK_CHARS}]")


class MarkKind(StrEnum):
    """What a mark stands for."""

    EMOTION = "emotion"  # value: emotion name, applies from here on
    SPEED = "speed"  # value: ratio, applies from here on
    VOLUME = "volume"  # value: ratio, applies from here on
    BREAK = "break"  # value: pause in milliseconds
    SPELL = "spell"  # value: text to read character by character
    PHONEMES = "phonemes"  # value: tuple of IPA phonemes (stress marks are their own items)
    NONVERBAL = "nonverbal"  # value: e.g. "laughter"


@dataclass(frozen=True)
class Mark:
    """One control lifted out of the text; ``source`` is the markup it came from."""

    kind: MarkKind
    value: str | float | int | tuple[str, ...]
    source: str = ""


@dataclass
class MarkTable:
    """The marks of one document, shared by all segments cut from it."""

    marks: list[Mark] = field(default_factory=list)

    def add(self, mark: Mark) -> str:
        """Store ``mark`` and return the one-character placeholder that stands for it."""
        code = MARK_FIRST + len(self.marks)
        if code > MARK_LAST:
            raise ValueError("too many markup controls in one document (over 65,000)")
        self.marks.append(mark)
        return chr(code)

    def get(self, placeholder: str) -> Mark:
        """Return the mark a placeholder character stands for."""
        return self.marks[ord(placeholder) - MARK_FIRST]

    def placeholders(self, *kinds: MarkKind) -> frozenset[str]:
        """The placeholders of the marks of ``kinds``."""
        return frozenset(
            chr(MARK_FIRST + number) for number, mark in enumerate(self.marks) if mark.kind in kinds
        )

    def split(self, text: str) -> Iterator[str | Mark]:
        """Yield the text runs and marks of ``text`` in order (empty runs skipped)."""
        pos = 0
        for match in MARK_RE.finditer(text):
            if match.start() > pos:
                yield text[pos : match.start()]
            yield self.get(match.group())
            pos = match.end()
        if pos < len(text):
            yield text[pos:]


def is_english(language: str) -> bool:
    """Whether a language code (``en``, ``en-US``, ``EN_gb``...) names English."""
    return language.lower().replace("_", "-").split("-", 1)[0] == "en"


def strip_marks(text: str) -> str:
    """Return ``text`` with every mark placeholder removed."""
    return MARK_RE.sub("", text)


@dataclass
class Document:
    """A text on its way to segmentation; text hooks refine ``text`` in place.

    Paragraphs are separated by a blank line (``"\\n\\n"``) from cleanup on.
    """

    text: str
    language: str = "en"
    marks: MarkTable = field(default_factory=MarkTable)
    source: str = "<text>"


@dataclass
class Segment:
    """One sentence (or sentence group) to be sent to Sonic as one input.

    ``text`` may contain mark placeholders; ``notes`` collects warnings (for example a control
    the chosen model cannot render) so that callers can show them.
    """

    text: str
    marks: MarkTable
    language: str = "en"
    index: int = 0
    paragraph: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def plain_text(self) -> str:
        """The text without any mark placeholders."""
        return strip_marks(self.text)
