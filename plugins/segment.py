"""Sentence segmentation with NLTK Punkt, fully offline.

Punkt's parameters ship as ``data/punkt-en.json`` (no pickle, nothing downloaded). They are
trained by :func:`train` from public-domain text kept in the repository (``training/segment``,
not shipped) and are rebuilt into :class:`~nltk.tokenize.punkt.PunktParameters` once per process.
The abbreviations of ``sonicpipe.dictionaries/en-abbreviations.tsv`` are added when the
parameters are loaded, so an edit to that list takes effect without retraining.

On top of Punkt a few rules fit text meant to be spoken:

* paragraph breaks and list items at a line start (``1.``, ``a)``, ``-``, ``*``, ``•``) always
  start a sentence, and a list marker is never a sentence of its own;
* a piece with no word (a leading ``...``) is no sentence: it goes with the next one;
* a sentence never starts with a lower-case letter (``"Stop!" he cried.`` is one sentence)
  nor with ``;``, ``:`` or ``,``, even after a short aside in brackets (``George III.;
  Vol. II.``, ``Thus ends BOOK II. (Octavo), and begins``), and never ends on a title
  (``Dr. Who``), between initials (``S. P. C. A.``) or on ``No.``/``Nos.`` before a numeral
  (``No. I. is the first``, but ``No. I refuse.``), nor on a screenplay's ``INT.`` or
  ``EXT.`` that starts a slugline in capitals (``INT. KITCHEN - NIGHT``);
* nor after a name's initials written together (``J.K. Rowling``, ``J.R.R. Tolkien``): capital
  initials that are no known abbreviation (``U.S.``) and follow no article (``the F.B.I.``)
  never end a sentence, so ``signed J.K. Then`` stays one sentence; nor do ``U.S.``, ``U.K.``,
  ``U.N.`` and ``E.U.`` before a capitalised word that is no common sentence starter
  (``the U.S. District Court``, but ``in the U.S. The next year``), nor ``Jr.`` and ``Sr.``
  after a capitalised word before what is named after the person (``King Jr. Day``, but
  ``Downey Jr. Marvel``);
* nor after a name's single initial: a capital other than ``I`` after a capitalised word or
  an opening quote, before a capitalised word that is no common sentence starter by Punkt's
  data (``the name 'W. RABBIT'``, but ``Look out for D. He``, ``See Appendix A. The``);
* a single capital before the pronoun ``I`` ends a sentence (``I got a B. I left``), and so
  does one after a label word before a capitalised word (``Plan B. Alice ran``), though Punkt
  keeps an initial before a word never seen in lower case;
* nothing is cut inside ``[...]``, ``<...>`` or a paired tag (author markup stays whole);
* ``…`` ends a sentence like ``...`` does;
* a mark placeholder between two sentences goes with the next one;
* a sentence longer than :data:`MAX_SEGMENT_CHARS` (a run-on, text without punctuation) is
  cut into pieces at clause breaks, else between words (see :func:`length_cuts`).

Retrain with ``python -m sonicpipe.builtin.segment train OUT.json`` from a source checkout;
``python -m sonicpipe.builtin.segment split FILE`` prints a text's sentences, one a line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from functools import cache, cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from itertools import pairwise, takewhile
from pathlib import Path
from typing import Any

from nltk.tokenize.punkt import _ORTHO_MAP as ORTHO_MAP
from nltk.tokenize.punkt import _ORTHO_MID_LC as MID_LC
from nltk.tokenize.punkt import _ORTHO_MID_UC as MID_UC
from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
    PunktTrainer,
)
from sonicpipe.builtin.normalize import (
    NAME_CONTINUATIONS,
    NAME_SUFFIXES,
    REGNAL_NAMES,
    SENTENCE_STARTERS,
    STATE_WORDS,
)

from sonicpipe import dictionaries
from sonicpipe.config import ConfigError, Settings
from sonicpipe.hookspecs import hookimpl
from sonicpipe.model import MARK_RE

__version__ = "0.1.0"
sonicpipe_options = ("first_min_words",)

FORMAT = "sonicpipe-punkt/1"
PARAMETERS = "punkt-en.json"
TRAINING_DIR = Path(__file__).resolve().parents[1] / "training" / "segment"
#: The first chunk a stream emits has at least this many words (``[options.segment]``).
FIRST_MIN_WORDS = 4
#: A capital inside sentences counts for Punkt from this share of a word's uses there.
MID_UPPER_SHARE = 0.01
#: The longest sentence sent as one input, in characters; longer ones are cut in pieces.
#: Sonic refuses a transcript over 50,000 characters, and short of that a huge input is still
#: one generation to wait for and to redo whole on a retry. 600 characters is about 40 s of
#: speech and keeps real sentences whole: of the 2,679 in the training texts, 4 are longer
#: (the longest 919) and 99.9% are under 640.
MAX_SEGMENT_CHARS = 600

LIST_ITEM = r"(?:[-*•‣◦▪+]|\(?\d{1,3}[.)]|\(?[a-z][.)])[ \t]"  # at a line start
PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")
LIST_ITEM_RE = re.compile(rf"^[ \t]*(?={LIST_ITEM}[ \t]*\S)", re.M)
LIST_MARKER_RE = re.compile(r"(?:[-*•‣◦▪+]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|[ivxlcdmIVXLCDM]{1,6}\.)")
INITIAL_RE = re.compile(r"[\"'“‘(]*[A-Z]\.")
INITIAL_NEXT_RE = re.compile(r"[A-Z]\.")
NAME_INITIALS_RE = re.compile(r"[\"'“‘(]*((?:[A-Z]\.){2,4})")
NAME_INITIAL_RE = re.compile(r"([\"'“‘(]*)(?!I\.)[A-Z]\.")  # "I." is the pronoun
#: A single capital's period and the next token, as Punkt sees them ("B. I").
LETTER_END_RE = re.compile(r"[A-Z]\.\s+(\S+)")
#: A name's suffix's period and the next token, as Punkt sees them ("Jr. Marvel").
SUFFIX_END_RE = re.compile(r"([A-Z][a-z]\.)\s+(\S+)")
#: The pronoun "I" as a token: no name goes on with it after an initial ("a B. I left").
PRONOUN_I_RE = re.compile(r"I(?:['’](?:m|d|ll|ve))?[,;:!?]?")
#: Words that make the capital after them a label, no initial: "Plan B. Alice ran."
LABELS = frozenset({
    "appendix", "category", "class", "exhibit", "figure", "grade", "group", "option", "part",
    "plan", "section", "table", "type", "vitamin",
})  # fmt: skip
WORD_BEFORE_RE = re.compile(r"\b([A-Za-z]+)\s+$")  # searched up to a single capital
#: A degree's last part, after its initial in a list of degrees: "D. Ph., D. Lit., etc."
DEGREE_PART_RE = re.compile(r"[A-Z][a-z]{1,3}\.[,;]?")
NEXT_WORD_RE = re.compile(r"\s*(\S+)")
NEXT_CAPITAL_RE = re.compile(r"\s*[A-Z]")
ARTICLES = frozenset({"a", "an", "the"})
#: Initials that often stand before a name, as in ``U.S. District Court`` or ``E.U. Commission``.
ADJECTIVE_INITIALS = frozenset({"U.S.", "U.K.", "U.N.", "E.U."})
# Punctuation that goes on with a sentence, maybe after a short aside: "; Vol. II.", "(Octavo), and"
CONTINUATION_RE = re.compile(r"\s*(?:\([^()]{1,40}\)\s*)?[;:,]")
ASIDE_START_RE = re.compile(r"\s*\(")
ASIDE_DECIDED_RE = re.compile(r"\s*\((?:[^()]{0,40}[()]\s*\S|[^()]{41})")  # closed, or too long
#: "No." and "Nos." before a numeral are a label: "No. 5", "No. IV", "No. I." (not "No. I refuse").
NUMBER_LABELS = frozenset({"No.", "Nos."})
NUMERAL_RE = re.compile(r"\s*(?:\d|[IVXLCDM]+[.,;:)]|[IVXLCDM]{2,}\b)")
INLINE_ITEM_RE = re.compile(r"\(?(?:\d{1,3}[.)]|[a-z]\))\s")
LOWER_START_RE = re.compile(r"[\s\"'“”‘’«»(*_]*[^\W\d_]")
MARKUP_RE = re.compile(
    r"<<[^<>\s]+>>|(?P<tag><(?P<end>/)?[A-Za-z][^<>]*?(?P<self>/)?>)"
    r"|(?P<open>\[|<(?=[A-Za-z/<]))|(?P<close>[\]>])"
)
#: Abbreviations that stand before a name: a sentence never ends on them (``Dr. Who``).
TITLES = frozenset({
    "mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "drs", "prof", "rev", "hon", "fr", "gen",
    "capt", "lt", "col", "maj", "sgt", "cpl", "pvt", "adm", "cmdr", "gov", "sen", "rep", "pres",
    "supt", "insp", "det", "atty",
})  # fmt: skip
#: A screenplay's slugline starts with one of these, and goes on in capitals: "INT. KITCHEN -
#: NIGHT" is one sentence.
SLUGLINE_STARTS = frozenset({"INT.", "EXT.", "INT./EXT.", "EXT./INT.", "INT/EXT.", "I/E."})
WORD_RE = re.compile(r"\w+(?:['’]\w+)*")
NOT_SPOKEN_RE = re.compile(r"<<[^<>\s]+>>|</?[A-Za-z][^<>]*>|\[[^\[\]]*\]")  # tags, [brackets]
END_MARKS = frozenset(".!?…")
CANDIDATE_RE = re.compile(rf"[.!?…]|\n[ \t]*(?:\n|{LIST_ITEM})")  # where a cut may follow
NEXT_TOKEN_RE = re.compile(r"\s*\S+\s")
WORD_AND_SPACE_RE = re.compile(r"\s*\S+\s+")
FIRST_CHAR_RE = re.compile(r"\s*(\S)")
PLAIN_END_RE = re.compile(r"(?:^|\s)[\"'“‘(]*([A-Za-z]{2,})[.!?][\"'”’)\]]*\s*$")
_AFTER = r"(?:\s+\S+|[\"')\]}’”]+)"  # what may follow a possible sentence end
PLAIN_PERIOD_RE = re.compile(rf"([A-Za-z]{{2,}})\.{_AFTER}")
PLAIN_BANG_RE = re.compile(rf"[^\s.!?]*[!?]{_AFTER}")
QUOTES_RE = re.compile(r"[\"'“”‘’«»()\[\]{}_]+|-{2,}|[—–]")
LEARNED_RE = re.compile(r"[^\W\d_]+(?:\.[^\W\d_]+)+")  # learned abbreviations worth keeping
ELLIPSIS_CHAR = "…"
# Where an over-long sentence may be cut, and how good a place it is (lower is better):
# after ; or :, after a comma, at a dash, else at any space.
BREAK_RE = re.compile(r"(?:(?P<clause>[;:])|(?P<comma>,)|(?P<dash>(?<!\S)--?|[—–]))?\s+|(?P<em>—)")
BREAK_RANK = {"clause": 0, "comma": 1, "dash": 2, "em": 2, None: 3}
HARD, LIST, PUNKT = "paragraph", "list item", "punkt"  # kinds of sentence start


class SegmentError(ValueError):
    """Bad segmentation data or options; the message names the file or option."""


# -- parameters --------------------------------------------------------------------------------


def read_abbreviations(source: Traversable | Path) -> set[str]:
    """The Punkt abbreviation types of an abbreviation list (see sonicpipe.dictionaries).

    A Punkt type is lower-cased and has no final period: ``Dr.`` -> ``dr``, ``e.g.`` -> ``e.g``,
    ``et al.`` -> ``al``. A state that is also a word (the normalizer's ``STATE_WORDS``:
    ``Mass.``) is none, so that ``a critical mass. Then`` ends a sentence.
    """
    try:
        table = dictionaries.read_abbreviations(source)
    except ValueError as exc:
        raise SegmentError(str(exc)) from None
    return {entry.split()[-1][:-1].lower() for entry in table if entry not in STATE_WORDS}


def parameters_to_dict(params: PunktParameters, sources: dict[str, str]) -> dict[str, Any]:
    """A JSON-ready, deterministic form of ``params``; ``sources`` maps file names to digests."""
    return {
        "format": FORMAT,
        "language": "en",
        "sources": dict(sorted(sources.items())),
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted([a, b] for a, b in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted((k, v) for k, v in params.ortho_context.items() if v)),
    }


def parameters_from_dict(data: dict[str, Any], where: str = PARAMETERS) -> PunktParameters:
    """Rebuild :class:`PunktParameters` from :func:`parameters_to_dict` output."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SegmentError(f"{where}: not a sonicpipe Punkt parameter file (format {FORMAT!r})")
    params = PunktParameters()
    try:
        params.abbrev_types = set(data["abbrev_types"])
        params.collocations = {(a, b) for a, b in data["collocations"]}
        params.sent_starters = set(data["sent_starters"])
        params.ortho_context.update({str(k): int(v) for k, v in data["ortho_context"].items()})
    except (KeyError, TypeError, ValueError) as exc:
        raise SegmentError(f"{where}: malformed Punkt parameters ({exc!r})") from None
    return params


class _Trainer(PunktTrainer):
    """Punkt's trainer with sturdier capitalisation statistics.

    Stock Punkt marks a word "capitalised mid-sentence" on a single sighting, and counts
    ``said, "The`` and every all-capitals heading word as such; in books full of dialogue
    that marks every common sentence starter and disables the orthographic heuristic that
    decides ``etc. The``. Here a quote, bracket or dash makes the context after it unknown,
    words in capitals are not counted, and a mid-sentence capital counts only if it is at
    least :data:`MID_UPPER_SHARE` of the word's mid-sentence uses (and seen twice).
    Otherwise this is NLTK's ``_get_orthography_data``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._mid_counts: Counter[tuple[str, int]] = Counter()

    def _get_orthography_data(self, tokens: Iterable[PunktToken]) -> None:
        context = "internal"
        for aug_tok in tokens:
            if aug_tok.parastart and context != "unknown":
                context = "initial"
            if aug_tok.linestart and context == "internal":
                context = "unknown"
            if QUOTES_RE.fullmatch(aug_tok.tok):
                context = "unknown" if context == "internal" else context
                continue
            flag = ORTHO_MAP.get((context, aug_tok.first_case), 0)
            if flag and not (len(aug_tok.tok) > 1 and aug_tok.tok.isupper()):
                if flag in (MID_UC, MID_LC):
                    self._mid_counts[aug_tok.type_no_sentperiod, flag] += 1
                if flag != MID_UC:
                    self._params.add_ortho_context(aug_tok.type_no_sentperiod, flag)
            if aug_tok.sentbreak:
                context = "unknown" if aug_tok.is_number or aug_tok.is_initial else "initial"
            elif aug_tok.ellipsis or aug_tok.abbr:
                context = "unknown"
            else:
                context = "internal"

    def finalize_training(self, verbose: bool = False) -> None:
        for (typ, flag), upper in self._mid_counts.items():
            if flag == MID_UC and upper >= 2:
                share = upper / (upper + self._mid_counts[typ, MID_LC])
                if share >= MID_UPPER_SHARE:
                    self._params.add_ortho_context(typ, MID_UC)
        super().finalize_training(verbose)


def train(texts: Iterable[str], abbreviations: AbstractSet[str] = frozenset()) -> PunktParameters:
    """Train Punkt on ``texts``; ``abbreviations`` guide training but are not stored.

    Known abbreviations make the orthographic statistics right (the word after ``Dr.`` is not
    counted as a sentence start); they are removed from the result because they are added
    again at load time from the live list. Of the abbreviations Punkt learns, only dotted
    forms (``p.m``) are kept: on a sample this small it also "learns" ordinary words that
    happen to end sentences (``ill.``, ``gap.``) and single letters, which would stop
    initials from ever ending a sentence (``at 8 P. M. Then``); Punkt has its own rules for
    initials, and word abbreviations belong in the curated list.
    """
    trainer = _Trainer()
    trainer._params.abbrev_types.update(abbreviations)
    for text in texts:
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    params = trainer.get_params()
    learned = params.abbrev_types - abbreviations
    params.abbrev_types = {typ for typ in learned if LEARNED_RE.fullmatch(typ)}
    return params


def train_files(paths: Sequence[Path], abbreviations: Traversable | Path) -> dict[str, Any]:
    """Train on text files; return the parameter file's content (with source digests)."""
    texts = [path.read_text(encoding="utf-8") for path in paths]
    sources = {path.name: _digest(text) for path, text in zip(paths, texts, strict=True)}
    sources[abbreviations.name] = _digest(abbreviations.read_text(encoding="utf-8"))
    params = train(texts, read_abbreviations(abbreviations))
    return parameters_to_dict(params, sources)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def shipped_parameters() -> Traversable:
    """The parameter file inside the package."""
    return files("sonicpipe.builtin") / "data" / PARAMETERS


@cache
def splitter() -> Splitter:
    """The process-wide splitter: shipped parameters plus the live abbreviation list."""
    params = parameters_from_dict(json.loads(shipped_parameters().read_text(encoding="utf-8")))
    params.abbrev_types |= read_abbreviations(dictionaries.shipped_abbreviations())
    return Splitter(params)


# -- one-shot splitting ------------------------------------------------------------------------


class LanguageVars(PunktLanguageVars):
    """NLTK's English Punkt patterns, compiled once with the standard ``re`` module.

    This NLTK routes every pattern through its ReDoS guard (the ``regex`` engine plus a
    wall-clock timeout per match), which costs more than Punkt itself on a book. Punkt's
    patterns are linear since NLTK 3.8.2, and the text here is the user's own.
    """

    re_boundary_realignment = re.compile(
        PunktLanguageVars.re_boundary_realignment.pattern, re.MULTILINE
    )

    @cached_property
    def _period_context(self) -> re.Pattern[str]:
        return re.compile(self._period_context_fmt % self._parts, re.UNICODE | re.VERBOSE)

    @cached_property
    def _word_tokenizer(self) -> re.Pattern[str]:
        return re.compile(self._word_tokenize_fmt % self._parts, re.UNICODE | re.VERBOSE)

    @property
    def _parts(self) -> dict[str, str]:
        return {
            "NonWord": self._re_non_word_chars,
            "MultiChar": self._re_multi_char_punct,
            "WordStart": self._re_word_start,
            "SentEndChars": self._re_sent_end_chars,
        }

    def period_context_re(self) -> re.Pattern[str]:
        """The pattern of a possible sentence end and the token after it."""
        return self._period_context

    def _word_tokenizer_re(self) -> re.Pattern[str]:
        return self._word_tokenizer


class FastPunkt(PunktSentenceTokenizer):
    """Punkt with a shortcut for the two commonest possible sentence ends, and two fixes.

    ``word! Next`` and ``word. Next`` (a plain word that is no known abbreviation, with no
    collocation to check) are always sentence breaks for Punkt; deciding them without building
    and annotating tokens makes splitting about twice as fast. Everything else goes to NLTK,
    with only the end's word and the first token after it (see :meth:`end_context`); a single
    capital that NLTK takes for an initial may still end a sentence (see
    :func:`letter_ends_sentence`).
    """

    def text_contains_sentbreak(self, text: str) -> bool:
        """Whether the possible end in ``text`` (Punkt's context of it) is a sentence break."""
        if PLAIN_BANG_RE.fullmatch(text):
            return True
        plain = PLAIN_PERIOD_RE.fullmatch(text)
        if (
            plain
            and not self._params.collocations
            and plain[1].lower() not in self._params.abbrev_types
        ):
            return True
        return super().text_contains_sentbreak(self.end_context(text))

    def _slices_from_text(self, text: str) -> Iterator[slice]:
        """NLTK's, with more sentence breaks: :func:`letter_ends_sentence`,
        :func:`suffix_ends_sentence`."""
        last_break = 0
        for match, context in self._match_potential_end_contexts(text):
            if (
                self.text_contains_sentbreak(context)
                or letter_ends_sentence(text, match.start(), context)
                or suffix_ends_sentence(text, match.start(), context)
            ):
                yield slice(last_break, match.end())
                last_break = match.start("next_tok") if match["next_tok"] else match.end()
        yield slice(last_break, len(text.rstrip()))

    def end_context(self, text: str) -> str:
        """What decides the possible end in a context: its word and the first token after.

        NLTK asks whether any token of the context but the last is a break, so a next word
        that ends a sentence itself before a closing quote (``P. MORRIS."``) had its own break
        taken for one after the initial or abbreviation that Punkt had kept whole
        (``"QUINCEY P. | MORRIS."``, ``"I saw St. | Paul."``).
        """
        word = WORD_AND_SPACE_RE.match(text)
        if word is None:
            return text  # the end is followed by punctuation, Punkt's last token
        first = self._lang_vars.word_tokenize(text[word.end() :])[0]
        return text[: word.end() + len(first)]

    def common_starter(self, word: str) -> bool:
        """Whether Punkt's data know ``word`` as a common sentence starter: a frequent one
        (``He``, ``I``), or one seen in lower case and never capitalised inside a sentence
        (``The``, ``Then``; not ``Rabbit``, seen as ``the White Rabbit`` too)."""
        token = self._Token(self._lang_vars.word_tokenize(word)[0].rstrip("."))
        return token.type in self._params.sent_starters or self._ortho_heuristic(token) is True


class Splitter:
    """Punkt plus sonicpipe's rules; finds where sentences start in a text."""

    def __init__(self, params: PunktParameters) -> None:
        self.punkt = FastPunkt(params, lang_vars=LanguageVars())

    def cuts(self, text: str, after: int = 0) -> list[int]:
        """Offsets where a sentence starts in ``text`` after offset ``after``, ascending.

        The text before ``after`` is context: the end of a sentence emitted in part (a stream
        keeps the last word of a piece cut from an over-long sentence).
        """
        return [cut for cut, _ in self.starts(text, after)]

    def starts(self, text: str, after: int = 0) -> list[tuple[int, str]]:
        """Like :meth:`cuts`, with the kind of each start (``HARD``, ``LIST`` or ``PUNKT``)."""
        masked = mask(text)
        has_marks = MARK_RE.search(text) is not None
        kept: list[tuple[int, str]] = []
        last = 0
        depth = _BracketDepth(masked)
        for cut, kind in self._candidates(masked):
            if cut <= after:
                continue
            if kind == HARD:
                depth.reset(cut)
            elif depth.at(cut) or (
                kind == PUNKT and not _ends_sentence(masked, last, cut, self.punkt)
            ):
                continue
            kept.append((_move_before_marks(text, masked, cut) if has_marks else cut, kind))
            last = cut
        return kept

    def settled(self, masked: str, cut: int, kind: str) -> bool:
        """Whether no text appended to ``masked`` can undo the sentence start at ``cut``.

        Paragraph and list starts are final once seen. Punkt decides from the token before
        the end and the token after it, so a Punkt start is final once the next word is whole
        (a bracketed aside once what follows it shows whether the sentence goes on),
        or already at its first letter when that is a capital and the end is a plain word
        with ``.``, ``!`` or ``?`` (no abbreviation, initial or number: Punkt always cuts
        there, whatever the next word is).
        """
        if kind != PUNKT:
            return True
        if ASIDE_START_RE.match(masked, cut):  # "(Octavo), and" goes on: wait for its end
            return ASIDE_DECIDED_RE.match(masked, cut) is not None
        if NEXT_TOKEN_RE.match(masked, cut):
            return True
        first = FIRST_CHAR_RE.match(masked, cut)
        if first is None or not first[1].isupper():
            return False
        end = PLAIN_END_RE.search(masked, max(0, cut - 64), cut)
        params = self.punkt._params
        return (
            end is not None
            and not params.collocations
            and (end[1].lower() not in params.abbrev_types)
            and f"{end[1]}." not in NUMBER_LABELS  # "No. I" may be "No. I." still
        )

    def _candidates(self, masked: str) -> list[tuple[int, str]]:
        """(offset, kind) of each possible sentence start, ascending."""
        found: list[tuple[int, str]] = []
        lines = "\n" in masked
        blocks = [0, *(m.end() for m in PARAGRAPH_BREAK_RE.finditer(masked))] if lines else [0]
        for number, start in enumerate(blocks):
            end = blocks[number + 1] if number + 1 < len(blocks) else len(masked)
            if start:
                found.append((start, HARD))
            block = masked[start:end]
            items = [m.start() for m in LIST_ITEM_RE.finditer(block) if m.start()] if lines else []
            for item_number, item in enumerate([0, *items]):
                if item:
                    found.append((start + item, LIST))
                item_end = items[item_number] if item_number < len(items) else len(block)
                offset = start + item
                piece = block[item:item_end]
                spans = list(self.punkt.span_tokenize(piece))[1:]
                # Punkt cuts a run of marks at the end of a text before its last one
                # ("Yes!!" -> "Yes!" "!"): a cut inside a run of marks is none.
                found.extend(
                    (offset + s, PUNKT)
                    for s, _ in spans
                    if not (piece[s] in END_MARKS and piece[s - 1] in END_MARKS)
                )
        return found

    def split(self, text: str, first_min_words: int = 0, after: int = 0) -> list[str]:
        """Split ``text`` into stripped sentences; merge leading ones below ``first_min_words``.

        Sentences longer than :data:`MAX_SEGMENT_CHARS` come in pieces; ``after`` is as for
        :meth:`cuts`.
        """
        cuts = self.cuts(text, after)
        if first_min_words:
            cuts = merge_first(text, cuts, first_min_words)
        bounds = [after, *cuts, len(text)]
        return [piece for a, b in pairwise(bounds) for piece in pieces(text[a:b])]


class _BracketDepth:
    """Answers "is this offset inside author markup?" for ascending offsets.

    Inside means within ``[...]``, within a tag or ``<<phonemes>>``, between a paired tag and
    its closing tag (``<spell>A. B.</spell>``), or after an opening that is never closed.
    """

    def __init__(self, text: str) -> None:
        self._tokens = MARKUP_RE.finditer(text)
        self._next = next(self._tokens, None)
        self._depth = 0
        self._end = 0  # end of the last markup token passed

    def at(self, offset: int) -> bool:
        """Whether ``offset`` is inside markup (offsets must not decrease)."""
        while self._next is not None and self._next.start() < offset:
            token = self._next
            if token["open"] or (token["tag"] and not token["end"] and not token["self"]):
                self._depth += 1
            elif token["close"] or token["end"]:
                self._depth = max(0, self._depth - 1)
            self._end = token.end()
            self._next = next(self._tokens, None)
        return self._depth > 0 or self._end > offset

    def reset(self, offset: int) -> None:
        """A paragraph starts at ``offset``: markup left open before it is forgotten."""
        self.at(offset)
        self._depth = 0


def mask(text: str) -> str:
    """``text`` as Punkt sees it: marks become spaces and ``…`` a period (same length)."""
    return MARK_RE.sub(" ", text).replace(ELLIPSIS_CHAR, ".")


def _ends_sentence(masked: str, start: int, cut: int, punkt: FastPunkt) -> bool:
    """Whether a Punkt cut stands: the piece before it has a word and is more than a list
    marker, a title, a name's initials or a label before a numeral (``No. IV``) and the piece
    after it does not start in lower case (``"Stop!" he cried.``) nor with ``;``, ``:`` or
    ``,``."""
    before = masked[start:cut].strip()
    if LIST_MARKER_RE.fullmatch(before) or not any(char.isalnum() for char in before):
        return False  # "1." or "..." alone: "... Three nights has it happened."
    *head, last_word = before.rsplit(None, 1) or [""]
    previous = head[0].rsplit(None, 1)[-1] if head else ""  # the word before the last
    if LIST_MARKER_RE.fullmatch(last_word) and head and head[0].endswith(":"):
        return False  # "Do this: 1. Buy milk."
    if last_word.endswith(".") and last_word[:-1].lower() in TITLES:
        return False
    if not head and last_word in SLUGLINE_STARTS and NEXT_CAPITAL_RE.match(masked, cut):
        return False  # "INT. KITCHEN - NIGHT"
    if INITIAL_RE.fullmatch(last_word) and INITIAL_NEXT_RE.match(masked, cut):
        return False  # "S. P. C. A.", "P. S."
    if _name_initial(previous, last_word, masked, cut, punkt):
        return False  # "the name 'W. RABBIT'"
    initials = NAME_INITIALS_RE.fullmatch(last_word)
    if (
        initials
        and initials[1][:-1].lower() not in punkt._params.abbrev_types
        and previous.lower() not in ARTICLES
    ):
        return False  # "J.K. Rowling"; Punkt decides "U.S." and "the F.B.I."
    if _before_name(initials[1] if initials else last_word, previous, masked, cut):
        return False  # "the U.S. District Court", "King Jr. Day"; but "to the U.S. The next"
    if CONTINUATION_RE.match(masked, cut):
        return False  # "George III.; Vol. II."
    if last_word in NUMBER_LABELS and NUMERAL_RE.match(masked, cut):
        return False  # "No. I. is the first."
    if INLINE_ITEM_RE.match(masked, cut):
        return True  # "... first point. b) second point."
    match = LOWER_START_RE.match(masked, cut)
    return match is None or not match.group()[-1].islower()


def _name_initial(previous: str, initial: str, masked: str, cut: int, punkt: FastPunkt) -> bool:
    """Whether ``initial``, the word before ``cut``, is a name's single initial.

    That is a capital other than ``I`` after an opening quote or a capitalised word
    (``previous``) that is no label (see :data:`LABELS`), before a capitalised word that
    Punkt's data do not know as a common sentence starter: ``the name 'W. RABBIT'``,
    ``QUINCEY P. MORRIS``, but not ``for D. He``, ``Appendix A. The`` nor ``Plan B. Alice``;
    after a given name (the normalizer's ``REGNAL_NAMES``) before any capitalised word that is
    no sentence starter (``William H. Gates``, though Punkt has seen ``gates``);
    or a degree's initial after an abbreviation and a comma, before a short capitalised
    abbreviation (``M. D., D. Ph., D. Lit., etc.``). (Punkt keeps ``J. Bach`` whole only if
    ``Bach`` is never seen in lower case, which a name like ``Rabbit`` is.)
    """
    name = NAME_INITIAL_RE.fullmatch(initial)
    if (
        name is None
        or not (name[1] or _capitalised(previous))
        or previous.lstrip("\"'“‘(").lower() in LABELS
    ):
        return False
    after = NEXT_WORD_RE.match(masked, cut)
    if after is None or not after[1][0].isupper():
        return False
    if previous.endswith(".,") and DEGREE_PART_RE.fullmatch(after[1]):
        return True  # "D. Ph., D. Lit."
    if previous.lstrip("\"'“‘(").lower() in REGNAL_NAMES:
        return _bare(after[1]) not in SENTENCE_STARTERS  # "William H. Gates", not "John F. He"
    return not punkt.common_starter(after[1])


def _before_name(word: str, previous: str, masked: str, cut: int) -> bool:
    """Whether ``word``, the last before ``cut``, goes with the capitalised word after it: a
    country's or union's initials (see :data:`ADJECTIVE_INITIALS`) before a word that is no
    common sentence starter (``U.S. District Court``, but ``in the U.S. The next year``), or a
    name's suffix after a capitalised word (``previous``; see ``NAME_SUFFIXES``) before a word
    naming what is named after the person (see ``NAME_CONTINUATIONS``: ``King Jr. Day``, but
    ``Robert Downey Jr. Marvel hired him``), as the normalizer reads them."""
    after = NEXT_WORD_RE.match(masked, cut)
    if after is None or not after[1][0].isupper():
        return False
    next_word = _bare(after[1])
    if word in ADJECTIVE_INITIALS:
        return next_word not in SENTENCE_STARTERS
    return word in NAME_SUFFIXES and _capitalised(previous) and next_word in NAME_CONTINUATIONS


def letter_ends_sentence(text: str, period: int, context: str) -> bool:
    """Whether the period at ``period`` in ``text`` after a single capital, which Punkt keeps
    (as an initial's, when the next word is never seen in lower case), ends a sentence all the
    same: before the pronoun ``I`` (``I got a B. I left.``, ``you and I. I shall``; ``J. I.
    Rodale`` has ``I.``), or after a label word before a capitalised word (``Plan B. Alice``,
    see :data:`LABELS`). ``context`` is Punkt's: the capital, the period and the next token.
    """
    letter = LETTER_END_RE.fullmatch(context)
    if letter is None:
        return False
    if PRONOUN_I_RE.fullmatch(letter[1]):
        return True
    label = WORD_BEFORE_RE.search(text, max(0, period - 20), period - 1)
    return letter[1][0].isupper() and label is not None and label[1].lower() in LABELS


def suffix_ends_sentence(text: str, period: int, context: str) -> bool:
    """Whether the period at ``period`` in ``text`` after a name's suffix (see
    ``NAME_SUFFIXES``), which Punkt keeps as an abbreviation's, ends a sentence all the same:
    after a capitalised word, before a capitalised word that names nothing after the person
    (see ``NAME_CONTINUATIONS``): ``Robert Downey Jr. Marvel hired him``, but ``Martin Luther
    King Jr. Day``. ``context`` is Punkt's: the suffix, its period and the next token.
    """
    suffix = SUFFIX_END_RE.fullmatch(context)
    if suffix is None or suffix[1] not in NAME_SUFFIXES or not _capitalised(suffix[2]):
        return False
    previous = WORD_BEFORE_RE.search(text, max(0, period - 24), period - 2)
    return (
        previous is not None
        and previous[1][0].isupper()
        and _bare(suffix[2]) not in NAME_CONTINUATIONS
    )


def _bare(word: str) -> str:
    """``word`` without the quotes, brackets and punctuation around it (``Day.``, ``"The``)."""
    return word.strip("\"'“”‘’(),;:.!?")


def _capitalised(word: str) -> bool:
    """Whether the first letter of ``word`` is a capital (``"QUINCEY``, ``D.,``)."""
    return next((char for char in word if char.isalpha()), "").isupper()


def _move_before_marks(text: str, masked: str, cut: int) -> int:
    """Move ``cut`` back to the first mark in the whitespace just before it, if any."""
    start = cut
    while start > 0 and masked[start - 1].isspace():
        start -= 1
    mark = MARK_RE.search(text, start, cut)
    return mark.start() if mark else cut


def length_cuts(sentence: str, limit: int = MAX_SEGMENT_CHARS) -> list[int]:
    """Offsets that cut ``sentence`` into pieces of at most ``limit`` characters.

    Each piece ends at its best break (``;`` or ``:``, then a comma, then a dash) in the second
    half of its room, else at its last space, never inside markup; a piece with no such place
    is cut at the limit. A mark placeholder at a cut goes with the next piece. Each cut depends
    only on the text up to ``limit`` characters after the previous one, so a stream can cut a
    sentence it has not seen the end of.
    """
    end = len(sentence.rstrip())
    pos = len(sentence) - len(sentence.lstrip())
    if end - pos <= limit:
        return []
    masked = mask(sentence)
    depth = _BracketDepth(masked)
    breaks = [
        (m.end(), BREAK_RANK[m.lastgroup])
        for m in BREAK_RE.finditer(masked, pos, end)
        if not depth.at(m.end())
    ]
    offsets = [offset for offset, _ in breaks]
    cuts: list[int] = []
    while end - pos > limit:
        room = breaks[bisect_right(offsets, pos) : bisect_right(offsets, pos + limit)]
        good = [b for b in room if b[1] < BREAK_RANK[None] and b[0] >= pos + limit // 2]
        if good:
            cut = min(good, key=lambda b: (b[1], -b[0]))[0]
        else:
            cut = room[-1][0] if room else pos + limit
        moved = _move_before_marks(sentence, masked, cut)
        pos = moved if moved > pos else cut
        cuts.append(pos)
    return cuts


def pieces(sentence: str) -> list[str]:
    """``sentence`` stripped, in pieces of at most :data:`MAX_SEGMENT_CHARS` characters."""
    bounds = [0, *length_cuts(sentence), len(sentence)]
    return [piece for a, b in pairwise(bounds) if (piece := sentence[a:b].strip())]


def merge_first(text: str, cuts: list[int], min_words: int) -> list[int]:
    """Drop leading cuts until the first chunk of ``text`` has ``min_words`` words."""
    for index, cut in enumerate(cuts):
        if count_words(text[:cut]) >= min_words:
            return cuts[index:]
    return []


def count_words(text: str) -> int:
    """The number of spoken words in ``text`` (``it's`` is one; markup is none)."""
    return len(WORD_RE.findall(NOT_SPOKEN_RE.sub(" ", text)))


def split_sentences(text: str, first_min_words: int = 0) -> list[str]:
    """Split ``text`` into sentences with the shipped parameters (see the module docstring)."""
    return splitter().split(text, first_min_words)


# -- streaming ---------------------------------------------------------------------------------


class PunktStream:
    """Streaming splitter: emits a sentence as soon as its end is certain.

    That is when the first letter of the next sentence arrives, if it is a capital after a
    plain ``word.`` (or ``!``, ``?``), and otherwise once the next word is whole (see
    :meth:`Splitter.settled`). Only the unfinished text is kept and re-examined, and only when
    a fragment starts or ends a word after a possible sentence end, so the cost of a fragment
    is bounded by the current sentence. A sentence longer than :data:`MAX_SEGMENT_CHARS`
    comes out piece by piece, each as soon as the text after it decides it (see
    :func:`length_cuts`); then only the rest and the last word emitted are kept. The first
    chunk is held until it has ``first_min_words`` words. What it emits equals
    ``split_sentences(text, first_min_words)``.
    """

    def __init__(self, splitter: Splitter, first_min_words: int = FIRST_MIN_WORDS) -> None:
        self._splitter = splitter
        self._min_words = first_min_words
        self._text = ""  # not yet emitted, after the context
        self._context = 0  # the last word emitted of a sentence cut in pieces, else nothing
        self._checked = 0  # possible ends before this offset have been decided
        self._started = False

    def feed(self, fragment: str) -> list[str]:
        """Add a fragment; return the sentences it completed (maybe none)."""
        if not isinstance(fragment, str):
            raise TypeError(f"feed() takes text, not {type(fragment).__name__}")
        new_word = self._text[-1:].isspace()
        self._text += fragment
        if not (new_word or _has_space(fragment)):
            return []  # nothing is certain in the middle of a word
        decided = _decided_before(self._text)
        if (
            CANDIDATE_RE.search(self._text, self._checked)
            or decided - self._context > MAX_SEGMENT_CHARS
        ):
            return self._emit()
        self._checked = decided
        return []

    def flush(self) -> list[str]:
        """Return the rest as sentences: at the end of input, or to send what is held now
        (before a pause). Text fed after it starts a new sentence; once a chunk went out,
        the first chunk's minimum no longer applies."""
        text, after = self._text, self._context
        self._text, self._context, self._checked = "", 0, 0
        sentences = self._splitter.split(text, 0 if self._started else self._min_words, after)
        self._started = self._started or bool(sentences)
        return sentences

    def _emit(self) -> list[str]:
        text, after = self._text, self._context
        masked = mask(text)
        found = self._splitter.starts(text, after)
        settled = len(list(takewhile(lambda start: self._splitter.settled(masked, *start),
                                     found)))  # fmt: skip
        cuts = [cut for cut, _ in found]
        if not self._started:
            merged = merge_first(text, cuts, self._min_words)
            settled -= len(cuts) - len(merged)
            cuts = merged
        done = cuts[: max(settled, 0)]
        start = done[-1] if done else after  # of the unfinished sentence
        long = [start + cut for cut in length_cuts(text[start : _decided_before(text)])]
        sentences = [
            piece for a, b in pairwise([after, *done, *long]) for piece in pieces(text[a:b])
        ]
        cut = long[-1] if long else start
        keep = _word_start(masked, cut) if long else (cut if done else 0)
        self._text, self._context = text[keep:], cut - keep
        self._checked = _decided_before(self._text)
        self._started = self._started or bool(sentences)
        return sentences


def _has_space(fragment: str) -> bool:
    return any(char.isspace() for char in fragment)


def _word_start(text: str, end: int, words: int = 1) -> int:
    """Where the ``words``-th word before ``end`` starts."""
    i = end
    for _ in range(words):
        while i and text[i - 1].isspace():
            i -= 1
        while i and not text[i - 1].isspace():
            i -= 1
    return i


def _decided_before(text: str) -> int:
    """Possible sentence ends before this offset are decided: the words after them are whole.

    That is everything before the last two words and the space in front of them.
    """
    i = _word_start(text, len(text), 2)
    while i and text[i - 1].isspace():
        i -= 1
    return i


# -- hooks -------------------------------------------------------------------------------------


def _first_min_words(settings: Settings) -> int:
    value = settings.plugin_options("segment").get("first_min_words", FIRST_MIN_WORDS)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 50:
        raise ConfigError(
            f"options.segment.first_min_words: expected a whole number from 0 to 50, got {value!r}"
        )
    return value


@hookimpl(trylast=True)
def sonicpipe_split_sentences(text: str) -> list[str]:
    """Split one paragraph with Punkt; any other splitter registered goes first.

    The parameters are English; other languages get them too, which suits Latin-script
    punctuation (there is no splitting on ``。``).
    """
    return split_sentences(text)


@hookimpl(trylast=True)
def sonicpipe_sentence_stream(settings: Settings) -> PunktStream:
    """A new :class:`PunktStream` over the shared Punkt parameters."""
    return PunktStream(splitter(), _first_min_words(settings))


# -- command line ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``train OUT`` retrains the shipped parameters; ``split FILE`` prints one sentence a line."""
    parser = argparse.ArgumentParser(prog="python -m sonicpipe.builtin.segment")
    commands = parser.add_subparsers(dest="command", required=True)
    splitting = commands.add_parser("split", help="print the sentences of a text, one a line")
    splitting.add_argument("file", type=argparse.FileType("r", encoding="utf-8"),
                           help="UTF-8 text ('-' for standard input)")  # fmt: skip
    trainer = commands.add_parser("train", help="train Punkt parameters into a JSON file")
    trainer.add_argument("out", type=Path, help="where to write the parameters (JSON)")
    trainer.add_argument(
        "--texts", type=Path, default=TRAINING_DIR, help="folder of UTF-8 *.txt training texts"
    )
    trainer.add_argument(
        "--abbreviations",
        type=Path,
        help=f"abbreviation list (default: shipped {dictionaries.ABBREVIATIONS})",
    )
    args = parser.parse_args(argv)
    if args.command == "split":
        with args.file:
            text = args.file.read()
        for paragraph in PARAGRAPH_BREAK_RE.split(text):
            for sentence in split_sentences(paragraph):
                print(" ".join(sentence.split()))
        return 0
    paths = sorted(args.texts.glob("*.txt"))
    if not paths:
        parser.error(f"--texts {args.texts}: no *.txt training texts there")
    data = train_files(paths, args.abbreviations or dictionaries.shipped_abbreviations())
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"trained on {len(paths)} texts -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
