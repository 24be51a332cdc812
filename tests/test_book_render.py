"""Book rendering with the local espeak voice: resume after a kill, edits, gaps, delivery."""

from __future__ import annotations

import itertools
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from sonicpipe.audio.measure import measure, read_audio
from sonicpipe.book import render_book
from sonicpipe.book.assemble import Delivery
from sonicpipe.book.readers import read_book
from sonicpipe.book.render import MANIFEST, GapError
from sonicpipe.cli import main
from sonicpipe.hookspecs import hookimpl

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ALICE = CORPUS / "alice-in-wonderland.txt"


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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if len(manifest_of(output)["runs"][-1]["synthesized"]) >= 3:
                break
        except (FileNotFoundError, json.JSONDecodeError, KeyError, IndexError):
            pass
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the render ended before it could be killed"
    killed = manifest_of(output)
    assert killed["runs"][0]["status"] == "running"  # it never got to say otherwise
    first = killed["runs"][0]["synthesized"]
    assert 3 <= len(first) < len(set(keys_of(killed)))

    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    manifest = manifest_of(output)
    keys = set(keys_of(manifest))
    runs = manifest["runs"]
    assert [r["status"] for r in runs] == ["running", "delivered"]
    second = runs[1]["synthesized"] + runs[1]["recovered"]
    assert runs[0]["synthesized"] == first
    # Every paragraph was synthesized exactly once over the two runs.
    assert sorted(first + second) == sorted(keys)
    assert not list((output / "cache").glob("*.part*"))
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


def test_editing_one_paragraph_synthesizes_only_it(tmp_path: Path) -> None:
    source = excerpt(tmp_path / "alice.txt", chapters=2, paragraphs=3, licence=False)
    output = tmp_path / "out"
    options = {"engine": "espeak", "format": "flac", "preset": None, "parallelism": 2}
    before = render_book(source, output, **options)
    text = source.read_text(encoding="utf-8")
    edited = re.sub(r"'Curiouser and curiouser!'", "'Stranger and stranger!'", text, count=1)
    assert edited != text
    source.write_text(edited, encoding="utf-8")
    after = render_book(source, output, **options)
    old, new = keys_of(before), keys_of(after)
    changed = [n for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(changed) == 1
    run = after["runs"][-1]
    assert run["synthesized"] == [new[changed[0]]]
    assert run["recovered"] == [] and run["reused"] == len(set(new)) - 1
    again = render_book(source, output, **options)
    assert again["runs"][-1]["synthesized"] == []


class DropsTheTuesday:
    """A real plugin that loses a sentence on the way (a broken segment hook)."""

    @hookimpl
    def sonicpipe_refine_segment(self, segment, settings) -> None:
        if "Tuesday" in segment.text:
            segment.text = ""


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
    assert not list(output.glob("*.m4b"))


def test_end_to_end_m4b_then_acx_mp3_from_the_same_cache(tmp_path: Path) -> None:
    source = excerpt(tmp_path / "alice.txt", chapters=3, paragraphs=3)
    output = tmp_path / "out"
    manifest = render_book(source, output, engine="espeak", parallelism=3)
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    titles = [
        "CHAPTER II. The Pool of Tears",
        "CHAPTER III. A Caucus-Race and a Long Tale",
        "CHAPTER IV. The Rabbit Sends in a Little Bill",
    ]
    assert [c["title"] for c in report["chapters"]] == titles
    assert "Project Gutenberg" not in " ".join(
        p for c in read_book(source).chapters for p in c.paragraphs
    )
    # One M4B with a marker per chapter, metadata and the report's durations.
    m4b = output / "Alice s Adventures in Wonderland.m4b"
    assert manifest["delivery"]["files"][0] == m4b.name
    audio = MP4(m4b)
    assert audio["\xa9nam"] == ["Alice's Adventures in Wonderland"]
    assert audio["\xa9ART"] == ["Lewis Carroll"]
    starts = [c.start for c in audio.chapters]
    assert [c.title for c in audio.chapters] == titles
    expected = np.cumsum([0] + [c["seconds"] for c in report["chapters"]])[:-1]
    assert np.allclose(starts, expected, atol=0.05)
    assert abs(audio.info.length - report["seconds"]) < 0.1
    # Every sentence accounted for, levels as the preset asks.
    for row in report["chapters"]:
        assert row["sentences"]["text"] == row["sentences"]["rendered"] > 0
        assert -23 <= row["levels"]["rms_dbfs"] <= -18
        assert row["levels"]["true_peak_dbtp"] <= -3
        assert row["acx"]["pass"]
    # Captions: in order, inside the audio, holding the words of the text.
    vtt = (output / m4b.with_suffix(".vtt").name).read_text(encoding="utf-8")
    srt = (output / m4b.with_suffix(".srt").name).read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n")
    times = re.findall(
        r"(\d\d):(\d\d):(\d\d)[.,](\d\d\d) --> (\d\d):(\d\d):(\d\d)[.,](\d\d\d)", vtt
    )
    seconds = [
        (
            int(a) * 3600 + int(b) * 60 + int(c) + int(d) / 1000,
            int(e) * 3600 + int(f) * 60 + int(g) + int(h) / 1000,
        )
        for a, b, c, d, e, f, g, h in times
    ]
    assert len(seconds) == srt.count(" --> ") > 20
    assert all(s < e for s, e in seconds)
    assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(seconds))
    assert seconds[0][0] >= Delivery().head and seconds[-1][1] <= report["seconds"]
    assert "Curiouser and curiouser" in vtt and "Curiouser and curiouser" in srt

    # The ACX delivery from the same cache: nothing synthesized again.
    manifest = render_book(source, output, engine="espeak", format="mp3", preset="acx")
    assert manifest["runs"][-1]["synthesized"] == []
    mp3s = sorted(output.glob("0*.mp3"))
    assert [p.name[:3] for p in mp3s] == ["01 ", "02 ", "03 "]
    for path in mp3s:
        info = MP3(path).info
        assert (info.sample_rate, info.bitrate, info.channels) == (44100, 192000, 1)
        assert str(info.bitrate_mode) in ("BitrateMode.CBR", "BitrateMode.UNKNOWN")
        samples, rate = read_audio(path)
        measured = measure(samples, rate)
        assert -23 <= measured.rms_dbfs <= -18 and measured.sample_peak_dbfs <= -3
        head = samples[int(0.1 * rate) : int(0.6 * rate)]  # room tone, not digital silence
        level = 20 * np.log10(np.sqrt(np.mean(head**2)))
        assert -80 < level <= -60
        assert path.with_suffix(".srt").is_file() and path.with_suffix(".vtt").is_file()
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    assert report["format"] == "mp3" and report["acx_pass"]


def test_cli_reports_bad_books_and_options_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["book", "render", str(tmp_path / "none.txt"), "-o", str(tmp_path / "o")]) == 2
    assert "none.txt: no such file" in capsys.readouterr().err
    source = excerpt(tmp_path / "alice.txt", chapters=1, paragraphs=1)
    assert main(["book", "render", str(source), "-j", "0", "-o", str(tmp_path / "o")]) == 2
    assert "parallelism 0: expected a whole number >= 1" in capsys.readouterr().err
