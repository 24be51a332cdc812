"""The audio side of the pipeline: one stream of samples through the processor chain."""

from __future__ import annotations

import sys
from numbers import Integral
from typing import Any

import numpy as np

from sonicpipe.config import Settings
from sonicpipe.hookspecs import AudioProcessor
from sonicpipe.plugins import PluginError, PluginHost, described, is_builtin, line_in

BOUNDARIES = ("sentence", "paragraph")
EMPTY = np.zeros(0, dtype=np.float32)
HOOK = "sonicpipe_audio_processor"
MONO = "; a processor returns mono float32 samples (a one-dimensional float32 numpy array)"
NOT_A_RATE = ", not its output rate (a positive int)"


def as_samples(samples: np.ndarray) -> np.ndarray:
    """``samples`` as a one-dimensional float32 array (mono); an error for anything else.

    A sample that is not a number (NaN, infinity: a damaged stream) becomes silence, in a
    copy: one of them would stay in the filters' state of every later chunk of a stream.
    An array of integer PCM is an error: taken for floats, it would be noise at full scale.
    """
    if isinstance(samples, np.ndarray) and samples.dtype.kind in "iu":
        half = 2 ** (samples.dtype.itemsize * 8 - 1)
        scale = (
            f"divide by {half}"
            if samples.dtype.kind == "i"
            else f"subtract {half}, then divide by {half}"
        )
        raise ValueError(
            f"audio samples are floats in [-1, 1], not {samples.dtype} (integer PCM: {scale})"
        )
    array = np.asarray(samples, dtype=np.float32)
    if array.ndim != 1:
        raise ValueError(f"audio samples must be mono (one dimension), got shape {array.shape}")
    finite = np.isfinite(array)
    return array if finite.all() else np.where(finite, array, np.float32(0))


class AudioChain:
    """The processors for one stream, created by the ``sonicpipe_audio_processor`` hook.

    Feed it with :meth:`process` chunk by chunk, mark sentence and paragraph ends with
    :meth:`boundary`, and call :meth:`flush` at the end; each returns the samples ready at
    :attr:`out_rate`. Make one chain per stream: processors keep state. A processor that
    breaks the contract of :class:`~sonicpipe.hookspecs.AudioProcessor` (no ``open``,
    ``process`` and ``flush``, no output rate, anything but mono float32 samples out) is a
    :class:`PluginError` naming it and its plugin.

    >>> chain = AudioChain(Settings(options={"resample": {"target_rate": 8000}}))
    >>> chain.open(24000)
    8000
    """

    def __init__(self, settings: Settings | None = None, host: PluginHost | None = None) -> None:
        self.settings = settings or (host.settings if host else Settings())
        self.host = host or PluginHost(self.settings)
        # each has open, process and flush (else the host's PluginError naming its plugin)
        self.processors: list[AudioProcessor] = self.host.hook.sonicpipe_audio_processor(
            settings=self.settings
        )
        self.out_rate: int | None = None

    def _error(self, processor: AudioProcessor, call: str, value: object, want: str) -> PluginError:
        """The error for a ``call`` of ``processor`` that returned ``value``, not ``want``."""
        what = "None" if value is None else f"a {type(value).__name__}"
        if isinstance(value, np.ndarray):
            article = "an" if value.dtype.name[0] in "aeiou" else "a"
            what = f"{article} {value.dtype} array of shape {value.shape}"
        return PluginError(f"{self._where(processor)}: {call} returned {what}{want}")

    def _where(self, processor: AudioProcessor) -> str:
        """``plugin 'name': audio processor module.Class``, to lead an error about it."""
        kind = type(processor)
        where = f"audio processor {kind.__module__}.{kind.__qualname__}"
        return f"{self.host.made_by(processor, HOOK)}: {where}"

    def _call(self, processor: AudioProcessor, call: str, method: Any, *args: Any) -> Any:
        """``method(*args)`` of ``processor``; an exception out of a plugin's processor becomes
        a :class:`PluginError` naming it (the built-ins' errors are worded for the user)."""
        try:
            return method(*args)
        except Exception as exc:
            if isinstance(exc, PluginError) or is_builtin(processor):
                raise
            source = getattr(sys.modules.get(type(processor).__module__), "__file__", None)
            problem = f"{call} failed: {described(exc)}{line_in(exc, source or '')}"
            raise PluginError(f"{self._where(processor)}: {problem}") from exc

    def _samples(self, processor: AudioProcessor, call: str, method: Any, *args: Any) -> np.ndarray:
        """What ``method(*args)`` (``call`` of ``processor``) returns, if mono float32."""
        samples = self._call(processor, call, method, *args)
        if isinstance(samples, np.ndarray) and samples.dtype == np.float32 and samples.ndim == 1:
            return samples
        raise self._error(processor, call, samples, MONO)

    def open(self, sample_rate: int, after: AudioChain | None = None) -> int:
        """Open every processor for a stream at ``sample_rate``; return the output rate.

        ``after``: the chain of the stream before this one in a conversation (the turns of a
        voice agent). Each processor that has ``resume`` goes on from what ``carry()`` of the
        processor at its place there returns, if that is of its class and the two chains
        come from one host and equal settings: a streaming loudness stage goes on from the
        level it measured instead of measuring afresh.
        """
        rate = sample_rate
        for processor in self.processors:
            opened = self._call(processor, f"open({rate})", processor.open, rate)
            if isinstance(opened, bool) or not isinstance(opened, Integral) or opened <= 0:
                raise self._error(processor, f"open({rate})", opened, NOT_A_RATE)
            rate = int(opened)
        self.out_rate = rate
        if after is not None:
            self._resume(after)
        return rate

    def _resume(self, before: AudioChain) -> None:
        """Hand what each processor of ``before`` carries to its counterpart here."""
        if before.host is not self.host or before.settings != self.settings:
            return
        if len(before.processors) != len(self.processors):
            return  # a plugin stayed out of one of them: places do not match
        for old, new in zip(before.processors, self.processors, strict=True):
            carry, resume = getattr(old, "carry", None), getattr(new, "resume", None)
            if type(old) is type(new) and carry is not None and resume is not None:
                self._call(new, "resume()", resume, self._call(old, "carry()", carry))

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Run one chunk through the chain; return the samples ready so far."""
        samples = as_samples(samples)
        for processor in self.processors:
            if not samples.size:  # a stage is holding it all (a pause being measured)
                break
            samples = self._samples(processor, "process()", processor.process, samples)
        return samples

    def boundary(self, kind: str) -> np.ndarray:
        """Tell the chain a sentence or paragraph ended here; return the samples ready."""
        if kind not in BOUNDARIES:
            raise ValueError(f"boundary {kind!r} is not valid; valid: {', '.join(BOUNDARIES)}")
        return self._drain("boundary", kind)

    def flush(self) -> np.ndarray:
        """End of stream: return everything the processors still hold."""
        return self._drain("flush")

    def _drain(self, method: str, *args: str) -> np.ndarray:
        """Pass what each processor returns on through the later ones, then call ``method``
        (``boundary``, which a processor may lack, or ``flush``) of each."""
        call = f"{method}({', '.join(map(repr, args))})"
        carry = EMPTY
        for processor in self.processors:
            ready = EMPTY
            if carry.size:
                ready = self._samples(processor, "process()", processor.process, carry)
            end = getattr(processor, method, None)
            held = EMPTY if end is None else self._samples(processor, call, end, *args)
            carry = np.concatenate([ready, held])
        return carry

    def run(self, samples: np.ndarray, sample_rate: int) -> tuple[np.ndarray, int]:
        """Whole-file convenience: open, process everything, flush; return samples and rate."""
        rate = self.open(sample_rate)
        out = self.process(samples)
        return np.concatenate([out, self.flush()]), rate
