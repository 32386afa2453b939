"""The one-page session report: what happened, in pictures, numbers and a few plain sentences.

Written for the person who wore the strap (and maybe their therapist), not for an engineer.
It is made offline from a replay's updates; matplotlib and neurokit2 are imported inside the
functions here and nowhere on the path from start-up to the first frame.
"""

from __future__ import annotations

import base64
import html
import io
import math
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pausepoint import __version__
from pausepoint.config import Config, load_config
from pausepoint.couple.engine import (
    PARTNERS,
    CoupleEvent,
    CoupleEventKind,
    CoupleUpdate,
    LinkageReport,
    partner_names,
    shown_state,
)
from pausepoint.errors import BadInput
from pausepoint.model import Beat, EventKind, State, Update
from pausepoint.pipeline.arousal import flooding_arousal
from pausepoint.pipeline.offline import Progress
from pausepoint.sources.files import write_bytes_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SUFFIXES = (".png", ".pdf", ".html")
RENDER_STEPS = 3
"""``render_report`` steps its Progress 1..RENDER_STEPS: numbers, figure, file."""

MIN_PART_BEATS = 60
"""About a minute of beats: ultra-short RMSSD over 60 s already tracks 5-min RMSSD closely
(Munoz et al. 2015); fewer and a part's HRV is not worth a number."""

CALM_STATES = (State.CALM, State.READY)

# Okabe & Ito's colour-blind-safe palette; the flooded shade is a soft amber, never red.
INK = "#2B2B2B"
MUTED = "#6B6B6B"
AROUSAL_COLOUR = "#0072B2"
HR_COLOUR = "#0072B2"
RMSSD_COLOUR = "#009E73"
FLOODED_FILL = "#F6DDAE"
FLOODING_LINE = "#B8860B"
BREAK_FILL = "#DCEEF9"
SETTLED_COLOUR = "#009E73"
SIGNAL_FILL = "#E6E6E6"
MARKER_COLOUR = "#7A5195"

PAGE_IN = (8.27, 11.69)
"""A4 portrait; "fit to page" prints it on US letter at 94 %."""
PNG_DPI = 150

# Artist ids, so a test (or a caller) can find what was drawn without reading pixels.
GID_FLOODED = "flooded"
GID_BREAK = "break"
GID_FLOODING_LINE = "flooding-line"
GID_SETTLED = "settled"
GID_MARKER = "marker"
GID_AROUSAL = "arousal"
GID_HR = "heart-rate"
GID_RMSSD = "rmssd"


@dataclass(frozen=True)
class ReportInput:
    title: str
    """E.g. "Check-in, 27 Nov 2026, 19:05"."""
    source: str
    """E.g. "Polar H10", "simulated: argument", "file: x.csv"."""
    updates: Sequence[Update]
    """The pipeline's updates for the whole session (a replay)."""
    markers: Sequence[tuple[float, str]] = ()
    """(t_s, text): the person's markers and notes during the session."""
    note: str = ""


# ---------------------------------------------------------------------------------------------
# Numbers


def _spans(updates: Sequence[Update], states: Sequence[State]) -> list[tuple[float, float]]:
    """Stretches of session time in the given states; a state holds until the next update."""
    spans: list[tuple[float, float]] = []
    start_s: float | None = None
    for u, nxt in zip(updates, [*updates[1:], None], strict=True):
        if u.state in states and start_s is None:
            start_s = u.t_s
        if start_s is not None and (nxt is None or nxt.state not in states):
            end_s = u.t_s if nxt is None else nxt.t_s
            if end_s > start_s:
                spans.append((start_s, end_s))
            start_s = None
    return spans


def _breaks(updates: Sequence[Update]) -> list[dict[str, float | None]]:
    """Each break from its start to the moment the body had settled (READY), if it did."""
    events = [e for u in updates for e in u.events]
    breaks: list[dict[str, float | None]] = []
    for e in events:
        if e.kind == EventKind.BREAK_START:
            breaks.append(
                {"start_s": e.t_s, "ready_s": None, "settle_s": None, "flooding_eased_s": None}
            )
        elif breaks and breaks[-1]["ready_s"] is None:
            start_s = breaks[-1]["start_s"]
            assert start_s is not None
            if e.kind == EventKind.READY:
                breaks[-1]["ready_s"] = e.t_s
                breaks[-1]["settle_s"] = e.t_s - start_s
            elif e.kind == EventKind.FLOODING_END and breaks[-1]["flooding_eased_s"] is None:
                breaks[-1]["flooding_eased_s"] = e.t_s - start_s
    return breaks


def _in_spans(t_s: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
    inside = np.zeros(len(t_s), dtype=bool)
    for start_s, end_s in spans:
        inside |= (t_s >= start_s) & (t_s < end_s)
    return inside


def _part_hrv(beats: Sequence[Beat], inside: np.ndarray) -> dict[str, Any]:
    """neurokit2's time-domain HRV of the corrected NN beats in one part of the session.

    The beats' own times go with them, so neurokit2 leaves out the successive differences
    across a gap or between separate stretches of the part.
    """
    count = int(inside.sum())
    result: dict[str, Any] = {
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
    mean_nn_ms = float(table["HRV_MeanNN"].iloc[0])
    result.update(
        mean_hr_bpm=60000.0 / mean_nn_ms,
        rmssd_ms=float(table["HRV_RMSSD"].iloc[0]),
        sdnn_ms=float(table["HRV_SDNN"].iloc[0]),
        pnn50_pct=float(table["HRV_pNN50"].iloc[0]),
    )
    return result


def _origin_s(updates: Sequence[Update]) -> float:
    """Session time starts at 0 when recording starts; the first update comes a beat later."""
    first_s = updates[0].t_s
    return 0.0 if 0.0 <= first_s < 60.0 else first_s


def session_summary(updates: Sequence[Update]) -> dict[str, Any]:
    """The report's numbers, from the updates alone (plain floats, JSON-ready).

    Flooded time is time in the FLOODED state, as the live monitor showed it; a break
    that starts during flooding ends that state (what the body did next is in "breaks":
    when flooding eased and when it settled).
    """
    if not updates:
        raise BadInput("report: the session has no data; record or import one first")
    flooded = _spans(updates, (State.FLOODED,))
    calm = _spans(updates, CALM_STATES)
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
        "rising_s": sum(b - a for a, b in _spans(updates, (State.RISING,))),
        "signal_poor_s": sum(b - a for a, b in _spans(updates, (State.SIGNAL_POOR,))),
        "peak_hr_bpm": max(hr_values) if hr_values else None,
        "peak_arousal": max(arousals) if arousals else None,
        "breaks": _breaks(updates),
        "hrv": {
            "calm": _part_hrv(beats, _in_spans(beat_t_s, calm)),
            "flooded": _part_hrv(beats, _in_spans(beat_t_s, flooded)),
        },
    }


# ---------------------------------------------------------------------------------------------
# Words


def _minutes_words(seconds: float) -> str:
    """Rounded for a sentence: "less than a minute", "1 minute", "6 minutes", "1 h 5 min"."""
    minutes = round(seconds / 60.0)
    if minutes < 1:
        return "less than a minute"
    if minutes >= 90:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes} minute{'s' * (minutes != 1)}"


def duration_text(seconds: float) -> str:
    """Exact enough for the table: "45 s", "5 min 4 s", "1 h 12 min"."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def _minute(t_s: float, origin_s: float) -> int:
    return max(0, round((t_s - origin_s) / 60.0))


def _at_words(t_s: float, origin_s: float) -> str:
    """When, as minutes into the session, for a table: "14 min"."""
    return f"{_minute(t_s, origin_s)} min"


def _minutes_in(t_s: float, origin_s: float) -> str:
    """When, for a sentence: "14 minutes" (into the session)."""
    minute = _minute(t_s, origin_s)
    return "less than a minute" if minute == 0 else _minutes_words(minute * 60.0)


def _times_words(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def summary_sentences(summary: dict[str, Any]) -> list[str]:
    """A few calm, plain sentences about the session, in the order things happened."""
    words: list[str] = []
    if summary["baseline"] is None:
        words.append(
            "pausepoint could not learn your calm level in this session, so it did not judge "
            "arousal or flooding. Start the next one with two quiet minutes."
        )
        return words
    count = summary["flooded_count"]
    if count == 0:
        if summary["rising_s"] > 0:
            words.append(
                f"There was no flooding in this session. Your body became stirred up for "
                f"{_minutes_words(summary['rising_s'])} in all, and came back down each time."
            )
        else:
            words.append("There was no flooding in this session, and your arousal stayed low.")
    elif count == 1:
        start_s, _ = summary["flooded_spans_s"][0]
        words.append(
            f"You were flooded once, for {_minutes_words(summary['flooded_s'])}, starting "
            f"{_minutes_in(start_s, summary['start_s'])} into the session."
        )
    else:
        words.append(
            f"You were flooded {_times_words(count)}, for {_minutes_words(summary['flooded_s'])}"
            f" in all; the longest stretch was {_minutes_words(summary['longest_flooded_s'])}."
        )
    breaks = summary["breaks"]
    for i, brk in enumerate(breaks):
        which = "a break" if len(breaks) == 1 else f"break {i + 1}"
        sentence = f"You took {which} {_minutes_in(brk['start_s'], summary['start_s'])} in."
        if brk["flooding_eased_s"] is not None:
            sentence += (
                f" Your heart rate came down out of the flooded range "
                f"{_minutes_words(brk['flooding_eased_s'])} into it."
            )
        words.append(sentence)
        if brk["settle_s"] is not None:
            words.append(
                f"After your break your body settled in {_minutes_words(brk['settle_s'])}."
            )
        else:
            left_s = summary["end_s"] - brk["start_s"]
            words.append(
                f"The session ended {_minutes_words(left_s)} into the break, while your body "
                "was still settling back to its calm level."
            )
    if count and not breaks:
        words.append(
            "There was no break this time. Next time, when flooding is noticed, try saying you "
            "need 20 minutes, and take them."
        )
    calm, flooded = summary["hrv"]["calm"], summary["hrv"]["flooded"]
    if calm["rmssd_ms"] is not None and flooded["rmssd_ms"] is not None:
        words.append(
            f"Your heart rate variability (RMSSD) was {calm['rmssd_ms']:.0f} ms when calm and "
            f"{flooded['rmssd_ms']:.0f} ms when flooded: a lower number means the body's "
            "calming system had stepped back."
        )
    elif calm["rmssd_ms"] is not None:
        words.append(
            f"Your heart rate variability (RMSSD) while calm was {calm['rmssd_ms']:.0f} ms, "
            "a sign of how present the body's calming system was."
        )
    if summary["signal_poor_s"] >= 30:
        words.append(
            f"The strap's signal was unclear for {_minutes_words(summary['signal_poor_s'])}; "
            "nothing was judged then."
        )
    return words


def _table_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [("Session length", duration_text(summary["duration_s"]))]
    base = summary["baseline"]
    if base is not None:
        rows.append(
            ("Your calm level", f"{base['hr_bpm']:.0f} bpm, RMSSD {base['rmssd_ms']:.0f} ms")
        )
    count = summary["flooded_count"]
    if count:
        rows.append(
            ("Time flooded", f"{duration_text(summary['flooded_s'])} ({_times_words(count)})")
        )
        rows.append(("Longest flooded stretch", duration_text(summary["longest_flooded_s"])))
    else:
        rows.append(("Time flooded", "no flooding"))
    if summary["peak_hr_bpm"] is not None:
        rows.append(("Highest heart rate", f"{summary['peak_hr_bpm']:.0f} bpm (10-s average)"))
    for i, brk in enumerate(summary["breaks"]):
        label = "Break" if len(summary["breaks"]) == 1 else f"Break {i + 1}"
        label += f" (from {_at_words(brk['start_s'], summary['start_s'])})"
        if brk["settle_s"] is not None:
            rows.append((label, f"settled after {duration_text(brk['settle_s'])}"))
        else:
            rows.append((label, "still settling at the end"))
    if summary["signal_poor_s"] > 0:
        rows.append(("Signal unclear", duration_text(summary["signal_poor_s"])))
    return rows


_HRV_HEADER = ("", "beats", "mean HR", "RMSSD", "SDNN")


def _hrv_rows(summary: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for name in ("calm", "flooded"):
        part = summary["hrv"][name]
        if part["skipped"] is not None:
            reason = "none in this session" if part["beats"] == 0 else "too few beats to measure"
            rows.append((name, str(part["beats"]), reason, "", ""))
        else:
            rows.append(
                (
                    name,
                    str(part["beats"]),
                    f"{part['mean_hr_bpm']:.0f} bpm",
                    f"{part['rmssd_ms']:.0f} ms",
                    f"{part['sdnn_ms']:.0f} ms",
                )
            )
    return rows


_FOOTNOTE = (
    "Arousal (0-100) is measured against your own calm level: about 15 is calm, "
    "about 70 is the flooding line (heart rate 10 % or 10 bpm over your calm level with "
    "beat-to-beat variation withdrawn, or over 100 bpm). RMSSD is that beat-to-beat "
    "variation over 30 s, a sign of the body's calming system; slow breathing raises it. HRV of "
    "the calm and flooded "
    "parts: neurokit2 on the corrected beats. A picture of one session, not a diagnosis."
)


# ---------------------------------------------------------------------------------------------
# Figure


STALE_S = 5.0
"""With no new beat for this long (strap off, beats lost) the estimates are old news: the
panels leave a gap there rather than draw a flat line."""


def _series(updates: Sequence[Update], name: str) -> np.ndarray:
    values = np.array([np.nan if (v := getattr(u, name)) is None else v for u in updates])
    last_beat_s = -math.inf
    for i, u in enumerate(updates):
        if u.beats:
            last_beat_s = max(last_beat_s, u.beats[-1].t_s)
        if u.t_s - last_beat_s > STALE_S:
            values[i] = np.nan
    return values


class _Minutes:
    """Session seconds to the figure's x axis: minutes since the session began."""

    def __init__(self, origin_s: float) -> None:
        self.origin_s = origin_s

    def __call__(self, t_s: float) -> float:
        return (t_s - self.origin_s) / 60.0


def _shade(ax: Axes, spans: Sequence[Sequence[float]], colour: str, gid: str, x: _Minutes) -> None:
    for start_s, end_s in spans:
        ax.axvspan(x(start_s), x(end_s), color=colour, lw=0, zorder=0, gid=gid)


def _limits(values: np.ndarray, must_show: Sequence[float], pad: float) -> tuple[float, float]:
    """Room for the data and for levels that give it scale (calm level, flooding range), so a
    quiet session's small wobbles are not blown up to fill the panel."""
    finite = values[np.isfinite(values)]
    low = min([*must_show, *(finite.min(initial=np.inf),)])
    high = max([*must_show, *(finite.max(initial=-np.inf),)])
    return low - pad, high + pad


def _style(ax: Axes) -> None:
    ax.grid(axis="y", color="#EEEEEE", lw=0.8, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#BBBBBB")
    ax.tick_params(colors=MUTED, labelsize=8.5, length=3)


def _break_spans(summary: dict[str, Any]) -> list[tuple[float, float]]:
    """Each break until the body settled, or until the end if it had not."""
    return [
        (b["start_s"], b["ready_s"] if b["ready_s"] is not None else summary["end_s"])
        for b in summary["breaks"]
    ]


def _settled_s(summary: dict[str, Any]) -> list[float]:
    return [b["ready_s"] for b in summary["breaks"] if b["ready_s"] is not None]


def _lane_lines(
    ax: Axes, settled_s: Sequence[float], markers: Sequence[tuple[float, str]], x: _Minutes
) -> None:
    for t_s in settled_s:
        ax.axvline(x(t_s), color=SETTLED_COLOUR, lw=1.4, zorder=3, gid=GID_SETTLED)
    for t_s, _ in markers:
        ax.axvline(x(t_s), color=MARKER_COLOUR, lw=0.9, ls=(0, (2, 2)), zorder=3, gid=GID_MARKER)


def _plot_arousal(
    ax: Axes,
    updates: Sequence[Update],
    x: _Minutes,
    end_min: float,
    config: Config,
    *,
    label: str = "arousal",
    settled_s: Sequence[float] = (),
    markers: Sequence[tuple[float, str]] = (),
) -> None:
    """One person's arousal against their flooding line, with where they settled."""
    t_min = np.array([x(u.t_s) for u in updates])
    arousal = _series(updates, "arousal")
    ax.plot(t_min, arousal, color=AROUSAL_COLOUR, lw=1.3, zorder=2, gid=GID_AROUSAL)
    ax.set_ylim(0, 100)
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.set_ylabel(label, color=INK, fontsize=9.5)
    line_y = flooding_arousal(config.arousal)
    ax.axhline(line_y, color=FLOODING_LINE, lw=1.2, ls=(0, (5, 3)), zorder=1, gid=GID_FLOODING_LINE)
    ax.text(
        0.006, line_y + 1.5, "flooding line", color=FLOODING_LINE, fontsize=8, ha="left",
        va="bottom", transform=ax.get_yaxis_transform(), zorder=4,
    )  # fmt: skip
    known = np.flatnonzero(np.isfinite(arousal))
    learned_min = t_min[known[0]] if len(known) else end_min
    if learned_min > 0.1 * end_min:
        ax.text(
            learned_min / 2, 40, "learning\nyour calm\nlevel", color=MUTED, fontsize=8,
            ha="center", va="center",
        )  # fmt: skip
    for t_s in settled_s:
        near_end = x(t_s) > 0.8 * end_min
        ax.text(
            x(t_s), 97, " settled " , color=SETTLED_COLOUR, fontsize=8.5,
            ha="right" if near_end else "left", va="top",
        )  # fmt: skip
    for i, (t_s, _) in enumerate(markers, start=1):
        ax.text(
            x(t_s), 101, str(i), color=MARKER_COLOUR, fontsize=7.5, ha="center", va="bottom",
            clip_on=False,
        )  # fmt: skip


def _plot_panels(
    axes: Sequence[Axes], data: ReportInput, summary: dict[str, Any], config: Config
) -> None:
    ax_arousal, ax_hr, ax_rmssd = axes
    updates = data.updates
    x = _Minutes(summary["start_s"])
    t_min = np.array([x(u.t_s) for u in updates])
    end_min = max(x(summary["end_s"]), 1.0)
    break_spans = _break_spans(summary)
    settled_s = _settled_s(summary)
    for ax in axes:
        _shade(ax, _spans(updates, (State.SIGNAL_POOR,)), SIGNAL_FILL, "signal-poor", x)
        _shade(ax, break_spans, BREAK_FILL, GID_BREAK, x)
        _shade(ax, summary["flooded_spans_s"], FLOODED_FILL, GID_FLOODED, x)
        _lane_lines(ax, settled_s, data.markers, x)
        ax.set_xlim(0.0, end_min)
        _style(ax)

    _plot_arousal(
        ax_arousal, updates, x, end_min, config, settled_s=settled_s, markers=data.markers
    )
    for start_s, _ in break_spans:
        ax_arousal.text(
            x(start_s) + 0.006 * end_min, 3, "break", color="#2C6E99", fontsize=8.5,
            ha="left", va="bottom",
        )  # fmt: skip

    hr_bpm = _series(updates, "hr_bpm")
    rmssd_ms = _series(updates, "rmssd_ms")
    ax_hr.plot(t_min, hr_bpm, color=HR_COLOUR, lw=1.1, zorder=2, gid=GID_HR)
    ax_hr.set_ylabel("heart rate\n(bpm)", color=INK, fontsize=9.5)
    ax_rmssd.plot(t_min, rmssd_ms, color=RMSSD_COLOUR, lw=1.1, zorder=2, gid=GID_RMSSD)
    ax_rmssd.set_ylabel("RMSSD\n(ms)", color=INK, fontsize=9.5)
    base = summary["baseline"]
    if base is not None:
        ax_hr.set_ylim(*_limits(hr_bpm, (base["hr_bpm"] - 10, base["hr_bpm"] + 25), 3))
        ax_rmssd.set_ylim(0, _limits(rmssd_ms, (2 * base["rmssd_ms"],), 0)[1] * 1.08)
        for ax, level in ((ax_hr, base["hr_bpm"]), (ax_rmssd, base["rmssd_ms"])):
            ax.axhline(level, color=MUTED, lw=0.9, ls=(0, (1, 2)), zorder=1)
            ax.text(
                1.0, level, " your calm level", color=MUTED, fontsize=7.5, ha="left",
                va="center", transform=ax.get_yaxis_transform(), clip_on=False,
            )  # fmt: skip
    else:
        ax_rmssd.set_ylim(bottom=0)
    for ax in (ax_arousal, ax_hr):
        ax.tick_params(labelbottom=False)
    ax_rmssd.set_xlabel("minutes into the session", color=INK, fontsize=9.5)


def _legend_handles(
    summaries: Sequence[dict[str, Any]],
    markers: Sequence[tuple[float, str]],
    break_label: str | None = "break",
) -> list[Any]:
    """A key for the shades and lines these summaries have, none for those they have not."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    if any(s["flooded_count"] for s in summaries):
        handles.append(Patch(color=FLOODED_FILL, label="flooded"))
    if break_label is not None and any(s["breaks"] for s in summaries):
        handles.append(Patch(color=BREAK_FILL, label=break_label))
    if any(b["ready_s"] is not None for s in summaries for b in s["breaks"]):
        handles.append(Line2D([], [], color=SETTLED_COLOUR, lw=1.4, label="settled"))
    if any(s["signal_poor_s"] > 0 for s in summaries):
        handles.append(Patch(color=SIGNAL_FILL, label="no clear signal"))
    if markers:
        handles.append(
            Line2D([], [], color=MARKER_COLOUR, lw=0.9, ls=(0, (2, 2)), label="your markers")
        )
    return handles


def _legend(fig: Figure, y: float, handles: Sequence[Any]) -> None:
    if handles:
        fig.legend(
            handles=handles, loc="center", bbox_to_anchor=(0.5, y), ncol=len(handles),
            frameon=False, fontsize=8.5, handlelength=1.8, labelcolor=INK,
        )  # fmt: skip


class _Page:
    """Places text on the figure in inches from the page's top-left corner."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.width_in, self.height_in = fig.get_size_inches()

    def y(self, top_in: float) -> float:
        return 1.0 - top_in / self.height_in

    def text(self, left_in: float, top_in: float, text: str, **style: Any) -> None:
        style = {"fontsize": 9, "color": INK, "va": "top", **style}
        self.fig.text(left_in / self.width_in, self.y(top_in), text, **style)

    def axes(self, left_in: float, top_in: float, width_in: float, height_in: float) -> Any:
        rect = (
            left_in / self.width_in,
            self.y(top_in + height_in),
            width_in / self.width_in,
            height_in / self.height_in,
        )
        return self.fig.add_axes(rect)


def _panels(page: _Page, left_in: float, top_in: float, width_in: float) -> list[Axes]:
    axes: list[Axes] = []
    for height_in in PANEL_HEIGHTS_IN:
        ax = page.axes(left_in, top_in, width_in, height_in)
        if axes:
            ax.sharex(axes[0])
        axes.append(ax)
        top_in += height_in + PANEL_GAP_IN
    return axes


PANEL_HEIGHTS_IN = (2.3, 1.25, 1.25)
PANEL_GAP_IN = 0.15
_PANELS_IN = sum(PANEL_HEIGHTS_IN) + 2 * PANEL_GAP_IN
_WORDS_TOP_IN, _WORDS_ROOM_IN = 1.2, 1.7
_FOOT_TOP_IN = 11.05
_ROW_IN = 0.22


def _meta_line(data: ReportInput, summary: dict[str, Any]) -> str:
    return f"Source: {data.source}   ·   Length: {duration_text(summary['duration_s'])}"


def _draw_words(page: _Page, paragraphs: list[str]) -> float:
    """The sentences, smaller if there are many, so they never push the plots off the page."""
    wrapped = [textwrap.wrap(p, width=92) for p in paragraphs]
    lines = sum(len(w) for w in wrapped)
    scale = min(1.0, _WORDS_ROOM_IN / (lines * 0.2 + len(wrapped) * 0.06))
    y = _WORDS_TOP_IN
    for paragraph in wrapped:
        for line in paragraph:
            page.text(0.75, y, line, fontsize=10.5 * scale)
            y += 0.2 * scale
        y += 0.06 * scale
    return y


def _draw_tables(page: _Page, data: ReportInput, summary: dict[str, Any], top_in: float) -> None:
    page.text(0.75, top_in, "In numbers", fontsize=11, weight="bold")
    rows = _table_rows(summary)
    row_in = min(_ROW_IN, (_FOOT_TOP_IN - 0.15 - top_in - 0.32) / len(rows))
    y = top_in + 0.32
    for label, value in rows:
        page.text(0.75, y, label, color=MUTED)
        page.text(2.65, y, value)
        y += row_in
    left = 4.75
    page.text(left, top_in, "Heart rate variability", fontsize=11, weight="bold")
    right_edges = (5.85, 6.6, 7.2, 7.75)
    y = top_in + 0.32
    for edge, head in zip(right_edges, _HRV_HEADER[1:], strict=True):
        page.text(edge, y, head, color=MUTED, fontsize=8.5, ha="right")
    for row in _hrv_rows(summary):
        y += _ROW_IN
        page.text(left, y, row[0])
        page.text(right_edges[0], y, row[1], ha="right")
        if row[3] == "":
            page.text(right_edges[0] + 0.15, y, row[2], color=MUTED, fontsize=8.5)
        else:
            for edge, cell in zip(right_edges[1:], row[2:], strict=True):
                page.text(edge, y, cell, ha="right")
    if data.markers:
        y += 0.38
        page.text(left, y, "Your markers", fontsize=9.5, weight="bold")
        room = max(1, int((_FOOT_TOP_IN - 0.1 - y - 0.25) / 0.19))
        items = list(enumerate(data.markers, start=1))
        more = len(items) - room + 1 if len(items) > room else 0
        for i, (t_s, text) in items[: room - 1] if more else items:
            y += 0.19
            page.text(left, y + 0.06, str(i), fontsize=8.5, color=MARKER_COLOUR)
            at = duration_text(t_s - summary["start_s"])
            page.text(left + 0.2, y + 0.06, at, color=MUTED, fontsize=8.5)
            short = textwrap.shorten(text, width=34, placeholder="...")
            page.text(left + 1.05, y + 0.06, short, fontsize=8.5, color=MARKER_COLOUR)
        if more:
            page.text(left, y + 0.25, f"and {more} more", fontsize=8.5, color=MUTED)


def build_figure(data: ReportInput, *, page: bool = True, config: Config | None = None) -> Figure:
    """The report as a matplotlib Figure on the Agg canvas: the whole A4 page, or (for HTML,
    whose words and tables are HTML) the three panels alone. Artists carry GID_* ids."""
    config = config if config is not None else load_config()
    return _figure(data, session_summary(data.updates), page, config)


def _figure(data: ReportInput, summary: dict[str, Any], page: bool, config: Config) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not page:
        height_in = _PANELS_IN + 0.95
        fig = Figure(figsize=(PAGE_IN[0], height_in), facecolor="white")
        FigureCanvasAgg(fig)
        _legend(fig, 1.0 - 0.2 / height_in, _legend_handles([summary], data.markers))
        _plot_panels(_panels(_Page(fig), 0.85, 0.45, 6.55), data, summary, config)
        return fig
    fig = Figure(figsize=PAGE_IN, facecolor="white")
    FigureCanvasAgg(fig)
    sheet = _Page(fig)
    sheet.text(0.75, 0.55, data.title, fontsize=17, va="baseline")
    sheet.text(0.75, 0.85, _meta_line(data, summary), color=MUTED, va="baseline")
    paragraphs = summary_sentences(summary)
    if data.note:
        paragraphs.append(f"Your note: {data.note}")
    y = _draw_words(sheet, paragraphs) + 0.15
    _legend(fig, sheet.y(y + 0.1), _legend_handles([summary], data.markers))
    top_in = y + 0.35
    _plot_panels(_panels(sheet, 1.2, top_in, 5.95), data, summary, config)
    _draw_tables(sheet, data, summary, top_in + _PANELS_IN + 0.6)
    for i, line in enumerate(textwrap.wrap(_FOOTNOTE, width=125)):
        sheet.text(0.75, _FOOT_TOP_IN + 0.16 * i, line, fontsize=7, color=MUTED)
    return fig


# ---------------------------------------------------------------------------------------------
# Files


def _png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, facecolor="white")
    return buffer.getvalue()


def _html(data: ReportInput, summary: dict[str, Any], png: bytes) -> str:
    esc = html.escape
    words = "".join(f"<p>{esc(s)}</p>" for s in summary_sentences(summary))
    note = f'<p class="note">Your note: {esc(data.note)}</p>' if data.note else ""
    rows = "".join(
        f"<tr><th scope='row'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in _table_rows(summary)
    )
    hrv_head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in _HRV_HEADER)
    hrv_rows = "".join(
        f"<tr><th scope='row'>{esc(r[0])}</th>"
        + "".join(f"<td>{esc(c)}</td>" for c in r[1:])
        + "</tr>"
        for r in _hrv_rows(summary)
    )
    markers = ""
    origin_s = summary["start_s"]
    if data.markers:
        items = "".join(
            f"<li><span class='at'>{esc(duration_text(t_s - origin_s))}</span> {esc(text)}</li>"
            for t_s, text in data.markers
        )
        markers = f"<h2>Your markers</h2><ol>{items}</ol>"
    image = base64.b64encode(png).decode("ascii")
    return _html_page(
        data.title,
        f"""<p class="meta">{esc(_meta_line(data, summary))}</p>
{words}{note}
<img alt="Arousal, heart rate and RMSSD over the session, flooded time shaded amber, breaks \
shaded blue" src="data:image/png;base64,{image}">
<h2>In numbers</h2>
<table>{rows}</table>
<h2>Heart rate variability</h2>
<table><tr>{hrv_head}</tr>{hrv_rows}</table>
{markers}
<p class="foot">{esc(_FOOTNOTE)} Made by pausepoint {esc(__version__)}.</p>
""",
    )


def _html_page(title: str, body: str) -> str:
    """A self-contained page in the report's calm style around an already-escaped body."""
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
body {{ font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: {INK};
  max-width: 56rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }}
h1 {{ font-weight: normal; margin-bottom: 0.2rem; }}
h2 {{ font-size: 1.05rem; margin-top: 1.6rem; }}
.meta, .foot {{ color: {MUTED}; }}
.foot {{ font-size: 0.8rem; margin-top: 2rem; }}
.note {{ font-style: italic; }}
img {{ width: 100%; height: auto; }}
table {{ border-collapse: collapse; }}
th, td {{ padding: 0.25rem 1.2rem 0.25rem 0; text-align: left; border-bottom: 1px solid #eee; }}
th[scope=row] {{ font-weight: normal; color: {MUTED}; }}
ol {{ color: {MARKER_COLOUR}; }} .at {{ color: {MUTED}; margin-right: 0.5rem; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
</style>
</head>
<body>
<h1>{esc(title)}</h1>
{body}</body>
</html>
"""


def render_report(
    data: ReportInput,
    out: Path,
    progress: Progress | None = None,
    *,
    config: Config | None = None,
) -> None:
    """Write the report as .png, .pdf (one A4 page) or .html (self-contained) by suffix."""
    out = Path(out)
    suffix = _report_suffix(out)
    config = config if config is not None else load_config()
    summary = session_summary(data.updates)
    if progress is not None:
        progress.step(1)
    fig = _figure(data, summary, suffix != ".html", config)
    _write_report(out, fig, lambda png: _html(data, summary, png), progress)


def _report_suffix(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInput(
            f"{out.name}: cannot make a {suffix or 'suffix-less'} report; "
            "name the file .png, .pdf or .html"
        )
    return suffix


def _write_report(
    out: Path, fig: Figure, page_html: Callable[[bytes], str], progress: Progress | None
) -> None:
    """The drawn figure to the file, atomically: the page itself, or its panels in HTML."""
    if progress is not None:
        progress.step(2)
    suffix = out.suffix.lower()
    if suffix == ".png":
        content = _png_bytes(fig)
    elif suffix == ".pdf":
        buffer = io.BytesIO()
        fig.savefig(buffer, format="pdf", facecolor="white", metadata={"CreationDate": None})
        content = buffer.getvalue()
    else:
        content = page_html(_png_bytes(fig)).encode("utf-8")
    write_bytes_atomic(out, content)
    if progress is not None:
        progress.step(RENDER_STEPS)
        progress.done()


# ---------------------------------------------------------------------------------------------
# Couples

EXPLORATORY = "Exploratory, not a verdict on your relationship."
GID_SHARED_PAUSE = "shared-pause"
GID_LINKAGE_R = "linkage-r"
GID_LINKAGE_THRESHOLD = "linkage-threshold"
GID_LINKAGE_LINKED = "linkage-linked"
GID_LINKAGE_LAG = "linkage-lag"
LINKAGE_COLOUR = "#56B4E9"
LINKED_COLOUR = "#CC79A7"


@dataclass(frozen=True)
class CoupleReportInput:
    title: str
    source: str
    partners: tuple[Sequence[Update], Sequence[Update]]
    """Each partner's updates from the couple engine, shown flooded where it saw them so."""
    couple_events: Sequence[CoupleEvent]
    linkage: LinkageReport
    names: tuple[str, str] = PARTNERS
    markers: Sequence[tuple[float, str]] = ()
    note: str = ""

    @classmethod
    def from_updates(
        cls, updates: Sequence[CoupleUpdate], linkage: LinkageReport, **heading: Any
    ) -> CoupleReportInput:
        """From the couple engine's updates, each partner shown flooded where the engine saw
        them so; ``heading``: title, source and the optional fields."""
        partners: tuple[list[Update], list[Update]] = ([], [])
        for cu in updates:
            partners[cu.person].append(replace(cu.update, state=shown_state(cu)))
        events = [event for cu in updates for event in cu.couple_events]
        return cls(partners=partners, couple_events=events, linkage=linkage, **heading)


def couple_report_input(
    info: Any,
    updates: Sequence[CoupleUpdate],
    linkage: LinkageReport,
    markers: Sequence[tuple[float, str]] = (),
) -> CoupleReportInput:
    """The report of a stored couple session (``info``: its store.SessionInfo) from the
    couple engine's replayed updates, each partner named by their profile."""
    straps = " / ".join(name for name in (info.strap_name, info.strap_name_b) if name)
    return CoupleReportInput.from_updates(
        updates,
        linkage,
        title=f"Couple check-in, {info.started_utc.astimezone():%d %b %Y, %H:%M}",
        source=straps or info.source,
        names=partner_names((info.profile, info.profile_b)),
        markers=markers,
        note=info.note or "",
    )


def _shared_pauses(events: Sequence[CoupleEvent], end_s: float) -> list[dict[str, Any]]:
    """Each shared pause, from its start to the moment both had settled (or the end)."""
    pauses: list[dict[str, Any]] = []
    for e in events:
        if e.kind == CoupleEventKind.SHARED_PAUSE_START:
            pauses.append({"start_s": e.t_s, "by": e.detail.get("by"), "ready_s": None})
        elif e.kind == CoupleEventKind.SHARED_READY and pauses and pauses[-1]["ready_s"] is None:
            pauses[-1]["ready_s"] = e.t_s
    for pause in pauses:
        pause["end_s"] = pause["ready_s"] if pause["ready_s"] is not None else end_s
    return pauses


def couple_summary(data: CoupleReportInput) -> dict[str, Any]:
    """The couple report's numbers: each partner's session_summary, the shared pauses and
    the linkage (plain values, JSON-ready)."""
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


def _settle_text(summary: dict[str, Any]) -> str:
    parts = [
        "still settling at the end" if b["settle_s"] is None else duration_text(b["settle_s"])
        for b in summary["breaks"]
    ]
    return ", then ".join(parts) if parts else "no break"


def couple_sentences(summary: dict[str, Any]) -> list[str]:
    """A few calm sentences about the two of them; the linkage has its own words."""
    names, origin_s = summary["names"], summary["start_s"]
    words: list[str] = []
    for pause in summary["pauses"]:
        at = _minutes_in(pause["start_s"], origin_s)
        if pause["by"] in PARTNERS:
            who = names[PARTNERS.index(pause["by"])]
            words.append(f"{who} flooded {at} into the session, and the shared pause began then.")
        else:
            words.append(f"You started a shared pause {at} into the session.")
        if pause["ready_s"] is not None:
            words.append(
                f"You had both settled {_minutes_words(pause['ready_s'] - pause['start_s'])} "
                "after the pause began: a good moment to come back together."
            )
        else:
            words.append("The session ended while at least one of you was still settling.")
    for name, part in zip(names, summary["partners"], strict=True):
        if part["baseline"] is None:
            words.append(
                f"pausepoint could not learn {name}'s calm level, so it did not judge their "
                "arousal or flooding."
            )
        elif part["flooded_count"]:
            words.append(
                f"{name} was flooded for {_minutes_words(part['flooded_s'])} in all"
                + "".join(
                    f"; after the break {name}'s body settled in {_minutes_words(b['settle_s'])}"
                    for b in part["breaks"][:1]
                    if b["settle_s"] is not None
                )
                + "."
            )
        else:
            words.append(f"{name} did not flood in this session.")
    return words


def _partner_rows(part: dict[str, Any]) -> list[tuple[str, str]]:
    base = part["baseline"]
    count = part["flooded_count"]
    return [
        (
            "Calm level",
            "not learnt"
            if base is None
            else f"{base['hr_bpm']:.0f} bpm, RMSSD {base['rmssd_ms']:.0f} ms",
        ),
        (
            "Time flooded",
            f"{duration_text(part['flooded_s'])} ({_times_words(count)})" if count else "none",
        ),
        ("Settled after the break", _settle_text(part)),
        (
            "Highest heart rate",
            "-" if part["peak_hr_bpm"] is None else f"{part['peak_hr_bpm']:.0f} bpm",
        ),
    ]


_COUPLE_FOOTNOTE = (
    "Each lane is one partner's arousal (0-100) against their own calm level; the dashed line "
    "is the flooding line. Heart rates moving together: the peak correlation of the two "
    "beat-to-beat heart rates in 150-s windows (lags up to 10 s), marked where it passes what "
    "timing-scrambled copies give by chance. Common between people who are close; it says "
    "nothing about who is right or who caused what. A picture of one session, not a diagnosis."
)
_LANE_IN = 1.75
_LINK_IN, _LAG_IN = 1.05, 0.6


def _plot_couple(
    page: _Page,
    data: CoupleReportInput,
    summary: dict[str, Any],
    config: Config,
    top_in: float,
    lane_in: float = _LANE_IN,
) -> float:
    """The two lanes and the linkage panels; returns where the linkage panels end."""
    x = _Minutes(summary["start_s"])
    end_min = max(x(summary["end_s"]), 1.0)
    pauses = [(p["start_s"], p["end_s"]) for p in summary["pauses"]]
    left_in, width_in = 1.2, 5.95
    lanes: list[Axes] = []
    for name, updates, part in zip(data.names, data.partners, summary["partners"], strict=True):
        ax = page.axes(left_in, top_in, width_in, lane_in)
        if lanes:
            ax.sharex(lanes[0])
        lanes.append(ax)
        _shade(ax, _spans(updates, (State.SIGNAL_POOR,)), SIGNAL_FILL, "signal-poor", x)
        _shade(ax, pauses, BREAK_FILL, GID_SHARED_PAUSE, x)
        _shade(ax, part["flooded_spans_s"], FLOODED_FILL, GID_FLOODED, x)
        settled_s = _settled_s(part)
        _lane_lines(ax, settled_s, data.markers, x)
        _plot_arousal(
            ax, updates, x, end_min, config, label=f"{name}\narousal", settled_s=settled_s,
            markers=data.markers if not lanes[:-1] else (),
        )  # fmt: skip
        ax.set_xlim(0.0, end_min)
        _style(ax)
        ax.tick_params(labelbottom=False)
        top_in += lane_in + 0.12
    for start_s, _ in pauses:
        lanes[0].text(
            x(start_s) + 0.006 * end_min, 3, "shared pause", color="#2C6E99", fontsize=8.5,
            ha="left", va="bottom",
        )  # fmt: skip

    top_in += 0.3
    page.text(
        left_in - 0.45, top_in - 0.05, "Heart rates moving together", fontsize=11,
        weight="bold", va="bottom",
    )  # fmt: skip
    page.text(
        left_in + width_in, top_in - 0.05, EXPLORATORY, fontsize=9.5, color=MUTED,
        style="italic", va="bottom", ha="right",
    )  # fmt: skip
    ax_r = page.axes(left_in, top_in + 0.05, width_in, _LINK_IN)
    ax_lag = page.axes(left_in, top_in + 0.15 + _LINK_IN, width_in, _LAG_IN)
    _plot_linkage(ax_r, ax_lag, data, x, config.linkage.max_lag_s)
    for ax in (ax_r, ax_lag):
        ax.sharex(lanes[0])
        _shade(ax, pauses, BREAK_FILL, GID_SHARED_PAUSE, x)
        ax.set_xlim(0.0, end_min)
        _style(ax)
    ax_r.tick_params(labelbottom=False)
    ax_lag.set_xlabel("minutes into the session", color=INK, fontsize=9.5)
    return top_in + 0.15 + _LINK_IN + _LAG_IN + 0.55


def _plot_linkage(
    ax_r: Axes, ax_lag: Axes, data: CoupleReportInput, x: _Minutes, max_lag_s: float
) -> None:
    """Each window's peak correlation against its chance threshold; the lag where linked."""
    windows = data.linkage.windows
    mid_min = np.array([x((w.start_s + w.end_s) / 2) for w in windows])
    r_abs = np.array([abs(w.r) for w in windows])
    threshold = np.array([w.threshold for w in windows])
    linked = np.array([w.linked for w in windows], dtype=bool)
    ax_r.plot(mid_min, r_abs, color=LINKAGE_COLOUR, lw=1.0, zorder=2, gid=GID_LINKAGE_R)
    ax_r.plot(
        mid_min, threshold, color=MUTED, lw=1.0, ls=(0, (4, 2)), zorder=2,
        gid=GID_LINKAGE_THRESHOLD,
    )  # fmt: skip
    ax_r.scatter(
        mid_min[linked], r_abs[linked], s=12, color=LINKED_COLOUR, zorder=3, gid=GID_LINKAGE_LINKED
    )
    ax_r.set_ylim(0, 1)
    ax_r.set_yticks([0, 0.5, 1])
    ax_r.set_ylabel("peak\ncorrelation", color=INK, fontsize=9)
    ax_r.text(
        1.0, float(np.median(threshold)) if len(threshold) else 0.5, " chance", color=MUTED,
        fontsize=7.5, ha="left", va="center", transform=ax_r.get_yaxis_transform(),
        clip_on=False,
    )  # fmt: skip
    lag_s = np.array([w.lag_s for w in windows], dtype=float)
    ax_lag.axhline(0.0, color="#BBBBBB", lw=0.8, zorder=1)
    ax_lag.scatter(
        mid_min[linked], lag_s[linked], s=12, color=LINKED_COLOUR, zorder=3, gid=GID_LINKAGE_LAG
    )
    ax_lag.set_ylim(-max_lag_s - 1, max_lag_s + 1)
    ax_lag.set_yticks([-max_lag_s, 0, max_lag_s])
    ax_lag.set_ylabel("lag (s)", color=INK, fontsize=9)
    first, second = data.names
    for y, who in ((max_lag_s, first), (-max_lag_s, second)):
        ax_lag.text(
            1.0, y, f" {who} first", color=MUTED, fontsize=7.5, ha="left", va="center",
            transform=ax_lag.get_yaxis_transform(), clip_on=False,
        )  # fmt: skip
    if not windows:
        ax_r.text(0.5, 0.5, "too short to look at", color=MUTED, ha="center",
                  transform=ax_r.transAxes)  # fmt: skip


def _couple_handles(data: CoupleReportInput, summary: dict[str, Any]) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = _legend_handles(summary["partners"], data.markers, break_label=None)
    if summary["pauses"]:
        handles.insert(1, Patch(color=BREAK_FILL, label="shared pause"))
    if data.linkage.linked:
        handles.append(
            Line2D([], [], color=LINKED_COLOUR, marker="o", ls="", ms=4, label="moved together")
        )
    return handles


def _couple_meta(data: CoupleReportInput, summary: dict[str, Any]) -> str:
    return f"Source: {data.source}   ·   Length: {duration_text(summary['duration_s'])}"


def build_couple_figure(
    data: CoupleReportInput, *, page: bool = True, config: Config | None = None
) -> Figure:
    """The couple report's Figure (whole page, or the panels alone for HTML); artists carry
    GID_* ids as build_figure's do."""
    config = config if config is not None else load_config()
    return _couple_figure(data, couple_summary(data), page, config)


def _couple_figure(
    data: CoupleReportInput, summary: dict[str, Any], page: bool, config: Config
) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not page:
        height_in = 0.45 + 2 * (_LANE_IN + 0.12) + 0.3 + 0.15 + _LINK_IN + _LAG_IN + 0.55
        fig = Figure(figsize=(PAGE_IN[0], height_in), facecolor="white")
        FigureCanvasAgg(fig)
        _legend(fig, 1.0 - 0.2 / height_in, _couple_handles(data, summary))
        _plot_couple(_Page(fig), data, summary, config, 0.45)
        return fig
    fig = Figure(figsize=PAGE_IN, facecolor="white")
    FigureCanvasAgg(fig)
    sheet = _Page(fig)
    sheet.text(0.75, 0.55, data.title, fontsize=17, va="baseline")
    sheet.text(0.75, 0.85, _couple_meta(data, summary), color=MUTED, va="baseline")
    paragraphs = couple_sentences(summary)
    if data.note:
        paragraphs.append(f"Your note: {data.note}")
    y = _draw_words(sheet, paragraphs) + 0.1
    _legend(fig, sheet.y(y + 0.1), _couple_handles(data, summary))
    linkage_lines = textwrap.wrap(summary["linkage"]["summary"], width=100)
    rows = max(len(_partner_rows(part)) for part in summary["partners"])
    below_lanes_in = (
        0.35 + 2 * 0.12 + 0.3 + 0.15 + _LINK_IN + _LAG_IN + 0.55
        + 0.18 * len(linkage_lines) + 0.12 + 0.28 + 0.19 * rows + 0.1
    )  # fmt: skip
    # Long names or a note make the words above longer: the lanes give way, not the footnote.
    lane_in = min(_LANE_IN, (_FOOT_TOP_IN - y - below_lanes_in) / 2)
    y = _plot_couple(sheet, data, summary, config, y + 0.35, lane_in)
    for line in linkage_lines:
        sheet.text(0.75, y, line, fontsize=9.5)
        y += 0.18
    y += 0.12
    for i, (name, part) in enumerate(zip(data.names, summary["partners"], strict=True)):
        left = 0.75 + 3.7 * i
        sheet.text(left, y, name, fontsize=11, weight="bold")
        row_y = y + 0.28
        for label, value in _partner_rows(part):
            sheet.text(left, row_y, label, color=MUTED, fontsize=8.5)
            sheet.text(left + 1.65, row_y, value, fontsize=8.5)
            row_y += 0.19
    for i, line in enumerate(textwrap.wrap(_COUPLE_FOOTNOTE, width=125)):
        sheet.text(0.75, _FOOT_TOP_IN + 0.14 * i, line, fontsize=7, color=MUTED)
    return fig


def _couple_html(data: CoupleReportInput, summary: dict[str, Any], png: bytes) -> str:
    esc = html.escape
    words = "".join(f"<p>{esc(s)}</p>" for s in couple_sentences(summary))
    note = f'<p class="note">Your note: {esc(data.note)}</p>' if data.note else ""
    tables = "".join(
        f"<h2>{esc(name)}</h2><table>"
        + "".join(
            f"<tr><th scope='row'>{esc(k)}</th><td>{esc(v)}</td></tr>"
            for k, v in _partner_rows(part)
        )
        + "</table>"
        for name, part in zip(data.names, summary["partners"], strict=True)
    )
    image = base64.b64encode(png).decode("ascii")
    return _html_page(
        data.title,
        f"""<p class="meta">{esc(_couple_meta(data, summary))}</p>
{words}{note}
<img alt="Each partner's arousal over the session, flooded time shaded amber, the shared pause \\
shaded blue; below, how much their heart rates moved together" \\
src="data:image/png;base64,{image}">
<h2>Heart rates moving together</h2>
<p class="note">{esc(EXPLORATORY)}</p>
<p>{esc(summary["linkage"]["summary"])}</p>
{tables}
<p class="foot">{esc(_COUPLE_FOOTNOTE)} Made by pausepoint {esc(__version__)}.</p>
""",
    )


def render_couple_report(
    data: CoupleReportInput,
    out: Path,
    progress: Progress | None = None,
    *,
    config: Config | None = None,
) -> None:
    """Write the couple report as .png, .pdf or .html, as render_report does."""
    out = Path(out)
    suffix = _report_suffix(out)
    config = config if config is not None else load_config()
    summary = couple_summary(data)
    if progress is not None:
        progress.step(1)
    fig = _couple_figure(data, summary, suffix != ".html", config)
    _write_report(out, fig, lambda png: _couple_html(data, summary, png), progress)
