"""``sonicpipe audio measure FILE``: the levels of a file and a delivery check, printed.

Prints integrated loudness, loudness range, true peak, sample peak, RMS and noise floor
(:mod:`sonicpipe.audio.measure`), then a pass/fail table against a preset (ACX by default);
``--json`` for machines. The exit status is 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict
from pathlib import Path

from sonicpipe.audio.presets import PRESETS


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None  # JSON has no -inf


def cmd_measure(args: argparse.Namespace) -> int:
    """Measure a file and print the report; exit 1 when a check fails."""
    from sonicpipe.audio.measure import check, measure_file  # loads the DSP libraries

    result = measure_file(args.file)
    preset = PRESETS[args.preset]
    rows = check(result, preset)
    if args.json:
        data = {key: _number(v) if isinstance(v, float) else v for key, v in asdict(result).items()}
        data["preset"] = preset.name
        data["checks"] = [{**asdict(r), "value": _number(r.value)} for r in rows]
        data["passed"] = all(r.passed for r in rows)
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(f"{result.path}: {result.seconds:.2f} s at {result.sample_rate} Hz")
        for label, value, unit in [
            ("integrated loudness", result.integrated_lufs, "LUFS"),
            ("loudness range", result.loudness_range_lu, "LU"),
            ("true peak", result.true_peak_dbtp, "dBTP"),
            ("sample peak", result.sample_peak_dbfs, "dBFS"),
            ("RMS", result.rms_dbfs, "dBFS"),
            ("noise floor", result.noise_floor_dbfs, "dBFS"),
        ]:
            print(f"  {label:<20} {value:7.1f} {unit}")
        print(f"\n{preset.name} ({preset.describe()}):")
        for row in rows:
            verdict = "pass" if row.passed else "FAIL"
            print(f"  {row.name:<12} {row.value:7.1f}   {row.requirement:<20} {verdict}")
    return 0 if all(r.passed for r in rows) else 1


def add_audio_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sonicpipe audio measure`` to the command line."""
    from sonicpipe.cli import add_command  # the command line that adds this one

    audio = add_command(subparsers, "audio", "audio tools", "Audio tools: measure.")
    tools = audio.add_subparsers(dest="audio_command", required=True, metavar="COMMAND")
    meter = add_command(
        tools,
        "measure",
        "loudness, peaks, noise floor and an ACX check",
        "Print a file's integrated loudness, loudness range, true peak, sample peak, RMS\n"
        "and noise floor, then check them against a delivery preset.\n\n"
        "exit status: 0 every check passes, 1 a check fails, 2 the file cannot be read",
        ["sonicpipe audio measure chapter01.mp3",
         "sonicpipe audio measure episode.wav --preset podcast --json"],
    )  # fmt: skip
    meter.add_argument("file", type=Path, help="an audio file (WAV, FLAC, MP3, M4B, ...)")
    meter.add_argument("--preset", choices=sorted(PRESETS), default="acx",
                       help="the delivery target to check against (default: acx)")  # fmt: skip
    meter.add_argument(
        "--json", action="store_true", help="print the same as one JSON object instead"
    )
    meter.set_defaults(func=cmd_measure, takes=())  # reads no settings
