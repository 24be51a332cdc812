"""Built-in plugin: pronunciation dictionaries (stages 2 and 4).

``settings.dictionaries`` names shipped dictionaries (:func:`sonicpipe.dictionaries.shipped`)
or files (relative to ``settings.base_dir``); later dictionaries override earlier ones. Two
file formats:

* Cartesia's dictionary JSON: ``[{"text": "bayou", "pronunciation": "<<ˈ|b|ɑ|ˈ|j|u>>"}, ...]``
  (legacy key ``alias``). The pronunciation is IPA in Sonic's ``<<...>>`` syntax, written in
  the phoneme set of the target model exactly as Cartesia would pass it on, or sounds-like
  text (``"chop-uh-TOO-liss"``).
* TOML, one ``[[word]]`` table per entry, with ``text`` and one way to say it::

      [[word]]
      text = "nginx"
      sounds_like = "engine x"          # plain text in place of the word

      [[word]]
      text = "kubectl"
      ipa = "<<k|j|u|b|ˈ|k|ʌ|n|t|ɹ|oʊ|l>>"   # charsiu IPA (sonic-3 set), converted for sonic-2
      mfa = "<<k|j|u|b|k|ɐ|n|t|ɹ|ow|l>>"      # optional: MFA IPA used for sonic-2 instead

      [[word]]
      text = "GIF"
      phonemize = "jif"                 # espeak builds the IPA from this spelling
                                        # (``phonemize = true``: from ``text`` itself)

Matching is on whole words, longest entry first ("Visual Studio Code" beats "Code"), and
case-sensitive, except that an all-lowercase entry also matches its capitalized form at the
start of a sentence or paragraph. Entries are read as cleanup leaves the text (Unicode NFC,
typographic apostrophes and hyphens made plain): "O’Reilly" finds "O’Reilly" and "O'Reilly".
IPA replaces the words with a PHONEMES mark (rendered ``<<...>>``), so later stages cannot
alter it; sounds-like text replaces them as plain text.
An entry in capitals (an acronym: "GIF", "API") also matches its plural with a lowercase s
("GIFs"), unless an entry of its own says that: sounds-like text gets "s" ("es" after a
hissing sound, "'s" after a spelled letter: "U R L's"), IPA the plural ending its last sound
takes (/s/, /z/ or /ɪz/).
Mark placeholders are never matched. The dictionaries are English: text in other languages is
left alone.

Entries are matched where their text is still as written. Normalization (stage 2) rewrites
digits, symbols and abbreviations ("C++" becomes "C plus plus", "Dr. Who" "Doctor Who"), so an
entry holding anything but letters, spaces, apostrophes and hyphens ("C++", "AT&T", "Dr. Who",
"MP3") is matched on the whole document just before normalization (``sonicpipe_normalize_text``,
``tryfirst``: after cleanup, before the normalizer); its sounds-like text is then normalized
with the rest. Entries of plain words are matched per segment after normalization (stage 4,
``sonicpipe_refine_segment``), so they also find words the normalizer wrote ("Doctor").
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from sonicpipe.builtin.cleanup import CHARACTERS
from sonicpipe.dictionaries import SUFFIXES, names_a_file, shipped

from sonicpipe import phonemes
from sonicpipe.config import Settings
from sonicpipe.hookspecs import hookimpl
from sonicpipe.model import MARK_RE, Document, Mark, MarkKind, MarkTable, Segment, is_english
from sonicpipe.phonemes import PhonemeError, PhonemeSet

__version__ = "0.1.0"
sonicpipe_options = ()  # takes no options

TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
WORDS_RE = re.compile(r"\w+")  # the word tokens of TOKEN_RE alone
WORD_START = re.compile(r"\w")
SENTENCE_END = frozenset(".!?…")
# Tokens that neither start nor end a sentence: quotes and brackets.
QUOTES = frozenset("\"'“”‘’«»()[]{}¿¡")
PLAIN_MARKS = "'’-"  # in entries of plain words ("O'Reilly", "Wi-Fi"), left alone by normalize
# Compiled settings kept: old versions of edited files drop out instead of piling up.
COMPILED_CACHE_SIZE = 16
JSON_KEYS = ("text", "pronunciation", "alias")
TOML_KEYS = ("text", "sounds_like", "ipa", "mfa", "phonemize")


class DictionaryError(ValueError):
    """A dictionary that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    """One resolved entry: the words to find and what replaces them for the target model."""

    text: str
    ipa: tuple[tuple[str, ...], ...] = ()  # phoneme groups (one per word) in the target set
    sounds_like: str = ""
    origin: str = ""  # "file:line"

    @property
    def lowercase(self) -> bool:
        """Whether the capitalized sentence-start form also matches."""
        return self.text == self.text.lower()


def _normalized(raw: list[str]) -> list[str]:
    """Tokens for matching: whitespace runs of any kind become one space."""
    return [" " if tok[0].isspace() else tok for tok in raw]


def _is_word(token: str) -> bool:
    return WORD_START.match(token) is not None


def _as_written(text: str) -> bool:
    """Whether the normalizer may rewrite ``text``: it holds a digit or a symbol ("C++")."""
    return any(not (c.isalpha() or c.isspace() or c in PLAIN_MARKS) for c in text)


# The last sounds that take /ɪz/ or /s/ as the plural ending (any other takes /z/), without
# MFA's secondary articulations (SECONDARY): "bus" -> /ɪz/, "cat" -> /s/, "dog" -> /z/.
HISSING = frozenset({"s", "z", "ʃ", "ʒ", "tʃ", "dʒ"})
VOICELESS = frozenset({"p", "t", "k", "c", "f", "θ", "ʈ", "ç", "ʔ"})
HISSING_SPELLING = re.compile(r"(?:s|x|z|sh|ch)$", re.IGNORECASE)
LETTER_SPELLED = re.compile(r"(?:^|\s)[^\W\d_]$")  # "U R L": a lone letter ends it


def _plural(entry: Entry) -> Entry:
    """The entry of an acronym's plural ("GIF" -> "GIFs"): said with the plural ending."""
    if not entry.ipa:
        like = entry.sounds_like
        # "U R L's", not "U R Ls": "A P Is" reads "A P is".
        ending = (
            "'s" if LETTER_SPELLED.search(like) else "es" if HISSING_SPELLING.search(like) else "s"
        )
        return Entry(entry.text + "s", sounds_like=like + ending, origin=entry.origin)
    *before, last = entry.ipa
    phones = [p for p in last if p not in phonemes.STRESS]
    sound = phonemes.SECONDARY.sub("", phones[-1]) if phones else ""
    ending = ("ɪ", "z") if sound in HISSING else ("s",) if sound in VOICELESS else ("z",)
    return Entry(entry.text + "s", ipa=(*before, (*last, *ending)), origin=entry.origin)


def _acronym(text: str) -> bool:
    """Whether ``text`` is one word in capitals (digits may follow a letter): "GIF", "MP3"."""
    return len(text) > 1 and text.isupper() and text.isalnum()


class Dictionary:
    """Entries compiled for fast whole-word, longest-first matching.

    Entries are keyed by their token tuple; an index from first token to the entry lengths
    present (longest first) means one lookup costs a few dict probes, however many entries.
    """

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: dict[tuple[str, ...], Entry] = {}
        for entry in entries:
            self._entries[tuple(_normalized(TOKEN_RE.findall(entry.text.strip())))] = entry
        for entry in [e for e in self._entries.values() if _acronym(e.text)]:
            self._entries.setdefault((entry.text + "s",), _plural(entry))  # its own entry wins
        lengths: dict[str, set[int]] = {}
        for key in self._entries:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {head: sorted(ns, reverse=True) for head, ns in lengths.items()}
        # Heads as they may appear: as written, and capitalized at a sentence start.
        self._heads = set(self._lengths) | {
            h[0].upper() + h[1:] for h in self._lengths if h == h.lower()
        }
        # Where every head is a word, a text's words alone tell whether an entry may start in
        # it: fewer tokens to make for the many texts with none.
        self._scan = WORDS_RE if all(map(_is_word, self._heads)) else TOKEN_RE

    def __len__(self) -> int:
        return len(self._entries)

    @cached_property
    def as_written(self) -> Dictionary:
        """The entries with digits or symbols, matched before normalization rewrites them."""
        return Dictionary(e for e in self._entries.values() if _as_written(e.text))

    @cached_property
    def as_spoken(self) -> Dictionary:
        """The entries of plain words, matched after normalization."""
        return Dictionary(e for e in self._entries.values() if not _as_written(e.text))

    def _match(self, tokens: list[str], i: int, sentence_start: bool) -> tuple[int, Entry] | None:
        first = tokens[i]
        heads = [(first, False)]
        if sentence_start and first[:1].isupper():
            heads.append((first[0].lower() + first[1:], True))
        best: tuple[int, Entry] | None = None
        for head, capitalized in heads:
            for n in self._lengths.get(head, ()):
                if best is not None and n <= best[0]:
                    break
                if i + n > len(tokens):
                    continue
                entry = self._entries.get((head, *tokens[i + 1 : i + n]))
                if entry is None or (capitalized and not entry.lowercase):
                    continue
                # Whole words: an entry that starts or ends with punctuation must not touch a
                # word ("ASP.NET" does not contain ".NET").
                if not _is_word(head) and i > 0 and _is_word(tokens[i - 1]):
                    continue
                if (
                    not _is_word(tokens[i + n - 1])
                    and i + n < len(tokens)
                    and _is_word(tokens[i + n])
                ):
                    continue
                best = (n, entry)
                break
        return best

    def apply(self, text: str, marks: MarkTable) -> str:
        """Return ``text`` with every entry replaced (IPA as marks added to ``marks``)."""
        if self._heads.isdisjoint(self._scan.findall(text)):  # most sentences: no entry here
            return text
        raw = TOKEN_RE.findall(text)  # word runs, whitespace runs, single other characters
        tokens = _normalized(raw)
        out: list[str] = []
        placed: dict[tuple[str, str], str] = {}
        sentence_start = True
        i = 0
        while i < len(tokens):
            token = tokens[i]
            found = None if token == " " else self._match(tokens, i, sentence_start)
            if found is None:
                out.append(raw[i])
                if token in SENTENCE_END or raw[i].count("\n") > 1:  # a paragraph starts
                    sentence_start = True
                elif token != " " and token not in QUOTES and not MARK_RE.match(token):
                    sentence_start = False
                i += 1
                continue
            n, entry = found
            source = "".join(raw[i : i + n])
            if entry.ipa:
                # A word said twice in one segment shares its marks.
                if (entry.text, source) not in placed:
                    placed[entry.text, source] = " ".join(
                        marks.add(Mark(MarkKind.PHONEMES, group, source)) for group in entry.ipa
                    )
                out.append(placed[entry.text, source])
            else:
                out.append(entry.sounds_like)
            sentence_start = False
            i += n
        return "".join(out)


# -- reading dictionary files ----------------------------------------------------------------


@dataclass(frozen=True)
class _Raw:
    """An entry as written: where, which words, and the way to say them (unchecked)."""

    label: str  # "file:line" (or "file: [[word]] #n" for an inline TOML table)
    text: str
    spec: tuple[tuple[str, Any], ...]  # sorted (key, value) pairs besides "text"


_JSON_SPACE = re.compile(r"[ \t\r\n]*")


class _TwiceGiven(ValueError):
    """A key given twice in one JSON object (json keeps the last without a word)."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _TwiceGiven(key)
        out[key] = value
    return out


def _json_entries(text: str, where: str) -> Iterator[_Raw]:
    decoder = json.JSONDecoder(object_pairs_hook=_unique)
    line, counted = 1, 0

    def line_at(pos: int) -> int:  # positions only move forward: count each newline once
        nonlocal line, counted
        line += text.count("\n", counted, pos)
        counted = pos
        return line

    def fail(pos: int, message: str) -> DictionaryError:
        return DictionaryError(f"{where}:{line_at(pos)}: {message}")

    def skip(pos: int) -> int:
        return _JSON_SPACE.match(text, pos).end()  # type: ignore[union-attr]

    pos = skip(0)
    if not text.startswith("[", pos):
        raise fail(pos, 'expected a JSON list of {"text": ..., "pronunciation": ...} objects')
    pos = skip(pos + 1)
    if text.startswith("]", pos):
        return
    while True:
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise DictionaryError(f"{where}:{exc.lineno}: invalid JSON: {exc.msg}") from None
        except _TwiceGiven as exc:
            raise fail(pos, f"the entry gives {exc.args[0]!r} twice") from None
        if not isinstance(item, dict):
            raise fail(pos, f"expected an object with text and pronunciation, got {item!r}")
        unknown = sorted(set(item) - set(JSON_KEYS))
        if unknown:
            raise fail(pos, f"unknown key {unknown[0]!r}; valid keys: {', '.join(JSON_KEYS)}")
        if "pronunciation" in item and "alias" in item:
            raise fail(pos, "give pronunciation or the legacy alias, not both")
        spoken = item.get("pronunciation", item.get("alias"))
        if spoken is None:
            raise fail(pos, 'entry has no "pronunciation"')
        label = f"{where}:{line_at(pos)}"
        yield _Raw(label, item.get("text"), (("pronunciation", spoken),))  # type: ignore[arg-type]
        pos = skip(end)
        if text.startswith("]", pos):
            break
        if not text.startswith(",", pos):
            raise fail(pos, "expected ',' or ']' after an entry")
        pos = skip(pos + 1)
    if skip(pos + 1) != len(text):
        raise fail(skip(pos + 1), "unexpected text after the closing ']'")


_TOML_LINE = re.compile(r"at line (\d+)")
_WORD_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*word[ \t]*\]\]", re.MULTILINE)


def _toml_entries(text: str, where: str) -> Iterator[_Raw]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = f":{found.group(1)}" if found else ""
        raise DictionaryError(f"{where}{line}: invalid TOML: {exc}") from None
    unknown = sorted(set(data) - {"word", "description"})
    if unknown:
        raise DictionaryError(
            f"{where}: unknown top-level key {unknown[0]!r}; write entries as [[word]] tables"
        )
    words = data.get("word", [])
    if not isinstance(words, list) or not all(isinstance(w, dict) for w in words):
        raise DictionaryError(f"{where}: 'word' must be [[word]] tables")
    labels, line, counted = [], 1, 0
    for header in _WORD_HEADER.finditer(text):
        line += text.count("\n", counted, header.start())
        counted = header.start()
        labels.append(f"{where}:{line}")
    if len(labels) != len(words):  # inline tables: no header line to point at
        labels = [f"{where}: [[word]] #{number}" for number in range(1, len(words) + 1)]
    for label, word in zip(labels, words, strict=True):
        unknown = sorted(set(word) - set(TOML_KEYS))
        if unknown:
            raise DictionaryError(
                f"{label}: unknown key {unknown[0]!r}; valid keys: {', '.join(TOML_KEYS)}"
            )
        spec = tuple(sorted((k, v) for k, v in word.items() if k != "text"))
        yield _Raw(label, word.get("text"), spec)  # type: ignore[arg-type]


def _resolve(raw: _Raw, model: str, is_json: bool) -> Entry:
    """Check one written entry and turn it into what the target model reads."""
    label = raw.label
    # Read as cleanup leaves the text (NFC, plain apostrophes and hyphens, no zero-width or
    # control characters): "O’Reilly" finds "O’Reilly", which the text holds as "O'Reilly".
    written = raw.text if isinstance(raw.text, str) else ""
    text = unicodedata.normalize("NFC", written).translate(CHARACTERS)
    if not text.strip():
        raise DictionaryError(f'{label}: entry has no "text" (the words to replace)')
    if MARK_RE.search(raw.text) or "<<" in raw.text:
        raise DictionaryError(f"{label}: entry text {raw.text!r} contains markup")
    spec = dict(raw.spec)
    target = phonemes.phoneme_set(model)
    try:
        if is_json:
            return _spoken(text, spec["pronunciation"], target, target, label)
        return _toml_spoken(text, spec, target, model, label)
    except PhonemeError as exc:
        hint = ""
        if is_json and target is phonemes.MFA:
            hint = (" (JSON IPA reaches the model as written: for sonic-2 write MFA IPA, or use"
                    " a TOML dictionary, whose ipa = is converted)")  # fmt: skip
        raise DictionaryError(f"{label}: entry {raw.text!r}: {exc}{hint}") from None


def _spoken(text: str, value: Any, written: PhonemeSet, target: PhonemeSet, label: str) -> Entry:
    if not isinstance(value, str) or not value.strip():
        raise DictionaryError(f"{label}: entry {text!r} has an empty pronunciation")
    if "<<" not in value and ">>" not in value:
        # Put in the text after markup became controls: a tag would reach Sonic unchecked
        # (sonic-2 reads it aloud).
        if MARK_RE.search(value) or any(c in value for c in "<>[]"):
            raise DictionaryError(
                f"{label}: entry {text!r}: sounds-like text {value.strip()!r} holds markup; "
                "write plain words (controls belong in the text itself)"
            )
        return Entry(text, sounds_like=value.strip(), origin=label)
    groups = [phonemes.check_set(group, written) for group in phonemes.parse(value)]
    ipa = tuple(phonemes.convert(group, written, target) for group in groups)
    return Entry(text, ipa=ipa, origin=label)


def _toml_spoken(
    text: str, spec: dict[str, Any], target: PhonemeSet, model: str, label: str
) -> Entry:
    ways = [k for k in ("sounds_like", "phonemize") if k in spec]
    if "ipa" in spec or "mfa" in spec:
        ways.append("ipa/mfa")
    if len(ways) != 1:
        raise DictionaryError(
            f"{label}: entry {text!r} needs exactly one of sounds_like, ipa (with optional mfa) "
            f"or phonemize; it has {', '.join(ways) or 'none'}"
        )
    if "sounds_like" in spec:
        if "<<" in str(spec["sounds_like"]):
            raise DictionaryError(f"{label}: entry {text!r}: IPA belongs in ipa =, not sounds_like")
        return _spoken(text, spec["sounds_like"], target, target, label)
    if "phonemize" in spec:
        spelling = text if spec["phonemize"] is True else spec["phonemize"]
        if not isinstance(spelling, str) or not spelling.strip():
            raise DictionaryError(
                f"{label}: entry {text!r}: phonemize is true or a spelling to read"
            )
        return Entry(text, ipa=tuple(phonemes.phonemize(spelling, model)), origin=label)
    # Check every IPA written, whichever one the target model will use.
    written = {
        key: _spoken(text, spec[key], pset, target, label)
        for key, pset in (("ipa", phonemes.CHARSIU), ("mfa", phonemes.MFA))
        if key in spec
    }
    for key, entry in written.items():
        if not entry.ipa:
            raise DictionaryError(f"{label}: entry {text!r}: {key} must be IPA in <<...>> form")
    preferred = "ipa" if target is phonemes.CHARSIU else "mfa"
    return written.get(preferred) or next(iter(written.values()))


def _user_file(name: str, base_dir: Path) -> str | None:
    """The file a dictionary setting names, or None for the name of a shipped dictionary."""
    if not names_a_file(name):
        return None
    return os.path.join(base_dir, name)  # an absolute name stands alone


def _source(name: str, base_dir: Path) -> tuple[str, Traversable | Path]:
    """The label and file of a dictionary setting: a shipped name, or a path labelled as
    resolved against ``base_dir`` (the settings file's folder), not as written."""
    path = _user_file(name, base_dir)
    if path is not None:
        return str(Path(path)), Path(path)
    available = shipped()
    if name not in available:
        raise DictionaryError(
            f"unknown dictionary {name!r}; shipped dictionaries: {', '.join(sorted(available))} "
            "(or give a .json or .toml file path)"
        )
    return available[name].name, available[name]


def load(name: str, model: str, base_dir: Path | None = None) -> list[Entry]:
    """Read and check one dictionary (shipped name or file) for ``model``.

    Raises DictionaryError naming the file and line of the first bad entry.
    """
    where, source = _source(name, base_dir or Path())
    suffix = Path(source.name).suffix.lower()
    if suffix not in SUFFIXES:  # read as TOML, a TSV list was "invalid TOML" at its first line
        raise DictionaryError(
            f"{where}: a dictionary is a .toml or .json (Cartesia's format) file, "
            f"not {suffix or 'a file without a suffix'}"
        )
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise DictionaryError(f"{where}: cannot read dictionary: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")  # a byte order mark (Windows editors) is no content
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DictionaryError(
            f"{where}:{line}: not UTF-8 (byte {data[exc.start]:#04x}); save the dictionary as UTF-8"
        ) from None
    is_json = suffix == ".json"
    if not text.strip():  # a failed save, or the wrong file: not a dictionary of no words
        form = '[{"text": ..., "pronunciation": ...}]' if is_json else "[[word]] tables"
        raise DictionaryError(f"{where}: the dictionary file is empty; write its entries as {form}")
    raws = _json_entries(text, where) if is_json else _toml_entries(text, where)
    entries: dict[str, tuple[_Raw, Entry]] = {}
    for raw in raws:
        entry = _resolve(raw, model, is_json)
        previous = entries.get(entry.text)
        if previous is not None and previous[0].spec != raw.spec:
            raise DictionaryError(
                f"{raw.label}: {raw.text!r} is already defined at {previous[0].label} "
                "with a different pronunciation"
            )
        entries[entry.text] = (raw, entry)
    return [entry for _, entry in entries.values()]


def _version(path: str | None) -> tuple[int, int, int, int] | None:
    """Which version of a user's dictionary file is on disk: device, inode, mtime_ns, size.

    Device and inode name the file the path resolves to (symlinks followed) and come with the
    one ``stat`` call, where resolving the path would cost a call per directory, every segment.
    None for a shipped dictionary (no path: part of the install) or a file that cannot be read
    (then :func:`load` reports it).
    """
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _user_files(names: tuple[str, ...], base_dir: Path) -> tuple[str | None, ...]:
    """:func:`_user_file` of each name (asked for every segment: kept)."""
    return tuple(_user_file(name, base_dir) for name in names)


@lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _compiled(
    names: tuple[str, ...],
    base_dir: Path,
    model: str,
    versions: tuple[tuple[int, int, int, int] | None, ...],
) -> Dictionary:
    """Compile ``names``; ``versions`` only keys the cache, so an edited file is read again."""
    return Dictionary(entry for name in names for entry in load(name, model, base_dir))


def compile_dictionaries(names: tuple[str, ...], base_dir: Path, model: str) -> Dictionary:
    """The merged, compiled dictionaries for one setting (later names override).

    Cached while every file stays the same file with the same modification time and size: a
    file edited or replaced in a long-running process is read again. Files are checked before
    they are read, so an edit during a read is caught on the next call.
    """
    versions = tuple(_version(path) for path in _user_files(names, base_dir))
    return _compiled(names, base_dir, model, versions)


def for_settings(settings: Settings) -> Dictionary:
    """The compiled dictionaries ``settings`` asks for; an error names the settings file (if
    any) and the ``dictionaries`` key."""
    model = "sonic-3" if phonemes.phoneme_set(settings.model) is phonemes.CHARSIU else "sonic-2"
    try:
        # settings.base_dir is a Path already: a new one would hash its parts again, every segment
        return compile_dictionaries(tuple(settings.dictionaries), settings.base_dir, model)
    except DictionaryError as exc:
        exc.args = (settings.in_source(f"dictionaries: {exc}"),)
        raise


@hookimpl(tryfirst=True)
def sonicpipe_normalize_text(doc: Document, settings: Settings) -> None:
    """Before normalization: replace the entries with digits or symbols ("C++", "Dr. Who")."""
    if settings.dictionaries and is_english(doc.language):
        doc.text = for_settings(settings).as_written.apply(doc.text, doc.marks)


@hookimpl
def sonicpipe_refine_segment(segment: Segment, settings: Settings) -> None:
    """Replace the entries of plain words in an English segment by their pronunciations."""
    if settings.dictionaries and is_english(segment.language):
        segment.text = for_settings(settings).as_spoken.apply(segment.text, segment.marks)
