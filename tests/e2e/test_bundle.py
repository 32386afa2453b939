"""The bundle for people without Python: built by scripts/package, unpacked and run with an
empty environment (its smoke test: --version, simulate, analyze, record, a PNG and a PDF
report, an offscreen screenshot matching the venv's), and carrying what a desktop needs."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 900.0

pytestmark = [pytest.mark.slow, pytest.mark.timeout(BUILD_TIMEOUT_S + 60)]


def test_the_bundle_builds_runs_and_installs_into_a_menu(tmp_path: Path) -> None:
    from pausepoint import __version__

    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "package.py"), "--out", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = dict(re.findall(r"^(\w+): (.+)$", done.stdout, flags=re.MULTILINE))
    archive = tmp_path / f"pausepoint-{__version__}-linux-x86_64.tar.gz"
    assert figures["archive"] == str(archive)
    assert float(figures["archive_size"].split()[0]) <= 160.0
    assert float(figures["screenshot_difference"]) <= 0.02
    top = archive.name.removesuffix(".tar.gz")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        desktop = tar.extractfile(f"{top}/pausepoint.desktop")
        assert desktop is not None
        entry = desktop.read().decode()
    for shipped in (
        "pausepoint",
        "install.sh",
        "icons/pausepoint.svg",
        "icons/48.png",
        "icons/256.png",
        "_internal/pausepoint/data/defaults.toml",
        "_internal/pausepoint/data/sounds/pause.wav",
        "_internal/pausepoint/data/fonts/DejaVuSans.ttf",
        "_internal/pausepoint/data/fonts/LICENSE-DejaVu.txt",
    ):
        assert f"{top}/{shipped}" in names, shipped
    assert "Exec=@BIN@ dashboard" in entry and "Icon=pausepoint" in entry

    # install.sh puts it in this user's menu, no root: a menu entry pointing at the folder.
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    home = tmp_path / "home"
    home.mkdir()
    folder = tmp_path / "unpacked" / top
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    subprocess.run(["sh", str(folder / "install.sh")], env=env, check=True, capture_output=True)
    menu = (home / ".local/share/applications/pausepoint.desktop").read_text()
    assert f"Exec={folder}/pausepoint dashboard" in menu
    assert (home / ".local/share/icons/hicolor/256x256/apps/pausepoint.png").is_file()
    assert (home / ".local/bin/pausepoint").resolve() == (folder / "pausepoint").resolve()
