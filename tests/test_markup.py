"""Author markup becomes Sonic controls; bad markup is a clear error."""

import pytest
from sonicpipe.builtin.markup import MarkupError, parse

from sonicpipe import Settings, TextChain
from sonicpipe.controls import EMOTIONS
from sonicpipe.model import Document, MarkKind


@pytest.fixture(scope="module")
def chain() -> TextChain:
    return TextChain(Settings(dictionaries=()))


def kinds(doc: Document) -> list[tuple[MarkKind, object]]:
    return [(m.kind, m.value) for m in doc.marks.marks]


def pieces(doc: Document) -> list[str | tuple[MarkKind, object]]:
    """The document's text runs and, where each stands, its marks as (kind, value)."""
    return [p if isinstance(p, str) else (p.kind, p.value) for p in doc.marks.split(doc.text)]


SUPPORTED = (
    'supported: <emotion value="..."/>, <speed ratio="..."/>, <volume ratio="..."/>, '
    '<break time="..."/>, <spell>...</spell>, <<p|h|o|n|e|m|e|s>> and brackets such as '
    "[excited] or [break 1s]"
)
VALID_EMOTIONS = (
    "valid emotions are: affectionate, agitated, alarmed, amazed, angry, anticipation, anxious, "
    "apologetic, bored, calm, confident, confused, contemplative, contempt, content, curious, "
    "dejected, determined, disappointed, disgusted, distant, elated, enthusiastic, envious, "
    "euphoric, excited, flirtatious, frustrated, grateful, guilty, happy, hesitant, hurt, "
    "insecure, ironic, joking/comedic, mad, melancholic, mysterious, neutral, nostalgic, "
    "outraged, panicked, peaceful, proud, rejected, resigned, sad, sarcastic, scared, serene, "
    "skeptical, surprised, sympathetic, threatened, tired, triumphant, trust, wistful "
    "(best results: neutral, angry, excited, content, sad, scared)"
)


def test_tags_become_marks_and_text_keeps_no_tag() -> None:
    doc = Document('Hi <emotion value="Sad"/>there <break time="1.5s"/> <spell>AB-12</spell>.')
    parse(doc)
    assert pieces(doc) == [
        "Hi ",
        (MarkKind.EMOTION, "sad"),
        "there ",
        (MarkKind.BREAK, 1500),
        " ",
        (MarkKind.SPELL, "AB-12"),
        ".",
    ]


def test_spelled_text_is_one_line() -> None:
    doc = Document("Code <spell>AB\n\n  12</spell>.")
    parse(doc)
    assert kinds(doc) == [(MarkKind.SPELL, "AB 12")]


def test_ordinary_brackets_in_spelled_text_are_spelled() -> None:
    doc = Document("Code <spell>[sic] A[1]</spell> and <spell>[a](b)</spell>.")
    parse(doc)
    assert kinds(doc) == [(MarkKind.SPELL, "[sic] A[1]"), (MarkKind.SPELL, "[a](b)")]


def test_bracket_forms() -> None:
    doc = Document("[excited] Yes! [laughter] [break 250ms] [speed 1.2] [volume=0.8] [sic]")
    parse(doc)
    assert pieces(doc) == [
        (MarkKind.EMOTION, "excited"),
        " Yes! ",
        (MarkKind.NONVERBAL, "laughter"),
        " ",
        (MarkKind.BREAK, 250),
        " ",
        (MarkKind.SPEED, 1.2),
        " ",
        (MarkKind.VOLUME, 0.8),
        " [sic]",  # ordinary bracketed text stays text
    ]


def test_laughter_as_transcripts_and_other_voices_mark_it_is_sonic_laughter() -> None:
    doc = Document("Ha [laughs] so [Chuckles] funny [giggling] [laughs at him] [sighs]")
    parse(doc)
    assert pieces(doc) == [
        "Ha ",
        (MarkKind.NONVERBAL, "laughter"),
        " so ",
        (MarkKind.NONVERBAL, "laughter"),
        " funny ",
        (MarkKind.NONVERBAL, "laughter"),
        " [laughs at him] ",  # only the words for laughter alone
        (MarkKind.BREAK, 300),  # a sigh is no laughter: a cue, not read (see below)
    ]


def test_a_scripts_pause_with_no_time_is_a_break() -> None:
    # "[pause]" stayed text: a sentence of its own, read aloud as "pause"
    doc = Document(
        "I thought so. [pause] [Short Pause] [long pause] [beat] [BREAK] [pause for effect]"
    )
    parse(doc)
    assert pieces(doc)[1:-1] == [
        (MarkKind.BREAK, 1000), " ", (MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 2000), " ",
        (MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 1000),
    ]  # fmt: skip
    assert pieces(doc)[-1] == " [pause for effect]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a sound nobody says, in a transcript (YouTube's, Rev's, Whisper's) or a script:
        # a short break, not read aloud as a word
        ("[Music] Welcome back.", [(MarkKind.BREAK, 500), " Welcome back."]),
        ("Thank you [APPLAUSE] all.", ["Thank you ", (MarkKind.BREAK, 500), " all."]),
        ("He said [inaudible 00:12:34] and [crosstalk] so.",
         ["He said ", (MarkKind.BREAK, 500), " and ", (MarkKind.BREAK, 500), " so."]),
        ("[music playing] [door slams] [BLANK_AUDIO]",
         [(MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500)]),
        # a voice's own sound: a shorter break
        ("Fine. [Sighs] [clears throat] Go.",
         ["Fine. ", (MarkKind.BREAK, 300), " ", (MarkKind.BREAK, 300), " Go."]),
        # a way of speaking: its volume, to the end of its paragraph
        ("[whispers] Come here.\n\n[Shouting] Go!",
         [(MarkKind.VOLUME, 0.5), " Come here.", (MarkKind.VOLUME, 1.0), "\n\n",
          (MarkKind.VOLUME, 1.6), " Go!"]),
        # subtitles' cues of a few words ending in a sound, which were read aloud; the break
        # of the cue they end with, else a sound's (no laughter of the voice's own)
        ("[upbeat music] [door creaks] [music playing] [crowd cheering] [audience laughing]",
         [(MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500), " ",
          (MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500)]),
        ("[phone rings 00:01:02] [high-pitched beeping] [UPBEAT MUSIC] [Loud applause]",
         [(MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500), " ",
          (MarkKind.BREAK, 500)]),
        ("Hi. [man coughs] [woman softly whispers] Go.",
         ["Hi. ", (MarkKind.BREAK, 300), " ", (MarkKind.VOLUME, 0.5), " Go."]),
    ],
)  # fmt: skip
def test_a_transcripts_or_scripts_cue_is_not_read(
    text: str, expected: list[str | tuple[MarkKind, object]]
) -> None:
    doc = Document(text)
    parse(doc)
    assert pieces(doc) == expected


def test_a_way_of_speaking_alone_in_its_paragraph_holds_for_the_next() -> None:
    """'[whispers]' over its line, a blank line apart, came back to the volume at once."""
    doc = Document("[whispers]\n\nCome here.\n\nGo.")
    parse(doc)
    assert pieces(doc) == [
        (MarkKind.VOLUME, 0.5), "\n\nCome here.", (MarkKind.VOLUME, 1.0), "\n\nGo.",
    ]  # fmt: skip


def test_a_cue_that_says_how_or_joins_another_is_a_cue() -> None:
    """'[Sighs heavily]', '[laughs nervously]', '[Music fades out]', '[theme music plays]'
    and '[cheers and applause]' were read aloud; other brackets stay text."""
    doc = Document(
        "[Sighs heavily] [laughs nervously] [Music fades out] [theme music plays] "
        "[cheers and applause] [whispers softly] | [sign in] [cats and dogs] [the music plays]"
    )
    parse(doc)
    assert pieces(doc) == [
        (MarkKind.BREAK, 300), " ", (MarkKind.NONVERBAL, "laughter"), " ",
        (MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500), " ", (MarkKind.BREAK, 500), " ",
        (MarkKind.VOLUME, 0.5), " | [sign in] [cats and dogs] [the music plays]",
    ]  # fmt: skip


def test_a_cue_is_said_as_its_break_through_the_chain(chain: TextChain) -> None:
    segments = chain.prepare("[Music]\n\nWelcome back. [sighs] [whispers] It is late.")
    assert [chain.render(s).transcript for s in segments] == [
        '<break time="500ms"/>Welcome back.',  # a paragraph of marks alone joins the next
        '<break time="300ms"/> <volume ratio="0.5"/> It is late.',
    ]


def test_controls_with_a_decimal_comma() -> None:
    """'[speed 1,2]' was read aloud as "speed one, two"."""
    doc = Document('[speed 1,2] a [pause 2,5 seconds] b <volume ratio="0,8"/> [sic, really]')
    parse(doc)
    assert pieces(doc) == [
        (MarkKind.SPEED, 1.2), " a ", (MarkKind.BREAK, 2500), " b ", (MarkKind.VOLUME, 0.8),
        " [sic, really]",
    ]  # fmt: skip


def test_controls_as_a_multiple_or_a_percentage() -> None:
    """'[speed 1.2x]' and '[speed +10%]' were errors or text, read aloud."""
    doc = Document('[speed 1.2x] a [Speed +10%] b <volume ratio="150%"/> c [volume 80%]')
    parse(doc)
    assert pieces(doc) == [
        (MarkKind.SPEED, 1.2), " a ", (MarkKind.SPEED, 1.1), " b ", (MarkKind.VOLUME, 1.5),
        " c ", (MarkKind.VOLUME, 0.8),
    ]  # fmt: skip


def test_pauses_written_with_unit_words() -> None:
    # "[pause 2 seconds]" stayed text, and was read aloud as "pause two seconds".
    doc = Document(
        '[pause 2 seconds] [break 1 sec] [Break 250 Milliseconds] <break time="1 second"/>'
    )
    parse(doc)
    assert kinds(doc) == [(MarkKind.BREAK, ms) for ms in (2000, 1000, 250, 1000)]


UNITS = "valid units: ms, s, milliseconds, seconds ('500ms', '2 seconds')"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("[break 1 minute]", f"break time '1 minute' is not valid: 'minute' is no unit of time; "
                             f"{UNITS}"),
        # a unit word inside another word: "2 parsecs" was "2 pars" (a value never written),
        # "5 mseconds" a 5ms break
        ("[break 2 parsecs]", f"break time '2 parsecs' is not valid: 'parsecs' is no unit of "
                              f"time; {UNITS}"),
        ("[break 5 mseconds]", f"break time '5 mseconds' is not valid: 'mseconds' is no unit "
                               f"of time; {UNITS}"),
        ('<break time="3 secsecs"/>', f"break time '3 secsecs' is not valid: 'secsecs' is no "
                                      f"unit of time; {UNITS}"),
        # out of range, quoted as written, not as "20s"
        ("[pause 20 seconds]", "break time '20 seconds' is out of range; valid: 0ms to 10s"),
    ],
)  # fmt: skip
def test_a_pause_with_a_unit_it_does_not_take_is_an_error_quoting_it(
    markup: str, expected: str
) -> None:
    with pytest.raises(MarkupError) as err:
        parse(Document(f"Wait {markup} here."))
    assert str(err.value) == f"<text>:1: {expected} (in {markup!r})"


def test_paired_tags_restore_the_previous_value() -> None:
    doc = Document('<speed ratio="0.8"/>a <speed ratio="1.3">b</speed> c')
    parse(doc)
    assert [m.value for m in doc.marks.marks] == [0.8, 1.3, 0.8]


def test_paired_tag_without_previous_value_returns_to_default() -> None:
    doc = Document('<volume ratio="1.5">loud</volume> normal')
    parse(doc)
    assert [m.value for m in doc.marks.marks] == [1.5, 1.0]


def test_inline_phonemes_are_kept_whole() -> None:
    doc = Document("Say <<k|ɑ|ɹ|ˈ|t|i|ʒ|ə>> twice.")
    parse(doc)
    assert kinds(doc) == [(MarkKind.PHONEMES, ("k", "ɑ", "ɹ", "ˈ", "t", "i", "ʒ", "ə"))]


def test_inline_phonemes_are_checked_against_the_model() -> None:
    doc = Document("Say <<k|ɑ|ɹ>>.")
    parse(doc, "sonic-3")
    assert pieces(doc) == ["Say ", (MarkKind.PHONEMES, ("k", "ɑ", "ɹ")), "."]
    with pytest.raises(MarkupError) as err:
        parse(Document("Fine.\nSay <<k|Q|ɹ>> now.", source="notes.md"), "sonic-3")
    assert str(err.value) == (
        "notes.md:2: phoneme 'Q' is not in the charsiu (sonic-3 family) set; valid: aɪ aʊ b d dʒ "
        "eɪ f h i j k l m n oʊ p s t tʃ u v w z æ ð ŋ ɑ ɔ ɔɪ ə ɚ ɛ ɡ ɪ ɹ ʃ ʊ ʌ ʒ ˈ ˌ θ "
        "(in '<<k|Q|ɹ>>')"
    )
    with pytest.raises(MarkupError) as err:
        parse(Document("Say <<k|ɑ|ˈ>>."), "sonic-3")
    assert str(err.value) == (
        "<text>:1: stress mark 'ˈ' must stand before the phonemes it stresses (in '<<k|ɑ|ˈ>>')"
    )


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<<k | ɑ | ɹ>>", "<<k | ɑ | ɹ>>: no spaces inside <<...>>; separate phonemes with | "
                          "(in '<<k | ɑ | ɹ>>')"),
        ("<<k|ɑ\n|ɹ>>", "<<k|ɑ\n|ɹ>>: no spaces inside <<...>>; separate phonemes with | "
                        "(in '<<k|ɑ\\n|ɹ>>')"),
        ("<<>>", "'<<>>' is not IPA in Sonic's syntax: write <<p|h|o|n|e|s>>, one <<...>> per "
                 "word (in '<<>>')"),
        ("<<|>>", "'<<|>>' is not IPA in Sonic's syntax: write <<p|h|o|n|e|s>>, one <<...>> per "
                  "word (in '<<|>>')"),
        ("<<k|ɑ|ɹ", "'<<k|ɑ|ɹ' is half a pronunciation: write <<p|h|o|n|e|s>>"),
        ("<<k|ɑ|ɹ>", "'<<k|ɑ|ɹ>' is half a pronunciation: write <<p|h|o|n|e|s>>"),
        ("k|ɑ|ɹ>>", "'k|ɑ|ɹ>>' is half a pronunciation: write <<p|h|o|n|e|s>>"),
        ("<k|ɑ|ɹ>>", "'<k|ɑ|ɹ>>' is half a pronunciation: write <<p|h|o|n|e|s>>"),
    ],
)  # fmt: skip
def test_inline_phonemes_with_spaces_or_nothing_inside_are_errors(
    markup: str, expected: str
) -> None:
    # They were left as text, and the normalizer read "<<" aloud as "shifted left by".
    for model in ("sonic-3", None):
        with pytest.raises(MarkupError) as err:
            parse(Document(f"Fine.\nSay {markup} now.", source="notes.md"), model)
        assert str(err.value) == f"notes.md:2: {expected}"


def test_double_angle_brackets_around_words_stay_text() -> None:
    text = "Shift a << b >> c, or <<Bonjour mon ami>>, cat a|b >> c, x<<2|y."
    doc = Document(text)
    parse(doc, "sonic-3")
    assert doc.text == text and not doc.marks.marks


def test_unknown_emotion_names_file_line_and_valid_values() -> None:
    doc = Document('Line one.\nLine two <emotion value="furious"/>.', source="story.md")
    with pytest.raises(MarkupError) as err:
        parse(doc)
    assert str(err.value) == (
        f"story.md:2: unknown emotion 'furious'; {VALID_EMOTIONS}; did you mean 'curious'? "
        """(in '<emotion value="furious"/>')"""
    )
    assert all(name in VALID_EMOTIONS for name in EMOTIONS)


@pytest.mark.parametrize(
    "text",
    [
        "See [Content](https://example.com/c) or [content](https://example.com/c) first.",
        "The [contents] page and the [exited] sign.",
        # editorial brackets and words near a cue are text: only a cue's exact name is one
        "It was [sic] wrong, he told [the committee], [Music Hall] and [sighs of relief].",
        "A [break in the text] and the [speed of light] and [emotion is good].",
        "A [pause for effect] and [speed up now].",
        "As [1] said, [a] and [the author] wrote.",
        # words ending in a sound that are no subtitles' cue: an editor's words, a name, too
        # many words
        "Her [the music] and [his playing] and [not laughing], [Chamber Music] and "
        "[Upbeat Music], [sighs of relief], [very loud live music] and [music hall].",
    ],
)
def test_ordinary_brackets_and_links_stay_text(text: str) -> None:
    doc = Document(text)
    parse(doc)
    assert doc.text == text
    assert doc.marks.marks == []


def test_a_reference_links_text_and_label_are_no_control() -> None:
    text = "Play [Music][1], [Applause][] or [excited][the ref] now."
    doc = Document(text)
    parse(doc)
    assert doc.text == text
    assert doc.marks.marks == []


def test_a_defined_labels_shortcut_and_a_definitions_label_are_no_control() -> None:
    """Markup reads reference links itself, not only where the cleanup plugin's code regions
    said so: parsed alone, "[Music]" with "[music]: https://..." below was a break, and the
    definition's "[laughs]" was laughter."""
    text = "Play [Music] now.\n\n[music]: https://x.org\n[laughs]: https://y.org"
    doc = Document(text)
    parse(doc)
    assert doc.text == text
    assert doc.marks.marks == []


def test_a_line_that_only_looks_like_a_definition_is_markup() -> None:
    """A script's '[Excited]: what a day' was taken for a link's definition: left as text
    (and then dropped by cleanup), it was never said."""
    doc = Document("[Excited]: what a day\n[sad]: https://x.org 'Sad'\n[laughs]: ./a.md")
    parse(doc)
    assert pieces(doc) == [
        (MarkKind.EMOTION, "excited"), ": what a day\n[sad]: https://x.org 'Sad'\n"
        "[laughs]: ./a.md",
    ]  # fmt: skip


def test_a_bracket_before_bracket_markup_is_no_link() -> None:
    doc = Document("[sighs][laughs] Hi [excited][break 1s].")
    parse(doc)
    assert pieces(doc) == [
        (MarkKind.BREAK, 300), (MarkKind.NONVERBAL, "laughter"), " Hi ",
        (MarkKind.EMOTION, "excited"), (MarkKind.BREAK, 1000), ".",
    ]  # fmt: skip


def test_a_control_with_its_value_before_a_bracket_is_no_links_text() -> None:
    """'[break 1s][x]' looked like a reference link: read aloud as "break one second"."""
    doc = Document("Wait [break 1s][x] here, [speed 1.2][Music] and [Volume 0.8][].\n\n[x]: /y")
    parse(doc)
    assert pieces(doc) == [
        "Wait ", (MarkKind.BREAK, 1000), "[x] here, ", (MarkKind.SPEED, 1.2),
        (MarkKind.BREAK, 500), " and ", (MarkKind.VOLUME, 0.8), "[].\n\n[x]: /y",
    ]  # fmt: skip


def test_a_reference_links_text_is_read_with_no_definition(chain: TextChain) -> None:
    """[Music][1] was a break, and [Applause][] a break and "[]", when no "[1]: https://..."
    defined them (a pasted excerpt); they are links' text, read as an inline link's is."""
    [segment] = chain.prepare("Listen to [Music][1] and [Applause][] here.")
    assert chain.render(segment).transcript == "Listen to Music and Applause here."


def test_bracket_controls_take_any_case() -> None:
    """LLM-written scripts capitalize stage directions: speaking them would be worse."""
    doc = Document("[calm] a [emotion Excited] b [Calm] c [EXCITED] d [Speed 1.2] e [Laughter]")
    parse(doc)
    assert pieces(doc) == [
        (MarkKind.EMOTION, "calm"),
        " a ",
        (MarkKind.EMOTION, "excited"),
        " b ",
        (MarkKind.EMOTION, "calm"),
        " c ",
        (MarkKind.EMOTION, "excited"),
        " d ",
        (MarkKind.SPEED, 1.2),
        " e ",
        (MarkKind.NONVERBAL, "laughter"),
    ]


def test_markdown_link_text_is_read_and_no_control_is_made(chain: TextChain) -> None:
    [segment] = chain.prepare("Read [Content](https://example.com/c) now.")
    assert segment.plain_text == "Read Content now."
    assert chain.render(segment).transcript == "Read Content now."


@pytest.mark.parametrize("markup", ['<emotion value="exctied"/>', "[emotion exctied]"])
def test_near_miss_in_an_explicit_emotion_control_suggests_the_valid_one(markup: str) -> None:
    with pytest.raises(MarkupError) as err:
        parse(Document(f"Hello {markup} there."))
    assert str(err.value) == (
        f"<text>:1: unknown emotion 'exctied'; {VALID_EMOTIONS}; did you mean 'excited'? "
        f"(in {markup!r})"
    )


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<speed ratio="2.5"/>', "speed ratio 2.5 is out of range; valid: 0.6 to 1.5"),
        ('<volume ratio="0.1"/>', "volume ratio 0.1 is out of range; valid: 0.5 to 2.0"),
        ('<speed ratio="fast"/>', "speed ratio 'fast' is not a number; use 0.6 to 1.5"),
        ('<break time="forever"/>', "break time 'forever' is not valid; write it as '1s' or "
                                    "'500ms'"),
        ('<break time="1s">', '<break> must be self-closing: <break time="1s"/>'),
        ("<emotion/>", '<emotion> needs a value="..." attribute'),
        ("</speed>", "</speed> closes nothing: no <speed> is open"),
        ("[speed 9]", "speed ratio 9 is out of range; valid: 0.6 to 1.5"),
        # These reached Sonic as they were: an empty <spell>, a tag inside one.
        ("<spell> </spell>", "<spell> has nothing to spell: <spell>AB-123</spell>"),
        ('<spell>AB<break time="1s"/>C</spell>', "<spell> spells plain characters: no markup "
                                                 "inside it"),
        ("<spell><<k|æ|t>></spell>", "<spell> spells plain characters: no markup inside it"),
        # bracket markup too: it reached Sonic as the characters to spell
        ("<spell>ab [break 1s] cd</spell>", "<spell> spells plain characters: no markup "
                                            "inside it"),
        ("<spell>[Music] AB</spell>", "<spell> spells plain characters: no markup inside it"),
    ],
)  # fmt: skip
def test_bad_values_are_errors(markup: str, expected: str) -> None:
    with pytest.raises(MarkupError) as err:
        parse(Document(f"Text {markup} more."))
    assert str(err.value) == f"<text>:1: {expected} (in {markup!r})"


def test_unclosed_paired_tag_names_the_line_where_it_opened() -> None:
    doc = Document('One.\nTwo <speed ratio="1.1">slow\nthree.', source="story.md")
    never = "is never closed; add {0} where it should end, or make it apply from there on:"
    with pytest.raises(MarkupError) as err:
        parse(doc)
    assert str(err.value) == (
        f'story.md:2: <speed> {never.format("</speed>")} <speed ratio="..."/>'
    )
    # The self-closing form, which the author may have meant (as LLM scripts write it), is said.
    with pytest.raises(MarkupError) as err:
        parse(Document('<emotion value="sad">Oh no. It is gone.'))
    assert str(err.value) == (
        f'<text>:1: <emotion> {never.format("</emotion>")} <emotion value="..."/>'
    )


def test_misnested_tags_say_which_tag_to_close_first() -> None:
    doc = Document('<speed ratio="1.2">a\n<volume ratio="1.1">b</speed> c</volume>', source="s.md")
    with pytest.raises(
        MarkupError,
        match=r"^s\.md:2: </speed> comes before </volume>: <volume> \(line 2\) was opened "
        r"inside <speed> \(line 1\); close it first \(in '</speed>'\)$",
    ):
        parse(doc)


@pytest.mark.parametrize(
    ("tag", "instead"),
    [
        (
            '<prosody rate="slow">',
            'use <speed ratio="0.8">...</speed> for its rate, '
            '<volume ratio="1.5">...</volume> for its volume; ',
        ),
        (
            '<emphasis level="strong">',
            'Sonic has no emphasis; <volume ratio="1.3">...</volume> comes closest; ',
        ),
        (
            '<say-as interpret-as="characters">',
            "use <spell>...</spell> to read characters one by one; numbers, dates and times "
            "are read out without markup; ",
        ),
        ('<voice name="x">', ""),
        ("<name>", ""),
    ],
)
def test_other_tags_are_errors_naming_the_tag_its_line_and_the_supported_markup(
    chain: TextChain, tag: str, instead: str
) -> None:
    name = tag[1:].split()[0].rstrip(">")
    text = f"One.\n\n<speak>Hello {tag}there</{name}> friend.</speak>"
    with pytest.raises(MarkupError) as err:
        chain.prepare(text, source="story.md")
    assert str(err.value) == f"story.md:3: {tag} is not supported markup; {instead}{SUPPORTED}"


def test_a_tag_over_two_lines_is_found_on_its_first(chain: TextChain) -> None:
    with pytest.raises(MarkupError) as err:
        chain.prepare('One.\nTwo <prosody\n  rate="slow">x</prosody>', source="s.md")
    assert str(err.value) == (
        's.md:2: <prosody rate="slow"> is not supported markup; use <speed ratio="0.8">...</speed> '
        'for its rate, <volume ratio="1.5">...</volume> for its volume; ' + SUPPORTED
    )


def test_an_ssml_speak_wrapper_is_dropped(chain: TextChain) -> None:
    [segment] = chain.prepare('<speak version="1.1">Hello <break time="1s"/> friend.</speak>')
    assert chain.render(segment).transcript == 'Hello <break time="1000ms"/> friend.'


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("If a < b and c > d, x<5 holds.", "If a < b and c > d, x<5 holds."),
        ("A List<T> of Vec<u8>.", "A List<T> of Vec<u8>."),
        ("Mail <jane@example.org> now.", "Mail jane at example dot org now."),
        ("See <https://example.com/docs> now.", "See example dot com slash docs now."),
        ("Some <b>bold</b> and <br/>more HTML.", "Some bold and more HTML."),
        ("The `<dependency>` tag.", "The <dependency> tag."),
        ("Its pom:\n\n```xml\n<project><dependency/></project>\n```", "Its pom: Code omitted."),
    ],
)
def test_what_is_not_a_tag_or_is_markdown_is_no_error(text: str, spoken: str) -> None:
    chain = TextChain(Settings(dictionaries=(), disable=("normalize",)))
    assert " ".join(s.plain_text for s in chain.prepare(text)) == spoken


def test_without_markdown_an_html_tag_is_an_error_too() -> None:
    settings = Settings(dictionaries=(), options={"cleanup": {"markdown": False}})
    with pytest.raises(MarkupError) as err:
        TextChain(settings).prepare("Some <b>bold</b>.")
    assert str(err.value) == f"<text>:1: <b> is not supported markup; {SUPPORTED}"


def test_pre_existing_placeholder_characters_are_dropped() -> None:
    doc = Document("a\U000f0000b")
    parse(doc)
    assert doc.text == "ab"


def test_chain_renders_inline_tags_for_sonic3(chain: TextChain) -> None:
    segments = chain.prepare('[excited] We won! <break time="500ms"/> <spell>AB12</spell>')
    assert [chain.render(s).transcript for s in segments] == [
        '<emotion value="excited"/> We won!',
        '<break time="500ms"/> <spell>AB12</spell>.',
    ]


def test_chain_renders_experimental_controls_for_sonic2() -> None:
    chain = TextChain(Settings(model="sonic-2", dictionaries=()))
    [segment] = chain.prepare('<emotion value="angry"/><speed ratio="1.5"/>Stop that')
    rendered = chain.render(segment)
    assert rendered.transcript == "Stop that."  # cleanup ends a bare line as a sentence
    assert rendered.experimental_controls == {"emotion": ["anger:high"], "speed": 1.0}


# -- markup shown in markdown code ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # a code span shows the markup; cleanup keeps a code span's text
        ("Write `[emotion: angry]` to sound angry.", "Write [emotion: angry] to sound angry."),
        ("Type ``[Excited]`` first.", "Type [Excited] first."),
        ("A span over\na line: `[speed\n1.2]` here.", "A span over a line: [speed 1.2] here."),
        # a fenced block, closed or not, a "~~~" one too, is code omitted
        ("Set it:\n\n```toml\n[speed 1.2]\n[volume 0.8]\n```\n\nDone.",
         "Set it: Code omitted. Done."),
        ("Set it:\n\n~~~\n[excited] = 1;\n~~~", "Set it: Code omitted."),
        ("Cut off:\n\n```\n[sad]", "Cut off: Code omitted."),
        # markup that would be an error is code, no error
        ('`<prosody rate="x">` or `[emotion exited]`, `<<k|a>>`.',
         '<prosody rate="x"> or [emotion exited], <<k|a>>.'),
        ('```html\n<emotion value="bogus"/>\n<<h | i>>\n<spell>\n```', "Code omitted."),
        # and so is HTML code
        ("<p>Use <code>[sad]</code> so:</p><pre>[break 2s]\n<<h | i>></pre>",
         "Use [sad] so: Code omitted."),
    ],
)  # fmt: skip
def test_markup_in_markdown_code_is_text(text: str, spoken: str) -> None:
    chain = TextChain(Settings(dictionaries=(), disable=("normalize",)))
    segments = chain.prepare(text)
    assert " ".join(s.plain_text for s in segments) == spoken
    assert all(not s.marks.marks for s in segments)


def test_markup_around_code_still_applies(chain: TextChain) -> None:
    text = (
        '<speed ratio="0.8">Run `[sad]` slowly</speed> [excited] then:\n\n'
        "```\n[break 2s]\n```\n\n"
        "[break 1s] Done."
    )
    assert [chain.render(s).transcript for s in chain.prepare(text)] == [
        '<speed ratio="0.8"/>Run [sad] slowly<speed ratio="1"/> <emotion value="excited"/> then:',
        "Code omitted.",
        '<break time="1000ms"/> Done.',
    ]


@pytest.mark.parametrize(
    "settings",
    [
        Settings(dictionaries=(), options={"cleanup": {"markdown": False}}),
        Settings(dictionaries=(), disable=("cleanup",)),  # nothing reads code as code
    ],
)
def test_without_markdown_backticks_are_no_code(settings: Settings) -> None:
    doc = TextChain(settings).clean("Say `[excited]` now.")
    assert kinds(doc) == [(MarkKind.EMOTION, "excited")]
