"""What the dashboard window keeps and starts, as plain Python (no Qt): the session database,
the live session with what feeds it (a simulation's task, or straps), a scan's findings in
words, and what a replay exports. The window (main_window) shows pages and the status line
and asks this for the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pausepoint.config import Config
from pausepoint.errors import UserError
from pausepoint.ui.connect_help_model import NO_BLUETOOTH, Trouble, advice
from pausepoint.ui.couple_model import CoupleLiveSession, CoupleReplayModel, export_couple
from pausepoint.ui.replay_model import ReplayModel
from pausepoint.ui.session_model import LiveSession, StrapFeed

if TYPE_CHECKING:
    from pausepoint.calibration.profiles import Profile
    from pausepoint.sessions.store import Store
    from pausepoint.strap.ble import BleBackend, FoundStrap

logger = logging.getLogger(__name__)

SCAN_S = 5.0


class SessionStore:
    """The session database, opened on first need; when it cannot be, ``failed`` says why
    (once) and everything that reads it gets nothing."""

    def __init__(self, db: str | Path | None) -> None:
        self.db = db
        self._store: Store | None = None
        self.failed: str | None = None

    def store(self) -> Store | None:
        if self._store is None and self.failed is None:
            from pausepoint.sessions.errors import StoreError
            from pausepoint.sessions.store import Store

            try:
                self._store = Store.open(self.db)
            except StoreError as exc:
                self.failed = str(exc)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def active_profile(self) -> Profile | None:
        """The person's active calibration profile, if any."""
        store = self.store()
        if store is None:
            return None
        from pausepoint.calibration.profiles import active_profile

        try:
            return active_profile(store)
        except UserError as exc:
            logger.warning("profile not used: %s", exc)
            return None

    def last_strap(self) -> tuple[str | None, str | None]:
        """(name, address) of the strap of the most recent Bluetooth session, if any."""
        store = self.store()
        if store is None:
            return None, None
        try:
            infos = store.sessions()
        except UserError:
            return None, None
        for info in reversed(infos):
            if info.strap_address:
                return info.strap_name, info.strap_address
        return None, None

    def profiles(self) -> tuple[list[Profile], str]:
        """Every calibration profile, and why there are none when they cannot be read."""
        from pausepoint.calibration.profiles import read_profiles

        store = self.store()
        if store is None:
            return [], ""
        try:
            return read_profiles(store), ""
        except UserError as exc:
            return [], str(exc)

    def profiles_named(self, names: tuple[str | None, ...]) -> tuple[Profile | None, ...]:
        """Each name's calibration profile (None stays None); an unknown name is a one-line
        BadInput naming the profiles there are."""
        from pausepoint.calibration.profiles import load_profile

        if all(name is None for name in names):
            return tuple(None for _ in names)
        store = self.store()
        if store is None:
            raise UserError(f"The profiles cannot be read: {self.failed}")
        return tuple(None if name is None else load_profile(store, name) for name in names)


class LiveRun:
    """The live session on screen and what feeds it: a simulation's task, or a StrapFeed
    (one strap or two) run as a task. ``ended``: the session the person ended (or left by
    closing the window)."""

    def __init__(self) -> None:
        self.session: LiveSession | CoupleLiveSession | None = None
        self.feed: StrapFeed | None = None
        self.task: asyncio.Future[None] | None = None
        self.stopping: asyncio.Future[None] | None = None
        self.ended: LiveSession | CoupleLiveSession | None = None

    @property
    def live(self) -> bool:
        return self.session is not None and not self.session.finished

    def now_t_s(self) -> float | None:
        """Session time by the straps' clock (None for a simulation: its samples are its
        time)."""
        return None if self.feed is None else self.feed.clock()

    def play(
        self, session: LiveSession | CoupleLiveSession, playing: Coroutine[None, None, None]
    ) -> asyncio.Future[None]:
        """Feed ``session`` from a simulation playing on the running loop."""
        self.session = session
        self.task = asyncio.ensure_future(playing)
        return self.task

    def connect(
        self,
        session: LiveSession | CoupleLiveSession,
        targets: Sequence[Mapping[str, str | None]],
        *,
        instead: str,
        backend: BleBackend | None,
        clock: Callable[[], float] | None,
        sleep: Callable[[float], Awaitable[None]],
    ) -> asyncio.Future[None]:
        """Feed ``session`` from straps (one per target) through a StrapFeed."""
        self.session = session
        self.feed = StrapFeed(
            session, targets, instead=instead, backend=backend, clock=clock, sleep=sleep
        )
        self.task = asyncio.ensure_future(self.feed.run())
        return self.task

    def end(self) -> None:
        """The person ends the session: stop the source; the recording is completed."""
        if self.feed is not None:
            self.stopping = asyncio.ensure_future(self.feed.stop())
        elif self.task is not None and not self.task.done():
            self.task.cancel()
        if self.session is not None:
            self.ended = self.session
            self.session.finish()
            self.session.status.set_link("ended")

    def leave(self) -> None:
        """End the session and forget it (another one begins)."""
        self.end()
        self.session = None
        self.feed = None
        self.task = None

    async def stop(self) -> None:
        """Stop what runs (the window is closed) and finish the session."""
        feed, task = self.feed, self.task
        if feed is not None:
            await feed.stop()
        if task is not None and not task.done():
            task.cancel()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.session is not None:
            self.session.finish()


@dataclass(frozen=True)
class ScanResult:
    """What a scan found, and what to say about it on the start page and the couple form."""

    found: list[FoundStrap] | None
    """None when the scan could not run."""
    single: str
    couple: str
    advice: str = ""
    """What to try when nothing was found (connect_help_model's words); empty otherwise."""


LOOKING = "Looking for straps nearby…"


async def look_for_straps(
    backend: BleBackend | None, sleep: Callable[[float], Awaitable[None]]
) -> ScanResult:
    """Scan for straps; when none is heard or Bluetooth is missing, say so in words, with
    what to try, and offer a simulation."""
    from pausepoint.strap.ble import NoBluetooth, scan

    try:
        found = await scan(SCAN_S, backend, sleep=sleep)
    except NoBluetooth as exc:
        logger.info("no Bluetooth: %s", exc.detail)
        return _no_bluetooth()
    except UserError as exc:
        why = f"{str(exc)[0].upper()}{str(exc)[1:]}."
        return ScanResult(
            None,
            f"{why} You can still try a simulated conversation, or look at past sessions.",
            f"{why} You can still try a simulated couple.",
        )
    except Exception as exc:
        logger.warning("scan failed: %s", exc)
        return _no_bluetooth()
    if found:
        return ScanResult(found, "Choose your strap:", "Choose each partner's strap below.")
    return ScanResult(
        [],
        "No strap heard nearby. Look again once it is on, or try a simulated conversation.",
        "No strap heard. Moisten the electrodes, put the straps on, then look again; or try "
        "a simulated couple.",
        advice(Trouble.NOT_HEARD),
    )


def _no_bluetooth() -> ScanResult:
    return ScanResult(
        None,
        f"{NO_BLUETOOTH} You can still try a simulated conversation, or look at past sessions.",
        f"{NO_BLUETOOTH} You can still try a simulated couple.",
        advice(Trouble.NO_BLUETOOTH),
    )


def export_replay(store: Store, replay: ReplayModel | CoupleReplayModel, path: Path) -> list[Path]:
    """Write the replayed session's samples as pausepoint CSV or Kubios RR text (a couple
    session: one file per partner, NAME-A and NAME-B); returns the files written."""
    from pausepoint.sources.files import write_heart_file

    if isinstance(replay, CoupleReplayModel):
        return export_couple(store, replay.info.session_id, path)
    write_heart_file(path, store.samples(replay.info.session_id))
    return [path]


def replay_report(
    store: Store,
    replay: ReplayModel | CoupleReplayModel,
    path: Path,
    config: Config,
    *,
    both_agree: bool = False,
) -> None:
    """Make the one-page report of the replayed session (a couple's: both partners and
    their linkage on one page, a partner who shares only their state left out unless
    ``both_agree``)."""
    from pausepoint.reports.inputs import ReportInput, withheld_of
    from pausepoint.reports.render import render_report

    if isinstance(replay, CoupleReplayModel):
        info = store.session(replay.info.session_id)
        withheld = withheld_of(store, info, both_agree)
        render_report(replay.report_input(withheld), path, config=config)
        return
    info = store.session(replay.info.session_id)
    data = ReportInput.of_session(info, replay.updates, replay.markers, events=replay.source_events)
    render_report(data, path, config=config)
