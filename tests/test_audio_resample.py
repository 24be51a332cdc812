"""The resample plugin and the audio chain: streaming equals one-shot, no clicks, options."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soxr

from sonicpipe.audio import AudioChain
from sonicpipe.audio.loudness import Limiter, StreamingLoudness
from sonicpipe.audio.resample import Resampler
from sonicpipe.audio.signals import speech_like
from sonicpipe.cli import main
from sonicpipe.config import ConfigError, Settings


def sine(freq: float, rate: int, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def chunked(chain: AudioChain, samples: np.ndarray, seed: int = 7) -> tuple[np.ndarray, list[int]]:
    """Feed ``samples`` in random chunk sizes; return the output and the input cut points."""
    rng = np.random.default_rng(seed)
    out, cuts, pos = [], [], 0
    while pos < samples.size:
        size = int(rng.integers(1, 3000))
        out.append(chain.process(samples[pos : pos + size]))
        pos += size
        cuts.append(pos)
    out.append(chain.flush())
    return np.concatenate(out), cuts[:-1]


def resample_settings(rate: int, **extra: object) -> Settings:
    return Settings(options={"resample": {"target_rate": rate, **extra}})


@pytest.mark.parametrize(("source", "target"), [(44100, 24000), (24000, 8000), (22050, 48000)])
def test_chunked_streaming_equals_one_shot(source: int, target: int) -> None:
    rng = np.random.default_rng(3)
    signal = sine(440, source, 1.5) + 0.1 * rng.standard_normal(int(source * 1.5)).astype(
        np.float32
    )
    chain = AudioChain(resample_settings(target))
    assert chain.open(source) == target
    streamed, _ = chunked(chain, signal)
    once = soxr.resample(signal, source, target)
    assert streamed.dtype == np.float32
    assert streamed.size == once.size
    assert np.max(np.abs(streamed - once)) < 1e-4


def test_no_click_at_chunk_boundaries_when_resampling_to_telephony_rate() -> None:
    source, target = 24000, 8000
    chain = AudioChain(resample_settings(target))
    chain.open(source)
    streamed, cuts = chunked(chain, sine(1000, source, 2.0))
    ideal = sine(1000, target, 2.0)
    error = np.abs(streamed - ideal)
    edge = 200  # the filter's start and end transients
    # Every boundary (mapped to the output rate) is as clean as the rest of the signal.
    at_cuts = [
        error[round(c * target / source)]
        for c in cuts
        if edge < c * target / source < ideal.size - edge
    ]
    assert len(at_cuts) > 20
    assert max(at_cuts) < 1e-3
    assert np.max(error[edge:-edge]) < 1e-3


def test_loudness_after_resampling_streams_click_free_with_bounded_latency() -> None:
    source, target = 24000, 8000
    settings = Settings(
        options={"loudness": {"preset": "podcast"}, "resample": {"target_rate": target}}
    )
    speech = speech_like(source, 6.0, seed=13, level_db=-14)
    chain, alone = AudioChain(settings), Resampler(target)
    chain.open(source)
    alone.open(source)
    assert isinstance(chain.processors[-1], StreamingLoudness)  # limits at the output rate
    lead = Limiter(target, -1.0).lead  # the limiter's look-ahead, in output samples
    out, resampled = [], 0
    for i in range(0, speech.size, 480):  # 20 ms chunks, as a live stream
        out.append(chain.process(speech[i : i + 480]))
        resampled += alone.process(speech[i : i + 480]).size
        # Beyond the resampler's own delay, the chain holds only the limiter's look-ahead.
        assert resampled - sum(o.size for o in out) <= lead
    streamed = np.concatenate([*out, chain.flush()])
    # Any chunking gives the samples of the whole stream at once: no clicks at the cuts.
    once, _ = AudioChain(settings).run(speech, source)
    again = AudioChain(settings)
    again.open(source)
    random, _ = chunked(again, speech)
    assert streamed.size == once.size == random.size == resampled + alone.flush().size
    assert np.max(np.abs(streamed - once)) < 1e-5
    assert np.max(np.abs(random - once)) < 1e-5


def test_same_rate_passes_samples_through() -> None:
    resampler = Resampler(24000)
    assert resampler.open(24000) == 24000
    samples = sine(300, 24000, 0.1)
    assert np.array_equal(resampler.process(samples), samples)
    assert resampler.flush().size == 0


def test_resample_stays_out_of_the_chain_without_target_rate() -> None:
    chain = AudioChain(Settings())
    assert not any(isinstance(p, Resampler) for p in chain.processors)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"target_rate": 12345}, "8000, 16000, 22050, 24000, 44100, 48000"),
        ({"target_rate": 8000, "quality": "best"}, "VHQ, HQ, MQ, LQ, QQ"),
        ({"rate": 8000}, "valid: quality, target_rate"),
    ],
)
def test_bad_resample_options_name_the_valid_values(options: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        AudioChain(Settings(options={"resample": options}))


def test_a_target_rate_written_with_a_decimal_point_is_that_rate() -> None:
    """TOML's ``target_rate = 8000.0`` is a float: the chain blamed the plugin ('open(24000)
    returned a float, not its output rate')."""
    chain = AudioChain(Settings(options={"resample": {"target_rate": 8000.0}}))
    rate = chain.open(24000)
    assert (rate, type(rate)) == (8000, int)
    out = np.concatenate([chain.process(sine(300, 24000, 0.3)), chain.flush()])
    assert out.size == 2400


def test_chain_rejects_unknown_boundary_and_stereo_input() -> None:
    chain = AudioChain(resample_settings(8000))
    chain.open(24000)
    with pytest.raises(ValueError, match="valid: sentence, paragraph"):
        chain.boundary("chapter")
    with pytest.raises(ValueError, match="mono"):
        chain.process(np.zeros((10, 2), dtype=np.float32))


def test_audio_plugins_are_listed_with_their_hooks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    hooks = {p["name"]: p["hooks"] for p in data["plugins"]}
    assert hooks["resample"] == ["sonicpipe_audio_processor"]
    assert hooks["writers"] == ["sonicpipe_audio_writer"]
    order = data["hook_order"]["sonicpipe_audio_processor"]
    # Trim first; limit true peaks last, on the audio at the output rate.
    assert (order[0], order[-1]) == ("pauses", "loudness")
    assert "resample" in order[1:-1]
