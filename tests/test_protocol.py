"""Sonic message types: parsing, validation errors, and symmetric to_dict/from_dict."""

import json
import re

import pytest

from sonicpipe.config import OutputFormat
from sonicpipe.sonic import protocol as p


def request(**changes):
    base = {
        "context_id": "ctx-1",
        "model_id": "sonic-3",
        "transcript": "Hello there. ",
        "voice": {"mode": "id", "id": "a0e99841-438c-4a64-b679-ae501e7d6091"},
        "output_format": {"container": "raw", "encoding": "pcm_s16le", "sample_rate": 24000},
        "continue": True,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def error_of(message) -> p.ProtocolError:
    with pytest.raises(p.ProtocolError) as info:
        p.parse_request(message)
    return info.value


def test_a_full_request_parses_and_round_trips() -> None:
    data = request(
        language="en",
        max_buffer_delay_ms=0,
        add_timestamps=True,
        add_phoneme_timestamps=True,
        generation_config={"speed": 1.2, "volume": 0.8, "emotion": "excited"},
        flush=True,
        use_normalized_timestamps=True,
        pronunciation_dict_id="dict-1",
    )
    parsed = p.parse_request(json.dumps(data))
    assert isinstance(parsed, p.GenerationRequest)
    assert parsed.output_format == OutputFormat("pcm_s16le", 24000)
    assert parsed.generation_config == p.GenerationConfig(1.2, 0.8, "excited")
    assert parsed.continue_ and parsed.flush and parsed.buffer_delay_ms == 0
    assert parsed.use_normalized_timestamps and parsed.pronunciation_dict_id == "dict-1"
    assert p.GenerationRequest.from_dict(parsed.to_dict()) == parsed
    assert parsed.to_dict() == data


def test_an_embedding_voice_and_the_longest_buffer_delay_parse() -> None:
    """The spec allows the embedding voice mode "on old versions" without saying which: it is
    taken on every version."""
    data = request(voice={"mode": "embedding", "embedding": [0.5, -1, 2]}, max_buffer_delay_ms=5000)
    parsed = p.parse_request(data)
    assert parsed.voice == p.Voice(mode="embedding", embedding=(0.5, -1.0, 2.0))
    assert parsed.buffer_delay_ms == 5000
    assert parsed.to_dict() == data


def test_defaults_and_the_sdk_shapes_of_voice() -> None:
    parsed = p.parse_request(request(voice="6ccbfb76-1fc6-48f7-b71d-91ac6298247b"))
    assert parsed.voice.id == "6ccbfb76-1fc6-48f7-b71d-91ac6298247b"
    assert parsed.buffer_delay_ms == 3000  # the spec's default
    ended = p.parse_request(request(transcript="", **{"continue": False}))
    assert ended.ends_context and ended.transcript == ""
    sonic2 = p.parse_request(
        request(
            model_id="sonic-2",
            voice={"id": "x", "__experimental_controls": {"speed": "fast",
                                                          "emotion": ["positivity:high"]}},
        )
    )  # fmt: skip
    assert sonic2.voice.experimental_controls == {"speed": "fast", "emotion": ["positivity:high"]}


def test_cancel_round_trips() -> None:
    parsed = p.parse_request('{"context_id": "c", "cancel": true}')
    assert parsed == p.CancelRequest("c")
    assert p.parse_request(parsed.to_dict()) == parsed


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("{not json", "not valid JSON"),
        (b"\x00\x01", "binary frames are not accepted"),
        ("[1, 2]", "expected a JSON object"),
        (request(model_id="tacotron"), "'tacotron' is not a valid model"),
        (request(model_id="sonic-9"), "'sonic-9' is not a valid model; valid: sonic-3, sonic-3.5"),
        (request(transcript=5), "transcript: expected a string, got int 5"),
        (request(transcript=...), "transcript: required"),
        (request(context_id=...), "context_id: required"),
        (request(voice=...), "voice: required"),
        (request(voice=[1]), "voice: expected an object"),
        (request(voice={"mode": "id"}), "voice.id: required"),
        (request(voice={"mode": "clone", "id": "x"}), "voice.mode 'clone' is not valid"),
        (request(shout=True), "unknown field 'shout'; valid fields:"),
        (request(**{"continue": "yes"}), "continue: expected true or false"),
        (request(output_format=...), "output_format: required"),
        (
            request(
                output_format={"container": "wav", "encoding": "pcm_s16le", "sample_rate": 24000}
            ),
            "returns 'raw' only",
        ),
        (
            request(
                output_format={"container": "ogg", "encoding": "pcm_s16le", "sample_rate": 24000}
            ),
            "valid: raw, wav, mp3",
        ),
        (
            request(output_format={"container": "raw", "encoding": "pcm_u8", "sample_rate": 24000}),
            "valid: pcm_f32le",
        ),
        (
            request(
                output_format={"container": "raw", "encoding": "pcm_s16le", "sample_rate": 11025}
            ),
            "valid: 8000, 16000",
        ),
        (
            request(
                output_format={"container": "raw", "encoding": "pcm_s16le", "sample_rate": "24000"}
            ),
            "sample_rate: expected one of",
        ),
        (request(max_buffer_delay_ms=9000), "valid: 0 to 5000"),
        (request(max_buffer_delay_ms=1.5), "max_buffer_delay_ms: expected an integer"),
        (request(generation_config={"speed": 3}), "valid: 0.6 to 1.5"),
        (request(generation_config={"volume": "loud"}), "volume: expected a number"),
        (request(generation_config={"emotion": "grumpy"}), "unknown emotion 'grumpy'"),
        (request(generation_config={"pitch": 1}), "unknown field 'pitch'"),
        (request(speed="warp"), "speed 'warp' is not valid; valid: slow, normal, fast"),
        (request(voice={"id": "x", "__experimental_controls": {"speed": 4}}), "valid: -1 to 1"),
        (
            request(voice={"id": "x", "__experimental_controls": {"emotion": ["joy:max"]}}),
            "emotion 'joy:max' is not valid",
        ),
        (
            request(voice={"id": "x", "__experimental_controls": {"emotion": ["positivity:"]}}),
            "emotion 'positivity:' is not valid",
        ),
        (request(max_buffer_delay_ms=-1), "max_buffer_delay_ms -1 is out of range; valid: 0 to"),
        (request(max_buffer_delay_ms=5001), "max_buffer_delay_ms 5001 is out of range"),
        (request(voice={"mode": "embedding"}), "voice.embedding: expected a list of numbers"),
        (request(voice={"id": "x", "embedding": [0.1]}), "only valid with voice.mode 'embedding'"),
        ('{"context_id": "c", "cancel": "now"}', "cancel: expected true"),
        ('{"cancel": true}', "context_id: required to cancel"),
    ],
)
def test_bad_requests_name_the_field_and_the_valid_values(message, words: str) -> None:
    error = error_of(message)
    assert error.status_code == 400
    assert words in error.message
    response = error.to_response().to_dict()
    assert response["type"] == "error" and response["done"] is True
    assert response["status_code"] == 400 and response["error"] == error.message


def test_errors_carry_the_context_id_when_the_request_has_one() -> None:
    assert error_of(request(model_id="nope")).context_id == "ctx-1"
    assert error_of(request(context_id=7)).context_id is None
    assert error_of('{"context_id": "c", "cancel": 1}').context_id == "c"


@pytest.mark.parametrize(
    "message",
    [
        p.Chunk("c", b"\x01\x02\x03", step_time=12.5, flush_id=2),
        p.Chunk("c", b"audio"),
        p.Timestamps("c", ("Hello", "world"), (0.0, 0.4), (0.35, 0.9)),
        p.PhonemeTimestamps("c", ("h", "ə"), (0.0, 0.1), (0.1, 0.2), flush_id=1),
        p.FlushDone("c", 3),
        p.Done("c"),
        p.ErrorMessage("too many", 429, "c"),
        p.ErrorMessage("bad key", 401),
    ],
)
def test_responses_round_trip_through_json(message) -> None:
    wire = json.dumps(message.to_dict())
    assert p.parse_response(wire) == message


def test_response_shapes_follow_the_spec() -> None:
    chunk = p.Chunk("c", b"\x00\x01").to_dict()
    assert chunk == {"type": "chunk", "data": "AAE=", "done": False, "status_code": 206,
                     "step_time": 0.0, "context_id": "c"}  # fmt: skip
    assert p.Done("c").to_dict() == {"type": "done", "done": True, "status_code": 200,
                                     "context_id": "c"}  # fmt: skip
    stamps = p.Timestamps("c", ("Hi",), (0.0,), (0.2,)).to_dict()
    assert stamps == {
        "type": "timestamps", "done": False, "status_code": 206, "context_id": "c",
        "word_timestamps": {"words": ["Hi"], "start": [0.0], "end": [0.2]},
    }  # fmt: skip
    phonemes = p.PhonemeTimestamps("c", ("h", "aɪ"), (0.0, 0.1), (0.1, 0.2), 2).to_dict()
    assert phonemes == {
        "type": "phoneme_timestamps", "done": False, "status_code": 206, "context_id": "c",
        "flush_id": 2,
        "phoneme_timestamps": {"phonemes": ["h", "aɪ"], "start": [0.0, 0.1], "end": [0.1, 0.2]},
    }  # fmt: skip
    assert p.FlushDone("c", 1).to_dict() == {"type": "flush_done", "flush_done": True,
                                             "flush_id": 1, "done": False, "status_code": 206,
                                             "context_id": "c"}  # fmt: skip
    error = p.ErrorMessage("too many", 429, "c").to_dict()
    assert error == {
        "type": "error", "done": True, "error": "too many", "status_code": 429,
        "title": "Too Many Requests", "message": "too many", "context_id": "c",
    }  # fmt: skip


@pytest.mark.parametrize(
    "wire",
    [
        {"type": "error", "done": True, "error": "no such voice", "status_code": 400},
        # The official SDK 4.x models an error as title and message, with no error field.
        {"type": "error", "done": True, "title": "Bad Request", "message": "no such voice",
         "status_code": 400, "error_code": "voice_not_found"},
    ],
)  # fmt: skip
def test_an_error_is_read_in_the_spec_shape_and_in_the_sdk_shape(wire: dict) -> None:
    assert p.parse_response({**wire, "context_id": "c"}) == p.ErrorMessage(
        "no such voice", 400, "c"
    )


def test_unknown_response_type_is_named() -> None:
    with pytest.raises(p.ProtocolError, match="response type 'audio' is not known"):
        p.parse_response({"type": "audio"})


@pytest.mark.parametrize("parse", [p.parse_request, p.parse_response])
@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("[" * 100_000, "message is not valid JSON: nested too deeply"),
        ('{"flush_id": ' + "1" * 5000 + "}", "message is not valid JSON: a number of more than"),
        ('{"type": ', "message is not valid JSON: Expecting value at position 9"),
    ],
)
def test_json_past_the_decoders_limits_is_a_protocol_error(parse, message: str, words: str) -> None:
    """json.loads raises RecursionError and ValueError for these, not JSONDecodeError: out of
    the client's reader, they ended it (and the server answered 500)."""
    with pytest.raises(p.ProtocolError, match=re.escape(words)):
        parse(message)


def test_response_bytes_that_are_no_utf8_are_a_protocol_error() -> None:
    with pytest.raises(p.ProtocolError, match="message is not valid JSON: 'utf-8' codec"):
        p.parse_response(b"\xff")


def test_version_values() -> None:
    assert p.check_version("2026-08-14") == "2026-08-14"
    assert p.check_version("2024-02-29") == "2024-02-29"  # any real date: newer versions too
    for value in ("latest", "2024-13-45", "2025-02-30", "2024-06-10\n", "２０２４-06-10"):
        with pytest.raises(p.ProtocolError, match="is not a version; use a date such as 2025"):
            p.check_version(value)


@pytest.mark.parametrize(
    ("wire", "words"),
    [
        ({"type": "timestamps", "context_id": "c", "word_timestamps": [1, 2]},
         "word_timestamps: expected an object, got list"),
        ({"type": "timestamps", "context_id": "c",
          "word_timestamps": {"words": ["a"], "start": ["0"], "end": [0.1]}},
         "word_timestamps.start: expected a list of numbers, got list"),
        ({"type": "timestamps", "context_id": "c",
          "word_timestamps": {"words": ["a", "b"], "start": [0.0], "end": [0.1]}},
         "word_timestamps: 2 words, 1 start and 1 end times"),
        ({"type": "phoneme_timestamps", "context_id": "c",
          "phoneme_timestamps": {"phonemes": "h", "start": [0.0], "end": [0.1]}},
         "phoneme_timestamps.phonemes: expected a list of strings, got str"),
        ({"type": "error", "context_id": ["c"], "error": "boom"},
         "context_id: expected a string, got list"),
        ({"type": "chunk", "context_id": 7, "data": ""}, "context_id: expected a string, got int"),
        ({"type": "chunk", "context_id": "c", "data": "", "flush_id": "2"},
         "flush_id: expected a whole number, got str"),
        ({"type": "flush_done", "context_id": "c", "flush_id": 1.5},
         "flush_id: expected a whole number, got float"),
    ],
)  # fmt: skip
def test_a_malformed_response_is_a_protocol_error_naming_the_field(wire: dict, words: str) -> None:
    """A server message of the wrong shape raised AttributeError or TypeError, which ended
    the client's reader (its contexts failed as if the connection had closed)."""
    with pytest.raises(p.ProtocolError, match=re.escape(words)):
        p.parse_response(json.dumps(wire))
