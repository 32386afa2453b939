"""Privacy between partners: a partner who shares only their state, in the real window, the
real store and the real report.

A simulated couple is fed straight into the window's couple session (time is the samples'
time); what is asserted is what a partner could read on screen, what the profile keeps and
what the report file says.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from pausepoint.calibration.profiles import (
    PartnerSees,
    Profile,
    find_profile,
    save_profile,
    states_only_of,
)
from pausepoint.cli.main import main
from pausepoint.couple.engine import merge
from pausepoint.reports.figure import GID_AROUSAL, build_figure
from pausepoint.reports.inputs import couple_report_input
from pausepoint.reports.words import withheld_words
from pausepoint.sessions.schema import MIGRATIONS
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.couples import simulate_couple

UNTIL_T_S = 360.0
"""Six minutes: calm levels learnt, numbers on screen, and the argument's first flood."""
BODY_NUMBER = re.compile(r"\d\s*(bpm|ms)\b|RMSSD|your calm: \d|about \d+ (times )?a minute")


@pytest.fixture(scope="module")
def couple():
    return simulate_couple("couple-argument", seed=0)


def _profiles(db: Path, b_sees: PartnerSees) -> tuple[Profile, Profile]:
    with Store.open(db) as store:
        save_profile(store, Profile("Sam"))
        save_profile(store, Profile("Alex", partner_sees=b_sees))
        sam, alex = find_profile(store, "Sam"), find_profile(store, "Alex")
    assert sam is not None and alex is not None
    return sam, alex


def _feed(window, session, couple, until_t_s: float = UNTIL_T_S) -> None:
    next_frame_s = 0.0
    for person, sample in merge(couple.a.samples, couple.b.samples):
        if sample.t_s > until_t_s:
            break
        cu = session.feed(person, sample)
        if cu is not None and cu.update.t_s >= next_frame_s:
            next_frame_s = cu.update.t_s + 1.0
            window.render_frame()
    window.render_frame(force=True)


def _visible_texts(top: QWidget) -> list[str]:
    shown = [w for w in top.findChildren(QWidget) if w.isVisible()]
    return [w.text() for w in shown if isinstance(w, QLabel | QAbstractButton) and w.text()]


def _graph_shown(lane) -> bool:
    return any(p.isVisible() for p in (lane.arousal_plot, lane.hr_plot, lane.rr_plot))


def test_a_partner_who_shares_only_their_state_shows_no_numbers_and_no_graph(
    qtbot, window, couple, db
) -> None:
    profiles = _profiles(db, PartnerSees.STATES)
    session = window.begin_couple(
        source="simulated:couple-argument", label="Simulated straps", profiles=profiles
    )
    _feed(window, session, couple)
    sam, alex = window.couple_page.lanes
    assert "a minute" in sam.pacer.feedback.text()  # the pacer's words say how fast they breathe
    assert not alex.pacer.feedback.text()
    assert window.couple_page.private[1].isChecked()
    assert not window.couple_page.private[0].isChecked()
    sam_texts, alex_texts = _visible_texts(sam), _visible_texts(alex)
    assert any(BODY_NUMBER.search(t) for t in sam_texts), sam_texts  # Sam shares everything
    assert _graph_shown(sam)
    assert not [t for t in alex_texts if BODY_NUMBER.search(t)], alex_texts
    assert not _graph_shown(alex)
    assert alex.readings.state.isVisible() and alex.readings.state.text()  # the state chip
    assert alex.checkin.title.isVisible() and alex.checkin.title.text()  # and the words
    assert alex.private_note.isVisible()
    assert alex.readings.hr.value.text() == "–"  # not drawn, not read out when hidden


def test_states_only_for_both_is_kept_in_each_profile(qtbot, window, couple, db) -> None:
    profiles = _profiles(db, PartnerSees.EVERYTHING)
    session = window.begin_couple(
        source="simulated:couple-argument", label="Simulated straps", profiles=profiles
    )
    _feed(window, session, couple, until_t_s=200.0)
    page = window.couple_page
    assert all(_graph_shown(lane) for lane in page.lanes)
    page.both_private.setChecked(True)
    window.render_frame(force=True)
    for lane in page.lanes:
        assert not _graph_shown(lane)
        assert not [t for t in _visible_texts(lane) if BODY_NUMBER.search(t)]
    with Store.open(db) as store:
        assert states_only_of(store, ("Sam", "Alex")) == (True, True)
    page.private[0].setChecked(False)  # Sam shows everything again; Alex keeps the choice
    window.render_frame(force=True)
    assert _graph_shown(page.lanes[0]) and not _graph_shown(page.lanes[1])
    assert not page.both_private.isChecked()
    with Store.open(db) as store:
        assert states_only_of(store, ("Sam", "Alex")) == (False, True)


def test_the_couple_report_leaves_out_who_shares_only_their_state_unless_both_agree(
    qtbot, qloop, window, couple, db, config, tmp_path: Path
) -> None:
    profiles = _profiles(db, PartnerSees.STATES)
    session = window.begin_couple(
        source="simulated:couple-argument", label="Simulated straps", profiles=profiles
    )
    _feed(window, session, couple)
    session_id = session.recorder.session_id
    window.end_session()
    window.render_frame(force=True)

    private, agreed = tmp_path / "private.html", tmp_path / "agreed.html"
    assert main(["report", "--db", str(db), str(session_id), "--out", str(private)]) == 0

    from pausepoint.ui.main_window import MainWindow

    win = MainWindow(config, db=db, ask_path=lambda *_args: str(agreed))
    try:
        assert win.open_replay(session_id) is not None
        page = win.replay_page
        page.show()
        assert page.both_agree.isVisibleTo(page) and not page.both_agree.isChecked()
        assert not page.couple.lanes[1].graphs_box.isVisibleTo(page)  # the replay keeps it too
        assert page.couple.lanes[0].graphs_box.isVisibleTo(page)
        page.both_agree.setChecked(True)
        page.report_button.click()
    finally:
        qloop.run_until_complete(win.shutdown())
        win.deleteLater()
    kept = html.unescape(private.read_text(encoding="utf-8"))
    shown = html.unescape(agreed.read_text(encoding="utf-8"))
    line = withheld_words("Alex")
    assert kept.count(line) == 1 and line not in shown
    alex_part = kept[kept.index("<h2>Alex</h2>") :]
    assert "bpm" not in alex_part and "left out" in alex_part
    assert "bpm" in shown[shown.index("<h2>Alex</h2>") :]

    with Store.open(db) as store:
        info = store.session(session_id)
        withheld = couple_report_input(store, info, config)
        everything = couple_report_input(store, info, config, both_agree=True)
    assert withheld.withheld == (False, True) and everything.withheld == (False, False)

    def curves(fig) -> int:
        return len([a for ax in fig.axes for a in ax.get_lines() if a.get_gid() == GID_AROUSAL])

    assert curves(build_figure(withheld, config=config)) == 1
    assert curves(build_figure(everything, config=config)) == 2


def test_a_profile_kept_before_the_choice_existed_reads_as_everything(tmp_path: Path) -> None:
    """The choice lives in the profile's JSON body: no new schema step, and a profile
    written before it (no ``partner_sees``) is read as it was then."""
    db = tmp_path / "old.db"
    with Store.open(db) as store:
        version = store.connection.execute("PRAGMA user_version").fetchone()[0]
        assert version == len(MIGRATIONS)
        old_body = {k: v for k, v in Profile("Sam").to_body().items() if k != "partner_sees"}
        store.save_profile("Sam", old_body)
    with Store.open(db) as store:
        sam = find_profile(store, "Sam")
        assert sam is not None and sam.partner_sees == PartnerSees.EVERYTHING
        assert states_only_of(store, ("Sam", None, "gone")) == (False, False, False)
        save_profile(store, replace(sam, partner_sees=PartnerSees.STATES))
        again = find_profile(store, "Sam")
        assert again is not None and again.states_only and again.active
