"""Phoneme sets of the Sonic model families, IPA conversion between them, and checking.

Sonic reads custom pronunciations written as ``<<p|h|o|n|e|s>>``: one item per phoneme, stress
marks (ˈ primary, ˌ secondary) as their own items before the stressed vowel.

* sonic-3 family (sonic-3, sonic-3.5, dated snapshots): the *charsiu* English set published on
  Cartesia's "IPA Phonemes" page (docs.cartesia.ai, build-with-cartesia/capability-guides/
  phonemes). Uncertain: the copies of that table we could read list no voiced velar stop, yet
  English cannot be written without one; CharsiuG2P's English data writes it ``ɡ`` (U+0261),
  so ``ɡ`` is accepted here (ASCII ``g`` is read as ``ɡ``). Re-check the page when it changes.
* sonic-2 family (sonic-2, sonic-turbo): Montreal Forced Aligner IPA. The set below is the
  union of the phones of MFA's ``english_mfa`` and ``english_us_mfa`` dictionaries (v3.1.0,
  mfa-models ``meta.json``). MFA dictionaries carry no stress, so stress marks are not
  accepted for this family; conversions drop them.

The tables are English; IPA for other languages is not checked by this module.
"""

from __future__ import annotations

import argparse
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from sonicpipe.controls import Family, family_of

STRESS = frozenset({"ˈ", "ˌ"})


@dataclass(frozen=True)
class PhonemeSet:
    """The phonemes one model family accepts inside ``<<...>>``."""

    name: str
    phones: frozenset[str]
    stress: frozenset[str]

    @cached_property
    def valid(self) -> frozenset[str]:
        """Every item allowed in a pronunciation: phones and stress marks."""
        return self.phones | self.stress

    def describe(self) -> str:
        """The valid items, sorted, for error messages."""
        return " ".join(sorted(self.valid))


def _phones(spelled: str) -> frozenset[str]:
    return frozenset(spelled.split())


CHARSIU = PhonemeSet(
    "charsiu (sonic-3 family)",
    _phones(
        "aɪ aʊ b d dʒ eɪ f ɡ h i j k l m n ŋ oʊ p ɹ s ʃ t tʃ θ ð u v w z ʒ æ ɑ ɔ ə ɛ ɪ ʊ ʌ ɔɪ ɚ"
    ),
    STRESS,
)
MFA = PhonemeSet(
    "MFA english (sonic-2 family)",
    _phones(
        "a aj aw aː b bʲ c cʰ cʷ d dʒ dʲ d̪ e ej eː f fʲ h i iː j k kp kʰ kʷ l m mʲ m̩ n n̩ "
        "o ow oː p pʰ pʲ pʷ s t tʃ tʰ tʲ tʷ t̪ u uː v vʲ w z æ ç ð ŋ ɐ ɑ ɑː ɒ ɒː ɔ ɔj ɖ "
        "ə əw ɚ ɛ ɛː ɜ ɜː ɝ ɟ ɟʷ ɡ ɡʷ ɪ ɫ ɫ̩ ɱ ɲ ɹ ɾ ɾʲ ɾ̃ ʃ ʈ ʈʲ ʈʷ ʉ ʉː ʊ ʋ ʎ ʒ ʔ θ"
    ),
    frozenset(),
)

# Spellings people type for a phoneme, read as the phoneme itself.
ALIASES = {"g": "ɡ", "ʤ": "dʒ", "ʧ": "tʃ", "d͡ʒ": "dʒ", "t͡ʃ": "tʃ"}

CHARSIU_TO_MFA = {"aɪ": ("aj",), "aʊ": ("aw",), "eɪ": ("ej",), "oʊ": ("ow",), "ɔɪ": ("ɔj",),
                  "ʌ": ("ɐ",)}  # fmt: skip
# MFA phones that are not charsiu phones; secondary articulations (ʰ ʲ ʷ ̪) are dropped first.
MFA_TO_CHARSIU = {
    "aj": ("aɪ",), "aw": ("aʊ",), "ej": ("eɪ",), "ow": ("oʊ",), "ɔj": ("ɔɪ",), "ɐ": ("ʌ",),
    "ɝ": ("ɚ",), "iː": ("i",), "uː": ("u",), "ʉ": ("u",), "ʉː": ("u",), "ɑː": ("ɑ",),
    "ɒ": ("ɑ",), "ɒː": ("ɑ",), "ɫ": ("l",), "ɫ̩": ("ə", "l"), "n̩": ("ə", "n"), "m̩": ("ə", "m"),
    "ɾ": ("t",), "ɾ̃": ("n",), "ʔ": ("t",), "ç": ("h",), "c": ("k",), "ɟ": ("ɡ",),
    "ɲ": ("n", "j"), "ɱ": ("m",), "ʎ": ("l", "j"), "a": ("æ",), "aː": ("ɑ",), "e": ("ɛ",),
    "eː": ("ɛ",), "o": ("oʊ",), "oː": ("ɔ",), "əw": ("oʊ",), "ɛː": ("ɛ",), "ɜ": ("ɚ",),
    "ɜː": ("ɚ",), "ʋ": ("v",), "ɖ": ("d",), "ʈ": ("t",), "kp": ("k",),
}  # fmt: skip
SECONDARY = re.compile("[ʰʲʷ\u032a]")

# espeak-ng (en-us) symbols: (charsiu phonemes, MFA phonemes). Tokenized longest first.
ESPEAK = {
    "iː": ("i", "i"), "i": ("i", "i"), "ɪ": ("ɪ", "ɪ"), "ᵻ": ("ɪ", "ɪ"), "eɪ": ("eɪ", "ej"),
    "e": ("ɛ", "ɛ"), "ɛ": ("ɛ", "ɛ"), "æ": ("æ", "æ"), "aɪ": ("aɪ", "aj"), "aʊ": ("aʊ", "aw"),
    "a": ("æ", "æ"), "ɐ": ("ə", "ɐ"), "ə": ("ə", "ə"), "ɚ": ("ɚ", "ɚ"), "ɜː": ("ɚ", "ɝ"),
    "ɜ": ("ɚ", "ɝ"), "ɝ": ("ɚ", "ɝ"), "ʌ": ("ʌ", "ɐ"), "ɑː": ("ɑ", "ɑ"), "ɑ": ("ɑ", "ɑ"),
    "ɒ": ("ɑ", "ɒ"), "ɔː": ("ɔ", "ɔ"), "ɔ": ("ɔ", "ɔ"), "ɔɪ": ("ɔɪ", "ɔj"), "oʊ": ("oʊ", "ow"),
    "əʊ": ("oʊ", "əw"), "o": ("oʊ", "ow"), "oː": ("ɔ", "oː"), "ʊ": ("ʊ", "ʊ"), "uː": ("u", "u"),
    "u": ("u", "u"), "p": ("p", "p"), "b": ("b", "b"), "t": ("t", "t"), "d": ("d", "d"),
    "k": ("k", "k"), "ɡ": ("ɡ", "ɡ"), "g": ("ɡ", "ɡ"), "f": ("f", "f"), "v": ("v", "v"),
    "θ": ("θ", "θ"), "ð": ("ð", "ð"), "s": ("s", "s"), "z": ("z", "z"), "ʃ": ("ʃ", "ʃ"),
    "ʒ": ("ʒ", "ʒ"), "h": ("h", "h"), "m": ("m", "m"), "n": ("n", "n"), "ŋ": ("ŋ", "ŋ"),
    "l": ("l", "l"), "ɫ": ("l", "ɫ"), "ɹ": ("ɹ", "ɹ"), "r": ("ɹ", "ɹ"), "w": ("w", "w"),
    "ʍ": ("w", "w"), "j": ("j", "j"), "tʃ": ("tʃ", "tʃ"), "dʒ": ("dʒ", "dʒ"), "ɾ": ("t", "ɾ"),
    "ʔ": ("t", "ʔ"), "x": ("k", "k"), "ç": ("h", "ç"), "ɬ": ("l", "l"), "n̩": ("ə n", "n̩"),
    "l̩": ("ə l", "ɫ̩"), "m̩": ("ə m", "m̩"), "ˈ": ("ˈ", ""), "ˌ": ("ˌ", ""),
}  # fmt: skip
# Marks espeak may emit that carry nothing Sonic can use: length, linking, nasalization.
ESPEAK_IGNORED = re.compile("[ːˑ‿\u0303ʲ-]")
_ESPEAK_TOKEN = re.compile("|".join(map(re.escape, sorted(ESPEAK, key=len, reverse=True))))
IPA_GROUP = re.compile(r"<<([^<>]*)>>")


class PhonemeError(ValueError):
    """A phoneme outside the target set; the message names it and lists the valid ones."""

    def __init__(self, message: str, phoneme: str | None = None) -> None:
        super().__init__(message)
        self.phoneme = phoneme


def phoneme_set(model_id: str) -> PhonemeSet:
    """The phoneme set that ``model_id`` reads (raises ControlError for unknown models)."""
    return CHARSIU if family_of(model_id) is Family.SONIC3 else MFA


# Keyboard stand-ins for a phoneme or stress mark: named in the error, not read as it (an
# "r" may be meant as a trill; a "'" may be a typo).
TYPED = {"r": "ɹ", "'": "ˈ", ",": "ˌ"}
NOT_ITEMS = frozenset("ːˑ.")  # length marks and syllable dots (as dictionaries print IPA)


def _hint(item: str, pset: PhonemeSet) -> str:
    if TYPED.get(item) in pset.valid:
        return f"; for {item!r} write {TYPED[item]!r}"
    if item in NOT_ITEMS or (item[-1:] in NOT_ITEMS and item[:-1] in pset.phones):
        return "; length marks and syllable dots are no phonemes: leave them out"
    if item[:1] in STRESS and len(item) > 1:
        return f"; stress marks are items of their own: {item[0]}|{item[1:]}"
    other = MFA if pset is CHARSIU else CHARSIU
    if item in other.phones:
        return f"; {item!r} belongs to the {other.name} set"
    if item in STRESS:
        return "; MFA pronunciations carry no stress marks"
    return ""


def check_set(phonemes: Iterable[str], pset: PhonemeSet) -> tuple[str, ...]:
    """Return ``phonemes`` normalized (NFC, common aliases) if all are in ``pset``, else raise."""
    out: list[str] = []
    for item in phonemes:
        item = unicodedata.normalize("NFC", item.strip())
        item = ALIASES.get(item, item)
        if item not in pset.valid:
            raise PhonemeError(
                f"phoneme {item!r} is not in the {pset.name} set{_hint(item, pset)}; "
                f"valid: {pset.describe()}",
                item,
            )
        out.append(item)
    if not any(p in pset.phones for p in out):
        raise PhonemeError("a pronunciation needs at least one phoneme besides stress marks")
    for item, following in zip(out, [*out[1:], ""], strict=True):
        if item in STRESS and following not in pset.phones:
            raise PhonemeError(
                f"stress mark {item!r} must stand before the phonemes it stresses", item
            )
    return tuple(out)


def check(phonemes: Iterable[str], model_id: str) -> tuple[str, ...]:
    """Return ``phonemes`` normalized if ``model_id`` accepts every one; raise PhonemeError."""
    return check_set(phonemes, phoneme_set(model_id))


def parse(text: str) -> list[tuple[str, ...]]:
    """Split ``"<<a|b>> <<c|d>>"`` into phoneme groups (one per word); unchecked.

    Raises PhonemeError if ``text`` is not whitespace-separated ``<<...>>`` groups.
    """
    pieces = IPA_GROUP.split(text.strip())  # text, group, text, group, ..., text
    groups = [tuple(p for p in body.split("|") if p) for body in pieces[1::2]]
    if not groups or any(between.strip() for between in pieces[::2]) or not all(groups):
        raise PhonemeError(
            f"{text!r} is not IPA in Sonic's syntax: write <<p|h|o|n|e|s>>, one <<...>> per word"
        )
    for body in pieces[1::2]:
        if any(ch.isspace() for ch in body):
            raise PhonemeError(f"<<{body}>>: no spaces inside <<...>>; separate phonemes with |")
    return groups


def render(groups: Iterable[Sequence[str]]) -> str:
    """The ``<<a|b>> <<c>>`` text of phoneme groups."""
    return " ".join("<<" + "|".join(group) + ">>" for group in groups)


def convert(phonemes: Iterable[str], source: PhonemeSet, target: PhonemeSet) -> tuple[str, ...]:
    """Convert checked phonemes of ``source`` into ``target`` (stress dropped for MFA)."""
    if source is target:
        return tuple(phonemes)
    out: list[str] = []
    for item in phonemes:
        if item in STRESS:
            if target.stress:
                out.append(item)
        elif target is MFA:
            out.extend(CHARSIU_TO_MFA.get(item, (item,)))
        else:
            base = item if item in MFA_TO_CHARSIU else SECONDARY.sub("", item)
            out.extend(MFA_TO_CHARSIU.get(base, (base,)))
    return check_set(out, target)


def from_espeak(ipa: str, target: PhonemeSet) -> tuple[str, ...]:
    """Convert one word of espeak-ng IPA (as phonemizer prints it) into ``target`` phonemes."""
    text = ESPEAK_IGNORED.sub("", unicodedata.normalize("NFD", ipa))
    text = unicodedata.normalize("NFC", text)
    column = 0 if target is CHARSIU else 1
    out: list[str] = []
    pos = 0
    while pos < len(text):
        match = _ESPEAK_TOKEN.match(text, pos)
        if match is None:
            raise PhonemeError(f"espeak symbol {text[pos]!r} in {ipa!r} has no {target.name} "
                               "equivalent", text[pos])  # fmt: skip
        out.extend(ESPEAK[match.group()][column].split())
        pos = match.end()
    return check_set(out, target)


_ESPEAK_LOCK = threading.Lock()
# espeak says "letter" and a code point ("ễ": "letter 1EC5") for a character it cannot read.
_LETTER_NAME = re.compile("l[ˈˌ]?ɛɾɚ")


@cache
def _backend(language: str) -> object:
    import espeakng_loader
    from phonemizer.backend import EspeakBackend
    from phonemizer.backend.espeak.wrapper import EspeakWrapper

    EspeakWrapper.set_library(espeakng_loader.get_library_path())
    EspeakWrapper.set_data_path(espeakng_loader.get_data_path())
    quiet = logging.getLogger("sonicpipe.phonemizer")
    quiet.setLevel(logging.ERROR)
    # remove-flags: a foreign word is read in its own language without "(fr)" markers.
    return EspeakBackend(language, with_stress=True, language_switch="remove-flags", logger=quiet)


def phonemize(spelling: str, model_id: str, language: str = "en-us") -> list[tuple[str, ...]]:
    """IPA for a word or sounds-like spelling, one phoneme group per spoken word, for a model.

    espeak-ng (through phonemizer, with the library from espeakng-loader) reads the spelling;
    its IPA is converted to the model's set and checked.
    """
    if not spelling.strip():
        raise PhonemeError("nothing to phonemize: the spelling is empty")
    target = phoneme_set(model_id)
    with _ESPEAK_LOCK:
        ipa = _backend(language).phonemize([spelling], strip=True)[0]  # type: ignore[attr-defined]
    words = ipa.split()
    if not words:
        raise PhonemeError(f"espeak found nothing to pronounce in {spelling!r}")
    if _LETTER_NAME.search(ipa) and "letter" not in spelling.lower():
        raise PhonemeError(
            f"espeak cannot read {spelling!r}: it names a character it does not know ('letter "
            "...', 'Chinese letter') instead of saying it; give a spelling in English letters"
        )
    return [from_espeak(word, target) for word in words]


def cmd_phonemes(args: argparse.Namespace) -> int:
    """``sonicpipe phonemes WORD``: print the ``<<...>>`` IPA of a word for a model."""
    from sonicpipe.config import Settings

    model = args.model or (Settings.load(args.config) if args.config else Settings()).model
    print(render(phonemize(args.spelling, model)))
    return 0
