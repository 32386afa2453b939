"""Over weeks: the before/after answers and tags kept with sessions (a real SQLite file, an
old database upgraded), and the weekly figures `pausepoint trends` reads from the store."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pausepoint.calibration.profiles import Profile, save_profile
from pausepoint.cli.main import main
from pausepoint.config import load_config
from pausepoint.model import Baseline, State
from pausepoint.reports.trends import trends, week_words
from pausepoint.sessions.check_ins import (
    SUGGESTED_TAGS,
    Answers,
    PauseHelped,
    add_tags,
    answers_of,
    known_tags,
    save_answers,
    tags_of,
)
from pausepoint.sessions.paths import DB_ENV
from pausepoint.sessions.recorder import Recorder
from pausepoint.sessions.schema import MIGRATIONS
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.scenarios import simulate

CONFIG = load_config()
MONDAY = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)  # 2026-W49


def record(store: Store, scenario: str, started: datetime, *, take_break: bool) -> int:
    """A simulated check-in recorded as the dashboard records it (Start break pressed when
    the pause prompt goes up), dated ``started``."""
    recorder = Recorder(store, CONFIG, source=f"simulated:{scenario}")
    broke = False
    for sample in simulate(scenario, seed=0).samples:
        update = recorder.feed(sample)
        if take_break and not broke and update.state == State.FLOODED:
            recorder.start_break(update.t_s, CONFIG.break_.min_s)
            broke = True
    recorder.finish()
    session_id = recorder.session_id
    assert session_id is not None
    with store.write() as conn:
        conn.execute(
            "UPDATE sessions SET started_utc = ? WHERE id = ?",
            (started.isoformat().replace("+00:00", "Z"), session_id),
        )
    return session_id


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two weeks: week 48 a flood with no break and a calm talk; week 49 a flood with a
    break that settled, and a calm talk."""
    db = tmp_path_factory.mktemp("trends") / "sessions.db"
    with Store.open(db) as store:
        first = record(store, "argument", MONDAY - timedelta(days=7), take_break=False)
        calm = record(store, "calm", MONDAY - timedelta(days=5), take_break=False)
        broke = record(store, "argument", MONDAY, take_break=True)
        record(store, "calm", MONDAY + timedelta(days=2), take_break=False)
        add_tags(store, first, ["money"])
        add_tags(store, broke, ["money", " Money ", "in-laws"])
        add_tags(store, calm, ["plans"])
        save_answers(store, first, Answers(mood_before=4, mood_after=5))
        save_answers(store, broke, Answers(2, 1, PauseHelped.YES))
        calm_level = Baseline(66.0, 42.0, 2.5, 10.5, "profile")
        save_profile(store, Profile("sam", baseline=calm_level, baseline_utc=MONDAY))
    return db


def test_answers_and_tags_are_kept_with_the_session(history: Path) -> None:
    with Store.open(history) as store:
        assert tags_of(store, 3) == ["in-laws", "money"]  # one tag once, kept lower case
        assert answers_of(store, 3) == {0: Answers(2, 1, PauseHelped.YES)}
        assert answers_of(store, 2) == {}
        assert known_tags(store) == [*SUGGESTED_TAGS, "in-laws"]  # remembered for next time
    with pytest.raises(ValueError, match="1 \\(calm\\) to 5 \\(tense\\)"):
        Answers(mood_before=6)


def test_weekly_figures(history: Path) -> None:
    with Store.open(history) as store:
        found = trends(store)
        money = trends(store, tag="money")
        since = trends(store, since=MONDAY.date())
    w48, w49 = found["weeks"]
    assert (w48["week"], w49["week"]) == ("2026-W48", "2026-W49")
    assert set(w48) == {
        "week",
        "sessions",
        "minutes",
        "floods",
        "flooded_s",
        "pauses_prompted",
        "pauses_taken",
        "median_break_to_ready_s",
        "mood_before",
        "mood_after",
    }
    assert (w48["sessions"], w48["floods"], w48["pauses_prompted"], w48["pauses_taken"]) == (
        2,
        1,
        1,
        0,
    )
    assert w48["median_break_to_ready_s"] is None and w48["mood_before"] == 4.0
    assert (w49["sessions"], w49["floods"], w49["pauses_taken"]) == (2, 1, 1)
    # The break: from Start break to the body settled, at least the 20-minute minimum.
    assert w49["median_break_to_ready_s"] >= CONFIG.break_.min_s
    assert (w49["mood_before"], w49["mood_after"]) == (2.0, 1.0)
    assert w48["minutes"] > 40.0 and w48["flooded_s"] > 0.0
    assert sorted(found["tags"]) == ["in-laws", "money", "plans"]
    assert found["tags"]["money"]["sessions"] == 2
    assert [w["sessions"] for w in money["weeks"]] == [1, 1]
    assert [w["week"] for w in since["weeks"]] == ["2026-W49"]
    assert found["calibrations"] == [
        {"date": "2026-11-30", "profile": "sam", "hr_bpm": 66.0, "rmssd_ms": 42.0}
    ]
    ready_min = round(w49["median_break_to_ready_s"] / 60)
    assert week_words(found["weeks"]) == (
        f"2 check-ins in 2026-W49; 1 flood; after breaks you were ready in {ready_min} "
        "minutes (median)."
    )
    assert week_words([]) == "No check-ins yet in this period."


def test_the_commands_set_and_show_them(tmp_path: Path, monkeypatch, capsys) -> None:
    db = tmp_path / "sessions.db"
    monkeypatch.setenv(DB_ENV, str(db))
    args = ["record", "--simulate", "calm", "--speed", "1000", "--minutes", "2", "--quiet"]
    assert main([*args, "--tag", "chores", "--tag", "Work", "--mood-before", "3"]) == 0
    capsys.readouterr()
    assert main(["show", "1"]) == 0
    shown = capsys.readouterr().out
    assert "About: chores, work" in shown and "You: before 3 of 5" in shown
    assert main(["show", "1", "--json"]) == 0
    check_in = json.loads(capsys.readouterr().out)["check_in"]
    assert check_in == {
        "tags": ["chores", "work"],
        "answers": {"you": {"mood_before": 3, "mood_after": None, "pause_helped": None}},
    }
    assert main(["trends", "--json", "--tag", "work"]) == 0
    (week,) = json.loads(capsys.readouterr().out)["weeks"]
    assert (week["sessions"], week["mood_before"]) == (1, 3.0)
    assert main(["trends", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out.startswith("No check-ins yet")
    for bad, said in (
        (["--mood-before", "7"], "say 1 (calm) to 5 (tense)"),
        (["--tag", " "], "a tag is"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main([*args, *bad])
        err = capsys.readouterr().err
        assert stopped.value.code == 2 and said in err and err.count("\n") == 1
    with Store.open(db) as store:
        assert len(store.sessions()) == 1  # nothing recorded for the refused runs


def test_a_v3_database_gains_answers_and_tags_keeping_its_sessions(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    Store.open(db, migrations=MIGRATIONS[:3]).close()
    with sqlite3.connect(db) as old:
        old.execute(
            "INSERT INTO sessions (id, started_utc, source, status, duration_s) "
            "VALUES (1, '2026-01-02T03:04:05.000Z', 'ble', 'complete', 600)"
        )
    with Store.open(db) as store:
        assert store.session(1).duration_s == 600.0
        assert answers_of(store, 1) == {} and tags_of(store, 1) == []
        save_answers(store, 1, Answers(mood_after=2))
        (week,) = trends(store)["weeks"]
    assert (week["week"], week["minutes"], week["mood_after"]) == (
        date(2026, 1, 2).strftime("%G-W%V"),
        10.0,
        2.0,
    )
