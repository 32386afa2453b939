"""The session store: every session's raw samples, events and user actions in one SQLite file.

Raw samples go in before any processing, so a replay is the live session and a better
pipeline can re-score old sessions (the writer says how they go in, the schema what the
file holds). A session whose recorder died is marked ``interrupted`` by the next open; a
recorder proves it is alive by holding a lock on a small file beside the database, which
the operating system releases when it dies.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pausepoint.clock import utc_parse, utc_text
from pausepoint.model import Event, EventKind, Sample
from pausepoint.sessions.errors import StoreError, UnknownSession, store_error
from pausepoint.sessions.paths import db_path, prepare_db_file
from pausepoint.sessions.records import (
    SAMPLE_COLUMNS,
    SESSION_COLUMNS,
    Action,
    Marker,
    SessionInfo,
    SessionRow,
    SessionStatus,
    StoredProfile,
    json_text,
    sample_from_row,
    session_info_from_row,
)
from pausepoint.sessions.schema import MIGRATIONS, Migration
from pausepoint.sessions.writer import COMMIT_EVERY_S, SessionWriter

BUSY_TIMEOUT_S = 5.0


# --- liveness locks ----------------------------------------------------------------------


class LiveLock:
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
                prepare_db_file(path)
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
        raise store_error(path, error) from None

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
            raise store_error(self.path, exc) from None

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

    def live_lock(self, session_id: int) -> LiveLock:
        return LiveLock(self.path.with_name(f"{self.path.name}-rec{session_id}.lock"))

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
        row: SessionRow = {
            "started_utc": utc_text(started_utc or self.utc_now()),
            "source": source,
            "note": note,
            "strap_name": strap_name,
            "strap_address": strap_address,
            "profile": profile,
            "settings": json_text(settings or {}),
            "persons": persons,
            "strap_name_b": strap_name_b,
            "strap_address_b": strap_address_b,
            "profile_b": profile_b,
        }
        writer = SessionWriter(self, row, commit_every_s)
        if not atomic:
            writer.open_live()
        return writer

    def insert_session(self, row: SessionRow, status: SessionStatus) -> int:
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
        now = utc_text(self.utc_now())
        with self.write() as conn:
            conn.execute(
                "INSERT INTO profiles VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "body = excluded.body, updated_utc = excluded.updated_utc",
                (name, json_text(body), now, now),
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
                f"SELECT {SESSION_COLUMNS} FROM sessions ORDER BY started_utc, id"
            ).fetchall()
        return [session_info_from_row(row) for row in rows]

    def session(self, session_id: int) -> SessionInfo:
        with self.guard():
            row = self._conn.execute(
                f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        if row is None:
            raise UnknownSession(
                f"no session {session_id} in {self.path}; "
                "`pausepoint sessions` lists the sessions there are"
            )
        return session_info_from_row(row)

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
                f"SELECT {SAMPLE_COLUMNS} FROM samples "
                "WHERE session_id = ? AND person = ? ORDER BY seq",
                (session_id, person),
            ).fetchall()
        return [sample_from_row(*row) for row in rows]

    def person_samples(self, session_id: int) -> list[tuple[int, Sample]]:
        """Every sample of a session with its person, in the one order they were recorded."""
        with self.guard():
            rows = self._conn.execute(
                f"SELECT person, {SAMPLE_COLUMNS} FROM samples WHERE session_id = ? ORDER BY seq",
                (session_id,),
            ).fetchall()
        return [(row[0], sample_from_row(*row[1:])) for row in rows]

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
        params: tuple[int | str, ...] = (session_id,)
        if origin is not None:
            query += " AND origin = ?"
            params += (origin,)
        with self.guard():
            rows = self._conn.execute(query + " ORDER BY id", params).fetchall()
        return [
            (person, Event(t_s, EventKind(kind), json.loads(detail)))
            for person, t_s, kind, detail in rows
        ]

    def couple_event_rows(self, session_id: int) -> list[tuple[float, str, dict[str, Any]]]:
        """A couple session's shared events as stored (t_s, kind, detail), in order: the
        couple engine's CoupleEvents, which ``sessions.replay.stored_couple_events`` rebuilds."""
        with self.guard():
            rows = self._conn.execute(
                "SELECT t_s, kind, detail FROM couple_events WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
        return [(t_s, kind, json.loads(detail)) for t_s, kind, detail in rows]

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
            StoredProfile(name, json.loads(body), utc_parse(created), utc_parse(updated))
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
