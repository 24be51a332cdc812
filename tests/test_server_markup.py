"""The local server's markup reader and sentence splitter on ordinary and hostile text."""

from __future__ import annotations

import pytest

from sonicpipe.server.markup import Utterance, Voicing, read


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
