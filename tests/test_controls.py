"""Rendering segments for each Sonic model family."""

import json
from pathlib import Path

import pytest

from sonicpipe.cli import main
from sonicpipe.controls import (
    ControlError,
    Defaults,
    Family,
    PhonemeWord,
    check_emotion,
    check_speed,
    check_volume,
    family_of,
    in_force_after,
    parse_break,
    render,
    sonic2_ratio,
    sonic2_speed,
)
from sonicpipe.model import Mark, MarkKind, MarkTable, Segment


def segment(*pieces: str | Mark) -> Segment:
    marks = MarkTable()
    text = "".join(p if isinstance(p, str) else marks.add(p) for p in pieces)
    return Segment(text, marks)


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("sonic-3", Family.SONIC3),
        ("sonic-3.5", Family.SONIC3),
        ("sonic-3-2026-01-12", Family.SONIC3),
        ("sonic-2", Family.SONIC2),
        ("sonic-2-2025-03-07", Family.SONIC2),
        ("sonic-turbo", Family.SONIC2),
    ],
)
def test_family_of(model: str, family: Family) -> None:
    assert family_of(model) is family


def test_unknown_model_lists_examples() -> None:
    with pytest.raises(ControlError) as caught:
        family_of("gpt-4o")
    assert str(caught.value) == (
        "unknown model 'gpt-4o': expected a Sonic model such as sonic-3, sonic-3.5, sonic-2 or "
        "sonic-turbo (dated snapshots like sonic-3-2026-01-12 are accepted)"
    )


@pytest.mark.parametrize(
    ("text", "ms"), [("1s", 1000), ("500ms", 500), ("1.25s", 1250), ("0ms", 0), ("1,5s", 1500)]
)
def test_parse_break(text: str, ms: int) -> None:
    assert parse_break(text) == ms


def test_break_over_the_bound_is_rejected() -> None:
    with pytest.raises(ControlError) as caught:
        parse_break("30s")
    assert str(caught.value) == "break time '30s' is out of range; valid: 0ms to 10s"
    assert parse_break("10s") == 10_000  # the bound itself is in range


def test_emotion_is_case_insensitive_and_checked() -> None:
    assert check_emotion(" Excited ") == "excited"
    with pytest.raises(ControlError) as caught:
        check_emotion("giddy")
    message = str(caught.value)
    assert message.startswith("unknown emotion 'giddy'; valid emotions are: affectionate, ")
    assert message.endswith(
        ", wistful (best results: neutral, angry, excited, content, sad, scared)"
    )
    with pytest.raises(ControlError, match=r"scared\); did you mean 'happy'\?$"):
        check_emotion("happyy")  # --emotion, [controls] and markup all say it


def test_sonic3_inline_tags_and_generation_config() -> None:
    seg = segment(
        Mark(MarkKind.EMOTION, "calm"),
        "Hello ",
        Mark(MarkKind.PHONEMES, ("h", "ə", "ˈ", "l", "oʊ")),
        " ",
        Mark(MarkKind.NONVERBAL, "laughter"),
    )
    rendered = render(seg, "sonic-3", Defaults(speed=1.1, volume=0.9, emotion="content"))
    assert rendered.transcript == '<emotion value="calm"/>Hello <<h|ə|ˈ|l|oʊ>> [laughter]'
    assert rendered.generation_config == {"speed": 1.1, "volume": 0.9, "emotion": "content"}
    assert rendered.to_dict()["generation_config"]["speed"] == 1.1


def test_a_dropped_control_leaves_no_space_before_punctuation() -> None:
    seg = segment("Well there ok ", Mark(MarkKind.NONVERBAL, "laughter"), ". And ",
                  Mark(MarkKind.NONVERBAL, "laughter"), " again ", Mark(MarkKind.NONVERBAL,
                  "laughter"), "!")  # fmt: skip
    assert render(seg, "sonic-2", Defaults()).transcript == "Well there ok. And again!"
    seg = segment("Build with ", Mark(MarkKind.NONVERBAL, "laughter"), " .NET today.")
    assert render(seg, "sonic-2", Defaults()).transcript == "Build with .NET today."


def test_sonic2_maps_emotion_and_speed_and_notes_what_it_drops() -> None:
    seg = segment(
        Mark(MarkKind.EMOTION, "sad"),
        Mark(MarkKind.SPEED, 0.8),
        "Call ",
        Mark(MarkKind.SPELL, "AB 12"),
        Mark(MarkKind.BREAK, 300),
        " now",
    )
    rendered = render(seg, "sonic-2", Defaults(volume=1.2))
    assert rendered.transcript == "Call A B 1 2 now"
    assert rendered.experimental_controls == {"emotion": ["sadness:high"], "speed": -0.5}
    controls = rendered.experimental_controls
    assert rendered.to_dict()["voice"] == {"__experimental_controls": controls}
    assert rendered.notes == [
        "sonic-2 models have no break control; dropped",
        "sonic-2 models have no volume control; dropped",
    ]
    assert seg.notes == rendered.notes
    assert render(segment("Later on."), "sonic-2", Defaults(volume=1.0)).notes == []


def test_sonic2_controls_after_the_last_words_are_for_the_next_segment() -> None:
    # "Hello there. [excited]" ending a paragraph: on sonic-3 the tag holds from that point,
    # so "Hello there." is not excited; sonic-2 sent it excited (the segment's last control).
    ending = segment("Hello there. ", Mark(MarkKind.EMOTION, "excited"), Mark(MarkKind.SPEED, 0.7))
    rendered = render(ending, "sonic-2")
    assert rendered.experimental_controls == {} and rendered.notes == []
    after = in_force_after(ending, Defaults())
    assert render(segment("Wow."), "sonic-2", after).experimental_controls == {
        "emotion": ["positivity:highest"],
        "speed": -0.75,
    }


def test_sonic2_notes_a_change_between_a_segments_words() -> None:
    slowly = segment("I said ", Mark(MarkKind.SPEED, 0.7), "slowly", Mark(MarkKind.SPEED, 1.0),
                     " then.")  # fmt: skip
    rendered = render(slowly, "sonic-2")
    assert rendered.experimental_controls == {"speed": 0.0}
    assert rendered.notes == [
        "sonic-2 models take one speed per request: a speed change within the segment "
        "applies to all of it (the one at its last words)"
    ]
    # Controls before the first words, or saying what is in force already, change nothing.
    calm = segment(Mark(MarkKind.EMOTION, "sad"), "Oh ", Mark(MarkKind.EMOTION, "sad"), "no",
                   Mark(MarkKind.SPEED, 1.0), ".")  # fmt: skip
    assert render(calm, "sonic-2").notes == []


def test_sonic2_emotion_without_equivalent_is_noted() -> None:
    rendered = render(segment(Mark(MarkKind.EMOTION, "sarcastic"), "Sure."), "sonic-turbo")
    assert rendered.experimental_controls == {}
    assert rendered.transcript == "Sure."
    assert rendered.notes == ["emotion 'sarcastic' has no sonic-2 equivalent; dropped"]


def test_mark_table_split_roundtrip() -> None:
    marks = MarkTable()
    a = marks.add(Mark(MarkKind.BREAK, 100))
    pieces = list(marks.split(f"x{a}y"))
    assert pieces == ["x", Mark(MarkKind.BREAK, 100), "y"]


@pytest.mark.parametrize("ratio", [0.6, 0.8, 1.0, 1.2, 1.5])
def test_sonic2_speed_scale_round_trips(ratio: float) -> None:
    assert sonic2_ratio(sonic2_speed(ratio)) == pytest.approx(ratio, abs=1e-3)


def test_sonic2_speed_words() -> None:
    assert sonic2_ratio("slowest") == pytest.approx(0.6)
    assert sonic2_ratio("normal") == 1.0
    assert sonic2_ratio("fastest") == pytest.approx(1.5)


def test_rendering_a_segment_again_adds_no_duplicate_notes() -> None:
    """A segment rendered twice (a retry, a cache key, a merged input) keeps one note each."""
    seg = segment(Mark(MarkKind.BREAK, 300), "Wait ", Mark(MarkKind.BREAK, 200), "now.")
    first = render(seg, "sonic-2", Defaults(volume=1.2))
    second = render(seg, "sonic-2", Defaults(volume=1.2))
    assert first.notes == second.notes == seg.notes
    assert sorted(seg.notes) == [
        "sonic-2 models have no break control; dropped",
        "sonic-2 models have no volume control; dropped",
    ]


SQL, SERVER = ("s", "ˈ", "i", "k", "w", "ə", "l"), ("s", "ˈ", "ɚ", "v", "ɚ")
NGINX = ("ˈ", "ɛ", "n", "dʒ", "ɪ", "n", "ˌ", "ɛ", "k", "s")


@pytest.mark.parametrize("model", ["sonic-3", "sonic-2"])
def test_rendered_phoneme_words_say_what_each_tag_stands_for(model: str) -> None:
    """Each <<…>> written, with its written form and the text glued to it in the transcript;
    a two-word entry's marks make one word, a mark again (a word said again) another."""
    sql, server = (Mark(MarkKind.PHONEMES, group, "SQL Server") for group in (SQL, SERVER))
    nginx = Mark(MarkKind.PHONEMES, NGINX, "nginx")
    author = Mark(MarkKind.PHONEMES, ("t", "oʊ"), "<<t|oʊ>>")
    seg = segment('Use "', sql, " ", server, '", ', sql, " ", server, " ", nginx, " ", nginx,
                  "'s and ", author, " ", Mark(MarkKind.NONVERBAL, "laughter"), ".")  # fmt: skip
    rendered = render(seg, model)
    after_author = "." if model == "sonic-2" else ""  # [laughter] is dropped on sonic-2
    assert rendered.phoneme_words == [
        PhonemeWord((SQL, SERVER), "SQL Server", '"', '",'),
        PhonemeWord((SQL, SERVER), "SQL Server"),
        PhonemeWord((NGINX,), "nginx"),
        PhonemeWord((NGINX,), "nginx", after="'s"),
        PhonemeWord((("t", "oʊ"),), None, after=after_author),
    ]
    sql_server, nginx_ = "<<s|ˈ|i|k|w|ə|l>> <<s|ˈ|ɚ|v|ɚ>>", "<<ˈ|ɛ|n|dʒ|ɪ|n|ˌ|ɛ|k|s>>"
    laughter = "" if model == "sonic-2" else " [laughter]"
    assert rendered.transcript == (
        f'Use "{sql_server}", {sql_server} {nginx_} {nginx_}\'s and <<t|oʊ>>{laughter}.'
    )


def test_controls_in_force_carry_to_the_next_segment() -> None:
    """A segment rendered from the controls in force after the previous one keeps them."""
    sad = segment(Mark(MarkKind.EMOTION, "sad"), "Sorry. ", Mark(MarkKind.SPEED, 0.8))
    after_sad = in_force_after(sad, Defaults(volume=1.2))
    assert after_sad == Defaults(emotion="sad", speed=0.8, volume=1.2)
    gone = segment("It is gone.")
    second = render(gone, "sonic-2", after_sad)
    assert second.experimental_controls == {"emotion": ["sadness:high"], "speed": -0.5}
    calm = segment(Mark(MarkKind.EMOTION, "neutral"), "Anyway.")
    third = render(calm, "sonic-2", in_force_after(gone, after_sad))
    assert third.experimental_controls == {"speed": -0.5}
    assert render(gone, "sonic-3", after_sad).transcript == "It is gone."


EXCITED2 = {"voice": {"__experimental_controls": {"emotion": ["positivity:highest"]}}}


@pytest.mark.parametrize(
    ("model", "first", "second"),
    [
        ("sonic-2", {"transcript": "We won the cup today.", **EXCITED2}, EXCITED2),
        # the inline tag in the first input holds for the context; the second is sent with
        # the emotion in force where it starts
        ("sonic-3", {"transcript": '<emotion value="excited"/> We won the cup today.'},
         {"generation_config": {"emotion": "excited"}}),
    ],
)  # fmt: skip
def test_sonicpipe_text_shows_controls_carried_as_they_are_sent(
    model: str, first: dict, second: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("[excited] We won the cup today. Then we all went home.\n")
    assert main(["text", "--json", "--model", model, str(source)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {"index": 0, "paragraph": 0, **first, "notes": []},
        {"index": 1, "paragraph": 0, "transcript": "Then we all went home.", **second, "notes": []},
    ]


def test_a_ratio_may_have_a_decimal_comma() -> None:
    """'1,2', as much of Europe writes it, was 'not a number'; '1,2,3' still is."""
    assert (check_speed("1,2"), check_volume(" 0,8 ")) == (1.2, 0.8)
    with pytest.raises(ControlError) as caught:
        check_speed("1,2,3")
    assert str(caught.value) == "speed ratio '1,2,3' is not a number; use 0.6 to 1.5"


@pytest.mark.parametrize(
    ("written", "ratio"),
    [("1.2x", 1.2), ("1,1×", 1.1), ("150%", 1.5), ("+10%", 1.1), ("-20 %", 0.8), ("+1.2", 1.2)],
)
def test_a_ratio_may_be_a_multiple_or_a_percentage(written: str, ratio: float) -> None:
    """'1.2x' and SSML's prosody '+10%' were 'not a number'."""
    assert check_volume(written) == pytest.approx(ratio)


def test_a_ratio_out_of_range_is_quoted_as_written() -> None:
    with pytest.raises(ControlError) as caught:
        check_speed("20%")
    assert str(caught.value) == "speed ratio '20%' (0.2) is out of range; valid: 0.6 to 1.5"
