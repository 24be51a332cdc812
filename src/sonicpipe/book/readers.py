"""Books in: plain text (Project Gutenberg aware), Markdown and EPUB -> :class:`Book`.

A book is chapters of paragraphs, in reading order. Each chapter's heading stays in its text
as the first paragraph (it is narrated); ``Chapter.title`` names it for markers and reports.

* Plain text: a Project Gutenberg header and licence are cut at the ``*** START OF`` /
  ``*** END OF`` lines (``Title:`` and ``Author:`` are read from the header; without them, a
  byline ``by Ann Smith`` in the first paragraphs names the author, and a line right over it
  the book). Chapter headings are paragraphs starting
  ``CHAPTER``/``Chapter``/``BOOK``/``PART`` and a number (roman, arabic or a word:
  ``Chapter the First``; not a sentence, ``Part one of the plan failed.``), and lines of
  their own naming a ``Prologue``, ``Epilogue``, ``Afterword``, ``Postscript``,
  ``Interlude``, ``Conclusion`` or ``Appendix`` (``Appendix A``); in a book without
  ``CHAPTER`` headings, numbers alone on a line (``1``, ``VII.``, ``ONE``, or with a title
  in capitals, ``VII. THE STORM``) that count up from one (again in each part). A heading
  that is only a number takes the capitals line after it (``JONATHAN HARKER'S JOURNAL``)
  into its title, and the ``PART``/``BOOK`` headings right over it, which no later heading
  repeats, are narrated with it and name it (``PART II. CHAPTER I``). Other headings with no
  text before the next one are a table of contents (``CHAPTER II. The Pool`` is the heading
  ``CHAPTER II``), and so is the last of them when it and the one before come again later:
  they and everything before them are front matter, and so is what follows until the first
  chapter, but for sections the contents list by name: a line after it that repeats such an
  entry (Moby-Dick's ``ETYMOLOGY.``; ``PREFACE ..... vii`` names ``PREFACE``) starts a
  chapter. Text before the first heading, when it is no front matter, is a chapter:
  ``CHAPTER I`` when the first heading is ``CHAPTER II`` (a book whose first heading is
  lost), else named by its own capitals heading line (``ETYMOLOGY.``), else by the book's
  title (or ``Opening``). A paragraph of indented lines that each start with a capital
  (verse) keeps them as lines (:data:`LINE_BREAK`); others are wrapped text.
* Markdown: chapters start at the shallowest heading level (``#`` or underlined with ``=``
  or ``-``) used more than once, or a level deeper while the headings there are parts over
  them (``## Part One``, or any heading over ``### Chapter 1``s; ``# Book`` and
  ``## Part One`` may both be over ``### Chapter 1``). A heading above the chapters' level
  followed at once by a deeper one is a part: narrated with the chapter under it, which it
  names (``Part One. Chapter 1``); with text of its own it is a chapter (a prologue, a
  part's introduction); a heading with no text before the first chapter (a subtitle) is
  front matter. The first heading, when it is alone at its level above the chapters, is the
  book's title, unless a title found elsewhere (YAML, or a Project Gutenberg header) is not
  its first words (``Dune`` for ``# Dune: A Novel``): then it is narrated as any other. A
  YAML metadata block at the top (Pandoc's, between ``---`` lines) gives the title and
  author, and is never narrated; without an author there, a byline (``*by Ann Smith*``)
  under the title names one. A ``Contents`` (or ``Table of Contents``) heading over links or
  a list of the other headings is a table of contents: front matter, wherever it is. A ``#``
  heading needs no blank line around it; its closing ``#``s, Pandoc attributes (``{#one}``),
  links' targets and emphasis marks are not its title's; fenced code (blank lines and all)
  is one paragraph and holds no heading; an HTML comment from a line's start is not read (it
  may hide a draft's chapter), nor is a ``[TOC]`` marker; ``---`` under a list or a quote is
  a rule. A hard line break (a line ending in two spaces or a backslash) keeps the lines
  apart (:data:`LINE_BREAK`), as in verse.
* EPUB (ebooklib): spine order, chapter titles from the table of contents, title and author
  from the metadata, the cover image. A chapter starts where the table of contents points,
  also within a file (``all.xhtml#c2``; deeper entries into the same file are sections); a
  file it does not point into, with no heading of its own, goes on with the chapter before
  (a converter split it off); a page of a heading alone (a part's) is narrated with the
  chapter after it, which it names (``Part One. Chapter 1``). Without an author in the
  metadata, a byline before the first chapter (``by Ann Smith``) names one. A contents page
  is front matter, and so is a title or copyright page, by its type, its title or what it
  holds (notices, ISBN, publisher); Project Gutenberg's header and licence
  (``id="pg-header"``, ``"pg-footer"``) are left out as from its plain texts. A ``<br/>`` is
  a line break within its paragraph (:data:`LINE_BREAK`: verse is read a line to a
  sentence), two in a row a paragraph break, and one in the middle of a sentence (before a
  small letter, after a word) a wrap; so are the line ends in ``<pre>``. Archive paths that
  are absolute or escape the book, spine items whose file is missing, and an archive that
  unpacks to more than 1 GB, are errors.

Text and Markdown files are UTF-8 (or UTF-16 with a byte order mark); one that is not is
read in the encoding its Project Gutenberg header declares
(``Character set encoding: ISO-8859-1``), if any, else refused.
Front matter (before the first chapter) and the Gutenberg licence are left out unless asked
for, and counted (``Book.left_out``) so that a render can say what it did not narrate.
Footnote markers (``[12]``, ``[*]``, EPUB note references; not a numbered link forward to
text, ``see page 45``) are removed so that no number is read out in the middle of a
sentence. Footnotes are not narrated: an EPUB's notes (typed, or what a marker points
forward to that links back to it or is on a ``Notes`` page), a plain text's ``*`` notes
(Moby-Dick's), each a paragraph that starts with ``*`` after the paragraph whose ``word.*``
points at it, a plain text's ``[Footnote 1: ...]`` (Project Gutenberg's), and a Markdown
file's ``[^1]: ...`` definitions; nor are Project Gutenberg's ``[Illustration: ...]`` marks
or a plain text's transcriber's notes (``[Transcriber's Note: ...]``; a section of them
after the last chapter goes with the licence).
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

from sonicpipe.audio.writers import system_reason

FORMATS = (".txt", ".md", ".markdown", ".epub")
# A line break within a paragraph (an EPUB's ``<br/>``: verse, an address): Unicode's LINE
# SEPARATOR. The render reads each line as a sentence of the paragraph; the text chain
# alone would join it to the next line as a wrapped one.
LINE_BREAK = "\u2028"
FRONT_MATTER = "Front matter"
LICENCE = "Project Gutenberg licence"
UNTITLED = "Opening"

_NUMBER = (
    r"(?:[IVXLCDM]+|\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)"
)
# A numbered heading: ``CHAPTER II.``, ``Chapter the First``, ``Part 1: Title``; not a
# sentence that starts so (``Part one of the plan failed.``: a small word after the number).
HEADING = re.compile(
    rf"^(?P<word>chapter|book|part|letter|stave)\s+(?:the\s+)?(?P<number>{_NUMBER})\b"
    r"(?!,?[ \t]+(?-i:[a-z]))[.:]?",
    re.IGNORECASE,
)
# A heading that is a number alone (``7``, ``VII.``, ``SEVEN``), or with a title in capitals
# (``VII. THE STORM``): a chapter's when they count up from one (see :func:`_bare_headings`).
CARDINALS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
             "eighteen", "nineteen", "twenty")  # fmt: skip
BARE = re.compile(
    rf"(?P<number>[IVXLC]+|\d{{1,3}}|(?i:{'|'.join(CARDINALS)}))\.?"
    r"(?:[ \t]+(?P<title>[^a-z\n]*[A-Z][^a-z\n]*))?"
)
# A section named, not numbered: a line of its own.
NAMED = re.compile(
    r"^(?:prologue|epilogue|afterword|postscript|interlude|conclusion"
    r"|appendix(?:\s+(?:[A-Z]|[IVXLC]+|\d+)\b)?)(?:\s*(?:[.:]|--|\u2014)[^\n]{0,60})?$",
    re.I,
)
# The number before 2 in each way of writing it (for a lost first heading).
BEFORE_TWO = {"ii": "i", "2": "1", "two": "one", "second": "first"}
START = re.compile(r"^\*\*\*\s*START OF (?:THE|THIS) PROJECT GUTENBERG", re.IGNORECASE | re.M)
END = re.compile(r"^\*\*\*\s*END OF (?:THE|THIS) PROJECT GUTENBERG", re.IGNORECASE | re.M)
# An older file's credits, its first paragraph after the start marker.
CREDITS = re.compile(
    r"\A\s*(?:this e-?(?:text|book) was )?(?:produced|prepared|e-?text prepared)[ \t\n]+by\b"
    r".*?(?:\n[ \t]*\n|\Z)",
    re.IGNORECASE | re.S,
)
# An older file's last paragraph before the end marker: "End of Project Gutenberg's ...".
END_LINE = re.compile(
    r"^[ \t]*End of (?:the )?Project Gutenberg\b(?:(?!\n[ \t]*\n).)*\s*\Z", re.I | re.M | re.S
)
# Project Gutenberg's marks of a picture, and the start of one of its notes.
ILLUSTRATION = re.compile(r"[ \t]*\[Illustration(?:[.:][^\]]*)?\]", re.I)
PG_NOTE = re.compile(r"\s*\[(?:Footnote\b|Transcriber\W?s\s+notes?\b)[^\]:]*:", re.I)
# A transcriber's note in the text, and the heading of a section of them after the book.
TRANSCRIBER = re.compile(r"[ \t]*\[Transcriber\W?s\s+notes?\b[^\]]*\]", re.I)
TRANSCRIBER_NOTES = re.compile(r"\[?Transcriber\W?s\s+notes?\b", re.I)
# What a line that is said starts with: a quote or a dash.
QUOTES = ('"', "'", "\u201c", "\u2018", "\u00ab", "--", "\u2014")
# A line of verse in a plain text: indented, starting with a capital (after quotes).
VERSE_LINE = re.compile(r"[ \t]{2,}[\"'\u201c\u2018(\[_]*[A-Z]")
# A contents entry's page number, after dots or spaces (``PREFACE ....... vii``).
PAGE_NUMBER = re.compile(
    r"(?:[ \t]*(?:\.[ \t]*){2,}|[ \t]*\u2026[ \t]*|[ \t]{2,})(?:\d+|[ivxlc]+)[ \t]*$"
)
HEADER_FIELD = re.compile(r"^(Title|Author):\s*(.+)$", re.M)
# A byline under a book's title: ``by Ann Smith``, ``BY J. R. R. TOLKIEN``, ``Written by
# Ann Smith and Bo Jones``: names of capitalized words (and the particles some hold).
BYLINE = re.compile(
    r"(?:(?:Written|written|WRITTEN)\s+)?(?:by|By|BY)[:\s]\s*"
    r"(?!(?i:the|an?)\s)(?P<name>[A-Z][\w.'\u2019-]*"  # not 'by the author of ...'
    r"(?:(?:\s+|,\s*)(?:(?:and|AND|&|de|van|von|der|la|le|du|da|di)\s+)*[A-Z][\w.'\u2019-]*){0,7})"
    r"\.?"
)
BYLINE_WITHIN = 4  # paragraphs from a book's start where its byline may be
FOOTNOTE = re.compile(r"(?<=[\w.,;:!?'\")\]])\[(?:\d{1,3}|\*|[A-Z])\]")
# A text's own footnote (Moby-Dick's): a marker in the running text, an asterisk right after
# a word or its punctuation ('a royal fish."*') that is not one of a pair around emphasized
# words, and the note, a later paragraph that starts with an asterisk before its first word
# and holds no other ("*See subsequent chapters...").
NOTE_MARK = re.compile(r"(?<=[\w.,;:!?'\")\]])\*(?![\w*])")
EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])[^*]*?(?<=[^\s*])\*(?![\w*])")
NOTE = re.compile(r"\s*\*(?=[\w\"'(])[^*]*")
# Pandoc's YAML metadata block at the top of a Markdown file: a ``---`` line, ``key: value``
# lines from the very next one, and a ``---`` or ``...`` line (a rule, ``---`` and a blank
# line, is no block).
METADATA_BLOCK = re.compile(
    r"\A---[ \t]*\n(?P<yaml>(?:#.*\n)*[A-Za-z_][\w-]*:.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S
)
# An ATX heading line: its closing ``#``s, after a space, are no part of it (``# C#`` keeps).
MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
# A heading's Pandoc attributes (``# One {#one .unnumbered}``, ``{-}``): markup, not words.
MD_ATTRIBUTES = re.compile(r"[ \t]+\{[#.-][^{}\n]*\}[ \t]*$", re.M)
# Inline markup in a heading: a link or image (its text stays), emphasis and code marks.
MD_LINKED = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
MD_MARKS = re.compile(r"(\*{1,3}|`+)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\3(?!\w)")
# A code fence's opening line (an info string after a ``~~~`` fence: a bare one may be a
# section break), and an HTML comment's start at a line's.
MD_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}(?!.*`)|~{3,}(?=[ \t]*\S)).*")
MD_COMMENT = re.compile(r" {0,3}<!--")
# A Markdown heading naming a part of the book (its chapters are a level down).
PART = re.compile(rf"(?:part|book|volume)\s+(?:the\s+)?{_NUMBER}\b", re.I)
# A setext heading: its text, then a line of ``=`` (level 1) or ``-`` (level 2) under it;
# under a list or a quote, ``---`` is a rule.
MD_UNDERLINED = re.compile(
    r"\A(?![ \t]*(?:[-*+>]|\d{1,9}[.)])(?:[ \t]|$))"
    r"(?P<text>.*?\S.*?)\n {0,3}(?P<line>=+|-+)[ \t]*\Z",
    re.S | re.M,
)
# A line in a YAML block's list or mapping: ``- Ann``, ``- name: Ann``, ``  text: Main``.
YAML_ITEM = re.compile(
    r"\s*(?:-\s+|(?=\s*[A-Za-z_][\w-]*:))(?:(?P<field>[A-Za-z_][\w-]*):(?:\s+|$))?(?P<value>.*)"
)
# A marker that a Markdown tool fills with a table of contents: ``[TOC]``, ``[[_TOC_]]``.
MD_TOC = re.compile(r"\[TOC\]|\[\[_?TOC_?\]\]|\$\{toc\}|\[\[toc\]\]", re.I)
# A list item's marker (``- ``, ``1. ``), and a link (``[One](#one)``, ``[[One]]``).
MD_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
MD_LINK = re.compile(r"\[[^\]\n]+\]\([^)\n]*\)|\[\[[^\]\n]+\]\]")
# A footnote's definition (``[^1]: ...``); indented paragraphs after it go on with it.
MD_NOTE = re.compile(r"\A {0,3}\[\^[^\]\s]+\]:")
BLANK = re.compile(r"\n[ \t]*\n")
MD_HARD_BREAK = re.compile(r"(?: {2,}|\\)\n(?=[ \t]*\S)")  # a line's end kept as a line break
DECLARED = re.compile(rb"^Character set encoding:[ \t]*([^\r\n]*?)[ \t]*\r?$", re.I | re.M)
# Labels that mean Windows-1252 in practice (as browsers read them: the WHATWG Encoding
# standard); Latin-1 texts often hold its curly quotes and dashes.
WINDOWS_1252 = ("ascii", "iso8859-1", "cp1252")


class BookError(ValueError):
    """A book that cannot be read: names the file and what is wrong with it."""


@dataclass
class Chapter:
    """A chapter: its title and its paragraphs (the heading, when there is one, first)."""

    title: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        """The chapter as text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass
class Book:
    """A book: title, author, chapters in reading order, and an optional cover image."""

    title: str
    author: str
    chapters: list[Chapter]
    cover: bytes | None = None  # an image as found (the M4B takes JPEG or PNG)
    source: str = ""
    encoding: str = "utf-8"  # of a text file: another when its header or byte order mark says
    # Paragraphs not narrated unless asked for: "front matter" and "licence", when any.
    left_out: dict[str, int] = field(default_factory=dict)


def read_book(path: str | Path, front_matter: bool = False, licence: bool = False) -> Book:
    """Read a .txt, .md or .epub book; ``front_matter``/``licence`` keep those parts."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():  # whatever its name ("books/", "chapters.md/")
        raise BookError(f"{path}: a folder, not a book")
    if suffix not in FORMATS:
        raise BookError(
            f"{path}: cannot read {suffix or 'a file without a suffix'!r} books; "
            f"valid: {', '.join(FORMATS)}"
        )
    if not path.is_file():
        raise BookError(f"{path}: no such file")
    if suffix == ".epub":
        book = read_epub(path, front_matter, licence)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise unreadable(path, exc) from None
        text, encoding = decode_text(path, data)
        reader = read_markdown if suffix in (".md", ".markdown") else read_text
        book = reader(text, path.stem, front_matter=front_matter, licence=licence)
        book.encoding = encoding
    book.source = str(path)
    book.chapters = [c for c in book.chapters if c.paragraphs]
    if not book.chapters:
        but = f" but its {left_out(book.left_out)}" if book.left_out else ""
        raise BookError(f"{path}: no text to narrate{but}")
    return book


def left_out(parts: dict[str, int]) -> str:
    """What a reader left out (``Book.left_out``) and the options that narrate it, e.g.
    ``front matter (5 paragraphs; --front-matter narrates it)``."""
    names = {"front matter": ("front matter", "--front-matter"),
             "licence": ("the Project Gutenberg licence", "--licence")}  # fmt: skip
    return " and ".join(
        f"{names[part][0]} ({count} paragraph{'s' * (count != 1)}; {names[part][1]} narrates it)"
        for part, count in parts.items()
    )


def unreadable(path: Path, exc: OSError) -> BookError:
    """A book file the system will not read (``permission denied``), named."""
    return BookError(f"{path}: cannot read: {system_reason(exc)}")


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a book file and its encoding: UTF-8, else the one a Project Gutenberg
    header declares, or UTF-16 with its byte order mark (Windows Notepad's "Unicode").
    Anything else is a :class:`BookError` naming the file."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise BookError(
                f"{path}: not UTF-16 text, as its byte order mark says: {exc}"
            ) from None
    if b"\x00" in data:  # valid UTF-8, but no text's: UTF-16 without its mark, say
        raise BookError(
            f"{path}: not UTF-8 text (a NUL byte at offset {data.index(0)}: UTF-16 without a "
            "byte order mark?); book files must be UTF-8: convert it (for example with iconv)"
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        where = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
    declared = DECLARED.search(data)
    label = declared.group(1).decode("ascii", "replace") if declared else ""
    encoding = _codec(label)
    if encoding not in (None, "utf-8"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            where += f"; nor {label}, which its header declares"
    raise BookError(
        f"{path}: not UTF-8 text ({where}); book files must be UTF-8: convert it "
        "(for example with iconv)"
    )


def _codec(label: str) -> str | None:
    """Python's codec for an encoding label (Latin-1 and ASCII read as Windows-1252)."""
    try:
        name = codecs.lookup(re.sub(r"(?i)^iso[ -]?latin", "latin", label)).name
    except LookupError:
        return None
    return "cp1252" if name in WINDOWS_1252 else name


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, line breaks and footnote markers inside them kept/removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = (FOOTNOTE.sub("", block).strip("\n") for block in BLANK.split(text))
    return [block for block in blocks if block.strip()]


def _gutenberg(text: str) -> tuple[str, str, dict[str, str]]:
    """(body, licence, header fields) of a Project Gutenberg text (body = text without them).

    Older files credit their producers right after the start marker (left out, as the
    header is) and close with an ``End of Project Gutenberg's ...`` line (the licence's)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fields: dict[str, str] = {}
    start = START.search(text)
    if start:
        fields = {k.lower(): v.strip() for k, v in HEADER_FIELD.findall(text[: start.start()])}
        text = text[text.index("\n", start.end()) + 1 :] if "\n" in text[start.end() :] else ""
        text = CREDITS.sub("", text, count=1)
    end = END.search(text)
    if end:
        body = text[: end.start()]
        last = END_LINE.search(body)
        cut = last.start() if last else len(body)
        return body[:cut], body[cut:] + text[end.start() :], fields
    return text, "", fields


def read_text(text: str, name: str = "", front_matter: bool = False, licence: bool = False) -> Book:
    """A plain-text book (see the module docs); ``name`` is the title when none is found."""
    body, tail, fields = _gutenberg(text)
    paragraphs = _without_notes(_without_marked_blocks(split_paragraphs(body)))
    # A transcriber's notes after the last chapter's heading are Project Gutenberg's, as
    # its licence is, and go with it.
    last = max((n for n, p in enumerate(paragraphs) if _is_heading(p)), default=len(paragraphs))
    notes = next((n for n, p in enumerate(paragraphs) if n > last and _short(p)
                  and TRANSCRIBER_NOTES.match(p.strip())), len(paragraphs))  # fmt: skip
    paragraphs, tail = paragraphs[:notes], "\n\n".join([*paragraphs[notes:], tail])
    headings = [n for n, p in enumerate(paragraphs) if _is_heading(p)]
    if not any(_chapter_word(paragraphs[n]) for n in headings):  # else numbers are sections
        headings = sorted({*headings, *_bare_headings(paragraphs)})
    # A heading directly followed by another heading is a contents entry, not a chapter.
    chapters_at = [n for n in headings if n + 1 < len(paragraphs) and n + 1 not in headings]
    if chapters_at and _ends_contents(paragraphs, headings, chapters_at[0]):
        chapters_at.pop(0)  # the text after it is front matter (an epigraph, say)
    over = {n: _parts_over(paragraphs, headings, n) for n in chapters_at}
    begins = [(over[n] or [n])[0] for n in chapters_at]  # a chapter begins with its parts
    placed = {m for parts in over.values() for m in parts}
    contents = [n for n in headings if n not in chapters_at and n not in placed]
    first = begins[0] if begins else len(paragraphs)
    opening = paragraphs[:first]
    if not fields.get("author") and (byline := _byline(opening)):
        fields["author"] = byline[1]
        above = opening[byline[0] - 1].strip() if byline[0] else ""
        if not fields.get("title") and above and "\n" not in above and len(above) <= 100:
            fields["title"] = above  # the line over it
    chapters: list[Chapter] = []
    left: dict[str, int] = {}
    if opening:
        marks = [n for n, p in enumerate(opening) if _same(p) in CONTENTS]
        listed = [n for n in contents if n < first]
        if not marks and not listed:
            after = paragraphs[first] if chapters_at else ""
            title = _opening_title(opening, after, fields.get("title") or UNTITLED)
            chapters.append(Chapter(title, opening))
        else:
            starts = _listed_sections(opening, marks, listed)
            bounds = [*starts, len(opening)]
            if front_matter:
                chapters.append(Chapter(FRONT_MATTER, opening[: bounds[0]]))
            else:
                left["front matter"] = bounds[0]
            for start, stop in zip(starts, bounds[1:], strict=True):
                chapters.append(Chapter(" ".join(opening[start].split()), opening[start:stop]))
    for n, (start, heading) in enumerate(zip(begins, chapters_at, strict=True)):
        stop = begins[n + 1] if n + 1 < len(begins) else len(paragraphs)
        body = [p for i, p in enumerate(paragraphs[start:stop], start) if i not in contents]
        title = _title(paragraphs[heading], paragraphs[heading + 1] if heading + 1 < stop else "")
        parts = [_title(paragraphs[m]).rstrip(".:") for m in over[heading]]
        chapters.append(Chapter(". ".join([*parts, title]), body))
    for chapter in chapters:
        chapter.paragraphs = [verse_lines(p) for p in chapter.paragraphs]
    _licence_chapter(chapters, left, split_paragraphs(tail), licence)
    title = fields.get("title") or name
    return Book(title, fields.get("author", ""), chapters, left_out=_counted(left))


def _byline(paragraphs: list[str]) -> tuple[int, str] | None:
    """Where a byline (:data:`BYLINE`) is among a book's first paragraphs, and the author it
    names (in capitals, as a name is written: ``BY ANN SMITH`` is Ann Smith)."""
    for n, paragraph in enumerate(paragraphs[:BYLINE_WITHIN]):
        text = " ".join(paragraph.split())
        if text.casefold() == "by" and n + 1 < len(paragraphs):  # the name below it
            text = f"by {' '.join(paragraphs[n + 1].split())}"
        if found := BYLINE.fullmatch(text):
            name = found["name"]
            if name.isupper():
                name = re.sub(r"\bAND\b", "and", name)
                name = re.sub(r"[A-Z]{2,}", lambda m: m[0][0] + m[0][1:].lower(), name)
            return n, name
    return None


def verse_lines(paragraph: str) -> str:
    """A plain text's paragraph of indented lines that each start with a capital (verse, an
    address, the rows of a table) with :data:`LINE_BREAK` between its lines; any other (a
    wrapped one: some of its lines go on with a small letter) as it is."""
    lines = paragraph.split("\n")
    if len(lines) < 2 or not all(VERSE_LINE.match(line) for line in lines):
        return paragraph
    return LINE_BREAK.join(_unwrapped([line.strip() for line in lines]))


def _listed_sections(opening: list[str], marks: list[int], listed: list[int]) -> list[int]:
    """Where the sections of an ``opening`` with a contents list start: after the list, a
    line that repeats one of its entries other than a numbered heading starts one
    (Moby-Dick's ``ETYMOLOGY.``, listed before ``CHAPTER 1``); before the first is front
    matter. ``marks``: the ``Contents`` lines; ``listed``: the headings in the list."""
    start = marks[0] + 1 if marks else listed[0]
    end = listed[-1] + 1 if listed else start + 1  # else the list is one block of lines
    entries = {_same(PAGE_NUMBER.sub("", line)) for p in opening[start:end]
               for line in p.splitlines() if not HEADING.match(line.strip())}  # fmt: skip
    entries.discard("")
    starts = [n for n in range(end, len(opening))
              if "\n" not in opening[n].strip() and _same(opening[n]) in entries]  # fmt: skip
    return starts


def _parts_over(paragraphs: list[str], headings: list[int], start: int) -> list[int]:
    """The part and book headings right over the chapter heading at ``start`` (``PART II``
    before ``CHAPTER I``), which no later heading repeats (a contents list's entries do):
    they are narrated with the chapter and name it."""
    listed = set(headings)
    over: list[int] = []
    at = start - 1
    while at in listed and (found := HEADING.match(paragraphs[at].strip())):
        later = {_same(paragraphs[n]) for n in headings if n > at}
        if found["word"].lower() not in ("part", "book") or _same(paragraphs[at]) in later:
            break
        over.insert(0, at)
        at -= 1
    return over


def _without_marked_blocks(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without Project Gutenberg's ``[Illustration: ...]`` marks and its
    ``[Footnote 1: ...]`` notes, each a paragraph or more of its own."""
    kept: list[str] = []
    in_note = False
    for paragraph in paragraphs:
        in_note = in_note or bool(PG_NOTE.match(paragraph))
        if in_note:
            in_note = not paragraph.rstrip().endswith("]")
            continue
        if text := TRANSCRIBER.sub("", ILLUSTRATION.sub("", paragraph)).strip("\n"):
            kept.append(text)
    return kept


def _without_notes(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without the footnotes set among them (see :data:`NOTE`): a note is
    left out, as an EPUB's are, when an earlier paragraph holds a marker not yet matched."""
    kept: list[str] = []
    marks = 0
    for paragraph in paragraphs:
        if marks and NOTE.fullmatch(paragraph):
            marks -= 1
            continue
        marks += len(NOTE_MARK.findall(EMPHASIS.sub("", paragraph)))
        kept.append(paragraph)
    return kept


def _short(paragraph: str) -> bool:
    return paragraph.count("\n") < 3 and len(paragraph) < 200


def _bare_headings(paragraphs: list[str]) -> set[int]:
    """Where the headings that are numbers alone (:data:`BARE`) are: those of a run that
    counts up from one in the same way of writing (``1``, ``2``; ``I``, ``II``; again from
    one after a part), two at least; a lone ``I`` or a number in a list is none."""
    runs: list[list[tuple[int, int, str]]] = []  # (where, number, way of writing it)
    for n, paragraph in enumerate(paragraphs):
        if "\n" in paragraph.strip() or not (found := BARE.fullmatch(paragraph.strip())):
            continue
        number, kind = _number(found["number"])
        if runs and runs[-1][-1][1:] == (number - 1, kind):
            runs[-1].append((n, number, kind))
        elif number == 1:
            runs.append([(n, number, kind)])
    return {n for run in runs if len(run) > 1 for n, _, _ in run}


def _chapter_word(heading: str) -> bool:
    """Whether a heading is a numbered chapter's (``CHAPTER I``, ``Letter 2``), not a part's."""
    found = HEADING.match(heading.strip())
    return bool(found) and found["word"].lower() not in ("part", "book")


def _number(text: str) -> tuple[int, str]:
    """A bare heading's number and the way it is written: ``digits``, ``roman`` or ``words``."""
    if text.isdigit():
        return int(text), "digits"
    if text.lower() in CARDINALS:
        return CARDINALS.index(text.lower()) + 1, "words"
    values = [{"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}[c] for c in text]
    total = sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True))
    return total, "roman"


def _is_heading(paragraph: str) -> bool:
    text = paragraph.strip()
    return _short(paragraph) and bool(HEADING.match(text) or NAMED.match(text))


def _ends_contents(paragraphs: list[str], headings: list[int], start: int) -> bool:
    """Whether the heading at ``start`` is the last entry of a contents list: it and the
    heading right before it come again later as headings (a part heading over the first
    chapter, ``PART ONE`` before ``CHAPTER I``, does not, though ``CHAPTER I`` may)."""
    if start - 1 not in headings:
        return False
    later = {_same(paragraphs[n]) for n in headings if n > start}
    return _same(paragraphs[start]) in later and _same(paragraphs[start - 1]) in later


def _same(heading: str) -> str:
    """A heading as compared with another: a numbered one by its word and number (a contents
    entry ``CHAPTER II. The Pool`` is the heading ``CHAPTER II``, its title on a line after),
    else by its letters and digits, in one case."""
    match = HEADING.match(heading.strip())
    found = f"{match['word']} {match['number']}" if match else heading
    return re.sub(r"\W+", "", found).casefold()


def _title(heading: str, after: str = "") -> str:
    """A chapter's title: its heading (``CHAPTER 2. The Pool`` for a title on the line under
    the number); a bare ``CHAPTER II`` with the capitals line after it."""
    first, _, rest = heading.strip().partition("\n")
    found = HEADING.match(first.strip())
    if rest.strip() and found and found.end() == len(first.strip()):
        first = first.strip().rstrip(".:") + "."
    title = " ".join(f"{first}\n{rest}".split())
    match = HEADING.match(title) or BARE.fullmatch(title)
    number_only = match and match.end() == len(title) and not match.groupdict().get("title")
    subtitle = _capitals_line(after) if number_only else ""
    return f"{title.rstrip('.:')}. {subtitle}" if subtitle else title


def _capitals_line(paragraph: str) -> str:
    """``paragraph`` as a title if it is one short line in capitals (``_italics_`` aside), of
    a word at least, not said (``"FIRE!"``, a shout, opens a chapter)."""
    line = paragraph.strip()
    if "\n" in line or len(line) > 80 or not re.sub(r"_[^_]*_", "", line).isupper():
        return ""
    if line.startswith(QUOTES) or not re.search(r"[^\W\d_]{2}", line):
        return ""
    return " ".join(line.replace("_", "").split())


def _opening_title(opening: list[str], first_heading: str, fallback: str) -> str:
    """The title of the text before the first heading: ``CHAPTER I`` when that heading is
    ``CHAPTER II`` (in its words and case), else the opening's own capitals heading line,
    else ``fallback``."""
    match = HEADING.match(first_heading.strip())
    number = match["number"] if match else ""
    one = BEFORE_TWO.get(number.lower())
    if match and one:
        one = one.upper() if number.isupper() else one.capitalize() if number[0].isupper() else one
        return f"{match['word']} {one}"
    return _capitals_line(opening[0]) or fallback


def read_markdown(
    text: str, name: str = "", front_matter: bool = False, licence: bool = False
) -> Book:
    """A Markdown book (see the module docs); ``licence`` applies to Gutenberg markers."""
    metadata, text = _metadata_block(text)
    body, tail, fields = _gutenberg(text)
    fields.update({key: _md_title(value) for key, value in metadata.items()})  # Markdown too
    paragraphs = [
        MD_ATTRIBUTES.sub("", p) if _md_heading(p) else p
        for p in _without_md_notes(_md_blocks(body))
        if not MD_TOC.fullmatch(p.strip())  # no words: a tool's place for its contents
    ]
    # A table of contents is front matter, as a text's is: left out and counted, or read in
    # its place (no chapter: its heading is none) with the front matter.
    contents = _md_contents(paragraphs)
    listed = 0 if front_matter else len(contents)
    if listed:
        paragraphs, contents = [p for n, p in enumerate(paragraphs) if n not in contents], set()
    levels = [
        (n, *found)
        for n, p in enumerate(paragraphs)
        if n not in contents and (found := _md_heading(p))
    ]
    title = fields.get("title") or name
    chapter_level = _md_chapter_level(levels)
    at = {n: level for n, level, _ in levels}
    # The first heading, alone at its level and over the chapters, is the book's title,
    # unless the metadata gives another: then it is narrated as any heading over them is.
    dropped: set[int] = set()
    top = levels[0] if levels else (0, 0, "")
    if top[1] < chapter_level and all(level > top[1] for _, level, _ in levels[1:]):
        given = _words(fields.get("title", top[2]))
        if _words(top[2])[: len(given)] == given:  # the title ("Dune: A Novel")
            title, dropped = fields.get("title", top[2]), {top[0]}
    # A heading over the chapters followed at once by a deeper one is a part: narrated with
    # the chapter under it, which it names; with text of its own, it is a chapter.
    starts: list[tuple[int, str]] = []  # where a chapter starts (its parts first); its title
    parts: list[tuple[int, str]] = []
    for n, level, heading in levels:
        if n in dropped or level > chapter_level:
            continue
        if level < chapter_level and level < at.get(n + 1, 0) <= chapter_level:
            parts.append((n, heading.rstrip(".:")))
            continue
        starts.append((parts[0][0] if parts else n, ". ".join([*(t for _, t in parts), heading])))
        parts.clear()
    while len(starts) > 1 and starts[1][0] == starts[0][0] + 1:
        starts.pop(0)  # a heading alone before the first chapter (a subtitle): front matter
    first = starts[0][0] if starts else len(paragraphs)
    opening = [p for n, p in enumerate(paragraphs[:first]) if n not in dropped]
    lines = [found[1] if (found := _md_heading(p)) else _md_title(p) for p in opening]
    if not fields.get("author") and (byline := _byline(lines)):
        fields["author"] = byline[1]
    chapters = (
        [Chapter(title or UNTITLED, opening)] if opening and (front_matter or not starts) else []
    )
    left = {"front matter": (len(opening) if starts and not front_matter else 0) + listed}
    for n, (start, heading) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(paragraphs)
        kept = [p for i, p in enumerate(paragraphs[start:stop], start) if i not in dropped]
        chapters.append(Chapter(heading, kept))
    for chapter in chapters:
        chapter.paragraphs = [hard_breaks(p) for p in chapter.paragraphs]
    _licence_chapter(chapters, left, split_paragraphs(tail), licence)
    return Book(title, fields.get("author", ""), chapters, left_out=_counted(left))


def _md_chapter_level(levels: list[tuple[int, int, str]]) -> int:
    """The heading level of a Markdown book's chapters, from its headings' (index, level,
    text): the shallowest used more than once, or one deeper while those are parts."""
    used = sorted({level for _, level, _ in levels})
    repeated = [lv for lv in used if sum(1 for _, level, _ in levels if level == lv) > 1]
    chapter = repeated[0] if repeated else min(used, default=1)
    while (deeper := [lv for lv in used if lv > chapter]) and _md_parts(levels, chapter, deeper[0]):
        chapter = deeper[0]
    return chapter


def _md_parts(levels: list[tuple[int, int, str]], level: int, deeper: int) -> bool:
    """Whether the headings at ``level`` are parts over chapters at ``deeper``: some hold
    such headings, and each that does names a part (``Part One``, ``Book II``) or holds
    numbered chapters (``Chapter 1``); one that holds none is a chapter (a prologue)."""
    holds = False
    for k, (_, at, heading) in enumerate(levels):
        if at != level:
            continue
        under = []
        for _, below, text in levels[k + 1 :]:
            if below <= level:
                break
            under += [text] if below == deeper else []
        if under and not (PART.match(heading) or all(map(_chapter_word, under))):
            return False
        holds = holds or bool(under)
    return holds


def hard_breaks(paragraph: str) -> str:
    """A Markdown paragraph with its hard line breaks (a line ending in two spaces or a
    backslash: verse, an address) as :data:`LINE_BREAK`, but those that wrap a sentence (see
    :func:`_unwrapped`); a fenced code block as it is."""
    if paragraph.lstrip().startswith(("```", "~~~")):
        return paragraph
    # A break in mid-sentence (two spaces an editor left at a line's end) is a wrap.
    return LINE_BREAK.join(_unwrapped(MD_HARD_BREAK.split(paragraph)))


def _licence_chapter(
    chapters: list[Chapter], left: dict[str, int], paragraphs: list[str], licence: bool
) -> None:
    """Add the licence's ``paragraphs`` as the last chapter if asked for, else count them."""
    if licence and paragraphs:
        chapters.append(Chapter(LICENCE, paragraphs))
    elif paragraphs:
        left["licence"] = len(paragraphs)


def _counted(left: dict[str, int]) -> dict[str, int]:
    """``left`` without the parts that held no paragraph."""
    return {part: count for part, count in left.items() if count}


def _words(text: str) -> list[str]:
    """``text``'s words, in one case, as two titles are compared."""
    return re.findall(r"\w+", text.casefold())


def _md_heading(paragraph: str) -> tuple[int, str] | None:
    """(level, text) of a Markdown heading paragraph: ``## Text`` or text underlined with
    ``=`` or ``-``; None for any other paragraph."""
    if found := MD_HEADING.match(paragraph.strip("\n")):
        return len(found[1]), _md_title(found[2])
    if found := MD_UNDERLINED.match(paragraph.strip("\n")):
        return 1 if found["line"][0] == "=" else 2, _md_title(" ".join(found["text"].split()))
    return None


def _md_title(heading: str) -> str:
    """A heading's words, as a chapter's title: without attributes, links' targets, or
    emphasis and code marks (``# *One* {#one}`` is ``One``)."""
    title = MD_LINKED.sub(r"\1", MD_ATTRIBUTES.sub("", heading))
    while (plain := MD_MARKS.sub(lambda m: m[2] or m[4], title)) != title:
        title = plain  # emphasis within emphasis
    return title.strip()


def _md_blocks(text: str) -> list[str]:
    """A Markdown text's paragraphs (as :func:`split_paragraphs` gives them), but a fenced
    code block that closes stays whole, blank lines and all (its ``# lines`` are no
    headings), a ``#`` heading line is one of its own (no blank line needed around it), and
    an HTML comment from a line's start is left out (it may hide a draft's chapter)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[list[str]] = [[]]
    at = 0
    while at < len(lines):
        line = lines[at]
        if (opening := MD_FENCE.fullmatch(line)) and (end := _fence_end(lines, at, opening)):
            blocks[-1] += lines[at : end + 1]  # on the paragraph it interrupts, if any
            at = end + 1
            continue
        if MD_COMMENT.match(line) and (end := _comment_end(lines, at)):
            at, lines[end[0]] = end  # read on from the text after it on its last line
            line = ""  # it ends a paragraph, as a blank line does
        if not line.strip(" \t") or MD_HEADING.match(line):
            if blocks[-1]:
                blocks.append([])
            if line.strip(" \t"):
                blocks[-1:] = [[line], []]
                at += 1
            elif not lines[at].strip(" \t"):
                at += 1
        else:
            blocks[-1].append(line)
            at += 1
    paragraphs = (FOOTNOTE.sub("", "\n".join(block)).strip("\n") for block in blocks)
    return [paragraph for paragraph in paragraphs if paragraph.strip()]


def _fence_end(lines: list[str], start: int, opening: re.Match[str]) -> int | None:
    """The line that closes the code fence ``opening`` at ``start``, if one does."""
    fence = opening["fence"]
    closing = re.compile(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*")
    return next((n for n in range(start + 1, len(lines)) if closing.fullmatch(lines[n])), None)


def _comment_end(lines: list[str], start: int) -> tuple[int, str] | None:
    """The line where the HTML comment opening at line ``start`` closes, and that line's
    text after it; None if it never closes."""
    after = lines[start].index("<!--") + 4
    for n in range(start, len(lines)):
        if (end := lines[n].find("-->", after if n == start else 0)) >= 0:
            return n, lines[n][end + 3 :]
    return None


def _md_contents(paragraphs: list[str]) -> set[int]:
    """Where a table of contents is: a heading ``Contents`` (or ``Table of Contents``) and
    its text up to the next heading, when each of its lines is a link or a list item naming
    another heading (a chapter ``Contents`` with prose under it stays)."""
    heads = {n: found[1] for n, p in enumerate(paragraphs) if (found := _md_heading(p))}
    others = {_same(heading) for heading in heads.values()} - CONTENTS
    found: set[int] = set()
    for n, heading in heads.items():
        stop = min((m for m in heads if m > n), default=len(paragraphs))
        lines = [line for p in paragraphs[n + 1 : stop] for line in p.splitlines() if line.strip()]
        if _same(heading) in CONTENTS and lines and all(_entry(e, others) for e in lines):
            found.update(range(n, stop))
    return found


def _entry(line: str, headings: set[str]) -> bool:
    """Whether ``line`` is a contents entry: a link, or a list item naming one of
    ``headings`` (as :func:`_same` gives them)."""
    if MD_LINK.search(line):
        return True
    return bool(MD_ITEM.match(line)) and _same(MD_ITEM.sub("", line)) in headings


def _without_md_notes(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without footnote definitions (see :data:`MD_NOTE`)."""
    kept: list[str] = []
    in_note = False
    for paragraph in paragraphs:
        in_note = bool(MD_NOTE.match(paragraph)) or (in_note and paragraph[:1] in (" ", "\t"))
        if not in_note:
            kept.append(paragraph)
    return kept


def _metadata_block(text: str) -> tuple[dict[str, str], str]:
    """The ``title`` and ``author`` of a YAML metadata block that opens a Markdown file (see
    :data:`METADATA_BLOCK`), and the text after the block. An author may be a list (``- Ann``
    lines, ``- name: Ann`` entries, or ``[Ann, Bo]``): the names are joined with commas. A
    value may go on over indented lines (``>`` and ``|`` blocks too); comments are no part
    of it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    block = METADATA_BLOCK.match(text)
    if not block:
        return {}, text
    fields: dict[str, list[str]] = {}
    key = None
    lines = False  # the value is a block of lines (``title: >``)
    for line in block["yaml"].splitlines():
        if entry := re.match(r"([A-Za-z_][\w-]*):(.*)$", line):
            key = entry[1].lower() if entry[1].lower() in ("title", "author") else None
            lines = bool(re.fullmatch(r"\s*[|>][-+]?\s*", entry[2]))
            if key:
                fields[key] = [] if lines else _yaml_values(entry[2])
        elif not key or not line.strip() or (not lines and line.lstrip().startswith("#")):
            continue
        elif lines or not (item := YAML_ITEM.match(line)):  # the value goes on
            more = " ".join(line.split()) if lines else _yaml_scalar(line)
            fields[key][-1:] = [" ".join([*fields[key][-1:], more])]
        elif item["value"] and (item["field"] or "name").lower() in ("name", "text"):
            fields[key] += _yaml_values(item["value"])
    found = {key: ", ".join(v for v in values if v) for key, values in fields.items()}
    return {key: value for key, value in found.items() if value}, text[block.end() :]


def _yaml_values(value: str) -> list[str]:
    """A YAML scalar or flow list (``[Ann, "Bo"]``) as strings, quotes taken off."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        return [_yaml_scalar(item) for item in value[1 : value.rindex("]")].split(",")]
    return [_yaml_scalar(value)]


def _yaml_scalar(value: str) -> str:
    """A YAML scalar's text: quotes taken off (``'It''s'``, ``"a \\"b\\""``), or a plain
    one without its comment (``Ann # the editor``)."""
    value = value.strip()
    if quoted := re.match(r"'((?:[^']|'')*)'|\"((?:[^\"\\]|\\.)*)\"", value):
        if quoted[1] is not None:
            return quoted[1].replace("''", "'")
        return re.sub(r"\\(.)", r"\1", quoted[2])
    return re.sub(r"(?:^|\s)#.*", "", value).strip()


# -- EPUB ----------------------------------------------------------------------------------

BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "tr",
    "dt",
    "dd",
    "figcaption",
    "section",
    "article",
}
SKIPPED = {"script", "style", "head", "title", "nav"}
INLINE = {"a", "span", "sup", "sub", "b", "i", "em", "strong", "small"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
NOTE_TITLES = {"notes", "endnotes", "footnotes"}  # a notes page's heading, as _same gives it
NOTE_MOST = 3000  # characters: a note is short (a link to a longer block is no note's)
WRAPPED_END = re.compile(r"[^\W\d_]-?$")  # a line's end that a wrap may cut: a word's
# A name in capitals cut by a line's end ("news.--MINA" / "HARKER."): a capitals word ends a
# line of prose and one starts the next ("STOP" / "LOOK AND LISTEN", all capitals, stay lines).
CAPITALS_END, CAPITALS_START = re.compile(r"\b[A-Z][A-Z']+$"), re.compile(r"[A-Z][A-Z']+\b")
# Project Gutenberg's header and licence in its EPUBs (``<section id="pg-header">``).
BOILERPLATE = ("pg-header", "pg-footer")
CONTENTS = {"contents", "tableofcontents"}  # the titles of a contents page, as _same gives them
# The titles of other front matter pages (in the contents, or their heading), as _same gives them.
FRONT_TITLES = {"titlepage", "halftitle", "halftitlepage", "copyright", "copyrightpage",
                "copyrights", "imprint", "colophon"}  # fmt: skip
# A copyright or imprint page's lines: its notice, ISBN, publisher, edition, printer's key.
IMPRINT_LINE = re.compile(
    r"\u00a9|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b|\bISBN\b|\bISSN\b"
    r"|\b(?:first|second|third|revised|this)\s+(?:\w+\s+)?(?:edition|published|printing)\b"
    r"|\b(?:published|printed|reprinted|distributed|typeset|manufactured)\s+(?:by|in)\b"
    r"|\b(?:cover|book|jacket)\s+(?:design|art|image|illustration|photograph)\b"
    r"|\blibrary of congress\b|\bcatalogu?ing\b|\bno part of this\b|\bwork of fiction\b"
    r"|\b(?:press|publishing|publishers|books|inc|ltd|llc)\.?\s*$|www\.|https?://|@"
    r"|^\s*(?:\d{1,2}\s+){4,}\d{1,2}\s*$",
    re.I,
)
# What makes such a page one: a notice of copyright or an ISBN.
IMPRINT_MARK = re.compile(r"\u00a9|\bcopyright\b|\ball rights reserved\b|\bISBN\b", re.I)
IMPRINT_MOST = 3000  # characters: a copyright page is short
TITLE_PAGE_LINES, TITLE_PAGE_MOST = 6, 300  # paragraphs and characters of a title page at most
# A note, its marker, and a section of them (Standard Ebooks' "endnotes", with its heading).
NOTE_TYPES = {"noteref", "footnote", "endnote", "rearnote", "annoref", "footnotes", "endnotes",
              "rearnotes"}  # fmt: skip
FRONT_TYPES = {
    "cover",
    "titlepage",
    "toc",
    "copyright-page",
    "frontmatter",
    "halftitlepage",
    "dedication",
    "imprint",
    "colophon",
}


MAX_UNPACKED = 1_000_000_000  # bytes an EPUB may unpack to (every file is read into memory)


def check_archive(path: Path) -> None:
    """Reject an EPUB whose entries or manifest paths are absolute or leave the book, or
    that unpacks to more than :data:`MAX_UNPACKED` (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BookError(f"{path}: not an EPUB (zip) file: {exc}") from None
    except OSError as exc:
        raise unreadable(path, exc) from None
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise BookError(
                f"{path}: unpacks to {unpacked / 1e9:.1f} GB, more than a book "
                f"(at most {MAX_UNPACKED / 1e9:g} GB); not read"
            )
        names = set(archive.namelist())
        for name in names:
            _safe(path, name, name)
        opf = _opf_path(path, archive)
        root = posixpath.dirname(opf)
        from lxml import etree

        try:
            package = etree.fromstring(archive.read(opf))
        except etree.XMLSyntaxError as exc:
            raise BookError(f"{path}: {opf}: not valid XML: {exc}") from None
        ns = {"opf": "http://www.idpf.org/2007/opf"}
        items = {}
        for item in package.iterfind(".//opf:manifest/opf:item", ns):
            href = unquote(urldefrag(item.get("href", ""))[0])
            if "://" in href:
                continue  # a remote resource: never opened
            target = _safe(path, href, posixpath.join(root, href))
            items[item.get("id")] = (href, target)
        for ref in package.iterfind(".//opf:spine/opf:itemref", ns):
            idref = ref.get("idref")
            if idref not in items:
                raise BookError(f"{path}: spine item {idref!r} is not in the manifest")
            href, target = items[idref]
            if target not in names:
                raise BookError(
                    f"{path}: spine item {idref!r}: file {href!r} is missing from the archive"
                )


def _safe(path: Path, shown: str, name: str) -> str:
    """The normalized archive path of ``name``; an error if it is absolute or escapes."""
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise BookError(
            f"{path}: archive path {shown!r} is absolute; EPUB paths must stay inside the book"
        )
    normal = posixpath.normpath(name.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        raise BookError(f"{path}: archive path {shown!r} escapes the book")
    return normal


def _opf_path(path: Path, archive: zipfile.ZipFile) -> str:
    from lxml import etree

    try:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
    except KeyError:
        raise BookError(f"{path}: not an EPUB: META-INF/container.xml is missing") from None
    except etree.XMLSyntaxError as exc:
        raise BookError(f"{path}: META-INF/container.xml is not valid XML: {exc}") from None
    found = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
    if found is None or not found.get("full-path"):
        raise BookError(f"{path}: META-INF/container.xml names no package (.opf) file")
    opf = _safe(path, found.get("full-path"), found.get("full-path"))
    if opf not in archive.namelist():
        raise BookError(f"{path}: the package file {opf!r} is missing from the archive")
    return opf


def read_epub(path: str | Path, front_matter: bool = False, licence: bool = False) -> Book:
    """An EPUB 2/3 book (see the module docs)."""
    from ebooklib import epub

    path = Path(path)
    check_archive(path)
    try:
        doc = epub.read_epub(str(path), {"ignore_ncx": False})
    except Exception:  # ebooklib raises bare exceptions of many kinds
        try:  # a spine naming an NCX the book lacks (ebooklib writes such files): without it
            doc = epub.read_epub(str(path), {"ignore_ncx": True})
        except Exception as exc:
            raise BookError(f"{path}: cannot read EPUB: {exc}") from None
    entries = _toc_entries(doc.toc)
    title = _meta(doc, "title") or path.stem
    spine = [doc.get_item_with_id(idref) for idref, _ in doc.spine]
    notes, references = _note_links([(posixpath.normpath(item.get_name()), item.get_content())
                       for item in spine
                       if _is_document(item) and not isinstance(item, epub.EpubNav)])  # fmt: skip
    author = _meta(doc, "creator")
    chapters: list[Chapter] = []
    left = {"front matter": 0}
    started = False
    dividers: set[int] = set()  # where the chapters are that are a heading alone (a part's)
    for idref, linear in doc.spine:
        item = doc.get_item_with_id(idref)
        if not _is_document(item):
            continue
        if isinstance(item, epub.EpubNav) or linear == "no":
            continue
        name = posixpath.normpath(item.get_name())
        starts = _chapter_starts(entries, name)
        anchors = {fragment for fragment, _ in starts if fragment}
        heading, paragraphs, kinds, found = html_paragraphs(
            item.get_content(), anchors, notes.get(name, set()), references.get(name, set())
        )
        if name in notes and paragraphs in ([], [heading]):
            continue  # a page of notes (read none), but for its heading
        named = starts[0][1] if starts else None
        front = (
            bool(kinds & FRONT_TYPES)
            or (entries and named is None and not started)
            or (len(starts) < 2 and _same(named or heading) in CONTENTS | FRONT_TITLES)
            or is_imprint(paragraphs)
            or (not started and _is_title_page(paragraphs, title))
        )
        if not author and not started and (byline := _byline(paragraphs)):
            author = byline[1]  # a title page's, in a book whose metadata names none
        if front and not front_matter:
            left["front matter"] += len(paragraphs)
            continue
        started = started or (not front and bool(paragraphs))  # a cover's picture: not yet
        fallback = FRONT_MATTER if front else f"Chapter {len(chapters) + 1}"
        if len(starts) < 2:
            if paragraphs and named is None and not heading and entries and chapters and not front:
                chapters[-1].paragraphs += paragraphs  # a file split off the chapter before
                dividers.discard(len(chapters) - 1)
            elif paragraphs:
                chapters.append(Chapter(named or heading or fallback, paragraphs))
                if paragraphs == [heading] and not front:
                    dividers.add(len(chapters) - 1)
            continue
        # Several chapters in one file: cut it where each starts; what comes before the first
        # ends the chapter before.
        cuts: dict[int, str] = {}
        for fragment, entry_title in starts:
            if not fragment or fragment in found:
                cuts.setdefault(found.get(fragment, 0), entry_title)
        at = sorted(cuts)
        lead = paragraphs[: at[0]]
        if lead and chapters:
            chapters[-1].paragraphs += lead
            dividers.discard(len(chapters) - 1)
        elif lead:
            chapters.append(Chapter(heading or fallback, lead))
        for start, stop in zip(at, [*at[1:], len(paragraphs)], strict=True):
            if not front_matter and _same(cuts[start]) in CONTENTS:
                left["front matter"] += stop - start
            elif paragraphs[start:stop]:
                chapters.append(Chapter(cuts[start], paragraphs[start:stop]))
    chapters = _under_dividers(chapters, dividers)
    found = [p for item in spine if _is_document(item) for p in _licence(item)]
    _licence_chapter(chapters, left, found, licence)
    return Book(title, author, chapters, _cover(doc), left_out=_counted(left))


def _under_dividers(chapters: list[Chapter], dividers: set[int]) -> list[Chapter]:
    """``chapters`` with each page of a heading alone (a part's, ``Part One``; ``dividers``
    holds where they are) narrated with the chapter after it, which it names, as in a text
    (``Book One. Part One. Chapter 1`` under two such pages)."""
    kept: list[tuple[Chapter, bool]] = []  # and whether it is still a heading alone
    for n, chapter in enumerate(chapters):
        if kept and kept[-1][1]:
            part, _ = kept.pop()
            title = f"{part.title.rstrip('.:')}. {chapter.title}"
            chapter = Chapter(title, part.paragraphs + chapter.paragraphs)
        kept.append((chapter, n in dividers))
    return [chapter for chapter, _ in kept]


def is_imprint(paragraphs: list[str]) -> bool:
    """Whether a page is a copyright or imprint page: short, with a notice of copyright or
    an ISBN, most of its lines (a heading over them aside) such lines, and two such marks at
    least (a chapter's line on a copyright sold is one)."""
    if not paragraphs or sum(len(p) for p in paragraphs) > IMPRINT_MOST:
        return False
    if not any(IMPRINT_MARK.search(p) for p in paragraphs):
        return False
    body = paragraphs[1:] if _same(paragraphs[0]) in FRONT_TITLES else paragraphs
    marks = [len(IMPRINT_LINE.findall(line)) for p in body for line in p.split(LINE_BREAK)]
    return sum(marks) >= 2 and 2 * sum(1 for n in marks if n) > len(marks)


def _is_title_page(paragraphs: list[str], title: str) -> bool:
    """Whether a page is a title page: a few short lines, the book's title among them."""
    named = _same(title)
    return (
        bool(named)
        and 0 < len(paragraphs) <= TITLE_PAGE_LINES
        and sum(len(p) for p in paragraphs) <= TITLE_PAGE_MOST
        and any(_same(p) == named for p in paragraphs)
    )


def _meta(doc: Any, name: str) -> str:
    """The first non-empty Dublin Core ``name`` (an empty element, ``<dc:title/>``, has none)."""
    values = (value.strip() for value, _ in doc.get_metadata("DC", name) if value)
    return next((value for value in values if value), "")


def _toc_entries(toc: Any) -> list[tuple[str, str, str, int]]:
    """Every table-of-contents entry in order: (archive path, fragment, title, depth)."""
    entries: list[tuple[str, str, str, int]] = []

    def visit(items: Any, depth: int) -> None:
        for entry in items if isinstance(items, list | tuple) else [items]:
            if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], list):
                visit(entry[0], depth)  # (section, [its entries]): those one level down
                visit(entry[1], depth + 1)
            elif isinstance(entry, list | tuple):
                visit(entry, depth)
            elif (href := getattr(entry, "href", None)) and not _into_boilerplate(href):
                target, fragment = urldefrag(href)
                title = " ".join((entry.title or "").split())  # laid out over lines
                target = posixpath.normpath(unquote(target))
                entries.append((target, unquote(fragment), title, depth))

    visit(toc, 0)
    return entries


def _into_boilerplate(href: str) -> bool:
    """Whether a contents entry points into Project Gutenberg's header or licence (left
    out, so no chapter starts there): ``#pg-header``, ``#pg-footer-heading``."""
    return unquote(urldefrag(href)[1]).startswith(BOILERPLATE)


def _chapter_starts(entries: list[tuple[str, str, str, int]], name: str) -> list[tuple[str, str]]:
    """(fragment, title) of each chapter that starts in the file ``name``: the entries that
    point into it at their shallowest depth (deeper ones are its sections), in order; an
    empty fragment is the file's start. A start is named by the deepest entry pointing at
    it: a part that points at its first chapter (an NCX entry must point somewhere) leaves
    that chapter its own title."""
    mine = [(fragment, title, depth) for target, fragment, title, depth in entries
            if target == name]  # fmt: skip
    top = min((depth for *_, depth in mine), default=0)
    starts: dict[str, str] = {}
    for fragment, title, depth in mine:
        if depth == top:
            starts.setdefault(fragment, title)
    deepest = dict.fromkeys(starts, top)
    for fragment, title, depth in mine:
        if fragment in starts and depth > deepest[fragment]:
            starts[fragment], deepest[fragment] = title, depth
    return list(starts.items())


def _cover(doc: Any) -> bytes | None:
    import ebooklib

    for item in doc.get_items_of_type(ebooklib.ITEM_COVER):
        return item.get_content()
    for item in doc.get_items_of_type(ebooklib.ITEM_IMAGE):
        if "cover" in (item.get_id() or "").lower() or "cover" in item.get_name().lower():
            return item.get_content()
    return None


def _is_document(item: Any) -> bool:
    """Whether a spine item is an (X)HTML document."""
    import ebooklib

    return item is not None and item.get_type() == ebooklib.ITEM_DOCUMENT


def _licence(item: Any) -> list[str]:
    """The paragraphs of the Project Gutenberg licence (``pg-footer``) in a document."""
    from lxml import html

    content = item.get_content()
    footer = html.fromstring(content).find(".//*[@id='pg-footer']") if content.strip() else None
    if footer is None:
        return []
    footer.attrib.clear()  # no longer boilerplate to leave out
    return html_paragraphs(html.tostring(footer))[1]


def html_paragraphs(
    content: bytes,
    anchors: set[str] | frozenset[str] = frozenset(),
    notes: set[str] | frozenset[str] = frozenset(),
    references: set[str] | frozenset[str] = frozenset(),
) -> tuple[str, list[str], set[str], dict[str, int]]:
    """(first heading, paragraphs, epub:type values of the body, where each of ``anchors``
    starts) of an XHTML document: an element whose ``id`` (or ``name``) is one of ``anchors``
    starts a paragraph, whose index is given for it. The blocks holding the ``notes`` ids
    are not read, and links to the ``references`` hrefs are no note markers (see
    :func:`_note_links`)."""
    from lxml import html

    if not content.strip():
        return "", [], set(), {}
    root = html.fromstring(content)
    skipped = {block for element in root.iter() if element.get("id") in notes
               if (block := _note_block(element)) is not None}  # fmt: skip
    kinds: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("body", "section"):
            kinds |= _types(element)
    paragraphs: list[str] = []
    heading = ""
    current: list[str] = []
    found: dict[str, int] = {}

    pre = 0  # how deep in <pre> the walk is: there a line's end is a line break

    def close() -> None:
        """End the paragraph being read; an empty line in it (``<br/><br/>``, a blank line
        in ``<pre>``) sets paragraphs apart."""
        lines = [" ".join(line.split()) for line in "".join(current).split(LINE_BREAK)]
        current.clear()
        stanza: list[str] = []
        for line in [*lines, ""]:
            if line:
                stanza.append(line)
            elif stanza:
                paragraphs.append(LINE_BREAK.join(_unwrapped(stanza)))
                stanza = []

    def add(text: str) -> None:
        current.append(text.replace("\n", LINE_BREAK) if pre else text)

    def walk(element: Any) -> None:
        nonlocal heading, pre
        tag = element.tag if isinstance(element.tag, str) else ""
        kind = _types(element)
        if (
            tag in SKIPPED
            or kind & NOTE_TYPES
            or (_is_noteref(element) and element.get("href") not in references)
            or _is_boilerplate(element)
            or element in skipped
        ):
            if element.tail:
                add(element.tail)
            return
        block = tag in BLOCKS
        anchor = element.get("id") or element.get("name") if tag else None
        if block or (anchor in anchors and anchor not in found):
            close()
        if tag in ("td", "th"):
            current.append(" ")  # cells are words apart
        if tag == "br":
            current.append(LINE_BREAK)
        if anchor in anchors:
            found.setdefault(anchor, len(paragraphs))
        pre += tag == "pre"
        if element.text and tag:
            add(element.text)
        lines = len(paragraphs)  # a heading over paragraphs (``<br/><br/>``) is named by all
        for child in element:
            walk(child)
        if block:
            if tag in ("h1", "h2", "h3") and not heading:
                heading = " ".join(" ".join([*paragraphs[lines:], "".join(current)]).split())
            close()
        pre -= tag == "pre"
        if element.tail:
            add(element.tail)

    body = root.find("body") if root.tag != "body" else root
    walk(body if body is not None else root)
    close()
    return heading, paragraphs, kinds, found


def _note_links(
    documents: list[tuple[str, bytes]],
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(the ids of the notes, the targets of the numbered links that are no note markers) in
    each of the (archive path, XHTML) ``documents`` in reading order. A note is what a note
    marker (:func:`_is_noteref`) points forward to (see :func:`_note_block`) on a page
    headed ``Notes`` (or ``Endnotes``, ``Footnotes``), or anywhere when it links back to the
    marker's page; a note's link back to its marker points back, and is none. A numbered
    link forward to what can be no note (``see page <a href="#p45">45</a>``, a chapter) is a
    reference, read."""
    from lxml import html

    where: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}  # (path, id): its place
    links: list[tuple[str, tuple[int, int], str, tuple[str, str], bool]] = []
    pages: set[str] = set()  # those headed "Notes"
    for k, (name, content) in enumerate(documents):
        if not content.strip():
            continue
        headed = False
        for m, element in enumerate(html.fromstring(content).iter()):
            if not isinstance(element.tag, str):
                continue
            if element.tag in HEADINGS and not headed:
                headed = True
                if _same(element.text_content()) in NOTE_TITLES:
                    pages.add(name)
            if element.get("id"):
                where[(name, element.get("id"))] = ((k, m), element)
            typed = "noteref" in _types(element)
            if (
                element.tag == "a"
                and (typed or _is_noteref(element))
                and not any(a.tag == "nav" for a in element.iterancestors())
            ):
                href = element.get("href", "")
                links.append((name, (k, m), href, _resolved(name, href), typed))
    notes: dict[str, set[str]] = {}
    references: dict[str, set[str]] = {}
    for name, at, href, goal, typed in links:
        if (found := where.get(goal)) is None or found[0] < at:
            continue
        block = _note_block(found[1])
        if block is not None and (goal[0] in pages or any(
            _resolved(goal[0], a.get("href", ""))[0] == name for a in block.iter("a")
        )):  # fmt: skip
            notes.setdefault(goal[0], set()).add(goal[1])
        elif block is None and not typed:
            references.setdefault(name, set()).add(href)
    return notes, references


def _resolved(name: str, href: str) -> tuple[str, str]:
    """(archive path, fragment) of a link ``href`` in the document ``name``."""
    target, fragment = urldefrag(href)
    path = posixpath.join(posixpath.dirname(name), unquote(target)) if target else name
    return posixpath.normpath(path), unquote(fragment)


def _note_block(element: Any) -> Any:
    """The block a note's id is on or at the start of (``<p><a id="n1"/>1. Text</p>``), if
    it holds no heading and is short; else None (a link to a chapter is no note's, nor one
    to a page break, ``<span epub:type="pagebreak" id="p45"/>``, in a paragraph)."""
    if "pagebreak" in _types(element) or element.get("role") == "doc-pagebreak":
        return None
    while element.tag in INLINE and (parent := element.getparent()) is not None:
        before = [parent.text or ""]
        for sibling in element.itersiblings(preceding=True):
            text = sibling.text_content() if isinstance(sibling.tag, str) else ""
            before += [text, sibling.tail or ""]
        if "".join(before).strip():
            return None  # an anchor inside the text, not a note's start
        element = parent
    if element.tag in ("body", "html") or len(element.text_content()) > NOTE_MOST:
        return None
    if any(child.tag in HEADINGS for child in element.iter()):
        return None
    return element


def _unwrapped(lines: list[str]) -> list[str]:
    """The lines of a paragraph, those a line break wraps (a converted PDF's: the line ends
    in a letter or a hyphen and the next goes on with a small letter; a name in capitals cut
    in two) joined to the line before as wrapped text is (cleanup joins ``wonder-\\nful``)."""
    kept: list[str] = []
    for line in lines:
        if kept and (
            (WRAPPED_END.search(kept[-1]) and line[:1].islower())
            or (
                CAPITALS_END.search(kept[-1])
                and CAPITALS_START.match(line)
                and any(c.islower() for c in kept[-1])  # a name after prose; not a sign's
                and not HEADING.match(kept[-1])  # CHAPTER II / THE POOL: a title below it
            )
        ):
            kept[-1] += "\n" + line
        else:
            kept.append(line)
    return kept


def _types(element: Any) -> set[str]:
    """The ``epub:type`` values of an element."""
    value = element.get("{http://www.idpf.org/2007/ops}type") or element.get("epub:type")
    return set((value or "").split())


def _is_boilerplate(element: Any) -> bool:
    """Project Gutenberg's header or licence (see :data:`BOILERPLATE`)."""
    if not isinstance(element.tag, str):
        return False
    classes = (element.get("class") or "").split()
    return element.get("id") in BOILERPLATE or "pg-boilerplate" in classes


def _is_noteref(element: Any) -> bool:
    """A superscript number or a link to a note: a footnote marker."""
    tag = element.tag
    text = element.text_content().strip() if isinstance(tag, str) else ""
    if tag == "sup" and re.fullmatch(r"\[?[\d*a-z]{1,3}\]?", text):
        return True
    if tag == "a":
        href = element.get("href", "")
        return bool(re.fullmatch(r"\[?\d{1,3}\]?|\*", text)) and "#" in href
    return False
