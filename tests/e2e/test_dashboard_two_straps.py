"""The dashboard's couple path end to end: the real window offscreen, its couple check-in
form, two virtual straps on one emulated radio, real bleak, the SQLite store.

Session time runs on the straps' VirtualClock, shared with the window's sources, so a minute
and a half of two people's heartbeats passes in a few seconds, and a stall of the window
(its first spectral estimate loads scipy) never reads as beats lost. The two partners rest
at clearly different heart rates (about 55 and 79 bpm); each partner's profile holds the
calm level measured on their own earlier minutes, as a calibration would.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hardware.bumble_backend import VirtualRadio
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from pausepoint.calibration.profiles import Profile, save_profile
from pausepoint.config import load_config
from pausepoint.model import Baseline, EventKind, HeartSample
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sessions.recorder import CoupleRecorder
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.strap import pmd
from pausepoint.strap.feed import record_couple_straps
from pausepoint.ui.couple_start import NO_PROFILE
from pausepoint.ui.theme import LIGHT

from .conftest import Rig

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CONFIG = load_config()
SPEED = 10.0
WITHIN_S = 45.0
"""Wall-clock bound on a test, in case the dashboard never gets where it should."""
CALM_S = 300.0
PLAY_S = 75.0
SEEDS = (34, 4)
"""Simulated people at rest near 55 bpm (A) and 79 bpm (B)."""
STRAPS = (
    {"name": "Polar H10 A1A1A1A1", "address": "F0:5A:1B:2C:3D:4E"},
    {"name": "Polar H10 B2B2B2B2", "address": "F1:23:45:67:89:AB"},
)
WINDOW_STRAPS = (STRAPS[0], {**STRAPS[1], "name": "Polar OH1 B2B2B2B2"})
"""In the window's test, B wears an optical arm band."""
OPTICAL_B = "Alex's sensor is optical: heart rate is reliable"
HEART_ONLY = {"pmd_kinds": ()}
"""In the window's test, no accelerometer: every update is a heartbeat notification."""
LINKED = "Sam: Connected  ·  Alex: Connected"


def calm_level(samples: list[HeartSample]) -> Baseline:
    pipeline = Pipeline(CONFIG, spectral=False)
    for sample in samples:
        if sample.t_s > CALM_S:
            break
        pipeline.push(sample)
    assert pipeline.baseline is not None
    return pipeline.baseline


RECORDINGS = tuple(
    simulate("calm", seed=seed, minutes=(CALM_S + PLAY_S) / 60 + 0.2).heart_samples()
    for seed in SEEDS
)
PARTS = tuple([s for s in rec if CALM_S <= s.t_s < CALM_S + PLAY_S] for rec in RECORDINGS)
PROFILES = (
    Profile("Sam", baseline=calm_level(RECORDINGS[0]), resonance_rate_bpm=5.5),
    Profile(
        "Alex", baseline=calm_level(RECORDINGS[1]), resonance_rate_bpm=6.5, ceiling_hr_bpm=125.0
    ),
)


async def until(rig: Rig, condition: Callable[[], bool]) -> None:
    while not condition():
        await rig.clock.sleep(0.05)


def curve_columns(image: QImage, window, widget, colour: str) -> int:
    """Columns of ``widget`` on the window's picture with ``colour`` in them (within
    antialiasing): how far along the plot a curve of that colour is drawn."""
    origin = widget.mapTo(window, QPoint(0, 0))
    ratio = image.devicePixelRatio()
    box = image.copy(
        round(origin.x() * ratio),
        round(origin.y() * ratio),
        round(widget.width() * ratio),
        round(widget.height() * ratio),
    ).convertToFormat(QImage.Format.Format_RGB32)
    width, height = box.width(), box.height()
    pixels = np.frombuffer(box.constBits(), np.uint8, count=height * box.bytesPerLine())
    bgr = pixels.reshape(height, box.bytesPerLine() // 4, 4)[:, :width, :3].astype(int)
    target = QColor(colour)
    want = np.array([target.blue(), target.green(), target.red()])
    return int((np.abs(bgr - want).sum(axis=2) < 40).any(axis=0).sum())


def test_two_straps_through_the_couple_form_into_two_lanes(qtbot, qloop, tmp_path: Path) -> None:
    from pausepoint.ui.main_window import MainWindow

    db = tmp_path / "sessions.db"
    with Store.open(db) as store:
        for profile in PROFILES:
            save_profile(store, profile)
    windows: list[MainWindow] = []
    rigs: list[Rig] = []
    pictures = (tmp_path / "start.png", tmp_path / "couple.png")
    live: list[tuple[float, str, str]] = []
    """Each lane's heart rate, as computed and as shown, at the end of the playback."""

    async def test(rig: Rig) -> None:
        a, b = [await rig.strap(**options, **HEART_ONLY) for options in WINDOW_STRAPS]
        window = MainWindow(
            CONFIG, db=db, backend=rig.backend, strap_clock=rig.clock.now, sleep=rig.clock.sleep
        )
        windows.append(window)
        window.resize(1280, 820)
        window.show()
        await window.scan_straps()
        qtbot.mouseClick(window.start_page.couple_button, Qt.MouseButton.LeftButton)
        form = window.couple_start
        assert window.pages.currentWidget() is form
        assert [form.partners[0].profile.itemText(i) for i in range(3)] == [
            "Alex",
            "Sam",
            NO_PROFILE,
        ]
        assert [f.profile_name() for f in form.partners] == ["Sam", "Alex"]  # Sam is active
        for form_of, strap in zip(form.partners, (a, b), strict=True):
            form_of.strap.setCurrentIndex(form_of.strap.findData(strap.address))
        qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
        assert window.pages.currentWidget() is window.couple_page
        await until(rig, lambda: window.status.link == LINKED)
        window.render_frame()
        assert window.status_labels["link"].text() == LINKED
        note = window.couple_page.note
        assert note.isVisible() and note.text().count(OPTICAL_B) == 1
        assert "Sam's sensor" not in note.text()  # A wears a chest strap
        for lane in window.couple_page.lanes:  # "Show the last 2 minutes"
            lane.window_choice.setCurrentIndex(lane.window_choice.findData(120.0))
        window.render_frame(force=True)
        assert window.grab().save(str(pictures[0]), "PNG")

        start_s = rig.clock.now() + 0.5
        plays = [
            asyncio.ensure_future(strap.play(part, start_t_s=start_s))
            for strap, part in zip((a, b), PARTS, strict=True)
        ]
        await a.reached(start_s + PLAY_S / 3)
        await b.drop()
        await until(rig, lambda: "Alex: Reconnecting…" in window.status.link)
        window.render_frame()
        assert window.status_labels["link"].text() == "Sam: Connected  ·  Alex: Reconnecting…"
        await a.reached(start_s + PLAY_S / 2)
        await b.come_back()
        await until(rig, lambda: window.status.link == LINKED)
        window.render_frame()
        assert note.text().count(OPTICAL_B) == 1  # not again on reconnecting
        await asyncio.gather(*plays)
        last_sent_s = [max(d.sent_t_s for d in s.log.deliveries if d.delivered) for s in (a, b)]
        lanes = window.couple_view.lanes
        await until(rig, lambda: all(lanes[p].t_s >= last_sent_s[p] for p in (0, 1)))
        window.render_frame(force=True)
        for lane, shown in zip(lanes, window.couple_page.lanes, strict=True):
            live.append((lane.latest.hr_bpm, shown.readings.hr.value.text(), lane.hr_text()[1]))
        assert window.grab().save(str(pictures[1]), "PNG")
        window.end_session()  # the person ends it: the straps are let go
        await asyncio.gather(window.task, return_exceptions=True)
        assert all(s.log.disconnections >= 1 for s in (a, b))
        await window.shutdown()

    async def main() -> None:
        rig = Rig(VirtualRadio(), SPEED)
        rigs.append(rig)
        try:
            await asyncio.wait_for(test(rig), WITHIN_S)
        finally:
            await rig.close()

    qloop.run_until_complete(main())
    (window,) = windows
    (rig,) = rigs
    a, b = rig.straps
    view, page, session = window.couple_view, window.couple_page, window.session

    # Each lane is its own partner: named by the profile, paced at their rate, their heart.
    assert [label.text() for label in page.names] == ["Sam", "Alex"]
    assert [lane.pacer.rate_bpm for lane in page.lanes] == [5.5, 6.5]
    sent = (a.log.delivered_rr_ms, b.log.delivered_rr_ms)
    for person, strap in enumerate((a, b)):
        placed = [beat.raw_rr_ms or beat.rr_ms for beat in session.beats[person]]
        assert placed == sent[person]  # every beat, in its own lane only
        hr_bpm, shown, calm_words = live[person]
        last = [d.sample.hr_bpm for d in strap.log.deliveries[-15:]]
        assert hr_bpm == pytest.approx(np.mean(last), abs=5.0)
        assert shown == f"{hr_bpm:.0f}"
        assert calm_words.startswith(f"your calm: {PROFILES[person].baseline.hr_bpm:.0f}")
    assert live[1][0] - live[0][0] > 15.0
    # B's drop: beats sent while it was away are lost, and only B's pipeline saw a gap.
    assert len(b.log.deliveries) - sum(d.delivered for d in b.log.deliveries) > 0
    assert all(d.delivered for d in a.log.deliveries)
    gaps = [[e.text for e in lane.entries if e.kind == "gap"] for lane in view.lanes]
    assert gaps == [
        [],
        ["The strap connection dropped; reconnecting.", "Some beats were not received."],
    ]

    with Store.open(db, readonly=True) as store:
        (info,) = store.sessions()
        assert (info.persons, info.profile, info.profile_b) == (2, "Sam", "Alex")
        names = (WINDOW_STRAPS[0]["name"], WINDOW_STRAPS[1]["name"])
        assert (info.strap_name, info.strap_name_b) == names
        assert info.status == "complete"
        stored = store.person_samples(info.id)
        for person in (0, 1):
            heart = [s for p, s in stored if p == person and isinstance(s, HeartSample)]
            assert [rr for s in heart for rr in s.rr_ms] == sent[person]
        assert info.beats == len(sent[0]) + len(sent[1])
        source = [(p, e.kind) for p, e in store.person_events(info.id, origin="source")]
        assert source == [(1, EventKind.GAP), (1, EventKind.RECONNECTED)]

    # The pictures: two empty lanes at the start, then each with its arousal curve drawn.
    drawn = [
        [
            curve_columns(QImage(str(picture)), window, lane.arousal_plot, LIGHT.arousal_curve)
            for lane in page.lanes
        ]
        for picture in pictures
    ]
    assert drawn[0] == [0, 0] and min(drawn[1]) >= 100, drawn
    window.deleteLater()


def test_a_couple_recording_keeps_each_partners_ecg(run_rig, tmp_path: Path) -> None:
    """Both straps' Polar ECG frames, each stored with its own partner, as sent."""
    store = Store.open(tmp_path / "sessions.db")
    recorder = CoupleRecorder(store, CONFIG, source="ble:couple")
    straps = []

    async def test(rig: Rig) -> None:
        for options in STRAPS:
            straps.append(await rig.strap(**options))
        task = asyncio.ensure_future(
            record_couple_straps(
                recorder,
                [{"address": s["address"]} for s in STRAPS],
                ecg=True,
                clock=rig.clock.now,
                sleep=rig.clock.sleep,
                backend=rig.backend,
            )
        )
        await until(rig, lambda: all(s.subscribed(s.heart_rate) for s in straps))
        start_s = rig.clock.now()
        await asyncio.gather(
            *(s.play(part[:20], start_t_s=start_s) for s, part in zip(straps, PARTS, strict=True))
        )
        ecg = pmd.MeasurementType.ECG
        await until(rig, lambda: all(len(s.log.pmd_sent(ecg)) >= 10 for s in straps))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    run_rig(test, speed=SPEED)
    session_id = recorder.session_id
    assert session_id is not None
    for person, strap in enumerate(straps):
        sent = [f.frame for f in strap.log.pmd_sent(pmd.MeasurementType.ECG)]
        frames = store.pmd_frames(session_id, person=person)
        assert {kind for _, kind, _ in frames} == {"ecg"}
        recorded = [raw for _, _, raw in frames]
        # the frame in flight when the recording stops may be cut off
        assert len(recorded) >= 10 and recorded == sent[: len(recorded)]
        assert len(sent) - len(recorded) <= 1
    store.close()
