"""Loudness per ITU-R BS.1770-4 / EBU R128: meters, true peak, a true-peak limiter, presets.

The K-weighting is BS.1770-4's published 48 kHz filter (pyloudnorm's "DeMan" design),
matched at other rates (:func:`k_weighting`), and the gating is BS.1770-4's (400 ms blocks
every 100 ms, -70 LUFS absolute gate, -10 LU relative gate), computed on 100 ms sums so a
long book measures in one pass. Three gaps of pyloudnorm are closed here:

- true peak: :func:`true_peak` oversamples 4x with the BS.1770-4 Annex 2 interpolator (the
  limiter, below 22.05 kHz, to 192 kHz with a longer one: :func:`interpolator`);
- clips shorter than one 400 ms block measure as one block instead of raising;
- normalizing never clips: :func:`normalize` hands every over to :class:`Limiter`.

For G.711 output (mu-law, A-law), whose steps near full scale are large, the limiter aims
lower (:func:`codec_ceiling`), so that the decoded audio keeps the ceiling.

Blocks whose sample peak cannot reach the ceiling, whatever the interpolation, are never
oversampled (the interpolator's gain is bounded), which keeps true-peak work to the few
loud spots of speech.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from pyloudnorm.iirfilter import IIRfilter
from scipy import ndimage, signal

from sonicpipe import pcm
from sonicpipe.audio.chain import EMPTY, as_samples
from sonicpipe.audio.presets import Preset
from sonicpipe.config import ENCODINGS

ABSOLUTE_GATE = -70.0  # LUFS
RELATIVE_GATE = -10.0  # LU below the absolute-gated loudness
LRA_RELATIVE_GATE = -20.0  # EBU Tech 3342
OFFSET = -0.691  # BS.1770: makes a 997 Hz sine read its RMS level in dB
HOP = 0.1  # seconds between gating blocks
BLOCK_HOPS = 4  # 400 ms momentary block
SHORT_TERM_HOPS = 30  # 3 s short-term block
CHUNK_HOPS = 50  # hops K-weighted at a time by hop_powers

# BS.1770-4 Annex 2: 4x oversampling interpolator, 48 taps as 4 phases of 12.
TRUE_PEAK_PHASES = np.array([
    [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875,
     0.1373291015625, 0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250,
     0.0148925781250, -0.0083007812500],
    [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500,
     0.4650878906250, 0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625,
     0.0330810546875, -0.0189208984375],
    [-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125,
     0.7797851562500, 0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000,
     0.0292968750000, -0.0291748046875],
    [-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750,
     0.9721679687500, 0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125,
     0.0109863281250, 0.0017089843750],
], dtype=np.float32)  # fmt: skip


class Interpolator:
    """A true-peak interpolator: ``phases`` (one row of ``taps`` per oversampled point), and
    the bounds that let the meter and the limiter skip the samples that cannot reach a level.

    Row ``p`` of ``phases`` is ``h[p::factor]`` of a symmetric low-pass ``h`` (BS.1770's
    layout): the values between x[k] and x[k+1] use x[k-half+1..k+half].
    """

    def __init__(self, phases: np.ndarray) -> None:
        self.phases = np.asarray(phases, dtype=np.float32)
        self.factor, self.taps = self.phases.shape
        self.half = self.taps // 2
        # The phases as one matrix: windows x[k-half+1..k+half] (rows) times it.
        self.matrix = np.ascontiguousarray(self.phases[:, ::-1].T)
        # No interpolated value exceeds this times the largest |sample| within reach.
        self.bound = float(np.abs(self.phases).sum(axis=1).max())
        # |interpolated| <= near_gain * max(|x[k]|, |x[k+1]|) + curvature_gain * (largest
        # |second difference| in reach): tight for speech, whose second differences are small.
        self.near_gain, self.curvature_gain = self._curvature_split()

    def _curvature_split(self) -> tuple[float, float]:
        """Each phase rewritten exactly as ``a x[k] + b x[k+1]`` plus a sum of the second
        differences ``x[m-1] - 2 x[m] + x[m+1]`` within its reach (m = k-half+2..k+half-1);
        returns the largest ``|a| + |b|`` and the largest sum of the |second-difference
        coefficients|."""
        taps, half = self.taps, self.half
        basis = np.zeros((taps, taps))  # columns: x[k], x[k+1], then the second differences
        basis[half - 1, 0] = basis[half, 1] = 1
        for column, centre in enumerate(range(1, taps - 1), start=2):
            basis[centre - 1 : centre + 2, column] = (1, -2, 1)
        weights = np.abs(np.linalg.solve(basis, self.matrix.astype(np.float64)))
        return float(weights[:2].sum(axis=0).max()), float(weights[2:].sum(axis=0).max())


BS1770 = Interpolator(TRUE_PEAK_PHASES)
INTERPOLATION_BOUND = BS1770.bound
# Below this rate the standard's 4x misses peaks: speech fills the band up to Nyquist (at
# 8 kHz, BS.1770's interpolator reads clicks band-limited to 3.6 kHz 0.26 dB low, and bursts
# of a 3.5 kHz tone 0.36 dB low).
DENSER_BELOW = 22050  # Hz
DENSER_RATE = 192000  # Hz: the oversampled rate below DENSER_BELOW (BS.1770's, 4 x 48 kHz)
DENSER_TAPS = 32  # per phase: reads peaks up to 0.45 x the rate within 0.03 dB
DENSER_BETA = 5.0  # Kaiser window


def interpolator(sample_rate: int) -> Interpolator:
    """The true-peak interpolator for ``sample_rate``: BS.1770-4's 4x from 22.05 kHz. Below,
    a longer one to :data:`DENSER_RATE` (24x at 8 kHz, 12x at 16 kHz), with BS.1770's
    phases too: what it reads is never below what a BS.1770 meter reads at the rate."""
    if sample_rate >= DENSER_BELOW:
        return BS1770
    return _denser(-(-DENSER_RATE // sample_rate))


@cache
def _denser(factor: int) -> Interpolator:
    """``factor`` phases of a Kaiser-windowed sinc, :data:`DENSER_TAPS` taps each, and
    BS.1770's 4 (their 12 taps in the middle of as many)."""
    window = ("kaiser", DENSER_BETA)
    h = signal.firwin(factor * DENSER_TAPS, 0.5, window=window, fs=factor) * factor
    side = (DENSER_TAPS - BS1770.taps) // 2
    standard = np.pad(BS1770.phases, ((0, 0), (side, side)))
    return Interpolator(np.vstack([h.reshape(DENSER_TAPS, factor).T, standard]))


FEW_PHASES = 4  # up to this many, per-phase convolutions beat one matrix product
BOUND_SLACK = 1e-5  # relative: float32 rounding of the bound and of the exact values
SCAN_BLOCK = 1024  # samples per block when looking for possible overs
GAIN_STEP = 16  # samples per step of the limiter's gain curve
MAKEUP_DB = 6.0  # the most gain either mode adds to make up for what the limiter takes off
LEVEL_TOLERANCE = 0.1  # dB: file mode stops correcting its gain within this of the goal
TRIES = 6  # file mode limits and measures at most this many gains
DENORMAL_GUARD = np.float32(1e-20)  # far below any level measured: -400 dBFS
# BS.1770-4's K-weighting as published for 48 kHz, as SOS rows (b0 b1 b2 1 a1 a2): the
# pre-filter (a high shelf), then the RLB high-pass. pyloudnorm's "DeMan" design gives it
# (to 1e-12) from the analog prototypes De Man fitted to it (gain dB, Q, centre Hz).
K_WEIGHTING_48K = np.array([
    [*f.b, *f.a]
    for f in (
        IIRfilter(3.99984385397, 0.7071752369554193, 1681.9744509555319, 48000,
                  "high_shelf_DeMan"),
        IIRfilter(0.0, 0.5003270373253953, 38.13547087613982, 48000, "high_pass_DeMan"),
    )
])  # fmt: skip
G711 = ("pcm_mulaw", "pcm_alaw")  # the encodings whose steps need a margin under the ceiling
K_MATCHED_AT = (1500.0, 40.0)  # Hz: where each section matches at other rates (see k_weighting)
LOWEST_RATE = 8000  # Hz


def db(value: float) -> float:
    """An amplitude ratio in dB; -inf for zero."""
    return 20 * math.log10(value) if value > 0 else -math.inf


def undb(level: float) -> float:
    """dB to an amplitude ratio."""
    return 10 ** (level / 20)


def k_weighting(sample_rate: int) -> np.ndarray:
    """BS.1770-4 K-weighting at ``sample_rate`` (8 kHz and up) as float32 SOS sections.

    The standard gives the filter for 48 kHz only. At other rates each section keeps its poles
    (mapped in time: z to z ** (48000 / rate)) and takes the numerator whose magnitude equals
    the 48 kHz section's at 0 Hz, at :data:`K_MATCHED_AT` and at Nyquist (Vicanek's matched
    second-order design): within 0.04 dB of the 48 kHz response at 8 kHz, 0.003 dB from
    16 kHz. (pyloudnorm's designs at the rate itself read a 1 kHz tone up to 0.04 LU off from
    16 kHz, and speech at 8 kHz up to 0.24 LU off.)
    """
    if sample_rate < LOWEST_RATE:
        raise ValueError(
            f"loudness is measured at {LOWEST_RATE} Hz and above (BS.1770's K-weighting "
            f"shelf needs up to 4 kHz), not at {sample_rate} Hz"
        )
    pairs = zip(K_WEIGHTING_48K, K_MATCHED_AT, strict=True)
    return np.array([_matched(s, sample_rate, at) for s, at in pairs], dtype=np.float32)


def _matched(section: np.ndarray, sample_rate: int, middle: float) -> np.ndarray:
    """The 48 kHz biquad ``section`` at ``sample_rate``: the same poles, and its magnitude at
    0 Hz, ``middle`` and Nyquist (above 24 kHz: its value at 24 kHz, the analog limit)."""
    a = np.poly(np.roots(section[3:]) ** (48000 / sample_rate)).real
    # |A|^2 and |B|^2 on the unit circle are linear in (1 - s, s, 4 s (1 - s)), s = sin^2(w/2).
    freqs = np.array([0.0, middle, sample_rate / 2])
    s = np.sin(np.pi * freqs / sample_rate) ** 2
    basis = np.stack([1 - s, s, 4 * s * (1 - s)], axis=1)
    a_terms = np.array([(1 + a[1] + a[2]) ** 2, (1 - a[1] + a[2]) ** 2, -4 * a[2]])
    _, response = signal.sosfreqz(section[None], worN=np.minimum(freqs, 24000.0), fs=48000)
    dc, nyquist, cross = np.linalg.solve(basis, np.abs(response) ** 2 * (basis @ a_terms))
    # (b0 + b1 + b2)^2 = dc, (b0 - b1 + b2)^2 = nyquist, -4 b0 b2 = cross
    low, high = math.sqrt(max(dc, 0.0)), math.sqrt(max(nyquist, 0.0))
    outer = (low + high) / 2  # b0 + b2
    b0 = (outer + math.sqrt(max(outer * outer + cross, 0.0))) / 2
    return np.array([b0, (low - high) / 2, outer - b0, *a])


def k_filter(
    sos: np.ndarray, samples: np.ndarray, state: np.ndarray, axis: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """K-weight the next ``samples`` of a stream from the filter ``state``: (output, new state).

    :data:`DENORMAL_GUARD` is added first: after speech, in digital silence, the filter would
    decay into denormal floats, which made the K-weighting of speech with pauses ten times
    slower. ``axis`` is the time axis (0 for frames of several channels).
    """
    return signal.sosfilt(sos, samples + DENORMAL_GUARD, axis=axis, zi=state)


def hop_size(sample_rate: int) -> int:
    """Samples per 100 ms gating hop."""
    return round(sample_rate * HOP)


def hop_powers(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Sum of squares of the K-weighted signal over each whole 100 ms hop (float64).

    Filtered a few seconds at a time, the state carried over: the same values as the whole
    signal at once, without a K-weighted copy of all of it.
    """
    samples, sos, hop = as_samples(samples), k_weighting(sample_rate), hop_size(sample_rate)
    whole, step = samples.size // hop * hop, hop * CHUNK_HOPS
    state = np.zeros((sos.shape[0], 2), dtype=np.float32)
    powers = np.empty(whole // hop)
    for first in range(0, whole, step):
        weighted, state = k_filter(sos, samples[first : min(first + step, whole)], state)
        weighted = weighted.reshape(-1, hop)
        powers[first // hop : first // hop + weighted.shape[0]] = np.einsum(
            "ij,ij->i", weighted, weighted, dtype=np.float64
        )
    return powers


def block_powers(powers: np.ndarray, hops: int, hop: int) -> np.ndarray:
    """Mean squares of blocks of ``hops`` consecutive hops, one block per hop."""
    if powers.size < hops:
        return np.zeros(0)
    sums = np.convolve(powers, np.ones(hops))[hops - 1 : powers.size]
    return sums / (hops * hop)


def to_lufs(power: np.ndarray | float) -> np.ndarray | float:
    """Mean square (K-weighted, mono) to LUFS."""
    with np.errstate(divide="ignore"):
        return OFFSET + 10 * np.log10(power)


def gated_loudness(blocks: np.ndarray) -> float:
    """BS.1770-4 integrated loudness of block mean squares (absolute then relative gate)."""
    loud = to_lufs(blocks)
    above = blocks[loud >= ABSOLUTE_GATE]
    if not above.size:
        return -math.inf
    relative = to_lufs(above.mean()) + RELATIVE_GATE
    return float(to_lufs(blocks[(loud >= ABSOLUTE_GATE) & (loud > relative)].mean()))


def integrated_loudness(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS; a clip shorter than 400 ms counts as one block."""
    samples = as_samples(samples)
    if not samples.size:
        raise ValueError("cannot measure the loudness of no samples")
    hop = hop_size(sample_rate)
    if samples.size < BLOCK_HOPS * hop:
        weighted = signal.sosfilt(k_weighting(sample_rate), samples)
        return gated_loudness(np.array([np.mean(np.square(weighted, dtype=np.float64))]))
    return gated_loudness(block_powers(hop_powers(samples, sample_rate), BLOCK_HOPS, hop))


def powers_range(powers: np.ndarray, hop: int) -> float:
    """EBU Tech 3342 loudness range (LU) of 3 s blocks, from K-weighted :func:`hop_powers` of
    ``hop`` samples each; 0 for less than two usable blocks."""
    blocks = block_powers(powers, SHORT_TERM_HOPS, hop)
    loud = to_lufs(blocks[to_lufs(blocks) >= ABSOLUTE_GATE])
    if loud.size < 2:
        return 0.0
    gate = 10 * np.log10(np.mean(10 ** (loud / 10))) + LRA_RELATIVE_GATE
    loud = loud[loud >= gate]
    low, high = np.percentile(loud, [10, 95]) if loud.size else (0.0, 0.0)
    return float(high - low)


def local_true_peak(samples: np.ndarray, interp: Interpolator = BS1770) -> np.ndarray:
    """Per sample k: the largest of |x[k]| and the interpolated values that use
    x[k-half+1..k+half] (BS.1770's 4, of x[k-5..k+6], by default).

    The direct computation over every sample; :func:`true_peak` and :class:`Limiter` get the
    same values while oversampling only where a peak can reach their threshold.
    """
    samples = as_samples(samples)
    peaks = np.abs(samples)
    for phase in interp.phases:
        interpolated = ndimage.convolve1d(samples, phase, mode="constant")
        np.maximum(peaks, np.abs(interpolated, out=interpolated), out=peaks)
    return peaks


def _block_peaks(samples: np.ndarray, size: int) -> np.ndarray:
    """max |x| over each block of ``size`` samples (the last one may be shorter)."""
    return np.maximum.reduceat(np.abs(samples), np.arange(0, samples.size, size))


def _block_bounds(samples: np.ndarray, bound: float) -> np.ndarray:
    """An upper bound of the true peak within each SCAN_BLOCK block (and its filter reach),
    for an interpolator's ``bound``."""
    peaks = _block_peaks(samples, SCAN_BLOCK)
    reach = ndimage.maximum_filter1d(peaks, 3, mode="constant")  # taps cross block edges
    return reach * bound


def risky_regions(
    samples: np.ndarray,
    threshold: float,
    before: int | None = None,
    after: int | None = None,
    interp: Interpolator = BS1770,
) -> list[tuple[int, int]]:
    """Sample ranges whose true peak may exceed ``threshold``, widened by ``before``/``after``
    (default: the interpolator's taps).

    Everything outside them is provably below ``threshold``, so it needs no oversampling.
    """
    before = interp.taps if before is None else before
    after = interp.taps if after is None else after
    bounds = _block_bounds(samples, interp.bound) if samples.size else np.zeros(0)
    risky = np.flatnonzero(bounds > threshold)
    regions: list[tuple[int, int]] = []
    for first, last in _runs(np.asarray(risky)):
        # Starts on the GAIN_STEP grid, so gain curves do not depend on where a scan began.
        start = max((first * SCAN_BLOCK - before) // GAIN_STEP * GAIN_STEP, 0)
        stop = min((last + 1) * SCAN_BLOCK + after, samples.size)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], stop)
        else:
            regions.append((start, stop))
    return regions


def peaks_over(
    samples: np.ndarray,
    threshold: float,
    start: int = 0,
    stop: int | None = None,
    interp: Interpolator = BS1770,
) -> tuple[np.ndarray, np.ndarray]:
    """The samples of ``samples[start:stop]`` whose :func:`local_true_peak` (of the whole
    ``samples``) exceeds ``threshold``: offsets from ``start`` and peaks.

    The interpolation reads the neighbours outside the range, so a range's edges never
    look like steps from silence.
    """
    stop = samples.size if stop is None else stop
    low, high = max(start - interp.half, 0), min(stop + interp.half, samples.size)
    found, peaks = _peaks_over(samples[low:high], threshold, interp)
    keep = (found >= start - low) & (found < stop - low)
    return found[keep] - (start - low), peaks[keep]


def _peaks_over(
    samples: np.ndarray, threshold: float, interp: Interpolator
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`peaks_over` of the whole ``samples`` (zeros beyond its ends).

    A per-sample bound (see :class:`Interpolator`: the nearer samples plus the curvature in
    reach) leaves only the few samples near loud peaks to interpolate.
    """
    n, half = samples.size, interp.half
    magnitude = np.abs(samples)
    near = magnitude.copy()  # max(|x[k]|, |x[k+1]|)
    np.maximum(near[:-1], magnitude[1:], out=near[:-1])
    padded = np.zeros(n + 2 * half, dtype=np.float32)
    padded[half : half + n] = samples
    # curvature[m]: |second difference| centred on sample m - half + 1 (zeros outside)
    curvature = padded[1:-1] * np.float32(-2)
    curvature += padded[:-2]
    curvature += padded[2:]
    np.abs(curvature, out=curvature)
    # for sample k, the taps - 2 second differences centred on k-half+2..k+half-1:
    # curvature[k+1..k+taps-2]
    reach = _sliding_max(curvature[1:], interp.taps - 2)
    reach *= np.float32(interp.curvature_gain)
    near *= np.float32(interp.near_gain)
    reach += near  # the bound
    candidates = np.flatnonzero(reach > threshold * (1 - BOUND_SLACK))
    if candidates.size > n // 8 and interp.factor <= FEW_PHASES:  # most samples: at once
        peaks = local_true_peak(samples, interp)
        over = np.flatnonzero(peaks > threshold)
        return over, peaks[over]
    windows = sliding_window_view(padded, interp.taps)[1 : n + 1]  # x[k-half+1..k+half]
    if candidates.size > n // 8:  # most samples, many phases: one product for them all
        candidates = np.arange(n)
    else:
        windows = windows[candidates]
    interpolated = np.abs(windows @ interp.matrix)
    peaks = magnitude[candidates]
    for phase in interpolated.T:
        np.maximum(peaks, phase, out=peaks)
    over = peaks > threshold
    return candidates[over], peaks[over]


def _sliding_max(values: np.ndarray, width: int) -> np.ndarray:
    """``max(values[i : i + width])`` for each whole window, by doubling (faster than
    scipy's filter for the short windows here)."""
    size = 1
    while 2 * size <= width:
        values, size = np.maximum(values[:-size], values[size:]), 2 * size
    return np.maximum(values[: values.size - (width - size)], values[width - size :])


def true_peak(
    samples: np.ndarray,
    start: int = 0,
    stop: int | None = None,
    floor: float = 0.0,
    interp: Interpolator = BS1770,
) -> float:
    """True peak (linear) per BS.1770-4 Annex 2 (or with ``interp``: :func:`interpolator`
    of the rate), never below the sample peak, of ``samples[start:stop]`` (all of them by
    default): the interpolation reads the neighbours in ``samples`` and zeros past its ends.
    ``floor`` is a peak already found (of earlier samples): none lower is returned, and no
    sample below it is interpolated."""
    samples = as_samples(samples)
    stop = samples.size if stop is None else stop
    if start >= stop:
        return floor
    best = max(floor, float(np.max(np.abs(samples[start:stop]))))
    for low, high in risky_regions(samples, best, interp=interp):  # where it may be above best
        low, high = max(low, start), min(high, stop)
        if low < high:
            _, peaks = peaks_over(samples, best, low, high, interp)
            best = max(best, float(peaks.max(initial=best)))
    return best


def exceeds(samples: np.ndarray, threshold: float, interp: Interpolator = BS1770) -> bool:
    """Whether the true peak of ``samples`` exceeds ``threshold`` (interpolating only if the
    samples themselves do not)."""
    samples = as_samples(samples)
    if samples.size and max(float(samples.max()), -float(samples.min())) > threshold:
        return True
    regions = risky_regions(samples, threshold, interp=interp)
    return any(peaks_over(samples, threshold, *region, interp)[0].size for region in regions)


def rms_db(samples: np.ndarray) -> float:
    """Unweighted RMS level of the whole signal, dBFS (ACX's "RMS")."""
    samples = as_samples(samples)
    if not samples.size:
        return -math.inf
    return db(math.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def codec_ceiling(ceiling_db: float, encoding: str) -> float:
    """The true-peak ceiling (dBTP) to limit to so that audio written as ``encoding`` (one of
    Sonic's) keeps ``ceiling_db`` once decoded: ``ceiling_db`` itself for PCM.

    G.711 (``pcm_mulaw``, ``pcm_alaw``) is standard, so its decoders round a sample by up to
    half a step, and its steps near full scale are large: at -6 dBFS a peak may decode 0.27 dB
    higher. The ceiling is lowered by the worst error of any sample up to it (``e``, read off
    the codec itself), times :data:`INTERPOLATION_BOUND` for the interpolated values: no
    sample, nor any 4x-interpolated value, of the decoded audio can then exceed ``ceiling_db``
    (0.3 dB under a -1 dBTP ceiling).
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding {encoding!r} is not valid; valid: {', '.join(ENCODINGS)}")
    if encoding not in G711:
        return ceiling_db
    ceiling = undb(ceiling_db)
    top = math.ceil(ceiling * 32768)  # any |x| <= ceiling rounds to a 16-bit value up to it
    values = np.arange(-top, top + 1) / 32768  # exact in float64
    decoded = pcm.decode(pcm.encode(values, encoding), encoding)
    e = float(np.max(np.abs(decoded - values))) + 0.5 / 32768  # + the rounding to 16 bits
    return db(ceiling - INTERPOLATION_BOUND * e)


# -- the limiter ---------------------------------------------------------------------------


Span = tuple[int, int]


@dataclass(frozen=True)
class Peaks:
    """Exact true peaks found in ``samples[start:stop]``: offsets from ``start`` and values."""

    start: int
    stop: int
    where: np.ndarray
    peaks: np.ndarray


class Limiter:
    """A look-ahead true-peak limiter: no interpolated value of the output exceeds ``ceiling``
    (the :func:`interpolator` of its rate: BS.1770's 4x, denser below 22.05 kHz).

    The gain needed at each sample is held for ``release`` seconds and ramped in and out over
    ``attack`` seconds by two moving averages, which never rise above the need (the ramp starts
    ``2 * attack`` early). The margin covers the interpolation of a gain that moves.
    """

    MARGIN_DB = 0.1
    # verify leaves overs of the target smaller than float32 rounding of gains and samples
    # (far below the margin: the ceiling holds)
    ROUNDING = 1e-5

    def __init__(
        self, sample_rate: int, ceiling_db: float, attack: float = 0.005, release: float = 0.05
    ) -> None:
        self.ceiling = undb(ceiling_db)
        self.ceiling_db = ceiling_db
        self.interp = interp = interpolator(sample_rate)
        self.attack = max(round(attack * sample_rate), 1)
        self.hold = round(release * sample_rate)
        # The gain curve in GAIN_STEP blocks (see _curve): a peak's need is held from `ahead`
        # blocks before its block to `after` blocks past it, then ramped twice over `ramp`.
        self._ramp_blocks = -(-self.attack // GAIN_STEP)
        self._ahead_blocks = 2 * self._ramp_blocks - 1 + -(-interp.taps // GAIN_STEP)
        self._after_blocks = -(-(self.hold + interp.taps) // GAIN_STEP) + 1
        # The gain falls at most ``lead`` samples before a peak (the look-ahead) and is back to
        # 1 at most ``tail`` samples after it: those blocks, the peak's place in its own block
        # and half a block of interpolation between block centres. The lead also covers the
        # interpolator's reach, since samples still to come change the true peaks before them.
        edge = GAIN_STEP + GAIN_STEP // 2 - 1
        self.lead = self._ahead_blocks * GAIN_STEP + edge + interp.half
        self.tail = (self._after_blocks + 2 * (self._ramp_blocks - 1)) * GAIN_STEP + edge

    @property
    def target(self) -> float:
        """The level peaks are brought to: the ceiling less the margin."""
        return self.ceiling * undb(-self.MARGIN_DB)

    def scan(self, samples: np.ndarray, scale: float = 1.0) -> list[Peaks]:
        """The true peaks of ``samples`` that exceed the target once multiplied by ``scale``.

        Exact (interpolated) values, found only where a bound says they can be; one entry per
        region, with the room the gain ramps need around them.
        """
        threshold = self.target / scale
        found = []
        for start, stop in risky_regions(samples, threshold, self.lead, self.tail, self.interp):
            where, peaks = peaks_over(samples, threshold, start, stop, self.interp)
            if where.size:
                found.append(Peaks(start, stop, where, peaks))
        return found

    def limit(self, out: np.ndarray, scan: list[Peaks], scale: float = 1.0) -> list[Span]:
        """Apply in place the gain that the scanned peaks, times ``scale``, need in ``out``.

        ``out`` is the scanned signal times ``scale`` (peaks scale with it, so one scan
        serves many gains). Returns the spans where the gain is below 1.
        """
        spans = []
        for region in scan:
            over = region.peaks * scale > self.target
            if not over.any():
                continue
            need = self.target / (region.peaks[over] * scale)
            first, curve = self._curve(region.stop - region.start, region.where[over], need)
            start = region.start + first
            out[start : start + curve.size] *= curve
            spans.append((start, start + curve.size))
        return spans

    def limited(self, samples: np.ndarray, scan: list[Peaks], scale: float) -> np.ndarray:
        """``samples`` times ``scale`` (a new array), limited as its ``scan`` needs at that
        scale (:meth:`limit`; not verified)."""
        out = samples * np.float32(scale)
        self.limit(out, scan, scale)
        return out

    def verify(self, out: np.ndarray, spans: list[Span]) -> None:
        """Where the gain moved, measure ``out`` again and limit any peak that slipped by."""
        threshold = self.target * (1 + self.ROUNDING)
        for _ in range(3):
            scan = []
            for first, last in spans:
                start, stop = max(first - self.lead, 0), min(last + self.tail, out.size)
                where, peaks = peaks_over(out, threshold, start, stop, self.interp)
                if where.size:
                    scan.append(Peaks(start, stop, where, peaks))
            spans = self.limit(out, scan)
            if not spans:
                return

    def gain(self, samples: np.ndarray) -> np.ndarray | None:
        """Per-sample gain (<= 1) keeping ``samples`` under the ceiling; None if 1 throughout."""
        gain = np.ones(samples.size, dtype=np.float32)
        return gain if self.limit(gain, self.scan(samples)) else None

    def apply(self, samples: np.ndarray) -> np.ndarray:
        """``samples`` limited (a new array), then verified where the gain moved."""
        out = as_samples(samples).copy()
        self.verify(out, self.limit(out, self.scan(out)))
        return out

    def _curve(self, length: int, where: np.ndarray, need: np.ndarray) -> tuple[int, np.ndarray]:
        """The gain for the needs at ``where`` (sorted) within ``length`` samples, 1 elsewhere.

        Computed per GAIN_STEP block, with windows one block wider than the ramp needs (and
        covering the interpolator's reach), then interpolated linearly between block centres:
        no sample's gain exceeds the need of any sample whose interpolation it feeds. Returns
        the first sample where the gain is below 1 and the gain from there on while it is.
        """
        step = GAIN_STEP
        blocks = np.ones(-(-length // step), dtype=np.float32)
        block_of = where // step
        firsts = np.flatnonzero(np.r_[True, np.diff(block_of) > 0])
        blocks[block_of[firsts]] = np.minimum.reduceat(need, firsts)
        held = _window(
            ndimage.minimum_filter1d, blocks, self._after_blocks, self._ahead_blocks, cval=1.0
        )
        ramp = _window(ndimage.uniform_filter1d, held, self._ramp_blocks - 1, 0)
        ramp = _window(ndimage.uniform_filter1d, ramp, self._ramp_blocks - 1, 0)
        below = np.flatnonzero(ramp < 1)
        low, high = max(below[0] - 1, 0), min(below[-1] + 2, ramp.size)
        return low * step, _between_centres(ramp[low:high], step)[: length - low * step]


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs in sorted ``indices``, as (first, last) pairs."""
    if not indices.size:
        return []
    breaks = np.flatnonzero(np.diff(indices) > 1)
    firsts = np.r_[indices[0], indices[breaks + 1]]
    lasts = np.r_[indices[breaks], indices[-1]]
    return list(zip(firsts.tolist(), lasts.tolist(), strict=True))


def _between_centres(values: np.ndarray, step: int) -> np.ndarray:
    """Per-block ``values`` spread over ``step`` samples each, linear between block centres.

    ``np.interp`` of the samples on the centres (held flat before the first and after the
    last) up to float32 rounding, without searching for each sample's interval.
    """
    values = values.astype(np.float32, copy=False)
    half = step // 2
    out = np.empty(values.size * step, dtype=np.float32)
    out[:half], out[out.size - (step - half) :] = values[0], values[-1]
    inner = out[half : out.size - (step - half)].reshape(-1, step)
    # sample j after a centre ((step - 1) / 2 into its block) is j + 1/2 of the way along
    fractions = (np.arange(step, dtype=np.float32) + np.float32(0.5)) / np.float32(step)
    np.multiply(np.diff(values)[:, None], fractions, out=inner)
    inner += values[:-1, None]
    return out


def _window(
    filter1d: Callable[..., np.ndarray],
    values: np.ndarray,
    before: int,
    after: int,
    cval: float = 0.0,
) -> np.ndarray:
    """Apply a scipy.ndimage 1-D filter over the window [n - before, n + after]."""
    size = before + after + 1
    mode = "constant" if cval else "nearest"
    return filter1d(values, size, mode=mode, cval=cval, origin=before - size // 2)


# -- targets -------------------------------------------------------------------------------


def level(samples: np.ndarray, sample_rate: int, preset: Preset) -> float:
    """The level the preset targets: integrated loudness (LUFS) or RMS (dBFS)."""
    return integrated_loudness(samples, sample_rate) if preset.lufs is not None else rms_db(samples)


def normalize(
    samples: np.ndarray, sample_rate: int, preset: Preset, ceiling_db: float | None = None
) -> np.ndarray:
    """The whole signal at the preset's level, true peaks limited to its ceiling (or to
    ``ceiling_db``: :func:`codec_ceiling` for G.711 output).

    The gain makes up for what the limiter takes off (:func:`limited_gain`). A signal whose
    peaks stand too far above its loudness cannot reach the goal under the ceiling, since more
    gain only makes the limiter take more off: it then lands as close as that gain allows
    (:func:`~sonicpipe.audio.signals.speech_like` ends near -17 LUFS under -1 dBTP, and no
    gain gets it louder).
    """
    samples = as_samples(samples)
    goal = preset.lufs if preset.lufs is not None else preset.rms
    if not samples.size or not math.isfinite(start := level(samples, sample_rate, preset)):
        return samples
    limiter = Limiter(sample_rate, preset.true_peak if ceiling_db is None else ceiling_db)
    first = goal - start
    if not exceeds(samples, limiter.target / undb(first), limiter.interp):
        return samples * np.float32(undb(first))  # nothing to limit: the level is the goal
    scan = limiter.scan(samples, undb(first + MAKEUP_DB))  # one scan at the most gain serves all
    out = np.empty_like(samples)
    tried: list[tuple[float, list[Span]]] = []  # the last gain limited, and its spans

    def limited(gain_db: float) -> list[Span]:
        np.multiply(samples, np.float32(undb(gain_db)), out=out)
        tried[:] = [(gain_db, limiter.limit(out, scan, undb(gain_db)))]
        return tried[0][1]

    def reach(gain_db: float) -> float:
        limited(gain_db)
        return level(out, sample_rate, preset)

    gain_db = limited_gain(goal, start, reach)
    spans = tried[0][1] if tried[0][0] == gain_db else limited(gain_db)
    limiter.verify(out, spans)
    return out


def limited_gain(goal: float, start: float, reach: Callable[[float], float]) -> float:
    """The gain (dB) that brings a signal at level ``start`` to ``goal`` once limited;
    ``reach(gain_db)`` is the level the signal has at that gain, limited.

    Limiting lowers the level, so the gain is raised until the limited level lands within
    :data:`LEVEL_TOLERANCE` of the goal: secant steps (kept inside the gains known to land
    below and above it), :data:`TRIES` at most, and at most :data:`MAKEUP_DB` above the gain
    that reaches the goal unlimited. Where the goal cannot be reached under the ceiling, the
    closest try is kept.
    """
    first = goal - start
    most = first + MAKEUP_DB
    # The goal needs at least the first gain (limiting only lowers the level): the bracket.
    below, above = (first, -math.inf), (math.inf, math.inf)  # closest tries under, over
    previous, gain_db, best = (0.0, start), first, (math.inf, first)
    for _ in range(TRIES):
        reached, tried = reach(gain_db), gain_db
        best = min(best, (abs(goal - reached), tried))
        if abs(goal - reached) <= LEVEL_TOLERANCE or (reached < goal and tried >= most):
            break  # on the goal, or as close as the ceiling allows
        if reached < goal:
            below = max(below, (tried, reached))
        else:
            above = min(above, (tried, reached))
        moved = tried - previous[0]
        slope = (reached - previous[1]) / moved if moved else 1.0
        previous = tried, reached
        # The level rises by at most the gain: a slope above 1 is noise, one near 0 a plateau.
        gain_db = tried + (goal - reached) / min(max(slope, 0.01), 1.0)
        if not below[0] < gain_db < above[0]:
            gain_db = (below[0] + min(above[0], most)) / 2  # outside the bracket: halve it
        gain_db = min(gain_db, most)
    return best[1]


# -- processors ----------------------------------------------------------------------------


class FileNormalizer:
    """File mode: holds the whole stream, then returns it normalized and limited, exactly.

    It keeps the stream in memory until flush: about 10 MB a minute at 44.1 kHz.
    ``encoding``: the one the output is written in; the limiter's ceiling is ``ceiling_db``
    (see :func:`codec_ceiling`).
    """

    def __init__(self, preset: Preset, encoding: str = "pcm_f32le") -> None:
        self.preset = preset
        self.ceiling_db = codec_ceiling(preset.true_peak, encoding)
        self._parts: list[np.ndarray] = []
        self._rate = 0

    def open(self, sample_rate: int) -> int:
        """Start a stream; the rate is unchanged."""
        self._parts, self._rate = [], sample_rate
        return sample_rate

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Keep the chunk; nothing is ready before the end."""
        self._parts.append(as_samples(samples).copy())  # the caller may reuse its buffer
        return EMPTY

    def flush(self) -> np.ndarray:
        """Measure the whole stream and return it normalized and limited."""
        whole = np.concatenate(self._parts) if self._parts else EMPTY
        self._parts = []
        return normalize(whole, self._rate, self.preset, self.ceiling_db)


class StreamingLimiter:
    """The :class:`Limiter` over a stream, with ``limiter.lead`` samples of latency.

    Each call limits the held context plus the new chunk and returns the part whose gain
    can no longer change; the context starts on the gain curve's grid, so the output equals
    the whole signal's ``samples * limiter.gain(samples)``.
    """

    def __init__(self, limiter: Limiter) -> None:
        self.limiter = limiter
        self._buffer = EMPTY
        self._emitted = 0  # samples of _buffer already returned

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Add a chunk; return the limited samples that are final."""
        self._buffer = np.concatenate([self._buffer, as_samples(samples)])
        ready = self._buffer.size - self.limiter.lead
        if ready <= self._emitted:
            return EMPTY
        out = self._limit()[self._emitted : ready]
        keep = max(ready - self.limiter.tail - self.limiter.lead, 0) // GAIN_STEP * GAIN_STEP
        self._buffer, self._emitted = self._buffer[keep:], ready - keep
        return out

    def flush(self) -> np.ndarray:
        """End of stream: return the rest."""
        out = self._limit()[self._emitted :]
        self._buffer, self._emitted = EMPTY, 0
        return out

    def _limit(self) -> np.ndarray:
        gain = self.limiter.gain(self._buffer)
        return self._buffer if gain is None else self._buffer * gain


class HopEnergies:
    """Sums of squares of a stream over whole hops, each summed once it is complete (so the
    sums do not depend on how the stream was cut)."""

    def __init__(self, hop: int) -> None:
        self._hop = np.empty(hop, dtype=np.float32)
        self._filled = 0

    def add(self, samples: np.ndarray) -> list[float]:
        """Add the next samples; return the sums of the hops they complete."""
        done = []
        pos = 0
        while pos < samples.size:
            take = min(self._hop.size - self._filled, samples.size - pos)
            self._hop[self._filled : self._filled + take] = samples[pos : pos + take]
            self._filled += take
            pos += take
            if self._filled == self._hop.size:
                done.append(_energy(self._hop))
                self._filled = 0
        return done


def _energy(samples: np.ndarray) -> float:
    """Sum of squares, accumulated in float64."""
    return float(np.einsum("i,i->", samples, samples, dtype=np.float64))


@dataclass(frozen=True)
class Measured:
    """What :class:`StreamingLoudness` measured of the speech so far, and the gains it reached:
    what one stream of a conversation hands on to the next. One value, replaced once a hop,
    so that another thread reads it whole."""

    gated: tuple[tuple[int, float], ...] = ()  # (age in hops, gated block power), last 3 s
    total: float = 0.0  # power sum of all gated blocks
    count: int = 0  # and their number
    level_db: float = 0.0  # the gain toward the target from the input's level
    makeup_db: float = 0.0  # the gain making up for the limiter
    gain_db: float = 0.0  # the gain reached at the end of the current hop


class StreamingLoudness:
    """Streaming mode: a slowly moving gain toward the target, from gated measurements.

    Every 100 ms the last 400 ms block is gated like BS.1770 (absolute -70 LUFS, and -10 LU
    below the loudness of the speech so far); the input's level is the power mean of the
    gated blocks of the last 3 s, and the gain moves by a fraction of its error per hop
    (faster at the start). A true-peak limiter with 5 ms look-ahead follows. What it takes
    off, measured on its output over 3 s, is made up by a second, faster term, by at most
    :data:`MAKEUP_DB` (a voice whose peaks stand too far above its loudness for the target
    under the ceiling stays as loud as that allows). Silence and pauses are gated out, so
    both terms hold through them instead of pumping up. The gain is ramped linearly across
    each hop. Latency: the limiter's ``lead`` (about 11 ms; 13 ms at 16 kHz, 19 ms at 8 kHz).

    The make-up reads the output only up to :attr:`MAKEUP_DELAY` hops back, and the limiter
    runs at least that often: whatever the chunks, every hop's gain comes from the same
    measurements, so the output does not depend on how the stream is cut.

    The turns of a conversation (short replies of a voice agent) are streams of one voice:
    :meth:`resume` starts a stream from what :meth:`carry` of the one before returns, so
    that a reply shorter than the start-up is at the target from its first words.

    ``encoding``: the one the output is written in; the limiter's ceiling is ``ceiling_db``
    (see :func:`codec_ceiling`).
    """

    MAX_GAIN_DB = 24.0
    TIME_CONSTANT = 2.0  # seconds, of the gain toward the input's level
    MAKEUP_TIME_CONSTANT = 1.0  # seconds, of the make-up for the limiter
    MAKEUP_DELAY = 5  # hops: long chunks are limited this many hops at a time

    def __init__(self, preset: Preset, encoding: str = "pcm_f32le") -> None:
        if preset.lufs is None:
            raise ValueError(
                f"preset {preset.name!r} targets RMS over the whole file: use mode 'file'"
            )
        self.preset = preset
        self.ceiling_db = codec_ceiling(preset.true_peak, encoding)

    def open(self, sample_rate: int) -> int:
        """Start a stream; the rate is unchanged."""
        self._sos = k_weighting(sample_rate)
        self._state = np.zeros((self._sos.shape[0], 2), dtype=np.float32)  # input K-filter
        self._out_state = self._state.copy()  # output K-filter
        self._hop = hop_size(sample_rate)
        self._ramp = np.arange(1, self._hop + 1, dtype=np.float32) / self._hop
        self._weighted = np.empty(self._hop, dtype=np.float32)  # the current hop, K-weighted
        self._filled = 0  # samples in the current hop
        self._ended = 0  # hops ended
        self._unlimited: list[np.ndarray] = []  # gained input not yet given to the limiter
        self._unmeasured: list[np.ndarray] = []  # output not yet measured
        self._out = HopEnergies(self._hop)  # K-weighted energies of the output
        self._hops: list[float] = []  # K-weighted input energies of the last BLOCK_HOPS hops
        self._gained: list[float] = []  # K-weighted gained energies of hops not yet let out
        self._limited: list[tuple[int, float, float]] = []  # (hop, gained, output energies)
        self._measured = Measured()
        self._gains = np.ones(self._hop, dtype=np.float32)  # the current hop's gains
        self._limiter = StreamingLimiter(Limiter(sample_rate, self.ceiling_db))
        return sample_rate

    def carry(self) -> Measured:
        """What the next stream of the conversation starts from (see :meth:`resume`)."""
        return self._measured

    def resume(self, carried: Measured) -> None:
        """Go on, in this stream just opened, from what :meth:`carry` of the conversation's
        stream before returned: the level of the speech so far and the gains it reached
        (the filters and the limiter start afresh: the streams are not one signal)."""
        self._measured = carried
        self._gains = np.full(self._hop, undb(carried.gain_db), dtype=np.float32)

    @property
    def gain_db(self) -> float:
        """The gain (dB) the stream is moving to in the current hop."""
        return self._measured.gain_db

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Gain and limit one chunk; return what the limiter lets out."""
        samples = as_samples(samples)
        if not samples.size:
            return EMPTY
        weighted, self._state = k_filter(self._sos, samples, self._state)
        out = []
        pos = 0
        while pos < samples.size:  # pieces that end at a hop's end or the chunk's end
            take = min(self._hop - self._filled, samples.size - pos)
            end = self._filled + take
            self._weighted[self._filled : end] = weighted[pos : pos + take]
            self._unlimited.append(samples[pos : pos + take] * self._gains[self._filled : end])
            self._filled, pos = end, pos + take
            if self._filled == self._hop:
                # K-weighting the gained hop = the K-weighted hop times its slow gain.
                self._gained.append(_energy(self._weighted * self._gains))
                self._ended += 1
                if self._ended % self.MAKEUP_DELAY == 0:
                    out.append(self._limit())
                    self._measure()
                self._end_hop()
        out.append(self._limit())
        return np.concatenate(out)

    def flush(self) -> np.ndarray:
        """End of stream: return what the limiter holds."""
        return self._limiter.flush()

    def _limit(self) -> np.ndarray:
        """Limit the gained input held so far."""
        if not self._unlimited:
            return EMPTY
        limited = self._limiter.process(np.concatenate(self._unlimited))
        self._unlimited = []
        self._unmeasured.append(limited)
        return limited

    def _measure(self) -> None:
        """Pair each output hop let out so far with its gained energy."""
        weighted, self._out_state = k_filter(
            self._sos, np.concatenate(self._unmeasured), self._out_state
        )
        self._unmeasured = []
        for energy in self._out.add(weighted):
            done = self._ended - len(self._gained)  # the hop of self._gained[0]
            self._limited.append((done, self._gained.pop(0), energy))

    def _end_hop(self) -> None:
        self._hops = [*self._hops[-(BLOCK_HOPS - 1) :], _energy(self._weighted)]
        self._filled = 0
        # Measured up to its look-ahead before the end of one of the last MAKEUP_DELAY hops,
        # the output is paired up to this hop at least; the make-up reads no further.
        last = self._ended - 1 - self.MAKEUP_DELAY
        self._limited = [pair for pair in self._limited if pair[0] > last - SHORT_TERM_HOPS]
        before = self._measured
        aged = tuple((age + 1, power) for age, power in before.gated if age + 1 < SHORT_TERM_HOPS)
        self._measured = self._updated(replace(before, gated=aged), last)
        first, end = undb(before.gain_db), undb(self._measured.gain_db)
        self._gains = first + (end - first) * self._ramp  # linear across the next hop

    def _updated(self, measured: Measured, last: int) -> Measured:
        """``measured`` with the last block gated; unless it is silence or a pause, the block
        counts and the gain moves."""
        if len(self._hops) < BLOCK_HOPS:
            return measured
        power = sum(self._hops) / (BLOCK_HOPS * self._hop)
        loudness = to_lufs(power)
        so_far = to_lufs(measured.total / measured.count) if measured.count else ABSOLUTE_GATE
        if loudness < ABSOLUTE_GATE or loudness < so_far + RELATIVE_GATE:
            return measured  # silence or a pause: hold the gain
        count = measured.count + 1
        gated = (*measured.gated, (0, power))
        level = to_lufs(np.mean([p for _, p in gated]))
        goal = min(max(self.preset.lufs - level, -self.MAX_GAIN_DB), self.MAX_GAIN_DB)
        level_db = measured.level_db
        level_db += (goal - level_db) * max(1 / count, HOP / self.TIME_CONSTANT)
        window = [(gained, out) for hop, gained, out in self._limited if hop <= last]
        makeup_db = measured.makeup_db
        if window:  # none yet at a stream's start: a make-up carried from the last one holds
            gained = sum(energy for energy, _ in window)
            limited = sum(energy for _, energy in window)
            loss = min(max(10 * math.log10(gained / limited), 0.0), MAKEUP_DB) if limited else 0.0
            makeup_db += (loss - makeup_db) * HOP / self.MAKEUP_TIME_CONSTANT
        gain_db = min(level_db + makeup_db, self.MAX_GAIN_DB)
        return Measured(gated, measured.total + power, count, level_db, makeup_db, gain_db)
