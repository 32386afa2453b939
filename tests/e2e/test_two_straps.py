"""Couple mode end to end: two virtual straps on one radio, two BleSources through real
bleak, one clock, into the couple engine (and the store), beats never crossing partners.

Session time is scaled (see conftest). The straps play the part of a simulated
`couple-argument` where the first partner floods; each partner's calm level comes from
the minutes before, as from an earlier calibration.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from pausepoint.cli.couple_monitor import CoupleTextMonitor
from pausepoint.cli.monitor_command import monitor_couple_straps
from pausepoint.config import load_config
from pausepoint.couple.engine import CoupleEngine, CoupleEventKind, CoupleUpdate
from pausepoint.model import Baseline, EventKind, HeartSample, MotionSample
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sessions.recorder import CoupleRecorder
from pausepoint.sessions.replay import CoupleEngineReplay
from pausepoint.sessions.settings import CoupleSettings, PipelineSettings
from pausepoint.sessions.store import Store
from pausepoint.sources.simulated.couples import simulate_couple
from pausepoint.sources.simulated.scenarios import Recording
from pausepoint.strap.feed import record_couple_straps

from .conftest import Rig

CONFIG = load_config()
COUPLE = simulate_couple("couple-argument", seed=4)
"""Partner A floods first (truth leader 0), B about 35 s later."""
FROM_S, TO_S = 440.0, 640.0
STRAPS = (
    {"name": "Polar H10 A1A1A1A1", "address": "F0:5A:1B:2C:3D:4E"},
    {"name": "Polar H10 B2B2B2B2", "address": "F1:23:45:67:89:AB", "pmd_kinds": ()},
)


def calm_level(rec: Recording) -> Baseline:
    pipeline = Pipeline(CONFIG, spectral=False)
    for sample in rec.samples:
        if sample.t_s > 300.0:
            break
        pipeline.push(sample)
    assert pipeline.baseline is not None
    return pipeline.baseline


BASELINES = (calm_level(COUPLE.a), calm_level(COUPLE.b))
PARTS = tuple(
    [s for s in rec.heart_samples() if FROM_S <= s.t_s < TO_S] for rec in (COUPLE.a, COUPLE.b)
)


async def play_both(rig: Rig) -> None:
    """Both straps play their partner's part on one session clock (same offset)."""
    a, b = rig.straps
    while not (a.subscribed(a.heart_rate) and b.subscribed(b.heart_rate)):
        await asyncio.sleep(0.01)
    start_s = rig.clock.now() + 0.5
    first_s = min(PARTS[0][0].t_s, PARTS[1][0].t_s)
    await asyncio.gather(
        a.play(PARTS[0], start_t_s=start_s + PARTS[0][0].t_s - first_s),
        b.play(PARTS[1], start_t_s=start_s + PARTS[1][0].t_s - first_s),
    )


def sent_rr_ms(person: int) -> list[float]:
    return [rr for s in PARTS[person] for rr in s.rr_ms]


def beats_of(updates: list[CoupleUpdate], person: int) -> list[float]:
    """What the engine placed, as sent (a corrected beat by its raw RR)."""
    return [
        b.raw_rr_ms or b.rr_ms for cu in updates if cu.person == person for b in cu.update.beats
    ]


def test_two_straps_record_one_couple_session_without_mixing_beats(run_rig, tmp_path: Path):
    updates: list[CoupleUpdate] = []
    store = Store.open(tmp_path / "sessions.db")
    a, b = (PipelineSettings(baseline=baseline) for baseline in BASELINES)
    recorder = CoupleRecorder(store, CONFIG, source="ble:couple", settings=CoupleSettings((a, b)))

    async def test(rig: Rig) -> None:
        for options in STRAPS:
            await rig.strap(**options)
        task = asyncio.create_task(
            record_couple_straps(
                recorder,
                [{"name": s["name"].lower()} for s in STRAPS],
                on_update=updates.append,
                clock=rig.clock.now,
                sleep=rig.clock.sleep,
                backend=rig.backend,
            )
        )
        await play_both(rig)
        while any(len(beats_of(updates, p)) < len(sent_rr_ms(p)) - 2 for p in (0, 1)):
            await asyncio.sleep(0.02)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        for person, strap in enumerate(rig.straps):
            assert strap.log.delivered_rr_ms == sent_rr_ms(person)

    run_rig(test, speed=50.0)

    session_id = recorder.session_id
    assert session_id is not None
    stored = store.person_samples(session_id)
    assert [s.t_s for _, s in stored] == sorted(s.t_s for _, s in stored)  # one clock
    for person in (0, 1):
        heart = [s for p, s in stored if p == person and isinstance(s, HeartSample)]
        assert [rr for s in heart for rr in s.rr_ms] == sent_rr_ms(person)
        assert [s.raw for s in heart] == [s.raw for s in PARTS[person]]
        assert beats_of(updates, person) == sent_rr_ms(person)
    assert any(isinstance(s, MotionSample) for p, s in stored if p == 0)
    assert not any(isinstance(s, MotionSample) for p, s in stored if p == 1)  # B has no ACC

    events = [(cu.person, e) for cu in updates for e in cu.update.events]
    floods = [(p, e.t_s) for p, e in events if e.kind == EventKind.FLOODING_START]
    breaks = [(p, e.t_s) for p, e in events if e.kind == EventKind.BREAK_START]
    (pause,) = [e for cu in updates for e in cu.couple_events]
    assert pause.kind == CoupleEventKind.SHARED_PAUSE_START and pause.detail == {"by": "A"}
    assert [p for p, _ in floods] == [0, 1]  # B floods after the pause began: still seen
    assert pause.t_s == floods[0][1] and sorted(breaks) == [(0, pause.t_s), (1, pause.t_s)]

    info = store.session(session_id)
    assert info.persons == 2
    assert (info.strap_name, info.strap_name_b) == (STRAPS[0]["name"], STRAPS[1]["name"])
    assert (info.strap_address, info.strap_address_b) == (
        STRAPS[0]["address"],
        STRAPS[1]["address"],
    )
    assert store.person_events(session_id) == events
    replayed = list(CoupleEngineReplay(store, session_id, CONFIG).run())
    assert [(cu.person, e) for cu in replayed for e in cu.update.events] == events
    store.close()


def test_monitor_with_two_devices_prints_a_line_per_partner(run_rig, capsys) -> None:
    """B wears an optical arm band: the monitor says so once, of B only."""
    out = io.StringIO()
    monitor = CoupleTextMonitor(out, CONFIG.break_.min_s)
    engine = CoupleEngine((CONFIG, CONFIG), baselines=BASELINES)
    arm_band = {**STRAPS[1], "name": "Polar OH1 B2B2B2B2"}

    async def test(rig: Rig) -> None:
        for options in (STRAPS[0], arm_band):
            await rig.strap(**options)
        task = asyncio.create_task(
            monitor_couple_straps(
                [STRAPS[0]["address"], arm_band["name"]],
                engine,
                monitor,
                backend=rig.backend,
                clock=rig.clock.now,
                sleep=rig.clock.sleep,
            )
        )
        await play_both(rig)
        while min(s.beats for s in monitor.summaries) < 100:
            await asyncio.sleep(0.02)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    run_rig(test, speed=50.0)
    lines = out.getvalue().splitlines()
    names = [line.split()[1] for line in lines if "HR" in line and "RMSSD" in line]
    both = names[names.index("B") - 1 :]  # A's accelerometer may start a few seconds earlier
    assert len(both) > 300 and both == ["A", "B"] * (len(both) // 2)
    assert any("** Let's pause: A is flooded." in line for line in lines)
    err = capsys.readouterr().err
    assert err.count("Partner B's sensor is optical: heart rate is reliable") == 1
    assert "Partner A's sensor" not in err
