"""Never a judgement without a pulse: after a few seconds with no beat (an optical sensor
unsure, a chest strap's notifications lost with no contact flag to say so) the state says it
is looking for the pulse, no number is shown as current, and the state comes back with the
first beat. A flood found and a break taken stay on screen."""

from __future__ import annotations

from pausepoint.config import load_config
from pausepoint.model import Baseline, HeartSample, State, Update
from pausepoint.pipeline.pipeline import Pipeline

CONFIG = load_config()
CALM = Baseline(hr_bpm=70.0, rmssd_ms=40.0, hr_sd_bpm=3.0, rmssd_sd_ms=10.0, source="profile")


def notifications(start_s: float, seconds: int, rr_ms: float, rr: bool = True) -> list[HeartSample]:
    """One a second, each with the beats since the last (none when ``rr`` is False, as an
    optical sensor sends while unsure); RR alternates a little so RMSSD is not zero."""
    samples = []
    t_s = start_s
    beat_s = start_s
    for i in range(seconds):
        t_s += 1.0
        beats = []
        while beat_s + rr_ms / 1000.0 <= t_s:
            step_ms = rr_ms + (15.0 if (len(beats) + i) % 2 else -15.0)
            beat_s += step_ms / 1000.0
            beats.append(step_ms)
        samples.append(HeartSample(t_s, round(60000 / rr_ms), tuple(beats) if rr else ()))
    return samples


def push_all(pipeline: Pipeline, samples: list[HeartSample]) -> list[Update]:
    return [pipeline.push(s) for s in samples]


def test_a_chest_strap_that_stops_sending_is_looked_for_then_judged_again_at_once() -> None:
    pipeline = Pipeline(CONFIG, baseline=CALM, spectral=False)
    calm = push_all(pipeline, notifications(0.0, 60, 857.0))
    assert calm[-1].state == State.CALM
    assert pipeline.tick(63.0) is None  # three seconds without a notification: nothing yet
    lost = pipeline.tick(66.0)
    assert lost is not None and lost.state == State.SEARCHING and lost.pulse_lost
    assert lost.hr_bpm is None and lost.arousal is None and lost.events == ()
    assert pipeline.tick(67.0) is None  # said once
    back = push_all(pipeline, notifications(68.0, 2, 857.0))
    assert back[0].state == State.CALM and not back[0].pulse_lost
    assert back[0].hr_bpm is not None


def test_an_optical_sensor_sending_no_beats_is_looked_for_within_its_notifications() -> None:
    pipeline = Pipeline(CONFIG, baseline=CALM, spectral=False)
    push_all(pipeline, notifications(0.0, 60, 857.0))
    unsure = push_all(pipeline, notifications(60.0, 8, 857.0, rr=False))
    states = [u.state for u in unsure]
    assert states[:4] == [State.CALM] * 4  # the last beat came at most 1 s before 60 s
    assert states[-3:] == [State.SEARCHING] * 3
    assert all(u.hr_bpm is None for u in unsure if u.state == State.SEARCHING)
    back = push_all(pipeline, notifications(68.0, 1, 857.0))
    assert back[0].state == State.CALM


def test_a_flood_found_stays_on_screen_while_the_pulse_is_looked_for() -> None:
    pipeline = Pipeline(CONFIG, baseline=CALM, spectral=False)
    push_all(pipeline, notifications(0.0, 40, 857.0))
    flooding = push_all(pipeline, notifications(40.0, 60, 500.0))
    assert flooding[-1].state == State.FLOODED
    lost = pipeline.tick(107.0)
    assert lost is not None and lost.pulse_lost and lost.state == State.FLOODED


def test_ticks_change_no_event() -> None:
    """A replay has no ticks: its events must be the live session's."""
    samples = notifications(0.0, 40, 857.0) + notifications(50.0, 60, 500.0)
    plain = Pipeline(CONFIG, baseline=CALM, spectral=False)
    ticked = Pipeline(CONFIG, baseline=CALM, spectral=False)
    plain_events = [e for u in push_all(plain, samples) for e in u.events]
    ticked_events = []
    for sample in samples:
        for t_s in (sample.t_s - 0.5, sample.t_s - 0.25):
            ticked.tick(t_s)
        ticked_events += ticked.push(sample).events
    assert ticked_events == plain_events
    assert any(e.kind == "gap" for e in plain_events)
