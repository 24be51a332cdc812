"""Render a book into an audiobook from Python, as a content pipeline would.

    python examples/render_book.py BOOK.(txt|md|epub) OUT [--format mp3] [--preset acx]
        [--engine espeak]

Without an API key the local voice speaks. Run it again after a crash or an edit: only the
paragraphs not yet rendered (or changed) are synthesized. The manifest it returns says what
was done; ``report.txt`` in the output folder has the per-chapter delivery checks.
"""

from __future__ import annotations

import argparse

from sonicpipe.book import render_book
from sonicpipe.book.progress import Progress
from sonicpipe.config import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book")
    parser.add_argument("output")
    parser.add_argument("--format", default="m4b", choices=("m4b", "mp3", "wav", "flac"))
    parser.add_argument("--preset", default="acx", choices=("acx", "podcast", "broadcast", "none"))
    parser.add_argument("--engine", choices=("piper", "espeak"), help="local voice engine")
    args = parser.parse_args()

    settings = Settings(dictionaries=("tech",))  # or Settings.load("sonicpipe.toml")
    manifest = render_book(
        args.book,
        args.output,
        settings=settings,
        engine=args.engine,
        format=args.format,
        preset=args.preset,  # "none" (or None): no loudness preset
        parallelism=4,
        progress=Progress(),
    )
    run = manifest["runs"][-1]
    print(f"this run synthesized {len(run['synthesized'])} paragraphs")
    for chapter in manifest["chapters"]:
        counts = chapter["sentences"]
        print(f"  {chapter['title']}: {counts['rendered']}/{counts['text']} sentences")
    print("files:", ", ".join(manifest["delivery"]["files"]))


if __name__ == "__main__":
    main()
