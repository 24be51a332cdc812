"""The neural piper voice through the server, driven by the official SDK, and the engines."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import numpy as np
import pytest
from cartesia import Cartesia

from sonicpipe import pcm
from sonicpipe.server import LocalServer
from sonicpipe.server.engines import (
    PHONEME_TABLE,
    PiperEngine,
    Word,
    _speech_end,
    load_engine,
    words_of,
)
from sonicpipe.server.markup import Pause, Utterance, Voicing, read, split_sentences
from sonicpipe.sonic.protocol import ProtocolError

VOICE = {"mode": "id", "id": "sonicpipe-local-joe"}


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="piper", linger=0.2) as running:
        yield running


def run_context(
    server: LocalServer, pieces: list[str], encoding: str = "pcm_s16le", **options
) -> tuple[bytes, list]:
    client = Cartesia(api_key="local", websocket_base_url=server.url)
    fmt = {"container": "raw", "encoding": encoding, "sample_rate": 44100}
    with client.tts.websocket_connect() as conn:
        context = conn.context(model_id="sonic-3", voice=VOICE, output_format=fmt, **options)
        for piece in pieces:
            context.push(piece)
        context.no_more_inputs()
        events = list(context.receive())
    audio = b"".join(e.audio for e in events if e.type == "chunk")
    return audio, events


def test_piper_speaks_continuations_with_timestamps(server: LocalServer) -> None:
    pieces = [
        "Alice was beginning to get very tired. ",
        "She had nothing to do. ",
        "Once or twice she had peeped into the book.",
    ]
    audio, events = run_context(server, pieces, add_timestamps=True)
    assert events[-1].type == "done"
    seconds = pcm.duration(len(audio), "pcm_s16le", 44100)
    engine = load_engine("piper")
    direct = sum(engine.synthesize(words_of(p)).duration for p in pieces)
    assert seconds == pytest.approx(direct, rel=0.15)  # piper's durations vary a little
    assert seconds > 0.3 * len(pieces)
    stamps = [e.word_timestamps for e in events if e.type == "timestamps"]
    words = [w for s in stamps for w in s.words]
    assert words == " ".join(pieces).split()
    starts = [x for s in stamps for x in s.start]
    ends = [x for s in stamps for x in s.end]
    assert starts == sorted(starts) and ends[-1] <= seconds + 0.01
    assert all(a < b for a, b in zip(starts, ends, strict=True))


LOUD = "Ahhh, eeee, oooh! Boom. Pop. Crack! The quick brown fox jumps over the lazy dog."


@pytest.mark.parametrize("engine_name", ["piper", "espeak"])
def test_the_whole_volume_range_stays_within_full_scale(engine_name: str) -> None:
    peaks = {}
    with LocalServer(engine=engine_name, linger=0.2) as running:
        for volume in ("0.5", "1", "2"):
            audio, _ = run_context(running, [f'<volume ratio="{volume}"/>{LOUD}'], "pcm_f32le")
            peaks[volume] = float(np.abs(np.frombuffer(audio, "<f4")).max())
    assert peaks["2"] < 0.98  # resampled to 44.1 kHz, with nothing clipped on the way
    # Neither voice is bit-exact from one run to the next (piper samples noise): a few percent.
    assert peaks["2"] == pytest.approx(4 * peaks["0.5"], rel=0.03)
    assert peaks["2"] == pytest.approx(2 * peaks["1"], rel=0.03)
    assert peaks["1"] > 0.3  # headroom, not a quiet voice


@pytest.mark.parametrize("engine_name", ["piper", "espeak"])
def test_custom_pronunciations_reach_the_engine(engine_name: str) -> None:
    engine = load_engine(engine_name)
    ipa = ("k", "ɑ", "ɹ", "ˈ", "t", "i", "ʒ", "ə")
    word = engine.synthesize([Word("cartiza", ipa)])
    short = engine.synthesize([Word("ka", ("k", "ɑ"))])
    assert word.duration > short.duration + 0.1
    assert len(word.word_times) == 1
    assert np.sqrt(np.mean(word.samples**2)) > 0.01
    # The phonemes are said, not the text: a long word given two phonemes is short.
    long = "antidisestablishmentarianism"
    said_as_ka = engine.synthesize([Word(long, ("k", "ɑ"))]).duration
    assert said_as_ka == pytest.approx(short.duration, abs=0.1)
    assert said_as_ka < engine.synthesize([Word(long)]).duration - 1.0


def test_a_nul_character_is_refused_as_invalid_text(server: LocalServer) -> None:
    """JSON allows "\\u0000"; piper's phonemizer takes C strings and failed on it (a 500 with
    a traceback; espeak read on). Like a lone surrogate, it is a 400 for either voice."""
    before = "Fine so far, and on for a while, so that this takes its time to be spoken. "
    audio, events = run_context(server, [before, "Then a\x00b."])
    # The sentence before it was spoken, all of it, before the error.
    alone = load_engine("piper").synthesize(words_of(before)).duration
    assert pcm.duration(len(audio), "pcm_s16le", 44100) > 0.8 * alone
    error = events[-1]
    assert (error.type, error.status_code) == ("error", 400)
    assert "transcript is not valid text: NUL character U+0000 in 'Then a\\x00b.'" in error.error


@pytest.mark.parametrize("engine_name", ["piper", "espeak"])
def test_raw_engine_phonemes_in_text_are_read_as_text(engine_name: str) -> None:
    """Both voices take [[...]] as raw phonemes; in a transcript it is only text."""
    engine = load_engine(engine_name)
    as_phonemes = engine.synthesize([Word("[[1234]]")]).duration  # next to nothing if raw
    as_text = engine.synthesize([Word("1234")]).duration  # one thousand two hundred...
    assert as_phonemes > 0.8 * as_text


def test_every_charsiu_phoneme_has_an_engine_phoneme() -> None:
    from sonicpipe.phonemes import CHARSIU

    assert set(PHONEME_TABLE) == set(CHARSIU.valid)
    accepted = load_engine("piper").accepted
    for piper_ipa, _ in PHONEME_TABLE.values():
        assert set(piper_ipa) <= accepted, piper_ipa


def test_speed_changes_piper_length() -> None:
    engine = load_engine("piper")
    words = words_of("This sentence is spoken at two different speeds.")
    assert engine.synthesize(words, speed=1.5).duration < engine.synthesize(words, 0.7).duration


def test_markup_reading() -> None:
    voicing = Voicing()
    reading = read(
        'Hi <volume ratio="0.5"/>there<break time="250ms"/><spell>A1</spell> '
        "<<h|ə|l|ˈ|oʊ>> [laughter]",
        "sonic-3",
        voicing,
    )
    first, second, pause, third = reading.items
    assert isinstance(first, Utterance) and first.volume == 1.0
    assert isinstance(second, Utterance) and second.volume == 0.5
    assert pause == Pause(0.25)
    assert isinstance(third, Utterance)
    assert [w.text for w in third.words] == ["A", "1", "həloʊ"]
    assert third.words[2].phonemes == ("h", "ə", "l", "ˈ", "oʊ")
    assert reading.unsupported == ["[laughter]"]
    assert voicing.volume == 0.5  # carried to the next sentence of the context


def test_mfa_pronunciations_are_converted_for_sonic_2() -> None:
    reading = read("<<h|ə|l|ow>>", "sonic-2", Voicing())
    assert reading.items[0].words[0].phonemes == ("h", "ə", "l", "oʊ")


@pytest.mark.parametrize(
    ("transcript", "words"),
    [
        ("<<h|ə|q>>", "phoneme 'q' is not in the charsiu"),
        ('<speed ratio="4"/>', "speed ratio 4 is out of range"),
        ('<break time="soon"/>', "break time 'soon' is not valid"),
        ('<emotion value="grumpy"/>', "unknown emotion 'grumpy'"),
        ('<speed value="1.2"/>', "takes the attribute 'ratio'"),
    ],
)
def test_bad_markup_is_a_clear_error(transcript: str, words: str) -> None:
    with pytest.raises(ProtocolError, match="transcript") as info:
        read(transcript, "sonic-3", Voicing())
    assert words in str(info.value)


def test_sentence_splitting_keeps_the_unfinished_rest() -> None:
    assert split_sentences("One. Two? Thr", final=False) == (["One. ", "Two? "], "Thr")
    assert split_sentences("One. Two? Thr", final=True) == (["One. ", "Two? ", "Thr"], "")
    pieces, _ = split_sentences("word " * 100, final=False, max_chars=50)
    assert all(len(p) <= 50 for p in pieces) and len(pieces) >= 9


def test_sentence_splitting_never_cuts_inside_markup() -> None:
    spelled = "Say <spell>A. B.</spell> now. [laughter. ok] Done. <<k|ɑ|ɹ>> Yes."
    assert split_sentences(spelled, final=True)[0] == [
        "Say <spell>A. B.</spell> now. ", "[laughter. ok] Done. ", "<<k|ɑ|ɹ>> Yes."
    ]  # fmt: skip
    long = "x " * 195 + 'then <emotion value="sad"/> hi'
    pieces, _ = split_sentences(long, final=True, max_chars=400)
    assert all(p.count("<") == p.count(">") for p in pieces)
    assert "".join(pieces) == long


@pytest.mark.parametrize("alignments", [True, False])
def test_piper_word_times_with_and_without_alignments(alignments: bool) -> None:
    engine = PiperEngine(alignments=alignments)
    words = words_of("Down the rabbit hole, she went.")
    synthesis = engine.synthesize(words)
    assert len(synthesis.word_times) == len(words)
    starts = [s for s, _ in synthesis.word_times]
    assert starts == sorted(starts) and synthesis.word_times[-1][1] <= synthesis.duration
    assert synthesis.word_times[0][1] < synthesis.word_times[-1][0]
    # onnx comes with the `local` extra (piper-tts[alignment]): alignments give phoneme times.
    assert importlib.util.find_spec("onnx") is not None
    assert engine.alignments == alignments
    if engine.alignments:
        assert [p.lstrip("ˈˌ") for p, _, _ in synthesis.phonemes[:3]] == ["d", "a", "ʊ"]
    else:
        assert synthesis.phonemes is None


def test_piper_threads_limit_one_synthesis_and_keep_the_voice() -> None:
    limited = load_engine("piper", threads=1)
    assert limited.voice.session.get_session_options().intra_op_num_threads == 1
    assert load_engine("piper", threads=1) is limited  # loaded once per setting
    default = load_engine("piper")
    assert default is not limited
    assert default.voice.session.get_session_options().intra_op_num_threads == 0  # all cores
    words = words_of("Curiouser and curiouser, cried Alice.")
    one, every = limited.synthesize(words), default.synthesize(words)
    assert one.duration == pytest.approx(every.duration, rel=0.15)  # piper varies a little
    assert len(one.word_times) == len(words) and limited.alignments == default.alignments


@pytest.mark.parametrize("threads", [0, -2, 1.5, True])
def test_bad_thread_counts_are_refused(threads: object) -> None:
    with pytest.raises(ValueError, match=r"expected a whole number >= 1"):
        load_engine("piper", threads=threads)


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 30_000])
def test_speech_end_is_just_after_the_last_loud_sample(size: int) -> None:
    rng = np.random.default_rng(size)
    for _ in range(10):
        samples = np.zeros(size, np.float32)
        if size:
            samples[: rng.integers(0, size)] = 0.01 * rng.choice([-1, 1])
            samples[rng.integers(0, size)] = 0.5
        loud = np.flatnonzero(np.abs(samples) > 1e-3)
        assert _speech_end(samples) == (loud[-1] + 1 if loud.size else size)
    assert _speech_end(np.full(size, 1e-4, np.float32)) == size  # no speech: keep it all
