"""Data shipped with sonicpipe: pronunciation dictionaries and the abbreviation list."""

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

SUFFIXES = (".json", ".toml")
ABBREVIATIONS = "en-abbreviations.tsv"


def names_a_file(name: str) -> bool:
    """Whether a dictionary setting names a file (``names.toml``, ``d/x``), not a shipped
    dictionary (``tech``); the suffix in any case (``NAMES.JSON``)."""
    return name.lower().endswith(SUFFIXES) or "/" in name or "\\" in name


def shipped() -> dict[str, Traversable]:
    """Return the shipped dictionaries by name (file name without its suffix)."""
    return {
        entry.name.rsplit(".", 1)[0]: entry
        for entry in files(__name__).iterdir()
        if entry.name.endswith(SUFFIXES)
    }


def shipped_abbreviations() -> Traversable:
    """The shipped English abbreviation list."""
    return files(__name__) / ABBREVIATIONS


def read_abbreviations(source: Traversable | Path) -> dict[str, str]:
    """Read an ``abbreviation<TAB>expansion`` list (``#`` comments, blank lines skipped).

    An empty expansion keeps the abbreviation as written. A bad line is a ValueError naming
    the file and line.
    """
    table: dict[str, str] = {}
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        entry, _, expansion = line.partition("\t")
        entry = entry.strip()
        if not entry.endswith(".") or len(entry.split()[-1]) < 2:
            raise ValueError(
                f"{source}:{number}: abbreviation {entry!r} must end with a period "
                "(format: abbreviation<TAB>expansion)"
            )
        table[entry] = expansion.strip()
    return table


@cache
def abbreviations() -> dict[str, str]:
    """The shipped English abbreviation table, read once."""
    return read_abbreviations(shipped_abbreviations())
