"""The wheel ships every module, the built-in plugins, their data and the dictionaries."""

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
DATA_SUFFIXES = {".py", ".json", ".toml", ".tsv"}


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
        if path.suffix in DATA_SUFFIXES and "__pycache__" not in path.parts
    }
    assert "sonicpipe/builtin/data/punkt-en.json" in expected
    assert sorted(expected - names) == []
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    listed = zipfile.ZipFile(wheel).read(entry_points).decode()
    for module in (REPO / "plugins").glob("*.py"):
        if module.stem != "__init__":
            assert f"sonicpipe.builtin.{module.stem}" in listed, module.name
