"""Desktop notifications for the moments that matter, while the window is not in front.

Through desktop-notifier (D-Bus on Linux, native on Windows and macOS). A desktop without a
notification service is not an error: the library logs and returns, and the window, the sound
and the glance view still carry the moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_notifier import DesktopNotifier

log = logging.getLogger(__name__)

APP_NAME = "pausepoint"


class Notifier:
    def __init__(self, on_clicked: Callable[[], None]) -> None:
        self._on_clicked = on_clicked
        self._tasks: set[asyncio.Task[None]] = set()
        self._notifier: DesktopNotifier | None = None

    def send(self, title: str, message: str) -> None:
        """Sends on the running loop and returns at once; the window never waits on it.
        With no loop running (a window drawn for a picture) there is nothing to send on."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            log.info("no event loop: notification %r not sent", title)
            return
        task = loop.create_task(self._send(title, message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, title: str, message: str) -> None:
        from desktop_notifier import DesktopNotifier

        if self._notifier is None:
            self._notifier = DesktopNotifier(app_name=APP_NAME)
        try:
            await self._notifier.send(title=title, message=message, on_clicked=self._on_clicked)
        except Exception:
            log.warning("a desktop notification could not be sent", exc_info=True)

    async def close(self) -> None:
        """Lets notifications in flight finish and hangs up the session bus, so nothing is
        left open on the loop (the library keeps its D-Bus connection and has no close)."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=2.0)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        bus = getattr(getattr(self._notifier, "_backend", None), "bus", None)
        if bus is not None:
            bus.disconnect()
            with contextlib.suppress(Exception):
                await bus.wait_for_disconnect()
