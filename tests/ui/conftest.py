"""Dashboard tests: the real window, offscreen, fed by the real pipeline and store.

Time is session time from the samples (fed directly) or an injected clock; nothing sleeps on
the wall clock. Async parts (simulation playback, the virtual strap) run on a qasync loop
over the test's QApplication, as in the app.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from pausepoint.config import Config, load_config  # noqa: E402


class FakeClock:
    """Wall time the test moves by hand (animation, replay playback)."""

    def __init__(self, now_s: float = 1000.0) -> None:
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s

    def advance(self, dt_s: float) -> None:
        self.now_s += dt_s


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sessions.db"


@pytest.fixture
def window(qtbot, qloop, config: Config, db: Path, clock: FakeClock):
    """The real window on a qasync loop; shut down as the app does when it is closed."""
    from pausepoint.ui.main_window import MainWindow

    win = MainWindow(config, db=db, clock=clock)
    win.resize(1280, 820)
    win.show()
    yield win
    qloop.run_until_complete(win.shutdown())
    win.close()
    win.deleteLater()


@pytest.fixture
def light_again(qapp) -> Iterator[None]:
    """Later tests find the palette in use and Qt's own as they were (a test chose dark)."""
    from PySide6.QtGui import QPalette

    from pausepoint.ui import theme

    kept = QPalette(qapp.palette())
    yield
    theme.use(theme.LIGHT)
    qapp.setPalette(kept)


@pytest.fixture
def settings_file() -> Iterator[Path]:
    """The test session's settings file, put back as it was after the test."""
    path = Path(os.environ["PAUSEPOINT_SETTINGS"])
    kept = path.read_text()
    yield path
    path.write_text(kept)
