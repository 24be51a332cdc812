"""Time to first audio: the full sonicpipe pipeline against a bare websockets client.

Both talk to the same local Sonic-compatible server over loopback, with a warm connection,
asking for the same text; runs alternate so both see the same machine load. The pipeline
runs the whole text chain (markup, cleanup, normalization, segmentation, dictionaries) and the
audio chain before its first chunk; the bare client sends the already prepared transcript.

    python benchmarks/latency_bench.py [--runs 30] [--engine piper|espeak]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid

import websockets

from sonicpipe import Settings
from sonicpipe.pipeline import Pipeline
from sonicpipe.server import LocalServer
from sonicpipe.sonic import protocol as p

TEXT = "Hi Dr. Lee! Your appointment is at 3:30 p.m. on Friday, Oct. 3rd. It costs $45."


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def bare_first_audio(ws: websockets.ClientConnection, request: dict[str, object]) -> float:
    request = {**request, "context_id": uuid.uuid4().hex}
    started = time.perf_counter()
    await ws.send(json.dumps(request))
    first = None
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == "chunk" and first is None:
            first = time.perf_counter() - started
        if message.get("done"):
            assert first is not None, message
            return first


async def pipeline_first_audio(pipe: Pipeline) -> float:
    started = time.perf_counter()
    first = None
    async for _chunk in pipe.astream(TEXT):
        if first is None:
            first = time.perf_counter() - started
    assert first is not None
    return first


async def main(runs: int, engine: str | None) -> None:
    with LocalServer(engine=engine) as server:
        async with Pipeline(Settings(url=server.url)) as pipe:
            transcript = " ".join(
                pipe.request_fields([s])["transcript"] for s in pipe.text.prepare(TEXT)
            )
            request = p.GenerationRequest(
                context_id="x", transcript=transcript, model_id=pipe.settings.model,
                voice=p.Voice(id=pipe.settings.voice), output_format=pipe.settings.output_format,
                language="en", continue_=False,
            ).to_dict()  # fmt: skip
            headers = {p.VERSION_HEADER: p.DEFAULT_VERSION}
            async with websockets.connect(
                server.url + p.WEBSOCKET_PATH, additional_headers=headers, max_size=None
            ) as ws:
                await bare_first_audio(ws, request)  # warm up both paths
                await pipeline_first_audio(pipe)
                bare, ours = [], []
                for _ in range(runs):
                    bare.append(await bare_first_audio(ws, request))
                    ours.append(await pipeline_first_audio(pipe))
        name = server.server.engine.name

    print(f"time to first audio, {runs} runs each, engine {name}, text of {len(TEXT)} chars")
    print(f"{'':24}{'p50 ms':>10}{'p95 ms':>10}")
    rows = [("bare websockets client", bare), ("sonicpipe pipeline", ours)]
    for label, values in rows:
        print(
            f"{label:24}{percentile(values, 0.5) * 1e3:10.1f}{percentile(values, 0.95) * 1e3:10.1f}"
        )
    for q, label in ((0.5, "p50"), (0.95, "p95")):
        ratio = percentile(ours, q) / percentile(bare, q)
        print(f"ratio pipeline/bare {label}: {ratio:.3f}  (target <= 1.05)")
    print(f"mean difference: {(statistics.mean(ours) - statistics.mean(bare)) * 1e3:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--engine", choices=("piper", "espeak"), default=None)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.engine))
