"""The cue reaches a person who is not looking: the real window, offscreen, plays the pause
sound into a real audio server and sends its words to a real notification server.

The sound server is the test session's private PulseAudio null sink (tests/conftest.py); its
monitor is recorded as it plays, each chunk stamped on arrival. A simulated argument runs at
high speed through the window's own path (``start_simulation``), and the moment the flooding
event leaves the pipeline is compared with the moment the sound reaches the sink.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.desktop import Recording, dominant_hz

if TYPE_CHECKING:
    from pausepoint.ui.main_window import MainWindow

from pausepoint.config import Config
from pausepoint.cues.synth import NOTES, Cue
from pausepoint.model import EventKind, Update
from pausepoint.ui.sound import UNAVAILABLE

pytestmark = pytest.mark.slow

SPEED = 60.0
SEED = 0
HEARD_WITHIN_S = 1.0


@pytest.fixture
def sink(desktop) -> Iterator[Recording]:
    if desktop.audio is None:
        pytest.skip(f"sound is not tested here: {desktop.audio_missing}")
    recording = desktop.audio.record()
    yield recording
    recording.stop()


@pytest.fixture
def make_window(qtbot, qloop, config: Config, db: Path) -> Iterator[Callable[..., MainWindow]]:
    """Opens dashboard windows; any a test leaves open (a failure) is shut down after it, so
    nothing it started (playback, a bus connection) outlives the test."""
    from pausepoint.ui.main_window import MainWindow

    opened: list[MainWindow] = []

    def make(**options: bool) -> MainWindow:
        win = MainWindow(config, db=db, **options)
        qtbot.addWidget(win)
        win.resize(1280, 820)
        win.show()
        opened.append(win)
        OPEN.add(win)
        return win

    yield make
    for win in opened:
        if win in OPEN:
            close(win, qloop)


OPEN: set[object] = set()


def close(window, qloop) -> None:
    qloop.run_until_complete(window.shutdown())
    window.close()
    OPEN.discard(window)


def flood_clock(window) -> Callable[[], float | None]:
    """Stamps (monotonic) the update that carries the flooding event as the window gets it."""
    stamped: list[float] = []
    view_feed = window.live_view.feed

    def feed(update: Update) -> None:
        if any(e.kind == EventKind.FLOODING_START for e in update.events) and not stamped:
            stamped.append(time.monotonic())
        view_feed(update)

    window.live_view.feed = feed
    return lambda: stamped[0] if stamped else None


async def until(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_s} s")
        await asyncio.sleep(0.02)


def run_argument_to_flooding(window, qloop, after_s: float = 2.0) -> float:
    """Plays `argument` until flooding is noticed, then ``after_s`` more wall seconds, all in
    one run of the loop (playback never steps outside it)."""
    flooded_at = flood_clock(window)

    async def play() -> float:
        task = window.start_simulation("argument", seed=SEED, speed=SPEED)
        await until(lambda: flooded_at() is not None, timeout_s=120.0)
        await asyncio.sleep(after_s)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        flood_s = flooded_at()
        assert flood_s is not None
        return flood_s

    return qloop.run_until_complete(play())


def test_the_pause_sound_plays_within_a_second_of_flooding(
    qtbot, qloop, make_window, sink: Recording, cue_settings: Path
) -> None:
    window = make_window()
    flood_s = run_argument_to_flooding(window, qloop)
    close(window, qloop)
    heard = [(t_s, samples) for t_s, samples in sink.sounds() if t_s >= flood_s - 0.05]
    assert heard, "nothing reached the sound card after flooding was noticed"
    first_s, samples = heard[0]
    assert first_s - flood_s <= HEARD_WITHIN_S
    first, second = NOTES[Cue.PAUSE]
    rate_hz = 44_100
    opening = samples[: int(0.3 * rate_hz)]
    closing = samples[int((second.start_s + 0.2) * rate_hz) : int((second.start_s + 0.6) * rate_hz)]
    assert dominant_hz(opening) == pytest.approx(first.f_hz, abs=8.0)
    assert dominant_hz(closing) == pytest.approx(second.f_hz, abs=8.0)
    assert len(heard) == 1  # once, not per update and not yet repeated


def test_quiet_plays_nothing(
    qtbot, qloop, make_window, sink: Recording, cue_settings: Path
) -> None:
    window = make_window(quiet=True)
    flood_s = run_argument_to_flooding(window, qloop)
    close(window, qloop)
    assert [t_s for t_s, _ in sink.sounds() if t_s >= flood_s - 0.05] == []


def test_a_muted_pause_sound_plays_nothing(
    qtbot, qloop, make_window, sink: Recording, cue_settings: Path
) -> None:
    cue_settings.write_text(json.dumps({"pause_sound": False}))
    window = make_window()
    flood_s = run_argument_to_flooding(window, qloop)
    close(window, qloop)
    assert [t_s for t_s, _ in sink.sounds() if t_s >= flood_s - 0.05] == []


def test_the_flooding_notice_arrives_with_its_words_only_when_the_window_is_behind(
    qtbot, qloop, make_window, notifications, cue_settings: Path
) -> None:
    from PySide6.QtWidgets import QWidget

    window = make_window(quiet=True)
    window.activateWindow()
    run_argument_to_flooding(window, qloop, after_s=0.5)
    assert notifications.received == []  # in front: the window itself says it

    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    run_argument_to_flooding(window, qloop, after_s=1.0)
    close(window, qloop)
    (notice,) = notifications.received
    assert notice.app_name == "pausepoint"
    assert notice.summary == "Time to pause."
    assert "I need a 20-minute break" in notice.body


def test_clicking_the_notice_brings_the_window_forward(
    qtbot, qloop, make_window, notifications, cue_settings: Path
) -> None:
    from PySide6.QtWidgets import QWidget

    window = make_window(quiet=True)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())
    run_argument_to_flooding(window, qloop, after_s=1.0)
    assert len(notifications.received) == 1
    notifications.click(1)
    qloop.run_until_complete(until(window.isActiveWindow, timeout_s=5.0))
    close(window, qloop)


def test_the_agreed_time_and_the_settled_body_reach_a_person_who_is_away(
    qtbot, qloop, make_window, notifications, sink: Recording, cue_settings: Path
) -> None:
    """A break taken with the window behind: the time-up, then the body settled, each a
    ready sound and a notification with the card's words."""
    from PySide6.QtWidgets import QWidget

    from pausepoint.ui.view_model import COME_BACK_SETTLING

    window = make_window()
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow())

    async def play() -> None:
        task = window.start_simulation("argument", seed=SEED, speed=2 * SPEED)
        await until(lambda: len(notifications.received) == 1, 60.0)  # "Time to pause."
        window.start_break()  # the default: back in 20 minutes
        await until(lambda: len(notifications.received) >= 3, timeout_s=60.0)
        await asyncio.sleep(1.0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    qloop.run_until_complete(play())
    close(window, qloop)
    pause, time_up, settled = notifications.received
    assert pause.summary == "Time to pause."
    assert (time_up.summary, time_up.body) == (
        "Your time is up; your body is still settling.",
        COME_BACK_SETTLING,
    )
    assert settled.summary == "Your body has settled."
    assert settled.body.startswith("It is a good time to go back to the conversation.")
    sounds = [samples for _t_s, samples in sink.sounds()]
    assert len(sounds) == 3  # the pause, the time-up, the body settled: once each
    first_note = NOTES[Cue.READY][0]
    for samples in sounds[1:]:
        assert dominant_hz(samples[: int(0.12 * 44_100)]) == pytest.approx(first_note.f_hz, abs=8)


DRIVER = """
import asyncio, sys
from PySide6.QtWidgets import QApplication
import qasync
from pausepoint.config import load_config
from pausepoint.ui.main_window import MainWindow

app = QApplication([])
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)
window = MainWindow(load_config(), db=sys.argv[1])  # the defaults: sound wanted
window.show()
task = window.start_simulation("argument", seed=0, speed=float("inf"), minutes=25.0)
loop.run_until_complete(task)
window.render_frame(force=True)
print(window.status_message.text())
print(window.live_view.state)
loop.run_until_complete(window.shutdown())
"""


def test_with_no_audio_server_the_session_runs_and_says_so_once(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PULSE_SERVER": f"unix:{tmp_path / 'nothing-here'}",
        "QT_QPA_PLATFORM": "offscreen",
        "PAUSEPOINT_SETTINGS": str(tmp_path / "settings.json"),
    }
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path / "s.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    message, state = done.stdout.strip().splitlines()[-2:]
    assert message == UNAVAILABLE
    assert state != "calibrating"  # the session went on and was judged
