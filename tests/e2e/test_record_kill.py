"""Recording never loses what the user lived through: killed, stopped with Ctrl-C, or live.

`pausepoint record` runs in a child process, killed with SIGKILL or interrupted with SIGINT
mid-session; then a recording of the virtual strap through the real bleak client (conftest).
"""

from __future__ import annotations

import asyncio
import os
import queue
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pausepoint.config import load_config
from pausepoint.model import EventKind, HeartSample
from pausepoint.sessions.recorder import Recorder
from pausepoint.sessions.records import SessionStatus
from pausepoint.sessions.replay import PipelineReplay, replayed_updates
from pausepoint.sessions.settings import PipelineSettings
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.strap import pmd
from pausepoint.strap.feed import record_strap

from .conftest import Rig

SPEED = 20.0
SEED = 3
KILL_AFTER_S = 170.0
"""Session seconds: past the calm level being learned (an event, committed at once)."""
WAIT_LIMIT_S = 60.0
_STATUS_LINE = re.compile(r"(\d\d):(\d\d):(\d\d)  HR ")


def _session_s(line: str) -> float | None:
    match = _STATUS_LINE.match(line)
    if match is None:
        return None
    hours, minutes, seconds = (int(part) for part in match.groups())
    return hours * 3600.0 + minutes * 60.0 + seconds


def _pausepoint(*args: str, env: dict[str, str], check: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pausepoint.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_LIMIT_S,
    )
    assert not check or result.returncode == 0, result.stderr
    return result.stdout


class Child:
    """`pausepoint record` in a child process, its status lines read as they come."""

    def __init__(self, db: Path, *args: str) -> None:
        self.env = {**os.environ, "PAUSEPOINT_DB": str(db)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pausepoint.cli", "record", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.printed_s: list[float] = []
        self.text: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _take(self, line: str) -> None:
        self.text.append(line)
        if (t_s := _session_s(line)) is not None:
            self.printed_s.append(t_s)

    def until_printed(self, t_s: float) -> None:
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not self.printed_s or self.printed_s[-1] < t_s:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            assert line is not None, self.process.stderr.read() if self.process.stderr else ""
            self._take(line)

    def end(self, signum: int) -> int:
        self.process.send_signal(signum)
        self.process.wait(timeout=WAIT_LIMIT_S)
        self._reader.join(timeout=WAIT_LIMIT_S)
        while (line := self.lines.get_nowait()) is not None:
            self._take(line)
        self.process.communicate(timeout=WAIT_LIMIT_S)  # reads what is left, closes the pipes
        return self.process.returncode


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_sigkill_loses_at_most_the_last_second(tmp_path: Path) -> None:
    db = tmp_path / "pausepoint" / "sessions.db"
    options = ["--simulate", "argument", "--seed", str(SEED), "--speed", str(SPEED)]
    child = Child(db, *options, "--note", "killed")
    child.until_printed(KILL_AFTER_S)
    assert child.end(signal.SIGKILL) == -signal.SIGKILL
    printed_s = child.printed_s

    # As the crash left it: consistent, owner-only, still marked as recording.
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("SELECT status FROM sessions").fetchall() == [("recording",)]

    sent = simulate("argument", seed=SEED).samples
    with Store.open(db) as store:
        (info,) = store.sessions()
        assert info.status == SessionStatus.INTERRUPTED
        stored = store.samples(info.id)
        # a prefix of what was sent: none missing before the cut, none duplicated, exact bytes
        assert stored == list(sent[: len(stored)])
        # the monitor printed its last line after the sample that carried it was stored; all
        # but the last second of session time before that line had been committed
        assert stored[-1].t_s > printed_s[-1] - 1.0
        recorded = store.events(info.id)
        assert EventKind.BASELINE in {e.kind for e in recorded}
        session = PipelineReplay(store, info.id, load_config())
        replayed = [e for s in session.samples for e in session.push(s).events]
        assert replayed == recorded
        assert info.beats > 0 and info.duration_s > printed_s[-1] - 3.0

    listing = _pausepoint("sessions", env=child.env)
    assert re.search(rf"^\s*{info.id}\s.*interrupted\s+simulated:argument.*killed$", listing, re.M)
    out = _pausepoint("replay", str(info.id), "--max", "--json", env=child.env)
    assert '"kind":"baseline"' in out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_ends_the_session_as_complete_with_nothing_lost(
    tmp_path: Path, signum: int
) -> None:
    db = tmp_path / "sessions.db"
    child = Child(db, "--simulate", "argument", "--seed", str(SEED), "--speed", str(SPEED))
    child.until_printed(30.0)
    assert child.end(signum) == 0
    assert child.text[-1] == "Saved as session 1.\n"
    sent = simulate("argument", seed=SEED).samples
    with Store.open(db) as store:
        info = store.session(1)
        assert info.status == SessionStatus.COMPLETE and info.ended_utc is not None
        stored = store.samples(1)
        assert stored == list(sent[: len(stored)])
        assert stored[-1].t_s >= child.printed_s[-1]  # every sample fed was kept


def test_a_strap_session_is_recorded_as_it_arrived(run_rig, tmp_path: Path) -> None:
    sent = simulate("calm", seed=8, minutes=3.0).heart_samples()
    db = tmp_path / "sessions.db"

    async def test(rig: Rig) -> None:
        strap = await rig.strap()
        with Store.open(db) as store:
            recorder = Recorder(
                store, load_config(), source="ble", settings=PipelineSettings(auto_break=True)
            )
            updates = []
            recording = record_strap(
                recorder,
                name="polar h10 7e3a1b2c",
                minutes=3.5,
                ecg=True,
                on_update=updates.append,
                clock=rig.clock.now,
                sleep=rig.clock.sleep,
                backend=rig.backend,
            )
            task = asyncio.ensure_future(recording)
            while not strap.subscribed(strap.heart_rate):
                await rig.clock.sleep(0.1)
            await strap.play(sent)
            await task
            assert all(d.delivered for d in strap.log.deliveries)
            info = store.session(recorder.session_id)
            assert info.status == SessionStatus.COMPLETE
            assert (info.strap_name, info.strap_address) == (
                "Polar H10 7E3A1B2C",
                "F0:5A:1B:2C:3D:4E",
            )
            stored = store.samples(info.id)
            hearts = [s for s in stored if isinstance(s, HeartSample)]
            assert [s.raw for s in hearts] == [d.payload for d in strap.log.deliveries]
            assert [s.rr_ms for s in hearts] == [s.rr_ms for s in sent]
            assert len(stored) - len(hearts) > 100  # movement from the accelerometer
            ecg_sent = [f.frame for f in strap.log.pmd_sent(pmd.MeasurementType.ECG)]
            assert len(ecg_sent) > 100
            frames = store.pmd_frames(info.id)
            assert {kind for _, kind, _ in frames} == {"ecg"}
            # The strap streams ECG until the recording stops: a frame it sends at that very
            # moment may still be in flight, so the stored frames are what was sent, in order,
            # less at most that last one.
            recorded = [raw for _, _, raw in frames]
            assert recorded == ecg_sent[: len(recorded)] and len(ecg_sent) - len(recorded) <= 1
            live_events = [e for u in updates for e in u.events]
            assert EventKind.BASELINE in {e.kind for e in live_events}
            assert store.events(info.id) == live_events
            assert [
                e for u in replayed_updates(store, info.id, load_config()) for e in u.events
            ] == live_events

    run_rig(test)
