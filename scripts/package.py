"""Build pausepoint as one folder for people without Python, pack it, and try it.

dist/pausepoint-VERSION-linux-x86_64.tar.gz holds the folder, a desktop entry, the icons, the
font it ships (with its licence) and install.sh. The smoke test runs the unpacked bundle with
an empty environment (no virtual environment on the path) and prints the figures: build
time, sizes, and start-up against the venv in this same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FONTS_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_LICENCE = Path("/usr/share/doc/fonts-dejavu-core/copyright")
ICON_SIZES_PX = (48, 128, 256)
UNUSED_QT = (
    # Translations of Qt's own dialogs (pausepoint speaks English) and platform plugins a
    # desktop never uses.
    "translations",
    "plugins/platforms/libqeglfs.so",
    "plugins/platforms/libqlinuxfb.so",
    "plugins/platforms/libqminimal.so",
    "plugins/platforms/libqminimalegl.so",
    "plugins/platforms/libqvnc.so",
    "plugins/platforms/libqvkkhrdisplay.so",
    "plugins/egldeviceintegrations",
    "plugins/platformthemes/libqgtk3.so",  # needs GTK, which the bundle does not carry
    "lib/libQt6EglFSDeviceIntegration.so.6",
    "lib/libQt6EglFsKmsSupport.so.6",
    # The on-screen keyboard and PDF images.
    "plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "lib/libQt6VirtualKeyboard.so.6",
    "lib/libQt6VirtualKeyboardQml.so.6",
    "plugins/imageformats/libqpdf.so",
    "lib/libQt6Pdf.so.6",
    # Video and media files, with FFmpeg and Qt Quick beneath them: the cue sounds go
    # through Qt Multimedia's own PulseAudio output, without this plugin.
    "plugins/multimedia",
    "lib/libavcodec.so.61",
    "lib/libavformat.so.61",
    "lib/libavutil.so.59",
    "lib/libswresample.so.5",
    "lib/libswscale.so.8",
    "lib/libQt6Quick.so.6",
    "lib/libQt6Qml.so.6",
    "lib/libQt6QmlMeta.so.6",
    "lib/libQt6QmlModels.so.6",
    "lib/libQt6QmlWorkerScript.so.6",
)
MAX_ARCHIVE_MB = 160.0


def fail(message: str) -> None:
    print(f"package: {message}", file=sys.stderr)
    raise SystemExit(1)


def version() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from pausepoint import __version__

    return __version__


def extra_files(folder: Path) -> None:
    """The font the bundle ships and the icons, drawn from the project's SVG."""
    fonts = folder / "fonts"
    fonts.mkdir(parents=True)
    for name in FONTS:
        if not (FONTS_DIR / name).is_file():
            fail(f"{FONTS_DIR / name} is missing: install the Debian package fonts-dejavu-core")
        shutil.copy(FONTS_DIR / name, fonts / name)
    shutil.copy(FONT_LICENCE, fonts / "LICENSE-DejaVu.txt")
    icons = folder / "icons"
    icons.mkdir()
    svg = ROOT / "packaging" / "icons" / "pausepoint.svg"
    shutil.copy(svg, icons / svg.name)
    render_icons(svg, icons)


def render_icons(svg: Path, out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    for size_px in ICON_SIZES_PX:
        image = QImage(size_px, size_px, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        if not image.save(str(out / f"{size_px}.png")):
            fail(f"could not write the {size_px}px icon")
    del app


def folder_mb(folder: Path) -> float:
    """Bytes on disk, each file once (the bundle links some libraries under two names)."""
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def build(work: Path) -> Path:
    extra = work / "extra"
    extra_files(extra)
    env = {**os.environ, "PAUSEPOINT_BUNDLE_EXTRA": str(extra)}
    spec = ROOT / "packaging" / "pausepoint.spec"
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(spec)]
    if subprocess.run(command, env=env, cwd=work).returncode != 0:
        fail("PyInstaller failed (its messages are above)")
    bundle = work / "dist" / "pausepoint"
    qt = bundle / "_internal" / "PySide6" / "Qt"
    for unused in UNUSED_QT:
        target = qt / unused
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    still_needed(bundle, {Path(unused).name for unused in UNUSED_QT if unused.startswith("lib/")})
    strip_interpreter(bundle / "_internal")
    shutil.copytree(extra / "icons", bundle / "icons")
    shutil.copy(ROOT / "packaging" / "pausepoint.desktop", bundle)
    shutil.copy(ROOT / "packaging" / "install.sh", bundle)
    return bundle


def strip_interpreter(internal: Path) -> None:
    """Drop the debug information a self-built Python carries (about 7 MB packed). Only the
    interpreter's own files: stripping the wheels' libraries breaks OpenBLAS."""
    own = [*internal.glob("libpython3*.so*"), *(internal / "python3.11").rglob("*.so")]
    for library in own:
        if library.is_file() and not library.is_symlink():
            subprocess.run(["strip", "--strip-debug", str(library)], check=True)


def still_needed(bundle: Path, removed: set[str]) -> None:
    """Fail if a library left in the bundle links one that was taken out."""
    for library in bundle.rglob("*.so*"):
        if library.is_symlink() or not library.is_file():
            continue
        dynamic = subprocess.run(
            ["readelf", "-d", str(library)], capture_output=True, text=True, check=False
        ).stdout
        for name in removed:
            if f"[{name}]" in dynamic:
                fail(f"{library.relative_to(bundle)} needs {name}, which was taken out")


def pack(bundle: Path, archive: Path) -> None:
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        tar.add(bundle, arcname=archive.name.removesuffix(".tar.gz"))


def run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Run one smoke step; seconds it took and what it printed. A failure ends the build."""
    start_s = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    took_s = time.perf_counter() - start_s
    if done.returncode != 0:
        fail(f"smoke test: {' '.join(command[1:])} exited {done.returncode}: {done.stderr[-800:]}")
    return took_s, done.stdout


def image_difference(a: Path, b: Path) -> float:
    """Mean absolute difference of two screenshots, 0 (same) to 1; 1 when sizes differ."""
    import numpy as np
    from PySide6.QtGui import QImage

    first, second = QImage(str(a)), QImage(str(b))
    if first.size() != second.size():
        return 1.0

    def pixels(image: QImage) -> np.ndarray:
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        rows, width = image.height(), image.bytesPerLine()
        return np.frombuffer(image.constBits(), np.uint8, rows * width).astype(float)

    return float(np.mean(np.abs(pixels(first) - pixels(second)))) / 255.0


def smoke(archive: Path) -> dict[str, float]:
    """Unpack and run the bundle as a person would, with nothing of this environment."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        with tarfile.open(archive) as tar:
            tar.extractall(where, filter="tar")
        (unpacked,) = where.iterdir()
        figures["unpacked_mb"] = folder_mb(unpacked)
        home = where / "home"
        home.mkdir()
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"}
        app = str(unpacked / "pausepoint")
        venv_app = str(Path(sys.executable).with_name("pausepoint"))
        db = str(where / "sessions.db")
        figures["version_s"], out = run([app, "--version"], where, env)
        if out.strip() != f"pausepoint {version()}":
            fail(f"smoke test: --version printed {out.strip()!r}")
        figures["venv_version_s"], _ = run([venv_app, "--version"], where, dict(os.environ))
        run([app, "simulate", "argument", "--out", "argument.csv"], where, env)
        _took, out = run([app, "analyze", "argument.csv", "--json"], where, env)
        if '"flooding_start"' not in out:
            fail("smoke test: analyze found no flooding in the simulated argument")
        command = [app, "record", "--simulate", "argument", "--speed", "200", "--db", db]
        run([*command, "--quiet"], where, env)
        for suffix in ("png", "pdf"):
            run([app, "report", "1", "--db", db, "--out", f"report.{suffix}"], where, env)
            if (where / f"report.{suffix}").stat().st_size < 10_000:
                fail(f"smoke test: report.{suffix} is nearly empty")
        # The first frame: the window drawn one second into a simulated session.
        first = ["dashboard", "--simulate", "calm", "--screenshot", "first.png", "--at", "1"]
        venv_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        figures["first_frame_s"], _ = run([app, *first], where, env)
        figures["venv_first_frame_s"], _ = run([venv_app, *first], where, venv_env)
        shot = ["dashboard", "--simulate", "argument", "--screenshot"]
        run([app, *shot, "bundle.png", "--at", "470"], where, env)
        run([venv_app, *shot, "venv.png", "--at", "470"], where, venv_env)
        figures["screenshot_difference"] = image_difference(
            where / "bundle.png", where / "venv.png"
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the archive goes")
    parser.add_argument("--no-smoke", action="store_true", help="build and pack only")
    args = parser.parse_args()
    if sys.platform != "linux" or platform.machine() != "x86_64":
        fail("this script builds the Linux x86_64 bundle; see docs/packaging.md for others")
    archive = args.out / f"pausepoint-{version()}-linux-x86_64.tar.gz"
    start_s = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        bundle = build(Path(work))
        pack(bundle, archive)
    build_s = time.perf_counter() - start_s
    archive_mb = archive.stat().st_size / 1e6
    print(f"archive: {archive}")
    print(f"build_time: {build_s:.0f} s")
    print(f"archive_size: {archive_mb:.1f} MB")
    if archive_mb > MAX_ARCHIVE_MB:
        fail(f"the archive is {archive_mb:.0f} MB, over {MAX_ARCHIVE_MB:.0f} MB")
    if args.no_smoke:
        return 0
    figures = smoke(archive)
    print(f"unpacked_size: {figures['unpacked_mb']:.1f} MB")
    print(f"version_startup: {figures['version_s']:.2f} s (venv {figures['venv_version_s']:.2f} s)")
    print(
        f"first_frame: {figures['first_frame_s']:.2f} s "
        f"(venv {figures['venv_first_frame_s']:.2f} s)"
    )
    print(f"screenshot_difference: {figures['screenshot_difference']:.4f}")
    if figures["screenshot_difference"] > 0.02:
        fail("the bundle's screenshot differs from the venv's (see the figures above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
