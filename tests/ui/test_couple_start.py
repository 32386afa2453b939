"""Starting a couple check-in: the form in the real window (offscreen, the real store), and
the command line's --profile for dashboard, record and monitor.

Profiles are saved in the session database as a calibration saves them; straps come as a
scan reports them (sources.ble.FoundStrap). The two-strap path through real Bluetooth is in
tests/e2e/test_dashboard_two_straps.py.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from pausepoint.calibration.profiles import Profile, save_profile
from pausepoint.cli.main import main
from pausepoint.model import Baseline
from pausepoint.sessions.paths import DB_ENV
from pausepoint.sessions.settings import CoupleSettings, PipelineSettings
from pausepoint.sessions.store import Store
from pausepoint.strap.ble import FoundStrap
from pausepoint.ui.couple_start import NO_PROFILE, TYPED, CoupleChoice, choice_problem

SAM = Profile(
    "Sam",
    baseline=Baseline(
        hr_bpm=64.0, rmssd_ms=45.0, hr_sd_bpm=2.5, rmssd_sd_ms=10.0, source="profile"
    ),
    resonance_rate_bpm=5.5,
)
ALEX = Profile(
    "Alex",
    baseline=Baseline(hr_bpm=71.0, rmssd_ms=38.0, hr_sd_bpm=3.0, rmssd_sd_ms=9.0, source="profile"),
    resonance_rate_bpm=6.5,
    ceiling_hr_bpm=110.0,
)
STRAPS = [
    FoundStrap("Polar H10 A1A1A1A1", "F0:5A:1B:2C:3D:4E", -52, True, "Polar H10"),
    FoundStrap("Garmin HRM-Pro", "F1:23:45:67:89:AB", -71, True, "Garmin HRM-Pro"),
]
SAME_PROFILE = "Each of you needs your own profile: Sam is chosen for both."
SAME_STRAP = "Each of you needs your own strap: the same one is chosen for both."


@pytest.fixture
def profiles(db: Path) -> None:
    """Sam saved first (so the active one), then Alex."""
    with Store.open(db) as store:
        save_profile(store, SAM)
        save_profile(store, ALEX)


def open_form(qtbot, window):
    window.start_page.set_found(STRAPS)
    qtbot.mouseClick(window.start_page.couple_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.couple_start
    return window.couple_start


def test_the_form_offers_the_profiles_and_the_straps_found(qtbot, profiles, window) -> None:
    form = open_form(qtbot, window)
    a, b = form.partners
    assert [a.profile.itemText(i) for i in range(a.profile.count())] == ["Alex", "Sam", NO_PROFILE]
    assert (a.profile_name(), b.profile_name()) == ("Sam", "Alex")  # the active one first
    assert (a.heading.text(), b.heading.text()) == ("Partner A  ·  Sam", "Partner B  ·  Alex")
    assert [a.strap.itemText(i) for i in range(a.strap.count())] == [
        "Polar H10 A1A1A1A1  ·  close by",
        "Garmin HRM-Pro  ·  in reach",
        "Another strap: type its address or name",
    ]
    assert (a.strap.currentIndex(), b.strap.currentIndex()) == (0, 1)
    assert form.message.text() == "" and form.start_button.isEnabled()
    assert form.choice() == CoupleChoice(
        ("Sam", "Alex"),
        targets=({"address": STRAPS[0].address}, {"address": STRAPS[1].address}),
        labels=("Polar H10 A1A1A1A1", "Garmin HRM-Pro"),
    )


def test_the_same_profile_or_strap_twice_is_said_in_one_line(qtbot, profiles, window) -> None:
    form = open_form(qtbot, window)
    a, b = form.partners
    b.profile.setCurrentIndex(b.profile.findData("Sam"))
    assert form.message.text() == SAME_PROFILE and not form.start_button.isEnabled()
    for combo in (a.profile, b.profile):  # two people without a profile are two people
        combo.setCurrentIndex(combo.count() - 1)
    assert form.message.text() == "" and form.start_button.isEnabled()
    assert form.choice().profiles == (None, None)

    b.strap.setCurrentIndex(0)
    assert form.message.text() == SAME_STRAP and not form.start_button.isEnabled()
    b.strap.setCurrentIndex(b.strap.findData(TYPED))
    assert b.typed.isVisibleTo(form)
    assert form.message.text() == "Choose partner B's strap, or try a simulated couple."
    qtbot.keyClicks(b.typed, "polar h10 a1a1a1a1")  # A's strap by its name
    assert form.message.text() == SAME_STRAP
    b.typed.setText("Wahoo TICKR 0F0F")
    assert form.message.text() == "" and form.start_button.isEnabled()
    assert form.choice().targets[1] == {"name": "Wahoo TICKR 0F0F"}

    b.strap.setCurrentIndex(0)
    form.use_simulation(True)  # a simulated couple needs no straps
    assert not b.strap.isVisibleTo(form) and form.scenario.isVisibleTo(form)
    assert form.message.text() == "" and form.start_button.isEnabled()


def test_choice_problem_words() -> None:
    a, b = frozenset({"f0:5a:1b:2c:3d:4e"}), frozenset({"garmin hrm-pro"})
    assert choice_problem(("Sam", "Alex"), [a, b]) is None
    assert choice_problem(("Sam", "Sam"), None) == SAME_PROFILE
    assert choice_problem((None, None), [a, a]) == SAME_STRAP
    assert choice_problem((None, "Sam"), [frozenset(), b]) == (
        "Choose partner A's strap, or try a simulated couple."
    )


def test_a_simulated_couple_starts_with_both_profiles(qtbot, qloop, config, db, profiles):
    """Start from the form: each lane named by its profile, paced at its rate, judged
    against its calm level and ceiling; the session records both profiles."""
    from pausepoint.ui.main_window import MainWindow

    async def no_wait(_s: float) -> None:
        await asyncio.sleep(0)

    window = MainWindow(config, db=db, sleep=no_wait)
    window.resize(1280, 820)
    window.show()
    form = open_form(qtbot, window)
    form.use_simulation(True)
    form.scenario.setCurrentIndex(form.scenario.findData("couple-calm"))
    qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.couple_page
    qloop.run_until_complete(window.task)
    window.render_frame(force=True)

    page, view = window.couple_page, window.couple_view
    assert [label.text() for label in page.names] == ["Sam", "Alex"]
    assert [lane.pacer.rate_bpm for lane in page.lanes] == [5.5, 6.5]
    for lane, profile in zip(view.lanes, (SAM, ALEX), strict=True):
        assert lane.latest.baseline == profile.baseline
    session_id = window.session.recorder.session_id
    with Store.open(db, readonly=True) as store:
        info = store.session(session_id)
    assert (info.persons, info.profile, info.profile_b) == (2, "Sam", "Alex")
    assert info.source == "simulated:couple-calm"
    settings = CoupleSettings.from_dict(info.settings["couple"])
    assert settings == CoupleSettings.for_profiles((SAM, ALEX))
    assert settings.partners[1].overrides == {"flooding": {"ceiling_hr_bpm": 110.0}}
    qloop.run_until_complete(window.shutdown())
    window.deleteLater()


def test_a_profile_gone_since_the_form_opened_is_said_on_the_form(qtbot, profiles, window):
    open_form(qtbot, window)
    started = window.start_couple(CoupleChoice(("Sam", "Robin"), scenario="couple-calm"))
    assert started is None and window.session is None
    assert window.pages.currentWidget() is window.couple_start
    assert window.couple_start.message.text().startswith("no profile 'Robin' (profiles: Alex, Sam)")


# --- the command line ------------------------------------------------------------------


@pytest.fixture
def run(db: Path, profiles, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv(DB_ENV, str(db))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["dashboard", "--simulate", "couple-calm", "--profile", "Sam"], "give --profile twice"),
        (["dashboard", "--simulate", "calm", "--profile", "Robin"], "no profile 'Robin'"),
        (["dashboard", "--device", "X", "--device", "Y", "--profile", "Sam", "--profile", "Sam"],
         "--profile Sam is given for both partners"),
        (["dashboard", "--replay", "1", "--profile", "Sam"], "--profile is for a live session"),
        (["dashboard", "--profile", "Sam"], "--profile goes with --device or --simulate"),
        (["record", "--simulate", "calm", "--profile", "Sam", "--profile", "Alex"],
         "--profile is given 2 times for one person"),
        (["monitor", "--simulate", "couple-calm", "--profile", "Robin", "--profile", "Sam"],
         "no profile 'Robin'"),
    ],
)  # fmt: skip
def test_a_wrong_profile_option_is_one_line_and_exit_2(run, args, words) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("pausepoint: ") and words in err, err


def test_record_keeps_the_profiles_it_judged_by(run, db: Path) -> None:
    fast = ["--speed", "100000", "--minutes", "1"]
    code, _, err = run("record", "--simulate", "couple-calm", "--profile", "Alex",
                       "--profile", "Sam", *fast)  # fmt: skip
    assert code == 0, err
    code, _, err = run("record", "--simulate", "calm", "--profile", "Alex", *fast)
    assert code == 0, err
    with Store.open(db, readonly=True) as store:
        couple, one = store.sessions()
    assert (couple.persons, couple.profile, couple.profile_b) == (2, "Alex", "Sam")
    assert CoupleSettings.from_dict(couple.settings["couple"]) == CoupleSettings.for_profiles(
        (ALEX, SAM)
    )
    assert (one.persons, one.profile) == (1, "Alex")
    assert PipelineSettings.from_dict(one.settings["pipeline"]) == PipelineSettings.for_profile(
        ALEX, auto_break=True
    )


def test_monitor_judges_from_the_profiles_calm_level(run) -> None:
    """With a profile the calm level is known: judging starts once the windows fill; without
    one the first minutes are spent learning it."""
    fast = ["--speed", "100000", "--minutes", "1.5"]
    code, with_profile, err = run("monitor", "--simulate", "calm", "--profile", "Sam", *fast)
    assert code == 0, err
    code, without, err = run("monitor", "--simulate", "calm", *fast)
    assert code == 0, err
    seconds = len(status_lines(without))
    assert seconds == len(status_lines(with_profile)) > 80
    assert len(learning(with_profile)) < 45  # until the windows fill
    assert len(learning(without)) == seconds
    code, both, err = run("monitor", "--simulate", "couple-calm", "--profile", "Sam",
                          "--profile", "Alex", *fast)  # fmt: skip
    assert code == 0, err
    assert len(status_lines(both)) > 2 * 80  # a line a second for each partner
    assert len(learning(both)) < 2 * 45


def status_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "RMSSD" in line]


def learning(out: str) -> list[str]:
    return [line for line in status_lines(out) if line.endswith("learning your calm level")]


def test_straps_that_cannot_be_reached_send_the_couple_back_to_the_form(qtbot, qloop, config, db):
    """No strap heard (or no Bluetooth here): back on the form, saying why, nothing kept."""
    from pausepoint.ui.main_window import MainWindow

    async def no_wait(_s: float) -> None:
        await asyncio.sleep(0)

    window = MainWindow(config, db=db, sleep=no_wait)
    window.show()
    window.show_couple_start()
    task = window.start_couple(
        CoupleChoice((None, None), targets=({"name": "Nobody A"}, {"name": "Nobody B"}))
    )
    assert window.pages.currentWidget() is window.couple_page
    qloop.run_until_complete(asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 30))
    assert window.pages.currentWidget() is window.couple_start
    assert window.couple_start.message.text() == window.status.message != ""
    assert "--" not in window.status.message  # said for the window, not the command line
    with Store.open(db, readonly=True) as store:
        assert store.sessions() == []
    qloop.run_until_complete(window.shutdown())
    window.deleteLater()


def test_ending_before_the_first_beat_stays_where_the_person_went(qtbot, qloop, config, db):
    """End pressed while the straps are still being looked for (a radio with no strap on
    it): the session simply ends; the form does not come back saying none was found."""
    from hardware.bumble_backend import VirtualRadio
    from hardware.virtual_clock import VirtualClock

    from pausepoint.ui.main_window import MainWindow

    async def main() -> None:
        radio, clock = VirtualRadio(), VirtualClock(1.0)
        window = MainWindow(
            config, db=db, backend=radio.backend(), strap_clock=clock.now, sleep=clock.sleep
        )
        window.show()
        task = window.start_couple(
            CoupleChoice((None, None), targets=({"name": "Nobody A"}, {"name": "Nobody B"}))
        )
        await asyncio.sleep(0.3)
        assert not task.done()  # still looking
        window.end_session()
        await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled()
        assert window.pages.currentWidget() is window.couple_page
        assert "found" not in window.couple_start.message.text()
        await window.shutdown()
        await radio.close()
        window.deleteLater()

    qloop.run_until_complete(asyncio.wait_for(main(), 20))


def test_looking_again_keeps_each_partners_strap(
    qtbot, profiles, window, qloop, monkeypatch
) -> None:
    form = open_form(qtbot, window)
    a, b = form.partners
    a.strap.setCurrentIndex(1)
    b.strap.setCurrentIndex(0)  # swapped from the scan's order

    async def found(*_args, **_kwargs):
        return list(STRAPS)

    monkeypatch.setattr("pausepoint.strap.ble.scan", found)  # the same two straps answer
    qtbot.mouseClick(form.rescan_button, Qt.MouseButton.LeftButton)
    qloop.run_until_complete(window.scan_task)
    assert window.pages.currentWidget() is form
    assert (a.strap.currentData(), b.strap.currentData()) == (STRAPS[1].address, STRAPS[0].address)
