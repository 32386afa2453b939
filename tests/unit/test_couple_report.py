"""The couple report: both partners' lanes, the shared pause, the linkage, through the real CLI
on a recorded simulated couple."""

from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pausepoint.cli.main import main
from pausepoint.config import load_config
from pausepoint.couple.engine import CoupleEventKind
from pausepoint.model import EventKind
from pausepoint.reports.figure import (
    FLOODED_FILL,
    GID_AROUSAL,
    GID_FLOODED,
    GID_FLOODING_LINE,
    GID_LINKAGE_LAG,
    GID_LINKAGE_LINKED,
    GID_LINKAGE_R,
    GID_LINKAGE_THRESHOLD,
    GID_SHARED_PAUSE,
    PAGE_IN,
    PNG_DPI,
    build_figure,
)
from pausepoint.reports.inputs import couple_report_input
from pausepoint.reports.numbers import couple_summary
from pausepoint.reports.words import EXPLORATORY, duration_text
from pausepoint.sessions.replay import stored_couple_events
from pausepoint.sessions.store import Store


def record(db: Path, scenario: str) -> None:
    code = main(["record", "--db", str(db), "--simulate", scenario, "--speed", "100000"])
    assert code == 0


def report(db: Path, out: Path, *extra: str) -> None:
    assert main(["report", "--db", str(db), "1", "--out", str(out), *extra]) == 0


@pytest.fixture(scope="module")
def argument_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("couple") / "sessions.db"
    record(db, "couple-argument")
    return db


@pytest.fixture(scope="module")
def argument(argument_db: Path):
    """The report's input and the events the recorder stored."""
    with Store.open(argument_db) as store:
        info = store.session(1)
        data = couple_report_input(store, info, load_config())
        events = store.person_events(1, origin=None)
        couple_events = stored_couple_events(store, 1)
    return data, events, couple_events


def flood_spans_s(events, person: int) -> list[tuple[float, float]]:
    """(flooding_start, flooding_end) of one partner, as the engine recorded them."""
    starts = [e.t_s for p, e in events if p == person and e.kind == EventKind.FLOODING_START]
    ends = [e.t_s for p, e in events if p == person and e.kind == EventKind.FLOODING_END]
    return list(zip(starts, ends, strict=True))


def lanes(fig):
    """The two arousal lanes, top (A) first."""
    found = [ax for ax in fig.axes if any(a.get_gid() == GID_AROUSAL for a in ax.get_children())]
    return sorted(found, key=lambda ax: -ax.get_position().y0)


def artists(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def axes_with(fig, gid):
    (ax,) = [ax for ax in fig.axes if artists(ax, gid)]
    return ax


def span_minutes(patch) -> tuple[float, float]:
    return patch.get_x(), patch.get_x() + patch.get_width()


def test_each_lane_shades_that_partners_floods_where_the_events_say(argument):
    data, events, _ = argument
    fig = build_figure(data)
    lane_a, lane_b = lanes(fig)
    for person, lane in enumerate((lane_a, lane_b)):
        expected = flood_spans_s(events, person)
        assert expected, "couple-argument floods both partners"
        drawn = [span_minutes(p) for p in artists(lane, GID_FLOODED)]
        assert len(drawn) == len(expected)
        for (start_min, end_min), (start_s, end_s) in zip(drawn, expected, strict=True):
            assert start_min == pytest.approx(start_s / 60, abs=2 / 60)
            assert end_min == pytest.approx(end_s / 60, abs=2 / 60)
        assert len(artists(lane, GID_FLOODING_LINE)) == 1
    assert lane_a.get_ylabel().startswith("Partner A") and lane_b.get_ylabel().startswith(
        "Partner B"
    )
    # The two partners flooded at different moments: the lanes are not the same picture.
    first_a, first_b = (flood_spans_s(events, p)[0][0] for p in (0, 1))
    assert abs(first_a - first_b) > 10


def test_the_shared_pause_is_shaded_across_both_lanes_and_the_linkage(argument):
    data, _, couple_events = argument
    (start,) = [e.t_s for e in couple_events if e.kind == CoupleEventKind.SHARED_PAUSE_START]
    (ready,) = [e.t_s for e in couple_events if e.kind == CoupleEventKind.SHARED_READY]
    fig = build_figure(data)
    shaded = [ax for ax in fig.axes if artists(ax, GID_SHARED_PAUSE)]
    assert len(shaded) == 4  # two lanes, correlation, lag
    for ax in shaded:
        ((start_min, end_min),) = [span_minutes(p) for p in artists(ax, GID_SHARED_PAUSE)]
        assert start_min == pytest.approx(start / 60, abs=1e-6)
        assert end_min == pytest.approx(ready / 60, abs=1e-6)


def test_linkage_panel_draws_every_window_against_its_threshold_and_the_lags(argument):
    data, _, _ = argument
    windows = data.linkage.windows
    assert len(windows) > 40 and data.linkage.stands_out
    fig = build_figure(data)
    ax_r = axes_with(fig, GID_LINKAGE_R)
    (r_line,) = artists(ax_r, GID_LINKAGE_R)
    np.testing.assert_allclose(r_line.get_ydata(), [abs(w.r) for w in windows])
    np.testing.assert_allclose(
        r_line.get_xdata(), [(w.start_s + w.end_s) / 120 for w in windows], atol=1e-9
    )
    (threshold,) = artists(ax_r, GID_LINKAGE_THRESHOLD)
    np.testing.assert_allclose(threshold.get_ydata(), [w.threshold for w in windows])
    (linked,) = artists(ax_r, GID_LINKAGE_LINKED)
    assert len(linked.get_offsets()) == data.linkage.linked > data.linkage.chance_bound
    (lags,) = artists(axes_with(fig, GID_LINKAGE_LAG), GID_LINKAGE_LAG)
    lag_s = np.asarray(lags.get_offsets())[:, 1]
    assert sorted(lag_s) == sorted(w.lag_s for w in windows if w.linked)
    texts = [t.get_text() for t in fig.texts]
    assert EXPLORATORY in texts
    assert any(data.linkage.to_dict()["summary"].startswith(t) for t in texts if len(t) > 20)


def _flooded_columns(pixels: np.ndarray, fig, lane) -> np.ndarray:
    height, width, _ = pixels.shape
    box = lane.get_position()
    rows = slice(round((1 - box.y1) * height) + 2, round((1 - box.y0) * height) - 2)
    cols = slice(round(box.x0 * width) + 2, round(box.x1 * width) - 2)
    shade = np.array([int(FLOODED_FILL[i : i + 2], 16) for i in (1, 3, 5)])
    hit = (pixels[rows, cols] == shade).all(axis=2).any(axis=0)
    return np.flatnonzero(hit) + cols.start


def test_png_page_has_each_partners_flooded_shade_in_their_lane(argument, argument_db, tmp_path):
    data, events, _ = argument
    out = tmp_path / "couple.png"
    report(argument_db, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = np.asarray(Image.open(out).convert("RGB")).astype(int)
    height, width, _ = pixels.shape
    assert (width, height) == (int(PAGE_IN[0] * PNG_DPI), int(PAGE_IN[1] * PNG_DPI))
    assert pixels.std() > 20
    assert 0.03 < (pixels.sum(axis=2) < 3 * 250).mean() < 0.6
    fig = build_figure(data)
    for person, lane in enumerate(lanes(fig)):
        (x0_min, x1_min), box = lane.get_xlim(), lane.get_position()

        def column(t_s: float, x0_min=x0_min, x1_min=x1_min, box=box) -> float:
            return (box.x0 + (t_s / 60 - x0_min) / (x1_min - x0_min) * box.width) * width

        columns = _flooded_columns(pixels, fig, lane)
        ((start_s, end_s),) = flood_spans_s(events, person)
        assert columns.min() == pytest.approx(column(start_s), abs=2)
        assert columns.max() == pytest.approx(column(end_s), abs=2)


def test_html_has_both_partners_numbers_and_the_exploratory_words(argument, argument_db, tmp_path):
    data, _, _ = argument
    out = tmp_path / "couple.html"
    report(argument_db, out)
    page = out.read_text()
    summary = couple_summary(data)
    assert "data:image/png;base64," in page and "Couple check-in" in page
    assert html.escape(EXPLORATORY) in page
    assert html.escape(summary["linkage"]["summary"]) in page
    for name, part in zip(("Partner A", "Partner B"), summary["partners"], strict=True):
        assert f"<h2>{name}</h2>" in page
        assert duration_text(part["flooded_s"]) in page
        assert f"{part['baseline']['hr_bpm']:.0f} bpm, RMSSD" in page
        (brk,) = part["breaks"]
        assert duration_text(brk["settle_s"]) in page
    assert html.escape(f"{summary['names'][1]} flooded") in page


def test_person_b_still_gets_the_one_person_page(argument_db, tmp_path):
    out = tmp_path / "b.html"
    report(argument_db, out, "--person", "B")
    page = out.read_text()
    assert "Check-in, partner B" in page and "You were flooded once" in page
    assert "Heart rates moving together" not in page and EXPLORATORY not in page


def test_a_calm_couple_has_no_flood_and_no_pause(tmp_path):
    db = tmp_path / "sessions.db"
    record(db, "couple-calm")
    with Store.open(db) as store:
        data = couple_report_input(store, store.session(1), load_config())
    summary = couple_summary(data)
    assert summary["pauses"] == [] and all(p["flooded_count"] == 0 for p in summary["partners"])
    fig = build_figure(data)
    assert len(lanes(fig)) == 2
    assert not any(artists(ax, GID_FLOODED) or artists(ax, GID_SHARED_PAUSE) for ax in fig.axes)
    out = tmp_path / "calm.html"
    report(db, out)
    page = out.read_text()
    assert "A did not flood" in page and "B did not flood" in page


def test_long_names_and_a_note_never_run_into_the_footnote(argument):
    data, _, _ = argument
    long = replace(
        data,
        names=("Alexandra-Marie Fontaine", "Christopher-James Okonkwo"),
        note="We talked about money and the holidays again; it went better than last time. " * 3,
    )
    fig = build_figure(long)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.texts if t.get_text()]
    foot = [t for t in texts if t.get_text().startswith("Each lane is one partner")]
    assert len(foot) == 1
    foot_top = foot[0].get_window_extent(renderer).y1
    above = [t.get_window_extent(renderer).y0 for t in texts if t.get_fontsize() > 7]
    assert min(above) > foot_top  # every line of the page ends above the footnote
    assert fig.axes and all(ax.get_position().y0 > 0 for ax in fig.axes)
