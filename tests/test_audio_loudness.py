"""Loudness: BS.1770 meter, true peak, limiter, presets, streaming gain, the plugin."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pyloudnorm
import pytest
import soxr
from conftest import SlowMotion
from scipy import signal

from sonicpipe.audio import AudioChain
from sonicpipe.audio.loudness import (
    GAIN_STEP,
    LEVEL_TOLERANCE,
    FileNormalizer,
    Limiter,
    StreamingLimiter,
    StreamingLoudness,
    codec_ceiling,
    db,
    exceeds,
    integrated_loudness,
    interpolator,
    local_true_peak,
    normalize,
    peaks_over,
    rms_db,
    true_peak,
    undb,
)
from sonicpipe.audio.measure import check, measure
from sonicpipe.audio.presets import PRESETS, Preset
from sonicpipe.audio.signals import sine, speech_like
from sonicpipe.config import SAMPLE_RATES, ConfigError, Settings
from sonicpipe.pcm import decode, encode
from sonicpipe.plugins import PluginHost
from sonicpipe.server.engines import load_engine, words_of

VOICE_SENTENCES = (
    "Doctor Smith paid five dollars at seven forty five.",
    "It was cheap!",
    "Sharp sounds, like tsk, sss, pop, tap and kick, make the loudest peaks.",
)
STORY_SENTENCES = (
    "The old lighthouse keeper climbed the spiral stairs every evening at dusk.",
    "He polished the great brass lens until it shone like a second moon.",
    "Ships passing in the night would flash their lamps to thank him.",
    "One winter, a storm tore the shutters from the windows and flooded the cellar.",
    "Still, the light kept turning, and not a single boat was lost that year.",
    "Peter packed a picnic: apples, bread, cheese, and a flask of hot tea.",
    "Quickly and quietly, the cat crept past the sleeping dog and out of the back door.",
    "Did you hear that? Something tapped twice on the kitchen window!",
    "Seventeen students presented their projects to the panel on Tuesday.",
    "Thank you for listening, and good night.",
)


def feed(processor, samples: np.ndarray, chunk: int) -> np.ndarray:
    out = [processor.process(samples[i : i + chunk]) for i in range(0, samples.size, chunk)]
    return np.concatenate([*out, processor.flush()])


def spoken(sentences: tuple[str, ...], pause: float) -> tuple[np.ndarray, int]:
    """A real voice (espeak-ng, 22.05 kHz) saying ``sentences``, ``pause`` seconds after each."""
    engine = load_engine("espeak")
    silence = np.zeros(round(engine.sample_rate * pause), dtype=np.float32)
    parts = [engine.synthesize(words_of(text)).samples for text in sentences]
    joined = np.concatenate([part for said in parts for part in (said, silence)])
    return joined, engine.sample_rate


@pytest.fixture(scope="module")
def voice() -> tuple[np.ndarray, int]:
    """VOICE_SENTENCES, 0.8 s apart: loud, sharp peaks."""
    return spoken(VOICE_SENTENCES, 0.8)


@pytest.fixture(scope="module")
def long_voice() -> tuple[np.ndarray, int]:
    """STORY_SENTENCES, 0.6 s apart: 43 s of speech."""
    return spoken(STORY_SENTENCES, 0.6)


def at_rate(voice: tuple[np.ndarray, int], rate: int) -> np.ndarray:
    """A voice fixture's samples resampled to ``rate``."""
    samples, source = voice
    return soxr.resample(samples, source, rate)


def oversampled_peak_db(samples: np.ndarray, factor: int = 16) -> float:
    """An independent true-peak estimate: scipy's polyphase resampler, 16x."""
    return db(float(np.max(np.abs(signal.resample_poly(samples.astype(np.float64), factor, 1)))))


# -- meters ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", SAMPLE_RATES)
@pytest.mark.parametrize("level", [0.0, -6.0, -20.0, -40.0])
def test_997hz_sine_measures_its_bs1770_reference_value(rate: int, level: float) -> None:
    # BS.1770-4: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS; it scales with level.
    # (pyloudnorm's filter design read -3.05 at 48 kHz and -3.19 at 8 kHz.)
    loudness = integrated_loudness(sine(997, rate, 5.0, level), rate)
    assert loudness == pytest.approx(level - 3.01, abs=0.03)


@pytest.mark.parametrize("rate", SAMPLE_RATES)
def test_speech_measures_what_the_published_48khz_filter_measures(rate: int) -> None:
    # BS.1770-4 gives the K-weighting for 48 kHz only; pyloudnorm's "DeMan" filter is it there.
    # The same speech at any rate, measured at 48 kHz, is the reference (ffmpeg's ebur128
    # agrees with it within 0.01 LU; pyloudnorm's default filter read 0.04 low, 0.21 at 8 kHz).
    speech = speech_like(rate, 30.0, seed=4, level_db=-24)
    at_48k = soxr.resample(speech, rate, 48000, "VHQ").astype(np.float64)
    reference = pyloudnorm.Meter(48000, filter_class="DeMan").integrated_loudness(at_48k)
    assert integrated_loudness(speech, rate) == pytest.approx(reference, abs=0.02)


def test_clip_shorter_than_a_block_measures_where_pyloudnorm_raises() -> None:
    rate = 24000
    clip = sine(1000, rate, 0.2, -10.0)
    with pytest.raises(ValueError):
        pyloudnorm.Meter(rate).integrated_loudness(clip.astype(np.float64))
    assert integrated_loudness(clip, rate) == pytest.approx(-13.01, abs=0.1)
    with pytest.raises(ValueError, match="no samples"):
        integrated_loudness(np.zeros(0, dtype=np.float32), rate)


def test_a_rate_below_8khz_is_refused_rather_than_mismeasured() -> None:
    # The K-weighting shelf rises up to 4 kHz: at 4 kHz a 997 Hz tone read 0.6 LU low.
    with pytest.raises(ValueError, match=r"8000 Hz and above .* not at 4000 Hz"):
        integrated_loudness(sine(997, 4000, 2.0, -20.0), 4000)


def test_silence_measures_minus_infinity() -> None:
    silence = np.zeros(48000, dtype=np.float32)
    assert integrated_loudness(silence, 48000) == -math.inf
    assert true_peak(silence) == 0.0


def test_true_peak_finds_the_inter_sample_peak() -> None:
    # fs/4 at 45 degrees: every sample is at A/sqrt(2), the waveform reaches A in between.
    rate = 48000
    isp = sine(rate / 4, rate, 1.0, -6.02, phase=math.pi / 4)
    assert db(np.max(np.abs(isp))) == pytest.approx(-9.03, abs=0.01)
    assert db(true_peak(isp)) == pytest.approx(-6.02, abs=0.2)
    assert db(true_peak(isp)) == pytest.approx(oversampled_peak_db(isp), abs=0.2)
    # Only the interpolation sees it: every sample is 3 dB lower.
    assert exceeds(isp, true_peak(isp) * 0.99)
    assert not exceeds(isp, true_peak(isp) * 1.01)
    assert not exceeds(np.zeros(100, dtype=np.float32), 0.0)


@pytest.mark.parametrize("rate", [8000, 24000])
def test_true_peak_skips_nothing_that_matters(rate: int) -> None:
    # The fast path (only near loud samples) equals the direct computation everywhere.
    speech, interp = speech_like(rate, 8.0, seed=1, level_db=-14), interpolator(rate)
    direct = float(local_true_peak(speech, interp).max())
    assert true_peak(speech, interp=interp) == pytest.approx(direct, rel=1e-6)


@pytest.mark.parametrize("rate", [8000, 24000])  # 24x and BS.1770's 4x
@pytest.mark.parametrize("kind", ["speech", "noise", "isp"])
def test_peaks_over_finds_exactly_the_direct_overs(kind: str, rate: int) -> None:
    # The per-sample bound that skips interpolation must never skip a real over, on smooth
    # speech as on white noise (all curvature) or an fs/4 inter-sample peak.
    interp = interpolator(rate)
    rng = np.random.default_rng(11)
    samples = {
        "speech": speech_like(rate, 4.0, seed=11, level_db=-12),
        "noise": (0.3 * rng.standard_normal(rate)).astype(np.float32),
        "isp": sine(rate / 4, rate, 0.5, -3.0, phase=math.pi / 4),
    }[kind]
    direct = local_true_peak(samples, interp)
    for threshold in np.quantile(direct, [0.5, 0.9, 0.99]) * 1.0001:  # off exact ties
        where, peaks = peaks_over(samples, threshold, interp=interp)
        np.testing.assert_array_equal(where, np.flatnonzero(direct > threshold))
        np.testing.assert_allclose(peaks, direct[where], rtol=1e-6)
        # A range is measured in its context: its edges are no steps from silence.
        start, stop = samples.size // 3 + 5, samples.size // 2 + 7
        where, peaks = peaks_over(samples, threshold, start, stop, interp)
        inside = np.flatnonzero(direct[start:stop] > threshold)
        np.testing.assert_array_equal(where, inside)
        np.testing.assert_allclose(peaks, direct[start:stop][inside], rtol=1e-6)


def band_limited_peak_db(samples: np.ndarray) -> float:
    """The exact peak of the band-limited waveform through ``samples`` (silence around them),
    32x by FFT: a reference that holds up to Nyquist, where short filters give out."""
    padded = np.concatenate([np.zeros(512), samples.astype(np.float64), np.zeros(512)])
    return db(float(np.max(np.abs(signal.resample(padded, padded.size * 32)))))


def near_nyquist(rate: int, kind: str) -> np.ndarray:
    """Half a second of peaks near Nyquist at ``rate``, full scale, at 16 places between
    samples: clicks band-limited to 0.45 x the rate, or bursts of 32 cycles of a sine at
    0.4375 x the rate (3.5 kHz at 8 kHz)."""
    out = np.zeros(rate // 2, dtype=np.float32)
    for i, shift in enumerate(np.linspace(0, 1, 16, endpoint=False)):
        if kind == "clicks":
            n = np.arange(-64, 65) - shift
            shape = 0.9 * np.sinc(0.9 * n) * np.kaiser(n.size, 10)
        else:
            n = np.arange(round(32 / 0.4375))
            shape = np.hanning(n.size) * np.sin(2 * np.pi * 0.4375 * (n + shift))
        at = 100 + i * (out.size - 200) // 16
        out[at : at + shape.size] = shape / np.max(np.abs(shape))
    return out


@pytest.mark.parametrize("rate", [8000, 16000])
@pytest.mark.parametrize("kind", ["clicks", "sine"])
def test_true_peak_at_low_rates_reads_peaks_near_nyquist(rate: int, kind: str) -> None:
    # Speech at 8 and 16 kHz fills the band up to Nyquist, where BS.1770's 4x interpolator
    # (made for 48 kHz, whose content ends near 20 kHz) reads these peaks 0.26 dB (clicks)
    # and 0.36 dB (sine bursts) low.
    peaks = near_nyquist(rate, kind)
    exact = band_limited_peak_db(peaks)
    assert db(true_peak(peaks)) < exact - 0.2  # BS.1770's 4x
    assert db(true_peak(peaks, interp=interpolator(rate))) == pytest.approx(exact, abs=0.03)


@pytest.mark.parametrize("rate", [8000, 16000])
@pytest.mark.parametrize("kind", ["clicks", "sine"])
@pytest.mark.parametrize("mode", ["apply", "stream"])
def test_limiter_at_low_rates_keeps_the_waveform_under_the_ceiling(
    rate: int, kind: str, mode: str
) -> None:
    # With BS.1770's 4x at the rate, the limited waveform rose above the ceiling between its
    # samples: by 0.26 dB (sine bursts) and 0.16 dB (clicks).
    limiter = Limiter(rate, -1.0)
    peaks = near_nyquist(rate, kind)
    out = limiter.apply(peaks) if mode == "apply" else feed(StreamingLimiter(limiter), peaks, 160)
    assert band_limited_peak_db(out) <= -1.0
    assert db(true_peak(out)) <= -1.0  # and a BS.1770 meter at the rate agrees


def test_acx_measurements_of_a_known_signal() -> None:
    rate = 24000
    tone = sine(1000, rate, 4.0, -17.0)  # RMS -20 dBFS
    quiet = sine(1000, rate, 1.0, -67.0)  # RMS -70 dBFS
    both = np.concatenate([tone, quiet, tone])
    assert rms_db(tone) == pytest.approx(-20.01, abs=0.02)
    assert measure(both, rate).noise_floor_dbfs == pytest.approx(-70.01, abs=0.05)
    assert measure(tone, rate).loudness_range_lu == pytest.approx(0.0, abs=0.01)
    assert measure(speech_like(rate, 30.0, seed=2), rate).loudness_range_lu > 1.0


@pytest.mark.parametrize(("levels", "expected"), [([-20, -30], 10), ([-40, -20], 20),
                                                  ([-50, -35, -20, -35, -50], 15)])  # fmt: skip
def test_loudness_range_of_the_ebu_tech_3342_signals(levels: list[float], expected: float) -> None:
    # EBU Tech 3342's signals 1, 3 and 4: a 1 kHz tone, 20 s at each level. The -50 dBFS
    # parts of the last are under the relative gate (20 LU below the mean).
    rate = 24000
    tones = np.concatenate([sine(1000, rate, 20.0, level) for level in levels])
    assert measure(tones, rate).loudness_range_lu == pytest.approx(expected, abs=0.1)


def test_loudness_range_spans_the_10th_to_the_95th_percentile() -> None:
    # A tone rising evenly from -40 to -20 dBFS over 60 s: the 3 s blocks' loudness spreads
    # evenly over the 19 dB between the first block's middle (1.5 s) and the last's (58.5 s).
    rate = 24000
    t = np.arange(60 * rate) / rate
    rising = np.sqrt(2) * undb(-40 + 20 * t / 60) * np.sin(2 * np.pi * 1000 * t)
    result = measure(rising.astype(np.float32), rate)
    assert result.loudness_range_lu == pytest.approx((0.95 - 0.10) * 19, abs=0.05)


# -- limiter -------------------------------------------------------------------------------


def test_limiter_keeps_true_peaks_under_the_ceiling() -> None:
    rate = 48000
    isp = sine(rate / 4, rate, 0.5, 2.0, phase=math.pi / 4)  # true peak +2 dBTP
    quiet = sine(440, rate, 0.5, -20.0)
    test = np.concatenate([quiet, isp, quiet])
    out = Limiter(rate, -1.0).apply(test)
    assert db(true_peak(out)) <= -1.0
    assert oversampled_peak_db(out) <= -0.95  # an independent meter agrees
    # Far from the overs the signal is untouched.
    assert np.array_equal(out[: rate // 4], test[: rate // 4])
    assert np.array_equal(out[-rate // 4 :], test[-rate // 4 :])


def test_limiter_gain_is_smooth_and_leaves_quiet_audio_alone() -> None:
    rate = 24000
    speech = speech_like(rate, 10.0, seed=3, level_db=-12)
    limiter = Limiter(rate, -1.0)
    gain = limiter.gain(speech)
    assert gain is not None
    assert gain.max() <= 1.0
    assert np.max(np.abs(np.diff(gain))) < 0.01  # ramps, no steps: no clicks
    assert limiter.gain(speech * np.float32(0.1)) is None


@pytest.mark.parametrize("rate", [8000, 24000, 44100])
def test_limiter_gain_moves_only_within_its_lead_and_tail(rate: int) -> None:
    # A click so loud that all samples whose interpolation it feeds (12 of them; 32 at 8 kHz)
    # are overs, at every place in a gain block: the gain falls at most ``lead`` samples
    # before the first of them and is back to 1 at most ``tail`` samples after the last, and
    # both bounds are reached.
    limiter = Limiter(rate, -1.0)
    early, late = [], []
    for offset in range(GAIN_STEP):
        click = np.zeros(rate, dtype=np.float32)
        at = rate // 2 + offset
        click[at] = 1000.0
        below = np.flatnonzero(limiter.gain(click) < 1)
        early.append(below[0] - (at - limiter.lead))
        late.append(at + limiter.interp.half - 1 + limiter.tail - below[-1])
    assert min(early) == 0
    assert min(late) == 0


@pytest.mark.parametrize("rate", [8000, 24000, 44100])
def test_streaming_limiter_stays_under_the_ceiling_whatever_the_chunks(rate: int) -> None:
    speech = speech_like(rate, 6.0, seed=5, level_db=-10)
    streamed = feed(StreamingLimiter(Limiter(rate, -2.0)), speech, 311)
    limiter = Limiter(rate, -2.0)
    whole = speech * limiter.gain(speech)
    assert streamed.size == speech.size
    assert db(true_peak(streamed)) <= -2.0
    # The whole signal's gain: no sample leaves before its gain is final (no steps at cuts).
    assert np.max(np.abs(streamed - whole)) < 1e-6


# -- normalization -------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [24000, 44100])
@pytest.mark.parametrize("preset", ["broadcast", "podcast"])
def test_file_normalization_hits_the_target_without_clipping(
    long_voice: tuple[np.ndarray, int], preset: str, rate: int
) -> None:
    samples = at_rate(long_voice, rate)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pyloudnorm would only warn about clipping
        out = normalize(samples, rate, PRESETS[preset])
    result = measure(out, rate)
    assert result.integrated_lufs == pytest.approx(PRESETS[preset].lufs, abs=LEVEL_TOLERANCE)
    assert result.true_peak_dbtp <= PRESETS[preset].true_peak


@pytest.mark.parametrize("target", [-18.0, -17.3])
def test_file_normalization_makes_up_for_what_the_limiter_takes_off(target: float) -> None:
    rate = 24000
    speech = speech_like(rate, 20.0, seed=6, level_db=-30)
    gain = np.float32(undb(target - integrated_loudness(speech, rate)))
    limited = Limiter(rate, -1.0).apply(speech * gain)
    assert integrated_loudness(limited, rate) < target - 0.5  # limiting alone lands short
    out = normalize(speech, rate, Preset("custom", true_peak=-1.0, lufs=target))
    assert integrated_loudness(out, rate) == pytest.approx(target, abs=LEVEL_TOLERANCE)
    assert db(true_peak(out)) <= -1.0


@pytest.mark.parametrize("rate", [24000, 44100])
def test_file_normalization_gets_as_close_as_the_ceiling_allows(rate: int) -> None:
    # speech_like's peaks stand too far above its loudness for -16 LUFS under -1 dBTP: 20 dB
    # more gain than the target needs only has the limiter take more off.
    podcast = PRESETS["podcast"]
    speech = speech_like(rate, 20.0, seed=6, level_db=-30)
    gain = np.float32(undb(podcast.lufs - integrated_loudness(speech, rate) + 20))
    loudest = integrated_loudness(Limiter(rate, podcast.true_peak).apply(speech * gain), rate)
    assert loudest < podcast.lufs - 0.5
    out = normalize(speech, rate, podcast)
    assert integrated_loudness(out, rate) == pytest.approx(loudest, abs=0.15)
    assert db(true_peak(out)) <= podcast.true_peak


def test_acx_preset_lands_inside_the_acx_window() -> None:
    rate = 44100
    speech = speech_like(rate, 20.0, seed=7, level_db=-30)
    gain = np.float32(undb(PRESETS["acx"].rms - rms_db(speech)))
    assert rms_db(Limiter(rate, -3.0).apply(speech * gain)) < -20.3  # limiting alone lands short
    out = normalize(speech, rate, PRESETS["acx"])
    assert -23 <= rms_db(out) <= -18
    assert rms_db(out) == pytest.approx(PRESETS["acx"].rms, abs=LEVEL_TOLERANCE)  # made up for
    assert db(np.max(np.abs(out))) <= -3.0
    assert db(true_peak(out)) <= -3.0


def test_file_mode_through_the_chain_equals_normalize() -> None:
    rate = 24000
    speech = speech_like(rate, 8.0, seed=8, level_db=-30)
    chain = AudioChain(Settings(options={"loudness": {"preset": "broadcast", "mode": "file"}}))
    assert chain.open(rate) == rate
    buffer = np.empty(2400, dtype=np.float32)  # the caller reuses one buffer for every chunk
    pieces = []
    for i in range(0, speech.size, buffer.size):
        chunk = buffer[: speech[i : i + buffer.size].size]
        chunk[:] = speech[i : i + buffer.size]
        pieces.append(chain.process(chunk))
    assert all(p.size == 0 for p in pieces)  # nothing before the end in file mode
    out = chain.flush()
    assert np.allclose(out, normalize(speech, rate, PRESETS["broadcast"]), atol=1e-6)


@pytest.mark.parametrize("rate", [24000, 44100])
@pytest.mark.parametrize("preset", ["broadcast", "podcast"])
def test_streaming_lands_on_the_target(
    long_voice: tuple[np.ndarray, int], preset: str, rate: int
) -> None:
    # The limiter takes 1-3 dB off this voice at -16 LUFS; the gain makes up for it.
    target = PRESETS[preset]
    stage = StreamingLoudness(target)
    stage.open(rate)
    out = feed(stage, at_rate(long_voice, rate), rate // 50)  # 20 ms chunks, as a live stream
    result = measure(out, rate)
    assert all(row.passed for row in check(result, target))  # +-1 LU, under the ceiling
    assert result.integrated_lufs == pytest.approx(target.lufs, abs=0.5)
    # So does every 20 s stretch of it, the start included.
    for start in range(0, out.size - 20 * rate, 5 * rate):
        stretch = integrated_loudness(out[start : start + 20 * rate], rate)
        assert stretch == pytest.approx(target.lufs, abs=1.0)


@pytest.mark.parametrize("rate", [24000, 44100])
def test_streaming_gets_as_close_as_the_ceiling_allows(rate: int) -> None:
    # speech_like cannot reach -16 LUFS under -1 dBTP (see the file mode test above): the
    # stream comes as close as the whole file does.
    podcast = PRESETS["podcast"]
    speech = speech_like(rate, 60.0, seed=2, level_db=-30)
    stage = StreamingLoudness(podcast)
    stage.open(rate)
    out = feed(stage, speech, rate // 50)
    assert integrated_loudness(out, rate) == pytest.approx(
        integrated_loudness(normalize(speech, rate, podcast), rate), abs=0.3
    )
    assert db(true_peak(out)) <= podcast.true_peak


def test_streaming_output_does_not_depend_on_the_chunks(long_voice: tuple[np.ndarray, int]) -> None:
    # The make-up reads the limiter's output: it must read the same, however the stream is cut.
    rate = 24000
    samples = at_rate(long_voice, rate)[: 15 * rate]
    rng = np.random.default_rng(14)
    outputs = []
    for sizes in ([samples.size], [480], [24000], rng.integers(1, 5000, 400).tolist()):
        stage = StreamingLoudness(PRESETS["podcast"])
        stage.open(rate)
        cuts = np.cumsum(sizes * (samples.size // sum(sizes) + 1))
        pieces = np.split(samples, cuts[cuts < samples.size])
        outputs.append(np.concatenate([*(stage.process(p) for p in pieces), stage.flush()]))
    assert integrated_loudness(outputs[0], rate) == pytest.approx(-16, abs=1.0)
    for out in outputs[1:]:
        assert out.size == samples.size
        assert np.max(np.abs(out - outputs[0])) < 1e-6


@pytest.mark.parametrize("preset", ["broadcast", "podcast"])
def test_streaming_gain_holds_through_pauses_and_moves_smoothly(
    long_voice: tuple[np.ndarray, int], preset: str
) -> None:
    rate, chunk = 24000, 480  # 20 ms chunks
    target = PRESETS[preset]
    speech = at_rate(long_voice, rate)[: 25 * rate]
    # Digital silence (under the absolute gate), then room tone at -50 dBFS: over the absolute
    # gate, but 10 LU and more under the speech so far (the relative gate).
    hiss = np.random.default_rng(15).standard_normal(rate * 2) * undb(-50)
    pause = np.concatenate([np.zeros(rate * 2), hiss]).astype(np.float32)
    stage = StreamingLoudness(target)
    stage.open(rate)
    first, gains = [], []
    for i in range(0, speech.size, chunk):
        first.append(stage.process(speech[i : i + chunk]))
        gains.append(stage.gain_db)
    # Stable: past the start, the gain moves by a fraction of a dB per 100 ms hop.
    assert np.max(np.abs(np.diff(gains[5 * rate // chunk :: 5]))) < 0.25
    held = []
    for i in range(0, pause.size, chunk):
        stage.process(pause[i : i + chunk])
        held.append(stage.gain_db)
    # Once the last 400 ms block holding speech has passed, the gain holds: no pumping up.
    assert len(set(held[25:])) == 1
    second = feed(stage, speech, chunk)
    later = integrated_loudness(np.concatenate(first)[10 * rate :], rate)
    assert later == pytest.approx(target.lufs, abs=1.0)
    # After the pause the stream goes on from the gain it had: no new start-up.
    assert integrated_loudness(second, rate) == pytest.approx(target.lufs, abs=0.5)
    assert db(true_peak(second)) <= target.true_peak


def test_streaming_gain_moves_sample_by_sample_and_stops_at_its_cap() -> None:
    # A tone 60 dB under full scale needs 44 dB to reach -16 LUFS: the gain stops at its cap,
    # reached at the start within a hop, ramped across it, never stepped (a click).
    rate = 24000
    tone = sine(997, rate, 3.0, -40.0) * np.float32(undb(-20))
    stage = StreamingLoudness(PRESETS["podcast"])
    stage.open(rate)
    gains, out = [], []
    for i in range(0, tone.size, 480):
        out.append(stage.process(tone[i : i + 480]))
        gains.append(stage.gain_db)
    out = np.concatenate([*out, stage.flush()])
    assert max(gains) == pytest.approx(stage.MAX_GAIN_DB) and gains[-1] == max(gains)
    loud = np.flatnonzero(np.abs(tone) > 0.5 * np.abs(tone).max())  # away from zero crossings
    gain = 20 * np.log10(np.abs(out[loud] / tone[loud]))
    assert gain[-1] == pytest.approx(stage.MAX_GAIN_DB, abs=0.01)
    assert np.max(np.abs(np.diff(gain)[np.diff(loud) == 1])) < 0.1  # dB from one sample on


# -- with resampling: the ceiling holds at the output rate ----------------------------------


def resampled(options: dict, rate: int, target: int) -> AudioChain:
    """A chain with the loudness ``options`` and a resample to ``target``, opened at ``rate``."""
    chain = AudioChain(Settings(options={"loudness": options, "resample": {"target_rate": target}}))
    assert chain.open(rate) == target
    return chain


@pytest.mark.parametrize("target", [8000, 16000, 48000])
@pytest.mark.parametrize(
    "options",
    [
        {"preset": "podcast"},
        {"preset": "podcast", "mode": "file"},
        {"target": -14, "true_peak": -3},
        {"preset": "acx", "mode": "file"},
    ],
)
def test_true_peak_ceiling_holds_after_resampling(options: dict, target: int) -> None:
    # Resampling rings and moves inter-sample peaks: limited before it, loud speech came out
    # above the ceiling (podcast at 8 kHz: -0.7 dBTP). The limiter now runs at the output rate.
    rate = 24000
    speech = speech_like(rate, 12.0, seed=12, level_db=-14)
    chain = resampled(options, rate, target)
    stage = chain.processors[-1]
    assert isinstance(stage, StreamingLoudness | FileNormalizer), "loudness runs last"
    out = feed(chain, speech, 1000)
    assert measure(out, target).true_peak_dbtp <= stage.preset.true_peak


@pytest.mark.parametrize("target", [8000, 44100])
@pytest.mark.parametrize("preset", ["acx", "podcast", "broadcast"])
def test_every_preset_passes_its_checks_at_the_resampled_rate(
    voice: tuple[np.ndarray, int], preset: str, target: int
) -> None:
    samples, rate = voice
    chain = resampled({"preset": preset, "mode": "file"}, rate, target)
    result = measure(feed(chain, samples, 2205), target)
    failed = [row for row in check(result, PRESETS[preset]) if not row.passed]
    assert not failed
    assert result.true_peak_dbtp <= PRESETS[preset].true_peak  # the limiter's own ceiling


# -- G.711 output: the ceiling holds in the decoded audio ------------------------------------


def telephony(options: dict, encoding: str | None) -> AudioChain:
    """A chain to 8 kHz with the loudness ``options``, writing ``encoding`` (None: the default)."""
    writers = {} if encoding is None else {"writers": {"encoding": encoding}}
    settings = Settings(options={"loudness": options, "resample": {"target_rate": 8000}, **writers})
    chain = AudioChain(settings)
    assert chain.open(24000) == 8000
    return chain


def loud(kind: str) -> np.ndarray:
    """4 s at 24 kHz that the limiter works hard on: loud speech, or quiet speech with clicks."""
    rate = 24000
    if kind == "clicks":
        samples = speech_like(rate, 4.0, seed=3, level_db=-24)
        samples[:: rate // 4] += 0.9  # a one-sample click every 250 ms
        return samples
    return speech_like(rate, 4.0, seed=12, level_db=-10)


@pytest.mark.parametrize("kind", ["speech", "clicks"])
@pytest.mark.parametrize("encoding", ["pcm_mulaw", "pcm_alaw"])
@pytest.mark.parametrize(
    "options",
    [
        {"preset": "podcast"},
        {"preset": "podcast", "mode": "file"},
        # G.711's steps near -6 dBFS sit where the limiter's peaks rounded up past the ceiling
        {"target": -12, "true_peak": -5.92},
        {"target": -12, "true_peak": -5.92, "mode": "file"},
    ],
)
def test_g711_output_keeps_the_ceiling_once_decoded(
    options: dict, encoding: str, kind: str
) -> None:
    # Before the loudness stage knew the output was G.711, the decoded audio went over the
    # ceiling: its samples by up to 0.17 dB (-5.92 dBTP), its true peak by up to 0.1 dB.
    chain = telephony(options, encoding)
    ceiling = chain.processors[-1].preset.true_peak
    decoded = decode(encode(feed(chain, loud(kind), 1000), encoding), encoding)
    assert db(float(np.max(np.abs(decoded)))) <= ceiling
    assert db(true_peak(decoded)) <= ceiling


@pytest.mark.parametrize("encoding", ["pcm_s16le", "pcm_f32le"])
@pytest.mark.parametrize("options", [{"preset": "podcast"}, {"preset": "podcast", "mode": "file"}])
def test_pcm_output_gets_no_codec_margin(options: dict, encoding: str) -> None:
    speech = loud("speech")
    written = feed(telephony(options, encoding), speech, 1000)
    assert np.array_equal(written, feed(telephony(options, None), speech, 1000))
    assert true_peak(written) > undb(-1.2)  # no codec margin (0.32 dB for G.711 at -1 dBTP)


def test_codec_margin_needs_a_valid_encoding() -> None:
    with pytest.raises(ConfigError, match=r"options\.writers\.encoding: 'mulaw' is not valid"):
        telephony({"preset": "podcast"}, "mulaw")
    with pytest.raises(ValueError, match="encoding 'ulaw' is not valid; valid: pcm_f32le"):
        codec_ceiling(-1.0, "ulaw")


# -- the turns of a conversation --------------------------------------------------------------


def test_a_stream_resumed_from_a_settled_one_is_at_the_target_from_its_start(
    long_voice: tuple[np.ndarray, int],
) -> None:
    """A reply of a voice agent, shorter than the start-up, measured afresh is far under the
    target; resumed from the turns before (the same voice), it is on it."""
    rate, podcast = 24000, PRESETS["podcast"]
    settled = StreamingLoudness(podcast)
    settled.open(rate)
    feed(settled, at_rate(long_voice, rate)[: 10 * rate], 480)
    reply = at_rate(spoken(("Okay, I have changed the address.",), 0.0), rate)
    alone, resumed = StreamingLoudness(podcast), StreamingLoudness(podcast)
    alone.open(rate)
    resumed.open(rate)
    resumed.resume(settled.carry())
    assert resumed.gain_db == settled.gain_db > 3
    assert integrated_loudness(feed(resumed, reply, 480), rate) == pytest.approx(-16, abs=1.0)
    assert integrated_loudness(feed(alone, reply, 480), rate) < -17.5


def test_a_chain_opened_after_another_hands_on_the_loudness_it_measured() -> None:
    """Only to a chain of the same plugins and settings; a processor without carry and
    resume (SlowMotion, a third-party one) starts afresh as before."""
    rate = 24000
    settings = Settings(options={"loudness": {"preset": "podcast"}})
    host = PluginHost(settings, extra=[SlowMotion()])
    before = AudioChain(settings, host)
    before.open(rate)
    before.process(speech_like(rate, 5.0, seed=4, level_db=-30))
    stage = before.processors[-1]
    assert isinstance(stage, StreamingLoudness) and stage.gain_db > 3

    def opened_after(settings: Settings) -> StreamingLoudness:
        chain = AudioChain(settings, host)
        chain.open(rate, after=before)
        return chain.processors[-1]

    assert opened_after(settings).gain_db == stage.gain_db
    custom = Settings(options={"loudness": {"preset": "custom", "target": -16}})
    assert opened_after(custom).gain_db == 0  # other settings: no carry


def test_streaming_latency_is_bounded() -> None:
    rate = 24000
    stage = StreamingLoudness(PRESETS["broadcast"])
    stage.open(rate)
    speech = speech_like(rate, 4.0, seed=10, level_db=-12)
    lead = Limiter(rate, -1.0).lead  # the limiter's look-ahead
    assert lead <= round(0.012 * rate)
    taken = given = 0
    for i in range(0, speech.size, 480):
        given += stage.process(speech[i : i + 480]).size
        taken += speech[i : i + 480].size
        assert taken - given <= lead
    assert given + stage.flush().size == speech.size


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"preset": "loud"}, "valid: acx, podcast, broadcast, custom"),
        ({"preset": "podcast", "target": -14}, "only for preset 'custom'"),
        ({"preset": "custom"}, "needs a target"),
        ({"target": -3}, "from -50 to -5"),
        ({"preset": "acx"}, "set mode = 'file'"),
        ({"preset": "podcast", "mode": "live"}, "valid: stream, file"),
        ({"preset": "podcast", "gain": 3}, "valid: mode, preset, target, true_peak"),
    ],
)
def test_bad_loudness_options_name_the_valid_ones(options: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        AudioChain(Settings(options={"loudness": options}))


def test_loudness_plugin_modes_and_default() -> None:
    assert AudioChain(Settings()).processors == []
    custom = AudioChain(Settings(options={"loudness": {"target": -19, "true_peak": -2}}))
    (stage,) = custom.processors
    assert isinstance(stage, StreamingLoudness)
    assert (stage.preset.lufs, stage.preset.true_peak) == (-19, -2)
    acx = AudioChain(Settings(options={"loudness": {"preset": "acx", "mode": "file"}}))
    assert isinstance(acx.processors[0], FileNormalizer)
    with pytest.raises(ValueError, match="'acx' targets RMS over the whole file: use mode 'file'"):
        StreamingLoudness(PRESETS["acx"])  # made in Python, not through the options
