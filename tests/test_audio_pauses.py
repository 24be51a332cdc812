"""Pauses: per-sentence trimming and even sentence/paragraph pauses, streamed in any chunks."""

from __future__ import annotations

import numpy as np
import pytest

from sonicpipe.audio import AudioChain
from sonicpipe.audio.pauses import PauseShaper
from sonicpipe.audio.signals import sine
from sonicpipe.config import ConfigError, Settings

RATE = 24000


def silence(seconds: float, level: float = 0.0) -> np.ndarray:
    noise = np.random.default_rng(0).standard_normal(round(seconds * RATE)) * level
    return noise.astype(np.float32)


def sentence(lead: float, voice: float, tail: float) -> np.ndarray:
    """Sonic-like audio of one sentence: room-tone silence around a voiced part."""
    return np.concatenate([silence(lead, 1e-4), sine(220, RATE, voice, -12.0), silence(tail, 1e-4)])


def run(
    shaper: PauseShaper, sentences: list[np.ndarray], kinds: list[str], chunk: int
) -> np.ndarray:
    out = []
    for audio, kind in zip(sentences, kinds, strict=True):
        out += [shaper.process(audio[i : i + chunk]) for i in range(0, audio.size, chunk)]
        out.append(shaper.boundary(kind) if kind else shaper.flush())
    return np.concatenate(out)


def voiced_spans(audio: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of each run of |x| above -40 dBFS, gaps under 5 ms bridged."""
    loud = np.flatnonzero(np.abs(audio) > 0.01)
    breaks = np.flatnonzero(np.diff(loud) > RATE * 0.005)
    starts = np.r_[loud[0], loud[breaks + 1]]
    ends = np.r_[loud[breaks], loud[-1]]
    return [(s / RATE, e / RATE) for s, e in zip(starts, ends, strict=True)]


@pytest.mark.parametrize("chunk", [137, 480, 100_000])
def test_sentences_are_trimmed_and_evenly_paced(chunk: int) -> None:
    shaper = PauseShaper(sentence_pause=0.3, paragraph_pause=0.7, keep=0.02)
    shaper.open(RATE)
    parts = [sentence(0.4, 1.0, 0.6), sentence(0.1, 0.5, 0.9), sentence(0.25, 0.8, 0.05)]
    out = run(shaper, parts, ["sentence", "paragraph", ""], chunk)
    spans = voiced_spans(out)
    assert len(spans) == 3
    durations = [end - start for start, end in spans]
    assert durations == pytest.approx([1.0, 0.5, 0.8], abs=0.002)
    gaps = [spans[i + 1][0] - spans[i][1] for i in range(2)]
    # The pause plus the kept 20 ms of faded edge silence on either side.
    assert gaps == pytest.approx([0.3 + 0.04, 0.7 + 0.04], abs=0.011)
    assert spans[0][0] == pytest.approx(0.02, abs=0.011)  # leading silence trimmed
    assert out.size / RATE == pytest.approx(spans[-1][1] + 0.02, abs=0.011)  # and trailing


def test_the_inside_of_a_sentence_is_untouched() -> None:
    shaper = PauseShaper(keep=0.0)
    shaper.open(RATE)
    voice = np.concatenate([sine(220, RATE, 0.5, -12.0), silence(0.4), sine(330, RATE, 0.5, -12.0)])
    out = run(shaper, [np.concatenate([silence(0.3), voice, silence(0.3)])], [""], 500)
    assert np.array_equal(out, voice)  # the mid-sentence pause stays, the edges go


def test_the_kept_edge_silence_is_faded_so_the_cut_is_silent() -> None:
    shaper = PauseShaper(keep=0.02)
    shaper.open(RATE)
    hum = np.full(RATE // 2, 0.002, dtype=np.float32)  # -54 dBFS: under the -50 dB threshold
    out = run(shaper, [np.concatenate([hum, sine(220, RATE, 0.5, -12.0), hum])], [""], 480)
    keep = round(0.02 * RATE)
    head, tail = out[:keep], out[-keep:][::-1]
    for edge in (head, tail):  # from silence up to the hum, never a step
        assert edge[0] < 0.002 / 100
        assert np.all(np.diff(edge) > 0)
        assert edge[-1] == pytest.approx(0.002, rel=0.01)


def test_a_silent_sentence_leaves_only_the_pause() -> None:
    shaper = PauseShaper(sentence_pause=0.25)
    shaper.open(RATE)
    out = run(shaper, [silence(1.0, 1e-4)], ["sentence"], 480)
    assert out.size == round(0.25 * RATE)
    assert not out.any()


def test_without_trimming_only_pauses_are_added() -> None:
    shaper = PauseShaper(sentence_pause=0.5, trim=False)
    shaper.open(RATE)
    audio = sentence(0.2, 0.3, 0.2)
    out = run(shaper, [audio], ["sentence"], 700)
    assert np.array_equal(out[: audio.size], audio)
    assert out.size == audio.size + RATE // 2


def test_pauses_plugin_runs_first_and_validates_options() -> None:
    settings = Settings(
        options={"pauses": {"sentence_pause": 0.5}, "resample": {"target_rate": 8000}}
    )
    chain = AudioChain(settings)
    assert isinstance(chain.processors[0], PauseShaper)
    assert chain.open(RATE) == 8000
    audio = sentence(0.2, 0.5, 0.2)
    out = np.concatenate([chain.process(audio), chain.boundary("sentence"), chain.flush()])
    assert out.size / 8000 == pytest.approx(0.02 + 0.5 + 0.02 + 0.5, abs=0.015)
    assert AudioChain(Settings()).processors == []
    with pytest.raises(ConfigError, match="from 0 to 5"):
        AudioChain(Settings(options={"pauses": {"sentence_pause": 9}}))
    with pytest.raises(ConfigError, match="expected true or false"):
        AudioChain(Settings(options={"pauses": {"trim": "yes"}}))
    with pytest.raises(ConfigError, match="valid: keep, paragraph_pause"):
        AudioChain(Settings(options={"pauses": {"gap": 1}}))


def test_silence_held_by_the_pauses_stage_passes_streaming_loudness() -> None:
    """A chunk of pure silence is held by the pause stage: later stages see nothing, and the
    silence comes out with the next boundary (it crashed the loudness filter on empty input)."""
    settings = Settings(
        options={"pauses": {"sentence_pause": 0.4}, "loudness": {"preset": "podcast"}}
    )
    chain = AudioChain(settings)
    chain.open(RATE)
    first = sentence(0.1, 0.5, 0.1)
    out = [chain.process(first), chain.boundary("sentence")]
    out.append(chain.process(silence(0.03)))  # silent chunks: Sonic around a <break>
    out.append(chain.process(silence(2.0)))
    out += [chain.process(sentence(0.1, 0.5, 0.1)), chain.flush()]
    audio = np.concatenate(out)
    (_, first_end), (second_start, _) = voiced_spans(audio)
    # The silence was the next sentence's lead: trimmed to the 20 ms kept before its voice.
    assert second_start - first_end == pytest.approx(0.02 + 0.4 + 0.02, abs=0.011)
    assert audio.size / RATE == pytest.approx(0.02 + 0.5 + 0.44 + 0.5 + 0.02, abs=0.011)


@pytest.mark.parametrize("chunk", [137, 480, 100_000])
def test_output_time_follows_the_trims_and_the_pauses(chunk: int) -> None:
    """Input times (Sonic's) map onto the shaped audio: voice to where it is heard, silence
    cut away to the audio after it (a word's start) or before it (a word's end)."""
    shaper = PauseShaper(sentence_pause=0.3, paragraph_pause=0.7, keep=0.02)
    shaper.open(RATE)
    parts = [sentence(0.4, 1.0, 0.6), sentence(0.1, 0.5, 0.9), sentence(0.25, 0.8, 0.05)]
    out = run(shaper, parts, ["sentence", "paragraph", ""], chunk)
    spans = voiced_spans(out)
    voices = [(0.4, 1.4), (2.1, 2.6), (3.75, 4.55)]  # in the input, sentences back to back
    for (start, end), (heard_start, heard_end) in zip(voices, spans, strict=True):
        assert shaper.output_time(start) == pytest.approx(heard_start, abs=0.002)
        assert shaper.output_time(end, end=True) == pytest.approx(heard_end, abs=0.002)
    assert shaper.output_time(0.9) == pytest.approx(spans[0][0] + 0.5, abs=0.002)
    # 1.8 s is in the first sentence's trailing silence, which was cut away
    assert shaper.output_time(1.8, end=True) == pytest.approx(spans[0][1] + 0.02, abs=0.002)
    assert shaper.output_time(1.8) == pytest.approx(spans[1][0] - 0.02, abs=0.002)
    assert shaper.output_time(4.6) == pytest.approx(out.size / RATE)


def test_output_time_is_known_once_the_stage_decided() -> None:
    """Silence after the voice may be cut at the sentence's end or kept if the voice resumes:
    its output time is unknown (None) until one of them happens."""
    shaper = PauseShaper(sentence_pause=0.5, keep=0.0)
    shaper.open(RATE)
    shaper.process(sentence(0.2, 0.5, 0.4))
    assert shaper.output_time(0.3) == pytest.approx(0.1, abs=0.002)
    assert shaper.output_time(0.9) is None
    shaper.boundary("sentence")
    assert shaper.output_time(0.9) == pytest.approx(0.5 + 0.5, abs=0.002)
    assert shaper.output_time(0.9, end=True) == pytest.approx(0.5, abs=0.002)
    assert shaper.output_time(1.2) is None, "the next sentence's start is still unknown"
    shaper.process(sentence(0.2, 0.5, 0.0))
    shaper.flush()
    assert shaper.output_time(1.5) == pytest.approx(0.5 + 0.5 + 0.2, abs=0.002)


def test_output_time_without_trimming_adds_the_pauses() -> None:
    shaper = PauseShaper(sentence_pause=0.5, paragraph_pause=1.0, trim=False)
    shaper.open(RATE)
    run(shaper, [sentence(0.1, 0.3, 0.1)] * 3, ["sentence", "paragraph", ""], 480)
    assert [shaper.output_time(t) for t in (0.2, 0.7, 1.2)] == pytest.approx([0.2, 1.2, 2.7])
    assert shaper.output_time(0.5, end=True) == pytest.approx(0.5)


def test_a_word_span_moves_with_the_trims_and_never_takes_the_pause_in() -> None:
    shaper = PauseShaper(sentence_pause=0.5, keep=0.0)
    shaper.open(RATE)
    shaper.process(sentence(0.2, 0.5, 0.4))  # voice from 0.2 to 0.7 s of the input
    assert shaper.output_span(0.3, 0.5) == pytest.approx((0.1, 0.3), abs=0.002)
    assert shaper.output_span(0.5, 0.9) is None, "its end, in silence, is not decided yet"
    shaper.boundary("sentence")
    shaper.process(sentence(0.2, 0.5, 0.0))  # input from 1.1 s: its voice from 1.3 s
    shaper.flush()
    # Sonic put the word's end past its sentence, into the next one's lead: out of the cut
    # silence it would end after the pause (1.0 s); it keeps its 0.5 s instead.
    assert shaper.output_time(1.15, end=True) == pytest.approx(0.5 + 0.5, abs=0.002)
    assert shaper.output_span(0.65, 1.15) == pytest.approx((0.45, 0.95), abs=0.002)
    assert shaper.output_span(1.35, 1.5) == pytest.approx((1.05, 1.2), abs=0.002)


def test_a_start_rounded_to_just_before_a_sentence_end_starts_the_next_sentence() -> None:
    """Sonic's times are rounded: the next sentence's first word, which starts where the
    sentence before ends, may read a hair before that end; it still starts after the pause,
    also when both sentences are voiced right to their edges (no silence was cut between)."""
    shaper = PauseShaper(sentence_pause=0.5, keep=0.02)
    shaper.open(RATE)
    shaper.process(sine(220, RATE, 1.0, -12.0))
    shaper.boundary("sentence")
    shaper.process(sine(220, RATE, 1.0, -12.0))
    shaper.flush()
    assert shaper.output_time(1.0 - 0.00005) == pytest.approx(1.5)
    assert shaper.output_time(1.0 - 0.01) == pytest.approx(1.0 - 0.01)  # no rounding: its own
    assert shaper.output_time(1.0 - 0.00005, end=True) == pytest.approx(1.0, abs=0.0001)
