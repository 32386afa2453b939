"""The period report, for a therapist: how the check-ins of some weeks went, the sessions in
them and what their tags say, as one A4 page (.png, .pdf) or a self-contained .html page.

Its figures are ``reports.trends``'s, from the same sessions, so the report, ``pausepoint
trends`` and the dashboard's Trends page say the same. A period without check-ins is a
report that says so, not an error. matplotlib is imported inside the functions.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pausepoint import __version__
from pausepoint.reports.figure import INK, MUTED, PAGE_IN
from pausepoint.reports.render import html_grid, html_page, html_table, png_bytes, report_suffix
from pausepoint.reports.trends import (
    Figures,
    SessionFacts,
    figures,
    period_facts,
    trends,
    week_of_monday,
    week_start,
    week_words,
)
from pausepoint.sources.files import write_bytes_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pausepoint.sessions.records import SessionInfo
    from pausepoint.sessions.store import Store

CHECK_INS = "#0072B2"
FLOODS = "#E69F00"
TAKEN = "#009E73"
PAGE_SESSIONS = 12
"""Sessions listed on the one-page PNG or PDF (the newest); the HTML lists them all."""
PAGE_TAGS = 8
PANELS_IN = (PAGE_IN[0], 3.6)
"""The charts alone, for the HTML page."""
NO_CHECK_INS = "No check-ins in this period."
DASH = "–"
WEEK_HEADER = (
    "Week of",
    "Check-ins",
    "Minutes",
    "Floods",
    "Minutes flooded",
    "Pauses taken",
    "Ready after a break",
    "Before → after",
)
TAG_HEADER = ("Topic", "Check-ins", "Floods", "Pauses taken", "Ready after a break")
SESSION_HEADER = ("Day", "Length", "Floods", "Flooded", "Pauses taken", "Topics", "Before → after")


@dataclass(frozen=True)
class PeriodReport:
    """What a period report says: ``found`` is ``trends()`` of the period, ``sessions`` its
    sessions with their facts, ``totals`` the period's figures."""

    since: date | None
    until: date
    tag: str | None
    partner: str | None
    found: dict[str, Any]
    sessions: list[tuple[SessionInfo, SessionFacts]]
    totals: Figures

    @property
    def period(self) -> str:
        if self.since is None:
            return f"up to {_day(self.until)}"
        return f"from {_day(self.since)} to {_day(self.until)}"

    @property
    def title(self) -> str:
        return f"Check-ins {self.period}"

    @property
    def scope(self) -> str:
        """Whose and which check-ins, when a topic or a partner was chosen."""
        parts = []
        if self.tag is not None:
            parts.append(f"only the check-ins about {self.tag}")
        if self.partner is not None:
            parts.append(f"{self.partner}'s own floods and shared answers")
        return "; ".join(parts)


def period_report(
    store: Store,
    *,
    since: date | None,
    until: date,
    tag: str | None = None,
    partner: str | None = None,
) -> PeriodReport:
    kept = period_facts(store, since, until, tag, partner)
    found = trends(store, since=since, until=until, tag=tag, partner=partner)
    totals = figures([f for _info, f in kept])
    return PeriodReport(since, until, tag, partner, found, kept, totals)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _minutes(seconds: float | None) -> str:
    return DASH if seconds is None else f"{round(seconds / 60)} min"


def _moods(before: float | None, after: float | None) -> str:
    if before is None and after is None:
        return DASH
    return " → ".join(DASH if m is None else f"{m:g}" for m in (before, after))


def _taken(taken: int, prompted: int) -> str:
    return f"{taken} of {prompted}" if prompted else DASH


def sentences(report: PeriodReport) -> list[str]:
    """The period in a few plain sentences, the latest week's last."""
    t = report.totals
    if not t["sessions"]:
        return [NO_CHECK_INS]
    said = [
        f"{t['sessions']} check-in{'' if t['sessions'] == 1 else 's'}, "
        f"{round(t['minutes'])} minutes in all."
    ]
    if t["floods"]:
        said.append(
            f"Flooding was noticed {t['floods']} time{'' if t['floods'] == 1 else 's'}, "
            f"{round(t['flooded_s'] / 60)} minutes flooded in all."
        )
    else:
        said.append("No flooding was noticed.")
    if t["pauses_prompted"]:
        pauses = f"{t['pauses_taken']} of {t['pauses_prompted']} pauses suggested were taken"
        ready_s = t["median_break_to_ready_s"]
        if ready_s is not None:
            pauses += f"; after breaks the body was ready in {round(ready_s / 60)} minutes (median)"
        said.append(pauses + ".")
    if t["mood_before"] is not None or t["mood_after"] is not None:
        said.append(
            "The answers (1 calm to 5 tense), before → after on average: "
            f"{_moods(t['mood_before'], t['mood_after'])}."
        )
    said.append(f"Latest week: {week_words(report.found['weeks'], week_of_monday)}")
    tag_words = _tag_words(report.found["tags"])
    if tag_words:
        said.append(tag_words)
    return said


def _tag_words(tags: dict[str, Figures]) -> str:
    """The topic with the most floods a check-in, when floods and topics there are."""
    flooded = [(f["floods"] / f["sessions"], name, f) for name, f in tags.items() if f["floods"]]
    if not flooded:
        return ""
    _rate, name, f = max(flooded, key=lambda item: (item[0], item[1]))
    return (
        f"Most floods for each check-in came in talks about {name}: {f['floods']} in "
        f"{f['sessions']} check-in{'' if f['sessions'] == 1 else 's'}."
    )


def week_rows(report: PeriodReport) -> list[tuple[str, ...]]:
    return [
        (
            f"{week_start(w['week']).day} {week_start(w['week']):%b %Y}",
            str(w["sessions"]),
            f"{w['minutes']:.0f}",
            str(w["floods"]),
            f"{w['flooded_s'] / 60:.1f}",
            _taken(w["pauses_taken"], w["pauses_prompted"]),
            _minutes(w["median_break_to_ready_s"]),
            _moods(w["mood_before"], w["mood_after"]),
        )
        for w in report.found["weeks"]
    ]


def tag_rows(report: PeriodReport) -> list[tuple[str, ...]]:
    return [
        (
            name,
            str(f["sessions"]),
            str(f["floods"]),
            _taken(f["pauses_taken"], f["pauses_prompted"]),
            _minutes(f["median_break_to_ready_s"]),
        )
        for name, f in report.found["tags"].items()
    ]


def session_rows(report: PeriodReport) -> list[tuple[str, ...]]:
    return [
        (
            info.started_utc.astimezone().strftime("%Y-%m-%d %H:%M"),
            f"{round(info.duration_s / 60)} min",
            str(f.floods),
            f"{f.flooded_s / 60:.0f} min",
            _taken(f.taken, f.prompted),
            ", ".join(f.tags) or DASH,
            _moods(
                round(float(np.mean(f.moods_before)), 2) if f.moods_before else None,
                round(float(np.mean(f.moods_after)), 2) if f.moods_after else None,
            ),
        )
        for info, f in report.sessions
    ]


def render_period_report(
    store: Store,
    out: Path,
    *,
    since: date | None,
    until: date,
    tag: str | None = None,
    partner: str | None = None,
) -> PeriodReport:
    """Write the period's report as .png, .pdf (one A4 page) or .html, by ``out``'s suffix."""
    out = Path(out)
    suffix = report_suffix(out)
    report = period_report(store, since=since, until=until, tag=tag, partner=partner)
    if suffix == ".html":
        content = period_html(report).encode("utf-8")
    else:
        fig = period_page(report)
        if suffix == ".png":
            content = png_bytes(fig)
        else:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="pdf", facecolor="white", metadata={"CreationDate": None})
            content = buffer.getvalue()
    write_bytes_atomic(out, content)
    return report


def period_html(report: PeriodReport) -> str:
    esc = html.escape
    words = "".join(f"<p>{esc(s)}</p>" for s in sentences(report))
    scope = f'<p class="meta">{esc(report.scope)}</p>' if report.scope else ""
    foot = f'<p class="foot">Made by pausepoint {esc(__version__)}.</p>'
    if not report.sessions:
        return html_page(report.title, f"{scope}{words}{foot}")
    image = base64.b64encode(png_bytes(_panels_figure(report))).decode("ascii")
    calm = "".join(
        f"<li>{esc(c['date'])}, {esc(c['profile'])}: {c['hr_bpm']} bpm, "
        f"RMSSD {c['rmssd_ms']} ms</li>"
        for c in report.found["calibrations"]
    )
    calm_section = f"<h2>Calm levels measured</h2><ul>{calm}</ul>" if calm else ""
    tagged = report.found["tags"]
    tags = html_grid(tag_rows(report), TAG_HEADER) if tagged else "<p>No topics were tagged.</p>"
    return html_page(
        report.title,
        f"""{scope}{words}
<img alt="Check-ins, floods, pauses taken and the time to ready, week by week" \
src="data:image/png;base64,{image}">
<h2>Week by week</h2>
{html_grid(week_rows(report), WEEK_HEADER)}
<h2>What the tags say</h2>
{tags}
<h2>The sessions</h2>
{html_grid(session_rows(report), SESSION_HEADER)}
{calm_section}
<h2>In numbers, the whole period</h2>
<table>{html_table(_total_rows(report.totals))}</table>
{foot}""",
    )


def _total_rows(t: Figures) -> list[tuple[str, str]]:
    return [
        ("Check-ins", str(t["sessions"])),
        ("Minutes", f"{t['minutes']:.0f}"),
        ("Floods", str(t["floods"])),
        ("Minutes flooded", f"{t['flooded_s'] / 60:.1f}"),
        ("Pauses taken", _taken(t["pauses_taken"], t["pauses_prompted"])),
        ("Ready after a break (median)", _minutes(t["median_break_to_ready_s"])),
        ("Before → after (mean, 1 calm to 5 tense)", _moods(t["mood_before"], t["mood_after"])),
    ]


def _blank(size_in: tuple[float, float]) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size_in, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _panels_figure(report: PeriodReport) -> Figure:
    fig = _blank(PANELS_IN)
    _draw_panels(fig, report, (0.08, 0.1, 0.9, 0.86))
    return fig


def _draw_panels(fig: Figure, report: PeriodReport, box: tuple[float, float, float, float]) -> None:
    """Four small charts over the weeks in ``box`` (left, bottom, width, height, figure
    fractions): check-ins and floods, pauses, time to ready, the answers."""
    weeks = report.found["weeks"]
    x = np.arange(len(weeks))
    left, bottom, width, height = box
    w, h = width * 0.43, height * 0.33
    right, top = left + width * 0.55, bottom + height * 0.55
    spots = [
        (left, top),
        (right, top),
        (left, bottom + height * 0.06),
        (right, bottom + height * 0.06),
    ]
    axes = [fig.add_axes((sx, sy, w, h)) for sx, sy in spots]

    def series(key: str) -> np.ndarray:
        return np.array([np.nan if w[key] is None else w[key] for w in weeks], dtype=float)

    ax = axes[0]
    ax.bar(x - 0.2, series("sessions"), 0.4, color=CHECK_INS, label="check-ins")
    ax.bar(x + 0.2, series("floods"), 0.4, color=FLOODS, label="floods")
    _style(ax, "Check-ins and floods", weeks)
    _key(ax)
    ax = axes[1]
    ax.bar(x, series("pauses_prompted"), 0.7, color="white", edgecolor=MUTED, label="suggested")
    ax.bar(x, series("pauses_taken"), 0.7, color=TAKEN, label="taken")
    _style(ax, "Pauses suggested and taken", weeks)
    _key(ax)
    ax = axes[2]
    ready_min = series("median_break_to_ready_s") / 60.0
    ax.plot(x, ready_min, "o-", color=TAKEN, ms=4)
    ax.set_ylim(0, max(30.0, float(np.nanmax(ready_min, initial=0.0))) * 1.1)
    _style(ax, "Minutes from a break to ready (median)", weeks)
    ax = axes[3]
    ax.plot(x, series("mood_before"), "o-", color=FLOODS, ms=4, label="before")
    ax.plot(x, series("mood_after"), "s-", color=CHECK_INS, ms=4, label="after")
    ax.set_ylim(0.5, 6.5)
    ax.set_yticks(range(1, 6))
    _style(ax, "Answers, 1 calm to 5 tense", weeks)
    _key(ax, counts=False)


def _key(ax: Axes, counts: bool = True) -> None:
    """The chart's key in its top left, with room made above the bars for it."""
    from matplotlib.ticker import MaxNLocator

    if counts:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(1.0, ax.get_ylim()[1]) * 1.45)
    ax.legend(frameon=False, fontsize=7, loc="upper left", ncol=2)


def _style(ax: Axes, title: str, weeks: list[dict[str, Any]]) -> None:
    ax.set_title(title, fontsize=9, color=INK, loc="left")
    every = max(1, len(weeks) // 6)
    ticks = list(range(0, len(weeks), every))
    ax.set_xticks(ticks)
    ax.set_xticklabels(
        [f"{week_start(weeks[i]['week']).day} {week_start(weeks[i]['week']):%b}" for i in ticks],
        fontsize=7,
        color=MUTED,
    )
    ax.set_xlim(-0.6, len(weeks) - 0.4)
    ax.tick_params(axis="y", labelsize=7, colors=MUTED)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#CCCCCC")


class _Sheet:
    """Writes down an A4 figure from the top, in inches, a line at a time."""

    LEFT_IN = 0.75

    def __init__(self) -> None:
        self.fig = _blank(PAGE_IN)
        self.width_in, self.height_in = PAGE_IN
        self.y_in = 0.75

    def text(self, words: str, x_in: float = LEFT_IN, **style: str | float) -> None:
        font = {"fontsize": 9, "color": INK, "va": "top", **style}
        self.fig.text(x_in / self.width_in, 1 - self.y_in / self.height_in, words, fontdict=font)

    def table(self, title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
        """A plain table: its columns as wide as their longest words."""
        self.text(title, fontsize=10.5, fontweight="bold")
        self.y_in += 0.28
        chars = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        room_in = self.width_in - 2 * self.LEFT_IN
        scale_in = room_in / max(sum(chars) + 2 * len(chars), 1)
        for n, row in enumerate([header, *rows]):
            x_in = self.LEFT_IN
            for cell, width in zip(row, chars, strict=True):
                self.text(cell, x_in, fontsize=8, color=MUTED if n == 0 else INK)
                x_in += (width + 2) * scale_in
            self.y_in += 0.19
        self.y_in += 0.2


def period_page(report: PeriodReport) -> Figure:
    """One A4 page: title, sentences, the charts, the tags and the latest sessions."""
    sheet = _Sheet()
    sheet.text(report.title, fontsize=17)
    sheet.y_in += 0.45
    if report.scope:
        sheet.text(report.scope, color=MUTED)
        sheet.y_in += 0.25
    for sentence in sentences(report):
        for line in textwrap.wrap(sentence, width=95):
            sheet.text(line, fontsize=10)
            sheet.y_in += 0.2
        sheet.y_in += 0.06
    if report.sessions:
        top_in, high_in = sheet.y_in + 0.15, 3.4
        box = (
            sheet.LEFT_IN / sheet.width_in,
            1 - (top_in + high_in) / sheet.height_in,
            (sheet.width_in - 2 * sheet.LEFT_IN) / sheet.width_in,
            high_in / sheet.height_in,
        )
        _draw_panels(sheet.fig, report, box)
        sheet.y_in = top_in + high_in + 0.3
        if report.found["tags"]:
            sheet.table("What the tags say", TAG_HEADER, tag_rows(report)[:PAGE_TAGS])
        rows = session_rows(report)
        shown = list(reversed(rows[-PAGE_SESSIONS:]))
        title = "The sessions" if len(shown) == len(rows) else f"The latest {len(shown)} sessions"
        sheet.table(title, SESSION_HEADER, shown)
        if len(shown) < len(rows):
            earlier = len(rows) - len(shown)
            sheet.text(f"and {earlier} before them: the HTML report lists every one.", color=MUTED)
    sheet.y_in = 11.2
    sheet.text(f"Made by pausepoint {__version__}.", fontsize=7, color=MUTED)
    return sheet.fig
