"""The couple engine, its sessions and its commands, on simulated partners."""

from __future__ import annotations

import asyncio
import io
import json
import math
from functools import cache
from pathlib import Path

import pytest

from pausepoint.cli.couple_monitor import CoupleTextMonitor
from pausepoint.cli.main import main
from pausepoint.config import load_config
from pausepoint.couple.engine import (
    CoupleEngine,
    CoupleEvent,
    CoupleEventKind,
    CoupleState,
    CoupleUpdate,
    chance_bound,
    couple_event_text,
    merge,
    run_couple,
)
from pausepoint.model import Event, EventKind
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sessions.paths import DB_ENV
from pausepoint.sessions.recorder import CoupleRecorder
from pausepoint.sessions.replay import (
    CoupleEngineReplay,
    PipelineReplay,
    replayed_updates,
    stored_couple_events,
)
from pausepoint.sessions.settings import CoupleSettings, PipelineSettings
from pausepoint.sessions.store import Store
from pausepoint.sources.files import read_rr_file
from pausepoint.sources.pacing import paced
from pausepoint.sources.simulated.couples import CoupleRecording, simulate_couple
from pausepoint.sources.simulated.scenarios import simulate

CONFIG = load_config()
FLOODING = (EventKind.FLOODING_START, EventKind.FLOODING_END)


@cache
def couple(scenario: str, seed: int, minutes: float | None = None) -> CoupleRecording:
    return simulate_couple(scenario, seed=seed, minutes=minutes)


def events_of(updates: list[CoupleUpdate], person: int, *kinds: EventKind) -> list[Event]:
    return [
        e
        for cu in updates
        if cu.person == person
        for e in cu.update.events
        if not kinds or e.kind in kinds
    ]


def couple_events(updates: list[CoupleUpdate]) -> list:
    return [e for cu in updates for e in cu.couple_events]


# --- the engine ----------------------------------------------------------------------------


def test_a_partners_flooding_is_judged_as_their_own_pipeline_judges_it() -> None:
    """The pause does not blind the engine: every flooding event of each partner is the one
    a pipeline of their own, never paused, gives; the other events are theirs too."""
    rec = couple("couple-argument", 1)
    updates = run_couple(CoupleEngine((CONFIG, CONFIG), spectral=False), rec.merged())
    for person in (0, 1):
        alone = Pipeline(CONFIG, spectral=False)
        samples = rec.partner(person).samples
        own = [e for s in samples for e in alone.push(s).events]
        own += alone.finish(samples[-1].t_s).events
        assert events_of(updates, person, *FLOODING) == [e for e in own if e.kind in FLOODING]
        assert events_of(updates, person, EventKind.BASELINE) == [
            e for e in own if e.kind == EventKind.BASELINE
        ]
        assert len(events_of(updates, person, EventKind.FLOODING_START)) == 1


def test_the_first_flood_pauses_both_and_ready_waits_for_both() -> None:
    rec = couple("couple-argument", 1)
    engine = CoupleEngine((CONFIG, CONFIG), spectral=False)
    updates = run_couple(engine, rec.merged())
    first = min((events_of(updates, p, EventKind.FLOODING_START)[0].t_s, p) for p in (0, 1))
    pause, ready = couple_events(updates)
    assert (pause.kind, pause.t_s, pause.detail) == (
        CoupleEventKind.SHARED_PAUSE_START,
        first[0],
        {"by": "AB"[first[1]]},
    )
    breaks = [(person, cu.t_s) for cu in updates for person in cu.breaks]
    assert sorted(p for p, _ in breaks) == [0, 1] and {t for _, t in breaks} == {pause.t_s}
    for person in (0, 1):
        assert [e.t_s for e in events_of(updates, person, EventKind.BREAK_START)] == [pause.t_s]
    readies = [events_of(updates, p, EventKind.READY)[0].t_s for p in (0, 1)]
    assert readies[0] != readies[1]
    assert ready.kind == CoupleEventKind.SHARED_READY and ready.t_s == max(readies)
    assert ready.detail == {"pause_s": round(ready.t_s - pause.t_s, 1)}
    states = [cu.state for cu in updates]
    assert states[0] == CoupleState.TOGETHER and states[-1] == CoupleState.READY
    assert all(cu.state == CoupleState.PAUSE for cu in updates if pause.t_s <= cu.t_s < ready.t_s)
    flooded_b = [cu.t_s for cu in updates if cu.flooded[1 - first[1]]]
    assert flooded_b and min(flooded_b) > pause.t_s  # the follower's flood, seen in the pause


def test_a_partner_who_floods_again_after_settling_goes_back_on_a_break() -> None:
    """A (the one-person argument) floods at ~9 min; B's argument, stretched to 100 min,
    starts at 14 min, so with a 1-minute minimum break B is ready early, then floods at
    ~23 min: back on a break, and the couple is ready only after B settles again."""
    config = CONFIG.override({"break": {"min_s": 60.0}})
    a = simulate("argument", seed=0)
    b = simulate("argument", seed=3, minutes=100.0)
    updates = run_couple(
        CoupleEngine((config, config), spectral=False), merge(a.samples, b.samples)
    )
    (pause, *rest) = couple_events(updates)
    b_ready = events_of(updates, 1, EventKind.READY)
    b_flood = events_of(updates, 1, EventKind.FLOODING_START)
    b_breaks = events_of(updates, 1, EventKind.BREAK_START)
    assert pause.detail == {"by": "A"} and b_ready[0].t_s < b_flood[0].t_s
    assert [e.t_s for e in b_breaks] == [pause.t_s, b_flood[0].t_s]
    assert all(e.t_s > b_flood[0].t_s for e in rest)


def test_a_pause_the_couple_starts_pauses_both_once() -> None:
    rec = couple("couple-calm", 2)
    engine = CoupleEngine((CONFIG, CONFIG), spectral=False)
    updates = []
    for person, sample in rec.merged():
        if sample.t_s >= 200.0 and engine.state == CoupleState.TOGETHER:
            engine.start_pause(200.0)
            engine.start_pause(201.0)
        updates.append(engine.push(person, sample))
    (pause,) = couple_events(updates)
    assert (pause.t_s, pause.detail) == (200.0, {"by": "you"})
    for person in (0, 1):
        assert [e.t_s for e in events_of(updates, person, EventKind.BREAK_START)] == [200.0]


def test_each_partner_is_judged_by_their_own_profile() -> None:
    """A calm B with a flooding ceiling just above their resting heart rate floods; A, on
    the defaults, does not."""
    rec = couple("couple-calm", 4, 6.0)
    ceiling = rec.b.truth.resting_hr_bpm + 4.0
    b_config = CONFIG.override({"flooding": {"ceiling_hr_bpm": ceiling}})
    updates = run_couple(CoupleEngine((CONFIG, b_config), spectral=False), rec.merged())
    assert events_of(updates, 0, EventKind.FLOODING_START) == []
    assert events_of(updates, 1, EventKind.FLOODING_START)
    assert couple_events(updates)[0].detail == {"by": "B"}


def test_an_engine_is_two_partners() -> None:
    with pytest.raises(ValueError):
        CoupleEngine((CONFIG,))


def test_chance_bound_is_the_binomial_quantile() -> None:
    assert chance_bound(15, 0.05) == 2  # P(X <= 1) = 0.829, P(X <= 2) = 0.964
    assert chance_bound(85, 0.05) == 8
    assert chance_bound(1, 0.05) == 0 and chance_bound(0, 0.05) == 0


def test_text_monitor_prints_both_partners_each_second() -> None:
    rec = couple("couple-calm", 0, 3.0)
    out = io.StringIO()
    monitor = CoupleTextMonitor(out, CONFIG.break_.min_s, names=("Sam", "Alex"))
    for cu in run_couple(CoupleEngine((CONFIG, CONFIG)), rec.merged()):
        monitor.feed(cu)
    lines = out.getvalue().splitlines()
    names = [line.split()[1] for line in lines if "RMSSD" in line]
    both = names[names.index("Alex") - 1 :]  # A's first update may come a second earlier
    assert both == ["Sam", "Alex"] * (len(both) // 2) and 170 <= names.count("Alex") <= 182
    assert "Sam: Calm level learned." in out.getvalue()
    assert monitor.text().splitlines()[-1] == "Shared pauses: 0."


def test_couple_words_name_the_configured_break_minimum() -> None:
    pause = CoupleEvent(0.0, CoupleEventKind.SHARED_PAUSE_START, {"by": "B"})
    assert "Alex is flooded. Take a 30-minute break" in couple_event_text(
        pause, 1800.0, ("Sam", "Alex")
    )
    unnamed = CoupleEvent(0.0, CoupleEventKind.SHARED_PAUSE_START, {})
    assert couple_event_text(unnamed, CONFIG.break_.min_s).startswith(
        "Let's pause. Take a 20-minute break"
    )


# --- sessions ------------------------------------------------------------------------------


def record_couple(store: Store, rec: CoupleRecording, pause_at_s: float | None = None) -> int:
    settings = CoupleSettings((PipelineSettings(), PipelineSettings()))
    recorder = CoupleRecorder(store, CONFIG, source="test", settings=settings, profiles=("a", "b"))

    async def stream():
        nonlocal pause_at_s
        async for person, sample in _paced(rec.merged()):
            if pause_at_s is not None and sample.t_s >= pause_at_s:
                recorder.start_pause(pause_at_s)
                pause_at_s = None
            yield person, sample

    asyncio.run(recorder.run(stream()))
    assert recorder.session_id is not None
    return recorder.session_id


async def _paced(stream):
    persons = iter([p for p, _ in stream])
    async for sample in paced([s for _, s in stream], math.inf):
        yield next(persons), sample


def test_a_recorded_couple_session_replays_event_for_event(tmp_path: Path) -> None:
    rec = couple("couple-one-floods", 0)
    with Store.open(tmp_path / "s.db") as store:
        session_id = record_couple(store, rec)
        info = store.session(session_id)
        assert (info.persons, info.profile, info.profile_b) == (2, "a", "b")
        assert info.beats == sum(len(rec.partner(p).rr_ms()) for p in (0, 1))
        stored = store.person_samples(session_id)
        assert stored == list(rec.merged())
        recorded = store.person_events(session_id)
        assert [e.kind for e in stored_couple_events(store, session_id)][:1] == [
            "shared_pause_start"
        ]
        actions = store.actions(session_id)
        assert sorted(a.person for a in actions) == [0, 1] and {a.kind for a in actions} == {
            "break"
        }
        replayed = list(CoupleEngineReplay(store, session_id, CONFIG).run())
        assert [(cu.person, e) for cu in replayed for e in cu.update.events] == recorded
        assert couple_events(replayed) == stored_couple_events(store, session_id)
        b_updates = list(replayed_updates(store, session_id, CONFIG, person=1))
        assert [e for u in b_updates for e in u.events] == store.events(session_id, person=1)
        with pytest.raises(ValueError, match="couple"):
            PipelineReplay(store, session_id, CONFIG)


def test_a_pause_the_couple_took_replays_at_the_same_point(tmp_path: Path) -> None:
    rec = couple("couple-calm", 5, 8.0)
    with Store.open(tmp_path / "s.db") as store:
        session_id = record_couple(store, rec, pause_at_s=250.0)
        (pause,) = stored_couple_events(store, session_id)
        assert (pause.t_s, pause.detail) == (250.0, {"by": "you"})
        assert [(a.kind, a.person) for a in store.actions(session_id)] == [("pause", None)]
        replayed = list(CoupleEngineReplay(store, session_id, CONFIG).run())
        assert couple_events(replayed) == [pause]
        events = [(cu.person, e) for cu in replayed for e in cu.update.events]
        assert events == store.person_events(session_id)


# --- commands ------------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "db" / "sessions.db"))

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_simulate_writes_both_partners_and_analyze_reads_them_as_a_couple(run, tmp_path: Path):
    out, truth = tmp_path / "talk.csv", tmp_path / "talk.json"
    code, text, _ = run("simulate", "couple-argument", "--seed", "2", "--out", str(out),
                        "--truth", str(truth))  # fmt: skip
    assert code == 0 and "talk-A.csv" in text and "talk-B.csv" in text
    t = json.loads(truth.read_text())
    assert t["person_seeds"] == [4, 5] and t["A"]["seed"] == 4 and t["B"]["seed"] == 5
    paths = [str(tmp_path / "talk-A.csv"), str(tmp_path / "talk-B.csv")]
    rec = couple("couple-argument", 2)
    for p, path in enumerate(paths):
        assert read_rr_file(path).rr_ms.tolist() == list(rec.partner(p).rr_ms())
    code, text, _ = run("analyze", *paths, "--json")
    assert code == 0
    result = json.loads(text)
    assert set(result) == {"inputs", "partners", "couple_events", "linkage"}
    a, b = result["partners"]
    assert (a["name"], b["name"]) == ("A", "B")
    assert a["beats"] == len(rec.a.rr_ms()) and b["beats"] == len(rec.b.rr_ms())
    assert [e["kind"] for e in result["couple_events"]] == ["shared_pause_start", "shared_ready"]
    linkage = result["linkage"]
    assert linkage["leader"] == "AB"[t["leader"]] and linkage["exploratory"] is True
    assert {"start_s", "end_s", "r", "lag_s", "threshold", "linked"} == set(linkage["windows"][0])
    assert "Exploratory" in linkage["summary"] and "right" in linkage["summary"]
    code, text, _ = run("analyze", *paths)
    assert (
        code == 0
        and "Let's pause:" in text
        and text.rstrip().splitlines()[-1].startswith("Linkage: Your heart rates moved together")
    )


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (("--auto-break",), "--auto-break is for one person"),
        (("--timeline",), "--timeline is for one person"),
        (("--profile", "sam"), "give --profile twice"),
    ],
)
def test_couple_analyze_refuses_one_person_options(run, tmp_path: Path, extra, needle) -> None:
    run("simulate", "couple-calm", "--minutes", "3", "--out", str(tmp_path / "c.csv"))
    code, _, err = run("analyze", str(tmp_path / "c-A.csv"), str(tmp_path / "c-B.csv"), *extra)
    assert code == 2 and needle in err and err.count("\n") == 1


def test_analyze_takes_at_most_two_files(run, tmp_path: Path) -> None:
    run("simulate", "couple-calm", "--minutes", "3", "--out", str(tmp_path / "c.csv"))
    paths = [str(tmp_path / "c-A.csv")] * 3
    code, _, err = run("analyze", *paths)
    assert code == 2 and "two for a couple" in err


def test_record_show_replay_export_a_couple_session(run, tmp_path: Path) -> None:
    code, out, err = run(
        "record", "--simulate", "couple-one-floods", "--seed", "1", "--speed", "1e9",
        "--note", "sunday",
    )  # fmt: skip
    assert code == 0, err
    assert "Recording couple session 1" in err and out.rstrip().endswith("Saved as session 1.")
    assert "** Let's pause:" in out and "Shared pauses: 1." in out

    code, out, _ = run("show", "1", "--json")
    shown = json.loads(out)
    assert shown["session"]["persons"] == 2 and shown["session"]["note"] == "sunday"
    a, b = shown["partners"]
    assert (a["name"], b["name"]) == ("A", "B")
    assert any(e["kind"] == "flooding_start" for e in a["events"] + b["events"])
    assert shown["couple_events"][0]["kind"] == "shared_pause_start"
    assert {(x["kind"], x["person"], x["by"]) for x in shown["actions"]} == {
        ("break", "A", "couple"),
        ("break", "B", "couple"),
    }
    code, out, _ = run("show", "1")
    assert "Couple session 1" in out and "  A: Calm level learned." in out.replace("  00", "")

    code, out, _ = run("replay", "1", "--max", "--json")
    replayed = json.loads(out)
    assert replayed["same_as_recorded"] is True
    assert [p["events"] for p in replayed["partners"]] == [a["events"], b["events"]]
    assert replayed["couple_events"] == shown["couple_events"]

    code, _, err = run("export", "1", "--format", "csv")
    assert code == 2 and "--person A or --person B" in err and err.count("\n") == 1
    rec = couple("couple-one-floods", 1)
    for person in "AB":
        path = tmp_path / f"{person}.csv"
        assert run("export", "1", "--format", "csv", "--person", person, "--out", str(path))[0] == 0
        assert read_rr_file(path).rr_ms.tolist() == list(rec.partner("AB".index(person)).rr_ms())
    code, out, _ = run("export", "1", "--format", "json")
    exported = json.loads(out)
    assert {s["person"] for s in exported["samples"]} == {0, 1}
    assert exported["couple_events"] == shown["couple_events"]
    code, out, _ = run("export", "1", "--format", "json", "--person", "b")
    only_b = json.loads(out)
    assert {s["person"] for s in only_b["samples"]} == {1}
    assert [e for e in only_b["events"] if e["person"] == 0] == []


def test_export_person_is_for_couple_sessions(run) -> None:
    run("record", "--simulate", "calm", "--minutes", "1", "--speed", "1e9")
    code, _, err = run("export", "1", "--format", "csv", "--person", "A")
    assert code == 2 and "leave out --person" in err


def test_monitor_a_simulated_couple(run) -> None:
    code, out, _ = run("monitor", "--simulate", "couple-calm", "--minutes", "2", "--speed", "1e9")
    assert code == 0
    lines = out.splitlines()
    names = [line.split()[1] for line in lines if "RMSSD" in line]
    assert names.count("A") >= 110 and abs(names.count("A") - names.count("B")) <= 1
    assert lines[-1] == "Shared pauses: 0." and lines[-3].startswith("A: Session 00:01:5")


def test_one_person_commands_are_unchanged_by_couple_mode(run, tmp_path: Path) -> None:
    out = tmp_path / "one.csv"
    assert run("simulate", "calm", "--minutes", "2", "--out", str(out))[0] == 0
    assert out.exists() and not (tmp_path / "one-A.csv").exists()
    assert read_rr_file(out).rr_ms.tolist() == list(simulate("calm", seed=0, minutes=2).rr_ms())
    code, text, _ = run("analyze", str(out), "--json")
    assert code == 0 and "partners" not in json.loads(text) and "events" in json.loads(text)


def test_a_report_of_one_partner(run, tmp_path: Path) -> None:
    """The follower floods after the shared pause began: their report still shows it."""
    assert run("record", "--simulate", "couple-argument", "--seed", "4", "--speed", "1e9")[0] == 0
    out = tmp_path / "b.html"
    code, printed, _ = run("report", "1", "--out", str(out), "--person", "B")
    assert code == 0 and str(out) in printed
    page = out.read_text()
    assert "Check-in, partner B, " in page and "You were flooded once" in page


def test_a_silent_strap_in_a_couple_is_looked_for_on_its_partners_lane_only() -> None:
    """A couple's straps both connected; one stops sending with no contact flag: the window's
    tick says that partner's pulse is being looked for, the other partner is judged as ever,
    and nothing is added to the events a replay would find."""
    from pausepoint.model import Baseline, State
    from pausepoint.strap.ble import LinkState
    from pausepoint.ui.couple_model import CoupleLiveSession, CoupleViewModel
    from pausepoint.ui.view_model import StatusModel

    config = load_config()
    calm = Baseline(hr_bpm=70.0, rmssd_ms=40.0, hr_sd_bpm=3.0, rmssd_sd_ms=10.0, source="profile")
    view = CoupleViewModel([config, config])
    engine = CoupleEngine([config, config], baselines=(calm, calm), spectral=False)
    session = CoupleLiveSession(config, view, StatusModel(), engine=engine)
    for sink in session.strap_sinks():
        sink.on_state(LinkState.STREAMING)
    a, b = (simulate("calm", seed=seed, minutes=1.5).heart_samples() for seed in (1, 2))
    for person, sample in merge(a, [s for s in b if s.t_s < 60.0]):
        session.feed(person, sample)
    session.tick(66.0)
    assert view.lanes[1].body_state == State.SEARCHING
    assert view.lanes[1].latest is not None and view.lanes[1].latest.hr_bpm is None
    assert view.lanes[0].body_state == State.CALM
    assert view.couple_events == []
