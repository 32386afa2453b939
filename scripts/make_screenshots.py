"""Make the dashboard's pictures in docs/screenshots, each in the light palette (NAME.png) and
the dark one (NAME-dark.png), offscreen.

Simulated sessions are fed at full speed, the simulated person starting the break 30 s
after the pause prompt (as ``--screenshot`` does); the past sessions, the replays and the
session list are of sessions recorded that way into a temporary database. Nothing here reads
or writes the settings of the person running it. Same seeds, same pictures (but for the
dates and clock times, which are today's): rerun after changing what the window shows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from pausepoint.calibration.profiles import Profile, save_profile
from pausepoint.model import Baseline
from pausepoint.strap.ble import FoundStrap
from pausepoint.ui.app import (
    DEFAULT_SIZE,
    DashboardOptions,
    _hold_pacers,
    _save,
    _window,
    application,
    screenshot,
    simulate_couple_into,
    simulate_into,
)
from pausepoint.ui.main_window import MainWindow
from pausepoint.ui.settings_model import Settings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
THEMES = {"light": "", "dark": "-dark"}
"""Each palette and what it adds to a picture's name."""


TALL = (1280, 1000)
"""A couple's session ended or replayed: the lanes and the linkage under them need more height
than the window's usual 820 px, where the lanes would scroll."""

MOMENTS: dict[str, DashboardOptions] = {
    "calm": DashboardOptions(simulate="argument", at_s=300.0),
    "live": DashboardOptions(simulate="argument", at_s=470.0),
    "flooded": DashboardOptions(simulate="argument", at_s=545.0),
    "break": DashboardOptions(simulate="argument", at_s=800.0),
    "time-up": DashboardOptions(simulate="argument", at_s=1800.0),
    "ready": DashboardOptions(simulate="argument", at_s=2000.0),
    "glance": DashboardOptions(simulate="argument", at_s=550.0, glance=True),
    "glance-couple": DashboardOptions(simulate="couple-argument", at_s=800.0, glance=True),
    "couple-calm": DashboardOptions(simulate="couple-argument", at_s=300.0),
    "couple-flooded": DashboardOptions(simulate="couple-argument", at_s=535.0),
    "couple-break": DashboardOptions(simulate="couple-argument", at_s=800.0),
    "couple-settling": DashboardOptions(simulate="couple-argument", at_s=1900.0),
    "couple-ready": DashboardOptions(simulate="couple-argument", at_s=2200.0),
    "couple-ended": DashboardOptions(simulate="couple-argument", size=TALL),
    "calibration-baseline": DashboardOptions(
        simulate="calm", seed=6, calibrate="baseline", at_s=150.0
    ),
    "calibration-baseline-result": DashboardOptions(simulate="calm", seed=6, calibrate="baseline"),
    "calibration-resonance": DashboardOptions(
        simulate="resonance", seed=6, calibrate="resonance", at_s=500.0
    ),
    "calibration-resonance-result": DashboardOptions(
        simulate="resonance", seed=6, calibrate="resonance"
    ),
    "calibration-rejected": DashboardOptions(simulate="ectopic", calibrate="baseline"),
}
"""Moments of a simulated session (at session time ``at_s``; None: its end) or calibration."""

STRAPS = [
    FoundStrap("Polar H10 7E3A1B2C", "F0:5A:1B:2C:3D:4E", -52, True, "Polar H10"),
    FoundStrap("Garmin HRM-Pro 4471", "C4:7D:2A:44:71:0B", -67, True, "Garmin HRM-Pro"),
]
"""What a scan hears on the start page and the couple form."""
REPLAY_AT_S = 1000.0
COUPLE_REPLAY_AT_S = 1966.0
"""The couple replayed once one has settled and the other is settling, the linkage below."""


def _recorded(db: Path, theme: str) -> tuple[int, int]:
    """The `argument` and `couple-argument` sessions, recorded to the end into ``db`` as the
    window records them; their IDs."""
    window = _window(DashboardOptions(theme=theme), db=db)
    try:
        one = simulate_into(window, "argument", until_t_s=float("inf"))
        window.end_session()
        couple = simulate_couple_into(window, "couple-argument", until_t_s=float("inf"))
        window.end_session()
        assert one.recorder is not None and couple.recorder is not None
        assert one.recorder.session_id is not None and couple.recorder.session_id is not None
        return one.recorder.session_id, couple.recorder.session_id
    finally:
        asyncio.run(window.shutdown())


def _page_shots(window: MainWindow, ids: tuple[int, int]) -> dict[str, Callable[[], QWidget]]:
    """Pictures of pages no session time names: each a function that puts the window (or
    the settings dialog) in that state and returns what to grab."""
    from pausepoint.ui.connect_help_model import Trouble, advice

    def start() -> QWidget:
        window.show_start()
        window.start_page.set_found(STRAPS)
        window.start_page.set_message("Choose your strap:")
        window.start_page.set_advice("")
        return window

    def scan_advice() -> QWidget:
        window.show_start()
        window.start_page.set_found([])
        window.start_page.set_message(
            "No strap heard nearby. Look again once it is on, or try a simulated conversation."
        )
        window.start_page.set_advice(advice(Trouble.NOT_HEARD, "linux"))
        return window

    def getting_connected() -> QWidget:
        window.pages.setCurrentWidget(window.help_page)
        return window

    def couple_start() -> QWidget:
        store = window.store()
        assert store is not None
        for name, hr_bpm, rmssd_ms in (("Sam", 64.0, 45.0), ("Alex", 71.0, 38.0)):
            calm = Baseline(hr_bpm, rmssd_ms, hr_sd_bpm=3.0, rmssd_sd_ms=10.0, source="profile")
            save_profile(store, Profile(name, calm, store.utc_now()))
        window.start_page.set_found(STRAPS)  # heard by the start page's scan: no new one
        window.couple_start.set_scan_message("Choose each partner's strap below.")
        page = window.show_couple_start()
        for form, name in zip(page.partners, ("Sam", "Alex"), strict=True):
            form.profile.setCurrentIndex(form.profile.findText(name))
        return window

    def sessions() -> QWidget:
        window.show_sessions()
        return window

    def replay() -> QWidget:
        window.open_replay(ids[0])
        window.replay_page.seek(REPLAY_AT_S)
        _hold_pacers(window)
        return window

    def couple_replay() -> QWidget:
        window.resize(*TALL)
        window.open_replay(ids[1])
        window.replay_page.seek(COUPLE_REPLAY_AT_S)
        return window

    def settings() -> QWidget:
        window.resize(*DEFAULT_SIZE)
        window.show_start()
        dialog = window.open_settings()
        dialog.adjustSize()
        return dialog

    return {
        "start": start,
        "scan-advice": scan_advice,
        "getting-connected": getting_connected,
        "sessions": sessions,
        "replay": replay,
        "couple-replay": couple_replay,
        "settings": settings,
        "couple-start": couple_start,  # last: its profiles would change the pages after it
    }


def _grab(app: QCoreApplication, shown: QWidget, out: Path) -> None:
    if isinstance(shown, MainWindow):
        _save(app, shown, out)
        return
    for _ in range(3):
        app.processEvents()
    if not shown.grab().save(str(out), "PNG"):
        raise SystemExit(f"{out}: could not be written")


def _shrink(picture: Path) -> None:
    """256 colours instead of millions: a quarter of the size, and no colour of the window
    off by more than 15 of 255 (Pillow comes with matplotlib)."""
    from PIL import Image

    with Image.open(picture) as image:
        rgb = image.convert("RGB")
    fewer = rgb.quantize(256, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    fewer.save(picture, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder (default: docs/screenshots)")
    parser.add_argument("--only", nargs="*", default=[], help="these pictures only (NAME)")
    parser.add_argument("--theme", choices=sorted(THEMES), help="one palette only")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    themes = [args.theme] if args.theme else list(THEMES)
    wanted = set(args.only)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PAUSEPOINT_SETTINGS"] = str(Path(folder) / "settings.json")
        for theme in themes:
            for name, options in MOMENTS.items():
                if wanted and name not in wanted:
                    continue
                out = args.out / f"{name}{THEMES[theme]}.png"
                started = time.perf_counter()
                screenshot(replace(options, theme=theme, screenshot=out))
                _shrink(out)
                print(f"{out.name}  {time.perf_counter() - started:.1f} s", flush=True)
            db = Path(folder) / f"{theme}.db"
            ids = _recorded(db, theme)
            window = _window(DashboardOptions(theme=theme), db=db)
            window.cues.apply(Settings(theme=theme))  # the settings dialog shows the choice
            window.show()
            try:
                for name, show in _page_shots(window, ids).items():
                    if wanted and name not in wanted:
                        continue
                    out = args.out / f"{name}{THEMES[theme]}.png"
                    _grab(app, show(), out)
                    _shrink(out)
                    print(out.name, flush=True)
            finally:
                asyncio.run(window.shutdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
