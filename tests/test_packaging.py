"""The wheel a user installs carries everything the tool reads: templates, language data, file types."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _declared_packages() -> set[str]:
    return set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])


def test_every_package_folder_is_declared() -> None:
    folders = {".".join(p.relative_to(REPO).parts) for p in (REPO / "timeline").rglob("*")
               if p.is_dir() and p.name != "__pycache__" and any(f.suffix in (".py", ".toml") for f in p.iterdir())}
    assert folders | {"timeline", "timeline.templates"} == _declared_packages()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
                   check=True, capture_output=True)
    return zipfile.ZipFile(next(out.glob("timeline-*.whl")))


def test_wheel_ships_templates_and_language_data_as_real_files(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for template in (REPO / "templates").iterdir():
        assert f"timeline/templates/{template.name}" in names
        info = wheel.getinfo(f"timeline/templates/{template.name}")
        assert (info.external_attr >> 16) & 0o170000 != 0o120000  # not a symbolic link
        assert wheel.read(info) == template.read_bytes()
    for data in (REPO / "timeline" / "lang" / "en").glob("*.toml"):
        assert f"timeline/lang/en/{data.name}" in names
    assert "timeline/data/file_types.toml" in names


def test_installed_wheel_renders_the_sheet(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    """Installed elsewhere (no checkout beside it), the package still finds its own templates."""
    target = tmp_path / "site"
    wheel.extractall(target)
    code = ("import timeline.export.html as h, pathlib, sys; d = h.builtin_templates_dir(); "
            "print(d); sys.exit(0 if pathlib.Path(d).is_relative_to(sys.argv[1]) else 1)")
    done = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); " + code, str(target)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
