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
* wire: the messages the server sent for the passage, replayed by a bare websockets server in
  the same place (thread or process) to the same client: what the protocol itself costs (send,
  receive, JSON, base64) with no synthesis at all.
Real-time factor = seconds spent / seconds of audio (lower is faster); "added" is the server's
extra time per second of audio (RTF server - RTF direct), to read against "wire". "CPU s/d" is
the server process's CPU time over the direct path's for the same audio, summed over the rounds
(process rows only): steadier than wall time on a busy machine.
Targets: server/direct <= 1.05, first-audio ratio <= 1.5.
Run: python benchmarks/server_bench.py [--rounds N] [--engine espeak]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import soxr
from websockets.asyncio.server import ServerConnection, serve
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
PATH = "/tts/websocket"
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
    ws: ClientConnection,
    sentences: list[str],
    rate: int,
    tag: str,
    record: list[str] | None = None,
) -> tuple[float, float, float]:
    """(seconds to done, seconds to first chunk, seconds of audio) for one context."""
    started = time.perf_counter()
    for index, sentence in enumerate(sentences):
        ws.send(request(tag, sentence, index < len(sentences) - 1, rate))
    first = None
    size = 0
    while True:
        text = ws.recv()
        if record is not None:
            record.append(text)
        message = json.loads(text)
        if message["type"] == "chunk":
            first = first or time.perf_counter() - started
            size += len(base64.b64decode(message["data"]))
        elif message["type"] in ("done", "error"):
            if message["type"] == "error":
                raise RuntimeError(message["error"])
            break
    return time.perf_counter() - started, first or 0.0, size / 2 / rate


async def replay(messages: list[str], port: int, ready: threading.Event | None = None) -> None:
    """The wire alone: a bare websockets server answering each context's last request with
    ``messages`` (recorded from the real server), so no synthesis, resampling or encoding."""
    frames = [m.encode() for m in messages]

    async def answer(ws: ServerConnection) -> None:
        async for text in ws:
            if not json.loads(text)["continue"]:
                for frame in frames:
                    await ws.send(frame, text=True)

    async with serve(answer, "127.0.0.1", port, compression=None):
        if ready is not None:
            ready.set()
        await asyncio.Future()


@contextmanager
def replaying(messages: list[str], where: str) -> Iterator[str]:
    """A :func:`replay` server's URL, in a thread of this process or in another process."""
    port = free_port()
    if where == "thread":
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        task = loop.create_task(replay(messages, port, ready))

        def run() -> None:
            with suppress(asyncio.CancelledError):
                loop.run_until_complete(task)
            loop.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        ready.wait()
        yield f"ws://127.0.0.1:{port}"
        loop.call_soon_threadsafe(task.cancel)
        thread.join()
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(messages, file)
        file.flush()
        command = [sys.executable, __file__, "--replay", file.name, "--port", str(port)]
        with running(command, port) as (url, _):
            yield url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(engine_name: str, where: str) -> Iterator[tuple[str, int | None]]:
    """A server's URL and process id: in a thread of this process (no id), or as
    ``sonicpipe serve`` in another process."""
    if where == "thread":
        with LocalServer(engine=engine_name, max_contexts=64) as server:
            yield server.url, None
        return
    port = free_port()
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
    with running(command, port) as (url, pid):
        yield url, pid


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) used so far by process ``pid``, or by this one; 0 if unknown."""
    if pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def running(command: list[str], port: int) -> Iterator[tuple[str, int]]:
    """Run ``command`` (a server on ``port``) until the block ends: its URL and process id."""
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
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="repetitions; medians are shown")
    parser.add_argument("--engine", choices=ENGINES, action="append", help="default: both")
    parser.add_argument("--replay", help=argparse.SUPPRESS)  # internal: a wire-only server
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay:
        messages = json.loads(Path(args.replay).read_text(encoding="utf-8"))
        asyncio.run(replay(messages, args.port))
        return
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
        f"{'server/direct':>14} {'added':>11} {'wire':>11} {'CPU s/d':>8} {'1st sentence':>13} "
        f"{'1st audio':>10} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for name in args.engine or list(ENGINES):
        engine = load_engine(name)
        for where in ("thread", "process"):
            for rate in (engine.sample_rate, 44100):
                rows, recorded = [], []
                cpu_direct = cpu_server = 0.0
                with served(name, where) as (url, pid), connect(url + PATH, max_size=None) as ws:
                    over_socket(ws, sentences[:1], engine.sample_rate, "warm-up")
                    for round_ in range(args.rounds):
                        cpu = time.process_time()
                        spent, audio = direct(name, sentences, rate)
                        cpu_direct += time.process_time() - cpu
                        cpu = cpu_seconds(pid)
                        tag, record = f"p{round_}", recorded if round_ == 0 else None
                        total, _, served_audio = over_socket(ws, sentences, rate, tag, record)
                        cpu_server += (cpu_seconds(pid) - cpu) / served_audio * audio
                        for again in range(FIRST_REPEATS):
                            one_direct, _ = direct(name, [FIRST_SENTENCE], rate)
                            tag = f"f{round_}-{again}"
                            _, first, _ = over_socket(ws, [FIRST_SENTENCE], rate, tag)
                            rows.append((spent / audio, total / served_audio, one_direct, first))
                with replaying(recorded, where) as url, connect(url + PATH, max_size=None) as ws:
                    over_socket(ws, sentences, rate, "warm-up")
                    wire = statistics.median(
                        over_socket(ws, sentences, rate, f"w{i}")[0] / served_audio
                        for i in range(args.rounds)
                    )
                columns = zip(*rows, strict=True)
                rtf_d, rtf_s, one, first = (statistics.median(c) for c in columns)
                cpu_ratio = f"{cpu_server / cpu_direct:8.3f}" if pid and cpu_server else f"{'-':>8}"
                print(
                    f"{name:7} {where:8} {'s16le@' + str(rate):>12} {rtf_d:11.4f} "
                    f"{rtf_s:11.4f} {rtf_s / rtf_d:14.3f} {(rtf_s - rtf_d) * 1000:6.3f}ms/s "
                    f"{wire * 1000:6.3f}ms/s {cpu_ratio} {one * 1000:11.1f}ms "
                    f"{first * 1000:8.1f}ms {first / one:6.2f}"
                )
    print(
        "\ntargets: server/direct <= 1.05; first audio <= 1.5 x the engine's time for the "
        "first sentence"
    )


if __name__ == "__main__":
    main()
