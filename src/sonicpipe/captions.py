"""Captions (SRT and WebVTT) from word timings, for a rendered text or a book's files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sonicpipe.audio.writers import write_atomic

SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")


@dataclass
class Caption:
    """One caption cue, in seconds of its file."""

    start: float
    end: float
    text: str


def cues(
    words: Iterable[Sequence[Any]],
    offset: float = 0.0,
    max_words: int = 12,
    max_seconds: float = 6.0,
    max_gap: float = 1.5,
) -> list[Caption]:
    """Caption cues from word timings, shifted by ``offset`` seconds: ``(word, start, end)``
    in seconds, as a book's paragraph cache stores them.

    A cue ends at a sentence end and at ``max_words`` words; a word that would take it past
    ``max_seconds``, or that follows a pause longer than ``max_gap``, starts the next one (no
    cue stays on screen through a silence).
    """
    out: list[Caption] = []
    current: list[tuple[str, float, float]] = []
    for word, start, end in words:
        if current and (start - current[-1][2] > max_gap or end - current[0][1] > max_seconds):
            out.append(_cue(current, offset))
            current = []
        current.append((str(word), float(start), float(end)))
        if SENTENCE_END.search(current[-1][0]) or len(current) >= max_words:
            out.append(_cue(current, offset))
            current = []
    if current:
        out.append(_cue(current, offset))
    return out


def _cue(words: list[tuple[str, float, float]], offset: float) -> Caption:
    return Caption(offset + words[0][1], offset + words[-1][2], " ".join(w for w, _, _ in words))


def _vtt_text(text: str) -> str:
    """Cue text for WebVTT, where ``<`` starts a tag and ``&`` an entity."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stamp(seconds: float, separator: str) -> str:
    """``HH:MM:SS,mmm`` (SRT) or ``HH:MM:SS.mmm`` (WebVTT)."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def caption_paths(path: Path) -> list[Path]:
    """The captions of the audio file ``path``: its name with .srt and .vtt."""
    return [path.with_suffix(".srt"), path.with_suffix(".vtt")]


def write_captions(path: Path, captions: list[Caption]) -> list[Path]:
    """Write ``path`` with .srt and .vtt suffixes, each atomically; return both paths."""
    srt = [
        f"{n}\n{stamp(c.start, ',')} --> {stamp(c.end, ',')}\n{c.text}\n"
        for n, c in enumerate(captions, 1)
    ]
    vtt = [
        f"{stamp(c.start, '.')} --> {stamp(c.end, '.')}\n{_vtt_text(c.text)}\n" for c in captions
    ]
    srt_path, vtt_path = caption_paths(path)
    write_atomic(srt_path, "\n".join(srt).encode("utf-8"))
    write_atomic(vtt_path, ("WEBVTT\n\n" + "\n".join(vtt)).encode("utf-8"))
    return [srt_path, vtt_path]
