"""The scripts in examples/ and the README's examples run as documented, offline, and do what
they say."""

from __future__ import annotations

import argparse
import ast
import os
import re
import runpy
import shlex
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import soundfile

from sonicpipe import ConfigError, PluginError, PluginHost, TextChain
from sonicpipe.audio.chain import AudioChain
from sonicpipe.cli import build_parser
from sonicpipe.config import _TABLES, Settings
from sonicpipe.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
README = (REPO / "README.md").read_text(encoding="utf-8")


def run_example(name: str, *args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_turn_stream_writes_the_whole_answer(tmp_path: Path) -> None:
    out = run_example("turn_stream.py", tmp_path / "answer.wav", cwd=tmp_path)
    assert out == f"wrote {tmp_path / 'answer.wav'}\n"
    # The same answer rendered in one go by the same voice: as long, give or take a little
    # (the last sentence alone is an eighth of it).
    example = runpy.run_path(str(EXAMPLES / "turn_stream.py"))  # its ANSWER, not run as main
    with Pipeline() as pipe:
        pipe.render(example["ANSWER"], tmp_path / "whole.wav")
    whole = soundfile.info(tmp_path / "whole.wav").duration
    assert 6.0 < whole < 40.0  # four sentences, about 30 words, numbers read out in full
    assert soundfile.info(tmp_path / "answer.wav").duration == pytest.approx(whole, rel=0.05)


def test_render_book_renders_then_resumes_with_nothing_to_do(tmp_path: Path) -> None:
    book = tmp_path / "tiny.md"
    book.write_text(
        "# Tiny Book\n\n## The Start\n\nHello there. This is the first chapter.\n\n"
        "## The End\n\nAnd this is the second one.\n",
        encoding="utf-8",
    )
    args = (book, tmp_path / "out", "--format", "mp3", "--engine", "espeak")
    files = ", ".join(f"{chapter}{suffix}" for chapter in ("01 The Start", "02 The End")
                      for suffix in (".mp3", ".srt", ".vtt"))  # fmt: skip
    first = run_example("render_book.py", *args, cwd=tmp_path)
    assert first == (
        "this run synthesized 4 paragraphs\n  The Start: 3/3 sentences\n"
        f"  The End: 2/2 sentences\nfiles: {files}\n"
    )
    assert sorted(p.name for p in (tmp_path / "out").glob("*.mp3")) == [
        "01 The Start.mp3",
        "02 The End.mp3",
    ]
    # The preset sets the level at assembly: the cached paragraphs serve without one too.
    again = run_example("render_book.py", *args, "--preset", "none", cwd=tmp_path)
    assert again == first.replace("synthesized 4", "synthesized 0")


def readme_blocks(language: str) -> list[str]:
    """The README's fenced code blocks in ``language``, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.MULTILINE | re.DOTALL)


def readme_block(language: str, first_line: str) -> str:
    """The README's one ``language`` block that starts with ``first_line``."""
    (block,) = [b for b in readme_blocks(language) if b.startswith(first_line)]
    return block


def test_readme_settings_example_names_every_setting_and_is_valid(tmp_path: Path) -> None:
    example = readme_block("toml", "model = ")
    named = set(re.findall(r"^#?\s*(\w+) = ", example, flags=re.MULTILINE))
    named |= set(re.findall(r"; (\w+) = ", example))  # "...; url = ..." in a comment
    named |= set(re.findall(r"^\[(\w+)", example, flags=re.MULTILINE))  # [controls], [options.x]
    settings = {f for f in Settings.__dataclass_fields__ if f not in ("base_dir", "source")}
    tables = {key for _, keys in _TABLES.values() for key in keys}
    assert not (settings | tables) - named  # a setting the README does not show
    path = tmp_path / "sonicpipe.toml"
    path.write_text(example, encoding="utf-8")
    loaded = Settings.load(path)  # every value in it is valid
    assert loaded.controls.volume == 1.0
    assert loaded.plugin_options("loudness") == {"preset": "podcast"}


def test_readme_settings_example_runs_without_the_files_it_names_as_yours(tmp_path: Path) -> None:
    """As the README says: the plugin it names as yours is an error until you have it."""
    example = readme_block("toml", "model = ")
    path = tmp_path / "sonicpipe.toml"
    path.write_text(example, encoding="utf-8")
    with pytest.raises(PluginError, match=re.escape("cannot import 'mypackage.plugin'")):
        TextChain(Settings.load(path))
    yours = ("dictionaries = ", "plugins = ")
    kept = [line for line in example.splitlines() if not line.startswith(yours)]
    path.write_text("\n".join(kept), encoding="utf-8")
    [segment] = TextChain(Settings.load(path)).prepare("Hello there.")
    assert segment.text == "Hello there."


def test_readme_text_side_example_prints_each_segment_as_sent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    exec(readme_block("python", "from sonicpipe import TextChain"), {})
    [printed] = capsys.readouterr().out.splitlines()  # one sentence, one segment
    assert ast.literal_eval(printed) == {
        "transcript": "It costs five dollars and twenty cents, see example dot com slash docs."
    }


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The commands directly under ``parser`` (none for a command itself)."""
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_readme_command_lines_use_only_commands_and_options_that_exist() -> None:
    lines = [
        line.split(" #")[0]
        for block in readme_blocks("sh")
        for line in block.splitlines()
        if "sonicpipe " in line
    ]
    assert len(lines) >= 12  # the command line, the books and the server
    for line in lines:
        words = [w.strip("[]") for w in shlex.split(line.replace("|", " "))]
        parser = build_parser()
        for word in words[words.index("sonicpipe") + 1 :]:
            if word in _subcommands(parser):
                parser = _subcommands(parser)[word]
            elif word.startswith("-") and word != "-":
                assert word in set(parser._option_string_actions), line
        assert not _subcommands(parser), line  # a whole command, not a group


CENSOR = EXAMPLES / "censor-plugin" / "sonicpipe_censor.py"


def test_readme_plugin_snippet_is_the_censor_example() -> None:
    """The README shows the example's whole code, without its module docstring."""
    source = CENSOR.read_text(encoding="utf-8")
    after_docstring = source.split("\n")[ast.parse(source).body[0].end_lineno or 0 :]
    snippet = readme_block("python", "# sonicpipe_censor.py")
    assert snippet == "# sonicpipe_censor.py\n" + "\n".join(after_docstring).lstrip("\n")


def run_censor(tmp_path: Path, words: str) -> subprocess.CompletedProcess[str]:
    """``sonicpipe text`` on a line with the README's plugin and ``words = <words>``."""
    module = readme_block("python", "# sonicpipe_censor.py")
    (tmp_path / "sonicpipe_censor.py").write_text(module, encoding="utf-8")
    config = tmp_path / "sonicpipe.toml"
    config.write_text(
        f'plugins = ["sonicpipe_censor"]\n[options.censor]\nwords = {words}\n', encoding="utf-8"
    )
    return subprocess.run(
        [sys.executable, "-m", "sonicpipe.cli", "-c", str(config), "text", "-"],
        input="Well, darn it, heck.", capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )  # fmt: skip


def test_readme_plugin_snippet_runs_as_described(tmp_path: Path) -> None:
    done = run_censor(tmp_path, '["HECK"]')
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[0.0] Well, darn it, bleep."


def test_readme_plugin_snippet_refuses_words_that_are_not_a_list_of_words(tmp_path: Path) -> None:
    done = run_censor(tmp_path, '"heck"')
    assert done.returncode != 0 and not done.stdout
    assert done.stderr.strip() == (
        f"sonicpipe: error: {tmp_path / 'sonicpipe.toml'}: options.censor.words: expected a "
        "non-empty list of words, got 'heck'"
    )


@pytest.mark.parametrize("words", [[], [""], ["darn", " "], ["darn", 3], "heck", None])
def test_the_censor_example_checks_its_words(
    monkeypatch: pytest.MonkeyPatch, words: object
) -> None:
    monkeypatch.syspath_prepend(str(CENSOR.parent))
    settings = Settings(plugins=("sonicpipe_censor",), options={"censor": {"words": words}})
    with pytest.raises(ConfigError) as err:
        TextChain(settings.with_(dictionaries=())).prepare("Well, darn it.")
    assert str(err.value) == (
        f"options.censor.words: expected a non-empty list of words, got {words!r}"
    )


def test_readme_audio_processor_snippet_scales_the_audio_where_the_readme_says() -> None:
    gain = types.ModuleType("sonicpipe_gain")
    exec(readme_block("python", "# sonicpipe_gain.py"), gain.__dict__)
    settings = Settings(options={"gain": {"factor": 0.5}})
    host = PluginHost(settings, extra=[gain])
    order = host.hook_order()["sonicpipe_audio_processor"]
    assert order == ["pauses", "gain", "resample", "loudness"]  # after pauses, before resample
    assert host.describe()[-1].options == ["factor"]
    tone = (0.4 * np.sin(np.arange(2400) / 5)).astype(np.float32)
    out, rate = AudioChain(settings, host).run(tone, 24000)  # the built-ins have no options
    assert rate == 24000
    np.testing.assert_array_equal(out, tone * np.float32(0.5))
    assert out.dtype == np.float32
    alone, _ = AudioChain(Settings(), PluginHost(extra=[gain])).run(tone, 24000)
    np.testing.assert_array_equal(alone, tone)  # without [options.gain] it stays out
    with pytest.raises(ConfigError, match=r"^options\.gain\.factor: expected a number from 0 to 4"):
        PluginHost(Settings(options={"gain": {"factor": "loud"}}), extra=[gain])
