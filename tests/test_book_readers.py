"""Book readers: Gutenberg text, Markdown and EPUB (including hostile archives)."""

from __future__ import annotations

import codecs
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import without_write_permission
from ebooklib import epub
from mutagen.mp3 import MP3

from sonicpipe.book.readers import BookError, html_paragraphs, read_book, read_text
from sonicpipe.cli import main

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"

GUTENBERG = """\
The Project Gutenberg eBook of A Small Test

Title: A Small Test
Author: Ann Author

*** START OF THE PROJECT GUTENBERG EBOOK A SMALL TEST ***

A SMALL TEST

by Ann Author

Contents

     CHAPTER I. The Start
     CHAPTER II. The End

CHAPTER I.
The Start

It began on a Monday.[1] Nobody minded.

It went on.

CHAPTER II.
The End

It ended on a Tuesday.

*** END OF THE PROJECT GUTENBERG EBOOK A SMALL TEST ***

Section 1. General Terms of Use and Redistributing Project Gutenberg-tm electronic works
"""


@pytest.mark.parametrize("newline", ["\r\n", "\r"])  # Windows and old Mac line ends
def test_gutenberg_text_drops_header_front_matter_licence_and_footnote_markers(
    newline: str,
) -> None:
    book = read_text(GUTENBERG.replace("\n", newline))
    assert (book.title, book.author) == ("A Small Test", "Ann Author")
    assert [c.title for c in book.chapters] == ["CHAPTER I. The Start", "CHAPTER II. The End"]
    first = book.chapters[0]
    assert first.paragraphs[0] == "CHAPTER I.\nThe Start"
    assert first.paragraphs[1] == "It began on a Monday. Nobody minded."
    whole = "\n".join(p for c in book.chapters for p in c.paragraphs)
    assert "Project Gutenberg" not in whole and "Contents" not in whole
    assert "Ann Author" not in whole


def test_gutenberg_front_matter_and_licence_on_request() -> None:
    book = read_text(GUTENBERG, front_matter=True, licence=True)
    titles = [c.title for c in book.chapters]
    assert titles == [
        "Front matter",
        "CHAPTER I. The Start",
        "CHAPTER II. The End",
        "Project Gutenberg licence",
    ]
    assert "by Ann Author" in book.chapters[0].paragraphs
    assert "General Terms of Use" in book.chapters[-1].text


def test_older_gutenberg_markers_and_a_text_without_licence_or_title() -> None:
    """Older files say "START OF THIS PROJECT GUTENBERG EBOOK"; a text without the markers
    has no licence to add, and no title but its name."""
    older = GUTENBERG.replace("OF THE PROJECT", "OF THIS PROJECT")
    assert older != GUTENBERG
    book = read_text(older)
    assert (book.title, book.author) == ("A Small Test", "Ann Author")
    assert [c.title for c in book.chapters] == ["CHAPTER I. The Start", "CHAPTER II. The End"]
    bare = read_text("CHAPTER I.\n\nIt began.\n\nCHAPTER II.\n\nIt ended.\n", "tale", licence=True)
    assert (bare.title, [c.title for c in bare.chapters]) == ("tale", ["CHAPTER I.", "CHAPTER II."])


def test_older_gutenberg_credits_and_end_line_are_not_narrated() -> None:
    """Older files credit their producers right after the start marker and say 'End of
    Project Gutenberg's ...' right before the end marker: neither is the book's; the end
    line goes with the licence."""
    older = (
        "Title: A Small Test\n\n*** START OF THIS PROJECT GUTENBERG EBOOK A SMALL TEST ***\n\n"
        "Produced by Ann Volunteer and the Online Distributed\nProofreading Team\n\n"
        "A SMALL TEST\n\nCHAPTER I.\n\nIt began.\n\nTHE END\n\n"
        "End of the Project Gutenberg EBook of A Small Test, by\nAnn Author\n\n"
        "*** END OF THIS PROJECT GUTENBERG EBOOK A SMALL TEST ***\n\nSection 1. Terms.\n"
    )
    book = read_text(older, licence=True)
    assert [(c.title, c.paragraphs) for c in book.chapters[:-1]] == [
        ("A SMALL TEST", ["A SMALL TEST"]),
        ("CHAPTER I.", ["CHAPTER I.", "It began.", "THE END"]),
    ]
    assert book.chapters[-1].title == "Project Gutenberg licence"
    assert book.chapters[-1].paragraphs[0].startswith("End of the Project Gutenberg EBook")


def test_gutenberg_illustration_and_footnote_blocks_are_not_narrated() -> None:
    """Project Gutenberg marks pictures ``[Illustration: ...]`` and notes ``[Footnote 1:
    ...]`` in paragraphs of their own (a note may run over several): the voice read them
    out ('Illustration: Alice and the Rabbit') in the middle of a chapter."""
    text = (
        "CHAPTER I.\n\n[Illustration]\n\nIt began.[1]\n\n"
        "[Illustration: Alice and\nthe Rabbit]\n\n[Footnote 1: A short note.]\n\n"
        "It went on.\n\n[Footnote 2: A long note,\n\nin two paragraphs.]\n\n"
        "[Aside] he said, [Illustration] and left.\n"
    )
    assert read_text(text).chapters[0].paragraphs == [
        "CHAPTER I.",
        "It began.",
        "It went on.",
        "[Aside] he said, and left.",
    ]


def test_corpus_book_without_first_heading_keeps_its_opening() -> None:
    book = read_book(CORPUS / "alice-in-wonderland.txt")
    assert len(book.chapters) == 12
    assert book.chapters[0].paragraphs[0].startswith("Alice was beginning")
    assert book.chapters[1].title == "CHAPTER II. The Pool of Tears"
    assert all("\r" not in p for c in book.chapters for p in c.paragraphs)


def test_corpus_asterisk_footnotes_are_not_read_in_the_middle_of_a_chapter() -> None:
    """Moby-Dick's 22 notes (``*See subsequent chapters...``), each after the paragraph
    whose ``fish."*`` points at it, are left out, as an EPUB's notes are; its text stays."""
    book = read_book(CORPUS / "moby-dick.txt")
    [advocate] = [c for c in book.chapters if c.title == "CHAPTER 24. The Advocate."]
    text = advocate.text
    assert 'the whale is declared "a royal fish."*' in text
    assert "the cymballed procession.*" in text
    assert "See subsequent chapters" not in text
    whole = "\n\n".join(c.text for c in book.chapters)
    for note in ("Bible leaves! Bible leaves!", "Quoin is not a Euclidean term", "Since the above"):
        assert note not in whole  # the last note is indented
    assert not re.search(r"^\s*\*\w", whole, re.M)
    assert "Pope were this mincer!*" in whole


NOTES = """\
CHAPTER I.

It was *very* dark. *Quite* so.

*Lights were few then, as everyone knew.

The cellar was damp.* Nobody went down.

* * *

*Damp as a well, said the maid.

*And colder.

CHAPTER II.

It ended.
"""


def test_a_note_is_only_a_starred_paragraph_after_a_marker_not_yet_matched() -> None:
    """Emphasis is no marker, a scene break no note, and one marker matches one note."""
    [chapter, _] = read_text(NOTES).chapters
    assert chapter.paragraphs == [
        "CHAPTER I.",
        "It was *very* dark. *Quite* so.",
        "*Lights were few then, as everyone knew.",
        "The cellar was damp.* Nobody went down.",
        "* * *",
        "*And colder.",
    ]


def test_markdown_chapters_from_repeated_heading_level(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "# The Story\n\nA preface.\n\n## One\n\nFirst *words*.\n\n## Two\n\nLast words.\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert book.title == "The Story"
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("One", ["## One", "First *words*."]),
        ("Two", ["## Two", "Last words."]),
    ]
    assert read_book(path, front_matter=True).chapters[0].paragraphs == ["A preface."]


def test_markdown_title_and_author_from_a_yaml_metadata_block(tmp_path: Path) -> None:
    """Pandoc's block at the top names the book and is never narrated; a rule is no block."""
    path = tmp_path / "story.md"
    text = "# One\n\nFirst words.\n\n# Two\n\nLast words.\n"
    for block, title, author in [
        ('---\ntitle: "The Story: Told"\nauthor: Ann Author\nlang: en\n---\n', "The Story: Told",
         "Ann Author"),
        ("---\ntitle: The Story\nauthor:\n  - Ann\n  - 'Bo'\n...\n", "The Story", "Ann, Bo"),
        ("---\nauthor: [Ann, Bo]\n---\n", "story", "Ann, Bo"),
        # YAML as Pandoc's users write it: quotes' escapes, a comment, a value over lines,
        # a block, authors with a name and more.
        ("---\ntitle: 'It''s \"Told\"'\nauthor: Ann # the editor\n---\n", 'It\'s "Told"', "Ann"),
        ("---\ntitle: \"A \\\"Told\\\" Story\"\nauthor: \"Ann # One\"\n---\n", 'A "Told" Story',
         "Ann # One"),
        ("---\ntitle: >-\n  The Story:\n  Told\nauthor:\n- name: Ann\n  affiliation: Uni\n"
         "- name: Bo\n---\n", "The Story: Told", "Ann, Bo"),
        ("---\ntitle: The Story,\n  Told Twice\nauthor: Ann\n---\n", "The Story, Told Twice",
         "Ann"),
        ("---\ntitle: '*The Story*: [Told](https://example.com)'\nauthor: '**Ann**'\n---\n",
         "The Story: Told", "Ann"),  # Pandoc reads its values as Markdown
    ]:  # fmt: skip
        path.write_text(block + "\n" + text, encoding="utf-8")
        book = read_book(path, front_matter=True)
        assert (book.title, book.author) == (title, author)
        assert [c.paragraphs for c in book.chapters] == [
            ["# One", "First words."],
            ["# Two", "Last words."],
        ]
    path.write_text("---\n\nA rule above.\n\n---\n\n" + text, encoding="utf-8")
    book = read_book(path, front_matter=True)
    assert (book.title, book.author) == ("story", "")
    assert book.chapters[0].paragraphs == ["---", "A rule above.", "---"]


def test_markdown_metadata_title_wins_over_a_lone_heading_which_is_narrated(
    tmp_path: Path,
) -> None:
    """The YAML block names the book; a lone top heading that names it otherwise is read:
    with the chapter right under it, which it names, or as a chapter of its own."""
    path = tmp_path / "story.md"
    chapters = "## Chapter 1\n\nText one.\n\n## Chapter 2\n\nText two.\n"
    path.write_text(f"---\ntitle: Plain Title\n---\n\n# Part One\n\n{chapters}", "utf-8")
    book = read_book(path)
    assert (book.title, book.left_out) == ("Plain Title", {})
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("Part One. Chapter 1", ["# Part One", "## Chapter 1", "Text one."]),
        ("Chapter 2", ["## Chapter 2", "Text two."]),
    ]
    path.write_text(f"---\ntitle: Plain Title\n---\n\n# Foreword\n\nHello.\n\n{chapters}", "utf-8")
    assert [(c.title, c.paragraphs[:2]) for c in read_book(path).chapters] == [
        ("Foreword", ["# Foreword", "Hello."]),
        ("Chapter 1", ["## Chapter 1", "Text one."]),
        ("Chapter 2", ["## Chapter 2", "Text two."]),
    ]
    # The heading that repeats the metadata's title (and more), or with no title there, is
    # the title, as the metadata spells it.
    for block, title in [
        ("---\ntitle: 'PART ONE'\n---\n\n", "PART ONE"),
        ("---\ntitle: Part\n---\n\n", "Part"),
        ("---\nauthor: Ann\n---\n\n", "Part One: A Novel"),
        ("", "Part One: A Novel"),
    ]:
        heading = "Part One" if "ONE" in block else "Part One: A Novel"
        path.write_text(f"{block}# {heading}\n\n{chapters}", "utf-8")
        book = read_book(path)
        assert book.title == title
        assert [c.paragraphs[0] for c in book.chapters] == ["## Chapter 1", "## Chapter 2"]


def test_markdown_table_of_contents_is_front_matter(tmp_path: Path) -> None:
    """A ``Contents`` heading over links or the other headings is left out and counted, as
    an EPUB's or a text's contents are (it was read as chapter 1: "Contents. One. Two.");
    ``--front-matter`` reads it in its place; a chapter of prose so named stays."""
    path = tmp_path / "story.md"
    chapters = "# One\n\nFirst.\n\n# Two\n\nLast.\n"
    for contents in (
        "# Contents\n\n- [One](#one)\n- [Two](#two)\n\n",
        "Table of Contents\n=================\n\n1. One\n2. Two\n\n",
        "# CONTENTS\n\n* One\n    * Two\n\n[[Two]]\n\n",
    ):
        path.write_text(contents + chapters, encoding="utf-8")
        book = read_book(path)
        assert [(c.title, c.paragraphs) for c in book.chapters] == [
            ("One", ["# One", "First."]),
            ("Two", ["# Two", "Last."]),
        ]
        assert book.left_out == {"front matter": contents.count("\n\n")}
        with_it = read_book(path, front_matter=True).chapters
        assert [c.paragraphs for c in with_it][1:] == [["# One", "First."], ["# Two", "Last."]]
        assert with_it[0].paragraphs == contents.strip().split("\n\n")
    path.write_text("# One\n\n[[_TOC_]]\n\nFirst.\n\n# Two\n\n[TOC]\n\nLast.\n", "utf-8")
    for book in (read_book(path), read_book(path, front_matter=True)):  # a tool's marker
        assert [c.paragraphs for c in book.chapters] == [["# One", "First."], ["# Two", "Last."]]
        assert book.left_out == {}
    for prose in ("# Contents of the Trunk\n\n- One\n- Two\n\n", "# Contents\n\nA hat.\n\n"):
        path.write_text(prose + chapters, encoding="utf-8")
        book = read_book(path)
        assert [c.paragraphs[0] for c in book.chapters] == [prose.split("\n")[0], "# One", "# Two"]
        assert book.left_out == {}


def test_markdown_headings_as_commonmark_reads_them(tmp_path: Path) -> None:
    """A ``#`` line is a heading with no blank line around it (a whole book was one chapter);
    its closing ``#``s are not its title's, but ``C#``'s is; a ``#`` comment in fenced code,
    blank lines and all, is no heading; nor is a heading inside an HTML comment, which is
    not narrated (nor counted as front matter)."""
    path = tmp_path / "story.md"
    path.write_text(
        "---\ntitle: Plain Title\n---\n# Part One\n## Chapter 1 ##\nText one.\n"
        "```sh\n# install\npip x\n\n# run\nx\n```\n## C#\nText two.\n",
        encoding="utf-8",
    )
    assert [(c.title, c.paragraphs) for c in read_book(path).chapters] == [
        (
            "Part One. Chapter 1",
            [
                "# Part One",
                "## Chapter 1 ##",
                "Text one.\n```sh\n# install\npip x\n\n# run\nx\n```",
            ],
        ),
        ("C#", ["## C#", "Text two."]),
    ]
    path.write_text(
        "<!-- draft 3 -->\n\n# One\n\nA.\n\n<!--\n# Cut\n\nOld text.\n-->\n"
        "# Two\n\nB <!-- kept for cleanup -->\n<!-- note --> Tail.\n\n<!-- never closed\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert book.left_out == {}
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("One", ["# One", "A."]),
        ("Two", ["# Two", "B <!-- kept for cleanup -->", " Tail.", "<!-- never closed"]),
    ]


def test_markdown_chapter_titles_are_a_headings_words(tmp_path: Path) -> None:
    """A chapter's title (its marker in the M4B) has no markup: Pandoc's attributes, which
    are not read either, a link's target, emphasis; a YAML block may open with comments."""
    path = tmp_path / "story.md"
    path.write_text(
        "---\n# draft 3\ntitle: The Story\n---\n\n# *Chapter One* {#one .unnumbered}\n\nA.\n\n"
        "# [Chapter **Two**](#two)\n\nB.\n\nThe snake_case_name `ch`\n=====\n\nC.\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert book.title == "The Story"
    assert [(c.title, c.paragraphs[0]) for c in book.chapters] == [
        ("Chapter One", "# *Chapter One*"),
        ("Chapter Two", "# [Chapter **Two**](#two)"),
        ("The snake_case_name ch", "The snake_case_name `ch`\n====="),
    ]


def test_markdown_a_rule_under_a_list_or_quote_underlines_no_heading(tmp_path: Path) -> None:
    """``---`` right under a list or a quote is a rule: the list was a chapter ("- eggs -
    milk") among the ``##`` ones; under a line of text it still makes a heading."""
    path = tmp_path / "story.md"
    path.write_text(
        "## One\n\nWe need:\n\n- eggs\n- milk\n---\n\nA.\n\n> quoted\n---\n\nTwo\n---\n\nB.\n",
        encoding="utf-8",
    )
    assert [(c.title, c.paragraphs) for c in read_book(path).chapters] == [
        ("One", ["## One", "We need:", "- eggs\n- milk\n---", "A.", "> quoted\n---"]),
        ("Two", ["Two\n---", "B."]),
    ]


def test_a_byte_order_mark_is_not_read_as_text(tmp_path: Path) -> None:
    """Windows editors start UTF-8 files with one: the first heading is still a heading."""
    path = tmp_path / "story.md"
    path.write_bytes("\ufeff# The Story\n\n## One\n\nFirst.\n\n## Two\n\nLast.\n".encode())
    book = read_book(path)
    assert (book.title, book.encoding) == ("The Story", "utf-8")
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("One", ["## One", "First."]),
        ("Two", ["## Two", "Last."]),
    ]


def test_unknown_suffix_and_missing_file_are_clear(tmp_path: Path) -> None:
    with pytest.raises(BookError, match=r"cannot read '\.pdf' books; valid: \.txt"):
        read_book(tmp_path / "book.pdf")
    with pytest.raises(BookError, match="no such file"):
        read_book(tmp_path / "book.txt")


@pytest.mark.parametrize("name", ["book.txt", "book.md", "book.epub"])
def test_a_book_that_cannot_be_read_is_named_with_why(tmp_path: Path, name: str) -> None:
    (tmp_path / "folder").mkdir()
    folder = tmp_path / "folder" / name
    folder.mkdir()
    with pytest.raises(BookError, match=f"^{re.escape(str(folder))}: a folder, not a book$"):
        read_book(folder)
    with pytest.raises(BookError, match=f"^{re.escape(str(tmp_path))}: a folder, not a book$"):
        read_book(tmp_path)  # a folder without a book's suffix too
    path = tmp_path / name
    path.write_bytes(b"")
    path.chmod(0)
    code = (
        "import sys; from sonicpipe.book.readers import read_book\n"
        "try: read_book(sys.argv[1])\n"
        "except ValueError as exc: print(exc)"
    )
    run = [*without_write_permission(), sys.executable, "-c", code, str(path)]
    done = subprocess.run(run, capture_output=True, text=True, check=True)
    assert done.stdout == f"{path}: cannot read: permission denied\n"


def make_epub(path: Path, ncx: bool = True) -> Path:
    """A small EPUB 3: cover page, two chapters (one with a note reference), nav and NCX
    (without ``ncx``, the spine still names one, as ebooklib writes it)."""
    book = epub.EpubBook()
    book.set_identifier("test-book")
    book.set_title("The Test Book")
    book.add_author("Bea Writer")
    book.set_language("en")
    book.set_cover("cover.png", b"\x89PNG\r\n\x1a\n" + bytes(64), create_page=True)
    one = epub.EpubHtml(title="The First", file_name="text/one.xhtml", lang="en")
    one.content = (
        "<html><body><h1>One</h1><p>The first line.<sup>1</sup> Then more.</p>"
        "<p>Second <a href='#n1' epub:type='noteref'>2</a>paragraph.</p>"
        "<aside epub:type='footnote' id='n1'>A note.</aside></body></html>"
    )
    two = epub.EpubHtml(title="The Second", file_name="text/two.xhtml", lang="en")
    two.content = "<html><body><h1>Two</h1><p>The end.</p></body></html>"
    for chapter in (one, two):
        book.add_item(chapter)
    book.toc = [
        epub.Link("text/one.xhtml", "The First", "one"),
        epub.Link("text/two.xhtml", "The Second", "two"),
    ]
    if ncx:
        book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["cover", "nav", one, two]
    epub.write_epub(str(path), book)
    return path


def test_epub_spine_toc_titles_metadata_cover_and_notes(tmp_path: Path) -> None:
    book = read_book(make_epub(tmp_path / "book.epub"))
    assert (book.title, book.author) == ("The Test Book", "Bea Writer")
    assert [c.title for c in book.chapters] == ["The First", "The Second"]
    assert book.chapters[0].paragraphs == ["One", "The first line. Then more.", "Second paragraph."]
    assert book.chapters[1].paragraphs == ["Two", "The end."]
    assert book.cover is not None and book.cover.startswith(b"\x89PNG")


def test_an_epub_whose_spine_names_a_missing_ncx_is_read_by_its_nav(tmp_path: Path) -> None:
    """ebooklib could not read it ("'NoneType' object has no attribute 'get_name'")."""
    book = read_book(make_epub(tmp_path / "book.epub", ncx=False))
    assert [c.title for c in book.chapters] == ["The First", "The Second"]
    assert book.chapters[1].paragraphs == ["Two", "The end."]


def test_epub_text_is_what_a_reader_sees(tmp_path: Path) -> None:
    """Scripts and styles are not read, a line break is kept in its paragraph, a link to a chapter
    is words (a numbered one is a note), a lettered note marker goes; a page out of the
    reading order (linear="no") is left out; an image named as the cover is the cover."""
    book = epub.EpubBook()
    book.set_identifier("body")
    book.set_title("Body")
    book.set_language("en")
    one = epub.EpubHtml(title="One", file_name="one.xhtml", lang="en")
    one.content = (
        "<html><head><script>var hidden = 1;</script><style>p { color: red }</style></head>"
        "<body><h1>One</h1><script>var alsoHidden = 2;</script><p>First line<br/>Second line</p>"
        "<p>As <a href='two.xhtml#t'>the next chapter</a> says.</p>"
        "<p>Water<sup>a</sup> is wet.</p></body></html>"
    )
    two = epub.EpubHtml(title="Two", file_name="two.xhtml", lang="en")
    two.content = "<html><body><p id='t'>Plain words.</p></body></html>"
    aside = epub.EpubHtml(title="Aside", file_name="aside.xhtml", lang="en")
    aside.content = "<html><body><p>An aside out of the reading order.</p></body></html>"
    art = b"\xff\xd8\xff\xe0" + bytes(20)
    image = epub.EpubImage(
        uid="art", file_name="images/cover.jpg", media_type="image/jpeg", content=art
    )
    for item in (one, two, aside, image):
        book.add_item(item)
    book.toc = [epub.Link("one.xhtml", "One", "one"), epub.Link("two.xhtml", "Two", "two")]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", one, two, (aside, "no")]
    epub.write_epub(str(tmp_path / "body.epub"), book)
    read = read_book(tmp_path / "body.epub", front_matter=True)
    assert [(c.title, c.paragraphs) for c in read.chapters] == [
        (
            "One",
            ["One", "First line\u2028Second line", "As the next chapter says.", "Water is wet."],
        ),
        ("Two", ["Plain words."]),
    ]
    assert read.cover == art


def shared_file_epub(path: Path, toc: list) -> Path:
    """An EPUB whose chapters share files, as converters split a book: ``more.xhtml`` (in no
    table of contents) and ``all.xhtml`` hold the rest of chapter one, and ``all.xhtml``
    chapters two and three; ``toc`` gets the first and last documents."""
    book = epub.EpubBook()
    book.set_identifier("shared")
    book.set_title("Shared")
    book.set_language("en")
    one = epub.EpubHtml(title="One", file_name="one.xhtml", lang="en")
    one.content = "<html><body><h2>One</h2><p>One begins.</p></body></html>"
    more = epub.EpubHtml(title="More", file_name="more.xhtml", lang="en")
    more.content = "<html><body><p>One continues.</p></body></html>"
    rest = epub.EpubHtml(title="Rest", file_name="all.xhtml", lang="en")
    rest.content = (
        "<html><body><p>One goes on.</p>"
        "<h2 id='c2'>Two</h2><p>Two speaks.</p>"
        "<div><a id='c3'/></div><h2>Three</h2><p>Three speaks.</p>"
        "<h3 id='s1'>A section</h3><p>Still three.</p></body></html>"
    )
    end = epub.EpubHtml(title="End", file_name="end.xhtml", lang="en")
    end.content = (
        "<html><body><section epub:type='colophon'><p>Set in type.</p></section></body></html>"
    )
    for item in (one, more, rest, end):
        book.add_item(item)
    book.toc = toc(one, rest)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", one, more, rest, end]
    epub.write_epub(str(path), book)
    return path


def test_epub_chapters_that_share_a_file_are_cut_where_the_contents_point(
    tmp_path: Path,
) -> None:
    """Each entry of the table of contents at its file's shallowest level starts a chapter
    where its #fragment points; deeper entries are sections, and a file it does not point
    into, or what comes before the first chapter in a file, goes on with the chapter before."""

    def flat(one: epub.EpubHtml, rest: epub.EpubHtml) -> list:
        return [
            epub.Link("one.xhtml", "One", "one"),
            epub.Link("all.xhtml#c2", "Two", "c2"),
            (epub.Section("Three", "all.xhtml#c3"), [epub.Link("all.xhtml#s1", "Sec", "s1")]),
        ]

    book = read_book(shared_file_epub(tmp_path / "flat.epub", flat))
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("One", ["One", "One begins.", "One continues.", "One goes on."]),
        ("Two", ["Two", "Two speaks."]),
        ("Three", ["Three", "Three speaks.", "A section", "Still three."]),
    ]
    assert read_book(tmp_path / "flat.epub", front_matter=True).chapters[-1].paragraphs == [
        "Set in type."
    ], "a colophon is front matter of its own, not the last chapter's end"

    def nested(one: epub.EpubHtml, rest: epub.EpubHtml) -> list:
        return [
            epub.Link("one.xhtml", "One", "one"),
            (epub.Section("Rest", "all.xhtml"), [epub.Link("all.xhtml#c2", "Two", "c2")]),
        ]

    book = read_book(shared_file_epub(tmp_path / "nested.epub", nested))
    assert [c.title for c in book.chapters] == ["One", "Rest"]


def rewrite(
    source: Path,
    target: Path,
    rename: dict[str, str],
    drop: str = "",
    opf_edit: tuple[str, str] = ("", ""),
) -> Path:
    """Copy an EPUB, renaming or dropping entries and editing the package file."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename == drop:
                continue
            data = src.read(info)
            if info.filename.endswith(".opf") and opf_edit[0]:
                data = data.replace(opf_edit[0].encode(), opf_edit[1].encode())
            dst.writestr(rename.get(info.filename, info.filename), data)
    return target


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rename": {"EPUB/text/two.xhtml": "../escape.xhtml"}}, "'../escape.xhtml' escapes"),
        ({"rename": {"EPUB/text/two.xhtml": "/etc/escape.xhtml"}}, "is absolute"),
        ({"rename": {"EPUB/text/two.xhtml": "C:/escape.xhtml"}}, "'C:/escape.xhtml' is absolute"),
        ({"rename": {"EPUB/text/two.xhtml": "..\\escape.xhtml"}}, r"escape\.xhtml' escapes"),
        ({"opf_edit": ('href="text/two.xhtml"', 'href="../../two.xhtml"')}, "escapes the book"),
        ({"drop": "EPUB/text/two.xhtml"}, "'text/two.xhtml' is missing from the archive"),
        (
            {"opf_edit": ('idref="chapter_1"', 'idref="chapter_9"')},
            "spine item 'chapter_9' is not in the manifest",
        ),
    ],
)
def test_hostile_epub_entries_are_rejected(tmp_path: Path, change: dict, message: str) -> None:
    good = make_epub(tmp_path / "good.epub")
    bad = rewrite(
        good,
        tmp_path / "bad.epub",
        change.get("rename", {}),
        change.get("drop", ""),
        change.get("opf_edit", ("", "")),
    )
    with pytest.raises(BookError, match=message) as caught:
        read_book(bad)
    assert str(bad) in str(caught.value)


def test_cli_names_the_hostile_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = make_epub(tmp_path / "good.epub")
    bad = rewrite(good, tmp_path / "bad.epub", {"EPUB/text/one.xhtml": "../../one.xhtml"})
    assert main(["book", "render", str(bad), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sonicpipe: error: ") and "'../../one.xhtml' escapes the book" in err
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.epub", "good.epub"]


def test_not_a_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.epub"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(BookError, match="not an EPUB"):
        read_book(path)


def test_an_epub_that_unpacks_to_more_than_a_book_is_refused_unread(tmp_path: Path) -> None:
    """A zip bomb (a few MB that unpack to many GB) would fill the memory, since every file
    of an EPUB is read into it: its sizes are checked first."""
    data = bytearray(make_epub(tmp_path / "book.epub").read_bytes())
    entry = data.rindex(b"PK\x01\x02")  # the last entry of the central directory
    data[entry + 24 : entry + 28] = (3 << 30).to_bytes(4, "little")  # says it holds 3 GiB
    bomb = tmp_path / "bomb.epub"
    bomb.write_bytes(bytes(data))
    with pytest.raises(BookError, match=r"bomb\.epub: unpacks to 3\.2 GB, more than a book"):
        read_book(bomb)


def test_epub_with_empty_title_and_creator_reads_with_the_file_name(tmp_path: Path) -> None:
    good = make_epub(tmp_path / "good.epub")
    no_title = rewrite(
        good,
        tmp_path / "no-title.epub",
        {},
        opf_edit=("<dc:title>The Test Book</dc:title>", "<dc:title/>"),
    )
    blank = rewrite(
        no_title,
        tmp_path / "Blank Book.epub",
        {},
        opf_edit=('<dc:creator id="creator">Bea Writer</dc:creator>', '<dc:creator id="creator"/>'),
    )
    book = read_book(blank)
    assert (book.title, book.author) == ("Blank Book", "")
    assert [c.title for c in book.chapters] == ["The First", "The Second"]


def test_a_text_that_is_not_utf8_is_read_as_its_gutenberg_header_declares(
    tmp_path: Path,
) -> None:
    text = GUTENBERG.replace("a Monday", "a caf\u00e9 Monday \u201cat noon\u201d")
    declared = text.replace(
        "Author: Ann Author\n", "Author: Ann Author\n\nCharacter set encoding: ISO Latin-1\n"
    )
    path = tmp_path / "latin.txt"
    path.write_bytes(declared.encode("cp1252"))  # Latin-1 with Windows' curly quotes
    book = read_book(path)
    assert (book.title, book.encoding) == ("A Small Test", "cp1252")
    assert (
        book.chapters[0].paragraphs[1]
        == "It began on a caf\u00e9 Monday \u201cat noon\u201d. Nobody minded."
    )
    assert read_book(make_epub(tmp_path / "book.epub")).encoding == "utf-8"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", r"not UTF-8 text \(byte 0xe9 at offset \d+\); book files must be UTF-8"),
        ("Character set encoding: UTF-8", r"not UTF-8 text \(byte 0xe9 at offset \d+\); book"),
        ("Character set encoding: KOI8-Q", r"not UTF-8 text \(byte 0xe9 at offset \d+\); book"),
        (
            "Character set encoding: ASCII",
            r"0xe9 at offset \d+; nor ASCII, which its header declares\); book",
        ),
    ],
)
def test_a_text_that_is_not_utf8_nor_declared_is_refused_by_name(
    tmp_path: Path, header: str, message: str
) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes(f"# Tale\n\n{header}\n\nA caf\u00e9.\n".encode("latin-1") + b"\x81")
    with pytest.raises(BookError, match=message) as caught:
        read_book(path)
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("heading", "opening_title"),
    [
        ("CHAPTER II. The Pool of Tears", "CHAPTER I"),
        ("Chapter 2", "Chapter 1"),
        ("CHAPTER TWO", "CHAPTER ONE"),
        ("Chapter Second", "Chapter First"),
        ("CHAPTER III", "Opening"),  # the opening may be two chapters: no number for it
    ],
)
def test_an_opening_before_the_second_chapter_is_the_first(
    heading: str, opening_title: str
) -> None:
    book = read_text(f"Alice was tired.\n\n{heading}\n\nShe swam.\n")
    assert [c.title for c in book.chapters] == [opening_title, " ".join(heading.split())]
    assert book.chapters[0].paragraphs == ["Alice was tired."]


def test_a_long_paragraph_that_starts_like_a_heading_is_prose() -> None:
    said = (
        "Chapter two of his life began in a small town by the sea, where the boats came in at "
        "dawn and left again at dusk, and where nobody ever asked a stranger his name or what "
        "he had come for, or why he stayed on so long."
    )
    book = read_text(f"CHAPTER I.\n\nIt began.\n\n{said}\n\nCHAPTER II.\n\nIt ended.\n")
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("CHAPTER I.", ["CHAPTER I.", "It began.", said]),
        ("CHAPTER II.", ["CHAPTER II.", "It ended."]),
    ]


def test_an_opening_is_named_by_its_own_capitals_heading() -> None:
    book = read_text("ETYMOLOGY.\n\nThe pale Usher.\n\nCHAPTER 1. Loomings.\n\nCall me.\n")
    assert [c.title for c in book.chapters] == ["ETYMOLOGY.", "CHAPTER 1. Loomings."]
    prose = read_text("The pale Usher.\n\nCHAPTER 1. Loomings.\n\nCall me.\n")
    assert prose.chapters[0].title == "Opening"


def test_corpus_openings_are_named() -> None:
    assert read_book(CORPUS / "alice-in-wonderland.txt").chapters[0].title == "CHAPTER I"
    assert read_book(CORPUS / "dracula.txt").chapters[0].title == "CHAPTER I"
    assert read_book(CORPUS / "moby-dick.txt").chapters[0].title == "ETYMOLOGY."


def test_a_named_section_on_a_line_of_its_own_is_a_chapter() -> None:
    text = (
        "Contents\n\nPrologue\n\nCHAPTER 1. The Ship\n\nEpilogue\n\n"
        "PROLOGUE. Before\n\nLong ago.\n\nCHAPTER 1. The Ship\n\nIt sank.\n\n"
        "Epilogue is a word for what came after.\n\n"
        "Epilogue\n\nOne did survive.\n"
    )
    book = read_text(text)
    assert [c.title for c in book.chapters] == [
        "PROLOGUE. Before",
        "CHAPTER 1. The Ship",
        "Epilogue",
    ]
    assert "Epilogue is a word for what came after." in book.chapters[1].paragraphs
    assert book.chapters[2].paragraphs == ["Epilogue", "One did survive."]


def test_corpus_epilogue_is_its_own_chapter() -> None:
    book = read_book(CORPUS / "moby-dick.txt")
    assert [c.title for c in book.chapters[-2:]] == [
        "CHAPTER 135. The Chase.--Third Day.",
        "Epilogue",
    ]
    assert book.chapters[-1].paragraphs[-1].endswith("only found another\norphan.")


def test_a_bare_numbered_heading_takes_the_capitals_line_after_it_as_its_title() -> None:
    text = (
        "CHAPTER II\n\nJONATHAN HARKER'S JOURNAL--_continued_\n\n_5 May._--I slept.\n\n"
        "CHAPTER III\n\n_Letter, Mina Harker to Lucy Westenra._\n\nMy dearest Lucy.\n\n"
        "CHAPTER IV. The Pool\n\nALICE SAID NOTHING\n\nShe swam.\n\n"
        "CHAPTER V\n\nIt was DARK.\n\n"
        "CHAPTER VI.\n\nTHE STORM\n\nIt blew.\n\n"
        "CHAPTER VII\n\nAND THEN THE WHOLE OF THE VILLAGE CAME DOWN TO THE HARBOUR TO WATCH "
        "THE BOATS GO OUT.\n"
    )
    book = read_text(text)
    assert [c.title for c in book.chapters] == [
        "CHAPTER II. JONATHAN HARKER'S JOURNAL--continued",
        "CHAPTER III",  # a line in italics, not a title in capitals
        "CHAPTER IV. The Pool",  # the heading has its title already
        "CHAPTER V",
        "CHAPTER VI. THE STORM",  # one period between them
        "CHAPTER VII",  # a shouted sentence (over 80 characters), not a title
    ]
    assert book.chapters[0].paragraphs[1] == "JONATHAN HARKER'S JOURNAL--_continued_"  # narrated


def test_corpus_bare_headings_take_their_subtitles() -> None:
    titles = [c.title for c in read_book(CORPUS / "dracula.txt").chapters]
    assert titles[1] == "CHAPTER II. JONATHAN HARKER'S JOURNAL--continued"
    assert titles[6] == 'CHAPTER VII. CUTTING FROM "THE DAILYGRAPH," 8 AUGUST'
    assert titles[23] == "CHAPTER XXIV. DR. SEWARD'S PHONOGRAPH DIARY, SPOKEN BY VAN HELSING"


def test_cli_names_a_book_without_a_header(tmp_path: Path) -> None:
    path = tmp_path / "alice-in-wonderland.txt"
    path.write_text(
        "Alice was tired.\n\nCHAPTER II. The Pool\n\nShe swam away.\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    argv = ["book", "render", str(path), "-o", str(out), "--engine", "espeak", "-q"]
    named = ["--title", "Alice's Adventures in Wonderland", "--author", "Lewis Carroll"]
    assert main([*argv, "--format", "mp3", *named]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["book"] == {"title": named[1], "author": named[3]}
    tags = MP3(out / "01 CHAPTER I.mp3").tags
    assert (str(tags["TALB"]), str(tags["TPE1"])) == (named[1], named[3])


LISTED = """\
MOBY-DICK; or, THE WHALE.

CONTENTS

ETYMOLOGY.

EXTRACTS (Supplied by a Sub-Sub-Librarian).

CHAPTER 1. Loomings.

CHAPTER 2. The Carpet-Bag.

Epilogue

Original Transcriber's Notes:

This text is a combination of etexts.

ETYMOLOGY.

The pale Usher.

EXTRACTS (Supplied by a Sub-Sub-Librarian).

It will be seen.

CHAPTER 1.
Loomings.

Call me Ishmael.

CHAPTER 2. The Carpet-Bag.

I stuffed a shirt.

Epilogue

One did survive.
"""


def test_the_last_entry_of_a_contents_list_is_no_chapter() -> None:
    book = read_text(LISTED)
    assert [c.title for c in book.chapters][-3:] == [
        "CHAPTER 1. Loomings.",
        "CHAPTER 2. The Carpet-Bag.",
        "Epilogue",
    ]
    assert book.chapters[-1].paragraphs == ["Epilogue", "One did survive."]


def test_sections_a_contents_list_names_before_the_first_chapter_are_chapters() -> None:
    """Moby-Dick's Gutenberg text lists ETYMOLOGY and EXTRACTS before CHAPTER 1: they are
    the book's, narrated (as when there is no contents list); what comes before them (the
    title page, the list, a transcriber's note) is front matter."""
    book = read_text(LISTED)
    assert [(c.title, c.paragraphs) for c in book.chapters[:2]] == [
        ("ETYMOLOGY.", ["ETYMOLOGY.", "The pale Usher."]),
        (
            "EXTRACTS (Supplied by a Sub-Sub-Librarian).",
            ["EXTRACTS (Supplied by a Sub-Sub-Librarian).", "It will be seen."],
        ),
    ]
    front = read_text(LISTED, front_matter=True).chapters[0]
    assert front.title == "Front matter"
    assert front.paragraphs[-1] == "This text is a combination of etexts."


def test_a_chapter_under_part_and_book_headings_is_no_contents_entry() -> None:
    """The part and book headings over a chapter are narrated with it and name it (two
    markers 'CHAPTER I' did not say which part they were in, and 'PART II' went unsaid)."""
    text = "PART I\n\nBOOK I\n\nCHAPTER I\n\nIt began.\n\nPART II\n\nCHAPTER I\n\nIt went on.\n"
    book = read_text(text)
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("PART I. BOOK I. CHAPTER I", ["PART I", "BOOK I", "CHAPTER I", "It began."]),
        ("PART II. CHAPTER I", ["PART II", "CHAPTER I", "It went on."]),
    ]


def test_part_headings_listed_in_the_contents_are_still_contents() -> None:
    text = (
        "Contents\n\nPART ONE\n\nPART TWO\n\n"
        "PART ONE\n\nCHAPTER I\n\nJONATHAN'S JOURNAL\n\nIt began.\n\n"
        "CHAPTER II\n\nOn.\n\nPART TWO\n\nCHAPTER I\n\nIt went on.\n"
    )
    book = read_text(text, front_matter=True)
    assert [(c.title, c.paragraphs[0]) for c in book.chapters] == [
        ("Front matter", "Contents"),
        ("PART ONE. CHAPTER I. JONATHAN'S JOURNAL", "PART ONE"),
        ("CHAPTER II", "CHAPTER II"),
        ("PART TWO. CHAPTER I", "PART TWO"),
    ]
    assert book.chapters[0].paragraphs == ["Contents", "PART ONE", "PART TWO"]


def test_a_contents_entry_with_its_title_ends_the_list_of_bare_numbered_headings() -> None:
    """Dracula's Gutenberg text lists ``CHAPTER XXVII. Mina Harker's Journal``, then the
    book's title; its chapters are headed ``CHAPTER XXVII`` with the title on a line after.
    The last entry is the contents' end, not a chapter read before the first."""
    text = (
        "DRACULA\n\nby Bram Stoker\n\nContents\n\n"
        "CHAPTER I. Jonathan Harker's Journal\n\nCHAPTER II. Jonathan Harker's Journal\n\n"
        "DRACULA\n\n"
        "CHAPTER I\n\nJONATHAN HARKER'S JOURNAL\n\n_3 May. Bistritz._--Left Munich.\n\n"
        "CHAPTER II\n\nJONATHAN HARKER'S JOURNAL--_continued_\n\n_5 May._--I slept.\n"
    )
    book = read_text(text)
    assert [c.title for c in book.chapters] == [
        "CHAPTER I. JONATHAN HARKER'S JOURNAL",
        "CHAPTER II. JONATHAN HARKER'S JOURNAL--continued",
    ]
    front = read_text(text, front_matter=True).chapters[0]
    assert front.title == "Front matter" and front.paragraphs[-1] == "DRACULA"


def test_a_part_in_the_contents_pointing_at_its_first_chapter_does_not_rename_it(
    tmp_path: Path,
) -> None:
    """An NCX part (it must point somewhere) often points at its first chapter's file: that
    chapter keeps its own title, for its marker, and so does every other."""
    book = epub.EpubBook()
    book.set_identifier("parts")
    book.set_title("Parts")
    book.set_language("fr")
    chapters = []
    for number, words in enumerate(["Un.", "Deux.", "Trois."], 1):
        chapter = epub.EpubHtml(title=words, file_name=f"c{number}.xhtml", lang="fr")
        chapter.content = f"<html><body><h2>Chapitre {number}</h2><p>{words}</p></body></html>"
        book.add_item(chapter)
        chapters.append(chapter)
    link = [epub.Link(f"c{n}.xhtml", f"Chapitre {n}", f"c{n}") for n in (1, 2, 3)]
    book.toc = [(epub.Section("Partie I"), link[:2]), (epub.Section("Partie II"), link[2:])]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(tmp_path / "parts.epub"), book)
    read = read_book(tmp_path / "parts.epub")
    assert [(c.title, c.paragraphs[-1]) for c in read.chapters] == [
        ("Chapitre 1", "Un."),
        ("Chapitre 2", "Deux."),
        ("Chapitre 3", "Trois."),
    ]


def test_markdown_underlined_headings_are_headings(tmp_path: Path) -> None:
    """Setext headings (a line of ``=`` or ``-`` under the text, as older Pandoc and many
    editors write them) make chapters as ``#`` headings do."""
    path = tmp_path / "story.md"
    path.write_text(
        "The Story\n=========\n\nA preface.\n\nOne\n---\n\nFirst words.\n\n"
        "Two\n---\n\nLast words.\n\n---\n\nAfter a rule.\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert book.title == "The Story"
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("One", ["One\n---", "First words."]),
        ("Two", ["Two\n---", "Last words.", "---", "After a rule."]),
    ]


def test_markdown_footnote_definitions_are_not_narrated(tmp_path: Path) -> None:
    """A note's text (``[^1]: ...`` and the indented paragraphs that go on with it) is not
    read where it is defined, as an EPUB's notes are not."""
    path = tmp_path / "story.md"
    path.write_text(
        "# One\n\nThe cellar was damp.[^damp] Nobody went down.\n\n"
        "[^damp]: It flooded in spring.\n\n    And in autumn.\n\n"
        "Later that day.\n\n# Two\n\nThe end.[^2]\n\n[^2]: A last note.\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("One", ["# One", "The cellar was damp.[^damp] Nobody went down.", "Later that day."]),
        ("Two", ["# Two", "The end.[^2]"]),
    ]


def gutenberg_epub(path: Path) -> Path:
    """An EPUB as Project Gutenberg makes them: its header (``pg-header``) and licence
    (``pg-footer``) in the book's file, the contents a table, a contents entry for each."""
    book = epub.EpubBook()
    book.set_identifier("pg11")
    book.set_title("Alice's Adventures in Wonderland")
    book.add_author("Lewis Carroll")
    book.set_language("en")
    text = epub.EpubHtml(title="Alice", file_name="11-h-0.htm.xhtml", lang="en")
    text.content = (
        "<html><body>"
        "<section class='pg-boilerplate pgheader' id='pg-header'>"
        "<h2 id='pg-header-heading'>The Project Gutenberg eBook of Alice</h2>"
        "<div>This ebook is for the use of anyone anywhere.</div>"
        "<div id='pg-start-separator'>*** START OF THE PROJECT GUTENBERG EBOOK ALICE ***</div>"
        "</section>"
        "<h1>Alice's Adventures in Wonderland</h1><p>by Lewis Carroll</p>"
        "<h2 id='contents'>Contents</h2><table>"
        "<tr><td><a href='#chap01'>CHAPTER I.</a></td><td>Down the Rabbit-Hole</td></tr>"
        "<tr><td><a href='#chap02'>CHAPTER II.</a></td><td>The Pool of Tears</td></tr></table>"
        "<h2 id='chap01'>CHAPTER I.<br/>Down the Rabbit-Hole</h2><p>Alice was tired.</p>"
        "<h2 id='chap02'>CHAPTER II.<br/>The Pool of Tears</h2><p>Curiouser!</p>"
        "<section class='pg-boilerplate pgheader' id='pg-footer'>"
        "<div id='pg-end-separator'>*** END OF THE PROJECT GUTENBERG EBOOK ALICE ***</div>"
        "<h2 id='pg-footer-heading'>THE FULL PROJECT GUTENBERG LICENSE</h2>"
        "<p>PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK</p>"
        "</section></body></html>"
    )
    book.add_item(text)
    name = text.file_name
    book.toc = [
        epub.Link(f"{name}#pg-header", "Alice's Adventures in Wonderland", "title"),
        epub.Link(f"{name}#contents", "Contents", "contents"),
        epub.Link(f"{name}#chap01", "CHAPTER I. Down the Rabbit-Hole", "chap01"),
        epub.Link(f"{name}#chap02", "CHAPTER II. The Pool of Tears", "chap02"),
        epub.Link(f"{name}#pg-footer-heading", "THE FULL PROJECT GUTENBERG LICENSE", "licence"),
    ]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", text]
    epub.write_epub(str(path), book)
    return path


def test_a_gutenberg_epub_leaves_out_its_header_contents_and_licence(tmp_path: Path) -> None:
    """As the same book's plain text does: the header and licence of Project Gutenberg and
    the contents are not narrated (the title page is: the book's opening credits)."""
    path = gutenberg_epub(tmp_path / "pg11.epub")
    book = read_book(path)
    assert [(c.title, c.paragraphs[-1]) for c in book.chapters] == [
        ("Alice's Adventures in Wonderland", "by Lewis Carroll"),
        ("CHAPTER I. Down the Rabbit-Hole", "Alice was tired."),
        ("CHAPTER II. The Pool of Tears", "Curiouser!"),
    ]
    assert book.chapters[0].paragraphs == ["Alice's Adventures in Wonderland", "by Lewis Carroll"]
    asked = read_book(path, front_matter=True, licence=True).chapters
    assert [c.title for c in asked][1] == "Contents"
    assert asked[-1].title == "Project Gutenberg licence"
    assert asked[-1].paragraphs[-1] == "PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK"


def test_an_epub_endnotes_section_is_not_a_chapter(tmp_path: Path) -> None:
    """Standard Ebooks' endnotes: a section typed ``endnotes`` with its heading, listed in
    the contents; it was a chapter that said 'Endnotes' and nothing else."""
    book = epub.EpubBook()
    book.set_identifier("se")
    book.set_title("Notes")
    book.set_language("en")
    one = epub.EpubHtml(title="One", file_name="one.xhtml", lang="en")
    one.content = (
        "<html><body><section epub:type='chapter'><h2>One</h2><p>It rained."
        "<a href='endnotes.xhtml#note-1' id='noteref-1' epub:type='noteref'>1</a></p>"
        "</section></body></html>"
    )
    notes = epub.EpubHtml(title="Endnotes", file_name="endnotes.xhtml", lang="en")
    notes.content = (
        "<html><body epub:type='backmatter'><section id='endnotes' epub:type='endnotes'>"
        "<h2 epub:type='title'>Endnotes</h2><ol><li id='note-1' epub:type='endnote'>"
        "<p>It often did.</p></li></ol></section></body></html>"
    )
    for item in (one, notes):
        book.add_item(item)
    book.toc = [epub.Link("one.xhtml", "One", "one"), epub.Link("endnotes.xhtml", "Endnotes", "n")]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", one, notes]
    epub.write_epub(str(tmp_path / "se.epub"), book)
    read = read_book(tmp_path / "se.epub")
    assert [(c.title, c.paragraphs) for c in read.chapters] == [("One", ["One", "It rained."])]


def test_epub_contents_titles_are_one_line(tmp_path: Path) -> None:
    """A title laid out over lines in the contents (hand-formatted XHTML) is one line in
    the markers, the report's table and the file names."""
    book = epub.EpubBook()
    book.set_identifier("lines")
    book.set_title("Lines")
    book.set_language("fr")
    one = epub.EpubHtml(title="Un", file_name="un.xhtml", lang="fr")
    one.content = "<html><body><p>Texte un.</p></body></html>"
    book.add_item(one)
    book.toc = [epub.Link("un.xhtml", "\n      Chapitre\n      Un  ", "un")]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", one]
    epub.write_epub(str(tmp_path / "lines.epub"), book)
    assert [c.title for c in read_book(tmp_path / "lines.epub").chapters] == ["Chapitre Un"]


def test_markdown_parts_over_chapters_name_them(tmp_path: Path) -> None:
    """A part heading followed at once by a chapter heading one level down is a part: the
    chapters are a level down, and a part is narrated with its first chapter and names it
    (the parts were the chapters: an M4B of two markers for three chapters)."""
    path = tmp_path / "story.md"
    path.write_text(
        "# The Story\n\n## Part One\n\n### Chapter 1\n\nA.\n\n#### A scene\n\nA2.\n\n"
        "### Chapter 2\n\nB.\n\n## Part Two\n\n### Chapter 3\n\nC.\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert book.title == "The Story"
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("Part One. Chapter 1", ["## Part One", "### Chapter 1", "A.", "#### A scene", "A2."]),
        ("Chapter 2", ["### Chapter 2", "B."]),
        ("Part Two. Chapter 3", ["## Part Two", "### Chapter 3", "C."]),
    ]


def test_table_cells_are_words_apart() -> None:
    """Cells of a table (a ship's log, a list of characters) are read as words apart; they
    ran together ('Alice7') when the XHTML has no space between them."""
    _, paragraphs, _, _ = html_paragraphs(
        b"<html><body><table><tr><th>Name</th><th>Age</th></tr>"
        b"<tr><td>Alice</td><td>7</td></tr></table></body></html>"
    )
    assert paragraphs == ["Name Age", "Alice 7"]


def test_a_heading_over_two_lines_is_the_whole_heading() -> None:
    """Project Gutenberg's HTML heads a chapter ``CHAPTER I.<br/>Down the Rabbit-Hole``:
    a file with no contents entry is named by both lines, not by the second alone."""
    heading, paragraphs, _, _ = html_paragraphs(
        b"<html><body><h2>CHAPTER I.<br/>Down the R<span>abbit</span>-Hole</h2>"
        b"<p>Alice was tired.</p><h3>Not this</h3></body></html>"
    )
    assert heading == "CHAPTER I. Down the Rabbit-Hole"
    assert paragraphs[0] == "CHAPTER I.\u2028Down the Rabbit-Hole"  # read as two lines


def test_a_table_of_contents_by_that_name_is_front_matter() -> None:
    text = (
        "A SMALL TEST\n\nTABLE OF CONTENTS\n\n  I. The Start\n  II. The End\n\n"
        "CHAPTER I.\n\nIt began.\n\nCHAPTER II.\n\nIt ended.\n"
    )
    assert [c.title for c in read_text(text).chapters] == ["CHAPTER I.", "CHAPTER II."]


def test_a_gutenberg_epub_split_in_files_names_no_chapter_after_its_header(
    tmp_path: Path,
) -> None:
    """Project Gutenberg's EPUBs split the book at its chapters; the first contents entry
    points at its header (``#pg-header``): that file, the title page, is front matter, not a
    chapter named 'The Project Gutenberg eBook of ...'."""
    book = epub.EpubBook()
    book.set_identifier("pg-split")
    book.set_title("Alice")
    book.set_language("en")
    files = [
        "<section class='pg-boilerplate' id='pg-header'><h2>The Project Gutenberg eBook of "
        "Alice</h2><p>This ebook is for the use of anyone.</p></section>"
        "<h1>Alice's Adventures in Wonderland</h1><p>by Lewis Carroll</p>",
        "<h2 id='chap01'>CHAPTER I.</h2><p>Alice was tired.</p>"
        "<section class='pg-boilerplate' id='pg-footer'><h2 id='pg-footer-heading'>THE FULL "
        "PROJECT GUTENBERG LICENSE</h2><p>Please read this.</p></section>",
    ]
    items = []
    for number, body in enumerate(files):
        item = epub.EpubHtml(title=str(number), file_name=f"h-{number}.xhtml", lang="en")
        item.content = f"<html><body>{body}</body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = [
        epub.Link("h-0.xhtml#pg-header", "The Project Gutenberg eBook of Alice", "h"),
        epub.Link("h-1.xhtml#chap01", "CHAPTER I.", "c1"),
        epub.Link("h-1.xhtml#pg-footer-heading", "THE FULL PROJECT GUTENBERG LICENSE", "l"),
    ]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(tmp_path / "split.epub"), book)
    read = read_book(tmp_path / "split.epub")
    assert [(c.title, c.paragraphs) for c in read.chapters] == [
        ("CHAPTER I.", ["CHAPTER I.", "Alice was tired."])
    ]
    front = read_book(tmp_path / "split.epub", front_matter=True).chapters[0]
    assert front.paragraphs == ["Alice's Adventures in Wonderland", "by Lewis Carroll"]


def test_what_is_left_out_is_counted(tmp_path: Path) -> None:
    """A reader says how many paragraphs of front matter and licence it left out, so that
    a render can say so (Moby-Dick's ETYMOLOGY went unsaid, and unnoticed)."""
    assert read_text(GUTENBERG).left_out == {"front matter": 4, "licence": 2}
    assert read_text(GUTENBERG, front_matter=True, licence=True).left_out == {}
    path = gutenberg_epub(tmp_path / "pg11.epub")
    assert read_book(path).left_out == {"front matter": 3, "licence": 3}
    markdown = tmp_path / "story.md"
    markdown.write_text("# The Story\n\nA preface.\n\n## One\n\nA.\n\n## Two\n\nB.\n")
    assert read_book(markdown).left_out == {"front matter": 1}


def pages_epub(path: Path, pages: list[tuple[str, str]], title: str = "The Quiet Harbour") -> Path:
    """An EPUB of ``pages`` (contents title, body XHTML), each a file in the contents, in
    the spine in order, none typed (no epub:type), as many converters write them."""
    book = epub.EpubBook()
    book.set_identifier("pages")
    book.set_title(title)
    book.add_author("Ann Author")
    book.set_language("en")
    items = []
    for number, (title, body) in enumerate(pages, 1):
        item = epub.EpubHtml(title=title, file_name=f"p{number}.xhtml", lang="en")
        item.content = f"<html><body>{body}</body></html>"
        book.add_item(item)
        items.append(item)
    book.toc = [epub.Link(i.file_name, i.title, f"p{n}") for n, i in enumerate(items, 1)]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book)
    return path


COPYRIGHT_PAGE = (
    "<p>Copyright \u00a9 2021 by Ann Author</p><p>All rights reserved.</p>"
    "<p>No part of this book may be reproduced in any form without permission.</p>"
    "<p>Published by Tidewater Press, Portland</p><p>ISBN 978-1-23456-789-0</p>"
    "<p>Printed in the United States of America</p><p>First Edition</p>"
    "<p>10 9 8 7 6 5 4 3 2 1</p>"
)


@pytest.mark.parametrize("title", ["Copyright", "Imprint", "Rights"])
def test_an_epub_copyright_page_not_typed_as_such_is_front_matter(
    tmp_path: Path, title: str
) -> None:
    """A copyright page in the contents, with no epub:type: its notice, ISBN and publisher
    were narrated as the book's first chapter. Known by its title, or by what it holds."""
    pages = [
        ("Title Page", "<h1>The Quiet Harbour</h1><p>Ann Author</p><p>Tidewater Press</p>"),
        (title, COPYRIGHT_PAGE),
        ("Chapter One", "<h1>Chapter One</h1><p>The boats came in at dusk.</p>"),
        ("Chapter Two", "<h1>Chapter Two</h1><p>The copyright of the harbour's song "
                        "was nobody's; all rights to it were the sea's.</p>"),
    ]  # fmt: skip
    path = pages_epub(tmp_path / "harbour.epub", pages)
    book = read_book(path)
    assert [c.title for c in book.chapters] == ["Chapter One", "Chapter Two"]
    assert book.left_out == {"front matter": 3 + 8}
    kept = read_book(path, front_matter=True)
    assert [c.title for c in kept.chapters][:2] == ["Title Page", title]


def test_a_short_chapter_that_mentions_copyright_is_still_narrated(tmp_path: Path) -> None:
    pages = [
        ("One", "<h1>One</h1><p>She sold the copyright.</p><p>Then she sailed away.</p>"
                "<p>Nobody saw her again, ever.</p>"),
    ]  # fmt: skip
    book = read_book(pages_epub(tmp_path / "one.epub", pages))
    assert [c.title for c in book.chapters] == ["One"]


def test_epub_line_breaks_stay_in_their_paragraph_as_lines(tmp_path: Path) -> None:
    """Verse: each ``<br/>`` ends a line of the paragraph (its lines ran as separate
    paragraphs, a paragraph's pause apart); two in a row set paragraphs apart."""
    verse = (
        "<h1>CHAPTER II.<br/>The Song</h1>"
        "<p class='verse'>How doth the little crocodile<br/>\n  Improve his shining tail,<br/>"
        "And pour the waters of the Nile<br/>On every golden scale!<br/></p>"
        "<p>A letter ends<br/><br/>and another begins.</p>"
    )
    book = read_book(pages_epub(tmp_path / "verse.epub", [("The Song", verse)]))
    [chapter] = book.chapters
    assert chapter.paragraphs == [
        "CHAPTER II.\u2028The Song",
        "How doth the little crocodile\u2028Improve his shining tail,\u2028"
        "And pour the waters of the Nile\u2028On every golden scale!",
        "A letter ends",
        "and another begins.",
    ]


def test_a_plain_text_s_verse_keeps_its_lines_and_an_indented_letter_its_wraps() -> None:
    """Indented lines that each start with a capital are verse (Alice's songs), read a line
    to a sentence; an indented letter wrapped at the margin is prose, its lines joined."""
    text = (
        "CHAPTER I. Songs\n\nShe sang:\n\n"
        "     'How doth the little crocodile\n      Improve his shining tail,\n"
        "     And pour the waters of the Nile\n      On every golden scale!'\n\n"
        '     "My Friend.--Welcome to the Carpathians. I am anxiously expecting\n'
        '     you. Sleep well to-night."\n\n'
        '     "Am coming up by train. Jonathan at Whitby. Important news.--MINA\n'
        '     HARKER."\n'
    )
    [chapter] = read_text(text).chapters
    assert chapter.paragraphs[2] == (
        "'How doth the little crocodile\u2028Improve his shining tail,\u2028"
        "And pour the waters of the Nile\u2028On every golden scale!'"
    )
    assert "\u2028" not in chapter.paragraphs[3]
    assert chapter.paragraphs[4].endswith('news.--MINA\nHARKER."')  # a name, not two lines
    assert html_paragraphs(b"<html><body><h1>CHAPTER II<br/>THE POOL</h1></body></html>")[1] == [
        "CHAPTER II\u2028THE POOL"
    ]
    sign = (
        b"<html><body><p>STOP<br/>LOOK AND LISTEN</p><p>Chapter II<br/>THE POOL</p></body></html>"
    )
    assert html_paragraphs(sign)[1] == ["STOP\u2028LOOK AND LISTEN", "Chapter II\u2028THE POOL"]
    alice = read_book(CORPUS / "alice-in-wonderland.txt")
    songs = [p for c in alice.chapters for p in c.paragraphs if "\u2028" in p]
    assert any(p.startswith("'How doth the little crocodile\u2028") for p in songs)


def test_markdown_hard_line_breaks_keep_verse_lines_and_code_stays_whole(tmp_path: Path) -> None:
    path = tmp_path / "poems.md"
    path.write_text(
        "# The Song\n\nHow doth the little crocodile  \nImprove his shining tail,\\\n"
        "And pour the waters\nof the Nile.\n\n```\nx = 1  \ny = 2\n```\n",
        encoding="utf-8",
    )
    [chapter] = read_book(path).chapters
    assert chapter.paragraphs[1] == (
        "How doth the little crocodile\u2028Improve his shining tail,\u2028"
        "And pour the waters\nof the Nile."
    )
    assert chapter.paragraphs[2] == "```\nx = 1  \ny = 2\n```"
    # Two spaces an editor left at a line's end in mid-sentence wrap it, as in prose.
    path.write_text("# Prose\n\nIt wraps  \nin the middle of a sentence.\n", encoding="utf-8")
    assert read_book(path).chapters[0].paragraphs[1:] == ["It wraps\nin the middle of a sentence."]


def test_a_book_of_front_matter_alone_says_what_would_narrate_it(tmp_path: Path) -> None:
    pages = [("Title Page", "<h1>The Quiet Harbour</h1>"), ("Copyright", COPYRIGHT_PAGE)]
    path = pages_epub(tmp_path / "front.epub", pages)
    with pytest.raises(BookError) as raised:
        read_book(path)
    assert str(raised.value) == (
        f"{path}: no text to narrate but its front matter (9 paragraphs; --front-matter "
        "narrates it)"
    )
    assert [c.title for c in read_book(path, front_matter=True).chapters] == [
        "Title Page",
        "Copyright",
    ]


def test_an_epub_line_break_in_the_middle_of_a_sentence_is_a_wrap() -> None:
    """A converted PDF breaks every line with ``<br/>``: a break after a word and before a
    small letter is a wrap (the text chain joins it, and a word hyphenated over it), not a
    line of verse read as a sentence."""
    _, paragraphs, _, _ = html_paragraphs(
        b"<html><body><p>I found my German very useful; indeed, I<br/>don't know how I "
        b"should get on with-<br/>out it.<br/>The End</p></body></html>"
    )
    assert paragraphs == [
        "I found my German very useful; indeed, I\ndon't know how I should get on with-\n"
        "out it.\u2028The End"
    ]


def test_an_epub_title_page_named_as_the_book_is_front_matter(tmp_path: Path) -> None:
    """A converter's title page, in the contents under the book's title: 'The Quiet
    Harbour. Ann Author. Tidewater Press.' was the first chapter."""
    pages = [
        ("The Quiet Harbour", "<h1>The Quiet<br/>Harbour</h1><p>Ann Author</p><p>Tidewater</p>"),
        ("The Quiet Harbour", "<h1>The Quiet Harbour</h1><p>The boats came in at dusk.</p>"
                              "<p>Nobody waited for them on the quay, not even the cat.</p>"
                              "<p>" + "The tide rose. " * 20 + "</p>"),
    ]  # fmt: skip
    book = read_book(pages_epub(tmp_path / "harbour.epub", pages))
    assert [c.paragraphs[1] for c in book.chapters] == ["The boats came in at dusk."]
    assert book.left_out == {"front matter": 3}


def test_a_book_without_a_title_in_letters_has_no_title_page_by_it(tmp_path: Path) -> None:
    """A file named ``---.epub`` with no title: a short first page of a break (``* * *``,
    no letters either) is no title page by that name."""
    pages = [("One", "<h1>One</h1><p>* * *</p><p>It was short.</p>")]
    book = read_book(pages_epub(tmp_path / "---.epub", pages, title=""))
    assert [c.title for c in book.chapters] == ["One"]


def test_epub_verse_in_pre_keeps_its_lines_and_stanzas() -> None:
    """Verse set in ``<pre>``: its line ends are line breaks and a blank line a stanza's end
    (its whole text ran together as one paragraph)."""
    _, paragraphs, _, _ = html_paragraphs(
        b"<html><body><pre>\nHow doth the little crocodile\n  Improve his <i>shining</i> tail,"
        b"\n\nHow cheerfully he seems to grin,\n  How neatly spread his claws,\n</pre>"
        b"<p>After it\n went on.</p></body></html>"
    )
    assert paragraphs == [
        "How doth the little crocodile\u2028Improve his shining tail,",
        "How cheerfully he seems to grin,\u2028How neatly spread his claws,",
        "After it went on.",
    ]


def test_markdown_chapters_under_a_title_and_parts_two_levels_down(tmp_path: Path) -> None:
    """``# Book`` over ``## Part`` over ``### Chapter``: the chapters are the third level
    even with one part, or parts named otherwise, or a prologue and a part's introduction
    at the parts' level (they are chapters); the title is not narrated (the chapters were
    front matter, or the parts were the chapters)."""
    path = tmp_path / "story.md"
    chapters = "### Chapter 1\n\nA.\n\n### Chapter 2\n\nB.\n"
    for text, expected in [
        (f"# The Story\n\n## Part One\n\n{chapters}", [
            ("Part One. Chapter 1", ["## Part One", "### Chapter 1", "A."]),
            ("Chapter 2", ["### Chapter 2", "B."]),
        ]),
        (f"# The Story\n\n## Prologue\n\nP.\n\n## The Arrival\n\nIt began.\n\n{chapters}"
         "## The Return\n\n### Chapter 3\n\nC.\n\n## Epilogue\n\nE.\n", [
            ("Prologue", ["## Prologue", "P."]),
            ("The Arrival", ["## The Arrival", "It began."]),
            ("Chapter 1", ["### Chapter 1", "A."]),
            ("Chapter 2", ["### Chapter 2", "B."]),
            ("The Return. Chapter 3", ["## The Return", "### Chapter 3", "C."]),
            ("Epilogue", ["## Epilogue", "E."]),
        ]),
        ("# The Story\n\n## Book One\n\n### Part One\n\n#### Chapter 1\n\nA.\n\n"
         "#### Chapter 2\n\nB.\n", [
            ("Book One. Part One. Chapter 1", ["## Book One", "### Part One", "#### Chapter 1",
                                               "A."]),
            ("Chapter 2", ["#### Chapter 2", "B."]),
        ]),
    ]:  # fmt: skip
        path.write_text(text, encoding="utf-8")
        book = read_book(path)
        assert (book.title, book.left_out) == ("The Story", {})
        assert [(c.title, c.paragraphs) for c in book.chapters] == expected
    # Scenes under each chapter are no chapters, and a heading after the chapters is none
    # of the book's title.
    path.write_text(
        "## One\n\n### Scene 1\n\nA.\n\n### Scene 2\n\nB.\n\n## Two\n\n### Scene 3\n\nC.\n\n"
        "# Appendix\n\nZ.\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert book.title == "story"
    assert [c.title for c in book.chapters] == ["One", "Two", "Appendix"]


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_byline_under_the_title_names_the_author(tmp_path: Path, suffix: str) -> None:
    """'by Ann Smith' under a book's title (a plain text's line, a Markdown heading's) is its
    author, as the M4B's tags name it; a name in capitals is written as a name; a header's
    or YAML's author wins; a sentence starting 'by' is none."""
    path = tmp_path / f"harbour{suffix}"
    head = "# The Quiet Harbour" if suffix == ".md" else "The Quiet Harbour"
    chapter = "## Chapter 1" if suffix == ".md" else "CHAPTER I"
    body = f"\n\n{chapter}\n\nIt began by the sea.\n"
    for byline, author in [
        ("by Ann Smith", "Ann Smith"),
        ("BY ANN O'NEILL AND BO DE LA CRUZ", "Ann O'Neill and Bo De La Cruz"),
        ("By\n\nJ. R. R. TOLKIEN", "J. R. R. Tolkien"),
        ("by the river we stood", ""),
        ("BY THE AUTHOR OF WAVERLEY", ""),
        ("BY A LADY", ""),
        ("By A. Conan Doyle", "A. Conan Doyle"),
    ]:
        path.write_text(f"{head}\n\n{byline}{body}", encoding="utf-8")
        book = read_book(path)
        title = "The Quiet Harbour" if author or suffix == ".md" else "harbour"
        assert (book.title, book.author) == (title, author)
    front = (
        "---\nauthor: Bo Jones\n---\n\n"
        if suffix == ".md"
        else "Author: Bo Jones\n\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\n"
    )
    path.write_text(f"{front}{head}\n\nby Ann Smith{body}", encoding="utf-8")
    assert read_book(path).author == "Bo Jones"


def test_a_sentence_that_starts_as_a_heading_is_prose() -> None:
    """'Part one of the plan failed.' on a line of its own is a sentence, not a part over
    the chapter after it; 'CHAPTER THE SECOND' and 'Chapter 3, In Which ...' are headings."""
    book = read_text(
        "Part one of the plan failed.\n\nCHAPTER 1\n\nIt began.\n\n"
        "Chapter two of my life began in Paris.\n\nCHAPTER THE SECOND\n\nIt went on.\n\n"
        "Chapter 3, In Which It Ends\n\nDone.\n",
        "tale",
    )
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("Opening", ["Part one of the plan failed."]),
        ("CHAPTER 1", ["CHAPTER 1", "It began.", "Chapter two of my life began in Paris."]),
        ("CHAPTER THE SECOND", ["CHAPTER THE SECOND", "It went on."]),
        ("Chapter 3, In Which It Ends", ["Chapter 3, In Which It Ends", "Done."]),
    ]


def test_headings_that_are_numbers_alone_are_chapters_when_they_count_up() -> None:
    """'1', 'VII.', 'ONE' or 'I. THE START' alone on a line head chapters when they count up
    from one (again from one in each part); the capitals line under a bare number is its
    title. A lone 'I' or numbers under CHAPTER headings (its sections) are none."""
    for heads, titles in [
        (["1", "2", "3"], ["1", "2", "3"]),
        (["I.", "II.", "III."], ["I.", "II.", "III."]),
        (["ONE", "TWO", "THREE"], ["ONE", "TWO", "THREE"]),
        (["I. THE START", "II. THE MIDDLE", "III. THE END"],
         ["I. THE START", "II. THE MIDDLE", "III. THE END"]),
        (["1\n\nTHE START", "2\n\nTHE END"], ["1. THE START", "2. THE END"]),
    ]:  # fmt: skip
        text = "".join(f"{head}\n\nIt was dark. She waited.\n\n" for head in heads)
        book = read_text(text, "tale")
        assert [c.title for c in book.chapters] == titles
        assert all(c.paragraphs[-1] == "It was dark. She waited." for c in book.chapters)
    parts = "".join(
        f"{head}\n\nIt was dark.\n\n" if head.isdigit() else f"{head}\n\n"
        for head in ["PART ONE", "1", "2", "PART TWO", "1", "2"]
    )
    assert [c.title for c in read_text(parts).chapters] == [
        "PART ONE. 1", "2", "PART TWO. 1", "2",
    ]  # fmt: skip
    sections = (
        "CHAPTER I\n\n1\n\nIt was dark.\n\n2\n\nIt was light.\n\n"
        "CHAPTER II\n\nShe said:\n\nI\n\nwas there.\n"
    )
    book = read_text(sections)
    assert [(c.title, len(c.paragraphs)) for c in book.chapters] == [
        ("CHAPTER I", 5),
        ("CHAPTER II", 4),
    ]
    assert [c.title for c in read_text("Hello.\n\nI\n\nwas there.\n").chapters] == ["Opening"]


def test_a_shout_that_opens_a_chapter_is_not_its_title() -> None:
    """The capitals line under a bare ``CHAPTER 3`` names it (Dracula's ``MINA MURRAY'S
    JOURNAL``), but a line that is said ('"FIRE!"') or a letter ('A.') is the story's."""
    for first in ['"FIRE!"', "\u201cFIRE!\u201d", "--HALT!", "A."]:
        book = read_text(f"CHAPTER 3\n\n{first}\n\nThe house burned.\n\nCHAPTER 4\n\nAsh.\n")
        assert [c.title for c in book.chapters] == ["CHAPTER 3", "CHAPTER 4"]
    book = read_text("CHAPTER 3\n\nTHE FIRE\n\nThe house burned.\n")
    assert [c.title for c in book.chapters] == ["CHAPTER 3. THE FIRE"]


def test_a_title_on_the_line_under_the_chapter_number_is_set_apart() -> None:
    """``CHAPTER 1`` over ``The Start`` is the chapter ``CHAPTER 1. The Start`` (its marker
    read 'CHAPTER 1 The Start'), as ``CHAPTER I.`` over it always was."""
    book = read_text("CHAPTER 1\nThe Start\n\nIt began.\n\nCHAPTER 2:\nThe End\n\nIt ended.\n")
    assert [c.title for c in book.chapters] == ["CHAPTER 1. The Start", "CHAPTER 2. The End"]
    assert book.chapters[0].paragraphs[0] == "CHAPTER 1\nThe Start"


def parts_epub(path: Path) -> Path:
    """An EPUB as converters write a novel in parts: cover, title, copyright and contents
    pages (none typed), pages of a part's heading alone under a nested contents, chapters
    with a picture and note links to a notes page."""
    book = epub.EpubBook()
    book.set_identifier("parts")
    book.set_title("The Quiet Harbour")
    book.add_author("Ann Author")
    book.set_language("en")
    book.add_item(epub.EpubItem(uid="map", file_name="map.png", media_type="image/png",
                                content=b"\x89PNG\r\n\x1a\n" + bytes(16)))  # fmt: skip
    pages = {
        "cover.xhtml": "<img src='map.png' alt='Cover'/>",
        "title.xhtml": "<h1>The Quiet Harbour</h1><p>Ann Author</p>",
        "rights.xhtml": "<p>Copyright \u00a9 2021 Ann Author. All rights reserved.</p>"
        "<p>ISBN 978-1-23456-789-0</p>",
        "toc.xhtml": "<h2>Contents</h2><p><a href='c1.xhtml'>Chapter 1</a></p>",
        "book1.xhtml": "<h1>Book One</h1>",
        "part1.xhtml": "<h1>Part One</h1>",
        "c1.xhtml": "<h2>Chapter 1</h2><p>It began<a href='notes.xhtml#n1' id='r1'>1</a> at "
        "dawn.<sup><a href='notes.xhtml#n2'>[2]</a></sup></p>"
        "<p><img src='map.png' alt='A map'/></p><p>The boats came in.</p>",
        "c2.xhtml": "<h2>Chapter 2</h2><p>It ended.</p>",
        "part2.xhtml": "<h1>Part Two</h1>",
        "c3.xhtml": "<h2>Chapter 3</h2><p>It came back.</p>",
        "notes.xhtml": "<h2>Notes</h2><p id='n1'><a href='c1.xhtml#r1'>1</a> Dawn was late.</p>"
        "<p id='n2'>2. The harbour then.</p>",
    }
    items = {}
    for name, body in pages.items():
        items[name] = epub.EpubHtml(title=name, file_name=name, lang="en")
        items[name].content = f"<html><body>{body}</body></html>"
        book.add_item(items[name])
    link = epub.Link
    book.toc = [
        link("cover.xhtml", "Cover", "cover"),
        link("title.xhtml", "Title Page", "title"),
        link("rights.xhtml", "Copyright", "rights"),
        link("toc.xhtml", "Contents", "toc"),
        (epub.Section("Book One", "book1.xhtml"), [
            (epub.Section("Part One", "part1.xhtml"), [
                link("c1.xhtml", "Chapter 1", "c1"), link("c2.xhtml", "Chapter 2", "c2"),
            ]),
            (epub.Section("Part Two", "part2.xhtml"), [link("c3.xhtml", "Chapter 3", "c3")]),
        ]),
        link("notes.xhtml", "Notes", "notes"),
    ]  # fmt: skip
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items.values()]
    epub.write_epub(str(path), book)
    return path


def test_an_epub_part_page_is_narrated_with_the_chapter_after_it(tmp_path: Path) -> None:
    """A page that is a part's heading alone (nested contents) opens the chapter after it
    and names it, as a text's part does (it was a chapter of one word); the front matter
    pages, the picture and the note markers are not read."""
    book = read_book(parts_epub(tmp_path / "parts.epub"))
    assert (book.title, book.author) == ("The Quiet Harbour", "Ann Author")
    assert [(c.title, c.paragraphs) for c in book.chapters[:3]] == [
        ("Book One. Part One. Chapter 1",
         ["Book One", "Part One", "Chapter 1", "It began at dawn.", "The boats came in."]),
        ("Chapter 2", ["Chapter 2", "It ended."]),
        ("Part Two. Chapter 3", ["Part Two", "Chapter 3", "It came back."]),
    ]  # fmt: skip


def test_epub_notes_that_markers_point_to_are_not_narrated(tmp_path: Path) -> None:
    """Notes not typed as such (a converter's): what a note marker points forward to is a
    note, left out, and a page of them with it (it was a chapter 'Notes' read at the end);
    a note's link back to its marker, and a numbered link to a chapter, leave the text."""
    book = read_book(parts_epub(tmp_path / "parts.epub"))
    assert [c.title for c in book.chapters] == [
        "Book One. Part One. Chapter 1", "Chapter 2", "Part Two. Chapter 3",
    ]  # fmt: skip
    path = pages_epub(tmp_path / "pages.epub", [
        ("One", "<h2>One</h2><p id='r1'>It rained.<a href='#fn1'>1</a> See <a "
                "href='p2.xhtml#two'>2</a>.</p><p>It stopped.</p>"
                "<p class='note'><a id='fn1' href='#r1'>1</a> It often did.</p>"),
        ("Two", "<section id='two'><h2>Two</h2><p>It dried.</p></section>"),
    ])  # fmt: skip
    assert [c.paragraphs for c in read_book(path).chapters] == [
        ["One", "It rained. See 2.", "It stopped."],
        ["Two", "It dried."],
    ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_text_with_its_byte_order_mark_is_read(tmp_path: Path, codec: str) -> None:
    """Windows Notepad's 'Unicode' is UTF-16 with a byte order mark: read as such (it was
    refused as not UTF-8), Windows line ends and all; without the mark it is refused."""
    text = "CHAPTER I\r\n\r\nIt began \u2014 caf\u00e9.\r\n\r\nCHAPTER II\r\n\r\nIt ended.\r\n"
    path = tmp_path / "tale.txt"
    path.write_bytes("\ufeff".encode(codec) + text.encode(codec))
    book = read_book(path)
    assert [c.paragraphs for c in book.chapters] == [
        ["CHAPTER I", "It began \u2014 caf\u00e9."],
        ["CHAPTER II", "It ended."],
    ]
    assert book.encoding == "utf-16"
    for plain in (text, "CHAPTER I\n\nIt began.\n"):  # the second valid UTF-8, with NULs
        path.write_bytes(plain.encode(codec))
        with pytest.raises(BookError, match="not UTF-8 text"):
            read_book(path)
    path.write_bytes(codecs.BOM_UTF16_LE + b"C\x00\x00\xd8")  # a lone surrogate
    with pytest.raises(BookError, match="not UTF-16 text, as its byte order mark says"):
        read_book(path)


def test_a_section_listed_with_its_page_number_before_the_first_chapter_is_narrated() -> None:
    """A contents list with leader dots and page numbers ('PREFACE ....... vii') names the
    preface after it, which is narrated (it was front matter: 'prefacevii' matched
    nothing); the list itself is not."""
    text = (
        "Title: The Harbour\n\n*** START OF THE PROJECT GUTENBERG EBOOK THE HARBOUR ***\n\n"
        "THE HARBOUR\n\nCONTENTS\n\n"
        "   PREFACE ....................... vii\n"
        "   INTRODUCTION                     ix\n"
        "   I. THE ARRIVAL ..................  1\n"
        "   II. THE STORM \u2026 17\n\n"
        "PREFACE\n\nThis book was written by the sea.\n\n"
        "INTRODUCTION\n\nThe sea is large.\n\n"
        "I. THE ARRIVAL\n\nThe boats came in.\n\nII. THE STORM\n\nIt rained.\n"
    )
    book = read_text(text)
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("PREFACE", ["PREFACE", "This book was written by the sea."]),
        ("INTRODUCTION", ["INTRODUCTION", "The sea is large."]),
        ("I. THE ARRIVAL", ["I. THE ARRIVAL", "The boats came in."]),
        ("II. THE STORM", ["II. THE STORM", "It rained."]),
    ]
    assert book.left_out == {"front matter": 3}


def test_an_epub_title_page_after_a_cover_picture_is_front_matter(tmp_path: Path) -> None:
    """A cover page holds a picture and no words: the title page after it is still before
    the first chapter, front matter (it was narrated as the first chapter)."""
    path = pages_epub(tmp_path / "harbour.epub", [
        ("Cover", "<div><img src='cover.png' alt='The Quiet Harbour'/></div>"),
        ("Title", "<h1>The Quiet Harbour</h1><p>Ann Author</p>"),
        ("One", "<h1>One</h1><p>It began.</p>"),
    ])  # fmt: skip
    book = read_book(path)
    assert [c.paragraphs for c in book.chapters] == [["One", "It began."]]
    assert book.left_out == {"front matter": 2}


def test_an_epub_without_an_author_in_its_metadata_takes_its_title_page_s_byline(
    tmp_path: Path,
) -> None:
    """No dc:creator (a converter left it out): 'by Ann Smith' on the title page names the
    author (the M4B had none); a chapter's 'by the sea' names nobody."""
    pages = [
        ("Title", "<h1>The Quiet Harbour</h1><p>by Ann Smith</p>"),
        ("One", "<h1>One</h1><p>It began.</p>"),
        ("Two", "<h1>Two</h1><p>by Bo Jones</p>"),
    ]
    for name, given, author in [("harbour", pages, "Ann Smith"), ("later", pages[1:], "")]:
        made = pages_epub(tmp_path / f"{name}-made.epub", given)
        path = rewrite(made, tmp_path / f"{name}.epub", {}, opf_edit=("Ann Author<", "<"))
        book = read_book(path)
        assert book.author == author
        assert [c.paragraphs[0] for c in book.chapters] == ["One", "Two"]


def test_a_link_to_a_page_break_or_into_a_paragraph_leaves_the_paragraph(tmp_path: Path) -> None:
    """A numbered link forward to a page break ('see p. 45') or to an anchor inside a
    paragraph points at text, not at a note: the paragraph is read, and so is the link's
    number (it was taken for a note marker: 'See page and .')."""
    path = pages_epub(tmp_path / "pages.epub", [
        ("One", "<h2>One</h2><p>See page <a href='p2.xhtml#page45'>45</a> and "
                "<a href='p2.xhtml#here'>46</a>.</p>"),
        ("Two", "<h2>Two</h2><p><span epub:type='pagebreak' id='page45'/>It dried.</p>"
                "<p>The sun <a id='here'/>came out.</p><p><a id='n1'/>1. A note.</p>"),
    ])  # fmt: skip
    assert [c.paragraphs for c in read_book(path).chapters] == [
        ["One", "See page 45 and 46."],
        ["Two", "It dried.", "The sun came out.", "1. A note."],
    ]


def test_a_markdown_subtitle_heading_before_the_first_chapter_is_front_matter(
    tmp_path: Path,
) -> None:
    """``## A Novel`` under the title, over ``## Chapter 1``, holds no text: front matter,
    not a chapter of two words and a marker of its own."""
    path = tmp_path / "harbour.md"
    path.write_text(
        "# The Quiet Harbour\n\n## A Novel\n\n## Chapter 1\n\nA.\n\n## Chapter 2\n\nB.\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert [c.paragraphs for c in book.chapters] == [["## Chapter 1", "A."], ["## Chapter 2", "B."]]
    assert book.left_out == {"front matter": 1}
    assert read_book(path, front_matter=True).chapters[0].paragraphs == ["## A Novel"]


def test_an_interlude_appendix_or_conclusion_on_a_line_of_its_own_is_a_chapter() -> None:
    """Named sections between or after numbered chapters start chapters of their own, as a
    prologue or epilogue does (they were read as the end of the chapter before)."""
    book = read_text(
        "CHAPTER 1\n\nA.\n\nINTERLUDE\n\nMeanwhile.\n\nCHAPTER 2\n\nB.\n\n"
        "Conclusion\n\nThe end.\n\nAPPENDIX A: The Charts\n\nCharts.\n\nAppendix II\n\nMore.\n"
    )
    assert [(c.title, c.paragraphs[1:]) for c in book.chapters] == [
        ("CHAPTER 1", ["A."]),
        ("INTERLUDE", ["Meanwhile."]),
        ("CHAPTER 2", ["B."]),
        ("Conclusion", ["The end."]),
        ("APPENDIX A: The Charts", ["Charts."]),
        ("Appendix II", ["More."]),
    ]


def test_a_transcriber_s_notes_are_not_narrated_as_the_book() -> None:
    """Project Gutenberg's transcriber's notes are not the book's: one in brackets (a
    paragraph or more, or in a sentence) is not read, and a section of them after the last
    chapter goes with the licence (it was read at the end of the last chapter)."""
    text = (
        "[Transcriber's Note: Obvious errors\nhave been corrected.]\n\n"
        "CHAPTER I\n\nIt began.[Transcriber's note: 'bagan' in the original.] Then.\n\n"
        "CHAPTER II\n\nIt ended.\n\nTRANSCRIBER'S NOTES\n\n"
        "Page 3, 'bagan' changed to 'began'.\n\nPage 9, 'teh' changed to 'the'.\n"
    )
    book = read_text(text)
    assert [c.paragraphs for c in book.chapters] == [
        ["CHAPTER I", "It began. Then."],
        ["CHAPTER II", "It ended."],
    ]
    assert book.left_out == {"licence": 3}
    assert read_text(text, licence=True).chapters[-1].paragraphs[0] == "TRANSCRIBER'S NOTES"
    headless = read_text("It began.\n\nTranscriber's Notes\n\nIt went on.\n")
    assert headless.chapters[0].paragraphs == ["It began.", "Transcriber's Notes", "It went on."]


def test_a_paragraph_that_a_number_links_to_is_a_note_only_as_notes_are_made(
    tmp_path: Path,
) -> None:
    """A contents page's page number linking forward to a paragraph's anchor does not make
    that paragraph a note (the previous commits left out a chapter's first paragraph): a
    note links back to its marker, or is on a page headed 'Notes'. A marker to a paragraph
    that is neither is still no number read mid-sentence."""
    path = pages_epub(tmp_path / "pages.epub", [
        ("Contents", "<h2>Contents</h2><p>One <a href='p2.xhtml#page1'>1</a></p>"),
        ("One", "<h2>One</h2><p><a id='page1'/>It began.<a href='#fn1'>1</a></p>"
                "<p id='fn1'>1. A note without a way back.</p>"),
    ])  # fmt: skip
    assert [c.paragraphs for c in read_book(path).chapters] == [
        ["One", "It began.", "1. A note without a way back."],
    ]
