"""Audio finishing speed: loudness normalization + 44.1 -> 24 kHz resampling, x realtime.

Run: ``python benchmarks/audio_bench.py`` (from the repository root, with sonicpipe installed).

Ten minutes of a speech-like signal at 44.1 kHz (ten different generated minutes: voiced
phrases, syllables, pauses, room noise) go through, on one core, side by side:

* ``sonicpipe file``: the audio chain with ``loudness`` (file mode: BS.1770-4 measurement,
  gain, true-peak limiter) and ``resample`` (soxr, 24 kHz), fed one-second chunks;
* ``sonicpipe stream``: the same chain in streaming mode (gated short-term gain, limiter);
* ``naive``: pyloudnorm's ``Meter.integrated_loudness`` and ``normalize.loudness`` (no
  true peak, no limiter: it clips, with a warning) then ``scipy.signal.resample_poly``.

For each: the best of three runs (wall clock), x realtime, the output's integrated loudness
and true peak, and the speed-up over ``naive``. Once for EBU R128 (-23 LUFS, -1 dBTP), once
for the podcast target (-16 LUFS, -1 dBTP, which asks the limiter for several dB). The
speech-like signal's peaks stand too far above its loudness for -16 LUFS under -1 dBTP: both
modes end near -17, as close as the ceiling allows (``naive`` gets -16 by clipping).

The timed region is the audio processing: the plugin host (entry points loaded, built-ins
registered) is set up once before it, as a pipeline does, and each run builds its chain
from that host.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # before numpy loads its BLAS: one thread

import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
import pyloudnorm  # noqa: E402
from scipy import signal  # noqa: E402

from sonicpipe.audio import AudioChain  # noqa: E402
from sonicpipe.audio.loudness import db, integrated_loudness, true_peak  # noqa: E402
from sonicpipe.audio.presets import PRESETS  # noqa: E402
from sonicpipe.audio.signals import speech_like  # noqa: E402
from sonicpipe.config import Settings  # noqa: E402
from sonicpipe.plugins import PluginHost  # noqa: E402

SOURCE, TARGET = 44100, 24000
MINUTES = 10
RUNS = 3


def sonicpipe_chain(preset: str, mode: str) -> Callable[[np.ndarray], np.ndarray]:
    """The plugin chain, as a pipeline runs it: chunks in, flush at the end.

    Plugin loading is setup, not audio processing: the host is built here, outside the timed
    ``run``, which makes the chain's processors from it.
    """
    settings = Settings(options={"loudness": {"preset": preset, "mode": mode},
                                 "resample": {"target_rate": TARGET}})  # fmt: skip
    host = PluginHost(settings)

    def run(audio: np.ndarray) -> np.ndarray:
        chain = AudioChain(host=host)
        chain.open(SOURCE)
        out = [chain.process(audio[i : i + SOURCE]) for i in range(0, audio.size, SOURCE)]
        return np.concatenate([*out, chain.flush()])

    return run


def naive_chain(preset: str) -> Callable[[np.ndarray], np.ndarray]:
    """pyloudnorm measure + normalize, then scipy's polyphase resampler."""
    target = PRESETS[preset].lufs

    def run(audio: np.ndarray) -> np.ndarray:
        wide = audio.astype(np.float64)
        meter = pyloudnorm.Meter(SOURCE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Possible clipped samples in output."
            normalized = pyloudnorm.normalize.loudness(
                wide, meter.integrated_loudness(wide), target
            )
        return signal.resample_poly(normalized, 80, 147).astype(np.float32)  # 24000/44100

    return run


def best_time(
    run: Callable[[np.ndarray], np.ndarray], audio: np.ndarray
) -> tuple[float, np.ndarray]:
    times, out = [], audio
    for _ in range(RUNS):
        start = time.perf_counter()
        out = run(audio)
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    print(f"generating {MINUTES} minutes of speech-like audio at {SOURCE} Hz ...")
    audio = np.concatenate(
        [speech_like(SOURCE, 60.0, seed=m, level_db=-20) for m in range(MINUTES)]
    )
    seconds = audio.size / SOURCE
    print(f"input: {integrated_loudness(audio, SOURCE):.1f} LUFS, true peak "
          f"{db(true_peak(audio)):.1f} dBTP; one core, best of {RUNS} runs\n")  # fmt: skip
    header = (f"{'preset':<10} {'chain':<17} {'seconds':>8} {'x realtime':>11} {'LUFS':>7} "
              f"{'dBTP':>6} {'speed-up':>9}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for preset in ("broadcast", "podcast"):
        chains = {
            "sonicpipe file": sonicpipe_chain(preset, "file"),
            "sonicpipe stream": sonicpipe_chain(preset, "stream"),
            "naive": naive_chain(preset),
        }
        results = {name: best_time(run, audio) for name, run in chains.items()}
        naive_time = results["naive"][0]
        for name, (elapsed, out) in results.items():
            print(f"{preset:<10} {name:<17} {elapsed:8.2f} {seconds / elapsed:10.0f}x "
                  f"{integrated_loudness(out, TARGET):7.1f} {db(true_peak(out)):6.1f} "
                  f"{naive_time / elapsed:8.1f}x")  # fmt: skip
    print("\ntarget: >= 300x realtime on one core for loudness + resampling")
    print("timed: the audio processing (chain built from a loaded plugin host, chunks, flush);")
    print("plugin loading (entry points) is setup, done once before the timed runs")


if __name__ == "__main__":
    main()
