"""Settings: validated, loaded from TOML with clear errors, secrets kept secret."""

import logging
from pathlib import Path

import pytest

from sonicpipe.config import API_KEY_ENV, MODELS, ConfigError, OutputFormat, Secret, Settings
from sonicpipe.controls import Defaults
from sonicpipe.pipeline import Pipeline
from sonicpipe.sonic.client import SonicClient


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
    assert settings.source == path
    assert settings.with_(model="sonic-3").source == path
    assert Settings().source is None


SETTINGS = (
    "api_key, controls, dictionaries, disable, language, model, options, output_format, plugins, "
    "retries, timeout, url, voice"
)
MODELS_SAID = (
    "valid: sonic-3, sonic-3.5, sonic-2, sonic-turbo, sonic-latest, each also with a snapshot date "
    "(sonic-3-2026-01-12)"
)
RATES = "valid: 8000, 16000, 22050, 24000, 44100, 48000 (an integer)"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('modle = "sonic-3"', f"unknown setting 'modle'; valid settings: {SETTINGS}"),
        ('source = "other.toml"', f"unknown setting 'source'; valid settings: {SETTINGS}"),
        ('model = "tts-1"', f"model: unknown model 'tts-1'; {MODELS_SAID}"),
        ("[output_format]\nsample_rate = 44000", "output_format.sample_rate 44000 is not "
                                                 f"valid; {RATES}"),
        ('[output_format]\nencoding = "mp3"', "output_format.encoding 'mp3' is not valid; valid: "
                                              "pcm_f32le, pcm_s16le, pcm_mulaw, pcm_alaw"),
        ('[output_format]\ncontainer = "wav"', "output_format.container 'wav': the WebSocket API "
                                               "returns 'raw' only"),
        ("[controls]\nspeed = 3", "controls: speed ratio 3 is out of range; valid: 0.6 to 1.5"),
        ("[controls]\npitch = 1", "controls: unknown key 'pitch'; valid: emotion, speed, volume"),
        ('dictionaries = "tech"', "dictionaries: expected a list of strings, got 'tech'"),
        ("voice = 5", "voice: expected a string, got 5"),
        ('model = "sonic3"', f"model: unknown model 'sonic3'; {MODELS_SAID}"),
        ("[output_format]\nsample_rate = 24000.0", "output_format.sample_rate 24000.0 is not "
                                                   f"valid; {RATES}"),
        ("[controls]\nemotion = 5", "controls.emotion: expected an emotion name, got 5"),
        ('[controls]\nspeed = "fast"', "controls.speed: expected a number, got 'fast'"),
        ('url = "http://localhost"', "url: expected a ws:// or wss:// URL, got 'http://localhost'"),
        ("[options]\ncleanup = 1", "options.cleanup: expected a table, got 1"),
        ("\n\nmodel = ?", "Invalid value (at line 3, column 9)"),
    ],
)  # fmt: skip
def test_errors_name_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        Settings.load(path)
    assert str(err.value) == f"{path}: {message}"


def test_an_unknown_emotion_in_the_file_names_it_and_lists_the_valid_ones(tmp_path: Path) -> None:
    path = write(tmp_path, '[controls]\nemotion = "giddy"')
    with pytest.raises(ConfigError) as err:
        Settings.load(path)
    message = str(err.value)
    assert message.startswith(
        f"{path}: controls: unknown emotion 'giddy'; valid emotions are: affectionate, agitated, "
    )
    best = "(best results: neutral, angry, excited, content, sad, scared)"
    assert message.endswith(f", wistful {best}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"model": "sonic3"}, f"model: unknown model 'sonic3'; {MODELS_SAID}"),
        ({"model": 3}, "model: expected a string, got 3"),
        ({"language": ""}, "language: expected a language code such as 'en', 'fr' or 'de', "
                           "got ''"),
        ({"language": "English"}, "language: expected a language code such as 'en', 'fr' or "
                                  "'de', got 'English'"),  # a name would turn English off
        ({"controls": Defaults(emotion=5)}, "controls.emotion: expected an emotion name, got 5"),
        ({"controls": Defaults(speed="1.2")}, "controls.speed: expected a number, got '1.2'"),
        ({"controls": Defaults(volume=True)}, "controls.volume: expected a number, got True"),
        ({"controls": Defaults(volume=9)}, "controls: volume ratio 9 is out of range; valid: 0.5 "
                                           "to 2.0"),
        ({"controls": {"speed": 1.0}}, "controls: expected a Defaults, got {'speed': 1.0}"),
        ({"output_format": "pcm_s16le"}, "output_format: expected an OutputFormat, got "
                                         "'pcm_s16le'"),
        ({"dictionaries": "tech"}, "dictionaries: expected a list of strings, got 'tech'"),
        ({"disable": ["cleanup", 3]}, "disable: expected a list of strings, got ['cleanup', 3]"),
        ({"options": {"cleanup": "emoji"}}, "options.cleanup: expected a table, got 'emoji'"),
        ({"url": "api.cartesia.ai"}, "url: expected a ws:// or wss:// URL, got 'api.cartesia.ai'"),
        ({"url": "ws://localhost:99999"}, "url: the port of 'ws://localhost:99999' is not a number "
                                          "from 0 to 65535"),
        ({"url": "ws://:8765"}, "url: 'ws://:8765' names no host; expected e.g. "
                                "ws://127.0.0.1:8765"),
        ({"api_key": b"sk-bytes"}, "api_key: expected a string, got bytes"),
        ({"timeout": 0}, "timeout: expected seconds above 0, at most 3600, got 0"),
        ({"timeout": "30"}, "timeout: expected seconds above 0, at most 3600, got '30'"),
        ({"retries": -1}, "retries: expected a whole number from 0 to 100, got -1"),
        ({"retries": 2.5}, "retries: expected a whole number from 0 to 100, got 2.5"),
    ],
)  # fmt: skip
def test_settings_built_in_python_are_validated(changes: dict, message: str) -> None:
    for build in (lambda: Settings(**changes), lambda: Settings().with_(**changes)):
        with pytest.raises(ConfigError) as err:
            build()
        assert str(err.value) == message


def test_an_unknown_emotion_in_python_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as err:
        Settings(controls=Defaults(emotion="giddy"))
    assert str(err.value).startswith(
        "controls: unknown emotion 'giddy'; valid emotions are: affectionate, agitated, "
    )


@pytest.mark.parametrize(
    "url",
    [
        "wss://api.cartesia.ai/tts/websocket?api_key=sk-SECRET",
        "https://api.cartesia.ai/tts/websocket?api_key=sk-SECRET",
        "wss://api.cartesia.ai/?cartesia_version=2025-04-16&Access_Token=sk-SECRET",
        "ws://user:sk-SECRET@127.0.0.1:8801",
        "ws://sk-SECRET@127.0.0.1:8801",
    ],
)
def test_a_credential_in_the_url_is_refused_without_showing_it(tmp_path: Path, url: str) -> None:
    said = (
        "url: the URL carries a credential (not shown); put the API key in the api_key setting "
        "or the CARTESIA_API_KEY environment variable, never in the URL"
    )
    path = write(tmp_path, f'url = "{url}"')
    with pytest.raises(ConfigError) as err:
        Settings(url=url)
    assert str(err.value) == said
    with pytest.raises(ConfigError) as err:
        Settings.load(path)
    assert str(err.value) == f"{path}: {said}"
    with pytest.raises(ValueError) as err:  # the client checks the same way
        SonicClient(url)
    assert str(err.value) == said


BASE_URL = "url: expected a base URL such as wss://api.cartesia.ai"
QUERY = "followed by a query string or fragment (not shown)"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ws://127.0.0.1:8801/?token=SECRET", f"{BASE_URL}, got 'ws://127.0.0.1:8801/' {QUERY}"),
        ("ws://127.0.0.1:8801#SECRET", f"{BASE_URL}, got 'ws://127.0.0.1:8801' {QUERY}"),
        ("ws://[::1?api_key=SECRET", "url: not a valid URL (not shown)"),
        ("http://localhost?token=SECRET", f"{BASE_URL}, got 'http://localhost' {QUERY}"),
    ],
)
def test_a_url_with_a_query_or_fragment_is_refused_without_showing_it(
    url: str, message: str
) -> None:
    """The client appends Sonic's path to the URL: a query there would break it."""
    with pytest.raises(ConfigError) as err:
        Settings(url=url)
    assert str(err.value) == message


def test_output_format_rejects_a_float_rate() -> None:
    with pytest.raises(ConfigError) as err:
        OutputFormat(sample_rate=44100.0)  # type: ignore[arg-type]
    assert str(err.value) == f"output_format.sample_rate 44100.0 is not valid; {RATES}"


@pytest.mark.parametrize("model", [*MODELS, "sonic-3-2026-01-12", "sonic-turbo-2025-03-07"])
def test_known_models_and_their_snapshots_are_accepted(model: str) -> None:
    assert Settings(model=model).model == model


def test_a_sonic_model_this_release_does_not_know_is_sent_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Newer models must stay usable; a typo is refused by Sonic itself."""
    with caplog.at_level(logging.WARNING, logger="sonicpipe.config"):
        settings = Settings(model="sonic-4-preview")
        settings.with_(language="fr").with_(voice="other")
        Settings(model="sonic-3.5-2026-03-01")
    assert settings.model == "sonic-4-preview"
    known = MODELS_SAID.removeprefix("valid: ")
    warned = f"model 'sonic-4-preview' is not one sonicpipe knows ({known}); it is sent as is"
    assert [record.getMessage() for record in caplog.records] == [warned]  # once


def test_python_values_are_normalized_like_the_file_ones() -> None:
    settings = Settings(
        controls=Defaults(emotion=" Calm", speed=1, volume=None),
        dictionaries=["tech"],  # type: ignore[arg-type]
        api_key="sk-test",  # type: ignore[arg-type]
        base_dir="books",  # type: ignore[arg-type]
    )
    assert settings.controls == Defaults(emotion="calm", speed=1.0)
    assert settings.dictionaries == ("tech",)
    assert settings.api_key == Secret("sk-test") and "sk-test" not in repr(settings)
    assert settings.base_dir == Path("books")


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(ConfigError) as err:
        Settings.load(path)
    assert str(err.value) == f"{path}: cannot read: No such file or directory"


def test_a_file_that_is_not_utf8_is_a_config_error_naming_it(tmp_path: Path) -> None:
    """The error was the codec's alone, naming no file."""
    path = tmp_path / "latin1.toml"
    path.write_bytes('voice = "Andr\u00e9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        Settings.load(path)
    assert str(info.value) == (
        f"{path}: not UTF-8 text (byte 13: invalid continuation byte); TOML is UTF-8"
    )


@pytest.mark.parametrize("url", ["sk_car_" + "pasted-in-the-wrong-place", "localhost"])
def test_a_url_that_is_no_url_is_not_shown(url: str) -> None:
    """A key pasted into url (a common slip) was shown in the error."""
    with pytest.raises(ConfigError) as info:
        Settings(url=url)
    assert str(info.value) == (
        "url: expected a ws:// or wss:// URL, got a value that is not one (not shown)"
    )


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


@pytest.mark.parametrize("empty", ["", "  \t"])
def test_an_empty_key_is_no_key_in_the_file_as_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty: str
) -> None:
    monkeypatch.setenv(API_KEY_ENV, empty)
    assert Settings().resolved_api_key() is None
    settings = Settings.load(write(tmp_path, f'api_key = "{empty}"'))
    assert settings.api_key is None and settings.resolved_api_key() is None
    with Pipeline(settings) as pipe:
        assert pipe.url == "local"  # the local voice, not refused for want of a voice id
    monkeypatch.setenv(API_KEY_ENV, "from-env")
    assert settings.resolved_api_key() == Secret("from-env")
    assert Settings(api_key=Secret(empty)).api_key is None
