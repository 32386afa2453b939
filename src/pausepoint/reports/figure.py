"""The report drawn with matplotlib: one builder for one person's page or a couple's.

Both pages share the layout (title, source line, sentences, key, panels, tables, footnote)
and the drawing of a person's lanes (flooded time, breaks, settling, markers, arousal against
the flooding line); a couple's page adds the shared pause and the linkage band. matplotlib is
imported inside the functions here, never at import time.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from pausepoint.config import Config, load_config
from pausepoint.model import State, Update
from pausepoint.pipeline.arousal import flooding_arousal
from pausepoint.reports.inputs import CoupleReportInput, ReportInput
from pausepoint.reports.numbers import (
    CoupleReport,
    PersonReport,
    Report,
    SessionSummary,
    spans,
    summarise,
)
from pausepoint.reports.words import (
    COUPLE_FOOTNOTE,
    EXPLORATORY,
    FOOTNOTE,
    HRV_HEADER,
    couple_sentences,
    duration_text,
    hrv_rows,
    meta_line,
    partner_rows,
    summary_sentences,
    table_rows,
    withheld_words,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
LINKAGE_COLOUR = "#56B4E9"
LINKED_COLOUR = "#CC79A7"
REST_TEXT_COLOUR = "#2C6E99"

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
GID_SIGNAL_POOR = "signal-poor"
GID_SHARED_PAUSE = "shared-pause"
GID_LINKAGE_R = "linkage-r"
GID_LINKAGE_THRESHOLD = "linkage-threshold"
GID_LINKAGE_LINKED = "linkage-linked"
GID_LINKAGE_LAG = "linkage-lag"

STALE_S = 5.0
"""With no new beat for this long (strap off, beats lost) the estimates are old news: the
panels leave a gap there rather than draw a flat line."""

PANEL_HEIGHTS_IN = (2.3, 1.25, 1.25)
PANEL_GAP_IN = 0.15
_PANELS_IN = sum(PANEL_HEIGHTS_IN) + 2 * PANEL_GAP_IN
_WORDS_TOP_IN, _WORDS_ROOM_IN = 1.2, 1.7
_FOOT_TOP_IN = 11.05
_ROW_IN = 0.22
_LANE_IN = 1.75
_LINK_IN, _LAG_IN = 1.05, 0.6
_LANES_LEFT_IN, _LANES_WIDTH_IN = 1.2, 5.95


def build_figure(
    data: ReportInput | CoupleReportInput, *, page: bool = True, config: Config | None = None
) -> Figure:
    """The report as a matplotlib Figure on the Agg canvas: the whole A4 page, or (for HTML,
    whose words and tables are HTML) the panels alone. Artists carry GID_* ids."""
    config = config if config is not None else load_config()
    return report_figure(summarise(data), page, config)


def report_figure(report: Report, whole_page: bool, config: Config) -> Figure:
    """One person's page or a couple's: the same layout around their own panels."""
    sheet = report_sheet(report, config)
    if not whole_page:
        fig = _blank_figure((PAGE_IN[0], sheet.panels_in))
        _legend(fig, 1.0 - 0.2 / sheet.panels_in, sheet.handles())
        sheet.draw_panels(_Page(fig))
        return fig
    fig = _blank_figure(PAGE_IN)
    data = report.data
    page = _Page(fig)
    page.text(0.75, 0.55, data.title, fontsize=17, va="baseline")
    meta = meta_line(data.source, report.summary["duration_s"])
    page.text(0.75, 0.85, meta, color=MUTED, va="baseline")
    paragraphs = sheet.sentences()
    if data.note:
        paragraphs.append(f"Your note: {data.note}")
    words_end_in = _draw_words(page, paragraphs) + sheet.words_gap_in
    _legend(fig, page.y(words_end_in + 0.1), sheet.handles())
    sheet.draw_body(page, words_end_in)
    for i, line in enumerate(textwrap.wrap(sheet.footnote, width=125)):
        page.text(0.75, _FOOT_TOP_IN + sheet.foot_line_in * i, line, fontsize=7, color=MUTED)
    return fig


def report_sheet(report: Report, config: Config) -> PersonSheet | CoupleSheet:
    """What one person's page or a couple's says and draws; the PDF, PNG and HTML share it."""
    if isinstance(report, CoupleReport):
        return CoupleSheet(report, config)
    return PersonSheet(report, config)


class PersonSheet:
    """One person's page: arousal, heart rate and RMSSD; the numbers and HRV tables."""

    words_gap_in = 0.15
    foot_line_in = 0.16
    footnote = FOOTNOTE
    alt = (
        "Arousal, heart rate and RMSSD over the session, flooded time shaded amber, "
        "breaks shaded blue"
    )
    panels_in = _PANELS_IN + 0.95

    def __init__(self, report: PersonReport, config: Config) -> None:
        self.data, self.summary, self.config = report.data, report.summary, config

    def sentences(self) -> list[str]:
        return summary_sentences(self.summary, self.config.break_.min_s)

    def handles(self) -> list[Artist]:
        return _legend_handles([self.summary], self.data.markers)

    def draw_panels(self, page: _Page) -> None:
        self._plot(_panels(page, 0.85, 0.45, 6.55))

    def draw_body(self, page: _Page, words_end_in: float) -> None:
        top_in = words_end_in + 0.35
        self._plot(_panels(page, _LANES_LEFT_IN, top_in, _LANES_WIDTH_IN))
        self._draw_tables(page, top_in + _PANELS_IN + 0.6)

    def _plot(self, axes: Sequence[Axes]) -> None:
        ax_arousal, ax_hr, ax_rmssd = axes
        summary, updates, markers = self.summary, self.data.updates, self.data.markers
        x = _Minutes(summary["start_s"])
        t_min = np.array([x(u.t_s) for u in updates])
        end_min = max(x(summary["end_s"]), 1.0)
        break_spans = _break_spans(summary)
        settled_s = _settled_s(summary)
        for ax in axes:
            _lane(ax, updates, summary, break_spans, GID_BREAK, settled_s, markers, x, end_min)

        _plot_arousal(
            ax_arousal, updates, x, end_min, self.config, settled_s=settled_s, markers=markers
        )
        _rest_labels(ax_arousal, break_spans, "break", x, end_min)

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

    def _draw_tables(self, page: _Page, top_in: float) -> None:
        summary, markers = self.summary, self.data.markers
        page.text(0.75, top_in, "In numbers", fontsize=11, weight="bold")
        rows = table_rows(summary)
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
        for edge, head in zip(right_edges, HRV_HEADER[1:], strict=True):
            page.text(edge, y, head, color=MUTED, fontsize=8.5, ha="right")
        for row in hrv_rows(summary):
            y += _ROW_IN
            page.text(left, y, row[0])
            page.text(right_edges[0], y, row[1], ha="right")
            if row[3] == "":
                page.text(right_edges[0] + 0.15, y, row[2], color=MUTED, fontsize=8.5)
            else:
                for edge, cell in zip(right_edges[1:], row[2:], strict=True):
                    page.text(edge, y, cell, ha="right")
        if markers:
            y += 0.38
            page.text(left, y, "Your markers", fontsize=9.5, weight="bold")
            room = max(1, int((_FOOT_TOP_IN - 0.1 - y - 0.25) / 0.19))
            items = list(enumerate(markers, start=1))
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


class CoupleSheet:
    """A couple's page: one arousal lane each, the shared pause, the linkage band, and each
    partner's numbers side by side."""

    words_gap_in = 0.1
    foot_line_in = 0.14
    footnote = COUPLE_FOOTNOTE
    alt = (
        "Each partner's arousal over the session, flooded time shaded amber, the shared pause "
        "shaded blue; below, how much their heart rates moved together"
    )
    panels_in = 0.45 + 2 * (_LANE_IN + 0.12) + 0.3 + 0.15 + _LINK_IN + _LAG_IN + 0.55

    def __init__(self, report: CoupleReport, config: Config) -> None:
        self.data, self.summary, self.config = report.data, report.summary, config

    def sentences(self) -> list[str]:
        return couple_sentences(self.summary, self.data.withheld)

    def handles(self) -> list[Artist]:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        summary = self.summary
        handles = _legend_handles(summary["partners"], self.data.markers, break_label=None)
        if summary["pauses"]:
            handles.insert(1, Patch(color=BREAK_FILL, label="shared pause"))
        if self.data.linkage.linked:
            handles.append(
                Line2D([], [], color=LINKED_COLOUR, marker="o", ls="", ms=4, label="moved together")
            )
        return handles

    def draw_panels(self, page: _Page) -> None:
        self._plot(page, 0.45)

    def draw_body(self, page: _Page, words_end_in: float) -> None:
        summary = self.summary
        linkage_lines = textwrap.wrap(summary["linkage"]["summary"], width=100)
        rows = max(len(partner_rows(part)) for part in summary["partners"])
        below_lanes_in = (
            0.35 + 2 * 0.12 + 0.3 + 0.15 + _LINK_IN + _LAG_IN + 0.55
            + 0.18 * len(linkage_lines) + 0.12 + 0.28 + 0.19 * rows + 0.1
        )  # fmt: skip
        # Long names or a note make the words above longer: the lanes give way, not the footnote.
        lane_in = min(_LANE_IN, (_FOOT_TOP_IN - words_end_in - below_lanes_in) / 2)
        y = self._plot(page, words_end_in + 0.35, lane_in)
        for line in linkage_lines:
            page.text(0.75, y, line, fontsize=9.5)
            y += 0.18
        y += 0.12
        shown = zip(self.data.names, summary["partners"], self.data.withheld, strict=True)
        for i, (name, part, held) in enumerate(shown):
            left = 0.75 + 3.7 * i
            page.text(left, y, name, fontsize=11, weight="bold")
            row_y = y + 0.28
            for label, value in partner_rows(part, held):
                page.text(left, row_y, label, color=MUTED, fontsize=8.5)
                page.text(left + 1.65, row_y, value, fontsize=8.5)
                row_y += 0.19

    def _plot(self, page: _Page, top_in: float, lane_in: float = _LANE_IN) -> float:
        """The two lanes and the linkage panels; returns where the linkage panels end."""
        data, summary = self.data, self.summary
        x = _Minutes(summary["start_s"])
        end_min = max(x(summary["end_s"]), 1.0)
        pauses = [(p["start_s"], p["end_s"]) for p in summary["pauses"]]
        left_in, width_in = _LANES_LEFT_IN, _LANES_WIDTH_IN
        lanes: list[Axes] = []
        lanes_shown = zip(
            data.names, data.partners, summary["partners"], data.withheld, strict=True
        )
        for name, updates, part, held in lanes_shown:
            ax = page.axes(left_in, top_in, width_in, lane_in)
            if lanes:
                ax.sharex(lanes[0])
            if held:
                _withheld_lane(ax, name, end_min)
                lanes.append(ax)
                top_in += lane_in + 0.12
                continue
            settled_s = _settled_s(part)
            _lane(ax, updates, part, pauses, GID_SHARED_PAUSE, settled_s, data.markers, x, end_min)
            _plot_arousal(
                ax, updates, x, end_min, self.config, label=f"{name}\narousal",
                settled_s=settled_s, markers=() if lanes else data.markers,
            )  # fmt: skip
            ax.tick_params(labelbottom=False)
            lanes.append(ax)
            top_in += lane_in + 0.12
        _rest_labels(lanes[0], pauses, "shared pause", x, end_min)

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
        self._plot_linkage(ax_r, ax_lag, x)
        for ax in (ax_r, ax_lag):
            ax.sharex(lanes[0])
            _shade(ax, pauses, BREAK_FILL, GID_SHARED_PAUSE, x)
            ax.set_xlim(0.0, end_min)
            _style(ax)
        ax_r.tick_params(labelbottom=False)
        ax_lag.set_xlabel("minutes into the session", color=INK, fontsize=9.5)
        return top_in + 0.15 + _LINK_IN + _LAG_IN + 0.55

    def _plot_linkage(self, ax_r: Axes, ax_lag: Axes, x: _Minutes) -> None:
        """Each window's peak correlation against its chance threshold; the lag where linked."""
        max_lag_s = self.config.linkage.max_lag_s
        windows = self.data.linkage.windows
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
            mid_min[linked], r_abs[linked], s=12, color=LINKED_COLOUR, zorder=3,
            gid=GID_LINKAGE_LINKED,
        )  # fmt: skip
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
            mid_min[linked], lag_s[linked], s=12, color=LINKED_COLOUR, zorder=3,
            gid=GID_LINKAGE_LAG,
        )  # fmt: skip
        ax_lag.set_ylim(-max_lag_s - 1, max_lag_s + 1)
        ax_lag.set_yticks([-max_lag_s, 0, max_lag_s])
        ax_lag.set_ylabel("lag (s)", color=INK, fontsize=9)
        first, second = self.data.names
        for y, who in ((max_lag_s, first), (-max_lag_s, second)):
            ax_lag.text(
                1.0, y, f" {who} first", color=MUTED, fontsize=7.5, ha="left", va="center",
                transform=ax_lag.get_yaxis_transform(), clip_on=False,
            )  # fmt: skip
        if not windows:
            ax_r.text(0.5, 0.5, "too short to look at", color=MUTED, ha="center",
                      transform=ax_r.transAxes)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# A person's lanes


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


def _shade(ax: Axes, found: Sequence[Sequence[float]], colour: str, gid: str, x: _Minutes) -> None:
    for start_s, end_s in found:
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


def _break_spans(summary: SessionSummary) -> list[tuple[float, float]]:
    """Each break until the body settled, or until the end if it had not."""
    return [
        (b["start_s"], b["ready_s"] if b["ready_s"] is not None else summary["end_s"])
        for b in summary["breaks"]
    ]


def _settled_s(summary: SessionSummary) -> list[float]:
    return [b["ready_s"] for b in summary["breaks"] if b["ready_s"] is not None]


def _lane(
    ax: Axes,
    updates: Sequence[Update],
    summary: SessionSummary,
    rests: Sequence[tuple[float, float]],
    rest_gid: str,
    settled_s: Sequence[float],
    markers: Sequence[tuple[float, str]],
    x: _Minutes,
    end_min: float,
) -> None:
    """One person's panel behind its curve: no clear signal, the break (or shared pause),
    flooded time, where the body settled, the markers."""
    _shade(
        ax, spans(updates, (State.SIGNAL_POOR, State.SEARCHING)), SIGNAL_FILL, GID_SIGNAL_POOR, x
    )
    _shade(ax, rests, BREAK_FILL, rest_gid, x)
    _shade(ax, summary["flooded_spans_s"], FLOODED_FILL, GID_FLOODED, x)
    for t_s in settled_s:
        ax.axvline(x(t_s), color=SETTLED_COLOUR, lw=1.4, zorder=3, gid=GID_SETTLED)
    for t_s, _ in markers:
        ax.axvline(x(t_s), color=MARKER_COLOUR, lw=0.9, ls=(0, (2, 2)), zorder=3, gid=GID_MARKER)
    ax.set_xlim(0.0, end_min)
    _style(ax)


def _withheld_lane(ax: Axes, name: str, end_min: float) -> None:
    """A partner who shares only their state: their lane stays empty, and says why."""
    ax.set_xlim(0.0, end_min)
    ax.set_ylim(0, 100)
    ax.set_yticks([])
    ax.set_ylabel(name, color=INK, fontsize=9.5)
    ax.text(
        0.5, 0.5, withheld_words(name), color=MUTED, fontsize=9.5, ha="center", va="center",
        transform=ax.transAxes,
    )  # fmt: skip
    _style(ax)


def _rest_labels(
    ax: Axes, rests: Sequence[tuple[float, float]], label: str, x: _Minutes, end_min: float
) -> None:
    for start_s, _ in rests:
        ax.text(
            x(start_s) + 0.006 * end_min, 3, label, color=REST_TEXT_COLOUR, fontsize=8.5,
            ha="left", va="bottom",
        )  # fmt: skip


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


# ---------------------------------------------------------------------------------------------
# The page


def _blank_figure(size_in: tuple[float, float]) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size_in, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _legend_handles(
    summaries: Sequence[SessionSummary],
    markers: Sequence[tuple[float, str]],
    break_label: str | None = "break",
) -> list[Artist]:
    """A key for the shades and lines these summaries have, none for those they have not."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = []
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


def _legend(fig: Figure, y: float, handles: Sequence[Artist]) -> None:
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

    def text(self, left_in: float, top_in: float, text: str, **style: str | float) -> None:
        font = {"fontsize": 9, "color": INK, "va": "top", **style}
        self.fig.text(left_in / self.width_in, self.y(top_in), text, fontdict=font)

    def axes(self, left_in: float, top_in: float, width_in: float, height_in: float) -> Axes:
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
