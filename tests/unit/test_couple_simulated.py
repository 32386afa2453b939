"""The simulated couples: two seeded persons, linked as the truth says, floods in order."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest

from pausepoint.errors import BadInput
from pausepoint.model import HeartSample
from pausepoint.sources.simulated.couples import COUPLE_SCENARIOS, CoupleRecording, simulate_couple
from pausepoint.sources.simulated.scenarios import SCENARIOS, simulate

SEEDS = range(20)


@cache
def couple(scenario: str, seed: int) -> CoupleRecording:
    return simulate_couple(scenario, seed=seed)


def phase(rec, name: str) -> tuple[float, float]:
    (span,) = [(a, b) for n, a, b in rec.truth.phases if n == name]
    return span


def test_the_seed_is_the_couple_and_partners_are_the_seeds_persons() -> None:
    rec = couple("couple-calm", 3)
    assert rec.truth.person_seeds == (6, 7)
    for partner, person_seed in zip((rec.a, rec.b), (6, 7), strict=True):
        alone = simulate("calm", seed=person_seed, minutes=1)
        assert partner.truth.seed == person_seed
        assert partner.truth.resting_hr_bpm == alone.truth.resting_hr_bpm
        assert partner.truth.resonance_rate_bpm == alone.truth.resonance_rate_bpm
    assert rec.a.truth.resting_hr_bpm != rec.b.truth.resting_hr_bpm


@pytest.mark.parametrize("scenario", sorted(COUPLE_SCENARIOS))
def test_same_seed_same_couple_other_seeds_differ(scenario: str) -> None:
    one = simulate_couple(scenario, seed=5, minutes=3)
    again = simulate_couple(scenario, seed=5, minutes=3)
    other = simulate_couple(scenario, seed=6, minutes=3)
    assert one == again
    assert one.a.rr_ms() != other.a.rr_ms() and one.b.rr_ms() != other.b.rr_ms()
    assert one.a.rr_ms() != one.b.rr_ms()


def test_couple_scenarios_are_not_one_person_scenarios() -> None:
    assert not set(COUPLE_SCENARIOS) & set(SCENARIOS)
    with pytest.raises(BadInput, match="couple-argument"):
        simulate("couple-argument")
    with pytest.raises(BadInput, match="couple"):
        simulate_couple("argument")
    with pytest.raises(BadInput, match="seed"):
        simulate_couple("couple-calm", seed=-1)
    with pytest.raises(BadInput, match="minutes"):
        simulate_couple("couple-calm", minutes=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_argument_one_floods_first_and_the_other_follows_by_the_onset_lag(seed: int) -> None:
    rec = couple("couple-argument", seed)
    t = rec.truth
    leader, follower = t.leader, 1 - t.leader
    assert 3.0 <= t.lag_s <= 8.0 and 30.0 <= t.onset_lag_s <= 90.0
    first_s = [t.flooded[p][0][0] for p in (0, 1)]
    assert first_s[leader] < first_s[follower]
    assert first_s[follower] - first_s[leader] == pytest.approx(t.onset_lag_s, abs=25.0)
    for p in (0, 1):
        partner = rec.partner(p)
        surge_s, _ = phase(partner, "surge")
        assert surge_s <= first_s[p] < surge_s + 60.0  # no flood before their own surge
        assert t.flooded[p][-1][1] - first_s[p] > 300.0
        assert t.flooded[p] == partner.truth.flooded
    assert t.break_start_s == phase(rec.a, "break-paced")[0] == phase(rec.b, "break-paced")[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_one_floods_the_other_is_stirred_but_never_floods(seed: int) -> None:
    t = couple("couple-one-floods", seed).truth
    assert t.flooded[t.leader] and t.flooded[1 - t.leader] == ()


@pytest.mark.parametrize("seed", range(10))
def test_calm_partners_are_independent_and_never_flood(seed: int) -> None:
    rec = couple("couple-calm", seed)
    assert rec.truth.leader is None and rec.truth.lag_s is None and rec.truth.coupling == 0.0
    assert rec.truth.flooded == ((), ())


def test_the_follower_feels_the_leader_lag_s_later() -> None:
    """Noise-free heart rates while both are heated: the cross-correlation peaks where the
    truth says, with the follower behind."""
    found = []
    for seed in range(10):
        rec = couple("couple-argument", seed)
        t = rec.truth
        start_s = int(max(phase(rec.partner(p), "heated")[0] for p in (0, 1))) + 30
        end_s = int(t.break_start_s) - 10
        lead, follow = (
            np.diff(np.array(rec.partner(p).curves.emotional_hr_bpm[start_s:end_s]))
            for p in (t.leader, 1 - t.leader)
        )
        lags = np.arange(-15, 16)
        r = [np.corrcoef(lead[15:-15], np.roll(follow, -k)[15:-15])[0, 1] for k in lags]
        found.append((int(lags[int(np.argmax(r))]), round(t.lag_s)))
    assert all(abs(lag - truth) <= 2 for lag, truth in found), found


def test_merged_stream_is_in_time_order_and_keeps_each_partner_whole() -> None:
    rec = couple("couple-calm", 1)
    merged = rec.merged()
    assert [s.t_s for _, s in merged] == sorted(s.t_s for _, s in merged)
    for p in (0, 1):
        assert tuple(s for q, s in merged if q == p) == rec.partner(p).samples
    assert all(isinstance(s, HeartSample) for _, s in merged)


def test_minutes_scale_the_couple_argument() -> None:
    rec = simulate_couple("couple-argument", seed=2, minutes=22.5)
    assert rec.truth.duration_s == 1350.0
    assert rec.truth.break_start_s == pytest.approx(570.0)
    assert rec.a.heart_samples()[-1].t_s <= 1350.1


def test_truth_is_json_ready() -> None:
    data = json.loads(json.dumps(couple("couple-argument", 0).truth.to_dict()))
    assert data["scenario"] == "couple-argument" and data["person_seeds"] == [0, 1]
    assert data["leader"] in (0, 1) and len(data["flooded"]) == 2
