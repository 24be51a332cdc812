"""Stream a (fake) LLM's tokens into a conversational turn and write the audio to a file.

    python examples/turn_stream.py answer.wav

The turn splits the tokens into sentences as they arrive, prepares each one with the text
hooks and sends it as a continuation on one Sonic context, so audio starts while the "LLM"
is still writing. With no API key the local voice speaks.
"""

from __future__ import annotations

import asyncio
import random
import sys
from collections.abc import AsyncIterator

from sonicpipe.audio.writers import open_writer
from sonicpipe.pipeline import Pipeline

ANSWER = (
    "Sure! Your order #4521 shipped on Oct. 3rd and should arrive by 5 p.m. tomorrow. "
    "The total was $42.50, including 8% tax. Anything else I can help with?"
)


async def fake_llm(text: str, seed: int = 7) -> AsyncIterator[str]:
    """Yield ``text`` in token-sized pieces, with a small delay like a real model."""
    rng = random.Random(seed)
    pos = 0
    while pos < len(text):
        size = rng.randint(1, 6)
        yield text[pos : pos + size]
        pos += size
        await asyncio.sleep(0.01)


async def main(path: str) -> None:
    async with await Pipeline.aopen() as pipe:
        turn = await pipe.turn()

        async def produce() -> None:
            async for token in fake_llm(ANSWER):
                await turn.feed(token)
            await turn.end()

        # In a task group, a failure on either side stops the other: a broken LLM stream ends
        # the playback (stopping turn.audio() interrupts the turn) instead of leaving it
        # waiting for text that never comes, and a failed playback stops the LLM stream.
        # The pipeline's own plugins choose the writer (a writer plugin given to it too).
        with open_writer(path, pipe.output_rate, pipe.settings, pipe.host) as writer:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(produce())
                async for chunk in turn.audio():
                    writer.write(chunk)
    print(f"wrote {path}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "answer.wav"))
