"""Book rendering: wall time against the voice engine's own time, and peak memory at 1x and 4x.

Renders an excerpt of a corpus book (its first chapters, each cut to a few paragraphs) from
scratch into an M4B, in a fresh process, and then the same with four times as many chapters.
The voice is ``sonicpipe serve`` in a process of its own (as Sonic would be), started once
with its voice loaded. For each size it prints the render's wall time (text preparation,
synthesis, cache, assembly, encoding) next to the time the voice engine alone takes to
synthesize the same transcripts (one call per sentence, as the server makes them; timed just
before and just after the render, and averaged, since a shared machine's load drifts), and
the render process's CPU time (all its threads) and peak memory. The render's time is split
into its phases: preparing the text (while connecting), the voice (synthesis into the cache)
and assembly (loudness, room tone, encoding, captions, report).

Both run twice: with the voice on every core (``serve`` by default: piper's onnxruntime keeps
every core busy, so the render's own work - decoding, metering, AAC encoding - takes cores
from it), and with the voice on one core (``serve --threads 1``; the engine's own time is
then also taken on one thread), which leaves the render a core, as a remote Sonic does. The
first shows what one machine does for both; the second what the render adds to synthesis.

Targets: render <= 1.1x the engine's time; peak memory at 4x within 20 % of 1x.

    python benchmarks/book_bench.py [--engine piper|espeak] [--chapters 2] [--paragraphs 3]
                                    [--threads all 1]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sonicpipe.book import render_book
from sonicpipe.book.readers import Book, Chapter, read_book
from sonicpipe.book.render import open_pipeline
from sonicpipe.config import Settings
from sonicpipe.pipeline import group_inputs
from sonicpipe.server import markup
from sonicpipe.server.app import ServerConfig, base_voicing
from sonicpipe.server.engines import load_engine, words_of

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def excerpt(book_name: str, chapters: int, paragraphs: int) -> Book:
    """The first ``chapters`` chapters of a corpus book, each cut to ``paragraphs``."""
    book = read_book(CORPUS / f"{book_name}.txt")
    if chapters > len(book.chapters):
        raise SystemExit(f"{book_name} has only {len(book.chapters)} chapters")
    cut = [Chapter(c.title, c.paragraphs[:paragraphs]) for c in book.chapters[:chapters]]
    return Book(book.title, book.author, cut, source=book.source)


def child(args: argparse.Namespace) -> None:
    """Render once in this process; print wall time, peak memory and sizes as JSON."""
    book = excerpt(args.book, args.chapters, args.paragraphs)
    with tempfile.TemporaryDirectory() as out:
        start, cpu = time.perf_counter(), time.process_time()
        manifest = render_book(book, out, settings=Settings(url=args.url),
                               format=args.format, parallelism=args.parallel)  # fmt: skip
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({
        "wall": wall, "cpu": cpu, "peak_kb": peak_kb(), **manifest["runs"][-1]["seconds"],
        "audio": manifest["delivery"]["seconds"],
        "chars": sum(p["chars"] for c in manifest["chapters"] for p in c["paragraphs"]),
        "paragraphs": sum(len(c["paragraphs"]) for c in manifest["chapters"]),
    }))  # fmt: skip


def peak_kb() -> int:
    """This process's peak resident memory in KiB.

    ``VmHWM`` belongs to the process image (ru_maxrss would also count the parent's memory
    at the fork that started this process).
    """
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    return int(status.split("VmHWM:")[1].split()[0])


def engine_seconds(args: argparse.Namespace, chapters: int, threads: int | None) -> float:
    """The engine's own time for the excerpt's inputs, called as the server calls it.

    The server cuts each input at its sentence ends and reads its markup (speed, breaks,
    spelled words) into utterances; each utterance is one engine call, one after another.
    """
    book = excerpt(args.book, chapters, args.paragraphs)
    pipe = open_pipeline(engine=args.engine)
    template = pipe.template()
    limit = ServerConfig().max_sentence_chars
    utterances: list[markup.Utterance] = []
    for chapter in book.chapters:
        segments = pipe.text.prepare(chapter.text)
        for number in sorted({s.paragraph for s in segments}):
            voicing = base_voicing(template)
            paragraph = [s for s in segments if s.paragraph == number]
            for group in group_inputs(paragraph):
                transcript = pipe.request_fields(group)["transcript"]
                for sentence in markup.split_sentences(transcript, True, limit)[0]:
                    reading = markup.read(sentence, template.model_id, voicing)
                    utterances += [u for u in reading.items if isinstance(u, markup.Utterance)]
    engine = load_engine(args.engine, threads)
    engine.synthesize(words_of("Warming up the voice."))
    start = time.perf_counter()
    for utterance in utterances:
        engine.synthesize(utterance.words, utterance.speed)
    return time.perf_counter() - start


def run_child(args: argparse.Namespace, chapters: int) -> dict:
    command = [sys.executable, __file__, "--child", "--book", args.book, "--url", args.url,
               "--chapters", str(chapters), "--paragraphs", str(args.paragraphs),
               "--format", args.format, "--parallel", str(args.parallel)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default="alice-in-wonderland")
    parser.add_argument("--engine", default="piper", choices=("espeak", "piper"))
    parser.add_argument("--chapters", type=int, default=2)
    parser.add_argument("--paragraphs", type=int, default=3)
    parser.add_argument("--format", default="m4b")
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument(
        "--threads",
        nargs="+",
        help="voice threads per configuration: 'all' (every core) or a number (default: all 1"
        " for piper; espeak-ng always uses one)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"{args.book}, {args.engine} voice, {args.format}, {args.paragraphs} paragraphs per "
          f"chapter, {args.parallel} contexts at once")  # fmt: skip
    for setting in args.threads or (["all", "1"] if args.engine == "piper" else ["all"]):
        threads = None if setting == "all" else int(setting)
        with voice_server(args.engine, threads) as url:
            args.url = url
            compare(args, threads)


@contextmanager
def voice_server(engine: str, threads: int | None) -> Iterator[str]:
    """``sonicpipe serve`` on a free port in its own process; yields its URL once it listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "sonicpipe.cli", "serve", "--engine", engine,
               "--port", str(port)]  # fmt: skip
    if threads is not None:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("sonicpipe serve did not start")
            time.sleep(0.1)
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


def compare(args: argparse.Namespace, threads: int | None) -> None:
    """Render at 1x and 4x; print the table and the figures against their targets."""
    cores = "every core" if threads is None else f"{threads} thread(s)"
    print(f"\nvoice on {cores} (the engine's own time taken the same way)")
    print(f"{'size':>4} {'chapters':>8} {'paragraphs':>10} {'chars':>7} {'audio s':>8} "
          f"{'engine s':>8} {'render s':>8} {'ratio':>6} {'(text':>6} {'voice':>6} "
          f"{'assembly)':>9} {'CPU s':>6} {'peak MB':>8}")  # fmt: skip
    rows = []
    for size in (1, 4):
        chapters = args.chapters * size
        before = engine_seconds(args, chapters, threads)
        result = run_child(args, chapters)
        engine = (before + engine_seconds(args, chapters, threads)) / 2
        ratio = result["wall"] / engine
        rows.append((result, ratio))
        print(f"{size:>3}x {chapters:>8} {result['paragraphs']:>10} {result['chars']:>7} "
              f"{result['audio']:>8.1f} {engine:>8.2f} {result['wall']:>8.2f} {ratio:>6.2f} "
              f"{result['text']:>6.2f} {result['voice']:>6.2f} {result['assembly']:>9.2f} "
              f"{result['cpu']:>6.2f} {result['peak_kb'] / 1024:>8.1f}")  # fmt: skip
    growth = rows[1][0]["peak_kb"] / rows[0][0]["peak_kb"] - 1
    print(f"render / engine time: {rows[0][1]:.2f}x and {rows[1][1]:.2f}x (target <= 1.1x)")
    print(f"peak memory at 4x: {growth:+.1%} against 1x (target < +20 %)")


if __name__ == "__main__":
    main()
