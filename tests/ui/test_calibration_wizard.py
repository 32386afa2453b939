"""The calibration wizard: simulated people through the real window, into the real store.

Time is session time: samples are fed (or played at full speed on the qasync loop), never
waited for. What is asserted is what the person sees (the step, the words, the pacer) and
what reached the SQLite store; the figures are checked against the simulator's truth.
"""

from __future__ import annotations

import argparse
import asyncio
import math
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from pausepoint.calibration.breathing import INHALE, lung_fill, pacer_phase
from pausepoint.calibration.profiles import Profile, read_profiles, save_profile
from pausepoint.errors import UserError
from pausepoint.model import Baseline
from pausepoint.protocols import load_baseline_protocol, load_resonance_protocol
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.ui.calibration_model import CalibrationFlow, Kind, Step
from pausepoint.ui.calibration_session_model import CalibrationSource
from pausepoint.ui.widgets.calibration_page import calibrate_into

SEED = 6
"""A simulated person whose resonance rate (5.24 a minute) lies inside the tested rates."""
BASELINE_TOLERANCE_BPM = 3.0
RESONANCE_TOLERANCE_BPM = 0.5


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def profiles(window) -> dict[str, Profile]:
    return {p.name: p for p in read_profiles(window.store())}


# --- the flow, without Qt -----------------------------------------------------------------


def test_flow_says_where_the_person_is_in_each_protocol(config) -> None:
    flow = CalibrationFlow(config)
    flow.choose("Alex", Kind.BASELINE)
    flow.begin(start_s=10.0)
    b = flow.baseline
    assert not flow.moment(10.0 + b.settle_s - 1).can_finish
    assert flow.moment(10.0 + 1.0).title == "Settling in"
    measuring = flow.moment(10.0 + b.settle_s + 1.0)
    assert measuring.title.startswith("Resting") and not measuring.can_finish
    assert flow.moment(10.0 + b.settle_s + b.min_duration_s).can_finish  # 3 minutes at least
    assert flow.moment(10.0 + 60.0).left_s == b.duration_s - 60.0

    flow.choose("Alex", Kind.RESONANCE)
    flow.begin(start_s=0.0)
    blocks = flow.resonance.blocks()
    assert [block.rate_bpm for block in blocks] == [6.5, 6.0, 5.5, 5.0, 4.5]
    for i, block in enumerate(blocks):
        before = flow.moment(block.start_s - 5.0)
        assert not before.pacing and before.rate_bpm == block.rate_bpm
        assert before.part_left_s == pytest.approx(5.0)
        assert before.part_caption == f"until {block.rate_bpm:g} breaths a minute"
        inside = flow.moment(block.start_s + 12.5)
        assert inside.pacing and inside.block == i
        assert (inside.rate_bpm, inside.pacer_t_s) == (block.rate_bpm, pytest.approx(12.5))
        assert inside.part_left_s == pytest.approx(block.end_s - block.start_s - 12.5)
    assert flow.moment(flow.resonance.duration_s).progress == 1.0
    with pytest.raises(UserError):
        flow.choose("  ", Kind.BASELINE)


def test_a_short_run_is_not_judged(config) -> None:
    flow = CalibrationFlow(config)
    flow.choose("Sam", Kind.RESONANCE)
    flow.begin(start_s=0.0)
    for sample in simulate("resonance", seed=SEED).samples:
        if sample.t_s > 400.0:
            break
        assert not flow.feed(sample)
    outcome = flow.finish(None, stopped="Strap lost: no notification for 60 s.")
    assert not outcome.accepted and flow.assessment is None
    assert "stopped after 6:4" in outcome.lines[0] and "strap lost" in outcome.lines[0]


# --- through the window -------------------------------------------------------------------


def test_simulated_baseline_then_resonance_save_the_profile(qtbot, window, qloop) -> None:
    calm = simulate("calm", seed=SEED, minutes=load_baseline_protocol().duration_s / 60)
    breathing = simulate("resonance", seed=SEED)
    click(qtbot, window.calibrate_button)
    page = window.calibration_page
    assert window.pages.currentWidget() is page and page.flow.step == Step.PERSON
    assert not page.people.isVisible()  # nobody calibrated yet: just a name to type
    page.open(source=CalibrationSource(simulate="calm", seed=SEED, speed=math.inf))
    assert page.source_choice.currentText().startswith("A simulated person")
    page.new_name.clear()
    qtbot.keyClicks(page.new_name, "Alex")
    click(qtbot, page.kind_buttons[Kind.BASELINE])
    assert page.steps.currentWidget() is page.instructions_step
    assert page.instructions_title.text() == "Your calm level, Alex"
    assert "feet flat on the floor" in page.instructions_steps.text()
    assert "don't talk" in page.instructions_steps.text()

    click(qtbot, page.start_button)  # the simulated person, played on the loop at full speed
    assert page.steps.currentWidget() is page.measuring_step
    qloop.run_until_complete(page.task)
    assert page.steps.currentWidget() is page.result_step
    alex = profiles(window)["Alex"]
    assert alex.active and alex.baseline is not None
    assert abs(alex.baseline.hr_bpm - calm.truth.resting_hr_bpm) <= BASELINE_TOLERANCE_BPM
    assert (
        page.result_lead.text()
        == f"Your calm heart rate is {alex.baseline.hr_bpm:.0f} beats a minute, and the "
        f"variation between your heartbeats (RMSSD) is {alex.baseline.rmssd_ms:.0f} ms at rest."
    )
    assert "Saved for Alex" in page.result_lines.text()
    assert not page.repeat_button.isVisible()

    click(qtbot, page.next_button)
    assert page.instructions_title.text() == "Your breathing pace, Alex"
    click(qtbot, page.start_button)
    qloop.run_until_complete(page.task)
    alex = profiles(window)["Alex"]
    assert alex.baseline is not None  # kept, and the pace added
    rate_bpm = alex.resonance_rate_bpm
    assert rate_bpm is not None
    assert abs(rate_bpm - breathing.truth.resonance_rate_bpm) <= RESONANCE_TOLERANCE_BPM
    assert page.result_lead.text().startswith(f"Breathe at {rate_bpm:g} breaths a minute")
    assert page.chart.isVisible()
    bars = page.chart.bars
    assert [bar.rate_bpm for bar in bars] == [6.5, 6.0, 5.5, 5.0, 4.5]
    assert sorted(bar.rank for bar in bars if bar.rank is not None) == list(
        range(1, 1 + sum(bar.rank is not None for bar in bars))
    )
    (chosen,) = [bar for bar in bars if bar.chosen]
    assert chosen.rank == 1 and abs(chosen.rate_bpm - rate_bpm) <= 0.5
    assert page.chart.chosen_rate_bpm == rate_bpm
    assert window.store().sessions() == []  # a simulated calibration is not kept

    click(qtbot, page.done_button)
    assert window.pages.currentWidget() is window.start_page
    session = window.begin_live(source="ble", label="strap", profile=window.active_profile())
    assert window.live_page.session_view.pacer.rate_bpm == rate_bpm  # the pacer uses it
    assert session.pipeline.baseline == alex.baseline


def test_rejected_baseline_says_why_and_offers_repeat(qtbot, window) -> None:
    page = window.show_calibration(Kind.BASELINE, CalibrationSource(simulate="ectopic"))
    page.choose("Sam", Kind.BASELINE)
    calibrate_into(page)
    assert page.steps.currentWidget() is page.result_step
    assert page.result_title.text() == "Let's measure that once more"
    reasons = page.result_reasons.text()
    assert page.result_reasons.isVisible() and "heartbeats needed correcting" in reasons
    assert "moisten the strap's electrodes" in reasons
    assert "Nothing was saved" in page.result_lead.text()
    assert not page.next_button.isVisible()
    assert profiles(window) == {}
    click(qtbot, page.repeat_button)
    assert page.steps.currentWidget() is page.instructions_step
    assert page.flow.step == Step.INSTRUCTIONS and page.flow.name == "Sam"


def test_finish_after_three_minutes_stop_and_a_bad_name(qtbot, window) -> None:
    protocol = load_baseline_protocol()
    page = window.show_calibration(Kind.BASELINE, CalibrationSource(simulate="calm", seed=SEED))
    page.new_name.setText("no/slashes")
    click(qtbot, page.kind_buttons[Kind.BASELINE])
    assert page.flow.step == Step.PERSON and "Type a name" in page.person_message.text()

    page.choose("Sam", Kind.BASELINE)
    session = calibrate_into(page, until_t_s=100.0)
    assert page.steps.currentWidget() is page.measuring_step
    assert not page.finish_button.isEnabled()
    click(qtbot, page.stop_button)  # stopped: not judged, nothing saved
    assert page.steps.currentWidget() is page.instructions_step
    assert session.finished and "Stopped" in page.instructions_note.text()
    assert profiles(window) == {}

    enough_s = protocol.settle_s + protocol.min_duration_s
    calibrate_into(page, until_t_s=enough_s + 2.0)
    assert page.finish_button.isEnabled()  # 3 minutes after settling are enough
    click(qtbot, page.finish_button)
    assert page.flow.outcome is not None and page.flow.outcome.accepted
    assert page.flow.assessment.covered_s < protocol.duration_s - protocol.settle_s
    assert profiles(window)["Sam"].baseline is not None


def test_pacer_follows_the_protocol_rate_in_each_block(window) -> None:
    page = window.show_calibration(Kind.RESONANCE, CalibrationSource(simulate="resonance"))
    page.choose("Alex", Kind.RESONANCE)
    protocol = load_resonance_protocol()
    samples = page.simulated_samples()
    session = page.begin_measuring()
    paced_seen: dict[float, int] = {}
    for i, sample in enumerate(samples):
        session.feed(sample)
        if i % 3 or session.finished:
            continue
        page.show_moment()
        t_s = sample.t_s
        block = next((b for b in protocol.blocks() if b.start_s <= t_s < b.end_s), None)
        assert page.schedule.elapsed_s == pytest.approx(t_s)
        if block is None:
            assert page.visual.currentWidget() is page.rest
            continue
        assert page.visual.currentWidget() is page.pacing
        into_s = t_s - block.start_s
        assert page.pacer.rate_bpm == block.rate_bpm
        assert page.pacer.inhale_fraction == protocol.inhale_fraction
        phase, _ = pacer_phase(into_s, block.rate_bpm, protocol.inhale_fraction)
        words = "Breathe in" if phase == INHALE else "Breathe out"
        assert page.pacer.phase.text().startswith(words)
        assert page.pacer.breath.fill == pytest.approx(
            lung_fill(into_s, block.rate_bpm, protocol.inhale_fraction)
        )
        assert page.measure_title.text().endswith(f"{block.rate_bpm:g} breaths a minute")
        paced_seen[block.rate_bpm] = paced_seen.get(block.rate_bpm, 0) + 1
    assert sorted(paced_seen) == sorted(protocol.rates_bpm)
    assert min(paced_seen.values()) >= 30  # each 2-minute block, seen throughout
    session.finish()  # the simulated recording ends a fraction of a second before 15:00
    assert page.flow.step == Step.RESULT and page.flow.outcome.accepted


def test_recalibration_reminder_when_due(qtbot, qloop, config, db) -> None:
    from pausepoint.ui.main_window import MainWindow

    with Store.open(db) as store:
        now_utc = store.utc_now()
        calm = Baseline(64.0, 40.0, 2.0, 6.0, "profile")
        save_profile(store, Profile("Alex", calm, now_utc - timedelta(days=31), active=True))
        save_profile(store, Profile("Sam", calm, now_utc - timedelta(days=3)))
    window = MainWindow(config, db=db)
    window.show()
    try:
        assert window.calibrate_button.text() == "Calibrate · due"
        assert "31 days ago" in window.calibrate_button.toolTip()
        page = window.show_calibration()
        rows = [page.people.item(i).text() for i in range(page.people.count())]
        assert rows[0].startswith("Alex  (in use)") and "measured 31 days ago" in rows[0]
        assert rows[1].startswith("Sam  ·") and "measured 3 days ago" in rows[1]
        assert page.reminders.isVisible()
        assert page.reminders.text().startswith("Alex's calm level was measured 31 days ago")
        assert "Sam" not in page.reminders.text()
        assert page.chosen_name() == "Alex"
    finally:
        qloop.run_until_complete(window.shutdown())
        window.deleteLater()


# --- a strap: the StrapFeed path, over the virtual radio ----------------------------------

STRAP_SPEED = 40.0
STRAP_NAME = "Polar H10 7E3A1B2C"
STRAP_SEED = 3
"""A person whose heart rate holds steady over the shortened rest (1.8 bpm of drift)."""


def test_baseline_from_a_strap_is_recorded_and_saved(qtbot, qloop, config, db) -> None:
    from hardware.bumble_backend import VirtualRadio
    from hardware.virtual_clock import VirtualClock
    from hardware.virtual_strap import VirtualStrap

    from pausepoint.ui.main_window import MainWindow

    short = replace(
        load_baseline_protocol(), duration_s=90.0, settle_s=10.0, min_duration_s=60.0,
        drift_window_s=20.0,
    )  # fmt: skip  # 90 s instead of 300 s: 2 s of wall time through the radio
    calm = simulate("calm", seed=STRAP_SEED, minutes=2.0)

    async def main() -> tuple[MainWindow, list[str]]:
        radio = VirtualRadio()
        clock = VirtualClock(STRAP_SPEED)
        strap = VirtualStrap(radio, clock, pmd_kinds=())
        await strap.start()
        window = MainWindow(
            config, db=db, backend=radio.backend(), strap_clock=clock.now, sleep=clock.sleep
        )
        window.show()
        page = window.show_calibration(Kind.BASELINE, CalibrationSource(name=STRAP_NAME))
        page.flow.baseline = short
        page.choose("Alex", Kind.BASELINE)
        page.start()
        lines = []
        try:
            while page.session.status.link != "streaming":
                await clock.sleep(0.05)
            play = asyncio.ensure_future(strap.play(calm.heart_samples(), clock.now()))
            while page.flow.step == Step.MEASURING:
                await clock.sleep(0.5)
                page.show_moment()
                lines.append(page.source_line.text())
            play.cancel()
            await page.stop()
        finally:
            await strap.stop()
            await radio.close()
        return window, lines

    window, lines = qloop.run_until_complete(asyncio.wait_for(main(), 30.0))
    page = window.calibration_page
    assert any(line.startswith(f"{STRAP_NAME} · Connected") for line in lines)
    assert any("● Recording" in line for line in lines)
    assert page.steps.currentWidget() is page.result_step
    alex = profiles(window)["Alex"]
    assert alex.active and alex.baseline is not None
    assert abs(alex.baseline.hr_bpm - calm.truth.resting_hr_bpm) <= BASELINE_TOLERANCE_BPM
    (info,) = window.store().sessions()  # the strap's beats are kept as a session
    assert (info.note, info.profile, info.status) == (
        "calibration: baseline for Alex",
        "Alex",
        "complete",
    )
    qloop.run_until_complete(window.shutdown())
    window.deleteLater()


# --- the command --------------------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    from pausepoint.cli import dashboard
    from pausepoint.cli.common import Parser

    parser = Parser(prog="pausepoint")
    parser.add_argument("--db", type=Path)
    dashboard.register(parser.add_subparsers(dest="command", parser_class=Parser))
    return parser.parse_args(argv)


def test_screenshot_of_the_calibration_result(qapp, tmp_path: Path, capsys) -> None:
    out = tmp_path / "calibration.png"
    args = parse(["--db", str(tmp_path / "x.db"), "dashboard", "--calibrate", "baseline",
                  "--simulate", "calm", "--seed", str(SEED), "--screenshot", str(out)])  # fmt: skip
    assert args.func(args) == 0
    assert capsys.readouterr().out.strip() == f"Saved {out}"
    assert QImage(str(out)).size().toTuple() == (1280, 820)
    assert not (tmp_path / "x.db").exists()  # the profile went into a temporary database


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--calibrate", "resonance", "--simulate", "calm"], "use --simulate resonance"),
        (["--calibrate", "baseline", "--replay", "1"], "not --replay"),
    ],
)
def test_calibrate_mistakes_get_one_line(argv: list[str], words: str, qapp) -> None:
    args = parse(["dashboard", *argv])
    with pytest.raises(UserError, match=words) as caught:
        args.func(args)
    assert "\n" not in str(caught.value)
