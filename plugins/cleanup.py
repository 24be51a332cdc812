"""Built-in plugin: cleanup, stage 1 of the text chain.

Runs after the ``markup`` plugin (which is ``tryfirst``), so author markup is already a mark
placeholder (markup shown in code, :func:`code_regions`, is still text, read as code); every
placeholder is kept, in order, even inside text that cleanup drops (a code block, a link
target, an HTML comment); a paragraph of marks alone joins the next paragraph.
The result has one paragraph per block, paragraphs separated by exactly one blank line, no hard
line wraps (the lines of a paragraph are joined by spaces) and only single spaces.

Decisions a later stage can rely on:

* Unicode NFC; typographic quotes become ``'`` and ``"``; ``…`` and ``. . .`` become ``...``;
  odd spaces become a space; soft hyphens, zero-width characters, bidi and variation selectors
  and control characters (other than line breaks) are removed.
* Dashes: an en dash between numbers is a range and becomes ``-`` (``1914-1918``); any other
  unspaced en dash, minus sign or Unicode hyphen becomes ``-``. An em dash, a spaced en dash or
  ``--`` is a spoken pause and becomes ``", "``; next to other punctuation it becomes a space,
  at the start of a paragraph it goes, and before a closing quote or the end of a paragraph
  (an interruption) it becomes ``...``, unless ``,``, ``;`` or ``:`` ends the words before it
  (``Dear Sirs,--``, ``as follows:--``): then it goes.
* An arrow that points at a link or at what comes next (``Shop now →``, ``→ Next step``,
  ``Read more ->``: at a paragraph's start or end, or before a sentence's punctuation) is
  decoration and goes; ``Paris → London`` keeps it, and so does code; a long one between words
  (``File --> Save``) is written ``->``.
* A word hyphenated across a line break (``wonder-\\nful``) is joined, unless the next line
  starts with a capital, the first part is itself hyphenated (``well-to-``) or the hyphenated
  form occurs elsewhere in the text (``sea-captain``).
* Every paragraph (a markdown heading, list item or table row is a paragraph of its own) that
  does not end in punctuation gets a period, so it is spoken as its own sentence.
* A line break (U+2028, LINE SEPARATOR: a book's verse, an address; with ``markdown``, a
  hard break, a line's trailing backslash or two spaces, and a ``<br>`` inside a block too;
  two spaces only in a text that looks like markdown and in verse, see MARKDOWN_HINT_RE)
  ends a line of its paragraph. A line whose words end without punctuation runs its sentence
  on to the next line and gets a comma, a light pause, not a sentence's falling end: "Up
  above the world so high,". A line in capitals (a heading: ``CHAPTER II`` / ``THE POOL``)
  gets a period; one that the next goes on from with a small letter is wrapped text. Two
  U+2028 in a row (an empty line: a stanza's end) end the paragraph.
* A line all in bold (``**Describe the bug**``) that starts its paragraph or a sentence, over
  a line that does not go on with a small letter, is a heading and ends its own sentence.
* A paragraph's first line of a few words in capitals, above a line that is not, is a
  speaker's name or a heading and ends its own sentence: a script's ``SARAH`` /
  ``(to John) Is anyone here?`` reads "SARAH. (to John) Is anyone here?", without the
  name's extension (``JOHN (O.S.)``, ``SARAH (CONT'D)``: see SCRIPT_EXTENSION_RE). So does a
  screenplay's scene heading in capitals, a slugline of any length (``INT. SARAH'S
  APARTMENT - LIVING ROOM - NIGHT``, ``EXT./INT. CAR - DAY``), at a paragraph's start or
  after a sentence's end.
* An e-mail's signature keeps its line ends: after a sign-off on a line of its own (``Best,``,
  ``Kind regards``, ``Thanks!``, a signature's ``--``, which goes) that starts its paragraph
  or follows a sentence's end, up to six lines of 50 characters or fewer to the paragraph's
  end each end as a line does: "Best, Jane Doe, ACME Corp." (they ran together). Wrapped
  prose has longer lines, lines that go on with a small letter, or no sentence's end before
  the sign-off word.
* A quoted e-mail's header (``From:``, ``Sent:``, ``Subject:`` ... on lines of their own)
  keeps its line ends, each a comma.
* A numbered list item keeps its number, written ``N.`` (``2)`` too), and is read with it
  ("One. Install it."): the number may be content (a year starting a paragraph, ``1851. In
  the year``; a numbered heading, ``1. By Road.``) and in a list it is the step's number. A
  list numbered lazily (each item ``1.``, shown as 1, 2, 3) is read as shown, when its items
  are on consecutive lines. Only bullets (``-``, ``*``, ``+``, ``•`` ...) are dropped.
* URLs, bare domains with a well-known top-level domain and e-mail addresses are spelled as
  spoken words: ``https://www.example.com/docs`` -> ``example dot com slash docs``. The scheme,
  ``www.`` and the fragment are dropped, and so is a query string longer than 20 characters.
  An address in angle brackets (``<https://...>``, ``<jane@example.org>``) loses them.
  File paths are spelled too: ``~/.config`` -> ``tilde slash dot config``, ``/usr/bin`` ->
  ``slash usr slash bin``, ``./configure`` (a path from the root needs two parts: ``/help``
  stays).
* Tags (Sonic's own are already marks): HTML tags go when ``markdown`` is on (their text
  stays; a block or cell closed after words with no punctuation, ``</li>``, ``</p>``,
  ``</td>``, gets a period or, between cells, a comma; a page's ``<head>``, its title too,
  which the page's heading says again, ``<!DOCTYPE>`` and an element that is not shown,
  ``hidden`` or ``display: none`` (an e-mail's preheader), go whole); an SSML ``<speak>``
  wrapper always goes. Any other tag outside code (``<prosody>``,
  ``<say-as>``, ``<b>`` in plain text) is a MarkupError naming the line and the supported
  markup. Not tags: ``a < b``, ``x<5``, ``<<...>>``, an opening tag right after a word, a
  type parameter (``List<T>``), a would-be tag between two words whose text after the name
  is no attributes (``a<b and c>d``), and words in angle brackets that nothing closes, with no
  attributes, a placeholder or a chat's nick (``Use <filename> here``, ``<jane> hi``), read
  without their brackets.
* Lines made only of ``* * *``, ``---``, ``===`` and the like are section breaks.
* Rows pasted from a spreadsheet (two lines or more with as many tabs between their cells)
  are read as a table's rows (see ``_tab_rows``).
* A web article's note markers go: ``rise.[1]``, ``huge.[a]``, ``[citation needed]``,
  ``huge¹`` (see NOTE_MARKERS_RE).
* A transcript's time stamp in brackets or parentheses at a line's start or end goes
  (``[00:00:05] John: Hi``, ``Speaker 1 (00:01:10):``); each such line starts a paragraph,
  and a chat log's nick after it is the speaker's name (``[10:42] <jane> hi``: "jane: hi").
  So do the lines of a time stamp alone of a copied YouTube transcript (see STAMP_LINE_RE).
* Subtitles pasted as text (``.srt``, ``.vtt``) are read as their words (see ``_subtitles``).
* A chat's markup as Slack's and Discord's APIs and exports hold it is read as their reader
  sees it (see CHAT_RE): ``<https://x.com|the report>`` is "the report", ``<@U123|jane>``
  "jane", ``<#C123|general>`` "general", ``<!here>`` "@here", a custom emoji
  ``<:pepe:123>`` its short code ``:pepe:``, a time stamp ``<t:1618953630:f>`` "April 20,
  2021 at 9:20 PM UTC"; a mention with no name (``<@U123>``) goes.
* A transcript's or script's cue that markup's brackets miss is the mark it stands for, as
  markup reads one in brackets (see ``_cue``): in parentheses (``(Applause)``, ``(laughs)``,
  ``(beat)``, ``(man coughs)``; a sound, ``(music)``, ``(door creaks)``, only standing as a
  cue, at a line's start or between sentences: as a gloss in a sentence it stays), spaced
  in brackets (``[ upbeat music ]``) and between captions' music notes (``♪ upbeat music
  ♪``; a song's words there stay, and the notes go as emoji do). A way of speaking
  (``(whispering)``, ``(shouting)``) is the volume it is said at to its paragraph's or
  turn's end, as markup's ``[whispers]`` is: "SARAH" / "(whispering)" / "Is anyone here?"
  reads "SARAH. Is anyone here?" at half the volume. A reference link's text is no cue:
  ``[Music][1]`` reads "Music", as ``[Music](https://...)`` does.

Options, from ``[options.cleanup]``:

* ``markdown`` (``true``): remove markdown. Headings, emphasis (strikethrough too, ``~~a~~`` and
  Slack's ``~a~``, and Discord's spoiler ``||a||``), inline code (its text is kept), links
  (their text is kept), autolinks, HTML tags, block quotes (GitHub's alert ``> [!NOTE]`` is
  "Note:"; a quote inside a quote is a paragraph of its own), lists, tables (cells joined by
  commas, one paragraph per row; a table drawn in text too, whose rules ``+---+`` say nothing),
  task-list boxes, footnote references (``[^1]``, a trailing ``*``) and definitions, reference
  links, backslash escapes and HTML entities. ``*`` and ``_`` count as emphasis only around a
  word or a code span (``**`--force`**``; never in ``5 * 3`` or ``file_name.txt``); an ``_``
  that opens or closes italics spanning paragraphs goes too, when it is the only stray one at
  its paragraph's start or end (Gutenberg's ``_"We are,`` ... ``SON."_``). Gutenberg's sub- and
  superscripts lose their braces (``H_{2}O`` -> ``H2O``, ``4^{th}`` -> ``4th``); a superscript
  number stays a power (``x^{2}`` -> ``x^2``). The text of a code span is kept exactly, but for
  Sonic's own markup shown in it, read as its words so that Sonic does not act on it: a tag's
  name and attributes with no quotes or equals signs (``<break time="1s"/>``:
  ``break time 1s``), no closing tag, ``[laughter]``: ``laughter``; indented code blocks are
  not recognised (they read as text).
  TeX math (``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``) is read simply, its commands
  as words (``$\\frac{a}{b} \\le 2x$``: "a over b is less than or equal to 2 times x"; a
  power stays ``x^2`` for normalize), or, when it holds more (``\\begin{aligned}``,
  ``\\mathcal``), it is "Formula omitted." as a paragraph of its own and "formula omitted"
  inside one (nothing with ``code_blocks = "drop"``). A single-dollar form has no space
  inside its dollars and no digit after them (``$5 and $10`` is money) and must look like
  math (a command, ``^``, ``_``, ``=``, ``+``, ``<``, ``>``, braces, or a single letter:
  ``$HOME/$USER`` stays).
  Unicode bullets at a line start (``•``, ``◦``, ``▪``, ``‣``, ``●`` ...) are list items like
  ``-``; so is ``–`` where a list can be (first in a paragraph or after another item), and
  inside a paragraph it stays a dash. A ``•`` inside a line is a pause, like a dash, and so
  is a spaced ``|`` or ``·`` (``Home | About``, ``Unsubscribe · View``; ``a|b`` stays).
* ``code_blocks`` (``"announce"``): a fenced code block (an HTML ``<pre>`` too, as an HTML
  ``<code>`` is a code span) becomes the paragraph "Code omitted." (``"announce"``) or
  nothing (``"drop"``). A fence that is never closed runs to the end of the text, as in
  CommonMark (a reply cut off inside its code). A bare ``~~~`` line (no info string
  like ``~~~python``) is a section break instead when it is never closed, or when the lines up
  to its closing ``~~~`` read as prose: some line ends a sentence and none looks like code.
* ``images`` (``"drop"``): markdown and HTML images are dropped (``"drop"``) or read as their
  alt text (``"alt"``).
* ``emoji`` (``"remove"``): emoji (pictographs, flags, skin tones, ZWJ sequences, keycaps) are
  removed (``"remove"``), replaced by their Unicode names (``"describe"``: "thumbs up sign"),
  or kept (``"keep"``). A keycap digit (``1️⃣``) keeps its digit unless kept whole. Text
  emoticons apart from words (``:)``, ``;-)``, ``:D``, ``:(``, ``<3`` at a line's end, the
  shrug) go the same way ("smiley", "heart"); "I <3 NY" is "I love NY", and so is "I ❤️ NY"
  ("Made with ❤️ by": "with love"). So do emoji short
  codes (``:thumbsup:``, ``:+1:``, ``:white_check_mark:``), described as their names.
  Lines that start with an emoji, two or more in a row (``✅ Done`` / ``❌ Failed``), are a
  list's items, each its own sentence (a keycap's, ``1️⃣ Open``, a numbered one); not lines
  between music notes, a song's.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from typing import Any
from urllib.parse import unquote

from sonicpipe.builtin.markup import (
    DEFINITION_RE,
    INSTEAD_OF,
    LAUGHTER,
    PAUSES,
    SOUND_MS,
    TAG_NAMES,
    VOICE_MS,
    MarkupError,
    cue,
    cue_name,
    end_manners,
    is_manner,
    link_label,
    unsupported_tag,
)
from sonicpipe.builtin.normalize import PHONE_WORDS

from sonicpipe.config import ConfigError, Settings
from sonicpipe.hookspecs import hookimpl
from sonicpipe.model import MARK_CHARS as MARKS
from sonicpipe.model import MARK_RE, Document, Mark, MarkKind, MarkTable, strip_marks

__version__ = "0.1.0"


@dataclass(frozen=True)
class CleanupOptions:
    """The validated ``[options.cleanup]`` table."""

    markdown: bool = True
    code_blocks: str = "announce"
    images: str = "drop"
    emoji: str = "remove"

    @classmethod
    def from_mapping(cls, options: Mapping[str, Any]) -> CleanupOptions:
        """Validate the values of a plugin options table (its keys are checked by the plugin
        host); errors name the option and the valid values."""
        values = {key: options[key] for key in VALID_VALUES if key in options}
        for key, value in values.items():
            allowed = VALID_VALUES[key]
            if value not in allowed or type(value) is not type(allowed[0]):
                raise ConfigError(
                    f"options.cleanup.{key}: {value!r} is not valid; valid: "
                    f"{', '.join(map(_toml, allowed))}"
                )
        return cls(**values)


VALID_VALUES: dict[str, tuple[Any, ...]] = {
    "markdown": (True, False),
    "code_blocks": ("announce", "drop"),
    "images": ("drop", "alt"),
    "emoji": ("remove", "describe", "keep"),
}
sonicpipe_options = tuple(VALID_VALUES)
CODE_OMITTED = "Code omitted."


def _toml(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _marks_in(text: str) -> str:
    """The mark placeholders of text that is being dropped, so that none is lost."""
    return "".join(MARK_RE.findall(text))


# -- characters ------------------------------------------------------------------------------

_REPLACE = {
    **dict.fromkeys("“”„‟«»〝〞〟＂″‶", '"'),
    **dict.fromkeys("‘’‚‛‹›′‵＇´", "'"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d", "-"),
    **dict.fromkeys("\u2014\u2015", "--"),
    "…": "...",
    # a PDF's ligatures ("ﬁnancial") and fullwidth letters and digits ("ＡＢＣ１２３"), which
    # were read as symbols or not at all: their letters (as NFKC has them), and "℃", "℉"
    **{chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)},
    **{chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()},
    "℃": "°C",
    "℉": "°F",
    **dict.fromkeys("\t\xa0\u1680\u202f\u205f\u3000", " "),
    **dict.fromkeys([chr(c) for c in range(0x2000, 0x200B)], " "),
    **dict.fromkeys("\v\f\x1c\x1d\x1e\x85", "\n"),  # and LINE_BREAK: see _line_end
    "\u2029": "\n\n",
}
_REMOVE = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\v\f\x1c\x1d\x1e"]
    + [chr(c) for c in range(0x7F, 0xA0) if c != 0x85]
    + list("\xad\u034f\u061c\u180e\u200b\u200c\u200d\u200e\u200f\ufeff\ufffc\ufffd")
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x2070)]
    + [chr(c) for c in range(0xFE00, 0xFE10)]
    + [chr(c) for c in range(0xE0000, 0xE0080)]
    + [chr(c) for c in range(0xE0100, 0xE01F0)]
)
CHARACTERS = str.maketrans({**_REPLACE, **dict.fromkeys(_REMOVE)})
_EMOJI_PARTS = "\u200d\ufe0e\ufe0f" + "".join(map(chr, range(0xE0020, 0xE0080)))
CHARACTERS_KEEPING_EMOJI = {k: v for k, v in CHARACTERS.items() if chr(k) not in _EMOJI_PARTS}


def _characters_table(options: CleanupOptions) -> dict[int, str | None]:
    return CHARACTERS_KEEPING_EMOJI if options.emoji == "keep" else CHARACTERS


# A tab between two cells of a row, as a spreadsheet is pasted (see _tab_rows); the pattern
# starts with a literal, which is fast
TAB_CELL_RE = re.compile(r"\t(?<=\S\t)(?=[ \t]*\S)")
MIN_TAB_ROWS = 2
_BULLETS = "•◦▪▫‣⁃●○■□∙–"
BULLET_RE = re.compile(rf"^([ \t{MARKS}]*)([{_BULLETS}])\ufe0f?(?=[ \t])", re.M)
LIST_LINE_RE = re.compile(rf"[ \t]*(?:[-*+{_BULLETS}]|\d{{1,9}}[.)])[ \t]")
EN_DASH_RANGE_RE = re.compile(r"(?<=\d)[ \xa0]*–[ \xa0]*(?=\d)")
# A no-break, narrow no-break or thin space between digit groups is a thousands separator (SI
# style: "10\u202f000"); it is written as a comma before spaces are made plain, so the number
# stays one number ("1\xa0234\xa0567"). Not in a phone number: after "+" ("+33\xa0612\xa0345"),
# after a phone word ("Call 555\xa0000\xa0123") or before a group of four ("555\xa0123\xa04567").
_GROUP_SPACE = "[\xa0\u2009\u202f]"
DIGIT_GROUPS_RE = re.compile(
    rf"(?<![\d+])(?<![\d+]{_GROUP_SPACE})\d{{1,3}}(?:{_GROUP_SPACE}\d{{3}})++(?!{_GROUP_SPACE}?\d)"
)
PHONE_WORDS_BEFORE = re.compile(rf"{PHONE_WORDS}\s*$")
EN_DASH_PAUSE_RE = re.compile(r"(?<=\s)–|–(?=\s)")
GUILLEMET_RE = re.compile(r"«[ \xa0\u202f]*|[ \xa0\u202f]*»")
SPACED_ELLIPSIS_RE = re.compile(r"\.(?: \.){2,}")
MAX_NAME_WORDS = 4  # of a line in capitals that ends its own sentence (see _names_the_next)
# A screenplay's extension after a speaker's name, which says how the line is heard, not a
# word of it: "JOHN (O.S.)", "SARAH (CONT'D)", "NARRATOR (V.O.)" (see _names_the_next)
SCRIPT_EXTENSION_RE = re.compile(
    r"[ \t]*\((?:O\.S\.|O\.C\.|V\.O\.|CONT'D|CONTD|CONT\.|CONTINUING|MORE|PRE-LAP|FILTERED"
    r"|ON PHONE|ON SCREEN|ON TV|INTO PHONE)\)",
    re.I,
)
# A screenplay's scene heading, a slugline, in capitals: "INT. KITCHEN - NIGHT", "EXT./INT. CAR
# - MOVING", "I/E. TRAIN - DAY"; it ends its own sentence (see _is_slugline)
SLUGLINE_RE = re.compile(r"(?:(?:INT|EXT|EST)(?:\.?/(?:INT|EXT))?|I/E)\.[ \t]")
# An e-mail's sign-off, on a line of its own, above its signature (see _end_signature_lines)
SIGN_OFF_RE = re.compile(
    r"(?:(?:best|kind|kindest|warm|warmest)\s+regards|regards|best(?:\s+wishes)?|all the best"
    r"|(?:many\s+)?thanks(?:\s+again)?|thank\s+you|cheers|(?:yours\s+)?sincerely"
    r"|sincerely\s+yours|yours\s+(?:truly|faithfully)|cordially|respectfully|warmly"
    r"|take\s+care|--)[,.!]?",
    re.IGNORECASE,
)
MAX_SIGNATURE_LINES = 6  # below a sign-off
# A field of a quoted e-mail's header, which starts a line (see _end_header_lines)
EMAIL_HEADER_RE = re.compile(r"(?:From|Sent|Date|To|Cc|Bcc|Subject|Reply-To):\s")
# Words a line of prose may stop at while its sentence goes on: no signature line ends so
RUNS_ON_WORDS = frozenset(
    ("a", "an", "and", "at", "but", "by", "for", "from", "in", "of", "on", "or", "the", "to",
     "with")
)  # fmt: skip
MAX_SIGNATURE_LINE = 50  # characters: a name, a title, a company, a phone number
LINE_BREAK = "\u2028"  # Unicode's line separator; a book reader's line within a paragraph
LINE_BREAK_RE = re.compile(rf"(?P<marks>[ \t{MARKS}]*){LINE_BREAK}")
# A markdown hard break before a line (a backslash or two spaces at its end), a <br> in a block
HARD_BREAK_RE = re.compile(
    r"(?:\\|(?P<spaces>[ \t]{2,}))(?=\n[ \t]*\S)|(?P<br>[ \t]*<br\s*/?>)", re.I
)
# Two spaces at a line's end are a hard break only in a text that looks like markdown or in
# verse: pasted prose has them by chance (an e-mail's wrapped line, two spaces after a word),
# and there the line is wrapped, joined with a space ("to see  \nJohn and Mary" read "to see,
# John and Mary"). Markdown: a heading, a fence, a link, strong emphasis, a code span or a
# backslash hard break. Verse: a paragraph of three lines or more, each of them short, none
# starting with a small letter (as a narrow column's wrapped prose does), each but the last
# ended by a hard break.
MARKDOWN_HINT_RE = re.compile(r"^ {0,3}(?:#{1,6}[ \t]|```|~~~)|\]\(|\*\*\S|`[^`\n]+`|\\\n", re.M)
VERSE_LINE_END_RE = re.compile(r"(?:\\|[ \t]{2,})$")
MIN_VERSE_LINES = 3
MAX_VERSE_LINE = 60  # characters
# A spaced middle dot between words is a pause; between numbers or single letters it is a
# product ("2 · 3", "F · d") and stays
SPACED_DOT_RE = re.compile(r"(\S*) · (?=(\S*))")
PRODUCT_TERM_RE = re.compile(r"[\d.,]*\d|[^\W\d_]")
# What a hard break needs (HARD_BREAK_RE's scan is slow: any space may start one): a line end
# after a backslash or two spaces or tabs, or a <br>
HARD_BREAK_ENDS = ("\\\n", "  \n", "\t \n", "\t\n")
BR_RE = re.compile(r"<br\s*/?>", re.I)
LINE_START_RE = re.compile(rf"\n|{LINE_BREAK}|<br\s*/?>", re.I)
# What starts a markdown block: the line before it ends its own, with no break
NEXT_BLOCK_RE = re.compile(r"\s*(?:[-*+]\s|\d{1,9}[.)]\s|#{1,6}\s|>|\||```|~~~|$)")
STANZA_END_RE = re.compile(rf"[ \t{MARKS}]*{LINE_BREAK}")  # an empty line after it

# A transcript's cue that markup's brackets miss (see _cue): in parentheses ("(applause)",
# TED's "(Laughter)", "(laughs)") or spaced in brackets ("[ Music ]"), a known cue word, maybe
# with a time stamp ("(inaudible 00:12:34)"), apart from words. One pattern for each bracket:
# a pattern that starts with a literal character finds it fast.
_CUE = (
    r"(?P<inner>[ \t]*(?P<name>[A-Za-z][A-Za-z_ \t]{0,30}?)"
    r"(?:[ \t]+\d{1,2}(?::\d{2}){1,2})?[ \t]*)"
)
_APART = rf"(?![^\s{MARKS}.,;:!?)\]])"
CUE_RES = (
    re.compile(rf"\((?<![^\s{MARKS}(\[]\(){_CUE}\){_APART}"),
    re.compile(rf"\[(?<![^\s{MARKS}(\[]\[){_CUE}\]{_APART}"),
)
# A transcript's time stamp in brackets or parentheses at a line's start or end, where it
# marks a speaker's turn ("[00:00:05] John: Hi", "Speaker 1 (00:01:10):"), which a listener
# need not hear; the patterns looked for first start with a literal, which is fast
_STAMP = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
# at a line's end, a stamp from the start of a recording, not a clock's time ("Lunch (12:00)")
_RECORDING_STAMP = r"(?:\d{1,2}:\d{2}:\d{2}|0\d?:\d{2})(?:[.,]\d{1,3})?"
TIME_STAMP_HINT_RES = (re.compile(rf"\[{_STAMP}\]"), re.compile(rf"\({_STAMP}\)"))
TIME_STAMP_RE = re.compile(  # and a chat log's nick after a stamp ("[10:42] <jane> hi")
    rf"^([ \t{MARKS}]*)(?:\[{_STAMP}\]|\({_STAMP}\))[ \t]*(?:<(?P<nick>[^\s<>]{{1,30}})>[ \t]+)?"
    rf"|[ \t]*(?:\[{_RECORDING_STAMP}\]|\({_RECORDING_STAMP}\))(?=[ \t]*:?[ \t]*$)",
    re.M,
)
# A transcript's time stamps on lines of their own, as YouTube's transcript is copied
# ("0:00" / "hello everyone" / "0:03" / "welcome back"): three or more, rising from the first
# minute, so an agenda's times ("9:00" / "Welcome") stay
STAMP_LINE_RE = re.compile(r"^[ \t]*(\d{1,2}(?::\d{2}){1,2})[ \t]*(?:\n|\Z)", re.M)
MIN_STAMP_LINES = 3
# What a cue in parentheses stands after, standing as a cue: a line's start, a sentence's
# end, another cue
CUE_AFTER_RE = re.compile(rf"(?:^|[\n{LINE_BREAK}]|[.!?][\"')\]]*|[)\]])[ \t{MARKS}]*\Z")
# A transcript's own words for what it could not write, cues wherever they stand (see _cue)
TRANSCRIPT_WORDS = frozenset(
    ("applause", "inaudible", "unintelligible", "crosstalk", "blank_audio")
)
# Laughter in parentheses, a break: a voice's ("(laughs)"), an audience's ("(Laughter)")
PAREN_LAUGHTER = {**dict.fromkeys(LAUGHTER, VOICE_MS), "laughter": SOUND_MS}
# A script's pauses in parentheses: "(beat)", "(long pause)"; "Lunch (break)" is a word
PAREN_PAUSES = PAUSES.keys() - {"break"}

# Captions' cue between music notes, "♪ upbeat music ♪" (a song's words are sung between
# them too: "♪ Never gonna give you up ♪"; see _notes_cue)
MUSIC_NOTES = "♪♫"
NOTES_CUE_RE = re.compile(
    rf"[{MUSIC_NOTES}]+[ \t]*([A-Za-z][A-Za-z \t-]{{0,40}}?)[ \t]*[{MUSIC_NOTES}]+"
)
# A chat's markup as Slack's and Discord's messages hold it, copied from their APIs, exports
# and bots: a link with its label ("<https://x.com/r|the report>"), a mention with a name
# ("<@U024BE7LH|jane>", "<#C024BE7LR|general>") or none ("<@U024BE7LH>", "<@!1234>",
# "<#1234>"), a special mention ("<!here>"), a group's ("<!subteam^S01|@design>"), a date with
# its text as shown ("<!date^1392734382^{date}|Feb 18, 2014>") and a custom emoji
# ("<:pepe:1234>", "<a:dance:5678>") and Discord's time stamp ("<t:1618953630:R>"); each was
# read as written ("<at U024BE7LH>")
CHAT_RE = re.compile(
    r"<(?:(?P<link>(?:https?|ftp|mailto):[^|<>\s]+)\|(?P<label>[^<>]+)"
    r"|[@#](?:[UWCGD][A-Z0-9]{2,}|[!&]?\d+)(?:\|(?P<name>[^<>]+))?"
    r"|!(?P<special>here|channel|everyone)(?:\|[^<>]*)?"
    r"|!subteam\^\w+(?:\|(?P<team>[^<>]+))?"
    r"|!date\^[^|<>]*\|(?P<date>[^<>]+)"
    r"|a?:(?P<emoji>\w+):\d+"
    r"|t:(?P<stamp>-?\d{1,11})(?::(?P<style>[tTdDfFR]))?)>"
)
CHAT_HINT_RE = re.compile(r"<(?:[@#!]|a?:\w|t:-?\d|(?:https?|ftp|mailto):[^|<>\s]+\|)")
# Subtitles pasted as text (SubRip's .srt, WebVTT's .vtt; see _subtitles): a cue's timing
# line, "00:00:01,000 --> 00:00:04,000" (VTT: "00:01.000 --> 00:04.000 align:start")
_CUE_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}[,.]\d{1,3}"
SUBTITLE_TIMING_RE = re.compile(rf"[ \t]*{_CUE_TIME}[ \t]+-->[ \t]+{_CUE_TIME}(?:[ \t].*)?")
SUBTITLE_HINT_RE = re.compile(rf"^{SUBTITLE_TIMING_RE.pattern}", re.M)
# What a cue's text holds that says nothing: VTT's voice, class, language and ruby tags and
# its word timings ("<v Roger>", "<c.yellow>", "<00:00:01.500>"), italics, bold, underline
# and font (also in .srt), and an .srt's ASS position codes ("{\an8}")
SUBTITLE_TAG_RE = re.compile(
    r"</?(?:[biuc]|v|lang|ruby|rt|font)(?:[.\s][^<>]*)?>"
    r"|<(?:\d{1,2}:)?\d{2}:\d{2}\.\d{3}>|\{\\[^{}]*\}",
    re.I,
)
VTT_BLOCK_RE = re.compile(r"(?:WEBVTT|NOTE|STYLE|REGION)(?:[ \t]|$)")  # blocks of no cue

# -- emoji -----------------------------------------------------------------------------------

_PICTOGRAPHS = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55"
    "\u231a\u231b\u2328\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u3030\u303d\u3297\u3299"
)
_MODIFIERS = "\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_EMOJI = (
    rf"[0-9#*]\ufe0f?\u20e3"  # keycap
    rf"|[{_PICTOGRAPHS}][{_MODIFIERS}]*(?:\u200d[{_PICTOGRAPHS}][{_MODIFIERS}]*)*"
    rf"|[^\w\s{MARKS}]\ufe0f"  # a text symbol asked to look like an emoji: ©️ ‼️
)
EMOJI_RE = re.compile(_EMOJI)
# A line that starts with an emoji: two or more in a row are a list's items, each a sentence
# ("✅ Done" / "❌ Failed" read "Done Failed"; see _emoji_items)
EMOJI_LINE_RE = re.compile(rf"^([ \t{MARKS}]*)({_EMOJI})[ \t]+(?=\S)", re.M)
# A heart as a verb, after "I" or "with", is "love" ("I ❤️ NY", "Made with ❤️ by"), as "<3" is
_HEARTS = "❤♥💕💖💗💙💚💛💜🖤🤍🤎🧡💓💞"
HEART_HINT_RE = re.compile(f"[{_HEARTS}]")
HEART_LOVE_RE = re.compile(
    rf"(?<=(?<!\S)[Ii] )[{_HEARTS}]\ufe0f?(?=[ \t]+\w)|(?<=\bwith )[{_HEARTS}]\ufe0f?(?!\w)"
)
EMOJI_RUN_RE = re.compile(rf"(?:{_EMOJI})(?:[ \t]*(?:{_EMOJI}))*")
_REGIONAL = range(0x1F1E6, 0x1F200)
_SILENT = frozenset(  # joiners, selectors, skin tones and tag letters say nothing
    "\ufe0e\ufe0f\u200d\u20e3"
    + "".join(map(chr, [*range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)]))
)


def _describe(emoji: str) -> str:
    """Unicode names of one emoji sequence: "thumbs up sign", "man woman girl", "flag"."""
    if any(ord(ch) in _REGIONAL for ch in emoji):
        return "flag"
    names = (unicodedata.name(ch, "").lower() for ch in emoji if ch not in _SILENT)
    return " ".join(name for name in names if name)


def _emoji_run(match: re.Match[str], mode: str) -> str:
    run = match.group()
    if mode == "remove":
        return " " + "".join(filter(str.isdigit, run)) + " "  # a keycap keeps its digit
    spoken: list[str] = []
    for emoji in EMOJI_RE.findall(run):
        words = emoji[0] if emoji[0].isdigit() else _describe(emoji)
        if words and (not spoken or spoken[-1] != words):
            spoken.append(words)
    return " " + ", ".join(spoken) + " "


# Text emoticons, read like emoji (see the ``emoji`` option): a face standing apart from words
# (":)", ":-(", ";)", ":D"; not "http:/", "(a:)" nor "at 10:30"), a heart "<3" with no word
# after it on its line ("love you <3"; not "values <3 are dropped"), "<3" after the pronoun "I",
# always read "love" ("I <3 NY"), and the shrug.
EMOTICONS = {
    ")": "smiley", "]": "smiley", "(": "sad face", "[": "sad face", "D": "grinning face",
    "P": "face with tongue", "p": "face with tongue", "O": "surprised face",
    "o": "surprised face", "/": "unsure face", "\\": "unsure face", "|": "straight face",
}  # fmt: skip
EMOTICON_RE = re.compile(
    r"(?<!\S)(?:(?P<eyes>[:;])(?P<tear>['’])?-?(?P<mouth>[)(\]\[DPpOo/\\|])"
    r"|(?P<heart><3+)(?=[ \t]*(?:[.!?]*[ \t]*$|\n))|(?<=(?<!\S)[Ii] )(?P<love><3)(?=[ \t])"
    r"|¯\\?_\(ツ\)_/¯)"  # the shrug, maybe with its markdown escape removed
    r"(?![^\s.,!?;:)\]])",
    re.M,
)

# What an emoticon has, looked for before the pattern (a speed-up: few paragraphs have one).
# It starts with one set of characters, which the regex engine scans for fast.
EMOTICON_HINT_RE = re.compile(r"[:;<¯](?:(?<=[:;])['’]?-?[)(\]\[DPpOo/\\|]|(?<=<)3|(?<=¯))")


# An emoji's short code, as Slack, GitHub and Discord write it (":thumbsup:", ":+1:",
# ":white_check_mark:", a run ":tada::tada:"), apart from words; read like emoji
SHORTCODE_RE = re.compile(  # ":" first: a pattern that starts with a literal is fast
    r":(?<![^\s(]:)(?:[a-z0-9_+-]*[a-z][a-z0-9_+-]*|[+-]1):"
    r"(?::(?:[a-z0-9_+-]*[a-z][a-z0-9_+-]*|[+-]1):)*(?![^\s.,;!?)])"
)
SHORTCODE_WORDS = {"+1": "thumbs up", "-1": "thumbs down"}


def _shortcodes(match: re.Match[str], mode: str) -> str:
    """Emoji short codes read as the ``emoji`` option says: gone, or their names as words."""
    if mode == "remove":
        return " "
    names = match.group().strip(":").split("::")
    words = (SHORTCODE_WORDS.get(name, name.replace("_", " ").replace("-", " ")) for name in names)
    return " " + ", ".join(dict.fromkeys(words)) + " "


def _emoticon(match: re.Match[str], mode: str) -> str:
    if match["love"]:
        return " love "  # "I <3 NY" in any mode
    if mode == "remove":
        return " "
    if match["heart"]:
        return " heart "
    if not match["mouth"]:
        return " shrug "
    if match["tear"]:
        return " crying face "
    return " winking face " if match["eyes"] == ";" else f" {EMOTICONS[match['mouth']]} "


# -- blocks ----------------------------------------------------------------------------------

HTML_CODE_RE = re.compile(  # an unclosed one looks no further than the next
    r"<(?P<name>pre|code)\b[^<>]*>(?P<text>(?:(?!<(?P=name)\b).)*?)</(?P=name)\s*>", re.S | re.I
)
INNER_TAG_RE = re.compile(r"<[^<>]*>")  # the highlighting inside HTML code: <span class=k>
BACKTICKS_RE = re.compile(r"`+")
# An HTML element that is not shown (an e-mail's preheader, a tracking note): its opening tag
# has the "hidden" attribute or a style of "display: none" (or Outlook's "mso-hide: all")
HIDDEN_RE = re.compile(
    r"<(?P<name>[a-z][\w-]*)\b[^<>]*?(?:(?<=\s)hidden(?=[\s=/>])|display\s*:\s*none\b"
    r"|mso-hide\s*:\s*all\b)[^<>]*>",
    re.I,
)
HTML_DROP_RE = re.compile(  # an unclosed "<!--" looks no further than the next one
    r"<!--(?:(?!<!--).)*?-->|<(script|style|head)\b[^>]*>(?:(?!<\1\b).)*?</\1\s*>"
    r"|<![a-z][^<>]*>|<\?xml\b[^<>]*\?>",  # "<!DOCTYPE html>", '<?xml version="1.0"?>'
    re.S | re.I,
)
# marks before a block marker go after it, so "<emotion/># Title" is still a heading
LEADING_MARKS_RE = re.compile(
    rf"^([{MARKS}]+)( {{0,3}}(?:#{{1,6}}(?=\s)|[-*+](?=\s)|\d{{1,9}}[.)](?=\s)|>|\||```|~~~)\s*)",
    re.M,
)
HYPHEN_BREAK_RE = re.compile(r"-\n[ \t]*(?=[^\W\d_])")
WORD_RE = re.compile(r"[^\W\d_]+")
WORD_END_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*\Z")
COMPOUND_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
SEPARATOR_RE = re.compile(r"\s*([-*_=~#])(?:\s*\1){2,}\s*")
SETEXT_RE = re.compile(r" {0,3}(?:=+|-+)\s*")
FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
# What makes the lines between two bare "~~~" prose (section breaks) or code (see _fences_code).
SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*\s*$")
CODE_LINE_RE = re.compile(
    r"[{};]\s*$|\):\s*$|\w\([^()]*\)|\s(?:=|==|!=|=>|->|:=|\+=)\s|</?[a-z][\w-]*>"
    r"|^\s*(?:def|class|import|from\s+\S+\s+import|return|function|const|let|var|#include)\b"
)
HEADING_RE = re.compile(r" {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*")
DELIMITER_ROW_RE = re.compile(r"[\s|:-]*")
# A rule of a table drawn in text, as a database's shell prints one ("+------+-----+"): it
# starts a table, whose rows are "| Name | Age |"; it was read "plus, plus"
ASCII_RULE_RE = re.compile(r" *\+(?:[-=]+\+)+\s*")
CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")
QUOTE_RE = re.compile(r"(?: {0,3}>[ \t]?)+")
ITEM_RE = re.compile(  # "- [x] task"; the marks before the text apart
    rf"\s*(?:[-*+]|(\d{{1,9}})[.)])\s+(?:\[[ xX]\]\s+)?(?=\S)([{MARKS}]*)(.*)"
)
# A line all in bold over the next, a heading ("**Describe the bug**" / "Running it crashes"),
# which ends its own sentence (see _heads_the_next); in italics or underlined too, as Discord
# writes it ("__**Announcement**__")
BOLD_LINE_RE = re.compile(
    r"(\*\*|__)(?P<inner>\*\*?|__?)?(?P<words>[^*_]*[^\s*_])(?(inner)(?P=inner))\1"
)
ALERT_RE = re.compile(r"\[!(note|tip|important|warning|caution)\]", re.I)
FOOTNOTE_DEF_RE = re.compile(r" {0,3}\[\^[^\]]+\]:\s*(.*)")


def _join_hyphenated(text: str) -> str:
    """Undo hyphenation at line breaks: "wonder-\\nful" -> "wonderful", "sea-\\ncaptain" kept."""
    compounds: set[str] | None = None

    def join(match: re.Match[str]) -> str:
        nonlocal compounds
        left = WORD_END_RE.search(text, max(match.start() - 40, 0), match.start())
        right = WORD_RE.match(text, match.end())
        if left is None or right is None:  # "--" at a line end, or no word before
            return match.group()
        if right.group()[0].isupper() or "-" in left.group():  # Anglo-Saxon, well-to-do
            return "-"
        if compounds is None:
            compounds = {c.lower() for c in COMPOUND_RE.findall(text)}
        return "-" if f"{left.group()}-{right.group()}".lower() in compounds else ""

    return HYPHEN_BREAK_RE.sub(join, text)


def _closing_fence(opening: str) -> re.Pattern[str]:
    """The line that closes a code block opened by ``opening`` (same character, as long)."""
    return re.compile(rf" {{0,3}}{opening[0]}{{{len(opening)},}}\s*")


def _fences_code(source: list[str], start: int, closing: re.Pattern[str]) -> bool:
    """Whether the bare "~~~" line just before ``source[start]`` opens a code block: it is
    closed later, and the lines before the close are neither empty nor prose (one ends a
    sentence and none looks like code); a bare "~~~" pair around prose is two section breaks."""
    body: list[str] = []
    for index in range(start, len(source)):  # not islice: it would step over the lines before
        line = source[index]
        if closing.fullmatch(line):
            prose = any(SENTENCE_END_RE.search(b) for b in body)
            return any(b.strip() for b in body) and (
                not prose or any(CODE_LINE_RE.search(b) for b in body)
            )
        body.append(line)
    return False


def _opening_fence(source: list[str], number: int) -> re.Pattern[str] | None:
    """The closing fence of the code block that line ``number`` of ``source`` opens; None
    when it opens none (a bare "~~~" around prose is a section break)."""
    opening = FENCE_RE.match(source[number])
    if opening is None:
        return None
    closing = _closing_fence(opening.group(1))
    if SEPARATOR_RE.fullmatch(source[number]) and not _fences_code(source, number + 1, closing):
        return None
    return closing


def code_regions(text: str) -> list[tuple[int, int]]:
    """Where ``text`` (before cleanup) holds markdown code as cleanup reads it: the (start,
    end) of each fenced code block, fences included, code span, and HTML ``<pre>`` or
    ``<code>`` element, in order. The markup plugin leaves markup there as text."""
    regions: list[tuple[int, int]] = []
    if "`" in text or "~~~" in text or "<" in text:
        regions = _markdown_code(text)
    if "<" in text:
        regions = sorted(regions + [code.span() for code in _html_code(text, regions)])
    return regions


def _markdown_code(text: str) -> list[tuple[int, int]]:
    """The (start, end) of the fenced code blocks and code spans of ``text``, in order."""
    lines = text.splitlines(keepends=True)  # the line ends cleanup makes "\n"
    source = [line.rstrip("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029") for line in lines]
    regions: list[tuple[int, int]] = []
    start = offset = 0  # where the open code block or the prose after the last one starts
    fence: re.Pattern[str] | None = None
    for number, line in enumerate(lines):
        if fence is None and (fence := _opening_fence(source, number)):
            regions += _code_spans(text, start, offset)
            start = offset
        elif fence is not None and fence.fullmatch(source[number]):
            fence = None
            regions.append((start, offset + len(line)))
            start = offset + len(line)
        offset += len(line)
    if fence is not None:
        regions.append((start, len(text)))  # never closed: code to the end
    else:
        regions += _code_spans(text, start, len(text))
    return regions


def _html_code(text: str, markdown_code: list[tuple[int, int]]) -> list[re.Match[str]]:
    """The HTML ``<pre>`` and ``<code>`` elements of ``text`` outside its ``markdown_code``
    (``"```html"`` shows them)."""
    return [code for code in HTML_CODE_RE.finditer(text) if _clear_of(markdown_code, code)]


def _clear_of(regions: list[tuple[int, int]], match: re.Match[str]) -> bool:
    """Whether ``match`` lies outside each of ``regions`` (in order)."""
    after = bisect_left(regions, match.end(), key=lambda region: region[0])
    return not after or regions[after - 1][1] <= match.start()  # the one before it


def _without_hidden(text: str) -> str:
    """``text`` without its hidden HTML elements (:data:`HIDDEN_RE`), their marks kept; an
    element that is never closed is left as it is."""
    out: list[str] = []
    pos = 0
    for hidden in HIDDEN_RE.finditer(text):
        if hidden.start() < pos:
            continue  # inside one already gone
        depth, end = 0, None
        same = re.compile(rf"<(/?){hidden['name']}\b[^<>]*>", re.I)
        for tag in same.finditer(text, hidden.start()):
            depth += -1 if tag[1] else 0 if tag.group().endswith("/>") else 1
            if depth == 0:
                end = tag.end()
                break
        if end is not None:
            out += [text[pos : hidden.start()], _marks_in(text[hidden.start() : end])]
            pos = end
    return "".join(out) + text[pos:]


def _html_as_markdown(text: str) -> str:
    """``text`` with its HTML code written as markdown's: a ``<pre>`` as a fenced code block
    (which keeps only its marks), a ``<code>`` as a code span of its unescaped text."""
    if not HTML_CODE_RE.search(text):  # most texts
        return text
    out: list[str] = []
    pos = 0
    for code in _html_code(text, _markdown_code(text)):
        out.append(text[pos : code.start()])
        pos = code.end()
        if code["name"].lower() == "pre":
            out.append(f"\n\n```\n{_marks_in(code.group())}\n```\n\n")
            continue
        words = " ".join(html.unescape(INNER_TAG_RE.sub("", code["text"])).split())
        ticks = "`" * (max(map(len, BACKTICKS_RE.findall(words)), default=0) + 1)
        out.append(f"{ticks} {words} {ticks}" if words else "")
    return "".join(out) + text[pos:]


def _outside_code(text: str, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` made to its prose, between its markdown code."""
    out: list[str] = []
    pos = 0
    for start, end in _markdown_code(text):
        out += [change(text[pos:start]), text[start:end]]
        pos = end
    return "".join(out) + change(text[pos:])


def _code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of the code spans of ``text[start:end]``, which holds no code block."""
    return [span.span() for span in CODE_SPAN_IN_LINES_RE.finditer(text, start, end)]


def _cells(row: str) -> str:
    """A table row read as its cells joined by commas. A cell's escaped ``\\|`` is a bar: in
    a code span now, elsewhere when inline markdown reads the escape (not a pause, then)."""
    cells = (cell.strip() for cell in CELL_SPLIT_RE.split(row.strip().strip("|")))
    bars_in_code = partial(CODE_SPAN_RE.sub, lambda code: code.group().replace("\\|", "|"))
    return ", ".join(bars_in_code(cell) for cell in cells if cell)


def _blocks(
    text: str, options: CleanupOptions, spoken: AbstractSet[str]
) -> tuple[list[str], set[str]]:
    """Split text into paragraphs, one line each; also return markdown reference labels.
    ``spoken``: the mark placeholders that stand for words."""
    paragraphs: list[str] = []
    labels: set[str] = set()
    lines: list[str] = []  # lines of the open paragraph
    kind = "text"  # what the open paragraph is: text, item, quote or table
    fence: re.Pattern[str] | None = None  # the closing fence while inside a code block
    fenced_marks: list[str] = []
    markdown = options.markdown
    depth = 0  # how deep the open quote is: ">" 1, ">>" 2
    written: str | None = None  # the number of the last ordered item, as written
    number = 0  # and as read

    def close(new_kind: str = "text") -> None:
        nonlocal kind
        if lines:
            if kind == "text":
                _end_signature_lines(lines)
            paragraph = " ".join(lines)
            if kind == "text" and len(lines) > 1 and "From:" in paragraph:  # few have it
                _end_header_lines(lines)
                paragraph = " ".join(lines)
            paragraphs.append(paragraph)
            lines.clear()
        kind = new_kind

    def end_code() -> None:
        if options.code_blocks == "announce":
            fenced_marks.insert(0, CODE_OMITTED)
        paragraphs.append("".join(fenced_marks))

    source = text.split("\n")
    for number, line in enumerate(source):
        if fence:
            if fence.fullmatch(line):
                fence = None
                end_code()
            else:
                fenced_marks.append(_marks_in(line))
            continue
        stripped = line.strip()
        if not stripped:
            close()
            continue
        if markdown and (closing := _opening_fence(source, number)):
            close()
            fence, fenced_marks = closing, [_marks_in(line)]
            continue
        if markdown and SETEXT_RE.fullmatch(line) and lines and kind == "text":
            close()
            continue
        if SEPARATOR_RE.fullmatch(line):
            close()
            continue
        if not markdown:
            lines.append(stripped)
            continue
        if heading := HEADING_RE.fullmatch(line):
            close()
            paragraphs.append(heading.group(1) or "")
            continue
        next_line = source[number + 1] if number + 1 < len(source) else ""
        if line[:1] in "+ " and ASCII_RULE_RE.fullmatch(line):  # a text table's rule
            if kind != "table":
                close("table")
            continue
        if "|" in line and (kind == "table" or _is_delimiter_row(next_line)):
            if kind != "table":
                close("table")
            if not _is_delimiter_row(line):
                paragraphs.append(_cells(line))
            continue
        if quote := QUOTE_RE.match(line):
            content = line[quote.end() :].strip()
            # a quote inside a quote (an e-mail's earlier reply, ">>") is a paragraph of its own
            if not content or kind != "quote" or quote.group().count(">") != depth:
                close("quote")
                depth = quote.group().count(">")
                if alert := ALERT_RE.fullmatch(content):  # GitHub's "> [!NOTE]": "Note:"
                    content = f"{alert[1].capitalize()}:"
            if content:
                _end_bold_heading(lines, content)
                lines.append(content)
            continue
        if (item := ITEM_RE.fullmatch(line)) and (
            item.group(1) in (None, "1") or kind == "item" or not lines
        ):
            lazy = item.group(1) == "1" and kind == "item" and written == "1"
            number = number + 1 if lazy else int(item.group(1) or 0)
            written = item.group(1)
            close("item")
            # Controls at the item's start go before its number; a spoken mark (a spelling,
            # a pronunciation) is the item's first word and stays after it.
            marks = item.group(2)
            words = next((i for i, mark in enumerate(marks) if mark in spoken), len(marks))
            marks, content = marks[:words], (marks[words:] + item.group(3)).strip()
            lines.append(f"{marks}{number}. {content}" if written else marks + content)
            continue
        if footnote := FOOTNOTE_DEF_RE.fullmatch(line):
            close()
            lines.append(footnote.group(1).strip())
            continue
        if reference := DEFINITION_RE.match(line):
            labels.add(link_label(reference.group(1)))
            if marks := _marks_in(line):
                lines.append(marks)
            continue
        if kind == "table":
            close()
        if lines and not strip_marks(stripped).strip():  # a line of marks: "(whispering)"'s
            lines[-1] += " " + stripped  # the next line with words is the next line
            continue
        if kind == "text" and len(lines) == 1 and _names_the_next(lines[0], stripped):
            lines[0] = _finish(SCRIPT_EXTENSION_RE.sub("", lines[0]), spoken)
        elif kind == "text" and lines and _is_slugline(lines):
            lines[-1] = _finish(lines[-1], spoken)
        else:
            _end_bold_heading(lines, stripped)
        lines.append(stripped)
    close()
    if fence:
        end_code()
    return paragraphs, labels


def _end_bold_heading(lines: list[str], next_line: str) -> None:
    """End the last of ``lines``, a paragraph's (or a quote's) so far, as a sentence when
    it is a line all in bold that heads ``next_line`` (see :func:`_heads_the_next`): GitHub's
    "**Describe the bug**", a quote's "> **Warning**"."""
    if (
        lines
        and lines[-1][:2] in ("**", "__")  # most lines: looked at no further
        and (bold := BOLD_LINE_RE.fullmatch(lines[-1]))
        and _heads_the_next(lines, next_line)
    ):
        lines[-1] += "" if bold["words"][-1] in SENTENCE_PUNCTUATION else "."


def _end_signature_lines(lines: list[str]) -> None:
    """End each line of an e-mail's signature that ends ``lines``, a paragraph's, as a line
    (see :func:`_line_punctuation`), so that they do not run together ("Best, Jane Doe,
    ACME Corp."): the lines after a sign-off (``Best,``, ``Kind regards``, ``Thanks!``, the
    ``--`` of a signature) that is its paragraph's first line or follows a sentence's end, up
    to six short lines to the paragraph's end."""
    # From the paragraph's end up: `below` lines under `start`, each short, are looked at.
    for below, start in enumerate(range(len(lines) - 1, -1, -1)):
        sign_off = strip_marks(lines[start]).strip()
        if below and SIGN_OFF_RE.fullmatch(sign_off) and (not start or _ends(lines[start - 1])):
            break
        # Prose: a long line, or one that goes on with a small letter (most paragraphs stop
        # at once, at their last line or the one before).
        long = len(sign_off) > MAX_SIGNATURE_LINE
        if below == MAX_SIGNATURE_LINES or long or _goes_on(sign_off) or _runs_on(sign_off):
            return
    else:
        return
    if sign_off == "--":
        lines[start] = _marks_in(lines[start])  # "-- " opens a signature, and says nothing
    for number in range(start, len(lines) - 1):  # the last one ends its paragraph
        lines[number] += _line_punctuation(strip_marks(lines[number]))


def _end_header_lines(lines: list[str]) -> None:
    """End each line of a quoted e-mail's header in ``lines``, a paragraph's, with a comma
    unless it ends in punctuation ("From: Jane <jane@example.com>", "Sent: Monday",
    "Subject: Lunch" ran together). A header is two lines or more in a row that start with its
    fields, "From:" among them."""
    headers = [bool(EMAIL_HEADER_RE.match(strip_marks(line))) for line in lines]
    for number in range(len(lines) - 1):  # the last one ends its paragraph
        in_header = headers[number] and (
            headers[number + 1] or (number > 0 and headers[number - 1])
        )
        if in_header and strip_marks(lines[number]).rstrip()[-1:] not in ".,;:!?":
            lines[number] += ","


def _ends(line: str) -> bool:
    """Whether ``line`` ends a sentence."""
    return strip_marks(line).rstrip().rstrip(CLOSING)[-1:] in ".!?"


def _goes_on(line: str) -> bool:
    """Whether ``line`` goes on a sentence from the line before: words from a small letter
    (an address, ``jane@example.com``, is one word)."""
    return line[:1].islower() and " " in line


def _runs_on(line: str) -> bool:
    """Whether ``line`` runs on into the next: it ends in a word that cannot end a sentence
    ("The waiter nodded and")."""
    return line.rpartition(" ")[2] in RUNS_ON_WORDS


def _is_delimiter_row(line: str) -> bool:
    return "|" in line and "-" in line and DELIMITER_ROW_RE.fullmatch(line) is not None


# -- inline ----------------------------------------------------------------------------------

CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
# The same in text whose paragraphs are not yet joined: a span may run over a line's end, not
# over a blank line
CODE_SPAN_IN_LINES_RE = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]|\n(?![ \t]*\n))+?)(?<!`)\1(?!`)")
_TARGET = r"\(\s*<?[^()\s]*(?:\([^()\s]*\)[^()\s]*)*>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
_LABEL = r"\[([^\[\]]*)\]"  # brackets do not nest: each "[" looks no further than the next
IMAGE_RE = re.compile(rf"!{_LABEL}(?:{_TARGET}|\[[^\[\]]*\])")
LINK_RE = re.compile(rf"{_LABEL}(?:{_TARGET}|\[[^\[\]]*\])")
SHORTCUT_LINK_RE = re.compile(r"\[([^\[\]^][^\[\]]*)\](?![(\[])")
AUTOLINK_RE = re.compile(
    r"<(?:mailto:)?((?:https?|ftp)://[^\s<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>", re.I
)
HTML_TAG_NAME_RE = re.compile(  # HTML's elements, and a few old ones (big, center, font, tt)
    "a|abbr|acronym|address|area|article|aside|audio|b|base|bdi|bdo|big|blockquote|body|br|"
    "button|canvas|caption|center|cite|code|col|colgroup|data|datalist|dd|del|details|dfn|"
    "dialog|div|dl|dt|em|embed|fieldset|figcaption|figure|font|footer|form|h[1-6]|head|header|"
    "hgroup|hr|html|i|iframe|img|input|ins|kbd|label|legend|li|link|main|map|mark|math|menu|"
    "meta|meter|nav|nobr|noscript|object|ol|optgroup|option|output|p|param|picture|pre|"
    "progress|q|rp|rt|ruby|s|samp|script|search|section|select|slot|small|source|span|strike|"
    "strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|time|"
    "title|tr|track|tt|u|ul|var|video|wbr"
)
# Elements that end a block or a table cell: a list item or a paragraph ends a sentence.
BLOCK_TAG_RE = re.compile(
    "p|li|h[1-6]|div|td|th|dt|dd|blockquote|title|caption|figcaption|section|article|header|footer",
    re.I,
)
BLOCK_CLOSE_RE = re.compile(rf"\s*</(?:{BLOCK_TAG_RE.pattern})\s*>", re.I)
TAG_BEFORE_RE = re.compile(r"<(?P<close>/)?(?P<name>[a-z][\w.:-]*)(?:\s[^<>]*)?/?>$", re.I)
SENTENCE_PUNCTUATION = ".!?:;,…"  # after which a block's end needs no more
PARAGRAPH_ENDS = ".!?:;,。！？：；，"  # after which a paragraph needs no period (CJK's too)
ROW_END_RE = re.compile(r"\s*</(?:tr|table|tbody)\s*>", re.I)
# <name ...>, </name>, <name/>; not "a < b", "x<5", an autolink or inline phonemes "<<...>>"
TAG_RE = re.compile(r"(?<!<)<(?P<close>/)?(?P<name>[a-z][\w.:-]*)(?P<attrs>\s[^<>]*)?/?>", re.I)
WORD_CHAR_RE = re.compile(r"\w")
# What a tag between two words must hold after its name: attributes with values, or nothing
# ("x<a href='y'>z", but "a<b and c>d" is two comparisons).
ATTRIBUTES_RE = re.compile(r"""(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))*\s*/?""")
ALT_RE = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
FOOTNOTE_REF_RE = re.compile(r"\[\^[^\[\]\s]+\]")
# *a* **a** ***a***, _a_ __a__ ___a___, ~~a~~: never inside a word, never escaped; the text
# inside holds no marker (but snake_case), so a marker that never closes costs one short look
EMPHASIS_RES = (
    re.compile(r"(?<![\w*\\])(\*{1,3})(?=[^\s*])([^*]+?)(?<=[^\s*\\])\1(?![\w*])"),
    re.compile(r"(?<![\w\\])(_{1,3})(?=[^\s_])((?:[^_]|(?<=\w)_(?=\w))+?)(?<=[^\s_\\])\1(?!\w)"),
    re.compile(r"(?<![~\\])(~~)(?=[^\s~])([^~]+?)(?<=[^\s~\\])~~(?!~)"),
)
# Slack's and GFM's strikethrough with one tilde, "~struck~", around words only ("~5 and ~10",
# "~/a ~/b" and "a~b~c" stay)
SINGLE_TILDE_RE = re.compile(r"(?<![\w~\\])~(?=[^\s~/])([^~\n]+?)(?<=[^\s~\\])~(?![\w~])")
# Discord's spoiler, "||the butler||", around words only ("a || b" stays)
SPOILER_RE = re.compile(r"\|\|(?=[^\s|])([^|\n]+?)(?<=[^\s|])\|\|")
EMPHASIS_BEFORE_CODE_RE = re.compile(r"(?<![\w*~\\])(?:\*{1,3}|_{1,3}|~~)\Z")
# An underscore at a word's edge that no other closes: the only one at a paragraph's start or
# end opens or closes italics that span paragraphs (Gutenberg's '_"We are, dear Sirs,' ...
# 'SON."_'); others are left alone.
STRAY_UNDERSCORE_RE = re.compile(r"(?<![\w\\])_{1,3}(?=[^\s_])|(?<=[^\s_\\])_{1,3}(?!\w)")
# Gutenberg's sub- and superscripts: "H_{2}O" is H2O, "4^{th}" 4th, "x^{2}" x^2 (a power).
SCRIPT_RE = re.compile(r"(?<=[^\W_])(?:_\{([^\W_]{1,12})\}|\^\{([^\W_]{1,12})\})")
FOOTNOTE_STAR_RE = re.compile(r"(?<=[\w.,;:!?\"')\]])\*+(?=\s|$|--)|^\*+(?=[^\W\d_])")
ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
DASH_RE = re.compile(r" *-{2,} *")
_ARROW = r"(?:[→⇒⟶⟹⇨↦⟼←⇐⟵]+|-+>|=+>)"  # one that points sideways: "Read more ->"
ARROW_HINT_RE = re.compile(r"[→⇒⟶⟹⇨↦⟼←⇐⟵>]")
ARROW_BEFORE_STOP_RE = re.compile(rf"[ \t]+{_ARROW}(?=[{MARKS}\s]*[.,;:!?](?:\s|$))")
LEADING_ARROW_RE = re.compile(rf"^([{MARKS}\s]*){_ARROW}[ \t]+")
TRAILING_ARROW_RE = re.compile(rf"[ \t]+{_ARROW}([{MARKS}\s]*)$")
# A web article's note markers, which a page shows small and a listener need not hear: a run
# of bracketed numbers and Wikipedia's own notes right after a word or a sentence's
# punctuation, and of note letters after the punctuation ("rise.[1]", "disagree.[2][3]",
# "huge.[a]", "[citation needed]"; not "as [1] shows", a reference link "[Music][1]", an
# index "a[1] = 2" nor "array[i]"), and superscript
# numbers after a sentence's punctuation or a word of three letters or more ("huge¹",
# "too.³"; "x²", "m²" and "mc²" are powers), or at a paragraph's start ("¹ Source: BBC").
_NOTE = (
    r"(?:\d{1,3}|(?<=[.,;:!?\"')\]]\[)[a-z]|(?:note|nb|n) \d{1,3}|citation needed"
    r"|clarification needed"
    r"|better source needed|page needed|(?:who|when|which|by whom)\?)\]"
)
NOTE_MARKERS_RE = re.compile(  # "[" first: a pattern that starts with a literal is fast
    rf"\[(?<=[^\s\[\]]\[){_NOTE}(?:\[{_NOTE})*"
    r"(?=[\s.,;:!?)\]\"']|$|</)(?!\s*(?:[=+*/>%]|<(?!/)))"  # an index: "arr[1] = 2"
)
# An HTML superscript number: a note's after punctuation or a word of three letters or more
# (as SUPERSCRIPT_NOTE_RE's), else a power ("x<sup>2</sup>": x^2)
SUP_RE = re.compile(r"<sup\b[^<>]*>\s*(\d{1,3})\s*</sup\s*>", re.I)
_SUPERSCRIPTS = "\u00b9\u00b2\u00b3\u2070\u2074-\u2079"
NOTE_AFTER = ".,;:!?\"')]"  # a note's number stands after these, or a word's end:
NOTE_WORD_END_RE = re.compile(r"[^\W\d_]{3}")
SUPERSCRIPT_NOTE_RE = re.compile(
    rf"(?:(?<=[{re.escape(NOTE_AFTER)}])|(?<={NOTE_WORD_END_RE.pattern}))[{_SUPERSCRIPTS}]+"
    rf"(?=[\s.,;:!?)\"']|$)"
    rf"|^[{_SUPERSCRIPTS}]+\s+"
)
SUPERSCRIPT_HINT_RE = re.compile(f"[{_SUPERSCRIPTS}]")
# A long arrow between words ("File --> Save") is an arrow, as "->" is: its "--" was a pause
# and its ">" was read ("File, > Save")
LONG_ARROW_RE = re.compile(r"(?<=\s)-{2,}>(?=\s)")
# Sonic's own markup shown in a code span, which Sonic would act on in the transcript: read
# as its words (see _shown_markup)
SONIC_SYNTAX_RE = re.compile(
    rf"<(?P<close>/)?(?P<tag>(?:{'|'.join(TAG_NAMES)})\b[^<>]*?)/?>|\[(?P<bracket>laughter)\]",
    re.IGNORECASE,
)
ATTRIBUTE_VALUE_RE = re.compile(r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=]+))""")
# A command-line option after " --", "(--" or "--" at the start ("--verbose", "--dry-run",
# "--level=2"): prose puts no space before a dash pause without one after it ("word--word",
# "word -- word"), and starts no lower-case word with one.
OPTION_RE = re.compile(r"[a-z][a-z\d]*(?:-[a-z\d]+)*(?=[=\s.,;:!?)\"']|$)")
SPACED_PUNCTUATION = (" ,", " .", " ;", " :", " !", " ?")
SPACE_BEFORE_PUNCT_RE = re.compile(r" +(?=[,.;:!?]+(?:\s|$))")
CLOSING = "\"')]}"
CLOSED_RE = re.compile(r"[\"')\]}]+(?:$|[ ,.;:!?])")  # after a dash: "little--\"' and"

# TeX math (see the module docstring): $$...$$, $...$ (no space inside its dollars, none
# after the closing one a digit: "$5 and $10" is money), \(...\) and \[...\]
MATH_RE = re.compile(
    r"(?<![\\$])\$\$(?P<display>[^$]+?)\$\$(?!\$)"
    r"|(?<![\\$])\$(?=[^\s$])(?P<inline>[^$]*?[^\s\\$])\$(?![\d$])"
    r"|\\\((?P<paren>.+?)\\\)|\\\[(?P<bracket>.+?)\\\]"
)
# What makes a single-dollar, \( or \[ form math ("$x$", "$a^2$", "$\\pi$"), not prices or
# variables ("$HOME/$USER") nor escaped brackets ("\\[sic\\]")
MATH_HINT_RE = re.compile(r"\\[A-Za-z]|[\^_=+<>{}]|^\s*[A-Za-z]\s*$")
FORMULA_OMITTED = "Formula omitted."  # inside a sentence: "formula omitted"
_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi omicron pi rho sigma tau upsilon phi varphi chi psi omega"
)
TEX_WORDS = {
    **{name: name.removeprefix("var") for name in _GREEK.split()},
    **{name.capitalize(): name for name in _GREEK.split() if not name.startswith("var")},
    "times": "times", "cdot": "times", "div": "divided by", "pm": "plus or minus",
    "le": "is less than or equal to", "leq": "is less than or equal to",
    "ge": "is greater than or equal to", "geq": "is greater than or equal to",
    "ne": "is not equal to", "neq": "is not equal to", "approx": "is approximately",
    "equiv": "is equivalent to", "propto": "is proportional to", "infty": "infinity",
    "to": "to", "rightarrow": "to", "in": "in", "sum": "the sum of", "prod": "the product of",
    "int": "the integral of", "lim": "the limit of", "log": "log", "ln": "natural log",
    "exp": "exp", "sin": "sine", "cos": "cosine", "tan": "tangent", "max": "max", "min": "min",
    "ldots": "...", "cdots": "...", "dots": "...", "left": "", "right": "", "quad": "",
    "qquad": "",
}  # fmt: skip
TEX_SPACE_RE = re.compile(r"\\[,;:! ]")
TEX_TEXT_RE = re.compile(r"\\(?:text|mathrm|mathbf|mathit|operatorname)\s*\{([^{}]*)\}")
TEX_FRACTION_RE = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
TEX_ROOT_RE = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
TEX_POWER_RE = re.compile(r"\^\s*\{([^{}]*)\}")
TEX_INDEX_RE = re.compile(r"_\s*(?:\{([^{}]*)\}|(\w))")
TEX_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")
# A sum's, product's, integral's or limit's bounds: "\\sum_{i=1}^{n}", "\\int_0^1",
# "\\lim_{x \\to 0}"
TEX_BOUNDS_RE = re.compile(
    r"\\(?P<name>sum|prod|int|lim)\s*_\s*(?:\{(?P<low>[^{}]*)\}|(?P<low1>\w))"
    r"(?:\s*\^\s*(?:\{(?P<high>[^{}]*)\}|(?P<high1>\w)))?"
)
BOUNDED = {"sum": "sum", "prod": "product", "int": "integral", "lim": "limit"}
TEX_OPERATORS = {"=": " equals ", "+": " plus ", "-": " minus ", "*": " times ", "/": " over ",
                 "<": " is less than ", ">": " is greater than "}  # fmt: skip
TEX_OPERATOR_RE = re.compile(r"[=+\-*/<>]")
NUMBER_TIMES_RE = re.compile(r"(?<![\w.])(\d+)(?=[A-Za-z])")  # "2x": 2 times x
TEX_READ_RE = re.compile(r"[\w\s^().,']*")  # all that a formula read simply holds


def _image(match: re.Match[str], options: CleanupOptions) -> str:
    alt = match.group(1) if options.images == "alt" else _marks_in(match.group(1))
    return f" {alt}{_marks_in(match.group()[len(match.group(1)) + 3 :])} "


class _UnsupportedTag(Exception):
    """A tag cleanup cannot read (its text and name); :func:`clean` raises it as a
    MarkupError naming the line."""


def _tag(match: re.Match[str], options: CleanupOptions) -> str:
    """One tag in prose (see the module docstring): HTML in markdown and an SSML ``<speak>``
    wrapper go, an opening tag right after a word is a type parameter (``List<T>``) and stays,
    and so do comparisons that look like a tag between two words (``a<b and c>d``); any other
    tag is an error."""
    tag, name = match.group(), match["name"].lower()
    text, start, end = match.string, match.start(), match.end()
    after_word = start and WORD_CHAR_RE.match(text, start - 1)
    if (
        after_word
        and WORD_CHAR_RE.match(text, end)
        and not ATTRIBUTES_RE.fullmatch(match["attrs"] or "")
    ):
        return tag  # "a<b and c>d"
    if options.markdown and HTML_TAG_NAME_RE.fullmatch(name):
        if options.images == "alt" and name == "img" and (alt := ALT_RE.search(tag)):
            return f" {alt.group(1) or alt.group(2)} "
        return f"{_block_end(match, name)} {_marks_in(tag)} "
    if name == "speak":
        return " "
    if name in TAG_NAMES or (after_word and not match["close"]):  # TAG_NAMES: markup is off
        return tag
    if _is_placeholder(match):
        return f" {tag[1:-1].strip()} "
    raise _UnsupportedTag(tag, name)


def _is_placeholder(match: re.Match[str]) -> bool:
    """Whether a would-be tag of no language cleanup reads is words in angle brackets: a
    placeholder or a chat's nick ("Use <filename> here", "<jane> hi", "<Jane Doe>"), which
    neither has attributes with values nor is closed or closes (``<name>...</name>`` is
    markup, an error) nor is named as SSML's or HTML's tags are (``<br>`` in plain text)."""
    tag, text, name = match.group(), match.string, match["name"].lower()
    if match["close"] or tag.endswith("/>") or "=" in (match["attrs"] or ""):
        return False
    if name in INSTEAD_OF or HTML_TAG_NAME_RE.fullmatch(name):  # SSML's, HTML's: markup
        return False
    return re.search(rf"</{re.escape(match['name'])}\s*>", text, re.I) is None


def _block_end(match: re.Match[str], name: str) -> str:
    """The punctuation an HTML tag that ends a block or a cell stands for, right after text
    (words, a symbol, an entity, a control) that has none: "." for ``</li>``, ``</p>`` and the
    like, "," for ``</td>`` but "." for a row's last cell (a ``<br>`` within a block ends a
    line: :func:`_hard_break`)."""
    if not match["close"] or not BLOCK_TAG_RE.fullmatch(name):
        return ""
    text, start, end = match.string, match.start(), match.end()
    # unescaped: "Shop now &rarr;</a>" ends in an arrow, "<p>&nbsp;</p>" in no words
    head = html.unescape(strip_marks(text[max(0, start - 200) : start])).rstrip()
    while tag := TAG_BEFORE_RE.search(head):  # "<b>Speed</b></li>": the words before </b>
        if BLOCK_TAG_RE.fullmatch(tag["name"]):
            return ""  # "</p></li>": the first tag has said it
        head = head[: tag.start()].rstrip()
    before = head[-1:]
    if not before or before in SENTENCE_PUNCTUATION:
        return ""  # "done.</p>"
    if name in ("td", "th") and not ROW_END_RE.match(text, end):
        return ","
    return "."


def _tags(text: str, options: CleanupOptions) -> str:
    """An autolink (``<https://...>``, ``<a@b.org>``) as its address; then every tag."""
    return TAG_RE.sub(lambda m: _tag(m, options), AUTOLINK_RE.sub(r"\1", text))


def _italics_across_paragraphs(text: str) -> str:
    """``text`` without its one stray underscore when that stands at its start or end."""
    strays = list(islice(STRAY_UNDERSCORE_RE.finditer(text), 2))
    if len(strays) != 1:
        return text
    start, end = strays[0].span()
    if strip_marks(text[:start]).strip() and strip_marks(text[end:]).strip():
        return text
    return text[:start] + text[end:]


def _script(match: re.Match[str]) -> str:
    """A sub- or superscript written inline; a superscript number stays a power."""
    sub, sup = match.groups()
    return sub or (f"^{sup}" if sup.isdigit() else sup)


def _read_tex(tex: str) -> str | None:
    """TeX math read simply ("\\frac{a}{b} \\le 2x": "a over b is less than or equal to 2
    times x"; a power stays ``^`` for normalize to read), None when it holds more than that."""
    tex = TEX_TEXT_RE.sub(r" \1 ", TEX_SPACE_RE.sub(" ", tex))
    while True:  # the innermost first: "\\frac{\\sqrt{2}}{2}"
        read = TEX_ROOT_RE.sub(
            r" the square root of \1 ", TEX_FRACTION_RE.sub(r" \1 over \2 ", tex)
        )
        if read == tex:
            break
        tex = read
    tex = TEX_BOUNDS_RE.sub(_bounds, tex)
    if any(name not in TEX_WORDS for name in TEX_COMMAND_RE.findall(tex)):
        return None
    tex = TEX_COMMAND_RE.sub(lambda m: f" {TEX_WORDS[m[1]]} ", tex)
    tex = TEX_OPERATOR_RE.sub(lambda m: TEX_OPERATORS[m.group()], tex)
    tex = TEX_POWER_RE.sub(lambda m: f"^{p}" if (p := m[1].strip()).isalnum() else f"^({p})", tex)
    tex = TEX_INDEX_RE.sub(lambda m: f" sub {m[1] or m[2]} ", tex)
    tex = NUMBER_TIMES_RE.sub(r"\1 times ", tex)
    tex = " ".join(tex.split()).replace("( ", "(").replace(" )", ")").replace(" ^", "^")
    return tex if TEX_READ_RE.fullmatch(tex) else None


def _bounds(match: re.Match[str]) -> str:
    """A sum's, product's, integral's or limit's bounds read: "the sum from i=1 to n of"."""
    low, high = match["low"] or match["low1"], match["high"] or match["high1"]
    name = BOUNDED[match["name"]]
    if name == "limit":
        return f" the limit as {low} of "
    return f" the {name} from {low} to {high} of " if high else f" the {name} over {low} of "


def _math(match: re.Match[str], options: CleanupOptions) -> str:
    """TeX math in prose read simply (see :func:`_read_tex`); else omitted, as code is: a
    formula that is its paragraph alone is "Formula omitted." (nothing with ``code_blocks``
    "drop")."""
    tex = next(group for group in match.groups() if group is not None)
    if match["display"] is None and not MATH_HINT_RE.search(tex):
        return match.group()  # "\\[sic\\]"
    if (read := _read_tex(tex)) is not None:
        return f" {read} "
    if options.code_blocks == "drop":
        return " "
    alone = not strip_marks(match.string[: match.start()] + match.string[match.end() :]).strip()
    return f" {FORMULA_OMITTED} " if alone else f" {FORMULA_OMITTED.lower().rstrip('.')} "


def _markdown_inline(text: str, options: CleanupOptions, labels: set[str]) -> str:
    """Remove inline markdown and HTML from prose outside code spans."""
    if "$" in text or "\\(" in text or "\\[" in text:
        text = MATH_RE.sub(lambda m: _math(m, options), text)
    if "[" in text:
        text = IMAGE_RE.sub(lambda m: _image(m, options), text)
        text = LINK_RE.sub(lambda m: m.group(1) + _marks_in(m.group()[len(m.group(1)) + 2 :]), text)
        text = FOOTNOTE_REF_RE.sub("", text)
        if labels:
            text = SHORTCUT_LINK_RE.sub(
                lambda m: m.group(1) if link_label(m.group(1)) in labels else m.group(), text
            )
    if "<" in text:
        if "<sup" in text or "<SUP" in text:
            text = SUP_RE.sub(_sup, text)
        text = _tags(text, options)
    if "{" in text:
        text = SCRIPT_RE.sub(_script, text)
    # "**bold *and* italic**", "__**bold**__": the inner pair goes first, the outer after it
    for _nesting in range(2):
        for marker, emphasis in zip("*_~", EMPHASIS_RES, strict=True):
            if marker in text:
                text = emphasis.sub(r"\2", text)
    if "~" in text:
        text = SINGLE_TILDE_RE.sub(r"\1", text)
    if "||" in text:
        text = SPOILER_RE.sub(r"\1", text)
    if "_" in text:
        text = _italics_across_paragraphs(text)
    if "*" in text:
        text = FOOTNOTE_STAR_RE.sub("", text)
    if " | " in text:  # a bar between links, "Home | About", is a pause (not an escaped one)
        text = text.replace(" | ", " -- ")
    text = text.replace("`", "")  # a stray backtick (code spans are already out)
    if "\\" in text:
        text = ESCAPE_RE.sub(r"\1", text)
    if "&" in text:
        text = _emoji(html.unescape(text), options).translate(_characters_table(options))
    if "•" in text:
        text = text.replace("•", "--")  # so is a bullet inside a line: "$35 • Returns"
    if " · " in text:  # and a spaced dot: "Unsubscribe &middot; View"
        text = SPACED_DOT_RE.sub(_spaced_dot, text)
    return text


def _sup(match: re.Match[str]) -> str:
    """An HTML superscript number (see :data:`SUP_RE`): a note's goes, a power is ``^``."""
    before = match.string[max(0, match.start() - 3) : match.start()]
    note = before[-1:] in NOTE_AFTER or NOTE_WORD_END_RE.fullmatch(before) is not None
    return "" if note else f"^{match[1]}"


def _spaced_dot(match: re.Match[str]) -> str:
    """A spaced middle dot as a pause (see :data:`SPACED_DOT_RE`), unless in a product."""
    product = all(PRODUCT_TERM_RE.fullmatch(term) for term in match.groups())
    return match[1] + (" · " if product else " -- ")


def _dash(match: re.Match[str], before_code: str = "", after_code: str = "") -> str:
    """A dash used as a pause, read by its neighbours (see the module docstring); a dash at
    an edge of its text is read by ``before_code`` and ``after_code``, the text of the code
    spans around it ("run `pip` -- it works")."""
    text, start, end = match.string, match.start(), match.end()
    before = text[max(start - 2, 0) : start] or before_code
    lead = match.group()[:1] == " " or not before or before[-1] in "(["
    if lead and match.group().lstrip(" ") == "--" and OPTION_RE.match(text, end):
        return match.group()  # "Use the --verbose flag": an option, said as written
    after = text[end] if end < len(text) else after_code
    if not before:
        return ""
    if not after or CLOSED_RE.match(text, end):
        return "" if before[-1] in ",;:" else "..."  # "Dear Sirs,--", "as follows:--" end there
    if after in ",.;:!?":
        return ""
    if before.strip(CLOSING)[-1:] in ".!?;:,":  # "end.--", 'said."--'
        return " "
    return ", "


def _shown_markup(match: re.Match[str]) -> str:
    """Sonic markup shown in a code span as the words a listener wants: a tag's name and its
    attributes' names and values, with no quote or equals sign (``<break time="1s"/>``:
    "break time 1s", which was 'break time equals "one second"'); a closing tag says
    nothing, its opening tag has named it."""
    if match["close"]:
        return " "
    return " " + ATTRIBUTE_VALUE_RE.sub(r" \1\2\3", match["tag"] or match["bracket"]) + " "


def _without_pointing_arrows(part: str, first: bool, last: bool) -> str:
    """A paragraph's ``part`` of prose (its ``first``, its ``last``) without the arrows that
    point at a link or what comes next, decoration: before a sentence's punctuation, at the
    paragraph's start and at its end ("Shop now →", "→ Next step", "Read more ->")."""
    part = ARROW_BEFORE_STOP_RE.sub("", part)
    if first:
        part = LEADING_ARROW_RE.sub(r"\1", part, count=1)
    if last:
        part = TRAILING_ARROW_RE.sub(r"\1", part, count=1)
    return part


def _prose(text: str, options: CleanupOptions, labels: set[str]) -> str:
    """Inline cleanup of a paragraph, leaving the text of code spans as it is."""
    parts = CODE_SPAN_RE.split(text) if options.markdown and "`" in text else [text]
    for index in range(0, len(parts) - 3, 3):  # emphasis around a code span: **`--force`**
        opening = EMPHASIS_BEFORE_CODE_RE.search(parts[index])
        marker = opening.group() if opening else ""
        if opening and re.match(rf"{re.escape(marker)}(?![\w*~])", parts[index + 3]):
            parts[index] = parts[index][: opening.start()]
            parts[index + 3] = parts[index + 3][len(marker) :]
    out: list[str] = []
    for index in range(0, len(parts), 3):  # prose, then the backticks and text of a code span
        part = parts[index]
        if "[" in part:
            part = NOTE_MARKERS_RE.sub("", part)
        if ":" in part and options.emoji != "keep":
            part = SHORTCODE_RE.sub(partial(_shortcodes, mode=options.emoji), part)
        if not part.isascii() and SUPERSCRIPT_HINT_RE.search(part):
            part = SUPERSCRIPT_NOTE_RE.sub("", part)
        if options.markdown:
            part = _markdown_inline(part, options, labels)
        elif "<" in part:
            part = _tags(part, options)
        if ARROW_HINT_RE.search(part):
            part = _without_pointing_arrows(part, index == 0, index == len(parts) - 1)
            if "->" in part:
                part = LONG_ARROW_RE.sub("->", part)
        if "--" in part:
            code_after = parts[index + 2].strip()[:1] if index + 2 < len(parts) else ""
            part = DASH_RE.sub(partial(_dash, before_code=out[-1][-2:] if out else "",
                                       after_code=code_after), part)  # fmt: skip
        out.append(part)
        if index + 2 < len(parts):
            out.append(SONIC_SYNTAX_RE.sub(_shown_markup, parts[index + 2]).strip())
    return "".join(out)


# -- addresses -------------------------------------------------------------------------------

_TLDS = (
    "com|org|net|edu|gov|mil|int|io|ai|dev|app|co|uk|us|ca|au|nz|ie|de|fr|nl|be|eu|jp|cn|ru|"
    "es|it|ch|at|se|no|dk|fi|info|biz|me|tv|ly|gg|xyz|tech|site|online|blog|cloud|news"
)
_ADDRESS_CHAR = rf"[^\s<>\"'`{MARKS}]"
ADDRESS_RE = re.compile(
    rf"(?P<url>\b(?:(?:https?|ftp)://|www\.){_ADDRESS_CHAR}+)"
    rf"|(?P<email>(?<![\w.+-])[\w.+-]{{1,64}}@(?:[a-z0-9-]+\.)+[a-z]{{2,}}\b)"
    rf"|(?P<domain>(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})\b"
    rf"(?![\w-]|\.\w)(?:/{_ADDRESS_CHAR}*)?)",
    re.I,
)
ADDRESS_HINT_RE = re.compile(r"\w[.@:]\w")  # what every address has, cheap to look for
SCHEME_RE = re.compile(r"^(?:[a-z]+://)?(?:www\.)?", re.I)
_SYMBOL_WORDS = {".": "dot", "/": "slash", "@": "at", "-": "dash", "_": "underscore",
                 ":": "colon", "?": "question mark", "=": "equals", "&": "and", "+": "plus",
                 "~": "tilde", "%": "percent", "(": "", ")": ""}  # fmt: skip
SPOKEN_SYMBOLS = str.maketrans({symbol: f" {word} " for symbol, word in _SYMBOL_WORDS.items()})
MAX_QUERY = 20
OPENER = {")": "(", "]": "["}


def _say_address(match: re.Match[str]) -> str:
    """Spell a URL, domain or e-mail address as words; keep trailing sentence punctuation."""
    address = match.group()
    trimmed = address.rstrip(".,;:!?")
    while trimmed[-1:] in OPENER and trimmed.count(trimmed[-1]) > trimmed.count(
        OPENER[trimmed[-1]]
    ):  # a bracket closed after the address, not inside it
        trimmed = trimmed[:-1]
    tail = address[len(trimmed) :]
    if match.lastgroup == "email":
        spoken = trimmed
    else:
        without_fragment = SCHEME_RE.sub("", trimmed).partition("#")[0]
        path, _, query = without_fragment.partition("?")
        spoken = unquote(path).rstrip("/")
        if query and len(query) <= MAX_QUERY:
            spoken += "?" + unquote(query)
    return " ".join(spoken.translate(SPOKEN_SYMBOLS).split()) + tail


# A file path: from the root with two parts or more ("/usr/bin"), from home ("~/.bashrc") or
# from here ("./configure", "../lib"), ending at a space or punctuation; not "and/or", "1/2",
# "/help" or a route with a parameter ("/users/{id}").
PATH_RE = re.compile(
    r"(?<![\w/.~:&%-])(?:(?:~|\.\.?)/(?:[\w.-]*\w/)*|/(?:[\w.-]*\w/)+)[\w.-]*\w/?"
    r"""(?=[\s.,;:!?)\]'"]|$)"""
)


def _say_path(match: re.Match[str]) -> str:
    """A file path spelled like an address: "~/.config" -> "tilde slash dot config"."""
    return " ".join(match.group().translate(SPOKEN_SYMBOLS).split())


# -- the whole text --------------------------------------------------------------------------


def _bullet(match: re.Match[str]) -> str:
    """A Unicode bullet at a line start as a ``-`` item (see the module docstring)."""
    if match[2] == "–":
        line = match.start()
        previous = match.string[match.string.rfind("\n", 0, max(line - 1, 0)) + 1 : line]
        if line and previous.strip() and not LIST_LINE_RE.match(previous):
            return match.group()  # a dash inside a paragraph, wrapped to a line start
    return f"{match[1]}-"


def _digit_groups(match: re.Match[str]) -> str:
    """Digit groups with no-break spaces as one number, unless a phone word is before them."""
    if PHONE_WORDS_BEFORE.search(match.string, max(0, match.start() - 40), match.start()):
        return match.group()
    return re.sub(_GROUP_SPACE, ",", match.group())


def _emoji(text: str, options: CleanupOptions) -> str:
    """``text`` with its emoji removed or described, as ``options`` say; a heart as a verb
    is "love" (:data:`HEART_LOVE_RE`)."""
    if options.emoji == "keep" or text.isascii():
        return text
    if HEART_HINT_RE.search(text):
        text = HEART_LOVE_RE.sub("love", text)
    return EMOJI_RUN_RE.sub(lambda m: _emoji_run(m, options.emoji), text)


def _emoji_items(text: str) -> str:
    """``text`` with its lines that start with an emoji, two or more in a row, as a list's
    items (:data:`EMOJI_LINE_RE`): "- ✅ Done", a keycap's "1. Open the app"."""
    lines = text.split("\n")
    heads = [
        head if (head := EMOJI_LINE_RE.match(line)) and head[2][0] not in MUSIC_NOTES else None
        for line in lines
    ]  # a song's lines between notes are no list ("♪ Never gonna give you up ♪")
    for number, head in enumerate(heads):
        if head and any(heads[max(number - 1, 0) : number] + heads[number + 1 : number + 2]):
            emoji = head[2]
            item = f"{emoji[0]}." if emoji[0].isdigit() else f"- {emoji}"
            lines[number] = f"{head[1]}{item} {lines[number][head.end() :]}"
    return "\n".join(lines)


def _tab_rows(text: str) -> str:
    """``text`` with its rows of cells apart by tabs, as a spreadsheet is pasted (two lines or
    more in a row, each with as many tabs, some between its words), each a paragraph of its cells
    joined by commas, as a markdown table's row is; they ran together ("Region Q1 Q2 North
    100 120")."""
    lines = text.split("\n")
    counts = [line.count("\t") if TAB_CELL_RE.search(line) else 0 for line in lines]
    out: list[str] = []
    number = 0
    while number < len(lines):
        end = number
        while end < len(lines) and counts[end] and counts[end] == counts[number]:
            end += 1
        if end - number < MIN_TAB_ROWS:
            out.append(lines[number])
            number += 1
            continue
        for line in lines[number:end]:
            out += ["", _tab_cells(line), ""]
        number = end
    return "\n".join(out)


def _tab_cells(row: str) -> str:
    """A row's cells apart by tabs, joined by commas (after a cell's own punctuation, a
    space: "Name:" / "Jane")."""
    cells = [cell.strip() for cell in row.split("\t") if cell.strip()]
    return "".join(
        cell + ("" if last else " " if cell[-1] in SENTENCE_PUNCTUATION else ", ")
        for last, cell in zip([False] * (len(cells) - 1) + [True], cells, strict=True)
    )


def _characters(text: str, options: CleanupOptions) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if options.markdown and not text.isascii():
        text = BULLET_RE.sub(_bullet, text)
    if options.markdown and not text.isascii() and EMOJI_LINE_RE.search(text):
        text = _emoji_items(text)
    if "♪" in text or "♫" in text:
        text = NOTES_CUE_RE.sub(_notes_cue, text)
    text = _emoji(text, options)
    if "–" in text:
        text = EN_DASH_PAUSE_RE.sub("--", EN_DASH_RANGE_RE.sub("-", text))
    if "«" in text or "»" in text:
        text = GUILLEMET_RE.sub('"', text)
    if not text.isascii():
        text = DIGIT_GROUPS_RE.sub(_digit_groups, text)
    if "\t" in text and TAB_CELL_RE.search(text):  # before tabs become spaces
        text = _outside_code(text, _tab_rows) if options.markdown else _tab_rows(text)
    text = text.translate(_characters_table(options))
    return SPACED_ELLIPSIS_RE.sub("...", text) if ". ." in text else text


def _notes_cue(match: re.Match[str]) -> str:
    """Captions' cue between music notes (``♪ upbeat music ♪``) spaced in brackets, as a cue
    (see :func:`_cue`); a song's words between them stay, the notes to go as emoji do."""
    return f"[ {match[1]} ]" if cue(match[1]) is not None else match.group()


def _finish(paragraph: str, spoken: AbstractSet[str]) -> str:
    """Collapse spaces and end the paragraph with punctuation: after its last words, which
    may be ``spoken`` marks (a pronunciation, a spelling), before the controls that follow."""
    paragraph = " ".join(paragraph.split())
    if any(space_punct in paragraph for space_punct in SPACED_PUNCTUATION):
        paragraph = SPACE_BEFORE_PUNCT_RE.sub("", paragraph)
    end = len(paragraph)  # trailing controls stay after the period
    while end and (
        paragraph[end - 1] == " "
        or (MARK_RE.match(paragraph, end - 1) and paragraph[end - 1] not in spoken)
    ):
        end -= 1
    last = paragraph[:end].rstrip(CLOSING)[-1:]
    if last and last not in PARAGRAPH_ENDS:
        paragraph = f"{paragraph[:end]}.{paragraph[end:]}"
    return paragraph


def clean(
    text: str,
    options: CleanupOptions | None = None,
    source: str = "<text>",
    spoken: AbstractSet[str] = frozenset(),
    marks: MarkTable | None = None,
) -> str:
    """Return ``text`` cleaned for speech: paragraphs separated by one blank line.

    ``spoken``: the mark placeholders that stand for words (a pronunciation, a spelling).
    ``marks``: the text's marks, to which a transcript's cue that markup left as text
    (``(applause)``, ``[ Music ]``) is added as the break it stands for; without them the
    cue goes. A tag it cannot read is a :class:`MarkupError` naming ``source`` and the line.
    """
    try:
        return _clean(text, options or CleanupOptions(), spoken, marks)
    except _UnsupportedTag as exc:
        tag, name = exc.args
        where = f"{source}:{_line_of(text, tag)}"
        raise MarkupError(f"{where}: {unsupported_tag(tag, name)}") from None


def _line_of(text: str, tag: str) -> int:
    """The line of ``tag`` in ``text`` (or of its start: cleanup may have joined its lines)."""
    index = text.find(tag)
    if index < 0:
        index = max(text.lower().find(tag.split()[0].rstrip("/>").lower()), 0)
    return text.count("\n", 0, index) + 1


def _line_end(match: re.Match[str], spoken: AbstractSet[str]) -> str:
    """A line break (see the module docstring) as the end of its line, the line's words
    ended by a comma (a period for a line in capitals), before the controls after them."""
    text, marks = match.string, match["marks"]
    if STANZA_END_RE.match(text, match.end()):
        return marks + "\n"
    said = max((i + 1 for i, mark in enumerate(marks) if mark in spoken), default=0)
    end = _line_end_punctuation(text, match.start(), match.end(), marks[:said])
    return f"{marks[:said]}{end}{marks[said:]}\n"


def _hard_break(match: re.Match[str], spaces_break: Callable[[str, int], bool]) -> str:
    """A markdown hard break (a line's trailing backslash or spaces) or a ``<br>`` inside a
    block, as a line break in prose: the punctuation that ends its line (the ``<br>`` then
    goes as any tag). Trailing spaces break a line only where ``spaces_break`` says so (see
    :data:`MARKDOWN_HINT_RE`); else they go and the line is wrapped."""
    text = match.string
    if match["spaces"] and not spaces_break(text, match.start()):
        return ""
    line = text[max(0, match.start() - 200) : match.start()].rpartition("\n")[2]
    if (
        "|" in line
        or HEADING_RE.fullmatch(line)
        or NEXT_BLOCK_RE.match(text, match.end())
        or BLOCK_CLOSE_RE.match(text, match.end())
    ):
        end = ""  # a table's row, a heading, or the block's end: no line of prose
    else:
        end = _line_end_punctuation(text, match.start(), match.end())
    return end + (match["br"] or "")


def _line_end_punctuation(text: str, start: int, after: int, said: str = "") -> str:
    """The punctuation for the end of the line of ``text`` that a line break ends at
    ``start`` and that goes on at ``after`` (``said``: the spoken marks that end the line):
    a comma when its words end without punctuation (a light pause), a period for a line in
    capitals, none when it ends in punctuation or the next line goes on with a small letter
    (a wrapped line)."""
    line = LINE_START_RE.split(strip_marks(text[max(0, start - 200) : start]))[-1] + said
    if strip_marks(text[after : after + 40]).lstrip()[:1].islower():
        return ""
    return _line_punctuation(line, said=bool(said))


def _line_punctuation(line: str, said: bool = False) -> str:
    """The punctuation that ends ``line`` (no marks) as a line of its paragraph: none after
    its own or a dash (a pause already), unless ``said`` (spoken marks end it), a period
    after capitals, else a comma."""
    if not said and not line.rstrip().rstrip(CLOSING)[-1:].isalnum():
        return ""
    return "." if _in_capitals(line) else ","


def _names_the_next(line: str, next_line: str) -> bool:
    """Whether ``line``, first in its paragraph, is a speaker's name over their words or a
    heading over its text (a script's "SARAH" / "(whispering) Is anyone here?", "CHAPTER II"
    / "Down the Hole"): a few words in capitals, not wrapped capitals over more, nor over a
    line that goes on their sentence with a small letter ("I LOVE YOU" / "she wrote")."""
    return (
        len(line.split()) <= MAX_NAME_WORDS
        and _in_capitals(line)
        and any(map(str.islower, next_line))
        and not strip_marks(next_line).lstrip()[:1].islower()
    )


def _is_slugline(lines: list[str]) -> bool:
    """Whether the last of ``lines``, a paragraph's so far, is a screenplay's scene heading
    (:data:`SLUGLINE_RE`) that starts the paragraph or a sentence."""
    line = strip_marks(lines[-1])
    return (
        line[:1] in "EI"  # most lines: looked at no further
        and SLUGLINE_RE.match(line) is not None
        and _in_capitals(line)
        and (len(lines) == 1 or _ends(lines[-2]))
    )


def _heads_the_next(lines: list[str], next_line: str) -> bool:
    """Whether the last of ``lines``, a paragraph's so far, may be a heading over
    ``next_line``: it starts the paragraph or a sentence, and the next line does not go on
    from it with a small letter ("He said" / "**no**" / "to me")."""
    return (len(lines) == 1 or _ends(lines[-2])) and not strip_marks(next_line)[:1].islower()


def _in_capitals(line: str) -> bool:
    """Whether ``line`` is words in capitals (a heading, a speaker's name): two letters or
    more, none small."""
    letters = [char for char in line if char.isalpha()]
    return len(letters) > 1 and not any(map(str.islower, letters))


def _spaces_break_lines(text: str) -> Callable[[str, int], bool]:
    """Whether two spaces at a line's end in a part of ``text`` (the part, where) break the
    line (see :data:`MARKDOWN_HINT_RE`): always in markdown, else in verse."""
    if MARKDOWN_HINT_RE.search(text):
        return lambda part, at: True
    verse: dict[tuple[str, int], bool] = {}  # by the part and the paragraph's start

    def in_verse(part: str, at: int) -> bool:
        start = part.rfind("\n\n", 0, at) + 1
        if (part, start) not in verse:
            end = part.find("\n\n", at)
            lines = part[start : end if end >= 0 else len(part)].strip("\n").split("\n")
            verse[part, start] = (
                len(lines) >= MIN_VERSE_LINES
                and all(len(line.strip()) <= MAX_VERSE_LINE for line in lines)
                and all(VERSE_LINE_END_RE.search(line) for line in lines[:-1])
                and not any(strip_marks(line).lstrip()[:1].islower() for line in lines)
            )
        return verse[part, start]

    return in_verse


def _cue(match: re.Match[str], marks: MarkTable | None) -> str:
    """A transcript's cue (:data:`CUE_RES`) as the mark it stands for, added to ``marks`` (or
    nothing, with no ``marks``); else as written. Spaced in brackets a cue is what markup
    makes of it in brackets (a break, Sonic's laughter, a way of speaking's volume). In
    parentheses it is a break or a way of speaking's volume: a voice's sound ("(laughs)",
    "(sighs)", "(man coughs)"), a transcript's word ("(applause)", "(inaudible)"), a
    script's pause ("(beat)", "(long pause)") or a way of speaking ("(whispering)")
    wherever it stands, another sound ("(music)", "(door
    creaks)") only standing as a cue, after a line's start or a sentence's end and before
    no small letter on its line: within a sentence it is a gloss ("his first love (music)
    took over")."""
    text, name = match.string, cue_name(match["name"])
    bracket = match.group()[0] == "["
    mark: Mark | None
    if bracket and match["inner"] == match["inner"].strip():
        return match.group()  # markup's own "[Music]"
    if name in PAREN_LAUGHTER:
        laughter = Mark(MarkKind.NONVERBAL, "laughter")
        mark = laughter if bracket else Mark(MarkKind.BREAK, PAREN_LAUGHTER[name])
    elif name in (PAUSES if bracket else PAREN_PAUSES):
        mark = Mark(MarkKind.BREAK, PAUSES[name])
    elif (mark := cue(match["inner"])) is None:
        return match.group()
    elif (
        not bracket
        and mark.value == SOUND_MS
        and name not in TRANSCRIPT_WORDS
        and (
            not CUE_AFTER_RE.search(text, max(0, match.start() - 20), match.start())
            or strip_marks(text[match.end() : match.end() + 20]).lstrip(" \t")[:1].islower()
        )
    ):
        return match.group()  # "his first love (music) took over"
    return marks.add(replace(mark, source=match.group())) if marks is not None else " "


def _chat(text: str) -> str:
    """``text`` with a chat's markup (:data:`CHAT_RE`) as what its reader sees: a link's or a
    mention's label, a special mention or a date as shown, a custom emoji as its short code
    (read as the ``emoji`` option says); a mention with no name goes."""
    return CHAT_RE.sub(_chat_markup, text)


def _chat_time(stamp: int, style: str) -> str:
    """A Discord time stamp (seconds since 1970, a style letter) as a date and time in UTC,
    as its reader, in their own time zone, sees it: a date alone for ``d``, ``D`` and
    ``R`` (relative to when it is read), a time alone for ``t`` and ``T``."""
    try:
        when = datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        return str(stamp)
    date = f"{when:%B} {when.day}, {when.year}"
    time = f"{when.hour % 12 or 12}:{when:%M %p} UTC"
    return date if style in "dDR" else time if style in "tT" else f"{date} at {time}"


def _chat_markup(match: re.Match[str]) -> str:
    """One piece of a chat's markup as shown (see :func:`_chat`)."""
    if match["emoji"]:
        return f" :{match['emoji'].lower()}: "
    if match["special"]:
        return "@" + match["special"]
    if match["stamp"]:
        return _chat_time(int(match["stamp"]), match["style"] or "f")
    shown = match["label"] or match["name"] or match["team"] or match["date"] or ""
    return shown.lstrip("@#") if match["name"] else shown


def _subtitles(text: str) -> str:
    """``text`` with the subtitles in it (SubRip, WebVTT) as prose: a cue's number (a VTT
    cue's name) and timing line go, and so do a VTT's header and its NOTE, STYLE and REGION
    blocks; the cues' text flows on as one paragraph (a cue often ends mid-sentence),
    without the tags that only show it (:data:`SUBTITLE_TAG_RE`) and without a line that
    says again the line before (YouTube's rolling captions)."""
    lines = text.split("\n")
    vtt = text.lstrip().startswith("WEBVTT")
    out: list[str] = []
    in_cue = in_block = False  # in a cue's text; in a block that says nothing
    flowing = False  # whether the text so far ends in a cue's text
    blank = False  # a blank line waits: a paragraph's end, unless a cue goes on after it
    for number, line in enumerate(lines):
        if not line.strip():
            in_cue = in_block = False
            blank = True
        elif SUBTITLE_TIMING_RE.fullmatch(line):
            blank = blank and not flowing
            in_cue = flowing = True
            out += filter(None, [_marks_in(line)])  # no mark is lost
        elif (line.strip().isdigit() or (vtt and not lines[number - 1].strip())) and (
            SUBTITLE_TIMING_RE.fullmatch(lines[number + 1] if number + 1 < len(lines) else "")
        ):
            continue  # the cue's number, or a VTT cue's name
        elif in_cue:
            line = SUBTITLE_TAG_RE.sub("", line).strip()
            if line and line != (out[-1] if out and not blank else ""):
                out += [""] * blank + [line]
                blank = False
        elif in_block or (vtt and (blank or not out) and VTT_BLOCK_RE.match(line)):
            in_block = True
            out += filter(None, [_marks_in(line)])
        else:
            out += [""] * (blank and bool(out)) + [line]
            blank = flowing = False
    return "\n".join(out)


def _cues(text: str, options: CleanupOptions, marks: MarkTable | None) -> str:
    """``text`` with its transcript's cues (:data:`CUE_RES`) outside code as their marks."""
    found = [  # looked for first: a book has many short parentheses, "(she said)"
        cue_re for cue_re in CUE_RES if any(map(_may_be_cue, cue_re.finditer(text)))
    ]
    if not found:
        return text

    def change(part: str) -> str:
        for cue_re in found:
            part = cue_re.sub(partial(_cue, marks=marks), part)
        return part

    before = len(marks.marks) if marks is not None else 0
    text = _outside_code(text, change) if options.markdown else change(text)
    if marks is not None and any(map(is_manner, islice(marks.marks, before, None))):
        text = end_manners(text, marks)
    return text


def _may_be_cue(match: re.Match[str]) -> bool:
    """Whether ``match`` of one of :data:`CUE_RES` holds a cue's words (see :func:`_cue`)."""
    name = cue_name(match["name"])
    return name in PAREN_LAUGHTER or name in PAUSES or cue(match["inner"]) is not None


def _time_stamps(text: str, options: CleanupOptions) -> str:
    """``text`` without a transcript's time stamps (:data:`TIME_STAMP_RE`,
    :data:`STAMP_LINE_RE`) outside code."""
    if "0:0" in text:  # a transcript's first stamp, "0:00"
        text = _without_stamp_lines(text)
    if not any(hint.search(text) for hint in TIME_STAMP_HINT_RES):
        return text
    without = partial(TIME_STAMP_RE.sub, _time_stamp)
    return _outside_code(text, without) if options.markdown else without(text)


def _without_stamp_lines(text: str) -> str:
    """``text`` without its lines of a time stamp alone when they are a transcript's (see
    :data:`STAMP_LINE_RE`)."""
    stamps = list(STAMP_LINE_RE.finditer(text))
    seconds = [_seconds(stamp[1]) for stamp in stamps]
    if len(stamps) < MIN_STAMP_LINES or seconds[0] >= 60 or seconds != sorted(seconds):
        return text
    return STAMP_LINE_RE.sub("", text)


def _seconds(stamp: str) -> int:
    """A time stamp's seconds: "1:02:10" is 3730."""
    total = 0
    for part in stamp.split(":"):
        total = total * 60 + int(part)
    return total


def _time_stamp(match: re.Match[str]) -> str:
    """A time stamp gone; one at a line's start starts a speaker's turn, a paragraph (a chat
    log's nick after it, ``<jane>``, is the speaker's name: "jane:"), and one
    at the end of a line of words ends it as a speaker's name with a colon ("Speaker 2")."""
    text, start = match.string, match.start()
    if match[1] is not None:
        said = f"{match[1]}{match['nick']}: " if match["nick"] else match[1]  # "jane: hi"
        return "\n" + said if start > 0 and text[start - 1] == "\n" else said
    before = strip_marks(text[text.rfind("\n", 0, start) + 1 : start]).rstrip()
    after = text[match.end() : match.end() + 2].lstrip(" \t")
    return ":" if before[-1:].isalnum() and not after.startswith(":") else ""


def _may_break_lines(text: str) -> bool:
    """Whether ``text`` may hold a hard break (:data:`HARD_BREAK_RE`): a few quick searches
    for what one needs, where the pattern's own scan of a book took 16 ms in 200,000 letters."""
    return any(end in text for end in HARD_BREAK_ENDS) or (
        "<" in text and BR_RE.search(text) is not None
    )


def _clean(
    text: str, options: CleanupOptions, spoken: AbstractSet[str], marks: MarkTable | None
) -> str:
    text = _characters(text, options)
    if "<" in text and CHAT_HINT_RE.search(text):
        text = _outside_code(text, _chat) if options.markdown else _chat(text)
    if "-->" in text and SUBTITLE_HINT_RE.search(text):
        text = _subtitles(text)
    if options.markdown and "<" in text:
        if "hidden" in text or "none" in text or "mso-hide" in text:
            text = _without_hidden(text)
        text = _html_as_markdown(HTML_DROP_RE.sub(lambda m: _marks_in(m.group()), text))
    text = _time_stamps(_cues(text, options, marks), options)
    if options.markdown and _may_break_lines(text):
        hard_break = partial(_hard_break, spaces_break=_spaces_break_lines(text))
        text = _outside_code(text, partial(HARD_BREAK_RE.sub, hard_break))
    if LINE_BREAK in text:
        text = LINE_BREAK_RE.sub(partial(_line_end, spoken=spoken), text)
    if "-\n" in text:
        text = _join_hyphenated(text)
    if options.markdown and MARK_RE.search(text):
        text = LEADING_MARKS_RE.sub(r"\2\1", text)
    blocks, labels = _blocks(text, options, spoken)
    paragraphs: list[str] = []
    pending = ""  # paragraphs of marks alone join the next paragraph
    for block in blocks:
        paragraph = _prose(block, options, labels)
        if options.emoji != "keep" and EMOTICON_HINT_RE.search(paragraph):
            paragraph = EMOTICON_RE.sub(lambda m: _emoticon(m, options.emoji), paragraph)
        if ADDRESS_HINT_RE.search(paragraph):
            paragraph = ADDRESS_RE.sub(_say_address, paragraph)
        if "/" in paragraph:
            paragraph = PATH_RE.sub(_say_path, paragraph)
        paragraph = _finish(pending + paragraph, spoken)
        if not strip_marks(paragraph).strip():
            pending = paragraph
            continue
        paragraphs.append(paragraph)
        pending = ""
    if pending and paragraphs:
        paragraphs[-1] += pending
    elif pending:
        paragraphs.append(pending)
    return "\n\n".join(paragraphs)


@hookimpl
def sonicpipe_clean_text(doc: Document, settings: Settings) -> None:
    """Clean ``doc.text`` for speech (after the ``markup`` plugin lifted author markup)."""
    options = CleanupOptions.from_mapping(settings.plugin_options("cleanup"))
    spoken = doc.marks.placeholders(MarkKind.PHONEMES, MarkKind.SPELL)
    doc.text = clean(doc.text, options, doc.source, spoken, doc.marks)
