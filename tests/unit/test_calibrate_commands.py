"""calibrate baseline / resonance, profiles and analyze --profile through the real CLI entry point,
on a database in a temporary folder."""

from __future__ import annotations

import asyncio
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pausepoint.calibration.profiles import Profile, load_profile, read_profiles, save_profile
from pausepoint.cli.calibrate import pacer_cues, rest_cues, speak
from pausepoint.model import Baseline
from pausepoint.protocols import load_resonance_protocol
from pausepoint.sessions.store import Store
from pausepoint.sources.files import write_pausepoint_csv
from pausepoint.sources.simulated.scenarios import simulate

RESONANCE = load_resonance_protocol()


def one_line_error(code: int, err: str) -> str:
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("pausepoint"), err
    return err


def profiles_in(db: Path) -> list[Profile]:
    with Store.open(db) as store:
        return read_profiles(store)


def test_calibrate_a_couple_end_to_end(run, db: Path) -> None:
    code, out, err = run("calibrate", "baseline", "--simulate", "calm", "--profile", "alex")
    assert code == 0, err
    truth = simulate("calm", seed=0, minutes=0.25).truth
    (alex,) = profiles_in(db)
    assert alex.name == "alex" and alex.active and alex.baseline is not None
    assert abs(alex.baseline.hr_bpm - truth.resting_hr_bpm) < 3
    assert alex.resonance_rate_bpm is None and alex.ceiling_hr_bpm is None
    assert "Baseline accepted." in out and "Saved in profile alex." in out
    assert f"{alex.baseline.hr_bpm:5.1f} bpm" in out

    code, out, _ = run("profiles")
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.split()[:3] == ["Profile", "Active", "Calm"]
    assert row.split()[:3] == ["alex", "*", f"{alex.baseline.hr_bpm:.1f}"]
    assert "100 bpm (default)" in row and "Recalibrate" not in out

    code, out, err = run(
        "calibrate", "resonance", "--simulate", "--seed", "7", "--profile", "alex", "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    rate_bpm = result["assessment"]["rate_bpm"]
    assert abs(rate_bpm - simulate("resonance", seed=7).truth.resonance_rate_bpm) <= 0.5
    assert result["saved_profile"]["resonance_rate_bpm"] == rate_bpm
    assert [r["rank"] for r in result["assessment"]["ranking"]] == [1, 2, 3, 4, 5]
    (alex_after,) = profiles_in(db)
    assert alex_after.resonance_rate_bpm == rate_bpm
    assert alex_after.baseline == alex.baseline  # the rate is added, the baseline kept

    code, out, _ = run("calibrate", "resonance", "--simulate", "--seed", "7", "--profile", "alex")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Resonance breathing for alex (simulated, seed 7):"
    assert lines[1].split()[:3] == ["Rank", "Rate", "LF"]
    ranked = [line.split() for line in lines[2:7]]
    assert [r[0] for r in ranked] == ["1", "2", "3", "4", "5"]
    assert sorted(r[1] for r in ranked) == sorted(f"{v:g}/min" for v in RESONANCE.rates_bpm)
    assert f"Best rate: {rate_bpm:g} breaths a minute" in out

    code, out, err = run("calibrate", "baseline", "--simulate", "calm", "--seed", "3",
                         "--profile", "sam")  # fmt: skip
    assert code == 0, err
    code, out, _ = run("profiles", "--json")
    listed = json.loads(out)
    assert [p["name"] for p in listed["profiles"]] == ["alex", "sam"]
    assert listed["active"] == "alex" and listed["recalibrate_after_days"] == 30
    assert listed["profiles"][1]["resonance_rate_bpm"] is None

    code, out, _ = run("profiles", "--use", "sam")
    assert code == 0 and "sam is now the active profile." in out
    # Without --profile, calibration goes to the active profile.
    code, out, _ = run("calibrate", "resonance", "--simulate", "--seed", "3")
    assert code == 0 and "Saved in profile sam." in out
    assert {p.name: p.active for p in profiles_in(db)} == {"alex": False, "sam": True}


def test_the_ceiling_is_edited_and_reset(run, db: Path) -> None:
    assert run("calibrate", "baseline", "--simulate", "calm", "--profile", "alex")[0] == 0
    code, out, _ = run("profiles", "--set", "alex", "ceiling=95")
    assert code == 0 and out.startswith("alex: ceiling=95.")
    assert "95 bpm" in out.splitlines()[2]
    assert profiles_in(db)[0].ceiling_hr_bpm == 95.0
    code, out, _ = run("profiles", "--set", "alex", "ceiling=default", "resonance=5.5", "--json")
    (alex,) = json.loads(out)["profiles"]
    assert code == 0 and alex["ceiling_hr_bpm"] is None and alex["resonance_rate_bpm"] == 5.5


def test_a_deleted_profile_is_gone_and_its_sessions_replay_as_they_were(run, db: Path) -> None:
    assert run("calibrate", "baseline", "--simulate", "calm", "--profile", "alex")[0] == 0
    assert (
        run("calibrate", "baseline", "--simulate", "calm", "--seed", "4", "--profile", "sam")[0]
        == 0
    )
    code, _, err = run("record", "--simulate", "argument", "--minutes", "12", "--speed", "1e6",
                       "--profile", "alex")  # fmt: skip
    assert code == 0, err
    recorded = json.loads(run("replay", "1", "--max", "--json")[1])
    code, out, _ = run("profiles", "--delete", "alex", "--yes")
    assert code == 0 and out.startswith("alex deleted.")
    assert [p.name for p in profiles_in(db)] == ["sam"]
    assert json.loads(run("replay", "1", "--max", "--json")[1]) == recorded
    assert recorded["events"][0]["kind"] != "baseline"  # judged by alex's calm level from the start


def test_a_rejected_baseline_says_why_and_saves_nothing(run, db: Path) -> None:
    code, out, _ = run("calibrate", "baseline", "--simulate", "ectopic", "--profile", "alex")
    assert code == 1
    assert "heartbeats needed correcting" in out
    assert "Please repeat the baseline" in out and "Nothing was saved." in out
    assert profiles_in(db) == []
    code, out, _ = run("calibrate", "baseline", "--simulate", "ectopic", "--json")
    result = json.loads(out)
    assert code == 1 and result["saved_profile"] is None and result["profile"] == "me"
    assert not result["assessment"]["accepted"] and result["assessment"]["reasons"]


def test_profiles_remind_to_recalibrate(run, db: Path) -> None:
    now = datetime.now(UTC)
    with Store.open(db) as store:
        old = Baseline(60.0, 40.0, 3.0, 10.0, "profile")
        save_profile(store, Profile("alex", baseline=old, baseline_utc=now - timedelta(days=40)))
        save_profile(store, Profile("sam", baseline=old, baseline_utc=now - timedelta(days=2)))
        save_profile(store, Profile("kim"))
    code, out, _ = run("profiles")
    assert code == 0
    assert "Recalibrate alex: the baseline is 40 days old" in out
    assert "kim has no baseline yet" in out and "Recalibrate sam" not in out
    code, out, _ = run("profiles", "--json")
    due = {p["name"]: p["recalibration_due"] for p in json.loads(out)["profiles"]}
    assert due == {"alex": True, "kim": True, "sam": False}


def test_no_profiles_yet(run, db: Path) -> None:
    code, out, _ = run("profiles")
    assert code == 0 and out.startswith("No profiles yet in ")
    assert json.loads(run("profiles", "--json")[1]) == {
        "profiles": [],
        "active": None,
        "recalibrate_after_days": 30,
    }


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("profiles", "--set", "bob", "ceiling=95"), "no profile 'bob'"),
        (("profiles", "--use", "bob"), "no profile 'bob' (profiles: alex)"),
        (("profiles", "--set", "alex", "ceiling=abc"), "ceiling must be between 60 and 220"),
        (("profiles", "--set", "alex", "ceiling=20"), "ceiling must be between 60 and 220"),
        (("profiles", "--set", "alex", "colour=red"), "KEY=VALUE"),
        (("profiles", "--set", "alex"), "add what to change"),
        (("profiles", "--delete", "bob", "--yes"), "no profile 'bob' (profiles: alex)"),
        (("profiles", "--delete", "alex"), "no terminal to confirm; add --yes"),
        (("profiles", "--yes"), "use it with --delete NAME"),
        (("calibrate", "baseline", "--simulate", "calm", "--profile", "a/b"), "profile name"),
        (("calibrate", "baseline", "--simulate", "nope"), "no scenario 'nope'"),
        (("calibrate", "baseline", "--simulate", "calm", "--seed", "-1"), "seed -1"),
        (("calibrate", "resonance"), "one of the arguments --simulate --device is required"),
        (("calibrate",), "STEP"),
    ],
)
def test_bad_input_is_one_line(run, args: tuple[str, ...], words: str) -> None:
    assert run("calibrate", "baseline", "--simulate", "calm", "--profile", "alex")[0] == 0
    code, _, err = run(*args)
    assert words in one_line_error(code, err)


def test_analyze_judges_by_the_profiles_baseline(run, db: Path, tmp_path: Path) -> None:
    rec = simulate("argument", seed=8, minutes=20, arousal_hr_bpm=25.0)
    path = tmp_path / "argument.csv"
    write_pausepoint_csv(path, rec.heart_samples())
    rmssd_ms = rec.truth.resting_rmssd_ms
    with Store.open(db) as store:
        for name, hr_bpm in (("fit", 55.0), ("unfit", 75.0)):
            calm = Baseline(hr_bpm, rmssd_ms, 2.0, 0.25 * rmssd_ms, "profile")
            save_profile(store, Profile(name, baseline=calm))
    scores = {}
    for name in ("fit", "unfit"):
        code, out, err = run("analyze", str(path), "--profile", name, "--json")
        assert code == 0, err
        result = json.loads(out)
        assert result["profile"] == name and result["baseline"]["from"] == "profile"
        scores[name] = result["summary"]
    assert 55 < rec.truth.resting_hr_bpm < 75
    assert scores["fit"]["peak_arousal"] > scores["unfit"]["peak_arousal"]
    assert scores["fit"]["flooded_s"] > scores["unfit"]["flooded_s"] > 0

    # The profile's ceiling is used: a low one floods the unfit profile for longer.
    assert run("profiles", "--set", "unfit", "ceiling=80")[0] == 0
    code, out, _ = run("analyze", str(path), "--profile", "unfit", "--json")
    assert json.loads(out)["summary"]["flooded_s"] > scores["unfit"]["flooded_s"]

    code, _, err = run("analyze", str(path), "--profile", "nobody")
    assert "no profile 'nobody'" in one_line_error(code, err)
    code, _, err = run("analyze", str(path), "--profile", "fit", "--baseline", "0:120")
    assert "choose one" in one_line_error(code, err)


def test_db_after_the_step_and_a_new_profile_becomes_active(run, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    code, _, err = run(
        "calibrate", "baseline", "--simulate", "calm", "--seed", "1", "--db", str(other)
    )
    assert code == 0, err
    with Store.open(other) as store:
        me = load_profile(store, "me")
    assert me.active and me.baseline is not None


def test_pacer_cues_follow_the_protocol() -> None:
    cues = pacer_cues(RESONANCE)
    times = [t for t, _ in cues]
    assert times == sorted(times) and times[0] == 0.0
    assert cues[-1] == (RESONANCE.duration_s, "Done. Thank you.")
    for block in RESONANCE.blocks():
        inside = [(t, text) for t, text in cues if block.start_s <= t < block.end_s]
        assert inside[0] == (
            block.start_s,
            f"Now {block.rate_bpm:g} breaths a minute for 2 minutes: follow the cues.",
        )
        breath_s = 60.0 / block.rate_bpm
        ins = [t for t, text in inside if "breathe in" in text]
        outs = [t for t, text in inside if "and out" in text]
        assert len(ins) == math.ceil(round(RESONANCE.paced_s / breath_s, 6))
        assert ins[1] - ins[0] == pytest.approx(breath_s)
        assert outs[0] - ins[0] == pytest.approx(RESONANCE.inhale_fraction * breath_s)
        first_in = next(text for t, text in inside if "breathe in" in text)
        assert first_in.endswith(f"({RESONANCE.inhale_fraction * breath_s:.1f} s)")
        first_out = next(text for t, text in inside if "and out" in text)
        assert first_out.endswith(f"({(1 - RESONANCE.inhale_fraction) * breath_s:.1f} s)")
    rests = [text for _, text in cues if text.startswith("Rest:")]
    assert len(rests) == len(RESONANCE.rates_bpm) - 1 and "Next: 6 a minute" in rests[0]
    assert rest_cues(300.0) == [
        (60.0, "1 of 5 minutes."),
        (120.0, "2 of 5 minutes."),
        (180.0, "3 of 5 minutes."),
        (240.0, "4 of 5 minutes."),
        (300.0, "Done. Thank you."),
    ]


def test_cues_are_spoken_on_time_without_waiting() -> None:
    now = [0.0]
    heard: list[tuple[float, str]] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    cues = pacer_cues(RESONANCE)
    asyncio.run(speak(cues, lambda: now[0], sleep, lambda text: heard.append((now[0], text))))
    assert [text for _, text in heard] == [text for _, text in cues]
    assert all(at == pytest.approx(t) for (at, _), (t, _) in zip(heard, cues, strict=True))
    assert now[0] == pytest.approx(RESONANCE.duration_s)


# --- calibrate baseline FILE: a calm level from a recording made elsewhere ---------------

DATA = Path(__file__).parent.parent / "data"
POLAR_H10_IBI = DATA / "dhyb_polar_h10_ibi" / "sample_data_ibi.csv"
ELITE_HRV = DATA / "2024-03-01 07-30-15.txt"
PYHRV_NN = DATA / "pyhrv_0.5.0_samples" / "SampleNNISeriesShort.npy"


def written_as(fmt: str, folder: Path, seed: int) -> Path:
    """A simulated seated rest written as another tool writes its RR files."""
    samples = simulate("calm", seed=seed, minutes=5.5).heart_samples()
    if fmt == "polar-sensor-logger":
        start = datetime(2024, 3, 1, 7, 30, tzinfo=UTC)
        rows = [
            f"{(start + timedelta(seconds=s.t_s)).isoformat(timespec='milliseconds')[:-6]};"
            f"{round(rr_ms)}"
            for s in samples
            for rr_ms in s.rr_ms
        ]
        path = folder / "Polar_H10_0A1B2C3D_20240301_073000_RR.txt"
        path.write_text("Phone timestamp;RR-interval [ms]\n" + "\n".join(rows) + "\n")
        return path
    rr_ms = [rr_ms for s in samples for rr_ms in s.rr_ms]
    if fmt == "kubios":
        t_s = [sum(rr_ms[: i + 1]) / 1000.0 for i in range(len(rr_ms))]
        path = folder / "kubios_export.txt"
        rows = [f"{t:.3f}\t{rr / 1000.0:.3f}" for t, rr in zip(t_s, rr_ms, strict=True)]
        path.write_text("Time (s)\tRR (s)\n" + "\n".join(rows) + "\n")
        return path
    path = folder / "2024-03-02 07-15-00.txt"  # Elite HRV: whole ms, named by its start
    path.write_text("".join(f"{round(v)}\n" for v in rr_ms))
    return path


@pytest.mark.parametrize("fmt", ["polar-sensor-logger", "kubios", "elite-hrv"])
def test_a_calm_level_from_another_apps_file(run, db: Path, tmp_path: Path, fmt: str) -> None:
    path = written_as(fmt, tmp_path, seed=5)
    code, out, err = run("calibrate", "baseline", str(path), "--profile", "alex")
    assert code == 0, err
    (alex,) = profiles_in(db)
    assert alex.baseline is not None
    assert abs(alex.baseline.hr_bpm - simulate("calm", seed=5).truth.resting_hr_bpm) < 3
    assert out.splitlines()[0].startswith(f"Baseline for alex (file {path.name}, ")
    assert f"{alex.baseline.hr_bpm:5.1f} bpm" in out and "Saved in profile alex." in out


def test_a_real_polar_h10_rest_is_the_calm_level_analyze_uses(run, db: Path) -> None:
    code, out, err = run("calibrate", "baseline", str(POLAR_H10_IBI))
    assert code == 0, err
    assert "Baseline for me (file sample_data_ibi.csv, 30-300 s):" in out  # settled 30 s
    (me,) = profiles_in(db)
    assert me.active and me.baseline is not None

    code, out, err = run("calibrate", "baseline", str(POLAR_H10_IBI), "--window", "300:600",
                         "--profile", "sam", "--json")  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    live = json.loads(run("calibrate", "baseline", "--simulate", "calm", "--profile", "x",
                          "--json")[1])  # fmt: skip
    assert result.keys() == live.keys()
    assert result["assessment"].keys() == live["assessment"].keys()
    assert result["saved_profile"].keys() == live["saved_profile"].keys()
    assert result["source"] == "file sample_data_ibi.csv, 300-600 s"
    assessment = result["assessment"]
    assert assessment["accepted"] and assessment["window_s"] == [300.0, 600.0]
    assert 290 < assessment["covered_s"] <= 302
    sam = next(p for p in profiles_in(db) if p.name == "sam")
    assert sam.baseline is not None and not sam.active
    assert result["saved_profile"]["baseline"]["hr_bpm"] == round(sam.baseline.hr_bpm, 1)
    assert sam.baseline.hr_bpm != me.baseline.hr_bpm  # the later five minutes, not the first

    for name, profile in (("me", me), ("sam", sam)):
        code, out, err = run("analyze", str(POLAR_H10_IBI), "--profile", name, "--json")
        assert code == 0, err
        judged = json.loads(out)["baseline"]
        assert profile.baseline is not None
        assert judged["from"] == "profile"
        assert judged["hr_bpm"] == round(profile.baseline.hr_bpm, 1)
        assert judged["rmssd_ms"] == round(profile.baseline.rmssd_ms, 1)


def test_a_recording_that_is_no_baseline_is_refused_with_its_reasons(run, db: Path) -> None:
    code, out, _ = run("calibrate", "baseline", str(ELITE_HRV), "--profile", "alex")
    assert code == 1
    assert "Only 0.0 minutes of heartbeats came through" in out
    assert "Nothing was saved." in out
    # pyHRV's 5-minute sample: real beats, but too many of them need correcting
    code, out, _ = run("calibrate", "baseline", str(PYHRV_NN), "--json")
    result = json.loads(out)
    assert code == 1 and result["saved_profile"] is None
    assert not result["assessment"]["accepted"]
    assert result["assessment"]["artifact_rate"] > 0.05
    assert any("needed correcting" in reason for reason in result["assessment"]["reasons"])
    # A window too short to hold 3 minutes of beats
    code, out, _ = run("calibrate", "baseline", str(POLAR_H10_IBI), "--window", "60:150")
    assert code == 1 and "Only 1.5 minutes" in out
    assert profiles_in(db) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--window", "700:900"), "window 700:900 s is not within the recording"),
        (("--window", "0:660"), "runs from 0.2 to 600.2 s"),
        (("--window", "300:60"), "START_S must be below END_S"),
        (("--window", "one:two"), "is not START_S:END_S"),
    ],
)
def test_a_bad_window_is_one_line(run, db: Path, args: tuple[str, ...], words: str) -> None:
    code, _, err = run("calibrate", "baseline", str(POLAR_H10_IBI), *args)
    assert words in one_line_error(code, err)
    assert profiles_in(db) == []


def test_an_unusable_file_is_one_line(run, db: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("we talked about money\n")
    for args, words in (
        ((str(tmp_path / "missing.csv"),), "missing.csv: no such file"),
        ((str(notes),), "notes.txt line 1: no RR column"),
        ((str(tmp_path),), "is a folder, not a file"),
        (("--simulate", "calm", "--window", "0:300"), "--window cuts a recording"),
        ((str(POLAR_H10_IBI), "--simulate", "calm"), "not allowed with argument FILE"),
    ):
        code, _, err = run("calibrate", "baseline", *args)
        assert words in one_line_error(code, err)
    assert profiles_in(db) == []
