"""Couple mode against the simulator's ground truth, 20 couples per scenario.

Both floods must be seen, the shared pause must start at the first one (a break on both
pipelines at that moment), the couple is ready only when both are, and the linkage of
their heart rates must find who leads in `couple-argument` and stay inside the chance band
for independent partners in `couple-calm` (docs/couple.md defines the band).
"""

import json
import os
import statistics
from functools import cache
from pathlib import Path

import pytest

from pausepoint.config import load_config
from pausepoint.couple.engine import PARTNERS, CoupleEventKind, analyze_couple
from pausepoint.model import EventKind
from pausepoint.sources.simulated.couples import CoupleRecording, simulate_couple

SEEDS = range(20)
GOLDEN = Path(__file__).parent / "events"
CONFIG = load_config()


@cache
def analysed(scenario: str, seed: int) -> tuple[CoupleRecording, dict]:
    rec = simulate_couple(scenario, seed=seed)
    result = analyze_couple(
        (rec.a.samples, rec.b.samples), (CONFIG, CONFIG), inputs=(f"{seed}-A", f"{seed}-B")
    )
    return rec, result


def of(kind: str, events: list[dict]) -> list[dict]:
    return [e for e in events if e["kind"] == kind]


@pytest.mark.parametrize("seed", SEEDS)
def test_both_floods_are_seen_and_the_pause_is_shared_from_the_first(seed):
    rec, result = analysed("couple-argument", seed)
    floods = []
    for person, partner in enumerate(result["partners"]):
        spans = rec.truth.flooded[person]  # the surge may cross the line more than once
        first = of(EventKind.FLOODING_START, partner["events"])[0]
        assert spans[0][0] < first["t_s"] < spans[-1][1]
        floods.append((first["t_s"], PARTNERS[person]))
    pause, ready = result["couple_events"]
    assert pause["kind"] == CoupleEventKind.SHARED_PAUSE_START
    assert (pause["t_s"], pause["by"]) == min(floods)
    for partner in result["partners"]:
        assert [e["t_s"] for e in of(EventKind.BREAK_START, partner["events"])] == [pause["t_s"]]
    readies = [of(EventKind.READY, p["events"])[0]["t_s"] for p in result["partners"]]
    assert ready["kind"] == CoupleEventKind.SHARED_READY
    assert ready["t_s"] == max(readies) >= pause["t_s"] + CONFIG.break_.min_s


def test_the_first_to_flood_is_the_one_who_leads():
    first = [
        analysed("couple-argument", seed)[1]["couple_events"][0]["by"]
        == PARTNERS[analysed("couple-argument", seed)[0].truth.leader]
        for seed in SEEDS
    ]
    print(f"\npause started by the simulated leader: {sum(first)} of {len(first)}")
    assert sum(first) >= 18


def test_linkage_finds_who_leads():
    right = []
    lag_errors = []
    for seed in SEEDS:
        rec, result = analysed("couple-argument", seed)
        linkage = result["linkage"]
        assert linkage["exploratory"] is True and linkage["stands_out"] is True
        right.append(linkage["leader"] == PARTNERS[rec.truth.leader])
        if right[-1]:
            lag_errors.append(abs(linkage["lag_s"] - rec.truth.lag_s))
    median_error_s = statistics.median(lag_errors)
    print(
        f"\nleader found in {sum(right)} of {len(right)} couples; lag off by "
        f"{median_error_s:.1f} s (median), {max(lag_errors):.1f} s at most"
    )
    assert sum(right) >= 18
    assert median_error_s <= 1.0 and max(lag_errors) <= 4.0


def test_independent_partners_stay_inside_the_chance_band():
    inside = []
    linked = total = 0
    for seed in SEEDS:
        _, result = analysed("couple-calm", seed)
        linkage = result["linkage"]
        inside.append(linkage["linked_windows"] <= linkage["chance_bound"])
        assert inside[-1] is not linkage["stands_out"]
        linked += linkage["linked_windows"]
        total += len(linkage["windows"])
        assert result["couple_events"] == []
        assert all(not of(EventKind.FLOODING_START, p["events"]) for p in result["partners"])
    print(
        f"\ninside the band in {sum(inside)} of {len(inside)} couples; "
        f"{linked} of {total} windows linked ({linked / total:.1%}, alpha {CONFIG.linkage.alpha})"
    )
    assert sum(inside) >= 18


def test_couple_event_list_matches_golden_file():
    _, result = analysed("couple-argument", 0)
    events = {
        **{p["name"]: p["events"] for p in result["partners"]},
        "couple": result["couple_events"],
    }
    path = GOLDEN / "couple-argument-0.json"
    if os.environ.get("PAUSEPOINT_UPDATE_GOLDEN"):
        path.write_text(json.dumps(events, indent=1) + "\n")
    assert events == json.loads(path.read_text())
