"""Dictionary matching speed: sonicpipe's token index against two regex references.

Run: ``python benchmarks/dict_bench.py`` (from the repository root, with sonicpipe installed).

Entries are words and word pairs of Moby-Dick plus synthetic terms, up to 100,000; the text is
sentences of Dracula. For each dictionary size the script prints, side by side:

* ``index``: sonicpipe's Dictionary (first-token index, longest match first);
* ``alternation``: one big regex, alternatives sorted longest first, with a dict for the
  replacement (a common fast approach);
* ``per-entry``: one regex substitution per entry (what the plugin must never do), only for
  the smaller dictionaries.

The two references are timed on the first 200 and 20 sentences, to keep the run short.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from pathlib import Path

from sonicpipe.builtin.pronounce import Dictionary, Entry

from sonicpipe.model import MarkTable

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SIZES = (1_000, 10_000, 100_000)
PER_ENTRY_MAX = 10_000
SLOW_SENTENCES = {"alternation": 200, "per-entry": 20}  # the slow references time fewer


def entries(size: int) -> list[Entry]:
    """``size`` entries: Moby-Dick's words and word pairs first, then synthetic terms."""
    words = re.findall(r"[A-Za-z]+", (CORPUS / "moby-dick.txt").read_text(encoding="utf-8"))
    texts = list(dict.fromkeys(words))[: size // 2]
    pairs = dict.fromkeys(f"{a} {b}" for a, b in itertools.pairwise(words))
    texts += list(pairs)[: size // 4]
    texts += [f"term{i}" for i in range(size - len(texts))]
    return [Entry(text, sounds_like=text.upper()) for text in texts[:size]]


def sentences(count: int) -> list[str]:
    text = (CORPUS / "dracula.txt").read_text(encoding="utf-8")
    found = [s.strip() + "." for s in re.split(r"[.!?]\s", " ".join(text.split())) if s.strip()]
    return found[1000 : 1000 + count]


def index(items: list[Entry]) -> Callable[[str], str]:
    dictionary = Dictionary(items)
    return lambda text: dictionary.apply(text, MarkTable())


def alternation(items: list[Entry]) -> Callable[[str], str]:
    table = {e.text: e.sounds_like for e in items}
    ordered = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
    return lambda text: pattern.sub(lambda m: table[m.group()], text)


def per_entry(items: list[Entry]) -> Callable[[str], str]:
    rules = [(re.compile(rf"(?<!\w){re.escape(e.text)}(?!\w)"), e.sounds_like) for e in items]

    def apply(text: str) -> str:
        for rule, replacement in rules:
            text = rule.sub(replacement, text)
        return text

    return apply


def timed(build: Callable[[], Callable[[str], str]], texts: list[str]) -> tuple[float, float]:
    """Seconds to build, and microseconds per sentence to apply."""
    start = time.perf_counter()
    apply = build()
    built = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        apply(text)
    return built, (time.perf_counter() - start) / len(texts) * 1e6


def main() -> None:
    texts = sentences(2000)
    print(
        f"{len(texts)} sentences of Dracula, average {sum(map(len, texts)) / len(texts):.0f} chars"
    )
    print(f"{'entries':>8} | {'method':<12} | {'build s':>8} | {'µs/sentence':>12}")
    for size in SIZES:
        items = entries(size)
        methods = {"index": index, "alternation": alternation, "per-entry": per_entry}
        if size > PER_ENTRY_MAX:
            del methods["per-entry"]
        for method, build in methods.items():
            sample = texts[: SLOW_SENTENCES.get(method, len(texts))]
            built, micros = timed(lambda build=build, items=items: build(items), sample)
            print(f"{size:>8} | {method:<12} | {built:>8.3f} | {micros:>12.1f}")


if __name__ == "__main__":
    main()
