"""Author markup to Sonic controls.

SSML-like tags, self-closing (apply from that point) or paired (apply to the enclosed text,
then restore the previous value)::

    <emotion value="excited"/>   <speed ratio="1.2"/>   <volume ratio="0.8"/>
    <break time="500ms"/>        <spell>ABC-123</spell>  <<k|ɑ|ɹ|ˈ|t|i|ʒ|ə>>

and a short bracket form: ``[excited]``, ``[laughter]``, ``[break 1s]``, ``[speed 1.2]``,
``[volume 0.8]``, ``[emotion excited]``, ``[pause 2 seconds]``, in any case (LLM-written
scripts say ``[Excited]``); a number may have a decimal comma (``[speed 1,2]``), and a
ratio be a multiple or a percentage (``[speed 1.2x]``, ``[volume 80%]``, ``+10%``). A bare
bracket is markup only when it is exactly an emotion or nonverbal name, a transcript's or
another TTS's word for laughter (``[laughs]``, ``[chuckles]``: ``[laughter]``), or a
script's pause with no time (``[pause]`` and ``[break]``: 1s, ``[short pause]`` and
``[beat]``: 500ms, ``[long pause]``: 2s), or a transcript's or script's cue for what nobody
says (:data:`CUES`, and subtitles' two or three words ending in a sound, ``[upbeat music]``,
``[door creaks]``: :data:`CAPTION_SOUNDS`; with a last word that says how or where it goes,
``[sighs heavily]``, ``[music fades out]``; two joined by "and", ``[cheers and applause]``),
which is not read: a sound (``[Music]``, ``[applause]``, ``[inaudible]``, ``[door slams]``,
``[crosstalk 00:12:34]``) becomes a 500ms break, a voice's sound (``[sighs]``, ``[coughs]``)
a 300ms break, a way of speaking (``[whispers]``, ``[shouting]``, ``[speaks softly]``:
:data:`MANNERS`) the volume it is said at (a whisper 0.5, a shout 1.6) up to its paragraph's
end or a transcript's next turn, where the volume before it comes back (:func:`end_manners`;
Sonic has no whisper, and read aloud the direction was a word of the line); any other
bracketed text (``[sic]``, ``[the committee]``, ``[contents]``, ``[break in the text]``) and
a markdown link text (``[content](https://...)``, or a reference link's, ``[Music][1]`` and
``[Music][]``, unless its label is markup too: ``[sighs][laughs]``, and ``[Music]`` when
``[music]: https://...`` defines it; cleanup keeps the text; a control with its value is
none: ``[break 1s][x]``) and a definition's label stay text. A bad value in an explicit
control (a tag, or ``[emotion exited]``) is an error naming the valid values. Each control
becomes a mark placeholder in ``doc.text``. Markup shown in markdown code (a code span, a
fenced block: see ``cleanup.code_regions``) is code, not markup, while cleanup reads
markdown: it stays text for cleanup to read as code.

Any other tag is the cleanup plugin's to read (it runs next and sees where code is): HTML in
markdown is removed and an SSML ``<speak>`` wrapper dropped; any other tag (``<prosody>``,
``<say-as>``) is a :class:`MarkupError` from :func:`unsupported_tag`, with the Sonic markup
that does its work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from sonicpipe.config import Settings
from sonicpipe.controls import (
    EMOTIONS,
    NONVERBALS,
    ControlError,
    check_emotion,
    check_speed,
    check_volume,
    parse_break,
)
from sonicpipe.hookspecs import hookimpl
from sonicpipe.model import MARK_RE, Document, Mark, MarkKind, MarkTable, is_english, strip_marks
from sonicpipe.phonemes import PhonemeError, check
from sonicpipe.phonemes import parse as parse_phonemes

__version__ = "0.1.0"
sonicpipe_options = ()  # takes no options


# Laughter as transcripts and other voices' scripts mark it (ElevenLabs' "[laughs]").
LAUGHTER = dict.fromkeys(
    ("laughs", "laugh", "laughing", "chuckles", "chuckle", "chuckling", "giggles", "giggle",
     "giggling"),
    "laughter",
)  # fmt: skip

# A pause as scripts mark it with no time: "[pause]", "[break]", "[long pause]", a
# screenplay's "[beat]"
PAUSES = {"pause": 1000, "break": 1000, "short pause": 500, "long pause": 2000, "beat": 500}


# Cues of transcripts (YouTube's "[Music]", Rev's "[inaudible 00:12:34]", Whisper's
# "[BLANK_AUDIO]") and scripts ("[door slams]", "[sighs]") for what nobody says, and the break
# that stands for each: a sound takes its time, a way of speaking none. Read aloud they were
# words; only these exact names (in any case) are cues, so "[sic]" and "[the committee]" stay.
SOUND_CUES = (
    "music", "music playing", "applause", "cheering", "cheers", "crosstalk", "inaudible",
    "unintelligible", "indistinct", "indistinct chatter", "silence", "static", "noise",
    "background noise", "blank_audio", "no audio", "door slams", "door closes", "door opens",
    "knocking", "phone rings", "phone ringing", "footsteps", "thunder", "gunshot", "gunshots",
    "explosion",
)  # fmt: skip
VOICE_CUES = (
    "sighs", "sigh", "sighing", "gasps", "gasp", "coughs", "cough", "coughing",
    "clears throat", "sniffs", "sniffles", "groans", "sobs", "crying", "yawns",
)  # fmt: skip
SOUND_MS, VOICE_MS = 500, 300  # a sound's break, a voice's
CUES = {**dict.fromkeys(SOUND_CUES, SOUND_MS), **dict.fromkeys(VOICE_CUES, VOICE_MS)}
# A way of speaking, as scripts and transcripts direct it ("[whispers]", "(shouting)"): the
# volume it is said at, to its paragraph's end (see end_manners). Sonic has no whisper; read
# aloud, the direction was a word of the line, and dropped, the line was said as any other.
MANNERS = {
    **dict.fromkeys(("whispers", "whispering", "whispered"), 0.5),
    **dict.fromkeys(("mutters", "muttering", "muttered", "murmurs", "quietly", "softly"), 0.7),
    **dict.fromkeys(("shouts", "shouting", "shouted", "yells", "yelling", "yelled"), 1.6),
}  # fmt: skip
# Subtitles' cues of a few words ending in a sound ("[upbeat music]", "[door creaks]",
# "[crowd cheering]"): the sound words, the one-word cues' and these; a cue's break is that of
# its sound's cue, else a sound's
CAPTION_SOUNDS = frozenset((
    *(name for name in (*CUES, *MANNERS) if " " not in name), "laughter", *LAUGHTER,
    "playing", "creaks",
    "creaking", "beeps", "beeping", "rings", "ringing", "buzzes", "buzzing", "chimes", "chiming",
    "knocks", "bangs", "banging", "thuds", "crashes", "clatters", "barks", "barking", "clapping",
    "screams", "screaming", "screeching", "whistles", "whistling", "honks", "honking", "wailing",
    "blaring", "roaring", "rumbling", "crackling", "rustling", "splashing", "ticking",
    "chatter", "chattering", "murmuring", "humming", "snoring", "sobbing", "chuckles",
    "plays", "fades", "swells", "continues", "stops", "builds", "intensifies",
))  # fmt: skip
# Two or three words, the sound last; written as subtitles write them, in small letters,
# capitalized or in capitals ("[Chamber Music]", in title case, names something)
CAPTION_RE = re.compile(r"(?:[a-z]+(?:-[a-z]+)* ){1,2}(?P<sound>[a-z]+)")
# Words that make a bracket an editor's words ("[the music]", "[his playing]"), not a cue
FUNCTION_WORDS = frozenset((
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our",
    "their", "no", "not", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "from",
    "with", "as", "is", "was", "are", "were", "be", "i", "you", "he", "she", "it", "we", "they",
    "who", "which",
))  # fmt: skip
# A cue with a transcript's time stamp: "[inaudible 00:12:34]", "[crosstalk 1:02]"
TIMESTAMP_RE = re.compile(r"\s+\d{1,2}(?::\d{2}){1,2}$")
# A cue's last word that says how or where its sound goes: "[sighs heavily]", "(laughs
# nervously)", "[music fades out]"
HOW_RE = re.compile(r"(?<=[a-z]) (?:[a-z]{2,}ly|out|in|away|off|up|down)$")


class MarkupError(ValueError):
    """Bad author markup; the message names the source, line and valid values."""


TAG_NAMES = ("emotion", "speed", "volume", "break", "spell")
SUPPORTED = (
    '<emotion value="..."/>, <speed ratio="..."/>, <volume ratio="..."/>, <break time="..."/>, '
    "<spell>...</spell>, <<p|h|o|n|e|m|e|s>> and brackets such as [excited] or [break 1s]"
)
INSTEAD_OF = {  # SSML tags Sonic has no form of, and the markup that does their work
    "prosody": 'use <speed ratio="0.8">...</speed> for its rate, '
    '<volume ratio="1.5">...</volume> for its volume',
    "emphasis": 'Sonic has no emphasis; <volume ratio="1.3">...</volume> comes closest',
    "say-as": "use <spell>...</spell> to read characters one by one; numbers, dates and "
    "times are read out without markup",
    "phoneme": "write the pronunciation inline in IPA, <<p|h|o|n|e|m|e|s>>",
}
# "[excited]", "[break 1s]": a bare bracket or a control; "[text](url)" is a link
BRACKET = r"\[(?P<bracket>[A-Za-z][\w/ .,:=%+×-]{0,40})\](?!\()"
TOKEN_RE = re.compile(
    # "<<h | i>>" and "<<>>" too, to be errors: left as text they were read out ("shifted left")
    r"<<(?P<phonemes>[^<>\s]*|[^<>]*\|[^<>]*)>>"
    r"|<spell>(?P<spell>.*?)</spell>"
    rf"|<(?P<close>/)?(?P<tag>{'|'.join(TAG_NAMES)})\b(?P<attrs>[^<>]*?)(?P<selfclose>/)?>"
    rf"|{BRACKET}",
    re.IGNORECASE | re.DOTALL,
)
BRACKET_RE = re.compile(BRACKET)
# The label after a markdown reference link's text: "[Music][1]", "[Music][]"
LINK_LABEL_RE = re.compile(r"\[[^\[\]]*\]")
# A markdown reference link's definition, a line of its own ("[1]: https://...", "[a]:
# ./b.md 'Title'"): its label. Its target looks like an address or a path, one word with no
# punctuation at its end: a script's "[Narrator]: Welcome to the show." is none.
DEFINITION_RE = re.compile(
    r"^ {0,3}\[([^\]^][^\]]*)\]:[ \t]*(?:<[^<>\n]*>|(?=\S*[/#.:])\S*[^\s.,;:!?])"
    r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$""",
    re.M,
)
# Phonemes missing their << or >> ("<<k|æ|t now", "k|æ|t>>"), read out if left as text; no
# digits: "x<<2|y" is code
HALF_RE = re.compile(r"<<[^<>\s\d]*\|[^<>\s\d]*>?(?!>)|(?<!\S)<?[^<>\s\d]*\|[^<>\s\d]*>>")
# "[speed 1.2]", "[volume=0.8]", "[break 1.5 s]", "[pause 2 seconds]": a control word and
# one value (a number may have a unit word)
EXPLICIT_RE = re.compile(
    r"(emotion|speed|volume|break|pause)(?:\s*[:=]\s*|\s+)(\d[\d.,]*\s*[a-z]+|\S+(?:\s*m?s)?)",
    re.IGNORECASE,
)
# A break's time with a unit ("500ms", "2 seconds"), and the units that scripts write for a
# pause, read as Sonic's ms and s
TIME_RE = re.compile(r"(\d[\d.,]*)\s*([a-z]+)", re.IGNORECASE)
UNITS = {
    **dict.fromkeys(("ms", "msec", "msecs", "millisecond", "milliseconds"), "ms"),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "s"),
}  # fmt: skip
ATTR_RE = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'/>]+))""")
ATTRIBUTE_OF = {"emotion": "value", "speed": "ratio", "volume": "ratio", "break": "time"}
DEFAULT_OF = {MarkKind.SPEED: 1.0, MarkKind.VOLUME: 1.0, MarkKind.EMOTION: "neutral"}


class _Open(NamedTuple):
    """A paired tag waiting for its closing tag."""

    tag: str
    previous: Mark | None  # the value it replaced, restored at the closing tag
    line: int


def unsupported_tag(tag: str, name: str) -> str:
    """Why the tag ``tag`` (named ``name``), which is not Sonic markup, is refused."""
    instead = INSTEAD_OF.get(name.lower())
    hint = f"{instead}; " if instead else ""
    return f"{tag} is not supported markup; {hint}supported: {SUPPORTED}"


def _line(match: re.Match[str]) -> int:
    return match.string.count("\n", 0, match.start()) + 1


def _control(kind: str, value: str) -> Mark:
    """Validate one control value and return its mark."""
    match kind:
        case "emotion":
            return Mark(MarkKind.EMOTION, check_emotion(value))
        case "speed":
            return Mark(MarkKind.SPEED, check_speed(value))
        case "volume":
            return Mark(MarkKind.VOLUME, check_volume(value))
        case "break" | "pause":
            return Mark(MarkKind.BREAK, _break_time(value.strip()))
    raise AssertionError(kind)


def _break_time(written: str) -> int:
    """The milliseconds of a break's time as Sonic writes it ("500ms") or with a unit word
    ("2 seconds"); an error quotes it as written."""
    time = TIME_RE.fullmatch(written)
    if time is None:
        return parse_break(written)
    unit = UNITS.get(time.group(2).lower())
    if unit is None:
        raise ControlError(
            f"break time {written!r} is not valid: {time.group(2)!r} is no unit of time; valid "
            "units: ms, s, milliseconds, seconds ('500ms', '2 seconds')"
        )
    sonic = time.group(1) + unit
    try:
        return parse_break(sonic)
    except ControlError as exc:  # its message quotes the time as Sonic's
        raise ControlError(str(exc).replace(repr(sonic), repr(written), 1)) from None


def _bracket(content: str) -> Mark | None:
    """The mark a bracket form stands for, None for ordinary bracketed text."""
    name = " ".join(content.split()).lower()
    if name in EMOTIONS:
        return Mark(MarkKind.EMOTION, name)
    if name in NONVERBALS or cue_name(name) in LAUGHTER:  # "[laughs nervously]" too
        return Mark(MarkKind.NONVERBAL, LAUGHTER.get(cue_name(name), name))
    if name in PAUSES:
        return Mark(MarkKind.BREAK, PAUSES[name])
    if (found := cue(content)) is not None:
        return found
    explicit = EXPLICIT_RE.fullmatch(content.strip())
    if explicit:
        return _control(explicit.group(1).lower(), explicit.group(2))
    return None


def cue_name(written: str) -> str:
    """A cue's name: its words in small letters, without a time stamp or a last word that
    says how or where its sound goes (:data:`HOW_RE`: "sighs heavily", "music fades out")."""
    return HOW_RE.sub("", TIMESTAMP_RE.sub("", " ".join(written.split()).lower()))


def cue(written: str) -> Mark | None:
    """The mark of a transcript's or script's cue for what nobody says (``written``: its
    words, maybe with a time stamp; see :data:`CUES`, :data:`CAPTION_SOUNDS`): a sound's or
    a voice's break, or the volume of a way of speaking (:data:`MANNERS`, its source the cue
    as written: see :func:`end_manners`); None when it is no cue."""
    name = cue_name(written)
    if " and " in name:  # "[cheers and applause]": the longest break of its cues
        parts = [cue(part) for part in name.split(" and ")]
        breaks = [part for part in parts if part is not None and part.kind is MarkKind.BREAK]
        return max(breaks, key=lambda part: part.value) if len(breaks) == len(parts) else None
    if name not in CUES and name not in MANNERS:
        caption = CAPTION_RE.fullmatch(name)
        words = written.strip()
        if (
            caption is None
            or caption.group("sound") not in CAPTION_SOUNDS
            or not FUNCTION_WORDS.isdisjoint(name.split())
            or (words[1:] != words[1:].lower() and words != words.upper())
        ):
            return None
        name = caption.group("sound")
    if name in MANNERS:
        return Mark(MarkKind.VOLUME, MANNERS[name], written)
    return Mark(MarkKind.BREAK, CUES.get(name, SOUND_MS))


def is_manner(mark: Mark) -> bool:
    """Whether ``mark`` is a way of speaking's volume (see :func:`cue`), not an author's."""
    return mark.kind is MarkKind.VOLUME and bool(mark.source)


# Where a way of speaking ends: its paragraph's end, or a line that starts a transcript's
# turn, with a time stamp or a speaker's name ("[00:01:05] Mary:", "JOHN: Hi"), or with a
# subtitle's dash for the next speaker ("- It's me.")
MANNER_END_RE = re.compile(r"\n[ \t]*(?:\n|[\[(]\d|[A-Z][\w .'-]{0,30}:[ \t]|-[ \t])")


def _manner_end(text: str, start: int) -> int | None:
    """Where a way of speaking from ``start`` in ``text`` ends (:data:`MANNER_END_RE`): with
    the first paragraph or turn that has words ("[whispers]" alone over its line); None at
    the text's end."""
    while found := MANNER_END_RE.search(text, start):
        if strip_marks(text[start : found.start()]).strip():
            return found.start()
        start = found.end()
    return None


def end_manners(text: str, marks: MarkTable) -> str:
    """``text`` (with mark placeholders) with each way of speaking's volume (:func:`cue`)
    ended at the end of its paragraph or turn with words (:func:`_manner_end`): there the
    volume in force before it (an author's, else 1.0) comes back, unless a volume control
    came first. One at the text's end needs none."""
    out: list[str] = []
    pos = 0
    in_force: Mark | None = None  # the last volume control
    back = Mark(MarkKind.VOLUME, DEFAULT_OF[MarkKind.VOLUME])  # to come back at ``end``
    end: int | None = None  # where the way of speaking in force ends
    for match in MARK_RE.finditer(text):
        if end is not None and match.start() >= end:
            out += [text[pos:end], marks.add(back)]
            pos, end, in_force = end, None, back
        mark = marks.get(match.group())
        if mark.kind is not MarkKind.VOLUME:
            continue
        if not is_manner(mark):
            end = None  # an author's volume holds
        elif end is None and (end := _manner_end(text, match.end())) is not None:
            back = in_force or back
        in_force = mark
    if end is not None:
        out += [text[pos:end], marks.add(back)]
        pos = end
    return "".join(out) + text[pos:]


def link_label(text: str) -> str:
    """A markdown reference link's label as its definition's is matched: case and spaces
    aside."""
    return " ".join(text.split()).lower()


class _Links(NamedTuple):
    """A text's markdown reference-link definitions (outside code): their labels, and where
    each starts."""

    labels: frozenset[str] = frozenset()
    starts: frozenset[int] = frozenset()


NO_LINKS = _Links()


def _links(text: str, spans: Sequence[tuple[int, int]]) -> _Links:
    """The reference-link definitions in ``spans`` of ``text``."""
    if "]:" not in text:  # few texts define links
        return NO_LINKS
    found = [d for span in spans for d in DEFINITION_RE.finditer(text, *span)]
    return _Links(
        frozenset(link_label(d.group(1)) for d in found),
        frozenset(d.start(1) - 1 for d in found),
    )


def _bracket_at(found: re.Match[str], links: _Links = NO_LINKS) -> Mark | None:
    """What the bracket form ``found`` in its text stands for (see :func:`_bracket`). A
    markdown reference link's text stays text: before a label (``[Music][1]``,
    ``[Music][]``), unless the label is markup too (``[sighs][laughs]``: two cues), or
    itself a defined label (``[Music]`` with ``[music]: https://...``); so does a
    definition's label. A control with its value (``[break 1s]``) is no link's text."""
    if found.start() in links.starts:
        return None
    if EXPLICIT_RE.fullmatch(found.group("bracket").strip()):
        return _bracket(found.group("bracket"))  # "[break 1s][x]": no link's text
    label = LINK_LABEL_RE.match(found.string, found.end())
    if label is not None and not _is_bracket_markup(label.group()):
        return None
    if link_label(found.group("bracket")) in links.labels:
        return None
    return _bracket(found.group("bracket"))


def _is_bracket_markup(text: str) -> bool:
    """Whether ``text`` is a whole bracket form that is markup (``[break 1s]``)."""
    bracket = BRACKET_RE.fullmatch(text)
    return bracket is not None and _bracket(bracket.group("bracket")) is not None


def _holds_bracket_markup(text: str) -> bool:
    """Whether ``text`` holds a bracket form that is markup (``[break 1s]``, ``[Music]``)."""
    return any(_bracket_at(found) is not None for found in BRACKET_RE.finditer(text))


def parse(doc: Document, model_id: str | None = None, code: Sequence[tuple[int, int]] = ()) -> None:
    """Replace every piece of markup in ``doc.text`` by a mark placeholder.

    With ``model_id``, inline ``<<...>>`` phonemes of English text are checked against that
    model's phoneme set. ``code``: the (start, end) of each stretch of code in ``doc.text``
    (in order, ``doc.text`` holding no mark placeholder), whose markup stays text.
    """
    check_phonemes = model_id if model_id and is_english(doc.language) else None
    text = strip_marks(doc.text)  # placeholders are ours alone
    out: list[str] = []
    spans: list[tuple[int, int]] = []  # of the text between the markup, outside code
    pos = 0
    open_tags: list[_Open] = []
    current: dict[MarkKind, Mark] = {}
    manners = False  # whether a way of speaking was found

    outside = _outside(code, len(text))
    links = _links(text, outside)
    for start, end in outside:
        for match in TOKEN_RE.finditer(text, start, end):
            try:
                mark = _token(match, open_tags, current, check_phonemes, links)
            except ControlError as exc:
                where = f"{doc.source}:{_line(match)}"
                raise MarkupError(f"{where}: {exc} (in {match.group()!r})") from None
            if mark is None:
                continue
            out.append(text[pos : match.start()])
            spans.append((start, match.start()))
            pos = start = match.end()
            out.append(doc.marks.add(mark))
            manners = manners or is_manner(mark)
            if mark.kind in DEFAULT_OF and not is_manner(mark):  # see end_manners
                current[mark.kind] = mark
        spans.append((start, end))
    out.append(text[pos:])
    if half := _half_pronunciation(text, spans):
        raise MarkupError(
            f"{doc.source}:{_line(half)}: {half.group()!r} is half a pronunciation: "
            "write <<p|h|o|n|e|s>>"
        )
    if open_tags:
        tag, _, line = open_tags[-1]
        raise MarkupError(
            f"{doc.source}:{line}: <{tag}> is never closed; add </{tag}> where it should end, "
            f'or make it apply from there on: <{tag} {ATTRIBUTE_OF[tag]}="..."/>'
        )
    doc.text = end_manners("".join(out), doc.marks) if manners else "".join(out)


def _outside(code: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The (start, end) of the stretches of a text of ``length`` around its ``code``."""
    bounds = [0, *(bound for region in code for bound in region), length]
    return list(zip(bounds[::2], bounds[1::2], strict=True))


def _half_pronunciation(text: str, spans: list[tuple[int, int]]) -> re.Match[str] | None:
    """The first pronunciation missing its ``<<`` or ``>>`` in ``spans`` of ``text``."""
    if "|" not in text or ("<<" not in text and ">>" not in text):  # most texts
        return None
    return next(filter(None, (HALF_RE.search(text, *span) for span in spans)), None)


def _token(
    match: re.Match[str],
    open_tags: list[_Open],
    current: dict[MarkKind, Mark],
    model_id: str | None,
    links: _Links,
) -> Mark | None:
    """The mark ``match`` stands for, or None when it is ordinary text."""
    if match.group("phonemes") is not None:
        try:
            (phonemes,) = parse_phonemes(match.group())
            if model_id is not None:
                phonemes = check(phonemes, model_id)
        except PhonemeError as exc:
            raise ControlError(str(exc)) from None
        return Mark(MarkKind.PHONEMES, phonemes, match.group())
    if match.group("spell") is not None:
        spelled = " ".join(match.group("spell").split())
        if not spelled:
            raise ControlError("<spell> has nothing to spell: <spell>AB-123</spell>")
        if "<" in spelled or ">" in spelled or _holds_bracket_markup(spelled):
            # Sonic would get a tag inside <spell>, unchecked
            raise ControlError("<spell> spells plain characters: no markup inside it")
        return Mark(MarkKind.SPELL, spelled, match.group())
    if match.group("bracket") is not None:
        return _bracket_at(match, links)
    tag = match.group("tag").lower()
    if tag == "spell":
        raise ControlError("<spell> needs a closing </spell> around the text to spell")
    if match.group("close"):
        return _close(tag, open_tags)
    attrs = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
             for m in ATTR_RE.finditer(match.group("attrs"))}  # fmt: skip
    wanted = ATTRIBUTE_OF[tag]
    if wanted not in attrs:
        raise ControlError(f'<{tag}> needs a {wanted}="..." attribute')
    mark = _control(tag, attrs[wanted])
    if not match.group("selfclose"):
        if tag == "break":
            raise ControlError('<break> must be self-closing: <break time="1s"/>')
        open_tags.append(_Open(tag, current.get(mark.kind), _line(match)))
    return mark


def _close(tag: str, open_tags: list[_Open]) -> Mark:
    """The mark that ends the innermost open tag, which must be ``tag``."""
    outer = [opened for opened in open_tags if opened.tag == tag]
    if not outer:
        raise ControlError(f"</{tag}> closes nothing: no <{tag}> is open")
    inner = open_tags[-1]
    if inner.tag != tag:
        raise ControlError(
            f"</{tag}> comes before </{inner.tag}>: <{inner.tag}> (line {inner.line}) was "
            f"opened inside <{tag}> (line {outer[-1].line}); close it first"
        )
    previous = open_tags.pop().previous
    if previous is not None:
        return previous
    kind = MarkKind(tag)
    return Mark(kind, DEFAULT_OF[kind])


@hookimpl(tryfirst=True)
def sonicpipe_clean_text(doc: Document, settings: Settings) -> None:
    """Lift author markup into marks before any other cleanup sees the text; markup in
    markdown code (when cleanup runs and reads markdown) stays text, which cleanup reads as
    code."""
    # cleanup imports this module, so it is imported here, once both are loaded
    from sonicpipe.builtin.cleanup import CleanupOptions, code_regions

    markdown = (
        "cleanup" not in settings.disable
        and CleanupOptions.from_mapping(settings.plugin_options("cleanup")).markdown
    )
    doc.text = strip_marks(doc.text)
    code = code_regions(doc.text) if markdown else ()
    parse(doc, settings.model, code)
