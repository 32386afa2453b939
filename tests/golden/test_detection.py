"""The flooding detector against the simulator's ground truth, 20 seeds per scenario.

Latency figures are printed by scripts/bench; here we assert what must never happen:
a missed flood, an alarm from calm, talking, breathing, walking or a poor signal, and
`ready` before the 20-minute break is over.
"""

import json
import os
from pathlib import Path

import pytest

from pausepoint.config import load_config
from pausepoint.model import Event, EventKind
from pausepoint.pipeline.pipeline import Pipeline
from pausepoint.sources.simulated.scenarios import Recording, simulate

SEEDS = range(20)
GOLDEN = Path(__file__).parent / "events"


def run(rec: Recording, *, press_break: bool = True) -> list[Event]:
    """Feed a recording; press Start break when the scenario's person does."""
    pipeline = Pipeline(load_config(), spectral=False)
    break_s = rec.truth.break_start_s if press_break else None
    events: list[Event] = []
    for sample in rec.samples:
        if break_s is not None and sample.t_s >= break_s:
            pipeline.start_break(break_s)
            break_s = None
        events += pipeline.push(sample).events
    return events + list(pipeline.finish(rec.samples[-1].t_s).events)


def of(kind: EventKind, events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind == kind]


@pytest.mark.parametrize("seed", SEEDS)
def test_argument_flood_is_detected_inside_the_true_span_and_ready_waits(seed):
    rec = simulate("argument", seed=seed)
    events = run(rec)
    (true_start_s, true_end_s) = rec.truth.flooded[0]
    starts = of(EventKind.FLOODING_START, events)
    assert len(starts) == 1
    assert true_start_s < starts[0].t_s < true_end_s
    assert of(EventKind.BREAK_START, events)[0].t_s == rec.truth.break_start_s
    for ready in of(EventKind.READY, events):
        assert ready.t_s >= rec.truth.break_start_s + load_config().break_.min_s


@pytest.mark.parametrize(
    "scenario", ["calm", "paced-breathing", "speech", "ectopic", "dropouts", "walk"]
)
def test_no_flooding_without_emotional_arousal(scenario):
    alarms = {
        seed: [
            round(e.t_s) for e in of(EventKind.FLOODING_START, run(simulate(scenario, seed=seed)))
        ]
        for seed in SEEDS
    }
    assert {seed: t for seed, t in alarms.items() if t} == {}


@pytest.mark.parametrize("seed", SEEDS)
def test_optical_flood_is_caught_and_its_calm_stays_quiet(seed):
    """An arm band's 3-9 s gaps and jittery beats neither hide the flood nor raise one."""
    rec = simulate("optical", seed=seed)
    starts = [e.t_s for e in of(EventKind.FLOODING_START, run(rec))]
    (calm_end_s,) = [end_s for name, _, end_s in rec.truth.phases if name == "calm"]
    (true_start_s, true_end_s) = rec.truth.flooded[0]
    assert not [t for t in starts if t < calm_end_s]
    assert any(true_start_s < t < true_end_s for t in starts)


def test_walking_without_motion_channel_looks_like_arousal():
    """The motion discount is what keeps `walk` calm: without it, walking reads as alarm."""
    rec = simulate("walk", seed=3)

    def peak_walking_arousal(samples) -> float:
        pipeline = Pipeline(load_config(), spectral=False)
        updates = [pipeline.push(s) for s in samples]
        return max(u.arousal for u in updates if 240 < u.t_s < 480)

    assert of(EventKind.FLOODING_START, run(rec)) == []
    assert peak_walking_arousal(rec.samples) < 45
    assert peak_walking_arousal(rec.heart_samples()) > 60


def test_dropouts_are_gaps_and_poor_signal_not_alarm():
    rec = simulate("dropouts", seed=4)
    events = run(rec)
    assert len(of(EventKind.GAP, events)) >= len(rec.truth.lost)
    (loss_start_s, loss_end_s) = rec.truth.contact_lost[0]
    poor = of(EventKind.SIGNAL_POOR, events)
    assert any(loss_start_s <= e.t_s <= loss_start_s + 2 for e in poor)
    ok = of(EventKind.SIGNAL_OK, events)
    assert any(e.t_s > loss_end_s for e in ok)


@pytest.mark.parametrize(("scenario", "seed"), [("argument", 0), ("dropouts", 1), ("ectopic", 2)])
def test_event_lists_match_golden_files(scenario, seed):
    events = [e.to_dict() for e in run(simulate(scenario, seed=seed))]
    path = GOLDEN / f"{scenario}-{seed}.json"
    if os.environ.get("PAUSEPOINT_UPDATE_GOLDEN"):
        path.write_text(json.dumps(events, indent=1) + "\n")
    assert events == json.loads(path.read_text())
