"""Settings: validated, loaded from TOML with clear errors, secrets kept secret."""

import logging
from pathlib import Path

import pytest

from sonicpipe.config import API_KEY_ENV, ConfigError, OutputFormat, Secret, Settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sonicpipe.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_full_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
model = "sonic-2"
voice = "a0e99841-438c-4a64-b679-ae501e7d6091"
language = "en"
dictionaries = ["tech", "mine.toml"]
disable = ["normalize"]
[output_format]
encoding = "pcm_s16le"
sample_rate = 24000
[controls]
emotion = "Calm"
speed = 1.2
[options.cleanup]
emoji = "describe"
""",
    )
    settings = Settings.load(path)
    assert settings.model == "sonic-2"
    assert settings.output_format == OutputFormat("pcm_s16le", 24000)
    assert settings.controls.emotion == "calm" and settings.controls.speed == 1.2
    assert settings.dictionaries == ("tech", "mine.toml")
    assert settings.plugin_options("cleanup") == {"emoji": "describe"}
    assert settings.plugin_options("normalize") == {}
    assert settings.base_dir == tmp_path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('modle = "sonic-3"', r"unknown setting 'modle'; valid settings: .*model"),
        ('model = "tts-1"', r"model: unknown model 'tts-1'"),
        ("[output_format]\nsample_rate = 44000", r"sample_rate 44000 is not valid; valid: 8000,"),
        ('[output_format]\nencoding = "mp3"', r"encoding 'mp3' is not valid; valid: pcm_f32le"),
        ('[output_format]\ncontainer = "wav"', r"returns 'raw' only"),
        ("[controls]\nspeed = 3", r"controls: speed ratio 3 is out of range"),
        ('[controls]\nemotion = "giddy"', r"controls: unknown emotion 'giddy'"),
        ("[controls]\npitch = 1", r"unknown key 'pitch'; valid: emotion, speed, volume"),
        ('dictionaries = "tech"', r"dictionaries: expected a list of strings"),
        ("voice = 5", r"voice: expected a string"),
        ("\n\nmodel = ?", r"sonicpipe.toml: .*line 3"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError, match=message) as err:
        Settings.load(path)
    assert str(path) in str(err.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        Settings.load(tmp_path / "absent.toml")


def test_api_key_never_shows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk_car_" + "thisMustNeverAppear123"  # built, so it reads as no real key
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    settings = Settings.load(write(tmp_path, f'api_key = "{secret}"'))
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("sonicpipe").info("settings: %s %r", settings, settings)
    assert secret not in repr(settings) and secret not in str(settings)
    assert secret not in caplog.text
    assert settings.resolved_api_key() == Secret(secret)
    assert settings.resolved_api_key().reveal() == secret


def test_api_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_KEY_ENV, "from-env")
    assert Settings().resolved_api_key().reveal() == "from-env"
    monkeypatch.delenv(API_KEY_ENV)
    assert Settings().resolved_api_key() is None
