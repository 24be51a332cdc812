"""``sonicpipe audio measure``: figures of known signals, the ACX table, JSON, errors."""

from __future__ import annotations

import itertools
import json
import os
import struct
import tracemalloc
import zlib
from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pytest
import soundfile

from sonicpipe.audio import open_writer
from sonicpipe.audio.loudness import integrated_loudness, normalize
from sonicpipe.audio.measure import Meter, measure, measure_file, read_audio
from sonicpipe.audio.presets import PRESETS
from sonicpipe.audio.signals import sine, speech_like
from sonicpipe.cli import main

RATE = 44100


def measure_json(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    status = main(["audio", "measure", str(path), "--json", *extra])
    return status, json.loads(capsys.readouterr().out)


def test_a_calibrated_tone_measures_its_known_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tone.wav"
    tone = np.concatenate([sine(1000, RATE, 6.0, -20.0), np.zeros(RATE, dtype=np.float32)])
    soundfile.write(path, tone, RATE, subtype="FLOAT")
    status, data = measure_json(path, capsys, "--preset", "broadcast")
    # The blocks straddling the tone's end pass the relative gate, as BS.1770 wants.
    # (pyloudnorm's "DeMan" filter is BS.1770-4's published one, redesigned at 44.1 kHz.)
    reference = pyloudnorm.Meter(RATE, filter_class="DeMan").integrated_loudness(
        tone.astype(np.float64)
    )
    assert data["integrated_lufs"] == pytest.approx(reference, abs=0.01)
    assert data["integrated_lufs"] == pytest.approx(-23.01, abs=0.2)
    assert data["true_peak_dbtp"] == pytest.approx(-20.0, abs=0.05)
    assert data["sample_peak_dbfs"] == pytest.approx(-20.0, abs=0.01)
    assert data["rms_dbfs"] == pytest.approx(-23.01 - 10 * np.log10(7 / 6), abs=0.02)
    assert data["noise_floor_dbfs"] is None  # a second of digital silence: -inf
    assert data["loudness_range_lu"] < 1.5  # steady: only the blocks at its end spread
    assert (status, data["passed"]) == (0, True)  # -23 LUFS, -1 dBTP: broadcast passes
    status, data = measure_json(path, capsys, "--preset", "podcast")
    checks = {c["name"]: c["passed"] for c in data["checks"]}
    assert (status, checks) == (1, {"integrated": False, "true peak": True})  # 7 LU from -16


def test_acx_table_passes_normalized_speech_and_fails_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    speech = speech_like(RATE, 12.0, seed=11, level_db=-30)
    raw, mastered = tmp_path / "raw.flac", tmp_path / "acx.mp3"
    soundfile.write(raw, speech, RATE)
    with open_writer(mastered, RATE) as writer:  # 192 kbps MP3, as ACX wants
        writer.write(normalize(speech, RATE, PRESETS["acx"]))
    status, data = measure_json(raw, capsys)
    checks = {c["name"]: c["passed"] for c in data["checks"]}
    assert status == 1
    assert checks == {"RMS": False, "peak": True, "true peak": True, "noise floor": True}
    status, data = measure_json(mastered, capsys)
    assert status == 0, data["checks"]
    assert -23 <= data["rms_dbfs"] <= -18


def test_text_report_prints_figures_and_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "book.m4b"
    with open_writer(path, 24000) as writer:
        writer.write(sine(440, 24000, 3.0, -1.0))
    assert main(["audio", "measure", str(path)]) == 1
    out = capsys.readouterr().out
    for label in ("integrated loudness", "loudness range", "true peak", "RMS", "noise floor"):
        assert label in out
    assert "acx (RMS -20 dBFS, -3 dBTP):" in out
    # RMS too hot, peak and true peak over -3, and no quiet part to show a noise floor.
    assert out.count("FAIL") == 4


def test_measure_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    surround = tmp_path / "surround.wav"
    soundfile.write(surround, np.zeros((100, 6), dtype=np.float32), RATE)
    text = tmp_path / "notes.wav"
    text.write_text("not audio")
    (tmp_path / "call.raw").write_bytes(bytes(100))
    telegraph = tmp_path / "telegraph.wav"
    soundfile.write(telegraph, sine(440, 4000, 1.0, -20.0), 4000)
    picture = tmp_path / "cover.png"  # a real image, one grey pixel: FFmpeg opens it as video
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1 x 1, 8-bit grey
    pixel = zlib.compress(b"\x00\x80")
    picture.write_bytes(png_chunks([(b"IHDR", header), (b"IDAT", pixel), (b"IEND", b"")]))
    empty = tmp_path / "empty.flac"
    empty.write_bytes(b"")  # FFmpeg opens it as FLAC with 0 channels
    for path, message in [
        (empty, "empty.flac: no audio to measure (the file has no channels)"),
        (telegraph, "telegraph.wav: loudness is measured at 8000 Hz and above"),
        (picture, "cover.png: no audio stream"),
        (surround, "6 channels; measure reads mono and stereo files"),
        (text, "notes.wav: not an audio file this can read (invalid data found when processing"),
        (tmp_path / "missing.wav", "no such file"),
        (tmp_path, "a folder, not an audio file"),
        (Path(os.devnull), "not a regular file, so not an audio file"),
        (tmp_path / "call.raw", "headerless PCM has no rate or encoding"),
    ]:
        assert main(["audio", "measure", str(path)]) == 2
        [line] = capsys.readouterr().err.splitlines()
        assert line.startswith("sonicpipe: error: ") and message in line


def png_chunks(chunks: list[tuple[bytes, bytes]]) -> bytes:
    """A PNG file of ``chunks`` (type, data), each with its length and CRC."""
    body = b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks
    )
    return b"\x89PNG\r\n\x1a\n" + body


def test_the_meter_fed_in_pieces_measures_what_the_whole_file_measures() -> None:
    speech = speech_like(RATE, 20.0, seed=5, level_db=-24)
    whole = measure(speech, RATE)
    meter = Meter(RATE)
    for size in (7777, 1000, 1, 30_000):  # pieces that straddle hops, shorter than one hop
        start = meter.frames
        meter.add(speech[start : start + size], peaks=False)
    meter.add(speech[meter.frames :], peaks=False)
    pieces = meter.measurement("<pieces>")
    for field in ("integrated_lufs", "loudness_range_lu", "rms_dbfs", "noise_floor_dbfs"):
        assert getattr(pieces, field) == pytest.approx(getattr(whole, field), abs=1e-3), field
    assert whole.integrated_lufs == pytest.approx(integrated_loudness(speech, RATE), abs=1e-3)
    assert pieces.true_peak_dbtp == -np.inf  # peaks=False: none were looked for


def test_a_clip_shorter_than_a_block_is_measured_as_one_block() -> None:
    for seconds in (0.2, 0.05, 1 / RATE):  # under a 400 ms block, under a 100 ms hop, 1 sample
        clip = sine(1000, RATE, seconds, -20.0) if seconds > 0.01 else np.full(1, 0.1, np.float32)
        assert measure(clip, RATE).integrated_lufs == pytest.approx(
            integrated_loudness(clip, RATE), abs=1e-3
        )
    with pytest.raises(ValueError, match="no audio to measure"):
        measure(np.zeros(0, np.float32), RATE)


def test_stereo_files_sum_their_channels_loudness_as_bs1770_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    left = speech_like(RATE, 8.0, seed=3, level_db=-26)
    right = speech_like(RATE, 8.0, seed=4, level_db=-32)
    stereo = np.stack([left, right], axis=1)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, stereo, RATE, subtype="FLOAT")
    _, data = measure_json(path, capsys)
    reference = pyloudnorm.Meter(RATE, filter_class="DeMan").integrated_loudness(
        stereo.astype(np.float64)
    )
    assert data["integrated_lufs"] == pytest.approx(reference, abs=0.02)
    mean_square = np.mean(left.astype(np.float64) ** 2) + np.mean(right.astype(np.float64) ** 2)
    assert data["rms_dbfs"] == pytest.approx(10 * np.log10(mean_square / 2), abs=0.01)
    assert data["sample_peak_dbfs"] == pytest.approx(
        20 * np.log10(max(np.abs(left).max(), np.abs(right).max())), abs=0.01
    )
    # The same signal in both channels reads 3 dB louder than mono, with the same RMS.
    twin, mono = tmp_path / "twin.wav", tmp_path / "mono.wav"
    soundfile.write(twin, np.stack([left, left], axis=1), RATE, subtype="FLOAT")
    soundfile.write(mono, left, RATE, subtype="FLOAT")
    (_, twin_data), (_, mono_data) = measure_json(twin, capsys), measure_json(mono, capsys)
    assert twin_data["integrated_lufs"] - mono_data["integrated_lufs"] == pytest.approx(
        3.01, abs=0.01
    )
    assert twin_data["rms_dbfs"] == pytest.approx(mono_data["rms_dbfs"], abs=1e-3)
    assert twin_data["true_peak_dbtp"] == pytest.approx(mono_data["true_peak_dbtp"], abs=1e-3)


def test_interleaved_stereo_decoded_by_ffmpeg_keeps_its_channels(tmp_path: Path) -> None:
    left, right = sine(440, RATE, 1.0, -6.0), sine(440, RATE, 1.0, -26.0)
    path = tmp_path / "stereo.mkv"  # PCM in Matroska: FFmpeg decodes it packed (interleaved)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=RATE, layout="stereo")
        packed = np.round(np.stack([left, right], axis=1) * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(packed.reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = RATE
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    samples, rate = read_audio(path)
    assert (samples.shape, rate) == ((RATE, 2), RATE)
    np.testing.assert_array_equal(samples, packed / np.float32(32768))  # int16 full scale: 2**15


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_float_file_with_samples_that_are_not_numbers_is_refused_not_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: float
) -> None:
    """A damaged float WAV measured as silence passed the peak checks; it is an error."""
    speech = speech_like(RATE, 3.0)
    speech[[1000, 50_000, 90_000]] = bad
    path = tmp_path / "damaged.wav"
    soundfile.write(path, speech, RATE, subtype="FLOAT")
    assert main(["audio", "measure", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert "damaged.wav: 3 samples are not numbers (NaN or infinite)" in line, line


@pytest.mark.parametrize(("name", "rate"), [("book.m4b", 8000), ("clip.m4a", 44100)])
def test_an_aac_file_reads_back_as_long_as_it_was_written(
    tmp_path: Path, name: str, rate: int
) -> None:
    """The decoder pads the last AAC frame to 1024 samples; the file's edit list says where
    the audio ends (1.41 s were measured for 1.30 s of speech at 8 kHz), to the sample: the
    writer gives it the rate as its time scale (FFmpeg's default is milliseconds)."""
    speech = speech_like(rate, 1.3)[:-7]  # no whole number of milliseconds
    with open_writer(tmp_path / name, rate) as writer:
        writer.write(speech)
    samples, read_rate = read_audio(tmp_path / name)
    assert (samples.size, read_rate) == (speech.size, rate)
    assert measure(samples, rate).seconds == speech.size / rate


def test_unsigned_8_bit_audio_decoded_by_ffmpeg_is_centred_on_128(tmp_path: Path) -> None:
    """8-bit PCM is unsigned (128 is silence): it read as infinity."""
    tone = sine(440, RATE, 1.0, -6.0)
    path = tmp_path / "call.mka"  # Matroska: libsndfile cannot read it, FFmpeg decodes it
    codes = np.round(128 + 127 * tone).astype(np.uint8)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_u8", rate=RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(codes.reshape(1, -1), format="u8", layout="mono")
        frame.sample_rate = RATE
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    samples, rate = read_audio(path)
    assert rate == RATE
    np.testing.assert_array_equal(samples, (codes.astype(np.float32) - 128) / 128)
    assert measure(samples, rate).sample_peak_dbfs == pytest.approx(-6.0, abs=0.1)


def test_true_peaks_of_pieces_are_those_of_the_whole_stream() -> None:
    """The meter looked at each piece with zeros past its edges: a piece that ends on a loud
    sample rang there (a step), so a stream cut into pieces read a higher true peak."""
    hum = sine(100, RATE, 6.0, -6.0) + speech_like(RATE, 6.0, seed=8, level_db=-60)
    whole = measure(hum, RATE)
    meter = Meter(RATE)
    crests = [441 * n + 110 for n in (10, 11, 300, 301)]  # the hum's crests: 110.25 + 441 n
    for start, stop in itertools.pairwise([0, 7, *crests, 4 * RATE + 1, hum.size]):
        meter.add(hum[start:stop])
    assert meter.measurement("<pieces>").true_peak_dbtp == whole.true_peak_dbtp


@pytest.mark.parametrize("name", ["chapter.flac", "chapter.m4b"])
def test_a_long_file_is_measured_a_block_at_a_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """A book of hours does not fit in memory decoded (10 hours at 44.1 kHz: 6 GB as float32);
    the meter measures it as it is read, to the same figures."""
    path = tmp_path / name
    with open_writer(path, RATE) as writer:
        for seed in range(8):  # 2 minutes
            writer.write(speech_like(RATE, 15.0, seed=seed, level_db=-18))
    samples, rate = read_audio(path)
    whole = measure(samples, rate, str(path))
    decoded = samples.nbytes  # 21 MB
    del samples
    tracemalloc.start()
    try:
        status, data = measure_json(path, capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert status == 1  # speech at -18 dBFS RMS: ACX asks for -20 and a -60 dBFS noise floor
    assert peak < decoded / 4
    assert data["seconds"] == whole.seconds
    assert data["true_peak_dbtp"] == pytest.approx(whole.true_peak_dbtp, abs=1e-9)
    for key in ("integrated_lufs", "loudness_range_lu", "rms_dbfs", "noise_floor_dbfs"):
        assert data[key] == pytest.approx(getattr(whole, key), abs=1e-3), key


@pytest.mark.parametrize("rate", [8000, 16000])
def test_true_peak_at_8_and_16_khz_reads_the_peak_between_samples(
    tmp_path: Path, rate: int
) -> None:
    """BS.1770's 4x interpolation reads a short burst near Nyquist low at 8 and 16 kHz (up
    to about 0.36 dB): the meter interpolates more densely there, so a file's true peak is
    the waveform's, as read by 64x band-limited (FFT) oversampling of the same samples."""
    from scipy import signal

    from sonicpipe.audio.loudness import db, true_peak

    n = round(0.01 * rate)  # 10 ms, 3.5 kHz at 8 kHz
    t = np.arange(n) / rate
    burst = (0.5 * np.sin(2 * np.pi * 0.4375 * rate * t + 1) * np.hanning(n + 2)[1:-1]).astype(
        np.float32
    )
    padded = np.pad(burst, rate // 10)  # silence around it: FFT resampling sees no wrap
    reference = db(float(np.max(np.abs(signal.resample(padded, 64 * padded.size)))))
    path = tmp_path / "burst.wav"
    soundfile.write(path, padded, rate, subtype="FLOAT")
    measured = measure_file(path).true_peak_dbtp
    assert abs(measured - reference) < 0.03, (measured, reference)
    assert db(true_peak(padded)) < reference - 0.1  # what BS.1770's 4x reads at this rate
