"""The local server's markup reader and sentence splitter on ordinary and hostile text."""

from __future__ import annotations

import json

import pytest

from sonicpipe.server.engines import Word
from sonicpipe.server.markup import (
    MAX_UTTERANCE_WORDS,
    Pause,
    Utterance,
    Voicing,
    read,
    split_sentences,
)
from sonicpipe.sonic.protocol import ProtocolError


def spoken(transcript: str) -> list[str]:
    """The words ``transcript`` is spoken as."""
    reading = read(transcript, "sonic-3", Voicing())
    return [w.text for item in reading.items if isinstance(item, Utterance) for w in item.words]


@pytest.mark.parametrize(
    ("transcript", "words"),
    [
        ("The letter said [sic] that.", ["The", "letter", "said", "[sic]", "that."]),
        ("Press [Enter] to go.", ["Press", "[Enter]", "to", "go."]),
        ("Read a[i] twice.", ["Read", "a[i]", "twice."]),
        ("[Note] the [coughing] man.", ["[Note]", "the", "[coughing]", "man."]),
        ("[laughter and tears]", ["[laughter", "and", "tears]"]),
    ],
)
def test_bracketed_text_that_is_no_nonverbal_is_spoken(transcript: str, words: list[str]) -> None:
    reading = read(transcript, "sonic-3", Voicing())
    assert reading.unsupported == []
    assert spoken(transcript) == words


@pytest.mark.parametrize("laughter", ["[laughter]", "[Laughter]", "[LAUGHTER]"])
def test_laughter_is_markup_in_any_case(laughter: str) -> None:
    reading = read(f"So funny {laughter} really.", "sonic-3", Voicing())
    assert reading.unsupported == ["[laughter]"]
    assert spoken(f"So funny {laughter} really.") == ["So", "funny", "really."]


HOSTILE = ["<spell>", "<<", "[", "<break", '<break time="', "<spell>a<", "[a] ", "a. [b] "]


@pytest.mark.parametrize("unit", HOSTILE)
def test_hostile_transcripts_split_into_short_pieces_that_read(unit: str) -> None:
    # Once super-quadratic: 28,000 chars of "<spell>" held the event loop for 9 s.
    text = (unit * 45_000)[:45_000]
    pieces, rest = split_sentences(text, final=True, max_chars=400)
    assert rest == "" and "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(0 < len(p) <= 400 for p in pieces) and len(pieces) >= 45_000 // 400
    for piece in pieces:
        read(piece, "sonic-3", Voicing())  # unclosed markup is text, never an error


def test_an_unclosed_spell_is_text_and_the_next_one_is_spelled() -> None:
    text = "Call <spell>now. Then <spell>AB1</spell> please."
    pieces, _ = split_sentences(text, final=True)
    assert pieces == ["Call <spell>now. ", "Then <spell>AB1</spell> please."]
    assert [spoken(p) for p in pieces] == [
        ["Call", "<spell>now."], ["Then", "A", "B", "1", "please."]
    ]  # fmt: skip


def test_text_without_spaces_is_cut_before_markup_at_the_limit() -> None:
    spelled = "<spell>" + "Z" * 500 + "</spell>"  # markup longer than the limit stays whole
    text = "x" * 395 + "<<k|ɑ|ɹ>>" + "y" * 10 + spelled + "z" * 10
    pieces, rest = split_sentences(text, final=False, max_chars=400)
    assert pieces == ["x" * 395, "<<k|ɑ|ɹ>>" + "y" * 10, spelled]
    assert rest == "z" * 10


@pytest.mark.parametrize(
    "markup", ["[" + "x" * 5000 + "]", "<<" + "k|" * 3000 + ">>", "<" + "y" * 5000 + ">"]
)
def test_markup_longer_than_the_limit_is_cut_as_text(markup: str) -> None:
    """It was kept whole: one piece, read as one word of any length (a 50,000-character
    bracket was over ten minutes of audio made, resampled and encoded at once)."""
    pieces, rest = split_sentences(markup, final=True, max_chars=400)
    assert "".join(pieces) == markup and rest == ""
    assert all(len(p) <= 400 for p in pieces)


def test_a_long_spell_is_read_in_utterances_of_bounded_length() -> None:
    """A <spell> stays whole in the sentence split, however long: it was one utterance of as
    many words as letters (5,000 letters: 200 s of audio made, resampled and encoded at once)."""
    reading = read("<spell>" + "A" * 5000 + "</spell>", "sonic-3", Voicing())
    sizes = [len(item.words) for item in reading.items if isinstance(item, Utterance)]
    assert sum(sizes) == 5000 and max(sizes) == MAX_UTTERANCE_WORDS


def test_a_lone_surrogate_is_refused_as_invalid_text() -> None:
    transcript = json.loads('"Well \\ud800 hello."')  # valid JSON, not valid text
    with pytest.raises(ProtocolError, match="transcript is not valid text: lone surrogate U"):
        read(transcript, "sonic-3", Voicing())
    paired = json.loads('"Well \\ud83d\\ude00 hello."')  # a pair is one character: fine
    assert spoken(paired) == ["Well", "\U0001f600", "hello."]


@pytest.mark.parametrize("model", ["sonic-2", "sonic-turbo"])
def test_speed_volume_and_emotion_tags_are_skipped_with_a_note_on_the_sonic2_family(
    model: str,
) -> None:
    """The spec lists inline markup under the sonic-3 family; it does not say outright that
    sonic-2 ignores these tags, but the local server does, so a sonic-2 test does not hear
    controls that Sonic may not apply. The tags are still checked and never spoken."""
    text = 'Calm <speed ratio="0.7"/>slow <volume ratio="2"/>loud <emotion value="sad"/>sad.'
    voicing = Voicing()
    reading = read(text, model, voicing)
    assert [(u.speed, u.volume, [w.text for w in u.words]) for u in reading.items] == [
        (1.0, 1.0, ["Calm", "slow", "loud", "sad."])
    ]
    assert voicing == Voicing()
    assert reading.ignored == [
        f"<{tag}/> is for the sonic-3 family; {model} ignores it"
        for tag in ("speed", "volume", "emotion")
    ]
    assert reading.unsupported == []
    with pytest.raises(ProtocolError, match="speed ratio 9 is out of range"):
        read('<speed ratio="9"/>Fast.', model, Voicing())


def test_speed_and_volume_tags_apply_on_the_sonic3_family() -> None:
    text = 'Calm <speed ratio="0.7"/>slow <volume ratio="2"/>loud <emotion value="sad"/>sad.'
    reading = read(text, "sonic-3-2026-01-12", Voicing())
    assert [(u.speed, u.volume) for u in reading.items] == [(1.0, 1.0), (0.7, 1.0), (0.7, 2.0)]
    assert reading.ignored == [] and reading.unsupported == ["emotion 'sad'"]


@pytest.mark.parametrize("model", ["sonic-2", "sonic-turbo"])
def test_break_and_spell_tags_are_skipped_with_a_note_on_the_sonic2_family(model: str) -> None:
    """The spec lists <break/> and <spell> under the sonic-3 family's inline markup; it does not
    say outright what Sonic does with them on sonic-2. The local server skips a break (no pause)
    and drops the spell tags, reading their text as written, each with a note; tags are never
    spoken. A malformed tag gets the same answer as on sonic-3."""
    text = 'Wait<break time="1s"/>now. Call <spell>AB-12</spell> please.'
    reading = read(text, model, Voicing())
    words = [Word(w) for w in ("Wait", "now.", "Call", "AB-12", "please.")]
    assert reading.items == [Utterance(words, 1.0, 1.0)]
    assert reading.ignored == [
        f"{tag} is for the sonic-3 family; {model} ignores it" for tag in ("<break/>", "<spell>")
    ]
    sonic3 = read(text, "sonic-3", Voicing())
    spelled = [Word(w) for w in ("now.", "Call", "A", "B", "1", "2", "please.")]
    assert sonic3.items == [Utterance(words[:1], 1, 1), Pause(1.0), Utterance(spelled, 1, 1)]
    assert sonic3.ignored == []
    with pytest.raises(ProtocolError, match="break time 'soon' is not valid"):
        read('Wait <break time="soon"/>now.', model, Voicing())
    unclosed = "Call <spell>now."  # not a tag on either family: text
    assert read(unclosed, model, Voicing()) == read(unclosed, "sonic-3", Voicing())
