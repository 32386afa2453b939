"""Draw the Trends page's screenshots in docs/screenshots: no check-ins yet, one check-in, and
a year of them (light; the year in dark too), from check-ins with known figures.

Run with the repository's environment: `python scripts/make_trends_screenshots.py`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.check_in_history import check_in, evening, year_of_check_ins  # noqa: E402

from pausepoint.calibration.profiles import Profile, save_profile  # noqa: E402
from pausepoint.config import load_config  # noqa: E402
from pausepoint.model import Baseline  # noqa: E402
from pausepoint.sessions.check_ins import Answers  # noqa: E402
from pausepoint.sessions.store import Store  # noqa: E402
from pausepoint.ui.app import application  # noqa: E402
from pausepoint.ui.main_window import MainWindow  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
TODAY = date(2026, 12, 4)
SIZE = (1280, 820)


def one(store: Store) -> None:
    check_in(
        store,
        evening(2026, 12, 2),
        floods=[(600.0, 780.0)],
        breaks=[(800.0, 800.0 + 24 * 60.0)],
        tags=["money"],
        answers=Answers(4, 2),
    )


def year(store: Store) -> None:
    year_of_check_ins(store, evening(2025, 12, 5), days=365)
    calm = Baseline(64.0, 45.0, 2.5, 10.5, "profile")
    save_profile(store, Profile("Sam", baseline=calm, baseline_utc=evening(2026, 9, 1)))


def shoot(name: str, fill, theme: str = "light") -> Path:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sessions.db"
        with Store.open(db) as store:
            fill(store)
        window = MainWindow(load_config(), db=db, quiet=True, notify=False, theme_choice=theme)
        window.trends_page.today = lambda: TODAY
        window.resize(*SIZE)
        window.show()
        window.show_trends()
        app = application()
        for _ in range(3):
            app.processEvents()
        out = OUT / name
        if not window.grab().save(str(out), "PNG"):
            raise SystemExit(f"{out} could not be written")
        asyncio.run(window.shutdown())
        window.deleteLater()
        app.processEvents()
    return out


def main() -> None:
    application()
    for name, fill, theme in (
        ("trends-empty.png", lambda store: None, "light"),
        ("trends-one.png", one, "light"),
        ("trends-year.png", year, "light"),
        ("trends-year-dark.png", year, "dark"),
    ):
        print(shoot(name, fill, theme).relative_to(ROOT))


if __name__ == "__main__":
    main()
