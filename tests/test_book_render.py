"""Book rendering with the local espeak voice: resume after a kill, edits, gaps, delivery."""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile
from conftest import run_with_file_size_limit, without_write_permission
from ebooklib import epub
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover

from sonicpipe.audio.measure import measure, read_audio
from sonicpipe.book import render_book
from sonicpipe.book.api import Chapters, Stopped
from sonicpipe.book.assemble import STAGING, Assembler, safe_name
from sonicpipe.book.delivery import Delivery
from sonicpipe.book.progress import Progress, clock
from sonicpipe.book.readers import Book, BookError, Chapter, read_book
from sonicpipe.book.render import (
    CACHE,
    MANIFEST,
    Cache,
    ChapterPlan,
    GapError,
    folder_lock,
    open_pipeline,
    plan_book,
)
from sonicpipe.cli import main
from sonicpipe.config import ConfigError, Settings
from sonicpipe.hookspecs import hookimpl
from sonicpipe.plugins import PluginError

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ALICE = CORPUS / "alice-in-wonderland.txt"
CLI = "import sys; from sonicpipe.cli import main; sys.exit(main(sys.argv[1:]))"


def excerpt(path: Path, chapters: int, paragraphs: int, licence: bool = True) -> Path:
    """Alice's chapters II... cut to a few paragraphs each, as a Project Gutenberg file."""
    book = read_book(ALICE)
    parts = [
        "Title: Alice's Adventures in Wonderland",
        "Author: Lewis Carroll",
        "*** START OF THE PROJECT GUTENBERG EBOOK ALICE ***",
    ]
    for chapter in book.chapters[1 : chapters + 1]:
        parts += chapter.paragraphs[: paragraphs + 1]  # the heading and the paragraphs
    parts.append("*** END OF THE PROJECT GUTENBERG EBOOK ALICE ***")
    if licence:
        parts.append("Section 1. General Terms of Use of the Project Gutenberg License.")
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def manifest_of(output: Path) -> dict:
    return json.loads((output / MANIFEST).read_text(encoding="utf-8"))


def keys_of(manifest: dict) -> list[str]:
    return [p["key"] for c in manifest["chapters"] for p in c["paragraphs"]]


def cached_frames(output: Path, key: str) -> int:
    info = json.loads((output / "cache" / f"{key}.json").read_text(encoding="utf-8"))
    assert soundfile.info(output / "cache" / f"{key}.flac").frames == info["frames"]
    return info["frames"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_a_render_at_once_keeps_the_cache_and_says_so(
    tmp_path: Path, signum: signal.Signals
) -> None:
    source = excerpt(tmp_path / "alice.txt", chapters=6, paragraphs=60)  # many seconds' work
    output = tmp_path / "out"
    command = [sys.executable, "-m", "sonicpipe.cli", "book", "render", str(source), "-o",
               str(output), "--engine", "espeak", "--format", "wav", "-j", "2", "-q"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def cached() -> int:
        return len(list((output / CACHE).glob("*.json")))

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and cached() < 4:
        time.sleep(0.005)
    at_signal = cached()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, f"the render ended before the signal: {err}"
    manifest = manifest_of(output)
    assert manifest["runs"][-1]["status"] == "interrupted"
    total = len(set(keys_of(manifest)))
    kept = cached()
    # The render stopped at once: no more than the two paragraphs being rendered (-j 2) when
    # the signal came reached the cache (chapter 1 alone has 60), no chapter was assembled.
    assert at_signal <= kept <= at_signal + 2 < total / 4
    assert "done 1/" not in err and "assembled" not in err
    lines = err.strip().splitlines()
    assert lines[-1] == (
        f"sonicpipe: interrupted: {done_of(manifest)} of {len(keys_of(manifest))} paragraphs "
        "are cached; run the same command again to resume"
    )
    assert sum("interrupted" in line for line in lines) == 1
    assert not (output / STAGING).exists()
    assert sorted(p.name for p in output.iterdir() if not p.name.startswith(".")) == [
        "cache",
        MANIFEST,
    ], "nothing delivered"
    assert all(Cache(output / CACHE).has(key) for key in manifest["runs"][-1]["synthesized"])


def test_a_second_ctrl_c_while_the_render_winds_down_is_ignored(tmp_path: Path) -> None:
    """Once a render has said it was interrupted, what is left is the process winding down
    (its threads, the voice's library): a second Ctrl-C then changes nothing, where it
    raised in the threads' shutdown (a traceback, or an abort) or killed the process."""
    source = excerpt(tmp_path / "alice.txt", chapters=2, paragraphs=40)
    command = [sys.executable, "-m", "sonicpipe.cli", "book", "render", str(source), "-o",
               str(tmp_path / "out"), "--engine", "espeak", "-j", "2", "-q"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines = [proc.stderr.readline()]  # "preparing the text...": the render is under way
    proc.send_signal(signal.SIGINT)
    while lines[-1] and not lines[-1].startswith("sonicpipe: interrupted"):
        lines.append(proc.stderr.readline())
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=60)
    err = "".join(lines) + rest
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Exception ignored" not in err, err


def done_of(manifest: dict) -> int:
    return sum(p["done"] for c in manifest["chapters"] for p in c["paragraphs"])


def test_killed_render_resumes_without_losing_or_repeating_a_paragraph(tmp_path: Path) -> None:
    source = excerpt(tmp_path / "alice.txt", chapters=2, paragraphs=12)
    output = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "sonicpipe.cli",
        "book",
        "render",
        str(source),
        "-o",
        str(output),
        "--engine",
        "espeak",
        "--format",
        "wav",
        "-j",
        "2",
        "-q",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cache = output / CACHE

    def rendered() -> set[str]:  # a paragraph's timings file is written last: it marks done
        return {p.stem for p in cache.glob("*.json")}

    # Killed as soon as three paragraphs are in the cache (watched as it fills, not through
    # the manifest, which is saved once a second and could let a fast voice finish first).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and len(rendered()) < 3:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the render ended before it could be killed"
    killed = manifest_of(output)
    before = rendered()
    assert killed["runs"][0]["status"] == "running"  # it never got to say otherwise
    first = killed["runs"][0]["synthesized"]
    assert 3 <= len(before) < len(set(keys_of(killed)))
    assert set(first) <= before  # the manifest may lag the cache, never lead it

    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    manifest = manifest_of(output)
    keys = set(keys_of(manifest))
    runs = manifest["runs"]
    assert [r["status"] for r in runs] == ["interrupted", "delivered"]  # the lock says dead
    assert runs[0]["synthesized"] == first
    # Rendered before the kill but not yet logged: recovered from the cache, not redone.
    assert set(runs[1]["recovered"]) == before - set(first)
    assert set(runs[1]["synthesized"]) == keys - before
    # Every paragraph was synthesized exactly once over the two runs.
    assert sorted(first + runs[1]["recovered"] + runs[1]["synthesized"]) == sorted(keys)
    assert not list((output / "cache").glob("*.part*")) and not (output / STAGING).exists()
    assert len(list((output / "cache").glob("*.flac"))) == len(keys)
    # Each chapter file is its paragraphs, pauses and room tone, sample for sample.
    delivery = Delivery("wav")
    for number, chapter in enumerate(manifest["chapters"]):
        [wav] = (output).glob(f"{number + 1:02d} *.wav")
        frames = sum(cached_frames(output, p["key"]) for p in chapter["paragraphs"])
        pauses = delivery.head + delivery.tail
        pauses += delivery.paragraph_pause * (len(chapter["paragraphs"]) - 1)
        assert (
            abs(soundfile.info(wav).frames - frames - pauses * 44100)
            <= len(chapter["paragraphs"]) + 2
        )
        assert chapter["sentences"]["text"] == chapter["sentences"]["rendered"] > 0


def test_editing_one_sentence_synthesizes_only_it_again(tmp_path: Path) -> None:
    source = excerpt(tmp_path / "alice.txt", chapters=2, paragraphs=3, licence=False)
    output = tmp_path / "out"
    options = {"engine": "espeak", "format": "flac", "preset": None, "parallelism": 2}
    before = render_book(source, output, **options)
    text = source.read_text(encoding="utf-8")
    edited = text.replace("a queer-looking party", "a strange-looking party", 1)
    assert edited != text
    source.write_text(edited, encoding="utf-8")
    after = render_book(source, output, **options)
    old, new = keys_of(before), keys_of(after)
    changed = [n for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(changed) == 1
    run = after["runs"][-1]
    assert run["synthesized"] == [new[changed[0]]]
    assert run["recovered"] == [] and run["reused"] == len(set(new)) - 1
    sentences = {p["key"]: p["sentences"] for c in after["chapters"] for p in c["paragraphs"]}
    assert sum(sentences[key] for key in run["synthesized"]) == 1  # one segment, once
    again = render_book(source, output, **options)
    assert again["runs"][-1]["synthesized"] == []


def test_paragraphs_an_edit_left_unused_are_counted_and_removed_with_prune(
    tmp_path: Path,
) -> None:
    book = Book("Edits", "Someone", [Chapter("One", ["The first draft.", "Kept as it is."])])
    output, log = tmp_path / "out", io.StringIO()
    options = {"engine": "espeak", "format": "wav", "preset": None}
    first = keys_of(render_book(book, output, **options))
    (output / CACHE / "notes.txt").write_text("mine", encoding="utf-8")  # no cache entry
    book.chapters[0].paragraphs[0] = "The second draft."
    progress = Progress(log, quiet=True)
    after = render_book(book, output, **options, progress=progress)
    assert after["runs"][-1]["unused_cache"]["paragraphs"] == 1
    assert Cache(output / CACHE).has(first[0])  # counted, kept
    lines = log.getvalue().splitlines()
    assert [
        line
        for line in lines
        if line.startswith("1 cached paragraph (")
        and line.endswith("the book no longer uses: --prune removes it")
    ]
    log = io.StringIO()
    pruned = render_book(book, output, **options, prune=True, progress=Progress(log, quiet=True))
    run = pruned["runs"][-1]
    assert run["synthesized"] == [] and run["unused_cache"]["removed"]
    assert run["unused_cache"]["paragraphs"] == 1 and run["unused_cache"]["bytes"] > 0
    assert not list((output / CACHE).glob(f"{first[0]}.*"))
    names = sorted(p.name for p in (output / CACHE).iterdir())
    assert names == sorted([*(f"{k}.{ext}" for k in keys_of(pruned) for ext in ("flac", "json")),
                            "notes.txt"])  # fmt: skip
    said = r"removed 1 cached paragraph \(\d+ KB\) the book no longer uses"
    assert [line for line in log.getvalue().splitlines() if re.fullmatch(said, line)]
    assert render_book(book, output, **options, prune=True)["runs"][-1]["synthesized"] == []
    # An entry that cannot be removed is named; the others still go.
    stuck, other = "a" * 64, "b" * 64
    (output / CACHE / f"{stuck}.flac").mkdir()  # a folder: unlink refuses it
    (output / CACHE / f"{other}.json").write_text("{}", encoding="utf-8")
    (output / CACHE / f"{stuck}.json").write_text("{}", encoding="utf-8")
    log = io.StringIO()
    run = render_book(book, output, **options, prune=True, progress=Progress(log, quiet=True))
    assert run["runs"][-1]["unused_cache"] | {"bytes": 0, "removed_bytes": 0} == {
        "paragraphs": 2, "bytes": 0, "prune": True, "removed": 1, "removed_bytes": 0
    }  # fmt: skip
    lines = log.getvalue().splitlines()
    assert (
        f"{output / CACHE / stuck}.flac: cannot remove this unused paragraph: is a directory"
        in lines
    )
    assert "removed 1 cached paragraph (1 KB) the book no longer uses; 1 left" in lines
    assert not (output / CACHE / f"{other}.json").exists()


def test_prune_on_the_command_line_removes_what_an_edit_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, output = tmp_path / "book.txt", tmp_path / "out"
    command = ["book", "render", str(source), "-o", str(output), "--engine", "espeak",
               "--format", "wav", "--preset", "none", "-q"]  # fmt: skip
    source.write_text("# One\n\nA first line.\n\nA second line.\n", encoding="utf-8")
    assert main(command) == 0
    source.write_text("# One\n\nAn edited line.\n\nA second line.\n", encoding="utf-8")
    capsys.readouterr()
    assert main([*command, "--prune"]) == 0
    assert "removed 1 cached paragraph (" in capsys.readouterr().err
    kept = {path.name.partition(".")[0] for path in (output / CACHE).iterdir()}
    assert kept == set(keys_of(manifest_of(output)))


class DropsTheTuesday:
    """A real plugin that loses a sentence on the way (a broken segment hook)."""

    @hookimpl
    def sonicpipe_refine_segment(self, segment, settings) -> None:
        if "Tuesday" in segment.text:
            segment.text = ""


class Breaks:
    """A real audio plugin whose processor fails with an exception that has no message."""

    @hookimpl
    def sonicpipe_audio_processor(self, settings: Settings) -> Breaks:
        return self

    def open(self, sample_rate: int) -> int:
        return sample_rate

    def process(self, samples: np.ndarray) -> np.ndarray:
        raise OSError

    def flush(self) -> np.ndarray:
        return np.zeros(0, np.float32)


def test_a_failed_run_is_logged_naming_the_plugin_and_the_error_type_of_a_bare_error(
    tmp_path: Path,
) -> None:
    source = tmp_path / "one.md"
    source.write_text("# One\n\nA single sentence.\n", encoding="utf-8")
    line = Path(__file__).read_text(encoding="utf-8").splitlines().index("        raise OSError")
    bare = rf"Breaks: process\(\) failed: OSError \(test_book_render.py, line {line + 1}\)$"
    with pytest.raises(PluginError, match=bare) as caught:
        render_book(source, tmp_path / "out", engine="espeak", plugins=(Breaks(),), preset=None)
    assert manifest_of(tmp_path / "out")["runs"][-1]["status"] == f"failed: {caught.value}"


def test_a_lost_sentence_fails_the_render_loudly(tmp_path: Path) -> None:
    source = tmp_path / "days.md"
    source.write_text(
        "# Days\n\nIt was a Monday. Then came a Tuesday. Then a Wednesday.\n\n"
        "# Nights\n\nThe night was calm.\n",
        encoding="utf-8",
    )
    output = tmp_path / "out"
    with pytest.raises(GapError, match=r"chapter 1 'Days': 4 sentences in the text, 3 rendered"):
        render_book(source, output, engine="espeak", plugins=(DropsTheTuesday(),), preset=None)
    manifest = manifest_of(output)
    assert manifest["runs"][-1]["status"] == "incomplete"
    assert manifest["chapters"][0]["sentences"] == {"text": 4, "rendered": 3}
    assert manifest["chapters"][1]["sentences"] == {"text": 2, "rendered": 2}
    assert not list(output.glob("*.m4b")) and not (output / STAGING).exists()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """Three chapters of Alice, three paragraphs each, rendered into an M4B (ACX levels)."""
    folder = tmp_path_factory.mktemp("book")
    source = excerpt(folder / "alice.txt", chapters=3, paragraphs=3)
    manifest = render_book(source, folder / "out", engine="espeak", parallelism=3)
    return source, folder / "out", manifest


def vtt_times(text: str) -> list[tuple[float, float]]:
    stamps = re.findall(
        r"(\d\d):(\d\d):(\d\d)[.,](\d\d\d) --> (\d\d):(\d\d):(\d\d)[.,](\d\d\d)", text
    )
    return [
        (
            int(a) * 3600 + int(b) * 60 + int(c) + int(d) / 1000,
            int(e) * 3600 + int(f) * 60 + int(g) + int(h) / 1000,
        )
        for a, b, c, d, e, f, g, h in stamps
    ]


def test_a_chapter_with_nothing_to_say_is_left_out() -> None:
    silent = Chapter("Dots", ["* * *", "---", "..."])
    book = Book("T", "A", [Chapter("Break", ["* * *"]), silent, Chapter("Words", ["Hi, friend."])])
    plans = plan_book(book, open_pipeline(engine="espeak"))
    assert [(p.title, p.sentences_text, len(p.paragraphs)) for p in plans] == [("Words", 1, 1)]
    assert plans[0].paragraphs[0].chapter == 0


def test_a_paragraph_key_changes_with_what_shapes_its_audio_and_nothing_else() -> None:
    """The cache serves a paragraph again only while its audio would come out the same."""
    book = Book("T", "A", [Chapter("One", ["The fox ran over the hill.", "It slept."])])

    def keys(settings: Settings, engine: str = "espeak") -> list[str]:
        plans = plan_book(book, open_pipeline(settings, engine=engine))
        return [paragraph.key for plan in plans for paragraph in plan.paragraphs]

    base = keys(Settings())
    assert len(set(base)) == 2 and keys(Settings()) == base
    # Another local voice, or Sonic itself (a key, or a server's URL), speaks differently.
    assert not set(keys(Settings(), engine="piper")) & set(base), "engine"
    assert not set(keys(Settings(api_key="placeholder"))) & set(base), "Sonic"
    assert not set(keys(Settings(url="ws://127.0.0.1:9/tts/websocket"))) & set(base), "url"
    for what, settings in [
        ("voice", Settings(voice="another-voice")),
        ("sentence pause", Settings(options={"pauses": {"sentence_pause": 1.5}})),
        ("output rate", Settings(options={"resample": {"target_rate": 22050}})),
    ]:
        assert not set(keys(settings)) & set(base), what
    for what, settings in [  # laid out by the assembly, not rendered into the paragraphs
        ("loudness", Settings(options={"loudness": {"preset": "podcast"}})),
        ("paragraph pause", Settings(options={"pauses": {"paragraph_pause": 3.0}})),
    ]:
        assert keys(settings) == base, what


def test_a_control_lasts_to_the_end_of_its_chapter_whatever_the_batch(tmp_path: Path) -> None:
    """A speed set in one paragraph holds for the next, also when that one is rendered on a
    context of its own; the next chapter starts at the book's own speed."""
    later = "The fox came back home in the evening and went straight to sleep."
    book = Book("T", "A", [
        Chapter("One", ["[speed 1.5] The fox ran over the hill and far away today.", later]),
        Chapter("Two", [later]),
    ])  # fmt: skip
    plans = plan_book(book, open_pipeline(engine="espeak"))
    carried, fresh = plans[0].paragraphs[1], plans[1].paragraphs[0]
    assert carried.key != fresh.key
    out = tmp_path / "out"
    render_book(book, out, engine="espeak", format="wav", preset=None)
    cache = Cache(out / CACHE)
    together = cache.info(carried.key)["frames"]  # rendered on one context after the first
    assert together < 0.85 * cache.info(fresh.key)["frames"]
    cache.audio(carried.key).unlink()
    cache.info_path(carried.key).unlink()
    manifest = render_book(book, out, engine="espeak", format="wav", preset=None)
    assert manifest["runs"][-1]["synthesized"] == [carried.key], "it went alone this time"
    assert cache.info(carried.key)["frames"] == pytest.approx(together, rel=0.02)


def test_pauses_options_pace_the_sentences_and_the_paragraphs(tmp_path: Path) -> None:
    """[options.pauses] shapes the pauses between sentences of a paragraph, and its
    paragraph_pause is the delivery's; [options.loudness] is not used, and says so."""
    book = Book("T", "A", [Chapter("One", [
        "The first sentence is here. The second sentence follows it.", "Another paragraph ends it.",
    ])])  # fmt: skip
    options = {
        "pauses": {"sentence_pause": 1.5, "paragraph_pause": 3.0},
        "loudness": {"target": -20},
    }
    log = io.StringIO()
    runs = {
        name: render_book(
            book,
            tmp_path / name,
            engine="espeak",
            format="wav",
            preset=None,
            settings=Settings(options=opts),
            progress=Progress(log),
        )
        for name, opts in (("plain", {}), ("paced", options))
    }
    first = [keys_of(run)[0] for run in runs.values()]
    frames = [cached_frames(tmp_path / name, key) for name, key in zip(runs, first, strict=True)]
    rate = soundfile.info(tmp_path / "paced" / "cache" / f"{first[1]}.flac").samplerate
    assert 1.2 < (frames[1] - frames[0]) / rate < 1.8, "one 1.5 s pause between the sentences"
    longer = runs["paced"]["delivery"]["seconds"] - runs["plain"]["delivery"]["seconds"]
    assert 1.2 + 2.2 - 0.3 < longer < 1.5 + 2.2 + 0.3, "and 3 s between paragraphs, not 0.8"
    assert "[options.loudness] is not used for a book" in log.getvalue()
    bad = Settings(options={"pauses": {"paragraph_pause": -1}})
    with pytest.raises(ConfigError, match=r"options\.pauses\.paragraph_pause -1: expected"):
        render_book(book, tmp_path / "bad", engine="espeak", settings=bad)


def test_delivery_options_on_the_command_line_shape_every_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--paragraph-pause (over [options.pauses]), --head-tone, --tail-tone and --max-minutes
    lay the files out; a chapter longer than --max-minutes is split into parts."""
    short = ["It was late.", "Nobody came."]
    long = ["The rain fell.", "The wind blew hard.", "A door shut.", "Then all was still."]
    book = tmp_path / "night.md"
    book.write_text(
        "# Night\n\n## One\n\n" + "\n\n".join(short) + "\n\n## Two\n\n" + "\n\n".join(long) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    first = render_book(book, out, engine="espeak", format="wav", preset=None)
    seconds = {key: cached_frames(out, key) / 44100 for key in keys_of(first)}
    one = [seconds[p["key"]] for p in first["chapters"][0]["paragraphs"]]
    head, tail, pause = 0.6, 1.5, 2.0
    longest = head + sum(one) + pause * (len(one) - 1) + tail  # One fits (Two does not)
    config = tmp_path / "s.toml"
    config.write_text("[options.pauses]\nparagraph_pause = 3.0\n", encoding="utf-8")
    argv = ["book", "render", str(book), "-o", str(out), "--engine", "espeak", "-q",
            "--config", str(config), "--format", "wav", "--preset", "none",
            "--paragraph-pause", "2", "--head-tone", "0.6", "--tail-tone", "1.5",
            "--max-minutes", f"{(longest + 0.05) / 60:.6f}"]  # fmt: skip
    assert main(argv) == 0
    manifest = manifest_of(out)
    assert manifest["runs"][-1]["synthesized"] == [], "the pauses are laid out, not rendered"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for chapter, row in zip(manifest["chapters"], report["chapters"], strict=True):
        wavs = [out / name for name in row["files"] if name.endswith(".wav")]
        lengths = [soundfile.info(wav).duration for wav in wavs]
        assert all(length <= longest + 0.06 for length in lengths)
        spoken = sum(seconds[p["key"]] for p in chapter["paragraphs"])
        pauses = len(chapter["paragraphs"]) - len(wavs)  # between paragraphs of one file
        expected = len(wavs) * (head + tail) + spoken + pauses * pause
        assert sum(lengths) == pytest.approx(expected, abs=0.01)
    assert len(report["chapters"][0]["files"]) == 3, "One: a wav and its captions"
    assert len(report["chapters"][1]["files"]) >= 6, "Two: in two parts or more"
    wavs = sum(name.endswith(".wav") for row in report["chapters"] for name in row["files"])
    assert f" in {wavs} files, with captions, in {out}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--max-minutes", "-1", "expected a number of minutes > 0, got '-1'"),
        ("--max-minutes", "0", "expected a number of minutes > 0, got '0'"),
        ("--head-tone", "half", "expected a number of seconds >= 0 and <= 60, got 'half'"),
        ("--tail-tone", "nan", "expected a number of seconds >= 0 and <= 60, got 'nan'"),
        ("--paragraph-pause", "-0.5", "expected a number of seconds >= 0 and <= 10, got '-0.5'"),
        ("--paragraph-pause", "1e9", "expected a number of seconds >= 0 and <= 10, got '1e9'"),
        ("--parallel", "0", "expected a whole number >= 1, got '0'"),
        ("-j", "two", "expected a whole number >= 1, got 'two'"),
    ],
)
def test_a_bad_delivery_option_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["book", "render", str(tmp_path / "book.txt"), option, value])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    names = "-j/--parallel" if option in ("-j", "--parallel") else option
    assert err.splitlines()[-1] == f"sonicpipe book render: error: argument {names}: {message}"
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_minutes": -1}, "max_minutes -1: expected a number of minutes > 0"),
        ({"head": float("inf")}, "head inf: expected a number of seconds >= 0 and <= 60"),
        ({"tail": "2"}, "tail '2': expected a number of seconds >= 0 and <= 60"),
        ({"tail": 3600}, "tail 3600: expected a number of seconds >= 0 and <= 60"),
        ({"parallelism": 0}, "parallelism 0: expected a whole number >= 1"),
        ({"preset": "loud"}, "preset 'loud' is not valid; valid: acx, podcast, broadcast or none"),
        (
            {"paragraph_pause": True},
            "paragraph_pause True: expected a number of seconds >= 0 and <= 10",
        ),
    ],
)
def test_a_bad_delivery_keyword_is_refused_before_anything_is_rendered(
    tmp_path: Path, options: dict, message: str
) -> None:
    book = Book("T", "A", [Chapter("One", ["Said once."])])
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        render_book(book, tmp_path / "out", engine="espeak", **options)
    assert not (tmp_path / "out").exists()


def test_preset_none_is_no_preset_as_on_the_command_line() -> None:
    assert Delivery("wav", "none").preset is None
    assert Delivery("wav", "none").target is None


def test_room_tone_acx_would_refuse_fails_the_report(rendered: tuple, tmp_path: Path) -> None:
    """With ACX's rules checked, a head or tail outside ACX's ranges is said before the
    render and fails the report, whose files are otherwise at ACX's levels."""
    source, output, _ = rendered
    out = tmp_path / "out"
    shutil.copytree(output / CACHE, out / CACHE)  # assembly only
    log = io.StringIO()
    progress = Progress(log, quiet=True)
    manifest = render_book(source, out, engine="espeak", format="flac", head=0.3, tail=6.0,
                           progress=progress)  # fmt: skip
    assert progress.assembled == progress.total > 0, "the assembly's progress counts it all"
    said = log.getvalue().split("preparing")[0].splitlines()
    assert said == [
        "head 0.3 s: ACX asks for 0.5 to 1 s; the report will fail it",
        "tail 6 s: ACX asks for 1 to 5 s; the report will fail it",
        f"{source}: left out the Project Gutenberg licence (2 paragraphs; --licence narrates it)",
    ]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert manifest["delivery"]["check"] == report["check"] and not report["check"]["pass"]
    for row in report["chapters"]:
        (part,) = row["parts"]
        failed = [rule for rule in part["check"]["rules"] if not rule["pass"]]
        assert failed == [
            {"name": "head", "value": 0.3, "requirement": "0.5 to 1 s", "pass": False},
            {"name": "tail", "value": 6.0, "requirement": "1 to 5 s", "pass": False},
        ]
    assert "FAIL (head, tail)" in (out / "report.txt").read_text(encoding="utf-8")
    assert "acx (RMS -20 dBFS, -3 dBTP): chapters 1, 2, 3 fail" in log.getvalue()


def test_what_acx_would_refuse_is_noted_only_outside_its_ranges_and_when_acx_checks() -> None:
    notes = Delivery("flac", head=0.3, tail=6.0, max_minutes=150).outside_acx()
    assert notes == [
        "head 0.3 s: ACX asks for 0.5 to 1 s; the report will fail it",
        "tail 6 s: ACX asks for 1 to 5 s; the report will fail it",
        "max_minutes 150: ACX takes files of <= 120 min; the report will fail a longer one",
    ]
    for edge in ({"head": 0.5, "tail": 1.0, "max_minutes": 120}, {"head": 1.0, "tail": 5.0}):
        assert Delivery("flac", **edge).outside_acx() == [], edge
    assert Delivery("flac", None, head=0.3).outside_acx() != [], "no preset: ACX's rules"
    assert Delivery("m4b", max_minutes=150).outside_acx() == [], "an M4B has no file length"
    assert Delivery("flac", "podcast", head=0.3, tail=6.0).outside_acx() == []


def test_a_book_with_nothing_to_say_is_refused_like_an_empty_one(tmp_path: Path) -> None:
    source = tmp_path / "dots.txt"
    source.write_text("* * *\n\n---\n\n...\n", encoding="utf-8")
    with pytest.raises(BookError, match=f"^{re.escape(str(source))}: no text to narrate$"):
        render_book(source, tmp_path / "out", engine="espeak")
    assert not (tmp_path / "out").exists(), "the folder it made is taken away again"
    (tmp_path / "mine").mkdir()
    with pytest.raises(BookError):
        render_book(source, tmp_path / "mine", engine="espeak")
    assert (tmp_path / "mine").is_dir(), "a folder the user made stays"


def test_end_to_end_m4b_chapters_markers_captions_report(rendered: tuple) -> None:
    source, output, manifest = rendered
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    titles = [
        "CHAPTER II. The Pool of Tears",
        "CHAPTER III. A Caucus-Race and a Long Tale",
        "CHAPTER IV. The Rabbit Sends in a Little Bill",
    ]
    assert [c["title"] for c in report["chapters"]] == titles
    assert [c["title"] for c in manifest["chapters"]] == titles  # no licence chapter
    # One M4B with a marker per chapter, metadata and the report's durations.
    m4b = output / "Alice's Adventures in Wonderland.m4b"
    assert manifest["delivery"]["files"][0] == m4b.name
    audio = MP4(m4b)
    assert audio["\xa9nam"] == ["Alice's Adventures in Wonderland"]
    assert audio["\xa9alb"] == ["Alice's Adventures in Wonderland"]  # players file books by it
    assert audio["\xa9ART"] == ["Lewis Carroll"]
    assert [c.title for c in audio.chapters] == titles
    expected = np.cumsum([0] + [c["seconds"] for c in report["chapters"]])[:-1]
    assert np.allclose([c.start for c in audio.chapters], expected, atol=0.05)
    assert abs(audio.info.length - report["seconds"]) < 0.1
    # Every sentence accounted for, levels as the preset asks.
    for row in report["chapters"]:
        assert row["sentences"]["text"] == row["sentences"]["rendered"] > 0
        (part,) = row["parts"]  # the chapter's section of the M4B
        assert part["file"] == m4b.name and part["seconds"] == row["seconds"]
        assert -23 <= part["levels"]["rms_dbfs"] <= -18
        assert part["levels"]["true_peak_dbtp"] <= -3
        assert part["levels"]["noise_floor_dbfs"] <= -60
        rules = [rule["name"] for rule in part["check"]["rules"]]
        assert rules == ["RMS", "peak", "true peak", "noise floor", "head", "tail"]  # no length
        assert part["check"]["pass"] and row["check"]["pass"]
    text = (output / "report.txt").read_text(encoding="utf-8")
    assert "sentences rendered: " in text and "CHAPTER II. The Pool of Tears" in text
    # Captions: in order, inside the audio, holding the words of the text.
    vtt = m4b.with_suffix(".vtt").read_text(encoding="utf-8")
    srt = m4b.with_suffix(".srt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n")
    seconds = vtt_times(vtt)
    assert seconds == vtt_times(srt) and len(seconds) > 20
    assert all(s < e for s, e in seconds)
    assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(seconds))
    assert seconds[0][0] >= Delivery().head and seconds[-1][1] <= report["seconds"]
    assert "Curiouser and curiouser" in vtt
    spoken = " ".join(line for line in vtt.splitlines()[2:] if line and "-->" not in line)
    for chapter in read_book(source).chapters:
        assert chapter.paragraphs[-1].split()[-1] in spoken


def test_acx_delivery_reuses_the_cache(rendered: tuple, tmp_path: Path) -> None:
    source, output, _ = rendered
    log = io.StringIO()
    manifest = render_book(source, output, engine="espeak", format="mp3", preset="acx",
                           progress=Progress(log, quiet=True))  # fmt: skip
    assert manifest["runs"][-1]["synthesized"] == []
    mp3s = sorted(output.glob("0*.mp3"))
    assert [p.name[:3] for p in mp3s] == ["01 ", "02 ", "03 "]
    seconds = clock(manifest["delivery"]["seconds"])  # three files; their captions not counted
    assert f"audio {seconds} in 3 files, with captions, in {output}" in log.getvalue()
    assert f"{source}: left out the Project Gutenberg licence (2 paragraphs; --licence " in (
        log.getvalue()
    )
    book = read_book(source)
    for number, path in enumerate(mp3s):
        info = MP3(path).info
        assert (info.sample_rate, info.bitrate, info.channels) == (44100, 192000, 1)
        tags = MP3(path).tags  # each file says which chapter of which book it is
        assert str(tags["TIT2"]) == book.chapters[number].title
        assert str(tags["TALB"]) == book.title and str(tags["TPE1"]) == book.author
        assert str(tags["TRCK"]) == f"{number + 1}/3"
        samples, rate = read_audio(path)
        measured = measure(samples, rate)
        assert -23 <= measured.rms_dbfs <= -18 and measured.sample_peak_dbfs <= -3
        head = samples[int(0.1 * rate) : int(0.6 * rate)]  # room tone, not digital silence
        level = 20 * np.log10(np.sqrt(np.mean(head**2)))
        assert -80 < level <= -60
        tail = samples[-int(1.5 * rate) : -int(0.2 * rate)]
        assert -80 < 20 * np.log10(np.sqrt(np.mean(tail**2))) <= -60
        assert path.with_suffix(".srt").is_file() and path.with_suffix(".vtt").is_file()
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert report["format"] == "mp3"
    assert report["check"] == {"preset": "acx", "target": "RMS -20 dBFS, -3 dBTP", "pass": True}


def test_a_lufs_preset_lands_on_its_target_once_limited(rendered: tuple, tmp_path: Path) -> None:
    source, output, _ = rendered
    out = tmp_path / "out"
    shutil.copytree(output / CACHE, out / CACHE)  # the paragraphs are there: assembly only
    log = io.StringIO()
    manifest = render_book(source, out, engine="espeak", format="flac", preset="podcast",
                           progress=Progress(log, quiet=True))  # fmt: skip
    assert manifest["runs"][-1]["synthesized"] == []
    flacs = [out / name for name in manifest["delivery"]["files"] if name.endswith(".flac")]
    assert len(flacs) == 3
    for path in flacs:  # the limiter takes 1-1.5 dB off this voice: the gain makes up for it
        measured = measure(*read_audio(path))
        assert abs(measured.integrated_lufs + 16) <= 0.5 and measured.true_peak_dbtp <= -1
    # The report checks the preset's own rules (not ACX's RMS, peak and noise floor).
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert manifest["delivery"]["check"] == report["check"]
    assert report["check"] == {"preset": "podcast", "target": "-16 LUFS, -1 dBTP", "pass": True}
    for row in report["chapters"]:
        (part,) = row["parts"]
        assert [r["name"] for r in part["check"]["rules"]] == ["integrated", "true peak"]
        assert part["check"]["pass"]
    assert "podcast (-16 LUFS, -1 dBTP): every chapter passes" in log.getvalue().splitlines()
    text = (out / "report.txt").read_text(encoding="utf-8")
    assert text.rstrip().endswith("podcast (-16 LUFS, -1 dBTP): every chapter passes")
    assert "FAIL" not in text


@pytest.fixture
def planned(rendered: tuple) -> tuple[Book, list[ChapterPlan], Cache]:
    """The rendered excerpt's book, plan and paragraph cache, to assemble it again."""
    source, output, _ = rendered
    book = read_book(source)
    return book, plan_book(book, open_pipeline(engine="espeak")), Cache(output / CACHE)


def test_each_paragraph_keeps_its_own_words_where_a_batch_is_cut(planned: tuple) -> None:
    """Paragraphs rendered on one context are cut apart at their boundaries: the next
    paragraph's first word, whose start the voice gives a fraction of a millisecond before
    the cut, is that paragraph's (it was the one before's, zero-length: a caption cue with
    no time on screen, and a word missing from the next paragraph's captions)."""
    _, plans, cache = planned
    for plan in plans:
        for paragraph in plan.paragraphs:
            words = cache.info(paragraph.key)["words"]
            first = paragraph.segments[0].plain_text.split()[0]
            assert words[0][0] == first, (plan.title, paragraph.index, words[:2])
            assert all(end > start for _, start, end in words), (plan.title, words[-2:])


def zero_runs(samples: np.ndarray, shortest: int) -> list[tuple[int, int]]:
    """(start, end) of each run of exact zeros at least ``shortest`` samples long."""
    edges = np.flatnonzero(np.diff((samples == 0).astype(np.int8), prepend=0, append=0))
    return [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= shortest]


def test_digital_silence_in_paragraphs_gets_room_tone_and_the_voice_is_kept(
    planned: tuple, tmp_path: Path
) -> None:
    """The pauses between a paragraph's sentences are exact zeros in the cache; ACX refuses
    digital silence. Laid out, they are the head's room tone, and the noise floor the report
    gives is that room tone's (it was below it, and -inf for a long pause)."""
    book, plans, cache = planned
    delivery = Delivery("wav", None)  # no gain, no limiter: the voice's samples as cached
    report = Assembler(book, plans[:1], cache, tmp_path, delivery, 44100).run()
    [name] = [n for n in report["chapters"][0]["files"] if n.endswith(".wav")]
    laid_out, rate = soundfile.read(tmp_path / name, dtype="float32")
    frames = [cache.info(p.key)["frames"] for p in plans[0].paragraphs]
    longest = frames.index(max(frames))
    voice, _ = soundfile.read(cache.audio(plans[0].paragraphs[longest].key), dtype="float32")
    pauses = zero_runs(voice, rate // 10)
    assert len(pauses) >= 2, "the cached paragraph has pauses of digital silence"
    start = round(delivery.head * rate)
    start += sum(n + round(delivery.paragraph_pause * rate) for n in frames[:longest])
    paragraph = laid_out[start : start + voice.size]
    spoken = voice != 0
    np.testing.assert_array_equal(paragraph[spoken], voice[spoken])  # the voice untouched
    for a, b in pauses:
        level = 20 * np.log10(np.sqrt(np.mean(np.square(paragraph[a:b], dtype=np.float64))))
        assert abs(level - delivery.room_tone_db) < 1.5, (a, b, level)
    assert not zero_runs(laid_out, round(0.005 * rate))
    floor = report["chapters"][0]["parts"][0]["levels"]["noise_floor_dbfs"]
    assert floor is not None and abs(floor - delivery.room_tone_db) < 1


def test_long_chapters_are_cut_into_parts(planned: tuple, tmp_path: Path) -> None:
    book, plans, cache = planned
    delivery = Delivery("wav", preset=None, max_minutes=0.75)  # chapters: 1-1.5 minutes
    assembler = Assembler(book, plans, cache, tmp_path, delivery, 44100)
    report = assembler.run()
    assert assembler._files == [], "a finished file's writer (and its encoder) is let go"
    for row in report["chapters"]:
        wavs = [tmp_path / name for name in row["files"] if name.endswith(".wav")]
        assert len(wavs) >= 2 and wavs == sorted(wavs)  # in order in a file manager
        for part, wav in enumerate(wavs, 1):  # players tell the parts apart by their titles
            with av.open(str(wav)) as container:
                title = container.metadata["title"]
            assert title == f"{row['title']} (part {part} of {len(wavs)})"
        number = f"{row['chapter']:02d} "
        assert wavs[0].name.startswith(number) and wavs[0].name.endswith(" part 1.wav")
        assert wavs[1].name == wavs[0].name.replace(" part 1.wav", " part 2.wav")
        assert set(tmp_path.glob(f"{number}*")) == {
            w.with_suffix(s) for w in wavs for s in (".wav", ".srt", ".vtt")
        }
        lengths = [soundfile.info(w).duration for w in wavs]
        assert abs(sum(lengths) - row["seconds"]) < 0.01
        assert [(p["file"], p["seconds"]) for p in row["parts"]] == [
            (w.name, pytest.approx(length, abs=0.001))
            for w, length in zip(wavs, lengths, strict=True)
        ]  # each file is measured and checked on its own
        assert max(lengths) <= 45  # no paragraph is longer than 39 s
        assert all(w.with_suffix(".srt").is_file() for w in wavs)


def test_a_chapter_in_parts_is_checked_file_by_file(tmp_path: Path) -> None:
    """ACX judges files: each part of a split chapter is measured and checked on its own (a
    short last part fails on RMS where the chapter as a whole would pass); the sentences are
    still counted per chapter, and the summary, the table and the manifest agree."""
    said = [
        "The river ran past the mill and on towards the sea, slow and brown in late summer.",
        "Nobody in the village could say when the mill had last turned, or who owned it then.",
        "Yes.",
    ]
    quiet = "It was quiet there by the mill, and the water was very cold."
    book = Book("Mill", "Someone", [Chapter("One", said), Chapter("Two", [quiet])])
    out = tmp_path / "out"
    first = render_book(book, out, engine="espeak", format="wav", preset=None)
    spoken = [cached_frames(out, p["key"]) / 44100 for p in first["chapters"][0]["paragraphs"]]
    delivery = Delivery()
    alone = delivery.head + sum(spoken[:2]) + delivery.paragraph_pause + delivery.tail
    log = io.StringIO()
    manifest = render_book(book, out, engine="espeak", format="flac", preset="acx",
                           max_minutes=(alone + 0.05) / 60,  # "Yes." alone in a second part
                           progress=Progress(log, quiet=True))  # fmt: skip
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    one, two = report["chapters"]
    assert one["sentences"] == {"text": 3, "rendered": 3} and two["sentences"]["text"] == 1
    assert [part["file"] for part in one["parts"]] == ["01 One part 1.flac", "01 One part 2.flac"]
    assert [part["file"] for part in two["parts"]] == ["02 Two.flac"]
    for part in one["parts"] + two["parts"]:
        measured = measure(*read_audio(out / part["file"]))
        assert part["seconds"] == pytest.approx(measured.seconds, abs=0.01)
        assert part["levels"]["rms_dbfs"] == pytest.approx(measured.rms_dbfs, abs=0.1)
        length = next(rule for rule in part["check"]["rules"] if rule["name"] == "length")
        assert length == {"name": "length", "value": round(measured.seconds / 60, 2),
                          "requirement": "<= 120 min", "pass": True}  # fmt: skip
    assert one["seconds"] == pytest.approx(sum(p["seconds"] for p in one["parts"]), abs=0.002)
    verdicts = [part["check"]["pass"] for part in one["parts"]]
    assert verdicts == [True, False]
    assert [r["name"] for r in one["parts"][1]["check"]["rules"] if not r["pass"]] == ["RMS"]
    assert one["parts"][1]["levels"]["rms_dbfs"] < -23
    assert not one["check"]["pass"] and two["check"]["pass"]
    assert manifest["delivery"]["check"] == report["check"] and not report["check"]["pass"]
    said_once = "acx (RMS -20 dBFS, -3 dBTP): chapter 1 part 2 fails"
    assert f"{said_once}; see {out / 'report.txt'}" in log.getvalue().splitlines()
    text = (out / "report.txt").read_text(encoding="utf-8").splitlines()
    assert re.match(r"\s+1  One\s+\S+\s+3/3\s+FAIL$", text[5])
    assert re.match(r"\s+part 1 of 2\s+\S+\s+(-?[\d.]+\s+){4}pass$", text[6])
    assert re.match(r"\s+part 2 of 2\s+\S+\s+(-?[\d.]+\s+){4}FAIL \(RMS\)$", text[7])
    assert re.match(r"\s+2  Two\s+\S+\s+1/1\s+(-?[\d.]+\s+){4}pass$", text[8])
    assert text[-1].endswith(f"; {said_once}")


def test_file_names_keep_apostrophes_cut_at_a_word_and_sort_past_99_chapters(
    tmp_path: Path,
) -> None:
    assert safe_name("The Queen's Croquet-Ground") == "The Queen's Croquet-Ground"
    long = "A Very Long Chapter Title That Goes On About The First Night Watch"
    assert safe_name(long) == "A Very Long Chapter Title That Goes On About The First Night"
    assert safe_name('What? "Nothing" / *') == "What Nothing"
    chapters = [Chapter(f"Part {n}", [f"Number {n}."]) for n in range(1, 101)]
    quiet = Progress(io.StringIO(), quiet=True)
    manifest = render_book(Book("Hundred", "Someone", chapters), tmp_path, engine="espeak",
                           format="flac", preset=None, progress=quiet)  # fmt: skip
    flacs = [n for n in manifest["delivery"]["files"] if n.endswith(".flac")]
    assert flacs[:2] == ["001 Part 1.flac", "002 Part 2.flac"] and flacs[-1] == "100 Part 100.flac"
    assert sorted(flacs) == flacs


def test_gain_comes_from_the_opening_and_chapters_wait_their_turn(
    planned: tuple, tmp_path: Path
) -> None:
    book, plans, cache = planned
    delivery = Delivery("flac", gain_minutes=0.5)  # the first chapter lasts a minute
    waited: list[int] = []
    report = Assembler(book, plans, cache, tmp_path / "a", delivery, 44100).run(waited.append)
    assert waited == [0, 0, 1, 2]  # the gain needs chapter 1 only; then each in turn
    opening = Book(book.title, book.author, book.chapters[:1])
    alone = Assembler(opening, plans[:1], cache, tmp_path / "b", delivery, 44100)
    assert report["gain_db"] == alone.run()["gain_db"]
    assert all(abs(c["parts"][0]["levels"]["rms_dbfs"] + 20) < 1.5 for c in report["chapters"])
    # The gain reported is the one the voice got: away from the peaks the limiter takes down,
    # each sample is the unnormalized one times that gain.
    raw = Assembler(book, plans, cache, tmp_path / "raw", Delivery("flac", None), 44100).run()
    [name] = [n for n in report["chapters"][0]["files"] if n.endswith(".flac")]
    assert raw["chapters"][0]["files"] == report["chapters"][0]["files"]
    louder, _ = soundfile.read(tmp_path / "a" / name, dtype="float32")
    plain, _ = soundfile.read(tmp_path / "raw" / name, dtype="float32")
    voiced = np.abs(plain) > 0.01
    ratio = np.median(louder[voiced] / plain[voiced])
    assert 20 * np.log10(ratio) == pytest.approx(report["gain_db"], abs=0.02)


def test_the_assembly_reports_its_work_without_its_waits_for_the_voice(
    planned: tuple, tmp_path: Path
) -> None:
    """The progress's time left for the assembly comes from these seconds: a wait for a
    chapter the voice has not finished is no work, nor is the gain's measure, done once
    (the first paragraph's rate, with it, put the first time left at many times the real)."""
    book, plans, cache = planned
    waited = 0.0

    def slow_voice(chapter: int) -> None:
        nonlocal waited
        before = time.monotonic()
        time.sleep(0.2)
        waited += time.monotonic() - before

    worked: list[tuple[int, float, float]] = []

    def laid_out(chars: int, seconds: float) -> None:
        worked.append((chars, seconds, time.monotonic()))

    assembler = Assembler(book, plans, cache, tmp_path, Delivery("mp3"), 44100,
                          on_paragraph=laid_out)  # fmt: skip
    measure = assembler.measure_gain
    measured = 0.0

    def timed_measure() -> float:
        nonlocal measured
        gain = measure()
        measured = time.monotonic()
        return gain

    assembler.measure_gain = timed_measure  # type: ignore[method-assign]
    started = time.monotonic()
    assembler.run(slow_voice)
    took = time.monotonic() - started
    assert [chars for chars, *_ in worked] == [p.chars for plan in plans for p in plan.paragraphs]
    assert all(seconds > 0 for _, seconds, _ in worked)
    assert sum(seconds for _, seconds, _ in worked) <= took - waited
    _, first, at = worked[0]
    assert first <= at - measured  # the first paragraph's work began after the measure


def test_the_lines_of_a_verse_paragraph_are_its_sentences(tmp_path: Path) -> None:
    """An EPUB's ``<br/>`` lines (verse) are read each as a sentence, a sentence's pause
    apart, in one paragraph: one cache entry, one context (its lines ran together)."""
    book = epub.EpubBook()
    book.set_identifier("verse")
    book.set_title("Verse")
    book.set_language("en")
    page = epub.EpubHtml(title="The Song", file_name="song.xhtml", lang="en")
    page.content = (
        "<html><body><h1>The Song</h1><p>She sang it through, slowly, to the end.</p>"
        "<p>How doth the little crocodile<br/>Improve his shining tail,<br/>"
        "And pour the waters of the Nile<br/>On every golden scale!</p></body></html>"
    )
    book.add_item(page)
    book.toc = [epub.Link("song.xhtml", "The Song", "song")]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", page]
    epub.write_epub(str(tmp_path / "verse.epub"), book)
    paced = Settings(options={"pauses": {"sentence_pause": 1.0}})
    manifest = render_book(tmp_path / "verse.epub", tmp_path / "out", engine="espeak",
                           format="wav", preset=None, settings=paced)  # fmt: skip
    [chapter] = manifest["chapters"]
    assert [p["sentences"] for p in chapter["paragraphs"]] == [1, 1, 4]
    assert chapter["sentences"] == {"text": 6, "rendered": 6}
    [plan] = plan_book(read_book(tmp_path / "verse.epub"), open_pipeline(paced, "espeak"))
    lines = [s.plain_text for s in plan.paragraphs[2].segments]
    assert lines[0].startswith("How doth") and lines[3].startswith("On every golden")
    # The sentences' pause (as digital silence in the cache) between each two lines.
    voice, rate = soundfile.read(Cache(tmp_path / "out" / CACHE).audio(plan.paragraphs[2].key))
    assert len(zero_runs(voice, round(0.9 * rate))) == 3


@pytest.mark.parametrize("list_first", [False, True])
def test_verse_lines_are_gathered_into_their_paragraph_whatever_cleanup_does(
    list_first: bool,
) -> None:
    """The chapter goes through the text chain at once, a line a paragraph; a list, which
    cleanup cuts into paragraphs, sends it a piece at a time: the same paragraphs either way."""
    prose = ["Shopping:\n- bread\n- milk"] if list_first else ["She began to sing."]
    verse = "How doth the little crocodile\u2028Improve his shining tail,\u2028On every scale!"
    book = Book("T", "A", [Chapter("One", [*prose, verse, "And then she stopped."])])
    [plan] = plan_book(book, open_pipeline(engine="espeak"))
    texts = [[s.plain_text for s in p.segments] for p in plan.paragraphs]
    lead = [["Shopping:"], ["bread."], ["milk."]] if list_first else [["She began to sing."]]
    assert texts == [
        *lead,
        ["How doth the little crocodile,", "Improve his shining tail,", "On every scale!"],
        ["And then she stopped."],
    ]
    assert plan.sentences_text == sum(len(t) for t in texts)


def test_a_paragraph_repeated_in_the_opening_is_delivered_each_time(tmp_path: Path) -> None:
    said = "The same words, said twice over."
    chapters = [Chapter("One", [said, said, "And something else to end with."])]
    manifest = render_book(Book("Twice", "Someone", chapters), tmp_path, engine="espeak",
                           format="wav", progress=Progress(io.StringIO(), quiet=True))  # fmt: skip
    first, again, last = keys_of(manifest)
    assert first == again  # one recording serves both, read once for the gain
    samples, rate = soundfile.read(tmp_path / manifest["delivery"]["files"][0])
    spoken = (2 * cached_frames(tmp_path, first) + cached_frames(tmp_path, last)) / rate
    delivery = Delivery()
    laid_out = delivery.head + spoken + 2 * delivery.paragraph_pause + delivery.tail
    assert abs(samples.size / rate - laid_out) < 0.01


def test_files_move_into_place_only_once_the_render_is_complete(
    planned: tuple, tmp_path: Path
) -> None:
    book, plans, cache = planned
    out = tmp_path / "out"
    assembler = Assembler(book, plans, cache, out, Delivery("flac", None), 44100)

    def a_sentence_went_missing() -> None:  # the render found a gap after the last chapter
        assert len(list((out / STAGING).glob("*.flac"))) == 3  # written, not yet delivered
        raise GapError("a sentence went missing")

    with pytest.raises(GapError):
        assembler.run(complete=a_sentence_went_missing)
    assert not list(out.iterdir())


def test_a_folder_in_the_way_of_a_file_is_named_and_nothing_moves(
    planned: tuple, tmp_path: Path
) -> None:
    book, plans, cache = planned
    out = tmp_path / "out"
    Assembler(book, plans, cache, out, Delivery("flac", None), 44100).run()
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    last = out / max(name for name in before if name.endswith(".flac"))
    last.unlink()
    last.mkdir()  # a folder where the next run delivers its last chapter
    with pytest.raises(OSError) as err:
        Assembler(book, plans, cache, out, Delivery("flac", "podcast"), 44100).run()
    assert str(err.value) == f"{last}: cannot deliver this file: a folder has its name"
    del before[last.name]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert last.is_dir() and not (out / STAGING).exists()


def test_a_stopped_assembly_stops_before_its_next_paragraph_and_delivers_nothing(
    planned: tuple, tmp_path: Path
) -> None:
    book, plans, cache = planned
    out = tmp_path / "out"
    chapters = Chapters(len(plans))
    for chapter in range(len(plans)):
        chapters.ready(chapter)
    read: list[int] = []

    def check() -> None:  # the render is interrupted while the second paragraph is read
        read.append(1)
        if len(read) == 2:
            chapters.stop()
        chapters.check()

    assembler = Assembler(book, plans, cache, out, Delivery("flac", None), 44100)
    with pytest.raises(Stopped):
        assembler.run(chapters.wait, chapters.wait_complete, check)
    assert len(read) == 2 < sum(len(plan.paragraphs) for plan in plans)
    assert not list(out.iterdir()), "nothing delivered, nothing staged"


def test_cover_goes_into_the_m4b_and_beside_it(tmp_path: Path) -> None:
    cover = b"\x89PNG\r\n\x1a\n" + bytes(32)
    chapters = [Chapter("One", ["A short chapter with a cover."])]
    manifest = render_book(Book("Covered", "Someone", chapters, cover), tmp_path, engine="espeak")
    files = manifest["delivery"]["files"]
    audio = MP4(tmp_path / files[0])
    assert bytes(audio["covr"][0]) == cover
    assert audio["covr"][0].imageformat == MP4Cover.FORMAT_PNG
    assert [c.title for c in audio.chapters] == ["One"]
    assert "cover.png" in files and (tmp_path / "cover.png").read_bytes() == cover
    # A cover the M4B cannot hold is left out (and said), and the book is still delivered;
    # then the writers' own cover option, if any, is the cover.
    art = tmp_path / "art.jpg"
    art.write_bytes(b"\xff\xd8\xff\xe0" + bytes(40))
    log = io.StringIO()
    for name, image, options, expected in [
        ("gif", b"GIF89a" + bytes(16), {}, None),
        ("option", None, {"writers": {"cover": str(art)}}, art.read_bytes()),
    ]:
        book = Book(name, "Someone", chapters, image)
        settings = Settings(options=options)
        out = tmp_path / name
        manifest = render_book(book, out, settings=settings, engine="espeak",
                               progress=Progress(log, quiet=True))  # fmt: skip
        tags = MP4(out / manifest["delivery"]["files"][0]).tags or {}
        assert (bytes(tags["covr"][0]) if "covr" in tags else None) == expected
        assert not list(out.glob("cover.*"))  # only a book's own cover is delivered beside
    assert "gif: the cover is not a JPEG or PNG image; left out" in log.getvalue()


def test_a_books_cover_is_found_with_settings_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "conf"  # writer paths are read beside the settings file
    conf.mkdir()
    (conf / "sonicpipe.toml").write_text('model = "sonic-3"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cover = b"\x89PNG\r\n\x1a\n" + bytes(32)
    book = Book("Covered", "Someone", [Chapter("One", ["A short chapter with a cover."])], cover)
    settings = Settings.load(conf / "sonicpipe.toml")
    manifest = render_book(book, "out", settings=settings, engine="espeak",
                           progress=Progress(io.StringIO(), quiet=True))  # fmt: skip
    assert bytes(MP4(Path("out") / manifest["delivery"]["files"][0])["covr"][0]) == cover


def test_a_typo_in_a_table_a_book_sets_aside_is_still_an_error(tmp_path: Path) -> None:
    book = Book("Typo", "Someone", [Chapter("One", ["Short."])])
    settings = Settings(options={"loudness": {"preset_name": "podcast"}})
    with pytest.raises(ConfigError, match=r"options\.loudness: unknown option 'preset_name'"):
        render_book(book, tmp_path / "out", settings=settings, engine="espeak")
    assert not (tmp_path / "out" / MANIFEST).exists()


def test_a_bad_writer_option_fails_before_the_voice(tmp_path: Path) -> None:
    book = Book("Covered", "Someone", [Chapter("One", ["A short chapter."])])
    settings = Settings(options={"writers": {"cover": str(tmp_path / "missing.png")}})
    with pytest.raises(ConfigError, match=r"cannot read .*missing\.png"):
        render_book(book, tmp_path / "out", settings=settings, engine="espeak")
    assert not list((tmp_path / "out").rglob("*.flac")), "nothing synthesized"


def test_a_failed_assembly_is_logged_as_failed_not_rendered(tmp_path: Path) -> None:
    """The disk fills up once the paragraphs are cached, as the chapter's file is written."""
    source, out = tmp_path / "full.md", tmp_path / "out"
    source.write_text("# One\n\nA short chapter.\n", encoding="utf-8")
    command = ["book", "render", str(source), "-o", str(out), "--engine", "espeak", "-q",
               "--format", "wav", "--preset", "none"]  # fmt: skip
    said = run_with_file_size_limit(200_000, CLI, *command).stdout  # a cached paragraph fits
    error = f"{out / '01 One.wav'}: cannot write: file too large"
    assert said.splitlines()[-1] == f"sonicpipe: error: {error}"
    manifest = manifest_of(out)
    [run] = manifest["runs"]
    assert run["status"] == f"failed: {error}"
    assert all(Cache(out / CACHE).has(key) for key in keys_of(manifest))


def test_the_manifest_names_the_book_and_dates_each_run(tmp_path: Path) -> None:
    source, out = tmp_path / "note.txt", tmp_path / "out"
    source.write_text(
        "Title: A Note\nAuthor: Ann Author\n\n*** START OF THE PROJECT GUTENBERG EBOOK A NOTE "
        "***\n\nSaid once.\n",
        encoding="utf-8",
    )
    options = {"engine": "espeak", "format": "wav", "preset": None}
    render_book(source, out, **options)
    manifest = render_book(source, out, **options)
    assert manifest["book"] == {"title": "A Note", "author": "Ann Author", "source": str(source)}
    first, second = manifest["runs"]
    times = [datetime.fromisoformat(run[when]) for run in (first, second)
             for when in ("started", "finished")]  # fmt: skip
    assert times == sorted(times) and all(t.utcoffset() == timedelta(0) for t in times)
    assert [run["status"] for run in (first, second)] == ["delivered", "delivered"]
    assert (len(first["synthesized"]), second["synthesized"], second["reused"]) == (1, [], 1)


def test_a_manifest_that_is_not_json_is_named_with_what_to_do(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    book = Book("T", "A", [Chapter("One", ["Said once."])])
    said = rf"^{re.escape(str(out / MANIFEST))}: not a valid manifest \(.+\); delete it to start"
    with pytest.raises(ValueError, match=said):
        render_book(book, out, engine="espeak")
    assert (out / MANIFEST).read_text(encoding="utf-8") == "{not json", "left for the user"


def test_a_second_render_of_the_same_folder_is_refused(tmp_path: Path) -> None:
    source = excerpt(tmp_path / "alice.txt", chapters=1, paragraphs=1)
    output = tmp_path / "out"
    output.mkdir()
    with folder_lock(output), pytest.raises(ValueError, match="another render is writing"):
        render_book(source, output, engine="espeak")
    assert not (output / MANIFEST).exists()


def test_cli_reports_bad_books_and_options_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["book", "render", str(tmp_path / "none.txt"), "-o", str(tmp_path / "o")]) == 2
    assert "none.txt: no such file" in capsys.readouterr().err
    source = excerpt(tmp_path / "alice.txt", chapters=1, paragraphs=1)
    afile = tmp_path / "afile"
    afile.write_bytes(b"")
    assert main(["book", "render", str(source), "--engine", "espeak", "-o", str(afile)]) == 2
    err = capsys.readouterr().err
    assert f"sonicpipe: error: {afile}: not a folder (a file of that name exists)" in err
    assert afile.read_bytes() == b""


def test_an_output_folder_that_cannot_be_written_is_named_not_its_lock_file(
    tmp_path: Path,
) -> None:
    source = excerpt(tmp_path / "alice.txt", chapters=1, paragraphs=1)
    afile = tmp_path / "afile"
    afile.write_bytes(b"")
    output = afile / "book" / "out"
    with pytest.raises(OSError) as err:
        render_book(source, output, engine="espeak")
    assert str(err.value) == f"{output}: cannot write to this output folder: {afile} is a file"
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    for output in (locked, locked / "out"):  # there, and a folder it would make there
        command = [*without_write_permission(), sys.executable, "-m", "sonicpipe.cli", "book",
                   "render", str(source), "--engine", "espeak", "-o", str(output)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 2
        assert done.stderr == (
            f"sonicpipe: error: {output}: cannot write to this output folder: permission denied\n"
        )
    assert list(locked.iterdir()) == [] and afile.read_bytes() == b""


def test_the_log_counts_one_chapter_paragraph_and_file_in_the_singular(tmp_path: Path) -> None:
    log = io.StringIO()
    book = Book("One", "Someone", [Chapter("One", ["Said once."])])
    render_book(book, tmp_path / "out", engine="espeak", format="wav", preset=None,
                progress=Progress(log, quiet=True))  # fmt: skip
    lines = log.getvalue().splitlines()
    assert lines[0] == "preparing the text of 1 chapter"
    assert "rendered 1 paragraph: 1 synthesized now, 0 from earlier runs" in lines
    where = f" in 1 file, with captions, in {tmp_path / 'out'}"
    assert [line for line in lines if line.startswith("audio ") and line.endswith(where)]


def test_a_file_that_cannot_be_written_whole_is_named_and_no_temporary_file_is_left(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.json"
    code = (
        "import sys; from pathlib import Path; from sonicpipe.book.render import write_atomic\n"
        "try: write_atomic(Path(sys.argv[1]), bytes(5000))\n"
        "except OSError as exc: print(exc)"
    )
    said = run_with_file_size_limit(1000, code, str(path)).stdout
    assert said == f"{path}: cannot write: file too large\n"
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_rendering_is_one_line_and_the_rerun_resumes(tmp_path: Path) -> None:
    """libsndfile says only "System error.": that was a traceback. Now the cache is named,
    with the system's reason, and what was cached stays for the rerun."""
    source = excerpt(tmp_path / "alice.txt", chapters=2, paragraphs=3)
    out = tmp_path / "out"
    command = ["book", "render", str(source), "-o", str(out), "--engine", "espeak", "-q"]
    said = run_with_file_size_limit(150_000, CLI, *command).stdout  # less than a paragraph's audio
    assert said.splitlines()[-1] == (
        f"sonicpipe: error: {out / CACHE}: cannot write the paragraph cache: file too large"
    )
    assert "Traceback" not in said and not list((out / CACHE).glob("*.part*"))
    assert main(command) == 0
    runs = manifest_of(out)["runs"]
    assert [run["status"] for run in runs] == [
        f"failed: {out / CACHE}: cannot write the paragraph cache: file too large",
        "delivered",
    ]


@pytest.mark.parametrize("format", ["m4b", "mp3", "wav", "flac"])
def test_a_full_disk_while_files_are_written_names_the_file_and_keeps_the_last_delivery(
    tmp_path: Path, format: str
) -> None:
    source = excerpt(tmp_path / "alice.txt", chapters=1, paragraphs=2)
    out = tmp_path / "out"
    command = ["book", "render", str(source), "-o", str(out), "--engine", "espeak", "-q"]
    assert main([*command, "--format", "wav", "--preset", "none"]) == 0
    delivered = {p.name: p.read_bytes() for p in out.glob("*.*") if p.suffix != ".json"}
    said = run_with_file_size_limit(30_000, CLI, *command, "--format", format).stdout  # all cached
    name = f"01 CHAPTER II The Pool of Tears.{format}"
    if format == "m4b":
        name = "Alice's Adventures in Wonderland.m4b"
    assert said.splitlines()[-1] == f"sonicpipe: error: {out / name}: cannot write: file too large"
    assert "Traceback" not in said and not (out / STAGING).exists()
    assert {p.name: p.read_bytes() for p in out.glob("*.*") if p.suffix != ".json"} == delivered
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["format"] == "wav"


def test_a_latin1_gutenberg_text_renders_and_the_log_says_how_it_was_read(tmp_path: Path) -> None:
    source = tmp_path / "tale.txt"
    text = (
        "Title: A Tale\nCharacter set encoding: ISO-8859-1\n\n"
        "*** START OF THE PROJECT GUTENBERG EBOOK A TALE ***\n\nA caf\u00e9 tale. It was short.\n"
    )
    source.write_bytes(text.encode("latin-1"))
    log = io.StringIO()
    manifest = render_book(source, tmp_path / "out", engine="espeak", format="wav", preset=None,
                           progress=Progress(log, quiet=True))  # fmt: skip
    assert f"{source}: not UTF-8; read as cp1252, as its header says" in log.getvalue()
    assert manifest["chapters"][0]["sentences"] == {"text": 2, "rendered": 2}


def test_a_rerender_leaves_only_what_its_report_lists(tmp_path: Path) -> None:
    chapters = [Chapter(t, [f"The {t.lower()} chapter."]) for t in ("One", "Two", "Three")]
    out = tmp_path / "out"
    options = {"engine": "espeak", "preset": None}
    first = render_book(Book("Rerun", "Someone", chapters, b"\xff\xd8\xff" + bytes(8)), out,
                        format="m4b", **options)  # fmt: skip
    assert {"Rerun.m4b", "Rerun.srt", "cover.jpg"} <= set(first["delivery"]["files"])
    mine = [out / "notes.txt", out / "99 Mine.mp3", tmp_path / "outside.mp3"]
    for path in mine:  # files the book never wrote, one listed by a tampered report
        path.write_bytes(b"mine")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report["chapters"][0]["files"].append("../outside.mp3")
    (out / "report.json").write_text(json.dumps(report), encoding="utf-8")
    bookkeeping = {"cache", "manifest.json", "report.json", "report.txt", ".lock"}
    for format, titles in [("mp3", ["One", "Two", "Three"]), ("mp3", ["First", "Two"]),
                           ("flac", ["First", "Two"])]:  # fmt: skip
        renamed = [Chapter(t, [f"The {t.lower()} chapter."]) for t in titles]
        manifest = render_book(Book("Rerun", "Someone", renamed), out, format=format, **options)
        files = manifest["delivery"]["files"]
        assert len(files) == 3 * len(titles)
        assert {p.name for p in out.iterdir()} == {*files, *bookkeeping, "notes.txt", "99 Mine.mp3"}
    assert all(path.read_bytes() == b"mine" for path in mine)
