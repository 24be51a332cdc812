"""``sonicpipe book render INPUT``: a whole book to a finished audiobook, resumable."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path

from sonicpipe.audio.presets import PRESETS
from sonicpipe.book.delivery import FORMATS, Delivery, acx_requirement, number_problem
from sonicpipe.server.engines import ENGINES


def cmd_book_render(args: argparse.Namespace) -> int:
    """Render a book; print where it went and a summary. Exit 1 when sentences went missing."""
    from sonicpipe.book.api import render_book  # the audio libraries load when a book renders
    from sonicpipe.book.progress import Progress
    from sonicpipe.book.readers import Book, read_book
    from sonicpipe.book.render import GapError
    from sonicpipe.cli import settings_of

    if args.input == "-":
        raise ValueError("-: a book is read from a file (.txt, .md or .epub), not from "
                         "standard input")  # fmt: skip
    output = Path(args.output or Path(args.input).stem + "-audiobook")
    # A dumb terminal (an editor's shell) cannot move the cursor to redraw the bars.
    progress = Progress(quiet=args.quiet or os.environ.get("TERM") == "dumb")
    source: str | Book = args.input
    if args.title or args.author:  # a text without a Gutenberg header names neither
        source = book = read_book(args.input, args.front_matter, args.licence)
        book.title = args.title or book.title
        book.author = args.author or book.author
    try:
        render_book(
            source,
            output,
            settings=settings_of(args),
            engine=args.engine,
            format=args.format,
            preset=args.preset,
            paragraph_pause=args.paragraph_pause,
            head=args.head_tone,
            tail=args.tail_tone,
            max_minutes=args.max_minutes,
            parallelism=args.parallel,
            front_matter=args.front_matter,
            licence=args.licence,
            prune=args.prune,
            progress=progress,
        )
    except GapError as exc:
        progress.message(f"sonicpipe: render incomplete: {exc}")
        return 1
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: say what the next run starts from
        raise KeyboardInterrupt(interrupted(output)) from None
    return 0


def interrupted(output: Path) -> str:
    """What an interrupted render keeps: how many paragraphs are cached, from its manifest."""
    from sonicpipe.book.render import MANIFEST, Manifest

    chapters = Manifest.load(output / MANIFEST).data.get("chapters", [])
    done = [p["done"] for chapter in chapters for p in chapter["paragraphs"]]
    if not done:
        return "interrupted before any paragraph was rendered"
    return (
        f"interrupted: {sum(done)} of {len(done)} paragraphs are cached; "
        "run the same command again to resume"
    )


def delivery_number(name: str) -> Callable[[str], float]:
    """An argparse type: a number that will do as the delivery's ``name``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if problem := number_problem(name, value):
            raise argparse.ArgumentTypeError(f"{problem}, got {text!r}")
        return value

    return parse


def whole_number(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def add_book_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add ``book render`` to the ``sonicpipe`` command."""
    from sonicpipe.cli import (
        ENGINE_HELP,
        MODEL_HELP,
        VOICE_HELP,
        add_command,
        add_control_options,
        add_dictionary_option,
    )

    book = add_command(
        subparsers, "book", "render whole books into audiobooks", "Audiobooks: render."
    )
    sub = book.add_subparsers(dest="book_command", required=True, metavar="COMMAND")
    render = add_command(
        sub,
        "render",
        "render a book (.txt .md .epub); a rerun resumes where it stopped",
        "Render a whole book to a finished audiobook in the output folder: one .m4b or\n"
        ".opus with chapters, or a file per chapter, with captions and a report\n"
        "(report.txt) of each file's levels against the preset. Paragraphs are cached: an\n"
        "interrupted render resumes, and an edited book renders only what changed.\n\n"
        "exit status: 0 delivered; 1 sentences went missing (nothing is delivered)",
        ["sonicpipe book render alice.txt -o alice-audiobook",
         "sonicpipe book render alice.epub --format mp3 --preset acx --head-tone 1"],
    )  # fmt: skip
    render.add_argument("input", help="the book: .txt (Project Gutenberg aware), .md or .epub")
    render.add_argument("-o", "--output", help="output folder (default: INPUT-audiobook)")
    render.add_argument(
        "--title", help="the book's title (default: its header or metadata, else the file name)"
    )
    render.add_argument("--author", help="the book's author (default: its header or metadata)")
    render.add_argument("--voice", help=VOICE_HELP)
    render.add_argument("--model", help=MODEL_HELP)
    add_control_options(render)
    render.add_argument(
        "--format",
        choices=FORMATS,
        default="m4b",
        help="m4b (default) or opus: one file with chapters; the others: a file per chapter",
    )
    render.add_argument(
        "--preset",
        choices=(*PRESETS, "none"),
        default="acx",
        help="loudness preset (default acx: RMS -20 dB, peaks <= -3 dB; with --format mp3 "
        "it is ACX's delivery: 192 kbps CBR, 44.1 kHz, a file per chapter)",
    )
    render.add_argument(
        "--paragraph-pause",
        type=delivery_number("paragraph_pause"),
        metavar="SECONDS",
        help="pause between paragraphs, in room tone (default: paragraph_pause of "
        f"[options.pauses] in the settings, else {Delivery.paragraph_pause:g}); this option "
        "wins over the settings",
    )
    for end, where in (("head", "start"), ("tail", "end")):
        render.add_argument(
            f"--{end}-tone",
            type=delivery_number(end),
            metavar="SECONDS",
            help=f"room tone at the {where} of each file or m4b/opus chapter (default "
            f"{getattr(Delivery, end):g}; ACX: {acx_requirement(end)})",
        )
    render.add_argument(
        "--max-minutes",
        type=delivery_number("max_minutes"),
        metavar="MINUTES",
        help="the longest file: a longer chapter is split into parts (not in an m4b or opus) "
        f"(default {Delivery.max_minutes:g}; ACX: {acx_requirement('length')})",
    )
    render.add_argument(
        "-j",
        "--parallel",
        type=whole_number,
        default=4,
        help="paragraphs rendered at once (default 4)",
    )
    add_dictionary_option(render)
    render.add_argument("--engine", choices=ENGINES, help=ENGINE_HELP)
    render.add_argument(
        "--front-matter",
        action="store_true",
        help="also narrate front matter (title page, contents)",
    )
    render.add_argument(
        "--licence", action="store_true", help="also narrate a Project Gutenberg licence"
    )
    render.add_argument(
        "--prune",
        action="store_true",
        help="once the book is delivered, remove the cached paragraphs it no longer uses "
        "(edited since, or rendered with another voice, model or audio settings)",
    )
    render.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="log lines instead of progress bars (as when the output is not a terminal, or "
        "TERM is dumb)",
    )
    render.set_defaults(func=cmd_book_render)
