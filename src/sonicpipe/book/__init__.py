"""Audiobooks: read a book, render it resumably in parallel, assemble and deliver it.

:func:`render_book` does it all in one call and returns the manifest; ``sonicpipe book
render`` is the same on the command line. Both functions load on first use, so that the
command line starts without loading the book's DSP and encoders (scipy, FFmpeg).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sonicpipe.book.api import arender_book, render_book

__all__ = ["arender_book", "render_book"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from sonicpipe.book import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
