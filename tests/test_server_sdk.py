"""The local server driven by Cartesia's official SDK over real loopback sockets (espeak voice)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from cartesia import Cartesia

from sonicpipe import pcm
from sonicpipe.server import LocalServer
from sonicpipe.server.engines import load_engine, words_of

VOICE = {"mode": "id", "id": "a0e99841-438c-4a64-b679-ae501e7d6091"}  # a cloud voice id
SENTENCES = [
    "The quick brown fox jumps over the lazy dog. ",
    "It was a bright cold day. ",
    "The clocks were striking thirteen.",
]


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="espeak", linger=0.2, max_contexts=64) as running:
        yield running


@pytest.fixture(scope="module")
def connection(server: LocalServer):
    client = Cartesia(api_key="any-key", websocket_base_url=server.url)
    with client.tts.websocket_connect() as conn:
        yield conn


def collect(context) -> tuple[bytes, list]:
    """The audio and the events of ``context``, each of which must carry its id (the SDK
    yields events of other contexts too)."""
    audio = b""
    events = []
    for event in context.receive():
        assert event.context_id == context._context_id, event.type
        events.append(event)
        if event.type == "chunk":
            audio += event.audio
    return audio, events


def engine_seconds(texts: list[str]) -> float:
    engine = load_engine("espeak")
    return sum(engine.synthesize(words_of(t)).duration for t in texts)


def test_continuations_return_audio_of_the_requested_format_and_length(connection) -> None:
    fmt = {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000}
    context = connection.context(model_id="sonic-3", voice=VOICE, output_format=fmt)
    for sentence in SENTENCES:
        context.push(sentence)
    context.no_more_inputs()
    audio, events = collect(context)
    assert events[-1].type == "done" and events[-1].status_code == 200
    assert all(e.context_id == context._context_id for e in events)
    chunks = [e for e in events if e.type == "chunk"]
    assert len(chunks) >= len(SENTENCES)  # streamed sentence by sentence
    seconds = pcm.duration(len(audio), "pcm_s16le", 24000)
    assert seconds == pytest.approx(engine_seconds(SENTENCES), rel=0.03)
    samples = pcm.decode(audio, "pcm_s16le")
    assert np.sqrt(np.mean(samples**2)) > 0.02  # speech, not silence


@pytest.mark.parametrize("encoding", ["pcm_f32le", "pcm_s16le", "pcm_mulaw", "pcm_alaw"])
@pytest.mark.parametrize("rate", [8000, 16000, 22050, 24000, 44100, 48000])  # the spec's
def test_every_encoding_at_every_sample_rate(connection, encoding: str, rate: int) -> None:
    fmt = {"container": "raw", "encoding": encoding, "sample_rate": rate}
    context = connection.context(model_id="sonic-2", voice=VOICE, output_format=fmt)
    context.push("Testing one two three.", continue_=False)
    audio, events = collect(context)
    assert events[-1].type == "done"
    assert len(audio) % pcm.BYTES_PER_SAMPLE[encoding] == 0
    seconds = pcm.duration(len(audio), encoding, rate)
    assert seconds == pytest.approx(engine_seconds(["Testing one two three."]), rel=0.03)
    samples = pcm.decode(audio, encoding)
    assert 0.02 < np.sqrt(np.mean(samples**2)) < 0.9


def test_word_and_phoneme_timestamps(connection) -> None:
    fmt = {"container": "raw", "encoding": "pcm_f32le", "sample_rate": 16000}
    context = connection.context(
        model_id="sonic-3",
        voice=VOICE,
        output_format=fmt,
        add_timestamps=True,
        add_phoneme_timestamps=True,
    )
    context.push(SENTENCES[0])
    context.push(SENTENCES[1])
    context.no_more_inputs()
    audio, events = collect(context)
    total = pcm.duration(len(audio), "pcm_f32le", 16000)
    words = [e.word_timestamps for e in events if e.type == "timestamps"]
    spoken = [w for stamp in words for w in stamp.words]
    assert spoken == (SENTENCES[0] + SENTENCES[1]).split()
    starts = [s for stamp in words for s in stamp.start]
    ends = [e for stamp in words for e in stamp.end]
    assert starts == sorted(starts) and all(s < e for s, e in zip(starts, ends, strict=True))
    assert ends[-1] <= total + 0.01
    # The second sentence's words are placed after the first sentence's audio.
    assert starts[len(SENTENCES[0].split())] >= engine_seconds([SENTENCES[0]]) - 0.01
    phonemes = [e.phoneme_timestamps for e in events if e.type == "phoneme_timestamps"]
    phoneme_starts = [s for stamp in phonemes for s in stamp.start]
    assert len(phoneme_starts) > 40 and phoneme_starts == sorted(phoneme_starts)
    names = [n for stamp in phonemes for n in stamp.phonemes]
    assert names[:4] == ["ð", "ə", "k", "w"]  # "The quick"
    assert len(names) == len(phoneme_starts) and all(names)


def test_flush_answers_flush_done_and_later_chunks_carry_its_id(connection) -> None:
    fmt = {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 22050}
    context = connection.context(model_id="sonic-3", voice=VOICE, output_format=fmt)
    context.push("First part.", flush=True)
    context.push("Second part.", flush=True)
    context.push("Third part.")
    context.no_more_inputs()
    _, events = collect(context)
    kinds = [(e.type, getattr(e, "flush_id", None)) for e in events]
    flushes = [fid for kind, fid in kinds if kind == "flush_done"]
    assert flushes == [1, 2]
    first_flush = kinds.index(("flush_done", 1))
    assert all(fid is None for kind, fid in kinds[:first_flush] if kind == "chunk")
    assert ("chunk", 1) in kinds[first_flush:] and ("chunk", 2) in kinds
    assert kinds[-1] == ("done", None)


def test_cancel_stops_a_context_and_others_keep_working(connection) -> None:
    fmt = {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000}
    cancelled = connection.context(
        model_id="sonic-3", voice=VOICE, output_format=fmt, max_buffer_delay_ms=300
    )
    cancelled.push("This unfinished sentence waits in the server buffer and")
    cancelled.cancel()
    time.sleep(0.6)  # past the buffer delay: a cancel that failed would now generate audio
    other = connection.context(model_id="sonic-3", voice=VOICE, output_format=fmt)
    other.push("Still here.", continue_=False)
    audio, events = collect(other)
    # The SDK yields events of unknown contexts too: none of the cancelled one may appear.
    assert {e.context_id for e in events} == {other._context_id}
    assert events[-1].type == "done" and len(audio) > 0


def test_an_unfinished_sentence_is_spoken_after_the_buffer_delay(connection) -> None:
    fmt = {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000}
    context = connection.context(
        model_id="sonic-3", voice=VOICE, output_format=fmt, max_buffer_delay_ms=200
    )
    context.push("no punctuation here")
    first = next(iter(context.receive()))  # arrives without an end or a flush
    assert first.type == "chunk"
    context.no_more_inputs()
    _, events = collect(context)
    assert events[-1].type == "done"


def test_inline_markup_changes_length_and_inserts_silence(connection) -> None:
    fmt = {"container": "raw", "encoding": "pcm_f32le", "sample_rate": 24000}

    def seconds(transcript: str, **config) -> float:
        context = connection.context(model_id="sonic-3", voice=VOICE, output_format=fmt)
        context.push(transcript, continue_=False, **config)
        audio, events = collect(context)
        assert events[-1].type == "done", events[-1]
        return pcm.duration(len(audio), "pcm_f32le", 24000)

    plain = seconds("Speak this sentence at a normal pace.")
    fast = seconds('<speed ratio="1.5"/>Speak this sentence at a normal pace.')
    slow = seconds("Speak this sentence at a normal pace.", generation_config={"speed": 0.6})
    paused = seconds('Speak this sentence <break time="1s"/>at a normal pace.')
    emotional = seconds('<emotion value="excited"/>Speak this sentence at a normal pace.')
    assert fast < plain * 0.8 < plain < slow * 0.8
    assert paused > plain + 0.8
    assert emotional == pytest.approx(plain, rel=0.05)  # accepted, spoken neutrally


def test_volume_and_sonic2_speed_controls(connection) -> None:
    fmt = {"container": "raw", "encoding": "pcm_f32le", "sample_rate": 24000}
    text = "Loud and quiet are the same words."

    def audio(model: str, voice: dict, **config) -> np.ndarray:
        context = connection.context(model_id=model, voice=voice, output_format=fmt)
        context.push(text, continue_=False, **config)
        data, events = collect(context)
        assert events[-1].type == "done", events[-1]
        return pcm.decode(data, "pcm_f32le")

    quiet = audio("sonic-3", VOICE, generation_config={"volume": 0.5})
    loud = audio("sonic-3", VOICE, generation_config={"volume": 2.0})
    assert np.sqrt(np.mean(loud**2)) > 3 * np.sqrt(np.mean(quiet**2))
    plain = audio("sonic-2", VOICE)
    fastest = audio("sonic-2", {**VOICE, "__experimental_controls": {"speed": "fastest"}})
    assert len(fastest) < 0.8 * len(plain)


def test_ending_an_ended_context_again_is_harmless(connection) -> None:
    fmt = {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 8000}
    context = connection.context(model_id="sonic-3", voice=VOICE, output_format=fmt)
    context.push("The last words of this context.", continue_=False)
    context.no_more_inputs()  # an empty transcript with continue=false, after the end
    audio, events = collect(context)
    assert [e.type for e in events if e.type != "chunk"] == ["done"]
    assert pcm.duration(len(audio), "pcm_s16le", 8000) > 1.0


def test_the_sdk_ends_a_context_whose_model_and_format_came_with_each_push(connection) -> None:
    """A context made without model_id and output_format takes them with each push; the SDK's
    no_more_inputs() then sends its defaults (sonic-latest, pcm_f32le at 44100 Hz). An end
    brings no text to speak in any format: it ends the context, where it was refused as a
    change of model (400) and the pushed text's audio was lost."""
    fmt = {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000}
    context = connection.context(voice=VOICE)
    context.push("The model and the format come with this push.", model_id="sonic-3",
                 output_format=fmt)  # fmt: skip
    context.no_more_inputs()
    audio, events = collect(context)
    assert events[-1].type == "done"
    assert pcm.duration(len(audio), "pcm_s16le", 24000) > 1.0
