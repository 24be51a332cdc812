"""The ``sonicpipe`` command."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sonicpipe import __version__
from sonicpipe.audio.command import add_audio_parser
from sonicpipe.book.command import add_book_parser
from sonicpipe.config import ConfigError, Settings
from sonicpipe.controls import (
    ControlError,
    check_emotion,
    check_speed,
    check_volume,
    in_force_after,
)
from sonicpipe.dictionaries import names_a_file
from sonicpipe.phonemes import cmd_phonemes
from sonicpipe.plugins import InstalledPluginError, PluginError, PluginHost, check_references
from sonicpipe.server.command import add_serve_parser
from sonicpipe.server.engines import ENGINES
from sonicpipe.sonic.client import SonicError
from sonicpipe.text import TextChain

if TYPE_CHECKING:
    import numpy as np

DESCRIPTION = "Text to speech with Cartesia Sonic (or a local voice), from text to audio files."
EPILOG = """\
examples:
  sonicpipe text notes.md --json          # the segments as they would be sent
  sonicpipe render notes.md -o notes.mp3  # text to an audio file
  sonicpipe book render alice.epub --format mp3 --preset acx
  sonicpipe serve --engine espeak         # a local Sonic-compatible server
  sonicpipe COMMAND --help                # a command's options

Sonic speaks when an API key is set (CARTESIA_API_KEY, or api_key in the settings
file); without one, the local voice does, offline.

exit status: 0 done; 1 a check failed (audio measure) or sentences went missing
(book render); 2 bad usage or input; 130 interrupted (143: SIGTERM; serve, which runs
until stopped, ends with 0); 141 the reader of the output went away"""
MODEL_HELP = "Sonic model id: sonic-3, sonic-3.5, sonic-2, sonic-turbo, sonic-latest or a dated "
MODEL_HELP += "snapshot (default from the settings, else sonic-3)"
VOICE_HELP = "Sonic voice id (default from the settings; the local voice speaks any id alike)"
ENGINE_HELP = "the local voice, used without an API key (default: piper when the local extra "
ENGINE_HELP += "is installed, else espeak)"
# Errors that are the user's to fix: printed as one line, exit status 2.
USER_ERRORS: tuple[type[Exception], ...] = (ConfigError, ControlError, PluginError, ValueError,
                                            OSError, SonicError)  # fmt: skip
# The options of settings; a command that reads fewer says which with set_defaults(takes=...).
SETTINGS_OPTIONS = ("config", "plugin", "disable")


def settings_of(args: argparse.Namespace) -> Settings:
    """Settings from ``--config`` with the command line's model, voice, dictionaries, plugins
    and disabled plugins on top (those the command takes). A bad ``--plugin`` is an error
    naming that option, not the settings file."""
    settings = Settings.load(args.config) if args.config else Settings()
    changes: dict[str, object] = {}
    for name in ("model", "voice"):
        if (value := getattr(args, name, None)) is not None:  # "" is an error, not unset
            changes[name] = value
    controls = {name: getattr(args, name, None) for name in CONTROL_OPTIONS}
    if given := {name: value for name, value in controls.items() if value is not None}:
        changes["controls"] = replace(settings.controls, **given)
    if dictionaries := getattr(args, "dictionary", None):
        changes["dictionaries"] = (*settings.dictionaries, *map(_dictionary_file, dictionaries))
    for option, name in (("plugin", "plugins"), ("disable", "disable")):
        if added := getattr(args, option, None):
            changes[name] = (*getattr(settings, name), *added)
    if args.plugin:
        check_references(args.plugin, "--plugin")
    return settings.with_(**changes) if changes else settings


def _control(check: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a control's check: its error is the option's."""

    def parse(text: str) -> object:
        try:
            return check(text)
        except ControlError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


CONTROL_OPTIONS = {
    "speed": (check_speed, "RATIO", "speaking speed for the whole text, 0.6 to 1.5"),
    "volume": (check_volume, "RATIO", "volume for the whole text, 0.5 to 2.0"),
    "emotion": (check_emotion, "NAME", "emotion for the whole text (an unknown one lists the"
                " valid ones); markup in the text changes it from there on"),
}  # fmt: skip


def add_control_options(parser: argparse.ArgumentParser) -> None:
    """``--speed``, ``--volume`` and ``--emotion``: the settings' ``[controls]`` defaults."""
    for name, (check, metavar, help) in CONTROL_OPTIONS.items():
        parser.add_argument(f"--{name}", type=_control(check), metavar=metavar,
                            help=f"{help} (default from the settings' [controls])")  # fmt: skip


def add_dictionary_option(parser: argparse.ArgumentParser) -> None:
    """``--dictionary``, for the commands whose text goes through the pronunciation hooks."""
    parser.add_argument(
        "--dictionary",
        action="append",
        metavar="NAME|FILE",
        help="an extra pronunciation dictionary: a shipped name or a file (from the current "
        "folder); may be repeated",
    )


def _dictionary_file(name: str) -> str:
    """A ``--dictionary``: a shipped name as given, a file as an absolute path (found from the
    current folder, not the settings file's); a missing file is an error naming the option."""
    if not names_a_file(name):
        return name
    path = Path(name).absolute()
    if not path.is_file():
        problem = "a folder, not a dictionary file" if path.is_dir() else "no such file"
        raise ValueError(f"--dictionary: {name}: {problem}")
    return str(path)


def _read_input(name: str) -> tuple[str, str]:
    """The text of a file, or of standard input for ``-``, and its name for messages; both
    must be UTF-8, and a file that cannot be read is an error naming it."""
    source = "<stdin>" if name == "-" else name
    if name == "-" and sys.stdin is None:
        raise OSError("<stdin>: cannot read: standard input is closed")
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        return data.decode("utf-8"), source
    except OSError as exc:
        raise OSError(f"{source}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        if source.lower().endswith(".epub"):
            book = "an EPUB book; render it with sonicpipe book render"
            raise ValueError(f"{source}: {book}") from None
        raise ValueError(
            f"{source}: not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8"
        ) from None


def cmd_text(args: argparse.Namespace) -> int:
    """Print the segments of a text exactly as they would be sent."""
    settings = settings_of(args)
    chain = TextChain(settings)
    text, source = _read_input(args.input)
    segments = chain.prepare(text, source=source)
    rows = []
    in_force = settings.controls  # a control holds from its mark on, as on one context
    for segment in segments:
        rendered = chain.render(segment, in_force)
        in_force = in_force_after(segment, in_force)
        rows.append({"index": segment.index, "paragraph": segment.paragraph,
                     **rendered.to_dict(), "notes": segment.notes})  # fmt: skip
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for row in rows:
        controls = {k: v for k, v in row.items() if k in ("generation_config", "voice")}
        extra = f"  {json.dumps(controls, ensure_ascii=False)}" if controls else ""
        print(f"[{row['paragraph']}.{row['index']}] {row['transcript']}{extra}")
        for note in row["notes"]:
            print(f"    note: {note}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    """Render a text file to audio (the local voice unless an API key is configured)."""
    from sonicpipe.captions import caption_paths
    from sonicpipe.pipeline import Pipeline

    if args.output == "-" and args.captions:
        raise ValueError("--captions: captions are files; give -o a file name, not -")
    text, source = _read_input(args.input)
    if args.output == "-":
        with Pipeline(settings_of(args), engine=args.engine) as pipe:
            if not _wav_to_stdout(pipe.stream(text, source=source), pipe.output_rate):
                raise ValueError(f"{source}: nothing to speak (the text has no words)")
        return 0
    output = Path(args.output or Path(source if source != "<stdin>" else "speech").stem + ".wav")
    overwritten = {p.resolve() for p in caption_paths(output)} if args.captions else set()
    if source != "<stdin>" and Path(source).resolve() in overwritten:
        raise ValueError(f"--captions: they would overwrite {source}, the text; give -o "
                         "another name")  # fmt: skip
    with Pipeline(settings_of(args), engine=args.engine, timestamps=args.captions) as pipe:
        pipe.render(text, output, source=source, captions=args.captions)
    if args.captions:
        srt, vtt = caption_paths(output)
        print(f"wrote {output}, {srt} and {vtt}")
    else:
        print(f"wrote {output}")
    return 0


def _wav_to_stdout(chunks: Iterable[np.ndarray], sample_rate: int) -> bool:
    """A 16-bit WAV stream on standard output, chunk by chunk as the audio comes (to a player:
    ``| ffplay -``, ``| aplay``); the header goes with the first chunk, so that an error before
    any audio writes nothing. Returns whether any audio came."""
    from sonicpipe import pcm
    from sonicpipe.audio.writers import streaming_wav_header

    out = sys.stdout.buffer
    header = streaming_wav_header(sample_rate)
    for chunk in chunks:
        out.write(header + pcm.encode(chunk, "pcm_s16le"))
        out.flush()
        header = b""
    return not header


def cmd_plugins(args: argparse.Namespace) -> int:
    """List plugins, their versions, origins, hooks and options, and each hook's call order."""
    settings = settings_of(args)
    broken: dict[str, str] = {}  # installed plugins that cannot load: listed without them
    while True:
        try:
            host = PluginHost(settings.with_(disable=(*settings.disable, *broken)))
            break
        except InstalledPluginError as exc:
            if exc.name in broken:  # cannot be: a disabled one is not loaded (no endless loop)
                raise
            broken[exc.name] = str(exc)
    infos = host.describe()
    order = host.hook_order()
    disabled = sorted(set(settings.disable))  # each names a plugin (else an error)
    status = 2 if broken else 0
    if args.json:
        data = {"plugins": [vars(i) for i in infos], "hook_order": order, "disabled": disabled,
                "broken": broken}  # fmt: skip
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        _say_broken(broken)
        return status
    for info in infos:
        print(f"{info.name} {info.version or '-'}  [{info.source}]")
        for hook in info.hooks:
            print(f"    {hook}")
        if info.options:
            print(f"    [options.{info.name}]: {', '.join(info.options)}")
    print("\ncall order:")
    for hook, names in order.items():
        print(f"  {hook}: {' -> '.join(names)}")
    if disabled:
        print(f"\ndisabled: {', '.join(disabled)}")
    _say_broken(broken)
    return status


def _say_broken(broken: dict[str, str]) -> None:
    """Each installed plugin that cannot load, as the error any other command stops with."""
    sys.stdout.flush()
    for message in broken.values():
        print(f"sonicpipe: error: {message}", file=sys.stderr)


def add_command(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    summary: str,
    description: str,
    examples: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """A command's parser: ``summary`` in the list of commands, ``description`` (already
    wrapped) and ``examples`` in its own help."""
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples) if examples else None
    return commands.add_parser(name, help=summary, description=description, epilog=epilog,
                               formatter_class=argparse.RawDescriptionHelpFormatter,
                               allow_abbrev=False)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sonicpipe`` command."""
    parser = argparse.ArgumentParser(
        prog="sonicpipe",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # "--por 5" is not "--port 5": a typo is said, not guessed
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_common_options(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    text = add_command(
        sub,
        "text",
        "print the segments of a text as they would be sent",
        "Print the segments of a text exactly as they would be sent to Sonic: each\n"
        "transcript after the text hooks (cleanup, normalize, pronounce, markup), the\n"
        "controls in force, and a note for each control the model has no form for.",
        ["echo 'Dr. Smith paid $1.2M.' | sonicpipe text -",
         "sonicpipe text chapter.md --model sonic-2 --json"],
    )  # fmt: skip
    text.add_argument("input", help="a text file (UTF-8), or - for standard input")
    text.add_argument("--model", help=MODEL_HELP)
    text.add_argument(
        "--json", action="store_true", help="print a JSON list of the segments instead"
    )
    add_control_options(text)
    add_dictionary_option(text)
    text.set_defaults(func=cmd_text)

    render = add_command(
        sub,
        "render",
        "render a text to an audio file",
        "Render a text to one audio file: Sonic speaks it when an API key is set, else the\n"
        "local voice does. The output's suffix chooses the format.",
        ["sonicpipe render notes.txt                # notes.wav, local voice",
         "echo 'Hello there.' | sonicpipe render - -o hello.mp3 --engine espeak",
         "sonicpipe -c sonicpipe.toml render script.md -o script.m4b",
         "sonicpipe render voiceover.txt -o voiceover.mp3 --captions  # with .srt and .vtt",
         "sonicpipe render notes.txt -o - | aplay   # a WAV stream to a player"],
    )  # fmt: skip
    render.add_argument("input", help="a text file (UTF-8), or - for standard input")
    render.add_argument(
        "-o",
        "--output",
        help="audio file (.wav .flac .mp3 .m4b ...), or - for a WAV stream on standard output; "
        "default: the input's name with .wav, in the current folder (speech.wav for standard "
        "input)",
    )
    render.add_argument("--voice", help=VOICE_HELP)
    render.add_argument("--model", help=MODEL_HELP)
    render.add_argument("--engine", choices=ENGINES, help=ENGINE_HELP)
    render.add_argument(
        "--captions",
        action="store_true",
        help="also write captions from the word timestamps: OUTPUT's .srt and .vtt",
    )
    add_control_options(render)
    add_dictionary_option(render)
    render.set_defaults(func=cmd_render)

    plugins = add_command(
        sub,
        "plugins",
        "list plugins and the hooks they implement",
        "List the plugins (built-in, installed and --plugin), their versions and origins,\n"
        "the hooks each implements and the keys of its [options.NAME] table, each hook's\n"
        "call order, and the disabled plugins. An installed plugin that cannot load is\n"
        "named in an error after the others (exit status 2).",
    )
    plugins.add_argument(
        "--json", action="store_true", help="print the same as one JSON object instead"
    )
    plugins.set_defaults(func=cmd_plugins)

    phon = add_command(
        sub,
        "phonemes",
        "print the <<...>> IPA of a word for a model",
        "Print the <<...>> phonemes of a word or a sounds-like spelling, as the model\n"
        "takes them: for a pronunciation dictionary entry or inline in a text.",
        ['sonicpipe phonemes "engine x"', "sonicpipe phonemes nginx --model sonic-2"],
    )
    phon.add_argument("spelling", help="a word or a sounds-like spelling, e.g. 'engine x'")
    phon.add_argument("--model", help=MODEL_HELP)
    phon.set_defaults(func=cmd_phonemes, takes=("config",))
    add_serve_parser(sub)
    add_audio_parser(sub)
    add_book_parser(sub)
    for command in _commands(parser):  # "sonicpipe plugins --config x" works too
        takes = command.get_default("takes")
        takes = SETTINGS_OPTIONS if takes is None else takes
        _add_common_options(command, takes, argparse.SUPPRESS)
        # The others are refused by name (_unused_options), not as unrecognized arguments.
        others = [name for name in SETTINGS_OPTIONS if name not in takes]
        _add_common_options(command, others, argparse.SUPPRESS, argparse.SUPPRESS)
    return parser


SETTINGS_HELP = {
    "config": ("FILE", "settings file (TOML; default: none)"),
    "plugin": ("MODULE:OBJECT", "register a plugin (a module, or an object in one, importable "
               "from the Python path); may be repeated"),
    "disable": ("NAME", "disable a plugin by name (sonicpipe plugins lists them); may be "
                "repeated"),
}  # fmt: skip


def _add_common_options(
    parser: argparse.ArgumentParser,
    names: Sequence[str] = SETTINGS_OPTIONS,
    default: object = None,
    help: str | None = None,
) -> None:
    """The options of settings ``names`` (see :data:`SETTINGS_OPTIONS`), before or after the
    command's name; ``help`` replaces their help (``argparse.SUPPRESS`` hides them)."""
    for name in names:
        metavar, text = SETTINGS_HELP[name]
        flags = ("--config", "-c") if name == "config" else (f"--{name}",)
        action = "store" if name == "config" else "append"
        parser.add_argument(
            *flags, action=action, default=default, metavar=metavar, help=help or text
        )


def _unused_options(args: argparse.Namespace) -> list[str]:
    """The options of settings given (before the command's name) to a command that does not
    read them."""
    takes = getattr(args, "takes", SETTINGS_OPTIONS)
    return [f"--{name}" for name in SETTINGS_OPTIONS if getattr(args, name) and name not in takes]


def _refuse_unknown(
    parser: argparse.ArgumentParser, args: argparse.Namespace, unknown: list[str]
) -> None:
    """Exit with argparse's error for arguments no parser took, under the command's usage,
    with the command's option that a misspelt one likely meant (argparse names none)."""
    command = next(c for c in _commands(parser) if c.get_default("func") is args.func)
    options = [
        flag
        for action in command._actions
        if action.help != argparse.SUPPRESS
        for flag in action.option_strings
        if flag.startswith("--")
    ]
    message = f"unrecognized arguments: {' '.join(unknown)}"
    flags = [arg.partition("=")[0] for arg in unknown if arg.startswith("--")]
    if flags and (close := difflib.get_close_matches(flags[0], options, 1)):
        message += f" (did you mean {close[0]}?)"
    command.error(message)


def _commands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of the commands under ``parser`` that take no subcommand themselves."""
    found = []
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            for command in dict.fromkeys(action.choices.values()):
                found += _commands(command) or [command]
    return found


class _Terminate:
    """SIGTERM handled as Ctrl-C is, so that the same clean-up runs (no partial files, an
    interrupted book logged as such); remembered for the exit status."""

    def __init__(self) -> None:
        self.received = False

    def __call__(self, signum: int, frame: object) -> None:
        self.received = True
        if signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, signal.SIG_DFL, None):
            raise KeyboardInterrupt  # Ctrl-C is ignored: stop all the same
        signal.raise_signal(signal.SIGINT)  # asyncio.run cancels its task on SIGINT


def _show_warning(message: Warning | str, *_: object, **__: object) -> None:
    """A warning as one plain line on stderr (not Python's file:line form)."""
    print(f"sonicpipe: warning: {message}", file=sys.stderr)


class _PlainLog(logging.Formatter):
    """A log record as the command's own lines read: ``sonicpipe: warning: ...``."""

    def format(self, record: logging.LogRecord) -> str:
        return f"sonicpipe: {record.levelname.lower()}: {record.getMessage()}"


def _last_resort() -> logging.Handler:
    """The handler of warnings logged while nothing else handles logs (``serve`` sets up its
    own): Python's bare message would not say where it came from."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_PlainLog())
    return handler


def _drop_stdout() -> None:
    """Point standard output at the null device, so that nothing more is written to a closed
    pipe (Python's flush at exit would complain of it)."""
    with contextlib.suppress(OSError, ValueError):  # not a real file (a test's capture)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (130 after Ctrl-C, 143 after SIGTERM, 141
    when the reader of standard output went away). Ctrl-C is handled as before on return."""
    if threading.current_thread() is not threading.main_thread():
        return _main(argv)
    handler = signal.getsignal(signal.SIGINT)
    try:
        return _main(argv)
    finally:
        if handler is not None:  # None: set outside Python, which cannot be put back
            signal.signal(signal.SIGINT, handler)


def run() -> NoReturn:
    """The ``sonicpipe`` command: :func:`main`, then exit with its status. After an interrupt,
    a second Ctrl-C while Python winds down (threads, libraries) is ignored, not a traceback."""
    sys.exit(_main(sys.argv[1:]))


def _main(argv: Sequence[str] | None) -> int:
    """:func:`main`, leaving Ctrl-C ignored after an interrupt."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        _refuse_unknown(parser, args, unknown)
    if unused := _unused_options(args):
        parser.error(f"{' and '.join(unused)}: not used by this command")
    if sys.stdout is None:  # closed ('>&-'): what is printed goes nowhere, as print() does
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - standard output from now on
    in_main = threading.current_thread() is threading.main_thread()
    terminate = _Terminate()
    previous = signal.signal(signal.SIGTERM, terminate) if in_main else None
    last_resort, logging.lastResort = logging.lastResort, _last_resort()
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            status = int(args.func(args))
        sys.stdout.flush()  # a reader that went away (| head) shows here, not at exit
        return status
    except BrokenPipeError:  # the reader has all it wanted: stop quietly, as `yes | head` does
        _drop_stdout()
        return 128 + signal.SIGPIPE
    except USER_ERRORS as exc:
        print(f"sonicpipe: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        if in_main:  # what is left is winding down (threads, libraries): a second Ctrl-C
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # aborted it with a traceback
        print(f"sonicpipe: {str(exc) or 'interrupted'}", file=sys.stderr)
        return 128 + (signal.SIGTERM if terminate.received else signal.SIGINT)
    finally:
        logging.lastResort = last_resort
        if in_main:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    run()
