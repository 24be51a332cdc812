"""``sonicpipe serve`` as a user runs it: a separate process on a loopback port."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from conftest import ServeProcess, free_port
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from sonicpipe.cli import main
from sonicpipe.server.app import ServerConfig


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    env = {**os.environ, "LOCAL_SONIC_KEY": "cli-secret"}
    process = ServeProcess(
        free_port(), "--max-contexts", "4", "--api-key-env", "LOCAL_SONIC_KEY", env=env
    )
    process.start()
    try:
        yield process.url + "/tts/websocket"
    finally:
        assert "cli-secret" not in process.stop()


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


def test_serve_refuses_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "99999"]) == 2
    assert "port 99999: must be from 0 to 65535" in capsys.readouterr().err


def test_serve_refuses_a_thread_count_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--threads", "0"]) == 2
    assert "threads 0: expected a whole number >= 1" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_serve_refuses_a_linger_that_is_not_a_finite_count_of_seconds(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--linger", value]) == 2
    assert "must be a finite number of seconds, 0 or more" in capsys.readouterr().err


def test_server_config_refuses_a_nan_linger() -> None:
    with pytest.raises(ValueError, match="linger nan: must be a finite number"):
        ServerConfig(linger=float("nan"))
