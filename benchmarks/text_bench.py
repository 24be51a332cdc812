"""Throughput of sonicpipe's whole text chain beside pySBD and NLTK Punkt, in one run.

Runs ``TextChain().prepare`` (every text plugin installed: cleanup, markup, normalization,
sentence splitting, pronunciation) on a whole book and on a prefix of it, and on the same
prefix pySBD (``Segmenter(language="en", clean=False)``) and NLTK's own Punkt tokenizer (with
sonicpipe's shipped parameters). pySBD slows down faster than linearly with text length (minutes
on a whole book), so it is measured on the prefix only; all three get the prefix, and the
ratios compare chars/s on that same text.

    python benchmarks/text_bench.py                   # Moby-Dick, 200 KB prefix
    python benchmarks/text_bench.py --prefix-kb 100 --book path/to/book.txt
    python benchmarks/text_bench.py --pysbd-whole     # pySBD on the whole book too (minutes)
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Sized
from dataclasses import dataclass
from pathlib import Path

import pysbd
from nltk.tokenize.punkt import PunktSentenceTokenizer
from sonicpipe.builtin import segment

from sonicpipe.model import Document, Segment
from sonicpipe.text import TextChain, paragraphs

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO.parent / "shared" / "corpus" / "moby-dick.txt"
WORDS_RE = re.compile(r"\S+\s*|\s+")  # LLM-like fragments: a word and its space
TARGET = 10.0  # the whole chain should be at least this many times pySBD's chars/s


@dataclass
class Result:
    """One timed run: what ran, on how many characters, how long, how many pieces out."""

    name: str
    chars: int
    seconds: float
    pieces: int

    @property
    def rate(self) -> float:
        return self.chars / self.seconds


def timed(name: str, text: str, run: Callable[[str], Sized], repeat: int) -> Result | None:
    """Best of ``repeat`` runs of ``run(text)``; None (and a note) if it raises."""
    best, pieces = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            out = run(text)
        except Exception as exc:  # another engineer's plugin may not take this book yet
            print(f"  {name}: failed: {type(exc).__name__}: {exc}")
            return None
        best = min(best, time.perf_counter() - start)
        pieces = len(out)
    return Result(name, len(text), best, pieces)


def prefix_of(text: str, size: int) -> str:
    """The first ``size`` characters of ``text``, cut back to a paragraph break."""
    if len(text) <= size:
        return text
    cut = text.rfind("\n\n", 0, size)
    return text[: cut if cut > 0 else size]


def table(title: str, results: list[Result | None], reference: Result | None) -> None:
    print(f"\n{title}")
    print(f"  {'':34} {'chars':>10} {'seconds':>9} {'chars/s':>12} {'pieces':>8} {'x pySBD':>8}")
    for r in results:
        if r is None:
            continue
        ratio = f"{r.rate / reference.rate:8.1f}" if reference else f"{'-':>8}"
        print(f"  {r.name:34} {r.chars:>10,} {r.seconds:>9.3f} {r.rate:>12,.0f} "
              f"{r.pieces:>8,} {ratio}")  # fmt: skip


def stages(chain: TextChain, text: str) -> None:
    """Where the whole chain spends its time: each stage's hooks timed on their own."""
    settings, hook = chain.settings, chain.host.hook
    doc = Document(text, language=settings.language)
    spent: dict[str, float] = {}

    def clock(stage: str, run: Callable[[], object]) -> object:
        start = time.perf_counter()
        out = run()
        spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - start
        return out

    clock(
        "1 clean (markup, cleanup)", lambda: hook.sonicpipe_clean_text(doc=doc, settings=settings)
    )
    clock("2 normalize", lambda: hook.sonicpipe_normalize_text(doc=doc, settings=settings))
    for paragraph in paragraphs(doc.text):
        for sentence in clock("3 split sentences", lambda p=paragraph: chain.split(p)):
            seg = Segment(sentence, doc.marks, language=doc.language)
            clock("4 refine segments", lambda s=seg: hook.sonicpipe_refine_segment(
                segment=s, settings=settings))  # fmt: skip
    total = sum(spent.values())
    print(f"\nWhole chain on the prefix, by stage ({total:.3f} s in all, one run):")
    for stage, seconds in spent.items():
        print(f"  {stage:34} {seconds:9.3f} s {100 * seconds / total:5.1f} %")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=BOOK, help="UTF-8 text (default: Moby-Dick)")
    parser.add_argument("--prefix-kb", type=int, default=200, help="prefix for pySBD (KB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per fast measurement (best)")
    parser.add_argument("--pysbd-whole", action="store_true",
                        help="also run pySBD on the whole book (minutes)")  # fmt: skip
    args = parser.parse_args()
    if not args.book.is_file():
        parser.error(f"--book {args.book}: no such file (the corpus lives beside the repo)")
    book = args.book.read_text(encoding="utf-8")
    prefix = prefix_of(book, args.prefix_kb * 1000)

    start = time.perf_counter()
    chain = TextChain()
    chain.prepare("Dr. Smith paid $5. He left.")  # loads every plugin's data once
    warm = time.perf_counter() - start
    order = chain.host.hook_order()
    print(f"book: {args.book.name}, {len(book):,} chars; prefix: {len(prefix):,} chars")
    for hook in ("sonicpipe_clean_text", "sonicpipe_normalize_text", "sonicpipe_split_sentences",
                 "sonicpipe_refine_segment"):  # fmt: skip
        print(f"  {hook}: {', '.join(order.get(hook, [])) or '(none)'}")
    print(f"  plugin loading and first call: {warm:.3f} s (not counted below)")

    stock = PunktSentenceTokenizer(segment.splitter().punkt._params)

    def ours(text: str) -> list[str]:
        return [s for p in paragraphs(text) for s in segment.split_sentences(p)]

    def streamed(text: str) -> list[str]:
        stream = segment.PunktStream(segment.splitter())
        out = [s for word in WORDS_RE.findall(text) for s in stream.feed(word)]
        return out + stream.flush()

    runs: list[tuple[str, Callable[[str], Sized]]] = [
        ("sonicpipe whole text chain", chain.prepare),
        ("sonicpipe segment plugin alone", ours),
        ("segment stream, fed word by word", streamed),
        ("NLTK Punkt alone (same params)", stock.tokenize),
    ]
    sbd = pysbd.Segmenter(language="en", clean=False)
    reference = timed("pySBD (clean=False)", prefix, sbd.segment, min(args.repeat, 2))
    on_prefix = [timed(name, prefix, run, args.repeat) for name, run in runs]
    table(f"On the first {len(prefix):,} chars (all on the same text):",
          [*on_prefix, reference], reference)  # fmt: skip
    on_book = [timed(name, book, run, args.repeat) for name, run in runs]
    whole = timed("pySBD (clean=False)", book, sbd.segment, 1) if args.pysbd_whole else None
    against = "its whole-book rate" if whole else "its prefix rate (--pysbd-whole to run it)"
    table(f"On the whole book, {len(book):,} chars (pySBD ratio against {against}):",
          [*on_book, whole], whole or reference)  # fmt: skip

    stages(chain, prefix)

    print()
    for where, ours_run, sbd_run in (("the same prefix", on_prefix[0], reference),
                                     ("the whole book", on_book[0], whole)):  # fmt: skip
        if ours_run and sbd_run:
            ratio = ours_run.rate / sbd_run.rate
            verdict = "meets" if ratio >= TARGET else "is below"
            print(f"whole chain / pySBD on {where}: {ratio:.1f}x, which {verdict} the "
                  f"{TARGET:.0f}x target")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
