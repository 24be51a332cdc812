"""``sonicpipe render FILE -o -``: a WAV stream on standard output, for a player to read."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sonicpipe.server import LocalServer


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="espeak") as local:
        yield local


def render_to_stdout(server: LocalServer, tmp_path: Path, text: str, *options: str):
    config = tmp_path / "sonicpipe.toml"
    config.write_text(f'url = "{server.url}"\n', encoding="utf-8")
    source = tmp_path / "in.txt"
    source.write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "sonicpipe.cli", "-c", str(config), "render", str(source),
               "-o", "-", *options]  # fmt: skip
    return subprocess.run(command, capture_output=True, timeout=120, check=False)


def test_a_render_to_standard_output_is_a_wav_stream_a_player_reads(
    server: LocalServer, tmp_path: Path
) -> None:
    done = render_to_stdout(server, tmp_path, "Hello there. This goes down a pipe.\n")
    assert done.returncode == 0, done.stderr
    data = done.stdout
    riff, _, wave, fmt, _, kind, channels, rate, _, _, bits = struct.unpack_from(
        "<4sI4s4sIHHIIHH", data
    )
    assert (riff, wave, fmt, kind, channels, rate, bits) == (
        b"RIFF", b"WAVE", b"fmt ", 1, 1, 44100, 16
    )  # fmt: skip
    assert data[36:44] == b"data\xff\xff\xff\xff"  # length unknown: until the end
    samples, read_rate = sf.read(io.BytesIO(data), dtype="float32")
    assert read_rate == 44100 and len(samples) == (len(data) - 44) // 2
    assert 1.0 < len(samples) / 44100 < 10.0
    assert float(np.sqrt(np.mean(samples**2))) > 0.01  # speech, not silence
    assert done.stderr == b""


def test_errors_before_any_audio_write_nothing_to_standard_output(
    server: LocalServer, tmp_path: Path
) -> None:
    done = render_to_stdout(server, tmp_path, "Hello [emotion exited] there.\n")
    assert done.returncode == 2 and done.stdout == b""
    assert b"in.txt:1: unknown emotion 'exited'" in done.stderr
    done = render_to_stdout(server, tmp_path, "  \n")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().strip().endswith("in.txt: nothing to speak (the text has no words)")
    done = render_to_stdout(server, tmp_path, "Hello there.\n", "--captions")
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().strip() == (
        "sonicpipe: error: --captions: captions are files; give -o a file name, not -"
    )
