"""The session store and the recorder: exact storage, commits, crashes, user errors, replay."""

from __future__ import annotations

import asyncio
import math
import os
import sqlite3
import stat
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from pausepoint.config import load_config
from pausepoint.errors import UserError
from pausepoint.model import Event, EventKind, HeartSample, MotionSample, State
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sessions.errors import StoreError, UnknownSession
from pausepoint.sessions.paths import DB_ENV, db_path, default_db_path
from pausepoint.sessions.recorder import Recorder
from pausepoint.sessions.records import SessionStatus, SessionSummary
from pausepoint.sessions.replay import PipelineReplay, replayed_updates, stored_couple_events
from pausepoint.sessions.schema import MIGRATIONS
from pausepoint.sessions.settings import PipelineSettings
from pausepoint.sessions.store import Store
from pausepoint.sources.pacing import paced
from pausepoint.sources.simulated.scenarios import SCENARIOS, simulate

CONFIG = load_config()


class FakeClock:
    """Wall-clock seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "sessions.db"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(db: Path, clock: FakeClock) -> Iterator[Store]:
    with Store.open(db, clock=clock) as opened:
        yield opened


def one_line(error: BaseException, path: Path) -> str:
    message = str(error)
    assert "\n" not in message and "\r" not in message
    assert str(path) in message
    return message


def heart(t_s: float, *rr_ms: float, contact: bool | None = True) -> HeartSample:
    return HeartSample(t_s, 72, tuple(rr_ms), contact, None, b"\x16\x48")


def committed_samples(path: Path, session_id: int) -> int:
    """What another process would see now."""
    with sqlite3.connect(path) as other:
        return other.execute(
            "SELECT count(*) FROM samples WHERE session_id = ?", (session_id,)
        ).fetchone()[0]


def record(store: Store, samples, settings: PipelineSettings | None = None, **kwargs):
    recorder = Recorder(store, CONFIG, source="test", settings=settings, **kwargs)
    live = []
    asyncio.run(recorder.run(paced(samples, math.inf), live.append))
    return recorder, live


# --- where the database lives, and who may read it -------------------------------------------


def test_db_path_prefers_the_option_then_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    assert db_path(None) == default_db_path()
    assert default_db_path().parent.name == "pausepoint"
    monkeypatch.setenv(DB_ENV, str(tmp_path / "env.db"))
    assert db_path(None) == tmp_path / "env.db"
    assert db_path(tmp_path / "option.db") == tmp_path / "option.db"


def test_folder_is_0700_and_files_0600_whatever_the_umask(db: Path) -> None:
    old_umask = os.umask(0)
    try:
        with Store.open(db) as store:
            writer = store.begin_session("test")
            writer.add_sample(heart(0.5, 800.0))
            writer.flush()
            files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
            writer.finish()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert modes == dict.fromkeys(modes, 0o600)


def test_schema_is_versioned(store: Store) -> None:
    conn = store.connection
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 4
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "sessions",
        "samples",
        "pmd_frames",
        "events",
        "markers",
        "actions",
        "profiles",
        "couple_events",
        "check_ins",
        "session_tags",
    } <= tables
    for table in ("samples", "events", "actions"):
        assert "person" in [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def test_a_v1_database_is_upgraded_to_two_streams_keeping_every_session(db: Path) -> None:
    """A database an older pausepoint wrote (schema 1, rows as it wrote them)."""
    Store.open(db, migrations=MIGRATIONS[:1]).close()
    with sqlite3.connect(db) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        old.execute(
            "INSERT INTO sessions (id, started_utc, source, strap_name, status, note) "
            "VALUES (1, '2026-01-02T03:04:05.000Z', 'test', 'Polar H10 7E3A1B2C', 'complete', "
            "'one person')"
        )
        old.execute(
            "INSERT INTO samples VALUES (1, 0, 1.0, 'heart', X'1648', 72, ?, 1, NULL, NULL)",
            (struct.pack("<d", 812.5),),
        )
        old.execute(
            "INSERT INTO samples VALUES (1, 1, 1.5, 'motion', NULL, NULL, NULL, NULL, NULL, 0.02)"
        )
        old.execute(
            "INSERT INTO events (session_id, t_s, kind, detail) "
            "VALUES (1, 1.2, 'baseline', '{\"hr_bpm\":70.0}')"
        )
        old.execute("INSERT INTO actions (session_id, seq, t_s, kind) VALUES (1, 1, 1.3, 'break')")
    with Store.open(db) as store:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        info = store.session(1)
        assert (info.persons, info.note, info.strap_name) == (1, "one person", "Polar H10 7E3A1B2C")
        assert store.samples(1) == [heart(1.0, 812.5), MotionSample(1.5, 0.02)]
        assert store.samples(1, person=1) == []
        assert [p for p, _ in store.person_samples(1)] == [0, 0]
        assert store.events(1) == [Event(1.2, EventKind.BASELINE, {"hr_bpm": 70.0})]
        (action,) = store.actions(1)
        assert (action.seq, action.kind, action.person) == (1, "break", 0)
        assert stored_couple_events(store, 1) == []
        assert info.to_dict()["persons"] == 1 and "profile_b" not in info.to_dict()


def test_a_couple_session_keeps_two_streams_apart_in_one_order(store: Store) -> None:
    from pausepoint.couple.engine import CoupleEvent, CoupleEventKind

    writer = store.begin_session(
        "test",
        persons=2,
        strap_name="Polar H10 AAAA0001",
        strap_name_b="Polar H10 BBBB0002",
        profile="sam",
        profile_b="alex",
    )
    writer.add_sample(heart(1.0, 800.0), person=0)
    writer.add_sample(heart(1.1, 650.0), person=1)
    writer.add_sample(heart(2.0, 801.0), person=0)
    writer.add_events([Event(2.0, EventKind.FLOODING_START)], person=1)
    writer.add_couple_events([CoupleEvent(2.0, CoupleEventKind.SHARED_PAUSE_START, {"by": "B"})])
    writer.add_action(2.0, "break", {"by": "couple"}, person=1)
    writer.add_action(2.5, "pause", person=None)
    writer.set_strap("Polar H10 BBBB0002", "F1:00:00:00:00:02", person=1)
    session_id = writer.finish()
    info = store.session(session_id)
    assert (info.persons, info.profile, info.profile_b) == (2, "sam", "alex")
    assert (info.strap_name, info.strap_address_b) == ("Polar H10 AAAA0001", "F1:00:00:00:00:02")
    assert store.samples(session_id, 0) == [heart(1.0, 800.0), heart(2.0, 801.0)]
    assert store.samples(session_id, 1) == [heart(1.1, 650.0)]
    assert [p for p, _ in store.person_samples(session_id)] == [0, 1, 0]
    assert store.events(session_id) == []
    assert store.events(session_id, person=1) == [Event(2.0, EventKind.FLOODING_START)]
    assert stored_couple_events(store, session_id) == [
        CoupleEvent(2.0, CoupleEventKind.SHARED_PAUSE_START, {"by": "B"})
    ]
    assert [(a.seq, a.kind, a.person) for a in store.actions(session_id)] == [
        (3, "break", 1),
        (3, "pause", None),
    ]
    store.delete_session(session_id)
    assert store.connection.execute("SELECT count(*) FROM couple_events").fetchone()[0] == 0


def _add_mood(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE sessions ADD COLUMN mood TEXT")
    conn.execute("UPDATE sessions SET mood = 'unknown'")


def _half_done(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE sessions ADD COLUMN mood TEXT")
    raise sqlite3.OperationalError("migration step failed")


def test_a_further_migration_keeps_data_and_an_older_pausepoint_refuses_it(db: Path) -> None:
    with Store.open(db) as store:
        writer = store.begin_session("test", note="before")
        writer.add_sample(heart(1.0, 812.5))
        session_id = writer.finish()
    with Store.open(db, migrations=(*MIGRATIONS, _add_mood)) as store:
        conn = store.connection
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
        assert conn.execute("SELECT mood FROM sessions").fetchall() == [("unknown",)]
        assert store.session(session_id).note == "before"
        assert store.samples(session_id) == [heart(1.0, 812.5)]
    with pytest.raises(StoreError) as info:
        Store.open(db)
    assert info.value.reason == "newer"
    assert "newer pausepoint" in one_line(info.value, db)


def test_a_failing_migration_changes_nothing(db: Path) -> None:
    Store.open(db).close()
    with pytest.raises(StoreError):
        Store.open(db, migrations=(*MIGRATIONS, _half_done))
    with Store.open(db) as store:
        conn = store.connection
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        columns = [r[1] for r in conn.execute("PRAGMA table_info(sessions)")]
        assert "mood" not in columns


# --- exact storage ---------------------------------------------------------------------------


def test_samples_come_back_exactly(store: Store) -> None:
    samples = [
        HeartSample(0.0123456789, 61, (983.3984375, 1000.0 / 3.0), True, 291, b"\x19\x2c\x01"),
        HeartSample(1.02, 0, (), False, None, b"\x04\x00"),
        MotionSample(1.5, 0.123456789012345),
        HeartSample(2.03, 300, (200.1953125,), None, 65535, b""),
    ]
    writer = store.begin_session("test")
    for sample in samples:
        writer.add_sample(sample)
    session_id = writer.finish()
    assert store.samples(session_id) == samples
    assert store.sample_count(session_id) == len(samples)


def test_session_row_events_markers_actions_and_frames(store: Store) -> None:
    writer = store.begin_session(
        "simulated:argument", note="first try", profile="me", settings={"pipeline": {"a": 1}}
    )
    writer.add_sample(heart(0.5, 800.0))
    writer.add_events([Event(0.5, EventKind.BASELINE, {"hr_bpm": 61.5, "from": "session"})])
    writer.add_events([Event(0.7, EventKind.RECONNECTED, {"gap_s": 3.5})], origin="source")
    writer.add_marker(0.6, "she said 'always'")
    writer.add_action(0.8, "break")
    writer.add_pmd_frame(0.9, "ecg", b"\x00\x01\x02")
    writer.set_strap("Polar H10 7E3A1B2C", "F0:5A:1B:2C:3D:4E")
    writer.set_summary(SessionSummary(12.5, 15, 3.25, 101.5))
    session_id = writer.finish()
    info = store.session(session_id)
    assert (info.source, info.note, info.profile, info.status) == (
        "simulated:argument",
        "first try",
        "me",
        SessionStatus.COMPLETE,
    )
    assert (info.strap_name, info.strap_address) == ("Polar H10 7E3A1B2C", "F0:5A:1B:2C:3D:4E")
    assert (info.duration_s, info.beats, info.flooded_s, info.peak_hr_bpm) == (
        12.5,
        15,
        3.25,
        101.5,
    )
    assert info.settings == {"pipeline": {"a": 1}}
    assert info.ended_utc is not None and info.ended_utc >= info.started_utc
    assert store.events(session_id) == [
        Event(0.5, EventKind.BASELINE, {"hr_bpm": 61.5, "from": "session"})
    ]
    assert [e.kind for e in store.events(session_id, origin=None)] == [
        EventKind.BASELINE,
        EventKind.RECONNECTED,
    ]
    assert [(m.t_s, m.text) for m in store.markers(session_id)] == [(0.6, "she said 'always'")]
    assert [(a.seq, a.t_s, a.kind) for a in store.actions(session_id)] == [(1, 0.8, "break")]
    assert store.pmd_frames(session_id) == [(0.9, "ecg", b"\x00\x01\x02")]


def test_profiles_are_saved_and_updated(store: Store) -> None:
    assert store.profile("me") is None
    store.save_profile("me", {"resting_hr_bpm": 61.0})
    store.save_profile("me", {"resting_hr_bpm": 59.5})
    store.save_profile("guest", {})
    assert store.profile("me") == {"resting_hr_bpm": 59.5}
    assert store.profile_names() == ["guest", "me"]


def test_an_empty_session_is_not_kept(store: Store) -> None:
    writer = store.begin_session("ble")
    assert store.session(writer.session_id).status == SessionStatus.RECORDING
    assert writer.finish() is None
    assert store.sessions() == []


# --- commits ---------------------------------------------------------------------------------


def test_samples_are_committed_once_a_second_of_wall_clock(
    store: Store, db: Path, clock: FakeClock
) -> None:
    writer = store.begin_session("test")
    for i in range(10):
        writer.add_sample(heart(i * 0.01, 800.0))  # session time barely moves
        clock.now_s += 0.099
    assert committed_samples(db, writer.session_id) == 0
    clock.now_s += 0.01
    writer.add_sample(heart(0.1, 800.0))
    assert committed_samples(db, writer.session_id) == 11


def test_samples_are_committed_once_a_second_of_session_time(
    store: Store, db: Path, clock: FakeClock
) -> None:
    writer = store.begin_session("test")
    for i in range(10):
        writer.add_sample(heart(5.0 + i * 0.1, 800.0))  # a fast replay: wall clock stands still
    assert committed_samples(db, writer.session_id) == 0
    writer.add_sample(heart(6.0, 800.0))
    assert committed_samples(db, writer.session_id) == 11


def test_every_event_is_committed_at_once_with_its_sample(store: Store, db: Path) -> None:
    writer = store.begin_session("test")
    writer.add_sample(heart(0.5, 800.0))
    writer.add_events([Event(0.5, EventKind.GAP, {"duration_s": 3.0})])
    assert committed_samples(db, writer.session_id) == 1
    with sqlite3.connect(db) as other:
        assert other.execute("SELECT kind FROM events").fetchall() == [("gap",)]


def test_summary_columns_are_current_while_recording(store: Store, db: Path) -> None:
    samples = simulate("argument", seed=2, minutes=3.0).samples
    recorder = Recorder(store, CONFIG, source="test")
    for sample in samples:
        recorder.feed(sample)
    with sqlite3.connect(db) as other:
        duration_s, beats, peak = other.execute(
            "SELECT duration_s, beats, peak_hr_bpm FROM sessions"
        ).fetchone()
    # committed within the last second of session time
    assert recorder.summary.duration_s - 1.0 < duration_s <= recorder.summary.duration_s
    assert 0 < beats <= recorder.summary.beats
    assert peak is not None and peak <= recorder.summary.peak_hr_bpm


# --- crashes ---------------------------------------------------------------------------------


def test_a_dead_recorders_session_is_interrupted_and_a_live_one_is_left_alone(
    db: Path, clock: FakeClock
) -> None:
    with Store.open(db, clock=clock) as store:
        dead = store.begin_session("test")
        dead.add_sample(heart(0.5, 800.0))
        dead.flush()
        dead.abandon()  # as if its process had died: the lock goes, the status stays
        live = store.begin_session("test")
        live.add_sample(heart(0.5, 800.0))
        live.flush()
        with Store.open(db) as other:
            assert other.session(dead.session_id).status == SessionStatus.INTERRUPTED
            assert other.session(live.session_id).status == SessionStatus.RECORDING
            with pytest.raises(StoreError) as info:
                other.delete_session(live.session_id)
            assert "being recorded" in str(info.value) and "\n" not in str(info.value)
        live.finish()
        assert store.session(live.session_id).status == SessionStatus.COMPLETE
        assert store.samples(dead.session_id) == [heart(0.5, 800.0)]


def test_a_session_row_without_its_lock_file_counts_as_dead(db: Path) -> None:
    Store.open(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO sessions (started_utc, source, status) "
            "VALUES ('2024-03-01T07:30:15.000Z', 'ble', 'recording')"
        )
    with Store.open(db) as store:
        assert [s.status for s in store.sessions()] == [SessionStatus.INTERRUPTED]
    assert sorted(p.name for p in db.parent.iterdir() if p.suffix == ".lock") == []


# --- what a user can get wrong ---------------------------------------------------------------


def test_a_file_that_is_not_a_database(db: Path) -> None:
    db.parent.mkdir()
    garbage = b"Polar H10 export, not SQLite\n" * 200
    db.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        Store.open(db)
    assert info.value.reason == "corrupt"
    assert "move it aside" in one_line(info.value, db)
    assert db.read_bytes() == garbage


def test_a_locked_database(store: Store, db: Path) -> None:
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(db, busy_timeout_s=0.01) as second:
            assert second.sessions() == []  # WAL: reading goes on
            with pytest.raises(StoreError) as info:
                second.begin_session("test")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert info.value.reason == "locked"
    assert "another pausepoint" in one_line(info.value, db)
    assert store.sessions() == []
    writer = store.begin_session("test")
    writer.add_sample(heart(0.5, 800.0))
    assert writer.finish() == 1


def test_a_recording_outlasts_another_writer_holding_the_lock(db: Path, clock: FakeClock) -> None:
    with Store.open(db, clock=clock, busy_timeout_s=0.01) as store:
        writer = store.begin_session("test")
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        for i in range(30):
            writer.add_sample(heart(i * 0.5, 800.0))  # commits fall due and wait
        blocker.execute("ROLLBACK")
        blocker.close()
        assert committed_samples(db, writer.session_id) == 0
        writer.add_sample(heart(15.0, 800.0))
        assert committed_samples(db, writer.session_id) == 31
        writer.finish()
        assert store.samples(writer.session_id) == [heart(i * 0.5, 800.0) for i in range(31)]


def test_a_read_only_database_still_lists_but_records_nothing(db: Path) -> None:
    with Store.open(db) as store:
        writer = store.begin_session("test")
        writer.add_sample(heart(0.5, 800.0))
        writer.finish()
    with Store.open(db, readonly=True) as store:
        assert [s.id for s in store.sessions()] == [1]
        with pytest.raises(StoreError) as info:
            store.begin_session("test")
        assert info.value.reason == "readonly"
        one_line(info.value, db)
        with pytest.raises(StoreError) as info:
            store.delete_session(1)
        assert info.value.reason == "readonly"
        assert "read-only" in one_line(info.value, db)
    with Store.open(db) as store:
        assert store.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert store.samples(1) == [heart(0.5, 800.0)]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="file modes do not bind the superuser; the read-only URI test covers this",
)
def test_a_database_on_a_non_writable_path(db: Path) -> None:
    with Store.open(db) as store:
        writer = store.begin_session("test")
        writer.add_sample(heart(0.5, 800.0))
        writer.finish()
    os.chmod(db, 0o400)
    try:
        with pytest.raises(StoreError) as info:
            Store.open(db)
        assert info.value.reason == "readonly"
        one_line(info.value, db)
    finally:
        os.chmod(db, 0o600)


def test_a_full_disk_keeps_what_was_committed_and_the_database_consistent(
    db: Path, clock: FakeClock
) -> None:
    samples = simulate("calm", seed=4, minutes=3.0).samples
    with Store.open(db, clock=clock) as store:
        recorder = Recorder(store, CONFIG, source="test")
        for sample in samples[:60]:
            recorder.feed(sample)
        conn = store.connection
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(StoreError) as info:
            asyncio.run(recorder.run(paced(samples[60:], math.inf)))
        assert info.value.reason == "full"
        assert "disk is full" in one_line(info.value, db)
        session_id = recorder.session_id
    with Store.open(db) as store:
        assert store.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kept = store.samples(session_id)
        assert len(kept) >= 59 and kept == list(samples[: len(kept)])
        assert store.session(session_id).status == SessionStatus.INTERRUPTED
        updates = list(replayed_updates(store, session_id, CONFIG))
        assert len(updates) == len(kept) + 1


def test_an_unknown_session_names_its_id(store: Store) -> None:
    with pytest.raises(UnknownSession) as info:
        store.session(42)
    assert isinstance(info.value, UserError)
    message = one_line(info.value, store.path)
    assert "42" in message and "pausepoint sessions" in message


def test_delete_removes_the_session_and_all_it_held(store: Store) -> None:
    kept, _ = record(store, simulate("calm", seed=1, minutes=1.0).samples)
    gone = store.begin_session("test")
    gone.add_sample(heart(0.5, 800.0))
    gone.add_marker(0.5, "x")
    gone.add_action(0.6, "break")
    gone.add_events([Event(0.5, EventKind.GAP, {})])
    gone.add_pmd_frame(0.5, "ecg", b"\x01")
    gone_id = gone.finish()
    store.delete_session(gone_id)
    with pytest.raises(UnknownSession):
        store.session(gone_id)
    conn = store.connection
    for table in ("samples", "events", "markers", "actions", "pmd_frames"):
        count = conn.execute(f"SELECT count(*) FROM {table} WHERE session_id = ?", (gone_id,))
        assert count.fetchone() == (0,), table
    assert [s.id for s in store.sessions()] == [kept.session_id]
    assert store.sample_count(kept.session_id) > 0


# --- recorder and replay ---------------------------------------------------------------------


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_replay_gives_the_events_recorded_live(store: Store, scenario: str) -> None:
    minutes = 12.0 if scenario == "argument" else 4.0
    samples = simulate(scenario, seed=5, minutes=minutes).samples
    recorder, live = record(store, samples, PipelineSettings(auto_break=True))
    live_events = [e for u in live for e in u.events]
    stored = store.events(recorder.session_id)
    assert stored == live_events
    assert store.samples(recorder.session_id) == list(samples)
    replayed = list(replayed_updates(store, recorder.session_id, CONFIG))
    assert [e for u in replayed for e in u.events] == live_events
    assert [u.state for u in replayed] == [u.state for u in live]
    assert [u.hr_bpm for u in replayed] == [u.hr_bpm for u in live]
    info = store.session(recorder.session_id)
    assert info.status == SessionStatus.COMPLETE
    assert info.beats == sum(len(u.beats) for u in live)
    assert info.duration_s == pytest.approx(samples[-1].t_s - samples[0].t_s)
    if scenario == "argument":
        assert EventKind.FLOODING_START in {e.kind for e in live_events}
        assert info.flooded_s > 60.0


def test_a_break_the_user_started_replays_at_the_same_point(store: Store) -> None:
    samples = simulate("argument", seed=0).samples
    recorder = Recorder(store, CONFIG, source="test")  # no auto break: the user decides
    live = []
    flooded_at = None
    for i, sample in enumerate(samples):
        update = recorder.feed(sample)
        live.append(update)
        if update.state == State.FLOODED and flooded_at is None:
            flooded_at = i
        if flooded_at is not None and i == flooded_at + 30:
            recorder.start_break(sample.t_s + 0.25)  # between two samples
    live.append(recorder.finish())
    live_events = [e for u in live for e in u.events]
    breaks = [e for e in live_events if e.kind == EventKind.BREAK_START]
    assert len(breaks) == 1
    replayed = list(replayed_updates(store, recorder.session_id, CONFIG))
    assert [e for u in replayed for e in u.events] == live_events
    without_action = Pipeline(CONFIG)
    plain = [e for s in samples for e in without_action.push(s).events]
    assert EventKind.BREAK_START not in {e.kind for e in plain}


def test_replay_rebuilds_the_pipeline_as_it_was_built(store: Store) -> None:
    samples = simulate("speech", seed=3, minutes=4.0).samples
    first = Pipeline(CONFIG)
    baseline = next(u.baseline for s in samples if (u := first.push(s)).baseline is not None)
    settings = PipelineSettings(
        auto_break=True, baseline=baseline, overrides={"flooding": {"ceiling_hr_bpm": 75.0}}
    )
    recorder, live = record(store, samples, settings)
    session = PipelineReplay(store, recorder.session_id, CONFIG)
    assert session.pipeline.baseline == baseline
    replayed = list(replayed_updates(store, recorder.session_id, CONFIG))
    assert [u.arousal for u in replayed] == [u.arousal for u in live]
    assert [e for u in replayed for e in u.events] == [e for u in live for e in u.events]


def test_cancelling_a_recording_finishes_it_as_complete(store: Store) -> None:
    samples = simulate("calm", seed=6, minutes=2.0).samples

    async def main() -> Recorder:
        recorder = Recorder(store, CONFIG, source="test")

        async def stream():
            for i, sample in enumerate(samples):
                if i == 50:
                    await asyncio.Event().wait()  # stalls, as a strap would, until cancelled
                yield sample

        task = asyncio.create_task(recorder.run(stream()))
        while recorder.samples_recorded < 50:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return recorder

    recorder = asyncio.run(main())
    assert store.session(recorder.session_id).status == SessionStatus.COMPLETE
    assert store.samples(recorder.session_id) == list(samples[:50])


def test_an_atomic_session_is_written_whole_or_not_at_all(store: Store) -> None:
    samples = simulate("calm", seed=7, minutes=1.0).samples
    recorder = Recorder(store, CONFIG, source="file:x.txt", atomic=True)
    for sample in samples[:20]:
        recorder.feed(sample)
    assert recorder.session_id is None and store.sessions() == []
    recorder.abort()
    assert store.sessions() == []
    recorder = Recorder(store, CONFIG, source="file:x.txt", atomic=True)
    for sample in samples:
        recorder.feed(sample)
    recorder.finish()
    assert store.samples(recorder.session_id) == list(samples)
    assert store.session(recorder.session_id).status == SessionStatus.COMPLETE


def test_a_v2_database_gets_a_person_on_its_ecg_frames(tmp_path: Path) -> None:
    """Schema 3: a database an older pausepoint wrote keeps its frames, as person 0's."""
    db = tmp_path / "sessions.db"
    Store.open(db, migrations=MIGRATIONS[:2]).close()
    with sqlite3.connect(db) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 2
        old.execute(
            "INSERT INTO sessions (id, started_utc, source, status) "
            "VALUES (1, '2026-01-02T03:04:05.000Z', 'ble', 'complete')"
        )
        old.execute(
            "INSERT INTO pmd_frames (session_id, t_s, kind, raw) VALUES (1, 0.5, 'ecg', X'0102')"
        )
    with Store.open(db) as store:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.pmd_frames(1) == [(0.5, "ecg", b"\x01\x02")]
        assert store.pmd_frames(1, person=1) == []
        writer = store.begin_session("ble:couple", persons=2)
        writer.add_sample(heart(0.6, 800.0), person=0)
        writer.add_pmd_frame(0.7, "ecg", b"\x03", person=1)
        session_id = writer.finish()
        assert store.pmd_frames(session_id) == []
        assert store.pmd_frames(session_id, person=1) == [(0.7, "ecg", b"\x03")]
