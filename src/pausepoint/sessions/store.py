"""The session store: every session's raw samples, events and user actions in one SQLite file.

Raw samples go in before any processing, so a replay is the live session and a better
pipeline can re-score old sessions. A live session's writes are batched in memory and
committed at least once a second (wall clock or session time, whichever comes first) and
on every event: a crash loses at most the last second, and the write lock is held only for
the moment of a commit, so another pausepoint can list sessions during a recording.

The file holds health data: its folder is created 0700 and the file 0600 (SQLite gives
the -wal and -shm files the database's own mode). A session whose recorder died is marked
``interrupted`` by the next open; a recorder proves it is alive by holding a lock on a
small file beside the database, which the operating system releases when it dies.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import struct
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pausepoint.errors import UserError
from pausepoint.model import Event, EventKind, HeartSample, MotionSample, Sample

DB_ENV = "PAUSEPOINT_DB"
DB_FILE_NAME = "sessions.db"
COMMIT_EVERY_S = 1.0
BUSY_TIMEOUT_S = 5.0

Migration = Callable[[sqlite3.Connection], None]


class SessionStatus(StrEnum):
    RECORDING = "recording"
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"


class StoreError(UserError):
    """The database cannot be used as asked; ``reason`` says why, for callers that can adapt."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class UnknownSession(UserError):
    """No session with that ID."""


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("pausepoint")) / DB_FILE_NAME


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Which database: ``--db``, else $PAUSEPOINT_DB, else the user's data folder."""
    if explicit is not None:
        return Path(explicit)
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env)
    return default_db_path()


# --- schema ------------------------------------------------------------------------------

_V1 = (
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_utc TEXT NOT NULL,
        ended_utc TEXT,
        source TEXT NOT NULL,
        strap_name TEXT,
        strap_address TEXT,
        profile TEXT,
        status TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'interrupted')),
        note TEXT,
        settings TEXT NOT NULL DEFAULT '{}',
        duration_s REAL NOT NULL DEFAULT 0,
        beats INTEGER NOT NULL DEFAULT 0,
        flooded_s REAL NOT NULL DEFAULT 0,
        peak_hr_bpm REAL
    )""",
    "CREATE INDEX sessions_by_start ON sessions (started_utc, id)",
    "CREATE INDEX sessions_recording ON sessions (id) WHERE status = 'recording'",
    """CREATE TABLE samples (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        t_s REAL NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('heart', 'motion')),
        raw BLOB,
        hr_bpm INTEGER,
        rr_ms BLOB,
        contact INTEGER,
        energy_kj INTEGER,
        motion_g REAL,
        PRIMARY KEY (session_id, seq)
    ) WITHOUT ROWID""",
    """CREATE TABLE pmd_frames (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        t_s REAL NOT NULL,
        kind TEXT NOT NULL,
        raw BLOB NOT NULL
    )""",
    "CREATE INDEX pmd_frames_by_session ON pmd_frames (session_id, id)",
    """CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        t_s REAL NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}',
        origin TEXT NOT NULL DEFAULT 'pipeline' CHECK (origin IN ('pipeline', 'source'))
    )""",
    "CREATE INDEX events_by_session ON events (session_id, id)",
    """CREATE TABLE markers (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        t_s REAL NOT NULL,
        text TEXT NOT NULL
    )""",
    "CREATE INDEX markers_by_session ON markers (session_id, id)",
    """CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        t_s REAL NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX actions_by_session ON actions (session_id, id)",
    """CREATE TABLE profiles (
        name TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_utc TEXT NOT NULL,
        updated_utc TEXT NOT NULL
    )""",
)
"""actions.seq: how many samples had been recorded when the user acted, so a replay acts
at exactly the same point of the stream whatever the timing of the samples around it."""


_V2 = (
    "ALTER TABLE sessions ADD COLUMN persons INTEGER NOT NULL DEFAULT 1 CHECK (persons IN (1, 2))",
    "ALTER TABLE sessions ADD COLUMN strap_name_b TEXT",
    "ALTER TABLE sessions ADD COLUMN strap_address_b TEXT",
    "ALTER TABLE sessions ADD COLUMN profile_b TEXT",
    "ALTER TABLE samples ADD COLUMN person INTEGER NOT NULL DEFAULT 0 CHECK (person IN (0, 1))",
    "ALTER TABLE events ADD COLUMN person INTEGER NOT NULL DEFAULT 0 CHECK (person IN (0, 1))",
    "ALTER TABLE actions ADD COLUMN person INTEGER DEFAULT 0 CHECK (person IN (0, 1))",
    """CREATE TABLE couple_events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        t_s REAL NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX couple_events_by_session ON couple_events (session_id, id)",
)
"""Couple sessions: two streams in one session. ``person`` is 0 (partner A, and the only
person of a one-person session) or 1 (partner B); an action with person NULL is the
couple's (a shared pause). The ``_b`` columns name partner B's strap and profile."""


_V3 = (
    "ALTER TABLE pmd_frames ADD COLUMN person INTEGER NOT NULL DEFAULT 0 CHECK (person IN (0, 1))",
)
"""A couple session keeps each partner's raw ECG frames (Polar PMD), with their person."""


def _migrate_to_v1(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)


def _migrate_to_v2(conn: sqlite3.Connection) -> None:
    for statement in _V2:
        conn.execute(statement)


def _migrate_to_v3(conn: sqlite3.Connection) -> None:
    for statement in _V3:
        conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (_migrate_to_v1, _migrate_to_v2, _migrate_to_v3)
"""MIGRATIONS[i] takes a database from schema version i to i + 1 (PRAGMA user_version)."""


# --- values ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A session's row: what listing a year of sessions reads, without touching samples."""

    id: int
    started_utc: datetime
    ended_utc: datetime | None
    source: str
    status: SessionStatus
    note: str | None = None
    strap_name: str | None = None
    strap_address: str | None = None
    profile: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    beats: int = 0
    flooded_s: float = 0.0
    """In a couple session: the time at least one partner was flooded."""
    peak_hr_bpm: float | None = None
    persons: int = 1
    """2 for a couple session (partners A and B), else 1."""
    strap_name_b: str | None = None
    strap_address_b: str | None = None
    profile_b: str | None = None

    def to_dict(self) -> dict[str, Any]:
        couple = {
            "strap_name_b": self.strap_name_b,
            "strap_address_b": self.strap_address_b,
            "profile_b": self.profile_b,
        }
        return {
            "id": self.id,
            "started_utc": _utc_text(self.started_utc),
            "ended_utc": None if self.ended_utc is None else _utc_text(self.ended_utc),
            "source": self.source,
            "status": str(self.status),
            "note": self.note,
            "strap_name": self.strap_name,
            "strap_address": self.strap_address,
            "profile": self.profile,
            "duration_s": round(self.duration_s, 3),
            "beats": self.beats,
            "flooded_s": round(self.flooded_s, 3),
            "peak_hr_bpm": None if self.peak_hr_bpm is None else round(self.peak_hr_bpm, 1),
            "persons": self.persons,
            **(couple if self.persons == 2 else {}),
        }


@dataclass(frozen=True, slots=True)
class Marker:
    t_s: float
    text: str


@dataclass(frozen=True, slots=True)
class Action:
    """Something the user did that changes the pipeline (e.g. started a break)."""

    seq: int
    """Samples recorded before it: a replay applies it just before sample ``seq``."""
    t_s: float
    kind: str
    detail: dict[str, Any] = field(default_factory=dict)
    person: int | None = 0
    """Whose pipeline it acts on (0: A or the only person, 1: B); None: the couple's."""


@dataclass(frozen=True, slots=True)
class StoredProfile:
    """A profile's row: its body (JSON) and when it was made and last changed."""

    name: str
    body: dict[str, Any]
    created_utc: datetime
    updated_utc: datetime


@dataclass(slots=True)
class SessionSummary:
    duration_s: float = 0.0
    beats: int = 0
    flooded_s: float = 0.0
    peak_hr_bpm: float | None = None


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _utc_parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _pack_rr(rr_ms: Sequence[float]) -> bytes:
    return struct.pack(f"<{len(rr_ms)}d", *rr_ms)


def _unpack_rr(blob: bytes | None) -> tuple[float, ...]:
    return struct.unpack(f"<{len(blob) // 8}d", blob) if blob else ()


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _sample_row(seq: int, sample: Sample, person: int = 0) -> tuple[Any, ...]:
    """A samples row without its session ID (an atomic session gets its ID at the end)."""
    if isinstance(sample, MotionSample):
        return (seq, sample.t_s, "motion", None, None, None, None, None, sample.motion_g, person)
    contact = None if sample.contact is None else int(sample.contact)
    return (
        seq,
        sample.t_s,
        "heart",
        sample.raw,
        sample.hr_bpm,
        _pack_rr(sample.rr_ms),
        contact,
        sample.energy_kj,
        None,
        person,
    )


def _sample(
    t_s: float,
    kind: str,
    raw: bytes | None,
    hr_bpm: Any,
    rr_ms: bytes | None,
    contact: int | None,
    energy_kj: int | None,
    motion_g: Any,
) -> Sample:
    """A sample rebuilt from its row (the columns of _SAMPLE_COLUMNS)."""
    if kind == "motion":
        return MotionSample(t_s=t_s, motion_g=motion_g)
    return HeartSample(
        t_s=t_s,
        hr_bpm=hr_bpm,
        rr_ms=_unpack_rr(rr_ms),
        contact=None if contact is None else bool(contact),
        energy_kj=energy_kj,
        raw=raw or b"",
    )


_SAMPLE_COLUMNS = "t_s, kind, raw, hr_bpm, rr_ms, contact, energy_kj, motion_g"
_SAMPLE_INSERT = (
    "INSERT INTO samples (session_id, seq, t_s, kind, raw, hr_bpm, rr_ms, contact, energy_kj, "
    "motion_g, person) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SESSION_COLUMNS = (
    "id, started_utc, ended_utc, source, status, note, strap_name, strap_address, profile, "
    "settings, duration_s, beats, flooded_s, peak_hr_bpm, persons, strap_name_b, "
    "strap_address_b, profile_b"
)


def _session_info(row: sqlite3.Row | tuple[Any, ...]) -> SessionInfo:
    (
        sid,
        started,
        ended,
        source,
        status,
        note,
        strap_name,
        strap_address,
        profile,
        settings,
        duration_s,
        beats,
        flooded_s,
        peak_hr_bpm,
        persons,
        strap_name_b,
        strap_address_b,
        profile_b,
    ) = row
    return SessionInfo(
        id=sid,
        started_utc=_utc_parse(started),
        ended_utc=None if ended is None else _utc_parse(ended),
        source=source,
        status=SessionStatus(status),
        note=note,
        strap_name=strap_name,
        strap_address=strap_address,
        profile=profile,
        settings=json.loads(settings),
        duration_s=duration_s,
        beats=beats,
        flooded_s=flooded_s,
        peak_hr_bpm=peak_hr_bpm,
        persons=persons,
        strap_name_b=strap_name_b,
        strap_address_b=strap_address_b,
        profile_b=profile_b,
    )


# --- liveness locks ----------------------------------------------------------------------


class _LiveLock:
    """An exclusive OS lock on a small file: held while a recorder lives, freed when it dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Drop the lock and its file (a stale file is harmless: the next open removes it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        with contextlib.suppress(OSError):
            self.path.unlink()


# --- errors ------------------------------------------------------------------------------

_ADVICE = {
    "SQLITE_BUSY": ("locked", "in use by another pausepoint (locked); close it and try again"),
    "SQLITE_LOCKED": ("locked", "in use by another pausepoint (locked); close it and try again"),
    "SQLITE_READONLY": (
        "readonly",
        "read-only; make the file and its folder writable, or choose another file with --db",
    ),
    "SQLITE_FULL": (
        "full",
        "the disk is full; free some space and try again (what was saved before is kept)",
    ),
    "SQLITE_NOTADB": (
        "corrupt",
        "not a pausepoint database, or damaged; move it aside (a new one is started) "
        "or choose another file with --db",
    ),
    "SQLITE_CORRUPT": (
        "corrupt",
        "damaged; move it aside (a new one is started) or choose another file with --db",
    ),
    "SQLITE_CANTOPEN": (
        "cantopen",
        "cannot be opened; check that its folder exists and is writable, or use --db",
    ),
    "SQLITE_IOERR": ("io", "could not be read or written (disk error); check the disk"),
    "SQLITE_PERM": ("readonly", "access denied; check its permissions, or use --db"),
}


def _store_error(path: Path, exc: BaseException) -> StoreError:
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", None) or ""
        base = "_".join(name.split("_")[:2])
        reason, advice = (
            _ADVICE.get(name) or _ADVICE.get(base) or ("other", f"database error ({exc})")
        )
    elif isinstance(exc, OSError):
        reason = "readonly" if isinstance(exc, PermissionError) else "io"
        where = f" ({Path(exc.filename).name})" if exc.filename else ""
        advice = (
            f"{exc.strerror or exc}{where}; check that its folder exists and is writable, "
            "or choose another file with --db"
        )
    else:
        raise TypeError(exc)
    return StoreError(f"{path}: {advice}", reason)


# --- the store ---------------------------------------------------------------------------


class Store:
    """One open database. Not shared between threads: one consumer writes, as the design has it."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        readonly: bool,
        clock: Callable[[], float],
        utc_now: Callable[[], datetime],
    ) -> None:
        self._conn = conn
        self.path = path
        self.readonly = readonly
        self.clock = clock
        self.utc_now = utc_now

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        readonly: bool = False,
        clock: Callable[[], float] = time.monotonic,
        utc_now: Callable[[], datetime] = lambda: datetime.now(UTC),
        busy_timeout_s: float = BUSY_TIMEOUT_S,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> Store:
        """Open (creating if needed, unless readonly) and bring the schema up to date.

        ``clock`` (monotonic seconds) paces commits; ``utc_now`` dates sessions.
        Every failure a user can cause is a StoreError naming the file.
        """
        path = db_path(path)
        if readonly and not path.is_file():
            raise StoreError(
                f"{path}: no such database; record or import a session first, "
                "or choose another file with --db",
                "missing",
            )
        try:
            if not readonly:
                _prepare_file(path)
            return cls._connect(path, readonly, clock, utc_now, busy_timeout_s, migrations)
        except (sqlite3.Error, OSError) as exc:
            error = exc
        if readonly and not path.with_name(path.name + "-wal").exists():
            # A WAL database in a folder nobody may write: SQLite cannot make its -shm file.
            # With no -wal file, the database file alone holds every session: read it as is.
            with contextlib.suppress(sqlite3.Error):
                return cls._connect(
                    path, readonly, clock, utc_now, busy_timeout_s, migrations, immutable=True
                )
        raise _store_error(path, error) from None

    @classmethod
    def _connect(
        cls,
        path: Path,
        readonly: bool,
        clock: Callable[[], float],
        utc_now: Callable[[], datetime],
        busy_timeout_s: float,
        migrations: Sequence[Migration],
        immutable: bool = False,
    ) -> Store:
        if readonly:
            uri = f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy_timeout_s)
        else:
            conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_s)
        try:
            store = cls(conn, path, readonly=readonly, clock=clock, utc_now=utc_now)
            store._set_up(migrations)
        except BaseException:
            conn.close()
            raise
        return store

    def _set_up(self, migrations: Sequence[Migration]) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(migrations):
            raise StoreError(
                f"{self.path}: written by a newer pausepoint (schema {version}, this one reads up "
                f"to {len(migrations)}); upgrade pausepoint, or choose another file with --db",
                "newer",
            )
        self._conn.execute("PRAGMA foreign_keys = ON")
        if self.readonly:
            if version < len(migrations):
                raise StoreError(
                    f"{self.path}: needs an upgrade but is opened read-only; open it writable "
                    "once (any pausepoint sessions command does)",
                    "readonly",
                )
            return
        if self._conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA secure_delete = ON")
        for target in range(version + 1, len(migrations) + 1):
            with self._transaction():
                migrations[target - 1](self._conn)
                self._conn.execute(f"PRAGMA user_version = {target}")
        self._recover()

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection, for maintenance (pragmas, integrity checks) and tests."""
        return self._conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Turn SQLite and file errors into one-line StoreErrors naming the database."""
        try:
            yield
        except (sqlite3.Error, OSError) as exc:
            if self._conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")
            raise _store_error(self.path, exc) from None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: the write lock for as short a time as the work takes."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction whose errors are one-line StoreErrors."""
        with self.guard(), self._transaction() as conn:
            yield conn

    def live_lock(self, session_id: int) -> _LiveLock:
        return _LiveLock(self.path.with_name(f"{self.path.name}-rec{session_id}.lock"))

    def _recover(self) -> None:
        """Mark as interrupted the sessions left ``recording`` by a recorder that died."""
        recording = [
            row[0]
            for row in self._conn.execute("SELECT id FROM sessions WHERE status = 'recording'")
        ]
        dead = {}
        for session_id in recording:
            lock = self.live_lock(session_id)
            if lock.acquire():
                dead[session_id] = lock
        if not dead:
            return
        try:
            with self._transaction() as conn:
                conn.executemany(
                    "UPDATE sessions SET status = 'interrupted' "
                    "WHERE id = ? AND status = 'recording'",
                    [(session_id,) for session_id in dead],
                )
        finally:
            for lock in dead.values():
                lock.release()

    # --- writing ---------------------------------------------------------------------

    def begin_session(
        self,
        source: str,
        *,
        note: str | None = None,
        strap_name: str | None = None,
        strap_address: str | None = None,
        profile: str | None = None,
        settings: dict[str, Any] | None = None,
        started_utc: datetime | None = None,
        atomic: bool = False,
        commit_every_s: float = COMMIT_EVERY_S,
        persons: int = 1,
        strap_name_b: str | None = None,
        strap_address_b: str | None = None,
        profile_b: str | None = None,
    ) -> SessionWriter:
        """A writer for a new session. ``atomic``: nothing is written until ``finish``
        (an import: all of it or none of it, and the write lock for one moment).
        ``persons=2``: a couple session; the ``_b`` arguments are partner B's."""
        if self.readonly:
            raise StoreError(
                f"{self.path}: opened read-only; nothing can be recorded in it, "
                "choose another file with --db",
                "readonly",
            )
        row = {
            "started_utc": _utc_text(started_utc or self.utc_now()),
            "source": source,
            "note": note,
            "strap_name": strap_name,
            "strap_address": strap_address,
            "profile": profile,
            "settings": _json(settings or {}),
            "persons": persons,
            "strap_name_b": strap_name_b,
            "strap_address_b": strap_address_b,
            "profile_b": profile_b,
        }
        writer = SessionWriter(self, row, commit_every_s)
        if not atomic:
            writer.open_live()
        return writer

    def insert_session(self, row: dict[str, Any], status: SessionStatus) -> int:
        """Insert a session row (inside the caller's transaction); returns its ID."""
        cursor = self._conn.execute(
            "INSERT INTO sessions (started_utc, source, note, strap_name, strap_address, "
            "profile, settings, status, persons, strap_name_b, strap_address_b, profile_b) "
            "VALUES (:started_utc, :source, :note, :strap_name, :strap_address, :profile, "
            ":settings, :status, :persons, :strap_name_b, :strap_address_b, :profile_b)",
            {**row, "status": status.value},
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def delete_session(self, session_id: int) -> None:
        """Delete a session and everything in it; its pages are zeroed (secure_delete) and the
        WAL is checkpointed, so the health data does not linger in the file."""
        if self.session(session_id).status == SessionStatus.RECORDING:
            lock = self.live_lock(session_id)
            if not lock.acquire():
                raise StoreError(
                    f"session {session_id} is being recorded right now; "
                    "end that recording first, then delete it",
                    "live",
                )
            lock.release()
        with self.guard():
            with self._transaction() as conn:
                conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def save_profile(self, name: str, body: dict[str, Any]) -> None:
        now = _utc_text(self.utc_now())
        with self.write() as conn:
            conn.execute(
                "INSERT INTO profiles VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "body = excluded.body, updated_utc = excluded.updated_utc",
                (name, _json(body), now, now),
            )

    def delete_profile(self, name: str) -> bool:
        """False when there is no such profile. Sessions judged by it keep its name and the
        settings they were judged by, so they replay as they were."""
        with self.write() as conn:
            return conn.execute("DELETE FROM profiles WHERE name = ?", (name,)).rowcount > 0

    # --- reading ---------------------------------------------------------------------

    def sessions(self) -> list[SessionInfo]:
        """All sessions, oldest first, from the sessions table alone."""
        with self.guard():
            rows = self._conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY started_utc, id"
            ).fetchall()
        return [_session_info(row) for row in rows]

    def session(self, session_id: int) -> SessionInfo:
        with self.guard():
            row = self._conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        if row is None:
            raise UnknownSession(
                f"no session {session_id} in {self.path}; "
                "`pausepoint sessions` lists the sessions there are"
            )
        return _session_info(row)

    def sample_count(self, session_id: int) -> int:
        with self.guard():
            return self._conn.execute(
                "SELECT count(*) FROM samples WHERE session_id = ?", (session_id,)
            ).fetchone()[0]

    def samples(self, session_id: int, person: int = 0) -> list[Sample]:
        """One person's raw samples in the order they were recorded, rebuilt exactly
        (person 0: the only person, or partner A of a couple session)."""
        with self.guard():
            rows = self._conn.execute(
                f"SELECT {_SAMPLE_COLUMNS} FROM samples "
                "WHERE session_id = ? AND person = ? ORDER BY seq",
                (session_id, person),
            ).fetchall()
        return [_sample(*row) for row in rows]

    def person_samples(self, session_id: int) -> list[tuple[int, Sample]]:
        """Every sample of a session with its person, in the one order they were recorded."""
        with self.guard():
            rows = self._conn.execute(
                f"SELECT person, {_SAMPLE_COLUMNS} FROM samples WHERE session_id = ? ORDER BY seq",
                (session_id,),
            ).fetchall()
        return [(row[0], _sample(*row[1:])) for row in rows]

    def events(
        self, session_id: int, origin: str | None = "pipeline", person: int = 0
    ) -> list[Event]:
        """One person's events in the order they happened; ``origin`` None gives source
        events too."""
        return [event for p, event in self.person_events(session_id, origin) if p == person]

    def person_events(
        self, session_id: int, origin: str | None = "pipeline"
    ) -> list[tuple[int, Event]]:
        """Every person's events with their person, in the order they happened."""
        query = "SELECT person, t_s, kind, detail FROM events WHERE session_id = ?"
        params: tuple[Any, ...] = (session_id,)
        if origin is not None:
            query += " AND origin = ?"
            params += (origin,)
        with self.guard():
            rows = self._conn.execute(query + " ORDER BY id", params).fetchall()
        return [
            (person, Event(t_s, EventKind(kind), json.loads(detail)))
            for person, t_s, kind, detail in rows
        ]

    def couple_events(self, session_id: int) -> list[Any]:
        """A couple session's shared events (``couple.CoupleEvent``), in order."""
        from pausepoint.couple.engine import CoupleEvent, CoupleEventKind

        with self.guard():
            rows = self._conn.execute(
                "SELECT t_s, kind, detail FROM couple_events WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
        return [
            CoupleEvent(t_s, CoupleEventKind(kind), json.loads(detail))
            for t_s, kind, detail in rows
        ]

    def markers(self, session_id: int) -> list[Marker]:
        with self.guard():
            rows = self._conn.execute(
                "SELECT t_s, text FROM markers WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        return [Marker(t_s, text) for t_s, text in rows]

    def actions(self, session_id: int) -> list[Action]:
        with self.guard():
            rows = self._conn.execute(
                "SELECT seq, t_s, kind, detail, person FROM actions WHERE session_id = ? "
                "ORDER BY id",
                (session_id,),
            ).fetchall()
        return [
            Action(seq, t_s, kind, json.loads(detail), person)
            for seq, t_s, kind, detail, person in rows
        ]

    def pmd_frames(self, session_id: int, person: int = 0) -> list[tuple[float, str, bytes]]:
        """One person's raw PMD frames (t_s, kind, raw) in the order they came."""
        with self.guard():
            return self._conn.execute(
                "SELECT t_s, kind, raw FROM pmd_frames WHERE session_id = ? AND person = ? "
                "ORDER BY id",
                (session_id, person),
            ).fetchall()

    def profile(self, name: str) -> dict[str, Any] | None:
        with self.guard():
            row = self._conn.execute("SELECT body FROM profiles WHERE name = ?", (name,)).fetchone()
        return None if row is None else json.loads(row[0])

    def profile_names(self) -> list[str]:
        with self.guard():
            return [r[0] for r in self._conn.execute("SELECT name FROM profiles ORDER BY name")]

    def profiles(self) -> list[StoredProfile]:
        """Every profile with its dates, by name."""
        with self.guard():
            rows = self._conn.execute(
                "SELECT name, body, created_utc, updated_utc FROM profiles ORDER BY name"
            ).fetchall()
        return [
            StoredProfile(name, json.loads(body), _utc_parse(created), _utc_parse(updated))
            for name, body, created, updated in rows
        ]

    def set_active_profile(self, name: str) -> bool:
        """Make one profile the active one (``"active": true`` in its body, false in every
        other), in one transaction; False when there is no such profile. Choosing a profile
        does not change it, so its updated date stays."""
        with self.write() as conn:
            if conn.execute("SELECT 1 FROM profiles WHERE name = ?", (name,)).fetchone() is None:
                return False
            conn.execute(
                "UPDATE profiles SET body = json_set(body, '$.active', "
                "json(CASE WHEN name = ? THEN 'true' ELSE 'false' END))",
                (name,),
            )
        return True


def _prepare_file(path: Path) -> None:
    """Create the folder 0700 and the database 0600 before SQLite does it with looser modes."""
    folder = path.parent
    if not folder.exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)
    elif folder.resolve() == default_db_path().parent.resolve():
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.chmod(path, 0o600)


# --- the writer --------------------------------------------------------------------------


class SessionWriter:
    """Writes one session. Samples are buffered and committed together, at least once per
    ``commit_every_s`` of wall clock or session time and at once with every event, so the
    write lock is held for one short moment a second."""

    def __init__(self, store: Store, row: dict[str, Any], commit_every_s: float) -> None:
        self._store = store
        self._row = row
        self._commit_every_s = commit_every_s
        self.session_id: int | None = None
        self._seq = 0
        self._samples: list[tuple[Any, ...]] = []
        self._frames: list[tuple[float, str, bytes, int]] = []
        self._events: list[tuple[float, str, str, str, int]] = []
        self._couple_events: list[tuple[float, str, str]] = []
        self._markers: list[tuple[float, str]] = []
        self._actions: list[tuple[int, float, str, str, int | None]] = []
        self._straps: dict[int, tuple[str | None, str | None]] = {}
        self._summary: SessionSummary | None = None
        self._last_commit_wall_s = store.clock()
        self._last_commit_t_s: float | None = None
        self._last_t_s: float | None = None
        self._lock: _LiveLock | None = None
        self.finished = False

    @property
    def live(self) -> bool:
        return self._lock is not None

    @property
    def samples_recorded(self) -> int:
        return self._seq

    def open_live(self) -> None:
        """Insert the session as ``recording`` and hold its liveness lock, in one transaction
        so that no other process can see the row without the lock."""
        store = self._store
        with store.write():
            self.session_id = store.insert_session(self._row, SessionStatus.RECORDING)
            lock = store.live_lock(self.session_id)
            if not lock.acquire():
                raise OSError(f"lock {lock.path.name} is held by another process")
            self._lock = lock

    def add_sample(self, sample: Sample, *, hold: bool = False, person: int = 0) -> None:
        """Buffer a sample and commit if one is due; ``hold``: the caller will call
        ``flush_if_due`` itself (after updating the summary, so the commit carries it)."""
        self._samples.append(_sample_row(self._seq, sample, person))
        self._seq += 1
        self._last_t_s = sample.t_s
        if self._last_commit_t_s is None:
            self._last_commit_t_s = sample.t_s
        if not hold:
            self.flush_if_due()

    def flush_if_due(self) -> None:
        if self._lock is None or self._last_t_s is None or self._last_commit_t_s is None:
            return
        if (
            self._store.clock() - self._last_commit_wall_s >= self._commit_every_s
            or self._last_t_s - self._last_commit_t_s >= self._commit_every_s
        ):
            self.flush()

    def add_pmd_frame(self, t_s: float, kind: str, raw: bytes, person: int = 0) -> None:
        self._frames.append((t_s, kind, bytes(raw), person))

    def add_events(
        self, events: Iterable[Event], origin: str = "pipeline", person: int = 0
    ) -> None:
        rows = [(e.t_s, str(e.kind), _json(e.detail), origin, person) for e in events]
        if rows:
            self._events += rows
            self.flush()

    def add_couple_events(self, events: Iterable[Any]) -> None:
        """A couple session's shared events (anything with t_s, kind and detail)."""
        rows = [(e.t_s, str(e.kind), _json(e.detail)) for e in events]
        if rows:
            self._couple_events += rows
            self.flush()

    def add_marker(self, t_s: float, text: str) -> None:
        self._markers.append((t_s, text))
        self.flush()

    def add_action(
        self,
        t_s: float,
        kind: str,
        detail: dict[str, Any] | None = None,
        person: int | None = 0,
    ) -> None:
        self._actions.append((self._seq, t_s, kind, _json(detail or {}), person))
        self.flush()

    def set_strap(self, name: str | None, address: str | None, person: int = 0) -> None:
        self._straps[person] = (name, address)
        self.flush()

    def set_summary(self, summary: SessionSummary) -> None:
        """Kept for the next commit: listing sessions never needs to read samples."""
        self._summary = summary

    def flush(self) -> None:
        """Commit what is buffered (a live session); an atomic one waits for ``finish``.

        While another writer holds the database past the busy timeout, the buffer is kept
        and tried again a period later: a recording does not stop for a slow import."""
        if self._lock is None or self.finished:
            return
        try:
            self._write(None)
        except StoreError as exc:
            if exc.reason != "locked":
                raise
            self._last_commit_wall_s = self._store.clock()
            self._last_commit_t_s = self._last_t_s

    def finish(self, status: SessionStatus = SessionStatus.COMPLETE) -> int | None:
        """Write the rest, set the status and the end time; returns the session ID (None when
        nothing was recorded: an empty session is not kept)."""
        if self.finished:
            return self.session_id
        if self._seq == 0:
            self._discard()
            return None
        self._write(status)
        self.finished = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        return self.session_id

    def abandon(self) -> None:
        """Stop without writing more (the next open marks a live session interrupted)."""
        self.finished = True
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _discard(self) -> None:
        self.finished = True
        if self.session_id is not None:
            with self._store.write() as conn:
                conn.execute("DELETE FROM sessions WHERE id = ?", (self.session_id,))
        self.abandon()

    def _write(self, status: SessionStatus | None) -> None:
        store = self._store
        with store.write() as conn:
            if self.session_id is None:
                self.session_id = store.insert_session(self._row, status or SessionStatus.COMPLETE)
            sid = self.session_id
            if self._samples:
                conn.executemany(_SAMPLE_INSERT, [(sid, *row) for row in self._samples])
            if self._frames:
                conn.executemany(
                    "INSERT INTO pmd_frames (session_id, t_s, kind, raw, person) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(sid, *frame) for frame in self._frames],
                )
            if self._events:
                conn.executemany(
                    "INSERT INTO events (session_id, t_s, kind, detail, origin, person) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(sid, *event) for event in self._events],
                )
            if self._couple_events:
                conn.executemany(
                    "INSERT INTO couple_events (session_id, t_s, kind, detail) VALUES (?, ?, ?, ?)",
                    [(sid, *event) for event in self._couple_events],
                )
            if self._markers:
                conn.executemany(
                    "INSERT INTO markers (session_id, t_s, text) VALUES (?, ?, ?)",
                    [(sid, *marker) for marker in self._markers],
                )
            if self._actions:
                conn.executemany(
                    "INSERT INTO actions (session_id, seq, t_s, kind, detail, person) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(sid, *action) for action in self._actions],
                )
            for person, strap in self._straps.items():
                columns = (
                    "strap_name_b = ?, strap_address_b = ?"
                    if person
                    else ("strap_name = ?, strap_address = ?")
                )
                conn.execute(f"UPDATE sessions SET {columns} WHERE id = ?", (*strap, sid))
            if self._summary is not None:
                s = self._summary
                conn.execute(
                    "UPDATE sessions SET duration_s = ?, beats = ?, flooded_s = ?, "
                    "peak_hr_bpm = ? WHERE id = ?",
                    (s.duration_s, s.beats, s.flooded_s, s.peak_hr_bpm, sid),
                )
            if status is not None:
                conn.execute(
                    "UPDATE sessions SET status = ?, ended_utc = ? WHERE id = ?",
                    (status.value, _utc_text(store.utc_now()), sid),
                )
        self._samples.clear()
        self._frames.clear()
        self._events.clear()
        self._couple_events.clear()
        self._markers.clear()
        self._actions.clear()
        self._straps.clear()
        self._last_commit_wall_s = store.clock()
        self._last_commit_t_s = self._last_t_s
