"""PCM encoders and decoders: bit-exact G.711, round trips, clear errors."""

import hashlib

import numpy as np
import pytest

from sonicpipe import pcm
from sonicpipe.config import ENCODINGS

ALL_S16 = np.arange(-32768, 32768, dtype=np.int16)


def test_mulaw_encoder_matches_the_g711_reference_table() -> None:
    # sha256 of the reference encoder's output for every int16 value (Sun/CCITT g711.c).
    codes = pcm.linear_to_mulaw(ALL_S16).tobytes()
    assert hashlib.sha256(codes).hexdigest() == (
        "81d633c9e6972a18c74a58720b96cb8ca0bdd096d4060b646dd708c3b846019a"
    )


def test_alaw_encoder_matches_the_g711_reference_table() -> None:
    codes = pcm.linear_to_alaw(ALL_S16).tobytes()
    assert hashlib.sha256(codes).hexdigest() == (
        "38488f6fd710f4686360edc4d38639f96c491595ef93f8eb8d62d5e07ca6ce7b"
    )


def test_known_g711_codes() -> None:
    values = np.array([0, 1000, -1000, 32767, -32768], dtype=np.int16)
    assert list(pcm.linear_to_mulaw(values)) == [255, 206, 78, 128, 0]
    assert list(pcm.linear_to_alaw(values)) == [213, 250, 122, 170, 42]


@pytest.mark.parametrize(
    ("encode", "table", "others"),
    [
        (pcm.linear_to_mulaw, pcm.MULAW_TO_LINEAR, {0x7F: 0xFF}),  # -0 encodes as +0
        (pcm.linear_to_alaw, pcm.ALAW_TO_LINEAR, {}),  # A-law has no zero: 0x55, 0xD5 are -+8
    ],
)
def test_every_code_decodes_to_a_value_that_encodes_back_to_it(encode, table, others) -> None:
    codes = np.arange(256, dtype=np.uint8)
    again = encode(table[codes])
    # mu-law has two codes for zero (0x7F, 0xFF); every other code is its own fixed point.
    assert {c: a for c, a in zip(codes.tolist(), again.tolist(), strict=True) if c != a} == others


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_round_trip_keeps_a_sine_within_the_encoding_precision(encoding: str) -> None:
    t = np.arange(2400) / 24000
    wave = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    data = pcm.encode(wave, encoding)
    assert len(data) == len(wave) * pcm.BYTES_PER_SAMPLE[encoding]
    back = pcm.decode(data, encoding)
    tolerance = {"pcm_f32le": 0, "pcm_s16le": 1 / 32768, "pcm_mulaw": 0.02, "pcm_alaw": 0.02}
    assert back.dtype == np.float32
    assert np.max(np.abs(back - wave)) <= tolerance[encoding]
    assert pcm.duration(len(data), encoding, 24000) == pytest.approx(0.1)


def test_integer_encodings_clip_out_of_range_samples() -> None:
    data = pcm.encode(np.array([2.0, -2.0], dtype=np.float32), "pcm_s16le")
    assert np.frombuffer(data, "<i2").tolist() == [32767, -32768]


def test_unknown_encoding_and_partial_samples_are_refused_with_valid_values() -> None:
    with pytest.raises(ValueError, match="pcm_f32le, pcm_s16le, pcm_mulaw, pcm_alaw"):
        pcm.encode(np.zeros(3), "mp3")
    with pytest.raises(ValueError, match="3 bytes is not a whole number of pcm_s16le samples"):
        pcm.decode(b"abc", "pcm_s16le")


@pytest.mark.parametrize(
    ("encoding", "digest"),
    [
        ("pcm_mulaw", "81d633c9e6972a18c74a58720b96cb8ca0bdd096d4060b646dd708c3b846019a"),
        ("pcm_alaw", "38488f6fd710f4686360edc4d38639f96c491595ef93f8eb8d62d5e07ca6ce7b"),
    ],
)
def test_encode_gives_the_reference_g711_code_for_every_int16_value(
    encoding: str, digest: str
) -> None:
    # Every int16 value as a float sample (exact in float32); encode uses a lookup table.
    codes = pcm.encode(ALL_S16.astype(np.float32) / 32768, encoding)
    assert hashlib.sha256(codes).hexdigest() == digest


def test_float32_and_float64_samples_round_to_the_same_int16() -> None:
    rng = np.random.default_rng(7)
    ties = (np.arange(-40000, 40000) + 0.5) / 32768  # halfway between codes; some out of range
    samples = np.concatenate([ties, rng.uniform(-1.5, 1.5, 100_000), [0.0, -0.0, 1.0, -1.0]])
    samples = samples.astype(np.float32)
    reference = np.clip(np.round(samples.astype(np.float64) * 32768), -32768, 32767)
    assert np.array_equal(pcm.to_int16(samples), reference.astype(np.int16))
    assert np.array_equal(pcm.to_int16(samples.astype(np.float64)), reference.astype(np.int16))
    assert pcm.to_int16(samples).dtype == np.int16
