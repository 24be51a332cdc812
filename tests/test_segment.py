"""The built-in Punkt sentence splitter (stage 3), one-shot."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import nltk
import pytest
from nltk.tokenize.punkt import PunktSentenceTokenizer
from sonicpipe.builtin import segment

from sonicpipe.config import Settings
from sonicpipe.model import MARK_FIRST
from sonicpipe.plugins import PluginHost
from sonicpipe.text import TextChain, paragraphs

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
BOOKS = ("alice-in-wonderland.txt", "dracula.txt", "moby-dick.txt")
M0, M1, M2 = (chr(MARK_FIRST + n) for n in range(3))

ASIDES = (
    "Thus ends BOOK II. (Octavo Whale), and begins BOOK III. (Duodecimo). It is done. (Aside.) Go."
)
# a single capital before the pronoun "I" ends a sentence, though "I" is never lower case,
# and so does a label's ("Plan B.") before any capitalised word
LETTER_ENDS = (
    "I got a B. I left. We can sleep, you and I. I'm back soon. J. I. Rodale wrote it. "
    "Plan B. Alice ran. 'Take vitamin C. Bob said so.' See Appendix A. Smith's table. "
    "We met John F. Kennedy and Mr. H. G. Wells. Plan A. B. C. Smith agreed.",
    ["I got a B.", "I left.", "We can sleep, you and I.", "I'm back soon.",
     "J. I. Rodale wrote it.", "Plan B.", "Alice ran.", "'Take vitamin C.", "Bob said so.'",
     "See Appendix A.", "Smith's table.", "We met John F. Kennedy and Mr. H. G. Wells.",
     "Plan A. B. C. Smith agreed."],
)  # fmt: skip
# a name's suffix after a capitalised word goes on only before what is named after the
# person (the normalizer's NAME_CONTINUATIONS), else it ends the sentence
NAME_SUFFIXES = (
    "Martin Luther King Jr. Day is here. He met John Smith Jr. Then he left. Robert Downey "
    "Jr. Marvel hired him. We honor King Jr. Day. The Smith Sr. High School and MLK Jr. "
    "Boulevard. I saw Jr. Smith.",
    ["Martin Luther King Jr. Day is here.", "He met John Smith Jr.", "Then he left.",
     "Robert Downey Jr.", "Marvel hired him.", "We honor King Jr. Day.",
     "The Smith Sr. High School and MLK Jr. Boulevard.", "I saw Jr. Smith."],
)  # fmt: skip
# A screenplay's slugline ends no sentence after its "INT." or "EXT."; "an INT." in prose does
SLUGLINES = (
    "INT. KITCHEN - NIGHT. John enters. EXT. PARK - DAY. INT./EXT. CAR - MOVING. I/E. CAR - "
    "DAY. It returns an INT. Then we stop.",
    ["INT. KITCHEN - NIGHT.", "John enters.", "EXT. PARK - DAY.", "INT./EXT. CAR - MOVING.",
     "I/E. CAR - DAY.", "It returns an INT.", "Then we stop."],
)  # fmt: skip

TRICKY = [
    # abbreviations mid-sentence and at the end of a sentence
    ("Dr. Smith met Mr. Jones at St. Paul's. They talked.",
     ["Dr. Smith met Mr. Jones at St. Paul's.", "They talked."]),
    ("They talked, e.g. about art, i.e. paintings, etc. Then they left.",
     ["They talked, e.g. about art, i.e. paintings, etc.", "Then they left."]),
    ("We bought apples, pears, etc. The shop closed at 5 p.m. Then we went home.",
     ["We bought apples, pears, etc.", "The shop closed at 5 p.m.", "Then we went home."]),
    ("Call me at 9 a.m. Tomorrow is fine.", ["Call me at 9 a.m.", "Tomorrow is fine."]),
    # a number after "p.m." and a name after a unit go on (Moby-Dick's Dutch larder list)
    ("Open 9 a.m. to 5 p.m. 7 days a week. 60,000 lbs. Friesland pork. 150,000 lbs. of fish.",
     ["Open 9 a.m. to 5 p.m. 7 days a week.", "60,000 lbs. Friesland pork.",
      "150,000 lbs. of fish."]),
    # a state that is also a word is no abbreviation: "mass." ends a sentence
    ("Boston, Mass. is cold. It was a critical mass. Harker wrote.",
     ["Boston, Mass. is cold.", "It was a critical mass.", "Harker wrote."]),
    ("The U.S. Army arrived. He lives in the U.S. He likes it.",
     ["The U.S. Army arrived.", "He lives in the U.S.", "He likes it."]),
    ("It went to the U.S. District Court and the E.U. Commission. It is in the U.K. The end.",
     ["It went to the U.S. District Court and the E.U. Commission.", "It is in the U.K.",
      "The end."]),
    NAME_SUFFIXES,
    ("Mrs. Harker wrote to Dr. Van Helsing. See ch. 3 and pp. 10-12. Fine.",
     ["Mrs. Harker wrote to Dr. Van Helsing.", "See ch. 3 and pp. 10-12.", "Fine."]),
    ("She was ill. Then she recovered.", ["She was ill.", "Then she recovered."]),
    # office shorthand: a district, a division or a department goes on
    ("Dist. 5 is in Div. 2 of the dept. Head office. The avg. yr. Ends.",
     ["Dist. 5 is in Div. 2 of the dept.", "Head office.", "The avg. yr.", "Ends."]),
    ("Dr. Who left. Prof. Then agreed.", ["Dr. Who left.", "Prof. Then agreed."]),
    # initials
    ("J. R. R. Tolkien wrote it. H. G. Wells did not.",
     ["J. R. R. Tolkien wrote it.", "H. G. Wells did not."]),
    ('I met "H. G. Wells" yesterday. He was tall.',
     ['I met "H. G. Wells" yesterday.', "He was tall."]),
    # a single initial after a capitalised word, a quote or nothing, before a capitalised
    # word that is no common sentence starter, is a name's; else it may end a sentence
    ("It had the name 'W. RABBIT' on it. Look out for D. He is here. It was I. Then I left.",
     ["It had the name 'W. RABBIT' on it.", "Look out for D.", "He is here.", "It was I.",
      "Then I left."]),
    ("I got a B. Then we left. See Appendix A. The table is here. Ask Mary J. She knows.",
     ["I got a B.", "Then we left.", "See Appendix A.", "The table is here.", "Ask Mary J.",
      "She knows."]),
    # the next word's own end before a quote is no end after the initial or abbreviation
    # a middle initial after a given name, before a surname that is also a word
    ("William H. Gates founded it. I saw John F. He waved.",
     ["William H. Gates founded it.", "I saw John F.", "He waved."]),
    ('"QUINCEY P. MORRIS." He signs himself "H. Durand." I saw St. Paul." Go.',
     ['"QUINCEY P. MORRIS."', 'He signs himself "H. Durand."', 'I saw St. Paul."', "Go."]),
    ("He joined the S. P. C. A., which is old. I saw it at 8 P. M. Then he left.",
     ["He joined the S. P. C. A., which is old.", "I saw it at 8 P. M.", "Then he left."]),
    ("Take vitamin C. It helps.", ["Take vitamin C.", "It helps."]),
    LETTER_ENDS,
    # a degree's initial after "X.," before a short abbreviation (Dracula's heading)
    ("_Letter, Abraham Van Helsing, M. D., D. Ph., D. Lit., etc., etc., to Dr.\nSeward._",
     ["_Letter, Abraham Van Helsing, M. D., D. Ph., D. Lit., etc., etc., to Dr.\nSeward._"]),
    ("I like J.K. Rowling and C.S. Lewis. J.R.R. Tolkien wrote it. Yes.",
     ["I like J.K. Rowling and C.S. Lewis.", "J.R.R. Tolkien wrote it.", "Yes."]),
    ("He works for the F.B.I. Agents came. I met the C.E.O. Then I left.",
     ["He works for the F.B.I.", "Agents came.", "I met the C.E.O.", "Then I left."]),
    # decimals and versions
    ("Pi is 3.14 and the version is v2.0.1. Next.",
     ["Pi is 3.14 and the version is v2.0.1.", "Next."]),
    ("Upgrade to 4.2.1. It costs $5.50. That is a lot.",
     ["Upgrade to 4.2.1.", "It costs $5.50.", "That is a lot."]),
    # ellipses: a lower-case word continues the sentence, a capital starts a new one
    ("Wait... what? Wait... What happened?", ["Wait... what?", "Wait...", "What happened?"]),
    ("Wait… what? He paused… Then he left.", ["Wait… what?", "He paused…", "Then he left."]),
    # quotations
    ('"Stop!" he cried. "Stop!" He ran.', ['"Stop!" he cried.', '"Stop!"', "He ran."]),
    ("‘Really?’ she asked. ‘Yes.’", ["‘Really?’ she asked.", "‘Yes.’"]),
    ("He said “Go home.” She did.", ["He said “Go home.”", "She did."]),
    # closing brackets after the period
    ('He left (as usual.) Then she came. "Go home." She did.',
     ["He left (as usual.)", "Then she came.", '"Go home."', "She did."]),
    # lists
    ("1. Buy milk.\n2. Walk the dog.\n- one\n- two",
     ["1. Buy milk.", "2. Walk the dog.", "- one", "- two"]),
    ("Steps:\n1. Open the box\n2. Take it out\n• Done",
     ["Steps:", "1. Open the box", "2. Take it out", "• Done"]),
    ("a) First point. b) Second point.", ["a) First point.", "b) Second point."]),
    ("Do this: 1. Buy milk. 2. Walk the dog.", ["Do this: 1. Buy milk.", "2. Walk the dog."]),
    # author markup is never cut
    ("Keep [this. And this] together. Done now.",
     ["Keep [this. And this] together.", "Done now."]),
    ('Say <spell>A. B. C.</spell> slowly. Then stop.',
     ["Say <spell>A. B. C.</spell> slowly.", "Then stop."]),
    ("What? No! Yes.", ["What?", "No!", "Yes."]),
    # a run of marks ends one sentence, also at the end (Punkt left the last mark alone)
    ("Hmm?? OK!!!", ["Hmm??", "OK!!!"]),
    ("Yes!!", ["Yes!!"]),
    ("Really?! Stop!!!!", ["Really?!", "Stop!!!!"]),
    # a piece with no word goes with the next sentence
    ('... Three nights. Then quiet. "..." She left.',
     ["... Three nights.", "Then quiet.", '"..." She left.']),
    # no sentence starts with ";", ":" or ","; "No." before a numeral is a label
    ("In the reign of George III.; Vol. II. of the history. He is the third.;, odd",
     ["In the reign of George III.; Vol. II. of the history.", "He is the third.;, odd"]),
    (ASIDES, ["Thus ends BOOK II. (Octavo Whale), and begins BOOK III.", "(Duodecimo).",
              "It is done.", "(Aside.)", "Go."]),
    ("No. I. is the first. See No. IV. It is long. No. 5 won. Nos. I. and II. are here.",
     ["No. I. is the first.", "See No. IV.", "It is long.", "No. 5 won.",
      "Nos. I. and II. are here."]),
    ("No. I refuse. He said no. I left.", ["No.", "I refuse.", "He said no.", "I left."]),
    SLUGLINES,
]  # fmt: skip


def nonspace(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("text", "expected"), TRICKY)
def test_tricky_sentences(text: str, expected: list[str]) -> None:
    assert segment.split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    # the asides, "No. I", sluglines, a name's suffix
    [*TRICKY[-4:], LETTER_ENDS, NAME_SUFFIXES, ("Hmm?? OK!!!", ["Hmm??", "OK!!!"])],
)
def test_a_stream_fed_a_letter_at_a_time_waits_until_a_cut_is_certain(
    text: str, expected: list[str]
) -> None:
    """ "No. I" may still become "No. I." (a label), so the stream holds "No." until it knows;
    and "II. (Octavo" until the aside's end shows whether the sentence goes on."""
    stream = segment.PunktStream(segment.splitter(), first_min_words=0)
    sentences = [sentence for char in text for sentence in stream.feed(char)]
    assert sentences + stream.flush() == expected


def test_common_sentence_starters_come_from_punkt_data() -> None:
    punkt = segment.splitter().punkt
    assert all(map(punkt.common_starter, ["The", "He", "Then", "It", "This", "I", "I'm"]))
    assert not any(map(punkt.common_starter, ["RABBIT'", "Rabbit", "MORRIS.", "Durand."]))


def test_marks_between_sentences_go_with_the_next_one() -> None:
    assert segment.split_sentences(f"He left.{M0} Then she came.") == [
        "He left.",
        f"{M0} Then she came.",
    ]
    assert segment.split_sentences(f"He left. {M1}Then she came{M2}. Fine.") == [
        "He left.",
        f"{M1}Then she came{M2}.",
        "Fine.",
    ]


def test_marks_inside_a_sentence_do_not_cut_it() -> None:
    text = f"Dr.{M0} Smith {M1}laughed{M2}. Then he left."
    assert segment.split_sentences(text) == [f"Dr.{M0} Smith {M1}laughed{M2}.", "Then he left."]


def test_first_chunk_merge_rule() -> None:
    text = "Hi. Yes. I am here now. Next one."
    assert segment.split_sentences(text) == ["Hi.", "Yes.", "I am here now.", "Next one."]
    assert segment.split_sentences(text, first_min_words=4) == ["Hi. Yes. I am here now.",
                                                                "Next one."]  # fmt: skip
    assert segment.split_sentences("Hi. Yes.", first_min_words=4) == ["Hi. Yes."]


def test_paragraph_breaks_always_cut_and_close_open_brackets() -> None:
    text = "A title\n\nIt begins [with a stray bracket. Still inside.\n\nNew part. Again."
    assert segment.split_sentences(text) == [
        "A title",
        "It begins [with a stray bracket. Still inside.",
        "New part.",
        "Again.",
    ]


def test_real_chapter_held_out_from_training() -> None:
    """Moby-Dick is not in the training text: its first chapter splits as a reader would."""
    book = (CORPUS / "moby-dick.txt").read_text(encoding="utf-8")
    start = book.index("CHAPTER 1. Loomings.")
    chapter = book[start : book.index("CHAPTER 2.", start)]
    sentences = [
        " ".join(s.split()) for p in paragraphs(chapter) for s in segment.split_sentences(p)
    ]
    assert sentences[2:6] == [
        "Call me Ishmael.",
        "Some years ago--never mind how long precisely--having little or no money in my "
        "purse, and nothing particular to interest me on shore, I thought I would sail about "
        "a little and see the watery part of the world.",
        "It is a way I have of driving off the spleen and regulating the circulation.",
        "Whenever I find myself growing grim about the mouth; whenever it is a damp, drizzly "
        "November in my soul; whenever I find myself involuntarily pausing before coffin "
        "warehouses, and bringing up the rear of every funeral I meet; and especially whenever "
        "my hypos get such an upper hand of me, that it requires a strong moral principle to "
        "prevent me from deliberately stepping into the street, and methodically knocking "
        "people's hats off--then, I account it high time to get to sea as soon as I can.",
    ]
    assert "But look! here come more crowds, pacing straight for the water, and seemingly " \
        "bound for a dive." in sentences  # fmt: skip
    assert "No." in sentences
    # every sentence ends like one (or is a heading without a period)
    loose = [s for s in sentences if not re.search(r"[.!?;:]['\"”’)]*$|-$", s)]
    assert loose == []
    assert 95 < len(sentences) < 110


@pytest.mark.parametrize("name", BOOKS)
def test_nothing_is_lost_on_whole_books(name: str) -> None:
    """Every non-space character of every paragraph comes back, in order, marks included."""
    text = (CORPUS / name).read_text(encoding="utf-8")
    rng = random.Random(name)
    chars = list(text)
    for _ in range(3000):  # sprinkle mark placeholders anywhere, even inside words
        chars.insert(rng.randrange(len(chars)), chr(MARK_FIRST + rng.randrange(100)))
    marked = "".join(chars)
    for paragraph in paragraphs(marked):
        sentences = segment.split_sentences(paragraph)
        assert all(s == s.strip() and s for s in sentences)
        assert nonspace("".join(sentences)) == nonspace(paragraph)


CLAUSE = "and the rain kept falling on the roofs of the old town"
RUN_ON = "; ".join([", ".join([CLAUSE] * 4)] * 12) + "."  # 2,734 characters, one sentence


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        (RUN_ON, (";", ".")),  # at a semicolon, never at a comma when a semicolon is near
        (", ".join([CLAUSE] * 40) + ".", (",", ".")),
        (" -- ".join([CLAUSE] * 40) + ".", ("--", ".")),
        (" ".join([CLAUSE] * 40), None),  # no punctuation at all: between words
    ],
)
def test_an_over_long_sentence_is_cut_at_the_best_break(
    text: str, ends: tuple[str, ...] | None
) -> None:
    sentences = segment.split_sentences(text)
    assert len(sentences) >= len(text) // segment.MAX_SEGMENT_CHARS
    assert all(segment.MAX_SEGMENT_CHARS // 2 <= len(s) <= segment.MAX_SEGMENT_CHARS
               for s in sentences[:-1])  # fmt: skip
    assert ends is None or all(s.endswith(ends) for s in sentences)
    assert " ".join(sentences).split() == text.split()


def test_a_word_longer_than_the_limit_is_cut_and_kept_whole() -> None:
    word = "x" * (2 * segment.MAX_SEGMENT_CHARS + 10)
    limit = segment.MAX_SEGMENT_CHARS
    assert (
        segment.split_sentences(f"See {word} here. Next.")
        == [
            "See",  # the last space in reach, then cuts at the limit
            word[:limit],
            word[limit : 2 * limit],
            word[2 * limit :] + " here.",
            "Next.",
        ]
    )


def test_a_mark_at_a_length_cut_goes_with_the_next_piece() -> None:
    text = f"{CLAUSE}, {M0}" * 24
    sentences = segment.split_sentences(text)
    assert len(sentences) > 1
    assert all(s.startswith(M0) for s in sentences[1:])
    assert nonspace("".join(sentences)) == nonspace(text)


def test_a_run_on_text_reaches_sonic_in_short_inputs_with_every_word() -> None:
    """3,000 words with no punctuation: no input near Sonic's 50,000-character limit."""
    words = ("the river ran past our house " * 500).split()
    chain = TextChain(Settings(dictionaries=()))
    transcripts = [chain.render(s).transcript for s in chain.prepare(" ".join(words))]
    assert max(map(len, transcripts)) <= segment.MAX_SEGMENT_CHARS
    assert " ".join(transcripts).rstrip(".").split() == words


def test_abbreviation_list_is_read_at_run_time(tmp_path: Path, monkeypatch) -> None:
    text = "We met Zorb. Henderson there. He waved."
    assert segment.split_sentences(text) == ["We met Zorb.", "Henderson there.", "He waved."]
    tsv = tmp_path / "abbr.tsv"
    tsv.write_text("# test list\nZorb.\tZorbian\n\net al.\t\n", encoding="utf-8")
    assert segment.read_abbreviations(tsv) == {"zorb", "al"}
    monkeypatch.setattr(segment.dictionaries, "shipped_abbreviations", lambda: tsv)
    segment.splitter.cache_clear()
    try:
        assert segment.split_sentences(text) == ["We met Zorb. Henderson there.", "He waved."]
    finally:
        segment.splitter.cache_clear()


def test_every_shipped_abbreviation_is_known_to_the_splitter() -> None:
    known = segment.splitter().punkt._params.abbrev_types
    shipped = segment.read_abbreviations(segment.dictionaries.shipped_abbreviations())
    assert {"dr", "mr", "st", "e.g", "i.e", "etc", "u.s", "a.m"} <= shipped <= known


def test_bad_abbreviation_line_names_file_and_line(tmp_path: Path) -> None:
    tsv = tmp_path / "abbr.tsv"
    tsv.write_text("Dr.\tDoctor\nMister\tMr\n", encoding="utf-8")
    with pytest.raises(segment.SegmentError) as err:
        segment.read_abbreviations(tsv)
    assert str(err.value) == (
        f"{tsv}:2: abbreviation 'Mister' must end with a period "
        "(format: abbreviation<TAB>expansion)"
    )


def test_parameters_are_offline_json(monkeypatch) -> None:
    """Built from the shipped JSON only: NLTK's downloader and data path are never touched."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("NLTK data was looked up")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "load", refuse)
    monkeypatch.setattr(nltk.data, "find", refuse)
    segment.splitter.cache_clear()
    try:
        assert segment.split_sentences("Dr. Who left. He came back.") == [
            "Dr. Who left.",
            "He came back.",
        ]
    finally:
        segment.splitter.cache_clear()
    data = json.loads(segment.shipped_parameters().read_text(encoding="utf-8"))
    assert data["format"] == segment.FORMAT
    params = segment.parameters_from_dict(data)
    assert segment.parameters_to_dict(params, data["sources"]) == data


def test_malformed_parameter_file_is_a_clear_error() -> None:
    with pytest.raises(segment.SegmentError) as err:
        segment.parameters_from_dict({"abbrev_types": []})
    assert str(err.value) == (
        f"punkt-en.json: not a sonicpipe Punkt parameter file (format {segment.FORMAT!r})"
    )
    with pytest.raises(segment.SegmentError) as err:
        segment.parameters_from_dict({"format": segment.FORMAT, "abbrev_types": []})
    assert str(err.value) == "punkt-en.json: malformed Punkt parameters (KeyError('collocations'))"


def test_training_cli_reproduces_the_shipped_parameters(tmp_path: Path) -> None:
    """Training is deterministic and the shipped file was trained on the texts in the repo.

    (Not compared whole: the abbreviation list, owned elsewhere, guides training and may have
    changed since; its additions take effect at load time without retraining.)
    """
    out = tmp_path / "punkt.json"
    assert segment.main(["train", str(out)]) == 0
    trained = json.loads(out.read_text(encoding="utf-8"))
    shipped = json.loads(segment.shipped_parameters().read_text(encoding="utf-8"))
    texts = sorted(path.name for path in segment.TRAINING_DIR.glob("*.txt"))
    assert len(texts) >= 3
    for name in texts:
        assert trained["sources"][name] == shipped["sources"][name], name
    paths = sorted(segment.TRAINING_DIR.glob("*.txt"))
    assert segment.train_files(paths, segment.dictionaries.shipped_abbreviations()) == trained
    sample = "The shop closed at 5 p.m. Then we went home. Wait... What?"
    fresh = segment.Splitter(segment.parameters_from_dict(trained))
    assert fresh.split(sample) == ["The shop closed at 5 p.m.", "Then we went home.",
                                   "Wait...", "What?"]  # fmt: skip


def test_training_cli_rejects_an_empty_folder(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        segment.main(["train", str(tmp_path / "out.json"), "--texts", str(tmp_path)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"python -m sonicpipe.builtin.segment: error: --texts {tmp_path}: no *.txt training texts "
        "there"
    )
    assert not (tmp_path / "out.json").exists()


def test_hook_through_the_plugin_host() -> None:
    host = PluginHost(Settings(), extra=[segment], entry_points=False)
    chain = TextChain(host=host)
    assert chain.split("It was 3.14 exactly. Dr. Who agreed.") == [
        "It was 3.14 exactly.",
        "Dr. Who agreed.",
    ]
    assert host.hook_order()["sonicpipe_split_sentences"] == ["sonicpipe.builtin.segment"]


@pytest.mark.parametrize("name", ["alice-in-wonderland.txt", "moby-dick.txt"])
def test_fast_punkt_decides_like_nltk_on_the_end_and_the_token_after(name: str) -> None:
    """The shortcut and the stdlib-compiled patterns change speed only: each possible end is
    NLTK's decision on its word and the first token after it (not on a later token of the
    next word: ``Mrs. Hussey."`` has the break after ``Hussey``, not after ``Mrs.``)."""
    text = (CORPUS / name).read_text(encoding="utf-8")[:300_000]
    params = segment.splitter().punkt._params
    fast = segment.FastPunkt(params, lang_vars=segment.LanguageVars())
    stock = PunktSentenceTokenizer(params)
    contexts = [context for _, context in stock._match_potential_end_contexts(text)]
    assert [context for _, context in fast._match_potential_end_contexts(text)] == contexts
    assert len(contexts) > 1000
    assert [fast.text_contains_sentbreak(c) for c in contexts] == [
        stock.text_contains_sentbreak(fast.end_context(c)) for c in contexts
    ]
    if name == "moby-dick.txt":
        assert 'Mrs. Hussey."' in contexts
        assert fast.end_context('Mrs. Hussey."') == "Mrs. Hussey."
        assert stock.text_contains_sentbreak('Mrs. Hussey."')
        assert not fast.text_contains_sentbreak('Mrs. Hussey."')


def test_split_cli_prints_one_sentence_a_line(tmp_path: Path, capsys) -> None:
    text = tmp_path / "in.txt"
    text.write_text('Dr. Who left.\n"Stop!" he\ncried.\n\nNew part. Fine.', encoding="utf-8")
    assert segment.main(["split", str(text)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Dr. Who left.",
        '"Stop!" he cried.',
        "New part.",
        "Fine.",
    ]
