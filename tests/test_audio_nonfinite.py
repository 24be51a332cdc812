"""Samples that are not numbers (NaN, infinity) in the audio: silence, not a broken stream."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile

from sonicpipe import pcm
from sonicpipe.audio import AudioChain, open_writer
from sonicpipe.audio.signals import speech_like
from sonicpipe.config import Settings

RATE = 24000
DAMAGED = [30_000, 30_001, 71_234]  # where the stream holds samples that are not numbers


def damaged_speech(bad: float) -> tuple[np.ndarray, np.ndarray]:
    """Speech with a few samples replaced by ``bad``, and the same speech with zeros there."""
    clean = speech_like(RATE, 5.0, seed=4)
    clean[DAMAGED] = 0.0
    damaged = clean.copy()
    damaged[DAMAGED] = bad
    return damaged, clean


def run_chunked(chain: AudioChain, samples: np.ndarray, size: int = 2400) -> np.ndarray:
    chain.open(RATE)
    parts = [chain.process(samples[i : i + size]) for i in range(0, samples.size, size)]
    return np.concatenate([*parts, chain.flush()])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize(
    "options",
    [
        {"loudness": {"preset": "podcast"}},
        {"loudness": {"preset": "acx", "mode": "file"}},
        {"resample": {"target_rate": 8000}, "loudness": {"preset": "broadcast"}},
        {"pauses": {}},
    ],
    ids=["stream", "file", "resample", "pauses"],
)
def test_a_sample_that_is_not_a_number_is_silence_for_the_whole_chain(
    options: dict, bad: float
) -> None:
    """One NaN used to make the streaming loudness (its filters keep state) return NaN for
    the rest of the stream, and file mode return the stream without normalizing it."""
    damaged, clean = damaged_speech(bad)
    out = run_chunked(AudioChain(Settings(options=options)), damaged)
    expected = run_chunked(AudioChain(Settings(options=options)), clean)
    assert np.isfinite(out).all()
    assert np.array_equal(out, expected)


@pytest.mark.parametrize("encoding", ["pcm_s16le", "pcm_f32le", "pcm_mulaw", "pcm_alaw"])
def test_a_wav_of_a_damaged_stream_holds_silence_where_the_damage_was(
    tmp_path: Path, encoding: str
) -> None:
    damaged, clean = damaged_speech(np.nan)
    settings = Settings(options={"writers": {"encoding": encoding}})
    for name, samples in [("damaged.wav", damaged), ("clean.wav", clean)]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "invalid value encountered in cast"
            with open_writer(tmp_path / name, RATE, settings) as writer:
                writer.write(samples)
    back, _ = soundfile.read(tmp_path / "damaged.wav", dtype="float32")
    assert np.array_equal(back, soundfile.read(tmp_path / "clean.wav", dtype="float32")[0])


@pytest.mark.parametrize("encoding", ["pcm_s16le", "pcm_mulaw", "pcm_alaw"])
def test_integer_encodings_give_nan_the_code_of_zero_and_infinity_full_scale(
    encoding: str,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = pcm.encode(np.array([np.nan, np.inf, -np.inf], np.float32), encoding)
        expected = pcm.encode(np.array([0.0, 1.0, -1.0], np.float32), encoding)
    assert data == expected


def test_integer_pcm_is_refused_rather_than_played_at_full_scale(tmp_path: Path) -> None:
    """int16 PCM taken for floats is every sample clipped to full scale: loud noise."""
    pcm16 = np.round(speech_like(RATE, 0.5) * 32767).astype(np.int16)
    message = r"audio samples are floats in \[-1, 1\], not int16 .*divide by 32768"
    with (
        open_writer(tmp_path / "call.wav", RATE) as writer,
        pytest.raises(ValueError, match=message),
    ):
        writer.write(pcm16)
    chain = AudioChain(Settings(options={"resample": {"target_rate": 8000}}))
    chain.open(RATE)
    with pytest.raises(ValueError, match=message):
        chain.process(pcm16)
    assert soundfile.info(tmp_path / "call.wav").frames == 0
