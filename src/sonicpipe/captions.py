"""Captions (SRT and WebVTT) from word timings, for a rendered text or a book's files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sonicpipe.audio.writers import write_atomic

SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
# Characters per caption line: Netflix's English guideline (the BBC's is 37); a cue has two.
LINE_CHARS = 42


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
    line_chars: int = LINE_CHARS,
) -> list[Caption]:
    """Caption cues from word timings, shifted by ``offset`` seconds: ``(word, start, end)``
    in seconds, as a book's paragraph cache stores them.

    A cue ends at a sentence end and at ``max_words`` words; a word that would take it past
    ``max_seconds``, or that follows a pause longer than ``max_gap``, starts the next one (no
    cue stays on screen through a silence), as does a word that would not fit on the cue's two
    lines of at most ``line_chars`` characters. A cue longer than a line is broken into two.
    """
    out: list[Caption] = []
    current: list[tuple[str, float, float]] = []
    for word, start, end in words:
        word = str(word)
        if current and (
            start - current[-1][2] > max_gap
            or end - current[0][1] > max_seconds
            or not _lines([*(w for w, _, _ in current), word], line_chars)
        ):
            out.append(_cue(current, offset, line_chars))
            current = []
        current.append((word, float(start), float(end)))
        if SENTENCE_END.search(word) or len(current) >= max_words:
            out.append(_cue(current, offset, line_chars))
            current = []
    if current:
        out.append(_cue(current, offset, line_chars))
    return out


def _cue(words: list[tuple[str, float, float]], offset: float, line_chars: int) -> Caption:
    texts = [w for w, _, _ in words]
    lines = _lines(texts, line_chars) or [" ".join(texts)]  # one word longer than a line
    return Caption(offset + words[0][1], offset + words[-1][2], "\n".join(lines))


def _lines(words: list[str], width: int) -> list[str]:
    """``words`` on one line of at most ``width`` characters, or on two as even as they can
    be (the shorter line on top); [] if they do not fit on two."""
    if len(" ".join(words)) <= width:
        return [" ".join(words)]
    splits = [(" ".join(words[:n]), " ".join(words[n:])) for n in range(1, len(words))]
    fitting = [(top, bottom) for top, bottom in splits if max(len(top), len(bottom)) <= width]
    if not fitting:
        return []
    top, bottom = min(fitting, key=lambda pair: (max(map(len, pair)), len(pair[0])))
    return [top, bottom]


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
