"""The package as a user gets it: a wheel installed (not editable) into a fresh environment.

The wheel is built from a copy of the tree (the build leaves nothing in the repository) and
installed with its dependencies from the same index as the project's own environment. Every
command runs in an empty folder with its own home, so nothing of the repository or of the
user can be found by accident: what works here works from ``pip install``.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DATA = REPO_ROOT / "src" / "pausepoint" / "data"
# The tree a wheel is built from: the package and the top-level files its data links point to.
BUILD_INPUTS = ("pyproject.toml", "README.md", "src", "calibration", "hardware")
INSTALL_TIMEOUT_S = 600.0  # dependencies come from the index: a cold cache downloads Qt
COMMAND_TIMEOUT_S = 120.0

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2 * INSTALL_TIMEOUT_S)]


def run(
    args: list[str | Path], cwd: Path, env: dict[str, str], timeout_s: float = COMMAND_TIMEOUT_S
) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stderr}"
    return result.stdout


def build_wheel(tmp_path: Path, env: dict[str, str]) -> Path:
    tree = tmp_path / "tree"
    for name in BUILD_INPUTS:
        source = REPO_ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
            shutil.copytree(source, tree / name, symlinks=True, ignore=ignore)
        else:
            tree.mkdir(exist_ok=True)
            shutil.copy2(source, tree / name)
    dist = tmp_path / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", ".", "-w", dist]
    run(pip_wheel, tree, env, INSTALL_TIMEOUT_S)
    (wheel,) = dist.glob("pausepoint-*.whl")
    return wheel


def check_data_are_files(wheel: Path) -> None:
    """The TOMLs are links in the tree; the wheel must carry their contents."""
    linked = sorted(p for p in PACKAGE_DATA.glob("*.toml"))
    assert linked, "no package data to check"
    with zipfile.ZipFile(wheel) as archive:
        for path in linked:
            info = archive.getinfo(f"pausepoint/data/{path.name}")
            assert not stat.S_ISLNK(info.external_attr >> 16), f"{path.name} is a link"
            assert archive.read(info) == path.read_bytes(), f"{path.name} differs"


def check_png_has_a_picture(png: Path) -> None:
    from PIL import Image

    with Image.open(png) as image:
        assert image.width > 400 and image.height > 300, image.size
        grey = image.convert("L")
        low, high = grey.getextrema()
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert high - low > 64, f"flat image ({low}..{high})"
    assert colours is None or len(colours) > 16, f"only {len(colours)} colours"


def test_installed_wheel_simulates_analyzes_and_screenshots(tmp_path: Path) -> None:
    outside = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    wheel = build_wheel(tmp_path, outside)
    check_data_are_files(wheel)

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], tmp_path, outside)
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", wheel], tmp_path, outside, INSTALL_TIMEOUT_S)

    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = outside | {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PAUSEPOINT_DB": str(home / "sessions.db"),
        "QT_QPA_PLATFORM": "offscreen",
        "PATH": f"{venv / 'bin'}{os.pathsep}{outside['PATH']}",
    }
    where = run([python, "-c", "import pausepoint; print(pausepoint.__file__)"], work, env)
    installed = Path(where.strip()).parent
    assert installed.is_relative_to(venv), installed
    assert not any(p.is_symlink() for p in (installed / "data").glob("*.toml"))

    pausepoint = venv / "bin" / "pausepoint"
    said = run([pausepoint, "simulate", "calm", "--minutes", "3", "--out", "x.csv"], work, env)
    assert "x.csv" in said
    analysis = json.loads(run([pausepoint, "analyze", "x.csv", "--json"], work, env))
    assert analysis["beats"] > 150
    assert 170.0 < analysis["duration_s"] <= 180.0
    assert analysis["summary"]["flooded_s"] == 0.0

    shot = [pausepoint, "dashboard", "--simulate", "argument", "--screenshot", "s.png"]
    run([*shot, "--at", "60"], work, env)
    check_png_has_a_picture(work / "s.png")
