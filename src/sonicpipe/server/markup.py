"""Sonic's inline markup read by the local server: what to say, how fast, how loud, and pauses.

A transcript piece becomes a list of :class:`Utterance` (words spoken with one speed and
volume) and :class:`Pause` items. Speed and volume tags apply from where they stand to the end
of the context, so the reader keeps them in a :class:`Voicing` carried between sentences.
Emotion tags and ``[laughter]`` (in any case) are accepted and reported in ``unsupported`` (the
local voice has neither); any other bracketed text (``[sic]``, ``Press [Enter]``) is ordinary
text and spoken. Speed, volume, emotion and break tags and ``<spell>`` are sonic-3 family
markup: on a sonic-2 family model a tag is checked, skipped and noted in ``ignored``, and spelled
text is read as written. Custom pronunciations ``<<a|b>>`` are checked against the model's phoneme
set.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sonicpipe import phonemes as ipa
from sonicpipe.controls import (
    NONVERBALS,
    ControlError,
    Family,
    check_emotion,
    check_speed,
    check_volume,
    family_of,
    parse_break,
)
from sonicpipe.server.engines import Word, words_of
from sonicpipe.sonic.protocol import ProtocolError

# <spell>…</spell> holds no other <spell>: each one looks no further than the next, so an unclosed
# one (spoken as text) costs no scan to the end of the transcript.
_SPELL = r"<spell>(?P<spell>(?:[^<]|<(?!/?spell>))*+)</spell>"
_TOKEN = re.compile(
    r"<(?P<tag>emotion|speed|volume|break)\s+(?P<attr>\w+)\s*=\s*[\"'](?P<value>[^\"']*)[\"']\s*/?>"
    rf"|{_SPELL}"
    r"|<<(?P<ipa>[^<>]*)>>"
    rf"|\[(?P<nonverbal>(?i:{'|'.join(NONVERBALS)}))\]",  # other brackets are text: "[sic]"
)
_ATTRIBUTES = {"emotion": "value", "speed": "ratio", "volume": "ratio", "break": "time"}
_CHECKS: dict[str, Callable[[str], Any]] = {
    "emotion": check_emotion,
    "speed": check_speed,
    "volume": check_volume,
    "break": parse_break,
}
# Tags the sonic-3 family takes and sonic-2 models do not (with <spell>, handled in read): the
# spec heads its inline markup "sonic-3 family", as it gives generation_config (speed, volume,
# emotion) to that family. It does not say outright what Sonic does with these tags on sonic-2;
# the local server skips them (no pause; spelled text read as written), so that a sonic-2 test
# does not hear controls Sonic may not apply. [laughter] is "on models that support it": the
# local voice has none on either family. Markup is found the same way on both families (text
# inside <spell> is never markup), so a malformed tag gets one answer on both.
_SONIC3_TAGS = ("emotion", "speed", "volume", "break")


# Words one utterance holds at most: an utterance is synthesized, resampled and encoded whole,
# and a <spell> is kept whole by the sentence split however long it is (each letter a word).
# Four hundred is more than a sentence of max_sentence_chars (400 by default) has otherwise.
MAX_UTTERANCE_WORDS = 400


@dataclass
class Voicing:
    """Speed and volume in force; inline tags change them for the rest of the context."""

    speed: float = 1.0
    volume: float = 1.0


@dataclass
class Utterance:
    """Words spoken in one go at one speed and volume."""

    words: list[Word]
    speed: float
    volume: float


@dataclass
class Pause:
    """Silence from a ``<break time=.../>`` tag."""

    seconds: float


@dataclass
class Reading:
    """A transcript piece as the engine will speak it."""

    items: list[Utterance | Pause] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # notes: markup of the other model family


def not_for(what: str, model_id: str) -> str:
    """The note for ``what``, a control of the family ``model_id`` is not in: it is ignored."""
    other = Family.SONIC3 if family_of(model_id) is Family.SONIC2 else Family.SONIC2
    return f"{what} is for the {other} family; {model_id} ignores it"


def _spelled(text: str) -> list[Word]:
    return [Word(ch) for ch in text if ch.isalnum()]


def _pronunciation(body: str, model_id: str) -> Word:
    items = [p for p in body.split("|") if p]
    try:
        checked = ipa.check(items, model_id)
        if family_of(model_id) is Family.SONIC2:
            checked = ipa.convert(checked, ipa.MFA, ipa.CHARSIU)
    except ipa.PhonemeError as exc:
        raise ProtocolError(f"transcript: <<{body}>>: {exc}") from None
    return Word("".join(p for p in checked if p not in ipa.STRESS), checked)


# Text no engine can take: NUL (piper's phonemizer takes C strings) and lone surrogates.
_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def read(transcript: str, model_id: str, voicing: Voicing) -> Reading:
    """Read ``transcript`` (one sentence or more) under ``voicing``, which tags update.

    Text no engine can take is refused here, though JSON allows it (``"\\u0000"``,
    ``"\\ud800"``): a NUL character or a lone surrogate.
    """
    bad = _NOT_TEXT.search(transcript)
    if bad:
        what = "NUL character" if bad[0] == "\x00" else "lone surrogate"
        where = transcript[max(bad.start() - 20, 0) : bad.end() + 20]
        raise ProtocolError(
            f"transcript is not valid text: {what} U+{ord(bad[0]):04X} in {where!r}"
        )
    reading = Reading()
    words: list[Word] = []

    def close() -> None:
        for start in range(0, len(words), MAX_UTTERANCE_WORDS):
            piece = words[start : start + MAX_UTTERANCE_WORDS]
            reading.items.append(Utterance(piece, voicing.speed, voicing.volume))
        words.clear()

    sonic2 = family_of(model_id) is Family.SONIC2
    position = 0
    for match in _TOKEN.finditer(transcript):
        words.extend(words_of(transcript[position : match.start()]))
        position = match.end()
        try:
            if match["tag"]:
                _tag(match, model_id, voicing, reading, close)
            elif match["spell"] is not None and sonic2:
                reading.ignored.append(not_for("<spell>", model_id))
                words.extend(words_of(match["spell"]))  # the tags dropped, the text as written
            elif match["spell"] is not None:
                words.extend(_spelled(match["spell"]))
            elif match["ipa"] is not None:
                words.append(_pronunciation(match["ipa"], model_id))
            else:
                reading.unsupported.append(f"[{match['nonverbal'].lower()}]")
        except ControlError as exc:
            raise ProtocolError(f"transcript: {match[0]!r}: {exc}") from None
    words.extend(words_of(transcript[position:]))
    close()
    return reading


def _tag(
    match: re.Match[str],
    model_id: str,
    voicing: Voicing,
    reading: Reading,
    close: Callable[[], None],
) -> None:
    tag, attr = match["tag"], match["attr"]
    if attr != _ATTRIBUTES[tag]:
        raise ControlError(f"<{tag}> takes the attribute {_ATTRIBUTES[tag]!r}, not {attr!r}")
    value = _CHECKS[tag](match["value"])  # checked on both families: one transcript, one answer
    if tag in _SONIC3_TAGS and family_of(model_id) is Family.SONIC2:
        reading.ignored.append(not_for(f"<{tag}/>", model_id))
    elif tag == "emotion":
        reading.unsupported.append(f"emotion {value!r}")
    else:
        close()
        if tag == "speed":
            voicing.speed = value
        elif tag == "volume":
            voicing.volume = value
        else:
            reading.items.append(Pause(value / 1000))


# A sentence ends at . ! ? or … (closing quotes and brackets included) followed by whitespace.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n\s*\n\s*")
# Markup that no cut may fall inside: <<phonemes>>, <spell>…</spell>, any other tag, […].
_MARKUP = re.compile(rf"<<[^<>]*>>|{_SPELL}|<[^<>]*>|\[[^\[\]]*\]")


class _Spans:
    """The markup spans of a text, found once, and which one a position falls inside.

    Markup longer than ``max_chars`` is no span (cut as text), but for ``<spell>``: no tag,
    pronunciation or bracket is that long, and kept whole it would be one utterance of any
    length (a <spell> is read in utterances of at most :data:`MAX_UTTERANCE_WORDS`).
    """

    def __init__(self, text: str, max_chars: int) -> None:
        self.spans = [
            m.span()
            for m in _MARKUP.finditer(text)
            if m.end() - m.start() <= max_chars or m["spell"] is not None
        ]
        self.starts = [start for start, _ in self.spans]

    def around(self, position: int) -> tuple[int, int] | None:
        """The span with ``position`` strictly inside it (a cut there would split it)."""
        index = bisect.bisect_left(self.starts, position) - 1
        if index >= 0 and self.spans[index][1] > position:
            return self.spans[index]
        return None


def _cut(text: str, start: int, stop: int, spans: _Spans, max_chars: int) -> list[str]:
    """``text[start:stop]`` in pieces of at most ``max_chars``, cut at the last space outside
    markup; with none, before (or, if it starts the piece, after) the markup at the limit."""
    pieces: list[str] = []
    while stop - start > max_chars:
        limit = start + max_chars
        cut = text.rfind(" ", start + 1, limit + 1)
        while cut > start and (span := spans.around(cut)) is not None:
            cut = text.rfind(" ", start + 1, span[0])
        if cut <= start:
            span = spans.around(limit)
            cut = limit if span is None else span[0] if span[0] > start else span[1]
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:stop])
    return pieces


def split_sentences(text: str, final: bool, max_chars: int = 400) -> tuple[list[str], str]:
    """Split buffered text into complete sentences and the unfinished rest.

    With ``final`` everything is complete. A piece longer than ``max_chars`` is cut at its last
    space within the limit, so text without punctuation still streams out. No cut falls inside
    markup (a tag, ``<spell>…</spell>``, ``<<…>>`` or ``[…]``) of at most ``max_chars``, nor
    inside a longer ``<spell>``. Linear in the text's length:
    a hostile transcript cannot hold the event loop.
    """
    spans = _Spans(text, max_chars)
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if spans.around(m.start()) is None]
    if final and text[ends[-1] if ends else 0 :].strip():
        ends.append(len(text))
    out: list[str] = []
    for start, stop in itertools.pairwise([0, *ends, len(text)]):
        out.extend(_cut(text, start, stop, spans, max_chars))
    rest = out.pop()
    return [p for p in out if p.strip()], rest
