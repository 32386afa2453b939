"""The strap is let go on every way out: the window closed, Ctrl-C, SIGTERM, an error.

A Polar strap takes one connection at a time: one left held cannot be found by the next run
or by a phone. Each test runs a command (or the window) through the real bleak client against
the emulated strap (conftest), ends it one way, and then asks the strap: its link was closed
by the computer (the reason a central gives when it disconnects, before the strap itself was
stopped or sent out of range), and it advertises again, so a fresh scan finds it. Signals are
real: sent to this process while the command runs on the loop, as a terminal or ``kill``
would, and handled by the command's own handlers (asyncio's for Ctrl-C, ours for SIGTERM).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TextIO

import pytest
from bumble import hci
from bumble.device import Connection, Device
from hardware.bumble_backend import VirtualRadio
from hardware.virtual_strap import VirtualStrap

from pausepoint.cli.common import until_stopped
from pausepoint.cli.monitor import TextMonitor
from pausepoint.cli.monitor_command import monitor_strap
from pausepoint.config import load_config
from pausepoint.model import HeartSample, Sample
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sessions.errors import StoreError
from pausepoint.sessions.recorder import Recorder
from pausepoint.sessions.records import SessionStatus
from pausepoint.sessions.settings import PipelineSettings
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.strap.ble import scan
from pausepoint.strap.feed import record_strap

from .conftest import TEST_TIMEOUT_S, Rig

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CONFIG = load_config()
SPEED = 40.0
STRAP_NAME = "Polar H10 7E3A1B2C"
STRAP_ADDRESS = "F0:5A:1B:2C:3D:4E"
BEATS_FIRST = 20
"""Beats that reach the command before it is ended: it is streaming, not starting."""
SAMPLES = simulate("calm", seed=6, minutes=3.0).heart_samples()
CLOSED_BY_CENTRAL = hci.HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR
"""What a strap is told when the computer disconnects (out of range would be a timeout)."""
RELEASE_WITHIN_S = 5.0
"""Session seconds the strap's side may take to see a disconnect already made."""


class Links:
    """The strap's side of each link it had: the reason each one was closed with."""

    def __init__(self, strap: VirtualStrap) -> None:
        self.strap = strap
        self.closed: list[int] = []
        strap.device.on(Device.EVENT_CONNECTION, self._on_connection)

    def _on_connection(self, connection: Connection) -> None:
        connection.on(Connection.EVENT_DISCONNECTION, self.closed.append)


async def assert_let_go(rig: Rig, links: Links) -> None:
    """The computer closed every link it made to the strap, and the next run can find it."""
    strap = links.strap
    until_s = rig.clock.now() + RELEASE_WITHIN_S
    while strap.device.connections and rig.clock.now() < until_s:
        await rig.clock.sleep(0.05)
    assert not strap.device.connections, "the strap is still held"
    assert strap.log.connections >= 1
    assert links.closed == [CLOSED_BY_CENTRAL] * strap.log.connections
    found = await scan(2.0, rig.backend, sleep=rig.clock.sleep)
    assert strap.address in [f.address for f in found]


async def streaming(rig: Rig, strap: VirtualStrap, beats: Callable[[], int]) -> asyncio.Task[None]:
    """Once the command listens, the strap plays; returns when ``beats()`` has BEATS_FIRST,
    with the playing task (the rest of the recording)."""
    while not strap.subscribed(strap.heart_rate):
        await rig.clock.sleep(0.05)
    play = asyncio.ensure_future(strap.play(SAMPLES))
    while beats() < BEATS_FIRST:
        await rig.clock.sleep(0.05)
    return play


async def stopped(play: asyncio.Future[None]) -> None:
    play.cancel()
    await asyncio.gather(play, return_exceptions=True)


def send(signum: int) -> None:
    """The signal to this process, as a terminal or ``kill`` sends it; refused when nothing
    would catch it (a SIGTERM nobody handles would end the test run)."""
    assert signal.getsignal(signum) not in (signal.SIG_DFL, signal.SIG_IGN, None)
    os.kill(os.getpid(), signum)


def text_monitor(out: TextIO | None = None) -> tuple[Pipeline, TextMonitor]:
    return Pipeline(CONFIG), TextMonitor(out or io.StringIO(), CONFIG.break_.min_s)


def recorder(store: Store) -> Recorder:
    return Recorder(store, CONFIG, source="ble", settings=PipelineSettings(auto_break=True))


def recording(rig: Rig, sink: Recorder) -> Coroutine[Any, Any, None]:
    """``record --device NAME``'s work, on the virtual radio and clock."""
    return record_strap(
        sink,
        name=STRAP_NAME.lower(),
        clock=rig.clock.now,
        sleep=rig.clock.sleep,
        backend=rig.backend,
    )


def monitoring(rig: Rig, pipeline: Pipeline, monitor: TextMonitor) -> Coroutine[Any, Any, None]:
    """``monitor --device NAME``'s work, on the virtual radio and clock."""
    return monitor_strap(
        STRAP_NAME.lower(),
        pipeline,
        monitor,
        backend=rig.backend,
        clock=rig.clock.now,
        sleep=rig.clock.sleep,
    )


def assert_kept(
    db: Path, session_id: int | None, status: SessionStatus, beats: int = BEATS_FIRST
) -> None:
    """What the strap sent before the end is in the store, in order (at least ``beats``),
    and the session says how it ended."""
    assert session_id is not None
    with Store.open(db) as store:
        info = store.session(session_id)
        stored = [s for s in store.samples(session_id) if isinstance(s, HeartSample)]
    assert info.status == status
    assert [s.rr_ms for s in stored] == [s.rr_ms for s in SAMPLES[: len(stored)]]
    assert sum(len(s.rr_ms) for s in stored) >= beats


# ---------------------------------------------------------------------- Ctrl-C


def with_ctrl_c(
    work: Callable[[Rig], Coroutine[Any, Any, None]],
    press_when: Callable[[Rig, VirtualStrap], Awaitable[None]],
    check: Callable[[Rig, Links], Awaitable[None]],
) -> None:
    """Run ``work`` as the command runs it (``asyncio.run`` of ``until_stopped``: the same
    runner, and so asyncio's own Ctrl-C handling), press Ctrl-C once ``press_when`` says,
    then ``check`` the strap on the same loop, and that nothing the command left behind
    failed unseen (a person would find its traceback in the terminal)."""
    unseen: list[dict[str, Any]] = []
    with asyncio.Runner() as runner:
        runner.get_loop().set_exception_handler(lambda _loop, context: unseen.append(context))
        rig = Rig(VirtualRadio(), SPEED)
        try:
            strap = runner.run(rig.strap())
            links = Links(strap)

            async def press() -> None:
                try:
                    await asyncio.wait_for(press_when(rig, strap), TEST_TIMEOUT_S)
                finally:
                    send(signal.SIGINT)

            presser = runner.get_loop().create_task(press())
            with pytest.raises(KeyboardInterrupt):
                runner.run(until_stopped(work(rig)))
            presser.result()
            runner.run(asyncio.wait_for(check(rig, links), TEST_TIMEOUT_S))
            gc.collect()
            assert [context["message"] for context in unseen] == []
        finally:
            runner.run(rig.close())


def test_ctrl_c_in_monitor_lets_the_strap_go() -> None:
    pipeline, monitor = text_monitor()
    playing: list[asyncio.Task[None]] = []

    async def press_when(rig: Rig, strap: VirtualStrap) -> None:
        playing.append(await streaming(rig, strap, lambda: monitor.summary.beats))

    async def check(rig: Rig, links: Links) -> None:
        await stopped(playing[0])
        await assert_let_go(rig, links)

    with_ctrl_c(lambda rig: monitoring(rig, pipeline, monitor), press_when, check)
    assert monitor.summary.beats >= BEATS_FIRST


def test_ctrl_c_while_the_strap_is_still_connecting_lets_it_go() -> None:
    """Ctrl-C at the moment the link is made, before the services are read: the connection
    under way is closed too, not left to finish after the command has gone."""
    pipeline, monitor = text_monitor()

    async def press_when(rig: Rig, strap: VirtualStrap) -> None:
        linked = asyncio.get_running_loop().create_future()
        strap.device.once(Device.EVENT_CONNECTION, lambda _connection: linked.set_result(None))
        await linked

    with_ctrl_c(lambda rig: monitoring(rig, pipeline, monitor), press_when, assert_let_go)
    assert monitor.summary.beats == 0


def test_ctrl_c_in_record_lets_the_strap_go_and_keeps_the_session(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    playing: list[asyncio.Task[None]] = []
    with Store.open(db) as store:
        sink = recorder(store)

        async def press_when(rig: Rig, strap: VirtualStrap) -> None:
            playing.append(await streaming(rig, strap, lambda: sink.summary.beats))

        async def check(rig: Rig, links: Links) -> None:
            await stopped(playing[0])
            await assert_let_go(rig, links)

        with_ctrl_c(lambda rig: recording(rig, sink), press_when, check)
    assert_kept(db, sink.session_id, SessionStatus.COMPLETE)


# ---------------------------------------------------------------------- SIGTERM


def test_sigterm_to_monitor_lets_the_strap_go(run_rig) -> None:
    pipeline, monitor = text_monitor()

    async def test(rig: Rig) -> None:
        strap = await rig.strap()
        links = Links(strap)
        command = asyncio.ensure_future(until_stopped(monitoring(rig, pipeline, monitor)))
        play = await streaming(rig, strap, lambda: monitor.summary.beats)
        send(signal.SIGTERM)
        with pytest.raises(asyncio.CancelledError):
            await command
        await stopped(play)
        await assert_let_go(rig, links)

    run_rig(test, speed=SPEED)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # given back once it ended


def test_sigterm_to_record_lets_the_strap_go_and_keeps_the_session(run_rig, tmp_path) -> None:
    db = tmp_path / "sessions.db"
    with Store.open(db) as store:
        sink = recorder(store)

        async def test(rig: Rig) -> None:
            strap = await rig.strap()
            links = Links(strap)
            command = asyncio.ensure_future(until_stopped(recording(rig, sink)))
            play = await streaming(rig, strap, lambda: sink.summary.beats)
            send(signal.SIGTERM)
            with pytest.raises(asyncio.CancelledError):
                await command
            await stopped(play)
            await assert_let_go(rig, links)

        run_rig(test, speed=SPEED)
    assert_kept(db, sink.session_id, SessionStatus.COMPLETE)


_STATUS_LINE = re.compile(r"\d\d:\d\d:\d\d  HR ")


def test_sigterm_ends_the_monitor_command_with_its_summary(tmp_path: Path) -> None:
    """The command itself, in a process of its own: SIGTERM ends it as Ctrl-C does, through
    the handler that lets the strap go (test_sigterm_to_monitor_lets_the_strap_go), rather
    than killing it where it stands."""
    command = [sys.executable, "-m", "pausepoint.cli", "monitor", "--simulate", "argument"]
    env = {**os.environ, "PAUSEPOINT_DB": str(tmp_path / "sessions.db")}
    errors = tmp_path / "stderr.txt"
    lines: queue.Queue[str | None] = queue.Queue()
    with (
        errors.open("w") as stderr,
        subprocess.Popen(
            [*command, "--speed", "20", "--quiet"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        ) as process,
    ):

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line)
            lines.put(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            while (line := lines.get(timeout=TEST_TIMEOUT_S)) is not None:
                if _STATUS_LINE.match(line):
                    break
            assert line is not None, errors.read_text()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=TEST_TIMEOUT_S) == 0, errors.read_text()
        finally:
            if process.poll() is None:
                process.kill()
            reader.join(timeout=TEST_TIMEOUT_S)
    rest = []
    while (line := lines.get_nowait()) is not None:
        rest.append(line)
    assert rest[-1].startswith("Session 00:")  # the summary, as after Ctrl-C


# ---------------------------------------------------------------------- an error


def test_a_full_disk_while_recording_lets_the_strap_go_and_keeps_what_was_saved(
    run_rig, tmp_path: Path
) -> None:
    db = tmp_path / "sessions.db"
    saved: list[Sample] = []  # what was in the store when the disk filled
    with Store.open(db) as store:
        sink = recorder(store)

        async def test(rig: Rig) -> None:
            strap = await rig.strap()
            links = Links(strap)
            command = asyncio.ensure_future(until_stopped(recording(rig, sink)))
            play = await streaming(rig, strap, lambda: sink.summary.beats)
            saved.extend(store.samples(sink.session_id))
            pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
            store.connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full
            with pytest.raises(StoreError) as failed:
                await command
            assert failed.value.reason == "full"
            await stopped(play)
            await assert_let_go(rig, links)

        run_rig(test, speed=SPEED)
    saved_beats = sum(len(s.rr_ms) for s in saved if isinstance(s, HeartSample))
    assert saved_beats > 0
    assert_kept(db, sink.session_id, SessionStatus.INTERRUPTED, beats=saved_beats)


def test_output_closed_under_the_monitor_lets_the_strap_go(run_rig) -> None:
    """``pausepoint monitor --device ... | head``: the reader goes, the next line fails."""
    read_end, write_end = os.pipe()
    out = open(write_end, "w", buffering=1)  # noqa: SIM115 (closed below)
    pipeline, monitor = text_monitor(out)

    async def test(rig: Rig) -> None:
        strap = await rig.strap()
        links = Links(strap)
        command = asyncio.ensure_future(until_stopped(monitoring(rig, pipeline, monitor)))
        play = await streaming(rig, strap, lambda: monitor.summary.beats)
        os.close(read_end)
        with pytest.raises(BrokenPipeError):
            await command
        await stopped(play)
        await assert_let_go(rig, links)

    try:
        run_rig(test, speed=SPEED)
    finally:
        with contextlib.suppress(BrokenPipeError):  # the line it failed on is still held
            out.close()


# ---------------------------------------------------------------------- the window


@pytest.mark.parametrize(
    ("couple", "how"),
    [(False, "close"), (True, "close"), (False, "SIGINT"), (False, "SIGTERM")],
    ids=["one strap", "two straps", "Ctrl-C", "SIGTERM"],
)
def test_closing_the_window_lets_the_straps_go(
    qapp, qtbot, qloop, tmp_path: Path, couple: bool, how: str
) -> None:
    """As the app runs it: the last window closed (by its button, or by Ctrl-C or SIGTERM in
    the terminal it was started from) does not quit Qt, its ``closed`` ends the loop's wait,
    then ``shutdown()``."""
    from pausepoint.ui.app import close_on_stop_signals
    from pausepoint.ui.main_window import MainWindow

    db = tmp_path / "sessions.db"
    windows: list[MainWindow] = []
    b = {"name": "Polar H10 B2B2B2B2", "address": "F1:23:45:67:89:AB"}

    async def test(rig: Rig) -> None:
        straps = [await rig.strap(pmd_kinds=())]
        if couple:
            straps.append(await rig.strap(pmd_kinds=(), **b))
        links = [Links(strap) for strap in straps]
        window = MainWindow(
            CONFIG,
            db=db,
            backend=rig.backend,
            strap_clock=rig.clock.now,
            sleep=rig.clock.sleep,
            quiet=True,
            notify=False,
        )
        windows.append(window)
        window.show()
        if couple:
            window.connect_couple_straps([{"address": s.address} for s in straps])
        else:
            window.connect_strap(STRAP_ADDRESS, label=STRAP_NAME)
        # A streams first (B connects once A does): BEATS_FIRST updates are A's beats.
        plays = [await streaming(rig, strap, lambda: window.session.updates) for strap in straps]
        closed = asyncio.Event()
        window.closed.connect(closed.set)
        if how == "close":
            window.close()
        else:
            restore = close_on_stop_signals(window)
            os.kill(os.getpid(), getattr(signal, how))
        await closed.wait()
        if how != "close":
            restore()
        await window.shutdown()
        for play in plays:
            await stopped(play)
        for strap_links in links:
            await assert_let_go(rig, strap_links)

    async def main() -> None:
        rig = Rig(VirtualRadio(), SPEED)
        try:
            await asyncio.wait_for(test(rig), TEST_TIMEOUT_S)
        finally:
            await rig.close()

    quits = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    try:
        qloop.run_until_complete(main())
    finally:
        qapp.setQuitOnLastWindowClosed(quits)
    (window,) = windows
    with Store.open(db) as store:
        (info,) = store.sessions()
    assert_kept(db, info.id, SessionStatus.COMPLETE)
    window.deleteLater()
