"""Captions from word timings: cues, SRT and WebVTT, and a render's captions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile as sf
from conftest import SlowMotion

from sonicpipe import Settings
from sonicpipe.captions import Caption, cues, stamp, write_captions
from sonicpipe.cli import main
from sonicpipe.pipeline import Pipeline
from sonicpipe.server import LocalServer

NUMBERS = "one two three four five six seven eight nine ten eleven"
TEXT = "Hello there, this is a short voice-over. It has two sentences! Does it work?"


def test_a_cue_ends_at_a_sentence_end_at_twelve_words_or_before_six_seconds() -> None:
    words = [("One", 0.0, 0.4), ("two.", 0.5, 0.9), *((f"w{n}", n, n + 0.5) for n in range(1, 14))]
    made = cues(words, offset=10.0)
    assert made[0] == Caption(10.0, 10.9, "One two.")
    assert made[1].text == " ".join(f"w{n}" for n in range(1, 7))  # w7 would end 6.5 s in
    assert (made[1].start, made[1].end) == (11.0, 16.5)
    assert made[2].text == " ".join(f"w{n}" for n in range(7, 13))
    assert made[3].text == "w13"
    few = [(f"w{n}", n / 10, n / 10 + 0.05) for n in range(13)]
    assert [len(c.text.split()) for c in cues(few)] == [12, 1]


def test_a_pause_ends_a_cue_so_that_none_stays_on_screen_through_it() -> None:
    words = [("Wait", 0.0, 0.3), ("for", 0.35, 0.5), ("it", 0.55, 0.7), ("and", 8.7, 8.9),
             ("then.", 9.0, 9.4)]  # fmt: skip
    assert cues(words) == [Caption(0.0, 0.7, "Wait for it"), Caption(8.7, 9.4, "and then.")]


def test_a_cue_holds_at_most_two_lines_of_42_characters_broken_evenly() -> None:
    text = ("Nevertheless, the extraordinarily comprehensive documentation accompanying "
            "international telecommunications regulations remained")  # fmt: skip
    words = [(word, n * 0.3, n * 0.3 + 0.25) for n, word in enumerate(text.split())]
    made = cues(words)
    lines = [line for cue in made for line in cue.text.split("\n")]
    assert all(len(line) <= 42 for line in lines), lines
    assert all(cue.text.count("\n") <= 1 for cue in made)
    assert " ".join(lines) == text, "every word, in order"
    assert (
        made[0].text
        == "Nevertheless, the extraordinarily\ncomprehensive documentation accompanying"
    )
    assert made[1].text.startswith("international"), "a word for a third line starts a cue"
    counted = [(word, n * 0.3, n * 0.3 + 0.25) for n, word in enumerate(NUMBERS.split())]
    assert cues(counted)[0].text == "one two three four five six\nseven eight nine ten eleven"
    assert cues([("Short", 0.0, 0.2), ("cue.", 0.3, 0.5)])[0].text == "Short cue."
    url = "https://example.com/a/very/long/path/that/no/line/can/hold"
    made = cues([("See", 0.0, 0.2), (url, 0.3, 2.0), ("now.", 2.1, 2.4)])
    assert [cue.text for cue in made] == ["See", url, "now."], "a too-long word stands alone"


def test_srt_and_webvtt_are_written_side_by_side(tmp_path: Path) -> None:
    captions = [Caption(1.5, 3723.25, "Hi."), Caption(4, 5, "Bye.")]
    paths = write_captions(tmp_path / "talk.mp3", captions)
    assert paths == [tmp_path / "talk.srt", tmp_path / "talk.vtt"]
    assert paths[0].read_text(encoding="utf-8") == (
        "1\n00:00:01,500 --> 01:02:03,250\nHi.\n\n2\n00:00:04,000 --> 00:00:05,000\nBye.\n"
    )
    assert paths[1].read_text(encoding="utf-8") == (
        "WEBVTT\n\n00:00:01.500 --> 01:02:03.250\nHi.\n\n00:00:04.000 --> 00:00:05.000\nBye.\n"
    )
    assert stamp(-0.2, ",") == "00:00:00,000"
    write_captions(tmp_path / "code.wav", [Caption(0, 1, "if a < b & c > d")])
    assert (
        (tmp_path / "code.vtt")
        .read_text(encoding="utf-8")
        .endswith("\nif a &lt; b &amp; c &gt; d\n")
    )  # a bare "<" starts a tag in WebVTT
    assert (tmp_path / "code.srt").read_text(encoding="utf-8").endswith("\nif a < b & c > d\n")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer(engine="espeak") as local:
        yield local


def srt_cues(path: Path) -> list[tuple[float, float, str]]:
    found = re.findall(
        r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n((?:.+\n)+)",
        path.read_text(encoding="utf-8"),
    )
    assert [int(f[0]) for f in found] == list(range(1, len(found) + 1))
    seconds = [
        (int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000)
        for f in found
        for h, m, s, ms in (f[1:5], f[5:9])
    ]
    return [
        (seconds[2 * i], seconds[2 * i + 1], " ".join(f[9].splitlines()))
        for i, f in enumerate(found)
    ]


def test_a_render_with_captions_times_every_word_within_its_audio(
    server: LocalServer, tmp_path: Path
) -> None:
    with Pipeline(Settings(url=server.url), timestamps=True) as pipe:
        path = pipe.render(TEXT, tmp_path / "vo.flac", captions=True)
    seconds = sf.info(path).duration
    found = srt_cues(tmp_path / "vo.srt")
    assert [text for _, _, text in found] == [
        "Hello there, this is a short voice-over.",
        "It has two sentences!",
        "Does it work?",
    ]
    times = [t for start, end, _ in found for t in (start, end)]
    assert times == sorted(times) and times[-1] <= seconds + 0.001
    assert times[-1] > seconds - 1.0  # the last word ends near the end of the audio
    vtt = (tmp_path / "vo.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n") and vtt.count(" --> ") == 3


def test_captions_need_timestamps_and_nothing_is_written_without(
    server: LocalServer, tmp_path: Path
) -> None:
    message = "^captions come from word timestamps: make the Pipeline with timestamps=True$"
    with Pipeline(Settings(url=server.url)) as pipe, pytest.raises(ValueError, match=message):
        pipe.render(TEXT, tmp_path / "vo.wav", captions=True)
    assert list(tmp_path.iterdir()) == []


def test_render_captions_on_the_command_line(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "sonicpipe.toml"
    config.write_text(f'url = "{server.url}"\n', encoding="utf-8")
    source = tmp_path / "vo.txt"
    source.write_text(TEXT + "\n", encoding="utf-8")
    out = tmp_path / "vo.mp3"
    assert main(["-c", str(config), "render", str(source), "-o", str(out), "--captions"]) == 0
    srt, vtt = out.with_suffix(".srt"), out.with_suffix(".vtt")
    assert capsys.readouterr().out.strip() == f"wrote {out}, {srt} and {vtt}"
    assert len(srt_cues(srt)) == 3 and vtt.is_file()


def test_captions_without_word_timings_are_an_error_and_the_audio_stays(
    server: LocalServer, tmp_path: Path
) -> None:
    settings = Settings(url=server.url)
    with Pipeline(settings, plugins=[SlowMotion()], timestamps=True) as pipe:
        message = f"^{re.escape(str(tmp_path / 'vo.wav'))}: written without captions: no word "
        with pytest.warns(UserWarning), pytest.raises(ValueError, match=message):
            pipe.render(TEXT, tmp_path / "vo.wav", captions=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vo.wav"]


def test_a_folder_in_the_way_of_the_captions_is_found_before_any_audio(
    server: LocalServer, tmp_path: Path
) -> None:
    (tmp_path / "vo.vtt").mkdir()
    message = f"^{re.escape(str(tmp_path / 'vo.vtt'))}: cannot write: a folder$"
    pipe = Pipeline(Settings(url=server.url), timestamps=True)
    with pipe, pytest.raises(OSError, match=message):
        pipe.render(TEXT, tmp_path / "vo.wav", captions=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vo.vtt"]


def test_captions_never_overwrite_the_text_they_come_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("talk.srt").write_text("My precious script.\n", encoding="utf-8")
    assert main(["render", "talk.srt", "--captions", "--engine", "espeak"]) == 2
    assert capsys.readouterr().err == (
        "sonicpipe: error: --captions: they would overwrite talk.srt, the text; give -o another "
        "name\n"
    )
    assert Path("talk.srt").read_text(encoding="utf-8") == "My precious script.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.srt"]
