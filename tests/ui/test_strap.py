"""Strap states reach the status bar: the real bleak client over bumble's virtual link, an
emulated Polar H10, the dashboard's own BLE path, all on the qasync loop.

Session time runs on the strap's VirtualClock (shared with the source), so seconds of strap
time pass in tens of milliseconds and a stall of the machine never reads as beats lost; the
window's status line is read as the person sees it.
Each test runs whole inside one run of the loop: bumble's advertising timers must not fire
while the loop is not running.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hardware.bumble_backend import VirtualRadio
from hardware.virtual_clock import VirtualClock
from hardware.virtual_strap import VirtualStrap
from PySide6.QtCore import Qt

from pausepoint.config import Config
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate

SPEED = 20.0
STRAP_NAME = "Polar H10 7E3A1B2C"
STRAP_ADDRESS = "F0:5A:1B:2C:3D:4E"
WITHIN_S = 20.0
"""Wall-clock bound on a test, in case the dashboard never gets where it should."""


class Rig:
    """A virtual radio with one emulated strap."""

    def __init__(self, speed: float = SPEED, name: str = STRAP_NAME) -> None:
        self.radio = VirtualRadio()
        self.clock = VirtualClock(speed)
        self.strap = VirtualStrap(self.radio, self.clock, name=name, pmd_kinds=())

    async def __aenter__(self) -> Rig:
        await self.strap.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.strap.stop()
        await self.radio.close()

    async def until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            await self.clock.sleep(0.05)


def labels(window) -> dict[str, str]:
    window.render_frame()
    return {key: label.text() for key, label in window.status_labels.items()}


def events_shown(window) -> list[str]:
    """The live page's "What happened" list, as the person reads it."""
    window.render_frame()
    events = window.live_page.events
    return [events.item(i).text() for i in range(events.count())]


def _window(config: Config, db: Path, rig: Rig):
    from pausepoint.ui.main_window import MainWindow

    window = MainWindow(
        config, db=db, backend=rig.radio.backend(), strap_clock=rig.clock.now, sleep=rig.clock.sleep
    )
    window.resize(1280, 820)
    window.show()
    return window


def run(qloop, test: Callable[[Rig], object], speed: float = SPEED, name: str = STRAP_NAME) -> Rig:
    async def main() -> Rig:
        rig = Rig(speed, name)
        async with rig:
            await asyncio.wait_for(test(rig), WITHIN_S)
        return rig

    return qloop.run_until_complete(main())


@pytest.mark.slow
def test_scan_pick_stream_drop_and_return(qtbot, qloop, config, db) -> None:
    samples = simulate("calm", seed=4, minutes=1.5).heart_samples()
    windows = []

    async def test(rig: Rig) -> None:
        window = _window(config, db, rig)
        windows.append(window)
        window.start_default()  # no strap used before: scan and let the person pick
        assert window.pages.currentWidget() is window.start_page
        await window.scan_task
        found = window.start_page.found
        assert [found.item(i).text() for i in range(found.count())] == [
            f"{STRAP_NAME}  ·  close by"
        ]
        qtbot.mouseClick(window.start_page.connect_button, Qt.MouseButton.LeftButton)
        assert window.pages.currentWidget() is window.live_page
        assert labels(window)["link"] == "Looking for the strap…"
        await rig.until(lambda: window.status.link == "streaming")
        shown = labels(window)
        assert shown["link"] == "Connected"
        assert shown["source"] == STRAP_NAME
        assert shown["battery"] == "Battery 93 %"
        assert shown["recording"].startswith("● Recording")
        start_s = rig.clock.now()
        play = asyncio.ensure_future(rig.strap.play(samples, start_t_s=start_s))
        await rig.strap.reached(start_s + 30.0)
        await rig.until(lambda: window.session.updates >= 29)
        await rig.strap.set_battery(64)
        await rig.until(lambda: window.status.battery_pct == 64)
        assert labels(window)["battery"] == "Battery 64 %"
        await rig.strap.drop()
        await rig.until(lambda: window.status.link == "reconnecting")
        assert labels(window)["link"] == "Reconnecting…"
        await rig.strap.reached(start_s + 45.0)
        await rig.strap.come_back()
        await rig.until(lambda: window.status.link == "streaming")
        assert labels(window)["link"] == "Connected"
        assert not any("optical" in text for text in events_shown(window))  # a chest strap
        await play
        window.end_session()
        await window.task
        await window.shutdown()

    run(qloop, test)
    (window,) = windows
    assert labels(window)["link"] == "Not connected"
    entries = [entry.text for entry in window.live_view.entries]
    assert "The strap connection dropped; reconnecting." in entries
    assert "Strap reconnected." in entries
    with Store.open(db, readonly=True) as store:
        (info,) = store.sessions()
        source_events = [e.kind for e in store.events(info.id, origin="source")]
    assert (info.source, info.strap_name, info.strap_address) == ("ble", STRAP_NAME, STRAP_ADDRESS)
    assert info.status == "complete"
    assert source_events == ["gap", "reconnected"]
    window.deleteLater()


@pytest.mark.slow
def test_opens_straight_onto_the_last_strap_with_the_profile(qtbot, qloop, config, db) -> None:
    from pausepoint.calibration.profiles import Profile, save_profile
    from pausepoint.model import Baseline, State

    calm = Baseline(hr_bpm=66.0, rmssd_ms=42.0, hr_sd_bpm=2.5, rmssd_sd_ms=10.5, source="profile")
    samples = simulate("calm", seed=1, minutes=1.0).heart_samples()
    with Store.open(db) as store:  # an earlier run left a strap session and a calibration
        writer = store.begin_session("ble", strap_name=STRAP_NAME, strap_address=STRAP_ADDRESS)
        writer.add_sample(samples[0])
        writer.finish()
        save_profile(store, Profile("sam", baseline=calm, resonance_rate_bpm=5.5))
    windows = []

    async def test(rig: Rig) -> None:
        window = _window(config, db, rig)
        windows.append(window)
        window.start_default()
        assert window.pages.currentWidget() is window.live_page  # no scan page, no choosing
        assert labels(window)["source"] == STRAP_NAME
        await rig.until(lambda: window.status.link == "streaming")
        assert labels(window)["link"] == "Connected"
        assert rig.radio.scans_started == 1  # the source's own scan for that address
        start_s = rig.clock.now()
        await rig.strap.play(samples[:40], start_t_s=start_s)
        await rig.until(lambda: window.session.updates >= 38)
        window.end_session()
        await window.task
        await window.shutdown()

    rig = run(qloop, test)
    (window,) = windows
    assert rig.strap.log.connections == 1
    pacer = window.live_page.session_view.pacer
    assert pacer.rate_bpm == 5.5 and pacer.rate.currentText() == "5.5 breaths a minute"
    assert window.session.pipeline.baseline == calm
    # With the calm level known, judging starts as soon as the windows fill: no calibrating.
    assert window.live_view.state == State.CALM
    assert window.live_view.hr_text()[1].startswith("your calm: 66")
    with Store.open(db, readonly=True) as store:
        newest = store.sessions()[-1]
    assert (newest.profile, newest.strap_name) == ("sam", STRAP_NAME)
    window.deleteLater()


def test_scan_without_straps_says_so_and_offers_the_simulator(qtbot, qloop, config, db) -> None:
    """The platform's own Bluetooth: with no adapter (a test machine) or no strap in reach,
    the start page says what to do instead; straps that answer are offered."""
    from pausepoint.ui.main_window import MainWindow

    async def no_wait(_s: float) -> None:
        await asyncio.sleep(0)

    window = MainWindow(config, db=db, sleep=no_wait)
    window.show()
    qloop.run_until_complete(window.scan_straps())
    message = window.start_page.scan_message.text()
    found = window.start_page.found.count()
    if found == 0:
        assert "simulated conversation" in message
    else:
        assert message == "Choose your strap:"
    assert window.start_page.connect_button.isEnabled() == (found > 0)
    assert window.start_page.simulate_button.isEnabled()
    qloop.run_until_complete(window.shutdown())
    window.deleteLater()


def test_ending_while_still_looking_stays_on_the_ended_session(qtbot, qloop, config, db) -> None:
    """End pressed before any strap answered (a radio with no strap on it): the session
    simply ends; the start page does not come back saying the strap was not found."""
    from pausepoint.ui.main_window import MainWindow

    async def main() -> None:
        radio, clock = VirtualRadio(), VirtualClock(1.0)
        window = MainWindow(
            config, db=db, backend=radio.backend(), strap_clock=clock.now, sleep=clock.sleep
        )
        window.show()
        task = window.connect_strap(name="Nobody 0000")
        await asyncio.sleep(0.3)
        assert not task.done()  # still looking
        window.end_session()
        await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), WITHIN_S)
        assert window.pages.currentWidget() is window.live_page
        assert "not found" not in window.start_page.scan_message.text()
        await window.shutdown()
        await radio.close()
        window.deleteLater()

    qloop.run_until_complete(asyncio.wait_for(main(), WITHIN_S))


@pytest.mark.slow
def test_the_break_timer_runs_on_while_the_strap_is_in_another_room(
    qtbot, qloop, config, db
) -> None:
    """Separate rooms: the strap goes out of range during a break. The timer keeps the strap's
    clock, the agreed time comes while nothing is measured (said so, and recorded), and the
    wearer's state is judged again when the strap reconnects."""
    short = config.override({"break": {"min_s": 60.0}})
    samples = simulate("calm", seed=4, minutes=3.0).heart_samples()
    windows = []

    def card_now(window) -> tuple[str, int]:
        """The card's title and its timer in seconds (the strap's clock runs on meanwhile)."""
        window.render_frame()
        card = window.live_page.session_view.checkin
        minutes, _, seconds = card.timer.text().partition(":")
        return card.title.text(), int(minutes or 0) * 60 + int(seconds or 0)

    async def test(rig: Rig) -> None:
        window = _window(short, db, rig)
        windows.append(window)
        window.connect_strap(STRAP_ADDRESS, label=STRAP_NAME)
        await rig.until(lambda: window.status.link == "streaming")
        start_s = rig.clock.now()
        play = asyncio.ensure_future(rig.strap.play(samples, start_t_s=start_s))
        await rig.strap.reached(start_s + 20.0)
        await rig.until(lambda: window.live_view.latest is not None)
        window.start_break()  # back in the minimum: one minute here
        break_s = window.live_view.checkin.break_start_t_s
        title, left_s = card_now(window)
        assert title == "You are on a break." and 58 <= left_s <= 60
        await rig.strap.drop()
        await rig.until(lambda: window.status.link == "reconnecting")
        await rig.until(lambda: rig.clock.now() >= break_s + 30.0)
        title, left_s = card_now(window)
        assert title == "You are on a break." and 28 <= left_s <= 30  # no beats; the clock runs
        assert "The strap is out of reach" in window.live_page.session_view.checkin.tips.text()
        await rig.until(lambda: rig.clock.now() >= break_s + 61.0)
        assert card_now(window)[0] == (
            "Your time is up. Put the strap on again to see whether your body has settled."
        )
        await rig.strap.come_back()
        await rig.until(lambda: window.status.link == "streaming")
        await rig.until(lambda: window.live_view.latest.t_s > break_s + 65.0)
        assert card_now(window)[0] == "Your time is up; your body is still settling."
        play.cancel()
        await asyncio.gather(play, return_exceptions=True)
        window.end_session()
        await window.task
        await window.shutdown()

    run(qloop, test)
    (window,) = windows
    with Store.open(db, readonly=True) as store:
        (info,) = store.sessions()
        source_events = store.events(info.id, origin="source")
    kinds = [e.kind for e in source_events]
    assert kinds == ["gap", "break_due", "reconnected"]
    assert source_events[1].detail == {"agreed_s": 60.0, "settled": None}
    window.deleteLater()


@pytest.mark.slow
def test_a_strap_that_stops_sending_is_looked_for_and_judged_again(
    qtbot, qloop, config, db
) -> None:
    """A chest strap loses notifications without a contact flag to say so: after a few
    seconds the card and the chip say the pulse is being looked for, no heart rate is shown,
    the graph has a gap, and the first beats back bring the state back."""
    samples = simulate("calm", seed=5, minutes=1.0).heart_samples()
    hole = [s for s in samples if not 20.0 <= s.t_s - samples[0].t_s < 29.0]
    windows = []

    def shown(window) -> tuple[str, str, str]:
        window.render_frame()
        view = window.live_page.session_view
        readings = view.readings
        return view.checkin.title.text(), readings.state.text(), readings.hr.value.text()

    async def test(rig: Rig) -> None:
        window = _window(config, db, rig)
        windows.append(window)
        window.connect_strap(STRAP_ADDRESS, label=STRAP_NAME)
        await rig.until(lambda: window.status.link == "streaming")
        start_s = rig.clock.now() + 0.5
        play = asyncio.ensure_future(rig.strap.play(hole, start_t_s=start_s))
        await rig.until(lambda: rig.clock.now() >= start_s + 15.0)
        title, words, hr = shown(window)
        assert title == "Getting to know your calm" and hr != "–"
        await rig.until(lambda: rig.clock.now() >= start_s + 27.5)
        assert window.status.link == "streaming"  # connected all along, just silent
        assert shown(window) == ("Looking for your pulse…", "Looking for your pulse…", "–")
        await rig.until(lambda: rig.clock.now() >= start_s + 33.0)
        title, words, hr = shown(window)
        assert title == "Getting to know your calm" and words == "Learning your calm level"
        _t_s, hr_bpm = window.live_view.hr.view()
        assert np.isnan(hr_bpm).any() and np.isfinite(hr_bpm[-1])
        await play
        window.end_session()
        await window.task
        await window.shutdown()

    run(qloop, test)
    window = windows[0]
    with Store.open(db, readonly=True) as store:
        (info,) = store.sessions()
        kinds = [e.kind for e in store.events(info.id, origin="pipeline")]
    assert "gap" in kinds
    window.deleteLater()


@pytest.mark.slow
def test_an_optical_sensor_is_explained_once(qtbot, qloop, config, db) -> None:
    """An arm band connects: "What happened" says once what optical means for the numbers,
    and not again when it drops out and comes back."""
    name = "Polar OH1 1A2B3C4D"
    note = (
        "This sensor is optical: heart rate is reliable, beat-to-beat variability less so. "
        "A chest strap is best."
    )
    samples = simulate("calm", seed=2, minutes=1.0).heart_samples()
    windows = []

    def said(window) -> int:
        return sum(note in text for text in events_shown(window))

    async def test(rig: Rig) -> None:
        window = _window(config, db, rig)
        windows.append(window)
        window.connect_strap(STRAP_ADDRESS, label=name)
        assert said(window) == 0  # nothing is said before the sensor answers
        await rig.until(lambda: window.status.link == "streaming")
        assert labels(window)["source"] == name
        assert said(window) == 1
        start_s = rig.clock.now()
        play = asyncio.ensure_future(rig.strap.play(samples, start_t_s=start_s))
        await rig.strap.reached(start_s + 10.0)
        await rig.strap.drop()
        await rig.until(lambda: window.status.link == "reconnecting")
        await rig.strap.come_back()
        await rig.until(lambda: window.status.link == "streaming")
        assert rig.strap.log.connections == 2
        assert said(window) == 1
        assert "Strap reconnected." in " ".join(events_shown(window))
        play.cancel()
        await asyncio.gather(play, return_exceptions=True)
        window.end_session()
        await window.task
        await window.shutdown()

    run(qloop, test, name=name)
    windows[0].deleteLater()
