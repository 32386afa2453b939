"""Fixtures shared by the dashboard tests and the end-to-end tests that drive the window.

Windows a test leaves behind are deleted after it, while Qt and Python are both whole. Left
to the end (near a thousand over the dashboard and end-to-end tests, most of them the plots'
menus), they would be torn down during interpreter shutdown by PySide's exit-time sweep, in
no fixed order, after the last test has passed: where a crash turns a passing run into exit
status 139.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

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
