"""The report's numbers, from the updates alone: flooded time, breaks and how the body
settled, HRV of the calm and the flooded parts; for a couple, each partner's and the shared
pauses. Plain values, JSON-ready; neurokit2 is imported only when a part is measured."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, TypedDict

import numpy as np

from pausepoint.couple.engine import CoupleEvent, CoupleEventKind
from pausepoint.errors import BadInput
from pausepoint.model import Beat, Event, EventKind, State, Update
from pausepoint.reports.inputs import CoupleReportInput, ReportInput

MIN_PART_BEATS = 60
"""About a minute of beats: ultra-short RMSSD over 60 s already tracks 5-min RMSSD closely
(Munoz et al. 2015); fewer and a part's HRV is not worth a number."""

CALM_STATES = (State.CALM, State.READY)


BaselineNumbers = TypedDict("BaselineNumbers", {"hr_bpm": float, "rmssd_ms": float, "from": str})
"""The calm level the judgements were made against ("from" is a keyword, hence this form)."""


class BreakNumbers(TypedDict):
    start_s: float
    ready_s: float | None
    settle_s: float | None
    flooding_eased_s: float | None
    agreed_s: float | None
    """How long the person agreed to be away, with the more time they asked for."""
    more_time: int
    """How often they asked for more time."""
    time_up: str | None
    """When the agreed time came: "settled", "settling", "unknown" (no pulse); None: not
    during the session."""


class PartHrv(TypedDict):
    beats: int
    mean_hr_bpm: float | None
    rmssd_ms: float | None
    sdnn_ms: float | None
    pnn50_pct: float | None
    skipped: str | None


class HrvNumbers(TypedDict):
    calm: PartHrv
    flooded: PartHrv


class SessionSummary(TypedDict):
    start_s: float
    end_s: float
    duration_s: float
    beats: int
    baseline: BaselineNumbers | None
    flooded_spans_s: list[list[float]]
    flooded_count: int
    flooded_s: float
    longest_flooded_s: float
    rising_s: float
    signal_poor_s: float
    hr_only_s: float
    """Judged by heart rate alone: many extra heartbeats, or an irregular rhythm."""
    peak_hr_bpm: float | None
    peak_arousal: float | None
    breaks: list[BreakNumbers]
    hrv: HrvNumbers


class SharedPause(TypedDict):
    start_s: float
    by: str | None
    ready_s: float | None
    end_s: float


class CoupleSummary(TypedDict):
    names: list[str]
    start_s: float
    end_s: float
    duration_s: float
    partners: list[SessionSummary]
    pauses: list[SharedPause]
    linkage: dict[str, Any]
    """LinkageReport.to_dict: its own JSON form."""


@dataclass(frozen=True)
class PersonReport:
    """One person's report: what it is made of and its numbers, kept together."""

    data: ReportInput
    summary: SessionSummary


@dataclass(frozen=True)
class CoupleReport:
    """A couple's report: what it is made of and its numbers, kept together."""

    data: CoupleReportInput
    summary: CoupleSummary


Report = PersonReport | CoupleReport


def summarise(data: ReportInput | CoupleReportInput) -> Report:
    """The numbers of one person's report or a couple's, beside what they came from."""
    if isinstance(data, CoupleReportInput):
        return CoupleReport(data, couple_summary(data))
    return PersonReport(data, session_summary(data.updates, data.events))


def spans(updates: Sequence[Update], states: Sequence[State]) -> list[tuple[float, float]]:
    """Stretches of session time in the given states; a state holds until the next update."""
    found: list[tuple[float, float]] = []
    start_s: float | None = None
    for u, nxt in zip(updates, [*updates[1:], None], strict=True):
        if u.state in states and start_s is None:
            start_s = u.t_s
        if start_s is not None and (nxt is None or nxt.state not in states):
            end_s = u.t_s if nxt is None else nxt.t_s
            if end_s > start_s:
                found.append((start_s, end_s))
            start_s = None
    return found


def _breaks(updates: Sequence[Update], outside: Sequence[Event] = ()) -> list[BreakNumbers]:
    """Each break from its start to the moment the body had settled (READY), if it did;
    with the time agreed, as ``outside`` events (the person's) tell it."""
    events = sorted([e for u in updates for e in u.events] + list(outside), key=lambda e: e.t_s)
    breaks: list[BreakNumbers] = []
    for e in events:
        agreed_s = e.detail.get("agreed_s")
        if e.kind == EventKind.BREAK_START:
            breaks.append(
                {
                    "start_s": e.t_s,
                    "ready_s": None,
                    "settle_s": None,
                    "flooding_eased_s": None,
                    "agreed_s": agreed_s,
                    "more_time": 0,
                    "time_up": None,
                }
            )
        elif breaks and e.kind == EventKind.BREAK_EXTENDED:
            breaks[-1]["agreed_s"] = agreed_s
            breaks[-1]["more_time"] += 1
        elif breaks and e.kind == EventKind.BREAK_DUE:
            settled = e.detail.get("settled")
            came = "unknown" if settled is None else "settled" if settled else "settling"
            breaks[-1]["time_up"] = came
        elif breaks and breaks[-1]["ready_s"] is None:
            start_s = breaks[-1]["start_s"]
            if e.kind == EventKind.READY:
                breaks[-1]["ready_s"] = e.t_s
                breaks[-1]["settle_s"] = e.t_s - start_s
            elif e.kind == EventKind.FLOODING_END and breaks[-1]["flooding_eased_s"] is None:
                breaks[-1]["flooding_eased_s"] = e.t_s - start_s
    return breaks


def _in_spans(t_s: np.ndarray, found: Sequence[tuple[float, float]]) -> np.ndarray:
    inside = np.zeros(len(t_s), dtype=bool)
    for start_s, end_s in found:
        inside |= (t_s >= start_s) & (t_s < end_s)
    return inside


def _part_hrv(beats: Sequence[Beat], inside: np.ndarray) -> PartHrv:
    """neurokit2's time-domain HRV of the corrected NN beats in one part of the session.

    The beats' own times go with them, so neurokit2 leaves out the successive differences
    across a gap or between separate stretches of the part.
    """
    count = int(inside.sum())
    result: PartHrv = {
        "beats": count,
        "mean_hr_bpm": None,
        "rmssd_ms": None,
        "sdnn_ms": None,
        "pnn50_pct": None,
        "skipped": None,
    }
    if count < MIN_PART_BEATS:
        result["skipped"] = f"too few beats ({count}, need {MIN_PART_BEATS})"
        return result
    import neurokit2 as nk

    rr_ms = np.array([b.rr_ms for b in beats])[inside]
    t_s = np.array([b.t_s for b in beats])[inside]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = nk.hrv_time({"RRI": rr_ms, "RRI_Time": t_s})
    result["mean_hr_bpm"] = 60000.0 / float(table["HRV_MeanNN"].iloc[0])
    result["rmssd_ms"] = float(table["HRV_RMSSD"].iloc[0])
    result["sdnn_ms"] = float(table["HRV_SDNN"].iloc[0])
    result["pnn50_pct"] = float(table["HRV_pNN50"].iloc[0])
    return result


def _origin_s(updates: Sequence[Update]) -> float:
    """Session time starts at 0 when recording starts; the first update comes a beat later."""
    first_s = updates[0].t_s
    return 0.0 if 0.0 <= first_s < 60.0 else first_s


def session_summary(updates: Sequence[Update], outside: Sequence[Event] = ()) -> SessionSummary:
    """One person's numbers (``outside``: the events recorded beside the pipeline's: more
    time asked for, the agreed time come).

    Flooded time is time in the FLOODED state, as the live monitor showed it; a break
    that starts during flooding ends that state (what the body did next is in "breaks":
    when flooding eased and when it settled).
    """
    if not updates:
        raise BadInput("report: the session has no data; record or import one first")
    flooded = spans(updates, (State.FLOODED,))
    calm = spans(updates, CALM_STATES)
    beats = [b for u in updates for b in u.beats]
    beat_t_s = np.array([b.t_s for b in beats])
    hr_values = [u.hr_bpm for u in updates if u.hr_bpm is not None]
    arousals = [u.arousal for u in updates if u.arousal is not None]
    baseline = next((u.baseline for u in reversed(updates) if u.baseline is not None), None)
    return {
        "start_s": _origin_s(updates),
        "end_s": updates[-1].t_s,
        "duration_s": updates[-1].t_s - _origin_s(updates),
        "beats": len(beats),
        "baseline": None
        if baseline is None
        else {"hr_bpm": baseline.hr_bpm, "rmssd_ms": baseline.rmssd_ms, "from": baseline.source},
        "flooded_spans_s": [list(span) for span in flooded],
        "flooded_count": len(flooded),
        "flooded_s": sum(end_s - start_s for start_s, end_s in flooded),
        "longest_flooded_s": max((end_s - start_s for start_s, end_s in flooded), default=0.0),
        "rising_s": sum(b - a for a, b in spans(updates, (State.RISING,))),
        "signal_poor_s": sum(
            b - a for a, b in spans(updates, (State.SIGNAL_POOR, State.SEARCHING))
        ),
        "hr_only_s": sum(cur.t_s - prev.t_s for prev, cur in pairwise(updates) if prev.rhythm),
        "peak_hr_bpm": max(hr_values) if hr_values else None,
        "peak_arousal": max(arousals) if arousals else None,
        "breaks": _breaks(updates, outside),
        "hrv": {
            "calm": _part_hrv(beats, _in_spans(beat_t_s, calm)),
            "flooded": _part_hrv(beats, _in_spans(beat_t_s, flooded)),
        },
    }


def _shared_pauses(events: Sequence[CoupleEvent], end_s: float) -> list[SharedPause]:
    """Each shared pause, from its start to the moment both had settled (or the end)."""
    pauses: list[SharedPause] = []
    for e in events:
        if e.kind == CoupleEventKind.SHARED_PAUSE_START:
            by = e.detail.get("by")
            pauses.append({"start_s": e.t_s, "by": by, "ready_s": None, "end_s": end_s})
        elif e.kind == CoupleEventKind.SHARED_READY and pauses and pauses[-1]["ready_s"] is None:
            pauses[-1]["ready_s"] = pauses[-1]["end_s"] = e.t_s
    return pauses


def couple_summary(data: CoupleReportInput) -> CoupleSummary:
    """The couple report's numbers: each partner's session_summary, the shared pauses and
    the linkage."""
    partners = [session_summary(updates) for updates in data.partners]
    start_s = min(p["start_s"] for p in partners)
    end_s = max(p["end_s"] for p in partners)
    return {
        "names": list(data.names),
        "start_s": start_s,
        "end_s": end_s,
        "duration_s": end_s - start_s,
        "partners": partners,
        "pauses": _shared_pauses(data.couple_events, end_s),
        "linkage": data.linkage.to_dict(data.names),
    }
