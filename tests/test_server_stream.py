"""The local server's audio stream: exactly the engine's audio, in order, in well-formed chunks."""

from __future__ import annotations

import base64
import ctypes
import gc
import json
import logging
from collections.abc import Iterator

import numpy as np
import pytest
import soxr
from websockets.sync.client import ClientConnection, connect

from sonicpipe import pcm
from sonicpipe.server import LocalServer
from sonicpipe.server.app import CHUNK_SAMPLES, FIRST_CHUNK_SAMPLES, chunk_message
from sonicpipe.server.engines import Synthesis, Word, load_engine, words_of
from sonicpipe.sonic import protocol as p

SENTENCES = [
    "Alice was beginning to get very tired of sitting by her sister on the bank. ",
    "Once or twice she had peeped into the book her sister was reading. ",
    "It had no pictures or conversations in it. ",
    "And what is the use of a book, thought Alice, without pictures or conversations?",
]


class Recording:
    """The real espeak voice, keeping what it said (espeak-ng varies slightly between runs)."""

    name = "espeak"

    def __init__(self) -> None:
        self.engine = load_engine("espeak")
        self.sample_rate = self.engine.sample_rate
        self.said: list[np.ndarray] = []
        self.speeds: list[float] = []
        self.words: list[list[str]] = []

    def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
        synthesis = self.engine.synthesize(words, speed)
        self.said.append(synthesis.samples)
        self.speeds.append(speed)
        self.words.append([w.text for w in words])
        return synthesis


@pytest.fixture(scope="module")
def voice() -> Recording:
    return Recording()


@pytest.fixture(scope="module")
def ws(voice: Recording) -> Iterator[ClientConnection]:
    with (
        LocalServer(engine=voice, max_contexts=32) as running,
        connect(running.url + p.WEBSOCKET_PATH, max_size=None) as conn,
    ):
        yield conn


def speak(ws: ClientConnection, context_id: str, rate: int, encoding: str) -> list[dict]:
    """Every message of one context sent as continuations, each flushed (so the chunks of
    sentence k carry flush_id k - 1), up to its done."""
    output = {"container": "raw", "encoding": encoding, "sample_rate": rate}
    for index, sentence in enumerate(SENTENCES):
        ws.send(
            json.dumps(
                {
                    "context_id": context_id,
                    "model_id": "sonic-3",
                    "transcript": sentence,
                    "voice": {"mode": "id", "id": "any"},
                    "continue": index < len(SENTENCES) - 1,
                    "flush": True,
                    "max_buffer_delay_ms": 0,
                    "add_timestamps": True,
                    "output_format": output,
                }
            )
        )
    messages = until_done(ws, context_id)
    flushes = [m["flush_id"] for m in messages if m["type"] == "flush_done"]
    assert flushes == list(range(1, len(SENTENCES) + 1))
    return messages


def until_done(ws: ClientConnection, context_id: str) -> list[dict]:
    """The messages of the context being spoken, up to its done (none may be an error); each
    a JSON text frame, audio included (base64 in ``data``), as the spec has it, carrying the
    context's id."""
    messages = []
    while True:
        frame = ws.recv(timeout=30)
        assert isinstance(frame, str), "a binary frame"
        message = json.loads(frame)
        messages.append(message)
        assert message["type"] != "error", message
        assert message["context_id"] == context_id, message["type"]
        if message["type"] == "done":
            assert message == {"type": "done", "done": True, "status_code": 200,
                               "context_id": context_id}  # fmt: skip
            return messages


def audio_of(messages: list[dict]) -> bytes:
    """The audio bytes of a context's chunks, in order."""
    return b"".join(base64.b64decode(m["data"]) for m in messages if m["type"] == "chunk")


def engine_audio(said: list[np.ndarray], engine_rate: int, rate: int, encoding: str) -> bytes:
    """What the engine said, resampled as one stream (when the rates differ) and encoded."""
    audio = np.clip(np.concatenate(said), -1.0, 1.0)
    if rate != engine_rate:
        resampler = soxr.ResampleStream(engine_rate, rate, 1, dtype="float32")
        body = resampler.resample_chunk(audio)
        audio = np.concatenate([body, resampler.resample_chunk(np.zeros(0, np.float32), last=True)])
    return pcm.encode(audio, encoding)


@pytest.mark.parametrize(
    ("rate", "encoding"),
    [(22050, "pcm_s16le"), (44100, "pcm_mulaw"), (8000, "pcm_alaw"), (48000, "pcm_f32le")],
)
def test_streamed_audio_is_exactly_the_engines_audio_in_order(
    ws: ClientConnection, voice: Recording, rate: int, encoding: str
) -> None:
    voice.said.clear()
    messages = speak(ws, f"exact-{rate}", rate, encoding)
    audio = audio_of(messages)
    assert len(voice.said) == len(SENTENCES)
    # Every sentence is flushed: each is resampled as a stream of its own, drained at its flush.
    said = [engine_audio([part], voice.sample_rate, rate, encoding) for part in voice.said]
    assert audio == b"".join(said)
    # Word timestamps count time from the context's start.
    starts = [
        t for m in messages if m["type"] == "timestamps" for t in m["word_timestamps"]["start"]
    ]
    assert starts == sorted(starts) and starts[-1] > 5.0


def test_the_audio_of_a_flushed_part_is_all_sent_before_its_flush_done(
    ws: ClientConnection, voice: Recording
) -> None:
    """flush_id maps audio to the text before each flush: every sample of a part comes
    before its flush_done, with that part's flush_id (the resampler's delay held a part's
    last samples back until after the flush_done, with the next part's id)."""
    voice.said.clear()
    messages = speak(ws, "parts", 44100, "pcm_s16le")
    parts = [b""]  # the audio between flush_dones
    for message in messages:
        if message["type"] == "flush_done":
            parts.append(b"")
        elif message["type"] == "chunk":
            assert message.get("flush_id") == (len(parts) - 1 or None)
            parts[-1] += base64.b64decode(message["data"])
    said = [engine_audio([part], voice.sample_rate, 44100, "pcm_s16le") for part in voice.said]
    assert parts == [*said, b""]


def test_word_timestamps_come_no_later_than_the_audio_they_cover(
    ws: ClientConnection, voice: Recording
) -> None:
    """A word's timestamps come before the chunk its audio starts in (a client that stops
    reading at a barge-in knows every word it heard), and every word is timed once."""
    voice.words.clear()
    messages = speak(ws, "timed", 44100, "pcm_f32le")
    received = 0.0  # seconds of audio before the message
    words: list[str] = []
    for message in messages:
        if message["type"] == "chunk":
            received += len(base64.b64decode(message["data"])) / 4 / 44100
        elif message["type"] == "timestamps":
            timed = message["word_timestamps"]
            assert timed["start"][0] >= received - 0.001, (timed, received)
            words += timed["words"]
    assert words == [word for said in voice.words for word in said]


def test_each_utterance_starts_with_a_short_chunk_then_larger_ones(ws: ClientConnection) -> None:
    messages = speak(ws, "sizes", 44100, "pcm_f32le")
    sizes: dict[int | None, list[int]] = {}  # of each sentence's chunks, by their flush_id
    for m in messages:
        if m["type"] == "chunk":
            sizes.setdefault(m.get("flush_id"), []).append(len(base64.b64decode(m["data"])) // 4)
    assert max(max(chunks) for chunks in sizes.values()) == CHUNK_SAMPLES
    first_sizes = [sizes[flush_id][0] for flush_id in [None, *range(1, len(SENTENCES))]]
    assert all(0 < size <= FIRST_CHUNK_SAMPLES for size in first_sizes), first_sizes


@pytest.mark.parametrize("flush_id", [None, 3])
@pytest.mark.parametrize("context_id", ["plain", 'quote " and \\ and é and \n'])
def test_chunk_message_is_the_json_of_the_protocol_chunk(
    context_id: str, flush_id: int | None
) -> None:
    audio = bytes(range(256)) * 3
    expected = json.dumps(p.Chunk(context_id, audio, 12.34567, flush_id).to_dict())
    made = chunk_message(context_id, memoryview(audio), 12.34567, flush_id)
    assert made.decode() == expected


def test_sonic2_controls_apply_to_their_own_request(ws: ClientConnection, voice: Recording) -> None:
    """sonic-2 sends its controls as fields of each request: each input is spoken at its own."""
    voice.speeds.clear()
    controls = [{}, {"speed": "fastest"}, {"speed": -0.5}, {}]
    for index, (sentence, control) in enumerate(zip(SENTENCES, controls, strict=True)):
        ws.send(json.dumps({
            "context_id": "sonic2-speeds", "model_id": "sonic-2", "transcript": sentence,
            "voice": {"mode": "id", "id": "any", "__experimental_controls": control},
            "continue": index < 3, "max_buffer_delay_ms": 0,
            "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 16000},
        }))  # fmt: skip
    until_done(ws, "sonic2-speeds")
    assert voice.speeds == [1.0, 1.5, pytest.approx(0.8), 1.0]


def test_sonic3_speed_starts_at_generation_config_and_a_tag_holds_for_later_inputs(
    ws: ClientConnection, voice: Recording
) -> None:
    """The spec: generation_config sets the sonic-3 family's speed; an inline <speed/> tag
    applies from that point (on through the context's later inputs: a context keeps its
    prosody across inputs)."""
    voice.speeds.clear()
    transcripts = [SENTENCES[0], f'<speed ratio="1.5"/>{SENTENCES[1]}', SENTENCES[2]]
    for index, transcript in enumerate(transcripts):
        ws.send(json.dumps({
            "context_id": "sonic3-speeds", "model_id": "sonic-3", "transcript": transcript,
            "voice": VOICE, "continue": index < 2, "max_buffer_delay_ms": 0,
            "generation_config": {"speed": 0.8}, "output_format": OUR_FORMAT,
        }))  # fmt: skip
    until_done(ws, "sonic3-speeds")
    assert voice.speeds == [0.8, 1.5, 1.5]


OUR_FORMAT = {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 16000}
VOICE = {"mode": "id", "id": "any"}


@pytest.mark.parametrize(
    ("model", "controls", "speed"),
    [
        ("sonic-3", {"generation_config": {"speed": 0.8}}, 0.8),
        ("sonic-3", {}, 1.25),
        ("sonic-2", {"voice": {"mode": "id", "id": "any",
                               "__experimental_controls": {"speed": "fastest"}}}, 1.5),
        ("sonic-2", {}, 1.25),
    ],
)  # fmt: skip
def test_the_family_speed_control_wins_over_the_top_level_speed_word(
    ws: ClientConnection, voice: Recording, model: str, controls: dict, speed: float
) -> None:
    """The top-level ``speed`` ("fast" here; not in the spec's table, the SDK sends it for any
    model) holds where the model's own control is not set; generation_config's speed on the
    sonic-3 family (it gave way to the word), voice.__experimental_controls on sonic-2."""
    voice.speeds.clear()
    ws.send(json.dumps({
        "context_id": f"word-{model}-{len(controls)}", "model_id": model,
        "transcript": SENTENCES[0], "voice": VOICE, "speed": "fast",
        "output_format": OUR_FORMAT, **controls,
    }))  # fmt: skip
    until_done(ws, f"word-{model}-{len(controls)}")
    assert voice.speeds == [pytest.approx(speed)]


@pytest.mark.parametrize(
    ("model", "fields", "ignored"),
    [
        (
            "sonic-2",
            {"generation_config": {"speed": 1.5, "volume": 2.0, "emotion": "sad"}, "voice": VOICE},
            ["generation_config.speed", "generation_config.volume", "generation_config.emotion",
             "<speed/>", "<volume/>"],
        ),
        (
            "sonic-3",
            {"voice": {**VOICE, "__experimental_controls": {"speed": "fastest",
                                                              "emotion": ["sadness:high"]}}},
            ["voice.__experimental_controls.speed", "voice.__experimental_controls.emotion"],
        ),
    ],
)  # fmt: skip
def test_a_control_of_the_other_model_family_is_ignored_with_a_note(
    ws: ClientConnection,
    voice: Recording,
    caplog: pytest.LogCaptureFixture,
    model: str,
    fields: dict,
    ignored: list[str],
) -> None:
    """The spec gives generation_config and inline speed and volume to the sonic-3 family and
    voice.__experimental_controls to sonic-2 only. It does not say outright that Sonic ignores
    the other family's controls; the local server ignores them, with a note, and speaks the
    engine's audio untouched."""
    caplog.set_level(logging.INFO, logger="sonicpipe.server")
    voice.said.clear()
    voice.speeds.clear()
    tags = '<speed ratio="0.7"/><volume ratio="2"/>' if model == "sonic-2" else ""
    context_id = f"other-family-{model}"
    ws.send(json.dumps({
        "context_id": context_id, "model_id": model, "transcript": SENTENCES[0] + tags
        + SENTENCES[1], "continue": False, "output_format": OUR_FORMAT, **fields,
    }))  # fmt: skip
    audio = audio_of(until_done(ws, context_id))
    assert voice.speeds == [1.0, 1.0]
    assert audio == engine_audio(voice.said, voice.sample_rate, 16000, "pcm_s16le")
    other = "sonic-3" if model == "sonic-2" else "sonic-2"
    notes = [r.getMessage() for r in caplog.records]
    for what in ignored:
        assert (
            f"context {context_id}: {what} is for the {other} family; {model} ignores it" in notes
        )


@pytest.mark.parametrize(
    ("fields", "note"),
    [
        (
            {"use_normalized_timestamps": True},
            "use_normalized_timestamps is not supported by the local voice; word timestamps "
            "are on the transcript as written",
        ),
        ({"pronunciation_dict_id": "dict-1"}, "saved pronunciation dictionaries are not "
                                              "available locally; ignored"),
        ({"language": "fr"}, "language 'fr' is spoken with the English local voice"),
    ],
)  # fmt: skip
def test_a_field_the_local_voice_cannot_honour_is_accepted_with_a_note(
    ws: ClientConnection,
    voice: Recording,
    caplog: pytest.LogCaptureFixture,
    fields: dict,
    note: str,
) -> None:
    """The spec's use_normalized_timestamps (timestamps on the normalized transcript: the
    local voice has none), pronunciation_dict_id (a dictionary saved with Cartesia) and
    language (the local voice is English) are accepted, as Sonic accepts them, and noted: the
    audio is the engine's, untouched, and the word timestamps those of the words as written."""
    caplog.set_level(logging.INFO, logger="sonicpipe.server")
    voice.said.clear()
    context_id = f"noted-{sorted(fields)[0]}"
    transcript = "Meet me at 2 pm."
    ws.send(json.dumps({
        "context_id": context_id, "model_id": "sonic-3", "transcript": transcript,
        "continue": False, "output_format": OUR_FORMAT, "voice": VOICE, "add_timestamps": True,
        **fields,
    }))  # fmt: skip
    messages = until_done(ws, context_id)
    assert audio_of(messages) == engine_audio(voice.said, voice.sample_rate, 16000, "pcm_s16le")
    timed = [m["word_timestamps"]["words"] for m in messages if m["type"] == "timestamps"]
    assert [word for words in timed for word in words] == transcript.split()
    notes = [r.getMessage() for r in caplog.records]
    assert notes.count(f"context {context_id}: {note}") == 1


@pytest.mark.parametrize("model", ["sonic-2", "sonic-turbo"])
def test_break_and_spell_tags_on_the_sonic2_family_are_skipped_with_one_note_each(
    ws: ClientConnection, voice: Recording, caplog: pytest.LogCaptureFixture, model: str
) -> None:
    """The spec lists <break/> and <spell> under the sonic-3 family's inline markup; it does not
    say outright what Sonic does with them on sonic-2. The local server adds no pause and reads
    spelled text as written: the stream is the engine's audio untouched, one note per tag."""
    caplog.set_level(logging.INFO, logger="sonicpipe.server")
    voice.said.clear()
    voice.words.clear()
    context_id = f"sonic2-break-spell-{model}"
    transcript = (
        f'{SENTENCES[0]}<break time="1s"/>Call <spell>AB-12</spell> now.<break time="500ms"/> '
        "<spell>C3</spell> too."
    )
    ws.send(json.dumps({
        "context_id": context_id, "model_id": model, "transcript": transcript, "continue": False,
        "output_format": OUR_FORMAT, "voice": VOICE,
    }))  # fmt: skip
    audio = audio_of(until_done(ws, context_id))
    assert voice.words == [SENTENCES[0].split(), ["Call", "AB-12", "now.", "C3", "too."]]
    assert audio == engine_audio(voice.said, voice.sample_rate, 16000, "pcm_s16le")
    notes = [r.getMessage() for r in caplog.records]
    for tag in ("<break/>", "<spell>"):
        note = f"context {context_id}: {tag} is for the sonic-3 family; {model} ignores it"
        assert notes.count(note) == 1


def ctypes_types() -> int:
    """How many ctypes array and pointer types exist."""
    kinds = (type(ctypes.c_short * 1), type(ctypes.POINTER(ctypes.c_short)))
    # type(), not isinstance(): a weak proxy whose object is gone raises on isinstance()
    return sum(1 for o in gc.get_objects() if type(o) in kinds)


def test_espeak_audio_of_any_length_makes_no_new_ctypes_type(voice: Recording) -> None:
    # A type per buffer size was kept forever: ~28 MB over a whole book.
    voice.engine.synthesize(words_of(SENTENCES[0]))
    before = ctypes_types()
    said = [voice.engine.synthesize(words_of(text)) for text in SENTENCES[1:]]
    assert len({s.samples.size for s in said}) == len(SENTENCES) - 1
    assert all(np.abs(s.samples).max() > 0.1 for s in said)
    assert ctypes_types() == before
