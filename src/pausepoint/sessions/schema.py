"""The database's tables, and the steps that bring an older file up to date.

Schema version i is ``PRAGMA user_version`` = i; ``MIGRATIONS[i]`` takes a database from
version i to i + 1, so a new database runs them all and an old one the ones it lacks. The
on-disk format is this file: change it only by adding a step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


class SqlMigration:
    """A migration that is SQL statements run in order (in the caller's transaction)."""

    def __init__(self, *statements: str) -> None:
        self.statements = statements

    def __call__(self, conn: sqlite3.Connection) -> None:
        for statement in self.statements:
            conn.execute(statement)


V1 = SqlMigration(
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


V2 = SqlMigration(
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


V3 = SqlMigration(
    "ALTER TABLE pmd_frames ADD COLUMN person INTEGER NOT NULL DEFAULT 0 CHECK (person IN (0, 1))",
)
"""A couple session keeps each partner's raw ECG frames (Polar PMD), with their person."""


V4 = SqlMigration(
    """CREATE TABLE check_ins (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        person INTEGER NOT NULL DEFAULT 0 CHECK (person IN (0, 1)),
        mood_before INTEGER CHECK (mood_before BETWEEN 1 AND 5),
        mood_after INTEGER CHECK (mood_after BETWEEN 1 AND 5),
        pause_helped TEXT CHECK (pause_helped IN ('yes', 'no', 'not_taken')),
        shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
        PRIMARY KEY (session_id, person)
    ) WITHOUT ROWID""",
    """CREATE TABLE session_tags (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (session_id, tag)
    ) WITHOUT ROWID""",
    "CREATE INDEX session_tags_by_tag ON session_tags (tag, session_id)",
)
"""Before and after a check-in, each partner's own answers (1 calm ... 5 tense; whether the
pause helped), private to their author unless ``shared``; and what the talk was about."""


MIGRATIONS: tuple[Migration, ...] = (V1, V2, V3, V4)
"""MIGRATIONS[i] takes a database from schema version i to i + 1 (PRAGMA user_version)."""
