"""Writing one session: samples buffered and committed about once a second.

A live session's writes are batched in memory and committed at least once a second (wall
clock or session time, whichever comes first) and on every event: a crash loses at most
the last second, and the write lock is held only for the moment of a commit, so another
pausepoint can list sessions during a recording. An atomic session (an import) is written
in one transaction at the end, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from pausepoint.clock import utc_text
from pausepoint.sessions.errors import StoreError
from pausepoint.sessions.records import (
    SAMPLE_INSERT,
    SampleRow,
    SessionRow,
    SessionStatus,
    SessionSummary,
    json_text,
    sample_row,
)

if TYPE_CHECKING:
    from pausepoint.model import Event, Sample
    from pausepoint.sessions.store import LiveLock, Store

COMMIT_EVERY_S = 1.0


class EventRecord(Protocol):
    """An event as the writer keeps it: a pipeline's Event or the couple engine's."""

    @property
    def t_s(self) -> float: ...
    @property
    def kind(self) -> str: ...
    @property
    def detail(self) -> dict[str, Any]: ...


class SessionWriter:
    """Writes one session. Samples are buffered and committed together, at least once per
    ``commit_every_s`` of wall clock or session time and at once with every event, so the
    write lock is held for one short moment a second."""

    def __init__(self, store: Store, row: SessionRow, commit_every_s: float) -> None:
        self._store = store
        self._row = row
        self._commit_every_s = commit_every_s
        self.session_id: int | None = None
        self._seq = 0
        self._samples: list[SampleRow] = []
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
        self._lock: LiveLock | None = None
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
        self._samples.append(sample_row(self._seq, sample, person))
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
        rows = [(e.t_s, str(e.kind), json_text(e.detail), origin, person) for e in events]
        if rows:
            self._events += rows
            self.flush()

    def add_couple_events(self, events: Iterable[EventRecord]) -> None:
        """A couple session's shared events (the couple engine's CoupleEvents)."""
        rows = [(e.t_s, str(e.kind), json_text(e.detail)) for e in events]
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
        self._actions.append((self._seq, t_s, kind, json_text(detail or {}), person))
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
                conn.executemany(SAMPLE_INSERT, [(sid, *row) for row in self._samples])
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
                    (status.value, utc_text(store.utc_now()), sid),
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
