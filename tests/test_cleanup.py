"""The built-in cleanup plugin: characters, paragraphs, markdown, emoji, addresses, marks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sonicpipe.builtin import cleanup, markup
from sonicpipe.builtin.cleanup import CleanupOptions, clean, code_regions

from sonicpipe import ConfigError, Document, Mark, MarkKind, PluginHost, Settings, TextChain
from sonicpipe.model import MARK_RE, MarkTable

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
DATA = REPO / "tests" / "data" / "cleanup"
WORDS = re.compile(r"[A-Za-z0-9]+")


def chapter(book: str, start: str | None, end: str) -> str:
    """A book from the line ``start`` (None: the beginning) up to the line ``end``."""
    text = (CORPUS / book).read_text(encoding="utf-8")
    first = text.index(f"\n{start}\n") + 1 if start else 0
    return text[first : text.index(f"\n{end}\n", first)]


# -- options ---------------------------------------------------------------------------------


def test_options_default_and_valid_values() -> None:
    assert CleanupOptions.from_mapping({}) == CleanupOptions()
    options = CleanupOptions.from_mapping(
        {"markdown": False, "emoji": "describe", "code_blocks": "drop", "images": "alt"}
    )
    assert options == CleanupOptions(False, "drop", "alt", "describe")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"emoji": "speak"},
            "options.cleanup.emoji: 'speak' is not valid; valid: 'remove', 'describe', 'keep'",
        ),
        ({"markdown": "yes"}, "options.cleanup.markdown: 'yes' is not valid; valid: true, false"),
        ({"markdown": 1}, "options.cleanup.markdown: 1 is not valid; valid: true, false"),
        (
            {"code_blocks": "read"},
            "options.cleanup.code_blocks: 'read' is not valid; valid: 'announce', 'drop'",
        ),
    ],
)
def test_bad_options_name_the_valid_ones(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        CleanupOptions.from_mapping(table)
    assert str(error.value) == message


def test_bad_option_is_reported_through_the_hook() -> None:
    settings = Settings(options={"cleanup": {"code_blocks": "skip"}})
    chain = TextChain(settings, PluginHost(settings, [markup, cleanup], entry_points=False))
    with pytest.raises(ConfigError) as error:
        chain.clean("Hello.")
    assert str(error.value) == (
        "options.cleanup.code_blocks: 'skip' is not valid; valid: 'announce', 'drop'"
    )


# -- characters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (
            "“Hi,” she said. ‘Yes’ — it’s „fine“ ‹really›.",
            "\"Hi,\" she said. 'Yes', it's \"fine\" 'really'.",
        ),
        ("« Bonjour », dit-il.", '"Bonjour", dit-il.'),
        ("Wait… what? And so on. . . fine.", "Wait... what? And so on... fine."),
        ("a\u00a0b\u2009c\u202fd\u3000e\tf", "a b c d e f."),
        (
            "soft\u00adhyphen zero\u200bwidth\ufeff bidi\u200e done",
            "softhyphen zerowidth bidi done.",
        ),
        ("bell\x07 null\x00 del\x7f c1\x9b end", "bell null del c1 end."),
        ("Cafe\u0301 nai\u0308ve", "Café naïve."),
        ("  lots   of\t\tspace  ", "lots of space."),
        ("Windows\r\nline\r\n\r\nOld Mac\rline", "Windows line.\n\nOld Mac line."),
        (
            "The war of 1914–1918, pages 3 – 7, −5 degrees",
            "The war of 1914-1918, pages 3-7, -5 degrees.",
        ),
        ("London–Paris trains", "London-Paris trains."),
        (
            "1\u00a0234\u00a0567 people, 10\u202f000 m, 5\u2009000 km, tel. 555\u00a01234",
            "1,234,567 people, 10,000 m, 5,000 km, tel. 555 1234.",
        ),
        # a PDF's ligatures and fullwidth letters were read as symbols, or not at all
        ("The \ufb01nancial \ufb02ow was ef\ufb01cient, \ufb00 \ufb03 \ufb04 \ufb06",
         "The financial flow was efficient, ff ffi ffl st."),
        ("\uff21\uff42\uff43 \uff11\uff12\uff13 at 20\u2103 or 68\u2109",
         "Abc 123 at 20\u00b0C or 68\u00b0F."),
        # a paragraph that ends in Chinese or Japanese punctuation needs no period ("好。.")
        ("\u4f60\u597d\u3002\n\n\u771f\u7684\uff1f", "\u4f60\u597d\u3002\n\n\u771f\u7684\uff1f"),
    ],
)  # fmt: skip
def test_characters(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Call +1\u00a0800\u00a0555\u00a00199 today", "Call +1 800 555 0199 today."),
        ("Call 555\u00a0123\u00a04567.", "Call 555 123 4567."),
        ("+33\u00a0612\u00a0345\u00a0678", "+33 612 345 678."),
        ("Our number is 555\u00a0000\u00a0123.", "Our number is 555 000 123."),
        ("Phone: 555\u202f000\u202f123", "Phone: 555 000 123."),
        ("1\u00a0234\u00a0567 people", "1,234,567 people."),
        ("10\u202f000 m and 2\u2009500\u2009000 km", "10,000 m and 2,500,000 km."),
    ],
)
def test_no_break_spaces_in_phone_numbers_stay_spaces(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("The pale Usher--threadbare in coat", "The pale Usher, threadbare in coat."),
        ("He paused — then spoke.", "He paused, then spoke."),
        ("A pause – spaced en dash.", "A pause, spaced en dash."),
        ('"which is not true." --HACKLUYT', '"which is not true." HACKLUYT.'),
        ('"I was going to--" he said.', '"I was going to..." he said.'),
        (
            "I'll say \"How doth the little--\"' and she",
            "I'll say \"How doth the little...\"' and she.",
        ),
        ("It ended--", "It ended..."),
        (
            '"Dear Sirs,--\n\nThis was her dream:--\n\n"Then;--" he said.',
            '"Dear Sirs,\n\nThis was her dream:\n\n"Then;" he said.',
        ),
        ("--Left Munich early.", "Left Munich early."),
        ("Well,--no; not yet--.", "Well, no; not yet."),
        ('She said--"Stop!"', 'She said, "Stop!"'),
        # beside a code span: the span's text is the dash's neighbour
        ("Run `pip install x` — it takes ~30s.", "Run pip install x, it takes ~30s."),
        ("Run `pip`—it works; then -- `ls`. Or `ls` --all.",
         "Run pip, it works; then, ls. Or ls --all."),
        ("Type `exit` --", "Type exit..."),
    ],
)  # fmt: skip
def test_dashes_read_as_pauses(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Use the --verbose flag.", "Use the --verbose flag."),
        (
            "Run pip install --upgrade pip (or --dry-run).",
            "Run pip install --upgrade pip (or --dry-run).",
        ),
        ("Set --level=2, then --help.", "Set --level=2, then --help."),
        ("--quiet hides the bar.", "--quiet hides the bar."),
        # a pause still: spaced on both sides, unspaced, or before a capital
        ("He paused -- and then spoke.", "He paused, and then spoke."),
        ("He paused--and then spoke.", "He paused, and then spoke."),
        ('"Go." --HACKLUYT', '"Go." HACKLUYT.'),
    ],
)
def test_a_command_line_option_keeps_its_dashes(raw: str, cleaned: str) -> None:
    """A lower-case name right after " --" is an option ("--verbose" became ", verbose")."""
    assert clean(raw) == cleaned


def test_hyphenation_across_line_breaks() -> None:
    text = (
        "It was a wonder-\nful day; the sea-\ncaptain, an Anglo-\nSaxon, met another\n"
        "sea-captain and a well-to-\ndo man. Then a dash--\nand more."
    )
    assert clean(text) == (
        "It was a wonderful day; the sea-captain, an Anglo-Saxon, met another sea-captain and "
        "a well-to-do man. Then a dash, and more."
    )


# -- paragraphs ------------------------------------------------------------------------------


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = "First line of\nthe first paragraph.\n\n\n\n   Second\n   paragraph here.\n  \n\nThird"
    assert clean(text) == "First line of the first paragraph.\n\nSecond paragraph here.\n\nThird."


def test_section_breaks_separate_paragraphs_in_both_modes() -> None:
    text = "Before.\n  *    *    *    *    *\nAfter.\n-----\nEnd.\n=====\nLast."
    for markdown in (True, False):
        assert (
            clean(text, CleanupOptions(markdown=markdown)) == "Before.\n\nAfter.\n\nEnd.\n\nLast."
        )


def test_book_chapter_keeps_paragraphs_and_words() -> None:
    raw = chapter("moby-dick.txt", "CHAPTER 1. Loomings.", "CHAPTER 2. The Carpet-Bag.")
    blocks = [b for b in re.split(r"\n\s*\n", raw) if b.strip()]
    cleaned = clean(raw)
    paragraphs = cleaned.split("\n\n")
    assert len(blocks) == len(paragraphs) == 18
    assert "\n" not in cleaned.replace("\n\n", "")
    assert all(p == p.strip() and "  " not in p for p in paragraphs)
    assert WORDS.findall(cleaned) == WORDS.findall(raw)
    assert paragraphs[0] == "CHAPTER 1. Loomings."
    assert paragraphs[1].startswith(
        "Call me Ishmael. Some years ago, never mind how long precisely"
    )
    assert "--" not in cleaned


def test_book_with_italics_and_section_breaks() -> None:
    raw = chapter("dracula.txt", None, "CHAPTER II")
    cleaned = clean(raw)
    assert WORDS.findall(cleaned) == WORDS.findall(raw)
    assert "_" not in cleaned and "*" not in cleaned and "--" not in cleaned
    assert cleaned.startswith("3 May. Bistritz. Left Munich at 8:35 P. M., on 1st May, arriving")
    assert "(Mem., get recipe for Mina.)" in cleaned
    blocks = [b for b in re.split(r"\n\s*\n", raw) if b.strip() and not re.fullmatch(r"[\s*]+", b)]
    assert len(cleaned.split("\n\n")) == len(blocks)


# -- markdown --------------------------------------------------------------------------------


def test_readme_reads_as_prose() -> None:
    raw = (DATA / "readme.md").read_text(encoding="utf-8")
    assert clean(raw) == (DATA / "readme.expected.txt").read_text(encoding="utf-8").strip()


def test_readme_with_other_options() -> None:
    raw = (DATA / "readme.md").read_text(encoding="utf-8")
    options = CleanupOptions(code_blocks="drop", images="alt", emoji="describe")
    paragraphs = clean(raw, options).split("\n\n")
    assert paragraphs[:3] == ["Sonicpipe logo.", "Build Status PyPI.", "Sonicpipe rocket."]
    assert "Code omitted." not in paragraphs
    assert "Architecture diagram." in paragraphs
    assert paragraphs[paragraphs.index("Install.") + 1].startswith("Then check it works")


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Multiply 5 * 3 * 2, or 5*3*2.", "Multiply 5 * 3 * 2, or 5*3*2."),
        (
            "Use snake_case and file_name.txt, not __init__ by hand.",
            "Use snake_case and file_name.txt, not init by hand.",
        ),
        ("`__init__` and `a * b` stay; ``x ` y`` too.", "__init__ and a * b stay; x ` y too."),
        (
            "*one* _two_ **three** __four__ ***five*** ~~six~~ _snake_case_",
            "one two three four five six snake_case.",
        ),
        (
            "If a < b and c > d, x<5, List<T> and Vec<u8>.",
            "If a < b and c > d, x<5, List<T> and Vec<u8>.",
        ),
        (
            'Text with <b>tags</b>,<br/>and <span class="x">spans</span>.',
            "Text with tags, and spans.",
        ),
        ("Use a<b and c>d.", "Use a<b and c>d."),
        ("Use a<b>c</b>d.", "Use a c d."),
        ('x<a href="y">link</a>s and w<img alt="cat" src="c.png">z', "x link s and w z."),
        ("One<br/>two, x<br />y and a<i class=k>b</i>.", "One two, x y and a b."),
        (  # a block or a cell that ends without punctuation ends a sentence or a clause
            "<p>A 2&nbsp;L jar</p><ul><li>Speed: 30,000 rpm</li><li><p>Price: $5</p></li></ul>"
            "<table><tr><td>Free</td><td>$0</td></tr></table><h2>Done.</h2>",
            "A 2 L jar. Speed: 30,000 rpm. Price: $5. Free, $0. Done.",
        ),
        (  # ... also when its words end inside an inline tag
            "<ul><li><b>Speed</b></li><li><b>Price</b></li></ul><table><tr><td><em>Size</em>"
            "</td><td><em>Large</em></td></tr></table><p>Hello <span>world</span></p><p>Next</p>",
            "Speed. Price. Size, Large. Hello world. Next.",
        ),
        (
            "Escaped \\*stars\\* and \\_under\\_ &amp; &copy; &nbsp;2026",
            "Escaped *stars* and _under_ & © 2026.",
        ),
        ('A claim[^note] and a fish."*', 'A claim and a fish."'),
        ("OCTAVOES.*--These embrace", "OCTAVOES. These embrace."),
        (
            "[link](https://x.org/a_(b)) [ref][r] [bare] [[sic]] ![](pic.png)",
            "link ref [bare] [[sic]].",
        ),
        ("#hashtag is not a heading", "#hashtag is not a heading."),
        # Slack's strikethrough, one tilde around words; an approximation or a path stays
        (
            "It is ~struck~ out, ~5 and ~10 min, ~/a ~/b and a~b~c.",
            "It is struck out, ~5 and ~10 min, tilde slash a tilde slash b and a~b~c.",
        ),
        (
            '_"We are, dear Sirs,\n\n"SON."_\n\n_a and _b, not a_b.',
            '"We are, dear Sirs,\n\n"SON."\n\n_a and _b, not a_b.',
        ),
        ("C_{2}HCl_{3}O. H_{2}O! The 4^{th}; x^{2}.", "C2HCl3O. H2O! The 4th; x^2."),
    ],
)
def test_inline_markdown_spares_prose(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("*a " * 20_000, "a" + " *a" * 19_999 + "."),
        ("_a " * 20_000, "_a" + " _a" * 19_999 + "."),
        ("[" * 20_000 + "x", "[" * 20_000 + "x."),
        ("x.y" * 30_000, "x.y" * 30_000 + "."),
        ("x " + "`" * 20_000 + "a", "x a."),  # mid-line: a code span, not a fence
        ("a@" * 20_000, "a@" * 20_000 + "."),
        ("<!--" * 20_000, " ".join(["<!"] * 20_000) + "..."),
        ("<script>" * 20_000 + "x", "x."),  # an unclosed script tag is a stray HTML tag
        ("<code>" * 20_000 + "x", "x."),  # and so is an unclosed <code> or <pre>
        ("<pre> a " * 20_000, "a" + " a" * 19_999 + "."),
        ("~~~\n" * 100_000, ""),  # bare "~~~" lines, each a section break
        ("Jane<br>" * 100_000, "Jane, " * 99_999 + "Jane."),  # line breaks on one line
        ("`a` <code>b</code> " * 20_000, "a b " * 19_999 + "a b."),  # code both ways
    ],
)
def test_markers_that_never_close_are_left_alone(raw: str, cleaned: str) -> None:
    """Each unclosed marker is looked at briefly (a backtracking regex would hang here)."""
    assert clean(raw) == cleaned


def test_markdown_blocks_become_paragraphs() -> None:
    text = (
        "Intro line\nwrapped here:\n- first item\n- second item\n  continued\n"
        "1. numbered:\n2) again!\n- [x] done task\n- [ ] open task\n\n"
        "## Heading ##\nSetext title\n------------\n"
        "> quoted\n> lines\n>\n> second quote\nplain after 1914\n1915. The year wrapped.\n\n"
        "a | b\n--|--\n1 | 2\n\n[^n]: A footnote.\n[ref]: https://example.com/x"
    )
    assert clean(text).split("\n\n") == [
        "Intro line wrapped here:",
        "first item.",
        "second item continued.",
        "1. numbered:",
        "2. again!",
        "done task.",
        "open task.",
        "Heading.",
        "Setext title.",
        "quoted lines.",
        "second quote plain after 1914 1915. The year wrapped.",
        "a, b.",
        "1, 2.",
        "A footnote.",
    ]


def test_a_numbered_item_keeps_its_number() -> None:
    """The number is read ("1." is "One."): it may be content, and in a list it is the step."""
    assert clean("1851. In the year of our Lord.\n\nThe ship sailed.") == (
        "1851. In the year of our Lord.\n\nThe ship sailed."
    )
    steps = "Steps:\n1. Install it\n2) Run `serve`\n3. [x] Done\n   at last\n- a bullet"
    assert clean(steps).split("\n\n") == [
        "Steps:", "1. Install it.", "2. Run serve.", "3. Done at last.", "a bullet.",
    ]  # fmt: skip
    lazy = "1. Install\n1. Run\n1. Deploy\n\n1851. A year.\n1. Not lazy."
    assert clean(lazy).split("\n\n") == [
        "1. Install.", "2. Run.", "3. Deploy.", "1851. A year.", "1. Not lazy.",
    ]  # fmt: skip
    mark = MarkTable().add(Mark(MarkKind.EMOTION, "calm"))
    assert clean(f"Intro\n{mark}1. An item") == f"Intro.\n\n{mark}1. An item."


def test_dracula_numbered_ways_keep_their_numbers() -> None:
    paragraphs = clean(
        chapter("dracula.txt", "us. By road, by rail, by water?", "is to ascertain _what_ water.")
    ).split("\n\n")
    assert [p[: p.index(".", 3) + 1] for p in paragraphs if p[:1].isdigit()] == [
        "1. By Road.", "2. By Rail.", "3. By Water.",
    ]  # fmt: skip


def test_unicode_bullets_are_list_items() -> None:
    text = (
        "Shopping:\n• milk\n◦ eggs\n▪ bread\n‣ jam\n● tea\n▪\ufe0f salt\n\n"
        "– first\n– second\n  ▪ nested"
    )
    assert clean(text).split("\n\n") == [
        "Shopping:", "milk.", "eggs.", "bread.", "jam.", "tea.", "salt.",
        "first.", "second.", "nested.",
    ]  # fmt: skip
    assert clean("• one\n• two", CleanupOptions(markdown=False)) == "• one • two."
    assert clean("Free over $35 • Returns: 30 days") == "Free over $35, Returns: 30 days."
    mark = MarkTable().add(Mark(MarkKind.EMOTION, "calm"))
    assert clean(f"Intro\n{mark}• an item") == f"Intro.\n\n{mark}an item."


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("[Unsubscribe](https://x.org/u) | [Preferences](https://x.org/p)",
         "Unsubscribe, Preferences."),
        ("Home | About | Contact", "Home, About, Contact."),
        ("<a href=u>Unsubscribe</a> &middot; <a href=v>View</a>", "Unsubscribe, View."),
        ("Col·legi 2·3", "Col·legi 2·3."),  # an unspaced dot stays
        ("2 · 3 = 6 and F · d", "2 · 3 = 6 and F · d."),  # so does a product's
        ("Free over $35 · Returns", "Free over $35, Returns."),
        ("Free over $35 &bull; Returns", "Free over $35, Returns."),  # a bullet's entity too
        ("Run `ls | wc` or a|b.", "Run ls | wc or a|b."),  # code and an unspaced bar stay
        # and so does an escaped bar in a table's cell, in code or not
        ("| Op | Means |\n|---|---|\n| `a \\| b` | a or b \\| c |",
         "Op, Means.\n\na | b, a or b | c."),
    ],
)  # fmt: skip
def test_a_spaced_bar_between_words_is_a_pause(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_an_en_dash_at_a_line_start_inside_prose_is_a_pause() -> None:
    assert clean("He paused\n– then went on.") == "He paused, then went on."
    assert clean("– Hello, he said.") == "Hello, he said."


def test_unclosed_fence_is_code_to_the_end_of_the_text() -> None:
    """As in CommonMark, and as a reply cut off inside its code block needs."""
    mark = MarkTable().add(Mark(MarkKind.BREAK, 500))
    text = f"Three ticks ```\nthen prose\n\n```python\nprint('hi') {mark}\n\nx = 1"
    assert clean(text) == f"Three ticks then prose.\n\nCode omitted.{mark}"
    assert clean(text, CleanupOptions(code_blocks="drop")) == f"Three ticks then prose.{mark}"


def test_a_bare_tilde_line_never_closed_is_a_section_break() -> None:
    assert clean("One.\n~~~\nTwo.\n\nThree.") == "One.\n\nTwo.\n\nThree."


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # a bare "~~~" pair around prose: two section breaks, the text is kept
        ("One ends.\n\n~~~\n\nA dark night. She waited.\n\nHe came.\n\n~~~\n\nMorning.",
         "One ends.\n\nA dark night. She waited.\n\nHe came.\n\nMorning."),
        ('A.\n~~~\nHe said, "Go."\n~~~\n~~~\nMore text here!\n~~~\nEnd.',
         'A.\n\nHe said, "Go."\n\nMore text here!\n\nEnd.'),
        ("A.\n~~~\n~~~\nB.", "A.\n\nB."),
        # code: an info string, no sentence end, or a line that looks like code
        ("Intro.\n\n~~~python\nThis is text.\n~~~\n\nAfter.",
         "Intro.\n\nCode omitted.\n\nAfter."),
        ("Intro.\n\n~~~\nls -la\n~~~\n\nAfter.", "Intro.\n\nCode omitted.\n\nAfter."),
        ("Intro.\n\n~~~\nprint('hi.')\nx = 1.\n~~~\n\nAfter.",
         "Intro.\n\nCode omitted.\n\nAfter."),
        ("Intro.\n\n~~~\nif (x) {\n  go();\n}\n~~~\n\nAfter.",
         "Intro.\n\nCode omitted.\n\nAfter."),
        ("Intro.\n\n~~~\ndef f():\n    return 1.\n~~~\n\nAfter.",
         "Intro.\n\nCode omitted.\n\nAfter."),
        ("Intro.\n\n```\nIt is text.\n```\n\nAfter.", "Intro.\n\nCode omitted.\n\nAfter."),
    ],
)  # fmt: skip
def test_a_bare_tilde_pair_fences_code_only_around_code(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_markdown_off_keeps_markup_characters() -> None:
    text = "# Title\n\nSome *stars* and `code` [a](b)\n\n```\ncode\n```"
    options = CleanupOptions(markdown=False)
    assert clean(text, options) == "# Title.\n\nSome *stars* and `code` [a](b).\n\n``` code ```."


# -- emoji -----------------------------------------------------------------------------------

CHAT = (DATA / "chat.txt").read_text(encoding="utf-8")


CHAT_ADDRESSES = (
    "youtu dot be slash dQw4w9WgXcQ",
    "reddit dot com slash r slash Python",
    "bob underscore smith plus tts at mail dot example dot co dot uk",
    "github dot com slash bobsmith",
)


@pytest.mark.parametrize(
    ("mode", "template"),
    [
        (
            "remove",
            "omg you HAVE to see this {}. Also {} is great! 1 ping me: {} or on {}!!",
        ),
        (
            "describe",
            "omg face with tears of joy you HAVE to see this {} fire. Also {} is great ok hand "
            "sign! 1 ping me: {} person with folded hands or on {}!! flag, heavy black heart "
            "fire, man woman girl.",
        ),
    ],
)
def test_chat_message_with_emoji_and_links(mode: str, template: str) -> None:
    assert clean(CHAT, CleanupOptions(emoji=mode)) == template.format(*CHAT_ADDRESSES)


def test_emoji_kept() -> None:
    text = "Ship it 🚀👍🏽 ❤️"
    assert clean(text, CleanupOptions(emoji="keep")) == "Ship it 🚀👍🏽 ❤️."
    assert clean(text) == "Ship it."
    assert clean(text, CleanupOptions(emoji="describe")) == (
        "Ship it rocket, thumbs up sign, heavy black heart."
    )


@pytest.mark.parametrize(
    ("raw", "removed", "described"),
    [
        ("best. day. ever. :) :D <3", "best. day. ever.",
         "best. day. ever. smiley grinning face heart."),
        ("be there at 7 ;-) ok", "be there at 7 ok.", "be there at 7 winking face ok."),
        ("nooo :'( why :/", "nooo why.", "nooo crying face why unsure face."),
        ("meh ¯\\_(ツ)_/¯", "meh.", "meh shrug."),
        ("I <3 NY", "I love NY.", "I love NY."),
        ("values <3 are dropped; see (a:) at 10:30, 3:1", "values <3 are dropped; see (a:) at "
         "10:30, 3:1.", "values <3 are dropped; see (a:) at 10:30, 3:1."),
    ],
)  # fmt: skip
def test_text_emoticons_go_like_emoji(raw: str, removed: str, described: str) -> None:
    assert clean(raw) == removed
    assert clean(raw, CleanupOptions(emoji="describe")) == described


def test_text_emoticons_kept() -> None:
    assert clean("ever :) <3", CleanupOptions(emoji="keep")) == "ever :) <3."


@pytest.mark.parametrize(
    ("mode", "cleaned"),
    [
        ("remove", "Sure! Shipped, thanks."),
        ("describe", "Sure! thumbs up Shipped tada, thanks white check mark."),
        ("keep", "Sure! :+1: Shipped :tada::tada:, thanks :white_check_mark:"),
    ],
)
def test_emoji_short_codes_go_like_emoji(mode: str, cleaned: str) -> None:
    """Slack's and GitHub's ":thumbsup:" were read as words with their colons."""
    raw = "Sure! :+1: Shipped :tada::tada:, thanks :white_check_mark:"
    assert clean(raw, CleanupOptions(emoji=mode)) == cleaned


def test_colons_that_are_no_short_code_stay() -> None:
    raw = "At 10:30:00, ratio :1: and a:b:c, see `:tada:`."
    assert clean(raw) == "At 10:30:00, ratio :1: and a:b:c, see :tada:."


def test_symbols_that_are_not_emoji_stay() -> None:
    assert clean("© 2026 Acme™, 3 → 4, ½ cup") == "© 2026 Acme™, 3 → 4, ½ cup."


# -- addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("https://www.example.com/docs/intro", "example dot com slash docs slash intro."),
        ("See http://example.com/.", "See example dot com."),
        (
            "Go to example.com, then docs.python.org/3/library.",
            "Go to example dot com, then docs dot python dot org slash 3 slash library.",
        ),
        ("jane.doe@example.org wrote.", "jane dot doe at example dot org wrote."),
        (
            "https://shop.example.co.uk/search?q=tts#top",
            "shop dot example dot co dot uk slash search question mark q equals tts.",
        ),
        (
            "https://example.com/a?utm_source=newsletter&utm_medium=email",
            "example dot com slash a.",
        ),
        ("(see https://example.com/my%20file)", "(see example dot com slash my file)."),
        ("ftp://files.example.net:2121/pub", "files dot example dot net colon 2121 slash pub."),
        (
            "Put it in /usr/local/bin or ~/.config/app, run ./configure, then ../x.sh.",
            "Put it in slash usr slash local slash bin or tilde slash dot config slash app, run "
            "dot slash configure, then dot dot slash x dot sh.",
        ),
        (
            "POST to `/v1/chat` (see /etc/hosts).",
            "POST to slash v1 slash chat (see slash etc slash hosts).",
        ),
        (
            "Not paths: and/or, 1/2, 24/7, /help, w/o, a / b, /users/{id}.",
            "Not paths: and/or, 1/2, 24/7, /help, w/o, a / b, /users/{id}.",
        ),
        (
            "Not domains: e.g. 3.14, setup.py, README.md, Node.js, U.S.A., end.Then",
            "Not domains: e.g. 3.14, setup.py, README.md, Node.js, U.S.A., end.Then.",
        ),
    ],
)
def test_addresses_are_spoken(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize("markdown", [True, False])
def test_an_address_in_angle_brackets_is_read_without_them(markdown: bool) -> None:
    raw = "Mail <jane@example.org> or see <https://example.com/docs>."
    cleaned = "Mail jane at example dot org or see example dot com slash docs."
    assert clean(raw, CleanupOptions(markdown=markdown)) == cleaned


@pytest.mark.parametrize("markdown", [True, False])
def test_words_in_angle_brackets_are_read_without_them(markdown: bool) -> None:
    """A placeholder, a chat's nick or a name was a MarkupError: no tag of any language."""
    raw = "[10:42] <jane> hi, use <filename> or <your-api-key>.\n\nAsk <Jane Doe>."
    assert clean(raw, CleanupOptions(markdown=markdown)) == (
        "jane: hi, use filename or your-api-key.\n\nAsk Jane Doe."
    )


@pytest.mark.parametrize(
    "raw",
    ["Hi <name>there</name>.", '<voice name="x">', "<prosody>", "Some <br> text", "<x/>"],
)
def test_a_tag_that_looks_like_markup_is_still_an_error(raw: str) -> None:
    with pytest.raises(markup.MarkupError, match="is not supported markup"):
        clean(raw, CleanupOptions(markdown=False))


def test_sonic_tags_are_left_to_markup() -> None:
    """Without the markup plugin they stay as written: not an error saying they are supported."""
    assert clean('Wait <break time="1s"/> <spell>AB</spell>.') == (
        'Wait <break time="1s"/> <spell>AB</spell>.'
    )


def test_books_contain_no_false_addresses() -> None:
    for book in ("alice-in-wonderland.txt", "dracula.txt"):
        raw = (CORPUS / book).read_text(encoding="utf-8")
        assert clean(raw).count(" dot ") == raw.count(" dot ")


# -- marks -----------------------------------------------------------------------------------


def test_marks_survive_in_order() -> None:
    table = MarkTable()
    m = [table.add(Mark(MarkKind.BREAK, 100 * i)) for i in range(12)]
    text = (
        f"{m[0]}# Title {m[1]}\n\n"
        f"Some *bold{m[2]}* text with a [link{m[3]}](https://x.org/{m[4]}) and an "
        f"![image{m[5]}](pic{m[6]}.png) here.{m[7]}\n\n"
        f"<!-- a comment {m[8]} -->\n\n"
        f"```\ncode {m[9]}\n```\n\n"
        f"{m[10]}\n\n"
        f"Last words 👍{m[11]}"
    )
    doc = Document(text, marks=table)
    cleanup.sonicpipe_clean_text(doc=doc, settings=Settings())
    assert MARK_RE.findall(doc.text) == m
    assert doc.text == (
        f"{m[0]}Title. {m[1]}\n\n"
        f"Some bold{m[2]} text with a link{m[3]}{m[4]} and an {m[5]}{m[6]} here.{m[7]}\n\n"
        f"{m[8]}Code omitted.{m[9]}\n\n"
        f"{m[10]}Last words. {m[11]}"
    )


def test_marks_before_block_markers_and_marks_alone() -> None:
    table = MarkTable()
    m = [table.add(Mark(MarkKind.EMOTION, "calm")) for _ in range(4)]
    text = f"Intro\n{m[0]}- an item\n{m[1]}> a quote\n\n{m[2]}"
    assert clean(text) == f"Intro.\n\n{m[0]}an item.\n\n{m[1]}a quote.{m[2]}"
    assert clean(f" {m[3]} \n\n") == m[3]
    assert clean("") == clean(" \n\n ") == ""


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        ("My name is <<h|ɚ|ˈ|m|aɪ|ə|n|i>>", "My name is <<h|ɚ|ˈ|m|aɪ|ə|n|i>>."),
        ("The code is <spell>AB12</spell>", "The code is <spell>AB12</spell>."),
        ("Wait for it [break 1s]", 'Wait for it. <break time="1000ms"/>'),
        ("Say <spell>AB</spell> [excited]", 'Say <spell>AB</spell>. <emotion value="excited"/>'),
    ],
)
def test_a_paragraph_ends_after_its_last_words_and_before_its_last_controls(
    raw: str, sent: str
) -> None:
    """A pronunciation or a spelling is words; a pause or an emotion is none."""
    host = PluginHost(Settings(), [markup, cleanup], entry_points=False)
    chain = TextChain(Settings(), host)
    assert [chain.render(s).transcript for s in chain.prepare(raw)] == [sent]


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        ("1. <spell>AB12</spell> is the code", ["1. <spell>AB12</spell> is the code."]),
        ("- <<k|ɑ|ɹ>> is fine", ["<<k|ɑ|ɹ>> is fine."]),
        ("• <spell>AB</spell> item", ["<spell>AB</spell> item."]),
        (
            "1. [excited] <spell>AB</spell> wow",
            ['<emotion value="excited"/>1. <spell>AB</spell> wow.'],
        ),
    ],
)
def test_a_list_item_that_starts_with_a_spoken_mark_keeps_it_as_its_first_word(
    raw: str, sent: list[str]
) -> None:
    """A control at the item's start goes before its number; a spelling stays after it."""
    chain = TextChain(Settings(), PluginHost(Settings(), [markup, cleanup], entry_points=False))
    assert [chain.render(s).transcript for s in chain.prepare(raw)] == sent


def test_full_text_chain_with_markup_and_cleanup() -> None:
    settings = Settings(options={"cleanup": {"emoji": "describe"}})
    host = PluginHost(settings, [markup, cleanup], entry_points=False)
    assert host.hook_order()["sonicpipe_clean_text"] == [markup.__name__, cleanup.__name__]
    chain = TextChain(settings, host)
    text = (
        '# Chapter One\n\nShe said “wait”<break time="500ms"/> — and then\n'
        "[excited] laughed 😂.\n\n- visit https://example.com/a\n- <spell>ABC</spell> done"
    )
    segments = chain.prepare(text)
    kinds = [mark.kind for mark in segments[0].marks.marks]
    assert kinds == [MarkKind.BREAK, MarkKind.EMOTION, MarkKind.SPELL]
    assert [" ".join(s.plain_text.split()) for s in segments] == [
        "Chapter One.",
        'She said "wait", and then laughed face with tears of joy.',
        "visit example dot com slash a.",
        "done.",
    ]
    assert [s.paragraph for s in segments] == [0, 1, 2, 3]
    assert MARK_RE.findall(segments[3].text) == [chr(0xF0002)]
    assert chain.render(segments[3]).transcript == "<spell>ABC</spell> done."
    assert chain.render(segments[1]).transcript == (
        'She said "wait"<break time="500ms"/>, and then <emotion value="excited"/> laughed face '
        "with tears of joy."
    )


def test_code_regions_are_where_cleanup_reads_code() -> None:
    # a bare "~~~" pair around prose is no code, nor a span over a blank line
    text = "Use `a`\r\n```\r\n[sad]\r\n```\r\nthen ``b` c``\u2028~~~\u2028It is.\u2028~~~\n`x\n\ny`"
    assert [text[start:end] for start, end in code_regions(text)] == [
        "`a`",
        "```\r\n[sad]\r\n```\r\n",
        "``b` c``",
    ]


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Use `[laughter]` there.", "Use laughter there."),
        # a tag's words, with no quote or equals sign (it read 'break time equals "one
        # second"'), and no closing tag
        ('Add `<break time="1s"/>` now.', "Add break time 1s now."),
        ("Wrap it: `<spell>AB</spell>`.", "Wrap it: spell AB."),
        ("`<Speed ratio='1.2'>fast</speed>`", "Speed ratio 1.2 fast."),
        (
            'Use `<emotion value="excited" />` or `<volume ratio=0.8/>`.',
            "Use emotion value excited or volume ratio 0.8.",
        ),
        # other tags and brackets in code are no Sonic markup: kept as written
        ("The `<dependency>` tag and `[sic]`.", "The <dependency> tag and [sic]."),
    ],
)
def test_sonic_markup_shown_in_a_code_span_loses_its_brackets(text: str, cleaned: str) -> None:
    """Sonic would act on its tags and [laughter] in the transcript; code is only read."""
    assert clean(text) == cleaned


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        # a line that runs its sentence on gets a comma; a line's own punctuation stays
        ("Twinkle, twinkle, little star,\u2028How I wonder what you are!\u2028"
         "Up above the world so high\u2028Like a diamond in the sky.",
         "Twinkle, twinkle, little star, How I wonder what you are! "
         "Up above the world so high, Like a diamond in the sky."),
        ('"Stop it"\u2028He said', '"Stop it", He said.'),
        # a line that goes on with a small letter is wrapped
        ("Up to 40% off\u2028everything", "Up to 40% off everything."),
        ("Because I could not stop for Death \u2013\u2028He kindly stopped for me",
         "Because I could not stop for Death, He kindly stopped for me."),
        # a heading's lines in capitals end as sentences
        ("CHAPTER II\u2028THE POOL", "CHAPTER II. THE POOL."),
        # an empty line ends the stanza
        ("He will not see me stopping here\u2028To watch\u2028\u2028Whose woods",
         "He will not see me stopping here, To watch.\n\nWhose woods."),
        # a line sent as a paragraph of its own still runs on
        ("How doth the little crocodile\u2028\n\nImprove his shining tail",
         "How doth the little crocodile,\n\nImprove his shining tail."),
    ],
)  # fmt: skip
def test_a_line_break_ends_a_verse_line_with_a_light_pause(text: str, cleaned: str) -> None:
    assert clean(text) == cleaned


def test_a_line_break_puts_its_comma_after_a_spoken_mark_and_before_controls() -> None:
    table = MarkTable()
    spell = table.add(Mark(MarkKind.SPELL, "AB"))
    pause = table.add(Mark(MarkKind.BREAK, 300))
    text = f"Call {spell}\u2028Then wait {pause}\u2028And go"
    assert clean(text, spoken={spell}) == f"Call {spell}, Then wait, {pause} And go."


def test_a_web_page_is_read_from_its_body() -> None:
    """Its doctype and head (the title, which the page's heading says again) are not read."""
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html><head>'
        '<meta charset="utf-8"><title>Weekly Digest</title><style>p { color: red }</style>'
        "</head>\n<body><header><h1>Weekly Digest</h1></header><p>Hi there</p></body></html>"
    )
    assert clean(page) == "Weekly Digest. Hi there."


def test_an_html_element_that_is_not_shown_is_not_read() -> None:
    """An e-mail's hidden preheader ('display:none') was read before its text."""
    raw = (
        '<div style="display: none; max-height:0"><div>Your digest</div> &zwnj;</div>'
        '<div style="overflow:hidden">Shown <b hidden>not this</b> here</div>'
        '<span style="mso-hide:all">x</span><input type="hidden" value="y"> End'
    )
    assert clean(raw) == "Shown here. End."


def test_an_empty_html_paragraph_adds_no_period() -> None:
    """An e-mail's spacer, '<p>&nbsp;</p>', ended its blank as a sentence: "Second line.."."""
    assert clean("<div>Hello there</div><div>Second line</div>\n<p>&nbsp;</p><p>Bye</p>") == (
        "Hello there. Second line. Bye."
    )


@pytest.mark.parametrize(
    ("emoji", "cleaned"),
    [("remove", "Grab a coffee and go."), ("describe", "Grab a coffee hot beverage and go."),
     ("keep", "Grab a coffee ☕ and go.")],
)  # fmt: skip
def test_an_emoji_written_as_an_html_entity_is_an_emoji(emoji: str, cleaned: str) -> None:
    """A newsletter's '&#9749;' is read as the emoji option says, as a typed '☕' is."""
    assert clean("Grab a coffee &#9749; and go.", CleanupOptions(emoji=emoji)) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("SARAH\n(to John)\nIs anyone here?", "SARAH. (to John) Is anyone here?"),
        ("JOHN\n[laughs] You scared me!", "JOHN. [laughs] You scared me!"),
        ("CHAPTER II\nDown the Hole", "CHAPTER II. Down the Hole."),
        ("SARAH:\nHello.", "SARAH: Hello."),  # its own punctuation
        # a screenplay's extension to the name says how the line is heard: not read
        ("JOHN (O.S.)\nOver here.", "JOHN. Over here."),
        ("SARAH (CONT\u2019D)\nJohn? You scared me.", "SARAH. John? You scared me."),
        ("ACT ONE (1999)\nThe start.", "ACT ONE (1999). The start."),
        # wrapped capitals (a stage direction in Moby-Dick) and a long line are prose
        ("THE COFFIN LAID UPON TWO LINE-TUBS, BETWEEN THE\nVICE-BENCH AND THE HATCHWAY",
         "THE COFFIN LAID UPON TWO LINE-TUBS, BETWEEN THE VICE-BENCH AND THE HATCHWAY."),
        ("I SAW THE SIGN THAT SAID\nslow down", "I SAW THE SIGN THAT SAID slow down."),
        ("Then I\nwent home", "Then I went home."),
        # a line that goes on the sentence in capitals with a small letter
        ("I LOVE YOU\nshe wrote on the mirror.", "I LOVE YOU she wrote on the mirror."),
        ("NASA\nannounced a new mission today.", "NASA announced a new mission today."),
    ],
)  # fmt: skip
def test_a_name_in_capitals_over_its_words_ends_a_sentence(raw: str, cleaned: str) -> None:
    """A script's speaker, on a line of their own, ran into their first words."""
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("INT. SARAH'S APARTMENT - LIVING ROOM - NIGHT\nSarah enters, holding a candle.",
         "INT. SARAH'S APARTMENT - LIVING ROOM - NIGHT. Sarah enters, holding a candle."),
        ("She stops.\nEXT./INT. MOVING CAR - CONTINUOUS - RAIN\nJohn drives.",
         "She stops. EXT./INT. MOVING CAR - CONTINUOUS - RAIN. John drives."),
        ("I/E. TRAIN STATION - MORNING (1985)\ncrowds everywhere",
         "I/E. TRAIN STATION - MORNING (1985). crowds everywhere."),
        # not one: in small letters, or not at a sentence's start
        ("Int. kitchen, night\nSarah enters.", "Int. kitchen, night Sarah enters."),
        ("He saw the sign EXT. 4 AND THE\nDOOR.", "He saw the sign EXT. 4 AND THE DOOR."),
    ],
)  # fmt: skip
def test_a_screenplays_scene_heading_ends_its_own_sentence(raw: str, cleaned: str) -> None:
    """A slugline of more words than a speaker's name ran into the action under it."""
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Use **`--force`** with care.", "Use --force with care."),
        ("The ~~`old_api()`~~ call and _`x`_.", "The old_api() call and x."),
        ("**`a`** and *`b`*", "a and b."),
        ("5 * `a` * 3", "5 * a * 3."),  # no emphasis
    ],
)
def test_emphasis_around_a_code_span_goes(raw: str, cleaned: str) -> None:
    """Its markers were left in the text, for the voice to read."""
    assert clean(raw) == cleaned


def test_html_code_is_read_as_markdown_code_is() -> None:
    """A <pre> block was read aloud, run into the paragraph before it, and a <code>'s
    entities and Sonic markup were read as prose's."""
    html_text = (
        '<p>Install it:</p>\n<pre><code class="bash">pip install foo\n'
        "foo --run</code></pre>\n<p>Use <code>a &lt; b</code>, <CODE>x`y</CODE>, "
        "<code><span>[laughter]</span></code> and <code></code>.</p>"
    )
    assert clean(html_text) == "Install it:\n\nCode omitted.\n\nUse a < b, x`y, laughter and."
    assert clean(html_text, CleanupOptions(code_blocks="drop")).startswith("Install it:\n\nUse")
    shown = "Its HTML:\n\n```html\n<pre>x</pre>\n```\n\nAnd `<code>y</code>` here."
    assert clean(shown) == "Its HTML:\n\nCode omitted.\n\nAnd <code>y</code> here."


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ('<td><a href="x">Try Acme&trade;</a></td></tr><tr><td>Questions?</td>',
         "Try Acme™. Questions?"),
        ("<li>Price: 5 &euro;</li><li>Next</li>", "Price: 5 €. Next."),
        ("<p>Wait&hellip;</p><p>Go</p>", "Wait... Go."),  # its own punctuation
    ],
)  # fmt: skip
def test_a_block_that_ends_in_a_symbol_or_an_entity_ends_its_sentence(
    raw: str, cleaned: str
) -> None:
    """Words after a symbol ran on into the next block's."""
    assert clean(raw) == cleaned


def test_a_block_that_ends_in_a_control_ends_its_sentence() -> None:
    mark = MarkTable().add(Mark(MarkKind.EMOTION, "calm"))
    assert clean(f"<p>Hello {mark}</p><p>{mark}</p><p>again</p>") == (
        f"Hello {mark}. {mark} again."
    )


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Shop now →", "Shop now."),
        ("→ Next step", "Next step."),
        ("Read more -->\n\n← Back to blog", "Read more.\n\nBack to blog."),
        ("<td><a href=x>Shop now &rarr;</a></td></tr><tr><td>Questions?</td>",
         "Shop now. Questions?"),
        # an arrow between words, or in code, is read
        ("Paris → London, x => y.", "Paris → London, x => y."),
        # a long one too ('File, > Save'), also at a time stamp (no subtitles' timing line)
        ("Click File --> Save, at 00:01,000 ---> there.",
         "Click File -> Save, at 00:01,000 -> there."),
        ("Use `->`", "Use ->."),
        ("Type -> `cmd`", "Type -> cmd."),
    ],
)  # fmt: skip
def test_an_arrow_that_points_at_a_link_goes(raw: str, cleaned: str) -> None:
    """A newsletter's "Shop now →" was read "Shop now to"."""
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # a markdown hard break: its backslash was read, its spaces ran the lines together
        ("Roses are red\\\nViolets are blue\\\nSugar is sweet",
         "Roses are red, Violets are blue, Sugar is sweet."),
        ("Roses are red  \nViolets are blue  \nSugar is sweet",
         "Roses are red, Violets are blue, Sugar is sweet."),
        ("Jane Doe<br>12 Main St<br/>SPRINGFIELD<br>USA",
         "Jane Doe, 12 Main St, SPRINGFIELD. USA."),
        # a wrapped line, its own punctuation, a block's end, a table's cell, code: as they were
        ("Up to 40% off<br>everything", "Up to 40% off everything."),
        ("Hi there,<br>Here it is", "Hi there, Here it is."),
        ("<p>Hello world<br></p><li>One<br> </li>Two<br>", "Hello world. One. Two."),
        ("- item one  \n- item two\n# Title  \nText", "item one.\n\nitem two.\n\nTitle.\n\nText."),
        ("| a<br>B | c |\n|---|---|", "a B, c."),
        ("Use `a<br>B` and\n\n```\nx  \ny\\\nz\n```", "Use a<br>B and.\n\nCode omitted."),
    ],
)  # fmt: skip
def test_a_hard_break_or_br_ends_its_line_as_a_line_break_does(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # in markdown: a heading, a link or a code span says so
        ("# Note\n\nI wanted to see  \nJohn and Mary", "Note.\n\nI wanted to see, John and Mary."),
        ("See [the docs](d.md).\n\nI wanted to see  \nJohn",
         "See the docs.\n\nI wanted to see, John."),
        ("Run `x` to see  \nJohn", "Run x to see, John."),
        # in verse: three short lines or more, each ended by a break
        ("Roses are red  \nViolets are blue  \nSugar is sweet  \nAnd so are you.",
         "Roses are red, Violets are blue, Sugar is sweet, And so are you."),
    ],
)  # fmt: skip
def test_two_trailing_spaces_break_a_line_in_markdown_or_verse(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    "raw",
    [
        # pasted prose: trailing spaces by chance, an e-mail's wrapped lines
        "Hi Bob, I was hoping we could meet on Friday, but I wanted to see  \nJohn and Mary today.",
        "I wanted to see  \nJohn and Mary today.",
        "Roses are red  \nViolets are blue.",  # two lines are no verse
        "It was a long day at the office, and in the end I finally managed to  \n"
        "Finish the report  \nBefore the deadline.",  # a long line: no verse
        # a narrow column's lines, padded with spaces: prose, its lines go on with small letters
        "I had hoped that we  \ncould meet, but I wanted to see  \nJohn and Mary first.",
    ],
)
def test_two_trailing_spaces_in_pasted_prose_wrap_the_line(raw: str) -> None:
    assert clean(raw) == " ".join(raw.split())


# -- a transcript's cues -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        # a cue in parentheses, as TED and others write it, or spaced in brackets: a break
        ("Thank you. (Applause) So (laughs) here we are. (laughter)",
         'Thank you. <break time="500ms"/> So <break time="300ms"/> here we are. '
         '<break time="500ms"/>'),
        ("(applause)\nThank you all.", '<break time="500ms"/> Thank you all.'),
        ("That was it.\n(music)\nnow where was I", 'That was it. <break time="500ms"/> now where '
         "was I."),
        ("[ Music ] Welcome back. [ laughs ] Really.",
         '<break time="500ms"/> Welcome back. [laughter] Really.'),
        ("He said (inaudible 00:12:34) and left.", 'He said <break time="500ms"/> and left.'),
        # a reference link whose text is a cue word is read as its text, as any link's is
        ("Play [Music][1] or [Applause][] now.\n\n[1]: https://x.org\n[applause]: https://y.org",
         "Play Music or Applause now."),
        # no cue: a gloss in a sentence, other words, a script's direction, code
        ("His first love (music) took over. The crowd (mostly fans) cheered.",
         "His first love (music) took over. The crowd (mostly fans) cheered."),
        ("SARAH\n(to John)\nIs anyone here?", "SARAH. (to John) Is anyone here?"),
        # a script's or subtitles' sound of a few words, standing as a cue; a pause
        ("(door creaks)\nWho is there? (Phone rings) [ upbeat music ] Hello?",
         '<break time="500ms"/> Who is there? <break time="500ms"/> <break time="500ms"/> '
         "Hello?"),
        ("He waited. (beat) I (long pause) think. The door (creaks) and (wind howling) now.",
         'He waited. <break time="500ms"/> I <break time="2000ms"/> think. The door (creaks) '
         "and (wind howling) now."),
        ("Noon. Lunch (break)\n[ break ] Go.", 'Noon. Lunch (break) <break time="1000ms"/> Go.'),
        # a cue that says how, joins another, or stands between captions' music notes; a
        # song's words there stay
        ("JOHN: (Laughs nervously) Sure. (cheering and applause)\n♪ upbeat music ♪\n"
         "♪ Never gonna give you up ♪",
         'JOHN: <break time="300ms"/> Sure. <break time="500ms"/> <break time="500ms"/> Never '
         "gonna give you up."),
        ("Call f(applause) or `(applause)` and [Music][Applause].",
         'Call f(applause) or (applause) and <break time="500ms"/><break time="500ms"/>.'),
    ],
)  # fmt: skip
def test_a_transcripts_cue_in_parentheses_or_spaced_brackets_is_a_break(
    raw: str, sent: str
) -> None:
    chain = TextChain(Settings(), PluginHost(Settings(), [markup, cleanup], entry_points=False))
    assert " ".join(chain.render(s).transcript for s in chain.prepare(raw)) == sent


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        # a script's direction: said at its volume, to the end of its speech
        ("SARAH\n(whispering)\nIs anyone here?\nHello?\n\nJOHN\nRight here.",
         'SARAH. <volume ratio="0.5"/> Is anyone here? Hello?<volume ratio="1"/> JOHN. Right '
         "here."),
        # in a transcript, to the end of the turn; an author's volume comes back after it
        ('<volume ratio="1.2"/>[00:01] Ann: (shouting) Run!\n[00:03] Bob: (softly) Why?',
         '<volume ratio="1.2"/>Ann: <volume ratio="1.6"/> Run!<volume ratio="1.2"/> Bob: '
         '<volume ratio="0.7"/> Why?'),
        # in subtitles, to the next speaker's dash
        ("1\n00:00:01,000 --> 00:00:03,000\n(whispering) Is anyone\nthere?\n\n"
         "2\n00:00:03,500 --> 00:00:05,000\n- It's me.\n- Oh, thank God.",
         '<volume ratio="0.5"/> Is anyone there?<volume ratio="1"/> It\'s me. Oh, thank God.'),
        # in brackets too; an author's volume control in its paragraph holds after it
        ("[whispers] Come here. [volume 0.8] Now.\n\nGo. [woman softly whispers] Quiet.\n\n"
         "<volume ratio='1.5'>Loud</volume> then.",
         '<volume ratio="0.5"/> Come here. <volume ratio="0.8"/> Now. Go. '
         '<volume ratio="0.5"/> Quiet.<volume ratio="0.8"/> <volume ratio="1.5"/>Loud'
         '<volume ratio="0.8"/> then.'),
    ],
)  # fmt: skip
def test_a_way_of_speaking_is_its_volume_to_the_end_of_the_speech(raw: str, sent: str) -> None:
    """'(whispering)' was read aloud as a word of the line, '[whispers]' dropped."""
    chain = TextChain(Settings(), PluginHost(Settings(), [markup, cleanup], entry_points=False))
    assert " ".join(chain.render(s).transcript for s in chain.prepare(raw)) == sent


@pytest.mark.parametrize("markdown", [True, False])
def test_a_transcripts_time_stamps_go_and_start_its_turns(markdown: bool) -> None:
    """They were read ("[Five seconds] John"), and turns ran together."""
    options = CleanupOptions(markdown=markdown)
    raw = "[00:00:05] John: so anyway\n[00:01:10.5] Mary: right\n(1:10) Bob: ok"
    assert clean(raw, options) == "John: so anyway.\n\nMary: right.\n\nBob: ok."
    raw = "Speaker 1 (00:00:05):\nHello everyone\n\nSpeaker 2 [01:10]\nHi."
    assert clean(raw, options) == "Speaker 1: Hello everyone.\n\nSpeaker 2: Hi."
    # a time inside a sentence is said, and a clock's time at a line's end
    raw = "We met at (10:30) and [1:05] was the mark (at 5:00)."
    assert clean(raw, options) == raw
    assert clean("Keynote (9:00)\nLunch [12:30]", options) == "Keynote (9:00) Lunch [12:30]."


@pytest.mark.parametrize("markdown", [True, False])
def test_a_copied_youtube_transcripts_time_lines_go(markdown: bool) -> None:
    """They were read ("zero hundred hello everyone ... zero oh three to the channel")."""
    options = CleanupOptions(markdown=markdown)
    raw = "0:00\nhello everyone and\n0:03\nwelcome back\n1:02:10\nto the end"
    assert clean(raw, options) == "hello everyone and welcome back to the end."
    # an agenda's times, and two stamps, stay
    for raw in ("9:00\nWelcome\n10:30\nBreak\n12:00\nLunch", "0:00\nhi\n0:05\nbye"):
        assert clean(raw, options) == " ".join(raw.split()) + "."


@pytest.mark.parametrize(
    ("emoji", "cleaned"),
    [
        ("remove", "Hey jane, check the report. general: @here deploy is done, Feb 18, 2014. "
                   "Thanks @design nice."),
        ("describe", "Hey jane, check the report. general: @here deploy is done, Feb 18, "
                     "2014. Thanks @design pepe nice dance."),
    ],
)  # fmt: skip
def test_a_chats_markup_is_read_as_its_reader_sees_it(emoji: str, cleaned: str) -> None:
    """Slack's and Discord's markup, as their APIs and exports hold it, was read as written:
    '<@U123|jane>' as "at U123 jane", '<https://x|the report>' as the address and its
    label, '<:pepe:123>' as a number."""
    raw = (
        "Hey <@U024BE7LH|jane>, check <https://example.com/r?id=1|the report>. <@U024BE7LH>\n"
        "<#C024BE7LR|general>: <!here> deploy is done, <!date^1392734382^{date}|Feb 18, 2014>."
        "\nThanks <!subteam^S0123|@design> <:pepe:123456789> nice <a:dance:987654321> <@!42>"
        "\n\n`<@U024BE7LH>`"
    )
    assert clean(raw, CleanupOptions(emoji=emoji)) == cleaned + "\n\n<@U024BE7LH>."


@pytest.mark.parametrize(
    ("emoji", "cleaned"),
    [
        ("remove", "Done.\n\nFailed.\n\n1. Open the app.\n\n2. Tap login.\n\n"
                   "Launch day! We shipped it."),
        ("describe", "white heavy check mark Done.\n\ncross mark Failed.\n\n1. Open the "
                     "app.\n\n2. Tap login.\n\nrocket Launch day! We shipped it."),
    ],
)  # fmt: skip
def test_lines_that_start_with_an_emoji_are_a_lists_items(emoji: str, cleaned: str) -> None:
    """A checklist's "✅ Done" / "❌ Failed" ran together ("Done Failed"); a single line
    that starts with one is no list."""
    raw = (
        "✅ Done\n❌ Failed\n1\ufe0f\u20e3 Open the app\n2\ufe0f\u20e3 Tap login\n\n"
        "🚀 Launch day!\nWe shipped it."
    )
    assert clean(raw, CleanupOptions(emoji=emoji)) == cleaned


@pytest.mark.parametrize("emoji", ["remove", "describe"])
def test_a_heart_emoji_as_a_verb_is_love(emoji: str) -> None:
    """'I ❤️ NY' read "I NY" (or "I heavy black heart NY"), as "I <3 NY" reads "I love NY"."""
    raw = "I ❤️ NY. Made with 💙 by Jane. Hearts ❤️ everywhere."
    assert clean(raw, CleanupOptions(emoji=emoji)).startswith("I love NY. Made with love by")


@pytest.mark.parametrize("markdown", [True, False])
def test_a_line_that_only_looks_like_a_links_definition_is_read(markdown: bool) -> None:
    """A script's '[Narrator]: Welcome to the show.' was dropped as a link's definition: a
    definition's target is one word that looks like an address or a path."""
    raw = (
        '[Narrator]: Welcome to the show.\n[Host]: Hi.\n\n[1]: https://x.org "X"\n'
        "[a]: <./b c.md>\n[top]: #top (Top)"
    )
    cleaned = "[Narrator]: Welcome to the show. [Host]: Hi."
    assert clean(raw, CleanupOptions(markdown=markdown)).startswith(cleaned)
    assert clean(raw) == cleaned


def test_a_quote_inside_a_quote_is_a_paragraph_of_its_own() -> None:
    """An e-mail's earlier reply (">>") ran into the signature above it: "Bob earlier"."""
    raw = "On Monday Bob wrote:\n> Can we meet?\n>\n> Bob\n>> Earlier text\n>> here\n> Back"
    assert clean(raw) == (
        "On Monday Bob wrote:\n\nCan we meet?\n\nBob.\n\nEarlier text here.\n\nBack."
    )


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("__**Announcement**__. Update ~~**now**~~.", "Announcement. Update now."),
        ("**bold *and* italic** and *__both__*", "bold and italic and both."),
        # Discord's spoiler: its bars went to Sonic with the words
        ("The killer is ||the butler||. Use a || b.", "The killer is the butler. Use a || b."),
    ],
)
def test_emphasis_inside_emphasis_goes_whatever_its_markers(raw: str, cleaned: str) -> None:
    """Discord's underlined bold, '__**Announcement**__.', kept its stars: read aloud."""
    assert clean(raw) == cleaned


def test_a_discord_time_stamp_is_its_date_and_time() -> None:
    """'<t:1618953630:R>' was read as a number ("t: one billion ...: R")."""
    raw = "Due <t:1618953630:R>, at <t:1618953630:t>; starts <t:1618953630>."
    assert clean(raw) == (
        "Due April 20, 2021, at 9:20 PM UTC; starts April 20, 2021 at 9:20 PM UTC."
    )


@pytest.mark.parametrize("markdown", [True, False])
def test_a_chat_logs_nick_after_a_time_stamp_is_its_speaker(markdown: bool) -> None:
    """'[10:42] <jane> hey all' read "jane hey all", the name run into the words."""
    raw = "[10:42] <jane> hey all\n[10:43] <bob> hi jane\n[10:44] * jane waves"
    assert clean(raw, CleanupOptions(markdown=markdown)) == (
        "jane: hey all.\n\nbob: hi jane.\n\n" + ("jane waves." if markdown else "* jane waves.")
    )


def test_a_cue_with_no_marks_to_add_to_goes() -> None:
    assert clean("Thanks. (Applause) Bye [ Music ]") == "Thanks. Bye."


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # an issue template's headings in bold ran into their text
        ("**Describe the bug**\nRunning it crashes.\n\n**Environment:**\nUbuntu",
         "Describe the bug. Running it crashes.\n\nEnvironment: Ubuntu."),
        ("Done.\n__Note__\nText here", "Done. Note. Text here."),
        # bold inside a sentence, or over a line that goes on with a small letter
        ("He said\n**no**\nto me.", "He said no to me."),
        ("He said\n**NO**\nThen left.", "He said NO Then left."),
        ("**Bold** starts\nIt", "Bold starts It."),
        # underlined or in italics too, as Discord writes a heading
        ("__**Announcement**__\nServer update tonight.", "Announcement. Server update tonight."),
        # in a quote too: GitHub's alert as it was written before "> [!WARNING]"
        ("> **Warning**\n> This is alpha software.\n> **Tip:** read it.",
         "Warning. This is alpha software. Tip: read it."),
    ],
)  # fmt: skip
def test_a_line_in_bold_over_its_text_is_a_heading(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize("markdown", [True, False])
def test_rows_pasted_from_a_spreadsheet_read_as_a_tables_rows(markdown: bool) -> None:
    """Cells apart by tabs ran together: "Region Q1 Q2 North 100 South 90 95"."""
    raw = "By region:\nRegion\tQ1\tQ2\nNorth\t100\t\nSouth\t90\t95\n\nThanks."
    assert clean(raw, CleanupOptions(markdown=markdown)) == (
        "By region:\n\nRegion, Q1, Q2.\n\nNorth, 100.\n\nSouth, 90, 95.\n\nThanks."
    )


def test_lines_indented_by_tabs_or_with_one_row_are_no_table() -> None:
    raw = "\tOnce upon a time\n\tthere was a king.\n\nName:\tJane\n\n```\na\tb\nc\td\n```"
    assert clean(raw) == "Once upon a time there was a king.\n\nName: Jane.\n\nCode omitted."


def test_a_table_drawn_in_text_reads_as_a_markdown_tables_rows() -> None:
    """A database shell's table: its rules read "plus, plus, plus"."""
    raw = "Result:\n+------+-----+\n| Name | Age |\n+======+=====+\n| John | 30 |\n+------+-----+\n"
    assert clean(raw + "2 rows in set.") == "Result:\n\nName, Age.\n\nJohn, 30.\n\n2 rows in set."


def test_a_github_alert_says_its_kind() -> None:
    raw = "> [!NOTE]\n> Requires Python 3.11+.\n\n> [!warning]\n> Do not."
    assert clean(raw) == "Note: Requires Python 3.11+.\n\nWarning: Do not."


# -- a web article's notes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # note markers go: they read "[one]", and "[2][3]" was a reference link, "two"
        ("A 40% rise.[1] Others disagree.[2][b] Huge[3] gains,[note 4] it says.[citation needed]",
         "A 40% rise. Others disagree. Huge gains, it says."),
        ("It was huge¹ and fast² too.³\n\n¹ Source: BBC.",
         "It was huge and fast too.\n\nSource: BBC."),
        # and as HTML has them: a note, and a power
        ('<p>Huge.<sup id="r1"><a href="#n1">[1]</a></sup> It grew<sup>2</sup> as x<sup>2</sup>.',
         "Huge. It grew as x^2."),
        # a citation read as a word, a reference link, an index, a power stay
        ("As [1] shows, [Music][1] and arr[1] = 2.\n\n[1]: https://x.org",
         "As 1 shows, Music and arr1 = 2."),
        ("So E = mc², 5 m² and x[2] = 3 for each array[i] in it.",
         "So E = mc², 5 m² and x[2] = 3 for each array[i] in it."),
    ],
)  # fmt: skip
def test_a_web_articles_note_markers_go(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


# -- subtitles pasted as text ---------------------------------------------------------------

SRT = """1
00:00:01,000 --> 00:00:04,000
{\\an8}<i>Hello and welcome</i>
to the show.

2
00:00:04,500 --> 00:00:07,000
<font color="#ffff00">Today</font> we talk about

3
00:00:07,500 --> 00:00:09,000
climate change.
"""

VTT = """WEBVTT
Kind: captions
Language: en

NOTE written by hand
over two lines

intro
00:00:00.000 --> 00:00:02.000 align:start position:0%
<v Roger Bingham>hello<00:00:00.500><c> world</c>

00:00:02.000 --> 00:00:02.010 align:start position:0%
hello world

00:02.010 --> 00:04.000
hello world
<c.yellow>how are you</c>
"""


@pytest.mark.parametrize("markdown", [True, False])
def test_subtitles_read_as_their_words(markdown: bool) -> None:
    """Numbers, timings and tags were read ("one zero zero colon..."), a voice tag was an
    error; a cue's text runs on into the next one's, and a rolling caption's repeated line
    is said once."""
    options = CleanupOptions(markdown=markdown)
    assert clean(SRT, options) == (
        "Hello and welcome to the show. Today we talk about climate change."
    )
    assert clean(VTT, options) == "hello world how are you."
    assert clean(f"Here it is:\n\n{SRT}\nThat was all.", options) == (
        "Here it is:\n\nHello and welcome to the show. Today we talk about climate change."
        "\n\nThat was all."
    )


def test_the_marks_in_a_subtitles_dropped_lines_are_kept() -> None:
    table = MarkTable()
    m = [table.add(Mark(MarkKind.EMOTION, "calm")) for _ in range(2)]
    raw = f"WEBVTT\n\nNOTE by {m[0]}\n\n00:01.000 --> 00:02.000 {m[1]}\nHello."
    cleaned = clean(raw)
    assert MARK_RE.findall(cleaned) == m
    assert MARK_RE.sub("", cleaned).strip() == "Hello."


def test_a_note_outside_a_vtt_and_a_number_before_no_timing_stay() -> None:
    raw = f"NOTE two\n\n1\nThen.\n\n{SRT}"
    assert clean(raw) == (
        "NOTE two.\n\n1 Then.\n\nHello and welcome to the show. Today we talk about climate change."
    )


# -- TeX math in markdown ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # inline math is read out simply: no dollar, brace or backslash is said
        ("Energy is $E = mc^2$ here.", "Energy is E equals mc^2 here."),
        ("So $\\frac{a}{b} \\le 2x$ holds.",
         "So a over b is less than or equal to 2 times x holds."),
        ("Let $x_{1} + \\alpha$ and $y^{n-1}$ be.",
         "Let x sub 1 plus alpha and y^(n minus 1) be."),
        ("So $\\frac{\\sqrt{2}}{2}$ and $\\sum_{i=1}^{n} i$ and $\\int_0^1 x\\,dx$.",
         "So the square root of 2 over 2 and the sum from i equals 1 to n of i and the integral "
         "from 0 to 1 of x dx."),
        ("Let $x$ be \\(\\sqrt{x} \\cdot \\pi\\).",
         "Let x be the square root of x times pi."),
        # display math: a paragraph of its own, read when simple
        ("The rule:\n\n$$\n\\frac{a}{b} = c\n$$\n\nDone.",
         "The rule:\n\na over b equals c.\n\nDone."),
        ("The rule:\n\n\\[ a \\neq b \\]\n\nDone.", "The rule:\n\na is not equal to b.\n\nDone."),
        # math it cannot read simply is omitted, as code is
        ("Here:\n\n$$\n\\begin{aligned} a &= b \\end{aligned}\n$$\n\nDone.",
         "Here:\n\nFormula omitted.\n\nDone."),
        ("Since $\\mathcal{O}(n \\log n)$ is fast.", "Since formula omitted is fast."),
        # money and other dollars stay
        ("It costs $5 and $10, or $5-$10, US$3 each.",
         "It costs $5 and $10, or $5-$10, US$3 each."),
        ("Set $HOME/$USER and pay \\$5 or $$$.", "Set $HOME/$USER and pay $5 or $$$."),
        ("Escaped \\[sic\\] stays.", "Escaped [sic] stays."),
        # math shown in code is code
        ("Write `$x^2$` so.", "Write $x^2$ so."),
    ],
)  # fmt: skip
def test_tex_math_is_read_simply_or_omitted(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_math_that_is_omitted_goes_whole_when_code_blocks_are_dropped() -> None:
    raw = "Here:\n\n$$\n\\begin{matrix} 1 & 0 \\end{matrix}\n$$\n\nSo $\\mathcal{O}$ it is."
    assert clean(raw, CleanupOptions(code_blocks="drop")) == "Here:\n\nSo it is."


def test_math_through_the_chain_says_no_symbol() -> None:
    chain = TextChain(Settings(dictionaries=()))
    [segment] = chain.prepare("Energy is $E = mc^2$ and $\\frac{1}{2}$.")
    assert chain.render(segment).transcript == ("Energy is E equals mc squared and one over two.")


# -- an e-mail's signature -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # its lines end as lines: they ran together ("Best, Jane Doe ACME Corp.")
        ("Best,\nJane Doe\nACME Corp", "Best, Jane Doe, ACME Corp."),
        ("Thanks for the help.\nKind regards,\nJane Doe\nSenior Engineer\nACME Corp\n"
         "+1 555 0100",
         "Thanks for the help. Kind regards, Jane Doe, Senior Engineer, ACME Corp, +1 555 0100."),
        ("See you.\n\n-- \nJane Doe\njane@example.com",
         "See you.\n\nJane Doe, jane at example dot com."),
        ("Thanks!\nJANE DOE\nACME", "Thanks! JANE DOE. ACME."),
        ("Cheers\nJane", "Cheers, Jane."),
    ],
)  # fmt: skip
def test_an_emails_signature_keeps_its_line_ends(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned
    assert clean(raw, CleanupOptions(markdown=False)) == cleaned


@pytest.mark.parametrize("markdown", [True, False])
def test_a_quoted_emails_header_keeps_its_line_ends(markdown: bool) -> None:
    """Its fields ran together: "From: Jane Doe jane at example dot com Sent: Monday"."""
    raw = (
        "Sounds good.\n\n-----Original Message-----\nFrom: Jane Doe <jane@example.com>\n"
        "Sent: Monday, January 6, 2025 10:00 AM\nTo: Bob\nSubject: RE: Lunch\n\nCan we meet?"
    )
    assert clean(raw, CleanupOptions(markdown=markdown)) == (
        "Sounds good.\n\nOriginal Message, From: Jane Doe jane at example dot com, Sent: "
        "Monday, January 6, 2025 10:00 AM, To: Bob, Subject: RE: Lunch.\n\nCan we meet?"
    )
    prose = "He wrote it down\nFrom: the top of his head, he said.\nTo: no one."
    assert clean(prose) == " ".join(prose.split())


@pytest.mark.parametrize(
    "raw",
    [
        # wrapped prose: a sign-off word inside a sentence, or above long lines
        "I did my\nbest,\nJane and\nBob said so.",
        "We said\nThanks,\nAnd Bob nodded.",
        "It ended.\nBest,\nThe whole crew went home early that day and nobody said a word\n"
        "about it again.",
        "It ended.\nThanks.\n" + "Then it went on\n" * 7 + "to the end.",
        # short wrapped lines after a sign-off word: a line goes on with a small letter
        "Thanks!\nShe said it quietly\nand walked away into the rain\nwithout another word.",
        "Thanks!\nThe waiter nodded and\nWent back to the kitchen.",
    ],
)
def test_wrapped_prose_is_no_signature(raw: str) -> None:
    assert clean(raw) == " ".join(raw.split())
