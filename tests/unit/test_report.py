"""The session report, made from real replays of simulated sessions and read back from the files."""

import base64
import bisect
import io
import math
import re
import subprocess
import sys
from itertools import pairwise

import numpy as np
import pytest
from PIL import Image

from pausepoint.cli.progress import Progress
from pausepoint.config import load_config
from pausepoint.errors import BadInput, UserError
from pausepoint.model import EventKind, State, Update
from pausepoint.pipeline.arousal import flooding_arousal
from pausepoint.pipeline.estimators import sdnn
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.reports.figure import (
    FLOODED_FILL,
    GID_AROUSAL,
    GID_BREAK,
    GID_FLOODED,
    GID_FLOODING_LINE,
    GID_MARKER,
    GID_SETTLED,
    PAGE_IN,
    PNG_DPI,
    build_figure,
)
from pausepoint.reports.inputs import ReportInput
from pausepoint.reports.numbers import MIN_PART_BEATS, session_summary
from pausepoint.reports.render import render_report
from pausepoint.reports.words import duration_text, summary_sentences
from pausepoint.sources.simulated.scenarios import Recording, simulate

SETTLES_SEED = 7
"""A simulated person whose body settles (READY) before the 35-minute argument ends."""
STILL_SETTLING_SEED = 0
"""One who is still settling when it ends."""
MARKERS = ((330.0, "we started on money"), (1500.0, "walked round the block"))


def replay(rec: Recording) -> list[Update]:
    """The pipeline over a recording; Start break is pressed when the scenario's person does."""
    pipeline = Pipeline(load_config(), spectral=False)
    break_s = rec.truth.break_start_s
    updates = []
    for sample in rec.samples:
        if break_s is not None and sample.t_s >= break_s:
            pipeline.start_break(break_s)
            break_s = None
        updates.append(pipeline.push(sample))
    updates.append(pipeline.finish(rec.samples[-1].t_s))
    return updates


@pytest.fixture(scope="module")
def argument() -> tuple[Recording, list[Update]]:
    rec = simulate("argument", seed=SETTLES_SEED)
    return rec, replay(rec)


@pytest.fixture(scope="module")
def calm_updates() -> list[Update]:
    return replay(simulate("calm", seed=3))


@pytest.fixture(scope="module")
def argument_input(argument) -> ReportInput:
    return ReportInput(
        title="Check-in, 27 Nov 2026, 19:05",
        source="simulated: argument",
        updates=argument[1],
        markers=MARKERS,
        note="first try with the strap",
    )


def events(updates, kind):
    return [e for u in updates for e in u.events if e.kind == kind]


def state_seconds(updates, state) -> float:
    """Time in a state, counted the way the live monitor counts it."""
    return sum(cur.t_s - prev.t_s for prev, cur in pairwise(updates) if prev.state == state)


def axes_with(fig, gid):
    (ax,) = [ax for ax in fig.axes if any(a.get_gid() == gid for a in ax.get_children())]
    return ax


def artists(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def span_minutes(patch) -> tuple[float, float]:
    return patch.get_x(), patch.get_x() + patch.get_width()


# --- the numbers ------------------------------------------------------------------------------


def test_summary_numbers_agree_with_the_events(argument):
    rec, updates = argument
    s = session_summary(updates)
    (flood_start,) = events(updates, EventKind.FLOODING_START)
    (flood_end,) = events(updates, EventKind.FLOODING_END)
    (break_start,) = events(updates, EventKind.BREAK_START)
    (ready,) = events(updates, EventKind.READY)

    assert s["flooded_count"] == 1
    assert s["flooded_s"] == pytest.approx(state_seconds(updates, State.FLOODED), abs=1e-9)
    assert s["longest_flooded_s"] == s["flooded_s"]
    (start_s, end_s), *_ = s["flooded_spans_s"]
    assert start_s == flood_start.t_s
    # The state changes with the update that carries the break: the next notification.
    (break_update,) = [u for u in updates if break_start in u.events]
    assert break_start.t_s == rec.truth.break_start_s
    assert end_s == break_update.t_s < break_start.t_s + 1.5
    true_start_s, true_end_s = rec.truth.flooded[0]
    assert true_start_s < start_s < true_end_s
    (brk,) = s["breaks"]
    assert brk["start_s"] == break_start.t_s
    assert brk["ready_s"] == ready.t_s
    assert brk["settle_s"] == pytest.approx(ready.t_s - break_start.t_s, abs=1e-9)
    assert brk["settle_s"] == pytest.approx(ready.detail["break_s"], abs=0.05)
    assert brk["settle_s"] >= load_config().break_.min_s
    assert brk["flooding_eased_s"] == pytest.approx(flood_end.t_s - break_start.t_s, abs=1e-9)
    assert s["duration_s"] == pytest.approx(rec.truth.duration_s, abs=1.0)
    assert s["peak_hr_bpm"] == max(u.hr_bpm for u in updates if u.hr_bpm is not None)


def _part_beats(updates, states):
    """The beats whose time falls while the pipeline was in one of ``states``."""
    times = [u.t_s for u in updates]
    beats = [b for u in updates for b in u.beats]
    inside = []
    for b in beats:
        i = bisect.bisect_right(times, b.t_s) - 1
        inside.append(i >= 0 and updates[i].state in states)
    return beats, inside


@pytest.mark.parametrize(
    ("part", "states"), [("calm", (State.CALM, State.READY)), ("flooded", (State.FLOODED,))]
)
def test_hrv_of_each_part_is_computed_on_that_part_beats(argument, part, states):
    _, updates = argument
    hrv = session_summary(updates)["hrv"][part]
    beats, inside = _part_beats(updates, states)
    rr_ms = np.array([b.rr_ms for b, keep in zip(beats, inside, strict=True) if keep])
    assert hrv["beats"] == len(rr_ms) >= MIN_PART_BEATS
    assert hrv["skipped"] is None
    assert hrv["sdnn_ms"] == pytest.approx(sdnn(rr_ms), rel=1e-9)
    assert hrv["mean_hr_bpm"] == pytest.approx(60000.0 / rr_ms.mean(), rel=1e-9)
    # Successive differences only between beats that follow each other in time.
    diffs = [
        cur.rr_ms - prev.rr_ms
        for (prev, a), (cur, b) in pairwise(zip(beats, inside, strict=True))
        if a and b and abs((cur.t_s - prev.t_s) * 1000.0 - cur.rr_ms) <= 10.0
    ]
    assert hrv["rmssd_ms"] == pytest.approx(math.sqrt(np.mean(np.square(diffs))), rel=1e-9)


def test_flooded_body_has_higher_heart_rate_and_lower_hrv_than_calm(argument):
    rec, updates = argument
    hrv = session_summary(updates)["hrv"]
    assert hrv["flooded"]["mean_hr_bpm"] > hrv["calm"]["mean_hr_bpm"] + 20
    assert hrv["flooded"]["rmssd_ms"] < 0.6 * hrv["calm"]["rmssd_ms"]
    assert hrv["calm"]["rmssd_ms"] == pytest.approx(rec.truth.resting_rmssd_ms, rel=0.25)


def test_a_part_with_too_few_beats_is_skipped_and_says_so(argument, tmp_path):
    _, updates = argument
    (start,) = events(updates, EventKind.FLOODING_START)
    short = [u for u in updates if u.t_s <= start.t_s + 20.0]
    s = session_summary(short)
    flooded = s["hrv"]["flooded"]
    assert 0 < flooded["beats"] < MIN_PART_BEATS
    assert flooded["rmssd_ms"] is None and "too few beats" in flooded["skipped"]
    assert s["hrv"]["calm"]["rmssd_ms"] is not None
    out = tmp_path / "short.html"
    render_report(ReportInput("Short", "simulated: argument", short), out)
    assert "too few beats to measure" in out.read_text()


def test_calm_session_says_no_flooding(calm_updates):
    s = session_summary(calm_updates)
    assert s["flooded_count"] == 0 and s["flooded_s"] == 0.0 and s["breaks"] == []
    assert s["hrv"]["flooded"]["beats"] == 0
    assert "no flooding" in summary_sentences(s, load_config().break_.min_s)[0]


def test_sentences_are_plain_and_follow_the_session(argument):
    _, updates = argument
    words = " ".join(summary_sentences(session_summary(updates), load_config().break_.min_s))
    assert "You were flooded once, for 5 minutes" in words
    assert "You took a break 14 minutes in." in words
    assert "After your break your body settled in 20 minutes." in words


def test_sentences_when_the_session_ends_before_the_body_settled():
    updates = replay(simulate("argument", seed=STILL_SETTLING_SEED))
    s = session_summary(updates)
    assert events(updates, EventKind.READY) == []
    assert s["breaks"][0]["settle_s"] is None
    words = " ".join(summary_sentences(s, load_config().break_.min_s))
    assert "still settling" in words and "settled in" not in words


def test_without_a_calm_level_nothing_is_judged_and_the_report_says_why(tmp_path):
    updates = replay(simulate("calm", seed=1, minutes=1.0))
    assert all(u.baseline is None for u in updates)
    s = session_summary(updates)
    assert "could not learn your calm level" in summary_sentences(s, load_config().break_.min_s)[0]
    render_report(ReportInput("Too short", "simulated: calm", updates), tmp_path / "short.png")
    assert (tmp_path / "short.png").stat().st_size > 10_000


# --- the figure -------------------------------------------------------------------------------


def test_figure_shows_floods_breaks_the_flooding_line_settling_and_markers(argument_input):
    s = session_summary(argument_input.updates)
    fig = build_figure(argument_input)
    ax = axes_with(fig, GID_AROUSAL)
    (flooded,) = artists(ax, GID_FLOODED)
    start_s, end_s = s["flooded_spans_s"][0]
    assert span_minutes(flooded) == pytest.approx((start_s / 60, end_s / 60))
    (brk,) = artists(ax, GID_BREAK)
    assert span_minutes(brk) == pytest.approx(
        (s["breaks"][0]["start_s"] / 60, s["breaks"][0]["ready_s"] / 60)
    )
    (line,) = artists(ax, GID_FLOODING_LINE)
    assert line.get_ydata()[0] == pytest.approx(flooding_arousal(load_config().arousal))
    assert 65 < flooding_arousal(load_config().arousal) < 75
    (settled,) = artists(ax, GID_SETTLED)
    assert settled.get_xdata()[0] == pytest.approx(s["breaks"][0]["ready_s"] / 60)
    assert [m.get_xdata()[0] for m in artists(ax, GID_MARKER)] == pytest.approx(
        [t_s / 60 for t_s, _ in MARKERS]
    )
    assert len(fig.axes) == 3
    for panel in fig.axes:
        assert len(artists(panel, GID_FLOODED)) == 1


def _png(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def _flooded_columns(pixels, fig) -> np.ndarray:
    """Pixel columns of the arousal panel holding the flooded shade."""
    ax = axes_with(fig, GID_AROUSAL)
    height, width, _ = pixels.shape
    box = ax.get_position()
    rows = slice(round((1 - box.y1) * height) + 2, round((1 - box.y0) * height) - 2)
    cols = slice(round(box.x0 * width) + 2, round(box.x1 * width) - 2)
    shade = np.array([int(FLOODED_FILL[i : i + 2], 16) for i in (1, 3, 5)])
    hit = (pixels[rows, cols] == shade).all(axis=2).any(axis=0)
    return np.flatnonzero(hit) + cols.start


def test_png_is_an_a4_page_with_the_flooded_span_where_the_flood_was(argument_input, tmp_path):
    out = tmp_path / "argument.png"
    render_report(argument_input, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_mode & 0o777 == 0o600
    pixels = _png(out)
    height, width, _ = pixels.shape
    assert (width, height) == (int(PAGE_IN[0] * PNG_DPI), int(PAGE_IN[1] * PNG_DPI))
    assert pixels.std() > 20
    assert 0.03 < (pixels.sum(axis=2) < 3 * 250).mean() < 0.6

    fig = build_figure(argument_input)
    columns = _flooded_columns(pixels, fig)
    ax = axes_with(fig, GID_AROUSAL)
    (x0_min, x1_min), box = ax.get_xlim(), ax.get_position()
    start_s, end_s = session_summary(argument_input.updates)["flooded_spans_s"][0]

    def column(t_s: float) -> float:
        return (box.x0 + (t_s / 60 - x0_min) / (x1_min - x0_min) * box.width) * width

    assert columns.min() == pytest.approx(column(start_s), abs=2)
    assert columns.max() == pytest.approx(column(end_s), abs=2)


def test_calm_png_has_no_flooded_shade(calm_updates, tmp_path):
    data = ReportInput("Calm", "simulated: calm", calm_updates)
    out = tmp_path / "calm.png"
    render_report(data, out)
    fig = build_figure(data)
    assert artists(axes_with(fig, GID_AROUSAL), GID_FLOODED) == []
    pixels = _png(out)
    assert len(_flooded_columns(pixels, fig)) == 0
    assert pixels.std() > 20


# --- the files --------------------------------------------------------------------------------


def test_html_is_self_contained_with_the_numbers_and_the_picture(argument_input, tmp_path):
    out = tmp_path / "argument.html"
    render_report(argument_input, out)
    text = out.read_text(encoding="utf-8")
    s = session_summary(argument_input.updates)
    assert out.stat().st_mode & 0o777 == 0o600
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert argument_input.title in text and "simulated: argument" in text
    assert f"<td>{duration_text(s['flooded_s'])} (once)</td>" in text
    assert duration_text(s["flooded_s"]).startswith("5 min ")
    assert f"settled after {duration_text(s['breaks'][0]['settle_s'])}" in text
    for part in ("calm", "flooded"):
        hrv = s["hrv"][part]
        assert f"<td>{hrv['rmssd_ms']:.0f} ms</td>" in text
        assert f"<td>{hrv['sdnn_ms']:.0f} ms</td>" in text
        assert f"<td>{hrv['mean_hr_bpm']:.0f} bpm</td>" in text
    for _, marker in MARKERS:
        assert marker in text
    (image,) = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    picture = Image.open(io.BytesIO(base64.b64decode(image)))
    assert picture.width > 1000 and np.asarray(picture.convert("L")).std() > 20
    lowered = text.lower()
    for outside in ("<script", "http://", "https://", "<link", "url("):
        assert outside not in lowered
    assert text.count("<tr>") == text.count("</tr>")


def test_pdf_is_one_page(calm_updates, tmp_path):
    out = tmp_path / "calm.pdf"
    render_report(ReportInput("Calm", "simulated: calm", calm_updates), out)
    content = out.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", content)) == 1
    assert out.stat().st_mode & 0o777 == 0o600


def test_progress_is_stepped_to_the_end(calm_updates, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    from pausepoint.reports.render import RENDER_STEPS

    stream = Terminal()
    progress = Progress("report", RENDER_STEPS, stream)
    render_report(ReportInput("Calm", "x", calm_updates), tmp_path / "r.pdf", progress)
    assert "100%" in stream.getvalue()


@pytest.mark.parametrize("name", ["report.txt", "report", "report.svgz"])
def test_unknown_suffix_is_bad_input_and_writes_nothing(calm_updates, tmp_path, name):
    with pytest.raises(BadInput) as caught:
        render_report(ReportInput("Calm", "x", calm_updates), tmp_path / name)
    message = str(caught.value)
    assert "\n" not in message and ".png, .pdf or .html" in message and name in message
    assert list(tmp_path.iterdir()) == []


def test_empty_session_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="no data"):
        render_report(ReportInput("Empty", "x", []), tmp_path / "r.png")


def test_unwritable_place_is_one_line_and_leaves_no_temp_file(calm_updates, tmp_path):
    with pytest.raises(UserError) as caught:
        render_report(ReportInput("Calm", "x", calm_updates), tmp_path / "missing" / "r.pdf")
    assert "\n" not in str(caught.value) and "r.pdf" in str(caught.value)
    out = tmp_path / "r.pdf"
    out.write_bytes(b"old")
    render_report(ReportInput("Calm", "x", calm_updates), out)
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_importing_the_report_module_loads_no_plotting_or_hrv_library():
    code = (
        "import sys, pausepoint.reports.render; "
        "print(sorted(m for m in ('matplotlib', 'neurokit2', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
