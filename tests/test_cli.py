"""The ``sonicpipe`` command as a user runs it: messages, exit statuses, input and output."""

from __future__ import annotations

import argparse
import os
import pty
import select
import shlex
import signal
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from sonicpipe.cli import _commands, build_parser, main, settings_of

KNOWN_MODELS = (
    "sonic-3, sonic-3.5, sonic-2, sonic-turbo, sonic-latest, each also with a snapshot date "
    "(sonic-3-2026-01-12)"
)


def run(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``sonicpipe ARGS`` in a fresh interpreter, without an API key; output as text."""
    env = {k: v for k, v in os.environ.items() if k != "CARTESIA_API_KEY"}
    done = subprocess.run([sys.executable, "-m", "sonicpipe.cli", *args], input=stdin,
                          capture_output=True, env=env, cwd=cwd, timeout=120)  # fmt: skip
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode()
    )


@pytest.mark.parametrize("command", ["text", "render"])
def test_an_input_that_cannot_be_read_is_one_line_naming_it(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.txt"
    assert main([command, str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"sonicpipe: error: {missing}: cannot read: No such file or directory\n"
    )
    assert main([command, str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"sonicpipe: error: {tmp_path}: cannot read: Is a directory\n"
    assert list(tmp_path.iterdir()) == []


def test_standard_input_must_be_utf8_as_a_file_must() -> None:
    """Latin-1 bytes on standard input were read with escapes and sent as text."""
    done = run("text", "-", stdin="Un café.".encode("latin-1"))
    assert done.returncode == 2
    assert done.stderr == (
        "sonicpipe: error: <stdin>: not UTF-8 text (byte 6: invalid continuation byte); "
        "save it as UTF-8\n"
    )
    assert done.stdout == ""
    assert run("text", "-", stdin="Un café.".encode()).stdout == "[0.0] Un café.\n"


@pytest.mark.parametrize("command", [["text", "--json"], ["text"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(
    command: list[str], tmp_path: Path
) -> None:
    """`sonicpipe text book.txt | head` printed '[Errno 32] Broken pipe' and exited 2."""
    book = tmp_path / "book.txt"
    book.write_text("The rabbit ran down the long hole in the ground. " * 4000)
    env = {k: v for k, v in os.environ.items() if k != "CARTESIA_API_KEY"}
    proc = subprocess.Popen([sys.executable, "-m", "sonicpipe.cli", *command, str(book)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()  # far more output is owed than a pipe holds
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == ""


def test_a_logged_warning_reads_as_the_command_s_own_warnings() -> None:
    """The unknown model's warning was a bare line that did not say it came from sonicpipe."""
    done = run("text", "-", "--model", "sonic-9", stdin=b"Hello there.")
    assert done.returncode == 0
    assert done.stderr == (
        f"sonicpipe: warning: model 'sonic-9' is not one sonicpipe knows ({KNOWN_MODELS}); it is "
        "sent as is\n"
    )
    assert done.stdout == "[0.0] Hello there.\n"


def help_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main([*argv, "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out


def test_every_command_s_help_says_what_it_does_and_states_its_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A command's help had no description (only the summary in the list of commands), and
    defaults such as serve's 16 contexts went unsaid."""
    commands = _commands(build_parser())
    assert len(commands) == 7
    for command in commands:
        argv = command.prog.split()[1:]
        assert command.description, argv
        page = help_of(argv, capsys)
        assert page.split("\n\n", 1)[1].startswith(command.description), argv  # after usage
        for action in command._actions:
            if action.default in (None, False, argparse.SUPPRESS) or action.dest == "help":
                continue
            default = action.default
            said = f"{default:g}" if isinstance(default, int | float) else str(default)
            assert said in " ".join(action.help.split()), (argv, action.dest)


def test_the_settings_options_say_what_they_take_and_only_where_they_are_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """They read --config CONFIG, --plugin PLUGIN and --disable DISABLE."""
    page = help_of(["plugins"], capsys)
    for option in ("--config FILE", "--plugin MODULE:OBJECT", "--disable NAME"):
        assert option in page
    assert "--dictionary NAME|FILE" in help_of(["text"], capsys)
    phonemes = help_of(["phonemes"], capsys)
    assert "--config FILE" in phonemes
    assert "--plugin" not in phonemes
    assert "--disable" not in phonemes
    assert "--config" not in help_of(["serve"], capsys)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["render", "in.txt", "--captins"], "render: error: unrecognized arguments: --captins "
         "(did you mean --captions?)"),
        (["book", "render", "b.txt", "--head-tones=1"], "book render: error: unrecognized "
         "arguments: --head-tones=1 (did you mean --head-tone?)"),
        (["text", "in.txt", "--plugn", "m"], "text: error: unrecognized arguments: --plugn m "
         "(did you mean --plugin?)"),
        (["plugins", "extra"], "plugins: error: unrecognized arguments: extra"),
        # A prefix of an option is a typo too, not that option: "--por 5" once served on 5.
        (["serve", "--por", "5"], "serve: error: unrecognized arguments: --por 5 "
         "(did you mean --port?)"),
        (["book", "render", "b.txt", "--para", "2"], "book render: error: unrecognized "
         "arguments: --para 2 (did you mean --parallel?)"),
    ],
)  # fmt: skip
def test_a_misspelt_option_is_refused_under_its_command_with_the_one_it_likely_meant(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse named no option, under the top-level usage."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    usage, error = capsys.readouterr().err.rstrip("\n").rsplit("\n", 1)
    prog = "sonicpipe " + said.partition(":")[0]
    assert usage.startswith(f"usage: {prog} ")
    assert error == f"sonicpipe {said}"


def test_the_help_s_examples_run_as_pasted() -> None:
    """Each example line parses as the command line it is, its comment after a '#': the
    comments were set off by spaces alone ('sonicpipe render notes.txt   notes.wav, local
    voice' was refused: unrecognized arguments)."""
    parser = build_parser()
    pages = [parser.epilog or "", *(command.epilog or "" for command in _commands(parser))]
    lines = [line.split(" #")[0] for page in pages for line in page.splitlines()]
    runs = [part for line in lines for part in line.split("|") if "sonicpipe " in part]
    assert len(runs) >= 10
    for run_ in runs:
        words = shlex.split(run_)
        words = words[words.index("sonicpipe") + 1 :]
        if "COMMAND" not in words:
            build_parser().parse_args(words)  # exits on a word it does not take


def test_the_help_s_echo_examples_reach_the_command_as_written() -> None:
    """'echo "Dr. Smith paid $1.2M."' gave the shell $1 to expand: 'Dr. Smith paid .2M.'."""
    lines = [
        line.strip()
        for command in _commands(build_parser())
        for line in (command.epilog or "").splitlines()
        if line.strip().startswith("echo ")
    ]
    assert lines
    for line in lines:
        echo = line.partition(" | ")[0]
        said = subprocess.run(["sh", "-c", echo], capture_output=True, text=True, check=True)
        assert said.stdout == shlex.split(echo)[1] + "\n", line


@pytest.mark.parametrize("argv", [[], ["audio"], ["book"]])
def test_a_missing_command_is_named_command(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """It read 'the following arguments are required: audio_command'."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    usage, said = capsys.readouterr().err.rstrip("\n").rsplit("\n", 1)
    prog = " ".join(["sonicpipe", *argv])
    assert usage.startswith(f"usage: {prog} ")
    assert said == f"{prog}: error: the following arguments are required: COMMAND"


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"sonicpipe {version('sonicpipe')}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["text", "-", "--model", ""], f"model: unknown model ''; valid: {KNOWN_MODELS}"),
        (["book", "render", "book.txt", "--voice", ""], "voice: expected a non-empty voice id"),
    ],
)
def test_an_empty_model_or_voice_is_refused(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty --model or --voice was taken as not given: the settings' spoke instead."""
    assert main(argv) == 2
    assert capsys.readouterr().err == f"sonicpipe: error: {message}\n"


@pytest.mark.parametrize("command", [["render"], ["book", "render"]])
def test_render_and_book_render_take_a_voice(command: list[str], tmp_path: Path) -> None:
    """Only book render took --voice: render's voice could come from a settings file alone."""
    config = tmp_path / "sonicpipe.toml"
    config.write_text('voice = "from-the-file"\nmodel = "sonic-2"\n')
    args = build_parser().parse_args([*command, "in.txt", "-c", str(config), "--voice", "v-1"])
    settings = settings_of(args)
    assert (settings.voice, settings.model) == ("v-1", "sonic-2")


def on_a_terminal(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, bytes]:
    """Run ``sonicpipe ARGV`` with a terminal for its output: its status and what it showed."""
    main_end, term_end = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "sonicpipe.cli", *argv], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=term_end, stderr=term_end)  # fmt: skip
    os.close(term_end)
    shown = b""
    while True:  # read as it comes: a terminal holds little
        if select.select([main_end], [], [], 120)[0]:
            try:
                chunk = os.read(main_end, 65536)
            except OSError:  # the program ended and closed the terminal
                chunk = b""
            if chunk:
                shown += chunk
                continue
        break
    os.close(main_end)
    return proc.wait(timeout=120), shown


def test_book_render_on_a_dumb_terminal_logs_lines_without_cursor_moves(tmp_path: Path) -> None:
    """TERM=dumb (an editor's shell) got the live bars' escape codes."""
    (tmp_path / "book.txt").write_text("CHAPTER I\n\nThe rabbit ran down the long hole.\n")
    env = {k: v for k, v in os.environ.items() if k != "CARTESIA_API_KEY"}
    argv = ["book", "render", "book.txt", "-o", "out", "--engine", "espeak", "--format", "wav"]
    status, shown = on_a_terminal(argv, {**env, "TERM": "dumb"}, tmp_path)
    assert status == 0, shown
    assert b"\x1b" not in shown
    assert b"done 1/1: CHAPTER I" in shown
    status, shown = on_a_terminal(argv, {**env, "TERM": "xterm"}, tmp_path)
    assert status == 0 and b"\x1b[" in shown, "live bars on a real terminal"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["book", "render", "-"], "-: a book is read from a file (.txt, .md or .epub), not "
                                  "from standard input"),
    ],
)  # fmt: skip
def test_a_dash_where_standard_input_is_not_taken_says_so(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It read "cannot read 'a file without a suffix' books"."""
    (tmp_path / "in.txt").write_text("Hello there.")
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert capsys.readouterr().err == f"sonicpipe: error: {message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]


def test_a_closed_standard_input_is_an_error_not_a_traceback() -> None:
    done = subprocess.run([sys.executable, "-m", "sonicpipe.cli", "text", "-"], text=True,
                          capture_output=True, preexec_fn=lambda: os.close(0))  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == "sonicpipe: error: <stdin>: cannot read: standard input is closed\n"


@pytest.mark.parametrize("command", [["plugins", "--json"], ["text", "in.txt"]])
def test_a_closed_standard_output_is_not_a_traceback(command: list[str], tmp_path: Path) -> None:
    """'sonicpipe plugins --json >&-' was an AttributeError traceback."""
    (tmp_path / "in.txt").write_text("Hello there.")
    done = subprocess.run([sys.executable, "-m", "sonicpipe.cli", *command], text=True,
                          stderr=subprocess.PIPE, cwd=tmp_path,
                          preexec_fn=lambda: os.close(1))  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")


def test_an_epub_given_as_a_text_says_to_render_it_as_a_book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "novel.epub"
    book.write_bytes(b"PK\x03\x04" + bytes(range(256)))  # a zip: no UTF-8 text
    for command in ("text", "render"):
        assert main([command, str(book)]) == 2
        assert capsys.readouterr().err == (
            f"sonicpipe: error: {book}: an EPUB book; render it with sonicpipe book render\n"
        )


def test_main_in_process_gives_ctrl_c_back_after_an_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A real SIGINT, raised while the text hooks run, as a user's Ctrl-C would arrive.
    (tmp_path / "ctrl_c_plugin.py").write_text(
        "import signal\n"
        "from sonicpipe import hookimpl\n"
        "@hookimpl\n"
        "def sonicpipe_normalize_text(doc):\n"
        "    signal.raise_signal(signal.SIGINT)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    text = tmp_path / "in.txt"
    text.write_text("Hello there.")
    assert main(["--plugin", "ctrl_c_plugin", "text", str(text)]) == 130
    assert capsys.readouterr().err == "sonicpipe: interrupted\n"
    # The command's own process ignores a second Ctrl-C while it winds down; a program that
    # called main() keeps its own handler.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
