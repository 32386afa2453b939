"""The `dashboard` command: --screenshot renders offscreen and exits; start-up stays light;
the pacer widget shows the phase of its (injected) clock."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from pausepoint.calibration.breathing import lung_fill
from pausepoint.cli import dashboard
from pausepoint.cli.common import Parser
from pausepoint.errors import UserError
from pausepoint.ui import theme

REPO_ROOT = Path(__file__).resolve().parents[2]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = Parser(prog="pausepoint")
    parser.add_argument("--db", type=Path)
    dashboard.register(parser.add_subparsers(dest="command", parser_class=Parser))
    return parser.parse_args(argv)


def _share(image: QImage, colour: str, top: int, bottom: int) -> float:
    """Share of sampled pixels between rows top and bottom that are this colour."""
    wanted = QColor(colour)
    hits = total = 0
    for y in range(top, bottom, 4):
        for x in range(0, image.width(), 4):
            total += 1
            hits += image.pixelColor(x, y) == wanted
    return hits / total


def test_screenshot_of_the_flooded_moment(qapp, tmp_path: Path, capsys) -> None:
    out = tmp_path / "flooded.png"
    args = parse(["--db", str(tmp_path / "x.db"), "dashboard", "--simulate", "argument",
                  "--screenshot", str(out), "--at", "550"])  # fmt: skip
    assert args.func(args) == 0
    assert capsys.readouterr().out.strip() == f"Saved {out}"
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 820)
    # The flooded prompt fills the top band on its deep ground: unmissable, and not red.
    assert _share(image, theme.LIGHT.deep, 70, 250) > 0.5
    assert _share(image, "#FF0000", 0, image.height()) == 0.0
    assert not (tmp_path / "x.db").exists()  # a screenshot records into a temporary file


def test_screenshot_of_a_replay(qapp, tmp_path: Path, config) -> None:
    from pausepoint.sessions.recorder import Recorder
    from pausepoint.sessions.settings import PipelineSettings
    from pausepoint.sessions.store import Store
    from pausepoint.sources.simulated.scenarios import simulate

    db = tmp_path / "sessions.db"
    with Store.open(db) as store:
        recorder = Recorder(store, config, source="simulated:calm", settings=PipelineSettings())
        for sample in simulate("calm", seed=3).samples:
            recorder.feed(sample)
        recorder.finish()
    out = tmp_path / "replay.png"
    args = parse(["--db", str(db), "dashboard", "--replay", "1", "--screenshot", str(out),
                  "--at", "300"])  # fmt: skip
    assert args.func(args) == 0
    image = QImage(str(out))
    assert image.width() == 1280
    # Calm: the check-in card is white and the state chip is the calm blue.
    assert _share(image, theme.LIGHT.deep, 70, 200) < 0.01
    assert _share(image, theme.BLUE, 0, image.height()) > 0.001


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--simulate", "argument", "--at", "5"], "--at is the time of a --screenshot"),
        (["--replay", "1", "--speed", "4"], "--speed is for --simulate"),
        (["--device", "F0:5A:1B:2C:3D:4E", "--screenshot", "x.png"], "not with a live strap"),
        (["--simulate", "calm", "--screenshot", "x.jpg"], "name the file .png"),
        (["--simulate", "calm", "--screenshot", "/no/such/folder/x.png"], "does not exist"),
    ],
)
def test_mistakes_get_one_line_saying_what_to_do(argv: list[str], words: str, qapp) -> None:
    args = parse(["dashboard", *argv])
    with pytest.raises(UserError, match=words.replace(".", r"\.")) as caught:
        args.func(args)
    assert "\n" not in str(caught.value)


def test_unknown_replay_is_one_line(qapp, tmp_path: Path) -> None:
    args = parse(["--db", str(tmp_path / "x.db"), "dashboard", "--replay", "7",
                  "--screenshot", str(tmp_path / "r.png")])  # fmt: skip
    with pytest.raises(UserError, match="no session 7"):
        args.func(args)


def test_start_up_imports_nothing_heavy() -> None:
    code = (
        "import sys, os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from pausepoint.ui.app import application, _window, DashboardOptions\n"
        "app = application(); w = _window(DashboardOptions()); w.show(); app.processEvents()\n"
        "print(sorted(m for m in ('neurokit2', 'matplotlib', 'pandas') if m in sys.modules))\n"
    )
    env = {"PAUSEPOINT_DB": "/nonexistent-dir/x.db", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "[]"


def test_pacer_shows_the_phase_of_its_clock(qtbot, clock) -> None:
    from pausepoint.ui.widgets.pacer import PacerWidget

    pacer = PacerWidget(clock)
    qtbot.addWidget(pacer)
    pacer.show()  # the breath starts now, with a breath in
    clock.advance(1.0)
    pacer.tick()
    assert pacer.phase.text() == "Breathe in…  3"
    assert pacer.breath.fill == pytest.approx(lung_fill(1.0))
    clock.advance(5.0)
    pacer.tick()
    assert pacer.phase.text() == "Breathe out…  4"
    pacer.ratio.setCurrentIndex(pacer.ratio.findData(0.5))  # 5:5 restarts the breath
    clock.advance(5.5)
    pacer.tick()
    assert pacer.phase.text() == "Breathe out…  5"
    pacer.set_feedback(3.1, 6.1)
    assert "following the pacer well" in pacer.feedback.text()
