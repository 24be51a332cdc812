"""What the local server adds to synthesis: real-time factors direct vs. over a socket.

For each engine, in one run, like with like (the same text and the same output bytes):
* direct: the engine speaks each sentence of a passage, called in this process, and its audio
  is made into what the server sends: resampled (one soxr stream, as the server does) to the
  output rate when that differs from the engine's, and encoded as pcm_s16le;
* server: the same passage as one context (continuations, max_buffer_delay_ms=0) sent over a
  warm loopback WebSocket (one connection for all rounds) to a server in this process (thread)
  or in another (process), timed from the first request to ``done``; the client decodes the
  JSON and the base64 of every chunk;
* first audio: a one-sentence context, time to its first chunk, against the direct time to
  speak that sentence (synthesis, resampling, encoding).
Real-time factor = seconds spent / seconds of audio (lower is faster); "added" is the server's
extra time per second of audio. Targets: server/direct <= 1.05, first-audio ratio <= 1.5.
Run: python benchmarks/server_bench.py [--rounds N] [--engine espeak]
"""

from __future__ import annotations

import argparse
import base64
import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import soxr
from websockets.sync.client import ClientConnection, connect

from sonicpipe import pcm
from sonicpipe.server import LocalServer
from sonicpipe.server.engines import ENGINES, load_engine, words_of

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "alice-in-wonderland.txt"
FALLBACK = (
    "Alice was beginning to get very tired of sitting by her sister on the bank. "
    "She had nothing to do. Once or twice she had peeped into the book her sister was "
    "reading, but it had no pictures or conversations in it. And what is the use of a book, "
    "thought Alice, without pictures or conversations? So she was considering in her own mind "
    "whether the pleasure of making a daisy-chain would be worth the trouble of getting up and "
    "picking the daisies, when suddenly a White Rabbit with pink eyes ran close by her. "
    "There was nothing so very remarkable in that. Nor did Alice think it so very much out of "
    "the way to hear the Rabbit say to itself, Oh dear! Oh dear! I shall be late!"
)
# One-sentence contexts per round (first audio is short and noisy: more samples).
FIRST_REPEATS = 5
FIRST_SENTENCE = "The Rabbit actually took a watch out of its waistcoat pocket and looked at it."


def passage() -> list[str]:
    """About a dozen sentences of real prose."""
    from sonicpipe.server.markup import split_sentences

    text = FALLBACK
    if CORPUS.exists():
        body = CORPUS.read_text(encoding="utf-8")
        start = body.find("Alice was beginning")
        if start >= 0:
            text = " ".join(body[start : start + 1500].split())
    sentences, rest = split_sentences(text, final=False)
    return sentences[:12] or [rest]


def direct(engine_name: str, sentences: list[str], rate: int) -> tuple[float, float]:
    """(seconds spent, seconds of audio) making s16le audio at ``rate`` sentence by sentence."""
    engine = load_engine(engine_name)
    started = time.perf_counter()
    resampler = (
        soxr.ResampleStream(engine.sample_rate, rate, 1, dtype="float32")
        if rate != engine.sample_rate
        else None
    )
    size = 0
    for index, sentence in enumerate(sentences):
        samples = engine.synthesize(words_of(sentence)).samples
        if resampler is not None:
            samples = resampler.resample_chunk(samples, last=index == len(sentences) - 1)
        size += len(pcm.encode(samples, "pcm_s16le"))
    return time.perf_counter() - started, size / 2 / rate


def request(context_id: str, text: str, more: bool, rate: int) -> str:
    return json.dumps(
        {
            "context_id": context_id,
            "model_id": "sonic-3",
            "transcript": text,
            "voice": {"mode": "id", "id": "bench"},
            "continue": more,
            "max_buffer_delay_ms": 0,
            "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": rate},
        }
    )


def over_socket(
    ws: ClientConnection, sentences: list[str], rate: int, tag: str
) -> tuple[float, float, float]:
    """(seconds to done, seconds to first chunk, seconds of audio) for one context."""
    started = time.perf_counter()
    for index, sentence in enumerate(sentences):
        ws.send(request(tag, sentence, index < len(sentences) - 1, rate))
    first = None
    size = 0
    while True:
        message = json.loads(ws.recv())
        if message["type"] == "chunk":
            first = first or time.perf_counter() - started
            size += len(base64.b64decode(message["data"]))
        elif message["type"] in ("done", "error"):
            if message["type"] == "error":
                raise RuntimeError(message["error"])
            break
    return time.perf_counter() - started, first or 0.0, size / 2 / rate


@contextmanager
def served(engine_name: str, where: str) -> Iterator[str]:
    """A server's URL: in a thread of this process, or as ``sonicpipe serve`` in another."""
    if where == "thread":
        with LocalServer(engine=engine_name, max_contexts=64) as server:
            yield server.url
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "sonicpipe.cli",
        "serve",
        "--port",
        str(port),
        "--engine",
        engine_name,
        "--max-contexts",
        "64",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"ws://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with connect(url + "/tts/websocket"):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the server did not start: {' '.join(command)}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="repetitions; medians are shown")
    parser.add_argument("--engine", choices=ENGINES, action="append", help="default: both")
    args = parser.parse_args()
    sentences = passage()
    print(
        f"passage: {len(sentences)} sentences, {sum(map(len, sentences))} characters; "
        f"medians of {args.rounds} rounds; server in this process (thread) or another (process)"
    )
    print(
        "direct = synthesis + soxr resampling to the output rate (when it differs) + s16le "
        "encoding, the same bytes the server sends"
    )
    header = (
        f"{'engine':7} {'server':8} {'output':>12} {'RTF direct':>11} {'RTF server':>11} "
        f"{'server/direct':>14} {'added':>11} {'1st sentence':>13} {'1st audio':>10} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for name in args.engine or list(ENGINES):
        engine = load_engine(name)
        for where in ("thread", "process"):
            with served(name, where) as url, connect(url + "/tts/websocket", max_size=None) as ws:
                over_socket(ws, sentences[:1], engine.sample_rate, "warm-up")
                for rate in (engine.sample_rate, 44100):
                    rows = []
                    for round_ in range(args.rounds):
                        spent, audio = direct(name, sentences, rate)
                        total, _, served_audio = over_socket(ws, sentences, rate, f"p{round_}")
                        for again in range(FIRST_REPEATS):
                            one_direct, _ = direct(name, [FIRST_SENTENCE], rate)
                            tag = f"f{round_}-{again}"
                            _, first, _ = over_socket(ws, [FIRST_SENTENCE], rate, tag)
                            rows.append((spent / audio, total / served_audio, one_direct, first))
                    columns = zip(*rows, strict=True)
                    rtf_d, rtf_s, one, first = (statistics.median(c) for c in columns)
                    print(
                        f"{name:7} {where:8} {'s16le@' + str(rate):>12} {rtf_d:11.4f} "
                        f"{rtf_s:11.4f} {rtf_s / rtf_d:14.3f} {(rtf_s - rtf_d) * 1000:6.3f}ms/s "
                        f"{one * 1000:11.1f}ms {first * 1000:8.1f}ms {first / one:6.2f}"
                    )
    print(
        "\ntargets: server/direct <= 1.05; first audio <= 1.5 x the engine's time for the "
        "first sentence"
    )


if __name__ == "__main__":
    main()
