"""What the session store keeps, as values, and how each value becomes a row and back.

Samples are stored exactly as they came: RR intervals as little-endian doubles, the raw
notification bytes with them, so a replay rebuilds the very samples the pipeline saw.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pausepoint.clock import utc_parse, utc_text
from pausepoint.model import HeartSample, MotionSample, Sample

BREAK = "break"
"""The action kind for a break the user started (in a couple session: one the couple engine
started on a partner's pipeline, kept for the record; a replay works it out again)."""
PAUSE = "pause"
"""The action kind for a shared pause the couple started themselves."""


class SessionStatus(StrEnum):
    RECORDING = "recording"
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"


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
            "started_utc": utc_text(self.started_utc),
            "ended_utc": None if self.ended_utc is None else utc_text(self.ended_utc),
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


# --- rows --------------------------------------------------------------------------------


def pack_rr(rr_ms: Sequence[float]) -> bytes:
    return struct.pack(f"<{len(rr_ms)}d", *rr_ms)


def unpack_rr(blob: bytes | None) -> tuple[float, ...]:
    return struct.unpack(f"<{len(blob) // 8}d", blob) if blob else ()


def json_text(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


SampleRow = tuple[
    int,
    float,
    str,
    bytes | None,
    int | None,
    bytes | None,
    int | None,
    int | None,
    float | None,
    int,
]
"""seq, t_s, kind, raw, hr_bpm, rr_ms, contact, energy_kj, motion_g, person."""


def sample_row(seq: int, sample: Sample, person: int = 0) -> SampleRow:
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
        pack_rr(sample.rr_ms),
        contact,
        sample.energy_kj,
        None,
        person,
    )


def sample_from_row(
    t_s: float,
    kind: str,
    raw: bytes | None,
    hr_bpm: int,
    rr_ms: bytes | None,
    contact: int | None,
    energy_kj: int | None,
    motion_g: float,
) -> Sample:
    """A sample rebuilt from its row (the columns of SAMPLE_COLUMNS)."""
    if kind == "motion":
        return MotionSample(t_s=t_s, motion_g=motion_g)
    return HeartSample(
        t_s=t_s,
        hr_bpm=hr_bpm,
        rr_ms=unpack_rr(rr_ms),
        contact=None if contact is None else bool(contact),
        energy_kj=energy_kj,
        raw=raw or b"",
    )


SessionRow = dict[str, str | int | None]
"""A new session's row as ``Store.insert_session`` takes it (the columns of the INSERT)."""

SAMPLE_COLUMNS = "t_s, kind, raw, hr_bpm, rr_ms, contact, energy_kj, motion_g"
SAMPLE_INSERT = (
    "INSERT INTO samples (session_id, seq, t_s, kind, raw, hr_bpm, rr_ms, contact, energy_kj, "
    "motion_g, person) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
SESSION_COLUMNS = (
    "id, started_utc, ended_utc, source, status, note, strap_name, strap_address, profile, "
    "settings, duration_s, beats, flooded_s, peak_hr_bpm, persons, strap_name_b, "
    "strap_address_b, profile_b"
)
SessionColumns = tuple[
    int,  # id
    str,  # started_utc
    str | None,  # ended_utc
    str,  # source
    str,  # status
    str | None,  # note
    str | None,  # strap_name
    str | None,  # strap_address
    str | None,  # profile
    str,  # settings (JSON)
    float,  # duration_s
    int,  # beats
    float,  # flooded_s
    float | None,  # peak_hr_bpm
    int,  # persons
    str | None,  # strap_name_b
    str | None,  # strap_address_b
    str | None,  # profile_b
]
"""A session's row as SQLite reads the columns of SESSION_COLUMNS."""


def session_info_from_row(row: SessionColumns) -> SessionInfo:
    """A session's row (the columns of SESSION_COLUMNS) as read by SQLite."""
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
        started_utc=utc_parse(started),
        ended_utc=None if ended is None else utc_parse(ended),
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
