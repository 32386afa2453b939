"""No word is cut off: every visible label, button and drop-down of the window fits its text,
in one person's session and a couple's, at each moment that matters, at 1024x640,
1280x820 and 1920x1080, and at 150 % and 200 % scale (``QT_SCALE_FACTOR``, which Qt reads
only as it starts: each scale in a process of its own). A couple's lanes need more room than
a small window has: there they scroll, as any page does in a window smaller than it needs,
and still nothing is cut (the window itself takes the size asked for)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
SIZES = {"1": ("1024x640", "1280x820", "1920x1080"), "1.5": ("1024x640", "1280x820")}
SIZES["2"] = SIZES["1.5"]

CHILD = r'''
import asyncio, os, sys, tempfile
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QWidget
from pausepoint.config import load_config
from pausepoint.ui.app import application, simulate_couple_into, simulate_into
from pausepoint.ui.main_window import MainWindow

MOMENTS = (
    ("argument", 300.0),   # calm
    ("argument", 545.0),   # time to pause
    ("argument", 800.0),   # on a break
    ("argument", 2090.0),  # settled
    ("couple-argument", 535.0),
    ("couple-argument", 800.0),
    ("couple-argument", 1900.0),  # one settled, the other still settling
)
app = application()


def cut(window):
    """What does not fit: a line wider than its label, wrapped text taller than its label,
    a button's or drop-down's words wider than it."""
    found = []
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window) or w.width() <= 1:
            continue
        metrics = w.fontMetrics()
        if isinstance(w, QLabel) and w.text() and "<" not in w.text():
            if w.wordWrap():
                if w.heightForWidth(w.width()) > w.height() + 1:
                    found.append(f"{w.text()[:40]!r} needs {w.heightForWidth(w.width())} px high")
            else:
                width = w.contentsRect().width()
                for line in w.text().split("\n"):
                    if metrics.horizontalAdvance(line) > width + 1:
                        found.append(f"{line[:40]!r} needs {metrics.horizontalAdvance(line)} px")
        elif isinstance(w, QAbstractButton) and w.text():
            if metrics.horizontalAdvance(w.text().replace("&", "")) + 12 > w.width():
                found.append(f"button {w.text()!r} is {w.width()} px wide")
        elif isinstance(w, QComboBox) and w.currentText():
            if metrics.horizontalAdvance(w.currentText()) + 28 > w.width():
                found.append(f"choice {w.currentText()!r} is {w.width()} px wide")
    return found


with tempfile.TemporaryDirectory() as folder:
    for size in sys.argv[1:]:
        width, height = (int(v) for v in size.split("x"))
        for i, (scenario, at_s) in enumerate(MOMENTS):
            db = os.path.join(folder, f"{size}-{i}.db")
            window = MainWindow(load_config(), db=db, quiet=True, notify=False)
            window.resize(width, height)
            window.show()
            if (window.width(), window.height()) != (width, height):
                print(f"{size}: the window will not be smaller than {window.size().toTuple()}")
            if i == 0:
                for page in (window.start_page, window.help_page, window.sessions_page):
                    window.pages.setCurrentWidget(page)
                    app.processEvents()
                    for found in cut(window):
                        print(f"{size} {type(page).__name__}: {found}")
            if scenario.startswith("couple"):
                simulate_couple_into(window, scenario, until_t_s=at_s)
            else:
                simulate_into(window, scenario, until_t_s=at_s)
            window.render_frame(force=True)
            app.processEvents()
            for found in cut(window):
                print(f"{size} {scenario} at {at_s:.0f} s: {found}")
            asyncio.run(window.shutdown())
            window.deleteLater()
            app.processEvents()
print("checked")
'''


@pytest.mark.parametrize("scale", sorted(SIZES))
def test_no_text_is_cut_off(scale: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *SIZES[scale]],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[-1] == "checked"
    assert lines[:-1] == [], "\n".join(lines[:-1])
