"""Fixtures shared by the dashboard tests and the end-to-end tests that drive the window.

Windows a test leaves behind are deleted after it, while Qt and Python are both whole. Left
to the end (near a thousand over the dashboard and end-to-end tests, most of them the plots'
menus), they would be torn down during interpreter shutdown by PySide's exit-time sweep, in
no fixed order, after the last test has passed: where a crash turns a passing run into exit
status 139.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.desktop import (
    AudioServer,
    NotificationServer,
    SessionBus,
    audio_missing,
    dbus_missing,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget


def running_app() -> QApplication | None:
    """The test session's QApplication, if a test made one (Qt is not imported for this)."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    return None if widgets is None else widgets.QApplication.instance()


def our_windows() -> dict[int, QWidget]:
    """The parentless windows made from Python, by address. Qt makes parentless widgets of
    its own (a graphics layout keeps one to ask the style): those belong to their owner and
    deleting one makes the owner crash later, so they are never touched."""
    import shiboken6
    from PySide6.QtWidgets import QApplication

    return {
        shiboken6.getCppPointer(w)[0]: w
        for w in QApplication.topLevelWidgets()
        if w.parentWidget() is None and shiboken6.createdByPython(w)
    }


def delete_windows(keep: set[int]) -> None:
    """Delete our windows not in ``keep`` (their children go with them) and every deletion
    already asked for, now rather than at exit."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    for address, window in our_windows().items():
        if address not in keep:
            window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def no_windows_left() -> Iterator[None]:
    """What a test opened is gone before the next one starts."""
    before = set(our_windows()) if running_app() is not None else set()
    yield
    if running_app() is not None:
        delete_windows(keep=before)


def pytest_sessionfinish() -> None:
    """The last windows go while Python and Qt are both whole."""
    if running_app() is not None:
        delete_windows(keep=set())


@pytest.fixture
def qloop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop on the test's QApplication, as ``app.run`` makes."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        loop.run_until_complete(asyncio.sleep(0))
        asyncio.set_event_loop(None)
        loop.close()


QUIET_SETTINGS = '{"pause_sound": false, "ready_sound": false, "notifications": false}'


@dataclass
class Desktop:
    """The test session's own sound server and session bus, or why each is missing."""

    audio: AudioServer | None
    audio_missing: str | None
    bus: SessionBus | None
    bus_missing: str | None


@pytest.fixture(scope="session", autouse=True)
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    """Every test plays into a private null sink and notifies on a private bus, never on a
    person's speakers or desktop; with neither at hand, sound and notifications go nowhere.
    Settings are read from a file of the test session's own: silent and without
    notifications, except where a test of the cues asks for the defaults (``cue_settings``)."""
    folder = tmp_path_factory.mktemp("desktop")
    settings = folder / "settings.json"
    settings.write_text(QUIET_SETTINGS)
    os.environ["PAUSEPOINT_SETTINGS"] = str(settings)
    why_no_audio = audio_missing()
    audio = None
    if why_no_audio is None:
        try:
            audio = AudioServer(folder / "audio")
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            why_no_audio = f"the audio server did not start: {exc}"
    os.environ["PULSE_SERVER"] = audio.server if audio else f"unix:{folder / 'no-audio'}"
    why_no_bus = dbus_missing()
    bus = None
    if why_no_bus is None:
        try:
            bus = SessionBus(folder)
        except RuntimeError as exc:
            why_no_bus = str(exc)
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = (
        bus.address if bus else f"unix:path={folder / 'no-bus'}"
    )
    yield Desktop(audio, why_no_audio, bus, why_no_bus)
    if audio is not None:
        audio.stop()
    if bus is not None:
        bus.stop()


@pytest.fixture
def cue_settings(desktop: Desktop) -> Iterator[Path]:
    """The settings file holds the defaults (sounds and notifications on) for one test."""
    path = Path(os.environ["PAUSEPOINT_SETTINGS"])
    path.write_text("{}")
    yield path
    path.write_text(QUIET_SETTINGS)


@pytest.fixture
def notifications(desktop: Desktop) -> Iterator[NotificationServer]:
    """A notification server on the session's bus, for one test."""
    if desktop.bus is None:
        pytest.skip(f"notifications are not tested here: {desktop.bus_missing}")
    server = NotificationServer(desktop.bus.address)
    yield server
    server.stop()
