"""Word timestamps: Sonic's words placed on the output's time, and shown as written.

Sonic reports each word's start and end in its own audio; the audio hooks may then move time
(the pauses stage inserts silence and says how with ``output_span``). :class:`WordClock` moves
each word onto the output's time once every stage has decided it, and shows a word that was
sent as phonemes (a pronunciation dictionary's ``<<…>>``) as written.
"""

from __future__ import annotations

import contextlib
import re
from collections import deque
from dataclasses import dataclass, replace
from functools import lru_cache

from sonicpipe import phonemes as ipa
from sonicpipe.audio.chain import AudioChain
from sonicpipe.controls import Family, PhonemeWord, family_of
from sonicpipe.sonic import protocol as p


@dataclass(frozen=True)
class WordTime:
    """A word and where it is spoken, in seconds of the audio returned (after the audio hooks).

    Sonic's timestamps are moved by the stages that change timing and say how (with an
    ``output_span(start, end)`` method, as the pauses stage does); when the audio's length
    shows that another stage changed it, the words of that stream are dropped with a warning
    rather than given wrong times.

    Words sent as phonemes (by a pronunciation dictionary) are given as written: "nginx", not
    its IPA. The words of a multi-word entry ("SQL Server") are one word, and text glued to it
    that Sonic reports apart ("." after it, a quote before it) joins it, so that it reads like
    any other word ("fine."); its times span the words joined, as Sonic gave them. Author
    ``<<…>>`` markup has no written form: it is shown as Sonic reports it, less ``<<``, ``>>``,
    ``|`` and stress marks (the phonemes joined, as the local server reports it).
    """

    word: str
    start: float
    end: float


_NOT_SPOKEN = str.maketrans("", "", "<>|" + "".join(ipa.STRESS))
_EDGES = re.compile(r"(\W*)(.*?)(\W*)", re.DOTALL)


def _split(reported: str) -> tuple[str, str, str]:
    """A reported word as punctuation before, the word (``<<``, ``|``, stress marks taken
    out), punctuation after."""
    lead, form, trail = _EDGES.fullmatch(reported.translate(_NOT_SPOKEN)).groups()  # type: ignore[union-attr]
    return lead, form, trail


@lru_cache(maxsize=4096)  # a book says its dictionary words again and again
def _reported_forms(group: tuple[str, ...], model: str) -> frozenset[str]:
    """How Sonic may report a word it was given as ``group`` (as :func:`_split` leaves it):
    the phonemes joined; on the sonic-2 family also in the sonic-3 set, as the local server
    reports them."""
    forms = {"".join(group).translate(_NOT_SPOKEN)}
    if family_of(model) is Family.SONIC2:
        with contextlib.suppress(ipa.PhonemeError):
            forms.add("".join(ipa.convert(group, ipa.MFA, ipa.CHARSIU)).translate(_NOT_SPOKEN))
    return frozenset(forms)


def _rest(after: str, trail: str) -> str:
    """What of the text glued ``after`` a word Sonic has not yet reported, past ``trail``."""
    return after[len(trail) :] if after.startswith(trail) else ""


@dataclass(frozen=True)
class _Open:
    """A phoneme word shown so far as ``head`` (+ punctuation), that may still take its next
    group (``matched`` of them so far) or the ``rest`` of the text glued after it."""

    word: PhonemeWord
    head: str
    matched: int
    rest: str


class WordClock:
    """The word timestamps of one stream, moved onto the output's time as it is decided.

    ``spoken``: the phoneme words of the stream's inputs in order (a turn adds to them as it
    sends); reported words that are one are shown as written (see :class:`WordTime`).
    """

    def __init__(
        self, chain: AudioChain, words: list[WordTime], spoken: list[PhonemeWord], model: str
    ) -> None:
        self.moves = [p.output_span for p in chain.processors if hasattr(p, "output_span")]
        self.words = words
        self.first = len(words)  # this stream's words start here
        self.pending: deque[WordTime] = deque()
        self.spoken = spoken
        self.model = model
        self.indexed = 0  # spoken[:indexed] are in self.firsts
        self.passed = 0  # spoken[:passed] were found, or passed over (reported unrecognized)
        self.firsts: dict[str, deque[int]] = {}  # a reported form of a first group: where
        self.open: _Open | None = None  # the last pending word, while it may still grow

    def add(self, message: p.Timestamps) -> None:
        """Take one timestamps message (Sonic's time) and place what can be placed."""
        for word in map(WordTime, message.words, message.start, message.end):
            if self.open is None or not self._grow(word):
                self._take(word)
        self.place()

    def _find(self, form: str) -> PhonemeWord | None:
        """The next phoneme word whose first group Sonic may report as ``form``."""
        for word in self.spoken[self.indexed :]:
            for key in _reported_forms(word.phonemes[0], self.model):
                self.firsts.setdefault(key, deque()).append(self.indexed)
            self.indexed += 1
        found = self.firsts.get(form, deque())
        while found and found[0] < self.passed:
            found.popleft()
        if not found:
            return None
        self.passed = found.popleft() + 1
        return self.spoken[self.passed - 1]

    def _take(self, word: WordTime) -> None:
        """Queue a reported word; a phoneme word as written, with the text glued before it
        if Sonic reported that apart just before it."""
        self.open = None
        lead, form, trail = _split(word.word)
        found = self._find(form) if form else None
        if found is None:
            self.pending.append(word)
            return
        start = word.start
        if not lead and found.before and self.pending and self.pending[-1].word == found.before:
            start, lead = self.pending.pop().start, found.before
        head = lead + (form if found.written is None else found.written)
        open_ = _Open(found, head, 1, _rest(found.after, trail))
        self._keep(open_, WordTime(head + trail, start, word.end))

    def _grow(self, word: WordTime) -> bool:
        """Add ``word`` to the open phoneme word if it is its next group or glued text."""
        assert self.open is not None
        open_, last = self.open, self.pending[-1]
        if open_.matched < len(open_.word.phonemes):
            lead, form, trail = _split(word.word)
            if lead or form not in _reported_forms(open_.word.phonemes[open_.matched], self.model):
                return False
            grown = replace(open_, matched=open_.matched + 1, rest=_rest(open_.word.after, trail))
            shown = open_.head + trail
        elif word.word and open_.rest.startswith(word.word):
            grown, shown = replace(open_, rest=open_.rest[len(word.word) :]), last.word + word.word
        else:
            return False
        self.pending.pop()
        self._keep(grown, WordTime(shown, last.start, word.end))
        return True

    def _keep(self, open_: _Open, word: WordTime) -> None:
        """Queue a phoneme word; hold it while more of it may come."""
        self.pending.append(word)
        self.open = open_ if open_.matched < len(open_.word.phonemes) or open_.rest else None

    def place(self, final: bool = False) -> None:
        """Append the words whose output time every stage has decided, in order; the last
        one only once it is whole, or ``final``ly (the stream ended)."""
        if final:
            self.open = None
        while len(self.pending) > (1 if self.open else 0):
            word = self.pending[0]
            span: tuple[float, float] | None = (word.start, word.end)
            for move in self.moves:
                span = move(*span) if span else None
            if span is None:
                return
            self.pending.popleft()
            self.words.append(WordTime(word.word, *span))

    def output_seconds(self, seconds: float) -> float:
        """Where the end of ``seconds`` of Sonic's audio falls in the output, once finished."""
        for move in self.moves:
            span = move(seconds, seconds)
            seconds = span[0] if span else seconds
        return seconds

    def drop(self) -> bool:
        """Take this stream's words back; whether there were any."""
        dropped = len(self.words) > self.first or bool(self.pending)
        del self.words[self.first :]
        self.pending.clear()
        self.open = None
        return dropped
