"""The built-in streaming sentence splitter, fed text in random fragments like LLM tokens.

The rule tying it to the one-shot splitter: for any text and any way of cutting it into
fragments, the stream emits exactly ``split_sentences(text, first_min_words=N)``, where N is
the stream's first-chunk minimum (leading sentences are merged until the first chunk has N
words). Everything before the final flush is emitted as soon as the word after it is whole.
"""

from __future__ import annotations

import random
import re
from itertools import accumulate
from pathlib import Path

import pytest
from sonicpipe.builtin import segment

from sonicpipe.config import ConfigError, Settings
from sonicpipe.model import MARK_FIRST
from sonicpipe.plugins import PluginHost

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
N = segment.FIRST_MIN_WORDS

TRICKY = """Dr. Smith met Mr. Jones at St. Paul's. They talked, e.g. about art, i.e. paintings, etc.
Then they left. We bought apples, pears, etc. The shop closed at 5 p.m. Then we went home.
J. R. R. Tolkien wrote it. J.R.R. Tolkien and C.S. Lewis met the F.B.I. Agents came.
I met "H. G. Wells" yesterday. He signs himself "H. Durand." Then "QUINCEY P. MORRIS." came.
It had the name 'W. RABBIT' on it. Look out for D. He is here. See Appendix A. The end.
Pi is 3.14 and the version is v2.0.1.
Next. Wait... what? Wait... What happened? He paused… Then he left. "Stop!" he cried. "Stop!"
He ran. He said “Go home.” She did. He left (as usual.) Then she came. Dr. Who left.

Steps:
1. Open the box.
2. Take it out
- one more
- and another

Say [laughter] this. Then <emotion value="sad"/> that. Keep [this. And this] together. Say
<spell>A. B. C.</spell> slowly. <speed ratio="0.9">Slow. Slower.</speed> Done. <<k|ɑ|ɹ>> is
fine. What? No! Yes."""
CLAUSE = "and the rain kept falling on the roofs of the old town"
# sentences longer than the limit: clause breaks, marks at the breaks, no punctuation, a
# word longer than the limit
LONG = (
    "; ".join([", ".join([CLAUSE] * 4)] * 6)
    + ". "
    + f", {chr(MARK_FIRST + 4)}".join([CLAUSE] * 20)
    + ". "
    + " ".join([CLAUSE] * 30)
    + ". See "
    + "x" * 1300
    + " here. Short one. Done."
)
# the same with mark placeholders between sentences, before ends and inside words
MARKED = (
    TRICKY.replace(". T", f".{chr(MARK_FIRST)} T")
    .replace("? W", f"? {chr(MARK_FIRST + 1)}W")
    .replace("left", f"le{chr(MARK_FIRST + 2)}ft")
    .replace("ran.", f"ran{chr(MARK_FIRST + 3)}.")
)


def chapter() -> str:
    book = (CORPUS / "moby-dick.txt").read_text(encoding="utf-8")
    start = book.index("CHAPTER 3. The Spouter-Inn.")
    return book[start : start + 15_000]


def fragments(text: str, rng: random.Random) -> list[str]:
    """Cut ``text`` at random places, in pieces of 1 to 12 characters."""
    out, pos = [], 0
    while pos < len(text):
        size = rng.choice((1, 1, 2, 3, 4, 5, 7, 12))
        out.append(text[pos : pos + size])
        pos += size
    return out


def run(stream: segment.PunktStream, pieces: list[str]) -> tuple[list[str], list[int]]:
    """Feed ``pieces``; return what was emitted and, for each sentence, the feed that emitted it
    (``len(pieces)`` for the flush)."""
    emitted: list[str] = []
    when: list[int] = []
    for number, piece in enumerate(pieces):
        new = stream.feed(piece)
        emitted += new
        when += [number] * len(new)
    rest = stream.flush()
    return emitted + rest, when + [len(pieces)] * len(rest)


@pytest.mark.parametrize("seed", range(40))
def test_random_fragments_give_the_one_shot_sentences(seed: int) -> None:
    text = chapter() + "\n\n" + TRICKY + "\n\n" + MARKED + "\n\n" + LONG
    expected = segment.split_sentences(text, first_min_words=N)
    assert len(expected) > 150
    assert sum(len(s) > segment.MAX_SEGMENT_CHARS // 2 for s in expected) > 10
    emitted, when = run(
        segment.PunktStream(segment.splitter()), fragments(text, random.Random(seed))
    )
    assert emitted == expected
    assert when.count(max(when)) <= 2  # all but the last sentence or two came before the flush


def test_a_sentence_is_emitted_as_soon_as_its_end_is_certain() -> None:
    stream = segment.PunktStream(segment.splitter())
    assert stream.feed("The ship sailed at dawn.") == []
    assert stream.feed(" D") == ["The ship sailed at dawn."]  # a capital after a plain word
    assert stream.feed("r. W") == []  # "Dr." is an abbreviation: Punkt needs the whole word
    assert stream.feed("ho waved at 5 p.m.") == []
    assert stream.feed(" T") == []
    assert stream.feed("hen") == []  # "Then" may still be "Thenardier"
    assert stream.feed(" it rained. and") == ["Dr. Who waved at 5 p.m."]
    assert stream.feed(" so on") == []  # a lower-case word goes on the sentence
    assert stream.flush() == ["Then it rained. and so on"]


@pytest.mark.parametrize("seed", range(10))
def test_every_sentence_comes_by_the_time_the_next_word_is_whole(seed: int) -> None:
    text = chapter()
    pieces = fragments(text, random.Random(seed))
    emitted, when = run(segment.PunktStream(segment.splitter()), pieces)
    fed = list(accumulate(len(piece) for piece in pieces))
    pos = 0
    for sentence, feed in list(zip(emitted, when, strict=True))[1:-1]:  # after the first chunk
        pos = text.index(sentence, pos) + len(sentence)
        next_word = re.compile(r"\s*\S+\s").match(text, pos)
        assert next_word is not None
        assert fed[feed - 1] < next_word.end(), sentence  # emitted by the feed that got there


@pytest.mark.parametrize("first_min_words", [0, N])
def test_an_over_long_sentence_streams_out_in_pieces_before_it_ends(first_min_words: int) -> None:
    text = " ".join([CLAUSE] * 60) + "; " + ", ".join([CLAUSE] * 20) + ". Done."
    pieces = re.findall(r"\S+\s*", text)  # word by word
    emitted, when = run(segment.PunktStream(segment.splitter(), first_min_words), pieces)
    assert emitted == segment.split_sentences(text, first_min_words)
    assert len(emitted) > len(text) // segment.MAX_SEGMENT_CHARS
    fed = list(accumulate(len(piece) for piece in pieces))
    start = 0
    for sentence, feed in list(zip(emitted, when, strict=True))[:-2]:
        start = text.index(sentence, start)
        assert fed[feed] <= start + segment.MAX_SEGMENT_CHARS + 40, sentence  # a word or two
        start += len(sentence)


def test_multi_period_initials_do_not_end_a_sentence() -> None:
    stream = segment.PunktStream(segment.splitter(), first_min_words=0)
    words = re.findall(r"\S+\s*", "I like J.K. Rowling. C.S. Lewis too. Then ")
    assert [sentence for word in words for sentence in stream.feed(word)] == [
        "I like J.K. Rowling.",
        "C.S. Lewis too.",
    ]


def test_short_first_sentences_are_merged_then_not_any_more() -> None:
    stream = segment.PunktStream(segment.splitter(), first_min_words=4)
    words = "Hi! Okay. I will look into that. Yes. It takes a minute. Done."
    emitted, _ = run(stream, re.findall(r"\S+\s*", words))
    assert emitted == ["Hi! Okay. I will look into that.", "Yes.", "It takes a minute.", "Done."]
    assert segment.split_sentences(words, first_min_words=4) == emitted


def test_markup_is_no_word_for_the_first_chunk() -> None:
    stream = segment.PunktStream(segment.splitter(), first_min_words=4)
    assert stream.feed('<emotion value="excited"/> [laughter] Hi! Great') == []
    assert stream.feed(" to see you. So") == [
        '<emotion value="excited"/> [laughter] Hi! Great to see you.'
    ]


def test_never_emits_inside_markup() -> None:
    stream = segment.PunktStream(segment.splitter(), first_min_words=0)
    text = "It begins. [whisper. Quiet. Now] ends. Say it. <spell>A. B. C. Dee. Eff"
    emitted = []
    for word in re.findall(r"\S+\s*", text):
        emitted += stream.feed(word)
    assert emitted == ["It begins.", "[whisper. Quiet. Now] ends.", "Say it."]
    assert stream.feed("</spell> now. Next ") == ["<spell>A. B. C. Dee. Eff</spell> now."]
    assert stream.feed('one. <break time="1.5s. ') == ["Next one."]
    assert stream.feed("Oh. Then ") == []  # inside the unfinished tag
    assert stream.feed('"/> Go on. ') == []
    assert stream.flush() == ['<break time="1.5s. Oh. Then "/> Go on.']


def test_markup_stays_whole_for_every_fragmentation() -> None:
    for seed in range(20):
        emitted, _ = run(
            segment.PunktStream(segment.splitter()), fragments(TRICKY, random.Random(seed))
        )
        for sentence in emitted:
            assert sentence.count("[") == sentence.count("]")
            assert sentence.count("<") == sentence.count(">")
            assert sentence.count("<spell>") == sentence.count("</spell>")


def test_work_per_fragment_is_bounded_by_the_unfinished_sentence() -> None:
    """The splitter only ever re-reads the text not yet emitted, and rarely."""
    text = chapter() + "\n\n" + LONG
    seen: list[int] = []

    class Counting(segment.Splitter):
        def starts(self, text: str, after: int = 0) -> list[tuple[int, str]]:
            seen.append(len(text))
            return super().starts(text, after)

    stream = segment.PunktStream(Counting(segment.splitter().punkt._params))
    pieces = re.findall(r"\S+\s*", text)  # word by word, like LLM tokens
    emitted, _ = run(stream, pieces)
    longest = max(len(s) for s in emitted)
    # never more than one unfinished sentence (or piece of one), a word and the last fragment
    assert max(seen) <= longest + max(map(len, pieces)) + 40
    assert len(seen) < len(pieces) / 4  # most fragments cost no Punkt run at all
    assert sum(seen) < 4 * len(text)  # not quadratic in the text


def test_flush_sends_what_is_held_and_the_text_goes_on() -> None:
    """A flush mid-text (before a pause) gives what is held; later text is new sentences,
    no longer merged up to the first chunk's minimum once a chunk went out."""
    stream = segment.PunktStream(segment.splitter())
    assert stream.flush() == []
    assert stream.feed("Sure, let me check that for you. ") == []  # the next may join it
    assert stream.flush() == ["Sure, let me check that for you."]
    assert stream.flush() == []
    assert stream.feed("Hi. Then the text goes on.") == ["Hi."]
    assert stream.feed(" And") == ["Then the text goes on."]
    assert stream.flush() == ["And"]


def test_a_flush_before_any_chunk_keeps_the_first_chunks_minimum() -> None:
    stream = segment.PunktStream(segment.splitter())
    assert stream.flush() == []
    assert stream.feed("Hi. Then a first chunk begins.") == []
    assert stream.feed(" And") == ["Hi. Then a first chunk begins."]


def test_feed_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="feed\\(\\) takes text, not bytes"):
        segment.PunktStream(segment.splitter()).feed(b"Hello.")


def test_hook_builds_a_stream_with_the_configured_minimum() -> None:
    settings = Settings(options={"segment": {"first_min_words": 0}})
    host = PluginHost(settings, extra=[segment], entry_points=False)
    stream = host.hook.sonicpipe_sentence_stream(language="en", settings=settings)
    assert stream.feed("Hi. There you are. ") == ["Hi."]
    default = host.hook.sonicpipe_sentence_stream(language="en", settings=Settings())
    assert default.feed("Hi. There you are. ") == []  # merged up to the default minimum
    bad = Settings(options={"segment": {"first_min_words": "four"}})
    with pytest.raises(ConfigError) as err:
        host.hook.sonicpipe_sentence_stream(language="en", settings=bad)
    assert str(err.value) == (
        "options.segment.first_min_words: expected a whole number from 0 to 50, got 'four'"
    )
