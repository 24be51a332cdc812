"""Audiobooks: read a book, render it resumably in parallel, assemble and deliver it."""
