"""The command line as a user meets it: real files, real subprocesses for exit codes."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pausepoint import __version__
from pausepoint.cli.main import main
from pausepoint.pipeline.estimators import hrv_summary
from pausepoint.words import short_clock_text

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DATA = Path(__file__).resolve().parents[1] / "data"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pausepoint.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_version_and_help():
    assert cli("--version").stdout.strip() == f"pausepoint {__version__}"
    out = cli("--help").stdout
    for command in ("simulate", "monitor", "analyze", "hrv"):
        assert command in out


def test_simulate_writes_recording_and_truth_readable_by_analyze(tmp_path, capsys):
    out, truth = tmp_path / "arg.csv", tmp_path / "arg.json"
    assert (
        main(["simulate", "argument", "--seed", "3", "--out", str(out), "--truth", str(truth)]) == 0
    )
    assert out.stat().st_mode & 0o777 == 0o600
    t = json.loads(truth.read_text())
    assert t["scenario"] == "argument" and t["seed"] == 3 and len(t["flooded"]) == 1
    capsys.readouterr()
    assert main(["analyze", str(out), "--json", "--timeline", "--auto-break"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {
        "input",
        "beats",
        "duration_s",
        "baseline",
        "summary",
        "events",
        "timeline",
    }
    assert set(result["baseline"]) == {"hr_bpm", "rmssd_ms", "from", "window_s"}
    assert result["baseline"]["from"] == "session"
    assert set(result["summary"]) == {
        "mean_hr_bpm",
        "rmssd_ms",
        "sdnn_ms",
        "pnn50_pct",
        "artifacts",
        "flooded_s",
        "peak_arousal",
    }
    kinds = [e["kind"] for e in result["events"]]
    assert kinds.count("flooding_start") == 1 and "break_start" in kinds
    start = next(e for e in result["events"] if e["kind"] == "flooding_start")
    assert t["flooded"][0][0] < start["t_s"] < t["flooded"][0][1]
    rows = result["timeline"]
    assert abs(len(rows) - result["duration_s"]) <= 2
    assert {"t_s", "hr_bpm", "rmssd_ms", "arousal", "state"} == set(rows[0])
    assert any(r["state"] == "flooded" for r in rows)
    assert result["summary"]["flooded_s"] > 180


def test_analyze_with_named_baseline_window(tmp_path, capsys):
    out = tmp_path / "calm.csv"
    main(["simulate", "calm", "--seed", "1", "--out", str(out)])
    capsys.readouterr()
    assert main(["analyze", str(out), "--baseline", "60:240", "--json"]) == 0
    base = json.loads(capsys.readouterr().out)["baseline"]
    assert base["from"] == "window" and base["window_s"] == [60.0, 240.0]
    assert main(["analyze", str(out), "--baseline", "590:600", "--json"]) == 2
    assert "at least 90 are needed" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "bad.txt"),
        (b"800\nabc\n", "line 2"),
        (b"800\n-5\n", "line 2"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, content, needle):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    for command in ("analyze", "hrv"):
        r = cli(command, str(bad))
        assert r.returncode == 2, r.stderr
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert needle in r.stderr or "bad.txt" in r.stderr


def test_missing_file_and_bad_arguments_exit_2(tmp_path):
    r = cli("analyze", str(tmp_path / "nope.txt"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "nope.txt" in r.stderr
    r = cli("analyze", "x.txt", "--baseline", "300:60")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    r = cli("monitor", "--simulate", "no-such-scenario")
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_hrv_json_keys_and_kubios_sample():
    path = SHARED / "systole_rr_kubios" / "rr.txt"
    if not path.exists():
        pytest.skip("shared data absent")
    r = cli("hrv", str(path), "--no-correction", "--json")
    table = json.loads(r.stdout)
    assert list(table) == list(hrv_summary(np.loadtxt(path, delimiter=",", skiprows=1)[:, 1]))
    assert table["rmssd_ms"] == pytest.approx(45.545, rel=1e-3)
    assert table["lf_hf"] == pytest.approx(4.227, rel=0.1)
    assert "Welch" in table["method"]


def test_analyze_real_polar_h10_recording(capsys):
    path = DATA / "dhyb_polar_h10_ibi" / "sample_data_ibi.csv"
    assert main(["analyze", str(path), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert 590 < r["duration_s"] < 610
    assert 55 < r["summary"]["mean_hr_bpm"] < 70
    assert 20 < r["summary"]["rmssd_ms"] < 60
    assert [e for e in r["events"] if e["kind"] == "flooding_start"] == []


@pytest.mark.shared_data
def test_analyze_holter_lists_artifacts_and_plausible_rmssd(capsys):
    path = SHARED / "physionet_rr_healthy_subjects" / "000.txt"
    if not path.exists():
        pytest.skip("shared data absent")
    assert main(["analyze", str(path), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["beats"] > 80000
    artifacts = r["summary"]["artifacts"]
    assert artifacts["count"] == len(artifacts["beats"]) > 100
    assert all(b["raw_rr_ms"] is not None for b in artifacts["beats"])
    assert 10 < r["summary"]["rmssd_ms"] < 80


def test_monitor_prints_a_line_per_second_and_a_summary(capsys):
    assert main(["monitor", "--simulate", "calm", "--minutes", "3", "--speed", "100000"]) == 0
    out = capsys.readouterr().out.splitlines()
    status = [line for line in out if "HR" in line and "RMSSD" in line]
    assert 170 <= len(status) <= 182
    assert "learning your calm level" in status[0]
    assert "calm" in status[-1]
    assert out[-1].startswith(("Session 00:02:5", "Session 00:03:00"))
    assert "flooded 0.0 min" in out[-1]


def test_ctrl_c_ends_the_monitor_cleanly_with_a_summary():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pausepoint.cli",
            "monitor",
            "--simulate",
            "calm",
            "--speed",
            "5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    seen = [proc.stdout.readline() for _ in range(3)]
    assert all("HR" in line for line in seen)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert out.strip().splitlines()[-1].startswith("Session 00:00:")


@pytest.mark.parametrize(
    ("t_s", "text"),
    [(0.0, "00:00"), (59.9, "00:59"), (3599.0, "59:59"), (3600.0, "01:00:00"), (3930, "01:05:30")],
)
def test_short_clock_text_keeps_the_hour_once_there_is_one(t_s: float, text: str) -> None:
    assert short_clock_text(t_s) == text


def test_every_option_of_every_command_says_what_it_does() -> None:
    import argparse

    from pausepoint.cli.main import build_parser

    silent = []

    def walk(parser: argparse.ArgumentParser, command: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{command} {name}")
            elif not action.help:
                silent.append(f"{command} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser(), "pausepoint")
    assert silent == []


@pytest.mark.parametrize(
    ("argv", "display", "expected"),
    [
        (["--simulate", "argument"], False, ["monitor", "--simulate", "argument"]),
        (["--simulate", "argument"], True, ["dashboard", "--simulate", "argument"]),
        (["--db", "x.db", "--replay", "1"], False, ["--db", "x.db", "dashboard", "--replay", "1"]),
        (["--db=x.db"], False, ["--db=x.db", "monitor"]),
        (["--theme", "dark"], False, ["dashboard", "--theme", "dark"]),
        ([], True, ["dashboard"]),
        (["sessions", "--json"], True, ["sessions", "--json"]),
        (["--version"], True, ["--version"]),
    ],
)
def test_options_without_a_command_go_to_the_dashboard_or_the_monitor(
    monkeypatch, argv: list[str], display: bool, expected: list[str]
) -> None:
    """The README's `pausepoint [dashboard] [--simulate ...]`: the command may be left out."""
    from pausepoint.cli.main import with_command

    monkeypatch.setattr("pausepoint.ui.app.has_display", lambda: display)
    assert with_command(argv) == expected


def test_pausepoint_with_options_alone_runs(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    done = cli("--db", str(tmp_path / "s.db"), "--simulate", "argument", "--screenshot", str(out))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000
