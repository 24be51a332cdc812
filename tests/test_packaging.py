"""The wheel ships every module, the built-in plugins, their data and the dictionaries."""

import configparser
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED = {  # source folder -> where it lives inside the wheel
    "src/sonicpipe": "sonicpipe",
    "plugins": "sonicpipe/builtin",
    "dictionaries": "sonicpipe/dictionaries",
}


def test_wheel_holds_every_module_and_data_file(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    [wheel] = tmp_path.glob("sonicpipe-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"{target}/{path.relative_to(REPO / source).as_posix()}"
        for source, target in SHIPPED.items()
        for path in (REPO / source).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert {"sonicpipe/builtin/data/punkt-en.json", "sonicpipe/dictionaries/tech.toml"} <= expected
    assert sorted(expected - names) == []
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    listed = configparser.ConfigParser()
    listed.read_string(zipfile.ZipFile(wheel).read(entry_points).decode())
    plugins = {p.stem for p in (REPO / "plugins").glob("*.py")} - {"__init__"}
    assert dict(listed["sonicpipe"]) == {name: f"sonicpipe.builtin.{name}" for name in plugins}
    assert dict(listed["console_scripts"]) == {"sonicpipe": "sonicpipe.cli:main"}
