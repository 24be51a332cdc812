"""Pronunciation dictionaries shipped with sonicpipe (data files beside this module)."""

from importlib.resources import files
from importlib.resources.abc import Traversable

SUFFIXES = (".json", ".toml")


def shipped() -> dict[str, Traversable]:
    """Return the shipped dictionaries by name (file name without its suffix)."""
    return {
        entry.name.rsplit(".", 1)[0]: entry
        for entry in files(__name__).iterdir()
        if entry.name.endswith(SUFFIXES)
    }
