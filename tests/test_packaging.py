"""The wheel ships every module, the built-in plugins, their data and the dictionaries."""

import configparser
import shutil
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
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


def test_wheel_holds_every_module_and_data_file(tmp_path: Path) -> None:
    """Built from a copy of the shipped folders: nothing left in the checkout's build/ (a
    module since deleted) can reach the wheel, and the shared checkout is not written to."""
    project = tmp_path / "project"
    for source in SHIPPED:
        shutil.copytree(REPO / source, project / source, ignore=SKIPPED)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, project / name)
    expected = {
        f"{target}/{path.relative_to(project / source).as_posix()}"
        for source, target in SHIPPED.items()
        for path in (project / source).rglob("*")
        if path.is_file()
    }
    assert {"sonicpipe/builtin/data/punkt-en.json", "sonicpipe/dictionaries/tech.toml"} <= expected
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(project)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr  # e.g. pyproject.toml names another folder
    [wheel] = tmp_path.glob("sonicpipe-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    [metadata] = {name.split("/")[0] for name in names if ".dist-info/" in name}
    assert sorted(n for n in names if not n.startswith(f"{metadata}/")) == sorted(expected)
    listed = configparser.ConfigParser()
    listed.read_string(zipfile.ZipFile(wheel).read(f"{metadata}/entry_points.txt").decode())
    plugins = {p.stem for p in (REPO / "plugins").glob("*.py")} - {"__init__"}
    assert dict(listed["sonicpipe"]) == {name: f"sonicpipe.builtin.{name}" for name in plugins}
    assert dict(listed["console_scripts"]) == {"sonicpipe": "sonicpipe.cli:run"}
