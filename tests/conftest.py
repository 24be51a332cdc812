"""Shared test helpers: a real ``sonicpipe serve`` subprocess that tests can kill."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import numpy as np
import pytest

from sonicpipe import hookimpl


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    """``sonicpipe serve`` in a real subprocess that can be killed and started again.

    Its output goes to a temporary file (a pipe nobody reads could fill and stall it);
    :meth:`stop` ends it and returns the output.
    """

    def __init__(self, port: int, *extra: str, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.extra = extra
        self.env = env
        self.proc: subprocess.Popen[str] | None = None
        self.output = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed by stop()
        self.starts = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "sonicpipe.cli", "serve", "--engine", "espeak",
                   "--port", str(self.port), *self.extra]  # fmt: skip
        self.proc = subprocess.Popen(
            command, env=self.env, stdout=self.output, stderr=subprocess.STDOUT, text=True
        )
        self.starts += 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.read_output()
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("sonicpipe serve did not start")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> str:
        """End the server politely and return everything it printed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        with self.output:
            return self.read_output()

    def read_output(self) -> str:
        self.output.seek(0)
        return self.output.read()


@pytest.fixture
def serve_process() -> Iterator[ServeProcess]:
    process = ServeProcess(free_port())
    process.start()
    yield process
    process.stop()


def without_write_permission() -> list[str]:
    """A command prefix under which folder permissions hold (root drops the capability to
    override them); skip the test where there is none."""
    if os.geteuid() != 0:
        return []
    if setpriv := shutil.which("setpriv"):
        caps = "-dac_override,-dac_read_search"
        return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]
    pytest.skip("running as root without setpriv: permissions do not hold")


def run_with_file_size_limit(limit: int, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a Python whose files may not grow past ``limit`` bytes (as if the disk
    filled up there: a write past it fails with ``File too large``); its standard error is
    merged into ``stdout``."""

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails; the process lives on
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, preexec_fn=limit_file_size,
                          timeout=120)  # fmt: skip


class SlowMotion:
    """A real audio plugin that plays the audio at half speed (every sample twice) and does
    not say how that moves times."""

    @hookimpl
    def sonicpipe_audio_processor(self, settings: object) -> SlowMotion:
        return self

    def open(self, sample_rate: int) -> int:
        return sample_rate

    def process(self, samples: np.ndarray) -> np.ndarray:
        return np.repeat(samples, 2)

    def flush(self) -> np.ndarray:
        return np.zeros(0, np.float32)
