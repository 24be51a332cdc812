"""Phoneme sets, checking, conversion between sets, and espeak through phonemizer."""

import re
from pathlib import Path

import pytest

from sonicpipe import phonemes
from sonicpipe.cli import main
from sonicpipe.controls import ControlError
from sonicpipe.phonemes import CHARSIU, ESPEAK, MFA, STRESS, PhonemeError

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
# The English table of the wire-protocol notes (shared/spec/sonic-websocket.md).
KNOWN_MODELS = (
    "expected a Sonic model such as sonic-3, sonic-3.5, sonic-2 or sonic-turbo (dated snapshots "
    "like sonic-3-2026-01-12 are accepted)"
)
SPEC_TABLE = set(
    re.findall(r"\S+", "aɪ aʊ b d dʒ eɪ f h i j k l m n ŋ oʊ p ɹ s ʃ t tʃ θ ð u v w z ʒ")
    + re.findall(r"\S+", "æ ɑ ɔ ə ɛ ɪ ʊ ʌ ɔɪ ɚ")
)


def test_model_families_pick_their_sets() -> None:
    assert phonemes.phoneme_set("sonic-3") is CHARSIU
    assert phonemes.phoneme_set("sonic-3.5") is CHARSIU
    assert phonemes.phoneme_set("sonic-3-2026-01-12") is CHARSIU
    assert phonemes.phoneme_set("sonic-2") is MFA
    assert phonemes.phoneme_set("sonic-turbo") is MFA
    with pytest.raises(ControlError) as caught:
        phonemes.phoneme_set("whisper")
    assert str(caught.value) == f"unknown model 'whisper': {KNOWN_MODELS}"


def test_charsiu_set_is_the_documented_table_plus_g() -> None:
    assert CHARSIU.phones >= SPEC_TABLE
    assert CHARSIU.phones - SPEC_TABLE == {"ɡ"}
    assert CHARSIU.stress == STRESS == {"ˈ", "ˌ"}
    assert not MFA.stress


def test_check_accepts_and_normalizes() -> None:
    cartesia = ("k", "ɑ", "ɹ", "ˈ", "t", "i", "ʒ", "ə")  # Cartesia's own example
    assert phonemes.check(cartesia, "sonic-3") == cartesia
    # ASCII g and the affricate ligatures are read as the IPA phonemes.
    assert phonemes.check(["g", "ʤ", "ʧ"], "sonic-3") == ("ɡ", "dʒ", "tʃ")
    mfa = ("a", "l", "a", "p", "e", "ɲ", "o")  # MFA IPA from Cartesia's sonic-2 example
    assert phonemes.check(mfa, "sonic-2") == mfa


@pytest.mark.parametrize(
    ("items", "model", "bad", "hint"),
    [
        (("ˈə", "b"), "sonic-3", "ˈə", "stress marks are items of their own: ˈ|ə; "),
        (("aj",), "sonic-3", "aj", "'aj' belongs to the MFA english (sonic-2 family) set; "),
        (("ˈ", "aj"), "sonic-2", "ˈ", "MFA pronunciations carry no stress marks; "),
        (("aɪ",), "sonic-2", "aɪ", "'aɪ' belongs to the charsiu (sonic-3 family) set; "),
        (("k", "x"), "sonic-3", "x", ""),
        # What people type from a keyboard or copy from a dictionary's IPA.
        (("h", "ɛ", "r", "i"), "sonic-3", "r", "for 'r' write 'ɹ'; "),
        (("r", "ɛ", "d"), "sonic-2", "r", "for 'r' write 'ɹ'; "),
        (("'", "k", "æ", "t"), "sonic-3", "'", "for \"'\" write 'ˈ'; "),
        (("k", "iː", "p"), "sonic-3", "iː", "length marks and syllable dots are no phonemes: "
                                            "leave them out; "),
        (("k", "æ", ".", "t"), "sonic-3", ".", "length marks and syllable dots are no phonemes: "
                                               "leave them out; "),
    ],
)  # fmt: skip
def test_check_names_the_bad_phoneme_and_the_valid_set(
    items: tuple[str, ...], model: str, bad: str, hint: str
) -> None:
    with pytest.raises(PhonemeError) as caught:
        phonemes.check(items, model)
    assert caught.value.phoneme == bad
    expected = CHARSIU if model == "sonic-3" else MFA
    where = {"sonic-3": "charsiu (sonic-3 family)", "sonic-2": "MFA english (sonic-2 family)"}
    assert str(caught.value) == (
        f"phoneme {bad!r} is not in the {where[model]} set; {hint}valid: {expected.describe()}"
    )
    assert isinstance(caught.value, ValueError)


def test_check_needs_a_phoneme_besides_stress() -> None:
    with pytest.raises(PhonemeError) as caught:
        phonemes.check(["ˈ"], "sonic-3")
    assert str(caught.value) == "a pronunciation needs at least one phoneme besides stress marks"
    for misplaced in (["k", "æ", "t", "ˈ"], ["ˈ", "ˌ", "æ"]):
        with pytest.raises(PhonemeError) as caught:
            phonemes.check(misplaced, "sonic-3")
        assert str(caught.value) == "stress mark 'ˈ' must stand before the phonemes it stresses"


def test_parse_and_render_round_trip() -> None:
    text = "<<s|ˈ|i|k|w|ə|l>> <<s|ˈ|ɚ|v|ɚ>>"
    groups = phonemes.parse(text)
    assert groups == [("s", "ˈ", "i", "k", "w", "ə", "l"), ("s", "ˈ", "ɚ", "v", "ɚ")]
    assert phonemes.render(groups) == text
    assert phonemes.parse("<<h|i|>>") == [("h", "i")]  # a trailing bar is harmless


NOT_IPA = "is not IPA in Sonic's syntax: write <<p|h|o|n|e|s>>, one <<...>> per word"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<<a|b", f"'<<a|b' {NOT_IPA}"),
        ("say <<a>>", f"'say <<a>>' {NOT_IPA}"),
        ("<<>>", f"'<<>>' {NOT_IPA}"),
        ("chop-uh-TOO-liss", f"'chop-uh-TOO-liss' {NOT_IPA}"),
        ("<<k|æ t>>", "<<k|æ t>>: no spaces inside <<...>>; separate phonemes with |"),
    ],
)
def test_parse_rejects_malformed_ipa(text: str, message: str) -> None:
    with pytest.raises(PhonemeError) as caught:
        phonemes.parse(text)
    assert str(caught.value) == message


def test_every_phone_converts_into_the_other_set() -> None:
    for phone in CHARSIU.phones:
        mfa = phonemes.convert([phone], CHARSIU, MFA)
        assert mfa and all(p in MFA.phones for p in mfa), phone
    for phone in MFA.phones:
        charsiu = phonemes.convert([phone], MFA, CHARSIU)
        assert charsiu and all(p in CHARSIU.phones for p in charsiu), phone


def test_conversion_maps_diphthongs_and_drops_stress_for_mfa() -> None:
    kubectl = ("k", "j", "ˈ", "u", "b", "k", "ʌ", "n", "t", "ɹ", "ˌ", "oʊ", "l")
    assert phonemes.convert(kubectl, CHARSIU, MFA) == (
        "k", "j", "u", "b", "k", "ɐ", "n", "t", "ɹ", "ow", "l",
    )  # fmt: skip
    assert phonemes.convert(("b", "ɐ", "ʔ", "n̩"), MFA, CHARSIU) == ("b", "ʌ", "t", "ə", "n")
    assert phonemes.convert(("kʰ", "æ", "tʰ"), MFA, CHARSIU) == ("k", "æ", "t")


def test_every_espeak_symbol_has_a_valid_reading_in_both_sets() -> None:
    for symbol in ESPEAK:
        if symbol in STRESS:
            continue
        for target in (CHARSIU, MFA):
            reading = phonemes.from_espeak(symbol, target)
            assert reading and set(reading) <= target.phones, (symbol, target.name, reading)


def test_espeak_ipa_with_length_and_stress() -> None:
    assert phonemes.from_espeak("kjˈuːbɚnˌɛɾiːz", CHARSIU) == (
        "k", "j", "ˈ", "u", "b", "ɚ", "n", "ˌ", "ɛ", "t", "i", "z",
    )  # fmt: skip
    assert phonemes.from_espeak("bˈʌʔn̩", MFA) == ("b", "ɐ", "ʔ", "n̩")
    with pytest.raises(PhonemeError) as caught:
        phonemes.from_espeak("ʕa", CHARSIU)
    assert str(caught.value) == (
        "espeak symbol 'ʕ' in 'ʕa' has no charsiu (sonic-3 family) equivalent"
    )


def test_phonemizer_reads_words_and_spellings() -> None:
    assert phonemes.phonemize("cat", "sonic-3") == [("k", "ˈ", "æ", "t")]
    assert phonemes.phonemize("cat", "sonic-2") == [("k", "æ", "t")]
    engine_x = phonemes.phonemize("engine x", "sonic-3")
    assert engine_x == [("ˈ", "ɛ", "n", "dʒ", "ɪ", "n"), ("ˈ", "ɛ", "k", "s")]
    with pytest.raises(PhonemeError) as caught:
        phonemes.phonemize("  ", "sonic-3")
    assert str(caught.value) == "nothing to phonemize: the spelling is empty"
    assert phonemes.phonemize("a letter", "sonic-3")[1] == ("l", "ˈ", "ɛ", "t", "ɚ")


@pytest.mark.parametrize("spelling", ["Nguyễn", "日本"])
def test_phonemizer_refuses_what_espeak_can_only_name(spelling: str) -> None:
    # espeak read "ễ" as "letter 1EC5" and 日 as "Chinese letter": a name spoken as that.
    with pytest.raises(PhonemeError) as caught:
        phonemes.phonemize(spelling, "sonic-3")
    assert str(caught.value) == (
        f"espeak cannot read '{spelling}': it names a character it does not know ('letter ...', "
        "'Chinese letter') instead of saying it; give a spelling in English letters"
    )


@pytest.mark.parametrize("model", ["sonic-3", "sonic-2"])
def test_phonemizer_output_on_a_real_book_is_valid_for_the_model(model: str) -> None:
    text = (CORPUS / "alice-in-wonderland.txt").read_text(encoding="utf-8")
    words = sorted(set(re.findall(r"[A-Za-z]+", text[5000:40000])))
    groups = phonemes.phonemize(" ".join(words), model)
    assert len(groups) >= len(words) * 0.9  # espeak may join or split a few words
    pset = phonemes.phoneme_set(model)
    for group in groups:
        assert phonemes.check(group, model) == group
        assert all(p in pset.valid for p in group)


def test_cli_prints_ipa_for_the_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["phonemes", "nginx"]) == 0
    assert capsys.readouterr().out.strip() == "<<ˈ|ɛ|n|dʒ|ɪ|n>> <<ˌ|ɛ|k|s>>"
    assert main(["phonemes", "engine x", "--model", "sonic-turbo"]) == 0
    assert capsys.readouterr().out.strip() == "<<ɛ|n|dʒ|ɪ|n>> <<ɛ|k|s>>"
    assert main(["phonemes", "cat", "--model", "tacotron"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"sonicpipe: error: unknown model 'tacotron': {KNOWN_MODELS}\n"
    assert captured.out == ""
