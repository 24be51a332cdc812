"""Pronunciation dictionaries: file formats, errors with file and line, matching, the chain."""

import gc
import io
import json
import re
import unicodedata
import weakref
from pathlib import Path

import pytest
from sonicpipe.builtin.pronounce import (
    Dictionary,
    DictionaryError,
    Entry,
    compile_dictionaries,
    for_settings,
    load,
)
from sonicpipe.dictionaries import shipped

from sonicpipe import Settings, TextChain, phonemes
from sonicpipe.book import render_book
from sonicpipe.book.progress import Progress
from sonicpipe.book.readers import Book, Chapter
from sonicpipe.model import Mark, MarkKind, MarkTable

DATA = Path(__file__).parent / "data" / "dictionaries"
NGINX = "<<ˈ|ɛ|n|dʒ|ɪ|n|ˌ|ɛ|k|s>>"


def say(text: str, *entries: Entry) -> str:
    """Apply a dictionary of ``entries`` and render marks the way sonic-3 reads them."""
    marks = MarkTable()
    out = Dictionary(entries).apply(text, marks)
    return "".join(
        piece if isinstance(piece, str) else phonemes.render([piece.value])  # type: ignore[list-item]
        for piece in marks.split(out)
    )


def sounds(text: str, like: str) -> Entry:
    return Entry(text, sounds_like=like)


def error_of(name: str, model: str = "sonic-3", base_dir: Path | None = None) -> str:
    """The message of the error that loading dictionary ``name`` raises."""
    with pytest.raises(DictionaryError) as caught:
        load(name, model, base_dir)
    return str(caught.value)


def transcript(settings: Settings, text: str) -> str:
    """Prepare ``text`` through the whole text chain and join what Sonic would be sent."""
    chain = TextChain(settings)
    return " ".join(chain.render(s).transcript for s in chain.prepare(text))


# -- errors name the file, the line and the problem ------------------------------------------


CHARSIU_SET = (
    "is not in the charsiu (sonic-3 family) set; valid: aɪ aʊ b d dʒ eɪ f h i j k l m n oʊ p s t "
    "tʃ u v w z æ ð ŋ ɑ ɔ ɔɪ ə ɚ ɛ ɡ ɪ ɹ ʃ ʊ ʌ ʒ ˈ ˌ θ"
)


def test_bad_phoneme_in_json_names_file_line_phoneme_and_valid_set() -> None:
    path = DATA / "bad_phoneme.json"
    assert error_of(str(path)) == f"{path}:4: entry 'jambalaya': phoneme 'x' {CHARSIU_SET}"


def test_bad_phoneme_in_toml_names_file_line_phoneme() -> None:
    path = DATA / "bad_phoneme.toml"
    assert error_of(str(path)) == f"{path}:5: entry 'kubectl': phoneme 'ł' {CHARSIU_SET}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad_syntax.json", "bad_syntax.json:3: invalid JSON: Expecting ',' delimiter"),
        ("missing_text.json", 'missing_text.json:4: entry has no "text" (the words to replace)'),
        ("empty_pronunciation.json", "empty_pronunciation.json:2: entry 'bayou' has an empty "
                                     "pronunciation"),
        ("bad_syntax.toml", "bad_syntax.toml:3: invalid TOML: Illegal character '\\n' (at line 3, "
                            "column 24)"),
        ("duplicate.toml", f"duplicate.toml:10: 'data' is already defined at {DATA}/"
                           "duplicate.toml:2 with a different pronunciation"),
    ],
)  # fmt: skip
def test_malformed_dictionaries_name_file_and_line(name: str, expected: str) -> None:
    assert error_of(str(DATA / name)) == f"{DATA}/{expected}"


def test_json_errors_are_found_at_the_right_line(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    cases = {
        '{"text": "a"}': '1: expected a JSON list of {"text": ..., "pronunciation": ...} objects',
        '[\n {"text": "a", "pronunciation": "b"}\n {"text": "c"}]': "3: expected ',' or ']' after "
                                                                   "an entry",
        '[\n\n  "bayou"\n]': "3: expected an object with text and pronunciation, got 'bayou'",
        '[{"text": "a", "pronunciation": "b", "lang": "en"}]': "1: unknown key 'lang'; valid "
                                                              "keys: text, pronunciation, alias",
        '[{"text": "a", "pronunciation": "b", "alias": "c"}]': "1: give pronunciation or the "
                                                              "legacy alias, not both",
        '[\n{"text": "a"}\n]': '2: entry has no "pronunciation"',
        '[{"text": "a", "pronunciation": "b"}] []': "1: unexpected text after the closing ']'",
        '[{"text": "a", "pronunciation": "b"},\n]': "2: invalid JSON: Expecting value",
        # json keeps the last of a key given twice, without a word.
        '[\n{"text": "a", "pronunciation": "b",\n "pronunciation": "c"}]': "2: the entry gives "
                                                                          "'pronunciation' twice",
    }  # fmt: skip
    for text, what in cases.items():
        path.write_text(text, encoding="utf-8")
        assert error_of(str(path)) == f"{path}:{what}", text


def test_a_dictionary_not_in_utf8_names_file_and_line_and_a_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_bytes(
        '[[word]]\ntext = "a"\nsounds_like = "b"\n\n[[word]]\ntext = "café"\n'.encode("latin-1")
    )
    with pytest.raises(DictionaryError) as caught:
        load(str(path), "sonic-3")
    assert str(caught.value) == f"{path}:6: not UTF-8 (byte 0xe9); save the dictionary as UTF-8"
    # A UTF-8 byte order mark, as Windows editors write it, is read past in both formats.
    path.write_bytes(b"\xef\xbb\xbf" + b'[[word]]\ntext = "a"\nsounds_like = "b"\n')
    assert [e.sounds_like for e in load(str(path), "sonic-3")] == ["b"]
    json_path = tmp_path / "d.json"
    json_path.write_bytes(b'\xef\xbb\xbf[{"text": "a", "pronunciation": "b"}]')
    assert [e.sounds_like for e in load(str(json_path), "sonic-3")] == ["b"]


def test_a_dictionary_file_is_told_by_its_suffix_in_any_case(tmp_path: Path) -> None:
    (tmp_path / "names.tsv").write_text("nginx\tengine x\n", encoding="utf-8")
    (tmp_path / "names").write_text("nginx = 1\n", encoding="utf-8")
    (tmp_path / "NAMES.JSON").write_text('[{"text": "a", "pronunciation": "b"}]', "utf-8")
    # The TSV list was read as TOML: "invalid TOML: Expected '=' after a key".
    kind = "a dictionary is a .toml or .json (Cartesia's format) file, not"
    assert error_of("./names.tsv", base_dir=tmp_path) == f"{tmp_path}/names.tsv: {kind} .tsv"
    assert error_of("./names", base_dir=tmp_path) == (
        f"{tmp_path}/names: {kind} a file without a suffix"
    )
    assert [e.sounds_like for e in load("./NAMES.JSON", "sonic-3", tmp_path)] == ["b"]


@pytest.mark.parametrize("name", ["d.toml", "d.json"])
def test_an_empty_dictionary_file_is_an_error(tmp_path: Path, name: str) -> None:
    # A failed save left the file empty: the render went on without its words.
    path = tmp_path / name
    path.write_text(" \n\n", encoding="utf-8")
    with pytest.raises(
        DictionaryError, match=rf"^{re.escape(str(path))}: the dictionary file is empty; write"
    ):
        load(str(path), "sonic-3")
    # A dictionary written with no entries yet is one.
    path.write_text("[]" if name.endswith(".json") else "# names to come\n", encoding="utf-8")
    assert load(str(path), "sonic-3") == []


def test_toml_entries_need_exactly_one_way_to_say_the_word(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    one_of = "needs exactly one of sounds_like, ipa (with optional mfa) or phonemize; it has"
    markup = "holds markup; write plain words (controls belong in the text itself)"
    cases = {
        '[[word]]\ntext = "a"\n': f":1: entry 'a' {one_of} none",
        '[[word]]\ntext = "a"\nsounds_like = "b"\nipa = "<<b|i>>"\n': f":1: entry 'a' {one_of} "
                                                                     "sounds_like, ipa/mfa",
        '[[word]]\ntext = "a"\nsound_like = "b"\n': ":1: unknown key 'sound_like'; valid keys: "
                                                   "text, sounds_like, ipa, mfa, phonemize",
        '[[word]]\ntext = "a"\nipa = "bee"\n': ":1: entry 'a': ipa must be IPA in <<...>> form",
        '[[word]]\ntext = "a"\nsounds_like = "<<b|i>>"\n': ":1: entry 'a': IPA belongs in ipa =, "
                                                          "not sounds_like",
        # Markup in sounds-like text reached Sonic as it was: sonic-2 read the tag aloud.
        '[[word]]\ntext = "a"\nsounds_like = "<break time=\'1s\'/> b"\n':
            f""":1: entry 'a': sounds-like text "<break time='1s'/> b" {markup}""",
        '[[word]]\ntext = "a"\nsounds_like = "[excited] b"\n': ":1: entry 'a': sounds-like text "
                                                              f"'[excited] b' {markup}",
        '[[word]]\ntext = "a"\nphonemize = 3\n': ":1: entry 'a': phonemize is true or a spelling "
                                                "to read",
        "words = 1\n": ": unknown top-level key 'words'; write entries as [[word]] tables",
        'word = [{text = "a"}, {text = "b"}]\n': f": [[word]] #1: entry 'a' {one_of} none",
        '[[word]]\ntext = "a\U000f0000"\nsounds_like = "b"\n': ":1: entry text 'a\\U000f0000' "
                                                             "contains markup",
        '[[word]]\ntext = "\\u200b"\nsounds_like = "b"\n': ':1: entry has no "text" (the words '
                                                         "to replace)",
    }  # fmt: skip
    for text, what in cases.items():
        path.write_text(text, encoding="utf-8")
        assert error_of(str(path)) == f"{path}{what}", text


def test_json_ipa_must_be_written_in_the_target_models_set() -> None:
    # Cartesia passes a JSON dictionary's IPA to the model as it is: charsiu IPA (with stress
    # marks) is not valid for sonic-2, and the error says what to do.
    path = DATA / "legacy_alias.json"
    message = error_of(str(path), "sonic-2")
    assert message == (
        f"{path}:2: entry 'bayou': phoneme 'ˈ' is not in the MFA english (sonic-2 family) set; "
        f"MFA pronunciations carry no stress marks; valid: {phonemes.MFA.describe()} (JSON IPA "
        "reaches the model as written: for sonic-2 write MFA IPA, or use a TOML dictionary, "
        "whose ipa = is converted)"
    )


def test_unknown_dictionary_lists_the_shipped_ones() -> None:
    assert error_of("tehc") == (
        "unknown dictionary 'tehc'; shipped dictionaries: tech (or give a .json or .toml file path)"
    )
    assert error_of("nowhere.toml") == (
        "nowhere.toml: cannot read dictionary: No such file or directory"
    )


def test_a_dictionary_error_names_the_settings_file_the_key_and_the_resolved_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from another folder: the file named by the settings is sought beside them."""
    (tmp_path / "conf").mkdir()
    config = Path("conf") / "sonicpipe.toml"
    (tmp_path / config).write_text('dictionaries = ["missing.toml"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = Settings.load(config)
    with pytest.raises(DictionaryError) as caught:
        transcript(settings, "Hello there.")
    assert str(caught.value) == (
        "conf/sonicpipe.toml: dictionaries: conf/missing.toml: cannot read dictionary: "
        "No such file or directory"
    )
    (tmp_path / "conf" / "missing.toml").write_text("[[word]]\nsounds_like = 'x'\n")
    with pytest.raises(DictionaryError) as caught:
        transcript(settings, "Hello there.")
    assert str(caught.value) == (
        'conf/sonicpipe.toml: dictionaries: conf/missing.toml:1: entry has no "text" (the words '
        "to replace)"
    )
    with pytest.raises(DictionaryError) as caught:
        for_settings(Settings(dictionaries=("nope",)))  # no settings file to name
    assert str(caught.value) == (
        "dictionaries: unknown dictionary 'nope'; shipped dictionaries: tech (or give a .json or "
        ".toml file path)"
    )


def test_a_dictionary_on_the_command_line_is_found_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unlike the settings file's own, a --dictionary is a path from where the command runs."""
    from sonicpipe.cli import main

    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "sonicpipe.toml").write_text('voice = "v"\n', encoding="utf-8")
    (tmp_path / "names.toml").write_text(
        '[[word]]\ntext = "Nginx"\nsounds_like = "engine x"\n', encoding="utf-8"
    )
    source = tmp_path / "in.txt"
    source.write_text("Nginx is up.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    argv = ["text", str(source), "--config", "conf/sonicpipe.toml", "--dictionary"]
    assert main([*argv, "names.toml"]) == 0
    assert capsys.readouterr().out == "[0.0] engine x is up.\n"
    assert main([*argv, "nope.toml"]) == 2
    assert capsys.readouterr().err.strip() == (
        "sonicpipe: error: --dictionary: nope.toml: no such file"
    )
    assert main([*argv, "conf/"]) == 2
    assert capsys.readouterr().err.strip() == (
        "sonicpipe: error: --dictionary: conf/: a folder, not a dictionary file"
    )
    (tmp_path / "names.toml").rename(tmp_path / "NAMES.TOML")  # the suffix in any case
    assert main([*argv, "NAMES.TOML"]) == 0
    assert capsys.readouterr().out == "[0.0] engine x is up.\n"


# -- formats ------------------------------------------------------------------------------------


def test_cartesia_json_with_legacy_alias() -> None:
    entries = {e.text: e for e in load(str(DATA / "legacy_alias.json"), "sonic-3")}
    assert entries["bayou"].ipa == (("ˈ", "b", "ɑ", "ˈ", "j", "u"),)
    assert entries["bayou"].origin.endswith("legacy_alias.json:2")
    assert entries["tchoupitoulas"].sounds_like == "chop-uh-TOO-liss"


def test_toml_ipa_mfa_and_phonemize(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[word]]\ntext = "kubectl"\nipa = "<<k|j|ˈ|u|b|k|ʌ|n|t|ɹ|ˌ|oʊ|l>>"\n'
        'mfa = "<<kʰ|j|u|b|kʰ|ɐ|n|tʰ|ɹ|ow|ɫ>>"\n'
        '[[word]]\ntext = "Linux"\nipa = "<<l|ˈ|ɪ|n|ʌ|k|s>>"\n'
        '[[word]]\ntext = "nginx"\nphonemize = "engine x"\n'
        '[[word]]\ntext = "cat"\nphonemize = true\n'
        '[[word]]\ntext = "butter"\nmfa = "<<b|ɐ|ɾ|ɚ>>"\n',
        encoding="utf-8",
    )
    three = {e.text: e.ipa for e in load(str(path), "sonic-3")}
    two = {e.text: e.ipa for e in load(str(path), "sonic-2")}
    assert three["kubectl"] == (("k", "j", "ˈ", "u", "b", "k", "ʌ", "n", "t", "ɹ", "ˌ", "oʊ", "l"),)
    assert two["kubectl"] == (("kʰ", "j", "u", "b", "kʰ", "ɐ", "n", "tʰ", "ɹ", "ow", "ɫ"),)
    assert two["Linux"] == (("l", "ɪ", "n", "ɐ", "k", "s"),)  # converted, stress dropped
    assert three["nginx"] == tuple(phonemes.phonemize("engine x", "sonic-3"))
    assert two["nginx"] == tuple(phonemes.phonemize("engine x", "sonic-2"))
    assert three["cat"] == (("k", "ˈ", "æ", "t"),)
    assert three["butter"] == (("b", "ʌ", "t", "ɚ"),)  # MFA-only entry converted to charsiu


@pytest.mark.parametrize("model", ["sonic-3", "sonic-2"])
def test_every_shipped_dictionary_loads_for_both_families(model: str) -> None:
    assert "tech" in shipped()
    for name in shipped():
        entries = load(name, model)
        for entry in entries:
            for group in entry.ipa:
                assert phonemes.check(group, model) == group
    tech = {e.text: e for e in load("tech", model)}
    assert len(tech) >= 80
    for word in ("nginx", "kubectl", "PostgreSQL", "SQL", "GIF", "JSON", "YAML", "Kubernetes",
                 "Linux", "GNU", "LaTeX", "Wi-Fi", "OAuth", "GUI", "CLI", "sudo", "npm", "PyPI",
                 "regex", "cache"):  # fmt: skip
        assert word in tech, word
    if model == "sonic-2":
        assert not any("ˈ" in group for e in tech.values() for group in e.ipa)


# -- matching ---------------------------------------------------------------------------------


def test_whole_words_only() -> None:
    nginx = sounds("nginx", "engine x")
    dotnet = sounds(".NET", "dot net")
    assert say("nginx, nginxs and unginx", nginx) == "engine x, nginxs and unginx"
    assert say("learn .NET, not ASP.NET", dotnet) == "learn dot net, not ASP.NET"
    assert say("C++x or C++.", sounds("C++", "C plus plus")) == "C++x or C plus plus."


def test_longest_match_first() -> None:
    entries = (
        sounds("Code", "kode"),
        sounds("Visual Studio", "VS"),
        sounds("Visual Studio Code", "VS code"),
        sounds("Studio", "stew dio"),
    )
    assert (
        say("Open Visual Studio Code, not Visual Studio, to edit Code in a Studio.", *entries)
        == "Open VS code, not VS, to edit kode in a stew dio."
    )
    # Line breaks and runs of spaces inside the text still match a multi-word entry.
    assert say("Visual  Studio\nCode", *entries) == "VS code"


def test_case_rule_lowercase_entries_match_their_sentence_start_capital() -> None:
    nginx = sounds("nginx", "engine x")
    assert say("Nginx is fast. So is nginx.", nginx) == "engine x is fast. So is engine x."
    assert say("I like Nginx and NGINX.", nginx) == "I like Nginx and NGINX."
    assert say('Yes. "Nginx!" (Nginx?) Nginx', nginx) == 'Yes. "engine x!" (engine x?) engine x'
    # Entries that are not all lowercase match their own case only.
    code = sounds("Code", "kode")
    assert say("code Code", code) == "code kode"
    ios = sounds("iOS", "eye oh ess")
    assert say("IOS. iOS", ios) == "IOS. eye oh ess"
    # An exact entry beats the capitalized form of a lowercase one of the same length.
    both = (sounds("mark", "lowercase"), sounds("Mark", "name"))
    assert say("Mark it.", *both) == "name it."
    # A paragraph starts a sentence too (the document is matched before it is split).
    assert say("Formats:\n\nNginx, Nginx", nginx) == "Formats:\n\nengine x, Nginx"


def test_an_acronym_entry_also_says_its_plural() -> None:
    gif = Entry("GIF", ipa=(("ɡ", "ˈ", "ɪ", "f"),))
    sql = Entry("SQL", ipa=(("s", "ˈ", "i", "k", "w", "ə", "l"),))
    bus = Entry("BUS", ipa=(("b", "ˈ", "ʌ", "s"),))
    assert say("Two GIFs, one GIF.", gif) == "Two <<ɡ|ˈ|ɪ|f|s>>, one <<ɡ|ˈ|ɪ|f>>."
    assert say("SQLs and BUSs", sql, bus) == "<<s|ˈ|i|k|w|ə|l|z>> and <<b|ˈ|ʌ|s|ɪ|z>>"
    assert say("The GIFs' frames", gif) == "The <<ɡ|ˈ|ɪ|f|s>>' frames"
    # Sounds-like text: "s", "es" after a hissing sound, "'s" after a spelled letter.
    assert say("JPEGs", sounds("JPEG", "jay peg")) == "jay pegs"
    assert say("NICs", sounds("NIC", "nix")) == "nixes"
    assert say("Both APIs", sounds("API", "A P I")) == "Both A P I's", "not 'A P Is' (is)"
    # An entry of the plural's own wins; lowercase and mixed-case entries get no plural.
    own = (sounds("GIF", "jif"), sounds("GIFs", "jiffies"))
    assert say("GIFs", *own) == "jiffies"
    assert say("nginxs and Kubes", sounds("nginx", "engine x"), sounds("Kube", "coob")) == (
        "nginxs and Kubes"
    )


def test_marks_are_never_matched_inside() -> None:
    marks = MarkTable()
    author_mark = Mark(MarkKind.PHONEMES, ("n", "ɛ"), "<<n|ɛ>>")
    placeholder = marks.add(author_mark)
    entries = Dictionary([sounds("foo bar", "X"), sounds("foo", "F"), sounds("bar", "B")])
    text = f"foo{placeholder}bar foo bar"
    out = entries.apply(text, marks)
    assert out == f"F{placeholder}B X"
    assert marks.get(placeholder) is author_mark


def test_ipa_entries_become_phoneme_marks_with_the_matched_text_as_source() -> None:
    marks = MarkTable()
    sql, server = ("s", "ˈ", "i", "k", "w", "ə", "l"), ("s", "ˈ", "ɚ", "v", "ɚ")
    entry = Entry("SQL Server", ipa=(sql, server))
    out = Dictionary([entry]).apply("Use SQL Server.", marks)
    assert [m.kind for m in marks.marks] == [MarkKind.PHONEMES, MarkKind.PHONEMES]
    assert [m.source for m in marks.marks] == ["SQL Server", "SQL Server"]
    assert out == f"Use {chr(0xF0000)} {chr(0xF0001)}."
    again = Dictionary([entry]).apply("SQL Server or SQL Server?", marks)
    assert again == f"{chr(0xF0002)} {chr(0xF0003)} or {chr(0xF0002)} {chr(0xF0003)}?"
    assert len(marks.marks) == 4


def test_hundred_thousand_entries(tmp_path: Path) -> None:
    count = 100_000
    items = [{"text": f"term{i}", "pronunciation": f"say {i}"} for i in range(count)]
    # Multi-word entries sharing a first word with single-word ones: the longest must win.
    items += [
        {"text": f"term{i} term{i + 1}", "pronunciation": f"pair {i}"} for i in range(0, count, 7)
    ]
    items += [{"text": f"Term{i} x", "pronunciation": "<<t|ˈ|ɚ|m>> <<ˈ|ɛ|k|s>>"} for i in range(3)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")

    dictionary = compile_dictionaries((str(path),), tmp_path, "sonic-3")
    assert len(dictionary) == len(items)
    text = "term5 term6 term7 term8, term99999 and term700 term701 termX term1 x"
    marks = MarkTable()
    out = dictionary.apply(text + ". Term14 term15 Term1 x", marks)
    assert out == (
        "say 5 say 6 pair 7, say 99999 and pair 700 termX say 1 x. "
        f"pair 14 {chr(0xF0000)} {chr(0xF0001)}"
    )
    assert [m.value for m in marks.marks] == [("t", "ˈ", "ɚ", "m"), ("ˈ", "ɛ", "k", "s")]
    # Entries all over the table are found (a pair needs its second word to follow).
    sample = range(0, count, 997)
    replaced = [dictionary.apply(f"We saw term{i} today.", MarkTable()) for i in sample]
    assert replaced == [f"We saw say {i} today." for i in sample]


# -- settings and the text chain ----------------------------------------------------------------


def test_compiled_once_per_settings(tmp_path: Path) -> None:
    settings = Settings()
    assert for_settings(settings) is for_settings(Settings())
    assert for_settings(settings.with_(model="sonic-3.5")) is for_settings(settings)
    assert for_settings(settings.with_(model="sonic-2")) is not for_settings(settings)
    with pytest.raises(DictionaryError, match="unknown dictionary 'nope'"):
        for_settings(settings.with_(dictionaries=("nope",)))


def test_text_chain_renders_nginx_as_ipa_for_sonic3() -> None:
    chain = TextChain(Settings())
    segments = chain.prepare("We deploy nginx behind a load balancer. Nginx is fast.")
    assert [chain.render(s).transcript for s in segments] == [
        f"We deploy {NGINX} behind a load balancer.",
        f"{NGINX} is fast.",
    ]


def test_text_chain_with_a_user_dictionary_for_sonic2(tmp_path: Path) -> None:
    (tmp_path / "dicts").mkdir()
    (tmp_path / "dicts" / "mine.toml").write_text(
        '[[word]]\ntext = "nginx"\nsounds_like = "engine-ex"\n', encoding="utf-8"
    )
    settings = Settings(
        model="sonic-2", dictionaries=("tech", "dicts/mine.toml"), base_dir=tmp_path
    )
    chain = TextChain(settings)
    [segment] = chain.prepare("We run nginx and kubectl on Linux.")
    transcript = chain.render(segment).transcript
    # The later dictionary overrides "tech"; tech's IPA is converted to MFA (no stress).
    assert transcript == ("We run engine-ex and <<k|j|u|b|k|ə|n|t|ɹ|ow|l>> on <<l|ɪ|n|ə|k|s>>.")


def test_author_markup_is_left_alone_and_other_languages_untouched() -> None:
    chain = TextChain(Settings())
    [segment] = chain.prepare("Say <<n|ˈ|ɛ>> before nginx.")
    assert chain.render(segment).transcript == f"Say <<n|ˈ|ɛ>> before {NGINX}."
    french = TextChain(Settings(language="fr"))
    [segment] = french.prepare("Le serveur nginx.")
    assert french.render(segment).transcript == "Le serveur nginx."
    [segment] = TextChain(Settings(dictionaries=())).prepare("nginx")
    assert segment.text == "nginx."


def test_default_dictionary_leaves_ordinary_english_alone() -> None:
    """ "char" (to burn) is common English; the default dictionary must not respell it."""
    chain = TextChain(Settings())
    [segment] = chain.prepare("Char the peppers, then let the char cool.")
    assert chain.render(segment).transcript == "Char the peppers, then let the char cool."


def test_entries_are_read_as_cleanup_leaves_the_text(tmp_path: Path) -> None:
    # Typographic apostrophes and hyphens, and decomposed accents (NFD, as some editors save
    # them), in an entry: the cleaned text has them plain and composed.
    cafe = unicodedata.normalize("NFD", "café")
    (tmp_path / "mine.toml").write_text(
        f'[[word]]\ntext = "O’Reilly"\nsounds_like = "oh rye lee"\n\n'
        f'[[word]]\ntext = "{cafe}"\nsounds_like = "kaffay"\n\n'
        '[[word]]\ntext = "Jean\u2010Luc"\nsounds_like = "zhon luke"\n',
        encoding="utf-8",
    )
    settings = Settings(dictionaries=("mine.toml",), base_dir=tmp_path)
    assert (
        transcript(settings, "O’Reilly and O'Reilly met Jean-Luc at the café.")
        == "oh rye lee and oh rye lee met zhon luke at the kaffay."
    )
    # Two spellings of one entry are one entry: told apart, they are a duplicate.
    (tmp_path / "mine.toml").write_text(
        '[[word]]\ntext = "O\'Reilly"\nsounds_like = "a"\n\n'
        '[[word]]\ntext = "O’Reilly"\nsounds_like = "b"\n',
        encoding="utf-8",
    )
    with pytest.raises(DictionaryError, match=r"mine\.toml:5: 'O’Reilly' is already defined at"):
        load(str(tmp_path / "mine.toml"), "sonic-3")


def test_entries_with_symbols_or_digits_match_the_text_as_written(tmp_path: Path) -> None:
    """Normalization rewrites "C++", "AT&T", "Dr. Who" and "MP3"; their entries still apply."""
    (tmp_path / "mine.toml").write_text(
        '[[word]]\ntext = "C++"\nsounds_like = "see plus plus"\n'
        '[[word]]\ntext = "AT&T"\nipa = "<<ˈ|eɪ|t|i|æ|n|d|t|ˈ|i>>"\n'
        '[[word]]\ntext = "Dr. Who"\nsounds_like = "the Doctor"\n'
        '[[word]]\ntext = "mp3"\nsounds_like = "em pee three"\n'
        '[[word]]\ntext = "Smith"\nsounds_like = "Smyth"\n',
        encoding="utf-8",
    )
    settings = Settings(dictionaries=("mine.toml",), base_dir=tmp_path)
    chain = TextChain(settings)
    text = "I watch Dr. Who at AT&T and write C++ with Dr. Smith\n\nMp3 files play. Mp3."
    spoken = " ".join(chain.render(s).transcript for s in chain.prepare(text))
    assert spoken == (
        "I watch the Doctor at <<ˈ|eɪ|t|i|æ|n|d|t|ˈ|i>> and write see plus plus with Doctor Smyth."
        " em pee three files play. em pee three."
    )
    # Entries of plain words still match the normalized text; other languages are left alone.
    french = TextChain(Settings(language="fr", dictionaries=("mine.toml",), base_dir=tmp_path))
    assert french.prepare("Le C++ et Smith.")[0].text == "Le C++ et Smith."


def test_an_edited_dictionary_file_is_read_again(tmp_path: Path) -> None:
    """A long-running process sees edits: the cache is keyed on each file's identity, time, size.

    Each version differs in size, so the test holds on file systems with coarse times too.
    """
    path = tmp_path / "mine.toml"
    path.write_text('[[word]]\ntext = "nginx"\nsounds_like = "engine x"\n', encoding="utf-8")
    settings = Settings(dictionaries=("mine.toml",), base_dir=tmp_path)
    assert transcript(settings, "We run nginx.") == "We run engine x."
    assert for_settings(settings) is for_settings(settings)  # unchanged: compiled once
    path.write_text('[[word]]\ntext = "nginx"\nsounds_like = "en gee inks"\n', encoding="utf-8")
    assert transcript(settings, "We run nginx.") == "We run en gee inks."
    # Replaced by another file, as editors that save atomically do.
    (tmp_path / "new.toml").write_text(
        '[[word]]\ntext = "run"\nsounds_like = "operate"\n', encoding="utf-8"
    )
    (tmp_path / "new.toml").replace(path)
    assert transcript(settings, "We run nginx.") == "We operate nginx."


def test_a_dictionary_broken_by_an_edit_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text('[{"text": "nginx", "pronunciation": "engine x"}]', encoding="utf-8")
    settings = Settings(dictionaries=("mine.json",), base_dir=tmp_path)
    assert len(for_settings(settings)) == 1
    path.write_text(
        '[\n{"text": "nginx", "pronunciation": "engine x"},\n{"text": "k"}\n]', encoding="utf-8"
    )
    for _ in range(2):  # a failure is not cached: it is reported every time
        with pytest.raises(DictionaryError) as caught:
            for_settings(settings)
        assert str(caught.value) == f'dictionaries: {path}:3: entry has no "pronunciation"'
    path.unlink()
    with pytest.raises(DictionaryError) as caught:
        for_settings(settings)
    assert str(caught.value) == (
        f"dictionaries: {path}: cannot read dictionary: No such file or directory"
    )
    path.write_text('[{"text": "kubectl", "pronunciation": "cube control"}]', encoding="utf-8")
    assert transcript(settings, "Run kubectl.") == "Run cube control."


def test_old_versions_of_an_often_edited_dictionary_are_released(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    settings = Settings(dictionaries=("mine.toml",), base_dir=tmp_path)
    versions = []
    for n in range(1, 25):  # each version one byte longer
        said = "engine " + "x" * n
        path.write_text(f'[[word]]\ntext = "nginx"\nsounds_like = "{said}"\n', encoding="utf-8")
        versions.append(weakref.ref(for_settings(settings)))
        assert transcript(settings, "Use nginx.") == f"Use {said}."
    gc.collect()
    assert versions[0]() is None  # the cache is bounded: the first version was dropped
    assert versions[-1]() is for_settings(settings)


def test_a_books_captions_show_dictionary_words_as_written(tmp_path: Path) -> None:
    """Words said as phonemes are captioned as written ("nginx", not its IPA), a two-word
    entry as its words, punctuation that follows them kept with them as with other words."""
    paragraph = 'I run nginx and kubectl. We use "SQL Server", fine.'
    book = Book("T", "A", [Chapter("One", [paragraph])])
    output = tmp_path / "out"
    render_book(book, output, engine="espeak", format="wav", preset=None,
                progress=Progress(io.StringIO()))  # fmt: skip
    [srt] = output.glob("*.srt")
    lines = srt.read_text(encoding="utf-8").splitlines()
    captions = [line for line in lines if line and "-->" not in line and not line.isdigit()]
    assert captions == ["I run nginx and kubectl.", 'We use "SQL Server", fine.']
