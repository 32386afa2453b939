"""pausepoint's speed figures, one per line: `name: value unit`.

Run through scripts/bench, which sets up the environment first. Figures, not tests:
nothing here passes or fails.
"""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
HOLTER = SHARED / "physionet_rr_healthy_subjects"


def say(name: str, value: float, unit: str) -> None:
    print(f"{name}: {value:.4g} {unit}", flush=True)


def bench_simulator() -> None:
    from pausepoint.sources.simulated.scenarios import simulate

    beats = 0
    t0 = time.perf_counter()
    for seed in range(5):
        rec = simulate("argument", seed=seed)
        beats += sum(len(s.rr_ms) for s in rec.heart_samples())
    say("simulator_throughput", beats / (time.perf_counter() - t0), "beats/s")


def _engine_costs_us(samples) -> np.ndarray:
    from pausepoint.config import load_config
    from pausepoint.pipeline.pipeline import Pipeline

    pipeline = Pipeline(load_config())
    per_beat_us = []
    clock = time.perf_counter_ns
    for sample in samples:
        t0 = clock()
        pipeline.push(sample)
        dt_ns = clock() - t0
        n = len(getattr(sample, "rr_ms", ())) or 1
        per_beat_us += [dt_ns / 1000.0 / n] * n
    return np.asarray(per_beat_us)


def bench_engine() -> None:
    from pausepoint.sources.simulated.scenarios import simulate

    samples = simulate("argument", seed=1).samples
    costs_us = _engine_costs_us(samples)
    say("engine_cost_per_beat_median", float(np.median(costs_us)), "us")
    say("engine_cost_per_beat_p99", float(np.percentile(costs_us, 99)), "us")


def bench_naive_ratio() -> None:
    """The engine against recomputing neurokit2's hrv_time + hrv_frequency at every beat.

    Both see the same beats of one simulated calm session in this process. The naive
    engine recomputes over the engine's own windows at each beat: time domain over 30 s
    (RMSSD) and 60 s (RMSSD, SDNN, pNN50), frequency domain over 60 s (HF, breathing),
    64 s (coherence) and 120 s (LF/HF).
    """
    import warnings

    import neurokit2 as nk

    from pausepoint.sources.simulated.scenarios import simulate

    samples = simulate("calm", seed=2).heart_samples()
    rr_ms = np.array([v for s in samples for v in s.rr_ms])
    costs_us = _engine_costs_us(samples)
    t_s = np.cumsum(rr_ms) / 1000.0
    first = int(np.searchsorted(t_s, 130.0))
    beats = range(first, min(first + 300, len(rr_ms)))

    def peaks(i: int, window_s: float) -> np.ndarray:
        lo = int(np.searchsorted(t_s, t_s[i] - window_s, side="right"))
        return nk.intervals_to_peaks(rr_ms[lo : i + 1], sampling_rate=1000)

    naive_us = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in beats:
            t0 = time.perf_counter()
            for window_s in (30.0, 60.0):
                nk.hrv_time(peaks(i, window_s), sampling_rate=1000)
            for window_s in (60.0, 64.0, 120.0):
                nk.hrv_frequency(peaks(i, window_s), sampling_rate=1000)
            naive_us.append((time.perf_counter() - t0) * 1e6)
    engine_us = float(np.mean(costs_us[beats.start : beats.stop]))
    naive_mean_us = statistics.fmean(naive_us)
    say("naive_neurokit2_cost_per_beat_mean", naive_mean_us, "us")
    say("engine_cost_per_beat_mean_same_beats", engine_us, "us")
    say("engine_speedup_vs_naive", naive_mean_us / engine_us, "x")


def _first_flood_s(config, scenario: str, seed: int) -> tuple[float | None, float | None]:
    """(first flooding_start, true onset) on one simulated recording; None where absent."""
    from pausepoint.pipeline.pipeline import Pipeline
    from pausepoint.sources.simulated.scenarios import simulate

    rec = simulate(scenario, seed=seed)
    onset_s = rec.truth.flooded[0][0] if rec.truth.flooded else None
    pipeline = Pipeline(config, spectral=False)
    for sample in rec.samples:
        if any(e.kind == "flooding_start" for e in pipeline.push(sample).events):
            return sample.t_s, onset_s
    return None, onset_s


def bench_detection() -> None:
    """Flooding latency on `argument` against the simulator's truth, 20 seeds, with the
    defaults and with the variants that trade talking's false alarms for speed."""
    from dataclasses import replace

    from pausepoint.config import load_config

    base = load_config()

    def variant(sustain_s: float, rmssd_window_s: float, rmssd_drop_sd: float):
        return replace(
            base,
            flooding=replace(base.flooding, sustain_s=sustain_s, rmssd_drop_sd=rmssd_drop_sd),
            estimators=replace(base.estimators, rmssd_window_s=rmssd_window_s),
        )

    drop_sd, rmssd_s = base.flooding.rmssd_drop_sd, base.estimators.rmssd_window_s
    variants = {
        "": base,
        "_hr_alone_10s_hold": variant(10.0, rmssd_s, -math.inf),
        "_no_extra_hold": variant(0.0, rmssd_s, drop_sd),
        "_no_extra_hold_rmssd15s": variant(0.0, 15.0, drop_sd),
        "_5s_hold_rmssd20s": variant(5.0, 20.0, drop_sd),
    }
    for suffix, config in variants.items():
        latencies_s = []
        for seed in range(20):
            flood_s, onset_s = _first_flood_s(config, "argument", seed)
            if flood_s is not None and onset_s is not None:
                latencies_s.append(flood_s - onset_s)
        talking = sum(_first_flood_s(config, "speech", seed)[0] is not None for seed in range(20))
        say(f"flooding_detected_seeds{suffix}", len(latencies_s), "of 20")
        if latencies_s:
            say(f"flooding_latency_median{suffix}", float(np.median(latencies_s)), "s")
            say(f"flooding_latency_max{suffix}", float(np.max(latencies_s)), "s")
        say(f"flooding_false_in_speech{suffix}", talking, "of 20")


FLOOD_LATENCY_ALLOWANCE_S = 60.0
"""A flooding_start this long after the true flooded span still counts as catching it: the
worst `argument` latency (docs/arousal.md, 52 s), rounded up."""


def bench_optical() -> None:
    """`optical` (an arm band's gappy, jittery beats), 20 seeds, the Start break pressed as
    the golden tests do: a judgement of the body now (calm, rising, settling, settled) shown
    without a heart rate; how long "looking for your pulse" shows, and a flood or break kept
    on screen without one; how soon the calm level is learnt, false floods while calm, floods
    caught."""
    from pausepoint.config import load_config
    from pausepoint.model import EventKind, State
    from pausepoint.pipeline.pipeline import Pipeline
    from pausepoint.sources.simulated.scenarios import simulate

    config = load_config()
    judging = (State.CALM, State.RISING, State.RECOVERING, State.READY)
    blind_s = total_s = searching_s = kept_s = 0.0
    blind_shares, baseline_s, latencies_s = [], [], []
    calm_alarms = calm_alarm_seeds = caught = 0
    for seed in range(20):
        rec = simulate("optical", seed=seed)
        truth = rec.truth
        start_s, end_s = rec.samples[0].t_s, rec.samples[-1].t_s
        calm_end_s = next(end for name, _, end in truth.phases if name == "calm")
        pipeline = Pipeline(config, spectral=False)
        break_s = truth.break_start_s
        events = []
        seed_blind_s = 0.0
        for sample, next_t_s in zip(
            rec.samples, [*(s.t_s for s in rec.samples[1:]), end_s], strict=True
        ):
            if break_s is not None and sample.t_s >= break_s:
                pipeline.start_break(break_s)
                break_s = None
            update = pipeline.push(sample)
            events += update.events
            step_s = next_t_s - sample.t_s
            if update.hr_bpm is None and update.state in judging:
                seed_blind_s += step_s
            searching_s += step_s * (update.state == State.SEARCHING)
            kept_s += step_s * (update.pulse_lost and update.state in (State.FLOODED, State.BREAK))
        events += pipeline.finish(end_s).events
        blind_s += seed_blind_s
        total_s += end_s - start_s
        blind_shares.append(seed_blind_s / (end_s - start_s))
        learnt = [e.t_s for e in events if e.kind == EventKind.BASELINE]
        if learnt:
            baseline_s.append(learnt[0] - start_s)
        floods = [e.t_s for e in events if e.kind == EventKind.FLOODING_START]
        in_calm = sum(t < calm_end_s for t in floods)
        calm_alarms += in_calm
        calm_alarm_seeds += in_calm > 0
        (onset_s, flood_end_s) = truth.flooded[0]
        inside = [t for t in floods if onset_s < t <= flood_end_s + FLOOD_LATENCY_ALLOWANCE_S]
        if inside:
            caught += 1
            latencies_s.append(inside[0] - onset_s)
    say("optical_no_hr_shown_as_state_share", 100.0 * blind_s / total_s, "%")
    say("optical_no_hr_shown_as_state_share_worst_seed", 100.0 * max(blind_shares), "%")
    say("optical_looking_for_pulse_share", 100.0 * searching_s / total_s, "%")
    say("optical_flood_or_break_kept_without_pulse_share", 100.0 * kept_s / total_s, "%")
    say("optical_baseline_learnt_seeds", len(baseline_s), "of 20")
    if baseline_s:
        say("optical_baseline_learnt_median", float(np.median(baseline_s)) / 60.0, "min")
        say("optical_baseline_learnt_worst", float(np.max(baseline_s)) / 60.0, "min")
    say("optical_flooding_start_in_calm", calm_alarms, "events")
    say("optical_flooding_start_in_calm_seeds", calm_alarm_seeds, "of 20")
    say("optical_flooding_caught_seeds", caught, "of 20")
    if latencies_s:
        say("optical_flooding_latency_median", float(np.median(latencies_s)), "s")
        say("optical_flooding_latency_max", float(np.max(latencies_s)), "s")


def bench_walk_file() -> None:
    """`simulate walk --out F.csv` then `analyze F.csv --json`, 20 seeds, in-process through
    the CLI: walking judged from a file, its motion kept (target: no flooding_start)."""
    import contextlib
    import io
    import json
    import tempfile

    from pausepoint.cli.main import main as cli

    starts = 0
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(20):
            path = Path(folder) / f"walk-{seed}.csv"
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                cli(["simulate", "walk", "--seed", str(seed), "--out", str(path)])
                out.seek(0)
                out.truncate()
                cli(["analyze", str(path), "--json"])
            events = json.loads(out.getvalue())["events"]
            starts += sum(e["kind"] == "flooding_start" for e in events)
    say("walk_file_flooding_start", starts, "events in 20 seeds")


def bench_rhythm() -> None:
    """Frequent premature beats and an irregular rhythm, 20 seeds each: the share of time
    judged after the calm level is learnt, false floods at rest, and `bigeminy-argument`'s
    floods caught and how fast against `argument` on the same seeds; then the ordinary
    scenarios' false floods (walk with its motion channel)."""
    from pausepoint.config import load_config
    from pausepoint.model import EventKind, State
    from pausepoint.pipeline.pipeline import Pipeline
    from pausepoint.sources.simulated.scenarios import simulate

    config = load_config()
    unjudged = (State.CALIBRATING, State.SIGNAL_POOR, State.SEARCHING)
    for scenario in ("bigeminy", "irregular"):
        judged_s = after_s = 0.0
        shares, floods = [], 0
        for seed in range(20):
            rec = simulate(scenario, seed=seed)
            pipeline = Pipeline(config, spectral=False)
            seed_judged_s = seed_after_s = 0.0
            ends = [*(s.t_s for s in rec.samples[1:]), rec.samples[-1].t_s]
            for sample, next_t_s in zip(rec.samples, ends, strict=True):
                update = pipeline.push(sample)
                floods += sum(e.kind == EventKind.FLOODING_START for e in update.events)
                if update.baseline is not None:
                    seed_after_s += next_t_s - sample.t_s
                    seed_judged_s += (next_t_s - sample.t_s) * (update.state not in unjudged)
            judged_s += seed_judged_s
            after_s += seed_after_s
            shares.append(seed_judged_s / seed_after_s if seed_after_s else 0.0)
        say(f"{scenario}_judged_after_baseline_share", 100.0 * judged_s / after_s, "%")
        say(f"{scenario}_judged_after_baseline_share_worst_seed", 100.0 * min(shares), "%")
        say(f"{scenario}_flooding_start", floods, "events")
    for scenario in ("argument", "bigeminy-argument"):
        latencies_s = []
        for seed in range(20):
            flood_s, onset_s = _first_flood_s(config, scenario, seed)
            if flood_s is not None and onset_s is not None:
                latencies_s.append(flood_s - onset_s)
        say(f"{scenario}_flooded_seeds", len(latencies_s), "of 20")
        if latencies_s:
            say(f"{scenario}_flooding_latency_median", float(np.median(latencies_s)), "s")
            say(f"{scenario}_flooding_latency_max", float(np.max(latencies_s)), "s")
    for scenario in ("calm", "paced-breathing", "speech", "ectopic", "dropouts", "walk"):
        false = sum(_first_flood_s(config, scenario, seed)[0] is not None for seed in range(20))
        say(f"{scenario}_false_floods", false, "of 20 seeds")


def bench_couple() -> None:
    """Couple mode on 20 simulated couples per scenario, and one 45-min couple end to end."""
    from pausepoint.config import load_config
    from pausepoint.couple.engine import PARTNERS, analyze_couple
    from pausepoint.sources.simulated.couples import simulate_couple

    config = load_config()

    def analysed(scenario: str, seed: int):
        rec = simulate_couple(scenario, seed=seed)
        samples = (rec.a.samples, rec.b.samples)
        return rec, analyze_couple(samples, (config, config), inputs=("A", "B"))

    seen = by_leader = leader_right = inside = 0
    analyze_s = []
    for seed in range(20):
        t0 = time.perf_counter()
        rec, result = analysed("couple-argument", seed)
        analyze_s.append(time.perf_counter() - t0)
        starts = [
            [e for e in p["events"] if e["kind"] == "flooding_start"] for p in result["partners"]
        ]
        seen += all(starts)
        pause = result["couple_events"][0] if result["couple_events"] else {}
        by_leader += pause.get("by") == PARTNERS[rec.truth.leader]
        leader_right += result["linkage"]["leader"] == PARTNERS[rec.truth.leader]
        _, calm = analysed("couple-calm", seed)
        inside += calm["linkage"]["linked_windows"] <= calm["linkage"]["chance_bound"]
    say("couple_argument_both_floods_seen", seen, "of 20")
    say("couple_argument_pause_started_by_leader", by_leader, "of 20")
    say("couple_argument_linkage_leader_right", leader_right, "of 20")
    say("couple_calm_linkage_inside_chance_band", inside, "of 20")
    say("couple_simulate_and_analyze_45min_median", statistics.median(analyze_s), "s")


def bench_ble_latency() -> None:
    """Notification to Update through the virtual strap: bumble link, real bleak, pipeline."""
    import asyncio

    sys.path.insert(0, str(ROOT))
    from hardware.bumble_backend import VirtualRadio
    from hardware.virtual_clock import ScaledClock
    from hardware.virtual_strap import VirtualStrap

    from pausepoint.config import load_config
    from pausepoint.model import HeartSample
    from pausepoint.pipeline.pipeline import Pipeline
    from pausepoint.sources.simulated.scenarios import simulate
    from pausepoint.strap.ble import BleSource

    sent_s: list[float] = []
    updated_s: list[float] = []

    async def run() -> None:
        radio = VirtualRadio()
        clock = ScaledClock(10.0)
        strap = VirtualStrap(radio, clock)
        notify = strap.notify

        async def timed_notify(characteristic, payload: bytes) -> bool:
            if characteristic is strap.heart_rate:
                sent_s.append(time.perf_counter())
            return await notify(characteristic, payload)

        strap.notify = timed_notify
        pipeline = Pipeline(load_config())

        def on_sample(sample) -> None:
            if isinstance(sample, HeartSample):
                pipeline.push(sample)
                updated_s.append(time.perf_counter())

        source = BleSource(on_sample, backend=radio.backend(), clock=clock.now, sleep=clock.sleep)
        await strap.start()
        task = asyncio.create_task(source.run())
        try:
            while not strap.subscribed(strap.heart_rate):
                await asyncio.sleep(0.01)
            await strap.play(simulate("argument", seed=1, minutes=10.0).heart_samples())
            while len(updated_s) < len(sent_s):
                await asyncio.sleep(0.01)
        finally:
            await source.stop()
            await task
            await strap.stop()
            await radio.close()

    asyncio.run(run())
    latency_ms = (np.asarray(updated_s) - np.asarray(sent_s)) * 1000.0
    say("ble_notification_to_update_median", float(np.median(latency_ms)), "ms")
    say("ble_notification_to_update_p99", float(np.percentile(latency_ms, 99)), "ms")


def bench_store() -> None:
    import tempfile

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_store import bench_year

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "year.db"
        for name, value in bench_year(path).items():
            unit = name.rsplit("_", 1)[-1]
            say(name.removesuffix(f"_{unit}"), value, unit)
        exe = Path(sys.executable).with_name("pausepoint")
        runs_s = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run(
                [str(exe), "--db", str(path), "sessions"], check=True, capture_output=True
            )
            runs_s.append(time.perf_counter() - t0)
        say("sessions_command_year_db_end_to_end", statistics.median(runs_s) * 1000.0, "ms")


def bench_trends() -> None:
    """`pausepoint trends --json` and the Trends page on a year of check-ins."""
    import tempfile

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_trends import bench_trends as trends_figures

    with tempfile.TemporaryDirectory() as folder:
        for name, value in trends_figures(Path(folder) / "year.db").items():
            unit = name.rsplit("_", 1)[-1]
            say(name.removesuffix(f"_{unit}"), value, unit)


def bench_dashboard() -> None:
    """Start-up to first frame, one frame, CPU over 60 s live at 1x: each in its own process."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_ui import all_figures

    for name, (value, unit) in all_figures().items():
        say(name, value, unit)


def bench_analyze_holter() -> None:
    files = sorted(HOLTER.glob("*.txt")) if HOLTER.exists() else []
    if not files:
        print("analyze_holter: skipped (shared data absent)")
        return
    path = max(files, key=lambda p: p.stat().st_size)
    exe = Path(sys.executable).with_name("pausepoint")
    t0 = time.perf_counter()
    subprocess.run([str(exe), "analyze", str(path), "--json"], check=True, capture_output=True)
    say(f"analyze_holter_{path.stem}_end_to_end", time.perf_counter() - t0, "s")


def main() -> None:
    bench_simulator()
    bench_engine()
    bench_naive_ratio()
    bench_couple()
    bench_detection()
    bench_optical()
    bench_rhythm()
    bench_walk_file()
    bench_analyze_holter()
    bench_ble_latency()
    bench_store()
    bench_trends()
    bench_dashboard()


if __name__ == "__main__":
    main()
