"""What each Sonic model family accepts as controls, and rendering segments for a model.

Values follow ../shared/spec/sonic-websocket.md (condensed from Cartesia's docs). The docs call
inline markup and emotions "beta" and tell readers to "check the current list": the emotion
list below is the complete list the docs published, and an unknown value is rejected here
rather than silently ignored by the server.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from sonicpipe.model import MARK_CHARS, MARK_FIRST, MARK_RE, Mark, MarkKind, Segment


class ControlError(ValueError):
    """A control value that Sonic does not accept; the message lists the valid values."""


class Family(StrEnum):
    """Model families that differ in the controls they understand."""

    SONIC3 = "sonic-3"  # sonic-3, sonic-3.5, dated snapshots: inline tags, generation_config
    SONIC2 = "sonic-2"  # sonic-2, sonic-turbo: __experimental_controls, MFA IPA


PRIMARY_EMOTIONS = ("neutral", "angry", "excited", "content", "sad", "scared")
EMOTIONS = (
    "happy", "excited", "enthusiastic", "elated", "euphoric", "triumphant", "amazed",
    "surprised", "flirtatious", "joking/comedic", "curious", "content", "peaceful", "serene",
    "calm", "grateful", "affectionate", "trust", "sympathetic", "anticipation", "mysterious",
    "angry", "mad", "outraged", "frustrated", "agitated", "threatened", "disgusted", "contempt",
    "envious", "sarcastic", "ironic", "sad", "dejected", "melancholic", "disappointed", "hurt",
    "guilty", "bored", "tired", "rejected", "nostalgic", "wistful", "apologetic", "hesitant",
    "insecure", "confused", "resigned", "anxious", "panicked", "alarmed", "scared", "neutral",
    "proud", "confident", "distant", "skeptical", "contemplative", "determined",
)  # fmt: skip
SPEED_RANGE = (0.6, 1.5)
VOLUME_RANGE = (0.5, 2.0)
BREAK_RANGE_MS = (0, 10_000)  # the docs give no maximum; ten seconds is our own bound
NONVERBALS = ("laughter",)

# sonic-2 experimental controls: emotion "name:level"; speed a number in [-1, 1].
SONIC2_EMOTION_NAMES = ("anger", "positivity", "surprise", "sadness", "curiosity")
SONIC2_LEVELS = ("lowest", "low", "high", "highest")
SONIC2_SPEED_WORDS = {"slowest": -1.0, "slow": -0.5, "normal": 0.0, "fast": 0.5, "fastest": 1.0}
# Closest sonic-2 reading of a sonic-3 emotion; emotions missing here cannot be rendered.
SONIC2_EMOTION_MAP = {
    "angry": "anger:high", "mad": "anger:high", "outraged": "anger:highest",
    "frustrated": "anger:low", "agitated": "anger:low",
    "happy": "positivity:high", "excited": "positivity:highest",
    "enthusiastic": "positivity:high", "elated": "positivity:highest",
    "euphoric": "positivity:highest", "triumphant": "positivity:high",
    "content": "positivity:low", "grateful": "positivity:low", "affectionate": "positivity:low",
    "amazed": "surprise:high", "surprised": "surprise:high", "alarmed": "surprise:highest",
    "sad": "sadness:high", "dejected": "sadness:high", "melancholic": "sadness:low",
    "disappointed": "sadness:low", "hurt": "sadness:low",
    "curious": "curiosity:high", "contemplative": "curiosity:low",
}  # fmt: skip


def family_of(model_id: str) -> Family:
    """Return the control family of a Sonic model id (dated snapshots included)."""
    if model_id.startswith(("sonic-2", "sonic-turbo")):
        return Family.SONIC2
    if model_id.startswith("sonic-"):
        return Family.SONIC3
    raise ControlError(
        f"unknown model {model_id!r}: expected a Sonic model such as sonic-3, sonic-3.5, "
        "sonic-2 or sonic-turbo (dated snapshots like sonic-3-2026-01-12 are accepted)"
    )


def check_emotion(value: str) -> str:
    """Return ``value`` normalized, or raise naming the valid emotions (and the nearest)."""
    name = value.strip().lower()
    if name not in EMOTIONS:
        near = difflib.get_close_matches(name, EMOTIONS, n=1, cutoff=0.8)
        raise ControlError(
            f"unknown emotion {value!r}; valid emotions are: {', '.join(sorted(EMOTIONS))} "
            f"(best results: {', '.join(PRIMARY_EMOTIONS)})"
            + (f"; did you mean {near[0]!r}?" if near else "")
        )
    return name


# A ratio as people write one: with a decimal comma ("1,2", as much of Europe writes it), as
# a multiple ("1.2x") or a percentage, of the normal ("150%") or relative to it, as SSML's
# prosody does ("+10%", "-20%")
RATIO_RE = re.compile(
    r"\s*(?:(?P<number>\d+(?:[.,]\d+)?)\s*[x×]?|(?P<sign>[+-])?(?P<percent>\d+(?:[.,]\d+)?)\s*%)\s*",
    re.IGNORECASE,
)


def _ratio_of(value: str | float) -> float:
    """The number ``value`` stands for (see :data:`RATIO_RE`); a ValueError if none."""
    written = RATIO_RE.fullmatch(value) if isinstance(value, str) else None
    if written is None:
        return float(value)
    if written["number"] is not None:
        return float(written["number"].replace(",", "."))
    percent = float(written["percent"].replace(",", ".")) / 100
    return 1 + percent if written["sign"] == "+" else 1 - percent if written["sign"] else percent


def _check_ratio(what: str, value: str | float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    try:
        ratio = _ratio_of(value)
    except (TypeError, ValueError):
        raise ControlError(f"{what} ratio {value!r} is not a number; use {low} to {high}") from None
    if not low <= ratio <= high:
        shown = f"{ratio:g}"
        if isinstance(value, str) and any(char in value.lower() for char in ",%x×"):
            shown = f"{value.strip()!r} ({shown})"  # as written too: "'20%' (0.2)"
        raise ControlError(f"{what} ratio {shown} is out of range; valid: {low} to {high}")
    return ratio


def check_speed(value: str | float) -> float:
    """Return a valid speed ratio (0.6–1.5; written "1,2", "1.2x", "120%" or "+20%" too:
    :data:`RATIO_RE`), or raise naming the range."""
    return _check_ratio("speed", value, SPEED_RANGE)


def check_volume(value: str | float) -> float:
    """Return a valid volume ratio (0.5–2.0; written as a speed's may be), or raise naming
    the range."""
    return _check_ratio("volume", value, VOLUME_RANGE)


_BREAK_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(ms|s)\s*$", re.IGNORECASE)


def parse_break(value: str) -> int:
    """Parse a break time such as ``"1s"``, ``"1.5s"`` (``"1,5s"``) or ``"500ms"`` into
    milliseconds."""
    match = _BREAK_RE.match(value)
    if not match:
        raise ControlError(f"break time {value!r} is not valid; write it as '1s' or '500ms'")
    amount, unit = float(match.group(1).replace(",", ".")), match.group(2).lower()
    millis = round(amount * 1000 if unit == "s" else amount)
    low, high = BREAK_RANGE_MS
    if not low <= millis <= high:
        raise ControlError(f"break time {value!r} is out of range; valid: 0ms to {high // 1000}s")
    return millis


@dataclass(frozen=True)
class PhonemeWord:
    """Words a transcript gives Sonic as ``<<…>>``, and what they stand for as written.

    ``phonemes``: one group per ``<<…>>``; the consecutive marks of one multi-word dictionary
    entry ("SQL Server") make one PhonemeWord. ``written``: the words as written (the marks'
    source); None for author ``<<…>>`` markup, which has no written word. ``before``, ``after``:
    the text glued to them in the transcript (a quote, "." or "'s"), which Sonic may report as
    words of their own.
    """

    phonemes: tuple[tuple[str, ...], ...]
    written: str | None
    before: str = ""
    after: str = ""


@dataclass
class Rendered:
    """A segment as Sonic will receive it: the transcript and the request-level controls.

    ``phoneme_words``: each ``<<…>>`` of the transcript, in order, with its written form.
    """

    transcript: str
    generation_config: dict[str, Any] = field(default_factory=dict)
    experimental_controls: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    phoneme_words: list[PhonemeWord] = field(default_factory=list)

    def note(self, message: str) -> None:
        """Add a note for the user, once."""
        if message not in self.notes:
            self.notes.append(message)

    def to_dict(self) -> dict[str, Any]:
        """The fields this segment adds to a generation request."""
        out: dict[str, Any] = {"transcript": self.transcript}
        if self.generation_config:
            out["generation_config"] = self.generation_config
        if self.experimental_controls:
            out["voice"] = {"__experimental_controls": self.experimental_controls}
        return out


@dataclass(frozen=True)
class Defaults:
    """Request-wide controls from the configuration (None: leave it to the model).

    Also the controls in force at a point of a context (see :func:`in_force_after`).
    """

    emotion: str | None = None
    speed: float | None = None
    volume: float | None = None


def _ratio(value: float) -> str:
    return f"{value:g}"


def _inline_tag(mark: Mark) -> str:
    match mark.kind:
        case MarkKind.EMOTION:
            return f'<emotion value="{mark.value}"/>'
        case MarkKind.SPEED:
            return f'<speed ratio="{_ratio(float(mark.value))}"/>'  # type: ignore[arg-type]
        case MarkKind.VOLUME:
            return f'<volume ratio="{_ratio(float(mark.value))}"/>'  # type: ignore[arg-type]
        case MarkKind.BREAK:
            return f'<break time="{mark.value}ms"/>'
        case MarkKind.SPELL:
            return f"<spell>{mark.value}</spell>"
        case MarkKind.PHONEMES:
            return "<<" + "|".join(mark.value) + ">>"  # type: ignore[arg-type]
        case MarkKind.NONVERBAL:
            return f"[{mark.value}]"
    raise AssertionError(mark.kind)


_IN_FORCE = (MarkKind.EMOTION, MarkKind.SPEED, MarkKind.VOLUME)  # named as Defaults' fields


def in_force_after(segment: Segment, start: Defaults) -> Defaults:
    """The emotion, speed and volume in force after ``segment``: ``start``, then its marks."""
    in_force = start
    for piece in segment.marks.split(segment.text):
        if isinstance(piece, Mark) and piece.kind in _IN_FORCE:
            in_force = replace(in_force, **{piece.kind.value: piece.value})
    return in_force


def _join(parts: list[str]) -> str:
    """The parts as one transcript: runs of spaces as one, none before closing punctuation
    (where a dropped control stood: "ok [laughter]." on sonic-2 is "ok."), though a word
    may start with a period (".NET")."""
    joined = re.sub(r"[ \t]{2,}", " ", "".join(parts))
    return re.sub(r" +(?=[.,;:!?)\]](?!\w))", "", joined).strip()


def _written(mark: Mark) -> str | None:
    """What a PHONEMES mark stands for as written: its source, unless that is the author's
    ``<<…>>`` markup itself (or empty)."""
    if mark.source.startswith("<<") or not mark.source.strip():
        return None
    return " ".join(mark.source.split())


# The text glued to a phoneme tag (up to a space or another tag) before and after it.
_GLUED_BEFORE = re.compile(rf"[^\s{MARK_CHARS}]*\Z")
_GLUED_AFTER = re.compile(rf"[^\s{MARK_CHARS}]*")


def _transcript(parts: list[str | Mark]) -> tuple[str, list[PhonemeWord]]:
    """The transcript of ``parts`` (text, and PHONEMES marks written ``<<…>>``) and its
    phoneme words. Each mark stands in the joined text as a placeholder of its own until the
    end, so the text glued to it is read where :func:`_join` has left it."""
    marks = [part for part in parts if isinstance(part, Mark)]
    placeholders = iter(range(MARK_FIRST, MARK_FIRST + len(marks)))
    joined = _join([p if isinstance(p, str) else chr(next(placeholders)) for p in parts])
    units: list[tuple[list[Mark], int, int]] = []  # marks of one PhonemeWord, start, end
    for match in MARK_RE.finditer(joined):
        mark = marks[ord(match.group()) - MARK_FIRST]
        if units:
            unit, start, end = units[-1]
            # One multi-word entry: its next mark, a space apart. The same mark again is the
            # same word said again ("nginx nginx": a segment's repeats share their marks).
            if (
                _written(mark) is not None
                and _written(mark) == _written(unit[-1])
                and joined[end : match.start()] == " "
                and all(m is not mark for m in unit)
            ):
                units[-1] = ([*unit, mark], start, match.end())
                continue
        units.append(([mark], match.start(), match.end()))
    words = [
        PhonemeWord(
            tuple(m.value for m in unit),  # type: ignore[misc]
            _written(unit[0]),
            _GLUED_BEFORE.search(joined, 0, start).group(),  # type: ignore[union-attr]
            _GLUED_AFTER.match(joined, end).group(),  # type: ignore[union-attr]
        )
        for unit, start, end in units
    ]
    transcript = MARK_RE.sub(lambda m: _inline_tag(marks[ord(m.group()) - MARK_FIRST]), joined)
    return transcript, words


def _render_sonic3(segment: Segment, defaults: Defaults) -> Rendered:
    parts = [
        piece if isinstance(piece, str) or piece.kind is MarkKind.PHONEMES else _inline_tag(piece)
        for piece in segment.marks.split(segment.text)
    ]
    config: dict[str, Any] = {}
    if defaults.speed is not None:
        config["speed"] = defaults.speed
    if defaults.volume is not None:
        config["volume"] = defaults.volume
    if defaults.emotion is not None:
        config["emotion"] = defaults.emotion
    transcript, words = _transcript(parts)
    return Rendered(transcript, generation_config=config, phoneme_words=words)


def _spelled(text: str) -> str:
    return " ".join(ch for ch in text if not ch.isspace())


def sonic2_speed(ratio: float) -> float:
    """Our speed ratio (0.6–1.5) on sonic-2's scale: a number in [-1, 1] around 0, linearly."""
    low, high = SPEED_RANGE
    value = (ratio - 1.0) / (1.0 - low) if ratio < 1 else (ratio - 1.0) / (high - 1.0)
    return round(max(-1.0, min(1.0, value)), 3)


def sonic2_ratio(speed: float | str) -> float:
    """The inverse of :func:`sonic2_speed`; also takes sonic-2's speed words."""
    value = SONIC2_SPEED_WORDS[speed] if isinstance(speed, str) else float(speed)
    low, high = SPEED_RANGE
    return 1.0 + value * ((1.0 - low) if value < 0 else (high - 1.0))


# What an unset control means to the model, to tell a real change from an explicit default.
_UNSET = Defaults(emotion="neutral", speed=1.0, volume=1.0)
_PER_REQUEST = (MarkKind.EMOTION, MarkKind.SPEED)  # sonic-2's, in Defaults' field names


def _differ(a: Defaults, b: Defaults, kind: MarkKind) -> bool:
    first, second = getattr(a, kind.value), getattr(b, kind.value)
    unset = getattr(_UNSET, kind.value)
    return (unset if first is None else first) != (unset if second is None else second)


def _render_sonic2(segment: Segment, defaults: Defaults) -> Rendered:
    rendered = Rendered("")
    controls: dict[str, Any] = {}
    parts: list[str | Mark] = []
    # One emotion and speed per request: those in force where the segment's last words are
    # spoken. A control after them ("Hello. [excited]" ending a paragraph) is for the next
    # segment (see in_force_after), as it is on sonic-3; a change between words is noted.
    in_force = defaults
    spoken: Defaults | None = None  # in force at the last words so far
    for piece in segment.marks.split(segment.text):
        if isinstance(piece, str):
            parts.append(piece)
            words = any(ch.isalnum() for ch in piece)
        elif piece.kind in _PER_REQUEST:
            in_force = replace(in_force, **{piece.kind.value: piece.value})
            continue
        else:
            words = piece.kind in (MarkKind.SPELL, MarkKind.PHONEMES)
            match piece.kind:
                case MarkKind.SPELL:
                    parts.append(_spelled(str(piece.value)))
                case MarkKind.PHONEMES:
                    parts.append(piece)
                case _:
                    rendered.note(f"sonic-2 models have no {piece.kind} control; dropped")
        if words:
            for kind in _PER_REQUEST:
                if spoken is not None and _differ(spoken, in_force, kind):
                    rendered.note(
                        f"sonic-2 models take one {kind} per request: a {kind} change within "
                        "the segment applies to all of it (the one at its last words)"
                    )
            spoken = in_force
    sent = spoken or in_force  # a segment of controls alone: the last ones
    emotion, speed = sent.emotion, sent.speed
    if emotion is not None:
        mapped = SONIC2_EMOTION_MAP.get(emotion)
        if mapped:
            controls["emotion"] = [mapped]
        elif emotion != "neutral":
            rendered.note(f"emotion {emotion!r} has no sonic-2 equivalent; dropped")
    if speed is not None:
        controls["speed"] = sonic2_speed(speed)
    if defaults.volume not in (None, 1.0):  # 1.0 (after "</volume>") changes nothing
        rendered.note("sonic-2 models have no volume control; dropped")
    rendered.transcript, rendered.phoneme_words = _transcript(parts)
    rendered.experimental_controls = controls
    return rendered


def render(segment: Segment, model_id: str, defaults: Defaults | None = None) -> Rendered:
    """Render a segment's text and marks into what ``model_id`` understands.

    ``defaults``: the controls in force where the segment starts (the configuration's, or
    :func:`in_force_after` the previous segment of the same context). sonic-3 family: marks
    become inline tags, which hold to the end of the context, and ``defaults`` go to
    ``generation_config``. sonic-2 family: emotion and speed go to the voice's experimental
    controls (those in force at the segment's last words; a change between its words is
    noted); these are per request, so rendering the next segment from :func:`in_force_after`
    carries them on. Spelled text is spaced out, and controls the family lacks are dropped
    with a note. The notes are also added to ``segment.notes``, each once: rendering a
    segment again (a retry, a cache key) adds none.
    """
    defaults = defaults or Defaults()
    if family_of(model_id) is Family.SONIC3:
        rendered = _render_sonic3(segment, defaults)
    else:
        rendered = _render_sonic2(segment, defaults)
    segment.notes.extend(n for n in rendered.notes if n not in segment.notes)
    return rendered
