"""Audiobooks: read a book, render it resumably in parallel, assemble and deliver it.

:func:`render_book` does it all in one call and returns the manifest; ``sonicpipe book
render`` is the same on the command line.
"""

from sonicpipe.book.api import arender_book, render_book

__all__ = ["arender_book", "render_book"]
