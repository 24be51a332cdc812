"""Sonic's raw PCM encodings: float32 samples to bytes and back, vectorized with numpy.

The four encodings are the ones Sonic returns (``sonicpipe.config.ENCODINGS``): little-endian
float32, little-endian signed 16-bit, and the two G.711 companded 8-bit codes (mu-law and
A-law, bit-exact with the ITU-T G.711 reference tables). Samples are mono floats in [-1, 1];
values outside are clipped when encoding to an integer format, and NaN is encoded as 0.
"""

from __future__ import annotations

import numpy as np

from sonicpipe.config import ENCODINGS

BYTES_PER_SAMPLE = {"pcm_f32le": 4, "pcm_s16le": 2, "pcm_mulaw": 1, "pcm_alaw": 1}

_S16_SCALE = 32768.0
_MULAW_BIAS = 0x84
_MULAW_CLIP = 32635
# Upper bound of each G.711 segment (A-law on the 13-bit scale, mu-law on the 14-bit scale).
_ALAW_SEG_END = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF])
_MULAW_SEG_END = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])


def _check_encoding(encoding: str) -> None:
    if encoding not in BYTES_PER_SAMPLE:
        raise ValueError(f"encoding {encoding!r} is not valid; valid: {', '.join(ENCODINGS)}")


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to int16 (clipped, rounded to nearest, ties to even; NaN
    is 0)."""
    samples = np.asarray(samples)
    # Scaling by a power of two is exact, so float32 input needs no float64 copy.
    dtype = np.float32 if samples.dtype == np.float32 else np.float64
    scaled = np.multiply(samples, _S16_SCALE, dtype=dtype)
    scaled[np.isnan(scaled)] = 0  # a cast of NaN is undefined (and warns)
    np.rint(scaled, out=scaled)
    np.clip(scaled, -32768, 32767, out=scaled)
    return scaled.astype(np.int16)


def linear_to_mulaw(pcm: np.ndarray) -> np.ndarray:
    """int16 samples to G.711 mu-law codes (uint8)."""
    value = np.asarray(pcm, dtype=np.int32) >> 2
    negative = value < 0
    magnitude = np.where(negative, -value, value)
    magnitude = np.minimum(magnitude, _MULAW_CLIP >> 2) + (_MULAW_BIAS >> 2)
    segment = np.searchsorted(_MULAW_SEG_END, magnitude)
    code = (segment << 4) | ((magnitude >> (segment + 1)) & 0x0F)
    mask = np.where(negative, 0x7F, 0xFF)
    return (code ^ mask).astype(np.uint8)


def linear_to_alaw(pcm: np.ndarray) -> np.ndarray:
    """int16 samples to G.711 A-law codes (uint8)."""
    value = np.asarray(pcm, dtype=np.int32) >> 3
    negative = value < 0
    magnitude = np.where(negative, -value - 1, value)
    segment = np.searchsorted(_ALAW_SEG_END, magnitude)
    shift = np.maximum(segment, 1)
    code = np.where(
        segment >= 8,
        0x7F,
        (np.minimum(segment, 7) << 4) | ((magnitude >> shift) & 0x0F),
    )
    mask = np.where(negative, 0x55, 0xD5)
    return (code ^ mask).astype(np.uint8)


def _mulaw_table() -> np.ndarray:
    code = ~np.arange(256, dtype=np.int32) & 0xFF
    t = (((code & 0x0F) << 3) + _MULAW_BIAS) << ((code & 0x70) >> 4)
    return np.where(code & 0x80, _MULAW_BIAS - t, t - _MULAW_BIAS).astype(np.int16)


def _alaw_table() -> np.ndarray:
    code = np.arange(256, dtype=np.int32) ^ 0x55
    segment = (code & 0x70) >> 4
    t = (code & 0x0F) << 4
    t = np.where(segment == 0, t + 8, (t + 0x108) << np.maximum(segment - 1, 0))
    return np.where(code & 0x80, t, -t).astype(np.int16)


MULAW_TO_LINEAR = _mulaw_table()
ALAW_TO_LINEAR = _alaw_table()
# Every int16 value's code, indexed by the value's bits as uint16: one lookup per sample.
_ALL_S16 = np.arange(-32768, 32768, dtype=np.int16)
_S16_TO_MULAW = np.empty(65536, np.uint8)
_S16_TO_MULAW[_ALL_S16.view(np.uint16)] = linear_to_mulaw(_ALL_S16)
_S16_TO_ALAW = np.empty(65536, np.uint8)
_S16_TO_ALAW[_ALL_S16.view(np.uint16)] = linear_to_alaw(_ALL_S16)


def encode(samples: np.ndarray, encoding: str) -> bytes:
    """Encode mono float samples in [-1, 1] as ``encoding`` bytes."""
    _check_encoding(encoding)
    if encoding == "pcm_f32le":
        return np.asarray(samples, dtype="<f4").tobytes()
    pcm = to_int16(samples)
    if encoding == "pcm_s16le":
        return pcm.astype("<i2", copy=False).tobytes()
    table = _S16_TO_MULAW if encoding == "pcm_mulaw" else _S16_TO_ALAW
    return table[pcm.view(np.uint16)].tobytes()


def decode(data: bytes, encoding: str) -> np.ndarray:
    """Decode ``encoding`` bytes into float32 samples in [-1, 1]."""
    _check_encoding(encoding)
    width = BYTES_PER_SAMPLE[encoding]
    if len(data) % width:
        raise ValueError(
            f"{len(data)} bytes is not a whole number of {encoding} samples ({width} bytes each)"
        )
    if encoding == "pcm_f32le":
        return np.frombuffer(data, dtype="<f4").astype(np.float32)
    if encoding == "pcm_s16le":
        pcm = np.frombuffer(data, dtype="<i2")
    else:
        table = MULAW_TO_LINEAR if encoding == "pcm_mulaw" else ALAW_TO_LINEAR
        pcm = table[np.frombuffer(data, dtype=np.uint8)]
    return np.multiply(pcm, np.float32(1 / _S16_SCALE), dtype=np.float32)  # 2**-15: exact


def duration(data_length: int, encoding: str, sample_rate: int) -> float:
    """Seconds of audio in ``data_length`` bytes of ``encoding`` at ``sample_rate``."""
    _check_encoding(encoding)
    return data_length / BYTES_PER_SAMPLE[encoding] / sample_rate
