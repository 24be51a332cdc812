"""The plugin host: entry points, Python and config registration, disabling, listing."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest

from sonicpipe import (
    ConfigError,
    Document,
    PluginError,
    PluginHost,
    Segment,
    Settings,
    TextChain,
    hookimpl,
    hookspecs,
)
from sonicpipe.audio.chain import AudioChain
from sonicpipe.audio.writers import open_writer
from sonicpipe.cli import main
from sonicpipe.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[1]
BUILTINS = {"markup", "cleanup", "normalize", "segment", "pronounce"}


class Shouter:
    """A plugin object registered from Python for one test."""

    @hookimpl
    def sonicpipe_normalize_text(self, doc: Document) -> None:
        doc.text = doc.text.upper()


# Referenced as "tests.test_plugins:LATE" from configuration in a test below.
class _Late:
    @hookimpl(trylast=True)
    def sonicpipe_normalize_text(self, doc: Document) -> None:
        doc.text = doc.text.replace("HELLO", "HOWDY")


LATE = _Late()


class _Named:
    """Names itself, so that its options table is [options.echo] however it is registered."""

    sonicpipe_name = "echo"

    @hookimpl
    def sonicpipe_normalize_text(self, doc: Document, settings: Settings) -> None:
        doc.text += settings.plugin_options("echo").get("suffix", "")


NAMED = _Named()


def test_builtins_are_loaded_from_entry_points() -> None:
    host = PluginHost()
    infos = {info.name: info for info in host.describe()}
    hooks = {
        "markup": ["sonicpipe_clean_text"],
        "cleanup": ["sonicpipe_clean_text"],
        "normalize": ["sonicpipe_normalize_text"],
        "segment": ["sonicpipe_sentence_stream", "sonicpipe_split_sentences"],
        "pronounce": ["sonicpipe_normalize_text", "sonicpipe_refine_segment"],
        "loudness": ["sonicpipe_audio_processor"],
        "pauses": ["sonicpipe_audio_processor"],
        "resample": ["sonicpipe_audio_processor"],
        "writers": ["sonicpipe_audio_writer"],
    }
    assert set(infos) >= set(hooks) >= BUILTINS
    for name, implemented in hooks.items():
        info = infos[name]
        assert (info.source, info.version) == ("entry point (sonicpipe)", version("sonicpipe"))
        assert info.hooks == implemented, name


def test_markup_runs_first_in_its_hook() -> None:
    order = PluginHost().hook_order()
    assert order["sonicpipe_clean_text"][0] == "markup"


def test_python_plugin_changes_output_and_unregisters() -> None:
    host = PluginHost(Settings(dictionaries=()), extra=[Shouter()])
    chain = TextChain(host=host)
    assert chain.render(chain.prepare("hello there")[0]).transcript == "HELLO THERE."
    name = next(i.name for i in host.describe() if i.source == "python")
    host.unregister(name)
    assert chain.render(chain.prepare("hello there")[0]).transcript == "hello there."


def test_config_plugin_reference_and_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO))
    settings = Settings(plugins=("tests.test_plugins:LATE",), dictionaries=())
    host = PluginHost(settings, extra=[Shouter()])
    order = host.hook_order()["sonicpipe_normalize_text"]
    assert order[-1] == "tests.test_plugins:LATE", "trylast runs last"
    chain = TextChain(host=host)
    assert chain.render(chain.prepare("hello")[0]).transcript == "HOWDY."


def test_disabled_plugin_is_not_loaded() -> None:
    host = PluginHost(Settings(disable=("markup",)))
    assert "markup" not in {info.name for info in host.describe()}
    chain = TextChain(host=host)
    assert chain.render(chain.prepare("[excited] Hi")[0]).transcript == "[excited] Hi."


def test_disabling_the_writers_is_named_when_no_writer_is_left(tmp_path: Path) -> None:
    host = PluginHost(Settings(disable=("writers",)))
    with pytest.raises(ValueError) as caught:
        open_writer(tmp_path / "x.wav", 44100, host=host)
    assert str(caught.value) == (
        f"{tmp_path / 'x.wav'}: no writer for '.wav'; the built-in writers are disabled "
        "(disable: writers) and no plugin takes it"
    )
    assert not (tmp_path / "x.wav").exists()


def test_sentences_of_punctuation_alone_are_not_sent() -> None:
    chain = TextChain()
    segments = chain.prepare("Wait.\n\n?!\n\n\u2026 \u2014\n\nGo on.")
    assert [s.text for s in segments] == ["Wait.", "Go on."]  # the others say nothing
    assert [s.index for s in segments] == [0, 1]
    assert chain.prepare("[break 1s]")  # a break alone is still something to send


BAD_REFERENCES = [
    ("no_such_module_xyz:thing",
     "cannot import 'no_such_module_xyz': No module named 'no_such_module_xyz'"),
    ("json:nope", "json has no 'nope'"),
    ("json", "implements no sonicpipe hook; a plugin is a module or an object with functions "
     "marked @hookimpl"),
    ("tests.test_plugins:Upper", "a class, whose hooks are called on an instance; register one "
     "(e.g. plugin = Upper() in its module)"),
]  # fmt: skip


class Upper:
    """A plugin class: its instances are plugins."""

    @hookimpl
    def sonicpipe_refine_segment(self, segment: Segment) -> None:
        segment.text = segment.text.upper()


@pytest.mark.parametrize(("reference", "message"), BAD_REFERENCES)
def test_a_bad_plugin_reference_names_the_settings_file_and_key(
    tmp_path: Path, reference: str, message: str
) -> None:
    config = tmp_path / "sonicpipe.toml"
    config.write_text(f'plugins = ["{reference}"]\n', encoding="utf-8")
    error = re.escape(f"plugins: plugin {reference!r}: {message}")
    with pytest.raises(PluginError, match="^" + re.escape(f"{config}: ") + error + "$"):
        PluginHost(Settings.load(config))
    with pytest.raises(PluginError, match="^" + error + "$"):  # not from a file: none to name
        PluginHost(Settings(plugins=(reference,)))


def test_plugin_with_misspelled_hook_is_rejected() -> None:
    class Typo:
        @hookimpl
        def sonicpipe_normalise_text(self, doc: Document) -> None: ...

    name = f"{__name__}.{Typo.__qualname__}"
    message = (
        f"plugin {name!r}: sonicpipe_normalise_text is no sonicpipe hook; did you mean "
        "'sonicpipe_normalize_text'?"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(extra=[Typo()])

    class Unknown:
        @hookimpl
        def sonicpipe_speak(self) -> None: ...

    hooks = ", ".join(sorted(name for name in dir(hookspecs) if name.startswith("sonicpipe_")))
    message = f"is no sonicpipe hook; hooks: {hooks}"
    with pytest.raises(PluginError, match=re.escape(message) + "$"):
        PluginHost(extra=[Unknown()])


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-m", "sonicpipe.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return result.stdout


def pip_install(project: Path, site: Path) -> Path:
    """Install the project in folder ``project`` with pip into the folder ``site`` (put it on
    the path to install it); return ``site``."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(site), str(project)],
        check=True,
        capture_output=True,
        cwd=site,
    )  # fmt: skip
    return site


def plugin_project(
    folder: Path, dist: str, modules: dict[str, str], entry_points: dict[str, str]
) -> Path:
    """Write into ``folder`` a project ``dist`` 0.1.0 of ``modules`` (name: source) with
    ``entry_points`` (name: reference) in the ``sonicpipe`` group; return ``folder``."""
    for module, source in modules.items():
        (folder / f"{module}.py").write_text(source, encoding="utf-8")
    lines = "".join(f'"{name}" = "{reference}"\n' for name, reference in entry_points.items())
    (folder / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        f'[project]\nname = "{dist}"\nversion = "0.1.0"\n'
        f"[project.entry-points.sonicpipe]\n{lines}"
        f"[tool.setuptools]\npy-modules = {json.dumps(sorted(modules))}\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def censor_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/censor-plugin installed with pip into a folder of its own, from a copy: pip
    builds in the project's folder, and its build/ and egg-info there made the example an
    installed plugin wherever that folder is on the path."""
    project = tmp_path_factory.mktemp("censor-project") / "censor-plugin"
    shutil.copytree(REPO / "examples" / "censor-plugin", project)
    return pip_install(project, tmp_path_factory.mktemp("censor"))


def test_third_party_plugin_installs_and_changes_output(censor_site: Path, tmp_path: Path) -> None:
    """Install examples/censor-plugin into a temporary environment; it shows up and acts."""
    env = {**os.environ, "PYTHONPATH": str(censor_site)}

    before = run_cli("text", "--json", "-", stdin="Well, darn it.")
    after = run_cli("text", "--json", "-", stdin="Well, darn it.", env=env)
    assert json.loads(before)[0]["transcript"] == "Well, darn it."
    assert json.loads(after)[0]["transcript"] == "Well, bleep it."

    listing = json.loads(run_cli("plugins", "--json", env=env))
    censor = next(p for p in listing["plugins"] if p["name"] == "censor")
    assert censor["version"] == "1.0.0"
    assert censor["source"] == "entry point (sonicpipe-censor)"
    assert censor["hooks"] == ["sonicpipe_normalize_text"]
    assert censor["options"] == ["words"]
    assert listing["hook_order"]["sonicpipe_normalize_text"] == ["pronounce", "censor", "normalize"]

    config = tmp_path / "s.toml"
    config.write_text('disable = ["censor"]\n', encoding="utf-8")
    disabled = run_cli("--config", str(config), "text", "--json", "-", stdin="darn", env=env)
    assert json.loads(disabled)[0]["transcript"] == "darn."

    # The entry point's name is the name of its options table.
    config.write_text('[options.censor]\nwords = ["heck"]\n', encoding="utf-8")
    configured = run_cli("--config", str(config), "text", "--json", "-", stdin="heck", env=env)
    assert json.loads(configured)[0]["transcript"] == "bleep."


@pytest.mark.parametrize("where", ["first", "last"])
def test_an_installed_plugin_runs_where_a_configured_one_does_wherever_it_is_installed(
    censor_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Installed plugins are registered after the built-ins wherever they lie on the path, so
    one without tryfirst or trylast runs before the built-ins, as it does from settings: the
    censor sees "Q3" before normalize reads it as "Q three"."""
    settings = Settings(options={"censor": {"words": ["Q3"]}}, dictionaries=())
    module = censor_site / "sonicpipe_censor.py"  # the same module, not installed
    (tmp_path / module.name).write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(sys, "path", [str(tmp_path), *sys.path])
        configured = PluginHost(settings.with_(plugins=("sonicpipe_censor",))).hook_order()
    site = [str(censor_site), *sys.path] if where == "first" else [*sys.path, str(censor_site)]
    monkeypatch.setattr(sys, "path", site)
    installed = PluginHost(settings)
    assert installed.hook_order() == configured
    assert configured["sonicpipe_normalize_text"] == ["pronounce", "censor", "normalize"]
    assert TextChain(host=installed).prepare("Q3 results")[0].text == "bleep results."


def test_disabling_an_unknown_plugin_names_the_installed_ones() -> None:
    with pytest.raises(
        PluginError, match=r"disable: no plugin named 'normalise'; installed: .*normalize"
    ):
        PluginHost(Settings(disable=("normalise",)))


def test_an_options_table_of_no_plugin_names_the_file_and_the_known_ones(tmp_path: Path) -> None:
    config = tmp_path / "sonicpipe.toml"
    config.write_text('[options.cleanp]\nemoji = "describe"\n', encoding="utf-8")
    message = r"options\.cleanp: no plugin named 'cleanp'; installed: .*cleanup, .*writers"
    with pytest.raises(PluginError, match=re.escape(f"{config}: ") + message):
        PluginHost(Settings.load(config))
    with pytest.raises(PluginError, match="^" + message):
        PluginHost(Settings(options={"cleanp": {}}))


def test_options_tables_of_registered_plugins_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO))
    late = "tests.test_plugins:LATE"
    options = {name: {} for name in (*BUILTINS, "loudness", "pauses", "resample", "writers")}
    host = PluginHost(Settings(plugins=(late,), options={**options, late: {}}))
    assert late in host.hook_order()["sonicpipe_normalize_text"]


# The built-in plugins that declare the keys of their options table (sonicpipe_options).
DECLARING = [*sorted(BUILTINS), "loudness", "pauses", "resample", "writers"]


@pytest.mark.parametrize("name", DECLARING)
def test_an_unknown_option_of_a_builtin_fails_when_the_host_loads(name: str) -> None:
    with pytest.raises(ConfigError) as error:
        PluginHost(Settings(options={name: {"no_such_option": 1}}))
    assert str(error.value).startswith(f"options.{name}: unknown option 'no_such_option'; ")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "[options.segment]\nfirst_min_word = 4",
            "options.segment: unknown option 'first_min_word'; valid: first_min_words",
        ),
        (
            "[options.markup]\nstrict = true",
            "options.markup: unknown option 'strict'; markup takes no options",
        ),
        (
            '[options.cleanup]\nemojis = "keep"',
            "options.cleanup: unknown option 'emojis'; valid: code_blocks, emoji, images, markdown",
        ),
        (
            '[options.normalize]\ndate = "dmy"',
            "options.normalize: unknown option 'date'; valid: dates",
        ),
        (
            '[options.writers]\nnarrator = "x"',
            "options.writers: unknown option 'narrator'; valid: album, author, bitrate, cover, "
            "encoding, title, track",
        ),
    ],
)
def test_an_unknown_option_names_the_file_the_table_and_the_valid_keys(
    tmp_path: Path, table: str, message: str
) -> None:
    config = tmp_path / "sonicpipe.toml"
    config.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="^" + re.escape(f"{config}: {message}") + "$"):
        PluginHost(Settings.load(config))
    settings = Settings.from_dict(tomllib.loads(table))  # not from a file: no file to name
    with pytest.raises(ConfigError, match="^" + re.escape(message) + "$"):
        PluginHost(settings)


def test_settings_given_to_a_hook_are_checked_too() -> None:
    """Settings other than the host's own (a chain made with both) are checked when a hook
    first gets them."""
    host = PluginHost(Settings(dictionaries=()))
    chain = TextChain(Settings(options={"segment": {"first_min_word": 4}}), host)
    with pytest.raises(ConfigError) as error:
        chain.prepare("Hello there.")
    assert str(error.value) == (
        "options.segment: unknown option 'first_min_word'; valid: first_min_words"
    )


def test_the_censor_example_declares_its_words_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO / "examples" / "censor-plugin"))
    settings = Settings(plugins=("sonicpipe_censor",), options={"censor": {"word": ["heck"]}})
    with pytest.raises(ConfigError, match=r"options\.censor: unknown option 'word'; valid: words"):
        PluginHost(settings)
    host = PluginHost(settings.with_(options={"censor": {"words": ["heck"]}}, dictionaries=()))
    assert TextChain(host=host).prepare("Oh heck.")[0].text == "Oh bleep."
    options = {info.name: info.options for info in host.describe()}  # sonicpipe plugins shows
    assert options["censor"] == ["words"]
    assert options["markup"] == []  # takes none


class _Undeclared:
    """Declares no options: its table is its own to check."""

    sonicpipe_name = "loose"

    @hookimpl
    def sonicpipe_normalize_text(self, doc: Document) -> None: ...


@pytest.mark.parametrize("keys", ["words", 3, ["words", 3]])
def test_sonicpipe_options_must_be_a_collection_of_key_names(keys: object) -> None:
    plugin = _Undeclared()
    plugin.sonicpipe_options = keys  # type: ignore[attr-defined]
    one = " (one key is ('words',), with a comma)" * isinstance(keys, str)
    message = f"plugin 'loose': sonicpipe_options must be a collection of key names, got {keys!r}"
    for options in ({"loose": {"words": 1}}, {}):  # with or without a table for it
        with pytest.raises(PluginError) as error:
            PluginHost(Settings(options=options), extra=[plugin])
        assert str(error.value) == message + one


def test_a_plugin_that_declares_no_options_gets_its_table_unchecked() -> None:
    host = PluginHost(Settings(options={"loose": {"anything": 1}}), extra=[_Undeclared()])
    assert {info.name: info.options for info in host.describe()}["loose"] is None  # unknown


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[options.loudness]\npreset = "loud"', "options.loudness.preset: 'loud' is not valid; "
                                                "valid: acx, podcast, broadcast, custom"),
        ("[options.resample]\ntarget_rate = 1", "options.resample.target_rate: 1 is not valid; "
                                                "valid: 8000, 16000, 22050, 24000, 44100, 48000"),
        ('[options.segment]\nfirst_min_words = "4"', "options.segment.first_min_words: expected a "
                                                     "whole number from 0 to 50, got '4'"),
    ],
)  # fmt: skip
def test_bad_audio_and_stream_options_fail_at_once_naming_the_file(
    tmp_path: Path, table: str, message: str
) -> None:
    """Checked when the host is made, before any text is prepared or Sonic is reached."""
    config = tmp_path / "sonicpipe.toml"
    config.write_text(table + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="^" + re.escape(f"{config}: {message}") + "$"):
        PluginHost(Settings.load(config))
    settings = Settings.from_dict(tomllib.loads(table))  # not from a file: no file to name
    with pytest.raises(ConfigError, match="^" + re.escape(message) + "$"):
        PluginHost(settings)


def test_options_checked_when_their_hook_runs_name_the_file(tmp_path: Path) -> None:
    config = tmp_path / "sonicpipe.toml"
    config.write_text('[options.cleanup]\nemoji = "shout"\n[options.writers]\nbitrate = 1\n')
    settings = Settings.load(config)
    chain = TextChain(settings)
    with pytest.raises(ConfigError) as error:
        chain.prepare("Hello there.")
    assert str(error.value) == (
        f"{config}: options.cleanup.emoji: 'shout' is not valid; valid: 'remove', 'describe', "
        "'keep'"
    )
    with pytest.raises(ConfigError) as error:
        open_writer(tmp_path / "out.mp3", 24000, settings, chain.host)
    assert str(error.value) == (
        f"{config}: options.writers.bitrate: expected a whole number from 8 to 320, got 1"
    )
    assert not (tmp_path / "out.mp3").exists()


@pytest.mark.parametrize("value", ["tests.test_plugins:LATE", 42, None, object()])
def test_a_value_that_is_no_plugin_is_rejected(value: object) -> None:
    hint = " ('module:object' references go in Settings.plugins)" * isinstance(value, str)
    message = "implements no sonicpipe hook; a plugin is a module or an object with functions"
    with pytest.raises(TypeError, match=re.escape(f"{message} marked @hookimpl{hint}") + "$"):
        Pipeline(plugins=[value])
    with pytest.raises(PluginError) as error:
        PluginHost(extra=[value])
    assert str(error.value) == f"plugin {value!r}: {message} marked @hookimpl{hint}"


def test_python_plugins_get_readable_unique_names() -> None:
    host = PluginHost(extra=[Shouter(), Shouter(), LATE])
    names = [info.name for info in host.describe() if info.source == "python"]
    shouter = f"{__name__}.Shouter"
    assert names == [shouter, f"{shouter}#2", f"{__name__}._Late"]
    assert host.hook_order()["sonicpipe_normalize_text"][-1] == f"{__name__}._Late"
    with pytest.raises(PluginError, match=rf"'Shouter'; installed: .*, {re.escape(shouter)}\b"):
        PluginHost(Settings(options={"Shouter": {}}), extra=[Shouter()])
    PluginHost(Settings(options={shouter: {}}), extra=[Shouter()])  # its name takes a table


@pytest.mark.parametrize("how", ["python", "config"])
def test_a_plugin_that_names_itself_takes_that_options_table(how: str) -> None:
    settings = Settings(options={"echo": {"suffix": " again"}})
    if how == "config":
        host = PluginHost(settings.with_(plugins=("tests.test_plugins:NAMED",)))
    else:
        host = PluginHost(settings, extra=[NAMED])
    assert "echo" in {info.name for info in host.describe()}
    assert TextChain(host=host).prepare("Say it")[0].text == "Say it. again"
    blocked = PluginHost(settings.with_(disable=("echo",)), extra=[NAMED])
    assert TextChain(host=blocked).prepare("Say it")[0].text == "Say it."


def test_a_plugin_registered_twice_is_registered_once() -> None:
    """As when an installed plugin is also referenced in settings."""
    settings = Settings(plugins=(f"{__name__}:NAMED",), options={"echo": {"suffix": " again"}})
    host = PluginHost(settings, extra=[NAMED])
    assert [info.name for info in host.describe() if "echo" in info.name] == ["echo"]
    assert TextChain(host=host).prepare("Say it")[0].text.count("again") == 1


@pytest.mark.parametrize("where", ["before", "after"])
def test_common_options_go_before_or_after_the_command(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "s.toml"
    config.write_text('disable = ["pauses"]\n', encoding="utf-8")
    options = ["--config", str(config), "--disable", "resample"]
    argv = [*options, "plugins", "--json"] if where == "before" else ["plugins", "--json", *options]
    assert main(argv) == 0
    listing = json.loads(capsys.readouterr().out)
    names = {plugin["name"] for plugin in listing["plugins"]}
    assert names >= {"cleanup", "loudness"} and not names & {"pauses", "resample"}
    assert listing["disabled"] == ["pauses", "resample"]  # listed apart, not left unsaid
    assert main([arg for arg in argv if arg != "--json"]) == 0
    assert capsys.readouterr().out.endswith("\n\ndisabled: pauses, resample\n")


@pytest.mark.parametrize("command", ["plugins", "text", "render", "book render"])
@pytest.mark.parametrize(("reference", "message"), BAD_REFERENCES)
def test_a_bad_plugin_option_is_named_as_the_option_not_the_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, reference: str, message: str
) -> None:
    config = tmp_path / "s.toml"
    config.write_text('disable = ["pauses"]\n', encoding="utf-8")
    source = tmp_path / "in.txt"
    source.write_text("Hello there.\n", encoding="utf-8")
    out = tmp_path / "out"
    argv = [*command.split(), *([] if command == "plugins" else [str(source)])]
    argv += ["-o", str(out)] if "render" in command else []
    assert main([*argv, "--config", str(config), "--plugin", reference]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == f"sonicpipe: error: --plugin: plugin {reference!r}: {message}"
    assert not out.exists()


def test_plugins_from_the_settings_file_and_the_command_line_load_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(REPO))
    config = tmp_path / "s.toml"
    config.write_text('plugins = ["tests.test_plugins:LATE"]\n', encoding="utf-8")
    argv = ["plugins", "--json", "--config", str(config), "--plugin", "tests.test_plugins:NAMED"]
    assert main(argv) == 0
    plugins = json.loads(capsys.readouterr().out)["plugins"]
    sources = {plugin["name"]: plugin["source"] for plugin in plugins}
    assert sources["tests.test_plugins:LATE"] == "config (tests.test_plugins:LATE)"
    assert sources["echo"] == "config (tests.test_plugins:NAMED)"  # which module it is
    config.write_text('plugins = ["json"]\n', encoding="utf-8")
    assert main(argv) == 2  # the file's own bad plugin still names the file
    assert capsys.readouterr().err == (
        f"sonicpipe: error: {config}: plugins: plugin 'json': implements no sonicpipe hook; a "
        "plugin is a module or an object with functions marked @hookimpl\n"
    )


@pytest.mark.parametrize(
    ("argv", "unused"),
    [
        (["--plugin", "tests.test_plugins:NAMED", "serve", "--port", "1"], "--plugin"),
        (["--disable", "markup", "phonemes", "nginx"], "--disable"),
        (["--config", "s.toml", "audio", "measure", "a.wav"], "--config"),
    ],
)
def test_settings_options_a_command_does_not_read_are_refused_not_ignored(
    capsys: pytest.CaptureFixture[str], argv: list[str], unused: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"sonicpipe: error: {unused}: not used by this command"
    )
    with pytest.raises(SystemExit) as exit_:  # after the command's name: the same
        main([*argv[2:], *argv[:2]])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"sonicpipe: error: {unused}: not used by this command"
    )


BROKEN_MODULES = {
    "broken_import": "import no_such_dependency_xyz  # noqa: F401\n",
    "broken_signature": (
        "from sonicpipe import hookimpl\n\n\n"
        "@hookimpl\n"
        "def sonicpipe_normalize_text(doc, settings, glossary):\n"
        "    pass\n"
    ),
}
BROKEN_ENTRY_POINTS = {
    "brokenimport": ("broken_import", "ModuleNotFoundError: No module named 'no_such_dependenc"),
    "brokenattr": ("broken_signature:nothing", "AttributeError: module 'broken_signature' has no"),
    "brokensig": ("broken_signature", "sonicpipe_normalize_text takes 'glossary', which the hook"),
}


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A distribution whose ``sonicpipe`` entry points are each broken in one way, installed
    with pip into a folder of its own."""
    entry_points = {name: reference for name, (reference, _) in BROKEN_ENTRY_POINTS.items()}
    folder = tmp_path_factory.mktemp("broken")
    project = plugin_project(folder, "sonicpipe-broken", BROKEN_MODULES, entry_points)
    return pip_install(project, tmp_path_factory.mktemp("broken-site"))


@pytest.mark.parametrize("name", sorted(BROKEN_ENTRY_POINTS))
def test_an_installed_plugin_that_cannot_load_names_its_entry_point_and_how_to_disable_it(
    broken_site: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.syspath_prepend(str(broken_site))
    others = tuple(sorted(set(BROKEN_ENTRY_POINTS) - {name}))
    reference, cause = BROKEN_ENTRY_POINTS[name]
    with pytest.raises(PluginError) as error:
        PluginHost(Settings(disable=others))
    message = str(error.value)
    assert message.startswith(
        f"installed plugin {name!r} ({reference}, from sonicpipe-broken 0.1.0): "
    )
    assert cause in message
    assert message.endswith(f"; leave it out with disable = [{name!r}] or --disable {name}")
    # Disabled, it is not even imported, and the rest loads.
    host = PluginHost(Settings(disable=tuple(BROKEN_ENTRY_POINTS)))
    assert "normalize" in {info.name for info in host.describe()}


class _Failing:
    """A plugin whose hooks fail on some words, as a plugin's own bug would."""

    sonicpipe_name = "failing"

    @hookimpl
    def sonicpipe_normalize_text(self, doc: Document) -> None:
        if "KPI" in doc.text:
            int("KPI")

    @hookimpl
    def sonicpipe_refine_segment(self, segment: Segment) -> None:
        if "OKR" in segment.text:
            {}["OKR"]


FAILING = _Failing()


@pytest.mark.parametrize(
    ("text", "hook", "error"),
    [
        ("KPI", "normalize_text", "ValueError: invalid literal for int() with base 10: 'KPI'"),
        ("OKR", "refine_segment", "KeyError: 'OKR'"),
    ],
)
def test_an_exception_out_of_a_plugins_hook_names_the_plugin_and_the_hook(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    hook: str,
    error: str,
) -> None:
    raising = {"KPI": 'int("KPI")', "OKR": '{}["OKR"]'}[text]  # the plugin's line that raises
    line = Path(__file__).read_text(encoding="utf-8").splitlines().index(f"            {raising}")
    where = f"test_plugins.py, line {line + 1}"
    message = f"plugin 'failing' failed in sonicpipe_{hook}: {error} ({where})"
    chain = TextChain(host=PluginHost(extra=[FAILING]))
    with pytest.raises(PluginError) as raised:
        chain.prepare(text)
    assert str(raised.value) == message
    assert type(raised.value.__cause__).__name__ == error.split(":")[0]
    monkeypatch.syspath_prepend(str(REPO))
    source = tmp_path / "in.txt"
    source.write_text(text, encoding="utf-8")
    assert main(["text", str(source), "--plugin", f"{__name__}:FAILING"]) == 2
    assert capsys.readouterr().err == f"sonicpipe: error: {message}\n"


def test_a_plugins_config_error_stays_one_naming_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(REPO / "examples" / "censor-plugin"))
    config = tmp_path / "sonicpipe.toml"
    config.write_text('plugins = ["sonicpipe_censor"]\n[options.censor]\nwords = "heck"\n')
    chain = TextChain(Settings.load(config))
    message = f"{config}: options.censor.words: expected a non-empty list of words, got 'heck'"
    with pytest.raises(ConfigError, match="^" + re.escape(message) + "$"):
        chain.prepare("Oh heck.")


class _Misshapen:
    """An audio processor that gets one thing wrong, named by ``mode``."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def open(self, sample_rate: int) -> int | None:
        if self.mode == "open raises":
            raise OSError("no such device")
        if self.mode == "open raises bare":
            raise OSError
        return None if self.mode == "open" else sample_rate

    def process(self, samples: np.ndarray) -> object:
        if self.mode == "process raises":
            raise KeyError("gain")
        wrong = {
            "stereo": np.stack([samples, samples], axis=1),
            "float64": samples.astype(np.float64),
            "int16": (samples * 32767).astype(np.int16),
            "list": list(samples),
            "none": None,
        }
        return wrong.get(self.mode, samples)

    def boundary(self, kind: str) -> np.ndarray:
        return np.zeros(3) if self.mode == "boundary" else np.zeros(0, np.float32)

    def flush(self) -> object:
        if self.mode == "flush raises":
            raise ZeroDivisionError("division by zero")
        return None if self.mode == "flush" else np.zeros(0, np.float32)


class _MisshapenAudio:
    """A plugin whose processors get one thing wrong (``mode``)."""

    sonicpipe_name = "misshapen"
    mode = ""

    @hookimpl
    def sonicpipe_audio_processor(self) -> object:
        return 0.5 if self.mode == "no processor" else _Misshapen(self.mode)


PROCESSOR = f"audio processor {__name__}._Misshapen"


def raised_at(statement: str) -> str:
    """`` (test_plugins.py, line N)``: where ``statement`` of this file is."""
    lines = Path(__file__).read_text(encoding="utf-8").splitlines()
    return f" (test_plugins.py, line {lines.index(' ' * 12 + statement) + 1})"


MONO = "; a processor returns mono float32 samples (a one-dimensional float32 numpy array)"


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("no processor", "sonicpipe_audio_processor returned a float, not a processor (with "
                         "open, process and flush)"),
        ("open", f"{PROCESSOR}: open(24000) returned None, not its output rate (a positive int)"),
        ("stereo", f"{PROCESSOR}: process() returned a float32 array of shape (2400, 2){MONO}"),
        ("float64", f"{PROCESSOR}: process() returned a float64 array of shape (2400,){MONO}"),
        ("int16", f"{PROCESSOR}: process() returned an int16 array of shape (2400,){MONO}"),
        ("list", f"{PROCESSOR}: process() returned a list{MONO}"),
        ("none", f"{PROCESSOR}: process() returned None{MONO}"),
        ("boundary", f"{PROCESSOR}: boundary('sentence') returned a float64 array of shape (3,)"
                     f"{MONO}"),
        ("flush", f"{PROCESSOR}: flush() returned None{MONO}"),
        ("open raises", f"{PROCESSOR}: open(24000) failed: OSError: no such device"
                        + raised_at('raise OSError("no such device")')),
        ("process raises", f"{PROCESSOR}: process() failed: KeyError: 'gain'"
                           + raised_at('raise KeyError("gain")')),
        ("flush raises", f"{PROCESSOR}: flush() failed: ZeroDivisionError: division by zero"
                         + raised_at('raise ZeroDivisionError("division by zero")')),
        ("open raises bare", f"{PROCESSOR}: open(24000) failed: OSError"
                             + raised_at("raise OSError")),
    ],
)  # fmt: skip
def test_an_audio_processor_that_breaks_the_contract_is_named_with_its_plugin(
    mode: str, message: str
) -> None:
    plugin = _MisshapenAudio()
    plugin.mode = mode
    with pytest.raises(PluginError, match="^" + re.escape(f"plugin 'misshapen': {message}") + "$"):
        chain = AudioChain(host=PluginHost(extra=[plugin]))
        chain.open(24000)
        samples = np.full(2400, 0.1, np.float32)
        chain.process(samples)
        chain.boundary("sentence")
        chain.flush()


class _Splitter:
    """A sentence splitter that answers as ``mode`` says."""

    sonicpipe_name = "splitter"

    def __init__(self, mode: str) -> None:
        self.mode = mode

    @hookimpl(tryfirst=True)
    def sonicpipe_split_sentences(self, text: str) -> object:
        answers = {
            "lines": text.replace(", ", ",\n").splitlines(),
            "str": text,
            "none inside": [text, None],
            "drops": [text.split(",")[0]],
            "empty": [],
        }
        return answers[self.mode]


SPLIT = "plugin 'splitter': sonicpipe_split_sentences "
NOT_SENTENCES = ", not a list of sentences (str)"
HOLD = "; the sentences, joined, hold every non-space character of the paragraph in order"


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("str", f"{SPLIT}returned a str{NOT_SENTENCES}"),
        ("none inside", f"{SPLIT}returned a list holding a NoneType{NOT_SENTENCES}"),
        ("drops", f"{SPLIT}lost the paragraph's text from ', then lunch.'{HOLD}"),
        ("empty", f"{SPLIT}lost the paragraph's text from 'Coffee, then lunch.'{HOLD}"),
    ],
)
def test_a_sentence_splitter_that_loses_text_is_named(mode: str, message: str) -> None:
    chain = TextChain(host=PluginHost(Settings(dictionaries=()), extra=[_Splitter(mode)]))
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        chain.prepare("Coffee, then lunch.")


def test_a_sentence_splitter_of_yours_splits_the_text() -> None:
    chain = TextChain(host=PluginHost(Settings(dictionaries=()), extra=[_Splitter("lines")]))
    assert [s.text for s in chain.prepare("Coffee, then lunch.")] == ["Coffee,", "then lunch."]


NAMED_MODULE = """\
from sonicpipe import hookimpl

sonicpipe_name = "acme"
sonicpipe_options = ("suffix",)


@hookimpl
def sonicpipe_normalize_text(doc, settings):
    doc.text += settings.plugin_options("acme").get("suffix", "")
"""


@pytest.fixture(scope="module")
def named_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plugin installed under the entry point 'acme-tools' that names itself 'acme'."""
    folder = tmp_path_factory.mktemp("named")
    modules, entry_points = {"sonicpipe_acme": NAMED_MODULE}, {"acme-tools": "sonicpipe_acme"}
    project = plugin_project(folder, "sonicpipe-acme", modules, entry_points)
    return pip_install(project, tmp_path_factory.mktemp("named-site"))


@pytest.mark.parametrize("disable", ["acme", "acme-tools"])
def test_an_installed_plugin_that_names_itself_goes_by_that_name(
    named_site: Path, monkeypatch: pytest.MonkeyPatch, disable: str
) -> None:
    """As a configured one does: its options table, ``disable`` and the listing use it."""
    monkeypatch.syspath_prepend(str(named_site))
    settings = Settings(options={"acme": {"suffix": " Over."}}, dictionaries=())
    host = PluginHost(settings)
    infos = {info.name: info for info in host.describe()}
    assert (infos["acme"].source, infos["acme"].version) == (
        "entry point (sonicpipe-acme)",
        "0.1.0",
    )
    assert [s.text for s in TextChain(host=host).prepare("Hello.")] == ["Hello.", "Over."]
    blocked = PluginHost(settings.with_(options={}, disable=(disable,)))
    assert "acme" not in {info.name for info in blocked.describe()}


class _Unmarked:
    """Marks one hook and forgets the other."""

    sonicpipe_name = "forgetful"

    @hookimpl
    def sonicpipe_normalize_text(self, doc: Document) -> None: ...

    def sonicpipe_refine_segment(self, segment: Segment) -> None: ...


def test_a_hook_function_not_marked_as_one_is_an_error_not_ignored() -> None:
    message = (
        "plugin 'forgetful': sonicpipe_refine_segment is not marked @hookimpl, so it would "
        "never be called (from sonicpipe import hookimpl)"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(extra=[_Unmarked()])
    PluginHost(Settings(disable=("forgetful",)), extra=[_Unmarked()])  # disabled: not checked


class _DropsMarks:
    """Strips what it does not know (the mark placeholders too) at one stage."""

    sonicpipe_name = "stripper"

    def __init__(self, stage: str) -> None:
        self.stage = stage

    @hookimpl
    def sonicpipe_clean_text(self, doc: Document) -> None:
        if self.stage == "clean to None":
            doc.text = None  # type: ignore[assignment]

    @hookimpl
    def sonicpipe_normalize_text(self, doc: Document) -> None:
        if self.stage == "normalize":
            doc.text = re.sub(r"[^\w\s.,!?'-]", "", doc.text)
        elif self.stage == "normalize to None":
            doc.text = None  # type: ignore[assignment]

    @hookimpl
    def sonicpipe_refine_segment(self, segment: Segment) -> None:
        if self.stage == "refine":
            segment.text = segment.plain_text
        elif self.stage == "refine to None":
            segment.text = None  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("stage", "markup", "mark"),
    [("normalize", "[break 1s]", "break 1000"), ("refine", "[excited]", "emotion excited")],
)
def test_a_text_hook_that_drops_author_markup_is_named(stage: str, markup: str, mark: str) -> None:
    """Mark placeholders stand for the author's controls: one lost is a control lost."""
    host = PluginHost(Settings(dictionaries=()), extra=[_DropsMarks(stage)])
    hook = "sonicpipe_normalize_text" if stage == "normalize" else "sonicpipe_refine_segment"
    message = (
        f"plugin 'stripper': {hook} dropped the mark of {mark!r} from the text; mark "
        "placeholders must be kept"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        TextChain(host=host).prepare(f"Wait {markup} for it.")


@pytest.mark.parametrize("stage", ["clean", "normalize", "refine"])
def test_a_text_hook_that_leaves_no_text_is_named(stage: str) -> None:
    """Named even when a built-in that runs after it fails on the None first."""
    host = PluginHost(extra=[_DropsMarks(f"{stage} to None")])
    hook = {"clean": "sonicpipe_clean_text", "normalize": "sonicpipe_normalize_text"}
    message = f"plugin 'stripper': {hook.get(stage, 'sonicpipe_refine_segment')} left a NoneType"
    with pytest.raises(PluginError, match="^" + re.escape(message) + " as the text$"):
        TextChain(host=host).prepare("Wait for it.")


class _Marked:
    """Runs first where the built-ins are tryfirst, last where they are trylast."""

    @hookimpl(tryfirst=True)
    def sonicpipe_normalize_text(self, doc: Document) -> None: ...

    @hookimpl(trylast=True)
    def sonicpipe_audio_processor(self) -> None: ...

    @hookimpl(trylast=True)
    def sonicpipe_split_sentences(self) -> None: ...


def test_a_marked_plugin_runs_as_hookspecs_says_beside_the_builtins_with_its_mark() -> None:
    name = f"{__name__}._Marked"
    order = PluginHost(extra=[_Marked()]).hook_order()
    assert order["sonicpipe_normalize_text"] == [name, "pronounce", "normalize"]
    assert order["sonicpipe_audio_processor"] == ["pauses", "resample", "loudness", name]
    assert order["sonicpipe_split_sentences"] == ["segment", name]


@pytest.mark.parametrize(
    ("source", "cause"),
    [
        ("def f(:\n", "SyntaxError: invalid syntax (faulty_module.py, line 1)"),
        ("raise RuntimeError('no licence key')\n", "RuntimeError: no licence key"),
    ],
)
def test_a_plugin_whose_module_fails_to_run_is_named_without_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
    cause: str,
) -> None:
    (tmp_path / "faulty_module.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    message = f"plugin 'faulty_module': cannot import 'faulty_module': {cause}"
    with pytest.raises(PluginError, match="^" + re.escape(f"plugins: {message}") + "$"):
        PluginHost(Settings(plugins=("faulty_module",)))
    assert main(["--plugin", "faulty_module", "plugins"]) == 2
    assert capsys.readouterr().err == f"sonicpipe: error: --plugin: {message}\n"


@pytest.mark.parametrize("reference", ["", ":plugin", "  "])
def test_a_plugin_reference_without_a_module_says_what_one_looks_like(reference: str) -> None:
    message = f"plugins: plugin {reference!r}: expected 'module:object' or a module's name"
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(Settings(plugins=(reference,)))


class _Misnamed:
    """Takes an argument the hook does not pass (``seg``, not ``segment``)."""

    sonicpipe_name = "misnamed"

    @hookimpl
    def sonicpipe_refine_segment(self, seg: Segment, settings: Settings) -> None: ...


class _Async:
    sonicpipe_name = "eager"

    @hookimpl
    async def sonicpipe_refine_segment(self, segment: Segment) -> None: ...


class _Collects:
    """Takes the hook's arguments as **kwargs, which pluggy leaves empty."""

    sonicpipe_name = "collects"

    @hookimpl
    def sonicpipe_refine_segment(self, **kwargs: object) -> None: ...


class _NotAWrapper:
    sonicpipe_name = "wrapper"

    @hookimpl(wrapper=True)
    def sonicpipe_refine_segment(self, segment: Segment) -> None: ...


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (_Misnamed(), "plugin 'misnamed': sonicpipe_refine_segment takes 'seg', which the hook "
         "does not pass (did you mean 'segment'?); it passes segment, settings, by name: take "
         "any of them"),
        (_Async(), "plugin 'eager': sonicpipe_refine_segment is async, but hooks are called "
         "without await (it would never run); make it a plain def"),
        (_Collects(), "plugin 'collects': sonicpipe_refine_segment takes only **kwargs, which "
         "gets nothing: a hook gets the arguments it names (segment, settings)"),
        (_NotAWrapper(), "cannot register plugin 'wrapper': Plugin 'wrapper' for hook "
         "'sonicpipe_refine_segment'; hookimpl definition: sonicpipe_refine_segment(segment: "
         "sonicpipe.model.Segment) -> None; "
         "Declared as wrapper=True or hookwrapper=True but function is not a generator "
         "function"),
    ],
)  # fmt: skip
def test_a_hook_that_cannot_be_called_as_the_spec_says_is_named_in_one_line(
    plugin: object, message: str
) -> None:
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(extra=[plugin])


def test_a_hook_given_as_the_plugin_says_to_give_its_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As an entry point naming 'module:hook' would: a hook is not a plugin."""
    (tmp_path / "hook_module.py").write_text(
        "from sonicpipe import hookimpl\n\n\n"
        "@hookimpl\n"
        "def sonicpipe_refine_segment(segment):\n"
        "    segment.text = segment.text.upper()\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    message = (
        "plugins: plugin 'hook_module:sonicpipe_refine_segment': implements no sonicpipe hook; a "
        "plugin is a module or an object with functions marked @hookimpl; "
        "sonicpipe_refine_segment is a hook: register the module that holds it ('hook_module')"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(Settings(plugins=("hook_module:sonicpipe_refine_segment",)))
    assert "hook_module" in {
        i.name for i in PluginHost(Settings(plugins=("hook_module",))).describe()
    }


def test_a_module_whose_plugin_is_a_class_says_to_register_an_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "classy_plugin.py").write_text(
        "from sonicpipe import hookimpl\n\n\n"
        "class Shout:\n"
        "    @hookimpl\n"
        "    def sonicpipe_refine_segment(self, segment):\n"
        "        segment.text = segment.text.upper()\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    message = (
        "plugins: plugin 'classy_plugin': implements no sonicpipe hook; a plugin is a module or "
        "an object with functions marked @hookimpl; its class Shout has hooks, which are called "
        "on an instance: register one (e.g. plugin = Shout() in classy_plugin, then "
        "'classy_plugin:plugin')"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(Settings(plugins=("classy_plugin",)))


class _Returns:
    """Returns what a hook does not return: a new text, or an object without the methods its
    caller calls."""

    sonicpipe_name = "returns"

    def __init__(self, hook: str) -> None:
        self.hook = hook

    @hookimpl
    def sonicpipe_normalize_text(self, doc: Document) -> str | None:
        return doc.text.upper() if self.hook == "normalize" else None

    @hookimpl
    def sonicpipe_refine_segment(self, segment: Segment) -> str | None:
        return segment.text.upper() if self.hook == "refine" else None

    @hookimpl
    def sonicpipe_sentence_stream(self) -> object:
        return 42 if self.hook == "stream" else None

    @hookimpl(tryfirst=True)
    def sonicpipe_audio_writer(self) -> object:
        return "out.wav" if self.hook == "writer" else None


@pytest.mark.parametrize(
    ("hook", "message"),
    [
        ("normalize", "sonicpipe_normalize_text returned a str; it changes doc.text in place "
         "and returns None"),
        ("refine", "sonicpipe_refine_segment returned a str; it changes segment.text in place "
         "and returns None"),
    ],
)  # fmt: skip
def test_a_text_hook_that_returns_its_text_instead_of_setting_it_is_named(
    hook: str, message: str
) -> None:
    chain = TextChain(host=PluginHost(extra=[_Returns(hook)]))
    with pytest.raises(PluginError, match="^" + re.escape(f"plugin 'returns': {message}") + "$"):
        chain.prepare("Hello there.")


def test_a_sentence_stream_or_writer_without_its_methods_is_named(tmp_path: Path) -> None:
    message = (
        "plugin 'returns': sonicpipe_sentence_stream returned an int, not a sentence stream "
        "(with feed and flush)"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(extra=[_Returns("stream")])  # made once when the host loads
    host = PluginHost(extra=[_Returns("writer")])
    message = (
        "plugin 'returns': sonicpipe_audio_writer returned a str, not a writer (with write, "
        "chapter and close)"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        open_writer(tmp_path / "out.wav", 24000, host=host)
    assert not list(tmp_path.iterdir())


class _Impostor:
    """Names itself like a built-in."""

    sonicpipe_name = "normalize"

    @hookimpl
    def sonicpipe_refine_segment(self, segment: Segment) -> None:
        segment.text = segment.text.upper()


def test_a_plugin_that_names_itself_like_another_is_refused() -> None:
    """It ran as 'normalize#2', while [options.normalize] and disable went to the built-in."""
    message = (
        f"plugin 'normalize' ({__name__}): the name is taken by another plugin (entry point "
        "(sonicpipe)), whose [options.normalize] and disable it would share; give it another "
        "sonicpipe_name"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(extra=[_Impostor()])
    host = PluginHost(extra=[_Named(), Shouter(), Shouter()])  # undeclared names are numbered
    assert {"echo", f"{__name__}.Shouter#2"} <= {info.name for info in host.describe()}


@pytest.mark.parametrize(
    ("reference", "named", "folder"),
    [
        ("./my_plugin.py", "my_plugin", "."),
        ("plugins/my_plugin.py:PLUGIN", "my_plugin:PLUGIN", "plugins"),
        ("my_plugin.py", "my_plugin", "."),
    ],
)
def test_a_plugin_given_as_a_file_says_to_give_its_module(
    reference: str, named: str, folder: str
) -> None:
    message = (
        f"plugins: plugin {reference!r}: expected a module's name, not a file: {named!r}, with its "
        f"folder on the Python path (PYTHONPATH={folder})"
    )
    with pytest.raises(PluginError, match="^" + re.escape(message) + "$"):
        PluginHost(Settings(plugins=(reference,)))


def test_a_plugin_in_the_current_folder_but_not_on_the_path_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command's folder is not on its path, as the interpreter's is for python -c."""
    (tmp_path / "folder_plugin.py").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--plugin", "folder_plugin", "plugins"]) == 2
    assert capsys.readouterr().err == (
        "sonicpipe: error: --plugin: plugin 'folder_plugin': cannot import 'folder_plugin': No "
        "module named 'folder_plugin' (it is in the current folder, which is not on the Python "
        "path: PYTHONPATH=.)\n"
    )


def test_plugins_lists_the_others_when_an_installed_one_cannot_load(
    broken_site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The listing is where one looks when a plugin is broken; it stopped at the first."""
    monkeypatch.syspath_prepend(str(broken_site))
    assert main(["plugins", "--disable", "brokenattr"]) == 2
    out, err = capsys.readouterr()
    assert "normalize 0.1.0  [entry point (sonicpipe)]" in out
    assert out.endswith("\ndisabled: brokenattr\n")  # the user's, not the broken ones
    errors = err.splitlines()
    assert [line.split("'")[1] for line in errors] == ["brokenimport", "brokensig"]
    assert all(line.startswith("sonicpipe: error: installed plugin '") for line in errors)
    assert main(["plugins", "--json", "--disable", "brokenattr"]) == 2
    listing = json.loads(capsys.readouterr().out)
    assert sorted(listing["broken"]) == ["brokenimport", "brokensig"]
    assert "leave it out with disable = ['brokensig']" in listing["broken"]["brokensig"]
    assert {"normalize", "segment"} <= {plugin["name"] for plugin in listing["plugins"]}
    every = [arg for name in sorted(BROKEN_ENTRY_POINTS) for arg in ("--disable", name)]
    assert main(["plugins", *every]) == 0
    assert not capsys.readouterr().err
