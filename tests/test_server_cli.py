"""``sonicpipe serve`` as a user runs it: a separate process on a loopback port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from sonicpipe.cli import main


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "LOCAL_SONIC_KEY": "cli-secret"}
    command = [
        sys.executable,
        "-m",
        "sonicpipe.cli",
        "serve",
        "--port",
        str(port),
        "--engine",
        "espeak",
        "--max-contexts",
        "4",
        "--api-key-env",
        "LOCAL_SONIC_KEY",
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"ws://127.0.0.1:{port}/tts/websocket"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with connect(url, additional_headers={"X-API-Key": "cli-secret"}):
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "sonicpipe serve did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
        assert "cli-secret" not in output


def test_serve_speaks_and_checks_the_key(served: str) -> None:
    with pytest.raises(InvalidStatus) as info:
        connect(served)
    assert info.value.response.status_code == 401
    with connect(served, additional_headers={"X-API-Key": "cli-secret"}) as ws:
        ws.send(
            json.dumps(
                {
                    "context_id": "cli",
                    "model_id": "sonic-3",
                    "transcript": "Served from the command.",
                    "voice": {"mode": "id", "id": "sonicpipe-local-joe"},
                    "output_format": {
                        "container": "raw",
                        "encoding": "pcm_mulaw",
                        "sample_rate": 8000,
                    },
                }
            )
        )
        kinds = []
        while not kinds or kinds[-1] not in ("done", "error"):
            kinds.append(json.loads(ws.recv(timeout=30))["type"])
    assert kinds[0] == "chunk" and kinds[-1] == "done"


def test_serve_refuses_an_empty_key_variable(capsys: pytest.CaptureFixture[str]) -> None:
    os.environ.pop("SONICPIPE_TEST_UNSET_KEY", None)
    assert main(["serve", "--api-key-env", "SONICPIPE_TEST_UNSET_KEY"]) == 2
    assert "SONICPIPE_TEST_UNSET_KEY is empty" in capsys.readouterr().err
