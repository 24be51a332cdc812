"""--speed, --volume and --emotion: the settings' [controls] defaults from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf

from sonicpipe.cli import main
from sonicpipe.server import LocalServer


def segments(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:
    assert main(["text", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_control_options_are_the_defaults_markup_changes_from_there_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Hello there. [excited] Now I am glad.\n", encoding="utf-8")
    found = segments(capsys, str(source), "--speed", "1.2", "--emotion", "Calm")
    config = {"speed": 1.2, "emotion": "calm"}
    assert [s["generation_config"] for s in found] == [config, config]
    assert found[1]["transcript"] == '<emotion value="excited"/> Now I am glad.'
    settings = tmp_path / "sonicpipe.toml"
    settings.write_text("[controls]\nspeed = 0.8\nvolume = 1.5\n", encoding="utf-8")
    found = segments(capsys, str(source), "-c", str(settings), "--speed", "1.1")
    assert found[0]["generation_config"] == {"speed": 1.1, "volume": 1.5}  # the rest kept


@pytest.mark.parametrize(
    ("command", "option", "value", "message"),
    [
        ("text", "--speed", "3", "speed ratio 3 is out of range; valid: 0.6 to 1.5"),
        ("render", "--volume", "loud", "volume ratio 'loud' is not a number"),
        ("book render", "--emotion", "exited", "unknown emotion 'exited'; valid emotions are: "),
    ],
)
def test_a_bad_control_option_is_named_with_the_valid_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, option: str, value: str,
    message: str,
) -> None:  # fmt: skip
    source = tmp_path / "in.txt"
    source.write_text("Hello there.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main([*command.split(), str(source), option, value])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"sonicpipe {command}: error: argument {option}: {message}")
    assert not list(tmp_path.glob("*.wav")) and not (tmp_path / "in-audiobook").exists()


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="espeak") as local:
        yield local


def test_render_speed_is_heard(server: LocalServer, tmp_path: Path) -> None:
    settings = tmp_path / "sonicpipe.toml"
    settings.write_text(f'url = "{server.url}"\n', encoding="utf-8")
    source = tmp_path / "in.txt"
    source.write_text("A sentence long enough to hear how fast it is spoken.\n", encoding="utf-8")
    command = ["-c", str(settings), "render", str(source), "-o"]
    assert main([*command, str(tmp_path / "plain.wav")]) == 0
    assert main([*command, str(tmp_path / "fast.wav"), "--speed", "1.5"]) == 0
    plain, fast = (sf.info(tmp_path / name).duration for name in ("plain.wav", "fast.wav"))
    assert fast < 0.8 * plain
